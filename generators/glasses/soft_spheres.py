"""The generators ``soft_spheres`` and ``lennard_jones`` (seed 001) and their seed-literal recipes.

Each registered generator makes one glass sample by the seed-001 protocol and writes it as a VDOS-1.0 dataset.
The protocol is three modules, each with its job:

- :mod:`~vdosbench.generators.glasses.glass_params`: the settings (:class:`GlassParams` and its checks, the
  measured parent temperatures :data:`T_D`, :data:`T_HIGH`, :data:`T_LOW`, :data:`KA_T_LOW`, ...) and the
  parameters every glass generator declares (:func:`glass_parameters`);
- :mod:`~vdosbench.generators.glasses.glass_pipeline`: the steps of one sample, random start → Monte Carlo at
  T* → quench → Hessian → spectrum → stresses (:func:`make_glass`), and its peak memory (:func:`glass_memory`);
- :mod:`~vdosbench.generators.glasses.glass_dataset`: the sample as a dataset (:func:`glass_sample`,
  :func:`glass_dataset`).

This module registers the two generators (their parameter checks, memory and cost estimates) and the recipes of
the seed's datasets (:data:`RECIPES`: N = 1000 and 1600 soft spheres, the non-additive control, Kob–Andersen,
each with a small version for tests).  The names of the three modules above are imported here too
(``from vdosbench.generators.glasses.soft_spheres import GlassParams, make_glass, ...`` keeps working);
:mod:`.glass_chains` and the lowest-mode generators build on the same three modules.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import xarray as xr

from ..engine.ensemble_spec import Recipe
from ..engine.registry import Generator, register
from .configurations import KA_DENSITY
from .cost import glass_task_seconds
from .glass_dataset import glass_sample
from .glass_params import KA_T_HIGH, KA_T_LOW, T_HIGH, T_LOW, GlassParams, _integer, glass_parameters
from .glass_pipeline import GENERATOR_VERSION, glass_memory
from .potentials import INFINITE_ORDER

# The protocol's names, importable from here as before the protocol was split into glass_params, glass_pipeline
# and glass_dataset (``from vdosbench.generators.glasses.soft_spheres import GlassParams, make_glass, T_D, ...``).
from .configurations import A_MAX, A_MIN  # noqa: F401
from .glass_dataset import MC_RECORD_DIM, REFERENCE, glass_dataset  # noqa: F401
from .glass_params import (  # noqa: F401
    KA_T_MCT,
    NINARELLO_NON_ADDITIVITY,
    POTENTIALS,
    T_D,
    T_D_ERROR,
    T_D_NONADDITIVE,
    canonical_taper_order,
)
from .glass_pipeline import (  # noqa: F401
    BYTES_PER_PARTICLE,
    OVERLAP_FORCE,
    GlassSample,
    child_seed,
    equilibrate,
    inherent_sample,
    make_glass,
    remove_overlaps,
    start_configuration,
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
        "soft_spheres",
        {"taper_order": _TAPERS, "parent_temperature": [T_HIGH, T_LOW]},
        _paper_mc(1000),
        n_samples=100,
        root_seed=1000,
        description="seed 001 Fig. 4: N = 1000, d = 3, m = 2 and inf, high and low T* (F(omega), s)",
    ),
    "soft_spheres_n1600_levels": Recipe(
        "soft_spheres",
        {"taper_order": _TAPERS, "parent_temperature": [T_HIGH, T_LOW]},
        {**_paper_mc(1600), "n_vectors": 0, "pair_data": False},
        n_samples=900,
        root_seed=1600,
        description="seed 001 Fig. 2: N = 1600, d = 3, 900 samples (level statistics, P(r))",
    ),
    "soft_spheres_nonadditive_n1000": Recipe(
        "soft_spheres",
        {"taper_order": _TAPERS, "parent_temperature": [T_HIGH]},
        {**_paper_mc(1000), "non_additivity": NINARELLO_NON_ADDITIVITY},
        n_samples=100,
        root_seed=1700,
        description=(
            "issue 25 item 5, fractionation control: non-additive soft spheres, a_ij = (a_i + a_j)/2 "
            "(1 - 0.2 |a_i - a_j|) (Ninarello, Berthier, Coslovich, PRX 7, 021039, 2017), seed-001 taper "
            "and cutoff, N = 1000, d = 3, m = 2 and inf, seed-literal protocol at high T* (this model's "
            "T_d is measured by studies/measure_td.py --non-additivity 0.2)"
        ),
    ),
    "lennard_jones_n1000": Recipe(
        "lennard_jones",
        {"taper_order": _TAPERS, "parent_temperature": [KA_T_HIGH, KA_T_LOW]},
        _paper_mc(1000),
        n_samples=100,
        root_seed=2000,
        description="Kob-Andersen glasses, N = 1000, d = 3 (seed 001: s = 5 for potentials with a minimum)",
    ),
}
#: Particles of the small test version of each full recipe.
_SMALL_N = {
    "soft_spheres_n1000": 128,
    "soft_spheres_n1600_levels": 160,
    "soft_spheres_nonadditive_n1000": 128,
    "lennard_jones_n1000": 200,
}


def small_recipe(
    name: str, full: Recipe, n_particles: int, small: Mapping[str, Any] | None = None, n_samples: int = 2
) -> Recipe:
    """The test-size version of ``full``: same grid and seed, ``n_particles``, the ``small`` settings
    (default 20 sweeps, 10 vectors) and ``n_samples``."""
    return Recipe(
        full.generator,
        full.grid,
        {**full.fixed, "n_particles": n_particles, **(_SMALL_MC if small is None else small)},
        n_samples=n_samples,
        root_seed=full.root_seed,
        description=f"small version of {name} (N = {n_particles}) for tests",
    )


#: The paper's datasets (full, seed-literal protocol) and a small version of each for tests ("…_small").
RECIPES: dict[str, Recipe] = {
    **_FULL_RECIPES,
    **{f"{k}_small": small_recipe(k, r, _SMALL_N[k]) for k, r in _FULL_RECIPES.items()},
}
