"""Reading and writing VDOS-1.0 datasets.

Writes are atomic: the dataset goes to a temporary file in the target folder
and is renamed over the final name only when complete, so an interrupted write
never leaves a half file under the final name.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Collection, Iterable
from pathlib import Path

import xarray as xr

from .convention import check
from .memory import check_memory, format_bytes, netcdf_load_bytes

__all__ = ["VDOSReadError", "write", "write_text", "write_bytes", "open_dataset", "open_ensemble", "temporary_path"]

_ENGINE = "netcdf4"


class VDOSReadError(OSError):
    """A file could not be read as a VDOS-1.0 netCDF-4 dataset."""


def temporary_path(path: str | os.PathLike[str]) -> Path:
    """A unique temporary name next to ``path`` (same filesystem, so rename is atomic)."""
    path = Path(path)
    return path.with_name(f".{path.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")


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
    try:
        fill(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


#: Copies of the declared arrays held while xarray loads a file: the raw array and the decoded one (masking
#: fill values, scaling), so the check counts twice the declared bytes.  Measured peak RSS while loading
#: files of 160 - 320 MB declared: 1.07 - 1.53 times (issue 16's 8 GB file: 15.9 GB, twice).
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
    try:
        ds.to_netcdf(tmp, engine=_ENGINE, format="NETCDF4", encoding=_encoding(ds))
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _check_declared_size(
    paths: list[Path], chunks: dict[str, int] | str | None, lazy_variables: Collection[str] = ()
) -> None:
    """Refuse files whose header declares more than the memory bound, before xarray allocates it.

    Without ``chunks`` every variable but ``lazy_variables`` is loaded; with
    ``chunks`` (Dask) only the index coordinates are, so a large lazily opened
    ensemble is not refused for the size of its data (see
    :func:`vdosbench.datasets.memory.netcdf_load_bytes`).
    """
    lazy = chunks is not None
    sizes = [netcdf_load_bytes(p, lazy=lazy, lazy_variables=lazy_variables) or 0 for p in paths]
    need = LOAD_COPIES * sum(sizes)
    largest = max(range(len(paths)), key=sizes.__getitem__)
    where = (
        str(paths[0]) if len(paths) == 1
        else f"{len(paths)} files (largest {paths[largest]}: {format_bytes(sizes[largest])})"
    )
    what = (
        "its index coordinates (the rest stays on disk)" if lazy
        else f"every variable but {sorted(lazy_variables)} (on disk)" if lazy_variables
        else "every variable"
    )
    check_memory(
        need,
        f"opening {where} ({LOAD_COPIES} × the {format_bytes(sum(sizes))} its header declares for {what}: "
        "the raw and the decoded arrays)",
        "check the file's dimensions (ncdump -h); "
        + ("select fewer files" if lazy else "open it lazily with chunks={'sample': 1} (xarray/Dask) or select fewer "
           "files"),
    )


def _open_one(
    path: Path, chunks: dict[str, int] | str | None, *, bound: bool = True, lazy_variables: Collection[str] = ()
) -> xr.Dataset:
    if not path.exists():
        raise FileNotFoundError(f"no dataset at {path}: expected a netCDF-4 file; check the path")
    if bound:
        _check_declared_size([path], chunks, lazy_variables)
    # only when the file holds one of them: otherwise load everything and close the file as usual
    lazy_only = chunks is None and bool(lazy_variables) and not _variable_names(path).isdisjoint(lazy_variables)
    try:
        # chunks={}: Dask chunks = the file's own (one sample each for files written by `write`)
        ds = xr.open_dataset(path, engine=_ENGINE, chunks={} if lazy_only else chunks)
    except (OSError, ValueError, RuntimeError) as e:
        with open(path, "rb") as fh:
            head = fh.read(8)
        raise VDOSReadError(
            f"{path} is not a readable netCDF-4 file (starts with {head!r}, expected b'\\x89HDF'): "
            f"{e}. Fix: write it with vdosbench.datasets.write, or convert it with an adapter "
            "(vdosbench score --format ...)"
        ) from e
    if lazy_only:
        lazy = [name for name in lazy_variables if name in ds.data_vars]
        loaded = ds.drop_vars(lazy).load()
        ds = loaded.assign({name: ds[name] for name in lazy})[list(ds.data_vars)]
    elif chunks is None:
        ds = ds.load()
        ds.close()
    return ds


def _variable_names(path: Path) -> set[str]:
    """Names of the variables in a netCDF file's root group (empty when its header cannot be read)."""
    import netCDF4

    try:
        with netCDF4.Dataset(path, "r") as nc:
            return set(nc.variables)
    except (OSError, RuntimeError, ValueError):
        return set()


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
        Dask chunks for every part (default ``"auto"``).
    validate
        Check the combined dataset.
    """
    from .combine import combine_parts

    files = _expand(paths)
    if not files:
        raise FileNotFoundError(f"no netCDF files found in {paths!r}: expected *.nc part files")
    _check_declared_size(files, chunks)
    parts = [_open_one(f, chunks, bound=False) for f in files]
    ds = combine_parts(parts)
    if validate:
        check(ds)
    return ds


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


