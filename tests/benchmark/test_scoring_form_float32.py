"""A scoring form too large otherwise: eigenvalues stored as float32, structures left out, checked by scoring."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import xarray as xr

from vdosbench.benchmark.claims import load_claims, with_bootstrap_replicates
from vdosbench.cli import main
from vdosbench.benchmark.scoring_form import (
    FLOAT32_ATTRIBUTE,
    REFERENCE_LEFT_OUT_ATTRIBUTE,
    ScoringFormMismatch,
    scoring_form,
    scoring_form_file,
    scoring_signature,
    signatures_close,
    verify_scoring_form,
    without_variables,
)
from vdosbench.datasets import open_dataset, write
from vdosbench.generators import build_in_memory


@pytest.fixture(scope="module")
def levels() -> xr.Dataset:
    """A small set shaped like ``soft-spheres-n1600-levels-m2``: all eigenvalues, no eigenvectors or pairs."""
    return build_in_memory(
        "soft_spheres",
        grid={"taper_order": [2], "parent_temperature": [1.0, 0.144]},
        fixed={"n_particles": 64, "n_sweeps": 20, "n_vectors": 0, "vector_modes": [], "pair_data": False},
        n_samples=4,
        root_seed=5,
    )


@pytest.fixture(scope="module")
def claims() -> list[Any]:
    return with_bootstrap_replicates(load_claims(), 40)


@pytest.fixture(scope="module")
def coarse(levels: xr.Dataset, claims: list[Any]) -> Any:
    return scoring_form(levels, claims, leave_out=["position", "diameter"], float32=["eigenvalue"])


def test_the_float32_form_stores_float32_and_declares_what_it_changes(coarse: Any, levels: xr.Dataset) -> None:
    form = coarse.dataset
    assert form["eigenvalue"].dtype == np.float32 and levels["eigenvalue"].dtype == np.float64
    assert "position" not in form and "diameter" not in form and "box_length" in form
    assert coarse.float32 == ("eigenvalue",) and coarse.reference_left_out == ("eigenvalue_agreement",)
    assert json.loads(form.attrs[FLOAT32_ATTRIBUTE]) == {
        "variables": ["eigenvalue"],
        "uncertainty_fraction": 0.01,
        "rtol": 1e-5,
        "atol": 1e-9,
    }
    assert json.loads(form.attrs[REFERENCE_LEFT_OUT_ATTRIBUTE]) == ["eigenvalue_agreement"]
    # the structures leave out the claims that build wave vectors from positions, and nothing else
    assert set(coarse.claims_left_out) == {
        "schirmacher.modes-below-omega0-not-waves",
        "lerner-bouchbinder.vortex-modes-are-wave-superpositions",
        "schirmacher.type-two-modes-vortex-like",
    }
    assert "stored as float32: eigenvalue" in coarse.summary()
    assert "--reference parts that need the full set: eigenvalue_agreement" in coarse.summary()


def test_the_float32_form_scores_as_the_full_set_within_the_rule_but_not_bit_for_bit(
    coarse: Any, levels: xr.Dataset, claims: list[Any]
) -> None:
    """The rule is exercised: the signatures differ as text (float32 moves the level-spacing statistics) and agree
    by :func:`signatures_close`, with the same verdicts."""
    full = scoring_signature(without_variables(levels, ["position", "diameter"]), claims)
    form = scoring_signature(coarse.dataset, claims)
    assert full != form
    assert signatures_close(full, form) is None
    assert [r["verdict"] for r in json.loads(full)["claims"]] == [r["verdict"] for r in json.loads(form)["claims"]]
    verify_scoring_form(levels, coarse.dataset, claims)


def _perturbed(form: xr.Dataset, factor: float) -> xr.Dataset:
    out = form.copy(deep=True)
    out["eigenvalue"] = (out["eigenvalue"] * np.float32(factor)).astype(np.float32)
    return out


@pytest.mark.parametrize(
    ("tamper", "match"),
    [
        # eigenvalues 0.2 % off: the level statistics are scale free, the exponent windows are not
        (lambda f: _perturbed(f, 1.002), r"differs from scoring the full set without position, diameter at /claims/"),
        (
            lambda f: f.assign(eigenvalue=f["eigenvalue"].astype(np.float64)),
            r"declares \['eigenvalue'\] stored as float32; found \['eigenvalue'\] not float32",
        ),
        (
            lambda f: f.assign_attrs({FLOAT32_ATTRIBUTE: '{"variables": ["eigenvalue"]}'}),
            r"not a JSON object with variables, uncertainty_fraction, rtol and atol",
        ),
        (
            lambda f: f.assign_attrs(
                {
                    FLOAT32_ATTRIBUTE: json.dumps(
                        {"variables": ["eigenvalue"], "uncertainty_fraction": 0.5, "rtol": 1e-5, "atol": 1e-9}
                    )
                }
            ),
            r"declares float32 tolerances \(0\.5, 1e-05, 1e-09\); expected \(0\.01, 1e-05, 1e-09\)",
        ),
        (
            lambda f: f.assign_attrs({REFERENCE_LEFT_OUT_ATTRIBUTE: "[]"}),
            r"--reference parts \[\] left out with position, diameter; .* --reference parts \['eigenvalue_agreement'\]",
        ),
    ],
    ids=["values", "dtype", "attribute", "tolerance", "reference-parts"],
)
def test_a_tampered_float32_form_fails_verification(
    coarse: Any, levels: xr.Dataset, claims: list[Any], tamper: Any, match: str
) -> None:
    with pytest.raises(ScoringFormMismatch, match=match):
        verify_scoring_form(levels, tamper(coarse.dataset), claims)


def test_float32_names_must_be_float64_variables_the_form_keeps(levels: xr.Dataset, claims: list[Any]) -> None:
    with pytest.raises(
        ValueError,
        match=r"float32 names \['mc_energy'\]; expected float64 data variables the form "
        r"keeps, among \[.*'eigenvalue'.*\]; fix: drop them from float32",
    ):
        scoring_form(levels, claims, float32=["eigenvalue", "mc_energy"])  # mc_energy: not read, not kept


def test_the_reference_comparison_may_lose_only_its_eigenvalue_agreement(levels: xr.Dataset) -> None:
    """Without positions no configuration is shown shared; everything else in --reference is unchanged."""
    full = json.loads(scoring_signature(levels))["reference"]["points"]
    reduced = json.loads(scoring_signature(without_variables(levels, ["position"]), submitted=levels))["reference"][
        "points"
    ]
    assert [
        p["eigenvalue_agreement"]["note"].startswith("not compared: no positions in the reference") for p in reduced
    ] == [True, True]
    assert all("measurements" in p["eigenvalue_agreement"] for p in full)  # shared with itself: compared
    assert [{k: v for k, v in p.items() if k != "eigenvalue_agreement"} for p in full] == [
        {k: v for k, v in p.items() if k != "eigenvalue_agreement"} for p in reduced
    ]


def test_signatures_close_compares_measurements_by_their_uncertainty() -> None:
    def m(value: float, uncertainty: float = 0.1, **extra: Any) -> str:
        return json.dumps({"x": {"value": value, "uncertainty": uncertainty, "low": 2.8, "high": 3.2, **extra}})

    assert signatures_close(m(3.0009), m(3.0)) is None  # 0.9 % of the uncertainty
    assert "apart by more than 0.01 of the uncertainty" in signatures_close(m(3.0011), m(3.0))
    assert signatures_close(m(3.0, 0.1001), m(3.0, 0.1)) is None
    assert signatures_close(m(3.0, settings=1.0001), m(3.0, settings=1.0)) == "/x/settings: 1.0001 and 1.0"
    assert (
        signatures_close(m(3.0, uncertainty=float("nan")), m(3.0001, uncertainty=float("nan")))
        == "/x/value: 3.0 and 3.0001"
    )  # no finite uncertainty: the relative rule
    assert signatures_close('{"a": [1, 2]}', '{"a": [1]}') == "/a: 2 and 1 entries"
    assert signatures_close('{"a": NaN, "b": null}', '{"a": NaN, "b": null}') is None
    assert signatures_close('{"a": 1}', '{"b": 1}') == ": keys ['a'] and ['b']"


def test_cli_compact_scoring_form_float32(
    tmp_path: Path, levels: xr.Dataset, capsys: pytest.CaptureFixture[str]
) -> None:
    full = write(levels, tmp_path / "full.nc")
    target = tmp_path / "form.nc"
    assert (
        main(
            [
                "compact",
                str(full),
                str(target),
                "--scoring-form",
                "--leave-out",
                "position,diameter",
                "--float32",
                "eigenvalue",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "stored as float32: eigenvalue" in out and "scores as the full set: verified" in out
    with open_dataset(target) as written:
        assert written["eigenvalue"].dtype == np.float32
    assert target.stat().st_size < 0.6 * scoring_form_file(full, tmp_path / "exact.nc").path.stat().st_size
    assert main(["compact", str(full), str(tmp_path / "x.nc"), "--float32", "eigenvalue"]) == 2
    assert "--float32 go with --scoring-form" in capsys.readouterr().err
    assert not (tmp_path / "x.nc").exists()
