"""The storage form of catalogued datasets: eigenvalues float64, eigenvectors float32.

A catalogued file is what its recipe produces with today's generators, and
the generators store eigenvalues, positions and pair data in float64 and the
chosen eigenvectors (the ``vector_mode`` modes) in float32
(:data:`EIGENVECTOR_FLOAT32_COMMENT`).  Ensembles written before that change
(float64 eigenvectors) are brought to the same form by :func:`compact` before
they are hashed and fingerprinted: the eigenvectors are rounded to float32
(normalised within 1e-6, the convention's tolerance), everything else is kept
bit for bit, and ``history`` records the conversion.

Examples
--------
>>> from vdosbench.datasets import mock_spectrum
>>> ds = mock_spectrum(n_site=10, vector_modes=[1, 2])
>>> str(ds["eigenvector"].dtype), str(compact(ds)["eigenvector"].dtype)
('float64', 'float32')
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import xarray as xr

from .io import open_dataset, write

__all__ = ["EIGENVECTOR_FLOAT32_COMMENT", "compact", "compact_file"]

#: The ``comment`` of an eigenvector stored as float32 (generators write it; :func:`compact` adds it).
EIGENVECTOR_FLOAT32_COMMENT = "computed in float64, stored as float32 (orthonormal within 1e-6)"


def compact(ds: xr.Dataset) -> xr.Dataset:
    """``ds`` in the catalogue's storage form (a new dataset; ``ds`` is not changed).

    Parameters
    ----------
    ds
        A VDOS-1.0 dataset.

    Returns
    -------
    xarray.Dataset
        ``ds`` with ``eigenvector`` (when present and wider than float32) cast
        to float32 with the :data:`EIGENVECTOR_FLOAT32_COMMENT` comment; every
        other variable and attribute unchanged.  A dataset already in that
        form is returned as a shallow copy.
    """
    out = ds.copy()
    if "eigenvector" not in ds.variables:
        return out
    vec = ds["eigenvector"]
    if not np.issubdtype(vec.dtype, np.floating):
        raise TypeError(
            f"eigenvector has dtype {vec.dtype}; expected a floating-point array (VDOS-1.0). "
            "Fix: check the file with vdosbench validate"
        )
    if vec.dtype.itemsize > 4:
        out["eigenvector"] = vec.astype(np.float32)
        out["eigenvector"].attrs = {**vec.attrs, "comment": EIGENVECTOR_FLOAT32_COMMENT}
        out["eigenvector"].encoding = {}
        note = "eigenvectors cast to float32 by vdosbench.datasets.compact (the catalogue's storage form)"
        history = str(ds.attrs.get("history", ""))
        out.attrs["history"] = f"{history}\n{note}" if history else note
    return out


def compact_file(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> Path:
    """Write ``source`` (a VDOS-1.0 netCDF file) to ``target`` in the catalogue's storage form.

    The target is written atomically (:func:`vdosbench.datasets.io.write`) and
    must not be the source.

    Parameters
    ----------
    source
        The built ensemble.
    target
        The file to write.

    Returns
    -------
    pathlib.Path
        ``target``.
    """
    source, target = Path(source), Path(target)
    if source.resolve() == target.resolve():
        raise ValueError(f"compact: target {target} is the source; expected another file name")
    with open_dataset(source) as ds:
        return write(compact(ds.load()), target)
