"""Our potential and configurations for the system a dataset holds (ours or a declared third party's).

Shared by the checks that rebuild the analytic Hessian from stored
configurations: the cross-code spectrum check (:mod:`.cross_code`) and the
shear modulus (:mod:`.elastic`).  The model comes from the dataset: our own
datasets carry ``potential``, ``potential_exponent``,
``potential_cutoff_table``, the ``taper_order`` coordinate or attribute and
(soft spheres) ``non_additivity``;
third-party data declare ``model`` and ``taper_order``
(:mod:`vdosbench.benchmark.declaration`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import xarray as xr

from .declaration import MODELS, system_value

__all__ = ["dataset_non_additivity", "dataset_potential", "dataset_taper", "sample_configuration"]


def dataset_taper(ds: xr.Dataset) -> int:
    """The taper order m (−1 for T_∞) of one parameter point, from the coordinate or the attributes.

    Raises
    ------
    ValueError
        When neither says it, or several points are selected.
    """
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


def dataset_non_additivity(ds: xr.Dataset) -> float:
    """The soft-sphere non-additivity ε of one parameter point (coordinate or attribute; 0 when neither says it).

    Datasets written before the option existed, and third-party soft spheres, are additive (ε = 0).

    Raises
    ------
    ValueError
        When several points are selected.

    Examples
    --------
    >>> dataset_non_additivity(xr.Dataset(attrs={"non_additivity": 0.2})), dataset_non_additivity(xr.Dataset())
    (0.2, 0.0)
    """
    for where, value in (
        ("coordinate", ds.coords.get("non_additivity")),
        ("attribute", ds.attrs.get("non_additivity")),
    ):
        if value is None:
            continue
        v = value.values if isinstance(value, xr.DataArray) else value
        if np.ndim(v) != 0:
            raise ValueError(
                f"non_additivity ({where}) has {np.size(v)} values; expected one: select one parameter point first"
            )
        return float(v)
    return 0.0


def dataset_potential(ds: xr.Dataset) -> Any:
    """Our :class:`~vdosbench.generators.glasses.potentials.PairPotential` for the model of ``ds`` (one parameter point).

    Raises
    ------
    ValueError
        When the model has no vdosbench potential or the taper order is unknown.
    """
    from vdosbench.generators.glasses.potentials import (
        kob_andersen_potential,
        soft_sphere_potential,
    )

    known, model_name = system_value(ds, "model")
    model = MODELS.get(str(model_name)) if known else None
    name = model.potential if model is not None else ds.attrs.get("potential")
    m = dataset_taper(ds)
    if name == "soft_sphere":
        return soft_sphere_potential(
            m,
            exponent=int(ds.attrs.get("potential_exponent", 12)),
            r_cut=float(np.ravel(ds.attrs.get("potential_cutoff_table", 1.955))[0]),
            non_additivity=dataset_non_additivity(ds),
        )
    if name in ("lennard_jones", "kob_andersen"):  # our datasets' attribute, and the declared model's potential
        return kob_andersen_potential(m)
    raise ValueError(
        f"rebuilding the Hessian needs a pair potential of vdosbench; the dataset's model is {model_name!r} "
        f"(potential {name!r}). Fix: declare model soft_spheres or kob_andersen"
    )


def per_site_variable(ds: xr.Dataset, what: str, needs: tuple[str, ...] = ("position", "box_length")) -> str:
    """``"species"`` or ``"diameter"``, after checking that ``ds`` stores the configurations ``what`` needs.

    Raises
    ------
    ValueError
        Naming what is missing (of ``needs``, and a per-site ``diameter`` or ``species``) and how to store it.

    Examples
    --------
    >>> per_site_variable(xr.Dataset({"position": 0, "box_length": 1, "species": 0}), "the stress is")
    'species'
    """
    missing = [v for v in needs if v not in ds.variables]
    per_site = "species" if "species" in ds.variables else "diameter"
    if per_site not in ds.variables:
        missing.append("diameter or species")
    if missing:
        raise ValueError(
            f"{what} computed from the configurations; the dataset lacks {missing}. Fix: store "
            "position (sample, site, spatial), box_length (sample,) and diameter or species (sample, site)"
            + (" and the eigenvalues" if "eigenvalue" in needs else "")
        )
    return per_site


def sample_configuration(ds: xr.Dataset, sample: int, per_site: str) -> Any:
    """The :class:`~vdosbench.generators.glasses.configurations.Configuration` of sample index ``sample``.

    Parameters
    ----------
    ds
        One parameter point with ``position`` (sample, site, spatial), ``box_length`` and ``per_site``.
    sample
        Position along ``sample``.
    per_site
        ``"diameter"`` (soft spheres) or ``"species"`` (Kob–Andersen).

    Raises
    ------
    ValueError
        When the box is not cubic (our Hessian needs one).
    """
    from vdosbench.generators.glasses.configurations import Configuration

    one = ds.isel(sample=sample)
    edges = np.atleast_1d(np.asarray(one["box_length"].values, dtype=float))
    if not np.allclose(edges, edges[0], rtol=1e-12, atol=0.0):
        raise ValueError(
            f"sample {sample} has box edges {edges.tolist()}; expected a cubic box (our Hessian needs one)"
        )
    return Configuration(
        np.asarray(one["position"].transpose("site", "spatial").values, dtype=float),
        float(edges[0]),
        sizes=np.asarray(one["diameter"].values) if per_site == "diameter" else np.empty(0),
        species=np.asarray(one["species"].values) if per_site == "species" else np.empty(0, np.int64),
    )
