"""The self-contained HTML scorecard (``report.html``): the Markdown report's content, figures embedded.

One file, no external resources and no JavaScript: the figures are PNG data
URIs, the style sheet is inline, and per-point settings fold away in
``<details>`` elements.  Every piece of text is escaped with
:func:`html.escape`.  Claim-level verdicts carry ``data-claim`` and
``data-dataset`` attributes (class ``verdict``) so that tools can read them
back; they equal the verdicts of ``result.json``.  Robustness labels
(class ``robustness``) carry ``data-claim``, ``data-dataset`` and
``data-robustness`` the same way, and each claim's section has a table of
its estimators (primary and registered alternatives) with value and verdict.
The adapters' notes on each input (keys not read, aliases, species rule,
separator) follow the inputs table (class ``input-notes``, ``data-input``).

:func:`~vdosbench.benchmark.report.write_report` writes it next to
``report.md``; :func:`render_html` returns the text.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Mapping
from html import escape
from typing import Any

from vdosbench import __version__
from vdosbench.validators import jsonable

from .adapters.base import printable
from .figures import FigureEntry, ReportFigures, point_label
from .placement import SECTION_RULE, SECTION_TITLE, TABLE_COLUMNS, placement_table
from .report_text import (
    ESTIMATOR_COLUMNS,
    NOT_APPLICABLE_RULE,
    NOT_APPLICABLE_TITLE,
    ROBUSTNESS_RULE,
    STRATA_COLUMNS,
    VERDICT_RULE,
    cross_code_text,
    disagreements,
    estimator_rows,
    finding_detail,
    gate_note,
    no_findings_text,
    not_applicable_rows,
    point_value,
    protocol_notes_text,
    protocol_suffix,
    robustness_text,
    score_summary,
    systems_table,
)
from .scorecard import ScoreCard
from .scoring import ClaimResult, PointResult, Robustness, Verdict

__all__ = ["data_uri", "render_html"]

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 72rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
code { font-size: 0.85rem; word-break: break-all; }
blockquote { margin: 0.5rem 0; padding-left: 1rem; border-left: 3px solid #bbb; color: #333; }
figure { margin: 1rem 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption, .note { font-size: 0.85rem; color: #555; }
.note { font-style: italic; }
.v-supported { background: #dff3df; }
.v-refuted { background: #f8d7d7; }
.v-inconclusive { background: #fdf1cf; }
.v-not-applicable { background: #eee; }
.r-estimator-dependent { background: #fde3c8; }
span.verdict { padding: 0.1rem 0.4rem; }
.score { font-size: 1.1rem; }
.gate { background: #fdf1cf; padding: 0.5rem; }
"""


def data_uri(png: bytes) -> str:
    """``data:image/png;base64,...`` for PNG bytes.

    Examples
    --------
    >>> data_uri(b"\\x89PNG")
    'data:image/png;base64,iVBORw=='
    """
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _e(value: Any) -> str:
    return escape(str(value), quote=True)


def _row(cells: Iterable[str], tag: str = "td") -> str:
    """A table row of cells that are already HTML."""
    return "<tr>" + "".join(f"<{tag}>{c}</{tag}>" for c in cells) + "</tr>"


def _verdict_cell(value: str, result: ClaimResult | None = None, tag: str = "td") -> str:
    """A verdict in a ``tag`` element; a claim's verdict (``result`` given) carries ``data-claim``/``data-dataset``
    and, where a protocol note describes its data, the note's label."""
    cls = "v-" + value.replace(" ", "-")
    attrs = ""
    if result is not None:
        cls = f"verdict {cls}"
        attrs = f' data-claim="{_e(result.claim.id)}" data-dataset="{_e(result.dataset)}"'
    note = (
        f" <small>{_e(protocol_suffix(result).strip())}</small>"
        if result is not None and result.protocol is not None
        else ""
    )
    return f'<{tag} class="{cls}"{attrs}><strong>{_e(value)}</strong>{note}</{tag}>'


def _settings(settings: Mapping[str, Any]) -> str:
    """The settings of a measurement (window, bins, estimator, bootstrap ...) as a folded table."""
    if not settings:
        return ""
    rows = "".join(
        _row([f"<code>{_e(k)}</code>", f"<code>{_e(json.dumps(jsonable(v), default=str))}</code>"])
        for k, v in settings.items()
    )
    return f"<details><summary>settings</summary><table>{rows}</table></details>"


def _figure(entry: FigureEntry, alt: str) -> str:
    caption = "<br>".join(
        [
            _e(entry.caption),
            *([_e(entry.details)] if entry.details else []),
            *([f'<span class="note">{_e(entry.note)}</span>'] if entry.note else []),
        ]
    )
    if entry.path is None:
        return f'<p class="note">Figure “{_e(entry.caption)}” {_e(entry.note or "not drawn")}.</p>'
    return f'<figure><img src="{data_uri(entry.png)}" alt="{_e(alt)}"><figcaption>{caption}</figcaption></figure>'


def _point_row(p: PointResult) -> str:
    m = p.measurement
    label = _e(point_label(p.parameters) or "all") + (f"<br>versus {_e(point_label(p.versus))}" if p.versus else "")
    if m is None:
        return (
            "<tr>"
            + "".join(f"<td>{c}</td>" for c in (label, "—", "—", "—"))
            + (_verdict_cell(p.verdict.value) + f"<td>{_e(p.reason)}</td></tr>")
        )
    units = "" if m.units in ("", "1") else f" {m.units}"
    cells = [
        label,
        _e(f"{m.value:.4g}{units}"),
        _e(f"{m.uncertainty:.2g}"),
        _e(f"[{m.low:.4g}, {m.high:.4g}] ({m.confidence:.0%})"),
    ]
    return (
        "<tr>"
        + "".join(f"<td>{c}</td>" for c in cells)
        + _verdict_cell(p.verdict.value)
        + f"<td>{_e(m.method)}{_settings(m.settings)}</td></tr>"
    )


def _robustness_cell(r: ClaimResult) -> str:
    """The robustness label of a claim as a table cell with ``data-claim``/``data-dataset``/``data-robustness``."""
    label = robustness_text(r)
    return (
        f'<td class="robustness r-{_e(label.replace(" ", "-"))}" data-claim="{_e(r.claim.id)}" '
        f'data-dataset="{_e(r.dataset)}" data-robustness="{_e(label)}">{_e(label)}</td>'
    )


def _estimator_table(r: ClaimResult) -> list[str]:
    """The label, its reason and one row per estimator (primary first) of an applicable claim."""
    label, why = r.robustness()
    return [
        f"<p>robustness: <strong>{_e(label.value if label else '—')}</strong> ({_e(why)})</p>",
        "<table>",
        _row(ESTIMATOR_COLUMNS, "th"),
        *[
            "<tr>"
            + "".join(
                _verdict_cell(row[col]) if col == "verdict" else f"<td>{_e(row[col])}</td>" for col in ESTIMATOR_COLUMNS
            )
            + "</tr>"
            for row in estimator_rows(r)
        ],
        "</table>",
    ]


def _claim_section(k: int, r: ClaimResult, entry: FigureEntry | None) -> list[str]:
    c = r.claim
    measured = (
        f"<code>{_e(c.validator)}</code> → <code>{_e(c.quantity)}</code> "
        f"with <code>{_e(json.dumps(dict(c.settings)))}</code>"
    )
    if c.versus:
        measured += f", versus <code>{_e(json.dumps(c.versus))}</code>"
    out = [
        f'<section id="claim-{k}">',
        f"<h3><code>{_e(c.id)}</code> on {_e(r.dataset)}</h3>",
        f"<p>verdict: {_verdict_cell(r.verdict.value, r, 'span')}</p>",
        f"<blockquote>{_e(c.statement)}</blockquote>",
        "<ul>",
        f"<li>source: {_e(c.source)}</li>",
        f"<li>measured: {measured}</li>",
        f"<li>expected: {_e(c.expect.describe())} ({_e(c.expect.basis or 'no basis given')})</li>",
        *([f"<li>{_e(r.reason)}</li>"] if r.reason else []),
        "</ul>",
    ]
    if r.points:
        out += [
            "<table>",
            _row(["point", "value", "uncertainty", "interval", "verdict", "method and settings"], "th"),
            *[_point_row(p) for p in r.points],
            "</table>",
        ]
    if r.verdict is not Verdict.NOT_APPLICABLE:
        out += _estimator_table(r)
    if entry is not None:
        out.append(_figure(entry, c.id))
    out.append("</section>")
    return out


def _not_applicable_html(card: ScoreCard) -> list[str]:
    """One table of the claim results that do not apply (:func:`~.report_text.not_applicable_rows`)."""
    rows = not_applicable_rows(card)
    if not rows:
        return []
    return [
        f"<h2>{_e(NOT_APPLICABLE_TITLE.format(n=len(rows)))}</h2>",
        f"<p>{_e(NOT_APPLICABLE_RULE)}</p>",
        "<table>",
        _row(["claim", "data", "verdict", "why"], "th"),
        *[
            f"<tr><td><code>{_e(r.claim.id)}</code></td><td>{_e(r.dataset)}</td>"
            f"{_verdict_cell(r.verdict.value, r)}<td>{_e(why)}</td></tr>"
            for r, why in rows
        ],
        "</table>",
    ]


def _input_notes_html(card: ScoreCard) -> list[str]:
    """The adapters' notes on the inputs (keys not read, aliases, species rule, separator), one item per note,
    as ``report.md`` lists them under its inputs table; each item carries ``data-input`` (the input's name)."""
    items = [f'<li data-input="{_e(i.name)}">{_e(i.name)}: {_e(note)}</li>' for i in card.inputs for note in i.notes]
    return ['<ul class="input-notes">', *items, "</ul>"] if items else []


def _systems_html(card: ScoreCard) -> list[str]:
    if not card.systems:
        return []
    header, rows = systems_table(card)
    return [
        "<h2>Systems (what the claims select on)</h2>",
        "<table>",
        _row(header, "th"),
        *[_row(_e(c) for c in row) for row in rows],
        "</table>",
    ]


def _head_html(card: ScoreCard) -> list[str]:
    """The document's head and the report's opening: title, version, claims file, score, gate note, verdict rule.

    Parameters
    ----------
    card
        The scorecard.

    Returns
    -------
    list of str
        Lines of HTML, from ``<!DOCTYPE html>`` to the paragraph of the verdict rule.
    """
    headline, counts = score_summary(card.totals())
    return [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>vdosbench scorecard</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        "<h1>vdosbench scorecard</h1>",
        f"<p>vdosbench {_e(__version__)}; claims: <code>{_e(card.claims_file)}</code>.</p>",
        f'<p class="score"><strong>{_e(headline)}</strong> ({_e(counts)}).</p>',
        *([f'<p class="gate">{_e(note)}</p>'] if (note := gate_note(card)) else []),
        f"<p>{_e(VERDICT_RULE)}</p>",
    ]


def _inputs_html(card: ScoreCard) -> list[str]:
    """The 'Inputs' section: one row per input (name, file, full SHA-256), then the adapters' notes.

    Parameters
    ----------
    card
        The scorecard.

    Returns
    -------
    list of str
        Lines of HTML.
    """
    return [
        "<h2>Inputs</h2>",
        "<table>",
        _row(["name", "file", "sha256"], "th"),
        *[
            _row(
                [
                    _e(printable(str(i.name))),
                    f"<code>{_e(printable(str(i.path)))}</code>",
                    f"<code>{_e(i.sha256)}</code>",
                ]
            )
            for i in card.inputs
        ],  # a file name's control bytes (ESC, BEL: F17) as escapes
        "</table>",
        *_input_notes_html(card),
    ]


def _verdicts_html(card: ScoreCard) -> list[str]:
    """The 'Verdicts' table: one row per applicable claim result, its claim linked to its section below.

    Parameters
    ----------
    card
        The scorecard.

    Returns
    -------
    list of str
        Lines of HTML; the rows carry the verdicts' and robustness labels' ``data-*`` attributes.
    """
    out = [
        "<h2>Verdicts</h2>",
        "<table>",
        _row(["claim", "data", "expected", "verdict", "robustness", "measured value [95 % interval] per point"], "th"),
    ]
    for k, r in enumerate(card.results):
        if r.verdict is Verdict.NOT_APPLICABLE:
            continue
        per_point = "<br>".join(_e(point_value(p)) for p in r.points)
        out.append(
            f'<tr><td><a href="#claim-{k}"><code>{_e(r.claim.id)}</code></a></td>'
            f"<td>{_e(r.dataset)}</td><td>{_e(r.claim.expect.describe())}</td>"
            f"{_verdict_cell(r.verdict.value, r)}{_robustness_cell(r)}<td>{per_point}</td></tr>"
        )
    return [*out, "</table>"]


def _protocol_notes_html(card: ScoreCard) -> list[str]:
    """The 'Protocol notes' section (:func:`~.report_text.protocol_notes_text`); empty when no note applies.

    Parameters
    ----------
    card
        The scorecard.

    Returns
    -------
    list of str
        Lines of HTML.
    """
    notes = protocol_notes_text(card)
    return ["<h2>Protocol notes</h2>", "<ul>", *[f"<li>{_e(n)}</li>" for n in notes], "</ul>"] if notes else []


def _robustness_html(card: ScoreCard) -> list[str]:
    """The 'Robustness across estimators' section: the rule, the counts, and each estimator-dependent result.

    Parameters
    ----------
    card
        The scorecard.

    Returns
    -------
    list of str
        Lines of HTML.
    """
    robust = card.robustness_totals()
    out = [
        "<h2>Robustness across estimators</h2>",
        f"<p>{_e(ROBUSTNESS_RULE)}</p>",
        f"<p>{_e(', '.join(f'{label} {n}' for label, n in robust.items()))}.</p>",
    ]
    dependent = [r for r in card.applicable() if r.robustness()[0] is Robustness.ESTIMATOR_DEPENDENT]
    if dependent:
        out += [
            "<ul>",
            *[
                f"<li><code>{_e(r.claim.id)}</code> ({_e(r.dataset)}, {_e(r.verdict.value)}) is "
                f"<strong>estimator-dependent</strong>: {_e(r.robustness()[1])}.</li>"
                for r in dependent
            ],
            "</ul>",
        ]
    return out


def _not_measurable_html(card: ScoreCard) -> list[str]:
    """The 'Not measurable' section: claims about these systems that the data cannot measure; empty if none.

    Parameters
    ----------
    card
        The scorecard.

    Returns
    -------
    list of str
        Lines of HTML.
    """
    results = card.not_measurable()
    if not results:
        return []
    return [
        "<h2>Not measurable</h2>",
        "<p>Claims about these systems that the data cannot measure (listed as 'not applicable' in the counts):</p>",
        "<ul>",
        *[f"<li><code>{_e(r.claim.id)}</code> ({_e(r.dataset)}): {_e(r.reason)}</li>" for r in results],
        "</ul>",
    ]


def _cross_code_html(card: ScoreCard) -> list[str]:
    """The 'Cross-code agreement' section (:func:`~.report_text.cross_code_text`); empty without cross-code checks.

    Parameters
    ----------
    card
        The scorecard.

    Returns
    -------
    list of str
        Lines of HTML.
    """
    if not card.cross_code:
        return []
    return ["<h2>Cross-code agreement</h2>", *[f"<p>{_e(t)}</p>" for t in cross_code_text(card)]]


def _strata_html(card: ScoreCard) -> list[str]:
    """The verdicts counted by system size and frequency window (:meth:`~.scorecard.ScoreCard.strata`).

    Parameters
    ----------
    card
        The scorecard.

    Returns
    -------
    list of str
        Lines of HTML: a table, or a sentence when no claim applies.
    """
    out = ["<h2>Verdicts by system size and frequency window</h2>"]
    strata = card.strata()
    if not strata:
        return [*out, "<p>No claim applies.</p>"]
    return [
        *out,
        "<table>",
        _row(STRATA_COLUMNS, "th"),
        *[_row(_e(r[c]) for c in STRATA_COLUMNS) for r in strata],
        "</table>",
    ]


def _placement_html(card: ScoreCard) -> list[str]:
    """The section that places each input's points on our axes (:mod:`~vdosbench.benchmark.placement`), as in
    ``report.md``; none when no point can be placed."""
    placed = [(name, e) for name, entries in card.placements.items() for e in entries if e["placed"]]
    if not placed:
        return []
    out = [f"<h2>{_e(SECTION_TITLE)}</h2>", f"<p>{_e(SECTION_RULE)}</p>"]
    for name, entry in placed:
        label = f"{name} {point_label(entry['point'])}".strip()
        out += [
            '<table class="placement">',
            _row([_e(c) for c in TABLE_COLUMNS], "th"),
            *(_row([_e(c) for c in row]) for row in placement_table(entry, label)),
            "</table>",
            f"<p>Ours chosen by: {_e(entry['rule'])}.</p>",
        ]
    return out


def _findings_html(card: ScoreCard) -> list[str]:
    """The 'Findings' section: where the data do not support the paper (:func:`~.report_text.disagreements`).

    Parameters
    ----------
    card
        The scorecard.

    Returns
    -------
    list of str
        Lines of HTML: one item per disagreement, or the sentence that there is none.
    """
    disagree = disagreements(card)
    if not disagree:
        return ["<h2>Findings</h2>", f"<p>{_e(no_findings_text(card))}</p>"]
    items = [
        f"<li><code>{_e(r.claim.id)}</code> ({_e(r.dataset)}) is <strong>{_e(r.verdict.value)}</strong> "
        f"({_e(robustness_text(r))}): "
        f"expected {_e(r.claim.expect.describe())}, measured {_e(finding_detail(bad))}.</li>"
        for r, bad in disagree
    ]
    return [
        "<h2>Findings</h2>",
        "<p>Where the data do not support the paper (reported as measured):</p>",
        "<ul>",
        *items,
        "</ul>",
    ]


def _data_figures_html(figures: ReportFigures) -> list[str]:
    """The 'Figures of the data' section: each figure of the inputs under its caption, embedded.

    Parameters
    ----------
    figures
        The report's figures (:func:`~vdosbench.benchmark.figures.draw_report_figures`).

    Returns
    -------
    list of str
        Lines of HTML.
    """
    out = ["<h2>Figures of the data</h2>"]
    for entry in figures.data:
        out += [f"<h3>{_e(entry.caption)}</h3>", _figure(entry, entry.caption)]
    return out


def _claims_html(card: ScoreCard, figures: ReportFigures) -> list[str]:
    """The 'Claims in detail' section: one :func:`_claim_section` per applicable claim result.

    Parameters
    ----------
    card
        The scorecard.
    figures
        The report's figures; ``figures.claims`` holds one entry (or None) per claim result.

    Returns
    -------
    list of str
        Lines of HTML; each section's id is ``claim-K``, K the result's index in ``card.results``.
    """
    out = ["<h2>Claims in detail</h2>"]
    sections = [
        (k, r, entry)
        for k, (r, entry) in enumerate(zip(card.results, figures.claims))
        if r.verdict is not Verdict.NOT_APPLICABLE
    ]
    for k, r, entry in sections:
        out += _claim_section(k, r, entry)
    if not sections:
        out.append("<p>No claim applies to these data.</p>")
    return out


def render_html(card: ScoreCard, figures: ReportFigures) -> str:
    """The self-contained HTML report of ``card``.

    Parameters
    ----------
    card
        The scorecard.
    figures
        Its figures, from :func:`~vdosbench.benchmark.figures.draw_report_figures`; the PNG files are read
        and embedded as data URIs.

    Returns
    -------
    str
        A complete HTML5 document.
    """
    out = [
        *_head_html(card),
        *_inputs_html(card),
        *_systems_html(card),
        *_verdicts_html(card),
        *_protocol_notes_html(card),
        *_robustness_html(card),
        *_not_measurable_html(card),
        *_cross_code_html(card),
        *_strata_html(card),
        *_findings_html(card),
        *_placement_html(card),
        *_data_figures_html(figures),
        *_claims_html(card, figures),
        *_not_applicable_html(card),
        "</body>",
        "</html>",
    ]
    return "\n".join(out) + "\n"
