"""Potential energy and analytic forces over two-level Verlet lists (compiled kernels and :class:`EnergyModel`).

The pair sum V = Σ_(i<j) φ(r_ij) of seed 001 eq. (13)/(44) and its gradient, with the
Verlet-list upkeep and the optional diagonal Hessian blocks for the preconditioner;
the design and its measurements are in :mod:`vdosbench.generators.glasses.minimize`.

Why one module of about 860 lines: the pair kernels (generic loop, T_2 and
T_∞ soft spheres in d = 3), the list upkeep (:func:`_refresh`,
:func:`_filter_pairs`) and :class:`EnergyModel` share one positional
convention, the ``params`` and ``lists`` tuples (which kernel, and the per-pair
a_ij or a_ij² and scratch it needs), read by index in compiled code; split
across modules, a change of that layout would have to be made in several
places that no type checks against each other.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ..configurations import Configuration, bin_into_cells
from ..potentials import INFINITE_ORDER, KIND_SOFT_SPHERE, PairPotential, pair_parameters, pair_size, pair_terms
from .preconditioning import unpack_blocks

__all__ = [
    "DEFAULT_OUTER_SKIN",
    "DEFAULT_SKIN",
    "EnergyModel",
]

#: Default Verlet skin (units of the mean diameter).
DEFAULT_SKIN = 0.15
#: Default skin of the outer list from which the Verlet list is filtered.
DEFAULT_OUTER_SKIN = 0.5
#: Most particles :func:`_outer_list_holds` compares with all others (each scan ≈ 5 µs at N = 1000,
#: a cell search ≈ 1.5 ms) before it asks for the rebuild instead.
_MOBILE_LIMIT = 64


@njit(cache=True, inline="always")
def _accumulate(
    pos: np.ndarray,
    pi: np.ndarray,
    pj: np.ndarray,
    shift: np.ndarray,
    sizes: np.ndarray,
    species: np.ndarray,
    sigma: np.ndarray,
    epsilon: np.ndarray,
    cutoff: np.ndarray,
    kind: int,
    n: int,
    order: int,
    non_additivity: float,
    grad: np.ndarray,
    blocks: np.ndarray,
) -> float:  # pragma: no cover - compiled
    """V and ∂V/∂r (into ``grad``) over the listed pairs; r_ij = r_j − r_i + shift (fixed image).

    With a non-empty ``blocks`` (N, d(d+1)/2), also the diagonal blocks of
    the Hessian, packed as in :func:`unpack_blocks`.
    """
    d = pos.shape[1]
    grad[:, :] = 0.0
    with_blocks = blocks.shape[0] > 0
    if with_blocks:
        blocks[:, :] = 0.0
    energy = 0.0
    dr = np.empty(3)
    for k in range(pi.size):
        i = pi[k]
        j = pj[k]
        s, e, c = pair_parameters(i, j, sizes, species, sigma, epsilon, cutoff, kind, non_additivity)
        r2 = 0.0
        for a in range(d):
            x = pos[j, a] - pos[i, a] + shift[k, a]
            dr[a] = x
            r2 += x * x
        if r2 >= c * c:
            continue
        r = np.sqrt(r2)
        phi, dphi, d2phi = pair_terms(r, s, e, c, kind, n, order)
        energy += phi
        f = dphi / r
        for a in range(d):
            grad[j, a] += f * dr[a]
            grad[i, a] -= f * dr[a]
        if with_blocks:  # K_ij = (φ′/r) 1 + (φ″ − φ′/r) r rᵀ / r², added to the blocks of i and j
            h = (d2phi - f) / r2
            p = d
            for a in range(d):
                v = f + h * dr[a] * dr[a]
                blocks[i, a] += v
                blocks[j, a] += v
                for b in range(a + 1, d):
                    v = h * dr[a] * dr[b]
                    blocks[i, p] += v
                    blocks[j, p] += v
                    p += 1
    return energy


@njit(cache=True)
def _energy_gradient(
    pos: np.ndarray,
    pi: np.ndarray,
    pj: np.ndarray,
    shift: np.ndarray,
    sizes: np.ndarray,
    species: np.ndarray,
    sigma: np.ndarray,
    epsilon: np.ndarray,
    cutoff: np.ndarray,
    kind: int,
    n: int,
    order: int,
    non_additivity: float,
    grad: np.ndarray,
    blocks: np.ndarray,
) -> float:  # pragma: no cover - compiled
    """:func:`_accumulate`, with a constant-folded fast path for soft spheres with T_∞.

    Calling the inlined loop with literal (kind, n, order) lets the compiler
    fold the integer powers of the power law (about 2× faster); other
    potentials take the generic loop (each variant costs compile time).  The
    n = 12 soft spheres in d = 3 have their own kernels,
    :func:`_soft_sphere_t2_3d` (m = 2) and :func:`_soft_sphere_tinf_3d`
    (m = ∞, the same numbers as this path).
    """
    if kind == KIND_SOFT_SPHERE and n == 12 and order == -1:
        return _accumulate(
            pos, pi, pj, shift, sizes, species, sigma, epsilon, cutoff, 0, 12, -1, non_additivity, grad, blocks
        )
    return _accumulate(
        pos, pi, pj, shift, sizes, species, sigma, epsilon, cutoff, kind, n, order, non_additivity, grad, blocks
    )


@njit(cache=True, inline="always")
def _t2_pair_terms(r2: float, a2: float, inv_rc2: float) -> tuple[float, float, float, float]:  # pragma: no cover
    """1/ρ, s¹² = (a_ij²/ρ)⁶, u = s¹² − (a_ij/r_c)¹² and w = 1 − ρ/r_c² (not clipped) of one pair, ρ = r²."""
    inv = 1.0 / r2
    s2 = a2 * inv
    s6 = s2 * s2 * s2
    s12 = s6 * s6
    c2 = a2 * inv_rc2
    c6 = c2 * c2 * c2
    return inv, s12, s12 - c6 * c6, 1.0 - r2 * inv_rc2


@njit(cache=True, inline="always")
def _scatter_pair_forces(
    pi: np.ndarray,
    pj: np.ndarray,
    energy: np.ndarray,
    force: np.ndarray,
    dx: np.ndarray,
    dy: np.ndarray,
    dz: np.ndarray,
    grad: np.ndarray,
) -> float:  # pragma: no cover - compiled
    """The scatter pass of the d = 3 soft-sphere kernels: ``grad`` from the pair forces φ′/r times the separations,
    and the pair energies summed in pair order (as the generic loop sums them; pairs beyond r_c add 0)."""
    grad[:, :] = 0.0
    total = 0.0
    for k in range(pi.size):
        i = pi[k]
        j = pj[k]
        total += energy[k]
        f = force[k]
        gx = f * dx[k]
        gy = f * dy[k]
        gz = f * dz[k]
        grad[j, 0] += gx
        grad[i, 0] -= gx
        grad[j, 1] += gy
        grad[i, 1] -= gy
        grad[j, 2] += gz
        grad[i, 2] -= gz
    return total


@njit(cache=True, error_model="numpy")
def _soft_sphere_t2_3d(
    pos: np.ndarray,
    pi: np.ndarray,
    pj: np.ndarray,
    shift: np.ndarray,
    a2: np.ndarray,
    epsilon: float,
    r_cut: float,
    grad: np.ndarray,
    work: np.ndarray,
    blocks: np.ndarray,
) -> float:  # pragma: no cover - compiled
    """V and ∂V/∂r for n = 12 soft spheres with T_2, d = 3, without square roots.

    φ = ε [s¹² − c¹²] w², s² = a_ij²/r², c¹² = (a_ij/r_c)¹², w = 1 − r²/r_c²
    (seed 001 eqs. 14 and 16) depends on r² only, and so does
    φ′/r = ε [−12 s¹² w² / r² − 4 (s¹² − c¹²) w / r_c²].  ``a2`` holds the
    per-pair a_ij² of the Verlet list; ``work`` is scratch of shape (6, pairs).
    With a non-empty ``blocks`` (N, 6), a fourth pass adds the diagonal
    Hessian blocks (:func:`_t2_diagonal_blocks`).

    Three passes over the list: the separations (indexed loads), the pair
    terms (contiguous arrays without branches, which the compiler turns
    into SIMD code; pairs beyond r_c get w = 0, hence φ = φ′ = 0 exactly),
    and the scatter of the pair forces.  One fused loop cannot be
    vectorised (indexed loads and stores) and costs about 1.6× as much.
    The arithmetic of each pair is unchanged by the vectorisation (no
    reassociation, no fused multiply-add), so results do not depend on the
    SIMD width of the machine.
    """
    size = pi.size
    dx, dy, dz, force, energy = work[0], work[1], work[2], work[3], work[4]
    for k in range(size):
        i = pi[k]
        j = pj[k]
        dx[k] = pos[j, 0] - pos[i, 0] + shift[k, 0]
        dy[k] = pos[j, 1] - pos[i, 1] + shift[k, 1]
        dz[k] = pos[j, 2] - pos[i, 2] + shift[k, 2]
    inv_rc2 = 1.0 / (r_cut * r_cut)
    for k in range(size):
        r2 = dx[k] * dx[k] + dy[k] * dy[k] + dz[k] * dz[k]
        inv, s12, u, w = _t2_pair_terms(r2, a2[k], inv_rc2)
        w = w if w > 0.0 else 0.0
        energy[k] = u * w * w
        force[k] = epsilon * (-12.0 * s12 * inv * w * w - 4.0 * u * w * inv_rc2)
    total = _scatter_pair_forces(pi, pj, energy, force, dx, dy, dz, grad)
    if blocks.shape[0] > 0:
        _t2_diagonal_blocks(pi, pj, a2, epsilon, r_cut, work, blocks)
    return epsilon * total


@njit(cache=True, error_model="numpy")
def _t2_diagonal_blocks(
    pi: np.ndarray,
    pj: np.ndarray,
    a2: np.ndarray,
    epsilon: float,
    r_cut: float,
    work: np.ndarray,
    blocks: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """The diagonal Hessian blocks H_ii = Σ_j K_ij of the T_2 kernel, packed (xx, yy, zz, xy, xz, yz).

    Runs after the force passes of :func:`_soft_sphere_t2_3d` on its
    ``work`` rows (separations and φ′/r of every listed pair).
    K_ij = (φ′/r) 1 + 4 φ_ρρ r rᵀ with ρ = r² (seed 001 eq. 46, since
    φ″ − φ′/r = 4 ρ φ_ρρ); for φ = ε u w², u = s¹² − c¹², w = 1 − ρ/r_c²:
    φ_ρρ = ε [42 s¹² w²/ρ² + 24 s¹² w/(ρ r_c²) + 2 u / r_c⁴], zero beyond
    r_c.  A SIMD pass for 4 φ_ρρ, then a scatter into both particles.
    """
    size = pi.size
    dx, dy, dz, force, curvature = work[0], work[1], work[2], work[3], work[5]
    inv_rc2 = 1.0 / (r_cut * r_cut)
    for k in range(size):
        r2 = dx[k] * dx[k] + dy[k] * dy[k] + dz[k] * dz[k]
        inv, s12, u, w = _t2_pair_terms(r2, a2[k], inv_rc2)
        value = (
            4.0
            * epsilon
            * (42.0 * s12 * inv * inv * w * w + 24.0 * s12 * inv * w * inv_rc2 + 2.0 * u * inv_rc2 * inv_rc2)
        )
        curvature[k] = value if w > 0.0 else 0.0
    blocks[:, :] = 0.0
    for k in range(size):
        i = pi[k]
        j = pj[k]
        f = force[k]
        h = curvature[k]
        x = dx[k]
        y = dy[k]
        z = dz[k]
        hx = h * x
        hy = h * y
        packed = (f + hx * x, f + hy * y, f + h * z * z, hx * y, hx * z, hy * z)
        for a in range(6):
            blocks[i, a] += packed[a]
            blocks[j, a] += packed[a]


@njit(cache=True, inline="always")
def _tinf_pair_terms(
    r2: float, r: float, t0: float, a: float, epsilon: float, r_cut: float
) -> tuple[float, float, float]:  # pragma: no cover - compiled
    """φ, φ′/r and (φ″ − φ′/r)/r² of one n = 12 soft-sphere pair with T_∞ inside r_c, t0 = T_∞(r/r_c).

    The operations of :func:`pair_terms` (``_base`` and ``taper`` of
    :mod:`..potentials`) in their order, the integer powers as numba
    evaluates them (square and multiply), so the result is the same bit for bit.
    """
    q = a / r
    q2 = q * q
    q4 = q2 * q2
    s = q4 * (q4 * q4)
    u0 = epsilon * s
    u1 = -epsilon * 12.0 * s / r
    u2 = epsilon * 12.0 * 13.0 * s / (r * r)
    c = a / r_cut
    c2 = c * c
    c4 = c2 * c2
    u0 -= epsilon * (c4 * (c4 * c4))
    xm = r / r_cut - 1.0
    g1 = -1.0 / (2.0 * (xm * xm))
    g2 = 1.0 / (xm * (xm * xm))
    t1 = t0 * g1 / r_cut
    t2 = t0 * (g2 + g1 * g1) / (r_cut * r_cut)
    f = (u1 * t0 + u0 * t1) / r
    return u0 * t0, f, (u2 * t0 + 2.0 * u1 * t1 + u0 * t2 - f) / r2


@njit(cache=True, error_model="numpy")
def _soft_sphere_tinf_3d(
    pos: np.ndarray,
    pi: np.ndarray,
    pj: np.ndarray,
    shift: np.ndarray,
    size: np.ndarray,
    epsilon: float,
    r_cut: float,
    grad: np.ndarray,
    work: np.ndarray,
    blocks: np.ndarray,
) -> float:  # pragma: no cover - compiled
    """V and ∂V/∂r for n = 12 soft spheres with T_∞, d = 3: the generic loop's result, bit for bit.

    φ = ε [(a_ij/r)¹² − (a_ij/r_c)¹²] T_∞(r/r_c), T_∞(x) = exp[x/(2(x − 1))]
    (seed 001 eqs. 14 and 17) needs r itself (x is linear in r) and one exp
    a pair.  The passes of :func:`_soft_sphere_t2_3d` (separations; pair
    terms; scatter), the pair terms split in three: r and the exponent g
    (SIMD), exp(g) alone (a libm call a pair: no vector exp without SVML),
    and the rest of φ, φ′/r and (φ″ − φ′/r)/r² (:func:`_tinf_pair_terms`,
    SIMD, pairs at or beyond r_c masked to 0 by selects).  ``size`` holds
    the per-pair a_ij of the Verlet list (:func:`pair_size`); ``work`` is
    scratch of shape (8, pairs): separations, φ′/r, φ, (φ″ − φ′/r)/r², r, T_∞.
    With a non-empty ``blocks`` (N, 6), the diagonal Hessian blocks
    (:func:`_tinf_diagonal_blocks`).

    Every pair's arithmetic is :func:`pair_terms`' (same operations, same
    order, no fused multiply-add), the sums run in pair order and pairs
    beyond r_c add an exact 0, so V, ∂V/∂r and the blocks equal
    :func:`_accumulate`'s bit for bit (``tests/generators/test_tinf_kernel.py``):
    a quench ends in the same inherent structure, and the catalogued
    m = ∞ sets rebuild to the same values.  About 2.1× faster than the
    generic loop (N = 2000 inherent structures: 0.52 against 1.1 ms, with
    the blocks 0.68 against 1.6 ms; ``speed/results/confirm_cost_fast_kernel.json``).
    """
    n_pairs = pi.size
    dx, dy, dz, force, energy, curvature = work[0], work[1], work[2], work[3], work[4], work[5]
    for k in range(n_pairs):
        i = pi[k]
        j = pj[k]
        dx[k] = pos[j, 0] - pos[i, 0] + shift[k, 0]
        dy[k] = pos[j, 1] - pos[i, 1] + shift[k, 1]
        dz[k] = pos[j, 2] - pos[i, 2] + shift[k, 2]
    with_blocks = blocks.shape[0] > 0
    radius, taper = work[6], work[7]
    for k in range(n_pairs):  # SIMD: r and the exponent g = x/(2(x − 1)) (x = 1/2 beyond r_c, masked below)
        r = np.sqrt(dx[k] * dx[k] + dy[k] * dy[k] + dz[k] * dz[k])
        x = r / r_cut
        x = x if x < 1.0 else 0.5
        radius[k] = r
        taper[k] = x / (2.0 * (x - 1.0))
    for k in range(n_pairs):  # exp alone: a libm call a pair, scalar
        taper[k] = np.exp(taper[k])
    for k in range(n_pairs):  # SIMD, without branches: pair_terms(r, a, ε, r_c, 0, 12, −1) written out
        r2 = dx[k] * dx[k] + dy[k] * dy[k] + dz[k] * dz[k]
        phi, f, h = _tinf_pair_terms(r2, radius[k], taper[k], size[k], epsilon, r_cut)
        inside = r2 < r_cut * r_cut and radius[k] < r_cut and radius[k] / r_cut < 1.0
        energy[k] = phi if inside else 0.0
        force[k] = f if inside else 0.0
        curvature[k] = h if inside else 0.0
    total = _scatter_pair_forces(pi, pj, energy, force, dx, dy, dz, grad)
    if with_blocks:
        _tinf_diagonal_blocks(pi, pj, work, blocks)
    return total


@njit(cache=True, error_model="numpy")
def _tinf_diagonal_blocks(
    pi: np.ndarray, pj: np.ndarray, work: np.ndarray, blocks: np.ndarray
) -> None:  # pragma: no cover - compiled
    """The diagonal Hessian blocks of the T_∞ kernel, packed (xx, yy, zz, xy, xz, yz), as :func:`_accumulate`.

    K_ij = (φ′/r) 1 + h r rᵀ, h = (φ″ − φ′/r)/r² (``work[5]``, zero beyond
    r_c), added to the blocks of i and j with the generic loop's products.
    """
    dx, dy, dz, force, curvature = work[0], work[1], work[2], work[3], work[5]
    blocks[:, :] = 0.0
    for k in range(pi.size):
        i = pi[k]
        j = pj[k]
        f = force[k]
        h = curvature[k]
        x = dx[k]
        y = dy[k]
        z = dz[k]
        hx = h * x
        hy = h * y
        packed = (f + hx * x, f + hy * y, f + h * z * z, hx * y, hx * z, hy * z)
        for a in range(6):
            blocks[i, a] += packed[a]
            blocks[j, a] += packed[a]


@njit(cache=True)
def _cell_pairs_3d(
    ws: np.ndarray,
    order: np.ndarray,
    image: np.ndarray,
    start: np.ndarray,
    c: int,
    nb: int,
    same: bool,
    c0: float,
    c1: float,
    c2: float,
    r2max: float,
    pi: np.ndarray,
    pj: np.ndarray,
    shift: np.ndarray,
    count: int,
) -> int:  # pragma: no cover - compiled
    """The pairs between cells ``c`` and ``nb`` (image shift (c0, c1, c2)) closer than √r2max, d = 3.

    What the general loop of :func:`_verlet_pairs` does, with the
    coordinates written out and the shift held in scalars (about 2× faster;
    a shared inlined helper for storing a pair undid the gain); returns the
    new ``count`` (pairs beyond the arrays' room are counted, not stored).
    """
    for ii in range(start[c], start[c + 1]):
        x0 = ws[ii, 0] - c0
        x1 = ws[ii, 1] - c1
        x2 = ws[ii, 2] - c2
        for jj in range(ii + 1 if same else start[nb], start[nb + 1]):
            d0 = ws[jj, 0] - x0
            d1 = ws[jj, 1] - x1
            d2 = ws[jj, 2] - x2
            if d0 * d0 + d1 * d1 + d2 * d2 < r2max:
                if count < pi.size:
                    i = order[ii]
                    j = order[jj]
                    pi[count] = i
                    pj[count] = j
                    shift[count, 0] = c0 + image[i, 0] - image[j, 0]
                    shift[count, 1] = c1 + image[i, 1] - image[j, 1]
                    shift[count, 2] = c2 + image[i, 2] - image[j, 2]
                count += 1
    return count


@njit(cache=True)
def _verlet_pairs(
    x: np.ndarray, box: float, r_list: float, offsets: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """Every pair closer than ``r_list`` and its fixed image: r_ij = x_j − x_i + shift.

    ``x`` (N, d) are unwrapped positions.  They are wrapped into [0, L)
    (w = x − L ⌊x/L⌋) and sorted into a cell list of n_c = ⌊L / r_list⌋ cells
    per side, each cell's members contiguous; the half stencil ``offsets``
    (the cell itself first) visits each pair of neighbouring cells once, and
    the image of a neighbouring cell across the boundary is the constant
    cs = ±L per axis, so the distance test has no branch.  With n_c < 3 every
    pair is tested with the minimum image cs = −L rint((w_j − w_i)/L).  The
    shift cs + L⌊x_i/L⌋ − L⌊x_j/L⌋ is an exact multiple of L.
    """
    n, d = x.shape
    image = np.empty((n, d))
    w = np.empty((n, d))
    for i in range(n):
        for a in range(d):
            k = np.floor(x[i, a] / box) * box
            image[i, a] = k
            w[i, a] = x[i, a] - k
    n_cell = int(box // r_list)
    every_pair = n_cell < 3
    if every_pair:
        n_cell = 1
    _, start, order = bin_into_cells(w, box / n_cell, n_cell)
    total = n_cell**d
    ws = np.empty((n, d))
    for m in range(n):
        for a in range(d):
            ws[m, a] = w[order[m], a]
    n_offsets = 1 if every_pair else offsets.shape[0]
    ball = np.pi * r_list**2 if d == 2 else 4.0 / 3.0 * np.pi * r_list**3
    capacity = int(0.75 * n * n * ball / box**d) + 64
    r2max = r_list * r_list
    cs = np.zeros(d)
    cc = np.empty(d, np.int64)
    unrolled = d == 3 and not every_pair
    while True:
        pi = np.empty(capacity, np.int64)
        pj = np.empty(capacity, np.int64)
        shift = np.empty((capacity, d))
        count = 0
        for c in range(total):
            rest = c
            for a in range(d - 1, -1, -1):
                cc[a] = rest % n_cell
                rest //= n_cell
            for o in range(n_offsets):
                nb = 0
                for a in range(d):
                    t = cc[a] + offsets[o, a] if not every_pair else cc[a]
                    cs[a] = 0.0
                    if t >= n_cell:
                        t -= n_cell
                        cs[a] = box
                    elif t < 0:
                        t += n_cell
                        cs[a] = -box
                    nb = nb * n_cell + t
                if unrolled:  # d = 3 with cells: the same test, written out (about 2x faster)
                    count = _cell_pairs_3d(
                        ws, order, image, start, c, nb, o == 0, cs[0], cs[1], cs[2], r2max, pi, pj, shift, count
                    )
                    continue
                for ii in range(start[c], start[c + 1]):
                    for jj in range(ii + 1 if o == 0 else start[nb], start[nb + 1]):
                        r2 = 0.0
                        for a in range(d):
                            dx = ws[jj, a] - ws[ii, a]
                            if every_pair:
                                cs[a] = -box * np.rint(dx / box)
                            dx += cs[a]
                            r2 += dx * dx
                        if r2 < r2max:
                            if count < capacity:
                                i = order[ii]
                                j = order[jj]
                                pi[count] = i
                                pj[count] = j
                                for a in range(d):
                                    shift[count, a] = cs[a] + image[i, a] - image[j, a]
                            count += 1
        if count <= capacity:
            return pi[:count].copy(), pj[:count].copy(), shift[:count].copy()
        capacity = count


@njit(cache=True, error_model="numpy")
def _filter_pairs(
    x: np.ndarray, lists: tuple, params: tuple
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:  # pragma: no cover
    """The inner Verlet list at ``x``: the pairs of the outer list closer than r_c + skin.

    Returns (pi, pj, shift, a, work): the per-pair a_ij² (``fast`` = 1,
    :func:`_soft_sphere_t2_3d`) or a_ij (``fast`` = 2,
    :func:`_soft_sphere_tinf_3d`) and the (6, pairs) scratch of those
    kernels, filled or sized only for them (empty otherwise).
    """
    outer_i, outer_j, outer_shift = lists[0], lists[1], lists[2]
    sizes, fast, r_list, non_additivity = params[3], params[11], params[12] + params[13], params[15]
    d = x.shape[1]
    size = outer_i.size
    pi = np.empty(size, np.uint32)  # unsigned: indexing needs no wrap-around test (≈ 10 % off the kernel)
    pj = np.empty(size, np.uint32)
    shift = np.empty((size, d))
    r2max = r_list * r_list
    count = 0
    for k in range(size):  # branch-free compaction: always copy, advance when inside (≈ 60 % are)
        i = outer_i[k]
        j = outer_j[k]
        r2 = 0.0
        for a in range(d):
            s = outer_shift[k, a]
            dx = x[j, a] - x[i, a] + s
            r2 += dx * dx
            shift[count, a] = s
        pi[count] = i
        pj[count] = j
        count += r2 < r2max
    n_fast = count if fast != 0 else 0
    a2 = np.empty(n_fast)
    for k in range(n_fast):
        s = pair_size(sizes[pi[k]], sizes[pj[k]], non_additivity)
        a2[k] = s * s if fast == 1 else s
    work = np.empty((6 if fast == 1 else 8, n_fast))
    return pi[:count], pj[:count], shift[:count], a2, work


@njit(cache=True)
def _needs_rebuild(x: np.ndarray, reference: np.ndarray, skin: float) -> bool:  # pragma: no cover - compiled
    """Whether the two largest displacements since ``reference`` add up to more than ``skin``.

    A pair's distance changes by at most |Δr_i| + |Δr_j| ≤ δ₁ + δ₂ (the two
    largest displacements), so while δ₁ + δ₂ ≤ skin no pair that was farther
    than r + skin has come within r.  This is exact, and it triggers later
    than the usual max δ > skin/2 when one particle moves much more than the
    rest (a rattler, a local rearrangement).
    """
    first = 0.0
    second = 0.0
    for i in range(x.shape[0]):
        r2 = 0.0
        for a in range(x.shape[1]):
            dx = x[i, a] - reference[i, a]
            r2 += dx * dx
        if r2 > second:
            if r2 > first:
                second = first
                first = r2
            else:
                second = r2
    return np.sqrt(first) + np.sqrt(second) > skin


@njit(cache=True, error_model="numpy")
def _outer_list_holds(
    x: np.ndarray, reference: np.ndarray, box: float, r_list: float, r_inner: float, budget: float
) -> bool:  # pragma: no cover - compiled
    """Whether the outer list built at ``reference`` still holds every pair now closer than ``r_inner``.

    Exact test for when :func:`_needs_rebuild` trips: a pair missing from
    the list was at least r_list apart at the build, so to come within
    r_inner (= r_list − budget) now, |Δr_i| + |Δr_j| > budget, and one of the
    two moved more than budget/2 since the build.  Each such *mobile*
    particle is compared with every other one: a pair now closer than
    r_inner whose build separation was ≥ r_list (10⁻¹² relative margin
    against rounding: when in doubt, rebuild) means a rebuild.  With more
    than :data:`_MOBILE_LIMIT` mobile particles the test gives up (returns
    False): comparing them all would cost about as much as the rebuild.
    Positions are unwrapped; separations use the minimum image (r_list < L/2).
    """
    n, d = x.shape
    half2 = 0.25 * budget * budget
    mobile = np.empty(_MOBILE_LIMIT, np.int64)
    count = 0
    for i in range(n):
        r2 = 0.0
        for a in range(d):
            dx = x[i, a] - reference[i, a]
            r2 += dx * dx
        if r2 > half2:
            if count == _MOBILE_LIMIT:
                return False
            mobile[count] = i
            count += 1
    inner2 = r_inner * r_inner
    list2 = r_list * r_list * (1.0 - 1e-12)
    inv_box = 1.0 / box
    for m in range(count):
        i = mobile[m]
        for j in range(n):
            r2 = 0.0
            for a in range(d):
                dx = x[j, a] - x[i, a]
                dx -= box * np.rint(dx * inv_box)
                r2 += dx * dx
            if r2 < inner2 and j != i:
                r2 = 0.0
                for a in range(d):
                    dx = reference[j, a] - reference[i, a]
                    dx -= box * np.rint(dx * inv_box)
                    r2 += dx * dx
                if r2 >= list2:
                    return False
    return True


@njit(cache=True)
def _refresh(
    x: np.ndarray, lists: tuple, references: np.ndarray, params: tuple, counts: np.ndarray, force: bool
) -> tuple:  # pragma: no cover - compiled
    """Keep the two-level Verlet list valid at ``x`` (rebuild when needed, or always with ``force``).

    ``lists`` = (outer_i, outer_j, outer_shift, pi, pj, shift, a², work):
    the outer list (range r_c + outer skin, from a cell list) and the inner
    one (range r_c + skin, filtered from the outer list).  The inner list is
    renewed when the displacements since its build (``references[1]``)
    exceed the skin; the outer list, before that, when the displacements
    since its build (``references[0]``) exceed outer skin − skin (then it
    still holds every pair within r_c + skin).  ``counts`` += (inner builds,
    cell builds).
    """
    skin, outer_skin = params[13], params[14]
    if not force and not _needs_rebuild(x, references[1], skin):
        return lists
    outer_i, outer_j, outer_shift = lists[0], lists[1], lists[2]
    if force or (
        _needs_rebuild(x, references[0], outer_skin - skin)
        and not _outer_list_holds(x, references[0], params[0], params[1], params[12] + skin, outer_skin - skin)
    ):
        outer_i, outer_j, outer_shift = _verlet_pairs(x, params[0], params[1], params[2])
        references[0] = x
        counts[1] += 1
    outer = (outer_i, outer_j, outer_shift)
    pi, pj, shift, a2, work = _filter_pairs(x, outer, params)
    references[1] = x
    counts[0] += 1
    return outer_i, outer_j, outer_shift, pi, pj, shift, a2, work


@njit(cache=True)
def _evaluate(
    x: np.ndarray, lists: tuple, params: tuple, grad: np.ndarray, blocks: np.ndarray
) -> float:  # pragma: no cover - compiled
    """V and ∂V/∂r (into ``grad``) over the inner Verlet list of ``lists`` with the model ``params``.

    A non-empty ``blocks`` (N, d(d+1)/2) also receives the diagonal blocks
    of the Hessian, packed as in :func:`unpack_blocks`; pass an empty
    (0, d(d+1)/2) array to skip them.
    """
    pi, pj, shift, a2, work = lists[3], lists[4], lists[5], lists[6], lists[7]
    sizes, species, sigma, epsilon, cutoff = params[3], params[4], params[5], params[6], params[7]
    kind, exponent, order, fast, r_cut = params[8], params[9], params[10], params[11], params[12]
    if fast == 1:
        return _soft_sphere_t2_3d(x, pi, pj, shift, a2, epsilon[0, 0], r_cut, grad, work, blocks)
    if fast == 2:
        return _soft_sphere_tinf_3d(x, pi, pj, shift, a2, epsilon[0, 0], cutoff[0, 0], grad, work, blocks)
    return _energy_gradient(
        x, pi, pj, shift, sizes, species, sigma, epsilon, cutoff, kind, exponent, order, params[15], grad, blocks
    )


@njit(cache=True)
def _max_norm(grad: np.ndarray) -> float:  # pragma: no cover - compiled
    """max_i |g_i| of an (N, d) array, the largest per-particle norm."""
    worst = 0.0
    for i in range(grad.shape[0]):
        r2 = 0.0
        for a in range(grad.shape[1]):
            r2 += grad[i, a] * grad[i, a]
        worst = max(worst, r2)
    return np.sqrt(worst)


class EnergyModel:
    """V(r₁ … r_N) and its analytic gradient for fixed box, sizes, species and potential.

    Parameters
    ----------
    config
        Supplies the box, the diameters and the species (its positions only
        seed the first Verlet list).
    potential
        The tapered pair potential.
    skin
        Verlet skin of the list the force loop runs over.
    outer_skin
        Skin of the outer list it is filtered from (see the module notes);
        both are reduced automatically so that r_c + skin ≤ r_c + outer skin
        < L/2.
    kernel
        ``"fast"``: n = 12 soft spheres in d = 3 take their dedicated kernel
        (T_2: :func:`_soft_sphere_t2_3d`; T_∞: :func:`_soft_sphere_tinf_3d`,
        bit for bit the generic loop's result); ``"generic"``: always the
        generic loop :func:`_accumulate` (for comparisons).

    Attributes
    ----------
    n_evaluations
        Energy-and-gradient evaluations so far (including those of the
        compiled L-BFGS loop); :attr:`n_builds` and :attr:`n_cell_builds`
        count the list builds.

    Examples
    --------
    >>> from vdosbench.generators.glasses.configurations import fcc_crystal
    >>> from vdosbench.generators.glasses.potentials import soft_sphere_potential
    >>> crystal = fcc_crystal(3)
    >>> model = EnergyModel(crystal, soft_sphere_potential(2))
    >>> energy, grad = model.energy_gradient(crystal.positions)
    >>> bool(energy > 0), float(np.abs(grad).max()) < 1e-12   # a perfect crystal is force-free
    (True, True)
    """

    def __init__(
        self,
        config: Configuration,
        potential: PairPotential,
        skin: float = DEFAULT_SKIN,
        outer_skin: float = DEFAULT_OUTER_SKIN,
        kernel: str = "fast",
    ) -> None:
        if kernel not in ("fast", "generic"):
            raise ValueError(
                f"kernel is {kernel!r}; expected 'fast' (the dedicated kernels where they apply) or 'generic'"
            )
        self.box_length = config.box_length
        self.sizes = config.sizes
        self.species = config.species
        self.potential = potential
        potential.check_sizes(config.sizes)
        self.dimension = config.dimension
        self.n_particles = config.n_particles
        r_c = potential.max_cutoff
        room = 0.5 * config.box_length * (1.0 - 1e-9) - r_c
        if room <= 0:
            raise ValueError(
                f"the box (L = {config.box_length:.4g}) is too small for the cutoff r_c = {r_c:.4g}: "
                f"need L > 2 r_c for the minimum image; use more particles (N > {config.density * (2 * r_c) ** config.dimension:.0f})"
            )
        self.outer_skin = float(min(max(outer_skin, skin), room))
        self.skin = float(min(skin, self.outer_skin))
        d = config.dimension
        every = np.stack(np.meshgrid(*([np.arange(-1, 2)] * d), indexing="ij"), axis=-1).reshape(-1, d)
        # n = 12 soft spheres in d = 3 have their own kernels: T_2 square-root free (1), T_∞ (2)
        fast = 0
        if kernel == "fast" and potential.kind == KIND_SOFT_SPHERE and potential.exponent == 12 and d == 3:
            fast = {2: 1, INFINITE_ORDER: 2}.get(potential.taper_order, 0)
        # what the compiled kernels need, as one tuple (indices used by _refresh, _filter_pairs and _evaluate)
        self._params = (
            float(config.box_length),
            r_c + self.outer_skin,
            np.ascontiguousarray(every[(3**d) // 2 :]),
            np.ascontiguousarray(self.sizes, dtype=np.float64),
            np.ascontiguousarray(self.species, dtype=np.int64),
            potential.sigma,
            potential.epsilon,
            potential.cutoff,
            potential.kind,
            potential.exponent,
            potential.taper_order,
            fast,
            r_c,
            self.skin,
            self.outer_skin,
            potential.non_additivity,
        )
        self._counts = np.zeros(2, np.int64)  # inner-list builds, cell-list builds
        self.n_evaluations = 0
        x = np.ascontiguousarray(config.positions, dtype=np.float64)
        self._references = np.stack([x, x])
        outer = (np.empty(0, np.int64), np.empty(0, np.int64), np.empty((0, d)))
        inner = (np.empty(0, np.uint32), np.empty(0, np.uint32), np.empty((0, d)), np.empty(0), np.empty((6, 0)))
        self._lists = _refresh(x, outer + inner, self._references, self._params, self._counts, True)

    @property
    def n_builds(self) -> int:
        """Verlet-list builds so far (the first one included)."""
        return int(self._counts[0])

    @property
    def n_cell_builds(self) -> int:
        """Builds of the outer list by a cell search (the rest were filtered from it)."""
        return int(self._counts[1])

    @property
    def _t2_fast(self) -> bool:
        return self._params[11] == 1

    @property
    def _tinf_fast(self) -> bool:
        return self._params[11] == 2

    def energy_gradient(self, positions: np.ndarray) -> tuple[float, np.ndarray]:
        """V and ∂V/∂r.

        Parameters
        ----------
        positions
            Shape (N, d) (or flat (N·d,)); any real values.

        Returns
        -------
        energy : float
            V in units of ε.
        gradient : numpy.ndarray
            Shape (N, d), ∂V/∂r (= −force), units ε per unit length.
        """
        return self._evaluate_at(positions, np.empty((0, self.block_width)))

    def hessian_diagonal(self, positions: np.ndarray) -> np.ndarray:
        """The diagonal blocks H_ii = ∂²V/∂r_i∂r_i of the analytic Hessian (those L-BFGS preconditions with).

        Parameters
        ----------
        positions
            Shape (N, d) (or flat (N·d,)).

        Returns
        -------
        numpy.ndarray
            Shape (N, d, d), H_ii = Σ_j [φ″ n nᵀ + (φ′/r)(1 − n nᵀ)] over the
            interacting neighbours j (seed 001 eq. 46), units ε per length².
        """
        blocks = np.empty((self.n_particles, self.block_width))
        self._evaluate_at(positions, blocks)
        return unpack_blocks(blocks)

    def _evaluate_at(self, positions: np.ndarray, blocks: np.ndarray) -> tuple[float, np.ndarray]:
        """V and ∂V/∂r with the Verlet list kept valid; a non-empty ``blocks`` also gets the Hessian's diagonal."""
        pos = np.ascontiguousarray(positions, dtype=np.float64).reshape(self.n_particles, self.dimension)
        self._lists = _refresh(pos, self._lists, self._references, self._params, self._counts, False)
        grad = np.empty_like(pos)
        energy = _evaluate(pos, self._lists, self._params, grad, blocks)
        self.n_evaluations += 1
        return float(energy), grad

    @property
    def block_width(self) -> int:
        """Entries of one particle's packed diagonal Hessian block, d(d+1)/2 (the columns of ``blocks``)."""
        return self.dimension * (self.dimension + 1) // 2

    def evaluate_on_list(self, positions: np.ndarray, grad: np.ndarray, blocks: np.ndarray | None = None) -> float:
        """V, with ∂V/∂r written into ``grad``, over the current Verlet list: the compiled kernel alone.

        Unlike :meth:`energy_gradient` it neither checks nor rebuilds the list and allocates nothing, so its
        time is the floor of one force evaluation (``speed/bench_soft_spheres.py`` measures it).  Valid only
        for positions within half the skin of those the list was last built at (the model's configuration
        when new, or the last positions it evaluated); elsewhere pairs would be missed.

        Parameters
        ----------
        positions
            Shape (N, d), C-contiguous float64.
        grad
            Shape (N, d), float64; overwritten with ∂V/∂r.
        blocks
            None, or shape (N, :attr:`block_width`): overwritten with the packed diagonal Hessian blocks
            (as :meth:`hessian_diagonal` computes them before unpacking).

        Returns
        -------
        float
            V in units of ε.

        Examples
        --------
        >>> from vdosbench.generators.glasses.configurations import fcc_crystal
        >>> from vdosbench.generators.glasses.potentials import soft_sphere_potential
        >>> crystal = fcc_crystal(3)
        >>> model = EnergyModel(crystal, soft_sphere_potential(2))
        >>> grad = np.empty_like(crystal.positions)
        >>> model.evaluate_on_list(crystal.positions, grad) == model.energy(crystal.positions)
        True
        """
        if blocks is None:
            blocks = np.empty((0, self.block_width))
        return float(_evaluate(positions, self._lists, self._params, grad, blocks))

    def energy(self, positions: np.ndarray) -> float:
        """V alone (see :meth:`energy_gradient`)."""
        return self.energy_gradient(positions)[0]

    def max_force(self, positions: np.ndarray) -> float:
        """max_i |F_i|, the largest per-particle force norm."""
        return float(_max_norm(self.energy_gradient(positions)[1]))
