"""Published claims as data: the claim, and loading ``claims.toml`` and the registrations.

Which data a claim applies to (its points, or why it does not apply) is :mod:`vdosbench.benchmark.claim_selection`.

A claim names its source (seed file and figure), what is measured (a
validator, a quantity and its settings) and what is expected (a value and a
tolerance, a bound, or a range).  Users can add their own claims file with
the same fields (``vdosbench score --claims FILE``).

A claim may register ``alternatives``: other reasonable estimators of the
same quantity (another estimator, window, bin count or radius), each with a
``label``, a ``basis`` (why a physicist would accept it) and a ``measure``
table.  That table either names a ``validator`` (a full measure table, used
as written) or overrides the primary's measure: ``quantity`` and any setting
the primary names, nothing else (an unknown key is an error, so a typo cannot
silently fall back to the primary's default).  The claim, its ``applies_to``,
``requires`` and ``expect`` stay the primary's: only the estimator changes
(:func:`alternative_claims`).

A claim kept registered after a better reading of the same physical statement
names that reading's id in ``superseded_by`` (e.g. the windows tied to ω₀,
superseded by those in ω/ω_g, issue 51); it is still scored, and the findings
show the current one.  A name that is no claim of the file is an error.

A *registration* (``benchmark/registrations/*.toml``: claims whose measure and verdict rule were fixed before
their data existed) is a claims file of the same schema with a ``[registration]`` header (``registered``, the
UTC time it was fixed, and the record's text: which data, unit, interval, verdict rule, ...) and dated
``[[amendment]]`` tables, applied in file order: each names its ``claim`` and its ``registered`` time and may
replace the claim's ``measure`` and add ``alternatives_added``.  A claim or an alternative may keep its words as
first registered in ``as_registered`` (read by no code), and the claim says which points it reads in ``reads``
and why its window in ``window_choice``.  A claim of the literature register (``benchmark/literature/*.toml``,
:mod:`vdosbench.benchmark.literature`) keeps the value as ``published`` (with whether it was checked against the
paper's text) and the ``system`` it applies to.  An alternative that reads other data of the study (other chains, the
sizes pooled) says so in ``select``: its study reads it; ``vdosbench score`` has no such data and skips it.

``claims.toml`` names a registered claim by reference, never by a second definition: ``[[claim]]`` with ``id``
and ``registration`` (the file's name under ``benchmark/registrations``), and optionally the ``alternatives`` a
score reports beside it and ``superseded_by``.  Where the registered primary reads data of its study that a scored
data set cannot hold (e.g. one unit for a whole protocol, from another set), the reference names in ``reading`` the
registered alternative a score reads instead (its label; one that selects other data cannot be named), and where the
registration states no ``applies_to`` (its words say which data, in ``reads``), the reference gives the scorer's
``applies_to`` and ``requires``.  :func:`load_claims` reads both kinds of file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from vdosbench.datasets.errors import VdosbenchError
from vdosbench.datasets.toml_files import read_toml

__all__ = [
    "Alternative",
    "Claim",
    "Registered",
    "Expectation",
    "ClaimsFileError",
    "alternative_claims",
    "load_claims",
    "read_registration",
    "default_claims_path",
    "registrations_dir",
    "with_bootstrap_replicates",
]

_EXPECT_KINDS = ("equal", "greater", "less", "within", "holds")
#: Fields of a claim kept as the record (read by no computation): which points it reads, why its window, its
#: measure in the words first registered, and for a published claim of the literature register
#: (``benchmark/literature``) the value as ``published`` and the ``system`` it was read on.
_RECORD_KEYS = {"reads", "window_choice", "as_registered", "published", "system"}
_CLAIM_KEYS = {
    "id",
    "source",
    "statement",
    "applies_to",
    "requires",
    "measure",
    "expect",
    "alternatives",
    "superseded_by",
} | _RECORD_KEYS
#: Fields of a reference in a claims file to a registered claim (module docstring).
_REFERENCE_KEYS = {"id", "registration", "alternatives", "superseded_by", "reading", "applies_to", "requires"}
_ALTERNATIVE_KEYS = {"label", "basis", "measure"}
_ALTERNATIVE_OPTIONAL = {"select", "as_registered"}
_AMENDMENT_KEYS = {"registered", "claim", "measure", "expect", "alternatives_added", "reads", "as_registered"}


class ClaimsFileError(VdosbenchError, ValueError):
    """A claims file that does not follow the documented fields."""


@dataclass(frozen=True)
class Expectation:
    """What a claim expects of a measured value.

    ``kind`` is ``"equal"`` (``value`` ± ``tolerance``), ``"greater"`` or
    ``"less"`` (than ``value``), ``"within"`` (``[low, high]``), or
    ``"holds"``: a test of consistency, not of a value's place — the measured
    interval holds ``value`` (supported) or excludes it (refuted), never
    inconclusive (e.g. the two-start test of equilibrium: the difference of two
    starts' late energies consistent with 0).  Its region is the one point
    ``[value, value]``; :func:`vdosbench.benchmark.scoring.judge` reads it.
    """

    kind: str
    value: float | None = None
    tolerance: float = 0.0
    low: float | None = None
    high: float | None = None
    basis: str = ""

    def region(self) -> tuple[float, float]:
        """The expected region as a closed interval (±inf for bounds)."""
        if self.kind == "equal":
            assert self.value is not None
            return (self.value - self.tolerance, self.value + self.tolerance)
        if self.kind == "greater":
            assert self.value is not None
            return (self.value, np.inf)
        if self.kind == "less":
            assert self.value is not None
            return (-np.inf, self.value)
        if self.kind == "holds":
            assert self.value is not None
            return (self.value, self.value)
        assert self.low is not None and self.high is not None
        return (self.low, self.high)

    def describe(self) -> str:
        """A short human-readable form, e.g. ``"= 0.5 ± 0.2"``."""
        if self.kind == "equal":
            return f"= {self.value:g} ± {self.tolerance:g}"
        if self.kind == "greater":
            return f"> {self.value:g}"
        if self.kind == "less":
            return f"< {self.value:g}"
        if self.kind == "holds":
            return f"interval holds {self.value:g}"
        return f"in [{self.low:g}, {self.high:g}]"


@dataclass(frozen=True)
class Claim:
    """One quantitative claim of a seed paper and how it is measured."""

    id: str
    source_file: str
    source_where: str
    statement: str
    applies_to: Mapping[str, Any]
    exclude: Mapping[str, Sequence[Any]]
    requires: tuple[str, ...]
    validator: str
    quantity: str
    settings: Mapping[str, Any]
    versus: Mapping[str, Any] | None
    expect: Expectation
    extra: Mapping[str, Any] = field(default_factory=dict)
    #: Other reasonable estimators of the same quantity (:class:`Alternative`), in file order.
    alternatives: tuple[Alternative, ...] = ()
    #: The id of the claim that now reads the same physical statement (a claim kept registered, scored, but no
    #: longer the current verdict: e.g. the windows tied to omega0, superseded by those in omega/omega_g).
    superseded_by: str | None = None
    #: Where and when the claim was registered (a claim of a registration file), else ``None``.
    registration: Registered | None = None

    @property
    def source(self) -> str:
        """``"file, where"``."""
        return f"{self.source_file}, {self.source_where}"

    def alternative(self, label: str) -> Alternative:
        """The alternative called ``label`` (``KeyError`` naming the labels there are)."""
        for alt in self.alternatives:
            if alt.label == label:
                return alt
        raise KeyError(f"claim {self.id} has no alternative {label!r}; it has {[a.label for a in self.alternatives]}")


@dataclass(frozen=True)
class Registered:
    """Where and when a claim was registered (a claim of a registration file).

    Attributes
    ----------
    file
        The registration file's name (e.g. ``"td-control.toml"``).
    registered
        When the registration was fixed (UTC, as its header writes it).
    amended
        The times of the amendments that touched the claim, in file order.
    """

    file: str
    registered: str
    amended: tuple[str, ...] = ()


@dataclass(frozen=True)
class Alternative:
    """A reasonable alternative estimator of a claim's quantity (``alternatives`` in claims.toml).

    Attributes
    ----------
    label
        Short name in reports, unique within the claim (e.g. ``"flatness"``).
    basis
        Why a physicist would call this estimator reasonable for the claim.
    validator, quantity, settings, versus
        The resolved measure: the primary's with the alternative's overrides
        applied, or the alternative's own full measure table.
    select
        Other data of the study that the alternative reads (e.g. ``{chains = "all"}``), in the registration's
        words; empty when it reads the primary's data.  ``vdosbench score`` skips an alternative that selects.
    """

    label: str
    basis: str
    validator: str
    quantity: str
    settings: Mapping[str, Any]
    versus: Mapping[str, Any] | None
    select: Mapping[str, Any] = field(default_factory=dict)


def alternative_claims(claim: Claim) -> list[tuple[Alternative, Claim]]:
    """Each alternative of ``claim`` with the claim measured by it (same id, data and expectation).

    The returned claims have no alternatives of their own, so scoring one
    is scoring the primary with another estimator: the same code path.

    Examples
    --------
    >>> claim = next(c for c in load_claims() if c.id == "schirmacher.high-parent-temperature-s2")
    >>> [(a.label, c.quantity) for a, c in alternative_claims(claim)][0]
    ('flatness', 'flatness')
    """
    return [
        (
            alt,
            replace(
                claim,
                validator=alt.validator,
                quantity=alt.quantity,
                settings=dict(alt.settings),
                versus=dict(alt.versus) if alt.versus else None,
                alternatives=(),
            ),
        )
        for alt in claim.alternatives
        if not alt.select  # one that selects other data is its study's
    ]


def with_bootstrap_replicates(claims: Sequence[Claim], n_bootstrap: int) -> list[Claim]:
    """``claims`` with ``n_bootstrap`` bootstrap replicates wherever a primary's or an alternative's settings
    name ``n_bootstrap`` (the same code paths at another cost: fewer replicates for a quick check, more for a
    stable interval end); settings that name none are unchanged.

    Examples
    --------
    >>> claims = with_bootstrap_replicates(load_claims(), 40)
    >>> sorted({c.settings["n_bootstrap"] for c in claims if "n_bootstrap" in c.settings})
    [40]
    """

    def changed(settings: Mapping[str, Any]) -> dict[str, Any]:
        return {**settings, "n_bootstrap": int(n_bootstrap)} if "n_bootstrap" in settings else dict(settings)

    return [
        replace(
            c,
            settings=changed(c.settings),
            alternatives=tuple(replace(a, settings=changed(a.settings)) for a in c.alternatives),
        )
        for c in claims
    ]


def default_claims_path() -> Path:
    """The claims file shipped with vdosbench."""
    return Path(str(resources.files("vdosbench.benchmark") / "claims.toml"))


def registrations_dir() -> Path:
    """The folder of the registration files shipped with vdosbench (``benchmark/registrations``)."""
    return Path(str(resources.files("vdosbench.benchmark") / "registrations"))


def _fail(where: str, found: str, fix: str) -> ClaimsFileError:
    return ClaimsFileError(f"{where}: {found}. Fix: {fix}")


def _parse_claim(raw: Mapping[str, Any], where: str) -> Claim:
    unknown = set(raw) - _CLAIM_KEYS
    if unknown:
        raise _fail(where, f"unknown field(s) {sorted(unknown)}", f"use only {sorted(_CLAIM_KEYS)}")
    for key in ("id", "source", "statement", "measure", "expect"):
        if key not in raw:
            raise _fail(where, f"missing field {key!r}", f"add {key} (see the header of claims.toml)")
    source = raw["source"]
    if not isinstance(source, Mapping) or "file" not in source:
        raise _fail(where, f"source is {source!r}", "write source = { file = '...', where = 'Fig. N' }")
    measure = dict(raw["measure"])
    if "validator" not in measure or "quantity" not in measure:
        raise _fail(where, "measure lacks validator or quantity", "write measure = { validator = ..., quantity = ... }")
    alternatives = _parse_alternatives(raw.get("alternatives", []), measure, where)
    applies = dict(raw.get("applies_to", {}))
    exclude = applies.pop("exclude", {})
    versus = measure.pop("versus", None)
    return Claim(
        id=str(raw["id"]),
        source_file=str(source["file"]),
        source_where=str(source.get("where", "")),
        statement=str(raw["statement"]),
        applies_to=applies,
        exclude={k: list(v) if isinstance(v, (list, tuple)) else [v] for k, v in dict(exclude).items()},
        requires=tuple(raw.get("requires", ("eigenvalue",))),
        validator=str(measure.pop("validator")),
        quantity=str(measure.pop("quantity")),
        settings=measure,
        versus=dict(versus) if versus else None,
        expect=_expectation(raw["expect"], where),
        alternatives=alternatives,
        superseded_by=None if raw.get("superseded_by") is None else str(raw["superseded_by"]),
        extra={k: raw[k] for k in sorted(_RECORD_KEYS & set(raw))},
    )


def _expectation(raw: Any, where: str) -> Expectation:
    """The ``expect`` table of a claim (or an amendment) at ``where``."""
    if not isinstance(raw, Mapping):
        raise _fail(where, f"expect is {raw!r}", "write expect = { kind = ..., value = ..., basis = ... }")
    expect = dict(raw)
    kind = expect.pop("kind", None)
    if kind not in _EXPECT_KINDS:
        raise _fail(where, f"expect.kind is {kind!r}", f"use one of {_EXPECT_KINDS}")
    if kind == "within" and not ("low" in expect and "high" in expect):
        raise _fail(where, "expect.kind 'within' needs low and high", "add low = ..., high = ...")
    if kind != "within" and "value" not in expect:
        raise _fail(where, f"expect.kind {kind!r} needs a value", "add value = ...")
    if kind == "equal" and "tolerance" not in expect:
        raise _fail(where, "expect.kind 'equal' needs a tolerance", "add tolerance = ... and say its basis")
    return Expectation(
        kind=kind,
        value=expect.get("value"),
        tolerance=float(expect.get("tolerance", 0.0)),
        low=expect.get("low"),
        high=expect.get("high"),
        basis=str(expect.get("basis", "")),
    )


def _parse_alternatives(raw: Any, primary: Mapping[str, Any], where: str) -> tuple[Alternative, ...]:
    """The ``alternatives`` of a claim whose primary measure table is ``primary`` (module docstring)."""
    example = (
        "alternatives = [ { label = 'flatness', basis = 'why it is reasonable', measure = { quantity = 'flatness' } } ]"
    )
    if not isinstance(raw, list):
        raise _fail(where, f"alternatives is {raw!r}", f"write a list of tables: {example}")
    out: list[Alternative] = []
    for k, alt in enumerate(raw):
        at = f"{where}, alternative #{k + 1}"
        if not isinstance(alt, Mapping):
            raise _fail(at, f"found {alt!r}", f"write a table: {example}")
        unknown = set(alt) - _ALTERNATIVE_KEYS - _ALTERNATIVE_OPTIONAL
        if unknown:
            raise _fail(
                at,
                f"unknown field(s) {sorted(unknown)}",
                f"use only {sorted(_ALTERNATIVE_KEYS | _ALTERNATIVE_OPTIONAL)}",
            )
        select = alt.get("select", {})
        if not isinstance(select, Mapping):
            raise _fail(
                at, f"select is {select!r}", "write the data it reads as a table, e.g. select = { chains = 'all' }"
            )
        missing = [key for key in sorted(_ALTERNATIVE_KEYS) if key not in alt and not (key == "measure" and select)]
        if missing:
            raise _fail(at, f"missing field(s) {missing}", f"add them: {example}")
        label, basis, measure = alt["label"], alt["basis"], alt.get("measure", {})
        if not isinstance(label, str) or not label.strip():
            raise _fail(at, f"label is {label!r}", "give a short non-empty name, e.g. label = 'flatness'")
        if label in {a.label for a in out} or label == "primary":
            raise _fail(at, f"label {label!r} is used twice (or is 'primary')", "give every alternative its own label")
        if not isinstance(basis, str) or not basis.strip():
            raise _fail(at, "basis is empty", "say why a physicist would call this estimator reasonable")
        if not isinstance(measure, Mapping) or not (measure or select):
            raise _fail(at, f"measure is {measure!r}", "write overrides of the primary's measure, or a full table")
        if "validator" in measure:
            table = dict(measure)
            if "quantity" not in table:
                raise _fail(at, "a full measure table (it names a validator) lacks quantity", "add quantity = ...")
        else:
            allowed = (set(primary) - {"validator"}) | {"quantity"}
            unknown = set(measure) - allowed
            if unknown:
                raise _fail(
                    at,
                    f"measure overrides unknown key(s) {sorted(unknown)}",
                    f"override only quantity or the primary's settings {sorted(allowed - {'quantity'})} "
                    "(name the setting in the primary's measure first), or give a full table with validator = ...",
                )
            table = {**primary, **measure}
            if table == dict(primary) and not select:
                raise _fail(
                    at,
                    "measure changes nothing of the primary's",
                    "change the estimator, window, bins or radius, or name the other data it reads in select",
                )
        versus = table.pop("versus", None)
        out.append(
            Alternative(
                label=label,
                basis=basis,
                validator=str(table.pop("validator")),
                quantity=str(table.pop("quantity")),
                settings=table,
                versus=dict(versus) if versus else None,
                select=dict(select),
            )
        )
    return tuple(out)


def load_claims(path: str | Path | None = None) -> list[Claim]:
    """Read a claims file or a registration (default: the shipped ``claims.toml``), amendments applied.

    A claims file's references to registered claims (``registration = NAME``) are read from the shipped
    registration ``NAME`` (module docstring).

    Examples
    --------
    >>> claims = load_claims()
    >>> "jiang.toy-two-new-poles" in {c.id for c in claims}
    True
    >>> claim = next(c for c in claims if c.id == "schirmacher.td-m2-s4-absolute")
    >>> claim.registration.file, claim.expect.describe()
    ('td-control.toml', '= 4 ± 0.5')
    """
    path = Path(path) if path is not None else default_claims_path()
    raw = _read(path)
    if "registration" in raw:
        claims = read_registration(path, raw)[1]
    else:
        entries = raw.get("claim")
        if not isinstance(entries, list) or not entries:
            raise _fail(
                str(path), "no [[claim]] tables", "add claims as [[claim]] tables (see vdosbench's claims.toml)"
            )
        if "registered" in raw:
            raise _old_registration(path)
        registrations: dict[str, dict[str, Claim]] = {}
        claims = [
            _reference(c, f"{path}, claim #{i + 1}", registrations)
            if "registration" in c
            else _parse_claim(c, f"{path}, claim #{i + 1}")
            for i, c in enumerate(entries)
        ]
    _check_ids(claims, path)
    return claims


def read_registration(path: str | Path, raw: Mapping[str, Any] | None = None) -> tuple[dict[str, Any], list[Claim]]:
    """A registration file's ``[registration]`` header and its claims, amendments applied in file order.

    Raises
    ------
    ClaimsFileError
        When the header lacks ``registered``, the file has fields outside ``registration``, ``claim`` and
        ``amendment`` (an old-format registration), or an amendment names no claim of the file or no time.
    """
    path = Path(path)
    raw = _read(path) if raw is None else raw
    header = raw.get("registration")
    if not isinstance(header, Mapping):
        raise (
            _old_registration(path)
            if "registered" in raw
            else _fail(
                str(path), "no [registration] table", "a registration starts with [registration] and registered = ..."
            )
        )
    if "registered" not in header:
        raise _fail(f"{path}, [registration]", "no 'registered' time", "a registration states when it was fixed (UTC)")
    unknown = set(raw) - {"registration", "claim", "amendment"}
    if unknown:
        raise _old_registration(path, sorted(unknown))
    entries = raw.get("claim")
    if not isinstance(entries, list) or not entries:
        raise _fail(str(path), "no [[claim]] tables", "add the registered claims as [[claim]] tables")
    registered = str(header["registered"])
    claims: dict[str, Claim] = {}
    primaries: dict[str, dict[str, Any]] = {}
    for i, entry in enumerate(entries):
        where = f"{path}, claim #{i + 1}"
        if "registration" in entry:
            raise _fail(where, "a reference to a registration", "define the claim here, in full")
        claim = _parse_claim(entry, where)
        if claim.id in claims:
            raise _fail(str(path), f"duplicate claim ids {[claim.id]}", "give every claim a unique id")
        claims[claim.id] = replace(claim, registration=Registered(path.name, registered))
        primaries[claim.id] = dict(entry["measure"])
    for i, amendment in enumerate(raw.get("amendment", [])):
        where = f"{path}, amendment #{i + 1}"
        claims[str(amendment.get("claim"))] = _amended(claims, primaries, amendment, where)
    return dict(header), list(claims.values())


def _amended(
    claims: Mapping[str, Claim], primaries: dict[str, dict[str, Any]], amendment: Mapping[str, Any], where: str
) -> Claim:
    """The claim an amendment names, amended: a new primary measure and expectation where it gives them, its
    ``alternatives_added`` appended (overrides read against the primary as amended)."""
    unknown = set(amendment) - _AMENDMENT_KEYS
    if unknown:
        raise _fail(where, f"unknown field(s) {sorted(unknown)}", f"use only {sorted(_AMENDMENT_KEYS)}")
    target = amendment.get("claim")
    if target not in claims:
        raise _fail(where, f"claim = {target!r}", f"name a registered claim: {sorted(claims)}")
    if "registered" not in amendment:
        raise _fail(where, "no 'registered' time", "an amendment states when it was fixed (UTC)")
    old = claims[target]
    changes: dict[str, Any] = {}
    if "measure" in amendment:
        measure = dict(amendment["measure"])
        if "validator" not in measure or "quantity" not in measure:
            raise _fail(
                where, "measure lacks validator or quantity", "write measure = { validator = ..., quantity = ... }"
            )
        primaries[target] = dict(measure)
        versus = measure.pop("versus", None)
        changes.update(
            validator=str(measure.pop("validator")),
            quantity=str(measure.pop("quantity")),
            settings=measure,
            versus=dict(versus) if versus else None,
        )
    if "expect" in amendment:
        changes["expect"] = _expectation(amendment["expect"], where)
    added = _parse_alternatives(amendment.get("alternatives_added", []), primaries[target], where)
    labels = [a.label for a in old.alternatives + added]
    if len(set(labels)) < len(labels):
        raise _fail(where, f"alternatives_added repeats a label of {labels}", "give every alternative its own label")
    assert old.registration is not None
    registration = replace(old.registration, amended=old.registration.amended + (str(amendment["registered"]),))
    return replace(old, alternatives=old.alternatives + added, registration=registration, **changes)


def _reference(raw: Mapping[str, Any], where: str, cache: dict[str, dict[str, Claim]]) -> Claim:
    """The registered claim a claims file names by reference (module docstring), with the reference's
    ``alternatives`` (read against the registered primary) and ``superseded_by``."""
    unknown = set(raw) - _REFERENCE_KEYS
    if unknown:
        raise _fail(
            where,
            f"a reference to registration {raw['registration']!r} has field(s) {sorted(unknown)}",
            f"a registered claim is defined in its registration only; a reference has {sorted(_REFERENCE_KEYS)}",
        )
    name = str(raw["registration"])
    if name not in cache:
        path = registrations_dir() / f"{name}.toml"
        if not path.is_file():
            there = sorted(p.stem for p in registrations_dir().glob("*.toml"))
            raise _fail(where, f"no registration {name!r}", f"name one of {there}")
        header, registered = read_registration(path)
        cache[name] = {c.id: c for c in registered}
    claim_id = str(raw.get("id"))
    if claim_id not in cache[name]:
        raise _fail(
            where, f"registration {name!r} registers no claim {claim_id!r}", f"name one of {sorted(cache[name])}"
        )
    claim = _scored_data(_scored_reading(cache[name][claim_id], raw.get("reading"), where), raw, where)
    primary = {
        "validator": claim.validator,
        "quantity": claim.quantity,
        **claim.settings,
        **({"versus": dict(claim.versus)} if claim.versus else {}),
    }
    return replace(
        claim,
        alternatives=_parse_alternatives(raw.get("alternatives", []), primary, where),
        superseded_by=None if raw.get("superseded_by") is None else str(raw["superseded_by"]),
    )


def _scored_reading(claim: Claim, label: Any, where: str) -> Claim:
    """``claim`` as a score reads it: its registered primary, or the registered alternative ``label`` as primary."""
    if label is None:
        return claim
    try:
        alt = claim.alternative(str(label))
    except KeyError as e:
        raise _fail(
            where,
            f"reading = {label!r}",
            f"name a registered alternative of {claim.id}: {[a.label for a in claim.alternatives if not a.select]}",
        ) from e
    if alt.select:
        raise _fail(
            where,
            f"reading = {label!r} selects other data of its study ({dict(alt.select)})",
            "name an alternative that reads the scored data set itself",
        )
    return replace(
        claim,
        validator=alt.validator,
        quantity=alt.quantity,
        settings=dict(alt.settings),
        versus=dict(alt.versus) if alt.versus else None,
    )


def _scored_data(claim: Claim, raw: Mapping[str, Any], where: str) -> Claim:
    """``claim`` with the reference's ``applies_to`` and ``requires``, allowed only where its registration states no
    ``applies_to`` (a registered claim's data are never redefined)."""
    if "applies_to" not in raw and "requires" not in raw:
        return claim
    if claim.applies_to or claim.exclude:
        raise _fail(
            where,
            f"applies_to or requires given for {claim.id}, whose registration states applies_to = "
            f"{dict(claim.applies_to)}",
            "drop them here: a registered claim's data are its registration's",
        )
    applies = dict(raw.get("applies_to", {}))
    exclude = applies.pop("exclude", {})
    return replace(
        claim,
        applies_to=applies,
        requires=tuple(raw.get("requires", claim.requires)),
        exclude={k: list(v) if isinstance(v, (list, tuple)) else [v] for k, v in dict(exclude).items()},
    )


def _read(path: Path) -> dict[str, Any]:
    try:
        return read_toml(
            path,
            ClaimsFileError,
            fix="check the syntax near that line; claims are [[claim]] tables "
            "of KEY = VALUE lines (see vdosbench's claims.toml)",
        )
    except (FileNotFoundError, IsADirectoryError):
        raise FileNotFoundError(f"no claims file at {path}; pass an existing TOML file to --claims") from None


def _old_registration(path: Path, fields: Sequence[str] = ("registered",)) -> ClaimsFileError:
    return _fail(
        str(path),
        f"top-level field(s) {list(fields)} (a registration in the format before issue 66)",
        "move the header's fields (registered, issue, data, unit, ..., and [estimators] as "
        "[registration.estimators]) under [registration]; write each measure as { validator, quantity, "
        "settings } and keep the old table as as_registered (docs/design.md, 'A claim')",
    )


def _check_ids(claims: Sequence[Claim], path: Path) -> None:
    ids = [c.id for c in claims]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise _fail(str(path), f"duplicate claim ids {dupes}", "give every claim a unique id")
    dangling = sorted(f"{c.id} -> {c.superseded_by}" for c in claims if c.superseded_by and c.superseded_by not in ids)
    if dangling:
        raise _fail(
            str(path),
            f"superseded_by names no claim of the file: {dangling}",
            "name the id of the claim that now reads the statement",
        )
