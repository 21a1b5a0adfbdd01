"""Protocol notes: data a claim can be measured on that are not what the claim is about (issue 52 item 3).

The additive seed-001 mixture does not reach equilibrium at T_d under swap
Monte Carlo (its energy still falls after 40 τ_α, the two-start test fails,
the particles sort by size), so its T_d sets describe a protocol, "aged 40 τ_α
at T_d", and not the equilibrium glasses of the T_d claims.  Such knowledge
about a kind of data lives in ``protocols.toml`` as a *note*: which datasets
(``applies_to``, matched as a claim's), which claims (``claims``), a short
``label`` and a ``statement`` with its numbers and their results files.  A
claim scored on matching data keeps its measurement and verdict, carries the
note (:attr:`vdosbench.benchmark.scoring.ClaimResult.protocol`), is reported
with the label and does not gate (:meth:`vdosbench.benchmark.ScoreCard.gating`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import xarray as xr

from vdosbench.datasets.toml_files import read_toml

from .claim_selection import _matches
from .claims import ClaimsFileError, _fail
from .declaration import system_value

__all__ = ["ProtocolNote", "default_protocols_path", "load_protocol_notes", "protocol_note"]

_NOTE_KEYS = {"id", "label", "applies_to", "claims", "statement", "evidence"}


@dataclass(frozen=True)
class ProtocolNote:
    """One note of ``protocols.toml`` (module docstring)."""

    id: str
    label: str
    applies_to: Mapping[str, Any]
    claims: tuple[str, ...]
    statement: str
    evidence: tuple[str, ...] = ()

    def matches(self, ds: xr.Dataset, points: Sequence[Mapping[str, Any]]) -> bool:
        """Whether the note describes ``ds`` as measured at ``points`` (each point's parameter values).

        A key the dataset holds as a coordinate must match at every point; any
        other key must be an attribute (or follow from one, as ``model`` from
        ``generator``) with a matching value.

        Examples
        --------
        >>> note = ProtocolNote("x", "aged", {"generator": "g", "parent_temperature": 0.144}, ("c",), "...")
        >>> ds = xr.Dataset(coords={"parent_temperature": [0.144]}, attrs={"generator": "g"})
        >>> note.matches(ds, [{"parent_temperature": 0.144}]), note.matches(ds, [{"parent_temperature": 0.18}])
        (True, False)
        """
        if not points:
            return False
        for key, wanted in self.applies_to.items():
            if key in ds.coords:
                if not all(key in p and _matches(p[key], wanted) for p in points):
                    return False
                continue
            known, value = system_value(ds, key)
            if not known or not _matches(value, wanted):
                return False
        return True

    def to_dict(self) -> dict[str, Any]:
        """The note as ``result.json`` carries it beside a verdict."""
        return {"id": self.id, "label": self.label, "statement": self.statement, "evidence": list(self.evidence)}


def default_protocols_path() -> Path:
    """The notes shipped with vdosbench."""
    return Path(str(resources.files("vdosbench.benchmark") / "protocols.toml"))


def _parse(raw: Mapping[str, Any], where: str) -> ProtocolNote:
    unknown = set(raw) - _NOTE_KEYS
    if unknown:
        raise _fail(where, f"unknown field(s) {sorted(unknown)}", f"use only {sorted(_NOTE_KEYS)}")
    missing = [k for k in ("id", "label", "applies_to", "claims", "statement") if k not in raw]
    if missing:
        raise _fail(
            where,
            f"missing field(s) {missing}",
            "give every [[note]] an id, label, applies_to, claims and statement (see vdosbench's protocols.toml)",
        )
    if not isinstance(raw["applies_to"], Mapping) or not raw["applies_to"]:
        raise _fail(where, f"applies_to is {raw['applies_to']!r}", "give a table of KEY = VALUE the data must hold")
    claims = raw["claims"]
    if not isinstance(claims, list) or not claims or not all(isinstance(c, str) for c in claims):
        raise _fail(where, f"claims is {claims!r}", "give a list of the claim ids the note qualifies")
    return ProtocolNote(
        str(raw["id"]),
        str(raw["label"]),
        dict(raw["applies_to"]),
        tuple(claims),
        str(raw["statement"]),
        tuple(str(e) for e in raw.get("evidence", [])),
    )


@cache
def _load(path: str) -> tuple[ProtocolNote, ...]:
    raw = read_toml(Path(path), ClaimsFileError, fix="check the syntax near that line; notes are [[note]] tables")
    notes = tuple(_parse(n, f"{path}, note #{i + 1}") for i, n in enumerate(raw.get("note", [])))
    ids = [n.id for n in notes]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise _fail(path, f"duplicate note ids {dupes}", "give every note a unique id")
    return notes


def load_protocol_notes(path: str | Path | None = None) -> tuple[ProtocolNote, ...]:
    """Read a protocol-notes file (default: the shipped ``protocols.toml``).

    Examples
    --------
    >>> [n.id for n in load_protocol_notes()]
    ['additive-td-aged']
    """
    return _load(str(Path(path) if path is not None else default_protocols_path()))


def protocol_note(
    claim_id: str, ds: xr.Dataset, points: Sequence[Mapping[str, Any]], notes: Sequence[ProtocolNote] | None = None
) -> ProtocolNote | None:
    """The note that qualifies claim ``claim_id`` measured on ``ds`` at ``points``, or ``None``."""
    for note in load_protocol_notes() if notes is None else notes:
        if claim_id in note.claims and note.matches(ds, points):
            return note
    return None
