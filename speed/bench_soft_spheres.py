"""Per-stage wall times of one soft-sphere glass sample (seed 001 pipeline), N = 1000, d = 3.

A plain script (not a test): ``python speed/bench_soft_spheres.py [--n N --sweeps S
--temperature T --taper M --threads K --repeats R --quench-seeds Q --out PATH]``; run it
with ``OMP_NUM_THREADS=1`` (and the other BLAS variables) on a quiet machine.  Stages, each timed on its
own after a warm-up on a small system (so numba compilation is not counted):

* ``configuration``: diameters P(a) ∝ a⁻³ and random positions;
* ``overlap_removal``: FIRE until max |F_i| ≤ 10 (the Monte Carlo start);
* ``monte_carlo``: ``--sweeps`` sweeps of swap Monte Carlo at ``--temperature``
  (attempted moves per second reported);
* ``quench``: L-BFGS (+ FIRE polish) to max |F_i| ≤ 10⁻¹⁰, from the Monte Carlo
  configuration, and separately from random positions (T* = ∞) (``quench_from_random``);
* ``quench_samples``: the quench of ``--quench-seeds`` samples (seeds ``--seed``,
  ``--seed`` + 1, …; each with its own random start, overlap removal and Monte Carlo
  run), from both starts: per sample the best of ``--repeats`` wall times, the
  iterations, evaluations and list builds, and the floor = evaluations × one force
  evaluation (timed on the inherent structure with the quench's final Verlet list),
  with the median and range over the samples (target: median ≤ 0.5 s from the Monte
  Carlo start);
* ``hessian``: interacting pairs + analytic sparse Hessian (CSR);
* ``spectrum``: :func:`vdosbench.generators.spectra.dense_spectrum` (all 3N eigenvalues,
  eigenvectors of the lowest 50 non-zero modes; includes the sparse → dense conversion);
* ``bare_eigh``: ``scipy.linalg.eigh(dense, eigvals_only=True)`` on the same matrix;
* ``full_spectrum_two_calls``: the older two-call path (eigenvalues, then a subset call);
* ``sparse_lowest_50``: shift-invert Lanczos for the lowest 50 non-zero modes;
* ``stresses``: pair stresses, coordination and first-shell coordination.

Ratios: hessian / bare_eigh (target ≤ 5 %) and spectrum / bare_eigh (target ≤ 1.1).
BLAS threads are fixed with ``threadpoolctl`` (``--threads``, default 1) for every stage.
Dense timings are the minimum over ``--repeats`` runs.  Results and machine information go
to ``speed/results/soft_sphere_stages.json``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import scipy
import scipy.linalg
from threadpoolctl import threadpool_limits

from vdosbench.benchmark.machine import machine_info
from vdosbench.generators import Configuration, polydisperse_configuration
from vdosbench.generators import hessian_matrix, interacting_pairs
from vdosbench.generators.glasses.minimize import (
    EnergyModel,
    QuenchResult,
    QuenchSettings,
    fire_minimize,
    quench,
)
from vdosbench.generators import MCSettings, run_swap_mc
from vdosbench.generators import PairPotential, soft_sphere_potential
from vdosbench.generators.spectra import (
    default_vector_modes,
    dense_spectrum,
    full_spectrum,
    lowest_modes_shift_invert,
    translation_modes,
)
from vdosbench.generators.glasses.stresses import (
    coordination_numbers,
    first_shell_coordination,
    first_shell_cutoff,
    pair_stresses,
)
from vdosbench.datasets.json_files import dumps_strict

HERE = Path(__file__).resolve().parent


def timed(fn: Callable[[], Any], repeats: int = 1) -> tuple[float, Any]:
    """Minimum wall time over ``repeats`` calls, and the last result."""
    best, out = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def timed_alternating(
    first: Callable[[], Any], second: Callable[[], Any], repeats: int
) -> tuple[float, Any, float, Any]:
    """Best wall times of two calls run in turn (first, second, first, ...), and their last results.

    For a ratio of two stages on a shared machine: alternating puts both in the
    same slow or fast phases, where two separate best-of-``repeats`` blocks may not.
    """
    best_a = best_b = float("inf")
    out_a = out_b = None
    for _ in range(repeats):
        t_a, out_a = timed(first)
        t_b, out_b = timed(second)
        best_a, best_b = min(best_a, t_a), min(best_b, t_b)
    return best_a, out_a, best_b, out_b


def force_evaluation_seconds(
    result: QuenchResult, pot: PairPotential, with_blocks: bool = False, repeats: int = 200
) -> float:
    """Best time of one compiled energy-and-gradient evaluation at the inherent structure.

    The Verlet list is built as in the quench (same skin), so its pair count is
    that of the quench's evaluations; ``with_blocks``: the evaluation also
    returns the diagonal Hessian blocks (as the preconditioned quench asks for
    every ``preconditioner_refresh`` iterations).
    """
    c = result.config
    model = EnergyModel(c, pot, skin=result.skin)
    x = np.ascontiguousarray(c.positions)
    grad = np.empty_like(x)
    blocks = np.empty((c.n_particles if with_blocks else 0, model.block_width))
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(repeats // 5):
            model.evaluate_on_list(x, grad, blocks)
        best = min(best, (time.perf_counter() - start) / (repeats // 5))
    return best


def quench_record(start: Configuration, pot: PairPotential, repeats: int) -> dict[str, Any]:
    """Best-of-``repeats`` quench time with its work counts and the force-evaluation floor.

    The floor is the quench's evaluations times one plain evaluation, plus, with
    the preconditioner, the extra cost of the blocks for about one evaluation
    in ``preconditioner_refresh`` (lbfgs_iterations // refresh + 1 of them; the
    rare line-search retries on those iterations are not counted).
    """
    t, q = timed(lambda: quench(start, pot), repeats)
    one = force_evaluation_seconds(q, pot)
    floor = q.n_evaluations * one
    record: dict[str, Any] = {}
    if q.preconditioner == "block_jacobi":
        with_blocks = force_evaluation_seconds(q, pot, with_blocks=True)
        block_evaluations = q.lbfgs_iterations // q.preconditioner_refresh + 1
        floor += block_evaluations * (with_blocks - one)
        record = {"one_evaluation_with_blocks_seconds": with_blocks, "block_evaluations": block_evaluations}
    return {
        "seconds": t,
        "max_force": q.max_force,
        "converged": q.converged,
        "energy_per_particle": q.energy / start.n_particles,
        "prerelax_steps": q.prerelax_steps,
        "lbfgs_iterations": q.lbfgs_iterations,
        "fire_steps": q.fire_steps,
        "evaluations": q.n_evaluations,
        "verlet_builds": q.n_builds,
        "preconditioner": q.preconditioner,
        "preconditioner_refresh": q.preconditioner_refresh,
        "one_evaluation_seconds": one,
        **record,
        "floor_seconds": floor,
        "seconds_over_floor": t / floor,
    }


def summary(values: list[float]) -> dict[str, float]:
    """Median and range."""
    return {"median": float(np.median(values)), "min": float(np.min(values)), "max": float(np.max(values))}


def quench_samples(
    n: int, sweeps: int, temperature: float, taper: int, repeats: int, seeds: list[int]
) -> dict[str, Any]:
    """The quench from both starts for several samples, with medians and ranges."""
    pot = soft_sphere_potential(taper)
    defaults = QuenchSettings()
    out: dict[str, Any] = {
        "settings": {
            "force_tolerance": defaults.force_tolerance,
            "lbfgs_memory": defaults.lbfgs_memory,
            "skin": defaults.skin,
            "outer_skin": defaults.outer_skin,
            "max_step": defaults.max_step,
            "preconditioner": defaults.preconditioner,
            "preconditioner_refresh": defaults.preconditioner_refresh,
        },
        "seeds": seeds,
        "repeats": repeats,
    }
    records: dict[str, list[dict[str, Any]]] = {"monte_carlo_start": [], "random_start": []}
    for seed in seeds:
        rng = np.random.default_rng(seed)
        config = polydisperse_configuration(n, 3, rng)
        x, *_ = fire_minimize(EnergyModel(config, pot), config.positions, 10.0, 100_000)
        mc = run_swap_mc(
            x,
            config.box_length,
            config.sizes,
            config.species,
            pot,
            MCSettings(temperature=temperature, n_sweeps=sweeps),
            rng,
        )
        equilibrated = Configuration(mc.positions, config.box_length, mc.sizes, mc.species)
        records["monte_carlo_start"].append({"seed": seed, **quench_record(equilibrated, pot, repeats)})
        records["random_start"].append({"seed": seed, **quench_record(config, pot, repeats)})
    for name, rows in records.items():
        out[name] = {
            "samples": rows,
            **{
                key: summary([r[key] for r in rows])
                for key in (
                    "seconds",
                    "evaluations",
                    "lbfgs_iterations",
                    "verlet_builds",
                    "one_evaluation_seconds",
                    "floor_seconds",
                    "seconds_over_floor",
                )
            },
        }
    return out


def pipeline(n: int, sweeps: int, temperature: float, taper: int, repeats: int, seed: int) -> dict[str, Any]:
    pot = soft_sphere_potential(taper)
    rng = np.random.default_rng(seed)
    stages: dict[str, Any] = {}
    t, config = timed(lambda: polydisperse_configuration(n, 3, rng))
    stages["configuration"] = {"seconds": t}
    t, (x, *_rest) = timed(lambda: fire_minimize(EnergyModel(config, pot), config.positions, 10.0, 100_000))
    stages["overlap_removal"] = {"seconds": t, "fire_steps": int(_rest[-1])}
    settings = MCSettings(temperature=temperature, n_sweeps=sweeps)
    t, mc = timed(lambda: run_swap_mc(x, config.box_length, config.sizes, config.species, pot, settings, rng))
    stages["monte_carlo"] = {
        "seconds": t,
        "sweeps": sweeps,
        "temperature": temperature,
        "attempted_moves": int(mc.n_attempted),
        "moves_per_second": mc.n_attempted / t if t > 0 else None,
        "acceptance_displacement": mc.acceptance_displacement,
        "acceptance_swap": mc.acceptance_swap,
        "energy_per_particle_final": float(mc.energy_trace[-1]),
    }
    equilibrated = Configuration(mc.positions, config.box_length, mc.sizes, mc.species)
    t, q = timed(lambda: quench(equilibrated, pot), repeats)
    stages["quench"] = {
        "seconds": t,
        "start": f"Monte Carlo at T*={temperature}",
        "max_force": q.max_force,
        "force_tolerance": 1e-10,
        "lbfgs_iterations": q.lbfgs_iterations,
        "fire_steps": q.fire_steps,
        "prerelax_steps": q.prerelax_steps,
        "evaluations": q.n_evaluations,
        "verlet_builds": q.n_builds,
        "lbfgs_memory": q.lbfgs_memory,
        "skin": q.skin,
        "converged": q.converged,
    }
    t, q_inf = timed(lambda: quench(config, pot))
    stages["quench_from_random"] = {
        "seconds": t,
        "start": "random positions (T* = inf)",
        "max_force": q_inf.max_force,
        "lbfgs_iterations": q_inf.lbfgs_iterations,
        "fire_steps": q_inf.fire_steps,
        "prerelax_steps": q_inf.prerelax_steps,
        "evaluations": q_inf.n_evaluations,
        "verlet_builds": q_inf.n_builds,
        "converged": q_inf.converged,
    }
    inherent = q.config
    t_pairs, pairs = timed(lambda: interacting_pairs(inherent, pot), repeats)
    t_build, h = timed(lambda: hessian_matrix(inherent, pot, pairs=pairs), repeats)
    stages["hessian"] = {
        "seconds": t_pairs + t_build,
        "pairs_seconds": t_pairs,
        "assembly_seconds": t_build,
        "n_pairs": pairs.count,
        "nnz": int(h.nnz),
    }
    modes = default_vector_modes(3 * n, 50, first=3)
    dense = h.toarray()
    t, (lam, _), t_bare, lam_bare = timed_alternating(
        lambda: dense_spectrum(h, modes), lambda: scipy.linalg.eigh(dense, eigvals_only=True), max(repeats, 3)
    )
    stages["spectrum"] = {"seconds": t, "n_vectors": int(modes.size), "method": "dense_spectrum (one dsytrd)"}
    stages["bare_eigh"] = {
        "seconds": t_bare,
        "call": "scipy.linalg.eigh(dense, eigvals_only=True)",
        "timing": "best of >= 3, run in turn with the spectrum stage",
    }
    t, (lam_two, _) = timed(lambda: full_spectrum(h, modes), 1)
    stages["full_spectrum_two_calls"] = {"seconds": t}
    t, (lam_sparse, _) = timed(lambda: lowest_modes_shift_invert(h, 50, exclude=translation_modes(n, 3)))
    stages["sparse_lowest_50"] = {
        "seconds": t,
        "max_relative_difference_to_dense": float(np.max(np.abs(lam_sparse - lam[3:53]) / lam[3:53])),
    }

    def stress_stage() -> None:
        pair_stresses(pairs)
        coordination_numbers(pairs)
        first_shell_coordination(inherent, pot, first_shell_cutoff(inherent, pot).cutoff)

    t, _ = timed(stress_stage, repeats)
    stages["stresses"] = {"seconds": t}
    stages["checks"] = {
        "spectrum_vs_bare_max_abs_difference": float(np.max(np.abs(lam - lam_bare))),
        "spectrum_vs_two_calls_max_abs_difference": float(np.max(np.abs(lam - lam_two))),
        "lowest_eigenvalues": lam[:6].tolist(),
        "largest_eigenvalue": float(lam[-1]),
    }
    return stages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--sweeps", type=int, default=1000)
    parser.add_argument("--temperature", type=float, default=0.1)
    parser.add_argument("--taper", type=int, default=2, help="taper order m (-1 for T_inf)")
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads for every stage")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--quench-seeds", type=int, default=16, help="samples of the quench_samples stage")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "soft_sphere_stages.json")
    args = parser.parse_args(argv)
    with threadpool_limits(limits=args.threads):
        start = time.perf_counter()
        pipeline(128, 10, args.temperature, args.taper, 1, args.seed + 1)  # warm-up: numba compilation
        warmup = time.perf_counter() - start
        stages = pipeline(args.n, args.sweeps, args.temperature, args.taper, args.repeats, args.seed)
        stages["quench_samples"] = quench_samples(
            args.n,
            args.sweeps,
            args.temperature,
            args.taper,
            args.repeats,
            [args.seed + k for k in range(args.quench_seeds)],
        )
        info = machine_info()
    bare = stages["bare_eigh"]["seconds"]
    result = {
        "benchmark": "soft-sphere glass sample, seed-001 pipeline",
        "n_particles": args.n,
        "dimension": 3,
        "taper_order": args.taper,
        "blas_threads": args.threads,
        "repeats": args.repeats,
        "seed": args.seed,
        "warmup_seconds_including_compilation": warmup,
        "stages": stages,
        "ratios": {
            "hessian_over_bare_eigh": stages["hessian"]["seconds"] / bare,
            "hessian_target": 0.05,
            "spectrum_over_bare_eigh": stages["spectrum"]["seconds"] / bare,
            "spectrum_target": 1.1,
            "two_call_spectrum_over_bare_eigh": stages["full_spectrum_two_calls"]["seconds"] / bare,
        },
        "machine": info,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(dumps_strict(result, indent=2) + "\n")
    for name, stage in stages.items():
        if "seconds" in stage:
            print(f"{name:28s} {stage['seconds']:9.4f} s")
    for name in ("monte_carlo_start", "random_start"):
        row = stages["quench_samples"][name]
        print(
            f"quench {name:22s} median {row['seconds']['median']:.3f} s "
            f"[{row['seconds']['min']:.3f}, {row['seconds']['max']:.3f}], "
            f"floor {row['floor_seconds']['median']:.3f} s, ratio {row['seconds_over_floor']['median']:.2f}"
        )
    for name, value in result["ratios"].items():
        print(f"{name:34s} {value:.4g}")
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
