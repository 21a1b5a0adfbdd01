"""The scoring form: only what scoring reads, and scoring it gives what scoring the full set gives."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import xarray as xr

from vdosbench.benchmark import inapplicability, scoring
from vdosbench.benchmark.claims import Alternative, load_claims, with_bootstrap_replicates
from vdosbench.benchmark.figures import ReportFigures
from vdosbench.cli import main
from vdosbench.benchmark.scoring_form import (
    ALTERNATIVES_LEFT_OUT_ATTRIBUTE,
    CLAIMS_LEFT_OUT_ATTRIBUTE,
    FORM_ATTRIBUTE,
    LEFT_OUT_ATTRIBUTE,
    ScoringFormMismatch,
    scoring_form,
    scoring_form_file,
    scoring_signature,
    verify_scoring_form,
)
from vdosbench.datasets import open_dataset, write
from vdosbench.generators import build_in_memory
from vdosbench.validators import Measurement


@pytest.fixture(scope="module")
def networks() -> xr.Dataset:
    """Small spring networks on the grid the seed-002 claims select (both connectivities, delta 0 and 0.2)."""
    return build_in_memory(
        "spring_network",
        grid={"delta": [0.0, 0.2], "connectivity": ["nearest", "cutoff"], "spring": ["inverse_distance", "constant"]},
        fixed={"n_side": 8, "n_vectors": 4},
        n_samples=3,
        root_seed=11,
    )


@pytest.fixture(scope="module")
def network_files(networks: xr.Dataset, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Any]:
    """The networks written to ``full.nc`` and their scoring form to ``form.nc`` (:func:`scoring_form_file`).

    The form is searched with the shipped claims at 40 bootstrap replicates (:func:`with_bootstrap_replicates`),
    as the other searches of this file: which variables scoring reads does not depend on the replicate count (the
    same validators run on the same variables), and the search scores the set once per candidate variable, at
    1000 replicates each by default.  The test below scores the written form and the full set with the shipped
    claims as they are (the command line), so the form is still checked at the default count."""
    folder = tmp_path_factory.mktemp("forms")
    full = write(networks, folder / "full.nc")
    return (
        full,
        folder / "form.nc",
        scoring_form_file(full, folder / "form.nc", with_bootstrap_replicates(load_claims(), 40)),
    )


def _verdicts_and_values(result_json: Path) -> list[tuple[Any, ...]]:
    """Every claim's id, verdict and measured values (primary and alternatives) from a ``result.json``."""
    out = []
    for r in json.loads(result_json.read_text())["results"]:
        points = [(p["verdict"], p["measurement"]) for p in r["points"]]
        alternatives = [(a["label"], a["verdict"], [p["measurement"] for p in a["points"]]) for a in r["alternatives"]]
        out.append((r["id"], r["verdict"], points, r["robustness"], alternatives))
    return out


def _reference_points(reference_json: Path) -> list[Any]:
    """The compared points of a ``reference.json``, without the submitted file's name."""
    return [{k: v for k, v in p.items() if k != "dataset"} for p in json.loads(reference_json.read_text())["points"]]


def test_scoring_the_form_of_spring_networks_gives_the_full_sets_verdicts_and_values(
    networks: xr.Dataset, network_files: tuple[Path, Path, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    full, form_path, form = network_files
    # what is compared below is result.json and reference.json, which no figure enters (a figure that cannot be
    # drawn is a note in the report, never a failure of score); drawing the report's figures was half of the two
    # scores' time, so they are not drawn here (tests/benchmark/test_html_report.py, test_benchmark.py and the
    # demo test in tests/cli/test_cli.py draw them)
    monkeypatch.setattr(
        "vdosbench.benchmark.report.draw_report_figures",
        lambda results, datasets, figdir: ReportFigures(claims=[None] * len(results)),
    )
    assert set(form.dropped) >= {"eigenvector", "pair_distance"}  # no seed-002 claim reads them
    assert form.kept["coordination"] == "required by jiang.coordination-peaks-at-4"
    assert {"pair_i", "pair_j", "pair_stiffness", "position", "box_length"} <= set(form.kept)
    assert form_path.stat().st_size < 0.8 * full.stat().st_size
    # scored independently through the command line: the same verdicts, values and reference comparison
    for name, path in (("full", full), ("form", form_path)):
        code = main(
            ["score", str(path), "--output", str(tmp_path / name), "--reference", str(path), "--no-cross-check"]
        )
        assert code in (0, 1)
    full_results = _verdicts_and_values(tmp_path / "full" / "result.json")
    assert any(r[1] != "not applicable" for r in full_results)
    assert _verdicts_and_values(tmp_path / "form" / "result.json") == full_results
    assert _reference_points(tmp_path / "form" / "reference.json") == _reference_points(
        tmp_path / "full" / "reference.json"
    )
    with open_dataset(form_path) as written:
        assert "eigenvector" in form.dropped and FORM_ATTRIBUTE in written.attrs
        assert written["eigenvalue"].dtype == networks["eigenvalue"].dtype  # stored precision kept


def test_the_toy_keeps_its_eigenvectors_because_its_claim_reads_them(tmp_path: Path) -> None:
    toy = build_in_memory("nine_node_toy")
    form = scoring_form(toy)
    assert form.kept["eigenvector"] == "required by jiang.toy-two-new-poles"
    assert "local_response" in form.dropped and "coordination" in form.dropped
    assert LEFT_OUT_ATTRIBUTE not in form.dataset.attrs and not form.left_out  # nothing left out on purpose
    assert "left out on purpose" not in form.dataset.attrs[FORM_ATTRIBUTE]
    verify_scoring_form(toy, form.dataset)


def test_a_dropped_variable_that_a_claim_reads_is_detected(
    networks: xr.Dataset, network_files: tuple[Path, Path, Any]
) -> None:
    form = network_files[2].dataset
    claims = with_bootstrap_replicates(load_claims(), 40)
    full = scoring_signature(networks, claims)
    for name in ("pair_i", "position"):  # read by validators and by --reference, required by no claim alone
        assert scoring_signature(form.drop_vars(name), claims, submitted=networks) != full, name
    with pytest.raises(ScoringFormMismatch, match=r"claim jiang\.[a-z0-9-]+: \w+ in the full set, not applicable"):
        verify_scoring_form(networks, form.drop_vars("coordination"), claims)


def _reads_coordination(monkeypatch: pytest.MonkeyPatch, **fields: Any) -> Any:
    """A claim whose validator (registered for the test) reads ``coordination`` though it requires only
    ``eigenvalue``: the mean coordination number, expected above 3.5; ``fields`` replace more of the claim's."""

    def mean_coordination(point: xr.Dataset, settings: Any) -> Any:
        z = float(point["coordination"].mean())
        m = Measurement("mean z", z, 0.0, z, z, 1.0, "1", {}, None, 1, "mean")
        return type("Result", (), {"mean_z": m})()

    monkeypatch.setitem(scoring.VALIDATORS, "mean_coordination", mean_coordination)
    base = next(c for c in load_claims() if c.id == "jiang.toy-two-new-poles")
    return replace(
        base,
        id="test.mean-coordination",
        requires=("eigenvalue",),
        validator="mean_coordination",
        quantity="mean_z",
        settings={},
        versus=None,
        alternatives=(),
        expect=replace(base.expect, kind="greater", value=3.5),
        **fields,
    )


def test_what_a_validator_reads_is_kept_though_no_claim_requires_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The needed variables come from scoring, not from a list: a new validator reading ``coordination``
    (its claim requires only ``eigenvalue``) keeps it, and the form without it is told apart."""
    toy = build_in_memory("nine_node_toy")
    claim = _reads_coordination(monkeypatch)
    assert "coordination" in scoring_form(toy).dropped  # the shipped claims never read it
    form = scoring_form(toy, [claim])
    assert form.kept["coordination"] == "read by scoring"
    with pytest.raises(ScoringFormMismatch, match="claim test.mean-coordination"):
        verify_scoring_form(toy, form.dataset.drop_vars("coordination"), [claim])


@pytest.mark.slow
def test_scoring_the_form_of_a_small_glass_gives_the_full_sets_signature() -> None:
    """Soft spheres: the stress, power-law, level-statistics and plane-wave-shell validators."""
    glass = build_in_memory(
        "soft_spheres",
        grid={"taper_order": [2], "parent_temperature": [1.0]},
        fixed={"n_particles": 64, "n_sweeps": 20, "n_vectors": 12},
        n_samples=3,
        root_seed=5,
    )
    claims = with_bootstrap_replicates(load_claims(), 40)
    form = scoring_form(glass, claims)
    assert "eigenvector" in form.kept and "pair_psi" in form.kept  # vortex and stress claims read them
    assert form.dropped  # something is left out
    full = scoring_signature(glass, claims)
    assert scoring_signature(form.dataset, claims, submitted=glass) == full
    verdicts = [r["verdict"] for r in json.loads(full)["claims"]]
    assert sum(v != "not applicable" for v in verdicts) >= 4


@pytest.mark.slow
def test_pair_variables_no_claim_reads_are_left_out_together(monkeypatch: pytest.MonkeyPatch) -> None:
    """Kob-Andersen glasses: no claim reads their pairs, but one at a time the convention refuses leaving out
    pair_count while a pair variable stays, and the last pair variable while pair_count stays; tried together,
    both go.  (A claim reading ``coordination`` without requiring it makes the form go candidate by candidate.)"""

    reads_coordination = _reads_coordination(monkeypatch, applies_to={})
    glass = build_in_memory(
        "lennard_jones",
        grid={"taper_order": [2], "parent_temperature": [2.0]},
        fixed={"n_particles": 160, "n_sweeps": 20, "n_vectors": 4},
        n_samples=2,
        root_seed=5,
    )
    claims = [*with_bootstrap_replicates(load_claims(), 40), reads_coordination]
    form = scoring_form(glass, claims)
    assert "pair_count" in glass.data_vars and "pair_psi" in glass.data_vars
    assert form.kept["coordination"] == "read by scoring"
    assert not [n for n in form.dataset.data_vars if str(n).startswith("pair")], form.kept
    assert "needed by the convention" not in form.kept.values()
    verify_scoring_form(glass, form.dataset, claims)


def test_cli_compact_scoring_form(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    toy = build_in_memory("nine_node_toy")
    full = write(toy, tmp_path / "full.nc")
    assert main(["compact", str(full), str(tmp_path / "form.nc"), "--scoring-form"]) == 0
    out = capsys.readouterr().out
    assert "kept     eigenvector: required by jiang.toy-two-new-poles" in out
    assert "left out" in out and "scores as the full set: verified" in out
    assert main(["compact", str(full), str(full), "--scoring-form"]) == 2
    assert "is the source" in capsys.readouterr().err
    assert main(["compact", str(full), str(tmp_path / "x.nc"), "--no-structures"]) == 2
    assert "go with --scoring-form" in capsys.readouterr().err
    assert not (tmp_path / "x.nc").exists()
    assert np.isfinite(toy["eigenvalue"].values).all()


# ----------------------------------------------------------------------------- variables left out on purpose


@pytest.fixture(scope="module")
def toy() -> xr.Dataset:
    return build_in_memory("nine_node_toy")


@pytest.fixture(scope="module")
def toy_without_vectors(toy: xr.Dataset) -> Any:
    """The toy's scoring form with ``eigenvector`` left out on purpose."""
    return scoring_form(toy, leave_out=["eigenvector"])


def test_leaving_out_eigenvectors_leaves_out_exactly_the_claims_that_read_them(
    toy: xr.Dataset, toy_without_vectors: Any
) -> None:
    form = toy_without_vectors
    readers = tuple(c.id for c in load_claims() if inapplicability(c, toy) is None and "eigenvector" in c.requires)
    assert readers == ("jiang.toy-two-new-poles",)
    assert "eigenvector" not in form.dataset and "vector_mode" not in form.dataset.coords
    assert form.left_out == ("eigenvector",) and "eigenvector" not in form.dropped
    assert form.claims_left_out == readers and form.alternatives_left_out == {}
    attrs = form.dataset.attrs
    assert json.loads(attrs[LEFT_OUT_ATTRIBUTE]) == ["eigenvector"]
    assert json.loads(attrs[CLAIMS_LEFT_OUT_ATTRIBUTE]) == list(readers)
    assert json.loads(attrs[ALTERNATIVES_LEFT_OUT_ATTRIBUTE]) == {}
    assert (
        "left out on purpose: eigenvector; claims that need the full set (vdosbench build NAME): "
        "jiang.toy-two-new-poles" in attrs[FORM_ATTRIBUTE]
    )
    verify_scoring_form(toy, form.dataset)
    # scored, the claim left out is not applicable, and the reason says the form left the variable out
    claim = next(c for c in load_claims() if c.id == readers[0])
    result = scoring.evaluate_claim(claim, form.dataset)
    assert result.verdict is scoring.Verdict.NOT_APPLICABLE and result.inapplicable.not_measurable
    assert "lacks ['eigenvector']; this scoring form left them out on purpose" in result.reason
    assert "vdosbench build NAME" in result.reason
    # a set that merely lacks eigenvectors (no attribute) gets the plain reason
    assert "on purpose" not in scoring.evaluate_claim(claim, toy.drop_vars("eigenvector")).reason


def _tampered(form: xr.Dataset, **attrs: str) -> xr.Dataset:
    out = form.copy()
    out.attrs.update(attrs)
    return out


@pytest.mark.parametrize(
    ("tamper", "match"),
    [
        (
            lambda f: _tampered(f, **{CLAIMS_LEFT_OUT_ATTRIBUTE: "[]"}),
            r"declares claims \[\], .* leaves out claims \['jiang\.toy-two-new-poles'\]",
        ),
        (
            lambda f: _tampered(f, **{CLAIMS_LEFT_OUT_ATTRIBUTE: '["jiang.toy-two-new-poles", "jiang.wrong"]'}),
            r"declares claims \['jiang\.toy-two-new-poles', 'jiang\.wrong'\]",
        ),
        (
            lambda f: _tampered(f, **{ALTERNATIVES_LEFT_OUT_ATTRIBUTE: '{"jiang.toy-two-new-poles": ["x"]}'}),
            r"alternatives \{'jiang\.toy-two-new-poles': \('x',\)\} and --reference parts \[\] left out",
        ),
        (
            lambda f: f.drop_vars("pair_stiffness"),  # dropped without being declared
            r"differs from scoring the full set without eigenvector: ",
        ),
        (
            lambda f: _tampered(f, **{LEFT_OUT_ATTRIBUTE: '["eigenvector", "position"]'}),  # position is in the form
            r"found \['position'\] among them",
        ),
        (lambda f: _tampered(f, **{LEFT_OUT_ATTRIBUTE: "eigenvector"}), r"are not JSON lists and an object"),
        (
            lambda f: xr.Dataset(f.data_vars, f.coords, {k: v for k, v in f.attrs.items() if k != LEFT_OUT_ATTRIBUTE}),
            r"differs from scoring the full set: claim jiang\.toy-two-new-poles: \w+ in the full set, not applicable",
        ),
    ],
    ids=[
        "claim-not-declared",
        "wrong-claim-declared",
        "wrong-alternative-declared",
        "undeclared-drop",
        "declared-but-present",
        "not-json",
        "declaration-removed",
    ],
)
def test_a_tampered_form_that_leaves_out_variables_fails_verification(
    toy: xr.Dataset, toy_without_vectors: Any, tamper: Any, match: str
) -> None:
    verify_scoring_form(toy, toy_without_vectors.dataset)  # the form itself verifies
    with pytest.raises(ScoringFormMismatch, match=match):
        verify_scoring_form(toy, tamper(toy_without_vectors.dataset))


@pytest.mark.parametrize(
    ("leave_out", "match"),
    [
        (["eigenvalue"], r"leave_out names 'eigenvalue'; expected other data variables .* fix: drop eigenvalue"),
        (
            ["eigenvector", "nope"],
            (
                r"leave_out names \['nope'\], not data variables of the dataset; expected "
                r"some of \[.*'eigenvector'.*\]; fix"
            ),
        ),
        ("eigenvectors", r"leave_out names \['eigenvectors'\]"),  # one name as a string
        (["pair_count"], r"(?s)the set without pair_count breaks the convention: .*no pair_count.*fix: leave out"),
    ],
    ids=["eigenvalue", "unknown", "string", "convention"],
)
def test_bad_leave_out_names_are_refused_with_the_fix(toy: xr.Dataset, leave_out: Any, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        scoring_form(toy, leave_out=leave_out)


def test_leaving_out_what_the_reference_comparison_reads_is_refused(toy: xr.Dataset) -> None:
    """--reference measures the toy's sound speed from its springs (omega0 of the windows): without
    ``pair_stiffness`` the comparison changes, so the form cannot leave it out (it is not declared away)."""
    with pytest.raises(ValueError, match=r"leaving out pair_stiffness changes the --reference comparison"):
        scoring_form(toy, leave_out=["pair_stiffness"])


def _vector_claims(monkeypatch: pytest.MonkeyPatch, *, primary_reads_vectors: bool) -> list[Any]:
    """A claim on the toy requiring only ``eigenvalue``, with an alternative estimator that reads ``eigenvector``
    (or, ``primary_reads_vectors``, whose own estimator reads it)."""

    def measure(name: str, value: float) -> Any:
        m = Measurement(name, value, 0.0, value, value, 1.0, "1", {}, None, 1, name)
        return type("Result", (), {"x": m})()

    def from_values(point: xr.Dataset, settings: Any) -> Any:
        return measure("mean eigenvalue", float(point["eigenvalue"].mean()))

    def from_vectors(point: xr.Dataset, settings: Any) -> Any:
        return measure("mean |vector|", float(abs(point["eigenvector"]).mean()))  # KeyError without them

    monkeypatch.setitem(scoring.VALIDATORS, "test_values", from_values)
    monkeypatch.setitem(scoring.VALIDATORS, "test_vectors", from_vectors)
    base = next(c for c in load_claims() if c.id == "jiang.toy-two-new-poles")
    primary = "test_vectors" if primary_reads_vectors else "test_values"
    alternative = Alternative("from the vectors", "test", "test_vectors", "x", {}, None)
    return [
        replace(
            base,
            id="test.alternative-reads-vectors",
            requires=("eigenvalue",),
            validator=primary,
            quantity="x",
            settings={},
            versus=None,
            alternatives=(alternative,),
            expect=replace(base.expect, kind="greater", value=-1.0),
        )
    ]


def test_an_alternative_estimator_that_reads_a_variable_left_out_is_declared(
    toy: xr.Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The claim still applies and its own result is unchanged: only its alternative is left out."""
    claims = _vector_claims(monkeypatch, primary_reads_vectors=False)
    form = scoring_form(toy, claims, leave_out="eigenvector")
    assert form.claims_left_out == ()
    assert form.alternatives_left_out == {"test.alternative-reads-vectors": ("from the vectors",)}
    assert json.loads(form.dataset.attrs[ALTERNATIVES_LEFT_OUT_ATTRIBUTE]) == {
        "test.alternative-reads-vectors": ["from the vectors"]
    }
    assert "test.alternative-reads-vectors [from the vectors]" in form.dataset.attrs[FORM_ATTRIBUTE]
    verify_scoring_form(toy, form.dataset, claims)
    with pytest.raises(
        ScoringFormMismatch, match=r"declares claims \[\], alternatives \{\} and --reference parts \[\] left out"
    ):
        verify_scoring_form(toy, _tampered(form.dataset, **{ALTERNATIVES_LEFT_OUT_ATTRIBUTE: "{}"}), claims)


def test_a_claim_that_reads_a_variable_left_out_without_requiring_it_is_refused(
    toy: xr.Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    claims = _vector_claims(monkeypatch, primary_reads_vectors=True)
    with pytest.raises(
        ValueError,
        match=r"changes the result of claim test\.alternative-reads-vectors, which still "
        r"applies .* fix: keep them, or name them in the claim's requires",
    ):
        scoring_form(toy, claims, leave_out=["eigenvector"])


def test_cli_compact_scoring_form_leave_out(
    tmp_path: Path, toy: xr.Dataset, capsys: pytest.CaptureFixture[str]
) -> None:
    full = write(toy, tmp_path / "full.nc")
    form_path = tmp_path / "form.nc"
    args = ["compact", str(full), str(form_path), "--scoring-form"]
    assert main([*args, "--leave-out", "eigenvector,coordination", "--leave-out", "local_response"]) == 0
    out = capsys.readouterr().out
    assert (
        "left out on purpose eigenvector, coordination, local_response; claims that need the full set "
        "(vdosbench build NAME): jiang.toy-two-new-poles"
    ) in out
    assert "scores as the full set: verified" in out
    with open_dataset(form_path) as written:
        assert "eigenvector" not in written and "coordination" not in written
        assert json.loads(written.attrs[LEFT_OUT_ATTRIBUTE]) == ["eigenvector", "coordination", "local_response"]
        verify_scoring_form(toy, written.load())
    # scored: the claim left out is 'not measurable' (the toy's only claim: exit 3, nothing tested), and the
    # reports say the form left its variable out on purpose
    assert main(["score", str(form_path), "--output", str(tmp_path / "scored"), "--no-cross-check"]) == 3
    assert "this scoring form left them out on purpose" in capsys.readouterr().out
    result = next(
        r
        for r in json.loads((tmp_path / "scored" / "result.json").read_text())["results"]
        if r["id"] == "jiang.toy-two-new-poles"
    )
    assert result["verdict"] == "not applicable" and "left them out on purpose" in result["reason"]
    report = (tmp_path / "scored" / "report.md").read_text()
    assert "## Not measurable" in report and "the claim needs the full set (vdosbench build NAME" in report
    # refused: without --scoring-form, and a name the set does not hold (nothing written)
    assert main(["compact", str(full), str(tmp_path / "x.nc"), "--leave-out", "eigenvector"]) == 2
    assert "go with --scoring-form" in capsys.readouterr().err
    assert main([*args[:2], str(tmp_path / "y.nc"), "--scoring-form", "--leave-out", "eigenvalue"]) == 2
    assert "leave_out names 'eigenvalue'" in capsys.readouterr().err
    assert not (tmp_path / "x.nc").exists() and not (tmp_path / "y.nc").exists()
