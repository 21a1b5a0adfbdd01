"""Scorecards: the verdicts of every claim on every dataset, as Markdown, PNG figures and JSON.

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
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import xarray as xr

from vdosbench import __version__
from vdosbench.datasets import content_sha256
from vdosbench.datasets.catalog import file_sha256
from vdosbench.datasets.io import write_text
from vdosbench.datasets.labels import value_label
from vdosbench.validators import Measurement

from .claims import Claim, selector_keys
from .cross_code import CrossCodeCheck
from .declaration import DECLARABLE, SUMMARY_KEYS, system_summary
from .figures import FigureEntry, ReportFigures, draw_report_figures, point_label
from .scoring import ClaimResult, PointResult, Robustness, Verdict, evaluate_claim

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_FAIL",
    "EXIT_NO_APPLICABLE_CLAIMS",
    "EXIT_PASS",
    "InputInfo",
    "ScoreCard",
    "file_sha256",
    "input_name",
    "read_input",
    "render_markdown",
    "score_datasets",
    "write_report",
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
    """One scored dataset: a short name, where it came from and its hash."""

    name: str
    path: str
    sha256: str


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
        return [{"N": n, "window": w, **counts, "points": sum(counts.values())} for (n, w), counts in sorted(table.items())]

    def gate(self) -> str:
        """The gate's outcome: ``"no-applicable-claims"``, ``"refuted"``, ``"inconclusive"`` or ``"supported"``.

        The first that holds: no claim applies to any input; a claim is
        refuted; one is inconclusive; every applicable claim is supported.
        """
        if self.no_claim_applies():
            return NO_APPLICABLE_CLAIMS
        verdicts = {r.verdict for r in self.results}
        for verdict in (Verdict.REFUTED, Verdict.INCONCLUSIVE):
            if verdict in verdicts:
                return verdict.value
        return Verdict.SUPPORTED.value

    def gate_claims(self) -> list[ClaimResult]:
        """The results that decide :meth:`gate`: the refuted ones when it is 'refuted', the inconclusive ones
        when 'inconclusive', every applicable one when 'supported' (none when no claim applies)."""
        gate = self.gate()
        if gate == NO_APPLICABLE_CLAIMS:
            return []
        if gate == Verdict.SUPPORTED.value:
            return self.applicable()
        return [r for r in self.results if r.verdict.value == gate]

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
                    "the data (DATA.vdos.toml), e.g. --declare model=kob_andersen --declare parent_temperature=0.45"
                )
            if other:
                line += (
                    ("; " + ", ".join(other) + " " if declarable else ", ")
                    + "as attributes of the dataset (global attributes of its VDOS-1.0 netCDF file, or ds.attrs "
                    "in memory)" + self._set_advice(other)
                )
        return line + "."

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
                f"format {fmt!r} takes {', '.join(accepted)}" if accepted
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
            "inputs": [{"name": i.name, "path": i.path, "sha256": i.sha256} for i in self.inputs],
            "gate": self.gate(),
            "gate_message": self.why_no_claim_applies() if self.no_claim_applies() else None,
            "gate_claims": [
                {"id": r.claim.id, "dataset": r.dataset, "verdict": r.verdict.value,
                 "robustness": label.value if (label := r.robustness()[0]) is not None else None}
                for r in self.gate_claims()
            ],
            "totals": self.totals(),
            "robustness_totals": self.robustness_totals(),
            "strata": self.strata(),
            "systems": self.systems,
            "not_measurable": [{"id": r.claim.id, "dataset": r.dataset, "reason": r.reason} for r in self.not_measurable()],
            "cross_code": [c.to_dict() for c in self.cross_code],
            "results": [r.to_dict() for r in self.results],
        }
        # the gate and the not-measurable list follow from the results; the cross-code check is no verdict
        derived = ("vdosbench_version", "gate", "gate_message", "gate_claims", "not_measurable", "cross_code")
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
    )
    for info, ds in datasets:
        cache: dict = {}  # one per dataset: claims sharing a validator and its settings compute it once
        for claim in claims:
            card.results.append(evaluate_claim(claim, ds, info.name, cache))
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
    """The short name of an input file: its stem, or its folder's name for ``ensemble.nc``.

    Examples
    --------
    >>> input_name("runs/seed002/ensemble.nc"), input_name("data/glass.nc")
    ('seed002', 'glass')
    """
    p = Path(path)
    return p.stem if p.stem != "ensemble" else p.parent.name


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

    ds = read(data, format=format, **options)
    return InputInfo(name=name or input_name(data), path=str(data), sha256=file_sha256(data)), ds


# ------------------------------------------------------------------------------
# Markdown and JSON
# ------------------------------------------------------------------------------

#: How verdicts are decided, printed in every report.
VERDICT_RULE = (
    "Verdicts compare the measured 95 % interval with the expected region: inside → supported, "
    "disjoint → refuted, overlapping → inconclusive. A claim over several parameter points is "
    "refuted if any point is and supported only if all are."
)


#: Characters that Markdown would read as markup in a user string (a dataset name, an attribute value, a path).
MARKDOWN_SPECIAL = "\\|*_`[]<>#"


def md_escape(text: object) -> str:
    """``text`` with Markdown-special characters backslash-escaped, for user strings in ``report.md``.

    Examples
    --------
    >>> print(md_escape("runs/a_b|c*[x]<y>#1"))
    runs/a\\_b\\|c\\*\\[x\\]\\<y\\>\\#1
    """
    return "".join("\\" + ch if ch in MARKDOWN_SPECIAL else ch for ch in str(text))


def format_measurement(m: Measurement | None) -> str:
    """``"value [low, high]"`` (``"—"`` when not measured)."""
    if m is None:
        return "—"
    return f"{m.value:.4g} [{m.low:.4g}, {m.high:.4g}]"


def point_value(p: PointResult, escape: bool = False) -> str:
    """``"delta=0.1: value [low, high]"`` (without the label for a dataset of one point); ``escape``: for Markdown."""
    label = md_escape(point_label(p.parameters)) if escape else point_label(p.parameters)
    return f"{label}: {format_measurement(p.measurement)}" if label else format_measurement(p.measurement)


def score_summary(totals: dict[str, Any]) -> tuple[str, str]:
    """The score of :meth:`ScoreCard.totals` as (headline, the other counts), without markup.

    When no claim applies, the headline says so and that this is not a pass.

    Examples
    --------
    >>> score_summary({"supported": 0, "refuted": 0, "inconclusive": 0, "not applicable": 4, "applicable": 0})[0]
    'No claim applies to these data: nothing was tested, and this is not a pass'
    """
    if totals["applicable"] == 0:
        return (
            "No claim applies to these data: nothing was tested, and this is not a pass",
            f"not applicable {totals['not applicable']}; vdosbench score exits {EXIT_NO_APPLICABLE_CLAIMS}",
        )
    return (
        f"Score: {totals['supported']} of {totals['applicable']} applicable claims supported",
        f"refuted {totals['refuted']}, inconclusive {totals['inconclusive']}, "
        f"not applicable {totals['not applicable']}",
    )


def gate_note(card: ScoreCard) -> str | None:
    """The paragraph under the score when no claim applies (:meth:`ScoreCard.why_no_claim_applies`), else ``None``."""
    if not card.no_claim_applies():
        return None
    why = card.why_no_claim_applies()
    return why[0].upper() + why[1:]


def no_findings_text(card: ScoreCard) -> str:
    """The findings when no claim is refuted or inconclusive: all supported, or (no claim applies) not a pass."""
    if card.no_claim_applies():
        return (
            "No claim applies to these data, so none was tested: this is not a pass "
            f"(the gate fails with exit status {EXIT_NO_APPLICABLE_CLAIMS})."
        )
    return "Every applicable claim is supported by these data."


def disagreements(card: ScoreCard) -> list[tuple[ClaimResult, list[PointResult]]]:
    """Results that are refuted or inconclusive, each with its points that are not supported."""
    return [
        (r, [p for p in r.points if p.verdict is not Verdict.SUPPORTED])
        for r in card.results
        if r.verdict in (Verdict.REFUTED, Verdict.INCONCLUSIVE)
    ]


def finding_detail(points: Sequence[PointResult], escape: bool = False) -> str:
    """``"point: value [low, high] (verdict, reason); ..."`` for the points of a finding; ``escape``: for Markdown."""
    return "; ".join(
        f"{point_value(p, escape)} ({p.verdict.value}"
        f"{', ' + (md_escape(p.reason) if escape else p.reason) if p.reason else ''})"
        for p in points
    )


#: How the robustness label is decided, printed in every report.
ROBUSTNESS_RULE = (
    "Robustness: every claim registers its primary estimator and at least one reasonable alternative (another "
    "estimator, window, bin count or radius), scored by the same rule. A claim is robust when every alternative "
    "gives the primary's verdict wherever both could be measured, estimator-dependent when one gives another "
    "verdict, and not assessed when no alternative could be measured where the primary was (an alternative that "
    "cannot be measured never makes a claim estimator-dependent by itself). The verdict and the exit status are "
    "the primary's."
)


def robustness_text(r: ClaimResult) -> str:
    """The label of ``r`` (``"—"`` when not applicable)."""
    label = r.robustness()[0]
    return label.value if label is not None else "—"


def measure_change(r: ClaimResult, k: int) -> str:
    """What alternative ``k`` of ``r`` changes in the primary's measure, e.g. ``"window = [0.0, 0.8]"``
    (``"no KEY"`` for a primary setting that a full measure table leaves out)."""
    alt, c = r.alternatives[k].alternative, r.claim
    parts = [f"validator = {alt.validator}"] if alt.validator != c.validator else []
    if alt.quantity != c.quantity:
        parts.append(f"quantity = {alt.quantity}")
    for key in dict.fromkeys([*c.settings, *alt.settings]):
        if key not in alt.settings:
            parts.append(f"no {key}")
        elif c.settings.get(key) != alt.settings[key]:
            parts.append(f"{key} = {json.dumps(alt.settings[key], default=str)}")
    return ", ".join(parts) or "as the primary"


def estimator_rows(r: ClaimResult) -> list[dict[str, str]]:
    """One row per estimator of ``r`` (the primary first) for the reports, without markup.

    Keys: ``estimator``, ``measure``, ``verdict``, ``values`` (value [interval] per point, or why not
    measured), ``agrees`` (with the primary: "yes", "no: ...", "not measured: ...", or "—" for the primary)
    and ``basis``.
    """
    rows = [{
        "estimator": "primary", "measure": f"{r.claim.validator} → {r.claim.quantity}", "verdict": r.verdict.value,
        "values": "; ".join(point_value(p) + (f" ({p.reason})" if p.reason else "") for p in r.points),
        "agrees": "—", "basis": r.claim.expect.basis,
    }]
    for k, a in enumerate(r.alternatives):
        if a.differs:
            agrees = "no: " + a.describe_difference()
        elif a.compared:
            agrees = "yes"
        else:
            agrees = "not measured: " + a.unmeasured_reason()
        rows.append({
            "estimator": a.alternative.label, "measure": measure_change(r, k), "verdict": a.result.verdict.value,
            "values": "; ".join(point_value(p) + (f" ({p.reason})" if p.reason else "") for p in a.result.points)
            or a.result.reason,
            "agrees": agrees, "basis": a.alternative.basis,
        })
    return rows


def gate_line(card: ScoreCard) -> str:
    """One line: the gate's outcome from the primary verdicts, and the robustness of the claims that decide it.

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> from vdosbench.benchmark.claims import load_claims
    >>> gate_line(score_datasets([read_input(mock_spectrum(), name="mock")], load_claims(), "default"))
    'gate: no-applicable-claims'
    """
    deciding = card.gate_claims()
    line = f"gate: {card.gate()}"
    if not deciding:
        return line
    labels = [robustness_text(r) for r in deciding]
    counts = ", ".join(f"{label} {labels.count(label)}" for label in dict.fromkeys(labels))
    line += f" (primary verdicts; the {len(deciding)} deciding claim result{'s' if len(deciding) != 1 else ''}: {counts})"
    if card.gate() != Verdict.SUPPORTED.value:
        line += "; " + "; ".join(f"{r.claim.id} ({r.dataset}) {robustness_text(r)}" for r in deciding)
    return line


ESTIMATOR_COLUMNS = ("estimator", "measure", "verdict", "values", "agrees", "basis")


STRATA_COLUMNS = ("N", "window", "supported", "refuted", "inconclusive", "points")


def strata_markdown(card: ScoreCard) -> list[str]:
    """The :meth:`ScoreCard.strata` table as Markdown lines (point verdicts)."""
    rows = card.strata()
    if not rows:
        return ["No claim applies."]
    return [
        "| " + " | ".join(STRATA_COLUMNS) + " |",
        "| " + " | ".join("---" for _ in STRATA_COLUMNS) + " |",
        *["| " + " | ".join(md_escape(r[c]) for c in STRATA_COLUMNS) + " |" for r in rows],
    ]


def _cell(key: str, value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) and math.isfinite(value) else value_label(key, value)


def systems_table(card: ScoreCard) -> tuple[list[str], list[list[str]]]:
    """The systems the claims see (:attr:`ScoreCard.systems`) as (header, rows of text), one row per input."""
    keys = [k for k in SUMMARY_KEYS if any(k in s for s in card.systems.values())]
    header = ["name", *keys, "declared by"]
    rows = [
        [name, *[_cell(k, system.get(k, "—")) for k in keys], str(system.get("declared_by", "nothing"))]
        for name, system in card.systems.items()
    ]
    return header, rows


def cross_code_text(card: ScoreCard) -> list[str]:
    """One sentence per cross-code check, and what a disagreement means for the verdicts."""
    lines = [c.summary() + "." for c in card.cross_code]
    if any(c.status == "disagree" for c in card.cross_code):
        lines.append(
            "Where the codes disagree, the verdicts above are about a spectrum that vdosbench's analytic Hessian "
            "does not reproduce on the same configurations: check the declared potential, taper and masses, or "
            "the code's Hessian."
        )
    return lines


def _figure_markdown(entry: FigureEntry, alt: str) -> list[str]:
    image = [f"![{alt}](figures/{entry.path.name})"] if entry.path is not None else []
    texts = [f"*{md_escape(text)}*" for text in (entry.details, entry.note) if text]
    return image + ([""] if image and texts else []) + texts


def _systems_markdown(card: ScoreCard) -> list[str]:
    """The '## Systems' section: what the claims see in each input (model, dimension, N, preparation)."""
    if not card.systems:
        return []
    header, rows = systems_table(card)
    return [
        "## Systems (what the claims select on)", "",
        "| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |",
        *["| " + " | ".join(md_escape(c) for c in row) + " |" for row in rows], "",
    ]


def render_markdown(card: ScoreCard, figures: ReportFigures) -> str:
    """The Markdown report of ``card`` with the figures drawn by :func:`draw_report_figures`."""
    totals = card.totals()
    headline, counts = score_summary(totals)
    lines = [
        "# vdosbench scorecard",
        "",
        f"vdosbench {__version__}; claims: {md_escape(card.claims_file)}.",
        "",
        f"**{headline}** ({counts}).",
        "",
        *([note, ""] if (note := gate_note(card)) else []),
        VERDICT_RULE,
        "",
        "## Inputs",
        "",
        "| name | file | sha256 |",
        "| --- | --- | --- |",
        *[f"| {md_escape(i.name)} | {md_escape(i.path)} | `{i.sha256[:16]}…` |" for i in card.inputs],
        "",
        *_systems_markdown(card),
        "## Verdicts",
        "",
        "| claim | data | expected | verdict | robustness | measured value [95 % interval] per point |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in card.applicable():
        per_point = "; ".join(point_value(p, escape=True) for p in r.points)
        lines.append(f"| `{r.claim.id}` | {md_escape(r.dataset)} | {r.claim.expect.describe()} | **{r.verdict.value}** "
                     f"| {robustness_text(r)} | {per_point} |")
    robust = card.robustness_totals()
    lines += ["", "## Robustness across estimators", "", ROBUSTNESS_RULE, "",
              ", ".join(f"{label} {n}" for label, n in robust.items()) + ".", ""]
    dependent = [r for r in card.applicable() if r.robustness()[0] is Robustness.ESTIMATOR_DEPENDENT]
    for r in dependent:
        lines.append(f"- `{r.claim.id}` ({md_escape(r.dataset)}, {r.verdict.value}) is **estimator-dependent**: "
                     f"{md_escape(r.robustness()[1])}.")
    if dependent:
        lines.append("")
    if card.not_measurable():
        lines += ["## Not measurable", "",
                  "Claims about these systems that the data cannot measure (listed as 'not applicable' in the counts):",
                  "", *[f"- `{r.claim.id}` ({md_escape(r.dataset)}): {md_escape(r.reason)}" for r in card.not_measurable()],
                  ""]
    if card.cross_code:
        lines += ["## Cross-code agreement", "", *[md_escape(t) + "\n" for t in cross_code_text(card)], ""]
    lines += ["## Verdicts by system size and frequency window", "", *strata_markdown(card)]
    disagree = disagreements(card)
    lines += ["", "## Findings", ""]
    if disagree:
        lines.append("Where the data do not support the paper (reported as measured):")
        lines.append("")
        for r, bad in disagree:
            lines.append(
                f"- `{r.claim.id}` ({md_escape(r.dataset)}) is **{r.verdict.value}** ({robustness_text(r)}): expected "
                f"{r.claim.expect.describe()}, measured {finding_detail(bad, escape=True)}."
            )
    else:
        lines.append(no_findings_text(card))
    lines += ["", "## Figures of the data", ""]
    for entry in figures.data:
        lines += [f"### {md_escape(entry.caption)}", "", *_figure_markdown(entry, md_escape(entry.caption)), ""]
    lines += ["## Claims in detail", ""]
    for r, entry in zip(card.results, figures.claims):
        c = r.claim
        lines += [f"### `{c.id}` on {md_escape(r.dataset)}: {r.verdict.value}", "", f"> {c.statement}", "",
                  f"- source: {c.source}",
                  f"- measured: `{c.validator}` → `{c.quantity}` with {json.dumps(dict(c.settings))}"
                  + (f", versus {json.dumps(c.versus)}" if c.versus else ""),
                  f"- expected: {c.expect.describe()} ({c.expect.basis or 'no basis given'})"]
        if r.reason:
            lines.append(f"- {md_escape(r.reason)}")
        if r.points:
            lines += ["", "| point | value | uncertainty | 95 % interval | verdict | method |", "| --- | --- | --- | --- | --- | --- |"]
            for p in r.points:
                m = p.measurement
                if m is None:
                    lines.append(f"| {md_escape(point_label(p.parameters))} | — | — | — | {p.verdict.value} "
                                 f"| {md_escape(p.reason)} |")
                else:
                    lines.append(
                        f"| {md_escape(point_label(p.parameters))} | {m.value:.4g} | {m.uncertainty:.2g} "
                        f"| [{m.low:.4g}, {m.high:.4g}] | {p.verdict.value} "
                        f"| {md_escape(m.method)}{' (' + md_escape(p.reason) + ')' if p.reason else ''} |"
                    )
        if r.verdict is not Verdict.NOT_APPLICABLE:
            label, why = r.robustness()
            lines += ["", f"Robustness: **{label.value if label else '—'}** ({md_escape(why)}).", "",
                      "| " + " | ".join(ESTIMATOR_COLUMNS) + " |", "| " + " | ".join("---" for _ in ESTIMATOR_COLUMNS) + " |",
                      *["| " + " | ".join(md_escape(row[col]) for col in ESTIMATOR_COLUMNS) + " |"
                        for row in estimator_rows(r)]]
        if entry is not None:
            lines += ["", *_figure_markdown(entry, c.id)]
        lines.append("")
    return "\n".join(lines) + "\n"


def write_report(
    card: ScoreCard, datasets: Sequence[tuple[InputInfo, xr.Dataset]], output: str | os.PathLike[str]
) -> Path:
    """Write ``report.md``, ``report.html``, ``result.json`` and ``figures/*.png`` under ``output``.

    ``report.html`` is self-contained: the same content as ``report.md`` with
    the figures embedded as data URIs (:mod:`vdosbench.benchmark.html_report`).
    A figure that cannot be drawn is skipped with a note in both reports.

    Returns the path of ``report.md``.  Every file is written atomically.
    """
    from .html_report import render_html

    out = Path(output)
    figures = draw_report_figures(card.results, datasets, out / "figures")
    report = out / "report.md"
    write_text(report, render_markdown(card, figures))
    write_text(out / "report.html", render_html(card, figures))
    write_text(out / "result.json", json.dumps(card.to_json(), indent=2, default=str) + "\n")
    return report


