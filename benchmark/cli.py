"""The ``vdosbench`` command line: generate, score, demo, claims.

Exit status of ``score`` (and of ``demo --gate``), :data:`EXIT_STATUS`: 0 when
a claim applies and none is refuted, 1 when one is refuted (or, with ``--strict``,
inconclusive), 2 on bad input, 3 when no claim applies to any input (nothing
was tested, which is not a pass; the reports are still written and say why).
That makes ``vdosbench score`` a CI gate.  ``demo`` alone exits 0 once its
report is written: refuted claims are findings, reported in the report.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

EPILOG = """\
examples:
  vdosbench demo                                   # small ensemble on a local Dask cluster, scored
  vdosbench generate spring_network --samples 10 --output runs/seed002
  vdosbench generate spring_network --grid delta=0.1,0.3 --grid connectivity=cutoff \\
      --set n_side=30 --samples 4 --workers 2 --output runs/small
  vdosbench generate nine_node_toy --output runs/toy
  vdosbench generate --recipe soft_spheres_n1000_small --output runs/glass_small
  vdosbench score runs/seed002/ensemble.nc runs/toy/ensemble.nc --output runs/report
  vdosbench score data.nc --claims my_claims.toml --strict   # exit 1 on refuted/inconclusive
  vdosbench claims                                 # list the claims and their sources
  vdosbench list                                   # the reference-dataset catalogue
  vdosbench fetch spring-network-16                # verified by sha256 (shipped copy or download)
  vdosbench build nine-node-toy --output runs/toy  # regenerate from the recipe, compare hashes
  vdosbench score eigenvalues.txt --format text --set spatial_dimension=3
  vdosbench score data.nc --reference spring-network-16   # + distance to a reference: reference.md/.json
"""


#: The exit statuses of ``score`` and ``demo --gate``, printed by ``vdosbench score --help``.
EXIT_STATUS = """\
exit status:
  0  a claim applies and none is refuted (with --strict: every applicable claim is supported)
  1  a claim is refuted (with --strict: or inconclusive)
  2  bad input: unreadable data, claims file, option or reference; nothing is written
  3  no claim applies to any input: nothing was tested, which is not a pass; the reports
     are written and say why (result.json: "gate": "no-applicable-claims"); declare the
     attributes the claims select on (their applies_to keys, e.g. generator), or pass
     them with --set KEY=VALUE where the input's adapter accepts it
"""


class UsageError(Exception):
    """Bad command-line input (exit status 2)."""


def _parse_value(text: str) -> Any:
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    return text


def _parse_assignments(items: Sequence[str], what: str, multi: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in items:
        if "=" not in item:
            raise UsageError(f"{what} {item!r} is not NAME=VALUE; e.g. --grid delta=0.1,0.2 or --set n_side=30")
        key, value = item.split("=", 1)
        out[key.strip()] = [_parse_value(v) for v in value.split(",")] if multi else _parse_value(value)
    return out


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for the docs and tests)."""
    parser = argparse.ArgumentParser(
        prog="vdosbench",
        description="Datasets, validators and a benchmark for the low-frequency vibrational spectrum of glasses.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    from vdosbench import __version__

    parser.add_argument("--version", action="version", version=f"vdosbench {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    gen = sub.add_parser("generate", help="run a generator over a parameter grid x samples on Dask",
                         epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    gen.add_argument("generator", nargs="?", default=None,
                     help="generator name (e.g. spring_network, soft_spheres, het_scba); omit with --recipe")
    gen.add_argument("--recipe", default=None,
                     help="a named recipe (the paper's datasets, e.g. soft_spheres_n1000, soft_spheres_n1000_small)")
    gen.add_argument("--grid", action="append", default=[], metavar="NAME=V1,V2",
                     help="grid parameter values (default: the generator's, i.e. the paper's)")
    gen.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="fixed parameter")
    gen.add_argument("--samples", type=int, default=None, help="samples per grid point (default 10, or the recipe's)")
    gen.add_argument("--seed", type=int, default=None, help="root seed (default 20260, or the recipe's)")
    gen.add_argument("--output", type=Path, required=True, help="output folder (parts/ and ensemble.nc)")
    gen.add_argument("--scheduler", default=None, help="address of a running dask scheduler")
    gen.add_argument("--workers", type=int, default=None, help="local Dask workers (default: cores)")
    gen.add_argument("--blas-threads", type=int, default=1, help="BLAS threads per worker (default 1)")
    gen.add_argument("--no-progress", action="store_true", help="no progress bar")

    score = sub.add_parser("score", help="evaluate the claims that apply to datasets; write a report",
                           epilog=EXIT_STATUS + "\n" + EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    score.add_argument("data", nargs="+", type=Path, help="VDOS-1.0 netCDF files")
    score.add_argument("--claims", type=Path, default=None, help="claims TOML (default: vdosbench's)")
    score.add_argument("--output", type=Path, default=Path("vdosbench-output/report"), help="report folder")
    score.add_argument("--strict", action="store_true", help="exit 1 on inconclusive too (exit statuses below)")
    score.add_argument("--format", default=None,
                       help="input format (netcdf, npz, text, lammps-dynmat, ase; default: guessed from each file)")
    score.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                       help="adapter option, e.g. spatial_dimension=3 or values=frequency")
    score.add_argument("--reference", default=None, metavar="NAME",
                       help="also compare with a reference ensemble: a catalogue name (see vdosbench list) or a "
                            "VDOS-1.0 netCDF file; writes reference.md and reference.json (exit status unchanged)")

    demo = sub.add_parser("demo", help="generate a small ensemble on a local Dask cluster, score it, write the report")
    demo.add_argument("--output", type=Path, default=Path("vdosbench-output/demo"), help="output folder")
    demo.add_argument("--samples", type=int, default=6, help="samples per grid point (default 6)")
    demo.add_argument("--n-side", type=int, default=30, help="network side (default 30: 900 nodes)")
    demo.add_argument("--workers", type=int, default=None, help="local Dask workers (default: cores)")
    demo.add_argument("--seed", type=int, default=20260, help="root seed")
    demo.add_argument("--gate", action="store_true",
                      help="exit as score does: 1 when a claim is refuted, 3 when no claim applies "
                           "(default: 0 once the report is written)")
    demo.add_argument("--strict", action="store_true", help="with --gate: exit 1 on inconclusive too")

    sub.add_parser("claims", help="list the claims of the shipped claims file")
    sub.add_parser("list", help="list the catalogue of reference datasets")

    fetch = sub.add_parser("fetch", help="download a catalogued dataset, verified by its sha256")
    fetch.add_argument("name", help="catalogue name (see vdosbench list)")
    fetch.add_argument("--cache-dir", type=Path, default=None, help="cache folder (default $VDOSBENCH_CACHE or the OS cache)")
    fetch.add_argument("--url", action="append", default=None, help="download from this URL instead (repeatable)")

    build = sub.add_parser("build", help="regenerate a catalogued dataset from its recipe on Dask")
    build.add_argument("name", help="catalogue name (see vdosbench list)")
    build.add_argument("--output", type=Path, required=True, help="ensemble folder")
    build.add_argument("--workers", type=int, default=None, help="local Dask workers (default: cores)")
    build.add_argument("--scheduler", default=None, help="address of a running dask scheduler")
    return parser


def _cmd_generate(args: argparse.Namespace) -> int:
    from vdosbench.generators import get_generator, run_ensemble

    from vdosbench.generators import RECIPES

    grid = _parse_assignments(args.grid, "--grid", multi=True)
    fixed = _parse_assignments(args.set, "--set", multi=False)
    n_samples, root_seed = args.samples or 10, 20260 if args.seed is None else args.seed
    name = args.generator
    if args.recipe is not None:
        if args.recipe not in RECIPES:
            raise UsageError(f"unknown recipe {args.recipe!r}; recipes are {sorted(RECIPES)}")
        recipe = RECIPES[args.recipe]
        if name is not None and name != recipe.generator:
            raise UsageError(f"recipe {args.recipe!r} runs {recipe.generator!r}, not {name!r}; omit the generator")
        name = recipe.generator
        grid = {**{k: list(v) for k, v in recipe.grid.items()}, **grid}
        fixed = {**recipe.fixed, **fixed}
        n_samples = args.samples or recipe.n_samples
        root_seed = recipe.root_seed if args.seed is None else args.seed
    if name is None:
        raise UsageError("name a generator or a --recipe; e.g. vdosbench generate spring_network --output DIR")
    try:
        generator = get_generator(name)
    except KeyError as e:
        raise UsageError(str(e.args[0])) from None
    start = time.perf_counter()
    ds = run_ensemble(
        generator,
        grid=grid or None,
        fixed=fixed or None,
        n_samples=n_samples,
        root_seed=root_seed,
        output=args.output,
        scheduler_address=args.scheduler,
        n_workers=args.workers,
        blas_threads=args.blas_threads,
        progress=not args.no_progress,
    )
    sizes = ", ".join(f"{k}={v}" for k, v in ds["eigenvalue"].sizes.items())
    print(f"wrote {args.output / 'ensemble.nc'} ({sizes}) in {time.perf_counter() - start:.1f} s")
    return 0


def _score(
    paths: Sequence[Path],
    claims_path: Path | None,
    output: Path,
    strict: bool,
    format: str | None = None,
    options: dict[str, Any] | None = None,
    reference: str | None = None,
) -> int:
    from .claims import default_claims_path, load_claims
    from .report import EXIT_NO_APPLICABLE_CLAIMS, ScoreCard, read_input, score_datasets, write_report

    claims = load_claims(claims_path)
    ref_source = ref_data = None
    if reference is not None:  # bad input fails here, before any output is written
        from .reference import open_reference, resolve_reference

        ref_source = resolve_reference(reference)
        ref_data = open_reference(ref_source)
    datasets = []
    for path in paths:
        try:
            datasets.append(read_input(path, format=format, **(options or {})))
        except KeyError as e:
            raise UsageError(str(e.args[0])) from None
    card = score_datasets(datasets, claims, str(claims_path or default_claims_path()))
    report = write_report(card, datasets, output)
    for r in card.results:
        if r.points:
            print(f"{r.verdict.value:>14}  {r.claim.id}  ({r.dataset})")
    totals = card.totals()
    if card.no_claim_applies():
        print(f"score: not a pass (exit status {EXIT_NO_APPLICABLE_CLAIMS}): {card.why_no_claim_applies()}")
    else:
        for info in card.inputs:  # a CI gate should not pass silently over an input nothing was tested on
            own = ScoreCard([info], card.claims_file, [r for r in card.results if r.dataset == info.name],
                            formats=card.formats)
            if own.no_claim_applies():
                print(f"note: {info.name}: {own.why_no_claim_applies()}")
        print(f"score: {totals['supported']}/{totals['applicable']} applicable claims supported "
              f"(refuted {totals['refuted']}, inconclusive {totals['inconclusive']})")
    print(f"report: {report.resolve()}")
    print(f"json:   {(output / 'result.json').resolve()}")
    if ref_source is not None and ref_data is not None:
        from .reference import compare_to_reference, write_reference_report

        comparison = compare_to_reference([(i.name, ds) for i, ds in datasets], ref_data, ref_source)
        md, js = write_reference_report(comparison, output)
        print(f"\nreference {ref_source.name} ({ref_source.origin}: {ref_source.path}):")
        print(comparison.table())
        print(f"reference report: {md.resolve()}")
        print(f"reference json:   {js.resolve()}")
    return card.exit_code(strict)


def _cmd_demo(args: argparse.Namespace) -> int:
    from vdosbench.datasets import write
    from vdosbench.generators import get_generator, nine_node_toy, run_ensemble

    out: Path = args.output
    start = time.perf_counter()
    print(f"demo: seed-002 spring networks, {args.n_side}x{args.n_side}, {args.samples} samples per point, "
          "delta in {0, 0.1, 0.2, 0.3} x {nearest, cutoff} x {1/r, constant} springs, on a local Dask cluster")
    run_ensemble(
        get_generator("spring_network"),
        fixed={"n_side": args.n_side},
        n_samples=args.samples,
        root_seed=args.seed,
        output=out / "spring_network",
        n_workers=args.workers,
    )
    write(nine_node_toy(), out / "nine_node_toy" / "ensemble.nc")
    print(f"generated in {time.perf_counter() - start:.1f} s")
    code = _score(
        [out / "spring_network" / "ensemble.nc", out / "nine_node_toy" / "ensemble.nc"],
        None,
        out / "report",
        args.strict,
    )
    return code if args.gate else 0


def _cmd_list() -> int:
    from vdosbench.datasets.catalog import list_entries

    for entry in list_entries():
        print(entry.summary(), end="\n\n")
    return 0


def _cmd_fetch(args: argparse.Namespace) -> int:
    from vdosbench.datasets.fetch import fetch

    try:
        path = fetch(args.name, cache_dir=args.cache_dir, urls=args.url, progress=True)
    except KeyError as e:
        raise UsageError(str(e.args[0])) from None
    print(path)
    return 0


def _cmd_build(args: argparse.Namespace) -> int:
    from .rebuild import build

    try:
        report = build(args.name, args.output, n_workers=args.workers, scheduler_address=args.scheduler)
    except KeyError as e:
        raise UsageError(str(e.args[0])) from None
    print(report.summary())
    return 0


def _cmd_claims() -> int:
    from .claims import load_claims

    for c in load_claims():
        print(f"{c.id}\n    {c.source}\n    {c.statement}\n    measure: {c.validator}.{c.quantity} "
              f"{json.dumps(dict(c.settings))}; expected {c.expect.describe()}\n")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``vdosbench`` command."""
    args = build_parser().parse_args(argv)
    from vdosbench.benchmark.claims import ClaimsFileError
    from vdosbench.datasets import ConventionError, VDOSReadError
    from vdosbench.datasets.fetch import FetchError
    from vdosbench.generators.ensemble import EnsembleSettingsError

    from .adapters import AdapterError
    from .reference import ReferenceInputError

    try:
        if args.command == "generate":
            return _cmd_generate(args)
        if args.command == "score":
            options = _parse_assignments(args.set, "--set", multi=False)
            return _score(args.data, args.claims, args.output, args.strict, args.format, options, args.reference)
        if args.command == "demo":
            return _cmd_demo(args)
        if args.command == "list":
            return _cmd_list()
        if args.command == "fetch":
            return _cmd_fetch(args)
        if args.command == "build":
            return _cmd_build(args)
        return _cmd_claims()
    except (
        UsageError, ConventionError, VDOSReadError, ClaimsFileError, FileNotFoundError, EnsembleSettingsError,
        AdapterError, FetchError, ReferenceInputError,
    ) as e:
        print(f"vdosbench: error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
