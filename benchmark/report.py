"""The report files of a scorecard: ``report.md``, ``report.html``, ``result.json`` and ``figures/*.png``.

The scorecard itself (verdicts, gate, JSON with its content hash) is
:mod:`vdosbench.benchmark.scorecard`; the text both reports share is
:mod:`vdosbench.benchmark.report_text`.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from pathlib import Path

import xarray as xr
from vdosbench.datasets.io import write_text
from vdosbench.datasets.labels import point_label

from vdosbench import __version__

from .figures import FigureEntry, ReportFigures, draw_report_figures
from .html_report import render_html
from .report_text import (
    ESTIMATOR_COLUMNS,
    ROBUSTNESS_RULE,
    VERDICT_RULE,
    cross_code_text,
    disagreements,
    estimator_rows,
    finding_detail,
    gate_note,
    md_escape,
    no_findings_text,
    point_value,
    robustness_text,
    score_summary,
    strata_markdown,
    systems_table,
)
from .scorecard import InputInfo, ScoreCard
from .scoring import Robustness, Verdict

__all__ = [
    "render_markdown",
    "write_report",
]


def _figure_markdown(entry: FigureEntry, alt: str) -> list[str]:
    image = [f"![{alt}](figures/{entry.path.name})"] if entry.path is not None else []
    texts = [f"*{md_escape(text)}*" for text in (entry.details, entry.note) if text]
    return image + ([""] if image and texts else []) + texts


#: A line break inside a table cell (a sidecar string may hold one): written as <br>, so the row stays whole.
_NEWLINE = re.compile(r"\r\n|\r|\n")


def _systems_markdown(card: ScoreCard) -> list[str]:
    """The '## Systems' section: what the claims see in each input (model, dimension, N, preparation)."""
    if not card.systems:
        return []
    header, rows = systems_table(card)
    return [
        "## Systems (what the claims select on)", "",
        "| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |",
        *["| " + " | ".join(_NEWLINE.sub("<br>", md_escape(c)) for c in row) + " |" for row in rows], "",
    ]


def render_markdown(card: ScoreCard, figures: ReportFigures) -> str:
    """The Markdown report of ``card`` with the figures drawn by :func:`draw_report_figures`."""
    totals = card.totals()
    headline, counts = score_summary(totals)
    lines = [
        "# vdosbench scorecard",
        "",
        f"vdosbench {__version__}; claims: {md_escape(card.claims_file)}.",
        "",
        f"**{headline}** ({counts}).",
        "",
        *([note, ""] if (note := gate_note(card)) else []),
        VERDICT_RULE,
        "",
        "## Inputs",
        "",
        "| name | file | sha256 |",
        "| --- | --- | --- |",
        *[f"| {md_escape(i.name)} | {md_escape(i.path)} | `{i.sha256[:16]}…` |" for i in card.inputs],
        "",
        *[f"- {md_escape(i.name)}: {md_escape(note)}" for i in card.inputs for note in i.notes],
        *([""] if any(i.notes for i in card.inputs) else []),
        *_systems_markdown(card),
        "## Verdicts",
        "",
        "| claim | data | expected | verdict | robustness | measured value [95 % interval] per point |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in card.applicable():
        per_point = "; ".join(point_value(p, escape=True) for p in r.points)
        lines.append(f"| `{r.claim.id}` | {md_escape(r.dataset)} | {r.claim.expect.describe()} | **{r.verdict.value}** "
                     f"| {robustness_text(r)} | {per_point} |")
    robust = card.robustness_totals()
    lines += ["", "## Robustness across estimators", "", ROBUSTNESS_RULE, "",
              ", ".join(f"{label} {n}" for label, n in robust.items()) + ".", ""]
    dependent = [r for r in card.applicable() if r.robustness()[0] is Robustness.ESTIMATOR_DEPENDENT]
    for r in dependent:
        lines.append(f"- `{r.claim.id}` ({md_escape(r.dataset)}, {r.verdict.value}) is **estimator-dependent**: "
                     f"{md_escape(r.robustness()[1])}.")
    if dependent:
        lines.append("")
    if card.not_measurable():
        lines += ["## Not measurable", "",
                  "Claims about these systems that the data cannot measure (listed as 'not applicable' in the counts):",
                  "", *[f"- `{r.claim.id}` ({md_escape(r.dataset)}): {md_escape(r.reason)}" for r in card.not_measurable()],
                  ""]
    if card.cross_code:
        lines += ["## Cross-code agreement", "", *[md_escape(t) + "\n" for t in cross_code_text(card)], ""]
    lines += ["## Verdicts by system size and frequency window", "", *strata_markdown(card)]
    disagree = disagreements(card)
    lines += ["", "## Findings", ""]
    if disagree:
        lines.append("Where the data do not support the paper (reported as measured):")
        lines.append("")
        for r, bad in disagree:
            lines.append(
                f"- `{r.claim.id}` ({md_escape(r.dataset)}) is **{r.verdict.value}** ({robustness_text(r)}): expected "
                f"{r.claim.expect.describe()}, measured {finding_detail(bad, escape=True)}."
            )
    else:
        lines.append(no_findings_text(card))
    lines += ["", "## Figures of the data", ""]
    for entry in figures.data:
        lines += [f"### {md_escape(entry.caption)}", "", *_figure_markdown(entry, md_escape(entry.caption)), ""]
    lines += ["## Claims in detail", ""]
    for r, entry in zip(card.results, figures.claims):
        c = r.claim
        lines += [f"### `{c.id}` on {md_escape(r.dataset)}: {r.verdict.value}", "", f"> {c.statement}", "",
                  f"- source: {c.source}",
                  f"- measured: `{c.validator}` → `{c.quantity}` with {json.dumps(dict(c.settings))}"
                  + (f", versus {json.dumps(c.versus)}" if c.versus else ""),
                  f"- expected: {c.expect.describe()} ({c.expect.basis or 'no basis given'})"]
        if r.reason:
            lines.append(f"- {md_escape(r.reason)}")
        if r.points:
            lines += ["", "| point | value | uncertainty | 95 % interval | verdict | method |", "| --- | --- | --- | --- | --- | --- |"]
            for p in r.points:
                m = p.measurement
                if m is None:
                    lines.append(f"| {md_escape(point_label(p.parameters))} | — | — | — | {p.verdict.value} "
                                 f"| {md_escape(p.reason)} |")
                else:
                    lines.append(
                        f"| {md_escape(point_label(p.parameters))} | {m.value:.4g} | {m.uncertainty:.2g} "
                        f"| [{m.low:.4g}, {m.high:.4g}] | {p.verdict.value} "
                        f"| {md_escape(m.method)}{' (' + md_escape(p.reason) + ')' if p.reason else ''} |"
                    )
        if r.verdict is not Verdict.NOT_APPLICABLE:
            label, why = r.robustness()
            lines += ["", f"Robustness: **{label.value if label else '—'}** ({md_escape(why)}).", "",
                      "| " + " | ".join(ESTIMATOR_COLUMNS) + " |", "| " + " | ".join("---" for _ in ESTIMATOR_COLUMNS) + " |",
                      *["| " + " | ".join(md_escape(row[col]) for col in ESTIMATOR_COLUMNS) + " |"
                        for row in estimator_rows(r)]]
        if entry is not None:
            lines += ["", *_figure_markdown(entry, c.id)]
        lines.append("")
    return "\n".join(lines) + "\n"


def write_report(
    card: ScoreCard, datasets: Sequence[tuple[InputInfo, xr.Dataset]], output: str | os.PathLike[str]
) -> Path:
    """Write ``report.md``, ``report.html``, ``result.json`` and ``figures/*.png`` under ``output``.

    ``report.html`` is self-contained: the same content as ``report.md`` with
    the figures embedded as data URIs (:mod:`vdosbench.benchmark.html_report`).
    A figure that cannot be drawn is skipped with a note in both reports.

    Returns the path of ``report.md``.  Every file is written atomically.
    """
    out = Path(output)
    figures = draw_report_figures(card.results, datasets, out / "figures")
    report = out / "report.md"
    write_text(report, render_markdown(card, figures))
    write_text(out / "report.html", render_html(card, figures))
    write_text(out / "result.json", json.dumps(card.to_json(), indent=2, default=str) + "\n")
    return report
