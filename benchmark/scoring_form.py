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

The signature of a scoring and the check of a written form by it (exact, or to the float32 rule; what the form
declares left out) are :mod:`vdosbench.benchmark.scoring_form_check`.

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
import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import xarray as xr

from vdosbench.datasets import check, open_dataset, write
from vdosbench.datasets.catalog import content_sha256, file_sha256

from .claim_selection import LEFT_OUT_ATTRIBUTE, inapplicability
from .claims import Claim
from .scoring_form_check import (
    ALTERNATIVES_LEFT_OUT_ATTRIBUTE,
    CLAIMS_LEFT_OUT_ATTRIBUTE,
    FLOAT32_ATOL,
    FLOAT32_ATTRIBUTE,
    FLOAT32_RTOL,
    FLOAT32_UNCERTAINTY_FRACTION,
    REFERENCE_LEFT_OUT_ATTRIBUTE,
    ScoringFormMismatch,
    _claims,
    _left_out_parts,
    scoring_signature,
    signatures_close,
    verify_scoring_form,
    without_variables,
)

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
#: The float32 rule in words (summary, attributes, comments).
_FLOAT32_RULE = (
    f"scores as the full set: equal verdicts, measurements within {FLOAT32_UNCERTAINTY_FRACTION:g} of "
    f"their uncertainty, other numbers to {FLOAT32_RTOL:g} relative"
)


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
            lines.append(
                f"left out on purpose {', '.join(self.left_out)}; claims that need the full set (vdosbench "
                f"build NAME): {_needs_full_set(self.claims_left_out, self.alternatives_left_out)}"
            )
        if self.reference_left_out:
            lines.append(f"--reference parts that need the full set: {', '.join(self.reference_left_out)}")
        if self.float32:
            lines.append(f"stored as float32: {', '.join(self.float32)} ({_FLOAT32_RULE})")
        lines.append(f"({self.scorings} scorings to find the form)")
        if self.path is not None:
            lines.append(
                f"{self.path}: {self.path.stat().st_size} bytes, sha256 {file_sha256(self.path)} "
                "(scores as the full set: verified)"
            )
        return "\n".join(lines)


def _needs_full_set(claims: Sequence[str], alternatives: dict[str, tuple[str, ...]]) -> str:
    """Claims and alternative estimators (``ID [label]``) left out, as text."""
    parts = [*claims, *(f"{cid} [{label}]" for cid, labels in alternatives.items() for label in labels)]
    return ", ".join(parts) or "none"


def _leave_out_names(ds: xr.Dataset, leave_out: str | Sequence[str]) -> tuple[str, ...]:
    """``leave_out`` as distinct names, each a data variable of ``ds`` other than ``eigenvalue``."""
    names = tuple(dict.fromkeys([leave_out] if isinstance(leave_out, str) else [str(n) for n in leave_out]))
    if "eigenvalue" in names:
        raise ValueError(
            "leave_out names 'eigenvalue'; expected other data variables (VDOS-1.0 requires the "
            "spectrum and --reference compares it); fix: drop eigenvalue from leave_out"
        )
    unknown = [n for n in names if n not in ds.data_vars]
    if unknown:
        raise ValueError(
            f"leave_out names {unknown}, not data variables of the dataset; expected some of "
            f"{sorted(str(n) for n in ds.data_vars if n != 'eigenvalue')}; fix: correct or drop them"
        )
    return names


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
        raise ValueError(
            f"float32 names {wrong}; expected float64 data variables the form keeps, among "
            f"{sorted(str(n) for n in form.data_vars if form[n].dtype == 'float64')}; fix: drop them "
            "from float32"
        )
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
        + (
            f"; left out on purpose: {', '.join(left_out)}; claims that need the full set (vdosbench build NAME): "
            f"{_needs_full_set(claims_left_out, alternatives_left_out)}"
            if left_out
            else ""
        )
        + (f"; --reference parts that need the full set: {', '.join(reference_left_out)}" if reference_left_out else "")
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
        form.attrs[FLOAT32_ATTRIBUTE] = json.dumps(
            {
                "variables": coarse,
                "uncertainty_fraction": FLOAT32_UNCERTAINTY_FRACTION,
                "rtol": FLOAT32_RTOL,
                "atol": FLOAT32_ATOL,
            }
        )


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
            raise ValueError(
                f"the set without {', '.join(left_out)} breaks the convention: {e}; fix: leave out "
                "what it names too (e.g. every pair variable with pair_count) or keep them"
            ) from e
    reference, scorings = scoring_signature(full, claims, submitted=full), 1 + bool(left_out)
    claims_left_out: tuple[str, ...] = ()
    alternatives_left_out: dict[str, tuple[str, ...]] = {}
    reference_left_out: tuple[str, ...] = ()
    if left_out:
        full_signature, reference = reference, scoring_signature(ds, claims, submitted=full)
        claims_left_out, alternatives_left_out, reference_left_out = _left_out_parts(
            full_signature, reference, left_out
        )
    kept = _kept_by_claims(ds, claims, keep_structures)
    dropped, trials = _unread_variables(ds, claims, full, reference, kept)
    scorings += trials
    form = without_variables(ds, dropped)
    kept = {n: kept[n] for n in form.data_vars if n in kept}
    _store_float32(form, coarse)
    _record_form(form, full, dropped, left_out, claims_left_out, alternatives_left_out, reference_left_out, coarse)
    signatures = {"full": full_signature, "reduced": reference} if left_out else {"full": reference}
    return ScoringForm(
        form,
        kept,
        tuple(dropped),
        scorings,
        None,
        left_out,
        claims_left_out,
        alternatives_left_out,
        reference_left_out,
        coarse,
        signatures,
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
