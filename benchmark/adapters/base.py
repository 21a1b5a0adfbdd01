"""Shared machinery of the adapters: arrays of eigenvalues → a checked VDOS-1.0 dataset.

Every adapter ends in :func:`spectrum_dataset`, which

1. takes eigenvalues λ = ω² (or frequencies ω, converted to λ = sign(ω) ω²,
   so that the negative "frequencies" many codes print for imaginary modes
   become negative eigenvalues), shape (n_sample, n_mode);
2. rejects NaN/inf and eigenvalues below −10⁻⁶ max|λ| (the convention's
   :data:`~vdosbench.datasets.convention.NEGATIVE_TOLERANCE`), naming the
   sample and mode;
3. sorts each sample ascending (recorded in ``adapter_sorted``);
4. flags zero modes by a stated rule (recorded in ``zero_mode_rule``):
   either a *count* (``zero_modes=d`` for a periodic d-dimensional vector
   model: the d uniform translations; 1 for a connected scalar network), or
   by default the *tolerance* rule |λ| ≤ ``zero_tolerance`` · max|λ| of the
   sample (default :data:`ZERO_TOLERANCE` = 10⁻⁶, the same relative
   tolerance the convention grants negative rounding);
5. fills the global attributes (``title``, ``source`` = file and format,
   ``history``, ``references = "third-party data"``, ``spatial_dimension``)
   and runs :func:`vdosbench.datasets.check`, turning a broken rule into an
   :class:`AdapterError` that names the file.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import xarray as xr

from vdosbench.datasets import ConventionError, check, convention_attrs, coordinate, history_line, variable_attrs
from vdosbench.datasets.convention import NEGATIVE_TOLERANCE, NORM_TOLERANCE
from vdosbench.datasets.errors import VdosbenchError

__all__ = [
    "AdapterError",
    "THIRD_PARTY_REFERENCES",
    "VALUE_KINDS",
    "ZERO_TOLERANCE",
    "as_spatial_dimension",
    "describe_paths",
    "input_notes",
    "per_sample_moduli",
    "printable",
    "spectrum_dataset",
    "to_eigenvalues",
    "zero_mode_flags",
]

#: Default relative tolerance of the zero-mode rule |λ| ≤ tol · max|λ|.
ZERO_TOLERANCE = 1e-6
#: ``references`` attribute of every dataset an adapter makes.
THIRD_PARTY_REFERENCES = "third-party data"
#: What the numbers of an input are: eigenvalues λ = ω² or angular frequencies ω.
VALUE_KINDS = ("eigenvalue", "frequency")

PathLike = str | os.PathLike[str]


class AdapterError(VdosbenchError, ValueError):
    """A third-party file could not be turned into a VDOS-1.0 dataset.

    The message names the file, what was expected, what was found and the fix.
    """


#: Dataset attributes an adapter writes that the user should see: attribute → how the note begins.
INPUT_NOTE_ATTRIBUTES = {
    "adapter_ignored_keys": "keys not read (no quantity of vdosbench has these names; see the table of accepted "
    "keys in docs/third-party.md)",
    "adapter_key_aliases": "keys read under their canonical names",
    "adapter_species_rule": "species",
    "adapter_moduli": "moduli",
}

#: Per-sample moduli an adapter may give (``shear_modulus``, ``bulk_modulus``: :func:`per_sample_moduli`).
MODULI = ("shear_modulus", "bulk_modulus")


def input_notes(ds: xr.Dataset) -> list[str]:
    """What an adapter did with an input that its user should see: keys not read, aliases, the species rule,
    and a text file's separator when it is not whitespace (``adapter_separator``: comma or semicolon).

    Examples
    --------
    >>> input_notes(xr.Dataset(attrs={"adapter_ignored_keys": "step temperature"}))[0][:43]
    'keys not read (no quantity of vdosbench has'
    >>> input_notes(xr.Dataset(attrs={"adapter_separator": "comma"}))
    ['numbers separated by commas (detected from the first line of numbers)']
    >>> input_notes(xr.Dataset(attrs={"adapter_separator": "whitespace"}))
    []
    """
    notes = [f"{lead}: {ds.attrs[key]}" for key, lead in INPUT_NOTE_ATTRIBUTES.items() if ds.attrs.get(key)]
    separator = ds.attrs.get("adapter_separator")
    if separator and separator != "whitespace":
        notes.append(f"numbers separated by {separator}s (detected from the first line of numbers)")
    return notes


def printable(text: str) -> str:
    """``text`` with every non-printable character (terminal escape sequences, newlines) written as its Python
    escape, so a file name cannot drive the terminal it is printed to.

    Examples
    --------
    >>> print(printable("e" + chr(27) + "[2J" + chr(7) + ".npz"))
    e\\x1b[2J\\x07.npz
    """
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def describe_paths(paths: Sequence[Path]) -> str:
    """The input file(s) as one string for attributes and messages (non-printable characters escaped)."""
    if len(paths) == 1:
        return printable(str(paths[0]))
    return f"{len(paths)} files: " + ", ".join(printable(str(p)) for p in paths)


def as_spatial_dimension(value: object, where: str) -> int:
    """``value`` as d ∈ {1, 2, 3}, or an :class:`AdapterError` naming ``where``."""
    try:
        arr = np.asarray(value)
        if arr.size != 1 or arr.dtype.kind not in "iuf" or float(arr.reshape(())) != int(arr.reshape(())):
            raise ValueError
        d = int(arr.reshape(()))
    except (TypeError, ValueError, OverflowError):  # OverflowError: an infinite value (--set spatial_dimension=1e999)
        shown = repr(value)
        raise AdapterError(
            f"{where}: spatial_dimension is {shown if len(shown) <= 60 else shown[:40] + '…'}; expected the "
            "integer 1, 2 or 3"
        ) from None
    if d not in (1, 2, 3):
        raise AdapterError(f"{where}: spatial_dimension is {d}; expected 1, 2 or 3")
    return d


def to_eigenvalues(values: np.ndarray, kind: str, where: str) -> np.ndarray:
    """Numbers of kind ``"eigenvalue"`` (λ) or ``"frequency"`` (ω → λ = sign(ω) ω²).

    Examples
    --------
    >>> to_eigenvalues(np.array([-1.0, 0.0, 2.0]), "frequency", "x").tolist()
    [-1.0, 0.0, 4.0]
    """
    if kind not in VALUE_KINDS:
        raise AdapterError(f"{where}: values={kind!r}; expected one of {VALUE_KINDS}")
    arr = np.asarray(values, dtype=np.float64)
    if kind == "frequency":
        return np.sign(arr) * arr * arr
    return arr


def zero_mode_flags(
    eigenvalues: np.ndarray, zero_modes: int | None = None, zero_tolerance: float = ZERO_TOLERANCE
) -> tuple[np.ndarray, str]:
    """Zero-mode flags of ascending eigenvalues and the rule used, in words.

    Parameters
    ----------
    eigenvalues
        Shape (..., n_mode), ascending along the last axis.
    zero_modes
        Flag exactly this many lowest modes per sample (e.g. d for a periodic
        vector model); ``None`` for the tolerance rule.
    zero_tolerance
        Tolerance rule: flag the modes with |λ| ≤ zero_tolerance · max|λ|
        of their sample (a prefix, since λ ascends and no λ is far below 0).

    Returns
    -------
    flags : numpy.ndarray
        Bool, shape of ``eigenvalues``.
    rule : str
        The rule, for the ``zero_mode_rule`` attribute.

    Examples
    --------
    >>> flags, rule = zero_mode_flags(np.array([[1e-12, 2e-12, 0.5, 1.0]]))
    >>> flags.tolist(), rule
    ([[True, True, False, False]], 'tolerance: |eigenvalue| <= 1e-06 * max|eigenvalue| of the sample')
    >>> zero_mode_flags(np.array([[1e-12, 2e-12, 0.5, 1.0]]), zero_modes=1)[0].tolist()
    [[True, False, False, False]]
    """
    lam = np.asarray(eigenvalues, dtype=np.float64)
    n_mode = lam.shape[-1]
    if zero_modes is not None:
        if (
            isinstance(zero_modes, bool)
            or not isinstance(zero_modes, (int, np.integer))
            or not 0 <= zero_modes < n_mode
        ):
            raise AdapterError(
                f"zero_modes is {zero_modes!r}; expected an integer in [0, {n_mode - 1}] for {n_mode} modes "
                "(with every mode a zero mode nothing is left to measure). Fix: zero_modes=d for a periodic "
                "vector model in d dimensions, 1 for a connected scalar network"
            )
        flags = np.broadcast_to(np.arange(n_mode) < int(zero_modes), lam.shape).copy()
        return flags, f"count: the {int(zero_modes)} lowest modes of each sample"
    try:
        valid = isinstance(zero_tolerance, (int, float, np.floating)) and 0 <= float(zero_tolerance) < 1
    except OverflowError:  # an integer beyond floating-point range
        valid = False
    if not valid:
        shown = repr(zero_tolerance)
        raise AdapterError(
            f"zero_tolerance is {shown if len(shown) <= 40 else shown[:24] + '…'}; expected a number "
            "in [0, 1). Fix: e.g. zero_tolerance=1e-6 (CLI: --set zero_tolerance=1e-6)"
        )
    scale = np.max(np.abs(lam), axis=-1, keepdims=True)
    flags = np.abs(lam) <= float(zero_tolerance) * scale
    # keep the flags a prefix (the convention's rule) even for pathological input
    flags = np.cumprod(flags, axis=-1).astype(bool)
    return flags, f"tolerance: |eigenvalue| <= {float(zero_tolerance):g} * max|eigenvalue| of the sample"


def _validate_values(lam: np.ndarray, where: str) -> None:
    if lam.ndim != 2 or lam.shape[0] == 0 or lam.shape[1] == 0:
        raise AdapterError(
            f"{where}: eigenvalues have shape {lam.shape}; expected (n_sample, n_mode) with at least "
            "one sample and one mode"
        )
    bad = ~np.isfinite(lam)
    if bad.any():
        s, m = (int(k) for k in np.argwhere(bad)[0])
        raise AdapterError(
            f"{where}: {int(bad.sum())} eigenvalue(s) are NaN or infinite (first: sample {s}, mode {m}); "
            "remove the failed samples or recompute them"
        )
    scale = np.max(np.abs(lam), axis=1)
    ratio = lam.min(axis=1) / np.where(scale > 0, scale, 1.0)
    worst = int(np.argmin(ratio))
    if ratio[worst] < -NEGATIVE_TOLERANCE:
        raise AdapterError(
            f"{where}: sample {worst} has eigenvalue {lam[worst].min():.6g} = {ratio[worst]:.3g} x max|eigenvalue| "
            f"(tolerance -{NEGATIVE_TOLERANCE:g}): the configuration is not a stable minimum. "
            "Quench it to its inherent structure before computing the Hessian, or drop the sample"
        )


def _ascending(lam: np.ndarray, has_eigenvectors: bool, where: str) -> tuple[np.ndarray, bool]:
    """The eigenvalues sorted ascending per sample, and whether they already were (eigenvectors need that)."""
    order = np.argsort(lam, axis=1, kind="stable")
    already_sorted = bool(np.all(np.diff(lam, axis=1) >= 0))
    if not already_sorted:
        if has_eigenvectors:
            raise AdapterError(
                f"{where}: eigenvalues are not ascending, so the mode indices of the eigenvectors are "
                "ambiguous; store the eigenvalues of each sample in ascending order with the "
                "eigenvectors' mode indices (vector_modes) referring to that order"
            )
        lam = np.take_along_axis(lam, order, axis=1)
    return lam, already_sorted


def _spectrum_vars(
    lam: np.ndarray, flags: np.ndarray, rule: str, units: str
) -> tuple[dict[str, object], dict[str, object]]:
    """The ``sample`` and ``mode`` coordinates and the ``eigenvalue`` and ``zero_mode`` variables."""
    n_sample, n_mode = lam.shape
    coords: dict[str, object] = {
        "sample": coordinate("sample", np.arange(n_sample, dtype=np.int64)),
        "mode": coordinate("mode", np.arange(n_mode, dtype=np.int64)),
    }
    data_vars: dict[str, object] = {
        "eigenvalue": (
            ("sample", "mode"),
            lam,
            variable_attrs("eigenvalue", units=units),
        ),
        "zero_mode": (("sample", "mode"), flags, variable_attrs("zero_mode", long_name=f"zero mode flag ({rule})")),
    }
    return coords, data_vars


def _structure_vars(
    position: np.ndarray | None,
    box_length: np.ndarray | None,
    diameter: np.ndarray | None,
    species: np.ndarray | None,
    n_sample: int,
    d: int,
    where: str,
) -> tuple[dict[str, object], bool]:
    """The checked position, box_length, diameter and species variables given, and whether they need ``spatial``."""
    data_vars: dict[str, object] = {}
    spatial_needed = False
    if position is not None:
        pos = np.asarray(position, dtype=np.float64)
        if pos.ndim != 3 or pos.shape[0] != n_sample or pos.shape[2] != d:
            raise AdapterError(
                f"{where}: positions have shape {pos.shape}; expected (n_sample={n_sample}, n_site, d={d})"
            )
        data_vars["position"] = (("sample", "site", "spatial"), pos, variable_attrs("position"))
        spatial_needed = True
    if box_length is not None:
        box = np.asarray(box_length, dtype=np.float64)
        if box.shape == (n_sample,):
            data_vars["box_length"] = (("sample",), box, variable_attrs("box_length"))
        elif box.shape == (n_sample, d):
            data_vars["box_length"] = (
                ("sample", "spatial"),
                box,
                variable_attrs("box_length", long_name="periodic box edge per axis"),
            )
            spatial_needed = True
        else:
            raise AdapterError(
                f"{where}: box_length has shape {box.shape}; expected (n_sample,) = ({n_sample},) "
                f"or (n_sample, d) = ({n_sample}, {d})"
            )
        if not np.all(np.isfinite(box)) or not np.all(box > 0):
            raise AdapterError(f"{where}: box_length must be finite and > 0, found {box.ravel()[:6].tolist()}")
    if diameter is not None:
        dia = np.asarray(diameter, dtype=np.float64)
        if dia.ndim != 2 or dia.shape[0] != n_sample or not np.all(dia > 0):
            raise AdapterError(
                f"{where}: diameters have shape {dia.shape} (or are not > 0); expected (n_sample, n_site) > 0"
            )
        data_vars["diameter"] = (("sample", "site"), dia, variable_attrs("diameter"))
    if species is not None:
        kinds = np.asarray(species)
        if kinds.ndim != 2 or kinds.shape[0] != n_sample or kinds.dtype.kind not in "iu" or np.any(kinds < 0):
            raise AdapterError(
                f"{where}: species have shape {kinds.shape}, dtype {kinds.dtype}; expected integers >= 0 of shape "
                "(n_sample, n_site) (Kob-Andersen: 0 = A, 1 = B)"
            )
        data_vars["species"] = (("sample", "site"), kinds.astype(np.int64), variable_attrs("species"))
    return data_vars, spatial_needed


def per_sample_moduli(moduli: Mapping[str, object] | None, n_sample: int, where: str) -> tuple[dict[str, object], str]:
    """The ``shear_modulus`` / ``bulk_modulus`` variables (sample,) from what an input gives, and a note.

    Each value is one number (the same for every sample: an ensemble's modulus; the note says so) or one per
    sample; every value must be a finite real number (a sample whose G is not positive is left out by the
    validators that read G, and counted there).

    Examples
    --------
    >>> data_vars, note = per_sample_moduli({"shear_modulus": 15.4}, 3, "x")
    >>> data_vars["shear_modulus"][1].tolist(), note
    ([15.4, 15.4, 15.4], 'shear_modulus: one value for every sample (3), read as the value of each sample')
    """
    data_vars: dict[str, object] = {}
    notes = []
    for name, value in (moduli or {}).items():
        if value is None:
            continue
        if name not in MODULI:
            raise AdapterError(f"{where}: {name!r} is no modulus; expected one of {MODULI}")
        try:
            arr = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError, OverflowError) as e:
            raise AdapterError(
                f"{where}: {name} is {str(value)[:40]!r}; expected real numbers ({type(e).__name__}: "
                f"{str(e)[:80]}). Fix: store {name} as floating-point numbers"
            ) from None
        if arr.ndim == 0:
            arr = np.full(n_sample, float(arr))
            if n_sample > 1:
                notes.append(f"{name}: one value for every sample ({n_sample}), read as the value of each sample")
        if arr.shape != (n_sample,):
            raise AdapterError(
                f"{where}: {name} has shape {arr.shape}; expected one value for every sample or one per sample, "
                f"({n_sample},). Fix: give {name} per sample in the order of the eigenvalues"
            )
        if not np.all(np.isfinite(arr)):
            raise AdapterError(
                f"{where}: {name} holds NaN or infinite values ({arr[~np.isfinite(arr)][:3].tolist()}); expected "
                f"finite numbers. Fix: leave out the samples whose {name} could not be computed"
            )
        data_vars[name] = (("sample",), arr, variable_attrs(name))
    return data_vars, "; ".join(notes)


#: What each per-site variable is called in messages (the npz keys).
_SITE_NAMES = {"position": "positions", "diameter": "diameters", "species": "species", "eigenvector": "eigenvectors"}


def _check_site_counts(data_vars: Mapping[str, object], n_sample: int, where: str) -> None:
    """Refuse per-site arrays whose site counts differ (fault G3 of 2026-11-28: ``diameters`` of 10 sites beside
    ``positions`` of 64 ended in xarray's "conflicting sizes" as "this is a bug")."""
    sites = {}
    for name, var in data_vars.items():
        dims, array = var[0], var[1]  # type: ignore[index]
        if "site" in dims:
            sites[_SITE_NAMES.get(name, name)] = int(np.shape(array)[list(dims).index("site")])
    if len(set(sites.values())) > 1:
        first, n = next(iter(sites.items()))
        found = "; ".join(f"{k} have {v} sites" for k, v in sites.items())
        raise AdapterError(
            f"{where}: {found}; expected one site count, (n_sample, n_site) = ({n_sample}, {n}) as {first}. "
            "Fix: store every per-site array for the same particles"
        )


def _eigenvector_vars(
    eigenvector: np.ndarray,
    vector_modes: Sequence[int] | np.ndarray | None,
    n_sample: int,
    n_mode: int,
    d: int,
    where: str,
) -> tuple[tuple[object, ...], tuple[object, ...]]:
    """The checked ``vector_mode`` coordinate and ``eigenvector`` variable (shapes, mode indices, normalisation)."""
    vec = np.asarray(eigenvector, dtype=np.float64)
    if vec.ndim not in (3, 4) or vec.shape[0] != n_sample or (vec.ndim == 4 and vec.shape[3] != d):
        raise AdapterError(
            f"{where}: eigenvectors have shape {vec.shape}; expected (n_sample={n_sample}, n_vector, n_site) "
            f"for a scalar model or (n_sample, n_vector, n_site, d={d}) for a vector model"
        )
    idx = np.arange(vec.shape[1]) if vector_modes is None else np.asarray(vector_modes)
    if (
        idx.shape != (vec.shape[1],)
        or idx.dtype.kind not in "iu"
        or (idx.size and (idx.min() < 0 or idx.max() >= n_mode))
    ):
        raise AdapterError(
            f"{where}: vector_modes {idx.tolist()} must be {vec.shape[1]} integer mode indices in [0, {n_mode})"
        )
    axes = (2,) if vec.ndim == 3 else (2, 3)
    norms = np.sum(vec * vec, axis=axes)
    if not np.all(np.isfinite(norms)) or np.any(np.abs(norms - 1.0) > NORM_TOLERANCE):
        raise AdapterError(
            f"{where}: eigenvectors are not normalised (|e|^2 - 1 up to "
            f"{float(np.nanmax(np.abs(norms - 1.0))):.3g}, tolerance {NORM_TOLERANCE:g}); "
            "store each mode normalised over sites (and components)"
        )
    dims = ("sample", "vector_mode", "site") if vec.ndim == 3 else ("sample", "vector_mode", "site", "spatial")
    return coordinate("vector_mode", idx.astype(np.int64)), (dims, vec, variable_attrs("eigenvector"))


def _adapter_attrs(
    paths: Sequence[Path],
    format_name: str,
    values: str,
    already_sorted: bool,
    rule: str,
    site_degrees_of_freedom: int | None,
    extra_attrs: Mapping[str, object] | None,
    title: str | None,
    d: int,
) -> dict[str, object]:
    """The global attributes: the convention's, the adapter's settings, the source and a history line."""
    source = describe_paths(paths)
    names = ", ".join(printable(p.name) for p in paths[:3]) + (" ..." if len(paths) > 3 else "")
    extra: dict[str, object] = {
        "adapter_format": format_name,
        "adapter_values": "eigenvalue" if values == "eigenvalue" else "frequency (eigenvalue = sign(omega) omega^2)",
        "adapter_sorted": "already ascending" if already_sorted else "sorted ascending by the adapter",
        "zero_mode_rule": rule,
    }
    if site_degrees_of_freedom is not None:
        extra["site_degrees_of_freedom"] = int(site_degrees_of_freedom)
    for key, value in (extra_attrs or {}).items():
        extra[key] = value
    attrs = convention_attrs(
        title=title or f"{format_name} data from {names}",
        source=f"{source} (read as format {format_name!r} by vdosbench.benchmark.adapters)",
        references=THIRD_PARTY_REFERENCES,
        spatial_dimension=d,
        **extra,
    )
    attrs["history"] = history_line(f"adapter {format_name}: read {source}")
    return attrs


def spectrum_dataset(
    eigenvalues: np.ndarray,
    *,
    paths: Sequence[Path],
    format_name: str,
    spatial_dimension: int,
    values: str = "eigenvalue",
    zero_modes: int | None = None,
    zero_tolerance: float = ZERO_TOLERANCE,
    units: str = "1",
    site_degrees_of_freedom: int | None = None,
    position: np.ndarray | None = None,
    box_length: np.ndarray | None = None,
    diameter: np.ndarray | None = None,
    species: np.ndarray | None = None,
    eigenvector: np.ndarray | None = None,
    vector_modes: Sequence[int] | np.ndarray | None = None,
    extra_attrs: Mapping[str, object] | None = None,
    title: str | None = None,
    moduli: Mapping[str, object] | None = None,
) -> xr.Dataset:
    """Build and check a VDOS-1.0 dataset from third-party arrays.

    Parameters
    ----------
    eigenvalues
        Shape (n_sample, n_mode): λ (or ω when ``values="frequency"``), any order.
    paths
        The input file(s), recorded in ``source``, ``title`` and ``history``.
    format_name
        The adapter's name (``"npz"``, ``"text"``...).
    spatial_dimension
        d ∈ {1, 2, 3}.
    values
        ``"eigenvalue"`` or ``"frequency"`` (λ = sign(ω) ω²).
    zero_modes, zero_tolerance
        The zero-mode rule, see :func:`zero_mode_flags`.
    units
        Units of λ (``"1"`` for reduced units).
    site_degrees_of_freedom
        1 for a scalar model, d for a vector model; recorded when given.
    position
        Shape (n_sample, n_site, d), optional.
    box_length
        Shape (n_sample,) or (n_sample, d), optional, > 0.
    diameter
        Shape (n_sample, n_site), optional.
    species
        Shape (n_sample, n_site), integers >= 0, optional (e.g. Kob–Andersen 0 = A, 1 = B).
    eigenvector
        Shape (n_sample, n_vector, n_site[, d]), optional, normalised; needs
        eigenvalues already ascending (the mode indices would change otherwise).
    vector_modes
        Shape (n_vector,), mode indices of ``eigenvector`` (default 0 … n_vector − 1).
    extra_attrs
        Further global attributes (adapter settings).
    title
        Default: ``"<format> data from <file name>"``.
    moduli
        ``shear_modulus`` and/or ``bulk_modulus``: one number for every sample or one per sample
        (:func:`per_sample_moduli`), stored as variables (sample,).

    Returns
    -------
    xarray.Dataset
        Passes :func:`vdosbench.datasets.check`.

    Raises
    ------
    AdapterError
        Naming the file(s), the rule broken and the fix.
    """
    where = f"{describe_paths(paths)} (format {format_name!r})"
    d = as_spatial_dimension(spatial_dimension, where)
    if site_degrees_of_freedom is not None and (
        isinstance(site_degrees_of_freedom, bool)
        or not isinstance(site_degrees_of_freedom, (int, np.integer))
        or int(site_degrees_of_freedom) not in (1, d)
    ):
        raise AdapterError(
            f"{where}: site_degrees_of_freedom is {str(site_degrees_of_freedom)[:40]!r}; expected the integer 1 (a "
            f"scalar model) or d = {d} (a vector model). Fix: --set site_degrees_of_freedom=1 or {d}"
        )
    lam = to_eigenvalues(np.asarray(eigenvalues), values, where)
    if lam.ndim != 2:
        raise AdapterError(f"{where}: eigenvalues have shape {lam.shape}; expected (n_sample, n_mode)")
    _validate_values(lam, where)
    n_sample, n_mode = lam.shape
    lam, already_sorted = _ascending(lam, eigenvector is not None, where)
    flags, rule = zero_mode_flags(lam, zero_modes, zero_tolerance)
    coords, data_vars = _spectrum_vars(lam, flags, rule, units)
    structure, spatial_needed = _structure_vars(position, box_length, diameter, species, n_sample, d, where)
    data_vars.update(structure)
    modulus_vars, modulus_note = per_sample_moduli(moduli, n_sample, where)
    data_vars.update(modulus_vars)
    if modulus_note:
        extra_attrs = {**(extra_attrs or {}), "adapter_moduli": modulus_note}
    if eigenvector is not None:
        coords["vector_mode"], data_vars["eigenvector"] = _eigenvector_vars(
            eigenvector, vector_modes, n_sample, n_mode, d, where
        )
        spatial_needed = spatial_needed or "spatial" in data_vars["eigenvector"][0]
    _check_site_counts(data_vars, n_sample, where)
    if spatial_needed:
        coords["spatial"] = coordinate("spatial", np.array(list("xyz"[:d])))

    attrs = _adapter_attrs(
        paths, format_name, values, already_sorted, rule, site_degrees_of_freedom, extra_attrs, title, d
    )
    ds = xr.Dataset(data_vars, coords=coords, attrs=attrs)
    try:
        check(ds)
    except ConventionError as e:
        raise AdapterError(f"{where} does not give a valid VDOS-1.0 dataset:\n{e}") from e
    return ds
