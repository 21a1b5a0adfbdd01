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


def test_generate_rejects_unknown_recipes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate", "--recipe", "no_such_recipe", "--output", str(tmp_path / "x")]) == 2
    assert "soft_spheres_n1000_small" in capsys.readouterr().err
    assert main(["generate", "spring_network", "--recipe", "soft_spheres_n1000_small", "--output", str(tmp_path / "y")]) == 2
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
    assert main(["demo", "--output", str(out), "--n-side", "10", "--samples", "3", "--workers", "2"]) == 0
    printed = capsys.readouterr().out
    report = out / "report" / "report.md"
    assert f"report: {report.resolve()}" in printed
    text = report.read_text()
    assert "jiang.toy-two-new-poles" in text and "jiang.coordination-excess" in text
    figures = {p.name for p in (out / "report" / "figures").glob("*.png")}
    assert {"spring_network_reduced_dos.png", "spring_network_coordination.png", "nine_node_toy_local_response.png"} <= figures


@pytest.mark.slow
def test_generate_soft_spheres_from_the_cli(tmp_path: Path) -> None:
    """Issue 3: a CLI-produced glass dataset passes check and opens with plain xarray."""
    import xarray as xr

    from vdosbench.datasets import check

    out = tmp_path / "glass"
    argv = [
        "generate", "soft_spheres", "--grid", "taper_order=2,-1", "--grid", "parent_temperature=1.0",
        "--set", "n_particles=64", "--set", "n_sweeps=20", "--set", "n_vectors=5",
        "--samples", "1", "--workers", "1", "--no-progress", "--output", str(out),
    ]
    assert main(argv) == 0
    with xr.open_dataset(out / "ensemble.nc") as ds:
        check(ds)
        assert ds["eigenvalue"].dims == ("taper_order", "parent_temperature", "sample", "mode")
        assert ds.sizes["mode"] == 3 * 64
        assert int(ds["zero_mode"].sum()) == 3 * 2  # d translations per sample
        assert float(ds["quench_max_force"].max()) <= 1e-10
