"""Lowest 50 non-zero modes of a large soft-sphere glass: sparse eigen-solvers compared.

A plain script (not a test).  For each N in ``--n`` a soft-sphere glass (m = 2, d = 3,
density 1, P(a) ∝ a⁻³) is quenched from random positions (infinite parent temperature),
its sparse Hessian built, and the lowest ``--k`` modes above the three translations are
computed by each solver in ``--methods``, every solver in its own forked process with a
wall-clock limit (``--timeout``; a solver that does not finish is recorded as such) and,
for the CPU solvers, a memory limit (``--memory-gb``).

Glass (``make_glass``): FIRE 2.0 with a capped step (Bitzek et al. 2006; Guénolé et al.
2020) on the GPU (CuPy) or CPU (NumPy) with a Verlet list from the project's cell list
(``find_pairs``), down to ``--fire-tol``; then the project's own
:func:`vdosbench.generators.glasses.minimize.quench` (L-BFGS + FIRE polish, numba) down to
``--force-tol``, which also checks max_i |F_i| with the project's energy model.  (The
project's quench alone needs tens of minutes at N = 10⁵ on one core: its force kernel
is serial.)  Saved to ``--glass-dir`` and reused.

Solvers (``--methods``; all for k modes, translations excluded, same tolerance
‖Hv − λv‖ ≤ tol·λ_max where the solver allows it):

* ``dense_gpu``: ``cupy.linalg.eigh`` of the dense matrix (all modes; N ≤ 2·10⁴);
* ``dense_cpu``: ``scipy.linalg.eigh(dense, subset_by_index=[0, k + 2])`` (dsyevr);
* ``shift_invert``: :func:`vdosbench.generators.spectra.lowest_modes_shift_invert`
  (SuperLU of H − σ1, σ = −10⁻², ARPACK);
* ``primme``: ``primme.eigsh(H, k, which="SA", lock=translations, aNorm=b, tol)``,
  method PRIMME_DEFAULT_MIN_TIME (JDQMR), the scipy CSR matrix as operator;
* ``primme_threaded``: the same with the numba multi-threaded CSR × block product;
* ``lobpcg_amg``: ``scipy.sparse.linalg.lobpcg`` (translations as constraints) with a
  pyamg smoothed-aggregation V-cycle of H + 10⁻²·1 as preconditioner;
* ``chebyshev_cpu`` / ``chebyshev_gpu``:
  :func:`vdosbench.generators.glasses.lowest_modes.lowest_modes` (Chebyshev-filtered subspace
  iteration), NumPy + numba threads or CuPy;
* ``lobpcg_gpu``: ``lowest_modes(method="lobpcg", backend="cupy")`` (Jacobi);
* ``lanczos_gpu``: ``cupyx.scipy.sparse.linalg.eigsh(H, k + 3, which="SA")``
  (thick-restart Lanczos), the three zero modes dropped.

Reported per solver: wall time (setup included: factorisation, AMG hierarchy, transfer
to the GPU), iterations and products with H where the solver says, the largest
‖Hv − λv‖/λ_max, the largest relative eigenvalue difference to the reference (dense when
run, else the converged solver with the smallest residual), thread counts, and a floor:
products × (time of one product of H with a block of vectors, per vector).
Results are merged into ``--out`` (JSON, keyed by N) with machine information.

Usage (device): ``python speed/bench_sparse_eigensolvers.py --n 10000 100000
--methods chebyshev_gpu dense_gpu --threads 16 --timeout 120``.
"""

from __future__ import annotations

import argparse
import os
import sys


def _early_threads(argv: list[str]) -> int:
    """Thread count from the command line, set before NumPy loads its BLAS."""
    threads = os.cpu_count() or 1
    for i, arg in enumerate(argv):
        if arg == "--threads" and i + 1 < len(argv):
            threads = int(argv[i + 1])
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
        os.environ[var] = str(threads)
    return threads


if __name__ == "__main__":
    _early_threads(sys.argv)

import json
import multiprocessing
import resource
import subprocess
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import scipy
import scipy.linalg
import scipy.sparse
import scipy.sparse.linalg
from threadpoolctl import threadpool_limits
from vdosbench.benchmark.machine import machine_info
from vdosbench.generators.glasses.configurations import (
    Configuration,
    find_pairs,
    polydisperse_configuration,
    wrap,
)
from vdosbench.generators import hessian_matrix
from vdosbench.generators.glasses.lowest_modes import csr_block_product, lowest_modes
from vdosbench.generators.glasses.minimize import EnergyModel, QuenchSettings, quench
from vdosbench.generators import soft_sphere_potential
from vdosbench.generators.spectra import lowest_modes_shift_invert, translation_modes
from vdosbench.datasets.json_files import dumps_strict


HERE = Path(__file__).resolve().parent
CUTOFF = 1.955  # soft-sphere r_c (every pair)
SIGMA_SHIFT_INVERT = -1e-2
AMG_SHIFT = 1e-2


# --------------------------------------------------------------------------- machine
def machine() -> dict[str, Any]:
    """:func:`vdosbench.benchmark.machine.machine_info` with the solver libraries and the GPU."""
    info = machine_info("numba", "cupy", "primme", "pyamg")
    try:
        out = subprocess.run(
            ["nvidia-smi", "--query-gpu=name,memory.total,driver_version", "--format=csv,noheader"],
            check=False,
            capture_output=True,
            text=True,
            timeout=20,
        )
        info["gpu"] = out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        info["gpu"] = None
    return info


# --------------------------------------------------------------------------- isolation
def _child(conn: Any, fn: Callable[..., Any], args: tuple, memory_gb: float | None) -> None:
    try:
        if memory_gb:
            limit = int(memory_gb * 1024**3)
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        conn.send(("ok", fn(*args)))
    except BaseException as exc:  # noqa: BLE001 - report every failure (MemoryError included)
        conn.send(("error", f"{type(exc).__name__}: {exc}", traceback.format_exc()[-2000:]))
    finally:
        conn.close()


def isolated(fn: Callable[..., Any], args: tuple, timeout: float, memory_gb: float | None = None) -> dict[str, Any]:
    """Run fn(*args) in a forked process; {"status": ok|timeout|error|crashed, "result"|"error", "wall"}."""
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    start = time.perf_counter()
    proc = ctx.Process(target=_child, args=(child, fn, args, memory_gb))
    proc.start()
    child.close()
    ready = parent.poll(timeout)
    wall = time.perf_counter() - start
    if not ready:
        proc.kill()
        proc.join()
        return {"status": "timeout", "wall": wall, "error": f"did not finish in {timeout:.0f} s (killed)"}
    try:
        msg = parent.recv()
    except EOFError:
        proc.join()
        return {"status": "crashed", "wall": wall, "error": f"process died, exit code {proc.exitcode}"}
    proc.join()
    if msg[0] == "ok":
        return {"status": "ok", "wall": wall, "result": msg[1]}
    return {"status": "error", "wall": wall, "error": msg[1], "traceback": msg[2]}


# --------------------------------------------------------------------------- glass
def array_pairs(x: Any, box: float, r_max: float, xp: Any) -> tuple[Any, Any, Any]:
    """Pairs i < j closer than r_max (minimum image) by a padded cell list, vectorised (NumPy or CuPy).

    Cells of edge ≥ r_max, ≥ 3 per side; for each particle the 27 neighbour cells are read from a
    (cells × max occupancy) table, so memory is N·27·max occupancy indices.
    """
    n = x.shape[0]
    nc = int(box // r_max)
    if nc < 3:
        raise ValueError("box too small for the cell list; use find_pairs")
    xw = x - box * xp.floor(x / box)
    c3 = xp.minimum((xw * (nc / box)).astype(xp.int64), nc - 1)
    cid = (c3[:, 0] * nc + c3[:, 1]) * nc + c3[:, 2]
    order = xp.argsort(cid)
    counts = xp.bincount(cid, minlength=nc**3)
    starts = xp.cumsum(counts) - counts
    occupancy = int(counts.max())
    sorted_cid = cid[order]
    table = xp.full((nc**3, occupancy), -1, dtype=xp.int64)
    table[sorted_cid, xp.arange(n) - starts[sorted_cid]] = order
    offsets = xp.asarray([(a, b, c) for a in (-1, 0, 1) for b in (-1, 0, 1) for c in (-1, 0, 1)], dtype=xp.int64)
    i_parts, j_parts = [], []
    chunk = max(1, 20_000_000 // (27 * occupancy))
    for lo in range(0, n, chunk):
        hi = min(n, lo + chunk)
        nb = (c3[lo:hi, None, :] + offsets[None, :, :]) % nc
        cand = table[(nb[:, :, 0] * nc + nb[:, :, 1]) * nc + nb[:, :, 2]].reshape(hi - lo, -1)
        ii = xp.broadcast_to(xp.arange(lo, hi)[:, None], cand.shape)
        keep = cand > ii
        ii, jj = ii[keep], cand[keep]
        sep = xw[jj] - xw[ii]
        sep -= box * xp.round(sep / box)
        close = xp.sum(sep * sep, axis=1) < r_max * r_max
        i_parts.append(ii[close])
        j_parts.append(jj[close])
    i, j = xp.concatenate(i_parts), xp.concatenate(j_parts)
    sep = xw[j] - xw[i]
    sep -= box * xp.round(sep / box)
    return i, j, sep


def _fire_gpu(
    positions: np.ndarray,
    sizes: np.ndarray,
    box: float,
    force_tol: float,
    use_gpu: bool,
    max_steps: int = 400_000,
    skin: float = 0.3,
    dt: float = 0.01,
    dt_max: float = 0.08,
    dt_min: float = 1e-3,
    max_step: float = 0.1,
) -> dict[str, Any]:
    """FIRE 2.0 (semi-implicit Euler, per-particle speed cap max_step/dt) to max_i |F_i| ≤ force_tol."""
    if use_gpu:
        import cupy as xp

        def host(a: Any) -> np.ndarray:
            return a.get()
    else:
        xp = np

        def host(a: Any) -> np.ndarray:
            return np.array(a)

    start = time.perf_counter()
    n = positions.shape[0]
    x = xp.asarray(positions)
    state: dict[str, Any] = {"builds": 0}

    size_arr = xp.asarray(sizes)

    def build() -> None:
        if box // (CUTOFF + skin) >= 3:
            i, j, sep = array_pairs(x, box, CUTOFF + skin, xp)
        else:
            i, j, sep = (xp.asarray(a) for a in find_pairs(host(x), box, CUTOFF + skin, sort=False))
        state.update(i=i, j=j, shift=sep - (x[j] - x[i]), a12=(0.5 * (size_arr[i] + size_arr[j])) ** 12, ref=x.copy())
        state["builds"] += 1

    def force() -> Any:
        i, j = state["i"], state["j"]
        d = x[j] - x[i] + state["shift"]
        r2 = xp.sum(d * d, axis=1)
        r = xp.sqrt(r2)
        a12 = state["a12"]
        s12 = a12 / r2**6
        u = s12 - a12 / CUTOFF**12
        q = r / CUTOFF
        w = 1.0 - q * q
        dphi = (-12.0 * s12 / r) * w * w + u * (-4.0 * q * w / CUTOFF)  # φ′ of (a/r)¹²-shifted × (1 − x²)²
        f = xp.where(r2 < CUTOFF * CUTOFF, dphi / r, 0.0)[:, None] * d
        g = xp.empty((n, 3))
        for a in range(3):
            g[:, a] = xp.bincount(j, weights=f[:, a], minlength=n) - xp.bincount(i, weights=f[:, a], minlength=n)
        return -g

    build()
    v = xp.zeros_like(x)
    force_now = force()
    alpha0, alpha, n_pos, step = 0.25, 0.25, 0, 0
    fmax = np.inf
    for step in range(max_steps):
        stats = host(
            xp.stack(
                [
                    xp.max(xp.sum(force_now * force_now, axis=1)),
                    xp.sum(force_now * v),
                    xp.sum(v * v),
                    xp.sum(force_now * force_now),
                    xp.max(xp.sum((x - state["ref"]) ** 2, axis=1)),
                ]
            )
        )
        if stats[4] > (0.5 * skin) ** 2:  # a pair may have entered r_c: rebuild the Verlet list, redo F
            build()
            force_now = force()
            continue
        fmax = float(np.sqrt(stats[0]))
        if fmax <= force_tol:
            break
        if stats[1] > 0:
            n_pos += 1
            if n_pos > 20:
                dt, alpha = min(dt * 1.1, dt_max), alpha * 0.99
        else:
            n_pos, dt, alpha = 0, max(dt * 0.5, dt_min), alpha0
            x -= 0.5 * dt * v
            v[:] = 0.0
            stats[2] = 0.0
        v += dt * force_now
        vn, fn = float(xp.linalg.norm(v)), float(np.sqrt(stats[3]))
        if fn > 0:
            v = (1.0 - alpha) * v + (alpha * vn / fn) * force_now
        speed = xp.sqrt(xp.sum(v * v, axis=1))
        v *= xp.minimum(1.0, (max_step / dt) / xp.maximum(speed, 1e-300))[:, None]
        x += dt * v
        force_now = force()
    return {
        "positions": host(x),
        "steps": step,
        "max_force": fmax,
        "builds": state["builds"],
        "seconds": time.perf_counter() - start,
        "backend": "cupy" if use_gpu else "numpy",
    }


def make_glass(
    n: int, seed: int, fire_tol: float, force_tol: float, use_gpu: bool, path: Path, timeout: float
) -> dict[str, Any]:
    """Quench random positions (FIRE on the GPU, then the project's quench); cached in ``path``."""
    if path.exists():
        data = np.load(path)
        log = json.loads(str(data["log"]))
        if not isinstance(log, dict):  # made by the project's quench alone, in stages of tolerance
            log = {
                "n_particles": n,
                "seed": int(data["seed"]) if "seed" in data else None,
                "start": "random positions (T* = inf)",
                "quench_stages": log,
                "minimizer": "vdosbench quench (L-BFGS + FIRE), successive force tolerances",
            }
        log["max_force_project_model"] = EnergyModel(load_glass(path), soft_sphere_potential(2)).max_force(
            load_glass(path).positions
        )
        log["cached"] = path.name
        return log
    pot = soft_sphere_potential(2)
    config = polydisperse_configuration(n, 3, np.random.default_rng(seed))
    fire = isolated(_fire_gpu, (config.positions, config.sizes, config.box_length, fire_tol, use_gpu), timeout)
    if fire["status"] != "ok":
        raise RuntimeError(f"FIRE stage failed: {fire}")
    fire_out = fire["result"]
    start = time.perf_counter()
    q = quench(
        config.with_positions(wrap(fire_out["positions"], config.box_length)),
        pot,
        QuenchSettings(force_tolerance=force_tol),
    )
    log = {
        "n_particles": n,
        "seed": seed,
        "dimension": 3,
        "density": 1.0,
        "taper_order": 2,
        "start": "random positions (T* = inf)",
        "fire": {k: fire_out[k] for k in ("steps", "max_force", "builds", "seconds", "backend")}
        | {"force_tol": fire_tol},
        "quench": {
            "force_tolerance": force_tol,
            "max_force": q.max_force,
            "converged": q.converged,
            "lbfgs_iterations": q.lbfgs_iterations,
            "fire_steps": q.fire_steps,
            "evaluations": q.n_evaluations,
            "seconds": time.perf_counter() - start,
            "energy_per_particle": q.energy / n,
        },
        "max_force_project_model": EnergyModel(q.config, pot).max_force(q.config.positions),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(
        path, positions=q.config.positions, sizes=q.config.sizes, box_length=q.config.box_length, log=json.dumps(log)
    )
    return log


def load_glass(path: Path) -> Configuration:
    data = np.load(path)
    return Configuration(data["positions"], float(data["box_length"]), sizes=data["sizes"])


# --------------------------------------------------------------------------- solvers
def _result(
    values: np.ndarray, vectors: np.ndarray, h: scipy.sparse.csr_matrix, seconds: float, **extra: Any
) -> dict[str, Any]:
    values = np.asarray(values, dtype=np.float64)
    vectors = np.asarray(vectors, dtype=np.float64)
    res = np.linalg.norm(h @ vectors - vectors * values[None, :], axis=0)
    return {"seconds": seconds, "eigenvalues": values.tolist(), "residuals": res.tolist(), **extra}


def _gpu_warmup() -> None:
    import cupy
    import cupyx.scipy.sparse

    a = cupyx.scipy.sparse.identity(256, format="csr")
    x = cupy.ones((256, 4))
    (a @ x).sum().get()
    cupy.linalg.eigh(cupy.eye(64))[0].get()
    cupy.linalg.qr(cupy.ones((256, 8)))


def solve_dense_gpu(h: Any, k: int, ctx: dict[str, Any]) -> dict[str, Any]:
    import cupy

    _gpu_warmup()
    start = time.perf_counter()
    dense = cupy.asarray(h.toarray())
    t_eigh = time.perf_counter()
    w, v = cupy.linalg.eigh(dense)
    cupy.cuda.Device().synchronize()
    t_done = time.perf_counter()
    values, vectors = w[3 : 3 + k].get(), v[:, 3 : 3 + k].get()
    return _result(
        values,
        vectors,
        h,
        t_done - start,
        eigh_seconds=t_done - t_eigh,
        lowest_four=w[:4].get().tolist(),
        largest=float(w[-1].get()),
        call="cupy.linalg.eigh (syevd, all vectors)",
    )


def solve_dense_cpu(h: Any, k: int, ctx: dict[str, Any]) -> dict[str, Any]:
    with threadpool_limits(ctx["threads"]):
        start = time.perf_counter()
        dense = h.toarray()
        w, v = scipy.linalg.eigh(dense, subset_by_index=[0, k + 2], driver="evr")
        seconds = time.perf_counter() - start
    return _result(
        w[3:],
        v[:, 3:],
        h,
        seconds,
        lowest_four=w[:4].tolist(),
        call=f"scipy.linalg.eigh(dense, subset_by_index=[0, {k + 2}], driver='evr')",
    )


def solve_shift_invert(h: Any, k: int, ctx: dict[str, Any]) -> dict[str, Any]:
    with threadpool_limits(ctx["threads"]):
        start = time.perf_counter()
        values, vectors = lowest_modes_shift_invert(h, k, exclude=ctx["exclude"], sigma=SIGMA_SHIFT_INVERT)
        seconds = time.perf_counter() - start
    return _result(
        values, vectors, h, seconds, sigma=SIGMA_SHIFT_INVERT, note="SuperLU (MMD_AT_PLUS_A) + ARPACK, tol 0"
    )


def _numba_operator(h: Any) -> scipy.sparse.linalg.LinearOperator:
    indptr, indices, data = h.indptr.astype(np.int64), h.indices.astype(np.int64), h.data

    def matmat(x: np.ndarray) -> np.ndarray:
        x2 = np.ascontiguousarray(np.asarray(x, dtype=np.float64).reshape(h.shape[0], -1))
        out = np.zeros_like(x2)
        csr_block_product(indptr, indices, data, x2, 1.0, 0.0, 0.0, out)
        return out.reshape(np.shape(x)) if np.ndim(x) == 1 else out

    return scipy.sparse.linalg.LinearOperator(h.shape, matvec=matmat, matmat=matmat, dtype=np.float64)


def _primme(h: Any, k: int, ctx: dict[str, Any], threaded: bool) -> dict[str, Any]:
    import numba
    import primme

    numba.set_num_threads(ctx["threads"])
    with threadpool_limits(ctx["threads"]):
        op = _numba_operator(h) if threaded else h
        if threaded:
            op @ np.ones((h.shape[0], 2))  # compile
        start = time.perf_counter()
        values, vectors, stats = primme.eigsh(
            op,
            k,
            which="SA",
            tol=ctx["tol"],
            lock=ctx["exclude"],
            aNorm=ctx["bound"],
            method="PRIMME_DEFAULT_MIN_TIME",
            return_stats=True,
            maxMatvecs=2_000_000,
        )
        seconds = time.perf_counter() - start
    order = np.argsort(values)
    return _result(
        values[order],
        vectors[:, order],
        h,
        seconds,
        products=int(stats["numMatvecs"]),
        iterations=int(stats["numOuterIterations"]),
        restarts=int(stats["numRestarts"]),
        method="PRIMME_DEFAULT_MIN_TIME (JDQMR), no preconditioner",
        operator="numba CSR x block (threads)" if threaded else "scipy CSR (one thread)",
    )


def solve_primme(h: Any, k: int, ctx: dict[str, Any]) -> dict[str, Any]:
    return _primme(h, k, ctx, threaded=False)


def solve_primme_threaded(h: Any, k: int, ctx: dict[str, Any]) -> dict[str, Any]:
    return _primme(h, k, ctx, threaded=True)


def solve_lobpcg_amg(h: Any, k: int, ctx: dict[str, Any]) -> dict[str, Any]:
    import pyamg

    n = h.shape[0]
    with threadpool_limits(ctx["threads"]):
        start = time.perf_counter()
        shifted = (h + AMG_SHIFT * scipy.sparse.identity(n, format="csr")).tocsr()
        near_null = ctx["exclude"] * np.sqrt(n / 3)
        ml = pyamg.smoothed_aggregation_solver(shifted, B=near_null, symmetry="symmetric", max_coarse=2000)
        cycle = ml.aspreconditioner(cycle="V")
        t_setup = time.perf_counter() - start
        count = {"prec": 0, "products": 0}

        def precond(x: np.ndarray) -> np.ndarray:
            x2 = np.asarray(x).reshape(n, -1)
            count["prec"] += x2.shape[1]
            out = np.column_stack([cycle @ x2[:, c] for c in range(x2.shape[1])])
            return out.reshape(np.shape(x))

        def matmat(x: np.ndarray) -> np.ndarray:
            x2 = np.asarray(x).reshape(n, -1)
            count["products"] += x2.shape[1]
            return (h @ x2).reshape(np.shape(x))

        a_op = scipy.sparse.linalg.LinearOperator((n, n), matvec=matmat, matmat=matmat, dtype=np.float64)
        m_op = scipy.sparse.linalg.LinearOperator((n, n), matvec=precond, matmat=precond, dtype=np.float64)
        x0 = np.random.default_rng(1).standard_normal((n, k + 5))
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            values, vectors, hist = scipy.sparse.linalg.lobpcg(
                a_op,
                x0,
                M=m_op,
                Y=ctx["exclude"],
                tol=ctx["tol"] * ctx["bound"],
                maxiter=500,
                largest=False,
                retResidualNormsHistory=True,
            )
        seconds = time.perf_counter() - start
    order = np.argsort(values)[:k]
    return _result(
        values[order],
        vectors[:, order],
        h,
        seconds,
        setup_seconds=t_setup,
        iterations=len(hist),
        products=count["products"],
        preconditioner_applications=count["prec"],
        amg_levels=len(ml.levels),
        block=k + 5,
        method=f"scipy lobpcg, pyamg smoothed aggregation V-cycle of H + {AMG_SHIFT}·1",
    )


def _lowest(h: Any, k: int, ctx: dict[str, Any], method: str, backend: str) -> dict[str, Any]:
    import numba

    numba.set_num_threads(ctx["threads"])
    if backend == "cupy":
        _gpu_warmup()
    # compile / warm up on a small matrix (not timed)
    small = scipy.sparse.random(300, 300, density=0.05, random_state=0)
    small = (small @ small.T + scipy.sparse.identity(300)).tocsr()
    lowest_modes(small, 4, method=method, backend=backend, buffer=4, max_iterations=3)
    with threadpool_limits(ctx["threads"]):
        out = lowest_modes(h, k, ctx["exclude"], method=method, backend=backend, tol=ctx["tol"])
    return _result(
        out.eigenvalues,
        out.eigenvectors,
        h,
        out.seconds,
        iterations=out.iterations,
        products=out.block_products,
        spectral_bound=out.spectral_bound,
        converged=out.converged,
        method=f"lowest_modes(method={method!r}, backend={backend!r}, tol={ctx['tol']})",
    )


def solve_chebyshev_cpu(h: Any, k: int, ctx: dict[str, Any]) -> dict[str, Any]:
    return _lowest(h, k, ctx, "chebyshev", "numpy")


def solve_chebyshev_gpu(h: Any, k: int, ctx: dict[str, Any]) -> dict[str, Any]:
    return _lowest(h, k, ctx, "chebyshev", "cupy")


def solve_lobpcg_gpu(h: Any, k: int, ctx: dict[str, Any]) -> dict[str, Any]:
    return _lowest(h, k, ctx, "lobpcg", "cupy")


def solve_lanczos_gpu(h: Any, k: int, ctx: dict[str, Any]) -> dict[str, Any]:
    import cupy
    import cupyx.scipy.sparse
    import cupyx.scipy.sparse.linalg

    _gpu_warmup()
    start = time.perf_counter()
    hg = cupyx.scipy.sparse.csr_matrix(h)
    w, v = cupyx.scipy.sparse.linalg.eigsh(hg, k=k + 3, which="SA", tol=ctx["tol"])
    cupy.cuda.Device().synchronize()
    seconds = time.perf_counter() - start
    order = cupy.argsort(w)
    w, v = w[order].get(), v[:, order].get()
    return _result(
        w[3:],
        v[:, 3:],
        h,
        seconds,
        lowest_four=w[:4].tolist(),
        method=f"cupyx.scipy.sparse.linalg.eigsh(H, k={k + 3}, which='SA', tol={ctx['tol']}), zeros dropped",
    )


SOLVERS: dict[str, tuple[Callable[..., dict[str, Any]], bool]] = {
    # name: (function, uses the GPU)
    "dense_gpu": (solve_dense_gpu, True),
    "dense_cpu": (solve_dense_cpu, False),
    "shift_invert": (solve_shift_invert, False),
    "primme": (solve_primme, False),
    "primme_threaded": (solve_primme_threaded, False),
    "lobpcg_amg": (solve_lobpcg_amg, False),
    "chebyshev_cpu": (solve_chebyshev_cpu, False),
    "chebyshev_gpu": (solve_chebyshev_gpu, True),
    "lobpcg_gpu": (solve_lobpcg_gpu, True),
    "lanczos_gpu": (solve_lanczos_gpu, True),
}


def _bound(h: Any, exclude: np.ndarray) -> float:
    from vdosbench.generators.glasses.lowest_modes import SolverBackend, spectral_upper_bound

    return spectral_upper_bound(SolverBackend("numpy", h, exclude))


# --------------------------------------------------------------------------- floors
def product_floors(h: Any, threads: int, block: int) -> dict[str, Any]:
    """Seconds per vector of H·X: scipy (one thread, X of 1 and ``block`` columns), numba (threads)."""
    import numba

    numba.set_num_threads(threads)
    n = h.shape[0]
    x1 = np.random.default_rng(0).standard_normal(n)
    xb = np.random.default_rng(0).standard_normal((n, block))
    out: dict[str, Any] = {"block": block, "threads_numba": threads}

    def best(fn: Callable[[], Any], reps: int = 5) -> float:
        fn()
        return min(_timeit(fn) for _ in range(reps))

    out["scipy_spmv_seconds"] = best(lambda: h @ x1)
    out["scipy_spmm_per_vector_seconds"] = best(lambda: h @ xb, 3) / block
    op = _numba_operator(h)
    out["numba_spmm_per_vector_seconds"] = best(lambda: op @ xb, 3) / block
    out["numba_spmv_seconds"] = best(lambda: op @ x1[:, None])
    return out


def gpu_floor(h: Any, block: int) -> dict[str, Any]:
    import cupy
    import cupyx.scipy.sparse

    hg = cupyx.scipy.sparse.csr_matrix(h)
    xb = cupy.random.standard_normal((h.shape[0], block))
    x1 = cupy.random.standard_normal((h.shape[0], 1))

    def best(x: Any, reps: int = 10) -> float:
        (hg @ x).sum().get()
        times = []
        for _ in range(reps):
            cupy.cuda.Device().synchronize()
            t = time.perf_counter()
            hg @ x
            cupy.cuda.Device().synchronize()
            times.append(time.perf_counter() - t)
        return min(times)

    return {"cusparse_spmm_per_vector_seconds": best(xb) / block, "cusparse_spmv_seconds": best(x1), "block": block}


def _timeit(fn: Callable[[], Any]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


# --------------------------------------------------------------------------- driver
def run_size(n: int, args: argparse.Namespace, deadline: float) -> dict[str, Any]:
    glass_path = args.glass_dir / f"glass_n{n}.npz"
    record: dict[str, Any] = {"n_particles": n, "n_modes": 3 * n, "k": args.k, "tol": args.tol}
    use_gpu = any(SOLVERS[m][1] for m in args.methods) or args.fire_gpu
    record["glass"] = make_glass(
        n,
        args.seed + n,
        args.fire_tol,
        args.force_tol,
        args.fire_gpu and use_gpu,
        glass_path,
        max(60.0, deadline - time.perf_counter()),
    )
    config = load_glass(glass_path)
    pot = soft_sphere_potential(2)
    t = time.perf_counter()
    h = hessian_matrix(config, pot)
    record["hessian"] = {"seconds": time.perf_counter() - t, "nnz": int(h.nnz), "shape": list(h.shape)}
    exclude = translation_modes(n, 3)
    # in a child: numba's OpenMP threads in this process would make later fork()s unsafe
    bound = isolated(_bound, (h, exclude), 120)["result"]
    ctx = {"exclude": exclude, "tol": args.tol, "bound": bound, "threads": args.threads}
    ctx_primme = ctx | {"threads": args.primme_threads}
    record["spectral_bound"] = bound
    floors = isolated(product_floors, (h, args.threads, args.k + max(10, args.k // 2)), 120)
    record["product_floor"] = floors.get("result", floors)
    if use_gpu:
        g = isolated(gpu_floor, (h, args.k + max(10, args.k // 2)), 120)
        record["product_floor_gpu"] = g.get("result", g)
    methods: dict[str, Any] = {}
    for name in args.methods:
        remaining = deadline - time.perf_counter()
        limit = min(args.timeout.get(name, args.timeout["default"]), remaining - 5)
        if name.startswith("dense") and n > args.dense_max:
            methods[name] = {"status": "skipped", "error": f"N > --dense-max {args.dense_max}"}
            continue
        if limit < 10:
            methods[name] = {"status": "skipped", "error": "no time left in this run (--deadline)"}
            continue
        fn, on_gpu = SOLVERS[name]
        out = isolated(
            fn, (h, args.k, ctx_primme if name.startswith("primme") else ctx), limit, None if on_gpu else args.memory_gb
        )
        entry = {
            "status": out["status"],
            "wall_including_process_start": out["wall"],
            "time_limit": limit,
            "threads": args.primme_threads if name.startswith("primme") else args.threads,
            "device": "gpu" if on_gpu else "cpu",
        }
        if out["status"] == "ok":
            entry.update(out["result"])
        else:
            entry["error"] = out.get("error")
            entry["traceback"] = out.get("traceback")
        methods[name] = entry
        print(f"N={n} {name:16s} {entry['status']:8s} {entry.get('seconds', out['wall']):9.2f} s", flush=True)
    record["methods"] = methods
    summarise(record)
    return record


def summarise(record: dict[str, Any]) -> None:
    """Residuals relative to λ_max, agreement with the reference, floors."""
    methods = record["methods"]
    bound = record["spectral_bound"]
    ok = {m: e for m, e in methods.items() if e["status"] == "ok"}
    for e in ok.values():
        e["max_residual_over_lambda_max"] = float(np.max(e["residuals"]) / bound)
    ref_name = next((m for m in ("dense_gpu", "dense_cpu") if m in ok), None)
    if ref_name is None and ok:
        ref_name = min(ok, key=lambda m: ok[m]["max_residual_over_lambda_max"])
    record["reference"] = ref_name
    floor = record.get("product_floor", {})
    gfloor = record.get("product_floor_gpu", {})
    if ref_name:
        ref = np.asarray(ok[ref_name]["eigenvalues"])
        record["lowest_nonzero_eigenvalue"] = float(ref[0])
        record["stable"] = bool(ref[0] > 0)
        for e in ok.values():
            lam = np.asarray(e["eigenvalues"])
            e["max_relative_eigenvalue_difference_to_reference"] = float(np.max(np.abs(lam - ref) / np.abs(ref)))
    dense_time = next((ok[m]["seconds"] for m in ("dense_cpu", "dense_gpu") if m in ok), None)
    for name, e in ok.items():
        if "products" in e:
            per = (
                gfloor.get("cusparse_spmm_per_vector_seconds")
                if e["device"] == "gpu"
                else (
                    floor.get("numba_spmm_per_vector_seconds")
                    if name in ("chebyshev_cpu", "primme_threaded")
                    else floor.get("scipy_spmm_per_vector_seconds")
                )
            )
            if per:
                e["floor_products_seconds"] = e["products"] * per
                e["time_over_products_floor"] = e["seconds"] / e["floor_products_seconds"]
        if dense_time:
            e["time_over_dense"] = e["seconds"] / dense_time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[10_000])
    parser.add_argument("--k", type=int, default=50)
    parser.add_argument("--methods", nargs="+", default=["chebyshev_cpu", "shift_invert"], choices=sorted(SOLVERS))
    parser.add_argument("--tol", type=float, default=1e-9, help="‖Hv − λv‖ ≤ tol·λ_max")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--primme-threads", type=int, default=None, help="BLAS/numba threads for PRIMME")
    parser.add_argument(
        "--timeout",
        nargs="+",
        default=["default=120"],
        help="NAME=SECONDS per solver, e.g. default=120 shift_invert=90",
    )
    parser.add_argument("--deadline", type=float, default=540.0, help="stop starting solvers after this many s")
    parser.add_argument("--memory-gb", type=float, default=96.0, help="address-space limit of each CPU solver")
    parser.add_argument("--dense-max", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--fire-tol", type=float, default=1e-8)
    parser.add_argument("--force-tol", type=float, default=1e-10)
    parser.add_argument("--fire-gpu", action="store_true", help="FIRE stage of the glass on the GPU")
    parser.add_argument("--glass-dir", type=Path, default=HERE.parent / ".bench_data")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "sparse_eigensolvers.json")
    parser.add_argument("--label", default="", help="free text stored with this run")
    args = parser.parse_args(argv)
    args.timeout = {kv.split("=")[0]: float(kv.split("=")[1]) for kv in args.timeout} | {}
    args.timeout.setdefault("default", 120.0)
    args.primme_threads = args.primme_threads or args.threads
    deadline = time.perf_counter() + args.deadline
    previous = json.loads(args.out.read_text()) if args.out.exists() else {}
    result = previous | {"benchmark": "lowest k non-zero modes of a soft-sphere glass (m = 2, d = 3, density 1)"}
    result.setdefault("runs", {})
    for n in args.n:
        record = run_size(n, args, deadline)
        record["label"] = args.label
        record["machine"] = machine()
        key = str(n)
        merged = result["runs"].get(key, {})
        merged_methods = merged.get("methods", {})
        merged = merged | {k: v for k, v in record.items() if k != "methods"}
        merged["methods"] = merged_methods | record["methods"]
        summarise(merged)
        result["runs"][key] = merged
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(dumps_strict(result, indent=1) + "\n")
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
