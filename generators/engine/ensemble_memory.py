"""Memory checks of an ensemble run, made in the submitting process before anything is written or submitted.

A generator may declare ``memory_estimate`` (bytes of one task from its
parameters, :class:`~vdosbench.generators.Generator`).  The run needs the
largest estimate over its grid points times the tasks that run at once:

* local cluster: the workers (``n_workers``, at most the tasks to compute),
  against the memory bound of this machine
  (:func:`vdosbench.datasets.memory.memory_limit`: ``VDOSBENCH_MEMORY_LIMIT``
  or the available memory);
* external cluster: each worker's threads, against that worker's
  ``memory_limit`` as the scheduler reports it, and one task against
  ``VDOSBENCH_MEMORY_LIMIT`` when it is set (this machine's free memory says
  nothing about the workers').

A refusal is a :class:`~vdosbench.datasets.MemoryBoundError` naming the
generator, the grid point and the parameters given, the need, the bound and
the fix.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from vdosbench.datasets.memory import MEMORY_LIMIT_ENV, MemoryBoundError, check_memory, format_bytes

from .ensemble_spec import EnsembleSpec

__all__ = ["check_cluster_memory", "check_local_memory", "task_memory"]


def task_memory(spec: EnsembleSpec) -> tuple[int, dict[str, Any]] | None:
    """The generator's ``memory_estimate`` of one task at the grid point that needs most, and that point.

    Returns
    -------
    tuple of (int, dict) or None
        Bytes and the grid point; None if the generator declares no estimate.
    """
    estimate = spec.generator.memory_estimate
    if estimate is None:
        return None
    return max(((int(estimate({**pt, **spec.fixed})), pt) for pt in spec.points()), key=lambda t: t[0])


def _memory_request(spec: EnsembleSpec, point: Mapping[str, Any], per_task: int, at_once: int) -> tuple[str, str]:
    """What a run asks for and how to ask for less, for :func:`check_memory`."""
    gen = spec.generator
    given = {k: v for k, v in spec.fixed.items() if gen.fixed_defaults.get(k, object()) != v}
    where = ", ".join(f"{k}={v!r}" for k, v in {**point, **given}.items())
    what = (
        f"generating {gen.name} ({where}): {at_once} task(s) at once × {format_bytes(per_task)} per "
        f"{'chain' if gen.make_chain is not None else 'sample'} (its memory_estimate)"
    )
    fix = (
        "ask for smaller systems (the parameters that set their size, e.g. --set n_side=... or n_particles=...)"
        + (" or fewer tasks at once (--workers / n_workers)" if at_once > 1 else "")
    )
    return what, fix


def check_local_memory(spec: EnsembleSpec, at_once: int) -> None:
    """Refuse, before anything is written, a run whose ``at_once`` tasks exceed the memory bound of this machine."""
    worst = task_memory(spec)
    if worst is not None:
        need, point = worst
        check_memory(need, *_memory_request(spec, point, need, 1))  # one task alone: only a smaller system helps
        check_memory(need * at_once, *_memory_request(spec, point, need, at_once))


def check_cluster_memory(spec: EnsembleSpec, client: Any) -> None:
    """Refuse, before any task is submitted, tasks that no worker of an external cluster can hold.

    Each worker runs up to ``nthreads`` tasks at once within its
    ``memory_limit`` (as the scheduler reports it; workers without one are not
    checked); ``VDOSBENCH_MEMORY_LIMIT``, when set, bounds one task.
    """
    worst = task_memory(spec)
    if worst is None:
        return
    need, point = worst
    if os.environ.get(MEMORY_LIMIT_ENV, "").strip():
        check_memory(need, *_memory_request(spec, point, need, 1))
    try:
        workers = client.scheduler_info().get("workers", {})
    except Exception:  # noqa: BLE001 - an old or unusual scheduler: nothing to check against
        return
    for address, info in workers.items():
        limit, threads = info.get("memory_limit") or 0, max(1, int(info.get("nthreads") or 1))
        if limit and need * threads > limit:
            what, fix = _memory_request(spec, point, need, threads)
            raise MemoryBoundError(
                f"{what} needs about {format_bytes(need * threads)} of memory; worker {address} has "
                f"memory_limit {format_bytes(limit)} for its {threads} thread(s). Fix: {fix}, or start workers "
                "with more memory (dask worker --memory-limit) or fewer threads each"
            )
