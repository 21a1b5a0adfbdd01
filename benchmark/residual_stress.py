"""The residual stress of stored glasses, from their positions and the model's potential (issue 67 item 4).

:func:`sample_residual_stress` rebuilds each sample's interacting pairs under the potential of its model
(:func:`~.data_model.dataset_potential`: our datasets carry it, third-party data declare it) and sums the pair
stresses σ_ij = ê ê r φ′(r) over the box volume: the virial stress tensor σ = (1/V) ∂U/∂ε of the glass
(:mod:`vdosbench.validators.structure.residual_stress`).  :func:`with_residual_stress` adds it to a point as
``residual_stress`` (sample, spatial, spatial_b), which :func:`vdosbench.validators.residual_stress` then reads
(its residual shear stress τ = √J₂, the pressure, their ensemble means with bootstrap intervals).

Why here: the pairs and the potential live in ``generators``; validators never import generators, and the
benchmark layer uses both (as :mod:`.elastic` computes shear moduli).  A dataset that stores ``pair_stress``
needs none of this: the validator sums the stored pairs.

Cost: one neighbour search and one pass over the pairs per sample (N = 1000: a few hundredths of a second).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from .data_model import dataset_potential, per_site_variable, sample_configuration

__all__ = ["sample_residual_stress", "with_residual_stress"]


def sample_residual_stress(ds: xr.Dataset, max_samples: int | None = None) -> xr.DataArray:
    """The virial stress tensor of each sample of one parameter point.

    Parameters
    ----------
    ds
        One parameter point with ``position`` (sample, site, spatial), cubic ``box_length`` and ``diameter`` or
        ``species``, of a model whose potential vdosbench knows.
    max_samples
        Only the first samples (``None``: all).

    Returns
    -------
    xarray.DataArray
        ``residual_stress`` (sample, spatial, spatial_b), units ε/a^d: σ^{αβ} = (1/V) Σ_pairs r^α r^β φ′(r)/r.

    Examples
    --------
    >>> from vdosbench.generators.glasses.configurations import fcc_crystal
    >>> c = fcc_crystal(3)
    >>> ds = xr.Dataset({"position": (("sample", "site", "spatial"), c.positions[None]),
    ...                  "box_length": ("sample", [c.box_length]),
    ...                  "diameter": (("sample", "site"), np.ones((1, c.n_particles)))},
    ...                 attrs={"potential": "soft_sphere", "taper_order": 2})
    >>> s = sample_residual_stress(ds).values[0]          # a cubic crystal: isotropic pressure, no shear stress
    >>> bool(np.allclose(s, s[0, 0] * np.eye(3), atol=1e-12) and s[0, 0] < 0)
    True
    """
    from vdosbench.generators.glasses.hessian import interacting_pairs
    from vdosbench.generators.glasses.stresses import pair_stresses

    per_site = per_site_variable(ds, "the residual stress is")
    potential = dataset_potential(ds)
    n = int(ds.sizes["sample"]) if max_samples is None else min(int(max_samples), int(ds.sizes["sample"]))
    d = int(ds.sizes["spatial"])
    out = np.full((n, d, d), np.nan)
    for s in range(n):
        config = sample_configuration(ds, s, per_site)
        pairs = interacting_pairs(config, potential)
        out[s] = pair_stresses(pairs).stress.sum(axis=0) / config.box_length**d
    coords = {"sample": ds["sample"].values[:n]}
    if "spatial" in ds.coords:
        coords.update(spatial=ds["spatial"].values, spatial_b=ds["spatial"].values)
    return xr.DataArray(
        out,
        dims=("sample", "spatial", "spatial_b"),
        coords=coords,
        name="residual_stress",
        attrs={
            "long_name": "virial stress tensor of the glass, (1/V) sum over pairs of "
            "r^a r^b phi'(r)/r (rebuilt from the positions)",
            "units": "epsilon a^-d",
            "taper_order": potential.taper_label,
        },
    )


def with_residual_stress(ds: xr.Dataset) -> xr.Dataset:
    """``ds`` with ``residual_stress`` (sample, spatial, spatial_b) added, unless it stores it or ``pair_stress``
    (then :func:`vdosbench.validators.residual_stress` reads what is stored).

    Examples
    --------
    >>> with_residual_stress(xr.Dataset({"residual_stress": (("sample", "spatial", "spatial_b"), np.zeros((1, 3, 3)))}))["residual_stress"].shape
    (1, 3, 3)
    """
    if "residual_stress" in ds.variables or "pair_stress" in ds.variables:
        return ds
    return ds.assign(residual_stress=sample_residual_stress(ds))
