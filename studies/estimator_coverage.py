"""Coverage of the intervals of the nonphononic estimators on correlated mock spectra (issue 25, item 2).

Does a 95 % interval contain the true s in 95 % of ensembles when levels repel
(GOE) and when the structures of one Monte Carlo chain share soft modes?  For
each scenario, ``--replicates`` independent mock ensembles
(:func:`vdosbench.generators.mock_glass_spectra`, true s = 4, N = 1000) are
measured by :func:`vdosbench.validators.window_mle` on (0, c·ω₀ᵢ], and for each
interval method the fraction of intervals holding the true s is reported with
its binomial standard error and Wilson 95 % interval:

* ``bootstrap_groups``: percentile bootstrap over chains (the reported interval);
* ``bootstrap_groups_expanded``: the same replicates read at Hesterberg's expanded percentile
  levels (:func:`vdosbench.validators.expanded_levels`), which undo the percentile interval's
  narrowness over few units; scenarios computed before it was added lack it (the dates of this study's
  sections and scenarios are in ``docs/findings/finite-size.md``, History);
* ``bootstrap_samples``: the same, ignoring the chains (every sample a unit);
* ``fisher``: s ± 1.96 u/√n (independent modes);
* ``profile``: the likelihood-ratio interval (independent modes).

Scenarios: GOE levels with independent samples; Poisson levels with
independent samples; GOE with 20 chains × 5 structures, with 6 chains × 5 and
with 5 chains × 5 (the fewest a T_d point was assessed with until this scenario's
result raised :data:`vdosbench.validators.results.result.MIN_GROUPS` to 6), each structure
keeping a parent level of its chain with probability 0.7;
Poisson levels in 20 chains × 10 structures keeping 95 % of the parent levels
(strongly correlated structures, the case built to break the independent-mode
intervals; tests/studies/test_estimator_coverage.py checks it at small M); and GOE levels in 20 independent
samples at N = 8000 and in 10 at N = 16000, the
sample counts of the high-T* ladder's largest points, whose intervals are bootstraps over
so few samples, with the default nonphononic prefactor and with the one (3× and 3.5×) that
puts as many modes in the c = 0.7 window as the measured high-T* points hold.
Section ``debye_excess``: the same scenarios measured by
:func:`vdosbench.validators.debye_excess` (cumulative count minus the box's
Debye shells, window (0.2, 0.9]·ω̄₀), its bootstrap over chains
(``bootstrap_groups``, the reported interval) and over samples
(``bootstrap_samples``).
Section ``paired``: the paired differences that the taper and model comparisons of
``studies/finite_size.py`` report, :func:`vdosbench.validators.paired_window_difference` (c = 0.5, the primary,
and c = 0.7) and :func:`vdosbench.validators.paired_debye_excess_difference`, on pairs of GOE mock ensembles
with chains (memory 0.7) whose true difference is 0 (both s = 4): ``independent`` pairs (no shared disorder)
and ``shared_moduli`` pairs (the same seed and a 1.25× larger nonphononic prefactor for the second: the same
shear and bulk moduli, hence ω₀, per sample, as chains from one start share them), at 20 chains and at 7;
each estimator's percentile interval and (``"<name> expanded"``) its expanded percentile
interval of the same replicates.
Section ``size_scaling``: the bootstrap intervals of
:func:`vdosbench.validators.count_scaling` (c = 0.7) and
:func:`vdosbench.validators.extreme_value` (mean) on ladders N = 1000, 2000,
4000, 8000 of 60 independent samples each, Poisson and GOE levels.
One thread, pinned by the caller (``taskset -c 0``).  Writes
``studies/results/estimator_coverage.json`` (temporary file, then renamed).

Usage::

    taskset -c 0 env OMP_NUM_THREADS=1 python studies/estimator_coverage.py [--replicates 120]
    # one scenario more, merged into the sections' existing results (same replicates and seed as they state):
    python studies/estimator_coverage.py --sections window_mle debye_excess --scenarios goe_5_chains_memory_0.7 \
        --replicates 80
    taskset -c 0 python studies/estimator_coverage.py --sections paired --replicates 60
"""

from __future__ import annotations

import argparse
import json
import math
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __name__ == "__main__":  # one thread per run; never change the environment of a process that imports this
    for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
        os.environ.setdefault(_var, "1")

import numpy as np

from vdosbench.generators import mock_glass_spectra
from vdosbench.generators.theory.mock_spectrum import DEFAULT_PREFACTOR, MockSpectra
from vdosbench.validators import (
    ModeSpectra,
    count_scaling,
    debye_excess,
    extreme_value,
    paired_debye_excess_difference,
    paired_window_difference,
    window_mle,
    wilson_interval,
)
from vdosbench.datasets.json_files import dumps_strict

METHODS = ("bootstrap_groups", "bootstrap_groups_expanded", "bootstrap_samples", "fisher", "profile")
#: The interval methods of :func:`debye_excess` (a bootstrap only: the fit has no likelihood).
DEBYE_METHODS = ("bootstrap_groups", "bootstrap_groups_expanded", "bootstrap_samples")
TRUE_S = 4.0


@dataclass(frozen=True)
class Scenario:
    """One kind of mock ensemble."""

    name: str
    levels: str
    n_samples: int
    structures_per_chain: int
    chain_memory: float
    n_particles: int = 1000
    factor: float = 0.7
    k: int = 60
    prefactor_ratio: float = 1.0

    def describe(self) -> dict[str, Any]:
        return {
            "levels": self.levels,
            "n_samples": self.n_samples,
            "structures_per_chain": self.structures_per_chain,
            "n_chains": self.n_samples // self.structures_per_chain,
            "chain_memory": self.chain_memory,
            "n_particles": self.n_particles,
            "window_factor": self.factor,
            "modes_per_sample": self.k,
            "true_s": TRUE_S,
            "nonphononic_prefactor_ratio": self.prefactor_ratio,
        }

    def mock(self, seed: int) -> MockSpectra:
        """One mock ensemble of this scenario."""
        return mock_glass_spectra(
            self.n_particles,
            self.n_samples,
            exponent=TRUE_S,
            levels=self.levels,
            k=self.k,
            structures_per_chain=self.structures_per_chain,
            chain_memory=self.chain_memory,
            seed=seed,
            prefactor=DEFAULT_PREFACTOR * self.prefactor_ratio,
        )


SCENARIOS = (
    Scenario("goe_independent", "goe", 40, 1, 0.0),
    Scenario("poisson_independent", "poisson", 40, 1, 0.0),
    Scenario("goe_20_chains_memory_0.7", "goe", 100, 5, 0.7),
    Scenario("goe_6_chains_memory_0.7", "goe", 30, 5, 0.7),
    Scenario("goe_5_chains_memory_0.7", "goe", 25, 5, 0.7),
    Scenario("poisson_20_chains_of_10_memory_0.95", "poisson", 200, 10, 0.95),
    # the high-T* ladder's small points: as few independent samples as N = 8000 and 16000 have
    # (20 and 10), at their N, with modes enough to reach 0.9 omega_0; first with the default nonphononic
    # prefactor, then with the prefactor that puts as many modes per sample in the c = 0.7 window as the measured
    # high-T* points hold there (3.6 - 4.2 at N = 8000, 2.6 - 2.8 at N = 16000; the mocks: 3.9 and 2.8)
    Scenario("goe_20_independent_n8000", "goe", 20, 1, 0.0, n_particles=8000, k=100),
    Scenario("goe_10_independent_n16000", "goe", 10, 1, 0.0, n_particles=16000, k=100),
    Scenario(
        "goe_20_independent_n8000_high_tstar_count", "goe", 20, 1, 0.0, n_particles=8000, k=100, prefactor_ratio=3.0
    ),
    Scenario(
        "goe_10_independent_n16000_high_tstar_count", "goe", 10, 1, 0.0, n_particles=16000, k=100, prefactor_ratio=3.5
    ),
)


#: The Wilson interval under the name ``studies/absolute_frequency_coverage.py`` imports it by; new code calls
#: :func:`vdosbench.validators.wilson_interval`.
wilson = wilson_interval


def replicate(scenario: Scenario, seed: int, n_bootstrap: int) -> dict[str, Any]:
    """One mock ensemble measured; which intervals hold the true s."""
    m = scenario.mock(seed)
    spectra = ModeSpectra(**m.arrays())
    est = window_mle(spectra, scenario.factor, n_bootstrap=n_bootstrap, seed=seed)
    flat = window_mle(
        ModeSpectra(**{**m.arrays(), "groups": None}), scenario.factor, n_bootstrap=n_bootstrap, seed=seed
    )
    intervals = {
        "bootstrap_groups": est.interval("bootstrap"),
        "bootstrap_groups_expanded": est.interval("bootstrap_expanded"),
        "bootstrap_samples": flat.interval("bootstrap"),
        "fisher": est.interval("fisher"),
        "profile": est.interval("profile"),
    }
    return {
        "s": est.value,
        "status": est.status,
        "covers": {k: bool(lo <= TRUE_S <= hi) for k, (lo, hi) in intervals.items()},
        "width": {k: hi - lo for k, (lo, hi) in intervals.items()},
    }


def debye_replicate(scenario: Scenario, seed: int, n_bootstrap: int) -> dict[str, Any]:
    """One mock ensemble measured by D − D_Debye; which of its bootstrap intervals hold the true s."""
    m = scenario.mock(seed)
    est = debye_excess(ModeSpectra(**m.arrays()), n_bootstrap=n_bootstrap, seed=seed)
    flat = debye_excess(ModeSpectra(**{**m.arrays(), "groups": None}), n_bootstrap=n_bootstrap, seed=seed)
    intervals = {
        "bootstrap_groups": est.interval("bootstrap"),
        "bootstrap_groups_expanded": est.interval("bootstrap_expanded"),
        "bootstrap_samples": flat.interval("bootstrap"),
    }
    return {
        "s": est.value,
        "status": est.status,
        "covers": {k: bool(lo <= TRUE_S <= hi) for k, (lo, hi) in intervals.items()},
        "width": {k: hi - lo for k, (lo, hi) in intervals.items()},
    }


def summarise(reps: list[dict[str, Any]], methods: tuple[str, ...]) -> dict[str, Any]:
    """Mean s and, per interval method, the coverage with its binomial standard error and Wilson interval."""
    m = len(reps)
    s = np.array([r["s"] for r in reps], dtype=float)
    out: dict[str, Any] = {
        "replicates": m,
        "mean_s": float(np.nanmean(s)),
        "mean_s_standard_error": float(np.nanstd(s, ddof=1) / math.sqrt(m)),
        "sd_s": float(np.nanstd(s, ddof=1)),
        "n_inconclusive": int(sum(r["status"] != "ok" for r in reps)),
        "methods": {},
    }
    for method in methods:
        k = sum(r["covers"][method] for r in reps)
        p = k / m
        out["methods"][method] = {
            "coverage": p,
            "binomial_standard_error": math.sqrt(p * (1 - p) / m),
            "wilson_95": list(wilson_interval(k, m)),
            "covered": int(k),
            "median_width": float(np.median([r["width"][method] for r in reps])),
        }
    return out


def coverage(
    scenario: Scenario, replicates: int, seed: int = 0, n_bootstrap: int = 500, estimator: str = "window_mle"
) -> dict[str, Any]:
    """Coverage of every interval method of ``estimator`` (``"window_mle"`` or ``"debye_excess"``) over
    ``replicates`` ensembles of ``scenario``."""
    one, methods = (replicate, METHODS) if estimator == "window_mle" else (debye_replicate, DEBYE_METHODS)
    reps = [one(scenario, seed + 1000 * r, n_bootstrap) for r in range(replicates)]
    return {"scenario": scenario.describe(), **summarise(reps, methods)}


# ----------------------------------------------------------------------------- paired differences

#: Estimators of the paired section: name -> (kind, window factor or None).
PAIRED_ESTIMATORS = {"mle c=0.5": ("window", 0.5), "mle c=0.7": ("window", 0.7), "debye excess": ("debye", None)}


@dataclass(frozen=True)
class PairedScenario:
    """Two mock ensembles paired sample by sample: s = 4 and ``second_exponent`` (4 in the study's scenarios)."""

    name: str
    n_chains: int
    pairing: str  # "independent" or "shared_moduli"
    structures_per_chain: int = 5
    chain_memory: float = 0.7
    n_particles: int = 1000
    k: int = 60
    prefactor_ratio: float = 1.25
    second_exponent: float = TRUE_S

    @property
    def true_difference(self) -> float:
        return TRUE_S - self.second_exponent

    def describe(self) -> dict[str, Any]:
        return {
            "levels": "goe",
            "n_chains": self.n_chains,
            "structures_per_chain": self.structures_per_chain,
            "chain_memory": self.chain_memory,
            "pairing": self.pairing,
            "n_particles": self.n_particles,
            "modes_per_sample": self.k,
            "true_s": [TRUE_S, self.second_exponent],
            "true_difference": self.true_difference,
            "second_prefactor_ratio": self.prefactor_ratio if self.pairing == "shared_moduli" else 1.0,
        }


PAIRED_SCENARIOS = (
    PairedScenario("goe_20_chains_independent", 20, "independent"),
    PairedScenario("goe_20_chains_shared_moduli", 20, "shared_moduli"),
    PairedScenario("goe_7_chains_shared_moduli", 7, "shared_moduli"),
)


def paired_replicate(scenario: PairedScenario, seed: int, n_bootstrap: int) -> dict[str, Any]:
    """One pair of mock ensembles; which paired-difference intervals hold the true difference."""
    common = {
        "levels": "goe",
        "k": scenario.k,
        "structures_per_chain": scenario.structures_per_chain,
        "chain_memory": scenario.chain_memory,
    }
    n = scenario.n_chains * scenario.structures_per_chain
    a = mock_glass_spectra(scenario.n_particles, n, exponent=TRUE_S, seed=seed, **common)
    if scenario.pairing == "shared_moduli":
        b = mock_glass_spectra(
            scenario.n_particles,
            n,
            exponent=scenario.second_exponent,
            seed=seed,
            prefactor=DEFAULT_PREFACTOR * scenario.prefactor_ratio,
            **common,
        )
    elif scenario.pairing == "independent":
        b = mock_glass_spectra(scenario.n_particles, n, exponent=scenario.second_exponent, seed=seed + 7919, **common)
    else:
        raise ValueError(f"pairing is {scenario.pairing!r}; expected 'independent' or 'shared_moduli'")
    sa, sb = ModeSpectra(**a.arrays()), ModeSpectra(**b.arrays())
    covers, width, values, intervals = {}, {}, {}, {}
    truth = scenario.true_difference
    for name, (kind, factor) in PAIRED_ESTIMATORS.items():
        m = (
            paired_window_difference(sa, sb, factor, n_bootstrap=n_bootstrap, seed=seed)
            if kind == "window"
            else paired_debye_excess_difference(sa, sb, n_bootstrap=n_bootstrap, seed=seed)
        )
        for key, (lo, hi) in ((name, (m.low, m.high)), (f"{name} expanded", m.expanded)):
            covers[key] = bool(lo <= truth <= hi) if np.isfinite(lo) and np.isfinite(hi) else False
            width[key] = hi - lo
            intervals[key] = (lo, hi)
        values[name] = m.value
    finite = all(np.isfinite(lo) and np.isfinite(hi) for lo, hi in intervals.values())
    return {
        "s": values["debye excess"],
        "values": values,
        "intervals": intervals,
        "status": "ok" if finite else "inconclusive",
        "covers": covers,
        "width": width,
    }


def paired_coverage(scenario: PairedScenario, replicates: int, seed: int = 0, n_bootstrap: int = 500) -> dict[str, Any]:
    """Coverage of the paired-difference intervals over ``replicates`` pairs of ``scenario``."""
    reps = [paired_replicate(scenario, seed + 1000 * r, n_bootstrap) for r in range(replicates)]
    out = summarise(reps, (*PAIRED_ESTIMATORS, *(f"{name} expanded" for name in PAIRED_ESTIMATORS)))
    del out["mean_s"], out["mean_s_standard_error"], out["sd_s"]
    out["mean_difference"] = {k: float(np.nanmean([r["values"][k] for r in reps])) for k in PAIRED_ESTIMATORS}
    out["sd_difference"] = {k: float(np.nanstd([r["values"][k] for r in reps], ddof=1)) for k in PAIRED_ESTIMATORS}
    return {"scenario": scenario.describe(), **out}


# ----------------------------------------------------------------------------- scaling with N

SIZE_LADDER = (1000, 2000, 4000, 8000)
SIZE_METHODS = ("count_scaling", "extreme_value")


def size_scaling_replicate(levels: str, n_samples: int, seed: int, n_bootstrap: int) -> dict[str, Any]:
    """One ladder of mock points (N = 1000 ... 8000); whether the count-scaling and extreme-value intervals hold s."""
    pts = [
        ModeSpectra(**mock_glass_spectra(n, n_samples, exponent=TRUE_S, levels=levels, k=30, seed=seed + n).arrays())
        for n in SIZE_LADDER
    ]
    ests = {
        "count_scaling": count_scaling(pts, 0.7, n_bootstrap=n_bootstrap, seed=seed),
        "extreme_value": extreme_value(pts, n_bootstrap=n_bootstrap, seed=seed),
    }
    out: dict[str, Any] = {"covers": {}, "width": {}, "values": {}}
    for name, est in ests.items():
        lo, hi = est.interval()
        out["covers"][name] = bool(lo <= TRUE_S <= hi)
        out["width"][name] = hi - lo
        out["values"][name] = est.value
    out["s"] = ests["count_scaling"].value
    out["status"] = "ok" if all(e.ok for e in ests.values()) else "inconclusive"
    return out


def size_scaling_coverage(
    levels: str, n_samples: int, replicates: int, seed: int = 0, n_bootstrap: int = 500
) -> dict[str, Any]:
    """Coverage of the bootstrap intervals of count scaling (c = 0.7) and extreme value across N."""
    reps = [size_scaling_replicate(levels, n_samples, seed + 100000 * r, n_bootstrap) for r in range(replicates)]
    out = summarise(reps, SIZE_METHODS)
    out["mean_s"] = {k: float(np.nanmean([r["values"][k] for r in reps])) for k in SIZE_METHODS}
    out["sd_s"] = {k: float(np.nanstd([r["values"][k] for r in reps], ddof=1)) for k in SIZE_METHODS}
    del out["mean_s_standard_error"]
    out["scenario"] = {
        "levels": levels,
        "n_samples_per_point": n_samples,
        "n_particles": list(SIZE_LADDER),
        "count_window_factor": 0.7,
        "extreme_value_statistic": "mean",
        "true_s": TRUE_S,
    }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--replicates", type=int, default=120)
    parser.add_argument("--n-bootstrap", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--goe-replicates",
        type=int,
        default=None,
        help="replicates of the GOE ladder of the size_scaling section (default: --replicates)",
    )
    parser.add_argument(
        "--sections",
        nargs="+",
        choices=("window_mle", "debye_excess", "paired", "size_scaling"),
        default=["window_mle", "debye_excess", "paired", "size_scaling"],
        help="what to (re)compute; the other section of an existing results file is kept",
    )
    parser.add_argument(
        "--scenarios",
        nargs="+",
        choices=[sc.name for sc in SCENARIOS],
        default=None,
        help="compute only these scenarios of the window_mle and debye_excess sections and merge "
        "them into the section's existing results (default: every scenario, replacing them)",
    )
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "estimator_coverage.json")
    args = parser.parse_args()
    chosen = [sc for sc in SCENARIOS if args.scenarios is None or sc.name in args.scenarios]
    payload: dict[str, Any] = json.loads(args.out.read_text()) if args.out.exists() else {}
    payload.update(
        {
            "study": "coverage of 95 % intervals of the nonphononic estimators on correlated mock spectra (issue 25, item 2)",
            "confidence": 0.95,
            "true_s": TRUE_S,
        }
    )
    if "window_mle" in args.sections:
        t0 = time.perf_counter()
        results = dict(payload.get("scenarios", {})) if args.scenarios else {}
        for sc in chosen:
            t = time.perf_counter()
            results[sc.name] = coverage(sc, args.replicates, args.seed, args.n_bootstrap)
            results[sc.name]["seconds"] = time.perf_counter() - t
            print(
                sc.name,
                {k: round(v["coverage"], 3) for k, v in results[sc.name]["methods"].items()},
                "mean s",
                round(results[sc.name]["mean_s"], 3),
                f"{results[sc.name]['seconds']:.0f} s",
                flush=True,
            )
        if not args.scenarios:
            payload.update(
                {
                    "estimator": "vdosbench.validators.window_mle",
                    "replicates": args.replicates,
                    "n_bootstrap": args.n_bootstrap,
                    "seed": args.seed,
                    "total_seconds": time.perf_counter() - t0,
                }
            )
        payload["scenarios"] = results
    if "debye_excess" in args.sections:
        t0 = time.perf_counter()
        earlier = payload.get("debye_excess", {})
        results = dict(earlier.get("scenarios", {})) if args.scenarios else {}
        for sc in chosen:
            t = time.perf_counter()
            results[sc.name] = coverage(sc, args.replicates, args.seed, args.n_bootstrap, estimator="debye_excess")
            results[sc.name]["seconds"] = time.perf_counter() - t
            print(
                "debye excess",
                sc.name,
                {k: round(v["coverage"], 3) for k, v in results[sc.name]["methods"].items()},
                "mean s",
                round(results[sc.name]["mean_s"], 3),
                f"{results[sc.name]['seconds']:.0f} s",
                flush=True,
            )
        payload["debye_excess"] = (
            {**earlier, "scenarios": results}
            if args.scenarios
            else {
                "estimator": "vdosbench.validators.debye_excess (window (0.2, 0.9] of the median omega_0, box shells)",
                "replicates": args.replicates,
                "n_bootstrap": args.n_bootstrap,
                "seed": args.seed,
                "total_seconds": time.perf_counter() - t0,
                "scenarios": results,
            }
        )
    if "paired" in args.sections:
        t0 = time.perf_counter()
        paired = {}
        for sc in PAIRED_SCENARIOS:
            t = time.perf_counter()
            paired[sc.name] = paired_coverage(sc, args.replicates, args.seed, args.n_bootstrap)
            paired[sc.name]["seconds"] = time.perf_counter() - t
            print(
                "paired",
                sc.name,
                {k: round(v["coverage"], 3) for k, v in paired[sc.name]["methods"].items()},
                {k: round(v, 3) for k, v in paired[sc.name]["mean_difference"].items()},
                f"{paired[sc.name]['seconds']:.0f} s",
                flush=True,
            )
        payload["paired"] = {
            "estimators": "vdosbench.validators.paired_window_difference (c = 0.5, 0.7), "
            "vdosbench.validators.paired_debye_excess_difference; percentile bootstrap over paired chains",
            "replicates": args.replicates,
            "n_bootstrap": args.n_bootstrap,
            "seed": args.seed,
            "total_seconds": time.perf_counter() - t0,
            "scenarios": paired,
        }
    if "size_scaling" in args.sections:
        t0 = time.perf_counter()
        sized = {}
        counts = {"poisson": args.replicates, "goe": args.goe_replicates or args.replicates}
        for levels in ("poisson", "goe"):
            t = time.perf_counter()
            sized[levels] = size_scaling_coverage(levels, 60, counts[levels], args.seed, args.n_bootstrap)
            sized[levels]["seconds"] = time.perf_counter() - t
            print(
                "size scaling",
                levels,
                {k: round(v["coverage"], 3) for k, v in sized[levels]["methods"].items()},
                sized[levels]["mean_s"],
                flush=True,
            )
        payload["size_scaling"] = {
            "estimators": "vdosbench.validators.count_scaling (c = 0.7), vdosbench.validators.extreme_value (mean)",
            "interval": "bootstrap (percentile of slopes refitted on per-point replicates)",
            "replicates": counts,
            "n_bootstrap": args.n_bootstrap,
            "seed": args.seed,
            "total_seconds": time.perf_counter() - t0,
            "scenarios": sized,
        }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".json.tmp")
    tmp.write_text(dumps_strict(payload, indent=2) + "\n")
    tmp.replace(args.out)
    print("wrote", args.out)


if __name__ == "__main__":
    main()
