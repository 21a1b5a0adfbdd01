"""The extreme-value law with κ from the level statistics (validators/spectral/level_kappa.py): known answers."""

from __future__ import annotations

import numpy as np
import pytest

from vdosbench.generators import goe_unfolded_levels
from vdosbench.validators import ModeSpectra
from vdosbench.validators import (
    KappaCalibration,
    edge_spacing_ratio,
    edge_spacing_ratios,
    extreme_value_fit,
    extreme_value_kappa_from_levels,
)


def _bulk(levels: np.ndarray) -> ModeSpectra:
    """Rows of levels read with every level below the edge (ω₀ and the reach far above)."""
    n = levels.shape[0]
    return ModeSpectra(levels, np.full(n, 1e3), 1000, 1.0, coverage=np.full(n, 1e3))


def _lowest_modes(n_samples: int, n: int, s: float, a: float, rng: np.random.Generator) -> ModeSpectra:
    """Lowest modes of independent levels with N a x^(s+1) expected below x: P(x_min > x) = exp(-N a x^(s+1))."""
    x = (rng.exponential(size=n_samples) / (n * a)) ** (1.0 / (s + 1.0))
    return ModeSpectra(x[:, None], np.full(n_samples, 1e3), n, 1.0, coverage=np.full(n_samples, 1e3))


def test_mean_ratio_of_independent_and_goe_bulk_levels_is_atas() -> None:
    """Bulk levels: ⟨r̃⟩ = 2 ln 2 − 1 = 0.386 (Poisson) and 0.5307 (GOE, Atas et al. 2013)."""
    rng = np.random.default_rng(11)
    poisson = np.sort(rng.random((600, 12)), axis=1)
    goe = np.array([goe_unfolded_levels(30.0, rng)[:10] for _ in range(600)])
    mp = edge_spacing_ratio(_bulk(poisson), n_bootstrap=200)
    mg = edge_spacing_ratio(_bulk(goe), n_bootstrap=200)
    assert mp.value == pytest.approx(2 * np.log(2) - 1, abs=4 * mp.uncertainty)
    assert mg.value == pytest.approx(0.5307, abs=4 * mg.uncertainty)
    assert mp.low < mp.value < mp.high and mp.uncertainty < 0.01


def test_ratios_only_below_each_samples_edge_and_none_for_fewer_than_three_levels() -> None:
    omega = np.array([[0.1, 0.2, 0.4, 0.5], [0.1, 0.2, 0.9, 1.0]])
    sp = ModeSpectra(omega, np.array([1.0, 1.0]), 1000, 1.0, coverage=np.full(2, 2.0))
    r = edge_spacing_ratios(sp, phonon_factor=0.6)  # edge: 0.6 omega0 (omega_g = 1: x = omega)
    assert r[0] == pytest.approx([0.5, 0.5]) and r[1].size == 0


def test_calibration_interpolates_between_poisson_and_goe_and_clips() -> None:
    cal = KappaCalibration(0.37, 0.49, 1.2, 0.02, "test")
    assert cal.kappa(0.37) == 1.0 and cal.kappa(0.49) == pytest.approx(1.2)
    assert cal.kappa(0.43) == pytest.approx(1.1)
    assert cal.kappa(0.60) == pytest.approx(1.2) and cal.kappa(0.2) == 1.0  # clipped at both ends
    assert cal.kappa(0.49, kappa_goe=1.4) == pytest.approx(1.4)
    with pytest.raises(ValueError, match="r_tilde_poisson < r_tilde_goe"):
        KappaCalibration(0.5, 0.4, 1.2, 0.0, "reversed")
    with pytest.raises(ValueError, match="kappa_goe >= 1"):
        KappaCalibration(0.37, 0.49, 0.8, 0.0, "kappa below one")


def test_fixed_kappa_divides_the_weibull_shape_at_one_n() -> None:
    """At one N the shape β does not depend on κ (N^κ is a constant): s + 1 = β/κ exactly.  κ is pinned by
    calibrations whose ends lie on either side of the levels' ⟨r̃⟩ (κ clipped to 1 and to κ_GOE = 1.25)."""
    rng = np.random.default_rng(5)
    x = (rng.exponential(size=500) / (8000 * 0.05)) ** 0.2
    fit = ModeSpectra(x[:, None], np.full(500, 1e3), 8000, 1.0, coverage=np.full(500, 1e3))
    lev = _bulk(np.sort(rng.random((50, 12)), axis=1))
    ests = [
        extreme_value_kappa_from_levels(fit, lev, cal, n_bootstrap=2).measurement
        for cal in (
            KappaCalibration(0.9, 0.95, 1.25, 0.0, "kappa 1"),
            KappaCalibration(0.0, 0.01, 1.25, 0.0, "kappa_GOE"),
        )
    ]
    assert [m.settings["kappa"] for m in ests] == [1.0, 1.25] and ests[0].settings["observed"] == 500
    s1, s2 = ests[0].value, ests[1].value
    assert s1 + 1 == pytest.approx(1.25 * (s2 + 1), rel=1e-5)


def test_independent_levels_read_back_their_exponent() -> None:
    """Poisson levels (⟨r̃⟩ at the calibration's Poisson end): κ = 1 and s = 4 recovered within the interval."""
    rng = np.random.default_rng(8)
    fit = [_lowest_modes(600, 8000, 4.0, 0.05, rng) for _ in range(2)]
    lev = _bulk(np.sort(rng.random((400, 12)), axis=1))
    cal = KappaCalibration(0.386, 0.531, 1.25, 0.03, "test")
    est = extreme_value_kappa_from_levels(fit, lev, cal, n_bootstrap=300)
    m = est.measurement
    assert est.status == "ok"
    assert m.settings["kappa"] < 1.05 and m.low < 4.0 < m.high
    plain = extreme_value_fit(fit, n_bootstrap=100).exponent.measurement  # the kappa = 1 law, same data
    assert m.value == pytest.approx(plain.value, abs=0.3)


def test_repelling_levels_set_kappa_and_lower_the_exponent_as_built() -> None:
    """Built to fail the κ = 1 law: the same lowest modes read with GOE levels beside them are read with κ_GOE,
    so s = (s₁ + 1)/κ_GOE − 1, and κ's spread widens the interval."""
    rng = np.random.default_rng(9)
    fit = _lowest_modes(800, 8000, 4.0, 0.05, rng)
    goe = _bulk(np.array([goe_unfolded_levels(30.0, rng)[:10] for _ in range(400)]))
    sharp = KappaCalibration(0.386, 0.5307, 1.25, 0.0, "test")
    est = extreme_value_kappa_from_levels(fit, goe, sharp, n_bootstrap=300)
    k = est.measurement.settings["kappa"]
    assert k > 1.15
    s1 = extreme_value_fit(fit, n_bootstrap=50).exponent.measurement.value
    assert est.measurement.value == pytest.approx((s1 + 1) / k - 1, rel=1e-4)
    loose = extreme_value_kappa_from_levels(
        fit, goe, KappaCalibration(0.386, 0.5307, 1.25, 0.1, "test"), n_bootstrap=300
    )
    assert (loose.measurement.high - loose.measurement.low) > (est.measurement.high - est.measurement.low)


def test_too_few_levels_is_inconclusive() -> None:
    rng = np.random.default_rng(1)
    fit = _lowest_modes(200, 8000, 4.0, 0.05, rng)
    few = _bulk(np.sort(rng.random((5, 3)), axis=1))  # five ratios
    est = extreme_value_kappa_from_levels(fit, few, KappaCalibration(0.386, 0.53, 1.25, 0.0, "t"), n_bootstrap=50)
    assert est.status == "inconclusive" and "level ratios" in est.reason
