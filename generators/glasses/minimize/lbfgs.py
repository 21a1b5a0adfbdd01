"""L-BFGS (Nocedal and Wright 2006, Algorithm 7.4) with a rounding-aware backtracking line search.

The whole iteration (two-loop recursion, line search, Verlet-list upkeep) is one
compiled call (:func:`_lbfgs_run`); :func:`lbfgs_minimize` checks the settings and
drives it.  Design and measurements: :mod:`vdosbench.generators.glasses.minimize`.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .energy import EnergyModel, _evaluate, _max_norm, _refresh
from .preconditioning import _apply_blocks, _block_form, _invert_blocks
from .settings import _check_preconditioner

__all__ = [
    "lbfgs_minimize",
]

# how the compiled L-BFGS loop stopped
_CONVERGED, _ITERATION_LIMIT, _LINE_SEARCH_FAILED = 0, 1, 2


@njit(cache=True)
def _dot(u: np.ndarray, v: np.ndarray) -> float:  # pragma: no cover - compiled
    """uᵀv of two flat arrays with eight partial sums.

    A single running sum is a chain of dependent additions (one per 4 cycles
    or so); eight independent ones let the compiler overlap them without
    reassociating (no ``fastmath``), so the result stays reproducible.
    """
    n = u.size
    m = n - n % 8
    a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = 0.0
    for i in range(0, m, 8):
        a0 += u[i] * v[i]
        a1 += u[i + 1] * v[i + 1]
        a2 += u[i + 2] * v[i + 2]
        a3 += u[i + 3] * v[i + 3]
        a4 += u[i + 4] * v[i + 4]
        a5 += u[i + 5] * v[i + 5]
        a6 += u[i + 6] * v[i + 6]
        a7 += u[i + 7] * v[i + 7]
    for i in range(m, n):
        a0 += u[i] * v[i]
    return ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7))


@njit(cache=True, inline="always")
def _axpy_dot(
    out: np.ndarray, src: np.ndarray, a: float, y: np.ndarray, scale: float, s: np.ndarray
) -> float:  # pragma: no cover - compiled
    """out ← (src + a y) · scale, and return sᵀout with the eight partial sums of :func:`_dot`.

    One pass where the recursion made two (an update, then a dot product
    with the updated vector); ``out`` may be ``src``.  Each element is
    rounded as in the two separate loops (scale = ±1 is exact), so the
    result is bit-identical to them.
    """
    n = out.size
    m = n - n % 8
    a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = 0.0
    for i in range(0, m, 8):
        t0 = (src[i] + a * y[i]) * scale
        t1 = (src[i + 1] + a * y[i + 1]) * scale
        t2 = (src[i + 2] + a * y[i + 2]) * scale
        t3 = (src[i + 3] + a * y[i + 3]) * scale
        t4 = (src[i + 4] + a * y[i + 4]) * scale
        t5 = (src[i + 5] + a * y[i + 5]) * scale
        t6 = (src[i + 6] + a * y[i + 6]) * scale
        t7 = (src[i + 7] + a * y[i + 7]) * scale
        out[i] = t0
        out[i + 1] = t1
        out[i + 2] = t2
        out[i + 3] = t3
        out[i + 4] = t4
        out[i + 5] = t5
        out[i + 6] = t6
        out[i + 7] = t7
        a0 += s[i] * t0
        a1 += s[i + 1] * t1
        a2 += s[i + 2] * t2
        a3 += s[i + 3] * t3
        a4 += s[i + 4] * t4
        a5 += s[i + 5] * t5
        a6 += s[i + 6] * t6
        a7 += s[i + 7] * t7
    for i in range(m, n):
        t = (src[i] + a * y[i]) * scale
        out[i] = t
        a0 += s[i] * t
    return ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7))


@njit(cache=True)
def _two_loop(
    grad: np.ndarray,
    s_buf: np.ndarray,
    y_buf: np.ndarray,
    rho: np.ndarray,
    sy_yy: np.ndarray,
    alpha: np.ndarray,
    stored: int,
    newest: int,
    direction: np.ndarray,
    inverse: np.ndarray,
) -> float:  # pragma: no cover - compiled
    """direction = −H_k ∇V by the L-BFGS two-loop recursion over a ring buffer (Nocedal & Wright Alg. 7.4).

    H₀ = γ P⁻¹ with γ = sᵀy / yᵀP⁻¹y of the newest pair, P⁻¹ the packed
    block-Jacobi ``inverse`` (:func:`_invert_blocks`), or H₀ = (sᵀy / yᵀy) 1
    when ``inverse`` is empty; ``sy_yy`` (memory, 2) holds each stored
    pair's sᵀy and yᵀy, ``rho`` its 1 / sᵀy.
    Returns the slope ∇Vᵀ direction.  ``stored`` ≥ 1.

    Each update of q is fused with the dot product that follows it
    (:func:`_axpy_dot`): 2 m + 1 passes over the vectors instead of 4 m + 4.
    """
    memory = s_buf.shape[0]
    q = direction
    oldest = (newest - stored + 1) % memory
    if inverse.shape[0] > 0:
        gamma = sy_yy[newest, 0] / _block_form(inverse, y_buf[newest])
    else:
        gamma = sy_yy[newest, 0] / sy_yy[newest, 1]
    dot = _dot(s_buf[newest], grad)
    src = grad
    for t in range(stored):  # newest to oldest: q ← q − α_k y_k, α_k = ρ_k s_kᵀq
        k = (newest - t) % memory
        a = rho[k] * dot
        alpha[k] = a
        if t < stored - 1:
            dot = _axpy_dot(q, src, -a, y_buf[k], 1.0, s_buf[(k - 1) % memory])
        elif inverse.shape[0] > 0:  # then q ← γ P⁻¹ q, and y_oldestᵀq for the second loop
            _axpy_dot(q, src, -a, y_buf[k], 1.0, y_buf[oldest])
            _apply_blocks(inverse, q, gamma)
            dot = _dot(y_buf[oldest], q)
        else:  # then q ← γ q
            dot = _axpy_dot(q, src, -a, y_buf[k], gamma, y_buf[oldest])
        src = q
    slope = 0.0
    for t in range(stored - 1, -1, -1):  # oldest to newest: q ← q + (α_k − ρ_k y_kᵀq) s_k
        k = (newest - t) % memory
        b = alpha[k] - rho[k] * dot
        if t > 0:
            dot = _axpy_dot(q, q, b, s_buf[k], 1.0, y_buf[(k + 1) % memory])
        else:  # the last update also negates q into the direction and gives the slope
            slope = _axpy_dot(direction, q, b, s_buf[k], -1.0, grad)
    return slope


@njit(cache=True)
def _lbfgs_run(
    x0: np.ndarray,
    energy0: float,
    grad0: np.ndarray,
    blocks0: np.ndarray,
    lists: tuple,
    references: np.ndarray,
    params: tuple,
    counts: np.ndarray,
    force_tolerance: float,
    max_iterations: int,
    memory: int,
    max_step: float,
    refresh: int,
) -> tuple:  # pragma: no cover - compiled
    """The L-BFGS iteration of :func:`lbfgs_minimize`, Verlet-list upkeep included, compiled.

    With non-empty ``blocks0`` (the diagonal Hessian blocks at ``x0``), H₀ is
    the block-Jacobi inverse at the point of every ``refresh``-th iteration
    (the evaluations that may become that point also return the blocks);
    empty: H₀ = γ 1.

    Returns (x, energy, grad, lists, iterations, evaluations, status);
    ``references`` and ``counts`` are updated as in :func:`_refresh`.  status is
    :data:`_CONVERGED`, :data:`_ITERATION_LIMIT` or :data:`_LINE_SEARCH_FAILED`.
    """
    n, d = x0.shape
    size = n * d
    x = x0.copy()
    grad = grad0.copy()
    energy = energy0
    x_new = np.empty_like(x)
    g_new = np.empty_like(x)
    xf = x.reshape(size)
    gf = grad.reshape(size)
    xnf = x_new.reshape(size)
    gnf = g_new.reshape(size)
    direction = np.empty(size)
    s_vec = np.empty(size)
    y_vec = np.empty(size)
    s_buf = np.zeros((memory, size))
    y_buf = np.zeros((memory, size))
    rho = np.zeros(memory)
    sy_yy = np.zeros((memory, 2))
    alpha = np.zeros(memory)
    stored, newest = 0, -1  # ring buffer of the last ``memory`` (s, y) pairs
    iterations = evaluations = 0
    precondition = blocks0.shape[0] > 0  # no rows: the kernels skip the blocks, the recursion uses γ 1
    blocks = blocks0.copy()
    b_new = np.zeros_like(blocks)
    inverse = np.zeros_like(blocks)
    no_blocks = blocks[:0]
    status = _CONVERGED
    while _max_norm(grad) > force_tolerance:
        if iterations >= max_iterations:
            status = _ITERATION_LIMIT
            break
        if precondition and iterations % refresh == 0:
            _invert_blocks(blocks, inverse)
        renew = precondition and (iterations + 1) % refresh == 0  # the blocks of the next point are wanted
        slope = 0.0
        if stored:
            slope = _two_loop(gf, s_buf, y_buf, rho, sy_yy, alpha, stored, newest, direction, inverse)
        if not slope < 0:  # first iteration, or not a descent direction: restart from steepest descent
            stored, newest = 0, -1
            scale = 0.1 * max_step / max(_max_norm(grad), 1e-300)
            for i in range(size):
                direction[i] = -scale * gf[i]
            slope = _dot(gf, direction)
        largest = _max_norm(direction.reshape(n, d))
        if largest > max_step:
            for i in range(size):
                direction[i] *= max_step / largest
            slope *= max_step / largest
        slack = 1e-12 * max(1.0, abs(energy))
        step = 1.0
        accepted = False
        e_new = energy
        for _ in range(30):
            for i in range(size):
                xnf[i] = xf[i] + step * direction[i]
            lists = _refresh(x_new, lists, references, params, counts, False)
            e_new = _evaluate(x_new, lists, params, g_new, b_new if renew else no_blocks)
            evaluations += 1
            if e_new <= energy + 1e-4 * step * slope + slack:
                accepted = True
                break
            step *= 0.5
        if not accepted:
            status = _LINE_SEARCH_FAILED
            break
        for i in range(size):
            s_vec[i] = xnf[i] - xf[i]
            y_vec[i] = gnf[i] - gf[i]
        sy = _dot(s_vec, y_vec)
        yy = _dot(y_vec, y_vec)
        if sy > 1e-12 * yy:  # keep only pairs with positive curvature
            newest = (newest + 1) % memory
            s_buf[newest] = s_vec
            y_buf[newest] = y_vec
            rho[newest] = 1.0 / sy
            sy_yy[newest, 0] = sy
            sy_yy[newest, 1] = yy
            stored = min(stored + 1, memory)
        x, x_new = x_new, x
        grad, g_new = g_new, grad
        if renew:
            blocks, b_new = b_new, blocks
        xf, xnf = xnf, xf
        gf, gnf = gnf, gf
        energy = e_new
        iterations += 1
    return x, energy, grad, lists, iterations, evaluations, status


def lbfgs_minimize(
    model: EnergyModel,
    positions: np.ndarray,
    force_tolerance: float,
    max_iterations: int,
    memory: int = 10,
    max_step: float = 0.1,
    preconditioner: str = "block_jacobi",
    refresh: int = 5,
) -> tuple[np.ndarray, float, np.ndarray, int, str]:
    """(Preconditioned) L-BFGS descent until max_i |F_i| ≤ ``force_tolerance``.

    Parameters
    ----------
    model
        Energy and gradient.
    positions
        Shape (N, d), the start.
    force_tolerance
        Target of max_i |F_i|.
    max_iterations
        Iteration limit.
    memory
        Number of (s, y) correction pairs (Nocedal & Wright, Algorithm 7.4).
    max_step
        Cap on one particle's displacement per iteration (the step is scaled
        down as a whole).
    preconditioner
        ``"block_jacobi"`` (default): the initial inverse Hessian of each
        iteration is H₀ = γ diag(H_ii)⁻¹, the inverses of the d × d diagonal
        blocks of the analytic Hessian (seed 001 eq. 46), with
        γ = sᵀy / yᵀ diag(H_ii)⁻¹ y; ``"none"``: H₀ = (sᵀy / yᵀy) 1.
    refresh
        The blocks are those of the point of every ``refresh``-th iteration
        (0, refresh, 2 refresh, ...); the kernel returns them with the
        forces of the evaluations that may become such a point.

    Returns
    -------
    positions, energy, gradient, iterations, message
        End point (N, d), V there, ∂V/∂r there (N, d), iterations taken, and
        why it stopped.

    Notes
    -----
    The line search is a backtracking Armijo test with an energy slack of
    10⁻¹² max(1, |V|), the rounding level of the pair sum.  Far from the
    minimum it is an ordinary sufficient-decrease test; near it, once the
    expected decrease is below rounding, every step is taken and the
    iteration is driven by the gradient alone, so it converges to forces far
    below √(λ ε_mach |V|), where an energy-based line search stalls.  A step
    that is not a descent direction clears the memory.

    The block-Jacobi preconditioner accounts for the spread of local
    stiffness (particle sizes 0.73 – 1.62 and their neighbourhoods; the
    smallest eigenvalue of a block ranges over 13 – 175 ε/a² in an N = 1000
    glass).  Its blocks come out of the force kernel (one more pass over
    the pairs, about as dear as the forces, hence the renewal only every
    few iterations); a block that is not positive definite is replaced
    (:func:`_invert_blocks`).  The step P⁻¹∇V need not sum to zero over
    the particles, so the descent may drift by a small uniform translation
    (a zero mode of the periodic box).  Measurements are in the module notes.

    The whole iteration, the Verlet-list check and rebuilds included, is
    one compiled call (:func:`_lbfgs_run`): its cost per iteration is one
    force evaluation plus the O(memory · N d) two-loop recursion, whose dot
    products use eight partial sums (:func:`_dot`), each fused with the
    update before it (:func:`_axpy_dot`).  The model's list state and
    counters are updated on return.
    """
    _check_preconditioner(preconditioner, refresh)
    x = np.array(positions, dtype=np.float64).reshape(model.n_particles, model.dimension)
    blocks = np.empty((model.n_particles if preconditioner == "block_jacobi" else 0, model.block_width))
    energy, grad = model._evaluate_at(x, blocks)  # also makes the model's Verlet list valid at x
    x, energy, grad, model._lists, iterations, evaluations, status = _lbfgs_run(
        x,
        energy,
        grad,
        blocks,
        model._lists,
        model._references,
        model._params,
        model._counts,
        force_tolerance,
        max_iterations,
        memory,
        max_step,
        refresh,
    )
    model.n_evaluations += evaluations
    message = {_CONVERGED: "converged", _ITERATION_LIMIT: f"iteration limit {max_iterations} reached"}.get(
        status, "line search failed"
    )
    return x, float(energy), grad, iterations, message
