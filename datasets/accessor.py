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

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import numpy as np
import xarray as xr

from .convention import check as check_convention
from .convention import parameter_dims
from .select import iter_points

__all__ = ["ZERO_MODE_RTOL", "ParameterPointError", "VdosAccessor"]

#: Relative threshold λ ≤ ZERO_MODE_RTOL · max λ for zero modes when no ``zero_mode`` is stored.
ZERO_MODE_RTOL = 1e-10

#: The zero-mode rule in words (recorded in the attributes of ω).
ZERO_RULE = "zero modes: the zero_mode flags when stored, else eigenvalue <= 1e-10 * max eigenvalue of the sample"

_T = TypeVar("_T")
_DOF_ATTRS = ("spatial_dimension", "site_degrees_of_freedom")


class ParameterPointError(ValueError):
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
        if hit is not None and len(hit[0]) == len(key) and all(
            a is b if not isinstance(a, str) else a == b for a, b in zip(hit[0], key)
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
                f"`for params, point in vdosbench.validators.iter_parameter_points(ds): ...(point)`"
            )
        if ev.dims != ("sample", "mode"):
            raise ValueError(
                f"{validator} expected eigenvalue dims ('sample', 'mode'), found {ev.dims}; "
                "transpose so 'sample', 'mode' come last, or add a sample dimension with "
                "ds.expand_dims('sample')"
            )

    def points(self) -> Iterator[tuple[dict[str, Any], xr.Dataset]]:
        """Every parameter point as ``(values, point)`` (:func:`vdosbench.datasets.iter_points`)."""
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
