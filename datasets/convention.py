"""The VDOS-1.0 data convention and its checker.

This module docstring *is* the convention; :func:`check` enforces every rule
below and names the variable, the rule and the fix when one is broken.

One netCDF-4 file (or a Dask-backed :class:`xarray.Dataset` over many) holds
one ensemble.  CF habits apply: ``units`` and ``long_name`` on variables.

Global attributes
-----------------
``Conventions``  (rule ``conventions``)
    A string containing ``"VDOS-1.0"`` (e.g. ``"CF-1.10 VDOS-1.0"``).
``title``, ``source``, ``history``, ``references``  (rule ``global-attributes``)
    Non-empty strings; ``references`` names the seed papers (DOIs) that apply.
``spatial_dimension``  (rule ``spatial-dimension``)
    The dimension d of space, 1, 2 or 3.
``site_degrees_of_freedom``  (rule ``site-dof``, optional)
    1 for a scalar model (seed 002 networks), d for a vector model; default d.
``generator``, ``generator_version``, ``root_seed``, ``vdosbench_version``
    (rule ``provenance``) required together when ``generator`` is present, so
    that a generated dataset is reproducible from its own attributes.
    Third-party datasets carry no ``generator``.

Dimensions
----------
``sample``       ensemble member;
``mode``         eigenmode, ascending eigenvalue;
``vector_mode``  the modes whose eigenvectors are stored (coordinate: their
                 ``mode`` indices);
``site``         particle or network node;
``spatial``      Cartesian component (coordinate ``"x"``, ``"y"``[, ``"z"``]);
``spatial_b``    second Cartesian index of a tensor;
``pair``         the ragged pair dimension (see below);
``omega``        angular-frequency grid of a response curve (e.g. −Im G_ii(ω));
``mc_record``    records of a Monte Carlo energy trace (coordinate: the sweep numbers).
Every other dimension is a *parameter dimension* (``delta``, ``connectivity``,
``tapering_order``, ``parent_temperature``, ``k_G``...) and must carry a
coordinate with its values (rule ``parameter-coordinate``).  Parameter
dimensions come first: per-sample variables are ``(..., sample, ...)`` where
``...`` are parameter dimensions.

Variables
---------
``eigenvalue`` (..., sample, mode), float, required
    λ = ω² of the mass-weighted dynamical matrix.  Rules:
    ``eigenvalue-required``, ``eigenvalue-dims``, ``eigenvalue-dtype``,
    ``eigenvalue-finite``, ``eigenvalue-sorted`` (non-decreasing along
    ``mode``), ``eigenvalue-nonnegative`` (λ ≥ −10⁻⁶ max|λ| per sample),
    ``eigenvalue-nonzero`` (no sample whose eigenvalues are all zero: such a
    spectrum has nothing to measure).  Zero (translation) modes are kept, not
    dropped.
``zero_mode`` (..., sample, mode), bool, optional (rule ``zero-mode``)
    True for the zero modes (translations, disconnected clusters); same dims
    as ``eigenvalue``; the True entries are the lowest modes of each sample.
``eigenvector`` (..., sample, vector_mode, site[, spatial]), float, optional
    Rules ``eigenvector-dims`` (coordinate ``vector_mode`` holds integer mode
    indices in [0, n_mode)) and ``eigenvector-normalized`` (Σ over site and
    spatial of e² = 1 within 10⁻⁶).
``position`` (..., sample, site, spatial), float (rule ``position``)
``box_length`` (..., sample[, spatial]), float > 0 (rule ``box-length``)
``diameter`` (..., sample, site), float > 0 (rule ``diameter``)
``coordination`` (..., sample, site), integer ≥ 0 (rule ``coordination``)
    Number of interacting neighbours (springs) of each site.

Pair data (CF contiguous ragged array; rule ``pair-ragged``)
    ``pair_count`` (..., sample), integer ≥ 0, attribute
    ``sample_dimension = "pair"``: the number of pairs of each sample.
    The pairs of all samples are concatenated along ``pair`` in C order of
    ``pair_count``'s dimensions, so ``sum(pair_count) == len(pair)``.
    ``pair_i``, ``pair_j`` (pair,) integer site indices in [0, n_site);
    ``pair_distance`` (pair,); ``pair_stiffness`` (pair,) (spring constant
    t_ij of a network); ``pair_psi`` (pair,) = r φ′(r);
    ``pair_stress`` (pair, spatial, spatial_b).  Every variable with a ``pair``
    dimension has ``pair`` as its first dimension.

Attributes on variables (rule ``variable-attributes``)
    Every data variable and coordinate has ``long_name``; every numeric one
    also has ``units`` (``"1"`` when dimensionless).

Padded dimensions (rule ``padding``)
    When a grid parameter changes the length or coordinate of a dimension D
    (``n_sweeps`` → ``mc_record``, ``n_particles`` → ``mode``/``site``),
    the ensemble is padded along D at the end (NaN, −1 for integers, False),
    ``D_length`` (*parameters) holds each point's own length, the global
    attribute ``padded_dims`` lists the padded dimensions, and D's coordinate
    is the union when the points' coordinates are prefixes of one another,
    else the coordinate ``D_values`` (*parameters, D).  Every other rule
    applies to each point cut back to its own length
    (:mod:`vdosbench.datasets.padding`); ``select_point`` does the cut.

Generated ensembles record each parameter as a coordinate (grid parameters)
or an attribute (fixed parameters); a part file of one (parameters, sample)
carries the grid parameters as scalar coordinates listed, space separated, in
the attribute ``parameter_names``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import product

import numpy as np
import xarray as xr

from .errors import VdosbenchError
from .padding import PADDED_ATTR, length_variable, padded_dims, trim

__all__ = [
    "CONVENTION",
    "RESERVED_DIMS",
    "ConventionError",
    "Problem",
    "check",
    "problems",
    "parameter_dims",
]

#: The name and version of the convention, as written in ``Conventions``.
CONVENTION = "VDOS-1.0"

#: Dimension names with a fixed meaning; every other dimension is a parameter.
RESERVED_DIMS = frozenset(
    {"sample", "mode", "vector_mode", "site", "spatial", "spatial_b", "pair", "omega", "mc_record"}
)

#: Relative tolerance for negative eigenvalues (rounding of zero modes).
NEGATIVE_TOLERANCE = 1e-6
#: Absolute tolerance on eigenvector normalisation.
NORM_TOLERANCE = 1e-6

_GLOBAL_ATTRS = ("title", "source", "history", "references")
_PROVENANCE_ATTRS = ("generator_version", "root_seed", "vdosbench_version")


@dataclass(frozen=True)
class Problem:
    """One broken rule: which variable, which rule, what was found, the fix."""

    variable: str
    rule: str
    found: str
    fix: str

    def __str__(self) -> str:
        return f"{self.variable}: rule '{self.rule}' broken: {self.found}. Fix: {self.fix}"


class ConventionError(VdosbenchError, ValueError):
    """Raised by :func:`check`; ``.problems`` lists every broken rule."""

    def __init__(self, found: list[Problem]) -> None:
        self.problems = found
        lines = "\n".join(f"  - {p}" for p in found)
        super().__init__(
            f"dataset does not follow {CONVENTION} ({len(found)} problem{'s' if len(found) != 1 else ''}):\n{lines}"
        )


def parameter_dims(ds: xr.Dataset) -> tuple[str, ...]:
    """Parameter dimensions of ``eigenvalue`` (those before ``sample``).

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> parameter_dims(mock_spectrum(parameters={"delta": [0.0, 0.1]}))
    ('delta',)
    """
    dims = ds["eigenvalue"].dims
    return tuple(d for d in dims if d not in RESERVED_DIMS)


def check(ds: object) -> None:
    """Raise :class:`ConventionError` unless ``ds`` follows VDOS-1.0.

    Parameters
    ----------
    ds
        Anything; a conforming :class:`xarray.Dataset` passes silently.

    Raises
    ------
    ConventionError
        Listing every broken rule with the variable, the rule and the fix.
        Never another exception: arbitrary input is accepted or explained.

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> check(mock_spectrum())
    >>> check(mock_spectrum().drop_vars("eigenvalue"))
    Traceback (most recent call last):
    ...
    vdosbench.datasets.convention.ConventionError: dataset does not follow VDOS-1.0 (1 problem):
      - eigenvalue: rule 'eigenvalue-required' broken: no variable 'eigenvalue'. Fix: ...
    """
    found = problems(ds)
    if found:
        raise ConventionError(found)


def problems(ds: object) -> list[Problem]:
    """Every broken VDOS-1.0 rule of ``ds`` (empty when it conforms)."""
    if not isinstance(ds, xr.Dataset):
        return [
            Problem(
                "<dataset>",
                "dataset-type",
                f"got {type(ds).__name__}, expected xarray.Dataset",
                "open the file with vdosbench.datasets.open_dataset or build an xarray.Dataset",
            )
        ]
    if padded_dims(ds):
        return _padded_problems(ds)
    return _rule_problems(ds, _RULES)


def _rule_problems(ds: xr.Dataset, rules: tuple[Rule, ...]) -> list[Problem]:
    out: list[Problem] = []
    for rule in rules:
        try:
            out.extend(rule(ds))
        except Exception as e:  # the checker explains, it never crashes
            out.append(
                Problem(
                    "<dataset>",
                    "unevaluable",
                    f"rule {rule.__name__.removeprefix('_rule_')} could not be evaluated ({type(e).__name__}: {e})",
                    "make the variables named in the convention plain numeric arrays",
                )
            )
    return out


def _padded_problems(ds: xr.Dataset) -> list[Problem]:
    """A padded ensemble (rule ``padding``): its layout, then every rule on each point cut to its own length."""
    pdims = parameter_dims(ds) if "eigenvalue" in ds.variables else ()
    out: list[Problem] = []
    for dim in padded_dims(ds):
        name = length_variable(dim)
        if name not in ds.variables or tuple(ds[name].dims) != pdims:
            found = f"no variable {name!r}" if name not in ds.variables else f"{name} has dims {ds[name].dims}"
            out.append(
                Problem(
                    name,
                    "padding",
                    f"{dim!r} is listed in attribute {PADDED_ATTR} but {found}; expected dims {pdims}",
                    "store each point's length of the padded dimension (write ensembles with "
                    "vdosbench.datasets.combine_parts)",
                )
            )
    if out or not pdims:
        return out or _rule_problems(ds, _RULES)
    pairs = [str(n) for n, v in ds.variables.items() if "pair" in v.dims]
    dense = ds.drop_vars(pairs)
    seen: set[tuple[str, str, str]] = set()
    for index in product(*(range(int(ds.sizes[d])) for d in pdims)):
        point = trim(dense.isel(dict(zip(pdims, index))))
        label = ", ".join(f"{d}={point[d].values.item()!r}" for d in pdims)
        for p in _rule_problems(point, _DENSE_RULES):
            if (p.variable, p.rule, p.found) not in seen:
                seen.add((p.variable, p.rule, p.found))
                out.append(Problem(p.variable, p.rule, f"at {label}: {p.found}", p.fix))
    out.extend(_rule_problems(ds, (_rule_pair_ragged,)))
    return out


# --------------------------------------------------------------------------
# rules; each yields Problems and may assume nothing about ds beyond its type
# --------------------------------------------------------------------------

Rule = Callable[[xr.Dataset], Iterator[Problem]]


def _rule_conventions(ds: xr.Dataset) -> Iterator[Problem]:
    conv = ds.attrs.get("Conventions")
    if not isinstance(conv, str) or CONVENTION not in conv:
        yield Problem(
            "<global>",
            "conventions",
            f"attribute Conventions is {conv!r}",
            f"set ds.attrs['Conventions'] = 'CF-1.10 {CONVENTION}'",
        )


def _rule_global_attributes(ds: xr.Dataset) -> Iterator[Problem]:
    for name in _GLOBAL_ATTRS:
        value = ds.attrs.get(name)
        if not isinstance(value, str) or not value.strip():
            yield Problem(
                "<global>",
                "global-attributes",
                f"attribute {name!r} is {value!r}, expected a non-empty string",
                f"set ds.attrs[{name!r}] (CF: {name} describes the dataset)",
            )


def _as_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, np.ndarray) and value.size == 1 and value.dtype.kind in "iu":
        return int(value.reshape(()))
    return None


def _rule_spatial_dimension(ds: xr.Dataset) -> Iterator[Problem]:
    d = _as_int(ds.attrs.get("spatial_dimension"))
    if d not in (1, 2, 3):
        yield Problem(
            "<global>",
            "spatial-dimension",
            f"attribute spatial_dimension is {ds.attrs.get('spatial_dimension')!r}",
            "set ds.attrs['spatial_dimension'] to 1, 2 or 3 (the dimension of space)",
        )
        return
    if "spatial" in ds.dims and ds.sizes["spatial"] != d:
        yield Problem(
            "spatial",
            "spatial-dimension",
            f"dimension spatial has size {ds.sizes['spatial']} but spatial_dimension is {d}",
            "make spatial_dimension equal the number of Cartesian components",
        )


def _rule_site_dof(ds: xr.Dataset) -> Iterator[Problem]:
    if "site_degrees_of_freedom" not in ds.attrs:
        return
    dof = _as_int(ds.attrs["site_degrees_of_freedom"])
    d = _as_int(ds.attrs.get("spatial_dimension"))
    if dof not in {1, d}:
        yield Problem(
            "<global>",
            "site-dof",
            f"site_degrees_of_freedom is {ds.attrs['site_degrees_of_freedom']!r}",
            "use 1 for a scalar model or spatial_dimension for a vector model",
        )


def _rule_provenance(ds: xr.Dataset) -> Iterator[Problem]:
    if "generator" not in ds.attrs:
        return
    missing = [a for a in _PROVENANCE_ATTRS if a not in ds.attrs]
    if missing:
        yield Problem(
            "<global>",
            "provenance",
            f"generated dataset (generator={ds.attrs['generator']!r}) lacks {missing}",
            "record generator_version, root_seed and vdosbench_version so the dataset "
            "can be rebuilt from its attributes",
        )


def _rule_variable_attributes(ds: xr.Dataset) -> Iterator[Problem]:
    for name, var in ds.variables.items():
        if not var.attrs.get("long_name"):
            yield Problem(
                str(name),
                "variable-attributes",
                "no long_name attribute",
                f"set ds[{str(name)!r}].attrs['long_name'] to a human-readable name",
            )
        if var.dtype.kind in "iufcb" and "units" not in var.attrs:
            yield Problem(
                str(name),
                "variable-attributes",
                "numeric variable without units attribute",
                f"set ds[{str(name)!r}].attrs['units'] ('1' when dimensionless)",
            )


def _rule_parameter_coordinate(ds: xr.Dataset) -> Iterator[Problem]:
    for dim in ds.dims:
        if dim not in RESERVED_DIMS and dim not in ds.coords:
            yield Problem(
                str(dim),
                "parameter-coordinate",
                f"parameter dimension {dim!r} has no coordinate",
                f"assign its values: ds.assign_coords({dim}=[...])",
            )


def _rule_eigenvalue(ds: xr.Dataset) -> Iterator[Problem]:
    if "eigenvalue" not in ds.variables:
        yield Problem(
            "eigenvalue",
            "eigenvalue-required",
            "no variable 'eigenvalue'",
            "store λ = ω² as ds['eigenvalue'] with dims (..., 'sample', 'mode')",
        )
        return
    ev = ds["eigenvalue"]
    if ev.dims[-2:] != ("sample", "mode") or RESERVED_DIMS.intersection(ev.dims[:-2]):
        yield Problem(
            "eigenvalue",
            "eigenvalue-dims",
            f"eigenvalue has dims {ev.dims}; expected (..., 'sample', 'mode')",
            "transpose so 'sample', 'mode' come last, or add a sample dimension with ds.expand_dims('sample')",
        )
        return
    if ev.dtype.kind != "f":
        yield Problem(
            "eigenvalue",
            "eigenvalue-dtype",
            f"dtype {ev.dtype}",
            "store eigenvalues as float64",
        )
        return
    values = np.asarray(ev.values, dtype=float)
    if values.size == 0:
        yield Problem("eigenvalue", "eigenvalue-dims", "eigenvalue is empty", "store at least one mode")
        return
    if not np.all(np.isfinite(values)):
        n_bad = int(np.sum(~np.isfinite(values)))
        yield Problem(
            "eigenvalue",
            "eigenvalue-finite",
            f"{n_bad} NaN or infinite value(s)",
            "remove failed samples, or store different system sizes in separate datasets",
        )
        return
    if np.any(np.diff(values, axis=-1) < 0):
        yield Problem(
            "eigenvalue",
            "eigenvalue-sorted",
            "eigenvalues are not ascending along 'mode'",
            "sort each sample: ds['eigenvalue'] = ds.eigenvalue.copy(data=np.sort(ds.eigenvalue, axis=-1))",
        )
    all_zero = np.all(values == 0.0, axis=-1)
    if np.any(all_zero):
        yield Problem(
            "eigenvalue",
            "eigenvalue-nonzero",
            f"{int(np.sum(all_zero))} of {all_zero.size} sample spectra are entirely zero "
            "(every eigenvalue is 0): nothing can be measured on them",
            "store the eigenvalues of the dynamical matrix (not an empty or zero-filled placeholder), "
            "or drop the failed samples",
        )
    scale = np.max(np.abs(values), axis=-1, keepdims=True)
    worst = np.min(values / np.where(scale > 0, scale, 1.0))
    if worst < -NEGATIVE_TOLERANCE:
        yield Problem(
            "eigenvalue",
            "eigenvalue-nonnegative",
            f"eigenvalue down to {worst:.3g} × max|λ| (tolerance −{NEGATIVE_TOLERANCE:g}): "
            "the configuration is not a stable minimum",
            "quench the configuration to its inherent structure before diagonalising",
        )


def _rule_zero_mode(ds: xr.Dataset) -> Iterator[Problem]:
    if "zero_mode" not in ds.variables or "eigenvalue" not in ds.variables:
        return
    zm = ds["zero_mode"]
    if zm.dims != ds["eigenvalue"].dims or zm.dtype != bool:
        yield Problem(
            "zero_mode",
            "zero-mode",
            f"dims {zm.dims} dtype {zm.dtype}; expected bool with dims {ds['eigenvalue'].dims}",
            "flag zero modes with a boolean array shaped like eigenvalue",
        )
        return
    flags = np.asarray(zm.values, dtype=bool)
    # a prefix of True values: once False, never True again along mode
    if np.any(np.diff(flags.astype(np.int8), axis=-1) > 0):
        yield Problem(
            "zero_mode",
            "zero-mode",
            "a mode flagged zero lies above a non-zero mode",
            "flag only the lowest modes (eigenvalues ascend)",
        )


def _n_site(ds: xr.Dataset) -> int | None:
    return int(ds.sizes["site"]) if "site" in ds.dims else None


def _per_sample_dims_ok(var: xr.DataArray, tail: tuple[str, ...]) -> bool:
    n = len(tail)
    if var.dims[len(var.dims) - n :] != tail:
        return False
    lead = var.dims[: len(var.dims) - n]
    return len(lead) >= 1 and lead[-1] == "sample" and not RESERVED_DIMS.intersection(lead[:-1])


def _rule_eigenvector(ds: xr.Dataset) -> Iterator[Problem]:
    if "eigenvector" not in ds.variables:
        return
    vec = ds["eigenvector"]
    if not (
        _per_sample_dims_ok(vec, ("vector_mode", "site"))
        or _per_sample_dims_ok(vec, ("vector_mode", "site", "spatial"))
    ):
        yield Problem(
            "eigenvector",
            "eigenvector-dims",
            f"dims {vec.dims}",
            "use (..., 'sample', 'vector_mode', 'site'[, 'spatial'])",
        )
        return
    if "vector_mode" not in ds.coords or ds["vector_mode"].dtype.kind not in "iu":
        yield Problem(
            "vector_mode",
            "eigenvector-dims",
            "coordinate vector_mode missing or not integer",
            "assign the stored modes' indices: ds.assign_coords(vector_mode=indices)",
        )
        return
    n_mode = ds.sizes.get("mode")
    idx = np.asarray(ds["vector_mode"].values)
    if n_mode is not None and idx.size and (idx.min() < 0 or idx.max() >= n_mode):
        yield Problem(
            "vector_mode",
            "eigenvector-dims",
            f"indices span [{idx.min()}, {idx.max()}] but there are {n_mode} modes",
            "store mode indices in [0, n_mode)",
        )
    # reduced per chunk: a lazily opened (Dask-backed) eigenvector is never loaded whole
    over = [d for d in ("site", "spatial") if d in vec.dims]
    norms = np.asarray((vec.astype(float) ** 2).sum(over, skipna=False).values)
    if not np.all(np.isfinite(norms)) or np.any(np.abs(norms - 1.0) > NORM_TOLERANCE):
        bad = float(np.nanmax(np.abs(norms - 1.0))) if np.isfinite(norms).any() else float("nan")
        yield Problem(
            "eigenvector",
            "eigenvector-normalized",
            f"|e|² deviates from 1 by up to {bad:.3g}",
            "normalise each stored mode over site (and spatial)",
        )


def _rule_position(ds: xr.Dataset) -> Iterator[Problem]:
    if "position" not in ds.variables:
        return
    pos = ds["position"]
    if not _per_sample_dims_ok(pos, ("site", "spatial")):
        yield Problem("position", "position", f"dims {pos.dims}", "use (..., 'sample', 'site', 'spatial')")
    elif not np.all(np.isfinite(np.asarray(pos.values, dtype=float))):
        yield Problem("position", "position", "non-finite coordinates", "store finite positions")


def _rule_box_length(ds: xr.Dataset) -> Iterator[Problem]:
    if "box_length" not in ds.variables:
        return
    box = ds["box_length"]
    ok = (box.dims and box.dims[-1] == "sample") or _per_sample_dims_ok(box, ("spatial",))
    if not ok:
        yield Problem("box_length", "box-length", f"dims {box.dims}", "use (..., 'sample'[, 'spatial'])")
    elif not np.all(np.asarray(box.values, dtype=float) > 0):
        yield Problem("box_length", "box-length", "non-positive box length", "store the periodic box edge (> 0)")


def _rule_diameter(ds: xr.Dataset) -> Iterator[Problem]:
    if "diameter" not in ds.variables:
        return
    dia = ds["diameter"]
    if not _per_sample_dims_ok(dia, ("site",)):
        yield Problem("diameter", "diameter", f"dims {dia.dims}", "use (..., 'sample', 'site')")
    elif not np.all(np.asarray(dia.values, dtype=float) > 0):
        yield Problem("diameter", "diameter", "non-positive diameter", "store particle diameters (> 0)")


def _rule_coordination(ds: xr.Dataset) -> Iterator[Problem]:
    if "coordination" not in ds.variables:
        return
    z = ds["coordination"]
    if not _per_sample_dims_ok(z, ("site",)):
        yield Problem("coordination", "coordination", f"dims {z.dims}", "use (..., 'sample', 'site')")
    elif z.dtype.kind not in "iu":
        yield Problem("coordination", "coordination", f"dtype {z.dtype}", "store neighbour counts as integers")
    elif np.any(np.asarray(z.values) < 0):
        yield Problem("coordination", "coordination", "negative count", "store neighbour counts ≥ 0")


def _rule_pair_ragged(ds: xr.Dataset) -> Iterator[Problem]:
    pair_vars = [str(n) for n, v in ds.variables.items() if "pair" in v.dims]
    if not pair_vars and "pair_count" not in ds.variables:
        return
    if "pair_count" not in ds.variables:
        yield Problem(
            "pair_count",
            "pair-ragged",
            f"variables {pair_vars} use dimension 'pair' but there is no pair_count",
            "store pair_count (..., sample) with attribute sample_dimension='pair'",
        )
        return
    count = ds["pair_count"]
    if not count.dims or count.dims[-1] != "sample" or count.dtype.kind not in "iu":
        yield Problem(
            "pair_count",
            "pair-ragged",
            f"dims {count.dims} dtype {count.dtype}",
            "use an integer pair_count with dims (..., 'sample')",
        )
        return
    if count.attrs.get("sample_dimension") != "pair":
        yield Problem(
            "pair_count",
            "pair-ragged",
            "attribute sample_dimension is not 'pair'",
            "set ds['pair_count'].attrs['sample_dimension'] = 'pair' (CF contiguous ragged array)",
        )
    counts = np.asarray(count.values)
    n_pair = int(ds.sizes.get("pair", 0))
    if np.any(counts < 0) or int(counts.sum()) != n_pair:
        yield Problem(
            "pair_count",
            "pair-ragged",
            f"sum(pair_count) = {int(counts.sum())} but len(pair) = {n_pair}",
            "concatenate every sample's pairs along 'pair' in C order of pair_count",
        )
    for name in pair_vars:
        if ds[name].dims[0] != "pair":
            yield Problem(name, "pair-ragged", f"dims {ds[name].dims}", "put 'pair' first")
    n_site = _n_site(ds)
    for name in ("pair_i", "pair_j"):
        if name not in ds.variables:
            continue
        idx = ds[name]
        if idx.dtype.kind not in "iu":
            yield Problem(name, "pair-ragged", f"dtype {idx.dtype}", "store site indices as integers")
        elif n_site is not None and idx.size and (int(idx.min()) < 0 or int(idx.max()) >= n_site):
            yield Problem(
                name, "pair-ragged", f"indices outside [0, {n_site})", "store site indices of the same sample"
            )


_RULES: tuple[Rule, ...] = (
    _rule_conventions,
    _rule_global_attributes,
    _rule_spatial_dimension,
    _rule_site_dof,
    _rule_provenance,
    _rule_variable_attributes,
    _rule_parameter_coordinate,
    _rule_eigenvalue,
    _rule_zero_mode,
    _rule_eigenvector,
    _rule_position,
    _rule_box_length,
    _rule_diameter,
    _rule_coordination,
    _rule_pair_ragged,
)

_DENSE_RULES = tuple(r for r in _RULES if r is not _rule_pair_ragged)

#: The rule names, for documentation and tests.
RULE_NAMES = (
    "dataset-type",
    "unevaluable",
    "conventions",
    "global-attributes",
    "spatial-dimension",
    "site-dof",
    "provenance",
    "variable-attributes",
    "parameter-coordinate",
    "eigenvalue-required",
    "eigenvalue-dims",
    "eigenvalue-dtype",
    "eigenvalue-finite",
    "eigenvalue-sorted",
    "eigenvalue-nonnegative",
    "eigenvalue-nonzero",
    "zero-mode",
    "eigenvector-dims",
    "eigenvector-normalized",
    "position",
    "box-length",
    "diameter",
    "coordination",
    "pair-ragged",
    "padding",
)
