"""Issue 64 item 7: a third party's shear (and bulk) modulus is read from npz keys, text headers and sidecars, so the
claims read in absolute frequency ω/ω_g apply to its set.

Known answer: mock spectra of exponent s = 4 (Poisson levels, every sample's G = 4.5, N = 2000; the prefactor puts
~1.6 modes a sample below 0.15 ω_g, as ``test_absolute_frequency_claims.py`` uses them), exported as a third party
would.  With G given by any of the three routes the deep-tail claim (s = 4 in ω/ω_g) is measured and supported with
the same value; without G it is "not measurable" for lack of ``shear_modulus`` (the case built to fail).  Bad moduli
exit 2 naming what was expected.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from lowest_mode_points import lowest_mode_point
from vdosbench.benchmark import load_claims
from vdosbench.benchmark.adapters import AdapterError
from vdosbench.benchmark import DeclarationError, declaration_for, declare
from vdosbench.benchmark.scorecard import read_input, score_datasets
from vdosbench.benchmark import Verdict
from vdosbench.cli import main
from vdosbench.generators import mock_glass_spectra

ROOT = Path(__file__).resolve().parents[2]
N = 2000
CLAIM = "lerner.deep-tail-s4-absolute"


@pytest.fixture(scope="module")
def point():
    m = mock_glass_spectra(
        N, 600, exponent=4.0, prefactor=1.2, k=60, seed=4, levels="poisson", hybridisation=0.19, modulus_scatter=0.0
    )
    return lowest_mode_point(m, N)


def _npz(point, path: Path, **extra) -> Path:
    np.savez(
        path,
        eigenvalues=point["eigenvalue"].values,
        box_length=point["box_length"].values,
        zero_modes=3,
        spatial_dimension=3,
        **extra,
    )
    return path


def _deep_tail(path: Path, **options):
    """The deep-tail claim's result on ``path`` read by its adapter and declared (its sidecar, if any)."""
    info, ds = read_input(path, **options)
    declaration = declaration_for(path, {"model": "glass", "n_particles": str(N)})
    card = score_datasets(
        [(info, declare(ds, declaration, info.name))], [c for c in load_claims() if c.id == CLAIM], "claims"
    )
    (result,) = card.results
    return result, ds


def test_an_npz_with_shear_modulus_gets_the_absolute_frequency_claim_measured(point, tmp_path: Path) -> None:
    """End to end through ``vdosbench score``: measured and supported with G per sample; without G 'not
    measurable' (lacks shear_modulus), with G as one value for every sample the same verdict and value."""
    claims = tmp_path / "claims.toml"
    text = (ROOT / "benchmark" / "claims.toml").read_text(encoding="utf-8")
    block = re.search(r'\[\[claim\]\]\nid = "lerner\.deep-tail-s4-absolute"\n.*?(?=\n\[\[claim\]\]|\Z)', text, re.S)
    claims.write_text(block.group(0) + "\n")
    with_g = _npz(
        point,
        tmp_path / "with-g.npz",
        shear_modulus=point["shear_modulus"].values,
        bulk_modulus=point["bulk_modulus"].values,
    )
    out = tmp_path / "report"
    code = main(
        [
            "score",
            str(with_g),
            "--claims",
            str(claims),
            "--declare",
            "model=glass",
            "--declare",
            f"n_particles={N}",
            "--output",
            str(out),
        ]
    )
    assert code == 0
    import json

    (result,) = json.loads((out / "result.json").read_text())["results"]
    assert result["verdict"] == "supported"
    value = result["points"][0]["measurement"]["value"]
    assert value == pytest.approx(4.0, abs=0.5)

    scalar, ds = _deep_tail(_npz(point, tmp_path / "scalar-g.npz", shear_modulus=4.5))
    assert scalar.verdict is Verdict.SUPPORTED
    assert scalar.points[0].measurement.value == pytest.approx(value, rel=1e-9)  # G = 4.5 in every sample anyway
    assert (
        ds.attrs["adapter_moduli"]
        == "shear_modulus: one value for every sample (600), read as the value of each sample"
    )

    without, _ = _deep_tail(_npz(point, tmp_path / "no-g.npz"))
    assert without.verdict is Verdict.NOT_APPLICABLE and without.inapplicable.missing == ("shear_modulus",)


def test_a_sidecar_or_a_text_header_gives_the_modulus_too(point, tmp_path: Path) -> None:
    reference, _ = _deep_tail(_npz(point, tmp_path / "ref.npz", shear_modulus=point["shear_modulus"].values))

    data = _npz(point, tmp_path / "side.npz")
    (tmp_path / "side.vdos.toml").write_text("shear_modulus = 4.5\nbulk_modulus = 60.0\n")
    declared, _ = _deep_tail(data)
    assert declared.verdict is Verdict.SUPPORTED
    assert declared.points[0].measurement.value == pytest.approx(reference.points[0].measurement.value, rel=1e-9)

    lam = point["eigenvalue"].values
    text = tmp_path / "header.txt"
    text.write_text(
        f"# spatial_dimension: 3\n# box_length: {float(point['box_length'].values[0])!r}\n# shear_modulus: 4.5\n"
        + "\n".join(" ".join(repr(float(v)) for v in row) for row in lam)
        + "\n"
    )
    from_text, ds = _deep_tail(text, zero_modes=3)
    assert from_text.points[0].measurement.value == pytest.approx(reference.points[0].measurement.value, rel=1e-9)
    assert ds["shear_modulus"].values.tolist() == [4.5] * lam.shape[0]


def test_moduli_per_sample_from_a_sidecar_list_and_a_text_header(tmp_path: Path) -> None:
    lam = np.sort(np.random.default_rng(0).uniform(0.1, 4.0, (3, 40)), axis=1)
    data = tmp_path / "three.npz"
    np.savez(data, eigenvalues=lam, spatial_dimension=3)
    (tmp_path / "three.vdos.toml").write_text("model = 'glass'\nshear_modulus = [4.0, 4.5, 5.0]\n")
    info, ds = read_input(data)
    declared = declare(ds, declaration_for(data), info.name)
    assert declared["shear_modulus"].values.tolist() == [4.0, 4.5, 5.0]
    assert "declared" in declared["shear_modulus"].attrs["long_name"]
    text = tmp_path / "three.txt"
    text.write_text(
        "# spatial_dimension: 3\n# bulk_modulus: 50, 51, 52\n"
        + "\n".join(" ".join(map(str, row)) for row in lam)
        + "\n"
    )
    assert read_input(text)[1]["bulk_modulus"].values.tolist() == [50.0, 51.0, 52.0]


@pytest.mark.parametrize(
    ("route", "value", "error", "match"),
    [
        (
            "npz",
            np.array([4.5, 4.5]),
            AdapterError,
            r"shear_modulus has shape \(2,\); expected one value for every "
            r"sample or one per sample, \(3,\)",
        ),
        ("npz", np.array([4.5, np.nan, 4.5]), AdapterError, r"shear_modulus holds NaN or infinite values"),
        ("text", "4.5 soft", AdapterError, r"header '# shear_modulus: 4.5 soft' holds something that is not a number"),
        ("text", "1e999", AdapterError, r"shear_modulus holds NaN or infinite values"),
        ("sidecar", "[4.5, 4.5]", DeclarationError, r"shear_modulus has shape \(2,\).*declared by sidecar"),
        ("sidecar", "-1.0", DeclarationError, r"shear_modulus is -1\.0 \(float\); expected a number > 0"),
        (
            "sidecar",
            "1" + "0" * 400,
            DeclarationError,
            r"shear_modulus is 1000.*… \(401 characters\) \(int, too large\)",
        ),
    ],
    ids=["npz-shape", "npz-nan", "text-word", "text-overflow", "sidecar-length", "sidecar-negative", "sidecar-huge"],
)
def test_bad_moduli_are_refused_naming_what_was_expected(
    tmp_path: Path, route: str, value, error: type[Exception], match: str
) -> None:
    lam = np.sort(np.random.default_rng(0).uniform(0.1, 4.0, (3, 40)), axis=1)
    if route == "text":
        data = tmp_path / "bad.txt"
        data.write_text(
            f"# spatial_dimension: 3\n# shear_modulus: {value}\n"
            + "\n".join(" ".join(map(str, row)) for row in lam)
            + "\n"
        )
    else:
        data = tmp_path / "bad.npz"
        np.savez(data, eigenvalues=lam, spatial_dimension=3, **({"shear_modulus": value} if route == "npz" else {}))
        if route == "sidecar":
            (tmp_path / "bad.vdos.toml").write_text(f"model = 'glass'\nshear_modulus = {value}\n")
    with pytest.raises(error, match=match):
        info, ds = read_input(data)
        declare(ds, declaration_for(data), info.name)
    out = tmp_path / "report"
    assert main(["score", str(data), "--declare", "model=glass", "--output", str(out)]) == 2
    assert not out.exists()
