"""Swap Monte Carlo at the chains' own settings: attempted moves per second, its floor, the cost per structure.

Issue 65 items 3 and 4.  The T_d chains of the non-additive control (recipes
``soft_spheres_lowest_n{N}_td_nonadditive``, :mod:`vdosbench.generators.glasses.lowest_mode_chains`) are the
project's largest computation and are Monte Carlo bound.  Their settings: soft spheres with the non-additive pair
size (ε = 0.2), T* = T_d = 0.0716, p_swap = 0.2, Verlet skin 0.6, |Δr| calibrated to 30 % displacement
acceptance, both tapers (m = 2 and m = ∞), N = 1000 and 2000.

For each (N, m) this script builds the chain's own parent liquid (as
:func:`~vdosbench.generators.glasses.glass_chains.glass_chain` does: the recipe's seed, overlaps removed, 200 sweeps
at |Δr| = 0.1, the step calibrated to 30 %, then ``--equilibration-sweeps`` of swap Monte Carlo; or loads it from
``--states``), and then:

- **moves/s**: ``--repeats`` runs of ``--sweeps`` sweeps from that liquid at the calibrated step, this checkout's
  kernel and, with ``--baseline-ref REF``, the kernel of that git revision, alternately (same state, same seeds),
  wall clock and CPU (process) time, best and median; whether the two chains are bit for bit the same;
- **the floor**: neighbours per move (the mean Verlet-list length, skin 0.6) × the cost of one pair evaluation ×
  2 (old and new position); the cost of one pair evaluation is the kernel's own per-particle sum
  (``_all_particle_energies``, no early exit) timed over the liquid's lists, divided by the entries it reads;
  each kernel against its own floor;
- **where the time goes**: the random numbers of a move (``_draw_batch``), per move, timed alone; the move counts
  of the run (displacements, swaps, accepted, list renewals); the kernel itself: ``speed/profile_mc_kernel.py``.

The floor and the draw time call the kernel module's own internal functions (``_all_particle_energies``,
``_tables``, ``_draw_batch``) through the module object of each kernel (this checkout's and the baseline's, side
by side), as the issue asks for the same compiled kernel; nothing else reaches below the public API.
- **τ_α** (``--tau``, N = 1000, m = 2): one segment of ``--tau-sweeps`` sweeps followed by F_s(q, t)
  (:func:`~vdosbench.generators.glasses.equilibration.relaxation_segments`, the chain's own measurement) with
  each kernel from the same state and seed;
- **cost per structure** (item 4): CPU core-hours per equilibrated structure from the measured CPU rates (median)
  and the analysis per structure (quench, lowest 50 modes, moduli: the medians of
  ``speed/results/finite_size_cost.json``), for the chain design of the recipes (200 + 220 000 sweeps, then 5
  structures 16 500 sweeps = 3 τ_α apart) and for 25 structures a chain at the same spacing.

Benchmark pinned to one core with one thread (``taskset -c 1``; ``OMP_NUM_THREADS=1 NUMBA_NUM_THREADS=1``); the
load average is recorded before and after.

Usage::

    taskset -c 1 python speed/bench_mc_production.py --baseline-ref main [--repeats 5] [--states DIR]

Writes ``speed/results/mc_production.json``.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from vdosbench.benchmark.machine import machine_info
from vdosbench.generators.glasses import montecarlo, relaxation
from vdosbench.generators.glasses.equilibration import relaxation_segments
from vdosbench.generators.glasses.glass_chains import FS_WAVENUMBER, PRE_SWEEPS, ChainParams, equilibrated_parent
from vdosbench.generators import T_D_NONADDITIVE
from vdosbench.generators.glasses.glass_pipeline import child_seed, start_configuration
from vdosbench.generators.glasses.lowest_mode_chains import RECIPES
from vdosbench.generators import LowestModeParams
from vdosbench.generators import INFINITE_ORDER
from vdosbench.datasets.json_files import dumps_strict

#: Modules of the Monte Carlo kernel, loaded from ``--baseline-ref`` (as ``speed/bench_montecarlo.py`` does).
KERNEL_MODULES = ("configurations", "potentials", "neighbors", "mc_sums", "verlet_lists", "mc_kernel", "montecarlo")

#: Issue 65 item 3: attempted moves per second at 30 % acceptance on this machine, and the largest time / floor.
TARGET_RATE = 3.5e6
TARGET_FLOOR_RATIO = 2.0
#: Steps of the chain's calibration (:func:`~vdosbench.generators.glasses.equilibration.calibrate_step`
#: defaults: 8 trials of 20 sweeps).
CALIBRATION_SWEEPS = 8 * 20
RESULTS = Path(__file__).parent / "results"


def baseline_module(ref: str, folder: Path | None = None) -> ModuleType:
    """The ``montecarlo`` module of git revision ``ref`` as the package ``mc_baseline`` in ``folder``.

    As ``bench_montecarlo.baseline_module``, but in a folder that can be kept (``--baseline-dir``): a file is
    rewritten only when its text changed, so numba's cache next to it survives from one run to the next.
    """
    root = Path(__file__).resolve().parents[1]
    folder = Path(tempfile.mkdtemp(prefix="mc_baseline_")) if folder is None else folder
    package = folder / "mc_baseline"
    package.mkdir(parents=True, exist_ok=True)
    texts = {"__init__": ""}
    for name in KERNEL_MODULES:
        shown = subprocess.run(
            ["git", "-C", str(root), "show", f"{ref}:generators/glasses/{name}.py"], capture_output=True, text=True
        )
        if shown.returncode == 0:
            texts[name] = shown.stdout
        elif name not in ("mc_sums", "verlet_lists", "mc_kernel"):  # later splits (issues 65, 66): optional
            raise SystemExit(f"--baseline-ref {ref}: no generators/glasses/{name}.py ({shown.stderr.strip()})")
    for name, text in texts.items():
        path = package / f"{name}.py"
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
    spec = importlib.util.spec_from_file_location(
        "mc_baseline", package / "__init__.py", submodule_search_locations=[str(package)]
    )
    sys.modules["mc_baseline"] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sys.modules["mc_baseline"])
    return importlib.import_module("mc_baseline.montecarlo")


def chain_params(n: int, taper: int, equilibration_sweeps: int) -> tuple[ChainParams, Any]:
    """The recipe's chain settings at (N, m) with a shorter equilibration, and its recipe."""
    recipe = RECIPES[f"soft_spheres_lowest_n{n}_td_nonadditive"]
    params = {
        **recipe.fixed,
        "taper_order": taper,
        "parent_temperature": T_D_NONADDITIVE,
        "equilibration_sweeps": equilibration_sweeps + 1,
        "spacing_sweeps": 1,
    }
    return ChainParams.from_mapping({**params, "potential": "soft_sphere"}, LowestModeParams), recipe


def parent_liquid(n: int, taper: int, sweeps: int, states: Path | None) -> dict[str, Any]:
    """The chain's parent liquid at (N, m): from ``states`` when saved there, else built (and saved)."""
    path = states / f"state_{n}_{'inf' if taper == INFINITE_ORDER else taper}.npz" if states else None
    if path is not None and path.exists():
        z = np.load(path)
        return {k: z[k] for k in z.files} | {"source": str(path)}
    p, recipe = chain_params(n, taper, sweeps)
    seq = np.random.SeedSequence(recipe.root_seed, spawn_key=(0,))
    rng = np.random.default_rng(child_seed(seq, 1))
    start = start_configuration(p.glass, seq)
    # the chain's parent liquid as glass_chains.glass_chain makes it (the same function, the same streams)
    mc, cal, _ = equilibrated_parent(start, p, p.glass.pair_potential, rng)
    state = {
        "positions": mc.positions,
        "sizes": mc.sizes,
        "species": mc.species,
        "box": start.box_length,
        "step": cal.step,
        "calibrated_acceptance": cal.acceptance,
        "skin": p.glass.mc_skin,
        "sweeps": PRE_SWEEPS + CALIBRATION_SWEEPS + sweeps,
    }
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(path, **state)
    return state | {"source": "built"}


def _settings(mc: ModuleType, state: dict, sweeps: int) -> Any:
    return mc.MCSettings(
        temperature=T_D_NONADDITIVE,
        n_sweeps=sweeps,
        step=float(state["step"]),
        p_swap=0.2,
        skin=float(state["skin"]),
        record_every=max(1, sweeps // 10),
    )


def _run(mc: ModuleType, state: dict, pot: Any, sweeps: int, seed: int) -> tuple[Any, float]:
    c0 = time.process_time()
    res = mc.run_swap_mc(
        state["positions"],
        float(state["box"]),
        state["sizes"],
        state["species"],
        pot,
        _settings(mc, state, sweeps),
        np.random.default_rng(seed),
    )
    return res, time.process_time() - c0


def same_chain(a: Any, b: Any) -> bool:
    """Bit for bit: positions, sizes, displacements, energy trace and the acceptances."""
    return bool(
        np.array_equal(a.positions, b.positions)
        and np.array_equal(a.sizes, b.sizes)
        and np.array_equal(a.displacement, b.displacement)
        and np.array_equal(a.energy_trace, b.energy_trace)
        and a.acceptance_displacement == b.acceptance_displacement
        and np.array_equal(a.acceptance_swap, b.acceptance_swap)
    )


def pair_cost(mc: ModuleType, state: dict, pot: Any, repeats: int = 7) -> dict[str, float]:
    """Seconds per list entry of the kernel's per-particle sum (no early exit), and the mean list length."""
    pos = np.ascontiguousarray(state["positions"])
    box = float(state["box"])
    vl = mc.VerletList.build(pos, box, pot.max_cutoff, float(state["skin"]))
    tables = mc._tables(pot)
    pe = np.zeros(pos.shape[0])
    scratch = np.empty(pos.shape[0])
    sizes = np.ascontiguousarray(state["sizes"], dtype=float)
    species = np.zeros(pos.shape[0], dtype=np.int64)
    args = (
        pos,
        sizes,
        species,
        box,
        pot.kind,
        pot.exponent,
        pot.taper_order,
        tables,
        vl.neighbors,
        vl.counts,
        pe,
        scratch,
    )
    mc._all_particle_energies(*args)
    best = np.inf
    for _ in range(repeats):
        c0 = time.process_time()
        for _ in range(20):
            mc._all_particle_energies(*args)
        best = min(best, (time.process_time() - c0) / 20)
    entries = int(vl.counts.sum())
    r_c2 = pot.max_cutoff**2
    i, j = vl.pairs()
    d = pos[j] - pos[i]
    d -= box * np.round(d / box)
    within = int(2 * np.count_nonzero(np.einsum("pk,pk->p", d, d) < r_c2))
    return {
        "seconds_per_pair": best / entries,
        "neighbours_per_particle": entries / pos.shape[0],
        "within_cutoff_per_particle": within / pos.shape[0],
        "sum_seconds": best,
    }


def draw_cost(mc: ModuleType, n: int, step: float, repeats: int = 7) -> float:
    """Seconds per move of drawing a batch's random numbers (the kernel module's ``_draw_batch``)."""
    rng = np.random.default_rng(0)
    settings = mc.MCSettings(T_D_NONADDITIVE, 1, step=step)
    best = np.inf
    for _ in range(repeats):
        c0 = time.process_time()
        mc._draw_batch(rng, mc.BATCH_MOVES, n, 3, settings)
        best = min(best, time.process_time() - c0)
    return best / mc.BATCH_MOVES


def time_case(state: dict, n: int, taper: int, sweeps: int, repeats: int, baseline: ModuleType | None) -> dict:
    """Rates of this kernel (and the baseline's, alternately), floors, counts and the draw cost at (N, m)."""
    p, _ = chain_params(n, taper, 1)
    pot = p.glass.pair_potential
    modules = {"new": montecarlo} | ({"old": baseline} if baseline is not None else {})
    for mc in modules.values():
        _run(mc, state, pot, 2, 0)  # compile / load the cache
    wall: dict[str, list[float]] = {k: [] for k in modules}
    cpu: dict[str, list[float]] = {k: [] for k in modules}
    identical = []
    last = {}
    for r in range(repeats):
        order = list(modules) if r % 2 == 0 else list(modules)[::-1]
        for name in order:
            res, cpu_s = _run(modules[name], state, pot, sweeps, 100 + r)
            wall[name].append(res.n_attempted / res.wall_seconds)
            cpu[name].append(res.n_attempted / cpu_s)
            last[name] = res
        if baseline is not None:
            identical.append(same_chain(last["new"], last["old"]))
    res = last["new"]
    n_moves = res.n_attempted
    out: dict[str, Any] = {
        "n_particles": n,
        "taper_order": "inf" if taper == INFINITE_ORDER else taper,
        "non_additivity": 0.2,
        "temperature": T_D_NONADDITIVE,
        "p_swap": 0.2,
        "skin": float(state["skin"]),
        "step": float(state["step"]),
        "liquid": {"source": state["source"], "sweeps_before": int(state.get("sweeps", -1))},
        "sweeps_per_run": sweeps,
        "attempted_moves_per_run": n_moves,
        "repeats": repeats,
        "acceptance_displacement": res.acceptance_displacement,
        "acceptance_swap": res.acceptance_swap,
        "list_renewals_per_move": res.neighbor_updates / n_moves,
        "draw_seconds_per_move": draw_cost(modules["new"], n, float(state["step"])),
    }
    for name in modules:
        floor = pair_cost(modules[name], state, pot)
        floor_per_move = 2.0 * floor["neighbours_per_particle"] * floor["seconds_per_pair"]
        med_cpu = float(np.median(cpu[name]))
        out[name] = {
            "moves_per_second_wall_best": max(wall[name]),
            "moves_per_second_wall_median": float(np.median(wall[name])),
            "moves_per_second_cpu_best": max(cpu[name]),
            "moves_per_second_cpu_median": med_cpu,
            "floor": floor | {"seconds_per_move": floor_per_move, "moves_per_second": 1.0 / floor_per_move},
            "time_over_floor_cpu_median": (1.0 / med_cpu) / floor_per_move,
        }
    if baseline is not None:
        out["ratio_new_over_old_cpu_median"] = (
            out["new"]["moves_per_second_cpu_median"] / out["old"]["moves_per_second_cpu_median"]
        )
        out["ratio_new_over_old_wall_best"] = (
            out["new"]["moves_per_second_wall_best"] / out["old"]["moves_per_second_wall_best"]
        )
        out["chains_bit_identical"] = bool(all(identical))
        out["ratio_new_over_old_cpu_median_of_pairs"] = float(np.median(np.array(cpu["new"]) / np.array(cpu["old"])))
        out["cpu_rates"] = {k: [float(x) for x in v] for k, v in cpu.items()}
    return out


def tau_alpha(state: dict, sweeps: int, baseline: ModuleType | None) -> dict:
    """τ_α (F_s(q, τ_α) = 1/e) of one segment from the liquid, with each kernel, the same seed."""
    p, _ = chain_params(1000, 2, 1)
    pot = p.glass.pair_potential
    out = {"sweeps": sweeps, "q": FS_WAVENUMBER}
    kernels = {"new": montecarlo} | ({"old": baseline} if baseline is not None else {})
    saved = (relaxation.run_swap_mc, relaxation.MCSettings)
    try:
        for name, mc in kernels.items():
            relaxation.run_swap_mc, relaxation.MCSettings = mc.run_swap_mc, mc.MCSettings
            c0 = time.process_time()
            seg = relaxation_segments(
                state["positions"],
                float(state["box"]),
                state["sizes"],
                state["species"],
                pot,
                T_D_NONADDITIVE,
                FS_WAVENUMBER,
                np.random.default_rng(2026),
                n_segments=1,
                max_segment_sweeps=sweeps,
                step=float(state["step"]),
                p_swap=0.2,
                skin=float(state["skin"]),
                stop_below=None,
            )
            out[name] = {
                "tau_alpha_sweeps": float(seg.tau_alpha[0]),
                "fs_end": float(seg.fs_end[0]),
                "mean_energy": float(seg.mean_energy[0]),
                "acceptance": float(seg.acceptance[0]),
                "cpu_seconds": time.process_time() - c0,
                "fs_curve": [seg.curves[0][0].tolist(), seg.curves[0][1].tolist()],
            }
    finally:
        relaxation.run_swap_mc, relaxation.MCSettings = saved
    if baseline is not None:
        out["identical"] = out["new"]["fs_curve"] == out["old"]["fs_curve"] and (
            out["new"]["tau_alpha_sweeps"] == out["old"]["tau_alpha_sweeps"]
        )
    return out


def analysis_seconds(n: int) -> float:
    """Quench + lowest modes + moduli (+ Hessian, mode measures) a structure: medians of finite_size_cost.json."""
    ladder = json.loads((RESULTS / "finite_size_cost.json").read_text())["ladder"]["median_seconds"][str(n)]
    return float(sum(v for k, v in ladder.items() if k not in ("n_parts", "total", "monte_carlo")))


def production_chains() -> dict:
    """CPU core-hours per structure of the control's chains as they ran (the kernel before issue 65): the median
    user CPU seconds a chain of ``studies/results/td_control_chain_times.json`` over its 5 structures."""
    path = Path(__file__).resolve().parents[1] / "studies" / "results" / "td_control_chain_times.json"
    chains = json.loads(path.read_text())["chains"]
    out = {}
    for key in sorted({(c["n_particles"], c["taper"]) for c in chains}):
        user = [c["user_s"] for c in chains if (c["n_particles"], c["taper"]) == key]
        med = float(np.median(user))
        out[f"N={key[0]}, m={key[1]}"] = {
            "chains": len(user),
            "median_user_seconds_per_chain": med,
            "core_hours_per_structure": med / 5 / 3600.0,
        }
    return {"source": str(path.relative_to(path.parents[2])), "rows": out}


def cost_per_structure(cases: list[dict], which: str) -> dict:
    """CPU core-hours per structure at each N and taper, and pooled over the tapers, for both chain designs."""
    designs = {
        "recipe: 5 structures after 220 000 sweeps, 3 tau_alpha apart": (220_000, 16_500, 5),
        "25 structures a chain, 3 tau_alpha apart": (220_000, 16_500, 25),
    }
    out: dict[str, Any] = {}
    for label, (burn, spacing, k) in designs.items():
        sweeps = PRE_SWEEPS + CALIBRATION_SWEEPS + burn + (k - 1) * spacing
        rows = {}
        for case in cases:
            n = case["n_particles"]
            rate = case[which]["moves_per_second_cpu_median"]
            mc_s = sweeps * n / rate
            per = (mc_s + k * analysis_seconds(n)) / k / 3600.0
            rows[f"N={n}, m={case['taper_order']}"] = {
                "chain_sweeps": sweeps,
                "mc_cpu_seconds_per_chain": mc_s,
                "analysis_cpu_seconds_per_structure": analysis_seconds(n),
                "core_hours_per_structure": per,
            }
        for n in sorted({c["n_particles"] for c in cases}):
            vals = [v["core_hours_per_structure"] for key, v in rows.items() if key.startswith(f"N={n},")]
            rows[f"N={n}, both tapers"] = {"core_hours_per_structure": float(np.mean(vals))}
        out[label] = rows
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000])
    parser.add_argument("--tapers", nargs="+", default=["2", "inf"])
    parser.add_argument("--sweeps", type=int, default=200, help="sweeps of each timed run")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--equilibration-sweeps",
        type=int,
        default=30_000,
        help="sweeps of the parent liquid after the calibration (the chains run 203 500)",
    )
    parser.add_argument("--states", type=Path, default=None, help="folder to save / load the parent liquids")
    parser.add_argument("--baseline-ref", default=None, help="git revision whose kernel is timed alternately")
    parser.add_argument(
        "--baseline-dir",
        type=Path,
        default=None,
        help="folder kept for the baseline's modules (and numba's cache of them)",
    )
    parser.add_argument("--tau", action="store_true", help="also measure tau_alpha (N = 1000, m = 2) with each kernel")
    parser.add_argument("--tau-sweeps", type=int, default=16_500)
    parser.add_argument("--note", default="", help="what else ran on the machine")
    parser.add_argument("--out", type=Path, default=RESULTS / "mc_production.json")
    args = parser.parse_args()

    baseline = baseline_module(args.baseline_ref, args.baseline_dir) if args.baseline_ref else None
    load_before = os.getloadavg()
    t0 = time.perf_counter()
    cases, states = [], {}
    for n in args.sizes:
        for label in args.tapers:
            taper = INFINITE_ORDER if label == "inf" else int(label)
            states[n, taper] = parent_liquid(n, taper, args.equilibration_sweeps, args.states)
            case = time_case(states[n, taper], n, taper, args.sweeps, args.repeats, baseline)
            cases.append(case)
            line = (
                f"N={n} m={label}: acc {case['acceptance_displacement']:.3f} swap {case['acceptance_swap']:.3f}; "
                f"new {case['new']['moves_per_second_cpu_median']:.3g}/s cpu median "
                f"(floor {case['new']['floor']['moves_per_second']:.3g}/s, time/floor "
                f"{case['new']['time_over_floor_cpu_median']:.2f})"
            )
            if baseline is not None:
                line += (
                    f"; old {case['old']['moves_per_second_cpu_median']:.3g}/s, new/old "
                    f"{case['ratio_new_over_old_cpu_median']:.2f} (median of pairs "
                    f"{case['ratio_new_over_old_cpu_median_of_pairs']:.2f}), "
                    f"identical {case['chains_bit_identical']}"
                )
            print(line, flush=True)
    tau = tau_alpha(states[1000, 2], args.tau_sweeps, baseline) if args.tau and (1000, 2) in states else None
    load_after = os.getloadavg()
    info = machine_info("numba")
    info["load_average_before"] = list(load_before)
    info["load_average_after"] = list(load_after)
    result = {
        "method": __doc__.split("Usage::")[0].strip(),
        "targets": {"moves_per_second_at_30_percent": TARGET_RATE, "time_over_floor_at_most": TARGET_FLOOR_RATIO},
        "headline": {
            f"N={c['n_particles']}, m={c['taper_order']}": {
                "moves_per_second_cpu_median": c["new"]["moves_per_second_cpu_median"],
                "moves_per_second_wall_best": c["new"]["moves_per_second_wall_best"],
                "floor_moves_per_second": c["new"]["floor"]["moves_per_second"],
                "time_over_floor": c["new"]["time_over_floor_cpu_median"],
                "acceptance_displacement": c["acceptance_displacement"],
                **(
                    {
                        "baseline_moves_per_second_cpu_median": c["old"]["moves_per_second_cpu_median"],
                        "ratio_new_over_old": c["ratio_new_over_old_cpu_median"],
                        "ratio_new_over_old_median_of_pairs": c["ratio_new_over_old_cpu_median_of_pairs"],
                        "chains_bit_identical": c["chains_bit_identical"],
                    }
                    if baseline is not None
                    else {}
                ),
            }
            for c in cases
        },
        "cost_per_structure": {"after": cost_per_structure(cases, "new")}
        | ({"before": cost_per_structure(cases, "old")} if baseline is not None else {})
        | {"production_chains_before": production_chains()},
        "tau_alpha": tau,
        "cases": cases,
        "baseline_ref": args.baseline_ref,
        "machine": info,
        "single_core": True,
        "taskset": os.sched_getaffinity(0) and sorted(os.sched_getaffinity(0)),
        "threads": {k: os.environ.get(k) for k in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS")},
        "other_load": args.note,
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "wall_seconds": time.perf_counter() - t0,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(dumps_strict(result, indent=1))
    print(f"wrote {args.out}; load before {load_before[0]:.1f}, after {load_after[0]:.1f}")


if __name__ == "__main__":
    main()
