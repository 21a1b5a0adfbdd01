"""Memory bounds checked before anything large is allocated.

A netCDF file of a few kilobytes can declare a dimension of 10⁹ entries (an
unwritten, chunked variable), and a generator parameter such as
``n_side=31623`` asks for a 10⁹ × 10⁹ dense eigenproblem.  Reading or making
such data must be refused *before* the memory is taken, with an error that
says what was found, the bound and the fix, instead of a ``MemoryError`` (or
the kernel's OOM killer) after minutes of swapping.

The bound
    :func:`memory_limit`: the environment variable
    ``VDOSBENCH_MEMORY_LIMIT`` when it is set (a size such as ``8GB``,
    ``512MiB`` or a number of bytes; it may be larger than the free memory,
    e.g. on a machine with swap, or smaller, to keep room for other jobs),
    otherwise the memory available now on this machine
    (``psutil.virtual_memory().available``, further limited by the cgroup
    memory limit of a container when one is set).
What is compared with it
    A number of bytes the caller *declares* it will hold at once: the arrays
    of a file as its header declares them (:func:`netcdf_load_bytes`), or a
    generator's estimate of one task's peak
    (:attr:`vdosbench.generators.Generator.memory_estimate`) times the tasks
    that run at once.  These are lower bounds of what the process will use
    (Python and library overheads come on top), so a refusal is never a false
    alarm about the data itself; a request just below the bound may still fail.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Collection
from pathlib import Path

import numpy as np

from .errors import VdosbenchError

__all__ = [
    "DEFLATE_MAX_RATIO",
    "MEMORY_LIMIT_ENV",
    "MemoryBoundError",
    "available_memory",
    "check_memory",
    "format_bytes",
    "memory_limit",
    "netcdf_header_bytes",
    "netcdf_load_bytes",
    "parse_size",
]

#: Environment variable that sets the memory bound (a size, e.g. ``8GB``); unset: the available memory.
MEMORY_LIMIT_ENV = "VDOSBENCH_MEMORY_LIMIT"

_UNITS = {
    "": 1,
    "b": 1,
    "k": 10**3,
    "kb": 10**3,
    "m": 10**6,
    "mb": 10**6,
    "g": 10**9,
    "gb": 10**9,
    "t": 10**12,
    "tb": 10**12,
    "kib": 2**10,
    "mib": 2**20,
    "gib": 2**30,
    "tib": 2**40,
}


class MemoryBoundError(VdosbenchError, ValueError):
    """A read or a computation would need more memory than the bound (:func:`memory_limit`).

    Raised before the memory is allocated; the message names what needs how
    much, the bound and where it comes from, and the fix.
    """


def parse_size(text: str) -> int:
    """A size in bytes from text such as ``"8GB"``, ``"512 MiB"``, ``"2e9"``.

    Decimal units (kB, MB, GB, TB; case-insensitive, the ``B`` optional) are
    powers of 1000, binary units (KiB, MiB, GiB, TiB) powers of 1024.

    Examples
    --------
    >>> parse_size("8GB"), parse_size("512 MiB"), parse_size("2e9"), parse_size("1.5k")
    (8000000000, 536870912, 2000000000, 1500)
    >>> parse_size("lots")
    Traceback (most recent call last):
    ...
    ValueError: expected a size such as 8GB, 512MiB or a number of bytes, found 'lots'
    """
    match = re.fullmatch(r"\s*([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*([A-Za-z]*)\s*", str(text))
    unit = match.group(2).lower() if match else ""
    if match is None or unit not in _UNITS:
        raise ValueError(f"expected a size such as 8GB, 512MiB or a number of bytes, found {text!r}")
    value = float(match.group(1)) * _UNITS[unit]
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"expected a positive size, found {text!r}")
    return int(value)


def format_bytes(n: float) -> str:
    """``n`` bytes in decimal units, three significant digits.

    Examples
    --------
    >>> format_bytes(512), format_bytes(8.0e9), format_bytes(1.6e19), format_bytes(1e30)
    ('512 B', '8 GB', '16 EB', '1e+12 EB')
    """
    for unit, size in (("EB", 1e18), ("PB", 1e15), ("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{int(n)} B"


def _cgroup_headroom() -> int | None:
    """Bytes the cgroup of this process may still take (v2 ``memory.max`` or v1 limit), or None."""
    for limit_file, usage_file in (
        ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),
        ("/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory/memory.usage_in_bytes"),
    ):
        try:
            limit_text = Path(limit_file).read_text().strip()
            usage = int(Path(usage_file).read_text().strip())
        except (OSError, ValueError):
            continue
        if limit_text == "max" or not limit_text.isdigit() or int(limit_text) >= 2**60:
            return None
        return max(0, int(limit_text) - usage)
    return None


def available_memory() -> int | None:
    """Bytes of memory available to this process now, or None when the system does not say.

    ``psutil.virtual_memory().available`` (free plus reclaimable page cache;
    ``os.sysconf`` where psutil is missing), limited by the headroom of the
    container's cgroup when it has a memory limit.
    """
    try:
        import psutil

        free: int | None = int(psutil.virtual_memory().available)
    except ImportError:  # pragma: no cover - psutil comes with dask.distributed
        try:
            free = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        except (ValueError, OSError, AttributeError):
            free = None
    headroom = _cgroup_headroom()
    if headroom is not None:
        free = headroom if free is None else min(free, headroom)
    return free


def memory_limit() -> tuple[int | None, str]:
    """The memory bound in bytes and where it comes from.

    Returns
    -------
    limit : int or None
        ``VDOSBENCH_MEMORY_LIMIT`` when set, else :func:`available_memory`
        (None when neither is known: then nothing is refused).
    source : str
        For messages, e.g. ``"VDOSBENCH_MEMORY_LIMIT=8GB"`` or ``"memory available on this machine"``.

    Raises
    ------
    MemoryBoundError
        If ``VDOSBENCH_MEMORY_LIMIT`` is set but is not a size.
    """
    text = os.environ.get(MEMORY_LIMIT_ENV, "").strip()
    if text:
        try:
            return parse_size(text), f"{MEMORY_LIMIT_ENV}={text}"
        except ValueError as e:
            raise MemoryBoundError(
                f"{MEMORY_LIMIT_ENV} is {text!r}: {e}. Fix: set it to a size (e.g. {MEMORY_LIMIT_ENV}=8GB) or unset it "
                "to use the memory available on this machine"
            ) from None
    return available_memory(), "memory available on this machine"


def check_memory(need: float, what: str, fix: str) -> None:
    """Refuse ``need`` bytes above the bound (:func:`memory_limit`), before they are allocated.

    Parameters
    ----------
    need
        Bytes the caller is about to hold at once.
    what
        What needs them, for the message (e.g. ``"reading data.nc"``).
    fix
        How to ask for less (the message adds how to raise the bound).

    Raises
    ------
    MemoryBoundError
        If ``need`` exceeds the bound.

    Examples
    --------
    >>> check_memory(1e3, "reading a small file", "none needed")  # within any bound: no error
    >>> try:
    ...     check_memory(1e30, "reading x.nc", "read a part")
    ... except MemoryBoundError as e:
    ...     print(str(e)[:44])
    reading x.nc needs about 1e+12 EB of memory;
    """
    limit, source = memory_limit()
    if limit is None or need <= limit:
        return
    raise MemoryBoundError(
        f"{what} needs about {format_bytes(need)} of memory; the bound is {format_bytes(limit)} ({source}). "
        f"Fix: {fix}; or, if the machine really has the memory, raise the bound with {MEMORY_LIMIT_ENV}=SIZE "
        "(e.g. 64GB)"
    )


def _decoded_itemsize(var: object) -> int:
    """Bytes per element once xarray has decoded a netCDF4 variable (masked or scaled integers become float64)."""
    dtype = getattr(var, "dtype", None)
    if not isinstance(dtype, np.dtype):  # variable-length strings: at least a pointer each
        return 8
    attrs = set(var.ncattrs())  # type: ignore[attr-defined]
    if dtype.kind in "iu" and attrs & {"_FillValue", "missing_value", "scale_factor", "add_offset"}:
        return max(8, dtype.itemsize)
    return dtype.itemsize


#: Largest ratio of uncompressed to compressed bytes that zlib's deflate reaches (258-byte matches, about
#: 1032:1), with a margin: a zlib-compressed variable holds at least its declared bytes over this ratio.
DEFLATE_MAX_RATIO = 1100
#: netCDF-4 filters whose ratio has no useful bound: variables stored with them are not counted as stored bytes.
_UNBOUNDED_FILTERS = ("szip", "zstd", "bzip2", "blosc")


def _least_stored_bytes(var: object, declared: int) -> int:
    """Bytes a netCDF variable of ``declared`` raw bytes must occupy in its file when its data are written."""
    try:
        filters = var.filters() or {}  # type: ignore[attr-defined]
    except (AttributeError, RuntimeError, OSError):  # netCDF-3 variables, or an unreadable filter list
        filters = {}
    if any(filters.get(name) for name in _UNBOUNDED_FILTERS):
        return 0
    return declared // DEFLATE_MAX_RATIO if filters.get("zlib") else declared


def netcdf_header_bytes(nc: object, *, lazy: bool = False, lazy_variables: Collection[str] = ()) -> tuple[int, int]:
    """Bytes an open netCDF4 dataset's header declares, and the fewest bytes its file must hold for them.

    Parameters
    ----------
    nc
        A ``netCDF4.Dataset`` open for reading (its root group).
    lazy, lazy_variables
        As for :func:`netcdf_load_bytes`.

    Returns
    -------
    load : int
        Bytes xarray allocates opening it (shape × decoded item size, summed over what is loaded).
    stored : int
        Over every variable: its raw bytes when stored plainly, or a zlib-compressed variable's raw bytes
        over :data:`DEFLATE_MAX_RATIO` (0 for variables with other compressors).  A file smaller than this
        cannot hold its data: its variables are unwritten (they read as fill values) or the header is damaged.
    """
    load = stored = 0
    for name, var in nc.variables.items():  # type: ignore[attr-defined]
        count = math.prod(int(n) for n in var.shape)
        dtype = getattr(var, "dtype", None)
        stored += _least_stored_bytes(var, count * (dtype.itemsize if isinstance(dtype, np.dtype) else 0))
        if lazy and not (var.ndim == 1 and var.dimensions[0] == name):
            continue
        if name in lazy_variables:
            continue
        load += count * _decoded_itemsize(var)
    return load, stored


def netcdf_load_bytes(
    path: str | os.PathLike[str], *, lazy: bool = False, lazy_variables: Collection[str] = ()
) -> int | None:
    """Bytes that opening ``path`` with xarray will allocate, from the file's header alone.

    Parameters
    ----------
    path
        A netCDF file (its root group is what xarray opens).
    lazy
        ``False``: every variable is loaded (``open_dataset`` without chunks).
        ``True``: only the index coordinates (1-D variables named after their
        dimension) are, because xarray builds their pandas indexes at open
        time; the data stay on disk as Dask arrays, read chunk by chunk later.
    lazy_variables
        With ``lazy=False``: variables that stay on disk nonetheless (not counted),
        as :func:`vdosbench.datasets.open_dataset` ``lazy_variables`` opens them.

    Returns
    -------
    int or None
        Declared bytes (shape × decoded item size, summed), or None when the
        header cannot be read (the caller's reader reports that).

    Notes
    -----
    This opens the file in the calling process: use it on files vdosbench wrote.  An untrusted file is
    inspected in a child process by :func:`vdosbench.datasets.open_dataset` (a damaged header can make the
    netCDF library loop forever).
    """
    try:
        import netCDF4
    except ImportError:  # pragma: no cover - a dependency
        return None
    try:
        with netCDF4.Dataset(path, "r") as nc:
            return netcdf_header_bytes(nc, lazy=lazy, lazy_variables=lazy_variables)[0]
    except (OSError, RuntimeError, ValueError, AttributeError):
        return None
