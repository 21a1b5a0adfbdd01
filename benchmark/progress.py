"""The slow steps of a score — dense eigensolves — on a stated number of BLAS threads, with progress on stderr.

Two steps of ``vdosbench score`` diagonalise dense matrices, one per sample: the ``lammps-dynmat`` adapter (the
whole dynamical matrix) and the cross-code check (our Hessian, :mod:`vdosbench.benchmark.cross_code`).  At
N = 1000 each is a 3000 × 3000 ``eigh``: 0.9 s on a quiet machine, 13.8 s when OpenBLAS's threads contended with
other work (fault probe of 2026-11-28: a LAMMPS set scored in 60–100 s without a word).  So:

- **BLAS threads are set deliberately** (:func:`dense_steps`): one per core this process may use
  (:func:`cores_in_use`: its CPU affinity and cgroup quota, as ``dask.system.CPU_COUNT`` reads them), never the
  library's default of one per core of the machine; ``VDOSBENCH_BLAS_THREADS`` sets another count (e.g. 1 on a
  machine shared with other work).
- **Progress is shown** while :func:`reporting` is on (``vdosbench score`` turns it on): a line on stderr before
  the first of the steps when they are large (at least :data:`ANNOUNCE_SIZE` rows, about a second each on a
  quiet core), then one per finished step; smaller steps print only once they have taken over
  :data:`QUIET_SECONDS` in all.  Library calls print nothing unless they turn it on.

The claims of a score are steps too (:func:`claim_steps`): a claim's bootstrap over a large set takes seconds, and
a score of many claims on a big set went quiet for minutes.  Once :data:`QUIET_SECONDS` have passed, a line says
how many claims of which input are done and which one finished last, at most one line every
:data:`QUIET_SECONDS`, and a last line when any was printed.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from typing import TextIO

from vdosbench.datasets.errors import VdosbenchError

__all__ = [
    "ANNOUNCE_SIZE",
    "BLAS_THREADS_ENV",
    "QUIET_SECONDS",
    "BlasThreadsError",
    "claim_steps",
    "cores_in_use",
    "dense_steps",
    "reporting",
]

#: Environment variable that sets the BLAS threads of the dense steps (default: :func:`cores_in_use`).
BLAS_THREADS_ENV = "VDOSBENCH_BLAS_THREADS"
#: Rows of a dense matrix from which its steps are announced before they start.
ANNOUNCE_SIZE = 1000
#: Seconds after which the steps of smaller matrices are reported too.
QUIET_SECONDS = 2.0

_stream: list[TextIO] = []


class BlasThreadsError(VdosbenchError, ValueError):
    """``VDOSBENCH_BLAS_THREADS`` is not a positive integer."""


@contextlib.contextmanager
def reporting(stream: TextIO | None = None) -> Iterator[None]:
    """Print the progress of dense steps to ``stream`` (default: ``sys.stderr``) inside this block."""
    _stream.append(stream if stream is not None else sys.stderr)
    try:
        yield
    finally:
        _stream.pop()


def _current_stream() -> TextIO | None:
    """Where the innermost :func:`reporting` block prints, ``None`` outside one (a library call)."""
    return _stream[-1] if _stream else None


def cores_in_use() -> int:
    """The BLAS threads of a dense step: ``VDOSBENCH_BLAS_THREADS`` when set, else the cores this process may use.

    Examples
    --------
    >>> cores_in_use() >= 1
    True
    """
    text = os.environ.get(BLAS_THREADS_ENV, "").strip()
    if text:
        try:
            n = int(text)
        except ValueError:
            n = 0
        if n < 1:
            raise BlasThreadsError(
                f"{BLAS_THREADS_ENV} is {text[:40]!r}; expected a whole number of threads >= 1. Fix: "
                f"export {BLAS_THREADS_ENV}=1 (one thread per dense solve), or unset it (one per core in use)"
            )
        return n
    from dask.system import CPU_COUNT  # the affinity mask and the cgroup quota, not the machine's cores

    return max(1, int(CPU_COUNT))


@contextlib.contextmanager
def dense_steps(what: str, total: int, size: int) -> Iterator[Callable[[int], None]]:
    """Run ``total`` dense steps of ``size`` × ``size`` matrices on :func:`cores_in_use` BLAS threads.

    Parameters
    ----------
    what
        What the steps are, for the lines (e.g. ``"cross-code check of ka: our Hessian"``).
    total
        How many steps (samples).
    size
        Rows of each matrix.

    Yields
    ------
    callable
        ``done(k)``: call after step ``k`` (counting from 1) has finished.

    Examples
    --------
    >>> import io, numpy as np
    >>> out = io.StringIO()
    >>> with reporting(out), dense_steps("demo", 2, 1000) as done:
    ...     for k in (1, 2):
    ...         done(k)
    >>> out.getvalue().splitlines()[0].startswith("demo: 2 dense 1000 x 1000 solves on ")
    True
    """
    from threadpoolctl import threadpool_limits

    threads = cores_in_use()
    stream = _current_stream()
    start = time.perf_counter()
    announced = stream is not None and size >= ANNOUNCE_SIZE
    if announced:
        print(
            f"{what}: {total} dense {size} x {size} solve{'s' if total != 1 else ''} on {threads} BLAS "
            f"thread{'s' if threads != 1 else ''} ...",
            file=stream,
            flush=True,
        )

    def done(k: int) -> None:
        nonlocal announced
        elapsed = time.perf_counter() - start
        if stream is None or not (announced or elapsed > QUIET_SECONDS):
            return
        announced = True
        print(f"{what}: {k}/{total} done ({elapsed:.1f} s)", file=stream, flush=True)

    with threadpool_limits(limits=threads, user_api="blas"):
        yield done


@contextlib.contextmanager
def claim_steps(what: str, total: int) -> Iterator[Callable[[int, str], None]]:
    """Report the claims of one input as they finish (module docstring), while :func:`reporting` is on.

    Parameters
    ----------
    what
        The input (e.g. ``"scoring lammps.npz"``).
    total
        How many claims.

    Yields
    ------
    callable
        ``done(k, claim_id)``: call after claim ``k`` (counting from 1) has been read.

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> with reporting(out), claim_steps("scoring demo.nc", 2) as done:
    ...     done(1, "a.claim")
    ...     done(2, "b.claim")
    >>> out.getvalue()  # both took less than QUIET_SECONDS: nothing said
    ''
    """
    stream = _current_stream()
    start = last = time.perf_counter()
    spoke = False

    def done(k: int, claim_id: str) -> None:
        nonlocal last, spoke
        now = time.perf_counter()
        if stream is None or (now - last < QUIET_SECONDS and not (spoke and k == total)):
            return
        spoke, last = True, now
        print(f"{what}: {k}/{total} claims read ({now - start:.1f} s; last {claim_id})", file=stream, flush=True)

    yield done
