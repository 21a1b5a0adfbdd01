"""Issue 52 items 2 and 4: the registered reading of the non-additive control at T_d, stage by stage.

``python -m studies.td_control`` (from the clone's root) reads ``benchmark/registrations/td-control.toml``
(amendments applied, by :func:`vdosbench.benchmark.registration.load_registration`) on the control's chains:

data
    the registered new chains (``studies/results/td_control_chains.nc``, landed by ``studies/finite_size.py
    --export-only``) and, for the alternatives marked "all chains" and the extreme value's lever arm in N, the
    exploratory chains 0 – 19 (N = 1000, 2000) and 0 – 11 (N = 4000) of ``studies/results/finite_size_modes.nc``.
stages
    stage 1: chains 20 – 59 a taper at N = 1000 and 20 – 39 at N = 2000 (the registered counts, interim);
    stage 2 (amendment 1): chains 20 – 219 and 20 – 119.  A size is read in a stage only when every chain of the
    stage is there at both tapers with its 5 structures; until then it is listed under ``not_read`` with its
    count, and no exponent of it is computed.  Readings that join the sizes (the difference pooled over
    N = 1000 and 2000, the joint extreme value over N = 1000, 2000, 4000) wait for both sizes of the stage.
readings (the registration's estimators; phonon factor 0.6; 1000 bootstrap replicates over chains, seed 0)
    per claim its primary and alternatives, each with the verdict by the registered rule
    (:func:`vdosbench.benchmark.scoring.judged_reading`) and, beside it, the coverage of that interval on the paired
    mocks of ``studies/td_control_coverage.py`` (both scenarios; "not measured" where that study does not
    read it).  A structure unstable to shear is left out with its partner at the other taper.
    "drifting chains out" keeps a chain pair when the energy-drift interval of both its tapers holds 0.
    The joint extreme value uses the stage's chains at N = 1000 and 2000 and the exploratory N = 4000 chains.
equilibrium
    every read chain's energy drift (how many hold 0 a taper and N) and the two-start test's entries for the
    control (``studies/results/two_start.json``), reported beside the verdicts; they do not change them.

Writes ``studies/results/td_control_verdicts.json`` and the figure of s(ω) at T_d beside the confirmatory high-T*
sets (``docs/figures/td_control_s_of_omega.png``): the band MLE on (0, 0.2] and (0.2, 0.29] ω_g of each read
stage's chains and of the exploratory chains at each N (descriptive: no verdict reads them), the high-T* sets in
the five bands of ``studies/absolute_frequency.py``.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import xarray as xr  # noqa: E402

from vdosbench.benchmark import Claim  # noqa: E402
from vdosbench.benchmark import load_registration  # noqa: E402
from vdosbench.benchmark import judged_reading  # noqa: E402
from vdosbench.datasets import point_group_key, read_point_groups  # noqa: E402
from vdosbench.generators import RECIPES, T_D_NONADDITIVE  # noqa: E402
from vdosbench.validators import (  # noqa: E402
    ModeSpectra,
    band_mle,
    extreme_value_difference,
    extreme_value_fit,
    local_exponent,
    mode_spectra_from_dataset,
    paired_band_difference,
)
from vdosbench.validators import jsonable  # noqa: E402

from studies.td_control_stages import COVERAGE_FILES, POOLED, STAGES  # noqa: E402  (the registered stages)
from vdosbench.datasets import write_results  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "studies" / "results"
NEW = RESULTS / "td_control_chains.nc"
EXPLORATORY = RESULTS / "finite_size_modes.nc"
#: The coverage studies' summaries, one a registered stage's counts (studies/td_control_coverage.py --stage).
COVERAGES = tuple(RESULTS / summary for _, summary in COVERAGE_FILES.values())
TWO_START = RESULTS / "two_start.json"
HIGH_T = RESULTS / "absolute_frequency_confirm.json"
OUTPUT = RESULTS / "td_control_verdicts.json"
FIGURE = ROOT / "docs" / "figures" / "td_control_s_of_omega.png"
REGISTRATION = "td-control"
#: Structures a chain: the recipes' own (5 in every T_d recipe).
CHAIN_SAMPLES = int(RECIPES["soft_spheres_lowest_n1000_td_nonadditive"].fixed["chain_samples"])
EV_SIZES = (1000, 2000, 4000)
#: Bands of s(ω) at T_d: two, because the control has 0.55 – 0.79 modes a structure below 0.29 ω_g (the high-T*
#: sets' five bands of studies/absolute_frequency.py would hold a handful of modes each).
BAND_EDGES = (0.0, 0.2, 0.29)
N_BOOTSTRAP = 1000
SEED = 0
TAPERS = (2, -1)
TAPER_NAME = {2: "m2", -1: "minf"}


def _points(path: Path) -> dict[tuple[int, int], xr.Dataset]:
    """The control's points of a compact point-group file: {(N, taper): dataset}."""
    out = {}
    for name, ds in read_point_groups(path).items():
        n, taper, t = point_group_key(name)
        if math.isclose(t, T_D_NONADDITIVE):
            out[(n, taper)] = ds
    return out


def _chains_present(ds: xr.Dataset | None) -> dict[int, int]:
    if ds is None:
        return {}
    labels, counts = np.unique(ds["chain"].values, return_counts=True)
    return dict(zip(labels.tolist(), counts.tolist()))


def landed(new: Mapping[tuple[int, int], xr.Dataset], chains: Mapping[int, range]) -> dict[int, dict[str, int]]:
    """Per N of a stage: the chains it registers and, a taper, how many of them are landed whole (5 structures)."""
    out = {}
    for n, wanted in chains.items():
        out[n] = {"registered": len(wanted)}
        for taper in TAPERS:
            present = _chains_present(new.get((n, taper)))
            out[n][TAPER_NAME[taper]] = sum(1 for c in wanted if present.get(c, 0) >= CHAIN_SAMPLES)
    return out


def stage_status(
    new: Mapping[tuple[int, int], xr.Dataset],
    chains: Mapping[int, range],
    counts: Mapping[int, Mapping[str, int]] | None = None,
) -> dict[int, str]:
    """Per N of a stage: "complete", or what is missing (no exponent is read until complete); ``counts``: the
    stage's :func:`landed` counts where the caller has them."""
    out = {}
    for n, count in (landed(new, chains) if counts is None else counts).items():
        missing = [
            f"{TAPER_NAME[t]}: {count[TAPER_NAME[t]]} of {count['registered']} chains"
            for t in TAPERS
            if count[TAPER_NAME[t]] < count["registered"]
        ]
        out[n] = "complete" if not missing else "; ".join(missing) + " landed: not read until complete"
    return out


def select_chains(ds: xr.Dataset, chains: Sequence[int] | range) -> xr.Dataset:
    """The structures of ``ds`` whose ``chain`` is one of ``chains``."""
    return ds.isel(sample=np.flatnonzero(np.isin(ds["chain"].values, list(chains))))


def drift_holds_zero(ds: xr.Dataset) -> dict[int, bool]:
    """Per chain: does its energy-drift interval hold 0."""
    out = {}
    for c, lo, hi in zip(ds["chain"].values, ds["energy_drift_low"].values, ds["energy_drift_high"].values):
        out[int(c)] = bool(lo <= 0.0 <= hi)
    return out


def paired_spectra(first: xr.Dataset, second: xr.Dataset, label: str) -> tuple[ModeSpectra, ModeSpectra, int]:
    """The two tapers' spectra on the samples both hold, a structure unstable to shear at either left out with its
    partner; and how many pairs were left out."""
    common = np.intersect1d(first["sample"].values, second["sample"].values)
    a, b = first.sel(sample=common), second.sel(sample=common)
    stable = np.asarray((a["shear_modulus"] > 0).values & (b["shear_modulus"] > 0).values)
    keep = np.flatnonzero(stable)
    return (
        mode_spectra_from_dataset(a.isel(sample=keep), f"{label} m2"),
        mode_spectra_from_dataset(b.isel(sample=keep), f"{label} minf"),
        int((~stable).sum()),
    )


def _coverage(
    key: str | None, coverage: Mapping[str, Any], counts: Mapping[int, int] | None = None
) -> dict[str, Any] | str:
    """The coverage of the interval ``key`` on the paired mocks, per scenario, or why there is none (``counts``:
    the chains a taper the reading has by N; mocks drawn at other counts do not speak for it)."""
    if key is None:
        return "not measured"
    drawn = {int(n): int(c) for n, c in coverage.get("method", {}).get("chains", {}).items()}
    if counts is not None and drawn and any(drawn.get(n) != c for n, c in counts.items()):
        return f"not measured at these counts (the mocks have {drawn} chains a taper by N; this reading {dict(counts)})"
    out = {
        sc: {k: block[key][k] for k in ("coverage", "wilson_95", "replicates", "truth")}
        for sc, block in coverage.get("coverage", {}).items()
        if key in block
    }
    return out or "not measured"


def _reading(
    claim: Claim,
    what: str,
    est: Any,
    coverage_key: str | None,
    coverage: Mapping[str, Any],
    counts: Mapping[int, int] | None = None,
) -> dict[str, Any]:
    """One registered reading: value, interval, its verdict by the claim's rule, and the interval's coverage."""
    return {**judged_reading(what, est, claim.expect), "coverage_on_mocks": _coverage(coverage_key, coverage, counts)}


class _Reader:
    """The readings of one stage (module docstring); built once per stage by :func:`read`."""

    def __init__(
        self,
        reg: Any,
        new: Mapping[tuple[int, int], xr.Dataset],
        old: Mapping[tuple[int, int], xr.Dataset],
        chains: Mapping[int, range],
        coverage: Mapping[str, Any],
        n_bootstrap: int,
    ) -> None:
        self.reg, self.new, self.old, self.chains, self.cov = reg, new, old, chains, coverage
        self.kw = {"n_bootstrap": n_bootstrap, "seed": SEED}
        self._done: dict[tuple[Any, ...], Any] = {}

    def _once(self, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        """``compute()`` the first time ``key`` is asked for: claims that read the same estimate (the two taper
        claims, the s = 4 claim and the per-taper ones) share one bootstrap."""
        if key not in self._done:
            self._done[key] = compute()
        return self._done[key]

    def counts(self, n: int | None = None) -> dict[int, int]:
        """Chains a taper the stage reads at N = ``n`` (all its sizes when None)."""
        return {k: len(v) for k, v in self.chains.items() if n is None or k == n}

    def data(self, n: int, taper: int, which: str = "new") -> xr.Dataset:
        mine = select_chains(self.new[(n, taper)], self.chains[n])
        if which == "all" and (n, taper) in self.old:
            old = self.old[(n, taper)]
            shared = [v for v in mine.data_vars if v in old.data_vars]
            return xr.concat([old[shared], mine[shared]], dim="sample", join="outer")
        return mine

    def pair(self, n: int, which: str = "new", drift_zero: bool = False) -> tuple[ModeSpectra, ModeSpectra, int]:
        return self._once(("pair", n, which, drift_zero), lambda: self._pair(n, which, drift_zero))

    def _pair(self, n: int, which: str, drift_zero: bool) -> tuple[ModeSpectra, ModeSpectra, int]:
        a, b = self.data(n, 2, which), self.data(n, -1, which)
        if drift_zero:
            da, db = drift_holds_zero(a), drift_holds_zero(b)
            keep = [c for c in da if da[c] and db.get(c, False)]
            a, b = select_chains(a, keep), select_chains(b, keep)
        return paired_spectra(a, b, f"N={n} {which}{' drift 0' if drift_zero else ''}")

    def spectra(self, n: int, taper: int, which: str = "new") -> ModeSpectra:
        return self._once(
            ("spectra", n, taper, which),
            lambda: mode_spectra_from_dataset(self.data(n, taper, which), f"N={n} {TAPER_NAME[taper]} {which}"),
        )

    def paired(self, n: int, x: float, which: str = "new", drift_zero: bool = False) -> Any:
        """The paired difference on (0, x] of the stage's chains at N = ``n``."""

        def compute() -> Any:
            a, b, _ = self.pair(n, which, drift_zero)
            return paired_band_difference(a, b, 0.0, x, **self.kw)

        return self._once(("paired", n, x, which, drift_zero), compute)

    def band(self, n: int, taper: int, low: float, high: float, which: str = "new") -> Any:
        """The band MLE on (low, high] of one taper at N = ``n``."""
        return self._once(
            ("band", n, taper, low, high, which), lambda: band_mle(self.spectra(n, taper, which), low, high, **self.kw)
        )

    def taper_difference(self, claim: Claim, n: int) -> list[dict[str, Any]]:
        x = float(claim.settings["band"][1])
        out_unstable = self.pair(n)[2]
        rows = [
            _reading(
                claim,
                f"primary: paired window (0, {x:g}], m = 2 minus m = inf",
                self.paired(n, x),
                f"N={n} paired 0-{x:g}",
                self.cov,
                self.counts(n),
            )
        ]
        rows[0]["pairs_left_out_unstable"] = out_unstable
        for alt in claim.alternatives:
            chains = alt.select.get("chains")
            if "pooled" in alt.select or chains == "stage 2" or alt.settings["estimator"] == "extreme_value":
                continue  # read across sizes (the stage's joint block) or as a stage of its own
            which, drift_zero = ("all" if chains == "all" else "new"), chains == "drift holds 0"
            xe = float(alt.settings["band"][1])
            key = f"N={n} paired 0-{xe:g}" if chains is None else None
            rows.append(
                _reading(claim, alt.label, self.paired(n, xe, which, drift_zero), key, self.cov, self.counts(n))
            )
            if drift_zero:
                rows[-1]["chain_pairs_read"] = self.pair(n, which, drift_zero)[0].n_groups
        return rows

    def window(self, claim: Claim, n: int, taper: int) -> list[dict[str, Any]]:
        x = float(claim.settings["band"][1])
        name = TAPER_NAME[taper]
        rows = [
            _reading(
                claim,
                f"primary: window (0, {x:g}], {name}",
                self.band(n, taper, 0.0, x),
                f"N={n} window {name} 0-{x:g}",
                self.cov,
                self.counts(n),
            )
        ]
        for alt in claim.alternatives:
            if alt.settings["estimator"] == "extreme_value":
                continue
            if alt.select.get("chains") == "all":
                rows.append(
                    _reading(
                        claim,
                        f"{alt.label}, {name}",
                        self.band(n, taper, 0.0, x, "all"),
                        None,
                        self.cov,
                        self.counts(n),
                    )
                )
            elif not alt.select:
                lo, hi = (float(v) for v in alt.settings["band"])
                rows.append(
                    _reading(
                        claim,
                        f"{alt.label}, {name}",
                        self.band(n, taper, lo, hi),
                        f"N={n} band {name} {lo:g}-{hi:g}",
                        self.cov,
                        self.counts(n),
                    )
                )
        return rows

    def extreme_value(self, taper: int) -> Any:
        """The joint fit over EV_SIZES: the stage's chains at N = 1000, 2000, the exploratory N = 4000 chains."""
        pts = [
            self.spectra(n, taper)
            if n in self.chains
            else mode_spectra_from_dataset(self.old[(n, taper)], f"N={n} {TAPER_NAME[taper]} exploratory")
            for n in EV_SIZES
        ]
        return extreme_value_fit(pts, law="free", **self.kw)

    def pooled(self, claim: Claim) -> dict[str, Any]:
        pairs = [self.pair(n) for n in sorted(self.chains)]
        x = float(claim.alternative(POOLED).settings["band"][1])
        key = "pooled N=" + "+".join(str(n) for n in sorted(self.chains)) + f" paired 0-{x:g}"
        pooled = self._once(
            ("pooled", x),
            lambda: paired_band_difference([p[0] for p in pairs], [p[1] for p in pairs], 0.0, x, **self.kw),
        )
        return _reading(claim, POOLED, pooled, key, self.cov, self.counts())


def _coverage_for(summaries: Sequence[Mapping[str, Any]], chains: Mapping[int, range]) -> Mapping[str, Any]:
    """The coverage summary drawn at a stage's counts, else the first (whose readings then say "not measured at
    these counts"), else none."""
    counts = {n: len(c) for n, c in chains.items()}
    for summary in summaries:
        if {int(n): int(c) for n, c in summary.get("method", {}).get("chains", {}).items()} == counts:
            return summary
    return summaries[0] if summaries else {}


def read(
    new_path: Path = NEW,
    exploratory: Path = EXPLORATORY,
    coverage: Path | Sequence[Path] = COVERAGES,
    stages: Mapping[str, Mapping[int, range]] = STAGES,
    n_bootstrap: int = N_BOOTSTRAP,
) -> dict[str, Any]:
    """The registered reading of every complete stage and size (module docstring); ``coverage``: the coverage
    studies' summaries (those that exist are read; each stage quotes the one drawn at its counts)."""
    reg = load_registration(REGISTRATION)
    coverage_files = [coverage] if isinstance(coverage, Path) else list(coverage)
    summaries = [json.loads(f.read_text()) for f in coverage_files if f.exists()]
    new, old = _points(new_path), _points(exploratory)
    diff, zero, m2, minf, s4 = (
        reg.claim(c)
        for c in (
            "schirmacher.td-taper-difference-absolute",
            "lerner-bouchbinder.td-taper-0-absolute",
            "schirmacher.td-m2-s4-absolute",
            "schirmacher.td-minf-s3-absolute",
            "lerner-bouchbinder.td-s4-absolute",
        )
    )
    result: dict[str, Any] = {
        "registration": reg.path.name,
        "registered": reg.registered,
        "amendments": reg.amendments,
        "method": {
            "unit": reg.header["unit"],
            "interval": reg.header["interval"],
            "n_bootstrap": n_bootstrap,
            "seed": SEED,
            "phonon_factor": 0.6,
            "stages": {k: {str(n): [r.start, r.stop - 1] for n, r in v.items()} for k, v in stages.items()},
            "coverage": ", ".join(f.name for f in coverage_files if f.exists()) + " (paired mocks, "
            "each at one stage's counts); 'not measured' where none reads the interval at the "
            "reading's counts",
            "extreme_value": "joint over N = 1000, 2000 (the stage's chains) and 4000 (exploratory chains)",
        },
        "stages": {},
        "not_read": {},
        "landed": {},
        "equilibrium": {},
    }
    for stage, chains in stages.items():
        counts = landed(new, chains)
        status = stage_status(new, chains, counts)
        for n, count in counts.items():
            result["landed"][f"{stage} N={n}"] = count
        ready = {n: chains[n] for n, s in status.items() if s == "complete"}
        for n, s in status.items():
            if s != "complete":
                result["not_read"][f"{stage} N={n}"] = s
        if not ready:
            continue
        cov = _coverage_for(summaries, chains)  # the mocks drawn at this stage's counts
        r = _Reader(reg, new, old, ready, cov, n_bootstrap)
        block: dict[str, Any] = {}
        for n in sorted(ready):
            block[f"N={n}"] = {
                diff.id: r.taper_difference(diff, n),
                zero.id: r.taper_difference(zero, n),
                m2.id: r.window(m2, n, 2),
                minf.id: r.window(minf, n, -1),
                s4.id: r.window(s4, n, 2) + r.window(s4, n, -1),
                "s_of_omega": {TAPER_NAME[t]: _curve(r.spectra(n, t), r.kw) for t in TAPERS},
            }
            result["equilibrium"][f"{stage} N={n}"] = {TAPER_NAME[t]: drift_summary(r.data(n, t)) for t in TAPERS}
        if len(ready) == len(chains) and all((4000, t) in old for t in TAPERS):
            ev = {t: r.extreme_value(t) for t in TAPERS}
            joint = {
                diff.id: [
                    _reading(diff, "extreme value, difference", extreme_value_difference(ev[2], ev[-1]), None, cov),
                    r.pooled(diff),
                ],
                zero.id: [r.pooled(zero)],
                m2.id: [_reading(m2, "extreme value, kappa free, N = 1000 - 4000", ev[2].exponent, None, cov)],
                minf.id: [_reading(minf, "extreme value, kappa free, N = 1000 - 4000", ev[-1].exponent, None, cov)],
                s4.id: [
                    _reading(
                        s4, f"extreme value, kappa free, N = 1000 - 4000, {TAPER_NAME[t]}", ev[t].exponent, None, cov
                    )
                    for t in TAPERS
                ],
            }
            block["joint"] = joint
        result["stages"][stage] = block
    result["exploratory"] = exploratory_readings(reg, old, n_bootstrap)
    result["two_start"] = _two_start()
    return jsonable(result)


def exploratory_readings(
    reg: Any, old: Mapping[tuple[int, int], xr.Dataset], n_bootstrap: int = N_BOOTSTRAP
) -> dict[str, Any]:
    """The registered primaries, and the deep window (0, 0.18], on the exploratory chains at every N they have
    (N = 4000 has no new chains): judged by the same rules but labelled exploratory — these chains were seen before
    the registration, so their verdicts are descriptive and never the claim's."""
    diff, m2, minf = (
        reg.claim(c)
        for c in (
            "schirmacher.td-taper-difference-absolute",
            "schirmacher.td-m2-s4-absolute",
            "schirmacher.td-minf-s3-absolute",
        )
    )
    deep = float(diff.alternative("deep window (0, 0.18]").settings["band"][1])
    x = float(diff.settings["band"][1])
    out: dict[str, Any] = {
        "note": "chains seen before the registration (chains 0 - 19 at N = 1000, 2000; 0 - 11 at "
        "N = 4000): verdicts by the registered rules, descriptive only"
    }
    kw = {"n_bootstrap": n_bootstrap, "seed": SEED}
    for n in sorted({k[0] for k in old if (k[0], 2) in old and (k[0], -1) in old}):
        a, b, _ = paired_spectra(old[(n, 2)], old[(n, -1)], f"N={n} exploratory")
        rows = {
            diff.id: [
                _reading(diff, f"paired window (0, {xe:g}]", paired_band_difference(a, b, 0.0, xe, **kw), None, {})
                for xe in (x, deep)
            ]
        }
        for claim, point, name in ((m2, a, "m2"), (minf, b, "minf")):
            rows[claim.id] = [
                _reading(claim, f"window (0, {xe:g}], {name}", band_mle(point, 0.0, xe, **kw), None, {})
                for xe in (x, deep)
            ]
        rows["chains"] = int(a.n_groups)
        rows["s_of_omega"] = {"m2": _curve(a, kw), "minf": _curve(b, kw)}
        out[f"N={n}"] = rows
    return out


def _curve(point: ModeSpectra, kw: Mapping[str, Any]) -> list[dict[str, Any]]:
    ests, _ = local_exponent(point, BAND_EDGES, **kw)
    return [
        {
            "band": list(e.measurement.settings["band_omega_over_omega_g"]),
            "value": e.value,
            "interval": [e.measurement.low, e.measurement.high],
            "status": e.status,
            "modes": e.diagnostics["modes"],
        }
        for e in ests
    ]


def drift_summary(ds: xr.Dataset) -> dict[str, Any]:
    """How many chains' energy-drift intervals hold 0, lie below it and lie above it."""
    holds = drift_holds_zero(ds)
    drift = {int(c): float(d) for c, d in zip(ds["chain"].values, ds["energy_drift"].values)}
    return {
        "chains": len(holds),
        "drift_holds_zero": sum(holds.values()),
        "drift_below_zero": sum(1 for c, h in holds.items() if not h and drift[c] < 0),
        "drift_above_zero": sum(1 for c, h in holds.items() if not h and drift[c] > 0),
    }


def _two_start(path: Path = TWO_START) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    entries = json.loads(path.read_text())["entries"]
    return [
        {k: e[k] for k in ("n_particles", "taper_order", "chain", "difference", "difference_interval", "verdict")}
        for e in entries
        if "nonadditive" in str(e.get("recipe", ""))
    ]


def figure(result: Mapping[str, Any], path: Path = FIGURE, high_t: Path = HIGH_T) -> plt.Figure:
    """s(ω) at T_d (each read stage and N, and the exploratory chains) beside the confirmatory high-T* sets
    (N = 2000), per taper."""
    high = json.loads(high_t.read_text())["points"] if high_t.exists() else {}
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6), sharey=True)
    for ax, taper in zip(axes, TAPERS):
        name = TAPER_NAME[taper]
        series = []  # (curve, label, style), drawn side by side at each band
        for stage, block in result["stages"].items():
            series += [
                (claims["s_of_omega"][name], f"T_d, {size}, {stage}", "o-")
                for size, claims in block.items()
                if size.startswith("N=")
            ]
        drawn = len(series)
        series += [
            (rows["s_of_omega"][name], f"T_d, {size}, exploratory chains", ".:")
            for size, rows in result.get("exploratory", {}).items()
            if size.startswith("N=") and size != "N=4000"
        ]  # N = 4000 reads no band above 0.24 omega_g
        series += [
            (high[tname]["s_of_omega"], label, "s--")
            for tname, label in ((f"{name}_tinf", "T* = ∞, N = 2000"), (f"{name}_t1", "T* = 1, N = 2000"))
            if tname in high
        ]
        for k, (curve, label, style) in enumerate(series):
            _draw(ax, curve, label, style, shift=0.025 * (k - (len(series) - 1) / 2))
        if not drawn:
            waiting = [k for k in result.get("not_read", {}) if k.startswith("stage 1")]
            ax.text(
                0.03,
                0.03,
                "registered T_d chains not read yet\n(" + ", ".join(waiting) + " incomplete)",
                ha="left",
                va="bottom",
                transform=ax.transAxes,
                fontsize="xx-small",
                bbox={"facecolor": "white", "edgecolor": "0.7"},
            )
        ax.axhline(4.0, color="k", ls=":", lw=1, label="s = 4")
        ax.axhline(
            3.0 + (2.0 / taper if taper > 0 else 0.0),
            color="k",
            ls="--",
            lw=1,
            label=f"seed 001 at T_d: s = {3 + (2 / taper if taper > 0 else 0):g}",
        )
        ax.set_title(f"m = {'2' if taper == 2 else '∞'}", fontsize="small")
        ax.set_xlabel("ω / ω_g (band centre)")
        ax.set_ylim(0, 8)
        ax.legend(fontsize="xx-small", loc="upper right")
    axes[0].set_ylabel("local exponent s (band MLE, 95 % interval)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    return fig


def _draw(ax: Any, curve: Sequence[Mapping[str, Any]], label: str, style: str, shift: float = 0.0) -> None:
    """One s(ω) curve: each band's s at its centre (moved by ``shift``, a fraction of the centre, so that curves
    at the same bands stand side by side) with its 95 % interval as an error bar."""
    bands = np.array([b["band"] for b in curve], float)
    centre = np.where(bands[:, 0] > 0, np.sqrt(bands[:, 0] * bands[:, 1]), bands[:, 1] / 2) * (1.0 + shift)
    s = np.array([b["value"] for b in curve], float)
    lo, hi = (np.array([b["interval"][k] for b in curve], float) for k in (0, 1))
    ax.errorbar(centre, s, yerr=[s - lo, hi - s], fmt=style, label=label, ms=4, lw=1, elinewidth=0.8, capsize=2)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line (module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--figure", type=Path, default=FIGURE)
    args = parser.parse_args(argv)
    result = read()
    write_results(args.output, result, indent=1)
    for stage, block in result["stages"].items():
        for size, claims in block.items():
            for claim, rows in claims.items():
                if isinstance(rows, list) and rows:
                    r = rows[0]
                    print(
                        f"{stage} {size} {claim}: {r['value']:.3g} [{r['interval'][0]:.3g}, "
                        f"{r['interval'][1]:.3g}] {r['expect']}: {r['verdict']}"
                    )
    for key, why in result["not_read"].items():
        print(f"{key}: {why}")
    plt.close(figure(result, args.figure))
    print(f"wrote {args.output} and {args.figure}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
