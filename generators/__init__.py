"""Physical models that produce VDOS-1.0 datasets (``vdosbench.generators``).

Importing the package registers the generators (``spring_network``); run any
of them over a parameter grid × samples with :func:`run_ensemble`.
"""

from __future__ import annotations

from .registry import Generator, SampleFunction, generator_names, get_generator, register
from .spectra import (
    connected_component_count,
    default_vector_modes,
    full_spectrum,
    laplacian_zero_modes,
)
from .spring_network import (
    SPRING_NETWORK,
    SpringNetwork,
    SpringNetworkParams,
    build_spring_network,
    spring_hessian,
    spring_network_sample,
)
from .nine_node_toy import local_response, nine_node_hessians, nine_node_toy
from .ensemble import (
    RUN_SPECIFIC_ATTRS,
    SEED_SCHEME,
    EnsembleError,
    EnsembleSettingsError,
    EnsembleSpec,
    EnsembleStatus,
    PartFailure,
    ensemble_status,
    part_name,
    run_ensemble,
    sample_seed,
)

__all__ = [
    "Generator",
    "SPRING_NETWORK",
    "SampleFunction",
    "SpringNetwork",
    "SpringNetworkParams",
    "build_spring_network",
    "connected_component_count",
    "default_vector_modes",
    "full_spectrum",
    "generator_names",
    "get_generator",
    "laplacian_zero_modes",
    "local_response",
    "nine_node_hessians",
    "nine_node_toy",
    "register",
    "spring_hessian",
    "spring_network_sample",
    # ensemble runner (generators/ensemble.py)
    "EnsembleError",
    "EnsembleSettingsError",
    "EnsembleSpec",
    "EnsembleStatus",
    "PartFailure",
    "RUN_SPECIFIC_ATTRS",
    "SEED_SCHEME",
    "ensemble_status",
    "part_name",
    "run_ensemble",
    "sample_seed",
]
