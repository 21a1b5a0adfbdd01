"""Minimum image, cell lists and Verlet lists with a skin in periodic boxes.

Particles live in a periodic cubic (d = 3) or square (d = 2) box of side L,
positions wrapped into [0, L).  The minimum-image separation of two wrapped
positions is r_ij = x_j − x_i − L round((x_j − x_i)/L); it is the physical
separation whenever the interaction range r_c ≤ L/2, which every function
here requires.

**Cell lists.**  The box is cut into n_c = ⌊L / r_list⌋ cells per side
(r_list = r_c + skin); every neighbour of a particle within r_list lies in
its own cell or one of the 3^d − 1 adjacent cells.  Cells of half that side
(a 5^d stencil) are used here: they cover a smaller volume around the
sphere of radius r_list.  In small boxes (L < 3 r_list) the stencil would
cover the whole box, and every function falls back to scanning all
particles (:func:`cell_grid`).

**Verlet lists with a skin** (Verlet 1967).  Each particle k keeps a
reference position ref_k and the full list of j with |ref_k − ref_j| < r_c +
skin, nearly nearest first when built (new pairs are appended at the end).
While every particle stays within skin/2 of its reference, every pair
closer than r_c is listed, since |x_k − x_j| ≥ |ref_k − ref_j| − skin.  A
whole-system rebuild (:meth:`.verlet_lists.VerletList.update`) renews the list when any
particle has moved more than skin/2.  Monte Carlo moves one particle at a
time, so :mod:`vdosbench.generators.glasses.montecarlo` uses the local form of the
same invariant: when one particle leaves its skin sphere, only its own
reference and the pairs that involve it are renewed
(:func:`.verlet_lists.verlet_update_particle`), from a cell list of the reference positions
whose cells have fixed-capacity member arrays.  The listed pairs are always
exactly those with |ref_k − ref_j| < r_c + skin.

**Storage order.**  A list's order is the order in which :func:`_gather`
meets its members: the fixed stencil order of the cells, then each cell's
member order, which a build takes from the order in which it puts the
particles into their cells.  :func:`.verlet_lists.verlet_build_ordered` takes that order
as an argument, so that particles stored permuted, e.g. along a
space-filling curve of the cells (:func:`spatial_order`, which keeps
neighbours near each other in memory), get the same lists, entry for
entry, as the unpermuted particles.  Indices are stored as :data:`INDEX`
(int32), half the bytes of int64.

All kernels are compiled with numba (``cache=True``).

This module holds minimum image, the cell grid with its stencil and the
overflow convention (:data:`OVERFLOW`), the pair search (:func:`neighbor_pairs`)
and the space-filling-curve order; the Verlet lists built on them (the
compiled builders, the per-particle update that :mod:`.mc_kernel` calls after
every accepted move, and :class:`VerletList`) are :mod:`.verlet_lists`.

References
----------
Seed ``001_d453c975fd50a4a2.txt``, Methods "Simulation details": periodic box
of side L = N^(1/d) at number density 1.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .configurations import image_component as _image

__all__ = [
    "OVERFLOW",
    "all_pairs_within",
    "cell_grid",
    "minimum_image",
    "needs_rebuild",
    "neighbor_pairs",
    "spatial_order",
    "wrap_positions",
]

#: Status returned by the compiled builders when a neighbour list or a cell
#: is full; the caller grows the capacities and builds again.
OVERFLOW = -1

#: Integer type of the Verlet table and its counts (:class:`.verlet_lists.VerletList`): particle indices fit in
#: 32 bits (N < 2³¹), and half the bytes of int64 keep more of the table in cache; the compiled kernels accept
#: either type.
INDEX = np.int32


# --------------------------------------------------------------------------- minimum image
def minimum_image(separation: np.ndarray, box_length: float) -> np.ndarray:
    """Minimum-image form of separation vectors.

    Parameters
    ----------
    separation
        Shape (..., d), any real separations (length units).
    box_length
        L, the side of the periodic box.

    Returns
    -------
    numpy.ndarray
        Same shape, every component in [−L/2, L/2].

    Examples
    --------
    >>> minimum_image(np.array([[4.5, -0.2, 9.9]]), 10.0)
    array([[ 4.5, -0.2, -0.1]])
    """
    separation = np.asarray(separation, dtype=float)
    return separation - box_length * np.round(separation / box_length)


def wrap_positions(positions: np.ndarray, box_length: float) -> np.ndarray:
    """Positions folded into [0, L) (a copy).

    Parameters
    ----------
    positions
        Shape (N, d), length units.
    box_length
        L.

    Returns
    -------
    numpy.ndarray
        Shape (N, d), every component in [0, L).

    Examples
    --------
    >>> wrap_positions(np.array([[-0.5, 10.0]]), 10.0)
    array([[9.5, 0. ]])
    """
    wrapped = np.mod(np.asarray(positions, dtype=float), box_length)
    wrapped[wrapped >= box_length] = 0.0  # np.mod(-1e-17, L) rounds to L
    return wrapped


@njit(cache=True)
def _distance2(a: np.ndarray, b: np.ndarray, box_length: float) -> float:  # pragma: no cover
    """Squared minimum-image distance of two points with arbitrary (not only wrapped) coordinates."""
    r2 = 0.0
    for k in range(a.shape[0]):
        dx = b[k] - a[k]
        dx -= box_length * np.rint(dx / box_length)
        r2 += dx * dx
    return r2


def _check_box(box_length: float, cutoff: float, dimension: int) -> None:
    if dimension not in (2, 3):
        raise ValueError(f"positions have {dimension} columns; expected d = 2 or 3 (shape (N, d))")
    if not 2.0 * cutoff <= box_length:
        raise ValueError(
            f"box length L = {box_length:g} is smaller than 2 r_c = {2 * cutoff:g}; the minimum "
            "image is ambiguous: use more particles (L = (N/ρ)^(1/d)) or a shorter cutoff"
        )


def cell_grid(box_length: float, list_range: float) -> tuple[int, int]:
    """Cells per side and stencil reach of a cell list of range ``list_range``.

    Parameters
    ----------
    box_length
        L.
    list_range
        The largest distance to be found (r_c + skin), length units.

    Returns
    -------
    tuple of int
        ``(n_side, reach)``: cells of side L/n_side ≥ list_range/2, so a
        neighbour lies within ``reach`` = 2 cells in each direction and a
        search scans 5^d cells (a smaller volume around the search sphere
        than 3^d cells of side ≥ list_range).  When fewer than 6 such cells
        fit per side (L < 3 list_range) the stencil would cover (nearly) the
        whole box: ``(0, 0)``, and every search scans all particles.

    Examples
    --------
    >>> cell_grid(10.0, 2.455), cell_grid(7.4, 2.455), cell_grid(7.0, 2.455)
    ((8, 2), (6, 2), (0, 0))
    """
    n2 = int(np.floor(2.0 * box_length / list_range))
    if n2 >= 6:
        return n2, 2
    return 0, 0


# --------------------------------------------------------------------------- cells
@njit(cache=True)
def _cell_of(x: np.ndarray, box_length: float, n_side: int) -> int:  # pragma: no cover - compiled
    """Flat index of the cell holding the wrapped point ``x`` (the same arithmetic as :func:`_cells_within`)."""
    scale = n_side / box_length
    cell = 0
    stride = 1
    for k in range(x.shape[0]):
        c = int(x[k] * scale)
        if c >= n_side:
            c = n_side - 1
        elif c < 0:
            c = 0
        cell += c * stride
        stride *= n_side
    return cell


@njit(cache=True)
def _wrap_cell(c: int, n_side: int) -> int:  # pragma: no cover - compiled
    if c < 0:
        return c + n_side
    if c >= n_side:
        return c - n_side
    return c


@njit(cache=True, inline="always")
def _gap(x: float, c: int, offset: int, side: float, tol: float) -> float:  # pragma: no cover - compiled
    """Distance along one axis from x (in cell c) to the slab of cell c + offset (unwrapped), less ``tol``, ≥ 0."""
    if offset > 0:
        gap = (c + offset) * side - x
    elif offset < 0:
        gap = x - (c + offset + 1) * side
    else:
        return 0.0
    return max(gap - tol, 0.0)


@njit(cache=True)
def _cells_within(
    x: np.ndarray, box_length: float, n_side: int, reach: int, range2: float, out: np.ndarray
) -> int:  # pragma: no cover - compiled
    """Write the cells of the (2 reach + 1)^d stencil around x that can hold a point within range of x.

    Returns their number.  Flat index c_0 + n c_1 (+ n² c_2), as
    :func:`_cell_of`, in the stencil's fixed order (offsets along the last
    axis outermost), so a search finds its points in the same order as a
    scan of the whole stencil.  A cell is left out when its box is at least
    ``range`` from x (the sum of the squared per-axis gaps): with n_side ≥ 6
    > 2 reach + 1 the in-range image of a point is the one at the stencil
    offset of its cell, so no point within range is lost.  The gaps are
    reduced by 10⁻⁹ of a cell side, far more than the round-off of the cell
    assignment int(x n_side / L).
    """
    dim = x.shape[0]
    scale = n_side / box_length
    side = box_length / n_side
    tol = 1e-9 * side
    c0 = max(0, min(int(x[0] * scale), n_side - 1))
    c1 = max(0, min(int(x[1] * scale), n_side - 1))
    count = 0
    if dim == 2:
        for o1 in range(-reach, reach + 1):
            g1 = _gap(x[1], c1, o1, side, tol)
            g1 *= g1
            if g1 >= range2:
                continue
            base = _wrap_cell(c1 + o1, n_side) * n_side
            for o0 in range(-reach, reach + 1):
                g0 = _gap(x[0], c0, o0, side, tol)
                if g1 + g0 * g0 >= range2:
                    continue
                out[count] = base + _wrap_cell(c0 + o0, n_side)
                count += 1
        return count
    c2 = max(0, min(int(x[2] * scale), n_side - 1))
    for o2 in range(-reach, reach + 1):
        g2 = _gap(x[2], c2, o2, side, tol)
        g2 *= g2
        if g2 >= range2:
            continue
        plane = _wrap_cell(c2 + o2, n_side) * n_side
        for o1 in range(-reach, reach + 1):
            g1 = _gap(x[1], c1, o1, side, tol)
            g21 = g2 + g1 * g1
            if g21 >= range2:
                continue
            base = (plane + _wrap_cell(c1 + o1, n_side)) * n_side
            for o0 in range(-reach, reach + 1):
                g0 = _gap(x[0], c0, o0, side, tol)
                if g21 + g0 * g0 >= range2:
                    continue
                out[count] = base + _wrap_cell(c0 + o0, n_side)
                count += 1
    return count


@njit(cache=True)
def _gather(
    x: np.ndarray,
    skip: int,
    ref: np.ndarray,
    box_length: float,
    range2: float,
    n_side: int,
    reach: int,
    cell_members: np.ndarray,
    cell_count: np.ndarray,
    stencil: np.ndarray,
    out: np.ndarray,
    dist2: np.ndarray,
) -> int:  # pragma: no cover - compiled
    """Indices j ≠ ``skip`` with |x − ref_j| < range into ``out`` (and |x − ref_j|² into ``dist2``).

    Scans the cells of the (2 reach + 1)^d stencil around ``x`` that can
    hold such a j (:func:`cell_grid`, :func:`_cells_within`), or every
    particle when ``n_side`` is 0.  ``stencil`` is scratch of (2 reach +
    1)^d entries.  Returns the number found, or −1 when ``out`` is full.
    The order found (stencil order, then the cell's member order) is that
    of a scan of the whole stencil: the lists built from it, and so the
    order in which the Monte Carlo kernel sums pair terms, do not depend on
    the cells left out.
    """
    half = 0.5 * box_length
    dim = x.shape[0]
    count = 0
    capacity = out.shape[0]
    brute = n_side == 0  # every particle, as one "cell"
    n_cells = 1 if brute else _cells_within(x, box_length, n_side, reach, range2, stencil)
    x0 = x[0]
    x1 = x[1]
    x2 = x[2] if dim == 3 else 0.0
    if dim == 3 and not brute and capacity >= ref.shape[0]:
        # ``out`` can hold every particle, so it cannot fill: each point is written at ``count`` and kept by
        # advancing ``count`` only when it is within range (no unpredictable branch; same points, same order)
        for s in range(n_cells):
            c = stencil[s]
            for m in range(cell_count[c]):
                j = cell_members[c, m]
                if j == skip:
                    continue
                d0 = _image(ref[j, 0] - x0, box_length, half)
                d1 = _image(ref[j, 1] - x1, box_length, half)
                d2 = _image(ref[j, 2] - x2, box_length, half)
                r2 = d0 * d0 + d1 * d1
                r2 += d2 * d2
                out[count] = j
                dist2[count] = r2
                count += 1 if r2 < range2 else 0
        return count
    for s in range(n_cells):
        c = 0 if brute else stencil[s]
        for m in range(ref.shape[0] if brute else cell_count[c]):
            j = m if brute else cell_members[c, m]
            if j == skip:
                continue
            d0 = _image(ref[j, 0] - x0, box_length, half)
            d1 = _image(ref[j, 1] - x1, box_length, half)
            r2 = d0 * d0 + d1 * d1
            if dim == 3:
                d2 = _image(ref[j, 2] - x2, box_length, half)
                r2 += d2 * d2
            if r2 < range2:
                if count == capacity:
                    return OVERFLOW
                out[count] = j
                dist2[count] = r2
                count += 1
    return count


@njit(cache=True)
def _pairs_cells(
    positions: np.ndarray,
    box_length: float,
    cutoff: float,
    n_side: int,
    reach: int,
    cell_members: np.ndarray,
    cell_count: np.ndarray,
    out_i: np.ndarray,
    out_j: np.ndarray,
) -> int:  # pragma: no cover - compiled
    """Pairs i < j closer than ``cutoff`` (cells built by the caller); −1 if the output is full."""
    n = positions.shape[0]
    dim = positions.shape[1]
    stencil = np.empty(5**dim, dtype=np.int64)
    buffer = np.empty(n, dtype=np.int64)
    dist2 = np.empty(n)
    count = 0
    for i in range(n):
        found = _gather(
            positions[i],
            i,
            positions,
            box_length,
            cutoff * cutoff,
            n_side,
            reach,
            cell_members,
            cell_count,
            stencil,
            buffer,
            dist2,
        )
        for m in range(found):
            j = buffer[m]
            if j > i:
                if count == out_i.shape[0]:
                    return OVERFLOW
                out_i[count] = i
                out_j[count] = j
                count += 1
    return count


@njit(cache=True)
def _fill_cells(
    positions: np.ndarray, box_length: float, n_side: int, cell_members: np.ndarray, cell_count: np.ndarray
) -> int:  # pragma: no cover - compiled
    cell_count[:] = 0
    for i in range(positions.shape[0]):
        c = _cell_of(positions[i], box_length, n_side)
        if cell_count[c] == cell_members.shape[1]:
            return OVERFLOW
        cell_members[c, cell_count[c]] = i
        cell_count[c] += 1
    return 0


def _cell_capacity(box_length: float, n_side: int, n: int, dim: int) -> int:
    if n_side == 0:
        return 1
    mean = n / n_side**dim
    return int(min(n, 2.0 * mean + 4.0 * np.sqrt(mean) + 8))


def _list_capacity(box_length: float, list_range: float, n: int, dim: int) -> int:
    ball = (4.0 / 3.0 * np.pi * list_range**3) if dim == 3 else np.pi * list_range**2
    mean = n / box_length**dim * ball
    return int(min(max(n - 1, 1), 1.5 * mean + 6.0 * np.sqrt(mean) + 16))


def _prepare(positions: np.ndarray, box_length: float, cutoff: float) -> np.ndarray:
    positions = np.asarray(positions, dtype=float)
    if positions.ndim != 2:
        raise ValueError(f"positions have shape {positions.shape}; expected (N, d)")
    _check_box(box_length, cutoff, positions.shape[1])
    return np.ascontiguousarray(wrap_positions(positions, box_length))


def neighbor_pairs(positions: np.ndarray, box_length: float, cutoff: float) -> tuple[np.ndarray, np.ndarray]:
    """All pairs i < j closer than ``cutoff`` (minimum image), found with a cell list.

    Parameters
    ----------
    positions
        Shape (N, d), d = 2 or 3, length units (folded into the box here).
    box_length
        L, with L ≥ 2 ``cutoff``.
    cutoff
        Interaction range r_c.

    Returns
    -------
    tuple of numpy.ndarray
        ``(i, j)``, int64 arrays of shape (n_pairs,), i < j, sorted by i then
        by cell order of j.

    Examples
    --------
    >>> i, j = neighbor_pairs(np.array([[0.1, 0.1], [3.9, 0.1], [2.0, 2.0]]), 4.0, 1.0)
    >>> i.tolist(), j.tolist()
    ([0], [1])
    """
    wrapped = _prepare(positions, box_length, cutoff)
    n, dim = wrapped.shape
    n_side, reach = cell_grid(box_length, cutoff)
    if n_side == 0:
        return all_pairs_within(wrapped, box_length, cutoff)
    cell_cap = _cell_capacity(box_length, n_side, n, dim)
    pair_cap = max(16, _list_capacity(box_length, cutoff, n, dim) * n // 2)
    while True:
        members = np.empty((n_side**dim, cell_cap), dtype=np.int64)
        counts = np.zeros(n_side**dim, dtype=np.int64)
        if _fill_cells(wrapped, box_length, n_side, members, counts) == OVERFLOW:
            cell_cap *= 2
            continue
        out_i = np.empty(pair_cap, dtype=np.int64)
        out_j = np.empty(pair_cap, dtype=np.int64)
        count = _pairs_cells(wrapped, box_length, cutoff, n_side, reach, members, counts, out_i, out_j)
        if count == OVERFLOW:
            pair_cap *= 2
            continue
        return out_i[:count].copy(), out_j[:count].copy()


def all_pairs_within(positions: np.ndarray, box_length: float, cutoff: float) -> tuple[np.ndarray, np.ndarray]:
    """Brute-force O(N²) reference: all pairs i < j closer than ``cutoff`` (minimum image).

    Parameters
    ----------
    positions
        Shape (N, d), length units.
    box_length
        L, with L ≥ 2 ``cutoff``.
    cutoff
        The range.

    Returns
    -------
    tuple of numpy.ndarray
        ``(i, j)``, int64, shape (n_pairs,), i < j, lexicographically sorted.

    Examples
    --------
    >>> all_pairs_within(np.array([[0.1, 0.1], [3.9, 0.1], [2.0, 2.0]]), 4.0, 1.0)[1].tolist()
    [1]
    """
    positions = _prepare(positions, box_length, cutoff)
    i, j = np.triu_indices(positions.shape[0], k=1)
    dr = minimum_image(positions[j] - positions[i], box_length)
    close = np.einsum("pk,pk->p", dr, dr) < cutoff * cutoff
    return i[close].astype(np.int64), j[close].astype(np.int64)


@njit(cache=True)
def _max_displacement2(positions: np.ndarray, ref: np.ndarray, box_length: float) -> float:  # pragma: no cover
    worst = 0.0
    for i in range(positions.shape[0]):
        r2 = _distance2(positions[i], ref[i], box_length)
        if r2 > worst:
            worst = r2
    return worst


def needs_rebuild(positions: np.ndarray, reference: np.ndarray, box_length: float, skin: float) -> bool:
    """Whether any particle moved more than skin/2 (minimum image) since the reference build.

    Parameters
    ----------
    positions, reference
        Shape (N, d), length units (wrapped or not).
    box_length
        L.
    skin
        The Verlet skin.

    Returns
    -------
    bool

    Examples
    --------
    >>> ref = np.zeros((2, 3))
    >>> needs_rebuild(ref + [0.1, 0.0, 0.0], ref, 10.0, 0.3), needs_rebuild(ref + [0.2, 0, 0], ref, 10.0, 0.3)
    (False, True)
    """
    positions = np.ascontiguousarray(positions, dtype=float)
    reference = np.ascontiguousarray(reference, dtype=float)
    return bool(_max_displacement2(positions, reference, box_length) > (0.5 * skin) ** 2)


def spatial_order(positions: np.ndarray, box_length: float, n_grid: int, curve: str = "morton") -> np.ndarray:
    """A permutation that lists nearby particles near each other: the order of a space-filling curve of cells.

    Parameters
    ----------
    positions
        Shape (N, d), wrapped into [0, L) (length units).
    box_length
        L.
    n_grid
        Cells per side of the grid whose cells the curve visits (≥ 1).
    curve
        ``"morton"`` (Z order: the bits of the cell coordinates interleaved) or ``"rows"`` (flat cell index,
        the first axis fastest, as :func:`_cell_of`).

    Returns
    -------
    numpy.ndarray
        (N,) int64 ``order``: ``positions[order]`` visits the cells along the curve, the particles of one cell in
        index order (a stable sort).

    Examples
    --------
    >>> x = np.array([[0.9, 0.9], [0.1, 0.1], [0.9, 0.1], [0.1, 0.9]])
    >>> spatial_order(x, 1.0, 2).tolist()
    [1, 2, 3, 0]
    """
    positions = np.asarray(positions, dtype=float)
    if n_grid < 1:
        raise ValueError(f"n_grid is {n_grid}; expected at least one cell per side")
    cells = np.clip((positions * (n_grid / box_length)).astype(np.int64), 0, n_grid - 1)
    key = np.zeros(positions.shape[0], dtype=np.int64)
    if curve == "rows":
        for k in range(positions.shape[1] - 1, -1, -1):
            key = key * n_grid + cells[:, k]
    elif curve == "morton":
        dim = positions.shape[1]
        for b in range(int(n_grid - 1).bit_length()):
            for k in range(dim):
                key |= ((cells[:, k] >> b) & 1) << (b * dim + k)
    else:
        raise ValueError(f"curve is {curve!r}; expected 'morton' or 'rows'")
    return np.argsort(key, kind="stable")
