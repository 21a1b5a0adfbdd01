"""Boson peak: the excess of the reduced DOS g(ω)/ω^(d−1) over the Debye level.

Seed 002 (``002_3eb2c22b0ce6c76a.txt``, Fig. 2 right and Fig. 4 left): in 2D
scalar networks with fluctuating coordination, g(ω)/ω exceeds the Debye level
in ω ∈ [0, 1] (grey area) and peaks at ω ≈ 0.5; with fixed coordination it
stays at the Debye level.  This module measures, in a stated frequency window,

``peak_frequency``
    the bin centre where the pooled excess g(ω)/ω^(d−1) − level is largest
    (on the binned curve: resolution = one bin, recorded as
    ``settings["peak_resolution"]``; the bootstrap uncertainty does not include
    it and is 0 when every resample picks the same bin);
``excess_area``
    ∫_window [g(ω) − g_D(ω)] dω, the fraction of modes above Debye, from the
    exact count of modes with w0 < ω ≤ w1 (no binning) minus
    level · (w1^d − w0^d)/d;
``relative_excess``
    excess_area / ∫_window g_D dω;
``smoothed_peak_frequency``
    the maximum inside the window of the pooled *kernel-smoothed* reduced DOS
    (:func:`~vdosbench.validators.spectral.spectrum.smoothed_reduced_dos`: no bins, a
    Gaussian of width σ, reflected at ω = 0), hence of its excess over the
    (constant) Debye level.  A finite periodic box has discrete phonon shells
    at ω_n = ω₁ √n (ω₁ = 2π c/L, n the allowed |m|² of integer vectors m):
    the lowest shells are isolated spikes of g/ω^(d−1) that the binned
    ``peak_frequency`` can pick.  The default bandwidth is tied to them:
    σ = ω₁ = 2π c_T/L of each sample (c_T = the transverse speed of a vector
    model when given, else the sound speed of the Debye level; L the longest
    edge), the largest gap between consecutive shells (0 → ω₁; the gaps
    ω₁(√(n′) − √n) shrink above), so every shell is smeared into the
    continuum while an excess broader than σ keeps its position.  Grid step
    (w1 − w0)/400, recorded as ``settings["smoothed_peak_resolution"]``.
    The estimate needs a box large enough that several shells lie below the
    peak: ``settings["peak_over_bandwidth"]`` (peak / σ) well above 1 (60×60
    networks: ≈ 5); at ≈ 1 (an N = 1000 glass, whose boson peak sits near
    its lowest phonon) the smoothing is as broad as the peak and the
    position is not resolved.

The Debye level of each sample comes from its own measured sound speed
(``reference="own"``: :func:`~vdosbench.validators.sound_speed`, method
``"modulus"`` when the springs are stored, else ``"dispersion"``) or from a
given sound speed (``reference=c`` or ``"crystal"`` with
``crystal_sound_speed``, default 1.0: the t = 1 square lattice).
All three are bootstrapped over samples; a resample recomputes the pooled
curve from its samples.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import xarray as xr

from .debye import debye_reduced_level
from ..results.points import point_view
from ..results.registry import measures, paired_difference
from ..results.result import Measurement, ValidatorResult, bootstrap, current_axes
from .sound import _SPRING_VARS, _length_units, _scalar_speeds, _speed_units
from .phonon import phonon_frequency
from .spectrum import _dos_dataset, _with_reduced, smoothed_reduced_dos

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["BosonPeakResult", "boson_peak_excess"]


@dataclass(frozen=True, eq=False)
class BosonPeakResult(ValidatorResult):
    """Output of :func:`boson_peak_excess`.

    Attributes
    ----------
    peak_frequency, excess_area, relative_excess, smoothed_peak_frequency
        The four :class:`~vdosbench.validators.Measurement` s (module docstring).
    curve
        ``g_reduced`` (omega) and ``g_reduced_sample`` (sample, omega), the
        reduced DOS; ``g_reduced_smoothed`` (omega_fine) and
        ``g_reduced_smoothed_sample`` (sample, omega_fine), its kernel estimate;
        ``bandwidth_sample`` (sample,); ``debye_level`` (pooled) and ``debye_level_sample``
        (sample,); ``excess`` (omega) = g_reduced − debye_level;
        ``sound_speed_sample``, ``number_density_sample``,
        ``mode_fraction_in_window``, ``debye_fraction_in_window`` (sample,).
    settings
        Window, bin edges, reference, bootstrap settings.
    """

    headline = "peak_frequency"

    peak_frequency: Measurement
    excess_area: Measurement
    relative_excess: Measurement
    smoothed_peak_frequency: Measurement
    curve: xr.Dataset
    settings: Mapping[str, Any]

    def plot(self, ax: Axes | None = None) -> Axes:
        """Reduced DOS (per sample thin, pooled thick), the Debye level, the excess shaded, the peak."""
        ax = current_axes(ax)
        c = self.curve
        x = c["omega"].values
        for row in c["g_reduced_sample"].values:
            ax.plot(x, row, color="0.8", lw=0.6)
        y = c["g_reduced"].values
        level = float(c["debye_level"])
        ax.plot(x, y, color="k", lw=1.8, label="g(ω)/ω^(d−1)")
        ax.axhline(level, color="tab:blue", ls="--", label="Debye level")
        ax.fill_between(x, level, y, where=y > level, color="0.6", alpha=0.5, label="excess")
        ax.plot(
            c["omega_fine"].values,
            c["g_reduced_smoothed"].values,
            color="tab:orange",
            lw=1.2,
            label=f"smoothed, σ = {float(c['bandwidth_sample'].mean()):.3g}",
        )
        ax.axvline(self.peak_frequency.value, color="tab:red", lw=0.8, label="peak")
        ax.axvline(self.smoothed_peak_frequency.value, color="tab:orange", lw=0.8, ls=":", label="smoothed peak")
        ax.set_xlabel(f"ω [{self.peak_frequency.units}]")
        ax.set_ylabel("g(ω)/ω^(d−1)")
        ax.set_title(
            f"excess area {self.excess_area.value:.3g} ± {self.excess_area.uncertainty:.2g}, "
            f"peak ω = {self.peak_frequency.value:.3g}"
        )
        ax.legend()
        return ax


def _argmax_or_nan(x: np.ndarray, y: np.ndarray) -> float:
    return float(x[int(np.argmax(y))]) if np.all(np.isfinite(y)) else float("nan")


def _window_edges(
    window: tuple[float, float], bins: int | Sequence[float] | np.ndarray
) -> tuple[float, float, np.ndarray]:
    """The checked window (w0, w1) and the bin edges of the curve."""
    w0, w1 = (float(v) for v in window)
    if not (0.0 <= w0 < w1 and np.isfinite(w1)):
        raise ValueError(f"window is {window}; expected (w0, w1) with 0 <= w0 < w1 < inf")
    if np.ndim(bins) == 0:
        n_bins = int(bins)  # type: ignore[arg-type]
        if n_bins < 1:
            raise ValueError(f"bins is {bins}; expected a positive number of bins or an array of edges")
        return w0, w1, np.linspace(w0, w1, n_bins + 1)
    edges = np.asarray(bins, dtype=float)
    if edges.ndim != 1 or edges.size < 2 or edges[0] < w0 or edges[-1] > w1:
        raise ValueError(
            f"bin edges span [{edges.min() if edges.size else None}, {edges.max() if edges.size else None}]; "
            f"expected at least two edges inside the window {window}"
        )
    return w0, w1, edges


@dataclass(frozen=True)
class _PointInputs:
    """What :func:`boson_peak_excess` reads from a checked point, read once (:func:`_read_point`)."""

    omega: np.ndarray  # (sample, mode), NaN for zero modes
    n_nonzero: xr.DataArray  # (sample,): the normalisation
    dimension: int
    dof: int
    sample: xr.DataArray
    omega_units: str
    speed_units: str
    mode_total: int
    longest_edge: np.ndarray | None  # (sample,), None without box_length
    density: np.ndarray  # (sample,)
    density_source: str
    speeds: np.ndarray  # (sample,): the sound speed of each Debye level
    ref_settings: Mapping[str, Any]


def _reference_rule(
    reference: Literal["own", "crystal"] | float, crystal_sound_speed: float, n_sample: int, dof: int
) -> tuple[np.ndarray | None, dict[str, Any]]:
    """The sound speed of each sample's Debye level (``None`` for ``"own"``: measured by the caller) and the
    reference settings."""
    if isinstance(reference, str) and reference == "own":
        if dof != 1:
            raise ValueError(
                f"reference='own' measures the sound speed of a scalar model; found "
                f"site_degrees_of_freedom = {dof}. Fix: pass reference=c_L with transverse_sound_speed=c_T"
            )
        return None, {"reference": "own"}
    if isinstance(reference, str) and reference == "crystal":
        speeds = np.full(n_sample, float(crystal_sound_speed))
        return speeds, {"reference": "crystal", "crystal_sound_speed": float(crystal_sound_speed)}
    if isinstance(reference, (int, float, np.floating, np.integer)) and not isinstance(reference, bool):
        speeds = np.full(n_sample, float(reference))
        return speeds, {"reference": "given sound speed", "sound_speed": float(reference)}
    raise ValueError(f"reference is {reference!r}; expected 'own', 'crystal' or a sound speed (float)")


def _read_point(
    view: Any,
    number_density: float | None,
    reference: Literal["own", "crystal"] | float,
    crystal_sound_speed: float,
) -> _PointInputs:
    """The spectrum, number densities and reference sound speeds of a checked point (``reference="own"``: each
    sample's measured sound speed, method ``"modulus"`` when the springs are stored, else ``"dispersion"``)."""
    n_sample, dof = view.n_sample, view.site_degrees_of_freedom
    omega = view.omega.transpose("sample", "mode").values
    if number_density is None:
        density, density_source = np.array(view.number_density.values, dtype=float), "n_site / box volume per sample"
    else:
        density, density_source = np.full(n_sample, float(number_density)), "given"
    speeds, ref_settings = _reference_rule(reference, crystal_sound_speed, n_sample, dof)
    if speeds is None:
        speed_method = "modulus" if view.has(*_SPRING_VARS) else "dispersion"
        speeds = np.asarray(_scalar_speeds(view, speed_method)[0], dtype=float)
        ref_settings["sound_speed_method"] = speed_method
    return _PointInputs(
        omega=omega,
        n_nonzero=view.n_nonzero.copy(deep=False),
        dimension=view.dimension,
        dof=dof,
        sample=view.dataset["sample"],
        omega_units=view.omega_units,
        speed_units=_speed_units(view.omega_units, _length_units(view)),
        mode_total=view.mode_total,
        longest_edge=view.longest_edge if view.has("box_length") else None,
        density=density,
        density_source=density_source,
        speeds=speeds,
        ref_settings=ref_settings,
    )


def _debye_levels(point: _PointInputs, transverse_sound_speed: float | None) -> np.ndarray:
    """The Debye level of g(ω)/ω^(d−1) of each sample from its sound speed and number density."""
    d, dof = point.dimension, point.dof
    return np.array(
        [
            debye_reduced_level(c, d, n, dof, transverse_sound_speed if dof != 1 else None)
            for c, n in zip(point.speeds, point.density)
        ]
    )


def _bandwidths(
    point: _PointInputs,
    bandwidth: float | None,
    bandwidth_factor: float,
    transverse_sound_speed: float | None,
) -> tuple[np.ndarray, str]:
    """The smoothing width σ of each sample (given, or the shell rule 2π c_T/L) and its rule."""
    n_sample = point.speeds.size
    if bandwidth is None and point.longest_edge is None:
        # no box, no shell spacing: the smoothed peak is not measured
        return (
            np.full(n_sample, np.nan),
            "not measured: no box_length for 2 pi c_T / L; pass bandwidth= to measure it",
        )
    if bandwidth is None:
        phonon_speed = (
            point.speeds
            if point.dof == 1 or transverse_sound_speed is None
            else np.full(n_sample, float(transverse_sound_speed))
        )
        if not (np.isfinite(bandwidth_factor) and bandwidth_factor > 0):
            raise ValueError(f"bandwidth_factor is {bandwidth_factor!r}; expected a number > 0")
        sigma = bandwidth_factor * phonon_frequency(point.longest_edge, phonon_speed)
        return sigma, (
            f"{bandwidth_factor:g} x 2 pi c_T / L per sample (2 pi c_T / L: the lowest phonon shell, the largest "
            "gap between shells)"
        )
    if bandwidth_factor != 1.0:
        raise ValueError(
            f"give bandwidth or bandwidth_factor (of the shell rule), not both; found {bandwidth_factor!r}"
        )
    if not (np.isfinite(bandwidth) and bandwidth > 0):
        raise ValueError(
            f"bandwidth is {bandwidth!r}; expected a number > 0 (units of omega), or None for 2 pi c_T / L"
        )
    return np.full(n_sample, float(bandwidth)), "given"


def _excess_statistic(centres: np.ndarray, fine: np.ndarray) -> Any:
    """The bootstrap statistic: binned peak, excess area, relative excess, smoothed peak."""

    def statistic(red: np.ndarray, lev: np.ndarray, fr: np.ndarray, dfr: np.ndarray, smo: np.ndarray) -> np.ndarray:
        excess_curve = red.mean(axis=0) - lev.mean()
        excess = fr.mean() - dfr.mean()
        return np.array(
            [
                centres[int(np.argmax(excess_curve))],
                excess,
                excess / dfr.mean(),
                _argmax_or_nan(fine, smo.mean(axis=0)),
            ]
        )

    return statistic


def _excess_curve(
    point: _PointInputs,
    dos: xr.Dataset,
    per_sample: Mapping[str, np.ndarray],
    fine: np.ndarray,
    window: tuple[float, float],
) -> xr.Dataset:
    """The ``curve`` dataset; ``per_sample`` holds levels, speeds, density, frac, debye_frac, smoothed, sigma."""
    levels, smoothed, sigma = per_sample["levels"], per_sample["smoothed"], per_sample["sigma"]
    speeds, density = per_sample["speeds"], per_sample["density"]
    frac, debye_frac = per_sample["frac"], per_sample["debye_frac"]
    units = point.omega_units
    level_units = dos["g_reduced"].attrs["units"]
    return xr.Dataset(
        {
            "g_reduced": dos["g_reduced"],
            "g_reduced_sample": dos["g_reduced_sample"],
            "debye_level": (
                (),
                float(levels.mean()),
                {"long_name": "Debye level (mean over samples)", "units": level_units},
            ),
            "debye_level_sample": ("sample", levels, {"long_name": "Debye level per sample", "units": level_units}),
            "excess": (dos["g_reduced"] - levels.mean()).assign_attrs(
                long_name="reduced DOS minus Debye level", units=level_units
            ),
            "sound_speed_sample": ("sample", speeds, {"long_name": "sound speed used", "units": point.speed_units}),
            "number_density_sample": ("sample", density, {"long_name": "number density used", "units": "1"}),
            "mode_fraction_in_window": (
                "sample",
                frac,
                {"long_name": "fraction of modes with w0 < omega <= w1", "units": "1"},
            ),
            "debye_fraction_in_window": (
                "sample",
                debye_frac,
                {"long_name": "Debye integral over the window", "units": "1"},
            ),
            "g_reduced_smoothed_sample": (
                ("sample", "omega_fine"),
                smoothed,
                {"long_name": "kernel-smoothed reduced DOS per sample", "units": level_units},
            ),
            "g_reduced_smoothed": (
                "omega_fine",
                smoothed.mean(axis=0),
                {"long_name": "kernel-smoothed reduced DOS (mean over samples)", "units": level_units},
            ),
            "bandwidth_sample": (
                "sample",
                sigma,
                {"long_name": "Gaussian bandwidth sigma of the smoothing", "units": units},
            ),
        },
        coords={
            **{k: dos[k] for k in ("omega", "omega_low", "omega_high", "sample")},
            "omega_fine": ("omega_fine", fine, {"long_name": "frequency grid of the smoothed curve", "units": units}),
        },
        attrs={"window": np.array([window[0], window[1]]), "spatial_dimension": point.dimension},
    )


def _excess_settings(
    point: _PointInputs,
    dos: xr.Dataset,
    window: tuple[float, float],
    edges: np.ndarray,
    transverse_sound_speed: float | None,
) -> dict[str, Any]:
    """The settings shared by the four measurements."""
    settings: dict[str, Any] = {
        "window": window,
        "window_rule": "w0 < omega <= w1",
        "bin_edges": edges.tolist(),
        "n_bins": int(edges.size - 1),
        "peak_resolution": float(np.max(np.diff(edges))),
        **point.ref_settings,
        "spatial_dimension": point.dimension,
        "site_degrees_of_freedom": point.dof,
        "number_density": point.density_source,
        "normalisation": dos.attrs["normalisation"],
        "zero_mode_rule": dos.attrs["zero_mode_rule"],
    }
    if transverse_sound_speed is not None:
        settings["transverse_sound_speed"] = float(transverse_sound_speed)
    return settings


def _excess_measurements(
    est: Any,
    settings: Mapping[str, Any],
    curve: xr.Dataset,
    units: str,
    sigma: np.ndarray,
    bandwidth_rule: str,
) -> tuple[Measurement, Measurement, Measurement, Measurement]:
    """peak_frequency, excess_area, relative_excess, smoothed_peak_frequency from the bootstrap."""
    fine = curve["omega_fine"].values
    smoothed = curve["g_reduced_smoothed_sample"].values
    peak = est.measurement(
        "peak_frequency",
        index=0,
        units=units,
        settings={**settings, "estimator": "argmax over bin centres of the pooled excess g/omega^(d-1) - level"},
        curve=curve,
        method="bin centre of the maximum of the pooled reduced-DOS excess over Debye inside the window",
    )
    area = est.measurement(
        "excess_area",
        index=1,
        units="1",
        settings={
            **settings,
            "estimator": "exact mode count in window / n_nonzero - level*(w1^d - w0^d)/d, mean over samples",
        },
        curve=curve,
        method="fraction of modes in the window above the Debye prediction (exact count, no binning)",
    )
    rel = est.measurement(
        "relative_excess",
        index=2,
        units="1",
        settings={**settings, "estimator": "excess_area / mean Debye integral over the window"},
        curve=curve,
        method="excess area relative to the Debye integral over the window",
    )
    smooth_peak = est.measurement(
        "smoothed_peak_frequency",
        index=3,
        units=units,
        settings={
            **settings,
            "bandwidth_rule": bandwidth_rule,
            "bandwidth_mean": float(np.mean(sigma)),
            "smoothed_peak_resolution": float(fine[1] - fine[0]),
            "peak_over_bandwidth": _argmax_or_nan(fine, smoothed.mean(axis=0)) / float(np.mean(sigma)),
            "estimator": "argmax over a 401-point grid of the pooled Gaussian-smoothed reduced DOS (reflected at 0)",
        },
        curve=curve,
        method="maximum of the kernel-smoothed reduced DOS (bandwidth tied to the phonon-shell spacing) in the window",
    )
    return peak, area, rel, smooth_peak


@measures("peak_frequency", "excess_area", "relative_excess", "smoothed_peak_frequency")
def boson_peak_excess(
    ds: xr.Dataset,
    *,
    window: tuple[float, float] = (0.0, 1.0),
    bins: int | Sequence[float] | np.ndarray = 20,
    reference: Literal["own", "crystal"] | float = "own",
    crystal_sound_speed: float = 1.0,
    transverse_sound_speed: float | None = None,
    number_density: float | None = None,
    bandwidth: float | None = None,
    bandwidth_factor: float = 1.0,
    n_bootstrap: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> BosonPeakResult:
    """Measure the boson peak as the excess of g(ω)/ω^(d−1) over Debye.

    Parameters
    ----------
    ds
        One parameter point: ``eigenvalue`` (sample, mode); ``site`` and
        ``box_length`` for the number density unless ``number_density`` is given.
    window
        (w0, w1), units of ω: the range of the excess area and of the peak search.
    bins
        Number of equal bins on the window, or bin edges inside the window
        (shape ``(n_bins + 1,)``); used for the curve and ``peak_frequency`` only.
    reference
        ``"own"``: each sample's Debye level from its own sound speed (scalar
        models); ``"crystal"``: ``crystal_sound_speed``; a float: that sound speed
        (the longitudinal one for a vector model).
    crystal_sound_speed
        Used with ``reference="crystal"``; 1.0 is the t = 1 square lattice.
    transverse_sound_speed
        c_T for a vector model (``site_degrees_of_freedom = d``) with a given speed.
    number_density
        Sites per unit volume; default n_site / box volume per sample.
    bandwidth
        σ of ``smoothed_peak_frequency`` (units of ω); default ``None``: the
        shell rule σ = 2π c_T/L per sample (module docstring).
    bandwidth_factor
        Multiplies the shell-rule σ (e.g. 2 for twice the largest shell gap); with
        ``bandwidth`` given it must stay 1.
    n_bootstrap, seed, confidence
        Bootstrap over samples.

    Returns
    -------
    BosonPeakResult
        ``peak_frequency``, ``excess_area``, ``relative_excess``,
        ``smoothed_peak_frequency``, ``curve``, ``settings``.

    References
    ----------
    Seed 002 (``002_3eb2c22b0ce6c76a.txt``), Fig. 2 right, Fig. 4 left: excess
    in ω ∈ [0, 1], peak at ω = 0.5.

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> ds = mock_spectrum(n_sample=4, n_mode=400, exponent=1.0, omega_max=2.0)
    >>> ds = ds.assign_attrs(site_degrees_of_freedom=1)  # a scalar model
    >>> res = boson_peak_excess(ds, reference=1.0, number_density=1.0, n_bootstrap=50)
    >>> sorted(res.measurements())
    ['excess_area', 'peak_frequency', 'relative_excess', 'smoothed_peak_frequency']
    """
    view = point_view(ds, "boson_peak_excess")
    w0, w1, edges = _window_edges(window, bins)
    point = _read_point(view, number_density, reference, crystal_sound_speed)
    levels = _debye_levels(point, transverse_sound_speed)
    sigma, bandwidth_rule = _bandwidths(point, bandwidth, bandwidth_factor, transverse_sound_speed)
    dos, per_sample, fine = _sample_curves(point, edges, (w0, w1), levels, sigma)
    statistic = _excess_statistic(dos["omega"].values, fine)
    data = tuple(per_sample[k] for k in ("g_reduced", "levels", "frac", "debye_frac", "smoothed"))
    est = bootstrap(statistic, data, n_bootstrap=n_bootstrap, seed=seed, confidence=confidence)
    curve = _excess_curve(point, dos, per_sample, fine, (w0, w1))
    settings = _excess_settings(point, dos, (w0, w1), edges, transverse_sound_speed)
    measured = _excess_measurements(est, settings, curve, point.omega_units, sigma, bandwidth_rule)
    return BosonPeakResult(*measured, curve, settings)


def _sample_curves(
    point: _PointInputs, edges: np.ndarray, window: tuple[float, float], levels: np.ndarray, sigma: np.ndarray
) -> tuple[xr.Dataset, dict[str, np.ndarray], np.ndarray]:
    """The binned reduced DOS, each sample's statistics (reduced DOS, Debye level, sound speed, density, mode
    fraction and Debye integral over the window, smoothed reduced DOS, bandwidth) and the smoothing grid."""
    (w0, w1), d, w = window, point.dimension, point.omega
    dos = _with_reduced(_dos_dataset(w, point.n_nonzero, edges, point.omega_units, point.sample, point.mode_total), d)
    n_nonzero = np.asarray(point.n_nonzero.values, dtype=float)
    fine = np.linspace(w0, w1, 401)
    smoothed = (
        smoothed_reduced_dos(w, n_nonzero, fine, sigma, d)
        if np.all(np.isfinite(sigma))
        else np.full((w.shape[0], fine.size), np.nan)
    )
    per_sample = {
        "g_reduced": np.asarray(dos["g_reduced_sample"].values, dtype=float),
        "levels": levels,
        "speeds": point.speeds,
        "density": point.density,
        "frac": np.sum((w > w0) & (w <= w1), axis=1) / n_nonzero,  # NaN (zero modes) compares False
        "debye_frac": levels * (w1**d - w0**d) / d,
        "smoothed": smoothed,
        "sigma": sigma,
    }
    return dos, per_sample, fine


@paired_difference("boson_peak_excess")
def paired_excess_difference(
    a: BosonPeakResult,
    b: BosonPeakResult,
    quantity: str = "relative_excess",
    *,
    n_bootstrap: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> Measurement:
    """``quantity`` of ``a`` minus that of ``b``, bootstrapped over *paired* samples.

    When the two parameter points were built from the same realisations
    (common random numbers: sample k of ``a`` and of ``b`` share their seed),
    resampling the sample indices jointly keeps that pairing, so the interval
    of the difference is not inflated by sample-to-sample disorder.

    Parameters
    ----------
    a, b
        Results of :func:`boson_peak_excess` on two points with the same
        ``sample`` coordinate and the same window.
    quantity
        ``"excess_area"`` or ``"relative_excess"``.
    n_bootstrap, seed, confidence
        Bootstrap settings (resampling samples with replacement, percentile interval).

    Returns
    -------
    Measurement
        Named ``"<quantity> difference"``.

    Raises
    ------
    ValueError
        If the samples or windows differ, or ``quantity`` is not paired-decomposable.
    """
    if quantity not in ("excess_area", "relative_excess"):
        raise ValueError(
            f"quantity is {quantity!r}; a paired difference is defined for 'excess_area' and 'relative_excess'"
        )
    sa, sb = a.curve["sample"].values, b.curve["sample"].values
    if sa.shape != sb.shape or not np.array_equal(sa, sb):
        raise ValueError(
            f"paired samples differ: {sa.tolist()} vs {sb.tolist()}; a paired difference needs the same "
            "sample labels at both points (use the unpaired difference otherwise)"
        )
    if tuple(a.settings["window"]) != tuple(b.settings["window"]):
        raise ValueError(f"windows differ: {a.settings['window']} vs {b.settings['window']}")
    columns = [
        np.asarray(r.curve[v].values, dtype=float)
        for r in (a, b)
        for v in ("mode_fraction_in_window", "debye_fraction_in_window")
    ]
    relative = quantity == "relative_excess"

    def statistic(fa: np.ndarray, da: np.ndarray, fb: np.ndarray, db: np.ndarray) -> np.ndarray:
        ea, eb = fa.mean() - da.mean(), fb.mean() - db.mean()
        if relative:
            ea, eb = ea / da.mean(), eb / db.mean()
        return np.array([ea - eb])

    est = bootstrap(statistic, tuple(columns), n_bootstrap=n_bootstrap, seed=seed, confidence=confidence)
    base = getattr(a, quantity)
    return est.measurement(
        f"{quantity} difference",
        index=0,
        units="1",
        settings={**dict(base.settings), "pairing": "samples resampled jointly at both points"},
        curve=None,
        method=f"paired difference of {quantity} (same sample indices at both points)",
    )
