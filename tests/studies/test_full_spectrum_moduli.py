"""studies/full_spectrum_moduli.py on a tiny full-spectrum set built here (issue 51): the file it writes reads back."""

from __future__ import annotations

import numpy as np
import xarray as xr
from script_loader import load_script

from vdosbench.generators import fcc_crystal
from vdosbench.generators.glasses.elastic import shear_modulus
from vdosbench.generators import soft_sphere_potential

study = load_script("studies/full_spectrum_moduli.py", "full_spectrum_moduli_study")
main, set_name = study.main, study.set_name


def _tiny_set(path, tapers=(2,), n_samples=2):
    """An FCC crystal (N = 108) stored ``n_samples`` times per taper order, with all d·N eigenvalues."""
    c = fcc_crystal(3)
    n, d = c.n_particles, 3
    shape = (len(tapers), 1, n_samples)
    ds = xr.Dataset(
        {
            "eigenvalue": (("taper_order", "parent_temperature", "sample", "mode"), np.ones((*shape, d * n))),
            "position": (
                ("taper_order", "parent_temperature", "sample", "site", "spatial"),
                np.broadcast_to(c.positions, (*shape, n, d)).copy(),
            ),
            "box_length": (("taper_order", "parent_temperature", "sample"), np.full(shape, c.box_length)),
            "diameter": (("taper_order", "parent_temperature", "sample", "site"), np.ones((*shape, n))),
        },
        coords={
            "taper_order": list(tapers),
            "parent_temperature": [0.5],
            "sample": np.arange(n_samples) + 10,
            "spatial": ["x", "y", "z"],
        },
        attrs={"potential": "soft_sphere", "potential_exponent": 12, "potential_cutoff_table": 1.955},
    )
    ds.to_netcdf(path)
    return path


def test_main_writes_the_documented_layout(tmp_path) -> None:
    a = _tiny_set(tmp_path / "soft-spheres-n1000-equilibrated-9td.nc", tapers=(-1, 2))
    b = _tiny_set(tmp_path / "soft-spheres-n1000-seed-literal.nc", tapers=(2,), n_samples=1)
    out = main([str(a), str(b), "--output", str(tmp_path / "moduli.nc")])
    with xr.open_dataset(out) as ds:
        assert list(ds["set"].values) == ["9td", "seed-literal"]
        assert list(ds["taper_order"].values) == [-1, 2] and ds.sizes["sample"] == 2
        for v in ("shear_modulus", "bulk_modulus", "longitudinal_modulus", "residual_force_max"):
            assert ds[v].dims == ("set", "taper_order", "sample")
        g = ds["shear_modulus"].sel(set="9td", taper_order=2).values
        np.testing.assert_allclose(g, shear_modulus(fcc_crystal(3), soft_sphere_potential(2)).value, rtol=1e-8)
        assert (ds["bulk_modulus"].sel(set="9td") > 0).all()
        assert (ds["residual_force_max"].sel(set="9td") < 1e-10).all()
        # the second set has one point and one sample: the rest is NaN, its counts say so
        assert ds["n_samples"].sel(set="seed-literal").values.tolist() == [0, 1]
        assert np.isnan(ds["bulk_modulus"].sel(set="seed-literal", taper_order=-1)).all()
        assert ds["source_sample"].sel(set="9td", taper_order=2).values.tolist() == [10, 11]
        assert len(ds.attrs["source_sha256"]) == 2 and len(ds.attrs["source_sha256"][0]) == 64
        assert "sample_elastic_moduli" in ds.attrs["function"] and ds.attrs["date_created"]
        assert ds["parent_temperature"].values.tolist() == [0.5, 0.5]


def test_a_partial_spectrum_is_skipped(tmp_path) -> None:
    path = tmp_path / "partial.nc"
    full = _tiny_set(tmp_path / "full.nc")
    with xr.open_dataset(full) as ds:
        ds.isel(mode=slice(0, 10)).load().to_netcdf(path)
    out = main([str(path), str(full), "--output", str(tmp_path / "moduli.nc")])
    with xr.open_dataset(out) as ds:
        assert list(ds["set"].values) == ["full"]
    assert set_name("reference-data/soft-spheres-n1000-equilibrated-1.25td-m2.nc") == "1.25td-m2"
