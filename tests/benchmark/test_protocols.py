"""Protocol notes (issue 52 item 3): the additive mixture's T_d sets are scored as "aged 40 tau_alpha", not as
equilibrium glasses: measured and reported with the note's label, not gating; the note's numbers are the results
files'; other data (the control, 1.25 T_d, other generators) are not touched."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import xarray as xr

from lowest_mode_points import lowest_mode_point
from vdosbench.benchmark import load_claims, load_protocol_notes
from vdosbench.benchmark import ClaimsFileError
from vdosbench.benchmark import write_report
from vdosbench.benchmark.report_text import gate_line
from vdosbench.benchmark.scorecard import EXIT_FAIL, EXIT_PASS, read_input, score_datasets
from vdosbench.benchmark import Verdict
from vdosbench.generators import mock_glass_spectra

ROOT = Path(__file__).resolve().parents[2]
N = 1000
CLAIM = "schirmacher.td-m2-s4-absolute"  # s = 4 for m = 2 at T_d, in ω/ω_g (the ω₀-tied claim is superseded)


def _td_set(
    exponent: float,
    *,
    generator: str = "soft_spheres_lowest_equilibrated",
    non_additivity: float = 0.0,
    parent_temperature: float = 0.144,
    n_samples: int = 400,
) -> xr.Dataset:
    """One m = 2 point of mock spectra with a known exponent, labelled as our T_d generator writes it."""
    m = mock_glass_spectra(
        N,
        n_samples,
        exponent=exponent,
        prefactor=0.15,
        k=40,
        seed=7,
        levels="poisson",
        hybridisation=0.0,
        modulus_scatter=0.0,
    )
    ds = lowest_mode_point(m, N)
    ds = ds.expand_dims(parent_temperature=[parent_temperature], taper_order=[2])
    ds = ds.transpose("parent_temperature", "taper_order", "sample", "mode")
    return ds.assign_attrs(
        generator=generator, spatial_dimension=3, model="soft_spheres", n_particles=N, non_additivity=non_additivity
    )


@pytest.fixture(scope="module")
def claim():
    return next(c for c in load_claims() if c.id == CLAIM)


def test_the_control_gates_and_the_additive_td_set_is_scored_as_aged(claim, tmp_path):
    """Built to fail: an s = 2 mock refutes s = 4.  Labelled as the control (non_additivity 0.2) the refutation
    gates; labelled as the additive mixture at its T_d it is measured and reported the same, with the note, and
    does not gate."""
    control = score_datasets([read_input(_td_set(2.0, non_additivity=0.2), name="control")], [claim], "default")
    (r,) = control.results
    assert r.verdict is Verdict.REFUTED and r.protocol is None
    assert control.gate() == "refuted" and control.exit_code() == EXIT_FAIL

    inputs = [read_input(_td_set(2.0), name="additive")]
    card = score_datasets(inputs, [claim], "default")
    (aged,) = card.results
    assert aged.verdict is Verdict.REFUTED  # still measured and reported
    assert aged.points[0].measurement.value == pytest.approx(r.points[0].measurement.value, rel=1e-12)
    assert aged.protocol is not None and aged.protocol.id == "additive-td-aged"
    assert card.gating() == [] and card.gate() == "inconclusive" and card.exit_code() == EXIT_PASS
    assert "scored as protocol 'aged 40 tau_alpha at T_d, not equilibrium'" in gate_line(card)
    assert aged.to_dict()["protocol"]["label"] == "aged 40 tau_alpha at T_d, not equilibrium"

    write_report(card, inputs, tmp_path / "report")
    md = (tmp_path / "report" / "report.md").read_text()
    assert "**refuted** (protocol: aged 40 tau\\_alpha at T\\_d, not equilibrium)" in md  # markdown-escaped
    assert "## Protocol notes" in md and "two-start test disagrees in 4 of 4" in md
    html = (tmp_path / "report" / "report.html").read_text()
    assert "<h2>Protocol notes</h2>" in html and "protocol: aged 40 tau_alpha" in html
    result = json.loads((tmp_path / "report" / "result.json").read_text())
    assert result["results"][0]["protocol"]["id"] == "additive-td-aged"


@pytest.mark.parametrize(
    ("label", "kwargs"),
    [
        ("the control", {"non_additivity": 0.2}),
        ("1.25 T_d", {"parent_temperature": 0.18}),
        ("a third-party code", {"generator": "lammps"}),
    ],
)
def test_the_note_leaves_other_data_alone(label, kwargs):
    (note,) = load_protocol_notes()
    ds = _td_set(4.0, n_samples=4, **kwargs)
    points = [{"parent_temperature": float(ds.parent_temperature[0]), "taper_order": 2}]
    assert not note.matches(ds, points), label
    assert note.matches(_td_set(4.0, n_samples=4), [{"parent_temperature": 0.144, "taper_order": 2}])


def test_the_note_covers_every_claim_about_the_additive_td_state():
    (note,) = load_protocol_notes()
    claims = load_claims()
    ids = {c.id for c in claims}
    assert set(note.claims) <= ids
    about_td = {
        c.id
        for c in claims
        if c.applies_to.get("model") == "soft_spheres" and c.applies_to.get("parent_temperature") == 0.144
    }
    assert about_td and about_td <= set(note.claims)


def test_the_note_states_the_numbers_of_its_results_files():
    (note,) = load_protocol_notes()
    assert all((ROOT / e).is_file() for e in note.evidence)
    fs = json.loads((ROOT / "studies/results/finite_size.json").read_text())
    additive = [p for p in fs["points"] if p["parent_temperature"] == "0.144"]
    small = [p["equilibrium"]["chains_falling"] for p in additive if p["n_particles"] in (1000, 2000)]
    chains = {p["equilibrium"]["chains"] for p in additive if p["n_particles"] in (1000, 2000)}
    large = [p["equilibrium"]["chains_falling"] for p in additive if p["n_particles"] == 4000]
    assert f"in {min(small)} - {max(small)} of {chains.pop()} chains a taper at N = 1000 and 2000" in note.statement
    assert f"in {min(large)} - {max(large)} of 12 at N = 4000" in note.statement
    assert sum(p["equilibrium"]["chains_rising"] for p in additive) == 0 and "rises in none" in note.statement
    two = json.loads((ROOT / "studies/results/two_start.json").read_text())["entries"]
    additive_two = [e for e in two if "recipe" not in e or "nonadditive" not in str(e.get("recipe"))]
    disagree = sum(e["verdict"] == "disagree" for e in additive_two)
    assert f"disagrees in {disagree} of {len(additive_two)} chains" in note.statement
    s = json.loads((ROOT / "studies/results/sorting_trend.json").read_text())["pooled"]["additive"]
    c = s["slopes"]["size_neighbour_correlation"]
    quoted = f"{c['mean_slope']:+.4f} [{c['low']:+.4f}, {c['high']:+.4f}] per 10^5 sweeps over its {s['chains']} chains"
    assert quoted in note.statement


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ('[[note]]\nid = "x"\nlabel = "l"\napplies_to = { a = 1 }\nstatement = "s"\n', "missing field"),
        ('[[note]]\nid = "x"\nlabel = "l"\napplies_to = { a = 1 }\nclaims = []\nstatement = "s"\n', "claims is"),
        (
            '[[note]]\nid = "x"\nlabel = "l"\napplies_to = { a = 1 }\nclaims = ["c"]\nstatement = "s"\nwhy = 1\n',
            "unknown field",
        ),
    ],
)
def test_a_bad_notes_file_is_refused_with_what_and_fix(tmp_path, text, match):
    path = tmp_path / "notes.toml"
    path.write_text(text)
    with pytest.raises(ClaimsFileError, match=re.escape(match) + ".*Fix:"):
        load_protocol_notes(path)
