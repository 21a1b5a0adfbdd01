"""Generator parameters: their declarations, and checks with errors that say what was expected, found and the fix.

Shared by the generators so that every model rejects a bad value the same way.
A :class:`Parameter` declares one parameter once (name, meaning, units,
default, allowed values, grid or fixed); the :class:`~vdosbench.generators.Generator`
derives from its declarations the defaults, the coordinate attributes, the
stored form of a value, the first check of every value and the text of
``vdosbench describe`` and the "Command line" page of the documentation (docs/cli.md).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

__all__ = ["KINDS", "Parameter", "check_integer", "check_real", "from_mapping", "seed_attrs"]


def check_integer(name: str, value: object, minimum: int) -> int:
    """``value`` as an int ≥ ``minimum`` (bools and floats are refused).

    Examples
    --------
    >>> check_integer("n_side", 8, 3)
    8
    >>> check_integer("n_side", 2, 3)
    Traceback (most recent call last):
    ...
    ValueError: n_side must be an integer ≥ 3, found 2; pass a larger value
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer ≥ {minimum}, found {value!r} ({type(value).__name__}); pass an int")
    if int(value) < minimum:
        raise ValueError(f"{name} must be an integer ≥ {minimum}, found {int(value)}; pass a larger value")
    return int(value)


def check_real(name: str, value: object, *, minimum: float | None = None, strict: bool = False) -> float:
    """``value`` as a finite float, optionally ≥ (or > with ``strict``) ``minimum``.

    Examples
    --------
    >>> check_real("delta", 0.1, minimum=0.0)
    0.1
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number, found {value!r} ({type(value).__name__}); pass a float")
    out = float(value)
    if not math.isfinite(out):
        raise ValueError(f"{name} must be finite, found {out}; pass a finite number")
    if minimum is not None and (out < minimum or (strict and out == minimum)):
        relation = ">" if strict else "≥"
        raise ValueError(f"{name} must be {relation} {minimum:g}, found {out:g}; pass a larger value")
    return out


def seed_attrs(seed: np.random.SeedSequence | int) -> dict[str, object]:
    """``root_seed`` and ``seed_spawn_key`` of a sample's seed, for its attributes."""
    seq = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    entropy = seq.entropy
    root: object = (
        int(entropy) if isinstance(entropy, (int, np.integer)) and 0 <= int(entropy) < 2**63 else str(entropy)
    )
    return {"root_seed": root, "seed_spawn_key": str(tuple(int(k) for k in seq.spawn_key))}


def from_mapping(cls: type, params: Mapping[str, Any], what: str) -> Any:
    """``cls(**params)`` for a settings dataclass; unknown keys are named with the valid ones."""
    valid = [f.name for f in fields(cls)]
    unknown = sorted(set(params) - set(valid))
    if unknown:
        raise ValueError(f"unknown {what} parameter(s) {unknown}; valid parameters are {valid}")
    return cls(**dict(params))


#: What a :class:`Parameter` holds: ``int``, ``real``, ``choice`` (one of ``choices``), ``bool``,
#: ``ints`` (a list of integers) or ``any`` (not declared: no check, see :meth:`Parameter.undeclared`).
KINDS = ("int", "real", "choice", "bool", "ints", "any")


@dataclass(frozen=True)
class Parameter:
    """One generator parameter, declared once.

    Attributes
    ----------
    name
        The parameter name (``--grid NAME=…`` / ``--set NAME=…``, the coordinate or attribute name).
    meaning
        What it is, in a few words; the coordinate's ``long_name``.
    default
        The default value; for a grid parameter the sequence of default grid values.
    units
        CF ``units`` of the value (``"1"`` for a pure number); ``None`` for a choice or a flag.
    grid
        True: a grid parameter (a dimension of the ensemble); False: fixed (an attribute).
    kind
        One of :data:`KINDS`.
    choices
        The allowed values of a ``choice``.
    minimum, maximum
        Bounds of an ``int``, ``real`` or each entry of ``ints`` (``None``: unbounded).
    open_minimum, open_maximum
        True when the bound itself is excluded (``> minimum`` / ``< maximum``).
    infinite
        True when a ``real`` may be ``inf`` (e.g. T* = ∞: a quench from random positions).
    special
        Stored values allowed besides the range, e.g. ``taper_order = -1`` for m = ∞; they are
        shown as :func:`vdosbench.datasets.value_label` writes them.
    canonical
        Optional module-level function giving the stored form of a value (``"inf"`` → −1),
        applied before any check; a value it cannot read is left as it is.
    note
        A limit that depends on other parameters, in words (e.g. ``"< lattice_constant/2"``);
        the generator's ``check_params`` enforces it.
    before
        What an ensemble made without this parameter was made with: the value a manifest or catalogue recipe
        that does not name it means (the generator's behaviour before the parameter existed, or before its
        default changed).  ``None`` (the default): the same as ``default``.  Set it when a default changes, so
        that a folder or catalogued set made before the change resumes and rebuilds as it was made (issue 65
        item 2: ``mode_method``'s default became ``arpack``; sets without it were made with ``chebyshev``).

    Examples
    --------
    >>> p = Parameter("delta", "node displacement", (0.0, 0.1), units="1", grid=True, minimum=0.0, maximum=0.5,
    ...               open_maximum=True)
    >>> p.allowed
    'real in [0, 0.5)'
    >>> p.check(0.6)
    Traceback (most recent call last):
    ...
    ValueError: delta must be a real in [0, 0.5), found 0.6; pass a value in that range
    """

    name: str
    meaning: str
    default: Any
    units: str | None = None
    grid: bool = False
    kind: str = "real"
    choices: tuple[Any, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    open_minimum: bool = False
    open_maximum: bool = False
    infinite: bool = False
    special: tuple[Any, ...] = ()
    canonical: Callable[[Any], Any] | None = None
    note: str = ""
    before: Any = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"parameter {self.name!r}: kind {self.kind!r} is not one of {KINDS}")
        if (self.kind == "choice") != bool(self.choices):
            raise ValueError(
                f"parameter {self.name!r}: choices go with kind 'choice' (found kind {self.kind!r}, "
                f"choices {self.choices!r})"
            )
        if self.grid and (isinstance(self.default, (str, bytes)) or not isinstance(self.default, Sequence)):
            raise ValueError(
                f"grid parameter {self.name!r}: default must be a sequence of grid values, found {self.default!r}"
            )
        object.__setattr__(self, "choices", tuple(self.choices))
        object.__setattr__(self, "special", tuple(self.special))
        if self.grid:
            object.__setattr__(self, "default", tuple(self.default))

    @classmethod
    def undeclared(cls, name: str, default: Any, grid: bool, attrs: Mapping[str, str] | None = None) -> Parameter:
        """A parameter of a generator built from ``grid_defaults`` / ``fixed_defaults``: no meaning beyond its
        ``long_name``, no check of its own (the generator's ``check_params`` still runs)."""
        attrs = attrs or {}
        return cls(name, attrs.get("long_name", ""), default, units=attrs.get("units"), grid=grid, kind="any")

    @property
    def when_absent(self) -> Any:
        """The value a manifest or recipe that does not name the parameter means (``before``, else ``default``)."""
        return self.default if self.before is None else self.before

    @property
    def declared(self) -> bool:
        """True when the parameter is declared (a meaning and a kind other than ``any``)."""
        return bool(self.meaning) and self.kind != "any"

    @property
    def attrs(self) -> dict[str, str]:
        """``long_name`` and (when it has units) ``units`` of the coordinate or attribute."""
        out = {"long_name": self.meaning or self.name}
        if self.units is not None:
            out["units"] = self.units
        return out

    @property
    def allowed(self) -> str:
        """The allowed values in words, e.g. ``"integer ≥ 3"``, ``"one of nearest, cutoff"``."""
        from vdosbench.datasets.labels import value_label

        if self.kind == "any":
            return "not declared"
        if self.kind == "choice":
            return "one of " + ", ".join(str(c) for c in self.choices)
        if self.kind == "bool":
            return "true or false"
        noun = {"int": "integer", "real": "real", "ints": "list of integers"}[self.kind]
        text = noun + self._range_text()
        if self.infinite:
            text += ", or inf"
        if self.special:
            text += ", or " + ", ".join(f"{value_label(self.name, v)} (stored as {v})" for v in self.special)
        if self.note:
            text += f" ({self.note})"
        return text

    @property
    def _a_allowed(self) -> str:
        return ("an " if self.allowed[0] in "aeiou" else "a ") + self.allowed

    def _range_text(self) -> str:
        lo, hi = self.minimum, self.maximum
        if lo is not None and hi is not None:
            return f" in {'(' if self.open_minimum else '['}{lo:g}, {hi:g}{')' if self.open_maximum else ']'}"
        if lo is not None:
            return f" {'>' if self.open_minimum else '≥'} {lo:g}"
        if hi is not None:
            return f" {'<' if self.open_maximum else '≤'} {hi:g}"
        return ""

    def stored(self, value: Any) -> Any:
        """``value`` in its stored form (:attr:`canonical`), or as given."""
        return value if self.canonical is None else self.canonical(value)

    def check(self, value: Any) -> Any:
        """Refuse a value outside the declaration; return it (in its stored form) otherwise.

        Raises
        ------
        TypeError, ValueError
            Naming the parameter, the allowed values, the value found and the fix.
        """
        value = self.stored(value)
        if self.kind == "any" or (value in self.special and not isinstance(value, (bool, np.bool_))):
            return value
        if self.kind == "choice":
            if not isinstance(value, (str, np.str_)) or str(value) not in self.choices:
                raise ValueError(f"{self.name} must be {self.allowed}, found {value!r}; pick one of them")
            return value
        if self.kind == "bool":
            if not isinstance(value, (bool, np.bool_)):
                raise TypeError(f"{self.name} must be true or false, found {value!r}; pass true or false")
            return value
        if self.kind == "ints":
            if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
                raise TypeError(f"{self.name} must be {self._a_allowed}, found {value!r}; pass e.g. [0, 5]")
            for entry in value:
                self._check_number(entry, integer=True, what=f"{self.name} entry")
            return value
        self._check_number(value, integer=self.kind == "int", what=self.name)
        return value

    def _check_number(self, value: Any, integer: bool, what: str) -> None:
        if integer:
            ok = not isinstance(value, (bool, np.bool_)) and isinstance(value, (int, np.integer))
        else:
            ok = not isinstance(value, (bool, np.bool_)) and isinstance(value, (int, float, np.integer, np.floating))
        if not ok:
            raise TypeError(
                f"{what} must be {self._a_allowed}, found {value!r} ({type(value).__name__}); "
                f"pass {'an integer' if integer else 'a number'}"
            )
        x = float(value)
        if math.isnan(x) or (math.isinf(x) and not (self.infinite and x > 0)):
            raise ValueError(f"{what} must be {self._a_allowed}, found {x}; pass a finite number")
        lo, hi = self.minimum, self.maximum
        below = lo is not None and (x < lo or (self.open_minimum and x == lo))
        above = hi is not None and (x > hi or (self.open_maximum and x == hi))
        if below or above:
            raise ValueError(f"{what} must be {self._a_allowed}, found {value!r}; pass a value in that range")
