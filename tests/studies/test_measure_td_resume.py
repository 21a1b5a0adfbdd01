"""studies/measure_td.py: a replica stopped after a temperature and run again gives the uninterrupted numbers."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from script_loader import load_script


@pytest.fixture(scope="module")
def td():  # noqa: ANN201
    return load_script("studies/measure_td.py", "measure_td_study")


def _job(grid: tuple[float, ...], checkpoint: Path | None, eq_sweeps: int = 40) -> tuple:
    seed = np.random.SeedSequence(11).spawn(2)[1]
    return (1, seed, 64, grid, 6.9, eq_sweeps, 120, 0.2, checkpoint)


def _numbers(chain: dict) -> str:
    """Every result but the wall time, as JSON text (a τ_α not reached within the short runs is NaN)."""
    return json.dumps([{k: v for k, v in r.items() if k != "wall_seconds"} for r in chain["results"]])


def test_resumed_replica_equals_the_uninterrupted_one(td, tmp_path: Path) -> None:  # noqa: ANN001
    grid = (0.5, 0.4, 0.3)
    whole = td.run_chain(_job(grid, None))
    first = td.run_chain(_job(grid[:1], tmp_path))  # a session stopped after the first temperature
    assert len(first["results"]) == 1 and (tmp_path / "replica-1.json").exists()
    assert not list(tmp_path.glob("*.tmp*"))
    resumed = td.run_chain(_job(grid, tmp_path))
    assert _numbers(resumed) == _numbers(whole)
    again = td.run_chain(_job(grid, tmp_path))  # everything done: nothing re-run, same numbers
    assert _numbers(again) == _numbers(whole)


def test_checkpoint_of_other_parameters_is_refused(td, tmp_path: Path) -> None:  # noqa: ANN001
    td.run_chain(_job((0.5,), tmp_path))
    with pytest.raises(SystemExit, match="was made with .* this run asks for"):
        td.run_chain(_job((0.5, 0.4), tmp_path, eq_sweeps=41))
    with pytest.raises(SystemExit, match="not the start of the grid"):
        td.run_chain(_job((0.6, 0.5), tmp_path))
