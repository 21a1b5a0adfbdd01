"""The dataset writer's attributes: the convention's attribute table and the provenance stamps, in one place.

Every VDOS-1.0 dataset vdosbench makes -- a generator's sample, an ensemble, a third-party file read by an
adapter, a mock for the tests -- takes its CF attributes from here (``docs/design.md``, *The data
convention*):

- :data:`VARIABLE_ATTRS`, the table of the convention's variables: ``long_name`` and ``units`` of the
  dimension coordinates (``sample``, ``mode``, ``vector_mode``, ``spatial``), which are the same in every
  dataset, and the generic wording of the convention's variables (``eigenvalue``, ``zero_mode``,
  ``eigenvector``, ``position``...), which a model may make more precise (:func:`variable_attrs` with
  ``long_name=...``: a spring network's eigenvalue is "of the scalar dynamical matrix, units t0/m");
- :func:`convention_attrs`, the global attributes every dataset carries (``Conventions``, ``title``,
  ``source``, ``history``, ``references``, ``spatial_dimension``);
- :func:`provenance`, the attributes that make a generated dataset reproducible from itself
  (``generator``, ``generator_version``, the seed, ``vdosbench_version``);
- :func:`history_line`, one time-stamped line of ``history``.

The package version is read once, here (:data:`VDOSBENCH_VERSION`), and stamped by :func:`provenance`,
:func:`history_line` and :func:`convention_attrs`.

Examples
--------
>>> coordinate("mode", [0, 1, 2])[2]
{'long_name': 'mode index (ascending eigenvalue)', 'units': '1'}
>>> attrs = provenance("nine_node_toy", "1.0.0", root_seed="none (deterministic)")
>>> list(attrs)
['generator', 'generator_version', 'root_seed', 'vdosbench_version']
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from types import MappingProxyType

import numpy as np
from numpy.typing import ArrayLike

from vdosbench._version import __version__

from .convention import CONVENTION

__all__ = [
    "CONVENTIONS",
    "SPATIAL_AXES",
    "UNITLESS",
    "VARIABLE_ATTRS",
    "VDOSBENCH_VERSION",
    "convention_attrs",
    "coordinate",
    "history_line",
    "provenance",
    "spatial_coordinate",
    "variable_attrs",
]

#: The package version every dataset records (``vdosbench_version``, ``history``), read once.
VDOSBENCH_VERSION: str = __version__

#: The global ``Conventions`` attribute.
CONVENTIONS = f"CF-1.10 {CONVENTION}"

#: The names of the ``spatial`` coordinate, ``x``, ``y``[, ``z``].
SPATIAL_AXES = ("x", "y", "z")

#: ``units`` of a dimensionless number (CF: ``"1"``).
UNITLESS: Mapping[str, str] = MappingProxyType({"units": "1"})


def _frozen(**attrs: str) -> Mapping[str, str]:
    return MappingProxyType(attrs)


#: The convention's attribute table: ``long_name`` and ``units`` of its coordinates and of the generic
#: forms of its variables (a model may word a variable's ``long_name`` more precisely; see module docstring).
VARIABLE_ATTRS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        # dimension coordinates: the same words in every dataset
        "sample": _frozen(long_name="ensemble member", units="1"),
        "mode": _frozen(long_name="mode index (ascending eigenvalue)", units="1"),
        "vector_mode": _frozen(long_name="mode index of stored eigenvector", units="1"),
        "spatial": _frozen(long_name="Cartesian component"),
        # variables, generic wording (dimensionless unless the model states its units)
        "eigenvalue": _frozen(long_name="eigenvalue of the dynamical matrix (omega squared)", units="1"),
        "zero_mode": _frozen(long_name="zero (translation) mode flag", units="1"),
        "eigenvector": _frozen(long_name="normalised eigenvector", units="1"),
        "position": _frozen(long_name="site position", units="1"),
        "box_length": _frozen(long_name="periodic box edge", units="1"),
        "diameter": _frozen(long_name="particle diameter", units="1"),
        "species": _frozen(long_name="particle species", units="1"),
        "shear_modulus": _frozen(long_name="shear modulus G of the sample", units="1"),
        "bulk_modulus": _frozen(long_name="bulk modulus K of the sample", units="1"),
        "coordination": _frozen(long_name="number of interacting neighbours", units="1"),
        "pair_count": _frozen(long_name="number of pairs per sample", units="1", sample_dimension="pair"),
        "pair_i": _frozen(long_name="first site", units="1"),
        "pair_j": _frozen(long_name="second site", units="1"),
        "pair_distance": _frozen(long_name="pair distance", units="1"),
    }
)


def variable_attrs(name: str, **override: object) -> dict[str, object]:
    """The table's attributes of ``name``, updated by ``override`` (e.g. a model's own ``long_name``).

    Raises
    ------
    KeyError
        ``name`` is not in :data:`VARIABLE_ATTRS` (the message lists the names that are).

    Examples
    --------
    >>> variable_attrs("zero_mode", long_name="zero mode flag (uniform translation)")
    {'long_name': 'zero mode flag (uniform translation)', 'units': '1'}
    """
    if name not in VARIABLE_ATTRS:
        raise KeyError(
            f"no variable {name!r} in the convention's attribute table; expected one of "
            f"{sorted(VARIABLE_ATTRS)}. Fix: give the variable's long_name and units where it is made"
        )
    return {**VARIABLE_ATTRS[name], **override}


def coordinate(name: str, values: ArrayLike) -> tuple[str, np.ndarray, dict[str, object]]:
    """A dimension coordinate of the convention, ``(name, values, attrs)``, ready for :class:`xarray.Dataset`.

    Parameters
    ----------
    name
        ``"sample"``, ``"mode"``, ``"vector_mode"`` or ``"spatial"`` (any name of :data:`VARIABLE_ATTRS`).
    values
        The coordinate's values, shape (n,).
    """
    return (name, np.asarray(values), variable_attrs(name))


def spatial_coordinate(dimension: int) -> tuple[str, np.ndarray, dict[str, object]]:
    """The ``spatial`` coordinate of a ``dimension``-dimensional dataset (``"x"``, ``"y"``[, ``"z"``])."""
    return coordinate("spatial", np.array(SPATIAL_AXES[:dimension]))


def convention_attrs(
    title: str, source: str, references: str, spatial_dimension: int, **extra: object
) -> dict[str, object]:
    """The global attributes every VDOS-1.0 dataset carries, then ``extra`` (a model's settings, provenance).

    ``history`` starts as ``"created by vdosbench VERSION"``; pass ``history=`` to replace it.

    Examples
    --------
    >>> attrs = convention_attrs("toy", "made by hand", "none", 2)
    >>> attrs["Conventions"], attrs["spatial_dimension"]
    ('CF-1.10 VDOS-1.0', 2)
    """
    attrs: dict[str, object] = {
        "Conventions": CONVENTIONS,
        "title": title,
        "source": source,
        "history": f"created by vdosbench {VDOSBENCH_VERSION}",
        "references": references,
        "spatial_dimension": int(spatial_dimension),
    }
    attrs.update(extra)
    return attrs


def provenance(generator: str, generator_version: str, **seed: object) -> dict[str, object]:
    """``generator``, ``generator_version``, the seed's attributes (``root_seed``...) and ``vdosbench_version``.

    The convention's rule ``provenance``: a generated dataset records all four, so that it is reproducible
    from its own attributes.
    """
    return {
        "generator": generator,
        "generator_version": generator_version,
        **seed,
        "vdosbench_version": VDOSBENCH_VERSION,
    }


def history_line(what: str, when: datetime | None = None) -> str:
    """One line of ``history``: ``"2026-11-28T14:00:00Z vdosbench VERSION what"`` (UTC, now by default)."""
    stamp = (when or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{stamp} vdosbench {VDOSBENCH_VERSION} {what}"
