"""Issue 52 item 2: coverage of every interval the registered T_d verdicts read, on paired mocks that look like the
control's glasses.

The registration ``benchmark/registrations/td-control.toml`` (its ``coverage`` line) asks, before its verdicts are
read, for the coverage of the paired taper difference and of the per-taper window at the new chains' counts
(N = 1000: 40 chains of 5 structures a taper; N = 2000: 20), on mocks with a known taper difference (+1 and 0),
curved glass-like spectra, chain structure and GOE levels.  ``studies/td_control_power.py`` drew pure power laws
with Poisson levels (the power of the design); this study draws what the registration names.

Mocks (:func:`vdosbench.generators.mock_glass_spectra`, one per taper, N and replicate; GOE levels; k = 20):

``spectra``
    :class:`vdosbench.generators.CurvedSpectrum` with the high-T* glasses' curvature (log-log slope from
    ``s_deep`` far below x* = 0.154 ω̄_g to ``s_deep`` − 1.5 far above, as :data:`GLASS_SPECTRUM`), scaled to the
    control's exploratory counts below 0.29 ω_g (0.79 modes a structure at N = 1000 for m = 2, 0.55 for m = ∞,
    the same per particle at N = 2000).  Scenario "+1 (seed 001)": s_deep 4.5 (m = 2) against 3.5 (m = ∞);
    scenario "0 (rival)": 4.0 at both tapers (different counts, one shape).
``moduli``
    the exploratory chains' mean G and K per taper (m = 2: 2.29, 13.0; m = ∞: 2.60, 13.97), relative scatter of G
    0.045 at N = 1000 (theirs: 0.044 – 0.049 at N = 1000 – 2000 but for one set holding a structure near shear
    instability), ∝ N^(−1/2) as the mock draws it.
``chains``
    5 structures a chain with chain memory 0.2 (a structure keeps a level of its chain's parent set with that
    probability: structures 3 τ_α apart are not independent, and the bootstrap resamples whole chains);
    the m = 2 and m = ∞ chains of one replicate are paired by position and drawn independently (the glasses'
    tapers share only their starts, 40 τ_α before the first structure).
``shells``
    the glasses' first-shell broadening, log-sd 0.23 (1000/N)^0.24.

The truth of each reading is the estimator's population value on the curved spectrum over the modulus scatter
(:func:`vdosbench.validators.band_mle_population`; a difference: the difference of the two tapers' values), so a
curved spectrum is scored against what the estimator measures, not against s_deep.  Readings (registered
settings: phonon factor 0.6, 1000 bootstrap replicates; paired differences resample the same chains at both
tapers): per N the paired difference on (0, 0.29] (primary) and (0, 0.18] (deep window), the window MLE on
(0, 0.29] and the band (0.18, 0.29] of each taper; and the paired difference on (0, 0.29] pooled over N = 1000 and
2000 (amendment 1).  Not measured here: the extreme-value alternatives (their N = 4000 lever arm is exploratory)
and the "all chains" counts.

Replicates are appended to ``studies/results/td_control_coverage.jsonl`` as they finish (resumable: a re-run goes
on where it stopped); ``--summary`` writes the coverages with Wilson intervals, the mean estimates and widths and
each verdict's tally under the registered rules to ``studies/results/td_control_coverage.json``.

Run from the clone's root: ``python -m studies.td_control_coverage --replicates 200`` (one core, one BLAS thread:
about 5 s a replicate of one scenario; the 400 took 30 min on a core shared with a chain run), then
``python -m studies.td_control_coverage --summary``.  ``--stage "stage 2"`` draws the mocks at stage 2's counts
(amendment 1: 200 new chains a taper at N = 1000, 100 at N = 2000) into ``td_control_coverage_stage2.jsonl``
and summarises them into ``td_control_coverage_stage2.json``.
"""

from __future__ import annotations

import argparse
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from studies.td_control_power import CHAIN, CHAINS, COUNTS_N1000, X_EDGE
from studies.td_control_stages import COVERAGE_FILES, new_chains
from vdosbench.benchmark import load_registration
from vdosbench.benchmark import judge
from vdosbench.generators import GLASS_SPECTRUM, CurvedSpectrum, mock_glass_spectra
from vdosbench.validators import ModeSpectra, band_mle, band_mle_population, paired_band_difference, wilson_interval
from vdosbench.validators import Measurement
from vdosbench.datasets.json_files import dumps_strict, loads_numbers
from vdosbench.datasets import write_results

ROOT = Path(__file__).resolve().parents[1]
#: The replicates and summary files of each registered stage.
STAGE_FILES = {stage: tuple(ROOT / "studies" / "results" / f for f in files) for stage, files in COVERAGE_FILES.items()}
REPLICATES, RESULT = STAGE_FILES["stage 1"]
DEEP_EDGE = 0.18
BAND = (0.18, 0.29)
#: s_deep of each taper (m = 2, m = ∞) per scenario; s_high = s_deep − CURVATURE.
SCENARIOS: dict[str, dict[int, float]] = {"+1 (seed 001)": {2: 4.5, -1: 3.5}, "0 (rival)": {2: 4.0, -1: 4.0}}
CURVATURE = GLASS_SPECTRUM.s_deep - GLASS_SPECTRUM.s_high
#: The exploratory control chains' mean shear and bulk moduli per taper, and the relative scatter of G at N = 1000.
MODULI = {2: (2.29, 13.0), -1: (2.60, 13.97)}
MODULUS_SCATTER = 0.045
CHAIN_MEMORY = 0.2
K_MODES = 20
N_BOOTSTRAP = 1000
TAPER_NAME = {2: "m2", -1: "minf"}


def spectrum(s_deep: float, taper: int) -> CurvedSpectrum:
    """The curved spectrum of one taper, scaled to the control's count below X_EDGE ω̄_g at N = 1000."""
    unit = CurvedSpectrum(1.0, s_deep, s_deep - CURVATURE, GLASS_SPECTRUM.x_star)
    per_particle = COUNTS_N1000[taper] / 1000.0
    amplitude = per_particle / float(unit.cumulative(np.array([X_EDGE]), 1.0)[0])
    return CurvedSpectrum(amplitude, s_deep, s_deep - CURVATURE, GLASS_SPECTRUM.x_star)


def _scatter(n: int) -> float:
    return MODULUS_SCATTER * math.sqrt(1000.0 / n)


def reading_names(sizes: Sequence[int] = tuple(CHAINS)) -> list[str]:
    """The names of the readings of one replicate, in the order :func:`replicate` gives them."""
    out = []
    for n in sizes:
        out += [f"N={n} paired 0-{X_EDGE:g}", f"N={n} paired 0-{DEEP_EDGE:g}"]
        out += [f"N={n} window {TAPER_NAME[t]} 0-{X_EDGE:g}" for t in (2, -1)]
        out += [f"N={n} band {TAPER_NAME[t]} {BAND[0]:g}-{BAND[1]:g}" for t in (2, -1)]
    if len(sizes) > 1:
        out.append("pooled N=" + "+".join(str(n) for n in sizes) + f" paired 0-{X_EDGE:g}")
    return out


def truths(scenario: str, sizes: Sequence[int] = tuple(CHAINS), chains: Mapping[int, int] = CHAINS) -> dict[str, float]:
    """Every reading's truth: the estimator's population value on the scenario's curved spectra at each N
    (``chains``: new chains a taper by N, which weigh the sizes of the pooled reading)."""
    s_deep = SCENARIOS[scenario]

    def value(taper: int, low: float, high: float, ns: Sequence[int]) -> float:
        sp = spectrum(s_deep[taper], taper)
        return band_mle_population(
            lambda x: float(sp.density(np.array([x]), 1.0)[0]),
            low,
            high,
            modulus_scatter=[_scatter(n) for n in ns],
            weights=[n * chains.get(n, 1) for n in ns],
        )  # expected modes ∝ structures × N

    out: dict[str, float] = {}
    for n in sizes:
        out[f"N={n} paired 0-{X_EDGE:g}"] = value(2, 0.0, X_EDGE, [n]) - value(-1, 0.0, X_EDGE, [n])
        out[f"N={n} paired 0-{DEEP_EDGE:g}"] = value(2, 0.0, DEEP_EDGE, [n]) - value(-1, 0.0, DEEP_EDGE, [n])
        for t in (2, -1):
            out[f"N={n} window {TAPER_NAME[t]} 0-{X_EDGE:g}"] = value(t, 0.0, X_EDGE, [n])
            out[f"N={n} band {TAPER_NAME[t]} {BAND[0]:g}-{BAND[1]:g}"] = value(t, *BAND, [n])
    if len(sizes) > 1:  # one band MLE a taper over both sizes' modes: their expected counts and logs add
        out["pooled N=" + "+".join(str(n) for n in sizes) + f" paired 0-{X_EDGE:g}"] = value(
            2, 0.0, X_EDGE, sizes
        ) - value(-1, 0.0, X_EDGE, sizes)
    return out


def mock_point(n: int, taper: int, s_deep: float, chains: int, seed: int) -> ModeSpectra:
    """One taper's mock point: ``chains`` chains of CHAIN structures at N = ``n`` (module docstring)."""
    shear, bulk = MODULI[taper]
    mock = mock_glass_spectra(
        n,
        chains * CHAIN,
        k=K_MODES,
        levels="goe",
        spectrum=spectrum(s_deep, taper),
        hybridisation=round(0.23 * (1000 / n) ** 0.24, 12),
        structures_per_chain=CHAIN,
        chain_memory=CHAIN_MEMORY,
        shear_modulus=shear,
        bulk_modulus=bulk,
        modulus_scatter=MODULUS_SCATTER,
        seed=seed,
    )
    return ModeSpectra(**mock.arrays(), label=f"N={n} {TAPER_NAME[taper]} mock")


def replicate(
    scenario: str, seed: int, chains: Mapping[int, int] = CHAINS, n_bootstrap: int = N_BOOTSTRAP
) -> dict[str, list[float]]:
    """One replicate of one scenario: every reading as [value, low, high] (:func:`reading_names`)."""
    s_deep = SCENARIOS[scenario]
    kw = {"n_bootstrap": n_bootstrap, "seed": seed}
    pairs: dict[int, tuple[ModeSpectra, ModeSpectra]] = {}
    out: dict[str, list[float]] = {}

    def put(name: str, m: Measurement) -> None:
        out[name] = [m.value, m.low, m.high]

    for n, count in chains.items():
        first, second = (
            mock_point(n, t, s_deep[t], count, 100_000 * seed + 10 * (n // 1000) + j) for j, t in enumerate((2, -1))
        )
        pairs[n] = (first, second)
        put(f"N={n} paired 0-{X_EDGE:g}", paired_band_difference(first, second, 0.0, X_EDGE, **kw))
        put(f"N={n} paired 0-{DEEP_EDGE:g}", paired_band_difference(first, second, 0.0, DEEP_EDGE, **kw))
        for t, point in zip((2, -1), (first, second)):
            put(f"N={n} window {TAPER_NAME[t]} 0-{X_EDGE:g}", band_mle(point, 0.0, X_EDGE, **kw).measurement)
            put(f"N={n} band {TAPER_NAME[t]} {BAND[0]:g}-{BAND[1]:g}", band_mle(point, *BAND, **kw).measurement)
    if len(chains) > 1:
        put(
            "pooled N=" + "+".join(str(n) for n in chains) + f" paired 0-{X_EDGE:g}",
            paired_band_difference([p[0] for p in pairs.values()], [p[1] for p in pairs.values()], 0.0, X_EDGE, **kw),
        )
    return out


def _done(path: Path) -> set[tuple[str, int]]:
    if not path.exists():
        return set()
    return {(r["scenario"], int(r["seed"])) for r in map(loads_numbers, path.read_text().splitlines()) if r}


def run(
    replicates: int, path: Path = REPLICATES, chains: Mapping[int, int] = CHAINS, n_bootstrap: int = N_BOOTSTRAP
) -> int:
    """Append replicates 0 .. ``replicates`` − 1 of every scenario that ``path`` lacks; return how many ran
    (``chains`` and ``n_bootstrap``: the registered counts and replicates unless a test asks for fewer)."""
    done = _done(path)
    ran = 0
    for seed in range(replicates):
        for scenario in SCENARIOS:
            if (scenario, seed) in done:
                continue
            row = {"scenario": scenario, "seed": seed, "readings": replicate(scenario, seed, chains, n_bootstrap)}
            with path.open("a") as fh:  # one whole line a replicate: a cut run loses at most the one running
                fh.write(dumps_strict(row) + "\n")
            ran += 1
    return ran


def summary(path: Path = REPLICATES, chains: Mapping[int, int] = CHAINS) -> dict[str, Any]:
    """Coverage (Wilson 95 %), mean estimate and width, and the registered verdicts' tally per scenario and reading
    (``chains``: the new chains a taper by N that the replicates were drawn with)."""
    reg = load_registration("td-control")
    rules = {
        "+1": reg.claim("schirmacher.td-taper-difference-absolute").expect,
        "0": reg.claim("lerner-bouchbinder.td-taper-0-absolute").expect,
    }
    rows = [loads_numbers(line) for line in path.read_text().splitlines() if line]
    out: dict[str, Any] = {
        "method": {
            "registration": reg.path.name,
            "registered": reg.registered,
            "chains": dict(chains),
            "structures_per_chain": CHAIN,
            "chain_memory": CHAIN_MEMORY,
            "levels": "goe",
            "k": K_MODES,
            "counts_n1000": {str(k): v for k, v in COUNTS_N1000.items()},
            "spectra": {
                name: {
                    TAPER_NAME[t]: {"s_deep": s, "s_high": s - CURVATURE, "x_star": GLASS_SPECTRUM.x_star}
                    for t, s in sd.items()
                }
                for name, sd in SCENARIOS.items()
            },
            "moduli": {TAPER_NAME[t]: {"shear": g, "bulk": k} for t, (g, k) in MODULI.items()},
            "modulus_scatter_n1000": MODULUS_SCATTER,
            "n_bootstrap": N_BOOTSTRAP,
            "phonon_factor": 0.6,
            "truth": "the estimator's population value on the curved spectra over the modulus scatter "
            "(vdosbench.validators.band_mle_population); pooled: both sizes' expected modes in one "
            "population value a taper",
            "replicates": dict(Counter(r["scenario"] for r in rows)),
        },
        "truth": {name: truths(name, tuple(chains), chains) for name in SCENARIOS},
        "coverage": {},
    }
    for name in SCENARIOS:
        truth = out["truth"][name]
        mine = [r["readings"] for r in rows if r["scenario"] == name]
        block = {}
        for key in reading_names(tuple(chains)):
            vals = [r[key] for r in mine if key in r and all(math.isfinite(v) for v in r[key])]
            if not vals:
                continue
            covers = sum(lo <= truth[key] <= hi for _, lo, hi in vals)
            entry = {
                "truth": truth[key],
                "replicates": len(vals),
                "coverage": covers / len(vals),
                "wilson_95": list(wilson_interval(covers, len(vals))),
                "mean_estimate": float(np.mean([v[0] for v in vals])),
                "mean_width": float(np.mean([hi - lo for _, lo, hi in vals])),
            }
            if "paired" in key:
                structures = _structures(key, chains)
                entry["verdicts"] = {
                    rule: dict(Counter(judge(_as_measurement(v, structures), expect)[0].value for v in vals))
                    for rule, expect in rules.items()
                }
            block[key] = entry
        out["coverage"][name] = block
    return out


def _as_measurement(v: Sequence[float], structures: int) -> Measurement:
    """A stored reading as the Measurement the verdict rule judges (``structures``: the structures it read)."""
    value, low, high = v
    return Measurement(
        "s_difference_band_mle",
        value,
        (high - low) / 3.92,
        low,
        high,
        0.95,
        "1",
        {},
        None,
        structures,
        "paired percentile bootstrap (stored value and interval)",
    )


def _structures(key: str, chains: Mapping[int, int] = CHAINS) -> int:
    """Structures a taper that the reading ``key`` reads at the counts ``chains``."""
    sizes = [int(n) for n in key.split()[0 if key.startswith("N=") else 1].removeprefix("N=").split("+")]
    return sum(chains[n] * CHAIN for n in sizes)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line (module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=200, help="replicates a scenario (default 200)")
    parser.add_argument("--summary", action="store_true", help="summarise the replicates file instead of running")
    parser.add_argument(
        "--stage",
        choices=sorted(STAGE_FILES),
        default="stage 1",
        help="the registered stage whose counts the mocks are drawn at (default stage 1; its files "
        "are td_control_coverage[_stage2].json(l))",
    )
    parser.add_argument("--replicates-file", type=Path, default=None)
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args(argv)
    chains = new_chains(args.stage)
    replicates_file = args.replicates_file or STAGE_FILES[args.stage][0]
    if not args.summary:
        print(f"ran {run(args.replicates, replicates_file, chains)} replicates into {replicates_file}")
        return 0
    result = summary(replicates_file, chains)
    write_results(args.output or STAGE_FILES[args.stage][1], result, indent=1)
    for name, block in result["coverage"].items():
        for key, r in block.items():
            print(
                f"{name} | {key}: truth {r['truth']:+.3f}, coverage {r['coverage']:.2f} "
                f"[{r['wilson_95'][0]:.2f}, {r['wilson_95'][1]:.2f}] of {r['replicates']}, "
                f"mean {r['mean_estimate']:+.2f}, width {r['mean_width']:.2f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
