"""Shear, longitudinal and bulk moduli of a large inherent structure from one deflated solve.

:func:`vdosbench.generators.glasses.elastic.shear_modulus` needs Ξᵀ H⁺ Ξ and
gets it from a sparse LU of the pinned Hessian; the factor fills in like
n^(4/3)…n² for a three-dimensional glass (100 s at N = 8000 on one core), so
at N ≥ 4000 it costs more than everything else in a sample.  Here the same
quadratic forms come from conjugate gradients on H, **deflated** by modes
already known exactly:

    Ξᵀ H⁺ Ξ = Σ_k (v_kᵀ Ξ)²/λ_k + Ξ′ᵀ x,   H x = Ξ′,   Ξ′ = P Ξ,

with v_k the lowest modes (computed anyway for the spectrum), P the
projector onto the complement of those modes and of the d translations, and
x found by Jacobi-preconditioned CG inside that complement (H maps it onto
itself because the v_k are eigenvectors).  Deflating the lowest modes
divides the condition number by λ_(k+1)/λ_1, so CG converges in a few
hundred products with H; all right-hand sides share each product.

Affine deformations (:func:`~vdosbench.generators.glasses.elastic.affine_strain_terms`, r → (1 + εS) r):

- the d(d − 1) simple shears S = e_α e_βᵀ give G_αβ (as in
  :mod:`~vdosbench.generators.glasses.elastic`: the modulus the transverse
  waves see; G = their mean);
- the d uniaxial strains S = e_α e_αᵀ give the longitudinal wave modulus
  M_α = ∂²E/∂ε²/V (relaxed), M = their mean, c_L = √(M/ρ): inserting a
  longitudinal wave u_i = e_α exp(i k r_i^α) into ½ uᵀ H u gives k² times
  the same affine sum, as for the shear;
- the isotropic dilation S = 1 gives the bulk modulus
  K = −V dp/dV = (∂²E/∂ε²)/(d² V) + p (d − 1)/d (relaxed; V = V₀(1 + ε)^d,
  p = −Σ r φ′/(d V) the virial pressure at T = 0).

For an isotropic stress-free solid M = K + 2(d − 1)G/d (K + 4G/3 in 3D); at
pressure p the wave moduli differ from the thermodynamic ones by terms of
order p, which is why M is measured directly rather than built from K and G.

References
----------
J. F. Lutsko, J. Appl. Phys. 65, 2991 (1989) (affine + non-affine moduli);
Y. Saad, M. Yeung, J. Erhel and F. Guyomarc'h, SIAM J. Sci. Comput. 21, 1909
(2000) (deflated conjugate gradients); E. Lerner, "Enumerating
low-frequency nonphononic vibrations in computer glasses", arXiv 2404.12735
(c_T and c_L of each sample from its own moduli).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse

from ..spectra import translation_modes
from .configurations import Configuration
from .elastic import affine_strain_terms, shear_directions
from .hessian import InteractingPairs, hessian_matrix, interacting_pairs
from .potentials import PairPotential

__all__ = ["ElasticModuli", "deflated_inverse_forms", "elastic_moduli"]


@dataclass(frozen=True)
class ElasticModuli:
    """The moduli of one configuration (module docstring); every modulus in units ε/length^d.

    Attributes
    ----------
    shear, longitudinal
        Shape (d(d−1),) and (d,): G_αβ and M_α (affine minus non-affine).
    bulk
        K (isotropic dilation, relaxed, with the pressure term).
    shear_born, longitudinal_born, bulk_born
        The affine (Born) parts alone (the bulk's with its pressure term).
    pressure
        Virial pressure p at T = 0.
    density
        ρ = N/V.
    cg_iterations
        Conjugate-gradient iterations of the solve.
    """

    shear: np.ndarray
    longitudinal: np.ndarray
    bulk: float
    shear_born: np.ndarray
    longitudinal_born: np.ndarray
    bulk_born: float
    pressure: float
    density: float
    cg_iterations: int

    @property
    def shear_modulus(self) -> float:
        """G, the mean of G_αβ."""
        return float(np.mean(self.shear))

    @property
    def longitudinal_modulus(self) -> float:
        """M, the mean of M_α."""
        return float(np.mean(self.longitudinal))

    @property
    def transverse_sound_speed(self) -> float:
        """c_T = √(G/ρ) (unit masses)."""
        return float(np.sqrt(self.shear_modulus / self.density))

    @property
    def longitudinal_sound_speed(self) -> float:
        """c_L = √(M/ρ) (unit masses)."""
        return float(np.sqrt(self.longitudinal_modulus / self.density))


def _projected_cg(
    h: scipy.sparse.csr_matrix,
    b: np.ndarray,
    project: Callable[[np.ndarray], np.ndarray],
    scale: np.ndarray,
    tol: float,
    max_iterations: int,
) -> tuple[np.ndarray, int]:
    """Jacobi-preconditioned CG for H x = P b in the projected space, every column at once, and its iterations."""
    inv_diag = 1.0 / h.diagonal()
    gershgorin = float(abs(h).sum(axis=1).max())  # ≥ λ_max
    r = project(b)
    z = project(inv_diag[:, None] * r)
    p = z.copy()
    x = np.zeros_like(r)
    rz = np.einsum("ij,ij->j", r, z)
    target = tol * np.maximum(scale, 1e-300)
    it = 0
    while np.any(np.linalg.norm(r, axis=0) > target):
        if it >= max_iterations:
            raise RuntimeError(
                f"CG did not reach ‖r‖ ≤ {tol:g} ‖b‖ in {max_iterations} iterations (residuals "
                f"{np.linalg.norm(r, axis=0) / np.maximum(scale, 1e-300)}); expected H positive definite outside the "
                "excluded translations. Fix: quench to a mechanically stable minimum, remove rattlers"
            )
        hp = project(h @ p)
        php = np.einsum("ij,ij->j", p, hp)
        pp = np.einsum("ij,ij->j", p, p)
        if np.any((pp > 0) & (php <= 1e-12 * gershgorin * pp)):
            raise RuntimeError(
                "CG met a direction of zero curvature: H is singular beyond the excluded translations (a Rayleigh "
                f"quotient below 1e-12 x {gershgorin:.3g}); expected a mechanically stable inherent structure. "
                "Fix: quench to a stable minimum, remove rattlers"
            )
        alpha = np.where(php > 0, rz / np.where(php > 0, php, 1.0), 0.0)
        x += alpha * p
        r -= alpha * hp
        z = project(inv_diag[:, None] * r)
        rz_new = np.einsum("ij,ij->j", r, z)
        beta = np.where(rz > 0, rz_new / np.where(rz > 0, rz, 1.0), 0.0)
        p = z + beta * p
        rz = rz_new
        it += 1
    return x, it


def deflated_inverse_forms(
    hessian: scipy.sparse.spmatrix,
    rhs: np.ndarray,
    exclude: np.ndarray,
    modes: np.ndarray | None = None,
    eigenvalues: np.ndarray | None = None,
    tol: float = 1e-10,
    max_iterations: int = 20_000,
) -> tuple[np.ndarray, int]:
    """bᵀ H⁺ b for each column b of ``rhs`` by deflated, Jacobi-preconditioned block CG.

    Parameters
    ----------
    hessian
        Symmetric positive semi-definite sparse H, shape (n, n), whose null space is spanned by ``exclude``.
    rhs
        Shape (n, m): right-hand sides; their component along ``exclude`` (rounding, for forces that sum
        to zero as Ξ does) is discarded.
    exclude
        Shape (n, p), orthonormal: the null space (the d translations).
    modes, eigenvalues
        Shape (n, k) and (k,): exact eigenpairs of H outside ``exclude`` to deflate (orthonormal columns,
        λ > 0); ``None`` deflates none.
    tol
        Stop when every column's residual ‖r‖ ≤ tol · ‖b‖.
    max_iterations
        Refuse to run longer (then ``RuntimeError``).

    Returns
    -------
    forms : numpy.ndarray
        Shape (m,), bᵀ H⁺ b.
    iterations : int
        CG iterations.

    Raises
    ------
    ValueError
        If the deflated eigenvalues do not match the modes or are not positive.
    RuntimeError
        If CG meets a direction of zero curvature or has not converged after ``max_iterations`` (H singular
        beyond ``exclude``).

    Examples
    --------
    >>> lap = scipy.sparse.diags([-np.ones(9), 2 * np.ones(10), -np.ones(9)], [-1, 0, 1]).tolil()
    >>> lap[0, 9] = lap[9, 0] = -1.0                      # a ring of 10 unit springs
    >>> b = np.cos(2 * np.pi * np.arange(10) / 10)[:, None]   # an eigenvector, λ = 2 − 2 cos(2π/10)
    >>> forms, _ = deflated_inverse_forms(lap.tocsr(), b, np.full((10, 1), 10 ** -0.5))
    >>> bool(np.isclose(forms[0], 5 / (2 - 2 * np.cos(2 * np.pi / 10))))
    True
    """
    h = scipy.sparse.csr_matrix(hessian, dtype=np.float64)
    n = h.shape[0]
    b = np.asarray(rhs, dtype=np.float64).reshape(n, -1)
    ex = np.asarray(exclude, dtype=np.float64).reshape(n, -1)
    scale = np.linalg.norm(b, axis=0)
    basis = ex
    forms = np.zeros(b.shape[1])
    if modes is not None:
        v = np.asarray(modes, dtype=np.float64).reshape(n, -1)
        lam = np.asarray(eigenvalues, dtype=np.float64).reshape(-1)
        if lam.shape[0] != v.shape[1] or np.any(lam <= 0):
            raise ValueError(f"expected {v.shape[1]} positive eigenvalues for the deflated modes, found {lam}")
        coeff = v.T @ b
        forms += np.sum(coeff**2 / lam[:, None], axis=0)
        basis = np.hstack([ex, v])

    def project(x: np.ndarray) -> np.ndarray:
        return x - basis @ (basis.T @ x)

    x, it = _projected_cg(h, b, project, scale, tol, max_iterations)
    forms += np.einsum("ij,ij->j", project(b), x)
    return forms, it


def elastic_moduli(
    config: Configuration,
    potential: PairPotential,
    pairs: InteractingPairs | None = None,
    *,
    hessian: scipy.sparse.spmatrix | None = None,
    modes: np.ndarray | None = None,
    eigenvalues: np.ndarray | None = None,
    tol: float = 1e-10,
) -> ElasticModuli:
    """Shear, longitudinal and bulk moduli of an inherent structure (module docstring), unit masses.

    Parameters
    ----------
    config
        An inherent structure (forces ≈ 0) in a cubic periodic box.
    potential
        Its pair potential.
    pairs, hessian
        Already computed pairs and Hessian (computed here when ``None``).
    modes, eigenvalues
        The lowest non-zero modes, shape (d·N, k), and their eigenvalues, to deflate (faster CG; same
        result).
    tol
        Relative CG residual.

    Returns
    -------
    ElasticModuli

    Examples
    --------
    >>> from vdosbench.generators.glasses.configurations import fcc_crystal
    >>> from vdosbench.generators.glasses.potentials import soft_sphere_potential
    >>> m = elastic_moduli(fcc_crystal(3), soft_sphere_potential(2))
    >>> bool(np.allclose(m.shear, m.shear_born)), bool(m.bulk > 0 and m.longitudinal_modulus > m.shear_modulus)
    (True, True)
    """
    p = pairs if pairs is not None else interacting_pairs(config, potential)
    n, d = config.n_particles, config.dimension
    h = hessian if hessian is not None else hessian_matrix(config, potential, pairs=p)
    strains = []
    for a, b in shear_directions(d):
        s = np.zeros((d, d))
        s[a, b] = 1.0
        strains.append(s)
    for a in range(d):
        s = np.zeros((d, d))
        s[a, a] = 1.0
        strains.append(s)
    strains.append(np.eye(d))
    terms = [affine_strain_terms(p, s) for s in strains]
    born = np.array([t[0] for t in terms])
    xi = np.stack([t[1].ravel() for t in terms], axis=1)
    nonaffine, iterations = deflated_inverse_forms(h, xi, translation_modes(n, d), modes, eigenvalues, tol=tol)
    volume = config.box_length**d
    relaxed = (born - nonaffine) / volume
    pressure = float(-np.sum(p.distance * p.dphi) / (d * volume))
    n_shear = d * (d - 1)
    bulk_term = (d - 1) / d * pressure
    return ElasticModuli(
        shear=relaxed[:n_shear],
        longitudinal=relaxed[n_shear : n_shear + d],
        bulk=float(relaxed[-1] / d**2 + bulk_term),
        shear_born=born[:n_shear] / volume,
        longitudinal_born=born[n_shear : n_shear + d] / volume,
        bulk_born=float(born[-1] / volume / d**2 + bulk_term),
        pressure=pressure,
        density=config.density,
        cg_iterations=iterations,
    )
