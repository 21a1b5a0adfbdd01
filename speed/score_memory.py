"""Peak memory of ``vdosbench score`` on an eigenvalue-only N = 1600 ensemble of 900 samples (issue 17, item 3).

The data are synthetic and have the layout of ``vdosbench generate --recipe
soft_spheres_n1600_levels``: taper_order ∈ {2, ∞ (stored as -1)} ×
parent_temperature ∈ {1.0, T_d} × 900 samples × 4800 modes (N = 1600 in
d = 3, the 3 zero modes flagged).  Only the eigenvalues and the zero-mode flags
are stored, as in that recipe.  :func:`vdosbench.datasets.mock_spectrum` draws
them from g(ω) ∝ ω⁴.  The verdicts on synthetic data mean nothing; only the
memory and the time are measured.  The file is written to ``--workdir``
(default ``/tmp/vdosbench-score-memory``).

Each measurement runs ``vdosbench score`` in a fresh Python process
(``python -m vdosbench score FILE --declare model=soft_spheres ...``).  That
process reports its peak resident set size (:func:`peak_rss_bytes`: ``VmHWM``)
and its wall time.  Three
processes are run:

- ``imports``: a process that imports the command line, every validator,
  matplotlib and Dask, and scores nothing (the fixed cost);
- ``small``: score the same layout with 10 samples (code and report
  overhead at negligible data);
- ``full``: score the 900-sample file.

The numbers compared: the bytes of the stored arrays (``eigenvalue`` float64
+ ``zero_mode`` bool, from :attr:`xarray.Dataset.nbytes`), the peak of
``full``, and that peak minus the peak of ``imports`` and of ``small``,
as a multiple of the array bytes.  ``vdosbench score`` reads a netCDF input
with :func:`vdosbench.datasets.open_dataset` and loads every variable except
``eigenvector``.  The memory bound counts twice the declared array bytes
(raw and decoded copies).

Usage::

    python speed/score_memory.py [--samples 900] [--workdir /tmp/vdosbench-score-memory]

Writes ``speed/results/score_memory.json``.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from vdosbench.datasets import write_results

ROOT = Path(__file__).resolve().parents[1]
N_PARTICLES = 1600
DIM = 3
#: Claims select on these (docs/third-party.md, "Declaring what the data hold"); the same for every run.
DECLARE = ["--declare", "model=soft_spheres", "--declare", f"n_particles={N_PARTICLES}"]


def build(path: Path, n_samples: int, seed: int) -> dict[str, int]:
    """Write the synthetic ensemble to ``path`` (atomically) and return its array sizes in bytes."""
    from vdosbench.datasets import mock_spectrum, write
    from vdosbench.generators import INFINITE_ORDER
    from vdosbench.generators import T_HIGH, T_LOW

    ds = mock_spectrum(
        n_sample=n_samples,
        n_mode=DIM * N_PARTICLES,
        n_zero=DIM,
        exponent=4.0,
        parameters={"taper_order": [2, INFINITE_ORDER], "parent_temperature": [T_HIGH, T_LOW]},
        spatial_dimension=DIM,
        seed=seed,
    )
    ds.attrs.update(n_particles=N_PARTICLES, site_degrees_of_freedom=DIM)
    path.parent.mkdir(parents=True, exist_ok=True)
    write(ds, path)
    return {name: int(ds[name].nbytes) for name in ds.data_vars} | {"total": int(ds.nbytes)}


def _child(argv: list[str]) -> int:
    """Run in a fresh process: score (or only import), then print peak RSS and wall time as JSON."""
    start = time.perf_counter()
    if argv == ["imports"]:
        import dask.distributed  # noqa: F401
        import matplotlib.pyplot  # noqa: F401

        import vdosbench.cli  # noqa: F401
        import vdosbench.validators  # noqa: F401

        status = 0
    else:
        from vdosbench.cli import main

        status = main(argv)
    print(json.dumps({"status": status, "peak_rss_bytes": peak_rss_bytes(), "seconds": time.perf_counter() - start}))
    return 0


def peak_rss_bytes() -> int:
    """Peak resident set size of this process since it started (``exec``).

    ``VmHWM`` of ``/proc/self/status`` on Linux.  Not ``ru_maxrss``: Linux keeps
    the larger of it and the parent's RSS at ``fork`` across ``exec``, so a child
    of a parent that holds the 900-sample dataset would report at least that.
    Elsewhere ``ru_maxrss`` (KiB on Linux/BSD, bytes on macOS) is the fallback.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)


def measure(args: list[str]) -> dict[str, float]:
    """Run :func:`_child` with ``args`` in a new interpreter; its last stdout line is the result."""
    done = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        return _child(argv[1:])
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=int, default=900)
    ap.add_argument("--seed", type=int, default=1600)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/vdosbench-score-memory"))
    ap.add_argument("--output", type=Path, default=ROOT / "speed" / "results" / "score_memory.json")
    args = ap.parse_args(argv)

    full_file, small_file = args.workdir / "n1600_eigenvalues.nc", args.workdir / "n1600_eigenvalues_small.nc"
    arrays = build(full_file, args.samples, args.seed)
    small_arrays = build(small_file, 10, args.seed)

    def score(path: Path, name: str) -> dict[str, float]:
        return measure(["score", str(path), "--output", str(args.workdir / f"report-{name}"), *DECLARE])

    runs = {"imports": measure(["imports"]), "small": score(small_file, "small"), "full": score(full_file, "full")}
    peak = runs["full"]["peak_rss_bytes"]
    result = {
        "method": __doc__,
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "data": {
            "layout": "taper_order (2) x parent_temperature (2) x sample x mode",
            "n_particles": N_PARTICLES,
            "spatial_dimension": DIM,
            "n_samples": args.samples,
            "n_modes": DIM * N_PARTICLES,
            "array_bytes": arrays,
            "file_bytes": full_file.stat().st_size,
            "small_array_bytes": small_arrays["total"],
        },
        "runs": runs,
        "peak_rss_bytes": peak,
        "peak_over_arrays": peak / arrays["total"],
        "peak_minus_imports_over_arrays": (peak - runs["imports"]["peak_rss_bytes"]) / arrays["total"],
        "peak_minus_small_over_arrays": (peak - runs["small"]["peak_rss_bytes"]) / arrays["total"],
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)

    write_results(args.output, result, indent=1)
    print(json.dumps({k: v for k, v in result.items() if k != "method"}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
