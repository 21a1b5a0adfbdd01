"""Soft-sphere and Lennard-Jones glasses: swap MC, quench, analytic Hessian, spectra, stresses.

The seed-001 pipeline (file ``001_d453c975fd50a4a2.txt``, "Numerical
simulations" and Methods "Simulation details"), one sample at a time:

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

Parameter temperatures
    :data:`T_HIGH` and :data:`T_LOW` (soft spheres) are the seed's "high
    T* ≫ T_d" and "low T* ≈ T_d", set from :data:`T_D`, the dynamical-arrest
    temperature measured for this exact potential (m = 2, r_c = 1.955,
    density 1) by ``studies/measure_td.py``: τ_α from the self-intermediate
    scattering function under plain Metropolis MC, fitted by the mode-coupling
    law τ_α = A (T − T_d)^(−γ) (results in ``studies/results/td_measurement.json``).
    :data:`KA_T_HIGH`, :data:`KA_T_LOW` (Kob–Andersen) use the published
    T_MCT ≈ 0.435, cited and not re-measured for the tapered potential.

Taper order encoding
    ``taper_order`` is an integer m ≥ 0, or −1 (=
    :data:`~vdosbench.generators.glasses.potentials.INFINITE_ORDER`) for
    T_∞(x) = exp[x/(2(x−1))]; the string ``"inf"`` is accepted as input and
    stored as −1, so grid coordinates stay integers.

Why one module of about 960 lines: the protocol's settings
(:class:`GlassParams` and its checks), the sample it builds, its dataset
layout, the two registered generators (``soft_spheres``, ``lennard_jones``)
and their recipes are one contract, which :mod:`.glass_chains` reuses through
the same helpers; each step of the protocol is already its own module
(configurations, montecarlo, minimize, hessian, stresses, spectra).

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
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import numpy as np
import xarray as xr

from vdosbench.datasets import convention_attrs
from vdosbench.datasets.compact import EIGENVECTOR_FLOAT32_COMMENT

from .configurations import (
    A_MAX,
    A_MIN,
    KA_DENSITY,
    KA_FRACTION_A,
    NORMALIZATIONS,
    Configuration,
    kob_andersen_configuration,
    polydisperse_configuration,
)
from .hessian import InteractingPairs, hessian_matrix, interacting_pairs
from .minimize import EnergyModel, QuenchResult, QuenchSettings, fire_minimize, quench
from .montecarlo import MCSettings, run_swap_mc
from .potentials import INFINITE_ORDER, PairPotential, kob_andersen_potential, soft_sphere_potential
from .cost import glass_task_seconds
from ..engine.parameters import Parameter
from ..engine.ensemble_spec import Recipe
from ..engine.registry import Generator, register
from ..spectra import default_vector_modes, dense_spectrum, dense_spectrum_bytes, translation_zero_modes
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
    "GlassParams",
    "GlassSample",
    "glass_memory",
    "KA_T_HIGH",
    "KA_T_MCT",
    "KA_T_LOW",
    "LENNARD_JONES",
    "MC_RECORD_DIM",
    "NINARELLO_NON_ADDITIVITY",
    "POTENTIALS",
    "RECIPES",
    "SOFT_SPHERES",
    "T_D",
    "T_D_ERROR",
    "T_D_NONADDITIVE",
    "T_HIGH",
    "T_LOW",
    "glass_sample",
    "lennard_jones_sample",
    "make_glass",
    "soft_sphere_sample",
]

#: Version of these generators, recorded as ``generator_version``.  1.1.0: the quench's L-BFGS is
#: block-Jacobi preconditioned (same tolerance; a seed now reaches another, equally valid inherent structure).
GENERATOR_VERSION = "1.1.0"

#: Dynamical-arrest temperature of the seed-001 soft spheres (m = 2, r_c = 1.955, density 1,
#: energy units ε, k_B = 1), measured here: MCT fit of τ_α(T) over T ≤ 0.4, N = 500, 4 replicas,
#: T_d = 0.144 ± 0.008 (bootstrap over replicas); other fit ranges give 0.12 – 0.16
#: (``studies/results/td_measurement.json``).
T_D = 0.144
#: Its statistical uncertainty (bootstrap over replicas).
T_D_ERROR = 0.008
#: "High" parent temperature T* ≫ T_d: 1.0 ≈ 7 T_d (the seed: s = 2 for T* above about 2 T_d).
T_HIGH = 1.0
#: "Low" parent temperature T* ≈ T_d: the measured T_d.
T_LOW = T_D
#: Mode-coupling temperature of the (untapered) Kob–Andersen mixture at density 1.2 (Kob & Andersen 1995; cited).
#: The tapered mixture's is lower: T_c ≈ 0.35 – 0.36 (``studies/results/swap_tau_ka.json``).
KA_T_MCT = 0.435
#: "High" parent temperature of the Kob–Andersen mixture (density 1.2): 2.0, far above
#: its mode-coupling temperature T_MCT ≈ 0.435 (Kob & Andersen 1995; cited, not
#: re-measured here for the tapered potential).
KA_T_HIGH = 2.0
#: "Low" parent temperature of the Kob–Andersen mixture: 0.45 ≈ T_MCT (cited value, not re-measured).
KA_T_LOW = 0.45
#: Non-additivity ε of the pair size a_ij = (a_i + a_j)/2 (1 − ε|a_i − a_j|) of Ninarello, Berthier &
#: Coslovich (PRX 7, 021039 (2017), eq. 2): it suppresses fractionation and crystallisation under swaps.
NINARELLO_NON_ADDITIVITY = 0.2
#: T_d of the non-additive soft spheres (ε = :data:`NINARELLO_NON_ADDITIVITY`, otherwise the seed-001 model),
#: measured as :data:`T_D` is: MCT fit of τ_α(T) over T ≤ 0.25 (grid 0.4 … 0.09), N = 500, 4 replicas,
#: 0.0716 ± 0.0023 (bootstrap over replicas), 0.075 – 0.078 over other fit ranges
#: (``studies/results/td_measurement_nonadditive_0.2.json``; issue 25 item 5).
T_D_NONADDITIVE = 0.0716

#: Valid values of ``potential``.
POTENTIALS = ("soft_sphere", "lennard_jones")
#: The dimension of the Monte Carlo energy trace (coordinate: the recorded sweep numbers).
MC_RECORD_DIM = "mc_record"
#: max |F_i| below which the random start is considered free of overlaps before Monte Carlo.
OVERLAP_FORCE = 10.0

REFERENCE = (
    "W. Schirmacher et al., The nature of non-phononic excitations in disordered systems, "
    "Nat. Commun. 15, 3107 (2024), doi:10.1038/s41467-024-46981-7 (vdosbench seed 001, file "
    "001_d453c975fd50a4a2.txt; eqs. 13-17, 45-46, 86-89, Figs. 2-4, Methods 'Simulation details'); W. Kob and H. C. Andersen, Phys. Rev. E 51, 4626 (1995), "
    "doi:10.1103/PhysRevE.51.4626 (Lennard-Jones mixture)"
)


def _taper_order(value: object) -> int:
    if isinstance(value, str) and value.strip().lower() in ("inf", "infinity", "∞"):
        return INFINITE_ORDER
    if isinstance(value, float) and math.isinf(value) and value > 0:
        return INFINITE_ORDER
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(
            f"taper_order must be an integer m ≥ 0, -1 or 'inf' (T_inf), found {value!r} ({type(value).__name__})"
        )
    if int(value) < INFINITE_ORDER:
        raise ValueError(f"taper_order must be an integer m ≥ 0, or -1 / 'inf' for T_inf; found {value}")
    return int(value)


def canonical_taper_order(value: object) -> object:
    """The stored form of a taper order: ``"inf"`` / ``inf`` → −1 (:data:`INFINITE_ORDER`); other values as given.

    Examples
    --------
    >>> canonical_taper_order("inf"), canonical_taper_order(float("inf")), canonical_taper_order(2)
    (-1, -1, 2)
    >>> canonical_taper_order("two")  # left for the parameter check to refuse with its message
    'two'
    """
    try:
        return _taper_order(value)
    except (TypeError, ValueError):
        return value


def _integer(name: str, value: object, minimum: int) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer ≥ {minimum}, found {value!r} ({type(value).__name__})")
    if int(value) < minimum:
        raise ValueError(f"{name} must be an integer ≥ {minimum}, found {int(value)}")
    return int(value)


def _positive(name: str, value: object, allow_inf: bool = False) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a positive number, found {value!r} ({type(value).__name__})")
    out = float(value)
    if not (out > 0 and (allow_inf or math.isfinite(out))):
        raise ValueError(f"{name} must be a positive{'' if allow_inf else ' finite'} number, found {out}")
    return out


def _non_additivity(value: object, potential: str) -> float:
    """ε checked: a finite number with 0 ≤ ε < 1/(a_max − a_min) (every a_ij > 0), soft spheres only."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"non_additivity must be a number ε ≥ 0, found {value!r} ({type(value).__name__})")
    eps = float(value)
    limit = 1.0 / (A_MAX - A_MIN)
    if not (math.isfinite(eps) and 0.0 <= eps < limit):
        raise ValueError(
            f"non_additivity must satisfy 0 <= ε < 1/(a_max - a_min) = {limit:.6g} (else some pair size "
            f"(a_i + a_j)/2 (1 - ε|a_i - a_j|) is <= 0), found {eps}; Ninarello et al. (2017) use 0.2"
        )
    if eps != 0.0 and potential != "soft_sphere":
        raise ValueError(f"non_additivity applies to soft spheres only; found {eps} for potential {potential!r}")
    return eps


@dataclass(frozen=True)
class GlassParams:
    """Settings of one glass sample.

    Parameters
    ----------
    potential
        ``"soft_sphere"`` (seed eq. 14, n = 12, r_c = 1.955) or
        ``"lennard_jones"`` (Kob–Andersen, r_c = 2.5 σ_ij).
    n_particles, dimension
        N and d (2 or 3); L = (N/ρ)^(1/d) must exceed 2 r_c.
    taper_order
        m ≥ 0, or −1 / ``"inf"`` for T_∞ (stored as −1).
    parent_temperature
        T* of the Monte Carlo equilibration (energy units, k_B = 1), or
        ``inf`` for a quench from random positions.
    n_sweeps
        Monte Carlo sweeps (N attempted moves each) at T*.
    mc_step, p_swap, mc_skin, record_every
        |Δr|, swap probability, Verlet skin of the Monte Carlo, and sweeps
        between records of the energy trace.
    force_tolerance
        Quench target max_i |F_i| (units ε/length).
    n_vectors, vector_modes
        Eigenvectors kept: modes d … d + n_vectors − 1 (the lowest non-zero
        ones) plus the indices in ``vector_modes``.
    density
        Number density; ``None`` takes 1 (soft spheres) or 1.2 (Kob–Andersen).
    diameter_normalization
        ``"rescale"`` (⟨a⟩ = 1 exactly) or ``"none"``; soft spheres only.
    pair_data
        Store the ragged pair arrays (indices, distances, ψ, stress tensors:
        most of a part file's size).  False for eigenvalue-only sets such as
        the N = 1600 level statistics: positions and diameters are kept, so
        the pairs can be recomputed.
    non_additivity
        ε of the soft-sphere pair size a_ij = (a_i + a_j)/2 · (1 − ε|a_i − a_j|)
        (Ninarello, Berthier & Coslovich, PRX 7, 021039 (2017): ε = 0.2);
        0 (default) is the seed's additive model.  0 ≤ ε < 1/(a_max − a_min).

    Examples
    --------
    >>> GlassParams(taper_order="inf", n_particles=128).taper_order
    -1
    >>> GlassParams(potential="lennard_jones").density
    1.2
    """

    potential: str = "soft_sphere"
    n_particles: int = 1000
    dimension: int = 3
    taper_order: int | str = 2
    parent_temperature: float = T_HIGH
    n_sweeps: int = 1000
    mc_step: float = 0.2
    p_swap: float = 0.2
    mc_skin: float = 0.6
    record_every: int = 10
    force_tolerance: float = 1e-10
    n_vectors: int = 50
    vector_modes: tuple[int, ...] = field(default_factory=tuple)
    density: float | None = None
    diameter_normalization: str = "rescale"
    pair_data: bool = True
    non_additivity: float = 0.0

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        if self.potential not in POTENTIALS:
            raise ValueError(f"unknown potential {self.potential!r}; expected one of {POTENTIALS}")
        set_(self, "n_particles", _integer("n_particles", self.n_particles, 2))
        if self.dimension not in (2, 3) or isinstance(self.dimension, bool):
            raise ValueError(f"dimension must be 2 or 3, found {self.dimension!r}")
        set_(self, "dimension", int(self.dimension))
        set_(self, "taper_order", _taper_order(self.taper_order))
        set_(self, "parent_temperature", _positive("parent_temperature", self.parent_temperature, allow_inf=True))
        set_(self, "n_sweeps", _integer("n_sweeps", self.n_sweeps, 0))
        set_(self, "record_every", _integer("record_every", self.record_every, 1))
        set_(self, "mc_step", _positive("mc_step", self.mc_step))
        set_(self, "mc_skin", _positive("mc_skin", self.mc_skin))
        p_swap = float(self.p_swap)
        if not 0.0 <= p_swap <= 1.0:
            raise ValueError(f"p_swap must lie in [0, 1], found {p_swap}")
        set_(self, "p_swap", p_swap)
        set_(self, "force_tolerance", _positive("force_tolerance", self.force_tolerance))
        set_(self, "n_vectors", _integer("n_vectors", self.n_vectors, 0))
        if isinstance(self.vector_modes, (str, bytes)) or not hasattr(self.vector_modes, "__iter__"):
            raise TypeError(f"vector_modes must be a sequence of mode indices, found {self.vector_modes!r}")
        modes = tuple(_integer("vector_modes entry", m, 0) for m in self.vector_modes)
        n_mode = self.n_particles * self.dimension
        if modes and max(modes) >= n_mode:
            raise ValueError(f"vector_modes must lie in [0, {n_mode}), found {max(modes)}")
        set_(self, "vector_modes", modes)
        default_density = 1.0 if self.potential == "soft_sphere" else KA_DENSITY
        set_(self, "density", default_density if self.density is None else _positive("density", self.density))
        if not isinstance(self.pair_data, (bool, np.bool_)):
            raise TypeError(f"pair_data must be True or False, found {self.pair_data!r}")
        set_(self, "pair_data", bool(self.pair_data))
        if self.diameter_normalization not in NORMALIZATIONS:
            raise ValueError(
                f"unknown diameter_normalization {self.diameter_normalization!r}; expected one of {NORMALIZATIONS}"
            )
        set_(self, "non_additivity", _non_additivity(self.non_additivity, self.potential))

    @classmethod
    def from_mapping(cls, params: Mapping[str, Any], **defaults: Any) -> GlassParams:
        """Build from a mapping (the ensemble runner's merged parameters) over ``defaults``.

        Raises
        ------
        ValueError
            On a key that is not a field, listing the valid fields.
        """
        valid = [f.name for f in fields(cls)]
        unknown = sorted(set(params) - set(valid))
        if unknown:
            raise ValueError(f"unknown glass parameter(s) {unknown}; valid parameters are {valid}")
        return cls(**{**defaults, **dict(params)})

    @property
    def pair_potential(self) -> PairPotential:
        """The :class:`~vdosbench.generators.glasses.potentials.PairPotential` of these settings."""
        if self.potential == "soft_sphere":
            return soft_sphere_potential(taper_order=int(self.taper_order), non_additivity=self.non_additivity)
        return kob_andersen_potential(taper_order=int(self.taper_order))

    @property
    def n_modes(self) -> int:
        """d·N."""
        return self.n_particles * self.dimension

    @property
    def trace_sweeps(self) -> np.ndarray:
        """Sweep numbers of the energy trace: 0, record_every, … and n_sweeps."""
        return np.unique(np.r_[np.arange(0, self.n_sweeps + 1, self.record_every), self.n_sweeps]).astype(np.int64)


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
        temperature=params.parent_temperature, n_sweeps=params.n_sweeps, step=params.mc_step,
        p_swap=params.p_swap, skin=params.mc_skin, record_every=params.record_every,
    )
    mc = run_swap_mc(remove_overlaps(start, pot), start.box_length, start.sizes, start.species, pot, settings,
                     mc_rng)
    equilibrated = Configuration(mc.positions, start.box_length, mc.sizes, mc.species)
    if not np.array_equal(np.asarray(mc.trace_sweeps), sweeps):
        raise RuntimeError(
            f"Monte Carlo recorded sweeps {np.asarray(mc.trace_sweeps)[:5]}..., expected {sweeps[:5]}...: "
            "the trace convention of run_swap_mc changed; update GlassParams.trace_sweeps"
        )
    return (start, equilibrated, np.asarray(mc.energy_trace, dtype=np.float64), float(mc.acceptance_displacement),
            float(mc.acceptance_swap))


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
        params=params, start=start, equilibrated=equilibrated, mc_energy=mc_energy,
        mc_acceptance_displacement=acceptance_displacement, mc_acceptance_swap=acceptance_swap, quench=result,
        eigenvalues=eigenvalues, vector_modes=modes, eigenvectors=eigenvectors, pairs=pairs,
        stresses=pair_stresses(pairs), coordination=coordination_numbers(pairs), first_shell=first,
        first_shell_cutoff=cutoff,
    )


def _seed_attrs(seed: np.random.SeedSequence) -> dict[str, object]:
    entropy = seed.entropy
    root: object = int(entropy) if isinstance(entropy, (int, np.integer)) and 0 <= int(entropy) < 2**63 else str(entropy)
    return {"root_seed": root, "seed_spawn_key": str(tuple(int(k) for k in seed.spawn_key))}


def glass_sample(
    params: Mapping[str, Any] | GlassParams,
    seed: np.random.SeedSequence | int,
    sample: int,
    generator: str = "soft_spheres",
) -> xr.Dataset:
    """One glass sample as a VDOS-1.0 dataset.

    Parameters
    ----------
    params
        :class:`GlassParams` or a mapping of its fields (missing fields take
        the defaults); unknown keys raise ``ValueError``.
    seed
        This sample's :class:`numpy.random.SeedSequence` (an int is wrapped).
    sample
        The sample index (the ``sample`` coordinate).
    generator
        The registered name recorded in the ``generator`` attribute.

    Returns
    -------
    xarray.Dataset
        Dimensions ``sample`` (1), ``mode`` (d·N), ``vector_mode``, ``site``
        (N), ``spatial`` (d), ``spatial_b`` (d), ``pair``, and ``mc_record``
        (the recorded Monte Carlo sweeps; coordinate = sweep number).
        Variables (per sample): ``eigenvalue``, ``zero_mode`` (the d
        translations), ``eigenvector`` (vector_mode, site, spatial);
        ``position`` (inherent structure), ``box_length``, ``diameter`` (soft
        spheres) or ``species`` (Lennard-Jones); ``coordination``,
        ``first_shell_coordination`` and ``first_shell_cutoff`` (−1 for
        every site and NaN when the box is too small to locate the first
        minimum of g); ragged pairs ``pair_count``, ``pair_i``,
        ``pair_j``, ``pair_distance``, ``pair_psi``, ``pair_stress`` (pair,
        spatial, spatial_b); ``mc_energy`` (sample, mc_record),
        ``mc_acceptance_displacement``, ``mc_acceptance_swap``,
        ``inherent_energy``, ``quench_max_force``, ``quench_iterations``,
        ``quench_fire_steps``.  Every parameter is an attribute.

    Examples
    --------
    >>> from vdosbench.datasets import check
    >>> ds = glass_sample({"n_particles": 128, "n_sweeps": 0, "parent_temperature": float("inf"),
    ...                    "n_vectors": 5}, np.random.SeedSequence(1), sample=0)
    >>> check(ds)
    >>> ds.sizes["mode"], int(ds["zero_mode"].sum()), bool(ds["quench_max_force"].item() <= 1e-10)
    (384, 3, True)
    """
    p = params if isinstance(params, GlassParams) else GlassParams.from_mapping(params)
    seq = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    sample = _integer("sample", sample, 0)
    return glass_dataset(make_glass(p, seq), seq, sample, generator)


def glass_dataset(g: GlassSample, seq: np.random.SeedSequence, sample: int, generator: str) -> xr.Dataset:
    """The VDOS-1.0 dataset of one computed sample (see :func:`glass_sample` for its variables).

    Parameters
    ----------
    g
        The computed sample; ``g.params`` are recorded as attributes.
    seq
        Its seed (recorded as ``root_seed`` and ``seed_spawn_key``).
    sample
        The ``sample`` coordinate.
    generator
        The registered name recorded in the ``generator`` attribute.
    """
    from vdosbench import __version__

    p = g.params
    n, d = p.n_particles, p.dimension
    pot = p.pair_potential
    one = {"units": "1"}
    axes = ["x", "y", "z"][:d]
    st = g.stresses
    coords = {
        "sample": ("sample", np.array([sample], np.int64), {"long_name": "ensemble member", **one}),
        "mode": ("mode", np.arange(p.n_modes, dtype=np.int64), {"long_name": "mode index (ascending eigenvalue)", **one}),
        "vector_mode": ("vector_mode", g.vector_modes, {"long_name": "mode index of stored eigenvector", **one}),
        "spatial": ("spatial", np.array(axes), {"long_name": "Cartesian component"}),
        "spatial_b": ("spatial_b", np.array(axes), {"long_name": "second Cartesian component of a tensor"}),
        MC_RECORD_DIM: (
            MC_RECORD_DIM, p.trace_sweeps,
            {"long_name": "Monte Carlo sweep of the energy record (N attempted moves per sweep)", **one},
        ),
    }
    units_e = "epsilon"
    data_vars: dict[str, Any] = {
        "eigenvalue": (
            ("sample", "mode"), g.eigenvalues[None, :],
            {"long_name": "eigenvalue of the Hessian, unit masses (omega squared)", "units": "epsilon / (m a^2)"},
        ),
        "zero_mode": (
            ("sample", "mode"), translation_zero_modes(p.n_modes, d)[None, :],
            {"long_name": "zero mode flag (the d uniform translations of the periodic box)", **one},
        ),
        "eigenvector": (
            ("sample", "vector_mode", "site", "spatial"), g.eigenvectors[None].astype(np.float32),
            # the long_name is that of the float64 parts written before (a run that resumes combines both)
            {"long_name": "normalised eigenvector of the Hessian",
             "comment": EIGENVECTOR_FLOAT32_COMMENT, **one},
        ),
        "position": (
            ("sample", "site", "spatial"), g.quench.config.positions[None],
            {"long_name": "particle position in the inherent structure (wrapped into the box)", "units": "a"},
        ),
        "box_length": (("sample",), np.array([g.start.box_length]), {"long_name": "periodic box edge", "units": "a"}),
        "coordination": (
            ("sample", "site"), g.coordination[None],
            {"long_name": "number of interacting neighbours (r_ij < r_c,ij)", **one},
        ),
        "first_shell_cutoff": (
            ("sample",), np.array([g.first_shell_cutoff]),
            {"long_name": "first minimum of g(x), x = r_ij / sigma_ij, measured in the sample", **one},
        ),
        "pair_count": (
            ("sample",), np.array([g.pairs.count], np.int64),
            {"long_name": "number of interacting pairs in the sample", "sample_dimension": "pair", **one},
        ),
        "pair_i": ("pair", g.pairs.i, {"long_name": "first particle of the pair", **one}),
        "pair_j": ("pair", g.pairs.j, {"long_name": "second particle of the pair (j > i)", **one}),
        "pair_distance": ("pair", g.pairs.distance, {"long_name": "pair distance r_ij", "units": "a"}),
        "pair_psi": ("pair", st.psi, {"long_name": "psi = r phi'(r) (seed 001 eq. 88)", "units": units_e}),
        "pair_stress": (
            ("pair", "spatial", "spatial_b"), st.stress,
            {"long_name": "pair stress sigma^ab = e^a e^b psi (seed 001 eq. 87); traceless part: "
             "subtract psi delta_ab / d (eq. 89)", "units": units_e},
        ),
        "mc_energy": (
            ("sample", MC_RECORD_DIM), g.mc_energy[None],
            {"long_name": "potential energy per particle during Monte Carlo at the parent temperature "
             "(NaN where no Monte Carlo was run)", "units": units_e},
        ),
        "mc_acceptance_displacement": (
            ("sample",), np.array([g.mc_acceptance_displacement]),
            {"long_name": "acceptance rate of Monte Carlo displacements", **one},
        ),
        "mc_acceptance_swap": (
            ("sample",), np.array([g.mc_acceptance_swap]),
            {"long_name": "acceptance rate of Monte Carlo swaps", **one},
        ),
        "inherent_energy": (
            ("sample",), np.array([g.quench.energy / n]),
            {"long_name": "potential energy per particle of the inherent structure", "units": units_e},
        ),
        "quench_max_force": (
            ("sample",), np.array([g.quench.max_force]),
            {"long_name": "largest particle force norm after the quench", "units": "epsilon / a"},
        ),
        "quench_iterations": (
            ("sample",), np.array([g.quench.lbfgs_iterations], np.int64),
            {"long_name": "L-BFGS iterations of the quench", **one},
        ),
        "quench_fire_steps": (
            ("sample",), np.array([g.quench.fire_steps + g.quench.prerelax_steps], np.int64),
            {"long_name": "FIRE steps of the quench (pre-relaxation and polish)", **one},
        ),
    }
    first_shell = g.first_shell if g.first_shell is not None else np.full(n, -1, dtype=np.int64)
    data_vars["first_shell_coordination"] = (
        ("sample", "site"), first_shell[None],
        {"long_name": "neighbours closer than the first minimum of g(r / sigma_ij) (-1: minimum not "
         "located, box too small)", **one},
    )
    if p.potential == "soft_sphere":
        data_vars["diameter"] = (
            ("sample", "site"), g.quench.config.sizes[None],
            {"long_name": "particle diameter a_i (after swaps)", "units": "a"},
        )
    else:
        data_vars["species"] = (
            ("sample", "site"), g.quench.config.species[None],
            {"long_name": "Kob-Andersen species (after swaps)", "flag_values": np.array([0, 1]),
             "flag_meanings": "A B", **one},
        )
    if not p.pair_data:
        data_vars = {k: v for k, v in data_vars.items() if not k.startswith("pair_")}
        coords.pop("spatial_b")
    settings = asdict(p)
    settings["vector_modes"] = " ".join(str(m) for m in p.vector_modes)
    settings["pair_data"] = int(p.pair_data)
    pot_attrs = pot.attrs()
    for key in ("taper_order", "potential", "potential_non_additivity"):  # recorded with the settings
        pot_attrs.pop(key)
    family = "polydisperse soft-sphere" if p.potential == "soft_sphere" else "Kob-Andersen Lennard-Jones"
    quench_defaults = QuenchSettings()  # what make_glass quenches with, apart from the recorded force tolerance
    attrs = convention_attrs(
        title=(
            f"{family} glass, N={n}, d={d}, taper m={pot.taper_label}, parent temperature "
            f"{p.parent_temperature:g}"
        ),
        source=f"vdosbench.generators.soft_spheres {GENERATOR_VERSION}",
        references=REFERENCE,
        spatial_dimension=d,
        **settings,
        taper_label=pot.taper_label,
        **pot_attrs,
        mass=1.0,
        diameter_bounds=[A_MIN, A_MAX] if p.potential == "soft_sphere" else [],
        ka_fraction_a=KA_FRACTION_A if p.potential == "lennard_jones" else float("nan"),
        overlap_force=OVERLAP_FORCE,
        mc_start=(
            "random positions (T* = inf: no Monte Carlo)" if math.isinf(p.parent_temperature)
            else f"random positions relaxed by FIRE to max |F| <= {OVERLAP_FORCE:g}"
        ),
        quench_method=(
            f"L-BFGS (memory {quench_defaults.lbfgs_memory}, Armijo backtracking with rounding slack, "
            f"preconditioner {quench_defaults.preconditioner} renewed every "
            f"{quench_defaults.preconditioner_refresh} iterations), FIRE polish if needed"
        ),
        zero_mode_rule="the d lowest modes (uniform translations of the periodic box)",
        vector_mode_rule="modes d .. d+n_vectors-1 plus vector_modes",
        first_shell_rule=(
            "first minimum after the main peak of the histogram of r_ij/sigma_ij (bins 0.01, divided by "
            "x^(d-1), Gaussian smoothing of 3 bins), at least 9 bins before the end of the searched range"
        ),
        generator=generator,
        generator_version=GENERATOR_VERSION,
        **_seed_attrs(seq),
        vdosbench_version=__version__,
    )
    if p.potential == "soft_sphere":
        attrs.pop("ka_fraction_a")
    else:
        attrs.pop("diameter_bounds")
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)


def _with_potential(params: Mapping[str, Any], potential: str) -> dict[str, Any]:
    merged = dict(params)
    if merged.setdefault("potential", potential) != potential:
        raise ValueError(
            f"this generator makes {potential!r} glasses, found potential={merged['potential']!r}; "
            "use the other registered generator (soft_spheres or lennard_jones)"
        )
    return merged


def check_soft_sphere_params(params: Mapping[str, Any]) -> GlassParams:
    """:class:`GlassParams` of one ``soft_spheres`` sample (the generator's ``check_params``)."""
    return GlassParams.from_mapping(_with_potential(params, "soft_sphere"))


def check_lennard_jones_params(params: Mapping[str, Any]) -> GlassParams:
    """:class:`GlassParams` of one ``lennard_jones`` sample (the generator's ``check_params``)."""
    return GlassParams.from_mapping(_with_potential(params, "lennard_jones"))


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


def soft_sphere_memory(params: Mapping[str, Any]) -> int:
    """:func:`glass_memory` of one ``soft_spheres`` sample (the generator's ``memory_estimate``)."""
    return glass_memory(check_soft_sphere_params(params))


def lennard_jones_memory(params: Mapping[str, Any]) -> int:
    """:func:`glass_memory` of one ``lennard_jones`` sample (the generator's ``memory_estimate``)."""
    return glass_memory(check_lennard_jones_params(params))


def soft_sphere_sample(params: Mapping[str, Any], seed: np.random.SeedSequence | int, sample: int) -> xr.Dataset:
    """:func:`glass_sample` for the ``soft_spheres`` generator (``potential="soft_sphere"``)."""
    return glass_sample(_with_potential(params, "soft_sphere"), seed, sample, generator="soft_spheres")


def lennard_jones_sample(params: Mapping[str, Any], seed: np.random.SeedSequence | int, sample: int) -> xr.Dataset:
    """:func:`glass_sample` for the ``lennard_jones`` generator (Kob–Andersen, density 1.2)."""
    return glass_sample(_with_potential(params, "lennard_jones"), seed, sample, generator="lennard_jones")


def glass_parameters(
    parent_temperatures: Sequence[float], density: float, *, chain: bool = False, soft_spheres: bool = True,
    extra: Sequence[Parameter] = (),
) -> tuple[Parameter, ...]:
    """The declared parameters of a glass generator (the :class:`GlassParams` fields it takes).

    Parameters
    ----------
    parent_temperatures
        Default grid of T*.
    density
        Default number density.
    chain
        True for the equilibrated chain generators: no ``n_sweeps`` / ``mc_step`` / ``pair_data``
        (the chain sets them), no T* = ∞.
    extra
        Further parameters (the chain's), placed before ``density``.
    soft_spheres
        True: with ``diameter_normalization`` (polydisperse soft spheres only).
    """
    params = [
        Parameter("taper_order", "taper order m of the pair potential (-1: T_inf)", (2, INFINITE_ORDER), units="1",
                  grid=True, kind="int", minimum=0, special=(INFINITE_ORDER,), canonical=canonical_taper_order),
        Parameter("parent_temperature", "parent temperature T* of the Monte Carlo equilibration",
                  tuple(parent_temperatures), units="epsilon", grid=True, minimum=0.0, open_minimum=True,
                  infinite=not chain, note="" if chain else "inf: quench from random positions"),
        Parameter("n_particles", "number of particles N", 1000, units="1", kind="int", minimum=2,
                  note="box edge (N/density)^(1/d) > 2 r_c"),
        Parameter("dimension", "spatial dimension d", 3, units="1", kind="int", minimum=2, maximum=3),
    ]
    if not chain:
        params += [
            Parameter("n_sweeps", "Monte Carlo sweeps at T* (N attempted moves each)", 1000, units="1", kind="int",
                      minimum=0),
            Parameter("mc_step", "largest Monte Carlo displacement |dr|", 0.2, units="sigma", minimum=0.0,
                      open_minimum=True),
        ]
    params += [
        Parameter("p_swap", "probability that a Monte Carlo move is a diameter swap", 0.2, units="1", minimum=0.0,
                  maximum=1.0),
        Parameter("mc_skin", "Verlet skin of the Monte Carlo neighbour list", 0.6, units="sigma", minimum=0.0,
                  open_minimum=True),
        Parameter("record_every", "sweeps between records of the energy trace", 10, units="1", kind="int",
                  minimum=1),
        Parameter("force_tolerance", "quench target: largest force max_i |F_i|", 1e-10, units="epsilon/sigma",
                  minimum=0.0, open_minimum=True),
        Parameter("n_vectors", "eigenvectors kept: the lowest non-zero modes d ... d + n_vectors - 1", 50,
                  units="1", kind="int", minimum=0),
        Parameter("vector_modes", "further mode indices whose eigenvectors are kept", [], units="1", kind="ints",
                  minimum=0, note="< d N"),
    ]
    params += list(extra)
    params.append(Parameter("density", "number density", density, units="sigma-d", minimum=0.0, open_minimum=True))
    if soft_spheres:
        params.append(Parameter("diameter_normalization", "diameters rescaled to mean 1 exactly, or not", "rescale",
                                kind="choice", choices=NORMALIZATIONS))
        params.append(Parameter("non_additivity", "non-additivity eps of the pair size (a_i + a_j)/2 (1 - eps|a_i - a_j|)",
                                0.0, units="1", minimum=0.0, maximum=1.0 / (A_MAX - A_MIN), open_maximum=True,
                                note="0: additive (seed 001); 0.2: Ninarello et al., PRX 7, 021039 (2017)"))
    if not chain:
        params.append(Parameter("pair_data", "store the pair arrays (indices, distances, psi, stress tensors)", True,
                                kind="bool"))
    return tuple(params)


def soft_sphere_cost(params: Mapping[str, Any]) -> float:
    """Estimated seconds of one ``soft_spheres`` / ``lennard_jones`` sample
    (:func:`~vdosbench.generators.glasses.cost.glass_task_seconds`: measured rates scaled by N, sweeps and dN)."""
    p = GlassParams.from_mapping(params)
    sweeps = 0 if math.isinf(p.parent_temperature) else p.n_sweeps
    return glass_task_seconds(p.n_particles, p.dimension, sweeps, p.parent_temperature)


#: The registered soft-sphere generator (``get_generator("soft_spheres")``).
SOFT_SPHERES = register(
    Generator(
        name="soft_spheres",
        version=GENERATOR_VERSION,
        make_sample=soft_sphere_sample,
        check_params=check_soft_sphere_params,
        parameters=glass_parameters((T_HIGH, T_LOW), 1.0),
        memory_estimate=soft_sphere_memory,
        description="polydisperse soft-sphere glass: swap MC at T*, quench, analytic Hessian (seed 001)",
        source="seed 001",
        cost_estimate=soft_sphere_cost,
    ),
    replace=True,
)

#: The registered Kob–Andersen generator (``get_generator("lennard_jones")``).
LENNARD_JONES = register(
    Generator(
        name="lennard_jones",
        version=GENERATOR_VERSION,
        make_sample=lennard_jones_sample,
        check_params=check_lennard_jones_params,
        parameters=glass_parameters((KA_T_HIGH, KA_T_LOW), KA_DENSITY, soft_spheres=False),
        memory_estimate=lennard_jones_memory,
        description="Kob-Andersen Lennard-Jones glass (a potential with a minimum: seed 001's s = 5)",
        source="seed 001",
        cost_estimate=soft_sphere_cost,
    ),
    replace=True,
)


_TAPERS = [2, INFINITE_ORDER]
#: Seed 001, Methods: "We consider runs of N_t = 1.1 × 10⁶ MC steps", where "at each MC step we perform a swap
#: move instead of a standard MC step with probability p_swap": one MC step is one *attempted move*.
SEED_MC_ATTEMPTS = 1_100_000


def seed_literal_sweeps(n_particles: int) -> int:
    """Sweeps of the seed's N_t = 1.1 × 10⁶ attempted moves at N particles (1100 at N = 1000, 688 at N = 1600).

    Examples
    --------
    >>> seed_literal_sweeps(1000), seed_literal_sweeps(1600)
    (1100, 688)
    """
    return max(1, round(SEED_MC_ATTEMPTS / _integer("n_particles", n_particles, 1)))


def _paper_mc(n_particles: int) -> dict[str, int]:
    return {"n_particles": n_particles, "n_sweeps": seed_literal_sweeps(n_particles), "record_every": 10}
_SMALL_MC = {"n_sweeps": 20, "record_every": 10, "n_vectors": 10}

_FULL_RECIPES: dict[str, Recipe] = {
    "soft_spheres_n1000": Recipe(
        "soft_spheres", {"taper_order": _TAPERS, "parent_temperature": [T_HIGH, T_LOW]},
        _paper_mc(1000), n_samples=100, root_seed=1000,
        description="seed 001 Fig. 4: N = 1000, d = 3, m = 2 and inf, high and low T* (F(omega), s)",
    ),
    "soft_spheres_n1600_levels": Recipe(
        "soft_spheres", {"taper_order": _TAPERS, "parent_temperature": [T_HIGH, T_LOW]},
        {**_paper_mc(1600), "n_vectors": 0, "pair_data": False}, n_samples=900, root_seed=1600,
        description="seed 001 Fig. 2: N = 1600, d = 3, 900 samples (level statistics, P(r))",
    ),
    "soft_spheres_nonadditive_n1000": Recipe(
        "soft_spheres", {"taper_order": _TAPERS, "parent_temperature": [T_HIGH]},
        {**_paper_mc(1000), "non_additivity": NINARELLO_NON_ADDITIVITY}, n_samples=100, root_seed=1700,
        description=("issue 25 item 5, fractionation control: non-additive soft spheres, a_ij = (a_i + a_j)/2 "
                     "(1 - 0.2 |a_i - a_j|) (Ninarello, Berthier, Coslovich, PRX 7, 021039, 2017), seed-001 taper "
                     "and cutoff, N = 1000, d = 3, m = 2 and inf, seed-literal protocol at high T* (this model's "
                     "T_d is measured by studies/measure_td.py --non-additivity 0.2)"),
    ),
    "lennard_jones_n1000": Recipe(
        "lennard_jones", {"taper_order": _TAPERS, "parent_temperature": [KA_T_HIGH, KA_T_LOW]},
        _paper_mc(1000), n_samples=100, root_seed=2000,
        description="Kob-Andersen glasses, N = 1000, d = 3 (seed 001: s = 5 for potentials with a minimum)",
    ),
}
#: Particles of the small test version of each full recipe.
_SMALL_N = {"soft_spheres_n1000": 128, "soft_spheres_n1600_levels": 160, "soft_spheres_nonadditive_n1000": 128,
            "lennard_jones_n1000": 200}


def small_recipe(
    name: str, full: Recipe, n_particles: int, small: Mapping[str, Any] | None = None, n_samples: int = 2
) -> Recipe:
    """The test-size version of ``full``: same grid and seed, ``n_particles``, the ``small`` settings
    (default 20 sweeps, 10 vectors) and ``n_samples``."""
    return Recipe(
        full.generator, full.grid, {**full.fixed, "n_particles": n_particles, **(_SMALL_MC if small is None else small)},
        n_samples=n_samples, root_seed=full.root_seed,
        description=f"small version of {name} (N = {n_particles}) for tests",
    )


#: The paper's datasets (full, seed-literal protocol) and a small version of each for tests ("…_small").
RECIPES: dict[str, Recipe] = {
    **_FULL_RECIPES, **{f"{k}_small": small_recipe(k, r, _SMALL_N[k]) for k, r in _FULL_RECIPES.items()}
}
