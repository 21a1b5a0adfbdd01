"""Issue 63 items 1 and 4: one unit of frequency per protocol, the unpaired band difference and the soft-mode
density A_4, each against a known answer."""

from __future__ import annotations

import math

import numpy as np
import pytest

from vdosbench.validators import ModeSpectra, band_difference
from vdosbench.validators.spectral.absolute_frequency import (
    band_mle,
    density_below,
    reduced_modes,
    soft_mode_density,
)


def _point(s: float, n: int, g: np.ndarray | None = None, seed: int = 0, top: float = 0.3) -> ModeSpectra:
    """n samples of N = 1000 with 12 modes each following s below ``top`` in units of G = 1."""
    rng = np.random.default_rng(seed)
    w = np.sort(rng.random((n, 12)) ** (1 / (s + 1)), axis=1) * top
    g = np.ones(n) if g is None else g
    return ModeSpectra(w, 2 * np.pi * np.sqrt(g) / 10, 1000, 1.0, shear_modulus=g, coverage=np.full(n, top))


def test_the_common_unit_is_one_omega_g_for_every_sample_and_keeps_each_omega0():
    g = np.linspace(0.8, 1.2, 50)
    sp = _point(4.0, 50, g)
    common = sp.in_common_unit(1.0)
    assert np.allclose(common.omega_g, 1.0) and np.array_equal(common.omega0, sp.omega0)
    assert np.allclose(sp.omega_g, np.sqrt(g))  # each sample's own
    x, x0, _ = reduced_modes(common)
    assert np.allclose(x, sp.omega) and np.allclose(x0, 2 * np.pi * np.sqrt(g) / 10)
    assert "one G for every sample" in common.describe()["unit"] and "own" in sp.describe()["unit"]
    with pytest.raises(ValueError, match="expected a positive shear modulus"):
        sp.in_common_unit(-1.0)


def test_dividing_by_each_samples_g_biases_a_coupled_reading_and_the_common_unit_does_not():
    """Built to fail in the per-sample unit: the samples' soft modes sit at x̄ (G_i/Ḡ)^1.5 (a soft region lowers G
    and its modes together); in the common unit the pooled density is the population's, in the per-sample unit the
    coupling is divided out partly and the count below a fixed x changes."""
    rng = np.random.default_rng(3)
    n = 4000
    g = 1.0 + 0.15 * rng.standard_normal(n)
    base = np.sort(rng.random((n, 12)) ** (1 / 5), axis=1) * 0.3
    w = base * (g[:, None] ** 1.5)
    sp = ModeSpectra(w, 2 * np.pi * np.sqrt(g) / 10, 1000, 1.0, shear_modulus=g, coverage=np.full(n, 1.0))
    common = density_below(sp.in_common_unit(1.0), 0.2, phonon_factor=10.0, n_bootstrap=200).value
    own = density_below(sp, 0.2, phonon_factor=10.0, n_bootstrap=200).value
    truth = float(np.mean(np.sum(w <= 0.2, axis=1))) / 1000
    assert common == pytest.approx(truth, rel=1e-12)
    assert abs(own / common - 1.0) > 0.05


def test_the_unpaired_difference_is_the_difference_of_the_two_band_readings_and_covers_a_known_one():
    a, b = _point(4.0, 400, seed=1), _point(3.0, 300, seed=2)
    d = band_difference(a, b, 0.0, 0.3, n_bootstrap=300)
    sa, sb = band_mle(a, 0.0, 0.3, n_bootstrap=10).value, band_mle(b, 0.0, 0.3, n_bootstrap=10).value
    assert d.value == pytest.approx(sa - sb, abs=1e-12)
    assert d.low < 1.0 < d.high and d.settings["modes"] == [4800, 3600]
    covered = sum(
        band_difference(
            _point(4.0, 150, seed=10 + k), _point(3.0, 150, seed=50 + k), 0.0, 0.3, n_bootstrap=200, seed=k
        ).low
        <= 1.0
        <= band_difference(
            _point(4.0, 150, seed=10 + k), _point(3.0, 150, seed=50 + k), 0.0, 0.3, n_bootstrap=200, seed=k
        ).high
        for k in range(20)
    )
    assert covered >= 16  # 95 % nominal: 16 of 20 or more with probability 0.98


def test_the_soft_mode_density_recovers_a_known_a4_and_scales_density_below():
    rng = np.random.default_rng(4)
    n_samples, a4, x_b = 3000, 50.0, 0.25
    counts = rng.poisson(1000 * a4 * x_b**5 / 5, n_samples)
    w = np.full((n_samples, 40), np.nan)
    for i, c in enumerate(counts):
        w[i, :c] = np.sort(x_b * rng.random(c) ** 0.2)
        w[i, c] = 0.5  # a mode above the band: every row has one
    w = np.sort(w, axis=1)
    sp = ModeSpectra(w, np.full(n_samples, 2 * np.pi / 10), 1000, 1.0, coverage=np.full(n_samples, 0.6))
    m = soft_mode_density(sp, x_b, phonon_factor=10.0, n_bootstrap=300)
    below = density_below(sp, x_b, phonon_factor=10.0, n_bootstrap=300)
    assert m.low < a4 < m.high and m.value == pytest.approx(5 * below.value / x_b**5)
    assert (m.high - m.low) == pytest.approx(5 * (below.high - below.low) / x_b**5)
    with pytest.raises(ValueError, match="expected s > -1"):
        soft_mode_density(sp, x_b, exponent=-2.0)
    assert math.isfinite(m.uncertainty) and m.settings["exponent"] == 4.0
