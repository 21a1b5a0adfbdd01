"""The *equilibrated* protocol: several inherent structures from one long swap Monte Carlo chain.

Seed 001's low-T* claims need glasses quenched from a liquid in equilibrium
at T*.  The seed-literal protocol (:data:`~vdosbench.generators.glasses.soft_spheres.RECIPES`,
``soft_spheres_n1000``) runs N_t = 1.1 × 10⁶ attempted moves from random
positions and quenches once; nothing shows that this reaches equilibrium.
This generator instead, per chain:

1. draws the random configuration and removes overlaps exactly as the
   seed-literal generator does (same streams of the chain's seed), runs
   :data:`PRE_SWEEPS` sweeps at |Δr| = :data:`PRE_STEP`;
2. calibrates |Δr| to ``target_acceptance`` of the displacements
   (:func:`~vdosbench.generators.glasses.equilibration.calibrate_step`, on a copy of
   the state; the step is then fixed, so the chain keeps detailed balance);
3. runs ``equilibration_sweeps − spacing_sweeps`` sweeps of swap Monte Carlo
   (p_swap = 0.2; the energy trace is stored);
4. then ``chain_samples`` segments of ``spacing_sweeps`` each; during each,
   F_s(q, t) of the swap dynamics is followed from the segment's start
   (q = ``fs_wavenumber``), and at its end the configuration is quenched to
   an inherent structure (the seed-literal pipeline from the quench on).

Sample j of chain c is ensemble sample c·k + j.  Each records its ``chain``,
the chain time ``mc_sweep`` of its configuration, the calibrated
``mc_step``, and from the segment that led to it τ_α (F_s = 1/e), F_s at its
end (the decorrelation from the previous structure), the mean energy, the
crystalline particles (ten Wolde q₆) and the neighbour-size correlation.
Validators resample ``chain``, not samples, in their bootstrap.

``equilibration_sweeps`` and ``spacing_sweeps`` are chosen from the
measured τ_α(T*) of swap Monte Carlo (``studies/measure_swap_tau.py``,
``studies/results/swap_tau.json``): the recipes use ≥ 10 τ_α and ≥ 2 τ_α.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import xarray as xr

from .configurations import KA_DENSITY, Configuration
from .equilibration import (
    Segments,
    StepCalibration,
    calibrate_step,
    crystalline_particles,
    relaxation_segments,
    size_neighbour_correlation,
)
from .montecarlo import MCResult, MCSettings, run_swap_mc
from .potentials import INFINITE_ORDER, PairPotential
from .cost import glass_task_seconds
from ..engine.ensemble_spec import Recipe
from ..engine.parameters import Parameter
from ..engine.registry import Generator, register
from .glass_dataset import glass_dataset
from .glass_params import KA_T_LOW, T_D, T_HIGH, T_LOW, GlassParams, _integer, _positive, glass_parameters
from .glass_pipeline import (
    GENERATOR_VERSION,
    child_seed,
    glass_memory,
    inherent_sample,
    remove_overlaps,
    start_configuration,
)
from .soft_spheres import _with_potential, small_recipe

__all__ = [
    "CHAIN_VERSION",
    "FS_WAVENUMBER",
    "KA_FS_WAVENUMBER",
    "KA_SWAP_TAU_ALPHA",
    "PRE_STEP",
    "PRE_SWEEPS",
    "RECIPES",
    "SWAP_TAU_ALPHA",
    "NONADDITIVE_SWAP_TAU_TD",
    "EQUILIBRATION_TAUS",
    "ChainParams",
    "equilibrated_parent",
    "glass_chain",
    "lennard_jones_chain",
    "soft_sphere_chain",
]

#: Version of the equilibrated-protocol generators (recorded as ``generator_version``).
CHAIN_VERSION = f"{GENERATOR_VERSION}+chain.1"
#: Sweeps at :data:`PRE_STEP` before the step is calibrated (the random start is far from the liquid).
PRE_SWEEPS = 200
#: |Δr| of those first sweeps.
PRE_STEP = 0.1
#: q of F_s(q, t): the first peak of S(q) of the seed-001 soft spheres at density 1
#: (``studies/results/td_measurement.json``: 6.872).
FS_WAVENUMBER = 6.872
#: q of F_s(q, t) for the Kob–Andersen mixture: the first peak of the A–A S(q) at density 1.2 (Kob & Andersen
#: 1995), over all particles.
KA_FS_WAVENUMBER = 7.25


@dataclass(frozen=True)
class ChainParams:
    """Settings of one chain: the glass (:class:`GlassParams` without ``n_sweeps``, ``mc_step``) and the chain.

    Parameters
    ----------
    glass
        Every :class:`~vdosbench.generators.glasses.glass_params.GlassParams` field
        but ``n_sweeps`` and ``mc_step`` (which the chain sets), as a mapping.
    equilibration_sweeps
        Sweeps from the step calibration to the first inherent structure
        (≥ ``spacing_sweeps``).
    spacing_sweeps
        Sweeps between consecutive inherent structures of the chain.
    chain_samples
        Inherent structures per chain, k.
    target_acceptance
        Displacement acceptance the step is calibrated to.
    fs_wavenumber
        q of F_s(q, t).

    Examples
    --------
    >>> p = ChainParams.from_mapping({"n_particles": 128, "parent_temperature": 0.3, "equilibration_sweeps": 50,
    ...                               "spacing_sweeps": 20, "chain_samples": 2})
    >>> p.glass.n_particles, p.chain_sweeps
    (128, 270)
    """

    glass: GlassParams
    equilibration_sweeps: int
    spacing_sweeps: int
    chain_samples: int
    target_acceptance: float = 0.3
    fs_wavenumber: float = FS_WAVENUMBER

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "equilibration_sweeps", _integer("equilibration_sweeps", self.equilibration_sweeps, 1))
        set_(self, "spacing_sweeps", _integer("spacing_sweeps", self.spacing_sweeps, 1))
        set_(self, "chain_samples", _integer("chain_samples", self.chain_samples, 1))
        if self.equilibration_sweeps < self.spacing_sweeps:
            raise ValueError(
                f"equilibration_sweeps = {self.equilibration_sweeps} < spacing_sweeps = {self.spacing_sweeps}: "
                "the first structure is taken at the end of the first spacing segment; raise equilibration_sweeps"
            )
        target = float(self.target_acceptance)
        if not 0.0 < target < 1.0:
            raise ValueError(f"target_acceptance is {target}; expected a number in (0, 1), e.g. 0.3")
        set_(self, "target_acceptance", target)
        set_(self, "fs_wavenumber", _positive("fs_wavenumber", self.fs_wavenumber))
        if math.isinf(self.glass.parent_temperature):
            raise ValueError("parent_temperature = inf has no Monte Carlo chain; use the soft_spheres generator")

    @classmethod
    def from_mapping(cls, params: Mapping[str, Any], glass_type: type[GlassParams] = GlassParams) -> ChainParams:
        """Split a flat mapping (the ensemble runner's parameters) into glass and chain settings.

        ``glass_type`` is the glass settings' class (a :class:`GlassParams` subclass adds its own fields,
        e.g. the lowest-mode generator's).

        Raises
        ------
        ValueError
            On ``n_sweeps`` or ``mc_step`` (the chain sets them) or an unknown key.
        """
        chain_names = [f.name for f in fields(cls) if f.name != "glass"]
        set_by_chain = sorted({"n_sweeps", "mc_step"} & set(params))
        if set_by_chain:
            raise ValueError(
                f"{set_by_chain} are set by the chain (equilibration_sweeps, spacing_sweeps and the calibrated "
                "step); leave them out"
            )
        glass = glass_type.from_mapping({k: v for k, v in params.items() if k not in chain_names})
        return cls(glass=glass, **{k: params[k] for k in chain_names if k in params})

    @property
    def chain_sweeps(self) -> int:
        """Sweeps of the whole chain: the first sweeps, the equilibration, and k − 1 more spacings."""
        return PRE_SWEEPS + self.equilibration_sweeps + (self.chain_samples - 1) * self.spacing_sweeps


#: What a chain does with each configuration it takes: ``structure(glass, start, liquid, energy_trace,
#: acceptance_displacement, acceptance_swap, seed, sample, mc_seconds)`` returns the one-sample dataset
#: (``glass`` has the chain's ``n_sweeps`` and calibrated ``mc_step``; ``mc_seconds`` is the wall time of
#: the Monte Carlo since the previous structure, or since the chain's start for the first).
StructureFunction = Callable[
    [GlassParams, Configuration, Configuration, np.ndarray, float, float, np.random.SeedSequence, int, float],
    xr.Dataset,
]


def dense_structure(
    glass: GlassParams,
    start: Configuration,
    liquid: Configuration,
    energy_trace: np.ndarray,
    acceptance_displacement: float,
    acceptance_swap: float,
    seed: np.random.SeedSequence,
    sample: int,
    mc_seconds: float,
    generator: str = "soft_spheres_equilibrated",
) -> xr.Dataset:
    """The seed-literal analysis of one configuration (:func:`~.glass_pipeline.inherent_sample`: quench, dense
    spectrum, stresses) as a one-sample dataset; ``mc_seconds`` is not recorded."""
    sample_ = inherent_sample(glass, start, liquid, energy_trace, acceptance_displacement, acceptance_swap)
    return glass_dataset(sample_, seed, sample, generator)


def equilibrated_parent(
    start: Configuration, p: ChainParams, pot: PairPotential, rng: np.random.Generator
) -> tuple[MCResult, StepCalibration, GlassParams]:
    """The chain's parent liquid: overlaps removed, a short pre-run, the step calibrated, then equilibrated.

    Parameters
    ----------
    start : Configuration
        The random start of the chain.
    p : ChainParams
        The chain's parameters (its ``glass`` holds the parent temperature, swap probability and skin).
    pot : PairPotential
        The pair potential of the Monte Carlo.
    rng : numpy.random.Generator
        The chain's random stream; the pre-run, calibration and equilibration draw from it in this order.

    Returns
    -------
    tuple of (MCResult, StepCalibration, GlassParams)
        The equilibration run, the calibrated step and the glass parameters with that step.
    """
    g = p.glass
    box = start.box_length
    pre = run_swap_mc(
        remove_overlaps(start, pot),
        box,
        start.sizes,
        start.species,
        pot,
        MCSettings(
            temperature=g.parent_temperature,
            n_sweeps=PRE_SWEEPS,
            step=PRE_STEP,
            p_swap=g.p_swap,
            skin=g.mc_skin,
            record_every=PRE_SWEEPS,
        ),
        rng,
    )
    cal = calibrate_step(
        pre.positions,
        box,
        pre.sizes,
        pre.species,
        pot,
        g.parent_temperature,
        rng,
        target=p.target_acceptance,
        p_swap=g.p_swap,
        skin=g.mc_skin,
    )
    glass = dataclasses.replace(g, n_sweeps=p.equilibration_sweeps - p.spacing_sweeps, mc_step=cal.step)
    mc = run_swap_mc(
        pre.positions,
        box,
        pre.sizes,
        pre.species,
        pot,
        MCSettings(
            temperature=g.parent_temperature,
            n_sweeps=glass.n_sweeps,
            step=cal.step,
            p_swap=g.p_swap,
            skin=g.mc_skin,
            record_every=g.record_every,
        ),
        rng,
    )
    return mc, cal, glass


def glass_chain(
    params: Mapping[str, Any] | ChainParams,
    seed: np.random.SeedSequence | int,
    first_sample: int,
    generator: str = "soft_spheres_equilibrated",
    *,
    glass_type: type[GlassParams] = GlassParams,
    structure: StructureFunction | None = None,
) -> list[xr.Dataset]:
    """Run one chain and return its ``chain_samples`` inherent structures as one-sample VDOS-1.0 datasets.

    Parameters
    ----------
    params
        :class:`ChainParams` or a flat mapping of its and the glass fields.
    seed
        The chain's seed: stream 0 draws the configuration, stream 1 the
        Monte Carlo (the streams of the seed-literal generator).
    first_sample
        Sample index of the chain's first structure; the chain index is
        ``first_sample // chain_samples``.
    generator
        The registered name recorded in the ``generator`` attribute (by the default ``structure``).
    glass_type
        Class of the glass settings (:meth:`ChainParams.from_mapping`).
    structure
        The analysis of each configuration taken (:data:`StructureFunction`); default
        :func:`dense_structure` (quench, dense spectrum).

    Returns
    -------
    list of xarray.Dataset
        The datasets of :func:`~vdosbench.generators.glasses.glass_dataset.glass_sample`
        plus, per sample, ``chain``, ``mc_sweep``, ``mc_step``,
        ``segment_tau_alpha``, ``segment_fs_end``, ``segment_mean_energy``,
        ``crystalline_particles`` and ``size_neighbour_correlation``; the
        energy trace ``mc_energy`` covers the equilibration (step 3).

    Examples
    --------
    >>> from vdosbench.datasets import check
    >>> parts = glass_chain({"n_particles": 128, "parent_temperature": 0.5, "equilibration_sweeps": 30,
    ...                      "spacing_sweeps": 10, "chain_samples": 2, "n_vectors": 3}, 7, first_sample=2)
    >>> [int(p["sample"].item()) for p in parts], [int(p["chain"].item()) for p in parts]
    ([2, 3], [1, 1])
    >>> [int(p["mc_sweep"].item()) for p in parts], check(parts[0])
    ([230, 240], None)
    """
    p, seq, first_sample, structure = _chain_inputs(params, seed, first_sample, generator, glass_type, structure)
    rng = np.random.default_rng(child_seed(seq, 1))
    clock = time.perf_counter()
    start, pot = start_configuration(p.glass, seq), p.glass.pair_potential
    mc, cal, glass = equilibrated_parent(start, p, pot, rng)
    trace, swap_acceptance = np.asarray(mc.energy_trace, float), float(mc.acceptance_swap)
    state, t, out = (mc.positions, mc.sizes, mc.species), PRE_SWEEPS + glass.n_sweeps, []
    for j in range(p.chain_samples):
        seg = _next_segment(state, start.box_length, pot, p, cal.step, rng, t)
        state, t = (seg.positions, seg.sizes, seg.species), t + p.spacing_sweeps
        liquid = Configuration(seg.positions, start.box_length, seg.sizes, seg.species)
        mc_seconds = time.perf_counter() - clock
        acceptance = float(seg.acceptance[0])
        ds = structure(glass, start, liquid, trace, acceptance, swap_acceptance, seq, first_sample + j, mc_seconds)
        clock = time.perf_counter()
        out.append(_with_chain_record(ds, p, first_sample // p.chain_samples, t, cal.step, seg, liquid))
    return out


def _chain_inputs(
    params: Mapping[str, Any] | ChainParams,
    seed: np.random.SeedSequence | int,
    first_sample: int,
    generator: str,
    glass_type: type[GlassParams],
    structure: StructureFunction | None,
) -> tuple[ChainParams, np.random.SeedSequence, int, StructureFunction]:
    """:func:`glass_chain`'s checked inputs: its settings, seed sequence, first sample and structure function.

    Raises ValueError when ``first_sample`` is not a non-negative multiple of ``chain_samples``.
    """
    p = params if isinstance(params, ChainParams) else ChainParams.from_mapping(params, glass_type)
    if structure is None:
        structure = functools.partial(dense_structure, generator=generator)
    seq = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    first_sample = _integer("first_sample", first_sample, 0)
    k = p.chain_samples
    if first_sample % k:
        raise ValueError(f"first_sample = {first_sample} is not a multiple of chain_samples = {k}")
    return p, seq, first_sample, structure


def _next_segment(
    state: tuple[np.ndarray, np.ndarray, np.ndarray],
    box: float,
    pot: PairPotential,
    p: ChainParams,
    step: float,
    rng: np.random.Generator,
    t: int,
) -> Segments:
    """The next ``spacing_sweeps`` of the chain from ``state`` at chain sweep ``t`` (one segment, run to its cap)."""
    g = p.glass
    return relaxation_segments(
        state[0],
        box,
        state[1],
        state[2],
        pot,
        g.parent_temperature,
        p.fs_wavenumber,
        rng,
        n_segments=1,
        max_segment_sweeps=p.spacing_sweeps,
        step=step,
        p_swap=g.p_swap,
        skin=g.mc_skin,
        stop_below=None,
        start_sweep=t,
    )


def _with_chain_record(
    ds: xr.Dataset, p: ChainParams, chain: int, sweep: int, step: float, seg: Segments, liquid: Configuration
) -> xr.Dataset:
    """Add the per-sample chain variables and replace the Monte Carlo attributes by the chain's."""
    one = {"units": "1"}
    d = p.glass.dimension
    if d == 3 and p.glass.potential == "soft_sphere" and 1.4 * float(liquid.sizes.max()) < 0.5 * liquid.box_length:
        crystal = int(crystalline_particles(liquid.positions, liquid.box_length, liquid.sizes)[0].sum())
        size_corr = size_neighbour_correlation(liquid.positions, liquid.box_length, liquid.sizes)
    else:
        crystal, size_corr = -1, float("nan")
    tau = float(seg.tau_alpha[0])
    per_sample = {
        "chain": (np.int64(chain), {"long_name": "Monte Carlo chain the structure was taken from", **one}),
        "mc_sweep": (np.int64(sweep), {"long_name": "chain time of the quenched configuration (sweeps)", **one}),
        "mc_step": (step, {"long_name": "displacement length |dr| calibrated for the chain", "units": "a"}),
        "segment_tau_alpha": (
            tau,
            {
                "long_name": "tau_alpha (F_s(q, t) = 1/e) over the segment before the "
                "structure, swap dynamics (NaN: F_s stayed above 1/e)",
                **one,
            },
        ),
        "segment_fs_end": (
            float(seg.fs_end[0]),
            {"long_name": "F_s(q, t) at the end of that segment (decorrelation from the previous structure)", **one},
        ),
        "segment_mean_energy": (
            float(seg.mean_energy[0]),
            {"long_name": "mean V/N over that segment", "units": "epsilon"},
        ),
        "crystalline_particles": (
            np.int64(crystal),
            {
                "long_name": "particles with >= 8 q6-connected neighbours "
                "(ten Wolde) in the configuration quenched; -1: not "
                "measured (d = 2, Lennard-Jones, or a box below 2.8 a_max)",
                **one,
            },
        ),
        "size_neighbour_correlation": (
            size_corr,
            {
                "long_name": "correlation of neighbours' diameters in the configuration quenched (fractionation check)",
                **one,
            },
        ),
    }
    ds = ds.assign({name: (("sample",), np.array([value]), attrs) for name, (value, attrs) in per_sample.items()})
    attrs = {k: v for k, v in ds.attrs.items() if k not in ("n_sweeps", "mc_step")}
    attrs.update(
        protocol="equilibrated",
        equilibration_sweeps=p.equilibration_sweeps,
        spacing_sweeps=p.spacing_sweeps,
        chain_samples=p.chain_samples,
        target_acceptance=p.target_acceptance,
        fs_wavenumber=p.fs_wavenumber,
        tau_alpha_method=(
            f"segment_tau_alpha: F_s(q, t) = 1/e with q = {p.fs_wavenumber:g}, F_s the isotropic self-intermediate "
            "scattering function of the unwrapped displacements under the chain's own swap dynamics, followed from "
            "the segment's start on log-spaced sweeps (linear interpolation in ln t)"
        ),
        pre_sweeps=PRE_SWEEPS,
        pre_step=PRE_STEP,
        chain_protocol=(
            f"random positions, FIRE to max |F| <= 10, {PRE_SWEEPS} sweeps at |dr| = {PRE_STEP}, |dr| calibrated to "
            f"{p.target_acceptance:g} displacement acceptance (bisection on a copy, then fixed), "
            f"{p.equilibration_sweeps} sweeps to the first structure, one structure every {p.spacing_sweeps} "
            f"sweeps, {p.chain_samples} per chain; mc_energy traces the first {p.equilibration_sweeps - p.spacing_sweeps} "
            "of those sweeps"
        ),
        title=attrs.get("title", "") + f", equilibrated chain ({p.chain_samples} structures per chain)",
    )
    ds.attrs = attrs
    return ds


def soft_sphere_chain(params: Mapping[str, Any], seed: np.random.SeedSequence, first_sample: int) -> list[xr.Dataset]:
    """:func:`glass_chain` for ``soft_spheres_equilibrated``."""
    return glass_chain(_with_potential(params, "soft_sphere"), seed, first_sample, "soft_spheres_equilibrated")


def lennard_jones_chain(params: Mapping[str, Any], seed: np.random.SeedSequence, first_sample: int) -> list[xr.Dataset]:
    """:func:`glass_chain` for ``lennard_jones_equilibrated``."""
    return glass_chain(_with_potential(params, "lennard_jones"), seed, first_sample, "lennard_jones_equilibrated")


def check_soft_sphere_chain_params(params: Mapping[str, Any]) -> ChainParams:
    """:class:`ChainParams` of one ``soft_spheres_equilibrated`` chain (the generator's ``check_params``)."""
    return ChainParams.from_mapping(_with_potential(params, "soft_sphere"))


def check_lennard_jones_chain_params(params: Mapping[str, Any]) -> ChainParams:
    """:class:`ChainParams` of one ``lennard_jones_equilibrated`` chain (the generator's ``check_params``)."""
    return ChainParams.from_mapping(_with_potential(params, "lennard_jones"))


def soft_sphere_chain_memory(params: Mapping[str, Any]) -> int:
    """Peak bytes of one ``soft_spheres_equilibrated`` chain task: one glass at a time, its k samples held."""
    p = check_soft_sphere_chain_params(params)
    return glass_memory(p.glass, p.chain_samples)


def lennard_jones_chain_memory(params: Mapping[str, Any]) -> int:
    """Peak bytes of one ``lennard_jones_equilibrated`` chain task: one glass at a time, its k samples held."""
    p = check_lennard_jones_chain_params(params)
    return glass_memory(p.glass, p.chain_samples)


def soft_sphere_chain_sample(params: Mapping[str, Any], seed: np.random.SeedSequence, sample: int) -> xr.Dataset:
    """One structure from a chain of its own (``chain_samples`` = 1)."""
    return soft_sphere_chain({**params, "chain_samples": 1}, seed, sample)[0]


def lennard_jones_chain_sample(params: Mapping[str, Any], seed: np.random.SeedSequence, sample: int) -> xr.Dataset:
    """One structure from a chain of its own (``chain_samples`` = 1)."""
    return lennard_jones_chain({**params, "chain_samples": 1}, seed, sample)[0]


def chain_parameters(fs_wavenumber: float = FS_WAVENUMBER) -> tuple[Parameter, ...]:
    """The chain's own parameters (:class:`ChainParams` fields besides the glass), declared once.

    Parameters
    ----------
    fs_wavenumber
        The generator's default q of F_s(q, t): the first peak of its model's S(q)
        (:data:`FS_WAVENUMBER` for the soft spheres, :data:`KA_FS_WAVENUMBER` for Kob–Andersen).

    Examples
    --------
    >>> {p.name: p.default for p in chain_parameters(KA_FS_WAVENUMBER)}["fs_wavenumber"]
    7.25
    """
    return (
        Parameter(
            "equilibration_sweeps",
            "Monte Carlo sweeps from the step calibration to the first structure",
            10_000,
            units="1",
            kind="int",
            minimum=1,
            note="≥ spacing_sweeps",
        ),
        Parameter(
            "spacing_sweeps",
            "Monte Carlo sweeps between consecutive structures of a chain",
            2_000,
            units="1",
            kind="int",
            minimum=1,
        ),
        Parameter(
            "chain_samples",
            "inherent structures per chain k (the samples must be a multiple of k)",
            4,
            units="1",
            kind="int",
            minimum=1,
        ),
        Parameter(
            "target_acceptance",
            "displacement acceptance the Monte Carlo step is calibrated to",
            0.3,
            units="1",
            minimum=0.0,
            maximum=1.0,
            open_minimum=True,
            open_maximum=True,
        ),
        Parameter(
            "fs_wavenumber",
            "wavenumber q of the self-intermediate scattering function F_s(q, t)",
            fs_wavenumber,
            units="sigma-1",
            minimum=0.0,
            open_minimum=True,
        ),
    )


#: The soft-sphere chain's own parameters (:func:`chain_parameters` with q = :data:`FS_WAVENUMBER`).
CHAIN_PARAMETERS = chain_parameters()


def chain_cost(params: Mapping[str, Any]) -> float:
    """Estimated seconds of one chain: all its sweeps, then k quenches and spectra
    (:func:`~vdosbench.generators.glasses.cost.glass_task_seconds`: measured rates scaled by sizes)."""
    p = ChainParams.from_mapping(params)
    return glass_task_seconds(
        p.glass.n_particles, p.glass.dimension, p.chain_sweeps, p.glass.parent_temperature, p.chain_samples
    )


#: ``soft_spheres_equilibrated``: seed-001 soft spheres, several structures per equilibrated chain.
SOFT_SPHERES_EQUILIBRATED = register(
    Generator(
        name="soft_spheres_equilibrated",
        version=CHAIN_VERSION,
        make_sample=soft_sphere_chain_sample,
        check_params=check_soft_sphere_chain_params,
        parameters=glass_parameters((T_LOW,), 1.0, chain=True, extra=chain_parameters(FS_WAVENUMBER)),
        memory_estimate=soft_sphere_chain_memory,
        description="soft-sphere glasses quenched along equilibrated swap-MC chains (seed 001, measured tau_alpha)",
        source="seed 001",
        cost_estimate=chain_cost,
        make_chain=soft_sphere_chain,
        chain_parameter="chain_samples",
    ),
    replace=True,
)

#: ``lennard_jones_equilibrated``: the Kob–Andersen mixture by the same protocol.
LENNARD_JONES_EQUILIBRATED = register(
    Generator(
        name="lennard_jones_equilibrated",
        version=CHAIN_VERSION,
        make_sample=lennard_jones_chain_sample,
        check_params=check_lennard_jones_chain_params,
        parameters=glass_parameters(
            (KA_T_LOW,), KA_DENSITY, chain=True, soft_spheres=False, extra=chain_parameters(KA_FS_WAVENUMBER)
        ),
        memory_estimate=lennard_jones_chain_memory,
        description="Kob-Andersen glasses quenched along equilibrated swap-MC chains",
        source="seed 001",
        cost_estimate=chain_cost,
        make_chain=lennard_jones_chain,
        chain_parameter="chain_samples",
    ),
    replace=True,
)


#: τ_α of swap Monte Carlo (sweeps, F_s(6.872, τ_α) = 1/e, N = 1000, |Δr| at 30 % acceptance) measured at
#: T*/T_d by ``studies/measure_swap_tau.py`` (``studies/results/swap_tau.json``): the larger of the two
#: tapers' stationary values, rounded up (at T_d: 5800 – 6000 for m = 2, 8700 – 9400 for m = ∞ at waiting
#: times 1.1 – 2 × 10⁵ sweeps).  The chains run 40 τ_α before their first structure (the measured chains' τ_α
#: stopped growing after ≤ 13 τ_α at 1.5 T_d and ≈ 20 τ_α at T_d, but the energy of the m = ∞ chains still fell
#: there) and 3 τ_α between structures (F_s ≈ 0.1 there).  At 1.25 T_d (τ_α 2090 – 2500 for m = 2, 1780 – 3110 for
#: m = ∞) the measured m = ∞ chain's energy fell again after 2.6 × 10⁵ sweeps (≈ 80 τ_α), so its recipe
#: equilibrates for :data:`EQUILIBRATION_TAUS` ``[1.25]`` = 120 τ_α (3.8 × 10⁵ sweeps, as long as at T_d).
SWAP_TAU_ALPHA: dict[float, int] = {7.0: 80, 3.0: 250, 2.0: 650, 1.5: 1300, 1.25: 3200, 1.0: 9500}
#: τ_α of swap MC (sweeps, as :data:`SWAP_TAU_ALPHA`) of the non-additive soft spheres (ε = 0.2, issue 25 item 5)
#: at their own T_d = 0.0716, measured by ``studies/measure_swap_tau.py --non-additivity 0.2 --td 0.0716
#: --ratios 1.0`` (``studies/results/swap_tau_nonadditive_0.2.json``): stationary 3660 – 4080 (m = 2) and
#: 4500 – 5390 (m = ∞, the last three of eight segments up to t_w = 1.5 × 10⁵ sweeps; 7400 once at t_w = 3 × 10⁴);
#: the larger, rounded up.
NONADDITIVE_SWAP_TAU_TD = 5500
#: τ_α of swap MC before a chain's first structure, per T*/T_d (40 unless named here).
EQUILIBRATION_TAUS: dict[float, int] = {1.25: 120}
#: Structures per chain in the recipes.
RECIPE_CHAIN_SAMPLES = 5


def _equilibrated_recipe(
    generator: str, temperature: float, tau: int, n_tau: int, n_samples: int, root_seed: int, what: str
) -> Recipe:
    """A recipe of ``generator`` at one T*, both tapers: ``n_tau`` τ_α before the first structure, 3 τ_α apart."""
    return Recipe(
        generator,
        {"taper_order": [2, INFINITE_ORDER], "parent_temperature": [temperature]},
        {
            "n_particles": 1000,
            "equilibration_sweeps": n_tau * tau,
            "spacing_sweeps": 3 * tau,
            "chain_samples": RECIPE_CHAIN_SAMPLES,
        },
        n_samples=n_samples,
        root_seed=root_seed,
        description=(
            f"equilibrated protocol{what}: N = 1000, m = 2 and inf, {RECIPE_CHAIN_SAMPLES} structures per "
            f"chain, {n_tau} tau_alpha before the first, 3 tau_alpha apart (swap tau_alpha = {tau} sweeps)"
        ),
    )


def _chain_recipe(ratio: float, n_samples: int, root_seed: int) -> Recipe:
    temperature = T_HIGH if ratio == 7.0 else round(ratio * T_D, 6)
    return _equilibrated_recipe(
        "soft_spheres_equilibrated",
        temperature,
        SWAP_TAU_ALPHA[ratio],
        EQUILIBRATION_TAUS.get(ratio, 40),
        n_samples,
        root_seed,
        f" at T*/T_d = {ratio:g} (T* = {temperature:g}; issue 14: the s(T*) crossover)",
    )


#: Root seed of each T*/T_d's recipe (fixed once a recipe has data: a new temperature gets a new seed).
_CHAIN_ROOT_SEEDS = {1.5: 1400, 2.0: 1401, 3.0: 1402, 7.0: 1403, 1.0: 1404, 1.25: 1405}
_FULL_CHAIN_RECIPES: dict[str, Recipe] = {
    f"soft_spheres_n1000_equilibrated_{ratio:g}td": _chain_recipe(ratio, 30, _CHAIN_ROOT_SEEDS[ratio])
    for ratio in sorted(SWAP_TAU_ALPHA)
}
_SMALL_CHAIN = {"n_vectors": 10, "equilibration_sweeps": 40, "spacing_sweeps": 10, "chain_samples": 2}

#: τ_α of swap Monte Carlo of the tapered Kob–Andersen mixture (sweeps, F_s(7.25, τ_α) = 1/e over all particles,
#: N = 1000, density 1.2, |Δr| at 30 % acceptance), by T*, measured by ``studies/measure_swap_tau.py --model
#: kob_andersen`` (``studies/results/swap_tau_ka.json``): the larger of the two tapers' stationary values,
#: rounded up.  At T* = 0.45: m = 2 5100 – 6400 (stationary), m = ∞ 3900 – 7200 (fluctuating, no trend, over
#: 4 × 10⁵ sweeps).  Both chains' τ_α stopped growing by t_w ≈ 10⁴ sweeps (≈ 2 τ_α) and their energy by
#: ≈ 3.6 × 10⁴ (≈ 5 τ_α), so the recipe equilibrates for 20 τ_α (four times that), then 3 τ_α apart.
KA_SWAP_TAU_ALPHA: dict[float, int] = {0.45: 7200}
_KA_EQUILIBRATION_TAUS = 20
_KA_CHAIN_ROOT_SEEDS = {0.45: 1406}


def _ka_chain_recipe(temperature: float, n_samples: int, root_seed: int) -> Recipe:
    return _equilibrated_recipe(
        "lennard_jones_equilibrated",
        temperature,
        KA_SWAP_TAU_ALPHA[temperature],
        _KA_EQUILIBRATION_TAUS,
        n_samples,
        root_seed,
        f", Kob-Andersen (tapered), density 1.2, T* = {temperature:g} (issue 14 item 5)",
    )


_FULL_KA_CHAIN_RECIPES: dict[str, Recipe] = {
    f"lennard_jones_n1000_equilibrated_{t:g}": _ka_chain_recipe(t, 30, _KA_CHAIN_ROOT_SEEDS[t])
    for t in sorted(KA_SWAP_TAU_ALPHA)
}

#: The equilibrated-protocol datasets and a small version of each ("…_small": N = 128 soft spheres or 200
#: Kob–Andersen particles, chains of 2, 4 samples).
RECIPES: dict[str, Recipe] = {
    **_FULL_CHAIN_RECIPES,
    **{f"{k}_small": small_recipe(k, r, 128, _SMALL_CHAIN, n_samples=4) for k, r in _FULL_CHAIN_RECIPES.items()},
    **_FULL_KA_CHAIN_RECIPES,
    **{f"{k}_small": small_recipe(k, r, 200, _SMALL_CHAIN, n_samples=4) for k, r in _FULL_KA_CHAIN_RECIPES.items()},
}
