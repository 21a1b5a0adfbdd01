"""Boson-peak / crossover frequency ω_BP of spectra labelled by k_G, and its slope against c·k_G.

Seed 000 (``000_026fc50a0d017058.txt``) derives, for an elastic medium whose
modulus fluctuates on the length scale 1/k_G, the VDOS (eq. 16, E9)

    D(ω) ∝ ω⁴ / (ω² + ω_c²),   ω_c = (√3/2) c k_G,

which goes from ω⁴ (ω ≪ ω_c, eq. 17) to ω² (ω ≫ ω_c, eq. 18); the seed
defines the boson-peak frequency as the frequency "where [the] power law
change[s]", ω_BP = c √(3/4) k_G (text after eq. 18; abstract:
ω_BP ∼ √3 c/(2l)).  Eqs 14 and E8 carry ω² − ¾c²k_G² in C(q, ω), eqs 16 and
E9 the plus sign; with the minus sign D would change sign and diverge at ω_c,
which is not a density of states, so this module uses the plus sign (eq. 16).

What a "peak" measures on the closed form
    With the plus sign D(ω)/ω² = ω²/(ω² + ω_c²) increases monotonically: the
    conventional reduced DOS g/ω^(d−1) in d = 3 has **no interior maximum**,
    only a crossover.  For g/ω^p with 2 < p < 4,
    d/dω [ω^(4−p)/(ω² + ω_c²)] = 0 gives ω* = ω_c √((4 − p)/(p − 2)), so
    p = 3 — the mean of the two exponents 4 and 2 — puts the maximum exactly
    at ω_c, the intersection of the asymptotes ω⁴/ω_c² and ω².  To match the
    seed's definition (the crossover frequency), the peak estimator uses
    ``reduced_power = 3`` by default (:func:`closed_form_peak`); pass
    ``reduced_power = d − 1`` for the conventional reduced DOS and read
    ``settings["peak_at_window_edge"]``.

Estimators of one parameter point
    ``peak_frequency``: the maximum of the pooled g(ω)/ω^p on logarithmic bins
    of the window: start at the highest bin holding at least ``min_count``
    modes, fit a quadratic to ln(g/ω^p) against ln ω over the populated bins
    within a factor ``peak_span`` of the current centre (weights √count),
    move the centre to its vertex, and repeat until it stops moving (the
    recentring removes most of the bias of picking the highest noisy bin).
    On the closed form with p = 3, g/ω³ = 1/(2 ω_c cosh ln(ω/ω_c)) is even in
    ln(ω/ω_c), so the vertex is ω_c.  The maximum is broad (g/ω³ is 80 % of
    its peak at ω_c/2 and 2ω_c), so this estimator is several times noisier
    than the fit, and biased by the ``min_count`` cut and the choice of the
    starting bin: on closed-form draws with the window (0, 3.5 ω_c) its mean
    is ≈ 1.1 ω_c at 6·10³ modes and ≈ 0.9 ω_c at 2.4·10⁴–10⁵ modes, with a
    spread of ≈ 0.15–0.2 ω_c that its bootstrap standard error sometimes
    understates — use the fit for the slope;
    ``fit_frequency``: maximum likelihood of ω_c for the pooled frequencies in
    the window as draws from D(ω) ∝ ω⁴/(ω² + ω_c²) truncated to the window
    (normalisation by 64-point Gauss–Legendre quadrature; bounded search over
    log ω_c in [10⁻³, 10³] × the window's upper edge).  Both are bootstrapped
    over samples.  The fit assumes every mode in the window follows the closed
    form (seed 000 subtracts the ordinary phonons, text after eq. 18).

The slope of ω_BP against c·k_G over the points of an ensemble is
:mod:`vdosbench.validators.spectral.crossover_slope`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import xarray as xr
from scipy.optimize import minimize_scalar

from ..results.points import point_view
from ..results.result import Measurement, ValidatorResult, bootstrap, current_axes

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = [
    "CrossoverResult",
    "closed_form_dos",
    "closed_form_peak",
    "fit_crossover_frequency",
    "crossover_frequency",
]

Estimator = Literal["fit", "peak"]
_GL_X, _GL_W = np.polynomial.legendre.leggauss(64)


def closed_form_dos(omega: np.ndarray | float, omega_c: float) -> np.ndarray:
    """Unnormalised seed-000 VDOS ω⁴/(ω² + ω_c²) (eq. 16, plus sign).

    Examples
    --------
    >>> float(closed_form_dos(1.0, 1.0))
    0.5
    """
    w = np.asarray(omega, dtype=float)
    return w**4 / (w**2 + float(omega_c) ** 2)


def closed_form_peak(omega_c: float, reduced_power: float) -> float:
    """Maximum of ω⁴/(ω² + ω_c²)/ω^p: ω_c √((4 − p)/(p − 2)) for 2 < p < 4, else NaN (no interior maximum).

    Examples
    --------
    >>> closed_form_peak(1.0, 3.0), math.isnan(closed_form_peak(1.0, 2.0))
    (1.0, True)
    """
    p = float(reduced_power)
    if not 2.0 < p < 4.0:
        return math.nan
    return float(omega_c) * math.sqrt((4.0 - p) / (p - 2.0))


def _check_window(window: tuple[float, float]) -> tuple[float, float]:
    w0, w1 = (float(v) for v in window)
    if not (0.0 <= w0 < w1 < math.inf):
        raise ValueError(f"window is {window}; expected (w0, w1) with 0 <= w0 < w1 < inf")
    return w0, w1


def fit_crossover_frequency(omega: np.ndarray, window: tuple[float, float]) -> tuple[float, bool]:
    """Maximum-likelihood ω_c of D(ω) ∝ ω⁴/(ω² + ω_c²) for frequencies in a window.

    Parameters
    ----------
    omega
        Frequencies, any shape (NaN and values outside w0 < ω ≤ w1 ignored).
    window
        (w0, w1), units of ω.

    Returns
    -------
    (omega_c, at_bound)
        The estimate and whether it sits at a bound of the search
        ([10⁻³, 10³] × w1): then the window does not constrain ω_c.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> grid = np.linspace(0, 4, 4001); cdf = np.cumsum(closed_form_dos(grid, 1.0)); cdf /= cdf[-1]
    >>> w = np.interp(rng.random(20000), cdf, grid)
    >>> wc, edge = fit_crossover_frequency(w, (0.0, 4.0))
    >>> bool(abs(wc - 1.0) < 0.05), edge
    (True, False)
    """
    w0, w1 = _check_window(window)
    w = np.asarray(omega, dtype=float).ravel()
    w = w[(w > w0) & (w <= w1)]
    if w.size < 2:
        return math.nan, False
    nodes = 0.5 * (w1 - w0) * _GL_X + 0.5 * (w1 + w0)
    weights = 0.5 * (w1 - w0) * _GL_W
    n4 = nodes**4
    w2 = w**2

    def nll(log_a: float) -> float:
        a2 = math.exp(2.0 * log_a)
        z = float(np.dot(weights, n4 / (nodes**2 + a2)))
        return w.size * math.log(z) + float(np.sum(np.log(w2 + a2)))

    lo, hi = math.log(1e-3 * w1), math.log(1e3 * w1)
    res = minimize_scalar(nll, bounds=(lo, hi), method="bounded", options={"xatol": 1e-7})
    at_bound = bool(min(res.x - lo, hi - res.x) < 1e-3)
    return float(math.exp(res.x)), at_bound


def _peak(centres: np.ndarray, reduced: np.ndarray, counts: np.ndarray, min_count: int, span: float) -> float:
    """Vertex of a quadratic in (ln ω, ln g/ω^p), recentred until it stops moving (at most 20 times)."""
    ok = (counts >= min_count) & np.isfinite(reduced) & (reduced > 0)
    if not np.any(ok):
        return math.nan
    k = int(np.flatnonzero(ok)[np.argmax(reduced[ok])])
    centre = float(centres[k])
    for _ in range(20):
        near = ok & (centres >= centre / span) & (centres <= centre * span)
        if int(near.sum()) < 3:
            break
        t = np.log(centres[near])
        a2, a1, _ = np.polyfit(t, np.log(reduced[near]), 2, w=np.sqrt(counts[near]))
        if not a2 < 0:
            break
        new = float(np.exp(np.clip(-a1 / (2.0 * a2), t.min(), t.max())))
        moved = abs(math.log(new / centre))
        centre = new
        if moved < 1e-9:
            break
    return centre


@dataclass(frozen=True, eq=False)
class CrossoverResult(ValidatorResult):
    """Output of :func:`crossover_frequency` (one parameter point).

    Attributes
    ----------
    peak_frequency, fit_frequency
        :class:`Measurement` s (module docstring).
    replicates
        Bootstrap replicates, shape ``(n_bootstrap, 2)``: columns peak, fit.
    curve
        ``g`` (omega) pooled DOS, ``g_reduced`` = g/ω^p, ``g_sample`` (sample, omega),
        ``fit`` (omega): the fitted closed form normalised to the pooled mode fraction.
    settings
        Window, bins, reduced power, bootstrap settings, ``fit_at_bound``,
        ``peak_at_window_edge``.
    """

    headline = "fit_frequency"

    peak_frequency: Measurement
    fit_frequency: Measurement
    replicates: np.ndarray
    curve: xr.Dataset
    settings: Mapping[str, Any]

    def plot(self, ax: Axes | None = None) -> Axes:
        """g(ω)/ω^p (pooled) and the fitted closed form, with both estimates marked."""
        ax = current_axes(ax)
        c = self.curve
        x = c["omega"].values
        p = self.settings["reduced_power"]
        ax.plot(x, c["g_reduced"].values, "o-", ms=3, color="k", label=f"g(ω)/ω^{p:g}")
        ax.plot(x, c["fit"].values / x**p, color="tab:red", label="fit ω⁴/(ω²+ω_c²)")
        ax.axvline(self.peak_frequency.value, color="k", ls=":", label="peak")
        ax.axvline(self.fit_frequency.value, color="tab:red", ls="--", label="ω_c (fit)")
        ax.set_xlabel(f"ω [{self.fit_frequency.units}]")
        ax.set_ylabel(f"g(ω)/ω^{p:g}")
        ax.legend()
        return ax


@dataclass(frozen=True)
class _Binned:
    """One point's in-window frequencies and their logarithmic histogram per sample."""

    w0: float
    w1: float
    omega: np.ndarray
    edges: np.ndarray
    counts: np.ndarray
    g_sample: np.ndarray
    centres: np.ndarray
    units: str


def _binned(ds: xr.Dataset, window: tuple[float, float], bins: int) -> _Binned:
    """Read the point: its frequencies in the window (NaN outside), the log bins, counts and g per sample."""
    view = point_view(ds, "crossover_frequency")
    w0, w1 = _check_window(window)
    omega = view.omega.transpose("sample", "mode").values
    omega = np.where((omega > w0) & (omega <= w1), omega, np.nan)
    if not np.any(np.isfinite(omega)):
        raise ValueError(f"no non-zero frequency inside the window ({w0:g}, {w1:g}]; widen the window")
    lo = w0 if w0 > 0 else float(np.nanmin(omega))
    edges = np.geomspace(lo, w1, int(bins) + 1)
    counts = np.stack([np.histogram(row[np.isfinite(row)], bins=edges)[0] for row in omega]).astype(float)
    n_nonzero = np.asarray(view.n_nonzero.transpose("sample").values, dtype=float)
    g_sample = counts / (n_nonzero[:, None] * np.diff(edges)[None, :])
    centres = np.sqrt(edges[1:] * edges[:-1])
    return _Binned(w0, w1, omega, edges, counts, g_sample, centres, view.omega_units)


def _fit_curve(b: _Binned, wc: float) -> np.ndarray:
    """The fitted closed form at the bin centres, normalised to the pooled fraction of modes in the bins."""
    pooled_fraction = float(np.sum(b.g_sample.mean(axis=0) * np.diff(b.edges)))  # fraction of modes in the bins
    nodes = 0.5 * (b.w1 - b.w0) * _GL_X + 0.5 * (b.w1 + b.w0)
    z = float(np.dot(0.5 * (b.w1 - b.w0) * _GL_W, closed_form_dos(nodes, wc))) if math.isfinite(wc) else math.nan
    return pooled_fraction * closed_form_dos(b.centres, wc) / z


def _point_curve(
    ds: xr.Dataset, b: _Binned, red: np.ndarray, fit_curve: np.ndarray, reduced_power: float
) -> xr.Dataset:
    """The result's curve over the bins: pooled and per-sample g, g/ω^p, pooled counts and the fit."""
    attrs_w = {"units": b.units}
    g_units = "1" if b.units == "1" else f"1/{b.units}"
    fit_name = "fitted omega^4/(omega^2 + omega_c^2), normalised"
    return xr.Dataset(
        {
            "g": (
                "omega",
                b.g_sample.mean(axis=0),
                {"long_name": "pooled DOS g(omega) per non-zero mode", "units": g_units},
            ),
            "g_sample": (("sample", "omega"), b.g_sample, {"long_name": "DOS per sample", "units": g_units}),
            "g_reduced": ("omega", red, {"long_name": f"g(omega)/omega^{reduced_power:g}", "units": "1"}),
            "count": ("omega", b.counts.sum(axis=0), {"long_name": "pooled modes per bin", "units": "1"}),
            "fit": ("omega", fit_curve, {"long_name": fit_name, "units": g_units}),
        },
        coords={
            "omega": ("omega", b.centres, {"long_name": "angular frequency (geometric bin centre)", **attrs_w}),
            "omega_low": ("omega", b.edges[:-1], {"long_name": "lower bin edge", **attrs_w}),
            "omega_high": ("omega", b.edges[1:], {"long_name": "upper bin edge", **attrs_w}),
            "sample": ds["sample"],
        },
    )


def _peak_at_window_edge(red: np.ndarray, pooled_counts: np.ndarray, min_count: int) -> bool:
    """Whether the highest populated bin of g/ω^p is the first or last populated bin (or none is populated)."""
    populated = pooled_counts >= min_count
    k = int(np.flatnonzero(populated)[np.argmax(red[populated])]) if populated.any() else -1
    return bool(k < 0 or k in (int(np.flatnonzero(populated)[0]), int(np.flatnonzero(populated)[-1])))


def _point_settings(
    b: _Binned, bins: int, min_count: int, span: float, reduced_power: float, fit_at_bound: bool, at_edge: bool
) -> dict[str, Any]:
    """The point's settings: window and binning, peak search, closed form, where the estimates sit, units."""
    return {
        "window": (b.w0, b.w1),
        "window_rule": "w0 < omega <= w1",
        "bins": int(bins),
        "binning": "logarithmic from w0 (or the lowest frequency in the window when w0 = 0) to w1",
        "min_count": int(min_count),
        "peak_span": float(span),
        "reduced_power": float(reduced_power),
        "closed_form": "D(omega) ~ omega^4/(omega^2 + omega_c^2) (seed 000 eq. 16, plus sign)",
        "fit_at_bound": bool(fit_at_bound),
        "peak_at_window_edge": at_edge,
        "units": b.units,
    }


def _point(
    ds: xr.Dataset,
    window: tuple[float, float],
    bins: int,
    reduced_power: float,
    n_bootstrap: int,
    seed: int,
    confidence: float,
    speeds: np.ndarray | None,
    min_count: int = 20,
    span: float = 2.0,
) -> tuple[Any, dict[str, Any], xr.Dataset]:
    """Both estimates of one point bootstrapped over samples (with c when given), its settings and its curve."""
    b = _binned(ds, window, bins)
    scale = b.centres**reduced_power
    spd = np.zeros(b.omega.shape[0]) if speeds is None else np.asarray(speeds, dtype=float)
    bounds: list[bool] = []

    def statistic(g: np.ndarray, cnt: np.ndarray, om: np.ndarray, c: np.ndarray) -> np.ndarray:
        peak = _peak(b.centres, g.mean(axis=0) / scale, cnt.sum(axis=0), min_count, span)
        fit, at_bound = fit_crossover_frequency(om, (b.w0, b.w1))
        bounds.append(at_bound)
        return np.array([peak, fit, c.mean()])

    data = (b.g_sample, b.counts, b.omega, spd)
    est = bootstrap(statistic, data, n_bootstrap=n_bootstrap, seed=seed, confidence=confidence)
    red = b.g_sample.mean(axis=0) / scale
    curve = _point_curve(ds, b, red, _fit_curve(b, float(est.value[1])), reduced_power)
    at_edge = _peak_at_window_edge(red, b.counts.sum(axis=0), min_count)
    settings = _point_settings(b, bins, min_count, span, reduced_power, bounds[0], at_edge)
    return est, settings, curve


def crossover_frequency(
    ds: xr.Dataset,
    *,
    window: tuple[float, float],
    bins: int = 30,
    reduced_power: float = 3.0,
    min_count: int = 20,
    peak_span: float = 2.0,
    n_bootstrap: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> CrossoverResult:
    """Crossover (boson-peak) frequency of one parameter point: peak of g/ω^p and the ML ω_c.

    Parameters
    ----------
    ds
        One parameter point: ``eigenvalue`` (sample, mode).
    window
        (w0, w1), units of ω: histogram range of the peak and likelihood range of the fit.
    bins
        Logarithmic bins on the window for the peak estimator (from w0, or
        from the lowest frequency in the window when w0 = 0).
    reduced_power
        p of g(ω)/ω^p; 3 puts the closed form's maximum at ω_c (module docstring).
    min_count
        Bins with fewer pooled modes are not searched for the peak (the
        division by ω^p amplifies the noise of sparse low-frequency bins).
    peak_span
        The quadratic is fitted to the populated bins within a factor
        ``peak_span`` of the current centre.
    n_bootstrap, seed, confidence
        Bootstrap over samples.

    Returns
    -------
    CrossoverResult

    References
    ----------
    Seed 000 (``000_026fc50a0d017058.txt``), eqs (16)–(18), (E9) and the text after eq. (18).

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> res = crossover_frequency(mock_spectrum(n_sample=4, n_mode=300, exponent=2.0), window=(0.0, 1.0), n_bootstrap=20)
    >>> sorted(res.measurements()), res.settings["fit_at_bound"]  # pure ω²: ω_c → 0, at the lower bound
    (['fit_frequency', 'peak_frequency'], True)
    """
    est, settings, curve = _point(
        ds, window, bins, reduced_power, n_bootstrap, seed, confidence, None, min_count, peak_span
    )
    units = settings["units"]
    peak = est.measurement(
        "peak_frequency",
        index=0,
        units=units,
        curve=curve,
        settings={
            **settings,
            "estimator": "vertex of a quadratic in (ln omega, ln g/omega^p), recentred to convergence "
            "from the highest populated bin",
        },
        method=f"maximum of the pooled reduced DOS g/omega^{reduced_power:g} on the window",
    )
    fit = est.measurement(
        "fit_frequency",
        index=1,
        units=units,
        curve=curve,
        settings={**settings, "estimator": "maximum likelihood of omega_c, truncated to the window"},
        method="ML fit of D(omega) ~ omega^4/(omega^2 + omega_c^2) to the pooled frequencies in the window",
    )
    return CrossoverResult(peak, fit, est.replicates[:, :2], curve, settings)
