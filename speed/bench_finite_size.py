"""Cost and scale of the finite-size generator (issue 25, item 7), as ratios measured in one run.

Per-sample cost against N
    From the ``stage_seconds`` stored in every part of the finite-size ladder (``studies/finite_size_queue.sh``,
    or the study's compact form of it, ``studies/results/finite_size_modes.nc``):
    the median seconds of each stage (Monte Carlo, quench, Hessian, lowest modes, moduli) at each N, and the
    exponent b of cost ∝ N^b fitted by least squares in log–log over the sizes with data.

At one large N (default 16000; ``--n``), on one core, the same glass (T* = ∞ quench, m = 2):
    - swap Monte Carlo (T* = 1, |Δr| = 0.2, p_swap = 0.2): attempted moves per second at N and at 1000, each
      over the same number of moves (``--moves``), median of 3 runs, and their ratio (target ≥ 0.9: a
      cell/Verlet-list kernel is O(1) per move);
    - one sparse LU factorisation of H − σ1 (SuperLU, the ordering of
      :func:`vdosbench.generators.spectra.lowest_modes_shift_invert`, σ = −10⁻²): the floor;
    - the lowest ``--modes`` (300) modes by Chebyshev-filtered subspace iteration
      (:func:`vdosbench.generators.glasses.lowest_modes.lowest_modes`), ratio to the LU (target ≤ 3);
    - shear, longitudinal and bulk moduli by deflated CG (:func:`vdosbench.generators.glasses.moduli.elastic_moduli`,
      the lowest 50 modes deflated, as the generator does), ratio to the LU (target ≤ 2); and the pinned-LU
      shear route of :func:`vdosbench.generators.glasses.elastic.shear_modulus` for comparison.

Usage::

    taskset -c 0 python speed/bench_finite_size.py [--ladder runs/finite_size] [--n 16000] [--modes 300]

Writes ``speed/results/finite_size_cost.json``.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse
import scipy.sparse.linalg
import xarray as xr

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine_info import machine  # noqa: E402  (this folder)

from vdosbench.datasets.io import write_text  # noqa: E402
from vdosbench.generators.glasses.elastic import shear_modulus  # noqa: E402
from vdosbench.generators.glasses.hessian import hessian_matrix, interacting_pairs  # noqa: E402
from vdosbench.generators.glasses.lowest_mode_glasses import STAGES  # noqa: E402
from vdosbench.generators.glasses.lowest_modes import lowest_modes  # noqa: E402
from vdosbench.generators.glasses.minimize import QuenchSettings, quench  # noqa: E402
from vdosbench.generators.glasses.moduli import elastic_moduli  # noqa: E402
from vdosbench.generators.glasses.montecarlo import MCSettings, run_swap_mc  # noqa: E402
from vdosbench.generators.glasses.soft_spheres import GlassParams, remove_overlaps, start_configuration  # noqa: E402
from vdosbench.generators.spectra import translation_modes  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"mc_rate_ratio": (">=", 0.9), "lowest_modes_over_lu": ("<=", 3.0), "moduli_over_lu": ("<=", 2.0)}


def _stage_seconds(root: Path) -> dict[int, np.ndarray]:
    """(samples, stages) seconds per N: from a ladder folder's parts, or from the compact form the study writes
    (``studies/results/finite_size_modes.nc``, one group per point, N in its ``n_particles`` attribute)."""
    per_n: dict[int, list[np.ndarray]] = {}
    if root.suffix == ".nc":
        import netCDF4

        with netCDF4.Dataset(root) as f:
            groups = list(f.groups)
        for g in groups:
            with xr.open_dataset(root, group=g) as ds:
                per_n.setdefault(int(ds.attrs["n_particles"]), []).append(ds["stage_seconds"].values)
    else:
        for folder in sorted(root.glob("n*")):
            files = glob.glob(str(folder / "parts" / "*" / "sample-*.nc"))
            for f in files:
                with xr.open_dataset(f) as ds:
                    per_n.setdefault(int(folder.name[1:]), []).append(ds["stage_seconds"].values)
    return {n: np.concatenate(v, axis=0) for n, v in per_n.items()}


def ladder_costs(root: Path) -> dict[str, Any]:
    """Median stage seconds per N from the ladder (folder or compact form), and the fitted exponent of each
    stage."""
    per_n = _stage_seconds(root)
    sizes = sorted(per_n)
    table = {str(n): {"n_parts": int(per_n[n].shape[0]),
                      **{s: float(np.median(per_n[n][:, k])) for k, s in enumerate(STAGES)},
                      "total": float(np.median(per_n[n].sum(axis=1)))} for n in sizes}
    exponents = {}
    if len(sizes) >= 2:
        x = np.log(sizes)
        for s in (*STAGES, "total"):
            y = np.log([table[str(n)][s] for n in sizes])
            if np.all(np.isfinite(y)):
                exponents[s] = float(np.polyfit(x, y, 1)[0])
    return {"source": str(root), "sizes": sizes, "median_seconds": table, "exponent_b": exponents,
            "note": "both tapers and every T* with data pooled (the Monte Carlo stage is ~0 for inf); one worker, "
                    "one core"}


def mc_rate(n: int, moves: int, repeats: int = 3, seed: int = 1) -> dict[str, Any]:
    """Attempted moves per second of swap MC at T* = 1 (after 20 sweeps of warm-up from a relaxed start).

    Every N is timed over the same number of attempted moves (``moves``, rounded up to whole sweeps), so that
    the fixed cost of a call (the neighbour list built at its start, the total energy) weighs the same at every N;
    ``repeats`` timed runs in a row, the median reported.
    """
    p = GlassParams(n_particles=n)
    start = start_configuration(p, np.random.SeedSequence(seed))
    pos = remove_overlaps(start, p.pair_potential)
    rng = np.random.default_rng(seed)
    warm = MCSettings(temperature=1.0, n_sweeps=20, step=0.2, p_swap=0.2, skin=0.6, record_every=20)
    mc = run_swap_mc(pos, start.box_length, start.sizes, start.species, p.pair_potential, warm, rng)
    sweeps = max(1, -(-moves // n))
    timed = MCSettings(temperature=1.0, n_sweeps=sweeps, step=0.2, p_swap=0.2, skin=0.6, record_every=sweeps)
    rates = []
    for _ in range(repeats):
        t = time.perf_counter()
        mc = run_swap_mc(mc.positions, start.box_length, mc.sizes, start.species, p.pair_potential, timed, rng)
        rates.append(n * sweeps / (time.perf_counter() - t))
    return {"sweeps": sweeps, "moves_per_run": n * sweeps, "rates": rates, "median": float(np.median(rates))}


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
    lu = scipy.sparse.linalg.splu((h + 1e-2 * scipy.sparse.identity(dn, format="csc")).tocsc(),
                                  permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=0.0, options={"SymmetricMode": True})
    out["lu_seconds"] = time.perf_counter() - t
    out["lu_fill"] = float((lu.L.nnz + lu.U.nnz) / h.nnz)
    del lu
    ex = translation_modes(n, 3)
    res = lowest_modes(h, modes, exclude=ex, tol=1e-9)
    out.update(lowest_modes_seconds=res.seconds, lowest_modes_k=modes, lowest_modes_converged=bool(res.converged),
               lowest_modes_block_products=int(res.block_products))
    low = lowest_modes(h, 50, exclude=ex, tol=1e-9)
    t = time.perf_counter()
    m = elastic_moduli(config, pot, pairs, hessian=h, modes=low.eigenvectors, eigenvalues=low.eigenvalues)
    out.update(moduli_seconds=time.perf_counter() - t, moduli_cg_iterations=m.cg_iterations,
               shear_modulus=m.shear_modulus, bulk_modulus=m.bulk, longitudinal_modulus=m.longitudinal_modulus)
    if n <= 8000:  # the pinned-LU shear route: 100 s at N = 8000, too long beyond
        t = time.perf_counter()
        g = shear_modulus(config, pot, pairs)
        out.update(shear_lu_seconds=time.perf_counter() - t, shear_lu_relative_difference=abs(g.value / m.shear_modulus - 1))
    out["lowest_modes_over_lu"] = out["lowest_modes_seconds"] / out["lu_seconds"]
    out["moduli_over_lu"] = out["moduli_seconds"] / out["lu_seconds"]
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ladder", type=Path, default=ROOT / "studies" / "results" / "finite_size_modes.nc",
                    help="a ladder folder (runs/finite_size) or the study's compact form (the default)")
    ap.add_argument("--n", type=int, default=16000)
    ap.add_argument("--modes", type=int, default=300)
    ap.add_argument("--moves", type=int, default=2_000_000, help="attempted moves per timed MC run, at every N")
    ap.add_argument("--out", type=Path, default=ROOT / "speed" / "results" / "finite_size_cost.json")
    ap.add_argument("--mc-only", action="store_true",
                    help="re-measure only the Monte Carlo rates, keeping the large-glass numbers of --out (the "
                         "record says when each part was measured)")
    args = ap.parse_args(argv)
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    if args.mc_only:
        doc = json.loads(args.out.read_text())
        doc["method"] = __doc__
    else:
        doc = {"method": __doc__, "machine": machine("numpy", "scipy", "numba"),
               "threads": {k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "NUMBA_NUM_THREADS")}}
    doc["ladder"] = ladder_costs(args.ladder)
    rates = {str(n): mc_rate(n, args.moves) for n in (1000, args.n)}
    doc["mc_moves_per_second"] = rates
    doc["mc_rate_ratio"] = rates[str(args.n)]["median"] / rates["1000"]["median"]
    doc.setdefault("measured_at", {})["monte_carlo"] = now
    print(f"MC moves/s: {rates}; ratio {doc['mc_rate_ratio']:.3f}", flush=True)
    if not args.mc_only:
        doc["large"] = large_glass(args.n, args.modes)
        doc["measured_at"]["large"] = now
        print(json.dumps(doc["large"], indent=1), flush=True)
    values = {"mc_rate_ratio": doc["mc_rate_ratio"], "lowest_modes_over_lu": doc["large"]["lowest_modes_over_lu"],
              "moduli_over_lu": doc["large"]["moduli_over_lu"]}
    doc["targets"] = {k: {"value": values[k], "target": f"{op} {v:g}",
                          "met": bool(values[k] >= v if op == ">=" else values[k] <= v)}
                      for k, (op, v) in TARGETS.items()}
    write_text(args.out, json.dumps(doc, indent=1, default=float))
    print(json.dumps(doc["targets"], indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
