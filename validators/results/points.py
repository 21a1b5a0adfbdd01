"""Parameter points of an ensemble and per-sample access to a point.

Validators measure one parameter point: a dataset whose ``eigenvalue`` has
dims exactly ``('sample', 'mode')``.  :func:`iter_parameter_points` splits an
ensemble over its parameter dimensions (VDOS-1.0: every dimension of
``eigenvalue`` that is not reserved), slicing the ragged pair data (CF
contiguous ragged array, pairs concatenated in C order of ``pair_count``'s
dimensions) to each point.  :func:`point_view` is the border where a validator
takes its one ``ds.vdos`` view; :func:`sample_chunks` and :func:`sample_pairs`
are that view's :meth:`~vdosbench.datasets.VdosAccessor.sample_blocks` and
:meth:`~vdosbench.datasets.VdosAccessor.sample_pairs`.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import xarray as xr

from vdosbench.datasets import iter_points
from vdosbench.datasets.accessor import ParameterPointError, VdosAccessor

__all__ = [
    "ParameterPointError",
    "iter_parameter_points",
    "require_single_point",
    "point_view",
    "sample_pairs",
    "sample_chunks",
]


def _require_eigenvalue(ds: object, validator: str) -> xr.DataArray:
    if not isinstance(ds, xr.Dataset):
        raise TypeError(
            f"{validator} expected an xarray.Dataset, found {type(ds).__name__}; "
            "open the file with vdosbench.datasets.open_dataset"
        )
    if "eigenvalue" not in ds.variables:
        raise ValueError(
            f"{validator} expected a variable 'eigenvalue' (λ = ω², dims (..., 'sample', 'mode')), "
            f"found variables {sorted(map(str, ds.variables))}; store the eigenvalues as ds['eigenvalue']"
        )
    return ds["eigenvalue"]


def require_single_point(ds: xr.Dataset, validator: str = "this validator") -> None:
    """Raise unless ``eigenvalue`` has dims exactly ``('sample', 'mode')`` (``ds.vdos.require_point``).

    Parameters
    ----------
    ds
        A VDOS-1.0 dataset.
    validator
        Name used in the error message.

    Raises
    ------
    ParameterPointError
        If ``ds`` has parameter dimensions.
    ValueError
        If ``eigenvalue`` is missing or its dims are otherwise wrong.

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> require_single_point(mock_spectrum())
    >>> try:
    ...     require_single_point(mock_spectrum(parameters={"delta": [0.0, 0.1]}), "demo")
    ... except ParameterPointError as e:
    ...     print(str(e)[:37])
    demo measures one parameter point: ex
    """
    point_view(ds, validator)


def point_view(ds: xr.Dataset | VdosAccessor, validator: str = "this validator") -> VdosAccessor:
    """The ``ds.vdos`` view of a one-point dataset: the border where a validator reads ``ds`` once.

    A validator that hands a dataset on to another passes this view (or the numbers it read), not
    the dataset: the view keeps what it has read and checked.

    Parameters
    ----------
    ds
        One parameter point, ``eigenvalue`` with dims ``('sample', 'mode')``, or its ``ds.vdos`` view.
    validator
        Name used in the error messages.

    Returns
    -------
    vdosbench.datasets.VdosAccessor
        ``ds.vdos`` (dimension, ω, mode weights, box, units..., each read once).

    Raises
    ------
    TypeError
        If ``ds`` is not an :class:`xarray.Dataset`.
    ParameterPointError, ValueError
        As :func:`require_single_point`.

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> ds = mock_spectrum(n_site=16)
    >>> point_view(ds, "demo").dimension, point_view(ds) is ds.vdos, point_view(ds.vdos) is ds.vdos
    (2, True, True)
    """
    if isinstance(ds, VdosAccessor):
        ds.require_point(validator)
        return ds
    if not isinstance(ds, xr.Dataset):
        raise TypeError(
            f"{validator} expected an xarray.Dataset, found {type(ds).__name__}; "
            "open the file with vdosbench.datasets.open_dataset"
        )
    view = ds.vdos
    view.require_point(validator)
    return view


def iter_parameter_points(ds: xr.Dataset) -> Iterator[tuple[dict[str, Any], xr.Dataset]]:
    """Yield ``(parameter values, one-point dataset)`` for every parameter point.

    Parameters
    ----------
    ds
        A VDOS-1.0 dataset, ``eigenvalue`` with dims ``(*parameters, sample, mode)``.

    Yields
    ------
    params : dict
        Parameter name -> value (Python scalar) of the point; empty when ``ds``
        has no parameter dimensions (then ``ds`` itself is yielded once).
    point : xarray.Dataset
        ``ds`` at that point (parameters kept as scalar coordinates), its pair
        data restricted to the point's pairs.  Points come in C order of the
        parameter dimensions as they appear in ``eigenvalue``.

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> ds = mock_spectrum(parameters={"delta": [0.0, 0.1]}, n_site=4, pairs_per_sample=3)
    >>> [(p, pt.sizes["sample"], pt.sizes["pair"]) for p, pt in iter_parameter_points(ds)]
    [({'delta': 0.0}, 3, 9), ({'delta': 0.1}, 3, 9)]
    """
    ev = _require_eigenvalue(ds, "iter_parameter_points")
    if ev.dims[-2:] != ("sample", "mode"):
        raise ValueError(
            f"eigenvalue has dims {ev.dims}; expected (..., 'sample', 'mode'): transpose so "
            "'sample', 'mode' come last, or add a sample dimension with ds.expand_dims('sample')"
        )
    yield from iter_points(ds)


def sample_pairs(ds: xr.Dataset | VdosAccessor, *variables: str) -> list[tuple[np.ndarray, ...]]:
    """Per-sample arrays of ragged pair variables of a one-point dataset: ``ds.vdos.sample_pairs(*variables)``.

    Parameters
    ----------
    ds
        One parameter point with ``pair_count`` (sample,) and the pair variables (or its ``ds.vdos`` view).
    variables
        Names of pair variables, e.g. ``"pair_i", "pair_j", "pair_stiffness"``.

    Returns
    -------
    list of tuple of numpy.ndarray
        One tuple per sample, one array per requested variable.

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> ds = mock_spectrum(n_sample=2, n_site=4, pairs_per_sample=3)
    >>> [len(i) for i, j in sample_pairs(ds, "pair_i", "pair_j")]
    [3, 3]
    """
    return point_view(ds, "sample_pairs").sample_pairs(*variables)


def sample_chunks(
    ds: xr.Dataset | VdosAccessor,
    variables: Sequence[str] = ("eigenvalue", "zero_mode"),
    *,
    block_values: int | None = None,
) -> Iterator[tuple[slice, xr.Dataset]]:
    """Yield in-memory blocks of consecutive samples of a (possibly Dask-backed) dataset.

    .. deprecated:: 0.1.0
        Use ``ds.vdos.sample_blocks(variables, block_values=...)`` (the same blocks); ``sample_chunks`` will be
        removed in the next release.

    Parameters
    ----------
    ds
        One parameter point (or its ``ds.vdos`` view).
    variables
        Variables to load (those absent are skipped); coordinates and global
        attributes come along.
    block_values
        For a Dask-backed ``eigenvalue``, consecutive sample chunks are merged
        until a block holds about this many eigenvalues (default
        :data:`vdosbench.datasets.accessor.BLOCK_VALUES` = 2²², read at call
        time); an in-memory dataset is one block, the dataset itself.

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> ds = mock_spectrum(n_sample=5).chunk({"sample": 2})
    >>> [sl for sl, _ in ds.vdos.sample_blocks(block_values=40)]  # instead
    [slice(0, 2, None), slice(2, 4, None), slice(4, 5, None)]
    """
    warnings.warn("vdosbench.validators.sample_chunks is deprecated; use ds.vdos.sample_blocks", DeprecationWarning,
                  stacklevel=2)
    view = ds if isinstance(ds, VdosAccessor) else ds.vdos
    return view.sample_blocks(variables, block_values=block_values)
