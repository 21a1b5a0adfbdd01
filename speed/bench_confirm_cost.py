"""Samples per core-hour of the confirmatory recipe's T* = ∞ samples, each stage against its floor, in one run
(issue 51 item 7).

The recipe ``soft_spheres_lowest_confirm_n2000`` (:data:`RECIPE`; generator ``soft_spheres_lowest``, N = 2000,
the lowest 20 modes, the moduli) at T* = ∞: random positions, quench, Hessian, lowest modes, moduli, mode
measures, one part file a sample.  For ``--samples`` of the recipe's own samples (seeds from its root seed,
samples ``--first`` …) at each taper of ``--tapers``, on one core, **CPU seconds** (user + sys of this
process, :func:`time.process_time`; the wall time is recorded too, but the core may be shared):

End to end
    the generator's ``make_sample`` (what ``vdosbench generate`` runs in a worker) and the writing of its part
    (the engine's labelling and :func:`vdosbench.datasets.write`, as ``compute_part`` does): samples per
    core-hour with and without the writing.

Stage by stage, on the same sample (the calls of
:func:`vdosbench.generators.glasses.lowest_mode_glasses.analyse_structure`, in its order; the script checks that
they give the generator's eigenvalues and moduli bit for bit), each against its floor:

- ``parent``: :func:`~vdosbench.generators.glasses.glass_pipeline.equilibrate`; checked to be the random start
  itself (no Monte Carlo, no overlap removal: the energy trace holds sweep 0 only);
- ``quench``: :func:`~vdosbench.generators.glasses.minimize.quench` (FIRE pre-relaxation, block-Jacobi L-BFGS);
  floor = its force evaluations × one bare energy-and-gradient evaluation (the compiled kernel on a ready
  Verlet list, :meth:`~vdosbench.generators.glasses.minimize.EnergyModel.evaluate_on_list`, at the inherent
  structure, best of ``FLOOR_ROUNDS``), plus the diagonal blocks of the preconditioner's evaluations; and on the
  first ``--fire-samples`` samples of each taper FIRE alone to the same force tolerance
  (:func:`~vdosbench.generators.glasses.minimize.fire_minimize`, the quench's FIRE settings), with its own floor;
- ``hessian``: interacting pairs and the sparse analytic Hessian; reference: one bare force evaluation (one
  pass over the same pairs);
- ``lowest_modes``: :func:`~vdosbench.generators.glasses.lowest_modes.lowest_modes` (Chebyshev-filtered
  subspace iteration, k = ``n_lowest``, translations excluded); floors: (a) its own products, block products ×
  one bare compiled CSR × block product of the block's width; (b) bare :func:`scipy.sparse.linalg.eigsh` on the
  same Hessian for the k + d lowest, ``which="SA"`` (Lanczos, no factorisation) and shift-invert ``sigma =
  −10⁻²`` (scipy's own LU), ``tol`` = the recipe's mode tolerance (ARPACK's test ‖r‖ ≤ tol |θ| is stricter
  than the pipeline's ‖r‖ ≤ tol · b, b ≥ λ_max); the eigsh floor is the faster of the two;
- ``moduli``: :func:`~vdosbench.generators.glasses.moduli.elastic_moduli` (deflated CG, the modes deflated);
  floors: (a) its CG iterations × one bare ``H @ P`` of the right-hand sides' width; (b) one sparse LU
  factorisation of the same Hessian (:func:`scipy.sparse.linalg.splu` of H + 10⁻² 1, ``MMD_AT_PLUS_A``,
  symmetric mode, as ``speed/bench_finite_size.py``); the default ``splu`` of the pinned Hessian
  (:func:`~vdosbench.generators.glasses.elastic.shear_modulus`'s route) is recorded beside it;
- ``mode_measures``: participation ratios, plane-wave shell weights, coordination;
- ``writing``: as above (the end-to-end part's labelling and writing).

A ratio to an own-work floor (a) is ≥ 1 by construction (the floor is part of the work); a ratio to a method
floor (b) says whether another standard method would be cheaper (< 1: the pipeline beats it).

Compilation is kept out of every time: before the measured samples, a warm-up runs one sample at N = 128 per
taper through every stage and every floor, each floor called once instead of timed in rounds
(:func:`warm_up`); the record's ``warm_up`` holds its CPU seconds and the numba compilations or cache loads it
made, and those the measured samples made after it (0: nothing they ran was compiled while timed).

The background run
    ``--time-log`` (default ``runs/confirm/time.log`` of ``studies/finite_size_queue.sh``): user seconds of each
    100-sample ``vdosbench generate`` piece at T* = ∞ (pieces run twice are summed), per sample and taper; the
    log has no sys time, and a piece includes the process start, imports and the Dask cluster.  With
    ``--real-parts`` (a glob of part files) also the median wall ``stage_seconds`` the generator stored.

Usage::

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 NUMBA_NUM_THREADS=1 taskset -c 1 python speed/bench_confirm_cost.py \\
        [--samples 4 --tapers 2,inf --fire-samples 1 --time-log runs/confirm/time.log --real-parts GLOB]

Writes ``speed/results/confirm_cost.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import json
import math
import os
import re
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np
from numba.core import event as numba_event
import scipy.sparse
import scipy.sparse.linalg
from threadpoolctl import threadpool_limits

from vdosbench.benchmark.machine import machine_info
from vdosbench.datasets import write
from vdosbench.generators.engine.ensemble_spec import part_path, sample_seed
from vdosbench.generators import get_generator
from vdosbench.generators.glasses.configurations import wrap
from vdosbench.generators.glasses.glass_pipeline import equilibrate
from vdosbench.generators import hessian_matrix, interacting_pairs
from vdosbench.generators.glasses.lowest_mode_glasses import (
    RECIPES,
    LowestModeParams,
    participation_ratio,
    plane_wave_shell,
    shell_weights,
)
from vdosbench.generators.glasses.lowest_modes import csr_block_product, lowest_modes
from vdosbench.generators.glasses.minimize import EnergyModel, QuenchResult, QuenchSettings, fire_minimize, quench
from vdosbench.generators import elastic_moduli
from vdosbench.generators import INFINITE_ORDER, PairPotential
from vdosbench.generators.glasses.stresses import coordination_numbers
from vdosbench.generators.spectra import translation_modes
from vdosbench.datasets.json_files import dumps_strict

ROOT = Path(__file__).resolve().parents[1]
#: The recipe whose T* = ∞ samples are measured.
RECIPE = "soft_spheres_lowest_confirm_n2000"
#: Target of issue 51 item 7.
TARGET_SAMPLES_PER_CORE_HOUR = 1000.0
#: Shift of the shift-invert eigsh and of the LU floor (the translations make H itself singular).
SHIFT = -1e-2
#: Rounds of a floor timing (the best round is kept) and the least CPU seconds of one round.
FLOOR_ROUNDS = 5
FLOOR_ROUND_SECONDS = 0.2
#: The stages of one sample, in the pipeline's order; ``writing`` is the part file.
STAGES = ("parent", "quench", "hessian", "lowest_modes", "moduli", "mode_measures", "writing")


def cpu_timed(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """Run ``fn`` once.

    Returns
    -------
    cpu : float
        CPU seconds (user + sys, every thread of the process).
    wall : float
        Wall seconds.
    result
        What ``fn`` returned.
    """
    c, w = time.process_time(), time.perf_counter()
    out = fn()
    return time.process_time() - c, time.perf_counter() - w, out


#: True within :func:`untimed_floors`: a floor is its one trial call, not timed in rounds.
_untimed_floors = False


@contextlib.contextmanager
def untimed_floors() -> Iterator[None]:
    """Within: :func:`best_cpu_per_call` calls its function once (its trial call) and runs no timing round.

    The warm-up's setting (:func:`warm_up`): each floor's kernel is called once with the measured run's argument
    types, which is all a compilation needs; the rounds (``FLOOR_ROUNDS`` of ``FLOOR_ROUND_SECONDS`` a floor)
    would only time a result that is thrown away.
    """
    global _untimed_floors
    before, _untimed_floors = _untimed_floors, True
    try:
        yield
    finally:
        _untimed_floors = before


class NumbaCompilerLocks(numba_event.Listener):
    """Counts the times numba takes its compiler lock while installed (:func:`counting_numba_compiler_locks`).

    Every compilation takes it, and so does every load of a compiled specialisation from numba's cache: a run
    that meets only kernels and argument types this process has already compiled counts 0.
    """

    def __init__(self) -> None:
        self.count = 0

    def on_start(self, event: numba_event.Event) -> None:
        """One more acquisition."""
        self.count += 1

    def on_end(self, event: numba_event.Event) -> None:
        """Nothing (the acquisition was counted at its start)."""


@contextlib.contextmanager
def counting_numba_compiler_locks() -> Iterator[NumbaCompilerLocks]:
    """Within: count numba's compiler-lock acquisitions (:class:`NumbaCompilerLocks`, read ``.count``)."""
    with numba_event.install_listener("numba:compiler_lock", NumbaCompilerLocks()) as counter:
        yield counter


def best_cpu_per_call(
    fn: Callable[[], Any], rounds: int = FLOOR_ROUNDS, round_seconds: float = FLOOR_ROUND_SECONDS
) -> float:
    """Least CPU seconds of one call of ``fn``, over ``rounds`` rounds of enough calls to last ``round_seconds``.

    Parameters
    ----------
    fn
        The call (its result is discarded).
    rounds, round_seconds
        Rounds, and the least CPU time of a round (sets the calls per round from one trial call).

    Returns
    -------
    float
        min over rounds of (CPU seconds of the round) / (calls in the round); within :func:`untimed_floors`
        (the warm-up) the trial call's CPU seconds, no round run.
    """
    trial, _, _ = cpu_timed(fn)
    if _untimed_floors:
        return trial
    calls = max(1, math.ceil(round_seconds / max(trial, 1e-6)))
    best = float("inf")
    for _ in range(rounds):
        c = time.process_time()
        for _ in range(calls):
            fn()
        best = min(best, (time.process_time() - c) / calls)
    return best


def recipe_params(
    taper: int, n_particles: int | None = None, recipe: str = RECIPE, overrides: Mapping[str, Any] | None = None
) -> tuple[dict[str, Any], dict[str, Any], LowestModeParams]:
    """The recipe's settings at T* = ∞ and taper ``taper`` (``INFINITE_ORDER`` for m = ∞).

    Parameters
    ----------
    taper
        Taper order m (−1: ∞).
    n_particles
        Another N (the tests' small size), or ``None`` for the recipe's.
    recipe
        A recipe of the ``soft_spheres_lowest`` generator.
    overrides
        Fixed parameters set to other values than the recipe's (e.g. ``{"mode_method": "arpack"}``).

    Returns
    -------
    point : dict
        The grid point (``taper_order``, ``parent_temperature``) as the engine labels a part.
    fixed : dict
        The recipe's fixed parameters (``n_particles`` replaced when given), as the engine passes them.
    params : LowestModeParams
        Every setting of one sample.
    """
    r = RECIPES[recipe]
    point = {"taper_order": int(taper), "parent_temperature": float("inf")}
    fixed = dict(r.fixed)
    if n_particles is not None:
        fixed["n_particles"] = int(n_particles)
    fixed.update(overrides or {})
    return point, fixed, LowestModeParams.from_mapping({**fixed, **point})


def one_evaluation_seconds(
    config: Any, potential: PairPotential, skin: float, outer_skin: float, with_blocks: bool = False
) -> float:
    """CPU seconds of one bare energy-and-gradient evaluation at ``config`` (a ready Verlet list, nothing
    allocated; with ``with_blocks`` also the diagonal Hessian blocks the preconditioner asks for)."""
    model = EnergyModel(config, potential, skin=skin, outer_skin=outer_skin)
    x = np.ascontiguousarray(config.positions)
    grad = np.empty_like(x)
    blocks = np.empty((config.n_particles if with_blocks else 0, model.block_width))
    return best_cpu_per_call(lambda: model.evaluate_on_list(x, grad, blocks))


def quench_floor(result: QuenchResult, potential: PairPotential, settings: QuenchSettings) -> dict[str, Any]:
    """The quench's floor: its evaluations × one bare evaluation (+ the blocks of one evaluation in
    ``preconditioner_refresh`` L-BFGS iterations, as ``speed/bench_soft_spheres.py``)."""
    one = one_evaluation_seconds(result.config, potential, settings.skin, settings.outer_skin)
    floor = result.n_evaluations * one
    out: dict[str, Any] = {"one_evaluation_cpu_seconds": one}
    if result.preconditioner == "block_jacobi":
        blocks = one_evaluation_seconds(result.config, potential, settings.skin, settings.outer_skin, True)
        n_blocks = result.lbfgs_iterations // result.preconditioner_refresh + 1
        floor += n_blocks * max(blocks - one, 0.0)
        out.update(one_evaluation_with_blocks_cpu_seconds=blocks, block_evaluations=n_blocks)
    out["floor_cpu_seconds"] = floor
    return out


def fire_comparison(start: Any, potential: PairPotential, settings: QuenchSettings, lbfgs: dict[str, Any]) -> dict:
    """FIRE alone from ``start`` to the quench's force tolerance, with its floor and its ratio to the quench."""
    model = EnergyModel(start, potential, skin=settings.skin, outer_skin=settings.outer_skin)
    cpu, wall, (x, energy, grad, steps) = cpu_timed(
        lambda: fire_minimize(
            model,
            start.positions,
            settings.force_tolerance,
            settings.max_fire_steps,
            settings.fire_dt,
            settings.fire_dt_max,
            settings.max_step,
        )
    )
    max_force = float(np.sqrt(np.max(np.sum(grad**2, axis=1))))
    one = one_evaluation_seconds(
        start.with_positions(wrap(x, start.box_length)), potential, settings.skin, settings.outer_skin
    )
    floor = model.n_evaluations * one
    return {
        "cpu_seconds": cpu,
        "wall_seconds": wall,
        "steps": int(steps),
        "evaluations": int(model.n_evaluations),
        "converged": bool(max_force <= settings.force_tolerance),
        "max_force": max_force,
        "energy_per_particle": float(energy) / start.n_particles,
        "one_evaluation_cpu_seconds": one,
        "floor_cpu_seconds": floor,
        "over_floor": cpu / floor,
        "over_lbfgs_quench": cpu / lbfgs["cpu_seconds"],
        "evaluations_over_lbfgs_quench": model.n_evaluations / lbfgs["evaluations"],
    }


def residual_over_bound(h: scipy.sparse.csr_matrix, values: np.ndarray, vectors: np.ndarray, bound: float) -> float:
    """max_i ‖H v_i − λ_i v_i‖ / b over the given modes (the pipeline's convergence measure)."""
    return float(np.max(np.linalg.norm(h @ vectors - vectors * values[None, :], axis=0)) / bound)


def lowest_modes_floors(h: scipy.sparse.csr_matrix, p: LowestModeParams, modes: Any) -> dict[str, Any]:
    """Own-product floor and bare ``eigsh`` floors of the lowest modes (module docstring)."""
    d, k = p.dimension, p.n_lowest
    csr = scipy.sparse.csr_matrix(h, dtype=np.float64)
    csr.sort_indices()
    indptr, indices = csr.indptr.astype(np.int64), csr.indices.astype(np.int64)
    width = k + max(10, k // 2)  # the block of lowest_modes' Chebyshev method (its default buffer)
    x = np.ascontiguousarray(np.random.default_rng(0).standard_normal((csr.shape[0], width)))
    out_block = np.zeros_like(x)
    one_block = best_cpu_per_call(lambda: csr_block_product(indptr, indices, csr.data, x, 1.0, 0.0, 0.0, out_block))
    product_floor = modes.block_products / width * one_block
    rows: dict[str, Any] = {
        "block_width": width,
        "block_products": int(modes.block_products),
        "one_block_product_cpu_seconds": one_block,
        "product_floor_cpu_seconds": product_floor,
    }
    bound = modes.spectral_bound
    for name, kwargs, matrix in (
        ("eigsh_sa", {"which": "SA"}, csr),
        ("eigsh_shift_invert", {"sigma": SHIFT, "which": "LM"}, csr.tocsc()),
    ):
        cpu, wall, (vals, vecs) = cpu_timed(
            lambda kw=kwargs, m=matrix: scipy.sparse.linalg.eigsh(m, k=k + d, tol=p.mode_tolerance, **kw)
        )
        order = np.argsort(vals)
        vals, vecs = vals[order], vecs[:, order]
        rows[name] = {
            "cpu_seconds": cpu,
            "wall_seconds": wall,
            "k": k + d,
            "tol": p.mode_tolerance,
            **kwargs,
            "max_relative_difference_to_pipeline": float(np.max(np.abs(vals[d:] / modes.eigenvalues - 1))),
            "max_residual_over_bound": residual_over_bound(csr, vals[d:], vecs[:, d:], bound),
        }
    rows["pipeline_max_residual_over_bound"] = residual_over_bound(csr, modes.eigenvalues, modes.eigenvectors, bound)
    rows["eigsh_floor_cpu_seconds"] = min(rows["eigsh_sa"]["cpu_seconds"], rows["eigsh_shift_invert"]["cpu_seconds"])
    rows["eigsh_floor_method"] = min(("eigsh_sa", "eigsh_shift_invert"), key=lambda m: rows[m]["cpu_seconds"])
    return rows


def moduli_floors(h: scipy.sparse.csr_matrix, cg_iterations: int, n_rhs: int, dimension: int) -> dict[str, Any]:
    """Own-product floor (CG iterations × one H @ P) and sparse-LU floors of the moduli (module docstring)."""
    n = h.shape[0]
    csr = scipy.sparse.csr_matrix(h, dtype=np.float64)
    block = np.random.default_rng(1).standard_normal((n, n_rhs))
    one = best_cpu_per_call(lambda: csr @ block)
    shifted = (csr - SHIFT * scipy.sparse.identity(n, format="csr")).tocsc()
    cpu, wall, lu = cpu_timed(
        lambda: scipy.sparse.linalg.splu(
            shifted, permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=0.0, options={"SymmetricMode": True}
        )
    )
    fill = float((lu.L.nnz + lu.U.nnz) / csr.nnz)
    del lu
    pinned = csr[dimension:, dimension:].tocsc()  # particle 0 pinned, as elastic.shear_modulus
    cpu_pinned, wall_pinned, lu_pinned = cpu_timed(lambda: scipy.sparse.linalg.splu(pinned))
    fill_pinned = float((lu_pinned.L.nnz + lu_pinned.U.nnz) / csr.nnz)
    del lu_pinned
    return {
        "rhs_width": n_rhs,
        "cg_iterations": int(cg_iterations),
        "one_product_cpu_seconds": one,
        "product_floor_cpu_seconds": cg_iterations * one,
        "lu": {
            "cpu_seconds": cpu,
            "wall_seconds": wall,
            "fill": fill,
            "matrix": f"H - ({SHIFT:g}) 1",
            "permc_spec": "MMD_AT_PLUS_A",
            "symmetric_mode": True,
        },
        "lu_pinned_default": {
            "cpu_seconds": cpu_pinned,
            "wall_seconds": wall_pinned,
            "fill": fill_pinned,
            "matrix": "H with particle 0 pinned",
            "permc_spec": "COLAMD (scipy default)",
        },
        "lu_floor_cpu_seconds": cpu,
    }


def label_part(
    ds: Any, generator: str, version: str, point: Mapping[str, Any], fixed: Mapping[str, Any], root_seed: int
) -> Any:
    """A sample's dataset labelled as the engine labels a part: grid parameters as scalar coordinates, the fixed
    parameters and the provenance as attributes."""
    import xarray as xr

    from vdosbench import __version__

    coords = {name: xr.Variable((), value, {"long_name": name, "units": "1"}) for name, value in point.items()}
    part = ds.drop_vars([n for n in point if n in ds.variables]).assign_coords(coords)
    attrs = {k: v for k, v in ds.attrs.items() if k not in point}
    for name, value in fixed.items():
        attrs.setdefault(
            name, value if isinstance(value, (int, float, str)) and not isinstance(value, bool) else json.dumps(value)
        )
    attrs.update(
        generator=generator,
        generator_version=version,
        root_seed=int(root_seed),
        vdosbench_version=__version__,
        parameter_names=" ".join(point),
    )
    part.attrs = attrs
    return part


def end_to_end(
    point: Mapping[str, Any], fixed: Mapping[str, Any], sample: int, root_seed: int, folder: Path
) -> tuple[dict[str, Any], Any]:
    """The generator's ``make_sample`` and the writing of its part, as a worker of ``vdosbench generate`` does
    (the grid parameters as scalar coordinates, the provenance attributes, :func:`vdosbench.datasets.write`;
    :func:`label_part` stands in for the engine's private labelling, which adds nothing that costs)."""
    gen = get_generator("soft_spheres_lowest")
    params = {**fixed, **point}
    cpu, wall, ds = cpu_timed(lambda: gen.make_sample(params, sample_seed(root_seed, sample), sample))
    path = folder / part_path(point, sample)
    cpu_w, wall_w, _ = cpu_timed(lambda: write(label_part(ds, gen.name, gen.version, point, fixed, root_seed), path))
    stored = dict(zip(ds["stage"].values.tolist(), ds["stage_seconds"].values[0].tolist(), strict=True))
    return {
        "compute_cpu_seconds": cpu,
        "compute_wall_seconds": wall,
        "writing_cpu_seconds": cpu_w,
        "writing_wall_seconds": wall_w,
        "part_bytes": path.stat().st_size,
        "stored_stage_wall_seconds": stored,
    }, ds


def measure_sample(
    point: Mapping[str, Any], fixed: Mapping[str, Any], sample: int, root_seed: int, folder: Path, fire: bool
) -> dict[str, Any]:
    """One sample: end to end, then stage by stage with every floor (module docstring).

    Parameters
    ----------
    point, fixed
        The grid point and the fixed parameters (:func:`recipe_params`).
    sample, root_seed
        The sample index and the root of the seeds.
    folder
        Where its part is written.
    fire
        Also run FIRE alone from the same start.

    Returns
    -------
    dict
        CPU (and wall) seconds of every stage, the end-to-end times, each stage's floors and ratios.
    """
    p = LowestModeParams.from_mapping({**fixed, **point})
    e2e, ds = end_to_end(point, fixed, sample, root_seed, folder)
    seq = sample_seed(root_seed, sample)
    pot, n, d = p.pair_potential, p.n_particles, p.dimension
    settings = QuenchSettings(force_tolerance=p.force_tolerance)
    cpu: dict[str, float] = {}
    wall: dict[str, float] = {}
    cpu["parent"], wall["parent"], (start, equilibrated, mc_energy, acc_disp, _) = cpu_timed(
        lambda: equilibrate(p, seq)
    )
    parent_check = {
        "is_random_start": equilibrated is start,
        "no_monte_carlo": bool(math.isnan(acc_disp)),
        "energy_trace_sweep0_only": bool(np.isfinite(mc_energy[0]) and np.all(np.isnan(mc_energy[1:]))),
    }
    cpu["quench"], wall["quench"], q = cpu_timed(lambda: quench(equilibrated, pot, settings))
    if not q.converged:
        raise RuntimeError(f"sample {sample}: quench stopped at max |F| = {q.max_force:.3g}")
    quench_row = {
        "cpu_seconds": cpu["quench"],
        "evaluations": int(q.n_evaluations),
        "prerelax_steps": int(q.prerelax_steps),
        "lbfgs_iterations": int(q.lbfgs_iterations),
        "fire_steps": int(q.fire_steps),
        "verlet_builds": int(q.n_builds),
        "energy_per_particle": q.energy / n,
        **quench_floor(q, pot, settings),
    }
    quench_row["over_floor"] = cpu["quench"] / quench_row["floor_cpu_seconds"]
    if fire:
        quench_row["fire_alone"] = fire_comparison(start, pot, settings, quench_row)
    inherent = q.config

    def build() -> tuple[Any, scipy.sparse.csr_matrix]:
        pairs = interacting_pairs(inherent, pot)
        return pairs, hessian_matrix(inherent, pot, pairs=pairs)

    cpu["hessian"], wall["hessian"], (pairs, h) = cpu_timed(build)
    ex = translation_modes(n, d)
    cpu["lowest_modes"], wall["lowest_modes"], modes = cpu_timed(
        lambda: lowest_modes(h, p.n_lowest, exclude=ex, tol=p.mode_tolerance, method=p.mode_method)
    )
    cpu["moduli"], wall["moduli"], moduli = cpu_timed(
        lambda: elastic_moduli(
            inherent,
            pot,
            pairs,
            hessian=h,
            modes=modes.eigenvectors,
            eigenvalues=modes.eigenvalues,
            tol=p.moduli_tolerance,
        )
    )

    def measures() -> None:
        vectors = modes.eigenvectors.T.reshape(p.n_lowest, n, d)
        transverse, longitudinal = plane_wave_shell(inherent.positions, inherent.box_length)
        participation_ratio(vectors)
        shell_weights(vectors, transverse)
        shell_weights(vectors, longitudinal)
        coordination_numbers(pairs)

    cpu["mode_measures"], wall["mode_measures"], _ = cpu_timed(measures)
    cpu["writing"], wall["writing"] = e2e["writing_cpu_seconds"], e2e["writing_wall_seconds"]
    same = bool(
        np.array_equal(ds["eigenvalue"].values[0, d:], modes.eigenvalues)
        and float(ds["shear_modulus"].values[0]) == moduli.shear_modulus
    )
    lm = lowest_modes_floors(h, p, modes)
    lm.update(
        cpu_seconds=cpu["lowest_modes"],
        iterations=int(modes.iterations),
        over_product_floor=cpu["lowest_modes"] / lm["product_floor_cpu_seconds"],
        over_eigsh_floor=cpu["lowest_modes"] / lm["eigsh_floor_cpu_seconds"],
        over_eigsh_sa=cpu["lowest_modes"] / lm["eigsh_sa"]["cpu_seconds"],
        over_eigsh_shift_invert=cpu["lowest_modes"] / lm["eigsh_shift_invert"]["cpu_seconds"],
    )
    n_rhs = d * (d - 1) + d + 1  # simple shears, uniaxial strains, dilation
    mod = moduli_floors(h, moduli.cg_iterations, n_rhs, d)
    mod.update(
        cpu_seconds=cpu["moduli"],
        over_product_floor=cpu["moduli"] / mod["product_floor_cpu_seconds"],
        over_lu=cpu["moduli"] / mod["lu_floor_cpu_seconds"],
        over_lu_pinned_default=cpu["moduli"] / mod["lu_pinned_default"]["cpu_seconds"],
    )
    one = quench_row["one_evaluation_cpu_seconds"]
    return {
        "sample": sample,
        "taper_order": "inf" if point["taper_order"] == INFINITE_ORDER else point["taper_order"],
        "end_to_end": e2e,
        "stage_cpu_seconds": cpu,
        "stage_wall_seconds": wall,
        "stage_sum_over_end_to_end": sum(cpu[s] for s in STAGES if s != "writing") / e2e["compute_cpu_seconds"],
        "stages_reproduce_the_generator": same,
        "parent": {"cpu_seconds": cpu["parent"], **parent_check},
        "quench": quench_row,
        "hessian": {
            "cpu_seconds": cpu["hessian"],
            "nnz": int(h.nnz),
            "pairs": int(pairs.count),
            "over_one_force_evaluation": cpu["hessian"] / one,
        },
        "lowest_modes": lm,
        "moduli": mod,
        "mode_measures": {"cpu_seconds": cpu["mode_measures"]},
        "writing": {"cpu_seconds": cpu["writing"], "part_bytes": e2e["part_bytes"]},
    }


def spread(values: Sequence[float]) -> dict[str, float]:
    """Mean, standard deviation (ddof 1; 0 for one value), min and max."""
    v = np.asarray(values, dtype=np.float64)
    return {
        "mean": float(v.mean()),
        "std": float(v.std(ddof=1)) if v.size > 1 else 0.0,
        "min": float(v.min()),
        "max": float(v.max()),
        "n": int(v.size),
    }


#: (path in a sample's record, name in the summary) of the ratios summarised.
RATIOS = {
    "quench_over_floor": ("quench", "over_floor"),
    "lowest_modes_over_product_floor": ("lowest_modes", "over_product_floor"),
    "lowest_modes_over_eigsh_floor": ("lowest_modes", "over_eigsh_floor"),
    "lowest_modes_over_eigsh_sa": ("lowest_modes", "over_eigsh_sa"),
    "lowest_modes_over_eigsh_shift_invert": ("lowest_modes", "over_eigsh_shift_invert"),
    "moduli_over_product_floor": ("moduli", "over_product_floor"),
    "moduli_over_lu": ("moduli", "over_lu"),
    "moduli_over_lu_pinned_default": ("moduli", "over_lu_pinned_default"),
    "hessian_over_one_force_evaluation": ("hessian", "over_one_force_evaluation"),
}
#: Ratios whose floor is part of the stage's own work (≥ 1 by construction).
OWN_WORK_RATIOS = ("quench_over_floor", "lowest_modes_over_product_floor", "moduli_over_product_floor")


def stage_floors(row: Mapping[str, Any]) -> dict[str, float]:
    """The lowest floor of each stage that has one (CPU seconds): the quench's evaluations; the lowest modes' own
    products or the faster eigsh; the moduli's own products or the LU."""
    lm, mod = row["lowest_modes"], row["moduli"]
    return {
        "quench": row["quench"]["floor_cpu_seconds"],
        "lowest_modes": min(lm["product_floor_cpu_seconds"], lm["eigsh_floor_cpu_seconds"]),
        "moduli": min(mod["product_floor_cpu_seconds"], mod["lu_floor_cpu_seconds"]),
    }


def headroom(rows: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    """Samples per core-hour (with writing) if one stage ran at its lowest floor (:func:`stage_floors`) and the
    rest as measured, for each such stage, and with all of them at their floors."""

    def per_hour(replace: Sequence[str]) -> float:
        total = [
            r["end_to_end"]["compute_cpu_seconds"]
            + r["end_to_end"]["writing_cpu_seconds"]
            - sum(r["stage_cpu_seconds"][s] - stage_floors(r)[s] for s in replace)
            for r in rows
        ]
        return 3600.0 / float(np.mean(total))

    stages = ("quench", "lowest_modes", "moduli")
    return {**{f"{s}_at_floor": per_hour([s]) for s in stages}, "all_at_floor": per_hour(stages)}


def summarise(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Per-stage CPU seconds, ratios and samples per core-hour of a set of samples (mean and spread), and the
    headroom (:func:`headroom`)."""
    compute = [r["end_to_end"]["compute_cpu_seconds"] for r in rows]
    total = [r["end_to_end"]["compute_cpu_seconds"] + r["end_to_end"]["writing_cpu_seconds"] for r in rows]
    stage_means = {s: float(np.mean([r["stage_cpu_seconds"][s] for r in rows])) for s in STAGES}
    stage_total = sum(stage_means.values())
    out: dict[str, Any] = {
        "samples": len(rows),
        "stage_cpu_seconds": {s: spread([r["stage_cpu_seconds"][s] for r in rows]) for s in STAGES},
        "stage_share": {s: stage_means[s] / stage_total for s in STAGES},
        "bottleneck_stage": max(stage_means, key=stage_means.get),
        "ratios": {name: spread([r[a][b] for r in rows]) for name, (a, b) in RATIOS.items()},
        "end_to_end_cpu_seconds": {"with_writing": spread(total), "without_writing": spread(compute)},
        "samples_per_core_hour": {
            "with_writing": 3600.0 / float(np.mean(total)),
            "without_writing": 3600.0 / float(np.mean(compute)),
        },
        "samples_per_core_hour_if_at_floor": headroom(rows),
    }
    fire = [r["quench"]["fire_alone"] for r in rows if "fire_alone" in r["quench"]]
    if fire:
        out["fire_alone"] = {
            key: spread([f[key] for f in fire])
            for key in (
                "cpu_seconds",
                "evaluations",
                "over_floor",
                "over_lbfgs_quench",
                "evaluations_over_lbfgs_quench",
            )
        }
        out["fire_alone"]["all_converged"] = all(f["converged"] for f in fire)
    return out


_LOG_LINE = re.compile(r"taper=(\S+) T\*=(\S+) N=(\d+) samples=(\d+) (?:first=(\d+) )?wall=([\d.]+) user=([\d.]+)")


def real_run_cost(time_log: Path, parent_temperature: str = "inf") -> dict[str, Any]:
    """Per-sample user seconds of the background run's ``vdosbench generate`` pieces at one T* (module docstring).

    Parameters
    ----------
    time_log
        ``/usr/bin/time`` lines of ``studies/finite_size_queue.sh`` (``taper=2 T*=inf N=2000 samples=300
        first=200 wall=... user=...``).
    parent_temperature
        The T* of the lines read (as the log writes it).

    Returns
    -------
    dict
        Per taper: the pieces (user seconds summed over the runs of a piece), user seconds per sample (mean, spread
        over pieces) and samples per core-hour; and both tapers pooled.
    """
    pieces: dict[tuple[str, int, int], dict[str, float]] = {}
    for line in time_log.read_text(encoding="utf-8").splitlines():
        m = _LOG_LINE.search(line)
        if m is None or m.group(2) != parent_temperature:
            continue
        taper, samples, first = m.group(1), int(m.group(4)), int(m.group(5) or 0)
        piece = pieces.setdefault((taper, first, samples), {"user": 0.0, "wall": 0.0, "runs": 0})
        piece["user"] += float(m.group(7))
        piece["wall"] += float(m.group(6))
        piece["runs"] += 1
    if not pieces:
        raise ValueError(
            f"{time_log}: no line for T*={parent_temperature}; expected the lines of "
            "studies/finite_size_queue.sh (taper=... T*=... N=... samples=... user=...)"
        )
    out: dict[str, Any] = {"source": str(time_log), "parent_temperature": parent_temperature, "by_taper": {}}
    per_sample_all = []
    for taper in sorted({k[0] for k in pieces}):
        rows = [
            {"first": f, "samples": s, **v, "user_per_sample": v["user"] / (s - f)}
            for (t, f, s), v in sorted(pieces.items())
            if t == taper
        ]
        per = [r["user_per_sample"] for r in rows]
        per_sample_all += per
        out["by_taper"][taper] = {
            "pieces": rows,
            "user_seconds_per_sample": spread(per),
            "samples_per_core_hour": 3600.0 / float(np.mean(per)),
        }
    out["pooled"] = {
        "user_seconds_per_sample": spread(per_sample_all),
        "samples_per_core_hour": 3600.0 / float(np.mean(per_sample_all)),
    }
    out["note"] = (
        "user seconds only (the log records %U, not %S); a piece is one `vdosbench generate` process of "
        "100 samples, so it includes the process start, imports, the Dask cluster and the ensemble's "
        "combination; pieces run more than once (a resumed stage) are summed"
    )
    return out


def real_stage_seconds(pattern: str) -> dict[str, Any]:
    """Median wall ``stage_seconds`` per stage and taper of the part files matching ``pattern``."""
    import netCDF4

    per: dict[str, list[np.ndarray]] = {}
    stages: list[str] = []
    for f in sorted(glob.glob(pattern)):
        with netCDF4.Dataset(f) as ds:
            taper = int(np.asarray(ds["taper_order"][...]))
            stages = [str(s) for s in ds["stage"][...]] if not stages else stages
            per.setdefault("inf" if taper == INFINITE_ORDER else str(taper), []).append(
                np.asarray(ds["stage_seconds"][...]).reshape(-1)
            )
    if not per:
        raise ValueError(f"no part file matches {pattern!r}")
    return {
        "pattern": pattern,
        "by_taper": {
            t: {
                "parts": len(v),
                "median_wall_seconds": dict(zip(stages, np.median(np.array(v), axis=0).tolist(), strict=True)),
                "median_total_wall_seconds": float(np.median(np.array(v).sum(axis=1))),
            }
            for t, v in sorted(per.items())
        },
        "note": "wall seconds the generator stored (stage_seconds); the core was shared, so wall exceeds CPU",
    }


def git_commit() -> dict[str, Any]:
    """HEAD of this checkout and the uncommitted changes of the pipeline's code (``generators/``, whose
    ``glasses`` and ``engine`` the benchmark runs) at the start of the run."""

    def run(*args: str) -> str:
        return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=False).stdout

    dirty = run("status", "--porcelain", "--", "generators").splitlines()
    return {"commit": run("rev-parse", "HEAD").strip(), "pipeline_code_uncommitted_changes": dirty}


def warm_up(
    tapers: Sequence[int], folder: Path, recipe: str = RECIPE, overrides: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Compile what the measured samples run, before they run.

    One sample (index 0, root seed 1) at N = 128 per taper through :func:`measure_sample`, FIRE alone included,
    with every floor called once and not timed (:func:`untimed_floors`): every kernel and every floor meets the
    argument types of the measured run, so numba compiles (or loads from its cache) the same specialisations.

    Parameters
    ----------
    tapers
        Taper orders (−1: ∞), as the measured run's.
    folder
        Where its parts are written.
    recipe, overrides
        As the measured run's (:func:`recipe_params`).

    Returns
    -------
    dict
        ``cpu_seconds`` of the warm-up and its ``numba_compiler_locks`` (compilations and loads from numba's
        cache, :class:`NumbaCompilerLocks`).
    """
    c = time.process_time()
    with untimed_floors(), counting_numba_compiler_locks() as compiling:
        for t in tapers:
            point, fixed, _ = recipe_params(t, 128, recipe, overrides)
            measure_sample(point, fixed, 0, 1, folder, fire=True)
    return {"cpu_seconds": time.process_time() - c, "numba_compiler_locks": compiling.count}


def run(
    samples: int,
    tapers: Sequence[int],
    first: int = 0,
    fire_samples: int = 1,
    n_particles: int | None = None,
    recipe: str = RECIPE,
    overrides: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Measure ``samples`` samples at each taper (module docstring); a warm-up at N = 128 first (compilation,
    :func:`warm_up`).

    Parameters
    ----------
    samples
        Samples per taper.
    tapers
        Taper orders (−1: ∞).
    first
        First sample index (the recipe's seeds).
    fire_samples
        Samples per taper that also run FIRE alone.
    n_particles
        Another N (tests), or ``None`` for the recipe's.
    recipe
        The recipe.
    overrides
        Fixed parameters other than the recipe's (:func:`recipe_params`), recorded in ``settings``.

    Returns
    -------
    dict
        ``settings``, ``warm_up`` (:func:`warm_up`, and the numba compiler locks the measured samples took
        after it: 0 when the warm-up compiled everything they run), ``samples`` (one record each), ``by_taper``
        and ``pooled`` summaries (:func:`summarise`).
    """
    r = RECIPES[recipe]
    with threadpool_limits(limits=1), tempfile.TemporaryDirectory(prefix="confirm_cost_") as tmp:
        warm = warm_up(tapers, Path(tmp) / "warm", recipe, overrides)
        rows = []
        with counting_numba_compiler_locks() as compiling:
            for t in tapers:
                point, fixed, _ = recipe_params(t, n_particles, recipe, overrides)
                for s in range(first, first + samples):
                    row = measure_sample(
                        point, fixed, s, r.root_seed, Path(tmp) / "parts", fire=s - first < fire_samples
                    )
                    rows.append(row)
                    e2e = row["end_to_end"]
                    print(
                        f"taper {row['taper_order']} sample {s}: "
                        + ", ".join(f"{k} {v:.3f}" for k, v in row["stage_cpu_seconds"].items())
                        + f" CPU s; end to end {e2e['compute_cpu_seconds']:.3f} + {e2e['writing_cpu_seconds']:.3f}",
                        flush=True,
                    )
        warm["numba_compiler_locks_of_the_measured_samples"] = compiling.count
    print(
        f"warm-up: {warm['cpu_seconds']:.3f} CPU s, {warm['numba_compiler_locks']} numba compilations or cache "
        f"loads; the measured samples: {warm['numba_compiler_locks_of_the_measured_samples']}",
        flush=True,
    )
    _, _, p = recipe_params(tapers[0], n_particles, recipe, overrides)
    by_taper = {
        str(k): summarise([x for x in rows if str(x["taper_order"]) == str(k)])
        for k in dict.fromkeys(x["taper_order"] for x in rows)
    }
    pooled = summarise(rows)
    per_hour = pooled["samples_per_core_hour"]["with_writing"]
    pooled["meets_target_with_writing"] = per_hour >= TARGET_SAMPLES_PER_CORE_HOUR
    return {
        "settings": {
            "recipe": recipe,
            "generator": r.generator,
            "root_seed": r.root_seed,
            "n_particles": p.n_particles,
            "dimension": p.dimension,
            "n_lowest": p.n_lowest,
            "mode_method": p.mode_method,
            "overrides": dict(overrides or {}),
            "parent_temperature": "inf",
            "tapers": ["inf" if t == INFINITE_ORDER else t for t in tapers],
            "samples_per_taper": samples,
            "first_sample": first,
            "fire_samples_per_taper": fire_samples,
            "force_tolerance": p.force_tolerance,
            "mode_tolerance": p.mode_tolerance,
            "moduli_tolerance": p.moduli_tolerance,
            "quench": QuenchSettings().__dict__,
            "shift": SHIFT,
            "floor_rounds": FLOOR_ROUNDS,
            "floor_round_cpu_seconds": FLOOR_ROUND_SECONDS,
            "threads": {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMBA_NUM_THREADS")},
            "cpu_affinity": sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
            "clock": "time.process_time (user + sys of the process) for every stage and floor; "
            "floors of one call: best of the rounds",
        },
        "warm_up": warm,
        "samples": rows,
        "by_taper": by_taper,
        "pooled": pooled,
        "target_samples_per_core_hour": TARGET_SAMPLES_PER_CORE_HOUR,
    }


def _taper(text: str) -> int:
    return INFINITE_ORDER if text.strip() in ("inf", "-1", "∞") else int(text)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line (module docstring)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=int, default=4, help="samples per taper")
    ap.add_argument("--first", type=int, default=0, help="first sample index (the recipe's seeds)")
    ap.add_argument("--tapers", default="2,inf", help="taper orders, comma-separated (inf: m = ∞)")
    ap.add_argument("--fire-samples", type=int, default=1, help="samples per taper that also run FIRE alone")
    ap.add_argument("--n", type=int, default=None, help="another N than the recipe's (a test size)")
    ap.add_argument(
        "--time-log",
        type=Path,
        default=ROOT / "runs" / "confirm" / "time.log",
        help="the background run's /usr/bin/time log (skipped when absent)",
    )
    ap.add_argument("--real-parts", default=None, help="glob of the background run's part files (stage_seconds)")
    ap.add_argument("--note", default="", help="what the record should say besides (e.g. the background run's commit)")
    ap.add_argument("--out", type=Path, default=ROOT / "speed" / "results" / "confirm_cost.json")
    ap.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a fixed parameter other than the recipe's, e.g. mode_method=arpack (repeatable)",
    )
    args = ap.parse_args(argv)
    overrides = {}
    for item in args.set:
        name, sep, value = item.partition("=")
        if not sep:
            ap.error(f"--set expects NAME=VALUE, found {item!r}")
        overrides[name] = value
    tapers = [_taper(t) for t in args.tapers.split(",")]
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    c0 = time.process_time()
    doc: dict[str, Any] = {
        "method": __doc__,
        "measured_at": started,
        "note": args.note,
        **git_commit(),
        "machine": machine_info("numba", "xarray", "netCDF4"),
    }
    doc.update(run(args.samples, tapers, args.first, args.fire_samples, args.n, overrides=overrides))
    doc["benchmark_cpu_seconds"] = time.process_time() - c0
    doc["load_average_after"] = list(os.getloadavg())
    if args.time_log.is_file():
        doc["background_run"] = real_run_cost(args.time_log)
        if args.real_parts:
            doc["background_run"]["stored_stage_seconds"] = real_stage_seconds(args.real_parts)
        doc["this_run_over_background_run"] = (
            doc["pooled"]["samples_per_core_hour"]["with_writing"]
            / doc["background_run"]["pooled"]["samples_per_core_hour"]
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(dumps_strict(doc, indent=1, default=float) + "\n", encoding="utf-8")
    pooled = doc["pooled"]
    print(
        json.dumps(
            {
                "samples_per_core_hour": pooled["samples_per_core_hour"],
                "stage_cpu_seconds_mean": {s: v["mean"] for s, v in pooled["stage_cpu_seconds"].items()},
                "ratios_mean": {k: v["mean"] for k, v in pooled["ratios"].items()},
                "background_run": doc.get("background_run", {}).get("pooled"),
            },
            indent=1,
        )
    )
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
