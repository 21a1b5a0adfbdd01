"""What each validator measures: the registry that scoring looks validators up in.

A validator that a claim may name registers itself where it is defined, with
the quantities its result holds (``result.<quantity>`` is a
:class:`~vdosbench.validators.Measurement`)::

    @measures("flatness", "mle", settings=_window_from_toml)
    def power_law_exponent(ds, window, ...): ...

``settings`` turns a claim's TOML settings into the call's keyword arguments
(a list where the function wants a tuple, a window spelled as text); without
it the settings are passed as they are; ``as_mapping=True`` passes them as one
mapping (``f(point, settings)``).  ``pair=True`` registers a validator
that compares a point with its ``versus`` point itself
(``f(point, versus, settings)``, returning the Measurement);
:func:`paired_difference` registers the paired difference of two results of a
validator (same realisations at both points).  A layer above the validators
(the benchmark's scoring) may register what it builds on them with the same
decorators.

A claim of a registration (``benchmark/registrations``) may name a measure that only its study can compute,
on the data the registration names rather than on one dataset point (a difference of two starts' late
energies, a rule over a LAMMPS sample's segments): the study declares it where it computes it,
``@study_measure("two_start.late_mean_difference")``, and :data:`STUDY_MEASURES` holds it, so that every
measure a claim names exists in the code.

:mod:`vdosbench.benchmark.scoring` reads :data:`POINT_VALIDATORS`,
:data:`PAIR_VALIDATORS` and :data:`PAIRED_DIFFERENCES`; each entry of the
first two is called ``entry(point, settings)`` (or ``entry(point, versus,
settings)``) and carries ``quantities``.

Examples
--------
>>> from vdosbench.validators import power_law_exponent  # importing a validator registers it
>>> POINT_VALIDATORS["power_law_exponent"].quantities
('flatness', 'mle')
>>> sorted(POINT_VALIDATORS["power_law_exponent"].call_settings({"window": "lowest_k", "k": 10}))
['window']
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

__all__ = [
    "PAIRED_DIFFERENCES",
    "PAIR_VALIDATORS",
    "POINT_VALIDATORS",
    "RegisteredValidator",
    "STUDY_MEASURES",
    "measures",
    "paired_difference",
    "registered",
    "study_measure",
]

_F = TypeVar("_F", bound=Callable[..., Any])


@dataclass(frozen=True)
class RegisteredValidator:
    """A validator as a claim names it.

    Attributes
    ----------
    name
        The name claims use (``measure.validator``).
    function
        The validator.
    quantities
        The attributes of its result that are measurements a claim can judge (for a pair validator: the name
        of the Measurement it returns).
    settings
        Claim settings (TOML) -> keyword arguments of ``function``; ``None``: passed as they are.
    pair
        Whether it compares a point with its ``versus`` point itself.
    structural
        Whether it measures the structure, not the spectrum (an all-zero spectrum does not stop it).
    as_mapping
        Whether ``function`` takes the settings as one mapping (``function(point, settings)``).
    """

    name: str
    function: Callable[..., Any]
    quantities: tuple[str, ...]
    settings: Callable[[Mapping[str, Any]], dict[str, Any]] | None = None
    pair: bool = False
    structural: bool = False
    as_mapping: bool = False

    def call_settings(self, settings: Mapping[str, Any]) -> dict[str, Any]:
        """The keyword arguments of ``function`` for a claim's ``settings``."""
        return dict(settings) if self.settings is None else self.settings(settings)

    def __call__(self, *points_and_settings: Any) -> Any:
        """``(point, settings)``, or ``(point, versus, settings)`` for a pair validator: the validator's result."""
        *points, settings = points_and_settings
        if self.as_mapping:
            return self.function(*points, self.call_settings(settings))
        return self.function(*points, **self.call_settings(settings))


#: Validators of one point, by the name claims use: ``entry(point, settings)`` -> result.
POINT_VALIDATORS: dict[str, Callable[..., Any]] = {}
#: Validators that compare a point with its ``versus`` point: ``entry(point, versus, settings)`` -> Measurement.
PAIR_VALIDATORS: dict[str, Callable[..., Any]] = {}
#: Paired differences of two results of one validator (same realisations at both points), by validator name:
#: ``f(result, versus_result, quantity, *, n_bootstrap, seed)`` -> Measurement.
PAIRED_DIFFERENCES: dict[str, Callable[..., Any]] = {}


def measures(
    *quantities: str,
    name: str | None = None,
    settings: Callable[[Mapping[str, Any]], dict[str, Any]] | None = None,
    pair: bool = False,
    structural: bool = False,
    as_mapping: bool = False,
) -> Callable[[_F], _F]:
    """Register the decorated validator as measuring ``quantities`` (module docstring); returns it unchanged.

    Parameters
    ----------
    quantities
        The measurements its result holds, by attribute name.
    name
        The name claims use; default the function's name.
    settings
        Claim settings -> keyword arguments (default: as they are).
    pair
        A validator of two points, ``function(point, versus, **settings)``.
    structural
        It measures the structure, not the spectrum.
    as_mapping
        It takes the settings as one mapping, ``function(point, settings)``.

    Raises
    ------
    ValueError
        If no quantity is named, or another function is registered under the same name.
    """
    if not quantities:
        raise ValueError("measures() needs the quantities the validator's result holds, e.g. measures('mle')")

    def register(function: _F) -> _F:
        key = name or function.__name__
        entry = RegisteredValidator(key, function, tuple(quantities), settings, pair, structural, as_mapping)
        table = PAIR_VALIDATORS if pair else POINT_VALIDATORS
        known = table.get(key)
        if known is not None and getattr(known, "function", None) is not function and _where(known) != _where(entry):
            raise ValueError(f"validator {key!r} is registered twice: by {_where(known)} and {_where(entry)}")
        table[key] = entry
        return function

    return register


#: Measures a study computes on the data its registration names, by the name its claims use: name -> function.
STUDY_MEASURES: dict[str, Callable[..., Any]] = {}


def study_measure(*names: str) -> Callable[[_F], _F]:
    """Declare the decorated function as the study's computation of the measures its registration's claims call
    ``names`` (module docstring); returns it unchanged.

    Raises
    ------
    ValueError
        If no name is given, or another function is declared under one of them.
    """
    if not names:
        raise ValueError("study_measure() needs the names the registration's claims use")

    def declare(function: _F) -> _F:
        for name in names:
            known = STUDY_MEASURES.get(name)
            if known is not None and _source(known) != _source(function):
                raise ValueError(f"study measure {name!r} is declared twice: by {_where(known)} and {_where(function)}")
            STUDY_MEASURES[name] = function
        return function

    return declare


def paired_difference(name: str) -> Callable[[_F], _F]:
    """Register the decorated function as the paired difference of validator ``name``'s results."""

    def register(function: _F) -> _F:
        PAIRED_DIFFERENCES[name] = function
        return function

    return register


def registered(name: str) -> Callable[..., Any]:
    """The validator registered as ``name`` (a point or a pair validator); a ``KeyError`` lists the known names."""
    found = POINT_VALIDATORS.get(name, PAIR_VALIDATORS.get(name))
    if found is None:
        raise KeyError(f"unknown validator {name!r}; known: {sorted([*POINT_VALIDATORS, *PAIR_VALIDATORS])}")
    return found


def _source(function: Any) -> tuple[str, str]:
    """Where ``function`` is written (file and qualified name): one study module imported under two names (as a
    package module and loaded from its file by a test) declares the same function."""
    code = getattr(function, "__code__", None)
    return (getattr(code, "co_filename", "?"), getattr(function, "__qualname__", "?"))


def _where(entry: Any) -> str:
    function = getattr(entry, "function", entry)
    return f"{getattr(function, '__module__', '?')}.{getattr(function, '__qualname__', '?')}"
