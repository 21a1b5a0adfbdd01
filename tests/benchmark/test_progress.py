"""Issue 64 item 7: the dense solves of a score run on a stated number of BLAS threads and show their progress.

Known answers: the BLAS pools inside :func:`dense_steps` hold exactly the threads asked for (one per core in use, or
``VDOSBENCH_BLAS_THREADS``); a large step is announced before it starts and each finished one is counted, a small
quick one prints nothing, a small slow one is reported once it is slow; the cross-code check of a declared
Kob–Andersen set reports its samples; a bad thread count is refused naming the fix.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
import xarray as xr
from threadpoolctl import threadpool_info

from vdosbench.benchmark import progress
from vdosbench.benchmark.progress import BlasThreadsError, cores_in_use, dense_steps, reporting


def _blas_threads() -> set[int]:
    return {pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"}


def test_the_blas_threads_are_one_per_core_in_use_or_as_set(monkeypatch: pytest.MonkeyPatch) -> None:
    from dask.system import CPU_COUNT

    monkeypatch.delenv(progress.BLAS_THREADS_ENV, raising=False)
    assert cores_in_use() == max(1, int(CPU_COUNT))
    if not _blas_threads():
        pytest.skip("numpy's BLAS is not visible to threadpoolctl")
    with dense_steps("x", 1, 10):
        assert _blas_threads() == {cores_in_use()}
    monkeypatch.setenv(progress.BLAS_THREADS_ENV, "1")
    with dense_steps("x", 1, 10):
        assert _blas_threads() == {1}


@pytest.mark.parametrize("value", ["0", "two", "-3", "1.5"], ids=["zero", "text", "negative", "fraction"])
def test_a_bad_thread_count_is_refused_naming_the_fix(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(progress.BLAS_THREADS_ENV, value)
    with pytest.raises(BlasThreadsError, match=r"expected a whole number of threads >= 1\. Fix: export"):
        cores_in_use()


def test_large_steps_are_announced_and_counted_small_quick_ones_are_silent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(progress.BLAS_THREADS_ENV, "1")
    out = io.StringIO()
    with reporting(out), dense_steps("big", 2, progress.ANNOUNCE_SIZE) as done:
        done(1)
        done(2)
    lines = out.getvalue().splitlines()
    assert lines[0] == f"big: 2 dense {progress.ANNOUNCE_SIZE} x {progress.ANNOUNCE_SIZE} solves on 1 BLAS thread ..."
    assert [line.split(" (")[0] for line in lines[1:]] == ["big: 1/2 done", "big: 2/2 done"]

    quiet = io.StringIO()
    with reporting(quiet), dense_steps("small", 2, 10) as done:
        done(1)
        done(2)
    assert quiet.getvalue() == ""  # well under QUIET_SECONDS

    monkeypatch.setattr(progress, "QUIET_SECONDS", -1.0)  # a small step that has become slow: reported
    slow = io.StringIO()
    with reporting(slow), dense_steps("small", 2, 10) as done:
        done(1)
    assert slow.getvalue().startswith("small: 1/2 done (")

    silent = io.StringIO()  # no reporting(): library calls print nothing
    with dense_steps("big", 1, progress.ANNOUNCE_SIZE) as done:
        done(1)
    assert silent.getvalue() == ""


def test_the_cross_code_check_reports_its_samples(monkeypatch: pytest.MonkeyPatch) -> None:
    """A declared Kob–Andersen set (random configurations: the check runs, and disagrees) of 2 samples: the
    check's two solves of our 600 × 600 Hessian are announced and counted."""
    from vdosbench.benchmark import cross_code_check
    from vdosbench.benchmark import declare, parse_declaration

    rng = np.random.default_rng(0)
    n, samples = 200, 2
    box = (n / 1.2) ** (1 / 3)
    ds = xr.Dataset(
        {
            "eigenvalue": (("sample", "mode"), np.sort(rng.uniform(0.1, 40.0, (samples, 3 * n)), axis=1)),
            "position": (("sample", "site", "spatial"), rng.uniform(0, box, (samples, n, 3))),
            "box_length": ("sample", np.full(samples, box)),
            "species": (("sample", "site"), (np.arange(n) >= 160).astype(np.int64)[None].repeat(samples, 0)),
        },
        attrs={"spatial_dimension": 3},
    )
    declared = declare(ds, parse_declaration({"model": "kob_andersen", "taper_order": 0}, "test"), "ka")
    monkeypatch.setattr(progress, "ANNOUNCE_SIZE", 3 * n)
    monkeypatch.setenv(progress.BLAS_THREADS_ENV, "1")
    out = io.StringIO()
    with reporting(out):
        check = cross_code_check(declared, "ka")
    assert check is not None and check.status in ("agree", "disagree")
    lines = out.getvalue().splitlines()
    assert lines[0] == "cross-code check of ka: our Hessian: 2 dense 600 x 600 solves on 1 BLAS thread ..."
    assert [line.split(" (")[0] for line in lines[1:]] == [
        "cross-code check of ka: our Hessian: 1/2 done",
        "cross-code check of ka: our Hessian: 2/2 done",
    ]


def test_the_claims_of_a_long_score_are_reported_as_they_finish(monkeypatch: pytest.MonkeyPatch) -> None:
    """A score's claims are steps too: once QUIET_SECONDS have passed a line says how many of which input are done
    (here QUIET_SECONDS = 0: every claim); quick scores and library calls (no ``reporting``) say nothing."""
    from vdosbench.benchmark import InputInfo, load_claims, score_datasets
    from vdosbench.datasets import mock_spectrum

    claims = load_claims()[:3]
    inputs = [(InputInfo(name="mock.nc", path="mock.nc", sha256="0" * 64), mock_spectrum())]
    quiet = io.StringIO()
    with reporting(quiet):
        score_datasets(inputs, claims, "claims.toml")
    assert quiet.getvalue() == ""  # each claim of a small mock takes far less than QUIET_SECONDS
    monkeypatch.setattr(progress, "QUIET_SECONDS", 0.0)
    out = io.StringIO()
    with reporting(out):
        card = score_datasets(inputs, claims, "claims.toml")
    lines = out.getvalue().splitlines()
    assert [line.split(" (")[0] for line in lines] == [f"scoring mock.nc: {k}/3 claims read" for k in (1, 2, 3)]
    assert lines[-1].endswith(f"; last {claims[-1].id})") and len(card.results) == 3
    silent = score_datasets(inputs, claims, "claims.toml")  # no reporting: nothing printed, the same verdicts
    assert [r.verdict for r in silent.results] == [r.verdict for r in card.results]
