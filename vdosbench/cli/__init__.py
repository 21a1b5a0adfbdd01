"""The ``vdosbench`` command line: generate, describe, score, demo, claims, the catalogue's commands.

The top floor of the package: it imports :mod:`vdosbench.benchmark`,
:mod:`vdosbench.generators`, :mod:`vdosbench.validators` and
:mod:`vdosbench.datasets`, and none of them imports it
(``tests/packaging/test_layering.py``).  Each command is one module of
:mod:`vdosbench.cli.commands` (its options and its handler);
:func:`~vdosbench.cli.parser.build_parser` collects them and :func:`main`
runs the chosen one.

Exit status of ``score`` (and of ``demo --gate``),
:data:`~vdosbench.cli.help_text.EXIT_STATUS`: 0 when a claim applies and no
gating claim is refuted, 1 when one is refuted (or, with ``--strict``,
inconclusive; a superseded claim and one on data of another protocol, such as
the aged T_d sets, do not gate: the last line names them), 2 on
bad input, 3 when no claim applies to any input (nothing was tested, which is
not a pass; the reports are still written and say why).  That makes
``vdosbench score`` a CI gate.  ``demo`` alone exits 0 once its report is
written: refuted claims are findings, reported in the report.

Every failure that is not a verdict exits 2 with one line on stderr saying
what was expected, what was found and the fix
(:data:`~vdosbench.cli.help_text.EXIT_STATUS_OTHER`, :mod:`vdosbench.cli.errors`):
bad options, unreadable input, an output folder that is a file or not
writable (checked before any work starts) or held by another live run (an
ensemble folder, or a report folder: ``score`` holds its ``--output`` and
writes the report whole in a temporary folder before moving it into place), data
or a generator request above the memory bound (``VDOSBENCH_MEMORY_LIMIT``,
checked before allocation), failed ensemble parts, a Dask or file-system
error, running out of memory.  Set ``VDOSBENCH_TRACEBACK=1`` to
see the traceback as well.  SIGTERM exits 143, SIGINT (Ctrl-C) 130 and SIGHUP 129, each with one line
(:mod:`vdosbench.cli.signals`).
"""

from __future__ import annotations

from .commands.score import exit_status_line
from .entry import main
from .errors import CommandError, UsageError
from .parser import build_parser
from .signals import EXIT_SIGHUP, EXIT_SIGINT, EXIT_SIGTERM, SIGTERM_GRACE_S

__all__ = [
    "EXIT_SIGHUP",
    "EXIT_SIGINT",
    "EXIT_SIGTERM",
    "SIGTERM_GRACE_S",
    "CommandError",
    "UsageError",
    "build_parser",
    "exit_status_line",
    "main",
]
