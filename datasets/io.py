"""Reading and writing VDOS-1.0 datasets.

Writes are atomic: the dataset goes to a temporary file in the target folder
and is renamed over the final name only when complete, so an interrupted write
never leaves a half file under the final name.

Reads treat every file as untrusted: its header is inspected, and (without
Dask chunks) its data are loaded, in a child process under a time and a
memory limit (:mod:`vdosbench.datasets.isolated`), because a damaged
netCDF/HDF5 file can make the library loop forever or crash.  The part files
of a lazily opened ensemble (:func:`open_ensemble`) are read there once,
chunk by chunk, before they are opened here (unless ``trusted=True``), so a
damaged chunk is found there.  A file whose
header declares more than the memory bound, or more data than the file can
hold, is refused before any data are read; whatever else the library raises
on a damaged file becomes a :class:`VDOSReadError`.
"""

from __future__ import annotations

import contextlib
import math
import os
import uuid
from collections.abc import Callable, Collection, Iterable
from itertools import product
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from .convention import check
from .errors import VdosbenchError
from .isolated import READ_TIMEOUT_ENV, IsolatedReadError, read_time_limit, report_progress, run_isolated
from .memory import DEFLATE_MAX_RATIO, MemoryBoundError, check_memory, format_bytes, netcdf_header_bytes

__all__ = [
    "DiskFullError",
    "VDOSReadError",
    "write",
    "write_text",
    "write_bytes",
    "open_dataset",
    "open_ensemble",
    "temporary_path",
    "remove_unfinished_writes",
    "part_load_bytes",
    "open_part",
    "run_on_file",
]

_ENGINE = "netcdf4"


class VDOSReadError(VdosbenchError, OSError):
    """A file could not be read as a VDOS-1.0 netCDF-4 dataset."""


def temporary_path(path: str | os.PathLike[str]) -> Path:
    """A unique temporary name next to ``path`` (same filesystem, so rename is atomic)."""
    path = Path(path)
    return path.with_name(f".{path.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")


#: Temporary files this process's atomic writes are filling now (:func:`remove_unfinished_writes`).
_UNFINISHED: set[Path] = set()


def remove_unfinished_writes() -> None:
    """Delete the temporary files of the atomic writes this process has not finished.

    A write removes its temporary file itself when it fails or is interrupted; this is for a process about to end
    without unwinding (:func:`os._exit` after a stop's grace period, :mod:`vdosbench.cli.signals`), so that no
    half-written file is left beside the finished ones.
    """
    for tmp in list(_UNFINISHED):
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` to ``path`` atomically: a temporary name, then one rename (no half-written file).

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> write_text(folder / "a.md", "# title").read_text(), sorted(p.name for p in folder.iterdir())
    ('# title', ['a.md'])
    """
    return _write_atomically(path, lambda tmp: tmp.write_text(text))


def write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically, as :func:`write_text` does.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> write_bytes(folder / "a.bin", b"vdos").read_bytes(), sorted(p.name for p in folder.iterdir())
    (b'vdos', ['a.bin'])
    """
    return _write_atomically(path, lambda tmp: tmp.write_bytes(data))


def _write_atomically(path: str | os.PathLike[str], fill: Callable[[Path], object]) -> Path:
    """``fill`` a temporary name next to ``path``, then rename it over ``path``; the temporary file is removed
    when ``fill`` fails."""
    path = Path(path)
    tmp = temporary_path(path)
    _UNFINISHED.add(tmp)
    try:
        fill(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        _UNFINISHED.discard(tmp)
    return path


#: Copies of the declared arrays held while xarray loads a file: the raw array and the decoded one (masking
#: fill values, scaling), so the check counts twice the declared bytes.  Measured peak RSS while loading
#: files of 160 - 320 MB declared: 1.07 - 1.53 times (issue 16's 8 GB file: 15.9 GB, twice).  The loaded arrays
#: cross from the isolated reader to the caller out of band (:mod:`.isolated`), so the two processes together hold
#: two copies while they cross: measured 2.00 × the declared 458 MB over the baseline (2.95 before issue 64, G15:
#: a whole pickle on each side), speed/results/isolated_read_memory.json.
LOAD_COPIES = 2

#: Pairs per netCDF chunk along the ragged ``pair`` dimension.
PAIR_CHUNK = 1 << 16


def _encoding(ds: xr.Dataset) -> dict[str, dict[str, object]]:
    """zlib level 1 for numeric arrays, chunked one sample at a time.

    A per-sample variable ``(..., sample, ...)`` is stored in chunks of one
    parameter point × one sample, so a Dask read split along ``sample``
    decompresses only what it reads; ``pair`` variables in chunks of
    :data:`PAIR_CHUNK` pairs.
    """
    enc: dict[str, dict[str, object]] = {}
    for name, var in ds.variables.items():
        if var.dtype.kind not in "fiub" or var.ndim == 0 or var.size <= 64:
            continue
        entry: dict[str, object] = {"zlib": True, "complevel": 1, "shuffle": True}
        if "sample" in var.dims and 0 not in var.shape:
            cut = var.dims.index("sample") + 1
            entry["chunksizes"] = tuple([1] * cut + list(var.shape[cut:]))
        elif var.dims and var.dims[0] == "pair" and 0 not in var.shape:
            entry["chunksizes"] = (min(PAIR_CHUNK, var.shape[0]), *var.shape[1:])
        enc[str(name)] = entry
    return enc


def write(ds: xr.Dataset, path: str | os.PathLike[str], *, validate: bool = True) -> Path:
    """Write ``ds`` to ``path`` as netCDF-4, atomically.

    Parameters
    ----------
    ds
        A dataset following VDOS-1.0 (checked first unless ``validate=False``,
        so an invalid dataset never produces a file).
    path
        Final file name; its folder is created if needed.
    validate
        Run :func:`vdosbench.datasets.check` before writing.

    Returns
    -------
    pathlib.Path
        The final path.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from vdosbench.datasets import mock_spectrum, open_dataset
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "spectrum.nc"
    >>> write(mock_spectrum(), target).name
    'spectrum.nc'
    >>> open_dataset(target).sizes["mode"]
    20
    """
    if validate:
        check(ds)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    unlimited = ds.encoding.get("unlimited_dims")
    if unlimited:  # read from a file whose variables on such a dimension were dropped since (a scoring form)
        ds = ds.copy()
        ds.encoding = {**ds.encoding, "unlimited_dims": {d for d in unlimited if d in ds.dims}}
    tmp = temporary_path(path)
    _UNFINISHED.add(tmp)
    try:
        ds.to_netcdf(tmp, engine=_ENGINE, format="NETCDF4", encoding=_encoding(ds))
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except Exception as e:
        full = _disk_full(path.parent, int(ds.nbytes))  # measured before the partial file frees its space
        tmp.unlink(missing_ok=True)
        if full is not None:
            raise DiskFullError(
                f"writing {path} failed ({type(e).__name__}: {e}): the disk holding {path.parent} "
                f"is full ({full}). Fix: free space there (or write elsewhere) and run the same "
                "command again; finished parts are kept"
            ) from e
        raise
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        _UNFINISHED.discard(tmp)
    return path


class DiskFullError(VdosbenchError, OSError):
    """A netCDF write failed on a full disk (the library's own error reads "NetCDF: HDF error" or "Permission
    denied" there: fault G7)."""


def _disk_full(folder: Path, need: int) -> str | None:
    """What is free in ``folder``'s file system when that is less than ``need`` bytes (or 1 MiB), else ``None``."""
    import shutil

    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return None
    if free >= max(need, 1 << 20):
        return None
    return f"{format_bytes(free)} free, the dataset holds about {format_bytes(need)}"


def _check_declared_size(paths: list[Path], sizes: list[int], lazy: bool, lazy_variables: Collection[str] = ()) -> None:
    """Refuse files whose headers declare (``sizes``) more than the memory bound, before xarray allocates it.

    Without ``lazy`` (no Dask chunks) every variable but ``lazy_variables`` is loaded; with it only the index
    coordinates are, so a large lazily opened ensemble is not refused for the size of its data (see
    :func:`vdosbench.datasets.memory.netcdf_load_bytes`).
    """
    need = LOAD_COPIES * sum(sizes)
    largest = max(range(len(paths)), key=sizes.__getitem__)
    where = (
        str(paths[0])
        if len(paths) == 1
        else f"{len(paths)} files (largest {paths[largest]}: {format_bytes(sizes[largest])})"
    )
    what = (
        "its index coordinates (the rest stays on disk)"
        if lazy
        else f"every variable but {sorted(lazy_variables)} (on disk)"
        if lazy_variables
        else "every variable"
    )
    check_memory(
        need,
        f"opening {where} ({LOAD_COPIES} × the {format_bytes(sum(sizes))} its header declares for {what}: "
        "the raw and the decoded arrays)",
        "check the file's dimensions (ncdump -h); "
        + (
            "select fewer files"
            if lazy
            else "open it lazily with chunks={'sample': 1} (xarray/Dask) or select fewer files"
        ),
    )


def _inspect_headers(
    paths: list[Path], lazy: bool, lazy_variables: Collection[str] = ()
) -> list[tuple[int, int, frozenset[str]]]:
    """Per file (run in a child process): the bytes its header declares for loading, the fewest bytes the file
    must hold for its data (:func:`~vdosbench.datasets.memory.netcdf_header_bytes`), and its variable names."""
    import netCDF4

    out = []
    for path in paths:
        with netCDF4.Dataset(path, "r") as nc:
            load, stored = netcdf_header_bytes(nc, lazy=lazy, lazy_variables=lazy_variables)
            out.append((load, stored, frozenset(nc.variables)))
    return out


def _check_stored(path: Path, stored: int) -> None:
    """Refuse a file too small to hold the data its header declares, before any data are read."""
    size = path.stat().st_size
    if stored > size:
        raise IsolatedReadError(
            f"{path}: the header declares variables that need at least {format_bytes(stored)} in the file "
            f"(raw, or compressed at deflate's best ratio 1:{DEFLATE_MAX_RATIO}), but the file holds "
            f"{format_bytes(size)}; expected a file that holds its data. Its variables are unwritten (they "
            "would read as fill values) or its header is damaged. Fix: write the data (vdosbench.datasets.write)"
            " or check the header with ncdump -h"
        )


def _load_checked(path: Path, lazy_variables: Collection[str], bound: bool) -> tuple[xr.Dataset, list[str]]:
    """Inspect, bound and load one file but its ``lazy_variables`` (run in a child process).

    The lazy variables the file holds are read once, one slice along their first dimension at a time, so a
    damaged chunk among them is found here rather than by a validator later.  Returns the loaded dataset
    without them, and their names.
    """
    ((load, stored, names),) = _inspect_headers([path], False, lazy_variables)
    if bound:
        _check_declared_size([path], [load], False, lazy_variables)
    _check_stored(path, stored)
    lazy = [name for name in lazy_variables if name in names]
    with xr.open_dataset(path, engine=_ENGINE) as ds:
        loaded = ds.drop_vars([n for n in lazy if n in ds.variables]).load()
    if lazy:
        import netCDF4

        with netCDF4.Dataset(path, "r") as nc:
            for name in lazy:
                _read_every_chunk(nc.variables[name])  # a damaged chunk raises here
    return loaded, lazy


def _read_every_chunk(var: Any) -> None:
    """Read the netCDF4 variable ``var`` once, one storage chunk at a time, and drop what was read.

    Each compressed chunk is decompressed once, so a damaged one raises here (netCDF4: ``RuntimeError:
    NetCDF: HDF error``); at most one chunk is held.  A contiguous (uncompressed) variable is read in blocks of
    whole slices along its first dimension, about :data:`CONTIGUOUS_BLOCK_BYTES` each (at least one slice).
    """
    var.set_auto_maskandscale(False)
    shape = tuple(int(n) for n in var.shape)
    if not shape:
        var[...]
        return
    if 0 in shape:
        return
    chunking = var.chunking()
    if chunking == "contiguous" or not chunking:
        dtype = getattr(var, "dtype", None)
        row = math.prod(shape[1:]) * (dtype.itemsize if isinstance(dtype, np.dtype) else 8)
        steps = [max(1, CONTIGUOUS_BLOCK_BYTES // max(1, row)), *shape[1:]]
    else:
        steps = [max(1, int(c)) for c in chunking]
    for corner in product(*(range(0, n, c) for n, c in zip(shape, steps))):
        var[tuple(slice(i, min(i + c, n)) for i, c, n in zip(corner, steps, shape))]


#: Bytes read at a time from a contiguous variable by :func:`_read_every_chunk`.
CONTIGUOUS_BLOCK_BYTES = 1 << 24


def _check_parts(paths: list[Path], lazy: bool, read_data: bool) -> list[tuple[int, int, frozenset[str]]]:
    """Inspect the part files of an ensemble and, with ``read_data``, read every chunk of each (run in a child).

    The headers are inspected first and the ensemble's declared size checked against the memory bound
    (:func:`_check_declared_size`); with ``read_data`` each file must then hold the data its header declares
    (:func:`_check_stored`) and every chunk of every variable is decompressed once (:func:`_read_every_chunk`),
    so a damaged part is named here instead of failing (or hanging) when the lazily opened ensemble is
    computed.  Any error of the netCDF/HDF5 library becomes an :class:`IsolatedReadError` naming the file.
    Returns what :func:`_inspect_headers` returns.
    """
    import netCDF4

    headers = []
    for path in paths:
        report_progress(str(path))
        try:
            headers += _inspect_headers([path], lazy)
        except _READ_ERRORS as e:
            raise IsolatedReadError(
                f"{path} is not a readable netCDF-4 file (found a header the netCDF/HDF5 library cannot read: "
                f"{type(e).__name__}: {e}); expected a VDOS-1.0 part file. {_PART_FIX}"
            ) from None
    _check_declared_size(paths, [load for load, _, _ in headers], lazy)
    if not read_data:
        return headers
    for path, (_, stored, _) in zip(paths, headers):
        report_progress(str(path))
        _check_stored(path, stored)
        name = ""
        try:
            with netCDF4.Dataset(path, "r") as nc:
                for name, var in nc.variables.items():
                    _read_every_chunk(var)
        except _READ_ERRORS as e:
            where = f"variable {name!r}" if name else "the file"
            raise IsolatedReadError(
                f"{path} is not a readable netCDF-4 file (found damaged data in {where}: {type(e).__name__}: "
                f"{e}); expected every chunk of a VDOS-1.0 part file to decompress. {_PART_FIX}"
            ) from None
    return headers


#: The fix named when a part file of an ensemble cannot be read.
_PART_FIX = (
    "Fix: delete the damaged part file and run again what wrote it (vdosbench generate/build compute only the "
    "missing parts), or write it again from its source"
)


def _unreadable(path: Path, error: BaseException) -> VDOSReadError:
    """A :class:`VDOSReadError` for ``path``, saying what its first bytes are and what failed."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError:
        head = b""
    if isinstance(error, IsolatedReadError) and error.kind in ("timeout", "crash", "refused"):
        return VDOSReadError(str(error))
    if head.startswith(b"\x89HDF") or head.startswith(b"CDF"):
        found = f"a netCDF/HDF5 file whose header or data are damaged ({error})"
    else:
        found = f"a file that starts with {head!r}, not b'\\x89HDF' (netCDF-4) or b'CDF' (netCDF-3) ({error})"
    return VDOSReadError(
        f"{path} is not a readable netCDF-4 file (found {found}); expected a VDOS-1.0 netCDF file. Fix: write it "
        "with vdosbench.datasets.write, or convert it with an adapter (vdosbench score --format ...)"
    )


#: What the netCDF/xarray stack raises for a file it cannot read (netCDF4 raises AttributeError for an
#: unreadable attribute, RuntimeError for an HDF error in a chunk).
_READ_ERRORS = (OSError, ValueError, RuntimeError, AttributeError, KeyError, IndexError, TypeError)


def _open_one(
    path: Path,
    chunks: dict[str, int] | str | None,
    *,
    bound: bool = True,
    lazy_variables: Collection[str] = (),
    inspected: bool = False,
) -> xr.Dataset:
    """Open one file: loaded in a child process (``chunks=None``), else inspected there and opened lazily here.

    ``inspected``: the header was already inspected in a child (:func:`open_ensemble`).
    """
    if not path.exists():
        raise FileNotFoundError(f"no dataset at {path}: expected a netCDF-4 file; check the path")
    try:
        if chunks is None:
            loaded, lazy = run_isolated(
                _load_checked, (path, tuple(lazy_variables), bound), paths=[path], what=f"reading {path}"
            )
            if not lazy:
                return loaded
            on_disk = xr.open_dataset(path, engine=_ENGINE, chunks={})  # chunks={}: the file's own
            return loaded.assign({name: on_disk[name] for name in lazy})[list(on_disk.data_vars)]
        if not inspected:
            ((load, _, _),) = run_isolated(
                _inspect_headers, ([path], True), paths=[path], what=f"reading the header of {path}"
            )
            if bound:
                _check_declared_size([path], [load], True)
        return xr.open_dataset(path, engine=_ENGINE, chunks=chunks)
    except (MemoryBoundError, VDOSReadError):
        raise
    except _READ_ERRORS as e:  # IsolatedReadError included
        raise _unreadable(path, e) from e


def open_dataset(
    path: str | os.PathLike[str],
    *,
    chunks: dict[str, int] | str | None = None,
    validate: bool = True,
    lazy_variables: Collection[str] = (),
) -> xr.Dataset:
    """Open one VDOS-1.0 file.

    Parameters
    ----------
    path
        A netCDF-4 file written by :func:`write` (or any conforming file).
    chunks
        ``None`` loads into memory and closes the file; otherwise Dask chunks
        as for :func:`xarray.open_dataset` (e.g. ``{"sample": 1}``).
    validate
        Run :func:`vdosbench.datasets.check` on the result.
    lazy_variables
        With ``chunks=None``: data variables left on disk as Dask arrays in the
        file's own chunks (one sample each for files written by :func:`write`),
        e.g. ``("eigenvector",)``; every other variable is loaded.  The file
        stays open for them, and the memory bound counts only what is loaded.
        A validator that reads them one sample at a time holds one sample's
        worth in memory (:func:`~vdosbench.validators.vorticity`,
        :func:`~vdosbench.validators.phonon_shell`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from vdosbench.datasets import mock_spectrum
    >>> path = write(mock_spectrum(n_site=8, vector_modes=[1, 2]), pathlib.Path(tempfile.mkdtemp()) / "d.nc")
    >>> ds = open_dataset(path, lazy_variables=("eigenvector",))
    >>> ds["eigenvector"].chunks is not None, ds["eigenvalue"].chunks is None
    (True, True)
    """
    ds = _open_one(Path(path), chunks, lazy_variables=lazy_variables)
    if validate:
        check(ds)
    return ds


def open_ensemble(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    chunks: dict[str, int] | str | None = "auto",
    validate: bool = True,
    trusted: bool = False,
) -> xr.Dataset:
    """Open many part files (one per parameters × sample) as one Dask-backed ensemble.

    Parameters
    ----------
    paths
        A glob pattern, a folder (all ``*.nc`` inside, recursively), or file paths.
        Part files carry their grid parameters as scalar coordinates listed
        in the attribute ``parameter_names``; they are combined with
        :func:`vdosbench.datasets.combine_parts`.
    chunks
        Dask chunks for every part (default ``"auto"``); ``None`` loads every part into memory.
    validate
        Check the combined dataset.
    trusted
        With Dask chunks, every part file is first read once, chunk by chunk, in a child process under the
        time and memory limits (:mod:`vdosbench.datasets.isolated`), because a damaged chunk would otherwise
        fail, crash or hang this process when the ensemble is computed; a damaged part raises
        :class:`VDOSReadError` naming it.  ``True`` skips that read (the headers are still inspected in a
        child): for part files this machine wrote, e.g. a run's own ``OUTPUT/parts``, when the extra read of
        a large ensemble costs too much.  A damaged chunk then fails when it is read, here.

    Returns
    -------
    xarray.Dataset
        The combined ensemble, backed by Dask (or loaded, with ``chunks=None``).

    Raises
    ------
    VDOSReadError
        A part file that cannot be read, is damaged or holds less than its header declares (named), or a read
        that passes the time limit.
    MemoryBoundError
        The headers declare more than the memory bound for what is loaded.
    """
    from .combine import combine_parts

    files = _expand(paths)
    if not files:
        raise FileNotFoundError(f"no netCDF files found in {paths!r}: expected *.nc part files")
    lazy = chunks is not None
    read_data = lazy and not trusted
    where = (
        os.fspath(paths)
        if isinstance(paths, (str, os.PathLike))
        else ", ".join(map(str, files[:3])) + (", ..." if len(files) > 3 else "")
    )
    what = (
        f"reading every chunk of the {len(files)} part file(s) in {where}"
        if read_data
        else f"reading the headers of the {len(files)} part file(s) in {where}"
    )
    try:
        run_isolated(_check_parts, (files, lazy, read_data), paths=files, what=what)
    except IsolatedReadError as e:
        if e.kind in ("timeout", "crash") and e.at:  # the child said which file it was reading
            raise VDOSReadError(
                f"{e}. The part file {e.at} is damaged (or too large for the limit): delete it and run again what "
                "wrote it"
            ) from e
        if e.kind in ("timeout", "crash"):
            raise VDOSReadError(
                f"{e}. If one part file is damaged, find it by opening each with "
                "vdosbench.datasets.open_dataset, delete it and run again what wrote it"
            ) from e
        raise VDOSReadError(str(e)) from e
    parts = [_open_one(f, chunks, bound=False, inspected=True) for f in files]
    ds = combine_parts(parts)
    if validate:
        check(ds)
    return ds


def _part_fix(path: Path) -> str:
    """The fix for a damaged part file of a run's ``parts/`` folder."""
    return (
        f"Fix: delete {path} and run the same command again (vdosbench generate/build compute only the "
        f"missing parts); if the part is intact and only large, raise the read limit with {READ_TIMEOUT_ENV}"
        "=SECONDS"
    )


def _without_fix(message: str) -> str:
    """``message`` without its trailing ``Fix: ...`` sentence (a part file gets its own fix)."""
    return message.rsplit(" Fix: ", 1)[0].rstrip()


def _part_headers(paths: list[Path]) -> list[int]:
    """Per part file (run in a child process): the bytes its header declares for loading every variable.

    Each path is reported (:func:`~vdosbench.datasets.isolated.report_progress`) before its header is read,
    so a header the library loops on is named by the caller.
    """
    loads = []
    for path in paths:
        report_progress(str(path))
        try:
            ((load, _, _),) = _inspect_headers([path], False)
        except _READ_ERRORS as e:
            raise IsolatedReadError(
                f"{path} is a damaged part file (found a header the netCDF/HDF5 library cannot read: "
                f"{type(e).__name__}: {e}); expected a VDOS-1.0 part file as this run writes them. {_part_fix(path)}"
            ) from None
        loads.append(load)
    return loads


def part_load_bytes(paths: list[Path], *, written_here: Collection[Path] = ()) -> list[int]:
    """Bytes each part file's header declares for loading every variable, read in the isolated reader.

    For a run's own part files (a resume combines them): a part damaged on disk, or copied in from elsewhere,
    could make the netCDF/HDF5 library loop or crash in this process; here it is a :class:`VDOSReadError`
    naming the part, with the fix (delete it and run again), after the read time limit at most
    (:mod:`vdosbench.datasets.isolated`).

    Parameters
    ----------
    paths
        The part files.
    written_here
        Those of ``paths`` that the run this process is finishing has just written (as in :func:`open_part`):
        their headers are read in this process; the others in the isolated reader.

    Returns
    -------
    list of int
        Declared bytes per file, in the order of ``paths``.

    Raises
    ------
    VDOSReadError
        A part whose header cannot be read, or on which the library loops (past the time limit) or crashes.
    """
    own = set(written_here)
    found = [p for p in paths if p not in own]
    loads = dict(zip(found, _found_part_headers(found)))
    here = [p for p in paths if p in own]
    try:
        loads.update(zip(here, _part_headers(here)))
    except IsolatedReadError as e:  # a header of this run's own part that cannot be read: its message and fix
        raise VDOSReadError(str(e)) from None
    return [loads[p] for p in paths]


def _found_part_headers(paths: list[Path]) -> list[int]:
    """:func:`_part_headers` of part files found on disk, in the isolated reader (:func:`part_load_bytes`)."""
    if not paths:
        return []
    try:
        return run_isolated(
            _part_headers,
            (list(paths),),
            paths=list(paths),
            what=f"reading the headers of the {len(paths)} part file(s) in {paths[0].parent.parent}",
        )
    except IsolatedReadError as e:
        if e.kind in ("timeout", "crash") and e.at:
            failed = (
                f"did not finish within {read_time_limit(list(paths)):.0f} s (the netCDF/HDF5 library loops on it)"
                if e.kind == "timeout"
                else "crashed the netCDF/HDF5 library"
            )
            raise VDOSReadError(
                f"reading the header of the part file {e.at} {failed}; expected a readable part file: its header "
                f"is damaged. {_part_fix(Path(e.at))}"
            ) from e
        if e.kind in ("timeout", "crash"):
            raise VDOSReadError(
                f"{_without_fix(str(e))}; one part file is damaged. Fix: find it by opening each with "
                "vdosbench.datasets.open_dataset, delete it and run the same command again"
            ) from e
        raise VDOSReadError(str(e)) from e


def open_part(path: str | os.PathLike[str], *, written_here: bool = False) -> xr.Dataset:
    """One part file of a run's ``parts/`` folder, loaded in the isolated reader (not validated).

    As :func:`open_dataset` with ``validate=False``, but a part that cannot be read is named as a part, with
    the fix: delete it and run again (only the missing parts are computed).

    Parameters
    ----------
    path
        The part file.
    written_here
        The part was written by the run this process is finishing (every byte of it came from this run's
        tasks, under its folder lock): it is loaded in this process, with the same checks, without starting
        the isolated reader.  A part found on disk (a resume's older parts, or one copied in) is read in the
        isolated reader.

    Raises
    ------
    VDOSReadError
        The part cannot be read, is damaged, or the library loops on it past the time limit.
    """
    path = Path(path)
    if written_here:
        return _load_own_part(path)
    try:
        return _open_one(path, None)
    except VDOSReadError as e:
        raise VDOSReadError(
            f"{path} is a damaged part file of this run: {_without_fix(str(e))} {_part_fix(path)}"
        ) from e


def _load_own_part(path: Path) -> xr.Dataset:
    """A part this run has just written, inspected, bounded and loaded in this process (:func:`open_part`)."""
    try:
        loaded, _ = _load_checked(path, (), True)
    except MemoryBoundError:
        raise
    except _READ_ERRORS as e:  # IsolatedReadError included
        raise VDOSReadError(
            f"{path} is a damaged part file of this run (found: {type(e).__name__}: {_without_fix(str(e))}); "
            f"expected a VDOS-1.0 part file as this run writes them. {_part_fix(path)}"
        ) from e
    return loaded


def run_on_file(function: Callable[..., Any], path: str | os.PathLike[str], *, what: str) -> Any:
    """``function(path)`` in the isolated reader, for a netCDF file that could be damaged.

    ``function`` (a module-level function) opens and reads ``path`` in a child process under the time and
    memory limits (:mod:`vdosbench.datasets.isolated`): a file the netCDF/HDF5 library loops or crashes on
    costs at most the time limit, and whatever the library raises becomes a :class:`VDOSReadError` with what
    was found and the fix.

    Parameters
    ----------
    function
        Called as ``function(path)`` in the child; what it returns is pickled back.
    path
        The file.
    what
        What is done, for messages (e.g. ``"fingerprinting data.nc"``).

    Raises
    ------
    VDOSReadError
        The file cannot be read, crashed the library or passed the time limit.
    MemoryBoundError
        The child refused the read for the memory bound.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no dataset at {path}: expected a netCDF-4 file; check the path")
    try:
        return run_isolated(function, (path,), paths=[path], what=what)
    except MemoryBoundError:
        raise
    except _READ_ERRORS as e:  # IsolatedReadError included
        raise _unreadable(path, e) from e


def _expand(paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]]) -> list[Path]:
    if isinstance(paths, (str, os.PathLike)):
        p = Path(paths)
        if p.is_dir():
            return sorted(q for q in p.rglob("*.nc") if not q.name.startswith("."))
        if any(ch in str(p) for ch in "*?["):
            anchor = Path(p.anchor) if p.is_absolute() else Path(".")
            pattern = str(p.relative_to(anchor)) if p.is_absolute() else str(p)
            return sorted(anchor.glob(pattern))
        return [p]
    return [Path(q) for q in paths]
