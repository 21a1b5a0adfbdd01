"""The analytic sparse Hessian (dynamical matrix) of a pair-potential configuration.

Seed 001 Methods, eqs. (45)–(46): for a pair potential V = Σ_(i<j) φ(r_ij)
the Hessian H_ij^{αβ} = ∂²V/∂r_i^α∂r_j^β is made of d × d force-constant blocks

    K_ij = [φ″(r) − φ′(r)/r] n nᵀ + (φ′(r)/r) 1 = φ″ n nᵀ + (φ′/r)(1 − n nᵀ),

with r = r_ij and n = (r_j − r_i)/r the unit vector of the pair:
H_ij = −K_ij for i ≠ j and H_ii = Σ_{ℓ≠i} K_iℓ (eq. 45).  Every row of blocks
sums to zero (a uniform translation costs no energy), so a periodic system
has d exact zero modes.  The dynamical matrix is the mass-weighted
D_ij = H_ij / √(m_i m_j); with the seed's unit masses D = H, and its
eigenvalues are λ = ω².

The matrix is assembled in block-sparse (BSR) form and returned as
:class:`scipy.sparse.csr_matrix`, or wrapped as a
:class:`scipy.sparse.linalg.LinearOperator` for iterative eigen-solvers.

References
----------
Seed 001, file ``001_d453c975fd50a4a2.txt``: Methods eqs. (43)–(46).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse
import scipy.sparse.linalg

from .configurations import Configuration, find_pairs
from .potentials import KIND_SOFT_SPHERE, PairPotential

__all__ = [
    "InteractingPairs",
    "force_constant_blocks",
    "hessian_matrix",
    "hessian_operator",
    "interacting_pairs",
]


@dataclass(frozen=True)
class InteractingPairs:
    """Every pair closer than its cutoff r_c,ij, with φ and its derivatives.

    Attributes
    ----------
    i, j
        Shape (n_pair,), int64, i < j, sorted lexicographically.
    separation
        Shape (n_pair, d), minimum image of r_j − r_i.
    distance
        Shape (n_pair,), r_ij.
    phi, dphi, d2phi
        Shape (n_pair,), φ(r_ij), φ′(r_ij), φ″(r_ij) (units ε, ε/length,
        ε/length²).
    n_particles
        N (sites of the configuration).
    """

    i: np.ndarray
    j: np.ndarray
    separation: np.ndarray
    distance: np.ndarray
    phi: np.ndarray
    dphi: np.ndarray
    d2phi: np.ndarray
    n_particles: int

    @property
    def unit_vector(self) -> np.ndarray:
        """Shape (n_pair, d): n = (r_j − r_i)/r_ij."""
        return self.separation / self.distance[:, None]

    @property
    def count(self) -> int:
        """Number of interacting pairs."""
        return int(self.i.size)


def interacting_pairs(config: Configuration, potential: PairPotential) -> InteractingPairs:
    """The pairs of ``config`` inside their cutoff, with φ, φ′, φ″.

    A pair interacts when r_ij < r_c,ij (r_c = 1.955 for every soft-sphere
    pair; r_c = 2.5 σ_ij for Lennard-Jones species pairs).

    Examples
    --------
    >>> from vdosbench.generators.glasses.configurations import fcc_crystal
    >>> from vdosbench.generators.glasses.potentials import soft_sphere_potential
    >>> pairs = interacting_pairs(fcc_crystal(3), soft_sphere_potential(2))
    >>> pairs.count // 108   # FCC at density 1: 12 + 6 + 24 neighbours inside 1.955, each pair once
    21
    """
    i, j, sep = find_pairs(config.positions, config.box_length, potential.max_cutoff)
    r = np.sqrt(np.sum(sep * sep, axis=1))
    si, sj = config.species[i], config.species[j]
    cut = np.full(r.shape, potential.cutoff[0, 0]) if potential.kind == KIND_SOFT_SPHERE else potential.cutoff[si, sj]
    keep = r < cut
    i, j, sep, r, si, sj = i[keep], j[keep], sep[keep], r[keep], si[keep], sj[keep]
    phi, dphi, d2phi = potential.evaluate(r, config.sizes[i], config.sizes[j], si, sj)
    return InteractingPairs(i, j, sep, r, phi, dphi, d2phi, config.n_particles)


def force_constant_blocks(separation: np.ndarray, dphi: np.ndarray, d2phi: np.ndarray) -> np.ndarray:
    """K = φ″ n nᵀ + (φ′/r)(1 − n nᵀ) for each pair (seed 001 eq. 46).

    Parameters
    ----------
    separation
        Shape (n_pair, d), r_j − r_i.
    dphi, d2phi
        Shape (n_pair,), φ′ and φ″ at r = |separation|.

    Returns
    -------
    numpy.ndarray
        Shape (n_pair, d, d), symmetric blocks.

    Examples
    --------
    >>> force_constant_blocks(np.array([[2.0, 0.0]]), np.array([-1.0]), np.array([3.0]))[0].tolist()
    [[3.0, 0.0], [0.0, -0.5]]
    """
    sep = np.asarray(separation, dtype=np.float64)
    r = np.sqrt(np.sum(sep * sep, axis=1))
    n = sep / r[:, None]
    nn = n[:, :, None] * n[:, None, :]
    t = (np.asarray(dphi) / r)[:, None, None]
    eye = np.eye(sep.shape[1])[None, :, :]
    return np.asarray(d2phi)[:, None, None] * nn + t * (eye - nn)


def _assemble(pairs: InteractingPairs, dimension: int, masses: np.ndarray | None) -> scipy.sparse.csr_matrix:
    n, d = pairs.n_particles, dimension
    k = force_constant_blocks(pairs.separation, pairs.dphi, pairs.d2phi) if pairs.count else np.zeros((0, d, d))
    diag = np.empty((n, d, d))
    for a in range(d):
        for b in range(d):
            diag[:, a, b] = np.bincount(pairs.i, k[:, a, b], minlength=n) + np.bincount(
                pairs.j, k[:, a, b], minlength=n
            )
    rows = np.concatenate([pairs.i, pairs.j, np.arange(n)])
    cols = np.concatenate([pairs.j, pairs.i, np.arange(n)])
    blocks = np.concatenate([-k, -k, diag])
    if masses is not None:
        scale = 1.0 / np.sqrt(np.asarray(masses, dtype=np.float64))
        blocks = blocks * (scale[rows] * scale[cols])[:, None, None]
    order = np.lexsort((cols, rows))
    indptr = np.searchsorted(rows[order], np.arange(n + 1))
    bsr = scipy.sparse.bsr_matrix(
        (np.ascontiguousarray(blocks[order]), cols[order].astype(np.int32), indptr.astype(np.int32)),
        shape=(n * d, n * d),
    )
    return bsr.tocsr()


def hessian_matrix(
    config: Configuration,
    potential: PairPotential,
    masses: np.ndarray | None = None,
    pairs: InteractingPairs | None = None,
) -> scipy.sparse.csr_matrix:
    """The mass-weighted Hessian D = M^(−1/2) H M^(−1/2) (seed 001 eqs. 45–46).

    Parameters
    ----------
    config
        The configuration (usually an inherent structure).
    potential
        The pair potential.
    masses
        Shape (N,), particle masses; ``None`` for the seed's unit masses.
    pairs
        Pairs already found by :func:`interacting_pairs` (found here otherwise).

    Returns
    -------
    scipy.sparse.csr_matrix
        Shape (N·d, N·d); row/column index i·d + α (particle i, component α).
        Units ε/(m·length²), i.e. λ = ω².

    Examples
    --------
    >>> from vdosbench.generators.glasses.configurations import fcc_crystal
    >>> from vdosbench.generators.glasses.potentials import soft_sphere_potential
    >>> h = hessian_matrix(fcc_crystal(3), soft_sphere_potential(2))
    >>> h.shape, float(abs(h - h.T).max()), float(np.abs(h @ np.tile([1.0, 0.0, 0.0], 108)).max()) < 1e-12
    ((324, 324), 0.0, True)
    """
    p = pairs if pairs is not None else interacting_pairs(config, potential)
    return _assemble(p, config.dimension, masses)


def hessian_operator(
    config: Configuration,
    potential: PairPotential,
    masses: np.ndarray | None = None,
    pairs: InteractingPairs | None = None,
) -> scipy.sparse.linalg.LinearOperator:
    """:func:`hessian_matrix` as a symmetric :class:`~scipy.sparse.linalg.LinearOperator`.

    Examples
    --------
    >>> from vdosbench.generators.glasses.configurations import fcc_crystal
    >>> from vdosbench.generators.glasses.potentials import soft_sphere_potential
    >>> op = hessian_operator(fcc_crystal(3), soft_sphere_potential(2))
    >>> op.shape, float(np.abs(op.matvec(np.ones(324))).max()) < 1e-12
    ((324, 324), True)
    """
    matrix = hessian_matrix(config, potential, masses, pairs)
    return scipy.sparse.linalg.LinearOperator(
        matrix.shape, matvec=matrix.dot, rmatvec=matrix.dot, matmat=matrix.dot, dtype=np.float64
    )
