"""The command line end to end: generate (on a local Dask cluster) and demo."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from vdosbench.cli import main
from vdosbench.datasets import open_dataset

if TYPE_CHECKING:
    import xarray as xr


@pytest.mark.slow
def test_generate_then_score(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "toy"
    assert (
        main(["generate", "nine_node_toy", "--samples", "1", "--output", str(out), "--workers", "1", "--no-progress"])
        == 0
    )
    ds = open_dataset(out / "ensemble.nc")
    assert ds["eigenvalue"].dims == ("variant", "sample", "mode")
    assert ds.attrs["generator"] == "nine_node_toy"
    assert main(["score", str(out / "ensemble.nc"), "--output", str(tmp_path / "r")]) == 0
    text = capsys.readouterr().out
    assert "supported  jiang.toy-two-new-poles" in text


def test_generate_rejects_unknown_recipes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate", "--recipe", "no_such_recipe", "--output", str(tmp_path / "x")]) == 2
    assert "soft_spheres_n1000_small" in capsys.readouterr().err
    assert (
        main(["generate", "spring_network", "--recipe", "soft_spheres_n1000_small", "--output", str(tmp_path / "y")])
        == 2
    )
    assert "omit the generator" in capsys.readouterr().err
    assert main(["generate", "--output", str(tmp_path / "z")]) == 2
    assert "name a generator or a --recipe" in capsys.readouterr().err


def test_generate_rejects_unknown_names(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate", "no_such_model", "--output", str(tmp_path / "x")]) == 2
    assert "registered generators are" in capsys.readouterr().err
    assert main(["generate", "spring_network", "--set", "n_sides=8", "--output", str(tmp_path / "y")]) == 2
    assert "n_sides" in capsys.readouterr().err
    assert main(["generate", "spring_network", "--grid", "delta", "--output", str(tmp_path / "z")]) == 2
    assert "NAME=VALUE" in capsys.readouterr().err


@pytest.mark.slow
def test_demo_writes_report_with_figures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "demo"
    assert main(["demo", "--output", str(out), "--n-side", "10", "--samples", "3", "--workers", "1"]) == 0
    printed = capsys.readouterr().out
    report = out / "report" / "report.md"
    assert f"report: {report.resolve()}" in printed
    assert f"html:   {(out / 'report' / 'report.html').resolve()}" in printed  # issue 53: the HTML report too
    last = printed.strip().splitlines()[-1]  # says what the exit status means, and what the gate would be
    assert last.startswith("exit 0: the demo ran and its report is written; verdicts are findings here"), last
    assert "with --gate, it would exit" in last
    refuted = [line.split()[1] for line in printed.splitlines() if line.strip().startswith("refuted ")]
    assert all(claim in last for claim in refuted[:4]), (refuted, last)
    text = report.read_text()
    assert "jiang.toy-two-new-poles" in text and "jiang.coordination-excess" in text
    # the applicable claims lead; the ones that do not apply are one table at the end
    detail = text.split("## Claims in detail")[1]
    assert ": not applicable\n" not in detail.split("## Not applicable")[0]
    assert "## Not applicable (" in detail and "| claim | data | why |" in detail
    figures = {p.name for p in (out / "report" / "figures").glob("*.png")}
    assert {
        "spring_network_reduced_dos.png",
        "spring_network_coordination.png",
        "nine_node_toy_local_response.png",
    } <= figures


@pytest.mark.slow
def test_generate_soft_spheres_from_the_cli(tmp_path: Path) -> None:
    """Issue 3: a CLI-produced glass dataset passes check and opens with plain xarray."""
    import xarray as xr

    from vdosbench.datasets import check

    out = tmp_path / "glass"
    argv = [
        "generate",
        "soft_spheres",
        "--grid",
        "taper_order=2,-1",
        "--grid",
        "parent_temperature=1.0",
        "--set",
        "n_particles=64",
        "--set",
        "n_sweeps=20",
        "--set",
        "n_vectors=5",
        "--samples",
        "1",
        "--workers",
        "1",
        "--no-progress",
        "--output",
        str(out),
    ]
    assert main(argv) == 0
    with xr.open_dataset(out / "ensemble.nc") as ds:
        check(ds)
        assert ds["eigenvalue"].dims == ("taper_order", "parent_temperature", "sample", "mode")
        assert ds.sizes["mode"] == 3 * 64
        assert int(ds["zero_mode"].sum()) == 3 * 2  # d translations per sample
        assert float(ds["quench_max_force"].max()) <= 1e-10


# ------------------------------------------------------------------------------
# issue 18, item 3: no empty pass (exit 3 when no claim applies to any input)
# ------------------------------------------------------------------------------

ONE_CLAIM = """
[[claim]]
id = "mock.s4"
source = { file = "none", where = "mock" }
statement = "mock spectra follow g ~ w^4"
applies_to = { generator = "soft_spheres" }
measure = { validator = "power_law_exponent", quantity = "mle", window = [0.0, 1.0], n_bootstrap = 50, seed = 0 }
expect = { kind = "equal", value = 4.0, tolerance = 1.0, basis = "the mock's exponent" }
"""


def _declared(ds: xr.Dataset, generator: str) -> xr.Dataset:
    """``ds`` declaring the generator it came from (with the provenance VDOS-1.0 asks of generated data)."""
    return ds.assign_attrs(generator=generator, generator_version="1", root_seed=0, vdosbench_version="0")


def _third_party_npz(tmp_path: Path) -> Path:
    """A third-party archive: eigenvalues only, no attribute naming one of our generators."""
    import numpy as np

    from vdosbench.datasets import mock_spectrum

    path = tmp_path / "third_party.npz"
    np.savez(path, eigenvalues=mock_spectrum(n_sample=4, n_mode=40, seed=1)["eigenvalue"].values, spatial_dimension=2)
    return path


@pytest.mark.parametrize("strict", [False, True], ids=["default", "strict"])
def test_score_exits_3_when_no_claim_applies(tmp_path: Path, capsys: pytest.CaptureFixture[str], strict: bool) -> None:
    import json

    out = tmp_path / "report"
    argv = ["score", str(_third_party_npz(tmp_path)), "--output", str(out)] + (["--strict"] if strict else [])
    assert main(argv) == 3
    printed = capsys.readouterr().out
    (line,) = [x for x in printed.splitlines() if x.startswith("score:")]
    from vdosbench.benchmark import load_claims

    claims = load_claims()
    by_model = sum("model" in c.applies_to for c in claims)
    assert line.startswith(
        f"score: not a pass (exit status 3): no claim applies to these data (0 of {len(claims)} claims on 1 input)"
    )
    assert (
        f"the dataset has no 'model' attribute or coordinate ({by_model} claims; the claims are about model in" in line
    )
    assert "the dataset has no 'generator' attribute or coordinate (6 claims" in line
    assert "Declare what the claims select on: model, " in line and "parent_temperature" in line
    assert "with --declare KEY=VALUE or in a sidecar file next to the data (DATA.vdos.toml)" in line
    assert "taper_order" in line and "format 'npz' takes none of them" in line
    assert "0/0 applicable claims supported" not in printed
    # the reports are written, and say plainly that this is not a pass
    result = json.loads((out / "result.json").read_text())
    assert result["gate"] == "no-applicable-claims" and result["gate_message"] in line
    assert result["totals"]["applicable"] == 0 and result["totals"]["score"] is None
    for name in ("report.md", "report.html"):
        text = (out / name).read_text()
        assert "No claim applies to these data: nothing was tested, and this is not a pass" in text
        assert "Every applicable claim is supported" not in text


def test_score_names_the_generator_the_claims_are_about(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from vdosbench.datasets import mock_spectrum, write

    claims = tmp_path / "claims.toml"
    claims.write_text(ONE_CLAIM)
    path = write(_declared(mock_spectrum(n_sample=8, n_mode=60, seed=3), "my_md_code"), tmp_path / "x.nc")
    assert main(["score", str(path), "--claims", str(claims), "--output", str(tmp_path / "r")]) == 3
    line = capsys.readouterr().out
    assert "generator is 'my_md_code', the claim is about generator in ['soft_spheres'] (1 claim)" in line
    assert "Declare what the claims select on: generator, as attributes of the dataset" in line


def test_one_applicable_claim_gates_as_before(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Declared data: the claim applies, exit 0 (supported) or 1 (refuted), no exit 3; an input that nothing
    applies to next to one that something applies to gets a note, not exit 3."""
    import json

    from vdosbench.datasets import mock_spectrum, write

    claims = tmp_path / "claims.toml"
    claims.write_text(ONE_CLAIM)
    glass = write(
        _declared(mock_spectrum(n_sample=8, n_mode=60, exponent=4.0, seed=3), "soft_spheres"), tmp_path / "glass.nc"
    )
    out = tmp_path / "ok"
    assert main(["score", str(glass), "--claims", str(claims), "--output", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "score: 1/1 applicable claims supported (refuted 0, inconclusive 0)" in printed
    assert "not a pass" not in printed
    assert json.loads((out / "result.json").read_text())["gate"] == "supported"
    assert "Every applicable claim is supported by these data." in (out / "report.md").read_text()

    claims.write_text(ONE_CLAIM.replace("value = 4.0, tolerance = 1.0", "value = 2.0, tolerance = 0.1"))
    out = tmp_path / "refuted"
    assert main(["score", str(glass), "--claims", str(claims), "--output", str(out)]) == 1
    assert json.loads((out / "result.json").read_text())["gate"] == "refuted"

    claims.write_text(ONE_CLAIM)
    other = write(mock_spectrum(n_sample=4, n_mode=40, seed=1), tmp_path / "other.nc")
    assert main(["score", str(glass), str(other), "--claims", str(claims), "--output", str(tmp_path / "two")]) == 0
    printed = capsys.readouterr().out
    assert "note: other: no claim applies to these data (0 of 1 claim on 1 input)" in printed


def test_score_help_lists_the_exit_statuses(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["score", "--help"])
    assert info.value.code == 0
    text = capsys.readouterr().out
    assert "exit status:" in text
    for code in (
        "0  a claim applies and no gating claim is refuted",
        "1  a gating claim is refuted",
        "2  bad input",
        "3  no claim applies to any input",
        "Every refutation gates except a superseded claim's",
    ):
        assert code in text


def test_demo_gate_exits_3_when_no_claim_applies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``demo --gate`` gates as ``score`` does (here on data no claim is about); plain ``demo`` still exits 0."""
    import vdosbench.generators as generators
    from vdosbench.datasets import mock_spectrum, write

    def fake_ensemble(generator: object, *, output: Path, **kwargs: object) -> None:
        write(mock_spectrum(n_sample=4, n_mode=40, seed=1), Path(output) / "ensemble.nc")

    monkeypatch.setattr(generators, "run_ensemble", fake_ensemble)
    monkeypatch.setattr(generators, "nine_node_toy", lambda: mock_spectrum(n_sample=2, n_mode=20, seed=2))
    assert main(["demo", "--gate", "--output", str(tmp_path / "gated")]) == 3
    assert "score: not a pass (exit status 3): no claim applies to these data" in capsys.readouterr().out
    assert main(["demo", "--output", str(tmp_path / "plain")]) == 0
    assert (tmp_path / "plain" / "report" / "result.json").exists()


# ------------------------------------------------------------------------------
# issue 16: every failure that is no verdict exits 2 with one line; nothing surprises
# ------------------------------------------------------------------------------


def _scored_file(tmp_path: Path) -> Path:
    from vdosbench.datasets import mock_spectrum, write

    return write(
        _declared(mock_spectrum(n_sample=8, n_mode=60, exponent=4.0, seed=3), "soft_spheres"), tmp_path / "glass.nc"
    )


def _one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("vdosbench: error: "), err
    assert "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize("command", ["score", "generate", "demo", "build"])
def test_an_output_folder_that_is_a_file_is_refused_before_any_work(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import vdosbench.benchmark.scorecard as scorecard
    import vdosbench.generators as generators

    def no_work(*args: object, **kwargs: object) -> None:
        raise AssertionError("work started before the output folder was checked")

    monkeypatch.setattr(scorecard, "score_datasets", no_work)
    monkeypatch.setattr(generators, "run_ensemble", no_work)
    blocker = tmp_path / "taken"
    blocker.write_text("a file, not a folder")
    argv = {
        "score": ["score", str(_scored_file(tmp_path)), "--output", str(blocker)],
        "generate": ["generate", "nine_node_toy", "--output", str(blocker / "sub")],
        "demo": ["demo", "--output", str(blocker)],
        "build": ["build", "nine-node-toy", "--output", str(blocker)],
    }[command]
    assert main(argv) == 2
    line = _one_line(capsys.readouterr().err)
    assert "expected a folder" in line and "Fix:" in line and str(blocker) in line
    assert blocker.read_text() == "a file, not a folder"


def test_an_output_folder_that_is_not_writable_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    locked = tmp_path / "locked"
    locked.mkdir()
    real_access = os.access
    # chmod alone does not stop root, so the permission check itself is made to see a read-only folder
    monkeypatch.setattr(
        os, "access", lambda path, mode, **kw: False if Path(path) == locked else real_access(path, mode)
    )
    assert main(["score", str(_scored_file(tmp_path)), "--output", str(locked / "report")]) == 2
    line = _one_line(capsys.readouterr().err)
    assert f"its parent {locked} is not writable" in line and "Fix:" in line
    assert main(["generate", "nine_node_toy", "--output", str(locked)]) == 2
    assert "it is not writable" in _one_line(capsys.readouterr().err)
    assert not any(locked.iterdir())


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (MemoryError(), "ran out of memory"),
        (PermissionError(13, "Permission denied", "/out/report.md"), "PermissionError during score (/out/report.md)"),
        (NotADirectoryError(20, "Not a directory", "/out/figures"), "NotADirectoryError"),
        (OSError("Timed out trying to connect to tcp://x:8786"), "OSError during score"),
        (RuntimeError("boom"), "failed with RuntimeError: boom"),
    ],
    ids=["memory", "permission", "not-a-directory", "dask-oserror", "other"],
)
def test_a_crash_while_scoring_exits_2_not_1(
    error: BaseException,
    words: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Exit 1 means a refuted claim; a crash is no verdict."""
    import vdosbench.benchmark.scorecard as scorecard

    def crash(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(scorecard, "score_datasets", crash)
    assert main(["score", str(_scored_file(tmp_path)), "--output", str(tmp_path / "r")]) == 2
    line = _one_line(capsys.readouterr().err)
    assert words in line and ("Fix:" in line or "Fix" in line)


def test_an_ensemble_error_exits_2_with_the_failed_parts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import vdosbench.generators as generators
    from vdosbench.generators import EnsembleError, PartFailure

    def failing(*args: object, output: Path, **kwargs: object) -> None:
        failure = PartFailure(
            "variant='added', sample=0", Path(output) / "x.nc", ValueError("bad"), "SeedSequence(1, spawn_key=(0,))"
        )
        raise EnsembleError([failure], 3, Path(output))

    monkeypatch.setattr(generators, "run_ensemble", failing)
    assert main(["generate", "nine_node_toy", "--samples", "1", "--output", str(tmp_path / "toy")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("vdosbench: error: 1 of 3 part(s)") and "Traceback" not in err
    assert "variant='added', sample=0 (seed SeedSequence(1, spawn_key=(0,))): ValueError: bad" in err


def test_samples_must_be_at_least_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (
        ["generate", "nine_node_toy", "--samples", "0", "--output", str(tmp_path / "x")],
        ["demo", "--samples", "0", "--output", str(tmp_path / "y")],
        ["generate", "nine_node_toy", "--workers", "0", "--output", str(tmp_path / "z")],
    ):
        with pytest.raises(SystemExit) as info:
            main(argv)
        assert info.value.code == 2
        assert "expected an integer ≥ 1, found 0" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("command", ["generate", "build"])
def test_workers_with_a_scheduler_is_refused(command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    name = "nine_node_toy" if command == "generate" else "nine-node-toy"
    argv = [command, name, "--workers", "2", "--scheduler", "tcp://127.0.0.1:1", "--output", str(tmp_path / "x")]
    assert main(argv) == 2
    line = _one_line(capsys.readouterr().err)
    assert "--workers 2 with --scheduler" in line and "would be ignored" in line and "Fix: drop --workers" in line
    assert not (tmp_path / "x").exists()


def test_a_bad_parameter_is_refused_before_any_file_and_a_corrected_run_proceeds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--set n_side=abc`` fails in this process, writes nothing (no ensemble.json to block a re-run)."""
    import vdosbench.generators.engine.ensemble as ensemble

    def no_cluster(*args: object, **kwargs: object) -> None:
        raise AssertionError("a Dask cluster was started for refused parameters")

    monkeypatch.setattr(ensemble, "_dask_client", no_cluster)
    out = tmp_path / "net"
    assert main(["generate", "spring_network", "--set", "n_side=abc", "--samples", "1", "--output", str(out)]) == 2
    line = _one_line(capsys.readouterr().err)
    assert "n_side must be an integer ≥ 3, found 'abc'" in line and "Nothing was computed or written" in line
    assert not out.exists()
    assert (
        main(["generate", "spring_network", "--grid", "delta=0.1,0.6", "--set", "n_side=4", "--output", str(out)]) == 2
    )
    assert "at grid point delta=0.6" in _one_line(capsys.readouterr().err)
    assert not out.exists()
    monkeypatch.undo()
    argv = [
        "generate",
        "spring_network",
        "--grid",
        "delta=0.1",
        "--grid",
        "connectivity=cutoff",
        "--set",
        "n_side=4",
        "--set",
        "n_vectors=2",
        "--samples",
        "1",
        "--workers",
        "1",
        "--no-progress",
        "--output",
        str(out),
    ]
    assert main(argv) == 0, capsys.readouterr().err
    ds = open_dataset(out / "ensemble.nc")
    # the left-out grid parameter (spring) keeps its default values; the given ones override theirs
    assert ds["eigenvalue"].dims == ("delta", "connectivity", "spring", "sample", "mode")
    assert list(ds["delta"].values) == [0.1] and list(ds["connectivity"].values) == ["cutoff"]
    assert ds.sizes["spring"] == 2


def test_a_failed_score_leaves_no_old_report_looking_current(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import vdosbench.benchmark.scorecard as scorecard

    data = _scored_file(tmp_path)
    claims = tmp_path / "claims.toml"
    claims.write_text(ONE_CLAIM)
    out = tmp_path / "r"
    assert main(["score", str(data), "--claims", str(claims), "--output", str(out)]) == 0
    old = {p.name for p in out.iterdir()}
    assert {"report.md", "report.html", "result.json", "figures"} <= old
    assert list((out / "figures").glob("*.png"))

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("scoring broke")

    monkeypatch.setattr(scorecard, "score_datasets", crash)
    assert main(["score", str(data), "--claims", str(claims), "--output", str(out)]) == 2
    assert not [p for p in out.rglob("*") if p.is_file()], sorted(out.rglob("*"))
    monkeypatch.undo()
    assert main(["score", str(data), "--claims", str(claims), "--output", str(out)]) == 0
    assert main(["score", str(tmp_path / "missing.nc"), "--claims", str(claims), "--output", str(out)]) == 2
    assert not (out / "report.md").exists() and not (out / "result.json").exists()


def test_report_escapes_user_strings(tmp_path: Path) -> None:
    from vdosbench.benchmark import load_claims
    from vdosbench.benchmark import write_report
    from vdosbench.benchmark.scorecard import read_input, score_datasets
    from vdosbench.datasets import mock_spectrum

    claims = tmp_path / "claims.toml"
    claims.write_text(ONE_CLAIM)
    ds = _declared(
        mock_spectrum(n_sample=8, n_mode=60, exponent=4.0, seed=3, parameters={"label": ["a|b", "<x>"]}), "soft_spheres"
    )
    name = "my_data|*[v1]* #2"
    inputs = [read_input(ds, name=name)]
    write_report(
        score_datasets(inputs, load_claims(claims), str(tmp_path / "odd_[claims].toml")), inputs, tmp_path / "r"
    )
    text = (tmp_path / "r" / "report.md").read_text()
    assert name not in text
    assert r"my\_data\|\*\[v1\]\* \#2" in text
    assert r"label=a\|b" in text and r"label=\<x\>" in text and "<x>" not in text
    assert r"odd\_\[claims\].toml" in text
    verdict_rows = [line for line in text.splitlines() if line.startswith("| `mock.s4`")]
    assert verdict_rows and all(line.replace(r"\|", "").count("|") == 7 for line in verdict_rows)  # 6 columns


@pytest.mark.parametrize("command", ["generate", "build", "demo"])
def test_help_of_each_command_lists_its_exit_statuses(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    text = capsys.readouterr().out
    assert "exit status" in text and "2" in text
    if command != "demo":
        done = "0  reproduced" if command == "build" else "0  done"
        assert done in text and "output folder that is a file or not writable" in text
    if command == "build":
        assert "1  not reproduced" in text and "3  not verified" in text
