"""One view of a VDOS-1.0 dataset: the ``ds.vdos`` accessor.

xarray's own way to give a Dataset domain knowledge is an accessor (as
cf_xarray's ``ds.cf``, rioxarray's ``ds.rio``): importing
:mod:`vdosbench` (or :mod:`vdosbench.datasets`) registers ``ds.vdos``, a
:class:`VdosAccessor` that reads once what the validators need and keeps it:

========================  ==========================================================
``dimension``             d, the attribute ``spatial_dimension`` (1, 2 or 3)
``site_degrees_of_freedom``  attribute ``site_degrees_of_freedom`` (default d)
``parameter_dims``        the parameter dimensions of ``eigenvalue`` (VDOS-1.0)
``zero_mode``, ``omega``  the zero-mode flags and ω = √λ (NaN for zero modes)
``mode_total``            modes of one sample's full spectrum (normalisation)
``n_nonzero``             non-zero modes of each sample's full spectrum
``mode_weight``           the weight 1/n_nonzero of each non-zero mode in g and F
``box_volume``            V of each sample's periodic box; ``longest_edge``
``number_density``        n = n_site / V
``omega_units``, ``units``  units of ω and of every variable
``position``              ``position`` as (sample, site, spatial)
``shear_speed``           c_T = √(G/ρ) per sample from a stored ``shear_modulus``
``omega0``, ``omega_g``   ω₀ = 2π c_T / L and ω_g = ω₀ N^(1/d)/(2π) per sample
``chain_groups``          the ``chain`` label of each sample (correlated samples)
``sample_blocks()``       in-memory blocks of consecutive samples (Dask-backed data)
``sample_pairs()``        each sample's slice of the ragged pair variables
``derived()``             a value a validator computes from the dataset, kept here
``has()``, ``dataset``    whether variables are stored; the Dataset itself
``points()``, ``check()``  the parameter points; the convention check
========================  ==========================================================

Zero modes (the rule every validator uses)
    A mode is a zero mode if the ``zero_mode`` variable flags it; without that
    variable, if λ ≤ :data:`ZERO_MODE_RTOL` · max λ of its sample
    (``ZERO_MODE_RTOL`` = 1e-10).  Zero modes get ω = NaN and are left out of
    every count.  Unflagged eigenvalues below 0 (rounding, allowed by VDOS-1.0
    down to −1e-6 max|λ|) are clipped to 0.

Normalisation ("per mode")
    ``mode_total`` is n_site × site_degrees_of_freedom when the dataset has a
    ``site`` dimension and stores no more modes than that (a partial spectrum
    is still normalised per mode of the whole system), else the number of
    stored modes; ``n_nonzero = mode_total − n_zero``.

Caching
    xarray creates one accessor per Dataset object, so a value is computed on
    first use and kept for the life of that object.  Each cached value
    remembers the variable objects and attributes it was read from and is
    recomputed when one of them is replaced (``ds["box_length"] = ...``,
    ``ds.attrs["spatial_dimension"] = 2``).  Writing *into* a variable's array
    in place (``ds["eigenvalue"][:] = ...``) is not seen: call
    :meth:`VdosAccessor.refresh` after such a write.

A view of a dataset that breaks a rule the view needs raises a ``ValueError``
(or :class:`ParameterPointError`) naming what was expected, what was found
and the fix; :meth:`VdosAccessor.check` runs the whole convention
(:func:`vdosbench.datasets.check`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

import numpy as np
import xarray as xr

from .convention import check as check_convention
from .convention import parameter_dims
from .errors import VdosbenchError
from .select import iter_points

__all__ = ["BLOCK_VALUES", "GROUP_VARIABLE", "ZERO_MODE_RTOL", "ParameterPointError", "VdosAccessor"]

#: Relative threshold λ ≤ ZERO_MODE_RTOL · max λ for zero modes when no ``zero_mode`` is stored.
ZERO_MODE_RTOL = 1e-10

#: The zero-mode rule in words (recorded in the attributes of ω).
ZERO_RULE = "zero modes: the zero_mode flags when stored, else eigenvalue <= 1e-10 * max eigenvalue of the sample"

#: Target number of eigenvalues per block read from a Dask-backed dataset (:meth:`VdosAccessor.sample_blocks`).
BLOCK_VALUES = 1 << 22

#: The per-sample variable that labels correlated samples (structures from one Monte Carlo chain).
GROUP_VARIABLE = "chain"

_T = TypeVar("_T")
_DOF_ATTRS = ("spatial_dimension", "site_degrees_of_freedom")


class ParameterPointError(VdosbenchError, ValueError):
    """A validator that measures one parameter point got a whole grid."""


@xr.register_dataset_accessor("vdos")
class VdosAccessor:
    """What the validators read from a VDOS-1.0 dataset, read once (module docstring).

    Parameters
    ----------
    ds
        The dataset; xarray builds the accessor on first use of ``ds.vdos``.

    Examples
    --------
    >>> import vdosbench.datasets
    >>> from vdosbench.datasets import mock_spectrum
    >>> ds = mock_spectrum(n_sample=2, n_mode=9, n_site=9, n_zero=1)  # 2D box of edge 3
    >>> ds.vdos.dimension, ds.vdos.mode_total, ds.vdos.n_nonzero.values.tolist()
    (2, 9, [8, 8])
    >>> ds.vdos.box_volume.values.tolist(), ds.vdos.number_density.values.tolist()
    ([9.0, 9.0], [1.0, 1.0])
    >>> ds.vdos.omega is ds.vdos.omega  # read once, kept
    True
    """

    def __init__(self, ds: xr.Dataset) -> None:
        self._ds = ds
        self._cache: dict[str, tuple[tuple[Any, ...], Any]] = {}

    # ------------------------------------------------------------------ caching

    def _key(self, variables: tuple[str, ...], attrs: tuple[str, ...]) -> tuple[Any, ...]:
        found = self._ds.variables
        return (
            *(found.get(v) for v in variables),
            *(repr(self._ds.attrs.get(a)) for a in attrs),
        )

    def _memo(
        self,
        name: str,
        compute: Callable[[], _T],
        variables: tuple[str, ...] = (),
        attrs: tuple[str, ...] = (),
    ) -> _T:
        key = self._key(variables, attrs)
        hit = self._cache.get(name)
        if (
            hit is not None
            and len(hit[0]) == len(key)
            and all(a is b if not isinstance(a, str) else a == b for a, b in zip(hit[0], key))
        ):
            return hit[1]  # type: ignore[no-any-return]
        value = compute()
        self._cache[name] = (key, value)
        return value

    def _site_variables(self) -> tuple[str, ...]:
        """Names of the variables along ``site`` (their identity keys values that depend on n_site)."""
        return tuple(str(n) for n, v in self._ds.variables.items() if "site" in v.dims)

    def refresh(self) -> VdosAccessor:
        """Forget every cached value (after writing into a variable's array in place); returns the view."""
        self._cache.clear()
        return self

    def derived(
        self,
        name: str,
        compute: Callable[[], _T],
        variables: Sequence[str] = (),
        attrs: Sequence[str] = (),
    ) -> _T:
        """A value a higher layer computes from this dataset, computed once and kept on the view.

        A validator that derives something from the data (a measured sound speed, the arrays of an
        estimator) names it and the variables and attributes it read; it is recomputed when one of
        those is replaced (module docstring, *Caching*).  The layers stay one way: the view keeps the
        value, the validator knows how to compute it.

        Examples
        --------
        >>> from vdosbench.datasets import mock_spectrum
        >>> ds = mock_spectrum(n_sample=2)
        >>> calls = []
        >>> f = lambda: calls.append(1) or float(ds.vdos.omega.max())
        >>> ds.vdos.derived("top", f, ("eigenvalue",)) == ds.vdos.derived("top", f, ("eigenvalue",)), len(calls)
        (True, 1)
        """
        return self._memo(f"derived:{name}", compute, tuple(variables), tuple(attrs))

    @property
    def dataset(self) -> xr.Dataset:
        """The Dataset this view reads (for a variable the view does not name)."""
        return self._ds

    def has(self, *variables: str) -> bool:
        """Whether every one of ``variables`` is stored."""
        return all(v in self._ds.variables for v in variables)

    # ------------------------------------------------------------------ structure

    @property
    def eigenvalue(self) -> xr.DataArray:
        """``eigenvalue`` (..., sample, mode); a clear error when it is missing."""
        ds = self._ds
        if "eigenvalue" not in ds.variables:
            raise ValueError(
                "expected a variable 'eigenvalue' (λ = ω², dims (..., 'sample', 'mode')), found variables "
                f"{sorted(map(str, ds.variables))}; store the eigenvalues as ds['eigenvalue']"
            )
        return ds["eigenvalue"]

    @property
    def parameter_dims(self) -> tuple[str, ...]:
        """Parameter dimensions of ``eigenvalue`` (every non-reserved dimension, VDOS-1.0)."""
        self.eigenvalue  # noqa: B018 - the clear error when it is missing
        return self._memo("parameter_dims", lambda: parameter_dims(self._ds), ("eigenvalue",))

    @property
    def is_point(self) -> bool:
        """Whether ``eigenvalue`` has dims exactly ``('sample', 'mode')`` (one parameter point)."""
        return self.eigenvalue.dims == ("sample", "mode")

    def require_point(self, validator: str = "this validator") -> None:
        """Raise unless ``eigenvalue`` has dims exactly ``('sample', 'mode')``.

        Parameters
        ----------
        validator
            Name used in the error message.

        Raises
        ------
        ParameterPointError
            If the dataset has parameter dimensions.
        ValueError
            If ``eigenvalue`` is missing or its dims are otherwise wrong.
        """
        ev = self._ds.get("eigenvalue")
        if ev is None:
            raise ValueError(
                f"{validator} expected a variable 'eigenvalue' (λ = ω², dims (..., 'sample', 'mode')), "
                f"found variables {sorted(map(str, self._ds.variables))}; store the eigenvalues as ds['eigenvalue']"
            )
        pdims = self.parameter_dims
        if pdims:
            sizes = {d: int(self._ds.sizes[d]) for d in pdims}
            raise ParameterPointError(
                f"{validator} measures one parameter point: expected eigenvalue dims ('sample', 'mode'), "
                f"found {ev.dims} with parameter dimension(s) {sizes}. Fix: loop over the points, "
                f"`for params, point in ds.vdos.points(): ...(point)`"
            )
        if ev.dims != ("sample", "mode"):
            raise ValueError(
                f"{validator} expected eigenvalue dims ('sample', 'mode'), found {ev.dims}; "
                "transpose so 'sample', 'mode' come last, or add a sample dimension with "
                "ds.expand_dims('sample')"
            )

    def points(self) -> Iterator[tuple[dict[str, Any], xr.Dataset]]:
        """Every parameter point as ``(values, point)``: the one spelling for "iterate points" (issue 66).

        Each point keeps its parameters as scalar coordinates and only its own ragged pairs
        (:func:`vdosbench.datasets.iter_points`); a dataset without parameter dimensions is yielded once, with
        ``{}``.  Points come in C order of the parameter dimensions as they appear in ``eigenvalue``.

        Raises
        ------
        ValueError
            If ``eigenvalue`` is missing or its last dims are not ``('sample', 'mode')``.

        Examples
        --------
        >>> from vdosbench.datasets import mock_spectrum
        >>> ds = mock_spectrum(parameters={"delta": [0.0, 0.1]}, n_site=4, pairs_per_sample=3)
        >>> [(p, pt.sizes["sample"], pt.sizes["pair"]) for p, pt in ds.vdos.points()]
        [({'delta': 0.0}, 3, 9), ({'delta': 0.1}, 3, 9)]
        """
        ev = self.eigenvalue
        if ev.dims[-2:] != ("sample", "mode"):
            raise ValueError(
                f"eigenvalue has dims {ev.dims}; expected (..., 'sample', 'mode'): transpose so "
                "'sample', 'mode' come last, or add a sample dimension with ds.expand_dims('sample')"
            )
        return iter_points(self._ds)

    @property
    def n_sample(self) -> int:
        """Length of the ``sample`` dimension."""
        if "sample" not in self._ds.sizes:
            raise ValueError(
                f"expected a 'sample' dimension, found dims {dict(self._ds.sizes)}; add one with "
                "ds.expand_dims('sample')"
            )
        return int(self._ds.sizes["sample"])

    @property
    def chain_groups(self) -> np.ndarray | None:
        """The ``chain`` label of each sample (correlated samples share one), or None when samples are independent.

        Examples
        --------
        >>> ds = xr.Dataset({"chain": ("sample", [0, 0, 1, 1])})
        >>> ds.vdos.chain_groups.tolist(), ds.drop_vars("chain").vdos.chain_groups
        ([0, 0, 1, 1], None)
        """

        def compute() -> np.ndarray | None:
            if GROUP_VARIABLE not in self._ds.variables:
                return None
            labels = self._ds[GROUP_VARIABLE]
            if labels.dims != ("sample",):
                raise ValueError(
                    f"{GROUP_VARIABLE!r} has dimensions {labels.dims}; expected ('sample',) at one parameter point "
                    "(select the point first)"
                )
            return np.asarray(labels.values)

        return self._memo("chain_groups", compute, (GROUP_VARIABLE,))

    def sample_blocks(
        self,
        variables: Sequence[str] = ("eigenvalue", "zero_mode"),
        *,
        block_values: int | None = None,
    ) -> Iterator[tuple[slice, xr.Dataset]]:
        """Yield in-memory blocks of consecutive samples of a (possibly Dask-backed) dataset.

        Parameters
        ----------
        variables
            Variables to load (those absent are skipped); coordinates and global
            attributes come along.
        block_values
            For a Dask-backed ``eigenvalue``, consecutive sample chunks are merged
            until a block holds about this many eigenvalues (default
            :data:`BLOCK_VALUES` = 2²², read at call time); one block is loaded at a
            time.  An in-memory dataset is one block: the dataset itself (all its
            variables), so what its view has read is reused.

        Yields
        ------
        slice
            The block's positions along ``sample``.
        xarray.Dataset
            The block, loaded.

        Examples
        --------
        >>> from vdosbench.datasets import mock_spectrum
        >>> ds = mock_spectrum(n_sample=5).chunk({"sample": 2})
        >>> [sl for sl, _ in ds.vdos.sample_blocks(block_values=40)]
        [slice(0, 2, None), slice(2, 4, None), slice(4, 5, None)]
        """
        ds = self._ds
        limit = BLOCK_VALUES if block_values is None else int(block_values)
        names = [v for v in variables if v in ds.variables]
        sub = ds[names]
        n = int(ds.sizes["sample"])
        sizes = sub["eigenvalue"].chunksizes.get("sample") if "eigenvalue" in sub else None
        if not sizes:
            # in memory: the dataset itself is the one block, so its view (ω, flags) is read once
            yield slice(0, n), sub.load() if sub.chunks else ds
            return
        per_sample = max(1, int(np.prod([s for d, s in sub["eigenvalue"].sizes.items() if d != "sample"])))
        start = stop = 0
        for size in sizes:
            if stop > start and (stop + size - start) * per_sample > limit:
                yield slice(start, stop), sub.isel(sample=slice(start, stop)).load()
                start = stop
            stop += size
        if stop > start:
            yield slice(start, stop), sub.isel(sample=slice(start, stop)).load()

    def sample_pairs(self, *variables: str) -> list[tuple[np.ndarray, ...]]:
        """Per-sample arrays of ragged pair variables of one parameter point.

        Parameters
        ----------
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
        >>> [len(i) for i, j in ds.vdos.sample_pairs("pair_i", "pair_j")]
        [3, 3]
        """
        self.require_point("sample_pairs")
        ds = self._ds
        missing = [v for v in ("pair_count", *variables) if v not in ds.variables]
        if missing:
            raise ValueError(
                f"expected pair variables {['pair_count', *variables]}, missing {missing}; store the "
                "network's pairs as a VDOS-1.0 ragged array (pair_count, pair_i, pair_j, pair_stiffness)"
            )
        counts = np.asarray(ds["pair_count"].values, dtype=np.int64)
        if counts.shape != (ds.sizes["sample"],):
            raise ValueError(f"pair_count has dims {ds['pair_count'].dims}; expected ('sample',)")
        n_pair = int(ds.sizes.get("pair", 0))
        if int(counts.sum()) != n_pair:
            raise ValueError(
                f"pair_count sums to {int(counts.sum())} but there are {n_pair} pairs: the point was "
                "probably taken with ds.sel/ds.isel, which do not cut the ragged pair arrays; use "
                "vdosbench.datasets.select_point(ds, {...}) or ds.vdos.points()"
            )
        bounds = np.concatenate([[0], np.cumsum(counts)])
        arrays = [np.asarray(ds[v].values) for v in variables]
        return [tuple(a[bounds[k] : bounds[k + 1]] for a in arrays) for k in range(counts.size)]

    @property
    def dimension(self) -> int:
        """d, the attribute ``spatial_dimension`` as an int (1, 2 or 3)."""
        return self._memo("dimension", self._dimension, attrs=("spatial_dimension",))

    def _dimension(self) -> int:
        d = self._ds.attrs.get("spatial_dimension")
        try:
            value = int(np.asarray(d).reshape(()))
        except (TypeError, ValueError) as e:
            raise ValueError(
                f"attribute spatial_dimension is {d!r}; expected 1, 2 or 3: set ds.attrs['spatial_dimension']"
            ) from e
        if value not in (1, 2, 3):
            raise ValueError(f"attribute spatial_dimension is {d!r}; expected 1, 2 or 3")
        return value

    @property
    def site_degrees_of_freedom(self) -> int:
        """Attribute ``site_degrees_of_freedom`` (VDOS-1.0 default: ``dimension``)."""
        return self._memo(
            "site_degrees_of_freedom",
            lambda: int(np.asarray(self._ds.attrs.get("site_degrees_of_freedom", self.dimension)).reshape(())),
            attrs=("spatial_dimension", "site_degrees_of_freedom"),
        )

    # ------------------------------------------------------------------ spectrum

    @property
    def mode_total(self) -> int:
        """Modes of one sample's full spectrum (module docstring: normalisation)."""

        def compute() -> int:
            sizes = self._ds.sizes
            n_mode = int(sizes["mode"])
            if "site" in sizes:
                n_full = int(sizes["site"]) * self.site_degrees_of_freedom
                if n_full >= n_mode:
                    return n_full
            return n_mode

        return self._memo("mode_total", compute, ("eigenvalue", *self._site_variables()), _DOF_ATTRS)

    @property
    def zero_mode(self) -> xr.DataArray:
        """Boolean zero-mode flags with the dims of ``eigenvalue`` (rule in the module docstring)."""

        def compute() -> xr.DataArray:
            ds = self._ds
            if "zero_mode" in ds.variables:
                return ds["zero_mode"].astype(bool).rename("zero_mode")
            lam = self.eigenvalue
            return (lam <= ZERO_MODE_RTOL * lam.max("mode")).rename("zero_mode")

        return self._memo("zero_mode", compute, ("eigenvalue", "zero_mode"))

    @property
    def omega(self) -> xr.DataArray:
        """Angular frequencies ω = √λ with the dims of ``eigenvalue``; NaN for the zero modes."""

        def compute() -> xr.DataArray:
            omega = np.sqrt(self.eigenvalue.clip(min=0.0)).where(~self.zero_mode)
            omega.attrs = {
                "long_name": "angular frequency sqrt(eigenvalue); NaN for zero modes",
                "units": self.omega_units,
                "zero_mode_rule": ZERO_RULE,
            }
            return omega.rename("omega")

        return self._memo("omega", compute, ("eigenvalue", "zero_mode"))

    @property
    def n_nonzero(self) -> xr.DataArray:
        """Non-zero modes of each sample's full spectrum, ``mode_total − n_zero``, dims (..., sample)."""

        def compute() -> xr.DataArray:
            n = self.mode_total - self.zero_mode.sum("mode")
            n.attrs = {"long_name": "number of non-zero modes of the full spectrum (normalisation)", "units": "1"}
            return n.rename("n_nonzero")

        return self._memo("n_nonzero", compute, ("eigenvalue", "zero_mode", *self._site_variables()), _DOF_ATTRS)

    @property
    def mode_weight(self) -> xr.DataArray:
        """Weight of each mode in the per-mode g and F: 1/n_nonzero, 0 for zero modes; dims of ``eigenvalue``."""

        def compute() -> xr.DataArray:
            w = (1.0 / self.n_nonzero).where(~self.zero_mode, 0.0)
            w.attrs = {"long_name": "weight of the mode in g and F (1/n_nonzero; 0 for zero modes)", "units": "1"}
            return w.rename("mode_weight")

        return self._memo("mode_weight", compute, ("eigenvalue", "zero_mode", *self._site_variables()), _DOF_ATTRS)

    @property
    def omega_units(self) -> str:
        """Units of ω = √λ from the units of ``eigenvalue`` (``"1"`` stays ``"1"``)."""

        def compute() -> str:
            u = str(self.eigenvalue.attrs.get("units", "1")).strip()
            return "1" if u in ("", "1") else f"({u})^(1/2)"

        return self._memo("omega_units", compute, ("eigenvalue",))

    @property
    def units(self) -> dict[str, str]:
        """The ``units`` attribute of every variable that has one, by name."""
        return {str(n): str(v.attrs["units"]) for n, v in self._ds.variables.items() if "units" in v.attrs}

    # ------------------------------------------------------------------ box

    @property
    def box_length(self) -> xr.DataArray:
        """``box_length`` (..., sample[, spatial]); a clear error when it is missing."""
        if "box_length" not in self._ds.variables:
            raise ValueError(
                "expected a variable 'box_length' (..., sample[, spatial]) to know the box; "
                "store the periodic box edge as ds['box_length']"
            )
        return self._ds["box_length"]

    @property
    def box_volume(self) -> xr.DataArray:
        """Volume (area in 2D) of each sample's periodic box, dims (..., sample).

        ``box_length`` is ``(sample,)`` (a cubic box of that edge) or
        ``(sample, spatial)`` (the edges).
        """

        def compute() -> xr.DataArray:
            box = self.box_length
            vol = box.prod("spatial") if "spatial" in box.dims else box**self.dimension
            return vol.rename("box_volume")

        return self._memo("box_volume", compute, ("box_length",), ("spatial_dimension",))

    @property
    def longest_edge(self) -> np.ndarray:
        """The longest edge of each sample's box (one parameter point), shape (n_sample,)."""

        def compute() -> np.ndarray:
            box = self.box_length
            if "spatial" in box.dims:
                return np.asarray(box.transpose("sample", "spatial").values, dtype=float).max(axis=1)
            if box.dims != ("sample",):
                raise ValueError(f"box_length has dims {box.dims}; expected ('sample',) or ('sample', 'spatial')")
            return np.asarray(box.values, dtype=float)

        return self._memo("longest_edge", compute, ("box_length",))

    @property
    def n_site(self) -> int:
        """Sites (particles) per sample: the length of ``site``, or, in a compact form that keeps no per-site
        variable, its ``n_particles`` attribute."""
        if "site" in self._ds.sizes:
            return int(self._ds.sizes["site"])
        n = self._ds.attrs.get("n_particles")
        if n is None or int(n) != n or int(n) < 1:
            raise ValueError(
                "the number of sites is unknown: expected a 'site' dimension (e.g. from position) or a positive "
                f"integer attribute n_particles, found neither (n_particles={n!r}); add ds.attrs['n_particles'] = N"
            )
        return int(n)

    @property
    def number_density(self) -> xr.DataArray:
        """Sites per unit volume of each sample, n = n_site / V, dims (..., sample); needs ``site`` (or the
        ``n_particles`` attribute, :attr:`n_site`) and the box."""

        def compute() -> xr.DataArray:
            if "site" not in self._ds.sizes and "n_particles" not in self._ds.attrs:
                raise ValueError(
                    "number density needs a 'site' dimension (e.g. from position) or the n_particles attribute, "
                    "and box_length; found neither: pass number_density=... explicitly"
                )
            n = self.n_site / self.box_volume
            u = str(self.box_length.attrs.get("units", "1")).strip()
            d = self.dimension
            n.attrs = {"long_name": "number density of sites", "units": "1" if u in ("", "1") else f"({u})^-{d}"}
            return n.rename("number_density")

        return self._memo("number_density", compute, ("box_length", *self._site_variables()), ("spatial_dimension",))

    @property
    def position(self) -> xr.DataArray:
        """``position`` as (sample, site, spatial); a clear error when it is missing."""
        if "position" not in self._ds.variables:
            raise ValueError(
                "expected a variable 'position' (sample, site, spatial); store the site positions as ds['position']"
            )
        return self._ds["position"].transpose("sample", "site", "spatial")

    # ------------------------------------------------------------------ elastic frequency scales

    @property
    def shear_modulus(self) -> np.ndarray:
        """The stored ``shear_modulus`` of each sample, shape (n_sample,); a clear error when it is missing."""
        if "shear_modulus" not in self._ds.variables:
            raise ValueError(
                "expected a variable 'shear_modulus' (sample,); found none. Fix: compute it from the positions with "
                "vdosbench.benchmark.elastic.with_shear_modulus(ds)"
            )
        g = self._ds["shear_modulus"]
        if g.dims != ("sample",):
            raise ValueError(f"shear_modulus has dims {g.dims}; expected ('sample',): select one parameter point first")
        return np.asarray(g.values, dtype=float)

    @property
    def shear_speed(self) -> np.ndarray:
        """c_T = √(G/ρ) of each sample from its ``shear_modulus`` and ρ = N/V (unit masses); NaN where G ≤ 0
        (a sample unstable to shear has no transverse sound), shape (n_sample,)."""

        def compute() -> np.ndarray:
            g = self.shear_modulus
            rho = np.broadcast_to(np.asarray(self.number_density.values, dtype=float).reshape(-1), g.shape)
            with np.errstate(invalid="ignore"):
                return np.where(g > 0, np.sqrt(np.where(g > 0, g, 1.0) / rho), np.nan)

        return self._memo(
            "shear_speed",
            compute,
            ("shear_modulus", "box_length", *self._site_variables()),
            ("spatial_dimension", "n_particles"),
        )

    @property
    def omega0(self) -> np.ndarray:
        """ω₀ = 2π c_T / L of each sample: its lowest transverse phonon from its own shear modulus, L the longest
        box edge; NaN where G ≤ 0, shape (n_sample,).

        Examples
        --------
        >>> from vdosbench.datasets import mock_spectrum
        >>> ds = mock_spectrum(n_sample=2, n_mode=9, n_site=9)  # L = 3, rho = 1
        >>> ds["shear_modulus"] = ("sample", [9.0, -1.0])
        >>> np.round(ds.vdos.omega0, 12).tolist()[0] == round(2 * np.pi, 12), bool(np.isnan(ds.vdos.omega0[1]))
        (True, True)
        """

        def compute() -> np.ndarray:
            box = np.broadcast_to(np.asarray(self.longest_edge, dtype=float), (self.n_sample,))
            return 2 * np.pi * self.shear_speed / box

        return self._memo(
            "omega0",
            compute,
            ("shear_modulus", "box_length", *self._site_variables()),
            ("spatial_dimension", "n_particles"),
        )

    @property
    def omega_g(self) -> np.ndarray:
        """ω_g = c_T n^(1/d) = ω₀ N^(1/d)/(2π) of each sample, the unit of absolute frequency (issue 51); NaN where
        G ≤ 0, shape (n_sample,)."""

        def compute() -> np.ndarray:
            return self.omega0 * self.n_site ** (1.0 / self.dimension) / (2.0 * math.pi)

        return self._memo(
            "omega_g",
            compute,
            ("shear_modulus", "box_length", *self._site_variables()),
            ("spatial_dimension", "n_particles"),
        )

    # ------------------------------------------------------------------ checks

    def check(self) -> xr.Dataset:
        """Run the convention check (:func:`vdosbench.datasets.check`); returns the dataset when it passes.

        Raises
        ------
        vdosbench.datasets.ConventionError
            Listing every broken rule with the variable, the rule and the fix.
        """
        check_convention(self._ds)
        return self._ds
