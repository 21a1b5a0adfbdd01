"""Imported once by the fork server of :mod:`vdosbench.datasets.isolated`: warms up what every read needs.

xarray imports Dask and its decoders lazily, on the first file it opens (about 1 s); opening one small file
here, in the fork server, means each forked reader starts with them imported.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import xarray as xr

import vdosbench.datasets.io  # noqa: F401  (the readers the children run)


def _warm_up() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "warm.nc"
        ds = xr.Dataset({"x": (("sample", "mode"), np.zeros((2, 3)), {"units": "1"})})
        ds.to_netcdf(path, engine="netcdf4", encoding={"x": {"zlib": True, "chunksizes": (1, 3)}})
        with xr.open_dataset(path, engine="netcdf4") as opened:
            opened.load()
        with xr.open_dataset(path, engine="netcdf4", chunks={}) as opened:
            opened.load()


_warm_up()
