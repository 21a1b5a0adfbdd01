"""The law of each sample's lowest mode in absolute frequency ω/ω_g: the joint extreme-value fit (issue 51).

Each sample's lowest mode xᵢ = ω_min/ω_g,i (:func:`~.absolute_frequency.reduced_modes`) obeys, for independent
(Poisson) levels with N a x^(s+1) expected below x,

    P(x_min > x) = exp(−N a x^(s+1)),

a Weibull law whose shape is s + 1 at every N and whose scale moves with N as N^(−1/(s+1)).  A sample whose
lowest mode lies above its phonon-free edge (``phonon_factor``·ω₀ᵢ, or the top of its stored modes; the
admission of :mod:`.absolute_frequency`) is right-censored there.

:func:`extreme_value_fit`
    (a, s) by maximum likelihood jointly over every point, with separate fits per point and the likelihood-ratio
    test of one (a, s) (2(K − 1) degrees of freedom); ``law="free"`` fits the stretched exponential
    exp(−(N a x^(s+1))^κ) with κ too, which needs two or more N.  Its interval is a percentile bootstrap over
    independent units (chains when a point has ``groups``, else samples), each point resampled on its own.
:func:`extreme_value_difference`
    s(first) − s(second) of two independent fits.

κ fixed from the level statistics instead of fitted is :mod:`.level_kappa`'s reading (it shares this fit).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import optimize, stats

from ..results.result import MIN_GROUPS, Measurement, jsonable
from .absolute_frequency import MIN_MODES, PHONON_FACTOR, UNIT, Homogeneity, _points, _unit, _units, reduced_modes
from .exponent_result import ExponentEstimate
from .mode_spectra import ModeSpectra, percentile_interval

__all__ = ["ExtremeValueFit", "extreme_value_difference", "extreme_value_fit"]


@dataclass(frozen=True)
class ExtremeValueFit:
    """The joint extreme-value fit of each sample's lowest mode: P(x_min > x) = exp(−N a x^(s+1)).

    Attributes
    ----------
    exponent
        s with its bootstrap interval (each point resampled on its own).
    prefactor
        a (modes per particle per unit x^(s+1)) with its bootstrap interval.
    separate
        (s, a) fitted at each point alone, by label.
    homogeneity
        The likelihood-ratio test of one (a, s) against one per point (2(K − 1) degrees of freedom);
        None for one point.
    censored
        Per point, the samples whose lowest mode lies above the phonon-free edge (right-censored there).
    """

    exponent: ExponentEstimate
    prefactor: Measurement
    separate: dict[str, tuple[float, float]]
    homogeneity: Homogeneity | None
    censored: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        """JSON-able."""
        return {
            "exponent": self.exponent.to_dict(),
            "prefactor": self.prefactor.to_dict(),
            "separate": jsonable(self.separate),
            "censored": self.censored,
            "homogeneity": None if self.homogeneity is None else self.homogeneity.to_dict(),
        }


def extreme_value_difference(first: ExtremeValueFit, second: ExtremeValueFit) -> Measurement:
    """s(first) − s(second) of two independent extreme-value fits (e.g. two tapers, each joint over N).

    Each side of the interval is the two fits' half-sides in quadrature (the low side: ``first``'s lower and
    ``second``'s upper half-width); for paired samples that ignores their correlation, which makes it conservative.

    Examples
    --------
    >>> m = Measurement("s_extreme_value", 4.0, 0.3, 3.4, 4.8, 0.95, "1", {}, None, 100, "")
    >>> n = Measurement("s_extreme_value", 3.0, 0.4, 2.7, 3.4, 0.95, "1", {}, None, 100, "")
    >>> fit = lambda x: ExtremeValueFit(ExponentEstimate(x, {}, "ok", "", {}), x, {}, None, {})
    >>> d = extreme_value_difference(fit(m), fit(n))
    >>> d.value, round(d.low, 6), round(d.high, 6)  # 1 - hypot(0.6, 0.4), 1 + hypot(0.8, 0.3)
    (1.0, 0.27889, 1.8544)
    """
    ma, mb = first.exponent.measurement, second.exponent.measurement
    value = ma.value - mb.value
    low = value - math.hypot(ma.value - ma.low, mb.high - mb.value)
    high = value + math.hypot(ma.high - ma.value, mb.value - mb.low)
    settings = {
        "estimator": "extreme_value (kappa free) difference",
        "interval": "half-sides of the two fits' "
        "percentile intervals added in quadrature (independent fits; conservative)",
    }
    return Measurement(
        "s_difference_extreme_value",
        value,
        math.hypot(ma.uncertainty, mb.uncertainty),
        low,
        high,
        ma.confidence,
        "1",
        settings,
        None,
        ma.n_samples,
        "difference of two joint extreme-value fits",
    )


def _lowest(point: ModeSpectra, phonon_factor: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each sample's lowest x, its censoring edge and whether it is observed (below the edge)."""
    x, x0, reach = reduced_modes(point)
    edge = np.minimum(phonon_factor * x0, reach)
    first = x[:, 0]
    observed = np.isfinite(first) & (first <= edge)
    return np.where(observed, first, edge), edge, observed


def _weibull_ll(
    beta: float, kappa: float, log_t: np.ndarray, log_n: np.ndarray, observed: np.ndarray
) -> tuple[float, float]:
    """Profile log-likelihood of S(x) = exp(−c N^κ x^β) (c profiled out) and ĉ."""
    d = float(observed.sum())
    c = d / float(np.sum(np.exp(kappa * log_n + beta * log_t)))
    ll = (
        d * math.log(c * beta)
        + kappa * float(np.sum(log_n[observed]))
        + (beta - 1.0) * float(np.sum(log_t[observed]))
        - d
    )
    return ll, c


def _ev_fit(
    t: np.ndarray, n: np.ndarray, observed: np.ndarray, free_kappa: bool = False, kappa: float = 1.0
) -> tuple[float, float, float, float]:
    """(s, a, max log-likelihood, κ) of censored data t (N per value n): S(x) = exp(−(N a x^(s+1))^κ).

    κ is ``kappa`` (1: independent levels) unless ``free_kappa``: then κ is fitted too, which needs two or more N
    (the law depends on N through N^κ and on x through x^(κ(s+1)), so s + 1 is the ratio of the two powers)."""
    d = float(observed.sum())
    if d < 2:
        return math.nan, math.nan, math.nan, math.nan
    log_t, log_n = np.log(t), np.log(n)
    if not free_kappa:
        res = optimize.minimize_scalar(
            lambda b: -_weibull_ll(b, kappa, log_t, log_n, observed)[0],
            bounds=(0.05, 41.0),
            method="bounded",
            options={"xatol": 1e-7},
        )
        beta = float(res.x)
    else:
        res = optimize.minimize(
            lambda p: -_weibull_ll(math.exp(p[0]), math.exp(p[1]), log_t, log_n, observed)[0],
            x0=np.array([math.log(5.0), 0.0]),
            method="Nelder-Mead",
            options={"xatol": 1e-7, "fatol": 1e-9, "maxiter": 4000},
        )
        beta, kappa = float(math.exp(res.x[0])), float(math.exp(res.x[1]))
    ll, c = _weibull_ll(beta, kappa, log_t, log_n, observed)
    return beta / kappa - 1.0, c ** (1.0 / kappa), ll, kappa


def _ev_homogeneity(
    n_points: int,
    sep: dict[str, tuple[float, float, float, float]],
    ll_joint: float,
    s_hat: float,
    law: str,
    phonon_factor: float,
) -> Homogeneity | None:
    """Likelihood-ratio test of one law across the points against a fit per point (None without degrees of freedom)."""
    dof = 2 * n_points - (3 if law == "free" else 2)
    if n_points > 1 and dof > 0:
        lr = max(2.0 * (sum(v[2] for v in sep.values()) - ll_joint), 0.0)
        return Homogeneity(
            lr,
            dof,
            float(stats.chi2.sf(lr, dof)),
            s_hat,
            {k: v[0] for k, v in sep.items()},
            {"quantity": f"the law of the lowest mode ({law})", "phonon_factor": phonon_factor, "unit": UNIT},
        )
    return None


def _ev_points(points: ModeSpectra | Sequence[ModeSpectra], law: str) -> list[ModeSpectra]:
    """The points of a fit, checked against its law (``"free"`` needs two or more N)."""
    if law not in ("independent", "free"):
        raise ValueError(f"law is {law!r}; expected 'independent' (kappa = 1) or 'free' (kappa fitted, >= 2 N)")
    pts = _points(points, "extreme_value_fit")
    if law == "free" and len({p.n_particles for p in pts}) < 2:
        raise ValueError(
            f"law='free' needs points at two or more N (the power of N identifies kappa); found N = "
            f"{sorted({p.n_particles for p in pts})}: pass more sizes or use law='independent'"
        )
    return pts


def _ev_data(
    points: Sequence[ModeSpectra], phonon_factor: float
) -> tuple[list[tuple[np.ndarray, np.ndarray, np.ndarray]], list[np.ndarray]]:
    """Per point: each sample's lowest x, edge and whether observed (:func:`_lowest`), and N a sample."""
    data = [_lowest(p, phonon_factor) for p in points]
    ns = [np.full(p.n_samples, float(p.n_particles)) for p in points]
    return data, ns


def _ev_joint(
    data: Sequence[tuple[np.ndarray, ...]],
    ns: Sequence[np.ndarray],
    draws: Sequence[np.ndarray],
    free_kappa: bool = False,
    kappa: float = 1.0,
) -> tuple[float, float, float, float]:
    """:func:`_ev_fit` of the drawn samples of every point, pooled (what each bootstrap replicate fits)."""
    t = np.concatenate([q[0][d] for q, d in zip(data, draws)])
    o = np.concatenate([q[2][d] for q, d in zip(data, draws)])
    n = np.concatenate([m[d] for m, d in zip(ns, draws)])
    return _ev_fit(t, n, o, free_kappa, kappa)


def _ev_settings(
    pts: Sequence[ModeSpectra],
    labels: list[str],
    law: str,
    phonon_factor: float,
    observed: int,
    kappa: float,
    kappa_reps: np.ndarray,
    n_bootstrap: int,
    seed: int,
    confidence: float,
) -> dict[str, Any]:
    """The settings of a joint fit: its law, unit, points, the samples observed and κ with its interval."""
    return {
        "estimator": "extreme_value",
        "law": law,
        "unit": _unit(pts),
        "phonon_factor": phonon_factor,
        "points": labels,
        "samples": [p.n_samples for p in pts],
        "observed": observed,
        "n_bootstrap": n_bootstrap,
        "seed": seed,
        "kappa": kappa,
        "kappa_interval": list(percentile_interval(kappa_reps, confidence)),
        "survival": (
            "P(x_min > x) = exp(-(N a x^(s+1))^kappa)" if law == "free" else "P(x_min > x) = exp(-N a x^(s+1))"
        )
        + ", right-censored at the phonon-free edge",
    }


def _ev_measurements(
    s_hat: float, a_hat: float, reps: np.ndarray, confidence: float, settings: dict[str, Any], n_samples: int
) -> tuple[Measurement, Measurement]:
    """The exponent s and the prefactor a of a joint fit, each with its percentile-bootstrap interval."""
    s_lo, s_hi = percentile_interval(reps[:, 0], confidence)
    a_lo, a_hi = percentile_interval(reps[:, 1], confidence)
    m = Measurement(
        "s_extreme_value",
        s_hat,
        float(np.nanstd(reps[:, 0], ddof=1)),
        s_lo,
        s_hi,
        confidence,
        "1",
        settings,
        None,
        n_samples,
        "censored MLE of each sample's lowest mode in omega/omega_g, joint over points; percentile "
        "bootstrap, each point resampled on its own",
    )
    prefactor = Measurement(
        "a_extreme_value",
        a_hat,
        float(np.nanstd(reps[:, 1], ddof=1)),
        a_lo,
        a_hi,
        confidence,
        "1",
        settings,
        None,
        m.n_samples,
        "prefactor of the same fit",
    )
    return m, prefactor


def _ev_status(observed: int, pts: list[ModeSpectra]) -> tuple[str, str]:
    if observed >= MIN_MODES and _units(pts) >= MIN_GROUPS:
        return "ok", ""
    return "inconclusive", (
        f"{observed} lowest modes below the phonon-free edge and {_units(pts)} units; expected at "
        f"least {MIN_MODES} and {MIN_GROUPS}"
    )


def extreme_value_fit(
    points: ModeSpectra | Sequence[ModeSpectra],
    *,
    phonon_factor: float = PHONON_FACTOR,
    law: str = "independent",
    n_bootstrap: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> ExtremeValueFit:
    """(a, s) of each sample's lowest mode in ω/ω_g, jointly over every point (module docstring).

    A sample's lowest mode above its phonon-free edge (phonon_factor·ω₀ᵢ, or the
    top of its stored modes) is right-censored there: it says only that no
    nonphononic mode lies below.

    ``law="independent"``: P(x_min > x) = exp(−N a x^(s+1)), exact for
    independent (Poisson) levels.  Levels that repel (GOE) make the lowest one's
    law narrower than that — the gap probability E(0; Λ) falls faster than
    e^(−Λ) — and the Weibull shape then overstates s + 1 (on GOE-unfolded mocks
    with s = 4: 5.5 at one N; tests/validators/test_absolute_frequency.py).
    ``law="free"``: P(x_min > x) = exp(−(N a x^(s+1))^κ) with κ fitted too; it
    needs two or more N, since s + 1 is the ratio of the power of x (κ(s+1))
    to the power of N (κ); for any law of the form F(N a x^(s+1)) that is
    close to a stretched exponential over the data, s is recovered whatever
    the level statistics.  The per-point fits (``separate``) are Weibull fits
    at each N (κ = 1; their s is the shape − 1).

    Examples
    --------
    >>> rng = np.random.default_rng(2)
    >>> pts = []
    >>> for n in (1000, 8000):
    ...     x = (rng.exponential(size=600) / (n * 0.05)) ** (1 / 5)  # s = 4, a = 0.05
    ...     pts.append(ModeSpectra(x[:, None], np.full(600, 2 * np.pi / n ** (1 / 3)), n, 1.0,
    ...                            coverage=np.full(600, 10.0)))
    >>> fit = extreme_value_fit(pts, phonon_factor=10.0, n_bootstrap=100)
    >>> m = fit.exponent.measurement
    >>> bool(abs(m.value - 4.0) < 4 * m.uncertainty), fit.homogeneity.p_value > 0.01
    (True, True)
    """
    pts = _ev_points(points, law)
    free = law == "free"
    data, ns = _ev_data(pts, phonon_factor)
    s_hat, a_hat, ll_joint, kappa = _ev_joint(data, ns, [np.arange(p.n_samples) for p in pts], free)
    rng = np.random.default_rng(seed)
    reps = np.array([_ev_joint(data, ns, [p.resample_units(rng) for p in pts], free) for _ in range(n_bootstrap)])
    labels = [p.label or f"N={p.n_particles}" for p in pts]
    sep = {lab: _ev_fit(q[0], m, q[2]) for lab, q, m in zip(labels, data, ns)}
    homog = _ev_homogeneity(len(pts), sep, ll_joint, s_hat, law, phonon_factor)
    observed = int(sum(q[2].sum() for q in data))
    settings = _ev_settings(pts, labels, law, phonon_factor, observed, kappa, reps[:, 3], n_bootstrap, seed, confidence)
    m, prefactor = _ev_measurements(s_hat, a_hat, reps, confidence, settings, sum(p.n_samples for p in pts))
    status, reason = _ev_status(observed, pts)
    censored = {lab: int((~q[2]).sum()) for lab, q in zip(labels, data)}
    return ExtremeValueFit(
        ExponentEstimate(m, {}, status, reason, {"observed": observed}),
        prefactor,
        {k: (v[0], v[1]) for k, v in sep.items()},
        homog,
        censored,
    )
