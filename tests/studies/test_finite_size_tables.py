"""The findings page's s(N) tables are the rendering of the results file (``studies/finite_size_tables.py``)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from script_loader import load_script

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def tables():
    return load_script("studies/finite_size_tables.py", "finite_size_tables_study")


@pytest.fixture(scope="module")
def result():
    return json.loads((ROOT / "studies" / "results" / "finite_size.json").read_text())


def test_the_page_on_main_holds_the_tables_of_the_results_on_main(tables, capsys):
    # fails when an analysis is committed without its tables, or a table number is typed by hand
    assert tables.main(["--check"]) == 0, capsys.readouterr().out


def test_check_finds_a_number_typed_by_hand_and_the_rewrite_mends_it(tables, tmp_path, capsys):
    page = (ROOT / "docs" / "findings" / "finite-size.md").read_text()
    row = next(line for line in page.split("\n") if line.startswith("| 1000 | 2 | 20 | "))
    edited = page.replace(row, row.replace("| 20 |", "| 21 |", 1), 1)
    path = tmp_path / "page.md"
    path.write_text(edited)
    assert tables.main(["--check", "--page", str(path)]) == 1
    assert "differ" in capsys.readouterr().out
    assert tables.main(["--page", str(path)]) == 0
    assert path.read_text() == page
    assert tables.main(["--check", "--page", str(path)]) == 0


def test_numbers_are_written_with_a_typographic_minus_and_no_negative_zero(tables):
    assert tables.number(-0.523) == "−0.52"
    assert tables.number(-0.001) == "0.00"
    assert tables.number(3.14159, 3) == "3.142"
    assert tables.interval(-0.5, -1.25, 0.25) == "−0.50 [−1.25, 0.25]"
    assert tables.interval(3.0, None, None) == "3.00"
    assert tables.interval(3.0, float("nan"), 4.0) == "3.00"
    assert tables.number(0.26, signed=True) == "+0.26"
    assert tables.number(-0.001, signed=True) == "0.00"
    assert tables.interval(-0.2, -1.14, 0.7, signed=True) == "−0.20 [−1.14, +0.70]"


def test_the_taper_difference_table_lists_every_protocol_and_size_with_both_verdicts(tables, result):
    rows = tables.taper_difference(result).split("\n")[2:]
    assert len(rows) == len(result["taper_difference"])
    assert [row.split(" | ")[0] for row in rows] == sorted(
        (row.split(" | ")[0] for row in rows), key=lambda t: ["| T_d", "| 1", "| ∞", "| control's T_d"].index(t)
    )
    first = rows[0].split(" | ")
    entry = next(
        d for d in result["taper_difference"] if d["parent_temperature"] == tables.T_D and d["n_particles"] == 1000
    )
    assert first[3] == (
        f"{tables.interval(entry['value'], entry['low'], entry['high'], signed=True)}: "
        f"{entry['verdict_equal_0']} / {entry['verdict_equal_plus_1']}"
    )


def test_a_trend_not_assessed_gives_its_reason(tables, result):
    rows = tables.across_sizes(result).split("\n")[2:]
    entries = [a["count scaling c=0.5"] for a in result["across_sizes"]]
    assert sum("not assessed: N = " in row for row in rows) == sum(e["status"] != "ok" for e in entries)


def test_sweep_counts_round_to_ten_halves_up_with_spaces_from_ten_thousand(tables):
    assert tables.sweeps(605.0) == "610"
    assert tables.sweeps(604.9) == "600"
    assert tables.sweeps(9994.0) == "9990"
    assert tables.sweeps(11_075.0) == "11 080"


def test_a_point_not_assessed_says_so_with_its_mode_count(tables, result):
    point = copy.deepcopy(tables.point_at(result, "1", 16000, 2))
    assert point["primary"]["status"] != "ok"  # 6 modes in the windows, 20 needed
    modes = point["estimates"]["mle c=0.5"]["diagnostics"]["n_modes"]
    assert tables.primary(point).endswith(f", not assessed ({modes} modes in the windows)")
    point["estimates"]["mle c=0.5"]["status"] = "ok"
    assert "not assessed" not in tables.primary(point)


def test_the_cost_to_the_target_counts_the_missing_units_at_the_measured_stage_times(tables, result):
    # a chain at T_d costs its structures' stage times; a sample at high T* its own
    chains = copy.deepcopy(tables.point_at(result, tables.T_D_CONTROL, 4000, 2))
    chains["stage_seconds_mean"] = {"monte_carlo": 3000.0, "lowest_modes": 600.0}  # 1 h a structure
    chains.update(n_chains=12, n_samples=60)  # 5 structures a chain: 5 h a chain
    estimate = {"met": False, "units_needed": 20}
    assert tables.unit_hours(chains) == pytest.approx(5.0)
    assert tables.cost_to_target(chains, estimate) == "20, 40.0 core-h more"
    sample = copy.deepcopy(tables.point_at(result, "1", 8000, 2))
    sample["stage_seconds_mean"] = {"monte_carlo": 50.0, "quench": 10.0}  # a minute a sample
    sample.update(n_chains=0, n_samples=20)
    assert tables.cost_to_target(sample, {"met": False, "units_needed": 37}) == "37, 17 core-min more"
    assert tables.cost_to_target(sample, {"met": False, "units_needed": 90}) == "90, 1.2 core-h more"
    assert tables.cost_to_target(sample, {"met": True, "units_needed": 12}) == "met"


def test_a_point_of_one_chain_has_a_drift_without_standard_error(tables, result):
    """The first chain of a new size (the control at N = 4000 began so): its row renders, saying why no s.e."""
    one = copy.deepcopy(result)
    point = tables.point_at(one, tables.T_D_CONTROL, 2000, 2)
    point["equilibrium"].update(chains=1, drift_stderr_of_mean=None)
    row = next(r for r in tables.equilibrium(one).split("\n") if r.startswith("| non-additive | 2000 | 2 | 1 |"))
    assert "(one chain: no s.e.)" in row and " ± " in row  # τ_α still has its spread over the segments
    point["equilibrium"]["drift_mean"] = None
    assert "not measured" in tables.equilibrium(one)


def test_a_size_left_out_of_the_comparisons_across_n_is_named_with_its_chains(tables, result):
    one = copy.deepcopy(result)
    entry = next(a for a in one["across_sizes"] if a["parent_temperature"] == "0.0716" and a["taper_order"] == 2)
    entry["sizes"] = [1000, 2000]
    entry["left_out"] = [{"n_particles": 4000, "chains": 1, "reason": "1 chains, fewer than 6"}]
    row = next(r for r in tables.across_sizes(one).split("\n") if "left out" in r)
    assert "| 1000 – 2000 (4000: 1 chain, left out) |" in row


def test_rows_follow_n_then_taper_two_before_infinity(tables, result):
    rows = tables.td_ladder(result).split("\n")[2:]
    keys = [tuple(row.split(" | ")[:2]) for row in rows]
    sizes = sorted({p["n_particles"] for p in result["points"] if p["parent_temperature"] == tables.T_D})
    assert sizes[:3] == [1000, 2000, 4000]
    assert keys == [(f"| {n}", m) for n in sizes for m in ("2", "∞")]


def test_the_control_ladder_lists_the_control_at_every_size_and_never_the_additive_model(tables, result):
    rows = tables.TABLES["control-ladder"][1](result).split("\n")[2:]
    sizes = sorted({p["n_particles"] for p in result["points"] if p["parent_temperature"] == tables.T_D_CONTROL})
    assert [tuple(row.split(" | ")[:2]) for row in rows] == [(f"| {n}", m) for n in sizes for m in ("2", "∞")]
    control = tables.point_at(result, tables.T_D_CONTROL, sizes[0], 2)
    assert (
        rows[0].split(" | ")[4]
        == tables.primary(control)
        != tables.primary(tables.point_at(result, tables.T_D, sizes[0], 2))
    )


def test_the_control_table_puts_each_model_under_its_own_header(tables, result):
    header, _, primary_row, *_ = tables.control(result, 2000).split("\n")
    additive = tables.point_at(result, tables.T_D, 2000, 2)
    assert f"m = 2, additive ({additive['n_chains']} chains)" in header.split(" | ")[2]
    assert primary_row.split(" | ")[2] == tables.primary(additive)


def test_a_missing_point_names_the_point_and_the_fix(tables, result):
    with pytest.raises(KeyError, match="no point at T\\* = 0.144, N = 16000, m = ∞.*rerun studies/finite_size.py"):
        tables.point_at(result, tables.T_D, 16000, -1)


@pytest.mark.parametrize(
    ("page", "message"),
    [
        (
            "text\n<!-- table: nonsense (studies/finite_size_tables.py) -->\n<!-- /table -->\n",
            "names table 'nonsense'; expected one of",
        ),
        ("text\n<!-- table: td-ladder (studies/finite_size_tables.py) -->\n| old |\n", "never closed"),
        ("a page with no markers\n", "marks no table"),
    ],
)
def test_bad_markers_are_refused_with_the_fix(tables, page, message):
    with pytest.raises(ValueError, match=message) as info:
        tables.update_page(page, tables.load_results())
    assert "Fix:" in str(info.value)


def test_a_missing_results_folder_is_named_with_the_fix(tables, tmp_path):
    with pytest.raises(
        FileNotFoundError, match="estimator_coverage.json: expected the results file.*Fix: pass --results"
    ):
        tables.load_results(tmp_path)


def test_the_sorting_table_gives_each_measure_its_own_precision_and_the_chains_that_hold_it(tables):
    entry = {"mean_slope": -2.0765, "low": -7.8948, "high": 2.8626, "mean_level": 28.93, "chains": 8}
    assert tables._slope(entry, "size_segregation", 61) == "−2.08 [−7.89, +2.86] (level 28.93, 8 chains)"
    entry = {"mean_slope": -0.00227, "low": -0.00336, "high": -0.00118, "mean_level": 1.2886, "chains": 61}
    assert tables._slope(entry, "segment_mean_energy", 61) == "−0.0023 [−0.0034, −0.0012] (level 1.289)"
    assert tables._slope({"trend": "not assessed (4 chains hold it, 6 needed)"}, "size_segregation", 11) == (
        "not assessed (4 chains hold it, 6 needed)"
    )
    result = {
        "points": [
            {
                "model": "additive",
                "n_particles": 2000,
                "taper_order": 2,
                "chains": 3,
                "status": "not assessed (3 chains, 6 needed)",
            }
        ],
        "pooled": {},
    }
    row = tables.sorting_trend(result).split("\n")[2]
    assert row.count("not assessed (3 chains, 6 needed)") == len(tables.SORTING_MEASURES) + 1


def test_the_coverage_tables_give_each_case_its_count_of_intervals_that_held(tables):
    result = tables.load_results()["estimator_coverage.json"]
    rows = tables.coverage(result).split("\n")[2:]
    assert len(rows) == len(result["scenarios"])
    five = next(row for row in rows if "5 chains × 5" in row).split(" | ")
    mle = result["scenarios"]["goe_5_chains_memory_0.7"]["methods"]["bootstrap_groups"]
    assert five[1] == f"{tables.number(mle['coverage'])} ({mle['covered']}/80)"
    assert mle["covered"] / 80 == mle["coverage"]
    paired = tables.paired_coverage(result).split("\n")[2:]
    assert len(paired) == len(result["paired"]["scenarios"]) and all(row.count("/60)") == 3 for row in paired)


def test_the_expanded_column_shows_a_dash_for_scenarios_run_before_the_method(tables):
    result = copy.deepcopy(tables.load_results()["estimator_coverage.json"])
    for section in (result["scenarios"], result["debye_excess"]["scenarios"]):
        for entry in section.values():
            entry["methods"].pop("bootstrap_groups_expanded", None)
        section["goe_6_chains_memory_0.7"]["methods"]["bootstrap_groups_expanded"] = {"coverage": 0.9625, "covered": 77}
    rows = [row.split(" | ") for row in tables.coverage(result).split("\n")[2:]]
    six = next(row for row in rows if "6 chains × 5" in row[0])
    assert six[3] == "0.96 / 0.96"
    assert all(row[3] == "– / –" for row in rows if row is not six)


def test_point_verdicts_name_a_verdict_the_expanded_interval_turns(tables, result):
    changed = copy.deepcopy(result)
    point = tables.point_at(changed, "1", 1000, 2)
    assert point["verdicts"]["schirmacher.high-parent-temperature-s2"] == "refuted"
    point["verdicts_expanded"]["schirmacher.high-parent-temperature-s2"] = "inconclusive"
    row = next(r for r in tables.point_verdicts(changed).split("\n") if r.startswith("| 1000 | 2 | 1 |"))
    assert "| refuted; expanded: **inconclusive** |" in row
    # a results file analysed before the amendment: said, not guessed
    del point["verdicts_expanded"], point["primary"]["interval_expanded"]
    row = next(r for r in tables.point_verdicts(changed).split("\n") if r.startswith("| 1000 | 2 | 1 |"))
    assert "/ not computed |" in row and "refuted (expanded: not computed)" in row


def test_a_difference_names_a_verdict_its_expanded_interval_turns(tables, result):
    changed = copy.deepcopy(result)
    entry = next(
        d for d in changed["taper_difference"] if d["parent_temperature"] == tables.T_D and d["n_particles"] == 2000
    )
    assert entry["verdict_equal_plus_1"] == "refuted"
    entry["verdict_equal_plus_1_expanded"] = "inconclusive"
    entry["verdict_equal_0_expanded"] = entry["verdict_equal_0"]
    row = next(r for r in tables.taper_difference(changed).split("\n") if r.startswith("| T_d | 2000 |"))
    assert f": {entry['verdict_equal_0']} / refuted (expanded: **inconclusive**) |" in row


def test_the_standing_table_counts_the_narrow_intervals_that_hold_each_sides_value(tables, result):
    def row(res, t="1", n=8000):
        return next(r for r in tables.standing(res).split("\n")[2:] if r.startswith(f"| {t} | {n} |")).split(" | ")

    before = row(result)[-1].rstrip(" |")
    seed, rival = (int(part.split(" of ")[0]) for part in before.split(" / "))
    edited = copy.deepcopy(result)
    point = tables.point_at(edited, "1", 8000, 2)
    m = point["estimates"]["mle c=0.7"]["measurement"]
    held_4 = m["low"] <= 4.0 <= m["high"]
    m["low"], m["high"] = 1.9, 2.1  # now it holds the seed's 2 and not 4
    assert row(edited)[-1].rstrip(" |") == f"{seed + 1} of 4 / {rival - held_4} of 4"
    point["estimates"]["debye excess"]["status"] = "inconclusive"  # not assessed: counted in neither side
    assert row(edited)[-1].rstrip(" |").endswith(" of 3")
    assert "not assessed" in row(edited)[-2]
    # at T_d the seed expects 3 + 2/m: each taper's value, m = 2 first; at high T* one value for both
    assert row(result, "T_d", 1000)[3].startswith("4 / 3: ")
    assert row(result)[3].startswith("2: ")
    assert len(tables.standing(result).split("\n")[2:]) == len(
        {(p["parent_temperature"], p["n_particles"]) for p in result["points"]}
    )
