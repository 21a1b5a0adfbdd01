"""Cost and scale of the finite-size generator (issue 25, item 7), as ratios measured in one run.

Per-sample cost against N
    From the ``stage_seconds`` stored in every part of the finite-size ladder (``studies/finite_size_queue.sh``,
    or the study's compact form of it, ``studies/results/finite_size_modes.nc``):
    the median seconds of each stage (Monte Carlo, quench, Hessian, lowest modes, moduli) at each N, and the
    exponent b of cost ∝ N^b fitted by least squares in log–log over the sizes with data; one table for T* = 1
    (1100 sweeps) and one for T* = ∞ (no Monte Carlo), both tapers pooled; the T_d chains of the same file are
    left out (380 000 sweeps a chain: their cost is the chains', in ``studies/results/finite_size.json``).

At one large N (default 16000; ``--n``), on one core, the same glass (T* = ∞ quench, m = 2):
    - swap Monte Carlo (T* = 1, |Δr| = 0.2, p_swap = 0.2): attempted moves per second at N and at 1000, each
      over the same number of moves (``--moves``), median of 3 runs, and their ratio (target ≥ 0.9: a
      cell/Verlet-list kernel is O(1) per move); with ``--mc-compare`` also for each setting of
      :data:`MC_VARIANTS` (the storage order ``locality`` and the refresh interval ``refresh_sweeps`` of
      :class:`vdosbench.generators.glasses.montecarlo.MCSettings`), timed round robin on identical work;
    - one sparse LU factorisation of H − σ1 (SuperLU, the ordering of
      :func:`vdosbench.generators.spectra.lowest_modes_shift_invert`, σ = −10⁻²): the floor;
    - the lowest ``--modes`` (300) modes by Chebyshev-filtered subspace iteration
      (:func:`vdosbench.generators.glasses.lowest_modes.lowest_modes`), ratio to the LU (target ≤ 3);
    - shear, longitudinal and bulk moduli by deflated CG (:func:`vdosbench.generators.glasses.moduli.elastic_moduli`,
      the lowest 50 modes deflated, as the generator does), ratio to the LU (target ≤ 2); and the pinned-LU
      shear route of :func:`vdosbench.generators.glasses.elastic.shear_modulus` for comparison.

Usage::

    taskset -c 0 python speed/bench_finite_size.py [--ladder runs/finite_size] [--n 16000] [--modes 300]
    taskset -c 0 python speed/bench_finite_size.py --mc-only --mc-compare
    python speed/bench_finite_size.py --ladder-only      # the per-sample table again, from the grown compact form

Writes ``speed/results/finite_size_cost.json``.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse
import scipy.sparse.linalg
import xarray as xr

from vdosbench.benchmark.machine import machine_info
from vdosbench.generators.glasses.elastic import shear_modulus
from vdosbench.generators import hessian_matrix, interacting_pairs
from vdosbench.generators.glasses.lowest_mode_glasses import STAGES
from vdosbench.generators.glasses.lowest_modes import lowest_modes
from vdosbench.generators import QuenchSettings, quench
from vdosbench.generators import elastic_moduli
from vdosbench.generators import MCSettings, run_swap_mc
from vdosbench.generators.glasses.soft_spheres import GlassParams, remove_overlaps, start_configuration
from vdosbench.generators.spectra import translation_modes
from vdosbench.datasets import write_results

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"mc_rate_ratio": (">=", 0.9), "lowest_modes_over_lu": ("<=", 3.0), "moduli_over_lu": ("<=", 2.0)}


#: The parent temperatures of the high-T* ladder whose per-sample cost is tabulated (1: 1100 sweeps of swap Monte
#: Carlo; inf: the instantaneous quench, no Monte Carlo).  The T_d chains of the same compact form are left out: their
#: Monte Carlo runs 380 000 sweeps a chain and is reported with the chains (``stage_seconds_mean`` of
#: ``studies/results/finite_size.json``), and pooled with the ladder it would move every median.
LADDER_TSTARS = ("1", "inf")


def _tstar_label(text: str) -> str:
    """``"1"`` for 1, 1.0 and ``"1.0"``; ``"inf"`` for infinity; the shortest float repr otherwise."""
    t = float(text)
    return "inf" if t == float("inf") else f"{t:g}"


def _stage_seconds(root: Path) -> dict[tuple[int, str], np.ndarray]:
    """(samples, stages) seconds per (N, T*): from a ladder folder's parts (``n{N}/parts/{point}/sample-*.nc``), or
    from the compact form the study writes (``studies/results/finite_size_modes.nc``, one group ``n{N}_m{m}_t{T*}``
    per point)."""
    per: dict[tuple[int, str], list[np.ndarray]] = {}
    if root.suffix == ".nc":
        import netCDF4

        with netCDF4.Dataset(root) as f:
            groups = list(f.groups)
        for g in groups:
            name = re.fullmatch(r"n(\d+)_m(?:inf|\d+)_t(.+)", g)
            if name is None:
                raise ValueError(
                    f"{root}: expected groups n{{N}}_m{{m}}_t{{T*}} (studies/finite_size.py's compact "
                    f"form), found {g!r}; pass that file or a ladder folder"
                )
            with xr.open_dataset(root, group=g) as ds:
                per.setdefault((int(name.group(1)), _tstar_label(name.group(2))), []).append(ds["stage_seconds"].values)
    else:
        for folder in sorted(root.glob("n*/parts/*")):
            name = re.fullmatch(r"taper_order-(?:-?\d+)__parent_temperature-(.+)", folder.name)
            if name is None:
                continue
            key = (int(folder.parent.parent.name[1:]), _tstar_label(name.group(1)))
            for f in sorted(glob.glob(str(folder / "sample-*.nc"))):
                with xr.open_dataset(f) as ds:
                    per.setdefault(key, []).append(ds["stage_seconds"].values)
    return {k: np.concatenate(v, axis=0) for k, v in per.items()}


def _cost_table(per_n: dict[int, np.ndarray]) -> dict[str, Any]:
    """Median seconds of each stage and of the total per N, and the exponent b of cost ∝ N^b of each stage (least
    squares in log–log over the sizes; a stage with a zero median at some N, the Monte Carlo of T* = ∞, has none)."""
    sizes = sorted(per_n)
    table = {
        str(n): {
            "n_parts": int(per_n[n].shape[0]),
            **{s: float(np.median(per_n[n][:, k])) for k, s in enumerate(STAGES)},
            "total": float(np.median(per_n[n].sum(axis=1))),
        }
        for n in sizes
    }
    exponents = {}
    if len(sizes) >= 2:
        x = np.log(sizes)
        for s in (*STAGES, "total"):
            with np.errstate(divide="ignore"):
                y = np.log([table[str(n)][s] for n in sizes])
            if np.all(np.isfinite(y)):
                exponents[s] = float(np.polyfit(x, y, 1)[0])
    return {"sizes": sizes, "median_seconds": table, "exponent_b": exponents}


def ladder_costs(root: Path) -> dict[str, Any]:
    """Median stage seconds per N of the high-T* ladder (folder or compact form), one table per parent temperature of
    :data:`LADDER_TSTARS` (both tapers pooled), and the fitted exponent of each stage.

    The top-level ``sizes``, ``median_seconds`` and ``exponent_b`` are those of T* = 1, the protocol whose Monte
    Carlo stage is run (``by_parent_temperature`` holds both); the T_d chains of the same file are left out.
    """
    per = _stage_seconds(root)
    by_t = {}
    for t in LADDER_TSTARS:
        per_n = {n: v for (n, tt), v in per.items() if tt == t}
        if per_n:
            by_t[t] = _cost_table(per_n)
    if "1" not in by_t:
        raise ValueError(
            f"{root}: expected T* = 1 points of the high-T* ladder, found (N, T*) "
            f"{sorted(per)}; pass studies/results/finite_size_modes.nc or a ladder folder"
        )
    return {
        "source": str(root),
        **by_t["1"],
        "by_parent_temperature": by_t,
        "left_out": sorted({f"T* = {t}" for (_, t) in per if t not in LADDER_TSTARS}),
        "note": "T* = 1 (1100 sweeps), both tapers pooled; T* = inf in by_parent_temperature; the T_d chains of "
        "the same file are left out (left_out); one worker, one core, the other core running another "
        "worker of the ladder or a chain",
    }


#: Monte Carlo settings compared by ``--mc-compare`` (beyond T* = 1, |Δr| = 0.2, p_swap = 0.2, skin 0.6): the two
#: storage orders of :attr:`MCSettings.locality` (the same chain bit for bit) and the refresh interval of the
#: per-particle sums (:attr:`MCSettings.refresh_sweeps`: 0, every batch, as before issue 25 item 7, or 64, the
#: default since; the same chain up to round-off).
MC_VARIANTS: dict[str, dict[str, Any]] = {
    "labels": {"locality": "labels", "refresh_sweeps": 0.0},
    "cells": {"locality": "cells", "refresh_sweeps": 0.0},
    "labels, refresh_sweeps=64": {"locality": "labels", "refresh_sweeps": 64.0},
    "cells, refresh_sweeps=64": {"locality": "cells", "refresh_sweeps": 64.0},
}


def _warm_start(n: int, seed: int) -> tuple[Any, Any, Any, np.random.Generator]:
    """A T* = 1 liquid of N particles after 20 sweeps of warm-up from a relaxed start, and the generator after it."""
    p = GlassParams(n_particles=n)
    start = start_configuration(p, np.random.SeedSequence(seed))
    pos = remove_overlaps(start, p.pair_potential)
    rng = np.random.default_rng(seed)
    warm = MCSettings(temperature=1.0, n_sweeps=20, step=0.2, p_swap=0.2, skin=0.6, record_every=20)
    return p, start, run_swap_mc(pos, start.box_length, start.sizes, start.species, p.pair_potential, warm, rng), rng


def _timed_settings(n: int, moves: int, **options: Any) -> MCSettings:
    sweeps = max(1, -(-moves // n))
    return MCSettings(temperature=1.0, n_sweeps=sweeps, step=0.2, p_swap=0.2, skin=0.6, record_every=sweeps, **options)


def mc_rate(n: int, moves: int, repeats: int = 3, seed: int = 1) -> dict[str, Any]:
    """Attempted moves per second of swap MC at T* = 1 (after 20 sweeps of warm-up from a relaxed start).

    Every N is timed over the same number of attempted moves (``moves``, rounded up to whole sweeps), so that
    the fixed cost of a call (the neighbour list built at its start, the total energy) weighs the same at every N;
    ``repeats`` timed runs in a row, the median reported.  Default :class:`MCSettings` otherwise.
    """
    p, start, mc, rng = _warm_start(n, seed)
    timed = _timed_settings(n, moves)
    rates, shares = [], []
    for _ in range(repeats):
        t, c = time.perf_counter(), time.process_time()
        mc = run_swap_mc(mc.positions, start.box_length, mc.sizes, start.species, p.pair_potential, timed, rng)
        wall = time.perf_counter() - t
        rates.append(n * timed.n_sweeps / wall)
        shares.append((time.process_time() - c) / wall)
    return {
        "sweeps": timed.n_sweeps,
        "moves_per_run": n * timed.n_sweeps,
        "rates": rates,
        "median": float(np.median(rates)),
        "cpu_over_wall": shares,
    }


def mc_rates_compared(sizes: Sequence[int], moves: int, repeats: int = 3, seed: int = 1) -> dict[str, Any]:
    """Moves per second of every :data:`MC_VARIANTS` setting at each N, timed on identical work, round robin.

    At each N one warm start (as :func:`mc_rate`); then ``repeats`` rounds, each timing every variant once over
    ``moves`` attempted moves from that same start with the same generator state, so the variants differ only in
    how they compute (a slow spell of the machine hits all of them alike).  Reports the median rate of each variant
    at each N, its ratio to its own rate at the first N, each variant's final energy (equal bit for bit between the
    storage orders), and the CPU time over the wall time of the timed runs (below 1 when the core was shared).
    """
    out: dict[str, Any] = {name: {"settings": opts, "rates": {}, "median": {}} for name, opts in MC_VARIANTS.items()}
    shares: list[float] = []
    for n in sizes:
        p, start, mc, rng = _warm_start(n, seed)
        state = rng.bit_generator.state
        for name in MC_VARIANTS:
            out[name]["rates"][str(n)] = []
        final: dict[str, float] = {}
        for _ in range(repeats):
            for name, opts in MC_VARIANTS.items():
                timed = _timed_settings(n, moves, **opts)
                run_rng = np.random.default_rng()
                run_rng.bit_generator.state = state
                t, c = time.perf_counter(), time.process_time()
                res = run_swap_mc(
                    mc.positions, start.box_length, mc.sizes, start.species, p.pair_potential, timed, run_rng
                )
                wall = time.perf_counter() - t
                out[name]["rates"][str(n)].append(n * timed.n_sweeps / wall)
                shares.append((time.process_time() - c) / wall)
                final[name] = float(res.energy_trace[-1])
        for name in MC_VARIANTS:
            out[name]["median"][str(n)] = float(np.median(out[name]["rates"][str(n)]))
            out[name].setdefault("final_energy_per_particle", {})[str(n)] = final[name]
    for name in MC_VARIANTS:
        med = out[name]["median"]
        out[name]["ratio"] = med[str(sizes[-1])] / med[str(sizes[0])]
    out["cpu_over_wall"] = {"min": min(shares), "median": float(np.median(shares))}
    return out


def large_glass(n: int, modes: int) -> dict[str, Any]:
    """LU floor, lowest modes and moduli of one quenched glass of N particles (module docstring)."""
    p = GlassParams(n_particles=n, parent_temperature=float("inf"), n_sweeps=0)
    pot = p.pair_potential
    t = time.perf_counter()
    config = quench(start_configuration(p, np.random.SeedSequence(7)), pot, QuenchSettings()).config
    out: dict[str, Any] = {"n_particles": n, "quench_seconds": time.perf_counter() - t}
    pairs = interacting_pairs(config, pot)
    h = hessian_matrix(config, pot, pairs=pairs)
    dn = h.shape[0]
    t = time.perf_counter()
    lu = scipy.sparse.linalg.splu(
        (h + 1e-2 * scipy.sparse.identity(dn, format="csc")).tocsc(),
        permc_spec="MMD_AT_PLUS_A",
        diag_pivot_thresh=0.0,
        options={"SymmetricMode": True},
    )
    out["lu_seconds"] = time.perf_counter() - t
    out["lu_fill"] = float((lu.L.nnz + lu.U.nnz) / h.nnz)
    del lu
    ex = translation_modes(n, 3)
    res = lowest_modes(h, modes, exclude=ex, tol=1e-9)
    out.update(
        lowest_modes_seconds=res.seconds,
        lowest_modes_k=modes,
        lowest_modes_converged=bool(res.converged),
        lowest_modes_block_products=int(res.block_products),
    )
    low = lowest_modes(h, 50, exclude=ex, tol=1e-9)
    t = time.perf_counter()
    m = elastic_moduli(config, pot, pairs, hessian=h, modes=low.eigenvectors, eigenvalues=low.eigenvalues)
    out.update(
        moduli_seconds=time.perf_counter() - t,
        moduli_cg_iterations=m.cg_iterations,
        shear_modulus=m.shear_modulus,
        bulk_modulus=m.bulk,
        longitudinal_modulus=m.longitudinal_modulus,
    )
    if n <= 8000:  # the pinned-LU shear route: 100 s at N = 8000, too long beyond
        t = time.perf_counter()
        g = shear_modulus(config, pot, pairs)
        out.update(
            shear_lu_seconds=time.perf_counter() - t, shear_lu_relative_difference=abs(g.value / m.shear_modulus - 1)
        )
    out["lowest_modes_over_lu"] = out["lowest_modes_seconds"] / out["lu_seconds"]
    out["moduli_over_lu"] = out["moduli_seconds"] / out["lu_seconds"]
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--ladder",
        type=Path,
        default=ROOT / "studies" / "results" / "finite_size_modes.nc",
        help="a ladder folder (runs/finite_size) or the study's compact form (the default)",
    )
    ap.add_argument("--n", type=int, default=16000)
    ap.add_argument("--modes", type=int, default=300)
    ap.add_argument("--moves", type=int, default=2_000_000, help="attempted moves per timed MC run, at every N")
    ap.add_argument("--out", type=Path, default=ROOT / "speed" / "results" / "finite_size_cost.json")
    ap.add_argument(
        "--mc-only",
        action="store_true",
        help="re-measure only the Monte Carlo rates, keeping the large-glass numbers of --out (the "
        "record says when each part was measured)",
    )
    ap.add_argument(
        "--ladder-only",
        action="store_true",
        help="re-read only the per-sample cost of the ladder (--ladder), keeping every timed number of "
        "--out: seconds, for a ladder that has grown",
    )
    ap.add_argument(
        "--mc-compare",
        action="store_true",
        help="also time the storage orders and the refresh interval of MC_VARIANTS at 1000 and --n "
        "(identical work, round robin), into the record's 'mc_variants'",
    )
    args = ap.parse_args(argv)
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    if args.ladder_only and (args.mc_only or args.mc_compare):
        ap.error("--ladder-only times nothing: leave out --mc-only and --mc-compare")
    if (args.ladder_only or args.mc_only) and not args.out.is_file():
        ap.error(
            f"--ladder-only and --mc-only update the record --out, expected at {args.out}, found none: "
            f"run once without them"
        )
    if args.ladder_only:
        doc = json.loads(args.out.read_text())
        doc["method"] = __doc__
        doc["ladder"] = ladder_costs(args.ladder)
        doc.setdefault("measured_at", {})["ladder"] = now
        write_results(args.out, doc, indent=1, default=float)
        print(json.dumps(doc["ladder"]["by_parent_temperature"], indent=1))
        return 0
    if args.mc_only:
        doc = json.loads(args.out.read_text())
        doc["method"] = __doc__
    else:
        doc = {
            "method": __doc__,
            "machine": machine_info("numpy", "scipy", "numba"),
            "threads": {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "NUMBA_NUM_THREADS")},
        }
    doc["ladder"] = ladder_costs(args.ladder)
    rates = {str(n): mc_rate(n, args.moves) for n in (1000, args.n)}
    doc["mc_moves_per_second"] = rates
    doc["mc_rate_ratio"] = rates[str(args.n)]["median"] / rates["1000"]["median"]
    defaults = MCSettings(temperature=1.0, n_sweeps=0)
    doc["mc_settings"] = (
        f"MCSettings defaults (locality={defaults.locality!r}, "
        f"refresh_sweeps={defaults.refresh_sweeps:g}) at T* = 1, skin 0.6"
    )
    doc.setdefault("measured_at", {})["monte_carlo"] = now
    print(f"MC moves/s: {rates}; ratio {doc['mc_rate_ratio']:.3f}", flush=True)
    if args.mc_compare:
        doc["mc_variants"] = mc_rates_compared((1000, args.n), args.moves)
        doc["measured_at"]["mc_variants"] = now
        for name in MC_VARIANTS:
            v = doc["mc_variants"][name]
            print(f"{name}: {v['median']} ratio {v['ratio']:.3f}", flush=True)
        print(f"CPU time / wall time of the timed runs: {doc['mc_variants']['cpu_over_wall']}", flush=True)
    doc["mc_load_average_1_5_15min"] = list(os.getloadavg())  # after the Monte Carlo timings, this process included
    if not args.mc_only:
        doc["large"] = large_glass(args.n, args.modes)
        doc["measured_at"]["large"] = now
        print(json.dumps(doc["large"], indent=1), flush=True)
    values = {
        "mc_rate_ratio": doc["mc_rate_ratio"],
        "lowest_modes_over_lu": doc["large"]["lowest_modes_over_lu"],
        "moduli_over_lu": doc["large"]["moduli_over_lu"],
    }
    targets = dict(TARGETS)
    for name in MC_VARIANTS:  # the same target for each compared setting
        if name not in doc.get("mc_variants", {}):
            continue
        values[f"mc_rate_ratio[{name}]"] = doc["mc_variants"][name]["ratio"]
        targets[f"mc_rate_ratio[{name}]"] = TARGETS["mc_rate_ratio"]
    doc["targets"] = {
        k: {"value": values[k], "target": f"{op} {v:g}", "met": bool(values[k] >= v if op == ">=" else values[k] <= v)}
        for k, (op, v) in targets.items()
    }
    write_results(args.out, doc, indent=1, default=float)
    print(json.dumps(doc["targets"], indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
