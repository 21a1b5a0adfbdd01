"""A run reads the parts it wrote itself in-process and only the parts it found on disk in the isolated reader.

Issue 65 item 1 (a small ``vdosbench generate`` costs more than the same samples in-process): combining the
parts used to start the isolated reader (a process of its own, ≈ 1.5 CPU s) even when every part was written by
this very run.  The isolation guards against files the run did not write (a resume's older parts, a part copied in
or damaged on disk), so those still go through it; the parts the run has just written are read here, with the same
checks.  Here ``run_isolated`` is watched: a fresh run calls it never, a resume exactly for the parts it found, and
both give the same dataset; a damaged part passed as the run's own is still refused with the part's fix.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import xarray as xr

from vdosbench.datasets import VDOSReadError, open_part, part_load_bytes
from vdosbench.generators import run_ensemble


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    """A Dask client whose workers are threads of this process (the watch below sees the whole run)."""
    from distributed import Client

    with Client(processes=False, n_workers=1, threads_per_worker=1, dashboard_address=None) as c:
        yield c


@pytest.fixture
def isolated_paths(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The paths of every call of the isolated reader from :mod:`vdosbench.datasets.io`, the calls still made."""
    seen: list[Path] = []
    # the reader is watched where the io module calls it (a seam inside the package: no face exports it)
    real = importlib.import_module("vdosbench.datasets.io").run_isolated

    def watched(function: Any, args: tuple[Any, ...], *, paths: list[Path], **kwargs: Any) -> Any:
        seen.extend(Path(p) for p in paths)
        return real(function, args, paths=paths, **kwargs)

    monkeypatch.setattr("vdosbench.datasets.io.run_isolated", watched)
    return seen


def _run(out: Path, client: Any) -> xr.Dataset:
    return run_ensemble("nine_node_toy", n_samples=3, root_seed=7, output=out, client=client, progress=False)


def test_a_fresh_run_reads_its_own_parts_without_the_isolated_reader(
    tmp_path: Path, client: Any, isolated_paths: list[Path]
) -> None:
    ds = _run(tmp_path / "run", client)
    assert isolated_paths == []
    assert ds.sizes["sample"] == 3
    xr.testing.assert_identical(ds, xr.load_dataset(tmp_path / "run" / "ensemble.nc"))


def test_a_resume_reads_exactly_the_parts_it_found_in_the_isolated_reader(
    tmp_path: Path, client: Any, isolated_paths: list[Path]
) -> None:
    fresh = _run(tmp_path / "fresh", client)
    out = tmp_path / "resumed"
    _run(out, client)
    parts = sorted((out / "parts").rglob("*.nc"))
    assert len(parts) >= 2
    (out / "ensemble.nc").unlink()
    parts[0].unlink()
    isolated_paths.clear()

    resumed = _run(out, client)
    assert set(isolated_paths) == set(parts[1:])  # the headers, then each found part loaded, all isolated
    assert parts[0] not in isolated_paths
    xr.testing.assert_identical(resumed.drop_attrs(), fresh.drop_attrs())


def test_a_damaged_part_given_as_the_runs_own_is_refused_with_the_parts_fix(tmp_path: Path) -> None:
    part = tmp_path / "parts" / "sample-0000.nc"
    part.parent.mkdir()
    part.write_bytes(b"\x89HDF\r\n\x1a\n" + b"\x00" * 64)  # an HDF5 signature and nothing readable behind it
    with pytest.raises(VDOSReadError, match=r"(?s)sample-0000\.nc is a damaged part file of this run.*Fix: delete"):
        open_part(part, written_here=True)
    with pytest.raises(VDOSReadError, match=r"(?s)sample-0000\.nc is a damaged part file.*Fix: delete"):
        part_load_bytes([part], written_here=[part])
