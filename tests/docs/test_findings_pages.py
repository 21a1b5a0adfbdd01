"""Each findings page opens with a short summary, then its detail, then its history (issue 54 item 8).

A reader opening ``docs/findings/<page>.md`` finds, under the title and before the first ``##`` heading, what
was measured and the verdicts with their values in at most :data:`SUMMARY_MAX_LINES` non-empty lines; the
detail follows in ``##`` sections; pre-registration and dated changes sit in a last ``## History`` section.
``index.md`` is the table of every claim, not a findings page of one study, and is not held to this.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FINDINGS = ROOT / "docs" / "findings"
SUMMARY_MAX_LINES = 10

#: The pages laid out as summary, detail, history.
RESTRUCTURED = (
    "seed-000.md",
    "seed-001.md",
    "seed-002.md",
    "seed-003.md",
    "low-tstar.md",
    "finite-size.md",
    "soft-mode-density.md",
    "literature-matrix.md",
    "residual-stress.md",
)
#: Pages not yet laid out so, with why.
KNOWN_EXCEPTIONS: dict[str, str] = {}


def _lines_outside_fences(text: str) -> list[str]:
    """The page's lines, those inside ``` fences replaced by empty ones (a ``#`` there is no heading)."""
    out, fenced = [], False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            out.append("")
            continue
        out.append("" if fenced else line)
    return out


def summary_lines(text: str) -> list[str]:
    """The non-empty lines between the page's ``#`` title and its first ``##`` heading."""
    lines = _lines_outside_fences(text)
    titles = [i for i, line in enumerate(lines) if line.startswith("# ")]
    first = next(i for i, line in enumerate(lines) if line.strip())
    assert titles and titles[0] == first, "the page opens with a # title"
    body = []
    for line in lines[titles[0] + 1 :]:
        if line.startswith("## "):
            break
        if line.strip():
            body.append(line)
    return body


def section_headings(text: str) -> list[str]:
    """The page's ``##`` headings, in order."""
    return [line[3:].strip() for line in _lines_outside_fences(text) if line.startswith("## ")]


def _pages() -> list:
    params = []
    for name in sorted(p.name for p in FINDINGS.glob("*.md") if p.name != "index.md"):
        marks = ()
        if name in KNOWN_EXCEPTIONS:
            marks = (pytest.mark.xfail(reason=KNOWN_EXCEPTIONS[name], strict=False),)
        params.append(pytest.param(name, marks=marks, id=name))
    return params


def test_every_findings_page_is_restructured_or_a_known_exception() -> None:
    pages = {p.name for p in FINDINGS.glob("*.md")} - {"index.md"}
    unknown = pages - set(RESTRUCTURED) - set(KNOWN_EXCEPTIONS)
    assert not unknown, f"findings pages in neither RESTRUCTURED nor KNOWN_EXCEPTIONS: {sorted(unknown)}"
    assert not (set(RESTRUCTURED) | set(KNOWN_EXCEPTIONS)) - pages, "a listed page no longer exists"


@pytest.mark.parametrize("name", _pages())
def test_the_page_opens_with_a_short_summary(name: str) -> None:
    summary = summary_lines((FINDINGS / name).read_text(encoding="utf-8"))
    assert summary, f"{name}: no summary between the title and the first ## heading"
    assert len(summary) <= SUMMARY_MAX_LINES, (
        f"{name}: the summary has {len(summary)} non-empty lines (at most {SUMMARY_MAX_LINES}): move detail "
        "into the page's sections"
    )


@pytest.mark.parametrize("name", _pages())
def test_the_page_ends_with_its_history(name: str) -> None:
    headings = section_headings((FINDINGS / name).read_text(encoding="utf-8"))
    assert len(headings) >= 2, f"{name}: expected detail sections and a ## History section, found {headings}"
    assert headings[-1] == "History", f"{name}: the last ## section is {headings[-1]!r}, expected 'History'"
    assert headings.count("History") == 1, f"{name}: more than one ## History section"


def test_the_checks_catch_what_they_must() -> None:
    good = "# T\n\nline 1\n\n## Detail\n\n```bash\n## not a heading\n```\n\n## History\n\nold\n"
    assert summary_lines(good) == ["line 1"]
    assert section_headings(good) == ["Detail", "History"]
    long = "# T\n\n" + "\n".join(f"line {i}" for i in range(11)) + "\n\n## History\n"
    assert len(summary_lines(long)) == 11
    assert section_headings("# T\n\ns\n\n## History\n\n## Detail\n")[-1] == "Detail"
