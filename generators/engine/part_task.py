"""One part of an ensemble: the task a worker (or, for a one-worker run, the calling process) computes.

:class:`PartTask` holds everything a worker needs for one part (picklable, so Dask can send it);
:func:`compute_part` makes the part's sample (or its whole chain) with the generator, labels it
(grid parameters as scalar coordinates, provenance attributes, one ``sample``) and writes it atomically.
:func:`~vdosbench.generators.engine.ensemble.run_ensemble` submits it to Dask workers, and computes it in its
own process for a one-worker local run (:mod:`.in_process`); ``build_in_memory`` makes and labels the same
samples without writing them.  Moved here from :mod:`.ensemble` so that both runners import it (issue 65).
"""

from __future__ import annotations

import importlib
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xarray as xr

from vdosbench.datasets import coordinate, provenance, write

from .ensemble_spec import SEED_SCHEME, EnsembleSpec, part_path, sample_seed
from .registry import Generator, get_generator

__all__ = ["PartTask", "compute_part"]


@dataclass(frozen=True)
class PartTask:
    """Everything a worker needs for one part (picklable); :func:`compute_part` makes it (a benchmark of the
    in-process cost, ``speed/bench_generate_cost.py``, runs the same task outside Dask)."""

    generator: str | Generator
    module: str | None
    point: tuple[tuple[str, Any], ...]
    fixed: Mapping[str, Any]
    sample: int
    root_seed: int
    path: str
    blas_threads: int
    chain_samples: int = 1

    @classmethod
    def for_part(
        cls,
        spec: EnsembleSpec,
        point: Mapping[str, Any],
        sample: int,
        path: Path,
        *,
        chain_samples: int,
        blas_threads: int,
        by_name: bool,
    ) -> PartTask:
        """The task of one part of ``spec`` (a whole chain when ``chain_samples`` > 1).

        Parameters
        ----------
        spec
            The ensemble.
        point, sample, path, chain_samples
            The part's grid point, first sample, file and the structures of its chain, as ``run_ensemble`` lists
            them.
        blas_threads
            BLAS, OpenMP and numba threads of the part.
        by_name
            Send the generator by its registered name and module (a worker imports it) instead of the object; a
            generator defined in ``__main__`` always travels as the object.
        """
        gen = spec.generator
        module = gen.make_sample.__module__
        by_name = by_name and module != "__main__"
        return cls(
            generator=gen.name if by_name else gen,
            module=module if by_name else None,
            point=tuple(point.items()),
            fixed=dict(spec.fixed),
            sample=sample,
            root_seed=spec.root_seed,
            path=str(path),
            blas_threads=blas_threads,
            chain_samples=chain_samples,
        )

    def paths(self) -> list[Path]:
        """The part files this task writes: ``path`` and, for a chain, its siblings up to sample + k − 1."""
        first = Path(self.path)
        point = dict(self.point)
        return [
            first,
            *(
                first.parent / part_path(point, s).name
                for s in range(self.sample + 1, self.sample + self.chain_samples)
            ),
        ]


@dataclass(frozen=True)
class _PartResult:
    path: str
    seconds: float
    skipped: bool


def _worker_generator(task: PartTask) -> Generator:
    if isinstance(task.generator, Generator):
        return task.generator
    importlib.import_module("vdosbench.generators")  # registers the built-in generators
    try:
        return get_generator(task.generator)
    except KeyError:
        if task.module is None:
            raise
    try:
        importlib.import_module(task.module)
    except ImportError as e:
        raise KeyError(
            f"generator {task.generator!r} is not registered on this worker and its module "
            f"{task.module!r} cannot be imported ({e}); install it on the workers or pass the "
            "Generator object to run_ensemble"
        ) from e
    return get_generator(task.generator)


def compute_part(task: PartTask) -> _PartResult:
    """Make, label and write one part (a top-level function so Dask can pickle it)."""
    import dask

    from .worker_setup import task_thread_limits

    paths = task.paths()
    if all(p.exists() for p in paths):
        return _PartResult(task.path, 0.0, True)
    start = time.perf_counter()
    gen = _worker_generator(task)
    point = dict(task.point)
    with task_thread_limits(task.blas_threads):
        datasets = _make_samples(gen, {**point, **task.fixed}, task.root_seed, task.sample, task.chain_samples)
    # Each part is its own file: no cluster-wide lock is needed around its write.  Inside a task xarray would
    # take a distributed lock (a scheduler round trip, and a "Release failed" traceback when a stopped run's
    # scheduler is gone); under the synchronous scheduler it takes a local one.
    with dask.config.set(scheduler="synchronous"):
        for offset, (ds, path) in enumerate(zip(datasets, paths, strict=True)):
            if not path.exists():  # a chain interrupted between its writes: the rest is identical, keep it
                write(_as_part(ds, gen, point, task.fixed, task.sample + offset, task.root_seed), path)
    return _PartResult(task.path, time.perf_counter() - start, False)


def _make_samples(
    gen: Generator, params: Mapping[str, Any], root_seed: int, first: int, chain_samples: int
) -> list[xr.Dataset]:
    """Sample ``first`` (``chain_samples`` = 1), or the whole chain that starts at ``first``."""
    if chain_samples == 1 and gen.make_chain is None:
        return [gen.make_sample(params, sample_seed(root_seed, first), first)]
    datasets = list(gen.make_chain(params, sample_seed(root_seed, first // chain_samples), first))
    if len(datasets) != chain_samples:
        raise ValueError(
            f"generator {gen.name!r} returned {len(datasets)} samples for a chain of "
            f"{gen.chain_parameter} = {chain_samples}; make_chain must return one dataset per sample"
        )
    return datasets


def _attr_value(value: Any) -> Any:
    """A netCDF-safe attribute value: numbers and strings as they are, the rest as JSON."""
    if isinstance(value, (int, float, str)) and not isinstance(value, bool):
        return value
    return json.dumps(value)


def _as_part(
    ds: xr.Dataset,
    gen: Generator,
    point: Mapping[str, Any],
    fixed: Mapping[str, Any],
    sample: int,
    root_seed: int,
) -> xr.Dataset:
    """Grid parameters as scalar coordinates, provenance attributes, one ``sample``."""
    if not isinstance(ds, xr.Dataset):
        raise TypeError(f"generator {gen.name!r} returned {type(ds).__name__}; expected an xarray.Dataset")
    if ds.sizes.get("sample") != 1:
        raise ValueError(
            f"generator {gen.name!r} returned sample dimension of size {ds.sizes.get('sample')}; "
            "make_sample must return exactly one sample (ds.expand_dims('sample'))"
        )
    if "sample" not in ds.coords:
        ds = ds.assign_coords(sample=coordinate("sample", [sample]))
    elif int(ds["sample"].values[0]) != sample:
        raise ValueError(
            f"generator {gen.name!r} labelled sample {int(ds['sample'].values[0])} but was asked for "
            f"sample {sample}; set the sample coordinate from the sample argument"
        )
    clash = [n for n in point if n in ds.dims]
    if clash:
        raise ValueError(
            f"generator {gen.name!r} returned grid parameter(s) {clash} as dimensions; "
            "record parameters as attributes, the ensemble runner makes them coordinates"
        )
    coords = {}
    for name, value in point.items():
        attrs = dict(gen.parameter_attrs.get(name, {}))
        attrs.setdefault("long_name", name)
        if not isinstance(value, str):
            attrs.setdefault("units", "1")
        else:
            attrs.pop("units", None)
        coords[name] = xr.Variable((), value, attrs)
    part = ds.drop_vars([n for n in point if n in ds.variables]).assign_coords(coords)
    attrs = {k: v for k, v in ds.attrs.items() if k not in point}
    for name, value in fixed.items():  # the generator's own record of a parameter wins
        attrs.setdefault(name, _attr_value(value))
    attrs.update(
        **provenance(gen.name, gen.version, root_seed=int(root_seed)),
        seed_scheme=SEED_SCHEME,
        parameter_names=" ".join(point),
    )
    part.attrs = attrs
    return part
