"""One soft-sphere or Kob–Andersen glass sample, step by step: random start, Monte Carlo at T*, quench, Hessian,
spectrum, stresses.

The seed-001 pipeline (file ``001_d453c975fd50a4a2.txt``, "Numerical
simulations" and Methods "Simulation details"), one sample at a time, with the
settings of :class:`~vdosbench.generators.glasses.glass_params.GlassParams`:

1. **Configuration** (:mod:`~vdosbench.generators.glasses.configurations`): N
   particles at random positions in a periodic cubic (d = 3) or square box;
   polydisperse soft spheres (P(a) ∝ a⁻³ on [0.73, 1.62], ⟨a⟩ = 1, density
   1) or the Kob–Andersen 80:20 Lennard-Jones mixture (density 1.2).
2. **Parent temperature T***.  Finite T*: the random start is first freed
   of overlaps (FIRE until max |F_i| ≤ 10, a few dozen steps), then
   equilibrated by Metropolis + swap Monte Carlo
   (:func:`~vdosbench.generators.glasses.montecarlo.run_swap_mc`; p_swap = 0.2,
   |Δr| = 0.2).  ``parent_temperature = inf``: no Monte Carlo; the random
   positions *are* an equilibrium configuration at T* = ∞ (the energy
   trace then holds the random configuration's energy at sweep 0 and NaN at
   the other recorded sweeps, so that samples of every T* share one trace
   coordinate).
3. **Quench** to the inherent structure (:func:`~vdosbench.generators.glasses.minimize.quench`:
   block-Jacobi preconditioned L-BFGS, FIRE polish if needed), max_i |F_i| ≤ ``force_tolerance`` (default 10⁻¹⁰).
4. **Analytic Hessian** (seed eqs. 45–46, unit masses) and **all** its
   eigenvalues by dense LAPACK; eigenvectors of the lowest ``n_vectors``
   modes above the d translations plus ``vector_modes``; the d lowest modes
   flagged as the translation zero modes.
5. **Pair stresses** ψ = r φ′(r), σ^{αβ} = ê^α ê^β ψ (eqs. 86–88) of every
   interacting pair; coordination numbers (interacting neighbours) and
   first-shell coordination (neighbours inside the first minimum of g(r/σ_ij)).

:func:`make_glass` runs steps 1–5 (:func:`equilibrate`: 1–2, :func:`inherent_sample`: 3–5, which the
equilibrated chains of :mod:`~vdosbench.generators.glasses.glass_chains` call along a chain);
:mod:`~vdosbench.generators.glasses.glass_dataset` writes the result as a dataset; :func:`glass_memory` is the
peak memory of a task.

References
----------
Seed 001, file ``001_d453c975fd50a4a2.txt``: eqs. (13)–(17) (model), Figs.
2–4 (N = 1000 and 1600, m = 2 and ∞, high and low T*), Methods eqs.
(45)–(46) (Hessian), (86)–(89) (stresses), "Simulation details" (MC-swap,
LBFGS, all dN eigenvalues).
W. Kob and H. C. Andersen, Phys. Rev. E 51, 4626 (1995) (the binary
Lennard-Jones mixture, T_MCT ≈ 0.435 at density 1.2).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..spectra import default_vector_modes, dense_spectrum, dense_spectrum_bytes
from .configurations import Configuration, kob_andersen_configuration, polydisperse_configuration
from .glass_params import GlassParams
from .hessian import InteractingPairs, hessian_matrix, interacting_pairs
from .minimize import EnergyModel, QuenchResult, QuenchSettings, fire_minimize, quench
from .montecarlo import MCSettings, run_swap_mc
from .potentials import PairPotential
from .stresses import (
    PairStresses,
    coordination_numbers,
    first_shell_coordination,
    first_shell_cutoff,
    pair_stresses,
)

__all__ = [
    "BYTES_PER_PARTICLE",
    "GENERATOR_VERSION",
    "GlassSample",
    "OVERLAP_FORCE",
    "child_seed",
    "equilibrate",
    "glass_memory",
    "inherent_sample",
    "make_glass",
    "remove_overlaps",
    "start_configuration",
]

#: Version of these generators, recorded as ``generator_version``.  1.1.0: the quench's L-BFGS is
#: block-Jacobi preconditioned (same tolerance; a seed now reaches another, equally valid inherent structure).
GENERATOR_VERSION = "1.1.0"
#: max |F_i| below which the random start is considered free of overlaps before Monte Carlo.
OVERLAP_FORCE = 10.0


@dataclass(frozen=True)
class GlassSample:
    """Everything :func:`make_glass` computed for one sample.

    Attributes
    ----------
    params
        The settings.
    start
        The random initial configuration.
    equilibrated
        The configuration after Monte Carlo (``start`` for T* = ∞).
    mc_energy
        Shape (n_records,), V/N along the Monte Carlo run (NaN where not run).
    mc_acceptance_displacement, mc_acceptance_swap
        Acceptance rates (NaN when not run / none attempted).
    quench
        The :class:`~vdosbench.generators.glasses.minimize.QuenchResult` (its
        ``config`` is the inherent structure).
    eigenvalues
        Shape (d·N,), ascending λ = ω².
    vector_modes
        Shape (k,), mode indices of ``eigenvectors``.
    eigenvectors
        Shape (k, N, d).
    pairs, stresses
        :class:`~vdosbench.generators.glasses.hessian.InteractingPairs` and
        :class:`~vdosbench.generators.glasses.stresses.PairStresses` of the
        inherent structure.
    coordination, first_shell
        Shape (N,) int: interacting neighbours; neighbours inside the first
        minimum of g(x) (``None`` if the box is too small to locate it).
    first_shell_cutoff
        That minimum, x = r/σ_ij (NaN if not located).
    """

    params: GlassParams
    start: Configuration
    equilibrated: Configuration
    mc_energy: np.ndarray
    mc_acceptance_displacement: float
    mc_acceptance_swap: float
    quench: QuenchResult
    eigenvalues: np.ndarray
    vector_modes: np.ndarray
    eigenvectors: np.ndarray
    pairs: InteractingPairs
    stresses: PairStresses
    coordination: np.ndarray
    first_shell: np.ndarray | None
    first_shell_cutoff: float


def child_seed(seed: np.random.SeedSequence, stream: int) -> np.random.SeedSequence:
    """The deterministic child stream ``stream`` of ``seed`` (does not touch ``seed``'s spawn counter).

    A sample's streams: 0 its random start (:func:`start_configuration`), 1 its Monte Carlo; a study that
    repeats part of a sample's making draws from the same streams.

    Examples
    --------
    >>> seq = np.random.SeedSequence(7, spawn_key=(3,))
    >>> child_seed(seq, 1).spawn_key, child_seed(seq, 1).entropy == seq.entropy
    ((3, 1), True)
    """
    return np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, stream))


def start_configuration(params: GlassParams, seed: np.random.SeedSequence) -> Configuration:
    """The random initial configuration of a sample (stream 0 of ``seed``)."""
    config_rng = np.random.default_rng(child_seed(seed, 0))
    n, d = params.n_particles, params.dimension
    if params.potential == "soft_sphere":
        return polydisperse_configuration(n, d, config_rng, params.density, params.diameter_normalization)
    return kob_andersen_configuration(n, d, config_rng, params.density)


def remove_overlaps(start: Configuration, potential: PairPotential) -> np.ndarray:
    """Positions of ``start`` relaxed by FIRE until max |F_i| ≤ :data:`OVERLAP_FORCE` (the Monte Carlo start)."""
    relaxed, _, _, _ = fire_minimize(EnergyModel(start, potential), start.positions, OVERLAP_FORCE, 100_000)
    return relaxed


def make_glass(params: GlassParams, seed: np.random.SeedSequence | int) -> GlassSample:
    """Run the pipeline (configuration → MC at T* → quench → Hessian → spectrum → stresses).

    Parameters
    ----------
    params
        The settings.
    seed
        The only source of randomness: stream 0 draws the configuration,
        stream 1 the Monte Carlo (so every T* and taper order of one sample
        starts from the same random configuration).

    Raises
    ------
    RuntimeError
        If the quench does not reach ``force_tolerance``.
    """
    return inherent_sample(params, *equilibrate(params, seed))


def equilibrate(
    params: GlassParams, seed: np.random.SeedSequence | int
) -> tuple[Configuration, Configuration, np.ndarray, float, float]:
    """Steps 1–2 of the pipeline: the random start and its Monte Carlo at T* (none for T* = ∞).

    Parameters
    ----------
    params
        The settings.
    seed
        Stream 0 draws the configuration, stream 1 the Monte Carlo (see :func:`make_glass`).

    Returns
    -------
    start, equilibrated : Configuration
        The random start and the configuration after Monte Carlo (``start`` for T* = ∞).
    mc_energy : numpy.ndarray
        V/N at the sweeps of ``params.trace_sweeps`` (NaN where not run).
    acceptance_displacement, acceptance_swap : float
        Acceptance rates (NaN when not run).
    """
    seq = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    mc_rng = np.random.default_rng(child_seed(seq, 1))
    pot = params.pair_potential
    n = params.n_particles
    start = start_configuration(params, seq)
    sweeps = params.trace_sweeps
    if math.isinf(params.parent_temperature):
        energy0 = EnergyModel(start, pot).energy(start.positions) / n
        return start, start, np.where(sweeps == 0, energy0, np.nan), float("nan"), float("nan")
    settings = MCSettings(
        temperature=params.parent_temperature,
        n_sweeps=params.n_sweeps,
        step=params.mc_step,
        p_swap=params.p_swap,
        skin=params.mc_skin,
        record_every=params.record_every,
    )
    mc = run_swap_mc(remove_overlaps(start, pot), start.box_length, start.sizes, start.species, pot, settings, mc_rng)
    equilibrated = Configuration(mc.positions, start.box_length, mc.sizes, mc.species)
    if not np.array_equal(np.asarray(mc.trace_sweeps), sweeps):
        raise RuntimeError(
            f"Monte Carlo recorded sweeps {np.asarray(mc.trace_sweeps)[:5]}..., expected {sweeps[:5]}...: "
            "the trace convention of run_swap_mc changed; update GlassParams.trace_sweeps"
        )
    return (
        start,
        equilibrated,
        np.asarray(mc.energy_trace, dtype=np.float64),
        float(mc.acceptance_displacement),
        float(mc.acceptance_swap),
    )


def inherent_sample(
    params: GlassParams,
    start: Configuration,
    equilibrated: Configuration,
    mc_energy: np.ndarray,
    acceptance_displacement: float,
    acceptance_swap: float,
) -> GlassSample:
    """Quench ``equilibrated`` and measure its inherent structure (spectrum, vectors, stresses, coordination).

    Raises
    ------
    RuntimeError
        If the quench does not reach ``params.force_tolerance``.
    """
    pot = params.pair_potential
    n, d = params.n_particles, params.dimension
    result = quench(equilibrated, pot, QuenchSettings(force_tolerance=params.force_tolerance))
    if not result.converged:
        raise RuntimeError(
            f"quench stopped at max |F| = {result.max_force:.3g} > force_tolerance = {params.force_tolerance:g} "
            f"({result.lbfgs_message}; {result.lbfgs_iterations} L-BFGS iterations, {result.fire_steps} FIRE "
            "steps): raise force_tolerance or the iteration limits"
        )
    inherent = result.config
    pairs = interacting_pairs(inherent, pot)
    hessian = hessian_matrix(inherent, pot, pairs=pairs)
    modes = default_vector_modes(params.n_modes, params.n_vectors, params.vector_modes, first=d)
    eigenvalues, vectors = dense_spectrum(hessian, modes)
    eigenvectors = vectors.T.reshape(len(modes), n, d)
    try:
        shell = first_shell_cutoff(inherent, pot)
        cutoff = shell.cutoff
        first = first_shell_coordination(inherent, pot, cutoff)
    except ValueError:
        cutoff, first = float("nan"), None
    return GlassSample(
        params=params,
        start=start,
        equilibrated=equilibrated,
        mc_energy=mc_energy,
        mc_acceptance_displacement=acceptance_displacement,
        mc_acceptance_swap=acceptance_swap,
        quench=result,
        eigenvalues=eigenvalues,
        vector_modes=modes,
        eigenvectors=eigenvectors,
        pairs=pairs,
        stresses=pair_stresses(pairs),
        coordination=coordination_numbers(pairs),
        first_shell=first,
        first_shell_cutoff=cutoff,
    )


#: Bytes per particle and stored sample besides the dense eigenproblem (configurations, neighbour lists,
#: sparse Hessian, pair data, the sample's dataset): measured with tracemalloc at N = 400 (3D, pair data),
#: 11 kB; rounded up.
BYTES_PER_PARTICLE = 16_000


def glass_memory(params: GlassParams, stored_samples: int = 1) -> int:
    """Peak bytes of a glass task: the dense dN × dN eigenproblem plus O(N) per sample it holds.

    Parameters
    ----------
    params
        The glass.
    stored_samples
        Samples the task holds before writing them (k for a chain).

    Examples
    --------
    >>> glass_memory(GlassParams(n_particles=1000)) / 1e6   # seed 001: N = 1000 in 3D
    96.544
    """
    n_vectors = params.n_vectors + len(params.vector_modes)
    return dense_spectrum_bytes(params.n_modes, n_vectors) + BYTES_PER_PARTICLE * params.n_particles * stored_samples
