"""The ensemble folder's manifest, ``ensemble.json``: written as strict JSON and read back (issue 64 item 4).

:func:`~.ensemble.run_ensemble` writes it when a folder is prepared and checks a resume against it; ``vdosbench
fingerprint`` reads the recipe back from it.  Split from :mod:`.ensemble` (which re-exports :func:`load_manifest`).
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from vdosbench.datasets.io import write_text
from vdosbench.datasets.json_files import INFINITY, MINUS_INFINITY, dumps_strict

__all__ = ["load_manifest", "manifest_text", "write_manifest"]


def _infinite(value: Any) -> Any:
    """``value`` with the strings ``"inf"`` / ``"-inf"`` (how strict JSON writes ±∞) as floats, in lists too."""
    if isinstance(value, list):
        return [_infinite(v) for v in value]
    if value == INFINITY:
        return math.inf
    if value == MINUS_INFINITY:
        return -math.inf
    return value


def load_manifest(path: str | os.PathLike[str]) -> dict[str, Any]:
    """An ``ensemble.json`` as :meth:`EnsembleSpec.manifest` gives it: parameter values ±∞ as floats.

    The manifest is written as strict JSON (:func:`vdosbench.datasets.json_files.dumps_strict`, issue 64 item
    4): a parameter value ±∞ (e.g. ``parent_temperature = inf``, the T∞ sets) as the string ``"inf"`` /
    ``"-inf"``, which this reads back as the float (no generator has a string parameter with these values).
    A manifest written before, with the non-JSON token ``Infinity``, is read as well.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "ensemble.json"
    >>> _ = path.write_text('{"grid": {"parent_temperature": ["inf", 0.5]}, "fixed": {"n": 8}}')
    >>> load_manifest(path)
    {'grid': {'parent_temperature': [inf, 0.5]}, 'fixed': {'n': 8}}
    """
    with open(path, encoding="utf-8") as fh:
        manifest = json.load(fh)
    for key in ("grid", "fixed"):
        if isinstance(manifest.get(key), Mapping):
            manifest[key] = {k: _infinite(v) for k, v in manifest[key].items()}
    return manifest


def manifest_text(data: Mapping[str, Any]) -> str:
    """The text of ``ensemble.json``: strict JSON (±∞ as ``"inf"`` / ``"-inf"``, never ``Infinity``)."""
    return dumps_strict(data, indent=2) + "\n"


def write_manifest(data: Mapping[str, Any], path: Path) -> None:
    """Write ``ensemble.json`` atomically (:func:`manifest_text`)."""
    write_text(path, manifest_text(data))
