"""Is a swap Monte Carlo chain in equilibrium?  Step calibration, τ_α per segment, crystals, fractionation.

The low-T* claims of seed 001 (s = 3 + 2/m) and seed 003 (s = 4) are about
glasses quenched from a liquid *equilibrated* at T* ≈ T_d.  A number of
sweeps proves nothing by itself; this module measures what equilibrium needs:

- :func:`calibrate_step` — the displacement length |Δr| whose acceptance is
  a target (seed 001 quotes 30 % at low T*).  The step changes only how fast
  the chain moves, never the distribution it samples (the proposal is
  symmetric for every fixed |Δr|), so it is chosen on a *copy* of the state
  and then held fixed: the production chain obeys detailed balance.
- :func:`relaxation_segments` — a chain cut into consecutive segments; in
  each, the self-intermediate scattering function F_s(q, t) of the swap
  dynamics is followed from the segment's start, giving τ_α(t_w) at growing
  waiting times t_w.  A stationary chain gives the same τ_α and the same
  mean energy in every segment; an ageing one gives growing τ_α and falling
  energy.
- :func:`crystalline_particles` — ten Wolde's q₆ bond-order test for
  crystallites, :func:`size_neighbour_correlation` — how alike neighbours'
  diameters are (local size order), and :func:`size_segregation` — whether
  swaps sorted the diameters on the scale of the box (fractionation).  Both break the premise of
  a polydisperse *glass* and must be checked in every equilibrium check.

References
----------
Seed ``001_d453c975fd50a4a2.txt``, Methods "Simulation details" (MC-swap,
p_swap = 0.2, acceptance 30 – 60 %).  P. R. ten Wolde, M. J. Ruiz-Montero and
D. Frenkel, J. Chem. Phys. 104, 9932 (1996) (q₆ connections, threshold 0.7,
crystalline with ≥ 8 connections — the usual choice for fcc / bcc nuclei).
A. Ninarello, L. Berthier and D. Coslovich, Phys. Rev. X 7, 021039 (2017)
(τ_α of swap Monte Carlo from F_s at the first peak of S(q)).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.special

from .configurations import find_pairs
from .montecarlo import MCSettings, run_swap_mc
from .potentials import PairPotential
from .relaxation import (
    log_spaced_sweeps,
    mc_trajectory,
    relaxation_time,
    self_intermediate_scattering,
)

__all__ = [
    "CONNECTION_THRESHOLD",
    "CRYSTAL_CONNECTIONS",
    "Segments",
    "StepCalibration",
    "calibrate_step",
    "crystalline_particles",
    "relaxation_segments",
    "size_neighbour_correlation",
    "size_segregation",
]

#: ten Wolde et al.: two neighbours are q₆-connected when the normalised q₆·q₆* exceeds this.
CONNECTION_THRESHOLD = 0.7
#: ... and a particle is crystalline with at least this many connected neighbours.
CRYSTAL_CONNECTIONS = 8


@dataclass(frozen=True)
class StepCalibration:
    """Outcome of :func:`calibrate_step`.

    Attributes
    ----------
    step
        The chosen |Δr| (length units).
    acceptance
        Displacement acceptance measured at ``step``.
    tried
        (k, 2) array of (step, acceptance) pairs tried, in order.
    sweeps_per_trial
        Sweeps of each trial run.
    """

    step: float
    acceptance: float
    tried: np.ndarray
    sweeps_per_trial: int


def calibrate_step(
    positions: np.ndarray,
    box_length: float,
    sizes: np.ndarray,
    species: np.ndarray,
    potential: PairPotential,
    temperature: float,
    rng: np.random.Generator,
    target: float = 0.3,
    p_swap: float = 0.2,
    skin: float = 0.6,
    sweeps_per_trial: int = 20,
    bounds: tuple[float, float] = (0.005, 0.5),
    iterations: int = 8,
) -> StepCalibration:
    """Bisect ln |Δr| until the displacement acceptance is near ``target``.

    Every trial starts from the same ``positions`` (the caller's state is
    not advanced), so the production chain that follows runs at one fixed
    step and keeps detailed balance.

    Parameters
    ----------
    positions, box_length, sizes, species, potential, temperature
        The state and model, as for :func:`montecarlo.run_swap_mc`.
    rng
        Source of the trials' randomness.
    target
        Wanted displacement acceptance, in (0, 1).
    p_swap, skin
        As in the production run.
    sweeps_per_trial
        Length of each trial run.
    bounds
        Smallest and largest |Δr| tried.
    iterations
        Bisection steps (the bracket shrinks by √2^… per step in ln |Δr|).

    Returns
    -------
    StepCalibration
        The tried step whose acceptance came closest to ``target``.

    Examples
    --------
    >>> from vdosbench.generators.glasses.potentials import soft_sphere_potential
    >>> grid = np.stack(np.meshgrid(*[np.arange(6.0)] * 2, indexing="ij"), -1).reshape(-1, 2)
    >>> cal = calibrate_step(grid, 6.0, np.ones(36), np.zeros(36, int), soft_sphere_potential(), 0.5,
    ...                      np.random.default_rng(0), iterations=4, sweeps_per_trial=5)
    >>> bool(0.005 <= cal.step <= 0.5), cal.tried.shape
    (True, (4, 2))
    """
    if not 0.0 < target < 1.0:
        raise ValueError(f"target acceptance is {target}; expected a number in (0, 1), e.g. 0.3")
    lo, hi = np.log(bounds[0]), np.log(bounds[1])
    if not hi > lo:
        raise ValueError(f"bounds {bounds}: expected (smallest step, largest step) with 0 < smallest < largest")
    tried = []
    for _ in range(int(iterations)):
        step = float(np.exp(0.5 * (lo + hi)))
        settings = MCSettings(
            temperature=temperature,
            n_sweeps=sweeps_per_trial,
            step=step,
            p_swap=p_swap,
            skin=skin,
            record_every=sweeps_per_trial,
        )
        acc = float(
            run_swap_mc(positions, box_length, sizes, species, potential, settings, rng).acceptance_displacement
        )
        tried.append((step, acc))
        if acc > target:
            lo = np.log(step)  # accepted too often: larger steps
        else:
            hi = np.log(step)
    table = np.asarray(tried)
    best = int(np.argmin(np.abs(table[:, 1] - target)))
    return StepCalibration(float(table[best, 0]), float(table[best, 1]), table, int(sweeps_per_trial))


@dataclass(frozen=True)
class Segments:
    """A chain cut into consecutive segments (:func:`relaxation_segments`).

    Attributes
    ----------
    start_sweep
        (k,) chain sweep at which each segment starts (its waiting time t_w).
    length
        (k,) sweeps run in each segment.
    tau_alpha
        (k,) F_s(q, τ_α) = 1/e from the segment's start (sweeps; NaN if F_s
        stayed above 1/e within the segment).
    fs_end
        (k,) F_s(q, t) at the segment's end.
    mean_energy
        (k,) mean V/N over the segment's frames.
    acceptance
        (k,) displacement acceptance in each segment.
    curves
        One (sweeps, F_s) pair of arrays per segment.
    positions, sizes, species
        The chain's final state.
    wait, wait_energy
        (k,) sweeps run before each segment and their mean V/N (NaN without a wait).
    """

    start_sweep: np.ndarray
    length: np.ndarray
    tau_alpha: np.ndarray
    fs_end: np.ndarray
    mean_energy: np.ndarray
    acceptance: np.ndarray
    curves: list[tuple[np.ndarray, np.ndarray]]
    positions: np.ndarray
    sizes: np.ndarray
    species: np.ndarray
    wait: np.ndarray
    wait_energy: np.ndarray


def _checked_waits(n_segments: int, max_segment_sweeps: int, waits: Sequence[int] | None) -> list[int]:
    """The sweeps waited before each segment (none by default); raise on non-positive counts or a wrong length."""
    if n_segments < 1 or max_segment_sweeps < 1:
        raise ValueError(
            f"n_segments = {n_segments}, max_segment_sweeps = {max_segment_sweeps}: expected positive integers"
        )
    waits = [0] * int(n_segments) if waits is None else [int(w) for w in waits]
    if len(waits) != n_segments or min(waits) < 0:
        raise ValueError(f"waits {waits}: expected {n_segments} non-negative numbers of sweeps, one per segment")
    return waits


def _wait(
    pos: np.ndarray,
    box_length: float,
    sz: np.ndarray,
    sp: np.ndarray,
    potential: PairPotential,
    temperature: float,
    rng: np.random.Generator,
    wait: int,
    step: float,
    p_swap: float,
    skin: float,
    record_every: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """The configuration after ``wait`` sweeps and their mean energy (unchanged and NaN when ``wait`` is 0)."""
    if not wait:
        return pos, sz, sp, float("nan")
    settings = MCSettings(
        temperature=temperature,
        n_sweeps=wait,
        step=step,
        p_swap=p_swap,
        skin=skin,
        record_every=min(record_every, wait),
    )
    run = run_swap_mc(pos, box_length, sz, sp, potential, settings, rng)
    return run.positions, run.sizes, run.species, float(np.mean(run.energy_trace[1:]))


def relaxation_segments(
    positions: np.ndarray,
    box_length: float,
    sizes: np.ndarray,
    species: np.ndarray,
    potential: PairPotential,
    temperature: float,
    q: float,
    rng: np.random.Generator,
    n_segments: int,
    max_segment_sweeps: int,
    step: float,
    p_swap: float = 0.2,
    skin: float = 0.6,
    stop_below: float | None = 0.1,
    start_sweep: int = 0,
    per_decade: int = 10,
    waits: Sequence[int] | None = None,
    record_every: int = 100,
) -> Segments:
    """Run ``n_segments`` consecutive segments; follow F_s(q, t) of the swap dynamics in each.

    A segment runs log-spaced frames from its start until F_s(q, t) <
    ``stop_below`` or ``max_segment_sweeps``; the next segment starts where
    it ended, so the segments tile one chain.

    Parameters
    ----------
    positions, box_length, sizes, species, potential, temperature
        The chain's state and model.
    q
        Wavenumber of F_s (the first peak of S(q): 6.87 for the seed-001
        soft spheres at density 1, ``studies/results/td_measurement.json``).
    rng
        The chain's only source of randomness.
    n_segments, max_segment_sweeps
        Number of segments and the cap on each.
    step, p_swap, skin
        Monte Carlo settings (fixed for the whole chain).
    stop_below
        Stop a segment once F_s falls below this (None: always run the cap).
    start_sweep
        Chain sweep of the first segment's start (for the recorded t_w).
    per_decade
        Frames per decade of the log-spaced times.
    waits
        Sweeps run before each segment without following F_s (one entry per
        segment; e.g. doubling waits make the segments' waiting times t_w
        grow geometrically, the test for ageing).  None: no waits.
    record_every
        Sweeps between the energy records of a wait (their mean enters
        ``wait_energy``).

    Returns
    -------
    Segments
    """
    waits = _checked_waits(n_segments, max_segment_sweeps, waits)
    chain = _Chain(box_length, potential, temperature, rng, step, p_swap, skin, q, stop_below, record_every)
    frames = log_spaced_sweeps(int(max_segment_sweeps), per_decade)
    state = (np.asarray(positions, float), np.asarray(sizes, float), np.asarray(species))
    rows, wait_energy, t = [], [], int(start_sweep)
    for wait in waits:
        state, energy, row = chain.segment(state, wait, frames, t)
        wait_energy.append(energy)
        rows.append(row)
        t = row[0] + row[1]
    return _segments(rows, state, waits, wait_energy)


_State = tuple[np.ndarray, np.ndarray, np.ndarray]


@dataclass(frozen=True)
class _Chain:
    """The model and Monte Carlo settings of a :func:`relaxation_segments` chain, fixed for all its segments."""

    box_length: float
    potential: PairPotential
    temperature: float
    rng: np.random.Generator
    step: float
    p_swap: float
    skin: float
    q: float
    stop_below: float | None
    record_every: int

    def segment(self, state: _State, wait: int, frames: np.ndarray, t: int) -> tuple[_State, float, tuple]:
        """Wait ``wait`` sweeps from chain sweep ``t``, then follow F_s over one segment.

        Returns the new (positions, sizes, species), the wait's mean energy and the segment's row (start sweep,
        length, τ_α, final F_s, mean energy, acceptance, (sweeps, F_s)).
        """
        pos, sz, sp, energy = _wait(
            state[0],
            self.box_length,
            state[1],
            state[2],
            self.potential,
            self.temperature,
            self.rng,
            wait,
            self.step,
            self.p_swap,
            self.skin,
            self.record_every,
        )
        traj = mc_trajectory(
            pos,
            self.box_length,
            sz,
            sp,
            self.potential,
            self.temperature,
            frames,
            self.rng,
            step=self.step,
            skin=self.skin,
            q=self.q,
            stop_below=self.stop_below,
            p_swap=self.p_swap,
        )
        fs = self_intermediate_scattering(traj.displacements, self.q)
        row = (
            t + wait,
            int(traj.sweeps[-1]),
            relaxation_time(traj.sweeps, fs),
            float(fs[-1]),
            float(np.mean(traj.energy)),
            traj.acceptance,
            (traj.sweeps, fs),
        )
        return (traj.positions, traj.sizes, traj.species), energy, row


def _segments(rows: list[tuple], state: _State, waits: list[int], wait_energy: list[float]) -> Segments:
    """The :class:`Segments` of the rows of :meth:`_Chain.segment` and the chain's final state."""
    starts, lengths, taus, ends, energies, accs, curves = (list(c) for c in zip(*rows))
    pos, sz, sp = state
    return Segments(
        start_sweep=np.asarray(starts, np.int64),
        length=np.asarray(lengths, np.int64),
        tau_alpha=np.asarray(taus),
        fs_end=np.asarray(ends),
        mean_energy=np.asarray(energies),
        acceptance=np.asarray(accs),
        curves=curves,
        positions=pos,
        sizes=sz,
        species=sp,
        wait=np.asarray(waits, np.int64),
        wait_energy=np.asarray(wait_energy),
    )


def _shell_pairs(positions: np.ndarray, box_length: float, sizes: np.ndarray, shell: float):
    """Pairs closer than ``shell`` × a_ij (a_ij = (a_i + a_j)/2), with their separations.

    The additive a_ij whatever the potential's non-additivity ε: a geometric neighbour shell, the same for
    the additive and the non-additive model, so that their fractionation and crystal measures compare.
    """
    sizes = np.asarray(sizes, dtype=float)
    i, j, sep = find_pairs(positions, box_length, shell * float(sizes.max()))
    r = np.sqrt(np.einsum("pk,pk->p", sep, sep))
    keep = r < shell * 0.5 * (sizes[i] + sizes[j])
    return i[keep], j[keep], sep[keep], r[keep]


def crystalline_particles(
    positions: np.ndarray, box_length: float, sizes: np.ndarray, shell: float = 1.4
) -> tuple[np.ndarray, np.ndarray]:
    """ten Wolde's crystalline-particle test with q₆ (d = 3).

    Neighbours: pairs with r_ij < ``shell`` · a_ij.  For each particle
    q₆ₘ(i) = (1/n_i) Σ_j Y₆ₘ(r̂_ij); two neighbours are *connected* when
    Re Σₘ q₆ₘ(i) q₆ₘ*(j) / (|q₆(i)| |q₆(j)|) > 0.7, and a particle with ≥ 8
    connections is crystalline.

    Parameters
    ----------
    positions, box_length, sizes
        The configuration (d = 3) and the diameters a_i.
    shell
        Neighbour cut in units of a_ij (1.4: past the first peak of g,
        inside the first minimum at x ≈ 1.37 – 1.45 for this model).

    Returns
    -------
    tuple of numpy.ndarray
        ``(crystalline, q6)``: (N,) bool and (N,) the rotational invariant
        q₆(i) = √(4π/13 Σₘ |q₆ₘ(i)|²).

    Examples
    --------
    >>> from vdosbench.generators.glasses.configurations import fcc_crystal
    >>> fcc = fcc_crystal(4)
    >>> crystal, q6 = crystalline_particles(fcc.positions, fcc.box_length, fcc.sizes)
    >>> bool(crystal.all()), round(float(q6.mean()), 3)
    (True, 0.575)
    """
    positions = np.asarray(positions, dtype=float)
    n, dim = positions.shape
    if dim != 3:
        raise ValueError(f"crystalline_particles needs d = 3 positions, found d = {dim}")
    i, j, sep, r = _shell_pairs(positions, box_length, sizes, shell)
    polar = np.arccos(np.clip(sep[:, 2] / r, -1.0, 1.0))
    azimuth = np.arctan2(sep[:, 1], sep[:, 0])
    m = np.arange(-6, 7)
    # Y_6m of r̂_ij; r̂_ji = −r̂_ij gives Y_6m(−r̂) = (−1)^6 Y_6m(r̂) = Y_6m(r̂): both ends get the same term.
    y = scipy.special.sph_harm_y(6, m[None, :], polar[:, None], azimuth[:, None])
    q6m = np.zeros((n, 13), dtype=complex)
    np.add.at(q6m, i, y)
    np.add.at(q6m, j, y)
    count = np.bincount(i, minlength=n) + np.bincount(j, minlength=n)
    q6m /= np.maximum(count, 1)[:, None]
    norm = np.sqrt(np.sum(np.abs(q6m) ** 2, axis=1))
    q6 = np.sqrt(4.0 * np.pi / 13.0) * norm
    unit = q6m / np.where(norm > 0, norm, 1.0)[:, None]
    d6 = np.real(np.sum(unit[i] * unit[j].conj(), axis=1))
    connected = d6 > CONNECTION_THRESHOLD
    connections = np.bincount(i[connected], minlength=n) + np.bincount(j[connected], minlength=n)
    return connections >= CRYSTAL_CONNECTIONS, q6


def size_neighbour_correlation(
    positions: np.ndarray, box_length: float, sizes: np.ndarray, shell: float = 1.4
) -> float:
    """Pearson correlation of the diameters a_i, a_j over neighbour pairs (r_ij < ``shell`` · a_ij).

    Swap moves may sort the diameters in space (size fractionation: big
    with big).  With diameters placed at random the correlation is near 0
    (slightly negative: a big particle has more small neighbours within a
    cut that scales with a_ij); demixing drives it positive.  Compare a
    chain's value with that of the same diameters at random positions.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> pos = rng.uniform(0, 8, (512, 3))
    >>> sorted_sizes = np.where(pos[:, 0] < 4, 1.2, 0.8)  # big on one side: fractionated
    >>> size_neighbour_correlation(pos, 8.0, sorted_sizes, shell=1.6) > 0.5
    True
    """
    i, j, _, _ = _shell_pairs(positions, box_length, sizes, shell)
    sizes = np.asarray(sizes, dtype=float)
    a = np.concatenate([sizes[i], sizes[j]])
    b = np.concatenate([sizes[j], sizes[i]])
    if a.size < 2 or np.std(a) == 0:
        return float("nan")
    return float(np.corrcoef(a, b)[0, 1])


def size_segregation(positions: np.ndarray, box_length: float, sizes: np.ndarray, cells_per_side: int = 2) -> float:
    """Variance of the cell-mean diameter over ``cells_per_side``^d cells, divided by its value for random placement.

    Local size order (a big particle among small ones, or the reverse) does
    not change the mean diameter of a cell holding ~N/8 particles; demixing
    on the scale of the box (fractionation: big particles gather in one
    region) does.  With the same diameters placed at random the expected
    variance of a cell mean of n particles is σ_a² (N − n) / (n (N − 1))
    (sampling without replacement); the ratio is ≈ 1 for a mixed liquid,
    ≫ 1 for a fractionated one.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> pos = rng.uniform(0, 10, (4000, 3))
    >>> sizes = rng.uniform(0.8, 1.2, 4000)
    >>> 0.3 < size_segregation(pos, 10.0, sizes) < 3.0
    True
    >>> size_segregation(pos, 10.0, np.where(pos[:, 0] < 5, 1.2, 0.8)) > 100
    True
    """
    positions = np.asarray(positions, dtype=float)
    sizes = np.asarray(sizes, dtype=float)
    n, dim = positions.shape
    k = int(cells_per_side)
    if k < 2:
        raise ValueError(f"cells_per_side is {cells_per_side}; expected at least 2")
    cell = np.floor((positions % box_length) / box_length * k).astype(np.int64).clip(0, k - 1)
    index = np.ravel_multi_index(cell.T, (k,) * dim)
    counts = np.bincount(index, minlength=k**dim)
    if np.any(counts == 0) or np.var(sizes) == 0:
        return float("nan")
    means = np.bincount(index, weights=sizes, minlength=k**dim) / counts
    expected = np.mean(np.var(sizes) * (n - counts) / (counts * (n - 1)))
    return float(np.var(means) / expected)
