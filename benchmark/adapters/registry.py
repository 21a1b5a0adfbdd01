"""The registry of adapters keyed by format name, format guessing and :func:`read`.

An adapter is a reader ``reader(paths, **options) -> xarray.Dataset`` with a
name, the file extensions it claims and a one-line description.  :func:`read`
picks it by name or guesses it (:func:`guess_format`): first the file name's
extension, then the file's first bytes (HDF5/netCDF magic → ``netcdf``, a
zip archive → ``npz``, ``.npy`` magic → ``npz``), and a file that decodes as
text falls back to ``text``.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import xarray as xr

from .base import AdapterError

__all__ = [
    "Adapter",
    "adapter_names",
    "get_adapter",
    "guess_format",
    "read",
    "register_adapter",
]

PathLike = str | os.PathLike[str]


@dataclass(frozen=True)
class Adapter:
    """A reader of one third-party format.

    Attributes
    ----------
    name
        Format name (``read(..., format=name)``, ``vdosbench score --format``).
    reader
        ``reader(paths: list[Path], **options) -> xarray.Dataset`` returning
        a dataset that passes :func:`vdosbench.datasets.check`.
    extensions
        Lower-case file-name endings this format claims (``".npz"``, ``".dyn.gz"``).
    description
        One line for listings.
    multi_file
        Whether several files (one sample each) may be read together.
    """

    name: str
    reader: Callable[..., xr.Dataset]
    extensions: tuple[str, ...]
    description: str
    multi_file: bool = False

    @property
    def options(self) -> tuple[str, ...]:
        """Names of the keyword options the reader accepts."""
        params = inspect.signature(self.reader).parameters.values()
        return tuple(p.name for p in params if p.kind is inspect.Parameter.KEYWORD_ONLY)


_REGISTRY: dict[str, Adapter] = {}


def register_adapter(adapter: Adapter, *, replace: bool = False) -> Adapter:
    """Add ``adapter`` to the registry (``replace=True`` to overwrite a name)."""
    if adapter.name in _REGISTRY and not replace:
        raise ValueError(f"an adapter named {adapter.name!r} is already registered; pass replace=True")
    _REGISTRY[adapter.name] = adapter
    return adapter


def adapter_names() -> list[str]:
    """Names of the registered formats, sorted.

    Examples
    --------
    >>> from vdosbench.benchmark.adapters import adapter_names
    >>> {"netcdf", "npz", "text", "lammps-dynmat"} <= set(adapter_names())
    True
    """
    return sorted(_REGISTRY)


def get_adapter(name: str) -> Adapter:
    """The adapter of format ``name``; an unknown name lists the valid ones."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown format {name!r}; valid formats are {adapter_names()}") from None


def _by_extension(path: Path) -> str | None:
    name = path.name.lower()
    best: tuple[int, str] | None = None
    for adapter in _REGISTRY.values():
        for ext in adapter.extensions:
            if name.endswith(ext) and (best is None or len(ext) > best[0]):
                best = (len(ext), adapter.name)
    return None if best is None else best[1]


def _by_content(path: Path) -> str | None:
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if head.startswith(b"\x89HDF") or head.startswith(b"CDF\x01") or head.startswith(b"CDF\x02"):
        return "netcdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"\x93NUMPY"):
        return "npz"
    if not head:
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "text"


def guess_format(path: PathLike) -> str:
    """The format of ``path`` from its extension, else from its first bytes.

    Raises
    ------
    AdapterError
        If neither settles it; the message lists the valid formats.

    Examples
    --------
    >>> guess_format("spectra.npz"), guess_format("dynmat.dyn"), guess_format("run/ensemble.nc")
    ('npz', 'lammps-dynmat', 'netcdf')
    """
    p = Path(path)
    found = _by_extension(p)
    if found is not None:
        return found
    if p.is_file():
        found = _by_content(p)
        if found is not None:
            return found
    raise AdapterError(
        f"cannot tell the format of {p} from its name or content; pass format=... "
        f"(CLI: --format), one of {adapter_names()}"
    )


def read(path: PathLike | Sequence[PathLike], format: str | None = None, **options: object) -> xr.Dataset:
    """Read third-party output as a VDOS-1.0 dataset.

    Parameters
    ----------
    path
        One file, or several files of one ensemble (one sample each) for the
        formats that take several (``lammps-dynmat``, ``ase``).
    format
        A registered format name (:func:`adapter_names`); ``None`` guesses it
        from the (first) file's extension and content (:func:`guess_format`).
    **options
        The adapter's options (see each reader's docstring), e.g.
        ``spatial_dimension=3``, ``values="frequency"``, ``zero_modes=3``.

    Returns
    -------
    xarray.Dataset
        Passes :func:`vdosbench.datasets.check`.

    Raises
    ------
    KeyError
        Unknown format name (lists the valid ones).
    AdapterError
        Unreadable or invalid input, or an option the format does not take
        (lists the valid options).
    FileNotFoundError
        A path that does not exist.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "eigenvalues.txt"
    >>> _ = target.write_text("# spatial_dimension: 3\\n0.0\\n0.5\\n2.0\\n")
    >>> ds = read(target, zero_modes=1)
    >>> ds["eigenvalue"].values.tolist(), ds.attrs["adapter_format"]
    ([[0.0, 0.5, 2.0]], 'text')
    """
    given = [path] if isinstance(path, (str, os.PathLike)) else list(path)
    if not given:
        raise AdapterError("no input file given; pass a path (or a list of paths)")
    if any(isinstance(p, str) and not p.strip() for p in given):  # Path("") would read as the folder "."
        raise AdapterError(f"expected a data file, found an empty path in {given!r}. Fix: pass the file's path")
    paths = [Path(p) for p in given]
    for p in paths:
        if not p.exists():
            raise FileNotFoundError(f"no file at {p}; check the path")
        if p.is_dir():
            raise AdapterError(
                f"expected a data file, found {p}, which is a folder. Fix: pass the file(s) "
                f"inside it (e.g. {p / 'ensemble.nc'})"
            )
    name = format if format is not None else guess_format(paths[0])
    adapter = get_adapter(name)
    if len(paths) > 1 and not adapter.multi_file:
        raise AdapterError(
            f"format {name!r} reads one file (it holds every sample); got {len(paths)} files. "
            f"Formats that take one file per sample: "
            f"{sorted(a.name for a in _REGISTRY.values() if a.multi_file)}"
        )
    unknown = sorted(set(options) - set(adapter.options))
    if unknown:
        raise AdapterError(f"format {name!r} takes no option(s) {unknown}; its options are {list(adapter.options)}")
    return adapter.reader(paths, **options)
