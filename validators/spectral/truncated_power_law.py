"""Maximum likelihood for a power law truncated to a window: p(ω) = (s+1) ω^s / (b^(s+1) − a^(s+1)) on (a, b].

With y = log(b/ω) the density of y is ∝ e^(−u y) on [0, ℓ), u = s+1,
ℓ = log(b/a); the score equation Σ_j n_j m(u, ℓ_j) = Σ y, with
m(u, ℓ) = 1/u − ℓ/(e^(uℓ) − 1) the mean of y, is solved by Newton steps inside a
bisection bracket (the log-likelihood is concave in u), and the Fisher standard
error comes with it.  The ``mle`` estimator of :mod:`.power_law` and the
stress exponents of :mod:`vdosbench.validators.structure.stresses` both use it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

__all__ = ["solve_truncated_power_law", "truncated_power_law_mle"]


def _dot(a: np.ndarray, b: np.ndarray) -> float:
    """Σ a·b without BLAS (avoids thread start-up and oversubscription on small vectors)."""
    return float(np.sum(a * b))


def _mean_y(u: float, ell: np.ndarray) -> np.ndarray:
    """E[y] for density ∝ e^(−u y) on [0, ℓ) (ℓ may be inf: then 1/u); u = 0 gives ℓ/2."""
    u = np.float64(u)  # numpy division: u = 0 takes the series branch instead of raising
    ell = np.asarray(ell, dtype=float)
    out = np.empty(ell.shape)
    inf = np.isinf(ell)
    out[inf] = 1.0 / u if u > 0 else np.inf
    fin = ~inf
    x = u * ell[fin]
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        direct = 1.0 / u - ell[fin] / np.expm1(x)
    series = ell[fin] * (0.5 - x / 12.0 + x**3 / 720.0)
    out[fin] = np.where(np.abs(x) < 1e-3, series, direct)
    return out


def _var_y(u: float, ell: np.ndarray) -> np.ndarray:
    """Var[y] for density ∝ e^(−u y) on [0, ℓ) (1/u² for ℓ = inf); u = 0 gives ℓ²/12."""
    u = np.float64(u)  # numpy division: u = 0 takes the series branch instead of raising
    ell = np.asarray(ell, dtype=float)
    out = np.empty(ell.shape)
    inf = np.isinf(ell)
    out[inf] = 1.0 / u**2 if u > 0 else np.inf
    fin = ~inf
    x = u * ell[fin]
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        direct = 1.0 / u**2 - ell[fin] ** 2 / (4.0 * np.sinh(0.5 * x) ** 2)
    series = ell[fin] ** 2 * (1.0 / 12.0 - x**2 / 240.0)
    out[fin] = np.where(np.abs(x) < 1e-3, series, direct)
    return out


def _log_z(u: float, ell: np.ndarray) -> np.ndarray:
    """log ∫₀^ℓ e^(−u y) dy (inf when it diverges)."""
    ell = np.asarray(ell, dtype=float)
    out = np.empty(ell.shape)
    inf = np.isinf(ell)
    out[inf] = -math.log(u) if u > 0 else np.inf
    fin = ~inf
    x = u * ell[fin]
    with np.errstate(divide="ignore", invalid="ignore"):
        direct = np.maximum(-x, 0.0) + np.log(-np.expm1(-np.abs(x))) - math.log(abs(u)) if u != 0 else np.zeros(x.shape)
    out[fin] = np.where(np.abs(x) < 1e-8, np.log(ell[fin]) - 0.5 * x, direct)
    return out


def _scalar_moments(u: float, ell: float) -> tuple[float, float]:
    """(E y, Var y) for density ∝ e^(−u y) on [0, ℓ), scalar fast path of :func:`_mean_y`, :func:`_var_y`."""
    if math.isinf(ell):
        return (1.0 / u, 1.0 / u**2) if u > 0 else (math.inf, math.inf)
    x = u * ell
    if abs(x) < 1e-3:
        return ell * (0.5 - x / 12.0 + x**3 / 720.0), ell**2 * (1.0 / 12.0 - x**2 / 240.0)
    if x > 700.0:
        return 1.0 / u, 1.0 / u**2
    if x < -700.0:
        return 1.0 / u + ell, 1.0 / u**2
    return 1.0 / u - ell / math.expm1(x), 1.0 / u**2 - ell**2 / (4.0 * math.sinh(0.5 * x) ** 2)


def _moments(u: float, n_group: np.ndarray, ell_group: np.ndarray) -> tuple[float, float]:
    """(Σ_g n_g E_u y, Σ_g n_g Var_u y)."""
    if ell_group.size <= 8:
        m = v = 0.0
        for n, ell in zip(n_group.tolist(), ell_group.tolist()):
            mg, vg = _scalar_moments(u, ell)
            m += n * mg
            v += n * vg
        return m, v
    return _dot(n_group, _mean_y(u, ell_group)), _dot(n_group, _var_y(u, ell_group))


def _solve_mle(n_group: np.ndarray, ell_group: np.ndarray, total_y: float) -> float:
    """u = s+1 solving Σ_g n_g m(u, ℓ_g) = Σ y (the score equation); NaN without data.

    Safeguarded Newton (the score is decreasing, its derivative is minus the
    Fisher information) inside a bracket [lo, hi] with score(lo) > 0 >= score(hi).
    """
    keep = n_group > 0
    n_group, ell_group = n_group[keep], ell_group[keep]
    n = float(n_group.sum())
    if n == 0 or not total_y > 0:
        return float("nan")
    hi = n / total_y  # the closed form for a = 0; m(u, ℓ) <= 1/u makes it an upper bracket
    if np.all(np.isinf(ell_group)):
        return hi
    any_inf = bool(np.any(np.isinf(ell_group)))
    if not any_inf and total_y >= _dot(n_group, ell_group):
        return float("-inf")
    lo = hi
    step = max(1.0, abs(hi))
    while True:  # walk down until the score is positive
        lo = lo / 2.0 if any_inf else lo - step
        step *= 2.0
        if _moments(lo, n_group, ell_group)[0] - total_y > 0:
            break
        if lo < -1e6 or (any_inf and lo < 1e-300):
            return float("-inf")
    u = hi
    for _ in range(200):
        m, v = _moments(u, n_group, ell_group)
        f = m - total_y
        if f > 0:
            lo = u
        else:
            hi = u
        if f == 0 or hi - lo <= 1e-13 * max(1.0, abs(u)):
            break
        newton = u + f / v if v > 0 else math.nan
        u_next = newton if lo < newton < hi else 0.5 * (lo + hi)
        if abs(u_next - u) <= 1e-14 * max(1.0, abs(u)):
            u = u_next
            break
        u = u_next
    return float(u)


def solve_truncated_power_law(count: float, log_ratio_sum: float, log_window: float) -> tuple[float, float]:
    """Exponent and Fisher standard error of p(x) ∝ x^s on (a, b] from its sufficient statistics.

    The one truncated-power-law likelihood of the validators (also used for
    stresses, :mod:`vdosbench.validators.structure.stresses`): with y = log(b/x) the data
    follow a density ∝ e^(−(s+1) y) on [0, log(b/a)).

    Parameters
    ----------
    count
        Number of values in the window.
    log_ratio_sum
        Σ log(b/x) over them.
    log_window
        log(b/a) (``inf`` when a = 0).

    Returns
    -------
    s, standard_error
        NaN without data; ±inf when every value sits at one edge.

    Examples
    --------
    >>> x = np.random.default_rng(0).random(20000) ** (1 / 4)  # p ∝ x³ on (0, 1]
    >>> s, se = solve_truncated_power_law(x.size, float(np.sum(np.log(1 / x))), np.inf)
    >>> bool(abs(s - 3) < 4 * se)
    True
    """
    n = np.array([float(count)])
    ell = np.array([float(log_window)])
    u = _solve_mle(n, ell, float(log_ratio_sum))
    if not math.isfinite(u) or count <= 0:
        return u - 1.0, float("nan")
    return u - 1.0, float(1.0 / math.sqrt(float(count) * _var_y(u, ell)[0]))


def truncated_power_law_mle(
    omega: Sequence[float] | np.ndarray, omega_min: float, omega_max: float
) -> tuple[float, float]:
    """Maximum-likelihood s of p(ω) ∝ ω^s on (omega_min, omega_max], with its Fisher standard error.

    Parameters
    ----------
    omega
        Independent frequencies, shape ``(n,)``, all in (omega_min, omega_max].
    omega_min, omega_max
        The truncation window (units of ω); ``omega_min = 0`` gives the closed
        form s + 1 = n / Σ log(omega_max/ω).

    Returns
    -------
    s, standard_error
        The estimate and 1/√(Fisher information) at it.

    Examples
    --------
    >>> w = np.random.default_rng(0).random(20000) ** (1 / 4)  # g ∝ ω³ on (0, 1]
    >>> s, se = truncated_power_law_mle(w, 0.0, 1.0)
    >>> bool(abs(s - 3) < 4 * se), round(se, 3)
    (True, 0.028)
    """
    w = np.asarray(omega, dtype=float).ravel()
    a, b = float(omega_min), float(omega_max)
    if not (0 <= a < b and math.isfinite(b)):
        raise ValueError(f"window ({a}, {b}]: expected 0 <= omega_min < omega_max < inf")
    if w.size == 0 or np.any(~np.isfinite(w)) or np.any(w <= a) or np.any(w > b):
        raise ValueError(f"omega must be {w.size} > 0 finite frequencies inside ({a}, {b}]")
    return solve_truncated_power_law(w.size, float(np.sum(np.log(b / w))), math.log(b / a) if a > 0 else np.inf)
