"""docs/whats-new.md (issue 66 item 5): the page a user reads for deprecations, changed verdicts and new claims.

Kept from now on: every name the package deprecates (a ``DeprecationWarning`` whose message reads
"vdosbench.X is deprecated; use Y") is on the page with its replacement; the page has its three kinds of entry.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "whats-new.md"
PACKAGE = ("benchmark", "datasets", "generators", "validators", "vdosbench")
_DEPRECATED = re.compile(r"(vdosbench\.[\w.]+) is deprecated; use ([\w.]+)")


def deprecations() -> dict[str, str]:
    """Each deprecated name of the package's source with what its warning says to use instead."""
    found: dict[str, str] = {}
    for folder in PACKAGE:
        for path in (ROOT / folder).rglob("*.py"):
            text = " ".join(path.read_text(encoding="utf-8").split())  # a message split over lines reads as one
            found.update(dict(_DEPRECATED.findall(text.replace('" "', ""))))
    return found


def unlisted(page: str, names: dict[str, str]) -> list[str]:
    """The deprecations ``page`` does not list as a row naming the old name and its replacement."""
    rows = [line for line in page.splitlines() if line.startswith("|")]
    return sorted(
        old
        for old, new in names.items()
        if not any(f"`{old}`" in row and new.removeprefix("ds.") in row for row in rows)
    )


def test_every_deprecation_is_on_the_page_with_its_replacement() -> None:
    names = deprecations()
    assert len(names) >= 7 and names["vdosbench.validators.mode_total"] == "ds.vdos.mode_total"
    assert not unlisted(PAGE.read_text(encoding="utf-8"), names)


def test_a_page_without_a_deprecation_is_caught() -> None:
    """Built to fail: the page with one row taken out."""
    page = PAGE.read_text(encoding="utf-8")
    cut = "\n".join(line for line in page.splitlines() if "`vdosbench.validators.sample_groups`" not in line)
    assert unlisted(cut, deprecations()) == ["vdosbench.validators.sample_groups"]


def test_the_page_has_its_kinds_and_is_in_the_site() -> None:
    page = PAGE.read_text(encoding="utf-8")
    for heading in ("### Deprecations", "### Changed verdicts", "### New claims"):
        assert heading in page
    assert "whats-new" in (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
