"""Monte Carlo throughput: attempted moves per second on one core.

System (issue 3, "Performance"; issue 14, item 8): N = 1000 soft spheres in
d = 3 at number density 1, n = 12, r_c = 1.955, taper m = 2, diameters
P(a) ∝ a⁻³ on [0.73, 1.62] (inverse transform, rescaled to ⟨a⟩ = 1), swap MC
with p_swap = 0.2 (seed ``001_d453c975fd50a4a2.txt``, Methods).  The
configuration is first equilibrated by swap MC at each temperature; the timed
runs start from it.

Cases:

- issue 14, item 8: T = T_d = 0.144 with |Δr| = 0.2 (target ≥ 4 × 10⁶ moves/s)
  and T_d at the step that gives about 30 % displacement acceptance
  (calibrated here by bisection unless ``--step30`` is given; target ≥ 2 ×
  10⁶ moves/s), and T = 1 at |Δr| = 0.2 and at its own 30 % step (list
  renewal dominates there);
- plain Metropolis (p_swap = 0) at T_d, and a scan of the Verlet skin.

Each case is timed ``--repeats`` times; the best and the median are
reported, in wall-clock and in CPU (process) time, with the machine's load
average (other processes on a shared machine slow the wall-clock figures).
With ``--baseline-ref REF`` (e.g. ``main``) the Monte Carlo modules of that
git revision are loaded side by side and every case is timed old and new
alternately (same starting state, same seeds), so that the old/new ratio is
measured under the same load; whether the chains are bit-identical is
checked on the same runs.

Usage::

    python speed/bench_montecarlo.py [--sweeps 300] [--repeats 5] [--baseline-ref main]

Writes ``speed/results/mc_throughput.json``.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

import numpy as np

from vdosbench.benchmark.machine import machine_info
from vdosbench.generators.glasses import montecarlo
from vdosbench.generators import sample_diameters
from vdosbench.generators import soft_sphere_potential
from vdosbench.generators import T_D  # measured by studies/measure_td.py
from vdosbench.datasets.json_files import dumps_strict

TARGET = 1.0e6  # issue 3: at least 10⁶ attempted moves per second at N = 1000
TARGET_STEP_02 = 4.0e6  # issue 14, item 8: at T_d with |Δr| = 0.2
TARGET_STEP_30 = 2.0e6  # issue 14, item 8: at T_d at the ~30 % acceptance step
#: Modules of the Monte Carlo kernel and what they import, loaded from ``--baseline-ref``.
KERNEL_MODULES = ("configurations", "potentials", "neighbors", "mc_sums", "verlet_lists", "mc_kernel", "montecarlo")
#: Modules that exist only at later revisions (the pair sums since issue 65; the Verlet lists and the compiled loop
#: since issue 66 item 5 split neighbors.py and montecarlo.py): skipped where the revision lacks them.
LATER_MODULES = frozenset({"mc_sums", "verlet_lists", "mc_kernel"})


def baseline_module(ref: str) -> ModuleType:
    """The ``montecarlo`` module of git revision ``ref``, as a separate package in a temporary folder."""
    root = Path(__file__).resolve().parents[1]
    folder = Path(tempfile.mkdtemp(prefix="mc_baseline_"))
    package = folder / "mc_baseline"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name in KERNEL_MODULES:
        # generators/glasses/ since the layout of issue 17; generators/ before it
        for folder_in_repo in ("generators/glasses", "generators"):
            shown = subprocess.run(
                ["git", "-C", str(root), "show", f"{ref}:{folder_in_repo}/{name}.py"], capture_output=True, text=True
            )
            if shown.returncode == 0:
                break
        else:
            if name in LATER_MODULES:
                continue
            raise SystemExit(
                f"--baseline-ref {ref}: no {name}.py under generators/glasses/ or generators/ "
                f"({shown.stderr.strip()}); pass a revision of this repository that has the kernel"
            )
        (package / f"{name}.py").write_text(shown.stdout)
    # imported as the package mc_baseline from its folder (its modules import each other relatively)
    spec = importlib.util.spec_from_file_location(
        "mc_baseline", package / "__init__.py", submodule_search_locations=[str(package)]
    )
    sys.modules["mc_baseline"] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sys.modules["mc_baseline"])
    return importlib.import_module("mc_baseline.montecarlo")


def equilibrate(n: int, temperature: float, rng: np.random.Generator, sweeps: int):
    pot = soft_sphere_potential(taper_order=2)
    box = n ** (1.0 / 3.0)
    sizes = sample_diameters(n, rng)
    positions = rng.uniform(0.0, box, (n, 3))
    mc = montecarlo
    res = mc.run_swap_mc(positions, box, sizes, np.zeros(n, int), pot, mc.MCSettings(5.0, 300, record_every=300), rng)
    res = mc.run_swap_mc(
        res.positions,
        box,
        res.sizes,
        np.zeros(n, int),
        pot,
        mc.MCSettings(temperature, sweeps, record_every=sweeps),
        rng,
    )
    return res.positions, res.sizes, box, pot


def calibrate_step(state, temperature: float, target: float = 0.3, sweeps: int = 40, seed: int = 11) -> float:
    """|Δr| giving displacement acceptance ≈ ``target`` (bisection in log |Δr| on short swap-MC runs)."""
    positions, sizes, box, pot = state
    n = positions.shape[0]
    lo, hi = 0.01, 0.5
    for _ in range(10):
        step = float(np.sqrt(lo * hi))
        settings = montecarlo.MCSettings(temperature, sweeps, step=step, record_every=sweeps)
        acc = montecarlo.run_swap_mc(
            positions, box, sizes, np.zeros(n, int), pot, settings, np.random.default_rng(seed)
        ).acceptance_displacement
        lo, hi = (step, hi) if acc > target else (lo, step)
    return float(np.sqrt(lo * hi))


def _one_run(mc: ModuleType, state, settings_kw: dict, seed: int):
    positions, sizes, box, pot = state
    n = positions.shape[0]
    c0 = time.process_time()
    res = mc.run_swap_mc(
        positions, box, sizes, np.zeros(n, int), pot, mc.MCSettings(**settings_kw), np.random.default_rng(seed)
    )
    return res, time.process_time() - c0


def _same_chain(a, b) -> bool:
    return bool(
        np.array_equal(a.positions, b.positions)
        and np.array_equal(a.sizes, b.sizes)
        and np.array_equal(a.energy_trace, b.energy_trace)
        and np.array_equal(a.displacement, b.displacement)
    )


def time_case(
    state,
    temperature: float,
    p_swap: float,
    skin: float,
    sweeps: int,
    repeats: int,
    seed: int,
    step: float = 0.2,
    baseline: ModuleType | None = None,
    label: str = "",
) -> dict:
    """Best and median moves per second of ``repeats`` runs (new and, if given, baseline, alternately)."""
    n = state[0].shape[0]
    kw = {
        "temperature": temperature,
        "n_sweeps": sweeps,
        "step": step,
        "p_swap": p_swap,
        "skin": skin,
        "record_every": sweeps,
    }
    modules = {"new": montecarlo} | ({"old": baseline} if baseline is not None else {})
    for mc in modules.values():
        _one_run(mc, state, kw | {"n_sweeps": 2}, seed)  # warm-up (compiled already)
    wall = {k: [] for k in modules}
    cpu = {k: [] for k in modules}
    acc_d, acc_s, identical = [], [], []
    for r in range(repeats):
        order = list(modules) if r % 2 == 0 else list(modules)[::-1]  # alternate who runs first
        runs = {}
        for name in order:
            res, cpu_s = _one_run(modules[name], state, kw, seed + r)
            runs[name] = res
            wall[name].append(res.n_attempted / res.wall_seconds)
            cpu[name].append(res.n_attempted / cpu_s)
        acc_d.append(runs["new"].acceptance_displacement)
        acc_s.append(runs["new"].acceptance_swap)
        if baseline is not None:
            identical.append(_same_chain(runs["new"], runs["old"]))
    out = {
        "label": label,
        "temperature": temperature,
        "step": step,
        "p_swap": p_swap,
        "skin": skin,
        "sweeps_per_run": sweeps,
        "attempted_moves_per_run": sweeps * n,
        "moves_per_second_wall_best": max(wall["new"]),
        "moves_per_second_wall_median": float(np.median(wall["new"])),
        "moves_per_second_cpu_best": max(cpu["new"]),
        "moves_per_second_cpu_median": float(np.median(cpu["new"])),
        "acceptance_displacement": float(np.mean(acc_d)),
        "acceptance_swap": float(np.nanmean(acc_s)) if p_swap > 0 else None,
    }
    if baseline is not None:
        out |= {
            "baseline_moves_per_second_wall_best": max(wall["old"]),
            "baseline_moves_per_second_cpu_best": max(cpu["old"]),
            "ratio_new_over_old_wall_best": max(wall["new"]) / max(wall["old"]),
            "ratio_new_over_old_cpu_best": max(cpu["new"]) / max(cpu["old"]),
            "ratio_new_over_old_wall_median_of_pairs": float(np.median(np.array(wall["new"]) / np.array(wall["old"]))),
            "chains_bit_identical": bool(all(identical)),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--sweeps", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--low-t", type=float, default=T_D, help="the low parent temperature T* = T_d (0.144, studies/measure_td.py)"
    )
    parser.add_argument("--high-t", type=float, default=1.0)
    parser.add_argument(
        "--step30",
        type=float,
        default=None,
        help="|Δr| of the ~30 %% acceptance case at T_d (default: calibrated by bisection; ≈ 0.07)",
    )
    parser.add_argument(
        "--baseline-ref",
        default=None,
        help="git revision whose Monte Carlo code is timed alternately with this one (e.g. main)",
    )
    parser.add_argument("--no-skin-scan", action="store_true")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "mc_throughput.json")
    args = parser.parse_args()

    baseline = baseline_module(args.baseline_ref) if args.baseline_ref else None
    rng = np.random.default_rng(args.seed)
    load_before = os.getloadavg()
    low = equilibrate(args.n, args.low_t, rng, sweeps=20_000)
    high = equilibrate(args.n, args.high_t, rng, sweeps=2_000)
    step30 = args.step30 if args.step30 is not None else calibrate_step(low, args.low_t)
    step30_high = calibrate_step(high, args.high_t)
    common = {"sweeps": args.sweeps, "repeats": args.repeats, "baseline": baseline, "skin": montecarlo.MCSettings.skin}
    cases = [
        time_case(low, args.low_t, 0.2, seed=1, step=0.2, label="issue 14: T_d, |Δr| = 0.2", **common),
        time_case(low, args.low_t, 0.2, seed=2, step=step30, label="issue 14: T_d, ~30 % acceptance step", **common),
        time_case(high, args.high_t, 0.2, seed=3, step=0.2, label="T = 1, |Δr| = 0.2", **common),
        time_case(high, args.high_t, 0.2, seed=4, step=step30_high, label="T = 1, ~30 % acceptance step", **common),
        time_case(low, args.low_t, 0.0, seed=5, step=0.2, label="T_d, plain Metropolis, |Δr| = 0.2", **common),
    ]
    skin_scan = (
        []
        if args.no_skin_scan
        else [
            time_case(low, args.low_t, 0.2, skin, args.sweeps, max(2, args.repeats // 2), 6, label="skin scan")
            for skin in (0.45, 0.5, 0.6, 0.8, 1.0)
        ]
    )
    load_after = os.getloadavg()
    info = machine_info("numba")
    info["load_average_before"] = list(load_before)
    info["load_average_after"] = list(load_after)
    result = {
        "system": {
            "n_particles": args.n,
            "dimension": 3,
            "number_density": 1.0,
            "potential": "soft_sphere",
            "exponent_n": 12,
            "r_cut": 1.955,
            "taper_order": 2,
            "sizes": "P(a) ∝ a^-3 on [0.73, 1.62], rescaled to mean 1",
        },
        "headline": {
            "temperature": args.low_t,
            "p_swap": 0.2,
            "step": 0.2,
            "moves_per_second_wall_best": cases[0]["moves_per_second_wall_best"],
            "moves_per_second_cpu_best": cases[0]["moves_per_second_cpu_best"],
            "moves_per_second_wall_median": cases[0]["moves_per_second_wall_median"],
            "moves_per_second_cpu_median": cases[0]["moves_per_second_cpu_median"],
            "target_issue3": TARGET,
            "target_issue14": TARGET_STEP_02,
            "meets_issue14_target": cases[0]["moves_per_second_cpu_best"] >= TARGET_STEP_02,
        },
        "headline_30_percent": {
            "temperature": args.low_t,
            "p_swap": 0.2,
            "step": step30,
            "step_calibrated": args.step30 is None,
            "acceptance_displacement": cases[1]["acceptance_displacement"],
            "moves_per_second_wall_best": cases[1]["moves_per_second_wall_best"],
            "moves_per_second_cpu_best": cases[1]["moves_per_second_cpu_best"],
            "moves_per_second_wall_median": cases[1]["moves_per_second_wall_median"],
            "moves_per_second_cpu_median": cases[1]["moves_per_second_cpu_median"],
            "target_issue14": TARGET_STEP_30,
            "meets_issue14_target": cases[1]["moves_per_second_cpu_best"] >= TARGET_STEP_30,
        },
        "baseline_ref": args.baseline_ref,
        "cases": cases,
        "skin_scan": skin_scan,
        "machine": info,
        "single_core": True,
        "threads": {k: os.environ.get(k) for k in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS")},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(dumps_strict(result, indent=1))
    print(
        f"machine: {info['cpu_model']} | {info['platform']} | numba {info['numba']} "
        f"| load before {load_before[0]:.1f}, after {load_after[0]:.1f}"
    )
    for case in cases + skin_scan:
        line = (
            f"{case['label']:<36} T={case['temperature']:<5} |Δr|={case['step']:<6.4f} p_swap={case['p_swap']:<4} "
            f"skin={case['skin']:<4} wall best {case['moves_per_second_wall_best']:.3g}/s "
            f"cpu best {case['moves_per_second_cpu_best']:.3g}/s | acc {case['acceptance_displacement']:.3f}"
        )
        if "ratio_new_over_old_wall_best" in case:
            line += (
                f" | old {case['baseline_moves_per_second_wall_best']:.3g}/s, new/old "
                f"{case['ratio_new_over_old_wall_best']:.2f} (median of pairs "
                f"{case['ratio_new_over_old_wall_median_of_pairs']:.2f}), "
                f"identical {case['chains_bit_identical']}"
            )
        print(line)


if __name__ == "__main__":
    main()
