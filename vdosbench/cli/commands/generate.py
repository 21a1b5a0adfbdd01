"""``vdosbench generate``: run a generator over a parameter grid x samples on Dask, write ``ensemble.nc``."""

from __future__ import annotations

import argparse
import time
from typing import Any

from ..checks import check_output_folder, refuse_workers_with_scheduler
from ..errors import UsageError, unknown_name
from ..help_text import EPILOG, EXIT_STATUS_OTHER
from ..options import output_folder, parse_assignments, positive_int
from .describe import describe_name

NAME = "generate"


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``vdosbench generate`` to the subcommands ``sub``."""
    gen = sub.add_parser(
        "generate",
        help="run a generator over a parameter grid x samples on Dask",
        epilog=EXIT_STATUS_OTHER + "\n" + EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        add_help=False,
    )
    gen.add_argument(
        "-h",
        "--help",
        action="store_true",
        help="show this help; with a generator or --recipe: its parameters (as vdosbench describe)",
    )
    gen.add_argument(
        "generator",
        nargs="?",
        default=None,
        help="generator name (see --list; e.g. spring_network, soft_spheres); omit with --recipe",
    )
    gen.add_argument("--list", action="store_true", help="list the generators, one line each, and exit")
    gen.add_argument(
        "--list-recipes", action="store_true", help="list the recipes with their size and estimated cost, and exit"
    )
    gen.add_argument(
        "--recipe",
        default=None,
        help="a named recipe (the paper's datasets, e.g. soft_spheres_n1000, soft_spheres_n1000_small)",
    )
    gen.add_argument(
        "--grid",
        action="append",
        default=[],
        metavar="NAME=V1,V2",
        help="grid parameter values; overrides that parameter's default, the other grid "
        "parameters keep theirs (the generator's, i.e. the paper's)",
    )
    gen.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="fixed parameter")
    gen.add_argument(
        "--samples", type=positive_int, default=None, help="samples per grid point, >= 1 (default 10, or the recipe's)"
    )
    gen.add_argument(
        "--first-sample",
        type=int,
        default=0,
        metavar="K",
        help="compute only samples K ... N-1 of the N samples (a piece of the ensemble: split it "
        "over machines or folders, or continue one whose first parts are kept elsewhere); "
        "sample i is the same in every piece; for chain generators K starts a chain",
    )
    gen.add_argument("--seed", type=int, default=None, help="root seed (default 20260, or the recipe's)")
    gen.add_argument(
        "--output", type=output_folder, default=None, help="output folder (parts/ and ensemble.nc); required"
    )
    gen.add_argument("--scheduler", default=None, help="address of a running dask scheduler")
    gen.add_argument(
        "--workers",
        type=positive_int,
        default=None,
        help="local Dask workers (default: cores, or none for parts estimated under 5 s of one core; "
        "one worker or none computes in this process, no cluster); not with --scheduler",
    )
    gen.add_argument("--blas-threads", type=positive_int, default=1, help="BLAS threads per worker (default 1)")
    gen.add_argument("--no-progress", action="store_true", help="no progress bar")
    gen.set_defaults(print_help=gen.print_help)
    return gen


def run(args: argparse.Namespace) -> int:
    """Run the generator (or list them, or describe one) and merge its parts into ``OUTPUT/ensemble.nc``.

    A run ends with the samples per core-hour it achieved: the parts it wrote over the CPU time (user + system)
    of this command (from the process's start when it owns it) and the processes it started (:mod:`..run_cost`).
    """
    from ..run_cost import RunCost, count_parts

    cost = RunCost(whole_process=getattr(args, "whole_process", False))
    from vdosbench.datasets import parameter_dims, point_label
    from vdosbench.generators import RECIPES, get_generator, run_ensemble

    if args.help:  # like argparse's --help: print, then exit 0
        if args.generator is None and args.recipe is None:
            args.print_help()
        else:
            describe_name(args.generator if args.generator is not None else args.recipe)
        raise SystemExit(0)
    if args.list or args.list_recipes:
        from vdosbench.generators.engine.describe import generator_list, recipe_list

        print(generator_list() if args.list else recipe_list())
        return 0
    if args.output is None:
        raise UsageError(
            "generate needs --output DIR (the folder for parts/ and ensemble.nc); "
            "e.g. vdosbench generate spring_network --output runs/networks"
        )
    refuse_workers_with_scheduler(args)
    grid = parse_assignments(args.grid, "--grid", multi=True)
    fixed = parse_assignments(args.set, "--set", multi=False)
    both = sorted(set(grid) & set(fixed))
    if both:
        raise UsageError(f"{both} given with both --grid and --set; give each parameter once")
    name, base_grid, base_fixed, n_samples, root_seed = _recipe_defaults(args, RECIPES)
    if name is None:
        raise UsageError("name a generator or a --recipe; e.g. vdosbench generate spring_network --output DIR")
    with unknown_name():
        generator = get_generator(name)
    check_output_folder(args.output)
    if base_grid is None:
        base_grid = {k: list(v) for k, v in generator.grid_defaults.items()}
    # a value given on the command line overrides the recipe's or the generator's default, in either place
    grid = {**{k: v for k, v in base_grid.items() if k not in fixed}, **grid}
    fixed = {**{k: v for k, v in base_fixed.items() if k not in grid}, **fixed}
    parts_before = count_parts(args.output)
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
    print(_cost_line(args, cost, count_parts(args.output) - parts_before))
    return 0


def _recipe_defaults(
    args: argparse.Namespace, recipes: dict[str, Any]
) -> tuple[str | None, dict[str, list[Any]] | None, dict[str, Any], int, int]:
    """The generator, base grid, base fixed values, sample count and root seed: a ``--recipe``'s or the defaults."""
    n_samples = 10 if args.samples is None else args.samples
    root_seed = 20260 if args.seed is None else args.seed
    name = args.generator
    base_grid: dict[str, list[Any]] | None = None
    base_fixed: dict[str, Any] = {}
    if args.recipe is not None:
        if args.recipe not in recipes:
            raise UsageError(f"unknown recipe {args.recipe!r}; recipes are {sorted(recipes)}")
        recipe = recipes[args.recipe]
        if name is not None and name != recipe.generator:
            raise UsageError(f"recipe {args.recipe!r} runs {recipe.generator!r}, not {name!r}; omit the generator")
        name = recipe.generator
        base_grid = {k: list(v) for k, v in recipe.grid.items()}
        base_fixed = dict(recipe.fixed)
        n_samples = recipe.n_samples if args.samples is None else args.samples
        root_seed = recipe.root_seed if args.seed is None else args.seed
    return name, base_grid, base_fixed, n_samples, root_seed


def _cost_line(args: argparse.Namespace, cost: Any, made: int) -> str:
    """The run's last line: the samples per core-hour it achieved (``cost``: a :class:`~..run_cost.RunCost`),
    or, on a ``--scheduler`` cluster whose workers' CPU this command does not see, that it was not measured."""
    if args.scheduler is None:
        return cost.line(made)
    return (
        f"{made} samples made on the cluster at {args.scheduler}: samples per core-hour not measured (its "
        "workers' CPU time is not visible to this command)"
    )
