"""Combine part files (one per parameters × sample) into one ensemble dataset.

Each part carries its grid parameters as scalar coordinates, named (space
separated) in the attribute ``parameter_names``, and a ``sample`` dimension.
The result has the parameter dimensions first, in the order of
``parameter_names``, then ``sample``; ragged pair data are concatenated
along ``pair`` in C order of ``pair_count``'s dimensions (VDOS-1.0).

A grid parameter that changes the length (or coordinate) of a dimension
(``n_sweeps`` → ``mc_record``, ``n_particles`` → ``mode`` and ``site``,
``dimension`` → ``spatial``) is stored padded along that dimension, with each
point's own length in ``D_length`` (:mod:`vdosbench.datasets.padding`);
selecting a point cuts it back.  Within one parameter point every part has
the same sizes.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import product

import numpy as np
import xarray as xr

from .padding import PADDED_ATTR, pad_points, values_variable

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


def _point_groups(
    parts: Sequence[xr.Dataset], names: tuple[str, ...]
) -> tuple[dict[tuple[object, ...], list[xr.Dataset]], list[list[object]], list[tuple[object, ...]]]:
    """The parts of each parameter point, the sorted axes and the full grid; raise on disagreeing names, a missing
    point or differing system sizes within a point."""
    for p in parts:
        if parameter_names(p) != names:
            raise ValueError(
                f"parts disagree on parameter_names: {names} vs {parameter_names(p)}; "
                "combine parts of one ensemble only"
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
    for key, group in groups.items():
        for dim in ("mode", "site", "spatial", "vector_mode", "mc_record"):
            sizes = {int(p.sizes[dim]) for p in group if dim in p.sizes}
            if len(sizes) > 1:
                raise ValueError(
                    f"the parts of one parameter point {dict(zip(names, key))} differ in the size of {dim!r}: "
                    f"{sorted(sizes)}; the samples of one point must share their system size (make the size a "
                    "grid parameter, or store the ensembles separately)"
                )
    return groups, axes, grid


def _check_pairs_everywhere(points: list[xr.Dataset], names: tuple[str, ...], grid: list[tuple[object, ...]]) -> None:
    """Raise when some parameter points store pair data and others do not."""
    with_pairs = ["pair_count" in p.variables for p in points]
    if any(with_pairs) and not all(with_pairs):
        raise ValueError(
            f"some parameter points store pair data and others do not (e.g. a grid over pair_data); "
            f"points {[dict(zip(names, k)) for k, w in zip(grid, with_pairs) if not w][:3]} have none. Fix: "
            "store pairs at every point (pair_data=True) or at none, or generate the two ensembles separately"
        )


def _grid_of_points(
    dense: list[xr.Dataset],
    names: tuple[str, ...],
    axes: list[list[object]],
    grid: list[tuple[object, ...]],
    parts: Sequence[xr.Dataset],
    padded: Sequence[str],
) -> xr.Dataset:
    """The dense points combined along the parameter dimensions, with the parameters' attributes and padding noted."""
    dense = [d.drop_vars(list(names)).expand_dims({n: [v] for n, v in zip(names, k)}) for d, k in zip(dense, grid)]
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
    if padded:
        out = out.set_coords([values_variable(d) for d in padded if values_variable(d) in out.data_vars])
        out.attrs[PADDED_ATTR] = " ".join(padded)
    return out


def combine_parts(parts: Sequence[xr.Dataset]) -> xr.Dataset:
    """Stack part datasets into one ensemble with parameter dimensions.

    Parameters
    ----------
    parts
        One-or-more-sample datasets that share ``parameter_names``; the parts
        of one parameter point share the sizes of ``mode``, ``site``,
        ``spatial``, ``vector_mode``, ``mc_record`` (across points they may
        differ: the ensemble is then padded, module docstring).

    Returns
    -------
    xarray.Dataset
        Dimensions ``(*parameters, sample, ...)``; attributes that agree across
        parts are kept, the rest dropped.

    Raises
    ------
    ValueError
        If the parts do not fill a full grid, repeat a sample, or differ in
        system size within one parameter point.
    """
    if not parts:
        raise ValueError("no parts to combine: expected at least one dataset")
    names = parameter_names(parts[0])
    groups, axes, grid = _point_groups(parts, names)
    points = [_concat_samples(groups[k]) for k in grid]
    _check_pairs_everywhere(points, names, grid)
    stacked, padded = pad_points(points, names)
    pair_vars = [str(n) for n, v in stacked[0].variables.items() if "pair" in v.dims]
    dense = [s.drop_vars(pair_vars) for s in stacked]
    if names:
        out = _grid_of_points(dense, names, axes, grid, parts, padded)
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
