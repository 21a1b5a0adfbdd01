"""The findings page's tables of the s(N) study, written from the study's results files (issue 25).

Every table of numbers in ``docs/findings/finite-size.md`` that a study measures is generated here, never
typed: the page marks each one ::

    <!-- table: td-ladder (studies/finite_size_tables.py) -->
    | N | m | ... |
    <!-- /table -->

and ``python studies/finite_size_tables.py`` rewrites what lies between the markers from the results files
(``--check`` only compares, exit 1 when the page is stale).  The suite checks that the page on main holds the
rendering of the results files on main, so an analysis that is committed without its tables, or a number edited
by hand, fails.  The prose around the tables still quotes numbers by hand (``tests/docs/test_quoted_intervals.py``
checks that its intervals are in a results file).

Tables (:data:`TABLES`), from ``finite_size.json``: ``high-tstar-1`` and ``high-tstar-inf`` (the high-T*
ladders), ``td-ladder`` (the additive model at its T_d), ``control-n1000``, ``control-n2000`` and ``control-n4000`` (the
non-additive control beside the additive model), ``control-ladder`` (the control at every N, as ``td-ladder``),
``model-difference`` (additive − control, paired by chain), ``equilibrium`` (the T_d chains' energy drift and
τ_α), ``taper-difference`` (m = 2 against m = ∞, paired),
``across-sizes`` (count scaling, extreme value, s(N_max) − s(N_min)), ``half-width`` (item 3's target) and
``point-verdicts`` (each point's verdicts by the percentile and the expanded percentile interval) and ``standing``
(where seed 001 and the rival view stand at each protocol and N); from
``sorting_trend.json`` (``studies/sorting_trend.py``): ``sorting-trend`` (the T_d chains' slopes along the
chain); from ``estimator_coverage.json`` (``studies/estimator_coverage.py``): ``coverage`` and
``paired-coverage`` (the intervals' coverage on mock spectra).  Intervals are the 95 % percentile bootstrap
intervals the results files hold (over chains at T_d, over samples at high T*); an estimate that is not "ok"
says so and why.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from vdosbench.datasets.io import write_text

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "studies" / "results"
PAGE = ROOT / "docs" / "findings" / "finite-size.md"

#: T* of the additive model's T_d ladder and of the non-additive control's, as the results file spells them.
T_D = "0.144"
T_D_CONTROL = "0.0716"

#: The estimators' names on the page.
ESTIMATOR_NAMES = {
    "mle c=0.3": "c = 0.3",
    "mle c=0.5": "c = 0.5",
    "mle c=0.7": "c = 0.7",
    "mle c=0.7 e<=0.15": "c = 0.7, e ≤ 0.15",
    "mle c=0.7 e<=0.25": "c = 0.7, e ≤ 0.25",
    "mle c=0.7 e<=0.35": "c = 0.7, e ≤ 0.35",
    "debye excess": "N(ω) below ω₀",
}

#: This script as the page's markers name it; another script that writes marked tables with :func:`update_page`
#: (``studies/readme_findings.py``, the README's findings) names itself.
SCRIPT = "studies/finite_size_tables.py"
END = "<!-- /table -->"


def begin_marker(script: str = SCRIPT) -> re.Pattern[str]:
    """The line that opens a table ``script`` writes: ``<!-- table: NAME (SCRIPT) -->``."""
    return re.compile(rf"^<!-- table: (?P<name>[a-z0-9-]+) \({re.escape(script)}\) -->$")


def number(x: float, digits: int = 2, signed: bool = False) -> str:
    """``x`` to ``digits`` decimals with a typographic minus (and a plus when ``signed``), as the page writes."""
    text = f"{x:{'+' if signed else ''}.{digits}f}"
    if float(text) == 0:  # no "−0.00" or "+0.00"
        text = text.lstrip("-+")
    return text.replace("-", "−")


def interval(value: float, low: float | None, high: float | None, signed: bool = False, digits: int = 2) -> str:
    """``value [low, high]``, or the bare value where no interval was measured; ``signed`` for differences."""
    if low is None or high is None or not (math.isfinite(low) and math.isfinite(high)):
        return number(value, digits, signed)
    return f"{number(value, digits, signed)} [{number(low, digits, signed)}, {number(high, digits, signed)}]"


def sweeps(x: float) -> str:
    """A sweep count to the nearest 10 (halves up), with a space between thousands from 10 000 on (``11 080``)."""
    rounded = int(math.floor(x / 10 + 0.5)) * 10
    return f"{rounded:,}".replace(",", " ") if rounded >= 10_000 else str(rounded)


def estimate(point: Mapping[str, Any], name: str) -> str:
    """One registered estimator of a point: its value and interval, or why it is not assessed."""
    entry = point["estimates"][name]
    m = entry["measurement"]
    text = interval(m["value"], m["low"], m["high"])
    if entry["status"] != "ok":
        modes = entry.get("diagnostics", {}).get("n_modes")
        why = f"{modes} modes in the windows" if modes is not None else entry["reason"]
        return f"{text}, not assessed ({why})"
    return text


def primary(point: Mapping[str, Any]) -> str:
    """The registered primary (window MLE, c = 0.5) with its interval, or why it is not assessed."""
    p = point["primary"]
    return estimate(point, p["estimator"])


def lowest_ten(point: Mapping[str, Any]) -> str:
    """The estimator of the claims registered before issue 25: MLE on each sample's lowest 10 modes."""
    m = point["lowest_k_10"]["mle"]
    return interval(m["value"], m["low"], m["high"])


def taper(m: int) -> str:
    """The taper order as the page writes it (``-1`` in the results file is m = ∞)."""
    return "∞" if m < 0 else str(m)


def _order(point: Mapping[str, Any]) -> tuple[int, float]:
    return point["n_particles"], (math.inf if point["taper_order"] < 0 else point["taper_order"])


def points_at(result: Mapping[str, Any], tstar: str, n: int | None = None) -> list[Mapping[str, Any]]:
    """The points at one T* (and one N), ordered by N, then m = 2 before m = ∞."""
    chosen = [p for p in result["points"] if p["parent_temperature"] == tstar and n in (None, p["n_particles"])]
    return sorted(chosen, key=_order)


def point_at(result: Mapping[str, Any], tstar: str, n: int, m: int) -> Mapping[str, Any]:
    """The one point at (T*, N, m); a clear error where the results file has none."""
    for p in result["points"]:
        if p["parent_temperature"] == tstar and p["n_particles"] == n and p["taper_order"] == m:
            return p
    raise KeyError(
        f"the results file has no point at T* = {tstar}, N = {n}, m = {taper(m)}; "
        "rerun studies/finite_size.py on data that hold it"
    )


def markdown(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def high_tstar(result: Mapping[str, Any], tstar: str) -> str:
    """The high-T* ladder at one T* (``"1"`` or ``"inf"``): every N and taper, samples independent."""
    header = [
        "N",
        "m",
        "samples",
        "ω₀",
        "modes < 0.5 ω₀ per sample",
        "s, primary (c = 0.5)",
        "c = 0.7",
        "N(ω) below ω₀",
        "lowest 10 (old)",
    ]
    rows = [
        [
            str(p["n_particles"]),
            taper(p["taper_order"]),
            str(p["n_samples"]),
            number(p["omega0_mean"]),
            number(p["modes_below"]["0.5"]),
            primary(p),
            estimate(p, "mle c=0.7"),
            estimate(p, "debye excess"),
            lowest_ten(p),
        ]
        for p in points_at(result, tstar)
    ]
    return markdown(header, rows)


def td_ladder(result: Mapping[str, Any], tstar: str = T_D) -> str:
    """A T_d ladder (the additive model's, or the control's at ``T_D_CONTROL``): every N and taper, intervals over
    chains."""
    header = [
        "N",
        "m",
        "chains",
        "ω₀",
        "s, primary (c = 0.5)",
        "c = 0.7",
        "c = 0.7, e ≤ 0.15",
        "N(ω) below ω₀",
        "lowest 10 (old)",
    ]
    rows = [
        [
            str(p["n_particles"]),
            taper(p["taper_order"]),
            str(p["n_chains"]),
            number(p["omega0_mean"]),
            primary(p),
            estimate(p, "mle c=0.7"),
            estimate(p, "mle c=0.7 e<=0.15"),
            estimate(p, "debye excess"),
            lowest_ten(p),
        ]
        for p in points_at(result, tstar)
    ]
    return markdown(header, rows)


def control(result: Mapping[str, Any], n: int) -> str:
    """The non-additive control at its T_d beside the additive model at its own, one N, both tapers."""
    columns = [
        (m, model, point_at(result, t, n, m))
        for m in (2, -1)
        for model, t in (("non-additive", T_D_CONTROL), ("additive", T_D))
    ]
    header = [f"N = {n}"] + [f"m = {taper(m)}, {model} ({p['n_chains']} chains)" for m, model, p in columns]

    def falling(p: Mapping[str, Any]) -> str:
        eq = p["equilibrium"]
        return f"{eq['chains_falling']} of {eq['chains']}"

    def tau(p: Mapping[str, Any]) -> str:
        eq = p["equilibrium"]
        return f"{sweeps(eq['tau_alpha_mean'])} ± {sweeps(eq['tau_alpha_std'])}"

    cells: list[tuple[str, Callable[[Mapping[str, Any]], str]]] = [
        ("primary (c = 0.5)", primary),
        ("c = 0.7", lambda p: estimate(p, "mle c=0.7")),
        ("N(ω) below ω₀", lambda p: estimate(p, "debye excess")),
        ("chains with energy still falling (last half)", falling),
        ("τ_α of the chains' segments (sweeps, mean ± spread)", tau),
        ("ω₀ (mean)", lambda p: number(p["omega0_mean"])),
    ]
    return markdown(header, [[label] + [cell(p) for _, _, p in columns] for label, cell in cells])


def _mean_drift(eq: Mapping[str, Any]) -> str:
    """The chains' mean drift ± its standard error; a point of one chain has no standard error, and says so."""
    if eq["drift_mean"] is None:
        return "not measured"
    if eq["drift_stderr_of_mean"] is None:
        return f"{number(eq['drift_mean'], 4, signed=True)} (one chain: no s.e.)"
    return f"{number(eq['drift_mean'], 4, signed=True)} ± {number(eq['drift_stderr_of_mean'], 4)}"


def equilibrium(result: Mapping[str, Any]) -> str:
    """Each T_d point's chains by their energy over the last half of the trace, and τ_α of their segments."""
    header = [
        "model",
        "N",
        "m",
        "chains",
        "energy still falling / rising (95 % interval of the drift)",
        "mean drift of V/N over the last half ± s.e.",
        "τ_α of the segments (sweeps, mean ± spread)",
    ]
    rows = []
    for t, model in ((T_D, "additive"), (T_D_CONTROL, "non-additive")):
        for p in points_at(result, t):
            eq = p["equilibrium"]
            rows.append(
                [
                    model,
                    str(p["n_particles"]),
                    taper(p["taper_order"]),
                    str(eq["chains"]),
                    f"{eq['chains_falling']} / {eq['chains_rising']}",
                    _mean_drift(eq),
                    f"{sweeps(eq['tau_alpha_mean'])} ± {sweeps(eq['tau_alpha_std'])}",
                ]
            )
    return markdown(header, rows)


def _difference(m: Mapping[str, Any]) -> str:
    return interval(m["value"], m["low"], m["high"], signed=True)


def _verdict_of(d: Mapping[str, Any], key: str) -> str:
    """A difference's verdict of record, and its verdict by the expanded interval where that differs."""
    expanded = d.get(f"{key}_expanded")
    return d[key] if expanded in (None, d[key]) else f"{d[key]} (expanded: **{expanded}**)"


def model_difference(result: Mapping[str, Any]) -> str:
    """s(additive) − s(non-additive), paired by chain start, every N and taper the results file holds."""
    header = ["", "primary (registered rule)", "c = 0.7", "N(ω) below ω₀"]
    rows = []
    for d in sorted(result["model_difference"], key=_order):
        n, m = d["n_particles"], d["taper_order"]
        chains = min(point_at(result, T_D, n, m)["n_chains"], point_at(result, T_D_CONTROL, n, m)["n_chains"])
        alternatives = d["alternatives"]
        rows.append(
            [
                f"N = {n}, m = {taper(m)} ({chains} chains, {d['settings']['pairs']} pairs)",
                f"{_difference(d)}: {_verdict_of(d, 'verdict_equal_0')}",
                _difference(alternatives["mle c=0.7"]),
                _difference(alternatives["debye excess"]),
            ]
        )
    return markdown(header, rows)


def _tstar_label(t: str) -> str:
    return {T_D: "T_d", T_D_CONTROL: "control's T_d", "inf": "∞"}.get(t, t)


#: The protocols in the order the page's tables list them: the additive T_d ladder, T* = 1, T* = ∞, the control.
PROTOCOLS = (T_D, "1", "inf", T_D_CONTROL)


def _by_protocol(entries: Sequence[Mapping[str, Any]], key: Callable[[Mapping[str, Any]], Any]) -> list:
    return sorted(entries, key=lambda e: (PROTOCOLS.index(e["parent_temperature"]), key(e)))


def taper_difference(result: Mapping[str, Any]) -> str:
    """s(m = 2) − s(m = ∞), paired by sample (high T*) or chain (T_d), at every protocol and N."""
    header = ["T*", "N", "pairs", "primary (registered rule): verdict on 0 / on +1", "c = 0.7", "N(ω) below ω₀"]
    rows = []
    for d in _by_protocol(result["taper_difference"], lambda e: e["n_particles"]):
        alternatives = d["alternatives"]
        rows.append(
            [
                _tstar_label(d["parent_temperature"]),
                str(d["n_particles"]),
                str(d["settings"]["pairs"]),
                f"{_difference(d)}: {_verdict_of(d, 'verdict_equal_0')} / {_verdict_of(d, 'verdict_equal_plus_1')}",
                _difference(alternatives["mle c=0.7"]),
                _difference(alternatives["debye excess"]),
            ]
        )
    return markdown(header, rows)


def _across(entry: Mapping[str, Any]) -> str:
    m = entry["measurement"]
    text = interval(m["value"], m["low"], m["high"])
    return text if entry["status"] == "ok" else f"{text}, not assessed: {entry['reason'].split(';')[0]}"


def across_sizes(result: Mapping[str, Any]) -> str:
    """s from the sizes together (count scaling, extreme value) and s(N_max) − s(N_min), per protocol and m."""
    header = ["T*", "m", "N", "count scaling (c = 0.5)", "extreme value", "s(N_max) − s(N_min), primary"]
    rows = []
    for a in _by_protocol(result["across_sizes"], lambda e: math.inf if e["taper_order"] < 0 else e["taper_order"]):
        sizes = a["sizes"]
        difference = a["size_difference"]
        left_out = "".join(
            f" ({o['n_particles']}: {o['chains']} chain{'s' if o['chains'] != 1 else ''}, left out)"
            for o in a.get("left_out", [])
        )
        rows.append(
            [
                _tstar_label(a["parent_temperature"]),
                taper(a["taper_order"]),
                f"{sizes[0]} – {sizes[-1]}{left_out}",
                _across(a["count scaling c=0.5"]),
                _across(a["extreme value"]),
                f"{_difference(difference)}: {difference['verdict_s_independent_of_N']}"
                + (f" ({difference['not_assessed_because']})" if "not_assessed_because" in difference else ""),
            ]
        )
    return markdown(header, rows)


def unit_count(point: Mapping[str, Any]) -> int:
    """The independent units of a point: its chains at T_d, its samples otherwise."""
    return point["n_chains"] if point.get("n_chains") else point["n_samples"]


def units_text(point: Mapping[str, Any]) -> str:
    """The independent units as the tables write them ("20 chains", "40 samples")."""
    if point.get("n_chains"):
        return f"{point['n_chains']} chain{'s' if point['n_chains'] != 1 else ''}"
    return f"{point['n_samples']} samples"


def unit_hours(point: Mapping[str, Any]) -> float:
    """Core-hours of one more independent unit of a point at its measured stage times: a sample at high T*, a
    chain (its structures) at T_d.  ``stage_seconds_mean`` is each stage's mean seconds per structure, on the
    machines that ran the point (one core, one BLAS thread)."""
    per_structure = sum(point["stage_seconds_mean"].values())
    per_unit = point["n_samples"] / point["n_chains"] if point.get("n_chains") else 1
    return per_structure * per_unit / 3600.0


def cost_to_target(point: Mapping[str, Any], estimate: Mapping[str, Any]) -> str:
    """The units an estimator's 1/√units projection asks for the target and the core-hours the ones still missing
    would take (``unit_hours``); "met" where the target is met."""
    if estimate["met"]:
        return "met"
    hours = max(estimate["units_needed"] - unit_count(point), 0) * unit_hours(point)
    cost = f"{hours:.1f} core-h" if hours >= 1 else f"{math.ceil(hours * 60)} core-min"
    return f"{estimate['units_needed']}, {cost} more"


def half_width(result: Mapping[str, Any]) -> str:
    """Item 3's target: the primary's half-width, the narrowest estimator's, what the narrowest would cost to
    reach it, and the spread between estimators."""
    header = [
        "N",
        "m",
        "T*",
        "units",
        "primary (c = 0.5): half-width → units needed",
        "narrowest: estimator, half-width",
        "narrowest: units needed, cost",
        "spread between estimators",
    ]
    rows = []
    for t in PROTOCOLS:
        for p in points_at(result, t):
            hw = p["half_width"]
            first = hw["primary"]
            if first["half_width"] is None:
                primary_text = "not assessed (too few modes)"
            else:
                primary_text = f"{number(first['half_width'])} → {first['units_needed']}"
            narrow, spread = hw["narrowest"], p["systematic_spread"]
            if narrow is None:  # no estimator assessed (a point of fewer chains than the bootstrap's minimum)
                narrow_text = cost_text = spread_text = "none assessed"
            else:
                met = " (met)" if narrow["met"] else ""
                narrow_text = f"{ESTIMATOR_NAMES[narrow['estimator']]}, {number(narrow['half_width'], 3)}{met}"
                cost_text = cost_to_target(p, narrow)
                spread_text = number(spread["max"] - spread["min"])
            rows.append(
                [
                    str(p["n_particles"]),
                    taper(p["taper_order"]),
                    _tstar_label(t),
                    units_text(p),
                    primary_text,
                    narrow_text,
                    cost_text,
                    spread_text,
                ]
            )
    return markdown(header, rows)


#: The registered claims of a point (``claim_values`` of ``studies/finite_size.py``) by the column they go in.
SEED_CLAIMS = ("schirmacher.high-parent-temperature-s2", "schirmacher.taper-s3+2/m")
RIVAL_CLAIMS = ("lerner.finite-size-s4", "lerner.s4")


def _claim(point: Mapping[str, Any], claims: Sequence[str]) -> str:
    """The one of ``claims`` (seed 001's or the rival's) registered at a point: the high-T* claim or the T_d one."""
    return next(c for c in claims if c in point["verdicts"])


def _verdict_pair(point: Mapping[str, Any], claims: Sequence[str]) -> str:
    """A claim's verdict by the percentile interval (of record), and by the expanded one where that differs."""
    claim = _claim(point, claims)
    record, expanded = point["verdicts"][claim], point.get("verdicts_expanded", {}).get(claim)
    if expanded is None:
        return f"{record} (expanded: not computed)"
    return record if expanded == record else f"{record}; expanded: **{expanded}**"


def point_verdicts(result: Mapping[str, Any]) -> str:
    """Each point's registered verdicts by the primary's percentile interval and by its expanded percentile
    interval (amendment of 26 Nov 2026), with both intervals."""
    header = [
        "N",
        "m",
        "T*",
        "units",
        "primary (c = 0.5): percentile / expanded interval",
        "seed 001 (s = 2 at high T*, 3 + 2/m at T_d)",
        "Lerner (s = 4)",
    ]
    rows = []
    for t in PROTOCOLS:
        for p in points_at(result, t):
            first = p["primary"]
            if first["status"] != "ok":
                intervals = "not assessed"
            else:
                low, high = first["interval"]
                wide = first.get("interval_expanded")
                intervals = f"{interval(first['value'], low, high)} / " + (
                    f"[{number(wide[0])}, {number(wide[1])}]" if wide else "not computed"
                )
            rows.append(
                [
                    str(p["n_particles"]),
                    taper(p["taper_order"]),
                    _tstar_label(t),
                    units_text(p),
                    intervals,
                    _verdict_pair(p, SEED_CLAIMS),
                    _verdict_pair(p, RIVAL_CLAIMS),
                ]
            )
    return markdown(header, rows)


#: The two estimators the page calls narrow (window MLE at c = 0.7, N(ω) below ω₀): their windows hold several times
#: the primary's modes, so their intervals are several times narrower; reported beside the verdicts, never as one.
NARROW = ("mle c=0.7", "debye excess")


def _holds(estimate: Mapping[str, Any], value: float) -> bool | None:
    """Whether an estimate's interval holds ``value``; None where the estimate is not assessed."""
    if estimate["status"] != "ok":
        return None
    m = estimate["measurement"]
    return m["low"] <= value <= m["high"]


def standing(result: Mapping[str, Any]) -> str:
    """Where seed 001 and the rival view stand at each protocol and N: both tapers' registered verdicts, the taper
    difference's, and how many of the narrow estimators' intervals hold each side's value."""
    header = [
        "T*",
        "N",
        "units (m = 2 / m = ∞)",
        "seed 001: value, verdict (m = 2 / m = ∞)",
        "Lerner: s = 4, verdict (m = 2 / m = ∞)",
        "taper difference, primary: on 0 / on +1",
        "c = 0.7, N(ω) below ω₀ (m = 2; m = ∞)",
        "narrow intervals holding seed 001's value / 4",
    ]
    differences = {(d["parent_temperature"], d["n_particles"]): d for d in result["taper_difference"]}
    rows = []
    for t in PROTOCOLS:
        for n in sorted({p["n_particles"] for p in points_at(result, t)}):
            pair = points_at(result, t, n)  # m = 2, then m = ∞
            seed_claim = _claim(pair[0], SEED_CLAIMS)
            # one value where both tapers expect the same (2 at high T*), else each taper's (3 + 2/m at T_d)
            seed_value = " / ".join(dict.fromkeys(number(p["claim_values"][seed_claim], 0) for p in pair))
            held: dict[str, list[bool]] = {"seed": [], "rival": []}  # per side, each assessed narrow interval
            for p in pair:
                for side, claims in (("seed", SEED_CLAIMS), ("rival", RIVAL_CLAIMS)):
                    value = p["claim_values"][_claim(p, claims)]
                    held[side] += [h for k in NARROW if (h := _holds(p["estimates"][k], value)) is not None]
            d = differences.get((t, n))
            rows.append(
                [
                    _tstar_label(t),
                    str(n),
                    " / ".join(units_text(p) for p in pair),
                    f"{seed_value}: " + " / ".join(_verdict_pair(p, SEED_CLAIMS) for p in pair),
                    " / ".join(_verdict_pair(p, RIVAL_CLAIMS) for p in pair),
                    "–"
                    if d is None
                    else f"{_verdict_of(d, 'verdict_equal_0')} / {_verdict_of(d, 'verdict_equal_plus_1')}",
                    "; ".join(
                        ", ".join(
                            number(e["measurement"]["value"]) if e["status"] == "ok" else "not assessed"
                            for e in (p["estimates"][k] for k in NARROW)
                        )
                        for p in pair
                    ),
                    f"{sum(held['seed'])} of {len(held['seed'])} / {sum(held['rival'])} of {len(held['rival'])}",
                ]
            )
    return markdown(header, rows)


#: The measures of ``sorting_trend.py`` in the order of its table, with their names on the page.
SORTING_MEASURES = {
    "segment_mean_energy": "segment V/N",
    "inherent_energy": "inherent V/N",
    "size_neighbour_correlation": "neighbours' size correlation",
    "size_segregation": "box-scale segregation",
}


def _slope(entry: Mapping[str, Any], measure: str, chains: int) -> str:
    """A measure's mean slope with its interval and mean level; the chains that hold it where not all do."""
    if "mean_slope" not in entry:
        return entry["trend"]
    wide = measure == "size_segregation"  # O(0.1 – 30), where the energies and correlations move by O(0.001)
    slope = interval(entry["mean_slope"], entry["low"], entry["high"], signed=True, digits=2 if wide else 4)
    held = f", {entry['chains']} chains" if entry["chains"] != chains else ""
    return f"{slope} (level {number(entry['mean_level'], 2 if wide else 3)}{held})"


def sorting_trend(result: Mapping[str, Any]) -> str:
    """Per T_d point and pooled per model: each measure's mean slope along the chains per 10⁵ sweeps."""
    header = (
        ["model", "N", "m", "chains"]
        + list(SORTING_MEASURES.values())
        + ["link: Spearman of inherent vs neighbour slopes"]
    )

    def link(entry: Mapping[str, Any]) -> str:
        rank = entry.get("link_spearman_inherent_vs_neighbour")
        return interval(rank["value"], rank["low"], rank["high"], signed=True) if rank else "not assessed"

    rows = []
    for p in sorted(result["points"], key=lambda e: (e["model"], *_order(e))):
        if p["status"] != "ok":
            rows.append(
                [p["model"], str(p["n_particles"]), taper(p["taper_order"]), str(p["chains"])]
                + [p["status"]] * (len(SORTING_MEASURES) + 1)
            )
            continue
        rows.append(
            [p["model"], str(p["n_particles"]), taper(p["taper_order"]), str(p["chains"])]
            + [_slope(p["slopes"][k], k, p["chains"]) for k in SORTING_MEASURES]
            + [link(p)]
        )
    for model, pooled in sorted(result["pooled"].items()):
        rows.append(
            [f"{model}, pooled", "all", "both", str(pooled["chains"])]
            + [_slope(pooled["slopes"][k], k, pooled["chains"]) for k in SORTING_MEASURES]
            + [link(pooled)]
        )
    return markdown(header, rows)


def _coverage(method: Mapping[str, Any], replicates: int) -> str:
    """A coverage as a fraction and as the count of intervals that held the true value."""
    return f"{number(method['coverage'])} ({method['covered']}/{replicates})"


def _share(entry: Mapping[str, Any], method: str, assessed: bool = True) -> str:
    """A coverage as a fraction; "–" where not assessed, or not computed (scenarios run before the method was)."""
    held = entry["methods"].get(method)
    return number(held["coverage"]) if assessed and held is not None else "–"


def _case(scenario: Mapping[str, Any]) -> str:
    levels = {"goe": "GOE", "poisson": "Poisson"}[scenario["levels"]]
    if scenario["structures_per_chain"] == 1:
        at = f" at N = {scenario['n_particles']}" if scenario.get("n_particles", 1000) != 1000 else ""
        ratio = scenario.get("nonphononic_prefactor_ratio", 1.0)
        more = f", {ratio:g}× the nonphononic modes (the measured count)" if ratio != 1.0 else ""
        return f"{levels} levels, {scenario['n_samples']} independent samples{at}{more}"
    return (
        f"{levels}, {scenario['n_chains']} chains × {scenario['structures_per_chain']}, "
        f"memory {scenario['chain_memory']:g}"
    )


def coverage(result: Mapping[str, Any]) -> str:
    """Coverage of the 95 % intervals on the mock ensembles (true s = 4), window MLE and N(ω) below ω₀ side by side."""
    header = [
        "case",
        "window MLE (c = 0.7), bootstrap over chains",
        "N(ω) below ω₀, bootstrap over chains",
        "expanded percentile over chains (MLE / N(ω) below ω₀)",
        "bootstrap over samples (MLE / N(ω) below ω₀)",
    ]
    rows = []
    for key, mle in result["scenarios"].items():
        excess = result["debye_excess"]["scenarios"][key]
        n = mle["replicates"]
        never = mle["n_inconclusive"] == n  # the window MLE assessed in no replicate: no coverage to state
        window = (
            f"not assessed in {n}/{n} (too few modes)" if never else _coverage(mle["methods"]["bootstrap_groups"], n)
        )
        rows.append(
            [
                _case(mle["scenario"]),
                window,
                _coverage(excess["methods"]["bootstrap_groups"], excess["replicates"]),
                f"{_share(mle, 'bootstrap_groups_expanded', not never)} / "
                f"{_share(excess, 'bootstrap_groups_expanded')}",
                f"{_share(mle, 'bootstrap_samples', not never)} / {_share(excess, 'bootstrap_samples')}",
            ]
        )
    return markdown(header, rows)


def paired_coverage(result: Mapping[str, Any]) -> str:
    """Coverage of the paired differences' intervals on pairs of mock ensembles whose true difference is 0."""
    names = ("mle c=0.5", "mle c=0.7", "debye excess")
    header = [
        "pairs (chains × 5, memory 0.7)",
        "primary (c = 0.5)",
        "c = 0.7",
        "N(ω) below ω₀",
        "expanded percentile (c = 0.5 / 0.7 / N(ω) below ω₀)",
        "median width (c = 0.5 / 0.7 / N(ω) below ω₀)",
    ]
    rows = []
    for entry in result["paired"]["scenarios"].values():
        scenario, methods, n = entry["scenario"], entry["methods"], entry["replicates"]
        pairing = {"independent": "independent ensembles", "shared_moduli": "shared moduli (same ω₀ per pair)"}.get(
            scenario["pairing"], scenario["pairing"]
        )
        rows.append(
            [f"{scenario['levels'].upper()}, {scenario['n_chains']} chains, {pairing}"]
            + [_coverage(methods[m], n) for m in names]
            + [" / ".join(_share(entry, f"{m} expanded") for m in names)]
            + [" / ".join(number(methods[m]["median_width"]) for m in names)]
        )
    return markdown(header, rows)


def td_chain_cost(result: Mapping[str, Any]) -> str:
    """Core-hours per T_d chain of each catalogued ladder, and the registered stages of the control's new chains."""
    header = ["ladder", "N", "chains a taper", "core-hours", "core-hours a chain (5 structures)"]
    rows = [
        [
            f"`{name}`",
            str(r["n_particles"]),
            str(r["chains_per_taper"]),
            number(r["core_hours"]),
            number(r["core_hours_per_chain"], 3),
        ]
        for name, r in result["ladders"].items()
    ]
    for stage, r in result["stages"].items():
        counts = ", ".join(f"{v['new_chains_per_taper']} at N = {n}" for n, v in r["by_n"].items())
        rows.append(
            [f"control, {stage}: new chains a taper {counts}", "—", "—", number(r["core_hours"], 1), "projected"]
        )
    timed = result.get("registered_chains_measured", {})
    for n, r in timed.get("by_n", {}).items():
        rows.append(
            [
                f"control, registered chains timed so far (CPU time, {r['chains_timed']} chains)",
                n,
                "—",
                "—",
                number(r["cpu_core_hours_per_chain"], 3),
            ]
        )
    for stage, hours in timed.get("stages_core_hours", {}).items():
        rows.append([f"control, {stage} at the timed CPU rate", "—", "—", number(hours, 1), "projected"])
    return markdown(header, rows)


#: A table's source: one results file (the function gets its content), or several (it gets them by file name).
Source = str | tuple[str, ...]
#: Every generated table by its marker name: the results file (in ``studies/results/``) it is written from and
#: the function that writes it.
TABLES: dict[str, tuple[Source, Callable[[Mapping[str, Any]], str]]] = {
    "high-tstar-1": ("finite_size.json", lambda r: high_tstar(r, "1")),
    "high-tstar-inf": ("finite_size.json", lambda r: high_tstar(r, "inf")),
    "td-ladder": ("finite_size.json", td_ladder),
    **{f"control-n{n}": ("finite_size.json", functools.partial(control, n=n)) for n in (1000, 2000, 4000)},
    "control-ladder": ("finite_size.json", lambda r: td_ladder(r, T_D_CONTROL)),
    "model-difference": ("finite_size.json", model_difference),
    "equilibrium": ("finite_size.json", equilibrium),
    "taper-difference": ("finite_size.json", taper_difference),
    "across-sizes": ("finite_size.json", across_sizes),
    "half-width": ("finite_size.json", half_width),
    "point-verdicts": ("finite_size.json", point_verdicts),
    "standing": ("finite_size.json", standing),
    "sorting-trend": ("sorting_trend.json", sorting_trend),
    "td-chain-cost": ("td_chain_cost.json", td_chain_cost),
    "coverage": ("estimator_coverage.json", coverage),
    "paired-coverage": ("estimator_coverage.json", paired_coverage),
}


def _files(source: Source) -> tuple[str, ...]:
    return (source,) if isinstance(source, str) else source


def load_results(folder: Path = RESULTS, tables: Mapping[str, tuple[Source, Any]] = TABLES) -> dict[str, Any]:
    """Every results file a table of ``tables`` is written from, by file name, read from ``folder``."""
    results = {}
    for name in sorted({f for source, _ in tables.values() for f in _files(source)}):
        path = folder / name
        if not path.is_file():
            raise FileNotFoundError(
                f"{path}: expected the results file the page's tables are written from; not "
                f"found. Fix: pass --results the folder that holds {name}"
            )
        results[name] = json.loads(path.read_text())
    return results


def update_page(
    text: str,
    results: Mapping[str, Any],
    where: str = "the page",
    tables: Mapping[str, tuple[Source, Callable[[Mapping[str, Any]], str]]] = TABLES,
    script: str = SCRIPT,
) -> str:
    """``text`` with every table marked for ``script`` replaced by its rendering of ``results`` (:func:`load_results`).

    Raises
    ------
    ValueError
        A marker names no table of ``tables``, a table is opened and not closed, or the page marks none.
    """
    begin_line = begin_marker(script)
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    found = 0
    while i < len(lines):
        out.append(lines[i])
        begin = begin_line.match(lines[i])
        i += 1
        if not begin:
            continue
        name = begin["name"]
        if name not in tables:
            raise ValueError(
                f"{where}: the marker names table {name!r}; expected one of {sorted(tables)}. "
                f"Fix: correct the marker or add the table to {script}"
            )
        try:
            end = lines.index(END, i)
        except ValueError:
            raise ValueError(
                f"{where}: table {name!r} is opened and never closed; expected a line {END!r} "
                "after it. Fix: add the closing marker"
            ) from None
        source, render = tables[name]
        out.append(render(results[source] if isinstance(source, str) else {f: results[f] for f in source}))
        out.append(END)
        i = end + 1
        found += 1
    if not found:
        raise ValueError(
            f"{where} marks no table; expected lines like '<!-- table: {next(iter(tables))} "
            f"({script}) -->'. Fix: mark the tables to generate"
        )
    return "\n".join(out)


def main(
    argv: Sequence[str] | None = None,
    *,
    page: Path = PAGE,
    tables: Mapping[str, tuple[Source, Callable[[Mapping[str, Any]], str]]] = TABLES,
    script: str = SCRIPT,
    description: str = __doc__.splitlines()[0],
) -> int:
    """Rewrite (or with ``--check`` compare) the tables ``script`` marks on ``page``; the exit status."""
    ap = argparse.ArgumentParser(description=description)
    sources = sorted({f for source, _ in tables.values() for f in _files(source)})
    ap.add_argument(
        "--results", type=Path, default=RESULTS, help=f"the folder of the results files ({', '.join(sources)})"
    )
    ap.add_argument("--page", type=Path, default=page, help="the page whose marked tables are written")
    ap.add_argument("--check", action="store_true", help="compare only; exit 1 when the page's tables are stale")
    args = ap.parse_args(argv)
    results = load_results(args.results, tables)
    old = args.page.read_text()
    new = update_page(old, results, where=str(args.page), tables=tables, script=script)
    if args.check:
        if new != old:
            module = Path(script).with_suffix("").as_posix().replace("/", ".")  # studies/x.py -> studies.x
            print(f"{args.page}: its tables differ from {args.results}. Fix: python -m {module}")
            return 1
        print(f"{args.page}: tables match {args.results}")
        return 0
    if new != old:
        write_text(args.page, new)
    print(f"{args.page}: {'tables rewritten' if new != old else 'tables already current'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
