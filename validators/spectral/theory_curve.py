"""Measurements on a tabulated theory DOS g(ω) (one deterministic curve per parameter point).

The HET–SCBA generators (:mod:`vdosbench.generators.theory.het_datasets`) store the
theory's density of states as ``density_of_states`` on an ``omega`` grid with
one "sample".  A bootstrap over one curve has no spread, so the uncertainty
here is the curve's own: the spread of the local quantity over the stated
window, or the grid spacing.  Each :class:`~vdosbench.validators.Measurement`
carries ``confidence = 1.0`` and an interval that bounds the local values.

- :func:`curve_exponent`: s from the least-squares slope of ln g against ln ω
  in a window; the interval is [min, max] of the point-to-point slopes
  d ln g / d ln ω inside the window (how far the curve is from one power law).
- :func:`curve_peak`: the frequency of the maximum of g/ω^p (p = 2: the boson
  peak of seed 001, Fig. 1b); the interval is the neighbouring grid points.
- :func:`curve_gap`: the gap edge, the lowest grid ω where the reduced DOS
  g/ω² exceeds ``floor`` × its maximum (default 10⁻²).  On g itself a relative
  floor would find an edge in any smooth ω² curve (at √floor · ω_max); on g/ω²
  a gapless Debye-like curve is above the floor from the first grid point.
  The SCBA's broadening leaves g/ω² below 0.7 % of its maximum inside the
  gap (it grows as 1/ω there); 10⁻² gives the solver's fold λ̃_c within one
  grid cell.  The interval is the grid cell below the edge.

References
----------
Seed 001 (``001_d453c975fd50a4a2.txt``): eqs (33)–(40), Fig. 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import xarray as xr

from ..results.registry import measures
from ..results.result import Measurement, ValidatorResult, current_axes, measurements_dict

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["CurveResult", "curve_exponent", "curve_gap", "curve_peak", "tabulated_dos"]


@dataclass(frozen=True, eq=False)
class CurveResult(ValidatorResult):
    """One measurement on a theory curve, under the name the claims use.

    Attributes
    ----------
    exponent, peak_frequency, gap_edge
        The measurement (only the one the function computes is set).
    curve
        The tabulated curve: ``g`` and ``g_reduced`` = g/ω² along ``omega``.
    """

    exponent: Measurement | None = None
    peak_frequency: Measurement | None = None
    gap_edge: Measurement | None = None
    curve: xr.Dataset | None = None

    def measurement(self) -> Measurement:
        """The one measurement that is set."""
        return next(m for m in (self.exponent, self.peak_frequency, self.gap_edge) if m is not None)

    def primary(self) -> Measurement:
        """The headline measurement: the one that is set."""
        return self.measurement()

    def to_dict(self) -> dict[str, Any]:
        """JSON-able dict of the measurement that is set (no settings: they are the measurement's)."""
        m = self.measurement()
        return measurements_dict({m.name: m}, {})

    def plot(self, ax: Axes | None = None) -> Axes:
        """g/ω² on log axes with the measured window, peak or gap edge marked (its interval shaded)."""
        ax = current_axes(ax)
        m = self.measurement()
        if self.curve is not None:
            c = self.curve
            keep = c["g_reduced"].values > 0
            ax.loglog(c["omega"].values[keep], c["g_reduced"].values[keep], color="k", lw=1.2, label="g/ω²")
        if m.name == "exponent":
            lo, hi = m.settings["window"]
            ax.axvspan(max(lo, 1e-12), hi, color="tab:blue", alpha=0.15, label="window")
            ax.set_title(f"s = {m.value:.4g} [{m.low:.4g}, {m.high:.4g}]")
        else:
            ax.axvspan(max(m.low, 1e-12), m.high, color="tab:red", alpha=0.3)
            ax.axvline(m.value, color="tab:red", ls="--", label=m.name.replace("_", " "))
            ax.set_title(f"{m.name.replace('_', ' ')} = {m.value:.4g}")
        ax.set_xlabel("ω")
        ax.set_ylabel("g(ω)/ω²")
        ax.legend()
        return ax


def _curve(omega: np.ndarray, g: np.ndarray) -> xr.Dataset:
    with np.errstate(divide="ignore", invalid="ignore"):
        reduced = np.where(omega > 0, g / omega**2, 0.0)
    return xr.Dataset(
        {
            "g": ("omega", g, {"long_name": "density of states", "units": "1"}),
            "g_reduced": ("omega", reduced, {"long_name": "g/omega^2", "units": "1"}),
        },
        coords={"omega": ("omega", omega, {"long_name": "angular frequency", "units": "1"})},
    )


def tabulated_dos(ds: xr.Dataset) -> tuple[np.ndarray, np.ndarray]:
    """(ω, g) of a one-point, one-sample dataset with ``density_of_states`` on ``omega``.

    Examples
    --------
    >>> w = np.linspace(0.1, 1, 10)
    >>> ds = xr.Dataset({"density_of_states": (("sample", "omega"), [w**2])}, coords={"omega": w})
    >>> float(tabulated_dos(ds)[1][-1])
    1.0
    """
    if "density_of_states" not in ds.variables or "omega" not in ds["density_of_states"].dims:
        raise ValueError(
            "a theory-curve measurement needs density_of_states on an 'omega' grid (the HET generators store it); "
            f"found variables {sorted(map(str, ds.data_vars))}"
        )
    g = ds["density_of_states"]
    extra = [d for d in g.dims if d != "omega" and g.sizes[d] != 1]
    if extra:
        raise ValueError(
            f"density_of_states has dims {g.dims} with more than one value along {extra}; "
            "expected one curve: select one parameter point and one sample"
        )
    omega = np.asarray(ds["omega"].values, dtype=float)
    values = np.asarray(g.transpose(..., "omega").values, dtype=float).reshape(-1)
    order = np.argsort(omega)
    return omega[order], values[order]


def _measurement(
    name: str, value: float, low: float, high: float, settings: dict[str, Any], method: str
) -> Measurement:
    return Measurement(
        name=name,
        value=float(value),
        uncertainty=float(max(high - value, value - low)),
        low=float(low),
        high=float(high),
        confidence=1.0,
        units="1",
        settings=settings,
        curve=None,
        n_samples=1,
        method=method,
    )


@measures("exponent")
def curve_exponent(ds: xr.Dataset, window: tuple[float, float] | list[float]) -> CurveResult:
    """Exponent s of g ∝ ω^s over ``window`` = (ω_min, ω_max] of a tabulated DOS.

    Examples
    --------
    >>> w = np.geomspace(1e-3, 1, 200)
    >>> ds = xr.Dataset({"density_of_states": (("sample", "omega"), [w**2 * (1 + w)])}, coords={"omega": w})
    >>> m = curve_exponent(ds, (1e-3, 1e-2)).exponent
    >>> round(m.value, 2), bool(m.low <= m.value <= m.high), round(m.high - m.low, 2)
    (2.0, True, 0.01)
    """
    omega, g = tabulated_dos(ds)
    lo, hi = float(window[0]), float(window[1])
    inside = (omega > lo) & (omega <= hi) & (g > 0)
    if inside.sum() < 3:
        raise ValueError(f"the window ({lo:g}, {hi:g}] holds {int(inside.sum())} grid points with g > 0; expected >= 3")
    x, y = np.log(omega[inside]), np.log(g[inside])
    slope = float(np.polyfit(x, y, 1)[0])
    local = np.diff(y) / np.diff(x)
    settings = {
        "window": [lo, hi],
        "grid_points": int(inside.sum()),
        "estimator": "least-squares slope of ln g on ln omega; interval: min/max point-to-point slope",
    }
    m = _measurement(
        "exponent",
        slope,
        min(slope, local.min()),
        max(slope, local.max()),
        settings,
        "power-law exponent of a tabulated DOS",
    )
    return CurveResult(exponent=m, curve=_curve(omega, g))


@measures("peak_frequency")
def curve_peak(ds: xr.Dataset, power: float = 2.0, smooth: int = 0) -> CurveResult:
    """ω of the maximum of g/ω^power (the boson peak for power = 2), ± the neighbouring grid points.

    Parameters
    ----------
    ds
        A tabulated DOS (:func:`tabulated_dos`).
    power
        The reduced DOS is g/ω^power.
    smooth
        Half-width in grid points of a running mean of g/ω^power taken before
        the maximum is located (0: the raw grid; at the grid's ends the
        window shrinks to the points that exist).  A peak narrower than the
        window is averaged away: the estimator then finds the broad maximum.

    Examples
    --------
    >>> w = np.linspace(0.01, 2, 400)
    >>> ds = xr.Dataset({"density_of_states": (("sample", "omega"), [w**3 * np.exp(-w)])}, coords={"omega": w})
    >>> round(curve_peak(ds).peak_frequency.value, 2)  # max of w exp(-w) at 1
    1.0
    >>> round(curve_peak(ds, smooth=5).peak_frequency.value, 2)  # a smooth maximum stays where it is
    1.0
    """
    if int(smooth) != smooth or smooth < 0:
        raise ValueError(f"smooth is {smooth!r}; expected a whole number of grid points >= 0")
    omega, g = tabulated_dos(ds)
    reduced = g / omega**power
    if smooth:
        kernel = np.ones(2 * int(smooth) + 1)
        finite = np.isfinite(reduced)
        total = np.convolve(np.where(finite, reduced, 0.0), kernel, mode="same")
        count = np.convolve(finite.astype(float), kernel, mode="same")
        with np.errstate(invalid="ignore", divide="ignore"):
            reduced = np.where(count > 0, total / count, np.nan)
    k = int(np.nanargmax(reduced))
    lo, hi = omega[max(k - 1, 0)], omega[min(k + 1, omega.size - 1)]
    settings = {
        "power": power,
        "smooth": int(smooth),
        "grid": [float(omega[0]), float(omega[-1]), int(omega.size)],
        "estimator": "argmax of g/omega^power on the grid"
        + (f" after a running mean over {2 * int(smooth) + 1} grid points" if smooth else "")
        + "; interval: the neighbouring grid points",
    }
    m = _measurement("peak_frequency", omega[k], lo, hi, settings, f"maximum of g/omega^{power:g}")
    return CurveResult(peak_frequency=m, curve=_curve(omega, g))


@measures("gap_edge")
def curve_gap(ds: xr.Dataset, floor: float = 1e-2) -> CurveResult:
    """Gap edge: the lowest grid ω with g/ω² > ``floor`` × max g/ω², within the grid cell below it.

    Examples
    --------
    >>> w = np.linspace(0.0, 2, 201)
    >>> g = np.where(w > 0.5, np.sqrt(np.clip(w - 0.5, 0, None)), 0.0)
    >>> ds = xr.Dataset({"density_of_states": (("sample", "omega"), [g])}, coords={"omega": w})
    >>> m = curve_gap(ds).gap_edge
    >>> bool(m.low <= 0.5 <= m.high), round(m.value, 2)
    (True, 0.51)
    """
    omega, g = tabulated_dos(ds)
    curve = _curve(omega, g)
    reduced = curve["g_reduced"].values  # omega = 0 carries no reduced DOS
    above = np.flatnonzero(reduced > floor * np.nanmax(reduced))
    if above.size == 0:
        raise ValueError("the DOS is zero on the whole grid")
    k = int(above[0])
    low = 0.0 if k == 0 else omega[k - 1]
    settings = {
        "floor": floor,
        "grid": [float(omega[0]), float(omega[-1]), int(omega.size)],
        "estimator": "lowest grid omega with g/omega^2 > floor * max g/omega^2; interval: the grid cell below it "
        "(0 when g is above the floor at the first grid point)",
    }
    m = _measurement("gap_edge", omega[k], low, omega[k], settings, "gap edge of a tabulated DOS")
    return CurveResult(gap_edge=m, curve=curve)
