"""s from how the low-frequency modes change with the number of particles N (no window shape).

Both estimators take several :class:`.ModeSpectra` points that differ in N
(same protocol, same taper) and use that the nonphononic modes of a box of
N particles have a mean cumulative count Λ(ω) = N B ω^(s+1), while the lowest
phonon falls as ω₀ = 2π c_T/L ∝ N^(−1/d).

``count_scaling``
    The mean number of modes below c·ω₀ᵢ per sample is
    N B (c ω₀)^(s+1) ∝ N^(1 − (s+1)/d) — in 3D N^((2−s)/3) — so the slope b of
    log n̄(N) against log N gives s = d(1 − b) − 1 (3D: s = 2 − 3b), whatever
    the shape of the spectrum inside the window.  ``abscissa="omega0"``
    instead regresses log(n̄/N) on log(c·ω̄₀) (ω̄₀ the geometric mean of the
    point's ω₀ᵢ), slope s + 1, which stays right when G drifts with N.
``extreme_value``
    The lowest mode ω_min of a sample: P(ω_min > ω) = exp(−N B ω^(s+1)) for
    independent levels (a Weibull law of shape s+1, so ω_min^(s+1) is
    exponential), and ⟨ω_min⟩ = Γ(1 + 1/(s+1)) (N B)^(−1/(s+1)) ∝ N^(−1/(s+1));
    the slope b of log⟨ω_min⟩ against log N gives s = −1/b − 1.  A point is
    used only where ω_min lies below that sample's lowest phonon
    (``phonon_factor``·ω₀ᵢ) in every sample (``statistic="mean"``) or in at
    least 75 % of them (``statistic="median"``, whose scaling is the same);
    other points are listed as excluded.  The distribution's shape is checked
    at each point: the Weibull shape fitted by maximum likelihood (its s − 1
    reported as ``s_shape``) and an Anderson–Darling test that
    ω_min^(s+1) (at the fitted s) is exponential.  Level repulsion between
    nonphononic modes makes the law narrower than Weibull without changing
    the scaling; the shape check reports it.

Fits are weighted least squares of the logs, weights 1/σ² from each point's
bootstrap over its independent units; the interval is the percentile
interval of the slope refitted on per-point bootstrap replicates (points
resampled independently: different N are independent samples).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import xarray as xr
from scipy import special, stats

from ..results.result import MIN_GROUPS, Measurement, bootstrap
from .exponent_result import ExponentEstimate
from .mode_spectra import ModeSpectra

__all__ = ["count_scaling", "extreme_value"]

#: Largest fraction of samples whose ω_min may lie above the phonon for the median statistic.
MEDIAN_MAX_CENSORED = 0.25


def _check_points(points: Sequence[ModeSpectra], who: str) -> list[ModeSpectra]:
    pts = list(points)
    if len(pts) < 2:
        raise ValueError(f"{who} needs points at two or more N; found {len(pts)}: pass one ModeSpectra per N")
    ns = [p.n_particles for p in pts]
    if len(set(ns)) != len(ns):
        raise ValueError(f"{who}: two points share N ({sorted(ns)}); expected one point per N (merge them)")
    dims = {p.dimension for p in pts}
    if len(dims) != 1:
        raise ValueError(f"{who}: points mix dimensions {sorted(dims)}; expected one d")
    return sorted(pts, key=lambda p: p.n_particles)


def _wls_slope(x: np.ndarray, y: np.ndarray, sigma: np.ndarray) -> tuple[float, float, float, float]:
    """Slope, intercept, slope standard error and χ² of a weighted straight-line fit."""
    w = 1.0 / sigma**2
    sw, sx, sy = w.sum(), (w * x).sum(), (w * y).sum()
    sxx, sxy = (w * x * x).sum(), (w * x * y).sum()
    det = sw * sxx - sx * sx
    b = (sw * sxy - sx * sy) / det
    a = (sy - b * sx) / sw
    chi2 = float(np.sum(w * (y - a - b * x) ** 2))
    return float(b), float(a), float(math.sqrt(sw / det)), chi2


def _fit(x: np.ndarray, y: np.ndarray, reps: np.ndarray) -> tuple[float, float, np.ndarray]:
    """Slope and χ² with per-point weights from the replicates (n_bootstrap, n_points), and the replicate slopes.

    A point whose replicates do not vary (or are NaN) takes the largest
    finite spread of the others (at least 10⁻³) as its σ.
    """
    sigma = np.std(reps, axis=0, ddof=1)
    sigma = np.where(np.isfinite(sigma) & (sigma > 0), sigma, np.nanmax(np.r_[sigma[np.isfinite(sigma)], 1e-3]))
    b, _, _, chi2 = _wls_slope(x, y, sigma)
    ok = np.all(np.isfinite(reps), axis=1)
    slopes = np.array([_wls_slope(x, r, sigma)[0] for r in reps[ok]])
    return b, chi2, slopes


def _estimate(
    name: str,
    value: float,
    slopes_to_s: np.ndarray,
    confidence: float,
    settings: dict[str, Any],
    curve: xr.Dataset,
    method: str,
    n_samples: int,
    status: str,
    reason: str,
    diagnostics: dict[str, Any],
) -> ExponentEstimate:
    alpha = (1.0 - confidence) / 2.0
    if slopes_to_s.size >= 2:
        lo, hi = np.quantile(slopes_to_s, [alpha, 1.0 - alpha])
        se = float(np.std(slopes_to_s, ddof=1))
    else:
        lo = hi = se = math.nan
    meas = Measurement(name, value, se, float(lo), float(hi), confidence, "1", settings, curve, n_samples, method)
    return ExponentEstimate(meas, {"bootstrap": (float(lo), float(hi))}, status, reason, diagnostics)


def _mean_counts(
    pts: list[ModeSpectra],
    factor: float,
    max_participation: float | None,
    n_bootstrap: int,
    seed: int,
    confidence: float,
) -> tuple[list[float], list[np.ndarray], list[int], list[float]]:
    """Per point: mean count below c·ω₀ᵢ, its bootstrap replicates, independent units, geometric-mean edge."""
    means, reps, n_units, omega0_geo = [], [], [], []
    for j, p in enumerate(pts):
        data = p if max_participation is None else p.filtered(max_participation)
        edge = factor * data.omega0
        data.check_covered(edge, f"count_scaling(factor={factor:g}) at N = {p.n_particles}")
        counts = data.count_below(edge).astype(float)
        boot = bootstrap(
            np.mean, counts, n_bootstrap=n_bootstrap, seed=seed + j, confidence=confidence, groups=data.groups
        )
        means.append(float(boot.value))
        reps.append(boot.replicates if boot.replicates.size else np.full(n_bootstrap, np.nan))
        n_units.append(data.n_groups)
        omega0_geo.append(float(np.exp(np.mean(np.log(edge)))))
    return means, reps, n_units, omega0_geo


def _count_status(pts: list[ModeSpectra], means_a: np.ndarray, n_units: list[int], factor: float) -> tuple[str, str]:
    """("ok", "") or ("inconclusive", why): too few units at a point, or under one mode below the edge."""
    status, reason = "ok", ""
    if min(n_units) < MIN_GROUPS:
        status, reason = (
            "inconclusive",
            f"a point has {min(n_units)} independent units; need {MIN_GROUPS} for its error",
        )
    elif np.any(means_a < 1.0):
        j = int(np.argmin(means_a))
        status, reason = (
            "inconclusive",
            (
                f"N = {pts[j].n_particles} has {means_a[j]:.2g} modes below "
                f"{factor:g} omega0 per sample; need >= 1 (raise c or filter less)"
            ),
        )
    return status, reason


def _count_slope(
    means_a: np.ndarray,
    reps: list[np.ndarray],
    n_arr: np.ndarray,
    omega0_geo: list[float],
    abscissa: str,
    d: int,
) -> tuple[float, np.ndarray, float, float]:
    """s, its replicates, χ² and the fitted slope of the log counts against the abscissa (NaN for a zero count)."""
    if np.any(means_a <= 0):
        value, s_reps, chi2 = math.nan, np.empty(0), math.nan
        b = math.nan
    else:
        logm = np.log(means_a)
        with np.errstate(divide="ignore", invalid="ignore"):
            log_reps = np.log(np.stack(reps, axis=1))
        if abscissa == "n_particles":
            x, y, yr = np.log(n_arr), logm, log_reps
            to_s = lambda b_: d * (1.0 - b_) - 1.0  # noqa: E731
        elif abscissa == "omega0":
            x, y, yr = np.log(np.array(omega0_geo)), logm - np.log(n_arr), log_reps - np.log(n_arr)[None, :]
            to_s = lambda b_: b_ - 1.0  # noqa: E731
        else:
            raise ValueError(f"abscissa is {abscissa!r}; expected 'n_particles' or 'omega0'")
        b, chi2, slopes = _fit(x, y, yr)
        value, s_reps = to_s(b), to_s(slopes)
    return value, s_reps, chi2, b


def _count_curve(means_a: np.ndarray, omega0_geo: list[float], n_arr: np.ndarray, factor: float) -> xr.Dataset:
    """The curve over N: mean count below the edge and the edge's geometric mean."""
    return xr.Dataset(
        {
            "mean_count": (
                "n_particles",
                means_a,
                {"long_name": f"modes below {factor:g} omega0 per sample", "units": "1"},
            ),
            "window_edge": (
                "n_particles",
                np.array(omega0_geo),
                {"long_name": "geometric mean of c omega0_i", "units": "omega"},
            ),
        },
        coords={"n_particles": ("n_particles", n_arr.astype(int), {"long_name": "N", "units": "1"})},
    )


def _count_settings(
    factor: float, abscissa: str, max_participation: float | None, n_bootstrap: int, seed: int, pts: list[ModeSpectra]
) -> dict[str, Any]:
    """The settings of :func:`count_scaling`'s measurement."""
    return {
        "estimator": (
            "slope of log(mean count below c omega0_i) vs log N; s = d(1 - slope) - 1 (3D: 2 - 3 slope)"
            if abscissa == "n_particles"
            else "slope of log(mean count / N) vs log(c omega0); s = slope - 1"
        ),
        "factor": float(factor),
        "abscissa": abscissa,
        "max_participation": max_participation,
        "fit": "weighted least squares of logs, weights from per-point bootstrap variances",
        "interval": "percentile of slopes refitted on per-point bootstrap replicates",
        "n_bootstrap": int(n_bootstrap),
        "bootstrap_seed": int(seed),
        "points": [p.describe() for p in pts],
    }


def count_scaling(
    points: Sequence[ModeSpectra],
    factor: float = 0.5,
    *,
    abscissa: Literal["n_particles", "omega0"] = "n_particles",
    max_participation: float | None = None,
    n_bootstrap: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> ExponentEstimate:
    """s from the scaling with N of the number of modes below c·ω₀ per sample (module docstring).

    Parameters
    ----------
    points
        One :class:`.ModeSpectra` per N (≥ 2; ≥ 3 for a χ² check).
    factor
        c: count modes with ω ≤ c·ω₀ᵢ in each sample.
    abscissa
        ``"n_particles"`` (s = d(1 − b) − 1) or ``"omega0"`` (s = b − 1).
    max_participation
        Count only modes with e ≤ this.
    n_bootstrap, seed, confidence
        Per-point bootstrap over independent units (point j uses seed + j).

    Returns
    -------
    ExponentEstimate
        ``s_count_scaling``; inconclusive when a point has fewer than
        :data:`MIN_GROUPS` units or a mean count below 1 mode.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> pts = []
    >>> for n in (1000, 4000, 16000):  # s = 4: n 0.0072 w^5 modes below w, stored up to 1.5
    ...     w0 = 2.0 * (1000 / n) ** (1 / 3)
    ...     w = np.sort(1.5 * rng.random((200, round(n * 0.0072 * 1.5**5))) ** 0.2, axis=1)
    ...     pts.append(ModeSpectra(w, np.full(200, w0), n, 1.0, coverage=np.full(200, 1.5)))
    >>> est = count_scaling(pts, 0.7, n_bootstrap=200)
    >>> est.status, est.covers(4.0)
    ('ok', True)
    """
    pts = _check_points(points, "count_scaling")
    if not (math.isfinite(factor) and factor > 0):
        raise ValueError(f"factor is {factor}; expected c > 0")
    d = pts[0].dimension
    means, reps, n_units, omega0_geo = _mean_counts(pts, factor, max_participation, n_bootstrap, seed, confidence)
    means_a = np.array(means)
    n_arr = np.array([p.n_particles for p in pts], dtype=float)
    status, reason = _count_status(pts, means_a, n_units, factor)
    value, s_reps, chi2, b = _count_slope(means_a, reps, n_arr, omega0_geo, abscissa, d)
    dof = len(pts) - 2
    chi2_p = float(stats.chi2.sf(chi2, dof)) if dof > 0 and math.isfinite(chi2) else math.nan
    curve = _count_curve(means_a, omega0_geo, n_arr, factor)
    settings = _count_settings(factor, abscissa, max_participation, n_bootstrap, seed, pts)
    return _estimate(
        "s_count_scaling",
        value,
        s_reps,
        confidence,
        settings,
        curve,
        f"scaling with N of the mode count below {factor:g} omega0",
        int(sum(p.n_samples for p in pts)),
        status,
        reason,
        {"slope": b, "chi2": chi2, "chi2_dof": dof, "chi2_pvalue": chi2_p, "mean_counts": means},
    )


def _weibull_shape(x: np.ndarray) -> float:
    """Maximum-likelihood shape k of a Weibull law with location 0 (profile equation solved by bisection)."""
    lx = np.log(x)

    def score(k: float) -> float:
        xk = x**k
        return float(np.sum(xk * lx) / np.sum(xk) - 1.0 / k - lx.mean())

    lo, hi = 0.05, 50.0
    if score(lo) > 0 or score(hi) < 0:
        return math.nan
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if score(mid) > 0:
            hi = mid
        else:
            lo = mid
        if hi - lo < 1e-10:
            break
    return 0.5 * (lo + hi)


def _point_minima(
    pts: list[ModeSpectra],
    statistic: str,
    phonon_factor: float,
    max_participation: float | None,
    n_bootstrap: int,
    seed: int,
    confidence: float,
) -> tuple[list[ModeSpectra], list[dict[str, Any]], list[float], list[np.ndarray], list[dict[str, Any]]]:
    """The points whose ω_min lies below the phonon (the rest excluded, with why), their statistic and replicates."""
    stat_fn = np.mean if statistic == "mean" else np.median
    used, excluded, stats_v, reps, per_point = [], [], [], [], []
    for j, p in enumerate(pts):
        data = p if max_participation is None else p.filtered(max_participation)
        wmin = data.omega[:, 0]
        below = np.isfinite(wmin) & (wmin < phonon_factor * data.omega0)
        frac_above = 1.0 - float(below.mean())
        allowed = 0.0 if statistic == "mean" else MEDIAN_MAX_CENSORED
        info: dict[str, Any] = {"n_particles": p.n_particles, "fraction_at_or_above_phonon": frac_above}
        if frac_above > allowed:
            info["excluded"] = (
                f"{frac_above:.1%} of samples have omega_min >= {phonon_factor:g} omega0 "
                f"(allowed {allowed:.0%} for the {statistic})"
            )
            excluded.append(info)
            continue
        # censored samples (median only) enter at +inf: below the median they change nothing
        x = np.where(below, wmin, np.inf)
        boot = bootstrap(stat_fn, x, n_bootstrap=n_bootstrap, seed=seed + j, confidence=confidence, groups=data.groups)
        xb = x[below]
        k_hat = _weibull_shape(xb) if xb.size >= 5 and frac_above == 0 else math.nan
        info.update(
            statistic_value=float(boot.value),
            n_groups=data.n_groups,
            weibull_shape=k_hat,
            s_shape=k_hat - 1.0 if math.isfinite(k_hat) else math.nan,
        )
        used.append(p)
        stats_v.append(float(boot.value))
        reps.append(boot.replicates if boot.replicates.size else np.full(n_bootstrap, np.nan))
        per_point.append(info)
    return used, excluded, stats_v, reps, per_point


def _minimum_slope(
    used: list[ModeSpectra], stats_v: list[float], reps: list[np.ndarray], per_point: list[dict[str, Any]]
) -> tuple[float, np.ndarray, float, float, str, str]:
    """s, its replicates, the slope and χ² of log ω_min against log N, and the status with its reason."""
    status, reason = "ok", ""
    value, s_reps, b, chi2 = math.nan, np.empty(0), math.nan, math.nan
    if len(used) < 2:
        status, reason = (
            "inconclusive",
            (f"{len(used)} point(s) with omega_min below the lowest phonon; need 2 (smaller N, or statistic='median')"),
        )
    else:
        n_arr = np.array([p.n_particles for p in used], dtype=float)
        x, y = np.log(n_arr), np.log(np.array(stats_v))
        yr = np.log(np.stack(reps, axis=1))
        b, chi2, slopes = _fit(x, y, yr)
        value = -1.0 / b - 1.0 if b < 0 else math.nan
        s_reps = np.where(slopes < 0, -1.0 / np.where(slopes < 0, slopes, -1.0) - 1.0, np.inf)
        if min(info["n_groups"] for info in per_point) < MIN_GROUPS:
            status, reason = "inconclusive", f"a point has fewer than {MIN_GROUPS} independent units"
        elif not b < 0:
            status, reason = "inconclusive", f"omega_min does not fall with N (slope {b:.3g})"
    return value, s_reps, b, chi2, status, reason


def _shape_check(
    used: list[ModeSpectra],
    per_point: list[dict[str, Any]],
    value: float,
    phonon_factor: float,
    max_participation: float | None,
    shape_alpha: float,
) -> None:
    """Add to each point's info the Anderson–Darling exponential test of ω_min^(s+1) at the fitted s."""
    # shape check at the fitted s: omega_min^(s+1) exponential (Anderson-Darling, scale estimated)
    for p, info in zip(used, per_point):
        wmin = (p if max_participation is None else p.filtered(max_participation)).omega[:, 0]
        z = wmin[np.isfinite(wmin) & (wmin < phonon_factor * p.omega0)] ** (value + 1.0)
        if info["fraction_at_or_above_phonon"] == 0 and z.size >= 5:
            ad = stats.anderson(z, dist="expon", method="interpolate")
            info.update(
                anderson_statistic=float(ad.statistic),
                anderson_pvalue=float(ad.pvalue),
                shape_consistent=bool(ad.pvalue >= shape_alpha),
            )


def _minimum_curve(statistic: str, stats_v: list[float], used: list[ModeSpectra]) -> xr.Dataset:
    """The curve over N: the statistic of ω_min at every used point."""
    return xr.Dataset(
        {
            f"{statistic}_omega_min": (
                "n_particles",
                np.array(stats_v),
                {"long_name": f"{statistic} lowest non-zero mode", "units": "omega"},
            )
        },
        coords={
            "n_particles": (
                "n_particles",
                np.array([p.n_particles for p in used], dtype=int),
                {"long_name": "N", "units": "1"},
            )
        },
    )


def _minimum_settings(
    statistic: str,
    phonon_factor: float,
    max_participation: float | None,
    shape_alpha: float,
    n_bootstrap: int,
    seed: int,
    pts: list[ModeSpectra],
) -> dict[str, Any]:
    """The settings of :func:`extreme_value`'s measurement."""
    return {
        "estimator": f"slope b of log {statistic}(omega_min) vs log N; s = -1/b - 1",
        "statistic": statistic,
        "phonon_factor": float(phonon_factor),
        "max_participation": max_participation,
        "shape_check": (
            f"Weibull shape MLE per point (s_shape = k - 1); Anderson-Darling exponential test of "
            f"omega_min^(s+1) at level {shape_alpha:g}"
        ),
        "fit": "weighted least squares of logs, weights from per-point bootstrap variances",
        "interval": "percentile of slopes refitted on per-point bootstrap replicates",
        "n_bootstrap": int(n_bootstrap),
        "bootstrap_seed": int(seed),
        "points": [p.describe() for p in pts],
    }


def extreme_value(
    points: Sequence[ModeSpectra],
    *,
    statistic: Literal["mean", "median"] = "mean",
    phonon_factor: float = 0.9,
    max_participation: float | None = None,
    shape_alpha: float = 0.01,
    n_bootstrap: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> ExponentEstimate:
    """s from ⟨ω_min⟩ ∝ N^(−1/(s+1)) across N, with a check of ω_min's distribution (module docstring).

    Parameters
    ----------
    points
        One :class:`.ModeSpectra` per N.
    statistic
        ``"mean"`` (every sample's ω_min must lie below its phonon) or
        ``"median"`` (at most 25 % may not).
    phonon_factor
        ω_min counts as nonphononic when below ``phonon_factor``·ω₀ᵢ (default
        0.9: hybridisation spreads the 2d(d−1) levels of the first shell about
        ω₀, so its lowest level lies a few per cent below it).
    max_participation
        Take ω_min among modes with e ≤ this.
    shape_alpha
        Level of the Anderson–Darling exponential test of ω_min^(s+1).
    n_bootstrap, seed, confidence
        Per-point bootstrap over independent units.

    Returns
    -------
    ExponentEstimate
        ``s_extreme_value``; ``diagnostics`` hold per point the Weibull
        ``s_shape``, the AD statistic and its critical value, and the
        excluded points; inconclusive with fewer than two usable points.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> pts = [ModeSpectra(rng.weibull(5.0, (300, 1)) * (n * 0.0072) ** -0.2, np.full(300, 9.0), n, 1.0)
    ...        for n in (1000, 4000, 16000)]  # P(w_min > w) = exp(-N B w^5)
    >>> est = extreme_value(pts, n_bootstrap=200)
    >>> est.status, est.covers(4.0)
    ('ok', True)
    """
    pts = _check_points(points, "extreme_value")
    if statistic not in ("mean", "median"):
        raise ValueError(f"statistic is {statistic!r}; expected 'mean' or 'median'")
    used, excluded, stats_v, reps, per_point = _point_minima(
        pts, statistic, phonon_factor, max_participation, n_bootstrap, seed, confidence
    )
    value, s_reps, b, chi2, status, reason = _minimum_slope(used, stats_v, reps, per_point)
    if math.isfinite(value):
        _shape_check(used, per_point, value, phonon_factor, max_participation, shape_alpha)
    shapes = [i.get("shape_consistent") for i in per_point if "shape_consistent" in i]
    curve = _minimum_curve(statistic, stats_v, used)
    settings = _minimum_settings(statistic, phonon_factor, max_participation, shape_alpha, n_bootstrap, seed, pts)
    gamma_note = special.gamma(1.0 + 1.0 / (value + 1.0)) if math.isfinite(value) else math.nan
    return _estimate(
        "s_extreme_value",
        value,
        s_reps,
        confidence,
        settings,
        curve,
        f"scaling with N of the {statistic} lowest mode",
        int(sum(p.n_samples for p in used)),
        status,
        reason,
        {
            "slope": b,
            "chi2": chi2,
            "points": per_point,
            "excluded": excluded,
            "shape_consistent_all": bool(all(shapes)) if shapes else None,
            "gamma_factor_at_s": gamma_note,
        },
    )
