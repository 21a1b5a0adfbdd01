"""The README and the documentation site: every code block runs, the site builds without warnings (issue 26).

Every fenced block of ``README.md`` and ``docs/**/*.md`` is executed in order,
page by page, in a fresh folder per page (so a block may use the files an
earlier block of its page wrote):

- ``bash`` blocks run in ``bash -euo pipefail`` with this Python's ``bin``
  folder first on ``PATH`` (``python`` and ``vdosbench`` are the ones under test);
- ``python`` blocks run in a fresh interpreter;
- ``toml`` blocks are parsed (and written to a file when marked ``write``);
- ``text`` blocks are output (generated listings, printed tables): the
  ``text`` info string is their explicit marker, and they are not run;
- ``{directive}`` fences (MyST's ``toctree``, ``eval-rst``) are Sphinx's, checked
  by the build.

A block with any other info string, or none, fails the test: nothing is
skipped by silence.  Comment lines directly before a fence adjust it::

    <!-- docs-test: replace: OLD => NEW -->    run the block with OLD replaced (OLD must occur; \\n in NEW: newline)
    <!-- docs-test: instead: COMMAND -->       run this shell command in its place (a long run's small version)
    <!-- docs-test: write: FILE -->            also write the block to FILE in the page's folder
    <!-- docs-test: not-run: REASON -->        not run, for the reason given (e.g. needs SLURM or root)

``replace`` and ``instead`` stand for a long command's small version; the page
says so next to the block.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PAGES = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]
PAGES = [p for p in PAGES if "_build" not in p.parts]
#: The README's length limit: a front door, not a lab notebook (issue 26 item 1; issue 54 item 8: 150).
README_MAX_LINES = 150
#: Seconds one block may run (the small versions take seconds to a minute).
BLOCK_TIMEOUT = 600

_FENCE = re.compile(r"^(`{3,})(.*)$")
_MARKER = re.compile(r"^<!-- docs-test: ([a-z-]+):?\s*(.*?)\s*-->$")
RUN_LANGUAGES = {"bash", "python", "toml"}
OUTPUT_LANGUAGE = "text"


@dataclass
class Block:
    """One fenced block of a page, with its ``docs-test`` markers."""

    page: Path
    line: int  # 1-based line of the opening fence
    language: str
    text: str
    markers: list[tuple[str, str]] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(REPO) if self.page.is_relative_to(REPO) else self.page}:{self.line}"

    def marker(self, kind: str) -> list[str]:
        return [arg for k, arg in self.markers if k == kind]


def parse_blocks(page: Path) -> list[Block]:
    """The fenced blocks of a Markdown page, with the ``<!-- docs-test: ... -->`` lines just above each.

    Raises
    ------
    ValueError
        For a fence that is never closed, or an unknown marker kind.
    """
    lines = page.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        ticks, info = m.group(1), m.group(2).strip()
        end = next((j for j in range(i + 1, len(lines)) if lines[j].strip() == ticks), None)
        if end is None:
            raise ValueError(f"{page}:{i + 1}: fence {ticks}{info} is never closed; expected a line {ticks}")
        markers = []
        k = i - 1
        while k >= 0 and (mm := _MARKER.match(lines[k].strip())):
            markers.insert(0, (mm.group(1), mm.group(2)))
            k -= 1
        for kind, _ in markers:
            if kind not in {"replace", "instead", "write", "not-run"}:
                raise ValueError(
                    f"{page}:{i + 1}: unknown marker 'docs-test: {kind}'; expected replace, instead, write or not-run"
                )
        blocks.append(
            Block(page, i + 1, info.split()[0] if info else "", "\n".join(lines[i + 1 : end]) + "\n", markers)
        )
        i = end + 1
    return blocks


def runnable_text(block: Block) -> str:
    """The block's text after its ``replace`` markers (each OLD must occur in the block)."""
    text = block.text
    for arg in block.marker("replace"):
        if " => " not in arg:
            raise ValueError(f"{block.where}: replace marker {arg!r}: expected 'OLD => NEW'")
        old, new = (part.replace("\\n", "\n") for part in arg.split(" => ", 1))
        if old not in text:
            raise ValueError(f"{block.where}: replace marker: {old!r} does not occur in the block; fix the marker")
        text = text.replace(old, new)
    return text


def _environment(folder: Path) -> dict[str, str]:
    """This Python's tools first on PATH, one BLAS thread, caches and configuration inside ``folder``."""
    env = dict(os.environ)
    # `dask` as the Python under test runs it (the one on PATH may belong to another interpreter,
    # whose workers could not import this vdosbench)
    shims = folder / ".bin"
    shims.mkdir(exist_ok=True)
    dask = shims / "dask"
    dask.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m dask "$@"\n')
    dask.chmod(0o755)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), str(shims), env.get("PATH", "")])
    env.update(
        {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS")}
    )
    env["VDOSBENCH_CACHE"] = str(folder / ".cache")  # fetch writes here, not to the user's cache
    env["XDG_CONFIG_HOME"] = str(folder / ".config")
    env.pop("VDOSBENCH_MIRROR", None)
    env["MPLBACKEND"] = "Agg"
    env["DOCS_TEST_REPO"] = str(REPO)  # for an 'instead' command that needs the checkout
    return env


def run_block(block: Block, folder: Path) -> str | None:
    """Run one block in ``folder``; returns why it was not run (output, directive, not-run), or None.

    Raises
    ------
    AssertionError
        When the block fails (its exit status, stdout and stderr are in the message), or is unmarked.
    """
    if block.language.startswith("{"):
        return "directive (built by Sphinx)"
    if block.language == OUTPUT_LANGUAGE:
        return "output"
    if reasons := block.marker("not-run"):
        assert all(reasons), f"{block.where}: a not-run marker needs its reason"
        return f"not run: {reasons[0]}"
    assert block.language in RUN_LANGUAGES, (
        f"{block.where}: a ```{block.language or ''} block is neither run nor marked; fence it as bash, python, toml "
        f"or {OUTPUT_LANGUAGE} (output), or mark it '<!-- docs-test: not-run: REASON -->'"
    )
    text = runnable_text(block)
    for name in block.marker("write"):
        (folder / name).write_text(text, encoding="utf-8")
    if block.language == "toml":
        tomllib.loads(text)
        return None
    instead = block.marker("instead")
    if instead:
        assert block.language == "bash", f"{block.where}: 'instead' replaces shell commands only"
        argv = ["bash", "-euo", "pipefail", "-c", "\n".join(instead)]
    elif block.language == "bash":
        argv = ["bash", "-euo", "pipefail", "-c", text]
    else:
        argv = [sys.executable, "-c", text]
    done = subprocess.run(
        argv, cwd=folder, env=_environment(folder), capture_output=True, text=True, timeout=BLOCK_TIMEOUT
    )
    assert done.returncode == 0, (
        f"{block.where}: the {block.language} block exited {done.returncode}\n--- ran:\n{argv[-1]}\n"
        f"--- stdout:\n{done.stdout[-4000:]}\n--- stderr:\n{done.stderr[-4000:]}"
    )
    return None


# ------------------------------------------------------------------------------
# the pages' blocks
# ------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(REPO)) for p in PAGES])
def test_every_code_block_of_the_page_runs(page: Path, tmp_path: Path) -> None:
    """Fails through ``run_block``, which raises on a block's non-zero exit status or unexpected output
    (``test_the_harness_fails_on_what_it_must_catch`` shows it does)."""
    for block in parse_blocks(page):
        run_block(block, tmp_path)


def test_every_block_is_run_or_explicitly_marked() -> None:
    """Cheap and first: an unmarked block fails here without running anything."""
    counts: dict[str, int] = {}
    for page in PAGES:
        for block in parse_blocks(page):
            runnable_text(block)  # every replace marker applies
            if block.language.startswith("{"):
                kind = "directive"
            elif block.language == OUTPUT_LANGUAGE:
                kind = "output"
            elif block.marker("not-run"):
                kind = "not-run"
            else:
                assert block.language in RUN_LANGUAGES, f"{block.where}: unmarked ```{block.language} block"
                kind = "run"
            counts[kind] = counts.get(kind, 0) + 1
    assert counts.get("run", 0) >= 10, counts  # the quickstarts and the pages' examples
    assert counts.get("not-run", 0) <= 5, (
        f"more blocks not run than the four that need SLURM or root and the test command CI runs: {counts}"
    )
    print(f"\ncode blocks: {counts}")


def test_the_harness_fails_on_what_it_must_catch(tmp_path: Path) -> None:
    """Pages built to fail: an unmarked block, a marker that does not apply, a failing command, a bad TOML."""
    page = tmp_path / "page.md"
    page.write_text("text\n\n```\nls\n```\n", encoding="utf-8")
    (block,) = parse_blocks(page)
    with pytest.raises(AssertionError, match="neither run nor marked"):
        run_block(block, tmp_path)
    page.write_text("<!-- docs-test: replace: absent => x -->\n```bash\necho hi\n```\n", encoding="utf-8")
    with pytest.raises(ValueError, match="does not occur in the block"):
        runnable_text(parse_blocks(page)[0])
    page.write_text("```bash\nfalse\necho never\n```\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="exited 1"):
        run_block(parse_blocks(page)[0], tmp_path)
    page.write_text("```python\nraise SystemExit('boom')\n```\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="boom"):
        run_block(parse_blocks(page)[0], tmp_path)
    page.write_text("```toml\nkey = \n```\n", encoding="utf-8")
    with pytest.raises(tomllib.TOMLDecodeError):
        run_block(parse_blocks(page)[0], tmp_path)
    page.write_text("<!-- docs-test: skip -->\n```bash\necho\n```\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown marker"):
        parse_blocks(page)
    page.write_text("```bash\necho\n", encoding="utf-8")
    with pytest.raises(ValueError, match="never closed"):
        parse_blocks(page)
    # what passes: a marked small version, a written file used by the next block, output
    page.write_text(
        "<!-- docs-test: instead: echo small > out.txt -->\n```bash\nsleep 3600\n```\n\n"
        "<!-- docs-test: write: a.toml -->\n```toml\nx = 1\n```\n\n"
        "```python\nimport tomllib; assert tomllib.load(open('a.toml', 'rb')) == {'x': 1}\n"
        "assert open('out.txt').read() == 'small\\n'\n```\n\n```text\nnot a command\n```\n",
        encoding="utf-8",
    )
    assert [run_block(b, tmp_path) for b in parse_blocks(page)] == [None, None, None, "output"]


# ------------------------------------------------------------------------------
# the README as the front door
# ------------------------------------------------------------------------------


def _readme() -> str:
    return (REPO / "README.md").read_text(encoding="utf-8")


def test_the_readme_is_a_short_front_door() -> None:
    lines = _readme().splitlines()
    assert len(lines) <= README_MAX_LINES, (
        f"README.md has {len(lines)} lines, expected at most {README_MAX_LINES}: move detail to docs/"
    )


def test_ci_runs_exactly_the_readme_two_commands() -> None:
    """``.ci/run`` holds the two commands of the README's "Two commands" (the main job on embedded defaults, and
    the tests) verbatim, each once; no other line of it runs pytest or vdosbench.  The order they run in (the
    tests first) and CI's status are measured by running the script (tests/packaging/test_ci_run.py)."""
    blocks = parse_blocks(REPO / "README.md")
    assert len([b for b in blocks if "python -m pytest" in b.text]) == 1, "expected one README block with the tests"
    lines = _readme().splitlines()
    start = lines.index("## Two commands") + 1
    end = next((k for k in range(start, len(lines)) if lines[k].startswith("## ")), len(lines))
    two = [b.text.strip() for b in blocks if start < b.line <= end]
    assert len(two) == 2 and all("\n" not in c for c in two), f"expected two one-line commands, found {two}"
    (tests,) = [c for c in two if "python -m pytest" in c]
    (main_job,) = [c for c in two if c != tests]
    assert "vdosbench demo" in main_job, main_job
    ci = [
        line.strip()
        for line in (REPO / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    for command in (tests, main_job):
        assert ci.count(command) == 1, f".ci/run does not call the README's command {command!r} once: {ci}"
    others = [line for line in ci if line not in (tests, main_job) and re.search(r"-m pytest|(^|&& )vdosbench ", line)]
    assert others == [], f".ci/run runs pytest or vdosbench outside the README's commands: {others}"


def test_the_readme_links_resolve() -> None:
    """Relative links of the README (the docs pages, figures) point at files that exist."""
    links = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", _readme())
    relative = [link for link in links if "://" not in link]
    assert relative, "the README links the documentation pages"
    missing = [link for link in relative if not (REPO / link).exists()]
    assert not missing, f"README links to missing files: {missing}"


def test_nothing_points_at_the_old_benchmarks_folder() -> None:
    """The measurement scripts moved to studies/ and speed/ (issue 26 item 4)."""
    assert not (REPO / "benchmarks").exists()
    tracked = subprocess.run(["git", "-C", str(REPO), "ls-files"], capture_output=True, text=True)
    if tracked.returncode != 0:
        pytest.skip("not a git checkout")
    old = "benchmarks" + "/"  # spelt so that this file does not match itself
    hits = []
    for name in tracked.stdout.splitlines():
        path = REPO / name
        if path.suffix in {".py", ".md", ".toml", ".json", ".log", ".txt", ".cfg", ""} and path.is_file():
            if old in path.read_text(encoding="utf-8", errors="replace"):
                hits.append(name)
    assert hits == [], f"files still pointing at the old folder {old}: {hits}"


# ------------------------------------------------------------------------------
# the site
# ------------------------------------------------------------------------------


@pytest.mark.slow
# myst-parser's use of Sphinx APIs deprecated for later versions: Python warnings, hidden by default in a
# sphinx-build process, not the build's warnings (which -W turns into a failure)
@pytest.mark.filterwarnings(
    "ignore::DeprecationWarning:myst_parser.*", "ignore::PendingDeprecationWarning:myst_parser.*"
)
def test_the_site_builds_without_warnings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``sphinx-build -W`` on a copy of docs/ (autodoc runs on the installed package).

    Sphinx runs in this process (``sphinx.cmd.build.build_main``, what ``python -m sphinx`` calls), so autodoc
    finds the modules this worker has already imported instead of importing them all again in a new
    interpreter; the warnings go to a file (``-w``) for the message.
    """
    from sphinx.cmd.build import build_main

    source = tmp_path / "docs"
    shutil.copytree(REPO / "docs", source, ignore=shutil.ignore_patterns("_build"))
    for name in ("VDOSBENCH_CACHE", "XDG_CONFIG_HOME", "MPLBACKEND"):
        monkeypatch.setenv(name, _environment(tmp_path)[name])
    warnings = tmp_path / "warnings.txt"
    start = time.perf_counter()
    status = build_main(
        ["-W", "--keep-going", "-q", "-w", str(warnings), "-b", "html", str(source), str(tmp_path / "html")]
    )
    assert status == 0, f"sphinx-build -W failed (exit {status}):\n{warnings.read_text()[-6000:]}"
    assert (tmp_path / "html" / "index.html").is_file()
    for page in (
        "findings/seed-000",
        "findings/seed-001",
        "findings/seed-002",
        "findings/seed-003",
        "findings/low-tstar",
        "findings/finite-size",
        "cli",
        "api/validators",
    ):
        assert (tmp_path / "html" / f"{page}.html").is_file(), page
    print(f"\nsphinx-build: {time.perf_counter() - start:.1f} s")
