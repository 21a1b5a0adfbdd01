"""CPU time of the documentation build, ``sphinx-build -W -b html`` in-process, as the docs test runs it (issue 66).

``tests/docs/test_docs.py::test_the_site_builds_without_warnings`` builds a copy of ``docs/`` with
``sphinx.cmd.build.build_main`` in the test's own process.  This script does the same, ``--runs`` times, each in a
fresh interpreter (so that every run imports and renders alike) on a fresh copy, and records each run's process
CPU (user + system of the child) and wall time.  The build's CPU varies by ±10 % on a loaded machine, more than
the reader's share, so it also times the numpydoc reader alone, in this process: numpydoc's
``docscrape_sphinx.get_doc_object`` against the site's (``docs/conf.py``, the template compiled once), each on the
docstrings of every public name of the four faces and their public methods, with an HTML builder, best of 3.

Usage::

    python -m speed.bench_docs_build --label before|after [--runs 2]

Each run is added under its label to ``speed/results/docs_build.json`` (other labels kept), with the load average
before and after.
"""

from __future__ import annotations

import argparse
import importlib.util
import inspect
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import vdosbench.benchmark
import vdosbench.datasets
import vdosbench.generators
import vdosbench.validators
from speed.timing import best_of
from vdosbench.datasets import write_results

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "speed" / "results" / "docs_build.json"
BUILD = """
import sys, warnings
warnings.simplefilter("ignore")
from sphinx.cmd.build import build_main
import vdosbench.datasets, vdosbench.generators, vdosbench.validators, vdosbench.benchmark  # as the test's worker
sys.exit(build_main(["-W", "--keep-going", "-q", "-b", "html", sys.argv[1], sys.argv[2]]))
"""


def _one_build(tmp: Path) -> tuple[float, float]:
    """CPU seconds (the child's user + system) and wall seconds of one build of a fresh copy of docs/."""
    source = tmp / "docs"
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(ROOT / "docs", source, ignore=shutil.ignore_patterns("_build"))
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "MPLBACKEND": "Agg", "VDOSBENCH_CACHE": str(tmp / "cache")}
    before, start = os.times(), time.perf_counter()
    subprocess.run([sys.executable, "-c", BUILD, str(source), str(tmp / "html")], check=True, env=env)
    wall, after = time.perf_counter() - start, os.times()
    return (after.children_user + after.children_system) - (before.children_user + before.children_system), wall


def _docstring_objects() -> list[tuple[Any, str]]:
    """Every public name of the four faces with a docstring, and the public methods of its classes."""
    found: list[tuple[Any, str]] = []
    for face in (vdosbench.datasets, vdosbench.generators, vdosbench.validators, vdosbench.benchmark):
        for name in face.__all__:
            obj = getattr(face, name)
            if inspect.isclass(obj):
                found.append((obj, "class"))
                methods = [m for k, m in vars(obj).items() if not k.startswith("_") and inspect.isfunction(m)]
                found.extend((m, "method") for m in methods if m.__doc__)
            elif callable(obj) and obj.__doc__:
                found.append((obj, "function"))
    return found


def _reader_cpu(tmp: Path) -> dict[str, Any]:
    """Best-of-3 process CPU of numpydoc's reader and the site's on every docstring of :func:`_docstring_objects`."""
    from numpydoc import docscrape_sphinx
    from sphinx.application import Sphinx

    spec = importlib.util.spec_from_file_location("docs_conf", ROOT / "docs" / "conf.py")
    assert spec is not None and spec.loader is not None
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    (tmp / "src").mkdir(parents=True)
    (tmp / "src" / "conf.py").write_text("")
    (tmp / "src" / "index.rst").write_text("x\n=\n")
    builder = Sphinx(str(tmp / "src"), str(tmp / "src"), str(tmp / "out"), str(tmp / "dt"), "html", status=None).builder
    objects = _docstring_objects()
    config = {"show_class_members": False, "class_members_toctree": False, "xref_param_type": False}
    out: dict[str, Any] = {"n_docstrings": len(objects)}
    readers = {"numpydoc": docscrape_sphinx.get_doc_object}
    if hasattr(conf, "numpydoc_get_doc_object"):  # absent before the site's reader (the "before" runs)
        readers["site"] = conf.numpydoc_get_doc_object
    for label, reader in readers.items():

        def read_all(reader: Any = reader) -> None:
            for obj, what in objects:
                str(reader(obj, what, None, config=dict(config), builder=builder))

        out[f"{label}_cpu_seconds"] = round(best_of(read_all, 3)[0], 3)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--label", required=True, help="the run's name in the results file (before, after, ...)")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    load_before = list(os.getloadavg())
    cpu, wall = [], []
    with tempfile.TemporaryDirectory() as tmp:
        reader = _reader_cpu(Path(tmp) / "reader")
        print(f"reader: {reader}", flush=True)
        for _ in range(args.runs):
            c, w = _one_build(Path(tmp) / "build")
            cpu.append(round(c, 2))
            wall.append(round(w, 2))
            print(f"docs build: {c:.2f} CPU s, {w:.2f} s wall", flush=True)
    previous = json.loads(args.output.read_text()) if args.output.exists() else {}
    runs = {k: v for k, v in previous.get("runs", {}).items() if k != args.label}
    runs[args.label] = {
        "cpu_seconds": cpu,
        "reader": reader,
        "wall_seconds": wall,
        "load_average_before": load_before,
        "load_average_after": list(os.getloadavg()),
        "machine": {"cpu": platform.processor() or platform.machine(), "cpu_count": os.cpu_count()},
        "time_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    write_results(args.output, {"description": __doc__.split("\n\n")[0], "runs": runs})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
