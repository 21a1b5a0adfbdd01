"""One spelling for "check one point" (``ds.vdos.require_point``) and one for "iterate points" (``ds.vdos.points()``)
(issue 66 item 2).  ``vdosbench.validators.require_single_point`` and ``iter_parameter_points`` are kept for one
release: they warn and give what the one spelling gives; nothing in the package, studies/, speed/ or the other tests
calls them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import xarray as xr

from vdosbench import validators
from vdosbench.datasets import mock_spectrum
from vdosbench.validators import ParameterPointError

ROOT = Path(__file__).resolve().parents[2]
DEPRECATED = {"require_single_point": "ds.vdos.require_point", "iter_parameter_points": "ds.vdos.points"}


def test_iter_parameter_points_warns_and_yields_the_points() -> None:
    ds = mock_spectrum(parameters={"delta": [0.0, 0.1]}, n_site=4, pairs_per_sample=3)
    with pytest.warns(DeprecationWarning, match=r"iter_parameter_points is deprecated; use ds\.vdos\.points"):
        old = list(validators.iter_parameter_points(ds))
    new = list(ds.vdos.points())
    assert [p for p, _ in old] == [p for p, _ in new] == [{"delta": 0.0}, {"delta": 0.1}]
    for (_, a), (_, b) in zip(old, new):
        xr.testing.assert_identical(a, b)


@pytest.mark.parametrize(
    ("ds", "error"),
    [
        (mock_spectrum(parameters={"delta": [0.0, 0.1]}, n_site=4), ParameterPointError),
        (mock_spectrum().drop_vars(["eigenvalue", "zero_mode"]), ValueError),
    ],
    ids=["grid", "no-eigenvalue"],
)
def test_require_single_point_warns_and_raises_as_require_point(ds: xr.Dataset, error: type) -> None:
    with pytest.raises(error) as new:
        ds.vdos.require_point("demo")
    with pytest.warns(DeprecationWarning, match=r"require_single_point is deprecated; use ds\.vdos\.require_point"):
        with pytest.raises(error) as old:
            validators.require_single_point(ds, "demo")
    assert str(old.value) == str(new.value)


def test_nothing_calls_the_deprecated_spellings() -> None:
    here = Path(__file__).resolve()
    callers = []
    for folder in (
        "benchmark",
        "datasets",
        "generators",
        "validators",
        "vdosbench",
        "studies",
        "speed",
        "tests",
        "docs",
    ):
        for path in (ROOT / folder).rglob("*.py"):
            if path.resolve() == here:
                continue
            for name in DEPRECATED:
                for line in path.read_text(encoding="utf-8").splitlines():
                    if re.search(rf"\b{name}\(", line) and not line.lstrip().startswith("def "):
                        callers.append(f"{path.relative_to(ROOT)}: {line.strip()}")
    assert not callers, callers
