"""Issue 63 items 2, 6 and 7: mocks that carry the glasses' couplings, checked against the glasses, and the power
studies of the two registered designs on them — run before either design's first sample exists.

Mocks (:func:`vdosbench.generators.theory.coupled_mock.coupled_glass_mock`): GOE-correlated levels, the
glasses' shell broadening and modulus scatter, and what the issue-51 mocks lacked — the G–soft-mode coupling
(β, calibrated to the Spearman of Gᵢ with the lowest mode), G's N-dependence G_∞(1 − c√(1000/N)) and an
N-dependent soft-mode density (1 + e·1000/N), with the soft-mode spectrum fixed in the protocol's common unit.
:data:`PROTOCOLS` holds the calibrated values; ``--check`` writes the statistics of mock and glasses side by side
(``tests/studies/test_coupled_mock_power.py`` holds them to the stated tolerances).

Design A (item 6): a confirmatory N = 8000 set at T* = 1, both tapers.  The deep band (0, 0.15] ω_g in the common
unit (the ensemble G of the protocol's largest N), band MLE per taper and pooled over tapers, at S samples a taper;
the soft-mode density A_4 ω_g⁵ below 0.15 ω_g; and the small-box density ratio against the registered N = 2000
confirmatory set (1000 samples a point).  Truth: the population value of each reading on the mock spectrum.

Design B (item 7): the T_d taper question on the non-additive control at N = 1000, chains of 25 structures, the
window (0, 0.376] ω_g in each taper's common unit (0.6 ω₀ of N = 1000 at the protocol's G), every structure
admitted whose own first shell lies above the window's top (``phonon_factor`` 1).  The difference
s(m = 2) − s(m = ∞) unpaired (each taper's chains resampled on their own), at C chains a taper, under the
scenarios +1 (s = 4 against 3) and 0 (4 against 4); the counts in the window are the exploratory chains'.

Writes ``studies/results/coupled_mock_power.json``.  Run from the clone's root (the committed file: the first two
lines, then the GOE spot checks added with ``--update``)::

    python -m studies.coupled_mock_power --parts check b --replicates 40 --chains 44 50
    python -m studies.coupled_mock_power --parts a --replicates 40 --samples 300 450 --update
    python -m studies.coupled_mock_power --parts b --levels goe --replicates 10 --chains 50 --update
    python -m studies.coupled_mock_power --parts a --levels goe --replicates 10 --samples 450 --update
"""

from __future__ import annotations

import argparse
import json
import math
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from scipy import integrate

from vdosbench.benchmark import Expectation
from vdosbench.benchmark import judge
from vdosbench.datasets import read_point_groups
from vdosbench.generators import GlassCouplings, coupled_glass_mock, coupling_statistics
from vdosbench.generators import CurvedSpectrum
from vdosbench.validators import ModeSpectra, band_difference, common_shear_modulus, wilson_interval
from vdosbench.validators.spectral.absolute_frequency import (
    band_mle,
    band_mle_population,
    density_ratio,
    reduced_modes,
    soft_mode_density,
)
from vdosbench.validators import mode_spectra_from_dataset
from vdosbench.datasets import write_results

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "studies" / "results"
RESULT = RESULTS / "coupled_mock_power.json"
LADDER = RESULTS / "finite_size_modes.nc"
CONFIRM = RESULTS / "confirm_n2000_modes.nc"
TD_CHAINS = RESULTS / "td_control_chains.nc"
N_BOOTSTRAP = 400
#: Level statistics of the power studies' mocks (``--levels``): GOE (the glasses') or Poisson (10× faster to draw,
#: and conservative: independent levels scatter the counts more).
LEVELS = {"levels": "goe"}

#: The deep band of design A and the window of design B, in the common unit.
DEEP_BAND = (0.0, 0.15)
TD_WINDOW = (0.0, 0.376)
#: Design B admits a structure when the window's top lies below its own ω₀ (module docstring).
TD_PHONON_FACTOR = 1.0
TD_CHAIN = 25


def t1_spectrum() -> CurvedSpectrum:
    """T* = 1: s = 4 deep, 3 above x* (the glasses' shoulder), amplitude and x* from the counts per particle
    below 0.15 ω_g at N = 8000 (7.6e-5) and below 0.29 ω_g at N = 2000 (1.58e-3), common unit."""
    return CurvedSpectrum(amplitude=T1_AMPLITUDE, s_deep=4.0, s_high=3.0, x_star=T1_X_STAR)


#: Calibrated by :func:`calibrate_t1` (values fixed here so that every run uses the same mocks).
T1_AMPLITUDE, T1_X_STAR = 11.05, 0.091

#: The protocols' couplings: G_∞ and c from the ladders' G(N) (T* = 1: N = 1000 – 16000; T_d: N = 1000 – 4000),
#: e from the density ratio N = 2000 / 8000 below 0.18 ω_g (≈ 1.2 common unit), β from the Spearman of Gᵢ with
#: the lowest mode (≈ 0.5 – 0.55 in the glasses).
PROTOCOLS: dict[str, dict[str, Any]] = {
    "T*=1 m=2": {
        "couplings": GlassCouplings(4.69, modulus_n_slope=0.045, density_excess=0.5, modulus_coupling=2.2),
        "ladder": "n{n}_m2_t1",
        "confirm": "m2_t1",
        "unit_n": 16000,
    },
    "T*=1 m=inf": {
        "couplings": GlassCouplings(5.03, modulus_n_slope=0.045, density_excess=0.5, modulus_coupling=2.2),
        "ladder": "n{n}_minf_t1",
        "confirm": "minf_t1",
        "unit_n": 16000,
    },
    "T_d m=2": {
        "couplings": GlassCouplings(2.30, modulus_n_slope=0.0, density_excess=0.0, modulus_coupling=1.6),
        "td": "n1000_m2_t0.0716",
        "unit_n": 4000,
        "ladder": "n{n}_m2_t0.0716",
    },
    "T_d m=inf": {
        "couplings": GlassCouplings(2.62, modulus_n_slope=0.0, density_excess=0.0, modulus_coupling=1.6),
        "td": "n1000_minf_t0.0716",
        "unit_n": 4000,
        "ladder": "n{n}_minf_t0.0716",
    },
}
#: Nonphononic modes a structure in the T_d window (0, 0.376] of the common unit: the control's chains 0 - 61 at
#: N = 1000 hold 2.08 (m = 2) and 1.68 (m = ∞) modes a structure there (counts only, no exponent was read in this
#: window before registration); the mocks' broadened first shell adds 0.2 and 0.17 plane-wave levels a structure
#: below 0.376, so the nonphononic count is the rest.
TD_COUNTS = {"T_d m=2": 1.88, "T_d m=inf": 1.51}
TD_SCENARIOS = {"+1 (seed 001)": (4.0, 3.0), "0 (rival)": (4.0, 4.0)}


def unit_shear_modulus(protocol: str, ladder: dict[str, Any] | None = None) -> float:
    """The protocol's common unit: the mean G of its largest N in the ladder (issue 63 item 1); ``ladder``: the
    ladder's points already read (read here otherwise)."""
    p = PROTOCOLS[protocol]
    ds = (read_point_groups(LADDER) if ladder is None else ladder)[p["ladder"].format(n=p["unit_n"])]
    return common_shear_modulus(mode_spectra_from_dataset(ds, protocol))


# --------------------------------------------------------------------------- mocks against the glasses
def _data_statistics(sp: ModeSpectra, edges: Sequence[float]) -> dict[str, Any]:
    x, _, _ = reduced_modes(sp)
    out = coupling_statistics(sp.omega, sp.shear_modulus)
    out["per_particle_below"] = {f"{e:g}": float(np.nansum(x <= e) / sp.n_samples / sp.n_particles) for e in edges}
    return out


def check(seed: int = 0, protocols: Sequence[str] | None = None) -> dict[str, Any]:
    """The mocks' statistics beside the glasses' at the same N and sample counts (module docstring), GOE levels, for
    every protocol of :data:`PROTOCOLS` (or those named)."""
    ladder = read_point_groups(LADDER)
    confirm = read_point_groups(CONFIRM)
    td = read_point_groups(TD_CHAINS)
    out: dict[str, Any] = {}
    for name, p in PROTOCOLS.items():
        if protocols is not None and name not in protocols:
            continue
        g_u = unit_shear_modulus(name, ladder)
        rows = {}
        sets = (
            [(n, ladder[p["ladder"].format(n=n)]) for n in (1000, 4000, 8000)]
            + [(2000, confirm[p["confirm"]].assign_attrs(n_particles=2000))]
            if "confirm" in p
            else [(1000, td[p["td"]])]
        )
        for n, ds in sets:
            glass = mode_spectra_from_dataset(ds, f"N={n}").in_common_unit(g_u)
            # T* = 1: the calibrated curved spectrum; T_d: the window's count a structure at N = 1000, s = 3.5
            spectrum = t1_spectrum() if "confirm" in p else _power_law(TD_COUNTS[name], 3.5, TD_WINDOW[1])
            mock = coupled_glass_mock(
                n, glass.n_samples, spectrum=spectrum, couplings=p["couplings"], k=20, seed=seed + n
            )  # GOE levels, the glasses' (whatever --levels says)
            msp = ModeSpectra(**mock.arrays()).in_common_unit(g_u)
            edges = (0.15, 0.18, 0.29) if "confirm" in p else (0.29, 0.376)
            rows[f"N={n}"] = {"glasses": _data_statistics(glass, edges), "mock": _data_statistics(msp, edges)}
        out[name] = {"unit_shear_modulus": g_u, "points": rows}
    return out


def _power_law(count_per_structure: float, exponent: float, edge: float, n: int = 1000) -> CurvedSpectrum:
    """A pure power law (s_deep = s_high) with ``count_per_structure`` modes below ``edge`` at N = ``n``."""
    per_particle = count_per_structure / n
    amplitude = 2.0 * per_particle * (exponent + 1.0) / edge ** (exponent + 1.0)  # CurvedSpectrum halves it
    return CurvedSpectrum(amplitude, exponent, exponent, 1.0)


# --------------------------------------------------------------------------- design A
def coverage_summary(values: list[Any], truth: float, expect: Expectation | None = None) -> dict[str, Any]:
    """Coverage of ``truth`` by the intervals of ``values`` (with its Wilson interval), bias, mean half-width, and
    the verdicts under ``expect`` where given (the summary every power and coverage study reports)."""
    covers = sum(m.low <= truth <= m.high for m in values)
    out = {
        "truth": truth,
        "coverage": covers / len(values),
        "wilson_95": list(wilson_interval(covers, len(values))),
        "mean_estimate": float(np.mean([m.value for m in values])),
        "bias": float(np.mean([m.value for m in values]) - truth),
        "mean_half_width": float(np.mean([(m.high - m.low) / 2 for m in values])),
    }
    if expect is not None:
        out["verdicts"] = dict(Counter(judge(m, expect)[0].value for m in values))
    return out


def design_a(samples: Sequence[int], replicates: int, s_deep: Sequence[float] = (4.0,)) -> dict[str, Any]:
    """Coverage, bias and half-width of the deep-band readings at N = 8000 for each sample count a taper and each
    deep exponent of the mock spectrum (its shoulder and amplitude as calibrated)."""
    expect4 = Expectation(kind="equal", value=4.0, tolerance=0.5)
    out: dict[str, Any] = {}
    for deep in s_deep:
        spec = CurvedSpectrum(T1_AMPLITUDE, deep, 3.0, T1_X_STAR)
        for count in samples:
            per_taper: dict[str, list[Any]] = {"T*=1 m=2": [], "T*=1 m=inf": []}
            pooled, a4, ratio = [], [], []
            truths = {}
            for r in range(replicates):
                points = {}
                for j, name in enumerate(per_taper):
                    c = PROTOCOLS[name]["couplings"]
                    g_u = c.shear_modulus(16000)
                    m = coupled_glass_mock(
                        8000, count, spectrum=spec, couplings=c, k=20, seed=100_000 * r + j, **LEVELS
                    )
                    points[name] = ModeSpectra(**m.arrays(), label=name).in_common_unit(g_u)
                    truths[name] = _band_truth(spec, c, 8000, g_u)
                    per_taper[name].append(
                        band_mle(points[name], *DEEP_BAND, n_bootstrap=N_BOOTSTRAP, seed=r).measurement
                    )
                pooled.append(band_mle(list(points.values()), *DEEP_BAND, n_bootstrap=N_BOOTSTRAP, seed=r).measurement)
                a4.append(soft_mode_density(points["T*=1 m=2"], DEEP_BAND[1], n_bootstrap=N_BOOTSTRAP, seed=r))
                c2 = PROTOCOLS["T*=1 m=2"]["couplings"]
                small = coupled_glass_mock(
                    2000, 1000, spectrum=spec, couplings=c2, k=20, seed=100_000 * r + 7, **LEVELS
                )
                ratio.append(
                    density_ratio(
                        ModeSpectra(**small.arrays()).in_common_unit(c2.shear_modulus(16000)),
                        points["T*=1 m=2"],
                        DEEP_BAND[1],
                        n_bootstrap=N_BOOTSTRAP,
                        seed=r,
                    ).ratio
                )
            c2 = PROTOCOLS["T*=1 m=2"]["couplings"]
            a4_truth = _a4_truth(spec, c2, 8000, c2.shear_modulus(16000))
            ratio_truth = count_truth(spec, c2, 2000, c2.shear_modulus(16000)) / count_truth(
                spec, c2, 8000, c2.shear_modulus(16000)
            )
            key = f"s_deep={deep:g}, {count} samples a taper"
            out[key] = {
                **{name: coverage_summary(v, truths[name], expect4) for name, v in per_taper.items()},
                "pooled over tapers": coverage_summary(pooled, float(np.mean(list(truths.values()))), expect4),
                "A_4 (m=2)": coverage_summary(a4, a4_truth),
                "density ratio 2000/8000 (m=2)": coverage_summary(
                    ratio, ratio_truth, Expectation(kind="greater", value=1.0)
                ),
            }
            print(
                key,
                json.dumps(
                    {k: {q: v[q] for q in ("coverage", "bias", "mean_half_width")} for k, v in out[key].items()}
                ),
                flush=True,
            )
    return out


def _density_in_unit(spec: CurvedSpectrum, c: GlassCouplings, n: int, g_u: float) -> Callable[[float], float]:
    """g per particle per unit x = ω/ω_g,u of the mock's population at N (ω_g,u of ``g_u``)."""
    r = math.sqrt(c.shear_modulus_inf / g_u)  # x_inf = x_u / r

    def density(x: float) -> float:
        return float(spec.density(np.array([x / r]), 1.0)[0]) / r * c.density_factor(n)

    return density


def _band_truth(spec: CurvedSpectrum, c: GlassCouplings, n: int, g_u: float) -> float:
    """The band MLE's population value (the coupling's and the scatter's spread of x folded in as a G scatter)."""
    sigma = math.hypot(c.modulus_scatter, 2 * c.modulus_coupling * c.modulus_scatter) * math.sqrt(1000 / n)
    return band_mle_population(_density_in_unit(spec, c, n, g_u), *DEEP_BAND, modulus_scatter=sigma)


def count_truth(spec: CurvedSpectrum, c: GlassCouplings, n: int, g_u: float) -> float:
    """Modes per particle below the deep band's top in the population of the mocks at N (unit ``g_u``)."""
    return integrate.quad(_density_in_unit(spec, c, n, g_u), 0.0, DEEP_BAND[1])[0]


def _a4_truth(spec: CurvedSpectrum, c: GlassCouplings, n: int, g_u: float) -> float:
    """A_4 ω_g⁵ that :func:`~vdosbench.validators.spectral.absolute_frequency.soft_mode_density` estimates."""
    return 5.0 * count_truth(spec, c, n, g_u) / DEEP_BAND[1] ** 5


# --------------------------------------------------------------------------- design B
def td_point(name: str, exponent: float, chains: int, seed: int) -> ModeSpectra:
    c = PROTOCOLS[name]["couplings"]
    spec = _power_law(TD_COUNTS[name], exponent, TD_WINDOW[1])
    m = coupled_glass_mock(
        1000, chains * TD_CHAIN, spectrum=spec, couplings=c, k=20, structures_per_chain=TD_CHAIN, seed=seed, **LEVELS
    )
    return ModeSpectra(**m.arrays(), label=name).in_common_unit(c.shear_modulus(4000))


def design_b(chains: Sequence[int], replicates: int) -> dict[str, Any]:
    """Coverage, bias, half-width and verdicts of the unpaired taper difference on (0, 0.376] at C chains a taper."""
    rules = {
        "+1": Expectation(kind="equal", value=1.0, tolerance=0.5),
        "0": Expectation(kind="equal", value=0.0, tolerance=0.5),
    }
    out: dict[str, Any] = {}
    for scen, (s2, sinf) in TD_SCENARIOS.items():
        for count in chains:
            diffs = []
            for r in range(replicates):
                a = td_point("T_d m=2", s2, count, 10_000 * r + 1)
                b = td_point("T_d m=inf", sinf, count, 10_000 * r + 2)
                diffs.append(
                    band_difference(a, b, *TD_WINDOW, phonon_factor=TD_PHONON_FACTOR, n_bootstrap=N_BOOTSTRAP, seed=r)
                )
            truth = s2 - sinf
            summ = coverage_summary(diffs, truth)
            summ["verdicts_on_+1"] = dict(Counter(judge(m, rules["+1"])[0].value for m in diffs))
            summ["verdicts_on_0"] = dict(Counter(judge(m, rules["0"])[0].value for m in diffs))
            summ["mean_se"] = float(np.mean([m.uncertainty for m in diffs]))
            key = f"truth {scen}, {count} chains of {TD_CHAIN} a taper"
            out[key] = summ
            print(
                key,
                json.dumps(
                    {
                        q: summ[q]
                        for q in ("coverage", "bias", "mean_half_width", "mean_se", "verdicts_on_+1", "verdicts_on_0")
                    }
                ),
                flush=True,
            )
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Command line (module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=100)
    parser.add_argument("--samples", type=int, nargs="+", default=[300, 500, 1000])
    parser.add_argument("--chains", type=int, nargs="+", default=[30, 40, 50])
    parser.add_argument(
        "--parts",
        nargs="+",
        choices=("check", "a", "b"),
        default=["check", "a", "b"],
        help="what to run: the mocks against the glasses, design A, design B",
    )
    parser.add_argument("--s-deep", type=float, nargs="+", default=[4.0], help="deep exponents of design A")
    parser.add_argument("--levels", choices=("goe", "poisson"), default="poisson")
    parser.add_argument("--update", action="store_true", help="add the parts run to the output file's")
    parser.add_argument("--output", type=Path, default=RESULT)
    args = parser.parse_args(argv)
    LEVELS["levels"] = args.levels
    result: dict[str, Any] = json.loads(args.output.read_text()) if args.update and args.output.exists() else {}
    suffix = "" if args.levels == "poisson" else f"_{args.levels}"
    result.setdefault("method", {}).update(
        {
            "script": "studies/coupled_mock_power.py",
            "n_bootstrap": N_BOOTSTRAP,
            "deep_band": list(DEEP_BAND),
            "td_window": list(TD_WINDOW),
            "td_phonon_factor": TD_PHONON_FACTOR,
            "td_chain": TD_CHAIN,
            "td_counts": TD_COUNTS,
            "t1_spectrum": {"amplitude": T1_AMPLITUDE, "s_deep": 4.0, "s_high": 3.0, "x_star": T1_X_STAR},
            "couplings": {k: vars(v["couplings"]) for k, v in PROTOCOLS.items()},
            "levels": "design_a and design_b: Poisson levels (10x faster to draw; conservative); the _goe keys: the "
            "same designs with GOE levels, fewer replicates",
        }
    )
    result["method"].setdefault("runs", []).append(
        {
            "parts": args.parts,
            "levels": args.levels,
            "replicates": args.replicates,
            "samples": args.samples,
            "chains": args.chains,
        }
    )
    if "check" in args.parts:
        result["check"] = check()
        print(json.dumps(result["check"], indent=1), flush=True)
    if "b" in args.parts:
        result["design_b" + suffix] = design_b(args.chains, args.replicates)
    if "a" in args.parts:
        result["design_a" + suffix] = design_a(args.samples, args.replicates, args.s_deep)
    write_results(args.output, result, indent=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
