"""Checks of LAMMPS atom ids and types read from data and dump files (issue 64 item 5; faults G4, G9).

An id or type beyond 64-bit integers ended in an ``OverflowError`` ("this is a bug"); a type 0 or negative was
dropped silently.  Both are refused here with what was found and the fix.
"""

from __future__ import annotations

import numpy as np

from .base import AdapterError

__all__ = ["beyond_int64", "check_types"]


def beyond_int64(where: str, what: str) -> str:
    """The message for an id or type that does not fit a 64-bit integer."""
    return (
        f"{where}: {what} has an atom id or type beyond 64-bit integers (2^63 - 1); expected LAMMPS ids and "
        "types (positive integers that LAMMPS itself can hold). Fix: renumber the atoms and types from 1"
    )


def check_types(types: np.ndarray, where: str, present: bool = True) -> None:
    """Refuse a LAMMPS atom type below 1 (issue 64 item 5, G9: types 0 or negative were dropped silently);
    nothing to check when the file has no type column (``present`` False)."""
    if not present:
        return
    bad = types[types < 1]
    if bad.size:
        raise AdapterError(
            f"{where}: {bad.size} atom(s) have type < 1 (e.g. {int(bad[0])}); expected LAMMPS atom types 1, 2, ... "
            "Fix: number the types from 1 (the species are type - 1)"
        )
