"""The ``vdosbench`` subcommands of the dataset catalogue: list, fetch, build, publish, fingerprint, compact.

Each ``cmd_*`` takes the parsed arguments of its subcommand (see
:func:`vdosbench.benchmark.cli.build_parser`) and returns the exit status; bad
input raises :class:`~vdosbench.benchmark.cli_checks.UsageError`.
"""

from __future__ import annotations

import argparse
import sys

from .cli_checks import UsageError, check_output_folder, refuse_workers_with_scheduler


def cmd_list() -> int:
    """Print every catalogue entry's summary."""
    from vdosbench.datasets.catalog import list_entries

    for entry in list_entries():
        print(entry.summary(), end="\n\n")
    return 0


def cmd_fetch(args: argparse.Namespace) -> int:
    """Download (or find in the cache) one catalogued set, verify its sha256 and print its path."""
    from vdosbench.datasets.fetch import fetch, origin

    try:
        path = fetch(args.name, cache_dir=args.cache_dir, urls=args.url, form=args.form, progress=True)
    except KeyError as e:
        raise UsageError(str(e.args[0])) from None
    print(path)
    print(f"({origin(args.name, path)}, sha256 verified)", file=sys.stderr)
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    """Rebuild one catalogued set from its recipe and compare it by value with the catalogue."""
    from .rebuild import build

    refuse_workers_with_scheduler(args)
    check_output_folder(args.output)
    try:
        report = build(args.name, args.output, n_workers=args.workers, scheduler_address=args.scheduler)
    except KeyError as e:
        raise UsageError(str(e.args[0])) from None
    print(report.summary())
    return report.exit_code


def cmd_publish(args: argparse.Namespace) -> int:
    """Write catalogued sets and a pooch registry into a folder that a mirror can serve."""
    from vdosbench.datasets.publish import publish

    check_output_folder(args.to, "--to")
    try:
        forms = ("full", "scoring") if args.form == "both" else (args.form,)
        result = publish(args.names, args.to, sources=args.sources, cache_dir=args.cache_dir, forms=forms)
    except KeyError as e:
        raise UsageError(str(e.args[0])) from None
    for name, path in result.files.items():
        print(f"{name}: {path}")
    for name, path in result.scoring_files.items():
        print(f"{name} (scoring form): {path}")
    print(f"registry: {result.registry}")
    print(f"serve {result.folder} at BASE_URL, then: VDOSBENCH_MIRROR=BASE_URL vdosbench fetch NAME")
    return 0


def cmd_fingerprint(args: argparse.Namespace) -> int:
    """Print the catalog.toml entry of a built ensemble.nc."""
    from .fingerprint import entry_toml

    if not args.file.is_file():
        raise UsageError(f"{args.file} is not a file; expected a built ensemble.nc (vdosbench build/generate)")
    if args.manifest is not None and not args.manifest.is_file():
        raise UsageError(f"--manifest {args.manifest} is not a file; expected the ensemble.json of the run")
    print(entry_toml(args.name, args.file, args.manifest), end="")
    return 0


def cmd_compact(args: argparse.Namespace) -> int:
    """Write the compact or the scoring form of a VDOS-1.0 file."""
    from vdosbench.datasets.compact import compact_file

    if not args.source.is_file():
        raise UsageError(f"{args.source} is not a file; expected a VDOS-1.0 netCDF file")
    if not args.scoring_form and (args.claims is not None or args.no_structures or args.leave_out or args.float32):
        raise UsageError("--claims, --no-structures, --leave-out and --float32 go with --scoring-form; add "
                         "--scoring-form or drop them")
    leave_out, float32 = ([n.strip() for arg in given or () for n in arg.split(",") if n.strip()]
                          for given in (args.leave_out, args.float32))
    try:
        if args.scoring_form:
            from .claims import load_claims
            from .scoring_form import scoring_form_file

            print(scoring_form_file(args.source, args.target, load_claims(args.claims),
                                    keep_structures=not args.no_structures, leave_out=leave_out,
                                    float32=float32).summary())
            return 0
        path = compact_file(args.source, args.target)
    except ValueError as e:
        raise UsageError(str(e)) from None
    print(f"{path}: {path.stat().st_size} bytes")
    return 0
