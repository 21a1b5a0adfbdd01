"""Parameter points kept as the groups of one netCDF file, without their per-site arrays.

A study that keeps many points of lowest modes (the finite-size ladder, the
confirmatory sets of issue 51) needs, to redo every number, only eigenvalues,
mode measures, moduli and the box; positions and other per-site arrays are the
bulk of a part file.  :func:`write_point_groups` writes each point as one
group with its per-site variables (and any named extra variables) dropped and
the particle count kept as the attribute ``n_particles`` (which
``ds.vdos.n_site`` reads), atomically (a temporary file renamed into place);
:func:`read_point_groups` reads them back; :func:`merge_samples` extends a
point with new samples (a sample index names the same sample wherever it was
computed: its seed depends on the index only).  The glass studies name a point's group after its particle
count, taper order and parent temperature (:func:`point_group_name`, read back by :func:`point_group_key`).

Examples
--------
>>> import tempfile, pathlib
>>> ds = xr.Dataset({"eigenvalue": (("sample", "mode"), [[0.0, 1.0]]), "position": (("sample", "site"), [[0.0, 1.0]])},
...                 coords={"sample": [0]})
>>> path = pathlib.Path(tempfile.mkdtemp()) / "points.nc"
>>> _ = write_point_groups({"m2_tinf": ds}, path)
>>> back = read_point_groups(path)["m2_tinf"]
>>> sorted(back.data_vars), int(back.attrs["n_particles"])
(['eigenvalue'], 2)
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import xarray as xr

__all__ = [
    "merge_samples",
    "point_group_key",
    "point_group_name",
    "read_point_group_parts",
    "read_point_groups",
    "write_point_groups",
]


def write_point_groups(
    points: Mapping[str, xr.Dataset], path: str | os.PathLike[str], drop: Iterable[str] = ()
) -> Path:
    """Write each point (group name → one-point dataset) as a netCDF group, per-site arrays and ``drop`` left out.

    The particle count is kept as ``n_particles`` (from the ``site`` length, or the point's own attribute).
    The file is written under a temporary name and renamed into place, so no half-written file is left under
    ``path``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.unlink(missing_ok=True)
    try:
        for name, ds in sorted(points.items()):
            n = int(ds.sizes["site"]) if "site" in ds.sizes else ds.attrs.get("n_particles")
            if n is None:
                raise ValueError(
                    f"point {name!r} has neither a 'site' dimension nor an n_particles attribute; "
                    "expected one of them (the particle count is kept as n_particles)"
                )
            small = ds.drop_vars([v for v in drop if v in ds.variables]).drop_dims("site", errors="ignore")
            small.assign_attrs(n_particles=int(n)).to_netcdf(tmp, group=name, mode="a" if tmp.exists() else "w")
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def read_point_groups(path: str | os.PathLike[str]) -> dict[str, xr.Dataset]:
    """The points of :func:`write_point_groups`'s file, by group name, loaded into memory.

    The file is opened once and each group read from that handle (opening the file anew for each group, as
    ``xr.open_dataset(path, group=g)`` does, parsed every group's metadata again each time: 10 s against 1.2 s of
    CPU for the 32 points of ``studies/results/finite_size_modes.nc``).
    """
    import netCDF4

    out = {}
    with netCDF4.Dataset(path) as f:
        for g in f.groups:
            # the store wraps the open handle; it is not closed here (that would close the file) but with it
            ds = xr.open_dataset(xr.backends.NetCDF4DataStore(f, group=g)).load()
            ds.encoding["source"] = os.fspath(path)
            out[g] = ds
    return out


def read_point_group_parts(source: str | os.PathLike[str]) -> dict[str, xr.Dataset]:
    """The points of one file of :func:`write_point_groups`, or of a folder of such files (its ``*.nc``, in name
    order) joined sample by sample: a results set landed as append-only parts, one file a finished piece, so that
    landing a piece adds its file and rewrites none (issue 66 item 7).

    Raises
    ------
    FileNotFoundError
        If ``source`` does not exist, or a folder holds no ``*.nc``.
    ValueError
        If two parts hold the same sample of a point (a piece landed twice under two names).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> for first in (0, 2):
    ...     ds = xr.Dataset({"eigenvalue": (("sample", "mode"), [[1.0], [2.0]])}, coords={"sample": [first, first + 1]},
    ...                     attrs={"n_particles": 8})
    ...     _ = write_point_groups({"n8_m2_t1": ds}, folder / f"from{first}.nc")
    >>> read_point_group_parts(folder)["n8_m2_t1"]["sample"].values.tolist()
    [0, 1, 2, 3]
    """
    source = Path(source)
    if not source.exists():
        raise FileNotFoundError(f"{source} not found: expected a point-group file or a folder of them")
    if source.is_file():
        return read_point_groups(source)
    files = sorted(source.glob("*.nc"))
    if not files:
        raise FileNotFoundError(f"{source} holds no *.nc part; expected the landed parts of a results set")
    pieces: dict[str, list[tuple[Path, xr.Dataset]]] = {}
    for f in files:
        for name, ds in read_point_groups(f).items():
            pieces.setdefault(name, []).append((f, ds))
    out = {}
    for name, parts in pieces.items():
        seen: dict[int, Path] = {}
        for f, ds in parts:
            for k in ds["sample"].values.tolist():
                if k in seen:
                    raise ValueError(
                        f"sample {k} of {name} is in both {seen[k].name} and {f.name}; expected each "
                        "sample in one part. Fix: remove the part landed twice"
                    )
                seen[k] = f
        if len(parts) == 1:
            out[name] = parts[0][1]
            continue
        shared = set.intersection(*(set(ds.data_vars) for _, ds in parts))
        joined = xr.concat(
            [ds[sorted(shared)] for _, ds in parts],
            "sample",
            data_vars="minimal",
            coords="minimal",
            compat="override",
            combine_attrs="override",
        )
        out[name] = joined.sortby("sample").assign_attrs(parts[-1][1].attrs)
    return out


def merge_samples(old: xr.Dataset | None, new: xr.Dataset) -> xr.Dataset:
    """``old`` extended by ``new``'s samples; a sample in both is taken from ``new``; sorted by sample.

    Only variables both hold are kept (a per-site variable that one side lacks is dropped).
    """
    if old is None:
        return new.sortby("sample")
    keep = old.sel(sample=~np.isin(old["sample"].values, new["sample"].values))
    if keep.sizes["sample"] == 0:
        return new.sortby("sample")
    shared = [v for v in new.data_vars if v in keep.data_vars]
    merged = xr.concat(
        [keep[shared], new[shared]],
        "sample",
        data_vars="minimal",
        coords="minimal",
        compat="override",
        combine_attrs="override",
    )
    return merged.sortby("sample").assign_attrs(new.attrs)


_POINT_GROUP = re.compile(r"n(\d+)_m(inf|\d+)_t(.+)")


def point_group_name(n_particles: int, taper_order: int, parent_temperature: float) -> str:
    """The group of a glass point: ``n{N}_m{m}_t{T*}``, m = ∞ (``taper_order`` −1) and T* = ∞ spelt ``inf``.

    Examples
    --------
    >>> point_group_name(1000, 2, 1.0), point_group_name(2000, -1, math.inf), point_group_name(1000, 2, 0.144)
    ('n1000_m2_t1', 'n2000_minf_tinf', 'n1000_m2_t0.144')
    """
    taper = "inf" if int(taper_order) == -1 else str(int(taper_order))
    tstar = "inf" if math.isinf(parent_temperature) else f"{float(parent_temperature):g}"
    return f"n{int(n_particles)}_m{taper}_t{tstar}"


def point_group_key(name: str) -> tuple[int, int, float]:
    """(N, taper order, T*) of a group named by :func:`point_group_name` (m = ∞ as −1).

    Raises
    ------
    ValueError
        ``name`` is not of the form ``n{N}_m{m}_t{T*}``.

    Examples
    --------
    >>> point_group_key("n2000_minf_tinf"), point_group_key("n1000_m2_t0.144")
    ((2000, -1, inf), (1000, 2, 0.144))
    """
    m = _POINT_GROUP.fullmatch(name)
    if m is None:
        raise ValueError(
            f"point group {name!r}: expected a name n{{N}}_m{{m}}_t{{T*}}, e.g. n1000_m2_t1 or "
            "n2000_minf_tinf (vdosbench.datasets.point_group_name)"
        )
    try:
        tstar = float(m.group(3))
    except ValueError:
        raise ValueError(
            f"point group {name!r}: T* {m.group(3)!r} is not a number; expected e.g. n1000_m2_t0.144"
        ) from None
    return int(m.group(1)), -1 if m.group(2) == "inf" else int(m.group(2)), tstar
