"""Eigen-solver helpers shared by the generators.

A generator's dynamical matrix H (mass-weighted Hessian, or the scalar
dynamical matrix of a spring network) is real symmetric; its eigenvalues
λ = ω² are computed *in full* by dense LAPACK (:func:`scipy.linalg.eigh`,
ascending), because the density of states and the level statistics need
every mode.  Eigenvectors are kept only for a few chosen modes.

For a graph Laplacian with positive spring constants (H_ij = −t_ij ≤ 0,
H_ii = Σ_j t_ij) the zero modes are known exactly, without a numerical
tolerance: there is one zero mode per connected component of the network
(the uniform translation of each component), and every other eigenvalue is
strictly positive.  :func:`laplacian_zero_modes` therefore flags the
lowest ``n_components`` modes.

BLAS threading is not set here; the ensemble runner does that per worker.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import scipy.linalg
import scipy.sparse
from scipy.sparse.csgraph import connected_components

__all__ = [
    "connected_component_count",
    "default_vector_modes",
    "dense_symmetric",
    "full_spectrum",
    "laplacian_zero_modes",
]

#: A requested window of eigenvectors narrower than this fraction of the
#: matrix size is computed by a separate subset call (less memory) instead of
#: the full eigenvector matrix.
SUBSET_FRACTION = 0.25


def dense_symmetric(matrix: object) -> np.ndarray:
    """``matrix`` (sparse or dense, square) as a C-ordered float64 array.

    Parameters
    ----------
    matrix
        A square :mod:`scipy.sparse` matrix/array or array-like, shape (n, n).

    Returns
    -------
    numpy.ndarray
        Shape (n, n), dtype float64.

    Raises
    ------
    ValueError
        If the matrix is not square or not finite.
    """
    dense = matrix.toarray() if scipy.sparse.issparse(matrix) else np.asarray(matrix)
    dense = np.ascontiguousarray(dense, dtype=np.float64)
    if dense.ndim != 2 or dense.shape[0] != dense.shape[1]:
        raise ValueError(
            f"expected a square matrix, found shape {dense.shape}; pass the (n, n) dynamical matrix"
        )
    if not np.all(np.isfinite(dense)):
        raise ValueError(
            "the matrix has NaN or infinite entries; check the spring constants "
            "(e.g. two nodes at distance 0 give t = t0/r = inf)"
        )
    return dense


def full_spectrum(matrix: object, vector_modes: Iterable[int] = ()) -> tuple[np.ndarray, np.ndarray]:
    """All eigenvalues of a real symmetric matrix and the eigenvectors of chosen modes.

    Parameters
    ----------
    matrix
        Real symmetric matrix, sparse or dense, shape (n, n) (units of λ, e.g.
        t0/m for a spring network).  Only the lower triangle is read.
    vector_modes
        Mode indices (0 = lowest eigenvalue) whose eigenvectors are returned,
        in the order given; each in [0, n).

    Returns
    -------
    eigenvalues : numpy.ndarray
        Shape (n,), ascending (dense LAPACK ``eigh``).
    eigenvectors : numpy.ndarray
        Shape (n, len(vector_modes)); column k is the normalised eigenvector
        of mode ``vector_modes[k]``, with the sign fixed so that its entry of
        largest magnitude is positive (the first such entry on a tie).
        Within a degenerate eigenvalue the basis is whatever LAPACK returns.

    Notes
    -----
    When the requested modes lie in a window narrower than
    ``SUBSET_FRACTION·n``, the eigenvectors come from a second call restricted
    to that window (``subset_by_index``), so the full n × n eigenvector matrix
    is never held; otherwise one full decomposition is made.

    Examples
    --------
    >>> import numpy as np
    >>> lam, vec = full_spectrum(np.array([[1.0, -1.0], [-1.0, 1.0]]), [1])
    >>> np.round(lam, 12).tolist(), np.round(vec[:, 0] ** 2, 12).tolist()
    ([0.0, 2.0], [0.5, 0.5])
    """
    dense = dense_symmetric(matrix)
    n = dense.shape[0]
    modes = np.asarray(list(vector_modes), dtype=np.int64)
    if modes.size and (modes.min() < 0 or modes.max() >= n):
        raise ValueError(
            f"vector_modes must lie in [0, {n}) for a {n}×{n} matrix, found "
            f"{modes.min()}..{modes.max()}; drop the out-of-range indices"
        )
    if modes.size == 0:
        return scipy.linalg.eigh(dense, eigvals_only=True), np.empty((n, 0))
    lo, hi = int(modes.min()), int(modes.max())
    if hi - lo + 1 <= SUBSET_FRACTION * n:
        eigenvalues = scipy.linalg.eigh(dense, eigvals_only=True)
        _, window = scipy.linalg.eigh(dense, subset_by_index=[lo, hi])
        vectors = window[:, modes - lo]
    else:
        eigenvalues, every = scipy.linalg.eigh(dense)
        vectors = every[:, modes]
        del every
    vectors = np.array(vectors, dtype=np.float64, order="C")
    if vectors.size:
        largest = np.argmax(np.abs(vectors), axis=0)
        signs = np.sign(vectors[largest, np.arange(vectors.shape[1])])
        vectors *= np.where(signs == 0, 1.0, signs)
    return eigenvalues, vectors


def default_vector_modes(n_mode: int, n_low: int, extra: Iterable[int] = (), first: int = 1) -> np.ndarray:
    """Mode indices whose eigenvectors a generator stores by default.

    The ``n_low`` modes from index ``first`` upward (``first = 1`` skips the
    uniform translation of a connected network) plus the ``extra`` indices,
    sorted and unique.  The indices do not depend on the sample, so samples
    of an ensemble share one ``vector_mode`` coordinate; in a sample with more
    zero modes than ``first`` (a disconnected network) the lowest stored
    modes are zero modes, flagged by ``zero_mode``.

    Parameters
    ----------
    n_mode
        Number of modes n.
    n_low
        How many low modes to store (clipped so that indices stay below n).
    extra
        Further mode indices, each in [0, n).
    first
        Index of the first low mode.

    Returns
    -------
    numpy.ndarray
        Sorted unique int64 indices in [0, n_mode).

    Examples
    --------
    >>> default_vector_modes(100, 3, extra=[50, 2]).tolist()
    [1, 2, 3, 50]
    """
    if n_low < 0 or first < 0:
        raise ValueError(f"n_low and first must be ≥ 0, found n_low={n_low}, first={first}")
    extra_arr = np.asarray(list(extra), dtype=np.int64)
    if extra_arr.size and (extra_arr.min() < 0 or extra_arr.max() >= n_mode):
        raise ValueError(
            f"extra vector modes must lie in [0, {n_mode}), found {sorted(extra_arr.tolist())}; "
            "drop the out-of-range indices"
        )
    low = np.arange(first, min(first + n_low, n_mode), dtype=np.int64)
    return np.unique(np.concatenate([low, extra_arr]))


def connected_component_count(matrix: object) -> int:
    """Number of connected components of the graph of non-zero off-diagonal entries.

    Parameters
    ----------
    matrix
        Square matrix (sparse or dense), shape (n, n); site i and j are linked
        when entry (i, j) or (j, i) is non-zero.  The diagonal is ignored.

    Returns
    -------
    int
        The number of components (isolated sites count one each).

    Examples
    --------
    >>> import numpy as np
    >>> connected_component_count(np.array([[1.0, -1.0, 0.0], [-1.0, 1.0, 0.0], [0.0, 0.0, 0.0]]))
    2
    """
    graph = scipy.sparse.csr_matrix(matrix)
    graph = graph - scipy.sparse.diags(graph.diagonal())
    graph.eliminate_zeros()
    n_components, _ = connected_components(graph, directed=False)
    return int(n_components)


def laplacian_zero_modes(matrix: object) -> np.ndarray:
    """Exact zero-mode flags of a graph Laplacian, one per connected component.

    Parameters
    ----------
    matrix
        A weighted graph Laplacian with positive weights (H_ij = −t_ij < 0
        on bonds, rows summing to zero), shape (n, n).

    Returns
    -------
    numpy.ndarray
        Shape (n,), bool: True for the lowest ``n_components`` modes (in the
        ascending order of :func:`full_spectrum`).

    Examples
    --------
    >>> import numpy as np
    >>> laplacian_zero_modes(np.array([[1.0, -1.0, 0.0], [-1.0, 1.0, 0.0], [0.0, 0.0, 0.0]])).tolist()
    [True, True, False]
    """
    n = int(np.shape(matrix)[0])
    return np.arange(n) < connected_component_count(matrix)
