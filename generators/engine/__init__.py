"""The ensemble engine that every model family plugs into.

:mod:`.parameters` (each parameter declared once: name, meaning, units,
default, allowed values), :mod:`.registry` (generators by name),
:mod:`.ensemble_spec` (an ensemble's grid, part files, seeds and the named
recipes' :class:`Recipe`), :mod:`.ensemble` (the runner on Dask: parts,
resuming, combining), :mod:`.ensemble_memory` (memory bounds of a run)
and :mod:`.describe` (what ``vdosbench generate --list`` and ``describe``
print).  One run per output folder is held by
:mod:`vdosbench.datasets.folder_lock`, a dataset-folder concern that
``vdosbench score`` shares.  The engine imports no model family
(``describe`` reads the package's merged recipe table when called); the
families import it.
"""
