"""Decimal commas in comma-separated eigenvalue text are refused, not read as pairs of integers (G13, issue 64
item 5)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vdosbench.benchmark.adapters import AdapterError
from vdosbench.benchmark.adapters.text import read_text


def _rows(path: Path, rows: np.ndarray, decimal_comma: bool) -> Path:
    text = "\n".join(",".join(("%.6f" % v).replace(".", ",") if decimal_comma else "%.6f" % v for v in r) for r in rows)
    path.write_text("# spatial_dimension: 3\n" + text + "\n")
    return path


def test_decimal_commas_are_refused_with_the_fix(tmp_path: Path) -> None:
    """G13's reproduction: 3 samples of 50 eigenvalues written with decimal commas, separated by commas."""
    rows = np.sort(np.random.default_rng(0).uniform(0.1, 4, (3, 50)), axis=1)
    with pytest.raises(AdapterError, match=r"decimal commas .*read as pairs of integers.*Fix: write decimal points"):
        read_text([_rows(tmp_path / "dc.txt", rows, decimal_comma=True)])


def test_decimal_points_separated_by_commas_are_read(tmp_path: Path) -> None:
    rows = np.sort(np.random.default_rng(0).uniform(0.1, 4, (3, 50)), axis=1)
    ds = read_text([_rows(tmp_path / "ok.txt", rows, decimal_comma=False)])
    np.testing.assert_allclose(np.asarray(ds["eigenvalue"]).reshape(3, 50), rows, atol=1e-6)
