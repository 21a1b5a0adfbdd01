"""Swap acceptance and Monte Carlo cost of the non-additive soft spheres against the seed's additive ones.

Issue 25 item 5 (fractionation control) adds the pair size
a_ij = (a_i + a_j)/2 · (1 − ε|a_i − a_j|) (Ninarello, Berthier & Coslovich,
PRX 7, 021039, 2017; ε = 0.2).  Non-additivity penalises unlike neighbours
less than like ones, so a swap changes the energy differently, and the swap
pre-rejection bound (additive sizes only) is off: every swap is evaluated.
This script measures, for ε = 0 and ε, on the same diameters and the same
random start per chain (N, density 1, m = 2, p_swap = 0.2, |Δr| = 0.2):

- the swap and displacement acceptance over ``--measure`` sweeps after
  ``--equilibrate`` sweeps at T, per T (a fixed budget from a random start:
  at the lowest T the state is still ageing, so the numbers compare the two
  models after the same protocol, not in equilibrium);
- the attempted moves per second of that measurement run (one core);
- the size segregation and the neighbour-size correlation at the end.

Nothing here is asserted; the numbers go to the report.  Usage::

    taskset -c 0 env OMP_NUM_THREADS=1 NUMBA_NUM_THREADS=1 .venv/bin/python studies/nonadditive_swaps.py \\
        --n 1000 --temperatures 1.0 0.3 0.2 --chains 2

Writes ``studies/results/nonadditive_swaps.json`` (``--out``).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from vdosbench.benchmark.machine import machine_info
from vdosbench.generators import polydisperse_configuration
from vdosbench.generators.glasses.equilibration import size_neighbour_correlation, size_segregation
from vdosbench.generators import MCSettings, run_swap_mc
from vdosbench.generators import soft_sphere_potential
from vdosbench.generators.glasses.soft_spheres import NINARELLO_NON_ADDITIVITY, remove_overlaps
from vdosbench.datasets import write_results


def run_chain(n: int, temperature: float, eps: float, seed: int, equilibrate: int, measure: int) -> dict:
    """One chain at T: random start (the same for every ε at this seed), equilibration, measurement."""
    pot = soft_sphere_potential(2, non_additivity=eps)
    rng = np.random.default_rng(seed)
    start = polydisperse_configuration(n, 3, rng)
    mc_rng = np.random.default_rng(seed + 1)
    eq = run_swap_mc(
        remove_overlaps(start, pot),
        start.box_length,
        start.sizes,
        start.species,
        pot,
        MCSettings(temperature=temperature, n_sweeps=equilibrate, record_every=equilibrate),
        mc_rng,
    )
    t0 = time.perf_counter()
    res = run_swap_mc(
        eq.positions,
        start.box_length,
        eq.sizes,
        eq.species,
        pot,
        MCSettings(temperature=temperature, n_sweeps=measure, record_every=measure),
        mc_rng,
    )
    seconds = time.perf_counter() - t0
    return {
        "non_additivity": eps,
        "temperature": temperature,
        "seed": seed,
        "acceptance_swap": res.acceptance_swap,
        "acceptance_displacement": res.acceptance_displacement,
        "moves_per_second": res.n_attempted / seconds,
        "energy_per_particle": float(res.energy_trace[-1]),
        "size_segregation": size_segregation(res.positions, start.box_length, res.sizes),
        "size_neighbour_correlation": size_neighbour_correlation(res.positions, start.box_length, res.sizes),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--temperatures", type=float, nargs="+", default=[1.0, 0.3, 0.2])
    parser.add_argument("--non-additivity", type=float, default=NINARELLO_NON_ADDITIVITY)
    parser.add_argument("--chains", type=int, default=2, help="chains (seeds) per (T, ε)")
    parser.add_argument("--equilibrate", type=int, default=2000, help="sweeps before the measurement")
    parser.add_argument("--measure", type=int, default=2000, help="sweeps measured")
    parser.add_argument("--seed", type=int, default=25_05)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "nonadditive_swaps.json")
    args = parser.parse_args()
    rows = []
    for temperature in args.temperatures:
        for chain in range(args.chains):
            for eps in (0.0, args.non_additivity):
                row = run_chain(args.n, temperature, eps, args.seed + 10 * chain, args.equilibrate, args.measure)
                rows.append(row)
                print(
                    f"T={temperature:g} eps={eps:g} chain {chain}: swap acc {row['acceptance_swap']:.4f}, "
                    f"displacement acc {row['acceptance_displacement']:.4f}, "
                    f"{row['moves_per_second'] / 1e6:.2f} M moves/s, e/N {row['energy_per_particle']:.4f}, "
                    f"segregation {row['size_segregation']:.2f}",
                    flush=True,
                )
    summary = {}
    for temperature in args.temperatures:
        for eps in (0.0, args.non_additivity):
            sel = [r for r in rows if r["temperature"] == temperature and r["non_additivity"] == eps]
            summary[f"T={temperature:g} eps={eps:g}"] = {
                k: float(np.mean([r[k] for r in sel]))
                for k in ("acceptance_swap", "acceptance_displacement", "moves_per_second", "size_segregation")
            }
    result = {
        "method": __doc__,
        "n_particles": args.n,
        "equilibrate_sweeps": args.equilibrate,
        "measure_sweeps": args.measure,
        "machine": machine_info(),
        "chains": rows,
        "mean": summary,
    }
    write_results(args.out, result, indent=1)
    for key, value in summary.items():
        print(key, {k: round(v, 4) for k, v in value.items()})


if __name__ == "__main__":
    main()
