"""Combine part files (one per parameters × sample) into one ensemble dataset.

Each part carries its grid parameters as scalar coordinates, named (space
separated) in the attribute ``parameter_names``, and a ``sample`` dimension.
The result has the parameter dimensions first, in the order of
``parameter_names``, then ``sample``; ragged pair data are concatenated
along ``pair`` in C order of ``pair_count``'s dimensions (VDOS-1.0).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import product

import numpy as np
import xarray as xr

__all__ = ["combine_parts", "parameter_names"]


def parameter_names(part: xr.Dataset) -> tuple[str, ...]:
    """The grid parameters of a part (attribute ``parameter_names``)."""
    names = part.attrs.get("parameter_names", "")
    return tuple(str(names).split()) if names else ()


def _key(part: xr.Dataset, names: Sequence[str]) -> tuple[object, ...]:
    missing = [n for n in names if n not in part.coords]
    if missing:
        raise ValueError(
            f"part lacks scalar coordinate(s) {missing} named in parameter_names={names}: "
            "write parts through vdosbench.generators.run_ensemble"
        )
    return tuple(part[n].values.item() for n in names)


def _order(values: list[object]) -> list[object]:
    unique = list(dict.fromkeys(values))
    try:
        return sorted(unique)  # numbers ascend, strings alphabetically
    except TypeError:
        return unique


def combine_parts(parts: Sequence[xr.Dataset]) -> xr.Dataset:
    """Stack part datasets into one ensemble with parameter dimensions.

    Parameters
    ----------
    parts
        One-or-more-sample datasets that share ``parameter_names`` and the
        sizes of ``mode``, ``site``, ``spatial``, ``vector_mode``.

    Returns
    -------
    xarray.Dataset
        Dimensions ``(*parameters, sample, ...)``; attributes that agree across
        parts are kept, the rest dropped.

    Raises
    ------
    ValueError
        If the parts do not fill a full grid, repeat a sample, or differ in
        system size.
    """
    if not parts:
        raise ValueError("no parts to combine: expected at least one dataset")
    names = parameter_names(parts[0])
    for p in parts:
        if parameter_names(p) != names:
            raise ValueError(
                f"parts disagree on parameter_names: {names} vs {parameter_names(p)}; "
                "combine parts of one ensemble only"
            )
    for dim in ("mode", "site", "spatial", "vector_mode"):
        sizes = {int(p.sizes[dim]) for p in parts if dim in p.sizes}
        if len(sizes) > 1:
            raise ValueError(
                f"parts differ in the size of {dim!r}: {sorted(sizes)}; store ensembles of "
                "different system sizes as separate datasets"
            )
    groups: dict[tuple[object, ...], list[xr.Dataset]] = {}
    for p in parts:
        groups.setdefault(_key(p, names), []).append(p)
    axes = [_order([k[i] for k in groups]) for i in range(len(names))]
    grid = list(product(*axes))
    missing = [k for k in grid if k not in groups]
    if missing:
        raise ValueError(
            f"parts do not fill the parameter grid {dict(zip(names, axes))}: missing {missing[:5]}"
            f"{' ...' if len(missing) > 5 else ''}; finish the ensemble (re-run it) first"
        )
    stacked = [_concat_samples(groups[k]) for k in grid]
    pair_vars = [str(n) for n, v in stacked[0].variables.items() if "pair" in v.dims]
    dense = [s.drop_vars(pair_vars) for s in stacked]
    if names:
        dense = [
            d.drop_vars(list(names)).expand_dims({n: [v] for n, v in zip(names, k)})
            for d, k in zip(dense, grid)
        ]
        nested = np.empty(tuple(len(a) for a in axes), dtype=object)
        for idx, d in zip(product(*(range(len(a)) for a in axes)), dense):
            nested[idx] = d
        out = xr.combine_nested(
            nested.tolist(),
            concat_dim=list(names),
            data_vars="all",
            coords="different",
            compat="equals",
            join="exact",
            combine_attrs="drop_conflicts",
        )
        for n in names:
            out[n].attrs = dict(parts[0][n].attrs)
        out.attrs["parameter_names"] = " ".join(names)
    else:
        out = dense[0]
    if pair_vars:
        out = out.assign(_concat_pairs(stacked, pair_vars))
    order = [*names, "sample"]
    return out.transpose(*order, ...)


def _concat_samples(group: list[xr.Dataset]) -> xr.Dataset:
    group = sorted(group, key=lambda p: tuple(np.atleast_1d(p["sample"].values)))
    samples = np.concatenate([np.atleast_1d(p["sample"].values) for p in group])
    if len(set(samples.tolist())) != samples.size:
        raise ValueError(f"sample indices repeat within one parameter point: {samples.tolist()}")
    if len(group) == 1:
        return group[0]
    pair_vars = [str(n) for n, v in group[0].variables.items() if "pair" in v.dims]
    dense = xr.concat(
        [p.drop_vars(pair_vars) for p in group],
        dim="sample",
        data_vars="minimal",
        coords="minimal",
        compat="override",
        combine_attrs="drop_conflicts",
    )
    if pair_vars:
        dense = dense.assign(_concat_pairs(group, pair_vars))
    return dense


def _concat_pairs(datasets: Sequence[xr.Dataset], pair_vars: list[str]) -> dict[str, xr.DataArray]:
    """Concatenate the ragged pair variables of ``datasets`` along ``pair``, in order."""
    pairs = xr.concat(
        [d[pair_vars] for d in datasets],
        dim="pair",
        data_vars="all",
        coords="minimal",
        compat="override",
        combine_attrs="override",
    )
    return {v: pairs[v] for v in pair_vars}
