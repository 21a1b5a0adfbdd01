"""The literature register (issue 67 item 1): published claims in the one claims schema, each with its source,
the system it applies to, whether its value was checked against the paper, and two readings."""

from __future__ import annotations

import functools
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from vdosbench.benchmark import evaluate_claim, load_claims
from vdosbench.benchmark import ClaimsFileError
from vdosbench.benchmark.literature import REGISTERED_LABEL, literature_dir, load_literature, papers
from vdosbench.benchmark import Verdict
from vdosbench.generators import mock_glass_spectra
from vdosbench.validators.results.registry import PAIR_VALIDATORS, POINT_VALIDATORS

#: The papers issue 67 names (the seeds aside), by a word of their citation; the register must hold at least 8.
ISSUE_PAPERS = (
    "Lerner, Düring & Bouchbinder",
    "Lerner & Bouchbinder, PRE 96",
    "Mizuno, Shiba & Ikeda",
    "Kapteijns, Bouchbinder & Lerner",
    "Paoluzzi, Angelani",
    "Wang et al., Nat. Commun.",
    "Lerner, PRE 101",
    "Rainone, Bouchbinder & Lerner",
    "Richard et al.",
    "Wang, Szamel & Flenner",
    "Lerner & Bouchbinder, PRE 111",
)


@pytest.fixture(scope="module")
def register():  # noqa: ANN201
    return load_literature()


def test_the_register_covers_the_issues_papers(register) -> None:  # noqa: ANN001
    cited = papers(register)
    found = [p for p in ISSUE_PAPERS if any(c.startswith(p) for c in cited)]
    assert len(found) >= 8, found
    assert len(register) >= 15


def test_every_claim_is_a_claim_of_the_schema_with_a_known_estimator(register) -> None:  # noqa: ANN001
    import vdosbench.benchmark.scoring  # noqa: F401 - registers the validators and what scoring builds on them

    for entry in register:
        assert entry.claim in load_claims(literature_dir() / entry.file)
        for validator in [entry.claim.validator, *(a.validator for a in entry.claim.alternatives)]:
            assert validator in POINT_VALIDATORS or validator in PAIR_VALIDATORS, (entry.claim.id, validator)


def test_unchecked_values_say_why_and_carry_no_weight(register) -> None:  # noqa: ANN001
    unchecked = [e for e in register if not e.checked]
    assert unchecked, "the register marks the values it could not check"
    for entry in unchecked:
        assert entry.weight.startswith("no weight: ") and len(entry.weight) > len("no weight: ") + 20, entry.claim.id
        assert entry.to_check.startswith("read ") and "checked = true" in entry.to_check, entry.claim.id
    for entry in register:
        if entry.checked:
            assert entry.weight == "verdict" and entry.published["checked_against"], entry.claim.id


def test_applicable_claims_have_both_readings_and_the_rest_name_a_recipe(register) -> None:  # noqa: ANN001
    for entry in register:
        if entry.applicable:
            assert entry.registered == REGISTERED_LABEL, entry.claim.id
            ours = entry.claim.alternative(REGISTERED_LABEL)
            assert (ours.validator, ours.quantity) != (entry.claim.validator, entry.claim.quantity) or dict(
                ours.settings
            ) != dict(entry.claim.settings), entry.claim.id
        else:
            assert entry.system["ours"].startswith("not applicable: ") and entry.recipe, entry.claim.id
    assert {e.system["dimension"] for e in register if not e.applicable} >= {2, 4}


def _copy(tmp_path: Path, name: str = "lerner-bouchbinder-2017.toml") -> Path:
    folder = tmp_path / "literature"
    folder.mkdir()
    return Path(shutil.copy(literature_dir() / name, folder / name))


@pytest.mark.parametrize(
    ("old", "new", "match"),
    [
        ("checked = true, checked_against", "checked = false, was_checked_against", "without unchecked_reason"),
        (
            "checked = true, checked_against",
            'checked = false, unchecked_reason = "not read", checked_against',
            "without to_check",
        ),
        ("uncertainty = \"'approximately'; none stated\", ", "", r"published lacks \['uncertainty'\]"),
        (
            'ours = "applicable: our T* = 1',
            'ours = "maybe: our T* = 1',
            "start with 'applicable' or 'not applicable: '",
        ),
        ('label = "vdosbench registered"', 'label = "ours"', "no alternative labelled 'vdosbench registered'"),
    ],
    ids=[
        "unchecked-without-reason",
        "unchecked-without-what-would-check-it",
        "missing-uncertainty",
        "applicability-unsaid",
        "no-registered-reading",
    ],
)
def test_a_register_file_missing_a_record_field_is_refused(tmp_path: Path, old: str, new: str, match: str) -> None:
    path = _copy(tmp_path)
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(ClaimsFileError, match=match):
        load_literature(path.parent)


def test_not_applicable_needs_a_recipe_and_ids_are_unique_across_files(tmp_path: Path) -> None:
    path = _copy(tmp_path, "wang-szamel-flenner-2021.toml")
    text = path.read_text()
    path.write_text(text.replace(', recipe = "none yet: vdosbench\'s glass generators are 3D"', "", 1))
    with pytest.raises(ClaimsFileError, match="names no recipe"):
        load_literature(path.parent)
    path.write_text(text)
    (path.parent / "copy.toml").write_text(text)
    with pytest.raises(ClaimsFileError, match="is also in"):
        load_literature(path.parent)


# ---------------------------------------------------------------------------------------------------------------
# the paper's estimators as the register names them, on mock glasses of known s (GOE levels, phonon shells,
# scattered G, participation ratios: vdosbench.generators.theory.mock_glass_spectra)
# ---------------------------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def _mock(exponent: float, n_samples: int = 300, seed: int = 7) -> xr.Dataset:
    m = mock_glass_spectra(1000, n_samples, exponent=exponent, k=40, seed=seed)
    lam = np.concatenate([np.zeros((n_samples, 3)), m.omega**2], axis=1)
    zero = np.zeros(lam.shape, bool)
    zero[:, :3] = True
    point = xr.Dataset(
        {
            "eigenvalue": (("sample", "mode"), lam),
            "zero_mode": (("sample", "mode"), zero),
            "shear_modulus": ("sample", m.shear_modulus),
            "bulk_modulus": ("sample", m.bulk_modulus),
            "participation_ratio": (
                ("sample", "mode"),
                np.concatenate([np.full((n_samples, 3), np.nan), m.participation], axis=1),
            ),
            "box_length": ("sample", np.full(n_samples, (1000 / m.density) ** (1 / 3))),
        },
        coords={"sample": np.arange(n_samples)},
        attrs={"generator": "soft_spheres_lowest", "spatial_dimension": 3, "n_particles": 1000},
    )
    return point.expand_dims(parent_temperature=[1.0], taper_order=[2])


@pytest.fixture(scope="module", autouse=True)
def _drop_the_drawn_mocks():  # noqa: ANN202
    yield
    _mock.cache_clear()


@pytest.mark.parametrize(
    ("claim_id", "exponent", "verdict"),
    [
        ("lit.lb2017.instantaneous-quench-beta3", 3.0, Verdict.SUPPORTED),
        ("lit.lb2017.instantaneous-quench-beta3", 4.0, Verdict.REFUTED),
        ("lit.msi2017.localized-modes-non-debye", 4.0, Verdict.SUPPORTED),
        ("lit.msi2017.localized-modes-non-debye", 2.0, Verdict.REFUTED),
        ("lit.paoluzzi2019.s-between-2-and-4", 3.0, Verdict.SUPPORTED),
    ],
    ids=[
        "window-mle-s3",
        "window-mle-s4-built-to-fail",
        "participation-split-s4",
        "participation-split-s2-built-to-fail",
        "lowest-10-s3-within-2-4",
    ],
)
def test_the_papers_estimators_give_the_known_answer_on_mocks(
    register,
    claim_id: str,
    exponent: float,  # noqa: ANN001
    verdict: Verdict,
) -> None:
    claim = next(e.claim for e in register if e.claim.id == claim_id)
    primary = replace(claim, alternatives=())  # the paper's estimator alone
    result = evaluate_claim(primary, _mock(exponent).copy(deep=True))
    (point,) = result.points
    assert point.verdict is verdict, (point.measurement, point.reason)
    if verdict is Verdict.SUPPORTED and claim.validator != "power_law_exponent":
        assert point.measurement.low <= exponent <= point.measurement.high
    # the lowest-10 MLE (the seeds' estimator, pooled over samples with no phonon cut) reads 2.89 [2.82, 2.96] on
    # these s = 3 glass-like mocks: the tenth mode of an N = 1000 box reaches the hybridised first shell; only its
    # verdict on the published range is checked here (measured 2026-11-28, stated in the history of
    # docs/findings/literature-matrix.md, not tuned away)
