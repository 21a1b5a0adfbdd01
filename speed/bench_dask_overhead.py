"""What a local Dask worker costs beside its task: dask's default settings against the run's own.

``vdosbench generate --workers 1`` runs each task (a T_d chain: one task of 20 – 60 min) in one worker process
of a ``LocalCluster`` whose scheduler and nanny live in the calling process.  Both processes keep working while
the task runs: event-loop ticks, heartbeats, the nanny's memory monitor, the system monitor, and the worker's
statistical profiler sampling the task's stack.  This script measures that CPU against the task's own, for
dask's defaults and for :data:`vdosbench.generators.engine.ensemble.LOCAL_CLUSTER_CONFIG`:

- the task is a pure-Python loop that burns ``--seconds`` of CPU in the worker's task thread (the floor: the
  work itself);
- ``parent_cpu_s``: CPU of this process (scheduler, nanny, client) while the task runs;
- ``worker_other_cpu_s``: CPU of the worker's threads other than the task's (from ``/proc``, Linux only);
- ``overhead_ratio``: (parent + worker other) / task CPU.

Each setting starts its own one-worker cluster (created under the setting, as ``_dask_client`` does) and is
measured ``--repeats`` times, alternating, so that load from other jobs falls on both alike.

Usage::

    python speed/bench_dask_overhead.py [--seconds 60] [--repeats 2]

Writes ``speed/results/dask_overhead.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import threading
import time
from pathlib import Path
from typing import Any

from vdosbench.benchmark.machine import machine_info
from vdosbench.generators.engine.ensemble import LOCAL_CLUSTER_CONFIG
from vdosbench.datasets import write_results

HERE = Path(__file__).resolve().parent


def _thread_cpu_seconds(pid: int) -> dict[int, float]:
    """CPU seconds (user + system) of every thread of process ``pid``, by thread id (Linux ``/proc``)."""
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        out[int(tid)] = (int(fields[11]) + int(fields[12])) / tick  # utime, stime (fields 14, 15 of stat)
    return out


def burn(seconds: float) -> dict[str, float]:
    """Spend ``seconds`` of CPU in this thread; return this thread's CPU and that of the process's others."""
    before = _thread_cpu_seconds(os.getpid())
    start = time.thread_time()
    x = 0
    while time.thread_time() - start < seconds:
        x += 1
    after = _thread_cpu_seconds(os.getpid())
    me = threading.get_native_id()
    others = sum(after[t] - before.get(t, 0.0) for t in after if t != me)
    return {"task_cpu_s": after[me] - before.get(me, 0.0), "worker_other_cpu_s": others}


def measure(config: dict[str, Any], seconds: float) -> dict[str, Any]:
    """One task of ``seconds`` CPU on a one-worker local cluster created under ``config``."""
    import dask
    from distributed import Client, LocalCluster

    with dask.config.set(config):
        cluster = LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0")
    with cluster, Client(cluster) as client:
        cpu0, wall0 = time.process_time(), time.perf_counter()
        task = client.submit(burn, seconds, pure=False).result()
        parent = time.process_time() - cpu0
        wall = time.perf_counter() - wall0
    overhead = parent + task["worker_other_cpu_s"]
    return {"wall_s": wall, "parent_cpu_s": parent, **task, "overhead_ratio": overhead / task["task_cpu_s"]}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=60.0, help="CPU seconds the task burns")
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--out", type=Path, default=HERE / "results" / "dask_overhead.json")
    args = ap.parse_args(argv)
    settings = {"dask_defaults": {}, "local_cluster_config": dict(LOCAL_CLUSTER_CONFIG)}
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in settings}
    load_before = os.getloadavg()
    for _ in range(args.repeats):
        for name, config in settings.items():
            runs[name].append(measure(config, args.seconds))
            print(name, json.dumps(runs[name][-1]), flush=True)
    median = {name: sorted(r["overhead_ratio"] for r in rs)[len(rs) // 2] for name, rs in runs.items()}
    result = {
        "method": __doc__,
        "machine": machine_info("dask", "distributed"),
        "load_average_before": load_before,
        "task_seconds": args.seconds,
        "settings": settings,
        "runs": runs,
        "overhead_ratio_median": median,
        "overhead_reduction": median["dask_defaults"] / median["local_cluster_config"],
    }
    write_results(args.out, result, indent=1)
    print(
        f"overhead / task CPU: dask defaults {median['dask_defaults']:.3f}, "
        f"local cluster config {median['local_cluster_config']:.3f}"
    )
    return result


if __name__ == "__main__":
    main()
