"""The smoothed boson-peak estimator on a synthetic finite-box spectrum: Debye shells plus a smooth excess.

A 2D scalar medium with c = 1 and number density 1 in a periodic L × L box has its plane waves at
ω = 2π|m|/L for integer vectors m ≠ 0: the Debye spectrum g ∝ ω, cut into discrete shells.  On top we put
a smooth excess whose *reduced* DOS is a Gaussian centred at ω = 0.5 (width 0.15): modes drawn from a
density ∝ ω exp(−(ω − 0.5)²/(2 · 0.15²)), so g_ex(ω)/ω peaks exactly at 0.5.  The lowest shells
(ω = 0.105, 0.148, ...) are spikes of g/ω taller than the excess at 20 bins: the binned peak picks them,
the estimator smoothed over σ = 2π c/L (the lowest shell) finds 0.5.
"""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from vdosbench.datasets import check, convention_attrs
from vdosbench.validators import boson_peak_excess
from vdosbench.validators.spectral.spectrum import smoothed_reduced_dos

L = 60.0  # the seed-002 60 x 60 network
OMEGA_D = np.sqrt(4 * np.pi)  # 2D Debye frequency for c = 1, density 1
CENTRE, WIDTH = 0.5, 0.15  # the excess of the reduced DOS (known answer)
N_EXCESS = 70  # ~2 % of the modes: a reduced-DOS excess of amplitude ~0.1 (Debye level 1/(2 pi) = 0.16)
#: Accuracy of the smoothed peak: Gaussian excess convolved with the Gaussian kernel keeps its centre; the
#: reflection at 0 and the 70-mode noise move it by less than this (one tenth of the window).
PEAK_TOL = 0.06


def shell_frequencies() -> np.ndarray:
    m = np.arange(-40, 41)
    mx, my = np.meshgrid(m, m)
    w = 2 * np.pi * np.hypot(mx, my).ravel() / L
    return np.sort(w[(w > 0) & (w <= OMEGA_D)])


def excess_frequencies(n: int, rng: np.random.Generator) -> np.ndarray:
    """Rejection sampling from ∝ ω exp(−(ω − 0.5)²/(2 · 0.15²)) on (0, 1.5]."""
    out: list[float] = []
    while len(out) < n:
        w = rng.uniform(0, 1.5, 1000)
        keep = rng.uniform(0, 1.5, 1000) < w * np.exp(-0.5 * ((w - CENTRE) / WIDTH) ** 2)
        out.extend(w[keep].tolist())
    return np.array(out[:n])


def shells_dataset(n_sample: int, n_excess: int, seed: int) -> xr.Dataset:
    rng = np.random.default_rng(seed)
    shells = shell_frequencies()
    rows = [
        np.sort(np.concatenate([shells + rng.normal(0, 1e-3, shells.size), excess_frequencies(n_excess, rng)]))
        for _ in range(n_sample)
    ]
    n_mode = rows[0].size + 1
    lam = np.stack([np.concatenate([[0.0], r**2]) for r in rows])
    u = {"units": "1"}
    ds = xr.Dataset(
        {
            "eigenvalue": (("sample", "mode"), lam, {"long_name": "eigenvalue", **u}),
            "zero_mode": (
                ("sample", "mode"),
                np.arange(n_mode)[None, :].repeat(n_sample, 0) < 1,
                {"long_name": "zero", **u},
            ),
            "position": (
                ("sample", "site", "spatial"),
                np.zeros((n_sample, n_mode, 2)),
                {"long_name": "position", **u},
            ),
            "box_length": ("sample", np.full(n_sample, L), {"long_name": "box edge", **u}),
        },
        coords={
            "sample": ("sample", np.arange(n_sample), {"long_name": "sample", **u}),
            "mode": ("mode", np.arange(n_mode), {"long_name": "mode", **u}),
            "spatial": ("spatial", np.array(["x", "y"]), {"long_name": "component"}),
        },
        attrs=convention_attrs("synthetic shells + excess", "tests", "none", 2, site_degrees_of_freedom=1),
    )
    check(ds)
    return ds


def measure(ds: xr.Dataset, **kw: object):
    kw = {
        "window": (0.0, 1.0),
        "bins": 20,
        "reference": 1.0,
        "number_density": 1.0,
        "n_bootstrap": 200,
        "seed": 0,
        **kw,
    }
    return boson_peak_excess(ds, **kw)  # type: ignore[arg-type]


def test_smoothed_peak_finds_the_smooth_excess_under_the_shells() -> None:
    res = measure(shells_dataset(5, N_EXCESS, seed=3))
    assert res.smoothed_peak_frequency.value == pytest.approx(CENTRE, abs=PEAK_TOL)
    assert res.smoothed_peak_frequency.high - res.smoothed_peak_frequency.low < 2 * PEAK_TOL
    np.testing.assert_allclose(res.curve["bandwidth_sample"].values, 2 * np.pi / L)  # the shell rule
    # built to fail: the binned peak on the same data is a phonon shell, far from the excess
    assert res.peak_frequency.value < 0.3


def test_shells_alone_smooth_to_the_debye_level() -> None:
    # No excess: the smoothed reduced DOS is flat at the Debye level 1/(2 pi) above two bandwidths, so the
    # smoothing creates no peak of its own (the binned curve has 100 % spikes there).  Below, it dips: the
    # box has no mode under omega_1, where Debye's continuum puts its heaviest 1/omega weights.
    res = measure(shells_dataset(2, 0, seed=4))
    fine = res.curve["omega_fine"].values
    smooth = res.curve["g_reduced_smoothed"].values
    np.testing.assert_allclose(smooth[fine >= 2 * 2 * np.pi / L], 1 / (2 * np.pi), rtol=0.15)
    assert smooth[fine < 2 * 2 * np.pi / L].max() < 1.15 / (2 * np.pi)
    binned = res.curve["g_reduced"].values
    assert binned.max() > 1.5 / (2 * np.pi)


def test_too_small_a_bandwidth_is_fooled_by_the_shells() -> None:
    # built to fail: with sigma = 1/20 of the shell rule the shells survive and win
    res = measure(shells_dataset(5, N_EXCESS, seed=3), bandwidth=2 * np.pi / L / 20)
    assert abs(res.smoothed_peak_frequency.value - CENTRE) > 2 * PEAK_TOL


def test_smoothed_reduced_dos_checks_bandwidth_and_missing_box() -> None:
    with pytest.raises(ValueError, match="bandwidth must be finite and > 0"):
        smoothed_reduced_dos(np.ones((1, 3)), np.array([3]), np.linspace(0, 1, 5), 0.0, 2)
    ds = shells_dataset(2, 10, seed=5).drop_vars("box_length")
    res = measure(ds)
    assert np.isnan(res.smoothed_peak_frequency.value)
    assert "pass bandwidth=" in res.smoothed_peak_frequency.settings["bandwidth_rule"]
    assert measure(ds, bandwidth=0.1).smoothed_peak_frequency.value == pytest.approx(CENTRE, abs=3 * PEAK_TOL)


def test_bandwidth_factor_scales_the_shell_rule() -> None:
    ds = shells_dataset(2, N_EXCESS, seed=6)
    res = measure(ds, bandwidth_factor=2.0)
    np.testing.assert_allclose(res.curve["bandwidth_sample"].values, 2 * 2 * np.pi / L)
    assert res.smoothed_peak_frequency.value == pytest.approx(CENTRE, abs=PEAK_TOL)
    with pytest.raises(ValueError, match="not both"):
        measure(ds, bandwidth=0.1, bandwidth_factor=2.0)


def test_peak_over_bandwidth_reports_whether_the_peak_is_resolved() -> None:
    res = measure(shells_dataset(3, N_EXCESS, seed=3))
    ratio = res.smoothed_peak_frequency.settings["peak_over_bandwidth"]
    np.testing.assert_allclose(ratio, res.smoothed_peak_frequency.value / (2 * np.pi / L), rtol=0.1)
    assert ratio > 3  # 0.5 against sigma = 0.105
