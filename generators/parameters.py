"""Checks of generator parameters, with errors that say what was expected, found and the fix.

Shared by the generators so that every model rejects a bad value the same way.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import fields
from typing import Any

import numpy as np

__all__ = ["check_integer", "check_real", "from_mapping", "seed_attrs"]


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
    root: object = int(entropy) if isinstance(entropy, (int, np.integer)) and 0 <= int(entropy) < 2**63 else str(entropy)
    return {"root_seed": root, "seed_spawn_key": str(tuple(int(k) for k in seq.spawn_key))}


def from_mapping(cls: type, params: Mapping[str, Any], what: str) -> Any:
    """``cls(**params)`` for a settings dataclass; unknown keys are named with the valid ones."""
    valid = [f.name for f in fields(cls)]
    unknown = sorted(set(params) - set(valid))
    if unknown:
        raise ValueError(f"unknown {what} parameter(s) {unknown}; valid parameters are {valid}")
    return cls(**dict(params))
