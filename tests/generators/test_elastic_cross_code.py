"""Elastic constants across codes (issue 27, item 3): vdosbench's shear modulus against matscipy and ASE.

The glass: N = 128 seed-001 soft spheres (d = 3, number density 1, P(a) ~ a^-3, taper m = 2, r_c = 1.955)
from random positions, quenched by vdosbench to max |F| < 1e-10.  On that one configuration:

1. **vdosbench**: G_ab = (B_ab - Xi_ab^T H^+ Xi_ab)/V per simple shear r^a -> r^a + gamma r^b
   (:func:`vdosbench.generators.glasses.elastic.shear_modulus`: a derivative with respect to the displacement
   gradient, pre-stress included).
2. **matscipy** (``matscipy.calculators.pair_potential.PairPotential`` with the seed-001 potential written
   here from its formula, the per-atom diameters passed as matscipy's per-atom "charge" q_i so that
   a_ij = (q_i + q_j)/2): Born constants ``get_born_elastic_constants`` (second derivative with respect to
   the Green-Lagrange strain, i.e. the displacement-gradient one minus sigma_bd delta_ac) and the non-affine
   part ``matscipy.elasticity.nonaffine_elastic_contribution`` (its own Hessian, conjugate gradients).  With
   the displacement-gradient measure, matscipy's numbers give G_ab = C^Born_abab + sigma_bb + C^na_abab
   (the non-affine part is the same for either strain measure at a force-free state, where the
   antisymmetric part of Xi vanishes: sum_j phi' n_ij x omega = omega x F_i = 0).
3. **ASE, finite strain**: an ASE calculator (energy, forces and virial stress of the same pair potential,
   pairs from matscipy's neighbour list); ASE applies the simple shear to the cell (``set_cell(...,
   scale_atoms=True)``), ASE's L-BFGS relaxes the particles at gamma = -h, 0, +h, and
   G_ab = [E(h) + E(-h) - 2 E(0)] / (h^2 V) (energy route) and [sigma_ab(h) - sigma_ab(-h)] / 2h (stress route:
   for a simple shear the first Piola-Kirchhoff P_ab equals the Cauchy sigma_ab, and dE/dgamma = V P_ab).

Measured (one core, 23 Nov 2026; this glass): matscipy against vdosbench, Born parts within 2e-15, non-affine
parts within 6e-13, G within 1.2e-12 (CG residual 1e-12); ASE finite strain at h = 1e-4 within 6e-6 (energy
route) and 1.3e-5 (stress route), limited by the relaxation (L-BFGS to max |F| < 1e-9) and the O(h^2) of the
differences.  The tolerances below are set from these numbers, an order of magnitude above them; the
built-to-fail checks show that the affine (Born) modulus alone is off by far more than either.

The bulk modulus is computed on the matscipy side (K = (1/9) sum_ij B_iijj of the Birch coefficients plus the
non-affine part) and the ASE side (K = -V dP/dV from isotropic strains +-h, relaxed), and the two are checked
against each other (measured: K = 30.625 from matscipy, 30.62498 from ASE, relative difference 5e-7; G = 4.26);
vdosbench's own bulk modulus (:func:`vdosbench.generators.glasses.moduli.elastic_moduli`, affine minus
non-affine of the isotropic dilation plus the pressure term) is compared with both.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from vdosbench.generators import Configuration, polydisperse_configuration
from vdosbench.generators.glasses.elastic import shear_directions, shear_modulus
from vdosbench.generators import quench
from vdosbench.generators import soft_sphere_potential

ase = pytest.importorskip("ase", reason="the ASE check needs the optional extra vdosbench[ase]")
pair_potential = pytest.importorskip(
    "matscipy.calculators.pair_potential", reason="the matscipy check needs the optional extra vdosbench[matscipy]"
)
from third_party_calculators import PairCalculator  # noqa: E402  (after the skips: it imports ASE and matscipy)

#: The seed-001 potential of the glass: taper order m, exponent n, cutoff r_c (every pair).
TAPER, EXPONENT, R_CUT = 2, 12, 1.955
#: matscipy's Born and non-affine parts against ours (measured 6e-13: CG residual 1e-12 and rounding).
MATSCIPY_RTOL = 1e-9
#: ASE finite strain against ours (measured 1.3e-5 at h = 1e-4, relaxation to max |F| < 1e-9).
FINITE_STRAIN_RTOL = 2e-4
#: Strain step of the finite differences and the force tolerance of ASE's L-BFGS.
STRAIN_STEP, FMAX = 1e-4, 1e-9
#: The shears checked by finite strain (one per pair of axes; matscipy checks all six).
FINITE_STRAIN_SHEARS = ((0, 1), (1, 2), (2, 0))


class SeedSoftSphere(pair_potential.calculator.CutoffInteraction):
    """phi(r) = [(a/r)^n - (a/r_c)^n] (1 - (r/r_c)^2)^m, a = (q_i + q_j)/2 (seed 001 eqs. 14, 16), for matscipy.

    Written from the formula, not from vdosbench's kernels: phi = U T with U' = -n a^n / r^(n+1),
    U'' = n (n + 1) a^n / r^(n+2), T' = -2m x (1 - x^2)^(m-1) / r_c, T'' = [-2m (1 - x^2)^(m-1)
    + 4m (m - 1) x^2 (1 - x^2)^(m-2)] / r_c^2, x = r / r_c.
    """

    def __init__(self) -> None:
        super().__init__(R_CUT)

    @staticmethod
    def _parts(r: np.ndarray, qi: np.ndarray, qj: np.ndarray) -> tuple[np.ndarray, ...]:
        a, x, n, m = 0.5 * (qi + qj), r / R_CUT, EXPONENT, TAPER
        u = (a / r) ** n - (a / R_CUT) ** n
        du, ddu = -n * (a / r) ** n / r, n * (n + 1) * (a / r) ** n / r**2
        t = (1 - x * x) ** m
        dt = -2 * m * x * (1 - x * x) ** (m - 1) / R_CUT
        ddt = (-2 * m * (1 - x * x) ** (m - 1) + 4 * m * (m - 1) * x * x * (1 - x * x) ** (m - 2)) / R_CUT**2
        return u, du, ddu, t, dt, ddt

    def __call__(self, r: np.ndarray, qi: np.ndarray, qj: np.ndarray) -> np.ndarray:
        u, _, _, t, _, _ = self._parts(r, qi, qj)
        return u * t

    def first_derivative(self, r: np.ndarray, qi: np.ndarray, qj: np.ndarray) -> np.ndarray:
        u, du, _, t, dt, _ = self._parts(r, qi, qj)
        return du * t + u * dt

    def second_derivative(self, r: np.ndarray, qi: np.ndarray, qj: np.ndarray) -> np.ndarray:
        u, du, ddu, t, dt, ddt = self._parts(r, qi, qj)
        return ddu * t + 2 * du * dt + u * ddt


@pytest.fixture(scope="module")
def glass() -> Configuration:
    """The N = 128 soft-sphere inherent structure (module docstring)."""
    result = quench(polydisperse_configuration(128, 3, np.random.default_rng(27)), soft_sphere_potential(TAPER))
    assert result.converged and result.max_force < 1e-10
    return result.config


def _atoms(config: Configuration, calculator: Any) -> Any:
    atoms = ase.Atoms(
        "H" * config.n_particles, positions=config.positions, cell=np.eye(3) * config.box_length, pbc=True
    )
    atoms.arrays["diameter"] = config.sizes.copy()
    atoms.set_array("charge", config.sizes.copy())  # matscipy hands q_i, q_j to the pair function
    atoms.calc = calculator
    return atoms


def _matscipy_constants(config: Configuration) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Born (Green-Lagrange) constants, non-affine contribution (both (3, 3, 3, 3), /V) and the stress (3, 3)."""
    from matscipy.calculators.pair_potential import PairPotential
    from matscipy.elasticity import Voigt_6_to_full_3x3_stress, nonaffine_elastic_contribution

    atoms = _atoms(config, PairPotential({(1, 1): SeedSoftSphere()}))
    assert np.max(np.abs(atoms.get_forces())) < 1e-9  # matscipy's own forces vanish: the same minimum
    born = atoms.calc.get_born_elastic_constants(atoms)
    stress = Voigt_6_to_full_3x3_stress(atoms.get_stress())
    cg = {"x0": None, "rtol": 1e-12, "atol": 1e-14, "maxiter": None, "M": None, "callback": None}
    nonaffine = nonaffine_elastic_contribution(atoms, cg_parameters=cg)
    return born, nonaffine, stress


def test_matscipy_born_and_nonaffine_parts_equal_ours(glass: Configuration) -> None:
    ours = shear_modulus(glass, soft_sphere_potential(TAPER))
    born, nonaffine, stress = _matscipy_constants(glass)
    for k, (a, b) in enumerate(shear_directions(3)):
        np.testing.assert_allclose(born[a, b, a, b] + stress[b, b], ours.born[k], rtol=MATSCIPY_RTOL)
        np.testing.assert_allclose(-nonaffine[a, b, a, b], ours.nonaffine[k], rtol=MATSCIPY_RTOL)
        g = born[a, b, a, b] + stress[b, b] + nonaffine[a, b, a, b]
        np.testing.assert_allclose(g, ours.per_direction[k], rtol=MATSCIPY_RTOL)
        # built to fail: the affine modulus alone is more than twice the relaxed one on this glass
        assert ours.born[k] > 2 * ours.per_direction[k]


def _relaxed(reference: Any, deformation: np.ndarray) -> Any:
    """A copy of ``reference`` with its cell deformed (particles carried affinely), relaxed by ASE's L-BFGS."""
    from ase.optimize import LBFGS

    atoms = reference.copy()
    atoms.arrays["diameter"] = reference.arrays["diameter"].copy()
    atoms.set_cell(reference.cell.array @ deformation.T, scale_atoms=True)
    atoms.calc = PairCalculator(soft_sphere_potential(TAPER))
    optimizer = LBFGS(atoms, logfile=None)
    assert optimizer.run(fmax=FMAX, steps=2000), "ASE L-BFGS did not reach max |F| < FMAX"
    return atoms


@pytest.fixture(scope="module")
def finite_strain(glass: Configuration) -> dict[tuple[int, int], dict[int, tuple[float, np.ndarray]]]:
    """Energy and stress of the glass relaxed at simple shear -h, 0, +h (the ``FINITE_STRAIN_SHEARS``)."""
    reference = _atoms(glass, PairCalculator(soft_sphere_potential(TAPER)))
    unstrained = _relaxed(reference, np.eye(3))
    out: dict[tuple[int, int], dict[int, tuple[float, np.ndarray]]] = {}
    for a, b in FINITE_STRAIN_SHEARS:
        out[(a, b)] = {0: (unstrained.get_potential_energy(), unstrained.get_stress(voigt=False))}
        for sign in (-1, 1):
            deformation = np.eye(3)
            deformation[a, b] = sign * STRAIN_STEP
            relaxed = _relaxed(reference, deformation)
            out[(a, b)][sign] = (relaxed.get_potential_energy(), relaxed.get_stress(voigt=False))
    return out


def test_ase_finite_strain_shear_modulus_equals_ours(glass: Configuration, finite_strain: dict) -> None:
    ours = shear_modulus(glass, soft_sphere_potential(TAPER))
    volume, h = glass.box_length**3, STRAIN_STEP
    for (a, b), by_sign in finite_strain.items():
        k = shear_directions(3).index((a, b))
        energy_route = (by_sign[1][0] + by_sign[-1][0] - 2 * by_sign[0][0]) / (h * h * volume)
        stress_route = (by_sign[1][1][a, b] - by_sign[-1][1][a, b]) / (2 * h)
        np.testing.assert_allclose(energy_route, ours.per_direction[k], rtol=FINITE_STRAIN_RTOL)
        np.testing.assert_allclose(stress_route, ours.per_direction[k], rtol=FINITE_STRAIN_RTOL)
        # built to fail: the unrelaxed (affine) modulus is far outside the tolerance
        assert abs(ours.born[k] / energy_route - 1) > 100 * FINITE_STRAIN_RTOL


def third_party_bulk_modulus(config: Configuration) -> dict[str, float]:
    """K of ``config`` from matscipy (Birch + non-affine, (1/9) sum_ij C_iijj) and from ASE finite strain
    (K = -V dP/dV, isotropic strain +-h relaxed), for comparison with a vdosbench bulk modulus."""
    from matscipy.calculators.pair_potential import PairPotential
    from matscipy.elasticity import nonaffine_elastic_contribution

    atoms = _atoms(config, PairPotential({(1, 1): SeedSoftSphere()}))
    cg = {"x0": None, "rtol": 1e-12, "atol": 1e-14, "maxiter": None, "M": None, "callback": None}
    birch = atoms.calc.get_birch_coefficients(atoms) + nonaffine_elastic_contribution(atoms, cg_parameters=cg)
    k_matscipy = float(np.einsum("iijj->", birch) / 9)
    reference = _atoms(config, PairCalculator(soft_sphere_potential(TAPER)))
    pressure = {}
    for sign in (-1, 1):
        relaxed = _relaxed(reference, (1 + sign * STRAIN_STEP) * np.eye(3))
        pressure[sign] = -np.trace(relaxed.get_stress(voigt=False)) / 3
    volume_ratio = (1 + STRAIN_STEP) ** 3 - (1 - STRAIN_STEP) ** 3  # (V+ - V-) / V
    k_ase = float(-(pressure[1] - pressure[-1]) / volume_ratio)
    return {"matscipy": k_matscipy, "ase_finite_strain": k_ase}


def test_bulk_modulus_of_matscipy_ase_and_vdosbench_agree(glass: Configuration) -> None:
    """Two independent third-party routes to K agree with each other and with vdosbench's deflated-CG bulk modulus."""
    from vdosbench.generators import elastic_moduli

    k = third_party_bulk_modulus(glass)
    assert k["matscipy"] > 0
    np.testing.assert_allclose(k["ase_finite_strain"], k["matscipy"], rtol=FINITE_STRAIN_RTOL)
    ours = elastic_moduli(glass, soft_sphere_potential(TAPER))
    np.testing.assert_allclose(ours.bulk, k["matscipy"], rtol=1e-9)
    np.testing.assert_allclose(ours.bulk, k["ase_finite_strain"], rtol=FINITE_STRAIN_RTOL)
    # built to fail: the shear modulus is not the bulk modulus of this glass (K/G of soft spheres is large)
    g = shear_modulus(glass, soft_sphere_potential(TAPER)).value
    assert k["matscipy"] > 2 * g
