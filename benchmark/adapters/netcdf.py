"""Adapter ``netcdf``: our own VDOS-1.0 files, read with :func:`vdosbench.datasets.open_dataset`."""

from __future__ import annotations

from pathlib import Path

import xarray as xr

from vdosbench.datasets import ConventionError, VDOSReadError, open_dataset

from .base import AdapterError

__all__ = ["read_netcdf"]


def read_netcdf(paths: list[Path], *, validate: bool = True) -> xr.Dataset:
    """Open one VDOS-1.0 netCDF-4 file (loaded into memory).

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
        return open_dataset(path, validate=validate)
    except VDOSReadError as e:
        raise AdapterError(str(e)) from e
    except ConventionError as e:
        raise AdapterError(f"{path} (format 'netcdf') does not follow VDOS-1.0:\n{e}") from e
