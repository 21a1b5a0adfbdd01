"""VDOS-1.0: every rule rejects its broken case with variable, rule and fix."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

from vdosbench.datasets import ConventionError, check, mock_spectrum, problems
from vdosbench.datasets.convention import RULE_NAMES


def full() -> xr.Dataset:
    return mock_spectrum(n_site=6, vector_modes=[1, 2], pairs_per_sample=4, parameters={"delta": [0.0, 0.1]})


def test_mock_datasets_conform() -> None:
    check(mock_spectrum())
    check(full())


def _set(name: str, values: Callable[[xr.DataArray], np.ndarray]) -> Callable[[xr.Dataset], xr.Dataset]:
    def breaker(ds: xr.Dataset) -> xr.Dataset:
        ds = ds.copy(deep=True)
        ds[name] = ds[name].copy(data=values(ds[name]))
        return ds

    return breaker


def _attr(name: str, value: object) -> Callable[[xr.Dataset], xr.Dataset]:
    def breaker(ds: xr.Dataset) -> xr.Dataset:
        ds = ds.copy()
        ds.attrs = {**ds.attrs, name: value}
        if value is None:
            del ds.attrs[name]
        return ds

    return breaker


def _nan_first(a: xr.DataArray) -> np.ndarray:
    v = a.values.copy()
    v[(0,) * (v.ndim - 1) + (3,)] = np.nan
    return v


def _var_attr(var: str, key: str) -> Callable[[xr.Dataset], xr.Dataset]:
    def breaker(ds: xr.Dataset) -> xr.Dataset:
        ds = ds.copy(deep=True)
        del ds[var].attrs[key]
        return ds

    return breaker


BROKEN: list[tuple[str, Callable[[xr.Dataset], xr.Dataset], str, str]] = [
    ("conventions", _attr("Conventions", "CF-1.10"), "<global>", "Conventions"),
    ("global-attributes", _attr("title", ""), "<global>", "title"),
    ("spatial-dimension", _attr("spatial_dimension", 4), "<global>", "spatial_dimension"),
    ("site-dof", _attr("site_degrees_of_freedom", 3), "<global>", "site_degrees_of_freedom"),
    ("provenance", _attr("generator", "spring_network"), "<global>", "root_seed"),
    ("variable-attributes", _var_attr("eigenvalue", "units"), "eigenvalue", "units"),
    ("variable-attributes", _var_attr("position", "long_name"), "position", "long_name"),
    ("parameter-coordinate", lambda ds: ds.drop_vars("delta"), "delta", "assign_coords"),
    ("eigenvalue-required", lambda ds: ds.drop_vars("eigenvalue"), "eigenvalue", "expected|store"),
    ("eigenvalue-dims", lambda ds: ds.transpose("mode", ...), "eigenvalue", "expected"),
    ("eigenvalue-dtype", _set("eigenvalue", lambda a: a.values.astype(np.int64)), "eigenvalue", "float64"),
    ("eigenvalue-finite", _set("eigenvalue", _nan_first), "eigenvalue", "NaN"),
    ("eigenvalue-sorted", _set("eigenvalue", lambda a: a.values[..., ::-1]), "eigenvalue", "ascending"),
    ("eigenvalue-nonnegative", _set("eigenvalue", lambda a: a.values - 0.01), "eigenvalue", "quench"),
    (
        "eigenvalue-nonzero",
        _set("eigenvalue", lambda a: np.zeros_like(a.values)),
        "eigenvalue",
        "entirely zero.*Fix: store",
    ),
    ("zero-mode", _set("zero_mode", lambda a: ~a.values), "zero_mode", "lowest"),
    ("eigenvector-normalized", _set("eigenvector", lambda a: 2 * a.values), "eigenvector", "normalise"),
    ("eigenvector-dims", lambda ds: ds.assign_coords(vector_mode=[1, 99]), "vector_mode", r"\[0, n_mode\)"),
    ("position", _set("position", lambda a: a.values * np.inf), "position", "finite"),
    ("box-length", _set("box_length", lambda a: -a.values), "box_length", "> 0"),
    ("coordination", _set("coordination", lambda a: -a.values), "coordination", "≥ 0"),
    ("coordination", _set("coordination", lambda a: a.values.astype(float)), "coordination", "integers"),
    ("pair-ragged", _set("pair_count", lambda a: a.values + 1), "pair_count", "C order"),
    ("pair-ragged", _set("pair_i", lambda a: a.values + 100), "pair_i", "same sample"),
    ("pair-ragged", lambda ds: ds.drop_vars("pair_count"), "pair_count", "sample_dimension"),
]


@pytest.mark.parametrize(("rule", "breaker", "variable", "fix"), BROKEN, ids=[f"{b[0]}:{b[2]}:{b[3]}" for b in BROKEN])
def test_each_rule_rejects_its_broken_case(rule: str, breaker, variable: str, fix: str) -> None:
    assert rule in RULE_NAMES
    ds = breaker(full())
    with pytest.raises(ConventionError, match=rf"{variable}: rule '{rule}' broken") as info:
        check(ds)
    text = str(info.value)
    assert "Fix:" in text
    import re

    assert re.search(fix, text), text
    assert any(p.rule == rule and p.variable == variable for p in info.value.problems)


def test_diameter_rule() -> None:
    ds = full()
    ds["diameter"] = (ds["coordination"].dims, -np.ones(ds["coordination"].shape), {"long_name": "d", "units": "1"})
    with pytest.raises(ConventionError, match="diameter: rule 'diameter' broken"):
        check(ds)


def test_non_dataset_input_is_explained() -> None:
    with pytest.raises(ConventionError, match="got ndarray, expected xarray.Dataset"):
        check(np.zeros(3))


def test_all_problems_are_listed_at_once() -> None:
    ds = full()
    ds.attrs = {}
    found = problems(ds)
    rules = {p.rule for p in found}
    assert {"conventions", "global-attributes", "spatial-dimension"} <= rules


def test_one_all_zero_sample_is_named_and_zero_modes_alone_are_accepted() -> None:
    ds = mock_spectrum(n_sample=3, n_zero=2)
    check(ds)  # zero modes below non-zero ones are fine
    ds["eigenvalue"][1, :] = 0.0
    with pytest.raises(ConventionError, match=r"eigenvalue: rule 'eigenvalue-nonzero' broken: 1 of 3 sample"):
        check(ds)


def test_small_negative_rounding_is_accepted() -> None:
    ds = mock_spectrum()
    ds["eigenvalue"][..., 0] = -1e-12
    check(ds)


# -- hypothesis: check never crashes, it accepts or explains ------------------------

_names = st.sampled_from(
    ["eigenvalue", "zero_mode", "eigenvector", "position", "box_length", "coordination", "pair_count", "pair_i", "junk"]
)
_dims = st.lists(
    st.sampled_from(["sample", "mode", "site", "spatial", "pair", "vector_mode", "delta"]), max_size=3, unique=True
)
_dtypes = st.sampled_from([np.float64, np.int64, np.bool_, np.float32, "U2", object])


@st.composite
def arbitrary_dataset(draw: st.DrawFn) -> xr.Dataset:
    sizes = {d: draw(st.integers(0, 3)) for d in ["sample", "mode", "site", "spatial", "pair", "vector_mode", "delta"]}
    data_vars = {}
    for name in draw(st.lists(_names, max_size=5, unique=True)):
        dims = draw(_dims)
        shape = tuple(sizes[d] for d in dims)
        dtype = draw(_dtypes)
        values = np.asarray(
            draw(
                st.lists(
                    st.floats(allow_nan=True, allow_infinity=True),
                    min_size=int(np.prod(shape)),
                    max_size=int(np.prod(shape)),
                )
            )
        ).reshape(shape)
        if dtype is object or dtype == "U2":
            arr = values.astype(str).astype(dtype)
        elif dtype in (np.int64, np.bool_):
            arr = np.nan_to_num(values, nan=0, posinf=1, neginf=-1).clip(-1e6, 1e6).astype(dtype)
        else:
            with np.errstate(over="ignore", invalid="ignore"):
                arr = values.astype(dtype)
        attrs = draw(st.dictionaries(st.sampled_from(["units", "long_name", "sample_dimension"]), st.text(max_size=3)))
        data_vars[name] = (dims, arr, attrs)
    attrs = draw(
        st.dictionaries(
            st.sampled_from(["Conventions", "title", "spatial_dimension", "generator", "site_degrees_of_freedom"]),
            st.one_of(st.text(max_size=12), st.integers(-2, 5), st.just("CF-1.10 VDOS-1.0")),
        )
    )
    return xr.Dataset(data_vars, attrs=attrs)


@settings(max_examples=300, deadline=None)
@given(arbitrary_dataset())
def test_check_never_crashes(ds: xr.Dataset) -> None:
    try:
        check(ds)
    except ConventionError as e:
        assert e.problems
        assert all(p.rule in RULE_NAMES for p in e.problems), e.problems
