"""LAMMPS ids and types beyond int64 (G4) and types below 1 (G9) are refused with the fix (issue 64 item 5)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vdosbench.benchmark.adapters import AdapterError
from vdosbench.benchmark.adapters.lammps import read_lammps_data, read_lammps_dump

_HEAD = "title\n\n8 atoms\n2 atom types\n0 2 xlo xhi\n0 2 ylo yhi\n0 2 zlo zhi\n\nAtoms # atomic\n\n"
_XYZ = np.random.default_rng(2).random((8, 3)) * 2


def _data(path: Path, ids: list[int], types: list[int]) -> Path:
    path.write_text(_HEAD + "\n".join(f"{i} {t} {x} {y} {z}" for i, t, (x, y, z) in zip(ids, types, _XYZ)) + "\n")
    return path


def _dump(path: Path, ids: list[int], types: list[int]) -> Path:
    path.write_text(
        "ITEM: TIMESTEP\n0\nITEM: NUMBER OF ATOMS\n8\nITEM: BOX BOUNDS pp pp pp\n0 2\n0 2\n0 2\n"
        "ITEM: ATOMS id type x y z\n"
        + "\n".join(f"{i} {t} {x} {y} {z}" for i, t, (x, y, z) in zip(ids, types, _XYZ))
        + "\n"
    )
    return path


@pytest.mark.parametrize("write", [_data, _dump], ids=["data", "dump"])
def test_ids_and_types_beyond_int64_are_refused(tmp_path: Path, write) -> None:
    """G4's reproduction: ids 2^64 + i, or a type 2^70, ended in 'OverflowError ... this is a bug'."""
    with pytest.raises(AdapterError, match=r"beyond 64-bit integers.*Fix: renumber"):
        read = read_lammps_data if write is _data else read_lammps_dump
        read(write(tmp_path / "ids", [2**64 + i for i in range(8)], [1] * 8))
    with pytest.raises(AdapterError, match=r"beyond 64-bit integers") as refused:
        read(write(tmp_path / "types", list(range(1, 9)), [2**70] + [1] * 7))
    if write is _dump:  # the frame read is named by its index (0: the only one), not by the -1 that asked for it
        assert "frame 0 has" in str(refused.value) and "frame -1" not in str(refused.value)


@pytest.mark.parametrize("write", [_data, _dump], ids=["data", "dump"])
@pytest.mark.parametrize("bad", [0, -1], ids=["zero", "negative"])
def test_types_below_one_are_refused(tmp_path: Path, write, bad: int) -> None:
    """G9: a type 0 or negative was dropped silently (the species then missing from the cross-code check)."""
    read = read_lammps_data if write is _data else read_lammps_dump
    with pytest.raises(AdapterError, match=rf"1 atom\(s\) have type < 1 \(e.g. {bad}\).*Fix: number the types"):
        read(write(tmp_path / "t", list(range(1, 9)), [bad] + [1] * 7))
    structure = read(write(tmp_path / "ok", list(range(1, 9)), [2] + [1] * 7))  # the case that reads
    assert sorted(np.asarray(structure.types).tolist()) == [1] * 7 + [2]
