"""Shear modulus (affine − non-affine): crystal symmetry, finite differences of sheared-and-relaxed energies."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from vdosbench.generators import Configuration, fcc_crystal, polydisperse_configuration
from vdosbench.generators.glasses.elastic import affine_shear_terms, shear_directions, shear_modulus
from vdosbench.generators import interacting_pairs
from vdosbench.generators import quench
from vdosbench.generators import PairPotential, soft_sphere_potential
from strain_fd import crystal_wave_omega, second_derivative, strain_matrix

#: Shear step of the finite differences: E(γ) − E(0) ~ V G γ²/2 ~ 10⁻⁶ ε for N ~ 100, far above the
#: ~10⁻¹⁴ rounding of E.  The relaxed energy of a glass is strongly anharmonic (soft modes amplify the
#: γ³, γ⁴ terms): the 2D glass's relaxed modulus moves by 2.5·10⁻³ at γ = 10⁻³, 2·10⁻⁴ at 3·10⁻⁴ and
#: 2·10⁻⁵ at 10⁻⁴ (converging as γ² onto the analytic value), hence 10⁻⁴.
GAMMA = 1e-4
#: Relative tolerance of the finite-difference moduli (truncation ~ γ², rounding ~ 10⁻¹³/(V G γ²)).
FD_RTOL = 1e-4


def _fd_modulus(config: Configuration, pot: PairPotential, alpha: int, beta: int, relax: bool) -> float:
    """(E(γ) − 2E(0) + E(−γ))/(γ² V) of the simple shear r^α += γ r^β (:mod:`strain_fd`)."""
    return second_derivative(
        config, pot, interacting_pairs(config, pot), GAMMA, strain_matrix(config.dimension, alpha, beta), relax
    )


@pytest.fixture(scope="module")
def glass3d() -> tuple[Configuration, PairPotential]:
    pot = soft_sphere_potential(2)
    return quench(polydisperse_configuration(128, 3, np.random.default_rng(4)), pot).config, pot


@pytest.fixture(scope="module")
def glass2d() -> tuple[Configuration, PairPotential]:
    pot = soft_sphere_potential(2)
    return quench(polydisperse_configuration(100, 2, np.random.default_rng(7)), pot).config, pot


def test_fcc_crystal_nonaffine_term_vanishes_and_born_term_is_the_affine_energy_curvature() -> None:
    # Every fcc site is a centre of inversion: its neighbours at ±Δ give K(Δ)Δ_β e_α and −K(Δ)Δ_β e_α,
    # so Ξ = 0 and the Born term is the whole modulus; it equals d²E/dγ² of the affinely sheared crystal.
    c, pot = fcc_crystal(3), soft_sphere_potential(2)
    g = shear_modulus(c, pot)
    assert np.abs(g.nonaffine).max() < 1e-12
    for (a, b), born in zip(g.directions, g.born):
        _, xi = affine_shear_terms(interacting_pairs(c, pot), a, b)
        assert np.abs(xi).max() < 1e-10
        np.testing.assert_allclose(born, _fd_modulus(c, pot, a, b, relax=False), rtol=FD_RTOL)
    # cubic symmetry: the six simple shears are equivalent
    np.testing.assert_allclose(g.per_direction, g.per_direction[0], rtol=1e-10)


@pytest.mark.parametrize("which", ["glass3d", "glass2d"], ids=["d3-N128", "d2-N100"])
def test_glass_modulus_matches_finite_differences_of_sheared_and_reminimised_energy(
    which: str, request: pytest.FixtureRequest
) -> None:
    config, pot = request.getfixturevalue(which)
    g = shear_modulus(config, pot)
    # the non-affine relaxation is a real correction in a glass (tens of per cent), not a rounding
    assert np.all(g.nonaffine > 0.05 * g.born)
    for k, (a, b) in enumerate(g.directions):
        np.testing.assert_allclose(g.born[k], _fd_modulus(config, pot, a, b, relax=False), rtol=FD_RTOL)
        np.testing.assert_allclose(g.per_direction[k], _fd_modulus(config, pot, a, b, relax=True), rtol=FD_RTOL)


def test_glass_without_nonaffine_correction_fails_the_relaxed_finite_difference(glass3d) -> None:  # noqa: ANN001
    # built to fail: the Born term alone is not the relaxed modulus of a glass
    config, pot = glass3d
    g = shear_modulus(config, pot)
    relaxed = _fd_modulus(config, pot, 0, 1, relax=True)
    assert abs(g.born[0] - relaxed) > 100 * FD_RTOL * abs(relaxed)


def test_shear_directions_and_bad_direction() -> None:
    assert shear_directions(3) == [(0, 1), (0, 2), (1, 0), (1, 2), (2, 0), (2, 1)]
    with pytest.raises(ValueError, match="alpha != beta"):
        affine_shear_terms(interacting_pairs(fcc_crystal(3), soft_sphere_potential(2)), 1, 1)


def test_floppy_configuration_gives_a_clear_error() -> None:
    # two far-apart pairs of particles in a big box: each pair can move freely, H pinned is singular
    pos = np.array([[0.0, 0.0], [1.0, 0.0], [5.0, 5.0], [6.0, 5.0]])
    with pytest.raises(ValueError, match="singular.*Fix"):
        shear_modulus(Configuration(pos, 10.0), soft_sphere_potential(2))


# --- omega0 from the shear modulus -------------------------------------------------------------


def test_omega0_from_shear_modulus_converges_to_the_exact_crystal_phonon() -> None:
    # The plane wave's ω² = k² G/ρ + O(k⁴): the relative error of ω₀ = √(G/ρ) 2π/L falls as 1/L²
    # (derivation: module docstring of vdosbench.generators.glasses.elastic).
    pot = soft_sphere_potential(2)
    errors = []
    for n in (4, 8):
        c = fcc_crystal(n)
        g = shear_modulus(c, pot)
        g_xy = g.per_direction[g.directions.index((0, 1))]
        omega_g = np.sqrt(g_xy / c.density) * 2 * np.pi / c.box_length
        errors.append(abs(omega_g / crystal_wave_omega(c, pot, 0, 1) - 1.0))
    assert errors[1] < 0.02
    np.testing.assert_allclose(errors[0] / errors[1], 4.0, rtol=0.15)  # L doubled: error / 4


def _glass_dataset(config: Configuration, taper: int = 2):
    import xarray as xr

    return xr.Dataset(
        {
            "position": (("sample", "site", "spatial"), config.positions[None]),
            "diameter": (("sample", "site"), config.sizes[None]),
            "box_length": ("sample", [config.box_length]),
            "eigenvalue": (("sample", "mode"), np.ones((1, 4))),
        },
        coords={"sample": [0], "taper_order": taper, "spatial": list("xyz"[: config.dimension])},
        attrs={
            "generator": "soft_spheres",
            "potential": "soft_sphere",
            "potential_exponent": 12,
            "potential_cutoff_table": 1.955,
            "spatial_dimension": config.dimension,
        },
    )


def test_benchmark_computes_shear_modulus_and_omega0_from_stored_positions(glass3d) -> None:  # noqa: ANN001
    from vdosbench.benchmark.elastic import sample_shear_moduli, shear_modulus_omega0, with_shear_modulus

    config, pot = glass3d
    ds = _glass_dataset(config)
    g = shear_modulus(config, pot)
    got = sample_shear_moduli(ds)
    np.testing.assert_allclose(got["shear_modulus"].values, [g.value], rtol=1e-12)
    np.testing.assert_allclose(got["shear_modulus_directions"].values[0], g.per_direction, rtol=1e-12)
    omega0 = shear_modulus_omega0(ds, n_bootstrap=10).omega0
    np.testing.assert_allclose(omega0.value, np.sqrt(g.value / config.density) * 2 * np.pi / config.box_length)
    # a stored shear_modulus is measured data: used as it is
    stored = ds.assign(shear_modulus=("sample", [4.0]))
    assert with_shear_modulus(stored) is stored
    # another taper is another potential, hence another modulus (the taper is read from the data)
    other = sample_shear_moduli(_glass_dataset(config, taper=-1))["shear_modulus"].values[0]
    assert abs(other - g.value) > 1e-3 * g.value


def test_shear_modulus_route_errors_name_the_fix() -> None:
    from vdosbench.benchmark.elastic import sample_shear_moduli
    from vdosbench.datasets import mock_spectrum
    from vdosbench.validators import lowest_phonon_frequency

    ds = mock_spectrum(n_sample=2, n_mode=9, n_site=9)
    with pytest.raises(ValueError, match="needs a 'shear_modulus'.*with_shear_modulus"):
        lowest_phonon_frequency(ds, method="shear_modulus")
    with pytest.raises(ValueError, match="finite and > 0"):
        lowest_phonon_frequency(ds.assign(shear_modulus=("sample", [1.0, -1.0])), method="shear_modulus")
    m = lowest_phonon_frequency(ds.assign(shear_modulus=("sample", [9.0, 9.0])), method="shear_modulus", n_bootstrap=10)
    np.testing.assert_allclose(m.value, 2 * np.pi)  # L = 3, rho = 1: c_T = 3, omega0 = 2 pi 3 / 3
    with pytest.raises(ValueError, match="lacks.*diameter or species"):
        sample_shear_moduli(ds.drop_vars("position"))
    no_taper = _glass_dataset(fcc_crystal(3)).drop_vars("taper_order")
    with pytest.raises(ValueError, match="taper order.*declare taper_order"):
        sample_shear_moduli(no_taper)


def test_omega0_claim_scores_the_shear_modulus_primary_from_positions(glass3d) -> None:  # noqa: ANN001
    # The primary runs through the scorer on a dataset that stores no eigenvectors: the shear-modulus
    # route is measured, the stored-mode centroid (an alternative) cannot be.
    from vdosbench.benchmark import evaluate_claim, load_claims

    config, pot = glass3d
    claim = next(c for c in load_claims() if c.id == "schirmacher.lowest-phonon-omega0")
    claim = dataclasses.replace(claim, applies_to={}, requires=("position",))
    result = evaluate_claim(claim, _glass_dataset(config))
    alt = next(a for a in result.alternatives if a.alternative.label == "stored-mode centroid")
    assert alt.result.points[0].measurement is None  # no eigenvectors for the centroid
    m = result.points[0].measurement
    g = shear_modulus(config, pot)
    np.testing.assert_allclose(m.value, np.sqrt(g.value / config.density) * 2 * np.pi / config.box_length)
