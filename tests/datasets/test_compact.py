"""The catalogue's storage form (datasets.compact) and ``vdosbench compact``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from vdosbench.cli import main
from vdosbench.datasets import check, mock_spectrum, open_dataset, write
from vdosbench.datasets.compact import (
    EIGENVECTOR_FLOAT32_COMMENT,
    compact,
    compact_file,
)


def _glass(n_site: int = 10) -> object:
    return mock_spectrum(
        n_sample=3,
        n_mode=3 * n_site,
        n_site=n_site,
        spatial_dimension=3,
        vector_modes=list(range(1, 11)),
        pairs_per_sample=5,
    )


def test_float64_eigenvectors_become_float32_and_nothing_else_changes() -> None:
    ds = _glass()
    out = compact(ds)
    assert ds["eigenvector"].dtype == np.float64  # the input is not changed
    assert out["eigenvector"].dtype == np.float32
    assert out["eigenvector"].attrs["comment"] == EIGENVECTOR_FLOAT32_COMMENT
    assert out["eigenvector"].attrs["long_name"] == ds["eigenvector"].attrs["long_name"]
    # rounding only: relative error of float32, norms within the convention's 1e-6
    np.testing.assert_allclose(out["eigenvector"].values, ds["eigenvector"].values, rtol=6e-8, atol=1e-9)
    for name in ds.variables:
        if name != "eigenvector":
            assert out[name].dtype == ds[name].dtype
            np.testing.assert_array_equal(out[name].values, ds[name].values)
    assert "cast to float32" in out.attrs["history"] and out.attrs["history"].startswith(ds.attrs["history"])
    check(out)


def test_a_dataset_already_compact_or_without_eigenvectors_is_returned_as_is() -> None:
    once = compact(_glass())
    twice = compact(once)
    assert twice.attrs["history"] == once.attrs["history"]
    bare = mock_spectrum()
    assert "eigenvector" not in bare and compact(bare).identical(bare)


def test_integer_eigenvectors_are_refused() -> None:
    ds = _glass()
    ds["eigenvector"] = ds["eigenvector"].astype(np.int64)
    with pytest.raises(TypeError, match="eigenvector has dtype int64; expected a floating-point array"):
        compact(ds)


def test_compact_file_writes_a_smaller_file_and_refuses_its_source(tmp_path: Path) -> None:
    source = write(_glass(n_site=400), tmp_path / "ensemble.nc")  # eigenvectors dominate the file
    target = compact_file(source, tmp_path / "out" / "compact.nc")
    with open_dataset(target) as ds:
        assert ds["eigenvector"].dtype == np.float32
    assert target.stat().st_size < source.stat().st_size
    with pytest.raises(ValueError, match="is the source"):
        compact_file(source, source)


def test_cli_compact(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write(_glass(), tmp_path / "ensemble.nc")
    assert main(["compact", str(source), str(tmp_path / "c.nc")]) == 0
    assert f"{tmp_path / 'c.nc'}: " in capsys.readouterr().out
    assert main(["compact", str(tmp_path / "missing.nc"), str(tmp_path / "d.nc")]) == 2
    assert "is not a file; expected a VDOS-1.0 netCDF file" in capsys.readouterr().err
    assert not (tmp_path / "d.nc").exists()
    assert main(["compact", str(source), str(source)]) == 2
