"""The five deprecated twins of ``ds.vdos`` (issue 54 item 1): each warns, then returns the accessor's value.

``mode_total``, ``nonzero_mode_count``, ``zero_modes``, ``number_density`` (``vdosbench.validators``) and
``shear_modulus_speed`` are kept for one release as wrappers of ``ds.vdos.mode_total``, ``.n_nonzero``,
``.zero_mode``, ``.number_density`` and ``.shear_speed``.  On every dataset below each gives exactly the
accessor's value (and dims), fails where the accessor fails with the same error, and no code of the
package, its studies, speed scripts or other tests calls it any more.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import xarray as xr

import vdosbench.validators as validators
import vdosbench.validators.results.result as result_module
from vdosbench.datasets import VdosAccessor, mock_spectrum

ROOT = Path(__file__).resolve().parents[2]

#: twin name -> the accessor property it is a twin of
TWINS = {
    "mode_total": "mode_total",
    "nonzero_mode_count": "n_nonzero",
    "zero_modes": "zero_mode",
    "number_density": "number_density",
    "shear_modulus_speed": "shear_speed",
}
#: the two readers of samples retired with them: name -> the accessor's member
READERS = {"sample_groups": "chain_groups", "sample_chunks": "sample_blocks"}
DEPRECATED = {**TWINS, **READERS}


def _function(name: str) -> Callable[..., Any]:
    """The deprecated function: on the public face, or (sample_groups) in vdosbench.validators.results.result."""
    return getattr(validators, name) if hasattr(validators, name) else getattr(result_module, name)


def _rectangular() -> xr.Dataset:
    """A 3D vector model with a rectangular box, 4 sites, a partial spectrum (6 of 12 modes) and no flags."""
    ds = mock_spectrum(n_sample=2, n_mode=6, n_site=4, n_zero=3, spatial_dimension=3, seed=5).drop_vars("zero_mode")
    ds["box_length"] = (
        ("sample", "spatial"),
        np.array([[2.0, 3.0, 5.0], [2.0, 3.0, 4.0]]),
        {"long_name": "box edges", "units": "nm"},
    )
    return ds


def _with_shear(ds: xr.Dataset) -> xr.Dataset:
    ds = ds.copy()
    ds["shear_modulus"] = ("sample", np.linspace(0.5, 2.0, ds.sizes["sample"]), {"long_name": "G", "units": "1"})
    return ds


DATASETS: dict[str, Callable[[], xr.Dataset]] = {
    "2D-flagged": lambda: _with_shear(mock_spectrum(n_sample=3, n_mode=16, n_site=16, n_zero=2, seed=4)),
    "2D-partial": lambda: _with_shear(mock_spectrum(n_sample=2, n_mode=20, n_site=100, seed=1)),
    "2D-scalar": lambda: _with_shear(
        mock_spectrum(n_sample=2, n_mode=9, n_site=9, seed=2).assign_attrs(site_degrees_of_freedom=1)
    ),
    "3D-rectangular-unflagged": lambda: _with_shear(_rectangular()),
    "no-site-unflagged": lambda: mock_spectrum(n_sample=2, n_mode=30, n_zero=3, seed=2).drop_vars("zero_mode"),
    "grid": lambda: mock_spectrum(n_sample=2, n_mode=9, n_site=9, parameters={"delta": [0.0, 0.1]}, seed=3),
}

#: datasets a twin or the accessor cannot read (both must say so, with the same error)
BAD: dict[str, Callable[[], xr.Dataset]] = {
    "no-eigenvalue": lambda: DATASETS["2D-flagged"]().drop_vars(["eigenvalue", "zero_mode"]),
    "dimension-text": lambda: DATASETS["2D-flagged"]().assign_attrs(spatial_dimension="three"),
    "no-box": lambda: DATASETS["2D-flagged"]().drop_vars("box_length"),
    "no-site": lambda: DATASETS["2D-flagged"]().drop_vars(["position", "coordination"]),
}


def _outcome(get: Callable[[], Any]) -> tuple[str, Any]:
    try:
        return "value", get()
    except Exception as e:  # noqa: BLE001 - the error itself is compared
        return "error", (type(e), str(e))


def _twin(name: str, ds: xr.Dataset) -> Any:
    with pytest.warns(DeprecationWarning, match=rf"vdosbench\.validators\.{name} is deprecated; use ds\.vdos\."):
        return getattr(validators, name)(ds)


def _assert_same(twin: tuple[str, Any], accessor: tuple[str, Any]) -> None:
    assert twin[0] == accessor[0], f"twin gave {twin}, accessor {accessor}"
    a, b = twin[1], accessor[1]
    if twin[0] == "error":
        assert a == b
    elif isinstance(b, xr.DataArray):
        assert isinstance(a, xr.DataArray)
        xr.testing.assert_identical(a, b)
        assert a.dims == b.dims
    elif isinstance(b, np.ndarray):
        assert isinstance(a, np.ndarray) and a.shape == b.shape and a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    else:
        assert type(a) is type(b) and a == b


@pytest.mark.parametrize("dataset", sorted(DATASETS))
@pytest.mark.parametrize("name", [n for n in TWINS if n != "shear_modulus_speed"])
def test_twin_equals_the_accessor(name: str, dataset: str) -> None:
    ds = DATASETS[dataset]()
    expected = _outcome(lambda: getattr(ds.vdos, TWINS[name]))
    with pytest.warns(DeprecationWarning):
        got = _outcome(lambda: getattr(validators, name)(ds))
    _assert_same(got, expected)
    if expected[0] == "value" and isinstance(expected[1], xr.DataArray):
        # a shallow copy: editing its attrs leaves the view's cached value as it was
        assert got[1] is not expected[1]


@pytest.mark.parametrize("dataset", sorted(BAD))
@pytest.mark.parametrize("name", [n for n in TWINS if n != "shear_modulus_speed"])
def test_twin_fails_as_the_accessor_fails(name: str, dataset: str) -> None:
    ds = BAD[dataset]()
    expected = _outcome(lambda: getattr(ds.vdos, TWINS[name]))
    with pytest.warns(DeprecationWarning):
        got = _outcome(lambda: getattr(validators, name)(ds))
    _assert_same(got, expected)


@pytest.mark.parametrize("dataset", sorted(k for k in DATASETS if k not in ("no-site-unflagged", "grid")))
def test_shear_modulus_speed_equals_the_accessor(dataset: str) -> None:
    ds = DATASETS[dataset]()
    expected = ds.vdos.shear_speed
    np.testing.assert_array_equal(_twin("shear_modulus_speed", ds), expected)
    # a view is accepted as before, and the result is a copy of the cached array
    via_view = _twin("shear_modulus_speed", ds.vdos)
    np.testing.assert_array_equal(via_view, expected)
    assert via_view is not expected and isinstance(ds.vdos, VdosAccessor)


def test_shear_modulus_speed_keeps_its_errors() -> None:
    """Where the accessor gives NaN (G <= 0) or its own error (no G), the twin raises as it always did."""
    ds = DATASETS["2D-flagged"]()
    ds["shear_modulus"] = ds["shear_modulus"].copy(data=[1.0, -1.0, 2.0])
    assert np.isnan(ds.vdos.shear_speed[1]) and np.isfinite(ds.vdos.shear_speed[[0, 2]]).all()
    with pytest.raises(ValueError, match=r"shear_modulus must be finite and > 0 in every sample.*\[-1\.0\]"):
        _twin("shear_modulus_speed", ds)
    with pytest.raises(ValueError, match=r"method='shear_modulus' needs a 'shear_modulus' \(sample,\) variable"):
        _twin("shear_modulus_speed", ds.drop_vars("shear_modulus"))
    # a whole grid: the accessor's own error, from both
    grid = DATASETS["grid"]().assign(shear_modulus=(("delta", "sample"), np.ones((2, 2))))
    expected = _outcome(lambda: grid.vdos.shear_speed)
    assert expected[0] == "error" and "expected ('sample',)" in expected[1][1]
    with pytest.warns(DeprecationWarning):
        _assert_same(_outcome(lambda: validators.shear_modulus_speed(grid)), expected)


@pytest.mark.parametrize("name", sorted(DEPRECATED))
def test_each_twin_warns_and_names_its_replacement(name: str) -> None:
    ds = DATASETS["2D-flagged"]()
    with pytest.warns(DeprecationWarning) as caught:
        _function(name)(ds)
    messages = [str(w.message) for w in caught if issubclass(w.category, DeprecationWarning)]
    assert messages == [f"vdosbench.validators.{name} is deprecated; use ds.vdos.{DEPRECATED[name]}"]
    # stacklevel=2: the warning points at the caller (this file), not at the wrapper
    assert [Path(w.filename).name for w in caught] == [Path(__file__).name]
    doc = _function(name).__doc__
    assert ".. deprecated::" in doc and f"ds.vdos.{DEPRECATED[name]}" in doc


def test_the_sample_readers_equal_the_accessor() -> None:
    chained = DATASETS["2D-flagged"]().assign(chain=("sample", [0, 0, 1]))
    lazy = DATASETS["2D-partial"]().chunk({"sample": 1})
    with pytest.warns(DeprecationWarning):
        assert result_module.sample_groups(chained).tolist() == chained.vdos.chain_groups.tolist() == [0, 0, 1]
        assert result_module.sample_groups(DATASETS["2D-flagged"]()) is None
        blocks = list(validators.sample_chunks(lazy, block_values=20))
    expected = list(lazy.vdos.sample_blocks(block_values=20))
    assert [sl for sl, _ in blocks] == [sl for sl, _ in expected] == [slice(0, 1), slice(1, 2)]
    for (_, a), (_, b) in zip(blocks, expected):
        xr.testing.assert_identical(a, b)


def _calls_of_twins(path: Path, root: Path = ROOT) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
            if name in DEPRECATED:
                found.append(f"{path.relative_to(root)}:{node.lineno} {name}(...)")
    return found


def test_nothing_calls_the_twins_any_more() -> None:
    folders = ["benchmark", "datasets", "generators", "validators", "vdosbench", "studies", "speed", "tests"]
    here = Path(__file__).resolve()
    calls = [
        c
        for folder in folders
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path.resolve() != here
        for c in _calls_of_twins(path)
    ]
    assert not calls, f"calls of deprecated twins (read ds.vdos instead): {calls}"


def test_the_scan_finds_a_call(tmp_path: Path) -> None:
    # built to fail: a module that still calls a twin is caught (a keyword or attribute of that name is not a call)
    target = tmp_path / "m.py"
    target.write_text(
        "from vdosbench.validators import mode_total\n"
        "n = mode_total(ds)\n"
        "k = v.zero_modes(ds)\n"
        "r = read(path, zero_modes=3) + ds.vdos.mode_total\n"
    )
    assert _calls_of_twins(target, tmp_path) == ["m.py:2 mode_total(...)", "m.py:3 zero_modes(...)"]
