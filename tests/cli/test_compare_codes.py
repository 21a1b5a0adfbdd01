"""``vdosbench compare-codes`` (issue 27, item 4): one table from several codes' scored results.

Known answers on hand-written results (the shape ``vdosbench score`` writes): two codes whose verdicts agree on
one claim and differ on another, whose ω₀ from the shear modulus differ by a known 2 %, one with a cross-code
check that agrees and one that was not run; and malformed results that exit 2 naming the fix.  The end-to-end
test with vdosbench, jax-md and ASE data lives in ``tests/benchmark/test_jax_md.py``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from vdosbench.cli import main
from vdosbench.benchmark.compare_codes import ComparisonInputError, compare_codes, load_code_result


def _result(verdicts: dict[str, str], omega0: float | None, cross: list[dict] | None, name: str) -> dict:
    results = [
        {
            "id": claim,
            "verdict": v,
            "validator": "level_statistics",
            "points": [{"parameters": {}, "verdict": v, "measurement": {"value": 0.53, "uncertainty": 0.01}}],
        }
        for claim, v in verdicts.items()
    ]
    if omega0 is not None:
        results.append(
            {
                "id": "omega0",
                "verdict": "supported",
                "validator": "shear_modulus_omega0",
                "points": [
                    {
                        "parameters": {"taper_order": 2},
                        "verdict": "supported",
                        "measurement": {"value": omega0, "uncertainty": 0.01},
                    }
                ],
            }
        )
    return {"inputs": [{"name": name, "path": name, "sha256": "0"}], "results": results, "cross_code": cross or []}


@pytest.fixture
def two_results(tmp_path: Path) -> tuple[Path, Path]:
    a = tmp_path / "a" / "result.json"
    b = tmp_path / "b" / "result.json"
    a.parent.mkdir()
    b.parent.mkdir()
    a.write_text(json.dumps(_result({"goe": "supported", "poisson": "refuted"}, 1.50, None, "ours")))
    cross = [{"status": "agree", "max_relative_deviation": 3e-12}]
    b.write_text(json.dumps(_result({"goe": "supported", "poisson": "inconclusive"}, 1.53, cross, "theirs")))
    return a, b


def test_table_reports_verdicts_moduli_hessian_and_cost(two_results: tuple[Path, Path], tmp_path: Path) -> None:
    a, b = two_results
    out = tmp_path / "table"
    assert main(["compare-codes", f"vdosbench={a}", f"other={b}", "--cost", "other=2.5", "--output", str(out)]) == 0
    table = json.loads((out / "comparison.json").read_text())
    assert [c["label"] for c in table["codes"]] == ["vdosbench", "other"]
    rows = {(r["section"], r["name"]): r for r in table["rows"]}
    assert rows[("verdicts", "goe")]["summary"] == "same verdict"
    assert rows[("verdicts", "poisson")]["summary"] == "differ"
    assert rows[("verdicts", "poisson")]["verdicts"] == ["refuted", "inconclusive"]
    modulus = rows[("moduli", "omega0 [taper_order=2]")]
    assert modulus["max_relative_deviation"] == pytest.approx(0.02)  # 1.53 against 1.50
    hessian = rows[("hessian", "eigenvalues")]
    assert hessian["cells"][0].startswith("not run") and hessian["cells"][1].startswith("agree")
    assert rows[("cost", "seconds per sample")]["cells"] == ["not given", "2.5 s"]
    markdown = (out / "comparison.md").read_text()
    assert "| poisson | refuted (0.53) | inconclusive (0.53) | differ |" in markdown
    page = (out / "comparison.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and "<th>poisson</th>" in page
    assert not list(out.glob("*.part"))  # written atomically, no temporary file left


def test_labels_default_to_the_input_names(two_results: tuple[Path, Path]) -> None:
    codes = [load_code_result(p) for p in two_results]
    assert [c.label for c in codes] == ["ours", "theirs"]
    with pytest.raises(ComparisonInputError, match=r"expected at least two"):
        compare_codes(codes[:1])
    with pytest.raises(ComparisonInputError, match=r"labels \['ours', 'ours'\] repeat"):
        compare_codes([codes[0], codes[0]])


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ("not json", r"not JSON .* expected the result.json of vdosbench score"),
        ('{"totals": {}}', r"expected a 'results' list"),
        ('{"results": [{"id": 3, "verdict": "supported"}]}', r"expected text for both"),
        (
            '{"results": [{"id": "x", "verdict": "supported", "points": [{"measurement": {"value": "big"}}]}]}',
            r"expected a number, 'inf', '-inf' or null",
        ),
        ("[1, 2]", r"expected a JSON object"),
    ],
    ids=["not-json", "no-results", "bad-id", "bad-value", "list"],
)
def test_malformed_results_exit_2_naming_the_fix(
    two_results: tuple[Path, Path], tmp_path: Path, content: str, match: str, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    out = tmp_path / "table"
    assert main(["compare-codes", str(two_results[0]), str(bad), "--output", str(out)]) == 2
    err = capsys.readouterr().err
    assert "bug in vdosbench" not in err
    assert re.search(match, err), err
    assert not (out / "comparison.md").exists()


@pytest.mark.parametrize(
    ("cost", "match"),
    [
        ("other=fast", r"expected seconds per sample"),
        ("nobody=1", r"which label no result"),
        ("other=-1", r"expected finite seconds"),
        ("other", r"is not KEY=VALUE"),
    ],
    ids=["text", "unknown-label", "negative", "no-equals"],
)
def test_bad_costs_exit_2(
    two_results: tuple[Path, Path], tmp_path: Path, cost: str, match: str, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = two_results
    assert main(["compare-codes", f"vdosbench={a}", f"other={b}", "--cost", cost, "--output", str(tmp_path)]) == 2
    assert re.search(match, capsys.readouterr().err)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "results",
                    "id",
                    "verdict",
                    "validator",
                    "points",
                    "parameters",
                    "measurement",
                    "value",
                    "uncertainty",
                    "cross_code",
                    "status",
                    "max_relative_deviation",
                    "inputs",
                    "name",
                ]
            ),
            inner,
            max_size=4,
        )
    ),
    max_leaves=12,
)


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@example(body={"results": [], "inputs": {"name": "x"}})  # found by reading: inputs as an object, a KeyError
@given(body=JSON)
def test_arbitrary_json_is_loaded_or_explained(tmp_path: Path, two_results: tuple[Path, Path], body: object) -> None:
    """Untrusted result files: any JSON gives a comparable result or a ComparisonInputError, never a crash."""
    path = tmp_path / "any.json"
    path.write_text(json.dumps(body))
    try:
        code = load_code_result(path)
    except ComparisonInputError as e:
        assert "expected" in str(e)
        return
    table = compare_codes([load_code_result(two_results[0]), code])
    assert table.to_markdown().startswith("# Comparison across codes") and "</html>" in table.to_html()


# issue 53, item 5: the systems are checked before the results are compared ---------------------------------------


def _ka(taper_order: int | None, name: str) -> dict:
    system = {
        "model": "kob_andersen",
        "spatial_dimension": 3,
        "n_particles": 1000,
        "density": 1.2,
        "parent_temperature": 0.45,
        "declared_by": "--declare",
    }
    if taper_order is not None:
        system["taper_order"] = taper_order
    return {**_result({"goe": "supported"}, None, None, name), "systems": {name: system}}


def test_a_tapered_set_against_an_untapered_one_is_labelled_different_systems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A tapered (m = 2) Kob–Andersen set against an untapered (m = 0) one: named before the table, and the
    table says 'different systems'; the same system twice says 'same system'."""
    files = {}
    for name, taper in (("tapered", 2), ("untapered", 0), ("again", 2), ("silent", None)):
        files[name] = tmp_path / name / "result.json"
        files[name].parent.mkdir()
        files[name].write_text(json.dumps(_ka(taper, name)))
    out = tmp_path / "table"
    assert (
        main(["compare-codes", f"ours={files['tapered']}", f"theirs={files['untapered']}", "--output", str(out)]) == 0
    )
    printed = capsys.readouterr().out.splitlines()
    assert (
        printed[0].startswith("warning: compare-codes: DIFFERENT SYSTEMS")
        and "taper_order: ours=2.0, theirs=0.0" in printed[0]
    )
    table = json.loads((out / "comparison.json").read_text())
    assert table["same_system"] is False and table["system_differences"] == ["taper_order: ours=2.0, theirs=0.0"]
    rows = {(r["section"], r["name"]): r for r in table["rows"]}
    assert rows[("system", "taper_order")]["summary"] == "differ"
    assert rows[("system", "potential")]["cells"] == ["kob_andersen", "kob_andersen"]  # from the model
    assert rows[("system", "density")]["summary"] == "same"
    assert (
        (out / "comparison.md").read_text().startswith("# Comparison across codes (different systems)\n\n**DIFFERENT")
    )
    assert "<h1>Comparison across codes (different systems)</h1>" in (out / "comparison.html").read_text()

    assert main(["compare-codes", f"ours={files['tapered']}", f"theirs={files['again']}", "--output", str(out)]) == 0
    assert capsys.readouterr().out.startswith(
        "compare-codes: Same system: model, potential, spatial_dimension, "
        "n_particles, density, parent_temperature, taper_order stated"
    )
    assert json.loads((out / "comparison.json").read_text())["same_system"] is True
    # a result that does not state the taper: not a difference, but named as not checked
    assert main(["compare-codes", f"ours={files['tapered']}", f"theirs={files['silent']}", "--output", str(out)]) == 0
    assert "Not checked (not stated by every result): taper_order." in capsys.readouterr().out


# issue 64, item 7: a result that scored several inputs shows each input's own verdict ------------------------------

_MOCK_CLAIM = (
    '[[claim]]\nid = "mock.s4"\nsource = { file = "none", where = "mock" }\nstatement = "mock spectra follow g ~ w^4"\n'
    'applies_to = { model = "glass" }\nmeasure = { validator = "power_law_exponent", quantity = "mle", '
    "window = [0.0, 1.0], n_bootstrap = 50, seed = 0 }\n"
    'expect = { kind = "equal", value = 4.0, tolerance = 1.0, basis = "the mock\'s exponent" }\n'
)


def test_a_result_of_several_inputs_shows_each_inputs_own_verdict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Scored together, an omega^4 set (supported), an omega^2 set (refuted: built to fail) and an undeclared set
    (not applicable): each row of the table is one (claim, input), so no input's verdict hides another's (before,
    the last input's 'not applicable' was shown for all, as for the demo's spring-network claims)."""
    from vdosbench.datasets import mock_spectrum, write

    claims = tmp_path / "claims.toml"
    claims.write_text(_MOCK_CLAIM)
    inputs = []
    for name, exponent in (("quartic", 4.0), ("quadratic", 2.0), ("silent", 4.0)):
        inputs.append(write(mock_spectrum(n_sample=8, n_mode=60, exponent=exponent, seed=3), tmp_path / f"{name}.nc"))
        if name != "silent":
            (tmp_path / f"{name}.vdos.toml").write_text('model = "glass"\n')
    out = tmp_path / "scored"
    assert main(["score", *map(str, inputs), "--claims", str(claims), "--output", str(out)]) == 1
    result = json.loads((out / "result.json").read_text())
    expected = {"quartic": "supported", "quadratic": "refuted", "silent": "not applicable"}
    assert {r["dataset"]: r["verdict"] for r in result["results"]} == expected  # the score itself

    table = tmp_path / "table"
    assert (
        main(["compare-codes", f"one={out / 'result.json'}", f"two={out / 'result.json'}", "--output", str(table)]) == 0
    )
    capsys.readouterr()
    rows = {
        r["name"]: r for r in json.loads((table / "comparison.json").read_text())["rows"] if r["section"] == "verdicts"
    }
    assert {name: r["verdicts"] for name, r in rows.items()} == {
        f"mock.s4 ({name})": [verdict, verdict] for name, verdict in expected.items()
    }
    assert "| mock.s4 (quadratic) | refuted" in (table / "comparison.md").read_text()


def test_inputs_of_other_names_are_matched_by_position() -> None:
    """Two codes whose results scored two inputs each, named differently: rows 'input 1', 'input 2', each cell
    naming its own input; a result of one input leaves the second row 'absent'."""
    from vdosbench.benchmark.compare_codes import CodeResult

    a = CodeResult(
        "a",
        "a.json",
        {("c", "ens-a"): "supported", ("c", "toy-a"): "not applicable"},
        {},
        {"c": "x"},
        [],
        datasets=("ens-a", "toy-a"),
    )
    b = CodeResult("b", "b.json", {("c", "ens-b"): "refuted"}, {}, {"c": "x"}, [], datasets=("ens-b",))
    rows = {r["name"]: r for r in compare_codes([a, b]).section("verdicts")}
    assert rows["c (input 1)"]["verdicts"] == ["supported", "refuted"]
    assert rows["c (input 1)"]["cells"] == ["supported on ens-a", "refuted on ens-b"]
    assert rows["c (input 1)"]["summary"] == "differ"
    assert rows["c (input 2)"]["verdicts"] == ["not applicable", "absent"]
