"""Registered analyses: claims whose measure and verdict rule were fixed before their data existed.

A registration (``benchmark/registrations/*.toml``) names, for each claim, the estimator and its settings
(``measure``), the expected region (``expect``, read by :func:`vdosbench.benchmark.scoring.judge`) and the
alternatives reported beside the primary; dated amendments (``[[amendment]]``) may replace a claim's measure or
add alternatives, each with its own time.  This module reads such a file into :class:`Registration`, applies the
amendments in their order and refuses what it cannot read, naming what was expected, what was found and the fix.
The files hold decision rules only; what is measured on which data is the job of the pipeline that reads them
(e.g. ``studies/absolute_frequency.py confirm``).

Examples
--------
>>> reg = load_registration("absolute-frequency")
>>> reg.claim("schirmacher.high-tstar-s2-absolute").expect.describe()
'= 2 ± 0.5'
>>> reg.claim("lerner.deep-tail-s4-absolute").measure["band"]   # set by amendment 3 (amendment 1 had set another)
[0.0, 0.15]
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..datasets.toml_files import read_toml
from .claims import ClaimsFileError, Expectation

REGISTRATIONS = Path(__file__).resolve().parent / "registrations"


@dataclass(frozen=True)
class RegisteredClaim:
    """One registered claim, amendments applied.

    Attributes
    ----------
    id, statement, source
        What the claim says and where it comes from.
    measure
        The primary estimator and its settings (the last amendment's, where one replaced it).
    expect
        The expected region of the primary's measured value.
    alternatives
        ``(label, measure, basis)`` of every alternative, registered or added by an amendment.
    amended
        The times of the amendments that touched this claim.
    """

    id: str
    statement: str
    source: Mapping[str, Any]
    measure: Mapping[str, Any]
    expect: Expectation
    alternatives: tuple[tuple[str, Mapping[str, Any], str], ...] = ()
    amended: tuple[str, ...] = ()

    def alternative(self, label: str) -> Mapping[str, Any]:
        """The measure of the alternative called ``label`` (KeyError naming the labels there are)."""
        for name, measure, _ in self.alternatives:
            if name == label:
                return measure
        raise KeyError(f"claim {self.id} has no alternative {label!r}; it has {[a[0] for a in self.alternatives]}")


@dataclass(frozen=True)
class Registration:
    """A registration file read whole: its header fields and its claims, amendments applied."""

    path: Path
    registered: str
    header: Mapping[str, Any]
    claims: Mapping[str, RegisteredClaim] = field(default_factory=dict)

    def claim(self, claim_id: str) -> RegisteredClaim:
        """The claim ``claim_id`` (KeyError naming the registered ids)."""
        try:
            return self.claims[claim_id]
        except KeyError:
            raise KeyError(f"{self.path.name} registers no claim {claim_id!r}; it registers {sorted(self.claims)}") from None


def _fail(path: Path, where: str, found: str, fix: str) -> ClaimsFileError:
    return ClaimsFileError(f"{path}: {where}: found {found}; {fix}")


def _expectation(raw: Any, path: Path, where: str) -> Expectation:
    if not isinstance(raw, Mapping) or raw.get("kind") not in ("equal", "greater", "less", "within", "holds"):
        raise _fail(path, f"{where}.expect", repr(raw),
                    "expected a table with kind = 'equal' | 'greater' | 'less' | 'within' | 'holds' and its numbers")
    try:
        exp = Expectation(kind=str(raw["kind"]), value=raw.get("value"), tolerance=float(raw.get("tolerance", 0.0)),
                          low=raw.get("low"), high=raw.get("high"), basis=str(raw.get("basis", "")))
        lo, hi = exp.region()
    except (AssertionError, TypeError, ValueError) as exc:
        raise _fail(path, f"{where}.expect", repr(raw), f"give the numbers its kind needs ({exc or 'missing value'})")
    if math.isnan(lo) or math.isnan(hi) or lo > hi:
        raise _fail(path, f"{where}.expect", f"the region [{lo}, {hi}]", "expected a non-empty region")
    return exp


def _alternatives(raw: Any, path: Path, where: str) -> tuple[tuple[str, Mapping[str, Any], str], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(a, Mapping) and "label" in a and "measure" in a for a in raw):
        raise _fail(path, where, repr(raw)[:200], "expected a list of tables with label, measure and basis")
    return tuple((str(a["label"]), dict(a["measure"]), str(a.get("basis", ""))) for a in raw)


def load_registration(name: str | Path) -> Registration:
    """Read a registration: a name under ``benchmark/registrations`` (without ``.toml``) or a path.

    Raises
    ------
    FileNotFoundError
        When no such file exists (naming the registrations there are).
    ClaimsFileError
        When the file lacks ``registered`` or a claim lacks ``id``, ``measure`` or a readable ``expect``, or an
        amendment names a claim the file does not register.
    """
    path = Path(name)
    if path.suffix != ".toml":
        path = REGISTRATIONS / f"{name}.toml"
    if not path.is_file():
        there = sorted(p.stem for p in REGISTRATIONS.glob("*.toml"))
        raise FileNotFoundError(f"registration {name!s} not found at {path}; registered analyses: {there}")
    raw = read_toml(path, ClaimsFileError, fix="correct the TOML syntax of the registration")
    if "registered" not in raw:
        raise _fail(path, "header", "no 'registered' time", "a registration states when it was fixed (UTC)")
    claims: dict[str, RegisteredClaim] = {}
    for i, c in enumerate(raw.get("claim", [])):
        where = f"claim {i} ({c.get('id', 'no id')})"
        if not isinstance(c.get("id"), str) or not isinstance(c.get("measure"), Mapping):
            raise _fail(path, where, f"keys {sorted(c)}", "a claim needs id (text) and measure (a table)")
        claims[c["id"]] = RegisteredClaim(
            id=c["id"], statement=str(c.get("statement", "")), source=dict(c.get("source", {})),
            measure=dict(c["measure"]), expect=_expectation(c.get("expect"), path, where),
            alternatives=_alternatives(c.get("alternatives"), path, f"{where}.alternatives"))
    for i, a in enumerate(raw.get("amendment", [])):
        where = f"amendment {i + 1}"
        target = a.get("claim")
        if target not in claims:
            raise _fail(path, where, f"claim = {target!r}", f"name a registered claim: {sorted(claims)}")
        if "registered" not in a:
            raise _fail(path, where, "no 'registered' time", "an amendment states when it was fixed (UTC)")
        old = claims[target]
        claims[target] = RegisteredClaim(
            id=old.id, statement=old.statement, source=old.source,
            measure=dict(a["measure"]) if "measure" in a else old.measure,
            expect=_expectation(a["expect"], path, where) if "expect" in a else old.expect,
            alternatives=old.alternatives + _alternatives(a.get("alternatives_added"), path, f"{where}.alternatives_added"),
            amended=old.amended + (str(a["registered"]),))
    header = {k: v for k, v in raw.items() if k not in ("claim", "amendment")}
    return Registration(path=path, registered=str(raw["registered"]), header=header, claims=claims)
