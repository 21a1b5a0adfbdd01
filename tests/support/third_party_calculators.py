"""Test helpers shared by the third-party tests: an ASE calculator for a vdosbench pair potential.

Imported by ``tests/generators/test_elastic_cross_code.py`` and ``tests/benchmark/test_jax_md.py`` after their
``pytest.importorskip`` of ASE and matscipy (this module imports both at the top).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from ase.calculators.calculator import Calculator, all_changes
from matscipy.neighbours import neighbour_list


class PairCalculator(Calculator):
    """An ASE calculator for a vdosbench pair potential: energy, forces and the virial stress (ASE's sign:
    positive in tension), on any periodic cell (pairs from matscipy's neighbour list, which ASE's own
    pure-NumPy list would take ~0.3 s per call for 128 atoms).  Diameters come from ``atoms.arrays["diameter"]``."""

    implemented_properties = ["energy", "forces", "stress"]

    def __init__(self, potential: Any) -> None:
        super().__init__()
        self.potential = potential

    def calculate(self, atoms: Any = None, properties: Any = ("energy",), system_changes: Any = all_changes) -> None:
        super().calculate(atoms, properties, system_changes)
        i, j, r, sep = neighbour_list("ijdD", self.atoms, self.potential.max_cutoff)  # every pair twice
        a = self.atoms.arrays["diameter"]
        phi, dphi, _ = self.potential.evaluate(r, a[i], a[j])
        pull = (dphi / r)[:, None] * sep  # on i from j: phi'(r) (r_j - r_i) / r
        forces = np.zeros((len(self.atoms), 3))
        np.add.at(forces, i, pull)
        virial = 0.5 * np.einsum("pa,pb->ab", sep, pull) / self.atoms.get_volume()
        self.results = {
            "energy": 0.5 * float(phi.sum()),
            "forces": forces,
            "stress": virial[[0, 1, 2, 1, 0, 0], [0, 1, 2, 2, 2, 1]],
        }


def finite_difference_hessian(atoms: Any, step: float = 1e-5) -> np.ndarray:
    """The (3N, 3N) Hessian of ``atoms`` by central differences of its calculator's forces (ASE's route,
    as ``ase.vibrations.Vibrations`` without its file cache), symmetrised."""
    n = len(atoms)
    hessian = np.empty((3 * n, 3 * n))
    start = atoms.get_positions()
    for k in range(3 * n):
        shifted = []
        for sign in (1, -1):
            moved = start.copy()
            moved[k // 3, k % 3] += sign * step
            atoms.set_positions(moved)
            shifted.append(atoms.get_forces().ravel())
        hessian[k] = -(shifted[0] - shifted[1]) / (2 * step)
    atoms.set_positions(start)
    return 0.5 * (hessian + hessian.T)
