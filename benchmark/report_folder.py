"""A report folder holds the user's files too: vdosbench replaces and deletes only what it wrote (its manifest).

``vdosbench score --output DIR`` (and :func:`~vdosbench.benchmark.report.write_report`) writes ``report.md``,
``report.html``, ``result.json``, ``reference.*`` and ``figures/*.png`` into a folder that may be a paper's or a
project's.  Fault G6 of 2026-11-28: an existing ``DIR/figures/`` was replaced as a whole, and every file in it
lost.  So each report writes a manifest, :data:`MANIFEST_NAME`, in the folder: the relative paths of the files
it wrote (and ``figures`` when it created that folder).  A later report

* deletes, before scoring, only the files its manifest lists (:func:`remove_previous_report`), so a failed
  run leaves no old report looking current;
* refuses to write over a file of the same name that the manifest does not list (:class:`ReportFolderError`,
  exit 2: what was found, the fix), before scoring for the top-level names (:data:`REPORT_FILES`), before
  moving anything for the figures;
* moves its files in one at a time (each an atomic rename, ``result.json`` last), leaving every other file of
  the folder, and of ``figures/``, as it was (:func:`move_report_into_place`).

The manifest is written before the moves and lists old and new files until they are done, so a run killed
half-way leaves nothing of its own that the next run would not delete.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from vdosbench.datasets.errors import VdosbenchError
from vdosbench.datasets.io import write_text

from vdosbench import __version__

__all__ = [
    "MANIFEST_NAME",
    "REPORT_FILES",
    "ReportFolderError",
    "move_report_into_place",
    "read_manifest",
    "remove_previous_report",
]

#: The manifest of the files a report wrote, in the report folder.
MANIFEST_NAME = ".vdosbench-report.json"
#: The top-level files a report may write (``figures/`` holds its figures).
REPORT_FILES = ("report.md", "report.html", "result.json", "reference.md", "reference.json")
#: The folder of a report's figures.
FIGURES = "figures"
#: The order in which files are moved into place: figures first, ``result.json`` (what a CI gate reads) last.
_MOVE_ORDER = ("report.html", "reference.json", "reference.md", "report.md", "result.json")


class ReportFolderError(VdosbenchError):
    """The report folder holds a file of a report's name that vdosbench did not write (exit status 2)."""


def _member(folder: Path, relative: str) -> Path | None:
    """``folder / relative`` when ``relative`` names a file a report writes (a name, or ``figures/NAME``), else None.

    A manifest is a file in the user's folder: a listed path that climbs out (``..``), is absolute or is deeper
    than a report's is ignored, never deleted.
    """
    parts = PurePosixPath(relative).parts
    if not parts or PurePosixPath(relative).is_absolute() or any(p in ("", ".", "..") for p in parts):
        return None
    if len(parts) == 1 or (len(parts) == 2 and parts[0] == FIGURES):
        return folder.joinpath(*parts)
    return None


def read_manifest(folder: str | os.PathLike[str]) -> tuple[list[str], bool]:
    """The files the last report in ``folder`` wrote, and whether it created ``figures/``.

    A missing or unreadable manifest lists nothing (then no file is taken for ours).
    """
    path = Path(folder) / MANIFEST_NAME
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
        files = [f for f in content["files"] if isinstance(f, str) and _member(Path(folder), f) is not None]
        return files, bool(content.get("created_figures", False))
    except (OSError, ValueError, KeyError, TypeError):
        return [], False


def _write_manifest(folder: Path, files: Iterable[str], created_figures: bool) -> None:
    content = {
        "written_by": f"vdosbench {__version__}",
        "meaning": "the files of the last vdosbench report in this folder; the next report replaces only these",
        "files": sorted(set(files)),
        "created_figures": created_figures,
    }
    write_text(folder / MANIFEST_NAME, json.dumps(content, indent=2) + "\n")


def _foreign_error(folder: Path, found: list[str]) -> ReportFolderError:
    shown = ", ".join(found[:5]) + (f" and {len(found) - 5} more" if len(found) > 5 else "")
    return ReportFolderError(
        f"the report folder {folder} holds {shown}, which no vdosbench report wrote there (not listed in its "
        f"{MANIFEST_NAME}); expected a new folder or one a vdosbench report wrote, whose own files it replaces. "
        "Nothing was deleted. Fix: pass another --output folder, or move those files away"
    )


def remove_previous_report(folder: str | os.PathLike[str]) -> None:
    """Delete the files of the last report in ``folder`` (its manifest's), then refuse a foreign report name.

    Call it only while holding the folder (no other writer there).

    Raises
    ------
    ReportFolderError
        When a top-level file of a report's name (:data:`REPORT_FILES`), or a ``figures`` that is no folder,
        is left that the manifest did not list; nothing of the user's is deleted.
    """
    out = Path(folder)
    files, created_figures = read_manifest(out)
    for relative in files:
        path = _member(out, relative)
        if path is not None and (path.is_symlink() or path.is_file()):
            path.unlink(missing_ok=True)
    figures = out / FIGURES
    if created_figures and figures.is_dir() and not figures.is_symlink() and not any(figures.iterdir()):
        figures.rmdir()
    (out / MANIFEST_NAME).unlink(missing_ok=True)
    found = [name for name in REPORT_FILES if (out / name).exists() or (out / name).is_symlink()]
    if (figures.exists() and not figures.is_dir()) or figures.is_symlink():
        found.append(FIGURES)
    if found:
        raise _foreign_error(out, found)


def _staged_files(stage: Path) -> list[str]:
    """The relative paths of the files staged in ``stage``, figures first and ``result.json`` last."""
    names = []
    for entry in sorted(stage.iterdir()):
        if entry.is_dir():
            names += [f"{entry.name}/{f.name}" for f in sorted(entry.iterdir())]
        else:
            names.append(entry.name)
    return sorted(names, key=lambda n: (_MOVE_ORDER.index(n) + 1) if n in _MOVE_ORDER else 0)


def move_report_into_place(stage: str | os.PathLike[str], folder: str | os.PathLike[str]) -> list[str]:
    """Move the report written whole in ``stage`` into ``folder``, replacing only the files of its last report.

    Each file replaces its namesake by an atomic rename (``result.json`` last); the last report's files that
    this one does not write again are deleted; every other file of ``folder`` and of ``figures/`` stays.

    Returns
    -------
    list of str
        The relative paths written (the new manifest's).

    Raises
    ------
    ReportFolderError
        When a file of the same name (or a ``figures`` that is no folder) exists that the manifest does not
        list; nothing is moved then.
    """
    source, out = Path(stage), Path(folder)
    old, created_figures = read_manifest(out)
    new = _staged_files(source)
    figures = out / FIGURES
    foreign = [rel for rel in new if rel not in old and ((out / rel).exists() or (out / rel).is_symlink())]
    if any("/" in rel for rel in new) and ((figures.exists() and not figures.is_dir()) or figures.is_symlink()):
        foreign.append(FIGURES)
    if foreign:
        raise _foreign_error(out, foreign)
    if any("/" in rel for rel in new) and not figures.exists():
        figures.mkdir()
        created_figures = True
    _write_manifest(out, [*old, *new], created_figures)  # a run killed while moving leaves all of it listed
    for rel in new:
        os.replace(source / rel, out / rel)
    for rel in set(old) - set(new):  # the last report's files this one did not write again
        path = _member(out, rel)
        if path is not None and (path.is_symlink() or path.is_file()):
            path.unlink(missing_ok=True)
    _write_manifest(out, new, created_figures)
    return new
