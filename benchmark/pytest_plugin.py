"""pytest plugin: gate a simulation code's tests on vdosbench claims.

Installed with vdosbench as the ``pytest11`` entry point ``vdosbench``, so
pytest loads it in every session; it does nothing until a test uses it (it
only adds a command-line option and registers a marker).

What it provides
----------------
``vdosbench_score`` (fixture)
    A callable ``vdosbench_score(data, claims=None, claims_file=None,
    strict=False, *, name=None, format=None, **options)`` that reads
    ``data`` (a file any adapter reads, or a VDOS-1.0 dataset in memory),
    scores the chosen claims on it and returns the
    :class:`~vdosbench.benchmark.scorecard.ScoreCard`.
``@pytest.mark.vdosbench_claims(*ids, refuted=(), strict=False)`` (marker)
    Gates the test: every ``vdosbench_score`` call in it scores these claims
    (unless ``claims`` is given) and asserts them with :func:`assert_claims`.
:func:`assert_claims` (function)
    ``assert_claims(card, supported=None, refuted=(), strict=False)``: the
    same gate by hand, with a message that lists every gated claim, its
    measured value, interval and verdict.
``--vdosbench-report DIR`` (option)
    Write the report (``report.md``, ``report.html``, ``result.json``,
    figures) of every ``vdosbench_score`` call under ``DIR/<test id>``.

The gate is the command line's: a claim expected to be supported fails when
it is refuted (with ``strict``, also when inconclusive); a claim named in
``refuted`` (an opposing claim the data should refute) fails when supported
(with ``strict``, also when inconclusive).  A claim named explicitly must
apply to the data, and a gate on which no claim applies at all fails (as
``vdosbench score`` exits 3) with the reasons and the attributes to declare
(:meth:`~vdosbench.benchmark.scorecard.ScoreCard.why_no_claim_applies`): a test
that tested nothing does not pass.

Usage (in the simulation code's tests)::

    import pytest
    from vdosbench.benchmark.pytest_plugin import assert_claims

    @pytest.mark.vdosbench_claims("schirmacher.goe-lowest-50", refuted=["schirmacher.poisson-highest-50"])
    def test_level_statistics(vdosbench_score):
        vdosbench_score("out/ensemble.nc")          # fails the test with the claims table if the gate fails

    def test_exponent(vdosbench_score):
        card = vdosbench_score("out/eigenvalues.txt", claims=["my.s4"], claims_file="tests/claims.toml",
                               format="text", spatial_dimension=3)
        assert_claims(card, supported=["my.s4"], strict=True)

Run ``pytest --vdosbench-report reports/`` to keep the reports.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pytest

if TYPE_CHECKING:  # pragma: no cover
    import xarray as xr

    from .claims import Claim
    from .scorecard import ScoreCard
    from .scoring import Verdict

__all__ = ["MARKER", "Scorer", "assert_claims", "select_claims", "vdosbench_score"]

#: Name of the marker that gates a test on claims.
MARKER = "vdosbench_claims"
_MARKER_OPTIONS = frozenset({"refuted", "strict"})


class Scorer(Protocol):
    """The callable the ``vdosbench_score`` fixture returns."""

    def __call__(
        self,
        data: str | os.PathLike[str] | xr.Dataset,
        claims: Sequence[str] | None = None,
        claims_file: str | os.PathLike[str] | None = None,
        strict: bool = False,
        *,
        name: str | None = None,
        format: str | None = None,
        **options: Any,
    ) -> ScoreCard: ...


# ------------------------------------------------------------------------------
# pytest hooks
# ------------------------------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--vdosbench-report DIR``."""
    group = parser.getgroup("vdosbench", "vdosbench claims gate")
    group.addoption(
        "--vdosbench-report",
        metavar="DIR",
        default=None,
        help="write the vdosbench report (Markdown, HTML, JSON, figures) of every vdosbench_score call "
        "under DIR/<test id>",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``vdosbench_claims`` marker (so ``--strict-markers`` accepts it)."""
    config.addinivalue_line(
        "markers",
        f"{MARKER}(*claim_ids, refuted=(), strict=False): gate the test's vdosbench_score calls on these claims "
        "(supported, or not refuted; 'refuted' ids must not be supported; strict: inconclusive fails too)",
    )


# ------------------------------------------------------------------------------
# selection and the gate
# ------------------------------------------------------------------------------


def select_claims(claims: Sequence[Claim], ids: Iterable[str]) -> list[Claim]:
    """The claims with these ids, in the order given (duplicates dropped).

    Raises
    ------
    ValueError
        An id that is not in ``claims``; the message lists the known ids.
    """
    by_id = {c.id: c for c in claims}
    wanted = list(dict.fromkeys(ids))
    unknown = [i for i in wanted if i not in by_id]
    if unknown:
        raise ValueError(f"unknown claim id(s) {unknown}; the claims file has {sorted(by_id)}")
    return [by_id[i] for i in wanted]


def _gate_lines(card: ScoreCard, want: dict[str, Verdict], named: set[str], strict: bool) -> tuple[list[str], int]:
    """One ok/FAIL line per gated claim result (and per named claim that applies to no input), and the failures."""
    from .report_text import finding_detail, robustness_text
    from .scoring import Verdict

    lines: list[str] = []
    failures = 0
    for claim_id, expected in want.items():
        results = [r for r in card.results if r.claim.id == claim_id]
        measured = [r for r in results if r.verdict is not Verdict.NOT_APPLICABLE]
        if not measured and claim_id in named:
            failures += 1
            why = "; ".join(f"{r.dataset}: {r.reason}" for r in results) or "it was not scored (not on the card)"
            lines.append(f"FAIL  {claim_id}: want {expected.value}, but it applies to no input ({why})")
        opposite = Verdict.REFUTED if expected is Verdict.SUPPORTED else Verdict.SUPPORTED
        for r in measured:
            bad = r.verdict is opposite or (strict and r.verdict is Verdict.INCONCLUSIVE)
            failures += int(bad)
            lines.append(
                f"{'FAIL' if bad else 'ok  '}  {claim_id} on {r.dataset}: {r.verdict.value} ({robustness_text(r)}), "
                f"want {expected.value}; expected {r.claim.expect.describe()}, measured {finding_detail(r.points)}"
            )
    return lines, failures


def assert_claims(
    card: ScoreCard,
    supported: Iterable[str] | None = None,
    refuted: Iterable[str] = (),
    *,
    strict: bool = False,
) -> None:
    """Assert the verdicts of a scorecard, as a CI gate.

    Parameters
    ----------
    card
        The scorecard (from the ``vdosbench_score`` fixture or
        :func:`~vdosbench.benchmark.scorecard.score_datasets`).
    supported
        Ids of claims the data must not refute (with ``strict``: must
        support).  ``None``: every claim the card measured (that is not in
        ``refuted``), as ``vdosbench score`` gates.
    refuted
        Ids of claims the data must not support (with ``strict``: must
        refute), e.g. the opposing side of a pair of rival claims.
    strict
        An inconclusive verdict fails too.

    Raises
    ------
    AssertionError
        Listing every gated claim on every input: its verdict, the expected
        region and each point's measured value with its interval; failing
        lines start with ``FAIL``.  A claim named explicitly that is not on
        the card or applies to no input fails, and so does a gate with
        nothing to gate: when no claim applies to any input, the message is
        ``vdosbench score``'s (why every claim was 'not applicable', and the
        attributes the claims select on), never a pass.
    ValueError
        A claim named both ``supported`` and ``refuted``.
    """
    __tracebackhide__ = True
    from .scoring import Verdict

    refuted = list(dict.fromkeys(refuted))
    explicit = supported is not None
    if supported is None:
        supported = [r.claim.id for r in card.applicable() if r.claim.id not in refuted]
    supported = list(dict.fromkeys(supported))
    both = sorted(set(supported) & set(refuted))
    if both:
        raise ValueError(f"claim(s) {both} are named both supported and refuted")
    want = {**{i: Verdict.SUPPORTED for i in supported}, **{i: Verdict.REFUTED for i in refuted}}
    if card.no_claim_applies():  # not a pass: `vdosbench score` exits 3
        lines = [f"vdosbench: nothing to gate: {card.why_no_claim_applies()}"]
        for claim_id, expected in want.items():
            why = "; ".join(f"{r.dataset}: {r.reason}" for r in card.results if r.claim.id == claim_id)
            lines.append(
                f"FAIL  {claim_id}: want {expected.value}, but it applies to no input "
                f"({why or 'it was not scored (not on the card)'})"
            )
        raise AssertionError("\n".join(lines))
    if not want:  # claims apply, but none is named
        raise AssertionError("vdosbench: no claim is named (supported=[] and no refuted), nothing to gate")
    named = set(refuted) | (set(supported) if explicit else set())
    lines, failures = _gate_lines(card, want, named, strict)
    if failures:
        mode = "strict: inconclusive fails" if strict else "inconclusive passes; strict=True fails it"
        raise AssertionError(
            f"vdosbench: {failures} of {len(lines)} gated claim result(s) fail ({mode}):\n" + "\n".join(lines)
        )


# ------------------------------------------------------------------------------
# the fixture
# ------------------------------------------------------------------------------


def _marker_gate(node: pytest.Item) -> tuple[list[str], list[str], bool] | None:
    """(supported ids, refuted ids, strict) of the test's ``vdosbench_claims`` marker, or ``None``."""
    marker = node.get_closest_marker(MARKER)
    if marker is None:
        return None
    unknown = set(marker.kwargs) - _MARKER_OPTIONS
    if unknown:
        raise pytest.UsageError(
            f"@pytest.mark.{MARKER} takes claim ids and {sorted(_MARKER_OPTIONS)}, not {sorted(unknown)}"
        )
    refuted = marker.kwargs.get("refuted", ())
    refuted = [refuted] if isinstance(refuted, str) else list(refuted)
    return [str(a) for a in marker.args], refuted, bool(marker.kwargs.get("strict", False))


@pytest.fixture
def vdosbench_score(request: pytest.FixtureRequest) -> Scorer:
    """Score claims on a dataset: ``vdosbench_score(data, claims=None, claims_file=None, strict=False)``.

    The returned callable takes

    ``data``
        A file any adapter reads (``format`` and the adapter's ``**options``
        as for ``vdosbench score --format/--set``), or a VDOS-1.0
        :class:`xarray.Dataset`.
    ``claims``
        Claim ids to score; default: the ids of the test's
        ``vdosbench_claims`` marker, else every claim of the file.
    ``claims_file``
        A claims TOML (default: vdosbench's ``claims.toml``).
    ``strict``
        For the marker's gate: inconclusive fails too (as does the
        marker's own ``strict=True``).
    ``name``
        The input's name in the report.

    and returns the :class:`~vdosbench.benchmark.scorecard.ScoreCard`.  With
    the ``vdosbench_claims`` marker it first asserts the marker's claims
    (:func:`assert_claims`).  With ``--vdosbench-report DIR`` it writes the
    report under ``DIR/<test id>`` (``-2``, ``-3`` ... for further calls).
    """
    gate = _marker_gate(request.node)
    report_root = request.config.getoption("vdosbench_report")
    calls = itertools.count(1)

    def score(
        data: str | os.PathLike[str] | xr.Dataset,
        claims: Sequence[str] | None = None,
        claims_file: str | os.PathLike[str] | None = None,
        strict: bool = False,
        *,
        name: str | None = None,
        format: str | None = None,
        **options: Any,
    ) -> ScoreCard:
        __tracebackhide__ = True
        from .claims import default_claims_path, load_claims
        from .figures import safe_filename
        from .report import write_report
        from .scorecard import read_input, score_datasets

        ids = claims if claims is not None else ([*gate[0], *gate[1]] if gate and (gate[0] or gate[1]) else None)
        if isinstance(ids, str):
            ids = [ids]
        chosen = load_claims(claims_file)
        if ids is not None:
            chosen = select_claims(chosen, ids)
        inputs = [read_input(data, name=name, format=format, **options)]
        card = score_datasets(inputs, chosen, str(claims_file or default_claims_path()))
        if report_root:
            k = next(calls)
            folder = safe_filename(request.node.nodeid) + (f"-{k}" if k > 1 else "")
            write_report(card, inputs, Path(report_root) / folder)
        if gate is not None:
            supported, refuted, marker_strict = gate
            assert_claims(card, supported or None, refuted, strict=strict or marker_strict)
        return card

    return score
