"""Human labels of parameter values, for figures, reports and the command line.

A few parameters store a special value as a number the convention fixes:
``taper_order = -1`` is the order m = ∞ of the tapering T_∞(x) = exp[x/(2(x−1))]
(seed 001, eq. 14; :data:`vdosbench.generators.INFINITE_ORDER`).  Files keep the
stored value, so that coordinates stay integers and claims select on them; what a
person reads shows the meaning: ``taper_order=∞``.  Every place that prints a
parameter value goes through :func:`value_label` (or :func:`point_label` for a
parameter point), so the two never disagree.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["SPECIAL_VALUES", "point_label", "value_label"]

#: Parameter name → stored value → its label.  The stored value is the one the
#: data convention documents; only the label changes.
SPECIAL_VALUES: Mapping[str, Mapping[Any, str]] = {
    "taper_order": {-1: "∞"},
}


def value_label(name: str, value: Any) -> str:
    """How a person reads ``value`` of parameter ``name``: ∞ for m = ∞ and infinite floats, ``%g`` for other floats.

    Parameters
    ----------
    name
        The parameter (or coordinate) name, e.g. ``"taper_order"``.
    value
        The stored value (a number, string, bool, or a sequence of them).

    Returns
    -------
    str
        The label; the stored value itself is never changed.

    Examples
    --------
    >>> value_label("taper_order", -1), value_label("taper_order", 2)
    ('∞', '2')
    >>> value_label("parent_temperature", float("inf")), value_label("delta", 0.30000000000000004)
    ('∞', '0.3')
    >>> value_label("taper_order", [2, -1])
    '2,∞'
    """
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, (list, tuple)):
        return ",".join(value_label(name, v) for v in value)
    special = SPECIAL_VALUES.get(name, {})
    if not isinstance(value, bool) and isinstance(value, (int, float)) and value in special:
        return special[value]
    if isinstance(value, float):
        if math.isinf(value):
            return "∞" if value > 0 else "−∞"
        return f"{value:g}"
    return str(value)


def point_label(values: Mapping[str, Any] | None) -> str:
    """``"delta=0.1, spring=constant"`` for a parameter point (empty for none), values as :func:`value_label`.

    Examples
    --------
    >>> point_label({"delta": 0.1, "spring": "constant"})
    'delta=0.1, spring=constant'
    >>> point_label({"taper_order": -1, "parent_temperature": 0.144})
    'taper_order=∞, parent_temperature=0.144'
    """
    return ", ".join(f"{k}={value_label(k, v)}" for k, v in (values or {}).items())
