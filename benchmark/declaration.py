"""What a dataset holds, declared by its producer: the physical system the claims select on.

Claims select their data by physics (``applies_to`` in ``claims.toml``: the
model, its taper order, the parent temperature ...), not by which program made
it.  Our generators' datasets say what they are through their attributes
(``generator`` maps to a model: :data:`GENERATOR_MODELS`); a third-party
dataset *declares* it, on the command line (``vdosbench score ka.npz
--declare model=kob_andersen --declare parent_temperature=0.45``) or in a
sidecar file next to the data (``ka.npz`` → ``ka.vdos.toml``,
:func:`sidecar_path`) with the same keys::

    # ka.vdos.toml: what ka.npz holds
    model = "kob_andersen"          # soft_spheres, kob_andersen, spring_network or glass
    taper_order = 0                 # m of the potential at its cutoff (0: plain truncated-and-shifted cut; "inf")
    spatial_dimension = 3
    n_particles = 1000
    density = 1.2
    parent_temperature = 2.0        # model units (epsilon / k_B); or parent_temperature_ratio = T*/T_d
    quench = "NVT at T = 2.0, then FIRE to max |F| < 1e-10"

The keys (:data:`DECLARABLE`) are checked (unknown key, unknown model, wrong
type → :class:`DeclarationError` naming what was expected, what was found and
the fix), checked against the data (dimension, particle count, attributes the
dataset already has), and written to the dataset's global attributes
(:func:`declare`), with ``declared_by`` saying where they came from.  The
parent temperature is recorded in model units and as T*/T_d, with the T_d of
the model (:data:`MODELS`; soft spheres: the T_d measured for this potential,
0.144, or with ``non_additivity = 0.2`` declared the non-additive control's, 0.0716;
Kob–Andersen: the published T_MCT).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr
from vdosbench.datasets.errors import VdosbenchError
from vdosbench.datasets.toml_files import read_toml

__all__ = [
    "DECLARABLE",
    "GENERATOR_MODELS",
    "MODELS",
    "Declaration",
    "DeclarationError",
    "Model",
    "declaration_for",
    "declare",
    "get_model",
    "parse_declaration",
    "read_sidecar",
    "sidecar_path",
    "system_summary",
    "system_value",
]

#: Ending of a sidecar file: ``ka.npz`` is described by ``ka.vdos.toml``.
SIDECAR_SUFFIX = ".vdos.toml"
#: Largest sidecar file read (bytes): a sidecar is a few lines.
SIDECAR_MAX_BYTES = 1024 * 1024


class DeclarationError(VdosbenchError, ValueError):
    """A declaration that cannot be used: unknown key or model, wrong type, or one the data contradict."""


@dataclass(frozen=True)
class Model:
    """A physical model that claims can be about.

    Attributes
    ----------
    name
        What ``model = ...`` declares and ``applies_to`` names.
    description
        One line.
    kind
        ``"glass"`` (particles with a pair potential) or ``"network"``.
    generators
        Our generators whose datasets hold this model (:data:`GENERATOR_MODELS`).
    potential
        The name of our pair potential (:data:`vdosbench.benchmark.adapters.POTENTIALS`)
        for the cross-code check, or ``None``.
    t_d_value, t_d_source
        The dynamical-arrest temperature T_d in model units (for T*/T_d), or a function returning it,
        and where it comes from (:attr:`t_d` reads it).
    parameters
        Model-specific keys a declaration may give (besides the common ones).
    t_d_rule
        For a model whose T_d depends on a declared parameter (the soft spheres' ``non_additivity``): a function
        of the declared values returning T_d (``None`` where none is known) and its source
        (:meth:`t_d_for` calls it); ``None``: :attr:`t_d` for every declaration.
    """

    name: str
    description: str
    kind: str
    generators: tuple[str, ...] = ()
    potential: str | None = None
    t_d_value: float | Callable[[], float] | None = None
    t_d_source: str = ""
    parameters: tuple[str, ...] = ()
    t_d_rule: Callable[[Mapping[str, Any]], tuple[float | None, str]] | None = None

    @property
    def t_d(self) -> float | None:
        """T_d in model units (``None`` for a model without one)."""
        return self.t_d_value() if callable(self.t_d_value) else self.t_d_value

    def t_d_for(self, values: Mapping[str, Any]) -> tuple[float | None, str]:
        """T_d of the system the declared ``values`` describe, and where it comes from (``None``, why: none known).

        Examples
        --------
        >>> get_model("soft_spheres").t_d_for({"non_additivity": 0.2})[0]
        0.0716
        """
        if self.t_d_rule is not None:
            return self.t_d_rule(values)
        return self.t_d, self.t_d_source


#: Where the additive soft spheres' T_d comes from.
_SOFT_SPHERE_T_D_SOURCE = "measured for this potential (vdosbench.generators.glasses.soft_spheres.T_D)"


def _soft_sphere_t_d() -> float:
    """The measured T_d of the seed-001 soft spheres (imported when needed: the generators load slowly)."""
    from vdosbench.generators.glasses.soft_spheres import T_D

    return float(T_D)


def _soft_sphere_t_d_rule(values: Mapping[str, Any]) -> tuple[float | None, str]:
    """T_d of the soft spheres: the additive mixture's, or the non-additive control's (ε = 0.2), both measured for
    these potentials; none for another ε."""
    from vdosbench.generators.glasses.glass_params import NINARELLO_NON_ADDITIVITY, T_D_NONADDITIVE

    eps = float(values.get("non_additivity", 0.0))
    if eps == 0.0:
        return _soft_sphere_t_d(), _SOFT_SPHERE_T_D_SOURCE
    if math.isclose(eps, NINARELLO_NON_ADDITIVITY):
        return float(T_D_NONADDITIVE), (
            "measured for the non-additive control, non_additivity 0.2 (vdosbench.generators.T_D_NONADDITIVE)"
        )
    return None, (f"no T_d is measured for non_additivity {eps:g} (only 0 and {NINARELLO_NON_ADDITIVITY:g})")


def _kob_andersen_t_mct() -> float:
    """The published T_MCT of the Kob–Andersen mixture (imported when needed, as :func:`_soft_sphere_t_d`)."""
    from vdosbench.generators.glasses.soft_spheres import KA_T_MCT

    return float(KA_T_MCT)


def _models() -> dict[str, Model]:
    return {
        m.name: m
        for m in (
            Model(
                "soft_spheres",
                "polydisperse soft spheres of seed 001 (n = 12, r_c = 1.955, P(a) ~ a^-3), taper order m",
                "glass",
                (
                    "soft_spheres",
                    "soft_spheres_equilibrated",
                    "soft_spheres_lowest",
                    "soft_spheres_lowest_equilibrated",
                ),
                "soft_sphere",
                _soft_sphere_t_d,
                _SOFT_SPHERE_T_D_SOURCE,
                ("taper_order", "non_additivity"),
                _soft_sphere_t_d_rule,
            ),
            Model(
                "kob_andersen",
                "Kob-Andersen 80:20 Lennard-Jones mixture (r_c = 2.5 sigma_ij), taper order m (0: plain shifted cut)",
                "glass",
                ("lennard_jones", "lennard_jones_equilibrated"),
                "kob_andersen",
                _kob_andersen_t_mct,
                "the published T_MCT at density 1.2 (Kob & Andersen, PRE 51, 4626 (1995); cited, not re-measured)",
                ("taper_order",),
            ),
            Model(
                "spring_network",
                "2D scalar spring network of seed 002 (square lattice displaced by delta)",
                "network",
                ("spring_network",),
                parameters=("connectivity", "spring", "delta"),
            ),
            Model(
                "glass",
                "a glass of another model: only the claims about any glass apply (no model-specific claim)",
                "glass",
                parameters=("taper_order",),
            ),
        )
    }


#: The declarable models by name.
MODELS: dict[str, Model] = _models()
#: Our generators' names → the model their datasets hold.
GENERATOR_MODELS: dict[str, str] = {g: m.name for m in MODELS.values() for g in m.generators}

#: Keys every declaration may give, with what each must be (the message of a wrong value).
COMMON_KEYS: dict[str, str] = {
    "model": f"one of {sorted(MODELS)}",
    "spatial_dimension": "the integer 2 or 3",
    "n_particles": "an integer >= 1",
    "density": "a number > 0 (particles per volume in model units)",
    "parent_temperature": 'a number > 0 in model units (energy / k_B), or "inf"',
    "parent_temperature_ratio": "a number > 0: T*/T_d of the model",
    "quench": 'text: how the inherent structures were made (e.g. "FIRE to max |F| < 1e-10")',
    "shear_modulus": "a number > 0: the ensemble shear modulus G of the set in model units (measured by the code "
    "that made it; the unit that places the set on our axes when it holds no G per sample), "
    "or a list of numbers > 0, one per sample",
    "bulk_modulus": "a number > 0: the bulk modulus K of the set in model units, or a list of numbers > 0, one per "
    "sample",
    "max_residual_force": "a number > 0: the largest residual force max_i |F_i| of the stored structures, as the "
    "code that made them measured it (model units; vdosbench score --certified needs it of "
    "a third-party file that stores no positions)",
}
#: Declarable keys that the data may also hold per sample: a declared value is stored as a variable (sample,)
#: when the data hold none, so that the claims that require it (the absolute-frequency claims: G) apply.
MODULUS_KEYS = ("shear_modulus", "bulk_modulus")
#: Model-specific keys and what each must be.
MODEL_KEYS: dict[str, str] = {
    "taper_order": 'an integer m >= 0, or "inf" (stored as -1) for the C-infinity taper',
    "connectivity": '"nearest" or "cutoff"',
    "spring": '"inverse_distance" or "constant"',
    "delta": "a number >= 0 (lattice displacement)",
    "non_additivity": "a number >= 0 and < 1: epsilon of the pair size a_ij = (a_i + a_j)/2 (1 - epsilon |a_i - a_j|) "
    "(0: the additive mixture; 0.2: the non-additive T_d control)",
}
#: Every key a declaration may give (``--declare KEY=VALUE`` and sidecar files).
DECLARABLE: tuple[str, ...] = (*COMMON_KEYS, *MODEL_KEYS)


def get_model(name: str) -> Model:
    """The model named ``name``; an unknown name lists the valid ones.

    Examples
    --------
    >>> get_model("kob_andersen").t_d
    0.435
    """
    try:
        return MODELS[name]
    except KeyError:
        raise DeclarationError(
            f"unknown model {name!r}; expected one of {sorted(MODELS)}. Fix: declare model=<one of them> "
            "(model=glass for a glass of another model: only the claims about any glass apply)"
        ) from None


@dataclass(frozen=True)
class Declaration:
    """A checked declaration: the values by key (``parent_temperature_ratio`` filled in) and where they came from."""

    values: Mapping[str, Any]
    source: str

    @property
    def model(self) -> Model:
        """The declared :class:`Model`."""
        return MODELS[self.values["model"]]


def _bad(key: str, value: Any, expected: str, where: str, why: str = "") -> DeclarationError:
    shown = repr(value)
    if len(shown) > 60:  # a 4000-digit integer is named, not repeated
        shown = f"{shown[:40]}… ({len(shown)} characters)"
    return DeclarationError(
        f"{where}: {key} is {shown} ({type(value).__name__}{', ' + why if why else ''}); expected {expected}. "
        f"Fix: declare e.g. {key}={_EXAMPLES[key]}"
    )


_EXAMPLES = {
    "model": "kob_andersen",
    "spatial_dimension": "3",
    "n_particles": "1000",
    "density": "1.2",
    "parent_temperature": "0.45",
    "parent_temperature_ratio": "1.03",
    "quench": "'FIRE to max |F| < 1e-10'",
    "taper_order": "2",
    "connectivity": "cutoff",
    "spring": "constant",
    "delta": "0.1",
    "non_additivity": "0.2",
    "shear_modulus": "15.4",
    "bulk_modulus": "60.2",
    "max_residual_force": "1e-10",
}


def _number(key: str, value: Any, where: str, *, integer: bool = False, allow_inf: bool = False) -> float | int:
    """``value`` as a number (an integer when ``integer``); text such as ``"0.45"`` from the command line is read."""
    if isinstance(value, str):
        text = value.strip().lower()
        if allow_inf and text in ("inf", "infinity"):
            return math.inf
        try:
            value = float(text)
        except ValueError:
            raise _bad(key, value, COMMON_KEYS.get(key) or MODEL_KEYS[key], where) from None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _bad(key, value, COMMON_KEYS.get(key) or MODEL_KEYS[key], where)
    try:
        float(value)
    except OverflowError:  # an integer beyond any float (G8 of 2026-11-28: a 4000-digit n_particles)
        raise _bad(key, value, COMMON_KEYS.get(key) or MODEL_KEYS[key], where, "too large") from None
    if integer:
        if not math.isfinite(float(value)) or float(value) != int(value):
            raise _bad(key, value, COMMON_KEYS.get(key) or MODEL_KEYS[key], where)
        return int(value)
    if (math.isinf(float(value)) and not allow_inf) or math.isnan(float(value)):
        raise _bad(key, value, COMMON_KEYS.get(key) or MODEL_KEYS[key], where)
    return float(value)


def _check_value(key: str, value: Any, where: str) -> Any:
    expected = COMMON_KEYS.get(key) or MODEL_KEYS[key]
    if key in ("model", "quench", "connectivity", "spring"):
        if not isinstance(value, str) or not value.strip():
            raise _bad(key, value, expected, where)
        value = value.strip()
        if key == "model":
            get_model(value)
        if key == "connectivity" and value not in ("nearest", "cutoff"):
            raise _bad(key, value, expected, where)
        if key == "spring" and value not in ("inverse_distance", "constant"):
            raise _bad(key, value, expected, where)
        return value
    if key == "taper_order":
        from vdosbench.generators.glasses.potentials import INFINITE_ORDER

        if (isinstance(value, str) and value.strip().lower() in ("inf", "infinity")) or (
            isinstance(value, float) and value == math.inf
        ):
            return INFINITE_ORDER  # "inf" on the command line, inf in TOML
        m = _number(key, value, where, integer=True)
        if m < 0 and m != INFINITE_ORDER:
            raise _bad(key, value, expected, where)
        return m
    if key in MODULUS_KEYS and isinstance(value, (list, tuple)):
        if not value:
            raise _bad(key, value, expected, where)
        return [_check_value(key, v, where) for v in value]
    if key in ("spatial_dimension", "n_particles"):
        n = _number(key, value, where, integer=True)
        if (key == "spatial_dimension" and n not in (2, 3)) or n < 1:
            raise _bad(key, value, expected, where)
        return n
    x = _number(key, value, where, allow_inf=key == "parent_temperature")
    if x < 0 or (x == 0 and key not in ("delta", "non_additivity")) or (key == "non_additivity" and x >= 1):
        raise _bad(key, value, expected, where)
    return x


#: Relative tolerance within which a declared T* and T*/T_d must agree (rounding of a printed ratio).
RATIO_TOLERANCE = 1e-3


def parse_declaration(raw: Mapping[str, Any], source: str) -> Declaration:
    """Check a declaration (``KEY -> value``, values as TOML or command-line text gives them).

    Parameters
    ----------
    raw
        Keys of :data:`DECLARABLE`; ``model`` is required.
    source
        Where it came from (``"--declare"``, a sidecar path), for messages and ``declared_by``.

    Returns
    -------
    Declaration
        With ``parent_temperature`` and ``parent_temperature_ratio`` both set when either is given
        and the model has a T_d.

    Raises
    ------
    DeclarationError
        Unknown key or model, a wrong type, a key the model does not take, or T* and T*/T_d that disagree.

    Examples
    --------
    >>> d = parse_declaration({"model": "kob_andersen", "parent_temperature": "0.45", "taper_order": "0"}, "--declare")
    >>> d.values["parent_temperature"], round(d.values["parent_temperature_ratio"], 4), d.values["taper_order"]
    (0.45, 1.0345, 0)
    """
    unknown = sorted(set(raw) - set(DECLARABLE))
    if unknown:
        raise DeclarationError(
            f"{source}: unknown key(s) {unknown}; expected keys of {list(DECLARABLE)}. "
            "Fix: correct the spelling, or leave the key out"
        )
    if "model" not in raw:
        raise DeclarationError(
            f"{source}: no model declared (found keys {sorted(raw)}); expected model = one of {sorted(MODELS)}. "
            "Fix: declare model=... (e.g. --declare model=kob_andersen)"
        )
    values = {key: _check_value(key, raw[key], source) for key in raw}
    model = MODELS[values["model"]]
    foreign = sorted(k for k in values if k in MODEL_KEYS and k not in model.parameters)
    if foreign:
        raise DeclarationError(
            f"{source}: model {model.name!r} takes no {foreign}; its own keys are {list(model.parameters)}. "
            "Fix: leave them out, or declare the model they belong to"
        )
    has_t, has_ratio = "parent_temperature" in values, "parent_temperature_ratio" in values
    t_d, t_d_source = model.t_d_for(values)
    if (has_t or has_ratio) and t_d is None:
        if has_ratio:
            raise DeclarationError(
                f"{source}: model {model.name!r} has no reference T_d here ({t_d_source or 'none is known'}), so "
                "T*/T_d means nothing; Fix: declare parent_temperature in model units instead"
            )
    elif has_ratio and not has_t:
        values["parent_temperature"] = values["parent_temperature_ratio"] * t_d
    elif has_t and t_d is not None:
        ratio = values["parent_temperature"] / t_d
        if has_ratio and not math.isclose(ratio, values["parent_temperature_ratio"], rel_tol=RATIO_TOLERANCE):
            raise DeclarationError(
                f"{source}: parent_temperature {values['parent_temperature']:g} is {ratio:.4g} T_d of "
                f"{model.name} (T_d = {t_d:g}, {t_d_source}), but parent_temperature_ratio is "
                f"{values['parent_temperature_ratio']:g}; expected them to agree within {RATIO_TOLERANCE:g}. "
                "Fix: declare only one of them"
            )
        values["parent_temperature_ratio"] = ratio
    return Declaration(values, source)


def sidecar_path(data: str | Path) -> Path:
    """The sidecar file that describes ``data``: its name without the last suffix (and ``.gz``) + ``.vdos.toml``.

    Examples
    --------
    >>> sidecar_path("runs/ka.npz").as_posix(), sidecar_path("run/glass.dyn.gz").as_posix()
    ('runs/ka.vdos.toml', 'run/glass.vdos.toml')
    """
    p = Path(data)
    name = p.name[:-3] if p.name.lower().endswith(".gz") else p.name
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return p.with_name(stem + SIDECAR_SUFFIX)


def read_sidecar(path: str | Path) -> dict[str, Any]:
    """The keys of a sidecar TOML file (not yet checked: :func:`parse_declaration`).

    Read within the size and nesting-depth limits of :func:`vdosbench.datasets.toml_files.read_toml`
    (a sidecar is plain ``KEY = VALUE`` lines, at most :data:`SIDECAR_MAX_BYTES`).
    """
    p = Path(path)
    raw = read_toml(
        p,
        DeclarationError,
        max_bytes=SIDECAR_MAX_BYTES,
        fix="check the syntax near that line: plain KEY = VALUE lines (see docs/third-party.md, 'Declaring what "
        "the data hold'), or remove the sidecar and declare with --declare KEY=VALUE",
    )
    nested = sorted(k for k, v in raw.items() if isinstance(v, dict))
    if nested:
        raise DeclarationError(
            f"{p}: tables {nested} found; expected plain KEY = VALUE lines at the top level "
            f"(keys {list(DECLARABLE)}). Fix: move the keys out of the [table]"
        )
    return raw


def declaration_for(data: str | Path, assignments: Mapping[str, Any] | None = None) -> Declaration | None:
    """The declaration of the input file ``data``: its sidecar (:func:`sidecar_path`), if any, with
    ``assignments`` (``--declare KEY=VALUE``) replacing the sidecar's values; ``None`` when neither says anything.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "ka.vdos.toml").write_text('model = "kob_andersen"\\nparent_temperature = 2.0\\n')
    >>> d = declaration_for(folder / "ka.npz", {"parent_temperature": "0.45"})
    >>> d.values["model"], d.values["parent_temperature"], d.source.endswith("--declare parent_temperature=0.45")
    ('kob_andersen', 0.45, True)
    >>> declaration_for(folder / "other.npz") is None
    True
    """
    from .adapters.base import printable

    side = sidecar_path(data)
    try:
        has_sidecar = side.is_file()
    except OSError:  # e.g. a name too long once the sidecar suffix is added (a 250-character data file name)
        has_sidecar = False
    raw = read_sidecar(side) if has_sidecar else {}
    given = dict(assignments or {})
    sources = ([f"sidecar {printable(str(side))}"] if has_sidecar else []) + (
        ["--declare " + " ".join(f"{k}={v}" for k, v in given.items())] if given else []
    )
    merged = {**raw, **given}
    if not merged:
        return None
    return parse_declaration(merged, "; ".join(sources))


def system_value(ds: xr.Dataset, key: str) -> tuple[bool, Any]:
    """The value of an ``applies_to`` key that is not a coordinate: the attribute, else what follows from it.

    ``model`` of our own datasets follows from ``generator`` (:data:`GENERATOR_MODELS`).

    Returns
    -------
    tuple of (bool, object)
        Whether the dataset says, and the value.

    Examples
    --------
    >>> import xarray as xr
    >>> system_value(xr.Dataset(attrs={"generator": "soft_spheres_equilibrated"}), "model")
    (True, 'soft_spheres')
    >>> system_value(xr.Dataset(), "model")
    (False, None)
    """
    if key in ds.attrs:
        return True, ds.attrs[key]
    if key == "model" and str(ds.attrs.get("generator")) in GENERATOR_MODELS:
        return True, GENERATOR_MODELS[str(ds.attrs["generator"])]
    return False, None


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12) or (math.isinf(a) and a == b)
    return str(a) == str(b)


def declare(ds: xr.Dataset, declaration: Declaration, where: str = "data") -> xr.Dataset:
    """``ds`` with the declared system in its global attributes, after checking it against the data.

    Parameters
    ----------
    ds
        A VDOS-1.0 dataset (e.g. from an adapter).
    declaration
        From :func:`parse_declaration`.
    where
        The input's name, for messages.

    Returns
    -------
    xarray.Dataset
        A copy with the declared keys as attributes, ``n_particles`` from the ``site`` dimension when
        not declared, ``parent_temperature_reference`` (the T_d used) and ``declared_by``.

    Raises
    ------
    DeclarationError
        When the data contradict the declaration: another spatial dimension or particle count, or an
        attribute (or, for ``model``, the generator) with another value.
    """
    values = dict(declaration.values)
    model = declaration.model
    found: dict[str, Any] = {}
    if "site" in ds.dims and model.kind == "glass":
        found["n_particles"] = (ds.sizes["site"], "the data's site dimension")
    for key in values:
        known, value = system_value(ds, key)
        if known and key not in ds.coords:
            found.setdefault(key, (value, "the dataset's attribute" if key in ds.attrs else "its generator"))
    for key, value in values.items():
        if key in ds.coords:
            raise DeclarationError(
                f"{where}: {key} is a parameter dimension of the data ({ds[key].values.tolist()}), so it cannot be "
                f"declared as one value {value!r}. Fix: leave {key} out of the declaration"
            )
        if key in found and not _same(found[key][0], value):
            raise DeclarationError(
                f"{where}: declared {key}={value!r}, but {found[key][1]} says {found[key][0]!r}; expected them to "
                f"agree. Fix: correct the declaration (from {declaration.source}) or the data"
            )
    if "n_particles" not in values and "n_particles" in found:
        values["n_particles"] = int(found["n_particles"][0])
    _check_declared_species(ds, model, where)
    attrs = {k: (float(v) if isinstance(v, float) else v) for k, v in values.items()}
    if "parent_temperature_ratio" in values:
        t_d, t_d_source = model.t_d_for(values)
        attrs["parent_temperature_reference"] = f"T_d = {t_d:g}, {t_d_source}"
    attrs["declared_by"] = declaration.source
    return _declared_moduli(ds.assign_attrs(attrs), values, declaration.source, where)


def _declared_moduli(ds: xr.Dataset, values: Mapping[str, Any], source: str, where: str) -> xr.Dataset:
    """``ds`` with a declared shear or bulk modulus as a variable (sample,) where the data hold none (issue 64
    item 7: the claims that require G then apply to a third party's set that gives it), its ``long_name`` saying
    it was declared.  A modulus the data hold per sample is kept; the declared one stays an attribute."""
    from .adapters.base import AdapterError, per_sample_moduli

    for key in MODULUS_KEYS:
        if key not in values or key in ds.variables or "sample" not in ds.dims:
            continue
        try:
            data_vars, note = per_sample_moduli({key: values[key]}, ds.sizes["sample"], where)
        except AdapterError as e:
            raise DeclarationError(f"{e} (declared by {source})") from None
        dims, array, var_attrs = data_vars[key]
        how = note.split(": ", 1)[1] if note else "one per sample"
        var_attrs = {**var_attrs, "long_name": f"{var_attrs['long_name']} (declared: {how})", "declared_by": source}
        ds = ds.assign({key: (dims, array, var_attrs)})
    return ds


def _model_species_count(model: Model) -> int | None:
    """How many species the model's pair potential has parameters for (Kob–Andersen: 2), or None when its
    particles are told apart otherwise (the soft spheres: by diameter) or it has no potential."""
    if model.potential != "kob_andersen":
        return None
    from vdosbench.generators.glasses.potentials import kob_andersen_potential

    return int(np.shape(kob_andersen_potential(0).cutoff)[0])


def _check_declared_species(ds: xr.Dataset, model: Model, where: str) -> None:
    """Refuse species the declared model has no parameters for, when the data are declared (issue 64, G9).

    Before, the range was checked only when the cross-code check was about to run (``taper_order`` declared
    too); otherwise species 2, 2⁴⁰ or 2⁶⁴−1 of Kob–Andersen data were scored with exit 0.  The values are
    named as stored.
    """
    if "species" not in ds.variables:
        return
    n_species = _model_species_count(model)
    if n_species is None:
        return
    from .species import check_species

    check_species(ds, n_species, model.name, where)


#: Keys of the system in the order the report shows them.
SUMMARY_KEYS = (
    "model",
    "spatial_dimension",
    "n_particles",
    "density",
    "taper_order",
    "parent_temperature",
    "parent_temperature_ratio",
    "non_additivity",
    "quench",
    "connectivity",
    "spring",
    "delta",
)


def system_summary(ds: xr.Dataset) -> dict[str, Any]:
    """The system the claims see in ``ds`` (model, dimension, N, preparation) and where it was said.

    Keys of :data:`SUMMARY_KEYS` that the dataset holds as attributes (or, for ``model``, through its
    generator), and ``declared_by``: the declaration's source, ``"generator <name>"`` or ``"nothing"``.

    Examples
    --------
    >>> import xarray as xr
    >>> system_summary(xr.Dataset(attrs={"generator": "lennard_jones", "spatial_dimension": 3}))
    {'model': 'kob_andersen', 'spatial_dimension': 3, 'declared_by': 'generator lennard_jones'}
    """
    out: dict[str, Any] = {}
    for key in SUMMARY_KEYS:
        known, value = system_value(ds, key)
        if known and key not in ds.coords:
            out[key] = value.item() if hasattr(value, "item") else value
    if "declared_by" in ds.attrs:
        out["declared_by"] = str(ds.attrs["declared_by"])
    elif "generator" in ds.attrs:
        out["declared_by"] = f"generator {ds.attrs['generator']}"
    else:
        out["declared_by"] = "nothing"
    return out
