"""Strict JSON: every JSON file vdosbench writes parses with any JSON parser (RFC 8259).

Python's :func:`json.dumps` writes a non-finite float as ``Infinity``, ``-Infinity`` or ``NaN``, which are not
JSON: JavaScript's ``JSON.parse``, ``jq`` and most CI tools reject the whole file (fault G14 of 2026-11-28: a
T∞ set's ``parent_temperature = inf`` made ``result.json`` unreadable to them).  :func:`dumps_strict` writes

- ``+inf`` as the string ``"inf"`` and ``-inf`` as ``"-inf"``: an infinite parameter (T* = ∞, the untapered
  limit) or bound, as the labels of :mod:`vdosbench.datasets.labels` spell it;
- ``nan`` as ``null``: no value (not measured, undefined; e.g. the uncertainty of a point that could not be
  measured);

and refuses any other non-finite value (``allow_nan=False``).  :func:`loads_strict` reads JSON as strictly
(``Infinity``/``NaN`` raise) and gives ``"inf"``/``"-inf"`` back as strings; a reader that wants numbers
converts them with :func:`float`, which accepts both.

Examples
--------
>>> dumps_strict({"parent_temperature": float("inf"), "uncertainty": float("nan"), "lower": -float("inf")})
'{"parent_temperature": "inf", "uncertainty": null, "lower": "-inf"}'
>>> loads_strict('{"x": Infinity}')  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
ValueError: not strict JSON: found Infinity; ...
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = [
    "INFINITY",
    "MINUS_INFINITY",
    "dumps_strict",
    "loads_numbers",
    "loads_strict",
    "numbers_back",
    "strict_jsonable",
]

#: How +inf and -inf are written.
INFINITY = "inf"
MINUS_INFINITY = "-inf"


def strict_jsonable(value: Any) -> Any:
    """``value`` with every non-finite float replaced (+inf: ``"inf"``, -inf: ``"-inf"``, nan: ``None``),
    NumPy scalars as Python ones, tuples as lists, mapping keys as text; other objects as they are."""
    if isinstance(value, Mapping):
        return {
            str(k) if not isinstance(k, (str, int, float, bool)) or k is None else k: strict_jsonable(v)
            for k, v in value.items()
        }
    if isinstance(value, (list, tuple)):
        return [strict_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [strict_jsonable(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        if math.isnan(value):
            return None
        return INFINITY if value > 0 else MINUS_INFINITY
    return value


def dumps_strict(obj: Any, **kwargs: Any) -> str:
    """``json.dumps`` of :func:`strict_jsonable` ``(obj)`` with ``allow_nan=False`` (keyword arguments passed on:
    ``indent``, ``sort_keys``, ``default``; a ``default`` result is made strict as well)."""
    default = kwargs.pop("default", None)
    if default is not None:
        kwargs["default"] = lambda o: strict_jsonable(default(o))
    return json.dumps(strict_jsonable(obj), allow_nan=False, **kwargs)


def _refuse_constant(name: str) -> Any:
    raise ValueError(
        f"not strict JSON: found {name}; expected only JSON numbers. Fix: write the file with "
        'vdosbench.datasets.json_files.dumps_strict (inf as "inf", nan as null)'
    )


def loads_strict(text: str | bytes) -> Any:
    """``json.loads`` that raises :class:`ValueError` on ``Infinity``, ``-Infinity`` and ``NaN``."""
    return json.loads(text, parse_constant=_refuse_constant)


def numbers_back(value: Any) -> Any:
    """The inverse of :func:`strict_jsonable` for numbers: every ``null`` value as ``nan``, every ``"inf"`` /
    ``"-inf"`` value as ``±inf`` (mapping keys and other text as they are).

    Only for files a script writes for itself whose values are numbers wherever they are not text, with no null
    and no text "inf" of their own (a study's row log, checkpoint or run state): there a ``null`` can only be a
    NaN it wrote.

    Examples
    --------
    >>> numbers_back({"s": [4.1, None, "inf"], "taper": "m=inf", "key": {"T": "-inf"}})
    {'s': [4.1, nan, inf], 'taper': 'm=inf', 'key': {'T': -inf}}
    """
    if isinstance(value, dict):
        return {k: numbers_back(v) for k, v in value.items()}
    if isinstance(value, list):
        return [numbers_back(v) for v in value]
    if value is None:
        return math.nan
    if value in (INFINITY, MINUS_INFINITY):
        return float(value)
    return value


def loads_numbers(text: str | bytes) -> Any:
    """Read back what :func:`dumps_strict` wrote for a script's own numbers (:func:`numbers_back`); a file written
    before the writers were strict (``NaN``, ``Infinity``) is read as well, so a resumed run reads its old lines."""
    return numbers_back(json.loads(text))
