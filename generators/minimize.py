"""Potential energy, analytic forces and the quench to the inherent structure.

The energy of a configuration is the pair sum of seed 001 eq. (13)/(44),
V = Σ_(i<j) φ(r_ij), with the tapered pair potentials of
:mod:`vdosbench.generators.potentials` and minimum-image distances in a
periodic box.  Its gradient is analytic:
∂V/∂r_j = Σ_i φ′(r_ij) (r_j − r_i)/r_ij.

Pairs come from a Verlet list: every pair closer than r_c + skin, found with
:func:`vdosbench.generators.configurations.find_pairs` and rebuilt only when
some particle has moved more than skin/2 since the last build, so the list
always contains every pair inside r_c.  The pair loop is compiled (numba).

Quench (:func:`quench`)
    1. *Pre-relaxation* (only from strongly overlapping starts such as random
       positions, max |F_i| > ``prerelax_force``): FIRE with a capped step
       until max |F_i| ≤ ``prerelax_force``.
    2. *L-BFGS* (:func:`lbfgs_minimize`; seed 001 Methods uses LBFGS), with
       the analytic gradient and a backtracking line search whose energy test
       allows for rounding (10⁻¹² |V|): an energy-only line search (e.g.
       scipy's L-BFGS-B) stalls once |F| ≲ √(λ ε_mach |V|) ≈ 10⁻⁶, where
       energy differences drown in rounding; this one then follows the
       gradient alone and reaches 10⁻¹⁰ and below.  (scipy's L-BFGS-B also
       costs ~1 ms per iteration of its own at 3000 variables, as much as an
       energy evaluation; the two-loop recursion here is compiled.)
    3. *FIRE polish* (Bitzek et al. 2006, with the FIRE 2.0 half-step
       correction of Guénolé et al. 2020), only if L-BFGS stops short (its
       iteration limit, or a failed line search); forces only.
    Convergence is max_i |F_i| ≤ ``force_tolerance`` (the largest
    per-particle force *norm*); default 10⁻¹⁰ in units ε/a (energy scale of
    the potential per unit length).

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

from .configurations import Configuration, find_pairs, wrap
from .potentials import KIND_SOFT_SPHERE, PairPotential, pair_parameters, pair_terms

__all__ = [
    "DEFAULT_SKIN",
    "EnergyModel",
    "QuenchResult",
    "QuenchSettings",
    "fire_minimize",
    "lbfgs_minimize",
    "quench",
]

#: Default Verlet skin (units of the mean diameter).
DEFAULT_SKIN = 0.3


@njit(cache=True, inline="always")
def _accumulate(
    pos: np.ndarray, pi: np.ndarray, pj: np.ndarray, shift: np.ndarray, sizes: np.ndarray,
    species: np.ndarray, sigma: np.ndarray, epsilon: np.ndarray, cutoff: np.ndarray, kind: int, n: int,
    order: int, grad: np.ndarray,
) -> float:  # pragma: no cover - compiled
    """V and ∂V/∂r (into ``grad``) over the listed pairs; r_ij = r_j − r_i + shift (fixed image)."""
    d = pos.shape[1]
    grad[:, :] = 0.0
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
        phi, dphi, _ = pair_terms(r, s, e, c, kind, n, order)
        energy += phi
        f = dphi / r
        for a in range(d):
            grad[j, a] += f * dr[a]
            grad[i, a] -= f * dr[a]
    return energy


@njit(cache=True)
def _energy_gradient(
    pos: np.ndarray, pi: np.ndarray, pj: np.ndarray, shift: np.ndarray, sizes: np.ndarray,
    species: np.ndarray, sigma: np.ndarray, epsilon: np.ndarray, cutoff: np.ndarray, kind: int, n: int,
    order: int, grad: np.ndarray,
) -> float:  # pragma: no cover - compiled
    """:func:`_accumulate`, with a constant-folded fast path for soft spheres with T_∞.

    Calling the inlined loop with literal (kind, n, order) lets the compiler
    fold the integer powers of the power law (about 2× faster); other
    potentials take the generic loop (each variant costs compile time).  The
    seed's m = 2 soft spheres in d = 3 have their own kernel,
    :func:`_soft_sphere_t2_3d`.
    """
    if kind == KIND_SOFT_SPHERE and n == 12 and order == -1:
        return _accumulate(pos, pi, pj, shift, sizes, species, sigma, epsilon, cutoff, 0, 12, -1, grad)
    return _accumulate(pos, pi, pj, shift, sizes, species, sigma, epsilon, cutoff, kind, n, order, grad)


@njit(cache=True)
def _soft_sphere_t2_3d(
    pos: np.ndarray, pi: np.ndarray, pj: np.ndarray, shift: np.ndarray, a2: np.ndarray, c12: np.ndarray,
    epsilon: float, r_cut: float, grad: np.ndarray,
) -> float:  # pragma: no cover - compiled
    """V and ∂V/∂r for n = 12 soft spheres with T_2, d = 3, without square roots.

    φ = ε [s¹² − c¹²] w², s² = a_ij²/r², c¹² = (a_ij/r_c)¹², w = 1 − r²/r_c²
    (seed 001 eqs. 14 and 16) depends on r² only, and so does
    φ′/r = ε [−12 s¹² w² / r² − 4 (s¹² − c¹²) w / r_c²].  ``a2`` and ``c12``
    are per-pair a_ij² and (a_ij/r_c)¹² of the Verlet list.
    """
    grad[:, :] = 0.0
    energy = 0.0
    rc2 = r_cut * r_cut
    inv_rc2 = 1.0 / rc2
    for k in range(pi.size):
        i = pi[k]
        j = pj[k]
        dx = pos[j, 0] - pos[i, 0] + shift[k, 0]
        dy = pos[j, 1] - pos[i, 1] + shift[k, 1]
        dz = pos[j, 2] - pos[i, 2] + shift[k, 2]
        r2 = dx * dx + dy * dy + dz * dz
        if r2 >= rc2:
            continue
        inv = 1.0 / r2
        s2 = a2[k] * inv
        s6 = s2 * s2 * s2
        s12 = s6 * s6
        u = s12 - c12[k]
        w = 1.0 - r2 * inv_rc2
        energy += u * w * w
        f = epsilon * (-12.0 * s12 * inv * w * w - 4.0 * u * w * inv_rc2)
        grad[j, 0] += f * dx
        grad[i, 0] -= f * dx
        grad[j, 1] += f * dy
        grad[i, 1] -= f * dy
        grad[j, 2] += f * dz
        grad[i, 2] -= f * dz
    return epsilon * energy


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
        Verlet skin; reduced automatically so that r_c + skin < L/2.

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

    def __init__(self, config: Configuration, potential: PairPotential, skin: float = DEFAULT_SKIN) -> None:
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
        self.skin = float(min(skin, room))
        # the seed's usual case (n = 12, T_2, d = 3) has a square-root-free kernel
        self._t2_fast = (
            potential.kind == KIND_SOFT_SPHERE and potential.exponent == 12 and potential.taper_order == 2
            and config.dimension == 3
        )
        self.n_builds = 0
        self.n_evaluations = 0
        self._build(config.positions)

    def _build(self, positions: np.ndarray) -> None:
        pos = np.asarray(positions, dtype=np.float64)
        self._pi, self._pj, separation = find_pairs(pos, self.box_length, self.potential.max_cutoff + self.skin, sort=False)
        # the image of each pair is fixed until the next build: r_j − r_i + shift
        self._shift = np.ascontiguousarray(separation - (pos[self._pj] - pos[self._pi]))
        if self._t2_fast:
            a = 0.5 * (self.sizes[self._pi] + self.sizes[self._pj])
            self._a2 = a * a
            self._c12 = (self._a2 / self.potential.max_cutoff**2) ** 6
        self._reference = np.array(positions, dtype=np.float64, copy=True)
        self.n_builds += 1

    def _refresh(self, positions: np.ndarray) -> None:
        moved = np.max(np.sum((positions - self._reference) ** 2, axis=1)) if positions.size else 0.0
        if 4.0 * moved > self.skin**2:  # some particle moved more than skin/2
            self._build(positions)

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
        pos = np.ascontiguousarray(positions, dtype=np.float64).reshape(self.n_particles, self.dimension)
        self._refresh(pos)
        grad = np.empty_like(pos)
        pot = self.potential
        if self._t2_fast:
            energy = _soft_sphere_t2_3d(
                pos, self._pi, self._pj, self._shift, self._a2, self._c12, float(pot.epsilon[0, 0]),
                pot.max_cutoff, grad,
            )
        else:
            energy = _energy_gradient(
                pos, self._pi, self._pj, self._shift, self.sizes, self.species, pot.sigma, pot.epsilon,
                pot.cutoff, pot.kind, pot.exponent, pot.taper_order, grad,
            )
        self.n_evaluations += 1
        return float(energy), grad

    def energy(self, positions: np.ndarray) -> float:
        """V alone (see :meth:`energy_gradient`)."""
        return self.energy_gradient(positions)[0]

    def max_force(self, positions: np.ndarray) -> float:
        """max_i |F_i|, the largest per-particle force norm."""
        return float(np.sqrt(np.max(np.sum(self.energy_gradient(positions)[1] ** 2, axis=1))))


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
        Number of correction pairs kept by L-BFGS (``maxcor``).
    max_fire_steps
        Step limit of each FIRE stage.
    prerelax_force
        Start with a capped FIRE pre-relaxation when max |F_i| exceeds this.
    fire_dt, fire_dt_max
        Initial and largest FIRE time step (unit masses).
    max_step
        Largest displacement of one particle in one FIRE step.
    skin
        Verlet skin of the energy model.
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

    def __post_init__(self) -> None:
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


def _max_norm(grad: np.ndarray) -> float:
    return float(np.sqrt(np.max(np.sum(grad * grad, axis=1)))) if grad.size else 0.0


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
def _two_loop(
    grad: np.ndarray, s_buf: np.ndarray, y_buf: np.ndarray, rho: np.ndarray, alpha: np.ndarray, stored: int,
    newest: int,
) -> np.ndarray:  # pragma: no cover - compiled
    """H_k ∇V by the L-BFGS two-loop recursion over a ring buffer (Nocedal & Wright Alg. 7.4)."""
    memory = s_buf.shape[0]
    n = grad.size
    q = grad.copy()
    for t in range(stored):  # newest to oldest
        k = (newest - t) % memory
        a = 0.0
        for i in range(n):
            a += s_buf[k, i] * q[i]
        a *= rho[k]
        alpha[k] = a
        for i in range(n):
            q[i] -= a * y_buf[k, i]
    sy = 0.0
    yy = 0.0
    for i in range(n):
        sy += s_buf[newest, i] * y_buf[newest, i]
        yy += y_buf[newest, i] * y_buf[newest, i]
    gamma = sy / yy
    for i in range(n):
        q[i] *= gamma
    for t in range(stored - 1, -1, -1):  # oldest to newest
        k = (newest - t) % memory
        b = 0.0
        for i in range(n):
            b += y_buf[k, i] * q[i]
        b = alpha[k] - rho[k] * b
        for i in range(n):
            q[i] += b * s_buf[k, i]
    return q


def lbfgs_minimize(
    model: EnergyModel,
    positions: np.ndarray,
    force_tolerance: float,
    max_iterations: int,
    memory: int = 10,
    max_step: float = 0.1,
) -> tuple[np.ndarray, float, np.ndarray, int, str]:
    """L-BFGS descent until max_i |F_i| ≤ ``force_tolerance``.

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
        Number of (s, y) correction pairs (Nocedal & Wright, Algorithm 7.4,
        with H₀ = (sᵀy / yᵀy) 1).
    max_step
        Cap on one particle's displacement per iteration (the step is scaled
        down as a whole).

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
    that is not a descent direction, or a failed search, clears the memory.
    """
    x = np.array(positions, dtype=np.float64, copy=True)
    energy, grad = model.energy_gradient(x)
    size = x.size
    s_buf = np.zeros((memory, size))
    y_buf = np.zeros((memory, size))
    rho = np.zeros(memory)
    alpha = np.zeros(memory)
    stored, newest = 0, -1  # ring buffer of the last ``memory`` (s, y) pairs
    iteration, message = 0, "converged"
    while _max_norm(grad) > force_tolerance:
        if iteration >= max_iterations:
            message = f"iteration limit {max_iterations} reached"
            break
        if stored:
            direction = -_two_loop(grad.ravel(), s_buf, y_buf, rho, alpha, stored, newest).reshape(x.shape)
        else:
            direction = -grad * (0.1 * max_step / max(_max_norm(grad), 1e-300))
        slope = float(np.vdot(grad, direction))
        if not slope < 0:  # not a descent direction: restart from steepest descent
            stored, newest = 0, -1
            direction = -grad * (0.1 * max_step / max(_max_norm(grad), 1e-300))
            slope = float(np.vdot(grad, direction))
        largest = _max_norm(direction)
        if largest > max_step:
            direction *= max_step / largest
            slope *= max_step / largest
        slack = 1e-12 * max(1.0, abs(energy))
        step = 1.0
        for _ in range(30):
            x_new = x + step * direction
            e_new, g_new = model.energy_gradient(x_new)
            if e_new <= energy + 1e-4 * step * slope + slack:
                break
            step *= 0.5
        else:
            message = "line search failed"
            break
        s_vec = (x_new - x).ravel()
        y_vec = (g_new - grad).ravel()
        sy = float(np.dot(s_vec, y_vec))
        if sy > 1e-12 * float(np.dot(y_vec, y_vec)):  # keep only pairs with positive curvature
            newest = (newest + 1) % memory
            s_buf[newest] = s_vec
            y_buf[newest] = y_vec
            rho[newest] = 1.0 / sy
            stored = min(stored + 1, memory)
        x, energy, grad = x_new, e_new, g_new
        iteration += 1
    return x, energy, grad, iteration, message


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
    model = EnergyModel(config, potential, skin=s.skin)
    x = config.positions.copy()
    energy, grad = model.energy_gradient(x)
    prerelax = 0
    if _max_norm(grad) > s.prerelax_force:
        x, energy, grad, prerelax = fire_minimize(
            model, x, s.prerelax_force, s.max_fire_steps, s.fire_dt, s.fire_dt_max, s.max_step
        )
    x, energy, grad, iterations, message = lbfgs_minimize(
        model, x, s.force_tolerance, s.max_lbfgs_iterations, s.lbfgs_memory, s.max_step
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
    )
