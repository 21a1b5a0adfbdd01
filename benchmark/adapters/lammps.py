"""Adapter ``lammps-dynmat``: the file of LAMMPS's ``dynamical_matrix`` command, plus data/dump files.

What LAMMPS writes (PHONON package, ``src/PHONON/dynamical_matrix.cpp``)
-----------------------------------------------------------------------
``dynamical_matrix group-ID style gamma keyword value ...`` with
``style`` = ``regular`` or ``eskm``, ``gamma`` = the finite-difference
displacement δ, and keywords ``file NAME`` and ``binary yes|no|gzip``.
For every atom i of the group, in increasing atom ID, and each direction
α = x, y, z, it displaces the atom by ±δ and writes one row of the matrix

    D_(iα),(jβ) = [F_jβ(x_iα − δ) − F_jβ(x_iα + δ)] / (2 δ √(m_i m_j)) · c,

for every atom j of the group (increasing ID) and β = x, y, z: the central
finite difference of the Hessian, already *mass-weighted*, so its
eigenvalues are λ = ω².  The matrix is 3N × 3N whatever the dimension of the
run (a 2D run has z rows and columns too).  As text, each row of 3N numbers is
printed three per line with ``%4.8f`` (8 decimals, so entries are rounded to
10⁻⁸ in the units below); ``binary yes`` writes the rows as raw native
doubles; ``binary gzip`` writes the text gzip-compressed to ``NAME.gz``.

Units: with ``regular``, c = 1 and D is in the run's units of
energy/(distance² · mass): in ``units lj`` that is ε/(m σ²), so λ = ω² in
τ⁻².  With ``eskm``, c converts to (10 J/mol)/(Å² · g/mol) = 10²⁴ s⁻², so λ is
in (rad/ps)² (ω/2π in THz); for ``metal`` c = 9648.5, for ``real`` c = 418.4
(``eskm`` is refused by LAMMPS for ``lj`` units).  Give ``style=`` and
``unit_style=`` to record the units; the numbers are not rescaled.

Assumptions of this adapter
---------------------------
* Row and column order is atom ID order of the group (as LAMMPS writes it);
  data/dump files are sorted by atom ID to match.
* ``fold yes`` (columns for all atoms, rows for the group) gives a
  non-square matrix and is refused.
* Binary files hold little-endian float64 (LAMMPS writes native doubles;
  x86-64 and ARM64 are little-endian).
* The matrix is symmetrised, (D + Dᵀ)/2, after checking that its asymmetry
  max|D − Dᵀ| / max|D| is below ``symmetry_tolerance``; the asymmetry found
  is recorded (``lammps_asymmetry``).
* ``spatial_dimension=2`` keeps the x, y rows and columns; the x,y–z
  coupling must vanish (it does in a 2D run) and the z block is dropped.
* Memory: before the file is read, its number of entries (binary: size / 8;
  text: size over the bytes per number of its first 64 kB; gzip: checked
  while it decompresses) times :data:`~vdosbench.benchmark.adapters.lammps_dynmat.DYNMAT_COPIES` dense copies is checked
  against the memory bound (:func:`vdosbench.datasets.check_memory`).

Positions and box (optional)
    ``data_file``: a ``write_data``/``read_data`` file with an orthogonal
    box and an ``Atoms`` section in style atomic (default), charge, sphere
    (diameters are kept; atom types are kept as ``species`` = type − 1), bond, angle, molecular or full (the style is read
    from the ``Atoms # style`` comment).  ``dump_file``: a text dump with
    ``ITEM: ATOMS id ...`` and x y z, xu yu zu or xs ys zs columns
    (``diameter`` or ``radius`` kept), frame ``dump_frame`` (default last).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np


from .base import AdapterError
from .lammps_ids import beyond_int64, check_types
from .lammps_memory import check_text_memory

__all__ = [
    "ATOM_STYLE_COLUMNS",
    "DYNMAT_STYLES",
    "LammpsStructure",
    "read_lammps_data",
    "read_lammps_dump",
]

#: ``dynamical_matrix`` styles and the units of λ each gives.
DYNMAT_STYLES = {
    "regular": "energy/(distance^2 mass) in the LAMMPS units of the run",
    "eskm": "rad^2 ps^-2 (LAMMPS eskm: 10 J/mol / (Angstrom^2 g/mol) = 1e24 s^-2)",
}
#: ``Atoms`` section layouts: style → (type column, first position column, diameter column or None).
ATOM_STYLE_COLUMNS: dict[str, tuple[int, int, int | None]] = {
    "atomic": (1, 2, None),
    "charge": (1, 3, None),
    "sphere": (1, 4, 2),
    "bond": (2, 3, None),
    "angle": (2, 3, None),
    "molecular": (2, 3, None),
    "full": (2, 4, None),
}
_TEXT_BYTES = frozenset(range(0x20, 0x7F)) | frozenset(b"\t\n\r")

PathLike = str | os.PathLike[str]


@dataclass(frozen=True)
class LammpsStructure:
    """Atoms of a LAMMPS data or dump file, sorted by atom ID.

    Attributes
    ----------
    ids
        Shape (N,), atom IDs, ascending.
    types
        Shape (N,), atom types (1-based as in LAMMPS; 0 when a dump has no type column).
    positions
        Shape (N, 3), Cartesian positions as written (distance units of the run).
    lo, hi
        Shape (3,), box bounds (orthogonal box).
    diameters
        Shape (N,), or ``None`` when the file has none.
    masses
        Mass of each type (data file ``Masses`` section), or ``None``.
    source
        The file it came from.
    """

    ids: np.ndarray
    types: np.ndarray
    positions: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    diameters: np.ndarray | None
    masses: dict[int, float] | None
    source: str

    @property
    def n_atoms(self) -> int:
        """Number of atoms N."""
        return int(self.ids.size)

    @property
    def box(self) -> np.ndarray:
        """Shape (3,), box edges hi − lo."""
        return self.hi - self.lo

    def wrapped(self, dimension: int = 3) -> np.ndarray:
        """Positions relative to ``lo`` folded into [0, L), first ``dimension`` components, shape (N, d)."""
        box = self.box[:dimension]
        rel = self.positions[:, :dimension] - self.lo[:dimension]
        out = rel - box * np.floor(rel / box)
        return np.where(out >= box, 0.0, out)


def _is_number(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True


def _check_finite(positions: np.ndarray, diameters: np.ndarray | None, where: str) -> None:
    """Refuse NaN or infinite positions and diameters that are not finite and > 0."""
    if not np.all(np.isfinite(positions)):
        bad = int(np.argmax(~np.isfinite(positions).all(axis=1)))
        raise AdapterError(f"{where}: atom line {bad + 1} has a NaN or infinite position; expected finite x y z")
    if diameters is not None and not np.all(np.isfinite(diameters) & (diameters > 0)):
        raise AdapterError(f"{where}: a diameter is NaN, infinite or not > 0; expected finite diameters > 0")


def _data_sections(
    lines: list[str], where: str
) -> tuple[int | None, np.ndarray, np.ndarray, dict[str, list[str]], str | None]:
    """The header's atom count and box bounds, the lines of each section, and the ``Atoms # style`` comment."""
    n_atoms: int | None = None
    lo = np.full(3, np.nan)
    hi = np.full(3, np.nan)
    sections: dict[str, list[str]] = {}
    style_comment: str | None = None
    current: str | None = None
    for number, raw in enumerate(lines[1:], start=2):  # the first line is a title
        body, _, comment = raw.partition("#")
        tokens = body.split()
        if not tokens:
            continue
        if not _is_number(tokens[0]):
            current = " ".join(tokens)
            sections[current] = []
            if current == "Atoms" and comment.strip():
                style_comment = comment.strip().split()[0]
            continue
        if current is not None:
            sections[current].append(body)
            continue
        try:
            if tokens[-3:] == ["xy", "xz", "yz"]:
                if any(float(t) != 0.0 for t in tokens[:3]):
                    raise AdapterError(
                        f"{where}: triclinic box (xy xz yz = {tokens[:3]}); only orthogonal boxes are read"
                    )
            elif tokens[-1] == "atoms" and len(tokens) == 2:
                n_atoms = int(tokens[0])
            elif len(tokens) == 4 and tokens[2:] in (["xlo", "xhi"], ["ylo", "yhi"], ["zlo", "zhi"]):
                axis = "xyz".index(tokens[2][0])
                lo[axis], hi[axis] = float(tokens[0]), float(tokens[1])
        except ValueError as e:
            raise AdapterError(
                f"{where}: header line {number} {raw.strip()!r} is malformed ({e}); expected e.g. '4 atoms', "
                "'0.0 2.0 xlo xhi' or '0 0 0 xy xz yz'. Fix: write the file with LAMMPS write_data"
            ) from e
    return n_atoms, lo, hi, sections, style_comment


def _checked_atom_count(
    n_atoms: int | None, lo: np.ndarray, hi: np.ndarray, sections: dict[str, list[str]], where: str
) -> int:
    """The header's atom count; raise when it is missing or < 1, the box bounds are missing or empty, or no Atoms."""
    if n_atoms is None:
        raise AdapterError(f"{where}: no 'N atoms' header line; is this a LAMMPS data file?")
    if n_atoms < 1:
        raise AdapterError(f"{where}: header says {n_atoms} atoms; expected at least 1")
    if not (np.all(np.isfinite(lo)) and np.all(np.isfinite(hi))) or np.any(hi <= lo):
        raise AdapterError(f"{where}: box bounds missing or empty (xlo xhi / ylo yhi / zlo zhi): lo={lo}, hi={hi}")
    if "Atoms" not in sections:
        raise AdapterError(f"{where}: no 'Atoms' section; write the file with write_data")
    return n_atoms


def _atoms_columns(
    atom_lines: list[str], style: str, n_atoms: int, where: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """IDs, types, positions and (for sphere styles) diameters from the ``Atoms`` lines, checked."""
    type_col, x_col, dia_col = ATOM_STYLE_COLUMNS[style]
    rows = [line.split() for line in atom_lines]
    if len(rows) != n_atoms:
        raise AdapterError(
            f"{where}: header says {n_atoms} atoms but the Atoms section has {len(rows)} lines; "
            "the file is truncated or malformed"
        )
    try:
        ids = np.array([int(r[0]) for r in rows], dtype=np.int64)
        types = np.array([int(r[type_col]) for r in rows], dtype=np.int64)
        pos = np.array([[float(v) for v in r[x_col : x_col + 3]] for r in rows], dtype=np.float64)
        dia = None if dia_col is None else np.array([float(r[dia_col]) for r in rows])
    except OverflowError as e:
        raise AdapterError(beyond_int64(where, "an Atoms line")) from e
    except (ValueError, IndexError) as e:
        raise AdapterError(
            f"{where}: an Atoms line does not match atom style {style!r} ({e}); pass atom_style=..."
        ) from e
    check_types(types, where)
    if pos.shape != (n_atoms, 3):
        raise AdapterError(f"{where}: Atoms lines have too few columns for style {style!r}")
    _check_finite(pos, dia, where)
    return ids, types, pos, dia


def _masses(sections: dict[str, list[str]], where: str) -> dict[int, float] | None:
    """The ``Masses`` section as type -> mass, or None without one."""
    masses = None
    if "Masses" in sections:
        try:
            masses = {int(line.split()[0]): float(line.split()[1]) for line in sections["Masses"]}
        except (ValueError, IndexError) as e:
            raise AdapterError(
                f"{where}: a Masses line is malformed ({e}); expected 'TYPE MASS' per line, e.g. '1 1.0'"
            ) from e
    return masses


def read_lammps_data(path: PathLike, atom_style: str | None = None) -> LammpsStructure:
    """Read a LAMMPS data file (orthogonal box).

    Parameters
    ----------
    path
        A file written by ``write_data`` (or for ``read_data``).
    atom_style
        Layout of the ``Atoms`` lines (:data:`ATOM_STYLE_COLUMNS`); default:
        the ``Atoms # style`` comment, else ``"atomic"``.

    Returns
    -------
    LammpsStructure

    Raises
    ------
    AdapterError
        Missing header counts or box, a triclinic box, a short ``Atoms`` section.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "two.data"
    >>> _ = target.write_text(
    ...     "two atoms\\n\\n2 atoms\\n1 atom types\\n0 2 xlo xhi\\n0 2 ylo yhi\\n0 2 zlo zhi\\n\\n"
    ...     "Atoms # atomic\\n\\n2 1 1.5 1.0 1.0\\n1 1 0.5 1.0 1.0\\n")
    >>> s = read_lammps_data(target)
    >>> s.ids.tolist(), s.positions[:, 0].tolist(), s.box.tolist()
    ([1, 2], [0.5, 1.5], [2.0, 2.0, 2.0])
    """
    p = Path(path)
    where = f"{p} (LAMMPS data file)"
    check_text_memory(p, where)
    try:
        lines = p.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as e:
        raise AdapterError(f"{where}: not a text file ({e})") from e
    if not lines:
        raise AdapterError(f"{where}: the file is empty")
    header_atoms, lo, hi, sections, style_comment = _data_sections(lines, where)
    n_atoms = _checked_atom_count(header_atoms, lo, hi, sections, where)
    style = atom_style or style_comment or "atomic"
    if style not in ATOM_STYLE_COLUMNS:
        raise AdapterError(
            f"{where}: atom style {style!r} is not supported; supported styles are {sorted(ATOM_STYLE_COLUMNS)} "
            "(pass atom_style=... for a file without the 'Atoms # style' comment)"
        )
    ids, types, pos, dia = _atoms_columns(sections["Atoms"], style, n_atoms, where)
    masses = _masses(sections, where)
    order = np.argsort(ids, kind="stable")
    return LammpsStructure(
        ids[order], types[order], pos[order], lo, hi, None if dia is None else dia[order], masses, str(p)
    )


def _dump_frame(
    lines: list[str], start: int, frame: int, where: str
) -> tuple[int | None, np.ndarray | None, np.ndarray | None, list[str] | None, list[list[str]]]:
    """The atom count, box bounds, ATOMS column names and rows of the frame starting at line ``start``."""
    k = start
    n_atoms = None
    lo = hi = None
    columns: list[str] | None = None
    rows: list[list[str]] = []
    try:
        while k < len(lines):
            line = lines[k]
            if line.startswith("ITEM: NUMBER OF ATOMS"):
                n_atoms = int(lines[k + 1].split()[0])
                k += 2
            elif line.startswith("ITEM: BOX BOUNDS"):
                if "xy" in line.split():
                    raise AdapterError(f"{where}: triclinic box; only orthogonal boxes are read")
                bounds = np.array([[float(v) for v in lines[k + a].split()[:2]] for a in (1, 2, 3)])
                lo, hi = bounds[:, 0], bounds[:, 1]
                k += 4
            elif line.startswith("ITEM: ATOMS"):
                columns = line.split()[2:]
                if n_atoms is None:
                    raise AdapterError(f"{where}: ITEM: ATOMS before ITEM: NUMBER OF ATOMS")
                rows = [lines[k + 1 + a].split() for a in range(n_atoms)]
                break
            else:
                k += 1
    except (IndexError, ValueError) as e:
        raise AdapterError(f"{where}: frame {frame} is truncated or malformed ({e})") from e
    return n_atoms, lo, hi, columns, rows


def _dump_layout(
    n_atoms: int | None, lo: np.ndarray | None, hi: np.ndarray | None, columns: list[str] | None, frame: int, where: str
) -> tuple[tuple[str, str, str], bool]:
    """The position columns of a checked frame and whether they are scaled (xs ys zs)."""
    if columns is None or lo is None or hi is None or n_atoms is None:
        raise AdapterError(f"{where}: frame {frame} lacks ITEM: BOX BOUNDS or ITEM: ATOMS")
    if n_atoms < 1:
        raise AdapterError(f"{where}: frame {frame} says {n_atoms} atoms; expected at least 1")
    if not (np.all(np.isfinite(lo)) and np.all(np.isfinite(hi))) or np.any(hi <= lo):
        raise AdapterError(f"{where}: frame {frame} has box bounds lo={lo}, hi={hi}; expected finite lo < hi")
    if "id" not in columns:
        raise AdapterError(f"{where}: the ATOMS columns {columns} have no 'id'; dump with 'id type x y z'")
    layouts = ((("x", "y", "z"), False), (("xu", "yu", "zu"), False), (("xs", "ys", "zs"), True))
    layout = next((lay for lay in layouts if all(n in columns for n in lay[0])), None)
    if layout is None:
        raise AdapterError(f"{where}: the ATOMS columns {columns} have no x y z, xu yu zu or xs ys zs")
    return layout


def _dump_columns(
    rows: list[list[str]], columns: list[str], names: tuple[str, str, str], n_atoms: int, frame: int, where: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """IDs, types (0 without a type column), positions and diameters (from diameter or radius) of the ATOMS rows."""
    table = np.array(rows, dtype=object)
    if any(len(r) != len(columns) for r in rows):
        raise AdapterError(f"{where}: an ATOMS line has the wrong number of columns (expected {len(columns)})")
    col = {name: columns.index(name) for name in columns}
    try:
        ids = table[:, col["id"]].astype(np.int64)
        types = table[:, col["type"]].astype(np.int64) if "type" in col else np.zeros(n_atoms, dtype=np.int64)
        pos = np.stack([table[:, col[n]].astype(np.float64) for n in names], axis=1)
        dia = None
        if "diameter" in col:
            dia = table[:, col["diameter"]].astype(np.float64)
        elif "radius" in col:
            dia = 2.0 * table[:, col["radius"]].astype(np.float64)
    except OverflowError as e:
        raise AdapterError(beyond_int64(where, f"frame {frame}")) from e
    except ValueError as e:
        raise AdapterError(
            f"{where}: frame {frame} has an ATOMS value that is not a number ({e}); expected integer id and type "
            f"and real {' '.join(names)} in the columns {columns}"
        ) from e
    check_types(types, where, present="type" in col)  # a dump without a type column has types 0
    return ids, types, pos, dia


def read_lammps_dump(path: PathLike, frame: int = -1) -> LammpsStructure:
    """Read one frame of a LAMMPS text dump (``dump atom``/``custom``, orthogonal box).

    Parameters
    ----------
    path
        The dump file.
    frame
        Frame index (Python style: 0 first, −1 last).

    Returns
    -------
    LammpsStructure
        Positions from x y z, xu yu zu or xs ys zs (scaled by the box) columns.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "one.dump"
    >>> _ = target.write_text(
    ...     "ITEM: TIMESTEP\\n0\\nITEM: NUMBER OF ATOMS\\n2\\nITEM: BOX BOUNDS pp pp pp\\n"
    ...     "0 2\\n0 2\\n0 2\\nITEM: ATOMS id type xs ys zs\\n2 1 0.75 0.5 0.5\\n1 1 0.25 0.5 0.5\\n")
    >>> read_lammps_dump(target).positions[:, 0].tolist()
    [0.5, 1.5]
    """
    p = Path(path)
    where = f"{p} (LAMMPS dump file)"
    check_text_memory(p, where)
    try:
        lines = p.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as e:
        raise AdapterError(f"{where}: not a text file ({e}); expected a LAMMPS text dump (dump atom/custom)") from e
    starts = [k for k, line in enumerate(lines) if line.startswith("ITEM: TIMESTEP")]
    if not starts:
        raise AdapterError(f"{where}: no 'ITEM: TIMESTEP' line; expected a LAMMPS text dump")
    try:
        start = starts[frame]
    except IndexError:
        raise AdapterError(f"{where}: frame {frame} requested but the file has {len(starts)} frame(s)") from None
    frame %= len(starts)  # the frame's own index (0 first) in messages, not the -1 that asked for the last
    n_atoms, lo, hi, columns, rows = _dump_frame(lines, start, frame, where)
    names, scaled = _dump_layout(n_atoms, lo, hi, columns, frame, where)
    ids, types, pos, dia = _dump_columns(rows, columns, names, n_atoms, frame, where)
    if scaled:
        pos = lo + pos * (hi - lo)
    _check_finite(pos, dia, where)
    order = np.argsort(ids, kind="stable")
    return LammpsStructure(
        ids[order],
        types[order],
        pos[order],
        np.asarray(lo),
        np.asarray(hi),
        None if dia is None else dia[order],
        None,
        str(p),
    )


def _looks_binary(head: bytes) -> bool:
    return any(b not in _TEXT_BYTES for b in head)
