"""The catalogue of reference datasets (``catalog.toml``) and their checksums (:mod:`.checksums`): reading and
checking it, and writing its tables; the classes of an entry are in :mod:`.catalog_entries`.

Each entry of ``catalog.toml`` (a table ``[datasets.NAME]``) records

``description``, ``source``
    What the dataset is and where it comes from (which generator, which seed paper).
``recipe``
    How to rebuild it: ``generator``, ``grid``, ``fixed``, ``n_samples``,
    ``root_seed`` and, for a set that holds samples ``first_sample`` …
    ``n_samples`` − 1 of its recipe only, ``first_sample`` — the arguments of
    :func:`vdosbench.generators.run_ensemble`.
``size``, ``sha256``
    Bytes and SHA-256 of the file (``ensemble.nc``) a download must match.
``content_sha256``
    SHA-256 of the file's *content* (:func:`content_sha256`): every variable's
    name, dims, dtype, attributes and bytes and every global attribute except
    the run-specific ``history`` (its time stamp).  A rebuild on the same
    machine reproduces it; the file hash cannot match a rebuild, because
    ``history`` differs by design.
``urls``
    Download locations, tried in order; may be empty (no hosting yet).
``file`` (optional)
    File name of the full set under the repository's
    :data:`REFERENCE_DATA_DIRNAME` folder when the repository holds it
    (the small set for the demo and the tests); found and downloaded like
    the scoring form (:attr:`CatalogEntry.full_form`).
``scoring_form`` (optional)
    The entry's scoring form (:class:`RepositoryFile`: ``file``, ``size``,
    ``sha256``), the variables scoring reads
    (:mod:`vdosbench.benchmark.scoring_form`), kept in the repository under
    :data:`REFERENCE_DATA_DIRNAME` (outside the wheel) and downloaded from
    the repository's raw-file URL (:func:`raw_file_url`).
``not_hosted`` (optional)
    What is missing before the entry can be downloaded (required when the
    entry has no ``file``, no ``urls`` and no ``scoring_form``).

Reference data have one home, the repository's :data:`REFERENCE_DATA_DIRNAME`
folder, and one naming rule (:func:`reference_file_name`): entry ``NAME``'s
scoring form is ``NAME.nc`` and its full set ``NAME-full.nc``, ``NAME``
kebab-case (:data:`KEBAB_NAME`: lower-case words of letters and digits
joined by ``-``, a ``.`` only between two digits, as in ``0.45``).  The
catalogue names every file there; :func:`load_catalog` refuses a file name
that breaks the rule.
``citation``, ``licence``
    Whom to cite and the terms of use.
``cost`` (optional)
    What a rebuild costs (:class:`Cost`): ``core_hours`` measured when the
    catalogued file was built and ``basis``, how (machine, what was timed).
``fingerprint`` (optional)
    What the data must show, by value (:class:`Fingerprint`): per parameter
    point, quantiles of the eigenvalues, low-frequency moments and the key
    measured quantities, each with its standard error from the sampling
    spread (chain sets: also ``chains`` per point and ``chain_stderr``).  ``vdosbench build`` compares a rebuild with it
    (:mod:`vdosbench.benchmark.fingerprint`); ``vdosbench fingerprint FILE
    --name NAME`` prints the table for a built file.

The project's repository is :data:`REPOSITORY_URL`, written once, in
:mod:`.catalog_entries` (``pyproject.toml``'s ``[project.urls]`` repeats it for
the package metadata; a test keeps the two equal).

A top-level ``[hosting]`` table may list ``base_urls``: folders, published by
``vdosbench publish`` (:mod:`vdosbench.datasets.publish`), that serve every
entry under its :attr:`CatalogEntry.file_name`.

Examples
--------
>>> from vdosbench.datasets.catalog import get_entry, list_entries
>>> entry = get_entry("spring-network-16")
>>> entry.recipe.generator, entry.full_form.repository_path, entry.scoring_form.repository_path
('spring_network', 'reference-data/spring-network-16-full.nc', 'reference-data/spring-network-16.nc')
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any

import numpy as np

from .catalog_entries import (
    CATALOG_PATH,
    REPOSITORY_BRANCH,
    REPOSITORY_URL,
    CatalogEntry,
    CatalogError,
    Cost,
    Fingerprint,
    Recipe,
    RepositoryFile,
    ScoringFormFile,
    raw_file_url,
    reference_data_dir,
    reference_data_dirs,
)
from .checksums import CONTENT_EXCLUDED_ATTRS, content_sha256, file_sha256
from .reference_places import REFERENCE_DATA_DIRNAME, REFERENCE_DATA_ENV
from .toml_files import read_toml

__all__ = [
    "CATALOG_PATH",
    "REFERENCE_DATA_DIRNAME",
    "REFERENCE_DATA_ENV",
    "REPOSITORY_BRANCH",
    "REPOSITORY_URL",
    "CONTENT_EXCLUDED_ATTRS",
    "CatalogEntry",
    "CatalogError",
    "Cost",
    "FORM_SUFFIXES",
    "Fingerprint",
    "KEBAB_NAME",
    "Recipe",
    "RepositoryFile",
    "ScoringFormFile",
    "content_sha256",
    "entry_names",
    "file_sha256",
    "fingerprint_toml",
    "get_entry",
    "hosting_base_urls",
    "list_entries",
    "load_catalog",
    "raw_file_url",
    "recipe_toml",
    "reference_data_dir",
    "reference_data_dirs",
    "reference_file_name",
    "toml_key",
]

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
#: An entry name that may name files in :data:`REFERENCE_DATA_DIRNAME`: kebab-case (lower-case words of letters
#: and digits joined by ``-``; a ``.`` only between two digits, e.g. ``kob-andersen-n1000-equilibrated-0.45-m2``).
KEBAB_NAME = re.compile(r"^[a-z0-9]+(?:(?:-|(?<=[0-9])\.(?=[0-9]))[a-z0-9]+)*$")
#: What follows the entry name in the file name of each form (module docstring: the naming rule).
FORM_SUFFIXES = {"scoring": ".nc", "full": "-full.nc"}


def reference_file_name(name: str, form: str) -> str:
    """The file name of entry ``name``'s ``form`` (``"scoring"`` or ``"full"``) under :data:`REFERENCE_DATA_DIRNAME`:
    the one naming rule of the reference data (module docstring).

    Raises
    ------
    CatalogError
        ``name`` is not kebab-case (:data:`KEBAB_NAME`), or ``form`` is not one of :data:`FORM_SUFFIXES`.

    Examples
    --------
    >>> reference_file_name("spring-network-16", "scoring"), reference_file_name("spring-network-16", "full")
    ('spring-network-16.nc', 'spring-network-16-full.nc')
    """
    if form not in FORM_SUFFIXES:
        raise CatalogError(f"form is {form!r}; expected one of {sorted(FORM_SUFFIXES)}")
    if not KEBAB_NAME.match(name):
        raise CatalogError(
            f"dataset {name!r} cannot name a file in {REFERENCE_DATA_DIRNAME}/: its name must be kebab-case "
            f"({KEBAB_NAME.pattern}: lower-case words of letters and digits joined by '-', a '.' only between digits)"
        )
    return f"{name}{FORM_SUFFIXES[form]}"


def _require(table: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if key not in table:
        raise CatalogError(f"{where}: missing field {key!r}; add it (see vdosbench.datasets.catalog)")
    value = table[key]
    if not isinstance(value, kind) or isinstance(value, bool):
        raise CatalogError(f"{where}: field {key!r} is {value!r}; expected {kind}")
    return value


def _entry(name: str, table: Mapping[str, Any], catalog: Path) -> CatalogEntry:
    where = f"{catalog}: dataset {name!r}"
    if not _NAME.match(name):
        raise CatalogError(f"{where}: name must match {_NAME.pattern} (lower case, digits, . _ -)")
    valid = {f.name for f in fields(CatalogEntry)} - {"name", "catalog"}
    unknown = sorted(set(table) - valid)
    if unknown:
        raise CatalogError(f"{where}: unknown field(s) {unknown}; valid fields are {sorted(valid)}")
    rec = _require(table, "recipe", dict, where)
    rwhere = f"{where} recipe"
    rvalid = {"generator", "grid", "fixed", "n_samples", "root_seed", "first_sample"}
    if set(rec) - rvalid:
        raise CatalogError(f"{rwhere}: unknown field(s) {sorted(set(rec) - rvalid)}; valid fields are {sorted(rvalid)}")
    grid = _require(rec, "grid", dict, rwhere)
    if not all(isinstance(v, list) and v for v in grid.values()):
        raise CatalogError(f"{rwhere}: every grid parameter needs a non-empty list of values")
    recipe = Recipe(
        generator=_require(rec, "generator", str, rwhere),
        grid={k: tuple(v) for k, v in grid.items()},
        fixed=dict(rec.get("fixed", {})),
        n_samples=_require(rec, "n_samples", int, rwhere),
        root_seed=_require(rec, "root_seed", int, rwhere),
        first_sample=rec.get("first_sample", 0),
    )
    if (
        isinstance(recipe.first_sample, bool)
        or not isinstance(recipe.first_sample, int)
        or not 0 <= recipe.first_sample < recipe.n_samples
    ):
        raise CatalogError(
            f"{rwhere}: first_sample is {recipe.first_sample!r}; expected an integer in "
            f"[0, n_samples - 1] = [0, {recipe.n_samples - 1}] (the set holds samples first_sample "
            "... n_samples - 1), or no first_sample for the whole recipe"
        )
    hashes = {}
    for key in ("sha256", "content_sha256"):
        value = _require(table, key, str, where).lower()
        if not _SHA256.match(value):
            raise CatalogError(f"{where}: {key} {value!r} is not 64 hexadecimal digits")
        hashes[key] = value
    urls = table.get("urls", [])
    if not isinstance(urls, list) or not all(isinstance(u, str) and u for u in urls):
        raise CatalogError(f"{where}: urls must be a list of strings (it may be empty)")
    size = _require(table, "size", int, where)
    if size <= 0:
        raise CatalogError(f"{where}: size must be > 0 bytes, found {size}")
    fingerprint = _fingerprint(table["fingerprint"], where) if "fingerprint" in table else None
    cost = _cost(table["cost"], where) if "cost" in table else None
    file = _repository_file_name(table["file"], name, "full", where) if "file" in table else None
    form = _scoring_form(table["scoring_form"], name, where) if "scoring_form" in table else None
    not_hosted = table.get("not_hosted")
    if not_hosted is not None and (not isinstance(not_hosted, str) or not not_hosted.strip()):
        raise CatalogError(f"{where}: not_hosted must say what is missing before the entry can be downloaded")
    if file is None and not urls and form is None and not_hosted is None:
        raise CatalogError(
            f'{where}: no file, no urls and no scoring_form; expected one of them, or not_hosted = "..." '
            "saying what is missing (e.g. the scoring form: vdosbench compact FILE --scoring-form ...)"
        )
    return CatalogEntry(
        name=name,
        description=_require(table, "description", str, where),
        source=_require(table, "source", str, where),
        recipe=recipe,
        size=size,
        sha256=hashes["sha256"],
        content_sha256=hashes["content_sha256"],
        citation=_require(table, "citation", str, where),
        licence=_require(table, "licence", str, where),
        urls=tuple(urls),
        file=file,
        fingerprint=fingerprint,
        cost=cost,
        scoring_form=form,
        not_hosted=not_hosted,
        catalog=catalog,
    )


def _repository_file_name(file: Any, name: str, form: str, where: str) -> str:
    """``file``, checked: a plain file name under :data:`REFERENCE_DATA_DIRNAME` that follows the naming rule."""
    if not isinstance(file, str) or not file or "/" in file or "\\" in file:
        raise CatalogError(f"{where}: file must be a plain file name under {REFERENCE_DATA_DIRNAME}/, found {file!r}")
    try:
        expected = reference_file_name(name, form)
    except CatalogError as e:
        raise CatalogError(f"{where}: {e}") from None
    if file != expected:
        raise CatalogError(
            f"{where}: file is {file!r}; the {form} form of {name!r} must be named {expected!r} (the naming rule of "
            f"{REFERENCE_DATA_DIRNAME}/: NAME.nc for the scoring form, NAME-full.nc for the full set). Fix: rename "
            f"the file (git mv) and the catalogue's file"
        )
    return file


def _scoring_form(table: Any, name: str, where: str) -> RepositoryFile:
    fwhere = f"{where} scoring_form"
    if not isinstance(table, dict) or set(table) != {"file", "size", "sha256"}:
        raise CatalogError(
            f"{fwhere}: expected a table [datasets.NAME.scoring_form] with exactly file, size and sha256, "
            f"found {table!r}"
        )
    file = _repository_file_name(table["file"], name, "scoring", fwhere)
    size = _require(table, "size", int, fwhere)
    if size <= 0:
        raise CatalogError(f"{fwhere}: size must be > 0 bytes, found {size}")
    sha = _require(table, "sha256", str, fwhere).lower()
    if not _SHA256.match(sha):
        raise CatalogError(f"{fwhere}: sha256 {sha!r} is not 64 hexadecimal digits")
    return RepositoryFile(file=file, size=size, sha256=sha)


def _cost(table: Any, where: str) -> Cost:
    cwhere = f"{where} cost"
    if not isinstance(table, dict) or set(table) != {"core_hours", "basis"}:
        raise CatalogError(
            f"{cwhere}: expected a table [datasets.NAME.cost] with exactly core_hours and basis, found {table!r}"
        )
    hours = _require(table, "core_hours", (int, float), cwhere)
    return Cost(core_hours=float(hours), basis=_require(table, "basis", str, cwhere))


def _fingerprint(table: Any, where: str) -> Fingerprint:
    fwhere = f"{where} fingerprint"
    if not isinstance(table, dict):
        raise CatalogError(f"{fwhere}: expected a table [datasets.NAME.fingerprint], found {table!r}")
    valid = {"definition", "resampled", "points", "values", "stderr"}
    chained = {"chains", "chain_stderr"}
    if not valid <= set(table) <= valid | chained or len(set(table) & chained) == 1:
        raise CatalogError(
            f"{fwhere}: fields {sorted(table)}; expected exactly {sorted(valid)}, with {sorted(chained)} "
            "both or neither (print them for a built file with: vdosbench fingerprint FILE --name NAME)"
        )
    chains = table.get("chains")
    if chains is not None and not (isinstance(chains, list) and all(type(c) is int for c in chains)):
        raise CatalogError(f"{fwhere}: chains must be a list of integers (chains per point), found {chains!r}")
    points = table["points"]
    if not isinstance(points, list) or not all(isinstance(p, str) for p in points):
        raise CatalogError(f"{fwhere}: points must be a list of labels, found {points!r}")
    columns = {}
    for key in ("values", "stderr", *(("chain_stderr",) if chains is not None else ())):
        sub = _require(table, key, dict, fwhere)
        for name, column in sub.items():
            if not isinstance(column, list) or not all(
                isinstance(v, (int, float)) and not isinstance(v, bool) for v in column
            ):
                raise CatalogError(f"{fwhere}: {key}.{name} must be a list of numbers, found {column!r}")
        columns[key] = {name: tuple(float(v) for v in column) for name, column in sub.items()}
    try:
        return Fingerprint(
            definition=_require(table, "definition", int, fwhere),
            resampled=_require(table, "resampled", str, fwhere),
            points=tuple(points),
            values=columns["values"],
            stderr=columns["stderr"],
            chains=None if chains is None else tuple(chains),
            chain_stderr=columns.get("chain_stderr"),
        )
    except CatalogError as e:
        raise CatalogError(f"{fwhere}: {e}") from None


def _toml_value(value: Any) -> str:
    """A TOML literal for a string, int, float (``inf``/``nan`` included) or list of them."""
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a TOML basic string
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if np.isnan(value):
            return "nan"
        if np.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)  # shortest repr: reads back to the same float
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"no TOML literal for {type(value).__name__} {value!r}")


def toml_key(key: str) -> str:
    """A bare TOML key when ``key`` allows one, else a quoted key (``1.5td`` → ``"1.5td"``)."""
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key)


def recipe_toml(name: str, manifest: Mapping[str, Any]) -> str:
    """The ``[datasets.NAME.recipe]`` tables of ``catalog.toml`` from an ensemble's manifest.

    ``manifest`` is what :func:`vdosbench.generators.run_ensemble` writes as
    ``ensemble.json`` beside ``ensemble.nc``: ``generator``, ``grid``,
    ``fixed``, ``n_samples``, ``root_seed`` and, for a piece of later samples, ``first_sample`` (other keys are
    ignored).

    Examples
    --------
    >>> print(recipe_toml("x", {"generator": "g", "grid": {"a": [1, 2]}, "fixed": {"b": 0.5},
    ...                         "n_samples": 3, "root_seed": 7}))
    [datasets.x.recipe]
    generator = "g"
    n_samples = 3
    root_seed = 7
    <BLANKLINE>
    [datasets.x.recipe.grid]
    a = [1, 2]
    <BLANKLINE>
    [datasets.x.recipe.fixed]
    b = 0.5
    <BLANKLINE>
    """
    missing = [k for k in ("generator", "grid", "n_samples", "root_seed") if k not in manifest]
    if missing:
        raise CatalogError(
            f"ensemble manifest lacks {missing}; expected the ensemble.json that run_ensemble writes beside ensemble.nc"
        )
    key = toml_key(name)
    lines = [
        f"[datasets.{key}.recipe]",
        f"generator = {_toml_value(manifest['generator'])}",
        f"n_samples = {_toml_value(manifest['n_samples'])}",
        f"root_seed = {_toml_value(manifest['root_seed'])}",
        *([f"first_sample = {_toml_value(manifest['first_sample'])}"] if manifest.get("first_sample") else []),
        "",
        f"[datasets.{key}.recipe.grid]",
    ]
    lines += [f"{toml_key(k)} = {_toml_value(v)}" for k, v in manifest["grid"].items()]
    fixed = manifest.get("fixed", {})
    if fixed:
        lines += ["", f"[datasets.{key}.recipe.fixed]"]
        lines += [f"{toml_key(k)} = {_toml_value(v)}" for k, v in fixed.items()]
    return "\n".join(lines) + "\n"


def fingerprint_toml(name: str, fingerprint: Fingerprint) -> str:
    """The ``[datasets.NAME.fingerprint]`` tables of ``catalog.toml`` for ``fingerprint``.

    Floats are written with their shortest round-trip representation, so
    reading the text back gives the same numbers.

    Examples
    --------
    >>> fp = Fingerprint(1, "mode", ("all",), {"lambda_q0.5": (2.0,)}, {"lambda_q0.5": (0.25,)})
    >>> print(fingerprint_toml("x", fp))
    [datasets.x.fingerprint]
    definition = 1
    resampled = "mode"
    points = ["all"]
    <BLANKLINE>
    [datasets.x.fingerprint.values]
    "lambda_q0.5" = [2.0]
    <BLANKLINE>
    [datasets.x.fingerprint.stderr]
    "lambda_q0.5" = [0.25]
    <BLANKLINE>
    """
    key = toml_key(name)
    lines = [
        f"[datasets.{key}.fingerprint]",
        f"definition = {fingerprint.definition}",
        f"resampled = {_toml_value(fingerprint.resampled)}",
        f"points = {_toml_value(list(fingerprint.points))}",
    ]
    tables = [("values", fingerprint.values), ("stderr", fingerprint.stderr)]
    if fingerprint.chains is not None and fingerprint.chain_stderr is not None:
        lines.append(f"chains = {_toml_value(list(fingerprint.chains))}")
        tables.append(("chain_stderr", fingerprint.chain_stderr))
    for column, table in tables:
        lines += ["", f"[datasets.{key}.fingerprint.{column}]"]
        lines += [f"{json.dumps(q)} = {_toml_value([float(v) for v in table[q]])}" for q in table]
    return "\n".join(lines) + "\n"


def _read_toml(path: Path) -> dict[str, Any]:
    return read_toml(
        path, CatalogError, fix="correct the catalogue near that line, or restore the package's catalog.toml"
    )


def hosting_base_urls(path: str | os.PathLike[str] | None = None) -> tuple[str, ...]:
    """The catalogue's ``[hosting] base_urls``: folders serving every entry as ``BASE/<file_name>``.

    Examples
    --------
    >>> hosting_base_urls()   # no public host has been chosen yet
    ()
    """
    p = Path(path) if path is not None else CATALOG_PATH
    hosting = _read_toml(p).get("hosting", {})
    urls = hosting.get("base_urls", []) if isinstance(hosting, dict) else None
    if not isinstance(urls, list) or not all(isinstance(u, str) and u for u in urls):
        raise CatalogError(f"{p}: [hosting] base_urls must be a list of URLs (it may be empty), found {urls!r}")
    return tuple(urls)


def load_catalog(path: str | os.PathLike[str] | None = None) -> dict[str, CatalogEntry]:
    """Entries of a catalogue file, by name.

    Parameters
    ----------
    path
        A TOML file with ``[datasets.NAME]`` tables; default the shipped
        :data:`CATALOG_PATH`.

    Raises
    ------
    CatalogError
        On a malformed file or entry.
    """
    p = Path(path) if path is not None else CATALOG_PATH
    data = _read_toml(p)
    tables = data.get("datasets")
    if not isinstance(tables, dict):
        raise CatalogError(f"{p}: no [datasets.NAME] tables")
    return {name: _entry(name, table, p.resolve()) for name, table in tables.items()}


def entry_names(path: str | os.PathLike[str] | None = None) -> list[str]:
    """Names of the catalogued datasets, sorted."""
    return sorted(load_catalog(path))


def list_entries(path: str | os.PathLike[str] | None = None) -> list[CatalogEntry]:
    """Every catalogue entry, sorted by name (for ``vdosbench list``).

    Examples
    --------
    >>> names = [e.name for e in list_entries()]
    >>> names == sorted(names) and "spring-network-16" in names
    True
    """
    catalog = load_catalog(path)
    return [catalog[name] for name in sorted(catalog)]


def get_entry(name: str, path: str | os.PathLike[str] | None = None) -> CatalogEntry:
    """The entry ``name``; an unknown name lists the valid ones.

    Examples
    --------
    >>> get_entry("no-such-dataset")
    Traceback (most recent call last):
    ...
    KeyError: "unknown dataset 'no-such-dataset'; catalogued datasets are ['ghet-type2', ...]"
    """
    catalog = load_catalog(path)
    try:
        return catalog[name]
    except KeyError:
        raise KeyError(f"unknown dataset {name!r}; catalogued datasets are {sorted(catalog)}") from None
