"""Where the reference ensemble of ``vdosbench score DATA --reference NAME`` comes from.

:func:`resolve_reference` turns ``NAME`` into a verified local file: a
catalogue entry (:mod:`vdosbench.datasets.catalog`) through
:func:`vdosbench.datasets.fetch.fetch` — the full set in a clone's
``reference-data/`` after its SHA-256 is checked, else a cached full set, else the entry's scoring form
(:mod:`vdosbench.benchmark.scoring_form`: what scoring reads; the copy in a
clone's ``reference-data/`` folder after its SHA-256 is checked, with no
network, else the cached or downloaded one), else the full set's download
(only ever with the catalogued hash, when the entry has URLs) — or a path to a VDOS-1.0 netCDF file (or a
folder holding ``ensemble.nc``, as ``vdosbench build`` writes).  A catalogue
name wins over a file of the same name.  :func:`open_reference` reads it.

The comparison itself is :mod:`vdosbench.benchmark.reference`, which
re-exports every name here (``from vdosbench.benchmark.reference import
resolve_reference`` keeps working).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xarray as xr

from vdosbench.datasets import open_dataset
from vdosbench.datasets.catalog import entry_names, file_sha256, get_entry
from vdosbench.datasets.errors import VdosbenchError
from vdosbench.datasets.fetch import ChecksumError, FetchError, fetch, origin

__all__ = [
    "ReferenceInputError",
    "ReferenceSource",
    "ReferenceUnavailableError",
    "open_reference",
    "resolve_reference",
]


class ReferenceInputError(VdosbenchError, ValueError):
    """``--reference`` names neither a catalogued dataset nor a file (exit status 2)."""


class ReferenceUnavailableError(FetchError):
    """A catalogued reference is not on this machine and cannot be fetched (names the fix)."""


@dataclass(frozen=True)
class ReferenceSource:
    """Where the reference came from.

    Attributes
    ----------
    name
        The catalogue name, or the file's stem for a path.
    path
        The local file (verified against the catalogue's SHA-256 for a catalogue entry).
    sha256
        SHA-256 of the file.
    origin
        ``"catalogue (full set, repository)"``, ``"catalogue (cache)"``, ``"catalogue (scoring form, repository)"``,
        ``"catalogue (scoring form, cache)"`` (:func:`vdosbench.datasets.fetch.origin`) or ``"file"``.
    """

    name: str
    path: Path
    sha256: str
    origin: str

    def to_json_dict(self) -> dict[str, Any]:
        """JSON-able dict."""
        return {"name": self.name, "path": str(self.path), "sha256": self.sha256, "origin": self.origin}


def resolve_reference(
    name: str | os.PathLike[str], *, cache_dir: str | os.PathLike[str] | None = None
) -> ReferenceSource:
    """A verified local file for ``--reference NAME``.

    Parameters
    ----------
    name
        A catalogue name (``vdosbench list``), a netCDF file, or a folder holding ``ensemble.nc``.
    cache_dir
        Download cache (default ``$VDOSBENCH_CACHE`` or the OS cache).

    Returns
    -------
    ReferenceSource

    Raises
    ------
    ReferenceInputError
        ``name`` is neither catalogued nor an existing file (names ``vdosbench list``).
    ReferenceUnavailableError
        A catalogued entry with no verified copy here that cannot be fetched
        (names ``vdosbench fetch NAME`` and ``vdosbench build NAME``).
    vdosbench.datasets.ChecksumError
        The repository's or a downloaded copy with the wrong SHA-256.

    Examples
    --------
    >>> src = resolve_reference("spring-network-16")   # in a clone
    >>> src.origin, src.path.name
    ('catalogue (full set, repository)', 'spring-network-16-full.nc')
    >>> resolve_reference("no-such-reference")
    Traceback (most recent call last):
    ...
    vdosbench.benchmark.reference_source.ReferenceInputError: unknown reference 'no-such-reference': ...
    """
    text = os.fspath(name)
    names = entry_names()
    if text in names:
        entry = get_entry(text)
        try:
            path = fetch(entry, cache_dir=cache_dir)
        except ChecksumError:
            raise
        except FetchError as e:
            raise ReferenceUnavailableError(
                f"reference {text!r} is not available on this machine ({e}). Fix: `vdosbench fetch {text}` "
                f"(download, verified by its SHA-256), or `vdosbench build {text} --output DIR` and then "
                f"`--reference DIR/ensemble.nc`"
            ) from e
        where = origin(entry, path)
        sha = entry.scoring_form.sha256 if where.startswith("scoring form") and entry.scoring_form else entry.sha256
        return ReferenceSource(text, path, sha, f"catalogue ({where})")
    path = Path(text)
    if path.is_dir():
        path = path / "ensemble.nc"
    if path.is_file():
        stem = path.stem if path.stem != "ensemble" else path.parent.name
        return ReferenceSource(stem, path, file_sha256(path), "file")
    raise ReferenceInputError(
        f"unknown reference {text!r}: not a catalogued dataset and no file at {path}. "
        f"Catalogued references are {names} (`vdosbench list` describes them); or pass a VDOS-1.0 netCDF file"
    )


def open_reference(source: ReferenceSource) -> xr.Dataset:
    """The reference dataset in memory, checked against VDOS-1.0.

    Raises
    ------
    vdosbench.datasets.VDOSReadError
        Not a netCDF-4 file.
    vdosbench.datasets.ConventionError
        A netCDF file that breaks the convention.
    """
    return open_dataset(source.path)
