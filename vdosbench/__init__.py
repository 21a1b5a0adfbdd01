"""vdosbench: datasets, validators and a benchmark for the low-frequency
vibrational density of states of glasses.

The four subpackages follow one dependency direction (``../DESIGN.md``):

- :mod:`vdosbench.datasets` -- the VDOS-1.0 data convention, I/O, mock data;
- :mod:`vdosbench.generators` -- physical models that write datasets, Dask ensembles;
- :mod:`vdosbench.validators` -- measurements on datasets (value + uncertainty);
- :mod:`vdosbench.benchmark` -- claims, scoring, reports and the command line.

generators/ is grouped by model family (``engine``, ``glasses``, ``networks``,
``theory``) and validators/ by what they measure (``results``, ``spectral``,
``levels``, ``structure``); public names are imported from the four packages.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("vdosbench")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
