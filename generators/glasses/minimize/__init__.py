"""Potential energy, analytic forces and the quench to the inherent structure.

The energy of a configuration is the pair sum of seed 001 eq. (13)/(44),
V = Σ_(i<j) φ(r_ij), with the tapered pair potentials of
:mod:`vdosbench.generators.glasses.potentials` and minimum-image distances in a
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

Modules, by job: :mod:`.energy` (kernels, Verlet lists, :class:`EnergyModel`),
:mod:`.lbfgs` (:func:`lbfgs_minimize`), :mod:`.preconditioning` (block-Jacobi),
:mod:`.fire` (:func:`fire_minimize`), :mod:`.settings` (:class:`QuenchSettings`,
:class:`QuenchResult`) and :mod:`.protocol` (:func:`quench`, the three stages below).

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

Measured on N = 1000, d = 3 soft spheres (``speed/bench_soft_spheres.py``
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

from .energy import DEFAULT_SKIN, EnergyModel
from .fire import fire_minimize
from .lbfgs import lbfgs_minimize
from .preconditioning import unpack_blocks
from .protocol import quench
from .settings import PRECONDITIONERS, QuenchResult, QuenchSettings

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
