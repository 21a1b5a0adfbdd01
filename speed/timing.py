"""The timing loop the benchmarks of ``speed/`` share: the best of a few calls, on a stated clock.

A script that uses it imports it as ``from speed.timing import best_of`` and runs from the clone's root as
``python -m speed.<script>`` (as a study that builds on another runs as ``python -m studies.<name>``).  The least time of repeated calls is the benchmarks' statistic: on a shared
machine a call can only be slowed by what else runs, so the minimum is the closest to the call's own cost
(each script states its repeats and clock in its results JSON).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

__all__ = ["best_of"]

T = TypeVar("T")


def best_of(fn: Callable[[], T], repeats: int, *, clock: Callable[[], float] = time.process_time) -> tuple[float, T]:
    """The least ``clock`` seconds of ``repeats`` calls of ``fn``, and the last call's result.

    Parameters
    ----------
    fn
        The call to time.
    repeats
        How many calls (at least 1).
    clock
        ``time.process_time`` (this process's CPU, the default) or ``time.perf_counter`` (wall).

    Raises
    ------
    ValueError
        When ``repeats`` is below 1.
    """
    if repeats < 1:
        raise ValueError(f"best_of needs at least one call, found repeats={repeats}; pass repeats >= 1")
    best, out = float("inf"), None
    for _ in range(repeats):
        start = clock()
        out = fn()
        best = min(best, clock() - start)
    return best, out  # type: ignore[return-value]


if __name__ == "__main__":  # pragma: no cover - a module of helpers
    raise SystemExit("speed/timing.py holds the benchmarks' shared timing loop; run a speed/bench_*.py script")
