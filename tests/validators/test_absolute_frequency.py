"""Known-answer tests of the estimators in absolute frequency ω/ω_g (issue 51, item 2).

Every estimator is checked against data with a known answer (power laws, Weibull
draws, uniform counts), against a brute-force maximisation of its likelihood
with scipy, and against data built to fail (phonon-polluted bands, unequal
exponents, an excess of modes).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import optimize, stats

from vdosbench.validators import (
    ModeSpectra,
    band_mle,
    band_mle_population,
    density_below,
    density_ratio,
    exponent_homogeneity,
    extreme_value_fit,
    local_exponent,
    paired_band_difference,
    window_mle_absolute,
)
from vdosbench.validators.spectral.absolute_frequency import reduced_modes
from vdosbench.validators import solve_truncated_power_law


def _point(
    x: np.ndarray,
    n: int = 1000,
    shear: float = 4.5,
    reach: float | None = None,
    label: str = "",
    groups: np.ndarray | None = None,
) -> ModeSpectra:
    """A point whose modes are x·ω_g (ρ = 1, G = ``shear`` for every sample), complete up to ``reach``·ω_g."""
    x = np.sort(np.atleast_2d(x), axis=1)
    wg = math.sqrt(shear)  # c_T n^(1/3) at n = 1
    omega0 = 2 * math.pi * wg / n ** (1 / 3)
    m = x.shape[0]
    cov = None if reach is None else np.full(m, reach * wg)
    return ModeSpectra(
        x * wg, np.full(m, omega0), n, 1.0, shear_modulus=np.full(m, shear), coverage=cov, label=label, groups=groups
    )


def _power_law_point(s: float, rate: float, top: float, n: int, samples: int, seed: int, **kw) -> ModeSpectra:
    """Poisson levels of mean count n·rate·x^(s+1) on (0, top] in every sample (padded to a rectangle)."""
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(samples):
        k = rng.poisson(n * rate * top ** (s + 1))
        rows.append(np.sort(top * rng.random(k) ** (1 / (s + 1))))
    width = max(1, max(r.size for r in rows))
    x = np.full((samples, width), np.nan)
    for i, r in enumerate(rows):
        x[i, : r.size] = r
    empty = ~np.isfinite(x[:, 0])
    x[empty, 0] = top  # a sample with no mode below the top keeps one at the top (counts unchanged below it)
    return _point(x, n=n, reach=top, **kw)


def test_omega_g_is_c_t_times_density_to_one_third():
    g = np.array([4.0, 5.0])
    rho = 1.2
    n = 2000
    L = (n / rho) ** (1 / 3)
    omega0 = 2 * np.pi * np.sqrt(g / rho) / L
    sp = ModeSpectra(np.array([[0.5], [0.6]]), omega0, n, rho, shear_modulus=g)
    np.testing.assert_allclose(sp.omega_g, np.sqrt(g / rho) * rho ** (1 / 3), rtol=1e-12)
    x, x0, _ = reduced_modes(sp)
    np.testing.assert_allclose(x0, 2 * np.pi / n ** (1 / 3), rtol=1e-12)  # the first phonon in omega_g units


@pytest.mark.parametrize("s", [2.0, 4.0])
def test_window_mle_recovers_a_known_exponent(s):
    sp = _power_law_point(s, rate=200.0, top=0.29, n=2000, samples=600, seed=3)
    est = window_mle_absolute(sp, 0.29, n_bootstrap=300)
    assert est.status == "ok"
    m = est.measurement
    assert abs(m.value - s) < 4 * m.uncertainty
    assert m.settings["band_in_omega0"][1] == pytest.approx(0.29 / (2 * np.pi / 2000 ** (1 / 3)), rel=1e-9)


def test_band_mle_is_the_maximum_of_its_likelihood():
    """The closed-form/root-found band MLE equals a brute-force maximisation with scipy."""
    sp = _power_law_point(3.0, rate=500.0, top=0.3, n=1000, samples=300, seed=5)
    low, high = 0.12, 0.3
    est = band_mle(sp, low, high, n_bootstrap=50)
    x, _, _ = reduced_modes(sp)
    v = x[np.isfinite(x) & (x > low) & (x <= high)]

    def negll(s):
        u = s + 1
        return -np.sum(np.log(u) + s * np.log(v) - np.log(high**u - low**u))

    brute = optimize.minimize_scalar(negll, bounds=(-0.9, 15), method="bounded", options={"xatol": 1e-10}).x
    assert est.value == pytest.approx(brute, abs=1e-5)
    assert est.diagnostics["modes"] == v.size


def test_local_exponent_follows_a_curved_spectrum():
    """A spectrum with s = 4 below x = 0.15 and s = 2 above (continuous count) reads 4 then 2 in the bands."""
    rng = np.random.default_rng(7)
    n, samples, xb, top = 2000, 800, 0.15, 0.29
    a4 = 300.0
    rows = []
    for _ in range(samples):  # count(x) = n a4 x^5 below xb, then n a4 xb^5 (x/xb)^3 above
        k1 = rng.poisson(n * a4 * xb**5)
        k2 = rng.poisson(n * a4 * xb**5 * ((top / xb) ** 3 - 1))
        lo_part = xb * rng.random(k1) ** (1 / 5)
        hi_part = xb * (1 + rng.random(k2) * ((top / xb) ** 3 - 1)) ** (1 / 3)
        rows.append(np.sort(np.r_[lo_part, hi_part, top]))
    width = max(r.size for r in rows)
    x = np.full((samples, width), np.nan)
    for i, r in enumerate(rows):
        x[i, : r.size] = r
    sp = _point(x, n=n, reach=top)
    ests, curve = local_exponent(sp, [0.0, 0.15, 0.29], n_bootstrap=300)
    assert ests[0].covers(4.0) or abs(ests[0].value - 4) < 4 * ests[0].measurement.uncertainty
    assert abs(ests[1].value - 2) < 4 * ests[1].measurement.uncertainty
    assert ests[1].measurement.high < 3.0  # the curvature is seen: the upper band excludes the deep value
    assert curve.s.shape == (2,) and list(curve.band_high.values) == [0.15, 0.29]


def test_bands_above_the_first_phonon_use_no_sample():
    """Built to fail: a band whose top lies above 0.6 omega0 takes no sample and says why."""
    sp = _power_law_point(4.0, rate=300.0, top=0.5, n=2000, samples=50, seed=1)
    est = band_mle(sp, 0.2, 0.45, n_bootstrap=20)  # 0.6 omega0 / omega_g = 0.299 at N = 2000
    assert est.status == "inconclusive" and "phonon" in est.reason
    assert est.measurement.settings["samples_used"] == [0]


def test_bands_beyond_the_stored_modes_use_no_sample():
    sp = _power_law_point(4.0, rate=300.0, top=0.2, n=1000, samples=50, seed=1)
    assert band_mle(sp, 0.1, 0.3, n_bootstrap=20).measurement.settings["samples_used"] == [0]


def test_homogeneity_finds_no_difference_between_equal_exponents_and_finds_a_real_one():
    a = _power_law_point(4.0, 400.0, 0.18, 1000, 400, seed=11)
    b = _power_law_point(4.0, 400.0, 0.18, 8000, 100, seed=12)
    c = _power_law_point(2.5, 400.0, 0.18, 8000, 100, seed=13)
    same = exponent_homogeneity([a, b], 0.0, 0.18)
    assert same.dof == 1 and same.p_value > 1e-3
    differ = exponent_homogeneity([a, c], 0.0, 0.18)
    assert differ.p_value < 1e-6


def test_homogeneity_statistic_matches_brute_force_likelihoods():
    a = _power_law_point(4.0, 400.0, 0.25, 1000, 200, seed=21)
    b = _power_law_point(3.0, 400.0, 0.25, 2000, 200, seed=22)
    low, high = 0.08, 0.25
    res = exponent_homogeneity([a, b], low, high)

    def ll(v, s):
        u = s + 1
        return np.sum(np.log(u) + s * np.log(v) - np.log(high**u - low**u))

    vals = []
    for p in (a, b):
        x, _, _ = reduced_modes(p)
        vals.append(x[np.isfinite(x) & (x > low) & (x <= high)])
    best = [-optimize.minimize_scalar(lambda s, v=v: -ll(v, s), bounds=(-0.9, 20), method="bounded").fun for v in vals]
    pooled = np.concatenate(vals)
    joint = -optimize.minimize_scalar(lambda s: -ll(pooled, s), bounds=(-0.9, 20), method="bounded").fun
    assert res.statistic == pytest.approx(2 * (sum(best) - joint), rel=1e-4, abs=1e-6)


def test_density_per_particle_and_its_ratio():
    """Uniform counts with a known density; a x1.3 excess in the small box is found, equal densities are not."""
    base = _power_law_point(4.0, 60.0, 0.18, 8000, 120, seed=31)
    small_same = _power_law_point(4.0, 60.0, 0.18, 2000, 1000, seed=32)
    small_excess = _power_law_point(4.0, 78.0, 0.18, 2000, 1000, seed=33)
    expected = 60.0 * 0.18**5
    d = density_below(base, 0.18, n_bootstrap=300)
    assert d.low < expected < d.high
    same = density_ratio(small_same, base, 0.18, n_bootstrap=500)
    assert same.ratio.low < 1.0 < same.ratio.high and same.homogeneity.p_value > 1e-3
    excess = density_ratio(small_excess, base, 0.18, n_bootstrap=500)
    assert excess.ratio.low > 1.0 and excess.homogeneity.p_value < 0.01
    assert excess.ratio.low < 1.3 < excess.ratio.high


def test_density_ratio_refuses_a_window_above_every_phonon():
    a = _power_law_point(4.0, 60.0, 0.5, 8000, 10, seed=1)
    with pytest.raises(ValueError, match="0.6 omega0|phonon-free"):
        density_ratio(a, a, 0.3, n_bootstrap=10)


def _weibull_point(s: float, a: float, n: int, samples: int, rng: np.random.Generator) -> ModeSpectra:
    x = (rng.exponential(size=samples) / (n * a)) ** (1 / (s + 1))
    return _point(x[:, None], n=n, reach=10.0)


def test_extreme_value_matches_scipy_weibull_fit_on_one_point():
    rng = np.random.default_rng(41)
    sp = _weibull_point(4.0, 0.05, 2000, 1500, rng)
    fit = extreme_value_fit(sp, phonon_factor=100.0, n_bootstrap=50)
    x, _, _ = reduced_modes(sp)
    c, _, scale = stats.weibull_min.fit(x[:, 0], floc=0)
    assert fit.exponent.value == pytest.approx(c - 1, rel=1e-3)
    assert fit.prefactor.value == pytest.approx(scale ** (-c) / 2000, rel=1e-2)
    assert fit.homogeneity is None and fit.censored == {"N=2000": 0}


def test_extreme_value_joint_fit_and_its_test_across_n():
    rng = np.random.default_rng(42)
    same = [_weibull_point(4.0, 0.05, n, 600, rng) for n in (1000, 2000, 8000)]
    fit = extreme_value_fit(same, phonon_factor=100.0, n_bootstrap=200)
    m = fit.exponent.measurement
    assert abs(m.value - 4.0) < 4 * m.uncertainty and fit.homogeneity.dof == 4
    assert fit.homogeneity.p_value > 1e-3
    differ = [_weibull_point(4.0, 0.05, 1000, 600, rng), _weibull_point(2.5, 0.05, 8000, 600, rng)]
    assert extreme_value_fit(differ, phonon_factor=100.0, n_bootstrap=20).homogeneity.p_value < 1e-6


def test_extreme_value_censoring_keeps_the_answer():
    """Lowest modes above the phonon-free edge are censored there; the fit stays unbiased (compare uncensored)."""
    rng = np.random.default_rng(43)
    sp = _weibull_point(3.0, 0.05, 1000, 3000, rng)  # P(x_min > 0.377) = exp(-1000 * 0.05 * 0.377^4) = 0.36
    x0 = 2 * np.pi / 10
    fit = extreme_value_fit(sp, phonon_factor=0.6, n_bootstrap=100)  # edge 0.377: some censored
    assert 0 < fit.censored["N=1000"] < 3000
    assert sum(fit.censored.values()) == int(np.sum(reduced_modes(sp)[0][:, 0] > 0.6 * x0))
    assert abs(fit.exponent.value - 3.0) < 4 * fit.exponent.measurement.uncertainty


def test_paired_difference_of_two_tapers():
    """The same starts read at two 'tapers': the second's modes are the first's shifted to a lower exponent."""
    first = _power_law_point(4.0, 300.0, 0.29, 2000, 600, seed=51)
    x, _, _ = reduced_modes(first)
    # map x -> 0.29 (x/0.29)^(5/3): a power law of s + 1 = 5 becomes one of s + 1 = 3 on the same window
    y = 0.29 * (x / 0.29) ** (5 / 3)
    second = _point(y, n=2000, reach=0.29)
    diff = paired_band_difference(first, second, 0.0, 0.29, n_bootstrap=300)
    assert diff.low < 2.0 < diff.high
    unpaired_width = (
        band_mle(first, 0, 0.29, n_bootstrap=300).measurement.uncertainty ** 2
        + band_mle(second, 0, 0.29, n_bootstrap=300).measurement.uncertainty ** 2
    ) ** 0.5
    assert diff.uncertainty < unpaired_width  # pairing removes the shared sample noise


def _taper_pair(s_first: float, s_second: float, n: int, samples: int, seed: int) -> tuple[ModeSpectra, ModeSpectra]:
    """Two 'tapers' of the same starts: the second's modes are the first's mapped onto exponent s_second."""
    first = _power_law_point(s_first, 300.0, 0.29, n, samples, seed=seed)
    x, _, _ = reduced_modes(first)
    second = _point(0.29 * (x / 0.29) ** ((s_first + 1) / (s_second + 1)), n=n, reach=0.29)
    return first, second


def test_paired_difference_pooled_over_sizes_is_the_difference_of_pooled_band_mles():
    """Several pairs (one per N): the value is band_mle(first points) - band_mle(second points), brute force; one
    pair in a list gives the one-pair answer to the last bit (same draws)."""
    pairs = [_taper_pair(4.0, 3.0, 1000, 300, seed=61), _taper_pair(4.0, 3.0, 2000, 200, seed=62)]
    firsts, seconds = [p[0] for p in pairs], [p[1] for p in pairs]
    pooled = paired_band_difference(firsts, seconds, 0.0, 0.29, n_bootstrap=300)
    brute = band_mle(firsts, 0.0, 0.29, n_bootstrap=2).value - band_mle(seconds, 0.0, 0.29, n_bootstrap=2).value
    assert pooled.value == pytest.approx(brute, rel=1e-12)
    assert pooled.low < 1.0 < pooled.high and pooled.settings["pooled_points"] == 2
    assert pooled.settings["samples_used"] == [[300, 200], [300, 200]]
    one = paired_band_difference(*pairs[0], 0.0, 0.29, n_bootstrap=300)
    assert paired_band_difference([pairs[0][0]], [pairs[0][1]], 0.0, 0.29, n_bootstrap=300).low == one.low
    per_n = [paired_band_difference(*p, 0.0, 0.29, n_bootstrap=300) for p in pairs]
    assert pooled.uncertainty < min(d.uncertainty for d in per_n)  # both sizes' structures in one reading


@pytest.mark.parametrize("truth", [1.0, 0.0])
def test_pooled_paired_difference_covers_a_known_difference(truth):
    """Coverage on paired mocks with a known difference (+1: seed 001; 0: the rival), 40 replicates at two sizes:
    the 95 % interval holds the truth in at least 34 (P(fewer | 95 %) < 0.01)."""
    held = 0
    for rep in range(40):
        pairs = [
            _taper_pair(3.0 + truth, 3.0, 1000, 120, seed=1000 + 2 * rep),
            _taper_pair(3.0 + truth, 3.0, 2000, 60, seed=1001 + 2 * rep),
        ]
        d = paired_band_difference([p[0] for p in pairs], [p[1] for p in pairs], 0.0, 0.29, n_bootstrap=200, seed=rep)
        held += d.low <= truth <= d.high
    assert held >= 34


def test_pooled_paired_difference_refuses_mismatched_sides():
    a, b = _taper_pair(4.0, 3.0, 1000, 50, seed=71)
    with pytest.raises(ValueError, match="pairs points by position"):
        paired_band_difference([a, a], [b], 0.0, 0.29, n_bootstrap=10)
    c = _power_law_point(3.0, 300.0, 0.29, 1000, 60, seed=72)
    with pytest.raises(ValueError):
        paired_band_difference([a], [c], 0.0, 0.29, n_bootstrap=10)


def test_participation_number_cut_is_the_same_cut_at_every_n():
    e = np.array([[100 / 1000, 300 / 1000]])
    a = ModeSpectra(np.array([[0.2, 0.3]]), np.array([1.0]), 1000, 1.0, participation=e)
    b = ModeSpectra(np.array([[0.2, 0.3]]), np.array([1.0]), 8000, 1.0, participation=e * 1000 / 8000)
    for sp in (a, b):
        kept = sp.filtered_by_participation_number(150)
        assert np.isfinite(kept.omega).sum() == 1 and kept.omega[0, 0] == 0.2
    with pytest.raises(ValueError, match="N\\*e"):
        a.filtered_by_participation_number(0)


def test_band_mle_population_of_a_broken_power_law_is_the_analytic_root():
    """Known answer: g = 5x^4 below xb and 3 xb^2 x^2 above (a continuous count), no modulus scatter: the window
    MLE on (0, b] converges to E[n]/E[Σ log(b/x)] − 1, both integrals in closed form."""
    xb, b = 0.15, 0.29
    counts = xb**5 + xb**2 * (b**3 - xb**3)
    logs = xb**5 * math.log(b / xb) + xb**5 / 5 + xb**2 * (b**3 / 3 - xb**3 * math.log(b / xb) - xb**3 / 3)
    g = lambda x: 5 * x**4 if x <= xb else 3 * xb**2 * x**2  # noqa: E731
    assert band_mle_population(g, 0.0, b) == pytest.approx(counts / logs - 1, rel=1e-5)  # quad across the kink


def test_band_mle_population_matches_brute_force_draws_over_the_modulus_scatter():
    """Brute force: 2000 samples of Poisson modes from the broken power law, each sample's ω_g scattered by
    √(1 + σ ξ); the pooled MLE of the draws (band (0.1, 0.29] and window (0, 0.29]) lies within 4 standard errors
    of the population value."""
    rng = np.random.default_rng(11)
    xb, sigma = 0.15, 0.2
    g = lambda x: 5 * x**4 if x <= xb else 3 * xb**2 * x**2  # noqa: E731
    top = 0.29 * 1.6  # x = xbar / r reaches 0.29 for every r < 1.6 (1 + sigma xi < 2.56: all but 1e-14 of them)
    count_top = xb**5 + xb**2 * (top**3 - xb**3)
    xs = []
    for _ in range(2000):
        r = math.sqrt(max(1 + sigma * rng.standard_normal(), 1e-6))
        k = rng.poisson(1.2e4 * count_top)
        u = rng.random(k) * count_top  # inverse of the count xb^5 (x/xb)^5 | xb^5 + xb^2 (x^3 - xb^3)
        xbar = np.where(u <= xb**5, (u) ** 0.2, np.cbrt(np.maximum(u - xb**5, 0) / xb**2 + xb**3))
        xs.append(xbar / r)
    x = np.concatenate(xs)
    for low in (0.0, 0.1):
        sel = x[(x > low) & (x <= 0.29)]
        s_hat, se = solve_truncated_power_law(
            sel.size, float(np.log(0.29 / sel).sum()), math.log(0.29 / low) if low > 0 else math.inf
        )
        pop = band_mle_population(g, low, 0.29, modulus_scatter=sigma)
        assert abs(s_hat - pop) < 4 * se


def test_band_mle_population_pools_points_by_their_weights_and_refuses_bad_weights():
    g = lambda x: x**4 / (1 + (x / 0.15) ** 1.5)  # noqa: E731
    one = band_mle_population(g, 0.0, 0.29, modulus_scatter=0.1)
    assert band_mle_population(g, 0.0, 0.29, modulus_scatter=[0.1, 0.1], weights=[1, 3]) == pytest.approx(one)
    mixed = band_mle_population(g, 0.0, 0.29, modulus_scatter=[0.0, 0.4], weights=[1, 1])
    ends = sorted((band_mle_population(g, 0.0, 0.29), band_mle_population(g, 0.0, 0.29, modulus_scatter=0.4)))
    assert ends[0] < mixed < ends[1]
    with pytest.raises(ValueError, match="one positive weight a pooled point"):
        band_mle_population(g, 0.0, 0.29, modulus_scatter=[0.1, 0.2], weights=[1.0])
