"""vdosbench: datasets, validators and a benchmark for the low-frequency
vibrational density of states of glasses.

The four subpackages follow one dependency direction (``docs/design.md``):

- :mod:`vdosbench.datasets` -- the VDOS-1.0 data convention, I/O, mock data;
- :mod:`vdosbench.generators` -- physical models that write datasets, Dask ensembles;
- :mod:`vdosbench.validators` -- measurements on datasets (value + uncertainty);
- :mod:`vdosbench.benchmark` -- claims, scoring, reports;

and :mod:`vdosbench.cli`, the command line, on top of all four.

generators/ is grouped by model family (``engine``, ``glasses``, ``networks``,
``theory``) and validators/ by what they measure (``results``, ``spectral``,
``levels``, ``structure``); public names are imported from the four packages.
Importing :mod:`vdosbench` registers the ``ds.vdos`` dataset accessor
(:mod:`vdosbench.datasets.accessor`).  Every error vdosbench raises on purpose is a
:class:`VdosbenchError` (:mod:`vdosbench.datasets.errors`).
"""

from __future__ import annotations

from pathlib import Path

from vdosbench import _source_tree

# a clone's vdosbench/ folder (first on sys.path from the clone's root, even when a wheel is installed) finds
# its subpackages in the clone's top-level folders; an installed copy has no pyproject.toml beside it
_source_tree.install(Path(__file__).resolve().parent)

from vdosbench import datasets as _datasets  # noqa: E402,F401 - registers the ds.vdos accessor
from vdosbench._version import __version__  # noqa: E402
from vdosbench.datasets.errors import VdosbenchError  # noqa: E402

__all__ = ["VdosbenchError", "__version__"]
