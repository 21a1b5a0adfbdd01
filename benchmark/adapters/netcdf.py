"""Adapter ``netcdf``: our own VDOS-1.0 files, read with :func:`vdosbench.datasets.open_dataset`.

Every variable is loaded except ``eigenvector`` (:data:`LAZY_VARIABLES`), which
stays on disk as a Dask array in the file's chunks (one sample each): the
validators that use eigenvectors select one parameter point and read it one
sample at a time, so a large ensemble is scored without holding all its
eigenvectors in memory at once.
"""

from __future__ import annotations

from pathlib import Path

import xarray as xr

from vdosbench.datasets import ConventionError, VDOSReadError, open_dataset

from .base import AdapterError

__all__ = ["LAZY_VARIABLES", "read_netcdf"]

#: Variables left on disk (Dask-backed) when a netCDF input is read: the largest, used by few claims.
LAZY_VARIABLES: tuple[str, ...] = ("eigenvector",)


def read_netcdf(paths: list[Path], *, validate: bool = True) -> xr.Dataset:
    """Open one VDOS-1.0 netCDF-4 file (loaded into memory but for :data:`LAZY_VARIABLES`).

    Parameters
    ----------
    paths
        One file (as :func:`vdosbench.benchmark.adapters.read` passes it).
    validate
        Check the convention (a broken rule raises :class:`AdapterError`).

    Returns
    -------
    xarray.Dataset
        The file's dataset with its own attributes (it is already ours).
    """
    (path,) = paths
    try:
        return open_dataset(path, validate=validate, lazy_variables=LAZY_VARIABLES)
    except VDOSReadError as e:
        raise AdapterError(str(e)) from e
    except ConventionError as e:
        raise AdapterError(f"{path} (format 'netcdf') does not follow VDOS-1.0:\n{e}") from e
