"""Dimensions whose length (or coordinate) changes across a parameter grid: padded, with each point's length.

A gridded parameter may change the length of a dimension: ``n_sweeps`` the
Monte Carlo records (``mc_record``), ``n_particles`` the ``mode`` and ``site``
dimensions, ``dimension`` the ``spatial`` one, ``n_omega`` the ``omega`` grid.
VDOS-1.0 stores such an ensemble in one dataset by **padding**:

* every variable along a padded dimension D is padded at the end to the
  longest point's length (a point without D gets the variables, all padding), with NaN (floats), −1 (signed integers), ``False``
  (booleans) or ``""`` (strings);
* ``D_length`` (*parameters) holds each point's own length of D;
* D keeps one index coordinate when every point's coordinate is a prefix of
  the longest one (the union, e.g. sweeps 0…50 for the longer run);
  otherwise the points' own coordinates are the coordinate ``D_values``
  (*parameters, D), padded, and D has no index;
* the global attribute ``padded_dims`` lists the padded dimensions.

:func:`vdosbench.datasets.select_point` and ``iter_points`` cut a point back
to its own length and coordinate (:func:`trim`), so a validator never sees
the padding; :func:`vdosbench.datasets.check` checks each point so trimmed.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xarray as xr

__all__ = ["PADDED_ATTR", "padded_dims", "length_variable", "values_variable", "pad_points", "trim"]

#: Global attribute naming the padded dimensions (space separated).
PADDED_ATTR = "padded_dims"
#: Dimensions never padded: parameters and samples index points, pairs are ragged already.
_NEVER = ("sample", "pair")


def length_variable(dim: str) -> str:
    """Name of the variable holding each point's length of ``dim``."""
    return f"{dim}_length"


def values_variable(dim: str) -> str:
    """Name of the coordinate holding each point's own coordinate of ``dim`` (when not a common prefix)."""
    return f"{dim}_values"


def padded_dims(ds: xr.Dataset) -> tuple[str, ...]:
    """The padded dimensions of ``ds`` (attribute ``padded_dims``), empty when none."""
    names = ds.attrs.get(PADDED_ATTR, "")
    return tuple(str(names).split()) if names else ()


def _fill(dtype: np.dtype) -> object:
    if dtype.kind in "fc":
        return np.nan
    if dtype.kind == "i":
        return -1
    if dtype.kind == "u":
        return np.iinfo(dtype).max
    if dtype.kind == "b":
        return False
    if dtype.kind in "USO":
        return ""
    if dtype.kind == "M":
        return np.datetime64("NaT")
    raise TypeError(f"cannot pad a variable of dtype {dtype}; expected numbers, booleans or strings")


def _coord(ds: xr.Dataset, dim: str) -> np.ndarray | None:
    return np.asarray(ds[dim].values) if dim in ds.coords else None


def _is_prefix(short: np.ndarray | None, long: np.ndarray | None, size: int) -> bool:
    if size == 0:  # a point without the dimension (e.g. no stored eigenvector) takes any coordinate
        return True
    if short is None or long is None:
        return short is None and long is None
    return short.size <= long.size and np.array_equal(short, long[: short.size])


def pad_points(points: Sequence[xr.Dataset], fixed: Sequence[str]) -> tuple[list[xr.Dataset], tuple[str, ...]]:
    """Pad the one-point datasets of a grid along every dimension whose length or coordinate differs.

    Parameters
    ----------
    points
        One dataset per grid point (every sample of the point), in grid order.
    fixed
        Dimensions never padded (the parameter names).

    Returns
    -------
    list of xarray.Dataset
        The points, each padded to the common length along the differing
        dimensions and carrying ``D_length`` (and ``D_values`` where the
        coordinates are not prefixes of one another) as scalar / 1-D variables.
    tuple of str
        The padded dimensions (empty when the points already agree).

    Examples
    --------
    >>> a = xr.Dataset({"e": ("mc_record", [1.0, 2.0])}, coords={"mc_record": [0, 10]})
    >>> b = xr.Dataset({"e": ("mc_record", [1.0, 2.0, 3.0])}, coords={"mc_record": [0, 10, 20]})
    >>> (pa, pb), dims = pad_points([a, b], ())
    >>> dims, pa["e"].values.tolist(), int(pa["mc_record_length"]), pa["mc_record"].values.tolist()
    (('mc_record',), [1.0, 2.0, nan], 2, [0, 10, 20])
    """
    candidates = sorted({str(d) for p in points for d in p.dims} - set(fixed) - set(_NEVER))
    padded: list[str] = []
    for dim in candidates:
        sizes = [int(p.sizes.get(dim, 0)) for p in points]
        coords = [_coord(p, dim) for p in points]
        longest = coords[int(np.argmax(sizes))]
        same = len(set(sizes)) == 1 and all(
            (c is None and longest is None) or (c is not None and longest is not None and np.array_equal(c, longest))
            for c in coords
        )
        if not same:
            padded.append(dim)
    if not padded:
        return list(points), ()
    out = list(points)
    for dim in padded:
        sizes = [int(p.sizes.get(dim, 0)) for p in out]
        n_max = max(sizes)
        coords = [_coord(p, dim) for p in out]
        top = out[int(np.argmax(sizes))]
        longest = coords[int(np.argmax(sizes))]
        attrs = dict(top[dim].attrs) if dim in top.coords else {}
        prefix = all(_is_prefix(c, longest, n) for c, n in zip(coords, sizes))
        out = [_pad_one(p, dim, n_max, longest if prefix else None, attrs) for p in out]
    return out, tuple(padded)


def _pad_one(
    ds: xr.Dataset, dim: str, n_max: int, union: np.ndarray | None, union_attrs: dict[str, object]
) -> xr.Dataset:
    n = int(ds.sizes.get(dim, 0))
    own = _coord(ds, dim)
    coord_attrs = dict(ds[dim].attrs) if dim in ds.coords else dict(union_attrs)
    base = ds.drop_vars(dim) if dim in ds.coords else ds
    new: dict[str, xr.Variable] = {}
    for name, var in base.variables.items():
        if dim not in var.dims or n == n_max:
            continue
        axis = var.dims.index(dim)
        widths = [(0, 0)] * var.ndim
        widths[axis] = (0, n_max - n)
        data = np.pad(np.asarray(var.values), widths, constant_values=_fill(var.dtype))
        new[str(name)] = xr.Variable(var.dims, data, var.attrs, var.encoding)
    out = base.assign({k: v for k, v in new.items() if k in base.data_vars})
    out = out.assign_coords({k: v for k, v in new.items() if k in base.coords})
    out[length_variable(dim)] = xr.Variable(
        (), np.int64(n), {"long_name": f"length of {dim} at this parameter point (the rest is padding)", "units": "1"}
    )
    if union is not None:
        out = out.assign_coords({dim: xr.Variable((dim,), union, union_attrs)})
    elif own is not None:
        values = np.pad(own, (0, n_max - n), constant_values=_fill(own.dtype))
        attrs = {**coord_attrs, "long_name": f"{coord_attrs.get('long_name', dim)} (this point's own, padded)"}
        out[values_variable(dim)] = xr.Variable((dim,), values, attrs)  # a coordinate once combined
    return out


def trim(point: xr.Dataset) -> xr.Dataset:
    """Cut a selected point back to its own length and coordinate along each padded dimension.

    A sub-grid (some parameter dimensions kept) is cut to its longest point
    and stays marked as padded while its points still differ.

    Examples
    --------
    >>> a = xr.Dataset({"e": ("mc_record", [1.0, 2.0])}, coords={"mc_record": [0, 10]})
    >>> b = xr.Dataset({"e": ("mc_record", [1.0, 2.0, 3.0])}, coords={"mc_record": [0, 10, 20]})
    >>> (pa, _), dims = pad_points([a, b], ())
    >>> trim(pa.assign_attrs(padded_dims="mc_record"))["e"].values.tolist()
    [1.0, 2.0]
    """
    dims = padded_dims(point)
    if not dims:
        return point
    still: list[str] = []
    for dim in dims:
        name = length_variable(dim)
        if name not in point.variables:
            raise ValueError(
                f"dataset lists {dim!r} in attribute {PADDED_ATTR} but has no variable {name!r} with each "
                "point's length; write ensembles through vdosbench.datasets.combine_parts"
            )
        lengths = np.asarray(point[name].values, dtype=np.int64)
        n = int(lengths.max()) if lengths.size else 0
        point = point.isel({dim: slice(0, n)}, missing_dims="ignore")  # a selection of variables may lack dim
        if lengths.ndim and np.unique(lengths).size > 1:
            still.append(dim)
            continue
        point = point.drop_vars(name)
        if n == 0:  # the point has no such dimension (e.g. no stored eigenvector): drop what padding gave it
            point = point.drop_vars([str(v) for v, var in point.variables.items() if dim in var.dims])
            continue
        values = values_variable(dim)
        if values in point.variables and point[values].dims == (dim,):
            own = point[values]
            attrs = {
                **own.attrs,
                "long_name": str(own.attrs.get("long_name", dim)).removesuffix(" (this point's own, padded)"),
            }
            point = point.drop_vars(values).assign_coords({dim: xr.Variable((dim,), own.values, attrs)})
    attrs = dict(point.attrs)
    if still:
        attrs[PADDED_ATTR] = " ".join(still)
    else:
        attrs.pop(PADDED_ATTR, None)
    point.attrs = attrs
    return point
