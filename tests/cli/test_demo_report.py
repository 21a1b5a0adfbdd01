"""Issue 53, item 4: reports lead with the applicable claims, and ``score``/``demo`` end with a line that says
what the exit status means and why, naming the claims that decide it.

Known answers on mock spectra: a claims file of three claims, one supported (s = 4 on an ω⁴ spectrum), one built
to fail (s = 2 on the same data: refuted) and one about soft spheres only (not applicable to third-party data).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vdosbench.cli import exit_status_line, main
from vdosbench.benchmark import load_claims
from vdosbench.benchmark.scorecard import read_input, score_datasets
from vdosbench.datasets import mock_spectrum, write


def _claim(claim_id: str, model: str, value: float, tolerance: float, basis: str) -> str:
    """One power-law claim in claims.toml form (s by maximum likelihood over the whole window)."""
    return (
        f'[[claim]]\nid = "{claim_id}"\nsource = {{ file = "none", where = "mock" }}\n'
        f'statement = "mock spectra follow g ~ w^{value:g}"\napplies_to = {{ model = "{model}" }}\n'
        'measure = { validator = "power_law_exponent", quantity = "mle", window = [0.0, 1.0], '
        "n_bootstrap = 50, seed = 0 }\n"
        f'expect = {{ kind = "equal", value = {value}, tolerance = {tolerance}, basis = "{basis}" }}\n'
    )


CLAIMS = "\n".join(
    [
        _claim("mock.s4", "glass", 4.0, 1.0, "the mock's exponent"),
        _claim("mock.s2-built-to-fail", "glass", 2.0, 0.3, "built to fail"),
        _claim("mock.soft-spheres-only", "soft_spheres", 4.0, 1.0, "the mock's exponent"),
    ]
)


@pytest.fixture
def scored(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, Path]:
    claims = tmp_path / "claims.toml"
    claims.write_text(CLAIMS)
    data = write(mock_spectrum(n_sample=8, n_mode=60, exponent=4.0, seed=3), tmp_path / "glass.nc")
    out = tmp_path / "report"
    code = main(["score", str(data), "--claims", str(claims), "--declare", "model=glass", "--output", str(out)])
    return code, capsys.readouterr().out, out


def test_the_last_line_names_the_refuted_claim(scored: tuple[int, str, Path]) -> None:
    code, printed, out = scored
    assert code == 1
    assert printed.strip().splitlines()[-1] == (
        "exit 1: a claim is refuted (mock.s2-built-to-fail (glass)): the measured value lies outside the claim's "
        "expected range; see 'Findings' in the report"
    )
    assert f"html:   {(out / 'report.html').resolve()}" in printed


def test_not_applicable_claims_are_one_table_after_the_applicable_ones(scored: tuple[int, str, Path]) -> None:
    _, _, out = scored
    markdown = (out / "report.md").read_text()
    detail = markdown.split("## Claims in detail")[1]
    applicable, skipped = detail.split("## Not applicable (1 claim results)")
    assert "### `mock.s4` on glass: supported" in applicable
    assert "### `mock.s2-built-to-fail` on glass: refuted" in applicable
    assert "mock.soft-spheres-only" not in applicable
    assert "| `mock.soft-spheres-only` | glass |" in skipped and "### " not in skipped
    html = (out / "report.html").read_text()
    assert html.index("<h2>Not applicable (1 claim results)</h2>") > html.index('<section id="claim-1">')
    assert "<h3><code>mock.soft-spheres-only</code>" not in html  # no section of its own
    result = json.loads((out / "result.json").read_text())
    assert {r["id"]: r["verdict"] for r in result["results"]}["mock.soft-spheres-only"] == "not applicable"


def test_exit_lines_for_every_status(tmp_path: Path) -> None:
    claims_file = tmp_path / "claims.toml"
    claims_file.write_text(CLAIMS)
    claims = load_claims(claims_file)
    ds = mock_spectrum(n_sample=8, n_mode=60, exponent=4.0, seed=3).assign_attrs(model="glass")
    inputs = [read_input(ds, name="glass")]
    passing = score_datasets(inputs, [c for c in claims if c.id == "mock.s4"], "claims")
    assert exit_status_line(passing) == "exit 0: 1 applicable claim result(s), none refuted"
    failing = score_datasets(inputs, claims, "claims")
    assert exit_status_line(failing).startswith("exit 1: a claim is refuted (mock.s2-built-to-fail (glass))")
    assert exit_status_line(failing, gated=False).startswith(
        "exit 0: the demo ran and its report is written; verdicts are findings here, not failures (as a CI gate, "
        "with --gate, it would exit 1: a claim is refuted (mock.s2-built-to-fail (glass))"
    )
    nothing = score_datasets(inputs, [c for c in claims if c.id == "mock.soft-spheres-only"], "claims")
    assert exit_status_line(nothing).startswith("exit 3: no claim applies to any input")


def test_the_last_line_says_which_printed_refutations_do_not_gate(tmp_path: Path) -> None:
    """Issue 64 item 7: a refuted claim that does not gate (superseded, or scored on data of another protocol such
    as the aged T_d sets) is printed as refuted while the exit status is 0; the last line names it and says why,
    and a gating refutation beside it still exits 1."""
    import dataclasses

    from vdosbench.benchmark import ProtocolNote
    from vdosbench.benchmark import Verdict

    claims_file = tmp_path / "claims.toml"
    claims_file.write_text(
        CLAIMS.replace('id = "mock.s2-built-to-fail"\n', 'id = "mock.s2-built-to-fail"\nsuperseded_by = "mock.s4"\n')
    )
    claims = load_claims(claims_file)
    ds = mock_spectrum(n_sample=8, n_mode=60, exponent=4.0, seed=3).assign_attrs(model="glass")
    card = score_datasets([read_input(ds, name="glass")], claims, "claims")
    assert {r.claim.id: r.verdict for r in card.applicable()} == {
        "mock.s4": Verdict.SUPPORTED,
        "mock.s2-built-to-fail": Verdict.REFUTED,
    }
    assert card.exit_code() == 0
    assert exit_status_line(card) == (
        "exit 0: 1 gating claim result(s) of 2 applicable, none refuted; 1 printed refutation does not gate "
        "(mock.s2-built-to-fail (glass): superseded by mock.s4): reported, not counted in the exit status"
    )

    aged = ProtocolNote("aged", "aged 40 tau_alpha at T_d, not equilibrium", {}, ("mock.s4",), "built for the test")
    card.results = [
        dataclasses.replace(r, verdict=Verdict.REFUTED, protocol=aged) if r.claim.id == "mock.s4" else r
        for r in card.results
    ]
    line = exit_status_line(card)
    assert line.startswith(
        "exit 0: 0 gating claim result(s) of 2 applicable, none refuted; 2 printed refutations do not gate ("
    )
    assert "mock.s4 (glass): data of protocol 'aged 40 tau_alpha at T_d, not equilibrium', not the claim's" in line
    assert exit_status_line(card, strict=True).startswith("exit 1: --strict and no current claim decides")

    gating = dataclasses.replace(card.results[0], claim=claims[2], verdict=Verdict.REFUTED, protocol=None)
    card.results.append(gating)
    line = exit_status_line(card)
    assert (
        line.startswith("exit 1: a claim is refuted (mock.soft-spheres-only (glass))")
        and "2 printed refutations do not gate" in line
    )


def test_the_exit_3_example_is_built_from_the_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 64 item 7: a Kob–Andersen set declared at T* = 2 against a claim about T* = 0.45 only: exit 3, and
    the example states the data's own T* instead of advising the claim's 0.45 (which would be false of the set);
    undeclared data get placeholders, never a claim's value."""
    claims = tmp_path / "claims.toml"
    claims.write_text(
        _claim("mock.ka-045", "kob_andersen", 4.0, 1.0, "the mock's exponent").replace(
            'applies_to = { model = "kob_andersen" }',
            'applies_to = { model = "kob_andersen", parent_temperature = 0.45 }',
        )
    )
    data = write(mock_spectrum(n_sample=8, n_mode=60, exponent=4.0, seed=3), tmp_path / "ka-t2.nc")
    out = tmp_path / "report"
    code = main(
        [
            "score",
            str(data),
            "--claims",
            str(claims),
            "--declare",
            "model=kob_andersen",
            "--declare",
            "parent_temperature=2.0",
            "--output",
            str(out),
        ]
    )
    printed = capsys.readouterr().out
    assert code == 3
    line = next(x for x in printed.splitlines() if x.startswith("score: not a pass"))
    assert "the claim is about parent_temperature in [0.45]" in line  # what the claim wants, as a reason
    assert "parent_temperature=0.45" not in line  # never as advice
    assert "the data already state model=kob_andersen, parent_temperature=2.0" in line

    (tmp_path / "ka-t2.vdos.toml").unlink(missing_ok=True)
    code = main(["score", str(data), "--claims", str(claims), "--output", str(tmp_path / "undeclared")])
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("score: not a pass"))
    assert code == 3
    assert (
        "e.g. --declare model=<one of kob_andersen> --declare parent_temperature=<T* of your set, model units>" in line
    ) and "0.45 " not in line.split("e.g.")[1]
