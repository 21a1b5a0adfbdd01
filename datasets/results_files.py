"""The results writer: every results file of ``studies/results`` and ``speed/results`` in one provenance envelope.

A results file says how it was made in one place, the same way in every file: a top-level ``"provenance"`` table
(issue 66 item 5) with

- ``script``: the script or module that wrote it (a path under the repository, or ``python -m`` module name);
- ``command``: the command line, as it could be typed again;
- ``commit``: the repository's ``HEAD`` when it was written, ``+dirty`` when tracked files differed from it;
- ``machine``: :func:`vdosbench.datasets.machine.machine_info` (CPU, cores, load averages, memory, versions);
- ``created``: when it was written (UTC, ISO 8601);
- ``inputs``: the files it read, each with its path, size and sha256 (a folder: its path and file count).

:func:`write_results` adds the envelope to the result (a mapping; a ``"provenance"`` key of its own is refused
unless it is the envelope of a results file read back, so nothing else is overwritten) and writes it as strict JSON (:func:`vdosbench.datasets.json_files.dumps_strict`)
atomically (:func:`vdosbench.datasets.io.write_text`): never a half-written file under the final name.

Examples
--------
>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> (folder / "in.txt").write_text("1 2 3")
5
>>> path = write_results(folder / "out.json", {"s": 2.31, "low": float("nan")}, inputs=[folder / "in.txt"])
>>> doc = loads_strict(path.read_text())
>>> doc["s"], doc["low"], sorted(doc["provenance"])
(2.31, None, ['command', 'commit', 'created', 'inputs', 'machine', 'script'])
>>> doc["provenance"]["inputs"][0]["sha256"][:12], doc["provenance"]["inputs"][0]["bytes"]
('7c8f50592903', 5)
"""

from __future__ import annotations

import hashlib
import os
import shlex
import subprocess
import sys
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .errors import VdosbenchError
from .io import write_text
from .json_files import dumps_strict, loads_strict
from .machine import machine_info

__all__ = ["ENVELOPE", "PROVENANCE_KEY", "ResultsFileError", "has_envelope", "provenance_envelope", "write_results"]

#: The key of the envelope in a results file, and its fields.
PROVENANCE_KEY = "provenance"
ENVELOPE = ("script", "command", "commit", "machine", "created", "inputs")
#: The repository a results file is written in (its paths are recorded relative to it).
_ROOT = Path(__file__).resolve().parents[1]


class ResultsFileError(VdosbenchError, ValueError):
    """A result that cannot be written in the envelope (not a mapping, a ``provenance`` key of its own, an input
    that does not exist)."""


def _relative(path: Path, root: Path) -> str:
    path = path.resolve()
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _input(item: str | os.PathLike[str] | Mapping[str, Any], root: Path) -> dict[str, Any]:
    """One input as recorded: a file (path, bytes, sha256), a folder (path, files) or a table given as it is."""
    if isinstance(item, Mapping):
        return dict(item)
    path = Path(item)
    if path.is_file():
        return {"path": _relative(path, root), "bytes": path.stat().st_size, "sha256": _sha256(path)}
    if path.is_dir():
        return {"path": _relative(path, root), "files": sum(1 for p in path.rglob("*") if p.is_file())}
    raise ResultsFileError(
        f"input {str(path)!r} does not exist; expected the file or folder the result was computed "
        "from. Fix: pass the path it was read from, or a table describing it (e.g. {'name': ...})"
    )


def _commit(root: Path) -> str:
    """``HEAD`` of the repository at ``root`` (``+dirty`` when tracked files differ), or why it is unknown."""
    try:
        head = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=30, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError) as e:
        return f"unknown ({type(e).__name__})"
    return head + ("+dirty" if dirty else "")


def _script(argv: list[str], root: Path, module: str | None) -> tuple[str, str]:
    """(script, command) of a command line: ``python -m MODULE`` where it ran as a module."""
    if module:
        name = module.removesuffix(".__main__")
        return name, shlex.join(["python", "-m", name, *argv[1:]])
    script = _relative(Path(argv[0]), root) if argv and argv[0] not in ("", "-c") else (argv[0] if argv else "")
    return script, shlex.join(["python", script, *argv[1:]]) if script.endswith(".py") else shlex.join(argv)


def provenance_envelope(
    inputs: Iterable[str | os.PathLike[str] | Mapping[str, Any]] = (),
    *,
    argv: list[str] | None = None,
    root: str | os.PathLike[str] | None = None,
) -> dict[str, Any]:
    """The provenance of a results file written now by this process (module docstring).

    Parameters
    ----------
    inputs
        The files or folders the result was computed from (a file is recorded with its sha256), or tables
        describing inputs that are no files (e.g. ``{"catalogue": "soft-spheres-n1000", "sha256": ...}``).
    argv
        The command line of a script (default: this process's, ``sys.argv``, with ``python -m`` where it runs as
        a module).
    root
        The repository the paths are recorded relative to (default: this package's).

    Returns
    -------
    dict
        ``script``, ``command``, ``commit``, ``machine``, ``created``, ``inputs`` (:data:`ENVELOPE`).
    """
    base = Path(root).resolve() if root is not None else _ROOT
    spec = getattr(sys.modules.get("__main__"), "__spec__", None) if argv is None else None
    module = spec.name if spec is not None and spec.name != "__main__" else None
    script, command = _script(list(sys.argv if argv is None else argv), base, module)
    return {
        "script": script,
        "command": command,
        "commit": _commit(base),
        "machine": machine_info(),
        "created": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "inputs": [_input(item, base) for item in inputs],
    }


def write_results(
    path: str | os.PathLike[str],
    result: Mapping[str, Any],
    *,
    inputs: Iterable[str | os.PathLike[str] | Mapping[str, Any]] = (),
    indent: int | None = 1,
    **dumps: Any,
) -> Path:
    """Write ``result`` to ``path`` as strict JSON with its provenance envelope first (module docstring).

    Parameters
    ----------
    path
        The results file (written atomically).
    result
        The result's tables; a ``"provenance"`` key is refused unless it is an envelope (a results file read back
        and written again: it gets this write's envelope).
    inputs
        What it was computed from (:func:`provenance_envelope`).
    indent, **dumps
        Passed to :func:`~vdosbench.datasets.json_files.dumps_strict` (``sort_keys``, ``ensure_ascii``,
        ``default``).

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    ResultsFileError
        When ``result`` is not a mapping, has a ``"provenance"`` key that is no envelope, or an input does not
        exist.
    """
    if not isinstance(result, Mapping):
        raise ResultsFileError(
            f"a results file holds a table (a mapping); found {type(result).__name__}. Fix: "
            "wrap it, e.g. {'rows': [...]}"
        )
    earlier = result.get(PROVENANCE_KEY)
    if earlier is not None and not (isinstance(earlier, Mapping) and all(key in earlier for key in ENVELOPE)):
        raise ResultsFileError(
            f"the result has a {PROVENANCE_KEY!r} key of its own; expected the writer to add "
            f"the envelope. Fix: rename that key (e.g. 'run_{PROVENANCE_KEY}')"
        )
    # a results file read back and written again (a resumed study) gets the envelope of this write
    document = {PROVENANCE_KEY: provenance_envelope(inputs), **{k: v for k, v in result.items() if k != PROVENANCE_KEY}}
    return write_text(path, dumps_strict(document, indent=indent, **dumps) + "\n")


def has_envelope(text: str) -> bool:
    """Whether the JSON ``text`` is a results file with the whole envelope (every field of :data:`ENVELOPE`)."""
    doc = loads_strict(text)
    envelope = doc.get(PROVENANCE_KEY) if isinstance(doc, dict) else None
    return isinstance(envelope, dict) and all(key in envelope for key in ENVELOPE)
