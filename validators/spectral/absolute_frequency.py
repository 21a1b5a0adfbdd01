"""The nonphononic spectrum in absolute frequency: estimators read in ω/ω_g, free of the box (issue 51).

The windows (0, c·ω₀ᵢ] of :mod:`.window_mle` move with the lowest phonon
ω₀ ∝ N^(−1/d): a larger box is read at lower ω, so a curved spectrum that is
the same at every N reads there as an exponent that changes with N.  Here
frequency is read in a unit that does not move with the box,

    ω_g,i = c_T,i · n^(1/d),   c_T,i = √(Gᵢ/ρ),

from each sample's own shear modulus Gᵢ (:attr:`.ModeSpectra.omega_g`; for a
periodic cube ω₀ᵢ = 2π ω_g,i / N^(1/d)).  Each sample's modes become
x = ω/ω_g,i; a window or band (a, b] of x is the same for every sample, every
N and every code.  Where the first phonon shell is, is still reported: every
estimate records its window in units of ω₀ (``window_in_omega0``).

Phonon-free samples
    A sample takes part in a window or band only when the band's top lies
    below ``phonon_factor``·ω₀ᵢ (default 0.6: below the disorder-broadened
    first shell) and below the top of its stored modes (its ``coverage``);
    the others are left out and counted (``samples_used``).  For a periodic
    cube the first condition is b < 0.6·2π/N^(1/d), the same for every
    sample of a point.

Estimators
    :func:`band_mle`
        The local exponent on (a, b]: the power law truncated to the band,
        p(x) = (s+1) x^s / (b^(s+1) − a^(s+1)), pooled over samples and over
        the points (N) given, by maximum likelihood
        (:func:`vdosbench.validators.solve_truncated_power_law`); a = 0 is the
        window MLE on (0, b·ω_g,i] (:func:`window_mle_absolute`).
    :func:`local_exponent`
        s(ω): :func:`band_mle` in consecutive bands, as a curve with its interval band.
    :func:`exponent_homogeneity`
        One s for every point against one s per point in the same band
        (likelihood ratio, K − 1 degrees of freedom): the test of an
        N-independent exponent.
    :func:`density_below` and :func:`density_ratio`
        Modes per particle below x·ω_g (mean over samples of count/N), and
        the ratio between two points with a bootstrap interval and the
        Poisson likelihood-ratio test of one density per particle.
    :func:`extreme_value_fit`
        Each sample's lowest mode xᵢ (right-censored at the phonon-free
        edge), P(x_min > x) = exp(−N a x^(s+1)), (a, s) by maximum likelihood
        jointly over every point, with separate fits per point and the
        likelihood-ratio test of one (a, s) (2(K − 1) degrees of freedom).

Why one module
    Every estimator here reads the same reduced modes x = ω/ω_g and the same phonon-free admission
    (:func:`reduced_modes`, ``_usable``, ``_band_stats``), and the readings of one registration combine them
    (a band, its difference between tapers, the density below the band's top and A_4 from it); split by job, each
    piece would import the others' private helpers.  Issue 66 asks for estimators behind view-level private
    functions; this module moves with that work.

Intervals
    Percentile bootstrap over independent units (chains when a point has
    ``groups``, else samples), each point resampled on its own (different N
    are independent glasses); paired differences (:func:`paired_band_difference`)
    resample the same units at both points.  Their coverage on mocks that
    look like the glasses is measured in ``studies/absolute_frequency_coverage.py``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import xarray as xr
from scipy import integrate, optimize, stats

from ..results.result import MIN_GROUPS, Measurement, jsonable
from .exponent_result import ExponentEstimate
from .mode_spectra import ModeSpectra, percentile_interval, stratified_replicates
from .truncated_power_law import solve_truncated_power_law

__all__ = [
    "PHONON_FACTOR",
    "S_OF_OMEGA_EDGES",
    "DensityComparison",
    "ExtremeValueFit",
    "Homogeneity",
    "band_mle",
    "band_difference",
    "band_mle_population",
    "density_below",
    "density_ratio",
    "exponent_homogeneity",
    "extreme_value_difference",
    "extreme_value_fit",
    "local_exponent",
    "paired_band_difference",
    "reduced_modes",
    "soft_mode_density",
    "window_mle_absolute",
]

#: A band takes a sample only when its top lies below this fraction of the sample's ω₀ (module docstring).
PHONON_FACTOR = 0.6
#: Fewest pooled modes for status ``"ok"``.
MIN_MODES = 20
UNIT = "omega_g = sqrt(G/rho) * n^(1/d) of each sample (G its own shear modulus, n the number density)"
#: The bands of s(ω) that a score reports and whose coverage is measured (issue 51; below 0.29 ω_g, where an
#: N = 2000 box holds modes clear of its first shell): (0, 0.1], (0.1, 0.14], (0.14, 0.18], (0.18, 0.23], (0.23, 0.29].
S_OF_OMEGA_EDGES = (0.0, 0.1, 0.14, 0.18, 0.23, 0.29)


def reduced_modes(point: ModeSpectra) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x = ω/ω_g,i of every stored mode, the first phonon x₀ = ω₀ᵢ/ω_g,i and the stored reach, per sample.

    Examples
    --------
    >>> sp = ModeSpectra(np.array([[0.5, 0.8]]), np.array([2 * np.pi / 10]), 1000, 1.0)
    >>> x, x0, reach = reduced_modes(sp)
    >>> x.round(3).tolist(), float(x0[0].round(6))  # omega_g = 1 here: omega0 = 2 pi / N^(1/3)
    ([[0.5, 0.8]], 0.628319)
    """
    wg = point.omega_g
    return point.omega / wg[:, None], point.omega0 / wg, point.coverage / wg


def _unit(points: Sequence[ModeSpectra]) -> str:
    """The unit of frequency a reading used: each sample's own G (:data:`UNIT`) or one G_u a point (issue 63)."""
    common = [p.unit_shear_modulus for p in points]
    if all(g is None for g in common):
        return UNIT
    return ("omega_g = sqrt(G_u/rho) * n^(1/d), one G_u for every sample of a point (the protocol's ensemble G): "
            + ", ".join("each sample's own G" if g is None else f"G_u = {g:.6g}" for g in common))


def _points(points: ModeSpectra | Sequence[ModeSpectra], who: str) -> list[ModeSpectra]:
    pts = [points] if isinstance(points, ModeSpectra) else list(points)
    if not pts or not all(isinstance(p, ModeSpectra) for p in pts):
        raise ValueError(f"{who} takes one ModeSpectra or a sequence of them; found {type(points).__name__}")
    return pts


def _check_band(low: float, high: float, who: str) -> None:
    if not (math.isfinite(low) and math.isfinite(high) and 0.0 <= low < high):
        raise ValueError(f"{who}: the band ({low}, {high}] is not a band of omega/omega_g; expected 0 <= low < high")


def _usable(point: ModeSpectra, top: float, phonon_factor: float) -> np.ndarray:
    """Samples whose band top lies below phonon_factor·ω₀ᵢ and within their stored modes."""
    _, x0, reach = reduced_modes(point)
    return (top < phonon_factor * x0) & (top <= reach)


def _units(points: list[ModeSpectra]) -> int:
    return min(p.n_groups for p in points)


# --------------------------------------------------------------------------- band MLE
def _band_stats(point: ModeSpectra, low: float, high: float, phonon_factor: float) -> tuple[np.ndarray, ...]:
    """Per sample: modes in (low, high], Σ log(high/x) over them, and whether the sample takes part."""
    x, _, _ = reduced_modes(point)
    use = _usable(point, high, phonon_factor)
    with np.errstate(invalid="ignore"):
        sel = np.isfinite(x) & (x > low) & (x <= high) & use[:, None]
        y = np.where(sel, np.log(high / np.where(sel, x, 1.0)), 0.0)
    return sel.sum(axis=1).astype(float), y.sum(axis=1), use


def _band_s(n: np.ndarray, y: np.ndarray, low: float, high: float) -> float:
    total = float(n.sum())
    if total <= 0:
        return math.nan
    return solve_truncated_power_law(total, float(y.sum()), math.log(high / low) if low > 0 else math.inf)[0]


def _window_position(points: list[ModeSpectra], low: float, high: float) -> dict[str, Any]:
    x0 = np.concatenate([reduced_modes(p)[1] for p in points])
    return {"band_in_omega0": [float(low / np.median(x0)), float(high / np.median(x0))],
            "band_top_in_omega0_range": [float(high / x0.max()), float(high / x0.min())]}


def band_mle(points: ModeSpectra | Sequence[ModeSpectra], low: float, high: float, *,
             phonon_factor: float = PHONON_FACTOR, min_modes: int = MIN_MODES, n_bootstrap: int = 1000,
             seed: int = 0, confidence: float = 0.95) -> ExponentEstimate:
    """The local exponent s on the band (low, high] of ω/ω_g, pooled over samples and points (module docstring).

    Parameters
    ----------
    points
        One parameter point or several (e.g. the same protocol at several N).
    low, high
        The band in units of each sample's ω_g (``low = 0``: the window MLE).
    phonon_factor
        A sample takes part only when ``high`` < phonon_factor·ω₀ᵢ/ω_g,i.
    min_modes
        Fewest pooled modes for status ``"ok"``.
    n_bootstrap, seed, confidence
        Bootstrap over independent units, each point on its own.

    Returns
    -------
    ExponentEstimate
        ``s_band_mle`` with ``bootstrap`` and ``fisher`` intervals; the
        settings hold the band, the unit, the samples used and where the band
        sits in units of ω₀.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> w = np.sort(rng.random((400, 12)) ** (1 / 5), axis=1) * 0.3  # s = 4 below x = 0.3 (omega_g = 1)
    >>> sp = ModeSpectra(w, np.full(400, 2 * np.pi / 10), 1000, 1.0, coverage=np.full(400, 0.3))
    >>> est = band_mle(sp, 0.1, 0.3, n_bootstrap=200)
    >>> est.status, est.covers(4.0)
    ('ok', True)
    """
    pts = _points(points, "band_mle")
    _check_band(low, high, "band_mle")
    per = [_band_stats(p, low, high, phonon_factor) for p in pts]
    n_all = np.concatenate([q[0] for q in per])
    y_all = np.concatenate([q[1] for q in per])
    count = float(n_all.sum())
    s_hat, fisher_se = (solve_truncated_power_law(count, float(y_all.sum()),
                                                  math.log(high / low) if low > 0 else math.inf)
                        if count > 0 else (math.nan, math.nan))

    def statistic(draws: list[np.ndarray]) -> float:
        return _band_s(np.concatenate([q[0][d] for q, d in zip(per, draws)]),
                       np.concatenate([q[1][d] for q, d in zip(per, draws)]), low, high)

    reps = stratified_replicates(statistic, pts, n_bootstrap, seed)
    lo, hi = percentile_interval(reps, confidence)
    used = [int(q[2].sum()) for q in per]
    status, reason = _status(count, min_modes, pts, used)
    z = stats.norm.ppf(0.5 + confidence / 2.0)
    settings = {"estimator": "band_mle", "band_omega_over_omega_g": [low, high], "unit": _unit(pts),
                "phonon_factor": phonon_factor, "points": [p.label or f"N={p.n_particles}" for p in pts],
                "samples_used": used, "samples": [p.n_samples for p in pts], "modes": int(count),
                "n_bootstrap": n_bootstrap, "seed": seed, **_window_position(pts, low, high)}
    m = Measurement("s_band_mle", s_hat, float(np.nanstd(reps, ddof=1)) if np.isfinite(reps).sum() > 1 else math.nan,
                    lo, hi, confidence, "1", settings, None, int(sum(used)),
                    "pooled truncated power-law MLE on (low, high] of omega/omega_g; percentile bootstrap over "
                    "independent units, each point resampled on its own")
    return ExponentEstimate(m, {"fisher": (s_hat - z * fisher_se, s_hat + z * fisher_se)}, status, reason,
                            {"modes": int(count), "samples_used": used})


def _status(count: float, min_modes: int, pts: list[ModeSpectra], used: list[int]) -> tuple[str, str]:
    if sum(used) == 0:
        return "inconclusive", ("no sample's first phonon lies far enough above the band (its top must be below "
                                "phonon_factor * omega0_i): choose a lower band or larger N")
    if count < min_modes:
        return "inconclusive", f"{int(count)} modes in the band; expected at least {min_modes}: widen it or add samples"
    if _units(pts) < MIN_GROUPS:
        return "inconclusive", f"{_units(pts)} independent units; the bootstrap needs at least {MIN_GROUPS}"
    return "ok", ""


def window_mle_absolute(points: ModeSpectra | Sequence[ModeSpectra], x_edge: float, **kwargs: Any) -> ExponentEstimate:
    """The window MLE on (0, x_edge·ω_g,i]: :func:`band_mle` with ``low = 0`` (same keywords)."""
    return band_mle(points, 0.0, x_edge, **kwargs)


def band_mle_population(density: Callable[[float], float], low: float, high: float, *,
                        modulus_scatter: float | Sequence[float] = 0.0, weights: Sequence[float] | None = None,
                        nodes: int = 15) -> float:
    """The value :func:`band_mle` estimates on (low, high] when the samples' spectra follow ``density``.

    A sample whose shear modulus is G = Ḡ(1 + σ·ξ), ξ ~ N(0, 1), has ω_g,i = r·ω̄_g with r = √(1 + σ·ξ): in
    x = ω/ω_g,i its density is r·g(r x) when g(x̄) is the density per unit x̄ = ω/ω̄_g.  The pooled MLE converges
    to the root of its expected score over the mixture: for ``low = 0`` s = E[n]/E[Σ log(high/x)] − 1, for
    ``low > 0`` the truncated power law's root at that mean of log(high/x)
    (:func:`vdosbench.validators.solve_truncated_power_law`).  The mixture over ξ is Gauss–Hermite with ``nodes``
    nodes, the integrals in x :func:`scipy.integrate.quad`.  Several points pooled in one reading (e.g. two N,
    whose scatter σ differs) give one σ each and ``weights`` ∝ their expected modes (structures × N when
    ``density`` is per particle): their expected counts and logarithms add.  This is the truth of a mock's band
    reading (``studies/absolute_frequency_coverage.py``, ``studies/td_control_coverage.py``).

    Parameters
    ----------
    density
        g(x̄): modes per particle per unit ω/ω̄_g (any positive scale: only its shape matters).
    low, high
        The band in units of ω_g.
    modulus_scatter
        σ, the relative standard deviation of the samples' shear modulus (0: every sample at ω̄_g), or one σ a
        pooled point.
    weights
        One weight a pooled point (default: equal).
    nodes
        Gauss–Hermite nodes over ξ.

    Examples
    --------
    >>> round(band_mle_population(lambda x: x**3.5, 0.0, 0.29, modulus_scatter=0.1), 6)  # a power law: its s
    3.5
    >>> round(band_mle_population(lambda x: x**3.5, 0.1, 0.29, modulus_scatter=[0.1, 0.05], weights=[1, 2]), 6)
    3.5
    """
    _check_band(low, high, "band_mle_population")
    scatters = np.atleast_1d(np.asarray(modulus_scatter, dtype=float))
    w_points = np.ones(scatters.size) if weights is None else np.asarray(weights, dtype=float)
    if w_points.shape != scatters.shape or not np.all(w_points > 0):
        raise ValueError(f"band_mle_population: expected one positive weight a pooled point ({scatters.size}); "
                         f"found {w_points.tolist()}")
    zs, ws = np.polynomial.hermite_e.hermegauss(nodes)
    lo = max(low, 1e-9)
    counts, logs = 0.0, 0.0
    for sigma, weight in zip(scatters, w_points):
        for z, w in zip(zs, ws):
            r = math.sqrt(max(1.0 + sigma * z, 1e-6))
            counts += weight * w * integrate.quad(lambda x: r * density(r * x), lo, high)[0]
            logs += weight * w * integrate.quad(lambda x: r * density(r * x) * math.log(high / x), lo, high)[0]
    if low > 0:
        return float(solve_truncated_power_law(1e6, 1e6 * logs / counts, math.log(high / low))[0])
    return float(counts / logs - 1.0)


def local_exponent(points: ModeSpectra | Sequence[ModeSpectra], edges: Sequence[float], **kwargs: Any
                   ) -> tuple[list[ExponentEstimate], xr.Dataset]:
    """s(ω): :func:`band_mle` in the bands (edges[j], edges[j+1]], and the curve as a Dataset.

    The curve has ``s``, ``low``, ``high`` (bootstrap interval), ``modes`` and
    ``status`` along ``band`` (coordinate: the band's geometric centre in
    ω/ω_g; the first band's centre is the middle of (0, edges[1]])."""
    e = [float(v) for v in edges]
    if len(e) < 2 or any(b <= a for a, b in zip(e, e[1:])):
        raise ValueError(f"edges {e} are not ascending band edges; expected at least two increasing values")
    ests = [band_mle(points, a, b, **kwargs) for a, b in zip(e, e[1:])]
    centre = [math.sqrt(a * b) if a > 0 else b / 2 for a, b in zip(e, e[1:])]
    curve = xr.Dataset(
        {"s": ("band", [x.value for x in ests]), "low": ("band", [x.measurement.low for x in ests]),
         "high": ("band", [x.measurement.high for x in ests]),
         "modes": ("band", [int(x.diagnostics["modes"]) for x in ests]),
         "status": ("band", [x.status for x in ests])},
        coords={"band": ("band", centre, {"long_name": "band centre", "units": "omega_g"}),
                "band_low": ("band", e[:-1]), "band_high": ("band", e[1:])},
        attrs={"estimator": "band_mle", "unit": ests[0].measurement.settings["unit"] if ests else UNIT})
    return ests, curve


def paired_band_difference(first: ModeSpectra | Sequence[ModeSpectra], second: ModeSpectra | Sequence[ModeSpectra],
                           low: float, high: float, *, phonon_factor: float = PHONON_FACTOR, n_bootstrap: int = 1000,
                           seed: int = 0, confidence: float = 0.95) -> Measurement:
    """s(first) − s(second) on the band (low, high] of the same realisations (e.g. two tapers of the same starts).

    Parameters
    ----------
    first, second
        One point each, or several points each, paired by position (e.g. the
        m = 2 and m = ∞ points at N = 1000 and at N = 2000): ``first[k]`` and
        ``second[k]`` hold the same realisations (:meth:`.ModeSpectra.check_paired`).
        With several, each side's s is one band MLE pooled over its points
        (:func:`band_mle` of the list), and the difference is read once.
    low, high
        The band in units of each sample's ω_g.
    phonon_factor, n_bootstrap, seed, confidence
        As :func:`band_mle`.  Each replicate resamples the units (chains or
        samples) of each pair on its own and uses the same draw at both sides.

    Returns
    -------
    Measurement
        ``s_difference_band_mle`` with a paired percentile-bootstrap interval;
        the settings name the points, the samples used and the modes per side.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> def point(s, n):  # n structures at one taper; omega0 = 2 pi / N^(1/3) makes omega_g = 1
    ...     w = np.sort(rng.random((n, 12)) ** (1 / (s + 1)), axis=1) * 0.3
    ...     return ModeSpectra(w, np.full(n, 2 * np.pi / 10), 1000, 1.0, coverage=np.full(n, 0.3))
    >>> d = paired_band_difference([point(4, 300), point(4, 200)], [point(3, 300), point(3, 200)], 0.0, 0.3,
    ...                            n_bootstrap=200)
    >>> bool(d.low < 1.0 < d.high), d.settings["pooled_points"]
    (True, 2)
    """
    f = _points(first, "paired_band_difference")
    s = _points(second, "paired_band_difference")
    if len(f) != len(s):
        raise ValueError(f"paired_band_difference pairs points by position; found {len(f)} first and {len(s)} "
                         "second points: pass the same sizes (or protocols) on both sides, in the same order")
    for a, b in zip(f, s):
        a.check_paired(b)
    _check_band(low, high, "paired_band_difference")
    sa = [_band_stats(p, low, high, phonon_factor) for p in f]
    sb = [_band_stats(p, low, high, phonon_factor) for p in s]

    def side(stats_: list[tuple[np.ndarray, ...]], draws: list[np.ndarray]) -> float:
        return _band_s(np.concatenate([q[0][d] for q, d in zip(stats_, draws)]),
                       np.concatenate([q[1][d] for q, d in zip(stats_, draws)]), low, high)

    def statistic(draws: list[np.ndarray]) -> float:
        return side(sa, draws) - side(sb, draws)

    value = statistic([np.arange(p.n_samples) for p in f])
    reps = stratified_replicates(statistic, f, n_bootstrap, seed)
    lo, hi = percentile_interval(reps, confidence)
    single = len(f) == 1
    used_a = [int(q[2].sum()) for q in sa]
    used_b = [int(q[2].sum()) for q in sb]
    modes_a = sum(int(q[0].sum()) for q in sa)
    modes_b = sum(int(q[0].sum()) for q in sb)
    settings = {"estimator": "band_mle paired difference", "band_omega_over_omega_g": [low, high],
                "unit": _unit([*f, *s]),
                "phonon_factor": phonon_factor,
                "samples_used": [used_a[0], used_b[0]] if single else [used_a, used_b],
                "modes": [modes_a, modes_b], "n_bootstrap": n_bootstrap, "seed": seed,
                "points": ([f[0].label, s[0].label] if single
                           else [[p.label for p in f], [p.label for p in s]]),
                "pooled_points": len(f)}
    spread = float(np.nanstd(reps, ddof=1)) if np.isfinite(reps).sum() > 1 else math.nan
    return Measurement("s_difference_band_mle", value, spread, lo, hi, confidence, "1",
                       settings, None, sum(p.n_samples for p in f),
                       "difference of pooled band MLEs; paired percentile bootstrap (same units at both sides"
                       + ("" if single else "; each pair of points resampled on its own") + ")")


def band_difference(first: ModeSpectra | Sequence[ModeSpectra], second: ModeSpectra | Sequence[ModeSpectra],
                    low: float, high: float, *, phonon_factor: float = PHONON_FACTOR, n_bootstrap: int = 1000,
                    seed: int = 0, confidence: float = 0.95) -> Measurement:
    """s(first) − s(second) on the band (low, high] of independent sets (issue 63: the tapers' chains unpaired).

    Each side's s is one band MLE pooled over its points (:func:`band_mle`); every point of both sides is
    resampled on its own (:func:`~.mode_spectra.stratified_replicates`), so no pairing is assumed.  Where the
    sides hold the same realisations and they correlate, :func:`paired_band_difference` is the narrower reading.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> def point(s, n):  # omega0 = 2 pi / N^(1/3) makes omega_g = 1
    ...     w = np.sort(rng.random((n, 12)) ** (1 / (s + 1)), axis=1) * 0.3
    ...     return ModeSpectra(w, np.full(n, 2 * np.pi / 10), 1000, 1.0, coverage=np.full(n, 0.3))
    >>> d = band_difference(point(4, 300), point(3, 250), 0.0, 0.3, n_bootstrap=200)
    >>> bool(d.low < 1.0 < d.high), d.settings["estimator"]
    (True, 'band_mle difference, independent sides')
    """
    f = _points(first, "band_difference")
    s = _points(second, "band_difference")
    _check_band(low, high, "band_difference")
    stats_ = [_band_stats(p, low, high, phonon_factor) for p in (*f, *s)]
    k = len(f)

    def side(part: list[tuple[np.ndarray, ...]], draws: list[np.ndarray]) -> float:
        return _band_s(np.concatenate([q[0][d] for q, d in zip(part, draws)]),
                       np.concatenate([q[1][d] for q, d in zip(part, draws)]), low, high)

    def statistic(draws: list[np.ndarray]) -> float:
        return side(stats_[:k], draws[:k]) - side(stats_[k:], draws[k:])

    value = statistic([np.arange(p.n_samples) for p in (*f, *s)])
    reps = stratified_replicates(statistic, [*f, *s], n_bootstrap, seed)
    lo, hi = percentile_interval(reps, confidence)
    settings = {"estimator": "band_mle difference, independent sides", "band_omega_over_omega_g": [low, high],
                "unit": _unit([*f, *s]), "phonon_factor": phonon_factor,
                "samples_used": [[int(q[2].sum()) for q in stats_[:k]], [int(q[2].sum()) for q in stats_[k:]]],
                "modes": [sum(int(q[0].sum()) for q in stats_[:k]), sum(int(q[0].sum()) for q in stats_[k:])],
                "n_bootstrap": n_bootstrap, "seed": seed,
                "points": [[p.label for p in f], [p.label for p in s]]}
    spread = float(np.nanstd(reps, ddof=1)) if np.isfinite(reps).sum() > 1 else math.nan
    return Measurement("s_difference_band_mle", value, spread, lo, hi, confidence, "1", settings, None,
                       sum(p.n_samples for p in (*f, *s)),
                       "difference of pooled band MLEs; percentile bootstrap, every point resampled on its own")


# --------------------------------------------------------------------------- homogeneity of s
def _loglik(u: float, n: float, y: float, ell: float) -> float:
    """Log-likelihood of n draws of the truncated exponential of rate u on [0, ell) with Σy = y."""
    if n <= 0:
        return 0.0
    norm = -math.expm1(-u * ell) if math.isfinite(ell) else 1.0
    return n * math.log(u) - u * y - n * math.log(norm)


@dataclass(frozen=True)
class Homogeneity:
    """One quantity for every point against one per point: the likelihood-ratio test.

    Attributes
    ----------
    statistic, dof, p_value
        2 [ℓ(separate) − ℓ(joint)], its χ² degrees of freedom and the p-value.
    joint, separate
        The joint estimate and the per-point estimates (labels to values).
    settings
        The band or window and what was tested.
    """

    statistic: float
    dof: int
    p_value: float
    joint: float
    separate: dict[str, float]
    settings: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able."""
        return jsonable({"statistic": self.statistic, "dof": self.dof, "p_value": self.p_value,
                         "joint": self.joint, "separate": self.separate, "settings": self.settings})


def exponent_homogeneity(points: Sequence[ModeSpectra], low: float, high: float, *,
                         phonon_factor: float = PHONON_FACTOR) -> Homogeneity:
    """The test of one exponent for every point in the band (low, high] against one per point.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> mk = lambda s: ModeSpectra(np.sort(rng.random((300, 8)) ** (1 / (s + 1)), axis=1) * 0.3,
    ...                            np.full(300, 2 * np.pi / 10), 1000, 1.0, coverage=np.full(300, 0.3))
    >>> exponent_homogeneity([mk(4.0), mk(4.0)], 0.0, 0.3).p_value > 0.01
    True
    >>> exponent_homogeneity([mk(4.0), mk(2.0)], 0.0, 0.3).p_value < 1e-6
    True
    """
    pts = _points(points, "exponent_homogeneity")
    if len(pts) < 2:
        raise ValueError(f"exponent_homogeneity needs two or more points; found {len(pts)}")
    _check_band(low, high, "exponent_homogeneity")
    ell = math.log(high / low) if low > 0 else math.inf
    sums = [(float(q[0].sum()), float(q[1].sum())) for q in (_band_stats(p, low, high, phonon_factor) for p in pts)]
    if any(n <= 0 for n, _ in sums):
        raise ValueError(f"a point has no mode in the band ({low}, {high}] of omega/omega_g: "
                         f"modes per point {[int(n) for n, _ in sums]}; choose a band every point holds")
    n_tot, y_tot = sum(n for n, _ in sums), sum(y for _, y in sums)
    u_joint = solve_truncated_power_law(n_tot, y_tot, ell)[0] + 1.0
    u_sep = [solve_truncated_power_law(n, y, ell)[0] + 1.0 for n, y in sums]
    lr = 2.0 * (sum(_loglik(u, n, y, ell) for u, (n, y) in zip(u_sep, sums)) - _loglik(u_joint, n_tot, y_tot, ell))
    lr = max(lr, 0.0)
    dof = len(pts) - 1
    return Homogeneity(lr, dof, float(stats.chi2.sf(lr, dof)), u_joint - 1.0,
                       {p.label or f"N={p.n_particles}": u - 1.0 for p, u in zip(pts, u_sep)},
                       {"quantity": "s", "band_omega_over_omega_g": [low, high], "phonon_factor": phonon_factor,
                        "unit": _unit(pts)})


# --------------------------------------------------------------------------- density per particle
def _density_counts(point: ModeSpectra, x_edge: float, phonon_factor: float) -> tuple[np.ndarray, np.ndarray]:
    x, _, _ = reduced_modes(point)
    use = _usable(point, x_edge, phonon_factor)
    with np.errstate(invalid="ignore"):
        counts = np.sum(np.isfinite(x) & (x <= x_edge), axis=1).astype(float)
    return counts, use


def density_below(point: ModeSpectra, x_edge: float, *, phonon_factor: float = PHONON_FACTOR,
                  n_bootstrap: int = 1000, seed: int = 0, confidence: float = 0.95) -> Measurement:
    """Modes per particle with ω ≤ x_edge·ω_g,i: the mean over the phonon-free samples of count/N.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> w = np.sort(rng.random((500, 20)), axis=1)  # omega_g = 1; 20 modes on (0, 1]: 4 below 0.2
    >>> sp = ModeSpectra(w, np.full(500, 2 * np.pi / 10), 1000, 1.0, coverage=np.full(500, 1.0))
    >>> m = density_below(sp, 0.2, n_bootstrap=200)
    >>> bool(m.low < 0.004 < m.high)
    True
    """
    _check_band(0.0, x_edge, "density_below")
    counts, use = _density_counts(point, x_edge, phonon_factor)
    per = counts / point.n_particles
    value = float(per[use].mean()) if use.any() else math.nan

    def statistic(draws: list[np.ndarray]) -> float:
        d = draws[0]
        return float(per[d][use[d]].mean()) if use[d].any() else math.nan

    reps = stratified_replicates(statistic, [point], n_bootstrap, seed)
    lo, hi = percentile_interval(reps, confidence)
    settings = {"estimator": "modes per particle below x_edge * omega_g", "x_edge": x_edge, "unit": _unit([point]),
                "phonon_factor": phonon_factor, "samples_used": int(use.sum()), "samples": point.n_samples,
                "n_bootstrap": n_bootstrap, "seed": seed, "point": point.label,
                **_window_position([point], 0.0, x_edge)}
    return Measurement("modes_per_particle", value, float(np.nanstd(reps, ddof=1)), lo, hi, confidence, "1", settings,
                       None, int(use.sum()), "mean of count/N over phonon-free samples; percentile bootstrap")


def soft_mode_density(point: ModeSpectra, x_edge: float, *, exponent: float = 4.0,
                      phonon_factor: float = PHONON_FACTOR, n_bootstrap: int = 1000, seed: int = 0,
                      confidence: float = 0.95) -> Measurement:
    """The soft-mode density A_s·ω_g^(s+1) of g(ω) = A_s ω^s per particle, from the count below x_edge·ω_g
    (issue 63 item 4; s = 4: A_4 of Kapteijns, Bouchbinder & Lerner, PRL 121, 055501 (2018)).

    With g(x) = a x^s per particle in x = ω/ω_g (a = A_s ω_g^(s+1), dimensionless), the modes per particle below
    x_b are a x_b^(s+1)/(s+1); so a = (s+1) · (modes per particle below x_b) / x_b^(s+1), the
    :func:`density_below` reading times a constant (its interval too).  In the unit of the point
    (:meth:`.ModeSpectra.in_common_unit` for the protocol's ensemble G).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> n, a = 1000, 20.0  # g(x) = a x^4 per particle: a x^5 / 5 per particle below x
    >>> counts = rng.poisson(n * a * 0.2**5 / 5, 4000)  # about 1.3 modes a sample below x = 0.2
    >>> w = np.full((4000, 8), np.nan)
    >>> for i, c in enumerate(counts):
    ...     w[i, :c] = np.sort(0.2 * rng.random(c) ** 0.2)
    >>> w[np.isnan(w[:, 0]), 0] = 0.5  # a sample's lowest mode above the edge
    >>> w = np.sort(w, axis=1)
    >>> sp = ModeSpectra(w, np.full(4000, 2 * np.pi / 10), n, 1.0, coverage=np.full(4000, 0.5))
    >>> m = soft_mode_density(sp, 0.2, n_bootstrap=200)
    >>> bool(m.low < a < m.high), m.name
    (True, 'soft_mode_density')
    """
    if not exponent > -1:
        raise ValueError(f"soft_mode_density: exponent is {exponent}; expected s > -1 (4 for A_4)")
    below = density_below(point, x_edge, phonon_factor=phonon_factor, n_bootstrap=n_bootstrap, seed=seed,
                          confidence=confidence)
    scale = (exponent + 1.0) / x_edge ** (exponent + 1.0)
    settings = {**below.settings, "estimator": f"(s+1) * modes per particle below x_edge / x_edge^(s+1), s = "
                f"{exponent:g}", "exponent": exponent,
                "unit": _unit([point])}
    return Measurement("soft_mode_density", below.value * scale, below.uncertainty * scale, below.low * scale,
                       below.high * scale, confidence, "omega_g^-(s+1) per particle (A_s omega_g^(s+1))", settings,
                       None, below.n_samples, "A_s omega_g^(s+1) = (s+1) x (modes per particle below x_edge omega_g) / "
                       "x_edge^(s+1); percentile bootstrap over independent units")


@dataclass(frozen=True)
class DensityComparison:
    """Modes per particle below x·ω_g at two points: their ratio with a bootstrap interval and the Poisson test.

    Attributes
    ----------
    ratio
        density(first)/density(second), percentile bootstrap with each point resampled on its own.
    first, second
        Each point's :func:`density_below`.
    homogeneity
        The Poisson likelihood-ratio test of one density per particle (1 degree of freedom).
    """

    ratio: Measurement
    first: Measurement
    second: Measurement
    homogeneity: Homogeneity

    def to_dict(self) -> dict[str, Any]:
        """JSON-able."""
        return {"ratio": self.ratio.to_dict(), "first": self.first.to_dict(), "second": self.second.to_dict(),
                "homogeneity": self.homogeneity.to_dict()}


def density_ratio(first: ModeSpectra, second: ModeSpectra, x_edge: float, *, phonon_factor: float = PHONON_FACTOR,
                  n_bootstrap: int = 1000, seed: int = 0, confidence: float = 0.95) -> DensityComparison:
    """Modes per particle below x_edge·ω_g at ``first`` over that at ``second`` (e.g. N = 2000 over N = 8000)."""
    c1, u1 = _density_counts(first, x_edge, phonon_factor)
    c2, u2 = _density_counts(second, x_edge, phonon_factor)
    if not (u1.any() and u2.any()):
        raise ValueError(f"x_edge = {x_edge} lies above {phonon_factor} omega0 in every sample of a point "
                         f"(phonon-free samples: {int(u1.sum())}, {int(u2.sum())}): choose x_edge below "
                         f"{phonon_factor} * 2 pi / N^(1/d) of the larger box")
    kw = {"phonon_factor": phonon_factor, "n_bootstrap": n_bootstrap, "seed": seed, "confidence": confidence}
    d1, d2 = density_below(first, x_edge, **kw), density_below(second, x_edge, **kw)

    def statistic(draws: list[np.ndarray]) -> float:
        a, b = draws
        na, nb = c1[a][u1[a]], c2[b][u2[b]]
        return (na.mean() / first.n_particles) / (nb.mean() / second.n_particles) if nb.sum() > 0 else math.nan

    value = d1.value / d2.value if d2.value > 0 else math.nan
    reps = stratified_replicates(statistic, [first, second], n_bootstrap, seed)
    lo, hi = percentile_interval(reps, confidence)
    ratio = Measurement("density_ratio", value, float(np.nanstd(reps, ddof=1)), lo, hi, confidence, "1",
                        {**d1.settings, "points": [first.label, second.label], "samples_used": [d1.n_samples,
                                                                                             d2.n_samples]},
                        None, d1.n_samples + d2.n_samples,
                        "ratio of mean modes per particle; percentile bootstrap, each point resampled on its own")
    # Poisson likelihood ratio: counts C_k over exposures E_k = (samples used) * N_k
    cs = [float(c1[u1].sum()), float(c2[u2].sum())]
    es = [float(u1.sum() * first.n_particles), float(u2.sum() * second.n_particles)]
    rate = sum(cs) / sum(es)
    lr = 2.0 * sum(c * math.log(c / (rate * e)) for c, e in zip(cs, es) if c > 0)
    test = Homogeneity(max(lr, 0.0), 1, float(stats.chi2.sf(max(lr, 0.0), 1)), rate,
                       {first.label or f"N={first.n_particles}": cs[0] / es[0],
                        second.label or f"N={second.n_particles}": cs[1] / es[1]},
                       {"quantity": "modes per particle (Poisson counts)", "x_edge": x_edge,
                        "unit": _unit([first, second])})
    return DensityComparison(ratio, d1, d2, test)


# --------------------------------------------------------------------------- extreme value
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
        return {"exponent": self.exponent.to_dict(), "prefactor": self.prefactor.to_dict(),
                "separate": jsonable(self.separate), "censored": self.censored,
                "homogeneity": None if self.homogeneity is None else self.homogeneity.to_dict()}


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
    settings = {"estimator": "extreme_value (kappa free) difference", "interval": "half-sides of the two fits' "
                "percentile intervals added in quadrature (independent fits; conservative)"}
    return Measurement("s_difference_extreme_value", value, math.hypot(ma.uncertainty, mb.uncertainty), low, high,
                       ma.confidence, "1", settings, None, ma.n_samples, "difference of two joint extreme-value fits")


def _lowest(point: ModeSpectra, phonon_factor: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each sample's lowest x, its censoring edge and whether it is observed (below the edge)."""
    x, x0, reach = reduced_modes(point)
    edge = np.minimum(phonon_factor * x0, reach)
    first = x[:, 0]
    observed = np.isfinite(first) & (first <= edge)
    return np.where(observed, first, edge), edge, observed


def _weibull_ll(beta: float, kappa: float, log_t: np.ndarray, log_n: np.ndarray, observed: np.ndarray
                ) -> tuple[float, float]:
    """Profile log-likelihood of S(x) = exp(−c N^κ x^β) (c profiled out) and ĉ."""
    d = float(observed.sum())
    c = d / float(np.sum(np.exp(kappa * log_n + beta * log_t)))
    ll = d * math.log(c * beta) + kappa * float(np.sum(log_n[observed])) \
        + (beta - 1.0) * float(np.sum(log_t[observed])) - d
    return ll, c


def _ev_fit(t: np.ndarray, n: np.ndarray, observed: np.ndarray, free_kappa: bool = False, kappa: float = 1.0
            ) -> tuple[float, float, float, float]:
    """(s, a, max log-likelihood, κ) of censored data t (N per value n): S(x) = exp(−(N a x^(s+1))^κ).

    κ is ``kappa`` (1: independent levels) unless ``free_kappa``: then κ is fitted too, which needs two or more N
    (the law depends on N through N^κ and on x through x^(κ(s+1)), so s + 1 is the ratio of the two powers)."""
    d = float(observed.sum())
    if d < 2:
        return math.nan, math.nan, math.nan, math.nan
    log_t, log_n = np.log(t), np.log(n)
    if not free_kappa:
        res = optimize.minimize_scalar(lambda b: -_weibull_ll(b, kappa, log_t, log_n, observed)[0],
                                       bounds=(0.05, 41.0), method="bounded", options={"xatol": 1e-7})
        beta = float(res.x)
    else:
        res = optimize.minimize(lambda p: -_weibull_ll(math.exp(p[0]), math.exp(p[1]), log_t, log_n, observed)[0],
                                x0=np.array([math.log(5.0), 0.0]), method="Nelder-Mead",
                                options={"xatol": 1e-7, "fatol": 1e-9, "maxiter": 4000})
        beta, kappa = float(math.exp(res.x[0])), float(math.exp(res.x[1]))
    ll, c = _weibull_ll(beta, kappa, log_t, log_n, observed)
    return beta / kappa - 1.0, c ** (1.0 / kappa), ll, kappa


def _ev_homogeneity(
    n_points: int, sep: dict[str, tuple[float, float, float, float]], ll_joint: float, s_hat: float, law: str,
    phonon_factor: float,
) -> Homogeneity | None:
    """Likelihood-ratio test of one law across the points against a fit per point (None without degrees of freedom)."""
    dof = 2 * n_points - (3 if law == "free" else 2)
    if n_points > 1 and dof > 0:
        lr = max(2.0 * (sum(v[2] for v in sep.values()) - ll_joint), 0.0)
        return Homogeneity(lr, dof, float(stats.chi2.sf(lr, dof)), s_hat, {k: v[0] for k, v in sep.items()},
                           {"quantity": f"the law of the lowest mode ({law})", "phonon_factor": phonon_factor,
                            "unit": UNIT})
    return None


def extreme_value_fit(points: ModeSpectra | Sequence[ModeSpectra], *, phonon_factor: float = PHONON_FACTOR,
                      law: str = "independent", n_bootstrap: int = 1000, seed: int = 0,
                      confidence: float = 0.95) -> ExtremeValueFit:
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
    if law not in ("independent", "free"):
        raise ValueError(f"law is {law!r}; expected 'independent' (kappa = 1) or 'free' (kappa fitted, >= 2 N)")
    pts = _points(points, "extreme_value_fit")
    free = law == "free"
    if free and len({p.n_particles for p in pts}) < 2:
        raise ValueError(f"law='free' needs points at two or more N (the power of N identifies kappa); found N = "
                         f"{sorted({p.n_particles for p in pts})}: pass more sizes or use law='independent'")
    data = [_lowest(p, phonon_factor) for p in pts]
    ns = [np.full(p.n_samples, float(p.n_particles)) for p in pts]

    def joint(draws: list[np.ndarray]) -> tuple[float, float, float, float]:
        t = np.concatenate([q[0][d] for q, d in zip(data, draws)])
        o = np.concatenate([q[2][d] for q, d in zip(data, draws)])
        n = np.concatenate([m[d] for m, d in zip(ns, draws)])
        return _ev_fit(t, n, o, free)

    s_hat, a_hat, ll_joint, kappa = joint([np.arange(p.n_samples) for p in pts])
    rng = np.random.default_rng(seed)
    reps = np.array([joint([p.resample_units(rng) for p in pts]) for _ in range(n_bootstrap)])
    s_lo, s_hi = percentile_interval(reps[:, 0], confidence)
    a_lo, a_hi = percentile_interval(reps[:, 1], confidence)
    labels = [p.label or f"N={p.n_particles}" for p in pts]
    sep = {lab: _ev_fit(q[0], m, q[2]) for lab, q, m in zip(labels, data, ns)}
    homog = _ev_homogeneity(len(pts), sep, ll_joint, s_hat, law, phonon_factor)
    observed = int(sum(q[2].sum() for q in data))
    settings = {"estimator": "extreme_value", "law": law, "unit": _unit(pts), "phonon_factor": phonon_factor,
                "points": labels, "samples": [p.n_samples for p in pts], "observed": observed,
                "n_bootstrap": n_bootstrap, "seed": seed, "kappa": kappa,
                "kappa_interval": list(percentile_interval(reps[:, 3], confidence)),
                "survival": ("P(x_min > x) = exp(-(N a x^(s+1))^kappa)" if free else
                             "P(x_min > x) = exp(-N a x^(s+1))") + ", right-censored at the phonon-free edge"}
    m = Measurement("s_extreme_value", s_hat, float(np.nanstd(reps[:, 0], ddof=1)), s_lo, s_hi, confidence, "1",
                    settings, None, sum(p.n_samples for p in pts),
                    "censored MLE of each sample's lowest mode in omega/omega_g, joint over points; percentile "
                    "bootstrap, each point resampled on its own")
    status, reason = ("ok", "") if observed >= MIN_MODES and _units(pts) >= MIN_GROUPS else (
        "inconclusive", f"{observed} lowest modes below the phonon-free edge and {_units(pts)} units; expected at "
                        f"least {MIN_MODES} and {MIN_GROUPS}")
    prefactor = Measurement("a_extreme_value", a_hat, float(np.nanstd(reps[:, 1], ddof=1)), a_lo, a_hi, confidence,
                            "1", settings, None, m.n_samples, "prefactor of the same fit")
    censored = {lab: int((~q[2]).sum()) for lab, q in zip(labels, data)}
    return ExtremeValueFit(ExponentEstimate(m, {}, status, reason, {"observed": observed}), prefactor,
                           {k: (v[0], v[1]) for k, v in sep.items()}, homog, censored)
