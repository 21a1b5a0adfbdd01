"""The ``vdosbench`` commands, one module each, in the order ``vdosbench --help`` lists them.

Each module has ``NAME`` (the command), ``add_parser(sub)``, which adds the
command and its options to the subcommands of
:func:`~vdosbench.cli.parser.build_parser` (which sets ``run`` as its
handler), and ``run(args)``, which returns the exit status and raises
:class:`~vdosbench.cli.errors.CommandError` (or an error of the layers below)
on bad input.
"""

from __future__ import annotations

from . import (
    build,
    claims,
    compact,
    compare_codes,
    demo,
    describe,
    fetch,
    fingerprint,
    generate,
    listing,
    publish,
    score,
)

__all__ = ["COMMANDS"]

#: The command modules, in the order of ``vdosbench --help`` and of the command-line page.
COMMANDS = (
    generate,
    score,
    demo,
    describe,
    claims,
    listing,
    fetch,
    build,
    publish,
    fingerprint,
    compact,
    compare_codes,
)
