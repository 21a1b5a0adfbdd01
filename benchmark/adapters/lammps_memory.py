"""The memory bound of the LAMMPS text readers (issue 64 item 2, fault G5).

``read_lammps_data`` and ``read_lammps_dump`` hold a file's text, its lines and the split rows at once before the
arrays are made: a 184 MB data file took 2.8 GB and a dump 3.3 GB (fault probe of 2026-11-28), with no bound.
Before a byte is read, :func:`check_text_memory` asks the memory bound
(:func:`vdosbench.datasets.check_memory`) for :data:`LAMMPS_TEXT_COPIES` times the file's size — the peak measured
for both readers: 12 – 15 × the size in Python's traced allocations (``tests/benchmark/test_lammps_memory.py``
holds the readers to it) and 15 – 18 × in resident memory for the probe's files — so a file whose reading
would pass the bound is refused with the fix, and one just below it reads within it.
"""

from __future__ import annotations

from pathlib import Path

from vdosbench.datasets.memory import check_memory

__all__ = ["LAMMPS_TEXT_COPIES", "check_text_memory"]

#: Bytes a LAMMPS data or dump file takes to read, per byte of the file (module docstring).
LAMMPS_TEXT_COPIES = 20


def check_text_memory(path: Path, where: str) -> None:
    """Refuse to read ``path`` when :data:`LAMMPS_TEXT_COPIES` times its size exceeds the memory bound.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> small = pathlib.Path(tempfile.mkdtemp()) / "tiny.data"
    >>> _ = small.write_text("tiny\\n")
    >>> check_text_memory(small, "tiny.data (LAMMPS data file)")  # a few bytes: within any bound
    """
    size = path.stat().st_size
    check_memory(
        LAMMPS_TEXT_COPIES * size,
        f"reading {where} ({size / 1e6:.1f} MB of text; the reader holds about {LAMMPS_TEXT_COPIES} times a file's "
        "size at once)",
        "write the structure in a smaller file (one frame of a dump: LAMMPS write_dump ... modify first yes, or "
        "dump_modify every), or score the eigenvalues (.npz or text) your code computed",
    )
