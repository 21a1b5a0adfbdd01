"""``vdosbench score DATA...``: evaluate the claims that apply to datasets, write the report; a CI gate.

Exit status (:data:`~vdosbench.cli.help_text.EXIT_STATUS`): 0 when a claim
applies and no gating claim is refuted, 1 when one is refuted (or, with ``--strict``,
inconclusive; :func:`non_gating_refutations` says which printed refutations do not gate), 2 on bad input, 3 when no claim applies to any input (nothing
was tested, which is not a pass; the reports are still written and say why).
``score`` holds its ``--output`` folder (a second writer exits 2) and writes
the report whole in a temporary folder before moving it into place.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..checks import check_output_folder
from ..errors import unknown_name
from ..help_text import EPILOG, EXIT_STATUS
from ..options import data_path, declarable, output_folder, parse_assignments, parse_declarations

NAME = "score"
#: Bytes scoring holds at its peak per byte of the inputs' eigenvalues (the validators' working arrays, the
#: bootstraps, the report's figures), on top of what reading held: measured 14.0 × on eigenvalue-only N = 1600
#: data of 900 samples × 4 points (speed/results/score_memory.json: 2.14 GB above 0.2 GB of imports for 138 MB of
#: eigenvalues) and 9.4 × on one sample of 23.75 M modes (the fault probe's F6 archive, 1.71 GB for
#: 181 MB; speed/results/score_memory_f6.json).
#: ``score`` refuses inputs whose eigenvalues need more than the memory bound this way, before scoring them
#: (issue 64, F6: an archive accepted by the reader's bound peaked at 1.9 GB under a 1 GB bound).
SCORE_EIGENVALUE_COPIES = 14


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``vdosbench score`` to the subcommands ``sub``."""
    score = sub.add_parser(
        "score",
        help="evaluate the claims that apply to datasets; write a report",
        epilog=EXIT_STATUS + "\n" + EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    score.add_argument("data", nargs="+", type=data_path, help="VDOS-1.0 netCDF files")
    score.add_argument("--claims", type=Path, default=None, help="claims TOML (default: vdosbench's)")
    score.add_argument("--output", type=output_folder, default=Path("vdosbench-output/report"), help="report folder")
    score.add_argument("--strict", action="store_true", help="exit 1 on inconclusive too (exit statuses below)")
    score.add_argument(
        "--format",
        default=None,
        help="input format (netcdf, npz, text, lammps-dynmat, ase; default: guessed from each file)",
    )
    score.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="adapter option, e.g. spatial_dimension=3 or values=frequency",
    )
    score.add_argument(
        "--declare",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="what the data hold, e.g. model=kob_andersen, parent_temperature=0.45, taper_order=0 "
        "(keys: " + ", ".join(declarable()) + "); replaces the same key of a sidecar file "
        "DATA.vdos.toml next to each input; see docs/third-party.md, 'Declaring what the data hold'",
    )
    score.add_argument(
        "--no-cross-check",
        action="store_true",
        help="skip recomputing declared configurations' spectra with vdosbench's Hessian",
    )
    score.add_argument(
        "--reference",
        default=None,
        metavar="NAME",
        help="also compare with a reference ensemble: a catalogue name (see vdosbench list) or a "
        "VDOS-1.0 netCDF file; writes reference.md and reference.json (exit status unchanged)",
    )
    score.add_argument(
        "--certified",
        action="store_true",
        help="read only certified samples: each glass's Hessian is rebuilt from its stored positions "
        "and the count of modes below the cut checked by Sylvester inertia, with the zero modes, "
        "the symmetry, the residual force and the box (vdosbench.benchmark.certify); the report "
        "notes how many samples were left out and why, or that an input cannot be certified",
    )
    return score


def run(args: argparse.Namespace) -> int:
    """Score the data files on the claims and write the report; the exit status is the gate's."""
    options = parse_assignments(args.set, "--set", multi=False)
    return score_files(
        args.data,
        args.claims,
        args.output,
        args.strict,
        args.format,
        options,
        args.reference,
        parse_declarations(args.declare),
        not args.no_cross_check,
        certified=args.certified,
    )


def score_files(
    paths: Sequence[Path],
    claims_path: Path | None,
    output: Path,
    strict: bool,
    format: str | None = None,
    options: dict[str, Any] | None = None,
    reference: str | None = None,
    declared: dict[str, str] | None = None,
    cross_check: bool = True,
    gated: bool = True,
    certified: bool = False,
) -> int:
    """Score ``paths`` into the report folder ``output``, holding it for this run.

    The folder's lock (:func:`~vdosbench.datasets.folder_lock.folder_lock`) is held from the
    deletion of an earlier report to the new one's move into place: a second ``score`` into the same
    ``--output`` is refused at once (:class:`FolderBusyError`, exit 2).  The report is written whole in a
    temporary folder and then moved into place (:func:`~vdosbench.benchmark.report.staged_report`).
    ``gated``: the exit status is the gate's (``score``, ``demo --gate``); else ``demo``'s 0, and the last
    line says so.  ``certified``: each input is cut to its certified samples
    (:func:`~vdosbench.benchmark.certified_reading.certified_input`) and the input's notes say what was left out.
    """
    from vdosbench.benchmark.progress import reporting
    from vdosbench.benchmark.report import remove_stale_stages
    from vdosbench.benchmark.report_folder import remove_previous_report
    from vdosbench.datasets.folder_lock import folder_lock

    check_output_folder(output)
    created = not output.exists()
    output.mkdir(parents=True, exist_ok=True)
    try:
        with folder_lock(output, clash="two scores into one folder would mix their reports"):
            remove_stale_stages(output)
            # a score that fails from here on must not leave an old report looking current; only the files the
            # folder's last report wrote (its manifest) are deleted, and a foreign file of a report's name refused
            remove_previous_report(output)
            with reporting():  # the dense solves (LAMMPS matrices, the cross-code check) show progress on stderr
                return _score_held(
                    paths,
                    claims_path,
                    output,
                    strict,
                    format,
                    options,
                    reference,
                    declared,
                    cross_check,
                    gated,
                    certified,
                )
    except BaseException:
        if created:  # bad input writes nothing: not even the folder (rmdir removes only an empty one)
            with contextlib.suppress(OSError):
                output.rmdir()
        raise


def _declared_inputs(
    paths: Sequence[Path], format: str | None, options: dict[str, Any] | None, declared: dict[str, str] | None
) -> list[tuple[Any, Any]]:
    """(input info, dataset) of each path, read by its adapter and declared where a declaration names it."""
    from vdosbench.benchmark.declaration import declaration_for, declare
    from vdosbench.benchmark.scorecard import read_input

    datasets = []
    for path in paths:
        with unknown_name():
            info, ds = read_input(path, format=format, **(options or {}))
        declaration = declaration_for(path, declared)
        datasets.append((info, declare(ds, declaration, info.name) if declaration is not None else ds))
    _check_scoring_memory(datasets)
    return datasets


def _check_scoring_memory(datasets: list[tuple[Any, Any]]) -> None:
    """Refuse inputs whose scoring would hold more than the memory bound (:data:`SCORE_EIGENVALUE_COPIES` × their
    eigenvalues' bytes), before any claim is read."""
    from vdosbench.datasets import check_memory

    held = sum(int(ds["eigenvalue"].nbytes) for _, ds in datasets if "eigenvalue" in ds.variables)
    names = ", ".join(info.name for info, _ in datasets)
    check_memory(
        SCORE_EIGENVALUE_COPIES * held,
        f"scoring {names} ({SCORE_EIGENVALUE_COPIES} × the {held / 1e6:.1f} MB of their eigenvalues: the "
        "validators' working arrays, bootstraps and figures)",
        "score fewer samples or parameter points at a time (select them into a smaller file)",
    )


def _certified_inputs(datasets: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """Each input cut to its certified samples, the record added to the input's notes (report, JSON, stdout)."""
    import dataclasses

    from vdosbench.benchmark.certified_reading import certified_input

    out = []
    for info, ds in datasets:
        kept, record = certified_input(ds, info.name)
        out.append((dataclasses.replace(info, notes=(*info.notes, record.note())), kept))
    return out


def _print_card(card: Any, datasets: list[tuple[Any, Any]]) -> None:
    """Print the adapter notes, declarations, verdicts, cross-code checks and the score or why there is none."""
    from vdosbench.benchmark.report_text import gate_line, robustness_text
    from vdosbench.benchmark.scorecard import EXIT_NO_APPLICABLE_CLAIMS, ScoreCard
    from vdosbench.datasets import point_label

    for info in card.inputs:  # what the adapter did not read or renamed (issue 53): never silently
        for note in info.notes:
            print(f"note: {info.name}: {note}")
    for info, ds in datasets:
        if "declared_by" in ds.attrs:
            system = card.systems[info.name]
            described = point_label({k: v for k, v in system.items() if k != "declared_by"})
            print(f"declared: {info.name}: {described} (from {system['declared_by']})")
    for r in card.results:
        if r.points:
            print(f"{r.verdict.value:>14}  {r.claim.id}  ({r.dataset})  [{robustness_text(r)}]")
    for r in card.not_measurable():
        print(f"{'not measurable':>14}  {r.claim.id}  ({r.dataset}): {r.reason}")
    for check in card.cross_code:
        print(f"cross-code check: {check.summary()}")
    totals = card.totals()
    if card.no_claim_applies():
        print(f"score: not a pass (exit status {EXIT_NO_APPLICABLE_CLAIMS}): {card.why_no_claim_applies()}")
    else:
        for info in card.inputs:  # a CI gate should not pass silently over an input nothing was tested on
            own = ScoreCard(
                [info], card.claims_file, [r for r in card.results if r.dataset == info.name], formats=card.formats
            )
            if own.no_claim_applies():
                print(f"note: {info.name}: {own.why_no_claim_applies()}")
        print(
            f"score: {totals['supported']}/{totals['applicable']} applicable claims supported "
            f"(refuted {totals['refuted']}, inconclusive {totals['inconclusive']})"
        )
        print(gate_line(card))


def _score_held(
    paths: Sequence[Path],
    claims_path: Path | None,
    output: Path,
    strict: bool,
    format: str | None,
    options: dict[str, Any] | None,
    reference: str | None,
    declared: dict[str, str] | None,
    cross_check: bool,
    gated: bool,
    certified: bool = False,
) -> int:
    """:func:`score_files` once the report folder is held."""
    from vdosbench.benchmark.claims import default_claims_path, load_claims
    from vdosbench.benchmark.cross_code import cross_code_check
    from vdosbench.benchmark.report import staged_report, write_report_files
    from vdosbench.benchmark.scorecard import score_datasets

    claims = load_claims(claims_path)
    ref_source = ref_data = None
    if reference is not None:  # bad input fails here, before any output is written
        from vdosbench.benchmark.reference import open_reference, resolve_reference

        ref_source = resolve_reference(reference)
        ref_data = open_reference(ref_source)
    datasets = _declared_inputs(paths, format, options, declared)
    if certified:
        datasets = _certified_inputs(datasets)
    card = score_datasets(datasets, claims, str(claims_path or default_claims_path()))
    if cross_check:
        card.cross_code = [c for info, ds in datasets if (c := cross_code_check(ds, info.name)) is not None]
    comparison = None
    if ref_source is not None and ref_data is not None:
        from vdosbench.benchmark.reference import compare_to_reference, write_reference_report

        comparison = compare_to_reference([(i.name, ds) for i, ds in datasets], ref_data, ref_source)
    with staged_report(output) as stage:  # written whole, then moved into place
        write_report_files(card, datasets, stage)
        if comparison is not None:
            write_reference_report(comparison, stage)
    report = output / "report.md"
    _print_card(card, datasets)
    print(f"report: {report.resolve()}")
    print(f"html:   {(output / 'report.html').resolve()}")
    print(f"json:   {(output / 'result.json').resolve()}")
    if comparison is not None and ref_source is not None:
        print(f"\nreference {ref_source.name} ({ref_source.origin}: {ref_source.path}):")
        print(comparison.table())
        print(f"reference report: {(output / 'reference.md').resolve()}")
        print(f"reference json:   {(output / 'reference.json').resolve()}")
    print(exit_status_line(card, strict, gated))
    return card.exit_code(strict) if gated else 0


def _claim_list(results: Sequence[Any], top: int = 4) -> str:
    """``id (dataset), ...`` of ``results``, at most ``top`` of them and how many more."""
    named = [f"{r.claim.id} ({r.dataset})" for r in results[:top]]
    more = f" and {len(results) - top} more" if len(results) > top else ""
    return ", ".join(named) + more


def non_gating_refutations(card: Any) -> str:
    """The refuted results that do not gate, and why, as a clause of the last line (``""`` when there are none).

    A superseded claim's result (``superseded_by``) and a result on data a protocol note describes (e.g. the
    additive mixture's T_d sets: aged, not in equilibrium; :mod:`vdosbench.benchmark.protocols`) are printed and
    reported but do not change the exit status (:meth:`~vdosbench.benchmark.scorecard.ScoreCard.gating`).
    """
    from vdosbench.benchmark.scoring import Verdict

    gating = {id(r) for r in card.gating()}
    idle = [r for r in card.results if r.verdict is Verdict.REFUTED and id(r) not in gating]
    if not idle:
        return ""
    reasons = []
    for r in idle:
        if r.claim.superseded_by is not None:
            reasons.append(f"{r.claim.id} ({r.dataset}): superseded by {r.claim.superseded_by}")
        elif r.protocol is not None:
            reasons.append(f"{r.claim.id} ({r.dataset}): data of protocol '{r.protocol.label}', not the claim's")
    shown = "; ".join(reasons[:4]) + (f"; and {len(reasons) - 4} more" if len(reasons) > 4 else "")
    return (
        f"{len(idle)} printed refutation{'s' if len(idle) != 1 else ''} "
        f"{'does' if len(idle) == 1 else 'do'} not gate ({shown}): reported, not counted in the exit status"
    )


def exit_status_line(card: Any, strict: bool = False, gated: bool = True) -> str:
    """The last line of ``score`` and ``demo``: the exit status and why, naming the claims that decide it.

    Parameters
    ----------
    card
        The :class:`~vdosbench.benchmark.scorecard.ScoreCard`.
    strict
        ``--strict``: inconclusive claims fail the gate too.
    gated
        The exit status is the gate's (``score``, ``demo --gate``); else it is ``demo``'s 0, and the line
        says what the gate would have been.

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> from vdosbench.benchmark.claims import load_claims
    >>> from vdosbench.benchmark.scorecard import read_input, score_datasets
    >>> card = score_datasets([read_input(mock_spectrum(), name="mock")], load_claims(), "default")
    >>> exit_status_line(card)
    'exit 3: no claim applies to any input, so nothing was tested (not a pass); see "score: not a pass" above'
    """
    from vdosbench.benchmark.scorecard import EXIT_FAIL, EXIT_NO_APPLICABLE_CLAIMS
    from vdosbench.benchmark.scoring import Verdict

    code = card.exit_code(strict)
    gating = {id(r) for r in card.gating()}
    refuted = [r for r in card.results if r.verdict is Verdict.REFUTED and id(r) in gating]
    inconclusive = [r for r in card.results if r.verdict is Verdict.INCONCLUSIVE and id(r) in gating]
    if code == EXIT_NO_APPLICABLE_CLAIMS:
        why = 'no claim applies to any input, so nothing was tested (not a pass); see "score: not a pass" above'
    elif code == EXIT_FAIL and refuted:
        why = (
            f"{'a claim is' if len(refuted) == 1 else f'{len(refuted)} claim results are'} refuted "
            f"({_claim_list(refuted)}): the measured value lies outside the claim's expected range; see "
            "'Findings' in the report"
        )
    elif code == EXIT_FAIL and not inconclusive:
        why = (
            "--strict and no current claim decides: only superseded claims, or claims on data of another "
            "protocol, apply (the gate is 'inconclusive')"
        )
    elif code == EXIT_FAIL:
        why = (
            f"--strict and {len(inconclusive)} claim result(s) inconclusive ({_claim_list(inconclusive)}): "
            "the data cannot decide them"
        )
    else:
        applicable = len(card.applicable())
        why = (
            f"{applicable} applicable claim result(s), none refuted"
            if len(gating) == applicable
            else f"{len(gating)} gating claim result(s) of {applicable} applicable, none refuted"
        )
        if inconclusive:
            why += f" ({len(inconclusive)} inconclusive, which passes without --strict)"
    not_gating = non_gating_refutations(card)
    if not_gating and code != EXIT_NO_APPLICABLE_CLAIMS:
        why += f"; {not_gating}"
    if gated:
        return f"exit {code}: {why}"
    return (
        f"exit 0: the demo ran and its report is written; verdicts are findings here, not failures (as a CI "
        f"gate, with --gate, it would exit {code}: {why})"
    )
