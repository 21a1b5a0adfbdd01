"""Measurements of the spectrum and its exponents.

Density of states and reduced DOS (:mod:`.spectrum`), Debye level
(:mod:`.debye`), sound speeds (:mod:`.sound`), the lowest phonon
(:mod:`.phonon`), the low-frequency power law (:mod:`.power_law`), the boson
peak (:mod:`.boson_peak`), the crossover frequency (:mod:`.crossover`),
tabulated theory curves (:mod:`.theory_curve`), Green's-function poles
(:mod:`.green`) and the comparison of two spectra (:mod:`.comparison`).

The nonphononic-exponent estimators on arrays (issue 25) are re-exported
here: their input (:mod:`.mode_spectra`), result and between-estimator
spread (:mod:`.exponent_result`), the window MLE tied to each sample's ω₀
(:mod:`.window_mle`), the scaling with N (:mod:`.size_scaling`) and the
excess over Debye (:mod:`.debye_excess`); :mod:`.nonphononic` reads their input
from a dataset point.  The estimators in absolute frequency ω/ω_g (issue 51:
bands, s(ω), density per particle) are in :mod:`.absolute_frequency`, the
differences of s between two sets on one band in :mod:`.band_differences`
and the joint extreme value of the lowest mode in :mod:`.lowest_mode_law`.
"""

from __future__ import annotations

from .absolute_frequency import (
    S_OF_OMEGA_EDGES,
    DensityComparison,
    Homogeneity,
    band_mle,
    band_mle_population,
    density_below,
    density_ratio,
    exponent_homogeneity,
    local_exponent,
    window_mle_absolute,
)
from .band_differences import band_difference, paired_band_difference
from .lowest_mode_law import ExtremeValueFit, extreme_value_difference, extreme_value_fit
from .debye_excess import box_shell_count, debye_count, debye_excess, paired_debye_excess_difference
from .exponent_result import EstimatorSpread, ExponentEstimate, estimator_spread
from .mode_spectra import ModeSpectra, common_shear_modulus, percentile_interval, stratified_replicates
from .nonphononic import absolute_exponent, mode_spectra_from_dataset, nonphononic_exponent
from .size_scaling import count_scaling, extreme_value
from .size_series import SizeSeriesResult, size_series_exponent, size_series_spectra
from .inertia import ModeCertificate, certify_lowest_modes, count_below
from .density_comparison import chain_correlation, pooled_density_ratio, soft_mode_density_ratio
from .level_kappa import KappaCalibration, edge_spacing_ratio, edge_spacing_ratios, extreme_value_kappa_from_levels
from .eigencount import EigencountCertificate, StochasticCount, certify_by_eigencount, stochastic_count_below
from .window_mle import (
    paired_window_difference,
    participation_scan,
    profile_interval,
    size_window_difference,
    window_mle,
    window_mle_scan,
)

__all__ = [
    "absolute_exponent",
    "DensityComparison",
    "ExtremeValueFit",
    "Homogeneity",
    "band_difference",
    "band_mle",
    "band_mle_population",
    "density_below",
    "density_ratio",
    "exponent_homogeneity",
    "extreme_value_difference",
    "extreme_value_fit",
    "local_exponent",
    "paired_band_difference",
    "window_mle_absolute",
    "EstimatorSpread",
    "ExponentEstimate",
    "ModeSpectra",
    "common_shear_modulus",
    "box_shell_count",
    "count_scaling",
    "SizeSeriesResult",
    "ModeCertificate",
    "certify_lowest_modes",
    "count_below",
    "EigencountCertificate",
    "StochasticCount",
    "certify_by_eigencount",
    "stochastic_count_below",
    "size_series_exponent",
    "size_series_spectra",
    "debye_count",
    "debye_excess",
    "estimator_spread",
    "extreme_value",
    "mode_spectra_from_dataset",
    "nonphononic_exponent",
    "participation_scan",
    "profile_interval",
    "S_OF_OMEGA_EDGES",
    "percentile_interval",
    "stratified_replicates",
    "window_mle",
    "window_mle_scan",
    "paired_window_difference",
    "size_window_difference",
    "paired_debye_excess_difference",
    "chain_correlation",
    "pooled_density_ratio",
    "soft_mode_density_ratio",
    "KappaCalibration",
    "edge_spacing_ratio",
    "edge_spacing_ratios",
    "extreme_value_kappa_from_levels",
]
