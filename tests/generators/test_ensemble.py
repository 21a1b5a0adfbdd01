"""Ensembles on Dask: worker-count independence, resume, stale temporaries, seeds, errors.

A cheap toy generator (defined here, registered on import of this module,
so Dask workers that unpickle it or look it up by name import this module)
draws its eigenvalues from the sample's SeedSequence and a sample-dependent
number of pairs (ragged pair data).  Two clusters are started for the whole
module: a shared two-worker cluster (fixture ``client2``) and one one-worker
cluster that :func:`run_ensemble` creates and closes itself.
"""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import xarray as xr

from vdosbench.datasets import check, convention_attrs, open_dataset
from vdosbench.generators.engine.ensemble import (
    RUN_SPECIFIC_ATTRS,
    EnsembleError,
    EnsembleSettingsError,
    EnsembleSpec,
    SMALL_RUN_SECONDS,
    PartTask,
    ensemble_status,
    estimated_task_seconds,
    part_name,
    part_path,
    run_ensemble,
    sample_seed,
)
from vdosbench.generators import Generator, get_generator, register

N_MODE = 6
N_SITE = 4
KIND_SCALE = {"a": 1.0, "b": 1.5}
VALID = r"valid parameters are \['delta', 'kind', 'n_mode', 'n_site', 'fail_flag'\]"


def toy_sample(params: Mapping[str, Any], seed: np.random.SeedSequence, sample: int) -> xr.Dataset:
    """One toy sample: λ = scale(delta, kind) × sorted uniform numbers, one zero mode, ragged pairs.

    Raises ``RuntimeError("injected failure")`` for the (delta, kind, sample)
    written in the file ``params["fail_flag"]`` while that file exists.
    """
    flag = Path(params["fail_flag"]) if params["fail_flag"] else None
    if flag is not None and flag.exists():
        delta, kind, bad_sample = flag.read_text().split()
        if (float(delta), kind, int(bad_sample)) == (params["delta"], params["kind"], sample):
            raise RuntimeError("injected failure")
    rng = np.random.default_rng(seed)
    n_mode, n_site = int(params["n_mode"]), int(params["n_site"])
    scale = (1.0 + params["delta"]) * KIND_SCALE[params["kind"]]
    lam = np.concatenate([[0.0], scale * np.sort(rng.random(n_mode - 1))])
    n_pair = 1 + sample % 3 + int(rng.integers(0, 3))
    one = {"units": "1"}
    return xr.Dataset(
        {
            "eigenvalue": (("sample", "mode"), lam[None, :], {"long_name": "eigenvalue", **one}),
            "zero_mode": (
                ("sample", "mode"),
                (np.arange(n_mode) == 0)[None, :],
                {"long_name": "zero mode", **one},
            ),
            "coordination": (
                ("sample", "site"),
                rng.integers(1, 5, (1, n_site)),
                {"long_name": "neighbours", **one},
            ),
            "pair_count": (
                "sample",
                np.array([n_pair]),
                {"long_name": "pairs per sample", "sample_dimension": "pair", **one},
            ),
            "pair_i": ("pair", rng.integers(0, n_site, n_pair), {"long_name": "first site", **one}),
            "pair_j": ("pair", rng.integers(0, n_site, n_pair), {"long_name": "second site", **one}),
            "pair_distance": ("pair", rng.uniform(0.9, 1.1, n_pair), {"long_name": "distance", **one}),
        },
        coords={
            "sample": ("sample", [sample], {"long_name": "ensemble member", **one}),
            "mode": ("mode", np.arange(n_mode), {"long_name": "mode index", **one}),
        },
        attrs=convention_attrs(
            title="ensemble test toy",
            source="tests/generators/test_ensemble.py toy_sample",
            references="none (synthetic)",
            spatial_dimension=2,
            site_degrees_of_freedom=1,
            **dict(params),
        ),
    )


TOY = register(
    Generator(
        name="ensemble-toy",
        version="1.0",
        make_sample=toy_sample,
        grid_defaults={"delta": [0.0, 0.1], "kind": ["a", "b"]},
        fixed_defaults={"n_mode": N_MODE, "n_site": N_SITE, "fail_flag": ""},
        parameter_attrs={
            "delta": {"long_name": "displacement", "units": "1"},
            "kind": {"long_name": "toy kind"},
        },
    ),
    replace=True,
)


def blas_probe_sample(params: Mapping[str, Any], seed: np.random.SeedSequence, sample: int) -> xr.Dataset:
    """A toy sample that records the BLAS and numba threads and OMP_NUM_THREADS it ran with (attributes)."""
    import numba
    from threadpoolctl import threadpool_info

    ds = toy_sample({**params, "delta": 0.0, "kind": "a", "fail_flag": ""}, seed, sample)
    blas = [info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"]
    ds.attrs.update(
        blas_threads_seen=max(blas, default=-1),
        omp_env=os.environ.get("OMP_NUM_THREADS", "unset"),
        numba_threads_seen=numba.get_num_threads(),
        numba_pool=numba.config.NUMBA_NUM_THREADS,
        numba_env=os.environ.get("NUMBA_NUM_THREADS", "unset"),
        malloc_trim_env=os.environ.get("MALLOC_TRIM_THRESHOLD_", "unset"),
    )
    return ds


BLAS_PROBE = Generator(
    name="ensemble-blas-probe",
    version="1.0",
    make_sample=blas_probe_sample,
    grid_defaults={"x": [0]},
    fixed_defaults={"n_mode": N_MODE, "n_site": N_SITE},
)


@pytest.fixture(scope="module")
def client2() -> Iterator[Any]:
    """A two-worker local cluster shared by the tests of this module."""
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def _without_run_attrs(ds: xr.Dataset) -> xr.Dataset:
    out = ds.copy()
    out.attrs = {k: v for k, v in ds.attrs.items() if k not in RUN_SPECIFIC_ATTRS}
    return out


def _stats(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.rglob("*.nc")}


# --------------------------------------------------------------------------
# results do not depend on the workers
# --------------------------------------------------------------------------


def test_one_and_two_workers_give_identical_datasets(tmp_path: Path, client2: Any, capsys) -> None:
    one = run_ensemble(TOY, n_samples=3, root_seed=11, output=tmp_path / "one", n_workers=1, progress=True)
    bar = capsys.readouterr().err
    assert "ensemble-toy" in bar and "12/12" in bar, bar
    two = run_ensemble(TOY, n_samples=3, root_seed=11, output=tmp_path / "two", client=client2, progress=False)

    xr.testing.assert_identical(_without_run_attrs(one), _without_run_attrs(two))
    assert one.attrs["history"] != "" and set(RUN_SPECIFIC_ATTRS) == {"history"}

    check(one)
    assert one["eigenvalue"].dims == ("delta", "kind", "sample", "mode")
    assert dict(one.sizes) == {
        "delta": 2,
        "kind": 2,
        "sample": 3,
        "mode": N_MODE,
        "site": N_SITE,
        "pair": one.sizes["pair"],
    }
    # ragged pairs: counts differ between samples and add up to the pair dimension
    counts = one["pair_count"].values
    assert counts.shape == (2, 2, 3) and len(np.unique(counts)) > 1
    assert int(counts.sum()) == one.sizes["pair"]
    # provenance: the dataset can be rebuilt from its own attributes
    assert one.attrs["generator"] == "ensemble-toy" and one.attrs["generator_version"] == "1.0"
    assert one.attrs["root_seed"] == 11 and one.attrs["n_samples"] == 3
    assert json.loads(one.attrs["grid"]) == {"delta": [0.0, 0.1], "kind": ["a", "b"]}
    assert one.attrs["n_mode"] == N_MODE and one.attrs["fail_flag"] == ""
    assert one["delta"].attrs == {"long_name": "displacement", "units": "1"}
    # the file on disk is the returned dataset
    xr.testing.assert_identical(open_dataset(tmp_path / "one" / "ensemble.nc"), one)
    # one file per (point, sample), readable names
    part = tmp_path / "one" / "parts" / "delta-0.1__kind-b" / "sample-0002.nc"
    single = open_dataset(part)
    assert single.attrs["parameter_names"] == "delta kind"
    assert float(single["delta"]) == 0.1 and str(single["kind"].values) == "b"
    np.testing.assert_array_equal(single["eigenvalue"].values[0], one["eigenvalue"].sel(delta=0.1, kind="b", sample=2))


def test_generator_by_name_on_a_scheduler_address(tmp_path: Path, client2: Any) -> None:
    # workers look "ensemble-toy" up by name; it is registered when they import this module
    by_name = run_ensemble(
        "ensemble-toy",
        grid={"delta": [0.1], "kind": ["a"]},
        n_samples=2,
        root_seed=11,
        output=tmp_path / "name",
        scheduler_address=client2.scheduler.address,
        progress=False,
    )
    by_object = run_ensemble(
        EnsembleSpec.create(TOY, grid={"delta": [0.1], "kind": ["a"]}, n_samples=2, root_seed=11),
        output=tmp_path / "object",
        client=client2,
        progress=False,
    )
    xr.testing.assert_identical(_without_run_attrs(by_name), _without_run_attrs(by_object))
    assert client2.status == "running"  # the temporary client closed, the shared one did not


def test_a_part_task_names_a_registered_generator_and_carries_one_defined_in_main(tmp_path: Path) -> None:
    spec = EnsembleSpec.create(TOY, grid={"delta": [0.1], "kind": ["a"]}, n_samples=2, root_seed=11)
    point, path = {"delta": 0.1, "kind": "a"}, tmp_path / "part.nc"

    def task(spec: EnsembleSpec, by_name: bool) -> PartTask:
        return PartTask.for_part(spec, point, 1, path, chain_samples=1, blas_threads=2, by_name=by_name)

    named = task(spec, by_name=True)
    assert (named.generator, named.module) == ("ensemble-toy", __name__)
    assert (named.point, named.sample, named.root_seed, named.path) == (tuple(point.items()), 1, 11, str(path))
    assert (named.blas_threads, named.chain_samples, dict(named.fixed)) == (2, 1, dict(spec.fixed))
    carried = task(spec, by_name=False)
    assert (carried.generator, carried.module) == (spec.generator, None)

    def in_main(params: Mapping[str, Any], seed: np.random.SeedSequence, sample: int) -> xr.Dataset:
        return toy_sample(params, seed, sample)

    in_main.__module__ = "__main__"  # a worker could not import it by name
    in_main_gen = Generator(
        name="ensemble-toy-in-main",
        version="1.0",
        make_sample=in_main,
        grid_defaults={"delta": [0.1], "kind": ["a"]},
        fixed_defaults={"n_mode": N_MODE, "n_site": N_SITE, "fail_flag": ""},
    )
    main_spec = EnsembleSpec.create(in_main_gen, n_samples=2, root_seed=11)
    from_main = task(main_spec, by_name=True)
    assert from_main.module is None and from_main.generator is main_spec.generator


def test_blas_threads_are_set_per_task_and_in_the_worker_environment(tmp_path: Path, client2: Any) -> None:
    # client2's workers start with OMP_NUM_THREADS=1 (dask's default), so seeing 2 BLAS
    # threads shows that the per-task threadpool_limits took effect
    shared = run_ensemble(
        BLAS_PROBE,
        n_samples=1,
        root_seed=0,
        output=tmp_path / "shared",
        client=client2,
        blas_threads=2,
        progress=False,
    )
    assert shared.attrs["blas_threads_seen"] == 2
    # numba's parallel loops too (issue 65: threadpoolctl does not reach numba's pool), at most its pool's size
    assert shared.attrs["numba_threads_seen"] == min(2, shared.attrs["numba_pool"])
    own = run_ensemble(
        BLAS_PROBE,
        n_samples=1,
        root_seed=0,
        output=tmp_path / "own",
        n_workers=1,
        blas_threads=2,
        progress=False,
        synchronous=False,  # a local worker process, started with the thread variables
    )
    assert (own.attrs["blas_threads_seen"], own.attrs["omp_env"]) == (2, "2")
    assert (own.attrs["numba_env"], own.attrs["numba_threads_seen"]) == ("2", 2)
    # one local worker computes in this process (no cluster): the per-task limits alone
    here = run_ensemble(
        BLAS_PROBE, n_samples=1, root_seed=0, output=tmp_path / "here", n_workers=1, blas_threads=2, progress=False
    )
    assert here.attrs["blas_threads_seen"] == 2
    assert here.attrs["numba_threads_seen"] == min(2, here.attrs["numba_pool"])
    one = run_ensemble(
        BLAS_PROBE,
        n_samples=1,
        root_seed=0,
        output=tmp_path / "one",
        client=client2,
        blas_threads=1,
        progress=False,
    )
    assert one.attrs["blas_threads_seen"] == 1
    assert one.attrs["numba_threads_seen"] == 1  # client2's workers have a numba pool of one per core


def test_a_restarted_local_worker_leaves_the_callers_environment_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    # a nanny copies its pre-spawn variables into this process before each spawn, a restart's included; here
    # NUMBA_NUM_THREADS stayed at the workers' threads, and numba's next compilation in this process raised
    monkeypatch.delenv("NUMBA_NUM_THREADS", raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    from vdosbench.generators.engine import ensemble

    with ensemble._dask_client(None, None, 1, 1) as client:
        assert "NUMBA_NUM_THREADS" not in os.environ and os.environ["OMP_NUM_THREADS"] == "3"
        client.restart()  # returns once the worker is back, the nanny's own start may finish just after
        deadline = time.monotonic() + 60
        while "NUMBA_NUM_THREADS" in os.environ and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "NUMBA_NUM_THREADS" not in os.environ and os.environ["OMP_NUM_THREADS"] == "3"
        seen = client.run(lambda: (os.environ.get("NUMBA_NUM_THREADS"), os.environ.get("OMP_NUM_THREADS")))
    assert list(seen.values()) == [("1", "1")]  # the restarted worker has the thread limits all the same


def test_the_local_workers_start_without_dasks_malloc_trim_threshold(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # dask sets MALLOC_TRIM_THRESHOLD_=65536 for its workers, which turns off glibc's adaptive mmap threshold
    # (issue 65: ~0.3 of a lowest-mode sample's CPU in page faults); our local workers start without it ...
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    local_worker = {"n_workers": 1, "progress": False, "synchronous": False}  # a worker process, not this one
    own = run_ensemble(BLAS_PROBE, n_samples=1, root_seed=0, output=tmp_path / "own", **local_worker)
    assert (own.attrs["malloc_trim_env"], own.attrs["numba_env"], own.attrs["numba_threads_seen"]) == ("unset", "1", 1)
    assert "MALLOC_TRIM_THRESHOLD_" not in os.environ  # ... and this process is not given it either
    # ... unless the caller's environment sets it: then the workers inherit the caller's value
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "131072")
    mine = run_ensemble(BLAS_PROBE, n_samples=1, root_seed=0, output=tmp_path / "mine", **local_worker)
    assert mine.attrs["malloc_trim_env"] == "131072"


def _no_local_cluster(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make starting a local Dask cluster fail the test."""
    import distributed

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a local run that computes in this process started a Dask cluster")

    monkeypatch.setattr(distributed, "LocalCluster", refuse)


def test_one_local_worker_computes_in_this_process_and_reports_a_failed_part_as_on_dask(
    tmp_path: Path, client2: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``n_workers=1`` (and a default run with one part left) starts no cluster; a part that raises is a
    :class:`PartFailure` with its label and seed, the others are written, and the resumed run equals a Dask run."""
    flag = tmp_path / "fail-here"
    flag.write_text("0.1 b 1")
    fixed = {"fail_flag": str(flag)}
    _no_local_cluster(monkeypatch)
    out = tmp_path / "here"
    with pytest.raises(EnsembleError, match=r"(?s)1 of 8 part\(s\).*delta=0\.1, kind='b', sample=1") as info:
        run_ensemble(TOY, fixed=fixed, n_samples=2, root_seed=5, output=out, n_workers=1, progress=False)
    (failure,) = info.value.failures
    assert failure.seed == "SeedSequence(5, spawn_key=(1,))" and "injected failure" in str(failure.error)
    assert ensemble_status(out).done == 7 and not (out / "ensemble.nc").exists()
    flag.unlink()
    resumed = run_ensemble(TOY, fixed=fixed, n_samples=2, root_seed=5, output=out, progress=False)  # 1 part left
    dask_run = run_ensemble(TOY, fixed=fixed, n_samples=2, root_seed=5, output=tmp_path / "dask", client=client2)
    xr.testing.assert_identical(_without_run_attrs(resumed), _without_run_attrs(dask_run))
    with pytest.raises(EnsembleSettingsError, match="synchronous=True computes in this process"):
        run_ensemble(TOY, n_samples=1, root_seed=5, output=tmp_path / "x", client=client2, synchronous=True)


def toy_cost(params: Mapping[str, Any]) -> float:
    """A cost estimate for the toy: 0.1 s a mode (0.6 s a part at the default ``n_mode``)."""
    return 0.1 * int(params["n_mode"])


def test_a_default_run_estimated_below_a_few_seconds_starts_no_cluster(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cheap = Generator(
        name="ensemble-toy-estimated",
        version="1.0",
        make_sample=toy_sample,
        grid_defaults={"delta": [0.0, 0.1], "kind": ["a", "b"]},
        fixed_defaults={"n_mode": N_MODE, "n_site": N_SITE, "fail_flag": ""},
        cost_estimate=toy_cost,
    )
    spec = EnsembleSpec.create(cheap, n_samples=2, root_seed=3)
    tasks = [(point, sample, tmp_path / "p.nc", 1) for point, sample, _ in spec.parts()]
    assert estimated_task_seconds(spec, tasks) == pytest.approx(8 * 0.6) and 8 * 0.6 < SMALL_RUN_SECONDS
    assert estimated_task_seconds(EnsembleSpec.create(TOY, n_samples=2, root_seed=3), tasks) == math.inf
    _no_local_cluster(monkeypatch)
    here = run_ensemble(cheap, n_samples=2, root_seed=3, output=tmp_path / "here", progress=False)
    assert here.sizes["sample"] == 2
    for name, kwargs in {
        "asked for two workers": {"generator": cheap, "n_samples": 2, "n_workers": 2},
        "12 parts, 7.2 s": {"generator": cheap, "n_samples": 3},
        "no estimate": {"generator": TOY, "n_samples": 2},
    }.items():
        with pytest.raises(AssertionError, match="started a Dask cluster"):
            run_ensemble(**kwargs, root_seed=3, output=tmp_path / name, progress=False)


# --------------------------------------------------------------------------
# failures and resuming
# --------------------------------------------------------------------------


def test_interrupted_run_resumes_and_matches_an_uninterrupted_run(tmp_path: Path, client2: Any) -> None:
    flag = tmp_path / "fail-here"
    flag.write_text("0.1 b 1")
    fixed = {"fail_flag": str(flag)}
    out = tmp_path / "run"
    with pytest.raises(
        EnsembleError, match=r"(?s)1 of 12 part\(s\).*delta=0\.1, kind='b', sample=1.*re-run resumes"
    ) as info:
        run_ensemble(TOY, fixed=fixed, n_samples=3, root_seed=5, output=out, client=client2, progress=False)
    cause = info.value.__cause__
    assert isinstance(cause, RuntimeError) and "injected failure" in str(cause)
    assert [f.label for f in info.value.failures] == ["delta=0.1, kind='b', sample=1"]

    status = ensemble_status(out)
    assert (status.done, status.expected, status.combined) == (11, 12, False)
    assert [str(p) for p in status.missing] == ["delta-0.1__kind-b/sample-0001.nc"]
    assert not (out / "ensemble.nc").exists()
    before = _stats(out / "parts")
    assert len(before) == 11

    flag.unlink()
    resumed = run_ensemble(TOY, fixed=fixed, n_samples=3, root_seed=5, output=out, client=client2, progress=False)
    after = _stats(out / "parts")
    assert set(after) - set(before) == {"delta-0.1__kind-b/sample-0001.nc"}
    assert {k: after[k] for k in before} == before  # finished parts were not rewritten
    assert ensemble_status(out).complete

    fresh = run_ensemble(
        TOY, fixed=fixed, n_samples=3, root_seed=5, output=tmp_path / "fresh", client=client2, progress=False
    )
    xr.testing.assert_identical(_without_run_attrs(resumed), _without_run_attrs(fresh))


def test_stale_temporary_files_are_ignored_and_removed(tmp_path: Path, client2: Any) -> None:
    out = tmp_path / "run"
    folder = out / "parts" / part_name({"delta": 0.0, "kind": "a"})
    folder.mkdir(parents=True)
    garbage = b"half a netCDF file from a killed run"
    stale = [folder / ".sample-0000.nc.tmp-4242-deadbeef", out / ".ensemble.nc.tmp-4242-deadbeef"]
    for path in stale:
        path.write_bytes(garbage)

    ds = run_ensemble(TOY, n_samples=2, root_seed=3, output=out, client=client2, progress=False)

    assert not any(path.exists() for path in stale)
    finals = sorted(out.rglob("*.nc"))
    assert len(finals) == 4 * 2 + 1
    for path in finals:
        assert path.read_bytes()[:4] == b"\x89HDF", path
    assert not list(out.rglob(".*tmp-*"))
    check(ds)


def test_an_ensemble_without_grid_parameters(tmp_path: Path, client2: Any) -> None:
    ds = run_ensemble(
        TOY,
        grid={},
        fixed={"delta": 0.1, "kind": "b"},
        n_samples=2,
        root_seed=4,
        output=tmp_path,
        client=client2,
        progress=False,
    )
    check(ds)
    assert ds["eigenvalue"].dims == ("sample", "mode") and ds.attrs["delta"] == 0.1 and ds.attrs["grid"] == "{}"
    assert sorted(str(p.relative_to(tmp_path)) for p in (tmp_path / "parts").rglob("*.nc")) == [
        "parts/single-point/sample-0000.nc",
        "parts/single-point/sample-0001.nc",
    ]


# --------------------------------------------------------------------------
# seeds
# --------------------------------------------------------------------------


def test_sample_seed_is_the_spawned_child_of_the_root_seed() -> None:
    child = np.random.SeedSequence(99).spawn(4)[3]
    np.testing.assert_array_equal(sample_seed(99, 3).generate_state(4), child.generate_state(4))
    assert not np.array_equal(sample_seed(99, 3).generate_state(4), sample_seed(99, 2).generate_state(4))


def test_a_point_and_sample_give_the_same_values_whatever_the_grid(tmp_path: Path, client2: Any) -> None:
    full = run_ensemble(TOY, n_samples=2, root_seed=21, output=tmp_path / "full", client=client2, progress=False)
    sub = run_ensemble(
        TOY,
        grid={"kind": ["b"], "delta": [0.1, 0.3]},  # other order, other values, more samples
        n_samples=3,
        root_seed=21,
        output=tmp_path / "sub",
        client=client2,
        progress=False,
    )
    assert sub["eigenvalue"].dims == ("kind", "delta", "sample", "mode")
    shared = dict(delta=0.1, kind="b", sample=[0, 1])
    xr.testing.assert_equal(full["eigenvalue"].sel(shared), sub["eigenvalue"].sel(shared))
    # common random numbers: the same sample is the same realisation at every point,
    # λ / scale(delta, kind) does not depend on the point ...
    reduced = full["eigenvalue"] / (
        (1.0 + full["delta"]) * xr.DataArray(list(KIND_SCALE.values()), dims="kind", coords={"kind": list(KIND_SCALE)})
    )
    np.testing.assert_allclose(reduced.sel(delta=0.0, kind="a"), reduced.sel(delta=0.1, kind="b"), rtol=1e-12)
    # ... while different samples are different realisations
    assert not np.allclose(reduced.sel(delta=0.0, kind="a", sample=0), reduced.sel(delta=0.0, kind="a", sample=1))
    # another root seed gives other values
    other = run_ensemble(
        TOY,
        grid={"delta": [0.1], "kind": ["b"]},
        n_samples=1,
        root_seed=22,
        output=tmp_path / "other",
        client=client2,
        progress=False,
    )
    assert not np.allclose(
        other["eigenvalue"].sel(delta=0.1, kind="b", sample=0),
        full["eigenvalue"].sel(delta=0.1, kind="b", sample=0),
    )


# --------------------------------------------------------------------------
# errors in the settings
# --------------------------------------------------------------------------


def test_unknown_generator_lists_the_registered_ones(tmp_path: Path) -> None:
    with pytest.raises(KeyError, match=r"unknown generator 'no-such-model'.*ensemble-toy"):
        run_ensemble("no-such-model", n_samples=1, root_seed=0, output=tmp_path)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"grid": {"delta": [0.0], "kind": ["a"], "temperature": [1.0]}},
            r"unknown parameter\(s\) \['temperature'\].*" + VALID,
        ),
        (
            {"fixed": {"n_modes": 3}},
            r"unknown parameter\(s\) \['n_modes'\].*" + VALID,
        ),
        (
            {"grid": {"delta": [0.0]}},
            r"parameter\(s\) \['kind'\] .* have no value.*add them to grid or to fixed",
        ),
        (
            {"grid": {"delta": [0.0], "kind": ["a"]}, "fixed": {"kind": "b"}},
            r"\['kind'\] given both in the grid and as fixed",
        ),
        ({"grid": {"delta": [0.0, 0.0], "kind": ["a"]}}, r"grid values of 'delta' repeat"),
        ({"grid": {"delta": [], "kind": ["a"]}}, r"grid parameter 'delta' has no values"),
        ({"grid": {"delta": 0.1, "kind": ["a"]}}, r"grid values of 'delta' are 0.1; expected a sequence"),
        ({"grid": {"delta": [0.0, "x"], "kind": ["a"]}}, r"grid values of 'delta' mix types"),
        ({"n_samples": 0}, r"n_samples is 0; expected an integer ≥ 1"),
        ({"root_seed": -1}, r"root_seed is -1; expected a non-negative integer"),
        ({"fixed": {"fail_flag": object()}}, r"parameter 'fail_flag' has value .* of type object"),
    ],
    ids=[
        "grid-name",
        "fixed-name",
        "missing",
        "grid-and-fixed",
        "repeat",
        "empty",
        "scalar",
        "mixed",
        "samples",
        "seed",
        "type",
    ],
)
def test_bad_settings_are_explained(tmp_path: Path, kwargs: dict[str, Any], message: str) -> None:
    settings: dict[str, Any] = {"n_samples": 1, "root_seed": 0, **kwargs}
    with pytest.raises(EnsembleSettingsError, match=message):
        run_ensemble(TOY, output=tmp_path / "never", **settings)
    assert not (tmp_path / "never").exists()


def test_a_folder_of_another_ensemble_is_refused(tmp_path: Path, client2: Any) -> None:
    grid = {"delta": [0.0], "kind": ["a"]}
    run_ensemble(TOY, grid=grid, n_samples=1, root_seed=1, output=tmp_path, client=client2, progress=False)
    with pytest.raises(
        EnsembleSettingsError, match=r"holds parts of a different ensemble \(root_seed: 1 on disk, 2 now\)"
    ):
        run_ensemble(TOY, grid=grid, n_samples=1, root_seed=2, output=tmp_path, client=client2, progress=False)
    # growing the ensemble (more samples) reuses the finished part
    first = _stats(tmp_path / "parts")
    grown = run_ensemble(TOY, grid=grid, n_samples=2, root_seed=1, output=tmp_path, client=client2, progress=False)
    assert grown.sizes["sample"] == 2 and _stats(tmp_path / "parts").items() >= first.items()


def test_spec_and_settings_are_not_mixed(tmp_path: Path) -> None:
    spec = EnsembleSpec.create(TOY, n_samples=1, root_seed=0)
    with pytest.raises(TypeError, match=r"got an EnsembleSpec and also \['n_samples'\]"):
        run_ensemble(spec, n_samples=2, output=tmp_path)
    with pytest.raises(TypeError, match=r"needs n_samples=\.\.\. and root_seed=\.\.\."):
        run_ensemble(TOY, n_samples=2, output=tmp_path)


def test_status_of_a_folder_that_is_no_ensemble(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"no ensemble.json in .*: not an ensemble folder"):
        ensemble_status(tmp_path)


# --------------------------------------------------------------------------
# part names
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("point", "name"),
    [
        ({"delta": 0.1, "connectivity": "nearest"}, "delta-0.1__connectivity-nearest"),
        ({"delta": -0.0, "n": 3, "flag": True}, "delta--0.0__n-3__flag-true"),
        ({}, "single-point"),
    ],
    ids=["readable", "signs-and-bools", "no-grid"],
)
def test_part_names_are_readable(point: dict[str, Any], name: str) -> None:
    assert part_name(point) == name
    assert str(part_path(point, 7)) == f"{name}/sample-0007.nc"


def test_part_names_stay_unique_when_values_must_be_altered() -> None:
    values = ["a/b", "a_b", "a b", "A_b", "a__b", "x" * 300, "x" * 301]
    names = [part_name({"label": v}) for v in values]
    assert len({n.lower() for n in names}) == len(values)  # unique even on case-insensitive disks
    for n in names:
        assert len(n) < 200 and all(c.isalnum() or c in "._+-" for c in n), n
    assert names[1] == "label-a_b" and names[0].startswith("label-a_b--")


# --------------------------------------------------------------------------
# end to end with the spring-network generator
# --------------------------------------------------------------------------


def test_spring_network_ensemble_end_to_end(tmp_path: Path, client2: Any) -> None:
    try:
        gen = get_generator("spring_network")
    except KeyError:
        pytest.skip("the spring_network generator is not registered")
    grid = {name: list(values)[:2] for name, values in gen.grid_defaults.items()}
    ds = run_ensemble(
        "spring_network",
        grid=grid,
        fixed={"n_side": 8},
        n_samples=2,
        root_seed=2024,
        output=tmp_path,
        client=client2,
        progress=False,
    )
    check(ds)
    assert ds["eigenvalue"].dims == ("delta", "connectivity", "spring", "sample", "mode")
    assert dict(ds["eigenvalue"].sizes) == {
        "delta": 2,
        "connectivity": 2,
        "spring": 2,
        "sample": 2,
        "mode": 64,
    }
    assert ds.attrs["n_side"] == 8 and ds.attrs["generator"] == "spring_network"
    assert ensemble_status(tmp_path).complete


# ------------------------------------------------------------------------------
# issue 16 item 5 and 7: parameters checked in the parent; a failing part is reported, the others kept
# ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("generator", "kwargs", "message"),
    [
        ("spring_network", {"fixed": {"n_side": "abc"}}, r"n_side must be an integer ≥ 3, found 'abc'"),
        (
            "spring_network",
            {"grid": {"delta": [0.1, 0.6], "connectivity": ["nearest"], "spring": ["constant"]}},
            r"at grid point delta=0\.6, connectivity=nearest, spring=constant: delta must satisfy",
        ),
        ("soft_spheres", {"fixed": {"n_sweeps": -1}}, r"n_sweeps"),
        ("nine_node_toy", {"grid": {"variant": ["lattice", "twisted"]}}, r"variant must be one of"),
        (
            "soft_spheres_equilibrated",
            {"fixed": {"equilibration_sweeps": 5, "spacing_sweeps": 10}},
            r"equilibration_sweeps = 5 < spacing_sweeps = 10",
        ),
    ],
    ids=["type", "grid-value", "glass", "toy", "chain"],
)
def test_bad_values_are_refused_in_the_parent_before_anything_is_written(
    generator: str, kwargs: dict[str, Any], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import vdosbench.generators.engine.ensemble as ensemble

    def no_cluster(*args: Any, **kw: Any) -> None:
        raise AssertionError("a task was submitted for refused parameters")

    monkeypatch.setattr(ensemble, "_dask_client", no_cluster)
    with pytest.raises(
        EnsembleSettingsError, match=rf"generator '{generator}' refuses its parameters.*{message}"
    ) as info:
        run_ensemble(generator, n_samples=2, root_seed=0, output=tmp_path / "never", **kwargs)
    assert "Nothing was computed or written" in str(info.value)
    assert not (tmp_path / "never").exists()


def test_a_grid_value_overrides_the_default_of_a_fixed_parameter() -> None:
    spec = EnsembleSpec.create(
        "soft_spheres",
        grid={"n_sweeps": [10, 20], "taper_order": [2], "parent_temperature": [1.0]},
        n_samples=1,
        root_seed=0,
    )
    assert spec.grid["n_sweeps"] == (10, 20) and all(isinstance(v, int) for v in spec.grid["n_sweeps"])
    assert "n_sweeps" not in spec.fixed
    # and a fixed value overrides a default grid parameter
    spec = EnsembleSpec.create("spring_network", fixed={"spring": "constant", "n_side": 4}, n_samples=1, root_seed=0)
    assert "spring" not in spec.grid and spec.fixed["spring"] == "constant"
    # both given explicitly is still ambiguous
    with pytest.raises(EnsembleSettingsError, match="given both in the grid and as fixed"):
        EnsembleSpec.create(TOY, grid={"delta": [0.0], "kind": ["a"]}, fixed={"kind": "b"}, n_samples=1, root_seed=0)


def test_a_manifest_without_parts_does_not_block_a_corrected_run(tmp_path: Path, client2: Any) -> None:
    """A start that wrote its manifest but no part (refused or killed early) has nothing to reuse."""
    out = tmp_path / "run"
    out.mkdir()
    stale = EnsembleSpec.create(
        TOY, grid={"delta": [0.0], "kind": ["a"]}, fixed={"n_mode": 5}, n_samples=1, root_seed=1
    ).manifest()
    (out / "ensemble.json").write_text(json.dumps(stale))
    ds = run_ensemble(
        TOY, grid={"delta": [0.0], "kind": ["a"]}, n_samples=1, root_seed=1, output=out, client=client2, progress=False
    )
    assert ds.sizes["mode"] == N_MODE
    assert json.loads((out / "ensemble.json").read_text())["fixed"]["n_mode"] == N_MODE
    # with a finished part, a different ensemble is still refused
    with pytest.raises(EnsembleSettingsError, match="holds parts of a different ensemble"):
        run_ensemble(
            TOY,
            grid={"delta": [0.0], "kind": ["a"]},
            fixed={"n_mode": 5},
            n_samples=1,
            root_seed=1,
            output=out,
            client=client2,
            progress=False,
        )


def test_a_parameter_added_later_at_its_default_keeps_a_folder_resumable(tmp_path: Path, client2: Any) -> None:
    """A manifest written before a fixed parameter existed (simulated: n_mode removed from it) describes the
    same parts as one with that parameter at its default: the folder resumes; any other value is refused."""
    grid = {"delta": [0.0], "kind": ["a"]}
    run_ensemble(TOY, grid=grid, n_samples=1, root_seed=1, output=tmp_path, client=client2, progress=False)
    manifest = json.loads((tmp_path / "ensemble.json").read_text())
    del manifest["fixed"]["n_mode"]
    (tmp_path / "ensemble.json").write_text(json.dumps(manifest))
    first = _stats(tmp_path / "parts")
    with pytest.raises(EnsembleSettingsError, match=r"holds parts of a different ensemble \(fixed: "):
        run_ensemble(
            TOY,
            grid=grid,
            fixed={"n_mode": 5},
            n_samples=1,
            root_seed=1,
            output=tmp_path,
            client=client2,
            progress=False,
        )
    again = run_ensemble(TOY, grid=grid, n_samples=1, root_seed=1, output=tmp_path, client=client2, progress=False)
    assert again.sizes["sample"] == 1 and _stats(tmp_path / "parts") == first  # reused, not recomputed
    assert json.loads((tmp_path / "ensemble.json").read_text())["fixed"]["n_mode"] == N_MODE


def test_a_part_failing_in_a_worker_is_reported_with_its_parameters_and_seed_by_the_cli(
    tmp_path: Path, client2: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fault injection through ``vdosbench generate``: exit 2, the failed part named with its grid point,
    sample and seed, the other parts kept; the re-run computes only the missing part."""
    import contextlib

    import vdosbench.generators.engine.ensemble as ensemble
    from vdosbench.cli import main

    @contextlib.contextmanager
    def shared_client(*args: Any, **kwargs: Any) -> Iterator[Any]:
        yield client2

    monkeypatch.setattr(ensemble, "_dask_client", shared_client)
    flag = tmp_path / "fail-here"
    flag.write_text("0.1 b 1")
    out = tmp_path / "run"
    argv = [
        "generate",
        "ensemble-toy",
        "--set",
        f"fail_flag={flag}",
        "--samples",
        "3",
        "--seed",
        "5",
        "--no-progress",
        "--output",
        str(out),
    ]
    assert main(argv) == 2
    assert not (out / ".vdosbench.lock").exists()  # released after the failure: the re-run below is not "busy"
    err = capsys.readouterr().err
    assert err.startswith("vdosbench: error: 1 of 12 part(s)") and "Traceback" not in err
    seed = sample_seed(5, 1)
    assert (seed.entropy, seed.spawn_key) == (5, (1,))
    assert "delta=0.1, kind='b', sample=1 (seed SeedSequence(5, spawn_key=(1,))): RuntimeError: injected failure" in err
    status = ensemble_status(out)
    assert (status.done, status.expected) == (11, 12)
    assert [str(p) for p in status.missing] == ["delta-0.1__kind-b/sample-0001.nc"]
    flag.unlink()
    assert main(argv) == 0
    assert ensemble_status(out).complete


# ------------------------------------------------------------------------------
# pieces of one ensemble (first_sample): split over folders, merged by sample
# ------------------------------------------------------------------------------


def test_a_piece_holds_the_same_samples_as_the_whole_ensemble(tmp_path: Path, client2: Any) -> None:
    whole = run_ensemble(TOY, n_samples=4, root_seed=9, output=tmp_path / "whole", client=client2, progress=False)
    piece = run_ensemble(
        TOY, n_samples=4, root_seed=9, output=tmp_path / "piece", client=client2, progress=False, first_sample=2
    )
    assert piece["sample"].values.tolist() == [2, 3]
    assert piece.attrs["first_sample"] == 2 and "first_sample" not in whole.attrs
    xr.testing.assert_equal(piece["eigenvalue"], whole["eigenvalue"].sel(sample=[2, 3]))
    assert (
        sorted(p.name for p in (tmp_path / "piece" / "parts").rglob("*.nc"))
        == ["sample-0002.nc"] * 4 + ["sample-0003.nc"] * 4
    )
    status = ensemble_status(tmp_path / "piece")
    assert (status.done, status.expected, status.complete) == (8, 8, True)
    assert json.loads((tmp_path / "piece" / "ensemble.json").read_text())["first_sample"] == 2
    assert "first_sample" not in json.loads((tmp_path / "whole" / "ensemble.json").read_text())
    # the rest of the ensemble in the same folder: a re-run from 0 computes only samples 0 and 1
    before = _stats(tmp_path / "piece" / "parts")
    merged = run_ensemble(TOY, n_samples=4, root_seed=9, output=tmp_path / "piece", client=client2, progress=False)
    assert {k: v for k, v in _stats(tmp_path / "piece" / "parts").items() if k in before} == before
    xr.testing.assert_identical(_without_run_attrs(merged), _without_run_attrs(whole))


@pytest.mark.parametrize("first", [-1, 4, True, 1.5])
def test_a_first_sample_outside_the_ensemble_is_refused(tmp_path: Path, first: Any) -> None:
    with pytest.raises(
        EnsembleSettingsError,
        match=r"first_sample is .*; expected an integer in \[0, n_samples - 1\] "
        r"= \[0, 3\]",
    ):
        run_ensemble(TOY, n_samples=4, root_seed=0, output=tmp_path / "never", first_sample=first)
    assert not (tmp_path / "never").exists()


def test_a_first_sample_inside_a_chain_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    with pytest.raises(
        EnsembleSettingsError,
        match=r"first_sample is 7, not a multiple of chain_samples = 5: it "
        r"would split a chain.*e\.g\. 5",
    ):
        run_ensemble(
            "soft_spheres_equilibrated",
            fixed={"chain_samples": 5},
            n_samples=10,
            root_seed=0,
            output=tmp_path / "never",
            first_sample=7,
        )
    assert not (tmp_path / "never").exists()


def _worker_settings(keys: tuple[str, ...]) -> dict[str, Any]:
    import dask

    return {key: dask.config.get(key) for key in keys}


def test_the_local_cluster_polls_less_and_leaves_the_callers_dask_config_alone() -> None:
    import dask
    import distributed  # noqa: F401 - loads distributed's configuration defaults

    from vdosbench.generators.engine import ensemble

    before = {key: dask.config.get(key) for key in ensemble.LOCAL_CLUSTER_CONFIG}
    assert before != ensemble.LOCAL_CLUSTER_CONFIG  # dask's own defaults differ, so the test can fail
    with ensemble._dask_client(None, None, 1, 1) as client:
        on_workers = client.run(_worker_settings, tuple(ensemble.LOCAL_CLUSTER_CONFIG))
        scheduler_tick = client.run_on_scheduler(lambda dask_scheduler: dask_scheduler._tick_interval)
    assert list(on_workers.values()) == [ensemble.LOCAL_CLUSTER_CONFIG]
    assert scheduler_tick == pytest.approx(1.0)  # seconds: the scheduler, in this process, was made with it too
    assert {key: dask.config.get(key) for key in ensemble.LOCAL_CLUSTER_CONFIG} == before
