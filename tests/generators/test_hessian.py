"""The analytic Hessian: finite differences, symmetry, zero modes, crystal phonons, dense vs sparse spectra."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import numpy as np
import pytest
from threadpoolctl import threadpool_limits
import scipy.sparse

from vdosbench.generators import (
    Configuration,
    fcc_crystal,
    kob_andersen_configuration,
    polydisperse_configuration,
    triangular_crystal,
)
from vdosbench.generators.glasses.hessian import (
    force_constant_blocks,
    hessian_matrix,
    hessian_operator,
    interacting_pairs,
)
from vdosbench.generators.glasses.minimize import EnergyModel, fire_minimize, quench
from vdosbench.generators.glasses.potentials import (
    INFINITE_ORDER,
    KIND_SOFT_SPHERE,
    PairPotential,
    kob_andersen_potential,
    soft_sphere_potential,
)
from vdosbench.generators.spectra import (
    dense_spectrum,
    full_spectrum,
    lowest_modes_shift_invert,
    translation_modes,
    translation_zero_modes,
)

#: Central-difference step for ∂²V from the analytic gradient, and the tolerance relative to max |H|.
FD_STEP = 1e-6
FD_RTOL = 1e-8
#: Relative accuracy of the Richardson-extrapolated sound speeds (k⁴ error at n = 6 is ≈ 0.1 %).
SOUND_RTOL = 3e-3

CASES = [
    ("soft-m2-3d", soft_sphere_potential(2), 3, 100),
    ("soft-minf-3d", soft_sphere_potential(INFINITE_ORDER), 3, 100),
    ("lj-minf-2d", kob_andersen_potential(INFINITE_ORDER), 2, 64),
]


@pytest.fixture(autouse=True, scope="module")
def _one_blas_thread() -> Iterator[None]:
    """Small dense matrices: one BLAS thread (threads only add contention on a shared machine)."""
    with threadpool_limits(1):
        yield


def _relaxed(pot: PairPotential, d: int, n: int) -> Configuration:
    rng = np.random.default_rng(2)
    c = polydisperse_configuration(n, d, rng) if pot.kind == KIND_SOFT_SPHERE else kob_andersen_configuration(n, d, rng)
    x, *_ = fire_minimize(EnergyModel(c, pot), c.positions, 10.0, 10_000)
    return c.with_positions(x)


@pytest.fixture(scope="module")
def glass() -> tuple[Configuration, PairPotential, scipy.sparse.csr_matrix]:
    """A quenched N = 128 soft-sphere glass (m = 2) and its Hessian."""
    pot = soft_sphere_potential(2)
    result = quench(polydisperse_configuration(128, 3, np.random.default_rng(4)), pot)
    return result.config, pot, hessian_matrix(result.config, pot)


@pytest.mark.parametrize(("pot", "d", "n"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_hessian_matches_central_differences_of_the_gradient(pot: PairPotential, d: int, n: int) -> None:
    c = _relaxed(pot, d, n)
    model = EnergyModel(c, pot)
    h = hessian_matrix(c, pot).toarray()
    fd = np.empty_like(h)
    for k in range(h.shape[0]):
        plus, minus = c.positions.copy().ravel(), c.positions.copy().ravel()
        plus[k] += FD_STEP
        minus[k] -= FD_STEP
        fd[:, k] = (model.energy_gradient(plus)[1].ravel() - model.energy_gradient(minus)[1].ravel()) / (2 * FD_STEP)
    np.testing.assert_allclose(h, fd, rtol=0, atol=FD_RTOL * np.abs(h).max())


@pytest.mark.parametrize(("pot", "d", "n"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_hessian_is_symmetric_and_translation_invariant(pot: PairPotential, d: int, n: int) -> None:
    c = _relaxed(pot, d, n)
    h = hessian_matrix(c, pot)
    assert abs(h - h.T).max() == 0.0
    scale = abs(h).max()
    assert np.abs(h @ translation_modes(n, d)).max() < 1e-12 * scale  # block rows sum to zero


def test_finite_differences_detect_a_missing_tension_term() -> None:
    """Built to fail: dropping the (φ′/r)(1 − n nᵀ) part of K breaks the FD agreement."""
    pot = soft_sphere_potential(2)
    c = _relaxed(pot, 3, 100)
    pairs = interacting_pairs(c, pot)
    wrong = hessian_matrix(c, pot, pairs=type(pairs)(**{**pairs.__dict__, "dphi": np.zeros_like(pairs.dphi)}))
    model = EnergyModel(c, pot)
    column = 7
    plus, minus = c.positions.copy().ravel(), c.positions.copy().ravel()
    plus[column] += FD_STEP
    minus[column] -= FD_STEP
    fd = (model.energy_gradient(plus)[1].ravel() - model.energy_gradient(minus)[1].ravel()) / (2 * FD_STEP)
    assert np.abs(wrong[:, column].toarray().ravel() - fd).max() > 1e3 * FD_RTOL * np.abs(fd).max()


def test_force_constant_block_against_the_seed_formula() -> None:
    """Seed 001 eq. (46): K = [φ″ − φ′/r] r rᵀ/r² + (φ′/r) 1."""
    rng = np.random.default_rng(0)
    sep, d1, d2 = rng.normal(size=(5, 3)), rng.normal(size=5), rng.normal(size=5)
    r = np.linalg.norm(sep, axis=1)
    expected = [(b - a / x) * np.outer(s, s) / x**2 + a / x * np.eye(3) for s, x, a, b in zip(sep, r, d1, d2)]
    np.testing.assert_allclose(force_constant_blocks(sep, d1, d2), expected, rtol=1e-13, atol=1e-13)


def test_mass_weighting_and_linear_operator(
    glass: tuple[Configuration, PairPotential, scipy.sparse.csr_matrix],
) -> None:
    config, pot, h = glass
    masses = np.random.default_rng(1).uniform(0.5, 2.0, config.n_particles)
    scale = np.repeat(masses**-0.5, 3)
    weighted = hessian_matrix(config, pot, masses=masses).toarray()
    np.testing.assert_allclose(weighted, scale[:, None] * h.toarray() * scale[None, :], rtol=1e-14, atol=0)
    op = hessian_operator(config, pot)
    x = np.random.default_rng(2).normal(size=h.shape[0])
    np.testing.assert_allclose(op.matvec(x), h @ x, rtol=1e-14, atol=1e-12)
    np.testing.assert_allclose(op.rmatvec(x), h @ x, rtol=1e-14, atol=1e-12)


def test_quenched_glass_has_exactly_d_zero_modes(
    glass: tuple[Configuration, PairPotential, scipy.sparse.csr_matrix],
) -> None:
    _, _, h = glass
    lam, _ = full_spectrum(h)
    flags = translation_zero_modes(lam.size, 3)
    assert np.all(np.abs(lam[flags]) < 1e-10 * lam[-1])
    assert lam[~flags].min() > 1e-5 * lam[-1]


def test_dense_and_sparse_spectra_agree(glass: tuple[Configuration, PairPotential, scipy.sparse.csr_matrix]) -> None:
    config, _, h = glass
    k = 12
    dense_values, dense_vectors = full_spectrum(h, range(3, 3 + k))
    values, vectors = lowest_modes_shift_invert(h, k, exclude=translation_modes(config.n_particles, 3))
    np.testing.assert_allclose(values, dense_values[3 : 3 + k], rtol=1e-10)
    overlap = np.abs(np.sum(vectors * dense_vectors, axis=0))  # non-degenerate in a glass
    np.testing.assert_allclose(overlap, 1.0, atol=1e-7)


def test_one_reduction_spectrum_matches_lapack_eigh(
    glass: tuple[Configuration, PairPotential, scipy.sparse.csr_matrix],
) -> None:
    _, _, h = glass
    modes = [*range(3, 20), 200, 383, 5]
    ref_values, ref_vectors = full_spectrum(h, modes)
    values, vectors = dense_spectrum(h, modes)
    np.testing.assert_allclose(values, ref_values, rtol=0, atol=1e-12 * ref_values[-1])
    np.testing.assert_allclose(vectors, ref_vectors, atol=1e-8)  # same sign rule, non-degenerate modes


def test_one_reduction_spectrum_in_degenerate_crystal_shells() -> None:
    """FCC shells are 6- and 12-fold degenerate: any orthonormal eigenbasis is right."""
    h = hessian_matrix(fcc_crystal(4), soft_sphere_potential(2)).toarray()
    before = h.copy()
    values, vectors = dense_spectrum(h, range(3, 40))
    np.testing.assert_array_equal(h, before)  # the input is not overwritten
    assert np.abs(h @ vectors - vectors * values[3:40]).max() < 1e-10 * values[-1]
    np.testing.assert_allclose(vectors.T @ vectors, np.eye(37), atol=1e-12)
    np.testing.assert_allclose(values, np.linalg.eigvalsh(h), rtol=0, atol=1e-12 * values[-1])


def test_sparse_path_without_projection_finds_the_translations(
    glass: tuple[Configuration, PairPotential, scipy.sparse.csr_matrix],
) -> None:
    _, _, h = glass
    values, _ = lowest_modes_shift_invert(h, 4)
    assert np.all(np.abs(values[:3]) < 1e-9) and values[3] > 1e-3


# ---------------------------------------------------------------------------------- crystals


def _plane_wave(config: Configuration, k_vec: np.ndarray, polarisation: np.ndarray) -> np.ndarray:
    wave = np.cos(config.positions @ k_vec)[:, None] * polarisation[None, :]
    return wave.ravel() / np.linalg.norm(wave)


def _fcc_acoustic_tensor(pot: PairPotential, density: float = 1.0, h: float = 1e-4) -> dict[str, float]:
    """ρc² from the strain energy of the *infinite* FCC lattice (independent of the Hessian code).

    E(F) = ½ Σ_R φ(|F R|) per particle for a homogeneous deformation F = 1 + u;
    A_{αβγδ} = ρ ∂²E/∂u_{αβ}∂u_{γδ} is the long-wavelength limit of the dynamical
    matrix (stress terms included), so ω² = k² A_{αkαk}/ρ_mass with unit masses:
    c_L² = A_xxxx/ρ (along [100]), c_T² = A_yxyx/ρ.  Second derivatives by central
    differences of E.
    """
    b = (4.0 / density) ** (1.0 / 3.0)
    ints = np.array([p for p in itertools.product(range(-5, 6), repeat=3) if sum(p) % 2 == 0 and any(p)])
    lattice = ints * b / 2
    lattice = lattice[np.linalg.norm(lattice, axis=1) < 1.2 * pot.max_cutoff]

    def energy(u: np.ndarray) -> float:
        return 0.5 * float(pot.evaluate(np.linalg.norm(lattice @ (np.eye(3) + u).T, axis=1))[0].sum())

    def second(a: int, c: int) -> float:
        u = np.zeros((3, 3))
        u[a, c] = h
        return (energy(u) - 2 * energy(np.zeros((3, 3))) + energy(-u)) / h**2

    return {"longitudinal": second(0, 0), "transverse": second(1, 0)}


@pytest.mark.parametrize("order", [2, INFINITE_ORDER], ids=["m2", "minf"])
def test_fcc_crystal_zero_modes_and_degenerate_acoustic_shells(order: int) -> None:
    """FCC (4·4³ sites): 3 zero modes; plane waves at k = 2π/L are exact eigenvectors with
    degenerate eigenvalues (12 transverse and 6 longitudinal modes along the cube axes)."""
    pot = soft_sphere_potential(order)
    c = fcc_crystal(4)
    h = hessian_matrix(c, pot)
    lam = np.linalg.eigvalsh(h.toarray())
    assert np.all(np.abs(lam[:3]) < 1e-10 * lam[-1]) and lam[3] > 1e-3 * lam[-1]
    k = 2 * np.pi / c.box_length
    for polarisation, multiplicity in ((np.array([0.0, 1.0, 0.0]), 12), (np.array([1.0, 0.0, 0.0]), 6)):
        wave = _plane_wave(c, np.array([k, 0.0, 0.0]), polarisation)
        omega2 = wave @ (h @ wave)
        assert np.linalg.norm(h @ wave - omega2 * wave) < 1e-10 * omega2  # an exact eigenvector
        assert np.sum(np.abs(lam - omega2) < 1e-9 * omega2) == multiplicity
    # the lowest shell: transverse waves along <110> polarised along <1-10> (shear modulus (C11 - C12)/2)
    soft = _plane_wave(c, np.array([k, k, 0.0]), np.array([1.0, -1.0, 0.0]) / np.sqrt(2))
    assert lam[3] == pytest.approx(soft @ (h @ soft), rel=1e-10)
    assert np.sum(np.abs(lam - lam[3]) < 1e-9 * lam[3]) == 12


@pytest.mark.parametrize("order", [2, INFINITE_ORDER], ids=["m2", "minf"])
def test_fcc_sound_speeds_match_the_elastic_constants(order: int) -> None:
    """ω²/k² of the [100] plane waves at k₁ = 2π/L and 2k₁ (FCC, 4·6³ sites), Richardson-extrapolated
    to k → 0 (c² ≈ (4 s(k₁) − s(2k₁))/3), against c² from finite-difference strain energies."""
    pot = soft_sphere_potential(order)
    c = fcc_crystal(6)
    h = hessian_matrix(c, pot)
    k1 = 2 * np.pi / c.box_length
    expected = _fcc_acoustic_tensor(pot)
    for name, polarisation in (("longitudinal", np.array([1.0, 0.0, 0.0])), ("transverse", np.array([0.0, 1.0, 0.0]))):
        s = []
        for k in (k1, 2 * k1):
            wave = _plane_wave(c, np.array([k, 0.0, 0.0]), polarisation)
            s.append(wave @ (h @ wave) / k**2)
        c2 = (4 * s[0] - s[1]) / 3
        assert c2 == pytest.approx(expected[name], rel=SOUND_RTOL), name


def test_triangular_crystal_has_two_zero_modes_and_is_stable() -> None:
    pot = soft_sphere_potential(2)
    c = triangular_crystal(8)
    pairs = interacting_pairs(c, pot)
    assert np.abs(EnergyModel(c, pot).energy_gradient(c.positions)[1]).max() < 1e-10
    lam = np.linalg.eigvalsh(hessian_matrix(c, pot, pairs=pairs).toarray())
    assert np.all(np.abs(lam[:2]) < 1e-10 * lam[-1]) and lam[2] > 1e-3 * lam[-1]
