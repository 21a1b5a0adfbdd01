"""A report folder keeps every file vdosbench did not write (fault G6 of 2026-11-28, issue 64 item 3).

``score --output DIR`` replaced an existing ``DIR/figures/`` as a whole, deleting the user's files in it, and
``--output ""`` wrote into the current folder.  Reports now replace only the files their manifest lists.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from vdosbench.benchmark.report_folder import (
    MANIFEST_NAME,
    ReportFolderError,
    move_report_into_place,
    read_manifest,
    remove_previous_report,
)
from vdosbench.cli import main


def _npz(path: Path) -> Path:
    rng = np.random.default_rng(0)
    np.savez(path, eigenvalues=np.sort(rng.uniform(0.1, 4, (3, 60)), axis=1), spatial_dimension=3)
    return path


def test_score_keeps_the_users_figures_and_replaces_its_own(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """G6's reproduction: a paper folder with ``figures/fig1.pdf`` and ``notes.txt``, scored into twice."""
    paper = tmp_path / "paper"
    (paper / "figures").mkdir(parents=True)
    (paper / "figures" / "fig1.pdf").write_text("my figure")
    (paper / "figures" / "old.png").write_text("my png")  # a .png of the user's: the old cleanup deleted it too
    (paper / "notes.txt").write_text("notes")
    data = _npz(tmp_path / "g6.npz")
    for _ in range(2):  # the second run replaces the first run's files
        assert main(["score", str(data), "--declare", "model=glass", "--output", str(paper)]) in (0, 1)
        files, created = read_manifest(paper)
        assert (paper / "figures" / "fig1.pdf").read_text() == "my figure"
        assert (paper / "figures" / "old.png").read_text() == "my png"
        assert (paper / "notes.txt").read_text() == "notes"
        assert {"report.md", "report.html", "result.json"} <= set(files) and not created
        assert "figures/fig1.pdf" not in files and "figures/old.png" not in files and "notes.txt" not in files
        assert all((paper / f).is_file() for f in files)
        assert any(f.startswith("figures/") for f in files)  # the report's own figures are listed
    capsys.readouterr()


def test_a_report_name_that_vdosbench_did_not_write_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The user's own ``report.md`` in the folder is neither deleted nor replaced: exit 2, what/found/fix."""
    paper = tmp_path / "paper"
    paper.mkdir()
    (paper / "report.md").write_text("my report")
    assert main(["score", str(_npz(tmp_path / "d.npz")), "--declare", "model=glass", "--output", str(paper)]) == 2
    err = capsys.readouterr().err
    assert "report.md, which no vdosbench report wrote" in err and "expected a new folder" in err, err
    assert "Fix: pass another --output folder" in err and "bug" not in err, err
    assert (paper / "report.md").read_text() == "my report"
    assert sorted(p.name for p in paper.iterdir()) == ["report.md"]


@pytest.mark.parametrize(
    "argv",
    [
        ["score", "x.npz"],
        ["generate", "spring_network"],
        ["build", "nine-node-toy"],
        ["demo"],
        ["compare-codes", "x.json"],
    ],
    ids=["score", "generate", "build", "demo", "compare-codes"],
)
@pytest.mark.parametrize("empty", ["", "  "], ids=["empty", "blank"])
def test_an_empty_output_is_refused(
    argv: list[str], empty: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--output ""`` (an unset ``$DIR``) read as the current folder; now refused before anything runs."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as stop:
        main([*argv, "--output", empty])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "expected an output folder" in err and "found an empty argument" in err and "--output ." in err, err
    assert list(tmp_path.iterdir()) == []


def _stage(folder: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text)
    return folder


def test_moving_a_report_replaces_and_deletes_only_its_own_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    first = _stage(
        tmp_path / "s1", {"report.md": "1", "result.json": "{}", "figures/a.png": "a1", "figures/b.png": "b"}
    )
    move_report_into_place(first, out)
    assert read_manifest(out) == (["figures/a.png", "figures/b.png", "report.md", "result.json"], True)
    (out / "figures" / "mine.pdf").write_text("user")
    second = _stage(tmp_path / "s2", {"report.md": "2", "result.json": "{}", "figures/a.png": "a2"})
    move_report_into_place(second, out)
    assert (out / "figures" / "a.png").read_text() == "a2" and (out / "report.md").read_text() == "2"
    assert not (out / "figures" / "b.png").exists()  # the last report's, not written again
    assert (out / "figures" / "mine.pdf").read_text() == "user"
    remove_previous_report(out)  # what a score does first: only the report's own files go
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == ["figures", "figures/mine.pdf"]


def test_a_foreign_figure_of_the_same_name_is_refused_before_anything_moves(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "figures").mkdir(parents=True)
    (out / "figures" / "a.png").write_text("user's a.png")
    stage = _stage(tmp_path / "s", {"report.md": "new", "figures/a.png": "ours"})
    with pytest.raises(ReportFolderError, match=r"holds figures/a.png, which no vdosbench report wrote.*Fix:"):
        move_report_into_place(stage, out)
    assert (out / "figures" / "a.png").read_text() == "user's a.png" and not (out / "report.md").exists()
    assert not (out / MANIFEST_NAME).exists()


def test_a_manifest_naming_paths_outside_the_report_is_ignored(tmp_path: Path) -> None:
    """The manifest is a file in the user's folder: a listed ``../x`` or absolute path is never deleted."""
    outside = tmp_path / "keep.txt"
    outside.write_text("keep")
    out = tmp_path / "out"
    (out / "deep" / "er").mkdir(parents=True)
    (out / "deep" / "er" / "x.txt").write_text("keep")
    (out / MANIFEST_NAME).write_text(json.dumps({"files": ["../keep.txt", str(outside), "deep/er/x.txt", "."]}))
    remove_previous_report(out)
    assert outside.read_text() == "keep" and (out / "deep" / "er" / "x.txt").read_text() == "keep"


def test_control_bytes_of_a_file_name_do_not_reach_the_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """F17's reproduction: ESC and BEL bytes of a file name landed raw in the Inputs table of both reports."""
    data = _npz(tmp_path / "e\x1b[2J\x1b]0;pwned\x07.npz")
    out = tmp_path / "f17"
    assert main(["score", str(data), "--declare", "model=glass", "--output", str(out)]) in (0, 1)
    capsys.readouterr()
    for name in ("report.md", "report.html"):
        text = (out / name).read_text()
        assert "\x1b" not in text and "\x07" not in text, name
        assert "\\x1b" in text and "\\x07" in text, name  # written as escapes, as on the terminal
