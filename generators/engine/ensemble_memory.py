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

The number of parts is bounded too (:func:`check_part_count`): the submitting
process lists every part (about :data:`PART_LISTING_BYTES` each) and holds a
record of every task it schedules (about :data:`PART_BOOKKEEPING_BYTES` each),
both checked against the bound before they are made, so ``--samples
1000000000`` is refused at once instead of growing until the operating system
stops it; and one run covers at most :data:`MAX_PARTS` parts whatever the
memory.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from typing import Any

from vdosbench.datasets.memory import MEMORY_LIMIT_ENV, MemoryBoundError, check_memory, format_bytes

from .ensemble_spec import EnsembleSettingsError, EnsembleSpec

__all__ = [
    "MAX_PARTS",
    "PART_BOOKKEEPING_BYTES",
    "PART_LISTING_BYTES",
    "check_cluster_memory",
    "check_local_memory",
    "check_part_count",
    "check_task_count",
    "task_memory",
]

#: Memory the submitting process holds per part it lists (point, sample, path; several lists of them):
#: measured about 0.55 kB at its peak for 160 000 parts, counted with room.
PART_LISTING_BYTES = 2 * 1024
#: Memory the submitting process holds per task it schedules (the task, its Dask future and key, progress):
#: about 32 kB, measured as 1.3 GB for 40 000 spring-network parts (fault probe of 2026-11-27, 4.grid.1e4).
PART_BOOKKEEPING_BYTES = 32 * 1024
#: Most parts (grid points x samples) one run covers: a million part files in one folder, and ~32 GB of
#: bookkeeping were they all scheduled; larger ensembles are run in pieces (``first_sample``, or grid values
#: per folder).
MAX_PARTS = 1_000_000
_PIECES_FIX = (
    "ask for fewer --samples or grid values, or run the ensemble in pieces (--first-sample K with its "
    "own --output, or some grid values per folder)"
)


def _parts_text(spec: EnsembleSpec) -> tuple[int, str]:
    n_points = math.prod(len(values) for values in spec.grid.values())
    n_samples = spec.n_samples - spec.first_sample
    n_parts = n_points * n_samples
    return n_parts, f"{spec.generator.name}: {n_points} grid point(s) x {n_samples} sample(s) = {n_parts} parts"


def check_part_count(spec: EnsembleSpec) -> None:
    """Refuse, before the parts are listed, a run of more than :data:`MAX_PARTS` parts, or of more than the
    memory bound can list (:data:`PART_LISTING_BYTES` a part).

    The count is computed from the grid sizes and samples, without listing the parts.

    Raises
    ------
    EnsembleSettingsError
        More than :data:`MAX_PARTS` parts.
    MemoryBoundError
        Their list exceeds the memory bound.

    Examples
    --------
    >>> from vdosbench.generators import get_generator
    >>> spec = EnsembleSpec.create(get_generator("nine_node_toy"), n_samples=10**9, root_seed=0)
    >>> check_part_count(spec)
    Traceback (most recent call last):
    ...
    vdosbench.generators.engine.ensemble_spec.EnsembleSettingsError: nine_node_toy: 3 grid point(s) x 1000000000 sample(s) = 3000000000 parts; expected at most 1000000 parts in one run. Fix: ask for fewer --samples or grid values, or run the ensemble in pieces (--first-sample K with its own --output, or some grid values per folder)
    """
    n_parts, what = _parts_text(spec)
    if n_parts > MAX_PARTS:
        raise EnsembleSettingsError(f"{what}; expected at most {MAX_PARTS} parts in one run. Fix: {_PIECES_FIX}")
    check_memory(n_parts * PART_LISTING_BYTES, f"listing {what}", _PIECES_FIX)


def check_task_count(spec: EnsembleSpec, n_tasks: int) -> None:
    """Refuse, before any task is submitted, ``n_tasks`` tasks whose bookkeeping in this process
    (:data:`PART_BOOKKEEPING_BYTES` a task) exceeds the memory bound.

    Raises
    ------
    MemoryBoundError
        The bookkeeping exceeds the memory bound.
    """
    _, what = _parts_text(spec)
    check_memory(
        n_tasks * PART_BOOKKEEPING_BYTES,
        f"scheduling {n_tasks} task(s) of {what} (about {format_bytes(PART_BOOKKEEPING_BYTES)} of bookkeeping a task)",
        _PIECES_FIX,
    )


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
    fix = "ask for smaller systems (the parameters that set their size, e.g. --set n_side=... or n_particles=...)" + (
        " or fewer tasks at once (--workers / n_workers)" if at_once > 1 else ""
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
