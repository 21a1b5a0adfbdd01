"""The VDOS-1.0 data convention, I/O and mock data (``vdosbench.datasets``).

See :mod:`vdosbench.datasets.convention` for the convention itself and
:mod:`vdosbench.datasets.writer` for the attributes every dataset is written with.  Importing
this package registers the ``ds.vdos`` accessor (:mod:`vdosbench.datasets.accessor`),
one view of a dataset that validators read instead of re-deriving its structure.
"""

from __future__ import annotations

from .accessor import VdosAccessor  # registers ds.vdos
from .catalog import content_sha256, get_entry, list_entries, load_catalog
from .catalog_entries import CatalogEntry, Fingerprint
from .combine import combine_parts
from .convention import CONVENTION, RESERVED_DIMS, ConventionError, Problem, check, parameter_dims, problems
from .errors import VdosbenchError
from .fetch import ChecksumError, FetchError, fetch
from .folder_lock import LOCK_NAME, FolderBusyError
from .io import (
    LOAD_COPIES,
    DiskFullError,
    VDOSReadError,
    open_dataset,
    open_ensemble,
    open_part,
    part_load_bytes,
    remove_unfinished_writes,
    write,
)
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

#: The public names by topic (the order of the API page, docs/api/datasets.md); ``__all__`` is their union.
TOPICS: dict[str, tuple[str, ...]] = {
    "The convention (VDOS-1.0)": (
        "CONVENTION",
        "RESERVED_DIMS",
        "check",
        "problems",
        "Problem",
        "ConventionError",
        "parameter_dims",
    ),
    "The dataset's view": ("VdosAccessor",),
    "Reading and writing": (
        "open_dataset",
        "open_ensemble",
        "write",
        "VDOSReadError",
        "DiskFullError",
        "MEMORY_LIMIT_ENV",
        "LOAD_COPIES",
        "MemoryBoundError",
        "check_memory",
        "combine_parts",
        "open_part",
        "part_load_bytes",
        "remove_unfinished_writes",
    ),
    "The dataset writer": (
        "convention_attrs",
        "VARIABLE_ATTRS",
        "coordinate",
        "spatial_coordinate",
        "variable_attrs",
        "history_line",
        "provenance",
    ),
    "Parameter points": ("select_point", "iter_points", "pair_variables", "point_label", "value_label"),
    "Point groups and append-only parts": (
        "point_group_key",
        "point_group_name",
        "read_point_groups",
        "write_point_groups",
        "read_point_group_parts",
        "merge_samples",
    ),
    "The catalogue": (
        "load_catalog",
        "list_entries",
        "get_entry",
        "CatalogEntry",
        "Fingerprint",
        "content_sha256",
        "fetch",
        "FetchError",
        "ChecksumError",
        "publish",
        "PublishError",
    ),
    # the context manager folder_lock stays off the face: the name would hide the submodule folder_lock
    # (``import vdosbench.datasets.folder_lock as m`` and monkeypatch by dotted path would get the function)
    "One run per output folder": ("LOCK_NAME", "FolderBusyError"),
    "Results files": ("write_results",),
    "Mock data": ("mock_spectrum",),
    "Errors": ("VdosbenchError",),
}

__all__ = [name for names in TOPICS.values() for name in names]
