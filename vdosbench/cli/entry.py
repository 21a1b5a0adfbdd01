"""The entry point of the ``vdosbench`` command: parse, run the command's handler, map failures to exit 2."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from .errors import run_guarded
from .parser import build_parser
from .signals import EXIT_SIGINT, PART_COMMANDS, interrupted_line, sigterm_as_exit, stdout_closed, stop_status

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``vdosbench`` command.

    SIGTERM and SIGINT (Ctrl-C) end it with one line on stderr and exit status 143 / 130
    (:mod:`vdosbench.cli.signals`); a Ctrl-C while the command line starts (before the handlers are in place)
    too, without a ``KeyboardInterrupt`` traceback.  A stdout whose reader went away (``vdosbench list | head``)
    ends it quietly with 141 (:func:`~vdosbench.cli.signals.stdout_closed`).
    """
    try:
        args = build_parser().parse_args(argv)
        args.whole_process = argv is None  # the command owns this process (its cost counts from the start)
        with sigterm_as_exit(keeps_parts=getattr(args, "command", None) in PART_COMMANDS) as stopped:
            try:
                code = run_guarded(args.handler, args)
            except SystemExit:
                if stopped.is_set():
                    return stop_status()
                raise
    except KeyboardInterrupt:
        print(interrupted_line(), file=sys.stderr)
        return EXIT_SIGINT
    except BrokenPipeError:  # while the command line is parsed (``--help`` into a closed pipe)
        return stdout_closed()
    if argv is None:  # the command owns stdout: what is still buffered goes now, while a closed pipe can be seen
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            return stdout_closed()
    # an error raised while unwinding from SIGTERM or SIGINT (a Dask close timing out) is no failure of the run
    return stop_status() if stopped.is_set() else code
