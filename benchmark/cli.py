"""The ``vdosbench`` command line: generate, describe, score, demo, claims.

Exit status of ``score`` (and of ``demo --gate``), :data:`EXIT_STATUS`: 0 when
a claim applies and none is refuted, 1 when one is refuted (or, with ``--strict``,
inconclusive), 2 on bad input, 3 when no claim applies to any input (nothing
was tested, which is not a pass; the reports are still written and say why).
That makes ``vdosbench score`` a CI gate.  ``demo`` alone exits 0 once its
report is written: refuted claims are findings, reported in the report.

Every failure that is not a verdict exits 2 with one line on stderr saying
what was expected, what was found and the fix (:data:`EXIT_STATUS_OTHER`):
bad options, unreadable input, an output folder that is a file or not
writable (checked before any work starts) or held by another live run (an
ensemble folder, or a report folder: ``score`` holds its ``--output`` and
writes the report whole in a temporary folder before moving it into place), data
or a generator request above the memory bound (``VDOSBENCH_MEMORY_LIMIT``,
checked before allocation), failed ensemble parts, a Dask or file-system
error, running out of memory.  Set ``VDOSBENCH_TRACEBACK=1`` to
see the traceback as well.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from . import cli_catalogue
from .cli_checks import UsageError, check_output_folder, data_path, refuse_workers_with_scheduler

EPILOG = """\
examples:
  vdosbench demo                                   # small ensemble on a local Dask cluster, scored
  vdosbench generate --list                        # the generators, one line each, with their seed paper
  vdosbench describe soft_spheres                  # every parameter: units, default, allowed values; recipes
  vdosbench generate --list-recipes                # the papers' datasets, with size and estimated cost
  vdosbench generate soft_spheres --grid taper_order=inf --grid parent_temperature=0.144 \\
      --set n_particles=128 --set n_sweeps=200 --samples 2 --output runs/low_t_minf
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
  vdosbench fetch nine-node-toy                    # its scoring form: from a clone's reference-data/, else downloaded
  vdosbench build nine-node-toy --output runs/toy  # regenerate from the recipe, verify by value
  vdosbench publish spring-network-16 --to mirror/ # files + pooch registry for a static host
  VDOSBENCH_MIRROR=https://host/vdosbench vdosbench fetch het-scba-fig1b   # fetch from a mirror
  vdosbench fingerprint runs/toy/ensemble.nc --name nine-node-toy   # catalogue fields of a built file
  vdosbench compact runs/toy/ensemble.nc reference-data/nine-node-toy.nc --scoring-form   # what scoring reads
  vdosbench compact runs/glass/ensemble.nc glass.nc --scoring-form \\
      --leave-out eigenvector,pair_i,pair_j,pair_distance,pair_psi,pair_stress,pair_count   # claims on them: full set
  vdosbench compact runs/levels/ensemble.nc levels.nc --scoring-form --leave-out position,diameter \\
      --float32 eigenvalue                     # too large otherwise: values to 1% of their error
  vdosbench score eigenvalues.txt --format text --set spatial_dimension=3
  vdosbench score ka.npz --declare model=kob_andersen --declare parent_temperature=2.0 --declare taper_order=0
  vdosbench score data.nc --reference spring-network-16   # + distance to a reference: reference.md/.json
"""


#: The exit statuses of ``score`` and ``demo --gate``, printed by ``vdosbench score --help``.
EXIT_STATUS = """\
exit status:
  0  a claim applies and none is refuted (with --strict: every applicable claim is supported)
  1  a claim is refuted (with --strict: or inconclusive)
  2  bad input or a failure that is no verdict: unreadable data, claims file, option or
     reference, data whose header declares more than the memory bound (VDOSBENCH_MEMORY_LIMIT,
     default: the available memory; checked before loading), an output folder that is a file
     or not writable (nothing is written) or that another score is writing (its pid and host
     are named), or an error while scoring or writing (one line on stderr: what was expected,
     found, the fix)
  The last line of the output says which status and why, naming the claims that decide it.
  3  no claim applies to any input: nothing was tested, which is not a pass; the reports
     are written and say why (result.json: "gate": "no-applicable-claims"); declare what
     the data hold (--declare model=... or a sidecar DATA.vdos.toml), or the attributes
     the claims select on (their applies_to keys, e.g. generator)
"""


#: The exit statuses of ``generate``, ``build`` and ``demo`` (without ``--gate``), in their ``--help``.
EXIT_STATUS_OTHER = """\
exit status:
  0  done: the output is written
  2  bad input or a failure: an unknown or refused parameter, or a request whose estimated
     memory (the generator's estimate x tasks at once) exceeds the memory bound
     (VDOSBENCH_MEMORY_LIMIT, default: the available memory) (both checked before any task is
     submitted or file written), an output folder that is a file or not writable, or held by
     another live run (its pid, host and start are named), failed
     parts (named with their parameters and seed; the other parts are kept and a re-run
     computes only the missing ones), a Dask, file-system or memory error; one line on
     stderr says what was expected, what was found and the fix
  143 stopped by SIGTERM: the folder lock and local workers are released, finished parts
     are kept and a re-run resumes
"""

#: The exit statuses of ``build``, in its ``--help``.
EXIT_STATUS_BUILD = """\
exit status:
  0  reproduced: bit for bit (content hash), or within tolerance (every fingerprint
     quantity within its tolerance, its catalogued standard error); or another
     realization, consistent with the catalogue (other glasses from the same recipe, as
     another CPU's rounding makes: no quantity beyond a two-sample Welch t test at a
     family-wise alpha of 0.05; assessed for >= 20 independent samples per point, or
     for Monte Carlo chain sets >= 20 chains per point, by their chain standard errors)
  1  not reproduced: fingerprint quantities outside their tolerance and, where assessed,
     beyond the two-sample test, or points or quantities missing (named on stdout)
  2  bad input or a failure: an unknown name, a recipe whose estimated memory exceeds the
     memory bound (VDOSBENCH_MEMORY_LIMIT, default: the available memory), an
     output folder that is a file or not writable, or held by another live run, failed
     parts, a Dask, file-system or memory error (as for generate; one line on stderr: what
     was expected, found, the fix)
  3  not verified: the content hash differs and the entry has no fingerprint
  143 stopped by SIGTERM: the folder lock and local workers are released, finished parts
     are kept and a re-run resumes
"""

#: Report files of ``score`` under its output folder; stale ones are deleted before scoring.
REPORT_FILES = ("report.md", "report.html", "result.json", "reference.md", "reference.json")


def _positive_int(text: str) -> int:
    """An argparse type: an integer ≥ 1 (``--samples 0`` is refused, not read as the default)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer ≥ 1, found {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected an integer ≥ 1, found {value}; pass at least 1")
    return value


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


def _declarable() -> tuple[str, ...]:
    from .declaration import DECLARABLE

    return DECLARABLE


def _key_values(items: Sequence[str], option: str, example: str) -> dict[str, str]:
    """``KEY=VALUE`` items of ``option`` as text (the last one of a key wins)."""
    out: dict[str, str] = {}
    for item in items:
        if "=" not in item:
            raise UsageError(f"{option} {item!r} is not KEY=VALUE; e.g. {option} {example}")
        key, value = item.split("=", 1)
        out[key.strip()] = value.strip()
    return out


def _parse_declarations(items: Sequence[str]) -> dict[str, str]:
    """``--declare KEY=VALUE`` items as text (checked by :func:`~vdosbench.benchmark.declaration.parse_declaration`)."""
    return _key_values(items, "--declare", "model=kob_andersen")


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
                         epilog=EXIT_STATUS_OTHER + "\n" + EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
                         add_help=False)
    gen.add_argument("-h", "--help", action="store_true",
                     help="show this help; with a generator or --recipe: its parameters (as vdosbench describe)")
    gen.add_argument("generator", nargs="?", default=None,
                     help="generator name (see --list; e.g. spring_network, soft_spheres); omit with --recipe")
    gen.add_argument("--list", action="store_true", help="list the generators, one line each, and exit")
    gen.add_argument("--list-recipes", action="store_true",
                     help="list the recipes with their size and estimated cost, and exit")
    gen.add_argument("--recipe", default=None,
                     help="a named recipe (the paper's datasets, e.g. soft_spheres_n1000, soft_spheres_n1000_small)")
    gen.add_argument("--grid", action="append", default=[], metavar="NAME=V1,V2",
                     help="grid parameter values; overrides that parameter's default, the other grid "
                          "parameters keep theirs (the generator's, i.e. the paper's)")
    gen.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="fixed parameter")
    gen.add_argument("--samples", type=_positive_int, default=None,
                     help="samples per grid point, >= 1 (default 10, or the recipe's)")
    gen.add_argument("--first-sample", type=int, default=0, metavar="K",
                     help="compute only samples K ... N-1 of the N samples (a piece of the ensemble: split it "
                          "over machines or folders, or continue one whose first parts are kept elsewhere); "
                          "sample i is the same in every piece; for chain generators K starts a chain")
    gen.add_argument("--seed", type=int, default=None, help="root seed (default 20260, or the recipe's)")
    gen.add_argument("--output", type=Path, default=None, help="output folder (parts/ and ensemble.nc); required")
    gen.add_argument("--scheduler", default=None, help="address of a running dask scheduler")
    gen.add_argument("--workers", type=_positive_int, default=None,
                     help="local Dask workers (default: cores); not with --scheduler")
    gen.add_argument("--blas-threads", type=_positive_int, default=1, help="BLAS threads per worker (default 1)")
    gen.add_argument("--no-progress", action="store_true", help="no progress bar")

    score = sub.add_parser("score", help="evaluate the claims that apply to datasets; write a report",
                           epilog=EXIT_STATUS + "\n" + EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    score.add_argument("data", nargs="+", type=data_path, help="VDOS-1.0 netCDF files")
    score.add_argument("--claims", type=Path, default=None, help="claims TOML (default: vdosbench's)")
    score.add_argument("--output", type=Path, default=Path("vdosbench-output/report"), help="report folder")
    score.add_argument("--strict", action="store_true", help="exit 1 on inconclusive too (exit statuses below)")
    score.add_argument("--format", default=None,
                       help="input format (netcdf, npz, text, lammps-dynmat, ase; default: guessed from each file)")
    score.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                       help="adapter option, e.g. spatial_dimension=3 or values=frequency")
    score.add_argument("--declare", action="append", default=[], metavar="KEY=VALUE",
                       help="what the data hold, e.g. model=kob_andersen, parent_temperature=0.45, taper_order=0 "
                            "(keys: " + ", ".join(_declarable()) + "); replaces the same key of a sidecar file "
                            "DATA.vdos.toml next to each input; see docs/third-party.md, 'Declaring what the data hold'")
    score.add_argument("--no-cross-check", action="store_true",
                       help="skip recomputing declared configurations' spectra with vdosbench's Hessian")
    score.add_argument("--reference", default=None, metavar="NAME",
                       help="also compare with a reference ensemble: a catalogue name (see vdosbench list) or a "
                            "VDOS-1.0 netCDF file; writes reference.md and reference.json (exit status unchanged)")

    demo = sub.add_parser("demo", help="generate a small ensemble on a local Dask cluster, score it, write the report",
                          epilog="exit status: 0 once the report is written; with --gate as score (0, 1, 3); "
                                 "2 on bad input or a failure (one line on stderr)",
                          formatter_class=argparse.RawDescriptionHelpFormatter)
    demo.add_argument("--output", type=Path, default=Path("vdosbench-output/demo"), help="output folder")
    demo.add_argument("--samples", type=_positive_int, default=6, help="samples per grid point, >= 1 (default 6)")
    demo.add_argument("--n-side", type=int, default=30, help="network side (default 30: 900 nodes)")
    demo.add_argument("--workers", type=_positive_int, default=None, help="local Dask workers (default: cores)")
    demo.add_argument("--seed", type=int, default=20260, help="root seed")
    demo.add_argument("--gate", action="store_true",
                      help="exit as score does: 1 when a claim is refuted, 3 when no claim applies "
                           "(default: 0 once the report is written)")
    demo.add_argument("--strict", action="store_true", help="with --gate: exit 1 on inconclusive too")

    describe = sub.add_parser("describe", help="a generator's parameters (units, default, allowed values) and "
                                               "recipes, or a recipe's size and estimated cost")
    describe.add_argument("name", help="generator or recipe name (see vdosbench generate --list / --list-recipes)")
    gen.set_defaults(print_help=gen.print_help)

    sub.add_parser("claims", help="list the claims of the shipped claims file")
    sub.add_parser("list", help="list the catalogue of reference datasets")

    fetch = sub.add_parser("fetch", help="download a catalogued dataset, verified by its sha256")
    fetch.add_argument("name", help="catalogue name (see vdosbench list)")
    fetch.add_argument("--cache-dir", type=Path, default=None, help="cache folder (default $VDOSBENCH_CACHE or the OS cache)")
    fetch.add_argument("--url", action="append", default=None,
                       help="download from this URL instead (repeatable); by default the mirrors of $VDOSBENCH_MIRROR "
                            "or the config file, then the catalogue's URLs (the repository for a scoring form)")
    fetch.add_argument("--form", choices=("auto", "full", "scoring"), default="auto",
                       help="auto (default): a full set already here (shipped or cached), else the scoring form "
                            "(what scoring reads: in a clone's reference-data/ folder, no network), else the full "
                            "set; full or scoring: that one")

    build = sub.add_parser("build", help="regenerate a catalogued dataset from its recipe on Dask, verify it by value",
                           epilog=EXIT_STATUS_BUILD, formatter_class=argparse.RawDescriptionHelpFormatter)
    build.add_argument("name", help="catalogue name (see vdosbench list)")
    build.add_argument("--output", type=Path, required=True, help="ensemble folder")
    build.add_argument("--workers", type=_positive_int, default=None,
                       help="local Dask workers (default: cores); not with --scheduler")
    build.add_argument("--scheduler", default=None, help="address of a running dask scheduler")

    publish = sub.add_parser("publish", help="write catalogued datasets and a pooch registry into a folder to serve")
    publish.add_argument("names", nargs="+", metavar="NAME", help="catalogue names (see vdosbench list)")
    publish.add_argument("--to", type=Path, required=True, help="folder to write (served as is by any static host)")
    publish.add_argument("--from", dest="sources", type=Path, action="append", default=[], metavar="PATH",
                         help="a catalogued file or a folder holding it (repeatable); default: the shipped copy "
                              "or the fetch cache")
    publish.add_argument("--cache-dir", type=Path, default=None, help="fetch cache to take files from")
    publish.add_argument("--form", choices=("full", "scoring", "both"), default="full",
                         help="the full set (default), its scoring form (from a clone's reference-data/ or the "
                              "cache), or both")

    fprint = sub.add_parser("fingerprint", help="print the catalogue fields (hashes, fingerprint) of a built file")
    fprint.add_argument("file", type=Path, help="a built ensemble.nc")
    fprint.add_argument("--name", required=True, help="the catalogue name of the entry")
    fprint.add_argument("--manifest", type=Path, default=None,
                        help="the run's ensemble.json, for the recipe tables (default: the one beside FILE)")

    compact = sub.add_parser("compact", help="write a dataset in the catalogue's storage form (float32 eigenvectors), "
                                             "or with --scoring-form only what scoring reads")
    compact.add_argument("source", type=Path, help="a VDOS-1.0 netCDF file")
    compact.add_argument("target", type=Path, help="the file to write (atomically)")
    compact.add_argument("--scoring-form", action="store_true",
                         help="keep only the variables vdosbench score and --reference read, found by scoring the "
                              "set without each (vdosbench.benchmark.scoring_form); the written file is scored "
                              "again and must give the same verdicts and values")
    compact.add_argument("--claims", type=Path, default=None,
                         help="with --scoring-form: the claims the form must score (default: vdosbench's)")
    compact.add_argument("--no-structures", action="store_true",
                         help="with --scoring-form: leave out positions, diameters and box when no claim reads them")
    compact.add_argument("--leave-out", action="append", default=None, metavar="VAR[,VAR...]",
                         help="with --scoring-form: leave these variables out on purpose (comma list, repeatable; "
                              "e.g. eigenvector, or every pair variable with pair_count); the claims that read them "
                              "need the full set (vdosbench build NAME) and the form names them; every other claim "
                              "and --reference must still score as on the full set (but for the eigenvalue "
                              "agreement on shared configurations when position is left out: the form names it)")
    compact.add_argument("--float32", action="append", default=None, metavar="VAR[,VAR...]",
                         help="with --scoring-form: store these float64 variables as float32 (e.g. eigenvalue of a "
                              "set too large otherwise); the form must then give the full set's verdicts, "
                              "every measured value within 1%% of its uncertainty, and names the variables")

    compare = sub.add_parser(
        "compare-codes", help="one table (Markdown, HTML, JSON) from scored results of the same systems by different "
        "codes: Hessian and moduli agreement, verdicts side by side, cost per sample",
        epilog="exit status: 0 once the table is written; 2 on bad input (one line on stderr)")
    compare.add_argument("results", nargs="+", metavar="[LABEL=]RESULT.json",
                         help="result.json of vdosbench score for each code; the first is the reference column")
    compare.add_argument("--cost", action="append", default=[], metavar="LABEL=SECONDS",
                         help="seconds per sample the code took to make its data (repeatable)")
    compare.add_argument("--output", type=Path, default=Path("vdosbench-output/compare"),
                         help="folder for comparison.md, comparison.html, comparison.json")
    return parser


def _cmd_compare_codes(args: argparse.Namespace) -> int:
    from .compare_codes import compare_codes, load_code_result, with_cost, write_comparison

    costs: dict[str, float] = {}
    for label, value in _key_values(args.cost, "--cost", "jax-md=2.5").items():
        try:
            costs[label] = float(value)
        except ValueError:
            raise UsageError(f"--cost {label}={value!r}: expected seconds per sample, e.g. --cost jax-md=2.5") from None
    codes = []
    for item in args.results:
        label, _, path = item.partition("=") if "=" in item else ("", "", item)
        codes.append(load_code_result(Path(path), label or None))
    unknown = sorted(set(costs) - {c.label for c in codes})
    if unknown:
        raise UsageError(f"--cost names {unknown}, which label no result; the labels are {[c.label for c in codes]}")
    codes = [with_cost(c, costs.get(c.label)) for c in codes]
    comparison = compare_codes(codes)
    print(("warning: " if not comparison.same_system else "") + "compare-codes: " + comparison.system_summary())
    paths = write_comparison(comparison, args.output)
    print("compare-codes: " + ", ".join(str(p) for p in paths))
    return 0


def _cmd_describe(name: str) -> int:
    from vdosbench.generators.engine.describe import describe

    try:
        print(describe(name))
    except KeyError as e:
        raise UsageError(str(e.args[0])) from None
    return 0


def _cmd_generate(args: argparse.Namespace) -> int:
    from vdosbench.datasets import parameter_dims, point_label
    from vdosbench.generators import get_generator, run_ensemble

    from vdosbench.generators import RECIPES

    if args.help:  # like argparse's --help: print, then exit 0
        if args.generator is None and args.recipe is None:
            args.print_help()
        else:
            _cmd_describe(args.generator if args.generator is not None else args.recipe)
        raise SystemExit(0)
    if args.list or args.list_recipes:
        from vdosbench.generators.engine.describe import generator_list, recipe_list

        print(generator_list() if args.list else recipe_list())
        return 0
    if args.output is None:
        raise UsageError("generate needs --output DIR (the folder for parts/ and ensemble.nc); "
                         "e.g. vdosbench generate spring_network --output runs/networks")
    refuse_workers_with_scheduler(args)
    grid = _parse_assignments(args.grid, "--grid", multi=True)
    fixed = _parse_assignments(args.set, "--set", multi=False)
    both = sorted(set(grid) & set(fixed))
    if both:
        raise UsageError(f"{both} given with both --grid and --set; give each parameter once")
    n_samples = 10 if args.samples is None else args.samples
    root_seed = 20260 if args.seed is None else args.seed
    name = args.generator
    base_grid: dict[str, list[Any]] | None = None
    base_fixed: dict[str, Any] = {}
    if args.recipe is not None:
        if args.recipe not in RECIPES:
            raise UsageError(f"unknown recipe {args.recipe!r}; recipes are {sorted(RECIPES)}")
        recipe = RECIPES[args.recipe]
        if name is not None and name != recipe.generator:
            raise UsageError(f"recipe {args.recipe!r} runs {recipe.generator!r}, not {name!r}; omit the generator")
        name = recipe.generator
        base_grid = {k: list(v) for k, v in recipe.grid.items()}
        base_fixed = dict(recipe.fixed)
        n_samples = recipe.n_samples if args.samples is None else args.samples
        root_seed = recipe.root_seed if args.seed is None else args.seed
    if name is None:
        raise UsageError("name a generator or a --recipe; e.g. vdosbench generate spring_network --output DIR")
    try:
        generator = get_generator(name)
    except KeyError as e:
        raise UsageError(str(e.args[0])) from None
    check_output_folder(args.output)
    if base_grid is None:
        base_grid = {k: list(v) for k, v in generator.grid_defaults.items()}
    # a value given on the command line overrides the recipe's or the generator's default, in either place
    grid = {**{k: v for k, v in base_grid.items() if k not in fixed}, **grid}
    fixed = {**{k: v for k, v in base_fixed.items() if k not in grid}, **fixed}
    start = time.perf_counter()
    ds = run_ensemble(
        generator,
        grid=grid,
        fixed=fixed or None,
        n_samples=n_samples,
        root_seed=root_seed,
        output=args.output,
        scheduler_address=args.scheduler,
        n_workers=args.workers,
        blas_threads=args.blas_threads,
        progress=not args.no_progress,
        first_sample=args.first_sample,
    )
    sizes = ", ".join(f"{k}={v}" for k, v in ds["eigenvalue"].sizes.items())
    print(f"wrote {args.output / 'ensemble.nc'} ({sizes}) in {time.perf_counter() - start:.1f} s")
    grid_values = {d: ds[d].values.tolist() for d in parameter_dims(ds)}
    if grid_values:
        print(f"grid: {point_label(grid_values)}")
    return 0


def _remove_stale_report(output: Path) -> None:
    """Delete the report files of an earlier ``score`` in ``output``, so a failed run leaves none that look current."""
    for name in REPORT_FILES:
        (output / name).unlink(missing_ok=True)
    figures = output / "figures"
    if figures.is_dir():
        for png in figures.glob("*.png"):
            png.unlink(missing_ok=True)


def _score(
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
) -> int:
    """Score ``paths`` into the report folder ``output``, holding it for this run (module docstring).

    The folder's lock (:func:`~vdosbench.generators.engine.folder_lock.folder_lock`) is held from the
    deletion of an earlier report to the new one's move into place: a second ``score`` into the same
    ``--output`` is refused at once (:class:`FolderBusyError`, exit 2).  The report is written whole in a
    temporary folder and then moved into place (:func:`~vdosbench.benchmark.report.staged_report`).
    ``gated``: the exit status is the gate's (``score``, ``demo --gate``); else ``demo``'s 0, and the last
    line says so.
    """
    from vdosbench.generators.engine.folder_lock import folder_lock

    from .report import remove_stale_stages

    check_output_folder(output)
    created = not output.exists()
    output.mkdir(parents=True, exist_ok=True)
    try:
        with folder_lock(output, clash="two scores into one folder would mix their reports"):
            remove_stale_stages(output)
            _remove_stale_report(output)  # a score that fails from here on must not leave an old report looking current
            return _score_held(paths, claims_path, output, strict, format, options, reference, declared,
                               cross_check, gated)
    except BaseException:
        if created:  # bad input writes nothing: not even the folder (rmdir removes only an empty one)
            with contextlib.suppress(OSError):
                output.rmdir()
        raise


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
) -> int:
    """:func:`_score` once the report folder is held."""
    from vdosbench.datasets import point_label

    from .claims import default_claims_path, load_claims
    from .cross_code import cross_code_check
    from .declaration import declaration_for, declare
    from .report import staged_report, write_report_files
    from .report_text import gate_line, robustness_text
    from .scorecard import EXIT_NO_APPLICABLE_CLAIMS, ScoreCard, read_input, score_datasets

    claims = load_claims(claims_path)
    ref_source = ref_data = None
    if reference is not None:  # bad input fails here, before any output is written
        from .reference import open_reference, resolve_reference

        ref_source = resolve_reference(reference)
        ref_data = open_reference(ref_source)
    datasets = []
    for path in paths:
        try:
            info, ds = read_input(path, format=format, **(options or {}))
        except KeyError as e:
            raise UsageError(str(e.args[0])) from None
        declaration = declaration_for(path, declared)
        datasets.append((info, declare(ds, declaration, info.name) if declaration is not None else ds))
    card = score_datasets(datasets, claims, str(claims_path or default_claims_path()))
    if cross_check:
        card.cross_code = [c for info, ds in datasets if (c := cross_code_check(ds, info.name)) is not None]
    comparison = None
    if ref_source is not None and ref_data is not None:
        from .reference import compare_to_reference, write_reference_report

        comparison = compare_to_reference([(i.name, ds) for i, ds in datasets], ref_data, ref_source)
    with staged_report(output) as stage:  # written whole, then moved into place
        write_report_files(card, datasets, stage)
        if comparison is not None:
            write_reference_report(comparison, stage)
    report = output / "report.md"
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
            own = ScoreCard([info], card.claims_file, [r for r in card.results if r.dataset == info.name],
                            formats=card.formats)
            if own.no_claim_applies():
                print(f"note: {info.name}: {own.why_no_claim_applies()}")
        print(f"score: {totals['supported']}/{totals['applicable']} applicable claims supported "
              f"(refuted {totals['refuted']}, inconclusive {totals['inconclusive']})")
        print(gate_line(card))
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
    from .scorecard import EXIT_FAIL, EXIT_NO_APPLICABLE_CLAIMS
    from .scoring import Verdict

    code = card.exit_code(strict)
    refuted = [r for r in card.results if r.verdict is Verdict.REFUTED]
    inconclusive = [r for r in card.results if r.verdict is Verdict.INCONCLUSIVE]
    if code == EXIT_NO_APPLICABLE_CLAIMS:
        why = 'no claim applies to any input, so nothing was tested (not a pass); see "score: not a pass" above'
    elif code == EXIT_FAIL and refuted:
        why = (f"{'a claim is' if len(refuted) == 1 else f'{len(refuted)} claim results are'} refuted "
               f"({_claim_list(refuted)}): the measured value lies outside the claim's expected range; see "
               "'Findings' in the report")
    elif code == EXIT_FAIL:
        why = (f"--strict and {len(inconclusive)} claim result(s) inconclusive ({_claim_list(inconclusive)}): "
               "the data cannot decide them")
    else:
        applicable = len(card.applicable())
        why = f"{applicable} applicable claim result(s), none refuted"
        if inconclusive:
            why += f" ({len(inconclusive)} inconclusive, which passes without --strict)"
    if gated:
        return f"exit {code}: {why}"
    return (f"exit 0: the demo ran and its report is written; verdicts are findings here, not failures (as a CI "
            f"gate, with --gate, it would exit {code}: {why})")


def _cmd_demo(args: argparse.Namespace) -> int:
    from vdosbench.datasets import write
    from vdosbench.generators import get_generator, nine_node_toy, run_ensemble

    out: Path = args.output
    check_output_folder(out)
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
    return _score(
        [out / "spring_network" / "ensemble.nc", out / "nine_node_toy" / "ensemble.nc"],
        None,
        out / "report",
        args.strict,
        gated=args.gate,
    )


def _cmd_claims() -> int:
    from .claims import load_claims

    for c in load_claims():
        print(f"{c.id}\n    {c.source}\n    {c.statement}\n    measure: {c.validator}.{c.quantity} "
              f"{json.dumps(dict(c.settings))}; expected {c.expect.describe()}\n")
    return 0


#: Exit status after SIGTERM (128 + 15, as a shell reports a process ended by it).
EXIT_SIGTERM = 143


#: Seconds a run stopped by SIGTERM has to unwind (release its folder lock, close its Dask cluster) before the
#: process ends anyway, its worker processes with it: a batch system sends SIGKILL after its own grace period
#: (SLURM's KillWait: 30 s), and "finished parts are kept" must hold before then.
SIGTERM_GRACE_S = 5.0
#: Set by the first SIGTERM: whatever the unwinding raises afterwards, the exit status is :data:`EXIT_SIGTERM`.
_STOPPED = threading.Event()


def _end_now() -> None:
    """End the process with :data:`EXIT_SIGTERM` after :data:`SIGTERM_GRACE_S`, unless it has ended by then.

    Runs in a daemon thread started by the first SIGTERM: stops this process's children (local Dask
    workers), releases the folder locks the run still holds, and calls :func:`os._exit`.
    """
    time.sleep(SIGTERM_GRACE_S)
    with contextlib.suppress(Exception):
        import psutil

        children = psutil.Process().children(recursive=True)
        for child in children:
            with contextlib.suppress(psutil.Error):
                child.terminate()
        _, alive = psutil.wait_procs(children, timeout=1.0)
        for child in alive:
            with contextlib.suppress(psutil.Error):
                child.kill()
    with contextlib.suppress(Exception):
        from vdosbench.generators.engine.folder_lock import release_held_locks

        release_held_locks()
    with contextlib.suppress(Exception):
        sys.stderr.flush()
        sys.stdout.flush()
    os._exit(EXIT_SIGTERM)


def _quiet_dask() -> None:
    """Silence the loggers of Dask and its network layer: on the way out of a stopped run their tracebacks of
    connections closing (the scheduler, a worker, the client) say nothing the one 'stopped by SIGTERM' line
    does not."""
    names = [n for n in list(logging.root.manager.loggerDict) if n.split(".")[0] in ("distributed", "tornado", "asyncio")]
    for name in {"distributed", "tornado", "asyncio", *names}:
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)


@contextlib.contextmanager
def _sigterm_as_exit() -> Iterator[threading.Event]:
    """Turn SIGTERM (a batch system's or ``kill``'s stop) into ``SystemExit(143)`` while the command runs.

    The default action of SIGTERM ends the process at once, skipping every
    ``finally``: an ensemble's folder lock and the local Dask cluster would be
    left behind.  As an exception it unwinds them.  The first SIGTERM also
    starts a timer: a run that has not unwound after :data:`SIGTERM_GRACE_S`
    seconds (a Dask cluster slow to close) is ended by :func:`_end_now`; later
    SIGTERMs are ignored (the stop is under way).  Finished parts are kept
    either way (each is written atomically).  Only in the main thread, and the
    previous handler is restored afterwards.

    Yields
    ------
    threading.Event
        Set once SIGTERM arrived: the exit status is then :data:`EXIT_SIGTERM`.
    """
    _STOPPED.clear()
    if threading.current_thread() is not threading.main_thread():
        yield _STOPPED
        return

    def stop(signum: int, frame: object) -> None:
        if _STOPPED.is_set():
            return
        _STOPPED.set()
        print("vdosbench: stopped by SIGTERM; finished parts are kept and a re-run resumes", file=sys.stderr)
        _quiet_dask()
        threading.Thread(target=_end_now, name="vdosbench-sigterm-grace", daemon=True).start()
        raise SystemExit(EXIT_SIGTERM)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield _STOPPED
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``vdosbench`` command."""
    args = build_parser().parse_args(argv)
    with _sigterm_as_exit() as stopped:
        try:
            code = _run(args)
        except SystemExit:
            if stopped.is_set():
                return EXIT_SIGTERM
            raise
    # an error raised while unwinding from SIGTERM (a Dask close timing out) is no failure of the run
    return EXIT_SIGTERM if stopped.is_set() else code


def _run(args: argparse.Namespace) -> int:
    """Run the parsed command; every failure that is no verdict becomes exit status 2 (:func:`_fail`)."""
    from vdosbench.benchmark.claims import ClaimsFileError
    from vdosbench.datasets import ConventionError, MemoryBoundError, VDOSReadError
    from vdosbench.datasets.catalog import CatalogError
    from vdosbench.datasets.fetch import FetchError
    from vdosbench.datasets.publish import PublishError
    from vdosbench.generators.engine.ensemble import (
        EnsembleError,
        EnsembleSettingsError,
        FolderBusyError,
        NoWorkerError,
    )

    from .adapters import AdapterError
    from .compare_codes import ComparisonInputError
    from .declaration import DeclarationError
    from .reference import ReferenceInputError

    try:
        if args.command == "generate":
            return _cmd_generate(args)
        if args.command == "score":
            options = _parse_assignments(args.set, "--set", multi=False)
            return _score(args.data, args.claims, args.output, args.strict, args.format, options, args.reference,
                          _parse_declarations(args.declare), not args.no_cross_check)
        if args.command == "demo":
            return _cmd_demo(args)
        if args.command == "describe":
            return _cmd_describe(args.name)
        if args.command == "list":
            return cli_catalogue.cmd_list()
        if args.command == "fetch":
            return cli_catalogue.cmd_fetch(args)
        if args.command == "build":
            return cli_catalogue.cmd_build(args)
        if args.command == "publish":
            return cli_catalogue.cmd_publish(args)
        if args.command == "fingerprint":
            return cli_catalogue.cmd_fingerprint(args)
        if args.command == "compact":
            return cli_catalogue.cmd_compact(args)
        if args.command == "compare-codes":
            return _cmd_compare_codes(args)
        return _cmd_claims()
    except (
        UsageError, ConventionError, VDOSReadError, ClaimsFileError, FileNotFoundError, EnsembleSettingsError,
        AdapterError, FetchError, ReferenceInputError, DeclarationError, PublishError, CatalogError,
        MemoryBoundError, FolderBusyError, ComparisonInputError, NoWorkerError,
    ) as e:
        return _fail(str(e), e)
    except EnsembleError as e:
        return _fail(str(e), e)
    except MemoryError as e:
        return _fail(
            f"ran out of memory during {args.command} ({type(e).__name__}{': ' + str(e) if str(e) else ''}); "
            "expected the run to fit in this machine's memory. Fix: fewer --workers or --samples, or smaller "
            "systems (e.g. --set n_side=... / n_particles=...)", e,
        )
    except OSError as e:  # PermissionError, NotADirectoryError, a Dask connection error, a full disk ...
        where = f" ({e.filename})" if getattr(e, "filename", None) else ""
        return _fail(
            f"{type(e).__name__} during {args.command}{where}: {e.strerror or e}; expected readable inputs, a "
            "writable output folder and a reachable Dask scheduler. Fix: check the path, its permissions, free "
            "disk space or the --scheduler address, and run again", e,
        )
    except Exception as e:  # no verdict: never exit 1 (a refuted claim) on a crash
        return _fail(
            f"{args.command} failed with {type(e).__name__}: {e}; expected none (this is a bug in vdosbench or "
            "a generator). Fix: run again with VDOSBENCH_TRACEBACK=1 and report the traceback", e,
        )


def _fail(message: str, error: BaseException) -> int:
    """Print ``vdosbench: error: message`` (and the traceback with ``VDOSBENCH_TRACEBACK=1``); exit status 2.

    After SIGTERM the error is one of the unwinding (e.g. a Dask close that timed out): nothing is printed
    and the exit status is :data:`EXIT_SIGTERM`.
    """
    if _STOPPED.is_set():
        return EXIT_SIGTERM
    if os.environ.get("VDOSBENCH_TRACEBACK"):
        import traceback

        traceback.print_exception(error, file=sys.stderr)
    print(f"vdosbench: error: {message}", file=sys.stderr)
    return 2


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
