"""Issue 52 item 2: can the registered T_d reading decide the taper question?  Coverage and width on paired mocks.

The registration ``benchmark/registrations/td-control.toml`` reads the taper difference s(m = 2) − s(m = ∞) on
(0, 0.29 ω_g], paired by chain, on the new chains of the non-additive control (N = 1000: 40 chains of 5
structures a taper; N = 2000: 20 chains), against +1 (seed 001) and 0 (the rival), each ± 0.5.  Before those
chains are run, this study draws mocks at exactly those counts with a known difference and measures what the
registered interval does: its coverage of the truth and its mean width, and how often it gives each verdict.

Mocks (:func:`vdosbench.generators.mock_glass_spectra`, Poisson levels, chains of 5 structures, k = 20 modes): pure
power laws whose counts below 0.29 ω_g match the control's exploratory chains (0.79 and 0.55 modes a structure at
N = 1000 for m = 2 and ∞, the same per particle at N = 2000; ``reference-data/soft-spheres-lowest-n{N}-td-nonadditive.nc``),
shear modulus 2.45 (the control's 2.3 – 2.6), modulus scatter 9.5 % √(1000/N), the glasses' shell broadening.
Scenarios: +1 (s = 4 against 3, seed 001) and 0 (4 against 4, the rival).  Truth: the difference of the input
exponents.  Beside each N's reading, the difference pooled over N = 1000 and 2000 (the registration's amendment 1)
on the same mocks.  Writes ``studies/results/td_control_power.json``.

Run from the clone's root: ``python -m studies.td_control_power [--replicates 40] [--chains 200 100 --output X]``.
"""

from __future__ import annotations

import argparse
import math
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from vdosbench.benchmark import load_registration
from vdosbench.benchmark import judge
from vdosbench.generators import mock_glass_spectra
from vdosbench.validators import ModeSpectra, paired_band_difference, wilson_interval

from studies.td_control_stages import new_chains
from vdosbench.datasets import write_results

ROOT = Path(__file__).resolve().parents[1]
RESULT = ROOT / "studies" / "results" / "td_control_power.json"
X_EDGE = 0.29
SHEAR_MODULUS = 2.45
CHAIN = 5
#: New chains a taper the registration reads at stage 1, by N.
CHAINS = new_chains("stage 1")
#: Modes a structure below 0.29 ω_g in the control's exploratory chains at N = 1000 (m = 2, m = ∞).
COUNTS_N1000 = {2: 0.79, -1: 0.55}
SCENARIOS = {"+1 (seed 001)": (4.0, 3.0), "0 (rival)": (4.0, 4.0)}
N_BOOTSTRAP = 400


def prefactor(count_n1000: float, exponent: float, n: int) -> float:
    """A of N A ω^s whose mean count below X_EDGE ω_g is ``count_n1000`` × N/1000 (ρ = 1, mean modulus)."""
    edge = X_EDGE * math.sqrt(SHEAR_MODULUS)
    return count_n1000 * (n / 1000) * (exponent + 1) / (n * edge ** (exponent + 1))


def paired_points(
    n: int, scenario: tuple[float, float], seed: int, chains: int | None = None
) -> tuple[ModeSpectra, ModeSpectra]:
    """The m = 2 (first exponent) and m = ∞ (second) mock points of one replicate at N = ``n``, the registered
    counts (or ``chains`` a taper)."""
    chains = CHAINS[n] if chains is None else chains
    points = []
    for j, (taper, s) in enumerate(zip((2, -1), scenario)):
        mock = mock_glass_spectra(
            n,
            chains * CHAIN,
            exponent=s,
            prefactor=prefactor(COUNTS_N1000[taper], s, n),
            k=20,
            levels="poisson",
            hybridisation=round(0.23 * (1000 / n) ** 0.24, 12),
            structures_per_chain=CHAIN,
            shear_modulus=SHEAR_MODULUS,
            modulus_scatter=0.095,
            seed=10_000 * seed + 2 * n + j,
        )
        points.append(ModeSpectra(**mock.arrays()))
    return points[0], points[1]


def replicate(n: int, scenario: tuple[float, float], seed: int, chains: int | None = None) -> Any:
    """One paired difference at N = ``n`` (:func:`paired_points`)."""
    return paired_band_difference(
        *paired_points(n, scenario, seed, chains), 0.0, X_EDGE, n_bootstrap=N_BOOTSTRAP, seed=seed
    )


def pooled_replicate(scenario: tuple[float, float], seed: int, chains: dict[int, int]) -> tuple[Any, dict[int, Any]]:
    """One replicate at every N of ``chains``: the difference pooled over the sizes (registration amendment 1:
    one band MLE a taper over both sizes' structures, each size's chains resampled on their own) and, from the
    same mocks, each size's own difference (what :func:`replicate` gives)."""
    pairs = {n: paired_points(n, scenario, seed, count) for n, count in chains.items()}
    per_n = {
        n: paired_band_difference(*pair, 0.0, X_EDGE, n_bootstrap=N_BOOTSTRAP, seed=seed) for n, pair in pairs.items()
    }
    pooled = paired_band_difference(
        [p[0] for p in pairs.values()], [p[1] for p in pairs.values()], 0.0, X_EDGE, n_bootstrap=N_BOOTSTRAP, seed=seed
    )
    return pooled, per_n


def _summary(ms: list[Any], truth: float, rules: dict[str, Any]) -> dict[str, Any]:
    covers = sum(m.low <= truth <= m.high for m in ms)
    verdicts = {rule: dict(Counter(judge(m, expect)[0].value for m in ms)) for rule, expect in rules.items()}
    return {
        "coverage": covers / len(ms),
        "wilson_95": list(wilson_interval(covers, len(ms))),
        "mean_estimate": float(np.mean([m.value for m in ms])),
        "mean_width": float(np.mean([m.high - m.low for m in ms])),
        "verdicts_on_+1": verdicts["+1"],
        "verdicts_on_0": verdicts["0"],
    }


def study(replicates: int, chains: dict[int, int] | None = None) -> dict[str, Any]:
    """Coverage, mean width and verdicts of the registered paired interval per N, and of the difference pooled over
    N (amendment 1), per scenario (at ``chains`` new chains a taper by N instead of the registered
    :data:`CHAINS`, for a larger design).  The pooled reading uses the same mocks as the per-N ones."""
    chains = dict(CHAINS if chains is None else chains)
    reg = load_registration("td-control")
    rules = {
        "+1": reg.claim("schirmacher.td-taper-difference-absolute").expect,
        "0": reg.claim("lerner-bouchbinder.td-taper-0-absolute").expect,
    }
    out: dict[str, Any] = {
        "method": {
            "registration": reg.path.name,
            "registered": reg.registered,
            "x_edge": X_EDGE,
            "chains": chains,
            "structures_per_chain": CHAIN,
            "counts_n1000": {str(k): v for k, v in COUNTS_N1000.items()},
            "shear_modulus": SHEAR_MODULUS,
            "levels": "poisson",
            "n_bootstrap": N_BOOTSTRAP,
            "replicates": replicates,
            "scenarios": {k: list(v) for k, v in SCENARIOS.items()},
            "pooled": "one band MLE a taper over every N's structures (registration amendment 1), from the "
            "same mocks as the per-N readings",
        },
        "results": {},
    }
    pooled_key = "pooled N=" + "+".join(str(n) for n in chains)
    for name, scenario in SCENARIOS.items():
        truth = scenario[0] - scenario[1]
        runs = [pooled_replicate(scenario, seed, chains) for seed in range(replicates)]
        for n in chains:
            out["results"][f"N={n}, truth {name}"] = _summary([r[1][n] for r in runs], truth, rules)
        out["results"][f"{pooled_key}, truth {name}"] = _summary([r[0] for r in runs], truth, rules)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Command line (module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=40)
    parser.add_argument("--output", type=Path, default=RESULT)
    parser.add_argument(
        "--chains",
        nargs=2,
        type=int,
        metavar=("N1000", "N2000"),
        default=None,
        help="new chains a taper at N = 1000 and 2000 (default: the registered 40 and 20)",
    )
    args = parser.parse_args(argv)
    result = study(args.replicates, None if args.chains is None else dict(zip((1000, 2000), args.chains)))
    write_results(args.output, result, indent=1)
    for key, r in result["results"].items():
        print(
            f"{key}: coverage {r['coverage']:.2f}, mean {r['mean_estimate']:+.2f}, width {r['mean_width']:.2f}, "
            f"on +1 {r['verdicts_on_+1']}, on 0 {r['verdicts_on_0']}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
