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

ROOT = Path(__file__).resolve().parents[2]


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
        {
            "eigenvalue": (("taper_order", "parent_temperature", "sample", "mode"), rng.random((1, 1, count, 5))),
            "shear_modulus": (("taper_order", "parent_temperature", "sample"), 4.5 + rng.random((1, 1, count))),
            "position": (
                ("taper_order", "parent_temperature", "sample", "site", "spatial"),
                rng.random((1, 1, count, n, 3)),
            ),
            "coordination": (("taper_order", "parent_temperature", "sample", "site"), np.ones((1, 1, count, n), int)),
        },
        coords={"taper_order": [2], "parent_temperature": [np.inf], "sample": samples, "site": np.arange(n)},
    )
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
        np.testing.assert_array_equal(
            point["eigenvalue"].sel(sample=5).values, src["eigenvalue"].sel(sample=5).squeeze().values
        )
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


def test_readme_rows_in_omega_g_follow_the_registered_verdicts():
    readme = _study("readme_findings")
    confirm = json.loads((ROOT / "studies" / "results" / "absolute_frequency_confirm.json").read_text())
    rows = readme.absolute_rows(confirm)
    assert len(rows) == 3 and all(len(" | ".join(r)) <= readme.MAX_ROW_CHARS for r in rows)
    read = len(confirm["points"])
    s2 = [p["schirmacher.high-tstar-s2-absolute"][0]["verdict"] for p in confirm["points"].values()]
    assert rows[0][1].startswith(f"{s2[0]} ") and f"of {read}" in rows[0][1]
    assert (f", {4 - read} to come" in rows[0][1]) == (read < 4)
    # built to fail: a verdict changed in the results file changes the row
    first = next(iter(confirm["points"].values()))
    for point in confirm["points"].values():
        point["schirmacher.high-tstar-s2-absolute"][0]["verdict"] = "supported"
    assert readme.absolute_rows(confirm)[0][1].startswith(f"supported {read} of {read}")
    assert first["schirmacher.high-tstar-s2-absolute"][0]["verdict"] == "supported"


def _mock_point(mock) -> xr.Dataset:
    """A compact point as the confirmatory and ladder files hold it, from a mock's arrays."""
    box = (mock.n_particles / mock.density) ** (1 / 3)
    n = mock.omega.shape[0]
    return xr.Dataset(
        {
            "eigenvalue": (("sample", "mode"), mock.omega**2),
            "participation_ratio": (("sample", "mode"), mock.participation),
            "shear_modulus": ("sample", mock.shear_modulus),
            "bulk_modulus": ("sample", mock.bulk_modulus),
            "box_length": ("sample", np.full(n, box)),
        },
        coords={"sample": np.arange(n)},
        attrs={"n_particles": mock.n_particles, "spatial_dimension": 3},
    )


def test_confirm_reads_each_registered_claim_by_its_rule_and_leaves_short_points_unread(tmp_path):
    from vdosbench.generators import glass_like_mock, mock_glass_spectra

    study = _study("absolute_frequency")
    curved = _mock_point(glass_like_mock(2000, 300, levels="poisson", seed=1))
    # built to fail the taper claim: m = inf holds the same glasses' count with s = 6 instead of the curved s ~ 3.2
    steep = _mock_point(
        mock_glass_spectra(
            2000,
            300,
            exponent=6.0,
            prefactor=0.3,
            k=20,
            levels="poisson",
            hybridisation=0.0,
            modulus_scatter=0.0,
            seed=1,
        )
    )
    steep["shear_modulus"][5] = -0.1  # unstable to shear: left out at m = inf, and with its pair from the difference
    write_point_groups(
        {"m2_tinf": curved, "minf_tinf": steep, "m2_t1": curved.isel(sample=slice(0, 50))}, tmp_path / "confirm.nc"
    )
    ladder = {
        f"n{n}_m{m}_tinf": _mock_point(glass_like_mock(n, c, levels="poisson", k=30, seed=n + len(m)))
        for n, c in ((1000, 100), (4000, 60), (8000, 60), (16000, 4))
        for m in ("2", "inf")
    }
    write_point_groups(ladder, tmp_path / "ladder.nc")
    coverage = {
        "coverage": {"poisson": {"band 0-0.29": {"coverage": 0.9, "wilson_95": [0.83, 0.94], "replicates": 100}}}
    }
    (tmp_path / "coverage.json").write_text(json.dumps(coverage))
    out = study.read_confirm(
        tmp_path / "confirm.nc",
        tmp_path / "ladder.nc",
        tmp_path / "coverage.json",
        samples_required=300,
        n_bootstrap=100,
    )
    assert out["not_read"] == {"m2_t1": "50 of 300 samples landed: not read until complete"}
    s2 = out["points"]["m2_tinf"]["schirmacher.high-tstar-s2-absolute"]
    # the curved mock's (0, 0.29] exponent is 3.16: s = 2 +- 0.5 is refuted, by the registered rule
    assert 2.8 < s2[0]["value"] < 3.6 and s2[0]["verdict"] == "refuted" and s2[0]["expect"] == "= 2 ± 0.5"
    assert s2[0]["coverage_on_mocks"]["poisson"]["coverage"] == 0.9
    assert s2[1]["reading"] == "band (0.15, 0.29] omega_g" and s2[1]["coverage_on_mocks"] == "not measured"
    tail = out["points"]["m2_tinf"]["lerner.deep-tail-s4-absolute"]
    # amendment 3 (issue 63): the deep band in the common unit (the ladder's largest N's mean G) leads, the kappa-free
    # extreme value joint over N = 1000 - 8000 (not 16000) stays as a withdrawn alternative
    assert tail[0]["reading"] == "primary (amendment 3): deep band (0, 0.15], common unit"
    g16 = ladder["n16000_m2_tinf"]["shear_modulus"].values
    assert tail[0]["unit_shear_modulus"] == pytest.approx(float(g16.mean()))
    assert "G_u = " in tail[0]["settings"]["unit"] and "its own shear modulus" in tail[3]["settings"]["unit"]
    assert tail[2]["reading"] == "extreme value, kappa free (withdrawn primary; joint over N = 1000, 2000, 4000, 8000)"
    assert "pooled" not in out  # only three of the four points were read
    steep_s2 = out["points"]["minf_tinf"]["schirmacher.high-tstar-s2-absolute"][0]
    assert 5.0 < steep_s2["value"] < 7.0
    taper = out["pairs"]["tinf"]["schirmacher.high-tstar-taper-0-absolute"]
    assert taper[0]["value"] < -2.0 and taper[0]["verdict"] == "refuted" and taper[0]["pairs_left_out_unstable"] == 1
    assert taper[0]["settings"]["samples_used"] == [299, 299]
    density = out["points"]["m2_tinf"]["lerner.finite-size-density-absolute"]
    assert density[0]["expect"] == "> 1" and density[0]["verdict"] in ("supported", "refuted", "inconclusive")
    assert density[0]["settings"]["x_edge"] == 0.15 and density[1]["settings"]["x_edge"] == 0.18
    assert out["registered"] == "2026-11-27T10:45Z" and "2026-11-27T11:00Z" in out["amendments"]
    # s(omega) beside the verdicts (descriptive), in the ladder's bands; drawn with the unread protocol's panel
    # saying why it is empty
    curve = out["points"]["m2_tinf"]["s_of_omega"]
    assert [c["band"] for c in curve] == [[a, b] for a, b in zip(study.BAND_EDGES, study.BAND_EDGES[1:])]
    assert all(c["interval"][0] <= c["value"] <= c["interval"][1] for c in curve if c["status"] == "ok")
    window = out["points"]["m2_tinf"]["schirmacher.high-tstar-s2-absolute"][0]["settings"]["modes"]
    assert sum(c["modes"] for c in curve if c["band"][1] <= 0.29) == window  # the bands partition (0, 0.29]
    fig = study.figure(out, tmp_path / "s.png", "confirmatory")
    assert (tmp_path / "s.png").stat().st_size > 0
    assert "not read yet" in " ".join(t.get_text() for t in fig.axes[0].texts)
