"""An A/B of ``speed/bench_generate_cost.py`` runs: the same command measured under two settings, alternated.

One run of the benchmark on a loaded machine moves by about ±2 CPU s at 4 parts (``docs/performance.md``), more
than a change to the worker start may save; so each setting is run several times, alternating, and compared by the
spread of its runs.  Per run: the in-process CPU, the command's CPU (the whole process tree, exact), its ratio,
the task threads (each non-main process's busiest thread: the parts' own work) and the rest of the command's
processes' CPU (imports, scheduler, event loops).

    python speed/compare_generate_cost.py --workers 2 --out speed/results/generate_cost_forkserver_ab.json \
        --label forkserver RUN.json RUN.json ... --label spawn RUN.json ...

Writes the per-run rows and, per label, the mean, least and largest of each column (``--out``).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from statistics import mean
from typing import Any

from vdosbench.datasets import write_results

COLUMNS = ("in_process_cpu_s", "command_cpu_s", "ratio", "task_threads_cpu_s", "rest_cpu_s", "wall_s")


def run_row(report: dict[str, Any], workers: str) -> dict[str, float]:
    """One benchmark run's columns (:data:`COLUMNS`) for the command with ``--workers workers``."""
    key = f"command_workers_{workers}"
    command = report["runs"][key]
    processes = command["processes"]
    tasks = sum(
        max((t["user_s"] + t["system_s"] for t in p["busy_threads"]), default=0.0)
        for p in processes
        if p["role"] != "main"
    )
    total = sum(p["user_s"] + p["system_s"] for p in processes)
    return {
        "in_process_cpu_s": round(report["runs"]["in_process"]["cpu_s"], 2),
        "command_cpu_s": round(command["cpu_s"], 2),
        "ratio": round(report["summary"][key]["ratio_cpu_to_in_process"], 3),
        "task_threads_cpu_s": round(tasks, 2),
        "rest_cpu_s": round(total - tasks, 2),
        "wall_s": round(report["summary"][key]["wall_s"], 1),
    }


def spread(rows: Sequence[dict[str, float]]) -> dict[str, dict[str, float]]:
    """Mean, least and largest of each column over ``rows``."""
    return {
        c: {"mean": round(mean(r[c] for r in rows), 3), "min": min(r[c] for r in rows), "max": max(r[c] for r in rows)}
        for c in COLUMNS
    }


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workers", default="2", help="the --workers value compared (a key of the benchmark's runs)")
    ap.add_argument("--label", nargs="+", action="append", required=True, metavar=("LABEL", "RUN"))
    ap.add_argument("--note", default="")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    settings: dict[str, Any] = {}
    inputs = []
    for label, *paths in args.label:
        if not paths:
            ap.error(f"--label {label} names no benchmark run; expected --label LABEL RUN.json [RUN.json ...]")
        rows = [{"run": Path(p).name, **run_row(json.loads(Path(p).read_text()), args.workers)} for p in paths]
        settings[label] = {"runs": rows, "spread": spread(rows)}
        inputs += paths
    result = {
        "what": f"bench_generate_cost.py runs of `vdosbench generate --workers {args.workers}` under each setting",
        "columns": {
            "command_cpu_s": "user + system of the command's whole process tree (os.wait4, subreaper)",
            "task_threads_cpu_s": "sum over non-main processes of their busiest thread (the parts' work)",
            "rest_cpu_s": "the command's processes' CPU outside those threads (imports, scheduler, event loops)",
        },
        "note": args.note,
        "settings": settings,
    }
    write_results(args.out, result, inputs=inputs)
    for label, s in settings.items():
        print(label, {c: s["spread"][c]["mean"] for c in COLUMNS})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
