"""Potential energy, analytic forces and the quench to the inherent structure.

The energy of a configuration is the pair sum of seed 001 eq. (13)/(44),
V = Σ_(i<j) φ(r_ij), with the tapered pair potentials of
:mod:`vdosbench.generators.potentials` and minimum-image distances in a
periodic box.  Its gradient is analytic:
∂V/∂r_j = Σ_i φ′(r_ij) (r_j − r_i)/r_ij.

Pairs come from a two-level Verlet list.  The inner list holds every pair
closer than r_c + skin (skin 0.15) with its periodic image fixed at the
build; it is filtered from an outer list of the pairs closer than
r_c + outer skin (0.5), found by a compiled cell search.  The inner list is
renewed when the two largest displacements since its build add up to more
than the skin (exact: no unlisted pair can then be inside r_c).  The outer
one is renewed only when a pair it lacks may have come within r_c + skin:
when the two largest displacements since its build exceed outer skin − skin,
the particles that moved more than half of that are compared with all
others (:func:`_outer_list_holds`, exact), which spares ≈ 55 % of the cell
searches (a few mobile particles trip the displacement test long before
any of them meets a new neighbour).  The small skin
keeps the force loop short (about 19 500 pairs at N = 1000 against 23 900
with skin 0.3, −17 % per evaluation); filtering 31 000 outer pairs
(≈ 0.3 ms) instead of a cell search (≈ 1.5 ms) keeps the more frequent
rebuilds cheap.  The pair loops are compiled (numba).

Quench (:func:`quench`)
    1. *Pre-relaxation* (only from strongly overlapping starts such as random
       positions, max |F_i| > ``prerelax_force``): FIRE with a capped step
       until max |F_i| ≤ ``prerelax_force``.
    2. *L-BFGS* (:func:`lbfgs_minimize`; seed 001 Methods uses LBFGS),
       block-Jacobi preconditioned (below), with the analytic gradient and a
       backtracking line search whose energy test
       allows for rounding (10⁻¹² |V|): an energy-only line search (e.g.
       scipy's L-BFGS-B) stalls once |F| ≲ √(λ ε_mach |V|) ≈ 10⁻⁶, where
       energy differences drown in rounding; this one then follows the
       gradient alone and reaches 10⁻¹⁰ and below.  The whole iteration
       (two-loop recursion, line search, Verlet-list upkeep and rebuilds) is
       one compiled call, so an iteration costs one force evaluation plus
       the O(m N d) recursion (m = 10 correction pairs), instead of a Python
       loop that doubled the cost of an evaluation.
    3. *FIRE polish* (Bitzek et al. 2006, with the FIRE 2.0 half-step
       correction of Guénolé et al. 2020), only if L-BFGS stops short (its
       iteration limit, or a failed line search); forces only.
    Convergence is max_i |F_i| ≤ ``force_tolerance`` (the largest
    per-particle force *norm*); default 10⁻¹⁰ in units ε/a (energy scale of
    the potential per unit length).

Measured on N = 1000, d = 3 soft spheres (``benchmarks/bench_soft_spheres.py``
and interleaved comparisons on two sets of 16 Monte Carlo starts at T* = 0.1,
seeds 2024–2039 and, held out, 3000–3015; one thread).  One evaluation of the
T_2 kernel runs in three passes over the list (separations, pair terms as
SIMD code, scatter of the forces): about 0.2 ms for 19 500 pairs against
0.35 ms for the fused loop.  Without a preconditioner the quench needs
≈ 1150 – 1300 evaluations; replaying one quench's evaluations split its time
into the kernel (≈ 55 %), the list upkeep (≈ 20 %: ≈ 110 inner filters and,
before the exact outer test, ≈ 40 cell searches of ≈ 1.5 ms; summed over the
descent the most mobile particles move ≈ 6 diameters, back and forth, for a
net ≤ 1.5) and the L-BFGS algebra (≈ 25 %).  Where the evaluations go: from
max |F| = 1 to 10⁻¹ ≈ 50 iterations, to 10⁻² ≈ 300, to 10⁻³ another
100 – 500 (forces spread over ≈ 90 % of the particles, not a few rattlers),
then ≈ 50 – 80 per decade to 10⁻¹⁰.

*Block-Jacobi preconditioning* (default; ``QuenchSettings(preconditioner=
"none")`` turns it off): H₀ = γ diag(H_ii)⁻¹ with the d × d diagonal blocks
of the analytic Hessian, returned by the force kernels with the forces when
asked (a fourth pass over the pairs, about as dear as the other three).
Renewed at every iteration the blocks cut the median evaluation count from
≈ 1150 – 1250 to ≈ 780, but then every evaluation costs ≈ 1.5 – 2×;
renewed every k-th iteration (the evaluations of the iteration before
return them) the median count is ≈ 820 – 830 for k = 5, 840 – 1030 for
k = 10, 980 for k = 20, 1270 for k = 100 and 2700 with the start's blocks
only — they go stale as the structure relaxes.  k = 5 (the default) was chosen on
seeds 2024–2039 and confirmed on 3000–3015: median quench time 0.84× that of
the unpreconditioned quench of stop 10 on both sets (k = 10: 0.89× and
0.87×), 0.95× and 0.90× that of the unpreconditioned quench with the same
list upkeep.  With the generic kernel (N = 1000, k = 5) the median fell from
1.67 to 1.06 s (T_∞, d = 3, 6 Monte Carlo starts), 3.78 to 3.04 s
(Kob–Andersen, T_2, d = 3, 5 random starts) and 0.71 to 0.59 s (soft
spheres, d = 2, 5 random starts).  A block that is not positive definite is
replaced by the mean diagonal (:func:`_invert_blocks`).

What did not pay: another L-BFGS memory (3 … 40: evaluation counts within
the sample-to-sample scatter, while the recursion costs O(m N d) per
iteration), a larger step cap (the cap of 0.1 binds on < 1 % of the
iterations, and backtracking is rare — ≈ 1 % of the iterations — so
accepting the unit step would save nothing), sorting particles in cell
order (≤ 5 %, below the timing noise on a shared machine), processing the
three passes in cache-sized blocks, a compressed-row list (forces of i
summed in registers; slower: runs of equal i are only ≈ 4 pairs long in
cell order), grouping the list by i (kernel ≈ 6 % faster, cell search
0.24 ms slower), a two-pass filter, cells of half the list range, a
branch-free cell search (same time), a shift code instead of the shift
vector, vectorised dot products (no deterministic form was faster: numba
keeps eight partial sums scalar, and ``fastmath`` would make the result
depend on the machine's SIMD width), fusing each update of the two-loop
recursion with the dot product after it (kept, bit-identical, but < 10 %
of the recursion), float32 storage of the L-BFGS pairs (same time per
evaluation), the exact test also for the inner list (the all-pairs scans
of the mobile particles cost as much as the ≈ 50 filters they spare), a
scalar tr H_ii / d instead of the blocks (≈ 990 evaluations with renewal
at every iteration), handing over to FIRE early (FIRE needs ~600 steps
per decade of max |F| in the convergent tail, L-BFGS ~70: switching at
10⁻⁷ already costs 2× the evaluations, at 10⁻³ 5×), and a Newton polish
with the analytic Hessian (from max |F| = 10⁻³ it reaches 10⁻¹² in 2 – 3
steps, but one sparse LU of the 3000 × 3000 Hessian takes 1.2 – 2 s, its
fill is 4.4×10⁶, and block-Jacobi CG needs ≈ 330 products per step,
κ ≈ 3000 – 5000, ≈ 0.15 s).

Iteration counts are chaotic in the rounding: any change of summation
order sends the descent into a different (equally valid) inherent structure,
with ±30 % different work, so only medians over samples compare settings.

References
----------
Seed 001, file ``001_d453c975fd50a4a2.txt``: eqs. (13)–(14) (energy),
Methods "Simulation details" (inherent structures by LBFGS).
J. Nocedal and S. J. Wright, Numerical Optimization, 2nd ed., Springer (2006),
Algorithm 7.4 (L-BFGS two-loop recursion).
E. Bitzek et al., Phys. Rev. Lett. 97, 170201 (2006) (FIRE);
J. Guénolé et al., Comput. Mater. Sci. 175, 109584 (2020) (FIRE 2.0).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from numba import njit

from .configurations import Configuration, bin_into_cells, wrap
from .potentials import KIND_SOFT_SPHERE, PairPotential, pair_parameters, pair_terms

__all__ = [
    "DEFAULT_SKIN",
    "PRECONDITIONERS",
    "EnergyModel",
    "QuenchResult",
    "QuenchSettings",
    "fire_minimize",
    "lbfgs_minimize",
    "quench",
    "unpack_blocks",
]

#: Default Verlet skin (units of the mean diameter).
DEFAULT_SKIN = 0.15
#: Default skin of the outer list from which the Verlet list is filtered.
DEFAULT_OUTER_SKIN = 0.5
#: L-BFGS preconditioners of :func:`lbfgs_minimize`: none, or block-Jacobi from the analytic Hessian (the default).
PRECONDITIONERS = ("none", "block_jacobi")

#: Most particles :func:`_outer_list_holds` compares with all others (each scan ≈ 5 µs at N = 1000,
#: a cell search ≈ 1.5 ms) before it asks for the rebuild instead.
_MOBILE_LIMIT = 64

# how the compiled L-BFGS loop stopped
_CONVERGED, _ITERATION_LIMIT, _LINE_SEARCH_FAILED = 0, 1, 2


@njit(cache=True, inline="always")
def _accumulate(
    pos: np.ndarray, pi: np.ndarray, pj: np.ndarray, shift: np.ndarray, sizes: np.ndarray,
    species: np.ndarray, sigma: np.ndarray, epsilon: np.ndarray, cutoff: np.ndarray, kind: int, n: int,
    order: int, grad: np.ndarray, blocks: np.ndarray,
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
        s, e, c = pair_parameters(i, j, sizes, species, sigma, epsilon, cutoff, kind)
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
    pos: np.ndarray, pi: np.ndarray, pj: np.ndarray, shift: np.ndarray, sizes: np.ndarray,
    species: np.ndarray, sigma: np.ndarray, epsilon: np.ndarray, cutoff: np.ndarray, kind: int, n: int,
    order: int, grad: np.ndarray, blocks: np.ndarray,
) -> float:  # pragma: no cover - compiled
    """:func:`_accumulate`, with a constant-folded fast path for soft spheres with T_∞.

    Calling the inlined loop with literal (kind, n, order) lets the compiler
    fold the integer powers of the power law (about 2× faster); other
    potentials take the generic loop (each variant costs compile time).  The
    seed's m = 2 soft spheres in d = 3 have their own kernel,
    :func:`_soft_sphere_t2_3d`.
    """
    if kind == KIND_SOFT_SPHERE and n == 12 and order == -1:
        return _accumulate(pos, pi, pj, shift, sizes, species, sigma, epsilon, cutoff, 0, 12, -1, grad, blocks)
    return _accumulate(pos, pi, pj, shift, sizes, species, sigma, epsilon, cutoff, kind, n, order, grad, blocks)


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


@njit(cache=True, error_model="numpy")
def _soft_sphere_t2_3d(
    pos: np.ndarray, pi: np.ndarray, pj: np.ndarray, shift: np.ndarray, a2: np.ndarray, epsilon: float,
    r_cut: float, grad: np.ndarray, work: np.ndarray, blocks: np.ndarray,
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
    grad[:, :] = 0.0
    total = 0.0
    for k in range(size):
        i = pi[k]
        j = pj[k]
        total += energy[k]  # in pair order, as the fused loop summed it (pairs beyond r_c add 0)
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
    if blocks.shape[0] > 0:
        _t2_diagonal_blocks(pi, pj, a2, epsilon, r_cut, work, blocks)
    return epsilon * total


@njit(cache=True, error_model="numpy")
def _t2_diagonal_blocks(
    pi: np.ndarray, pj: np.ndarray, a2: np.ndarray, epsilon: float, r_cut: float, work: np.ndarray,
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
        value = 4.0 * epsilon * (
            42.0 * s12 * inv * inv * w * w + 24.0 * s12 * inv * w * inv_rc2 + 2.0 * u * inv_rc2 * inv_rc2
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


@njit(cache=True)
def _cell_pairs_3d(
    ws: np.ndarray, order: np.ndarray, image: np.ndarray, start: np.ndarray, c: int, nb: int, same: bool,
    c0: float, c1: float, c2: float, r2max: float, pi: np.ndarray, pj: np.ndarray, shift: np.ndarray, count: int,
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
                    count = _cell_pairs_3d(ws, order, image, start, c, nb, o == 0, cs[0], cs[1], cs[2], r2max,
                                           pi, pj, shift, count)
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

    Returns (pi, pj, shift, a², work); the per-pair a_ij² and the (6, pairs)
    scratch of :func:`_soft_sphere_t2_3d` are filled or sized only for that
    kernel (empty otherwise).
    """
    outer_i, outer_j, outer_shift = lists[0], lists[1], lists[2]
    sizes, fast, r_list = params[3], params[11], params[12] + params[13]
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
    n_fast = count if fast else 0
    a2 = np.empty(n_fast)
    for k in range(n_fast):
        s = 0.5 * (sizes[pi[k]] + sizes[pj[k]])
        a2[k] = s * s
    work = np.empty((6, n_fast))
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
    if fast:
        return _soft_sphere_t2_3d(x, pi, pj, shift, a2, epsilon[0, 0], r_cut, grad, work, blocks)
    return _energy_gradient(
        x, pi, pj, shift, sizes, species, sigma, epsilon, cutoff, kind, exponent, order, grad, blocks
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

    Attributes
    ----------
    n_evaluations
        Energy-and-gradient evaluations so far (including those of the
        compiled L-BFGS loop); :attr:`n_builds` and :attr:`n_cell_builds`
        count the list builds.

    Examples
    --------
    >>> from vdosbench.generators.configurations import fcc_crystal
    >>> from vdosbench.generators.potentials import soft_sphere_potential
    >>> crystal = fcc_crystal(3)
    >>> model = EnergyModel(crystal, soft_sphere_potential(2))
    >>> energy, grad = model.energy_gradient(crystal.positions)
    >>> bool(energy > 0), float(np.abs(grad).max()) < 1e-12   # a perfect crystal is force-free
    (True, True)
    """

    def __init__(
        self, config: Configuration, potential: PairPotential, skin: float = DEFAULT_SKIN,
        outer_skin: float = DEFAULT_OUTER_SKIN,
    ) -> None:
        self.box_length = config.box_length
        self.sizes = config.sizes
        self.species = config.species
        self.potential = potential
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
        # the seed's usual case (n = 12, T_2, d = 3) has a square-root-free kernel
        fast = potential.kind == KIND_SOFT_SPHERE and potential.exponent == 12 and potential.taper_order == 2 and d == 3
        # what the compiled kernels need, as one tuple (indices used by _refresh, _filter_pairs and _evaluate)
        self._params = (
            float(config.box_length), r_c + self.outer_skin, np.ascontiguousarray(every[(3**d) // 2 :]),
            np.ascontiguousarray(self.sizes, dtype=np.float64), np.ascontiguousarray(self.species, dtype=np.int64),
            potential.sigma, potential.epsilon, potential.cutoff, potential.kind, potential.exponent,
            potential.taper_order, fast, r_c, self.skin, self.outer_skin,
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
        return bool(self._params[11])

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
        return self._evaluate_at(positions, np.empty((0, self._block_width)))

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
        blocks = np.empty((self.n_particles, self._block_width))
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
    def _block_width(self) -> int:
        return self.dimension * (self.dimension + 1) // 2

    def energy(self, positions: np.ndarray) -> float:
        """V alone (see :meth:`energy_gradient`)."""
        return self.energy_gradient(positions)[0]

    def max_force(self, positions: np.ndarray) -> float:
        """max_i |F_i|, the largest per-particle force norm."""
        return float(_max_norm(self.energy_gradient(positions)[1]))


def _check_preconditioner(preconditioner: str, refresh: int) -> None:
    """Refuse an unknown preconditioner, or a block refresh interval that is not a positive integer."""
    if preconditioner not in PRECONDITIONERS:
        raise ValueError(f"preconditioner must be one of {PRECONDITIONERS}, found {preconditioner!r}")
    if isinstance(refresh, bool) or not isinstance(refresh, (int, np.integer)) or refresh < 1:
        raise ValueError(
            f"the preconditioner refresh interval must be an integer >= 1 (iterations), found {refresh!r}"
        )


@dataclass(frozen=True)
class QuenchSettings:
    """How to quench to the inherent structure.

    Attributes
    ----------
    force_tolerance
        Stop when max_i |F_i| ≤ this (units ε per unit length).
    max_lbfgs_iterations
        Iteration limit of L-BFGS.
    lbfgs_memory
        Number of correction pairs kept by L-BFGS (``maxcor``).  The
        evaluation count hardly depends on it: 16 N = 1000 soft-sphere
        quenches per value (seeds 3000–3015) give means of 1170–1470
        (± 45–75 each) for 3 … 14 without a trend, and on 16 more samples
        (seeds 2024–2039) m = 5 needs 1349 ± 78 against 1204 ± 48 for
        m = 10; the recursion's ≈ 10 % saving per iteration with m = 5 is
        within that scatter, so the default stays at scipy's 10.
    max_fire_steps
        Step limit of each FIRE stage.
    prerelax_force
        Start with a capped FIRE pre-relaxation when max |F_i| exceeds this.
    fire_dt, fire_dt_max
        Initial and largest FIRE time step (unit masses).
    max_step
        Largest displacement of one particle in one FIRE step.
    skin, outer_skin
        Verlet skin of the energy model, and that of the outer list it is
        filtered from (see :class:`EnergyModel`).
    preconditioner
        L-BFGS preconditioner, ``"block_jacobi"`` (default) or ``"none"``
        (see :func:`lbfgs_minimize`, measurements in the module notes).
    preconditioner_refresh
        Renew the block-Jacobi blocks every this many iterations (default
        5; 1 = every iteration).
    """

    force_tolerance: float = 1e-10
    max_lbfgs_iterations: int = 100_000
    lbfgs_memory: int = 10
    max_fire_steps: int = 200_000
    prerelax_force: float = 10.0
    fire_dt: float = 0.01
    fire_dt_max: float = 0.1
    max_step: float = 0.1
    skin: float = DEFAULT_SKIN
    outer_skin: float = DEFAULT_OUTER_SKIN
    preconditioner: str = "block_jacobi"
    preconditioner_refresh: int = 5

    def __post_init__(self) -> None:
        _check_preconditioner(self.preconditioner, self.preconditioner_refresh)
        if not self.force_tolerance > 0:
            raise ValueError(f"force_tolerance must be > 0, found {self.force_tolerance}")
        if not (0 < self.fire_dt <= self.fire_dt_max) or not self.max_step > 0:
            raise ValueError(
                f"need 0 < fire_dt ≤ fire_dt_max and max_step > 0, found {self.fire_dt}, "
                f"{self.fire_dt_max}, {self.max_step}"
            )


@dataclass(frozen=True)
class QuenchResult:
    """Outcome of :func:`quench`.

    Attributes
    ----------
    config
        The inherent structure (positions wrapped into [0, L)).
    energy
        V at the inherent structure (units ε).
    max_force
        Final max_i |F_i|.
    converged
        ``max_force ≤ force_tolerance``.
    prerelax_steps, lbfgs_iterations, fire_steps
        Work done by each stage.
    n_evaluations
        Energy-and-gradient evaluations in all.
    lbfgs_message
        Why L-BFGS stopped.
    wall_seconds
        Wall-clock time of the quench.
    n_builds
        Verlet-list builds (the first one included).
    lbfgs_memory, skin
        The L-BFGS memory and the Verlet skin used (the skin after the
        reduction to r_c + skin < L/2).
    preconditioner, preconditioner_refresh
        The L-BFGS preconditioner, ``"none"`` or ``"block_jacobi"``, and
        how often (iterations) its blocks were renewed.
    """

    config: Configuration
    energy: float
    max_force: float
    converged: bool
    prerelax_steps: int
    lbfgs_iterations: int
    fire_steps: int
    n_evaluations: int
    lbfgs_message: str
    wall_seconds: float
    n_builds: int
    lbfgs_memory: int
    skin: float
    preconditioner: str
    preconditioner_refresh: int


def fire_minimize(
    model: EnergyModel,
    positions: np.ndarray,
    force_tolerance: float,
    max_steps: int,
    dt: float = 0.01,
    dt_max: float = 0.1,
    max_step: float = 0.1,
) -> tuple[np.ndarray, float, np.ndarray, int]:
    """FIRE 2.0 descent until max_i |F_i| ≤ ``force_tolerance``.

    Parameters
    ----------
    model
        Energy and gradient.
    positions
        Shape (N, d), the start.
    force_tolerance
        Target of max_i |F_i|.
    max_steps
        Step limit.
    dt, dt_max
        Initial and largest time step (unit masses).
    max_step
        Cap on one particle's displacement per step.

    Returns
    -------
    positions : numpy.ndarray
        Shape (N, d), the end point.
    energy : float
        V there.
    gradient : numpy.ndarray
        Shape (N, d), ∂V/∂r there.
    steps : int
        Steps taken.

    Notes
    -----
    Parameters of Bitzek et al. (2006): N_delay = 5, f_inc = 1.1,
    f_dec = 0.5, α_start = 0.1, f_α = 0.99; semi-implicit Euler with the
    FIRE 2.0 correction (on P = F·v ≤ 0 the positions step back by dt v/2
    and v is zeroed).
    """
    n_delay, f_inc, f_dec, alpha_start, f_alpha, dt_min = 5, 1.1, 0.5, 0.1, 0.99, 0.02 * dt
    x = np.array(positions, dtype=np.float64, copy=True)
    v = np.zeros_like(x)
    energy, grad = model.energy_gradient(x)
    alpha, n_positive, step = alpha_start, 0, 0
    while _max_norm(grad) > force_tolerance and step < max_steps:
        force = -grad
        power = float(np.vdot(force, v))
        if power > 0:
            n_positive += 1
            if n_positive > n_delay:
                dt = min(dt * f_inc, dt_max)
                alpha *= f_alpha
        else:
            n_positive = 0
            dt = max(dt * f_dec, dt_min)
            alpha = alpha_start
            x -= 0.5 * dt * v
            v[:] = 0.0
        v += dt * force
        f_norm = float(np.linalg.norm(force))
        if f_norm > 0:
            v = (1.0 - alpha) * v + alpha * float(np.linalg.norm(v)) / f_norm * force
        largest = dt * _max_norm(v)
        if largest > max_step:  # cap the step (and the velocity with it, so that it stays bounded)
            v *= max_step / largest
        x += dt * v
        energy, grad = model.energy_gradient(x)
        step += 1
    return x, energy, grad, step


@njit(cache=True)
def _dot(u: np.ndarray, v: np.ndarray) -> float:  # pragma: no cover - compiled
    """uᵀv of two flat arrays with eight partial sums.

    A single running sum is a chain of dependent additions (one per 4 cycles
    or so); eight independent ones let the compiler overlap them without
    reassociating (no ``fastmath``), so the result stays reproducible.
    """
    n = u.size
    m = n - n % 8
    a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = 0.0
    for i in range(0, m, 8):
        a0 += u[i] * v[i]
        a1 += u[i + 1] * v[i + 1]
        a2 += u[i + 2] * v[i + 2]
        a3 += u[i + 3] * v[i + 3]
        a4 += u[i + 4] * v[i + 4]
        a5 += u[i + 5] * v[i + 5]
        a6 += u[i + 6] * v[i + 6]
        a7 += u[i + 7] * v[i + 7]
    for i in range(m, n):
        a0 += u[i] * v[i]
    return ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7))


def unpack_blocks(packed: np.ndarray) -> np.ndarray:
    """Symmetric d × d blocks from their packed rows.

    Parameters
    ----------
    packed
        Shape (N, 3) for d = 2, (xx, yy, xy), or (N, 6) for d = 3,
        (xx, yy, zz, xy, xz, yz): the layout of the compiled kernels.

    Returns
    -------
    numpy.ndarray
        Shape (N, d, d).

    Examples
    --------
    >>> unpack_blocks(np.array([[1.0, 2.0, 3.0]]))[0].tolist()
    [[1.0, 3.0], [3.0, 2.0]]
    """
    packed = np.asarray(packed, dtype=np.float64)
    d = {3: 2, 6: 3}.get(packed.shape[1])
    if d is None:
        raise ValueError(f"packed blocks need 3 (d = 2) or 6 (d = 3) columns, found {packed.shape[1]}")
    out = np.empty((packed.shape[0], d, d))
    p = d
    for a in range(d):
        out[:, a, a] = packed[:, a]
        for b in range(a + 1, d):
            out[:, a, b] = out[:, b, a] = packed[:, p]
            p += 1
    return out


@njit(cache=True)
def _invert_blocks(blocks: np.ndarray, inverse: np.ndarray) -> int:  # pragma: no cover - compiled
    """The block-Jacobi preconditioner P⁻¹ = diag(H_ii)⁻¹ from packed diagonal blocks.

    Each block is inverted in closed form (cofactors) when it is positive
    definite (Sylvester's criterion, with det > 10⁻¹² (tr/d)^d against
    overflow); a block that is not (a particle pushed by one neighbour
    only, whose transverse stiffness φ′/r < 0, or one without neighbours)
    gets (t̄)⁻¹ 1, t̄ the mean diagonal entry of the positive-definite
    blocks (1 if there is none).  Returns the number of such blocks.
    """
    n, width = blocks.shape
    d = 3 if width == 6 else 2
    total = 0.0
    good = 0
    bad = 0
    for i in range(n):
        b = blocks[i]
        tr = (b[0] + b[1] + b[2]) / 3.0 if d == 3 else 0.5 * (b[0] + b[1])
        if d == 3:
            cxx = b[1] * b[2] - b[5] * b[5]
            cyy = b[0] * b[2] - b[4] * b[4]
            czz = b[0] * b[1] - b[3] * b[3]
            cxy = b[4] * b[5] - b[3] * b[2]
            cxz = b[3] * b[5] - b[1] * b[4]
            cyz = b[3] * b[4] - b[0] * b[5]
            det = b[0] * cxx + b[3] * cxy + b[4] * cxz
            if b[0] > 0.0 and czz > 0.0 and det > 1e-12 * tr * tr * tr:
                inverse[i, 0] = cxx / det
                inverse[i, 1] = cyy / det
                inverse[i, 2] = czz / det
                inverse[i, 3] = cxy / det
                inverse[i, 4] = cxz / det
                inverse[i, 5] = cyz / det
                total += tr
                good += 1
                continue
        else:
            det = b[0] * b[1] - b[2] * b[2]
            if b[0] > 0.0 and det > 1e-12 * tr * tr:
                inverse[i, 0] = b[1] / det
                inverse[i, 1] = b[0] / det
                inverse[i, 2] = -b[2] / det
                total += tr
                good += 1
                continue
        inverse[i, 0] = np.nan  # marks a block to replace below
        bad += 1
    if bad:
        scale = good / total if good and total > 0 else 1.0
        for i in range(n):
            if np.isnan(inverse[i, 0]):
                for a in range(width):
                    inverse[i, a] = scale if a < d else 0.0
    return bad


@njit(cache=True)
def _apply_blocks(inverse: np.ndarray, q: np.ndarray, scale: float) -> None:  # pragma: no cover - compiled
    """q ← scale · P⁻¹ q for packed symmetric blocks (flat q, particle-major).

    The blocks are read through a flat view (about 3× faster than 2-d indexing).
    """
    n, width = inverse.shape
    p = inverse.reshape(n * width)
    if width == 6:
        for i in range(n):
            x, y, z = q[3 * i], q[3 * i + 1], q[3 * i + 2]
            b0, b1, b2, b3, b4, b5 = p[6 * i], p[6 * i + 1], p[6 * i + 2], p[6 * i + 3], p[6 * i + 4], p[6 * i + 5]
            q[3 * i] = scale * (b0 * x + b3 * y + b4 * z)
            q[3 * i + 1] = scale * (b3 * x + b1 * y + b5 * z)
            q[3 * i + 2] = scale * (b4 * x + b5 * y + b2 * z)
    else:
        for i in range(n):
            x, y = q[2 * i], q[2 * i + 1]
            b0, b1, b2 = p[3 * i], p[3 * i + 1], p[3 * i + 2]
            q[2 * i] = scale * (b0 * x + b2 * y)
            q[2 * i + 1] = scale * (b2 * x + b1 * y)


@njit(cache=True)
def _block_form(inverse: np.ndarray, y: np.ndarray) -> float:  # pragma: no cover - compiled
    """yᵀ P⁻¹ y for packed symmetric blocks (read through a flat view, as in :func:`_apply_blocks`)."""
    n, width = inverse.shape
    p = inverse.reshape(n * width)
    total = 0.0
    if width == 6:
        for i in range(n):
            u, v, w = y[3 * i], y[3 * i + 1], y[3 * i + 2]
            total += (p[6 * i] * u * u + p[6 * i + 1] * v * v + p[6 * i + 2] * w * w
                      + 2.0 * (p[6 * i + 3] * u * v + p[6 * i + 4] * u * w + p[6 * i + 5] * v * w))
    else:
        for i in range(n):
            u, v = y[2 * i], y[2 * i + 1]
            total += p[3 * i] * u * u + p[3 * i + 1] * v * v + 2.0 * p[3 * i + 2] * u * v
    return total


@njit(cache=True, inline="always")
def _axpy_dot(
    out: np.ndarray, src: np.ndarray, a: float, y: np.ndarray, scale: float, s: np.ndarray
) -> float:  # pragma: no cover - compiled
    """out ← (src + a y) · scale, and return sᵀout with the eight partial sums of :func:`_dot`.

    One pass where the recursion made two (an update, then a dot product
    with the updated vector); ``out`` may be ``src``.  Each element is
    rounded as in the two separate loops (scale = ±1 is exact), so the
    result is bit-identical to them.
    """
    n = out.size
    m = n - n % 8
    a0 = a1 = a2 = a3 = a4 = a5 = a6 = a7 = 0.0
    for i in range(0, m, 8):
        t0 = (src[i] + a * y[i]) * scale
        t1 = (src[i + 1] + a * y[i + 1]) * scale
        t2 = (src[i + 2] + a * y[i + 2]) * scale
        t3 = (src[i + 3] + a * y[i + 3]) * scale
        t4 = (src[i + 4] + a * y[i + 4]) * scale
        t5 = (src[i + 5] + a * y[i + 5]) * scale
        t6 = (src[i + 6] + a * y[i + 6]) * scale
        t7 = (src[i + 7] + a * y[i + 7]) * scale
        out[i] = t0
        out[i + 1] = t1
        out[i + 2] = t2
        out[i + 3] = t3
        out[i + 4] = t4
        out[i + 5] = t5
        out[i + 6] = t6
        out[i + 7] = t7
        a0 += s[i] * t0
        a1 += s[i + 1] * t1
        a2 += s[i + 2] * t2
        a3 += s[i + 3] * t3
        a4 += s[i + 4] * t4
        a5 += s[i + 5] * t5
        a6 += s[i + 6] * t6
        a7 += s[i + 7] * t7
    for i in range(m, n):
        t = (src[i] + a * y[i]) * scale
        out[i] = t
        a0 += s[i] * t
    return ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7))


@njit(cache=True)
def _two_loop(
    grad: np.ndarray, s_buf: np.ndarray, y_buf: np.ndarray, rho: np.ndarray, sy_yy: np.ndarray, alpha: np.ndarray,
    stored: int, newest: int, direction: np.ndarray, inverse: np.ndarray,
) -> float:  # pragma: no cover - compiled
    """direction = −H_k ∇V by the L-BFGS two-loop recursion over a ring buffer (Nocedal & Wright Alg. 7.4).

    H₀ = γ P⁻¹ with γ = sᵀy / yᵀP⁻¹y of the newest pair, P⁻¹ the packed
    block-Jacobi ``inverse`` (:func:`_invert_blocks`), or H₀ = (sᵀy / yᵀy) 1
    when ``inverse`` is empty; ``sy_yy`` (memory, 2) holds each stored
    pair's sᵀy and yᵀy, ``rho`` its 1 / sᵀy.
    Returns the slope ∇Vᵀ direction.  ``stored`` ≥ 1.

    Each update of q is fused with the dot product that follows it
    (:func:`_axpy_dot`): 2 m + 1 passes over the vectors instead of 4 m + 4.
    """
    memory = s_buf.shape[0]
    q = direction
    oldest = (newest - stored + 1) % memory
    if inverse.shape[0] > 0:
        gamma = sy_yy[newest, 0] / _block_form(inverse, y_buf[newest])
    else:
        gamma = sy_yy[newest, 0] / sy_yy[newest, 1]
    dot = _dot(s_buf[newest], grad)
    src = grad
    for t in range(stored):  # newest to oldest: q ← q − α_k y_k, α_k = ρ_k s_kᵀq
        k = (newest - t) % memory
        a = rho[k] * dot
        alpha[k] = a
        if t < stored - 1:
            dot = _axpy_dot(q, src, -a, y_buf[k], 1.0, s_buf[(k - 1) % memory])
        elif inverse.shape[0] > 0:  # then q ← γ P⁻¹ q, and y_oldestᵀq for the second loop
            _axpy_dot(q, src, -a, y_buf[k], 1.0, y_buf[oldest])
            _apply_blocks(inverse, q, gamma)
            dot = _dot(y_buf[oldest], q)
        else:  # then q ← γ q
            dot = _axpy_dot(q, src, -a, y_buf[k], gamma, y_buf[oldest])
        src = q
    slope = 0.0
    for t in range(stored - 1, -1, -1):  # oldest to newest: q ← q + (α_k − ρ_k y_kᵀq) s_k
        k = (newest - t) % memory
        b = alpha[k] - rho[k] * dot
        if t > 0:
            dot = _axpy_dot(q, q, b, s_buf[k], 1.0, y_buf[(k + 1) % memory])
        else:  # the last update also negates q into the direction and gives the slope
            slope = _axpy_dot(direction, q, b, s_buf[k], -1.0, grad)
    return slope


@njit(cache=True)
def _lbfgs_run(
    x0: np.ndarray, energy0: float, grad0: np.ndarray, blocks0: np.ndarray, lists: tuple, references: np.ndarray,
    params: tuple, counts: np.ndarray, force_tolerance: float, max_iterations: int, memory: int, max_step: float,
    refresh: int,
) -> tuple:  # pragma: no cover - compiled
    """The L-BFGS iteration of :func:`lbfgs_minimize`, Verlet-list upkeep included, compiled.

    With non-empty ``blocks0`` (the diagonal Hessian blocks at ``x0``), H₀ is
    the block-Jacobi inverse at the point of every ``refresh``-th iteration
    (the evaluations that may become that point also return the blocks);
    empty: H₀ = γ 1.

    Returns (x, energy, grad, lists, iterations, evaluations, status);
    ``references`` and ``counts`` are updated as in :func:`_refresh`.  status is
    :data:`_CONVERGED`, :data:`_ITERATION_LIMIT` or :data:`_LINE_SEARCH_FAILED`.
    """
    n, d = x0.shape
    size = n * d
    x = x0.copy()
    grad = grad0.copy()
    energy = energy0
    x_new = np.empty_like(x)
    g_new = np.empty_like(x)
    xf = x.reshape(size)
    gf = grad.reshape(size)
    xnf = x_new.reshape(size)
    gnf = g_new.reshape(size)
    direction = np.empty(size)
    s_vec = np.empty(size)
    y_vec = np.empty(size)
    s_buf = np.zeros((memory, size))
    y_buf = np.zeros((memory, size))
    rho = np.zeros(memory)
    sy_yy = np.zeros((memory, 2))
    alpha = np.zeros(memory)
    stored, newest = 0, -1  # ring buffer of the last ``memory`` (s, y) pairs
    iterations = evaluations = 0
    precondition = blocks0.shape[0] > 0  # no rows: the kernels skip the blocks, the recursion uses γ 1
    blocks = blocks0.copy()
    b_new = np.zeros_like(blocks)
    inverse = np.zeros_like(blocks)
    no_blocks = blocks[:0]
    status = _CONVERGED
    while _max_norm(grad) > force_tolerance:
        if iterations >= max_iterations:
            status = _ITERATION_LIMIT
            break
        if precondition and iterations % refresh == 0:
            _invert_blocks(blocks, inverse)
        renew = precondition and (iterations + 1) % refresh == 0  # the blocks of the next point are wanted
        slope = 0.0
        if stored:
            slope = _two_loop(gf, s_buf, y_buf, rho, sy_yy, alpha, stored, newest, direction, inverse)
        if not slope < 0:  # first iteration, or not a descent direction: restart from steepest descent
            stored, newest = 0, -1
            scale = 0.1 * max_step / max(_max_norm(grad), 1e-300)
            for i in range(size):
                direction[i] = -scale * gf[i]
            slope = _dot(gf, direction)
        largest = _max_norm(direction.reshape(n, d))
        if largest > max_step:
            for i in range(size):
                direction[i] *= max_step / largest
            slope *= max_step / largest
        slack = 1e-12 * max(1.0, abs(energy))
        step = 1.0
        accepted = False
        e_new = energy
        for _ in range(30):
            for i in range(size):
                xnf[i] = xf[i] + step * direction[i]
            lists = _refresh(x_new, lists, references, params, counts, False)
            e_new = _evaluate(x_new, lists, params, g_new, b_new if renew else no_blocks)
            evaluations += 1
            if e_new <= energy + 1e-4 * step * slope + slack:
                accepted = True
                break
            step *= 0.5
        if not accepted:
            status = _LINE_SEARCH_FAILED
            break
        for i in range(size):
            s_vec[i] = xnf[i] - xf[i]
            y_vec[i] = gnf[i] - gf[i]
        sy = _dot(s_vec, y_vec)
        yy = _dot(y_vec, y_vec)
        if sy > 1e-12 * yy:  # keep only pairs with positive curvature
            newest = (newest + 1) % memory
            s_buf[newest] = s_vec
            y_buf[newest] = y_vec
            rho[newest] = 1.0 / sy
            sy_yy[newest, 0] = sy
            sy_yy[newest, 1] = yy
            stored = min(stored + 1, memory)
        x, x_new = x_new, x
        grad, g_new = g_new, grad
        if renew:
            blocks, b_new = b_new, blocks
        xf, xnf = xnf, xf
        gf, gnf = gnf, gf
        energy = e_new
        iterations += 1
    return x, energy, grad, lists, iterations, evaluations, status


def lbfgs_minimize(
    model: EnergyModel,
    positions: np.ndarray,
    force_tolerance: float,
    max_iterations: int,
    memory: int = 10,
    max_step: float = 0.1,
    preconditioner: str = "block_jacobi",
    refresh: int = 5,
) -> tuple[np.ndarray, float, np.ndarray, int, str]:
    """(Preconditioned) L-BFGS descent until max_i |F_i| ≤ ``force_tolerance``.

    Parameters
    ----------
    model
        Energy and gradient.
    positions
        Shape (N, d), the start.
    force_tolerance
        Target of max_i |F_i|.
    max_iterations
        Iteration limit.
    memory
        Number of (s, y) correction pairs (Nocedal & Wright, Algorithm 7.4).
    max_step
        Cap on one particle's displacement per iteration (the step is scaled
        down as a whole).
    preconditioner
        ``"block_jacobi"`` (default): the initial inverse Hessian of each
        iteration is H₀ = γ diag(H_ii)⁻¹, the inverses of the d × d diagonal
        blocks of the analytic Hessian (seed 001 eq. 46), with
        γ = sᵀy / yᵀ diag(H_ii)⁻¹ y; ``"none"``: H₀ = (sᵀy / yᵀy) 1.
    refresh
        The blocks are those of the point of every ``refresh``-th iteration
        (0, refresh, 2 refresh, ...); the kernel returns them with the
        forces of the evaluations that may become such a point.

    Returns
    -------
    positions, energy, gradient, iterations, message
        End point (N, d), V there, ∂V/∂r there (N, d), iterations taken, and
        why it stopped.

    Notes
    -----
    The line search is a backtracking Armijo test with an energy slack of
    10⁻¹² max(1, |V|), the rounding level of the pair sum.  Far from the
    minimum it is an ordinary sufficient-decrease test; near it, once the
    expected decrease is below rounding, every step is taken and the
    iteration is driven by the gradient alone, so it converges to forces far
    below √(λ ε_mach |V|), where an energy-based line search stalls.  A step
    that is not a descent direction clears the memory.

    The block-Jacobi preconditioner accounts for the spread of local
    stiffness (particle sizes 0.73 – 1.62 and their neighbourhoods; the
    smallest eigenvalue of a block ranges over 13 – 175 ε/a² in an N = 1000
    glass).  Its blocks come out of the force kernel (one more pass over
    the pairs, about as dear as the forces, hence the renewal only every
    few iterations); a block that is not positive definite is replaced
    (:func:`_invert_blocks`).  The step P⁻¹∇V need not sum to zero over
    the particles, so the descent may drift by a small uniform translation
    (a zero mode of the periodic box).  Measurements are in the module notes.

    The whole iteration, the Verlet-list check and rebuilds included, is
    one compiled call (:func:`_lbfgs_run`): its cost per iteration is one
    force evaluation plus the O(memory · N d) two-loop recursion, whose dot
    products use eight partial sums (:func:`_dot`), each fused with the
    update before it (:func:`_axpy_dot`).  The model's list state and
    counters are updated on return.
    """
    _check_preconditioner(preconditioner, refresh)
    x = np.array(positions, dtype=np.float64).reshape(model.n_particles, model.dimension)
    blocks = np.empty((model.n_particles if preconditioner == "block_jacobi" else 0, model._block_width))
    energy, grad = model._evaluate_at(x, blocks)  # also makes the model's Verlet list valid at x
    x, energy, grad, model._lists, iterations, evaluations, status = _lbfgs_run(
        x, energy, grad, blocks, model._lists, model._references, model._params, model._counts, force_tolerance,
        max_iterations, memory, max_step, refresh,
    )
    model.n_evaluations += evaluations
    message = {_CONVERGED: "converged", _ITERATION_LIMIT: f"iteration limit {max_iterations} reached"}.get(
        status, "line search failed"
    )
    return x, float(energy), grad, iterations, message


def quench(
    config: Configuration, potential: PairPotential, settings: QuenchSettings | None = None
) -> QuenchResult:
    """Minimise V from ``config`` to its inherent structure.

    Parameters
    ----------
    config
        The start (e.g. an equilibrated Monte Carlo configuration, or random
        positions for an infinite parent temperature).
    potential
        The pair potential.
    settings
        :class:`QuenchSettings` (defaults: force tolerance 10⁻¹⁰).

    Returns
    -------
    QuenchResult

    Examples
    --------
    >>> from vdosbench.generators.configurations import polydisperse_configuration
    >>> from vdosbench.generators.potentials import soft_sphere_potential
    >>> start = polydisperse_configuration(128, 3, np.random.default_rng(0))
    >>> result = quench(start, soft_sphere_potential(2))
    >>> result.converged, result.max_force <= 1e-10
    (True, True)
    """
    s = settings or QuenchSettings()
    start = time.perf_counter()
    model = EnergyModel(config, potential, skin=s.skin, outer_skin=s.outer_skin)
    x = config.positions.copy()
    try:
        energy, grad = model.energy_gradient(x)
    except ZeroDivisionError:  # the generic kernel divides by r; the T_2 kernel returns NaN instead
        energy = float("nan")
    if not np.isfinite(energy):
        raise ValueError(
            f"the start has a non-finite energy ({energy}): two particles sit on the same point "
            "(r_ij = 0); remove the duplicate positions or start from random positions"
        )
    prerelax = 0
    if _max_norm(grad) > s.prerelax_force:
        x, energy, grad, prerelax = fire_minimize(
            model, x, s.prerelax_force, s.max_fire_steps, s.fire_dt, s.fire_dt_max, s.max_step
        )
    x, energy, grad, iterations, message = lbfgs_minimize(
        model, x, s.force_tolerance, s.max_lbfgs_iterations, s.lbfgs_memory, s.max_step, s.preconditioner,
        s.preconditioner_refresh,
    )
    fire_steps = 0
    if _max_norm(grad) > s.force_tolerance:
        x, energy, grad, fire_steps = fire_minimize(
            model, x, s.force_tolerance, s.max_fire_steps, s.fire_dt, s.fire_dt_max, s.max_step
        )
    max_force = _max_norm(grad)
    return QuenchResult(
        config=config.with_positions(wrap(x, config.box_length)),
        energy=float(energy),
        max_force=max_force,
        converged=bool(max_force <= s.force_tolerance),
        prerelax_steps=int(prerelax),
        lbfgs_iterations=iterations,
        fire_steps=int(fire_steps),
        n_evaluations=model.n_evaluations,
        lbfgs_message=message,
        wall_seconds=time.perf_counter() - start,
        n_builds=model.n_builds,
        lbfgs_memory=s.lbfgs_memory,
        skin=model.skin,
        preconditioner=s.preconditioner,
        preconditioner_refresh=s.preconditioner_refresh,
    )
