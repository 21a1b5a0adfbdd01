"""What an ensemble is: its settings, the names of its part files, and its seeds.

:class:`EnsembleSpec` validates a generator's grid and fixed parameters;
:func:`part_path` names the part file of a (grid point, sample) and
:func:`sample_seed` gives its seed.  The runner that computes the parts on
Dask is :mod:`vdosbench.generators.engine.ensemble`, whose docstring describes the
folder layout, resuming and the seed scheme.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import product
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from vdosbench.datasets import RESERVED_DIMS
from vdosbench.datasets.errors import VdosbenchError
from vdosbench.datasets.labels import point_label

from .registry import Generator, get_generator

__all__ = [
    "EnsembleError",
    "EnsembleSettingsError",
    "EnsembleSpec",
    "PartFailure",
    "Recipe",
    "SEED_SCHEME",
    "part_label",
    "part_name",
    "part_path",
    "sample_seed",
]

#: How a sample's seed is derived; recorded as the attribute ``seed_scheme``.
SEED_SCHEME = (
    "numpy.random.SeedSequence(root_seed, spawn_key=(sample,)); the same seed for a "
    "sample index at every grid point (common random numbers)"
)
#: Name of the part folder of an ensemble without grid parameters.
SINGLE_POINT_NAME = "single-point"
_MAX_NAME = 160  # characters of a part folder name before it is shortened
_SAFE = re.compile(r"[^a-z0-9._+-]")
# attributes written by the runner; a parameter must not use one of these names
_RESERVED_ATTRS = frozenset(
    {
        "Conventions",
        "title",
        "source",
        "history",
        "references",
        "spatial_dimension",
        "site_degrees_of_freedom",
        "generator",
        "generator_version",
        "root_seed",
        "n_samples",
        "grid",
        "vdosbench_version",
        "parameter_names",
        "seed_scheme",
    }
)


class EnsembleSettingsError(VdosbenchError, ValueError):
    """The ensemble settings are invalid (unknown parameter, bad grid, folder of another ensemble)."""


@dataclass(frozen=True)
class PartFailure:
    """One part that raised.

    Attributes
    ----------
    label
        The grid point and sample, e.g. ``"delta=0.1, kind='a', sample=1"``.
    path
        Its part file (not written).
    error
        The original exception.
    seed
        The seed the part was computed with, e.g.
        ``"SeedSequence(20260, spawn_key=(1,))"`` (empty when unknown), so the
        failure can be reproduced in one process.
    """

    label: str
    path: Path
    error: BaseException
    seed: str = ""

    @classmethod
    def of_part(
        cls, spec: EnsembleSpec, point: Mapping[str, Any], sample: int, path: Path, error: BaseException
    ) -> PartFailure:
        """The failure of ``spec``'s part (``point``, ``sample``), with the seed it ran with (its chain's)."""
        gen = spec.generator
        seed_index = sample if gen.make_chain is None else sample // gen.chain_size({**point, **spec.fixed})
        return cls(part_label(point, sample), path, error, f"SeedSequence({spec.root_seed}, spawn_key=({seed_index},))")


class EnsembleError(VdosbenchError, RuntimeError):
    """Some parts failed; the others were written and a re-run computes only the missing ones.

    Attributes
    ----------
    failures
        Every failed part, in the order of the grid.
    """

    def __init__(self, failures: Sequence[PartFailure], n_parts: int, output: Path) -> None:
        self.failures = list(failures)
        shown = "\n".join(
            f"  - {f.label}{f' (seed {f.seed})' if f.seed else ''}: {type(f.error).__name__}: {f.error}"
            for f in self.failures[:10]
        )
        more = f"\n  ... and {len(self.failures) - 10} more" if len(self.failures) > 10 else ""
        super().__init__(
            f"{len(self.failures)} of {n_parts} part(s) of the ensemble in {output} failed; the other "
            f"parts were written:\n{shown}{more}\n"
            "Fix the cause and run the same call again: a re-run resumes, computing only the "
            "missing parts."
        )


class NoWorkerError(VdosbenchError, RuntimeError):
    """No Dask worker was connected to the scheduler for the stated wait while parts were left to compute.

    The parts finished before are kept; a re-run once workers are back computes only the missing ones.
    """


# --------------------------------------------------------------------------
# settings
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class EnsembleSpec:
    """What an ensemble is: generator, grid, fixed parameters, samples, seed.

    Build it with :meth:`create` (defaults, name look-up); the constructor
    validates and normalises.

    Attributes
    ----------
    generator
        The generator.
    grid
        Grid parameter → tuple of values, in the order of the parameter
        dimensions.  Numeric values are normalised to one Python type per
        parameter (``[0, 0.1]`` becomes ``(0.0, 0.1)``).
    fixed
        Every other parameter → its value (defaults already merged).
    n_samples
        Samples per grid point (≥ 1).
    root_seed
        Non-negative integer root of every sample's seed (:func:`sample_seed`).
    by_name
        Workers look the generator up by name (:func:`get_generator`) instead
        of receiving the object; :meth:`create` sets it when a name was given.
    first_sample
        The first sample this run computes (default 0): the run covers samples
        ``first_sample … n_samples − 1`` of the ensemble, so one ensemble can be
        split over machines or folders (``--first-sample`` of ``vdosbench
        generate``) and the pieces merged by sample.  Sample ``i`` is the same
        part in every piece (its seed depends on ``i`` only); for a chain
        generator it must start a chain (a multiple of the samples per chain).

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> def make(params, seed, sample):
    ...     return mock_spectrum(n_sample=1, seed=int(seed.generate_state(1)[0]))
    >>> gen = Generator("toy", "1", make, grid_defaults={"delta": [0, 0.1]}, fixed_defaults={"n": 4})
    >>> spec = EnsembleSpec.create(gen, n_samples=2, root_seed=7)
    >>> spec.grid, spec.fixed
    ({'delta': (0.0, 0.1)}, {'n': 4})
    >>> [str(p) for _, _, p in spec.parts()][:2]
    ['delta-0.0/sample-0000.nc', 'delta-0.0/sample-0001.nc']
    """

    generator: Generator
    grid: Mapping[str, tuple[Any, ...]]
    fixed: Mapping[str, Any]
    n_samples: int
    root_seed: int
    by_name: bool = False
    first_sample: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.generator, Generator):
            raise TypeError(
                f"generator must be a vdosbench.generators.Generator, got {type(self.generator).__name__}; "
                "use EnsembleSpec.create to look one up by name"
            )
        object.__setattr__(self, "grid", _normalise_grid(self.grid))
        object.__setattr__(self, "fixed", {str(k): _json_value(v, str(k)) for k, v in self.fixed.items()})
        _check_names(self.generator, self.grid, self.fixed)
        if isinstance(self.n_samples, bool) or not isinstance(self.n_samples, (int, np.integer)) or self.n_samples < 1:
            raise EnsembleSettingsError(f"n_samples is {self.n_samples!r}; expected an integer ≥ 1")
        if isinstance(self.root_seed, bool) or not isinstance(self.root_seed, (int, np.integer)) or self.root_seed < 0:
            raise EnsembleSettingsError(
                f"root_seed is {self.root_seed!r}; expected a non-negative integer (numpy.random.SeedSequence entropy)"
            )
        if (
            isinstance(self.first_sample, bool)
            or not isinstance(self.first_sample, (int, np.integer))
            or not 0 <= self.first_sample < self.n_samples
        ):
            raise EnsembleSettingsError(
                f"first_sample is {self.first_sample!r}; expected an integer in [0, n_samples - 1] = "
                f"[0, {self.n_samples - 1}] (the run computes samples first_sample ... n_samples - 1)"
            )
        object.__setattr__(self, "n_samples", int(self.n_samples))
        object.__setattr__(self, "root_seed", int(self.root_seed))
        object.__setattr__(self, "first_sample", int(self.first_sample))
        _check_values(self.generator, self.points(), self.fixed)

    @classmethod
    def create(
        cls,
        generator: str | Generator,
        *,
        grid: Mapping[str, Sequence[Any]] | None = None,
        fixed: Mapping[str, Any] | None = None,
        n_samples: int,
        root_seed: int,
        first_sample: int = 0,
    ) -> EnsembleSpec:
        """Settings from a generator (object or registered name) and overrides.

        Parameters
        ----------
        generator
            A :class:`Generator`, or the name of a registered one (workers
            then look it up by name, importing the module that defines it).
        grid
            Grid parameter → values.  ``None`` takes ``generator.grid_defaults``
            (less the parameters given in ``fixed``); otherwise it *replaces*
            the default grid, and every default grid parameter left out must
            be given in ``fixed``.  A grid parameter overrides its default in
            ``generator.fixed_defaults``.
        fixed
            Merged over ``generator.fixed_defaults``.
        n_samples, root_seed, first_sample
            See the class attributes.

        Raises
        ------
        KeyError
            Unknown generator name (the message lists the registered ones).
        EnsembleSettingsError
            Unknown or missing parameter names (the message lists the valid
            ones), empty or repeated grid values, a value the generator
            refuses (its ``check_params``, at every grid point).
        """
        by_name = isinstance(generator, str)
        gen = get_generator(generator) if isinstance(generator, str) else generator
        fixed = dict(fixed or {})
        if grid is None:
            grid_in = {k: v for k, v in gen.grid_defaults.items() if k not in fixed}
        else:
            grid_in = dict(grid)
        fixed_in = {k: v for k, v in gen.fixed_defaults.items() if k not in grid_in}
        fixed_in.update(fixed)
        grid_in = {k: _canonical(gen, k, v, many=True) for k, v in grid_in.items()}
        fixed_in = {k: _canonical(gen, k, v, many=False) for k, v in fixed_in.items()}
        return cls(gen, grid_in, fixed_in, n_samples, root_seed, by_name=by_name, first_sample=first_sample)

    @property
    def parameter_names(self) -> tuple[str, ...]:
        """Grid parameter names, in the order of the parameter dimensions."""
        return tuple(self.grid)

    def points(self) -> list[dict[str, Any]]:
        """Every grid point (grid parameter → value), in C order of the grid."""
        names = self.parameter_names
        return [dict(zip(names, values, strict=True)) for values in product(*self.grid.values())]

    def parts(self) -> list[tuple[dict[str, Any], int, PurePosixPath]]:
        """Every (grid point, sample, part path relative to ``output/parts``) of samples ``first_sample`` on."""
        return [(pt, s, part_path(pt, s)) for pt in self.points() for s in range(self.first_sample, self.n_samples)]

    def manifest_when_absent(self) -> dict[str, Any]:
        """What a manifest that does not name a fixed parameter means, in the manifest's stored form (canonical,
        JSON values): each parameter's :attr:`~.parameters.Parameter.when_absent` (its default, unless the default
        changed after ensembles without the parameter were made)."""
        absent = {p.name: p.when_absent for p in self.generator.parameters if not p.grid}
        return {
            str(k): _json_value(_canonical(self.generator, str(k), v, many=False), str(k)) for k, v in absent.items()
        }

    def manifest(self) -> dict[str, Any]:
        """The JSON manifest written to ``output/ensemble.json``."""
        return {
            "generator": self.generator.name,
            "generator_version": self.generator.version,
            "grid": {k: list(v) for k, v in self.grid.items()},
            "fixed": dict(self.fixed),
            "n_samples": self.n_samples,
            "root_seed": self.root_seed,
            # only when not 0, so that the manifests of whole ensembles stay as they were
            **({"first_sample": self.first_sample} if self.first_sample else {}),
        }


def _normalise_grid(grid: Mapping[str, Any]) -> dict[str, tuple[Any, ...]]:
    out: dict[str, tuple[Any, ...]] = {}
    for name, values in grid.items():
        name = str(name)
        if isinstance(values, (str, bytes)) or not isinstance(values, (Sequence, np.ndarray, range)):
            raise EnsembleSettingsError(
                f"grid values of {name!r} are {values!r}; expected a sequence such as [0.0, 0.1] "
                f"(to hold {name!r} at one value, pass fixed={{{name!r}: value}} or a one-element list)"
            )
        items = [_json_value(v, name) for v in values]
        if not items:
            raise EnsembleSettingsError(f"grid parameter {name!r} has no values; give at least one")
        kinds = {_kind(v) for v in items}
        if kinds == {"int", "float"}:
            items = [float(v) for v in items]
        elif len(kinds) > 1:
            raise EnsembleSettingsError(
                f"grid values of {name!r} mix types {sorted(kinds)}: {items}; use one type per parameter"
            )
        if kinds - {"int", "float", "bool", "str"}:
            raise EnsembleSettingsError(f"grid values of {name!r} must be numbers, booleans or strings; got {items}")
        if len({json.dumps(v) for v in items}) != len(items):
            raise EnsembleSettingsError(f"grid values of {name!r} repeat: {items}; give each value once")
        if any(isinstance(v, float) and math.isnan(v) for v in items):
            raise EnsembleSettingsError(f"grid values of {name!r} contain NaN: {items}")
        out[name] = tuple(items)
    return out


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "str"
    return type(value).__name__


def _json_value(value: Any, name: str) -> Any:
    """``value`` as plain JSON-serialisable Python (numpy scalars and arrays converted)."""
    if isinstance(value, (np.generic, np.ndarray)):
        value = value.tolist()
    if isinstance(value, tuple):
        value = list(value)
    if isinstance(value, list):
        return [_json_value(v, name) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _json_value(v, name) for k, v in value.items()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise EnsembleSettingsError(
        f"parameter {name!r} has value {value!r} of type {type(value).__name__}; parameters must be "
        "numbers, strings, booleans, None or lists/dicts of these so the ensemble can be rebuilt "
        "from its attributes"
    )


def _check_names(gen: Generator, grid: Mapping[str, Any], fixed: Mapping[str, Any]) -> None:
    valid = list(dict.fromkeys([*gen.grid_defaults, *gen.fixed_defaults]))
    unknown = [n for n in [*grid, *fixed] if n not in valid]
    if unknown:
        raise EnsembleSettingsError(
            f"unknown parameter(s) {unknown} for generator {gen.name!r}; valid parameters are {valid}"
        )
    both = [n for n in grid if n in fixed]
    if both:
        raise EnsembleSettingsError(
            f"parameter(s) {both} given both in the grid and as fixed values; give each in one place"
        )
    missing = [n for n in valid if n not in grid and n not in fixed]
    if missing:
        raise EnsembleSettingsError(
            f"parameter(s) {missing} of generator {gen.name!r} have no value: the grid replaces "
            f"the default grid {dict(gen.grid_defaults)}, so add them to grid or to fixed"
        )
    clash = [n for n in valid if n in _RESERVED_ATTRS or n in RESERVED_DIMS]
    if clash:
        raise EnsembleSettingsError(
            f"generator {gen.name!r} has parameter(s) {clash} named like reserved attributes or "
            "dimensions of VDOS-1.0; rename them in the generator"
        )


def _canonical(gen: Generator, name: str, value: Any, many: bool) -> Any:
    """``value`` (a sequence of values when ``many``) in the stored form of ``gen.canonical[name]``, if any."""
    convert = gen.canonical.get(name)
    if convert is None:
        return value
    if many and isinstance(value, (list, tuple)):
        return type(value)(convert(v) for v in value)
    return convert(value)


def _check_values(gen: Generator, points: Sequence[Mapping[str, Any]], fixed: Mapping[str, Any]) -> None:
    """Check every grid point (:meth:`Generator.validate`): a bad value is refused here, in the parent process."""
    for point in points:
        try:
            gen.validate({**point, **fixed})
        except (ValueError, TypeError, KeyError) as e:
            where = f" at grid point {point_label(point)}" if point else ""
            text = e.args[0] if isinstance(e, KeyError) and e.args else e
            raise EnsembleSettingsError(
                f"generator {gen.name!r} refuses its parameters{where}: {text}. Nothing was computed or "
                "written; fix the value (--set NAME=VALUE / --grid NAME=V1,V2, or fixed= / grid=)"
            ) from e


# --------------------------------------------------------------------------
# seeds and names
# --------------------------------------------------------------------------


def sample_seed(root_seed: int, sample: int) -> np.random.SeedSequence:
    """The seed of sample ``sample``, the same at every grid point.

    Parameters
    ----------
    root_seed
        The ensemble's root seed (non-negative integer).
    sample
        Sample index (≥ 0).

    Returns
    -------
    numpy.random.SeedSequence
        ``SeedSequence(root_seed, spawn_key=(sample,))``: the ``sample``-th
        child of ``SeedSequence(root_seed)``, independent of every other
        sample and of the grid point (common random numbers, seed 002).

    Examples
    --------
    >>> seq = sample_seed(2024, 3)
    >>> seq.spawn_key
    (3,)
    >>> bool(seq.generate_state(1)[0] == np.random.SeedSequence(2024).spawn(4)[3].generate_state(1)[0])
    True
    """
    return np.random.SeedSequence(int(root_seed), spawn_key=(int(sample),))


def _format_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def part_path(point: Mapping[str, Any], sample: int) -> PurePosixPath:
    """The path of one part relative to ``output/parts``: ``<part_name(point)>/sample-NNNN.nc``."""
    return PurePosixPath(part_name(point), f"sample-{int(sample):04d}.nc")


def part_name(point: Mapping[str, Any]) -> str:
    """A readable, deterministic, unique folder name for a grid point.

    ``name-value`` pairs joined by ``__``; floats as ``repr`` (shortest
    round-trip form).  A value that must be altered for a portable file name
    (characters outside ``[a-z0-9._+-]``, upper case, or ``__``), or a name
    longer than 160 characters, gets ``--`` and a hash of the exact values
    appended, so two points never share a folder.

    Examples
    --------
    >>> part_name({"delta": 0.1, "connectivity": "fixed4"})
    'delta-0.1__connectivity-fixed4'
    >>> part_name({"label": "a/b"})[:10]
    'label-a_b-'
    >>> part_name({})
    'single-point'
    """
    if not point:
        return SINGLE_POINT_NAME
    pieces = []
    altered = False
    for name, value in point.items():
        text = _format_value(value)
        safe = _SAFE.sub("_", text.lower())
        altered |= safe != text or "__" in text
        pieces.append(f"{_SAFE.sub('_', str(name).lower())}-{safe}")
    readable = "__".join(pieces)
    if altered or len(readable) > _MAX_NAME:
        digest = hashlib.sha256(json.dumps(list(point.items())).encode()).hexdigest()[:10]
        readable = f"{readable[:_MAX_NAME]}--{digest}"
    return readable


def part_label(point: Mapping[str, Any], sample: int) -> str:
    return ", ".join([*(f"{k}={v!r}" for k, v in point.items()), f"sample={sample}"])


@dataclass(frozen=True)
class Recipe:
    """A named ensemble: what :func:`vdosbench.generators.run_ensemble` needs to build it.

    Attributes
    ----------
    generator
        Registered generator name.
    grid, fixed
        Grid parameters (name → values) and fixed parameters.
    n_samples
        Samples per grid point.
    root_seed
        Root of the per-sample seeds.
    description
        What the ensemble is for (the seed figure it reproduces).
    """

    generator: str
    grid: Mapping[str, Sequence[Any]]
    fixed: Mapping[str, Any]
    n_samples: int
    root_seed: int
    description: str = ""
