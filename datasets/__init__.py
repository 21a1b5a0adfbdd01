"""The VDOS-1.0 data convention, I/O and mock data (``vdosbench.datasets``).

See :mod:`vdosbench.datasets.convention` for the convention itself.
"""

from __future__ import annotations

from .combine import combine_parts
from .convention import CONVENTION, RESERVED_DIMS, ConventionError, Problem, check, parameter_dims, problems
from .io import VDOSReadError, open_dataset, open_ensemble, write
from .mock import convention_attrs, mock_spectrum

__all__ = [
    "CONVENTION",
    "RESERVED_DIMS",
    "ConventionError",
    "Problem",
    "VDOSReadError",
    "check",
    "combine_parts",
    "convention_attrs",
    "mock_spectrum",
    "open_dataset",
    "open_ensemble",
    "parameter_dims",
    "problems",
    "write",
]
