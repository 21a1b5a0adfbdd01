"""Shear modulus of an inherent structure: affine (Born) part minus the non-affine relaxation.

Shear a periodic configuration of pair-potential particles affinely by the
simple shear F = 1 + γ e_α e_βᵀ (r^α → r^α + γ r^β, box included,
Lees–Edwards), then let the particles relax.  To second order in γ the
energy of the relaxed configuration is E₀ + ½ V G_αβ γ² with

    V G_αβ = B_αβ − Ξ_αβᵀ H⁺ Ξ_αβ                      (1)

- the affine (Born) term B_αβ = ∂²E/∂γ² at fixed fractional coordinates: with
  Δ = r_j − r_i, r = |Δ|, dr/dγ = Δ_αΔ_β/r and d²r/dγ² = Δ_β²/r − (Δ_αΔ_β)²/r³,

      B_αβ = Σ_pairs (φ″ − φ′/r) (Δ_αΔ_β)²/r² + (φ′/r) Δ_β²;

- the mixed derivative Ξ_αβ,i = ∂²E/∂r_i∂γ = Σ_j ∓ K_ij Δ_β e_α (K the pair's
  force-constant block of :func:`vdosbench.generators.glasses.hessian.force_constant_blocks`,
  + for the pair's j, − for its i): the force that the affine shear puts on
  each particle, which the particles relax by u = −H⁺ Ξ γ;
- H the Hessian (unit masses: the dynamical matrix of the datasets).  H has
  the d uniform translations as zero modes; Ξ sums to zero over particles
  (each pair adds ± the same vector), so it is orthogonal to them and
  H⁺ Ξ is the solution of H x = Ξ orthogonal to the translations.  It is
  computed by a sparse LU solve with particle 0 pinned (its d rows and
  columns removed): the pinned solution differs from H⁺ Ξ by a translation,
  to which Ξ is blind, so Ξᵀ x is the same — no dense inverse, no
  eigenvectors.

G_αβ is the coefficient of the long-wavelength transverse wave with
polarisation e_α and wave vector along e_β: inserting u_i = e_α exp(i k r_i^β)
into ½ uᵀ H u gives, as k → 0, k² B_αβ before relaxation (the same sum), and
the relaxation at long wavelength is the one of the homogeneous shear.  So
c_T,αβ = √(G_αβ/ρ) (ρ = N/V, unit masses) and the lowest transverse phonon
of a periodic box of edge L is ω₀ = c_T 2π/L.  Because the derivative is
taken with respect to the displacement gradient (not the symmetric strain),
B_αβ includes the pre-stress term Σ (φ′/r) Δ_β² (G_αβ = C_αβαβ + σ_ββ with
σ the Cauchy stress): it is the modulus that the dynamical matrix, hence
the phonons, sees.  An isotropic glass has one G; a finite sample is not
exactly isotropic, so :func:`shear_modulus` returns all d(d − 1)
(polarisation, direction) pairs and their mean, which averages the lowest
shell over its directions and polarisations.

This lives in ``generators`` because it needs the potential and the Hessian
(:mod:`vdosbench.generators.glasses.hessian`), and validators never import
generators: a dataset that stores the per-sample ``shear_modulus`` is read by
:func:`vdosbench.validators.lowest_phonon_frequency`, and the benchmark layer
(:mod:`vdosbench.benchmark.elastic`) computes it for datasets that store only
positions, diameters, box and taper.

References
----------
Seed 001 (``001_d453c975fd50a4a2.txt``), Results: "the lowest phonon
resonance at ω₀ ≈ 1.5"; D. R. Squire, A. C. Holt and W. G. Hoover, Physica
42, 388 (1969); J. F. Lutsko, J. Appl. Phys. 65, 2991 (1989) (the
affine + non-affine decomposition).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse.linalg

from .configurations import Configuration
from .hessian import InteractingPairs, force_constant_blocks, hessian_matrix, interacting_pairs
from .potentials import PairPotential

__all__ = ["ShearModulus", "affine_shear_terms", "affine_strain_terms", "shear_directions", "shear_modulus"]


def shear_directions(dimension: int) -> list[tuple[int, int]]:
    """The d(d − 1) simple shears (α, β), α ≠ β: displacement along e_α, gradient along e_β.

    Examples
    --------
    >>> shear_directions(2)
    [(0, 1), (1, 0)]
    """
    return [(a, b) for a in range(dimension) for b in range(dimension) if a != b]


def affine_shear_terms(pairs: InteractingPairs, alpha: int, beta: int) -> tuple[float, np.ndarray]:
    """Born term B_αβ and mixed derivative Ξ_αβ of the simple shear r^α → r^α + γ r^β (module eq. 1).

    Parameters
    ----------
    pairs
        The interacting pairs of the configuration (:func:`~vdosbench.generators.glasses.hessian.interacting_pairs`).
    alpha, beta
        Displacement and gradient directions (α ≠ β).

    Returns
    -------
    born : float
        B_αβ = ∂²E/∂γ² of the affine shear (units ε).
    xi : numpy.ndarray
        Shape (N, d): Ξ_i = ∂²E/∂r_i∂γ (units ε/length); sums to zero over i.

    Examples
    --------
    >>> from vdosbench.generators.glasses.configurations import fcc_crystal
    >>> from vdosbench.generators.glasses.potentials import soft_sphere_potential
    >>> c = fcc_crystal(3)
    >>> born, xi = affine_shear_terms(interacting_pairs(c, soft_sphere_potential(2)), 0, 1)
    >>> bool(born > 0), float(np.abs(xi).max()) < 1e-10   # every fcc site is a centre of inversion
    (True, True)
    """
    if alpha == beta:
        raise ValueError(f"a simple shear needs alpha != beta; found alpha = beta = {alpha}")
    d = pairs.separation.shape[1]
    strain = np.zeros((d, d))
    strain[alpha, beta] = 1.0
    return affine_strain_terms(pairs, strain)


def affine_strain_terms(pairs: InteractingPairs, strain: np.ndarray) -> tuple[float, np.ndarray]:
    """Born term and mixed derivative of the affine deformation r → (1 + ε S) r (box included).

    With Δ = r_j − r_i, dΔ/dε = SΔ, so dr/dε = Δ·SΔ/r and
    d²r/dε² = |SΔ|²/r − (Δ·SΔ)²/r³, and

        B = ∂²E/∂ε² = Σ_pairs (φ″ − φ′/r) (Δ·SΔ)²/r² + (φ′/r) |SΔ|²,
        Ξ_i = ∂²E/∂r_i∂ε = Σ_j ± K_ij SΔ_ij       (+ for the pair's j, − for its i).

    S = e_α e_βᵀ (α ≠ β) is the simple shear of :func:`affine_shear_terms`,
    S = e_α e_αᵀ the uniaxial strain of a longitudinal wave along e_α, and S = 1
    the isotropic dilation.

    Parameters
    ----------
    pairs
        The interacting pairs of the configuration.
    strain
        Shape (d, d): the deformation direction S.

    Returns
    -------
    born : float
        B (units ε).
    xi : numpy.ndarray
        Shape (N, d): Ξ (units ε/length); sums to zero over i.

    Examples
    --------
    >>> from vdosbench.generators.glasses.configurations import fcc_crystal
    >>> from vdosbench.generators.glasses.potentials import soft_sphere_potential
    >>> p = interacting_pairs(fcc_crystal(3), soft_sphere_potential(2))
    >>> born, xi = affine_strain_terms(p, np.eye(3))    # dilation: B = Σ φ″ r²
    >>> bool(np.isclose(born, np.sum(p.d2phi * p.distance**2))), float(np.abs(xi).max()) < 1e-10
    (True, True)
    """
    n, d = pairs.n_particles, pairs.separation.shape[1]
    s = np.asarray(strain, dtype=np.float64)
    if s.shape != (d, d):
        raise ValueError(f"strain must have shape ({d}, {d}) for these {d}-dimensional pairs, found {s.shape}")
    sep, r = pairs.separation, pairs.distance
    s_sep = sep @ s.T  # SΔ for each pair
    proj = np.einsum("pa,pa->p", sep, s_sep)  # Δ·SΔ
    born = float(
        np.sum(
            (pairs.d2phi - pairs.dphi / r) * (proj / r) ** 2 + (pairs.dphi / r) * np.einsum("pa,pa->p", s_sep, s_sep)
        )
    )
    k = force_constant_blocks(sep, pairs.dphi, pairs.d2phi) if pairs.count else np.zeros((0, d, d))
    v = np.einsum("pab,pb->pa", k, s_sep)  # the change of the pair force per unit ε
    xi = np.zeros((n, d))
    for c in range(d):
        xi[:, c] = np.bincount(pairs.j, v[:, c], minlength=n) - np.bincount(pairs.i, v[:, c], minlength=n)
    return born, xi


@dataclass(frozen=True)
class ShearModulus:
    """Shear modulus of one configuration (module docstring).

    Attributes
    ----------
    directions
        The (α, β) pairs of :func:`shear_directions`.
    born, nonaffine
        Shape (d(d−1),): B_αβ/V and Ξᵀ H⁺ Ξ/V (units ε/length^d).
    volume, density
        V = L^d and ρ = N/V.
    """

    directions: tuple[tuple[int, int], ...]
    born: np.ndarray
    nonaffine: np.ndarray
    volume: float
    density: float

    @property
    def per_direction(self) -> np.ndarray:
        """G_αβ = (B_αβ − Ξᵀ H⁺ Ξ)/V for each (α, β)."""
        return self.born - self.nonaffine

    @property
    def value(self) -> float:
        """G: the mean of G_αβ over the d(d − 1) simple shears."""
        return float(np.mean(self.per_direction))

    @property
    def transverse_sound_speed(self) -> float:
        """c_T = √(G/ρ) with unit masses."""
        return float(np.sqrt(self.value / self.density))


def _pinned_solver(hessian: scipy.sparse.csr_matrix, dimension: int):
    """A sparse LU of H with particle 0's d rows and columns removed (module docstring)."""
    reduced = hessian[dimension:, dimension:].tocsc()
    try:
        return scipy.sparse.linalg.splu(reduced)
    except RuntimeError as e:  # exactly singular beyond the translations: rattlers or a floppy network
        raise ValueError(
            f"the Hessian with one particle pinned is singular ({e}); expected an inherent structure whose only "
            "zero modes are the d translations. Fix: remove rattlers (particles without interacting neighbours) "
            "or quench the configuration to a mechanically stable minimum"
        ) from e


def shear_modulus(
    config: Configuration, potential: PairPotential, pairs: InteractingPairs | None = None
) -> ShearModulus:
    """Affine minus non-affine shear modulus of an inherent structure (module eq. 1), unit masses.

    Parameters
    ----------
    config
        An inherent structure (forces ≈ 0; the formula is the second derivative at a minimum).
    potential
        Its pair potential.
    pairs
        Pairs already found by :func:`~vdosbench.generators.glasses.hessian.interacting_pairs`.

    Returns
    -------
    ShearModulus
        Born and non-affine parts for each of the d(d − 1) simple shears.

    Examples
    --------
    >>> from vdosbench.generators.glasses.configurations import fcc_crystal
    >>> from vdosbench.generators.glasses.potentials import soft_sphere_potential
    >>> g = shear_modulus(fcc_crystal(3), soft_sphere_potential(2))
    >>> float(np.abs(g.nonaffine).max()) < 1e-12, bool(g.value > 0)
    (True, True)
    """
    p = pairs if pairs is not None else interacting_pairs(config, potential)
    d = config.dimension
    directions = tuple(shear_directions(d))
    terms = [affine_shear_terms(p, a, b) for a, b in directions]
    born = np.array([t[0] for t in terms])
    rhs = np.stack([t[1].ravel()[d:] for t in terms], axis=1)  # particle 0 pinned
    solve = _pinned_solver(hessian_matrix(config, potential, pairs=p), d)
    x = solve.solve(rhs)
    nonaffine = np.einsum("ik,ik->k", rhs, x)
    volume = config.box_length**d
    return ShearModulus(directions, born / volume, nonaffine / volume, volume, config.density)
