"""Registry of generators keyed by name.

A generator turns (parameters, seed, sample index) into a one-sample
VDOS-1.0 dataset.  The ensemble runner (:mod:`vdosbench.generators.engine.ensemble`)
runs any registered generator over a parameter grid × samples.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import xarray as xr

from .parameters import Parameter

__all__ = ["ChainFunction", "Generator", "SampleFunction", "register", "get_generator", "generator_names"]


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


class ChainFunction(Protocol):
    """Make the k correlated samples of one chain (e.g. inherent structures taken along one Monte Carlo run).

    Parameters
    ----------
    params
        Every parameter by name; ``params[generator.chain_parameter]`` is k.
    seed
        The chain's :class:`numpy.random.SeedSequence`; the only source of randomness.
    first_sample
        Index of the chain's first sample; the chain yields samples
        ``first_sample … first_sample + k − 1``.

    Returns
    -------
    list of xarray.Dataset
        k one-sample datasets in sample order, each labelled with its own
        sample index and recording its chain.
    """

    def __call__(
        self, params: Mapping[str, Any], seed: np.random.SeedSequence, first_sample: int
    ) -> Sequence[xr.Dataset]: ...


@dataclass(frozen=True)
class Generator:
    """A named physical model.

    Attributes
    ----------
    name, version
        Recorded in every dataset (attributes ``generator``, ``generator_version``).
    make_sample
        The :class:`SampleFunction`.
    parameters
        Every parameter, declared once (:class:`~vdosbench.generators.engine.parameters.Parameter`),
        grid parameters in the order the ensemble's parameter dimensions take.
        ``grid_defaults``, ``fixed_defaults``, ``parameter_attrs`` and
        ``canonical`` are derived from them (give either the declarations or
        those four, not both), and :meth:`validate` checks every value against
        them after ``check_params``.
    grid_defaults
        Default values of the grid parameters (each a sequence), in the order
        the ensemble's parameter dimensions take.
    fixed_defaults
        Default values of the other parameters.
    parameter_attrs
        ``long_name`` and ``units`` of each parameter's coordinate or attribute.
    description
        One line for ``vdosbench generate --list``.
    source
        Where the model comes from, e.g. ``"seed 001"`` (the seed paper), for ``--list``.
    cost_estimate
        Optional: estimated seconds of one task (one sample, or one chain) on
        one core, from every parameter as ``make_sample`` gets them (after
        ``check_params`` accepted them); ``vdosbench generate --list-recipes``
        sums it over a recipe.  Module-level function; its docstring says what
        it is derived from.
    check_params
        Optional cheap validation of one sample's parameters (every parameter
        by name, as ``make_sample`` gets them), e.g. building the generator's
        settings dataclass; it raises ``ValueError`` or ``TypeError`` naming
        the bad value.  :class:`~vdosbench.generators.EnsembleSpec` calls it at
        every grid point in the parent process, so a bad value is refused
        before any task is submitted or any file is written.  Must be a
        module-level function (the generator is pickled to the workers).
    canonical
        Parameter name → a function giving the stored form of a value (e.g.
        ``taper_order``: ``"inf"`` or ``inf`` → −1), applied by
        :class:`~vdosbench.generators.EnsembleSpec` to grid and fixed values
        before anything else, so coordinates, part names and claims see one
        form.  A value the function cannot read is left as it is (for
        ``check_params`` to refuse).  Module-level functions.
    memory_estimate
        Optional: bytes one task (one sample, or one whole chain of a chain
        generator) holds at its peak, from every parameter as ``make_sample``
        gets them (called only after ``check_params`` accepted them); for a
        model with a dense eigenproblem the n × n matrices dominate (see
        :func:`~vdosbench.generators.spectra.full_spectrum_bytes`).  The
        ensemble runner multiplies it by the tasks that run at once and refuses,
        in the parent process and before any file is written, a request above
        the memory bound (:func:`vdosbench.datasets.memory.memory_limit`).
        ``None``: not checked (for models whose size cannot reach the bound).
        Must be a module-level function.
    make_chain, chain_parameter
        For generators whose samples come in correlated groups: the
        :class:`ChainFunction` and the name of the parameter that holds the
        samples per chain, k.  The ensemble runner then computes chain c
        (samples c·k … c·k + k − 1) in one task seeded by
        ``sample_seed(root_seed, c)``; ``n_samples`` must be a multiple of k.
        ``make_sample`` still makes one sample on its own (a chain of one).
    """

    name: str
    version: str
    make_sample: Callable[[Mapping[str, Any], np.random.SeedSequence, int], xr.Dataset]
    grid_defaults: Mapping[str, Sequence[Any]] = field(default_factory=dict)
    fixed_defaults: Mapping[str, Any] = field(default_factory=dict)
    parameter_attrs: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    description: str = ""
    make_chain: Callable[[Mapping[str, Any], np.random.SeedSequence, int], Sequence[xr.Dataset]] | None = None
    chain_parameter: str | None = None
    check_params: Callable[[Mapping[str, Any]], object] | None = None
    canonical: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)
    parameters: Sequence[Parameter] = ()
    source: str = ""
    cost_estimate: Callable[[Mapping[str, Any]], float] | None = None
    memory_estimate: Callable[[Mapping[str, Any]], int] | None = None

    def __post_init__(self) -> None:
        if (self.make_chain is None) != (self.chain_parameter is None):
            raise ValueError(
                f"generator {self.name!r}: make_chain and chain_parameter go together (found "
                f"make_chain={self.make_chain!r}, chain_parameter={self.chain_parameter!r})"
            )
        set_ = object.__setattr__
        if self.parameters:
            given = [n for n in ("grid_defaults", "fixed_defaults", "parameter_attrs", "canonical") if getattr(self, n)]
            if given:
                raise ValueError(
                    f"generator {self.name!r}: {given} given with parameters=; each parameter is declared once. "
                    "Fix: put defaults, attributes and the stored form in its Parameter"
                )
            names = [p.name for p in self.parameters]
            repeated = sorted({n for n in names if names.count(n) > 1})
            if repeated:
                raise ValueError(f"generator {self.name!r}: parameter(s) {repeated} declared twice; declare each once")
            set_(self, "parameters", tuple(self.parameters))
            set_(self, "grid_defaults", {p.name: p.default for p in self.parameters if p.grid})
            set_(self, "fixed_defaults", {p.name: p.default for p in self.parameters if not p.grid})
            set_(self, "parameter_attrs", {p.name: p.attrs for p in self.parameters})
            set_(self, "canonical", {p.name: p.canonical for p in self.parameters if p.canonical is not None})
        else:  # built the older way (tests, third-party generators): each parameter undeclared
            set_(
                self,
                "parameters",
                tuple(
                    [
                        Parameter.undeclared(n, tuple(v), True, self.parameter_attrs.get(n))
                        for n, v in self.grid_defaults.items()
                    ]
                    + [
                        Parameter.undeclared(n, v, False, self.parameter_attrs.get(n))
                        for n, v in self.fixed_defaults.items()
                        if n not in self.grid_defaults
                    ]
                ),
            )

    def parameter(self, name: str) -> Parameter:
        """The declaration of parameter ``name``; an unknown name lists the valid ones."""
        for p in self.parameters:
            if p.name == name:
                return p
        raise KeyError(
            f"generator {self.name!r} has no parameter {name!r}; its parameters are {[p.name for p in self.parameters]}"
        )

    def validate(self, params: Mapping[str, Any]) -> object:
        """Check one task's parameters: ``check_params``, then each value against its declaration.

        The model's own check runs first because its messages carry the physics
        (why a value is refused); the declarations then refuse what it does not
        check, so no value outside what ``vdosbench describe`` states gets through.

        Parameters
        ----------
        params
            Every parameter by name, as ``make_sample`` gets them.

        Returns
        -------
        object
            What ``check_params`` returns (e.g. the settings dataclass), or ``None``.

        Raises
        ------
        TypeError, ValueError
            Naming the parameter, what is allowed, the value found and the fix.
        """
        checked = None if self.check_params is None else self.check_params(params)
        for p in self.parameters:
            if p.name in params:
                p.check(params[p.name])
        return checked

    def chain_size(self, params: Mapping[str, Any]) -> int:
        """Samples per task: k = ``params[chain_parameter]`` for a chain generator, else 1."""
        if self.chain_parameter is None:
            return 1
        k = params.get(self.chain_parameter)
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
            raise ValueError(
                f"generator {self.name!r}: {self.chain_parameter} (samples per chain) is {k!r}; expected an integer ≥ 1"
            )
        return int(k)


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
        raise KeyError(f"unknown generator {name!r}; registered generators are {sorted(_REGISTRY)}") from None


def generator_names() -> list[str]:
    """Names of the registered generators, sorted."""
    return sorted(_REGISTRY)
