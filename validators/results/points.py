"""Parameter points of an ensemble and per-sample access to a point.

Validators measure one parameter point: a dataset whose ``eigenvalue`` has
dims exactly ``('sample', 'mode')``.  ``ds.vdos.points()`` splits an
ensemble over its parameter dimensions (VDOS-1.0: every dimension of
``eigenvalue`` that is not reserved), slicing the ragged pair data (CF
contiguous ragged array, pairs concatenated in C order of ``pair_count``'s
dimensions) to each point, and ``ds.vdos.require_point()`` checks that a dataset is one point: the one
spelling of each (issue 66; :func:`iter_parameter_points` and :func:`require_single_point` are deprecated).  :func:`point_view` is the border where a validator
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

from vdosbench.datasets.accessor import ParameterPointError, VdosAccessor

__all__ = [
    "ParameterPointError",
    "iter_parameter_points",
    "require_single_point",
    "point_view",
    "sample_pairs",
    "sample_chunks",
]


def require_single_point(ds: xr.Dataset, validator: str = "this validator") -> None:
    """Deprecated: ``ds.vdos.require_point(validator)``, the one spelling of "check one point" (issue 66).

    Kept for one release; warns (:class:`DeprecationWarning`) and raises as ``ds.vdos.require_point`` does
    (:class:`ParameterPointError` for parameter dimensions, :class:`ValueError` for a missing or misshapen
    ``eigenvalue``; :class:`TypeError` for what is no dataset).

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> mock_spectrum().vdos.require_point("demo")  # instead
    """
    warnings.warn(
        "vdosbench.validators.require_single_point is deprecated; use ds.vdos.require_point",
        DeprecationWarning,
        stacklevel=2,
    )
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
    """Deprecated: ``ds.vdos.points()``, the one spelling of "iterate points" (issue 66).

    Kept for one release; warns (:class:`DeprecationWarning`) when called and yields what ``ds.vdos.points()``
    yields: ``(parameter values, one-point dataset)`` for every parameter point.

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> ds = mock_spectrum(parameters={"delta": [0.0, 0.1]}, n_site=4, pairs_per_sample=3)
    >>> [p for p, _ in ds.vdos.points()]  # instead
    [{'delta': 0.0}, {'delta': 0.1}]
    """
    warnings.warn(
        "vdosbench.validators.iter_parameter_points is deprecated; use ds.vdos.points", DeprecationWarning, stacklevel=2
    )
    if not isinstance(ds, xr.Dataset):
        raise TypeError(
            f"iter_parameter_points expected an xarray.Dataset, found {type(ds).__name__}; "
            "open the file with vdosbench.datasets.open_dataset"
        )
    return ds.vdos.points()


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
    warnings.warn(
        "vdosbench.validators.sample_chunks is deprecated; use ds.vdos.sample_blocks", DeprecationWarning, stacklevel=2
    )
    view = ds if isinstance(ds, VdosAccessor) else ds.vdos
    return view.sample_blocks(variables, block_values=block_values)
