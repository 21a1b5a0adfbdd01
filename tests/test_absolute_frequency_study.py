"""studies/absolute_frequency.py: landing confirmatory pieces (merged by sample, per-site arrays dropped, atomic,
re-landing idempotent), the package's point groups it uses, and the README rows it feeds."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from vdosbench.datasets import merge_samples, read_point_groups, write_point_groups

ROOT = Path(__file__).resolve().parents[1]


def _study(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "studies" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(ROOT / "studies"))  # readme_findings imports its sibling finite_size_tables
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(ROOT / "studies"))
    return module


def _piece(folder: Path, first: int, count: int, n: int = 50) -> Path:
    """A finished piece as the queue leaves it: n2000/ensemble.nc over (taper_order, parent_temperature, sample)."""
    rng = np.random.default_rng(first)
    samples = np.arange(first, first + count)
    ds = xr.Dataset(
        {"eigenvalue": (("taper_order", "parent_temperature", "sample", "mode"), rng.random((1, 1, count, 5))),
         "shear_modulus": (("taper_order", "parent_temperature", "sample"), 4.5 + rng.random((1, 1, count))),
         "position": (("taper_order", "parent_temperature", "sample", "site", "spatial"), rng.random((1, 1, count, n, 3))),
         "coordination": (("taper_order", "parent_temperature", "sample", "site"), np.ones((1, 1, count, n), int))},
        coords={"taper_order": [2], "parent_temperature": [np.inf], "sample": samples, "site": np.arange(n)})
    path = folder / "n2000" / "ensemble.nc"
    path.parent.mkdir(parents=True)
    ds.to_netcdf(path)
    return folder


def test_land_merges_pieces_by_sample_and_drops_per_site_arrays(tmp_path):
    study = _study("absolute_frequency")
    into = tmp_path / "confirm.nc"
    a, b = _piece(tmp_path / "a", 0, 4), _piece(tmp_path / "b", 4, 3)
    assert study.land([a], into) == {"m2_tinf": [0, 3, 4]}
    assert study.land([b], into) == {"m2_tinf": [0, 6, 7]}
    assert study.land([b], into) == {"m2_tinf": [0, 6, 7]}  # landing a piece again changes nothing
    point = read_point_groups(into)["m2_tinf"]
    assert "position" not in point and "coordination" not in point and point.attrs["n_particles"] == 50
    np.testing.assert_array_equal(point["sample"].values, np.arange(7))
    with xr.open_dataset(b / "n2000" / "ensemble.nc") as src:
        np.testing.assert_array_equal(point["eigenvalue"].sel(sample=5).values,
                                      src["eigenvalue"].sel(sample=5).squeeze().values)
    assert not list(tmp_path.glob("*.part"))


def test_land_refuses_an_unfinished_piece(tmp_path):
    study = _study("absolute_frequency")
    (tmp_path / "running" / "n2000").mkdir(parents=True)
    with pytest.raises(FileNotFoundError, match="finished piece"):
        study.land([tmp_path / "running"], tmp_path / "confirm.nc")
    assert not (tmp_path / "confirm.nc").exists()


def test_point_groups_need_a_particle_count_and_leave_nothing_half_written(tmp_path):
    ds = xr.Dataset({"eigenvalue": (("sample", "mode"), [[1.0]])}, coords={"sample": [0]})
    with pytest.raises(ValueError, match="n_particles"):
        write_point_groups({"p": ds}, tmp_path / "x.nc")
    assert list(tmp_path.iterdir()) == []
    old = ds.assign_coords(sample=[0])
    new = xr.Dataset({"eigenvalue": (("sample", "mode"), [[2.0], [3.0]])}, coords={"sample": [0, 1]})
    merged = merge_samples(old, new)
    assert merged["eigenvalue"].values.ravel().tolist() == [2.0, 3.0]  # a shared sample is taken from the new


def test_readme_rows_in_omega_g_follow_the_ladder_results():
    readme = _study("readme_findings")
    ladder = json.loads((ROOT / "studies" / "results" / "absolute_frequency_ladder.json").read_text())
    rows = readme.absolute_rows(ladder)
    assert len(rows) == 2 and all(len(" | ".join(r)) <= readme.MAX_ROW_CHARS for r in rows)
    assert "exploratory" in rows[0][1] and "exploratory" in rows[1][1]
    # built to fail: an interval that excludes 1 turns 'none found' into 'found'
    first = next(iter(ladder["points"].values()))
    ratio = next(iter(first["density_ratio_to_n8000"].values()))["ratio"]
    ratio["low"], ratio["high"] = 1.5, 2.0
    assert readme.absolute_rows(ladder)[1][1] == "found (exploratory)"
