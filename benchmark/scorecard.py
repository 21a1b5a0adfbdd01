"""Scorecards: the verdicts of every claim on every dataset, the gate, and the JSON result.

The JSON result carries a ``content_hash``: the sha256 of its canonical
form (inputs' hashes, claims, measured values, verdicts), so two runs on the
same data with the same claims give the same hash.  Its ``gate`` field is
the outcome :meth:`ScoreCard.gate`: ``"no-applicable-claims"`` when no claim
applies to any input, which is not a pass (``vdosbench score`` exits
:data:`EXIT_NO_APPLICABLE_CLAIMS`), and ``gate_message`` says why.

Every applicable claim carries its robustness label across its registered
alternative estimators (:class:`~vdosbench.benchmark.scoring.Robustness`):
``result.json`` has ``robustness``, ``robustness_reason`` and
``alternatives`` per result, ``robustness_totals``, and ``gate_claims`` (the
claims that decide the gate, with their labels); the reports show each
estimator's value and verdict.  The gate itself uses the primary verdicts only.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import xarray as xr
from vdosbench.datasets import content_sha256
from vdosbench.datasets.catalog import file_sha256
from vdosbench.validators import jsonable

from vdosbench import __version__

from .claim_selection import selector_keys
from .claims import Claim
from .cross_code import CrossCodeCheck
from .declaration import DECLARABLE, system_summary
from .placement import place_dataset
from .progress import claim_steps
from .scoring import ClaimResult, Robustness, Verdict, evaluate_claim

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_FAIL",
    "EXIT_NO_APPLICABLE_CLAIMS",
    "EXIT_PASS",
    "NO_APPLICABLE_CLAIMS",
    "InputInfo",
    "ScoreCard",
    "input_name",
    "read_input",
    "score_datasets",
    "system_size",
    "window_label",
]


#: Exit status of ``vdosbench score`` (and ``demo --gate``): no claim refuted.
EXIT_PASS = 0
#: A claim refuted (with ``--strict``, also inconclusive).
EXIT_FAIL = 1
#: Bad input (unreadable data, claims or options); nothing is written.
EXIT_BAD_INPUT = 2
#: No claim applies to any input: nothing was tested, which is not a pass.
EXIT_NO_APPLICABLE_CLAIMS = 3
#: :meth:`ScoreCard.gate` (and ``gate`` in ``result.json``) when no claim applies.
NO_APPLICABLE_CLAIMS = "no-applicable-claims"


@dataclass(frozen=True)
class InputInfo:
    """One scored dataset: a short name, where it came from, its hash, and the adapter's notes on it
    (:func:`~vdosbench.benchmark.adapters.base.input_notes`: keys not read, aliases, species rule)."""

    name: str
    path: str
    sha256: str
    notes: tuple[str, ...] = ()


@dataclass
class ScoreCard:
    """Every claim evaluated on every input."""

    inputs: list[InputInfo]
    claims_file: str
    results: list[ClaimResult] = field(default_factory=list)
    #: System size per input name (:func:`system_size`), for :meth:`strata`.
    sizes: dict[str, str] = field(default_factory=dict)
    #: Adapter format per input name (``adapter_format`` of third-party data), for :meth:`why_no_claim_applies`.
    formats: dict[str, str] = field(default_factory=dict)
    #: The system the claims see per input name (:func:`~vdosbench.benchmark.declaration.system_summary`).
    systems: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Cross-code checks of declared inputs (:func:`~vdosbench.benchmark.cross_code.cross_code_check`).
    cross_code: list[CrossCodeCheck] = field(default_factory=list)
    #: Each input's points on our axes (:func:`~vdosbench.benchmark.placement.place_dataset`): no verdict.
    placements: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def not_measurable(self) -> list[ClaimResult]:
        """Results of claims about these data (model and preparation match) that the data cannot measure:
        a variable the claim requires is missing.  They are 'not applicable' in the counts."""
        return [r for r in self.results if r.inapplicable is not None and r.inapplicable.not_measurable]

    def applicable(self) -> list[ClaimResult]:
        """Results whose verdict is not 'not applicable'."""
        return [r for r in self.results if r.verdict is not Verdict.NOT_APPLICABLE]

    def totals(self) -> dict[str, Any]:
        """Counts per verdict and the score (supported / applicable; ``None`` when no claim applies)."""
        counts = {v.value: sum(r.verdict is v for r in self.results) for v in Verdict}
        n = len(self.applicable())
        return {**counts, "applicable": n, "score": counts["supported"] / n if n else None}

    def no_claim_applies(self) -> bool:
        """Whether no claim applies to any input (every result 'not applicable', or none at all)."""
        return not self.applicable()

    def strata(self) -> list[dict[str, Any]]:
        """Point verdicts counted per system size N and frequency window (issue: results stratified).

        Every measured point of every applicable claim counts once, under the
        size of its input and the window of its claim (:func:`window_label`).

        Examples
        --------
        >>> from vdosbench.datasets import mock_spectrum
        >>> from vdosbench.benchmark.claims import load_claims
        >>> info, ds = read_input(mock_spectrum(), name="mock")
        >>> card = score_datasets([(info, ds)], load_claims(), "default")
        >>> card.strata() == [] or set(card.strata()[0]) >= {"N", "window", "supported"}
        True
        """
        table: dict[tuple[str, str], dict[str, int]] = {}
        for r in self.applicable():
            key = (self.sizes.get(r.dataset, "—"), window_label(r.claim.settings))
            counts = table.setdefault(key, {v.value: 0 for v in Verdict if v is not Verdict.NOT_APPLICABLE})
            for p in r.points:
                counts[p.verdict.value] += 1
        return [
            {"N": n, "window": w, **counts, "points": sum(counts.values())} for (n, w), counts in sorted(table.items())
        ]

    def gating(self) -> list[ClaimResult]:
        """The applicable results of current claims on the data they are about: those the gate reads (a superseded
        claim's do not gate, nor a result that carries a protocol note, :mod:`vdosbench.benchmark.protocols`)."""
        return [r for r in self.applicable() if r.claim.superseded_by is None and r.protocol is None]

    def gate(self) -> str:
        """The gate's outcome: ``"no-applicable-claims"``, ``"refuted"``, ``"inconclusive"`` or ``"supported"``.

        The first that holds: no claim applies to any input; a claim is
        refuted; one is inconclusive; every applicable claim is supported.
        A superseded claim (``superseded_by`` in the claims file: a reading
        withdrawn in favour of another, e.g. the windows tied to ω₀) is scored
        and reported but does not gate, and so is a result on data a protocol
        note describes (e.g. the additive mixture's T_d sets, aged rather than
        in equilibrium); where only such results apply, nothing current
        decides and the gate is ``"inconclusive"``.
        """
        if self.no_claim_applies():
            return NO_APPLICABLE_CLAIMS
        current = self.gating()
        if not current:
            return Verdict.INCONCLUSIVE.value
        verdicts = {r.verdict for r in current}
        for verdict in (Verdict.REFUTED, Verdict.INCONCLUSIVE):
            if verdict in verdicts:
                return verdict.value
        return Verdict.SUPPORTED.value

    def gate_claims(self) -> list[ClaimResult]:
        """The results that decide :meth:`gate`: the refuted ones when it is 'refuted', the inconclusive ones
        when 'inconclusive', every applicable current one when 'supported' (none when no claim applies; the
        superseded ones when only they apply)."""
        gate = self.gate()
        if gate == NO_APPLICABLE_CLAIMS:
            return []
        current = self.gating()
        if gate == Verdict.SUPPORTED.value:
            return current
        return [r for r in current if r.verdict.value == gate] or self.applicable()

    def robustness_totals(self) -> dict[str, int]:
        """Applicable results per robustness label (:meth:`ClaimResult.robustness`).

        Examples
        --------
        >>> from vdosbench.datasets import mock_spectrum
        >>> from vdosbench.benchmark.claims import load_claims
        >>> card = score_datasets([read_input(mock_spectrum(), name="mock")], load_claims(), "default")
        >>> card.robustness_totals()
        {'robust': 0, 'estimator-dependent': 0, 'not assessed': 0}
        """
        labels = [r.robustness()[0] for r in self.applicable()]
        return {label.value: sum(x is label for x in labels) for label in Robustness}

    def exit_code(self, strict: bool = False) -> int:
        """The CI gate: :data:`EXIT_NO_APPLICABLE_CLAIMS` (3) when no claim applies to any input,
        else :data:`EXIT_FAIL` (1) when a claim is refuted (or, with ``strict``, inconclusive),
        else :data:`EXIT_PASS` (0)."""
        gate = self.gate()
        if gate == NO_APPLICABLE_CLAIMS:
            return EXIT_NO_APPLICABLE_CLAIMS
        if gate == Verdict.REFUTED.value or (strict and gate == Verdict.INCONCLUSIVE.value):
            return EXIT_FAIL
        return EXIT_PASS

    def why_no_claim_applies(self, top: int = 3) -> str:
        """One line for a card on which no claim applies (:meth:`no_claim_applies`): why, and what to declare.

        ``vdosbench score`` prints it (and exits 3), the reports and
        ``result.json`` (``gate_message``) carry it, and the pytest plugin's
        gate fails with it.

        Parameters
        ----------
        top
            How many of the most common reasons to name.

        Returns
        -------
        str
            The ``top`` most common reasons the claims were 'not applicable'
            (e.g. "the dataset has no 'generator' attribute or coordinate"),
            the keys the claims select on (their ``applies_to``) and how to
            declare them (dataset attributes, or ``--set KEY=VALUE`` where the
            input's adapter accepts it).

        Examples
        --------
        >>> from vdosbench.datasets import mock_spectrum
        >>> from vdosbench.benchmark.claims import load_claims
        >>> card = score_datasets([read_input(mock_spectrum(), name="mock")], load_claims(), "default")
        >>> card.no_claim_applies(), card.exit_code()
        (True, 3)
        >>> "Declare what the claims select on: model" in card.why_no_claim_applies()
        True
        """
        n_inputs = len(self.inputs)
        groups: dict[tuple[str, str, str, tuple[str, ...]], list[ClaimResult]] = {}
        for r in self.results:
            why = r.inapplicable
            key = (why.kind, why.key, repr(why.found), why.missing) if why is not None else ("", r.reason, "", ())
            groups.setdefault(key, []).append(r)
        ranked = sorted(groups.values(), key=lambda rs: -len(rs))
        reasons = [_reason_group(rs, n_inputs) for rs in ranked[:top]]
        if len(ranked) > top:
            reasons.append(f"{len(ranked) - top} other reason(s) in the report")
        claims = list({r.claim.id: r.claim for r in self.results}.values())
        line = (
            f"no claim applies to these data (0 of {len(claims)} claim{'s' if len(claims) != 1 else ''} "
            f"on {n_inputs} input{'s' if n_inputs != 1 else ''}), so nothing was tested and this is not a pass"
        )
        if reasons:
            line += "; every claim was 'not applicable': " + "; ".join(reasons)
        keys = selector_keys(claims)
        if keys:
            line += f". Declare what the claims select on: {', '.join(keys)}"
            declarable = [k for k in keys if k in DECLARABLE]
            other = [k for k in keys if k not in DECLARABLE]
            if declarable:
                line += (
                    f"; declare {', '.join(declarable)} with --declare KEY=VALUE or in a sidecar file next to "
                    "the data (DATA.vdos.toml)" + self._declare_example(declarable)
                )
            if other:
                line += (
                    ("; " + ", ".join(other) + " " if declarable else ", ")
                    + "as attributes of the dataset (global attributes of its VDOS-1.0 netCDF file, or ds.attrs "
                    "in memory)" + self._set_advice(other)
                )
        return line + "."

    def _declare_example(self, keys: Sequence[str]) -> str:
        """The example of a declaration, built from what the inputs state (a clause of the message).

        A key every input states is shown with its value as what the data say, not as advice (declaring another
        value than the data's to make a claim apply would be false); a key some input lacks gets a placeholder
        naming what to put there (for ``model``: the models the claims are about).  Never a value taken from a
        claim: a T = 2 set must not be told to declare T* = 0.45.
        """
        stated: dict[str, list[str]] = {}
        for key in keys:
            values = [self.systems.get(i.name, {}).get(key) for i in self.inputs]
            if values and all(v is not None for v in values):
                stated[key] = sorted({str(v) for v in values})
        missing = [k for k in keys if k not in stated][:3]
        parts = []
        if missing:
            parts.append(", e.g. " + " ".join(f"--declare {k}={self._placeholder(k)}" for k in missing))
        if stated:
            said = ", ".join(f"{k}={'/'.join(v)}" for k, v in stated.items())
            parts.append(
                f" (the data already state {said}: declare only what is true of them; where the "
                "claims select other values they are not about these data)"
            )
        return "".join(parts)

    def _placeholder(self, key: str) -> str:
        """What to write for ``key`` in the example: the choices the claims select for text keys, else a hint."""
        hints = {
            "parent_temperature": "<T* of your set, model units>",
            "taper_order": "<m of your potential's taper: 0 for a plain shifted cut, inf>",
            "n_particles": "<N>",
            "density": "<N/V>",
            "delta": "<lattice displacement>",
            "non_additivity": "<epsilon>",
        }
        if key in hints:
            return hints[key]
        wanted: set[str] = set()
        for r in self.results:
            w = r.claim.applies_to.get(key)
            wanted.update(str(v) for v in (w if isinstance(w, (list, tuple)) else [w]) if v is not None)
        return f"<one of {', '.join(sorted(wanted))}>" if wanted else f"<your {key}>"

    def _set_advice(self, keys: Sequence[str]) -> str:
        """Which of ``keys`` each input's adapter takes as ``--set KEY=VALUE`` (a clause of the message)."""
        from .adapters import get_adapter

        parts = []
        for fmt in sorted({f for f in self.formats.values() if f}):
            try:
                options = get_adapter(fmt).options
            except KeyError:
                continue
            accepted = [k for k in keys if k in options]
            parts.append(
                f"format {fmt!r} takes {', '.join(accepted)}"
                if accepted
                else f"format {fmt!r} takes none of them (write the data to a VDOS-1.0 netCDF file with "
                "these attributes: vdosbench.datasets.write)"
            )
        if not parts:
            return ", or with --set KEY=VALUE where the input's adapter accepts it"
        return "; as --set KEY=VALUE, " + "; ".join(parts)

    def to_json(self) -> dict[str, Any]:
        """The JSON result, with its content hash."""
        body = {
            "vdosbench_version": __version__,
            "claims_file": self.claims_file,
            "inputs": [
                {"name": i.name, "path": i.path, "sha256": i.sha256, "notes": list(i.notes)} for i in self.inputs
            ],
            "gate": self.gate(),
            "gate_message": self.why_no_claim_applies() if self.no_claim_applies() else None,
            "gate_claims": [
                {
                    "id": r.claim.id,
                    "dataset": r.dataset,
                    "verdict": r.verdict.value,
                    "robustness": label.value if (label := r.robustness()[0]) is not None else None,
                }
                for r in self.gate_claims()
            ],
            "totals": self.totals(),
            "robustness_totals": self.robustness_totals(),
            "strata": self.strata(),
            "systems": self.systems,
            "not_measurable": [
                {"id": r.claim.id, "dataset": r.dataset, "reason": r.reason} for r in self.not_measurable()
            ],
            "cross_code": [c.to_dict() for c in self.cross_code],
            "placements": jsonable(self.placements),
            "results": [r.to_dict() for r in self.results],
        }
        # the gate and the not-measurable list follow from the results; the cross-code check and the placements
        # are no verdict
        derived = (
            "vdosbench_version",
            "gate",
            "gate_message",
            "gate_claims",
            "not_measurable",
            "cross_code",
            "placements",
        )
        canonical = json.dumps(
            {k: v for k, v in body.items() if k not in derived} | {"inputs": [i.sha256 for i in self.inputs]},
            sort_keys=True,
            default=str,
        )
        body["content_hash"] = "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()
        return body


def _reason_group(results: Sequence[ClaimResult], n_inputs: int) -> str:
    """The reason that ``results`` share (kind, key and value found), with how many claims gave it."""
    why, n = results[0].inapplicable, len(results)
    count = f"{n} claim{'s' if n != 1 else ''}"
    if n_inputs > 1:
        count = f"{n} claim result{'s' if n != 1 else ''} on " + ", ".join(sorted({r.dataset for r in results}))
    if why is None:
        return f"{results[0].reason} ({count})"
    wanted: dict[str, Any] = {}
    for r in results:
        w = r.inapplicable.wanted if r.inapplicable is not None else None
        for v in w if isinstance(w, (list, tuple)) else [w]:
            wanted.setdefault(repr(v), v)
    about = f"{'the claim is' if n == 1 else 'the claims are'} about {why.key} in [{', '.join(sorted(wanted))}]"
    if why.kind == "no-key":
        return f"the dataset has no {why.key!r} attribute or coordinate ({count}; {about})"
    if why.kind == "differs":
        return f"{why.key} is {why.found!r}, {about} ({count})"
    return f"{why} ({count})"


def score_datasets(
    datasets: Sequence[tuple[InputInfo, xr.Dataset]], claims: Sequence[Claim], claims_file: str
) -> ScoreCard:
    """Evaluate every claim on every dataset."""
    card = ScoreCard(
        [info for info, _ in datasets],
        claims_file,
        sizes={i.name: system_size(ds) for i, ds in datasets},
        formats={i.name: str(ds.attrs.get("adapter_format", "")) for i, ds in datasets},
        systems={i.name: system_summary(ds) for i, ds in datasets},
        placements={i.name: place_dataset(ds) for i, ds in datasets},
    )
    for info, ds in datasets:
        cache: dict = {}  # one per dataset: claims sharing a validator and its settings compute it once
        with claim_steps(f"scoring {info.name}", len(claims)) as done:
            for k, claim in enumerate(claims, 1):
                card.results.append(evaluate_claim(claim, ds, info.name, cache))
                done(k, claim.id)
    return card


def system_size(ds: xr.Dataset) -> str:
    """N of a dataset for the strata: particles or sites, ``"theory curve"`` for an ``omega`` grid.

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> system_size(mock_spectrum(n_site=9))
    'N = 9'
    """
    if "n_particles" in ds.attrs:
        return f"N = {int(ds.attrs['n_particles'])}"
    if "site" in ds.dims:
        return f"N = {ds.sizes['site']}"
    if "omega" in ds.dims:
        return "theory curve"
    return f"{ds.sizes['mode']} modes" if "mode" in ds.dims else "—"


def window_label(settings: Mapping[str, Any]) -> str:
    """The frequency window of a claim's settings as text.

    Examples
    --------
    >>> window_label({"window": "lowest_k", "k": 10}), window_label({"window": [0.0, 1.0]})
    ('lowest 10 modes per sample', '(0, 1]')
    >>> window_label({"window": "highest", "n_modes": 50}), window_label({"quantile": 0.1})
    ('highest 50 modes', 'whole spectrum')
    """
    w = settings.get("window")
    if w is None and "below_factor" in settings:
        return f"stored modes around the lowest phonon (below: < {settings['below_factor']} omega0)"
    if w is None:
        return "whole spectrum"
    if w == "lowest_k":
        return f"lowest {settings.get('k')} modes per sample"
    if isinstance(w, str):
        return f"{w} {settings['n_modes']} modes" if "n_modes" in settings else w
    if isinstance(w, (list, tuple)) and len(w) == 2:
        return f"({float(w[0]):g}, {float(w[1]):g}]"
    return str(w)


# ------------------------------------------------------------------------------
# inputs
# ------------------------------------------------------------------------------


def input_name(path: str | os.PathLike[str]) -> str:
    """The short name of an input file: its stem, or its folder's name for ``ensemble.nc``; non-printable
    characters (terminal escape sequences) escaped (:func:`~vdosbench.benchmark.adapters.base.printable`).

    Examples
    --------
    >>> input_name("runs/seed002/ensemble.nc"), input_name("data/glass.nc")
    ('seed002', 'glass')
    """
    from .adapters.base import printable

    p = Path(path)
    return printable(p.stem if p.stem != "ensemble" else p.parent.name)


def read_input(
    data: str | os.PathLike[str] | xr.Dataset, *, name: str | None = None, format: str | None = None, **options: Any
) -> tuple[InputInfo, xr.Dataset]:
    """One input of :func:`score_datasets`: a file read by its adapter, or a dataset in memory.

    Parameters
    ----------
    data
        A file any adapter reads (:func:`vdosbench.benchmark.adapters.read`), or a VDOS-1.0 dataset.
    name
        Short name in the report; default :func:`input_name` of the file, or ``"data"``.
    format, **options
        The adapter's format name (default: guessed) and options, for a file.

    Returns
    -------
    tuple of (InputInfo, xarray.Dataset)
        For a dataset in memory, ``path`` is ``"<in memory>"`` and ``sha256`` its content hash
        (:func:`vdosbench.datasets.content_sha256`); for a file, the sha256 of its bytes.
    """
    if isinstance(data, xr.Dataset):
        return InputInfo(name=name or "data", path="<in memory>", sha256=content_sha256(data)), data
    from .adapters import read
    from .adapters.base import input_notes

    ds = read(data, format=format, **options)
    info = InputInfo(
        name=name or input_name(data), path=str(data), sha256=file_sha256(data), notes=tuple(input_notes(ds))
    )
    return info, ds
