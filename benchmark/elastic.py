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

from .data_model import dataset_potential, sample_configuration

__all__ = [
    "ShearOmega0Result", "dataset_potential", "sample_shear_moduli", "shear_modulus_omega0", "with_shear_modulus",
]


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

    missing = [v for v in ("position", "box_length") if v not in ds.variables]
    per_site = "species" if "species" in ds.variables else "diameter"
    if per_site not in ds.variables:
        missing.append("diameter or species")
    if missing:
        raise ValueError(
            f"the shear modulus is computed from the configurations; the dataset lacks {missing}. Fix: store "
            "position (sample, site, spatial), box_length (sample,) and diameter or species (sample, site)"
        )
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
            "shear_modulus": ("sample", out["g"], {"long_name": "shear modulus, affine minus non-affine", "units": "1", "method": how}),
            "shear_modulus_born": ("sample", out["born"], {"long_name": "affine (Born) part", "units": "1"}),
            "shear_modulus_nonaffine": ("sample", out["nonaffine"], {"long_name": "non-affine correction", "units": "1"}),
            "shear_modulus_directions": (("sample", "shear"), per_dir, {"long_name": "G per (displacement, gradient) pair", "units": "1"}),
        },
        coords={"sample": sample_coord, "shear": labels},
    )


def with_shear_modulus(ds: xr.Dataset) -> xr.Dataset:
    """``ds`` with ``shear_modulus`` (sample,) added when it lacks it (one parameter point)."""
    if "shear_modulus" in ds.variables:
        return ds
    g = sample_shear_moduli(ds)
    return ds.assign(shear_modulus=g["shear_modulus"])


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
