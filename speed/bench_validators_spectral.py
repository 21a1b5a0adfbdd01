"""Wall time of the spectral validators on 10⁶ eigenvalues (1000 samples × 1000 modes).

A plain script (not a test): ``python speed/bench_validators_spectral.py [--n-sample N
--n-mode M --n-bootstrap B --out PATH]``.  It times, on one synthetic ensemble with
g ∝ ω⁴ (``vdosbench.datasets.mock_spectrum``):

* ``power_law_exponent`` (both estimators, bootstrap over samples) for the three window
  rules, in memory and on a Dask-backed copy read from netCDF (stored in chunks of 100
  samples) with ``open_dataset(chunks={"sample": 100})``; the validators read it in blocks
  of about 4·10⁶ eigenvalues (``vdosbench.validators.sample_chunks``);
* ``level_statistics_by_window`` (lowest / middle / highest 50 and all modes), in memory
  and on the Dask copy;
* ``density_of_states`` (100 bins) and ``integrated_dos`` on a 1000-point grid (its default
  grid, every distinct frequency, would allocate n_sample × 10⁶ floats).

Results and machine information go to ``speed/results/validators_spectral.json``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from vdosbench.benchmark.machine import machine_info
from vdosbench.datasets import mock_spectrum, open_dataset
from vdosbench.validators import (
    PowerLawWindow,
    density_of_states,
    integrated_dos,
    level_statistics_by_window,
    power_law_exponent,
)
from vdosbench.datasets.json_files import dumps_strict

HERE = Path(__file__).resolve().parent


def timed(fn: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    """Best wall time of ``repeat`` calls and the last result."""
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main(argv: list[str] | None = None) -> dict[str, Any]:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n-sample", type=int, default=1000)
    p.add_argument("--n-mode", type=int, default=1000)
    p.add_argument("--n-bootstrap", type=int, default=200)
    p.add_argument("--chunk", type=int, default=100, help="Dask chunk along sample")
    p.add_argument("--out", type=Path, default=HERE / "results" / "validators_spectral.json")
    args = p.parse_args(argv)

    ds = mock_spectrum(n_sample=args.n_sample, n_mode=args.n_mode, exponent=4.0, n_zero=2, seed=0)
    n_eig = int(ds["eigenvalue"].size)
    B = args.n_bootstrap
    windows = {
        "explicit (0, 0.5]": PowerLawWindow.explicit(0.0, 0.5),
        "lowest_k k=50": PowerLawWindow.lowest_k(50),
        "below_phonon f=0.8, omega0=0.6": PowerLawWindow.below_phonon(0.8),
    }
    rows: list[dict[str, Any]] = []

    def record(name: str, backend: str, seconds: float, **extra: Any) -> None:
        rows.append({"validator": name, "backend": backend, "seconds": round(seconds, 4), **extra})
        print(f"{name:60s} {backend:8s} {seconds:8.3f} s  {extra}", flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.nc"
        # netCDF chunks of `chunk` samples, so each Dask chunk reads one stored chunk
        # (vdosbench.datasets.write stores each variable as one chunk)
        enc = {
            v: {"zlib": True, "complevel": 1, "chunksizes": (args.chunk, args.n_mode)}
            for v in ("eigenvalue", "zero_mode")
        }
        t_write, _ = timed(lambda: ds.to_netcdf(path, engine="netcdf4", encoding=enc))
        lazy = open_dataset(path, chunks={"sample": args.chunk})
        for backend, data in (("memory", ds), ("dask", lazy)):
            for label, window in windows.items():
                omega0 = 0.6 if window.rule == "below_phonon" else None
                t, res = timed(lambda: power_law_exponent(data, window, omega0=omega0, n_bootstrap=B))
                record(
                    f"power_law_exponent [{label}] bootstrap {B}",
                    backend,
                    t,
                    n_modes=res.window["n_modes"],
                    s_flatness=round(res.flatness.value, 4),
                    s_mle=round(res.mle.value, 4),
                )
            t, res = timed(
                lambda: level_statistics_by_window(data, ("lowest", "middle", "highest", "all"), n_bootstrap=B)
            )
            record(
                f"level_statistics_by_window [lowest, middle, highest, all] bootstrap {B}",
                backend,
                t,
                n_ratios_all=res["all"].window["n_ratios"],
                mean_r_tilde_all=round(res["all"].mean_r_tilde.value, 4),
            )
        lazy.close()
    t, _ = timed(lambda: density_of_states(ds, bins=100))
    record("density_of_states bins=100", "memory", t)
    grid = np.linspace(0.0, 1.0, 1001)[1:]
    t, _ = timed(lambda: integrated_dos(ds, omega=grid))
    record("integrated_dos grid=1000 points", "memory", t)

    out = {
        "benchmark": "validators_spectral",
        "n_sample": args.n_sample,
        "n_mode": args.n_mode,
        "n_eigenvalues": n_eig,
        "n_bootstrap": B,
        "dask_chunk_sample": args.chunk,
        "netcdf_write_seconds": round(t_write, 4),
        "machine": machine_info("xarray", "dask"),
        "results": rows,
        "note": "wall times of single runs on a shared machine; see load_average",
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(dumps_strict(out, indent=2) + "\n")
    print(f"wrote {args.out}")
    return out


if __name__ == "__main__":
    main()
