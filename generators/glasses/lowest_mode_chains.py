"""Equilibrated chains at any N with only their lowest modes: the T_d ladder of issue 25.

The finite-size question at T_d (does s at T_d move with N, as E. Lerner,
PRE 101, 032120 (2020) found for fast quenches?) needs glasses quenched from a
liquid *in equilibrium* at T_d at N = 1000 … 4000, where the dense spectrum of
:mod:`.glass_chains` no longer fits one core.  This generator runs the chain of
:func:`~.glass_chains.glass_chain` unchanged (random start, |Δr| calibrated to
30 % acceptance, ``equilibration_sweeps`` of swap Monte Carlo, then one
structure every ``spacing_sweeps`` with τ_α of each segment from F_s(q, t))
and analyses each structure as :mod:`.lowest_mode_glasses` does (quench, lowest
``n_lowest`` modes on the sparse Hessian, shear/longitudinal/bulk moduli,
participation ratios and plane-wave shell weights, stage times).

Per chain it also states the **energy drift** over the last half of its
equilibration trace (:func:`~.energy_drift.energy_drift`: 10 blocks, least
squares through the block means, 95 % Student-t interval): τ_α stops changing
long before V/N does, so a chain is judged by its energy (issue 25 item 4).

Recipes ``soft_spheres_lowest_n{N}_td`` (N = 1000, 2000, 4000): T* = T_d =
0.144, both tapers, chains of 5 structures, 40 τ_α before the first and 3 τ_α
apart with τ_α = 9500 sweeps (:data:`~.glass_chains.SWAP_TAU_ALPHA` at T_d,
measured at N = 1000; each segment re-measures τ_α at its own N), 20, 20 and 12
chains per point.  Recipes ``soft_spheres_lowest_n{N}_td_nonadditive`` (N = 1000,
2000, 4000): the fractionation control of item 5, the same ladder for the non-additive
pair size a_ij = (a_i + a_j)/2 (1 − 0.2|a_i − a_j|) at its own T_d = 0.0716
(:data:`~.glass_params.T_D_NONADDITIVE`) with its own swap τ_α there
(:data:`~.glass_chains.NONADDITIVE_SWAP_TAU_TD`), chain c starting from the
additive ladder's chain c (same root seed: same diameters and positions).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import numpy as np
import xarray as xr

from ..engine.ensemble_spec import Recipe
from ..engine.parameters import Parameter
from ..engine.registry import Generator, register
from .configurations import Configuration
from .cost import glass_task_seconds
from .energy_drift import energy_drift
from .glass_chains import (
    CHAIN_VERSION,
    EQUILIBRATION_TAUS,
    FS_WAVENUMBER,
    NONADDITIVE_SWAP_TAU_TD,
    RECIPE_CHAIN_SAMPLES,
    SWAP_TAU_ALPHA,
    ChainParams,
    chain_parameters,
    glass_chain,
)
from .lowest_mode_glasses import (
    GENERATOR_VERSION as LOWEST_VERSION,
    SPARSE_SECONDS_PER_N15,
    BUILT_WITH_MODE_METHOD,
    DEFAULT_MODE_METHOD,
    LowestModeParams,
    analyse_structure,
    lowest_mode_memory,
    lowest_mode_parameters,
    structure_dataset,
)
from .potentials import INFINITE_ORDER
from .glass_dataset import MC_RECORD_DIM
from .glass_params import NINARELLO_NON_ADDITIVITY, T_D, T_D_NONADDITIVE, GlassParams, glass_parameters
from .soft_spheres import _with_potential

__all__ = [
    "DRIFT_BLOCKS",
    "LOWEST_CHAINS",
    "NONADDITIVE_N",
    "RECIPES",
    "TD_CHAINS",
    "lowest_mode_chain",
    "with_energy_drift",
]

#: Registered name.
NAME = "soft_spheres_lowest_equilibrated"
#: Version: the chain's and the lowest-mode analysis's.
VERSION = f"{CHAIN_VERSION}+lowest.{LOWEST_VERSION}"
#: Blocks of the energy-drift fit (:func:`~.energy_drift.energy_drift`).
DRIFT_BLOCKS = 10
#: Chains per (taper) point of the T_d recipes at each N (issue 25 item 3: ≥ 20 at N = 1000, 2000; ≥ 12 at 4000).
TD_CHAINS = {1000: 20, 2000: 20, 4000: 12}
#: Sizes of the non-additive control's T_d ladder (issue 25 item 5: s at its own T_d for N = 1000 and 2000; 4000
#: added 25 Nov 2026, before any chain of it, as the equilibrated N = 4000 point of item 3: the additive model's
#: chains still lose energy at T_d and segregate by size, the control's do neither).
NONADDITIVE_N = (1000, 2000, 4000)


def _structure(
    glass: GlassParams,
    start: Configuration,
    liquid: Configuration,
    energy_trace: np.ndarray,
    acceptance_displacement: float,
    acceptance_swap: float,
    seed: np.random.SeedSequence,
    sample: int,
    mc_seconds: float,
) -> xr.Dataset:
    """One structure of the chain, analysed by :func:`~.lowest_mode_glasses.analyse_structure`."""
    if not isinstance(glass, LowestModeParams):
        raise TypeError(f"expected LowestModeParams for the chain's glass, found {type(glass).__name__}")
    analysis = analyse_structure(glass, liquid)
    return structure_dataset(
        glass,
        seed,
        sample,
        start,
        energy_trace,
        acceptance_displacement,
        acceptance_swap,
        analysis,
        mc_seconds,
        generator=NAME,
    )


def with_energy_drift(ds: xr.Dataset, n_blocks: int = DRIFT_BLOCKS) -> xr.Dataset:
    """Add the drift of the sample's ``mc_energy`` trace over its last half (NaN when the trace is too short).

    Parameters
    ----------
    ds
        A one-sample dataset with ``mc_energy`` over ``mc_record``.
    n_blocks
        Blocks of the fit.

    Returns
    -------
    xarray.Dataset
        With ``energy_drift``, ``energy_drift_stderr``, ``energy_drift_low``, ``energy_drift_high`` and
        ``energy_late_mean`` (per sample) and the method in the attribute ``energy_drift_method``.
    """
    if ds.sizes.get("sample") != 1:
        raise ValueError(f"expected a one-sample dataset, found sample = {ds.sizes.get('sample')}")
    try:
        d = energy_drift(ds[MC_RECORD_DIM].values, ds["mc_energy"].values[0], fraction=0.5, n_blocks=n_blocks)
        values = (d.drift, d.stderr, d.low, d.high, d.mean)
    except ValueError:
        values = (np.nan,) * 5
    unit = {"units": "epsilon"}
    names = {
        "energy_drift": "fitted change of V/N over the last half of the chain's equilibration trace (negative: "
        "still falling)",
        "energy_drift_stderr": "least-squares standard error of energy_drift (block means)",
        "energy_drift_low": "lower end of the 95 % interval of energy_drift (Student t, n_blocks - 2 dof)",
        "energy_drift_high": "upper end of the 95 % interval of energy_drift",
        "energy_late_mean": "mean V/N over the last half of the equilibration trace",
    }
    out = ds.assign({k: (("sample",), np.array([v]), {"long_name": names[k], **unit}) for k, v in zip(names, values)})
    out.attrs["energy_drift_method"] = (
        f"last half of mc_energy (by sweep) cut into {n_blocks} consecutive blocks; least-squares line through the "
        "block means; drift = slope x window length; 95 % interval Student t with n_blocks - 2 dof; NaN when the "
        "half holds fewer than 2 records per block (generators/glasses/energy_drift.py)"
    )
    return out


def _chain_params(params: Mapping[str, Any]) -> ChainParams:
    return ChainParams.from_mapping(_with_potential(params, "soft_sphere"), LowestModeParams)


def lowest_mode_chain(params: Mapping[str, Any], seed: np.random.SeedSequence, first_sample: int) -> list[xr.Dataset]:
    """One chain of ``soft_spheres_lowest_equilibrated`` (module docstring): its ``chain_samples`` structures.

    Examples
    --------
    >>> from vdosbench.datasets import check
    >>> parts = lowest_mode_chain({"n_particles": 128, "parent_temperature": 0.5, "equilibration_sweeps": 60,
    ...                            "spacing_sweeps": 10, "chain_samples": 2, "n_lowest": 10, "record_every": 1},
    ...                           np.random.SeedSequence(3), first_sample=0)
    >>> check(parts[1]), parts[1].sizes["mode"], int(parts[1]["chain"].item())
    (None, 13, 0)
    >>> bool(np.isfinite(parts[0]["energy_drift"].item()))
    True
    """
    p = _chain_params(params)
    parts = glass_chain(p, seed, first_sample, NAME, glass_type=LowestModeParams, structure=_structure)
    return [with_energy_drift(ds) for ds in parts]


def lowest_mode_chain_sample(params: Mapping[str, Any], seed: np.random.SeedSequence, sample: int) -> xr.Dataset:
    """One structure from a chain of its own (``chain_samples`` = 1)."""
    return lowest_mode_chain({**params, "chain_samples": 1}, seed, sample)[0]


def check_lowest_chain_params(params: Mapping[str, Any]) -> ChainParams:
    """:class:`~.glass_chains.ChainParams` of one chain, the glass as :class:`~.lowest_mode_glasses.LowestModeParams`."""
    return _chain_params(params)


def lowest_chain_memory(params: Mapping[str, Any]) -> int:
    """Peak bytes of one chain: one structure's analysis (:func:`~.lowest_mode_glasses.lowest_mode_memory`) plus
    the k small datasets it holds."""
    p = _chain_params(params)
    glass = {k: v for k, v in dataclasses.asdict(p.glass).items() if k not in ("vector_modes", "pair_data")}
    per_sample = 8 * p.glass.n_particles * (p.glass.dimension + 2) + 8 * p.glass.n_vectors * p.glass.n_modes
    return lowest_mode_memory(glass) + p.chain_samples * per_sample


def lowest_chain_cost(params: Mapping[str, Any]) -> float:
    """Estimated seconds of one chain: its sweeps at the measured move rates plus k × the sparse analysis
    (:data:`~.lowest_mode_glasses.SPARSE_SECONDS_PER_N15` · N^1.5 · n_lowest/50)."""
    p = _chain_params(params)
    g = p.glass
    mc = glass_task_seconds(g.n_particles, g.dimension, p.chain_sweeps, g.parent_temperature, 0)
    return mc + p.chain_samples * SPARSE_SECONDS_PER_N15 * g.n_particles**1.5 * g.n_lowest / 50


def _parameters() -> tuple[Parameter, ...]:
    base = [
        q
        for q in glass_parameters((T_D,), 1.0, chain=True, extra=chain_parameters(FS_WAVENUMBER))
        if q.name not in ("vector_modes", "n_vectors")
    ]
    return (*base, *lowest_mode_parameters())


#: The registered generator (``get_generator("soft_spheres_lowest_equilibrated")``).
LOWEST_CHAINS = register(
    Generator(
        name=NAME,
        version=VERSION,
        make_sample=lowest_mode_chain_sample,
        check_params=check_lowest_chain_params,
        parameters=_parameters(),
        memory_estimate=lowest_chain_memory,
        description="soft-sphere glasses along equilibrated swap-MC chains at any N: lowest modes (sparse), moduli, "
        "energy drift (issue 25)",
        source="seed 001; Lerner PRE 101, 032120 (2020)",
        cost_estimate=lowest_chain_cost,
        make_chain=lowest_mode_chain,
        chain_parameter="chain_samples",
    ),
    replace=True,
)


def _td_recipe(n: int, non_additive: bool = False) -> Recipe:
    """The T_d ladder's recipe at N = ``n``; ``non_additive``: the control model at its own T_d (item 5), with
    the additive recipe's root seed, so that chain c of both models starts from the same diameters and positions."""
    tau = NONADDITIVE_SWAP_TAU_TD if non_additive else SWAP_TAU_ALPHA[1.0]
    td = T_D_NONADDITIVE if non_additive else T_D
    n_tau = EQUILIBRATION_TAUS.get(1.0, 40)
    chains = TD_CHAINS[n]
    model = f"non-additive soft spheres (eps = {NINARELLO_NON_ADDITIVITY:g}, issue 25 item 5), " if non_additive else ""
    return Recipe(
        NAME,
        {"taper_order": [2, INFINITE_ORDER], "parent_temperature": [td]},
        {
            "n_particles": n,
            "equilibration_sweeps": n_tau * tau,
            "spacing_sweeps": 3 * tau,
            "chain_samples": RECIPE_CHAIN_SAMPLES,
            "record_every": 100,
            "n_lowest": 50,
            "mode_method": BUILT_WITH_MODE_METHOD,
            **({"non_additivity": NINARELLO_NON_ADDITIVITY} if non_additive else {}),
        },
        n_samples=chains * RECIPE_CHAIN_SAMPLES,
        root_seed=26_000 + n,
        description=(
            f"issue 25 T_d ladder: {model}N = {n}, d = 3, m = 2 and inf, T* = T_d = {td:g}, {chains} "
            f"chains of {RECIPE_CHAIN_SAMPLES}, {n_tau} tau_alpha before the first structure and 3 tau_alpha "
            f"apart (swap tau_alpha = {tau} sweeps at N = 1000), lowest 50 modes, moduli, energy drift"
        ),
    )


#: Issue 63 item 7: the T_d taper question re-registered (benchmark/registrations/td-control-long.toml) on
#: longer chains of the non-additive control at N = 1000: 25 structures a chain after the same burn-in (40 τ_α),
#: 3 τ_α apart, the lowest 20 modes; a fresh root seed (no earlier chain used it).  The chain count is the power
#: study's (studies/results/coupled_mock_power.json).
TD_LONG_N = 1000
TD_LONG_CHAIN_SAMPLES = 25
TD_LONG_CHAINS = 50
TD_LONG_ROOT_SEED = 63_001_000


def _td_long_recipe() -> Recipe:
    """Issue 63 item 7's chains (:data:`TD_LONG_CHAINS` of :data:`TD_LONG_CHAIN_SAMPLES` a taper)."""
    tau = NONADDITIVE_SWAP_TAU_TD
    n_tau = EQUILIBRATION_TAUS.get(1.0, 40)
    return Recipe(
        NAME,
        {"taper_order": [2, INFINITE_ORDER], "parent_temperature": [T_D_NONADDITIVE]},
        {
            "n_particles": TD_LONG_N,
            "equilibration_sweeps": n_tau * tau,
            "spacing_sweeps": 3 * tau,
            "chain_samples": TD_LONG_CHAIN_SAMPLES,
            "record_every": 100,
            "n_lowest": 20,
            "mode_method": BUILT_WITH_MODE_METHOD,
            "non_additivity": NINARELLO_NON_ADDITIVITY,
        },
        n_samples=TD_LONG_CHAINS * TD_LONG_CHAIN_SAMPLES,
        root_seed=TD_LONG_ROOT_SEED,
        description=(
            f"issue 63 T_d taper question: non-additive soft spheres (eps = {NINARELLO_NON_ADDITIVITY:g}), "
            f"N = {TD_LONG_N}, d = 3, m = 2 and inf, T* = T_d = {T_D_NONADDITIVE:g}, {TD_LONG_CHAINS} chains "
            f"of {TD_LONG_CHAIN_SAMPLES}, {n_tau} tau_alpha before the first structure and 3 tau_alpha apart "
            f"(swap tau_alpha = {tau} sweeps), lowest 20 modes, moduli, energy drift; fresh root seed, "
            "registered before any chain was made (benchmark/registrations/td-control-long.toml)"
        ),
    )


#: The T_d ladder, issue 63's long chains and a small version for tests (N = 128, 10 modes, chains of 2, 4 samples).
#: The recipes with chains made or registered keep the eigensolver they were made with
#: (:data:`~.lowest_mode_glasses.BUILT_WITH_MODE_METHOD`); the small one takes the default (issue 65 item 2).
RECIPES: dict[str, Recipe] = {
    "soft_spheres_lowest_n1000_td_control_long": _td_long_recipe(),
    **{f"soft_spheres_lowest_n{n}_td": _td_recipe(n) for n in TD_CHAINS},
    **{f"soft_spheres_lowest_n{n}_td_nonadditive": _td_recipe(n, non_additive=True) for n in NONADDITIVE_N},
    "soft_spheres_lowest_td_small": Recipe(
        NAME,
        {"taper_order": [2, INFINITE_ORDER], "parent_temperature": [T_D]},
        {
            "n_particles": 128,
            "equilibration_sweeps": 60,
            "spacing_sweeps": 10,
            "chain_samples": 2,
            "record_every": 1,
            "n_lowest": 10,
            "mode_method": DEFAULT_MODE_METHOD,
        },
        n_samples=4,
        root_seed=26_000,
        description="small version of soft_spheres_lowest_n1000_td (N = 128) for tests",
    ),
}
