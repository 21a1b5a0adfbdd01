"""Issue 63: the extreme-value alternative of confirm-n8000 with κ fixed by the level statistics — its calibration
and its coverage on the coupled mocks, before the N = 8000 set is read (the registration's amendment 1).

Why an amendment: the registered alternative reads κ "from the measured level statistics of the same set", but an
N = 8000 box holds about 1.6 nonphononic levels a sample below its phonon-free edge (0.6 ω₀), so ⟨r̃⟩ of the set's
own levels rests on a few hundred ratios from the samples that hold three or more.  The amendment reads ⟨r̃⟩ on the
registered N = 2000 confirmatory set of the same protocol (T* = 1, both tapers), 1000 samples a taper, whose levels
below its edge number about 3.4 a sample (seen: that set was read by issue 51; its ⟨r̃⟩ below the edge is
0.516 (m = 2) and 0.513 (m = ∞) — the N = 8000 set's own ⟨r̃⟩ is reported beside it).

Calibration (:func:`calibrate`): the coupled mocks of :mod:`studies.coupled_mock_power` (the T* = 1 spectrum, s = 4
deep and 3 above x* = 0.091, each taper's couplings, common unit), with Poisson and with GOE levels:
⟨r̃⟩ below the edge at N = 2000 and the one-N Weibull shape β = κ(s + 1) of the lowest modes at N = 8000, both
tapers pooled.  κ_GOE = β_GOE / β_Poisson (κ = 1 for independent levels by construction); ⟨r̃⟩ → κ linear between
the two mocks, clipped (:class:`vdosbench.validators.spectral.level_kappa.KappaCalibration`).

Coverage (:func:`coverage`): the whole reading, as the reader makes it, on fresh mocks (N = 2000: 1000 samples a
taper for ⟨r̃⟩; N = 8000: 450 a taper for the fit), GOE and Poisson levels, with ⟨r̃⟩ read on the N = 2000 mocks
(the amendment) and on the fitted N = 8000 mocks' own levels (as first registered): coverage of the deep exponent
4 (the claim's quantity), bias, half-width and the verdicts under the claim's rule (= 4 ± 0.5); beside them the coverage
of the law near the lowest mode that the Poisson calibration mocks read at one N with κ = 1 (``local_law``).

``python -m studies.kappa_from_levels`` writes ``studies/results/kappa_from_levels.json`` (every choice in
``method``); the reader ``studies/confirm_n8000.py`` takes the calibration from it.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from vdosbench.benchmark import Expectation
from vdosbench.datasets import write_results
from vdosbench.generators import coupled_glass_mock
from vdosbench.validators import (
    KappaCalibration,
    ModeSpectra,
    edge_spacing_ratio,
    extreme_value_fit,
    extreme_value_kappa_from_levels,
)

from studies.coupled_mock_power import PROTOCOLS, T1_AMPLITUDE, T1_X_STAR, coverage_summary, t1_spectrum

ROOT = Path(__file__).resolve().parents[1]
RESULT = ROOT / "studies" / "results" / "kappa_from_levels.json"
TAPERS = ("T*=1 m=2", "T*=1 m=inf")
#: The reading's design: ⟨r̃⟩ on N = 2000 (the registered confirmatory set's 1000 samples a taper), the fit on
#: N = 8000 (the registered 450 a taper), phonon factor 0.6.
LEVEL_N, LEVEL_SAMPLES, FIT_N, FIT_SAMPLES = 2000, 1000, 8000, 450
PHONON_FACTOR = 0.6
CALIBRATION_SAMPLES = 4000
CALIBRATION_SEED = 6_300_000
COVERAGE_SEED = 6_400_000
N_BOOTSTRAP = 400
CLAIM = Expectation(kind="equal", value=4.0, tolerance=0.5)
#: Where ⟨r̃⟩ is read: the amendment's N = 2000 set, or the fitted N = 8000 set's own levels (as first registered).
LEVELS_N2000, LEVELS_OWN = "levels of the N = 2000 set", "levels of the fitted N = 8000 set"


def coupled_point(n: int, samples: int, protocol: str, levels: str, seed: int) -> ModeSpectra:
    """A coupled T* = 1 mock point in its protocol's common unit (the ensemble G at N = 16000)."""
    c = PROTOCOLS[protocol]["couplings"]
    m = coupled_glass_mock(n, samples, spectrum=t1_spectrum(), couplings=c, k=20, seed=seed, levels=levels)
    return ModeSpectra(**m.arrays(), label=f"N={n} {protocol} {levels}").in_common_unit(c.shear_modulus(16000))


def calibrate(samples: int = CALIBRATION_SAMPLES, seed: int = CALIBRATION_SEED) -> dict[str, Any]:
    """⟨r̃⟩ at N = 2000 and the Weibull shape at N = 8000 of Poisson and GOE mocks; κ_GOE and its standard error."""
    out: dict[str, Any] = {}
    for j, levels in enumerate(("poisson", "goe")):
        small = [coupled_point(LEVEL_N, samples, p, levels, seed + 10 * j + i) for i, p in enumerate(TAPERS)]
        big = [coupled_point(FIT_N, samples, p, levels, seed + 100 + 10 * j + i) for i, p in enumerate(TAPERS)]
        r = edge_spacing_ratio(small, phonon_factor=PHONON_FACTOR, n_bootstrap=N_BOOTSTRAP, seed=0)
        fit = extreme_value_fit(big, phonon_factor=PHONON_FACTOR, law="independent", n_bootstrap=N_BOOTSTRAP, seed=0)
        m = fit.exponent.measurement
        out[levels] = {
            "mean_r_tilde_below_edge": r.value,
            "r_tilde_se": r.uncertainty,
            "ratios": r.settings["ratios"],
            "weibull_shape": m.value + 1.0,
            "weibull_shape_se": m.uncertainty,
            "observed": m.settings["observed"],
        }
    bp, bg = out["poisson"]["weibull_shape"], out["goe"]["weibull_shape"]
    kappa = bg / bp
    se = kappa * math.hypot(out["goe"]["weibull_shape_se"] / bg, out["poisson"]["weibull_shape_se"] / bp)
    out["kappa_goe"], out["kappa_goe_se"] = kappa, se
    return out


def calibration_from(result: dict[str, Any], source: str) -> KappaCalibration:
    """The :class:`KappaCalibration` of a :func:`calibrate` result."""
    return KappaCalibration(
        result["poisson"]["mean_r_tilde_below_edge"],
        result["goe"]["mean_r_tilde_below_edge"],
        result["kappa_goe"],
        result["kappa_goe_se"],
        source,
    )


def load_calibration(path: Path = RESULT) -> KappaCalibration:
    """The committed calibration (``studies/results/kappa_from_levels.json``)."""
    return calibration_from(json.loads(path.read_text())["calibration"], str(path.relative_to(ROOT)))


def mock_coverage(path: Path = RESULT) -> dict[str, float]:
    """The committed coverage of s = 4 on the GOE coupled mocks, by where ⟨r̃⟩ is read (:data:`LEVELS_N2000`,
    :data:`LEVELS_OWN`)."""
    goe = json.loads(path.read_text())["coverage"]["goe"]
    return {source: float(goe[source]["coverage"]) for source in (LEVELS_N2000, LEVELS_OWN)}


def coverage(
    calibration: KappaCalibration,
    levels: str,
    replicates: int,
    seed: int = COVERAGE_SEED,
    local_truth: float = float("nan"),
) -> dict[str, Any]:
    """The reading on ``replicates`` fresh mock designs (module docstring): coverage of s = 4, bias, verdicts; beside
    them the coverage of ``local_truth`` (``local_law``: the one-N law the Poisson calibration mocks read) and each
    replicate's reading (``readings``: value, low, high, κ, ratios)."""
    sources = {LEVELS_N2000: [], LEVELS_OWN: []}
    for r in range(replicates):
        base = seed + 1000 * r + (0 if levels == "goe" else 500)
        small = [coupled_point(LEVEL_N, LEVEL_SAMPLES, p, levels, base + i) for i, p in enumerate(TAPERS)]
        big = [coupled_point(FIT_N, FIT_SAMPLES, p, levels, base + 10 + i) for i, p in enumerate(TAPERS)]
        for source, level_points in ((LEVELS_N2000, small), (LEVELS_OWN, big)):
            est = extreme_value_kappa_from_levels(
                big, level_points, calibration, phonon_factor=PHONON_FACTOR, n_bootstrap=N_BOOTSTRAP, seed=r
            )
            sources[source].append(est)
            m = est.measurement
            print(
                f"{levels} {r} {source}: s = {m.value:.3f} [{m.low:.3f}, {m.high:.3f}] kappa "
                f"{m.settings['kappa']:.3f} ratios {m.settings['ratios']} {est.status}",
                flush=True,
            )
    out = {}
    for source, ests in sources.items():
        s = coverage_summary([e.measurement for e in ests], 4.0, CLAIM)
        local = coverage_summary([e.measurement for e in ests], local_truth)
        s["local_law"] = {k: local[k] for k in ("truth", "coverage", "wilson_95", "bias")}
        s["readings"] = [
            [
                e.measurement.value,
                e.measurement.low,
                e.measurement.high,
                e.measurement.settings["kappa"],
                e.measurement.settings["ratios"],
            ]
            for e in ests
        ]
        s.update(
            {
                "replicates": replicates,
                "inconclusive_status": sum(e.status != "ok" for e in ests),
                "mean_kappa": float(np.mean([e.measurement.settings["kappa"] for e in ests])),
                "mean_ratios": float(np.mean([e.measurement.settings["ratios"] for e in ests])),
                "mean_r_tilde_below_edge": float(
                    np.mean([e.measurement.settings["mean_r_tilde_below_edge"] for e in ests])
                ),
            }
        )
        out[source] = s
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Command line (module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, nargs=2, default=[20, 10], metavar=("GOE", "POISSON"))
    parser.add_argument("--output", type=Path, default=RESULT)
    parser.add_argument(
        "--calibration",
        type=Path,
        default=None,
        help="reuse a calibration this script printed (JSON) instead of making it again",
    )
    args = parser.parse_args(argv)
    t0 = time.process_time()
    if args.calibration is not None:  # a calibration made earlier by this script (its seeds and sample counts)
        cal = json.loads(args.calibration.read_text())
        cal.pop("provenance", None)
    else:
        cal = calibrate()
    print(json.dumps(cal), flush=True)
    local = cal["poisson"]["weibull_shape"] - 1.0
    calibration = calibration_from(cal, str(args.output))
    result = {
        "method": {
            "script": "studies/kappa_from_levels.py",
            "command": "python -m studies.kappa_from_levels " + " ".join(sys.argv[1:] if argv is None else argv),
            "level_points": f"N = {LEVEL_N}, {LEVEL_SAMPLES} samples a taper",
            "fit_points": f"N = {FIT_N}, {FIT_SAMPLES} samples a taper, both tapers in one law",
            "phonon_factor": PHONON_FACTOR,
            "calibration_samples": CALIBRATION_SAMPLES,
            "calibration_seed": CALIBRATION_SEED,
            "coverage_seed": COVERAGE_SEED,
            "n_bootstrap": N_BOOTSTRAP,
            "mocks": "studies.coupled_mock_power: the T* = 1 spectrum and each taper's couplings",
            "t1_spectrum": {"amplitude": T1_AMPLITUDE, "s_deep": 4.0, "s_high": 3.0, "x_star": T1_X_STAR},
            "truth": "the deep exponent 4 (the claim's quantity); local_law: the one-N Weibull shape - 1 of "
            "the Poisson calibration mocks (the law near the lowest mode that kappa = 1 reads there)",
            "claim_rule": CLAIM.describe(),
        },
        "calibration": cal,
        "coverage": {
            levels: coverage(calibration, levels, n, local_truth=local)
            for levels, n in zip(("goe", "poisson"), args.replicates)
        },
    }
    result["method"]["calibration_made"] = (
        "by this run"
        if args.calibration is None
        else "by an earlier run of this script with the same seeds and counts, reused (--calibration)"
    )
    result["method"]["cpu_seconds"] = time.process_time() - t0
    write_results(args.output, result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
