"""The one base class of vdosbench's own errors (the bottom floor, so every layer can use it).

Every error vdosbench raises on purpose -- bad data, a malformed claims or catalogue file, an ensemble
whose parts failed, a busy output folder, a fetch that found no copy -- derives from
:class:`VdosbenchError`.  Its message says what was expected, what was found and the fix, so the command
line reports any of them as one line and exit status 2 (:mod:`vdosbench.cli.errors`), and a caller
catches them all with ``except VdosbenchError``.

Each error also keeps the builtin base it had (``ValueError`` for bad input, ``OSError`` for files and
downloads, ``RuntimeError`` for a run that failed), so code that catches those keeps working::

    >>> from vdosbench.datasets import ConventionError, VdosbenchError
    >>> issubclass(ConventionError, VdosbenchError), issubclass(ConventionError, ValueError)
    (True, True)
"""

from __future__ import annotations

__all__ = ["VdosbenchError"]


class VdosbenchError(Exception):
    """Base class of every error vdosbench raises on purpose; the message says what, found and the fix.

    Subclasses list it first and their builtin base second (``class FetchError(VdosbenchError,
    OSError)``), so ``except OSError`` still catches a :class:`~vdosbench.datasets.FetchError`.
    """
