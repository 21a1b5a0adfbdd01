"""stress_exponent on stresses drawn from P(σ) ∝ σ^α, on a different law, and the GHET mapping α → m → s."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
import xarray as xr
from scipy.integrate import quad

from vdosbench.datasets import check, mock_spectrum
from vdosbench.validators import (
    dos_exponent_from_stress_exponent,
    dos_exponent_from_tapering_order,
    fit_truncated_power_law,
    pair_stress_values,
    stress_exponent,
    stress_exponent_from_tapering_order,
    tapering_order_from_stress_exponent,
)

N_SAMPLE = 40
PAIRS = 400  # power-law pairs per sample inside the window
Z = 3.0  # recovered within Z standard errors
N_BOOT = 300
SIGMA_MAX = 0.5


def power_law(
    alpha: float, size: tuple[int, ...], rng: np.random.Generator, lo: float = 0.0, hi: float = SIGMA_MAX
) -> np.ndarray:
    """Inverse transform of P(σ) ∝ σ^α on (lo, hi]: F(σ) = (σ^a − lo^a)/(hi^a − lo^a), a = α + 1."""
    u = rng.random(size)
    a = alpha + 1.0
    if abs(a) < 1e-12:
        return lo * (hi / lo) ** u
    return (lo**a + u * (hi**a - lo**a)) ** (1.0 / a)


def with_background(sig: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Append larger stresses outside the window (σ ∈ (σ_max, 3]), which the window must ignore."""
    return np.concatenate([sig, rng.uniform(SIGMA_MAX * 1.0001, 3.0, (sig.shape[0], 200))], axis=1)


@pytest.mark.parametrize("alpha", [-0.5, -0.75, 0.0, 1.0], ids=["m2", "m4", "m1_minimum", "rising"])
def test_exponent_recovered_within_uncertainty(alpha: float) -> None:
    rng = np.random.default_rng(int(100 * (alpha + 2)))
    sig = with_background(power_law(alpha, (N_SAMPLE, PAIRS), rng), rng)
    res = stress_exponent(sig, window=(0.0, SIGMA_MAX), n_bootstrap=N_BOOT, seed=1)
    a = res.alpha
    assert a.value == pytest.approx(alpha, abs=Z * a.uncertainty)
    # independent pairs: the bootstrap over samples and the Fisher SE agree
    assert a.uncertainty == pytest.approx(res.fisher_se, rel=0.35)
    assert res.settings["n_in_window"] == N_SAMPLE * PAIRS
    # the implied exponents are the exact images of alpha
    assert res.dos_exponent.value == pytest.approx(5 + 2 * a.value, abs=1e-12)
    assert res.dos_exponent.uncertainty == pytest.approx(2 * a.uncertainty, rel=1e-9)
    assert res.inverse_tapering_order.value == pytest.approx(a.value + 1, abs=1e-12)


def test_alpha_minus_one_needs_a_lower_cutoff() -> None:
    """α = −1 (m = ∞) is not normalisable at 0; with σ_min > 0 the truncated MLE recovers it."""
    rng = np.random.default_rng(5)
    lo = 1e-4
    sig = power_law(-1.0, (N_SAMPLE, PAIRS), rng, lo=lo)
    res = stress_exponent(sig, window=(lo, SIGMA_MAX), n_bootstrap=N_BOOT)
    assert res.alpha.value == pytest.approx(-1.0, abs=Z * res.alpha.uncertainty)
    assert res.dos_exponent.value == pytest.approx(3.0, abs=2 * Z * res.alpha.uncertainty)
    assert res.tapering_order > 20 or res.tapering_order < 0  # m = 1/(alpha+1) diverges near alpha = -1


def test_alpha_minus_one_with_lower_quantile_and_without() -> None:
    """The default window (0, q] pins α at the likelihood's edge −1; ``lower_quantile`` gives a proper window."""
    rng = np.random.default_rng(7)
    sig = power_law(-1.0, (N_SAMPLE, PAIRS), rng, lo=1e-4)
    pinned = stress_exponent(sig, quantile=0.5, n_bootstrap=N_BOOT)  # no crash at u = alpha + 1 = 0
    assert pinned.alpha.value >= -1.0 - 1e-9
    assert np.all(np.isnan(pinned.curve["fit"].values)) or pinned.alpha.value > -1.0
    res = stress_exponent(sig, quantile=0.5, lower_quantile=0.01, n_bootstrap=N_BOOT)
    assert res.settings["window"][0] == pytest.approx(np.quantile(sig[sig > 0], 0.01))
    assert res.alpha.value == pytest.approx(-1.0, abs=Z * res.alpha.uncertainty)
    with pytest.raises(ValueError, match="lower_quantile"):
        stress_exponent(sig, quantile=0.1, lower_quantile=0.2)


def test_fisher_interval_coverage() -> None:
    """Repeated draws: |α̂ − α| < 1.96 SE in about 95 % of them (the interval is calibrated, not one lucky seed)."""
    rng = np.random.default_rng(11)
    n_rep, alpha = 300, -0.5
    hits = 0
    for _ in range(n_rep):
        fit = fit_truncated_power_law(power_law(alpha, (500,), rng, lo=1e-3), (1e-3, SIGMA_MAX))
        hits += abs(fit.alpha - alpha) < 1.96 * fit.fisher_se
    assert 0.91 <= hits / n_rep <= 0.98


def test_exponential_law_is_clearly_different() -> None:
    """Built to fail: exponential stresses have a finite density at 0 (α ≈ 0), far from the m = 2 value −1/2."""
    rng = np.random.default_rng(7)
    sig = rng.exponential(1.0, (N_SAMPLE, PAIRS))
    res = stress_exponent(sig, window=(0.0, 0.2), n_bootstrap=N_BOOT)
    assert abs(res.alpha.value - (-0.5)) > 10 * res.alpha.uncertainty
    # the MLE converges to α* with E_α*[t] = E_exp[t], t = ln(σ_max/σ); for σ_min = 0, E_α[t] = 1/(α + 1)
    w = 0.2
    mean_t = quad(lambda x: np.log(w / x) * np.exp(-x), 0, w)[0] / quad(lambda x: np.exp(-x), 0, w)[0]
    assert res.alpha.value == pytest.approx(1 / mean_t - 1, abs=Z * res.alpha.uncertainty)


@pytest.mark.parametrize(
    ("m", "alpha", "s"),
    [(1.0, 0.0, 5.0), (2.0, -0.5, 4.0), (3.0, -2 / 3, 3 + 2 / 3), (math.inf, -1.0, 3.0)],
    ids=["m1_LJ_minimum", "m2_usual", "m3", "m_inf"],
)
def test_ghet_mapping(m: float, alpha: float, s: float) -> None:
    """Seed 001 eqs 11, 12, 105–107: α = 1/m − 1, s = 3 + 2/m = 5 + 2α, m = 1/(α + 1)."""
    assert stress_exponent_from_tapering_order(m) == pytest.approx(alpha, abs=1e-15)
    assert dos_exponent_from_tapering_order(m) == pytest.approx(s, abs=1e-15)
    assert dos_exponent_from_stress_exponent(alpha) == pytest.approx(s, abs=1e-15)
    assert tapering_order_from_stress_exponent(alpha) == pytest.approx(m)


def stress_dataset(alpha: float, n_sample: int, n_pair: int, seed: int) -> xr.Dataset:
    """3D point dataset with ψ < 0 (repulsive), |ψ| ∝ σ^α, and σ^{ab} = ê^a ê^b ψ for random directions ê."""
    rng = np.random.default_rng(seed)
    ds = mock_spectrum(n_sample=n_sample, n_mode=4, n_site=10, pairs_per_sample=n_pair, spatial_dimension=3, seed=seed)
    psi = -power_law(alpha, (n_sample * n_pair,), rng, hi=1.0)
    e = rng.normal(size=(psi.size, 3))
    e /= np.linalg.norm(e, axis=1, keepdims=True)
    stress = e[:, :, None] * e[:, None, :] * psi[:, None, None]
    ds["pair_psi"] = ("pair", psi, {"long_name": "r phi'(r)", "units": "1"})
    ds["pair_stress"] = (("pair", "spatial", "spatial_b"), stress, {"long_name": "pair stress", "units": "1"})
    check(ds)
    return ds


def test_dataset_choices_of_sigma() -> None:
    ds = stress_dataset(-0.5, n_sample=20, n_pair=1000, seed=3)
    psi_res = stress_exponent(ds, stress="abs_psi", window=(0.0, 1.0), n_bootstrap=200)
    assert psi_res.alpha.value == pytest.approx(-0.5, abs=Z * psi_res.alpha.uncertainty)
    assert psi_res.settings["stress"] == "abs_psi"
    # off-diagonal components: |ψ| times an angular factor with finite density at 0 keeps α < 0 at small σ
    off = stress_exponent(ds, stress="offdiagonal", quantile=0.02, n_bootstrap=200)
    assert off.alpha.value == pytest.approx(-0.5, abs=Z * off.alpha.uncertainty + 0.05)
    assert off.settings["n_values"] == 3 * 20 * 1000
    comp = pair_stress_values(ds, "component", ("x", "y"))
    np.testing.assert_allclose(comp[0], np.abs(ds["pair_stress"].values[:1000, 0, 1]))


def test_single_sample_uses_fisher_error() -> None:
    rng = np.random.default_rng(2)
    res = stress_exponent([power_law(-0.5, (5000,), rng)], window=(0.0, SIGMA_MAX))
    assert res.alpha.uncertainty == pytest.approx(res.fisher_se, rel=1e-12)
    assert res.alpha.low < res.alpha.value < res.alpha.high
    assert res.alpha.settings["uncertainty"].startswith("Fisher")


def test_result_plot_and_dict() -> None:
    rng = np.random.default_rng(4)
    sig = with_background(power_law(-0.5, (10, 300), rng), rng)
    res = stress_exponent(sig, window=(0.0, SIGMA_MAX), n_bootstrap=50)
    fig, ax = plt.subplots()
    res.plot(ax)
    assert ax.get_lines()
    plt.close(fig)
    d = res.to_dict()
    assert set(d["measurements"]) == {"stress_exponent", "implied_dos_exponent", "implied_inverse_tapering_order"}
    # the fitted curve lies on the histogram inside the window (same normalisation)
    c = res.curve
    inside = np.isfinite(c["fit"].values) & (c["count"].values > 30)
    np.testing.assert_allclose(c["density"].values[inside], c["fit"].values[inside], rtol=0.35)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"window": (0.3, 0.1)}, "expected \\(sigma_min, sigma_max\\)"),
        ({"window": (10.0, 20.0)}, "holds 0 stress values"),
        ({"quantile": 0.0}, "quantile is 0.0"),
    ],
    ids=["reversed_window", "empty_window", "bad_quantile"],
)
def test_bad_settings_are_explained(kwargs: dict, match: str) -> None:
    sig = np.random.default_rng(0).random((3, 50))
    with pytest.raises(ValueError, match=match):
        stress_exponent(sig, n_bootstrap=10, **kwargs)


def test_missing_pair_psi_is_explained() -> None:
    ds = mock_spectrum(n_sample=2, n_site=4, pairs_per_sample=3)
    with pytest.raises(ValueError, match="needs the pair variable 'pair_psi'"):
        stress_exponent(ds)
    with pytest.raises(ValueError, match="stresses must be >= 0"):
        stress_exponent(np.array([[-1.0, 0.5]]))
