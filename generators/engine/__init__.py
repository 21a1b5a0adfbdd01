"""The ensemble engine that every model family plugs into.

:mod:`.parameters` (each parameter declared once: name, meaning, units,
default, allowed values), :mod:`.registry` (generators by name),
:mod:`.ensemble_spec` (an ensemble's grid, part files, seeds and the named
recipes' :class:`Recipe`), :mod:`.ensemble` (the runner on Dask: parts,
resuming, combining), :mod:`.ensemble_memory` (memory bounds of a run),
:mod:`.folder_lock` (one run per output folder) and :mod:`.describe` (what
``vdosbench generate --list`` and ``describe`` print).  The engine imports
no model family (``describe`` reads the package's merged recipe table when
called); the families import it.
"""
