"""The lowest non-zero modes of a large sparse dynamical matrix, without factorising it.

:func:`vdosbench.generators.spectra.lowest_modes_shift_invert` factorises
H − σ1 by sparse LU; for three-dimensional glasses the factor fills in
strongly (about half of the dense matrix at N = 1000) and the path does not
scale to N = 10⁵.  :func:`lowest_modes` needs only products H·X of the
sparse matrix with blocks of vectors, on the CPU (a compiled, multi-threaded
CSR × block kernel) or on a GPU (CuPy / cuSPARSE).

Method ``"chebyshev"`` (default): Chebyshev-filtered subspace iteration
(Zhou & Saad 2007).  A block X of p = k + buffer vectors, kept orthogonal
to the excluded subspace (the d uniform translations), is multiplied by
the scaled Chebyshev polynomial T_m((H − c)/e) that is bounded by 1 on
[a, b] (a = the largest Ritz value of the block, b ≥ λ_max from a short
Lanczos run) and grows fast below a; then orthonormalised (Householder QR)
and rotated to Ritz vectors (Rayleigh–Ritz).  A mode i converges by the
factor exp(−m·arccosh|(θ_i − c)/e|) per filter of degree m; the degree of
the next filter is chosen from this rate so that the slowest unconverged
wanted mode just reaches the tolerance.  Costs: about
Σ m·p block products plus O(n p²) per outer iteration; memory 4 n p.

Method ``"arpack"``: :func:`scipy.sparse.linalg.eigsh` (implicitly restarted
Lanczos, smallest algebraic) on H + b·BBᵀ, the excluded subspace B lifted to
the spectral bound b, so that its k smallest eigenpairs are the k lowest
outside B; no factorisation.  On the confirmatory N = 2000 glasses (k = 20)
it took 1.4 CPU s against Chebyshev's 2.3 s (``speed/bench_confirm_cost.py``,
``speed/results/confirm_cost.json``).  CPU only.

Method ``"lobpcg"``: :func:`scipy.sparse.linalg.lobpcg` (or
:func:`cupyx.scipy.sparse.linalg.lobpcg`), the excluded vectors as
constraints, a Jacobi preconditioner.  Kept for comparison; slower here.

Convergence: every wanted mode has ‖Hv − λv‖ ≤ tol · b, with b ≥ λ_max.

Backends: ``"numpy"`` (CPU; the block product is a numba ``prange`` kernel,
threads = numba's thread count) and ``"cupy"`` (GPU; CuPy is an optional
dependency, imported only when asked for).

Measured (``speed/bench_sparse_eigensolvers.py``, results in
``speed/results/sparse_eigensolvers.json``; soft-sphere glass, m = 2,
d = 3, k = 50, tol = 10⁻⁹): N = 10⁴ in 0.85 s on one H100 (cupy) and 28 s
on 16 CPU cores; N = 10⁵ in 17 s on the H100 (31 filters, 1.4·10⁵
single-vector products, 1.2 × the cuSPARSE product time); the CPU backend
cannot meet 2 minutes there: the same products at the measured 16-thread
cost take 210 s (its run was stopped at 72 s).

References
----------
Y. Zhou and Y. Saad, SIAM J. Matrix Anal. Appl. 29, 954 (2007)
(Chebyshev-filtered subspace iteration);
A. V. Knyazev, SIAM J. Sci. Comput. 23, 517 (2001) (LOBPCG).
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse
import scipy.sparse.linalg
from numba import njit, prange

__all__ = [
    "BACKENDS",
    "METHODS",
    "LowestModes",
    "SolverBackend",
    "csr_block_product",
    "lowest_modes",
    "spectral_upper_bound",
]

#: Methods of :func:`lowest_modes`.
METHODS = ("chebyshev", "lobpcg", "arpack")
#: Array backends of :func:`lowest_modes`.
BACKENDS = ("numpy", "cupy")
#: Method ``"arpack"``: the least Krylov vectors beyond k (scipy's default is 2k + 1 in all).  For k = 20, 61 vectors
#: instead of 41 give arpack 0.46 – 0.59 of Chebyshev's CPU at N = 1000 – 8000, where it was level with it from
#: N = 4000 (issue 65 item 2, ``speed/results/lowest_mode_solvers_ncv.json``); from k = 40 on 2k + 1 is the larger.
ARPACK_MIN_EXTRA = 41


@dataclass(frozen=True)
class LowestModes:
    """Outcome of :func:`lowest_modes`.

    Attributes
    ----------
    eigenvalues
        Shape (k,), ascending (units of H).
    eigenvectors
        Shape (n, k), orthonormal, orthogonal to the excluded subspace, sign
        fixed so that the entry of largest magnitude is positive; a NumPy
        array for either backend.
    residuals
        Shape (k,), ‖H v − λ v‖ of each returned pair.
    spectral_bound
        b ≥ λ_max(H) used for the filter and the tolerance.
    converged
        Every residual ≤ tol · b.
    iterations
        Outer iterations (filter + Rayleigh–Ritz, or LOBPCG steps).
    block_products
        Products of H with single vectors (a product with an n × p block
        counts p), including the Lanczos bound and the residual checks.
    method, backend
        As passed.
    seconds
        Wall time of the call (device synchronised).
    """

    eigenvalues: np.ndarray
    eigenvectors: np.ndarray
    residuals: np.ndarray
    spectral_bound: float
    converged: bool
    iterations: int
    block_products: int
    method: str
    backend: str
    seconds: float


@njit(parallel=True, cache=True)
def csr_block_product(
    indptr: np.ndarray,
    indices: np.ndarray,
    data: np.ndarray,
    x: np.ndarray,
    alpha: float,
    shift: float,
    beta: float,
    out: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """out ← alpha·(A x − shift·x) − beta·out, row by row (``out`` may hold the previous iterate).

    The compiled, multi-threaded (numba ``prange``) CSR × block product of the ``"numpy"`` backend: ``indptr``,
    ``indices`` (int64) and ``data`` of a CSR matrix A, ``x`` and ``out`` of shape (n, p), C-contiguous float64.
    """
    n, p = x.shape
    for i in prange(n):
        for q in range(p):
            out[i, q] = -beta * out[i, q] - alpha * shift * x[i, q]
        for jj in range(indptr[i], indptr[i + 1]):
            j = indices[jj]
            w = alpha * data[jj]
            for q in range(p):
                out[i, q] += w * x[j, q]


class SolverBackend:
    """The few array operations the solver needs, on NumPy or CuPy: H·X, the projection out of the excluded
    vectors, and the Chebyshev step.

    Parameters
    ----------
    name
        One of :data:`BACKENDS`.
    matrix
        The sparse symmetric matrix H (anything :class:`scipy.sparse.csr_matrix` accepts).
    exclude
        Shape (n, e) orthonormal vectors kept out of every block (the translations), or None.

    Examples
    --------
    >>> h = scipy.sparse.diags([1.0, 2.0, 3.0])
    >>> backend = SolverBackend("numpy", h, None)
    >>> backend.apply(np.eye(3)).diagonal().tolist()
    [1.0, 2.0, 3.0]
    >>> bool(3.0 <= spectral_upper_bound(backend) <= 3.1)
    True
    """

    def __init__(self, name: str, matrix: Any, exclude: np.ndarray | None) -> None:
        self.name = name
        csr = scipy.sparse.csr_matrix(matrix, dtype=np.float64)
        csr.sort_indices()
        self.n = csr.shape[0]
        self.products = 0
        if name == "cupy":
            try:
                import cupy
                import cupyx.scipy.sparse
            except ImportError as exc:  # pragma: no cover - depends on the machine
                raise ImportError(
                    "backend='cupy' needs CuPy and a CUDA GPU: pip install cupy-cuda12x (or cupy-cuda13x, "
                    "matching the CUDA driver); or use backend='numpy'"
                ) from exc
            self.xp = cupy
            self.matrix = cupyx.scipy.sparse.csr_matrix(csr)
            self._step = cupy.ElementwiseKernel(
                "float64 ax, float64 x, float64 alpha, float64 shift, float64 beta",
                "float64 out",
                "out = alpha * (ax - shift * x) - beta * out",
                "vdos_cheb_step",
            )
        else:
            self.xp = np
            self.matrix = csr
            self.indptr = csr.indptr.astype(np.int64)
            self.indices = csr.indices.astype(np.int64)
            self.data = csr.data
        xp = self.xp
        if exclude is None or np.size(exclude) == 0:
            self.basis = None
        else:
            self.basis = xp.asarray(np.ascontiguousarray(np.asarray(exclude, dtype=np.float64).reshape(self.n, -1)))

    def project(self, x: Any) -> Any:
        if self.basis is not None:
            x -= self.basis @ (self.basis.T @ x)
        return x

    def step(self, x: Any, alpha: float, shift: float, beta: float, out: Any) -> Any:
        """out ← alpha (H x − shift x) − beta out (no projection: H maps the excluded exact
        eigenvectors to ~0, so a filter adds nothing along them beyond rounding; the caller
        projects once per filter, which also keeps BLAS calls out of the threaded loop)."""
        self.products += x.shape[1]
        if self.name == "cupy":
            self._step(self.matrix @ x, x, alpha, shift, beta, out)
        else:
            csr_block_product(self.indptr, self.indices, self.data, x, alpha, shift, beta, out)
        return out

    def apply(self, x: Any) -> Any:
        """P H x (a new array)."""
        out = self.xp.zeros_like(x)
        return self.project(self.step(x, 1.0, 0.0, 0.0, out))

    def to_host(self, x: Any) -> np.ndarray:
        return x.get() if self.name == "cupy" else np.asarray(x)

    def synchronize(self) -> None:
        if self.name == "cupy":
            self.xp.cuda.Device().synchronize()


def spectral_upper_bound(backend: SolverBackend, steps: int = 60, seed: int = 0) -> float:
    """b ≥ λ_max of P H P from ``steps`` Lanczos steps (Zhou–Li bound θ_max + |β s_last|, + 2 %)."""
    xp = backend.xp
    rng = np.random.default_rng(seed)
    v = backend.project(xp.asarray(rng.standard_normal((backend.n, 1))))
    v /= xp.linalg.norm(v)
    v_prev = xp.zeros_like(v)
    alphas, betas = [], []
    beta = 0.0
    for _ in range(min(steps, backend.n)):
        w = backend.apply(v)
        alpha = float((v.T @ w)[0, 0])
        w -= alpha * v + beta * v_prev
        beta = float(xp.linalg.norm(w))
        alphas.append(alpha)
        betas.append(beta)
        if beta <= 1e-14 * max(abs(alpha), 1.0):
            break
        v_prev, v = v, w / beta
    tri = np.diag(alphas) + np.diag(betas[:-1], 1) + np.diag(betas[:-1], -1)
    ritz, vectors = np.linalg.eigh(tri)
    # Zhou & Li (2011): λ_max ≤ θ_max + |β_last s_last| in practice; 2 % margin on top
    return float(ritz[-1] + abs(betas[-1] * vectors[-1, -1])) * 1.02


def _sign_fix(vectors: np.ndarray) -> np.ndarray:
    largest = np.argmax(np.abs(vectors), axis=0)
    signs = np.sign(vectors[largest, np.arange(vectors.shape[1])])
    return vectors * np.where(signs == 0, 1.0, signs)


def _rayleigh_ritz(backend: SolverBackend, y: Any) -> tuple[np.ndarray, Any, Any]:
    """Orthonormalise y (QR) and rotate to Ritz vectors: (θ ascending, X, H X)."""
    xp = backend.xp
    q, _ = xp.linalg.qr(y)
    hq = backend.apply(q)
    g = q.T @ hq
    theta, w = xp.linalg.eigh(0.5 * (g + g.T))
    return backend.to_host(theta), q @ w, hq @ w


def _chebyshev(
    backend: SolverBackend, k: int, p: int, tol: float, bound: float, max_iterations: int, max_degree: int, seed: int
) -> tuple[np.ndarray, Any, np.ndarray, int]:
    xp = backend.xp
    rng = np.random.default_rng(seed + 1)
    x = backend.project(xp.asarray(rng.standard_normal((backend.n, p))))
    theta, x, hx = _rayleigh_ritz(backend, x)
    target = tol * bound
    degree = 8
    iterations = 0
    residuals = np.full(k, np.inf)
    while True:
        r = hx[:, :k] - x[:, :k] * xp.asarray(theta[None, :k])
        residuals = backend.to_host(xp.linalg.norm(r, axis=0))
        if np.all(residuals <= target) or iterations >= max_iterations:
            break
        # filter bounds: damp [cut, b], grow below the cut; scale by the lowest Ritz value
        cut = float(theta[-1])
        centre, half = 0.5 * (bound + cut), 0.5 * (bound - cut)
        if iterations >= 1:
            # degree for the slowest unconverged wanted mode: residual ~ exp(−m arccosh|x_i|)
            xi = np.abs((theta[:k] - centre) / half)
            rate = np.arccosh(np.maximum(xi, 1.0 + 1e-12))
            need = np.log(np.maximum(residuals / (0.5 * target), 1.0)) / rate
            degree = int(np.clip(np.ceil(need[residuals > target].max()), 4, max_degree))
        # scaled three-term recurrence (Zhou & Saad 2007, Algorithm 4.1 with a lower scaling point)
        sigma = half / (float(theta[0]) - centre)
        sigma1 = sigma
        y_prev = x
        y = xp.zeros_like(x)
        y = backend.step(x, sigma1 / half, centre, 0.0, y)
        for _ in range(2, degree + 1):
            sigma2 = 1.0 / (2.0 / sigma1 - sigma)
            # new = 2σ₂/e (H y − c y) − σ σ₂ y_prev, written over y_prev
            y_prev = backend.step(y, 2.0 * sigma2 / half, centre, sigma * sigma2, y_prev)
            y, y_prev = y_prev, y
            sigma = sigma2
        theta, x, hx = _rayleigh_ritz(backend, backend.project(y))
        iterations += 1
    return theta[:k], x[:, :k], residuals, iterations


def _lobpcg(
    backend: SolverBackend, k: int, p: int, tol: float, bound: float, max_iterations: int, seed: int
) -> tuple[np.ndarray, Any, np.ndarray, int]:
    xp = backend.xp
    rng = np.random.default_rng(seed + 1)
    x0 = backend.project(xp.asarray(rng.standard_normal((backend.n, p))))
    diag = backend.matrix.diagonal()
    inv = 1.0 / xp.where(diag > 0, diag, 1.0)
    if backend.name == "cupy":
        from cupyx.scipy.sparse import linalg
    else:
        linalg = scipy.sparse.linalg
    counter = {"n": 0}

    def matmat(v: Any) -> Any:
        v = v.reshape(backend.n, -1)
        counter["n"] += v.shape[1]
        return backend.matrix @ v

    def precond(v: Any) -> Any:
        v = v.reshape(backend.n, -1)
        return backend.project(inv[:, None] * v)

    a_op = linalg.LinearOperator((backend.n, backend.n), matvec=matmat, matmat=matmat, dtype=np.float64)
    m_op = linalg.LinearOperator((backend.n, backend.n), matvec=precond, matmat=precond, dtype=np.float64)
    kwargs: dict[str, Any] = {"largest": False, "tol": tol * bound, "maxiter": max_iterations}
    if backend.basis is not None:
        kwargs["Y"] = backend.basis
    with warnings.catch_warnings():  # "not reaching the requested tolerance" (buffer vectors): judged below
        warnings.simplefilter("ignore", UserWarning)
        values, vectors, history = linalg.lobpcg(a_op, x0, M=m_op, retResidualNormsHistory=True, **kwargs)
    backend.products += counter["n"]
    values = backend.to_host(values)
    order = np.argsort(values)[:k]
    vectors = vectors[:, xp.asarray(order)]
    values = values[order]
    hx = backend.apply(vectors)
    residuals = backend.to_host(xp.linalg.norm(hx - vectors * xp.asarray(values[None, :]), axis=0))
    return values, vectors, residuals, len(history)


def _arpack(
    backend: SolverBackend, k: int, tol: float, bound: float, max_iterations: int, seed: int
) -> tuple[np.ndarray, Any, np.ndarray, int]:
    """The k lowest modes by implicitly restarted Lanczos (:func:`scipy.sparse.linalg.eigsh`, ``which="SA"``) on
    H + b·BBᵀ: the excluded subspace B is lifted to the spectral bound b, so the k smallest eigenpairs are the k
    lowest outside it (no factorisation, no shift).  CPU only."""
    if backend.name != "numpy":
        raise ValueError("method='arpack' runs on the CPU only; use backend='numpy' (or method='chebyshev' on a GPU)")
    counter = {"n": 0}
    basis = backend.basis

    def matvec(v: np.ndarray) -> np.ndarray:
        v = np.asarray(v, dtype=np.float64).reshape(backend.n, -1)
        counter["n"] += v.shape[1]
        out = backend.matrix @ v
        if basis is not None:
            out += bound * (basis @ (basis.T @ v))
        return out

    op = scipy.sparse.linalg.LinearOperator((backend.n, backend.n), matvec=matvec, matmat=matvec, dtype=np.float64)
    v0 = backend.project(np.random.default_rng(seed + 2).standard_normal((backend.n, 1)))[:, 0]
    # eigsh's tol is on the Ritz values' relative accuracy; ‖Hv − λv‖ ≤ tol·b is checked below.  The Krylov space:
    # at least ARPACK_MIN_EXTRA vectors beyond k (scipy's default 2k + 1 restarts too often for small k: half the CPU
    # at N = 4000, k = 20; unchanged from k = 40 on, where 2k + 1 is larger)
    ncv = min(backend.n, max(2 * k + 1, k + ARPACK_MIN_EXTRA))
    values, vectors = scipy.sparse.linalg.eigsh(
        op, k=k, which="SA", tol=tol, v0=v0, ncv=ncv, maxiter=max_iterations * backend.n
    )
    backend.products += counter["n"]
    order = np.argsort(values)
    values, vectors = values[order], backend.project(np.ascontiguousarray(vectors[:, order]))
    hx = backend.apply(vectors)
    residuals = np.linalg.norm(hx - vectors * values[None, :], axis=0)
    return values, vectors, residuals, counter["n"]


def lowest_modes(
    matrix: Any,
    k: int,
    exclude: np.ndarray | None = None,
    *,
    method: str = "chebyshev",
    backend: str = "numpy",
    tol: float = 1e-9,
    buffer: int | None = None,
    max_iterations: int = 500,
    max_degree: int = 60,
    seed: int = 0,
) -> LowestModes:
    """The k lowest eigenpairs of a sparse symmetric PSD matrix outside a known subspace.

    Parameters
    ----------
    matrix
        Real symmetric, positive semi-definite sparse matrix H (any
        :mod:`scipy.sparse` format or dense), shape (n, n).
    k
        Number of modes, 1 ≤ k ≤ n − p_excluded − buffer.
    exclude
        Shape (n, p), orthonormal columns spanning exact eigenvectors to
        skip (:func:`vdosbench.generators.spectra.translation_modes`).
    method
        ``"chebyshev"`` (filtered subspace iteration), ``"lobpcg"`` or
        ``"arpack"`` (:func:`scipy.sparse.linalg.eigsh`, smallest algebraic,
        with the excluded subspace lifted to the spectral bound; CPU only;
        ``iterations`` counts its operator products).
    backend
        ``"numpy"`` (CPU, numba threads) or ``"cupy"`` (GPU; needs CuPy).
    tol
        Convergence: ‖Hv − λv‖ ≤ tol · b with b ≥ λ_max.
    buffer
        Extra block vectors (default max(10, k // 2) for Chebyshev, 5 for
        LOBPCG).
    max_iterations
        Limit on outer iterations.
    max_degree
        Largest Chebyshev degree per outer iteration.
    seed
        Seed of the random start block (results are reproducible).

    Returns
    -------
    LowestModes

    Examples
    --------
    >>> import scipy.sparse
    >>> ring = scipy.sparse.diags([-np.ones(39), 2 * np.ones(40), -np.ones(39)], [-1, 0, 1]).tolil()
    >>> ring[0, 39] = ring[39, 0] = -1.0             # a ring of 40 unit springs
    >>> out = lowest_modes(ring.tocsr(), 2, exclude=np.full((40, 1), 40 ** -0.5), buffer=6)
    >>> np.round(out.eigenvalues, 10).tolist()       # 2 − 2 cos(2π/40), twice
    [0.0246233188, 0.0246233188]
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, found {method!r}")
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, found {backend!r}")
    start = time.perf_counter()
    be = SolverBackend(backend, matrix, exclude)
    n_excluded = 0 if be.basis is None else int(be.basis.shape[1])
    extra = {"chebyshev": max(10, k // 2), "lobpcg": 5, "arpack": 1}[method] if buffer is None else int(buffer)
    p = k + extra
    if not (1 <= k and extra >= 0 and p <= be.n - n_excluded):
        raise ValueError(
            f"need 1 ≤ k and k + buffer ≤ n − {n_excluded} = {be.n - n_excluded}, found k={k}, buffer={extra}; "
            "use vdosbench.generators.spectra.dense_spectrum for small matrices"
        )
    if not tol > 0:
        raise ValueError(f"tol must be > 0, found {tol}")
    bound = spectral_upper_bound(be, seed=seed)
    if method == "chebyshev":
        values, vectors, residuals, iterations = _chebyshev(be, k, p, tol, bound, max_iterations, max_degree, seed)
    elif method == "arpack":
        values, vectors, residuals, iterations = _arpack(be, k, tol, bound, max_iterations, seed)
    else:
        values, vectors, residuals, iterations = _lobpcg(be, k, p, tol, bound, max_iterations, seed)
    be.products += k  # the final residual check
    host = _sign_fix(np.ascontiguousarray(be.to_host(vectors)))
    be.synchronize()
    return LowestModes(
        eigenvalues=np.asarray(values, dtype=np.float64),
        eigenvectors=host,
        residuals=np.asarray(residuals, dtype=np.float64),
        spectral_bound=float(bound),
        converged=bool(np.all(residuals <= tol * bound)),
        iterations=int(iterations),
        block_products=int(be.products),
        method=method,
        backend=backend,
        seconds=time.perf_counter() - start,
    )
