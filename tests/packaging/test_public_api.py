"""The public names of each package (its ``__all__``) stay importable from the package itself.

Pinned from ``__all__`` before generators/ and validators/ were grouped into subpackages (issue 17,
item 4): modules may move, ``from vdosbench.generators import X`` keeps working.  A name may be
added to a package; removing one from this list is a decision about the public API.
"""

from __future__ import annotations

import importlib

import pytest

PUBLIC: dict[str, tuple[str, ...]] = {
    "vdosbench": (
        "__version__",
        "VdosbenchError",  # issue 66 item 4: the base of every error vdosbench raises on purpose
    ),
    "vdosbench.datasets": (
        "CONVENTION", "CatalogEntry", "ChecksumError", "ConventionError", "FetchError", "Fingerprint",
        "MEMORY_LIMIT_ENV", "MemoryBoundError", "Problem", "PublishError", "RESERVED_DIMS", "VDOSReadError",
        "check", "check_memory", "combine_parts", "content_sha256", "convention_attrs", "fetch", "get_entry",
        "iter_points", "list_entries", "load_catalog", "mock_spectrum", "open_dataset", "open_ensemble",
        "pair_variables", "parameter_dims", "point_label", "problems", "publish", "select_point",
        "value_label", "write",
        "VdosAccessor",  # issue 26 item 3: the ds.vdos accessor's class (registered on import)
        "point_group_key", "point_group_name",  # issue 54 item 2: the glass studies' point groups
        # issue 66 item 4: the error base and the dataset writer (attribute table, provenance stamps)
        "VdosbenchError", "VARIABLE_ATTRS", "coordinate", "history_line", "provenance", "spatial_coordinate",
        "variable_attrs",
    ),
    "vdosbench.generators": (
        "ClosedFormParams", "Configuration", "EnsembleError", "EnsembleSettingsError", "EnsembleSpec",
        "EnsembleStatus", "FiniteSizeGap", "FiniteSizeHETParams", "FolderBusyError", "GHET_TYPE2",
        "Generator", "GlassParams", "HETParams", "HET_FINITE_SIZE", "HET_SCBA", "INFINITE_ORDER",
        "INHOMOGENEOUS_MEDIUM", "INHOMOGENEOUS_MEDIUM_CLOSED_FORM", "LENNARD_JONES", "MCResult", "MCSettings",
        "MarginalPoint", "Medium", "MediumParams", "PairPotential", "Parameter", "PartFailure",
        "QuenchResult", "QuenchSettings", "RECIPES", "RUN_SPECIFIC_ATTRS", "Recipe", "SCBAConvergenceError",
        "SEED_SCHEME", "SOFT_SPHERES", "SPRING_NETWORK", "SampleFunction", "SelfEnergy", "SpringNetwork",
        "SpringNetworkParams", "T_D", "T_HIGH", "T_LOW", "Type2Spectrum", "build_in_memory", "build_medium",
        "build_spring_network", "closed_form_dataset", "closed_form_dos", "connected_component_count",
        "current_correlation", "default_vector_modes", "dense_spectrum", "ensemble_status", "fcc_crystal",
        "finite_size_gap", "fit_mct", "full_spectrum", "gaussian_random_field", "generator_names",
        "get_generator", "ghet_from_dataset", "ghet_type2", "glass_chain", "glass_sample", "hessian_matrix",
        "hessian_operator", "het_finite_size", "het_scba", "inhomogeneous_medium_sample", "interacting_pairs",
        "kob_andersen_configuration", "kob_andersen_potential", "laplacian_zero_modes", "layered_conductance",
        "layered_spectrum", "local_response", "lowest_modes_shift_invert", "make_glass", "marginal_point",
        "medium_current_correlation", "nine_node_hessians", "nine_node_toy", "pair_stresses", "part_name",
        "polydisperse_configuration", "quantile_eigenvalues", "quench", "register", "relaxation_time",
        "run_ensemble", "run_swap_mc", "sample_diameters", "sample_seed", "self_energy_at_zero",
        "self_intermediate_scattering", "soft_sphere_potential", "solve_self_energy", "spring_hessian",
        "spring_network_sample", "total_energy", "triangular_crystal", "type2_exponent",
        "type2_from_stresses", "type2_power_law",
        # mock finite-box spectra (issue 25, item 1)
        "MockSpectra", "box_phonon_levels", "goe_unfolded_levels", "mock_glass_spectra",
    ),
    "vdosbench.validators": (
        "BootstrapEstimate", "BosonPeakResult", "CURL_CONTENT_REFERENCE", "CoordinationResult",
        "CrossoverResult", "CrossoverSlopeResult", "CurveResult", "EigenvalueAgreement", "FieldVorticity",
        "GOE_LARGE_N_MEAN_R_TILDE", "GOE_SURMISE_MEAN_R_TILDE", "GoodnessOfFit", "LevelStatisticsResult",
        "Measurement", "POISSON_MEAN_R_TILDE", "ParameterPointError", "PhononShellResult", "PowerLawFit",
        "PowerLawResult", "PowerLawWindow", "SEED000_SLOPE", "SpectrumComparison", "StressExponentResult",
        "VorticityResult", "ZERO_MODE_RTOL", "bootstrap", "boson_peak_excess", "closed_form_dos",
        "closed_form_peak", "compare_spectra", "conductance_tensor", "coordination_distribution",
        "coordination_numbers", "crossover_frequency", "crossover_slope", "crossover_slope_from_points",
        "curve_exponent", "curve_gap", "curve_peak", "debye_reduced_level", "density_of_states",
        "dos_exponent_from_stress_exponent", "dos_exponent_from_tapering_order", "eigenvalue_agreement",
        "exponent_below_crossover", "field_vorticity", "fit_crossover_frequency", "fit_truncated_power_law",
        "frequencies", "goe_surmise_pdf", "goe_surmise_r_tilde_cdf", "has_springs", "homogenized_conductance",
        "integrated_dos", "iter_parameter_points", "jsonable", "ks_statistic", "level_statistics",
        "level_statistics_by_window", "local_displacement_gradient", "local_response",
        "lowest_phonon_frequency", "measure_participation_ratio", "measure_sound_speed", "mode_total",
        "neighbor_pairs", "new_poles", "nonzero_mode_count", "number_density", "pair_stress_values",
        "paired_excess_difference", "participation_ratio", "participation_ratio_values", "phonon_frequency",
        "phonon_shell", "plane_wave_shell", "plane_wave_weights", "poisson_r_tilde_cdf", "poisson_ratio_pdf",
        "poles", "power_law_exponent", "reduced_dos", "require_single_point", "sample_chunks", "sample_pairs",
        "shear_modulus_speed", "solve_truncated_power_law", "sound_speed", "spacing_ratios",
        "stress_exponent", "stress_exponent_from_tapering_order", "tabulated_dos",
        "tapering_order_from_stress_exponent", "truncated_power_law_mle", "unit_ball_volume", "vorticity",
        "zero_modes",
        # of the names above, mode_total, nonzero_mode_count, number_density, shear_modulus_speed and zero_modes
        # are deprecated twins of ds.vdos (issue 54 item 1), kept for one release; each warns
        # (tests/validators/test_deprecated_twins.py).  Removing them then is that decision.
        # nonphononic exponent from arrays (issue 25, item 1)
        "EstimatorSpread", "ExponentEstimate", "ModeSpectra", "box_shell_count", "count_scaling", "debye_count",
        "debye_excess", "estimator_spread", "extreme_value", "participation_scan", "profile_interval",
        "window_mle", "window_mle_scan",
        # the interval of a coverage or rejection rate (issue 54 item 2: the studies' copies moved here)
        "clopper_pearson_interval", "wilson_interval",
        # the validator registry: a validator, its quantities and settings by claim name (issue 54 item 1)
        "RegisteredValidator", "measures", "registered",
        # issue 67: the residual stress of each glass, certified counts (exact and stochastic)
        "ResidualStressResult", "deviatoric_shear_stress", "residual_stress", "residual_stress_tensors",
        "certify_by_eigencount", "certify_lowest_modes", "count_below",
    ),
    "vdosbench.validators.spectral": (
        "EstimatorSpread", "ExponentEstimate", "ModeSpectra", "box_shell_count", "count_scaling", "debye_count",
        "debye_excess", "estimator_spread", "extreme_value", "participation_scan", "profile_interval",
        "window_mle", "window_mle_scan",
        "EigencountCertificate", "StochasticCount", "certify_by_eigencount", "stochastic_count_below",
    ),
    "vdosbench.benchmark": (
        "Alternative", "Claim", "ClaimResult", "ClaimsFileError", "CrossCodeCheck", "Declaration",
        "DeclarationError", "Expectation", "InputInfo", "PointResult", "Robustness", "ScoreCard", "Verdict",
        "cross_code_check", "declaration_for", "declare", "default_claims_path", "evaluate_claim",
        "load_claims", "parse_declaration", "score_datasets", "verdict_for", "write_report",
    ),
    "vdosbench.benchmark.adapters": (
        "Adapter", "AdapterError", "LammpsStructure", "POTENTIALS", "THIRD_PARTY_REFERENCES",
        "ZERO_TOLERANCE", "adapter_names", "configuration_from_atoms", "get_adapter", "guess_format", "read",
        "read_dynmat_matrix", "read_lammps_data", "read_lammps_dump", "read_lammps_dynmat", "read_netcdf",
        "read_npz", "read_structure", "read_text", "register_adapter", "spectrum_dataset", "zero_mode_flags",
    ),
}


@pytest.mark.parametrize("package", sorted(PUBLIC), ids=sorted(PUBLIC))
def test_public_names_stay_in_all_and_importable(package: str) -> None:
    module = importlib.import_module(package)
    missing = sorted(set(PUBLIC[package]) - set(module.__all__))
    assert not missing, f"{package}.__all__ lost {missing}; re-export them from {package}/__init__.py"
    broken = [name for name in PUBLIC[package] if getattr(module, name, None) is None]
    assert not broken, f"from {package} import {broken[0]} fails (and {len(broken) - 1} more); expected it importable"


def test_a_lost_name_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    # built to fail: a package whose __all__ lost a pinned name
    module = importlib.import_module("vdosbench.validators")
    monkeypatch.setattr(module, "__all__", [n for n in module.__all__ if n != "sample_chunks"])
    with pytest.raises(AssertionError, match="lost \\['sample_chunks'\\]"):
        test_public_names_stay_in_all_and_importable("vdosbench.validators")


@pytest.mark.parametrize("face", ["validators", "datasets", "generators", "benchmark"])
def test_a_face_exports_by_topic_and_its_api_page_follows(face: str) -> None:
    """One ``__all__``, the union of ``TOPICS`` in order (no name twice); every public name the face imports is
    exported (ruff's F401 is off for the face: this is its check); docs/api/FACE.md has one section a topic with
    exactly its names (issue 66 item 2)."""
    import importlib
    import re
    import types
    from pathlib import Path

    module = importlib.import_module(f"vdosbench.{face}")
    topics = module.TOPICS
    union = [name for names in topics.values() for name in names]
    assert module.__all__ == union and len(set(union)) == len(union)
    if hasattr(module, "_WHERE"):  # the lazy face (PEP 562): what it can import is its table of names
        imported = set(module._WHERE)
    else:
        imported = {n for n, o in vars(module).items() if not n.startswith("_")
                    and not isinstance(o, types.ModuleType) and n not in ("TOPICS", "annotations")}
    assert imported == set(union), sorted(imported ^ set(union))
    page = (Path(__file__).resolve().parents[2] / "docs" / "api" / f"{face}.md").read_text(encoding="utf-8")
    sections = re.split(r"^## ", page, flags=re.M)[1:]
    found = {s.splitlines()[0]: re.findall(r"^\.\. auto(?:class|function|data):: (\w+)$", s, flags=re.M)
             for s in sections}
    assert found == {topic: list(names) for topic, names in topics.items()}
