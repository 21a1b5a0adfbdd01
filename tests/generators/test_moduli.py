"""Shear, longitudinal and bulk moduli from one deflated CG solve: finite differences, LU, crystal phonons."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse

from vdosbench.generators import Configuration, fcc_crystal, polydisperse_configuration
from vdosbench.generators.glasses.elastic import shear_directions, shear_modulus
from vdosbench.generators import hessian_matrix, interacting_pairs
from vdosbench.generators.glasses.lowest_modes import lowest_modes
from vdosbench.generators import quench
from vdosbench.generators.glasses.moduli import deflated_inverse_forms, elastic_moduli
from vdosbench.generators import PairPotential, soft_sphere_potential
from vdosbench.generators.spectra import translation_modes
from strain_fd import crystal_wave_omega, relaxed_pairs, second_derivative, strain_matrix

#: Strain step and tolerance of the finite differences (as tests/generators/test_elastic.py: truncation ~ ε², rounding
#: ~ 10⁻¹³/(V M ε²)).
EPS = 1e-4
FD_RTOL = 1e-4


@pytest.fixture(scope="module")
def glass3d() -> tuple[Configuration, PairPotential]:
    pot = soft_sphere_potential(2)
    return quench(polydisperse_configuration(128, 3, np.random.default_rng(4)), pot).config, pot


def test_cg_shear_moduli_equal_the_lu_route_with_and_without_deflation(glass3d) -> None:  # noqa: ANN001
    config, pot = glass3d
    lu = shear_modulus(config, pot)
    plain = elastic_moduli(config, pot)
    h = hessian_matrix(config, pot)
    modes = lowest_modes(h, 20, exclude=translation_modes(config.n_particles, 3), tol=1e-11)
    deflated = elastic_moduli(config, pot, modes=modes.eigenvectors, eigenvalues=modes.eigenvalues)
    np.testing.assert_allclose(plain.shear, lu.per_direction, rtol=1e-9)
    np.testing.assert_allclose(deflated.shear, lu.per_direction, rtol=1e-8)
    assert deflated.cg_iterations < plain.cg_iterations  # the deflated modes were the slow ones


def test_glass_moduli_match_finite_differences_of_strained_and_reminimised_energy(glass3d) -> None:  # noqa: ANN001
    config, pot = glass3d
    d, volume = 3, config.box_length**3
    m = elastic_moduli(config, pot)
    pairs = interacting_pairs(config, pot)
    for k, (a, b) in enumerate(shear_directions(d)):
        np.testing.assert_allclose(
            m.shear[k], second_derivative(config, pot, pairs, EPS, strain_matrix(d, a, b), True), rtol=FD_RTOL
        )
    for a in range(d):
        s = strain_matrix(d, a, a)
        np.testing.assert_allclose(
            m.longitudinal_born[a], second_derivative(config, pot, pairs, EPS, s, False), rtol=FD_RTOL
        )
        np.testing.assert_allclose(m.longitudinal[a], second_derivative(config, pot, pairs, EPS, s, True), rtol=FD_RTOL)
    # bulk: K = -V dp/dV from the virial pressure of the dilated and re-minimised configurations
    pressures = []
    for eps in (-EPS, EPS):
        p = relaxed_pairs(config, pot, pairs, eps, np.eye(d), True)
        pressures.append(-np.sum(p.distance * p.dphi) / (d * volume * (1 + eps) ** d))
    volumes = [volume * (1 - EPS) ** d, volume * (1 + EPS) ** d]
    k_fd = -volume * (pressures[1] - pressures[0]) / (volumes[1] - volumes[0])
    np.testing.assert_allclose(m.bulk, k_fd, rtol=FD_RTOL)
    np.testing.assert_allclose(m.pressure, -np.sum(pairs.distance * pairs.dphi) / (d * volume), rtol=1e-12)
    # the non-affine relaxation softens the shear and longitudinal moduli of a glass by a real amount; a
    # dilation puts almost no non-affine force on a nearly isotropic packing (0.1 % here), but never a negative one
    assert np.all(m.longitudinal < 0.9 * m.longitudinal_born) and m.bulk <= m.bulk_born


def test_born_longitudinal_modulus_fails_the_relaxed_finite_difference(glass3d) -> None:  # noqa: ANN001
    # built to fail: the affine longitudinal modulus is not the relaxed one of a glass
    config, pot = glass3d
    m = elastic_moduli(config, pot)
    relaxed = second_derivative(config, pot, interacting_pairs(config, pot), EPS, strain_matrix(3, 0, 0), True)
    assert abs(m.longitudinal_born[0] - relaxed) > 100 * FD_RTOL * relaxed


def test_longitudinal_speed_converges_to_the_exact_crystal_phonon() -> None:
    # ω² = k² M/ρ + O(k⁴): the relative error of c_L 2π/L falls as 1/L² (module docstring of moduli)
    pot = soft_sphere_potential(2)
    errors = []
    for n in (4, 8):
        c = fcc_crystal(n)
        m = elastic_moduli(c, pot)
        omega = np.sqrt(m.longitudinal[0] / c.density) * 2 * np.pi / c.box_length
        errors.append(abs(omega / crystal_wave_omega(c, pot, 0, 0) - 1.0))
    assert errors[1] < 0.02
    np.testing.assert_allclose(errors[0] / errors[1], 4.0, rtol=0.15)


def test_cubic_crystal_moduli_are_symmetric_and_isotropic_identity_holds_to_pressure_order() -> None:
    m = elastic_moduli(fcc_crystal(4), soft_sphere_potential(2))
    np.testing.assert_allclose(m.shear, m.shear[0], rtol=1e-10)
    np.testing.assert_allclose(m.longitudinal, m.longitudinal[0], rtol=1e-10)
    assert m.bulk > 0 and m.pressure > 0


def test_deflated_forms_known_answer_and_errors() -> None:
    n = 12
    ring = scipy.sparse.diags([-np.ones(n - 1), 2 * np.ones(n), -np.ones(n - 1)], [-1, 0, 1]).tolil()
    ring[0, n - 1] = ring[n - 1, 0] = -1.0
    h = ring.tocsr()
    ex = np.full((n, 1), n**-0.5)
    rng = np.random.default_rng(0)
    b = rng.standard_normal((n, 3))
    b -= ex @ (ex.T @ b)
    dense = np.linalg.pinv(h.toarray())
    forms, _ = deflated_inverse_forms(h, b, ex)
    np.testing.assert_allclose(forms, np.einsum("ij,ik,kj->j", b, dense, b), rtol=1e-9)
    lam, vec = np.linalg.eigh(h.toarray())
    forms2, _ = deflated_inverse_forms(h, b, ex, vec[:, 1:4], lam[1:4])
    np.testing.assert_allclose(forms2, forms, rtol=1e-9)
    with pytest.raises(ValueError, match="positive eigenvalues"):
        deflated_inverse_forms(h, b, ex, vec[:, 1:4], -lam[1:4])
    # two disconnected rings: their relative translation is a zero mode that is not excluded
    two = scipy.sparse.block_diag([h, h]).tocsr()
    ex2 = np.full((2 * n, 1), (2 * n) ** -0.5)
    b2 = rng.standard_normal((2 * n, 1))
    b2 -= ex2 @ (ex2.T @ b2)
    with pytest.raises(RuntimeError, match="zero curvature.*Fix"):
        deflated_inverse_forms(two, b2, ex2, max_iterations=200)
