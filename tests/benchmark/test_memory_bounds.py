"""Sizes are bounded before memory is taken (issue 16, item 2).

Files that declare huge arrays in a few kilobytes (a netCDF dimension of 10⁹
with an unwritten chunked variable, an ``.npz`` whose ``.npy`` header
declares 10⁹ entries, a compressed archive of zeros) are refused from their
headers, quickly and without allocating; a generator request whose estimated
memory exceeds the bound is refused in the parent process before any file is
written.  The estimates are checked against tracemalloc measurements.
"""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import netCDF4
import numpy as np
import pytest
import scipy.sparse
from vdosbench.benchmark.adapters import read
from vdosbench.cli import main
from vdosbench.datasets import MEMORY_LIMIT_ENV, MemoryBoundError, mock_spectrum, open_dataset, write
from vdosbench.datasets.memory import check_memory, format_bytes, memory_limit, netcdf_load_bytes, parse_size
from vdosbench.generators import get_generator, run_ensemble
from vdosbench.generators import EnsembleSpec
from vdosbench.generators.engine.ensemble_memory import check_cluster_memory, task_memory
from vdosbench.generators.spectra import dense_spectrum, dense_spectrum_bytes, full_spectrum, full_spectrum_bytes
from vdosbench.generators.networks.spring_network import spring_network_memory

#: Largest traced allocation allowed while a huge file is refused (the refusal reads headers only).
REFUSAL_PEAK_BYTES = 20e6
#: Seconds a refusal may take (it is a header read).
REFUSAL_SECONDS = 5.0


def _huge_netcdf(path: Path, n_mode: int, *, index: bool = False) -> Path:
    """A VDOS-like netCDF whose ``eigenvalue`` (1, n_mode) is declared but never written (a few kB on disk)."""
    with netCDF4.Dataset(path, "w", format="NETCDF4") as nc:
        nc.createDimension("sample", 1)
        nc.createDimension("mode", n_mode)
        var = nc.createVariable("eigenvalue", "f8", ("sample", "mode"), chunksizes=(1, 1 << 20), zlib=True)
        var.units, var.long_name = "1", "eigenvalue"
        if index:
            nc.createVariable("mode", "i8", ("mode",), chunksizes=(1 << 20,), zlib=True)
    return path


def _traced_peak(fn: Callable[[], Any]) -> tuple[float, float, BaseException | None]:
    """(peak traced bytes, seconds, exception raised) of ``fn()``."""
    tracemalloc.start()
    start = time.perf_counter()
    error = None
    try:
        fn()
    except BaseException as e:  # noqa: BLE001 - returned to the test
        error = e
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, seconds, error


# ------------------------------------------------------------------------------
# the bound itself
# ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8GB", 8 * 10**9),
        ("8 gb", 8 * 10**9),
        ("512MiB", 512 * 2**20),
        ("2e9", 2 * 10**9),
        ("1.5k", 1500),
        ("100", 100),
    ],
    ids=["GB", "lower-case", "MiB", "exponent", "fraction", "bytes"],
)
def test_parse_size(text: str, expected: int) -> None:
    assert parse_size(text) == expected


@pytest.mark.parametrize("text", ["lots", "8 XB", "-1GB", "0"], ids=["word", "unit", "negative", "zero"])
def test_parse_size_refuses_non_sizes(text: str) -> None:
    with pytest.raises(ValueError, match="expected a"):
        parse_size(text)


def test_limit_comes_from_the_environment_or_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "3GB")
    assert memory_limit() == (3 * 10**9, f"{MEMORY_LIMIT_ENV}=3GB")
    monkeypatch.delenv(MEMORY_LIMIT_ENV)
    limit, source = memory_limit()
    assert source == "memory available on this machine" and limit is not None and limit > 0
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "plenty")
    with pytest.raises(MemoryBoundError, match=f"{MEMORY_LIMIT_ENV} is 'plenty'.*Fix: set it to a size"):
        memory_limit()


def test_check_memory_names_need_bound_and_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "1MB")
    check_memory(1e6, "reading a", "none")  # equal to the bound: allowed
    with pytest.raises(
        MemoryBoundError,
        match=r"reading b needs about 2 MB.*bound is 1 MB "
        r"\(VDOSBENCH_MEMORY_LIMIT=1MB\)"
        r"\. Fix: read less; or.*raise the bound",
    ):
        check_memory(2e6, "reading b", "read less")


# ------------------------------------------------------------------------------
# files that declare more than they hold
# ------------------------------------------------------------------------------


def test_header_sizes_of_a_written_file(tmp_path: Path) -> None:
    """netcdf_load_bytes against xarray's own nbytes of the loaded file (known answer)."""
    path = write(mock_spectrum(n_sample=3, n_mode=50), tmp_path / "m.nc")
    loaded = open_dataset(path)
    assert netcdf_load_bytes(path) == loaded.nbytes
    index = sum(loaded[d].nbytes for d in loaded.dims if d in loaded.variables)
    assert netcdf_load_bytes(path, lazy=True) == index
    assert netcdf_load_bytes(tmp_path / "missing.nc") is None


def test_huge_netcdf_refused_before_allocation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _huge_netcdf(tmp_path / "huge.nc", 10**9)  # 8 GB declared
    assert path.stat().st_size < 100_000
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "1GB")
    peak, seconds, error = _traced_peak(lambda: open_dataset(path))
    assert isinstance(error, MemoryBoundError)
    assert "huge.nc" in str(error) and "8 GB" in str(error) and "bound is 1 GB" in str(error)
    assert peak < REFUSAL_PEAK_BYTES and seconds < REFUSAL_SECONDS


def test_huge_netcdf_refused_by_the_default_bound(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """8 TB declared exceeds the available memory of any machine this runs on."""
    monkeypatch.delenv(MEMORY_LIMIT_ENV, raising=False)
    path = _huge_netcdf(tmp_path / "huge.nc", 10**12)
    peak, seconds, error = _traced_peak(lambda: open_dataset(path))
    assert isinstance(error, MemoryBoundError) and "memory available on this machine" in str(error)
    assert peak < REFUSAL_PEAK_BYTES and seconds < REFUSAL_SECONDS


def test_lazy_open_bounds_only_what_is_loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With Dask chunks the data stay on disk; an index coordinate is still loaded, so it is still bounded."""
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "1GB")
    lazy = open_dataset(_huge_netcdf(tmp_path / "data.nc", 10**9), chunks={"sample": 1}, validate=False)
    assert lazy["eigenvalue"].shape == (1, 10**9) and lazy["eigenvalue"].chunks is not None
    lazy.close()
    with pytest.raises(MemoryBoundError, match="index coordinates"):
        open_dataset(_huge_netcdf(tmp_path / "index.nc", 10**9, index=True), chunks={"sample": 1}, validate=False)


def test_score_refuses_a_huge_netcdf_with_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "1GB")
    path = _huge_netcdf(tmp_path / "huge.nc", 10**9)
    out = tmp_path / "report"
    start = time.perf_counter()
    assert main(["score", str(path), "--output", str(out)]) == 2
    assert time.perf_counter() - start < 30
    err = capsys.readouterr().err
    assert err.startswith("vdosbench: error: opening") and "8 GB" in err and MEMORY_LIMIT_ENV in err
    assert "bug in vdosbench" not in err
    assert not (out / "report.md").exists()


def _npy_header_only(shape: tuple[int, ...]) -> bytes:
    """The bytes of a ``.npy`` file that declares ``shape`` float64 and holds no data."""
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": "<f8", "fortran_order": False, "shape": shape})  # magic too
    return buf.getvalue()


def test_npz_declaring_a_huge_array_is_refused_from_its_header(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "1GB")
    path = tmp_path / "huge.npz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("eigenvalues.npy", _npy_header_only((10**9,)))
    peak, seconds, error = _traced_peak(lambda: read(path, spatial_dimension=3))
    assert isinstance(error, MemoryBoundError), error
    assert "huge.npz" in str(error) and "8 GB" in str(error)
    assert peak < REFUSAL_PEAK_BYTES and seconds < REFUSAL_SECONDS


def test_compressed_npz_is_bounded_by_its_content_not_its_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """80 MB of zeros compress to ~80 kB: the declared size counts (a zip bomb is refused)."""
    path = tmp_path / "zeros.npz"
    np.savez_compressed(path, eigenvalues=np.zeros((10, 10**6)))
    assert path.stat().st_size < 1e6
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "10MB")
    with pytest.raises(MemoryBoundError, match=r"reading .*zeros\.npz.*80 MB"):
        read(path, spatial_dimension=3)
    small = tmp_path / "small.npz"
    np.savez_compressed(small, eigenvalues=np.arange(1.0, 11.0).reshape(2, 5))
    assert read(small, spatial_dimension=3)["eigenvalue"].shape == (2, 5)


def test_bare_npy_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "1GB")
    path = tmp_path / "huge.npy"
    path.write_bytes(_npy_header_only((10**5, 10**5)))
    with pytest.raises(MemoryBoundError, match="80 GB"):
        read(path, format="npz", spatial_dimension=3)


# ------------------------------------------------------------------------------
# generators
# ------------------------------------------------------------------------------


def _random_laplacian(n: int) -> scipy.sparse.csr_matrix:
    a = scipy.sparse.random(n, n, density=5 / n, random_state=1)
    return (a + a.T).tocsr()


@pytest.mark.parametrize("modes", [[], list(range(1, 21)), "all"], ids=["eigenvalues-only", "window", "all-vectors"])
def test_full_spectrum_bytes_matches_the_measured_peak(modes: Any) -> None:
    """The three branches of full_spectrum, measured with tracemalloc: within 10 %."""
    n = 600
    chosen = list(range(n)) if modes == "all" else modes
    matrix = _random_laplacian(n)
    peak, _, error = _traced_peak(lambda: full_spectrum(matrix, chosen))
    assert error is None
    assert 0.9 < full_spectrum_bytes(n, chosen) / peak < 1.1


def test_dense_spectrum_bytes_is_not_below_the_measured_peak() -> None:
    n, k = 600, 30
    matrix = _random_laplacian(n)
    peak, _, error = _traced_peak(lambda: dense_spectrum(matrix, range(3, 3 + k)))
    assert error is None
    assert 1.0 <= dense_spectrum_bytes(n, k) / peak < 1.3


def test_spring_network_estimate_covers_a_real_sample() -> None:
    gen = get_generator("spring_network")
    params = {**gen.fixed_defaults, "n_side": 30, "delta": 0.2, "connectivity": "cutoff", "spring": "constant"}
    gen.make_sample(params, np.random.SeedSequence(0), 0)  # first call: imports and caches, not the sample
    peak, _, error = _traced_peak(lambda: gen.make_sample(params, np.random.SeedSequence(1), 0))
    assert error is None
    assert 1.0 <= spring_network_memory(params) / peak < 2.0


def test_oversized_generator_request_refused_in_the_parent(tmp_path: Path) -> None:
    """n_side = 31623 (10⁹ nodes): refused from its estimate, before a folder, a file or a worker exists."""
    out = tmp_path / "big"
    start = time.perf_counter()
    with pytest.raises(MemoryBoundError, match=r"spring_network \(.*n_side=31623\).*16 EB per sample.*smaller systems"):
        run_ensemble("spring_network", fixed={"n_side": 31623}, n_samples=2, root_seed=1, output=out, n_workers=1)
    assert time.perf_counter() - start < REFUSAL_SECONDS
    assert not out.exists()


def test_generate_cli_refuses_an_oversized_request(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "big"
    assert main(["generate", "spring_network", "--set", "n_side=31623", "--output", str(out), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "n_side=31623" in err and "16 EB" in err and MEMORY_LIMIT_ENV in err and "bug in vdosbench" not in err
    assert not out.exists()


def test_tasks_at_once_count(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One task fits and two do not: two workers are refused with the advice to use fewer."""
    fixed = {"n_side": 6}
    spec = EnsembleSpec.create(
        "spring_network",
        grid={"delta": [0.1], "connectivity": ["nearest"], "spring": ["constant"]},
        fixed=fixed,
        n_samples=2,
        root_seed=3,
    )
    per_task, _ = task_memory(spec)
    monkeypatch.setenv(MEMORY_LIMIT_ENV, str(int(1.5 * per_task)))
    with pytest.raises(MemoryBoundError, match=r"2 task\(s\) at once.*fewer tasks at once \(--workers"):
        run_ensemble(spec, output=tmp_path / "two", n_workers=2, progress=False)
    assert not (tmp_path / "two").exists()
    ds = run_ensemble(spec, output=tmp_path / "one", n_workers=1, progress=False)
    assert ds.sizes["sample"] == 2
    # combining holds the parts and their combination: twice their declared size, checked before it is read
    parts = sorted((tmp_path / "one" / "parts").rglob("sample-*.nc"))
    declared = sum(netcdf_load_bytes(p) for p in parts)
    (tmp_path / "one" / "ensemble.nc").unlink()
    monkeypatch.setenv(MEMORY_LIMIT_ENV, str(int(1.5 * declared)))
    with pytest.raises(MemoryBoundError, match=r"combining the 2 parts.*open_ensemble"):
        run_ensemble(spec, output=tmp_path / "one", n_workers=1, progress=False)
    assert sorted((tmp_path / "one" / "parts").rglob("sample-*.nc")) == parts  # kept
    assert not (tmp_path / "one" / ".vdosbench.lock").exists()


class _FakeClient:
    def __init__(self, workers: dict[str, dict[str, Any]]) -> None:
        self.workers = workers

    def scheduler_info(self) -> dict[str, Any]:
        return {"workers": self.workers}


def test_external_cluster_workers_memory_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MEMORY_LIMIT_ENV, raising=False)
    spec = EnsembleSpec.create("spring_network", fixed={"n_side": 60}, n_samples=1, root_seed=3)
    per_task, _ = task_memory(spec)
    roomy = {
        "tcp://a:1": {"memory_limit": 4 * per_task, "nthreads": 2},
        "tcp://b:1": {"memory_limit": 0, "nthreads": 8},
    }
    check_cluster_memory(spec, _FakeClient(roomy))  # 2 threads × one task fit; no limit: not checked
    tight = {**roomy, "tcp://c:1": {"memory_limit": 3 * per_task, "nthreads": 4}}
    with pytest.raises(MemoryBoundError, match=rf"worker tcp://c:1 has memory_limit {format_bytes(3 * per_task)}"):
        check_cluster_memory(spec, _FakeClient(tight))


def test_build_in_memory_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from vdosbench.generators import build_in_memory

    monkeypatch.setenv(MEMORY_LIMIT_ENV, "1MB")
    with pytest.raises(MemoryBoundError, match="spring_network"):
        build_in_memory("spring_network", fixed={"n_side": 60})


def test_every_generator_that_can_grow_declares_an_estimate() -> None:
    from vdosbench.generators import generator_names

    built_in = [get_generator(n) for n in generator_names()]
    built_in = [g for g in built_in if g.make_sample.__module__.startswith("vdosbench.")]  # not other tests' toys
    assert len(built_in) >= 11
    assert {g.name for g in built_in if g.memory_estimate is None} == {"nine_node_toy"}  # a fixed 3 × 3 lattice


def test_theory_curve_estimate_covers_a_real_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    gen = get_generator("het_scba")
    params = {**gen.fixed_defaults, "gamma_ratio": 0.9, "n_modes": 100_000, "n_omega": 300}
    gen.make_sample({**params, "n_modes": 100}, np.random.SeedSequence(0), 0)
    peak, _, error = _traced_peak(lambda: gen.make_sample(params, np.random.SeedSequence(0), 0))
    assert error is None
    assert 1.0 <= gen.memory_estimate(params) / peak < 2.0
    monkeypatch.delenv(MEMORY_LIMIT_ENV, raising=False)
    from vdosbench.generators import build_in_memory

    with pytest.raises(MemoryBoundError, match=r"het_scba .*n_modes=100000000000"):
        build_in_memory("het_scba", grid={"gamma_ratio": [0.9]}, fixed={"n_modes": 10**11})
