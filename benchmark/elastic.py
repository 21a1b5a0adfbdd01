"""Shear modulus of stored inherent structures, for ω₀ that does not depend on the stored modes.

:func:`with_shear_modulus` adds ``shear_modulus`` (sample,) to a dataset that
stores the configurations — ``position``, ``box_length`` (cubic) and the
``diameter`` of soft spheres or the ``species`` of a Kob–Andersen mixture —
and whose potential is known: our own datasets carry it (attributes
``potential``, ``potential_exponent``, ``potential_cutoff_table`` and the
``taper_order`` coordinate or attribute), third-party data declare it
(:mod:`vdosbench.benchmark.declaration`: ``model`` and ``taper_order``).
Per sample it rebuilds the analytic Hessian and computes
G = (B − Ξᵀ H⁺ Ξ)/V averaged over the d(d − 1) simple shears
(:func:`vdosbench.generators.glasses.elastic.shear_modulus`).
:func:`vdosbench.validators.lowest_phonon_frequency` with
``method="shear_modulus"`` then gives ω₀ = √(G/ρ) 2π/L.

Why here: the modulus needs the potential and the Hessian, which live in
``generators``; validators never import generators, and the benchmark layer
uses both (as :mod:`vdosbench.benchmark.cross_code` recomputes spectra).
Computing it here rather than only in the generator means that every
existing dataset with positions — ours written before this existed, and a
third party's — gets the same estimate.  A dataset that already stores
``shear_modulus`` is used as it is (measured data).

:func:`with_elastic_moduli` adds, in the same way, the missing ones of
``shear_modulus``, ``bulk_modulus`` and ``longitudinal_modulus`` (sample,)
(:func:`sample_elastic_moduli`: one call of
:func:`vdosbench.generators.glasses.moduli.elastic_moduli` per sample, with
the largest residual force of each stored structure, since the moduli assume
mechanical equilibrium): what the continuum D − D_Debye of a full spectrum
needs (issue 51).  About 0.6 s per sample at N = 1000 on one core
(``studies/full_spectrum_moduli.py``).

Cost: one sparse Hessian and one sparse LU per sample (N = 1000, d = 3:
about 0.3 s on one core; ``studies/measure_shear_omega0.py`` times it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import xarray as xr
from vdosbench.validators import Measurement, lowest_phonon_frequency
from vdosbench.validators.results.registry import measures
from vdosbench.validators.results.result import ValidatorResult

from .data_model import dataset_potential, per_site_variable, sample_configuration

__all__ = [
    "ShearOmega0Result",
    "dataset_potential",
    "sample_elastic_moduli",
    "sample_shear_moduli",
    "shear_modulus_omega0",
    "with_elastic_moduli",
    "with_shear_modulus",
]

#: The moduli :func:`with_elastic_moduli` adds when a dataset lacks them.
ELASTIC_MODULI = ("shear_modulus", "bulk_modulus", "longitudinal_modulus")


def sample_shear_moduli(ds: xr.Dataset, max_samples: int | None = None) -> xr.Dataset:
    """Per-sample shear modulus of one parameter point (module docstring).

    Parameters
    ----------
    ds
        One parameter point with ``position`` (sample, site, spatial), cubic ``box_length`` and
        ``diameter`` or ``species``.
    max_samples
        Only the first samples (``None``: all).

    Returns
    -------
    xarray.Dataset
        ``shear_modulus`` (sample,): the mean over simple shears; ``shear_modulus_born`` and
        ``shear_modulus_nonaffine`` (sample,), their means; ``shear_modulus_directions``
        (sample, shear): G_αβ per (α, β).
    """
    from vdosbench.generators.glasses.elastic import shear_directions, shear_modulus

    per_site = per_site_variable(ds, "the shear modulus is")
    potential = dataset_potential(ds)
    n = int(ds.sizes["sample"]) if max_samples is None else min(int(max_samples), int(ds.sizes["sample"]))
    d = int(ds.sizes["spatial"])
    directions = shear_directions(d)
    out = {k: np.empty(n) for k in ("g", "born", "nonaffine")}
    per_dir = np.empty((n, len(directions)))
    for s in range(n):
        config = sample_configuration(ds, s, per_site)
        g = shear_modulus(config, potential)
        out["g"][s], out["born"][s], out["nonaffine"][s] = g.value, g.born.mean(), g.nonaffine.mean()
        per_dir[s] = g.per_direction
    sample_coord = ds["sample"].values[:n]
    how = "vdosbench.generators.glasses.elastic.shear_modulus, unit masses, mean over the d(d-1) simple shears"
    labels = ["xyz"[a] + "xyz"[b] for a, b in directions]
    return xr.Dataset(
        {
            "shear_modulus": (
                "sample",
                out["g"],
                {"long_name": "shear modulus, affine minus non-affine", "units": "1", "method": how},
            ),
            "shear_modulus_born": ("sample", out["born"], {"long_name": "affine (Born) part", "units": "1"}),
            "shear_modulus_nonaffine": (
                "sample",
                out["nonaffine"],
                {"long_name": "non-affine correction", "units": "1"},
            ),
            "shear_modulus_directions": (
                ("sample", "shear"),
                per_dir,
                {"long_name": "G per (displacement, gradient) pair", "units": "1"},
            ),
        },
        coords={"sample": sample_coord, "shear": labels},
    )


def with_shear_modulus(ds: xr.Dataset) -> xr.Dataset:
    """``ds`` with ``shear_modulus`` (sample,) added when it lacks it (one parameter point)."""
    if "shear_modulus" in ds.variables:
        return ds
    g = sample_shear_moduli(ds)
    return ds.assign(shear_modulus=g["shear_modulus"])


_MODULUS_UNITS = "epsilon / sigma^d"
_HOW = "vdosbench.generators.glasses.moduli.elastic_moduli, unit masses"
#: The variables of :func:`sample_elastic_moduli` and their attributes.
_MODULI_ATTRS: dict[str, dict[str, str]] = {
    "shear_modulus": {
        "long_name": "shear modulus G: mean over the simple shears of affine minus non-affine",
        "units": _MODULUS_UNITS,
        "method": _HOW,
    },
    "bulk_modulus": {
        "long_name": "bulk modulus K = -V dp/dV (isotropic dilation, relaxed)",
        "units": _MODULUS_UNITS,
        "method": _HOW,
    },
    "longitudinal_modulus": {
        "long_name": "longitudinal (P-wave) modulus M: mean over the uniaxial strains, relaxed",
        "units": _MODULUS_UNITS,
        "method": _HOW,
    },
    "shear_modulus_born": {"long_name": "affine (Born) part of G", "units": _MODULUS_UNITS},
    "shear_modulus_nonaffine": {
        "long_name": "non-affine correction of G (G = Born - non-affine)",
        "units": _MODULUS_UNITS,
    },
    "bulk_modulus_born": {"long_name": "affine (Born) part of K", "units": _MODULUS_UNITS},
    "pressure": {"long_name": "virial pressure at T = 0", "units": _MODULUS_UNITS},
    "residual_force_max": {
        "long_name": "largest per-particle force norm max_i |F_i| of the stored structure",
        "units": "epsilon / sigma",
        "method": "vdosbench.generators.glasses.minimize.EnergyModel.max_force",
    },
}


def sample_elastic_moduli(ds: xr.Dataset, max_samples: int | None = None) -> xr.Dataset:
    """Per-sample shear, bulk and longitudinal moduli and largest residual force of one parameter point.

    One call of :func:`vdosbench.generators.glasses.moduli.elastic_moduli` per sample (unit masses; the
    non-affine parts by conjugate gradients on the Hessian, no stored modes needed): G the mean of the
    d(d − 1) simple-shear moduli G_αβ, K = −V dp/dV (``ElasticModuli.bulk``, isotropic dilation, relaxed,
    with its pressure term) and M the longitudinal (P-wave) modulus, the mean of the d uniaxial-strain moduli
    M_α (``ElasticModuli.longitudinal_modulus``).  Each is stored as the function returns it: M is measured,
    not built from K + 2(d − 1)G/d, which holds for an isotropic stress-free solid only on average.  The moduli
    assume mechanical equilibrium, so ``residual_force_max`` gives max_i |F_i| of the stored structure
    (:meth:`vdosbench.generators.glasses.minimize.EnergyModel.max_force`, same potential).

    Parameters
    ----------
    ds
        One parameter point with ``position`` (sample, site, spatial), cubic ``box_length`` and
        ``diameter`` or ``species``, and a known potential (:func:`dataset_potential`).
    max_samples
        Only the first samples (``None``: all).

    Returns
    -------
    xarray.Dataset
        (sample,) each: ``shear_modulus``, ``bulk_modulus``, ``longitudinal_modulus`` (units ε/σ^d),
        ``shear_modulus_born`` and ``shear_modulus_nonaffine`` (G's affine part and the non-affine
        correction, G = Born − non-affine), ``bulk_modulus_born``, ``pressure`` (virial, T = 0) and
        ``residual_force_max``.

    Raises
    ------
    ValueError
        When the configurations or the potential are missing (the message names them and the fix).

    Examples
    --------
    >>> from vdosbench.generators.glasses.configurations import fcc_crystal
    >>> c = fcc_crystal(3)
    >>> ds = xr.Dataset(
    ...     {"position": (("sample", "site", "spatial"), c.positions[None]), "box_length": ("sample", [c.box_length]),
    ...      "diameter": (("sample", "site"), np.ones((1, c.n_particles)))},
    ...     attrs={"potential": "soft_sphere", "taper_order": 2})
    >>> m = sample_elastic_moduli(ds)
    >>> bool(m["bulk_modulus"][0] > 0), bool(m["longitudinal_modulus"][0] > m["shear_modulus"][0])
    (True, True)
    >>> float(m["residual_force_max"][0]) < 1e-10   # a perfect crystal is force-free
    True
    """
    from vdosbench.generators.glasses.minimize import EnergyModel
    from vdosbench.generators.glasses.moduli import elastic_moduli

    per_site = per_site_variable(ds, "the elastic moduli are")
    potential = dataset_potential(ds)
    n = int(ds.sizes["sample"]) if max_samples is None else min(int(max_samples), int(ds.sizes["sample"]))
    out = {k: np.empty(n) for k in _MODULI_ATTRS}
    for s in range(n):
        config = sample_configuration(ds, s, per_site)
        m = elastic_moduli(config, potential)
        values = {
            "shear_modulus": m.shear_modulus,
            "bulk_modulus": m.bulk,
            "longitudinal_modulus": m.longitudinal_modulus,
            "shear_modulus_born": float(np.mean(m.shear_born)),
            "bulk_modulus_born": m.bulk_born,
            "pressure": m.pressure,
            "residual_force_max": EnergyModel(config, potential).max_force(config.positions),
        }
        values["shear_modulus_nonaffine"] = values["shear_modulus_born"] - m.shear_modulus
        for k, v in values.items():
            out[k][s] = v
    return xr.Dataset(
        {k: ("sample", out[k], dict(attrs)) for k, attrs in _MODULI_ATTRS.items()},
        coords={"sample": ds["sample"].values[:n]},
    )


def with_elastic_moduli(ds: xr.Dataset) -> xr.Dataset:
    """``ds`` with the missing ones of ``shear_modulus``, ``bulk_modulus`` and ``longitudinal_modulus`` (sample,)
    added (one parameter point); those it stores are used as they are (measured data)."""
    missing = [v for v in ELASTIC_MODULI if v not in ds.variables]
    if not missing:
        return ds
    m = sample_elastic_moduli(ds)
    return ds.assign({v: m[v] for v in missing})


@dataclass(frozen=True, eq=False)
class ShearOmega0Result(ValidatorResult):
    """What the scorer reads: ``omega0`` (a Measurement whose curve holds the per-sample values; it is also the
    result's ``diagnostics``)."""

    omega0: Measurement
    headline: ClassVar[str] = "omega0"
    diagnostics_field: ClassVar[str] = "omega0"

    def plot(self, ax: Any) -> Any:
        """Per-sample ω₀ (the Measurement's curve)."""
        return self.omega0.plot(ax)


@measures("omega0")
def shear_modulus_omega0(point: xr.Dataset, **settings: Any) -> ShearOmega0Result:
    """ω₀ = √(G/ρ) 2π/L from the shear modulus (computed when not stored).

    ``settings`` go to :func:`vdosbench.validators.lowest_phonon_frequency` (bootstrap size, seed).
    """
    return ShearOmega0Result(lowest_phonon_frequency(with_shear_modulus(point), method="shear_modulus", **settings))
