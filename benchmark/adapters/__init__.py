"""Adapters: third-party output → VDOS-1.0 datasets (``vdosbench.benchmark.adapters``).

A registry keyed by format name (:func:`adapter_names`, :func:`get_adapter`);
:func:`read` picks the adapter by name or guesses it from the file.  Every
adapter returns a dataset that passes :func:`vdosbench.datasets.check`, with
``source`` naming the file and format, ``references = "third-party data"``
and the rules it applied (sorting, zero modes, units) as attributes.

==================  ==========================================================
format              input
==================  ==========================================================
``netcdf``          our own VDOS-1.0 netCDF-4 files
``npz``             ``numpy.savez`` archives (``allow_pickle=False``)
``text``            plain eigenvalue/frequency text, one sample per line
``lammps-dynmat``   the file of LAMMPS ``dynamical_matrix`` (+ data/dump files)
``ase``             any structure ASE reads + a named potential (extra ``ase``)
==================  ==========================================================
"""

from __future__ import annotations

from .base import THIRD_PARTY_REFERENCES, ZERO_TOLERANCE, AdapterError, spectrum_dataset, zero_mode_flags
from .lammps import LammpsStructure, read_lammps_data, read_lammps_dump
from .lammps_dynmat import read_dynmat_matrix, read_lammps_dynmat
from .netcdf import read_netcdf
from .npz import read_npz
from .registry import Adapter, adapter_names, get_adapter, guess_format, read, register_adapter
from .structures import POTENTIALS, configuration_from_atoms, read_structure
from .text import read_text


register_adapter(
    Adapter("netcdf", read_netcdf, (".nc", ".nc4", ".cdf", ".netcdf"), "VDOS-1.0 netCDF-4 (vdosbench's own files)"),
    replace=True,
)
register_adapter(
    Adapter("npz", read_npz, (".npz", ".npy"), "NumPy archive: eigenvalues or frequencies (+ optional arrays)"),
    replace=True,
)
register_adapter(
    Adapter("text", read_text, (".txt", ".dat", ".eig", ".eigenvalues"), "plain eigenvalue text"),
    replace=True,
)
register_adapter(
    Adapter(
        "lammps-dynmat",
        read_lammps_dynmat,
        (".dyn", ".dynmat", ".dyn.gz", ".dynmat.gz"),
        "LAMMPS dynamical_matrix output (text, gzip or binary), one file per sample",
        multi_file=True,
    ),
    replace=True,
)
register_adapter(
    Adapter(
        "ase",
        read_structure,
        (".xyz", ".extxyz", ".cif", ".vasp", ".poscar", ".pdb", ".traj", ".lmp", ".data"),
        "structures ASE reads + a named potential (soft_sphere, kob_andersen): our Hessian and spectrum",
        multi_file=True,
    ),
    replace=True,
)

__all__ = [
    "Adapter",
    "AdapterError",
    "LammpsStructure",
    "POTENTIALS",
    "THIRD_PARTY_REFERENCES",
    "ZERO_TOLERANCE",
    "adapter_names",
    "configuration_from_atoms",
    "get_adapter",
    "guess_format",
    "read",
    "read_dynmat_matrix",
    "read_lammps_data",
    "read_lammps_dump",
    "read_lammps_dynmat",
    "read_netcdf",
    "read_npz",
    "read_structure",
    "read_text",
    "register_adapter",
    "spectrum_dataset",
    "zero_mode_flags",
]
