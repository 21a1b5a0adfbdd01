"""The README's findings table, written from the results files (issue 54).

The README's front page holds one table of the main verdicts, at most :data:`MAX_ROWS` rows of at most
:data:`MAX_ROW_CHARS` characters (claim, verdict, value [95 % interval], link), between the markers ::

    <!-- table: findings (studies/readme_findings.py) -->
    <!-- /table -->

``python -m studies.readme_findings`` (from the clone's root: it builds on the finite-size tables' module)
rewrites it from the results files in ``studies/results/`` (``--check`` only compares, exit 1 when the README is
stale), with the marker mechanism of ``studies/finite_size_tables.py``.  Each verdict is the one a results file records (a scorecard's verdict, the
robustness re-score's label, or the count of the s(N) study's point verdicts); each value is a measurement of
the same file.  Only the claim's words and the link are written here.  Each seed's headline claim has a row:
seeds 000 and 002 are read from the scores of their catalogued sets (``studies/seed_scores.py``).  The superseded
reading of seed 001's s = 2 (lowest 10 modes, N = 1000) and the claims without a results file (the HET curve) are
in the full table of ``docs/findings/index.md``.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from studies import finite_size_tables as tables
from studies.td_control_stages import POOLED
from vdosbench.benchmark import load_protocol_notes

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
SCRIPT = "studies/readme_findings.py"
#: The front page's limits (issue 54 item 8).
MAX_ROWS = 12
MAX_ROW_CHARS = 200

HEADER = ["claim (seed)", "verdict", "value [95 % interval]", "page"]
PAGES = {
    "seed-000": "[seed 000](docs/findings/seed-000.md)",
    "seed-001": "[seed 001](docs/findings/seed-001.md)",
    "seed-002": "[seed 002](docs/findings/seed-002.md)",
    "seed-003": "[seed 003](docs/findings/seed-003.md)",
    "low-tstar": "[low T*](docs/findings/low-tstar.md)",
    "finite-size": "[finite size](docs/findings/finite-size.md)",
}

#: The scorecards of ``low_tstar.json`` and ``low_tstar_ka.json`` by the ``result.json`` they were read from.
TD_M2 = "runs/eq_1td_m2/report2/result.json"
TD_MINF = "runs/eq_1td_minf_c/report/result.json"
KA_M2 = "runs/ka_eq_m2/report_robust/result.json"
KA_MINF = "runs/ka_eq_minf/report_robust/result.json"

Results = Mapping[str, Any]


def taper_label(point: Mapping[str, Any]) -> str:
    """``m = 2`` or ``m = ∞`` for a point's taper order (``-1`` in the results files is m = ∞)."""
    parameters = point.get("parameters", point)
    return f"m = {tables.taper(parameters['taper_order'])}"


def measured(point: Mapping[str, Any], digits: int = 2) -> str:
    """A point's value and 95 % interval: a score's ``measurement``, a study's flat value/low/high, or a registered
    reading's value and ``interval``."""
    m = point.get("measurement", point)
    low, high = m["interval"] if "interval" in m else (m["low"], m["high"])  # a registered reading: [low, high]
    return tables.interval(m["value"], low, high, digits=digits)


def claim_of(card: Mapping[str, Any], claim: str, dataset: str | None = None) -> Mapping[str, Any]:
    """One claim's entry of a scorecard: a ``result.json`` (``results``) or a study's summary (``claims``)."""
    entries = card.get("results", card.get("claims", []))
    found = [e for e in entries if e.get("id") == claim and (dataset is None or e.get("dataset") == dataset)]
    if len(found) != 1:
        raise ValueError(
            f"expected one entry of claim {claim!r} (dataset {dataset}) in the scorecard; "
            f"found {len(found)}. Fix: point the README row at the scorecard that scored it"
        )
    return found[0]


def scorecard(study: Mapping[str, Any], source: str) -> Mapping[str, Any]:
    """The scorecard of a study's results file read from ``source`` (its ``result.json``)."""
    (card,) = [c for c in study["scorecards"] if c["source"] == source]
    return card


def robustness(rescore: Mapping[str, Any], stage: str, claim: str) -> str:
    """The verdict and its robustness label in ``robustness_rescore.json`` (``refuted, robust``)."""
    (entry,) = [c for c in rescore[stage]["claims"] if c["claim"] == claim]
    return f"{entry['verdict']}, {entry['robustness']}"


def values(entry: Mapping[str, Any], digits: int = 2) -> str:
    """Every point of a claim's entry as ``value [low, high] (m = …)``, m = 2 before m = ∞."""
    points = sorted(entry["points"], key=lambda p: tables.taper(p.get("parameters", p)["taper_order"]))
    return ", ".join(f"{measured(p, digits)} ({taper_label(p)})" for p in points)


def joined(texts: Sequence[str]) -> str:
    """``texts`` joined by `` / ``, or said once where they are all the same."""
    return texts[0] if len(set(texts)) == 1 else " / ".join(texts)


#: The confirmatory points the registration reads: T* = 1 and ∞, m = 2 and ∞.
CONFIRM_POINTS = 4


def _confirm_readings(confirm: Results, claim: str) -> list[tuple[str, dict[str, Any]]]:
    """(point, primary reading) of ``claim`` at every confirmatory point read, in the file's order; the primary
    carries ``robust``: whether every registered alternative gives its verdict."""
    return [
        (name, {**point[claim][0], "robust": all(r["verdict"] == point[claim][0]["verdict"] for r in point[claim])})
        for name, point in {**confirm["points"], **confirm["pairs"]}.items()
        if claim in point
    ]


def _tally(readings: Sequence[tuple[str, Mapping[str, Any]]]) -> str:
    counts = Counter(r["verdict"] for _, r in readings)
    return ", ".join(f"{v} {n}" for v, n in sorted(counts.items())) + f" of {len(readings)}"


def _point_label(name: str) -> str:
    """``"minf_t1"`` → ``"T* = 1, m = ∞"``."""
    taper, _, tstar = name.partition("_")
    m = {"m2": "m = 2", "minf": "m = ∞"}.get(taper, taper)
    return f"T* = {'∞' if tstar == 'tinf' else tstar.removeprefix('t')}, {m}" if tstar else m


def _spread(readings: Sequence[tuple[str, Mapping[str, Any]]], what: str) -> str:
    """The readings in one short text: the range of the values that share the most common verdict (the tally beside
    names it), then each other reading with its interval, point and robustness (the README's rows hold at most 200
    characters)."""
    common = Counter(r["verdict"] for _, r in readings).most_common(1)[0][0]
    same = [r["value"] for _, r in readings if r["verdict"] == common]
    odd = [
        f"{measured(r)} ({_point_label(n)}{'' if r['robust'] else ', estimator-dependent'})"
        for n, r in readings
        if r["verdict"] != common
    ]
    head = f"{what}: {min(same):.2f} – {max(same):.2f}" if len(same) > 1 else f"{what}: {same[0]:.2f}"
    return "; ".join([head, *odd])


def absolute_rows(confirm: Results) -> list[list[str]]:
    """The rows of issue 51's reading in ω/ω_g: the registered verdicts on the confirmatory N = 2000 sets
    (``absolute_frequency_confirm.json``): seed 001's s = 2 at high T*, the ω⁴ deep tail, and Lerner 2020's
    N-dependence as density per particle at fixed ω/ω_g (N = 2000 against the ladder's N = 8000)."""
    missing = CONFIRM_POINTS - len(confirm["points"])  # not landed at all, or short of their samples
    pending = f", {missing} to come" if missing else ""
    s2 = _confirm_readings(confirm, "schirmacher.high-tstar-s2-absolute")
    tail = _confirm_readings(confirm, "lerner.deep-tail-s4-absolute")
    dens = _confirm_readings(confirm, "lerner.finite-size-density-absolute")
    return [
        _row(
            "s = 2 at high T*, ω/ω_g, N = 2000 (001)", _tally(s2) + pending, _spread(s2, "(0, 0.29] ω_g"), "finite-size"
        ),
        _row(
            "ω⁴ deep tail, ω/ω_g,u (003)",
            _tally(tail) + pending,
            _spread(tail, "(0, 0.15]") + _pooled(confirm, "lerner.deep-tail-s4-absolute"),
            "finite-size",
        ),
        _row(
            "small-box excess (Lerner)",
            _tally(dens) + pending,
            _by_tstar(dens, "2000/8000, ω ≤ 0.15 ω_g,u"),
            "finite-size",
        ),
    ]


#: The estimator of the aged sets' and Kob–Andersen's claims (claims.toml: the MLE of each sample's lowest 10 modes,
#: which reach up to about ω₀ at N = 1000 – 2000 — not the deep band; issue 63 item 8).
NEAR_OMEGA0 = ", lowest 10"
#: What the additive mixture's T_d sets are: the label of the protocol note that scores them so (issue 52 item 3).
AGED = "; " + {n.id: n for n in load_protocol_notes()}["additive-td-aged"].label


def _by_tstar(readings: Sequence[tuple[str, Mapping[str, Any]]], what: str) -> str:
    """The readings grouped by parent temperature: each T*'s range of values, marked when an alternative gives
    another verdict anywhere (the row stays short where :func:`_spread` would list each point with its interval)."""
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for name, r in readings:
        groups.setdefault(name.partition("_")[2], []).append(r)
    parts = []
    for tstar, rs in groups.items():
        values = sorted(r["value"] for r in rs)
        span = f"{values[0]:.2f}" if len(values) == 1 else f"{values[0]:.2f} – {values[-1]:.2f}"
        parts.append(f"T* = {'∞' if tstar == 'tinf' else tstar.removeprefix('t')} {span}")
    robust = all(r["robust"] for _, r in readings)
    return f"{what}: " + "; ".join(parts) + ("" if robust else " (estimator-dependent)")


def _pooled(confirm: Results, claim: str) -> str:
    """The reading pooled over the confirmatory points (issue 63 amendment 3), or nothing before all are read."""
    pooled = confirm.get("pooled", {}).get(claim)
    return f"; pooled {measured(pooled[0])} {pooled[0]['verdict']}" if pooled else ""


def _row(claim: str, verdict: str, value: str, page: str) -> list[str]:
    return [claim, verdict, value, PAGES[page]]


#: The control's registered taper claims at T_d (benchmark/registrations/td-control.toml): seed 001's +1, the rival's 0.
TD_CONTROL_CLAIMS = {"+1": "schirmacher.td-taper-difference-absolute", "0": "lerner-bouchbinder.td-taper-0-absolute"}


def td_control_row(verdicts: Results) -> list[str]:
    """The taper difference s(m = 2) − s(m = ∞) at T_d on the equilibrated control, paired by chain in ω/ω_g
    (``td_control_verdicts.json``, ``studies/td_control.py``): at each N of the latest stage read, the verdicts of
    +1 and of 0 and the primary reading; stage 1 is the registration's interim stage.  Until a size is read, the
    registered chains landed so far (a taper, the fewer of the two).  Once both sizes are read, the difference pooled
    over N follows (the joint block's ``POOLED`` reading, which the registration's amendment 1 adds); verdicts the
    same at every N and pooled are said once (``inconclusive at 1000, 2000, pooled``)."""
    claim = "T_d taper Δs, control, ω/ω_g: +1 (001) / 0 (003)"
    if not verdicts["stages"]:
        landed = ", ".join(
            f"{min(c['m2'], c['minf'])} / {c['registered']} (N = {key.split('N=')[1]})"
            for key, c in verdicts["landed"].items()
            if key.startswith("stage 1 ")
        )
        return _row(claim, "not read yet", f"stage 1 chains landed: {landed}", "low-tstar")
    stage, block = list(verdicts["stages"].items())[-1]
    sizes = [key for key in block if key.startswith("N=")]
    primary = {key[2:]: [block[key][c][0] for c in TD_CONTROL_CLAIMS.values()] for key in sizes}
    pooled = [
        [r for r in block.get("joint", {}).get(c, []) if r["reading"] == POOLED] for c in TD_CONTROL_CLAIMS.values()
    ]
    if all(pooled):
        primary["pooled"] = [r[0] for r in pooled]
    said = {where: joined([r["verdict"] for r in readings]) for where, readings in primary.items()}
    verdict = (
        f"{next(iter(said.values()))} at {', '.join(said)}"
        if len(set(said.values())) == 1 and len(said) > 1
        else ", ".join(f"{where}: {v}" for where, v in said.items())
    )
    value = ", ".join(
        ("pooled " if where == "pooled" else "") + measured(readings[0], digits=1)
        for where, readings in primary.items()
    )
    return _row(claim, f"{verdict} ({stage})", value, "low-tstar")


#: The scores of seeds 000 and 002 on their catalogued sets (``studies/seed_scores.py``).
SEED000 = "seed000_inhomogeneous_medium_score.json"
SEED002 = "seed002_spring_networks_score.json"
#: The networks' dataset in :data:`SEED002` (the other is the nine-node toy).
NETWORKS = "spring-network-16-full"


def seed000_row(card: Results) -> list[str]:
    """Seed 000's ω_BP = (√3/2) c k_G on the catalogued media: the verdict over the variants (modulation, random
    field, soft inclusions) and the random field's slope, the one variant whose samples differ (the others' intervals
    have no width)."""
    entry = claim_of(card, "jiang.omega-bp-proportional-to-k-g")
    points = entry["points"]
    same = sum(p["verdict"] == entry["verdict"] for p in points)
    random = next(p for p in points if p["parameters"]["variant"] == "random")
    return _row(
        "ω_BP = (√3/2) c k_G, 14³ media (000)",
        f"{entry['verdict']} {same} of {len(points)} variants, {entry['robustness']}",
        f"slope {measured(random)} (random field); expected {entry['expected'].removeprefix('= ')}",
        "seed-000",
    )


def seed002_row(card: Results) -> list[str]:
    """Seed 002's boson peak from coordination (z), not spring-strength, disorder on the 16×16 networks: the cutoff
    networks' excess over their own Debye level (against the crystal's level in brackets) / the fixed-z networks'
    excess at δ ≠ 0, which springs alone make."""
    own, crystal, fixed = (
        claim_of(card, claim, NETWORKS)
        for claim in (
            "jiang.coordination-excess",
            "jiang.coordination-excess-vs-crystal",
            "jiang.fixed-coordination-debye",
        )
    )
    springs = [p for p in fixed["points"] if p["parameters"]["delta"] != 0]
    return _row(
        "boson peak from z, not springs, 16×16 (002)",
        f"{own['verdict']} ({own['robustness']}) / {fixed['verdict']}",
        f"excess {values_of(own, 3)} (vs crystal {values_of(crystal, 2, bare=True)}) / "
        + ", ".join(tables.number(p["measurement"]["value"], 3) for p in springs),
        "seed-002",
    )


def values_of(entry: Mapping[str, Any], digits: int = 2, bare: bool = False) -> str:
    """A claim's points as ``value [low, high]`` (``bare``: the values alone), joined."""
    return ", ".join(
        tables.number(p["measurement"]["value"], digits) if bare else measured(p, digits) for p in entry["points"]
    )


def findings_rows(results: Mapping[str, Results]) -> list[list[str]]:
    """The README's rows from the results files (``results``: each file's content by its name)."""
    low = results["low_tstar.json"]
    rescore = results["robustness_rescore.json"]
    td_m2, td_minf = scorecard(low, TD_M2), scorecard(low, TD_MINF)
    ka = results["low_tstar_ka.json"]
    lammps = claim_of(results["lammps_ka_045_m2.json"]["score"], "schirmacher.lennard-jones-s5")
    levels = {(p["parent_temperature"], p["window"]): p["mean_r_tilde"] for p in results["levels_n1600.json"]["points"]}
    vectors = results["paper_glasses_vectors.json"]
    below = claim_of(vectors, "schirmacher.modes-below-omega0-not-waves", "vectors_m2")
    core = claim_of(vectors, "schirmacher.type-two-modes-vortex-like", "vectors_m2")
    s4 = "lerner-bouchbinder.s4-universal"
    return [
        *absolute_rows(results["absolute_frequency_confirm.json"]),
        td_control_row(results["td_control_verdicts.json"]),
        # the additive mixture's T_d sets: aged 40 tau_alpha, not equilibrium (protocol note additive-td-aged)
        _row(
            "s = 4, m = 2, T_d (001)" + NEAR_OMEGA0,
            robustness(rescore, "eq_1td_m2", "schirmacher.low-parent-temperature-m2-s4"),
            values(claim_of(td_m2, "schirmacher.low-parent-temperature-m2-s4")) + AGED,
            "low-tstar",
        ),
        _row(
            "s = 3, m = ∞, T_d (001)" + NEAR_OMEGA0,
            robustness(rescore, "eq_1td_minf", "schirmacher.low-parent-temperature-minf-s3"),
            values(claim_of(td_minf, "schirmacher.low-parent-temperature-minf-s3")) + AGED,
            "low-tstar",
        ),
        _row(
            "s = 4 whatever m (003), T_d, aged" + NEAR_OMEGA0,
            joined([robustness(rescore, stage, s4) for stage in ("eq_1td_m2", "eq_1td_minf")]),
            ", ".join(values(claim_of(card, s4)) for card in (td_m2, td_minf)),
            "low-tstar",
        ),
        _row(
            "s = 5, Kob–Andersen T* = 0.45 (001)" + NEAR_OMEGA0,
            joined(
                [
                    claim_of(scorecard(ka, source), "schirmacher.lennard-jones-s5")["verdict"]
                    for source in (KA_M2, KA_MINF)
                ]
            )
            + f"; LAMMPS: {lammps['verdict']}",
            ", ".join(
                values(claim_of(scorecard(ka, source), "schirmacher.lennard-jones-s5")) for source in (KA_M2, KA_MINF)
            )
            + f"; LAMMPS {measured(lammps['points'][0])}",
            "low-tstar",
        ),
        _row(
            "lowest 50 GOE / highest 50 Poisson, N = 1600 (001)",
            " / ".join(
                robustness(rescore, "levels_n1600", c)
                for c in ("schirmacher.goe-lowest-50", "schirmacher.poisson-highest-50")
            ),
            "⟨r̃⟩ = " + " / ".join(measured(levels[(1.0, w)], 3) for w in ("lowest", "highest")) + " (T* = 1)",
            "finite-size",
        ),
        _row(
            "modes below ω₀ not waves (003) / more rotational at their core (001)",
            f"{below['verdict']} / {core['verdict']}",
            f"{values(below, 3)} / {values(core, 3)}",
            "seed-003",
        ),
        seed000_row(results[SEED000]),
        seed002_row(results[SEED002]),
    ]


#: The results files the table is written from (in ``studies/results/``).
SOURCES = (
    SEED000,
    SEED002,
    "absolute_frequency_confirm.json",
    "td_control_verdicts.json",
    "low_tstar.json",
    "robustness_rescore.json",
    "low_tstar_ka.json",
    "lammps_ka_045_m2.json",
    "levels_n1600.json",
    "paper_glasses_vectors.json",
)


def findings_table(results: Mapping[str, Results]) -> str:
    """The README's findings table as Markdown.

    Raises
    ------
    ValueError
        When it would exceed :data:`MAX_ROWS` rows or a row :data:`MAX_ROW_CHARS` characters.
    """
    rows = findings_rows(results)
    text = tables.markdown(HEADER, rows)
    long = [line for line in text.split("\n")[2:] if len(line) > MAX_ROW_CHARS]
    if len(rows) > MAX_ROWS or long:
        raise ValueError(
            f"the README's findings table has {len(rows)} rows (at most {MAX_ROWS}) and "
            f"{len(long)} rows over {MAX_ROW_CHARS} characters: {long}. Fix: shorten the claim's "
            "words or move detail to its findings page"
        )
    return text


TABLES: dict[str, tuple[tables.Source, Callable[[Mapping[str, Any]], str]]] = {
    "findings": (SOURCES, findings_table),
}

main = functools.partial(tables.main, page=README, tables=TABLES, script=SCRIPT, description=__doc__.splitlines()[0])

if __name__ == "__main__":
    raise SystemExit(main())
