"""Measurements on VDOS-1.0 datasets (``vdosbench.validators``); they never judge.

Every validator takes one parameter point (``eigenvalue`` with dims exactly
``('sample', 'mode')``; split an ensemble with :func:`iter_parameter_points`)
and returns a value, its uncertainty (bootstrap over samples where it
applies), the diagnostic curve as xarray, the settings used, and ``plot(ax)``.
Verdicts belong to the benchmark's claims.

Grouped by what they measure: :mod:`~vdosbench.validators.results` (result
types, parameter points), :mod:`~vdosbench.validators.spectral` (spectrum and
exponents), :mod:`~vdosbench.validators.levels` (level statistics and the
character of the modes), :mod:`~vdosbench.validators.structure` (stresses,
coordination).  The public names are imported from here (``__all__``).
"""

from __future__ import annotations

from .spectral.boson_peak import BosonPeakResult, boson_peak_excess, paired_excess_difference
from .structure.coordination import CoordinationResult, coordination_distribution, coordination_numbers
from .spectral.debye import debye_reduced_level, number_density, unit_ball_volume
from .spectral.green import local_response, new_poles, poles
from .results.points import ParameterPointError, iter_parameter_points, require_single_point, sample_chunks, sample_pairs
from .results.result import BootstrapEstimate, Measurement, bootstrap, expanded_levels, jsonable
from .results.result import stratified_bootstrap
from .results.coverage import clopper_pearson_interval, wilson_interval
from .spectral.sound import conductance_tensor, has_springs, homogenized_conductance, measure_sound_speed, sound_speed
from .spectral.spectrum import (
    ZERO_MODE_RTOL,
    density_of_states,
    frequencies,
    integrated_dos,
    mode_total,
    nonzero_mode_count,
    reduced_dos,
    zero_modes,
)
from .structure.residual_stress import (
    ResidualStressResult,
    deviatoric_shear_stress,
    residual_stress,
    residual_stress_tensors,
)
from .structure.stresses import (
    PowerLawFit,
    StressExponentResult,
    dos_exponent_from_stress_exponent,
    dos_exponent_from_tapering_order,
    fit_truncated_power_law,
    pair_stress_values,
    stress_exponent,
    stress_exponent_from_tapering_order,
    tapering_order_from_stress_exponent,
)
from .levels.vorticity import (
    CURL_CONTENT_REFERENCE,
    FieldVorticity,
    VorticityResult,
    field_vorticity,
    local_displacement_gradient,
    neighbor_pairs,
    vorticity,
)
from .spectral.theory_curve import CurveResult, curve_exponent, curve_gap, curve_peak, tabulated_dos
from .levels.phonon_shell import PhononShellResult, phonon_shell, plane_wave_shell, plane_wave_weights
from .levels.localization import measure_participation_ratio, participation_ratio, participation_ratio_values
from .spectral.crossover import (
    CrossoverResult,
    closed_form_dos,
    closed_form_peak,
    crossover_frequency,
    fit_crossover_frequency,
)
from .spectral.crossover_slope import (
    SEED000_SLOPE,
    CrossoverSlopeResult,
    crossover_slope,
    crossover_slope_from_points,
    exponent_below_crossover,
)
from .spectral.comparison import EigenvalueAgreement, SpectrumComparison, compare_spectra, eigenvalue_agreement, ks_statistic

__all__ = [
    "exponent_below_crossover",
    "CurveResult",
    "curve_exponent",
    "curve_gap",
    "curve_peak",
    "tabulated_dos",
    "PhononShellResult",
    "phonon_shell",
    "plane_wave_shell",
    "plane_wave_weights",
    "paired_excess_difference",
    "ZERO_MODE_RTOL",
    "BootstrapEstimate",
    "BosonPeakResult",
    "CoordinationResult",
    "Measurement",
    "ParameterPointError",
    "boson_peak_excess",
    "bootstrap",
    "stratified_bootstrap",
    "conductance_tensor",
    "coordination_distribution",
    "coordination_numbers",
    "debye_reduced_level",
    "density_of_states",
    "expanded_levels",
    "clopper_pearson_interval",
    "wilson_interval",
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

# stresses, vorticity, localization, crossover, comparison (issue 4, items 4-7)
__all__ += [
    "CURL_CONTENT_REFERENCE",
    "SEED000_SLOPE",
    "CrossoverResult",
    "CrossoverSlopeResult",
    "EigenvalueAgreement",
    "FieldVorticity",
    "PowerLawFit",
    "SpectrumComparison",
    "StressExponentResult",
    "ResidualStressResult",
    "deviatoric_shear_stress",
    "residual_stress",
    "residual_stress_tensors",
    "VorticityResult",
    "closed_form_dos",
    "closed_form_peak",
    "compare_spectra",
    "crossover_frequency",
    "crossover_slope",
    "crossover_slope_from_points",
    "dos_exponent_from_stress_exponent",
    "dos_exponent_from_tapering_order",
    "eigenvalue_agreement",
    "field_vorticity",
    "fit_crossover_frequency",
    "fit_truncated_power_law",
    "ks_statistic",
    "local_displacement_gradient",
    "measure_participation_ratio",
    "neighbor_pairs",
    "pair_stress_values",
    "participation_ratio",
    "participation_ratio_values",
    "stress_exponent",
    "stress_exponent_from_tapering_order",
    "tapering_order_from_stress_exponent",
    "vorticity",
]

# power law, lowest phonon, level statistics (issue 4, items 1-3)
from .levels.level_statistics import (
    GOE_LARGE_N_MEAN_R_TILDE,
    GOE_SURMISE_MEAN_R_TILDE,
    POISSON_MEAN_R_TILDE,
    GoodnessOfFit,
    LevelStatisticsResult,
    goe_surmise_pdf,
    goe_surmise_r_tilde_cdf,
    level_statistics,
    level_statistics_by_window,
    poisson_r_tilde_cdf,
    poisson_ratio_pdf,
    spacing_ratios,
)
from .spectral.phonon import lowest_phonon_frequency, phonon_frequency, shear_modulus_speed
from .spectral.power_law import (
    PowerLawResult,
    PowerLawWindow,
    power_law_exponent,
)
from .spectral.truncated_power_law import solve_truncated_power_law, truncated_power_law_mle

__all__ += [
    "GOE_LARGE_N_MEAN_R_TILDE",
    "GOE_SURMISE_MEAN_R_TILDE",
    "POISSON_MEAN_R_TILDE",
    "GoodnessOfFit",
    "LevelStatisticsResult",
    "PowerLawResult",
    "PowerLawWindow",
    "goe_surmise_pdf",
    "goe_surmise_r_tilde_cdf",
    "level_statistics",
    "level_statistics_by_window",
    "lowest_phonon_frequency",
    "phonon_frequency",
    "shear_modulus_speed",
    "poisson_r_tilde_cdf",
    "poisson_ratio_pdf",
    "power_law_exponent",
    "sample_chunks",
    "spacing_ratios",
    "solve_truncated_power_law",
    "truncated_power_law_mle",
]

# nonphononic exponent from arrays: window MLE, scaling with N, excess over Debye (issue 25, item 1);
# the names are listed once, in validators/spectral/__init__.py
from . import spectral as _spectral
from .spectral import *  # noqa: E402,F403

__all__ += _spectral.__all__

# the validator registry: claims find a validator, its quantities and settings by name (issue 54 item 1)
from .results.registry import RegisteredValidator, measures, registered  # noqa: E402

__all__ += ["RegisteredValidator", "measures", "registered"]
