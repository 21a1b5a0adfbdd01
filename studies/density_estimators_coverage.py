"""Issue 63 item 2: coverage of the two density estimators that issue 63 added beside the verdicts, on mocks with
a known answer — the small-box excess pooled over protocols and the within-chain correlation of the soft-mode count.

Pooled density ratio (:func:`~vdosbench.validators.spectral.density_comparison.pooled_density_ratio`, read by
``studies/small_box_density.py``): the coupled T* = 1 mocks of :mod:`studies.coupled_mock_power` (the glasses'
G(N), small-box excess e = 0.5, G–soft-mode coupling, GOE or Poisson levels), both tapers as the two protocols,
N = 2000 (1000 samples a taper, the confirmatory set's count) over N = 8000 (120 a taper, the ladder's, which the
exploratory reading used; and 450, the registered set's), below 0.15 ω_g,u in each taper's common unit.  Truth: the
population's Σ count(2000) / Σ count(8000) per particle (:func:`studies.coupled_mock_power.count_truth`).

Within-chain correlation (:func:`~vdosbench.validators.spectral.density_comparison.chain_correlation`, reported
beside the T_d verdicts by ``studies/td_control_long.py``): chains of 25 structures, 50 chains, the count below
the T_d window's top 0.376 ω_g.  Truth 0: the coupled T_d mocks, whose structures are independent; truth f²: the
mocks of :func:`~vdosbench.generators.theory.mock_spectrum.mock_glass_spectra` (s = 3.5, about 1.9 modes a
structure below 0.376 ω_g, as in the control) with Poisson levels and chain memory
f (a structure keeps each level of its chain's parent set with probability f, so two structures of a chain share
Binomial(P, f) levels: Cov = f² Var P = f² Λ against Var = Λ, ICC = f²).

``python -m studies.density_estimators_coverage`` writes ``studies/results/density_estimators_coverage.json``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from vdosbench.datasets import write_results
from vdosbench.generators import mock_glass_spectra
from vdosbench.validators import ModeSpectra, chain_correlation, pooled_density_ratio

from studies.coupled_mock_power import PROTOCOLS, TD_WINDOW, count_truth, coverage_summary, t1_spectrum, td_point
from studies.kappa_from_levels import TAPERS, coupled_point

ROOT = Path(__file__).resolve().parents[1]
RESULT = ROOT / "studies" / "results" / "density_estimators_coverage.json"
X_EDGE = 0.15
SMALL, SMALL_SAMPLES, LARGE = 2000, 1000, 8000
CHAINS, CHAIN = 50, 25
N_BOOTSTRAP = 400
SEED = 6_500_000


def pooled_ratio_coverage(large_samples: int, levels: str, replicates: int, seed: int = SEED) -> dict[str, Any]:
    """Coverage of the pooled 2000 / 8000 density ratio below 0.15 ω_g,u on the coupled T* = 1 mocks."""
    cs = [PROTOCOLS[p]["couplings"] for p in TAPERS]
    spec = t1_spectrum()
    truth = sum(count_truth(spec, c, SMALL, c.shear_modulus(16000)) for c in cs) / sum(
        count_truth(spec, c, LARGE, c.shear_modulus(16000)) for c in cs
    )
    readings = []
    for r in range(replicates):
        base = seed + 1000 * r + (0 if levels == "goe" else 500)
        pairs = [
            (
                coupled_point(SMALL, SMALL_SAMPLES, p, levels, base + i),
                coupled_point(LARGE, large_samples, p, levels, base + 10 + i),
            )
            for i, p in enumerate(TAPERS)
        ]
        readings.append(pooled_density_ratio(pairs, X_EDGE, n_bootstrap=N_BOOTSTRAP, seed=r))
    return {**coverage_summary(readings, truth), "replicates": replicates}


def _memory_point(f: float, seed: int) -> ModeSpectra:
    m = mock_glass_spectra(
        1000,
        CHAINS * CHAIN,
        exponent=3.5,
        k=20,
        levels="poisson",
        structures_per_chain=CHAIN,
        chain_memory=f,
        seed=seed,
    )
    return ModeSpectra(**m.arrays(), label=f"chain memory {f:g}")


def chain_correlation_coverage(replicates: int, seed: int = SEED + 100_000) -> dict[str, Any]:
    """Coverage of the intraclass correlation: truth 0 on the coupled T_d mocks (both tapers), f² with memory f."""
    out: dict[str, Any] = {}
    for name, exponent in (("T_d m=2", 3.5), ("T_d m=inf", 3.5)):
        readings = [
            chain_correlation(
                td_point(name, exponent, CHAINS, seed + 1000 * r + len(out)),
                TD_WINDOW[1],
                phonon_factor=1.0,
                n_bootstrap=N_BOOTSTRAP,
                seed=r,
            )
            for r in range(replicates)
        ]
        out[f"coupled {name}, independent structures"] = {**coverage_summary(readings, 0.0), "replicates": replicates}
    for f in (0.3, 0.5):
        readings = [
            chain_correlation(
                _memory_point(f, seed + 50_000 + 1000 * r),
                TD_WINDOW[1],
                phonon_factor=1.0,
                n_bootstrap=N_BOOTSTRAP,
                seed=r,
            )
            for r in range(replicates)
        ]
        out[f"Poisson levels, chain memory {f:g}"] = {**coverage_summary(readings, f * f), "replicates": replicates}
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Command line (module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=20)
    parser.add_argument("--output", type=Path, default=RESULT)
    args = parser.parse_args(argv)
    t0 = time.process_time()
    result: dict[str, Any] = {
        "method": {
            "script": "studies/density_estimators_coverage.py",
            "command": "python -m studies.density_estimators_coverage "
            + " ".join(sys.argv[1:] if argv is None else argv),
            "x_edge": X_EDGE,
            "small": f"N = {SMALL}, {SMALL_SAMPLES} samples a taper",
            "chains": f"{CHAINS} chains of {CHAIN} structures, count below {TD_WINDOW[1]} omega_g",
            "n_bootstrap": N_BOOTSTRAP,
            "seed": SEED,
            "replicates": args.replicates,
            "mocks": "studies.coupled_mock_power (T* = 1 and T_d couplings); chain memory: "
            "mock_glass_spectra, Poisson levels, s = 3.5, its default prefactor (about 1.9 modes a "
            "structure below 0.376 omega_g, the control's count)",
        },
        "pooled_density_ratio": {
            f"N = 8000: {n} samples a taper, {lev} levels": pooled_ratio_coverage(n, lev, args.replicates)
            for n in (120, 450)
            for lev in ("poisson",)
        },
        "chain_correlation": chain_correlation_coverage(args.replicates),
    }
    result["method"]["cpu_seconds"] = time.process_time() - t0
    write_results(args.output, result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
