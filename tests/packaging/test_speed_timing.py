"""speed/timing.py: the benchmarks' shared best-of loop (a fake clock, so the numbers are exact)."""

from __future__ import annotations

import pytest
from script_loader import load_script

timing = load_script("speed/timing.py", "speed_timing_for_test")


def test_best_of_reads_the_least_time_of_the_calls_on_the_clock_it_is_given() -> None:
    ticks = iter([0.0, 3.0, 10.0, 11.5, 20.0, 22.0])  # calls of 3, 1.5 and 2 seconds
    calls = []
    seconds, last = timing.best_of(lambda: calls.append(len(calls)) or len(calls), 3, clock=lambda: next(ticks))
    assert seconds == pytest.approx(1.5) and last == 3 and calls == [0, 1, 2]


def test_best_of_refuses_no_calls() -> None:
    with pytest.raises(ValueError, match="repeats=0; pass repeats >= 1"):
        timing.best_of(lambda: None, 0)
