"""The compiled Monte Carlo loop of :mod:`.montecarlo`: ``_mc_moves`` and its swap pre-test and prefetch helpers.

:func:`vdosbench.generators.glasses.montecarlo.run_swap_mc` draws the random numbers of a batch and hands them,
with about twenty work arrays, to :func:`_mc_moves`, which attempts the moves one by one: the Metropolis test of a
displacement or swap from the per-particle energy sums (:mod:`.mc_sums`, inlined), the swap pre-test that rejects
most swaps before any pair is evaluated (:data:`_ROUND`, :func:`_size_ratio_power`), and the move-by-move renewal of
the Verlet lists (:mod:`.neighbors`).  The physics, the batching and the reproducibility contract are described in
:mod:`.montecarlo`; this module holds only the compiled code, moved here from it (issue 66 item 5) so that the
driver and the kernel are each one module of readable length.  The kernels are compiled with numba
(``cache=True``, cache files keyed on this module's path).

References
----------
Seed ``001_d453c975fd50a4a2.txt``, Methods "Simulation details" (MC-swap, p_swap = 0.2, |Δr| = 0.2).
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

from .mc_sums import (
    _exchange_from_r2,
    _exchange_terms,
    _pair_energy,
    _particle_energy,
    _terms_from_r2,
    _trial_energy_3d,
)
from .neighbors import OVERFLOW, _gather, _image
from .potentials import KIND_SOFT_SPHERE
from .verlet_lists import _update_particle

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
    i: int,
    pos: np.ndarray,
    ref: np.ndarray,
    pe: np.ndarray,
    sizes: np.ndarray,
    species: np.ndarray,
    nn: np.ndarray,
    nbr: np.ndarray,
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
    start: int,
    particle: np.ndarray,
    partner: np.ndarray,
    is_swap: np.ndarray,
    direction: np.ndarray,
    threshold: np.ndarray,
    step: float,
    skin: float,
    pos: np.ndarray,
    disp: np.ndarray,
    sizes: np.ndarray,
    species: np.ndarray,
    box_length: float,
    kind: int,
    exponent: int,
    order: int,
    tables: np.ndarray,
    nonnegative: bool,
    size_min: float,
    size_max: float,
    list_range: float,
    n_side: int,
    reach: int,
    ref: np.ndarray,
    nbr: np.ndarray,
    nn: np.ndarray,
    cell_members: np.ndarray,
    cell_count: np.ndarray,
    cell_of: np.ndarray,
    slot: np.ndarray,
    mark: np.ndarray,
    scratch: np.ndarray,
    work: np.ndarray,
    pe: np.ndarray,
    phi_a: np.ndarray,
    phi_b: np.ndarray,
    stats: np.ndarray,
    energy: np.ndarray,
    move_offset: int,
    record_moves: int,
    trace: np.ndarray,
    since_fresh: int,
    bound: np.ndarray,
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
            phi_ij = _pair_energy(r2, sizes[i], sizes[j], species[i], species[j], kind, exponent, order, tables)
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
            e_new = _particle_energy(
                pos,
                i,
                s_j,
                t_j,
                j,
                nbr,
                i,
                nn[i],
                pos,
                sizes,
                species,
                box_length,
                kind,
                exponent,
                order,
                tables,
                stop_i,
                phi_a,
                True,
                r2_a,
            )
            if e_new > stop_i:
                continue
            # j's own partner i still carries size s_i in ``sizes``: skipped
            e_new_j = _particle_energy(
                pos,
                j,
                s_i,
                t_i,
                i,
                nbr,
                j,
                nn[j],
                pos,
                sizes,
                species,
                box_length,
                kind,
                exponent,
                order,
                tables,
                stop - e_new,
                phi_b,
                True,
                r2_b,
            )
            d_e = e_new + e_new_j - e_old
            if not d_e <= thr:
                continue
            stats[3] += 1
            energy[0] += d_e
            # neighbours' sums: φ(new) − φ(old), the old terms with the old sizes
            # (from the distances kept by the trial sums: the same r², so the same old terms)
            old_i = _terms_from_r2(
                r2_a, s_i, t_i, j, nbr, i, nn[i], sizes, species, kind, exponent, order, tables, phi_a, pe
            )
            old_j = _terms_from_r2(
                r2_b, s_j, t_j, i, nbr, j, nn[j], sizes, species, kind, exponent, order, tables, phi_b, pe
            )
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
            n_cand = _gather(
                trial[0],
                i,
                ref,
                box_length,
                range2,
                n_side,
                reach,
                cell_members,
                cell_count,
                stencil,
                scratch[0],
                dist2,
            )
            e_new = _particle_energy(
                trial,
                0,
                sizes[i],
                species[i],
                -1,
                scratch,
                0,
                n_cand,
                pos,
                sizes,
                species,
                box_length,
                kind,
                exponent,
                order,
                tables,
                stop,
                phi_a,
                False,
                r2_a,
            )
        elif dim == 3:
            n_cand = 0
            e_new = _trial_energy_3d(
                trial,
                i,
                sizes[i],
                species[i],
                nbr,
                nn[i],
                pos,
                sizes,
                species,
                box_length,
                kind,
                exponent,
                order,
                tables,
                stop,
                phi_a,
                r2_b,
            )
        else:
            n_cand = 0
            e_new = _particle_energy(
                trial,
                0,
                sizes[i],
                species[i],
                -1,
                nbr,
                i,
                nn[i],
                pos,
                sizes,
                species,
                box_length,
                kind,
                exponent,
                order,
                tables,
                stop,
                phi_a,
                False,
                r2_a,
            )
        d_e = e_new - e_old
        if not d_e <= thr:
            continue
        stats[1] += 1
        energy[0] += d_e
        # neighbours' sums: subtract the old pair terms, add the new ones
        if far:
            old_i = _particle_energy(
                pos,
                i,
                sizes[i],
                species[i],
                -1,
                nbr,
                i,
                nn[i],
                pos,
                sizes,
                species,
                box_length,
                kind,
                exponent,
                order,
                tables,
                inf,
                phi_b,
                False,
                r2_a,
            )
            for m in range(nn[i]):
                pe[nbr[i, m]] -= phi_b[m]
            for m in range(n_cand):
                pe[scratch[0, m]] += phi_a[m]
        else:
            # one pass: each listed neighbour appears once, so subtracting its old term and adding its new one
            # in turn rounds exactly as the two passes over the list did
            if dim == 3:
                old_i = _exchange_from_r2(
                    r2_b, sizes[i], species[i], nbr, i, nn[i], sizes, species, kind, exponent, order, tables, phi_a, pe
                )
            else:
                old_i = _exchange_terms(
                    pos, i, nbr, nn[i], sizes, species, box_length, kind, exponent, order, tables, phi_a, pe
                )
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
                n_cand = _gather(
                    trial[0],
                    i,
                    ref,
                    box_length,
                    range2,
                    n_side,
                    reach,
                    cell_members,
                    cell_count,
                    stencil,
                    scratch[0],
                    dist2,
                )
                far = True
        if far:
            stats[4] += 1
            status = _update_particle(
                i,
                trial[0],
                scratch[0],
                dist2,
                n_cand,
                list_range,
                box_length,
                n_side,
                ref,
                nbr,
                nn,
                cell_members,
                cell_count,
                cell_of,
                slot,
                mark,
                work,
            )
            if status == OVERFLOW:
                bound[0] = e_max
                return -(k + 1)
    g = move_offset + n_moves
    if g % record_moves == 0:
        trace[g // record_moves] = energy[0] / n_particles
    bound[0] = e_max
    return n_moves
