"""Run a generator over a parameter grid × samples on Dask, one part file per sample.

An *ensemble* is one generator evaluated at every point of a parameter grid
(the Cartesian product of the grid values, in grid order) for samples
``0 … n_samples − 1``.  :func:`run_ensemble` computes it on
:mod:`dask.distributed` and writes:

``output/ensemble.json``
    The manifest: generator, version, grid, fixed parameters, ``n_samples``,
    ``root_seed``.  A re-run into the same folder must agree on everything
    that changes the content of a part (generator, version, fixed parameters,
    root seed); the grid and ``n_samples`` may grow, finished parts are reused.
``output/parts/<point>/sample-0000.nc``
    One VDOS-1.0 file per (grid point, sample), written atomically
    (:func:`vdosbench.datasets.write`: temporary file, then rename).
    ``<point>`` is readable and deterministic, e.g.
    ``delta-0.1__connectivity-fixed4``; a value that has to be altered to make
    a portable file name (characters outside ``[a-z0-9._+-]``, upper case,
    ``__``) gets a short hash of the exact values appended, so names stay
    unique.  The grid parameters are scalar coordinates listed in the attribute
    ``parameter_names`` (see :mod:`vdosbench.datasets.combine`).
``output/ensemble.nc``
    All parts combined, dims ``(*grid parameters, sample, mode, ...)``.

Chains
    A generator whose samples come in correlated groups (inherent
    structures taken along one Monte Carlo chain: ``make_chain`` and
    ``chain_parameter`` of :class:`~vdosbench.generators.engine.registry.Generator`)
    is run one whole chain per task: chain c writes the parts of samples
    c·k … c·k + k − 1 and is seeded by ``sample_seed(root_seed, c)``.
    ``n_samples`` must be a multiple of k (refused before anything is
    written).  A chain interrupted between its writes is recomputed and only
    its missing parts are written (the others are identical).

Resuming
    A part whose final file exists is never recomputed, so a run that was
    interrupted (killed, or stopped by a failing part) is resumed by running
    the same call again.  Temporary files ``.<name>.tmp-*`` left by an
    interrupted write are deleted at the start of a run; they never carry a
    final name.

One run per folder
    A run holds ``output/.vdosbench.lock`` (:func:`~vdosbench.datasets.folder_lock.folder_lock`:
    an ``O_EXCL`` lock file, which works on NFS too) from the manifest check to
    ``ensemble.nc``; a second run into a folder a live run holds is refused at
    once (:class:`FolderBusyError`, naming the holder), a lock left by a dead
    run is taken over (on this host: its pid is gone; from another host: its
    heartbeat stopped), and the lock is released on every exit.
    So stale temporary files are deleted only while no other run writes there.

Memory
    A generator that declares ``memory_estimate`` is checked in this process
    before anything is written or submitted: the largest estimate over the grid
    points times the tasks that run at once (the local workers) must fit the
    memory bound (:func:`vdosbench.datasets.memory.memory_limit`:
    ``VDOSBENCH_MEMORY_LIMIT`` or the available memory); on an external
    cluster, one task times each worker's threads must fit that worker's
    ``memory_limit`` (and ``VDOSBENCH_MEMORY_LIMIT`` when set).  Refused with
    :class:`~vdosbench.datasets.MemoryBoundError`
    (:mod:`~vdosbench.generators.engine.ensemble_memory`).  Combining the parts is
    checked too (twice their declared size), and so is the number of parts,
    before they are listed or scheduled (at most ``MAX_PARTS``, and their
    bookkeeping in this process within the bound:
    :func:`~.ensemble_memory.check_part_count`).

Pieces of one ensemble
    ``first_sample`` (``vdosbench generate --first-sample K``) computes only
    samples ``K … n_samples − 1``: one ensemble split over machines or
    folders, or continued elsewhere when its first parts are kept in another
    form.  A sample's part is the same in every piece (its seed depends on the
    sample index only), so the pieces merge by sample; ``ensemble.nc`` of a
    piece holds its own samples and records ``first_sample``.

Seeds (common random numbers)
    Sample ``i`` gets ``numpy.random.SeedSequence(root_seed, spawn_key=(i,))``
    at *every* grid point (:func:`sample_seed`).  The same realisation of the
    disorder is therefore reused across the parameters, as seed 002 does
    ("the same random seeds" across δ and the connectivities), so differences
    between grid points are not blurred by sample-to-sample noise.  A part
    depends only on (generator, version, fixed parameters, grid point,
    ``root_seed``, sample) — never on the grid around it, the number of
    workers, or the order in which tasks run.

Threads
    Each task runs with BLAS, OpenMP and numba's parallel loops limited to
    ``blas_threads`` threads (:func:`.worker_setup.task_thread_limits`);
    workers of the local cluster also start with ``OMP_NUM_THREADS``,
    ``OPENBLAS_NUM_THREADS``, ``MKL_NUM_THREADS`` and ``NUMBA_NUM_THREADS``
    set to ``blas_threads``.  With one thread per worker,
    ``n_workers × blas_threads`` should not exceed the number of cores.  The
    limits are per process: on an external cluster whose workers run
    several threads, concurrent tasks share them.

Local cluster
    Without ``client`` or ``scheduler_address`` the run starts a
    ``LocalCluster`` (one thread per worker process) with
    :data:`LOCAL_CLUSTER_CONFIG`: dask's defaults poll every 20 ms (the
    event-loop tick), 100 ms (the nanny's memory monitor) and 500 ms (the
    system monitor), and sample the running task's stack every 10 ms (the
    profiler), which beside one long task per worker (a T_d chain runs 20 –
    60 min) cost about 0.1 – 0.2 of the task's own CPU; these settings, 0.02
    (``speed/bench_dask_overhead.py``).  Its workers start without dask's
    ``MALLOC_TRIM_THRESHOLD_`` (:func:`.worker_setup.local_worker_environ`).
    The results do not depend on any of it; to run with other dask settings,
    start a cluster and pass ``scheduler_address``.  A local run of one
    worker starts no cluster: it computes its parts in this process
    (:mod:`.in_process`).

No worker
    While parts are left, the run looks at the scheduler's workers every
    second; when none has been connected for ``VDOSBENCH_NO_WORKER_WAIT``
    seconds (default 120: time for a cluster to restart or replace them) it
    says so on stderr as soon as they are gone, then gives up with
    :class:`NoWorkerError`; finished parts are kept and a re-run resumes.

Run-specific attributes
    Only ``history`` (its time stamp) differs between two runs of the same
    ensemble (:data:`RUN_SPECIFIC_ATTRS`); everything else in ``ensemble.nc`` is
    a function of the manifest.

Why one module of about 750 lines: submitting the parts to Dask, resuming
from the part files on disk and combining them share the folder layout and
the manifest, and are read together when a resumed run misbehaves; what
stands alone is its own module (:mod:`.ensemble_spec`,
:mod:`.ensemble_memory`, :mod:`vdosbench.datasets.folder_lock`, :mod:`.part_task`: one part,
:mod:`.in_process`: a one-worker run, :mod:`.worker_watch`).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import sys
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import product
from pathlib import Path, PurePosixPath
from typing import Any

import xarray as xr

from vdosbench.datasets import check, combine_parts, history_line, provenance, write
from vdosbench.datasets.folder_lock import FolderBusyError, folder_lock
from vdosbench.datasets.io import open_part, part_load_bytes
from vdosbench.datasets.memory import check_memory, format_bytes

from .manifest import manifest_text, write_manifest, load_manifest
from .ensemble_memory import (
    check_cluster_memory,
    check_local_memory,
    check_part_count,
    check_task_count,
    task_memory,
)
from .ensemble_spec import (
    SEED_SCHEME,
    EnsembleError,
    EnsembleSettingsError,
    EnsembleSpec,
    NoWorkerError,
    PartFailure,
    part_name,
    part_path,
    sample_seed,
)
from .in_process import compute_in_process
from .part_task import PartTask, _as_part, _attr_value, _make_samples, compute_part
from .registry import Generator
from .worker_watch import NO_WORKER_WAIT_ENV, NO_WORKER_WAIT_S, WorkerWatch, no_worker_wait

__all__ = [
    "EnsembleError",
    "EnsembleSettingsError",
    "EnsembleSpec",
    "EnsembleStatus",
    "FolderBusyError",
    "NO_WORKER_WAIT_ENV",
    "NoWorkerError",
    "PartFailure",
    "PartTask",
    "RUN_SPECIFIC_ATTRS",
    "SEED_SCHEME",
    "SMALL_RUN_SECONDS",
    "build_in_memory",
    "compute_part",
    "ensemble_status",
    "estimated_task_seconds",
    "load_manifest",
    "part_name",
    "part_path",
    "run_ensemble",
    "sample_seed",
    "task_memory",
]

#: Attributes of ``ensemble.nc`` that differ between two runs of the same ensemble.
RUN_SPECIFIC_ATTRS: tuple[str, ...] = ("history",)


#: Seconds between two looks at the finished tasks.
_POLL_S = 0.2

MANIFEST_NAME = "ensemble.json"
ENSEMBLE_NAME = "ensemble.nc"
PARTS_DIR = "parts"

_TMP_GLOB = ".*.tmp-*"
#: dask settings of the local cluster a run starts itself (module docstring, "Local cluster"): its processes
#: poll less often and do not profile the running task.  Read when the cluster is created; the caller's dask
#: configuration is left as it was.
LOCAL_CLUSTER_CONFIG: dict[str, Any] = {
    "distributed.admin.tick.interval": "1s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.profile.enabled": False,
}
#: Estimated one-core seconds of a run's parts below which a local run with the default workers computes them in this
#: process: starting a two-worker cluster costs ≈ 3 s of wall and ≈ 6 CPU s (the scheduler, two workers' imports;
#: ``speed/results/generate_cost_in_process.json``, ``generate_cost_forkserver_ab.json``), more than two workers
#: can save on such a run.  Only generators with a ``cost_estimate`` are estimated.
SMALL_RUN_SECONDS = 5.0
_SETTINGS_THAT_CHANGE_PARTS = ("generator", "generator_version", "fixed", "root_seed")


# --------------------------------------------------------------------------
# the parts' tasks
# --------------------------------------------------------------------------


def _check_chain_sizes(spec: EnsembleSpec) -> None:
    """Refuse an ``n_samples`` that would split a chain of a chain generator (before anything is written).

    Raises
    ------
    EnsembleSettingsError
        If ``n_samples`` is not a multiple of the samples per chain at some grid point.
    """
    gen = spec.generator
    for point in spec.points():
        k = gen.chain_size({**point, **spec.fixed})
        if spec.n_samples % k:
            raise EnsembleSettingsError(
                f"n_samples is {spec.n_samples}, not a multiple of {gen.chain_parameter} = {k} (samples per "
                f"chain of {gen.name!r}); ask for a multiple of {k}"
            )
        if spec.first_sample % k:
            raise EnsembleSettingsError(
                f"first_sample is {spec.first_sample}, not a multiple of {gen.chain_parameter} = {k}: it would "
                f"split a chain of {gen.name!r}; start at a chain's first sample, e.g. "
                f"{spec.first_sample - spec.first_sample % k}"
            )


def _chain_tasks(
    spec: EnsembleSpec, todo: Sequence[tuple[dict[str, Any], int, Path]]
) -> list[tuple[dict[str, Any], int, Path, int]]:
    """Missing parts as tasks ``(point, first sample, its path, samples per task)``: whole chains for a chain generator."""
    gen = spec.generator
    tasks: dict[tuple[str, int], tuple[dict[str, Any], int, Path, int]] = {}
    for point, sample, path in todo:
        k = gen.chain_size({**point, **spec.fixed})
        first = sample - sample % k
        key = (path.parent.name, first)
        if key not in tasks:
            tasks[key] = (point, first, path.parent / part_path(point, first).name, k)
    return list(tasks.values())


# --------------------------------------------------------------------------
# the run
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class EnsembleStatus:
    """Progress of an ensemble folder.

    Attributes
    ----------
    output
        The folder.
    expected
        Number of parts of the ensemble (grid points × samples).
    done
        Parts whose final file exists.
    missing
        Paths (relative to ``output/parts``) of the parts still to compute.
    combined
        Whether ``ensemble.nc`` exists.
    """

    output: Path
    expected: int
    done: int
    missing: tuple[PurePosixPath, ...] = field(repr=False)
    combined: bool

    @property
    def complete(self) -> bool:
        """All parts done and combined."""
        return self.done == self.expected and self.combined

    def __str__(self) -> str:
        state = "combined" if self.combined else "not combined"
        return f"{self.output}: {self.done}/{self.expected} parts done, {state}"


def ensemble_status(output: str | os.PathLike[str]) -> EnsembleStatus:
    """How many parts of the ensemble in ``output`` are done.

    Parameters
    ----------
    output
        A folder written by :func:`run_ensemble` (it holds ``ensemble.json``).

    Raises
    ------
    FileNotFoundError
        If ``output`` holds no manifest.
    """
    root = Path(output)
    manifest = _read_manifest(root)
    if manifest is None:
        raise FileNotFoundError(f"no {MANIFEST_NAME} in {root}: not an ensemble folder; start one with run_ensemble")
    names = list(manifest["grid"])
    points = [dict(zip(names, v, strict=True)) for v in product(*manifest["grid"].values())]
    first = int(manifest.get("first_sample", 0))
    rel = [part_path(pt, s) for pt in points for s in range(first, int(manifest["n_samples"]))]
    missing = tuple(p for p in rel if not (root / PARTS_DIR / p).exists())
    return EnsembleStatus(root, len(rel), len(rel) - len(missing), missing, (root / ENSEMBLE_NAME).exists())


def _read_manifest(root: Path) -> dict[str, Any] | None:
    path = root / MANIFEST_NAME
    if not path.exists():
        return None
    return load_manifest(path)


def _prepare_folder(spec: EnsembleSpec, root: Path) -> None:
    """Check an existing manifest agrees, delete stale temporary files, write the manifest.

    A manifest with no finished part beside it (a start that was refused or
    failed before any part was written) is replaced: there is nothing to reuse.
    """
    root.mkdir(parents=True, exist_ok=True)
    old = on_disk = _read_manifest(root)
    new = spec.manifest()
    if old is not None and not any((root / PARTS_DIR).glob("*/sample-*.nc")):
        old = None  # nothing computed under the old settings: a corrected re-run proceeds
    if old is not None:
        old = {**old, "fixed": _with_added_defaults(old.get("fixed"), new["fixed"], spec)}
        differ = [k for k in _SETTINGS_THAT_CHANGE_PARTS if old.get(k) != new[k]]
        if differ:
            detail = "; ".join(f"{k}: {old.get(k)!r} on disk, {new[k]!r} now" for k in differ)
            raise EnsembleSettingsError(
                f"{root} holds parts of a different ensemble ({detail}); its parts cannot be reused. "
                "Write to a new output folder, or delete the old one"
            )
    for stale in [*root.glob(_TMP_GLOB), *(root / PARTS_DIR).glob(f"*/{_TMP_GLOB}")]:
        stale.unlink(missing_ok=True)
    path = root / MANIFEST_NAME
    if on_disk != new or path.read_text(encoding="utf-8") != manifest_text(new):  # a manifest with Infinity too
        write_manifest(new, path)


def _with_added_defaults(old_fixed: Any, new_fixed: Mapping[str, Any], spec: EnsembleSpec) -> Any:
    """``old_fixed`` completed with the fixed parameters a newer generator added, where they are at the value a
    manifest without them means.

    A parameter added to a generator after a folder was started means what
    the generator did before it existed (at the same ``generator_version``):
    its default, or its declared ``before`` when the default changed since
    (``mode_method``: ``chebyshev``, issue 65 item 2), so a manifest without
    it describes the same parts as one with it at that value: such a folder
    stays resumable.  A parameter absent on disk and set to anything else
    (the new default included) still differs.
    """
    if not isinstance(old_fixed, Mapping):
        return old_fixed
    absent = spec.manifest_when_absent()
    added = {k: v for k, v in new_fixed.items() if k not in old_fixed and k in absent and absent[k] == v}
    return {**old_fixed, **added}


def _cpu_count() -> int:
    from dask.system import CPU_COUNT

    return max(1, int(CPU_COUNT))


@contextlib.contextmanager
def _dask_client(client: Any, scheduler_address: str | None, n_workers: int, blas_threads: int) -> Iterator[Any]:
    """The given client, a client of the given scheduler, or a new LocalCluster (closed on exit)."""
    if client is not None:
        yield client
        return
    import dask
    from distributed import Client, LocalCluster

    if scheduler_address is not None:
        with Client(scheduler_address) as own:
            yield own
        return
    from .worker_setup import QuietWorkerPlugin, RestoringNanny, local_worker_environ, temporary_environ

    env, pre_spawn = local_worker_environ(blas_threads)
    # The nanny copies its pre-spawn variables into *this* process's environment
    # before spawning a worker, and variables already set here take precedence
    # over the config; so set them here while the workers start, then restore.
    with contextlib.ExitStack() as stack:
        with (
            temporary_environ(env),
            dask.config.set({**LOCAL_CLUSTER_CONFIG, "distributed.nanny.pre-spawn-environ": pre_spawn}),
        ):
            cluster = stack.enter_context(
                LocalCluster(
                    n_workers=n_workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=":0",
                    env=env,
                    worker_class=RestoringNanny,  # a worker's restart leaves this process's environment alone
                )
            )
        own = stack.enter_context(Client(cluster))
        own.register_plugin(QuietWorkerPlugin())  # no GC-diagnosis or Ctrl-C output from our workers on a stop
        yield own


def run_ensemble(
    generator: str | Generator | EnsembleSpec,
    *,
    grid: Mapping[str, Sequence[Any]] | None = None,
    fixed: Mapping[str, Any] | None = None,
    n_samples: int | None = None,
    root_seed: int | None = None,
    output: str | os.PathLike[str],
    scheduler_address: str | None = None,
    n_workers: int | None = None,
    blas_threads: int = 1,
    progress: bool = True,
    client: Any = None,
    first_sample: int = 0,
    synchronous: bool | None = None,
) -> xr.Dataset:
    """Compute a generator over a parameter grid × samples on Dask and combine the parts.

    Parameters
    ----------
    generator
        A registered generator's name, a :class:`Generator`, or a complete
        :class:`EnsembleSpec` (then ``grid``, ``fixed``, ``n_samples`` and
        ``root_seed`` must be left out).  Given by name, the workers look it
        up with :func:`get_generator` (importing the module that defines it);
        given as an object, it is sent to them (its ``make_sample`` must be
        picklable: a module-level function).
    grid
        Grid parameter → values; default ``generator.grid_defaults``.  A
        given grid replaces the default one (left-out parameters go in ``fixed``).
    fixed
        Other parameters, merged over ``generator.fixed_defaults``.
    n_samples
        Samples per grid point.
    root_seed
        Root of every sample's seed (:func:`sample_seed`).
    output
        Folder for ``ensemble.json``, ``parts/`` and ``ensemble.nc``; with a
        remote scheduler it must be on a filesystem the workers share, at the
        same path.  A relative path is taken relative to this process's working
        directory (the workers get the absolute path).
    scheduler_address
        Address of a running ``dask.distributed`` scheduler, e.g.
        ``"tcp://10.0.0.1:8786"``.  Default: a new local cluster.
    n_workers
        Worker processes of the local cluster (default: the number of cores,
        at most the number of parts to compute).
    blas_threads
        BLAS/OpenMP threads per task (``threadpoolctl``), and the
        ``*_NUM_THREADS`` environment of local workers.
    progress
        Show a progress bar (``tqdm``) on the terminal.
    client
        An existing :class:`distributed.Client` to use (not closed here).
    first_sample
        Compute only samples ``first_sample … n_samples − 1`` (a piece of the
        ensemble; see "Pieces of one ensemble" above).  With an
        :class:`EnsembleSpec`, set it in the spec instead.
    synchronous
        Compute the parts in this process, one after another, without Dask
        (:mod:`.in_process`).  Default: when the run is local and has one
        worker (``n_workers=1``, or one part left), or has the default
        workers and parts estimated below :data:`SMALL_RUN_SECONDS` of one
        core (the generator's ``cost_estimate``); ``False`` starts a
        one-worker cluster all the same.  ``True`` with ``client`` or
        ``scheduler_address`` is refused.

    Returns
    -------
    xarray.Dataset
        The combined ensemble, in memory, dims ``(*grid, sample, mode, ...)``,
        also written to ``output/ensemble.nc``.  Attributes: ``generator``,
        ``generator_version``, ``root_seed``, ``n_samples``, ``grid`` (JSON),
        each fixed parameter, ``seed_scheme``, ``vdosbench_version`` and a
        ``history`` line (the only run-specific attribute).

    Raises
    ------
    EnsembleError
        If parts failed, after every other part was written; it names each
        failed grid point and sample and chains the first original exception.
        Running the same call again computes only the missing parts.
    EnsembleSettingsError
        Unknown or missing parameters, bad values, or an ``output`` folder
        holding a different ensemble.
    FolderBusyError
        ``output`` is held by another live run (nothing was written).
    MemoryBoundError
        The tasks that would run at once, or the bookkeeping of the parts,
        need more memory than the bound (before anything is written or
        submitted).
    NoWorkerError
        No Dask worker was connected for the stated wait (module docstring,
        "No worker"); the finished parts are kept.
    KeyError
        Unknown generator name (the message lists the registered ones).

    Notes
    -----
    The local cluster starts worker processes with the ``spawn`` method, so a
    script that calls this function without ``client`` or
    ``scheduler_address`` (and with more than one worker) must guard it with
    ``if __name__ == "__main__":``.

    Examples
    --------
    >>> import tempfile
    >>> ds = run_ensemble(  # doctest: +SKIP
    ...     "spring_network",
    ...     grid={"delta": [0.0, 0.1], "connectivity": ["nearest"], "spring": ["constant"]},
    ...     fixed={"n_side": 16},
    ...     n_samples=4,
    ...     root_seed=2024,
    ...     output=tempfile.mkdtemp(),
    ... )
    >>> ds["eigenvalue"].dims  # doctest: +SKIP
    ('delta', 'connectivity', 'spring', 'sample', 'mode')
    """
    if isinstance(generator, EnsembleSpec):
        given = [
            k
            for k, v in {
                "grid": grid,
                "fixed": fixed,
                "n_samples": n_samples,
                "root_seed": root_seed,
                "first_sample": first_sample or None,
            }.items()
            if v is not None
        ]
        if given:
            raise TypeError(f"run_ensemble got an EnsembleSpec and also {given}; put them in the spec")
        spec = generator
    else:
        if n_samples is None or root_seed is None:
            raise TypeError("run_ensemble needs n_samples=... and root_seed=... (or an EnsembleSpec)")
        spec = EnsembleSpec.create(
            generator, grid=grid, fixed=fixed, n_samples=n_samples, root_seed=root_seed, first_sample=first_sample
        )
    if isinstance(blas_threads, bool) or not isinstance(blas_threads, int) or blas_threads < 1:
        raise EnsembleSettingsError(f"blas_threads is {blas_threads!r}; expected an integer ≥ 1")
    if n_workers is not None and (isinstance(n_workers, bool) or not isinstance(n_workers, int) or n_workers < 1):
        raise EnsembleSettingsError(f"n_workers is {n_workers!r}; expected an integer ≥ 1")
    if synchronous and (client is not None or scheduler_address is not None):
        raise EnsembleSettingsError("synchronous=True computes in this process; leave out client and scheduler_address")

    # absolute: the tasks carry their part paths to workers whose working directory may differ
    root = Path(output).absolute()
    check_part_count(spec)  # before the parts are listed: a billion of them would not fit in memory
    worker_wait = no_worker_wait()
    _check_chain_sizes(spec)
    local = client is None and scheduler_address is None
    pending = _missing_tasks(spec, root)
    check_task_count(spec, len(pending))
    if local and pending:  # before anything is written; the tasks are counted again under the lock
        check_local_memory(spec, min(n_workers or _cpu_count(), len(pending)))
    root.mkdir(parents=True, exist_ok=True)
    with folder_lock(root):
        _prepare_folder(spec, root)
        paths = [root / PARTS_DIR / rel for _, _, rel in spec.parts()]
        found = {p for p in paths if p.exists()}
        todo = _missing_tasks(spec, root)
        if todo:
            workers = min(n_workers or _cpu_count(), len(todo))
            small = n_workers is None and estimated_task_seconds(spec, todo) < SMALL_RUN_SECONDS
            if synchronous or (synchronous is None and local and (workers == 1 or small)):
                failures = compute_in_process(
                    spec, todo, n_done=len(found), n_total=len(paths), blas_threads=blas_threads, progress=progress
                )
            else:
                with _dask_client(client, scheduler_address, workers, blas_threads) as cl:
                    if not local:
                        check_cluster_memory(spec, cl)
                    failures = _compute(
                        cl,
                        spec,
                        todo,
                        n_done=len(found),
                        n_total=len(paths),
                        blas_threads=blas_threads,
                        progress=progress,
                        worker_wait=worker_wait,
                    )
            if failures:
                raise EnsembleError(failures, len(paths), root) from failures[0].error
        return _combine(spec, root, paths, [p for p in paths if p not in found])


def estimated_task_seconds(spec: EnsembleSpec, tasks: Sequence[tuple[dict[str, Any], int, Path, int]]) -> float:
    """The generator's ``cost_estimate`` summed over ``tasks`` (one-core seconds); ``inf`` without an estimate.

    Examples
    --------
    >>> spec = EnsembleSpec.create("nine_node_toy", n_samples=1, root_seed=0)
    >>> estimated_task_seconds(spec, [({"variant": "lattice"}, 0, Path("p.nc"), 1)]) < SMALL_RUN_SECONDS
    True
    """
    cost = spec.generator.cost_estimate
    if cost is None:
        return math.inf
    return sum(cost({**point, **spec.fixed}) for point, _, _, _ in tasks)


def _missing_tasks(spec: EnsembleSpec, root: Path) -> list[tuple[dict[str, Any], int, Path, int]]:
    """The tasks (:func:`_chain_tasks`) of the parts whose final file is not in ``root`` yet."""
    missing = [(pt, s, root / PARTS_DIR / rel) for pt, s, rel in spec.parts() if not (root / PARTS_DIR / rel).exists()]
    return _chain_tasks(spec, missing)


def _compute(
    client: Any,
    spec: EnsembleSpec,
    todo: Sequence[tuple[dict[str, Any], int, Path, int]],
    *,
    n_done: int,
    n_total: int,
    blas_threads: int,
    progress: bool,
    worker_wait: float = NO_WORKER_WAIT_S,
) -> list[PartFailure]:
    """Submit every missing part (a whole chain per task for chain generators), wait, return failures in grid order."""
    from distributed import as_completed
    from tqdm.auto import tqdm

    futures = {}
    for order, (point, sample, path, chain_samples) in enumerate(todo):
        task = PartTask.for_part(
            spec, point, sample, path, chain_samples=chain_samples, blas_threads=blas_threads, by_name=spec.by_name
        )
        key = f"vdosbench-part-{path.parent.name}-{path.stem}-{uuid.uuid4().hex[:12]}"
        n_new = sum(1 for p in task.paths() if not p.exists())
        futures[client.submit(compute_part, task, key=key, pure=False)] = (order, point, sample, path, n_new)
    failures: list[tuple[int, PartFailure]] = []
    waiting = WorkerWatch(client, worker_wait)
    try:
        with tqdm(total=n_total, initial=n_done, unit="part", desc=spec.generator.name, disable=not progress) as bar:
            finished = as_completed(list(futures))
            while not finished.is_empty():
                batch = finished.next_batch(block=False)
                if not batch:
                    waiting.check()
                    time.sleep(_POLL_S)
                    continue
                for future in batch:
                    order, point, sample, path, n_new = futures[future]
                    if future.status == "error" or future.status == "cancelled":
                        error = future.exception() if future.status == "error" else RuntimeError("task cancelled")
                        failures.append((order, PartFailure.of_part(spec, point, sample, path, error)))
                        bar.set_postfix(failed=len(failures))
                    else:
                        future.result()
                    bar.update(n_new)
    finally:
        pending = [f for f in futures if not f.done()]
        if pending and not isinstance(sys.exc_info()[1], (SystemExit, KeyboardInterrupt)):
            client.cancel(pending)  # when stopping, closing the client releases them without the wait
    return [f for _, f in sorted(failures, key=lambda t: t[0])]


def _combine(spec: EnsembleSpec, root: Path, paths: Sequence[Path], written_here: Sequence[Path]) -> xr.Dataset:
    """Combine the parts, record the ensemble attributes, write ``ensemble.nc`` atomically.

    The parts and their combination are held in memory at once (twice the
    parts' declared size), checked against the memory bound first.  The parts
    found on disk before this call (``paths`` not in ``written_here``) are read in
    the isolated reader (:mod:`vdosbench.datasets.isolated`), their headers first:
    a part damaged on disk or copied in from elsewhere could make the netCDF/HDF5
    library loop or crash here, and a resume combines parts it did not compute;
    such a part is a ``VDOSReadError`` naming it, with the fix (delete it and run
    again), after the read time limit at most.  The parts this call wrote are read
    here: a fresh run starts no reader process (issue 65 item 1).
    """
    declared = sum(part_load_bytes(list(paths), written_here=written_here))
    check_memory(
        2 * declared,
        f"combining the {len(paths)} parts in {root / PARTS_DIR} into {ENSEMBLE_NAME} (twice their "
        f"{format_bytes(declared)}: the parts and the combined copy)",
        "the parts are complete and kept: open them lazily with "
        f"vdosbench.datasets.open_ensemble('{root / PARTS_DIR}') "
        "instead of the combined file, or generate fewer samples or grid points per folder",
    )
    own = set(written_here)
    ds = _assemble(spec, [open_part(p, written_here=p in own) for p in paths], "run_ensemble")
    write(ds, root / ENSEMBLE_NAME)
    return ds


def build_in_memory(
    generator: str | Generator,
    *,
    grid: Mapping[str, Sequence[Any]] | None = None,
    fixed: Mapping[str, Any] | None = None,
    n_samples: int = 1,
    root_seed: int = 0,
) -> xr.Dataset:
    """An ensemble computed in this process, without Dask or files.

    The same parts, seeds and attributes as :func:`run_ensemble` (so the
    result equals its ``ensemble.nc`` up to ``history``), for generators cheap
    enough not to need a cluster, e.g. the theory curves.

    Examples
    --------
    >>> ds = build_in_memory("nine_node_toy")
    >>> ds["eigenvalue"].dims, ds.attrs["generator"]
    (('variant', 'sample', 'mode'), 'nine_node_toy')
    """
    spec = EnsembleSpec.create(generator, grid=grid, fixed=fixed, n_samples=n_samples, root_seed=root_seed)
    gen = spec.generator
    parts = []
    check_part_count(spec)
    _check_chain_sizes(spec)
    check_local_memory(spec, 1)
    for point, first, _, k in _chain_tasks(spec, [(pt, s, Path(str(rel))) for pt, s, rel in spec.parts()]):
        datasets = _make_samples(gen, {**point, **spec.fixed}, spec.root_seed, first, k)
        parts.extend(_as_part(ds, gen, point, spec.fixed, first + i, spec.root_seed) for i, ds in enumerate(datasets))
    return _assemble(spec, parts, "build_in_memory")


def _assemble(spec: EnsembleSpec, parts: Sequence[xr.Dataset], how: str) -> xr.Dataset:
    """Combine labelled parts and record the ensemble attributes (checked)."""
    ds = combine_parts(parts)
    line = history_line(
        f"{how}: generator {spec.generator.name} {spec.generator.version}, {len(parts)} parts, "
        f"n_samples={spec.n_samples}, root_seed={spec.root_seed}"
    )
    previous = ds.attrs.get("history")
    attrs = dict(ds.attrs)
    # attributes that differ between parts were dropped by combine_parts; the
    # global ones VDOS-1.0 requires are rebuilt for the whole ensemble
    for key in ("title", "source", "references", "Conventions", "spatial_dimension"):
        if key in attrs:
            continue
        values = list(dict.fromkeys(p.attrs[key] for p in parts if key in p.attrs))
        if key == "title" and len(values) > 1:
            attrs[key] = (
                f"{spec.generator.name} ensemble over {', '.join(spec.parameter_names)} "
                f"({len(spec.points())} grid points x {spec.n_samples} samples)"
            )
        elif key == "spatial_dimension" and len(values) > 1:
            raise ValueError(f"parts disagree on spatial_dimension: {values}; an ensemble has one dimension of space")
        elif values and all(isinstance(v, str) for v in values):
            attrs[key] = "; ".join(values)
        elif values:
            attrs[key] = values[0]
    for name, value in spec.fixed.items():
        attrs.setdefault(name, _attr_value(value))
    attrs.update(
        **provenance(spec.generator.name, spec.generator.version, root_seed=spec.root_seed),
        n_samples=spec.n_samples,
        **({"first_sample": spec.first_sample} if spec.first_sample else {}),
        grid=json.dumps({k: list(v) for k, v in spec.grid.items()}),
        seed_scheme=SEED_SCHEME,
        parameter_names=" ".join(spec.parameter_names),
        history=f"{line}\n{previous}" if previous else line,
    )
    ds.attrs = attrs
    check(ds)
    return ds
