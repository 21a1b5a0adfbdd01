"""The command line end to end: generate (on a local Dask cluster) and demo."""

from __future__ import annotations

from pathlib import Path

import pytest

from vdosbench.benchmark.cli import main
from vdosbench.datasets import open_dataset


@pytest.mark.slow
def test_generate_then_score(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "toy"
    assert main(["generate", "nine_node_toy", "--samples", "1", "--output", str(out), "--workers", "1", "--no-progress"]) == 0
    ds = open_dataset(out / "ensemble.nc")
    assert ds["eigenvalue"].dims == ("variant", "sample", "mode")
    assert ds.attrs["generator"] == "nine_node_toy"
    assert main(["score", str(out / "ensemble.nc"), "--output", str(tmp_path / "r")]) == 0
    text = capsys.readouterr().out
    assert "supported  jiang.toy-two-new-poles" in text


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
    assert main(["demo", "--output", str(out), "--n-side", "10", "--samples", "3", "--workers", "2"]) == 0
    printed = capsys.readouterr().out
    report = out / "report" / "report.md"
    assert f"report: {report.resolve()}" in printed
    text = report.read_text()
    assert "jiang.toy-two-new-poles" in text and "jiang.coordination-excess" in text
    figures = {p.name for p in (out / "report" / "figures").glob("*.png")}
    assert {"spring_network_reduced_dos.png", "spring_network_coordination.png", "nine_node_toy_local_response.png"} <= figures
