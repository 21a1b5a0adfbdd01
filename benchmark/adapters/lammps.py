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
  while it decompresses) times :data:`DYNMAT_COPIES` dense copies is checked
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

import contextlib
import gzip
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr

from vdosbench.datasets.memory import check_memory
from vdosbench.generators.spectra import full_spectrum

from ..progress import dense_steps
from .base import ZERO_TOLERANCE, AdapterError, as_spatial_dimension, printable, spectrum_dataset
from .lammps_ids import beyond_int64, check_types
from .lammps_memory import check_text_memory

__all__ = [
    "ATOM_STYLE_COLUMNS",
    "DYNMAT_COPIES",
    "DYNMAT_STYLES",
    "LammpsStructure",
    "read_dynmat_matrix",
    "read_lammps_data",
    "read_lammps_dump",
    "read_lammps_dynmat",
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


def read_dynmat_matrix(path: PathLike, binary: bool | None = None) -> np.ndarray:
    """The square matrix stored in a ``dynamical_matrix`` file.

    Parameters
    ----------
    path
        Text (optionally gzip-compressed, detected from the content) or binary file.
    binary
        ``True`` for ``binary yes`` files; ``None`` guesses from the first
        4 KiB: a byte outside printable ASCII and tab/newline → binary.

    Returns
    -------
    numpy.ndarray
        Shape (n, n), n = 3 × atoms in the group, rows as LAMMPS wrote them.

    Raises
    ------
    AdapterError
        Empty or truncated file, a non-number, or a count that is not the
        square of a multiple of 3.
    """
    p = Path(path)
    where = f"{p} (format 'lammps-dynmat')"
    with open(p, "rb") as fh:
        head = fh.read(1 << 16)
    gzipped = head[:2] == b"\x1f\x8b"
    if not gzipped:
        binary_guess = _looks_binary(head[:4096]) if binary is None else bool(binary)
        _check_dynmat_memory(_estimated_entries(p, head, binary_guess), where)
        data = p.read_bytes()
    else:
        data = _gunzip_bounded(p, where)
    if not data.strip():
        raise AdapterError(f"{where}: the file is empty; expected the output of LAMMPS dynamical_matrix")
    is_binary = _looks_binary(data[:4096]) if binary is None else bool(binary)
    if is_binary:
        if len(data) % 8:
            raise AdapterError(
                f"{where}: binary file of {len(data)} bytes is not a whole number of float64 values; "
                "it is truncated (or not a 'binary yes' dynamical_matrix file)"
            )
        values = np.frombuffer(data, dtype="<f8").copy()
    else:
        values = _text_numbers(data, where)
    del data
    n = math.isqrt(values.size)
    if n * n != values.size or n % 3 or n == 0:
        raise AdapterError(
            f"{where}: found {values.size} numbers, which is not (3N)^2 for a whole number of atoms N; "
            "the file is truncated, or was written with 'fold yes' (not supported)"
        )
    return values.reshape(n, n)


#: Copies of the n × n matrix held at once while a dynamical matrix is read, checked and diagonalised (the
#: matrix, D − Dᵀ and its absolute value, the symmetrised matrix, LAPACK's work arrays and eigenvectors).
DYNMAT_COPIES = 5


def _check_dynmat_memory(entries: int, where: str) -> None:
    """Refuse a matrix of ``entries`` numbers whose reading and diagonalisation exceed the memory bound."""
    n = math.isqrt(max(entries, 0))
    check_memory(
        DYNMAT_COPIES * 8 * entries,
        f"reading and diagonalising {where} (about {entries} entries, a {n} x {n} matrix: {DYNMAT_COPIES} dense "
        "copies of 8 bytes an entry)",
        "compute the spectrum of a smaller group of atoms, or diagonalise the matrix with your own sparse solver "
        "and score the eigenvalues (.npz or text)",
    )


def _estimated_entries(path: Path, head: bytes, binary: bool) -> int:
    """Numbers in a dynamical_matrix file: its size over 8 (binary), or over the bytes per number of its head."""
    size = path.stat().st_size
    if binary:
        return size // 8
    count = len(head.split())
    return int(size * count / len(head)) if count else 0


def _gunzip_bounded(path: Path, where: str) -> bytes:
    """The decompressed content of a gzip file, refused (memory bound) as soon as it grows past what fits."""
    out = bytearray()
    step = 1 << 24
    try:
        with gzip.open(path, "rb") as fh:
            while chunk := fh.read(step):
                out += chunk
                _check_dynmat_memory(len(out) // 8 if _looks_binary(bytes(out[:4096])) else len(out) // 10, where)
    except (OSError, EOFError) as e:
        raise AdapterError(f"{where}: gzip data is truncated or corrupt ({e})") from e
    return bytes(out)


def _text_numbers(data: bytes, where: str) -> np.ndarray:
    """The whitespace-separated numbers of ``data`` as float64, without a list of tokens."""
    import warnings

    try:
        text = data.decode("ascii")
    except UnicodeDecodeError as e:
        raise AdapterError(f"{where}: not a text matrix of numbers ({e}); a 'binary yes' file needs binary=True") from e
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)  # numpy warns when it stops before the end
        try:
            return np.fromstring(text, dtype=np.float64, sep=" ")
        except (DeprecationWarning, ValueError):
            pass
    bad = next(tok for tok in text.split() if not _is_number(tok))
    raise AdapterError(
        f"{where}: not a text matrix of numbers ({bad[:40]!r} is not a number); a 'binary yes' file needs binary=True"
    )


def _as_list(value: PathLike | Sequence[PathLike] | None, n: int, name: str) -> list[Path | None]:
    if value is None:
        return [None] * n
    if isinstance(value, (str, os.PathLike)):
        items = [Path(value)]
    else:
        items = [Path(v) for v in value]
    if len(items) == 1 and n > 1:
        raise AdapterError(f"{name}: one file given for {n} dynamical matrices; give one per matrix, in the same order")
    if len(items) != n:
        raise AdapterError(f"{name}: {len(items)} files given for {n} dynamical matrices; give one per matrix")
    return list(items)


def _check_dynmat_options(
    where: str,
    d: int,
    style: str,
    symmetry_tolerance: float,
    data_file: PathLike | Sequence[PathLike] | None,
    dump_file: PathLike | Sequence[PathLike] | None,
) -> None:
    """Raise on a bad symmetry tolerance, d = 1, an unknown style, or both a data and a dump file."""
    if (
        isinstance(symmetry_tolerance, bool)
        or not isinstance(symmetry_tolerance, (int, float, np.floating))
        or not (math.isfinite(symmetry_tolerance) and 0 <= symmetry_tolerance < 1)
    ):  # NaN would turn the check off: asym > nan is False
        raise AdapterError(
            f"{where}: symmetry_tolerance is {symmetry_tolerance!r}; expected a finite number in [0, 1) "
            "(the largest accepted max|D - D^T| / max|D|). Fix: leave it at its default 1e-4, or e.g. "
            "--set symmetry_tolerance=1e-3"
        )
    if d == 1:
        raise AdapterError(f"{where}: spatial_dimension=1 is not supported for LAMMPS (runs are 2D or 3D)")
    if style not in DYNMAT_STYLES:
        raise AdapterError(f"{where}: style={style!r}; expected one of {sorted(DYNMAT_STYLES)}")
    if data_file is not None and dump_file is not None:
        raise AdapterError(f"{where}: give data_file or dump_file, not both")


def _symmetric_matrix(
    path: Path, binary: bool | None, d: int, symmetry_tolerance: float
) -> tuple[np.ndarray, float, int]:
    """One sample's matrix, symmetrised (x, y block only in 2D), its relative asymmetry and number of atoms."""
    here = f"{path} (format 'lammps-dynmat')"
    matrix = read_dynmat_matrix(path, binary)
    if not np.all(np.isfinite(matrix)):
        raise AdapterError(f"{here}: the matrix has NaN or infinite entries; check the LAMMPS run")
    scale = float(np.max(np.abs(matrix))) or 1.0
    asym = float(np.max(np.abs(matrix - matrix.T))) / scale
    if asym > symmetry_tolerance:
        raise AdapterError(
            f"{here}: the matrix is not symmetric (max|D - D^T| / max|D| = {asym:.3g} > {symmetry_tolerance:g}); "
            "the file is not a dynamical_matrix output, or the finite-difference step gamma is too "
            "large for this potential (use a smaller gamma), or raise symmetry_tolerance"
        )
    matrix = 0.5 * (matrix + matrix.T)
    n_atoms = matrix.shape[0] // 3
    if d == 2:
        keep = np.sort(np.concatenate([np.arange(n_atoms) * 3, np.arange(n_atoms) * 3 + 1]))
        z = np.arange(n_atoms) * 3 + 2
        coupling = float(np.max(np.abs(matrix[np.ix_(keep, z)]))) / scale
        if coupling > symmetry_tolerance:
            raise AdapterError(
                f"{here}: spatial_dimension=2 but the x,y rows couple to z (relative {coupling:.3g}); "
                "this is a 3D run: pass spatial_dimension=3"
            )
        matrix = matrix[np.ix_(keep, keep)]
    return matrix, asym, n_atoms


def _matching_structure(
    sfile: Path, path: Path, n_atoms: int, is_data: bool, atom_style: str | None, dump_frame: int
) -> LammpsStructure:
    """The structure of one sample from its data or dump file, checked to hold the matrix's atoms."""
    structure = read_lammps_data(sfile, atom_style) if is_data else read_lammps_dump(sfile, dump_frame)
    if structure.n_atoms != n_atoms:
        raise AdapterError(
            f"{sfile}: {structure.n_atoms} atoms but the dynamical matrix {path} is for {n_atoms}; "
            "give the structure of the dynamical_matrix group (same atoms, same IDs)"
        )
    return structure


def _structure_arrays(
    structures: list[LammpsStructure], d: int
) -> tuple[np.ndarray | None, np.ndarray | None, np.ndarray | None, np.ndarray | None]:
    """Positions, box edges (one per sample when cubic), diameters and species of the structures, where known."""
    position = box_length = diameter = species = None
    if structures:
        position = np.stack([s.wrapped(d) for s in structures])
        boxes = np.stack([s.box[:d] for s in structures])
        cubic = np.allclose(boxes, boxes[:, :1], rtol=1e-12, atol=0.0)
        box_length = boxes[:, 0] if cubic else boxes
        diameters = [s.diameters for s in structures if s.diameters is not None]
        if len(diameters) == len(structures):
            diameter = np.stack(diameters)
        if all(np.all(s.types >= 1) for s in structures):  # a dump without a type column has types 0
            species = np.stack([s.types - 1 for s in structures])
    return position, box_length, diameter, species


def _dynmat_units(style: str, unit_style: str | None) -> str:
    """The eigenvalue units of a dynmat style, in the LAMMPS unit style when given."""
    units = DYNMAT_STYLES[style]
    if style == "regular" and unit_style is not None:
        units = f"energy/(distance^2 mass) in LAMMPS '{unit_style}' units"
        if unit_style == "lj":
            units = "epsilon/(m sigma^2) (LAMMPS lj units)"
    return units


def _dynmat_samples(
    paths: list[Path],
    structure_files: list[Path | None],
    binary: bool | None,
    d: int,
    symmetry_tolerance: float,
    modes: list[int],
    is_data: bool,
    atom_style: str | None,
    dump_frame: int,
) -> tuple[list[np.ndarray], list[np.ndarray], list[float], list[LammpsStructure]]:
    """Per sample: the spectrum, the requested eigenvectors, the matrix's asymmetry and the structure (if given)."""
    eigenvalues: list[np.ndarray] = []
    vectors: list[np.ndarray] = []
    asymmetry: list[float] = []
    structures: list[LammpsStructure] = []
    with contextlib.ExitStack() as stack:
        done: Callable[[int], None] | None = None
        for k, (path, sfile) in enumerate(zip(paths, structure_files, strict=True)):
            here = f"{path} (format 'lammps-dynmat')"
            matrix, asym, n_atoms = _symmetric_matrix(path, binary, d, symmetry_tolerance)
            asymmetry.append(asym)
            if modes and (min(modes) < 0 or max(modes) >= matrix.shape[0]):
                raise AdapterError(f"{here}: vector_modes must lie in [0, {matrix.shape[0]}), found {modes}")
            if done is None:  # the size is known once the first matrix is read: announce the solves, count them
                done = stack.enter_context(
                    dense_steps(
                        f"reading {printable(paths[0].name)}: the dynamical matrices", len(paths), matrix.shape[0]
                    )
                )
            lam, vec = full_spectrum(matrix, modes)
            if eigenvalues and lam.size != eigenvalues[0].size:
                raise AdapterError(
                    f"{here}: {lam.size} modes but {paths[0]} has {eigenvalues[0].size}; "
                    "an ensemble needs one system size (read the sizes separately)"
                )
            eigenvalues.append(lam)
            vectors.append(vec.T.reshape(len(modes), n_atoms, d))
            if sfile is not None:
                structures.append(_matching_structure(sfile, path, n_atoms, is_data, atom_style, dump_frame))
            done(k + 1)
    return eigenvalues, vectors, asymmetry, structures


def _dynmat_attrs(
    style: str, unit_style: str | None, asymmetry: list[float], structures: list[LammpsStructure]
) -> dict[str, object]:
    """The adapter settings recorded in the dataset: style, unit style, largest asymmetry, structure files."""
    extra: dict[str, object] = {
        "lammps_dynmat_style": style,
        "lammps_unit_style": unit_style or "not given",
        "lammps_asymmetry": float(max(asymmetry)),
        "lammps_mass_weighted": "yes (LAMMPS divides by sqrt(m_i m_j))",
    }
    if structures:
        extra["lammps_structure_files"] = " ".join(s.source for s in structures)
    return extra


def read_lammps_dynmat(
    paths: list[Path],
    *,
    spatial_dimension: int = 3,
    style: str = "regular",
    unit_style: str | None = None,
    binary: bool | None = None,
    data_file: PathLike | Sequence[PathLike] | None = None,
    dump_file: PathLike | Sequence[PathLike] | None = None,
    dump_frame: int = -1,
    atom_style: str | None = None,
    vector_modes: Sequence[int] = (),
    zero_modes: int | None = None,
    zero_tolerance: float = ZERO_TOLERANCE,
    symmetry_tolerance: float = 1e-4,
) -> xr.Dataset:
    """Read ``dynamical_matrix`` files (one per sample), diagonalise, return the spectrum.

    Parameters
    ----------
    paths
        One file per sample, each from the same number of atoms.
    spatial_dimension
        3, or 2 for a 2D run (x, y kept, see the module docstring).
    style
        The ``dynamical_matrix`` style used, ``"regular"`` or ``"eskm"``
        (:data:`DYNMAT_STYLES`); sets the recorded units only.
    unit_style
        The run's ``units`` (``"lj"``, ``"metal"``...), recorded.
    binary
        ``True`` for ``binary yes`` files; ``None`` guesses.
    data_file, dump_file
        Optional positions and box, one file per sample (a data file, or a
        dump file and its frame ``dump_frame``); atoms are matched by ID order.
    atom_style
        Layout of the data file's Atoms section (default from its comment).
    vector_modes
        Mode indices whose eigenvectors are stored (shape (n_vector, N, d)).
    zero_modes, zero_tolerance
        Zero-mode rule; a periodic box has d zero modes (``zero_modes=d``);
        default: the tolerance rule.
    symmetry_tolerance
        Largest accepted max|D − Dᵀ| / max|D|.

    Returns
    -------
    xarray.Dataset
        ``eigenvalue`` (and ``zero_mode``) per sample; ``position``,
        ``box_length``, ``species`` (LAMMPS atom type − 1: Kob–Andersen A = 0, B = 1) and ``diameter``
        when structure files are given (and hold them).
    """
    where = f"{paths[0]} (format 'lammps-dynmat')"
    d = as_spatial_dimension(spatial_dimension, where)
    _check_dynmat_options(where, d, style, symmetry_tolerance, data_file, dump_file)
    structure_files = _as_list(
        data_file if data_file is not None else dump_file,
        len(paths),
        "data_file" if data_file is not None else "dump_file",
    )
    modes = [int(m) for m in vector_modes]
    samples = _dynmat_samples(
        paths, structure_files, binary, d, symmetry_tolerance, modes, data_file is not None, atom_style, dump_frame
    )
    return _dynmat_dataset(paths, d, modes, samples, style, unit_style, zero_modes, zero_tolerance)


def _dynmat_dataset(
    paths: list[Path],
    d: int,
    modes: list[int],
    samples: tuple[list[np.ndarray], list[np.ndarray], list[float], list[LammpsStructure]],
    style: str,
    unit_style: str | None,
    zero_modes: int | None,
    zero_tolerance: float,
) -> xr.Dataset:
    """Build the spectrum dataset from the per-sample eigenpairs, the Hessian asymmetry and the structures."""
    eigenvalues, vectors, asymmetry, structures = samples
    position, box_length, diameter, species = _structure_arrays(structures, d)
    extra = _dynmat_attrs(style, unit_style, asymmetry, structures)
    return spectrum_dataset(
        np.stack(eigenvalues),
        paths=paths,
        format_name="lammps-dynmat",
        spatial_dimension=d,
        zero_modes=zero_modes,
        zero_tolerance=zero_tolerance,
        units=_dynmat_units(style, unit_style),
        site_degrees_of_freedom=d,
        position=position,
        box_length=box_length,
        diameter=diameter,
        species=species,
        eigenvector=np.stack(vectors) if modes else None,
        vector_modes=modes if modes else None,
        extra_attrs=extra,
        title=f"LAMMPS dynamical_matrix spectrum ({len(paths)} sample{'s' if len(paths) != 1 else ''})",
    )
