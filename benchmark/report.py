"""The report files of a scorecard: ``report.md``, ``report.html``, ``result.json`` and ``figures/*.png``.

The scorecard itself (verdicts, gate, JSON with its content hash) is
:mod:`vdosbench.benchmark.scorecard`; the text both reports share is
:mod:`vdosbench.benchmark.report_text`.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import xarray as xr
from vdosbench.datasets.io import write_text
from vdosbench.datasets.json_files import dumps_strict
from vdosbench.datasets.labels import point_label

from vdosbench import __version__

from .adapters.base import printable
from .figures import FigureEntry, ReportFigures, draw_report_figures
from .html_report import render_html
from .placement import SECTION_RULE, SECTION_TITLE, TABLE_COLUMNS, placement_table
from .report_folder import move_report_into_place
from .report_text import (
    ESTIMATOR_COLUMNS,
    NOT_APPLICABLE_RULE,
    NOT_APPLICABLE_TITLE,
    ROBUSTNESS_RULE,
    VERDICT_RULE,
    cross_code_text,
    disagreements,
    estimator_rows,
    finding_detail,
    gate_note,
    md_escape,
    no_findings_text,
    not_applicable_rows,
    point_value,
    protocol_notes_text,
    protocol_suffix,
    robustness_text,
    score_summary,
    strata_markdown,
    systems_table,
)
from .scorecard import InputInfo, ScoreCard
from .scoring import ClaimResult, Robustness, Verdict

__all__ = [
    "remove_stale_stages",
    "render_markdown",
    "staged_report",
    "write_report",
    "write_report_files",
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
        "## Systems (what the claims select on)",
        "",
        "| " + " | ".join(header) + " |",
        "| " + " | ".join("---" for _ in header) + " |",
        *["| " + " | ".join(_NEWLINE.sub("<br>", md_escape(c)) for c in row) + " |" for row in rows],
        "",
    ]


def _head_markdown(card: ScoreCard) -> list[str]:
    """The report's opening: title, version, claims file, score, gate note and the verdict rule.

    Parameters
    ----------
    card
        The scorecard.

    Returns
    -------
    list of str
        Lines of Markdown, ending with a blank line.
    """
    headline, counts = score_summary(card.totals())
    return [
        "# vdosbench scorecard",
        "",
        f"vdosbench {__version__}; claims: {md_escape(card.claims_file)}.",
        "",
        f"**{headline}** ({counts}).",
        "",
        *([note, ""] if (note := gate_note(card)) else []),
        VERDICT_RULE,
        "",
    ]


def _inputs_markdown(card: ScoreCard) -> list[str]:
    """The '## Inputs' section: one row per input (name, file, SHA-256 prefix), then the adapters' notes.

    Parameters
    ----------
    card
        The scorecard.

    Returns
    -------
    list of str
        Lines of Markdown, ending with a blank line.
    """
    return [
        "## Inputs",
        "",
        "| name | file | sha256 |",
        "| --- | --- | --- |",
        # a file name's control bytes (ESC, BEL: F17) are written as escapes, as on the terminal
        *[
            f"| {md_escape(printable(str(i.name)))} | {md_escape(printable(str(i.path)))} | `{i.sha256[:16]}…` |"
            for i in card.inputs
        ],
        "",
        *[f"- {md_escape(i.name)}: {md_escape(note)}" for i in card.inputs for note in i.notes],
        *([""] if any(i.notes for i in card.inputs) else []),
    ]


def _verdicts_markdown(card: ScoreCard) -> list[str]:
    """The '## Verdicts' table: one row per applicable claim result.

    Parameters
    ----------
    card
        The scorecard.

    Returns
    -------
    list of str
        Lines of Markdown, ending with the table's last row.
    """
    lines = [
        "## Verdicts",
        "",
        "| claim | data | expected | verdict | robustness | measured value [95 % interval] per point |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in card.applicable():
        per_point = "; ".join(point_value(p, escape=True) for p in r.points)
        lines.append(
            f"| `{r.claim.id}` | {md_escape(r.dataset)} | {r.claim.expect.describe()} | **{r.verdict.value}**"
            f"{md_escape(protocol_suffix(r))} | {robustness_text(r)} | {per_point} |"
        )
    return lines


def _protocol_notes_markdown(card: ScoreCard) -> list[str]:
    """The '## Protocol notes' section (:func:`~.report_text.protocol_notes_text`); empty when no note applies.

    Parameters
    ----------
    card
        The scorecard.

    Returns
    -------
    list of str
        Lines of Markdown, starting with a blank line.
    """
    notes = protocol_notes_text(card)
    return ["", "## Protocol notes", "", *[f"- {md_escape(n)}" for n in notes]] if notes else []


def _robustness_markdown(card: ScoreCard) -> list[str]:
    """The '## Robustness across estimators' section: the rule, the counts, each estimator-dependent result.

    Parameters
    ----------
    card
        The scorecard.

    Returns
    -------
    list of str
        Lines of Markdown, starting and ending with a blank line.
    """
    robust = card.robustness_totals()
    lines = [
        "",
        "## Robustness across estimators",
        "",
        ROBUSTNESS_RULE,
        "",
        ", ".join(f"{label} {n}" for label, n in robust.items()) + ".",
        "",
    ]
    dependent = [r for r in card.applicable() if r.robustness()[0] is Robustness.ESTIMATOR_DEPENDENT]
    for r in dependent:
        lines.append(
            f"- `{r.claim.id}` ({md_escape(r.dataset)}, {r.verdict.value}) is **estimator-dependent**: "
            f"{md_escape(r.robustness()[1])}."
        )
    return lines + ([""] if dependent else [])


def _not_measurable_markdown(card: ScoreCard) -> list[str]:
    """The '## Not measurable' section: claims about these systems that the data cannot measure; empty if none.

    Parameters
    ----------
    card
        The scorecard.

    Returns
    -------
    list of str
        Lines of Markdown, ending with a blank line.
    """
    results = card.not_measurable()
    if not results:
        return []
    return [
        "## Not measurable",
        "",
        "Claims about these systems that the data cannot measure (listed as 'not applicable' in the counts):",
        "",
        *[f"- `{r.claim.id}` ({md_escape(r.dataset)}): {md_escape(r.reason)}" for r in results],
        "",
    ]


def _cross_code_markdown(card: ScoreCard) -> list[str]:
    """The '## Cross-code agreement' section (:func:`~.report_text.cross_code_text`); empty without checks.

    Parameters
    ----------
    card
        The scorecard.

    Returns
    -------
    list of str
        Lines of Markdown, ending with a blank line.
    """
    if not card.cross_code:
        return []
    return ["## Cross-code agreement", "", *[md_escape(t) + "\n" for t in cross_code_text(card)], ""]


def _findings_markdown(card: ScoreCard) -> list[str]:
    """The '## Findings' section: where the data do not support the paper (:func:`~.report_text.disagreements`).

    Parameters
    ----------
    card
        The scorecard.

    Returns
    -------
    list of str
        Lines of Markdown, starting with a blank line: one item per disagreement, or the sentence that there
        is none.
    """
    disagree = disagreements(card)
    if not disagree:
        return ["", "## Findings", "", no_findings_text(card)]
    return [
        "",
        "## Findings",
        "",
        "Where the data do not support the paper (reported as measured):",
        "",
        *[
            f"- `{r.claim.id}` ({md_escape(r.dataset)}) is **{r.verdict.value}** ({robustness_text(r)}): expected "
            f"{r.claim.expect.describe()}, measured {finding_detail(bad, escape=True)}."
            for r, bad in disagree
        ],
    ]


def _placement_markdown(card: ScoreCard) -> list[str]:
    """The section that places each input's points on our axes (:mod:`~vdosbench.benchmark.placement`); none when
    no point of any input can be placed."""
    placed = [(name, e) for name, entries in card.placements.items() for e in entries if e["placed"]]
    if not placed:
        return []
    lines = ["", f"## {SECTION_TITLE}", "", SECTION_RULE, ""]
    for name, entry in placed:
        label = f"{md_escape(name)} {point_label(entry['point'])}".strip()
        lines += ["| " + " | ".join(TABLE_COLUMNS) + " |", "|" + "---|" * len(TABLE_COLUMNS)]
        lines += ["| " + " | ".join(md_escape(c) for c in row) + " |" for row in placement_table(entry, label)]
        lines += ["", f"Ours chosen by: {entry['rule']}.", ""]
    return lines


def _data_figures_markdown(figures: ReportFigures) -> list[str]:
    """The '## Figures of the data' section: each figure of the inputs under its caption.

    Parameters
    ----------
    figures
        The report's figures (:func:`~vdosbench.benchmark.figures.draw_report_figures`).

    Returns
    -------
    list of str
        Lines of Markdown, starting and ending with a blank line.
    """
    lines = ["", "## Figures of the data", ""]
    for entry in figures.data:
        lines += [f"### {md_escape(entry.caption)}", "", *_figure_markdown(entry, md_escape(entry.caption)), ""]
    return lines


def _points_markdown(r: ClaimResult) -> list[str]:
    """The table of a claim result's parameter points: value, uncertainty, interval, verdict, method.

    Parameters
    ----------
    r
        The claim result.

    Returns
    -------
    list of str
        Lines of Markdown, starting with a blank line; empty when the result has no point.
    """
    if not r.points:
        return []
    lines = [
        "",
        "| point | value | uncertainty | 95 % interval | verdict | method |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for p in r.points:
        m = p.measurement
        if m is None:
            lines.append(
                f"| {md_escape(point_label(p.parameters))} | — | — | — | {p.verdict.value} | {md_escape(p.reason)} |"
            )
        else:
            lines.append(
                f"| {md_escape(point_label(p.parameters))} | {m.value:.4g} | {m.uncertainty:.2g} "
                f"| [{m.low:.4g}, {m.high:.4g}] | {p.verdict.value} "
                f"| {md_escape(m.method)}{' (' + md_escape(p.reason) + ')' if p.reason else ''} |"
            )
    return lines + _s_of_omega_markdown(r)


def _s_of_omega_markdown(r: ClaimResult) -> list[str]:
    """s(ω) of each point whose measurement carries it (the absolute-frequency claims), one line a point.

    Parameters
    ----------
    r
        The claim result.

    Returns
    -------
    list of str
        Lines of Markdown, starting with a blank line; empty when no point carries s(ω).
    """
    lines, coverage = [], ""
    for p in r.points:
        rows = p.measurement.settings.get("s_of_omega") if p.measurement is not None else None
        if not rows:
            continue
        coverage = p.measurement.settings.get("s_of_omega_coverage", "")
        bands = "; ".join(
            f"({b['band_omega_over_omega_g'][0]:g}, {b['band_omega_over_omega_g'][1]:g}] "
            + (
                f"{b['s']:.2f} [{b['interval'][0]:.2f}, {b['interval'][1]:.2f}]"
                if b["status"] == "ok"
                else f"{b['status']} ({b['modes']} modes)"
            )
            for b in rows
        )
        lines.append(f"- s(ω) at {md_escape(point_label(p.parameters))}, bands of ω/ω_g: {bands}")
    if lines:
        lines = ["", *lines, f"  (descriptive, no verdict reads it; coverage measured on {md_escape(coverage)})"]
    return lines


def _estimators_markdown(r: ClaimResult) -> list[str]:
    """A claim result's robustness label with its reason, and one row per estimator (primary first).

    Parameters
    ----------
    r
        An applicable claim result.

    Returns
    -------
    list of str
        Lines of Markdown, starting with a blank line (:func:`~.report_text.estimator_rows`).
    """
    label, why = r.robustness()
    return [
        "",
        f"Robustness: **{label.value if label else '—'}** ({md_escape(why)}).",
        "",
        "| " + " | ".join(ESTIMATOR_COLUMNS) + " |",
        "| " + " | ".join("---" for _ in ESTIMATOR_COLUMNS) + " |",
        *["| " + " | ".join(md_escape(row[col]) for col in ESTIMATOR_COLUMNS) + " |" for row in estimator_rows(r)],
    ]


def _claim_markdown(r: ClaimResult, entry: FigureEntry | None) -> list[str]:
    """One applicable claim result in detail: statement, source, what was measured, points, estimators, figure.

    Parameters
    ----------
    r
        An applicable claim result.
    entry
        Its figure, or None when it has none.

    Returns
    -------
    list of str
        Lines of Markdown, ending with a blank line.
    """
    c = r.claim
    lines = [
        f"### `{c.id}` on {md_escape(r.dataset)}: {r.verdict.value}",
        "",
        f"> {c.statement}",
        "",
        f"- source: {c.source}",
        f"- measured: `{c.validator}` → `{c.quantity}` with {json.dumps(dict(c.settings))}"
        + (f", versus {json.dumps(c.versus)}" if c.versus else ""),
        f"- expected: {c.expect.describe()} ({c.expect.basis or 'no basis given'})",
        *([f"- {md_escape(r.reason)}"] if r.reason else []),
    ]
    lines += _points_markdown(r) + _estimators_markdown(r)
    if entry is not None:
        lines += ["", *_figure_markdown(entry, c.id)]
    return [*lines, ""]


def _claims_markdown(card: ScoreCard, figures: ReportFigures) -> list[str]:
    """The '## Claims in detail' section: one :func:`_claim_markdown` per applicable claim result.

    Parameters
    ----------
    card
        The scorecard.
    figures
        The report's figures; ``figures.claims`` holds one entry (or None) per claim result.

    Returns
    -------
    list of str
        Lines of Markdown, ending with a blank line.
    """
    detailed = [(r, entry) for r, entry in zip(card.results, figures.claims) if r.verdict is not Verdict.NOT_APPLICABLE]
    lines = ["## Claims in detail", "", *([] if detailed else ["No claim applies to these data.", ""])]
    for r, entry in detailed:
        lines += _claim_markdown(r, entry)
    return lines


def _not_applicable_markdown(card: ScoreCard) -> list[str]:
    """One table of the claim results that do not apply (:func:`~.report_text.not_applicable_rows`); empty if none.

    Parameters
    ----------
    card
        The scorecard.

    Returns
    -------
    list of str
        Lines of Markdown, ending with a blank line.
    """
    skipped = not_applicable_rows(card)
    if not skipped:
        return []
    return [
        f"## {NOT_APPLICABLE_TITLE.format(n=len(skipped))}",
        "",
        NOT_APPLICABLE_RULE,
        "",
        "| claim | data | why |",
        "| --- | --- | --- |",
        *[f"| `{r.claim.id}` | {md_escape(r.dataset)} | {md_escape(why)} |" for r, why in skipped],
        "",
    ]


def render_markdown(card: ScoreCard, figures: ReportFigures) -> str:
    """The Markdown report of ``card`` with the figures drawn by :func:`draw_report_figures`.

    Parameters
    ----------
    card
        The scorecard.
    figures
        Its figures, from :func:`~vdosbench.benchmark.figures.draw_report_figures`; linked as
        ``figures/NAME.png``.

    Returns
    -------
    str
        The whole ``report.md``.
    """
    lines = [
        *_head_markdown(card),
        *_inputs_markdown(card),
        *_systems_markdown(card),
        *_verdicts_markdown(card),
        *_protocol_notes_markdown(card),
        *_robustness_markdown(card),
        *_not_measurable_markdown(card),
        *_cross_code_markdown(card),
        "## Verdicts by system size and frequency window",
        "",
        *strata_markdown(card),
        *_findings_markdown(card),
        *_placement_markdown(card),
        *_data_figures_markdown(figures),
        *_claims_markdown(card, figures),
        *_not_applicable_markdown(card),
    ]
    return "\n".join(lines) + "\n"


#: Prefix of the temporary folder a report is staged in (:func:`staged_report`), inside the output folder.
STAGE_PREFIX = ".report.tmp-"


@contextlib.contextmanager
def staged_report(output: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary folder to write a whole report in, moved into ``output`` when the block ends without error.

    The folder (``output/.report.tmp-*``, on the same file system, so every move is a rename) receives
    every file of the report; on success each file replaces its namesake in ``output`` by an atomic rename
    (``result.json`` last), so no report file is ever half-written under its final name and ``report.md``,
    ``report.html`` and ``result.json`` come from one run.  On an error the temporary folder is deleted and
    ``output`` keeps what it had.  Only the files of the folder's last report (its manifest,
    :mod:`vdosbench.benchmark.report_folder`) are replaced or deleted; every other file in ``output`` and in
    ``output/figures`` is left alone, and a file of a report's name that no report wrote is refused
    (:class:`~vdosbench.benchmark.report_folder.ReportFolderError`).
    Two writers should not stage into one folder at once: ``vdosbench score`` holds the folder's lock
    (:func:`~vdosbench.datasets.folder_lock.folder_lock`) for the whole run.

    Examples
    --------
    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp())
    >>> with staged_report(out) as stage:
    ...     _ = (stage / "report.md").write_text("# new")
    ...     (out / "report.md").exists()
    False
    >>> (out / "report.md").read_text(), sorted(p.name for p in out.iterdir())
    ('# new', ['.vdosbench-report.json', 'report.md'])
    """
    out = Path(output)
    out.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=STAGE_PREFIX, dir=out))
    try:
        yield stage
        move_report_into_place(stage, out)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def remove_stale_stages(output: str | os.PathLike[str]) -> None:
    """Delete the staging folders (:func:`staged_report`) that a killed run left in ``output``.

    Call it only while holding the folder (no other writer stages there).
    """
    for stage in Path(output).glob(STAGE_PREFIX + "*"):
        shutil.rmtree(stage, ignore_errors=True)


def write_report_files(
    card: ScoreCard, datasets: Sequence[tuple[InputInfo, xr.Dataset]], folder: str | os.PathLike[str]
) -> Path:
    """Write ``report.md``, ``report.html``, ``result.json`` and ``figures/*.png`` into ``folder`` as they are
    made (each file atomically); :func:`write_report` does it in a staging folder.  Returns ``report.md``."""
    out = Path(folder)
    figures = draw_report_figures(card.results, datasets, out / "figures")
    report = out / "report.md"
    write_text(report, render_markdown(card, figures))
    write_text(out / "report.html", render_html(card, figures))
    write_text(out / "result.json", dumps_strict(card.to_json(), indent=2, default=str) + "\n")
    return report


def write_report(
    card: ScoreCard, datasets: Sequence[tuple[InputInfo, xr.Dataset]], output: str | os.PathLike[str]
) -> Path:
    """Write ``report.md``, ``report.html``, ``result.json`` and ``figures/*.png`` under ``output``.

    ``report.html`` is self-contained: the same content as ``report.md`` with
    the figures embedded as data URIs (:mod:`vdosbench.benchmark.html_report`).
    A figure that cannot be drawn is skipped with a note in both reports.

    Returns the path of ``report.md``.  The report is written whole in a
    temporary folder and then moved into place (:func:`staged_report`).
    """
    with staged_report(output) as stage:
        write_report_files(card, datasets, stage)
    return Path(output) / "report.md"
