"""Which data a claim applies to: why it does not apply to a dataset, and the parameter points it reads.

A claim (:class:`~vdosbench.benchmark.claims.Claim`) selects its data by what they are about (``applies_to``:
attributes, declared or written by our generators, and parameter values; ``exclude``) and by what it measures
(``requires``).  :func:`inapplicability` says why a claim cannot apply to a dataset at all, in parts a report
can group (:class:`Inapplicable`); :func:`select_points` gives the parameter points it applies to, and
:func:`base_point` the ``versus`` point of a paired claim.  Values are compared by :func:`_matches`: numbers to
1e-12, anything else by equality, a list meaning any of its values.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import product
from typing import Any

import numpy as np
import xarray as xr

from vdosbench.datasets import parameter_dims, select_point

from .claims import Claim
from .declaration import system_value

__all__ = [
    "Inapplicable",
    "LEFT_OUT_ATTRIBUTE",
    "base_point",
    "inapplicability",
    "select_points",
    "selector_keys",
    "why_not_applicable",
]

#: Global attribute of a scoring form that leaves variables out on purpose: their names as a JSON list
#: (written by :func:`vdosbench.benchmark.scoring_form.scoring_form`; read here to say why a claim lacks them).
LEFT_OUT_ATTRIBUTE = "scoring_form_left_out"


def _matches(value: Any, wanted: Any) -> bool:
    options = wanted if isinstance(wanted, (list, tuple)) else [wanted]
    for option in options:
        if isinstance(option, (int, float)) and isinstance(value, (int, float, np.number)):
            if np.isclose(float(value), float(option), rtol=0, atol=1e-12):
                return True
        elif value == option:
            return True
    return False


@dataclass(frozen=True)
class Inapplicable:
    """Why a claim does not apply to a dataset, in parts that reports can group.

    Attributes
    ----------
    kind
        ``"lacks"`` (the claim is about these data, but variables it requires
        are missing: *not measurable*), ``"no-key"`` (an ``applies_to`` key is
        neither attribute nor coordinate), ``"differs"`` (an attribute has
        another value), ``"excluded"`` (an attribute has a value that
        ``exclude`` names) or ``"no-point"`` (no parameter point matches
        ``applies_to``).
    key
        The ``applies_to`` (or ``exclude``) key (kinds ``"no-key"``, ``"differs"`` and ``"excluded"``).
    found
        The dataset's value of ``key`` (kinds ``"differs"`` and ``"excluded"``).
    wanted
        The claim's value(s) of ``key``, as written in ``applies_to``.
    missing
        The missing variables (kind ``"lacks"``).
    left_out
        Some of them were left out of a scoring form on purpose (:data:`LEFT_OUT_ATTRIBUTE`):
        the claim needs the full set.

    Examples
    --------
    >>> str(Inapplicable("differs", "generator", found="x", wanted="spring_network"))
    "generator is 'x', the claim is about 'spring_network'"
    """

    kind: str
    key: str = ""
    found: Any = None
    wanted: Any = None
    missing: tuple[str, ...] = ()
    left_out: bool = False

    @property
    def not_measurable(self) -> bool:
        """The claim is about these data (model and preparation match) but they lack what it measures."""
        return self.kind == "lacks"

    def __str__(self) -> str:
        if self.kind == "lacks":
            return f"not measurable: the dataset lacks {list(self.missing)}" + (
                "; this scoring form left them out on purpose: the claim needs the full set "
                "(vdosbench build NAME remakes it)"
                if self.left_out
                else ""
            )
        if self.kind == "excluded":
            return f"{self.key} is {self.found!r}, which the claim excludes"
        if self.kind == "no-key":
            return f"the dataset has no {self.key!r} (attribute or coordinate)"
        if self.kind == "differs":
            return f"{self.key} is {self.found!r}, the claim is about {self.wanted!r}"
        return "no parameter point matches applies_to"


def inapplicability(claim: Claim, ds: xr.Dataset) -> Inapplicable | None:
    """Why ``claim`` cannot apply to ``ds`` at all, or ``None``.

    The first check it fails: the ``applies_to`` keys in order (what the
    data are about: attributes, declared or written by our generators, with
    ``model`` following from ``generator``, see
    :func:`vdosbench.benchmark.declaration.system_value`), ``exclude`` on
    such attributes, then whether a parameter point matches, then the
    variables the claim ``requires``.  Only the last (kind ``"lacks"``)
    means the claim is about these data but cannot be measured on them
    (:attr:`Inapplicable.not_measurable`).
    """
    for key, wanted in claim.applies_to.items():
        if key in ds.coords:
            continue
        known, value = system_value(ds, key)
        if not known:
            return Inapplicable("no-key", key, wanted=wanted)
        if not _matches(value, wanted):
            return Inapplicable("differs", key, found=value, wanted=wanted)
    for key, excluded in claim.exclude.items():
        if key not in ds.coords:
            known, value = system_value(ds, key)
            if known and _matches(value, excluded):
                return Inapplicable("excluded", key, found=value, wanted=excluded)
    missing = [v for v in claim.requires if v not in ds.variables]
    if missing:
        if "eigenvalue" in ds.variables and next(_point_values(claim, ds), None) is None:
            return Inapplicable("no-point")  # about other parameter values: not "not measurable"
        return Inapplicable("lacks", missing=tuple(missing), left_out=_left_out_on_purpose(ds, missing))
    return None


def _left_out_on_purpose(ds: xr.Dataset, missing: Sequence[str]) -> bool:
    """Whether a scoring form declares one of ``missing`` left out on purpose (:data:`LEFT_OUT_ATTRIBUTE`)."""
    try:
        names = json.loads(ds.attrs.get(LEFT_OUT_ATTRIBUTE, "[]"))
    except (TypeError, ValueError):
        return False
    return isinstance(names, list) and any(m in names for m in missing)


def why_not_applicable(claim: Claim, ds: xr.Dataset) -> str | None:
    """The reason ``claim`` cannot apply to ``ds`` at all, or ``None`` (:func:`inapplicability` as text)."""
    why = inapplicability(claim, ds)
    return None if why is None else str(why)


def selector_keys(claims: Sequence[Claim]) -> list[str]:
    """The ``applies_to`` keys of ``claims`` (what the data must declare), most used first.

    Examples
    --------
    >>> from vdosbench.benchmark import load_claims
    >>> selector_keys(load_claims())[0]
    'model'
    """
    counts: dict[str, int] = {}
    for claim in claims:
        for key in claim.applies_to:
            counts[key] = counts.get(key, 0) + 1
    return sorted(counts, key=lambda k: (-counts[k], k))


def select_points(claim: Claim, ds: xr.Dataset) -> Iterator[tuple[dict[str, Any], xr.Dataset]]:
    """Parameter points of ``ds`` that ``claim`` applies to, as (values, one-point dataset).

    Parameters that are scalar coordinates or attributes must match too;
    ``exclude`` removes points.  A claim whose measure names ``across = DIM``
    (e.g. a slope over ``k_G``) gets sub-grids that keep ``DIM`` whole.  Call
    :func:`why_not_applicable` first.
    """
    across = claim.settings.get("across")
    keep = (str(across),) if across else ()
    if across and across not in parameter_dims(ds):
        raise KeyError(f"the claim measures across {across!r}, which is not a parameter dimension of the dataset")
    for values in _point_values(claim, ds):
        yield values, select_point(ds, values, keep=keep) if (values or keep) else ds


def _point_values(claim: Claim, ds: xr.Dataset) -> Iterator[dict[str, Any]]:
    """The parameter values of the points of ``ds`` that ``claim`` selects (:func:`select_points`)."""
    across = claim.settings.get("across")
    pdims = [d for d in parameter_dims(ds) if d != across]
    for combo in product(*[ds[d].values.tolist() for d in pdims]):
        values = dict(zip(pdims, combo))
        if any(d in claim.applies_to and not _matches(v, claim.applies_to[d]) for d, v in values.items()):
            continue
        if any(d in claim.exclude and _matches(v, claim.exclude[d]) for d, v in values.items()):
            continue
        yield values


def base_point(claim: Claim, ds: xr.Dataset, values: Mapping[str, Any]) -> tuple[dict[str, Any], xr.Dataset] | None:
    """The ``versus`` point of a paired claim: ``values`` with the claim's replacements."""
    if claim.versus is None:
        return None
    base = {**values, **claim.versus}
    for d, v in claim.versus.items():
        if d not in ds.coords or not any(_matches(x, v) for x in ds[d].values.tolist()):
            raise KeyError(f"the dataset has no {d} = {v!r} to compare against")
    return base, select_point(ds, base)
