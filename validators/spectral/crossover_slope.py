"""The slope of the boson-peak / crossover frequency ω_BP against c·k_G (seed 000, eq. 16 and the text after eq. 18).

The frequency of one point is :func:`~.crossover.crossover_frequency`
(:mod:`vdosbench.validators.spectral.crossover`, whose docstring has the physics).

Slope
    ω_BP of each point against x = c·k_G: a weighted least-squares line with
    intercept (weights 1/SE²) and a line through the origin.  The uncertainty
    is the bootstrap: replicate r of every point (and of c when it is
    measured) refitted with the same weights; the weighted-LS standard errors
    and χ²/dof are recorded beside it.  The seed's prediction √3/2 is
    recorded, not judged.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import xarray as xr
from scipy.stats import norm
from vdosbench.datasets import parameter_dims

from ..results.registry import measures
from ..results.result import Measurement, ValidatorResult, current_axes
from .crossover import CrossoverResult, Estimator, _point

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = [
    "SEED000_SLOPE",
    "CrossoverSlopeResult",
    "crossover_slope",
    "crossover_slope_from_points",
    "exponent_below_crossover",
]

#: Seed 000's prediction for dω_BP/d(c k_G): √3/2 (eq. 16 and the text after eq. 18).
SEED000_SLOPE = math.sqrt(3.0) / 2.0


def _wls(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[float, float, float, float, float]:
    """Weighted line y = a + b x: (b, a, se_b, se_a, chi2)."""
    sw, sx, sy = w.sum(), np.dot(w, x), np.dot(w, y)
    sxx, sxy = np.dot(w, x * x), np.dot(w, x * y)
    det = sw * sxx - sx * sx
    b = (sw * sxy - sx * sy) / det
    a = (sxx * sy - sx * sxy) / det
    chi2 = float(np.dot(w, (y - a - b * x) ** 2))
    return float(b), float(a), float(math.sqrt(sw / det)), float(math.sqrt(sxx / det)), chi2


def _origin(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[float, float, float]:
    sxx = np.dot(w, x * x)
    b = float(np.dot(w, x * y) / sxx)
    return b, float(1.0 / math.sqrt(sxx)), float(np.dot(w, (y - b * x) ** 2))


@dataclass(frozen=True, eq=False)
class CrossoverSlopeResult(ValidatorResult):
    """Output of :func:`crossover_slope` / :func:`crossover_slope_from_points`.

    Attributes
    ----------
    slope, intercept
        Weighted line ω_BP = intercept + slope · c k_G (:class:`Measurement` s).
    slope_through_origin
        Weighted line ω_BP = slope · c k_G.
    curve
        Over ``point``: ``x`` = c k_G, ``omega_bp``, ``omega_bp_se``, ``sound_speed``,
        ``k_G``, ``line``, ``line_origin``, ``seed000_line`` (√3/2 x).
    points
        The per-point :class:`CrossoverResult` s (empty for array input).
    settings
        Estimator, window(s), weights, χ²/dof, weighted-LS standard errors, the seed's slope.
    """

    headline = "slope"

    slope: Measurement
    intercept: Measurement
    slope_through_origin: Measurement
    curve: xr.Dataset
    points: tuple[CrossoverResult, ...]
    settings: Mapping[str, Any]

    def plot(self, ax: Axes | None = None) -> Axes:
        """ω_BP against c·k_G with error bars, both fitted lines and the seed's √3/2 line."""
        ax = current_axes(ax)
        c = self.curve
        x = c["x"].values
        ax.errorbar(x, c["omega_bp"].values, yerr=c["omega_bp_se"].values, fmt="o", color="k", capsize=3, label="ω_BP")
        order = np.argsort(x)
        ax.plot(x[order], c["line"].values[order], color="tab:red", label=f"slope {self.slope.value:.3g}")
        ax.plot(x[order], c["line_origin"].values[order], color="tab:orange", ls="--", label="through origin")
        ax.plot(x[order], c["seed000_line"].values[order], color="0.5", ls=":", label="√3/2 (seed 000)")
        ax.set_xlabel("c·k_G")
        ax.set_ylabel("ω_BP")
        ax.legend()
        return ax


@dataclass(frozen=True)
class _Lines:
    """Both weighted lines of :func:`crossover_slope_from_points`, their weights and least-squares errors."""

    weighted: bool
    w: np.ndarray
    b: float
    a: float
    se_b: float
    se_a: float
    chi2: float
    b0: float
    se_b0: float
    chi2_0: float


def _fit_lines(xv: np.ndarray, yv: np.ndarray, se: np.ndarray, ok: np.ndarray) -> _Lines:
    """The line with intercept and the line through the origin (1/SE² weights when every SE is usable)."""
    weighted = bool(np.all(np.isfinite(se[ok])) and np.all(se[ok] > 0))
    w = 1.0 / se**2 if weighted else np.ones_like(xv)
    w = np.where(ok, w, 0.0)
    xs, ys = np.where(ok, xv, 0.0), np.where(ok, yv, 0.0)
    b, a, se_b, se_a, chi2 = _wls(xs, ys, w)
    b0, se_b0, chi2_0 = _origin(xs, ys, w)
    n_ok = int(ok.sum())
    if not weighted:  # ordinary least squares: the scatter of the residuals sets the scale
        se_b, se_a = se_b * math.sqrt(chi2 / (n_ok - 2)), se_a * math.sqrt(chi2 / (n_ok - 2))
        se_b0 *= math.sqrt(chi2_0 / (n_ok - 1))
    return _Lines(weighted, w, b, a, se_b, se_a, chi2, b0, se_b0, chi2_0)


def _replicate_fits(
    replicates: np.ndarray, x_replicates: np.ndarray | None, xv: np.ndarray, ok: np.ndarray, w: np.ndarray
) -> list[tuple[float, float, float]]:
    """(slope, intercept, slope through the origin) of every replicate row with at least 3 usable points."""
    fits: list[tuple[float, float, float]] = []
    reps = np.asarray(replicates, dtype=float)
    if reps.ndim != 2 or reps.shape[1] != xv.size:
        raise ValueError(f"replicates have shape {reps.shape}; expected (n_bootstrap, {xv.size})")
    xr_ = np.broadcast_to(xv, reps.shape) if x_replicates is None else np.asarray(x_replicates, dtype=float)
    for yr, xr_row in zip(reps, xr_):
        good = ok & np.isfinite(yr) & np.isfinite(xr_row)
        wr = np.where(good, w, 0.0)
        yz, xz = np.where(good, yr, 0.0), np.where(good, xr_row, 0.0)
        if good.sum() >= 3:
            bb, aa, *_ = _wls(xz, yz, wr)
            fits.append((bb, aa, _origin(xz, yz, wr)[0]))
    return fits


def _intervals(
    fits: list[tuple[float, float, float]], lines: _Lines, confidence: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
    """Standard errors, interval ends and their description: bootstrap of the refits, else least squares."""
    if len(fits) >= 2:
        fits_arr = np.array(fits)
        tail = (1.0 - confidence) / 2.0
        lows, highs = np.quantile(fits_arr, [tail, 1.0 - tail], axis=0)
        ses = np.std(fits_arr, axis=0, ddof=1)
        return ses, lows, highs, "bootstrap: every replicate of the per-point estimates refitted with the same weights"
    zq = float(norm.ppf(0.5 + confidence / 2.0))
    ses = np.array([lines.se_b, lines.se_a, lines.se_b0])
    vals = np.array([lines.b, lines.a, lines.b0])
    lows, highs = vals - zq * ses, vals + zq * ses
    scale = "1/SE^2 weights" if lines.weighted else "residual scatter"
    return ses, lows, highs, f"least-squares standard errors ({scale}), normal interval"


def _slope_curve(
    xv: np.ndarray,
    yv: np.ndarray,
    se: np.ndarray,
    k_G: Sequence[float] | np.ndarray | None,
    sound_speed: Sequence[float] | np.ndarray | None,
    units: str,
    lines: _Lines,
) -> xr.Dataset:
    """The result's ``curve`` over ``point``: the data, both fitted lines and the seed's line."""
    kg = np.full(xv.shape, np.nan) if k_G is None else np.asarray(k_G, dtype=float)
    cs = np.full(xv.shape, np.nan) if sound_speed is None else np.asarray(sound_speed, dtype=float)
    u = {"units": units}
    return xr.Dataset(
        {
            "x": ("point", xv, {"long_name": "c k_G", **u}),
            "omega_bp": ("point", yv, {"long_name": "boson-peak / crossover frequency", **u}),
            "omega_bp_se": ("point", se, {"long_name": "standard error of omega_bp", **u}),
            "k_G": ("point", kg, {"long_name": "wavenumber of the modulus fluctuation", "units": "1"}),
            "sound_speed": ("point", cs, {"long_name": "sound speed c", "units": "1"}),
            "line": ("point", lines.a + lines.b * xv, {"long_name": "fitted line with intercept", **u}),
            "line_origin": ("point", lines.b0 * xv, {"long_name": "fitted line through the origin", **u}),
            "seed000_line": ("point", SEED000_SLOPE * xv, {"long_name": "sqrt(3)/2 c k_G (seed 000)", **u}),
        },
        coords={"point": ("point", np.arange(xv.size), {"long_name": "parameter point", "units": "1"})},
    )


def _slope_settings(
    settings: Mapping[str, Any] | None, lines: _Lines, how: str, n_ok: int, confidence: float
) -> dict[str, Any]:
    """The result's settings: the caller's, weights, uncertainty rule, least-squares errors and χ²/dof."""
    dof = n_ok - 2
    return {
        **dict(settings or {}),
        "weights": "1/SE^2" if lines.weighted else "none (standard errors missing)",
        "uncertainty": how,
        "wls_se_slope": lines.se_b,
        "wls_se_intercept": lines.se_a,
        "wls_se_slope_through_origin": lines.se_b0,
        "chi2_per_dof": lines.chi2 / dof if dof > 0 else math.nan,
        "chi2_per_dof_through_origin": lines.chi2_0 / (n_ok - 1) if n_ok > 1 else math.nan,
        "n_points": n_ok,
        "seed000_slope": SEED000_SLOPE,
        "confidence": confidence,
    }


def _read_points(
    x: Sequence[float] | np.ndarray,
    omega_bp: Sequence[float] | np.ndarray,
    omega_bp_se: Sequence[float] | np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """x, ω_BP and its SE (NaN when not given) as arrays and the mask of usable points; raise on bad shapes."""
    xv = np.asarray(x, dtype=float)
    yv = np.asarray(omega_bp, dtype=float)
    if xv.shape != yv.shape or xv.ndim != 1:
        raise ValueError(f"x has shape {xv.shape} and omega_bp {yv.shape}; expected equal 1-D shapes (n_point,)")
    ok = np.isfinite(xv) & np.isfinite(yv)
    if ok.sum() < 3:
        raise ValueError(
            f"{int(ok.sum())} points with finite x and omega_bp; a line with intercept and its uncertainty "
            "need at least 3 (give more k_G values)"
        )
    se = np.full(xv.shape, np.nan) if omega_bp_se is None else np.asarray(omega_bp_se, dtype=float)
    return xv, yv, se, ok


def _slope_result(
    lines: _Lines,
    intervals: tuple[np.ndarray, np.ndarray, np.ndarray, str],
    confidence: float,
    units: str,
    base: dict[str, Any],
    curve: xr.Dataset,
    points: tuple[CrossoverResult, ...],
) -> CrossoverSlopeResult:
    """The result: slope, intercept and slope through the origin with their errors and intervals."""
    ses, lows, highs, _ = intervals
    n_samples = int(sum(p.fit_frequency.n_samples for p in points))

    def meas(name: str, idx: int, value: float, unit: str, method: str) -> Measurement:
        low, high = float(lows[idx]), float(highs[idx])
        return Measurement(name, value, float(ses[idx]), low, high, confidence, unit, base, curve, n_samples, method)

    return CrossoverSlopeResult(
        meas("crossover_slope", 0, lines.b, "1", "weighted line omega_BP = a + b c k_G; slope b"),
        meas("crossover_intercept", 1, lines.a, units, "weighted line omega_BP = a + b c k_G; intercept a"),
        meas("crossover_slope_through_origin", 2, lines.b0, "1", "weighted line omega_BP = b c k_G"),
        curve,
        points,
        base,
    )


def crossover_slope_from_points(
    x: Sequence[float] | np.ndarray,
    omega_bp: Sequence[float] | np.ndarray,
    omega_bp_se: Sequence[float] | np.ndarray | None = None,
    *,
    replicates: np.ndarray | None = None,
    x_replicates: np.ndarray | None = None,
    confidence: float = 0.95,
    k_G: Sequence[float] | np.ndarray | None = None,
    sound_speed: Sequence[float] | np.ndarray | None = None,
    units: str = "1",
    points: tuple[CrossoverResult, ...] = (),
    settings: Mapping[str, Any] | None = None,
) -> CrossoverSlopeResult:
    """Slope of ω_BP against x = c·k_G from per-point estimates.

    Parameters
    ----------
    x
        c·k_G of each point, shape ``(n_point,)``.
    omega_bp, omega_bp_se
        ω_BP and its standard error per point; weights 1/SE² when every SE
        is finite and > 0, else an unweighted fit.
    replicates
        Bootstrap replicates of ω_BP, shape ``(n_bootstrap, n_point)``; then
        the uncertainty and interval come from refitting every replicate row.
        Without them, the least-squares standard error (from the given SEs
        when weighted, from the residual scatter otherwise) and a normal interval.
    x_replicates
        Replicates of x (measured sound speed), same shape, refitted jointly.
    confidence
        Interval coverage.
    k_G, sound_speed, units, points, settings
        Recorded in the curve / result.

    Returns
    -------
    CrossoverSlopeResult

    Examples
    --------
    >>> x = np.array([0.5, 1.0, 1.5, 2.0])
    >>> res = crossover_slope_from_points(x, SEED000_SLOPE * x, np.full(4, 0.01))
    >>> round(res.slope.value, 12), abs(round(res.intercept.value, 12))
    (0.866025403784, 0.0)
    """
    xv, yv, se, ok = _read_points(x, omega_bp, omega_bp_se)
    lines = _fit_lines(xv, yv, se, ok)
    fits = [] if replicates is None else _replicate_fits(replicates, x_replicates, xv, ok, lines.w)
    intervals = _intervals(fits, lines, confidence)
    base = _slope_settings(settings, lines, intervals[3], int(ok.sum()), confidence)
    curve = _slope_curve(xv, yv, se, k_G, sound_speed, units, lines)
    return _slope_result(lines, intervals, confidence, units, base, curve, points)


def _sweep_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """A claim's settings as keyword arguments: ``across`` (the sweep's dimension) as ``dim``, a window list as a
    tuple."""
    options = {k: v for k, v in settings.items() if k != "across"}
    if isinstance(options.get("window"), list):
        options["window"] = tuple(options["window"])
    return {"dim": str(settings["across"]), **options}


def _given_speeds(sound_speed: Any, kg_values: np.ndarray, dim: str) -> np.ndarray | None:
    """c per point from a float, a sequence or a mapping k_G → c; None when it is measured ("modulus", "dispersion")."""
    if isinstance(sound_speed, str):
        if sound_speed not in ("modulus", "dispersion"):
            raise ValueError(
                f"sound_speed is {sound_speed!r}; expected a float, a sequence, a mapping, 'modulus' or 'dispersion'"
            )
        return None
    if isinstance(sound_speed, Mapping):
        missing = [k for k in kg_values if k not in sound_speed]
        if missing:
            raise ValueError(f"sound_speed mapping lacks k_G values {missing}; give c for every {dim}")
        return np.array([float(sound_speed[k]) for k in kg_values])
    if np.ndim(sound_speed) == 0:
        return np.full(kg_values.size, float(sound_speed))
    speeds_given = np.asarray(sound_speed, dtype=float)
    if speeds_given.shape != kg_values.shape:
        raise ValueError(f"sound_speed has {speeds_given.size} values; expected one per {dim} ({kg_values.size})")
    return speeds_given


def _read_sweep(ds: xr.Dataset, sound_speed: Any, estimator: str, dim: str) -> tuple[np.ndarray, np.ndarray | None]:
    """The sweep's k_G values and the given c per point (None when measured); raise on a bad estimator or dims."""
    if estimator not in ("fit", "peak"):
        raise ValueError(f"estimator is {estimator!r}; expected 'fit' or 'peak'")
    pdims = parameter_dims(ds)
    if tuple(pdims) != (dim,):
        raise ValueError(
            f"crossover_slope expected exactly one parameter dimension {dim!r}; found {pdims}. "
            f"Fix: select the other parameters first (ds.isel(...)) or pass dim=..."
        )
    kg_values = np.asarray(ds[dim].values, dtype=float)
    return kg_values, _given_speeds(sound_speed, kg_values, dim)


def _one_point(
    point: xr.Dataset,
    win: tuple[float, float],
    measure_speed: Literal["modulus", "dispersion"] | None,
    bins: int,
    reduced_power: float,
    n_bootstrap: int,
    seed: int,
    confidence: float,
    min_count: int,
    peak_span: float,
) -> tuple[CrossoverResult, Any]:
    """The crossover result of one point and its bootstrap estimate (peak, fit[, c]); c measured when asked."""
    per_sample_c = None
    if measure_speed is not None:
        from .sound import sound_speed as _sound_speed

        per_sample_c = np.asarray(_sound_speed(point, measure_speed).values, dtype=float)
    est, settings, curve = _point(
        point, win, bins, reduced_power, n_bootstrap, seed, confidence, per_sample_c, min_count, peak_span
    )
    units = settings["units"]
    peak = est.measurement(
        "peak_frequency",
        index=0,
        units=units,
        curve=curve,
        settings=settings,
        method="maximum of the pooled reduced DOS on the window",
    )
    fit = est.measurement(
        "fit_frequency",
        index=1,
        units=units,
        curve=curve,
        settings=settings,
        method="ML fit of omega^4/(omega^2 + omega_c^2)",
    )
    return CrossoverResult(peak, fit, est.replicates[:, :2], curve, settings), est


def _sweep_points(
    ds: xr.Dataset,
    window: tuple[float, float] | Callable[[Mapping[str, Any]], tuple[float, float]],
    measure_speed: Literal["modulus", "dispersion"] | None,
    col: int,
    bins: int,
    reduced_power: float,
    n_bootstrap: int,
    seed: int,
    confidence: float,
    min_count: int,
    peak_span: float,
) -> tuple[list[CrossoverResult], list[float], list[float], list[np.ndarray], list[float], list[np.ndarray], list[Any]]:
    """Per point: the result, ω_BP (column ``col``), its SE and replicates, c and its replicates, the window."""
    results: list[CrossoverResult] = []
    omega_bp, se, reps, c_mean, c_reps = [], [], [], [], []
    windows = []
    for idx, (params, point) in enumerate(ds.vdos.points()):
        win = window(params) if callable(window) else window
        windows.append(tuple(float(v) for v in win))
        result, est = _one_point(
            point, win, measure_speed, bins, reduced_power, n_bootstrap, seed + idx, confidence, min_count, peak_span
        )
        results.append(result)
        omega_bp.append(float(est.value[col]))
        se.append(float(est.standard_error[col]))
        reps.append(est.replicates[:, col] if est.replicates.size else np.full(n_bootstrap, np.nan))
        if measure_speed is not None:
            c_mean.append(float(est.value[2]))
            c_reps.append(est.replicates[:, 2] if est.replicates.size else np.full(n_bootstrap, np.nan))
    return results, omega_bp, se, reps, c_mean, c_reps, windows


def _sweep_settings_record(
    estimator: str,
    reduced_power: float,
    dim: str,
    windows: list[Any],
    bins: int,
    sound_speed: Any,
    n_bootstrap: int,
    seed: int,
    results: list[CrossoverResult],
) -> dict[str, Any]:
    """The sweep's settings handed to :func:`crossover_slope_from_points`: estimator, windows, bootstrap."""
    return {
        "estimator": estimator,
        "estimator_detail": "ML omega_c of omega^4/(omega^2+omega_c^2)"
        if estimator == "fit"
        else f"maximum of g/omega^{reduced_power:g}",
        "dim": dim,
        "windows": windows,
        "bins": int(bins),
        "reduced_power": float(reduced_power),
        "sound_speed": sound_speed,
        "n_bootstrap": int(n_bootstrap),
        "bootstrap_seed": f"{seed} + point index",
        "fit_at_bound": [r.settings["fit_at_bound"] for r in results],
    }


def _slope_of_sweep(
    kg_values: np.ndarray,
    speeds: np.ndarray,
    omega_bp: list[float],
    se: list[float],
    reps: list[np.ndarray],
    c_reps: list[np.ndarray] | None,
    results: list[CrossoverResult],
    confidence: float,
    settings: dict[str, Any],
) -> CrossoverSlopeResult:
    """:func:`crossover_slope_from_points` on x = c·k_G, with the replicates (of c too when it is measured)."""
    x = speeds * kg_values
    rep_arr = np.column_stack(reps)
    have_reps = bool(np.isfinite(rep_arr).any())
    x_reps = (np.column_stack(c_reps) * kg_values) if (c_reps is not None and have_reps) else None
    return crossover_slope_from_points(
        x,
        np.array(omega_bp),
        np.array(se),
        replicates=rep_arr if have_reps else None,
        x_replicates=x_reps,
        confidence=confidence,
        k_G=kg_values,
        sound_speed=speeds,
        units=results[0].fit_frequency.units if results else "1",
        points=tuple(results),
        settings=settings,
    )


@measures("slope", "intercept", "slope_through_origin", settings=_sweep_settings)
def crossover_slope(
    ds: xr.Dataset,
    *,
    sound_speed: float | Sequence[float] | Mapping[Any, float] | Literal["modulus", "dispersion"],
    window: tuple[float, float] | Callable[[Mapping[str, Any]], tuple[float, float]],
    estimator: Estimator = "fit",
    dim: str = "k_G",
    bins: int = 30,
    reduced_power: float = 3.0,
    min_count: int = 20,
    peak_span: float = 2.0,
    n_bootstrap: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> CrossoverSlopeResult:
    """Slope of ω_BP against c·k_G over the points of a k_G sweep.

    Parameters
    ----------
    ds
        ``eigenvalue`` with dims (``dim``, sample, mode), ``dim`` the only
        parameter dimension, with its coordinate (the k_G values).
    sound_speed
        c per point: one float for all; a sequence in the order of ``ds[dim]``;
        a mapping k_G → c; or ``"modulus"`` / ``"dispersion"`` to measure it per
        sample (:func:`vdosbench.validators.sound_speed`, scalar networks),
        bootstrapped jointly with ω_BP.
    window
        (w0, w1) for every point, or a function of the point's parameters
        (``{dim: value}``) returning the window.
    estimator
        ``"fit"``: the ML ω_c; ``"peak"``: the maximum of g/ω^p (:func:`crossover_frequency`).
    dim
        Name of the k_G dimension.
    bins, reduced_power, min_count, peak_span
        As in :func:`crossover_frequency`.
    n_bootstrap, seed, confidence
        Bootstrap over samples of each point (seed + point index).

    Returns
    -------
    CrossoverSlopeResult

    References
    ----------
    Seed 000 (``000_026fc50a0d017058.txt``), eq. (16), text after eq. (18), abstract.

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> ds = mock_spectrum(n_sample=3, n_mode=200, exponent=3.0, parameters={"k_G": [0.5, 1.0, 1.5]})
    >>> res = crossover_slope(ds, sound_speed=1.0, window=(0.0, 1.0), n_bootstrap=10)
    >>> res.curve.sizes["point"], res.settings["estimator"]
    (3, 'fit')
    """
    kg_values, speeds_given = _read_sweep(ds, sound_speed, estimator, dim)
    measured = isinstance(sound_speed, str)
    results, omega_bp, se, reps, c_mean, c_reps, windows = _sweep_points(
        ds,
        window,
        sound_speed if measured else None,
        0 if estimator == "peak" else 1,
        bins,
        reduced_power,
        n_bootstrap,
        seed,
        confidence,
        min_count,
        peak_span,
    )
    speeds = np.array(c_mean) if measured else speeds_given
    assert speeds is not None
    settings_all = _sweep_settings_record(
        estimator, reduced_power, dim, windows, bins, sound_speed if measured else "given", n_bootstrap, seed, results
    )
    return _slope_of_sweep(
        kg_values, speeds, omega_bp, se, reps, c_reps if measured else None, results, confidence, settings_all
    )


@measures("flatness", "mle")
def exponent_below_crossover(
    ds: xr.Dataset,
    *,
    sound_speed: float | Literal["modulus", "dispersion"] = "modulus",
    fraction: float = 0.5,
    dim: str = "k_G",
    n_bootstrap: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> Any:
    """Exponent s of g ∝ ω^s below the predicted crossover, (0, fraction × (√3/2) c k_G].

    Seed 000 eq. (17): D ∝ ω⁴ for ω ≪ ω_c.  On the closed form the local
    exponent 4 − 2ω²/(ω² + ω_c²) is 3.6 at ω_c/2, so the default window
    (0, ω_c/2] gives an MLE between 3.6 and 4.

    Parameters
    ----------
    ds
        One parameter point with its k_G as a scalar coordinate or attribute ``dim``.
    sound_speed
        c: a number, or measured (mean over samples) by
        :func:`vdosbench.validators.sound_speed` with this method.
    fraction
        Upper window edge in units of the predicted ω_c.
    dim
        Name of the k_G coordinate.
    n_bootstrap, seed, confidence
        Passed to :func:`vdosbench.validators.power_law_exponent`.

    Returns
    -------
    PowerLawResult
        Of :func:`~vdosbench.validators.power_law_exponent`, its settings
        extended by ``crossover`` (k_G, c, ω_c, fraction).

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> ds = mock_spectrum(n_sample=20, n_mode=400, exponent=4.0).assign_coords(k_G=2.0)
    >>> res = exponent_below_crossover(ds, sound_speed=1.0, n_bootstrap=50)
    >>> res.settings["crossover"]["omega_c"] == SEED000_SLOPE * 2.0, abs(res.mle.value - 4) < 4 * res.mle.uncertainty
    (True, True)
    """
    from dataclasses import replace

    from .power_law import PowerLawWindow, power_law_exponent
    from .sound import sound_speed as measure_sound_speed

    if not 0.0 < fraction:
        raise ValueError(f"fraction is {fraction}; expected a number > 0")
    if dim in ds.coords and ds[dim].ndim == 0:
        k_g = float(ds[dim].values)
    elif dim in ds.attrs:
        k_g = float(ds.attrs[dim])
    else:
        raise ValueError(f"exponent_below_crossover needs the point's {dim!r} as a scalar coordinate or attribute")
    if not k_g > 0:
        raise ValueError(f"{dim} is {k_g}; the crossover needs k_G > 0 (k_G = 0 is the homogeneous medium)")
    if isinstance(sound_speed, str):
        c = float(np.mean(measure_sound_speed(ds, sound_speed).values))
        source = f"measured ({sound_speed}), mean over samples"
    else:
        c, source = float(sound_speed), "given"
    omega_c = SEED000_SLOPE * c * k_g
    res = power_law_exponent(
        ds, PowerLawWindow.explicit(0.0, fraction * omega_c), n_bootstrap=n_bootstrap, seed=seed, confidence=confidence
    )
    info = {
        dim: k_g,
        "sound_speed": c,
        "sound_speed_source": source,
        "omega_c": omega_c,
        "fraction": fraction,
        "window": f"(0, {fraction:g} x (sqrt(3)/2) c k_G]",
    }
    mle = replace(res.mle, settings={**res.mle.settings, "crossover": info})
    return replace(res, mle=mle, settings={**res.settings, "crossover": info})
