"""Glasses at any N with only their lowest modes: the finite-size generator of issue 25.

The seed-001 pipeline of :mod:`.glass_pipeline` diagonalises the whole d·N × d·N
Hessian densely, which stops at N ≈ 3000 on one core (memory 8 (dN)² bytes,
time ∝ N³).  The finite-size question (does s depend on N? E. Lerner, PRE
101, 032120, 2020) needs N = 1000 … 16000 and only the modes below and
around the lowest phonon, so this generator keeps the same configuration,
Monte Carlo and quench (:func:`~.glass_pipeline.equilibrate`,
:func:`~.minimize.quench`) and then, on the sparse analytic Hessian:

1. the ``n_lowest`` lowest non-zero modes by a sparse eigensolver that needs
   products with H only (:func:`~.lowest_modes.lowest_modes`; ``mode_method``:
   ``arpack``, implicitly restarted Lanczos, the default and the fastest on one
   core, or ``chebyshev``, filtered subspace iteration, which made every set
   before 28 Nov 2026); the d translations excluded analytically and stored as
   flagged zeros;
2. each sample's shear, longitudinal and bulk moduli by deflated CG
   (:func:`~.moduli.elastic_moduli`, the modes of step 1 deflated): the
   shear route to ω₀ = 2π √(G/ρ)/L and both sound speeds of the Debye level;
3. per mode: the participation ratio e = (Σ_i |u_i|²)²/(N Σ_i |u_i|⁴) and
   the weights on the lowest transverse and longitudinal plane-wave shells
   (q = 2π/L e_β; 12 transverse and 6 longitudinal normalised cos/sin waves),
   which tell a phonon from a nonphononic mode without storing eigenvectors
   (:mod:`.mode_measures`);
4. the wall time of each stage (``stage_seconds``) for the cost benchmark.

The lowest ``n_vectors`` eigenvectors are stored on request (default none:
at N = 16000 fifty vectors are 10 MB a sample); positions, diameters and the
box are stored, so anything else can be recomputed.

Parameter temperatures: as :mod:`.glass_params` (T* = 1 ≈ 7 T_d, or ∞ for the
instantaneous quench).  The finite-size recipes run a **fixed number of
sweeps per particle** at every N (1100, the seed's N_t = 1.1 × 10⁶ attempted
moves at N = 1000; ≥ 14 τ_α at T* = 1, where swap τ_α ≈ 70–80 sweeps,
``studies/results/swap_tau.json``): the seed-literal rule (N_t fixed,
1.1 × 10⁶/N sweeps) would give 69 sweeps, under one τ_α, at N = 16000 and so
change the protocol with N.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import xarray as xr

from vdosbench.datasets import convention_attrs, coordinate, provenance
from vdosbench.datasets.compact import EIGENVECTOR_FLOAT32_COMMENT

from ..engine.ensemble_spec import Recipe
from ..engine.parameters import Parameter
from ..engine.registry import Generator, register
from ..spectra import translation_modes
from .cost import glass_task_seconds
from .elastic import shear_directions
from .hessian import hessian_matrix, interacting_pairs
from .lowest_modes import lowest_modes
from .mode_measures import participation_ratio, plane_wave_shell, shell_weights
from .minimize import QuenchSettings, quench
from .moduli import elastic_moduli
from .potentials import INFINITE_ORDER
from .glass_dataset import MC_RECORD_DIM, REFERENCE, _seed_attrs
from .glass_params import T_HIGH, GlassParams, _integer, _positive, glass_parameters
from .glass_pipeline import BYTES_PER_PARTICLE, equilibrate
from .stresses import coordination_numbers

__all__ = [
    "BUILT_WITH_MODE_METHOD",
    "DEFAULT_MODE_METHOD",
    "FINITE_SIZE_N",
    "FINITE_SIZE_SAMPLES",
    "FINITE_SIZE_SWEEPS",
    "LOWEST_MODES",
    "LowestModeParams",
    "RECIPES",
    "STAGES",
    "StructureAnalysis",
    "analyse_structure",
    "lowest_mode_sample",
    "participation_ratio",
    "plane_wave_shell",
    "shell_weights",
    "structure_dataset",
]

GENERATOR_VERSION = "1.0.0"
#: Sparse eigensolvers the generator offers (:func:`~.lowest_modes.lowest_modes` methods): ``chebyshev``
#: (filtered subspace iteration) and ``arpack`` (scipy's eigsh, smallest algebraic).  Both converge every mode to the
#: same residual bound (‖Hv − λv‖ ≤ mode_tolerance · b).
MODE_METHODS = ("chebyshev", "arpack")
#: The default solver: the fastest that meets the recipes' tolerance on one core, 1.6 – 2.2 times Chebyshev's speed
#: with k = 50 at N = 1000 – 16000 and 1.7 – 2.2 times with k = 20 at N = 1000 – 8000 (``lowest_mode_solvers_ncv.json``)
#: (issue 65 item 2, ``speed/bench_lowest_mode_solvers.py``, ``speed/results/lowest_mode_solvers.json``: against
#: Chebyshev, shift-invert (SuperLU), LOBPCG with Jacobi and with an algebraic-multigrid preconditioner; CHOLMOD
#: has no wheel).
DEFAULT_MODE_METHOD = "arpack"
#: The solver of every set made before the default changed (28 Nov 2026), and so what a manifest or catalogue
#: recipe without ``mode_method`` means: Chebyshev was the only solver until 27 Nov 2026 and the default until the
#: change.  Recipes with samples made keep it (:data:`RECIPES`), so that their new samples belong to the same set.
BUILT_WITH_MODE_METHOD = "chebyshev"
#: The timed stages of a sample (``stage_seconds``).
STAGES = ("monte_carlo", "quench", "hessian", "lowest_modes", "moduli", "mode_measures")


@dataclass(frozen=True)
class LowestModeParams(GlassParams):
    """:class:`~.glass_params.GlassParams` plus the sparse-spectrum settings.

    Parameters
    ----------
    n_lowest
        Lowest non-zero modes computed (k).
    mode_tolerance
        Every mode has ‖Hv − λv‖ ≤ mode_tolerance · λ_max-bound.
    moduli_tolerance
        Relative CG residual of the moduli.
    mode_method
        The sparse eigensolver (:data:`MODE_METHODS`).

    ``n_vectors`` (default 0 here) eigenvectors of the lowest modes are stored;
    ``vector_modes`` and ``pair_data`` are not used (no dense spectrum, no pairs stored).

    Examples
    --------
    >>> LowestModeParams(n_particles=128, n_lowest=10).n_lowest
    10
    """

    n_vectors: int = 0
    n_lowest: int = 50
    mode_tolerance: float = 1e-9
    moduli_tolerance: float = 1e-10
    mode_method: str = DEFAULT_MODE_METHOD

    def __post_init__(self) -> None:
        super().__post_init__()
        set_ = object.__setattr__
        if self.mode_method not in MODE_METHODS:
            raise ValueError(f"unknown mode_method {self.mode_method!r}; expected one of {MODE_METHODS}")
        set_(self, "n_lowest", _integer("n_lowest", self.n_lowest, 1))
        set_(self, "mode_tolerance", _positive("mode_tolerance", self.mode_tolerance))
        set_(self, "moduli_tolerance", _positive("moduli_tolerance", self.moduli_tolerance))
        if self.vector_modes:
            raise ValueError(
                f"vector_modes is not used by the lowest-mode generator, found {self.vector_modes}; "
                "use n_vectors (the lowest modes' eigenvectors)"
            )
        if self.n_vectors > self.n_lowest:
            raise ValueError(
                f"n_vectors = {self.n_vectors} exceeds n_lowest = {self.n_lowest}; "
                "expected n_vectors ≤ n_lowest (only computed modes can be stored)"
            )
        if self.n_lowest + 20 > self.n_modes - self.dimension:
            raise ValueError(
                f"n_lowest = {self.n_lowest} needs at least n_lowest + 20 modes besides the "
                f"translations, found {self.n_modes - self.dimension} (N = {self.n_particles}); "
                "lower n_lowest or use the dense generator soft_spheres"
            )


def lowest_mode_sample(
    params: Mapping[str, Any] | LowestModeParams, seed: np.random.SeedSequence | int, sample: int
) -> xr.Dataset:
    """One sample of the lowest-mode generator (module docstring) as a VDOS-1.0 dataset.

    Parameters
    ----------
    params
        :class:`LowestModeParams` or a mapping of its fields; soft spheres or Kob–Andersen
        (``potential``).
    seed
        Stream 0 draws the configuration, stream 1 the Monte Carlo (as :func:`~.glass_pipeline.make_glass`,
        so a sample of this generator starts where the dense generator's sample of the same seed starts).
    sample
        The ``sample`` coordinate.

    Returns
    -------
    xarray.Dataset
        Dimensions ``sample`` (1), ``mode`` (d + n_lowest: the d translations, flagged, then the lowest
        modes), ``site``, ``spatial``, ``mc_record``, ``shear_direction``, ``stage`` and, with
        ``n_vectors``, ``vector_mode``.

    Raises
    ------
    RuntimeError
        If the quench, the eigensolver or the moduli's CG does not converge.

    Examples
    --------
    >>> from vdosbench.datasets import check
    >>> ds = lowest_mode_sample({"n_particles": 128, "parent_temperature": float("inf"), "n_sweeps": 0,
    ...                          "n_lowest": 10}, 1, sample=0)
    >>> check(ds)
    >>> ds.sizes["mode"], int(ds["zero_mode"].sum()), bool((ds["shear_modulus"] > 0).all())
    (13, 3, True)
    """
    p = params if isinstance(params, LowestModeParams) else LowestModeParams.from_mapping(params)
    seq = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    sample = _integer("sample", sample, 0)
    t0 = time.perf_counter()
    start, equilibrated, mc_energy, acc_disp, acc_swap = equilibrate(p, seq)
    mc_seconds = time.perf_counter() - t0
    analysis = analyse_structure(p, equilibrated)
    return structure_dataset(p, seq, sample, start, mc_energy, acc_disp, acc_swap, analysis, mc_seconds)


@dataclass(frozen=True)
class StructureAnalysis:
    """What :func:`analyse_structure` measures on one quenched configuration (the variables of
    :func:`lowest_mode_sample` besides the Monte Carlo record)."""

    quench: Any
    eigenvalues: np.ndarray
    vectors: np.ndarray
    per_mode: dict[str, np.ndarray]
    moduli: Any
    coordination: np.ndarray
    spectral_bound: float
    seconds: np.ndarray

    @property
    def inherent(self) -> Any:
        """The inherent structure (:class:`~.configurations.Configuration`)."""
        return self.quench.config


def analyse_structure(p: LowestModeParams, configuration: Any) -> StructureAnalysis:
    """Steps 1–4 of the module docstring on one configuration: quench, lowest modes, moduli, mode measures.

    Parameters
    ----------
    p
        The settings.
    configuration
        The liquid configuration to quench (:class:`~.configurations.Configuration`).

    Returns
    -------
    StructureAnalysis
        With the wall time of the stages after ``monte_carlo`` (:data:`STAGES` [1:]).

    Raises
    ------
    RuntimeError
        If the quench, the eigensolver or the moduli's CG does not converge.
    """
    pot = p.pair_potential
    n, d = p.n_particles, p.dimension
    clock = [time.perf_counter()]
    result = quench(configuration, pot, QuenchSettings(force_tolerance=p.force_tolerance))
    if not result.converged:
        raise RuntimeError(
            f"quench stopped at max |F| = {result.max_force:.3g} > force_tolerance = {p.force_tolerance:g} "
            f"({result.lbfgs_message}); raise force_tolerance or the iteration limits"
        )
    inherent = result.config
    clock.append(time.perf_counter())
    pairs = interacting_pairs(inherent, pot)
    hessian = hessian_matrix(inherent, pot, pairs=pairs)
    clock.append(time.perf_counter())
    modes = lowest_modes(
        hessian, p.n_lowest, exclude=translation_modes(n, d), tol=p.mode_tolerance, method=p.mode_method
    )
    if not modes.converged:
        raise RuntimeError(
            f"the lowest {p.n_lowest} modes did not converge to {p.mode_tolerance:g} (largest residual "
            f"{modes.residuals.max():.3g}, {modes.iterations} iterations); raise mode_tolerance"
        )
    clock.append(time.perf_counter())
    moduli = elastic_moduli(
        inherent,
        pot,
        pairs,
        hessian=hessian,
        modes=modes.eigenvectors,
        eigenvalues=modes.eigenvalues,
        tol=p.moduli_tolerance,
    )
    clock.append(time.perf_counter())
    vectors = modes.eigenvectors.T.reshape(p.n_lowest, n, d)
    transverse, longitudinal = plane_wave_shell(inherent.positions, inherent.box_length)
    nan_d = np.full(d, np.nan)
    per_mode = {
        "participation_ratio": np.r_[nan_d, participation_ratio(vectors)],
        "transverse_shell_weight": np.r_[nan_d, shell_weights(vectors, transverse)],
        "longitudinal_shell_weight": np.r_[nan_d, shell_weights(vectors, longitudinal)],
        "eigenvalue_residual": np.r_[np.zeros(d), modes.residuals],
    }
    coordination = coordination_numbers(pairs)
    clock.append(time.perf_counter())
    return StructureAnalysis(
        result, modes.eigenvalues, vectors, per_mode, moduli, coordination, modes.spectral_bound, np.diff(clock)
    )


#: The units attribute of a dimensionless variable.
_ONE = {"units": "1"}
#: The units of the elastic moduli and the pressure.
_MODULUS = "epsilon / a^d"
#: The long names of the per-mode measures of :func:`analyse_structure`.
_MODE_MEASURES = {
    "participation_ratio": "participation ratio e = (sum_i |u_i|^2)^2 / (N sum_i |u_i|^4) (NaN: zero mode)",
    "transverse_shell_weight": "weight of the mode on the 12 normalised transverse plane waves of the lowest "
    "shell q = 2 pi / L (NaN: zero mode)",
    "longitudinal_shell_weight": "weight of the mode on the 6 normalised longitudinal plane waves of the lowest "
    "shell q = 2 pi / L (NaN: zero mode)",
    "eigenvalue_residual": "residual norm |H v - lambda v| of the computed mode (0: exact zero mode)",
}


def structure_dataset(
    p: LowestModeParams,
    seq: np.random.SeedSequence,
    sample: int,
    start: Any,
    mc_energy: np.ndarray,
    acc_disp: float,
    acc_swap: float,
    analysis: StructureAnalysis,
    mc_seconds: float,
    generator: str | None = None,
) -> xr.Dataset:
    """The VDOS-1.0 dataset of one analysed sample (variables: :func:`lowest_mode_sample`; every parameter an
    attribute).

    Parameters
    ----------
    p, seq, sample
        Settings, seed and ``sample`` coordinate.
    start
        The random start (its box).
    mc_energy, acc_disp, acc_swap
        The Monte Carlo record (energy trace at ``p.trace_sweeps``, acceptance rates).
    analysis
        :func:`analyse_structure` of the configuration.
    mc_seconds
        Wall time of the Monte Carlo that led to the configuration (the ``monte_carlo`` stage).
    generator
        The registered name recorded in the ``generator`` attribute (default: by the potential).
    """
    coords = _structure_coordinates(p, sample)
    data_vars: dict[str, Any] = {
        **_spectrum_variables(p, analysis),
        **_structure_variables(p, start, analysis),
        **_record_variables(p, mc_energy, acc_disp, acc_swap, analysis, mc_seconds),
    }
    if p.n_vectors:
        coords["vector_mode"] = coordinate(
            "vector_mode", np.arange(p.dimension, p.dimension + p.n_vectors, dtype=np.int64)
        )
        data_vars["eigenvector"] = (
            ("sample", "vector_mode", "site", "spatial"),
            analysis.vectors[None, : p.n_vectors].astype(np.float32),
            {"long_name": "normalised eigenvector of the Hessian", "comment": EIGENVECTOR_FLOAT32_COMMENT, **_ONE},
        )
    return xr.Dataset(data_vars, coords=coords, attrs=_structure_attributes(p, seq, generator))


def _scalar(value: float, long_name: str, units: str) -> tuple[tuple[str], np.ndarray, dict[str, str]]:
    """A variable with one value per sample."""
    return ("sample",), np.array([value]), {"long_name": long_name, "units": units}


def _structure_coordinates(p: LowestModeParams, sample: int) -> dict[str, Any]:
    """``sample``, ``mode`` (the lowest d + n_lowest), ``spatial``, the Monte Carlo records' sweeps, the shear
    directions of the moduli and the timed stages."""
    axes = ["x", "y", "z"][: p.dimension]
    return {
        "sample": coordinate("sample", np.array([sample], np.int64)),
        "mode": (
            "mode",
            np.arange(p.dimension + p.n_lowest, dtype=np.int64),
            {"long_name": "mode index (ascending eigenvalue; the lowest d + n_lowest of d N)", **_ONE},
        ),
        "spatial": coordinate("spatial", np.array(axes)),
        MC_RECORD_DIM: (
            MC_RECORD_DIM,
            p.trace_sweeps,
            {"long_name": "Monte Carlo sweep of the energy record (N attempted moves per sweep)", **_ONE},
        ),
        "shear_direction": (
            "shear_direction",
            np.array([f"{axes[a]}{axes[b]}" for a, b in shear_directions(p.dimension)]),
            {"long_name": "simple shear: displacement along the first axis, gradient along the second"},
        ),
        "stage": ("stage", np.array(STAGES), {"long_name": "stage of the sample's computation"}),
    }


def _spectrum_variables(p: LowestModeParams, analysis: StructureAnalysis) -> dict[str, Any]:
    """``eigenvalue`` and ``zero_mode`` of the lowest modes (the d translations as exact zeros), and the per-mode
    measures."""
    d = p.dimension
    zero = np.zeros(d + p.n_lowest, dtype=bool)
    zero[:d] = True
    return {
        "eigenvalue": (
            ("sample", "mode"),
            np.r_[np.zeros(d), analysis.eigenvalues][None],
            {
                "long_name": "eigenvalue of the Hessian, unit masses (omega squared); the lowest modes only",
                "units": "epsilon / (m a^2)",
            },
        ),
        "zero_mode": (
            ("sample", "mode"),
            zero[None],
            {"long_name": "zero mode flag (the d uniform translations, excluded analytically)", **_ONE},
        ),
        **{
            k: (("sample", "mode"), v[None], {"long_name": _MODE_MEASURES[k], **_ONE})
            for k, v in analysis.per_mode.items()
        },
    }


def _structure_variables(p: LowestModeParams, start: Any, analysis: StructureAnalysis) -> dict[str, Any]:
    """The inherent structure: positions, box, coordination, the elastic moduli, the eigensolver's spectral bound
    and the diameters (soft spheres) or species (Kob–Andersen)."""
    inherent, moduli = analysis.inherent, analysis.moduli
    soft = p.potential == "soft_sphere"
    return {
        "position": (
            ("sample", "site", "spatial"),
            inherent.positions[None],
            {"long_name": "particle position in the inherent structure (wrapped into the box)", "units": "a"},
        ),
        "box_length": _scalar(start.box_length, "periodic box edge", "a"),
        "coordination": (
            ("sample", "site"),
            analysis.coordination[None].astype(np.int32),
            {"long_name": "number of interacting neighbours (r_ij < r_c,ij)", **_ONE},
        ),
        **_moduli_variables(moduli),
        "spectral_bound": _scalar(
            analysis.spectral_bound,
            "upper bound of the Hessian's spectrum used by the eigensolver",
            "epsilon / (m a^2)",
        ),
        "diameter" if soft else "species": (
            ("sample", "site"),
            (inherent.sizes if soft else inherent.species)[None],
            {"long_name": "particle diameter a_i (after swaps)", "units": "a"}
            if soft
            else {
                "long_name": "Kob-Andersen species (after swaps)",
                "flag_values": np.array([0, 1]),
                "flag_meanings": "A B",
                **_ONE,
            },
        ),
    }


def _moduli_variables(moduli: Any) -> dict[str, Any]:
    """The elastic moduli of :func:`~vdosbench.generators.glasses.moduli.elastic_moduli` and the pressure."""
    return {
        "shear_modulus": _scalar(
            moduli.shear_modulus,
            "shear modulus G: mean over the simple shears of affine "
            "minus non-affine (the modulus of the transverse waves)",
            _MODULUS,
        ),
        "shear_modulus_component": (
            ("sample", "shear_direction"),
            moduli.shear[None],
            {"long_name": "G_ab of each simple shear", "units": _MODULUS},
        ),
        "longitudinal_modulus": _scalar(
            moduli.longitudinal_modulus,
            "longitudinal wave modulus M (mean over the "
            "uniaxial strains, affine minus non-affine): c_L = sqrt(M / rho)",
            _MODULUS,
        ),
        "bulk_modulus": _scalar(moduli.bulk, "bulk modulus K = -V dp/dV (isotropic dilation, relaxed)", _MODULUS),
        "shear_modulus_born": _scalar(float(np.mean(moduli.shear_born)), "affine (Born) part of G", _MODULUS),
        "bulk_modulus_born": _scalar(moduli.bulk_born, "affine (Born) part of K", _MODULUS),
        "pressure": _scalar(moduli.pressure, "virial pressure of the inherent structure (T = 0)", _MODULUS),
        "moduli_cg_iterations": (
            ("sample",),
            np.array([moduli.cg_iterations], np.int64),
            {"long_name": "conjugate-gradient iterations of the moduli", **_ONE},
        ),
    }


def _record_variables(
    p: LowestModeParams,
    mc_energy: np.ndarray,
    acc_disp: float,
    acc_swap: float,
    analysis: StructureAnalysis,
    mc_seconds: float,
) -> dict[str, Any]:
    """What the Monte Carlo and the quench recorded, and the wall time of each stage."""
    result = analysis.quench
    return {
        "mc_energy": (
            ("sample", MC_RECORD_DIM),
            mc_energy[None],
            {
                "long_name": "potential energy per particle during Monte Carlo at the parent temperature "
                "(NaN where no Monte Carlo was run)",
                "units": "epsilon",
            },
        ),
        "mc_acceptance_displacement": _scalar(acc_disp, "acceptance rate of Monte Carlo displacements", "1"),
        "mc_acceptance_swap": _scalar(acc_swap, "acceptance rate of Monte Carlo swaps", "1"),
        "inherent_energy": _scalar(
            result.energy / p.n_particles, "potential energy per particle of the inherent structure", "epsilon"
        ),
        "quench_max_force": _scalar(result.max_force, "largest particle force norm after the quench", "epsilon / a"),
        "quench_iterations": (
            ("sample",),
            np.array([result.lbfgs_iterations], np.int64),
            {"long_name": "L-BFGS iterations of the quench", **_ONE},
        ),
        "stage_seconds": (
            ("sample", "stage"),
            np.r_[mc_seconds, analysis.seconds][None],
            {
                "long_name": "wall time of each stage of this sample (one worker; measured, so it "
                "differs between runs)",
                "units": "s",
            },
        ),
    }


def _structure_attributes(p: LowestModeParams, seq: np.random.SeedSequence, generator: str | None) -> dict[str, Any]:
    """The global attributes: every setting, the potential, the eigensolver and moduli methods, the seed."""
    settings = asdict(p)
    settings["vector_modes"] = ""
    settings["pair_data"] = 0
    pot = p.pair_potential
    pot_attrs = pot.attrs()
    for key in ("taper_order", "potential", "potential_non_additivity"):  # recorded with the settings
        pot_attrs.pop(key)
    family = "polydisperse soft-sphere" if p.potential == "soft_sphere" else "Kob-Andersen Lennard-Jones"
    return convention_attrs(
        title=(
            f"{family} glass, N={p.n_particles}, d={p.dimension}, taper m={pot.taper_label}, parent temperature "
            f"{p.parent_temperature:g}, lowest {p.n_lowest} modes"
        ),
        source=f"vdosbench.generators.glasses.lowest_mode_glasses {GENERATOR_VERSION}",
        references=REFERENCE + "; E. Lerner, Phys. Rev. E 101, 032120 (2020), doi:10.1103/PhysRevE.101.032120 "
        "(finite-size effects in the nonphononic density of states)",
        spatial_dimension=p.dimension,
        **settings,
        taper_label=pot.taper_label,
        **pot_attrs,
        mass=1.0,
        spectrum="partial: the d translations (flagged zero modes) and the n_lowest lowest non-zero modes",
        eigensolver=(
            (
                "Chebyshev-filtered subspace iteration"
                if p.mode_method == "chebyshev"
                else "implicitly restarted Lanczos (scipy eigsh, smallest algebraic; translations lifted to the "
                "spectral bound)"
            )
            + f" on the sparse Hessian (products only), translations excluded, residual <= "
            f"{p.mode_tolerance:g} x spectral bound"
        ),
        moduli_method=(
            "affine minus non-affine; the non-affine term by Jacobi-preconditioned CG deflated by the "
            f"computed modes, relative residual <= {p.moduli_tolerance:g}"
        ),
        mc_start=(
            "random positions (T* = inf: no Monte Carlo)"
            if math.isinf(p.parent_temperature)
            else "random positions relaxed by FIRE to max |F| <= 10"
        ),
        zero_mode_rule="the d translations, excluded from the eigensolver and stored as exact zeros",
        **provenance(
            generator or ("soft_spheres_lowest" if p.potential == "soft_sphere" else "lennard_jones_lowest"),
            GENERATOR_VERSION,
            **_seed_attrs(seq),
        ),
    )


def check_lowest_mode_params(params: Mapping[str, Any]) -> LowestModeParams:
    """:class:`LowestModeParams` of one sample (the generator's ``check_params``)."""
    merged = dict(params)
    if merged.setdefault("potential", "soft_sphere") != "soft_sphere":
        raise ValueError(f"soft_spheres_lowest makes soft-sphere glasses, found potential={merged['potential']!r}")
    return LowestModeParams.from_mapping(merged)


#: Seconds per particle^1.5 of quench + Hessian + lowest 50 modes + moduli, measured at N = 2000 – 8000
#: (one core, T* = ∞ starts: 8000 particles in ≈ 50 s).
SPARSE_SECONDS_PER_N15 = 7e-5


def lowest_mode_cost(params: Mapping[str, Any]) -> float:
    """Estimated seconds of one sample: the Monte Carlo at the measured move rates
    (:func:`~.cost.glass_task_seconds` without its dense part) plus :data:`SPARSE_SECONDS_PER_N15` · N^1.5 ·
    n_lowest/50."""
    p = check_lowest_mode_params(params)
    sweeps = 0 if math.isinf(p.parent_temperature) else p.n_sweeps
    mc = glass_task_seconds(p.n_particles, p.dimension, sweeps, p.parent_temperature) - glass_task_seconds(
        p.n_particles, p.dimension, 0, p.parent_temperature
    )
    return mc + SPARSE_SECONDS_PER_N15 * p.n_particles**1.5 * p.n_lowest / 50


def lowest_mode_memory(params: Mapping[str, Any]) -> int:
    """Peak bytes of one sample: O(N) arrays plus the eigensolver's 4 blocks of d·N × (n_lowest + 30)."""
    p = check_lowest_mode_params(params)
    return BYTES_PER_PARTICLE * p.n_particles + 8 * 4 * p.n_modes * (p.n_lowest + 30)


def lowest_mode_parameters() -> tuple[Parameter, ...]:
    """The parameters of the lowest-mode analysis (eigenvectors kept, modes, solver tolerances), shared by
    ``soft_spheres_lowest`` and ``soft_spheres_lowest_equilibrated``."""
    return (
        Parameter(
            "n_vectors",
            "eigenvectors kept: the lowest non-zero modes d ... d + n_vectors - 1",
            0,
            units="1",
            kind="int",
            minimum=0,
            note="<= n_lowest",
        ),
        Parameter(
            "n_lowest", "lowest non-zero modes computed by the sparse eigensolver", 50, units="1", kind="int", minimum=1
        ),
        Parameter(
            "mode_tolerance",
            "eigensolver residual relative to the spectral bound",
            1e-9,
            units="1",
            minimum=0.0,
            open_minimum=True,
        ),
        Parameter(
            "moduli_tolerance", "relative CG residual of the moduli", 1e-10, units="1", minimum=0.0, open_minimum=True
        ),
        Parameter(
            "mode_method",
            "sparse eigensolver of the lowest modes (arpack: scipy eigsh, the fastest on "
            "one CPU core; chebyshev: filtered subspace iteration, every set made before 28 Nov 2026)",
            DEFAULT_MODE_METHOD,
            kind="choice",
            choices=MODE_METHODS,
            before=BUILT_WITH_MODE_METHOD,
        ),
    )


def _parameters() -> tuple[Parameter, ...]:
    base = [
        q
        for q in glass_parameters((T_HIGH, float("inf")), 1.0)
        if q.name not in ("vector_modes", "pair_data", "n_vectors")
    ]
    return (*base, *lowest_mode_parameters())


#: The registered lowest-mode soft-sphere generator (``get_generator("soft_spheres_lowest")``).
LOWEST_MODES = register(
    Generator(
        name="soft_spheres_lowest",
        version=GENERATOR_VERSION,
        make_sample=lowest_mode_sample,
        check_params=check_lowest_mode_params,
        parameters=_parameters(),
        memory_estimate=lowest_mode_memory,
        description="soft-sphere glass at any N: swap MC at T*, quench, lowest modes (sparse), moduli (issue 25)",
        source="seed 001; Lerner PRE 101, 032120 (2020)",
        cost_estimate=lowest_mode_cost,
    ),
    replace=True,
)

#: The sizes of the finite-size ladder.
FINITE_SIZE_N = (1000, 2000, 4000, 8000, 16000)
#: Samples per (taper, T*) point at each N (issue 25: "roughly 400 → 100").
FINITE_SIZE_SAMPLES = {1000: 400, 2000: 300, 4000: 200, 8000: 150, 16000: 100}
#: Sweeps per particle at T* = 1 at every N (module docstring).
FINITE_SIZE_SWEEPS = 1100

_FULL: dict[str, Recipe] = {
    f"soft_spheres_lowest_n{n}": Recipe(
        "soft_spheres_lowest",
        {"taper_order": [2, INFINITE_ORDER], "parent_temperature": [T_HIGH, float("inf")]},
        {
            "n_particles": n,
            "n_sweeps": FINITE_SIZE_SWEEPS,
            "record_every": 100,
            "n_lowest": 50,
            "mode_method": BUILT_WITH_MODE_METHOD,
        },
        n_samples=FINITE_SIZE_SAMPLES[n],
        root_seed=25_000 + n,
        description=(
            f"issue 25 finite-size ladder: N = {n}, d = 3, m = 2 and inf, T* = 1 ({FINITE_SIZE_SWEEPS} "
            "sweeps) and inf (instantaneous quench), lowest 50 modes, moduli"
        ),
    )
    for n in FINITE_SIZE_N
}
#: The confirmatory sets of issue 51 (registered in benchmark/registrations/absolute-frequency.toml before any
#: of their samples was made): fresh root seeds, N = 2000, both tapers, T* = 1 and inf, 1000 samples a point,
#: the lowest 20 modes and the moduli (what the absolute-frequency estimators read).
CONFIRM_N = 2000
CONFIRM_SAMPLES = 1000
CONFIRM_ROOT_SEED = 51_002_000
#: Issue 63 item 6: a confirmatory N = 8000 set at T* = 1, both tapers (registered in
#: benchmark/registrations/confirm-n8000.toml before any of its samples was made): fresh root seed, the lowest 20
#: modes and the moduli; the sample count is the power study's (studies/results/coupled_mock_power.json).
CONFIRM_8000_N = 8000
CONFIRM_8000_SAMPLES = 450
CONFIRM_8000_ROOT_SEED = 63_008_000
#: The finite-size recipes, the confirmatory recipes and a small version for tests (N = 128, 10 modes, 20 sweeps,
#: 2 samples).  Each records its eigensolver (``mode_method``): the recipes with samples made, catalogued or
#: registered (every one but the small version) keep :data:`BUILT_WITH_MODE_METHOD`, the solver their sets were
#: made with, so that a resumed or extended set does not mix solvers (the engine refuses a folder whose manifest
#: names another); a new recipe takes :data:`DEFAULT_MODE_METHOD` (issue 65 item 2).
RECIPES: dict[str, Recipe] = {
    **_FULL,
    f"soft_spheres_lowest_confirm_n{CONFIRM_N}": Recipe(
        "soft_spheres_lowest",
        {"taper_order": [2, INFINITE_ORDER], "parent_temperature": [T_HIGH, float("inf")]},
        {
            "n_particles": CONFIRM_N,
            "n_sweeps": FINITE_SIZE_SWEEPS,
            "record_every": 100,
            "n_lowest": 20,
            "mode_method": BUILT_WITH_MODE_METHOD,
        },
        n_samples=CONFIRM_SAMPLES,
        root_seed=CONFIRM_ROOT_SEED,
        description=(
            f"issue 51 confirmatory sets: N = {CONFIRM_N}, d = 3, m = 2 and inf, T* = 1 "
            f"({FINITE_SIZE_SWEEPS} sweeps) and inf, lowest 20 modes, moduli; fresh root seed, registered "
            "before any sample was made (benchmark/registrations/absolute-frequency.toml)"
        ),
    ),
    f"soft_spheres_lowest_confirm_n{CONFIRM_8000_N}": Recipe(
        "soft_spheres_lowest",
        {"taper_order": [2, INFINITE_ORDER], "parent_temperature": [T_HIGH]},
        {
            "n_particles": CONFIRM_8000_N,
            "n_sweeps": FINITE_SIZE_SWEEPS,
            "record_every": 100,
            "n_lowest": 20,
            "mode_method": BUILT_WITH_MODE_METHOD,
        },
        n_samples=CONFIRM_8000_SAMPLES,
        root_seed=CONFIRM_8000_ROOT_SEED,
        description=(
            f"issue 63 confirmatory set: N = {CONFIRM_8000_N}, d = 3, m = 2 and inf, T* = 1 "
            f"({FINITE_SIZE_SWEEPS} sweeps), lowest 20 modes, moduli; fresh root seed, registered before any "
            "sample was made (benchmark/registrations/confirm-n8000.toml)"
        ),
    ),
    "soft_spheres_lowest_small": Recipe(
        "soft_spheres_lowest",
        {"taper_order": [2, INFINITE_ORDER], "parent_temperature": [T_HIGH, float("inf")]},
        {"n_particles": 128, "n_sweeps": 20, "record_every": 10, "n_lowest": 10, "mode_method": DEFAULT_MODE_METHOD},
        n_samples=2,
        root_seed=25_000,
        description="small version of soft_spheres_lowest_n1000 (N = 128) for tests",
    ),
}
