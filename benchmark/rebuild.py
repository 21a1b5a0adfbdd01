"""Rebuild catalogued reference datasets from their recipes and compare with the catalogue.

:func:`build` regenerates a dataset with
:func:`vdosbench.generators.run_ensemble` and reports in a
:class:`BuildReport` how it compares with the catalogue
(:mod:`vdosbench.datasets.catalog`): the *file* hash cannot match (the
``history`` attribute carries the time of the run); the *content* hash
(:func:`~vdosbench.datasets.catalog.content_sha256`) matches when the rebuild
is bitwise identical apart from ``history``; otherwise the rebuild's
fingerprint is compared by value with the catalogued one
(:mod:`vdosbench.benchmark.fingerprint`), since LAPACK and library builds
move the last bits.  When that fails, the rebuild may still be another
realization of the same ensemble (another CPU can send a chaotic Monte Carlo
or quench path into another glass from the same seed): a two-sample test on
the fingerprint (:func:`~vdosbench.benchmark.fingerprint.compare_realizations`)
tells that from another recipe where it can be assessed.  The verdict (:attr:`BuildReport.verdict`) is one of
:data:`VERDICTS`.  When a verified reference copy is at hand (the full set in a
clone's ``reference-data/`` or the cache, or the entry's scoring form in a clone or the cache: it holds every
eigenvalue) the largest eigenvalue difference is reported as well.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from vdosbench.datasets.catalog import content_sha256, file_sha256, get_entry
from vdosbench.datasets.catalog_entries import CatalogEntry
from vdosbench.datasets.fetch import cached_path, scoring_cached_path
from vdosbench.generators import run_ensemble

from .fingerprint import FingerprintComparison, RealizationTest, compare_fingerprints, compare_realizations
from .fingerprint_computation import compute_fingerprint
from .scoring_form import FORM_ATTRIBUTE

__all__ = [
    "BIT_FOR_BIT",
    "CONSISTENT_REALIZATION",
    "NOT_REPRODUCED",
    "NOT_VERIFIED",
    "VERDICTS",
    "WITHIN_TOLERANCE",
    "BuildReport",
    "build",
]

BIT_FOR_BIT = "reproduced bit for bit"
WITHIN_TOLERANCE = "reproduced within tolerance"
CONSISTENT_REALIZATION = "another realization, consistent with the catalogue"
NOT_REPRODUCED = "not reproduced"
NOT_VERIFIED = "not verified"
#: The verdicts of ``vdosbench build`` and its exit status (0, 0, 0, 1, 3).
VERDICTS = {BIT_FOR_BIT: 0, WITHIN_TOLERANCE: 0, CONSISTENT_REALIZATION: 0, NOT_REPRODUCED: 1, NOT_VERIFIED: 3}
#: Deviations listed by :meth:`BuildReport.summary` when the rebuild is not reproduced.
_LISTED = 5


@dataclass(frozen=True)
class BuildReport:
    """How a rebuilt dataset compares with its catalogue entry.

    Attributes
    ----------
    name
        The entry.
    path
        The rebuilt ``ensemble.nc``.
    sha256, expected_sha256
        File hashes (never equal: ``history`` records the time of the run).
    content_sha256, expected_content_sha256
        Content hashes (equal when the rebuild is bitwise identical apart from ``history``).
    reference
        The verified copy the eigenvalues were compared with, or ``None``.
    eigenvalue_max_abs_diff, eigenvalue_max_rel_diff
        Largest |Δλ| and |Δλ| / max|λ| against ``reference`` (``None`` without one).
    differing_attrs
        Global attributes (other than ``history``) whose values differ from the reference.
    fingerprint
        The rebuild's fingerprint against the catalogued one, or ``None`` when
        the entry has none.
    realization
        The two-sample test of the rebuild as another realization (made
        only when the fingerprint is not within tolerance), or ``None``.
    """

    name: str
    path: Path
    sha256: str
    expected_sha256: str
    content_sha256: str
    expected_content_sha256: str
    reference: Path | None
    eigenvalue_max_abs_diff: float | None
    eigenvalue_max_rel_diff: float | None
    differing_attrs: tuple[str, ...]
    fingerprint: FingerprintComparison | None = None
    realization: RealizationTest | None = None

    @property
    def file_identical(self) -> bool:
        """The file's bytes equal the catalogued file's."""
        return self.sha256 == self.expected_sha256

    @property
    def content_identical(self) -> bool:
        """Data and metadata equal the catalogued dataset's bit for bit (apart from ``history``)."""
        return self.content_sha256 == self.expected_content_sha256

    @property
    def verdict(self) -> str:
        """One of :data:`VERDICTS`: bit for bit (content hash), within tolerance (fingerprint), another realization
        consistent with the catalogue (two-sample test), not reproduced, or not verified (no fingerprint)."""
        if self.content_identical:
            return BIT_FOR_BIT
        if self.fingerprint is None:
            return NOT_VERIFIED
        if self.fingerprint.within_tolerance:
            return WITHIN_TOLERANCE
        if self.realization is not None and self.realization.consistent and not self.fingerprint.mismatches:
            return CONSISTENT_REALIZATION
        return NOT_REPRODUCED

    @property
    def reproduced(self) -> bool:
        """Reproduced bit for bit or within tolerance (another realization, however consistent, is not a reproduction)."""
        return self.verdict in (BIT_FOR_BIT, WITHIN_TOLERANCE)

    @property
    def exit_code(self) -> int:
        """Exit status of ``vdosbench build``: 0 reproduced or a consistent realization, 1 not reproduced, 3 not verified."""
        return VERDICTS[self.verdict]

    def _verdict_lines(self) -> list[str]:
        verdict = self.verdict
        if verdict == BIT_FOR_BIT:
            return [f"  verdict: {verdict} (content hash equal to the catalogue's)"]
        if verdict == NOT_VERIFIED:
            return [
                f"  verdict: {verdict}: the content hash differs and the entry has no fingerprint to compare values "
                "with (add one: vdosbench fingerprint FILE --name NAME)"
            ]
        fp = self.fingerprint
        assert fp is not None
        largest = fp.largest
        lines = [
            f"  fingerprint    {len(fp.deviations)} quantities compared"
            + (f"; largest deviation {largest.describe()}" if largest is not None and largest.ratio > 0 else "")
        ]
        if verdict == WITHIN_TOLERANCE:
            assert largest is not None
            if largest.ratio == 0.0:
                return lines + [f"  verdict: {verdict} (every fingerprint quantity equal to the catalogue's)"]
            return lines + [
                f"  verdict: {verdict} (largest deviation {largest.ratio:.3g} tolerances: {largest.quantity} "
                f"at {largest.point})"
            ]
        what = list(fp.mismatches)
        if fp.exceeding:
            what.append(f"{len(fp.exceeding)} of {len(fp.deviations)} quantities differ by more than their tolerance")
        realization = self.realization
        if realization is not None:
            lines.append(f"  another realization? {realization.describe()}")
        if verdict == CONSISTENT_REALIZATION:
            return lines + [
                f"  verdict: {verdict}: not the catalogued samples ({'; '.join(what)}), but no quantity beyond "
                "the two-sample threshold: the same recipe, other glasses (another seed, or another CPU's rounding)"
            ]
        lines.append(f"  verdict: {verdict}: {'; '.join(what)}")
        lines += [f"    {d.describe()}" for d in fp.exceeding[:_LISTED]]
        if len(fp.exceeding) > _LISTED:
            lines.append(f"    ... and {len(fp.exceeding) - _LISTED} more")
        if realization is not None and realization.assessed and realization.exceeding:
            lines.append("  beyond the two-sample threshold:")
            lines += [f"    {d.describe()}" for d in realization.exceeding[:_LISTED]]
            if len(realization.exceeding) > _LISTED:
                lines.append(f"    ... and {len(realization.exceeding) - _LISTED} more")
        return lines

    def summary(self) -> str:
        """A few lines for ``vdosbench build``, ending with the verdict."""
        lines = [
            f"built {self.name} -> {self.path}",
            f"  file sha256    {self.sha256} ({'matches' if self.file_identical else 'differs: expected, the history attribute records the run time'})",
            f"  content sha256 {self.content_sha256} "
            f"({'matches the catalogue: bitwise identical apart from history' if self.content_identical else 'differs from the catalogue ' + self.expected_content_sha256})",
        ]
        if self.reference is not None:
            lines.append(
                f"  eigenvalues    max |diff| = {self.eigenvalue_max_abs_diff:.3g}, "
                f"max |diff|/max|lambda| = {self.eigenvalue_max_rel_diff:.3g} against {self.reference}"
            )
        if self.differing_attrs:
            lines.append(f"  attributes that differ: {', '.join(self.differing_attrs)}")
        return "\n".join(lines + self._verdict_lines())


def _local_reference(entry: CatalogEntry, cache_dir: str | os.PathLike[str] | None) -> Path | None:
    """A verified copy already on this machine (the full set in the clone or the cache, else the scoring form in
    the clone or the cache, which holds every eigenvalue), without downloading."""
    full = entry.full_form
    candidates = [
        (full.local_path if full is not None else None, entry.sha256),
        (cached_path(entry, cache_dir), entry.sha256),
    ]
    if entry.scoring_form is not None:
        candidates += [
            (entry.scoring_form.local_path, entry.scoring_form.sha256),
            (scoring_cached_path(entry, cache_dir), entry.scoring_form.sha256),
        ]
    for path, sha in candidates:
        if path is not None and path.exists() and file_sha256(path) == sha:
            return path
    return None


def _fingerprint_checks(entry: CatalogEntry, path: Path) -> tuple[FingerprintComparison | None, RealizationTest | None]:
    """The rebuilt set's fingerprint against the catalogue's, and (when outside tolerance) the realization comparison."""
    comparison = realization = None
    if entry.fingerprint is not None:
        with xr.open_dataset(path, engine="netcdf4") as built:
            comparison = compare_fingerprints(entry.fingerprint, compute_fingerprint(built, stderr=False))
            if not comparison.within_tolerance and not comparison.mismatches:
                realization = compare_realizations(
                    entry.fingerprint,
                    compute_fingerprint(built),  # with its own bootstrap standard errors
                    n_catalogued=entry.recipe.samples,
                    n_rebuilt=int(built.sizes.get("sample", 1)),
                )  # a chain set (chains in either fingerprint) is compared by its chain standard errors
    return comparison, realization


def _reference_differences(path: Path, reference: Path | None) -> tuple[float | None, float | None, tuple[str, ...]]:
    """Largest absolute and relative eigenvalue differences from a local reference copy, and the differing attributes."""
    abs_diff = rel_diff = None
    differing: tuple[str, ...] = ()
    if reference is not None:
        with xr.open_dataset(path, engine="netcdf4") as built, xr.open_dataset(reference, engine="netcdf4") as ref:
            a = np.asarray(built["eigenvalue"].values, dtype=float)
            b = np.asarray(ref["eigenvalue"].values, dtype=float)
            if a.shape == b.shape:
                abs_diff = float(np.max(np.abs(a - b))) if a.size else 0.0
                rel_diff = abs_diff / max(float(np.max(np.abs(b))), np.finfo(float).tiny)
            else:
                abs_diff = rel_diff = float("inf")
            keys = (set(built.attrs) | set(ref.attrs)) - {"history", FORM_ATTRIBUTE}
            differing = tuple(sorted(k for k in keys if str(built.attrs.get(k)) != str(ref.attrs.get(k))))
    return abs_diff, rel_diff, differing


def build(
    name: str | CatalogEntry,
    output: str | os.PathLike[str],
    *,
    n_workers: int | None = None,
    scheduler_address: str | None = None,
    blas_threads: int = 1,
    progress: bool = True,
    client: Any = None,
    cache_dir: str | os.PathLike[str] | None = None,
) -> BuildReport:
    """Regenerate a catalogued dataset from its recipe and compare it with the catalogue.

    Parameters
    ----------
    name
        A catalogue name or entry.
    output
        Ensemble folder for :func:`vdosbench.generators.run_ensemble`
        (``output/ensemble.nc`` is the dataset; a re-run resumes).
    n_workers, scheduler_address, blas_threads, progress, client
        Passed to ``run_ensemble`` (local Dask cluster by default).
    cache_dir
        Where to look for a cached reference copy to compare eigenvalues with.

    Returns
    -------
    BuildReport
        Hashes, the fingerprint comparison and the verdict; ``report.summary()`` prints them.
    """
    entry = name if isinstance(name, CatalogEntry) else get_entry(name)
    root = Path(output)
    run_ensemble(
        entry.recipe.generator,
        **entry.recipe.run_ensemble_arguments(),
        output=root,
        n_workers=n_workers,
        scheduler_address=scheduler_address,
        blas_threads=blas_threads,
        progress=progress,
        client=client,
    )
    path = root / "ensemble.nc"
    comparison, realization = _fingerprint_checks(entry, path)
    reference = _local_reference(entry, cache_dir)
    abs_diff, rel_diff, differing = _reference_differences(path, reference)
    return BuildReport(
        name=entry.name,
        path=path,
        sha256=file_sha256(path),
        expected_sha256=entry.sha256,
        content_sha256=content_sha256(path),
        expected_content_sha256=entry.content_sha256,
        reference=reference,
        eigenvalue_max_abs_diff=abs_diff,
        eigenvalue_max_rel_diff=rel_diff,
        differing_attrs=differing,
        fingerprint=comparison,
        realization=realization,
    )
