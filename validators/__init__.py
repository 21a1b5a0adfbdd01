"""Measurements on VDOS-1.0 datasets (``vdosbench.validators``); they never judge.

Every validator takes one parameter point (``eigenvalue`` with dims exactly
``('sample', 'mode')``; split an ensemble with :func:`iter_parameter_points`)
and returns a value, its uncertainty (bootstrap over samples where it
applies), the diagnostic curve as xarray, the settings used, and ``plot(ax)``.
Verdicts belong to the benchmark's claims.
"""

from __future__ import annotations

from .boson_peak import BosonPeakResult, boson_peak_excess
from .coordination import CoordinationResult, coordination_distribution, coordination_numbers
from .debye import debye_reduced_level, number_density, unit_ball_volume
from .green import local_response, new_poles, poles
from .points import ParameterPointError, iter_parameter_points, require_single_point, sample_pairs
from .result import BootstrapEstimate, Measurement, bootstrap, jsonable
from .sound import conductance_tensor, has_springs, homogenized_conductance, measure_sound_speed, sound_speed
from .spectrum import (
    ZERO_MODE_RTOL,
    density_of_states,
    frequencies,
    integrated_dos,
    mode_total,
    nonzero_mode_count,
    reduced_dos,
    zero_modes,
)

__all__ = [
    "ZERO_MODE_RTOL",
    "BootstrapEstimate",
    "BosonPeakResult",
    "CoordinationResult",
    "Measurement",
    "ParameterPointError",
    "boson_peak_excess",
    "bootstrap",
    "conductance_tensor",
    "coordination_distribution",
    "coordination_numbers",
    "debye_reduced_level",
    "density_of_states",
    "frequencies",
    "has_springs",
    "homogenized_conductance",
    "integrated_dos",
    "iter_parameter_points",
    "jsonable",
    "local_response",
    "measure_sound_speed",
    "mode_total",
    "new_poles",
    "nonzero_mode_count",
    "number_density",
    "poles",
    "reduced_dos",
    "require_single_point",
    "sample_pairs",
    "sound_speed",
    "unit_ball_volume",
    "zero_modes",
]
