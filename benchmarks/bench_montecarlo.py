"""Monte Carlo throughput: attempted moves per second on one core.

System (issue 3, "Performance"): N = 1000 soft spheres in d = 3 at number
density 1, n = 12, r_c = 1.955, taper m = 2, diameters P(a) ∝ a⁻³ on
[0.73, 1.62] (inverse transform, rescaled to ⟨a⟩ = 1), swap MC with
p_swap = 0.2 and |Δr| = 0.2 (seed ``001_d453c975fd50a4a2.txt``, Methods).
The configuration is first equilibrated by swap MC at each temperature; the
timed runs start from it.  Each case is timed ``--repeats`` times; the best
and the median are reported, in wall-clock and in CPU (process) time, with
the machine's load average (other processes on a shared machine slow the
wall-clock figures).  A scan of the Verlet skin justifies its default.

Usage::

    python benchmarks/bench_montecarlo.py [--sweeps 300] [--repeats 5]

Writes ``benchmarks/results/mc_throughput.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numba
import numpy as np

from machine_info import cpu_model  # this folder
from vdosbench.generators.configurations import sample_diameters
from vdosbench.generators.montecarlo import MCSettings, run_swap_mc
from vdosbench.generators.potentials import soft_sphere_potential

TARGET = 1.0e6  # issue 3: at least 10⁶ attempted moves per second at N = 1000


def equilibrate(n: int, temperature: float, rng: np.random.Generator, sweeps: int):
    pot = soft_sphere_potential(taper_order=2)
    box = n ** (1.0 / 3.0)
    sizes = sample_diameters(n, rng)
    positions = rng.uniform(0.0, box, (n, 3))
    res = run_swap_mc(positions, box, sizes, np.zeros(n, int), pot, MCSettings(5.0, 300, record_every=300), rng)
    res = run_swap_mc(res.positions, box, res.sizes, np.zeros(n, int), pot,
                      MCSettings(temperature, sweeps, record_every=sweeps), rng)
    return res.positions, res.sizes, box, pot


def time_case(state, temperature: float, p_swap: float, skin: float, sweeps: int, repeats: int, seed: int) -> dict:
    positions, sizes, box, pot = state
    n = positions.shape[0]
    settings = MCSettings(temperature=temperature, n_sweeps=sweeps, p_swap=p_swap, skin=skin, record_every=sweeps)
    rng = np.random.default_rng(seed)
    run_swap_mc(positions, box, sizes, np.zeros(n, int), pot, settings, rng)  # warm-up (compiled already)
    wall, cpu, acc_d, acc_s = [], [], [], []
    for _ in range(repeats):
        c0 = time.process_time()
        res = run_swap_mc(positions, box, sizes, np.zeros(n, int), pot, settings, rng)
        cpu.append(res.n_attempted / (time.process_time() - c0))
        wall.append(res.n_attempted / res.wall_seconds)
        acc_d.append(res.acceptance_displacement)
        acc_s.append(res.acceptance_swap)
    return {
        "temperature": temperature, "p_swap": p_swap, "skin": skin, "sweeps_per_run": sweeps,
        "attempted_moves_per_run": sweeps * n,
        "moves_per_second_wall_best": max(wall), "moves_per_second_wall_median": float(np.median(wall)),
        "moves_per_second_cpu_best": max(cpu), "moves_per_second_cpu_median": float(np.median(cpu)),
        "acceptance_displacement": float(np.mean(acc_d)),
        "acceptance_swap": float(np.nanmean(acc_s)) if p_swap > 0 else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--sweeps", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--low-t", type=float, default=0.15,
                        help="the low parent temperature T* ≈ T_d (0.14 ± 0.01, benchmarks/measure_td.py)")
    parser.add_argument("--mid-t", type=float, default=0.2)
    parser.add_argument("--high-t", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "mc_throughput.json")
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    load_before = os.getloadavg()
    low = equilibrate(args.n, args.low_t, rng, sweeps=20_000)
    mid = equilibrate(args.n, args.mid_t, rng, sweeps=20_000)
    high = equilibrate(args.n, args.high_t, rng, sweeps=2_000)
    cases = [time_case(low, args.low_t, 0.2, MCSettings.skin, args.sweeps, args.repeats, 1),
             time_case(low, args.low_t, 0.0, MCSettings.skin, args.sweeps, args.repeats, 2),
             time_case(mid, args.mid_t, 0.2, MCSettings.skin, args.sweeps, args.repeats, 3),
             time_case(high, args.high_t, 0.2, MCSettings.skin, args.sweeps, args.repeats, 4)]
    skin_scan = [time_case(low, args.low_t, 0.2, skin, args.sweeps, max(2, args.repeats // 2), 5)
                 for skin in (0.45, 0.5, 0.6, 0.8, 1.0)]
    headline = cases[0]
    result = {
        "system": {"n_particles": args.n, "dimension": 3, "number_density": 1.0, "potential": "soft_sphere",
                   "exponent_n": 12, "r_cut": 1.955, "taper_order": 2,
                   "sizes": "P(a) ∝ a^-3 on [0.73, 1.62], rescaled to mean 1", "step": 0.2},
        "headline": {"temperature": args.low_t, "p_swap": 0.2,
                     "moves_per_second_wall_best": headline["moves_per_second_wall_best"],
                     "moves_per_second_cpu_best": headline["moves_per_second_cpu_best"],
                     "target": TARGET, "meets_target": headline["moves_per_second_cpu_best"] >= TARGET},
        "cases": cases,
        "skin_scan": skin_scan,
        "machine": {"platform": platform.platform(), "cpu": cpu_model(), "logical_cpus": os.cpu_count(),
                    "python": platform.python_version(), "numba": numba.__version__, "numpy": np.__version__,
                    "load_average_before": load_before, "load_average_after": os.getloadavg()},
        "single_core": True,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1))
    print(f"machine: {result['machine']['cpu']} | {result['machine']['platform']} | numba {numba.__version__} "
          f"| load {load_before[0]:.1f}")
    for case in cases + skin_scan:
        print(f"T={case['temperature']:<5} p_swap={case['p_swap']:<4} skin={case['skin']:<5} "
              f"wall best {case['moves_per_second_wall_best']:.3g}/s "
              f"median {case['moves_per_second_wall_median']:.3g}/s"
              f" | cpu best {case['moves_per_second_cpu_best']:.3g}/s | acc {case['acceptance_displacement']:.3f}")


if __name__ == "__main__":
    main()
