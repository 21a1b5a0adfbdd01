"""vdosbench score places a scored set on our axes (issue 63 item 9, benchmark/placement.py): deep band, shoulder and
A_4 in the set's own ensemble G, with ours at the nearest protocol beside it; known answers on mocks, the table of
ours against the registered readings, the choice of ours, and the report."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from vdosbench.benchmark.placement import axes_reading, load_reference, nearest_protocols, place_dataset
from vdosbench.cli import main
from vdosbench.validators import mode_spectra_from_dataset

ROOT = Path(__file__).resolve().parents[2]


def _point(
    n: int,
    samples: int,
    g: float,
    a4: float,
    *,
    seed: int,
    exponent: float = 4.0,
    x_max: float = 0.3,
    scatter: float = 0.0,
) -> xr.Dataset:
    """One point (ρ = 1, three translations): below x_max·ω_g (ω_g = √g of the ensemble G), Poisson levels with
    g(x) = a4 x^s per particle; above, plane-wave levels from ω₀ up.  ``scatter``: each sample's G spread around
    g (its soft modes do not follow it, so per-sample units would move them)."""
    rng = np.random.default_rng(seed)
    box, k = n ** (1 / 3), 40
    gs = g * (1 + scatter * rng.standard_normal(samples))
    w = np.empty((samples, k))
    for i, c in enumerate(rng.poisson(n * a4 * x_max ** (exponent + 1) / (exponent + 1), samples)):
        c = min(int(c), k)
        soft = np.sort(x_max * rng.random(c) ** (1 / (exponent + 1))) * math.sqrt(g)
        w[i] = np.concatenate([soft, 2 * math.pi * math.sqrt(gs[i]) / box * (1 + 0.01 * np.arange(k - c))])
    return xr.Dataset(
        {
            "eigenvalue": (("sample", "mode"), np.concatenate([np.zeros((samples, 3)), np.sort(w, axis=1) ** 2], 1)),
            "zero_mode": (("sample", "mode"), np.tile(np.arange(k + 3) < 3, (samples, 1))),
            "shear_modulus": ("sample", gs),
            "box_length": ("sample", np.full(samples, box)),
        },
        coords={"sample": np.arange(samples), "site": np.arange(n)},
        attrs={"spatial_dimension": 3},
    )


def test_a_mock_with_known_exponents_and_a4_is_read_back_in_its_ensemble_unit() -> None:
    # N = 1000: both bands phonon-free; s = 4 everywhere, A_4 = 6 in the unit of the ensemble G = 3
    ds = _point(1000, 1500, 3.0, 6.0, seed=1, scatter=0.05)
    r = axes_reading(mode_spectra_from_dataset(ds), n_bootstrap=300)
    assert r["unit_shear_modulus"] == pytest.approx(3.0, rel=0.01)
    for axis, truth in (("deep band", 4.0), ("shoulder", 4.0), ("A_4", 6.0)):
        lo, hi = r[axis]["interval"]
        assert r[axis]["status"] == "ok" and lo - (hi - lo) / 2 < truth < hi + (hi - lo) / 2, (axis, r[axis])
    # N = 8000: the shoulder lies above 0.6 omega0 and says so; the deep band is still read
    big = axes_reading(mode_spectra_from_dataset(_point(8000, 200, 3.0, 6.0, seed=2)), n_bootstrap=100)
    assert big["shoulder"]["status"] == "not phonon-free" and big["shoulder"]["value"] is None
    assert big["deep band"]["samples_used"] == 200


def test_a_shallower_tail_is_not_placed_at_four() -> None:
    """Built to fail: s = 3 on both bands reads below 3.5 on the shoulder."""
    r = axes_reading(mode_spectra_from_dataset(_point(1000, 1500, 3.0, 2.0, seed=3, exponent=3.0)), n_bootstrap=300)
    assert r["shoulder"]["interval"][1] < 3.5, r["shoulder"]


def test_our_table_gives_the_registered_deep_band_readings_of_the_confirmatory_sets() -> None:
    """The shipped table is made by the same function as a placement: at the four N = 2000 confirmatory points it
    gives amendment 3's registered deep-band readings (studies/results/absolute_frequency_confirm.json)."""
    confirm = json.loads((ROOT / "studies" / "results" / "absolute_frequency_confirm.json").read_text())
    rows = {r["point"]: r for r in load_reference()["rows"]}
    for name, point in confirm["points"].items():
        taper, t = name.split("_t")
        ours = rows[f"soft-spheres T*={t} {taper} N=2000 [confirmatory]"]["deep band"]
        registered = point["lerner.deep-tail-s4-absolute"][0]
        assert ours["value"] == pytest.approx(registered["value"], rel=1e-9)
        assert ours["interval"] == pytest.approx(registered["interval"], rel=1e-9)


def test_ours_are_chosen_by_model_temperature_taper_and_size() -> None:
    rows = load_reference()["rows"]
    near = nearest_protocols(
        {"model": "soft_spheres", "parent_temperature": 0.9, "taper_order": -1, "n_particles": 3000}, rows
    )
    assert {(r["model"], r["parent_temperature"], r["taper_order"], r["n_particles"]) for r in near} == {
        ("soft-spheres", 1.0, -1, 4000)
    }
    control = nearest_protocols(
        {"model": "soft_spheres", "non_additivity": 0.2, "parent_temperature": 0.07, "n_particles": 1000}, rows
    )
    assert {r["model"] for r in control} == {"non-additive-soft-spheres"} and {r["taper_order"] for r in control} == {
        2,
        -1,
    }  # taper not declared: both
    unknown = nearest_protocols({"model": "glass", "parent_temperature": "inf", "n_particles": 16000}, rows)
    assert unknown and all(r["parent_temperature"] == "inf" and r["n_particles"] == 16000 for r in unknown)


def test_a_point_without_moduli_is_not_placed_and_says_why() -> None:
    ds = _point(1000, 10, 3.0, 6.0, seed=4).drop_vars("shear_modulus")
    [entry] = place_dataset(ds, n_bootstrap=50)
    assert entry["placed"] is False and "shear_modulus" in entry["why"]


def test_score_reports_the_placement_in_markdown_html_and_json(tmp_path: Path) -> None:
    ds = _point(1000, 300, 3.0, 6.0, seed=5)
    data = tmp_path / "third-party.npz"  # a third-party archive: modes and box, G declared (no G per sample)
    np.savez(
        data, eigenvalues=ds["eigenvalue"].values, box_length=ds["box_length"].values, zero_modes=3, spatial_dimension=3
    )
    out = tmp_path / "report"
    main(
        [
            "score",
            str(data),
            "--output",
            str(out),
            "--declare",
            "model=soft_spheres",
            "--declare",
            "parent_temperature=1.0",
            "--declare",
            "n_particles=1000",
            "--declare",
            "shear_modulus=3.0",
        ]
    )
    # (the exit status is the claims' business, not the placement's)
    md, html = (out / "report.md").read_text(), (out / "report.html").read_text()
    assert "## On our axes (no verdict)" in md and "ours: soft-spheres T\\*=1 m2 N=1000" in md
    assert "On our axes (no verdict)" in html and 'class="placement"' in html
    placed = json.loads((out / "result.json").read_text())["placements"]["third-party"]
    assert placed[0]["placed"] and placed[0]["reading"]["unit"].startswith("the point's ensemble G")
    assert {r["taper_order"] for r in placed[0]["ours"]} == {2, -1}


def test_the_residual_stress_stands_beside_the_deep_band_where_positions_are_stored() -> None:
    from vdosbench.benchmark.placement import placement_table
    from vdosbench.benchmark.residual_stress import with_residual_stress
    from vdosbench.validators import residual_stress

    with xr.open_dataset(ROOT / "reference-data" / "soft-spheres-lowest-n1000-td.nc") as ds:
        point = ds.sel(taper_order=2).isel(sample=slice(0, 20)).load()
    placed = place_dataset(point, n_bootstrap=50)
    stress = placed[0]["residual_stress"]
    want = residual_stress(with_residual_stress(point.squeeze(drop=True)), n_bootstrap=50).shear_stress
    assert stress["status"] == "ok" and stress["value"] == pytest.approx(want.value, rel=1e-12)
    row = placement_table(placed[0], "td")[0]
    assert row[4].startswith(f"{want.value:.3g} [")
    without = place_dataset(point.drop_vars("position"), n_bootstrap=50)[0]["residual_stress"]
    assert without["value"] is None and "no positions" in without["status"]
