"""The installed package version (its own module, so that vdosbench.datasets can read it
without importing the top package that imports vdosbench.datasets)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("vdosbench")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
