"""Lowest phonon frequency ω₀ of a periodic box, to set power-law windows below it.

In a periodic box of edge L the smallest non-zero wave number is k₀ = 2π/L,
so the lowest (transverse) phonon sits at ω₀ = 2π v_T / L, v_T the transverse
sound speed.  Below ω₀ a finite glass has no plane waves, and its spectrum is
the non-phononic one whose exponent s the power-law validator measures (seed
001, ``001_d453c975fd50a4a2.txt``, Results: "we measure the lowest phonon
resonance at ω₀ ≈ 1.5, and modes are found down to a frequency ten times
smaller"; seed 003, ``003_e4d31faec595bf16.txt``, Fig. 2: a vortex-like mode
at ω ≈ 0.4 below the lowest transverse phonon at ω ≈ 0.65).

Where v_T comes from
    * a number (or a :class:`~vdosbench.validators.Measurement`) passed as
      ``transverse_sound_speed``: required for vector models (particles in d
      dimensions, ``site_degrees_of_freedom = d``), whose v_T = √(G/ρ) has to
      be measured elsewhere (shear modulus, or the transverse branch of the
      dispersion); a Measurement's relative uncertainty carries over to ω₀;
    * scalar networks (``site_degrees_of_freedom = 1``, seed 002) have one
      sound speed c, measured here by :func:`vdosbench.validators.sound_speed`:
      ``"modulus"`` (exact homogenisation; needs the springs) or
      ``"dispersion"`` (c from the lowest 2d non-zero modes, so ω₀ is then the
      measured lowest shell itself).  Default: ``"modulus"`` when the springs
      are stored, else ``"dispersion"``.

    * ``method="shear_modulus"`` (any model with particles): v_T = √(G/ρ) per
      sample from a stored ``shear_modulus`` (sample,), the affine minus
      non-affine modulus of the inherent structure that the dynamical matrix
      sees for transverse waves (computed by
      :mod:`vdosbench.generators.glasses.elastic`, or for a dataset that lacks it by
      :func:`vdosbench.benchmark.elastic.with_shear_modulus`), ρ = N/V with
      unit masses.  It uses no eigenvector, so no stored-mode count biases it.

For a box with unequal edges the lowest phonon belongs to the longest edge:
ω₀ = 2π v_T / max_a L_a.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
import xarray as xr
from numpy.typing import ArrayLike

from vdosbench.datasets.accessor import VdosAccessor

from ..results.points import point_view
from ..results.result import Measurement, bootstrap
from .sound import _SPRING_VARS, _scalar_speeds

__all__ = ["phonon_frequency", "lowest_phonon_frequency", "shear_modulus_speed"]

PhononMethod = Literal["modulus", "dispersion", "shear_modulus"]


def phonon_frequency(box_length: ArrayLike, sound_speed: ArrayLike) -> np.ndarray:
    """ω₀ = 2π v / L, the lowest phonon of a periodic box of edge L.

    Parameters
    ----------
    box_length
        Box edge L (any shape), units of length.
    sound_speed
        Sound speed v (broadcast against ``box_length``), units of length × ω.

    Returns
    -------
    numpy.ndarray
        ω₀ with the broadcast shape, units of ω.

    Examples
    --------
    >>> float(phonon_frequency(2 * np.pi, 1.5))
    1.5
    """
    L = np.asarray(box_length, dtype=float)
    v = np.asarray(sound_speed, dtype=float)
    if np.any(L <= 0) or not np.all(np.isfinite(L)):
        raise ValueError(f"box_length must be finite and > 0; found {L!r}")
    if np.any(v <= 0) or not np.all(np.isfinite(v)):
        raise ValueError(f"sound_speed must be finite and > 0; found {v!r}")
    return 2.0 * np.pi * v / L


def shear_modulus_speed(ds: xr.Dataset | VdosAccessor) -> np.ndarray:
    """v_T = √(G/ρ) per sample from the stored ``shear_modulus`` (sample,) and ρ = N/V (unit masses).

    Raises a ``ValueError`` when ``shear_modulus`` is missing or not finite and > 0 in every sample.

    .. deprecated:: 0.1.0
        Use ``ds.vdos.shear_speed`` (the same values; NaN, not an error, where G ≤ 0);
        ``shear_modulus_speed`` will be removed in the next release.

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> ds = mock_spectrum(n_sample=2, n_mode=9, n_site=9)  # L = 3, rho = 1
    >>> ds["shear_modulus"] = ("sample", [4.0, 9.0])
    >>> np.round(ds.vdos.shear_speed, 12).tolist()  # instead
    [2.0, 3.0]
    """
    warnings.warn(
        "vdosbench.validators.shear_modulus_speed is deprecated; use ds.vdos.shear_speed",
        DeprecationWarning,
        stacklevel=2,
    )
    return _shear_speed(ds if isinstance(ds, VdosAccessor) else ds.vdos)


def _shear_speed(view: VdosAccessor) -> np.ndarray:
    """``view.shear_speed`` (a copy) for ``method='shear_modulus'``: an error, not NaN, where G is missing or ≤ 0."""
    if not view.has("shear_modulus"):
        raise ValueError(
            "method='shear_modulus' needs a 'shear_modulus' (sample,) variable; found none. Fix: compute it from "
            "the positions with vdosbench.benchmark.elastic.with_shear_modulus(ds), or choose another method"
        )
    values = view.shear_modulus
    if not np.all(np.isfinite(values) & (values > 0)):
        raise ValueError(
            f"shear_modulus must be finite and > 0 in every sample (a mechanically stable solid); found "
            f"{values[~(np.isfinite(values) & (values > 0))][:5].tolist()}: check that the samples are inherent structures"
        )
    return view.shear_speed.copy()


def _speed_method(
    dimension: int,
    dof: int,
    springs: bool,
    transverse_sound_speed: float | Measurement | None,
    method: PhononMethod | None,
) -> PhononMethod | None:
    """How v_T is had: ``None`` when given, else the measuring method (checked against the model)."""
    if transverse_sound_speed is not None:
        if method is not None:
            raise ValueError("give either transverse_sound_speed or method (to measure it), not both")
        return None
    if method == "shear_modulus":
        return method
    if dof != 1:
        raise ValueError(
            f"lowest_phonon_frequency measures the sound speed only for scalar networks "
            f"(site_degrees_of_freedom = 1); found site_degrees_of_freedom = {dof} (a vector model in "
            f"d = {dimension}). Fix: measure the transverse sound speed v_T = sqrt(G/rho) elsewhere (shear "
            "modulus or transverse dispersion) and pass transverse_sound_speed=v_T, or store shear_modulus "
            "and pass method='shear_modulus'"
        )
    chosen = method or ("modulus" if springs else "dispersion")
    if chosen not in ("modulus", "dispersion"):
        raise ValueError(f"method is {method!r}; expected one of 'modulus', 'dispersion', 'shear_modulus'")
    return chosen


def _given_speed(transverse_sound_speed: float | Measurement) -> tuple[float, float]:
    """A given v_T and its relative uncertainty (0 for a plain number)."""
    if isinstance(transverse_sound_speed, Measurement):
        v = transverse_sound_speed.value
        return v, (transverse_sound_speed.uncertainty / v if v else float("nan"))
    return float(transverse_sound_speed), 0.0


@dataclass(frozen=True)
class _SampleOmega0:
    """ω₀ = 2π v_T / L of each sample of one point, with the L and v_T it came from (module docstring)."""

    omega0: np.ndarray
    length: np.ndarray
    speed: np.ndarray
    source: str
    method: PhononMethod | None
    speed_relative_uncertainty: float


def _omega0_per_sample(
    view: VdosAccessor, transverse_sound_speed: float | Measurement | None, method: PhononMethod | None
) -> _SampleOmega0:
    """ω₀ of each sample of a checked point: L its longest box edge, v_T given or measured (module docstring)."""
    if not view.has("box_length"):
        raise ValueError(
            "lowest_phonon_frequency needs box_length (sample[, spatial]) for k0 = 2*pi/L; "
            "store the periodic box edge as ds['box_length'], or pass omega0 to the power-law validator"
        )
    length = view.longest_edge
    springs = view.has(*_SPRING_VARS)
    chosen = _speed_method(view.dimension, view.site_degrees_of_freedom, springs, transverse_sound_speed, method)
    v_uncertainty = 0.0
    if chosen is None:
        assert transverse_sound_speed is not None
        v, v_uncertainty = _given_speed(transverse_sound_speed)
        speed, source = np.full(length.shape, v), "given transverse_sound_speed"
    elif chosen == "shear_modulus":
        speed = _shear_speed(view)
        source = (
            "measured per sample: sqrt(G/rho), G = shear_modulus (affine minus non-affine, "
            "vdosbench.generators.glasses.elastic), rho = N/V, unit masses"
        )
    else:
        speed = _scalar_speeds(view, chosen)[0]
        source = f"measured per sample: vdosbench.validators.sound_speed(method={chosen!r}) (scalar network)"
    return _SampleOmega0(phonon_frequency(length, speed), length, speed, source, chosen, v_uncertainty)


def _omega0_curve(
    sample: xr.DataArray, omega0: np.ndarray, length: np.ndarray, speed: np.ndarray, units: str
) -> xr.Dataset:
    """The curve over samples: ω₀, the longest box edge and v_T of each sample."""
    return xr.Dataset(
        {
            "omega0_sample": ("sample", omega0, {"long_name": "lowest phonon frequency 2 pi v_T / L", "units": units}),
            "box_length_sample": ("sample", length, {"long_name": "longest box edge", "units": "1"}),
            "sound_speed_sample": ("sample", speed, {"long_name": "transverse sound speed v_T", "units": "1"}),
        },
        coords={"sample": sample},
    )


def _with_speed_uncertainty(m: Measurement, v_uncertainty: float, confidence: float) -> Measurement:
    """``m`` with the relative uncertainty of a given v_T added in quadrature (normal interval)."""
    from scipy.stats import norm

    boot = m.uncertainty if np.isfinite(m.uncertainty) else 0.0
    se = float(np.hypot(boot, v_uncertainty * m.value))
    half = float(norm.ppf(0.5 + confidence / 2.0)) * se
    return Measurement(
        m.name,
        m.value,
        se,
        m.value - half,
        m.value + half,
        m.confidence,
        m.units,
        {**m.settings, "interval": "normal, bootstrap and v_T standard errors in quadrature"},
        m.curve,
        m.n_samples,
        m.method,
    )


def lowest_phonon_frequency(
    ds: xr.Dataset | VdosAccessor,
    transverse_sound_speed: float | Measurement | None = None,
    *,
    method: PhononMethod | None = None,
    n_bootstrap: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> Measurement:
    """Lowest phonon frequency ω₀ = 2π v_T / L of the periodic box (module docstring).

    Parameters
    ----------
    ds
        One parameter point with ``box_length`` (sample[, spatial]), or its ``ds.vdos`` view.
    transverse_sound_speed
        v_T in units of length × ω (a number, or a Measurement whose relative
        uncertainty is carried to ω₀).  Required for vector models; for
        scalar networks (``site_degrees_of_freedom = 1``) it is measured when
        omitted.
    method
        How v_T is measured when not given: ``"shear_modulus"`` (from the
        stored ``shear_modulus``, any particle model), or for scalar networks
        ``"modulus"`` or ``"dispersion"`` (default for scalar networks:
        ``"modulus"`` when the springs are stored, else ``"dispersion"``).
    n_bootstrap, seed, confidence
        Bootstrap over samples of the mean of the per-sample ω₀.

    Returns
    -------
    Measurement
        ``omega0``: the mean over samples of 2π v_T / L_j; uncertainty the
        bootstrap standard error over samples (0 for a given v_T and equal
        boxes), plus the relative uncertainty of a given v_T Measurement in
        quadrature.  The curve holds ``omega0_sample``, ``box_length_sample``
        and ``sound_speed_sample`` (sample,).

    References
    ----------
    Seed 001 (``001_d453c975fd50a4a2.txt``), Results: ω₀ ≈ 1.5 in the
    N = 1600 glasses; seed 003 (``003_e4d31faec595bf16.txt``), Fig. 2.

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> ds = mock_spectrum(n_sample=2, n_mode=9, n_site=9)  # L = 3
    >>> m = lowest_phonon_frequency(ds, transverse_sound_speed=3.0, n_bootstrap=10)
    >>> round(m.value, 12) == round(2 * np.pi, 12), m.uncertainty
    (True, 0.0)
    """
    view = point_view(ds, "lowest_phonon_frequency")
    found = _omega0_per_sample(view, transverse_sound_speed, method)
    est = bootstrap(np.mean, found.omega0, n_bootstrap=n_bootstrap, seed=seed, confidence=confidence)
    units = view.omega_units
    curve = _omega0_curve(view.dataset["sample"], found.omega0, found.length, found.speed, units)
    v_uncertainty = found.speed_relative_uncertainty
    m = est.measurement(
        "omega0",
        units=units,
        settings={
            "formula": "omega0 = 2 pi v_T / max(L); value = mean over samples",
            "sound_speed_source": found.source,
            "sound_method": found.method,
            "sound_speed_relative_uncertainty": v_uncertainty,
        },
        curve=curve,
        method="2 pi v_T / L of the periodic box",
    )
    if v_uncertainty:
        m = _with_speed_uncertainty(m, v_uncertainty, confidence)
    return m
