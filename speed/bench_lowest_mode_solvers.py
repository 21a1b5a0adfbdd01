"""The lowest modes of each lowest-mode recipe: every candidate sparse eigensolver on the same Hessians, one core
(issue 65 item 2).

For each N of ``--n`` and each k of ``--k`` (the recipes' ``n_lowest``: 50 for the finite-size ladders and the
T_d chains, 20 for the confirmatory sets), a glass is made as the recipes make their T* = ∞ samples (sample
``--sample`` of ``soft_spheres_lowest_n{N}``'s seeds: random positions, the generator's quench, the interacting
pairs and the sparse analytic Hessian), and the k lowest non-zero modes (the d translations excluded) are
computed by each solver of ``--solvers``, in this process, one after another, **CPU seconds** (user + sys,
:func:`time.process_time`) and wall seconds each.  Run it pinned and with one thread, as a worker runs:

``OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 NUMBA_NUM_THREADS=1 taskset -c 1 nice -n 5 python
speed/bench_lowest_mode_solvers.py --n 1000 2000 4000 8000 --k 20 50``

The solvers (the same translations excluded, the same tolerance target):

``chebyshev``
    :func:`~vdosbench.generators.glasses.lowest_modes.lowest_modes` ``method="chebyshev"`` (filtered subspace
    iteration; the generator's ``mode_method = "chebyshev"``).
``arpack``
    the same, ``method="arpack"``: scipy ``eigsh`` (implicitly restarted Lanczos, smallest algebraic) on
    H + b·BBᵀ, no factorisation (the generator's ``mode_method = "arpack"``).
``shift_invert``
    :func:`~vdosbench.generators.spectra.lowest_modes_shift_invert`: SuperLU of H − σ1 (σ = −10⁻²), ARPACK on
    the inverse, ``tol`` = the mode tolerance.
``lobpcg_jacobi``
    ``lowest_modes(method="lobpcg")``: scipy ``lobpcg``, the translations as constraints, Jacobi preconditioner.
``lobpcg_amg``
    scipy ``lobpcg`` with a pyamg smoothed-aggregation V-cycle of H + 10⁻²·1 (the d translations as its
    near-null space) as the preconditioner: the "good preconditioner" candidate.  Needs ``pip install pyamg``
    (recorded as unavailable otherwise).
``cholmod``
    scikit-sparse's CHOLMOD (a sparse Cholesky of H − σ1 as the shift-invert operator).  Only if
    ``sksparse.cholmod`` imports; scikit-sparse has no wheel on PyPI (sdist only, it needs SuiteSparse's headers),
    so on a wheel-only install it is recorded as unavailable with the reason.

Every solver's modes are judged alike, on the same spectral bound b ≥ λ_max (the Lanczos bound of
:func:`~vdosbench.generators.glasses.lowest_modes.spectral_upper_bound`): **meets the tolerance** when every one of
the k modes has ‖Hv − λv‖ ≤ ``mode_tolerance`` · b (the generator's convergence test) and the eigenvalues are
those of the reference (the solver with the smallest largest residual) within a relative 10⁻⁶.  The fastest
solver that meets the tolerance at each (N, k) is reported, and the ratio of each solver's CPU to it.

Writes (merges into) ``--out`` (default ``speed/results/lowest_mode_solvers.json``), keyed by ``N={N}, k={k}``,
with the machine (:func:`vdosbench.benchmark.machine.machine_info`), the load averages and ``uptime`` before and
after each (N, k), and the command line.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse
import scipy.sparse.linalg

from vdosbench.benchmark.machine import machine_info
from vdosbench.datasets import write_results
from vdosbench.generators import (
    INFINITE_ORDER,
    LowestModeParams,
    QuenchSettings,
    hessian_matrix,
    interacting_pairs,
    quench,
    sample_seed,
)
from vdosbench.generators.glasses.glass_pipeline import equilibrate
from vdosbench.generators.glasses.lowest_modes import SolverBackend, lowest_modes, spectral_upper_bound
from vdosbench.generators.spectra import lowest_modes_shift_invert, translation_modes

ROOT = Path(__file__).resolve().parents[1]
SOLVERS = ("chebyshev", "arpack", "shift_invert", "lobpcg_jacobi", "lobpcg_amg", "cholmod")
#: Shift of the factorisations (H itself is singular: the translations).
SHIFT = -1e-2
#: Relative eigenvalue agreement with the reference that a solver must reach besides its residuals.
EIGENVALUE_AGREEMENT = 1e-6
#: The finite-size ladder's root seeds (``soft_spheres_lowest_n{N}``: 25 000 + N).
ROOT_SEED_BASE = 25_000


def uptime() -> str:
    """The ``uptime`` line (load averages as the machine's users see them)."""
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError) as exc:  # pragma: no cover - depends on the machine
        return f"unavailable ({type(exc).__name__})"


def make_hessian(n: int, taper: int, sample: int) -> tuple[scipy.sparse.csr_matrix, dict[str, Any]]:
    """The sparse Hessian of sample ``sample`` of ``soft_spheres_lowest_n{n}`` at T* = ∞ and taper ``taper``."""
    p = LowestModeParams(n_particles=n, taper_order=taper, parent_temperature=float("inf"), n_lowest=20)
    seq = sample_seed(ROOT_SEED_BASE + n, sample)
    c0, w0 = time.process_time(), time.perf_counter()
    _, config, *_ = equilibrate(p, seq)
    result = quench(config, p.pair_potential, QuenchSettings(force_tolerance=p.force_tolerance))
    if not result.converged:
        raise RuntimeError(f"quench of N = {n}, sample {sample} stopped at max |F| = {result.max_force:.3g}")
    hessian = hessian_matrix(result.config, p.pair_potential, pairs=interacting_pairs(result.config, p.pair_potential))
    csr = scipy.sparse.csr_matrix(hessian, dtype=np.float64)
    return csr, {
        "n_particles": n,
        "taper_order": taper,
        "sample": sample,
        "root_seed": ROOT_SEED_BASE + n,
        "start": "random positions (T* = inf), the generator's quench",
        "quench_max_force": float(result.max_force),
        "nnz": int(csr.nnz),
        "glass_cpu_seconds": time.process_time() - c0,
        "glass_wall_seconds": time.perf_counter() - w0,
    }


def _lobpcg_amg(
    h: scipy.sparse.csr_matrix,
    k: int,
    basis: np.ndarray,
    tol: float,
    bound: float,
) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    import pyamg

    shifted = (h - SHIFT * scipy.sparse.identity(h.shape[0], format="csr")).tocsr()
    ml = pyamg.smoothed_aggregation_solver(shifted, B=basis, max_coarse=500)
    m_op = ml.aspreconditioner(cycle="V")
    x0 = np.random.default_rng(1).standard_normal((h.shape[0], k + 5))
    x0 -= basis @ (basis.T @ x0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        values, vectors, history = scipy.sparse.linalg.lobpcg(
            h, x0, M=m_op, Y=basis, largest=False, tol=tol * bound, maxiter=500, retResidualNormsHistory=True
        )
    order = np.argsort(values)[:k]
    return (
        values[order],
        vectors[:, order],
        {
            "iterations": len(history),
            "amg_levels": len(ml.levels),
            "preconditioner": "pyamg smoothed aggregation V-cycle of H + 1e-2 1",
        },
    )


def _cholmod(
    h: scipy.sparse.csr_matrix,
    k: int,
    basis: np.ndarray,
    tol: float,
) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    from sksparse.cholmod import cholesky

    factor = cholesky((h - SHIFT * scipy.sparse.identity(h.shape[0])).tocsc())

    def op(x: np.ndarray) -> np.ndarray:
        x = x - basis @ (basis.T @ x)
        y = factor(x)
        return y - basis @ (basis.T @ y)

    opinv = scipy.sparse.linalg.LinearOperator(h.shape, matvec=op, dtype=np.float64)
    v0 = np.random.default_rng(0).standard_normal(h.shape[0])
    values, vectors = scipy.sparse.linalg.eigsh(
        h, k=k, sigma=SHIFT, which="LM", OPinv=opinv, v0=v0 - basis @ (basis.T @ v0), tol=tol
    )
    order = np.argsort(values)
    return values[order], vectors[:, order], {}


def run_solver(
    name: str,
    h: scipy.sparse.csr_matrix,
    k: int,
    basis: np.ndarray,
    tol: float,
    bound: float,
) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """Eigenvalues (k,), eigenvectors (n, k) and the solver's own details."""
    if name in ("chebyshev", "arpack", "lobpcg_jacobi"):
        out = lowest_modes(h, k, exclude=basis, tol=tol, method=name.split("_")[0])
        return (
            out.eigenvalues,
            out.eigenvectors,
            {"iterations": out.iterations, "block_products": out.block_products, "own_converged": out.converged},
        )
    if name == "shift_invert":
        values, vectors = lowest_modes_shift_invert(h, k, exclude=basis, sigma=SHIFT, tol=tol)
        return values, vectors, {"sigma": SHIFT, "factorisation": "SuperLU"}
    if name == "lobpcg_amg":
        return _lobpcg_amg(h, k, basis, tol, bound)
    if name == "cholmod":
        return _cholmod(h, k, basis, tol)
    raise ValueError(f"unknown solver {name!r}; expected one of {SOLVERS}")


def measure(
    h: scipy.sparse.csr_matrix, k: int, d: int, tol: float, solvers: list[str], max_n: dict[str, int]
) -> dict[str, Any]:
    """Each solver on ``h``: CPU and wall seconds, residuals over the shared bound, agreement, the verdict."""
    n_particles = h.shape[0] // d
    basis = translation_modes(n_particles, d).reshape(h.shape[0], d)
    bound = spectral_upper_bound(SolverBackend("numpy", h, basis))
    rows: dict[str, Any] = {}
    values_of: dict[str, np.ndarray] = {}
    for name in solvers:
        if n_particles > max_n.get(name, 10**9):
            rows[name] = {"status": f"skipped: N > {max_n[name]} (--max-n {name}={max_n[name]})"}
            continue
        c0, w0 = time.process_time(), time.perf_counter()
        try:
            values, vectors, extra = run_solver(name, h, k, basis, tol, bound)
        except ImportError as exc:
            rows[name] = {"status": f"unavailable ({type(exc).__name__}: {exc})"}
            continue
        except Exception as exc:  # a solver that fails is a finding, recorded
            rows[name] = {"status": f"failed ({type(exc).__name__}: {exc})", "cpu_seconds": time.process_time() - c0}
            continue
        cpu, wall = time.process_time() - c0, time.perf_counter() - w0
        residual = np.linalg.norm(h @ vectors - vectors * values[None, :], axis=0) / bound
        rows[name] = {
            "status": "ok",
            "cpu_seconds": cpu,
            "wall_seconds": wall,
            "max_residual_over_bound": float(residual.max()),
            "within_tolerance": bool(residual.max() <= tol),
            **extra,
        }
        values_of[name] = values
    ok = [s for s in values_of if rows[s]["within_tolerance"]]
    reference = min(ok or values_of, key=lambda s: rows[s]["max_residual_over_bound"]) if values_of else None
    for name, values in values_of.items():
        diff = float(np.max(np.abs(values / values_of[reference] - 1)))
        rows[name]["max_relative_eigenvalue_difference_to_reference"] = diff
        rows[name]["meets_tolerance"] = bool(rows[name]["within_tolerance"] and diff <= EIGENVALUE_AGREEMENT)
    meeting = [s for s in values_of if rows[s]["meets_tolerance"]]
    fastest = min(meeting, key=lambda s: rows[s]["cpu_seconds"]) if meeting else None
    for name in values_of:
        if fastest:
            rows[name]["cpu_over_fastest"] = rows[name]["cpu_seconds"] / rows[fastest]["cpu_seconds"]
    return {
        "k": k,
        "tol": tol,
        "spectral_bound": bound,
        "reference": reference,
        "fastest_meeting_tolerance": fastest,
        "lowest_nonzero_eigenvalue": float(values_of[reference][0]) if reference else None,
        "solvers": rows,
    }


def summary(runs: dict[str, Any]) -> dict[str, Any]:
    """Per (N, k): the fastest solver that meets the tolerance and each solver's CPU over Chebyshev's."""
    out: dict[str, Any] = {}
    for key, row in runs.items():
        cpu = {s: r["cpu_seconds"] for s, r in row["solvers"].items() if r.get("meets_tolerance")}
        if "chebyshev" in cpu:
            out[key] = {
                "fastest": row["fastest_meeting_tolerance"],
                "cpu_seconds": cpu,
                "cpu_over_chebyshev": {s: c / cpu["chebyshev"] for s, c in cpu.items()},
            }
    return out


def per_structure(runs: dict[str, Any]) -> dict[str, Any]:
    """The T_d chains' CPU core-hours per structure (``speed/results/mc_production.json``, after the kernel change)
    with the lowest 50 modes by the default solver instead of Chebyshev: each structure's analysis less the lowest
    modes' median (``finite_size_cost.json``, Chebyshev) × (1 − arpack / Chebyshev CPU at that N, k = 50, m = 2, from
    ``runs``).  An estimate from three records, labelled as such (no chain was run with arpack)."""
    results = ROOT / "speed" / "results"
    mc = json.loads((results / "mc_production.json").read_text(encoding="utf-8"))["cost_per_structure"]["after"]
    ladder = json.loads((results / "finite_size_cost.json").read_text(encoding="utf-8"))["ladder"]["median_seconds"]
    out: dict[str, Any] = {"method": " ".join((per_structure.__doc__ or "").split())}
    for design, rows in mc.items():
        out[design] = {}
        for n in (1000, 2000):
            row = runs.get(f"N={n}, k=50, m=2")
            if row is None or not all(
                row["solvers"].get(s, {}).get("meets_tolerance") for s in ("chebyshev", "arpack")
            ):
                continue
            ratio = row["solvers"]["arpack"]["cpu_seconds"] / row["solvers"]["chebyshev"]["cpu_seconds"]
            saved = ladder[str(n)]["lowest_modes"] * (1.0 - ratio)
            k = 25 if design.startswith("25") else 5
            per_taper = []
            for taper in ("2", "inf"):
                r = rows[f"N={n}, m={taper}"]
                analysis = r["analysis_cpu_seconds_per_structure"] - saved
                per_taper.append((r["mc_cpu_seconds_per_chain"] / k + analysis) / 3600.0)
            out[design][f"N={n}"] = {
                "arpack_over_chebyshev_k50": ratio,
                "lowest_modes_seconds_saved": saved,
                "core_hours_per_structure_chebyshev": rows[f"N={n}, both tapers"]["core_hours_per_structure"],
                "core_hours_per_structure_default_solver": float(np.mean(per_taper)),
            }
    return out


def _max_n(items: list[str]) -> dict[str, int]:
    out = {}
    for item in items:
        name, _, value = item.partition("=")
        if name not in SOLVERS or not value.isdigit():
            raise SystemExit(f"--max-n expects SOLVER=N with SOLVER one of {SOLVERS}, found {item!r}")
        out[name] = int(value)
    return out


def main(argv: list[str] | None = None, clock: Callable[[], float] = time.time) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, nargs="+", default=[1000, 2000])
    ap.add_argument("--k", type=int, nargs="+", default=[20, 50], help="modes (the recipes' n_lowest)")
    ap.add_argument("--taper", default="2", help="2 or inf")
    ap.add_argument("--sample", type=int, default=0)
    ap.add_argument("--tol", type=float, default=1e-9, help="the recipes' mode_tolerance")
    ap.add_argument("--solvers", nargs="+", default=list(SOLVERS), choices=SOLVERS)
    ap.add_argument("--max-n", nargs="*", default=[], help="SOLVER=N: skip SOLVER above N particles")
    ap.add_argument("--out", type=Path, default=ROOT / "speed" / "results" / "lowest_mode_solvers.json")
    ap.add_argument("--summary-only", action="store_true", help="recompute the summaries of --out, measure nothing")
    args = ap.parse_args(argv)
    taper = INFINITE_ORDER if args.taper in ("inf", "-1") else int(args.taper)
    max_n = _max_n(args.max_n)
    doc: dict[str, Any] = (
        json.loads(args.out.read_text(encoding="utf-8"))
        if args.out.exists()
        else {
            "benchmark": "issue 65 item 2: the lowest k non-zero modes of the lowest-mode recipes' T* = inf glasses, "
            "every candidate sparse eigensolver on the same Hessian, one core (module docstring of "
            "speed/bench_lowest_mode_solvers.py)",
            "runs": {},
        }
    )
    doc["machine"] = machine_info("numba", "pyamg", "sksparse")
    threads = {v: os.environ.get(v) for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMBA_NUM_THREADS")}
    affinity = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    for n in [] if args.summary_only else args.n:
        h, glass = make_hessian(n, taper, args.sample)
        for k in args.k:
            before = {"uptime": uptime(), "load_average": list(os.getloadavg())}
            row = measure(h, k, 3, args.tol, args.solvers, max_n)
            row.update(
                glass=glass,
                load_before=before,
                load_after={"uptime": uptime(), "load_average": list(os.getloadavg())},
                threads=threads,
                cpu_affinity=affinity,
                nice=os.nice(0),
                finished_utc=time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(clock())),
                command=" ".join([Path(sys.argv[0]).name, *(argv if argv is not None else sys.argv[1:])]),
            )
            doc["runs"][f"N={n}, k={k}, m={args.taper}"] = row
            _write(doc, args.out)
            cpu = {
                s: (round(r["cpu_seconds"], 2) if "cpu_seconds" in r else r["status"])
                for s, r in row["solvers"].items()
            }
            print(f"N={n} k={k}: fastest {row['fastest_meeting_tolerance']}; CPU s {cpu}", flush=True)
    doc["summary"] = summary(doc["runs"])
    doc["td_chain_cost_per_structure_with_the_default_solver"] = per_structure(doc["runs"])
    _write(doc, args.out)
    return 0


def _write(doc: dict[str, Any], out: Path) -> None:
    """Write the results so far (atomically, in the provenance envelope: each write its own)."""
    write_results(out, doc)


if __name__ == "__main__":
    raise SystemExit(main())
