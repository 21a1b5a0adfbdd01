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
  most of them before any pair is evaluated (:func:`_mc_moves`; additive
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
:func:`_mc_moves`); ``speed/bench_montecarlo.py --baseline-ref``
compares them, and ``tests/generators/test_montecarlo.py`` compares the two storage
orders.  The one setting that does change the arithmetic is
:attr:`MCSettings.refresh_sweeps` (64 by default; 0 refreshes every batch):
fewer fresh recomputations of the per-particle sums at N > 1024, so other
round-off in them.

The run keeps the energy as the sum of accepted ΔE; the trace records it
every ``record_every`` sweeps.

Why one module of about 800 lines: the compiled loop (``_mc_moves``), its
swap pre-test and prefetch helpers and the front end are one piece; the
pair-energy sums that numba inlines into the loop are :mod:`.mc_sums`
(written for it: whole 2-d arrays and a row index, bit-for-bit the
out-of-line arithmetic), the neighbour lists it drives :mod:`.neighbors`.

References
----------
Seed ``001_d453c975fd50a4a2.txt``: eqs. (13)–(17) (the potential), Methods
"Simulation details" (MC-swap, p_swap = 0.2, |Δr| = 0.2, acceptance 30–60 %).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

from .neighbors import (
    OVERFLOW,
    VerletList,
    _gather,
    _image,
    _update_particle,
    cell_grid,
    neighbor_pairs,
    spatial_order,
    wrap_positions,
)
from .mc_sums import (
    _all_particle_energies,
    _exchange_from_r2,
    _exchange_terms,
    _pair_energy,
    _particle_energy,
    _terms_from_r2,
    _trial_energy_3d,
)
from .potentials import KIND_SOFT_SPHERE, PairPotential

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


# --------------------------------------------------------------------------- swap pre-rejection
#: Unit round-off of float64 (2^-53) with a factor 2 to spare, for the error bounds of the swap pre-test.
_ROUND = 2.0**-52


@njit(cache=True, error_model="numpy", inline="always")
def _size_ratio_power(numerator: float, denominator: float, exponent: int) -> float:  # pragma: no cover
    """(numerator / denominator)^n for the soft-sphere exponent n (12 by repeated squaring)."""
    rho = numerator / denominator
    if exponent == 12:
        r2 = rho * rho
        r6 = r2 * r2 * r2
        return r6 * r6
    return rho**exponent


# --------------------------------------------------------------------------- prefetch
@intrinsic
def _prefetch(typingctx, array, index):  # type: ignore[no-untyped-def]  # pragma: no cover - compiled
    """Hint the CPU to load the cache line of ``array[index]`` (1-d) or ``array[index, 0]`` (2-d).

    LLVM's ``llvm.prefetch`` (read, keep in all cache levels): a hint only,
    it reads nothing into the program, changes no value and cannot fault.
    Numba has no prefetch of its own; this is the one numba-level extension
    of the kernel.
    """
    if not isinstance(array, types.Array) or not isinstance(index, types.Integer):
        return None

    def codegen(context, builder, signature, args):  # type: ignore[no-untyped-def]
        array_type = signature.args[0]
        ary = context.make_array(array_type)(context, builder, args[0])
        index = context.cast(builder, args[1], signature.args[1], types.intp)
        indices = [index] + [context.get_constant(types.intp, 0)] * (array_type.ndim - 1)
        ptr = cgutils.get_item_pointer(context, builder, array_type, ary, indices, wraparound=False)
        i8p = ir.IntType(8).as_pointer()
        i32 = ir.IntType(32)
        signature_ir = ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32])
        fn = builder.module.declare_intrinsic("llvm.prefetch", [i8p], signature_ir)
        builder.call(fn, [builder.bitcast(ptr, i8p), i32(0), i32(3), i32(1)])  # read, keep in all caches, data
        return context.get_dummy_value()

    return types.void(array, index), codegen


@njit(cache=True, inline="always")
def _prefetch_particle(
    i: int, pos: np.ndarray, ref: np.ndarray, pe: np.ndarray, sizes: np.ndarray, species: np.ndarray,
    nn: np.ndarray, nbr: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """Prefetch what a move of particle i reads first: position, reference, energy, size, species, list row."""
    _prefetch(pos, i)
    _prefetch(ref, i)
    _prefetch(pe, i)
    _prefetch(sizes, i)
    _prefetch(species, i)
    _prefetch(nn, i)
    _prefetch(nbr, i)


# --------------------------------------------------------------------------- the compiled loop
@njit(cache=True, error_model="numpy")
def _mc_moves(
    start: int, particle: np.ndarray, partner: np.ndarray, is_swap: np.ndarray, direction: np.ndarray,
    threshold: np.ndarray, step: float, skin: float, pos: np.ndarray, disp: np.ndarray, sizes: np.ndarray,
    species: np.ndarray, box_length: float, kind: int, exponent: int, order: int, tables: np.ndarray,
    nonnegative: bool, size_min: float, size_max: float, list_range: float, n_side: int, reach: int,
    ref: np.ndarray,
    nbr: np.ndarray, nn: np.ndarray, cell_members: np.ndarray, cell_count: np.ndarray, cell_of: np.ndarray,
    slot: np.ndarray, mark: np.ndarray, scratch: np.ndarray, work: np.ndarray, pe: np.ndarray, phi_a: np.ndarray,
    phi_b: np.ndarray, stats: np.ndarray, energy: np.ndarray, move_offset: int,
    record_moves: int, trace: np.ndarray, since_fresh: int, bound: np.ndarray,
) -> int:  # pragma: no cover - compiled
    """Attempt moves ``start``… of a batch; return the index reached (batch length when done).

    ``pe`` holds the per-particle energy sums pe_i = Σ_j φ_ij, recomputed
    from scratch ``since_fresh`` moves before ``start`` (0: fresh on entry)
    and kept up to date, so a trial needs only the new energy of the moved
    particle(s); ``bound[0]`` is the largest term or sum seen since that
    recomputation (0.0 right after it; updated on return), for the round-off
    bound of the swap pre-test below.  ``stats`` accumulates [displacements
    tried, accepted, swaps tried, accepted, local list renewals, far trials,
    swaps rejected by the size-ratio bound]; ``energy[0]`` the running V, written
    to ``trace[g // record_moves]`` (as V/N) after every global move g =
    ``move_offset`` + k + 1 that is a multiple of ``record_moves``.
    ``scratch`` is (1, N) int64 and ``work`` (3, N + 1) int64 scratch of the
    list renewal.  Returns early, after completing move k, with ``-(k + 1)``
    when a list renewal found a full list: the caller grows the lists,
    rebuilds, and resumes at k + 1.

    **Swap pre-rejection (soft spheres).**  φ(r; a) = ε a^n (r^−n − r_c^−n)
    × taper(r) is a^n times a function of r alone, so when i's diameter
    s_i becomes s_j each of its terms is multiplied by
    ((s_j + s_k)/(s_i + s_k))^n, which lies between the values at the
    smallest and the largest diameter s_k present (diameters are only
    permuted, so both are fixed).  With every φ ≥ 0 this bounds the new
    sums from below by the current ones, e_i' ≥ g_i (pe_i − φ_ij), before
    any pair is evaluated.  A swap is rejected early only when the bound
    exceeds the Metropolis threshold by more than a bound on all round-off
    (of pe's incremental updates since the fresh sums, of the sums
    themselves, and of the test), so it rejects only swaps that the plain
    evaluation rejects too; every other swap is evaluated exactly as
    before (same terms, same order), so the chain is unchanged, bit for bit.
    (One exception, of probability ~10⁻¹⁶ per swap: the plain evaluation
    stops j's sum at the first partial sum above the stop and accepts when
    the rounded ΔE of that partial sum is still ≤ the threshold, which
    needs the partial sum within a rounding error of the stop; such a swap
    is rejected here, as exact arithmetic would.)
    """
    n_moves = particle.shape[0]
    dim = pos.shape[1]
    half = 0.5 * box_length
    limit2 = 0.25 * skin * skin
    renew = max(0.0, 0.5 * skin - step)
    renew2 = renew * renew
    range2 = list_range * list_range
    trial = np.empty((1, dim))
    stencil = np.empty(5**dim, dtype=np.int64)
    dist2 = np.empty(pos.shape[0])
    r2_a = np.empty(pos.shape[0])  # squared distances of the swap trial sums, reused if the swap is accepted
    r2_b = np.empty(pos.shape[0])
    inf = np.inf
    n_particles = pos.shape[0]
    # the size-ratio bound holds for additive pair sizes only (a_ij ∝ a_i + a_j); non-additive swaps are all
    # evaluated exactly
    prefilter = nonnegative and kind == KIND_SOFT_SPHERE and tables[4, 0, 0] == 0.0
    # e_max bounds every pair term and every per-particle sum's terms seen since the fresh sums (φ ≥ 0: a term
    # is at most the sum it belongs to); drift bounds |pe_k − Σ_l φ_kl|: at most two updates per move, each
    # rounding by ≤ ε (capacity + 2) e_max, plus the fresh sum's own round-off.
    e_max = bound[0]
    for p in range(n_particles):
        e_max = max(e_max, pe[p])
    drift_scale = 4.0 * _ROUND * (nbr.shape[1] + 4) * (2.0 * (n_moves - start + since_fresh) + nbr.shape[1] + 4)
    drift = drift_scale * e_max
    next_record = (move_offset + start + record_moves - 1) // record_moves * record_moves
    for k in range(start, n_moves):
        g = move_offset + k  # moves completed so far (rewriting a record is harmless: V has not changed)
        if g == next_record:
            trace[g // record_moves] = energy[0] / n_particles
            next_record += record_moves
        if k + 1 < n_moves:
            # the next move's particle(s) are known: start loading their data while this move computes
            _prefetch_particle(particle[k + 1], pos, ref, pe, sizes, species, nn, nbr)
            if is_swap[k + 1]:
                _prefetch_particle(partner[k + 1], pos, ref, pe, sizes, species, nn, nbr)
        i = particle[k]
        thr = threshold[k]
        if is_swap[k]:
            # ---- swap the diameters (species) of i and j; φ_ij itself is unchanged
            j = partner[k]
            stats[2] += 1
            if sizes[i] == sizes[j] and species[i] == species[j]:
                stats[3] += 1
                continue
            if sizes[i] > sizes[j]:
                # relabel so that i receives the larger diameter: its energy rises most, and is summed
                # first, so that a rejection is found early (the proposal is symmetric in i and j)
                i, j = j, i
            r2 = 0.0
            for a in range(dim):
                dx = _image(pos[j, a] - pos[i, a], box_length, half)
                r2 += dx * dx
            phi_ij = _pair_energy(r2, sizes[i], sizes[j], species[i], species[j], kind, exponent, order,
                                  tables)
            e_old = pe[i] + pe[j] - 2.0 * phi_ij
            stop = e_old + thr if nonnegative else inf
            s_i = sizes[i]
            t_i = species[i]
            s_j = sizes[j]
            t_j = species[j]
            stop_i = stop
            if prefilter:
                # lower bounds of the new sums: i's terms grow at least by g_i, j's shrink at most to g_j
                g_i = _size_ratio_power(s_j + size_max, s_i + size_max, exponent)
                g_j = _size_ratio_power(s_i + size_min, s_j + size_min, exponent)
                rest_i = pe[i] - phi_ij
                rest_j = pe[j] - phi_ij
                low_i = g_i * rest_i
                low_j = g_j * rest_j
                slack = (1.0 + g_i + g_j) * 2.0 * drift + 1e-9 * (abs(stop) + low_i + low_j + abs(e_old))
                if low_i + low_j - slack > stop:
                    stats[6] += 1
                    continue
                # i's exact sum may stop as soon as it rules out acceptance together with j's bound
                stop_i = min(stop, stop - (low_j - slack))
            e_new = _particle_energy(pos, i, s_j, t_j, j, nbr, i, nn[i], pos, sizes, species, box_length,
                                     kind, exponent, order, tables, stop_i, phi_a, True, r2_a)
            if e_new > stop_i:
                continue
            # j's own partner i still carries size s_i in ``sizes``: skipped
            e_new_j = _particle_energy(pos, j, s_i, t_i, i, nbr, j, nn[j], pos, sizes, species, box_length,
                                       kind, exponent, order, tables, stop - e_new, phi_b, True, r2_b)
            d_e = e_new + e_new_j - e_old
            if not d_e <= thr:
                continue
            stats[3] += 1
            energy[0] += d_e
            # neighbours' sums: φ(new) − φ(old), the old terms with the old sizes
            # (from the distances kept by the trial sums: the same r², so the same old terms)
            old_i = _terms_from_r2(r2_a, s_i, t_i, j, nbr, i, nn[i], sizes, species, kind, exponent, order, tables,
                                   phi_a, pe)
            old_j = _terms_from_r2(r2_b, s_j, t_j, i, nbr, j, nn[j], sizes, species, kind, exponent, order, tables,
                                   phi_b, pe)
            pe[i] = e_new + phi_ij
            pe[j] = e_new_j + phi_ij
            sizes[i] = s_j
            sizes[j] = s_i
            species[i] = t_j
            species[j] = t_i
            e_max = max(e_max, pe[i], pe[j], old_i + phi_ij, old_j + phi_ij)
            drift = drift_scale * e_max
            continue
        # ---- displacement of fixed length ``step`` along the unit vector direction[k]
        stats[0] += 1
        far2 = 0.0
        for a in range(dim):
            x = pos[i, a] + step * direction[k, a]
            if x >= box_length:
                x -= box_length
            elif x < 0.0:
                x += box_length
            if x >= box_length:  # x was −tiny: x + L rounds to L
                x = 0.0
            trial[0, a] = x
            dr = _image(x - ref[i, a], box_length, half)
            far2 += dr * dr
        e_old = pe[i]
        stop = e_old + thr if nonnegative else inf
        far = far2 > limit2
        if far:
            stats[5] += 1
            n_cand = _gather(trial[0], i, ref, box_length, range2, n_side, reach, cell_members, cell_count,
                             stencil, scratch[0], dist2)
            e_new = _particle_energy(trial, 0, sizes[i], species[i], -1, scratch, 0, n_cand, pos, sizes, species,
                                     box_length, kind, exponent, order, tables, stop, phi_a, False, r2_a)
        elif dim == 3:
            n_cand = 0
            e_new = _trial_energy_3d(trial, i, sizes[i], species[i], nbr, nn[i], pos, sizes, species, box_length,
                                     kind, exponent, order, tables, stop, phi_a, r2_b)
        else:
            n_cand = 0
            e_new = _particle_energy(trial, 0, sizes[i], species[i], -1, nbr, i, nn[i], pos, sizes, species,
                                     box_length, kind, exponent, order, tables, stop, phi_a, False, r2_a)
        d_e = e_new - e_old
        if not d_e <= thr:
            continue
        stats[1] += 1
        energy[0] += d_e
        # neighbours' sums: subtract the old pair terms, add the new ones
        if far:
            old_i = _particle_energy(pos, i, sizes[i], species[i], -1, nbr, i, nn[i], pos, sizes, species,
                                     box_length, kind, exponent, order, tables, inf, phi_b, False, r2_a)
            for m in range(nn[i]):
                pe[nbr[i, m]] -= phi_b[m]
            for m in range(n_cand):
                pe[scratch[0, m]] += phi_a[m]
        else:
            # one pass: each listed neighbour appears once, so subtracting its old term and adding its new one
            # in turn rounds exactly as the two passes over the list did
            if dim == 3:
                old_i = _exchange_from_r2(r2_b, sizes[i], species[i], nbr, i, nn[i], sizes, species, kind, exponent,
                                          order, tables, phi_a, pe)
            else:
                old_i = _exchange_terms(pos, i, nbr, nn[i], sizes, species, box_length, kind, exponent, order,
                                        tables, phi_a, pe)
        pe[i] = e_new
        e_max = max(e_max, e_new, old_i)
        drift = drift_scale * e_max
        for a in range(dim):
            disp[i, a] += step * direction[k, a]
            pos[i, a] = trial[0, a]
        if not far:
            # renew i's list now if its next trial (|Δr| = step) could leave the skin sphere
            far2 = 0.0
            for a in range(dim):
                dr = _image(trial[0, a] - ref[i, a], box_length, half)
                far2 += dr * dr
            if far2 > renew2:
                n_cand = _gather(trial[0], i, ref, box_length, range2, n_side, reach, cell_members, cell_count,
                                 stencil, scratch[0], dist2)
                far = True
        if far:
            stats[4] += 1
            status = _update_particle(i, trial[0], scratch[0], dist2, n_cand, list_range, box_length, n_side, ref,
                                      nbr, nn, cell_members, cell_count, cell_of, slot, mark, work)
            if status == OVERFLOW:
                bound[0] = e_max
                return -(k + 1)
    g = move_offset + n_moves
    if g % record_moves == 0:
        trace[g // record_moves] = energy[0] / n_particles
    bound[0] = e_max
    return n_moves


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
                _all_particle_energies(pos, sizes, species, box_length, potential.kind, potential.exponent,
                                       potential.taper_order, tables, vl.neighbors, vl.counts, pe, phi_scratch)
                since_fresh = 0
                bound[0] = 0.0
            reached = _mc_moves(
                start, *batch, settings.step, settings.skin, pos, disp, sizes, species, box_length,
                potential.kind, potential.exponent, potential.taper_order, tables, nonnegative, size_min, size_max,
                vl.list_range, vl.n_side, vl.reach, vl.ref, vl.neighbors, vl.counts, vl.cell_members, vl.cell_count,
                vl.cell_of, vl.slot, mark, scratch, work, pe, phi_a, phi_b, stats, energy, done,
                record_moves, trace, since_fresh, bound,
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
