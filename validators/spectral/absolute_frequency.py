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

Differences and the lowest mode (their own modules, on the same reduced modes; issue 66 item 5)
    :mod:`.band_differences`
        s(first) − s(second) on one band: :func:`~.band_differences.paired_band_difference` (the same
        realisations at both sides) and :func:`~.band_differences.band_difference` (independent sets).
    :mod:`.lowest_mode_law`
        :func:`~.lowest_mode_law.extreme_value_fit`: each sample's lowest mode xᵢ (right-censored at the
        phonon-free edge), P(x_min > x) = exp(−N a x^(s+1)), (a, s) by maximum likelihood jointly over every
        point, with separate fits per point and the likelihood-ratio test of one (a, s) (2(K − 1) degrees of
        freedom).

Intervals
    Percentile bootstrap over independent units (chains when a point has
    ``groups``, else samples), each point resampled on its own (different N
    are independent glasses); paired differences (:func:`~.band_differences.paired_band_difference`)
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
from scipy import integrate, stats

from ..results.result import MIN_GROUPS, Measurement, jsonable
from .exponent_result import ExponentEstimate
from .mode_spectra import ModeSpectra, percentile_interval, percentile_measurement, stratified_replicates
from .truncated_power_law import solve_truncated_power_law

__all__ = [
    "PHONON_FACTOR",
    "S_OF_OMEGA_EDGES",
    "DensityComparison",
    "Homogeneity",
    "band_mle",
    "band_mle_population",
    "density_below",
    "density_ratio",
    "exponent_homogeneity",
    "local_exponent",
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
    return (
        "omega_g = sqrt(G_u/rho) * n^(1/d), one G_u for every sample of a point (the protocol's ensemble G): "
        + ", ".join("each sample's own G" if g is None else f"G_u = {g:.6g}" for g in common)
    )


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


def _pooled_s(per: Sequence[tuple[np.ndarray, ...]], draws: Sequence[np.ndarray], low: float, high: float) -> float:
    """s of the band MLE pooled over the drawn samples of every point (what each bootstrap replicate reads)."""
    return _band_s(
        np.concatenate([q[0][d] for q, d in zip(per, draws)]),
        np.concatenate([q[1][d] for q, d in zip(per, draws)]),
        low,
        high,
    )


def _spread(reps: np.ndarray) -> float:
    """The standard deviation of the finite bootstrap replicates (NaN with fewer than two)."""
    return float(np.nanstd(reps, ddof=1)) if np.isfinite(reps).sum() > 1 else math.nan


def _window_position(points: list[ModeSpectra], low: float, high: float) -> dict[str, Any]:
    x0 = np.concatenate([reduced_modes(p)[1] for p in points])
    return {
        "band_in_omega0": [float(low / np.median(x0)), float(high / np.median(x0))],
        "band_top_in_omega0_range": [float(high / x0.max()), float(high / x0.min())],
    }


def _band_fit(per: Sequence[tuple[np.ndarray, ...]], low: float, high: float) -> tuple[float, float, float]:
    """Pooled modes, s and its Fisher standard error of the band MLE over every sample of every point."""
    n_all = np.concatenate([q[0] for q in per])
    y_all = np.concatenate([q[1] for q in per])
    count = float(n_all.sum())
    s_hat, fisher_se = (
        solve_truncated_power_law(count, float(y_all.sum()), math.log(high / low) if low > 0 else math.inf)
        if count > 0
        else (math.nan, math.nan)
    )
    return count, s_hat, fisher_se


def _band_settings(
    pts: list[ModeSpectra],
    used: list[int],
    count: float,
    low: float,
    high: float,
    phonon_factor: float,
    n_bootstrap: int,
    seed: int,
) -> dict[str, Any]:
    """The settings of a band reading: the band, the unit, the samples used and where the band sits in ω₀."""
    return {
        "estimator": "band_mle",
        "band_omega_over_omega_g": [low, high],
        "unit": _unit(pts),
        "phonon_factor": phonon_factor,
        "points": [p.label or f"N={p.n_particles}" for p in pts],
        "samples_used": used,
        "samples": [p.n_samples for p in pts],
        "modes": int(count),
        "n_bootstrap": n_bootstrap,
        "seed": seed,
        **_window_position(pts, low, high),
    }


def band_mle(
    points: ModeSpectra | Sequence[ModeSpectra],
    low: float,
    high: float,
    *,
    phonon_factor: float = PHONON_FACTOR,
    min_modes: int = MIN_MODES,
    n_bootstrap: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> ExponentEstimate:
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
    count, s_hat, fisher_se = _band_fit(per, low, high)
    reps = stratified_replicates(lambda draws: _pooled_s(per, draws, low, high), pts, n_bootstrap, seed)
    lo, hi = percentile_interval(reps, confidence)
    used = [int(q[2].sum()) for q in per]
    status, reason = _status(count, min_modes, pts, used)
    z = stats.norm.ppf(0.5 + confidence / 2.0)
    settings = _band_settings(pts, used, count, low, high, phonon_factor, n_bootstrap, seed)
    m = Measurement(
        "s_band_mle",
        s_hat,
        _spread(reps),
        lo,
        hi,
        confidence,
        "1",
        settings,
        None,
        int(sum(used)),
        "pooled truncated power-law MLE on (low, high] of omega/omega_g; percentile bootstrap over "
        "independent units, each point resampled on its own",
    )
    return ExponentEstimate(
        m,
        {"fisher": (s_hat - z * fisher_se, s_hat + z * fisher_se)},
        status,
        reason,
        {"modes": int(count), "samples_used": used},
    )


def _status(count: float, min_modes: int, pts: list[ModeSpectra], used: list[int]) -> tuple[str, str]:
    if sum(used) == 0:
        return "inconclusive", (
            "no sample's first phonon lies far enough above the band (its top must be below "
            "phonon_factor * omega0_i): choose a lower band or larger N"
        )
    if count < min_modes:
        return "inconclusive", f"{int(count)} modes in the band; expected at least {min_modes}: widen it or add samples"
    if _units(pts) < MIN_GROUPS:
        return "inconclusive", f"{_units(pts)} independent units; the bootstrap needs at least {MIN_GROUPS}"
    return "ok", ""


def window_mle_absolute(points: ModeSpectra | Sequence[ModeSpectra], x_edge: float, **kwargs: Any) -> ExponentEstimate:
    """The window MLE on (0, x_edge·ω_g,i]: :func:`band_mle` with ``low = 0`` (same keywords)."""
    return band_mle(points, 0.0, x_edge, **kwargs)


def band_mle_population(
    density: Callable[[float], float],
    low: float,
    high: float,
    *,
    modulus_scatter: float | Sequence[float] = 0.0,
    weights: Sequence[float] | None = None,
    nodes: int = 15,
) -> float:
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
        raise ValueError(
            f"band_mle_population: expected one positive weight a pooled point ({scatters.size}); "
            f"found {w_points.tolist()}"
        )
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


def local_exponent(
    points: ModeSpectra | Sequence[ModeSpectra], edges: Sequence[float], **kwargs: Any
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
        {
            "s": ("band", [x.value for x in ests]),
            "low": ("band", [x.measurement.low for x in ests]),
            "high": ("band", [x.measurement.high for x in ests]),
            "modes": ("band", [int(x.diagnostics["modes"]) for x in ests]),
            "status": ("band", [x.status for x in ests]),
        },
        coords={
            "band": ("band", centre, {"long_name": "band centre", "units": "omega_g"}),
            "band_low": ("band", e[:-1]),
            "band_high": ("band", e[1:]),
        },
        attrs={"estimator": "band_mle", "unit": ests[0].measurement.settings["unit"] if ests else UNIT},
    )
    return ests, curve


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
        return jsonable(
            {
                "statistic": self.statistic,
                "dof": self.dof,
                "p_value": self.p_value,
                "joint": self.joint,
                "separate": self.separate,
                "settings": self.settings,
            }
        )


def exponent_homogeneity(
    points: Sequence[ModeSpectra], low: float, high: float, *, phonon_factor: float = PHONON_FACTOR
) -> Homogeneity:
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
        raise ValueError(
            f"a point has no mode in the band ({low}, {high}] of omega/omega_g: "
            f"modes per point {[int(n) for n, _ in sums]}; choose a band every point holds"
        )
    n_tot, y_tot = sum(n for n, _ in sums), sum(y for _, y in sums)
    u_joint = solve_truncated_power_law(n_tot, y_tot, ell)[0] + 1.0
    u_sep = [solve_truncated_power_law(n, y, ell)[0] + 1.0 for n, y in sums]
    lr = 2.0 * (sum(_loglik(u, n, y, ell) for u, (n, y) in zip(u_sep, sums)) - _loglik(u_joint, n_tot, y_tot, ell))
    lr = max(lr, 0.0)
    dof = len(pts) - 1
    return Homogeneity(
        lr,
        dof,
        float(stats.chi2.sf(lr, dof)),
        u_joint - 1.0,
        {p.label or f"N={p.n_particles}": u - 1.0 for p, u in zip(pts, u_sep)},
        {"quantity": "s", "band_omega_over_omega_g": [low, high], "phonon_factor": phonon_factor, "unit": _unit(pts)},
    )


# --------------------------------------------------------------------------- density per particle
def _density_counts(point: ModeSpectra, x_edge: float, phonon_factor: float) -> tuple[np.ndarray, np.ndarray]:
    x, _, _ = reduced_modes(point)
    use = _usable(point, x_edge, phonon_factor)
    with np.errstate(invalid="ignore"):
        counts = np.sum(np.isfinite(x) & (x <= x_edge), axis=1).astype(float)
    return counts, use


def density_below(
    point: ModeSpectra,
    x_edge: float,
    *,
    phonon_factor: float = PHONON_FACTOR,
    n_bootstrap: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> Measurement:
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
    settings = {
        "estimator": "modes per particle below x_edge * omega_g",
        "x_edge": x_edge,
        "unit": _unit([point]),
        "phonon_factor": phonon_factor,
        "samples_used": int(use.sum()),
        "samples": point.n_samples,
        "n_bootstrap": n_bootstrap,
        "seed": seed,
        "point": point.label,
        **_window_position([point], 0.0, x_edge),
    }
    return percentile_measurement(
        "modes_per_particle",
        value,
        reps,
        confidence,
        settings,
        int(use.sum()),
        "mean of count/N over phonon-free samples; percentile bootstrap",
    )


def soft_mode_density(
    point: ModeSpectra,
    x_edge: float,
    *,
    exponent: float = 4.0,
    phonon_factor: float = PHONON_FACTOR,
    n_bootstrap: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> Measurement:
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
    below = density_below(
        point, x_edge, phonon_factor=phonon_factor, n_bootstrap=n_bootstrap, seed=seed, confidence=confidence
    )
    scale = (exponent + 1.0) / x_edge ** (exponent + 1.0)
    settings = {
        **below.settings,
        "estimator": f"(s+1) * modes per particle below x_edge / x_edge^(s+1), s = {exponent:g}",
        "exponent": exponent,
        "unit": _unit([point]),
    }
    return Measurement(
        "soft_mode_density",
        below.value * scale,
        below.uncertainty * scale,
        below.low * scale,
        below.high * scale,
        confidence,
        "omega_g^-(s+1) per particle (A_s omega_g^(s+1))",
        settings,
        None,
        below.n_samples,
        "A_s omega_g^(s+1) = (s+1) x (modes per particle below x_edge omega_g) / "
        "x_edge^(s+1); percentile bootstrap over independent units",
    )


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
        return {
            "ratio": self.ratio.to_dict(),
            "first": self.first.to_dict(),
            "second": self.second.to_dict(),
            "homogeneity": self.homogeneity.to_dict(),
        }


def density_ratio(
    first: ModeSpectra,
    second: ModeSpectra,
    x_edge: float,
    *,
    phonon_factor: float = PHONON_FACTOR,
    n_bootstrap: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> DensityComparison:
    """Modes per particle below x_edge·ω_g at ``first`` over that at ``second`` (e.g. N = 2000 over N = 8000)."""
    c1, u1 = _density_counts(first, x_edge, phonon_factor)
    c2, u2 = _density_counts(second, x_edge, phonon_factor)
    if not (u1.any() and u2.any()):
        raise ValueError(
            f"x_edge = {x_edge} lies above {phonon_factor} omega0 in every sample of a point "
            f"(phonon-free samples: {int(u1.sum())}, {int(u2.sum())}): choose x_edge below "
            f"{phonon_factor} * 2 pi / N^(1/d) of the larger box"
        )
    kw = {"phonon_factor": phonon_factor, "n_bootstrap": n_bootstrap, "seed": seed, "confidence": confidence}
    d1, d2 = density_below(first, x_edge, **kw), density_below(second, x_edge, **kw)

    def statistic(draws: list[np.ndarray]) -> float:
        a, b = draws
        na, nb = c1[a][u1[a]], c2[b][u2[b]]
        return (na.mean() / first.n_particles) / (nb.mean() / second.n_particles) if nb.sum() > 0 else math.nan

    value = d1.value / d2.value if d2.value > 0 else math.nan
    reps = stratified_replicates(statistic, [first, second], n_bootstrap, seed)
    ratio = percentile_measurement(
        "density_ratio",
        value,
        reps,
        confidence,
        {**d1.settings, "points": [first.label, second.label], "samples_used": [d1.n_samples, d2.n_samples]},
        d1.n_samples + d2.n_samples,
        "ratio of mean modes per particle; percentile bootstrap, each point resampled on its own",
    )
    # Poisson likelihood ratio: counts C_k over exposures E_k = (samples used) * N_k
    cs = [float(c1[u1].sum()), float(c2[u2].sum())]
    es = [float(u1.sum() * first.n_particles), float(u2.sum() * second.n_particles)]
    rate = sum(cs) / sum(es)
    lr = 2.0 * sum(c * math.log(c / (rate * e)) for c, e in zip(cs, es) if c > 0)
    test = Homogeneity(
        max(lr, 0.0),
        1,
        float(stats.chi2.sf(max(lr, 0.0), 1)),
        rate,
        {
            first.label or f"N={first.n_particles}": cs[0] / es[0],
            second.label or f"N={second.n_particles}": cs[1] / es[1],
        },
        {"quantity": "modes per particle (Poisson counts)", "x_edge": x_edge, "unit": _unit([first, second])},
    )
    return DensityComparison(ratio, d1, d2, test)
