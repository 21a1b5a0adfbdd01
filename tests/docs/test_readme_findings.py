"""The README's findings table is the rendering of the committed results files (``studies/readme_findings.py``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from script_loader import load_script

ROOT = Path(__file__).resolve().parents[2]
BEGIN = "<!-- table: findings (studies/readme_findings.py) -->"


@pytest.fixture(scope="module")
def findings():
    # readme_findings imports studies.finite_size_tables (it runs as python -m studies.readme_findings)
    return load_script("studies/readme_findings.py", "readme_findings_study")


def readme_table(text: str) -> list[str]:
    """The lines of the README between the findings table's markers."""
    lines = text.split("\n")
    start = lines.index(BEGIN) + 1
    return lines[start : lines.index("<!-- /table -->", start)]


def test_the_readme_holds_the_table_of_the_results_on_main(findings, capsys):
    # fails when a results file changes without the README, or a verdict or number is typed by hand
    assert findings.main(["--check"]) == 0, capsys.readouterr().out
    table = readme_table((ROOT / "README.md").read_text(encoding="utf-8"))
    tables = findings.tables
    results = tables.load_results(tables.RESULTS, findings.TABLES)
    assert "\n".join(table) == findings.findings_table({name: results[name] for name in findings.SOURCES})


def test_the_table_is_short_enough_to_read_in_a_minute(findings):
    rows = readme_table((ROOT / "README.md").read_text(encoding="utf-8"))[2:]
    assert 8 <= len(rows) <= findings.MAX_ROWS == 12, len(rows)
    long = {len(row): row for row in rows if len(row) > findings.MAX_ROW_CHARS}
    assert not long and findings.MAX_ROW_CHARS == 200, long
    assert all(row.count(" | ") == 3 and "](docs/findings/" in row for row in rows), rows


def test_a_verdict_typed_by_hand_is_caught_and_the_rewrite_mends_it(findings, tmp_path, capsys):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    row = next(r for r in readme_table(readme) if r.startswith("| s = 4, m = 2, T_d"))
    path = tmp_path / "README.md"
    path.write_text(readme.replace(row, row.replace("refuted", "supported", 1)), encoding="utf-8")
    assert findings.main(["--check", "--page", str(path)]) == 1
    assert "differ" in capsys.readouterr().out
    assert findings.main(["--page", str(path)]) == 0
    assert path.read_text(encoding="utf-8") == readme


def test_the_verdicts_come_from_the_results_files(findings, tmp_path, capsys):
    # a changed verdict in a scorecard changes the README's row: the table is read, not typed
    tables = findings.tables
    results = tables.load_results(tables.RESULTS, findings.TABLES)
    folder = tmp_path / "results"
    folder.mkdir()
    for name, content in results.items():
        (folder / name).write_text(json.dumps(content), encoding="utf-8")
    low = results["low_tstar.json"]
    card = findings.scorecard(low, findings.TD_MINF)
    findings.claim_of(card, "schirmacher.low-parent-temperature-minf-s3")["points"][0]["value"] = 3.99
    (folder / "low_tstar.json").write_text(json.dumps(low), encoding="utf-8")
    assert findings.main(["--check", "--results", str(folder)]) == 1
    capsys.readouterr()
    page = tmp_path / "README.md"
    page.write_text((ROOT / "README.md").read_text(encoding="utf-8"), encoding="utf-8")
    assert findings.main(["--page", str(page), "--results", str(folder)]) == 0
    row = next(r for r in readme_table(page.read_text(encoding="utf-8")) if r.startswith("| s = 3, m = ∞"))
    assert "3.99 [2.95, 3.41]" in row


def test_a_row_over_the_limit_is_refused(findings, monkeypatch):
    tables = findings.tables
    results = tables.load_results(tables.RESULTS, findings.TABLES)
    sources = {name: results[name] for name in findings.SOURCES}
    monkeypatch.setattr(findings, "MAX_ROW_CHARS", 120)
    with pytest.raises(ValueError, match="over 120 characters"):
        findings.findings_table(sources)
    monkeypatch.setattr(findings, "MAX_ROW_CHARS", 200)
    monkeypatch.setattr(findings, "MAX_ROWS", 5)
    with pytest.raises(ValueError, match=r"has \d+ rows \(at most 5\)"):
        findings.findings_table(sources)


def test_the_control_row_says_what_is_landed_until_read_and_both_verdicts_once_read(findings):
    """Issue 52: the T_d row reads the registered reader's file; before a size is read it states only the chains
    landed (no exponent); once read, the verdicts of +1 and of 0 at each N and the paired reading, in the limit."""
    plus, zero = findings.TD_CONTROL_CLAIMS["+1"], findings.TD_CONTROL_CLAIMS["0"]
    waiting = {
        "stages": {},
        "landed": {
            "stage 1 N=1000": {"registered": 40, "m2": 31, "minf": 30},
            "stage 1 N=2000": {"registered": 20, "m2": 2, "minf": 2},
            "stage 2 N=1000": {"registered": 200, "m2": 31, "minf": 30},
        },
    }
    row = findings.td_control_row(waiting)
    assert row[1] == "not read yet" and row[2] == "stage 1 chains landed: 30 / 40 (N = 1000), 2 / 20 (N = 2000)"

    def reading(verdict, value, low, high):
        return [{"verdict": verdict, "value": value, "interval": [low, high]}, {"verdict": "supported"}]

    read = {
        "stages": {
            "stage 1": {
                "N=1000": {
                    plus: reading("refuted", -0.213, -2.525, 1.536),
                    zero: reading("inconclusive", -0.213, -2.525, 1.536),
                },
                "N=2000": {
                    plus: reading("inconclusive", 0.324, -0.48, 1.19),
                    zero: reading("inconclusive", 0.324, -0.48, 1.19),
                },
                "joint": {},
            }
        },
        "landed": waiting["landed"],
    }
    row = findings.td_control_row(read)
    assert row[1] == "1000: refuted / inconclusive, 2000: inconclusive (stage 1)"
    assert row[2] == "−0.2 [−2.5, 1.5], 0.3 [−0.5, 1.2]"  # the primary at each N, in the verdicts' order
    line = findings.tables.markdown(findings.HEADER, [row]).split("\n")[2]
    assert len(line) <= findings.MAX_ROW_CHARS, line


def test_the_control_row_adds_the_difference_pooled_over_n_and_says_one_verdict_once(findings):
    """Issue 52, amendment 1: once both sizes are read the pooled difference follows, found by the registration's
    label of it (another joint reading is not taken for it); verdicts the same everywhere are said once."""
    plus, zero = findings.TD_CONTROL_CLAIMS["+1"], findings.TD_CONTROL_CLAIMS["0"]

    def reading(verdict, value, low, high, label="primary: paired window (0, 0.29], m = 2 minus m = inf"):
        return {"reading": label, "verdict": verdict, "value": value, "interval": [low, high]}

    def joint(value, low, high, verdict="inconclusive"):
        ev = reading("refuted", 3.0, 2.5, 3.4, "extreme value, difference")  # first in the block, not the pooled one
        return [ev, reading(verdict, value, low, high, findings.POOLED)]

    sizes = {
        f"N={n}": {c: [reading("inconclusive", v, v - 1.2, v + 1.2)] for c in (plus, zero)}
        for n, v in ((1000, -0.158), (2000, 0.025))
    }
    pooled = {plus: joint(-0.06, -0.96, 0.84), zero: joint(-0.06, -0.96, 0.84)}
    read = {"stages": {"stage 1": {**sizes, "joint": pooled}}, "landed": {}}
    row = findings.td_control_row(read)
    assert row[1] == "inconclusive at 1000, 2000, pooled (stage 1)"
    assert row[2] == "−0.2 [−1.4, 1.0], 0.0 [−1.2, 1.2], pooled −0.1 [−1.0, 0.8]"
    line = findings.tables.markdown(findings.HEADER, [row]).split("\n")[2]
    assert len(line) <= findings.MAX_ROW_CHARS, line

    read["stages"]["stage 1"]["joint"][plus] = joint(-0.06, -0.3, 0.2, "refuted")  # the pooled reading decides +1
    row = findings.td_control_row(read)
    assert row[1] == "1000: inconclusive, 2000: inconclusive, pooled: refuted / inconclusive (stage 1)"


def test_every_seed_has_a_row_read_from_its_results_file(findings, tmp_path):
    """Issue 66 item 6: one row per seed's headline claim; seeds 000 and 002 are read from their scores."""
    rows = readme_table((ROOT / "README.md").read_text(encoding="utf-8"))[2:]
    for seed in ("000", "001", "002", "003"):
        assert any(f"({seed})" in row.split(" | ")[0] for row in rows), f"no row for seed {seed}"
    tables = findings.tables
    results = tables.load_results(tables.RESULTS, findings.TABLES)
    card = json.loads(json.dumps(results[findings.SEED000]))
    entry = findings.claim_of(card, "jiang.omega-bp-proportional-to-k-g")
    entry["verdict"] = "supported"
    next(p for p in entry["points"] if p["parameters"]["variant"] == "random")["measurement"]["value"] = 0.871
    row = findings.seed000_row(card)
    assert row[1] == "supported 0 of 3 variants, robust" and row[2].startswith("slope 0.87 [0.42, 0.44]")
    card = json.loads(json.dumps(results[findings.SEED002]))
    findings.claim_of(card, "jiang.coordination-excess", findings.NETWORKS)["points"][0]["measurement"]["value"] = 0.2
    row = findings.seed002_row(card)
    assert row[1] == "refuted (estimator-dependent) / supported" and "excess 0.200 [0.026, 0.088]" in row[2]
