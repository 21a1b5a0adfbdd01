"""The VDOS-1.0 data convention, I/O and mock data (``vdosbench.datasets``).

See :mod:`vdosbench.datasets.convention` for the convention itself and
:mod:`vdosbench.datasets.writer` for the attributes every dataset is written with.  Importing
this package registers the ``ds.vdos`` accessor (:mod:`vdosbench.datasets.accessor`),
one view of a dataset that validators read instead of re-deriving its structure.
"""

from __future__ import annotations

from .accessor import VdosAccessor  # registers ds.vdos
from .catalog import CatalogEntry, Fingerprint, content_sha256, get_entry, list_entries, load_catalog
from .combine import combine_parts
from .convention import CONVENTION, RESERVED_DIMS, ConventionError, Problem, check, parameter_dims, problems
from .errors import VdosbenchError
from .fetch import ChecksumError, FetchError, fetch
from .io import VDOSReadError, open_dataset, open_ensemble, write
from .labels import point_label, value_label
from .memory import MEMORY_LIMIT_ENV, MemoryBoundError, check_memory
from .mock import mock_spectrum
from .point_groups import (
    merge_samples,
    point_group_key,
    point_group_name,
    read_point_group_parts,
    read_point_groups,
    write_point_groups,
)
from .publish import PublishError, publish
from .results_files import write_results
from .select import iter_points, pair_variables, select_point
from .writer import (
    VARIABLE_ATTRS,
    convention_attrs,
    coordinate,
    history_line,
    provenance,
    spatial_coordinate,
    variable_attrs,
)

__all__ = [
    "merge_samples",
    "point_group_key",
    "point_group_name",
    "read_point_group_parts",
    "read_point_groups",
    "write_point_groups",
    "CatalogEntry",
    "ChecksumError",
    "FetchError",
    "Fingerprint",
    "PublishError",
    "content_sha256",
    "fetch",
    "publish",
    "get_entry",
    "list_entries",
    "load_catalog",
    "CONVENTION",
    "RESERVED_DIMS",
    "ConventionError",
    "MEMORY_LIMIT_ENV",
    "MemoryBoundError",
    "Problem",
    "VDOSReadError",
    "VdosbenchError",
    "check",
    "check_memory",
    "combine_parts",
    "convention_attrs",
    # the dataset writer (issue 66 item 4): the convention's attribute table and the provenance stamps
    "VARIABLE_ATTRS",
    "coordinate",
    "history_line",
    "provenance",
    "spatial_coordinate",
    "variable_attrs",
    "iter_points",
    "mock_spectrum",
    "open_dataset",
    "open_ensemble",
    "pair_variables",
    "parameter_dims",
    "point_label",
    "problems",
    "select_point",
    "value_label",
    "VdosAccessor",
    "write",
    # the results writer (issue 66 item 5): strict JSON in one provenance envelope
    "write_results",
]
