"""Cost of one low-T* inherent structure with its full spectrum, as a ratio to a bare LAPACK eigensolve (issue 14, item 9).

For each of ``--samples`` liquids at T* (default T_d = 0.144; N = 1000, d = 3, taper
``--taper``), made by ``--sweeps`` sweeps of swap Monte Carlo at the ~30 %-acceptance step
(not timed), the benchmark times in turn, best of ``--repeats`` each:

* ``inherent_structure``: :func:`vdosbench.generators.glasses.soft_spheres.inherent_sample` — the
  quench to max |F| ≤ 10⁻¹⁰, interacting pairs, analytic Hessian, all 3N eigenvalues and
  the lowest 50 non-zero eigenvectors, pair stresses, coordination and first-shell
  coordination: everything a sample costs after its Monte Carlo;
* ``bare_eigh``: ``scipy.linalg.eigh(dense, eigvals_only=True)`` of the same Hessian
  (the floor: the eigenvalues alone, no vectors);
* ``numpy_eigh``: ``numpy.linalg.eigh(dense)`` (all eigenvectors; what a user might call).

Target (issue 14): inherent_structure / bare_eigh ≤ 1.3.  One BLAS thread.  Writes
``speed/results/inherent_structure_cost.json``.

Usage::

    OMP_NUM_THREADS=1 python -m speed.bench_inherent_structure [--samples 5 --sweeps 20000]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np
import scipy.linalg
from threadpoolctl import threadpool_limits
from speed.timing import best_of
from vdosbench.benchmark.machine import machine_info
from vdosbench.generators import Configuration
from vdosbench.generators.glasses.equilibration import calibrate_step
from vdosbench.generators import hessian_matrix
from vdosbench.generators import MCSettings, run_swap_mc
from vdosbench.generators.glasses.soft_spheres import (
    T_D,
    GlassParams,
    inherent_sample,
    remove_overlaps,
    start_configuration,
)
from vdosbench.datasets.json_files import dumps_strict

HERE = Path(__file__).resolve().parent
TARGET = 1.3


def liquid(params: GlassParams, seed: int, sweeps: int) -> tuple[Configuration, Configuration]:
    seq = np.random.SeedSequence(seed)
    start = start_configuration(params, seq)
    pot = params.pair_potential
    rng = np.random.default_rng(seed)
    x = remove_overlaps(start, pot)
    cal = calibrate_step(x, start.box_length, start.sizes, start.species, pot, params.parent_temperature, rng)
    mc = run_swap_mc(
        x,
        start.box_length,
        start.sizes,
        start.species,
        pot,
        MCSettings(temperature=params.parent_temperature, n_sweeps=sweeps, step=cal.step, record_every=sweeps),
        rng,
    )
    return start, Configuration(mc.positions, start.box_length, mc.sizes, mc.species)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=int, default=5)
    ap.add_argument("--sweeps", type=int, default=20_000)
    ap.add_argument("--temperature", type=float, default=T_D)
    ap.add_argument("--taper", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=9000)
    ap.add_argument("--out", type=Path, default=HERE / "results" / "inherent_structure_cost.json")
    args = ap.parse_args(argv)
    params = GlassParams(taper_order=args.taper, parent_temperature=args.temperature, n_sweeps=args.sweeps)
    rows = []
    with threadpool_limits(limits=1):
        small = GlassParams(n_particles=128, parent_temperature=args.temperature, n_sweeps=10)
        inherent_sample(small, *liquid(small, 1, 10), np.zeros(1), 0.0, 0.0)  # compile
        for k in range(args.samples):
            start, liq = liquid(params, args.seed + k, args.sweeps)
            t_is = t_bare = t_np = np.inf
            for _ in range(args.repeats):  # in turn, so that load changes hit all three alike
                t, sample = best_of(
                    lambda: inherent_sample(params, start, liq, np.zeros(1), 0.0, 0.0), 1, clock=time.perf_counter
                )
                t_is = min(t_is, t)
                dense = hessian_matrix(sample.quench.config, params.pair_potential).toarray()
                t_bare = min(
                    t_bare, best_of(lambda: scipy.linalg.eigh(dense, eigvals_only=True), 1, clock=time.perf_counter)[0]
                )
                t_np = min(t_np, best_of(lambda: np.linalg.eigh(dense), 1, clock=time.perf_counter)[0])
            row = {
                "seed": args.seed + k,
                "inherent_structure_seconds": t_is,
                "bare_eigh_seconds": t_bare,
                "numpy_eigh_seconds": t_np,
                "ratio_to_bare_eigh": t_is / t_bare,
                "ratio_to_numpy_eigh": t_is / t_np,
                "quench_evaluations": int(sample.quench.n_evaluations),
                "inherent_energy": float(sample.quench.energy / params.n_particles),
            }
            rows.append(row)
            print(
                f"seed {row['seed']}: IS {t_is:.3f} s, bare eigh {t_bare:.3f} s, numpy eigh {t_np:.3f} s, "
                f"ratio {row['ratio_to_bare_eigh']:.3f} (to numpy eigh {row['ratio_to_numpy_eigh']:.3f})",
                flush=True,
            )
    ratios = np.array([r["ratio_to_bare_eigh"] for r in rows])
    result = {
        "benchmark": __doc__.splitlines()[0],
        "n_particles": params.n_particles,
        "taper_order": args.taper,
        "parent_temperature": args.temperature,
        "liquid_sweeps": args.sweeps,
        "repeats": args.repeats,
        "samples": rows,
        "ratio_to_bare_eigh_median": float(np.median(ratios)),
        "ratio_to_bare_eigh_max": float(ratios.max()),
        "target": TARGET,
        "meets_target": bool(np.median(ratios) <= TARGET),
        "load_average": os.getloadavg(),
        "machine": machine_info(),
    }
    args.out.write_text(dumps_strict(result, indent=1) + "\n")
    print(f"median ratio {result['ratio_to_bare_eigh_median']:.3f} (target {TARGET}); written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
