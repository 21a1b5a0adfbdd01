"""studies/sorting_trend.py (issue 25 items 4, 5): slopes along chains, the rule's trends, and a run on part files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from script_loader import load_script


@pytest.fixture(scope="module")
def study():  # noqa: ANN201
    return load_script("studies/sorting_trend.py", "sorting_trend_study")


def _rows(study, n_chains: int, energy_slope: float, sorting_slope: float, noise: float, seed: int = 0) -> dict:  # noqa: ANN001
    """5 structures per chain 0.285e5 sweeps apart, every measure a line of the given slope (per 1e5) plus noise."""
    rng = np.random.default_rng(seed)
    sweep = np.tile(380_000 + 28_500 * np.arange(5), n_chains).astype(float)
    chain = np.repeat(np.arange(n_chains), 5)
    x = sweep / study.SWEEP_UNIT
    rows = {"chain": chain, "sweep": sweep}
    for name, slope, level in (
        ("segment_mean_energy", energy_slope, 1.23),
        ("inherent_energy", energy_slope, 1.02),
        ("size_neighbour_correlation", sorting_slope, 0.35),
        ("size_segregation", sorting_slope, 17),
    ):
        rows[name] = level + slope * x + noise * rng.standard_normal(x.size)
    return rows


def test_slopes_are_recovered_per_chain(study) -> None:  # noqa: ANN001
    slopes = study.chain_slopes(_rows(study, 8, -0.003, 0.01, 0.0))
    assert slopes["chain"].tolist() == list(range(8))
    np.testing.assert_allclose(slopes["inherent_energy"], -0.003, atol=1e-12)
    np.testing.assert_allclose(slopes["size_neighbour_correlation"], 0.01, atol=1e-12)
    np.testing.assert_allclose(slopes["size_segregation_level"], 17 + 0.01 * 4.37, atol=1e-9)


def test_a_chain_still_running_is_left_out(study) -> None:  # noqa: ANN001
    rows = _rows(study, 3, -0.003, 0.01, 0.0)
    keep = np.ones(15, bool)
    keep[-2:] = False  # chain 2 has 3 of its 5 structures
    slopes = study.chain_slopes({k: v[keep] for k, v in rows.items()})
    assert slopes["chain"].tolist() == [0, 1]


def test_the_rule_reads_falling_energy_and_growing_sorting(study) -> None:  # noqa: ANN001
    summary = study.point_summary(study.chain_slopes(_rows(study, 20, -0.003, 0.01, 0.0005)))
    assert summary["status"] == "ok"
    assert summary["slopes"]["inherent_energy"]["trend"] == "falls"
    assert summary["slopes"]["size_neighbour_correlation"]["trend"] == "grows"
    e = summary["slopes"]["inherent_energy"]
    assert e["low"] < -0.003 < e["high"]


def test_flat_chains_show_no_trend_and_few_chains_are_not_assessed(study) -> None:  # noqa: ANN001
    flat = study.point_summary(study.chain_slopes(_rows(study, 20, 0.0, 0.0, 0.002, seed=3)))
    assert {s["trend"] for s in flat["slopes"].values()} == {"no trend resolved"}
    few = study.point_summary(study.chain_slopes(_rows(study, 5, -0.003, 0.01, 0.0)))
    assert few["status"].startswith("not assessed (5 chains")


def test_the_link_is_negative_when_sorting_chains_deepen(study) -> None:  # noqa: ANN001
    rows = _rows(study, 20, 0.0, 0.0, 0.0)
    x = rows["sweep"] / study.SWEEP_UNIT
    rate = np.repeat(np.linspace(0, 0.02, 20), 5)  # chain c sorts at rate_c and deepens with it
    rows["size_neighbour_correlation"] = 0.35 + rate * x
    rows["inherent_energy"] = 1.02 - 0.2 * rate * x
    link = study.point_summary(study.chain_slopes(rows))["link_spearman_inherent_vs_neighbour"]
    assert link["value"] == pytest.approx(-1.0)
    assert link["high"] < 0


def _write_ladder(root: Path, n_chains: int, sort_rate: float) -> None:
    """Part files as td_ladder_queue.sh writes them (one structure each), N = 64, sorted by x at a chain's rate."""
    folder = root / "n64" / "parts" / "taper_order-2__parent_temperature-0.144"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(1)
    k = 0
    for c in range(n_chains):
        diameter = rng.uniform(0.8, 1.2, 64)
        for j in range(5):
            pos = rng.uniform(0, 4.0, (64, 3))
            d = rng.permutation(diameter)
            subset = rng.choice(64, int(sort_rate * j * 64), replace=False)  # sorted by x among themselves:
            d[subset[np.argsort(pos[subset, 0])]] = np.sort(d[subset])[::-1]  # more of them each structure
            ds = xr.Dataset(
                {
                    "chain": ("sample", [c]),
                    "mc_sweep": ("sample", [380_000 + 28_500 * j]),
                    "segment_mean_energy": ("sample", [1.2 - 0.001 * j]),
                    "inherent_energy": ("sample", [1.0 - 0.001 * j]),
                    "size_neighbour_correlation": ("sample", [0.3 + 0.01 * j]),
                    "position": (("sample", "site", "spatial"), pos[None]),
                    "diameter": (("sample", "site"), d[None]),
                    "box_length": ("sample", [4.0]),
                },
                coords={"sample": [k]},
            )
            ds.to_netcdf(folder / f"sample-{k:04d}.nc")
            k += 1


def test_end_to_end_on_part_files(study, tmp_path: Path) -> None:  # noqa: ANN001
    _write_ladder(tmp_path / "td_ladder", 6, 0.2)
    out = tmp_path / "sorting.json"
    assert study.main([str(tmp_path / "td_ladder"), "--out", str(out)]) == 0
    result = json.loads(out.read_text())
    (point,) = result["points"]
    assert point["model"] == "additive" and point["n_particles"] == 64 and point["chains"] == 6
    assert point["slopes"]["size_segregation"]["trend"] == "grows"  # box-scale sorting built in
    assert point["slopes"]["inherent_energy"]["trend"] == "falls"
    assert result["pooled"]["additive"]["chains"] == 6
    assert result["pooled"]["additive"]["link_spearman_inherent_vs_neighbour"]["value"] is None  # same slope in all


def test_a_folder_without_parts_says_what_to_pass(study, tmp_path: Path) -> None:  # noqa: ANN001
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="Fix: pass the ladder's folder"):
        study.load_chain_points([tmp_path / "empty"])


def test_compact_chains_and_a_later_piece_merge_by_sample(study, tmp_path: Path) -> None:  # noqa: ANN001
    # chains 0-5 only in a compact file (no positions: no segregation), chains 6-11 as part files of a piece
    _write_ladder(tmp_path / "td_ladder_nonadditive", 12, 0.2)
    folder = next((tmp_path / "td_ladder_nonadditive").glob("n64/parts/*"))
    first = sorted(folder.glob("sample-*.nc"))[:30]
    early = xr.concat([xr.open_dataset(f).load() for f in first], "sample")
    early = early.assign_coords(site=np.arange(64)).assign_attrs(non_additivity=0.2)
    finite_size = study.finite_size
    finite_size.export_compact({(64, 2, 0.144): finite_size.with_size_segregation(early)}, tmp_path / "c.nc")
    with xr.open_dataset(tmp_path / "c.nc", group="n64_m2_t0.144") as c:
        assert "size_segregation" in c and "position" not in c  # the compact form keeps the derived measure
    compact = tmp_path / "compact.nc"
    finite_size.export_compact({(64, 2, 0.144): early}, compact)  # as the forms written before it was kept
    for f in first:
        f.unlink()
    result = study.analyse([compact, tmp_path / "td_ladder_nonadditive"])
    (point,) = result["points"]
    assert point["model"] == "non-additive" and point["structures"] == 60 and point["chains"] == 12
    assert point["slopes"]["inherent_energy"]["chains"] == 12
    seg = point["slopes"]["size_segregation"]
    assert seg["chains"] == 6 and seg["trend"] == "grows"  # only the piece's chains hold it
    early_only = study.analyse([compact])["points"][0]["slopes"]["size_segregation"]
    assert early_only == {"trend": "not assessed (0 chains hold it, 6 needed)", "chains": 0}


def test_the_slope_interval_covers_a_known_mean_at_the_pooled_chain_count() -> None:
    coverage = load_script("studies/sorting_trend_coverage.py", "sorting_trend_coverage_study").coverage
    row = coverage("normal", 104, trials=40)
    assert row["chains"] == 104 and row["trials"] == 40
    assert 0.85 <= row["coverage"] <= 1.0


def test_the_rule_is_read_from_its_registration(study) -> None:  # noqa: ANN001
    """benchmark/registrations/sorting-trend.toml holds the numbers; the study reads them (issue 54 item 2)."""
    from vdosbench.benchmark import load_registration
    from vdosbench.validators.results.result import MIN_GROUPS

    rule = load_registration("sorting-trend").claim("equilibrium.sorting-trend")
    assert study.GROWS == rule.expect and rule.expect.describe() == "> 0"
    assert (study.SWEEP_UNIT, study.N_BOOTSTRAP, study.CONFIDENCE) == (1e5, 2000, 0.95)
    assert study.MIN_GROUPS == rule.settings["min_chains"] == MIN_GROUPS
