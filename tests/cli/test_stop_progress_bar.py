"""A stopped run's line is the last thing on the screen: the live progress bar is frozen before it is printed.

On a busy machine the bar of a stopped ``generate`` (``tqdm``) was drawn once more while the run unwound, after
the stop's one line, and buried it (``tests/cli/test_cli_faults.py`` caught it when a part took over a second).
"""

from __future__ import annotations

import io
from weakref import WeakSet

import pytest
import tqdm as tqdm_module
from tqdm.auto import tqdm

from vdosbench.cli.signals import _freeze_progress_bars


@pytest.fixture(autouse=True)
def _own_bars(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bars of this test only (tqdm keeps every live bar in one class-level set)."""
    monkeypatch.setattr(tqdm_module.tqdm, "_instances", WeakSet())


def test_a_drawn_bar_is_frozen_and_draws_nothing_more_when_closed() -> None:
    screen = io.StringIO()
    bar = tqdm(total=12, file=screen, unit="part", desc="spring_network", mininterval=0)
    bar.update(1)
    assert _freeze_progress_bars() is True  # a bar is on the screen: the stop's line starts on a new one
    before = screen.getvalue()
    assert "1/12" in before
    bar.update(1)
    bar.close()
    assert screen.getvalue() == before


def test_with_no_bar_drawn_there_is_nothing_to_freeze() -> None:
    bar = tqdm(total=3, disable=True)
    assert _freeze_progress_bars() is False
    bar.close()
