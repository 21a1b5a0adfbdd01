"""Samples per core-hour as a user gets them: ``vdosbench generate`` against ``make_sample`` in-process, in one run
(issue 65 item 1).

The same parts of one lowest-mode recipe (default :data:`RECIPE` at ``parent_temperature = inf``; both tapers of
its grid, samples ``0 … --samples − 1``; the recipe's own eigensolver unless ``--set`` changes it on both sides)
are made

in-process
    by a fresh ``python`` process that imports vdosbench and calls the engine's part task
    (:func:`vdosbench.generators.engine.part_task.compute_part`: the generator's ``make_sample``, the labelling
    and the writing of the part, what a worker of ``vdosbench generate`` runs) for each part in turn, with
    ``OMP/OPENBLAS/MKL/NUMBA_NUM_THREADS = 1`` (as ``speed/bench_confirm_cost.py``);
the command
    by the console script a user installs, ``vdosbench generate --recipe R --grid parent_temperature=inf
    --samples S --output DIR --no-progress`` with default workers and ``--workers 1`` and ``2`` (each
    ``--workers`` value of ``--workers-list``; ``default`` omits the option), in the caller's environment with
    the thread variables removed (a user's shell does not set them).

Each run is a child of this script, reaped with :func:`os.wait4`: its **CPU seconds** (user and system, the process
and every descendant: the workers and the resource tracker it reaps, and the fork server that reads the parts,
which it leaves and this script reaps as the subreaper of its descendants, Linux ``PR_SET_CHILD_SUBREAPER``) are
exact and robust to load from other jobs. While a run goes, its process tree is read from ``/proc`` every
``POLL_S``: per process (main, worker, other) and per thread, user and system CPU seconds (the last reading before
the process ended, so up to ``POLL_S`` short) and the peak resident memory (``VmHWM``), which is the memory per
worker. The threads of a worker that used more than ``BUSY_THREAD_S`` CPU seconds are its busy threads (the target: the
task's thread, beside the main thread's imports). A one-worker run computes its parts in the command's own process
(``vdosbench.generators.engine.in_process``): its main process is then the one that computes.

Reported: samples per core-hour (parts / CPU hours) of each run, the command's ratio of CPU seconds to the
in-process run's on the same parts (the target of the issue is ≤ 1.1 at one and two workers); the parts' own work
(each worker's task thread, its busiest) against the in-process parts, and the rest of the command's CPU as a fixed
cost per run (imports of the command and of each worker, the cluster, combining the parts) beyond the in-process
run's imports, with the number of parts from which the whole run is within the target; the machine and its load
(``os.getloadavg`` and the machine's busy CPU seconds from ``/proc/stat`` during each run, less the run's own: the
other jobs' share). The command's parts are checked to equal the in-process parts (eigenvalues bit for bit), so
both made the same samples.

With ``--pair``, two in-process runs of the same parts also run at once, one a core (each its own exact CPU):
what two parts computed side by side cost the cores by themselves (shared cache and memory bus), the share of a
two-worker run's task threads that is not the command's.

Usage::

    python speed/bench_generate_cost.py [--samples 3 --workers-list default,1,2 --set mode_method=arpack --pair]

Writes ``speed/results/generate_cost.json`` (``--out``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
#: The recipe whose parts are made.
RECIPE = "soft_spheres_lowest_confirm_n2000"
#: The grid point set on the command line (the recipe's other grid parameters keep their values).
GRID = {"parent_temperature": "inf"}
#: Seconds between two readings of the process tree.
POLL_S = 0.2
#: CPU seconds above which a thread of a worker counts as busy.
BUSY_THREAD_S = 1.0
#: Thread variables of the in-process run (set to 1) and removed from the command's environment.
THREAD_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS")
#: Target ratio of the command's CPU to the in-process CPU (issue 65 item 1).
TARGET_RATIO = 1.1
_TICK = os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------
# /proc readings
# --------------------------------------------------------------------------


def _stat_fields(path: str) -> list[str]:
    with open(path) as f:
        return f.read().rsplit(")", 1)[1].split()


def _children() -> dict[int, list[int]]:
    """Parent pid → child pids, over every process on the machine."""
    out: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            ppid = int(_stat_fields(f"/proc/{name}/stat")[1])
        except (OSError, IndexError, ValueError):
            continue
        out.setdefault(ppid, []).append(int(name))
    return out


def _tree(root: int) -> list[int]:
    """``root`` and its descendants."""
    kids = _children()
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(kids.get(pid, []))
    return out


def _command(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def _role(pid: int, root: int) -> str:
    if pid == root:
        return "main"
    cmd = _command(pid)
    if "spawn_main" in cmd:
        return "worker"
    if "resource_tracker" in cmd:
        return "resource_tracker"
    return "other"


def _read_process(pid: int) -> dict[str, Any] | None:
    """User and system CPU seconds of ``pid`` and of each of its threads, its peak RSS (bytes)."""
    try:
        fields = _stat_fields(f"/proc/{pid}/stat")
        threads = {}
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                tf = _stat_fields(f"/proc/{pid}/task/{tid}/stat")
                with open(f"/proc/{pid}/task/{tid}/comm") as f:
                    comm = f.read().strip()
            except OSError:
                continue
            threads[int(tid)] = {"name": comm, "user_s": int(tf[11]) / _TICK, "system_s": int(tf[12]) / _TICK}
        hwm = 0
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    hwm = int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        return None
    return {
        "user_s": int(fields[11]) / _TICK,
        "system_s": int(fields[12]) / _TICK,
        "peak_rss_bytes": hwm,
        "threads": threads,
    }


def _machine_busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy since boot (``/proc/stat``: all but idle and iowait)."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return (sum(values[:8]) - idle) / _TICK


class TreeWatch(threading.Thread):
    """Reads the process tree of ``root`` every :data:`POLL_S` until stopped; keeps each process's last reading."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.last: dict[int, dict[str, Any]] = {}
        self.roles: dict[int, str] = {}
        self.commands: dict[int, str] = {}
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            for pid in _tree(self.root):
                reading = _read_process(pid)
                if reading is not None:
                    # threads that ended keep their last reading (the process's totals include them)
                    previous = self.last.get(pid, {})
                    reading["threads"] = {**previous.get("threads", {}), **reading["threads"]}
                    # an exiting process has no VmHWM: keep the largest reading
                    reading["peak_rss_bytes"] = max(reading["peak_rss_bytes"], previous.get("peak_rss_bytes", 0))
                    self.last[pid] = reading
                    if pid not in self.roles:
                        self.roles[pid] = _role(pid, self.root)
                        self.commands[pid] = _command(pid)
            self._stop_event.wait(POLL_S)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()

    def summary(self) -> list[dict[str, Any]]:
        """Per process: role, CPU split, peak RSS, busy threads (CPU > :data:`BUSY_THREAD_S`), all threads' CPU."""
        out = []
        for pid, r in sorted(self.last.items()):
            threads = sorted(r["threads"].values(), key=lambda t: -(t["user_s"] + t["system_s"]))
            busy = [t for t in threads if t["user_s"] + t["system_s"] > BUSY_THREAD_S]
            out.append(
                {
                    "pid": pid,
                    "role": self.roles.get(pid, "other"),
                    "command": self.commands.get(pid, "")[:200],
                    "user_s": r["user_s"],
                    "system_s": r["system_s"],
                    "peak_rss_mib": r["peak_rss_bytes"] / 2**20,
                    "n_threads": len(threads),
                    "busy_threads": busy,
                    "other_threads_cpu_s": sum(t["user_s"] + t["system_s"] for t in threads if t not in busy),
                }
            )
        return out


def become_subreaper() -> None:
    """Make this process the reaper of its orphaned descendants (Linux ``PR_SET_CHILD_SUBREAPER``), so that a
    run's descendants that its main process does not reap (the fork server that reads the parts) are reaped
    here and their CPU time is counted."""
    import ctypes

    if ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER) failed")


def run_child(argv: Sequence[str], env: Mapping[str, str]) -> dict[str, Any]:
    """Run ``argv`` to its end; its exact CPU (:func:`os.wait4`: it, the descendants it reaped, and those it left,
    reaped here as their subreaper), the tree's readings, wall time, the machine's other load, and its output.
    Call :func:`become_subreaper` first, with no other child of this process running."""
    load_before = os.getloadavg()
    busy0, wall0 = _machine_busy_seconds(), time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(list(argv), env=dict(env), stdout=out, stderr=subprocess.STDOUT)
        watch = TreeWatch(proc.pid)
        watch.start()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        user, system = usage.ru_utime, usage.ru_stime
        orphans = 0
        while True:  # its descendants it did not reap (the fork server) were handed to this subreaper
            try:
                _, _, more = os.wait4(-1, 0)
            except ChildProcessError:
                break
            user, system, orphans = user + more.ru_utime, system + more.ru_stime, orphans + 1
        watch.stop()
        wall = time.perf_counter() - wall0
        busy = _machine_busy_seconds() - busy0
        out.seek(0)
        text = out.read().decode(errors="replace")
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited with {proc.returncode}:\n{text[-4000:]}")
    cpu = user + system
    return {
        "argv": list(argv),
        "wall_s": wall,
        "user_s": user,
        "system_s": system,
        "cpu_s": cpu,
        "unreaped_descendants": orphans,
        "peak_rss_mib_largest_process": usage.ru_maxrss / 1024,
        "processes": watch.summary(),
        "load_average_before": list(load_before),
        "load_average_after": list(os.getloadavg()),
        "machine_busy_cpu_s": busy,
        "other_jobs_cpu_s": max(0.0, busy - cpu),
        "other_jobs_cores": max(0.0, busy - cpu) / wall,
        "output_tail": text[-2000:],
    }


# --------------------------------------------------------------------------
# the in-process run (a child of this script)
# --------------------------------------------------------------------------


def in_process_child(samples: int, fixed_overrides: Mapping[str, str], output: Path, report: Path) -> None:
    """Make the parts in this process, as a worker's part task does; write a JSON report of CPU per part."""
    cpu_start = time.process_time()
    from vdosbench.cli.options import parse_assignments
    from vdosbench.generators import RECIPES, get_generator
    from vdosbench.generators.engine.ensemble import compute_part, PartTask
    from vdosbench.generators import EnsembleSpec

    recipe = RECIPES[RECIPE]
    grid = {
        **{k: list(v) for k, v in recipe.grid.items()},
        **parse_assignments([f"{k}={v}" for k, v in GRID.items()], "--grid", multi=True),
    }
    fixed = {
        **recipe.fixed,
        **parse_assignments([f"{k}={v}" for k, v in fixed_overrides.items()], "--set", multi=False),
    }
    gen = get_generator(recipe.generator)
    spec = EnsembleSpec.create(gen, grid=grid, fixed=fixed, n_samples=samples, root_seed=recipe.root_seed)
    imports = time.process_time() - cpu_start
    parts = []
    for point, sample, rel in spec.parts():
        task = PartTask(
            generator=gen.name,
            module=gen.make_sample.__module__,
            point=tuple(point.items()),
            fixed=dict(spec.fixed),
            sample=sample,
            root_seed=spec.root_seed,
            path=str(output / "parts" / rel),
            blas_threads=1,
        )
        Path(task.path).parent.mkdir(parents=True, exist_ok=True)
        c = time.process_time()
        compute_part(task)
        parts.append({"part": str(rel), "cpu_s": time.process_time() - c})
    from vdosbench.datasets.json_files import dumps_strict

    report.write_text(dumps_strict({"imports_cpu_s": imports, "parts": parts}))


# --------------------------------------------------------------------------
# the measurement
# --------------------------------------------------------------------------


def _eigenvalues(folder: Path) -> dict[str, Any]:
    """Eigenvalues of each part in ``folder`` (read with xarray in this process: the benchmark's own files, and
    :func:`vdosbench.datasets.open_dataset`'s isolated reader would leave a fork server child here)."""
    import numpy as np
    import xarray as xr

    out = {}
    for p in sorted((folder / "parts").glob("*/sample-*.nc")):
        with xr.open_dataset(p) as ds:
            out[str(p.relative_to(folder / "parts"))] = np.asarray(ds["eigenvalue"].values).copy()
    return out


def _printed_rate(text: str) -> dict[str, float] | None:
    """The command's own line of samples per core-hour, if it printed one."""
    m = re.search(r"(\d+) samples? in ([\d.]+) CPU-s .*?: ([\d.]+) samples per core-hour", text)
    if m is None:
        return None
    return {"samples": int(m.group(1)), "cpu_s": float(m.group(2)), "samples_per_core_hour": float(m.group(3))}


def _command_breakdown(run: dict[str, Any]) -> dict[str, Any]:
    """CPU of the command by role; each worker's busy threads, its other threads, its peak RSS."""
    by_role: dict[str, dict[str, float]] = {}
    for p in run["processes"]:
        r = by_role.setdefault(p["role"], {"user_s": 0.0, "system_s": 0.0, "processes": 0})
        r["user_s"] += p["user_s"]
        r["system_s"] += p["system_s"]
        r["processes"] += 1
    # the processes that compute parts: the Dask workers, or the command itself when one local worker computes in
    # its own process (vdosbench.generators.engine.in_process)
    computing = [p for p in run["processes"] if p["role"] == "worker"] or [
        p for p in run["processes"] if p["role"] == "main"
    ]
    task_cpu = sum(max((t["user_s"] + t["system_s"] for t in p["busy_threads"]), default=0.0) for p in computing)
    workers = [
        {
            "user_s": p["user_s"],
            "system_s": p["system_s"],
            "peak_rss_mib": p["peak_rss_mib"],
            "n_threads": p["n_threads"],
            "n_busy_threads": len(p["busy_threads"]),
            "busy_threads": p["busy_threads"],
            "other_threads_cpu_s": p["other_threads_cpu_s"],
        }
        for p in computing
    ]
    return {
        "by_role": by_role,
        "workers": workers,
        "task_threads_cpu_s": task_cpu,
        "fixed_cpu_s": run["cpu_s"] - task_cpu,
    }


def run_pair(argvs: Sequence[Sequence[str]], env: Mapping[str, str]) -> dict[str, Any]:
    """Run the in-process children ``argvs`` at the same time to their ends; each one's exact CPU (:func:`os.wait4`)
    and the wall of the pair.  Descendants they leave are reaped here (their CPU counted apart, as no child's).
    Call :func:`become_subreaper` first, with no other child of this process running."""
    wall0 = time.perf_counter()
    procs = [subprocess.Popen(list(a), env=dict(env), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for a in argvs]
    cpu = []
    for proc in procs:
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        cpu.append(usage.ru_utime + usage.ru_stime)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(proc.args)} exited with {proc.returncode}: {proc.stderr.read()[-4000:]!r}")
    orphans_cpu = 0.0
    while True:
        try:
            _, _, more = os.wait4(-1, 0)
        except ChildProcessError:
            break
        orphans_cpu += more.ru_utime + more.ru_stime
    return {"cpu_s": cpu, "orphans_cpu_s": orphans_cpu, "wall_s": time.perf_counter() - wall0}


def measure(
    samples: int, workers_list: Sequence[str], overrides: Mapping[str, str], keep: Path | None, pair: bool = False
) -> dict:
    """One in-process run and one command run per entry of ``workers_list``, on the same parts; with ``pair``, also
    two in-process runs of those parts at once (what two parts computed side by side cost the cores alone)."""
    exe = shutil.which("vdosbench")
    if exe is None:
        raise SystemExit("no vdosbench console script on PATH; install the package (pip install -e .) first")
    base = tempfile.mkdtemp(prefix="bench-generate-cost-") if keep is None else str(keep)
    sets = [a for k, v in overrides.items() for a in ("--set", f"{k}={v}")]
    env_user = {k: v for k, v in os.environ.items() if k not in THREAD_ENV}
    env_in = {**env_user, **{k: "1" for k in THREAD_ENV}}
    runs: dict[str, Any] = {}
    become_subreaper()

    folder = Path(base) / "in_process"
    report = Path(base) / "in_process.json"
    child = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        str(folder),
        "--report",
        str(report),
        "--samples",
        str(samples),
        *sets,
    ]
    # a warm-up part first (numba's cache, the file system), not counted
    run_child(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--child",
            str(Path(base) / "warmup"),
            "--report",
            str(Path(base) / "warmup.json"),
            "--samples",
            "1",
            *sets,
        ],
        env_in,
    )
    run = run_child(child, env_in)
    inner = json.loads(report.read_text())
    run.update(inner)
    run["parts_cpu_s"] = sum(p["cpu_s"] for p in inner["parts"])
    n_parts = len(inner["parts"])
    run["n_parts"] = n_parts
    run["samples_per_core_hour"] = n_parts / (run["cpu_s"] / 3600)
    run["parts_only_samples_per_core_hour"] = n_parts / (run["parts_cpu_s"] / 3600)
    reference = _eigenvalues(folder)
    runs["in_process"] = run
    print(
        f"in-process: {n_parts} parts, {run['cpu_s']:.1f} CPU-s (user {run['user_s']:.1f}, system "
        f"{run['system_s']:.1f}), {run['samples_per_core_hour']:.0f} samples per core-hour",
        flush=True,
    )
    if pair:
        twin = [
            [*child[:3], str(Path(base) / f"pair_{k}"), "--report", str(Path(base) / f"pair_{k}.json"), *child[6:]]
            for k in (0, 1)
        ]
        both = run_pair(twin, env_in)
        both["ratio_each_to_in_process"] = [c / run["cpu_s"] for c in both["cpu_s"]]
        runs["in_process_pair"] = both
        print(
            f"two in-process runs at once: {both['cpu_s'][0]:.1f} and {both['cpu_s'][1]:.1f} CPU-s, ratios "
            + " and ".join(f"{r:.3f}" for r in both["ratio_each_to_in_process"]),
            flush=True,
        )

    for workers in workers_list:
        out = Path(base) / f"command_workers_{workers}"
        argv = [
            exe,
            "generate",
            "--recipe",
            RECIPE,
            *(a for k, v in GRID.items() for a in ("--grid", f"{k}={v}")),
            "--samples",
            str(samples),
            *sets,
            "--output",
            str(out),
            "--no-progress",
        ]
        if workers != "default":
            argv += ["--workers", workers]
        run = run_child(argv, env_user)
        got = _eigenvalues(out)
        import numpy as np

        run["same_parts_as_in_process"] = bool(
            got.keys() == reference.keys() and all(np.array_equal(got[k], reference[k]) for k in got)
        )
        run["n_parts"] = len(got)
        run["samples_per_core_hour"] = len(got) / (run["cpu_s"] / 3600)
        run["ratio_cpu_to_in_process"] = run["cpu_s"] / runs["in_process"]["cpu_s"]
        run["printed"] = _printed_rate(run["output_tail"])
        run["breakdown"] = b = _command_breakdown(run)
        ref = runs["in_process"]
        # the parts' own work: each worker's task thread against the in-process parts; the rest is a fixed cost
        # per run (imports, cluster, combining), beside the in-process run's imports
        run["task_threads_ratio_to_in_process_parts"] = b["task_threads_cpu_s"] / ref["parts_cpu_s"]
        extra = b["fixed_cpu_s"] - (ref["cpu_s"] - ref["parts_cpu_s"])
        per_part = ref["parts_cpu_s"] / ref["n_parts"]
        slack = TARGET_RATIO * per_part - b["task_threads_cpu_s"] / len(got)
        run["fixed_cpu_beyond_in_process_s"] = extra
        run["parts_for_target_ratio"] = (
            max(0.0, (extra - (TARGET_RATIO - 1) * (ref["cpu_s"] - ref["parts_cpu_s"])) / slack) if slack > 0 else None
        )
        runs[f"command_workers_{workers}"] = run
        print(
            f"command --workers {workers}: {len(got)} parts, {run['cpu_s']:.1f} CPU-s (user {run['user_s']:.1f}, "
            f"system {run['system_s']:.1f}), {run['samples_per_core_hour']:.0f} samples per core-hour, ratio "
            f"{run['ratio_cpu_to_in_process']:.3f}; workers "
            + "; ".join(
                f"{w['user_s']:.1f}+{w['system_s']:.1f} s, {w['n_busy_threads']} busy thread(s), "
                f"{w['peak_rss_mib']:.0f} MiB"
                for w in run["breakdown"]["workers"]
            ),
            flush=True,
        )
    if keep is None:
        shutil.rmtree(base, ignore_errors=True)
    return runs


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark (or, with ``--child``, the in-process part of it)."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--samples", type=int, default=3, help="samples per grid point (both tapers: 2x the parts)")
    ap.add_argument("--workers-list", default="default,1,2", help="comma-separated: default or a number")
    ap.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="fixed parameter on both sides (e.g. mode_method=arpack)",
    )
    ap.add_argument("--out", type=Path, default=HERE / "results" / "generate_cost.json")
    ap.add_argument("--keep", type=Path, default=None, help="keep the runs' folders here")
    ap.add_argument("--note", default="")
    ap.add_argument(
        "--pair", action="store_true", help="also two in-process runs at once (the cores' cost of two parts at once)"
    )
    ap.add_argument("--child", type=Path, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--report", type=Path, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    overrides = dict(a.split("=", 1) for a in args.set)
    if args.child is not None:
        in_process_child(args.samples, overrides, args.child, args.report)
        return 0

    from vdosbench.benchmark.machine import machine_info
    from vdosbench.datasets import write_results

    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=HERE, capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "generators", "vdosbench"], cwd=HERE.parent, capture_output=True, text=True
    ).stdout.strip()
    runs = measure(args.samples, args.workers_list.split(","), overrides, args.keep, pair=args.pair)
    ref = runs["in_process"]
    result = {
        "method": __doc__.split("\n\n")[0].replace("\n", " "),
        "measured_at": started,
        "commit": commit,
        "engine_or_cli_uncommitted_changes": bool(dirty),
        "note": args.note,
        "machine": machine_info(),
        "uptime_load_average_after": list(os.getloadavg()),
        "settings": {
            "recipe": RECIPE,
            "grid": GRID,
            "samples_per_grid_point": args.samples,
            "overrides": overrides,
            "workers": args.workers_list.split(","),
            "poll_s": POLL_S,
            "busy_thread_cpu_s": BUSY_THREAD_S,
            "target_ratio": TARGET_RATIO,
            "clock": "os.wait4 rusage of each run's process and of the descendants it left (this script is "
            "their subreaper): user + system of the whole tree; per process and thread: "
            "/proc readings every poll_s",
        },
        "summary": {
            "in_process_samples_per_core_hour": ref["samples_per_core_hour"],
            **{
                name: {
                    "samples_per_core_hour": r["samples_per_core_hour"],
                    "ratio_cpu_to_in_process": r["ratio_cpu_to_in_process"],
                    "within_target": r["ratio_cpu_to_in_process"] <= TARGET_RATIO,
                    "user_s": r["user_s"],
                    "system_s": r["system_s"],
                    "wall_s": r["wall_s"],
                    "peak_rss_mib_per_worker": [w["peak_rss_mib"] for w in r["breakdown"]["workers"]],
                    "busy_threads_per_worker": [w["n_busy_threads"] for w in r["breakdown"]["workers"]],
                    "other_jobs_cores": r["other_jobs_cores"],
                    "task_threads_ratio_to_in_process_parts": r["task_threads_ratio_to_in_process_parts"],
                    "fixed_cpu_beyond_in_process_s": r["fixed_cpu_beyond_in_process_s"],
                    "parts_for_target_ratio": r["parts_for_target_ratio"],
                    "printed": r["printed"],
                    "same_parts_as_in_process": r["same_parts_as_in_process"],
                }
                for name, r in runs.items()
                if name.startswith("command_")
            },
            **(
                {"in_process_pair_ratio_each": runs["in_process_pair"]["ratio_each_to_in_process"]}
                if "in_process_pair" in runs
                else {}
            ),
        },
        "runs": runs,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_results(args.out, result, indent=2)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
