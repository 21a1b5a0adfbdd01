"""Metropolis and swap Monte Carlo for tapered pair potentials.

Seed 001 (``001_d453c975fd50a4a2.txt``), Methods "Simulation details": the
liquid at the parent temperature T* is equilibrated by Monte Carlo in which
each attempted move is, with probability p_swap = 0.2, a *swap* of the
diameters of two particles, and otherwise a displacement of one particle by
a vector of fixed modulus |Δr| = 0.2 (uniformly random direction).  Both
proposals are symmetric (a displacement Δr and its reverse −Δr are equally
likely; a swap of i and j is its own reverse), so the Metropolis rule

    accept with probability min(1, exp(−ΔE / T))

samples the Boltzmann distribution exp(−V/T) of the positions and of the
assignment of diameters to positions, V = ½ Σ_{i≠j} φ(r_ij) (seed eq. 13).
The Lennard-Jones family swaps species instead of diameters.  p_swap = 0 is
plain Metropolis Monte Carlo, the dynamics used to measure T_d.

**Implementation.**  One sweep is N attempted moves.  All random numbers come
from the caller's :class:`numpy.random.Generator`, drawn in numpy batches
(particle, move type, partner, direction, and the Metropolis threshold
ΔE_max = −T ln u, u uniform on (0, 1]) and passed to a compiled (numba) loop,
so a run is reproducible from its seed.  Energy changes are computed locally:

- per-particle energy sums e_i = Σ_j φ_ij are kept up to date (refreshed
  from scratch every batch of moves), so a trial needs only the new energy
  of the moved particle (two particles for a swap);
- neighbours come from Verlet lists with a skin kept valid move by move
  (:mod:`vdosbench.generators.glasses.neighbors`): after an accepted move that
  leaves a particle farther than skin/2 − |Δr| from its list reference, that
  particle's list alone is renewed from a cell list of the references, so
  that every trial lies within skin/2 of the reference;
- lists are ordered nearly nearest first, and for potentials that are never
  negative (soft spheres) the trial energy is summed with an early exit as
  soon as ΔE exceeds ΔE_max: an exact rejection, not an approximation;
- soft-sphere swaps are first tested against a lower bound of the new
  energies from the size ratios alone (φ ∝ a^n at fixed r), which rejects
  most of them before any pair is evaluated (:func:`.mc_kernel._mc_moves`; additive
  pair sizes only: with a non-additivity ε > 0 every swap is evaluated);
- pairs beyond r_c cost a distance only, the energy helpers are inlined
  into the loop, an accepted swap takes its old terms from the distances
  of its trial sums, and an accepted displacement updates its neighbours'
  sums in the pass that computes its old terms;
- in d = 3 a displacement trial computes, from each neighbour's position
  it loads anyway, the distance to the particle's current position too
  (:func:`.mc_sums._trial_energy_3d`), so that an accepted displacement takes its
  old terms from those distances (:func:`.mc_sums._exchange_from_r2`) instead of a
  second pass over the neighbours' positions (issue 65 item 3: that pass
  was a third of the kernel's time at the 30 % step; 1.1× the moves/s of
  the T_d chains, ``speed/bench_mc_production.py``);
- large systems (issue 25 item 7: the working set leaves the per-core
  cache): the particles are stored inside the run in a space-filling-curve
  order of the cells (:attr:`MCSettings.locality`), so that a particle's
  neighbours lie near each other in memory; a drawn label is translated
  to its storage slot and the outputs are put back in label order; the
  Verlet table and cell arrays are 32-bit; and the data of the next
  move's particle(s), known from the batch, are prefetched while the
  current move computes.

None of these changes which random numbers are drawn, which terms are
summed or in which order (the cells are filled in label order at every
build of the lists, so each list holds the same particles in the same
order in either storage): for the same seed the chain (positions, sizes,
energy trace) is the same, bit for bit, as that of the plain loop (but
for a rounding edge case of probability ~10⁻¹⁶ per swap, see
:func:`.mc_kernel._mc_moves`); ``speed/bench_montecarlo.py --baseline-ref``
compares them, and ``tests/generators/test_montecarlo.py`` compares the two storage
orders.  The one setting that does change the arithmetic is
:attr:`MCSettings.refresh_sweeps` (64 by default; 0 refreshes every batch):
fewer fresh recomputations of the per-particle sums at N > 1024, so other
round-off in them.

The run keeps the energy as the sum of accepted ΔE; the trace records it
every ``record_every`` sweeps.

This module is the Python front end (settings, input checks, batches of
random numbers, the result); the compiled loop (``_mc_moves``) with its swap
pre-test and prefetch helpers is :mod:`.mc_kernel`, the pair-energy sums that
numba inlines into the loop are :mod:`.mc_sums` (written for it: whole 2-d
arrays and a row index, bit-for-bit the out-of-line arithmetic), the
neighbour lists it drives :mod:`.neighbors`.

References
----------
Seed ``001_d453c975fd50a4a2.txt``: eqs. (13)–(17) (the potential), Methods
"Simulation details" (MC-swap, p_swap = 0.2, |Δr| = 0.2, acceptance 30–60 %).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from .mc_kernel import _mc_moves
from .mc_sums import _all_particle_energies
from .neighbors import cell_grid, neighbor_pairs, spatial_order, wrap_positions
from .potentials import KIND_SOFT_SPHERE, PairPotential
from .verlet_lists import VerletList

__all__ = ["MCResult", "MCSettings", "run_swap_mc", "total_energy"]

#: Attempted moves per compiled call (the random numbers of one batch).
BATCH_MOVES = 1 << 16
#: Storage orders of the particles inside :func:`run_swap_mc` (:attr:`MCSettings.locality`).
LOCALITIES = ("labels", "cells")


@dataclass(frozen=True)
class MCSettings:
    """Settings of a Metropolis (+ swap) Monte Carlo run.

    Attributes
    ----------
    temperature
        T (energy units, k_B = 1), > 0.
    n_sweeps
        Number of sweeps; one sweep is N attempted moves.
    step
        |Δr|, the fixed length of a displacement (length units; seed 001: 0.2).
    p_swap
        Probability that an attempted move is a swap of two random particles'
        diameters (soft spheres) or species (Lennard-Jones); seed 001: 0.2.
        0 gives plain Metropolis Monte Carlo.
    skin
        Verlet skin (length units).  A particle's list is renewed when an
        accepted move leaves it farther than skin/2 − |Δr| from its list
        reference, so that every trial stays within skin/2; with skin ≤ 2 |Δr|
        trials beyond skin/2 are evaluated from the cell list instead (slow).
        0.5 is about the fastest at |Δr| = 0.2 and density 1
        (``speed/bench_montecarlo.py``).
    record_every
        Sweeps between records of the energy trace.
    locality
        How the run stores the particles internally.  ``"cells"`` (default):
        sorted along a Morton (Z-order) curve of the Verlet cells, so that a
        particle's neighbours lie near each other in memory (issue 25 item
        7: at N = 16000 the kernel's working set no longer fits a core's
        cache).  ``"labels"``: in the caller's label order.  Both give the
        same chain bit for bit: the same random numbers pick the same
        particle (a label is translated to its storage slot), each
        neighbour list holds the same particles in the same order (the
        cells are filled in label order at every build), so every sum has
        the same terms in the same order; the outputs come back in label
        order.  Boxes too small for a cell grid (all-pairs lists) are always
        stored in label order.
    refresh_sweeps
        The per-particle energy sums, updated move by move, are recomputed
        from scratch at the first batch of ``BATCH_MOVES`` = 65536 moves
        after at least this many sweeps since the last recomputation (64, the
        default), or at the start of every batch (0, the behaviour before
        issue 25 item 7).  A recomputation costs about one sweep's worth of
        pair terms without early exits; once per batch that is about 1 % of
        the run time at N = 1000 but about 10 % at N = 16000
        (``speed/bench_finite_size.py``).  64 keeps the cost per move at that
        of N ≈ 1000 at every N and leaves the chain of every N ≤ 1024 as it
        is with 0, bit for bit (a batch is then ≥ 64 sweeps).  At larger N
        a value > 0 changes the chain against 0 by round-off only: the
        same random numbers, the same proposals, the same terms in the same
        order in every trial sum, but the incremental sums carry their
        round-off longer (~10⁻¹⁵ relative), so the energy trace differs in
        the last digits and an accept/reject decision could differ only
        where ΔE lies within that round-off of its threshold (tested:
        identical decisions, positions and acceptance, trace within 10⁻¹⁰).
    """

    temperature: float
    n_sweeps: int
    step: float = 0.2
    p_swap: float = 0.2
    skin: float = 0.5
    record_every: int = 10
    locality: str = "cells"
    refresh_sweeps: float = 64.0

    def __post_init__(self) -> None:
        if not self.temperature > 0:
            raise ValueError(f"temperature is {self.temperature}; expected T > 0")
        if self.n_sweeps < 0:
            raise ValueError(f"n_sweeps is {self.n_sweeps}; expected a non-negative integer")
        if not 0.0 <= self.p_swap <= 1.0:
            raise ValueError(f"p_swap is {self.p_swap}; expected a probability in [0, 1]")
        if not self.step >= 0 or not self.skin >= 0:
            raise ValueError(f"step = {self.step}, skin = {self.skin}; expected non-negative lengths")
        if self.record_every < 1:
            raise ValueError(f"record_every is {self.record_every}; expected a positive number of sweeps")
        if not self.refresh_sweeps >= 0:
            raise ValueError(f"refresh_sweeps is {self.refresh_sweeps}; expected a non-negative number of sweeps")
        if self.locality not in LOCALITIES:
            raise ValueError(f"locality is {self.locality!r}; expected one of {', '.join(map(repr, LOCALITIES))}")


@dataclass(frozen=True)
class MCResult:
    """Outcome of :func:`run_swap_mc`.

    Attributes
    ----------
    positions
        (N, d) final positions, wrapped into [0, L) (length units).
    sizes
        (N,) final diameters a_i (swaps permute them over the positions).
    species
        (N,) int final species (permuted by Lennard-Jones swaps).
    energy_trace
        (n_records,) potential energy per particle V/N at the recorded sweeps
        (the running sum of accepted ΔE; energy units).
    trace_sweeps
        (n_records,) int sweep numbers of the records: 0, ``record_every``,
        2 ``record_every``…, and ``n_sweeps``.
    acceptance_displacement, acceptance_swap
        Accepted / attempted displacements and swaps; NaN when none was
        attempted.
    n_attempted
        Attempted moves, N × ``n_sweeps``.
    wall_seconds
        Wall-clock time of the run.
    displacement
        (N, d) unwrapped displacement of each particle over the run (sum of
        its accepted moves; length units), for dynamics.
    neighbor_updates
        Local Verlet-list renewals plus full builds (diagnostic).
    scan_trials
        Trial displacements beyond skin/2 from the list reference, evaluated
        from the cell list instead of the Verlet list (diagnostic).
    """

    positions: np.ndarray
    sizes: np.ndarray
    species: np.ndarray
    energy_trace: np.ndarray
    trace_sweeps: np.ndarray
    acceptance_displacement: float
    acceptance_swap: float
    n_attempted: int
    wall_seconds: float
    displacement: np.ndarray | None = None
    neighbor_updates: int = 0
    scan_trials: int = 0


# --------------------------------------------------------------------------- Python front end
def _tables(potential: PairPotential) -> np.ndarray:
    """(5, n_species, n_species): σ², ε, r_c², 1/r_c², non-additivity for the compiled pair energy."""
    rc2 = potential.cutoff**2
    eps = np.full_like(rc2, potential.non_additivity)
    return np.ascontiguousarray(np.stack([potential.sigma**2, potential.epsilon, rc2, 1.0 / rc2, eps]), dtype=float)


def _check_inputs(
    positions: np.ndarray, box_length: float, sizes: np.ndarray, species: np.ndarray, potential: PairPotential
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    positions = np.asarray(positions, dtype=float)
    if positions.ndim != 2 or positions.shape[1] not in (2, 3):
        raise ValueError(f"positions have shape {positions.shape}; expected (N, d) with d = 2 or 3")
    n = positions.shape[0]
    sizes = np.ascontiguousarray(sizes, dtype=float).copy()
    species = np.ascontiguousarray(species, dtype=np.int64).copy()
    if sizes.shape != (n,) or species.shape != (n,):
        raise ValueError(
            f"sizes {sizes.shape} and species {species.shape} must both have shape ({n},), one entry per particle"
        )
    n_species = potential.sigma.shape[0]
    if potential.kind != KIND_SOFT_SPHERE and (species.min(initial=0) < 0 or species.max(initial=0) >= n_species):
        raise ValueError(f"species must lie in 0..{n_species - 1} for the {potential.name} tables")
    if not np.all(np.isfinite(positions)):
        raise ValueError("positions contain NaN or infinite values")
    potential.check_sizes(sizes)
    return np.ascontiguousarray(wrap_positions(positions, box_length)), sizes, species


def total_energy(
    positions: np.ndarray, box_length: float, sizes: np.ndarray, species: np.ndarray, potential: PairPotential
) -> float:
    """Total potential energy V = ½ Σ_{i≠j} φ(r_ij) (seed 001 eq. 13), computed from scratch.

    Pairs come from a cell list (:func:`neighbors.neighbor_pairs`) and φ from
    :meth:`PairPotential.evaluate`, independently of the Monte Carlo kernel.

    Parameters
    ----------
    positions
        (N, d) positions (length units), folded into the box.
    box_length
        L (≥ 2 r_c).
    sizes
        (N,) diameters a_i (used by soft spheres).
    species
        (N,) int species (used by Lennard-Jones).
    potential
        The pair potential.

    Returns
    -------
    float
        V (energy units; divide by N for the per-particle trace).

    Examples
    --------
    >>> from vdosbench.generators.glasses.potentials import soft_sphere_potential
    >>> x = np.array([[0.0, 0.0], [1.0, 0.0]])
    >>> v = total_energy(x, 5.0, np.ones(2), np.zeros(2, int), soft_sphere_potential(taper_order=2))
    >>> round(v, 6)  # φ(1) = (1 − 1.955^−12) (1 − 1.955^−2)^2
    0.544999
    """
    positions, sizes, species = _check_inputs(positions, box_length, sizes, species, potential)
    i, j = neighbor_pairs(positions, box_length, potential.max_cutoff)
    dr = positions[j] - positions[i]
    dr -= box_length * np.round(dr / box_length)
    r = np.sqrt(np.einsum("pk,pk->p", dr, dr))
    phi, _, _ = potential.evaluate(r, sizes[i], sizes[j], species[i], species[j])
    return float(phi.sum())


def _draw_batch(
    rng: np.random.Generator, n_moves: int, n: int, dim: int, settings: MCSettings
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Random numbers of ``n_moves`` attempted moves, in a fixed order (reproducible from the seed)."""
    particle = rng.integers(0, n, size=n_moves)
    if settings.p_swap > 0.0 and n > 1:
        is_swap = rng.random(n_moves) < settings.p_swap
        partner = rng.integers(0, n - 1, size=n_moves)
        partner += partner >= particle  # uniform over j ≠ i
    else:
        is_swap = np.zeros(n_moves, dtype=np.bool_)
        partner = particle
    direction = rng.standard_normal((n_moves, dim))
    norm = np.sqrt(np.einsum("mk,mk->m", direction, direction))
    norm[norm == 0.0] = 1.0  # probability zero; the move then is a null move
    direction /= norm[:, None]
    threshold = -settings.temperature * np.log1p(-rng.random(n_moves))  # −T ln u, u = 1 − U ∈ (0, 1]
    return particle, partner, is_swap, direction, threshold


def run_swap_mc(
    positions: np.ndarray,
    box_length: float,
    sizes: np.ndarray,
    species: np.ndarray,
    potential: PairPotential,
    settings: MCSettings,
    rng: np.random.Generator,
) -> MCResult:
    """Metropolis Monte Carlo with displacement and swap moves at temperature T.

    Parameters
    ----------
    positions
        (N, d) initial positions (length units), d = 2 or 3; not modified.
    box_length
        L of the periodic cubic/square box (≥ 2 r_c).
    sizes
        (N,) diameters a_i (soft spheres; any values for Lennard-Jones).
    species
        (N,) int species (Lennard-Jones; zeros for soft spheres).
    potential
        The pair potential (:func:`potentials.soft_sphere_potential`,
        :func:`potentials.kob_andersen_potential`…).
    settings
        Temperature, sweeps, |Δr|, p_swap, skin, record interval, storage
        order, refresh interval of the per-particle sums.
    rng
        The only source of randomness; the same seed gives the same run.

    Returns
    -------
    MCResult

    References
    ----------
    Seed ``001_d453c975fd50a4a2.txt``, Methods "Simulation details" (MC-swap
    with p_swap = 0.2 and |Δr| = 0.2).

    Examples
    --------
    >>> from vdosbench.generators.glasses.potentials import soft_sphere_potential
    >>> rng = np.random.default_rng(1)
    >>> grid = np.stack(np.meshgrid(*[np.arange(5.0)] * 2, indexing="ij"), -1).reshape(-1, 2)
    >>> res = run_swap_mc(grid, 5.0, rng.uniform(0.8, 1.2, 25), np.zeros(25, int),
    ...                   soft_sphere_potential(), MCSettings(temperature=0.5, n_sweeps=20), rng)
    >>> res.n_attempted, res.trace_sweeps.tolist(), 0 < res.acceptance_displacement < 1
    (500, [0, 10, 20], True)
    """
    t_start = time.perf_counter()
    pos, sizes, species = _check_inputs(positions, box_length, sizes, species, potential)
    n, dim = pos.shape
    energy = np.array([total_energy(pos, box_length, sizes, species, potential)])
    n_side, _ = cell_grid(box_length, potential.max_cutoff + settings.skin)
    inverse = None
    fill_order = None
    if settings.locality == "cells" and n_side > 0:
        # store particle order[s] in slot s (spatially sorted); label l lives in slot inverse[l]
        order = spatial_order(pos, box_length, n_side)
        inverse = np.empty_like(order)
        inverse[order] = np.arange(n)
        pos, sizes, species = pos[order], sizes[order], species[order]
        fill_order = inverse  # the cells are filled in label order: the same lists, translated
    vl = VerletList.build(pos, box_length, potential.max_cutoff, settings.skin, fill_order=fill_order)
    tables = _tables(potential)
    nonnegative = potential.kind == KIND_SOFT_SPHERE
    disp = np.zeros_like(pos)
    stats = np.zeros(7, dtype=np.int64)
    mark = np.zeros(n, dtype=np.int8)
    scratch = np.empty((1, n), dtype=np.int64)
    work = np.empty((3, max(n, 17)), dtype=np.int64)  # list renewal: buckets, reordering, counts
    size_min, size_max = (float(sizes.min()), float(sizes.max())) if n else (0.0, 0.0)  # swaps only permute
    pe = np.zeros(n)
    phi_a = np.empty(n)
    phi_b = np.empty(n)
    phi_scratch = np.empty(n)
    total_moves = settings.n_sweeps * n
    record_moves = settings.record_every * n
    n_records = settings.n_sweeps // settings.record_every
    trace = np.full(n_records + 1, np.nan)
    trace[0] = energy[0] / n
    done = 0
    refresh_moves = settings.refresh_sweeps * n
    since_fresh = 0  # moves attempted since the last fresh per-particle sums
    bound = np.zeros(1)  # the largest term or sum seen since then (the drift bound of the swap pre-test)
    while done < total_moves:
        n_batch = min(BATCH_MOVES, total_moves - done)
        batch = _draw_batch(rng, n_batch, n, dim, settings)
        if inverse is not None:
            batch = (inverse[batch[0]], inverse[batch[1]], *batch[2:])
        start = 0
        # fresh per-particle sums (bounding their round-off drift) at the first batch, then at the first batch
        # after ``refresh_sweeps`` sweeps (every batch when it is 0), and after every rebuild of the lists
        fresh = done == 0 or since_fresh >= refresh_moves
        while True:
            if fresh:
                _all_particle_energies(
                    pos,
                    sizes,
                    species,
                    box_length,
                    potential.kind,
                    potential.exponent,
                    potential.taper_order,
                    tables,
                    vl.neighbors,
                    vl.counts,
                    pe,
                    phi_scratch,
                )
                since_fresh = 0
                bound[0] = 0.0
            reached = _mc_moves(
                start,
                *batch,
                settings.step,
                settings.skin,
                pos,
                disp,
                sizes,
                species,
                box_length,
                potential.kind,
                potential.exponent,
                potential.taper_order,
                tables,
                nonnegative,
                size_min,
                size_max,
                vl.list_range,
                vl.n_side,
                vl.reach,
                vl.ref,
                vl.neighbors,
                vl.counts,
                vl.cell_members,
                vl.cell_count,
                vl.cell_of,
                vl.slot,
                mark,
                scratch,
                work,
                pe,
                phi_a,
                phi_b,
                stats,
                energy,
                done,
                record_moves,
                trace,
                since_fresh,
                bound,
            )
            if reached >= 0:
                break
            start = -reached
            vl.grow(n)
            vl.rebuild(pos)
            fresh = True
        since_fresh += n_batch - start
        done += n_batch
    trace_sweeps = np.arange(n_records + 1, dtype=np.int64) * settings.record_every
    if settings.n_sweeps % settings.record_every:
        trace = np.append(trace, energy[0] / n)
        trace_sweeps = np.append(trace_sweeps, settings.n_sweeps)
    n_disp, acc_disp, n_swap, acc_swap, n_local, n_scan = (int(v) for v in stats[:6])
    if inverse is not None:
        pos, sizes, species, disp = pos[inverse], sizes[inverse], species[inverse], disp[inverse]
    return MCResult(
        positions=pos,
        sizes=sizes,
        species=species,
        energy_trace=trace,
        trace_sweeps=trace_sweeps,
        acceptance_displacement=acc_disp / n_disp if n_disp else float("nan"),
        acceptance_swap=acc_swap / n_swap if n_swap else float("nan"),
        n_attempted=n_disp + n_swap,
        wall_seconds=time.perf_counter() - t_start,
        displacement=disp,
        neighbor_updates=n_local + vl.n_builds,
        scan_trials=n_scan,
    )
