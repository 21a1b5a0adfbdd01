"""g(ω), F(ω) and the reduced DOS on synthetic spectra with a known answer."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from vdosbench.datasets import mock_spectrum
from vdosbench.validators import (
    ZERO_MODE_RTOL,
    density_of_states,
    frequencies,
    integrated_dos,
    reduced_dos,
)

N_SAMPLE = 10
N_MODE = 2001  # one zero mode + 2000 non-zero modes per sample
N_BINS = 20
# Each bin count is binomial; allow this many standard errors per bin (20 bins: a false
# alarm at 5 sigma has probability ~1e-5).
N_SIGMA = 5.0


def _expected_bin_mean(edges: np.ndarray, s: float, omega_max: float = 1.0) -> np.ndarray:
    """Bin average of g(ω) = (s+1) ω^s / ω_max^(s+1): (F(b) − F(a))/(b − a), F = (ω/ω_max)^(s+1)."""
    F = (edges / omega_max) ** (s + 1.0)
    return np.diff(F) / np.diff(edges)


def _bin_sigma(edges: np.ndarray, expected: np.ndarray, n_total: int) -> np.ndarray:
    p = expected * np.diff(edges)
    return np.sqrt(n_total * p * (1.0 - p)) / (n_total * np.diff(edges))


@pytest.mark.parametrize("s", [1.0, 3.0, 4.0], ids=["s=1", "s=3", "s=4"])
def test_dos_matches_power_law_and_integrates_to_one(s: float) -> None:
    ds = mock_spectrum(n_sample=N_SAMPLE, n_mode=N_MODE, exponent=s, omega_max=1.0, seed=11)
    dos = density_of_states(ds, bins=N_BINS, omega_max=1.0)
    width = (dos.omega_high - dos.omega_low).values
    np.testing.assert_allclose((dos.g_sample * width).sum("omega"), 1.0, rtol=1e-12)
    edges = np.asarray(dos.attrs["bin_edges"])
    expected = _expected_bin_mean(edges, s)
    sigma = _bin_sigma(edges, expected, N_SAMPLE * (N_MODE - 1))
    assert np.all(np.abs(dos.g.values - expected) <= N_SIGMA * sigma + 1e-12)


@pytest.mark.parametrize("s", [1.0, 3.0], ids=["s=1", "s=3"])
def test_dos_comparison_detects_a_wrong_exponent(s: float) -> None:
    """Built to fail: the same test against exponent s + 1 must reject."""
    ds = mock_spectrum(n_sample=N_SAMPLE, n_mode=N_MODE, exponent=s, omega_max=1.0, seed=11)
    dos = density_of_states(ds, bins=N_BINS, omega_max=1.0)
    edges = np.asarray(dos.attrs["bin_edges"])
    wrong = _expected_bin_mean(edges, s + 1.0)
    sigma = _bin_sigma(edges, wrong, N_SAMPLE * (N_MODE - 1))
    assert np.any(np.abs(dos.g.values - wrong) > N_SIGMA * sigma)


def test_dos_with_given_edges_counts_only_inside() -> None:
    ds = mock_spectrum(n_sample=3, n_mode=401, exponent=2.0, seed=5)
    edges = np.array([0.0, 0.25, 0.5])
    dos = density_of_states(ds, bins=edges)
    w = frequencies(ds).values
    fraction_below = np.sum(w <= 0.5, axis=1) / 400.0
    np.testing.assert_allclose((dos.g_sample * 0.25).sum("omega"), fraction_below, rtol=1e-12)
    np.testing.assert_array_equal(dos.omega_low.values, [0.0, 0.25])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"bins": 0}, "positive number of bins"),
        ({"bins": [0.0, 1.0], "omega_max": 2.0}, "not both"),
        ({"bins": [1.0, 0.5]}, "strictly increasing"),
    ],
    ids=["zero-bins", "edges-and-max", "decreasing"],
)
def test_dos_rejects_bad_bins(kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        density_of_states(mock_spectrum(), **kwargs)


def test_integrated_dos_equals_brute_force_empirical_cdf() -> None:
    ds = mock_spectrum(n_sample=4, n_mode=60, n_zero=2, exponent=3.0, seed=2)
    F = integrated_dos(ds)
    w = frequencies(ds).values
    grid = F.omega.values
    assert np.all(np.diff(grid) > 0)
    for k in range(4):
        nz = w[k][np.isfinite(w[k])]
        brute = np.array([sum(1 for x in nz if x <= g) for g in grid]) / 58.0
        np.testing.assert_allclose(F.F_sample.values[k], brute, rtol=0, atol=1e-15)
    np.testing.assert_allclose(F.F.values, F.F_sample.values.mean(axis=0), rtol=1e-15)
    assert float(F.F.values[-1]) == 1.0


def test_integrated_dos_on_given_grid() -> None:
    ds = mock_spectrum(n_sample=2, n_mode=30, seed=4)
    grid = np.array([-1.0, 0.0, 0.3, 0.7, 5.0])
    F = integrated_dos(ds, omega=grid)
    w = frequencies(ds).values
    brute = np.array([[np.sum(row[np.isfinite(row)] <= g) / 29.0 for g in grid] for row in w])
    np.testing.assert_allclose(F.F_sample.values, brute, atol=1e-15)
    assert F.F.values[0] == 0.0 and F.F.values[-1] == 1.0


def test_zero_mode_rule_without_flags() -> None:
    ds = mock_spectrum(n_sample=1, n_mode=5, n_zero=1).drop_vars("zero_mode")
    ds["eigenvalue"][:] = [[-1e-14, 1e-12, 2e-9, 0.5, 1.0]]
    flags = ds.vdos.zero_mode.values[0]
    # threshold ZERO_MODE_RTOL * max λ = 1e-10: the first two are zero modes, 2e-9 is not
    assert ZERO_MODE_RTOL == 1e-10
    np.testing.assert_array_equal(flags, [True, True, False, False, False])
    w = frequencies(ds).values[0]
    assert np.isnan(w[:2]).all() and w[2] == pytest.approx(np.sqrt(2e-9))


def test_zero_mode_flags_take_precedence() -> None:
    ds = mock_spectrum(n_sample=1, n_mode=4, n_zero=2)
    ds["eigenvalue"][:] = [[0.0, 0.01, 0.5, 1.0]]  # second mode flagged zero although λ > 0
    assert int(ds.vdos.n_nonzero[0]) == 2
    assert np.isnan(frequencies(ds).values[0, 1])


def test_partial_spectrum_is_normalised_per_mode_of_the_system() -> None:
    # 100 sites (scalar), only the lowest 20 modes stored: F counts per 99 non-zero modes
    ds = mock_spectrum(n_sample=2, n_mode=20, n_site=100, seed=1)
    assert ds.vdos.mode_total == 100
    F = integrated_dos(ds)
    assert float(F.F.values[-1]) == pytest.approx(19 / 99, rel=1e-14)


# Reduced DOS: a Debye spectrum g = d ω^(d−1) on (0, 1] has the flat level d in every bin.
@pytest.mark.parametrize(("d", "level"), [(2, 2.0), (3, 3.0)], ids=["2D", "3D"])
def test_reduced_dos_of_a_debye_spectrum_is_flat(d: int, level: float) -> None:
    ds = mock_spectrum(n_sample=N_SAMPLE, n_mode=N_MODE, exponent=d - 1.0, spatial_dimension=d, seed=8)
    r = reduced_dos(ds, bins=10, omega_max=1.0)
    edges = np.asarray(r.attrs["bin_edges"])
    expected = _expected_bin_mean(edges, d - 1.0)
    sigma = _bin_sigma(edges, expected, N_SAMPLE * (N_MODE - 1)) / r.omega_power_mean.values
    assert np.all(np.abs(r.g_reduced.values - level) <= N_SIGMA * sigma)
    xr.testing.assert_allclose(r.g_reduced, r.g_reduced_sample.mean("sample"))


def test_reduced_dos_detects_a_non_debye_spectrum() -> None:
    """Built to fail: g ∝ ω³ in 2D is not flat in g/ω."""
    ds = mock_spectrum(n_sample=N_SAMPLE, n_mode=N_MODE, exponent=3.0, seed=8)
    r = reduced_dos(ds, bins=10, omega_max=1.0)
    assert r.g_reduced.values[-1] > 5 * r.g_reduced.values[1]
