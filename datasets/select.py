"""Select parameter points of an ensemble, slicing the ragged pair arrays with them.

``ds.sel(delta=0.1)`` on a VDOS-1.0 ensemble selects ``pair_count`` but keeps
*every* pair along the ragged ``pair`` dimension; a measurement that reads the
pairs would then use another point's pairs.  :func:`select_point` and
:func:`iter_points` cut the pairs that belong to the selected point.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from itertools import product
from typing import Any

import numpy as np
import xarray as xr

from .convention import parameter_dims
from .padding import trim

__all__ = ["select_point", "iter_points", "pair_variables"]


def pair_variables(ds: xr.Dataset) -> list[str]:
    """Names of the variables along the ragged ``pair`` dimension."""
    return [str(n) for n, v in ds.variables.items() if "pair" in v.dims]


def _index(ds: xr.Dataset, dim: str, value: Any) -> int:
    values = ds[dim].values
    if values.dtype.kind in "fc":
        hits = np.flatnonzero(np.isclose(values, float(value), rtol=0.0, atol=1e-12))
    else:
        hits = np.flatnonzero(values == value)
    if hits.size != 1:
        raise KeyError(f"{dim} = {value!r} is not in the dataset; its values are {values.tolist()}")
    return int(hits[0])


def select_point(ds: xr.Dataset, values: Mapping[str, Any], *, keep: tuple[str, ...] = ()) -> xr.Dataset:
    """``ds`` at one parameter point (labels as for ``ds.sel``), pairs included.

    Parameters
    ----------
    ds
        A VDOS-1.0 dataset with parameter dimensions.
    values
        A value for every parameter dimension not in ``keep``, e.g.
        ``{"delta": 0.1, "spring": "constant"}``.
    keep
        Parameter dimensions to keep whole (a sub-grid, e.g. every ``k_G`` of
        one variant); their pairs stay in C order of the remaining dimensions.

    Returns
    -------
    xarray.Dataset
        The point (or sub-grid), selected parameters kept as scalar
        coordinates, ragged pairs cut to the selection's own pairs, and
        dimensions padded across the grid cut back to the point's own length
        (:mod:`vdosbench.datasets.padding`).

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> ds = mock_spectrum(parameters={"delta": [0.0, 0.1]}, n_site=4, pairs_per_sample=3)
    >>> point = select_point(ds, {"delta": 0.1})
    >>> point.sizes["pair"], int(point["pair_count"].sum())
    (9, 9)
    """
    pdims = parameter_dims(ds)
    wanted = [d for d in pdims if d not in keep]
    missing = [d for d in wanted if d not in values]
    unknown = [k for k in values if k not in pdims or k in keep]
    if missing or unknown:
        raise KeyError(
            f"a point needs a value for each parameter dimension {wanted}; missing {missing}, unknown {unknown}"
        )
    index = {d: _index(ds, d, values[d]) for d in wanted}
    pairs = pair_variables(ds)
    point = (ds.drop_vars(pairs) if pairs else ds).isel(index)
    if pairs:
        if "pair_count" not in ds.variables:
            raise ValueError(
                f"variables {pairs} have a 'pair' dimension but there is no pair_count; "
                "store pair_count (..., sample) (VDOS-1.0 ragged pairs)"
            )
        count = ds["pair_count"]
        flat = np.asarray(count.values, dtype=np.int64)
        offsets = (np.cumsum(flat.ravel()) - flat.ravel()).reshape(flat.shape)
        position = tuple(index[d] if d in index else slice(None) for d in count.dims)
        starts, sizes = offsets[position].ravel(), flat[position].ravel()
        taken = np.concatenate([np.arange(a, a + n) for a, n in zip(starts, sizes)]) if sizes.size else np.zeros(0, int)
        point = point.assign({v: ds[v].isel(pair=taken) for v in pairs})
    return trim(point)


def iter_points(ds: xr.Dataset) -> Iterator[tuple[dict[str, Any], xr.Dataset]]:
    """Every parameter point as ``(values, select_point(ds, values))``, in C order.

    A dataset without parameter dimensions is yielded once, with ``{}``.
    """
    pdims = parameter_dims(ds)
    if not pdims:
        yield {}, ds
        return
    for combo in product(*(ds[d].values.tolist() for d in pdims)):
        values = dict(zip(pdims, combo))
        yield values, select_point(ds, values)
