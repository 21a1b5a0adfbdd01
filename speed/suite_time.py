"""What the test command costs: ``bash .ci/run`` on a clean clone, timed, with its slowest tests.

CI runs ``bash .ci/run`` (the README's test command) on a clean clone of main; it must finish well inside
20 minutes on a 2-core machine.  This script does the same on this machine and records the result, so that
the time quoted in the README and in ``docs/development.md`` comes from a measured run:

1. ``git clone`` of the repository (``--repo``, default: this one) into ``--clone`` (must not exist);
2. ``bash .ci/run`` there, under ``/usr/bin/time`` (wall, user and system CPU, peak memory of the largest
   process), its output to ``--log``;
3. from pytest's summary line the counts (passed, failed, skipped…) and its own seconds, and from its
   ``--durations`` table the slowest tests.

A fresh clone has no numba cache, so the run includes compiling the glass kernels
(``speed/bench_compile.py``); the dependencies are whatever the current Python environment already holds
(``pip install -e`` only adds what is missing).  The load average before and after says whether other work
shared the cores.

Usage::

    python speed/suite_time.py --clone /tmp/ci-clone [--log /tmp/ci.log] [--note "two chains in the background"]

Writes ``speed/results/test_suite_time.json`` (``--output``); exits with the test command's status.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from vdosbench.benchmark.machine import machine_info
from vdosbench.datasets import write_results

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULT = HERE / "results" / "test_suite_time.json"

_SUMMARY = re.compile(r"^=+ (?P<counts>.*?) in (?P<seconds>[0-9.]+)s(?: \([0-9:]+\))? =+$")
_COUNT = re.compile(r"(?P<n>\d+) (?P<what>[a-z]+)")
_DURATION = re.compile(r"^(?P<seconds>[0-9.]+)s (?P<phase>call|setup|teardown)\s+(?P<test>\S+)$")
_TIME = re.compile(
    r"^suite_time: wall=(?P<wall>[0-9.]+) user=(?P<user>[0-9.]+) sys=(?P<sys>[0-9.]+) "
    r"maxrss_kb=(?P<rss>\d+)$"
)


def parse_log(text: str) -> dict[str, Any]:
    """Counts, pytest's seconds, the slowest tests and /usr/bin/time's figures from a run's output.

    Examples
    --------
    >>> log = "12.50s call     tests/test_a.py::test_x\\n=== 3 passed, 1 skipped, 2 warnings in 20.10s ===\\n"
    >>> log += "suite_time: wall=25.0 user=30.5 sys=1.5 maxrss_kb=1024\\n"
    >>> r = parse_log(log)
    >>> r["counts"], r["pytest_seconds"], r["slowest"][0]["test"], r["wall_seconds"]
    ({'passed': 3, 'skipped': 1, 'warnings': 2}, 20.1, 'tests/test_a.py::test_x', 25.0)
    """
    out: dict[str, Any] = {"counts": None, "pytest_seconds": None, "slowest": []}
    for line in text.splitlines():
        line = line.strip()
        if m := _SUMMARY.match(line):
            out["counts"] = {c["what"]: int(c["n"]) for c in _COUNT.finditer(m["counts"])}
            out["pytest_seconds"] = float(m["seconds"])
        elif m := _DURATION.match(line):
            out["slowest"].append({"seconds": float(m["seconds"]), "phase": m["phase"], "test": m["test"]})
        elif m := _TIME.match(line):
            out |= {
                "wall_seconds": float(m["wall"]),
                "user_cpu_seconds": float(m["user"]),
                "system_cpu_seconds": float(m["sys"]),
                "max_rss_mb_largest_process": int(m["rss"]) / 1024,
            }
    if out["counts"] is None:
        raise ValueError("no pytest summary line ('=== N passed … in S s ===') in the log: did the run reach pytest?")
    return out


#: What each earlier run keeps in ``earlier_runs`` (the times quoted in docs/development.md stay in the file).
EARLIER_KEYS = (
    "commit",
    "exit_status",
    "note",
    "counts",
    "pytest_seconds",
    "wall_seconds",
    "load_average_before",
    "load_average_after",
)


def _earlier_runs(path: Path) -> list[dict]:
    """The record already at ``path`` (its main keys) and the runs it kept, newest first; empty for a new file."""
    if not path.is_file():
        return []
    old = json.loads(path.read_text(encoding="utf-8"))
    return [{k: old.get(k) for k in EARLIER_KEYS}, *old.get("earlier_runs", [])]


def main(argv: list[str] | None = None) -> int:
    """Clone, run the test command, parse and write the result file."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--clone", type=Path, required=True, help="folder for the clean clone (must not exist)")
    p.add_argument("--repo", default=str(REPO), help="repository to clone (default: this one)")
    p.add_argument("--log", type=Path, default=None, help="where the run's output goes (default: CLONE.log)")
    p.add_argument("--note", default="", help="what else ran on the machine meanwhile")
    p.add_argument("--output", type=Path, default=RESULT)
    args = p.parse_args(argv)
    if args.clone.exists():
        p.error(f"--clone {args.clone} exists; expected a new folder (the run must start from a clean clone)")
    log = args.log or args.clone.with_suffix(".log")
    subprocess.run(["git", "clone", "-q", args.repo, str(args.clone)], check=True)
    commit = subprocess.run(
        ["git", "-C", str(args.clone), "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()
    load_before = list(os.getloadavg())
    with open(log, "w", encoding="utf-8") as fh:
        done = subprocess.run(
            ["/usr/bin/time", "-f", "suite_time: wall=%e user=%U sys=%S maxrss_kb=%M", "bash", ".ci/run"],
            cwd=args.clone,
            stdout=fh,
            stderr=subprocess.STDOUT,
            check=False,
        )
    load_after = list(os.getloadavg())
    result = {
        "method": __doc__,
        "commit": commit,
        "exit_status": done.returncode,
        "note": args.note,
        "load_average_before": load_before,
        "load_average_after": load_after,
        "machine": machine_info("numba", "xarray", "dask"),
        **parse_log(log.read_text(encoding="utf-8")),
    }
    result["earlier_runs"] = _earlier_runs(args.output)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    write_results(args.output, result, indent=2)
    print(f"exit {done.returncode}: {result['counts']} in {result.get('wall_seconds')} s wall; wrote {args.output}")
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
