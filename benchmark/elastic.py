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
(:func:`vdosbench.generators.elastic.shear_modulus`).
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
about 0.3 s on one core; ``benchmarks/measure_shear_omega0.py`` times it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import xarray as xr

from vdosbench.validators import Measurement, lowest_phonon_frequency

from .declaration import MODELS, system_value

__all__ = [
    "ShearOmega0Result", "dataset_potential", "sample_shear_moduli", "shear_modulus_omega0", "with_shear_modulus",
]


def _taper(ds: xr.Dataset) -> int:
    """The taper order m (−1 for T_∞) of one parameter point, from the coordinate or the attributes."""
    for where, value in (("coordinate", ds.coords.get("taper_order")), ("attribute", ds.attrs.get("taper_order"))):
        if value is None:
            continue
        v = value.values if isinstance(value, xr.DataArray) else value
        if np.ndim(v) != 0:
            raise ValueError(
                f"taper_order ({where}) has {np.size(v)} values; expected one: select one parameter point first"
            )
        v = v.item() if hasattr(v, "item") else v
        if isinstance(v, str):
            return -1 if v.strip().lower() in ("inf", "infinite", "-1") else int(v)
        if isinstance(v, float) and math.isinf(v):
            return -1
        return int(v)
    raise ValueError(
        "the dataset does not say its taper order: expected a taper_order coordinate or attribute "
        "(m >= 0, or -1 / 'inf' for T_inf); found neither. Fix: declare taper_order"
    )


def dataset_potential(ds: xr.Dataset) -> Any:
    """Our :class:`~vdosbench.generators.potentials.PairPotential` for the model of ``ds`` (one parameter point).

    Raises
    ------
    ValueError
        When the model has no vdosbench potential or the taper order is unknown.
    """
    from vdosbench.generators.potentials import kob_andersen_potential, soft_sphere_potential

    known, model_name = system_value(ds, "model")
    model = MODELS.get(str(model_name)) if known else None
    name = model.potential if model is not None else ds.attrs.get("potential")
    m = _taper(ds)
    if name == "soft_sphere":
        return soft_sphere_potential(
            m, exponent=int(ds.attrs.get("potential_exponent", 12)),
            r_cut=float(np.ravel(ds.attrs.get("potential_cutoff_table", 1.955))[0]),
        )
    if name == "lennard_jones":
        return kob_andersen_potential(m)
    raise ValueError(
        f"the shear modulus needs a pair potential of vdosbench; the dataset's model is {model_name!r} "
        f"(potential {name!r}). Fix: declare model soft_spheres or kob_andersen"
    )


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
    from vdosbench.generators.configurations import Configuration
    from vdosbench.generators.elastic import shear_directions, shear_modulus

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
        sample = ds.isel(sample=s)
        edges = np.atleast_1d(np.asarray(sample["box_length"].values, dtype=float))
        if not np.allclose(edges, edges[0], rtol=1e-12, atol=0.0):
            raise ValueError(f"sample {s} has box edges {edges.tolist()}; expected a cubic box")
        config = Configuration(
            np.asarray(sample["position"].transpose("site", "spatial").values, dtype=float),
            float(edges[0]),
            sizes=np.asarray(sample["diameter"].values) if per_site == "diameter" else np.empty(0),
            species=np.asarray(sample["species"].values) if per_site == "species" else np.empty(0, np.int64),
        )
        g = shear_modulus(config, potential)
        out["g"][s], out["born"][s], out["nonaffine"][s] = g.value, g.born.mean(), g.nonaffine.mean()
        per_dir[s] = g.per_direction
    sample_coord = ds["sample"].values[:n]
    how = "vdosbench.generators.elastic.shear_modulus, unit masses, mean over the d(d-1) simple shears"
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


@dataclass(frozen=True)
class ShearOmega0Result:
    """What the scorer reads: ``omega0`` (a Measurement whose curve holds the per-sample values)."""

    omega0: Measurement

    def plot(self, ax: Any) -> Any:
        """Per-sample ω₀ (the Measurement's curve)."""
        return self.omega0.plot(ax)


def shear_modulus_omega0(point: xr.Dataset, **settings: Any) -> ShearOmega0Result:
    """ω₀ = √(G/ρ) 2π/L from the shear modulus (computed when not stored).

    ``settings`` go to :func:`vdosbench.validators.lowest_phonon_frequency` (bootstrap size, seed).
    """
    return ShearOmega0Result(lowest_phonon_frequency(with_shear_modulus(point), method="shear_modulus", **settings))
