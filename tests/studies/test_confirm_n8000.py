"""studies/confirm_n8000.py (issue 63 item 6): nothing is read before the registered set is complete; on complete
mock sets with a known deep exponent, a known small-box excess and a known taper ratio of A_4, the registered
readings recover them and the verdicts follow the registered rule; the unit is the package's rule on the ladder."""

from __future__ import annotations

import importlib
import math
import sys
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from vdosbench.datasets import write_point_groups

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def study():
    sys.path.insert(0, str(ROOT))
    try:
        return importlib.import_module("studies.confirm_n8000")
    finally:
        sys.path.remove(str(ROOT))


def mock_point(
    n: int, samples: int, g: float, a4: float, *, seed: int, exponent: float = 4.0, x_max: float = 0.2, k: int = 40
) -> xr.Dataset:
    """One point as the landed sets hold it (ρ = 1, box N^(1/3), three translations flagged): below x_max·ω_g,u,
    Poisson levels with g(x) = a4 x^s per particle in x = ω/ω_g,u, ω_g,u = √g; above, plane-wave levels at
    ω₀ = 2π √g / L and up, so the stored modes are complete up to ω₀."""
    rng = np.random.default_rng(seed)
    box = n ** (1 / 3)
    omega_g, omega0 = math.sqrt(g), 2 * math.pi * math.sqrt(g) / box
    assert x_max * omega_g < omega0
    mean = n * a4 * x_max ** (exponent + 1) / (exponent + 1)
    w = np.empty((samples, k))
    for i, c in enumerate(rng.poisson(mean, samples)):
        c = min(int(c), k)
        soft = np.sort(x_max * rng.random(c) ** (1 / (exponent + 1))) * omega_g
        w[i] = np.concatenate([soft, omega0 * (1 + 0.01 * np.arange(k - c))])
    eig = np.concatenate([np.zeros((samples, 3)), np.sort(w, axis=1) ** 2], axis=1)
    return xr.Dataset(
        {
            "eigenvalue": (("sample", "mode"), eig),
            "zero_mode": (("sample", "mode"), np.tile(np.arange(k + 3) < 3, (samples, 1))),
            "shear_modulus": ("sample", np.full(samples, g)),
            "bulk_modulus": ("sample", np.full(samples, 3 * g)),
            "box_length": ("sample", np.full(samples, box)),
        },
        coords={"sample": np.arange(samples)},
        attrs={"n_particles": n, "spatial_dimension": 3},
    )


def _near(reading: dict, truth: float) -> bool:
    """The truth inside the 95 % interval widened by half its width on each side (a ~4-sigma check: a test that
    asks for the truth inside one 95 % interval fails on one seed in twenty)."""
    lo, hi = reading["interval"]
    return lo - (hi - lo) / 2 < truth < hi + (hi - lo) / 2


def _files(
    tmp_path: Path, study, samples: int, *, a4: dict[int, float], small_a4: dict[int, float], exponent: float = 4.0
) -> tuple[Path, Path, Path]:
    unit = study.REGISTERED_UNIT
    new = write_point_groups(
        {
            f"n8000_m{'inf' if t < 0 else t}_t1": mock_point(
                8000, samples, unit[t], a4[t], seed=10 + t, exponent=exponent
            )
            for t in (2, -1)
        },
        tmp_path / "new.nc",
    )
    small = write_point_groups(
        {
            f"m{'inf' if t < 0 else t}_t1": mock_point(
                2000, samples, unit[t], small_a4[t], seed=20 + t, exponent=exponent
            )
            for t in (2, -1)
        },
        tmp_path / "small.nc",
    )
    ladder = write_point_groups(
        {f"n16000_m{'inf' if t < 0 else t}_t1": mock_point(16000, 4, unit[t], 20.0, seed=30 + t) for t in (2, -1)},
        tmp_path / "ladder.nc",
    )
    return new, small, ladder


def test_an_incomplete_set_is_listed_and_not_read(tmp_path: Path, study) -> None:
    new, small, ladder = _files(tmp_path, study, 5, a4={2: 20.0, -1: 20.0}, small_a4={2: 20.0, -1: 20.0})
    result = study.read(new, small, ladder)  # the registered 450 samples a taper
    assert result["landed"] == {"m = 2": 5, "m = inf": 5}
    assert set(result["not_read"]) == {"m = 2", "m = inf"} and "5 of 450" in result["not_read"]["m = 2"]
    assert result["claims"] == {} and study.verdicts(result) == []


def test_the_committed_set_is_not_read_before_it_is_complete(study) -> None:
    landed = study.landed()
    result = study.read()
    assert (min(landed.values()) < study.SAMPLES_REQUIRED) == bool(result["not_read"])
    if result["not_read"]:
        assert result["claims"] == {}


def test_complete_mock_sets_give_back_the_known_exponent_excess_and_taper_ratio(tmp_path: Path, study) -> None:
    # s = 4; A_4 30 (m = 2) and 15 (m = inf) at N = 8000; the small box holds 1.6 times as many soft modes
    new, small, ladder = _files(tmp_path, study, 400, a4={2: 30.0, -1: 15.0}, small_a4={2: 48.0, -1: 24.0})
    result = study.read(new, small, ladder, samples_required=400, small_samples=400, n_bootstrap=300)
    assert result["not_read"] == {}
    assert result["method"]["unit_shear_modulus"] == pytest.approx({"m = 2": 4.640, "m = inf": 4.972})
    tail = result["claims"]["lerner.deep-tail-s4-n8000"]
    primary = tail[0]
    assert primary["reading"].startswith("primary") and _near(primary, 4.0)
    assert primary["verdict"] in {"supported", "inconclusive"}
    assert {r["reading"] for r in tail} >= {
        "m = 2 alone",
        "m = inf alone",
        "per-sample unit",
        "band (0.15, 0.18]",
        study.KAPPA_FROM_LEVELS,
    }
    kappa_rows = {r["reading"]: r for r in tail[-2:]}  # independent levels in the mocks: kappa near 1, s = 4 back
    assert set(kappa_rows) == {study.KAPPA_FROM_LEVELS, study.KAPPA_FROM_N2000}
    for row in kappa_rows.values():
        assert row["settings"]["kappa"] < 1.1 and _near(row, 4.0) and row["verdict"] != "not assessed", row
    for taper in ("m = 2", "m = inf"):
        ratio = result["claims"]["lerner.finite-size-density-n8000"][taper][0]
        assert _near(ratio, 1.6) and ratio["verdict"] == "supported", ratio
    a4 = result["claims"]["high-tstar-soft-mode-density-taper-ratio"]
    assert _near(a4[0], 0.5) and a4[0]["verdict"] == "refuted"  # 0.5: not 1 ± 0.25
    assert result["soft_mode_density"]["N=8000 m = 2"]["value"] == pytest.approx(30.0, rel=0.25)


def test_a_deep_exponent_of_three_is_not_read_as_four(tmp_path: Path, study) -> None:
    """Built to fail: s = 3 in the deep band, many modes: the omega^4 claim is refuted."""
    new, small, ladder = _files(tmp_path, study, 400, a4={2: 6.0, -1: 6.0}, small_a4={2: 6.0, -1: 6.0}, exponent=3.0)
    result = study.read(new, small, ladder, samples_required=400, small_samples=400, n_bootstrap=300)
    primary = result["claims"]["lerner.deep-tail-s4-n8000"][0]
    assert primary["interval"][1] < 3.5 and primary["verdict"] == "refuted", primary


def test_the_unit_is_the_package_rule_on_the_ladder_and_a_changed_ladder_is_refused(tmp_path: Path, study) -> None:
    assert study.units() == pytest.approx(study.REGISTERED_UNIT, abs=5e-4)
    moved = write_point_groups({"n16000_m2_t1": mock_point(16000, 4, 4.7, 20.0, seed=1)}, tmp_path / "ladder.nc")
    with pytest.raises(ValueError, match="registration fixed 4.640"):
        study.units(moved)
