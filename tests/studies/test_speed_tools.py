"""The benchmark helpers that time the test command, the kernels' first compilation and Dask's overhead (``speed/``).

Their runs take minutes (a whole test suite; a cold numba cache), so the suite checks what they compute from
a run's output, on output whose answer is known, and that they refuse what they cannot measure.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from types import ModuleType

import pytest

from script_loader import load_script


def _load(name: str) -> ModuleType:
    return load_script(f"speed/{name}.py", name)


LOG = """\
============================= slowest 25 durations =============================
351.99s call     tests/docs/test_docs.py::test_every_code_block_of_the_page_runs[README.md]
86.94s setup    tests/studies/test_catalogue_sets_study.py::test_the_set_is_combined_at_the_common_sample_count
0.50s teardown tests/test_a.py::test_b
================ 1907 passed, 2 skipped, 93 warnings in 2009.49s (0:33:29) ================
suite_time: wall=2045.80 user=1731.92 sys=89.01 maxrss_kb=2097152
"""


def test_suite_time_reads_counts_durations_and_times_from_a_real_log_layout() -> None:
    r = _load("suite_time").parse_log(LOG)
    assert r["counts"] == {"passed": 1907, "skipped": 2, "warnings": 93}
    assert r["pytest_seconds"] == 2009.49
    assert [d["phase"] for d in r["slowest"]] == ["call", "setup", "teardown"]
    assert r["slowest"][1] == {
        "seconds": 86.94,
        "phase": "setup",
        "test": "tests/studies/test_catalogue_sets_study.py::test_the_set_is_combined_at_the_common_sample_count",
    }
    assert (r["wall_seconds"], r["user_cpu_seconds"], r["max_rss_mb_largest_process"]) == (2045.8, 1731.92, 2048.0)


def test_suite_time_counts_failures_and_refuses_a_log_without_a_summary() -> None:
    st = _load("suite_time")
    assert st.parse_log("==== 2 failed, 5 passed in 3.00s ====")["counts"] == {"failed": 2, "passed": 5}
    with pytest.raises(ValueError, match="no pytest summary line"):
        st.parse_log("ERROR: could not install the package\n")


def test_suite_time_refuses_an_existing_clone_folder(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        _load("suite_time").main(["--clone", str(tmp_path), "--output", str(tmp_path / "never.json")])
    assert not (tmp_path / "never.json").exists()


def test_bench_compile_cases_are_valid_small_builds_of_registered_generators() -> None:
    from vdosbench.generators import generator_names, get_generator

    bench = _load("bench_compile")
    for name, fixed in bench.CASES.items():
        assert name in generator_names()
        declared = {p.name for p in get_generator(name).parameters}
        assert set(fixed) <= declared, f"{name}: {set(fixed) - declared} are not parameters of the generator"


def test_dask_overhead_counts_the_task_threads_cpu_apart_from_the_others() -> None:
    bench = _load("bench_dask_overhead")
    out = bench.burn(0.2)  # in this thread: the task's CPU is this thread's, the rest is everything else
    # /proc counts CPU in clock ticks (10 ms): 0.2 s burnt may read 0.19 (as the float 0.18999999999999773),
    # so the bound allows two ticks
    tick = 1.0 / os.sysconf("SC_CLK_TCK")
    assert out["task_cpu_s"] >= 0.2 - 2 * tick - 1e-9
    assert out["worker_other_cpu_s"] >= 0.0
    assert threading.get_native_id() in bench._thread_cpu_seconds(os.getpid())


def test_suite_time_keeps_the_earlier_runs(tmp_path: Path) -> None:
    """speed/suite_time.py rewrites its record; the run it replaces, and those that one kept, stay newest first."""
    module = load_script("speed/suite_time.py", "suite_time_history")
    path = tmp_path / "t.json"
    assert module._earlier_runs(path) == []
    path.write_text(
        json.dumps(
            {
                "commit": "b",
                "pytest_seconds": 580.0,
                "machine": {"x": 1},
                "earlier_runs": [{"commit": "a", "pytest_seconds": 589.0}],
            }
        )
    )
    runs = module._earlier_runs(path)
    assert [r["commit"] for r in runs] == ["b", "a"] and runs[0]["pytest_seconds"] == 580.0 and "machine" not in runs[0]


def test_generate_cost_reads_the_commands_line_and_this_process() -> None:
    """speed/bench_generate_cost.py parses the line ``vdosbench generate`` ends with (the two stay in step) and reads
    a process's CPU, threads and peak memory from ``/proc``."""
    from vdosbench.cli.run_cost import RunCost

    import time

    bench = _load("bench_generate_cost")
    cost = RunCost()
    start = time.process_time()
    while time.process_time() - start < 0.2:  # a run's CPU, so that the line has a rate
        pass
    got = bench._printed_rate(f"wrote x/ensemble.nc in 3.0 s\ngrid: a=1\n{cost.line(8)}\n")
    assert got is not None and got["samples"] == 8 and got["cpu_s"] >= 0.1
    assert got["samples_per_core_hour"] == pytest.approx(8 * 3600 / got["cpu_s"], rel=0.4)  # cpu_s to 0.1 s
    assert bench._printed_rate("wrote x/ensemble.nc in 3.0 s\n") is None
    if not os.path.isdir("/proc/self/task"):
        pytest.skip("no /proc")
    me = bench._read_process(os.getpid())
    assert me is not None and me["peak_rss_bytes"] > 0
    assert threading.get_native_id() in me["threads"]
    assert me["user_s"] + me["system_s"] >= sum(t["user_s"] + t["system_s"] for t in me["threads"].values()) - 0.05
