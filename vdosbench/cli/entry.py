"""The entry point of the ``vdosbench`` command: parse, run the command's handler, map failures to exit 2."""

from __future__ import annotations

from collections.abc import Sequence

from .errors import run_guarded
from .parser import build_parser
from .signals import EXIT_SIGTERM, sigterm_as_exit

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``vdosbench`` command."""
    args = build_parser().parse_args(argv)
    with sigterm_as_exit() as stopped:
        try:
            code = run_guarded(args.handler, args)
        except SystemExit:
            if stopped.is_set():
                return EXIT_SIGTERM
            raise
    # an error raised while unwinding from SIGTERM (a Dask close timing out) is no failure of the run
    return EXIT_SIGTERM if stopped.is_set() else code
