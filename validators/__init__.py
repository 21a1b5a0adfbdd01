"""Measurements on VDOS-1.0 datasets (``vdosbench.validators``); they never judge.

Every validator takes one parameter point (``eigenvalue`` with dims exactly
``('sample', 'mode')``; split an ensemble with ``ds.vdos.points()``)
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
from .results.points import (
    ParameterPointError,
    iter_parameter_points,
    require_single_point,
    sample_chunks,
    sample_pairs,
)
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
from .spectral.comparison import (
    EigenvalueAgreement,
    SpectrumComparison,
    compare_spectra,
    eigenvalue_agreement,
    ks_statistic,
)
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
from .spectral import *  # noqa: F403
from .results.registry import RegisteredValidator, measures, registered

#: The public names by topic (the order of the API page, docs/api/validators.md); ``__all__`` is their union.
TOPICS: dict[str, tuple[str, ...]] = {
    "Results, intervals and the registry": (
        "Measurement",
        "BootstrapEstimate",
        "bootstrap",
        "stratified_bootstrap",
        "expanded_levels",
        "clopper_pearson_interval",
        "wilson_interval",
        "jsonable",
        "ParameterPointError",
        "sample_pairs",
        "RegisteredValidator",
        "measures",
        "registered",
    ),
    "Spectrum": (
        "ZERO_MODE_RTOL",
        "frequencies",
        "density_of_states",
        "integrated_dos",
        "reduced_dos",
        "debye_reduced_level",
        "unit_ball_volume",
        "lowest_phonon_frequency",
        "phonon_frequency",
    ),
    "Exponent of the low-frequency spectrum": (
        "PowerLawResult",
        "PowerLawWindow",
        "power_law_exponent",
        "solve_truncated_power_law",
        "truncated_power_law_mle",
        "ModeSpectra",
        "mode_spectra_from_dataset",
        "nonphononic_exponent",
        "absolute_exponent",
        "common_shear_modulus",
        "percentile_interval",
        "stratified_replicates",
        "ExponentEstimate",
        "EstimatorSpread",
        "estimator_spread",
        "window_mle",
        "window_mle_scan",
        "participation_scan",
        "profile_interval",
        "paired_window_difference",
        "size_window_difference",
        "S_OF_OMEGA_EDGES",
        "band_mle",
        "band_mle_population",
        "local_exponent",
        "paired_band_difference",
        "band_difference",
        "window_mle_absolute",
        "ExtremeValueFit",
        "extreme_value_fit",
        "extreme_value_difference",
        "Homogeneity",
        "exponent_homogeneity",
        "DensityComparison",
        "density_below",
        "density_ratio",
        "count_scaling",
        "extreme_value",
        "box_shell_count",
        "debye_count",
        "debye_excess",
        "paired_debye_excess_difference",
        "SizeSeriesResult",
        "size_series_exponent",
        "size_series_spectra",
        "ModeCertificate",
        "certify_lowest_modes",
        "count_below",
        "pooled_density_ratio",
        "soft_mode_density_ratio",
        "chain_correlation",
        "KappaCalibration",
        "edge_spacing_ratio",
        "edge_spacing_ratios",
        "extreme_value_kappa_from_levels",
        "EigencountCertificate",
        "StochasticCount",
        "certify_by_eigencount",
        "stochastic_count_below",
    ),
    "Boson peak, sound and the crossover": (
        "BosonPeakResult",
        "boson_peak_excess",
        "paired_excess_difference",
        "sound_speed",
        "measure_sound_speed",
        "conductance_tensor",
        "homogenized_conductance",
        "has_springs",
        "CrossoverResult",
        "closed_form_dos",
        "closed_form_peak",
        "crossover_frequency",
        "fit_crossover_frequency",
        "SEED000_SLOPE",
        "CrossoverSlopeResult",
        "crossover_slope",
        "crossover_slope_from_points",
        "exponent_below_crossover",
        "local_response",
        "poles",
        "new_poles",
    ),
    "Theory curves": ("CurveResult", "curve_exponent", "curve_gap", "curve_peak", "tabulated_dos"),
    "Levels and the character of the modes": (
        "GOE_LARGE_N_MEAN_R_TILDE",
        "GOE_SURMISE_MEAN_R_TILDE",
        "POISSON_MEAN_R_TILDE",
        "GoodnessOfFit",
        "LevelStatisticsResult",
        "level_statistics",
        "level_statistics_by_window",
        "spacing_ratios",
        "goe_surmise_pdf",
        "goe_surmise_r_tilde_cdf",
        "poisson_ratio_pdf",
        "poisson_r_tilde_cdf",
        "participation_ratio",
        "participation_ratio_values",
        "measure_participation_ratio",
        "CURL_CONTENT_REFERENCE",
        "FieldVorticity",
        "VorticityResult",
        "vorticity",
        "field_vorticity",
        "local_displacement_gradient",
        "neighbor_pairs",
        "PhononShellResult",
        "phonon_shell",
        "plane_wave_shell",
        "plane_wave_weights",
    ),
    "Structure": (
        "CoordinationResult",
        "coordination_numbers",
        "coordination_distribution",
        "PowerLawFit",
        "StressExponentResult",
        "stress_exponent",
        "fit_truncated_power_law",
        "pair_stress_values",
        "dos_exponent_from_stress_exponent",
        "dos_exponent_from_tapering_order",
        "stress_exponent_from_tapering_order",
        "tapering_order_from_stress_exponent",
        "ResidualStressResult",
        "deviatoric_shear_stress",
        "residual_stress",
        "residual_stress_tensors",
    ),
    "Comparing two spectra": (
        "SpectrumComparison",
        "EigenvalueAgreement",
        "compare_spectra",
        "eigenvalue_agreement",
        "ks_statistic",
    ),
    "Deprecated (one release; docs/whats-new.md)": (
        "require_single_point",
        "iter_parameter_points",
        "sample_chunks",
        "mode_total",
        "nonzero_mode_count",
        "zero_modes",
        "number_density",
        "shear_modulus_speed",
    ),
}

__all__ = [name for names in TOPICS.values() for name in names]
