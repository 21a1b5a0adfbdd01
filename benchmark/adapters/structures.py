"""Adapter ``ase``: any structure ASE reads, plus a named pair potential → our Hessian and spectrum.

The structure (one file per sample, or one frame of a trajectory) is read
with :func:`ase.io.read` (the optional extra ``vdosbench[ase]``).  Its cell
must be periodic and cubic (square in 2D): the generators' configurations
live in a cubic periodic box.  The potential is one of vdosbench's
(:mod:`vdosbench.generators.glasses.potentials`):

``soft_sphere``
    Seed 001 eq. (14), n = 12, r_c = 1.955, taper order ``taper_order``.
    Needs the particle diameters: the option ``diameters`` (scalar or one
    per atom), or a per-atom array ``diameter`` in the file (extended XYZ
    column), or ``radius`` (doubled).
``kob_andersen``
    The Kob–Andersen 80:20 Lennard-Jones mixture (ε_AB = 1.5, σ_AB = 0.8,
    ε_BB = 0.5, σ_BB = 0.88, r_c = 2.5 σ), taper order ``taper_order``
    (0 = the plain shifted cut).  Species from chemical symbols: the option
    ``species`` maps each symbol to 0 (A) or 1 (B); by default the most
    frequent symbol is A and the other one B (two symbols at most).

The Hessian is the analytic one of :func:`vdosbench.generators.glasses.hessian.hessian_matrix`
(unit masses, the seed's convention), diagonalised in full with
:func:`vdosbench.generators.spectra.full_spectrum`.  The configuration should
be an inherent structure: ``quench=True`` minimises it first with
:func:`vdosbench.generators.glasses.minimize.quench` (force tolerance 10⁻¹⁰); a
configuration that is not a minimum has negative eigenvalues and is rejected.
A periodic box has exactly d zero modes (the uniform translations), which
are the flags by default (``zero_modes=d``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import xarray as xr

from .base import ZERO_TOLERANCE, AdapterError, spectrum_dataset

# the generators are imported where a structure is read: importing vdosbench.generators imports numba and
# every model (≈ 0.4 CPU s), which no other adapter and no score of a netCDF file needs
if TYPE_CHECKING:
    from vdosbench.generators.glasses.configurations import Configuration
    from vdosbench.generators.glasses.potentials import PairPotential

__all__ = ["POTENTIALS", "configuration_from_atoms", "read_structure"]

#: Named potentials the adapter offers.
POTENTIALS = ("soft_sphere", "kob_andersen")


def _potential(name: str, taper_order: int) -> PairPotential:
    from vdosbench.generators.glasses.potentials import kob_andersen_potential, soft_sphere_potential

    if name == "soft_sphere":
        return soft_sphere_potential(taper_order)
    if name == "kob_andersen":
        return kob_andersen_potential(taper_order)
    raise AdapterError(f"unknown potential {name!r}; valid potentials are {list(POTENTIALS)}")


def _cubic_edge(atoms: Any, d: int, where: str) -> float:
    """The edge of the atoms' cubic (square in 2D) periodic cell; raise for a non-periodic or non-cubic cell."""
    cell = np.asarray(atoms.cell.array if hasattr(atoms.cell, "array") else atoms.cell, dtype=np.float64)
    pbc = np.asarray(atoms.pbc, dtype=np.bool_)
    sub = cell[:d, :d]
    edges = np.diag(sub)
    if not np.all(pbc[:d]):
        raise AdapterError(
            f"{where}: the cell is not periodic along {list('xyz'[:d])} (pbc={pbc.tolist()}); "
            "the Hessian needs a periodic box"
        )
    if (
        np.any(edges <= 0)
        or np.max(np.abs(sub - np.diag(edges))) > 1e-9 * edges.max()
        or not np.allclose(edges, edges[0], rtol=1e-9, atol=0.0)
    ):
        raise AdapterError(
            f"{where}: the cell {cell.round(6).tolist()} is not cubic (square in 2D); "
            "vdosbench's configurations need a cubic periodic box"
        )
    return float(edges[0])


def _atom_diameters(
    atoms: Any, diameters: float | Sequence[float] | np.ndarray | None, n: int, where: str
) -> np.ndarray:
    """Soft-sphere diameters: given, or the per-atom ``diameter`` or ``radius`` column; all > 0."""
    arrays = getattr(atoms, "arrays", {})
    if diameters is not None:
        sizes = np.broadcast_to(np.asarray(diameters, dtype=float), (n,)).copy()
    elif "diameter" in arrays:
        sizes = np.asarray(arrays["diameter"], dtype=float).reshape(n)
    elif "radius" in arrays:
        sizes = 2.0 * np.asarray(arrays["radius"], dtype=float).reshape(n)
    else:
        raise AdapterError(
            f"{where}: the soft_sphere potential needs particle diameters: pass diameters=... "
            "or store a per-atom 'diameter' column (extended XYZ)"
        )
    if not np.all(sizes > 0):
        raise AdapterError(f"{where}: diameters must be > 0")
    return sizes


def _atom_species(atoms: Any, species: Mapping[str, int] | None, where: str) -> np.ndarray:
    """Kob-Andersen species 0 (A) / 1 (B) per atom from the symbols: given map, or the majority symbol as A."""
    symbols = list(atoms.get_chemical_symbols())
    if species is None:
        counts = Counter(symbols).most_common()
        if len(counts) > 2 or (len(counts) == 2 and counts[0][1] == counts[1][1]):
            raise AdapterError(
                f"{where}: cannot tell species A from B among symbols {dict(counts)}; "
                "pass species={'X': 0, 'Y': 1} (0 = A, 1 = B)"
            )
        species = {sym: k for k, (sym, _) in enumerate(counts)}
    missing = sorted(set(symbols) - set(species))
    if missing or any(v not in (0, 1) for v in species.values()):
        raise AdapterError(
            f"{where}: species map {dict(species)} must give 0 or 1 for every symbol (missing {missing})"
        )
    kinds = np.array([species[s] for s in symbols], dtype=np.int64)
    return kinds


def configuration_from_atoms(
    atoms: Any,
    potential: str,
    *,
    spatial_dimension: int = 3,
    diameters: float | Sequence[float] | np.ndarray | None = None,
    species: Mapping[str, int] | None = None,
    where: str = "structure",
) -> Configuration:
    """An :class:`ase.Atoms` as a :class:`~vdosbench.generators.glasses.configurations.Configuration`.

    Parameters
    ----------
    atoms
        An :class:`ase.Atoms` with a periodic cubic (2D: square in x, y) cell.
    potential
        ``"soft_sphere"`` or ``"kob_andersen"`` (decides sizes or species).
    spatial_dimension
        3, or 2 (x, y of the atoms; the cell's x and y edges form the box).
    diameters, species
        See the module docstring.
    where
        The file, for messages.

    Returns
    -------
    Configuration
    """
    from vdosbench.generators.glasses.configurations import Configuration

    d = int(spatial_dimension)
    if d not in (2, 3):
        raise AdapterError(f"{where}: spatial_dimension={spatial_dimension!r}; expected 2 or 3")
    edge = _cubic_edge(atoms, d, where)
    positions = np.asarray(atoms.get_positions(), dtype=np.float64)[:, :d]
    n = positions.shape[0]
    sizes = np.ones(n)
    kinds = np.zeros(n, dtype=np.int64)
    if potential == "soft_sphere":
        sizes = _atom_diameters(atoms, diameters, n, where)
    elif potential == "kob_andersen":
        kinds = _atom_species(atoms, species, where)
    else:
        raise AdapterError(f"unknown potential {potential!r}; valid potentials are {list(POTENTIALS)}")
    return Configuration(positions, edge, sizes=sizes, species=kinds)


def _read_atoms(path: Path, index: int | str, ase_format: str | None, where: str) -> Any:
    """One frame of a structure file read by ASE."""
    import ase.io

    try:
        atoms = ase.io.read(path, index=index, format=ase_format)
    except Exception as e:  # ASE raises many types for unreadable input
        raise AdapterError(
            f"{where}: ASE cannot read it ({type(e).__name__}: {e}); pass ase_format=... (ASE's format name)"
        ) from e
    if isinstance(atoms, list):
        raise AdapterError(f"{where}: index={index!r} selects {len(atoms)} frames; select one frame (an integer)")
    return atoms


def _quenched(config: Configuration, pot: PairPotential, where: str, max_force: list[float]) -> Configuration:
    """The inherent structure of ``config`` (its final max force appended to ``max_force``); raise if not converged."""
    from vdosbench.generators.glasses.minimize import quench as quench_config

    result = quench_config(config, pot)
    if not result.converged:
        raise AdapterError(f"{where}: the quench did not converge (max force {result.max_force:.3g})")
    max_force.append(result.max_force)
    return result.config


def _configuration_spectrum(
    config: Configuration, pot: PairPotential, d: int, modes: list[int], where: str
) -> tuple[np.ndarray, np.ndarray]:
    """The full spectrum of our Hessian of ``config`` and the eigenvectors of ``modes``."""
    from vdosbench.generators.glasses.hessian import hessian_matrix
    from vdosbench.generators.spectra import full_spectrum

    n_dof = config.n_particles * d
    if modes and (min(modes) < 0 or max(modes) >= n_dof):
        raise AdapterError(f"{where}: vector_modes must lie in [0, {n_dof}), found {modes}")
    try:
        lam, vec = full_spectrum(hessian_matrix(config, pot), modes)
    except ValueError as e:  # e.g. a box smaller than twice the cutoff
        raise AdapterError(f"{where}: {e}") from e
    return lam, vec


def _structure_samples(
    paths: list[Path],
    pot: PairPotential,
    potential: str,
    d: int,
    diameters: float | Sequence[float] | np.ndarray | None,
    species: Mapping[str, int] | None,
    ase_format: str | None,
    index: int | str,
    quench: bool,
    modes: list[int],
) -> tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray], list[float], list[np.ndarray], list[float]]:
    """Per file: spectrum, eigenvectors, wrapped positions, box edge, diameters; and the quenches' max forces."""
    lam_all: list[np.ndarray] = []
    vec_all: list[np.ndarray] = []
    pos_all: list[np.ndarray] = []
    box_all: list[float] = []
    dia_all: list[np.ndarray] = []
    max_force: list[float] = []
    for path in paths:
        where = f"{path} (format 'ase')"
        atoms = _read_atoms(path, index, ase_format, where)
        config = configuration_from_atoms(
            atoms, potential, spatial_dimension=d, diameters=diameters, species=species, where=where
        )
        if lam_all and config.n_particles * d != lam_all[0].size:
            raise AdapterError(f"{where}: {config.n_particles} atoms, unlike the first file; read sizes separately")
        if quench:
            config = _quenched(config, pot, where, max_force)
        lam, vec = _configuration_spectrum(config, pot, d, modes, where)
        lam_all.append(lam)
        vec_all.append(vec.T.reshape(len(modes), config.n_particles, d))
        pos_all.append(config.positions - config.box_length * np.floor(config.positions / config.box_length))
        box_all.append(config.box_length)
        dia_all.append(config.sizes)
    return lam_all, vec_all, pos_all, box_all, dia_all, max_force


def _structure_attrs(pot: PairPotential, quench: bool, max_force: list[float]) -> dict[str, object]:
    """The adapter settings recorded in the dataset: the potential's parameters, masses, Hessian, quench."""
    extra: dict[str, object] = {
        **{k: (" ".join(str(x) for x in v) if isinstance(v, list) else v) for k, v in pot.attrs().items()},
        "mass": 1.0,
        "hessian": "analytic, vdosbench.generators.glasses.hessian.hessian_matrix (unit masses)",
        "quenched_by_adapter": "yes" if quench else "no",
    }
    if max_force:
        extra["quench_max_force"] = float(max(max_force))
    return extra


def read_structure(
    paths: list[Path],
    *,
    potential: str | None = None,
    taper_order: int = 2,
    spatial_dimension: int = 3,
    diameters: float | Sequence[float] | np.ndarray | None = None,
    species: Mapping[str, int] | None = None,
    ase_format: str | None = None,
    index: int | str = -1,
    quench: bool = False,
    vector_modes: Sequence[int] = (),
    zero_modes: int | None = None,
    zero_tolerance: float = ZERO_TOLERANCE,
) -> xr.Dataset:
    """Read structures with ASE, build our Hessian with a named potential, diagonalise.

    Parameters
    ----------
    paths
        One structure file per sample.
    potential
        ``"soft_sphere"`` or ``"kob_andersen"`` (required).
    taper_order
        Taper order m of the potential (−1 for T_∞, 0 for the plain cut).
    spatial_dimension
        3, or 2 (uses x, y).
    diameters, species
        See the module docstring.
    ase_format
        ASE's format name (``format=`` of :func:`ase.io.read`) when it cannot
        guess it (e.g. ``"lammps-data"``).
    index
        Frame of a trajectory (ASE's ``index``; default the last).
    quench
        Minimise each configuration to its inherent structure first.
    vector_modes
        Mode indices whose eigenvectors are stored.
    zero_modes
        How many lowest modes are zero modes; default (``None``) d, the
        uniform translations of a periodic box; ``-1`` selects the tolerance
        rule of :func:`~vdosbench.benchmark.adapters.base.zero_mode_flags`.
    zero_tolerance
        Tolerance of that rule (used only with ``zero_modes=-1``).

    Returns
    -------
    xarray.Dataset
        ``eigenvalue``, ``zero_mode``, ``position``, ``box_length`` and, for
        soft spheres, ``diameter``; the potential's parameters as attributes.
    """
    _check_structure_inputs(paths, potential)
    pot = _potential(potential, int(taper_order))
    d = int(spatial_dimension)
    modes = [int(m) for m in vector_modes]
    lam_all, vec_all, pos_all, box_all, dia_all, max_force = _structure_samples(
        paths, pot, potential, d, diameters, species, ase_format, index, quench, modes
    )
    extra = _structure_attrs(pot, quench, max_force)
    samples = (lam_all, vec_all, pos_all, box_all, dia_all)
    return _structure_dataset(paths, potential, d, modes, samples, extra, zero_modes, zero_tolerance)


def _check_structure_inputs(paths: Sequence[Path], potential: str | None) -> None:
    """Check that ASE is installed and a potential is named (a structure alone has no spectrum)."""
    try:
        import ase.io  # noqa: F401  (checked here, read by _read_atoms)
    except ImportError as e:
        raise ImportError(
            "the 'ase' format needs the Atomic Simulation Environment: pip install 'vdosbench[ase]'"
        ) from e
    where0 = f"{paths[0]} (format 'ase')"
    if potential is None:
        raise AdapterError(
            f"{where0}: a structure alone has no spectrum; name the potential: potential=one of {list(POTENTIALS)} "
            "(CLI: --set potential=soft_sphere)"
        )


def _structure_dataset(
    paths: Sequence[Path],
    potential: str,
    d: int,
    modes: list[int],
    samples: tuple[list, list, list, list, list],
    extra: dict[str, Any],
    zero_modes: int | None,
    zero_tolerance: float,
) -> xr.Dataset:
    """Build the spectrum dataset from the per-sample lists (λ, vectors, positions, box, diameters)."""
    lam_all, vec_all, pos_all, box_all, dia_all = samples
    return spectrum_dataset(
        np.stack(lam_all),
        paths=paths,
        format_name="ase",
        spatial_dimension=d,
        zero_modes=d if zero_modes is None else (None if zero_modes < 0 else zero_modes),
        zero_tolerance=zero_tolerance,
        units="1",
        site_degrees_of_freedom=d,
        position=np.stack(pos_all),
        box_length=np.array(box_all),
        diameter=np.stack(dia_all) if potential == "soft_sphere" else None,
        eigenvector=np.stack(vec_all) if modes else None,
        vector_modes=modes if modes else None,
        extra_attrs=extra,
        title=f"ASE structures with vdosbench's {potential} potential ({len(paths)} sample{'s' if len(paths) != 1 else ''})",
    )
