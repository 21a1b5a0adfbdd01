"""What the studies that read one registration each share: the verdicts of a result, and writing it.

A result of :mod:`studies.confirm_n8000` or :mod:`studies.td_control_long` holds ``claims``: claim id → a list of
readings (:func:`vdosbench.benchmark.scoring.judged_reading`), or → {point: list of readings} where a claim is read
at several points.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from vdosbench.datasets.json_files import dumps_strict
from vdosbench.datasets.io import write_text


def verdicts(result: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(claim id, reading, verdict) of every reading in a result, in order.

    Examples
    --------
    >>> verdicts({"claims": {"a": [{"reading": "primary", "verdict": "supported"}],
    ...                      "b": {"m = 2": [{"reading": "primary", "verdict": "refuted"}]}}})
    [('a', 'primary', 'supported'), ('b', 'primary', 'refuted')]
    """
    out = []
    for claim_id, readings in result.get("claims", {}).items():
        groups = readings.values() if isinstance(readings, Mapping) else [readings]
        out += [(claim_id, r["reading"], r["verdict"]) for group in groups for r in group]
    return out


def write_result(result: Mapping[str, Any], out: Path) -> None:
    """Write ``result`` as strict JSON (atomically) and print what was read: the incomplete data, or each verdict."""
    write_text(out, dumps_strict(result, indent=1) + "\n")
    if result.get("not_read"):
        print(f"not read (incomplete): {dict(result['not_read'])}")
    for claim_id, reading, verdict in verdicts(result):
        print(f"{claim_id:45s} {verdict:13s} {reading}")
    print(f"wrote {out}")
