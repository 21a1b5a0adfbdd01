"""Compile the glass generators' numba kernels once for the whole test run, split between two xdist workers.

The first glass a test builds compiles every kernel of the pipeline (about 80 CPU s on a clean clone, numba's
``cache=True`` then keeps them in ``__pycache__``); the next builds, of any generator, load them
(``speed/bench_compile.py``; 29 Nov 2026: soft_spheres cold 75 CPU s, then soft_spheres_lowest 0.7 s and
lennard_jones 0 s from the same cache).  Under ``pytest -n 2`` both workers used to compile the same kernels at
once.  Here they split the work by family, each under a lock of its own in the run's shared temporary folder:
one worker compiles the Monte Carlo loop while the other compiles the minimisers (FIRE, L-BFGS) and the Hessian,
then each takes the other family's lock and finds it in the cache.  With a warm cache both families load in a few
seconds.  The families are compiled through the package's own entry points with the types a recipe passes, so
what they cache is what the tests' glass builds load.
"""

from __future__ import annotations

import fcntl
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np

from vdosbench.generators import (
    MCSettings,
    build_in_memory,
    polydisperse_configuration,
    run_swap_mc,
    soft_sphere_potential,
)


def compile_monte_carlo() -> None:
    """Two sweeps of swap Monte Carlo on 64 soft spheres in 3D (the kernel a recipe's equilibration runs)."""
    rng = np.random.default_rng(0)
    start = polydisperse_configuration(64, 3, rng)
    settings = MCSettings(temperature=1.0, n_sweeps=2, record_every=1)
    run_swap_mc(start.positions, start.box_length, start.sizes, start.species, soft_sphere_potential(), settings, rng)


def compile_minimisers() -> None:
    """One soft-sphere glass of 64 particles at T* = ∞ (no Monte Carlo): FIRE, L-BFGS, the Hessian, the spectrum."""
    grid = {"taper_order": [2], "parent_temperature": [math.inf]}
    build_in_memory("soft_spheres", grid=grid, fixed={"n_particles": 64, "n_vectors": 2}, n_samples=1)


FAMILIES: dict[str, Callable[[], None]] = {"monte_carlo": compile_monte_carlo, "minimisers": compile_minimisers}


def warm_up(worker_index: int, folder: Path) -> None:
    """Compile (or load) both families, starting with family ``worker_index`` mod 2, each under its lock in
    ``folder`` (shared by the workers of one run)."""
    names = list(FAMILIES)
    for name in names[worker_index % 2 :] + names[: worker_index % 2]:
        with open(folder / f"numba-{name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            FAMILIES[name]()
