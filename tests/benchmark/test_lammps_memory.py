"""The LAMMPS data and dump readers hold the memory bound (issue 64 item 2, fault G5): a file whose reading would
pass the bound is refused before it is read, with what it needs and the fix; one just below it is read, and the
readers' traced peak stays within the stated multiple of the file's size."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from vdosbench.benchmark.adapters import read_lammps_data, read_lammps_dump
from vdosbench.benchmark.adapters.lammps_memory import LAMMPS_TEXT_COPIES
from vdosbench.datasets import MEMORY_LIMIT_ENV, MemoryBoundError


def _files(folder: Path, n: int) -> tuple[Path, Path]:
    """A data file and a one-frame dump of the same n atoms (10 digits a coordinate, as LAMMPS writes them)."""
    rng = np.random.default_rng(0)
    box = (n / 1.2) ** (1 / 3)
    pos = rng.random((n, 3)) * box
    rows = "".join(f"{i + 1} {1 + i % 2} {x:.10f} {y:.10f} {z:.10f}\n" for i, (x, y, z) in enumerate(pos))
    data, dump = folder / "glass.data", folder / "glass.dump"
    data.write_text(
        f"made for a test\n\n{n} atoms\n2 atom types\n0 {box} xlo xhi\n0 {box} ylo yhi\n0 {box} zlo zhi\n"
        f"\nMasses\n\n1 1.0\n2 1.0\n\nAtoms # atomic\n\n{rows}"
    )
    dump.write_text(
        f"ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n{n}\nITEM: BOX BOUNDS pp pp pp\n0 {box}\n0 {box}\n"
        f"0 {box}\nITEM: ATOMS id type x y z\n{rows}"
    )
    return data, dump


@pytest.mark.parametrize("which", ["data", "dump"])
def test_a_file_over_the_bound_is_refused_before_it_is_read(tmp_path: Path, monkeypatch, which: str) -> None:
    data, dump = _files(tmp_path, 2000)
    path, read = (data, read_lammps_data) if which == "data" else (dump, read_lammps_dump)
    monkeypatch.setenv(MEMORY_LIMIT_ENV, str(LAMMPS_TEXT_COPIES * path.stat().st_size // 2))
    with pytest.raises(MemoryBoundError, match=r"(?s)LAMMPS .* file.*MB of text.*smaller file"):
        read(path)


@pytest.mark.parametrize("which", ["data", "dump"])
def test_just_below_the_bound_the_read_stays_within_it(tmp_path: Path, monkeypatch, which: str) -> None:
    data, dump = _files(tmp_path, 20000)
    path, read = (data, read_lammps_data) if which == "data" else (dump, read_lammps_dump)
    need = LAMMPS_TEXT_COPIES * path.stat().st_size
    monkeypatch.setenv(MEMORY_LIMIT_ENV, str(need + 1))
    tracemalloc.start()
    try:
        structure = read(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert structure.positions.shape == (20000, 3)
    assert peak <= need, f"traced peak {peak / path.stat().st_size:.1f} x the file's size"


def test_the_refusal_is_exit_2_with_the_fix_in_a_command(tmp_path: Path, monkeypatch, capsys) -> None:
    """The command line's guard (what ``vdosbench score --format lammps-dynmat`` runs the readers in) turns the
    refusal into exit 2 and one line with what, found and fix."""
    import argparse

    from vdosbench.cli.errors import run_guarded

    data, _ = _files(tmp_path, 2000)
    monkeypatch.setenv(MEMORY_LIMIT_ENV, str(LAMMPS_TEXT_COPIES * data.stat().st_size // 2))
    status = run_guarded(lambda args: read_lammps_data(data) and 0, argparse.Namespace(command="score"))
    err = capsys.readouterr().err
    assert status == 2 and "LAMMPS data file" in err and "smaller file" in err and "Traceback" not in err, err
