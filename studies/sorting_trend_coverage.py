"""Coverage of the sorting trend's interval: the percentile bootstrap of the mean slope over chains.

``studies/sorting_trend.py`` decides "grows" / "falls" from a 95 % percentile bootstrap of the mean per-chain slope
(:func:`vdosbench.validators.bootstrap`, chains independent).  This script measures how often that
interval holds the true mean for chains drawn with a known mean 0, at the chain counts of its points (12, 20) and of
the pooled model (104), from a normal and from a heavy-tailed Student t with 3 degrees of freedom (per-chain slopes
over five structures scatter with outliers).  Writes ``studies/results/sorting_trend_coverage.json``.

Usage (from the clone's root, as a module: it reads the study's bootstrap replicates from ``studies.sorting_trend``)::

    python -m studies.sorting_trend_coverage [--trials 400]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from studies.sorting_trend import N_BOOTSTRAP  # the replicates the study's intervals use
from vdosbench.datasets.io import write_text
from vdosbench.validators import bootstrap, wilson_interval
from vdosbench.datasets.json_files import dumps_strict

ROOT = Path(__file__).resolve().parents[1]
CHAINS = (12, 20, 104)
DRAWS = {"normal": lambda rng, n: rng.standard_normal(n), "student t, 3 dof": lambda rng, n: rng.standard_t(3, n)}


def coverage(draw: str, n_chains: int, trials: int, seed: int = 0) -> dict[str, float]:
    """Share of ``trials`` percentile intervals (``N_BOOTSTRAP`` replicates, as the study) that hold the true mean 0."""
    rng = np.random.default_rng([seed, n_chains, len(draw)])
    hits = 0
    for k in range(trials):
        est = bootstrap(np.mean, DRAWS[draw](rng, n_chains), n_bootstrap=N_BOOTSTRAP, seed=k)
        hits += est.low <= 0.0 <= est.high
    return {
        "chains": n_chains,
        "trials": trials,
        "coverage": hits / trials,
        "wilson_95": list(wilson_interval(hits, trials)),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trials", type=int, default=400)
    ap.add_argument("--out", type=Path, default=ROOT / "studies" / "results" / "sorting_trend_coverage.json")
    args = ap.parse_args(argv)
    rows = [{"draw": d, **coverage(d, n, args.trials)} for d in DRAWS for n in CHAINS]
    for r in rows:
        print(
            f"{r['draw']:>17s}  {r['chains']:3d} chains: coverage {r['coverage']:.3f} [{r['wilson_95'][0]:.3f}, {r['wilson_95'][1]:.3f}]"
        )
    write_text(args.out, dumps_strict({"method": __doc__, "rows": rows}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
