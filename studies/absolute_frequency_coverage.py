"""Issue 51 item 3: coverage of every interval the absolute-frequency verdicts use, on mocks that look like the glasses.

Each replicate draws fresh glass-like mocks (:func:`vdosbench.generators.glass_like_mock`: the calibrated curved
spectrum, shells of log-sd 0.23 (1000/N)^0.24, moduli scattered by 9.5 % √(1000/N)) at the sample counts the
verdicts read, computes every interval, and records whether it holds the truth:

``band (a, b]``
    the band MLE on the confirmatory count (N = 2000, 1000 samples) for the registered bands (0, 0.29],
    (0.15, 0.29] and (0, 0.15]; the truth is the estimator's population value on the curved truth, computed
    by quadrature (the pooled MLE estimates E[n] / E[Σ log(b/x)] − 1, averaged over each sample's ω_g scatter).
``paired band 0-0.29``
    the paired difference s(first) − s(second) on (0, 0.29] of two confirmatory-sized mocks drawn from the same
    spectrum (truth 0), as the taper claim reads two tapers of the same glasses (added at replicate 53 of the GOE
    file; earlier replicates lack it, as they lack ``band 0-0.25``, amendment 2's window).
``density ratio``
    N = 2000 (1000 samples) against N = 8000 (120 samples) below 0.18 ω_g; truth 1 (the spectrum is the same at
    every N).
``extreme value (κ free)``
    the joint fit over N = 1000 (100), 2000 (1000), 4000 (80), 8000 (120) on power-law mocks with s = 4 and the
    glasses' shells and moduli; truth 4.
``issue-25 primary``
    the window MLE on (0, 0.5 ω₀ᵢ] at the ladder's counts (N = 1000: 100, 2000: 60, 4000: 80, 8000: 120),
    whose coverage was never checked; the truth is its population value on the curved truth.

``--s-of-omega``
    the bands of s(ω) that ``vdosbench score`` reports (:data:`vdosbench.validators.S_OF_OMEGA_EDGES`, the
    bands ``studies/absolute_frequency.py`` draws up to 0.29 ω_g: (0, 0.1], (0.1, 0.14], (0.14, 0.18], (0.18, 0.23],
    (0.23, 0.29]), each read by the band MLE on the confirmatory count
    (N = 2000, 1000 samples), into its own file ``absolute_frequency_coverage_s_of_omega_{levels}.jsonl``; the truth
    is each band's population value, as above.  The coverage that ``vdosbench score`` will state beside an s(ω)
    curve of a third-party set (issue 51's last item).
``--diagnose``
    why the bands whose top is 0.29 ω_g undercover: one large mock (N = 2000, 4000 samples) per level model, with
    the glasses' shell broadening and with none, read by the band MLE on every band (and (0, 0.25]), with the
    plane-wave levels that fall into each band counted from the mock's truth; writes
    ``studies/results/absolute_frequency_phonon_leak.json``.

Replicates are appended to a JSON-lines file as they finish (resumable: a re-run goes on from the last
replicate); ``--summary`` writes the coverages with their Wilson intervals to
``studies/results/absolute_frequency_coverage.json``.  Levels are Poisson by default (fast); ``--levels goe``
runs the GOE-unfolded variant into its own file.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from vdosbench.datasets.io import write_text
from vdosbench.generators import GLASS_SPECTRUM, glass_like_mock, mock_glass_spectra
from vdosbench.generators.theory.mock_spectrum import GLASS_MODULUS_SCATTER
from vdosbench.validators import (
    S_OF_OMEGA_EDGES,
    ModeSpectra,
    band_mle,
    band_mle_population,
    density_ratio,
    extreme_value_fit,
    paired_band_difference,
    wilson_interval,
    window_mle,
)
from vdosbench.datasets.json_files import dumps_strict, loads_numbers

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "studies" / "results"
BANDS = ((0.0, 0.29), (0.15, 0.29), (0.0, 0.15), (0.0, 0.25))
N_BOOTSTRAP = 400
LADDER_COUNTS = {1000: 100, 2000: 60, 4000: 80, 8000: 120}
MEAN_OMEGA_G = math.sqrt(4.5)  # the mocks' mean moduli, rho = 1
MODULUS_SCATTER = 0.095


def _density(x: float) -> float:
    return float(GLASS_SPECTRUM.density(np.array([x]), MEAN_OMEGA_G)[0])


def _population(low: float, high: float, n: int) -> float:
    """The pooled band MLE's population value on the curved truth, over each sample's ω_g scatter at N = ``n``
    (:func:`vdosbench.validators.band_mle_population`)."""
    return band_mle_population(_density, low, high, modulus_scatter=MODULUS_SCATTER * math.sqrt(1000.0 / n))


def _window_population(n: int, c: float) -> float:
    """The window MLE on (0, c ω₀ᵢ]: in x the edge is c·2π/N^(1/3) for every sample."""
    return _population(0.0, c * 2 * math.pi / n ** (1 / 3), n)


def truths() -> dict[str, float]:
    """Every interval's truth (module docstring)."""
    out = {f"band {a:g}-{b:g}": _population(a, b, 2000) for a, b in BANDS}
    out["paired band 0-0.29"] = 0.0
    out["density ratio"] = 1.0
    out["extreme value"] = 4.0
    out.update({f"primary c=0.5 N={n}": _window_population(n, 0.5) for n in LADDER_COUNTS})
    return out


def replicate(seed: int, levels: str, truth: dict[str, float]) -> dict[str, Any]:
    """One replicate: every interval and whether it holds its truth."""

    def point(n: int, count: int, s: int, **kw: Any) -> ModeSpectra:
        return ModeSpectra(**glass_like_mock(n, count, levels=levels, seed=s, **kw).arrays())

    out: dict[str, Any] = {"seed": seed, "levels": levels}
    confirm = point(2000, 1000, 10 * seed)
    for a, b in BANDS:
        m = band_mle(confirm, a, b, n_bootstrap=N_BOOTSTRAP, seed=seed).measurement
        out[f"band {a:g}-{b:g}"] = [m.value, m.low, m.high]
    twin = point(2000, 1000, 1_000_000 + seed)  # a seed no other mock of any replicate uses
    d = paired_band_difference(confirm, twin, 0.0, 0.29, n_bootstrap=N_BOOTSTRAP, seed=seed)
    out["paired band 0-0.29"] = [d.value, d.low, d.high]
    large = point(8000, 120, 10 * seed + 1)
    r = density_ratio(confirm, large, 0.18, n_bootstrap=N_BOOTSTRAP, seed=seed).ratio
    out["density ratio"] = [r.value, r.low, r.high]
    ev_points = [
        ModeSpectra(
            **mock_glass_spectra(
                n,
                c,
                exponent=4.0,
                prefactor=0.036,
                k=12,
                levels=levels,
                hybridisation=0.23 * (1000 / n) ** 0.24,
                modulus_scatter=MODULUS_SCATTER,
                seed=10 * seed + 2 + j,
            ).arrays()
        )
        for j, (n, c) in enumerate(((1000, 100), (2000, 1000), (4000, 80), (8000, 120)))
    ]
    ev = extreme_value_fit(ev_points, law="free", n_bootstrap=N_BOOTSTRAP, seed=seed).exponent.measurement
    out["extreme value"] = [ev.value, ev.low, ev.high]
    for j, (n, c) in enumerate(LADDER_COUNTS.items()):
        m = window_mle(point(n, c, 10 * seed + 6 + j, k=30), 0.5, n_bootstrap=N_BOOTSTRAP, seed=seed).measurement
        out[f"primary c=0.5 N={n}"] = [m.value, m.low, m.high]
    out["covers"] = {k: bool(v[1] <= truth[k] <= v[2]) for k, v in out.items() if k in truth}
    return out


def s_of_omega_truths() -> dict[str, float]:
    """Each s(ω) band's population value on the curved truth at N = 2000."""
    return {f"band {a:g}-{b:g}": _population(a, b, 2000) for a, b in zip(S_OF_OMEGA_EDGES, S_OF_OMEGA_EDGES[1:])}


def s_of_omega_replicate(seed: int, levels: str, truth: dict[str, float]) -> dict[str, Any]:
    """One replicate of ``--s-of-omega``: the band MLE in every s(ω) band of one confirmatory-sized mock."""
    confirm = ModeSpectra(**glass_like_mock(2000, 1000, levels=levels, seed=10 * seed).arrays())
    out: dict[str, Any] = {"seed": seed, "levels": levels}
    for a, b in zip(S_OF_OMEGA_EDGES, S_OF_OMEGA_EDGES[1:]):
        est = band_mle(confirm, a, b, n_bootstrap=N_BOOTSTRAP, seed=seed)
        m = est.measurement
        out[f"band {a:g}-{b:g}"] = [m.value, m.low, m.high]
        out.setdefault("status", {})[f"band {a:g}-{b:g}"] = est.status
    out["covers"] = {k: bool(v[1] <= truth[k] <= v[2]) for k, v in out.items() if k in truth}
    return out


LEAK_BANDS = BANDS
LEAK_SAMPLES = 4000


def diagnose(seed: int = 7) -> dict[str, Any]:
    """The phonon leak (module docstring, ``--diagnose``): band estimates with and without shell broadening."""
    out: dict[str, Any] = {
        "method": {
            "n_particles": 2000,
            "samples": LEAK_SAMPLES,
            "seed": seed,
            "bands": [list(b) for b in LEAK_BANDS],
            "shells": "glass: log-sd 0.23 (1000/N)^0.24 (glass_like_mock); none: hybridisation 0",
            "n_bootstrap": 200,
            "phonon_factor": 0.6,
        },
        "truth": {f"band {a:g}-{b:g}": _population(a, b, 2000) for a, b in LEAK_BANDS},
        "runs": {},
    }
    for levels in ("poisson", "goe"):
        for shells in ("glass", "none"):
            if shells == "glass":
                mock = glass_like_mock(2000, LEAK_SAMPLES, levels=levels, seed=seed)
            else:
                mock = mock_glass_spectra(
                    2000,
                    LEAK_SAMPLES,
                    k=20,
                    levels=levels,
                    spectrum=GLASS_SPECTRUM,
                    hybridisation=0.0,
                    modulus_scatter=GLASS_MODULUS_SCATTER,
                    seed=seed,
                )
            point = ModeSpectra(**mock.arrays())
            x = mock.omega / point.omega_g[:, None]
            run: dict[str, Any] = {}
            for a, b in LEAK_BANDS:
                inside = (x > a) & (x <= b)
                m = band_mle(point, a, b, n_bootstrap=200, seed=seed).measurement
                run[f"band {a:g}-{b:g}"] = {
                    "estimate": [m.value, m.low, m.high],
                    "phonons_per_sample": float(np.sum(inside & mock.is_phonon) / LEAK_SAMPLES),
                    "nonphononic_per_sample": float(np.sum(inside & ~mock.is_phonon) / LEAK_SAMPLES),
                }
            out["runs"][f"{levels}, shells {shells}"] = run
    return out


def summary(paths: Sequence[Path], truth: dict[str, float]) -> dict[str, Any]:
    """Coverage of each interval per levels file, with its Wilson interval and the mean width."""
    out: dict[str, Any] = {"truth": truth, "n_bootstrap": N_BOOTSTRAP, "nominal": 0.95, "coverage": {}}
    for path in paths:
        rows = [loads_numbers(line) for line in path.read_text().splitlines() if line.strip()]
        if not rows:
            continue
        levels = rows[0]["levels"]
        cov = {}
        for key in truth:
            hits = [r["covers"][key] for r in rows if key in r["covers"]]
            if not hits:  # an interval added after this file's replicates were run
                continue
            widths = [r[key][2] - r[key][1] for r in rows if key in r and np.isfinite(r[key][2] - r[key][1])]
            cov[key] = {
                "replicates": len(hits),
                "coverage": sum(hits) / len(hits),
                "wilson_95": list(wilson_interval(sum(hits), len(hits))),
                "mean_width": float(np.mean(widths)) if widths else math.nan,
                "mean_estimate": float(np.mean([r[key][0] for r in rows if key in r])),
            }
        out["coverage"][levels] = cov
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Command line (module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=100, help="replicates to have in the file at the end")
    parser.add_argument("--levels", choices=("poisson", "goe"), default="poisson")
    parser.add_argument("--summary", action="store_true", help="only write the summary JSON from the files")
    parser.add_argument("--diagnose", action="store_true", help="only the phonon-leak diagnosis (docstring)")
    parser.add_argument("--s-of-omega", action="store_true", help="the s(ω) bands, into their own files (docstring)")
    args = parser.parse_args(argv)
    if args.diagnose:
        path = RESULTS / "absolute_frequency_phonon_leak.json"
        write_text(path, dumps_strict(diagnose(), indent=1) + "\n")
        print(f"wrote {path}")
        return 0
    kind = "_s_of_omega" if args.s_of_omega else ""
    truth = s_of_omega_truths() if args.s_of_omega else truths()
    one = s_of_omega_replicate if args.s_of_omega else replicate
    files = {lv: RESULTS / f"absolute_frequency_coverage{kind}_{lv}.jsonl" for lv in ("poisson", "goe")}
    if not args.summary:
        path = files[args.levels]
        done = len(path.read_text().splitlines()) if path.exists() else 0
        for seed in range(done, args.replicates):
            row = one(seed, args.levels, truth)
            with path.open("a") as f:  # one finished replicate a line: a killed run loses at most the current one
                f.write(dumps_strict(row) + "\n")
            print(
                f"replicate {seed}: {sum(row['covers'].values())} of {len(row['covers'])} intervals cover", flush=True
            )
    result = summary([p for p in files.values() if p.exists()], truth)
    write_text(RESULTS / f"absolute_frequency_coverage{kind}.json", dumps_strict(result, indent=1) + "\n")
    for lv, cov in result["coverage"].items():
        for key, c in cov.items():
            print(
                f"{lv:8s} {key:22s} {c['coverage']:.3f} [{c['wilson_95'][0]:.3f}, {c['wilson_95'][1]:.3f}] "
                f"of {c['replicates']}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
