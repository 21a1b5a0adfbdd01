"""Text of a scorecard that both reports print: rules, summaries, findings, tables.

The Markdown report (:mod:`vdosbench.benchmark.report`) and the HTML report
(:mod:`vdosbench.benchmark.html_report`) lay these pieces out each in its own markup,
so that the two say the same thing.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

from vdosbench.datasets.labels import point_label, value_label
from vdosbench.validators import Measurement

from .declaration import SUMMARY_KEYS
from .scorecard import EXIT_NO_APPLICABLE_CLAIMS, ScoreCard
from .scoring import ClaimResult, PointResult, Verdict

__all__ = [
    "ESTIMATOR_COLUMNS",
    "ROBUSTNESS_RULE",
    "STRATA_COLUMNS",
    "VERDICT_RULE",
    "cross_code_text",
    "disagreements",
    "estimator_rows",
    "finding_detail",
    "format_measurement",
    "gate_line",
    "gate_note",
    "md_escape",
    "no_findings_text",
    "point_value",
    "protocol_notes_text",
    "protocol_suffix",
    "robustness_text",
    "score_summary",
    "strata_markdown",
    "systems_table",
]


#: How verdicts are decided, printed in every report.
VERDICT_RULE = (
    "Verdicts compare the measured 95 % interval with the expected region: inside → supported, "
    "disjoint → refuted, overlapping → inconclusive. A claim over several parameter points is "
    "refuted if any point is and supported only if all are."
)


#: Characters that Markdown would read as markup in a user string (a dataset name, an attribute value, a path).
MARKDOWN_SPECIAL = "\\|*_`[]<>#"


def md_escape(text: object) -> str:
    """``text`` with Markdown-special characters backslash-escaped, for user strings in ``report.md``.

    Examples
    --------
    >>> print(md_escape("runs/a_b|c*[x]<y>#1"))
    runs/a\\_b\\|c\\*\\[x\\]\\<y\\>\\#1
    """
    return "".join("\\" + ch if ch in MARKDOWN_SPECIAL else ch for ch in str(text))


def format_measurement(m: Measurement | None) -> str:
    """``"value [low, high]"`` (``"—"`` when not measured)."""
    if m is None:
        return "—"
    return f"{m.value:.4g} [{m.low:.4g}, {m.high:.4g}]"


def point_value(p: PointResult, escape: bool = False) -> str:
    """``"delta=0.1: value [low, high]"`` (without the label for a dataset of one point); ``escape``: for Markdown."""
    label = md_escape(point_label(p.parameters)) if escape else point_label(p.parameters)
    return f"{label}: {format_measurement(p.measurement)}" if label else format_measurement(p.measurement)


def score_summary(totals: dict[str, Any]) -> tuple[str, str]:
    """The score of :meth:`ScoreCard.totals` as (headline, the other counts), without markup.

    When no claim applies, the headline says so and that this is not a pass.

    Examples
    --------
    >>> score_summary({"supported": 0, "refuted": 0, "inconclusive": 0, "not applicable": 4, "applicable": 0})[0]
    'No claim applies to these data: nothing was tested, and this is not a pass'
    """
    if totals["applicable"] == 0:
        return (
            "No claim applies to these data: nothing was tested, and this is not a pass",
            f"not applicable {totals['not applicable']}; vdosbench score exits {EXIT_NO_APPLICABLE_CLAIMS}",
        )
    return (
        f"Score: {totals['supported']} of {totals['applicable']} applicable claims supported",
        f"refuted {totals['refuted']}, inconclusive {totals['inconclusive']}, "
        f"not applicable {totals['not applicable']}",
    )


def gate_note(card: ScoreCard) -> str | None:
    """The paragraph under the score when no claim applies (:meth:`ScoreCard.why_no_claim_applies`), else ``None``."""
    if not card.no_claim_applies():
        return None
    why = card.why_no_claim_applies()
    return why[0].upper() + why[1:]


#: Heading of the one table of the claim results that do not apply (both reports), with their count ``n``.
NOT_APPLICABLE_TITLE = "Not applicable ({n} claim results)"
#: What that table holds.
NOT_APPLICABLE_RULE = (
    "Claims about other systems, or about quantities these data do not hold: not tested here and not counted in "
    "the score. Each row says why."
)


def not_applicable_rows(card: ScoreCard) -> list[tuple[ClaimResult, str]]:
    """The results whose verdict is 'not applicable', each with why, for the reports' one table of them
    (after the applicable claims, which lead)."""
    return [
        (r, r.reason or "its applies_to does not select these data")
        for r in card.results
        if r.verdict is Verdict.NOT_APPLICABLE
    ]


def no_findings_text(card: ScoreCard) -> str:
    """The findings when no claim is refuted or inconclusive: all supported, or (no claim applies) not a pass."""
    if card.no_claim_applies():
        return (
            "No claim applies to these data, so none was tested: this is not a pass "
            f"(the gate fails with exit status {EXIT_NO_APPLICABLE_CLAIMS})."
        )
    return "Every applicable claim is supported by these data."


def disagreements(card: ScoreCard) -> list[tuple[ClaimResult, list[PointResult]]]:
    """Results that are refuted or inconclusive, each with its points that are not supported."""
    return [
        (r, [p for p in r.points if p.verdict is not Verdict.SUPPORTED])
        for r in card.results
        if r.verdict in (Verdict.REFUTED, Verdict.INCONCLUSIVE)
    ]


def finding_detail(points: Sequence[PointResult], escape: bool = False) -> str:
    """``"point: value [low, high] (verdict, reason); ..."`` for the points of a finding; ``escape``: for Markdown."""
    return "; ".join(
        f"{point_value(p, escape)} ({p.verdict.value}"
        f"{', ' + (md_escape(p.reason) if escape else p.reason) if p.reason else ''})"
        for p in points
    )


#: How the robustness label is decided, printed in every report.
ROBUSTNESS_RULE = (
    "Robustness: every claim registers its primary estimator and at least one reasonable alternative (another "
    "estimator, window, bin count or radius), scored by the same rule. A claim is robust when every alternative "
    "gives the primary's verdict wherever both could be measured, estimator-dependent when one gives another "
    "verdict, and not assessed when no alternative could be measured where the primary was (an alternative that "
    "cannot be measured never makes a claim estimator-dependent by itself). The verdict and the exit status are "
    "the primary's."
)


def robustness_text(r: ClaimResult) -> str:
    """The label of ``r`` (``"—"`` when not applicable)."""
    label = r.robustness()[0]
    return label.value if label is not None else "—"


def measure_change(r: ClaimResult, k: int) -> str:
    """What alternative ``k`` of ``r`` changes in the primary's measure, e.g. ``"window = [0.0, 0.8]"``
    (``"no KEY"`` for a primary setting that a full measure table leaves out)."""
    alt, c = r.alternatives[k].alternative, r.claim
    parts = [f"validator = {alt.validator}"] if alt.validator != c.validator else []
    if alt.quantity != c.quantity:
        parts.append(f"quantity = {alt.quantity}")
    for key in dict.fromkeys([*c.settings, *alt.settings]):
        if key not in alt.settings:
            parts.append(f"no {key}")
        elif c.settings.get(key) != alt.settings[key]:
            parts.append(f"{key} = {json.dumps(alt.settings[key], default=str)}")
    return ", ".join(parts) or "as the primary"


def estimator_rows(r: ClaimResult) -> list[dict[str, str]]:
    """One row per estimator of ``r`` (the primary first) for the reports, without markup.

    Keys: ``estimator``, ``measure``, ``verdict``, ``values`` (value [interval] per point, or why not
    measured), ``agrees`` (with the primary: "yes", "no: ...", "not measured: ...", or "—" for the primary)
    and ``basis``.
    """
    rows = [
        {
            "estimator": "primary",
            "measure": f"{r.claim.validator} → {r.claim.quantity}",
            "verdict": r.verdict.value,
            "values": "; ".join(point_value(p) + (f" ({p.reason})" if p.reason else "") for p in r.points),
            "agrees": "—",
            "basis": r.claim.expect.basis,
        }
    ]
    for k, a in enumerate(r.alternatives):
        if a.differs:
            agrees = "no: " + a.describe_difference()
        elif a.compared:
            agrees = "yes"
        else:
            agrees = "not measured: " + a.unmeasured_reason()
        rows.append(
            {
                "estimator": a.alternative.label,
                "measure": measure_change(r, k),
                "verdict": a.result.verdict.value,
                "values": "; ".join(point_value(p) + (f" ({p.reason})" if p.reason else "") for p in a.result.points)
                or a.result.reason,
                "agrees": agrees,
                "basis": a.alternative.basis,
            }
        )
    return rows


def gate_line(card: ScoreCard) -> str:
    """One line: the gate's outcome from the primary verdicts, and the robustness of the claims that decide it.

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> from vdosbench.benchmark.claims import load_claims
    >>> from vdosbench.benchmark.scorecard import read_input, score_datasets
    >>> gate_line(score_datasets([read_input(mock_spectrum(), name="mock")], load_claims(), "default"))
    'gate: no-applicable-claims'
    """
    deciding = card.gate_claims()
    line = f"gate: {card.gate()}"
    if not deciding:
        return line
    labels = [robustness_text(r) for r in deciding]
    counts = ", ".join(f"{label} {labels.count(label)}" for label in dict.fromkeys(labels))
    line += (
        f" (primary verdicts; the {len(deciding)} deciding claim result{'s' if len(deciding) != 1 else ''}: {counts})"
    )
    if card.gate() != Verdict.SUPPORTED.value:
        line += "; " + "; ".join(f"{r.claim.id} ({r.dataset}) {robustness_text(r)}" for r in deciding)
    superseded = sorted(
        {f"{r.claim.id} -> {r.claim.superseded_by}" for r in card.applicable() if r.claim.superseded_by}
    )
    if superseded:
        line += f"; superseded, reported but not gating: {', '.join(superseded)}"
    noted = [r for r in card.applicable() if r.protocol is not None]
    if noted:
        labels = sorted({r.protocol.label for r in noted})
        which = sorted({f"{r.claim.id} ({r.dataset})" for r in noted})
        line += (
            f"; scored as protocol {', '.join(repr(x) for x in labels)}, reported but not gating: {', '.join(which)}"
        )
    return line


ESTIMATOR_COLUMNS = ("estimator", "measure", "verdict", "values", "agrees", "basis")


STRATA_COLUMNS = ("N", "window", "supported", "refuted", "inconclusive", "points")


def strata_markdown(card: ScoreCard) -> list[str]:
    """The :meth:`ScoreCard.strata` table as Markdown lines (point verdicts)."""
    rows = card.strata()
    if not rows:
        return ["No claim applies."]
    return [
        "| " + " | ".join(STRATA_COLUMNS) + " |",
        "| " + " | ".join("---" for _ in STRATA_COLUMNS) + " |",
        *["| " + " | ".join(md_escape(r[c]) for c in STRATA_COLUMNS) + " |" for r in rows],
    ]


def _cell(key: str, value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) and math.isfinite(value) else value_label(key, value)


def systems_table(card: ScoreCard) -> tuple[list[str], list[list[str]]]:
    """The systems the claims see (:attr:`ScoreCard.systems`) as (header, rows of text), one row per input."""
    keys = [k for k in SUMMARY_KEYS if any(k in s for s in card.systems.values())]
    header = ["name", *keys, "declared by"]
    rows = [
        [name, *[_cell(k, system.get(k, "—")) for k in keys], str(system.get("declared_by", "nothing"))]
        for name, system in card.systems.items()
    ]
    return header, rows


def cross_code_text(card: ScoreCard) -> list[str]:
    """One sentence per cross-code check, and what a disagreement means for the verdicts."""
    lines = [c.summary() + "." for c in card.cross_code]
    if any(c.status == "disagree" for c in card.cross_code):
        lines.append(
            "Where the codes disagree, the verdicts above are about a spectrum that vdosbench's analytic Hessian "
            "does not reproduce on the same configurations: check the declared potential, taper and masses, or "
            "the code's Hessian."
        )
    return lines


def protocol_suffix(r: ClaimResult) -> str:
    """`` (protocol: LABEL)`` after a verdict whose data a protocol note describes, else ``""``."""
    return f" (protocol: {r.protocol.label})" if r.protocol is not None else ""


def protocol_notes_text(card: ScoreCard) -> list[str]:
    """One sentence per protocol note that qualifies a result of ``card``: the note's statement and the claim
    results it covers (:mod:`vdosbench.benchmark.protocols`); empty when none does."""
    notes: dict[str, tuple[Any, list[str]]] = {}
    for r in card.applicable():
        if r.protocol is not None:
            notes.setdefault(r.protocol.id, (r.protocol, []))[1].append(f"{r.claim.id} ({r.dataset})")
    return [
        f"{note.label}: {note.statement} Scored as this protocol, reported but not gating: {', '.join(which)}."
        for note, which in notes.values()
    ]
