"""Degenerate spectra (issue 53, item 7): an exponent s the modes cannot fix is reported as not estimable, with why.

A crystal-like spectrum is built: every sample's lowest non-zero level six-fold degenerate, its eigenvalues split
by one ulp each (as an eigensolver returns an exact degeneracy).  Before the fix, the flatness estimator gave
s ~ 1e15 from the 1-ulp spread of log ω, the window MLE a value set by the window's edge alone, and
F/ω^(s+1) at that s overflowed; the reference comparison printed "reference 761.5 ± nan".
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from vdosbench.benchmark.reference import ReferenceSource, compare_to_reference
from vdosbench.datasets import mock_spectrum
from vdosbench.validators import PowerLawWindow, power_law_exponent
from vdosbench.validators.spectral import power_law as power_law_module
from vdosbench.validators.spectral.power_law import LEVEL_RESOLUTION, NotEstimable

#: The degenerate level's eigenvalue (ω = 0.2) and its multiplicity.
LEVEL, MULTIPLICITY = 0.04, 6


def _split_by_ulps(value: float, count: int, ulps: int = 1) -> np.ndarray:
    """``count`` eigenvalues of one level, each ``ulps`` ulp above the last."""
    out = [value]
    for _ in range(count - 1):
        nxt = out[-1]
        for _ in range(ulps):
            nxt = float(np.nextafter(nxt, math.inf))
        out.append(nxt)
    return np.array(out)


def degenerate(levels: list[float] | None = None, n_sample: int = 20, seed: int = 1) -> xr.Dataset:
    """Mock glass eigenvalues whose lowest non-zero modes are ``levels`` (default: one level, ω = 0.2), each
    ``MULTIPLICITY``-fold and split by 1 ulp; the other modes moved above λ = 0.5 (outside the windows used)."""
    levels = [LEVEL] if levels is None else levels
    ds = mock_spectrum(n_sample=n_sample, n_mode=1 + MULTIPLICITY * len(levels) + 14, exponent=4.0, seed=seed)
    lam = ds["eigenvalue"].values.copy()
    low = np.concatenate([_split_by_ulps(v, MULTIPLICITY) for v in levels])
    for j in range(lam.shape[0]):
        rest = np.sort(lam[j, 1 + low.size :]) + 0.5
        lam[j, 1:] = np.concatenate([low, rest])
    return ds.assign(eigenvalue=(ds["eigenvalue"].dims, lam, ds["eigenvalue"].attrs))


@pytest.mark.parametrize(
    "window",
    [PowerLawWindow.explicit(0.0, 0.5), PowerLawWindow.below_phonon(0.8), PowerLawWindow.lowest_k(5)],
    ids=["explicit", "below_phonon", "lowest_k"],
)
def test_one_degenerate_level_split_by_an_ulp_is_not_estimable(window: PowerLawWindow) -> None:
    ds = degenerate()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow (or any other) warning reaches the terminal
        with pytest.raises(
            NotEstimable,
            match=r"holds \d+ non-zero modes at 1 distinct frequency \(0\.2; .*"
            r"needs at least 3\. Fix: widen the window",
        ):
            power_law_exponent(ds, window, omega0=0.3, n_bootstrap=20)


def test_two_levels_are_not_enough_and_three_distinct_levels_are() -> None:
    """Built to fail and to pass: two degenerate levels fix no power law; three levels make a fit (whatever its
    value, it is a number with an uncertainty, not a rounding artefact)."""
    with pytest.raises(NotEstimable, match=r"at 2 distinct frequencies \(0\.2, 0\.3;"):
        power_law_exponent(degenerate([0.04, 0.09]), (0.0, 0.5), n_bootstrap=20)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = power_law_exponent(degenerate([0.04, 0.09, 0.16]), (0.0, 0.5), n_bootstrap=20)
    for m in (res.flatness, res.mle):
        assert math.isfinite(m.value) and abs(m.value) < 100 and math.isfinite(m.uncertainty), m


def test_levels_closer_than_the_resolution_are_one_and_farther_are_distinct() -> None:
    w = np.array([1.0, 1.0 + 0.5 * LEVEL_RESOLUTION, 2.0, 2.0 + 3 * LEVEL_RESOLUTION, 3.0])
    assert power_law_module._levels(w).tolist() == [1.0, 2.0, 2.0 + 3 * LEVEL_RESOLUTION, 3.0]
    assert power_law_module._levels(np.empty(0)).size == 0


def test_a_window_whose_every_mode_sits_at_its_upper_edge_is_not_estimable() -> None:
    """lowest_k with k inside a degenerate level: each sample's k modes and its edge b_j are one level (the
    levels differ between samples, so there are enough of them pooled), and Σ log(b/ω) = 0."""
    ds = degenerate()
    lam = ds["eigenvalue"].values.copy()
    lam[:, 1 : 1 + MULTIPLICITY] *= (1.0 + 0.01 * np.arange(lam.shape[0]))[:, None]  # one level per sample
    ds = ds.assign(eigenvalue=(ds["eigenvalue"].dims, lam, ds["eigenvalue"].attrs))
    with pytest.raises(NotEstimable, match=r"every one of the 60 modes .* sits at its upper edge"):
        power_law_exponent(ds, PowerLawWindow.lowest_k(3), n_bootstrap=20)


def test_f_over_omega_power_is_right_where_omega_power_alone_overflows() -> None:
    f = power_law_module._f_over_power
    assert f(np.array([0.5]), np.array([2.0]), 3.0)[0] == pytest.approx(0.5 / 16, rel=1e-14)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert f(np.array([0.5]), np.array([2.0]), 1e4)[0] == 0.0  # 2^10001 overflows; the ratio underflows
        assert f(np.array([0.5]), np.array([0.5]), 2000.0)[0] == math.inf  # 0.5 * 2^2001: beyond float64
        # log-domain value where it is representable: 0.5 / 1.5^1501 = exp(log 0.5 - 1501 log 1.5)
        got = f(np.array([0.5]), np.array([1.5]), 1500.0)[0]
        assert got == pytest.approx(math.exp(math.log(0.5) - 1501 * math.log(1.5)), rel=1e-9) and got > 0
        res = power_law_exponent(
            mock_spectrum(n_sample=20, n_mode=41, exponent=4.0, seed=3), (0.0, 1.0), n_bootstrap=20
        )
        ratio = res.ratio([4.0, 900.0])
    assert ratio.dims == ("trial_exponent", "omega") and np.all(np.isfinite(ratio.sel(trial_exponent=4.0)))
    omega = ratio["omega"].values
    assert np.all(ratio.sel(trial_exponent=900.0).values[omega < 1] > 0)  # no 0/0 or x/inf


def test_the_reference_comparison_says_not_estimable_and_why(tmp_path: Path) -> None:
    """A rebuilt degenerate set against itself: no 'reference 761.5 ± nan', no warning."""
    ds = degenerate()
    source = ReferenceSource("degenerate", tmp_path / "degenerate.nc", "0" * 64, "file")
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        res = compare_to_reference(
            [("rebuilt", ds)], ds, source, power_law_window=(0.0, 0.5), n_permutations=19, n_bootstrap=20
        )
    (point,) = res.points
    assert point.power_law is None
    assert point.power_law_note.startswith(
        "not estimable (reference): the window explicit: (0, 0.5] holds 120 non-zero modes at 1 distinct frequency"
    )
    text = res.to_markdown()
    assert "- exponent s: not estimable (reference):" in text and "± nan" not in text
    assert "| not estimable |" in text
