"""Eigenvectors stay on disk when data are scored: ``open_dataset(..., lazy_variables=...)`` and the netcdf adapter.

A dataset with eigenvectors much larger than its eigenvalues is written; read
as ``vdosbench score`` reads it, every other variable is in memory and
``eigenvector`` is a Dask array in the file's chunks (one sample each), the
memory bound counts only what is loaded, the convention check still catches a
badly normalised eigenvector, and a validator gives the same value as on the
data loaded whole.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from vdosbench.benchmark.adapters import read
from vdosbench.benchmark.adapters.netcdf import LAZY_VARIABLES
from vdosbench.datasets import MEMORY_LIMIT_ENV, ConventionError, MemoryBoundError, mock_spectrum, open_dataset, write
from vdosbench.datasets.memory import netcdf_load_bytes
from vdosbench.validators import measure_participation_ratio

N_SAMPLE, N_SITE, N_VECTORS = 6, 400, 50


@pytest.fixture
def vectors_file(tmp_path: Path) -> Path:
    """Eigenvectors (6 x 50 x 400 float64: 960 kB) dwarf the eigenvalues (6 x 400: 19 kB)."""
    ds = mock_spectrum(n_sample=N_SAMPLE, n_mode=N_SITE, n_site=N_SITE, vector_modes=range(1, 1 + N_VECTORS), seed=3)
    return write(ds, tmp_path / "vectors.nc")


def test_lazy_eigenvectors_are_dask_backed_in_one_sample_chunks_and_equal_the_loaded_data(vectors_file: Path) -> None:
    lazy = open_dataset(vectors_file, lazy_variables=("eigenvector",))
    whole = open_dataset(vectors_file)
    assert lazy["eigenvector"].chunks is not None
    assert lazy["eigenvector"].chunksizes["sample"] == (1,) * N_SAMPLE
    assert all(lazy[n].chunks is None for n in lazy.variables if n != "eigenvector")
    assert list(lazy.data_vars) == list(whole.data_vars)
    xr.testing.assert_identical(lazy.load(), whole)


def test_the_memory_bound_counts_only_what_is_loaded(vectors_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    everything = netcdf_load_bytes(vectors_file)
    loaded = netcdf_load_bytes(vectors_file, lazy_variables=("eigenvector",))
    assert everything is not None and loaded is not None
    assert everything - loaded == N_SAMPLE * N_VECTORS * N_SITE * 8  # exactly the eigenvector array
    bound = 2 * loaded + (everything - loaded)  # room for 2 x the rest (raw + decoded), not for 2 x everything
    monkeypatch.setenv(MEMORY_LIMIT_ENV, str(bound))
    with pytest.raises(MemoryBoundError, match="every variable"):
        open_dataset(vectors_file)
    ds = open_dataset(vectors_file, lazy_variables=("eigenvector",))
    assert ds["eigenvector"].chunks is not None


def test_the_convention_check_reads_lazy_eigenvectors_chunk_by_chunk_and_still_catches_bad_norms(
    tmp_path: Path,
) -> None:
    ds = mock_spectrum(n_sample=3, n_mode=20, n_site=20, vector_modes=[1, 2], seed=1)
    ds["eigenvector"][1, 0] *= 1.1  # sample 1, first stored mode: |e|^2 = 1.21
    path = write(ds, tmp_path / "bad.nc", validate=False)
    with pytest.raises(ConventionError, match=r"eigenvector-normalized.*deviates from 1 by up to 0\.21"):
        open_dataset(path, lazy_variables=("eigenvector",))
    ds["eigenvector"][1, 0] = np.nan
    path = write(ds, tmp_path / "nan.nc", validate=False)
    with pytest.raises(ConventionError, match="eigenvector-normalized"):
        open_dataset(path, lazy_variables=("eigenvector",))


def test_score_reads_netcdf_with_eigenvectors_on_disk_and_measures_them_as_when_loaded(vectors_file: Path) -> None:
    assert LAZY_VARIABLES == ("eigenvector",)
    scored = read(vectors_file)
    assert scored["eigenvector"].chunks is not None and scored["eigenvalue"].chunks is None
    lazy = measure_participation_ratio(scored, n_bootstrap=200, seed=0)
    whole = measure_participation_ratio(open_dataset(vectors_file), n_bootstrap=200, seed=0)
    assert (lazy.value, lazy.low, lazy.high) == (whole.value, whole.low, whole.high)


def test_a_file_without_the_lazy_variables_is_loaded_and_closed(tmp_path: Path) -> None:
    path = write(mock_spectrum(n_sample=2, n_mode=6), tmp_path / "values.nc")
    ds = open_dataset(path, lazy_variables=("eigenvector",))
    assert all(ds[n].chunks is None for n in ds.variables)
    path.unlink()  # closed: nothing is read from the file any more
    assert float(ds["eigenvalue"].sum()) > 0
