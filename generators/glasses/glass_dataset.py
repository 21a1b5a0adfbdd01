"""One computed glass sample (:class:`~vdosbench.generators.glasses.glass_pipeline.GlassSample`) as a VDOS-1.0
dataset: its coordinates, variables by group (spectrum, structure, pairs, Monte Carlo and quench records, sites)
and attributes (every setting, the potential, the methods, the seed).

:func:`glass_sample` makes and writes one sample of the ``soft_spheres`` or ``lennard_jones`` generator
(:mod:`~vdosbench.generators.glasses.soft_spheres`); :func:`glass_dataset` writes a sample already made (the
equilibrated chains of :mod:`~vdosbench.generators.glasses.glass_chains` make theirs along a chain).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

import numpy as np
import xarray as xr

from vdosbench.datasets import convention_attrs, coordinate, provenance
from vdosbench.datasets.compact import EIGENVECTOR_FLOAT32_COMMENT

from ..spectra import translation_zero_modes
from .configurations import A_MAX, A_MIN, KA_FRACTION_A
from .glass_params import GlassParams, _integer
from .glass_pipeline import GENERATOR_VERSION, OVERLAP_FORCE, GlassSample, make_glass
from .minimize import QuenchSettings
from .potentials import PairPotential

__all__ = ["MC_RECORD_DIM", "REFERENCE", "glass_dataset", "glass_sample"]

#: The dimension of the Monte Carlo energy trace (coordinate: the recorded sweep numbers).
MC_RECORD_DIM = "mc_record"

REFERENCE = (
    "W. Schirmacher et al., The nature of non-phononic excitations in disordered systems, "
    "Nat. Commun. 15, 3107 (2024), doi:10.1038/s41467-024-46981-7 (vdosbench seed 001, file "
    "001_d453c975fd50a4a2.txt; eqs. 13-17, 45-46, 86-89, Figs. 2-4, Methods 'Simulation details'); W. Kob and H. C. Andersen, Phys. Rev. E 51, 4626 (1995), "
    "doi:10.1103/PhysRevE.51.4626 (Lennard-Jones mixture)"
)
#: The units attribute of a dimensionless variable.
_ONE = {"units": "1"}
#: The energy unit.
_ENERGY = "epsilon"


def _seed_attrs(seed: np.random.SeedSequence) -> dict[str, object]:
    entropy = seed.entropy
    root: object = (
        int(entropy) if isinstance(entropy, (int, np.integer)) and 0 <= int(entropy) < 2**63 else str(entropy)
    )
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
    coords = _coordinates(g, sample)
    data_vars = {
        **_spectrum_variables(g),
        **_structure_variables(g),
        **_pair_variables(g),
        **_record_variables(g),
        **_site_variables(g),
    }
    if not g.params.pair_data:
        data_vars = {k: v for k, v in data_vars.items() if not k.startswith("pair_")}
        coords.pop("spatial_b")
    return xr.Dataset(data_vars, coords=coords, attrs=_attributes(g, seq, generator))


def _coordinates(g: GlassSample, sample: int) -> dict[str, Any]:
    """``sample``, ``mode``, ``vector_mode``, ``spatial``, ``spatial_b`` and the Monte Carlo records' sweeps."""
    p = g.params
    axes = ["x", "y", "z"][: p.dimension]
    return {
        "sample": coordinate("sample", np.array([sample], np.int64)),
        "mode": coordinate("mode", np.arange(p.n_modes, dtype=np.int64)),
        "vector_mode": coordinate("vector_mode", g.vector_modes),
        "spatial": coordinate("spatial", np.array(axes)),
        "spatial_b": ("spatial_b", np.array(axes), {"long_name": "second Cartesian component of a tensor"}),
        MC_RECORD_DIM: (
            MC_RECORD_DIM,
            p.trace_sweeps,
            {"long_name": "Monte Carlo sweep of the energy record (N attempted moves per sweep)", **_ONE},
        ),
    }


def _spectrum_variables(g: GlassSample) -> dict[str, Any]:
    """``eigenvalue``, ``zero_mode`` (the d translations) and ``eigenvector`` (stored in float32)."""
    p = g.params
    return {
        "eigenvalue": (
            ("sample", "mode"),
            g.eigenvalues[None, :],
            {"long_name": "eigenvalue of the Hessian, unit masses (omega squared)", "units": "epsilon / (m a^2)"},
        ),
        "zero_mode": (
            ("sample", "mode"),
            translation_zero_modes(p.n_modes, p.dimension)[None, :],
            {"long_name": "zero mode flag (the d uniform translations of the periodic box)", **_ONE},
        ),
        "eigenvector": (
            ("sample", "vector_mode", "site", "spatial"),
            g.eigenvectors[None].astype(np.float32),
            # the long_name is that of the float64 parts written before (a run that resumes combines both)
            {"long_name": "normalised eigenvector of the Hessian", "comment": EIGENVECTOR_FLOAT32_COMMENT, **_ONE},
        ),
    }


def _structure_variables(g: GlassSample) -> dict[str, Any]:
    """The inherent structure: ``position``, ``box_length``, ``coordination`` and ``first_shell_cutoff``."""
    return {
        "position": (
            ("sample", "site", "spatial"),
            g.quench.config.positions[None],
            {"long_name": "particle position in the inherent structure (wrapped into the box)", "units": "a"},
        ),
        "box_length": (("sample",), np.array([g.start.box_length]), {"long_name": "periodic box edge", "units": "a"}),
        "coordination": (
            ("sample", "site"),
            g.coordination[None],
            {"long_name": "number of interacting neighbours (r_ij < r_c,ij)", **_ONE},
        ),
        "first_shell_cutoff": (
            ("sample",),
            np.array([g.first_shell_cutoff]),
            {"long_name": "first minimum of g(x), x = r_ij / sigma_ij, measured in the sample", **_ONE},
        ),
    }


def _pair_variables(g: GlassSample) -> dict[str, Any]:
    """The interacting pairs as a CF contiguous ragged array: ``pair_count`` and ``pair_*`` along ``pair``."""
    st = g.stresses
    return {
        "pair_count": (
            ("sample",),
            np.array([g.pairs.count], np.int64),
            {"long_name": "number of interacting pairs in the sample", "sample_dimension": "pair", **_ONE},
        ),
        "pair_i": ("pair", g.pairs.i, {"long_name": "first particle of the pair", **_ONE}),
        "pair_j": ("pair", g.pairs.j, {"long_name": "second particle of the pair (j > i)", **_ONE}),
        "pair_distance": ("pair", g.pairs.distance, {"long_name": "pair distance r_ij", "units": "a"}),
        "pair_psi": ("pair", st.psi, {"long_name": "psi = r phi'(r) (seed 001 eq. 88)", "units": _ENERGY}),
        "pair_stress": (
            ("pair", "spatial", "spatial_b"),
            st.stress,
            {
                "long_name": "pair stress sigma^ab = e^a e^b psi (seed 001 eq. 87); traceless part: "
                "subtract psi delta_ab / d (eq. 89)",
                "units": _ENERGY,
            },
        ),
    }


def _record_variables(g: GlassSample) -> dict[str, Any]:
    """What the Monte Carlo and the quench recorded: energies, acceptance rates, the final force and the steps."""
    q = g.quench
    return {
        "mc_energy": (
            ("sample", MC_RECORD_DIM),
            g.mc_energy[None],
            {
                "long_name": "potential energy per particle during Monte Carlo at the parent temperature "
                "(NaN where no Monte Carlo was run)",
                "units": _ENERGY,
            },
        ),
        "mc_acceptance_displacement": (
            ("sample",),
            np.array([g.mc_acceptance_displacement]),
            {"long_name": "acceptance rate of Monte Carlo displacements", **_ONE},
        ),
        "mc_acceptance_swap": (
            ("sample",),
            np.array([g.mc_acceptance_swap]),
            {"long_name": "acceptance rate of Monte Carlo swaps", **_ONE},
        ),
        "inherent_energy": (
            ("sample",),
            np.array([q.energy / g.params.n_particles]),
            {"long_name": "potential energy per particle of the inherent structure", "units": _ENERGY},
        ),
        "quench_max_force": (
            ("sample",),
            np.array([q.max_force]),
            {"long_name": "largest particle force norm after the quench", "units": "epsilon / a"},
        ),
        "quench_iterations": (
            ("sample",),
            np.array([q.lbfgs_iterations], np.int64),
            {"long_name": "L-BFGS iterations of the quench", **_ONE},
        ),
        "quench_fire_steps": (
            ("sample",),
            np.array([q.fire_steps + q.prerelax_steps], np.int64),
            {"long_name": "FIRE steps of the quench (pre-relaxation and polish)", **_ONE},
        ),
    }


def _site_variables(g: GlassSample) -> dict[str, Any]:
    """Per particle: ``first_shell_coordination`` (−1 when the first minimum of g was not located), and the
    ``diameter`` (soft spheres) or ``species`` (Kob–Andersen) after the swaps."""
    first_shell = g.first_shell if g.first_shell is not None else np.full(g.params.n_particles, -1, dtype=np.int64)
    out: dict[str, Any] = {
        "first_shell_coordination": (
            ("sample", "site"),
            first_shell[None],
            {
                "long_name": "neighbours closer than the first minimum of g(r / sigma_ij) (-1: minimum not "
                "located, box too small)",
                **_ONE,
            },
        )
    }
    if g.params.potential == "soft_sphere":
        out["diameter"] = (
            ("sample", "site"),
            g.quench.config.sizes[None],
            {"long_name": "particle diameter a_i (after swaps)", "units": "a"},
        )
    else:
        out["species"] = (
            ("sample", "site"),
            g.quench.config.species[None],
            {
                "long_name": "Kob-Andersen species (after swaps)",
                "flag_values": np.array([0, 1]),
                "flag_meanings": "A B",
                **_ONE,
            },
        )
    return out


def _attributes(g: GlassSample, seq: np.random.SeedSequence, generator: str) -> dict[str, object]:
    """The global attributes: title and sources, every setting, the potential, the methods, the generator, the seed."""
    p = g.params
    pot = p.pair_potential
    family = "polydisperse soft-sphere" if p.potential == "soft_sphere" else "Kob-Andersen Lennard-Jones"
    model = {"diameter_bounds": [A_MIN, A_MAX]} if p.potential == "soft_sphere" else {"ka_fraction_a": KA_FRACTION_A}
    return convention_attrs(
        title=(
            f"{family} glass, N={p.n_particles}, d={p.dimension}, taper m={pot.taper_label}, parent temperature "
            f"{p.parent_temperature:g}"
        ),
        source=f"vdosbench.generators.soft_spheres {GENERATOR_VERSION}",
        references=REFERENCE,
        spatial_dimension=p.dimension,
        **_settings_attrs(p),
        taper_label=pot.taper_label,
        **_potential_attrs(pot),
        mass=1.0,
        **model,
        **_method_attrs(p),
        **provenance(generator, GENERATOR_VERSION, **_seed_attrs(seq)),
    )


def _settings_attrs(p: GlassParams) -> dict[str, object]:
    """Every field of ``p`` (``vector_modes`` as a string of indices, ``pair_data`` as 0 or 1)."""
    settings = asdict(p)
    settings["vector_modes"] = " ".join(str(m) for m in p.vector_modes)
    settings["pair_data"] = int(p.pair_data)
    return settings


def _potential_attrs(pot: PairPotential) -> dict[str, object]:
    """The potential's attributes, less those the settings record (taper order, potential, non-additivity)."""
    attrs = pot.attrs()
    for key in ("taper_order", "potential", "potential_non_additivity"):  # recorded with the settings
        attrs.pop(key)
    return attrs


def _method_attrs(p: GlassParams) -> dict[str, object]:
    """How the sample was made: the Monte Carlo start, the quench and the rules of the stored modes and shells."""
    quench_defaults = QuenchSettings()  # what make_glass quenches with, apart from the recorded force tolerance
    return {
        "overlap_force": OVERLAP_FORCE,
        "mc_start": (
            "random positions (T* = inf: no Monte Carlo)"
            if math.isinf(p.parent_temperature)
            else f"random positions relaxed by FIRE to max |F| <= {OVERLAP_FORCE:g}"
        ),
        "quench_method": (
            f"L-BFGS (memory {quench_defaults.lbfgs_memory}, Armijo backtracking with rounding slack, "
            f"preconditioner {quench_defaults.preconditioner} renewed every "
            f"{quench_defaults.preconditioner_refresh} iterations), FIRE polish if needed"
        ),
        "zero_mode_rule": "the d lowest modes (uniform translations of the periodic box)",
        "vector_mode_rule": "modes d .. d+n_vectors-1 plus vector_modes",
        "first_shell_rule": (
            "first minimum after the main peak of the histogram of r_ij/sigma_ij (bins 0.01, divided by "
            "x^(d-1), Gaussian smoothing of 3 bins), at least 9 bins before the end of the searched range"
        ),
    }
