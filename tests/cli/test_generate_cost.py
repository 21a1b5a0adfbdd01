"""``vdosbench generate`` ends with the samples per core-hour it achieved (issue 65 item 1).

The line's numbers are checked against the run: its samples are the parts it wrote, its rate is samples over its
CPU hours, and its CPU seconds agree (by tolerance) with the CPU time of the command's whole process tree measured
from outside, by a parent that reaps every descendant (Linux ``PR_SET_CHILD_SUBREAPER``).  No timing is asserted.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from vdosbench.cli.run_cost import CpuTimes, RunCost, count_parts, samples_per_core_hour

LINE = re.compile(
    r"^(\d+) samples in ([\d.]+) CPU-s \(user ([\d.]+) \+ system ([\d.]+); CPU time of this command and the "
    r"processes it started, not wall time\): (\d+) samples per core-hour$",
    re.MULTILINE,
)

#: Runs the command as a user does (``python -m vdosbench``), reaps it and every descendant it left (it is their
#: subreaper), prints the command's output and the CPU of the whole tree as JSON on its last line.
_REAPER = textwrap.dedent(
    """
    import ctypes, json, os, subprocess, sys
    assert ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    proc = subprocess.Popen([sys.executable, "-m", "vdosbench", *sys.argv[1:]], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    out = proc.stdout.read().decode()
    _, status, usage = os.wait4(proc.pid, 0)
    user, system = usage.ru_utime, usage.ru_stime
    while True:
        try:
            _, _, more = os.wait4(-1, 0)
        except ChildProcessError:
            break
        user, system = user + more.ru_utime, system + more.ru_stime
    print(out)
    print(json.dumps({"status": os.waitstatus_to_exitcode(status), "user": user, "system": system}))
    """
)


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the reference reaps with PR_SET_CHILD_SUBREAPER")
def test_generate_prints_samples_per_core_hour_consistent_with_its_cpu(tmp_path: Path) -> None:
    out = tmp_path / "toy"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            _REAPER,
            "generate",
            "nine_node_toy",
            "--samples",
            "2",
            "--workers",
            "1",
            "--no-progress",
            "--output",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    text, measured_line = done.stdout.rstrip().rsplit("\n", 1)
    measured = json.loads(measured_line)
    assert measured["status"] == 0, text
    m = LINE.search(text)
    assert m is not None, text
    samples, cpu, user, system, rate = int(m[1]), float(m[2]), float(m[3]), float(m[4]), int(m[5])
    assert samples == count_parts(out) == 3 * 2  # three variants x two samples, all made by this run
    assert cpu == pytest.approx(user + system, abs=0.11)  # each printed to 0.1 s
    # the rate is computed from the unrounded CPU time, which lies within 0.05 s of the printed one (a one-worker run
    # of the toy takes about 2 s, so the rounding alone moves the rate by up to 2 - 3 %), and printed to 1
    assert samples * 3600 / (cpu + 0.05) - 1 <= rate <= samples * 3600 / (cpu - 0.05) + 1, (rate, cpu)
    tree = measured["user"] + measured["system"]
    # the line is read before the command exits: it misses only the interpreter's shutdown and the fork server's
    # end after it, never counts more than the whole tree (each printed to 0.1 s)
    assert cpu <= tree + 0.1
    assert cpu >= tree - max(2.0, 0.25 * tree), (cpu, tree)


@pytest.mark.slow
def test_generate_into_a_complete_folder_says_no_samples_were_made(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from vdosbench.cli import main

    argv = [
        "generate",
        "nine_node_toy",
        "--samples",
        "1",
        "--workers",
        "1",
        "--no-progress",
        "--output",
        str(tmp_path / "toy"),
    ]
    assert main(argv) == 0
    first = capsys.readouterr().out
    m = LINE.search(first)
    assert m is not None and int(m[1]) == 3, first
    assert main(argv) == 0  # every part is there: nothing computed, no rate
    assert "no new samples made (every part was already there)" in capsys.readouterr().out


def _burn(seconds: float) -> str:
    """Python code that spends ``seconds`` of CPU, prints its own CPU seconds, then waits for a line on stdin."""
    return (
        f"import sys, time\nt = time.process_time()\nwhile time.process_time() - t < {seconds}: pass\n"
        "print(time.process_time(), flush=True)\nsys.stdin.readline()\n"
    )


def test_run_cost_counts_live_and_reaped_children() -> None:
    cost = RunCost()
    live = subprocess.Popen(
        [sys.executable, "-c", _burn(0.3)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        live_cpu = float(live.stdout.readline())  # its CPU so far, read by itself; it is alive, waiting
        seen = cost.cpu()
        assert seen.total_s >= live_cpu - 0.02  # clock ticks of /proc
    finally:
        live.communicate("\n")
    after = cost.cpu()  # reaped now: its time is in this process's children's
    assert after.total_s >= live_cpu - 0.02
    assert after.total_s >= seen.total_s - 0.02


def test_run_cost_starts_from_its_first_reading() -> None:
    import time

    t = time.process_time()
    while time.process_time() - t < 0.2:
        pass
    whole = RunCost(whole_process=True).cpu()
    since = RunCost().cpu()
    assert whole.total_s >= time.process_time() - 0.05 >= 0.2 - 0.05  # this process from its own start
    assert since.total_s < whole.total_s


def test_samples_per_core_hour_and_cpu_times() -> None:
    assert samples_per_core_hour(10, 36.0) == pytest.approx(1000.0)
    assert samples_per_core_hour(0, 1.0) == 0.0
    with pytest.raises(ValueError, match="expected a positive number of CPU seconds"):
        samples_per_core_hour(3, 0.0)
    t = CpuTimes(2.0, 0.5) - CpuTimes(1.0, 0.25)
    assert (t.user_s, t.system_s, t.total_s) == (1.0, 0.25, 1.25)


def test_count_parts(tmp_path: Path) -> None:
    assert count_parts(tmp_path / "absent") == 0
    for rel in ("a/sample-0000.nc", "a/sample-0001.nc", "b/sample-0000.nc", "b/.sample-0001.nc.tmp-1"):
        (tmp_path / "parts" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "parts" / rel).write_bytes(b"")
    assert count_parts(tmp_path) == 3


def test_on_a_scheduler_the_line_says_the_rate_was_not_measured() -> None:
    import argparse

    from vdosbench.cli.commands.generate import _cost_line

    line = _cost_line(argparse.Namespace(scheduler="tcp://10.0.0.1:8786"), RunCost(), 4)
    assert line.startswith("4 samples made on the cluster at tcp://10.0.0.1:8786: samples per core-hour not measured")
    assert LINE.search(line) is None
