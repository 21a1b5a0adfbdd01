"""The settings of one soft-sphere or Kob–Andersen glass sample, and the parameters its generators declare.

:class:`GlassParams` holds and checks every setting of the seed-001 protocol
(:mod:`~vdosbench.generators.glasses.glass_pipeline`): the potential and its taper, N and d, the parent
temperature T* and its Monte Carlo, the quench tolerance, the eigenvectors kept, the density, the diameters and
their non-additivity.  :func:`glass_parameters` declares them to the registry (units, defaults, allowed values)
for every glass generator: ``soft_spheres`` and ``lennard_jones``
(:mod:`~vdosbench.generators.glasses.soft_spheres`), their equilibrated chains
(:mod:`~vdosbench.generators.glasses.glass_chains`) and the lowest-mode glasses.

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
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from ..engine.parameters import Parameter
from .configurations import A_MAX, A_MIN, KA_DENSITY, NORMALIZATIONS
from .potentials import INFINITE_ORDER, PairPotential, kob_andersen_potential, soft_sphere_potential

__all__ = [
    "GlassParams",
    "KA_T_HIGH",
    "KA_T_LOW",
    "KA_T_MCT",
    "NINARELLO_NON_ADDITIVITY",
    "POTENTIALS",
    "T_D",
    "T_D_ERROR",
    "T_D_NONADDITIVE",
    "T_HIGH",
    "T_LOW",
    "canonical_taper_order",
    "glass_parameters",
]

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


def glass_parameters(
    parent_temperatures: Sequence[float],
    density: float,
    *,
    chain: bool = False,
    soft_spheres: bool = True,
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
    params = [*_system_parameters(parent_temperatures, chain)]
    if not chain:
        params += _sweep_parameters()
    params += _run_parameters()
    params += list(extra)
    params.append(Parameter("density", "number density", density, units="sigma-d", minimum=0.0, open_minimum=True))
    if soft_spheres:
        params += _soft_sphere_parameters()
    if not chain:
        params.append(
            Parameter("pair_data", "store the pair arrays (indices, distances, psi, stress tensors)", True, kind="bool")
        )
    return tuple(params)


def _system_parameters(parent_temperatures: Sequence[float], chain: bool) -> list[Parameter]:
    """The system parameters of :func:`glass_parameters`: taper order, T*, N and d."""
    return [
        Parameter(
            "taper_order",
            "taper order m of the pair potential (-1: T_inf)",
            (2, INFINITE_ORDER),
            units="1",
            grid=True,
            kind="int",
            minimum=0,
            special=(INFINITE_ORDER,),
            canonical=canonical_taper_order,
        ),
        Parameter(
            "parent_temperature",
            "parent temperature T* of the Monte Carlo equilibration",
            tuple(parent_temperatures),
            units="epsilon",
            grid=True,
            minimum=0.0,
            open_minimum=True,
            infinite=not chain,
            note="" if chain else "inf: quench from random positions",
        ),
        Parameter(
            "n_particles",
            "number of particles N",
            1000,
            units="1",
            kind="int",
            minimum=2,
            note="box edge (N/density)^(1/d) > 2 r_c",
        ),
        Parameter("dimension", "spatial dimension d", 3, units="1", kind="int", minimum=2, maximum=3),
    ]


def _sweep_parameters() -> list[Parameter]:
    """The Monte Carlo run length and step of :func:`glass_parameters` (not for chains, which set them)."""
    return [
        Parameter(
            "n_sweeps", "Monte Carlo sweeps at T* (N attempted moves each)", 1000, units="1", kind="int", minimum=0
        ),
        Parameter(
            "mc_step", "largest Monte Carlo displacement |dr|", 0.2, units="sigma", minimum=0.0, open_minimum=True
        ),
    ]


def _run_parameters() -> list[Parameter]:
    """The Monte Carlo, quench and mode parameters that every glass generator of :func:`glass_parameters` takes."""
    return [
        Parameter(
            "p_swap", "probability that a Monte Carlo move is a diameter swap", 0.2, units="1", minimum=0.0, maximum=1.0
        ),
        Parameter(
            "mc_skin",
            "Verlet skin of the Monte Carlo neighbour list",
            0.6,
            units="sigma",
            minimum=0.0,
            open_minimum=True,
        ),
        Parameter("record_every", "sweeps between records of the energy trace", 10, units="1", kind="int", minimum=1),
        Parameter(
            "force_tolerance",
            "quench target: largest force max_i |F_i|",
            1e-10,
            units="epsilon/sigma",
            minimum=0.0,
            open_minimum=True,
        ),
        Parameter(
            "n_vectors",
            "eigenvectors kept: the lowest non-zero modes d ... d + n_vectors - 1",
            50,
            units="1",
            kind="int",
            minimum=0,
        ),
        Parameter(
            "vector_modes",
            "further mode indices whose eigenvectors are kept",
            [],
            units="1",
            kind="ints",
            minimum=0,
            note="< d N",
        ),
    ]


def _soft_sphere_parameters() -> list[Parameter]:
    """The parameters of :func:`glass_parameters` for polydisperse soft spheres: diameter normalization, eps."""
    return [
        Parameter(
            "diameter_normalization",
            "diameters rescaled to mean 1 exactly, or not",
            "rescale",
            kind="choice",
            choices=NORMALIZATIONS,
        ),
        Parameter(
            "non_additivity",
            "non-additivity eps of the pair size (a_i + a_j)/2 (1 - eps|a_i - a_j|)",
            0.0,
            units="1",
            minimum=0.0,
            maximum=1.0 / (A_MAX - A_MIN),
            open_maximum=True,
            note="0: additive (seed 001); 0.2: Ninarello et al., PRX 7, 021039 (2017)",
        ),
    ]
