"""The catalogue of reference datasets (``catalog.toml``) and their checksums (:mod:`.checksums`).

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

The project's repository is :data:`REPOSITORY_URL`, written once here
(``pyproject.toml``'s ``[project.urls]`` repeats it for the package metadata;
a test keeps the two equal).

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
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np

from .checksums import CONTENT_EXCLUDED_ATTRS, content_sha256, file_sha256
from .errors import VdosbenchError
from .labels import value_label
from .reference_places import (
    REFERENCE_DATA_DIRNAME,
    REFERENCE_DATA_ENV,
    ReferenceDataError,
    reference_data_folders,
)
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

#: The catalogue shipped with the package.
CATALOG_PATH = Path(__file__).resolve().parent / "catalog.toml"
#: The project's repository: the one place its address is written (raw-file URLs of the scoring forms).
REPOSITORY_URL = "https://github.com/vdosbench/vdosbench"
#: The branch whose files the catalogue's raw-file URLs name.
REPOSITORY_BRANCH = "main"

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
#: An entry name that may name files in :data:`REFERENCE_DATA_DIRNAME`: kebab-case (lower-case words of letters
#: and digits joined by ``-``; a ``.`` only between two digits, e.g. ``kob-andersen-n1000-equilibrated-0.45-m2``).
KEBAB_NAME = re.compile(r"^[a-z0-9]+(?:(?:-|(?<=[0-9])\.(?=[0-9]))[a-z0-9]+)*$")
#: What follows the entry name in the file name of each form (module docstring: the naming rule).
FORM_SUFFIXES = {"scoring": ".nc", "full": "-full.nc"}


class CatalogError(VdosbenchError, ValueError):
    """A catalogue file is malformed (names the entry, the field and the fix)."""


@dataclass(frozen=True)
class Recipe:
    """How to rebuild a dataset with :func:`vdosbench.generators.run_ensemble`.

    Attributes
    ----------
    generator
        Registered generator name.
    grid
        Grid parameter → values (the ensemble's parameter dimensions, in order).
    fixed
        Other parameters.
    n_samples
        Samples per grid point of the recipe (the set holds ``first_sample`` … ``n_samples`` − 1).
    root_seed
        Root of every sample's seed.
    first_sample
        The set's first sample (0: the whole recipe).  Sample k's seed depends on the root seed and k only, so a
        set of later samples (e.g. chains registered after the first ones were seen) rebuilds exactly.
    """

    generator: str
    grid: Mapping[str, tuple[Any, ...]]
    fixed: Mapping[str, Any]
    n_samples: int
    root_seed: int
    first_sample: int = 0

    @property
    def samples(self) -> int:
        """Samples per grid point that the set holds: ``n_samples − first_sample``."""
        return self.n_samples - self.first_sample

    def run_ensemble_arguments(self) -> dict[str, Any]:
        """Keyword arguments for ``run_ensemble`` (besides ``output``)."""
        return {
            "grid": {k: list(v) for k, v in self.grid.items()},
            "fixed": dict(self.fixed),
            "n_samples": self.n_samples,
            "root_seed": self.root_seed,
            **({"first_sample": self.first_sample} if self.first_sample else {}),
        }


@dataclass(frozen=True)
class Fingerprint:
    """What a dataset must show, by value: quantities per parameter point with their standard errors.

    Computed by :func:`vdosbench.benchmark.fingerprint_computation.compute_fingerprint`
    (which defines the quantities) and compared with a rebuild by
    :func:`vdosbench.benchmark.fingerprint.compare_fingerprints`.

    Attributes
    ----------
    definition
        Version of the quantity definitions the values were computed with.
    resampled
        What the bootstrap resampled for the standard errors: ``"sample"``
        (the ensemble members, when there are two or more) or ``"mode"``
        (the modes of a single sample).
    points
        Labels of the parameter points (``"delta=0.2, connectivity=cutoff"``;
        ``"all"`` without parameter dimensions), in the dataset's C order.
    values, stderr
        Quantity name → one value (one standard error) per point, in the
        order of ``points``.
    chains, chain_stderr
        Monte Carlo chain sets: the chains per point, and quantity name → the standard error of a bootstrap
        over whole chains (a subset where the data left some out); ``None`` for independent samples.
    """

    definition: int
    resampled: str
    points: tuple[str, ...]
    values: Mapping[str, tuple[float, ...]]
    stderr: Mapping[str, tuple[float, ...]]
    chains: tuple[int, ...] | None = None
    chain_stderr: Mapping[str, tuple[float, ...]] | None = None

    def __post_init__(self) -> None:
        if self.resampled not in ("sample", "mode"):
            raise CatalogError(f"fingerprint resampled is {self.resampled!r}; expected 'sample' or 'mode'")
        if (self.chains is None) != (self.chain_stderr is None):
            raise CatalogError(f"fingerprint has chains {self.chains!r} and chain_stderr {self.chain_stderr!r}; "
                               "expected both or neither")
        if self.chains is not None and (len(self.chains) != len(self.points) or any(c < 1 for c in self.chains)):
            raise CatalogError(f"fingerprint chains is {list(self.chains)}; expected one count >= 1 per point "
                               f"({len(self.points)})")
        if unknown := sorted(set(self.chain_stderr or {}) - set(self.values)):
            raise CatalogError(f"fingerprint chain_stderr names quantities without a value: {unknown}")
        if set(self.values) != set(self.stderr):
            raise CatalogError(
                f"fingerprint quantities without a standard error: {sorted(set(self.values) ^ set(self.stderr))}; "
                "every quantity in [fingerprint.values] needs one in [fingerprint.stderr]"
            )
        n = len(self.points)
        for table in (self.values, self.stderr, self.chain_stderr or {}):
            for name, column in table.items():
                if len(column) != n:
                    raise CatalogError(
                        f"fingerprint quantity {name!r} has {len(column)} values; expected one per point ({n})"
                    )
        for key, table in (("stderr", self.stderr), ("chain_stderr", self.chain_stderr or {})):
            for name, column in table.items():
                if any(not (e >= 0.0) for e in column):  # also refuses NaN
                    raise CatalogError(f"fingerprint {key} of {name!r} is {list(column)}; expected values >= 0")


@dataclass(frozen=True)
class Cost:
    """What rebuilding an entry costs, as measured when its file was built.

    Attributes
    ----------
    core_hours
        CPU time (user + system, all worker processes) of the runs that wrote
        the catalogued file, in core-hours.
    basis
        How it was measured: the machine and what was timed.
    """

    core_hours: float
    basis: str

    def __post_init__(self) -> None:
        if not (self.core_hours > 0.0) or not np.isfinite(self.core_hours):
            raise CatalogError(f"cost core_hours is {self.core_hours!r}; expected a finite number > 0")
        if not self.basis.strip():
            raise CatalogError("cost basis is empty; say how the cost was measured (machine, what was timed)")

    def label(self) -> str:
        """``"~2.4 core-h"`` (two significant digits)."""
        return f"~{self.core_hours:.2g} core-h"


def raw_file_url(path: str) -> str:
    """The URL serving the file ``path`` (relative to the repository root) of :data:`REPOSITORY_URL`'s
    :data:`REPOSITORY_BRANCH`.

    Examples
    --------
    >>> raw_file_url("reference-data/nine-node-toy.nc") == f"{REPOSITORY_URL}/raw/main/reference-data/nine-node-toy.nc"
    True
    """
    return f"{REPOSITORY_URL.rstrip('/')}/raw/{REPOSITORY_BRANCH}/{path.lstrip('/')}"


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


def reference_data_dirs() -> list[Path]:
    """The folders holding the reference data on this machine, in the order they are looked in.

    ``$VDOSBENCH_REFERENCE_DATA`` when set (it must then be a folder), the
    clone the command runs in (from the current folder upwards), the clone the
    package runs from (an editable install); :mod:`~vdosbench.datasets.reference_places`.

    Raises
    ------
    CatalogError
        ``$VDOSBENCH_REFERENCE_DATA`` names no folder.
    """
    try:
        return reference_data_folders()
    except ReferenceDataError as e:
        raise CatalogError(str(e)) from None


def reference_data_dir() -> Path | None:
    """The first of :func:`reference_data_dirs`, or ``None`` (an installed wheel run outside a clone)."""
    return next(iter(reference_data_dirs()), None)


@dataclass(frozen=True)
class RepositoryFile:
    """One form of an entry kept in the repository's :data:`REFERENCE_DATA_DIRNAME` folder: its scoring form
    (:mod:`vdosbench.benchmark.scoring_form`) or its full set.

    Attributes
    ----------
    file
        File name under the repository's :data:`REFERENCE_DATA_DIRNAME` folder (:func:`reference_file_name`).
    size, sha256
        Bytes and SHA-256 a copy must match.
    """

    file: str
    size: int
    sha256: str

    @property
    def repository_path(self) -> str:
        """``reference-data/<file>``: the path in the repository."""
        return f"{REFERENCE_DATA_DIRNAME}/{self.file}"

    @property
    def url(self) -> str:
        """The repository's raw-file URL of the file (:func:`raw_file_url`)."""
        return raw_file_url(self.repository_path)

    @property
    def local_path(self) -> Path | None:
        """The copy in the first of :func:`reference_data_dirs` that holds the file, else in the first of them (it
        does not exist), or ``None`` without such a folder."""
        folders = reference_data_dirs()
        held = [folder / self.file for folder in folders if (folder / self.file).exists()]
        return (held or [folder / self.file for folder in folders] or [None])[0]


#: The scoring form's class by its earlier name (a :class:`RepositoryFile`).
ScoringFormFile = RepositoryFile


@dataclass(frozen=True)
class CatalogEntry:
    """One reference dataset (fields described in the module docstring)."""

    name: str
    description: str
    source: str
    recipe: Recipe
    size: int
    sha256: str
    content_sha256: str
    citation: str
    licence: str
    urls: tuple[str, ...] = ()
    file: str | None = None
    fingerprint: Fingerprint | None = None
    cost: Cost | None = None
    scoring_form: RepositoryFile | None = None
    not_hosted: str | None = None
    catalog: Path = field(default=CATALOG_PATH, compare=False, repr=False)

    @property
    def file_name(self) -> str:
        """Name of the file in a cache: ``NAME-<first 12 hex of sha256>.nc`` (versions never collide)."""
        return f"{self.name}-{self.sha256[:12]}.nc"

    @property
    def scoring_file_name(self) -> str | None:
        """Name of the scoring form in a cache or on a mirror: ``NAME-scoring-<first 12 hex of its sha256>.nc``."""
        if self.scoring_form is None:
            return None
        return f"{self.name}-scoring-{self.scoring_form.sha256[:12]}.nc"

    @property
    def full_form(self) -> RepositoryFile | None:
        """The full set in the repository's :data:`REFERENCE_DATA_DIRNAME` folder (``file``, with the entry's size
        and sha256), or ``None`` when the repository holds none."""
        if self.file is None:
            return None
        return RepositoryFile(file=self.file, size=self.size, sha256=self.sha256)

    def summary(self) -> str:
        """One line for ``vdosbench list``."""
        if self.file is not None:
            where = f"full set in {REFERENCE_DATA_DIRNAME}/{self.file}"
        else:
            where = f"{len(self.urls)} url(s)" if self.urls else "build only"
        if self.scoring_form is not None:
            where += f"; scoring form {_size_label(self.scoring_form.size)} ({self.scoring_form.repository_path})"
        elif self.not_hosted:
            where += f"; not hosted: {self.not_hosted.split(':')[0]}"  # what is missing; the catalogue says how
        if self.cost is not None:
            where += f", {self.cost.label()} to build"
        grid = ", ".join(f"{k}={value_label(k, list(v))}" for k, v in self.recipe.grid.items())
        first = f" ({self.recipe.first_sample} - {self.recipe.n_samples - 1})" if self.recipe.first_sample else ""
        return (
            f"{self.name}: {self.description} [{self.recipe.generator}; {grid}; "
            f"{self.recipe.samples} samples{first}; {_size_label(self.size)}; {where}]"
        )


def _size_label(size: int) -> str:
    """Bytes as ``"268 KiB"`` below 10 MiB, else ``"133 MiB"``."""
    return f"{size / 1024:.0f} KiB" if size < 10 * 2**20 else f"{size / 2**20:.0f} MiB"


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
    if (isinstance(recipe.first_sample, bool) or not isinstance(recipe.first_sample, int)
            or not 0 <= recipe.first_sample < recipe.n_samples):
        raise CatalogError(f"{rwhere}: first_sample is {recipe.first_sample!r}; expected an integer in "
                           f"[0, n_samples - 1] = [0, {recipe.n_samples - 1}] (the set holds samples first_sample "
                           "... n_samples - 1), or no first_sample for the whole recipe")
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
            f"{where}: no file, no urls and no scoring_form; expected one of them, or not_hosted = \"...\" "
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
            f"ensemble manifest lacks {missing}; expected the ensemble.json that run_ensemble writes beside "
            "ensemble.nc"
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
    return read_toml(path, CatalogError,
                     fix="correct the catalogue near that line, or restore the package's catalog.toml")


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
