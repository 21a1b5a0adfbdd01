"""LAMMPS ``dynamical_matrix`` output: reading the matrix and its spectrum (with the structure it was taken from).

Split from :mod:`vdosbench.benchmark.adapters.lammps` (which reads the ``data`` and ``dump`` structure files this
reader pairs each matrix with); the formats, options and units are described there.
"""

from __future__ import annotations

import contextlib
import gzip
import math
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import xarray as xr

from vdosbench.datasets.memory import check_memory

from ..progress import dense_steps
from .base import ZERO_TOLERANCE, AdapterError, as_spatial_dimension, printable, spectrum_dataset
from .lammps import (
    DYNMAT_STYLES,
    LammpsStructure,
    PathLike,
    _is_number,
    _looks_binary,
    read_lammps_data,
    read_lammps_dump,
)

__all__ = ["DYNMAT_COPIES", "read_dynmat_matrix", "read_lammps_dynmat"]


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
    # imported here: importing vdosbench.generators (numba, every model) costs ≈ 0.4 CPU s that no other adapter needs
    from vdosbench.generators.spectra import full_spectrum

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
