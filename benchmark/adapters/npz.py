"""Adapter ``npz``: NumPy archives (``np.savez``) of eigenvalues or frequencies.

The file is opened with ``numpy.load(path, allow_pickle=False)``: an archive
holding pickled (object) arrays is refused, never unpickled.  A bare
``.npy`` array is read as ``eigenvalues``.  Before any array is read, the
shapes and dtypes declared in the ``.npy`` headers are summed and checked
for every array in the archive, times :data:`NPZ_LOAD_COPIES` (the copies the
read and its checks hold), are checked against the memory bound
(:func:`vdosbench.datasets.check_memory`), so a small (compressed) archive
that declares huge arrays is refused without allocating them.

Keys
----
``eigenvalues``  (n_mode,) or (n_sample, n_mode)
    λ = ω² of the mass-weighted dynamical matrix, any order (sorted here).
``frequencies``  same shapes, instead of ``eigenvalues``
    Angular frequencies ω; converted to λ = sign(ω) ω² (negative values,
    the usual way of printing imaginary modes, become negative λ and are
    rejected beyond the convention's tolerance).
``spatial_dimension``  scalar integer, optional
    d; else taken from ``positions`` or ``eigenvectors``, else the option
    ``spatial_dimension=`` is required.
``eigenvectors``  (n_sample, n_vector, n_site[, d]), optional
    Normalised; needs ascending eigenvalues.  ``vector_modes`` (n_vector,)
    gives their mode indices (default 0 … n_vector − 1).
``positions``  (n_sample, n_site, d), optional.
``box_length``  scalar, (n_sample,) or (n_sample, d), optional.
``diameters``  (n_sample, n_site), optional: particle diameters (soft spheres).
``species``  (n_sample, n_site), integers, optional: particle species (Kob–Andersen: 0 = A, 1 = B).
    LAMMPS atom types 1 … n are accepted (key ``types``/``type``, or values
    whose smallest is 1, or option ``species_base=1``): species = type − 1,
    recorded in ``adapter_species_rule``.
``zero_modes``  scalar integer, optional: how many lowest modes are zero modes.
``shear_modulus``, ``bulk_modulus``  scalar or (n_sample,), optional: G and K of each sample (a scalar: the same
    for every sample, noted), in the units of the eigenvalues' model; with ``box_length`` and the particle count
    they let the claims read in absolute frequency ω/ω_g apply.

Every key has aliases as codes write it (singular ``eigenvalue``,
``position``, ``diameter``, ``type`` ...): the table
:data:`vdosbench.benchmark.adapters.keys.INPUT_KEYS` (shown in
``docs/third-party.md``).  Two keys of one quantity are an error naming both;
the aliases used are recorded in ``adapter_key_aliases``.  When
``eigenvalues`` is 1-D (one sample), every per-sample array above is given
without its leading sample axis.  Other keys are not read: they are listed in
the attribute ``adapter_ignored_keys``, in the output of ``vdosbench score``
and in its report.
"""

from __future__ import annotations

import math
import zipfile
from pathlib import Path
from typing import IO, Any

import numpy as np
import xarray as xr

from vdosbench.datasets.memory import check_memory, format_bytes

from .base import MODULI, ZERO_TOLERANCE, AdapterError, as_spatial_dimension, spectrum_dataset
from .keys import INPUT_KEYS, npz_aliases, resolve_keys

__all__ = ["NPZ_KEYS", "NPZ_LOAD_COPIES", "read_npz", "species_from_types"]

#: The keys the adapter reads (canonical names; their aliases are in :data:`.keys.INPUT_KEYS`).
NPZ_KEYS = tuple(entry.npz[0] for entry in INPUT_KEYS if entry.npz)
#: Bytes held while an archive is read and checked, per byte its arrays declare (every array in it): the
#: loaded arrays, then the checks' and the sort's copies.  Measured peak: 4.7 x for 2 x 10^6 float64 eigenvalues.
NPZ_LOAD_COPIES = 5


def _npy_header(fp: IO[bytes]) -> tuple[tuple[int, ...], np.dtype]:
    """Shape and dtype declared by the ``.npy`` header that starts ``fp`` (the header only is read)."""
    fmt = np.lib.format
    version = fmt.read_magic(fp)
    if version == (1, 0):
        shape, _, dtype = fmt.read_array_header_1_0(fp)
    elif version == (2, 0):
        shape, _, dtype = fmt.read_array_header_2_0(fp)
    else:  # (3, 0): utf-8 field names; numpy has no public reader for its header
        shape, _, dtype = fmt._read_array_header(fp, version)
    return tuple(int(n) for n in shape), dtype


def _declared_size(shape: tuple[int, ...], dtype: np.dtype) -> int:
    return math.prod(shape) * (8 if dtype.hasobject else dtype.itemsize)


def _npy_header_bytes(fp: IO[bytes]) -> int:
    """Bytes of the array whose ``.npy`` header starts ``fp`` (shape × item size), read from the header only."""
    return _declared_size(*_npy_header(fp))


def _member_sizes(path: Path) -> list[tuple[str, tuple[int, ...], np.dtype, int, int]]:
    """Per ``.npy`` member: name, declared shape and dtype, declared data bytes, and the bytes the file holds
    after the header (a zip member's uncompressed size, or a bare ``.npy`` file's size)."""
    out = []
    with open(path, "rb") as fh:
        head = fh.read(6)
        fh.seek(0)
        if head == b"\x93NUMPY":
            shape, dtype = _npy_header(fh)
            out.append((path.name, shape, dtype, _declared_size(shape, dtype), path.stat().st_size - fh.tell()))
            return out
        with zipfile.ZipFile(fh) as archive:
            for info in archive.infolist():
                if info.filename.endswith(".npy"):
                    with archive.open(info) as member:
                        shape, dtype = _npy_header(member)
                        held = info.file_size - member.tell()
                    out.append((info.filename[:-4], shape, dtype, _declared_size(shape, dtype), held))
    return out


def declared_bytes(path: Path) -> int | None:
    """Bytes the arrays of a ``.npz`` archive (or a ``.npy`` file) declare in their headers, or None if unreadable.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "a.npz"
    >>> np.savez_compressed(target, eigenvalues=np.zeros((10, 100)), zero_modes=np.int64(1))
    >>> declared_bytes(target)
    8008
    """
    try:
        return sum(m[3] for m in _member_sizes(path))
    except MemoryError:
        raise
    except Exception:  # a damaged zip or .npy header (zlib.error, TokenError, NotImplementedError, ...)
        return None  # numpy.load below says what is wrong with the file


def _check_headers_match_content(path: Path, where: str) -> None:
    """Refuse an array whose header declares more data than the file holds, before numpy allocates it."""
    try:
        members = _member_sizes(path)
    except MemoryError:
        raise
    except Exception:  # a damaged zip or .npy header: numpy.load says what is wrong with the file
        return
    for name, shape, dtype, declared, held in members:
        if not dtype.hasobject and declared > held:
            raise AdapterError(
                f"{where}: the header of array {name!r} declares shape {shape} of {dtype} ({declared} bytes), "
                f"but the file holds only {max(held, 0)} bytes after it; expected a complete archive. The file is "
                "truncated or its header is wrong. Fix: write it again with numpy.savez"
            )


def _load(path: Path) -> dict[str, np.ndarray]:
    where = f"{path} (format 'npz')"
    if path.stat().st_size == 0:
        raise AdapterError(f"{where}: the file is empty; expected a NumPy .npz archive (np.savez)")
    need = declared_bytes(path)
    if need:
        check_memory(
            NPZ_LOAD_COPIES * need,
            f"reading {where} ({NPZ_LOAD_COPIES} × the {format_bytes(need)} that the .npy headers of all its arrays "
            "declare: the arrays, then the copies of the checks and the sort)",
            "check the archive's array shapes (numpy.load(path, mmap_mode='r') on the arrays), or split it into "
            "smaller files",
        )
    _check_headers_match_content(path, where)
    try:
        loaded = np.load(path, allow_pickle=False)
    except ValueError as e:
        if "pickle" in str(e).lower():
            raise AdapterError(
                f"{where}: the file holds pickled data, which is refused (numpy.load with allow_pickle=False); "
                "save plain numeric arrays with numpy.savez"
            ) from e
        raise AdapterError(f"{where}: not a NumPy archive ({e}); save the arrays with numpy.savez") from e
    except MemoryError:
        raise
    except Exception as e:  # OSError, BadZipFile, zlib.error, tokenize.TokenError, NotImplementedError, ...
        raise AdapterError(_damaged(where, "", e)) from e
    if isinstance(loaded, np.ndarray):
        return {"eigenvalues": loaded}
    with loaded as archive:
        out: dict[str, np.ndarray] = {}
        for key in archive.files:
            try:
                out[key] = archive[key]
            except ValueError as e:
                raise AdapterError(
                    f"{where}: array {key!r} holds pickled objects, which are refused "
                    "(allow_pickle=False); store plain numeric arrays"
                ) from e
            except MemoryError:
                raise
            except Exception as e:  # a damaged member: zlib.error, TokenError, NotImplementedError (G2), ...
                raise AdapterError(_damaged(where, f"array {key!r}: ", e)) from e
            if not isinstance(out[key], np.ndarray):  # numpy hands back the raw bytes of a member without the
                raise AdapterError(  # .npy magic (its first bytes damaged): found by speed/fuzz_readers.py
                    f"{where}: member {key!r} is not a .npy array (its first bytes are {bytes(out[key][:6])!r}, "
                    "not the .npy magic); expected an archive written by numpy.savez or numpy.savez_compressed. "
                    "The file is damaged. Fix: write it again from its source"
                )
    return out


def _damaged(where: str, what: str, error: BaseException) -> str:
    """The message for an archive the zip, deflate or .npy-header reader cannot read (fault G2 of 2026-11-28)."""
    return (
        f"{where}: {what}not a readable NumPy archive ({type(error).__name__}: {str(error)[:200]}); expected "
        "an archive written by numpy.savez or numpy.savez_compressed. The file is damaged or truncated. Fix: "
        "write it again from its source"
    )


def _numeric(arrays: dict[str, np.ndarray], key: str, where: str) -> np.ndarray | None:
    if key not in arrays:
        return None
    arr = arrays[key]
    if arr.dtype.kind not in "iuf":
        raise AdapterError(f"{where}: array {key!r} has dtype {arr.dtype}; expected real numbers")
    return arr


def species_from_types(
    kinds: np.ndarray | None, key: str, base: int | None, where: str
) -> tuple[np.ndarray | None, str]:
    """Species 0 … n−1 from an archive's ``species`` (or its alias ``types``/``type``), and the rule applied.

    LAMMPS numbers atom types from 1, VDOS-1.0 species from 0.  ``base`` declares it (0 or 1); by default a
    key ``types``/``type`` counts from 1 and ``species`` from 0, except that values whose smallest is 1 (no
    type 0 in any sample) are read as types 1 … n.  A value below the base is an error.

    Examples
    --------
    >>> species_from_types(np.array([[1, 2, 1]]), "type", None, "x")
    (array([[0, 1, 0]]), "'type' read as LAMMPS atom types 1 ... n: species = type - 1")
    >>> species_from_types(np.array([[0, 1]]), "species", None, "x")[1]
    ''
    """
    if kinds is None:
        return None, ""
    if kinds.dtype.kind not in "iu" or kinds.size == 0:
        raise AdapterError(
            f"{where}: {key!r} has dtype {kinds.dtype} and shape {kinds.shape}; expected integer species "
            "(0 = A, 1 = B) or LAMMPS atom types (1, 2), one per site"
        )
    if base not in (None, 0, 1):
        raise AdapterError(
            f"{where}: species_base={base!r}; expected 0 (species 0 ... n-1) or 1 (LAMMPS types 1 ... n)"
        )
    smallest, largest = int(kinds.min()), int(kinds.max())
    if largest > np.iinfo(np.int64).max:
        raise AdapterError(
            f"{where}: {key!r} holds {largest}, beyond the largest 64-bit signed integer; expected "
            f"{'LAMMPS atom types 1 ... n' if key != 'species' else 'species 0 ... n-1'} (a few). Fix: store the "
            "species as small integers (0 = A, 1 = B)"
        )
    detected = base is None
    if base is None:
        base = 1 if key != "species" or smallest == 1 else 0
    if smallest < base:
        raise AdapterError(
            f"{where}: {key!r} holds {smallest}, below {base}, the first "
            f"{'LAMMPS atom type' if base == 1 else 'species'}; expected {'types 1 ... n' if base == 1 else 'species 0 ... n-1'}."
            " Fix: store species 0 ... n-1 (or types 1 ... n), or pass species_base=0 (CLI: --set species_base=0)"
        )
    if base == 0:
        return kinds, ""
    how = "detected: the smallest is 1" if detected and key == "species" else "declared" if not detected else ""
    return kinds.astype(np.int64) - 1, (
        f"{key!r} read as LAMMPS atom types 1 ... n{' (' + how + ')' if how else ''}: species = type - 1"
    )


def _spectrum_key(
    arrays: dict[str, np.ndarray], loaded: dict[str, np.ndarray], values: str | None, where: str
) -> tuple[str, str]:
    """The key holding the spectrum (eigenvalues or frequencies) and its kind; raise unless exactly one is there."""
    has_ev, has_freq = "eigenvalues" in arrays, "frequencies" in arrays
    if has_ev == has_freq:
        raise AdapterError(
            f"{where}: expected exactly one of the keys 'eigenvalues' or 'frequencies' (or an alias: "
            f"{', '.join(a for a, c in npz_aliases().items() if c in ('eigenvalues', 'frequencies') and a != c)}), "
            f"found keys {sorted(loaded)}; save e.g. numpy.savez(path, eigenvalues=lam)"
        )
    key = "eigenvalues" if has_ev else "frequencies"
    kind = "eigenvalue" if has_ev else "frequency"
    if values is not None and values != kind:
        raise AdapterError(f"{where}: values={values!r} but the archive stores {key!r}; drop the option")
    return key, kind


def _spectrum_rows(arrays: dict[str, np.ndarray], key: str, where: str) -> tuple[np.ndarray, bool]:
    """The spectrum as (n_sample, n_mode), and whether the archive held one sample as (n_mode,)."""
    raw = _numeric(arrays, key, where)
    assert raw is not None
    if raw.ndim not in (1, 2) or raw.size == 0:
        raise AdapterError(
            f"{where}: {key!r} has shape {raw.shape}; expected (n_mode,) for one sample or "
            "(n_sample, n_mode), non-empty"
        )
    one_sample = raw.ndim == 1
    lam = raw[None, :] if one_sample else raw
    return lam, one_sample


def _per_sample(arrays: dict[str, np.ndarray], name: str, one_sample: bool, where: str) -> np.ndarray | None:
    """A per-sample numeric array with a leading sample axis (added for a one-sample archive), or None."""
    arr = _numeric(arrays, name, where)
    if arr is None:
        return None
    return arr[None, ...] if one_sample else arr


def _box_lengths(arrays: dict[str, np.ndarray], n_sample: int, one_sample: bool, where: str) -> np.ndarray | None:
    """``box_length`` per sample (a scalar repeated, a one-sample value given its sample axis), or None."""
    box = _numeric(arrays, "box_length", where)
    if box is not None:
        if box.ndim == 0:
            box = np.full(n_sample, float(box))
        elif one_sample:
            box = box[None, ...]
    return box


def _npz_dimension(
    spatial_dimension: int | None,
    arrays: dict[str, np.ndarray],
    positions: np.ndarray | None,
    vectors: np.ndarray | None,
    box: np.ndarray | None,
    where: str,
) -> int:
    """d from the option, the key and the array shapes; raise when none gives it or they disagree."""
    candidates: dict[str, int] = {}
    if spatial_dimension is not None:
        candidates["option spatial_dimension"] = as_spatial_dimension(spatial_dimension, where)
    if "spatial_dimension" in arrays:
        candidates["key 'spatial_dimension'"] = as_spatial_dimension(arrays["spatial_dimension"], where)
    if positions is not None and positions.ndim == 3:
        candidates["shape of 'positions'"] = int(positions.shape[2])
    if vectors is not None and vectors.ndim == 4:
        candidates["shape of 'eigenvectors'"] = int(vectors.shape[3])
    if box is not None and box.ndim == 2:
        candidates["shape of 'box_length'"] = int(box.shape[1])
    if not candidates:
        raise AdapterError(
            f"{where}: the spatial dimension is unknown (no 'spatial_dimension' key, no positions); "
            "pass spatial_dimension=2 or 3 (CLI: --set spatial_dimension=3) or save it in the archive"
        )
    if len(set(candidates.values())) > 1:
        raise AdapterError(f"{where}: the spatial dimension is inconsistent: {candidates}; make them agree")
    return next(iter(candidates.values()))


def _zero_modes(zero_modes: int | None, arrays: dict[str, np.ndarray], where: str) -> int | None:
    """The zero-mode count: the option, else the archive's scalar ``zero_modes`` key, else None."""
    if zero_modes is None and "zero_modes" in arrays:
        zm = arrays["zero_modes"]
        if zm.ndim != 0 or zm.dtype.kind not in "iu":
            raise AdapterError(f"{where}: key 'zero_modes' must be a scalar integer, found {zm!r}")
        zero_modes = int(zm)
    return zero_modes


def _npz_attrs(used: dict[str, str], ignored: list[str], species_rule: str | None) -> dict[str, object]:
    """The adapter settings recorded in the dataset: ignored keys, aliases used, the species rule."""
    extra: dict[str, object] = {"adapter_ignored_keys": " ".join(ignored)} if ignored else {}
    renamed = sorted(f"{key} -> {name}" for name, key in used.items() if key != name)
    if renamed:
        extra["adapter_key_aliases"] = "; ".join(renamed)
    if species_rule:
        extra["adapter_species_rule"] = species_rule
    return extra


def read_npz(
    paths: list[Path],
    *,
    spatial_dimension: int | None = None,
    values: str | None = None,
    zero_modes: int | None = None,
    zero_tolerance: float = ZERO_TOLERANCE,
    site_degrees_of_freedom: int | None = None,
    units: str = "1",
    species_base: int | None = None,
) -> xr.Dataset:
    """Read a ``.npz`` archive (keys in the module docstring).

    Parameters
    ----------
    paths
        One file.
    spatial_dimension
        d, when the archive does not say (must agree when it does).
    values
        ``"eigenvalue"`` or ``"frequency"``; by default from the key present.
    zero_modes, zero_tolerance
        Zero-mode rule (:func:`~vdosbench.benchmark.adapters.base.zero_mode_flags`);
        an archive key ``zero_modes`` is used when the option is not given.
    site_degrees_of_freedom
        1 (scalar model) or d (vector model), recorded when given.
    units
        Units of λ.
    species_base
        0 when the species (or types) count from 0, 1 when they are LAMMPS atom types 1 … n; by default
        detected (:func:`species_from_types`).

    Returns
    -------
    xarray.Dataset

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "spectra.npz"
    >>> np.savez(target, frequencies=np.array([[0.0, 2.0, 1.0], [0.0, 1.0, 3.0]]))
    >>> ds = read_npz([target], spatial_dimension=2, zero_modes=1)
    >>> ds["eigenvalue"].values.tolist()
    [[0.0, 1.0, 4.0], [0.0, 1.0, 9.0]]
    """
    (path,) = paths
    lam, fields = _npz_fields(path, spatial_dimension, values, zero_modes, species_base)
    return spectrum_dataset(
        lam,
        paths=paths,
        format_name="npz",
        zero_tolerance=zero_tolerance,
        units=units,
        site_degrees_of_freedom=site_degrees_of_freedom,
        **fields,
    )


def _npz_fields(
    path: Path, spatial_dimension: int | None, values: str | None, zero_modes: int | None, species_base: int | None
) -> tuple[np.ndarray, dict[str, Any]]:
    """Load and check one archive: the spectrum rows and the remaining :func:`spectrum_dataset` keywords."""
    where = f"{path} (format 'npz')"
    loaded = _load(path)
    try:
        used, ignored = resolve_keys(loaded, npz_aliases(), where)
    except ValueError as e:
        raise AdapterError(str(e)) from None
    arrays = {name: loaded[key] for name, key in used.items()}
    key, kind = _spectrum_key(arrays, loaded, values, where)
    lam, one_sample = _spectrum_rows(arrays, key, where)
    n_sample = lam.shape[0]
    vectors = _per_sample(arrays, "eigenvectors", one_sample, where)
    positions = _per_sample(arrays, "positions", one_sample, where)
    box = _box_lengths(arrays, n_sample, one_sample, where)
    modes = _numeric(arrays, "vector_modes", where)
    diameters = _per_sample(arrays, "diameters", one_sample, where)
    species, species_rule = species_from_types(
        _per_sample(arrays, "species", one_sample, where), used.get("species", "species"), species_base, where
    )
    d = _npz_dimension(spatial_dimension, arrays, positions, vectors, box, where)
    zero_modes = _zero_modes(zero_modes, arrays, where)
    extra = _npz_attrs(used, ignored, species_rule)
    moduli = {name: _numeric(arrays, name, where) for name in MODULI}
    return lam, dict(
        spatial_dimension=d,
        values=kind,
        zero_modes=zero_modes,
        position=positions,
        box_length=box,
        diameter=diameters,
        species=species,
        eigenvector=vectors,
        vector_modes=modes,
        extra_attrs=extra,
        moduli=moduli,
    )
