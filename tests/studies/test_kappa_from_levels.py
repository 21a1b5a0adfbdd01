"""studies/kappa_from_levels.py and studies/density_estimators_coverage.py (issue 63): the calibration of κ from
the level statistics and the coverage studies, on tiny runs, and their committed results files read as the reader
reads them."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import pytest

from vdosbench.validators import KappaCalibration

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "studies" / "results"


def _module(name: str):
    sys.path.insert(0, str(ROOT))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(ROOT))


@pytest.fixture(scope="module")
def study():
    return _module("studies.kappa_from_levels")


def test_goe_mocks_repel_more_and_give_a_kappa_above_one(study) -> None:
    """A tiny calibration: the GOE mocks' ⟨r̃⟩ below the edge lies above the Poisson mocks', κ_GOE > 1."""
    cal = study.calibrate(samples=200, seed=11)
    assert cal["goe"]["mean_r_tilde_below_edge"] > cal["poisson"]["mean_r_tilde_below_edge"] + 0.04
    assert cal["kappa_goe"] > 1.0 and cal["kappa_goe_se"] > 0
    assert isinstance(study.calibration_from(cal, "tiny"), KappaCalibration)


def test_a_tiny_coverage_run_reads_both_level_sources(study, monkeypatch) -> None:
    monkeypatch.setattr(study, "LEVEL_SAMPLES", 150)
    monkeypatch.setattr(study, "FIT_SAMPLES", 150)
    monkeypatch.setattr(study, "N_BOOTSTRAP", 40)
    out = study.coverage(KappaCalibration(0.38, 0.49, 1.18, 0.02, "test"), "poisson", 1)
    assert set(out) == {study.LEVELS_N2000, study.LEVELS_OWN}
    for row in out.values():
        assert row["replicates"] == 1 and 1.0 <= row["mean_kappa"] <= 1.18 and 0 <= row["coverage"] <= 1


def test_the_committed_calibration_is_what_the_reader_loads(study) -> None:
    raw = json.loads((RESULTS / "kappa_from_levels.json").read_text())
    cal = study.load_calibration()
    assert cal.kappa_goe == raw["calibration"]["kappa_goe"] and 1.05 < cal.kappa_goe < 1.5
    assert cal.r_tilde_poisson < cal.r_tilde_goe
    assert raw["method"]["calibration_samples"] >= 1000
    assert raw["coverage"]["goe"][study.LEVELS_N2000]["replicates"] >= 10


def test_the_density_estimators_coverage_file_holds_each_estimator() -> None:
    raw = json.loads((RESULTS / "density_estimators_coverage.json").read_text())
    assert raw["pooled_density_ratio"] and raw["chain_correlation"]
    for row in (*raw["pooled_density_ratio"].values(), *raw["chain_correlation"].values()):
        assert {"truth", "coverage", "bias", "mean_half_width", "replicates"} <= set(row)


def test_a_tiny_density_coverage_run(monkeypatch) -> None:
    cov = _module("studies.density_estimators_coverage")
    monkeypatch.setattr(cov, "SMALL_SAMPLES", 200)
    monkeypatch.setattr(cov, "N_BOOTSTRAP", 40)
    out = cov.pooled_ratio_coverage(100, "poisson", 1)
    assert out["truth"] > 1.0 and out["replicates"] == 1  # the mocks' small-box excess e = 0.5
