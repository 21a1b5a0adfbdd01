"""Registry of generators keyed by name.

A generator turns (parameters, seed, sample index) into a one-sample
VDOS-1.0 dataset.  The ensemble runner (:mod:`vdosbench.generators.ensemble`)
runs any registered generator over a parameter grid × samples.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import xarray as xr

__all__ = ["Generator", "SampleFunction", "register", "get_generator", "generator_names"]


class SampleFunction(Protocol):
    """Make one sample.

    Parameters
    ----------
    params
        Every parameter (grid and fixed) by name, already merged with defaults.
    seed
        This sample's :class:`numpy.random.SeedSequence`; the only source of
        randomness.
    sample
        The sample index (stored as the ``sample`` coordinate).

    Returns
    -------
    xarray.Dataset
        A VDOS-1.0 dataset with a ``sample`` dimension of length 1 and every
        parameter recorded as an attribute.
    """

    def __call__(self, params: Mapping[str, Any], seed: np.random.SeedSequence, sample: int) -> xr.Dataset: ...


@dataclass(frozen=True)
class Generator:
    """A named physical model.

    Attributes
    ----------
    name, version
        Recorded in every dataset (attributes ``generator``, ``generator_version``).
    make_sample
        The :class:`SampleFunction`.
    grid_defaults
        Default values of the grid parameters (each a sequence), in the order
        the ensemble's parameter dimensions take.
    fixed_defaults
        Default values of the other parameters.
    parameter_attrs
        ``long_name`` and ``units`` of each grid parameter's coordinate.
    description
        One line for ``vdosbench generate --help``.
    """

    name: str
    version: str
    make_sample: Callable[[Mapping[str, Any], np.random.SeedSequence, int], xr.Dataset]
    grid_defaults: Mapping[str, Sequence[Any]]
    fixed_defaults: Mapping[str, Any] = field(default_factory=dict)
    parameter_attrs: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    description: str = ""


_REGISTRY: dict[str, Generator] = {}


def register(generator: Generator, *, replace: bool = False) -> Generator:
    """Add ``generator`` to the registry (``replace=True`` to overwrite a name)."""
    if generator.name in _REGISTRY and not replace:
        raise ValueError(f"a generator named {generator.name!r} is already registered; pass replace=True")
    _REGISTRY[generator.name] = generator
    return generator


def get_generator(name: str) -> Generator:
    """The registered generator ``name``; an unknown name lists the valid ones."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise KeyError(
            f"unknown generator {name!r}; registered generators are {sorted(_REGISTRY)}"
        ) from None


def generator_names() -> list[str]:
    """Names of the registered generators, sorted."""
    return sorted(_REGISTRY)
