"""Whether a scoring form scores as its full set: the signature of a scoring, and the check of a form by it.

:func:`scoring_signature` scores a dataset by every claim, and as the reference of the ``--reference``
comparison, and writes what it gives as canonical JSON: equal signatures mean equal verdicts and values.
:func:`verify_scoring_form` checks a form against its full set by them: exactly, or for a form that stores
variables as float32 to the float32 rule (:func:`signatures_close`: :data:`FLOAT32_UNCERTAINTY_FRACTION`,
:data:`FLOAT32_RTOL`, :data:`FLOAT32_ATOL`); and what a form declares left out on purpose (its attributes
:data:`~vdosbench.benchmark.claim_selection.LEFT_OUT_ATTRIBUTE`, :data:`CLAIMS_LEFT_OUT_ATTRIBUTE`,
:data:`ALTERNATIVES_LEFT_OUT_ATTRIBUTE`, :data:`REFERENCE_LEFT_OUT_ATTRIBUTE`, :data:`FLOAT32_ATTRIBUTE`) must be
what leaving those variables out of the full set leaves out.  How a form is found and written, and why:
:mod:`vdosbench.benchmark.scoring_form`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import xarray as xr

from vdosbench.datasets.errors import VdosbenchError

from .claim_selection import LEFT_OUT_ATTRIBUTE
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
    "REFERENCE_LEFT_OUT_ATTRIBUTE",
    "ScoringFormMismatch",
    "scoring_signature",
    "signatures_close",
    "verify_scoring_form",
    "without_variables",
]

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
#: The reference source every signature uses, so that only the data can change it.
_SOURCE = ReferenceSource("reference", Path("reference.nc"), "0" * 64, "file")


class ScoringFormMismatch(VdosbenchError, ValueError):
    """Scoring the scoring form does not give what scoring the full set gives (names the first difference)."""


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

    What :func:`~vdosbench.benchmark.scoring_form.scoring_form` leaves of a set when it leaves ``names`` out,
    before any float32 storage: the full set's scoring without them (:func:`scoring_signature`) is the reference
    a form is compared with.

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
            raise ValueError(
                f"{left_out} changes the --reference comparison (beyond the eigenvalue agreement on "
                "shared configurations), which must score as on the full set; fix: keep them (drop "
                "them from leave_out)"
            )
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
        own = [
            {k: v for k, v in r.items() if k not in ("alternatives", "robustness", "robustness_reason")}
            for r in (ra, rb)
        ]
        theirs = {a["label"]: a for a in rb["alternatives"]}
        labels = tuple(a["label"] for a in ra["alternatives"] if theirs.get(a["label"]) != a)
        if own[0] != own[1] or not labels:
            raise ValueError(
                f"{left_out} changes the result of claim {ra['id']}, which still applies (it reads "
                "them without requiring them); fix: keep them, or name them in the claim's requires"
            )
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
        return (
            tuple(names),
            tuple(claims),
            {str(k): tuple(v) for k, v in alternatives.items()},
            tuple(str(r) for r in reference),
        )
    except (TypeError, ValueError, AttributeError) as e:
        raise ScoringFormMismatch(
            f"the form's attributes {', '.join(keys)} (and {REFERENCE_LEFT_OUT_ATTRIBUTE}) "
            f"are not JSON lists and an object ({e}); expected what vdosbench compact "
            "--scoring-form --leave-out writes; fix: remake the form"
        ) from e


def _float32_declared(form: xr.Dataset) -> tuple[str, ...]:
    """The variables ``form`` declares stored as float32 (:data:`FLOAT32_ATTRIBUTE`; empty if none)."""
    if FLOAT32_ATTRIBUTE not in form.attrs:
        return ()
    try:
        declared = json.loads(form.attrs[FLOAT32_ATTRIBUTE])
        names = tuple(str(n) for n in declared["variables"])
        tolerance = tuple(float(declared[k]) for k in ("uncertainty_fraction", "rtol", "atol"))
    except (TypeError, ValueError, KeyError, AttributeError) as e:
        raise ScoringFormMismatch(
            f"the form's attribute {FLOAT32_ATTRIBUTE} is not a JSON object with variables, "
            f"uncertainty_fraction, rtol and atol ({e!r}); expected what vdosbench compact "
            "--scoring-form --float32 writes; fix: remake the form"
        ) from e
    expected = (FLOAT32_UNCERTAINTY_FRACTION, FLOAT32_RTOL, FLOAT32_ATOL)
    if tolerance != expected:
        raise ScoringFormMismatch(
            f"the form declares float32 tolerances {tolerance}; expected {expected}, this "
            "version's; fix: remake the form"
        )
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
            return (
                f"{where}/{key}: {x!r} and {y!r} (apart by more than {fraction:g} of the uncertainty "
                f"{a['uncertainty']!r})"
            )
    return None


def _close(a: object, b: object, rtol: float, atol: float, where: str = "") -> str | None:
    """Where two JSON values first differ beyond the tolerance (numbers; measurements: a fraction of their
    uncertainty, :data:`FLOAT32_UNCERTAINTY_FRACTION`) or at all (the rest); None if nowhere."""
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return f"{where}: keys {sorted(a)} and {sorted(b)}"
        keys = list(a)
        if (
            {"value", "uncertainty", "low", "high"} <= a.keys()
            and isinstance(a["uncertainty"], (int, float))
            and math.isfinite(a["uncertainty"])
            and a["uncertainty"] > 0
        ):
            found = _measurement_close(a, b, FLOAT32_UNCERTAINTY_FRACTION, where)
            if found is not None:
                return found
            keys = [k for k in keys if k not in ("value", "uncertainty", "low", "high")]
        return next((d for k in keys if (d := _close(a[k], b[k], rtol, atol, f"{where}/{k}")) is not None), None)
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{where}: {len(a)} and {len(b)} entries"
        return next(
            (d for i, (x, y) in enumerate(zip(a, b)) if (d := _close(x, y, rtol, atol, f"{where}/{i}")) is not None),
            None,
        )
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


def verify_scoring_form(
    full: xr.Dataset,
    form: xr.Dataset,
    claims: Sequence[Claim] | None = None,
    *,
    signatures: Mapping[str, str] | None = None,
) -> None:
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
    (:attr:`~vdosbench.benchmark.scoring_form.ScoringForm.signatures`, from the search that made the form) stand
    for scoring ``full`` and ``full`` without the declared variables, which are
    then not scored again.
    """
    claims = _claims(claims)
    known = signatures or {}
    coarse = _float32_declared(form)
    fix = "fix: remake the form (vdosbench compact --scoring-form)"
    wrong = [n for n in coarse if n not in form.data_vars or form[n].dtype != "float32"]
    if wrong:
        raise ScoringFormMismatch(
            f"the form declares {list(coarse)} stored as float32; found {wrong} not float32 "
            f"variables of the form; {fix}"
        )
    first, reduced, a = "the full set", full, None
    names, *declared = _declared(form)
    if names:
        wrong = [n for n in names if n not in full.data_vars or n in form.data_vars]
        if wrong:
            raise ScoringFormMismatch(
                f"the form declares {list(names)} left out; expected data variables of the "
                f"full set absent from the form, found {wrong} among them; {fix}"
            )
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
                f"expected the same; {fix}"
            )
        first = f"the full set without {', '.join(names)}"
    if coarse:
        a = scoring_signature(reduced, claims)
        difference = signatures_close(a, scoring_signature(form, claims))
        if difference is not None:
            raise ScoringFormMismatch(
                f"scoring the scoring form (float32 {', '.join(coarse)}) differs from scoring {first} at "
                f"{difference}; expected equal verdicts and texts, measurements within "
                f"{FLOAT32_UNCERTAINTY_FRACTION:g} of their uncertainty, other numbers to {FLOAT32_RTOL:g}; "
                "fix: store them as float64 (drop them from --float32)"
            )
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
