"""A stochastic Chebyshev eigencount with its error bar, where a sparse LDLᵀ does not fit (issue 67 item 3).

The number of eigenvalues of a symmetric A below σ is tr θ(σ − A).  The kernel polynomial method (KPM) expands
the step in Chebyshev polynomials of the scaled matrix X = (2A − (b + a)I)/(b − a), spectrum in [−1, 1]
(a, b: Gershgorin bounds, rigorous and free),

    θ(x₀ − x) ≈ f(x) = Σ_{k=0}^{M} g_k c_k T_k(x),   c₀ = (π − θ₀)/π,  c_k = −2 sin(kθ₀)/(kπ),  θ₀ = arccos x₀,

with the Jackson damping g_k (no Gibbs oscillation: f stays in [0, 1] up to round-off, and the step is smeared over
a width δ ≈ π(b − a)/(2(M + 1)) in λ), and estimates the trace by Hutchinson's method: for Rademacher vectors v,
E[vᵀ f(A) v] = tr f(A); the mean over n_v vectors has a standard error s/√n_v from their scatter (Hutchinson 1990;
Weiße, Wellein, Alvermann & Fehske, Rev. Mod. Phys. 78, 275 (2006); Di Napoli, Polizzi & Saad, Numer. Linear
Algebra Appl. 23, 674 (2016)).  Cost: M · n_v sparse matrix-vector products, memory O(n · n_v): no factorisation.

Certifying a solver's modes (:func:`certify_by_eigencount`): with the returned eigenvalues λ₁ ≤ … ≤ λ_k, the
polynomial is known at each, so

    unaccounted = tr f(A) − Σ_i f(λ_i)

estimates Σ f over the eigenvalues the solver did *not* return: ≈ 1 for each missed eigenvalue well below σ, ≈ 0
for those above.  Those above λ_k add at most (n − k) · max_{λ ≥ λ_k} f(λ) (the *tail allowance*, computed on a
grid of the polynomial), so a missed mode is *detected* when unaccounted exceeds z·SE plus that allowance.  The
count is blind to a missed mode within about δ below σ (it counts fractionally there): δ is reported, and the
degree is chosen so that δ is a tenth of the gap between the two largest returned eigenvalues, σ halfway between
them (so λ_k lies 5δ above σ, where the smoothed step has fallen to about 1e-6), capped by ``max_degree`` (the cap is
stated when it binds).  Gershgorin bounds are rigorous but can be wide (a dense matrix); pass tighter ``bounds``
(e.g. a Lanczos estimate of the largest eigenvalue with a margin) to lower the degree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse

__all__ = [
    "EigencountCertificate",
    "StochasticCount",
    "certify_by_eigencount",
    "gershgorin_bounds",
    "stochastic_count_below",
]

#: Standard errors a detection must exceed (one-sided, about 1 false alarm in 700 without a missed mode).
DETECTION_Z = 3.0


def gershgorin_bounds(matrix: np.ndarray | scipy.sparse.spmatrix) -> tuple[float, float]:
    """(a, b) containing every eigenvalue of the symmetric ``matrix``: min/max of A_ii ∓ Σ_{j≠i} |A_ij|.

    Examples
    --------
    >>> gershgorin_bounds(np.array([[2.0, -1.0], [-1.0, 2.0]]))
    (1.0, 3.0)
    """
    a = scipy.sparse.csr_matrix(matrix)
    diag = a.diagonal()
    radius = np.asarray(abs(a).sum(axis=1)).ravel() - np.abs(diag)
    return float(np.min(diag - radius)), float(np.max(diag + radius))


def _jackson(m: int) -> np.ndarray:
    k = np.arange(m + 1)
    q = math.pi / (m + 1)
    return ((m - k + 1) * np.cos(q * k) + np.sin(q * k) / math.tan(q)) / (m + 1)


def _step_coefficients(x0: float, m: int) -> np.ndarray:
    theta0 = math.acos(min(1.0, max(-1.0, x0)))
    k = np.arange(1, m + 1)
    c = np.empty(m + 1)
    c[0] = (math.pi - theta0) / math.pi
    c[1:] = -2.0 * np.sin(k * theta0) / (k * math.pi)
    return c * _jackson(m)


@dataclass(frozen=True)
class StochasticCount:
    """Output of :func:`stochastic_count_below`.

    Attributes
    ----------
    sigma
        The shift.
    estimate, standard_error
        Hutchinson's estimate of tr f(A) and its standard error over the probe vectors.
    resolution
        δ = π(b − a)/(2(M + 1)): eigenvalues within about δ of σ count fractionally.
    degree, n_vectors, bounds, seed
        M, n_v, (a, b), the probes' seed.
    coefficients
        The damped Chebyshev coefficients g_k c_k (to evaluate f at any λ: :meth:`weight`).
    """

    sigma: float
    estimate: float
    standard_error: float
    resolution: float
    degree: int
    n_vectors: int
    bounds: tuple[float, float]
    seed: int
    coefficients: np.ndarray

    def weight(self, eigenvalues: np.ndarray) -> np.ndarray:
        """f(λ): the weight the smoothed step gives each eigenvalue (≈ 1 well below σ, ≈ 0 well above)."""
        a, b = self.bounds
        x = np.clip((2.0 * np.asarray(eigenvalues, dtype=float) - (b + a)) / (b - a), -1.0, 1.0)
        return np.polynomial.chebyshev.chebval(x, self.coefficients)


def _count_bounds(
    matrix: np.ndarray | scipy.sparse.spmatrix,
    sigma: float,
    degree: int,
    n_vectors: int,
    bounds: tuple[float, float] | None,
) -> tuple[float, float]:
    """The spectral bounds (a, b), after checking the matrix is square, the settings usable and σ inside."""
    n = matrix.shape[0]
    if matrix.ndim != 2 or matrix.shape[1] != n:
        raise ValueError(f"matrix has shape {matrix.shape}; expected a square symmetric (n, n) matrix")
    if degree < 1 or n_vectors < 2:
        raise ValueError(
            f"degree = {degree}, n_vectors = {n_vectors}; expected degree >= 1 and n_vectors >= 2 "
            "(the standard error needs two probes)"
        )
    a, b = gershgorin_bounds(matrix) if bounds is None else (float(bounds[0]), float(bounds[1]))
    if not a < sigma < b:
        raise ValueError(
            f"sigma = {sigma} lies outside the spectral bounds ({a}, {b}); expected a shift inside "
            "them (every eigenvalue is below b and above a)"
        )
    return a, b


def _probe_traces(
    matrix: np.ndarray | scipy.sparse.spmatrix, v: np.ndarray, coefficients: np.ndarray, bounds: tuple[float, float]
) -> np.ndarray:
    """vᵀ f(A) v for each probe column: the Chebyshev recursion on the scaled matrix, summed with the coefficients."""
    a, b = bounds
    op = scipy.sparse.csr_matrix(matrix) if scipy.sparse.issparse(matrix) else np.asarray(matrix, dtype=float)
    scale, shift = 2.0 / (b - a), (b + a) / (b - a)

    def apply(x: np.ndarray) -> np.ndarray:
        return scale * (op @ x) - shift * x

    t_prev, t_now = v, apply(v)
    acc = coefficients[0] * np.sum(v * t_prev, axis=0) + coefficients[1] * np.sum(v * t_now, axis=0)
    for k in range(2, coefficients.size):
        t_prev, t_now = t_now, 2.0 * apply(t_now) - t_prev
        acc += coefficients[k] * np.sum(v * t_now, axis=0)
    return acc


def stochastic_count_below(
    matrix: np.ndarray | scipy.sparse.spmatrix,
    sigma: float,
    *,
    degree: int = 500,
    n_vectors: int = 64,
    bounds: tuple[float, float] | None = None,
    seed: int = 0,
    deflate: np.ndarray | None = None,
) -> StochasticCount:
    """The number of eigenvalues of a symmetric matrix below ``sigma`` by KPM and Hutchinson (module docstring).

    Parameters
    ----------
    matrix
        (n, n) symmetric, dense or sparse.
    sigma
        The shift, inside the spectral bounds.
    degree
        M, the polynomial degree (resolution δ ∝ 1/M).
    n_vectors
        Rademacher probe vectors (standard error ∝ n_v^(−1/2)).
    bounds
        (a, b) enclosing the spectrum; default :func:`gershgorin_bounds`.
    seed
        Seed of the probes' :func:`numpy.random.default_rng`.
    deflate
        (n, k) orthonormal columns Q: the probes are projected to v − Q Qᵀ v, so the estimate is
        tr((I − QQᵀ) f(A) (I − QQᵀ)): with Q the eigenvectors of found modes, the count of the modes *not* in Q.

    Raises
    ------
    ValueError
        If the matrix is not square, ``sigma`` lies outside the bounds, or degree / n_vectors are below 1 / 2.

    Examples
    --------
    >>> a = scipy.sparse.diags(np.linspace(1.0, 10.0, 200))   # 67 eigenvalues below 4.01
    >>> c = stochastic_count_below(a, 4.01, degree=2000, n_vectors=20)
    >>> bool(abs(c.estimate - 67) < 0.5), bool(c.standard_error < 1e-9)  # diagonal: every probe gives the trace
    (True, True)
    """
    n = matrix.shape[0]
    a, b = _count_bounds(matrix, sigma, degree, n_vectors, bounds)
    coefficients = _step_coefficients((2.0 * sigma - (b + a)) / (b - a), degree)
    v = np.random.default_rng(seed).choice(np.array([-1.0, 1.0]), size=(n, n_vectors))
    if deflate is not None:
        q = np.asarray(deflate, dtype=float).reshape(n, -1)
        v = v - q @ (q.T @ v)
    acc = _probe_traces(matrix, v, coefficients, (a, b))
    return StochasticCount(
        float(sigma),
        float(acc.mean()),
        float(acc.std(ddof=1) / math.sqrt(n_vectors)),
        math.pi * (b - a) / (2.0 * (degree + 1)),
        int(degree),
        int(n_vectors),
        (a, b),
        int(seed),
        coefficients,
    )


@dataclass(frozen=True)
class EigencountCertificate:
    """Output of :func:`certify_by_eigencount`.

    Attributes
    ----------
    count
        The :class:`StochasticCount` at σ.
    returned_below
        Returned eigenvalues below σ.
    unaccounted, standard_error
        tr f(A) − Σ f(returned) (≈ the number of missed modes below σ) and its standard error.
    tail_allowance
        (n − k) · max f on [λ_k, b]: the most the unreturned eigenvalues above σ can add.
    missed_detected
        unaccounted > DETECTION_Z · SE + tail_allowance.
    note
        Where the degree cap made δ wider than a tenth of the gap, it says so.
    """

    count: StochasticCount
    returned_below: int
    unaccounted: float
    standard_error: float
    tail_allowance: float
    missed_detected: bool
    note: str


def certify_by_eigencount(
    matrix: np.ndarray | scipy.sparse.spmatrix,
    eigenvalues: np.ndarray,
    *,
    eigenvectors: np.ndarray | None = None,
    n_vectors: int = 64,
    max_degree: int = 20000,
    bounds: tuple[float, float] | None = None,
    seed: int = 0,
) -> EigencountCertificate:
    """Whether a solver's lowest eigenvalues miss one below σ, by the stochastic count (module docstring).

    σ lies halfway between the two largest returned eigenvalues (as :func:`.inertia.certify_lowest_modes`);
    the degree makes δ a tenth of their gap, at most ``max_degree``.

    The error bar of Hutchinson's trace of a smoothed projector of rank r is about √(2r/n_v): without vectors, a
    missed mode stands out at 3 SE only with n_v ≳ 40 r probes (r the modes below σ).  Given the returned
    ``eigenvectors`` (n, k), the probes are deflated by them (:func:`stochastic_count_below`'s ``deflate``): the
    estimate is then the count of the modes not returned directly, its variance set by the missed modes alone,
    and a few dozen probes suffice.

    Examples
    --------
    >>> lam = np.concatenate([[0.5], np.linspace(1.0, 9.0, 99)])
    >>> a = scipy.sparse.diags(lam)            # a diagonal matrix: the probes give its trace exactly
    >>> certify_by_eigencount(a, lam[:6]).missed_detected, certify_by_eigencount(a, lam[1:7]).missed_detected
    (False, True)
    """
    lam = np.sort(np.asarray(eigenvalues, dtype=float)[np.isfinite(eigenvalues)])
    if lam.size < 2:
        raise ValueError(
            f"{lam.size} finite eigenvalue(s) returned; expected at least 2 (the shift lies between the two largest)"
        )
    gap = lam[-1] - lam[-2]
    a, b = gershgorin_bounds(matrix) if bounds is None else (float(bounds[0]), float(bounds[1]))
    if gap <= 1e-12 * (b - a):
        raise ValueError(
            f"the two largest returned eigenvalues {lam[-2]} and {lam[-1]} coincide; expected a gap "
            "between them to place the shift (return one more mode)"
        )
    sigma = 0.5 * (lam[-2] + lam[-1])
    wanted = math.ceil(math.pi * (b - a) / (2.0 * gap / 10.0)) - 1
    degree = max(8, min(wanted, int(max_degree)))
    note = (
        ""
        if degree >= wanted
        else (
            f"degree capped at {degree} (wanted {wanted}): resolution "
            f"{math.pi * (b - a) / (2 * (degree + 1)):.3g} wider than a tenth of the gap "
            f"{gap:.3g}, a missed mode close below sigma counts only in part"
        )
    )
    q = None
    if eigenvectors is not None:
        vectors = np.asarray(eigenvectors, dtype=float)
        if vectors.shape != (matrix.shape[0], np.asarray(eigenvalues).size):
            raise ValueError(
                f"eigenvectors have shape {vectors.shape}; expected (n, k) = "
                f"({matrix.shape[0]}, {np.asarray(eigenvalues).size}), one column per eigenvalue"
            )
        q, _ = np.linalg.qr(vectors[:, np.isfinite(np.asarray(eigenvalues, dtype=float))])
    count = stochastic_count_below(
        matrix, sigma, degree=degree, n_vectors=n_vectors, bounds=(a, b), seed=seed, deflate=q
    )
    unaccounted = count.estimate - (0.0 if q is not None else float(np.sum(count.weight(lam))))
    grid = np.linspace(lam[-1], b, 4001)
    tail = (matrix.shape[0] - lam.size) * max(0.0, float(np.max(count.weight(grid))))
    detected = unaccounted > DETECTION_Z * count.standard_error + tail
    return EigencountCertificate(
        count, int(np.sum(lam < sigma)), float(unaccounted), count.standard_error, float(tail), bool(detected), note
    )
