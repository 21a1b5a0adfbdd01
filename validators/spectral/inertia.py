"""Certified mode counts: how many eigenvalues lie below a shift, from one symmetric factorisation (issue 67 item 3).

The lowest-mode solvers check residuals (a mode they return is accurate), not completeness (no mode below the
cut was skipped).  Sylvester's law of inertia closes that gap: for a symmetric A and any factorisation
P (A − σI) Pᵀ = L D Lᵀ with L unit lower triangular and D block diagonal, the number of negative eigenvalues of D
equals the number of eigenvalues of A below σ, exactly, whatever the eigensolver did.

Two factorisations, both from scipy:

``"dense"``
    LAPACK's Bunch–Kaufman LDLᵀ (:func:`scipy.linalg.ldl`): D has 1×1 and 2×2 blocks; each 2×2 block's
    eigenvalues are counted.  O(n³): small N (a 3000 × 3000 matrix takes about a second).
``"sparse"``
    SuperLU (:func:`scipy.sparse.linalg.splu`) with a symmetric fill-reducing ordering and diagonal pivots only
    (``diag_pivot_thresh = 0``, ``SymmetricMode``): then P A Pᵀ = L U with U = D Lᵀ, so the signs of U's
    diagonal are D's.  The row and column permutations are checked to be equal (else SuperLU pivoted off the
    diagonal and the count would not be an inertia: an error says so, use ``"dense"``).

:func:`certify_lowest_modes` compares the count with the modes a solver returned: with the shift halfway between
the two largest returned eigenvalues, every eigenvalue below it must be among those returned (the d translations
included, exact zeros of H), so ``missed = count − returned`` is the number of modes the solver skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import scipy.linalg
import scipy.sparse
import scipy.sparse.linalg

__all__ = ["ModeCertificate", "certify_lowest_modes", "count_below"]

#: Relative gap below which two returned eigenvalues are too close for a shift between them to be read safely.
MIN_RELATIVE_GAP = 1e-9


def _dense_count(shifted: np.ndarray) -> int:
    _, d, _ = scipy.linalg.ldl(shifted, lower=True)
    n, i, negative = d.shape[0], 0, 0
    while i < n:
        if i + 1 < n and d[i + 1, i] != 0.0:  # a 2x2 block
            negative += int(np.sum(np.linalg.eigvalsh(d[i : i + 2, i : i + 2]) < 0))
            i += 2
        else:
            negative += int(d[i, i] < 0)
            i += 1
    return negative


def _sparse_count(shifted: scipy.sparse.spmatrix) -> int:
    lu = scipy.sparse.linalg.splu(
        scipy.sparse.csc_matrix(shifted),
        permc_spec="MMD_AT_PLUS_A",
        diag_pivot_thresh=0.0,
        options={"SymmetricMode": True},
    )
    if not np.array_equal(lu.perm_r, lu.perm_c):
        raise ValueError(
            "SuperLU pivoted off the diagonal (row and column permutations differ), so the signs of "
            "U's diagonal are not an inertia; use method='dense' for this matrix"
        )
    return int(np.sum(lu.U.diagonal() < 0))


def count_below(
    matrix: np.ndarray | scipy.sparse.spmatrix, sigma: float, method: Literal["dense", "sparse", "auto"] = "auto"
) -> int:
    """The number of eigenvalues of the symmetric ``matrix`` below ``sigma``, by Sylvester's law of inertia.

    Parameters
    ----------
    matrix
        Symmetric, shape (n, n), dense or sparse (e.g. a mass-weighted Hessian, λ = ω²).
    sigma
        The shift; it should not be an eigenvalue (a zero pivot makes the count ambiguous there).
    method
        ``"dense"`` (Bunch–Kaufman LDLᵀ), ``"sparse"`` (SuperLU with diagonal pivots) or ``"auto"``: sparse for a
        sparse matrix, dense otherwise.

    Returns
    -------
    int
        The count of eigenvalues < sigma (module docstring).

    Raises
    ------
    ValueError
        If the matrix is not square or not symmetric (to 1e-12 of its largest entry).

    Examples
    --------
    >>> a = np.diag([-1.0, 0.0, 0.5, 2.0, 3.0])
    >>> count_below(a, 1.0), count_below(scipy.sparse.csr_matrix(a), 2.5)
    (3, 4)
    """
    sparse = scipy.sparse.issparse(matrix)
    shape = matrix.shape
    if len(shape) != 2 or shape[0] != shape[1]:
        raise ValueError(f"matrix has shape {shape}; expected a square (n, n) symmetric matrix")
    scale = float(abs(matrix).max()) if shape[0] else 0.0
    asym = float(abs(matrix - matrix.T).max()) if shape[0] else 0.0
    if asym > 1e-12 * max(scale, 1.0):
        raise ValueError(
            f"matrix is not symmetric (max |A - A^T| = {asym:.3g}); the inertia count needs a "
            "symmetric matrix: symmetrise it, (A + A^T)/2, if the asymmetry is round-off"
        )
    method = ("sparse" if sparse else "dense") if method == "auto" else method
    if method == "sparse":
        a = scipy.sparse.csc_matrix(matrix)
        return _sparse_count(a - sigma * scipy.sparse.identity(shape[0], format="csc"))
    if method == "dense":
        a = matrix.toarray() if sparse else np.asarray(matrix, dtype=float)
        return _dense_count(a - sigma * np.eye(shape[0]))
    raise ValueError(f"unknown method {method!r}; expected 'dense', 'sparse' or 'auto'")


@dataclass(frozen=True)
class ModeCertificate:
    """Whether a solver's lowest modes are all the modes below a shift.

    Attributes
    ----------
    sigma
        The shift (halfway between the two largest returned eigenvalues, or as given).
    count
        Eigenvalues of the matrix below ``sigma`` (Sylvester's inertia).
    returned
        Returned eigenvalues below ``sigma`` (zero modes included).
    method
        The factorisation used.
    """

    sigma: float
    count: int
    returned: int
    method: str

    @property
    def missed(self) -> int:
        """Modes below ``sigma`` that the solver did not return (negative: it returned more than exist)."""
        return self.count - self.returned

    @property
    def certified(self) -> bool:
        """Whether every eigenvalue below ``sigma`` was returned, and no other."""
        return self.missed == 0


def certify_lowest_modes(
    matrix: np.ndarray | scipy.sparse.spmatrix,
    eigenvalues: np.ndarray,
    sigma: float | None = None,
    method: Literal["dense", "sparse", "auto"] = "auto",
) -> ModeCertificate:
    """Certify that ``eigenvalues`` (a solver's lowest modes of ``matrix``) hold every eigenvalue below ``sigma``.

    Parameters
    ----------
    matrix
        The symmetric matrix the modes were computed from (dense or sparse).
    eigenvalues
        Shape (k,): the returned eigenvalues, zero modes included (NaN padding ignored).
    sigma
        The shift; default halfway between the two largest returned eigenvalues (so the certificate covers
        every returned mode but the highest, which may sit at the edge of a degenerate shell).
    method
        As :func:`count_below`.

    Returns
    -------
    ModeCertificate
        ``certified`` when the inertia count below ``sigma`` equals the returned modes below it.

    Raises
    ------
    ValueError
        With fewer than two finite eigenvalues (no default shift), or when the two largest are closer than
        :data:`MIN_RELATIVE_GAP` of their size (a degenerate pair: give ``sigma`` below the pair).

    Examples
    --------
    >>> a = np.diag([0.0, 1.0, 2.0, 3.0, 4.0])
    >>> certify_lowest_modes(a, np.array([0.0, 1.0, 2.0])).certified
    True
    >>> c = certify_lowest_modes(a, np.array([0.0, 2.0, 3.0]))  # the solver skipped 1.0
    >>> c.certified, c.missed
    (False, 1)
    """
    lam = np.sort(np.asarray(eigenvalues, dtype=float)[np.isfinite(eigenvalues)])
    if sigma is None:
        if lam.size < 2:
            raise ValueError(f"{lam.size} finite eigenvalue(s); the default shift needs two: pass sigma")
        top, below = lam[-1], lam[-2]
        if top - below <= MIN_RELATIVE_GAP * max(abs(top), 1.0):
            raise ValueError(
                f"the two largest returned eigenvalues {below!r} and {top!r} are degenerate; pass a "
                "sigma below the pair"
            )
        sigma = 0.5 * (top + below)
    count = count_below(matrix, float(sigma), method)
    resolved = ("sparse" if scipy.sparse.issparse(matrix) else "dense") if method == "auto" else method
    return ModeCertificate(float(sigma), int(count), int(np.sum(lam < sigma)), resolved)
