"""Compile the glass generators' numba kernels once for the whole test run, split between two xdist workers.

The first glass a test builds compiles every kernel of the pipeline (about 80 CPU s on a clean clone, numba's
``cache=True`` then keeps them in ``__pycache__``); the next builds, of any generator, load them
(``speed/bench_compile.py``; 29 Nov 2026: soft_spheres cold 75 CPU s, then soft_spheres_lowest 0.7 s and
lennard_jones 0 s from the same cache).  Under ``pytest -n 2`` both workers used to compile the same kernels at
once.  Here they split the work in three families, each under a lock of its own in the run's shared temporary
folder, so that both finish at about the same time:

- ``mc_moves`` (worker 0): the swap Monte Carlo kernel ``_mc_moves`` alone, the largest single compile (37 - 39
  CPU s), with the Verlet-list callees it shares with the helpers (``_gather``, ``_cells_within``, ``_cell_of``);
- ``minimisers`` (worker 1 first): FIRE, L-BFGS, the Hessian and the spectrum (30 - 36 CPU s);
- ``mc_helpers`` (worker 1 second): the kernels :func:`run_swap_mc`'s Python front end calls around the moves,
  ``_evaluate_many`` (the total energy), ``verlet_build_ordered``, ``_all_particle_energies`` (4 - 5 CPU s, their
  shared callees loaded from the cache).

Then each worker takes the other families' locks and loads them from the cache.  The moves need none of the
helpers compiled: ``mc_moves`` runs the front end with stand-ins for the compiled kernels (:class:`_StandIn`), so
every Python line still computes the arguments it passes, and compiles ``_mc_moves`` for their types without
running it; ``mc_helpers`` runs the helpers for real with a stand-in for the moves.  Before, worker 0 compiled
the helpers and then the moves (the Monte Carlo family, 45 - 56 CPU s) while worker 1 compiled the minimisers and
then waited 14 - 18 s for the Monte Carlo lock (a clean clone's free-core run of the suite: 47 s wall each,
47 and 30 CPU s); the pair-energy callees (``pair_terms`` …) were compiled by both.  Measured with two processes
started at once on one fresh cache, loaded machine (29 Nov 2026, ``speed/results/ci_runs.json`` key
``warm_up_families_stop75``, 4 runs each way): now 37 - 41 CPU s each, no wait over 1.5 s, no kernel compiled
by both; in two back-to-back pairs the warm-up took 46 and 50 s wall instead of 57 and 54 s.  The families are
compiled through the package's own entry points with the types a recipe passes, so what they cache is what the
tests' glass builds load: after the warm-up a soft-sphere glass at T* = 1 or T* = ∞ and the
``soft_spheres_lowest_small`` recipe compile nothing.
"""

from __future__ import annotations

import fcntl
import math
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from types import ModuleType
from unittest import mock

import numpy as np

from vdosbench.generators import (
    MCSettings,
    PairPotential,
    build_in_memory,
    polydisperse_configuration,
    run_swap_mc,
    soft_sphere_potential,
)

#: What each compiled kernel that :func:`run_swap_mc`'s front end calls returns when all went well: ``_mc_moves``
#: the index reached (any value >= 0: the batch is done, no list overflow), ``verlet_build_ordered`` its status
#: (0: built); the other two fill arrays they are given.
KERNEL_RETURNS: dict[str, object] = {
    "_evaluate_many": None,
    "verlet_build_ordered": 0,
    "_all_particle_energies": None,
    "_mc_moves": 0,
}


class _StandIn:
    """Takes a compiled kernel's place in a warm-up: returns what the kernel returns when all went well, without
    running it; with ``compile_it``, first compiles the kernel for the types of the call's arguments (as the call
    would: the dispatcher's own ``typeof_pyval``, then ``compile``; a warm cache makes that a load)."""

    def __init__(self, kernel: Callable[..., object], returns: object, compile_it: bool) -> None:
        self.kernel, self.returns, self.compile_it = kernel, returns, compile_it

    def __call__(self, *args: object) -> object:
        if self.compile_it:
            self.kernel.compile(tuple(self.kernel.typeof_pyval(a) for a in args))
        return self.returns


def _kernel_homes() -> dict[str, ModuleType]:
    """The module in whose namespace the front end looks each kernel of :data:`KERNEL_RETURNS` up."""
    montecarlo = sys.modules[run_swap_mc.__module__]
    return {
        "_evaluate_many": sys.modules[PairPotential.__module__],
        "verlet_build_ordered": sys.modules[montecarlo.VerletList.__module__],
        "_all_particle_energies": montecarlo,
        "_mc_moves": montecarlo,
    }


@contextmanager
def _stand_ins(names: tuple[str, ...], compiled: str | None = None) -> Iterator[None]:
    """Replace the kernels ``names`` by stand-ins for the duration; ``compiled`` (one of them) is compiled."""
    homes = _kernel_homes()
    with ExitStack() as stack:
        for name in names:
            kernel = getattr(homes[name], name)
            stack.enter_context(
                mock.patch.object(homes[name], name, _StandIn(kernel, KERNEL_RETURNS[name], name == compiled))
            )
        yield


def _swap_mc() -> None:
    """Two sweeps of swap Monte Carlo on 64 soft spheres in 3D (the path a recipe's equilibration runs)."""
    rng = np.random.default_rng(0)
    start = polydisperse_configuration(64, 3, rng)
    settings = MCSettings(temperature=1.0, n_sweeps=2, record_every=1)
    run_swap_mc(start.positions, start.box_length, start.sizes, start.species, soft_sphere_potential(), settings, rng)


def compile_mc_moves() -> None:
    """The Monte Carlo moves' kernel alone, for the argument types the front end passes it (helpers stood in)."""
    with _stand_ins(tuple(KERNEL_RETURNS), compiled="_mc_moves"):
        _swap_mc()


def compile_mc_helpers() -> None:
    """The kernels the Monte Carlo front end calls around the moves (the moves stood in, not compiled)."""
    with _stand_ins(("_mc_moves",)):
        _swap_mc()


def compile_minimisers() -> None:
    """One soft-sphere glass of 64 particles at T* = ∞ (no Monte Carlo): FIRE, L-BFGS, the Hessian, the spectrum."""
    grid = {"taper_order": [2], "parent_temperature": [math.inf]}
    build_in_memory("soft_spheres", grid=grid, fixed={"n_particles": 64, "n_vectors": 2}, n_samples=1)


FAMILIES: dict[str, Callable[[], None]] = {
    "mc_moves": compile_mc_moves,
    "minimisers": compile_minimisers,
    "mc_helpers": compile_mc_helpers,
}

#: The order in which worker ``i`` (``i`` mod 2) takes the families: worker 0 compiles the moves, worker 1 the
#: minimisers then the helpers (by then the moves have put the Verlet-list callees they share in the cache, so
#: nothing is compiled twice at once); then each loads the others' families in the order the other finishes them.
ORDERS: tuple[tuple[str, ...], tuple[str, ...]] = (
    ("mc_moves", "minimisers", "mc_helpers"),
    ("minimisers", "mc_helpers", "mc_moves"),
)


def warm_up(worker_index: int, folder: Path) -> None:
    """Compile (or load) every family in the order :data:`ORDERS` gives worker ``worker_index`` (mod 2), each under
    its lock in ``folder`` (shared by the workers of one run)."""
    for name in ORDERS[worker_index % 2]:
        with open(folder / f"numba-{name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            FAMILIES[name]()
