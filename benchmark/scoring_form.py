"""The scoring form of a dataset: only the variables that scoring reads, found by scoring without them.

A catalogued ensemble holds more than the claims measure (pair distances,
spring constants, eigenvectors of models whose claims never look at them).
Its *scoring form* keeps what ``vdosbench score`` (every claim of the claims
file, with its registered alternatives) and ``vdosbench score --reference``
(:func:`vdosbench.benchmark.reference.compare_to_reference`, with the form as
the reference) read, at the precision they read it, so that scoring the form
gives the same verdicts and the same measured values, digit for digit, as
scoring the full set.

What is needed is derived from the claims and the validators, not from a hand
list, by scoring (:func:`scoring_signature`): the full set is scored once; a
variable a claim that applies to the data ``requires`` is kept (without it
the claim would not apply); every other data variable is a candidate.  All
candidates are left out at once and the set is scored again; when the
signature (verdicts, measurements, robustness, alternatives and the reference
comparison, as JSON) is unchanged, the form is that set.  ``eigenvalue`` is
always kept (the convention requires it and ``--reference`` compares it).  Otherwise each
candidate, largest first, is left out on its own (on top of those already
left out) and kept when the signature changes or the convention
(:func:`vdosbench.datasets.check`) needs it (``pair_count`` while a ``pair``
variable stays); those the convention kept only for each other are then
tried together (a pair variable and ``pair_count``).  The cost is two scorings of the set when the claims'
``requires`` name everything the validators read, and one more per candidate
otherwise.  Claims that do not apply to the data are compared by id and
verdict only: a claim that lacks a variable in the full set lacks it in the
form too, and naming one more missing variable changes no verdict.

Variables can be left out on purpose (``leave_out``, ``vdosbench compact
--scoring-form --leave-out``) where a form with them would be too large (the
eigenvectors and pair stresses of the N = 1000 glasses).  The form is then
found, by the same scoring, for the full set without them, and must score as
that set does; the claims they leave out (those that apply to the full set
and not without them) and the alternative estimators they leave out (those
whose result changes while the claim's own does not) are recorded in the
form's attributes (:data:`LEFT_OUT_ATTRIBUTE`, :data:`CLAIMS_LEFT_OUT_ATTRIBUTE`,
:data:`ALTERNATIVES_LEFT_OUT_ATTRIBUTE`): they need the full set.  Every other
claim and the ``--reference`` comparison must still score as on the full set;
a variable whose absence changes them cannot be left out (ValueError).

Structures (:data:`STRUCTURE_VARIABLES`: positions, diameters, species and
box) are kept whether or not a claim reads them, unless
``keep_structures=False``: with them a user can recompute the spectrum of the
same configurations with another code and compare eigenvalues on shared
configurations (``--reference``).

Precision: every kept variable keeps its stored dtype (eigenvalues and
positions float64, eigenvectors float32 in the catalogue's storage form,
:mod:`vdosbench.datasets.compact`), and the equality above is exact, unless
variables are named in ``float32`` (``vdosbench compact --scoring-form
--float32``): those are stored as float32 (7 significant digits), and the form
must then score as the full set exactly in every verdict, robustness label and
text, within :data:`FLOAT32_UNCERTAINTY_FRACTION` of its own uncertainty in
every measurement, and to :data:`FLOAT32_RTOL` relative in every other number
(:func:`signatures_close`), each side compared with itself by ``--reference``;
the form records it (:data:`FLOAT32_ATTRIBUTE`).  This is for a set too large
for the repository otherwise (``soft-spheres-n1600-levels-m2``: 1 800 spectra
of 4 800 levels).

Structures left out on purpose (``leave_out`` naming ``position``) change one
part of the ``--reference`` comparison: the eigenvalue agreement on shared
configurations, which needs positions on both sides.  That part, and only
that part, may change; the form declares it
(:data:`REFERENCE_LEFT_OUT_ATTRIBUTE`), and comparing eigenvalues on shared
configurations then needs the full set.
Eigenvectors are kept whole (every stored ``vector_mode``) when a claim reads
them: the plane-wave shell of :func:`vdosbench.validators.phonon_shell` is
weighted over every stored mode, so no stored mode can be left out without
changing its ω₀ and its captured fraction.

Examples
--------
>>> from vdosbench.datasets import mock_spectrum
>>> ds = mock_spectrum(n_site=12, vector_modes=[1, 2])
>>> form = scoring_form(ds)
>>> "eigenvalue" in form.dataset, "eigenvector" in form.dataset
(True, False)
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import xarray as xr

from vdosbench.datasets import check, open_dataset, write
from vdosbench.datasets.catalog import content_sha256, file_sha256
from vdosbench.datasets.errors import VdosbenchError

from .claim_selection import LEFT_OUT_ATTRIBUTE, inapplicability
from .claims import Claim, load_claims
from .reference import ReferenceSource, compare_to_reference
from .scoring import Verdict, evaluate_claim

__all__ = [
    "ALTERNATIVES_LEFT_OUT_ATTRIBUTE",
    "CLAIMS_LEFT_OUT_ATTRIBUTE",
    "FLOAT32_ATOL",
    "FLOAT32_ATTRIBUTE",
    "FLOAT32_RTOL",
    "FLOAT32_UNCERTAINTY_FRACTION",
    "FORM_ATTRIBUTE",
    "LEFT_OUT_ATTRIBUTE",
    "REFERENCE_LEFT_OUT_ATTRIBUTE",
    "STRUCTURE_VARIABLES",
    "ScoringForm",
    "ScoringFormMismatch",
    "scoring_form",
    "scoring_form_file",
    "scoring_signature",
    "signatures_close",
    "verify_scoring_form",
    "without_variables",
]

#: Variables kept as the structure of each sample (when present), whatever the claims read.
STRUCTURE_VARIABLES = ("position", "box_length", "diameter", "species")
#: Global attribute that marks a scoring form and lists what it left out.
FORM_ATTRIBUTE = "scoring_form"
#: Global attributes of a form that leaves variables out on purpose (JSON; absent when none is): the variables
#: (:data:`~vdosbench.benchmark.claim_selection.LEFT_OUT_ATTRIBUTE`), the ids of the claims they leave out, and
#: the labels of the alternative estimators they leave out by claim id.
CLAIMS_LEFT_OUT_ATTRIBUTE = "scoring_form_claims_left_out"
ALTERNATIVES_LEFT_OUT_ATTRIBUTE = "scoring_form_alternatives_left_out"
#: Global attribute (JSON list) of the parts of the ``--reference`` comparison that variables left out on purpose
#: leave out: only ``"eigenvalue_agreement"`` (the shared configurations, which need positions) can be.
REFERENCE_LEFT_OUT_ATTRIBUTE = "scoring_form_reference_left_out"
#: The part of a point's ``--reference`` comparison that leaving out structures may change (and nothing else).
_AGREEMENT = "eigenvalue_agreement"
#: Global attribute (JSON object) of a form storing variables as float32: ``variables``, ``rtol``, ``atol``.
FLOAT32_ATTRIBUTE = "scoring_form_float32"
#: Tolerance of a float32 form's measurements against the full set's: each measurement's value, interval ends
#: and uncertainty may move by at most this fraction of its own stated uncertainty (the storage's noise must be
#: negligible beside the statistics').  Float32 rounds each eigenvalue by 6e-8 relative; the spacing ratios of the
#: highest levels feel it most (a 64-particle glass: uncertainties move by 1.4e-5 relative, values by 3e-5 of
#: their uncertainty; studies/float32_form_precision.py).
FLOAT32_UNCERTAINTY_FRACTION = 0.01
#: Relative tolerance of every other number of a float32 form's signature (settings, windows, statistics).
FLOAT32_RTOL = 1e-5
#: Absolute tolerance beside :data:`FLOAT32_RTOL` for numbers that are zero on one side.
FLOAT32_ATOL = 1e-9
#: The float32 rule in words (summary, attributes, comments).
_FLOAT32_RULE = (f"scores as the full set: equal verdicts, measurements within {FLOAT32_UNCERTAINTY_FRACTION:g} of "
                 f"their uncertainty, other numbers to {FLOAT32_RTOL:g} relative")
#: The reference source every signature uses, so that only the data can change it.
_SOURCE = ReferenceSource("reference", Path("reference.nc"), "0" * 64, "file")


class ScoringFormMismatch(VdosbenchError, ValueError):
    """Scoring the scoring form does not give what scoring the full set gives (names the first difference)."""


@dataclass(frozen=True)
class ScoringForm:
    """A scoring form and how it was found.

    Attributes
    ----------
    dataset
        The form: the kept variables with their stored dtypes, every coordinate
        still used and every global attribute, plus :data:`FORM_ATTRIBUTE`.
    kept
        Data variables kept, each with why: ``"required by CLAIM"``, ``"structure"``,
        ``"read by scoring"`` (leaving it out changed the signature) or
        ``"needed by the convention"``.
    dropped
        Data variables left out because scoring does not read them.
    scorings
        How many times the set was scored to find the form.
    path
        The written and verified file (:func:`scoring_form_file`), else ``None``.
    left_out
        Data variables left out on purpose (``leave_out``).
    claims_left_out
        Ids of the claims that apply to the full set and not without ``left_out``: they need the full set.
    alternatives_left_out
        Labels of the alternative estimators that ``left_out`` leaves out, by claim id (the claim's own
        result is unchanged).
    reference_left_out
        Parts of the ``--reference`` comparison that ``left_out`` leaves out (``"eigenvalue_agreement"``).
    float32
        Variables stored as float32 (the form scores as the full set by :func:`signatures_close`).
    signatures
        What the search found scoring the full set gives (``"full"``) and, with ``left_out``, the full set
        without them (``"reduced"``), the full set being the ``--reference`` data of both: the check of the
        written file (:func:`verify_scoring_form`) reuses them instead of scoring those sets again.
    """

    dataset: xr.Dataset
    kept: dict[str, str]
    dropped: tuple[str, ...]
    scorings: int = field(default=0)
    path: Path | None = None
    left_out: tuple[str, ...] = ()
    claims_left_out: tuple[str, ...] = ()
    alternatives_left_out: dict[str, tuple[str, ...]] = field(default_factory=dict)
    reference_left_out: tuple[str, ...] = ()
    float32: tuple[str, ...] = ()
    signatures: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        """Lines for ``vdosbench compact --scoring-form``: what was kept and why, what was left out, the file."""
        lines = [f"kept     {name}: {why}" for name, why in self.kept.items()]
        lines.append(f"left out {', '.join(self.dropped) if self.dropped else '(nothing)'}")
        if self.left_out:
            lines.append(f"left out on purpose {', '.join(self.left_out)}; claims that need the full set (vdosbench "
                         f"build NAME): {_needs_full_set(self.claims_left_out, self.alternatives_left_out)}")
        if self.reference_left_out:
            lines.append(f"--reference parts that need the full set: {', '.join(self.reference_left_out)}")
        if self.float32:
            lines.append(f"stored as float32: {', '.join(self.float32)} ({_FLOAT32_RULE})")
        lines.append(f"({self.scorings} scorings to find the form)")
        if self.path is not None:
            lines.append(f"{self.path}: {self.path.stat().st_size} bytes, sha256 {file_sha256(self.path)} "
                         "(scores as the full set: verified)")
        return "\n".join(lines)


def _claims(claims: Sequence[Claim] | None) -> list[Claim]:
    return list(load_claims() if claims is None else claims)


def scoring_signature(
    ds: xr.Dataset, claims: Sequence[Claim] | None = None, *, submitted: xr.Dataset | None = None
) -> str:
    """What scoring ``ds`` gives, as canonical JSON: equal signatures mean equal verdicts and values.

    Parameters
    ----------
    ds
        The dataset scored, and the reference of the ``--reference`` comparison.
    claims
        Claims to evaluate (default: the shipped claims file).
    submitted
        The dataset compared with ``ds`` as the reference (default ``ds`` itself,
        so that shared configurations are compared too).

    Returns
    -------
    str
        JSON of every claim's result (:meth:`~vdosbench.benchmark.scoring.ClaimResult.to_dict`:
        verdict, points with their measurements, robustness and alternatives;
        claims that do not apply by id and verdict only) and of the reference
        comparison (:meth:`~vdosbench.benchmark.reference.ReferenceComparison.to_json_dict`).
    """
    cache: dict = {}
    results = []
    for claim in _claims(claims):
        result = evaluate_claim(claim, ds, "data", cache)
        if result.verdict is Verdict.NOT_APPLICABLE:
            results.append({"id": claim.id, "verdict": result.verdict.value})
        else:
            results.append(result.to_dict())
    comparison = compare_to_reference([("data", submitted if submitted is not None else ds)], ds, _SOURCE)
    return json.dumps({"claims": results, "reference": comparison.to_json_dict()}, sort_keys=True, default=str)


def without_variables(ds: xr.Dataset, names: Sequence[str]) -> xr.Dataset:
    """``ds`` without the data variables ``names`` and without the coordinates no variable uses any more.

    What :func:`scoring_form` leaves of a set when it leaves ``names`` out, before any float32 storage: the
    full set's scoring without them (:func:`scoring_signature`) is the reference a form is compared with.

    Examples
    --------
    >>> ds = xr.Dataset({"eigenvalue": (("sample", "mode"), [[1.0, 2.0]]),
    ...                  "position": (("sample", "site"), [[0.0, 1.0]])}, coords={"site": [0, 1]})
    >>> sorted(without_variables(ds, ["position"]).variables)
    ['eigenvalue']
    """
    out = ds.drop_vars(list(names))
    used = {d for v in out.data_vars.values() for d in v.dims}
    unused = [str(c) for c, v in out.coords.items() if v.dims and not set(v.dims) <= used]
    return out.drop_vars(unused)


def _first_difference(a: str, b: str, first: str = "the full set") -> str:
    """Where two signatures first differ, as ``claim id: ... `` text."""
    sa, sb = json.loads(a), json.loads(b)
    for ra, rb in zip(sa["claims"], sb["claims"]):
        if ra != rb:
            return f"claim {ra['id']}: {ra.get('verdict')} in {first}, {rb.get('verdict')} in the form"
    if sa["reference"] != sb["reference"]:
        return "the --reference comparison differs"
    return "the number of claims differs"


def _needs_full_set(claims: Sequence[str], alternatives: dict[str, tuple[str, ...]]) -> str:
    """Claims and alternative estimators (``ID [label]``) left out, as text."""
    parts = [*claims, *(f"{cid} [{label}]" for cid, labels in alternatives.items() for label in labels)]
    return ", ".join(parts) or "none"


def _leave_out_names(ds: xr.Dataset, leave_out: str | Sequence[str]) -> tuple[str, ...]:
    """``leave_out`` as distinct names, each a data variable of ``ds`` other than ``eigenvalue``."""
    names = tuple(dict.fromkeys([leave_out] if isinstance(leave_out, str) else [str(n) for n in leave_out]))
    if "eigenvalue" in names:
        raise ValueError("leave_out names 'eigenvalue'; expected other data variables (VDOS-1.0 requires the "
                         "spectrum and --reference compares it); fix: drop eigenvalue from leave_out")
    unknown = [n for n in names if n not in ds.data_vars]
    if unknown:
        raise ValueError(f"leave_out names {unknown}, not data variables of the dataset; expected some of "
                         f"{sorted(str(n) for n in ds.data_vars if n != 'eigenvalue')}; fix: correct or drop them")
    return names


def _without_agreement(reference: dict) -> dict:
    """A ``--reference`` comparison (JSON dict) without the eigenvalue agreement of its points."""
    return {**reference, "points": [{k: v for k, v in p.items() if k != _AGREEMENT} for p in reference["points"]]}


def _left_out_parts(
    full: str, reduced: str, names: Sequence[str]
) -> tuple[tuple[str, ...], dict[str, tuple[str, ...]], tuple[str, ...]]:
    """The claims, the alternatives by claim id, and the ``--reference`` parts whose results differ.

    ``reduced`` is the signature of the full set without ``names``.  A claim is
    left out when it applies to the full set and not to the reduced one; an
    alternative when its result differs while the claim's own (verdict,
    points, measurements) does not, robustness then following from the
    alternatives; the ``--reference`` comparison's eigenvalue agreement on
    shared configurations when only it differs (positions left out).  Raises
    ValueError when anything else differs: the rest of the ``--reference``
    comparison, or the result of a claim that still applies.
    """
    sa, sb = json.loads(full), json.loads(reduced)
    left_out = f"leaving out {', '.join(names)}"
    reference_parts: tuple[str, ...] = ()
    if sa["reference"] != sb["reference"]:
        if _without_agreement(sa["reference"]) != _without_agreement(sb["reference"]):
            raise ValueError(f"{left_out} changes the --reference comparison (beyond the eigenvalue agreement on "
                             "shared configurations), which must score as on the full set; fix: keep them (drop "
                             "them from leave_out)")
        reference_parts = (_AGREEMENT,)
    claims: list[str] = []
    alternatives: dict[str, tuple[str, ...]] = {}
    na = Verdict.NOT_APPLICABLE.value
    for ra, rb in zip(sa["claims"], sb["claims"]):
        if ra == rb:
            continue
        if rb["verdict"] == na and ra["verdict"] != na:
            claims.append(ra["id"])
            continue
        own = [{k: v for k, v in r.items() if k not in ("alternatives", "robustness", "robustness_reason")}
               for r in (ra, rb)]
        theirs = {a["label"]: a for a in rb["alternatives"]}
        labels = tuple(a["label"] for a in ra["alternatives"] if theirs.get(a["label"]) != a)
        if own[0] != own[1] or not labels:
            raise ValueError(f"{left_out} changes the result of claim {ra['id']}, which still applies (it reads "
                             "them without requiring them); fix: keep them, or name them in the claim's requires")
        alternatives[ra["id"]] = labels
    return tuple(claims), alternatives, reference_parts


def _declared(
    form: xr.Dataset,
) -> tuple[tuple[str, ...], tuple[str, ...], dict[str, tuple[str, ...]], tuple[str, ...]]:
    """What ``form`` declares left out on purpose: variables, claims, alternatives by claim id, ``--reference``
    parts (all empty if none)."""
    keys = (LEFT_OUT_ATTRIBUTE, CLAIMS_LEFT_OUT_ATTRIBUTE, ALTERNATIVES_LEFT_OUT_ATTRIBUTE)
    if LEFT_OUT_ATTRIBUTE not in form.attrs:
        return (), (), {}, ()
    try:
        names, claims, alternatives = (json.loads(form.attrs.get(k, "null")) for k in keys)
        reference = json.loads(form.attrs.get(REFERENCE_LEFT_OUT_ATTRIBUTE, "[]"))
        return (tuple(names), tuple(claims), {str(k): tuple(v) for k, v in alternatives.items()},
                tuple(str(r) for r in reference))
    except (TypeError, ValueError, AttributeError) as e:
        raise ScoringFormMismatch(f"the form's attributes {', '.join(keys)} (and {REFERENCE_LEFT_OUT_ATTRIBUTE}) "
                                  f"are not JSON lists and an object ({e}); expected what vdosbench compact "
                                  "--scoring-form --leave-out writes; fix: remake the form") from e


def _float32_declared(form: xr.Dataset) -> tuple[str, ...]:
    """The variables ``form`` declares stored as float32 (:data:`FLOAT32_ATTRIBUTE`; empty if none)."""
    if FLOAT32_ATTRIBUTE not in form.attrs:
        return ()
    try:
        declared = json.loads(form.attrs[FLOAT32_ATTRIBUTE])
        names = tuple(str(n) for n in declared["variables"])
        tolerance = tuple(float(declared[k]) for k in ("uncertainty_fraction", "rtol", "atol"))
    except (TypeError, ValueError, KeyError, AttributeError) as e:
        raise ScoringFormMismatch(f"the form's attribute {FLOAT32_ATTRIBUTE} is not a JSON object with variables, "
                                  f"uncertainty_fraction, rtol and atol ({e!r}); expected what vdosbench compact "
                                  "--scoring-form --float32 writes; fix: remake the form") from e
    expected = (FLOAT32_UNCERTAINTY_FRACTION, FLOAT32_RTOL, FLOAT32_ATOL)
    if tolerance != expected:
        raise ScoringFormMismatch(f"the form declares float32 tolerances {tolerance}; expected {expected}, this "
                                  "version's; fix: remake the form")
    return names


def _measurement_close(a: dict, b: dict, fraction: float, where: str) -> str | None:
    """Where two measurements (JSON dicts with ``value``, ``uncertainty``, ``low``, ``high``) differ by more than
    ``fraction`` of the uncertainty in those four; None if nowhere (their other fields: :func:`_close`)."""
    scale = fraction * abs(a["uncertainty"])
    for key in ("value", "uncertainty", "low", "high"):
        x, y = a.get(key), b.get(key)
        if x == y:
            continue
        if x is None or y is None or not abs(x - y) <= scale:
            return (f"{where}/{key}: {x!r} and {y!r} (apart by more than {fraction:g} of the uncertainty "
                    f"{a['uncertainty']!r})")
    return None


def _close(a: object, b: object, rtol: float, atol: float, where: str = "") -> str | None:
    """Where two JSON values first differ beyond the tolerance (numbers; measurements: a fraction of their
    uncertainty, :data:`FLOAT32_UNCERTAINTY_FRACTION`) or at all (the rest); None if nowhere."""
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return f"{where}: keys {sorted(a)} and {sorted(b)}"
        keys = list(a)
        if {"value", "uncertainty", "low", "high"} <= a.keys() and isinstance(a["uncertainty"], (int, float)) \
                and math.isfinite(a["uncertainty"]) and a["uncertainty"] > 0:
            found = _measurement_close(a, b, FLOAT32_UNCERTAINTY_FRACTION, where)
            if found is not None:
                return found
            keys = [k for k in keys if k not in ("value", "uncertainty", "low", "high")]
        return next((d for k in keys if (d := _close(a[k], b[k], rtol, atol, f"{where}/{k}")) is not None), None)
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{where}: {len(a)} and {len(b)} entries"
        return next((d for i, (x, y) in enumerate(zip(a, b))
                     if (d := _close(x, y, rtol, atol, f"{where}/{i}")) is not None), None)
    numbers = (int, float)
    if isinstance(a, numbers) and isinstance(b, numbers) and not isinstance(a, bool) and not isinstance(b, bool):
        if a == b or (math.isnan(a) and math.isnan(b)) or abs(a - b) <= atol + rtol * max(abs(a), abs(b)):
            return None
        return f"{where}: {a!r} and {b!r}"
    return None if a == b else f"{where}: {a!r} and {b!r}"


def signatures_close(a: str, b: str, rtol: float = FLOAT32_RTOL, atol: float = FLOAT32_ATOL) -> str | None:
    """Where two signatures (:func:`scoring_signature`) differ: a measurement's value, interval or uncertainty
    by more than :data:`FLOAT32_UNCERTAINTY_FRACTION` of its uncertainty, another number beyond
    ``atol + rtol * max(|a|, |b|)``, or any verdict, label or text; None when they agree.

    Examples
    --------
    >>> m = '{{"value": {}, "uncertainty": 0.1, "low": 2.8, "high": 3.2}}'
    >>> signatures_close(m.format(3.0005), m.format(3.0))
    >>> signatures_close(m.format(3.002), m.format(3.0))
    '/value: 3.002 and 3.0 (apart by more than 0.01 of the uncertainty 0.1)'
    >>> signatures_close('{"n": 1.0000001, "verdict": "refuted"}', '{"n": 1.0, "verdict": "refuted"}')
    >>> signatures_close('{"verdict": "refuted"}', '{"verdict": "supported"}')
    "/verdict: 'refuted' and 'supported'"
    """
    return _close(json.loads(a), json.loads(b), rtol, atol)


def _kept_by_claims(ds: xr.Dataset, claims: Sequence[Claim], keep_structures: bool) -> dict[str, str]:
    """The variables kept before any trial, with why: the spectrum, what applicable claims require, structures."""
    # the spectrum: the convention requires it and --reference compares it on every dataset
    kept: dict[str, str] = {"eigenvalue": "the spectrum (required by VDOS-1.0, compared by --reference)"}
    for claim in claims:
        if inapplicability(claim, ds) is None:
            for name in claim.requires:
                if name in ds.data_vars and name not in kept:
                    kept[name] = f"required by {claim.id}"
    if keep_structures:
        kept.update({n: "structure" for n in STRUCTURE_VARIABLES if n in ds.data_vars and n not in kept})
    return kept


def _unread_variables(
    ds: xr.Dataset, claims: Sequence[Claim], full: xr.Dataset, reference: str, kept: dict[str, str]
) -> tuple[list[str], int]:
    """The variables scoring does not read (all at once, else one by one, then the convention's ties together),
    and the scorings that took; ``kept`` gains the rest with why."""
    scorings = 0
    candidates = sorted((str(n) for n in ds.data_vars if n not in kept), key=lambda n: -ds[n].nbytes)

    def same_without(names: Sequence[str]) -> bool | None:
        """True/False: the signature without ``names`` is/is not ``reference``; None: the convention refuses it."""
        nonlocal scorings
        trial = without_variables(ds, names)
        try:
            check(trial)
        except ValueError:
            return None
        scorings += 1
        return scoring_signature(trial, claims, submitted=full) == reference

    dropped: list[str] = []
    if candidates and same_without(candidates):
        dropped = list(candidates)
    else:
        for name in candidates:
            same = same_without([*dropped, name])
            if same:
                dropped.append(name)
            else:
                kept[name] = "read by scoring" if same is False else "needed by the convention"
        # variables the convention needs only for each other (pair_count while a pair variable stays, and that
        # pair variable): refused one at a time, tried together
        tied = [n for n in candidates if kept.get(n) == "needed by the convention"]
        if len(tied) > 1 and same_without([*dropped, *tied]):
            dropped.extend(tied)
    return dropped, scorings


def _store_float32(form: xr.Dataset, coarse: tuple[str, ...]) -> None:
    """Store the ``coarse`` float64 variables of ``form`` as float32 (raise for any other name)."""
    wrong = [n for n in coarse if n not in form.data_vars or form[n].dtype != "float64"]
    if wrong:
        raise ValueError(f"float32 names {wrong}; expected float64 data variables the form keeps, among "
                         f"{sorted(str(n) for n in form.data_vars if form[n].dtype == 'float64')}; fix: drop them "
                         "from float32")
    for name in coarse:
        encoding = {k: v for k, v in form[name].encoding.items() if k != "dtype"}
        form[name] = form[name].astype("float32")
        form[name].encoding = encoding
        form[name].attrs["comment"] = f"stored as float32 in the scoring form ({_FLOAT32_RULE})"


def _record_form(
    form: xr.Dataset,
    full: xr.Dataset,
    dropped: list[str],
    left_out: tuple[str, ...],
    claims_left_out: tuple[str, ...],
    alternatives_left_out: dict[str, tuple[str, ...]],
    reference_left_out: tuple[str, ...],
    coarse: tuple[str, ...],
) -> None:
    """The form's attributes: what was left out (and on purpose), what needs the full set, float32, the full hash."""
    form.attrs[FORM_ATTRIBUTE] = (
        "the variables vdosbench score and --reference read (vdosbench.benchmark.scoring_form); left out: "
        + (", ".join(dropped) if dropped else "nothing")
        + (f"; left out on purpose: {', '.join(left_out)}; claims that need the full set (vdosbench build NAME): "
           f"{_needs_full_set(claims_left_out, alternatives_left_out)}" if left_out else "")
        + (f"; --reference parts that need the full set: {', '.join(reference_left_out)}" if reference_left_out
           else "")
        + (f"; stored as float32: {', '.join(coarse)} ({_FLOAT32_RULE})" if coarse else "")
        + f"; full set content_sha256 {content_sha256(full)}"
    )
    if left_out:
        form.attrs[LEFT_OUT_ATTRIBUTE] = json.dumps(left_out)
        form.attrs[CLAIMS_LEFT_OUT_ATTRIBUTE] = json.dumps(claims_left_out)
        form.attrs[ALTERNATIVES_LEFT_OUT_ATTRIBUTE] = json.dumps(alternatives_left_out)
    if reference_left_out:
        form.attrs[REFERENCE_LEFT_OUT_ATTRIBUTE] = json.dumps(reference_left_out)
    if coarse:
        form.attrs[FLOAT32_ATTRIBUTE] = json.dumps({"variables": coarse, "uncertainty_fraction":
                                                    FLOAT32_UNCERTAINTY_FRACTION, "rtol": FLOAT32_RTOL,
                                                    "atol": FLOAT32_ATOL})


def scoring_form(
    ds: xr.Dataset,
    claims: Sequence[Claim] | None = None,
    *,
    keep_structures: bool = True,
    leave_out: str | Sequence[str] = (),
    float32: str | Sequence[str] = (),
) -> ScoringForm:
    """The scoring form of ``ds`` (module docstring): only what scoring reads, verified by scoring.

    Parameters
    ----------
    ds
        A VDOS-1.0 dataset in memory (``open_dataset(path).load()``).
    claims
        Claims the form must score like the full set (default: the shipped claims file).
    keep_structures
        Keep :data:`STRUCTURE_VARIABLES` even when no claim reads them.
    leave_out
        Data variables to leave out on purpose (module docstring); not ``eigenvalue``.
    float32
        Kept float64 data variables to store as float32 (module docstring, Precision).

    Returns
    -------
    ScoringForm
        The form (its signature equals the full set's by construction, but for the claims,
        alternatives and ``--reference`` parts ``leave_out`` leaves out, and by :func:`signatures_close`
        with ``float32``) and what was kept and why.

    Raises
    ------
    ValueError
        A ``leave_out`` name is not a data variable of ``ds`` or is ``eigenvalue``; the set without
        them breaks the convention; leaving them out changes the ``--reference`` comparison (beyond
        the eigenvalue agreement) or a claim that still applies; or a ``float32`` name is not a
        float64 variable the form keeps.
    """
    claims = _claims(claims)
    full, left_out = ds, _leave_out_names(ds, leave_out)
    coarse = tuple(dict.fromkeys([float32] if isinstance(float32, str) else [str(n) for n in float32]))
    if left_out:  # the set the form must score as: the full set without them
        ds = without_variables(full, left_out)
        try:
            check(ds)
        except ValueError as e:
            raise ValueError(f"the set without {', '.join(left_out)} breaks the convention: {e}; fix: leave out "
                             "what it names too (e.g. every pair variable with pair_count) or keep them") from e
    reference, scorings = scoring_signature(full, claims, submitted=full), 1 + bool(left_out)
    claims_left_out: tuple[str, ...] = ()
    alternatives_left_out: dict[str, tuple[str, ...]] = {}
    reference_left_out: tuple[str, ...] = ()
    if left_out:
        full_signature, reference = reference, scoring_signature(ds, claims, submitted=full)
        claims_left_out, alternatives_left_out, reference_left_out = _left_out_parts(
            full_signature, reference, left_out)
    kept = _kept_by_claims(ds, claims, keep_structures)
    dropped, trials = _unread_variables(ds, claims, full, reference, kept)
    scorings += trials
    form = without_variables(ds, dropped)
    kept = {n: kept[n] for n in form.data_vars if n in kept}
    _store_float32(form, coarse)
    _record_form(form, full, dropped, left_out, claims_left_out, alternatives_left_out, reference_left_out, coarse)
    signatures = {"full": full_signature, "reduced": reference} if left_out else {"full": reference}
    return ScoringForm(form, kept, tuple(dropped), scorings, None, left_out, claims_left_out, alternatives_left_out,
                       reference_left_out, coarse, signatures)


def verify_scoring_form(full: xr.Dataset, form: xr.Dataset, claims: Sequence[Claim] | None = None, *,
                        signatures: Mapping[str, str] | None = None) -> None:
    """Raise :class:`ScoringFormMismatch` unless scoring ``form`` gives what scoring ``full`` gives.

    Both are scored by every claim and used as the reference of ``full``
    (:func:`scoring_signature`).  A form that declares variables left out on
    purpose (:data:`LEFT_OUT_ATTRIBUTE`) must score as ``full`` without them
    does, and leaving them out of ``full`` must leave out exactly the claims,
    alternatives and ``--reference`` parts the form declares
    (:data:`CLAIMS_LEFT_OUT_ATTRIBUTE`, :data:`ALTERNATIVES_LEFT_OUT_ATTRIBUTE`,
    :data:`REFERENCE_LEFT_OUT_ATTRIBUTE`), nothing else.  A form that stores
    variables as float32 (:data:`FLOAT32_ATTRIBUTE`) must hold them as float32
    and score as the full set to the float32 rule (:func:`signatures_close`),
    each side being its own ``--reference`` (the float32 and float64 spectra
    compared with each other would differ by construction).  ``signatures``
    (:attr:`ScoringForm.signatures`, from the search that made the form) stand
    for scoring ``full`` and ``full`` without the declared variables, which are
    then not scored again.
    """
    claims = _claims(claims)
    known = signatures or {}
    coarse = _float32_declared(form)
    fix = "fix: remake the form (vdosbench compact --scoring-form)"
    wrong = [n for n in coarse if n not in form.data_vars or form[n].dtype != "float32"]
    if wrong:
        raise ScoringFormMismatch(f"the form declares {list(coarse)} stored as float32; found {wrong} not float32 "
                                  f"variables of the form; {fix}")
    first, reduced, a = "the full set", full, None
    names, *declared = _declared(form)
    if names:
        wrong = [n for n in names if n not in full.data_vars or n in form.data_vars]
        if wrong:
            raise ScoringFormMismatch(f"the form declares {list(names)} left out; expected data variables of the "
                                      f"full set absent from the form, found {wrong} among them; {fix}")
        reduced = without_variables(full, names)
        full_signature = known.get("full") or scoring_signature(full, claims, submitted=full)
        a = known.get("reduced") or scoring_signature(reduced, claims, submitted=full)
        try:
            found = _left_out_parts(full_signature, a, names)
        except ValueError as e:
            raise ScoringFormMismatch(f"the form cannot leave out {', '.join(names)}: {e}") from e
        if list(found) != declared:
            raise ScoringFormMismatch(
                f"the form declares claims {list(declared[0])}, alternatives {declared[1]} and --reference parts "
                f"{list(declared[2])} left out with {', '.join(names)}; leaving them out of the full set leaves out "
                f"claims {list(found[0])}, alternatives {found[1]} and --reference parts {list(found[2])}; "
                f"expected the same; {fix}")
        first = f"the full set without {', '.join(names)}"
    if coarse:
        a = scoring_signature(reduced, claims)
        difference = signatures_close(a, scoring_signature(form, claims))
        if difference is not None:
            raise ScoringFormMismatch(
                f"scoring the scoring form (float32 {', '.join(coarse)}) differs from scoring {first} at "
                f"{difference}; expected equal verdicts and texts, measurements within "
                f"{FLOAT32_UNCERTAINTY_FRACTION:g} of their uncertainty, other numbers to {FLOAT32_RTOL:g}; "
                "fix: store them as float64 (drop them from --float32)")
        return
    if a is None:
        a = known.get("full") or scoring_signature(full, claims, submitted=full)
    b = scoring_signature(form, claims, submitted=full)
    if a != b:
        raise ScoringFormMismatch(
            f"scoring the scoring form differs from scoring {first}: {_first_difference(a, b, first)}. "
            "Expected equal verdicts and values; fix: keep the variable the claim reads "
            "(vdosbench compact --scoring-form derives them by scoring)"
        )


def scoring_form_file(
    source: str | os.PathLike[str],
    target: str | os.PathLike[str],
    claims: Sequence[Claim] | None = None,
    *,
    keep_structures: bool = True,
    leave_out: str | Sequence[str] = (),
    float32: str | Sequence[str] = (),
) -> ScoringForm:
    """Write the scoring form of the netCDF file ``source`` to ``target`` (atomically), read back and verified.

    Parameters
    ----------
    source
        A VDOS-1.0 file (e.g. a built ``ensemble.nc``, in the catalogue's storage form).
    target
        The file to write; not ``source``.
    claims, keep_structures, leave_out, float32
        As :func:`scoring_form`.

    Raises
    ------
    ValueError
        ``target`` is ``source``, or ``leave_out`` cannot be left out (:func:`scoring_form`).
    ScoringFormMismatch
        The written file does not score as the full set (the file is removed).
    """
    source, target = Path(source), Path(target)
    if source.resolve() == target.resolve():
        raise ValueError(f"scoring form: target {target} is the source; expected another file name")
    with open_dataset(source) as opened:
        full = opened.load()
    form = scoring_form(full, claims, keep_structures=keep_structures, leave_out=leave_out, float32=float32)
    write(form.dataset, target)
    try:
        with open_dataset(target) as written:
            verify_scoring_form(full, written.load(), claims, signatures=form.signatures)
    except ScoringFormMismatch:
        target.unlink(missing_ok=True)
        raise
    # the check scores the written form, and with float32 the full set (or the reduced one) as its own reference
    return replace(form, scorings=form.scorings + 1 + bool(form.float32), path=target)
