"""Atomic writes, round trips (hypothesis), reading bad files."""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import xarray as xr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vdosbench.datasets import (
    ConventionError,
    VDOSReadError,
    combine_parts,
    mock_spectrum,
    open_dataset,
    open_ensemble,
    write,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    n_sample=st.integers(1, 4),
    n_mode=st.integers(2, 12),
    n_site=st.one_of(st.none(), st.integers(2, 5)),
    exponent=st.floats(0.5, 6.0),
    deltas=st.lists(st.floats(0.0, 0.5, allow_nan=False), min_size=1, max_size=3, unique=True),
    seed=st.integers(0, 2**32 - 1),
)
def test_write_then_open_is_identical(tmp_path: Path, n_sample, n_mode, n_site, exponent, deltas, seed) -> None:
    kwargs = {}
    if n_site is not None:
        kwargs = {"n_site": n_site, "vector_modes": [n_mode - 1], "pairs_per_sample": 2}
    ds = mock_spectrum(
        n_sample=n_sample, n_mode=n_mode, exponent=exponent, parameters={"delta": deltas}, seed=seed, **kwargs
    )
    path = write(ds, tmp_path / f"rt-{seed}.nc")
    back = open_dataset(path)
    xr.testing.assert_identical(back, ds)
    for name in ds.variables:
        assert back[name].dtype == ds[name].dtype, name


def test_invalid_dataset_writes_no_file(tmp_path: Path) -> None:
    ds = mock_spectrum().drop_vars("eigenvalue")
    target = tmp_path / "bad.nc"
    with pytest.raises(ConventionError, match="eigenvalue-required"):
        write(ds, target)
    assert list(tmp_path.iterdir()) == []


def test_interrupted_write_leaves_no_final_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure in the middle of writing removes the temporary file and never creates the final one."""
    target = tmp_path / "x.nc"

    def exploding_to_netcdf(self: xr.Dataset, path: os.PathLike[str], **kwargs: object) -> None:
        Path(path).write_bytes(b"\x89HDF partial")
        raise KeyboardInterrupt("simulated kill during write")

    monkeypatch.setattr(xr.Dataset, "to_netcdf", exploding_to_netcdf)
    with pytest.raises(KeyboardInterrupt):
        write(mock_spectrum(), target)
    assert list(tmp_path.iterdir()) == []


def test_overwrite_replaces_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "x.nc"
    write(mock_spectrum(n_mode=5), target)
    write(mock_spectrum(n_mode=7), target)
    assert open_dataset(target).sizes["mode"] == 7


def test_a_dropped_unlimited_dimension_is_not_declared_again(tmp_path: Path) -> None:
    """A set read from a file with an unlimited dimension, its variables on it dropped since (as a scoring form
    drops the eigenvectors' ``vector_mode``), is written without that dimension and without a warning."""
    ds = mock_spectrum(n_sample=2, n_mode=4)
    ds["extra"] = ("vector_mode", np.arange(3.0))
    ds.encoding["unlimited_dims"] = {"vector_mode", "mode"}  # as a file with these dimensions unlimited reads
    trimmed = ds.drop_vars("extra")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        write(trimmed, tmp_path / "form.nc")
    with open_dataset(tmp_path / "form.nc") as form:
        assert "vector_mode" not in form.dims and form.encoding.get("unlimited_dims") == {"mode"}
    assert trimmed.encoding["unlimited_dims"] == {"vector_mode", "mode"}  # the caller's dataset is left alone


def test_not_netcdf_is_explained(tmp_path: Path) -> None:
    junk = tmp_path / "junk.nc"
    junk.write_text("eigenvalues 0 1 2\n")
    with pytest.raises(VDOSReadError, match=r"not a readable netCDF-4 file .* Fix:"):
        open_dataset(junk)


def test_missing_file_is_explained(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no dataset at"):
        open_dataset(tmp_path / "nope.nc")


def test_open_validates(tmp_path: Path) -> None:
    ds = mock_spectrum()
    ds.attrs["Conventions"] = "CF-1.10"
    path = tmp_path / "c.nc"
    write(ds, path, validate=False)
    with pytest.raises(ConventionError, match="conventions"):
        open_dataset(path)
    assert open_dataset(path, validate=False).attrs["Conventions"] == "CF-1.10"


def _part(delta: float, spring: str, sample: int, n_pair: int) -> xr.Dataset:
    ds = mock_spectrum(n_sample=1, n_mode=6, n_site=4, vector_modes=[2], pairs_per_sample=n_pair, seed=sample)
    ds = ds.assign_coords(
        sample=("sample", [sample], ds["sample"].attrs),
        delta=((), delta, {"long_name": "displacement", "units": "1"}),
        spring=((), spring, {"long_name": "spring law"}),
    )
    ds.attrs["parameter_names"] = "delta spring"
    return ds


def test_combine_parts_builds_parameter_grid_and_ragged_pairs(tmp_path: Path) -> None:
    parts = []
    n_pairs = {}
    for d in (0.2, 0.0):
        for spring in ("constant", "inverse"):
            for s in (1, 0):
                n = 1 + s + int(10 * d) + (spring == "inverse")
                n_pairs[(d, spring, s)] = n
                parts.append(_part(d, spring, s, n))
    ds = combine_parts(parts)
    assert ds["eigenvalue"].dims == ("delta", "spring", "sample", "mode")
    assert ds["delta"].values.tolist() == [0.0, 0.2]
    assert ds["spring"].values.tolist() == ["constant", "inverse"]
    expected_counts = [[[n_pairs[(d, sp, s)] for s in (0, 1)] for sp in ("constant", "inverse")] for d in (0.0, 0.2)]
    assert ds["pair_count"].values.tolist() == expected_counts
    # ragged order: the pairs of (delta=0.2, spring=inverse, sample=1) are the last block
    last = _part(0.2, "inverse", 1, n_pairs[(0.2, "inverse", 1)])
    np.testing.assert_array_equal(ds["pair_i"].values[-last.sizes["pair"] :], last["pair_i"].values)
    one = ds["eigenvalue"].sel(delta=0.2, spring="constant", sample=1).values
    np.testing.assert_array_equal(one, _part(0.2, "constant", 1, 1)["eigenvalue"].values[0])
    # the same through files, lazily
    for i, p in enumerate(parts):
        write(p, tmp_path / "parts" / f"p{i}.nc")
    lazy = open_ensemble(tmp_path / "parts")
    assert lazy["eigenvalue"].chunks is not None
    xr.testing.assert_identical(lazy.load(), ds)


def test_combine_parts_reports_holes() -> None:
    parts = [_part(0.0, "constant", 0, 2), _part(0.1, "inverse", 0, 2)]
    with pytest.raises(ValueError, match="do not fill the parameter grid"):
        combine_parts(parts)


def _sized_part(delta: float, sample: int, n_site: int) -> xr.Dataset:
    b = mock_spectrum(n_sample=1, n_mode=n_site, n_site=n_site, pairs_per_sample=2, seed=sample)
    b = b.assign_coords(
        delta=((), delta, {"long_name": "d", "units": "1"}),
        spring=((), "constant", {"long_name": "s"}),
        sample=("sample", [sample], {"long_name": "sample index", "units": "1"}),
    )
    b.attrs["parameter_names"] = "delta spring"
    return b


def test_combine_parts_rejects_mixed_sizes_within_a_point() -> None:
    """The samples of one parameter point share their system size (issue 26 item 5 pads only across points)."""
    with pytest.raises(
        ValueError, match=r"one parameter point \{'delta': 0.0, 'spring': 'constant'\} differ in the size of 'mode'"
    ):
        combine_parts([_sized_part(0.0, 0, 4), _sized_part(0.0, 1, 9)])


def test_combine_parts_pads_sizes_that_change_across_points(tmp_path: Path) -> None:
    """A grid over the system size: mode and site padded with NaN / -1, each point selected back unchanged."""
    from vdosbench.datasets import check, iter_points

    parts = [_sized_part(0.0, s, 4) for s in (0, 1)] + [_sized_part(0.1, s, 9) for s in (0, 1)]
    ds = combine_parts(parts)
    check(ds)
    assert ds.attrs["padded_dims"] == "mode site"
    assert ds.sizes["mode"] == 9 and ds["mode_length"].squeeze("spring").values.tolist() == [4, 9]
    assert np.isnan(ds["eigenvalue"].sel(delta=0.0).values[..., 4:]).all()
    assert (ds["coordination"].sel(delta=0.0).values[..., 4:] == -1).all()  # integers padded with -1
    for (values, point), own in zip(iter_points(ds), ([parts[0], parts[1]], [parts[2], parts[3]])):
        assert point.sizes["mode"] == own[0].sizes["mode"] and "padded_dims" not in point.attrs
        expected = np.concatenate([p["eigenvalue"].values for p in own])
        np.testing.assert_array_equal(point["eigenvalue"].values, expected)
        np.testing.assert_array_equal(point["pair_i"].values, np.concatenate([p["pair_i"].values for p in own]))
    # the same through files
    for i, p in enumerate(parts):
        write(p, tmp_path / "parts" / f"p{i}.nc")
    xr.testing.assert_identical(open_ensemble(tmp_path / "parts").load(), ds)


def test_select_point_cuts_the_ragged_pairs_of_that_point() -> None:
    """ds.sel keeps every pair; select_point keeps the selected point's own pairs."""
    from vdosbench.datasets import iter_points, select_point

    parts = [
        _part(d, sp, s, 1 + s + int(10 * d) + (sp == "inverse"))
        for d in (0.0, 0.2)
        for sp in ("constant", "inverse")
        for s in (0, 1)
    ]
    ds = combine_parts(parts)
    for d in (0.0, 0.2):
        for sp in ("constant", "inverse"):
            point = select_point(ds, {"delta": d, "spring": sp})
            own = [p for p in parts if p["delta"].item() == d and p["spring"].item() == sp]
            expected = np.concatenate(
                [p["pair_distance"].values for p in sorted(own, key=lambda p: int(p["sample"][0]))]
            )
            np.testing.assert_array_equal(point["pair_distance"].values, expected)
            assert int(point["pair_count"].sum()) == point.sizes["pair"]
    assert [v for v, _ in iter_points(ds)] == [
        {"delta": 0.0, "spring": "constant"},
        {"delta": 0.0, "spring": "inverse"},
        {"delta": 0.2, "spring": "constant"},
        {"delta": 0.2, "spring": "inverse"},
    ]
    with pytest.raises(KeyError, match=r"delta = 0.5 is not in the dataset"):
        select_point(ds, {"delta": 0.5, "spring": "constant"})


def test_pair_readers_refuse_a_plain_sel() -> None:
    from vdosbench.validators import sample_pairs

    parts = [_part(d, "constant", 0, 3 + int(10 * d)) for d in (0.0, 0.2)]
    parts = [p.drop_vars("spring") for p in parts]
    for p in parts:
        p.attrs["parameter_names"] = "delta"
    ds = combine_parts(parts)
    with pytest.raises(ValueError, match="select_point"):
        sample_pairs(ds.sel(delta=0.2), "pair_i")


@pytest.mark.parametrize("library_error", [RuntimeError("NetCDF: HDF error"), PermissionError(13, "Permission denied")])
def test_a_write_on_a_full_disk_says_so_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, library_error: Exception
) -> None:
    """Fault G7: on a full disk netCDF4 fails with "NetCDF: HDF error" (or "Permission denied" creating the file);
    the write then measures the free space and says the disk is full, with the fix; no file is left."""
    import shutil
    from collections import namedtuple

    from vdosbench.datasets import mock_spectrum
    from vdosbench.datasets import DiskFullError, write

    def failing(self: xr.Dataset, target: Any, *args: Any, **kwargs: Any) -> None:
        Path(target).write_bytes(b"\0" * 100)  # a partial file, as the library leaves
        raise library_error

    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(xr.Dataset, "to_netcdf", failing)
    monkeypatch.setattr(shutil, "disk_usage", lambda folder: usage(10**9, 10**9 - 4096, 4096))
    with pytest.raises(DiskFullError, match=r"is full \(4\.1 kB free, the dataset holds about .*Fix: free space"):
        write(mock_spectrum(), tmp_path / "out.nc")
    assert list(tmp_path.iterdir()) == []
    # the same library error with room to spare is not called a full disk
    monkeypatch.setattr(shutil, "disk_usage", lambda folder: usage(10**12, 0, 10**12))
    with pytest.raises(type(library_error)):
        write(mock_spectrum(), tmp_path / "out.nc")
    assert list(tmp_path.iterdir()) == []


def test_a_process_ended_mid_write_leaves_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What a stop's grace timer does before ``os._exit`` (``vdosbench.cli.signals``): the temporary file of a write
    still being filled is deleted, the finished files are kept, and a later write is not affected."""
    from vdosbench.datasets import remove_unfinished_writes

    ds = xr.Dataset({"x": ("n", np.arange(3.0))})
    write(ds, tmp_path / "done.nc", validate=False)
    to_netcdf = xr.Dataset.to_netcdf
    filling: list[Path] = []

    def fill_then_end(self: xr.Dataset, path: Any, *args: Any, **kwargs: Any) -> Any:
        to_netcdf(self, path, *args, **kwargs)
        filling.append(Path(path))
        assert Path(path).exists()
        remove_unfinished_writes()  # the process would end here (os._exit), the rename never made, nothing unwound
        assert not Path(path).exists()
        raise SystemExit(143)

    monkeypatch.setattr("xarray.Dataset.to_netcdf", fill_then_end)
    with pytest.raises(SystemExit):
        write(ds, tmp_path / "part.nc", validate=False)
    (tmp,) = filling
    assert tmp.name.startswith(".part.nc.tmp-") and not tmp.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["done.nc"]
    monkeypatch.undo()
    remove_unfinished_writes()  # nothing unfinished: nothing removed
    assert write(ds, tmp_path / "part.nc", validate=False).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["done.nc", "part.nc"]
