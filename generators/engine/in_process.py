"""A local run of one worker, computed in the calling process: no Dask cluster is started.

:func:`~vdosbench.generators.engine.ensemble.run_ensemble` on one local worker (``n_workers=1``, ``vdosbench
generate --workers 1``, or a run with one part left to compute) has nothing to run in parallel, and a
``LocalCluster`` would cost it a scheduler in this process and a spawned worker process that imports numpy,
scipy, xarray, numba and distributed afresh before the first part: ≈ 2 – 3 CPU s and a few seconds of wall a run
(issue 65, ``speed/bench_generate_cost.py``).  Such a run computes its parts here instead
(:func:`compute_in_process`), one after another in grid order, with the task a worker runs
(:func:`~vdosbench.generators.engine.part_task.compute_part`: the same thread limits, the same atomically written
files), so a part and ``ensemble.nc`` are what a Dask run writes (``tests/generators/test_ensemble.py``).

What differs from a worker process:

- the BLAS, OpenMP and numba pools are this process's, limited to ``blas_threads`` for each part
  (:func:`.worker_setup.task_thread_limits`) instead of started at that size; the allocator is this process's
  (dask's ``MALLOC_TRIM_THRESHOLD_`` is never set here either);
- a part that raises is recorded and the run goes on, as on Dask (:class:`~.ensemble_spec.PartFailure`), but a
  part that kills the interpreter (a crash in compiled code, or the kernel's out-of-memory killer) ends the
  command, where it would end one worker; the memory check before the run counts one task at a time either way;
- a stop (SIGTERM, Ctrl-C: :mod:`vdosbench.cli.signals`) unwinds the part being computed at its next Python
  statement (within one Monte Carlo batch or one minimiser step), so no part is left running when the folder lock
  is released; finished parts are kept and a half-written one never carries a final name.

``run_ensemble(..., synchronous=False)`` starts a one-worker ``LocalCluster`` all the same (a test of the local
workers' environment does).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .ensemble_spec import EnsembleSpec, PartFailure
from .part_task import PartTask, compute_part

__all__ = ["compute_in_process"]


def compute_in_process(
    spec: EnsembleSpec,
    todo: Sequence[tuple[dict[str, Any], int, Path, int]],
    *,
    n_done: int,
    n_total: int,
    blas_threads: int,
    progress: bool,
) -> list[PartFailure]:
    """Compute the missing parts ``todo`` in this process, in order; return the parts that raised, in grid order.

    Parameters
    ----------
    spec
        The ensemble.
    todo
        ``(point, sample, path, chain_samples)`` of each task, in grid order (a whole chain per task for a chain
        generator), as ``run_ensemble`` lists them.
    n_done, n_total
        Parts already on disk and parts in all, for the progress bar.
    blas_threads
        BLAS, OpenMP and numba threads of each part.
    progress
        Show a progress bar (``tqdm``) on the terminal.

    Returns
    -------
    list of PartFailure
        One per task that raised an ``Exception`` (its parts are not written); a stop (``SystemExit``,
        ``KeyboardInterrupt``) is not caught.
    """
    from tqdm.auto import tqdm

    failures: list[PartFailure] = []
    with tqdm(total=n_total, initial=n_done, unit="part", desc=spec.generator.name, disable=not progress) as bar:
        for point, sample, path, chain_samples in todo:
            task = PartTask.for_part(
                spec, point, sample, path, chain_samples=chain_samples, blas_threads=blas_threads, by_name=False
            )
            n_new = sum(1 for p in task.paths() if not p.exists())
            try:
                compute_part(task)
            except Exception as error:  # noqa: BLE001 - a failed part is reported with the others, as on Dask
                failures.append(PartFailure.of_part(spec, point, sample, path, error))
                bar.set_postfix(failed=len(failures))
            bar.update(n_new)
    return failures
