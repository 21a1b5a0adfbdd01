"""Verlet lists with a skin: the compiled builders, the per-particle renewal and :class:`VerletList`.

The invariant, the cell layout and the storage order are described in :mod:`.neighbors`, which holds what these
build on: minimum image, the cell grid and its stencil (:func:`.neighbors.cell_grid`, :func:`.neighbors._gather`),
the pair search and the overflow convention (:data:`.neighbors.OVERFLOW`).  Here: the full builds
(:func:`verlet_build`, :func:`verlet_build_ordered`), the renewal of one particle's pairs after a Monte Carlo move
(:func:`verlet_update_particle`, whose compiled body :func:`_update_particle` the loop of :mod:`.mc_kernel` calls
after every accepted move that leaves the skin), the near-first ordering of a list (:func:`_order_by_distance`) and
the :class:`VerletList` that owns the arrays.  Moved here from :mod:`.neighbors` (issue 66 item 5), which had grown
past 1000 lines; every kernel is unchanged and compiled with numba (``cache=True``, cache files keyed on this
module's path).

References
----------
Verlet, L. (1967), Phys. Rev. 159, 98: neighbour lists with a skin.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from .neighbors import (
    INDEX,
    OVERFLOW,
    _cell_capacity,
    _cell_of,
    _gather,
    _list_capacity,
    _prepare,
    cell_grid,
    needs_rebuild,
    wrap_positions,
)

__all__ = ["VerletList", "verlet_build", "verlet_build_ordered", "verlet_update_particle"]


@njit(cache=True)
def _order_by_distance(members: np.ndarray, dist2: np.ndarray, count: int, range2: float) -> None:  # pragma: no cover
    """Order ``members[:count]`` nearly by distance (16 buckets in r²/range², a counting sort).

    The Monte Carlo trial loop then meets the largest pair energies first,
    so that a rejection is known after few terms.
    """
    _order_into(members, dist2, count, range2, np.empty((3, max(count, 17)), dtype=np.int64))


@njit(cache=True, inline="always")
def _order_into(
    members: np.ndarray, dist2: np.ndarray, count: int, range2: float, work: np.ndarray
) -> None:  # pragma: no cover - compiled
    """:func:`_order_by_distance` with caller-provided scratch ``work`` (3, ≥ max(count, 17)) int64.

    The same stable counting sort (the order of the result is identical);
    the Monte Carlo list renewal calls it for every renewed list, where
    three allocations per call were a measurable share.
    """
    n_buckets = 16
    starts = work[2]
    for b in range(n_buckets + 1):
        starts[b] = 0
    bucket = work[0]
    scale = n_buckets / range2
    for m in range(count):
        b = int(dist2[m] * scale)
        if b >= n_buckets:
            b = n_buckets - 1
        bucket[m] = b
        starts[b + 1] += 1
    for b in range(n_buckets):
        starts[b + 1] += starts[b]
    ordered = work[1]
    for m in range(count):
        b = bucket[m]
        ordered[starts[b]] = members[m]
        starts[b] += 1
    for m in range(count):
        members[m] = ordered[m]


@njit(cache=True)
def verlet_build(
    positions: np.ndarray,
    box_length: float,
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
) -> int:  # pragma: no cover - compiled
    """Build full Verlet lists and the reference-position cell list from scratch (compiled).

    The particles enter their cells in index order (:func:`verlet_build_ordered` with ``fill_order`` =
    0, 1, …, N − 1).

    Parameters and Returns as :func:`verlet_build_ordered`.
    """
    return verlet_build_ordered(
        positions,
        box_length,
        list_range,
        n_side,
        reach,
        ref,
        nbr,
        nn,
        cell_members,
        cell_count,
        cell_of,
        slot,
        np.arange(positions.shape[0]),
    )


@njit(cache=True)
def verlet_build_ordered(
    positions: np.ndarray,
    box_length: float,
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
    fill_order: np.ndarray,
) -> int:  # pragma: no cover - compiled
    """Build full Verlet lists and the reference-position cell list from scratch, cells filled in a given order.

    A list holds its neighbours in the order :func:`_gather` finds them (stencil order, then each cell's member
    order; then a stable sort by distance bucket), so the order in which the particles enter their cells decides
    the order of every list, and so the order in which the Monte Carlo kernel sums pair terms.  Filling the cells
    in ``fill_order`` lets a caller that stores the particles permuted (:func:`.neighbors.spatial_order`) build
    the lists of the unpermuted run, entry for entry (translated through the permutation).

    Parameters
    ----------
    positions
        (N, d) wrapped positions; copied into ``ref``.
    box_length, list_range
        L and r_c + skin.
    n_side, reach
        Cells per side and stencil reach (:func:`cell_grid`); n_side = 0 for all pairs.
    ref
        (N, d) output: reference positions.
    nbr, nn
        (N, capacity) neighbour table and (N,) counts (output), int32 or int64
        (:class:`VerletList` uses :data:`INDEX`).
    cell_members, cell_count
        (n_side^d, cell_capacity) members and (n_side^d,) counts (output;
        unused when n_side = 0).
    cell_of, slot
        (N,): each particle's cell and its index among the members.
    fill_order
        (N,) int: a permutation of 0 … N − 1, the order in which particles enter their cells.

    Returns
    -------
    int
        0, or :data:`OVERFLOW` when a list or a cell is full.
    """
    n = positions.shape[0]
    dim = positions.shape[1]
    if (
        _place_references(positions, box_length, n_side, ref, cell_members, cell_count, cell_of, slot, fill_order)
        == OVERFLOW
    ):
        return OVERFLOW
    stencil = np.empty(5**dim, dtype=np.int64)
    # gather into room for every particle (the branch-free path of _gather), order, then copy: the same list
    found = np.empty(n, dtype=np.int64)
    dist2 = np.empty(n)
    work = np.empty((3, max(n, 17)), dtype=np.int64)
    capacity = nbr.shape[1]
    range2 = list_range * list_range
    for i in range(n):
        count = _gather(
            ref[i], i, ref, box_length, range2, n_side, reach, cell_members, cell_count, stencil, found, dist2
        )
        if count < 0 or count > capacity:
            return OVERFLOW
        _order_into(found, dist2, count, range2, work)
        for m in range(count):
            nbr[i, m] = found[m]
        nn[i] = count
    return 0


@njit(cache=True)
def _place_references(
    positions: np.ndarray,
    box_length: float,
    n_side: int,
    ref: np.ndarray,
    cell_members: np.ndarray,
    cell_count: np.ndarray,
    cell_of: np.ndarray,
    slot: np.ndarray,
    fill_order: np.ndarray,
) -> int:  # pragma: no cover - compiled
    """Copy ``positions`` into ``ref`` and put the particles into their cells in ``fill_order`` (compiled).

    The first stage of :func:`verlet_build_ordered` (once per build); returns 0, or :data:`OVERFLOW` when a cell
    is full.
    """
    n = positions.shape[0]
    dim = positions.shape[1]
    for i in range(n):
        for k in range(dim):
            ref[i, k] = positions[i, k]
    if n_side > 0:
        cell_count[:] = 0
        cap = cell_members.shape[1]
        for q in range(n):
            i = fill_order[q]
            c = _cell_of(ref[i], box_length, n_side)
            if cell_count[c] == cap:
                return OVERFLOW
            cell_members[c, cell_count[c]] = i
            cell_of[i] = c
            slot[i] = cell_count[c]
            cell_count[c] += 1
    return 0


@njit(cache=True)
def verlet_update_particle(
    i: int,
    new_ref: np.ndarray,
    candidates: np.ndarray,
    dist2: np.ndarray,
    n_candidates: int,
    list_range: float,
    box_length: float,
    n_side: int,
    ref: np.ndarray,
    nbr: np.ndarray,
    nn: np.ndarray,
    cell_members: np.ndarray,
    cell_count: np.ndarray,
    cell_of: np.ndarray,
    slot: np.ndarray,
    mark: np.ndarray,
) -> int:  # pragma: no cover - compiled
    """Move particle i's reference to ``new_ref`` and renew the pairs that involve i (compiled).

    Parameters
    ----------
    i
        The particle.
    new_ref
        (d,) its new (wrapped) reference position.
    candidates, dist2, n_candidates
        Every j ≠ i with |new_ref − ref_j| < r_c + skin, their squared
        distances (from :func:`_gather` at ``new_ref``), and their number;
        ``candidates`` is reordered nearest first.
    list_range
        r_c + skin.
    box_length, n_side
        L and the cells per side (0: all pairs).
    ref, nbr, nn, cell_members, cell_count, cell_of, slot
        The list state of :func:`verlet_build`, updated in place.
    mark
        (N,) int8 scratch, all zero on entry and on exit.

    Returns
    -------
    int
        0, or :data:`OVERFLOW` (nothing changed) when i's list or the list of
        a new neighbour j would exceed the capacity.
    """
    return _update_particle(
        i,
        new_ref,
        candidates,
        dist2,
        n_candidates,
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
        np.empty((3, max(n_candidates, 17)), dtype=np.int64),
    )


@njit(cache=True)
def _update_particle(
    i: int,
    new_ref: np.ndarray,
    candidates: np.ndarray,
    dist2: np.ndarray,
    n_candidates: int,
    list_range: float,
    box_length: float,
    n_side: int,
    ref: np.ndarray,
    nbr: np.ndarray,
    nn: np.ndarray,
    cell_members: np.ndarray,
    cell_count: np.ndarray,
    cell_of: np.ndarray,
    slot: np.ndarray,
    mark: np.ndarray,
    work: np.ndarray,
) -> int:  # pragma: no cover - compiled
    """:func:`verlet_update_particle` with caller-provided sort scratch ``work`` (3, ≥ max(n_candidates, 17)) int64.

    Identical result (the same lists, in the same order); used by the Monte
    Carlo kernel, which keeps one scratch array for the whole run.
    """
    capacity = nbr.shape[1]
    if n_candidates > capacity:
        return OVERFLOW
    old = nbr[i]
    n_old = nn[i]
    for m in range(n_old):
        mark[old[m]] = 1
    full = False
    for m in range(n_candidates):
        j = candidates[m]
        if mark[j] == 0 and nn[j] == capacity:
            full = True
    if n_side > 0 and not full:
        c_new = _cell_of(new_ref, box_length, n_side)
        if c_new != cell_of[i] and cell_count[c_new] == cell_members.shape[1]:
            full = True
    if full:
        for m in range(n_old):
            mark[old[m]] = 0
        return OVERFLOW
    # new pairs: append i to j's list; kept pairs: mark 2
    for m in range(n_candidates):
        j = candidates[m]
        if mark[j] == 1:
            mark[j] = 2
        else:
            nbr[j, nn[j]] = i
            nn[j] += 1
    # lost pairs (still mark 1): remove i from j's list, keeping the order of the others
    for m in range(n_old):
        j = old[m]
        if mark[j] == 1:
            row = nbr[j]
            last = nn[j] - 1
            p = 0
            while row[p] != i:
                p += 1
            while p < last:
                row[p] = row[p + 1]
                p += 1
            nn[j] = last
        mark[j] = 0
    _order_into(candidates, dist2, n_candidates, list_range * list_range, work)
    for m in range(n_candidates):
        old[m] = candidates[m]
    nn[i] = n_candidates
    _move_reference(i, new_ref, box_length, n_side, ref, cell_members, cell_count, cell_of, slot)
    return 0


@njit(cache=True, inline="always")
def _move_reference(
    i: int,
    new_ref: np.ndarray,
    box_length: float,
    n_side: int,
    ref: np.ndarray,
    cell_members: np.ndarray,
    cell_count: np.ndarray,
    cell_of: np.ndarray,
    slot: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """Set particle i's reference to ``new_ref`` and move i to its new cell (last step of :func:`_update_particle`).

    The cell's last member takes i's slot; the new cell has room (:func:`_update_particle` checked it).
    """
    for k in range(new_ref.shape[0]):
        ref[i, k] = new_ref[k]
    if n_side > 0:
        c_new = _cell_of(new_ref, box_length, n_side)
        c_old = cell_of[i]
        if c_new != c_old:
            last = cell_count[c_old] - 1
            moved = cell_members[c_old, last]
            cell_members[c_old, slot[i]] = moved
            slot[moved] = slot[i]
            cell_count[c_old] = last
            cell_members[c_new, cell_count[c_new]] = i
            slot[i] = cell_count[c_new]
            cell_count[c_new] += 1
            cell_of[i] = c_new


@dataclass
class VerletList:
    """Full Verlet lists (each pair listed for both particles) with a skin.

    Build with :meth:`build`; keep valid with :meth:`update` (rebuilds when
    any particle moved more than skin/2).  The arrays are the state the
    compiled kernels (:func:`verlet_build`, :func:`verlet_update_particle`)
    share with :mod:`vdosbench.generators.glasses.montecarlo`.

    Attributes
    ----------
    box_length, cutoff, skin
        L, r_c and the skin (length units).
    n_side, reach
        Cells per side (0 for the all-pairs fallback) and stencil reach (:func:`cell_grid`).
    ref
        (N, d) reference positions (wrapped).
    neighbors, counts
        (N, capacity) table and (N,) counts, of type :data:`INDEX` (int32):
        ``neighbors[i, :counts[i]]`` are the j with |ref_i − ref_j| < r_c + skin.
    cell_members, cell_count, cell_of, slot
        The reference-position cell list (:data:`INDEX`).
    n_builds
        Full builds so far.
    fill_order
        (N,) int64: the order in which every build puts the particles into
        their cells (:func:`verlet_build_ordered`); None or 0 … N − 1 for
        index order.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.uniform(0, 10, (1000, 3))
    >>> vl = VerletList.build(x, 10.0, cutoff=1.955, skin=0.3)
    >>> i, j = vl.pairs()
    >>> from vdosbench.generators.glasses.neighbors import all_pairs_within
    >>> bi, bj = all_pairs_within(x, 10.0, 2.255)
    >>> set(zip(i.tolist(), j.tolist())) == set(zip(bi.tolist(), bj.tolist()))
    True
    """

    box_length: float
    cutoff: float
    skin: float
    n_side: int
    reach: int
    ref: np.ndarray
    neighbors: np.ndarray
    counts: np.ndarray
    cell_members: np.ndarray
    cell_count: np.ndarray
    cell_of: np.ndarray
    slot: np.ndarray
    n_builds: int = 0
    fill_order: np.ndarray | None = None

    @property
    def list_range(self) -> float:
        """r_c + skin."""
        return self.cutoff + self.skin

    @classmethod
    def build(
        cls,
        positions: np.ndarray,
        box_length: float,
        cutoff: float,
        skin: float,
        capacity: int | None = None,
        fill_order: np.ndarray | None = None,
    ) -> VerletList:
        """Lists for ``positions`` (shape (N, d), d = 2 or 3) in a box of side L ≥ 2 r_c.

        ``capacity`` (neighbours per particle) defaults to a generous multiple
        of the mean count at this density; it grows automatically if exceeded.
        ``fill_order`` (a permutation of 0 … N − 1; default index order) is the
        order in which every build fills the cells
        (:func:`verlet_build_ordered`).
        """
        if skin < 0:
            raise ValueError(f"skin is {skin}; expected a non-negative length")
        wrapped = _prepare(positions, box_length, cutoff)
        n, dim = wrapped.shape
        list_range = cutoff + skin
        n_side, reach = cell_grid(box_length, list_range)
        capacity = capacity or _list_capacity(box_length, list_range, n, dim)
        cell_cap = _cell_capacity(box_length, n_side, n, dim)
        vl = cls(
            box_length=float(box_length),
            cutoff=float(cutoff),
            skin=float(skin),
            n_side=n_side,
            reach=reach,
            ref=np.empty((n, dim)),
            neighbors=np.empty((n, max(1, capacity)), dtype=INDEX),
            counts=np.zeros(n, dtype=INDEX),
            cell_members=np.empty((max(1, n_side**dim), cell_cap), dtype=INDEX),
            cell_count=np.zeros(max(1, n_side**dim), dtype=INDEX),
            cell_of=np.zeros(n, dtype=INDEX),
            slot=np.zeros(n, dtype=INDEX),
            fill_order=np.arange(n) if fill_order is None else np.ascontiguousarray(fill_order, dtype=np.int64),
        )
        vl.rebuild(wrapped)
        return vl

    def rebuild(self, positions: np.ndarray) -> None:
        """Rebuild from scratch at ``positions`` (wrapped, shape (N, d)), growing full arrays."""
        positions = np.ascontiguousarray(positions, dtype=float)
        n = positions.shape[0]
        while True:
            order = np.arange(n) if self.fill_order is None else self.fill_order
            status = verlet_build_ordered(
                positions,
                self.box_length,
                self.list_range,
                self.n_side,
                self.reach,
                self.ref,
                self.neighbors,
                self.counts,
                self.cell_members,
                self.cell_count,
                self.cell_of,
                self.slot,
                order,
            )
            if status == 0:
                self.n_builds += 1
                return
            self.grow(n)

    def grow(self, n: int) -> None:
        """Enlarge the neighbour and cell capacities (contents are rebuilt by the caller)."""
        capacity = min(max(n - 1, 1), int(1.5 * self.neighbors.shape[1]) + 8)
        if capacity == self.neighbors.shape[1] and self.cell_members.shape[1] >= n:
            raise RuntimeError("Verlet list cannot grow further; this is a bug")  # pragma: no cover
        self.neighbors = np.empty((self.neighbors.shape[0], capacity), dtype=INDEX)
        cell_cap = min(n, 2 * self.cell_members.shape[1])
        self.cell_members = np.empty((self.cell_members.shape[0], cell_cap), dtype=INDEX)

    def needs_rebuild(self, positions: np.ndarray) -> bool:
        """Whether any particle is more than skin/2 away from its reference position."""
        return needs_rebuild(positions, self.ref, self.box_length, self.skin)

    def update(self, positions: np.ndarray) -> bool:
        """Rebuild if :meth:`needs_rebuild`; return whether it did."""
        if self.needs_rebuild(positions):
            self.rebuild(wrap_positions(positions, self.box_length))
            return True
        return False

    def pairs(self) -> tuple[np.ndarray, np.ndarray]:
        """Listed pairs i < j (within r_c + skin of the references), int64 arrays (n_pairs,)."""
        n, capacity = self.neighbors.shape
        rows = np.repeat(np.arange(n), self.counts)
        mask = np.arange(capacity)[None, :] < self.counts[:, None]
        cols = self.neighbors[mask].astype(np.int64)
        keep = cols > rows
        return rows[keep], cols[keep]
