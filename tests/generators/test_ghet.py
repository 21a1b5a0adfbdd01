"""GHET type-II spectrum (seed 001, eqs. 7–8, 84–85, 103–107).

The exponent s = 3 + 2/m is measured on the theory's quantile spectrum with
the package's validator (maximum likelihood, independent of the generator);
empirical stresses drawn from a known P(σ), and the stresses of a real
soft-sphere glass, must predict their own s.  Cases built to fail: the wrong
exponent, m = ∞ without a lower cutoff, a dataset without stresses.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from vdosbench.datasets import check, mock_spectrum
from vdosbench.generators.theory.ghet import (
    DEFAULT_TAPER_ORDERS,
    stress_exponent_mle,
    type2_exponent,
    type2_from_stresses,
    type2_power_law,
)
from vdosbench.generators import INFINITE_ORDER
from vdosbench.generators.theory.ghet_datasets import GHETParams, ghet_from_dataset, ghet_type2
from vdosbench.generators import get_generator
from vdosbench.validators import power_law_exponent
from vdosbench.validators import truncated_power_law_mle
from vdosbench.validators import dos_exponent_from_tapering_order, fit_truncated_power_law

#: |s_measured − (3 + 2/m)| on the deterministic quantile spectrum (M = 3000), by maximum likelihood.
QUANTILE_S_TOL = 0.01
#: Statistical tests: |estimate − truth| < Z_TOL standard errors (fixed seeds).
Z_TOL = 4.0

ORDERS = [1, 2, 3, INFINITE_ORDER]
ORDER_IDS = ["m1", "m2", "m3", "m-inf"]


def _expected_s(m: int) -> float:
    return 3.0 if m == INFINITE_ORDER else 3.0 + 2.0 / m


@pytest.mark.parametrize("m", ORDERS, ids=ORDER_IDS)
def test_exponent_of_analytic_stress_law(m: int) -> None:
    spec = type2_power_law(m)
    assert spec.exponent == pytest.approx(_expected_s(m), abs=1e-12)
    # the validators' own mapping s = 5 + 2α agrees (m = ∞ there is float('inf'))
    assert spec.exponent == pytest.approx(dos_exponent_from_tapering_order(math.inf if m < 0 else m), abs=1e-12)
    # measured on the quantile spectrum by the validators' maximum likelihood
    omega = np.sqrt(spec.eigenvalues)
    lo, hi = math.sqrt(spec.stress_window[0] / spec.zeta), math.sqrt(spec.stress_window[1] / spec.zeta)
    s, _ = truncated_power_law_mle(omega, lo, hi)
    assert abs(s - _expected_s(m)) < QUANTILE_S_TOL
    # and on the curve: a pure power law
    inside = spec.dos > 0
    slope = np.polyfit(np.log(spec.omega[inside]), np.log(spec.dos[inside]), 1)[0]
    assert slope == pytest.approx(_expected_s(m), abs=1e-9)


def test_wrong_exponent_is_rejected() -> None:
    # built to fail: the m = 2 spectrum is not s = 3 (m = ∞) nor s = 5 (m = 1)
    omega = np.sqrt(type2_power_law(2).eigenvalues)
    s, _ = truncated_power_law_mle(omega, 0.0, 1.0)
    assert abs(s - 3.0) > 0.5 and abs(s - 5.0) > 0.5


def test_infinite_order_needs_a_lower_cutoff() -> None:
    with pytest.raises(ValueError, match="not normalisable"):
        type2_power_law("inf", sigma_min=0.0)
    spec = type2_power_law(math.inf)
    assert spec.stress_window == (1e-6, 1.0)
    assert np.sqrt(spec.eigenvalues).min() >= 1e-3  # no modes below √(σ_min/ζ)


@pytest.mark.parametrize("m", [1, 2, 3], ids=["m1", "m2", "m3"])
def test_empirical_stresses_predict_their_exponent(m: int) -> None:
    rng = np.random.default_rng(20240601 + m)
    sigma = rng.random(200_000) ** m  # inverse CDF of P(σ) = σ^(1/m − 1)/m on (0, 1]
    spec = type2_from_stresses(sigma, stress_quantile=0.2, n_modes=3000)
    assert abs(spec.exponent - _expected_s(m)) < Z_TOL * spec.exponent_uncertainty
    # the Hill α against the validators' independent truncated maximum likelihood on the same window
    fit = fit_truncated_power_law(sigma, (0.0, spec.stress_window[1]))
    assert spec.stress_exponent == pytest.approx(fit.alpha, abs=Z_TOL * spec.stress_exponent_uncertainty)
    # the σ²-weighted quantile spectrum has the predicted exponent
    omega = np.sqrt(spec.eigenvalues)
    top = float(np.quantile(omega, 0.5))
    s, _ = truncated_power_law_mle(omega[omega <= top], 0.0, top)
    assert abs(s - _expected_s(m)) < 0.1


def test_stress_exponent_mle_needs_a_window() -> None:
    with pytest.raises(ValueError, match="widen the window"):
        stress_exponent_mle(np.array([0.5, 0.6, 0.7]), window_max=0.55)


def _dataset_with_stresses(orders: list[int]) -> tuple[object, list[int]]:
    src = mock_spectrum(n_sample=2, n_site=10, pairs_per_sample=20_000, parameters={"taper_order": orders})
    rng = np.random.default_rng(7)
    chunks = [-(rng.random(2 * 20_000) ** m) for m in orders]  # ψ < 0 (repulsive); |ψ| ~ P ∝ σ^(1/m − 1)
    src["pair_psi"] = ("pair", np.concatenate(chunks), {"long_name": "psi = r phi'(r)", "units": "1"})
    return src, orders


def test_dataset_stresses_predict_its_own_exponent() -> None:
    src, orders = _dataset_with_stresses([1, 2, 3])
    out = ghet_from_dataset(src, stress_quantile=0.2, n_modes=2000)
    check(out)
    assert out["predicted_exponent"].dims == ("taper_order", "sample")
    for m in orders:
        point = out.sel(taper_order=m)
        s = float(point["predicted_exponent"].item())
        se = float(point["predicted_exponent_uncertainty"].item())
        assert abs(s - _expected_s(m)) < Z_TOL * se, m
    # the validator measures the predicted spectrum's exponent too (power_law_exponent on one point)
    res = power_law_exponent(out.sel(taper_order=2), (0.0, 0.6), n_bootstrap=10)
    assert abs(res.mle.value - 4.0) < 0.15


def test_dataset_without_stresses_is_refused() -> None:
    with pytest.raises(ValueError, match="pair_psi"):
        ghet_from_dataset(mock_spectrum())


@pytest.mark.slow
@pytest.mark.parametrize(("m", "expected"), [(2, 4.0), (INFINITE_ORDER, 3.0)], ids=["m2", "m-inf"])
def test_soft_sphere_glass_stresses_predict_s(m: int, expected: float) -> None:
    # a real (small, infinite-T) soft-sphere inherent structure: its own pair stresses
    from vdosbench.generators import glass_sample

    glass = glass_sample(
        {"n_particles": 128, "n_sweeps": 0, "parent_temperature": float("inf"), "taper_order": m, "n_vectors": 0},
        np.random.SeedSequence(1),
        0,
    )
    out = ghet_from_dataset(glass, stress_quantile=0.1, n_modes=500)
    s = float(out["predicted_exponent"].item())
    # m = 2: α = −1/2 (s = 4); m = ∞: ψ vanishes faster than any power, α → −1 (s → 3 from above)
    assert abs(s - expected) < 0.25


def test_ghet_type2_dataset() -> None:
    ds = ghet_type2()
    check(ds)
    assert ds["taper_order"].values.tolist() == sorted(DEFAULT_TAPER_ORDERS)
    np.testing.assert_allclose(ds["predicted_exponent"].values[:, 0], [3.0, 5.0, 4.0, 11 / 3])
    assert ds.attrs["root_seed"] == 0  # deterministic: the seed is unused
    assert "10.1038/s41467-024-46981-7" in ds.attrs["references"]
    assert ds.attrs["eigenvalue_construction"].startswith("quantiles of the theory DOS, M = 3000")
    # P(σ) is normalised: the grid starts at σ = 1e-6, below which finite m misses σ_lo^(1/m)
    for m in (1, 2, 3):
        point = ds.sel(taper_order=m).isel(sample=0)
        mass = np.trapezoid(point["stress_density"].values, point["stress"].values)
        assert mass == pytest.approx(1.0 - 1e-6 ** (1 / m), abs=2e-3)
    # the DOS curves are normalised
    for m in DEFAULT_TAPER_ORDERS:
        point = ds.sel(taper_order=m).isel(sample=0)
        assert np.trapezoid(point["density_of_states"].values, ds["omega"].values) == pytest.approx(1.0, abs=2e-3)


def test_registered_generator_makes_one_sample() -> None:
    gen = get_generator("ghet_type2")
    ds = gen.make_sample({**gen.fixed_defaults, "taper_order": 3, "n_modes": 30}, np.random.SeedSequence(0), 1)
    check(ds)
    assert ds.sizes["sample"] == 1 and float(ds["predicted_exponent"].item()) == pytest.approx(11 / 3)


@pytest.mark.parametrize(
    ("value", "error", "match"),
    [
        (0, ValueError, "untapered"),
        (-2, ValueError, "m ≥ 1"),
        (1.5, TypeError, "integer"),
        ("two", TypeError, "integer"),
    ],
    ids=["zero", "minus-two", "fraction", "word"],
)
def test_bad_taper_order_is_explained(value: object, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        type2_exponent(value)  # type: ignore[arg-type]


def test_unknown_parameter_is_explained() -> None:
    with pytest.raises(ValueError, match="unknown GHETParams parameter"):
        GHETParams.from_mapping({"m": 2})
