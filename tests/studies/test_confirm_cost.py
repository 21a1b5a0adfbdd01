"""The cost benchmark of the confirmatory recipe's T* = ∞ samples (``speed/bench_confirm_cost.py``, issue 51 item 7).

The benchmark's real run takes minutes at N = 2000; here it runs its own functions at N = 128 on one sample and
checks the record's layout, that the stage-by-stage calls reproduce the generator, and that every own-work floor
is a floor (the ratio is ≥ about 1: the floor is part of the work).  No timing threshold is asserted.
"""

from __future__ import annotations

import functools
import json
import math
from pathlib import Path
from types import ModuleType

import pytest

from script_loader import load_script

LOG = """\
taper=2 T*=inf N=2000 samples=100 first=0 wall=536.91 user=400.00 maxrss_kb=556724
taper=inf T*=inf N=2000 samples=100 first=0 wall=647.19 user=500.00 maxrss_kb=394908
taper=2 T*=inf N=2000 samples=200 first=100 wall=9.19 user=2.00 maxrss_kb=342164
taper=2 T*=inf N=2000 samples=200 first=100 wall=529.83 user=398.00 maxrss_kb=394440
taper=2 T*=1 N=2000 samples=100 first=0 wall=1138.82 user=643.40 maxrss_kb=897092
"""


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    return load_script("speed/bench_confirm_cost.py", "bench_confirm_cost")


@pytest.fixture(scope="module")
def record(bench: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp("confirm_cost")
    log = folder / "time.log"
    log.write_text(LOG, encoding="utf-8")
    out = folder / "confirm_cost.json"
    assert (
        bench.main(
            [
                "--n",
                "128",
                "--samples",
                "1",
                "--tapers",
                "2",
                "--fire-samples",
                "1",
                "--time-log",
                str(log),
                "--out",
                str(out),
            ]
        )
        == 0
    )
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.mark.slow
def test_the_record_holds_machine_settings_commit_stages_ratios_and_throughput(bench: ModuleType, record: dict) -> None:
    assert {"cpu_model", "cpu_count", "numpy", "blas"} <= set(record["machine"])
    assert len(record["commit"]) == 40 and isinstance(record["pipeline_code_uncommitted_changes"], list)
    s = record["settings"]
    assert (s["recipe"], s["n_particles"], s["n_lowest"], s["parent_temperature"]) == (bench.RECIPE, 128, 20, "inf")
    pooled = record["pooled"]
    assert set(pooled["stage_cpu_seconds"]) == set(bench.STAGES)
    for stage in pooled["stage_cpu_seconds"].values():
        assert {"mean", "std", "min", "max", "n"} <= set(stage) and stage["mean"] > 0
    assert pooled["bottleneck_stage"] in bench.STAGES
    assert math.isclose(sum(pooled["stage_share"].values()), 1.0)
    per_hour = pooled["samples_per_core_hour"]
    assert per_hour["without_writing"] > per_hour["with_writing"] > 0
    assert set(pooled["ratios"]) == set(bench.RATIOS)
    assert set(record["by_taper"]) == {"2"}
    assert pooled["fire_alone"]["all_converged"]
    # the warm-up (every stage and floor called once, untimed) compiled all that the measured sample runs
    assert record["warm_up"]["numba_compiler_locks_of_the_measured_samples"] == 0


@pytest.mark.slow
def test_the_stages_are_the_generators_and_the_own_work_floors_are_floors(bench: ModuleType, record: dict) -> None:
    (row,) = record["samples"]
    assert row["stages_reproduce_the_generator"]
    assert row["parent"]["is_random_start"] and row["parent"]["no_monte_carlo"]
    assert row["parent"]["energy_trace_sweep0_only"]
    assert row["quench"]["evaluations"] >= row["quench"]["lbfgs_iterations"] > 0
    for name in bench.OWN_WORK_RATIOS:
        assert record["pooled"]["ratios"][name]["min"] >= 0.7, name  # ≈ 1 or more: the floor is part of the work
    for name, ratio in record["pooled"]["ratios"].items():
        assert math.isfinite(ratio["mean"]) and ratio["mean"] > 0, name
    lm = row["lowest_modes"]
    assert lm["eigsh_sa"]["max_relative_difference_to_pipeline"] < 1e-6
    assert lm["eigsh_shift_invert"]["max_relative_difference_to_pipeline"] < 1e-6
    assert lm["pipeline_max_residual_over_bound"] <= record["settings"]["mode_tolerance"]


@pytest.mark.slow
def test_the_background_runs_log_gives_user_seconds_per_sample_by_taper(record: dict) -> None:
    run = record["background_run"]
    assert run["by_taper"]["2"]["user_seconds_per_sample"]["mean"] == pytest.approx(4.0)  # (400 + 2 + 398) / 200
    assert run["by_taper"]["inf"]["user_seconds_per_sample"]["mean"] == pytest.approx(5.0)
    assert run["pooled"]["samples_per_core_hour"] == pytest.approx(3600 / (13 / 3))  # pieces 4.0, 4.0, 5.0
    assert record["this_run_over_background_run"] > 0


def test_the_log_reader_refuses_a_log_without_the_temperature(bench: ModuleType, tmp_path: Path) -> None:
    log = tmp_path / "time.log"
    log.write_text(LOG.splitlines()[-1] + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no line for T"):
        bench.real_run_cost(log)


def test_the_warm_ups_floors_are_called_once_and_not_timed_in_rounds(bench: ModuleType) -> None:
    calls: list[int] = []
    with bench.untimed_floors():
        bench.best_cpu_per_call(lambda: calls.append(1))
    assert len(calls) == 1 and not bench._untimed_floors
    bench.best_cpu_per_call(lambda: calls.append(1), rounds=2, round_seconds=0)
    assert len(calls) == 1 + 3  # outside: the trial call and one call in each round


def test_spread_of_one_value_has_no_standard_deviation(bench: ModuleType) -> None:
    assert bench.spread([2.0]) == {"mean": 2.0, "std": 0.0, "min": 2.0, "max": 2.0, "n": 1}


@pytest.mark.slow
def test_another_solver_is_measured_as_the_generator_runs_it(
    bench: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--set mode_method=arpack: the stages still reproduce the generator (run with the same setting), and the
    record says which solver and which overrides it measured; a malformed --set is refused.

    This test reads no floor: each is timed on one call (``best_cpu_per_call`` with one round of one call after
    its trial call) instead of the best of ``FLOOR_ROUNDS`` rounds of ``FLOOR_ROUND_SECONDS``, most of a run's CPU
    time at N = 128; every stage still runs as the generator runs it."""
    monkeypatch.setattr(
        bench, "best_cpu_per_call", functools.partial(bench.best_cpu_per_call, rounds=1, round_seconds=0)
    )
    out = tmp_path / "arpack.json"
    assert (
        bench.main(
            [
                "--n",
                "128",
                "--samples",
                "1",
                "--tapers",
                "2",
                "--fire-samples",
                "0",
                "--set",
                "mode_method=arpack",
                "--time-log",
                str(tmp_path / "none.log"),
                "--out",
                str(out),
            ]
        )
        == 0
    )
    record = json.loads(out.read_text(encoding="utf-8"))
    assert record["settings"]["mode_method"] == "arpack"
    assert record["settings"]["overrides"] == {"mode_method": "arpack"}
    assert record["samples"][0]["stages_reproduce_the_generator"]
    with pytest.raises(SystemExit):
        bench.main(["--set", "mode_method"])
