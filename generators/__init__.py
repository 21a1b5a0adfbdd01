"""Physical models that produce VDOS-1.0 datasets (``vdosbench.generators``).

Grouped by model family, each on the ensemble engine:

- :mod:`~vdosbench.generators.engine` -- declared parameters, the registry of
  generators, ensemble specs and recipes, the Dask runner (:func:`run_ensemble`);
- :mod:`~vdosbench.generators.glasses` -- soft-sphere and Kob–Andersen glasses
  (Monte Carlo, quench, Hessian, stresses; seed 001);
- :mod:`~vdosbench.generators.networks` -- spring networks and the nine-node toy (seed 002);
- :mod:`~vdosbench.generators.theory` -- HET, GHET, inhomogeneous media (seeds 000, 001);
- :mod:`~vdosbench.generators.spectra` -- the eigen-solvers every family uses.

Importing the package registers every generator; the public names are
imported from here (``__all__``), module paths below may move.
"""

from __future__ import annotations

from .engine.parameters import Parameter
from .engine.registry import Generator, SampleFunction, generator_names, get_generator, register
from .spectra import (
    connected_component_count,
    default_vector_modes,
    full_spectrum,
    laplacian_zero_modes,
)
from .networks.spring_network import (
    SPRING_NETWORK,
    SpringNetwork,
    SpringNetworkParams,
    build_spring_network,
    spring_hessian,
    spring_network_sample,
)
from .networks.nine_node_toy import local_response, nine_node_hessians, nine_node_toy
from .theory.het import (
    FiniteSizeGap,
    MarginalPoint,
    SCBAConvergenceError,
    SelfEnergy,
    finite_size_gap,
    marginal_point,
    quantile_eigenvalues,
    self_energy_at_zero,
    solve_self_energy,
)
from .theory.het_datasets import HET_FINITE_SIZE, HET_SCBA, FiniteSizeHETParams, HETParams, het_finite_size, het_scba
from .theory.ghet import Type2Spectrum, type2_exponent, type2_from_stresses, type2_power_law
from .theory.ghet_datasets import GHET_TYPE2, ghet_from_dataset, ghet_type2
from .theory.inhomogeneous_medium import (
    INHOMOGENEOUS_MEDIUM,
    Medium,
    MediumParams,
    build_medium,
    gaussian_random_field,
    inhomogeneous_medium_sample,
    layered_conductance,
    layered_spectrum,
)
from .theory.inhomogeneous_closed_form import (
    INHOMOGENEOUS_MEDIUM_CLOSED_FORM,
    ClosedFormParams,
    closed_form_dataset,
    closed_form_dos,
)
from .theory.current_correlation import current_correlation, medium_current_correlation
from .theory.coupled_mock import GlassCouplings, coupled_glass_mock, coupling_statistics
from .theory.mock_spectrum import (
    GLASS_SPECTRUM,
    CurvedSpectrum,
    MockSpectra,
    box_phonon_levels,
    glass_like_mock,
    goe_unfolded_levels,
    mock_glass_spectra,
)
from .theory.elastic_medium import (
    ELASTIC_MEDIUM,
    ElasticMedium,
    ElasticMediumParams,
    build_elastic_medium,
    elastic_medium_sample,
    lattice_dispersion,
)
from .glasses.configurations import (
    Configuration,
    fcc_crystal,
    kob_andersen_configuration,
    polydisperse_configuration,
    sample_diameters,
    triangular_crystal,
)
from .glasses.hessian import hessian_matrix, hessian_operator, interacting_pairs
from .glasses.minimize import QuenchResult, QuenchSettings, quench
from .glasses.montecarlo import MCResult, MCSettings, run_swap_mc, total_energy
from .glasses.relaxation import fit_mct, relaxation_time, self_intermediate_scattering
from .glasses.soft_spheres import RECIPES as _LITERAL_RECIPES
from .glasses.glass_chains import RECIPES as _CHAIN_RECIPES
from .glasses.glass_chains import glass_chain
from .glasses.lowest_mode_glasses import RECIPES as _LOWEST_MODE_RECIPES
from .glasses.lowest_mode_glasses import LOWEST_MODES, LowestModeParams, lowest_mode_sample
from .glasses.lowest_mode_chains import RECIPES as _LOWEST_CHAIN_RECIPES
from .glasses.lowest_mode_chains import LOWEST_CHAINS, lowest_mode_chain
from .glasses.moduli import ElasticModuli, elastic_moduli
from .glasses.soft_spheres import (
    LENNARD_JONES,
    SOFT_SPHERES,
    T_D,
    T_D_NONADDITIVE,
    T_HIGH,
    T_LOW,
    GlassParams,
    glass_sample,
    make_glass,
)
from .spectra import dense_spectrum, lowest_modes_shift_invert
from .glasses.stresses import pair_stresses

#: Every named recipe: the seed-literal protocol (soft_spheres.RECIPES), the equilibrated one (glass_chains.RECIPES)
#: and the finite-size ladders of lowest modes (lowest_mode_glasses.RECIPES at high T*, lowest_mode_chains.RECIPES
#: at T_d).
RECIPES = {**_LITERAL_RECIPES, **_CHAIN_RECIPES, **_LOWEST_MODE_RECIPES, **_LOWEST_CHAIN_RECIPES}
from .glasses.potentials import INFINITE_ORDER, PairPotential, kob_andersen_potential, soft_sphere_potential
from .engine.ensemble_spec import Recipe
from .engine.ensemble import (
    RUN_SPECIFIC_ATTRS,
    build_in_memory,
    SEED_SCHEME,
    EnsembleError,
    EnsembleSettingsError,
    EnsembleSpec,
    EnsembleStatus,
    FolderBusyError,
    PartFailure,
    ensemble_status,
    part_name,
    run_ensemble,
    sample_seed,
)

#: The public names by topic (the order of the API page, docs/api/generators.md); ``__all__`` is their union.
TOPICS: dict[str, tuple[str, ...]] = {
    "The registry of generators": (
        "Generator",
        "Parameter",
        "SampleFunction",
        "register",
        "get_generator",
        "generator_names",
    ),
    "Ensembles (Dask) and recipes": (
        "EnsembleSpec",
        "Recipe",
        "RECIPES",
        "run_ensemble",
        "build_in_memory",
        "ensemble_status",
        "EnsembleStatus",
        "part_name",
        "sample_seed",
        "SEED_SCHEME",
        "RUN_SPECIFIC_ATTRS",
        "EnsembleError",
        "EnsembleSettingsError",
        "FolderBusyError",
        "PartFailure",
    ),
    "Eigen-solvers": ("full_spectrum", "dense_spectrum", "lowest_modes_shift_invert", "default_vector_modes"),
    "Soft-sphere and Lennard-Jones glasses (seed 001)": (
        "SOFT_SPHERES",
        "LENNARD_JONES",
        "LOWEST_MODES",
        "LOWEST_CHAINS",
        "GlassParams",
        "LowestModeParams",
        "T_D",
        "T_D_NONADDITIVE",
        "T_HIGH",
        "T_LOW",
        "glass_sample",
        "make_glass",
        "glass_chain",
        "lowest_mode_sample",
        "lowest_mode_chain",
        "Configuration",
        "polydisperse_configuration",
        "kob_andersen_configuration",
        "sample_diameters",
        "fcc_crystal",
        "triangular_crystal",
        "MCSettings",
        "MCResult",
        "run_swap_mc",
        "total_energy",
        "QuenchSettings",
        "QuenchResult",
        "quench",
        "hessian_matrix",
        "hessian_operator",
        "interacting_pairs",
        "ElasticModuli",
        "elastic_moduli",
        "pair_stresses",
        "relaxation_time",
        "self_intermediate_scattering",
        "fit_mct",
    ),
    "Pair potentials": ("PairPotential", "INFINITE_ORDER", "soft_sphere_potential", "kob_andersen_potential"),
    "Spring networks and the nine-node toy (seed 002)": (
        "SPRING_NETWORK",
        "SpringNetwork",
        "SpringNetworkParams",
        "build_spring_network",
        "spring_network_sample",
        "spring_hessian",
        "connected_component_count",
        "laplacian_zero_modes",
        "nine_node_toy",
        "nine_node_hessians",
        "local_response",
    ),
    "Heterogeneous elasticity (seed 001, Methods)": (
        "HET_SCBA",
        "HET_FINITE_SIZE",
        "HETParams",
        "FiniteSizeHETParams",
        "het_scba",
        "het_finite_size",
        "SelfEnergy",
        "solve_self_energy",
        "self_energy_at_zero",
        "MarginalPoint",
        "marginal_point",
        "FiniteSizeGap",
        "finite_size_gap",
        "quantile_eigenvalues",
        "SCBAConvergenceError",
        "GHET_TYPE2",
        "ghet_type2",
        "ghet_from_dataset",
        "Type2Spectrum",
        "type2_exponent",
        "type2_from_stresses",
        "type2_power_law",
    ),
    "Inhomogeneous medium (seed 000)": (
        "INHOMOGENEOUS_MEDIUM",
        "INHOMOGENEOUS_MEDIUM_CLOSED_FORM",
        "Medium",
        "MediumParams",
        "ClosedFormParams",
        "build_medium",
        "inhomogeneous_medium_sample",
        "closed_form_dataset",
        "closed_form_dos",
        "gaussian_random_field",
        "layered_conductance",
        "layered_spectrum",
        "current_correlation",
        "medium_current_correlation",
        "ELASTIC_MEDIUM",
        "ElasticMedium",
        "ElasticMediumParams",
        "build_elastic_medium",
        "elastic_medium_sample",
        "lattice_dispersion",
    ),
    "Mock spectra with a known answer": (
        "MockSpectra",
        "mock_glass_spectra",
        "glass_like_mock",
        "box_phonon_levels",
        "goe_unfolded_levels",
        "CurvedSpectrum",
        "GLASS_SPECTRUM",
        "GlassCouplings",
        "coupled_glass_mock",
        "coupling_statistics",
    ),
}

__all__ = [name for names in TOPICS.values() for name in names]
