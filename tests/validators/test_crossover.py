"""ω_BP against c·k_G on spectra drawn from the seed-000 closed form D(ω) ∝ ω⁴/(ω² + ω_c²)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
import xarray as xr
from scipy.stats import linregress

from vdosbench.datasets import check, convention_attrs
from vdosbench.validators import (
    SEED000_SLOPE,
    closed_form_dos,
    closed_form_peak,
    crossover_frequency,
    crossover_slope,
    crossover_slope_from_points,
    exponent_below_crossover,
    fit_crossover_frequency,
)

K_G = [0.4, 0.8, 1.2, 1.6, 2.0]
C = 1.3  # sound speed
WINDOW_FACTOR = 3.0  # window (0, 3 c k_G): set from c k_G, not from the answer
Z = 3.0
N_BOOT = 150


def draw_closed_form(omega_c: float, w_max: float, size: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """Inverse transform of D ∝ ω⁴/(ω² + ω_c²) on (0, w_max] (trapezoid CDF on a fine grid)."""
    grid = np.linspace(0.0, w_max, 20001)
    pdf = closed_form_dos(grid, omega_c)
    cdf = np.concatenate([[0.0], np.cumsum(0.5 * (pdf[1:] + pdf[:-1]))])
    return np.interp(rng.random(size), cdf / cdf[-1], grid)


def sweep_dataset(
    k_g: Sequence[float], slope: float, n_sample: int = 40, n_mode: int = 150, seed: int = 0
) -> xr.Dataset:
    """k_G sweep: each point's non-zero frequencies from the closed form with ω_c = slope·c·k_G, plus one zero mode."""
    rng = np.random.default_rng(seed)
    w = np.stack(
        [np.sort(draw_closed_form(slope * C * k, WINDOW_FACTOR * C * k, (n_sample, n_mode), rng), axis=1) for k in k_g]
    )
    zero = np.broadcast_to(np.arange(n_mode + 1) < 1, (len(k_g), n_sample, n_mode + 1)).copy()
    lam = np.concatenate([np.zeros((len(k_g), n_sample, 1)), w**2], axis=2)
    u = {"units": "1"}
    ds = xr.Dataset(
        {
            "eigenvalue": (("k_G", "sample", "mode"), lam, {"long_name": "eigenvalue", **u}),
            "zero_mode": (("k_G", "sample", "mode"), zero, {"long_name": "zero mode", **u}),
        },
        coords={
            "k_G": ("k_G", np.asarray(k_g, dtype=float), {"long_name": "modulus fluctuation wavenumber", **u}),
            "sample": ("sample", np.arange(n_sample), {"long_name": "sample", **u}),
            "mode": ("mode", np.arange(n_mode + 1), {"long_name": "mode", **u}),
        },
        attrs=convention_attrs("seed-000 closed form", "tests", "seed 000", 3),
    )
    check(ds)
    return ds


def window(params: dict) -> tuple[float, float]:
    return (0.0, WINDOW_FACTOR * C * params["k_G"])


@pytest.mark.parametrize("p", [2.5, 3.0, 3.5], ids=["p2.5", "p3", "p3.5"])
def test_closed_form_peak_is_the_maximum(p: float) -> None:
    """d/dω[ω^(4−p)/(ω² + ω_c²)] = 0 at ω_c √((4−p)/(p−2)); checked against a dense grid."""
    grid = np.linspace(1e-3, 20.0, 400001)
    brute = grid[np.argmax(closed_form_dos(grid, 1.7) / grid**p)]
    assert closed_form_peak(1.7, p) == pytest.approx(brute, abs=1e-3)


def test_reduced_dos_of_the_closed_form_has_no_peak_in_3d() -> None:
    """With the plus sign (eq. 16) D/ω² = ω²/(ω² + ω_c²) rises monotonically: no interior maximum."""
    grid = np.linspace(1e-3, 50.0, 10001)
    assert np.all(np.diff(closed_form_dos(grid, 1.0) / grid**2) > 0)
    assert math.isnan(closed_form_peak(1.0, 2.0))


def test_slope_is_sqrt3_over_2() -> None:
    res = crossover_slope(sweep_dataset(K_G, SEED000_SLOPE), sound_speed=C, window=window, n_bootstrap=N_BOOT)
    for m in (res.slope, res.slope_through_origin):
        assert m.value == pytest.approx(SEED000_SLOPE, abs=Z * m.uncertainty)
        assert m.low < SEED000_SLOPE < m.high
    assert res.intercept.value == pytest.approx(0.0, abs=Z * res.intercept.uncertainty)
    np.testing.assert_allclose(res.curve["x"].values, C * np.array(K_G))
    # the bootstrap SE and the weighted-LS SE describe the same scatter
    assert res.slope.uncertainty == pytest.approx(res.settings["wls_se_slope"], rel=0.5)
    assert not any(res.settings["fit_at_bound"])
    fig, ax = plt.subplots()
    res.plot(ax)
    assert ax.get_lines()
    plt.close(fig)


def test_a_different_slope_is_distinguished() -> None:
    """Built to fail: ω_c = 0.6 c k_G gives a slope whose interval excludes √3/2."""
    res = crossover_slope(sweep_dataset(K_G, 0.6, seed=1), sound_speed=C, window=window, n_bootstrap=N_BOOT)
    for m in (res.slope, res.slope_through_origin):
        assert m.value == pytest.approx(0.6, abs=Z * m.uncertainty)
        assert not m.low < SEED000_SLOPE < m.high
        assert abs(m.value - SEED000_SLOPE) > Z * m.uncertainty


def quantile_spectrum(omega_c: float, w_max: float, n: int) -> xr.Dataset:
    """One sample whose frequencies are the (i + ½)/n quantiles of the closed form: a noise-free spectrum."""
    grid = np.linspace(0.0, w_max, 200001)
    pdf = closed_form_dos(grid, omega_c)
    cdf = np.concatenate([[0.0], np.cumsum(0.5 * (pdf[1:] + pdf[:-1]))])
    w = np.interp((np.arange(n) + 0.5) / n, cdf / cdf[-1], grid)
    lam = np.concatenate([[0.0], w**2])[None, :]
    u = {"units": "1"}
    return xr.Dataset(
        {"eigenvalue": (("sample", "mode"), lam, {"long_name": "eigenvalue", **u})},
        coords={
            "sample": ("sample", [0], {"long_name": "sample", **u}),
            "mode": ("mode", np.arange(n + 1), {"long_name": "mode", **u}),
        },
        attrs=convention_attrs("closed-form quantiles", "tests", "seed 000", 3),
    )


def test_peak_of_g_over_omega_cubed_is_at_omega_c() -> None:
    """The seed defines ω_BP as the ω⁴ → ω² crossover; g/ω³ peaks exactly there (p = 3).

    On a noise-free (quantile) spectrum the peak estimator returns ω_c to a
    fraction of a bin; the conventional g/ω² (d = 3) has no interior maximum.
    """
    wc, w_max = 1.0, 3.5
    ds = quantile_spectrum(wc, w_max, 50000)
    res = crossover_frequency(ds, window=(0.0, w_max), n_bootstrap=2)
    assert res.peak_frequency.value == pytest.approx(wc, rel=0.02)
    assert res.fit_frequency.value == pytest.approx(wc, rel=0.002)
    assert not res.settings["peak_at_window_edge"]
    conventional = crossover_frequency(ds, window=(0.0, w_max), reduced_power=2.0, n_bootstrap=2)
    assert conventional.settings["peak_at_window_edge"]


PEAK_SPREAD_TOL = 0.4  # the broad maximum of g/ω³ scatters by ≈ 0.15–0.2 ω_c at 2.4·10⁴ modes (see the module)


def test_peak_on_random_draws_is_noisy_but_near_omega_c() -> None:
    wc = 1.0
    ds = sweep_dataset([wc / (SEED000_SLOPE * C)], SEED000_SLOPE, n_sample=60, n_mode=400, seed=2)
    ds = ds.isel(k_G=0).drop_vars("k_G")
    res = crossover_frequency(ds, window=(0.0, WINDOW_FACTOR * wc / SEED000_SLOPE), n_bootstrap=40, seed=4)
    assert res.peak_frequency.value == pytest.approx(wc, abs=PEAK_SPREAD_TOL)
    assert res.fit_frequency.value == pytest.approx(wc, abs=Z * res.fit_frequency.uncertainty)
    assert res.fit_frequency.uncertainty < res.peak_frequency.uncertainty / 2  # the fit is the sharper estimator


def test_ml_fit_on_pure_power_laws_leaves_the_window() -> None:
    """Built to fail: pure ω² has no crossover (ω_c → 0), pure ω⁴ none in the window (ω_c → ∞).

    The likelihood is flat in those limits (it depends on ω_c only at O(ω_c²/ω²)
    or O(ω²/ω_c²)), so the estimate lands far outside the window, often at a bound.
    """
    rng = np.random.default_rng(2)
    w2 = rng.random(20000) ** (1 / 3)  # g ∝ ω² on (0, 1]
    w4 = rng.random(20000) ** (1 / 5)  # g ∝ ω⁴ on (0, 1]
    low, _ = fit_crossover_frequency(w2, (0.0, 1.0))
    high, _ = fit_crossover_frequency(w4, (0.0, 1.0))
    assert low < 0.05  # ≪ the window (0, 1]
    assert high > 10.0  # ≫ the window


def test_measured_sound_speed_enters_x() -> None:
    """sound_speed='dispersion': x = (mean measured c over samples) · k_G, bootstrapped jointly with ω_BP."""
    from vdosbench.datasets import mock_spectrum
    from vdosbench.validators import sound_speed

    ds = mock_spectrum(n_sample=4, n_mode=64, n_site=64, exponent=3.0, parameters={"k_G": [0.5, 1.0, 1.5]})
    res = crossover_slope(ds, sound_speed="dispersion", window=(0.0, 1.0), n_bootstrap=20)
    expected = [float(sound_speed(pt, "dispersion").mean()) * p["k_G"] for p, pt in ds.vdos.points()]
    np.testing.assert_allclose(res.curve["x"].values, expected, rtol=1e-12)
    assert res.settings["sound_speed"] == "dispersion"


def test_slope_from_points_exact_line() -> None:
    x = np.array([0.5, 1.0, 1.5, 2.0])
    y = 0.1 + 0.7 * x
    res = crossover_slope_from_points(x, y, np.full(4, 0.02))
    assert res.slope.value == pytest.approx(0.7, abs=1e-12)
    assert res.intercept.value == pytest.approx(0.1, abs=1e-12)
    assert res.settings["weights"] == "1/SE^2"
    unweighted = crossover_slope_from_points(x, y)
    assert unweighted.settings["weights"].startswith("none")


def test_unweighted_slope_matches_scipy_linregress() -> None:
    """Without standard errors: ordinary least squares, standard errors from the residual scatter."""
    rng = np.random.default_rng(9)
    x = np.linspace(0.3, 2.0, 8)
    y = 0.05 + 0.8 * x + rng.normal(0, 0.03, x.size)
    res = crossover_slope_from_points(x, y)
    ref = linregress(x, y)
    assert res.slope.value == pytest.approx(ref.slope, rel=1e-12)
    assert res.intercept.value == pytest.approx(ref.intercept, rel=1e-10)
    assert res.slope.uncertainty == pytest.approx(ref.stderr, rel=1e-10)
    assert res.intercept.uncertainty == pytest.approx(ref.intercept_stderr, rel=1e-10)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"sound_speed": [1.0, 2.0]}, "expected one per k_G"),
        ({"sound_speed": {0.4: 1.0}}, "lacks k_G values"),
        ({"sound_speed": "fast"}, "expected a float, a sequence"),
        ({"sound_speed": 1.0, "estimator": "median"}, "expected 'fit' or 'peak'"),
        ({"sound_speed": 1.0, "dim": "gamma"}, "expected exactly one parameter dimension 'gamma'"),
        ({"sound_speed": 1.0, "window": (2.0, 1.0)}, "expected \\(w0, w1\\)"),
    ],
    ids=["speed_count", "speed_mapping", "speed_word", "estimator", "dimension", "window"],
)
def test_bad_arguments_are_explained(kwargs: dict, match: str) -> None:
    ds = sweep_dataset(K_G[:3], SEED000_SLOPE, n_sample=3, n_mode=20)
    kwargs = {"window": (0.0, 5.0), "n_bootstrap": 5, **kwargs}
    with pytest.raises(ValueError, match=match):
        crossover_slope(ds, **kwargs)


def test_exponent_below_the_crossover_of_the_closed_form_is_near_four() -> None:
    """Closed-form draws: the MLE on (0, ω_c/2] lies between the local exponents 3.6 and 4;
    pure ω² draws (no crossover, built to fail) give ≈ 2."""
    ds = sweep_dataset([1.0], SEED000_SLOPE, n_sample=40, n_mode=1500)
    point = ds.isel(k_G=0)
    res = exponent_below_crossover(point, sound_speed=C, n_bootstrap=200)
    assert res.settings["crossover"]["omega_c"] == pytest.approx(SEED000_SLOPE * C)
    assert 3.6 - Z * res.mle.uncertainty < res.mle.value < 4.0 + Z * res.mle.uncertainty
    debye = point.copy()
    rng = np.random.default_rng(5)
    w = np.sort(SEED000_SLOPE * C * rng.random(point["eigenvalue"].shape) ** (1 / 3), axis=1)  # up to ω_c
    debye["eigenvalue"] = point["eigenvalue"].copy(data=np.where(point["zero_mode"], 0.0, w**2))
    assert abs(exponent_below_crossover(debye, sound_speed=C, n_bootstrap=200).mle.value - 2.0) < 0.3


def test_exponent_below_crossover_needs_a_positive_k_g() -> None:
    point = sweep_dataset([1.0], SEED000_SLOPE, n_sample=2).isel(k_G=0)
    with pytest.raises(ValueError, match="k_G > 0"):
        exponent_below_crossover(point.assign_coords(k_G=0.0), sound_speed=C)
    with pytest.raises(ValueError, match="scalar coordinate"):
        exponent_below_crossover(point.drop_vars("k_G"), sound_speed=C)
