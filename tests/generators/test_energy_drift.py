"""The energy drift of a chain (issue 25 item 4): known slopes, correlated noise, coverage, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from vdosbench.generators.glasses.energy_drift import energy_drift


def _ar1(rng: np.random.Generator, n: int, memory: float, scale: float) -> np.ndarray:
    """Stationary AR(1) noise with correlation exp(-1/memory) per record and standard deviation ``scale``."""
    a = np.exp(-1.0 / memory)
    x = np.empty(n)
    x[0] = rng.normal()
    kicks = rng.normal(size=n) * np.sqrt(1 - a * a)
    for i in range(1, n):
        x[i] = a * x[i - 1] + kicks[i]
    return scale * x


def test_a_straight_line_gives_its_change_over_the_last_half_exactly() -> None:
    t = np.arange(0, 200_001, 100.0)
    d = energy_drift(t, 1.3 - 2e-7 * t)
    assert d.drift == pytest.approx(-2e-7 * 100_000, rel=1e-9)
    assert d.stderr == pytest.approx(0.0, abs=1e-12)
    assert (d.first_sweep, d.last_sweep) == (100_000.0, 200_000.0)
    assert d.mean == pytest.approx(1.3 - 2e-7 * 150_000, rel=1e-9)
    assert not d.consistent_with_zero


def test_the_start_of_the_trace_does_not_enter() -> None:
    # a steep fall in the first half (the approach to equilibrium), flat afterwards
    t = np.arange(0, 10_001, 10.0)
    e = np.where(t < 5_000, 2.0 - 1e-4 * t, 1.5)
    d = energy_drift(t, e)
    assert d.drift == pytest.approx(0.0, abs=1e-12)


def test_nan_records_are_dropped() -> None:
    t = np.arange(0, 10_001, 10.0)
    e = 1.0 - 1e-6 * t
    e[:50] = np.nan
    assert energy_drift(t, e).drift == pytest.approx(-1e-6 * 0.5 * (10_000 - 500), rel=1e-9)  # window from t = 500


@pytest.mark.parametrize("slope", [0.0, -3e-7])
def test_the_interval_covers_the_true_drift_on_correlated_traces(slope: float) -> None:
    # 200 replicate chains: AR(1) noise of correlation length 50 records (blocks are 500 records long)
    rng = np.random.default_rng(25_4)
    t = np.arange(0.0, 100_000.0, 10.0)
    truth = slope * 50_000
    covered = 0
    for _ in range(200):
        d = energy_drift(t, 1.2 + slope * t + _ar1(rng, t.size, 50.0, 0.01))
        covered += d.low <= truth <= d.high
    assert 0.88 <= covered / 200 <= 0.99


def test_a_real_drift_is_detected_and_no_drift_is_not() -> None:
    rng = np.random.default_rng(7)
    t = np.arange(0.0, 100_000.0, 10.0)
    noise = _ar1(rng, t.size, 20.0, 0.005)
    falling = energy_drift(t, 1.2 - 1e-6 * t + noise)
    assert falling.high < 0 and falling.drift == pytest.approx(-0.05, abs=0.01)
    assert energy_drift(t, 1.2 + noise).consistent_with_zero


def test_the_interval_ignores_correlations_shorter_than_a_block_only() -> None:
    # data built to fail: noise correlated over the whole window looks like drift (coverage collapses); the
    # method's premise (blocks much longer than the correlation time) is what makes it honest
    rng = np.random.default_rng(11)
    t = np.arange(0.0, 100_000.0, 10.0)
    covered = sum(
        (lambda d: d.low <= 0.0 <= d.high)(energy_drift(t, 1.2 + _ar1(rng, t.size, 5_000.0, 0.01))) for _ in range(100)
    )
    assert covered / 100 < 0.85


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"fraction": 0.0}, "fraction is 0"),
        ({"fraction": 1.5}, "fraction is 1.5"),
        ({"n_blocks": 2}, "at least 3"),
        ({"n_blocks": 40}, "fewer than 2 per block"),
    ],
)
def test_bad_settings_are_refused_by_name(kwargs: dict, words: str) -> None:
    t = np.arange(0.0, 101.0)
    with pytest.raises(ValueError, match=words):
        energy_drift(t, np.ones_like(t), **kwargs)


def test_bad_traces_are_refused_by_name() -> None:
    with pytest.raises(ValueError, match="one length"):
        energy_drift(np.arange(5.0), np.ones(4))
    with pytest.raises(ValueError, match="no finite record"):
        energy_drift(np.arange(5.0), np.full(5, np.nan))
