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

:func:`dense_spectrum` gives the same result as :func:`full_spectrum` from a
*single* tridiagonal reduction (LAPACK ``dsytrd``, the O(n³) part shared
with a bare ``eigh(eigvals_only=True)``): all eigenvalues by ``dsterf``, the
chosen eigenvectors of the tridiagonal matrix by bisection and inverse
iteration (``dstebz``/``dstein``), transformed back with the blocked
Householder reflectors (compact WY, BLAS-3).  Its cost is a bare eigenvalue
call plus O(n² k) for k eigenvectors.

For particles in a periodic box (d-dimensional vector model) the exact zero
modes are the d uniform translations (rows of blocks of the Hessian sum to
zero); :func:`translation_zero_modes` flags the d lowest modes, by count, not
by a tolerance.  :func:`lowest_modes_shift_invert` finds the lowest k modes
*above* the translations of a large sparse matrix by shift-invert Lanczos
(ARPACK via :func:`scipy.sparse.linalg.eigsh`) with the translations
projected out.

BLAS threading is not set here; the ensemble runner does that per worker.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import scipy.linalg
import scipy.linalg.lapack
import scipy.sparse
import scipy.sparse.linalg
from scipy.sparse.csgraph import connected_components

__all__ = [
    "connected_component_count",
    "default_vector_modes",
    "dense_spectrum",
    "dense_spectrum_bytes",
    "dense_symmetric",
    "full_spectrum",
    "full_spectrum_bytes",
    "laplacian_zero_modes",
    "lowest_modes_shift_invert",
    "quantile_spectrum_bytes",
    "translation_modes",
    "translation_zero_modes",
]

#: A requested window of eigenvectors narrower than this fraction of the
#: matrix size is computed by a separate subset call (less memory) instead of
#: the full eigenvector matrix.
SUBSET_FRACTION = 0.25


#: Bytes of one float64 entry.
_F8 = 8


def full_spectrum_bytes(n: int, vector_modes: Iterable[int] = ()) -> int:
    """Peak bytes of the arrays :func:`full_spectrum` holds for an n × n matrix given as a sparse matrix.

    The dense copy (8n² bytes) and LAPACK's own copy of it (``eigh`` does not
    overwrite its input: 8n²), plus the window of eigenvectors (8n·w) when
    the requested modes span a window w ≤ ``SUBSET_FRACTION``·n, or else two
    further n × n arrays (the eigenvector matrix and a working copy: measured
    with :mod:`tracemalloc`, 4 · 8n² in all); plus the ``dsyevr`` work arrays
    (36n words).  Measured peaks (tracemalloc, n = 800 and 1600, sparse input)
    agree within 1 %.  Used to refuse a sample before it is attempted
    (:attr:`~vdosbench.generators.Generator.memory_estimate`).

    Parameters
    ----------
    n
        Matrix size (modes).
    vector_modes
        The mode indices whose eigenvectors are requested.

    Examples
    --------
    >>> full_spectrum_bytes(1000) / 1e6, full_spectrum_bytes(1000, [1, 2, 3]) / 1e6
    (16.288, 16.312)
    """
    modes = [int(m) for m in vector_modes]
    n = int(n)
    work = 36 * n * _F8
    if not modes:
        return 2 * _F8 * n * n + work
    window = max(modes) - min(modes) + 1
    if window <= SUBSET_FRACTION * n:
        return 2 * _F8 * n * n + _F8 * n * window + work
    return 4 * _F8 * n * n + work


def dense_spectrum_bytes(n: int, n_vectors: int) -> int:
    """Peak bytes of the arrays :func:`dense_spectrum` holds for an n × n sparse matrix and k eigenvectors.

    One dense copy (8n², reduced in place by ``dsytrd``), its work array
    (64n words), the tridiagonal eigenvectors and their back-transformed copy
    (2 · 8nk) and the blocked reflectors of :func:`_apply_q` (a few n × 64
    blocks).  Measured peaks (tracemalloc, n = 800 and 1600) are 3 – 15 %
    below this.

    Examples
    --------
    >>> dense_spectrum_bytes(3000, 50) / 1e6
    80.544
    """
    n = int(n)
    return _F8 * n * n + _F8 * n * (64 + 2 * int(n_vectors) + 3 * 64)


#: Bytes per mode and per frequency point of a theory-curve sample (:func:`quantile_spectrum_bytes`).
CURVE_BYTES_PER_MODE, CURVE_BYTES_PER_POINT = 128, 256


def quantile_spectrum_bytes(n_mode: int, n_omega: int) -> int:
    """Peak bytes of a theory-curve sample: a DOS on ``n_omega`` points and a quantile spectrum of ``n_mode`` modes.

    No matrix is diagonalised, so memory is linear:
    :data:`CURVE_BYTES_PER_MODE` per mode plus :data:`CURVE_BYTES_PER_POINT`
    per frequency point, rounded up from tracemalloc peaks at 10⁴ – 10⁵ modes
    and 200 – 2000 points (HET-SCBA 112 B/mode and 205 B/point, GHET 24
    B/mode, the seed-000 closed form 49 B/mode).

    Examples
    --------
    >>> quantile_spectrum_bytes(3000, 1500) / 1e6
    0.768
    """
    return CURVE_BYTES_PER_MODE * int(n_mode) + CURVE_BYTES_PER_POINT * int(n_omega)


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
        raise ValueError(f"expected a square matrix, found shape {dense.shape}; pass the (n, n) dynamical matrix")
    if not np.all(np.isfinite(dense)):
        raise ValueError(
            "the matrix has NaN or infinite entries; check the spring constants "
            "(e.g. two nodes at distance 0 give t = t0/r = inf)"
        )
    return dense


def _fix_signs(vectors: np.ndarray) -> None:
    """Flip each column in place so that its largest-magnitude component is positive (a reproducible sign)."""
    largest = np.argmax(np.abs(vectors), axis=0)
    signs = np.sign(vectors[largest, np.arange(vectors.shape[1])])
    vectors *= np.where(signs == 0, 1.0, signs)


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
        _fix_signs(vectors)
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


def translation_modes(n_site: int, dimension: int, masses: np.ndarray | None = None) -> np.ndarray:
    """Orthonormal uniform translations of the mass-weighted dynamical matrix.

    Parameters
    ----------
    n_site
        Number of particles N.
    dimension
        d; the degrees of freedom are ordered i·d + α.
    masses
        Shape (N,) particle masses (``None``: unit masses).

    Returns
    -------
    numpy.ndarray
        Shape (N·d, d); column α has entries √m_i / √(Σm) on component α of
        every particle (the translation along α in mass-weighted coordinates).

    Examples
    --------
    >>> (translation_modes(2, 2) * np.sqrt(2)).round(12).tolist()
    [[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0]]
    """
    m = np.ones(n_site) if masses is None else np.asarray(masses, dtype=np.float64)
    weights = np.sqrt(m / m.sum())
    out = np.zeros((n_site, dimension, dimension))
    for a in range(dimension):
        out[:, a, a] = weights
    return out.reshape(n_site * dimension, dimension)


def translation_zero_modes(n_mode: int, dimension: int) -> np.ndarray:
    """Zero-mode flags of a periodic particle system: the ``dimension`` lowest modes.

    A periodic box has exactly d zero modes (uniform translations); a stable
    inherent structure has no other (rattlers with too few interacting
    neighbours would add more; the generators check λ_d > 0).

    Examples
    --------
    >>> translation_zero_modes(6, 2).tolist()
    [True, True, False, False, False, False]
    """
    return np.arange(n_mode) < dimension


def _shift_invert_operator(
    mat: scipy.sparse.csc_matrix, sigma: float, basis: np.ndarray
) -> tuple[scipy.sparse.linalg.LinearOperator, Callable[[np.ndarray], np.ndarray]]:
    """(H − σ)⁻¹ by a sparse LU, applied in the complement of ``basis``, and that projection."""
    n = mat.shape[0]
    # symmetric fill-reducing ordering (minimum degree on A + Aᵀ); for σ < 0 the shifted matrix of a
    # positive semi-definite H is positive definite, so diagonal pivots are stable
    definite = sigma < 0
    lu = scipy.sparse.linalg.splu(
        (mat - sigma * scipy.sparse.identity(n, format="csc")).tocsc(),
        permc_spec="MMD_AT_PLUS_A",
        diag_pivot_thresh=0.0 if definite else 1.0,
        options={"SymmetricMode": definite},
    )

    def project(x: np.ndarray) -> np.ndarray:
        return x - basis @ (basis.T @ x) if basis.shape[1] else x

    def op_inverse(x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64).reshape(n)
        return project(lu.solve(project(x)))

    opinv = scipy.sparse.linalg.LinearOperator((n, n), matvec=op_inverse, dtype=np.float64)
    return opinv, project


def lowest_modes_shift_invert(
    matrix: object,
    k: int,
    exclude: np.ndarray | None = None,
    sigma: float = -1e-2,
    tol: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """The k lowest eigenpairs of a sparse symmetric matrix outside a known subspace.

    Shift-invert Lanczos: the operator P (H − σ1)⁻¹ P, with P the projector
    orthogonal to ``exclude`` (e.g. :func:`translation_modes`), whose
    largest eigenvalues 1/(λ − σ) belong to the lowest λ of H outside the
    excluded subspace; the excluded modes map to 0 and are never found.
    H − σ1 is factorised once by sparse LU (SuperLU, minimum-degree ordering
    of A + Aᵀ).  The factor fills in strongly for three-dimensional glasses
    with r_c ≈ 2 (about half of the dense matrix at N = 1000), so at N ≲ 2000
    this path is no faster than :func:`dense_spectrum`; it pays off when only
    a few modes of a matrix too large to hold densely are wanted.

    Parameters
    ----------
    matrix
        Real symmetric sparse (or dense) matrix H, shape (n, n), positive
        semi-definite on the complement of ``exclude``.
    k
        Number of modes, 1 ≤ k < n − (number of excluded vectors).
    exclude
        Shape (n, p), orthonormal columns spanning exact eigenvectors of H to
        skip (the d translations of a periodic system); ``None`` skips none.
    sigma
        Shift, slightly below the wanted eigenvalues (negative, so that
        H − σ1 is non-singular even with zero modes); units of λ.
    tol
        Relative accuracy passed to ARPACK (0: machine precision).

    Returns
    -------
    eigenvalues : numpy.ndarray
        Shape (k,), ascending.
    eigenvectors : numpy.ndarray
        Shape (n, k), orthonormal, sign fixed as in :func:`full_spectrum`.

    Examples
    --------
    >>> import scipy.sparse
    >>> lap = scipy.sparse.diags([-np.ones(9), 2 * np.ones(10), -np.ones(9)], [-1, 0, 1]).tolil()
    >>> lap[0, 9] = lap[9, 0] = -1.0           # a ring of 10 unit springs
    >>> lam, _ = lowest_modes_shift_invert(lap.tocsr(), 2, exclude=np.full((10, 1), 10 ** -0.5))
    >>> np.round(lam, 10).tolist()              # 2 − 2 cos(2π/10), twice
    [0.3819660113, 0.3819660113]
    """
    mat = scipy.sparse.csc_matrix(matrix, dtype=np.float64)
    n = mat.shape[0]
    basis = np.zeros((n, 0)) if exclude is None else np.asarray(exclude, dtype=np.float64).reshape(n, -1)
    if not 1 <= k < n - basis.shape[1]:
        raise ValueError(
            f"k must satisfy 1 ≤ k < n − p = {n - basis.shape[1]}, found k={k}; use full_spectrum for all modes"
        )
    opinv, project = _shift_invert_operator(mat, sigma, basis)
    rng = np.random.default_rng(0)  # a fixed ARPACK start vector: reproducible results
    v0 = project(rng.standard_normal(n))
    values, vectors = scipy.sparse.linalg.eigsh(mat, k=k, sigma=sigma, which="LM", OPinv=opinv, v0=v0, tol=tol)
    order = np.argsort(values)
    values, vectors = values[order], np.array(vectors[:, order], order="C")
    _fix_signs(vectors)
    return values, vectors


#: Householder reflectors applied together in :func:`dense_spectrum`'s back-transformation.
REFLECTOR_BLOCK = 64


def _apply_q(reduced: np.ndarray, tau: np.ndarray, z: np.ndarray, block: int = REFLECTOR_BLOCK) -> np.ndarray:
    """Q z for Q = H(0) H(1) … H(n−2) stored by ``dsytrd(lower=1)`` in ``reduced`` and ``tau``.

    H(i) = 1 − τ_i v_i v_iᵀ with v_i = (0…0, 1, reduced[i+2:, i]) (the 1 at
    index i + 1).  Reflectors are grouped in blocks H(i0)…H(i1−1) = 1 − V T Vᵀ
    (T upper triangular, LAPACK ``dlarft`` forward/columnwise) and applied
    from the last block to the first.
    """
    n = reduced.shape[0]
    x = np.array(z, dtype=np.float64, order="C", copy=True)
    for i0 in range(((n - 1) // block) * block, -1, -block):
        i1 = min(i0 + block, n - 1)
        if i1 <= i0:
            continue
        b = i1 - i0
        v = np.tril(reduced[i0 + 1 :, i0:i1], -1)
        v[np.arange(b), np.arange(b)] = 1.0
        t = np.zeros((b, b))
        for j in range(b):
            t[j, j] = tau[i0 + j]
            if j:
                t[:j, j] = -tau[i0 + j] * (t[:j, :j] @ (v[:, :j].T @ v[:, j]))
        rows = x[i0 + 1 :]
        rows -= v @ (t @ (v.T @ rows))
    return x


def dense_spectrum(matrix: object, vector_modes: Iterable[int] = ()) -> tuple[np.ndarray, np.ndarray]:
    """All eigenvalues and chosen eigenvectors from one tridiagonal reduction.

    Same contract as :func:`full_spectrum` (ascending eigenvalues; columns of
    the eigenvectors in the order of ``vector_modes``, normalised, sign fixed
    so that the largest-magnitude entry is positive), at the cost of a bare
    ``scipy.linalg.eigh(eigvals_only=True)`` plus O(n² k).

    Parameters
    ----------
    matrix
        Real symmetric matrix, sparse or dense, shape (n, n); only its lower
        triangle is read.
    vector_modes
        Mode indices in [0, n).

    Returns
    -------
    eigenvalues : numpy.ndarray
        Shape (n,), ascending.
    eigenvectors : numpy.ndarray
        Shape (n, len(vector_modes)).

    Notes
    -----
    Within a degenerate eigenvalue the basis differs from LAPACK's ``eigh``
    (any orthonormal basis of the eigenspace is correct).

    Examples
    --------
    >>> import numpy as np
    >>> lam, vec = dense_spectrum(np.array([[2.0, -1.0, 0.0], [-1.0, 2.0, -1.0], [0.0, -1.0, 2.0]]), [0])
    >>> np.round(lam, 12).tolist(), np.round(vec[:, 0], 12).tolist()
    ([0.585786437627, 2.0, 3.414213562373], [0.5, 0.707106781187, 0.5])
    """
    dense = dense_symmetric(matrix)
    if not scipy.sparse.issparse(matrix):
        dense = dense.copy()  # LAPACK overwrites its input; never the caller's array
    n = dense.shape[0]
    modes = np.asarray(list(vector_modes), dtype=np.int64)
    if modes.size and (modes.min() < 0 or modes.max() >= n):
        raise ValueError(
            f"vector_modes must lie in [0, {n}) for a {n}×{n} matrix, found "
            f"{modes.min()}..{modes.max()}; drop the out-of-range indices"
        )
    if n < 3:
        return full_spectrum(dense, modes)
    lapack = scipy.linalg.lapack
    lwork, info = lapack.dsytrd_lwork(n, lower=1)
    # dense is C-ordered and symmetric: its transpose is the same matrix in Fortran order (no copy)
    reduced, diag, off, tau, info = lapack.dsytrd(dense.T, lower=1, lwork=int(lwork), overwrite_a=1)
    if info != 0:
        raise np.linalg.LinAlgError(f"LAPACK dsytrd failed with info={info}")
    eigenvalues, info = lapack.dsterf(diag, off)
    if info != 0:
        raise np.linalg.LinAlgError(f"LAPACK dsterf failed with info={info}: the QL/QR iteration did not converge")
    if modes.size == 0:
        return eigenvalues, np.empty((n, 0))
    wanted = np.unique(modes)
    runs = np.split(wanted, np.flatnonzero(np.diff(wanted) > 1) + 1)
    z = np.empty((n, wanted.size))
    col = 0
    for run in runs:
        _, zr = scipy.linalg.eigh_tridiagonal(
            diag, off, select="i", select_range=(int(run[0]), int(run[-1])), lapack_driver="stebz"
        )
        z[:, col : col + run.size] = zr
        col += run.size
    vectors = _apply_q(reduced, tau, z)[:, np.searchsorted(wanted, modes)]
    _fix_signs(vectors)
    return eigenvalues, np.ascontiguousarray(vectors)
