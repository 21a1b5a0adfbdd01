"""Structural relaxation under Monte Carlo dynamics: F_s(q, t), τ_α and T_d.

The self-intermediate scattering function of N particles with unwrapped
displacements Δr_i(t) = r_i(t) − r_i(0),

    F_s(q, t) = (1/N) Σ_i ⟨exp(i q·Δr_i(t))⟩_{q̂},

is averaged here over all directions q̂ of a wavevector of modulus q, which
for an isotropic liquid is exact and less noisy than a few lattice vectors:
⟨exp(i q·Δr)⟩_{q̂} = sin(q|Δr|)/(q|Δr|) in d = 3 and J₀(q|Δr|) in d = 2.
F_s(q, 0) = 1; the α-relaxation time τ_α is defined by F_s(q, τ_α) = 1/e at
q near the first peak of the static structure factor S(q).

Plain Metropolis Monte Carlo (p_swap = 0) is the dynamics; time is counted
in sweeps (N attempted moves).  The dynamical-arrest temperature T_d (the
mode-coupling temperature T_MCT) is estimated from the power-law growth
τ_α = A (T − T_d)^(−γ) over the range of T where it applies, with the
Vogel–Fulcher–Tammann law τ_α = τ₀ exp[B/(T − T_0)] as a cross-check
(T_0 < T_d).

Known answers used by the tests:

- a Gaussian random walk with per-axis variance σ² per step gives
  F_s(q, t) = exp(−q² σ² t / 2) in any dimension (the characteristic
  function of a Gaussian), hence τ_α = 2 / (q² σ²);
- free Monte Carlo moves of fixed length b in uniformly random directions,
  each particle chosen with probability 1/N per attempt, give
  F_s(q, t) = [1 − (1 − c)/N]^(N t) with c = sin(qb)/(qb) (d = 3) or
  J₀(qb) (d = 2), the characteristic function of one step raised to the
  binomial number of moves of a particle in t sweeps.

References
----------
Seed ``001_d453c975fd50a4a2.txt``, Results ("low parental temperature T* ≈
T_d, the temperature of dynamical arrest"; Fig. 4) and Methods "Simulation
details" (MC dynamics, |Δr| = 0.2).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.optimize
import scipy.special

from .montecarlo import MCResult, MCSettings, run_swap_mc
from .potentials import PairPotential

__all__ = [
    "MCTFit",
    "Trajectory",
    "VFTFit",
    "fit_mct",
    "fit_vft",
    "log_spaced_sweeps",
    "mc_trajectory",
    "relaxation_time",
    "self_intermediate_scattering",
    "structure_factor",
]


def self_intermediate_scattering(displacements: np.ndarray, q: float) -> np.ndarray:
    """Isotropically averaged self-intermediate scattering function.

    Parameters
    ----------
    displacements
        (n_frames, N, d) unwrapped displacements r_i(t) − r_i(0) (length
        units), d = 2 or 3; a single frame (N, d) is accepted.
    q
        Wavenumber |q| (inverse length units), > 0.

    Returns
    -------
    numpy.ndarray
        (n_frames,) F_s(q, t): the mean over particles of sin(q|Δr|)/(q|Δr|)
        (d = 3) or J₀(q|Δr|) (d = 2).

    Examples
    --------
    >>> float(self_intermediate_scattering(np.zeros((1, 5, 3)), 6.3)[0])
    1.0
    >>> dr = np.array([[[np.pi / 6.3, 0.0, 0.0]]])  # q|Δr| = π: sin(π)/π = 0
    >>> abs(float(self_intermediate_scattering(dr, 6.3)[0])) < 1e-15
    True
    """
    displacements = np.asarray(displacements, dtype=float)
    if displacements.ndim == 2:
        displacements = displacements[None]
    if displacements.ndim != 3 or displacements.shape[-1] not in (2, 3):
        raise ValueError(f"displacements have shape {displacements.shape}; expected (n_frames, N, d) with d = 2 or 3")
    if not q > 0:
        raise ValueError(f"q is {q}; expected a positive wavenumber")
    x = q * np.sqrt(np.einsum("tnk,tnk->tn", displacements, displacements))
    if displacements.shape[-1] == 3:
        kernel = np.sinc(x / np.pi)  # numpy's sinc is sin(πu)/(πu)
    else:
        kernel = scipy.special.j0(x)
    return kernel.mean(axis=1)


def relaxation_time(times: np.ndarray, fs: np.ndarray, level: float = float(np.exp(-1.0))) -> float:
    """First time at which F_s falls to ``level`` (1/e by default).

    Linear interpolation of F_s against ln t between the last point above
    and the first point at or below ``level``.

    Parameters
    ----------
    times
        (n_frames,) increasing times (sweeps), times[0] ≥ 0.
    fs
        (n_frames,) F_s(q, t).
    level
        The threshold, in (0, 1).

    Returns
    -------
    float
        τ_α in the units of ``times``; NaN when F_s never reaches ``level``
        (run longer).

    Examples
    --------
    >>> t = np.array([0.0, 1.0, 10.0, 100.0])
    >>> round(relaxation_time(t, np.exp(-t / 10.0)), 12)
    10.0
    >>> relaxation_time(t[:3], np.ones(3))
    nan
    """
    times = np.asarray(times, dtype=float)
    fs = np.asarray(fs, dtype=float)
    if times.shape != fs.shape or times.ndim != 1:
        raise ValueError(f"times {times.shape} and fs {fs.shape} must be 1-D of equal length")
    below = np.nonzero(fs <= level)[0]
    if below.size == 0:
        return float("nan")
    k = int(below[0])
    if k == 0:
        return float(times[0])
    t0, t1 = times[k - 1], times[k]
    f0, f1 = fs[k - 1], fs[k]
    frac = (f0 - level) / (f0 - f1) if f0 != f1 else 1.0
    if t0 > 0:
        return float(np.exp(np.log(t0) + frac * (np.log(t1) - np.log(t0))))
    return float(t0 + frac * (t1 - t0))


def log_spaced_sweeps(max_sweeps: int, per_decade: int = 10) -> np.ndarray:
    """Frame times 0, 1, 2, … up to ``max_sweeps``, about ``per_decade`` per decade (unique integers).

    Examples
    --------
    >>> log_spaced_sweeps(100, per_decade=4).tolist()
    [0, 1, 2, 3, 6, 10, 18, 32, 56, 100]
    """
    if max_sweeps < 1:
        raise ValueError(f"max_sweeps is {max_sweeps}; expected at least 1")
    n = int(np.ceil(np.log10(max_sweeps) * per_decade)) + 1
    grid = np.unique(np.round(np.logspace(0, np.log10(max_sweeps), max(n, 2))).astype(np.int64))
    return np.concatenate([[0], grid])


@dataclass(frozen=True)
class Trajectory:
    """Frames of a plain Monte Carlo run (:func:`mc_trajectory`).

    Attributes
    ----------
    sweeps
        (n_frames,) int frame times in sweeps, starting at 0.
    displacements
        (n_frames, N, d) unwrapped displacements from frame 0 (length units).
    positions
        (N, d) final wrapped positions.
    energy
        (n_frames,) potential energy per particle at the frames.
    acceptance
        Displacement acceptance over the run.
    sizes, species
        (N,) final diameters and species (permuted by swaps; the input ones
        for plain Monte Carlo).
    """

    sweeps: np.ndarray
    displacements: np.ndarray
    positions: np.ndarray
    energy: np.ndarray
    acceptance: float
    sizes: np.ndarray | None = None
    species: np.ndarray | None = None


class _Frames:
    """The state :func:`mc_trajectory` carries from frame to frame: configuration, cumulative displacement, energies
    and acceptance counts."""

    def __init__(self, pos: np.ndarray, sizes: np.ndarray, species: np.ndarray, sweeps: np.ndarray) -> None:
        """Frame 0 at the given configuration; every later frame still empty."""
        n, dim = pos.shape
        self.pos, self.sizes, self.species, self.sweeps = pos, sizes, species, sweeps
        self.displacements = np.zeros((sweeps.size, n, dim))
        self.energy = np.empty(sweeps.size)
        self.total = np.zeros((n, dim))
        self.accepted = 0.0
        self.attempted = 0

    def add(self, f: int, result: MCResult) -> None:
        """Record frame ``f`` from the Monte Carlo run that reached it."""
        if f == 1:
            self.energy[0] = result.energy_trace[0]
        self.pos, self.sizes, self.species = result.positions, result.sizes, result.species
        self.total += result.displacement
        self.displacements[f] = self.total
        self.energy[f] = result.energy_trace[-1]
        self.accepted += result.acceptance_displacement * result.n_attempted
        self.attempted += result.n_attempted

    def truncate(self, f: int) -> None:
        """Keep frames 0 … ``f`` only."""
        self.sweeps, self.displacements = self.sweeps[: f + 1], self.displacements[: f + 1]
        self.energy = self.energy[: f + 1]


def mc_trajectory(
    positions: np.ndarray,
    box_length: float,
    sizes: np.ndarray,
    species: np.ndarray,
    potential: PairPotential,
    temperature: float,
    frame_sweeps: np.ndarray,
    rng: np.random.Generator,
    step: float = 0.2,
    skin: float = MCSettings.skin,
    q: float | None = None,
    stop_below: float | None = None,
    p_swap: float = 0.0,
) -> Trajectory:
    """Metropolis Monte Carlo (plain by default, swap with ``p_swap`` > 0) with frames of unwrapped displacements.

    Parameters
    ----------
    positions, box_length, sizes, species, potential
        The system, as for :func:`montecarlo.run_swap_mc` (an equilibrated
        configuration, e.g. from swap Monte Carlo).
    temperature
        T.
    frame_sweeps
        Increasing frame times in sweeps, starting at 0
        (e.g. :func:`log_spaced_sweeps`).
    rng
        The only source of randomness.
    step, skin
        |Δr| and the Verlet skin.
    q, stop_below
        When both are given, the run stops at the first frame where
        F_s(q, t) < ``stop_below`` (the trajectory is truncated there).
    p_swap
        Probability of a swap move (seed 001: 0.2 for the equilibration
        dynamics); 0 is plain Metropolis, the dynamics of T_d.  Swaps exchange
        diameters (species), never positions, so F_s measures how fast the
        *positions* decorrelate under that dynamics (its τ_α).

    Returns
    -------
    Trajectory

    Examples
    --------
    >>> from vdosbench.generators.glasses.potentials import soft_sphere_potential
    >>> grid = np.stack(np.meshgrid(*[np.arange(5.0)] * 2, indexing="ij"), -1).reshape(-1, 2)
    >>> traj = mc_trajectory(grid, 5.0, np.ones(25), np.zeros(25, int), soft_sphere_potential(),
    ...                      1.0, [0, 1, 3], np.random.default_rng(0))
    >>> traj.displacements.shape, traj.sweeps.tolist()
    ((3, 25, 2), [0, 1, 3])
    """
    frame_sweeps = np.asarray(frame_sweeps, dtype=np.int64)
    if frame_sweeps.ndim != 1 or frame_sweeps.size == 0 or frame_sweeps[0] != 0 or np.any(np.diff(frame_sweeps) <= 0):
        raise ValueError("frame_sweeps must be strictly increasing integers starting at 0, e.g. log_spaced_sweeps(n)")
    pos = np.asarray(positions, dtype=float)
    sizes = np.asarray(sizes, dtype=float)
    species = np.asarray(species)
    run = _Frames(pos, sizes, species, frame_sweeps)
    for f in range(1, frame_sweeps.size):
        interval = int(frame_sweeps[f] - frame_sweeps[f - 1])
        settings = MCSettings(
            temperature=temperature, n_sweeps=interval, step=step, p_swap=p_swap, skin=skin, record_every=interval
        )
        run.add(f, run_swap_mc(run.pos, box_length, run.sizes, run.species, potential, settings, rng))
        if q is not None and stop_below is not None and self_intermediate_scattering(run.total, q)[0] < stop_below:
            run.truncate(f)
            break
    if run.sweeps.size == 1:
        run.energy[0] = float("nan")
    return Trajectory(
        sweeps=run.sweeps,
        displacements=run.displacements,
        positions=run.pos,
        energy=run.energy,
        acceptance=run.accepted / run.attempted if run.attempted else float("nan"),
        sizes=run.sizes,
        species=run.species,
    )


def structure_factor(
    positions: np.ndarray, box_length: float, q_max: float = 12.0, bin_width: float | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Static structure factor S(q) = |Σ_j exp(i q·r_j)|² / N on the box's wavevectors, binned in |q|.

    Parameters
    ----------
    positions
        (N, d) positions (length units).
    box_length
        L; wavevectors q = 2π n / L with integer n, 0 < |q| ≤ ``q_max``.
    q_max
        Largest |q| (inverse length).
    bin_width
        Width of the |q| bins; default 2π/L.

    Returns
    -------
    tuple of numpy.ndarray
        ``(q, S)``: bin centres (mean |q| of their wavevectors) and the mean
        S over each non-empty bin.

    Examples
    --------
    >>> grid = np.stack(np.meshgrid(*[np.arange(4.0)] * 3, indexing="ij"), -1).reshape(-1, 3)
    >>> q, s = structure_factor(grid, 4.0, q_max=5.0)  # simple cubic: no Bragg peak below 2π
    >>> bool(np.all(s < 1e-9))
    True
    """
    positions = np.asarray(positions, dtype=float)
    n, dim = positions.shape
    dq = 2.0 * np.pi / box_length
    n_max = int(np.floor(q_max / dq))
    axes = np.arange(-n_max, n_max + 1)
    grid = np.stack(np.meshgrid(*[axes] * dim, indexing="ij"), -1).reshape(-1, dim)
    qvec = grid * dq
    qmod = np.sqrt(np.einsum("mk,mk->m", qvec, qvec))
    keep = (qmod > 0) & (qmod <= q_max)
    qvec, qmod = qvec[keep], qmod[keep]
    s = np.empty(qmod.size)
    for start in range(0, qmod.size, 2048):
        phase = positions @ qvec[start : start + 2048].T
        rho = np.exp(1j * phase).sum(axis=0)
        s[start : start + 2048] = (rho * rho.conj()).real / n
    width = bin_width or dq
    index = np.floor(qmod / width).astype(np.int64)
    counts = np.bincount(index)
    filled = counts > 0
    q_mean = np.bincount(index, weights=qmod)[filled] / counts[filled]
    s_mean = np.bincount(index, weights=s)[filled] / counts[filled]
    return q_mean, s_mean


@dataclass(frozen=True)
class MCTFit:
    """Fit of τ_α = A (T − T_d)^(−γ) (mode-coupling power law).

    Attributes
    ----------
    t_d, gamma, amplitude
        T_d, γ and A.
    covariance
        (3, 3) covariance of (T_d, γ, ln A) from the least-squares fit of ln τ.
    t_d_error
        √covariance[0, 0].
    residual_rms
        Root-mean-square residual of ln τ.
    """

    t_d: float
    gamma: float
    amplitude: float
    covariance: np.ndarray
    t_d_error: float
    residual_rms: float

    def tau(self, temperature: np.ndarray) -> np.ndarray:
        """The fitted τ_α at ``temperature`` (> T_d)."""
        return self.amplitude * (np.asarray(temperature, dtype=float) - self.t_d) ** (-self.gamma)


@dataclass(frozen=True)
class VFTFit:
    """Fit of τ_α = τ₀ exp[B/(T − T_0)] (Vogel–Fulcher–Tammann).

    Attributes
    ----------
    t_0, b, tau_0
        T_0, B and τ₀.
    covariance
        (3, 3) covariance of (T_0, B, ln τ₀).
    t_0_error
        √covariance[0, 0].
    residual_rms
        Root-mean-square residual of ln τ.
    """

    t_0: float
    b: float
    tau_0: float
    covariance: np.ndarray
    t_0_error: float
    residual_rms: float

    def tau(self, temperature: np.ndarray) -> np.ndarray:
        """The fitted τ_α at ``temperature`` (> T_0)."""
        return self.tau_0 * np.exp(self.b / (np.asarray(temperature, dtype=float) - self.t_0))


def _prepare_fit(temperature: np.ndarray, tau: np.ndarray, log_tau_error: np.ndarray | None):
    temperature = np.asarray(temperature, dtype=float)
    tau = np.asarray(tau, dtype=float)
    if temperature.shape != tau.shape or temperature.ndim != 1 or temperature.size < 4:
        raise ValueError(
            f"temperature {temperature.shape} and tau {tau.shape} must be 1-D of equal length ≥ 4 "
            "(three parameters are fitted)"
        )
    if np.any(~np.isfinite(tau)) or np.any(tau <= 0):
        raise ValueError("every tau must be finite and positive; drop temperatures whose F_s never decayed")
    sigma = None if log_tau_error is None else np.asarray(log_tau_error, dtype=float)
    return temperature, np.log(tau), sigma


def _multistart_fit(
    model: Callable[..., np.ndarray],
    temperature: np.ndarray,
    log_tau: np.ndarray,
    sigma: np.ndarray | None,
    *,
    fractions: tuple[float, ...],
    linearise: Callable[[np.ndarray, float], np.ndarray],
    slope_sign: float,
    min_slope: float,
    what: str,
) -> tuple[np.ndarray, np.ndarray, float]:
    """Fit ``model(T, T_0, b, c)`` from starts T_0 = f · min T, keeping the lowest-residual fit.

    Each start linearises ln τ in ``linearise(T, T_0)`` for the initial slope
    and intercept; T_0 is bounded above by the lowest temperature.
    """
    t_low = temperature.min()
    best = None
    for frac in fractions:
        guess = frac * t_low
        slope, intercept = np.polyfit(linearise(temperature, guess), log_tau, 1)
        try:
            params, cov = scipy.optimize.curve_fit(
                model,
                temperature,
                log_tau,
                p0=(guess, max(slope_sign * slope, min_slope), intercept),
                sigma=sigma,
                absolute_sigma=sigma is not None,
                bounds=([-np.inf, 0.0, -np.inf], [t_low, np.inf, np.inf]),
                maxfev=20000,
            )
        except RuntimeError:
            continue
        rms = float(np.sqrt(np.mean((model(temperature, *params) - log_tau) ** 2)))
        if best is None or rms < best[2]:
            best = (params, cov, rms)
    if best is None:
        raise RuntimeError(f"the {what} fit did not converge; check that τ grows as T decreases")
    return best


def fit_mct(temperature: np.ndarray, tau: np.ndarray, log_tau_error: np.ndarray | None = None) -> MCTFit:
    """Least-squares fit of ln τ = ln A − γ ln(T − T_d).

    Parameters
    ----------
    temperature
        (n,) temperatures, all above the expected T_d, n ≥ 4.
    tau
        (n,) relaxation times τ_α (any time unit).
    log_tau_error
        (n,) standard errors of ln τ (weights), or None for equal weights.

    Returns
    -------
    MCTFit

    Examples
    --------
    >>> t = np.array([0.30, 0.35, 0.40, 0.50, 0.60])
    >>> fit = fit_mct(t, 2.0 * (t - 0.2) ** -2.5)
    >>> round(fit.t_d, 6), round(fit.gamma, 6)
    (0.2, 2.5)
    """
    temperature, log_tau, sigma = _prepare_fit(temperature, tau, log_tau_error)

    def model(t: np.ndarray, t_d: float, gamma: float, log_a: float) -> np.ndarray:
        return log_a - gamma * np.log(np.clip(t - t_d, 1e-12, None))

    params, cov, rms = _multistart_fit(
        model,
        temperature,
        log_tau,
        sigma,
        fractions=(0.5, 0.7, 0.85, 0.95),
        linearise=lambda t, t0: np.log(t - t0),
        slope_sign=-1.0,
        min_slope=0.1,
        what="MCT power-law",
    )
    return MCTFit(
        t_d=float(params[0]),
        gamma=float(params[1]),
        amplitude=float(np.exp(params[2])),
        covariance=cov,
        t_d_error=float(np.sqrt(cov[0, 0])),
        residual_rms=rms,
    )


def fit_vft(temperature: np.ndarray, tau: np.ndarray, log_tau_error: np.ndarray | None = None) -> VFTFit:
    """Least-squares fit of ln τ = ln τ₀ + B/(T − T_0).

    Parameters
    ----------
    temperature, tau, log_tau_error
        As for :func:`fit_mct`.

    Returns
    -------
    VFTFit

    Examples
    --------
    >>> t = np.array([0.30, 0.35, 0.40, 0.50, 0.60])
    >>> fit = fit_vft(t, 0.5 * np.exp(0.4 / (t - 0.15)))
    >>> round(fit.t_0, 6), round(fit.b, 6)
    (0.15, 0.4)
    """
    temperature, log_tau, sigma = _prepare_fit(temperature, tau, log_tau_error)

    def model(t: np.ndarray, t_0: float, b: float, log_tau0: float) -> np.ndarray:
        return log_tau0 + b / np.clip(t - t_0, 1e-12, None)

    params, cov, rms = _multistart_fit(
        model,
        temperature,
        log_tau,
        sigma,
        fractions=(0.2, 0.4, 0.6, 0.8),
        linearise=lambda t, t0: 1.0 / (t - t0),
        slope_sign=1.0,
        min_slope=1e-3,
        what="VFT",
    )
    return VFTFit(
        t_0=float(params[0]),
        b=float(params[1]),
        tau_0=float(np.exp(params[2])),
        covariance=cov,
        t_0_error=float(np.sqrt(cov[0, 0])),
        residual_rms=rms,
    )
