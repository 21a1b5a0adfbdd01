"""studies/finite_size.py on mock ladders with a known exponent (issue 25: the analysis, not the data)."""

from __future__ import annotations

import functools
import json
import math
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from vdosbench.generators.glasses.lowest_mode_glasses import STAGES
from vdosbench.generators.theory.mock_spectrum import DEFAULT_PREFACTOR, mock_glass_spectra

from script_loader import load_script


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    module = load_script("studies/finite_size.py", "finite_size_study")
    module.N_BOOTSTRAP = 200
    return module


def _point(n: int, exponent: float, n_samples: int, seed: int) -> xr.Dataset:
    """A mock point in the layout of the soft_spheres_lowest parts (eigenvalues, moduli, mode measures)."""
    return _built_point(n, exponent, n_samples, seed).copy(deep=True)


@pytest.fixture(scope="module", autouse=True)
def _drop_the_drawn_points():  # noqa: ANN202
    """The drawn points are kept while this file runs, not for the rest of the worker's tests."""
    yield
    _built_point.cache_clear()


@functools.lru_cache(maxsize=None)
def _built_point(n: int, exponent: float, n_samples: int, seed: int) -> xr.Dataset:
    # drawing the mock spectra is nearly all of this file's time (~0.04 s of CPU a sample at N = 1000; the
    # analyses take a tenth of a second), and some points are drawn by two tests or twice in one; each call of
    # _point gets its own deep copy, so no test sees another's changes
    m = mock_glass_spectra(n, n_samples, exponent=exponent, k=80, seed=seed, prefactor=4 * DEFAULT_PREFACTOR)
    lam = np.concatenate([np.zeros((n_samples, 3)), m.omega**2], axis=1)
    zero = np.zeros(lam.shape, bool)
    zero[:, :3] = True
    nan3 = np.full((n_samples, 3), np.nan)
    return xr.Dataset(
        {
            "eigenvalue": (("sample", "mode"), lam),
            "zero_mode": (("sample", "mode"), zero),
            "shear_modulus": ("sample", m.shear_modulus),
            "longitudinal_modulus": ("sample", m.bulk_modulus + 4 * m.shear_modulus / 3),
            "participation_ratio": (("sample", "mode"), np.concatenate([nan3, m.participation], axis=1)),
            "box_length": ("sample", np.full(n_samples, (n / m.density) ** (1 / 3))),
            "inherent_energy": ("sample", np.zeros(n_samples)),
            "stage_seconds": (("sample", "stage"), np.ones((n_samples, len(STAGES)))),
        },
        coords={"sample": np.arange(n_samples), "site": np.arange(n), "stage": list(STAGES)},
        attrs={"spatial_dimension": 3, "generator": "soft_spheres_lowest"},
    )


def test_the_study_recovers_a_size_independent_mock_exponent_and_no_taper_difference(study) -> None:  # noqa: ANN001
    points = {(n, m, 1.0): _point(n, 4.0, 120, seed=10 * n + (m == 2)) for n in (1000, 2000) for m in (2, -1)}
    result = study.analyse(points)
    assert len(result["points"]) == 4
    for row in result["points"]:
        primary = row["primary"]
        assert primary["status"] == "ok"
        assert primary["interval"][0] <= 4.0 <= primary["interval"][1], row["n_particles"]
        assert row["verdicts"]["schirmacher.high-parent-temperature-s2"] == "refuted"
        assert row["verdicts"]["lerner.finite-size-s4"] in ("supported", "inconclusive")
    for taper in result["taper_difference"]:
        assert taper["low"] <= 0.0 <= taper["high"]
    for item in result["across_sizes"]:
        assert item["size_difference"]["low"] <= 0.0 <= item["size_difference"]["high"]


def test_a_taper_built_to_differ_is_found(study) -> None:  # noqa: ANN001
    # data built to fail the "no taper dependence" expectation: m = 2 has s = 4, m = inf has s = 2
    points = {(1000, 2, 1.0): _point(1000, 4.0, 150, seed=1), (1000, -1, 1.0): _point(1000, 2.0, 150, seed=2)}
    result = study.analyse(points)
    taper = result["taper_difference"][0]
    assert taper["low"] > 0.5 and taper["verdict_equal_0"] == "refuted"


def test_compact_form_round_trips_every_number_of_the_analysis(study, tmp_path: Path) -> None:  # noqa: ANN001
    points = {(1000, 2, 1.0): _point(1000, 4.0, 60, seed=5), (1000, -1, float("inf")): _point(1000, 3.0, 60, seed=6)}
    path = tmp_path / "compact.nc"
    study.export_compact(points, path)
    assert path.exists() and not path.with_suffix(".nc.part").exists()
    back = study.load_compact(path)
    assert sorted(back) == sorted(points)
    for key, ds in points.items():
        np.testing.assert_array_equal(back[key]["eigenvalue"].values, ds["eigenvalue"].values)
        assert back[key].sizes["site"] == ds.sizes["site"]
    a, b = study.analyse(points), study.analyse(back)
    assert [r["primary"] for r in a["points"]] == [r["primary"] for r in b["points"]]


def _chain_point(n: int, exponent: float, n_chains: int, seed: int, drift: float) -> xr.Dataset:
    """A mock T_d point: chains of 5 structures, each chain's energy-drift record."""
    ds = _point(n, exponent, 5 * n_chains, seed)
    chain = np.repeat(np.arange(n_chains), 5)
    ones = np.ones(5 * n_chains)
    return ds.assign(
        chain=("sample", chain),
        energy_drift=("sample", drift * ones),
        energy_drift_low=("sample", (drift - 0.002) * ones),
        energy_drift_high=("sample", (drift + 0.002) * ones),
        energy_drift_stderr=("sample", 0.001 * ones),
        energy_late_mean=("sample", 1.0 * ones),
        segment_tau_alpha=("sample", 9000.0 * ones),
        segment_fs_end=("sample", 0.1 * ones),
    )


def test_td_points_are_scored_on_the_td_claims_with_chains_as_units(study) -> None:  # noqa: ANN001
    points = {
        (1000, 2, 0.144): _chain_point(1000, 4.0, 24, seed=3, drift=-0.01),
        (1000, -1, 0.144): _chain_point(1000, 4.0, 24, seed=4, drift=0.0),
    }
    result = study.analyse(points)
    rows = {r["taper_order"]: r for r in result["points"]}
    assert set(rows[2]["verdicts"]) == {"schirmacher.taper-s3+2/m", "lerner.s4"}
    # each point states the exponent every claim expects there: 3 + 2/m for the seed at T_d, 4 for the rival view
    assert rows[2]["claim_values"] == {"schirmacher.taper-s3+2/m": 4.0, "lerner.s4": 4.0}
    assert rows[-1]["claim_values"] == {"schirmacher.taper-s3+2/m": 3.0, "lerner.s4": 4.0}
    assert rows[2]["n_chains"] == 24
    assert rows[-1]["verdicts"]["schirmacher.taper-s3+2/m"] == "refuted"  # s = 4 where the seed expects 3
    # beside them, the verdicts by the expanded percentile interval: the same replicates at wider levels
    for row in rows.values():
        (lo, hi), (lo_e, hi_e) = row["primary"]["interval"], row["primary"]["interval_expanded"]
        assert lo_e < lo <= hi < hi_e
        assert set(row["verdicts_expanded"]) == set(row["verdicts"])
        for claim, verdict in row["verdicts_expanded"].items():  # wider: a verdict can only turn inconclusive
            assert verdict in (row["verdicts"][claim], "inconclusive"), (claim, verdict)
    assert rows[2]["equilibrium"]["chains_falling"] == 24 and rows[-1]["equilibrium"]["chains_falling"] == 0
    assert rows[-1]["equilibrium"]["chains_drift_interval_contains_0"] == 24
    taper = result["taper_difference"][0]
    assert taper["settings"]["resampled"].startswith("chains")
    assert taper["verdict_equal_plus_1"] in ("refuted", "inconclusive") and taper["low"] <= 0.0 <= taper["high"]
    assert taper["expanded"][0] < taper["low"] <= taper["high"] < taper["expanded"][1]
    for claim in ("verdict_equal_0", "verdict_equal_plus_1"):
        assert taper[f"{claim}_expanded"] in (taper[claim], "inconclusive")


def test_a_size_with_too_few_chains_is_left_out_of_the_comparisons_across_n(study) -> None:  # noqa: ANN001
    """The first chain of a new N (the control at N = 4000 began so) must not become N_max with a one-chain
    interval: it is listed as left out, and the sizes with enough chains are compared as before."""
    points = {
        (1000, 2, 0.144): _chain_point(1000, 4.0, 8, seed=3, drift=0.0),
        (2000, 2, 0.144): _chain_point(2000, 4.0, 8, seed=5, drift=0.0),
    }
    before = study.analyse(points)["across_sizes"][0]
    after = study.analyse({**points, (4000, 2, 0.144): _chain_point(4000, 4.0, 1, seed=6, drift=0.0)})
    entry = after["across_sizes"][0]
    assert before["sizes"] == entry["sizes"] == [1000, 2000] and before["left_out"] == []
    assert entry["left_out"] == [{"n_particles": 4000, "chains": 1, "reason": "1 chains, fewer than 6"}]
    assert entry["size_difference"] == before["size_difference"]
    assert next(p for p in after["points"] if p["n_particles"] == 4000)["n_chains"] == 1  # still reported itself


def test_main_merges_compact_files_and_part_folders_later_input_winning(study, tmp_path: Path) -> None:  # noqa: ANN001
    # the committed compact form holds (1000, 2, 1); a ladder folder adds (1000, -1, 1) and regrows (1000, 2, 1)
    committed = tmp_path / "committed.nc"
    study.export_compact({(1000, 2, 1.0): _point(1000, 4.0, 40, seed=7)}, committed)
    ladder = tmp_path / "ladder"
    for m, n_samples, seed in ((-1, 50, 8), (2, 60, 9)):
        parts = ladder / "n1000" / "parts" / f"taper_order-{m}__parent_temperature-1"
        parts.mkdir(parents=True)
        ds = _point(1000, 4.0, n_samples, seed)
        for i in range(n_samples):
            ds.isel(sample=[i]).to_netcdf(parts / f"sample-{i:06d}.nc")
    out, compact = tmp_path / "out.json", tmp_path / "merged.nc"
    argv = [
        str(committed),
        str(ladder),
        "--out",
        str(out),
        "--figure",
        str(tmp_path / "f.png"),
        "--compact",
        str(compact),
    ]
    assert study.main(argv) == 0
    import json

    rows = {r["taper_order"]: r["n_samples"] for r in json.loads(out.read_text())["points"]}
    assert rows == {2: 60, -1: 50}  # the folder's 60 samples replaced the compact file's 40
    assert sorted(study.load_compact(compact)) == [(1000, -1, 1.0), (1000, 2, 1.0)]
    # one compact file alone is read, not rewritten
    assert (
        study.main(
            [
                str(compact),
                "--out",
                str(out),
                "--figure",
                str(tmp_path / "f.png"),
                "--compact",
                str(tmp_path / "unused.nc"),
            ]
        )
        == 0
    )
    assert not (tmp_path / "unused.nc").exists()
    # the compact form and a pending file merge into the compact form in one call (the landing workflow)
    pending = tmp_path / "pending.nc"
    study.export_compact({(2000, 2, 1.0): _point(2000, 4.0, 30, seed=10)}, pending)
    assert (
        study.main(
            [
                str(compact),
                str(pending),
                "--out",
                str(out),
                "--figure",
                str(tmp_path / "f.png"),
                "--compact",
                str(compact),
            ]
        )
        == 0
    )
    assert sorted(study.load_compact(compact)) == [(1000, -1, 1.0), (1000, 2, 1.0), (2000, 2, 1.0)]


def test_a_piece_run_with_first_sample_extends_the_compact_point_by_sample(study, tmp_path: Path) -> None:  # noqa: ANN001
    # the compact form holds samples 0-39; a folder run with --first-sample 30 holds 30-59: the merge has 60
    # samples, 0-29 from the compact form and 30-59 (the overlap too) from the folder
    whole = _point(1000, 4.0, 60, seed=7)
    committed = tmp_path / "committed.nc"
    study.export_compact({(1000, 2, 1.0): whole.isel(sample=slice(0, 40))}, committed)
    parts = tmp_path / "piece" / "n1000" / "parts" / "taper_order-2__parent_temperature-1"
    parts.mkdir(parents=True)
    # as in the generator's part files: per-site arrays on a site dimension without a coordinate
    piece = whole.isel(sample=slice(30, 60)).drop_vars("site").copy(deep=True)
    piece["diameter"] = (("sample", "site"), np.ones((30, 1000)))
    piece["shear_modulus"] = piece["shear_modulus"] + 1.0  # marks which side a sample came from
    for i in range(30, 60):
        piece.sel(sample=[i]).to_netcdf(parts / f"sample-{i:04d}.nc")
    merged = study.merge_points(study.load_compact(committed), study.load_points(tmp_path / "piece"))
    ds = merged[(1000, 2, 1.0)]
    assert ds["sample"].values.tolist() == list(range(60))
    np.testing.assert_allclose(ds["shear_modulus"].values[:30], whole["shear_modulus"].values[:30])
    np.testing.assert_allclose(ds["shear_modulus"].values[30:], whole["shear_modulus"].values[30:] + 1.0)
    np.testing.assert_array_equal(ds["eigenvalue"].values, whole["eigenvalue"].values)
    assert "site" not in ds.dims or "position" not in ds  # per-site arrays only where both sides hold them
    out = tmp_path / "out.json"
    assert (
        study.main(
            [
                str(committed),
                str(tmp_path / "piece"),
                "--out",
                str(out),
                "--figure",
                str(tmp_path / "f.png"),
                "--compact",
                str(tmp_path / "merged.nc"),
            ]
        )
        == 0
    )
    import json

    assert json.loads(out.read_text())["points"][0]["n_samples"] == 60
    assert study.load_compact(tmp_path / "merged.nc")[(1000, 2, 1.0)].sizes["sample"] == 60
    # --export-only lands the piece without an analysis; read after the compact form it gives the same merge
    assert (
        study.main(
            [
                str(tmp_path / "piece"),
                "--export-only",
                "--compact",
                str(tmp_path / "pending.nc"),
                "--out",
                str(tmp_path / "never.json"),
            ]
        )
        == 0
    )
    assert not (tmp_path / "never.json").exists()
    again = study.merge_points(study.load_compact(committed), study.load_compact(tmp_path / "pending.nc"))
    np.testing.assert_array_equal(again[(1000, 2, 1.0)]["shear_modulus"].values, ds["shear_modulus"].values)


def test_the_size_difference_gets_no_verdict_from_an_end_whose_primary_is_not_assessed(study) -> None:  # noqa: ANN001
    # the amendment of 26 Nov 2026: N = 8000 with 2 samples has too few modes in its windows for its own primary
    points = {(1000, 2, 1.0): _point(1000, 4.0, 120, seed=1), (8000, 2, 1.0): _point(8000, 4.0, 2, seed=2)}
    result = study.analyse(points)
    large = next(r for r in result["points"] if r["n_particles"] == 8000)
    assert large["primary"]["status"] != "ok"
    (item,) = result["across_sizes"]
    diff = item["size_difference"]
    assert diff["verdict_s_independent_of_N"] == "not assessed"
    assert diff["not_assessed_because"].startswith("N = 8000's primary: ")
    # both ends assessed: a verdict, and no reason given
    ok = study.analyse({(1000, 2, 1.0): _point(1000, 4.0, 120, seed=1), (2000, 2, 1.0): _point(2000, 4.0, 120, seed=3)})
    (item,) = ok["across_sizes"]
    assert item["size_difference"]["verdict_s_independent_of_N"] != "not assessed"
    assert "not_assessed_because" not in item["size_difference"]


def test_cost_benchmark_reads_stage_seconds_from_the_compact_form(study, tmp_path: Path) -> None:  # noqa: ANN001
    bench = load_script("speed/bench_finite_size.py", "bench_finite_size")
    points = {}
    for n in (1000, 2000, 4000):
        for t, b in ((1.0, 1.5), (float("inf"), 1.25)):
            ds = _point(n, 4.0, 6, seed=n)
            seconds = np.full((6, len(STAGES)), (n / 1000.0) ** b)
            points[(n, 2, t)] = ds.assign(stage_seconds=(("sample", "stage"), seconds))
    # a T_d chain point of the same file: 1000 times the cost, which pooled would move every median
    td = _point(2000, 4.0, 40, seed=7)
    points[(2000, 2, 0.144)] = td.assign(stage_seconds=(("sample", "stage"), np.full((40, len(STAGES)), 1000.0)))
    path = tmp_path / "compact.nc"
    study.export_compact(points, path)
    costs = bench.ladder_costs(path)
    assert costs["sizes"] == [1000, 2000, 4000]
    assert costs["median_seconds"]["2000"]["n_parts"] == 6  # the T_d chains left out ...
    assert costs["left_out"] == ["T* = 0.144"]  # ... and said so
    assert set(costs["by_parent_temperature"]) == {"1", "inf"}
    for t, b in (("1", 1.5), ("inf", 1.25)):
        for stage in (*STAGES, "total"):
            assert abs(costs["by_parent_temperature"][t]["exponent_b"][stage] - b) < 1e-9  # cost ∝ N^b built in
    assert costs["exponent_b"] == costs["by_parent_temperature"]["1"]["exponent_b"]


def test_cost_benchmark_ladder_only_keeps_the_timed_numbers(study, tmp_path: Path) -> None:  # noqa: ANN001
    bench = load_script("speed/bench_finite_size.py", "bench_finite_size")
    path = tmp_path / "compact.nc"
    ds = _point(1000, 4.0, 6, seed=1)
    study.export_compact(
        {(1000, 2, 1.0): ds.assign(stage_seconds=(("sample", "stage"), np.full((6, len(STAGES)), 2.0)))}, path
    )
    out = tmp_path / "cost.json"
    with pytest.raises(SystemExit):  # no record to update yet: refused, nothing written
        bench.main(["--ladder-only", "--ladder", str(path), "--out", str(out)])
    assert not out.exists()
    record = {"large": {"lu_seconds": 261.0}, "mc_rate_ratio": 0.95, "ladder": {"stale": True}}
    out.write_text(json.dumps(record))
    assert bench.main(["--ladder-only", "--ladder", str(path), "--out", str(out)]) == 0
    doc = json.loads(out.read_text())
    assert doc["large"] == record["large"] and doc["mc_rate_ratio"] == 0.95
    assert doc["ladder"]["median_seconds"]["1000"]["total"] == 2.0 * len(STAGES)
    assert "ladder" in doc["measured_at"]


def test_half_width_target_is_reported_with_a_projection_that_four_times_the_samples_confirms(study) -> None:  # noqa: ANN001
    small = study.analyse({(1000, 2, 1.0): _point(1000, 4.0, 100, seed=5)})["points"][0]["half_width"]
    large = study.analyse({(1000, 2, 1.0): _point(1000, 4.0, 400, seed=6)})["points"][0]["half_width"]
    assert small["target"] == 0.25 and small["units"] == 100 and large["units"] == 400
    p_small, p_large = small["primary"], large["primary"]
    assert p_small["estimator"] == study.PRIMARY
    assert p_small["half_width"] == small["half_widths"][study.PRIMARY]
    assert p_small["units_needed"] == int(np.ceil(100 * (p_small["half_width"] / 0.25) ** 2))
    assert p_small["met"] == (p_small["half_width"] <= 0.25)
    # the 1/sqrt(units) projection: four times the samples halve the half-width (within the bootstrap's noise)
    assert 0.35 < p_large["half_width"] / p_small["half_width"] < 0.65
    narrowest = small["narrowest"]
    assert narrowest["half_width"] == min(small["half_widths"].values()) <= p_small["half_width"]


def test_the_nonadditive_control_is_scored_at_its_own_td_and_compared_paired(study) -> None:  # noqa: ANN001
    same = {
        (1000, 2, 0.144): _chain_point(1000, 4.0, 24, seed=3, drift=0.0),
        (1000, 2, 0.0716): _chain_point(1000, 4.0, 24, seed=5, drift=0.0),
    }
    result = study.analyse(same)
    rows = {r["parent_temperature"]: r for r in result["points"]}
    assert set(rows["0.0716"]["verdicts"]) == {"schirmacher.taper-s3+2/m", "lerner.s4"}  # the T_d claims
    (model,) = result["model_difference"]
    assert model["taper_order"] == 2 and model["low"] <= 0.0 <= model["high"]
    assert model["verdict_equal_0"] != "refuted"
    # the same pairs by the two narrowest estimators, beside the primary (never a verdict)
    alternatives = model["alternatives"]
    assert set(alternatives) == {"mle c=0.7", "debye excess"}
    for alt in alternatives.values():
        assert alt["low"] <= 0.0 <= alt["high"] and alt["settings"]["resampled"].startswith("chains")
    assert "verdict_equal_0" not in alternatives["debye excess"]
    # built to fail: the control's s differs by 2 from the additive model's
    differ = {**same, (1000, 2, 0.0716): _chain_point(1000, 2.0, 24, seed=5, drift=0.0)}
    (model,) = study.analyse(differ)["model_difference"]
    assert model["low"] > 0.5 and model["verdict_equal_0"] == "refuted"
    assert model["expanded"][0] < model["low"] and model["verdict_equal_0_expanded"] in ("refuted", "inconclusive")
    assert model["alternatives"]["mle c=0.7"]["low"] > 0.5
    # an estimator that cannot measure a pair says why (the s = 2 mock's 120 modes end below 0.9 omega0)
    short = model["alternatives"]["debye excess"]
    assert short["status"] == "not measured" and "stored modes stop" in short["reason"]


def test_a_chain_interrupted_between_its_part_writes_is_left_out(study, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    # chains of 5 structures: 3 whole chains (samples 0-14) and the first 2 part files of an interrupted one
    parts = tmp_path / "ladder" / "n1000" / "parts" / "taper_order-2__parent_temperature-0.144"
    parts.mkdir(parents=True)
    ds = _point(1000, 4.0, 17, seed=3).assign(chain=("sample", np.arange(17) // 5)).assign_attrs(chain_samples=5)
    for i in range(17):
        ds.isel(sample=[i]).to_netcdf(parts / f"sample-{i:06d}.nc")
    point = study.load_points(tmp_path / "ladder")[(1000, 2, 0.144)]
    assert point["sample"].values.tolist() == list(range(15))
    assert "left out chain(s) [3] with [2] of their 5 structures" in capsys.readouterr().out
    # a point of independent samples (no chain variable) is read whole
    assert study.whole_chains(ds.drop_vars("chain")).sizes["sample"] == 17
    # a folder of 5 part files from two unfinished chains (3 and 2 structures) has no point
    lone = tmp_path / "lone" / "n1000" / "parts" / "taper_order-2__parent_temperature-0.144"
    lone.mkdir(parents=True)
    for i in (0, 1, 2, 15, 16):
        ds.isel(sample=[i]).to_netcdf(lone / f"sample-{i:06d}.nc")
    assert study.load_points(tmp_path / "lone") == {}


def test_the_legend_names_every_estimator_drawn_in_any_panel(study, tmp_path: Path) -> None:  # noqa: ANN001
    # the first panel (m = 2, T* = 1) draws only c = 0.5; the second (T* = inf) also c = 0.3
    def point(t: str, drawn: tuple[str, ...]) -> dict:
        estimates = {
            name: {
                "status": "ok" if name in drawn else "inconclusive",
                "measurement": {"value": 3.0, "low": 2.5, "high": 3.5},
            }
            for name in ("mle c=0.3", "mle c=0.5")
        }
        return {
            "n_particles": 1000,
            "taper_order": 2,
            "parent_temperature": t,
            "estimates": estimates,
            "lowest_k_10": {"mle": {"value": 2.5}},
        }

    import matplotlib.pyplot as plt

    fig = study.figure(
        {"points": [point("1", ("mle c=0.5",)), point("inf", ("mle c=0.3", "mle c=0.5"))]}, tmp_path / "s.png"
    )
    labels = [text.get_text() for text in fig.axes[0].get_legend().get_texts()]
    plt.close(fig)
    assert labels == ["lowest 10 (old)", "mle c=0.3", "mle c=0.5"]
    assert (tmp_path / "s.png").stat().st_size > 0


def test_export_only_prints_each_chains_drift_and_no_exponent(study, tmp_path, capsys) -> None:  # noqa: ANN001
    point = _chain_point(1000, 4.0, 3, seed=5, drift=-0.004)
    point["energy_drift"] = point["energy_drift"] + 0.001 * point["chain"]  # one drift per chain, told apart
    assert study.chain_drifts(point) == [(0, -0.004, 0.001), (1, -0.003, 0.001), (2, -0.002, 0.001)]
    assert study.chain_drifts(_point(1000, 4.0, 10, seed=5)) == []  # a high-T* point has no chains
    compact = tmp_path / "in.nc"
    study.export_compact({(1000, 2, 0.144): point}, compact)
    assert study.main([str(compact), "--export-only", "--compact", str(tmp_path / "pending.nc")]) == 0
    out = capsys.readouterr().out
    assert "n1000_m2_t0.144: 3 chains, energy drift e/N over the last half: 0 -0.0040 ± 0.0010; 1 -0.0030" in out
    assert "s =" not in out and "s[" not in out


def test_sizes_takes_only_those_n_from_a_piece_folder(study, tmp_path: Path) -> None:  # noqa: ANN001
    # a queue piece folder (from40-m2-t1/) holds n4000/ landed before and n8000/ now: --sizes lands n8000 alone,
    # and a compact input is still read whole
    piece = tmp_path / "from40-m2-t1"
    for n, seed in ((1000, 3), (2000, 4)):
        parts = piece / f"n{n}" / "parts" / "taper_order-2__parent_temperature-1"
        parts.mkdir(parents=True)
        ds = _point(n, 4.0, 6, seed)
        for i in range(6):
            ds.isel(sample=[i]).to_netcdf(parts / f"sample-{i:06d}.nc")
    pending = tmp_path / "pending.nc"
    study.export_compact({(1000, -1, 1.0): _point(1000, 4.0, 6, seed=5)}, pending)
    argv = [str(pending), str(piece), "--export-only", "--compact", str(tmp_path / "out.nc")]
    assert study.main([*argv, "--sizes", "2000"]) == 0
    assert sorted(study.load_compact(tmp_path / "out.nc")) == [(1000, -1, 1.0), (2000, 2, 1.0)]
    assert study.main(argv) == 0  # without it, every N of the folder
    assert sorted(study.load_compact(tmp_path / "out.nc")) == [(1000, -1, 1.0), (1000, 2, 1.0), (2000, 2, 1.0)]


def test_every_verdict_reads_a_claim_of_the_registration(study) -> None:  # noqa: ANN001
    """The s(N) rules live in benchmark/registrations/finite-size.toml (issue 54 item 2): each verdict key of a point
    names a registered claim, whose expectation gives the value the point is judged against."""
    from vdosbench.benchmark import load_registration

    rules = load_registration("finite-size")
    for m, t in ((2, 1.0), (-1, math.inf), (2, study.T_D), (-1, study.T_D), (2, study.T_D_NONADDITIVE)):
        for key, claim in study.point_claims(m, t).items():
            assert study.claim_values(m, t)[key] == rules.claim(claim).expect.value
    assert study.claim_values(-1, study.T_D)["schirmacher.taper-s3+2/m"] == 3.0
    assert {c.expect.tolerance for c in rules.claims.values()} == {study.TOLERANCE} == {0.5}
