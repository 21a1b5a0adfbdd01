"""Checksums of a reference dataset: of its file's bytes (:func:`file_sha256`, what a download must match) and of
its content (:func:`content_sha256`, what a rebuild reproduces: everything but the run-specific attributes
:data:`CONTENT_EXCLUDED_ATTRS`).  The catalogue (:mod:`~vdosbench.datasets.catalog`) records both for every entry.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any

import numpy as np
import xarray as xr

from .io import LOAD_COPIES
from .memory import check_memory, netcdf_load_bytes

__all__ = ["CONTENT_EXCLUDED_ATTRS", "content_sha256", "file_sha256"]

#: Global attributes left out of :func:`content_sha256` (they change from run to run).
CONTENT_EXCLUDED_ATTRS = ("history",)


def file_sha256(path: str | os.PathLike[str]) -> str:
    """SHA-256 of a file's bytes (hex), read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _plain(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


def content_sha256(data: xr.Dataset | str | os.PathLike[str]) -> str:
    """SHA-256 of a dataset's content, independent of the run-specific attributes.

    Hashed, in a fixed order: every global attribute except
    :data:`CONTENT_EXCLUDED_ATTRS`; for every variable and coordinate (sorted
    by name) its name, dims, dtype, shape, attributes and values (numbers as
    little-endian bytes, strings as UTF-8).  Two files with equal content
    hashes hold bitwise-identical data and metadata apart from ``history``.

    Parameters
    ----------
    data
        A dataset, or a netCDF file (opened without decoding differences:
        always hash the same way, from the file, to compare files).

    Returns
    -------
    str
        64 hexadecimal digits.

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> a, b = mock_spectrum(), mock_spectrum()
    >>> b.attrs["history"] = "another run"
    >>> content_sha256(a) == content_sha256(b), content_sha256(a) == content_sha256(mock_spectrum(seed=1))
    (True, False)
    """
    if isinstance(data, xr.Dataset):
        ds = data
    else:
        check_memory(
            LOAD_COPIES * (netcdf_load_bytes(data) or 0),
            f"hashing {data} ({LOAD_COPIES} × the sizes its header declares for every variable)",
            "check the file's dimensions (ncdump -h), or hash the file's bytes instead (sha256)",
        )
        with xr.open_dataset(data, engine="netcdf4") as opened:
            ds = opened.load()
    digest = hashlib.sha256()
    attrs = {k: _plain(v) for k, v in sorted(ds.attrs.items()) if k not in CONTENT_EXCLUDED_ATTRS}
    digest.update(json.dumps(attrs, sort_keys=True, default=str).encode())
    for name in sorted(str(n) for n in ds.variables):
        var = ds.variables[name]
        head = {
            "name": name,
            "dims": list(var.dims),
            "dtype": str(var.dtype),
            "shape": list(var.shape),
            "attrs": {k: _plain(v) for k, v in sorted(var.attrs.items())},
        }
        digest.update(json.dumps(head, sort_keys=True, default=str).encode())
        values = np.asarray(var.values)
        if values.dtype.kind in "OUS":
            digest.update("\0".join(str(v) for v in values.ravel()).encode())
        else:
            digest.update(np.ascontiguousarray(values).astype(values.dtype.newbyteorder("<"), copy=False).tobytes())
    return digest.hexdigest()
