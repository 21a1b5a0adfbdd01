"""What a catalogue entry holds, and where its files are.

The classes of an entry of ``catalog.toml`` (:class:`CatalogEntry`: its :class:`Recipe`, :class:`Fingerprint`,
:class:`Cost` and the forms kept in the repository, :class:`RepositoryFile`; the fields are described in
:mod:`vdosbench.datasets.catalog`, which reads and checks the file), and where an entry's files are found: the
folders holding the reference data on this machine (:func:`reference_data_dirs`) and the repository's raw-file
URLs (:func:`raw_file_url`).  The project's repository is :data:`REPOSITORY_URL`, written once here
(``pyproject.toml``'s ``[project.urls]`` repeats it for the package metadata; a test keeps the two equal).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .errors import VdosbenchError
from .labels import value_label
from .reference_places import REFERENCE_DATA_DIRNAME, ReferenceDataError, reference_data_folders

__all__ = [
    "CATALOG_PATH",
    "REPOSITORY_BRANCH",
    "REPOSITORY_URL",
    "CatalogEntry",
    "CatalogError",
    "Cost",
    "Fingerprint",
    "Recipe",
    "RepositoryFile",
    "ScoringFormFile",
    "raw_file_url",
    "reference_data_dir",
    "reference_data_dirs",
]

#: The catalogue shipped with the package.
CATALOG_PATH = Path(__file__).resolve().parent / "catalog.toml"
#: The project's repository: the one place its address is written (raw-file URLs of the scoring forms).
REPOSITORY_URL = "https://github.com/vdosbench/vdosbench"
#: The branch whose files the catalogue's raw-file URLs name.
REPOSITORY_BRANCH = "main"


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
            raise CatalogError(
                f"fingerprint has chains {self.chains!r} and chain_stderr {self.chain_stderr!r}; "
                "expected both or neither"
            )
        if self.chains is not None and (len(self.chains) != len(self.points) or any(c < 1 for c in self.chains)):
            raise CatalogError(
                f"fingerprint chains is {list(self.chains)}; expected one count >= 1 per point ({len(self.points)})"
            )
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
        File name under the repository's :data:`REFERENCE_DATA_DIRNAME` folder (:func:`~vdosbench.datasets.catalog.reference_file_name`).
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
    """One reference dataset (fields described in :mod:`vdosbench.datasets.catalog`)."""

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
