"""Fingerprints of reference datasets: what the data must show, and how a rebuild compares with it.

A content hash pins bits, and bits move with the numpy / scipy / LAPACK
build.  A fingerprint pins *values*: per parameter point, a few numbers the
physics lives in, each with its standard error from the sampling spread.
:func:`~vdosbench.benchmark.fingerprint_computation.compute_fingerprint` computes it (the quantities and their
standard errors are defined there; stored in ``catalog.toml`` by
:func:`vdosbench.datasets.catalog.fingerprint_toml`);
:func:`compare_fingerprints` compares a rebuild with the catalogued one.

Tolerance and verdict: a quantity's tolerance is its standard error, floored
at :data:`RESOLUTION` × |catalogued value| where the sampling spread vanishes
(every sample identical, or a deterministic theory curve).  A rebuild
reproduces the fingerprint *within tolerance* when every quantity differs
from its catalogued value by at most one tolerance; the report names the
largest deviation in units of its tolerance.  A rebuild through another
library version differs by ~1e-10 tolerances; another realization of the
same ensemble (another root seed, or the same seeds on another CPU, where a
chaotic Monte Carlo or quench path ends in another glass) by ~√2 standard
errors per quantity, so with tens of quantities some exceed one: it is not
the catalogued data and is reported as not reproduced.

Another realization: :func:`compare_realizations` asks the weaker question
whether the rebuild is *a* realization of the catalogued ensemble.  Each
quantity's difference is divided by the two standard errors combined,
z = (rebuilt − catalogued) / √(se_c² + se_r²) (the rebuild's from the same
bootstrap; each scaled by √(n / (n − 1)), as a bootstrap over n samples
divides by n), and given a two-sided p under Student's t with the
Welch–Satterthwaite degrees of freedom; the rebuild is consistent when
every p stays above α / k, k its quantities and points (Bonferroni,
α = :data:`REALIZATION_ALPHA`); a quantity without spread on either side
must still agree to the resolution floor.  It is assessed only where the
standard errors mean what the test needs: both sides resampled over
samples, at least :data:`REALIZATION_MIN_SAMPLES` independent units per
point on each side.  The units are the samples, or for chain sets the
chains: then the chain standard errors are used, n is the chains per point,
and a quantity whose chain standard error the catalogue lacks (a set
catalogued from a scoring form that left its variable out) is left out and
named; a chain set whose catalogue entry has no chain standard errors is
not assessed (a bootstrap over samples treats a chain's structures as
independent).  Calibrated by ``studies/realization_test.py`` (results in
``studies/results/realization_test.json``).
"""

from __future__ import annotations

import functools
import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xarray as xr
from scipy import stats
from vdosbench.datasets.catalog import content_sha256, file_sha256, fingerprint_toml, recipe_toml, toml_key
from vdosbench.datasets.catalog_entries import Fingerprint
from vdosbench.datasets.io import run_on_file
from vdosbench.datasets.isolated import IsolatedReadError
from vdosbench.validators.results.registry import study_measure

from .claims import Claim
from .fingerprint_computation import RESOLUTION, chain_groups, compute_fingerprint
from .registration import load_registration

__all__ = [
    "REALIZATION_ALPHA",
    "REALIZATION_MIN_SAMPLES",
    "RESOLUTION",
    "Deviation",
    "Difference",
    "FingerprintComparison",
    "RealizationTest",
    "chain_groups",
    "compare_fingerprints",
    "compare_realizations",
    "compute_fingerprint",
    "entry_toml",
    "realization_rule",
]

#: The realization test's numbers and where each is read in its rule (``benchmark/registrations/realization-test.toml``,
#: claim ``rebuild.another-realization``), read on first use, not at import (:func:`__getattr__`):
#: ``REALIZATION_ALPHA``, the family-wise false-alarm rate (Bonferroni over its quantities and points), and
#: ``REALIZATION_MIN_SAMPLES``, the fewest samples per point, on each side, for the test to be assessed (a bootstrap
#: standard error over n samples is itself uncertain by about 1/√(2n); measured false-alarm rates against n in
#: ``studies/results/realization_test.json``).
_REALIZATION_SETTINGS = {"REALIZATION_ALPHA": ("alpha", float), "REALIZATION_MIN_SAMPLES": ("min_units", int)}
REALIZATION_ALPHA: float  # annotated only: the value comes from __getattr__ on first access
REALIZATION_MIN_SAMPLES: int


@functools.cache
def realization_rule() -> Claim:
    """The realization test's registered rule (``realization-test.toml``), read once, on first use."""
    return load_registration("realization-test").claim("rebuild.another-realization")


def __getattr__(name: str) -> Any:
    """``REALIZATION_ALPHA`` and ``REALIZATION_MIN_SAMPLES``, read from the registered rule on first access."""
    if name not in _REALIZATION_SETTINGS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    key, kind = _REALIZATION_SETTINGS[name]
    return kind(realization_rule().settings[key])


def _scaled_difference(catalogued: float, rebuilt: float, scale: float) -> float:
    """(rebuilt − catalogued) / scale: 0 when equal (two NaN included), inf when only one is NaN, ±inf at scale 0."""
    if catalogued == rebuilt or (math.isnan(catalogued) and math.isnan(rebuilt)):
        return 0.0
    diff = rebuilt - catalogued
    if math.isnan(diff):
        return math.inf
    return diff / scale if scale > 0 else math.copysign(math.inf, diff)


@dataclass(frozen=True)
class Deviation:
    """One quantity at one point: catalogued and rebuilt value, tolerance, and their ratio."""

    quantity: str
    point: str
    catalogued: float
    rebuilt: float
    tolerance: float

    @property
    def ratio(self) -> float:
        """|rebuilt − catalogued| / tolerance (0 when equal, including two NaN; inf when only one is NaN)."""
        return abs(_scaled_difference(self.catalogued, self.rebuilt, self.tolerance))

    def describe(self) -> str:
        """``quantity at point: rebuilt x, catalogued y (|diff| = r tolerances of t)``."""
        return (
            f"{self.quantity} at {self.point}: rebuilt {self.rebuilt:.10g}, catalogued {self.catalogued:.10g} "
            f"(|diff| = {self.ratio:.3g} tolerances of {self.tolerance:.3g})"
        )


@dataclass(frozen=True)
class FingerprintComparison:
    """A rebuilt fingerprint against the catalogued one.

    Attributes
    ----------
    deviations
        Every quantity present in both, at every point present in both.
    mismatches
        What could not be compared (another definition, points or quantities
        missing on either side), one line each.
    """

    deviations: tuple[Deviation, ...]
    mismatches: tuple[str, ...]

    @property
    def largest(self) -> Deviation | None:
        """The deviation largest in units of its tolerance."""
        return max(self.deviations, key=lambda d: d.ratio, default=None)

    @property
    def exceeding(self) -> tuple[Deviation, ...]:
        """Deviations over one tolerance, largest first."""
        return tuple(sorted((d for d in self.deviations if d.ratio > 1.0), key=lambda d: -d.ratio))

    @property
    def within_tolerance(self) -> bool:
        """Nothing missing and every quantity within one tolerance of the catalogue."""
        return not self.mismatches and bool(self.deviations) and not self.exceeding


def compare_fingerprints(catalogued: Fingerprint, rebuilt: Fingerprint) -> FingerprintComparison:
    """Compare a rebuild's fingerprint with the catalogued one, quantity by quantity and point by point.

    The tolerance of each quantity is its catalogued standard error, floored
    at :data:`RESOLUTION` × |catalogued value| (module docstring).

    Examples
    --------
    >>> from vdosbench.datasets.catalog import Fingerprint
    >>> cat = Fingerprint(1, "sample", ("all",), {"omega_min": (1.0,)}, {"omega_min": (0.1,)})
    >>> new = Fingerprint(1, "sample", ("all",), {"omega_min": (1.05,)}, {"omega_min": (0.0,)})
    >>> c = compare_fingerprints(cat, new)
    >>> c.within_tolerance, round(c.largest.ratio, 6)
    (True, 0.5)
    """
    mismatches: list[str] = []
    if catalogued.definition != rebuilt.definition:
        mismatches.append(
            f"fingerprint definition {rebuilt.definition} here, {catalogued.definition} in the catalogue: "
            "use the vdosbench version that catalogued it"
        )
        return FingerprintComparison((), tuple(mismatches))
    missing = [p for p in catalogued.points if p not in rebuilt.points]
    extra = [p for p in rebuilt.points if p not in catalogued.points]
    if missing:
        mismatches.append(f"parameter points missing from the rebuild: {missing}")
    if extra:
        mismatches.append(f"parameter points not in the catalogue: {extra}")
    gone = sorted(set(catalogued.values) - set(rebuilt.values))
    new = sorted(set(rebuilt.values) - set(catalogued.values))
    if gone:
        mismatches.append(f"quantities missing from the rebuild: {gone}")
    if new:
        mismatches.append(f"quantities not in the catalogue: {new}")
    deviations = []
    where = {p: i for i, p in enumerate(rebuilt.points)}
    for q, column in catalogued.values.items():
        if q not in rebuilt.values:
            continue
        for i, point in enumerate(catalogued.points):
            if point not in where:
                continue
            value = column[i]
            floor = RESOLUTION * abs(value) if math.isfinite(value) else 0.0
            deviations.append(
                Deviation(q, point, value, rebuilt.values[q][where[point]], max(catalogued.stderr[q][i], floor))
            )
    return FingerprintComparison(tuple(deviations), tuple(mismatches))


@dataclass(frozen=True)
class Difference:
    """One quantity at one point, a rebuild against the catalogue, with both standard errors.

    The standard errors are the fingerprints' bootstrap ones scaled by √(n / (n − 1)) (a bootstrap over n samples
    gives the standard deviation with divisor n); ``df`` is the Welch–Satterthwaite degrees of freedom.
    """

    quantity: str
    point: str
    catalogued: float
    rebuilt: float
    catalogued_stderr: float
    rebuilt_stderr: float
    df: float

    @property
    def stochastic(self) -> bool:
        """Either side has a sampling spread (else the quantity is deterministic and judged at the resolution floor)."""
        return self.catalogued_stderr > 0 or self.rebuilt_stderr > 0

    @property
    def scale(self) -> float:
        """√(se_c² + se_r²), or the resolution floor √ε × |catalogued| where neither side has a spread."""
        if self.stochastic:
            return math.hypot(self.catalogued_stderr, self.rebuilt_stderr)
        return RESOLUTION * abs(self.catalogued) if math.isfinite(self.catalogued) else 0.0

    @property
    def z(self) -> float:
        """(rebuilt − catalogued) / :attr:`scale` (0 when equal, including two NaN; ±inf when only one is NaN or the scale is 0)."""
        return _scaled_difference(self.catalogued, self.rebuilt, self.scale)

    @property
    def p_value(self) -> float:
        """Two-sided p of |z| under Student's t with :attr:`df` (a deterministic quantity: 0 beyond the floor, else 1)."""
        if not self.stochastic:
            return 0.0 if abs(self.z) > 1.0 else 1.0
        return float(2.0 * stats.t.sf(abs(self.z), self.df))

    def exceeds(self, threshold: float) -> bool:
        """p below ``threshold`` (a stochastic quantity) or |z| over 1 (a deterministic one, at the resolution floor)."""
        return self.p_value < threshold

    def describe(self) -> str:
        """``quantity at point: rebuilt x ± se, catalogued y ± se (z = ..., p = ...)``."""
        return (
            f"{self.quantity} at {self.point}: rebuilt {self.rebuilt:.10g} ± {self.rebuilt_stderr:.3g}, catalogued "
            f"{self.catalogued:.10g} ± {self.catalogued_stderr:.3g} (z = {self.z:.3g}, p = {self.p_value:.2g})"
        )


@dataclass(frozen=True)
class RealizationTest:
    """Is a rebuild another realization of the catalogued ensemble? (module docstring)

    Attributes
    ----------
    differences
        Every quantity at every point, with both standard errors (empty when not assessed).
    threshold
        The family-wise threshold on each p-value: α / k, k the stochastic quantities and points (Bonferroni).
    alpha
        The family-wise false-alarm rate α.
    reason
        Why the test was not assessed, or ``None``.
    left_out
        Quantities not compared: a chain set's quantities whose chain
        standard error one side lacks.
    """

    differences: tuple[Difference, ...]
    threshold: float
    alpha: float
    reason: str | None = None
    left_out: tuple[str, ...] = ()

    @property
    def assessed(self) -> bool:
        """The test could be made (:attr:`reason` is ``None``)."""
        return self.reason is None

    @property
    def exceeding(self) -> tuple[Difference, ...]:
        """Differences beyond the threshold, smallest p (then largest |z|) first."""
        return tuple(
            sorted((d for d in self.differences if d.exceeds(self.threshold)), key=lambda d: (d.p_value, -abs(d.z)))
        )

    @property
    def largest(self) -> Difference | None:
        """The stochastic difference with the smallest p (a deterministic one only if none is stochastic)."""
        pool = [d for d in self.differences if d.stochastic] or list(self.differences)
        return min(pool, key=lambda d: (d.p_value, -abs(d.z)), default=None)

    @property
    def consistent(self) -> bool:
        """Assessed, something compared, and no quantity beyond the threshold."""
        return self.assessed and bool(self.differences) and not self.exceeding

    def describe(self) -> str:
        """One line: consistent or not (the smallest p against the threshold), or why not assessed."""
        if not self.assessed:
            return f"not assessed: {self.reason}"
        largest = self.largest
        k = sum(d.stochastic for d in self.differences)
        head = (
            (
                f"smallest p {largest.p_value:.2g} (|z| {abs(largest.z):.3g}, {largest.quantity} at {largest.point}) "
                f"against alpha / k = {self.alpha:g} / {k} = {self.threshold:.2g}"
            )
            if largest
            else "nothing compared"
        )
        if self.left_out:
            head += (
                f"; {len(self.left_out)} quantities without a chain standard error left out "
                f"({', '.join(self.left_out[:3])}{', ...' if len(self.left_out) > 3 else ''})"
            )
        if self.consistent:
            return f"consistent: {head}"
        return f"not consistent: {len(self.exceeding)} of {len(self.differences)} beyond the threshold; {head}"


def _welch_df(se_c: float, se_r: float, n_c: int, n_r: int) -> float:
    """Welch–Satterthwaite degrees of freedom of a difference of two means with these standard errors."""
    vc, vr = se_c**2, se_r**2
    denominator = vc**2 / (n_c - 1) + vr**2 / (n_r - 1)
    return (vc + vr) ** 2 / denominator if denominator > 0 else math.inf


def _untestable(
    catalogued: Fingerprint, rebuilt: Fingerprint, chained: bool, n_catalogued: int, n_rebuilt: int, min_samples: int
) -> str | None:
    """Why the two fingerprints cannot be tested as realizations of one ensemble, or None when they can."""
    reason = None
    if (
        catalogued.definition != rebuilt.definition
        or set(catalogued.points) != set(rebuilt.points)
        or set(catalogued.values) != set(rebuilt.values)
    ):
        reason = "the fingerprints have other definitions, points or quantities"
    elif "mode" in (catalogued.resampled, rebuilt.resampled):
        reason = "a single sample per point: its standard errors resample modes, not realizations"
    elif chained and (catalogued.chains is None or rebuilt.chains is None):
        side = "catalogued" if catalogued.chains is None else "rebuilt"
        reason = (
            f"the samples are structures of Monte Carlo chains and the {side} fingerprint has no chain standard "
            "errors; its bootstrap over samples treats a chain's structures as independent, so its standard "
            "errors are too small (a catalogue entry gets them from `vdosbench fingerprint FILE --name NAME`)"
        )
    elif not chained and min(n_catalogued, n_rebuilt) < min_samples:
        reason = (
            f"fewer than {min_samples} samples per point (catalogued {n_catalogued}, rebuilt {n_rebuilt}): "
            "a bootstrap standard error over so few is too uncertain"
        )
    elif chained and min(*(catalogued.chains or ()), *(rebuilt.chains or ())) < min_samples:
        reason = (
            f"fewer than {min_samples} chains per point (catalogued {list(catalogued.chains or ())}, rebuilt "
            f"{list(rebuilt.chains or ())}): a bootstrap standard error over so few is too uncertain"
        )
    return reason


def _differences(
    catalogued: Fingerprint, rebuilt: Fingerprint, chained: bool, n_catalogued: int, n_rebuilt: int
) -> tuple[list[str], list[Difference]]:
    """The quantities with standard errors on both sides, and per quantity and point the difference with its errors."""
    where = {p: i for i, p in enumerate(rebuilt.points)}
    if chained:
        se_cat, se_reb = catalogued.chain_stderr or {}, rebuilt.chain_stderr or {}
        n_cat = list(catalogued.chains or ())
        n_reb = [(rebuilt.chains or ())[where[p]] for p in catalogued.points]
    else:
        se_cat, se_reb = catalogued.stderr, rebuilt.stderr
        n_cat, n_reb = [n_catalogued] * len(catalogued.points), [n_rebuilt] * len(catalogued.points)
    compared = [q for q in catalogued.values if q in se_cat and q in se_reb]
    differences: list[Difference] = []
    for q in compared:
        for i, point in enumerate(catalogued.points):
            j = where[point]
            se_c = math.sqrt(n_cat[i] / (n_cat[i] - 1)) * se_cat[q][i]
            se_r = math.sqrt(n_reb[i] / (n_reb[i] - 1)) * se_reb[q][j]
            differences.append(
                Difference(
                    q,
                    point,
                    catalogued.values[q][i],
                    rebuilt.values[q][j],
                    se_c,
                    se_r,
                    _welch_df(se_c, se_r, n_cat[i], n_reb[i]),
                )
            )
    return compared, differences


@study_measure("realization.welch_z")
def compare_realizations(
    catalogued: Fingerprint,
    rebuilt: Fingerprint,
    *,
    n_catalogued: int,
    n_rebuilt: int,
    independent: bool | None = None,
    alpha: float | None = None,
    min_samples: int | None = None,
) -> RealizationTest:
    """Test whether ``rebuilt`` is another realization of the ensemble ``catalogued`` was computed from.

    Parameters
    ----------
    catalogued, rebuilt
        Fingerprints with bootstrap standard errors on both sides
        (:func:`compute_fingerprint` with ``stderr=True``).
    n_catalogued, n_rebuilt
        Samples per parameter point on each side.
    independent
        The samples are independent draws; ``False`` for the structures of
        Monte Carlo chains, which are then compared by their chain standard
        errors and chains per point (not assessed where either side lacks
        them).  ``None``: chains where either fingerprint has them.
    alpha
        Family-wise false-alarm rate; ``None``: the registered ``REALIZATION_ALPHA``.
    min_samples
        Fewest independent units (samples, or chains) per point on each side for the test to be assessed;
        ``None``: the registered ``REALIZATION_MIN_SAMPLES``.

    Returns
    -------
    RealizationTest
        The differences, the threshold, and the verdict (``consistent``), or the reason it was not assessed.

    Examples
    --------
    >>> from vdosbench.datasets.catalog import Fingerprint
    >>> cat = Fingerprint(1, "sample", ("all",), {"omega_min": (1.0,)}, {"omega_min": (0.1,)})
    >>> new = Fingerprint(1, "sample", ("all",), {"omega_min": (1.25,)}, {"omega_min": (0.1,)})
    >>> t = compare_realizations(cat, new, n_catalogued=40, n_rebuilt=40)
    >>> t.consistent, round(t.largest.z, 3), round(t.largest.df, 1), round(t.largest.p_value, 3)
    (True, 1.746, 78.0, 0.085)
    >>> far = Fingerprint(1, "sample", ("all",), {"omega_min": (1.3,)}, {"omega_min": (0.1,)})
    >>> compare_realizations(cat, far, n_catalogued=40, n_rebuilt=40).consistent
    False
    >>> compare_realizations(cat, new, n_catalogued=5, n_rebuilt=40).reason
    'fewer than 20 samples per point (catalogued 5, rebuilt 40): a bootstrap standard error over so few is too uncertain'

    Chains: 100 structures in 20 chains a side; the chain standard errors decide.

    >>> chains = dict(chains=(20,), chain_stderr={"omega_min": (0.1,)})
    >>> cc = Fingerprint(1, "sample", ("all",), {"omega_min": (1.0,)}, {"omega_min": (0.05,)}, **chains)
    >>> nc = Fingerprint(1, "sample", ("all",), {"omega_min": (1.25,)}, {"omega_min": (0.05,)}, **chains)
    >>> t = compare_realizations(cc, nc, n_catalogued=100, n_rebuilt=100)
    >>> t.consistent, round(t.largest.df, 1)
    (True, 38.0)
    >>> "catalogued fingerprint has no chain standard errors" in compare_realizations(
    ...     cat, nc, n_catalogued=100, n_rebuilt=100).reason
    True
    """
    chained = (catalogued.chains is not None or rebuilt.chains is not None) if independent is None else not independent
    alpha = float(realization_rule().settings["alpha"]) if alpha is None else alpha
    min_samples = int(realization_rule().settings["min_units"]) if min_samples is None else min_samples
    reason = _untestable(catalogued, rebuilt, chained, n_catalogued, n_rebuilt, min_samples)
    if reason is not None:
        return RealizationTest((), math.nan, alpha, reason)
    compared, differences = _differences(catalogued, rebuilt, chained, n_catalogued, n_rebuilt)
    k = max(1, sum(d.stochastic for d in differences))
    left_out = tuple(q for q in catalogued.values if q not in compared)
    return RealizationTest(tuple(differences), alpha / k, alpha, left_out=left_out)


def _fingerprint_and_content_hash(path: Path) -> tuple[Fingerprint, str]:
    """The fingerprint and the content hash of a built file (run in the isolated reader: the file may be
    damaged, and the netCDF/HDF5 library can loop for ever on a damaged header)."""
    with xr.open_dataset(path, engine="netcdf4") as opened:
        if "eigenvalue" not in opened.variables:
            raise IsolatedReadError(
                f"{path} has no 'eigenvalue' variable (found {sorted(map(str, opened.data_vars))}); expected a "
                "VDOS-1.0 dataset. Fix: fingerprint the ensemble.nc a generator wrote"
            )
        fp = compute_fingerprint(opened)
    return fp, content_sha256(path)


def entry_toml(name: str, path: str | os.PathLike[str], manifest: str | os.PathLike[str] | None = None) -> str:
    """The catalogue fields a built file determines: hashes, size, recipe and fingerprint.

    What ``vdosbench fingerprint FILE --name NAME`` prints: a ``[datasets.NAME]``
    table to complete by hand (description, source, urls, citation, licence,
    cost; ``not_hosted`` says the scoring form is still to be made), its ``recipe`` tables when the ensemble's manifest is found, and its
    ``fingerprint`` tables.

    Parameters
    ----------
    name
        The catalogue name.
    path
        The built ``ensemble.nc``, exactly the file to be published.
    manifest
        The ``ensemble.json`` that :func:`vdosbench.generators.run_ensemble`
        wrote with the ensemble; default: ``ensemble.json`` beside ``path``
        when it exists (else the recipe tables are left to complete by hand).

    Raises
    ------
    VDOSReadError
        The file cannot be read: it is read in the isolated reader
        (:func:`vdosbench.datasets.io.run_on_file`), so a damaged file the
        netCDF/HDF5 library loops on ends after the read time limit.
    """
    manifest_path = Path(path).with_name("ensemble.json") if manifest is None else Path(manifest)
    recipe = None
    if manifest_path.is_file():
        from vdosbench.generators.engine.ensemble import load_manifest

        recipe = recipe_toml(name, load_manifest(manifest_path))
    elif manifest is not None:
        raise FileNotFoundError(f"manifest {manifest_path} not found; expected the ensemble.json of the run")
    fp, content = run_on_file(_fingerprint_and_content_hash, path, what=f"fingerprinting {path}")
    todo = "description, source, urls, citation, licence, cost"
    if recipe is None:
        todo += f", and [datasets.{toml_key(name)}.recipe] with .grid and .fixed"
    head = [
        f"[datasets.{toml_key(name)}]",
        f"# complete by hand: {todo}",
        f"size = {os.path.getsize(path)}",
        f'sha256 = "{file_sha256(path)}"',
        f'content_sha256 = "{content}"',
        "# until its scoring form is in reference-data/ (then: [datasets.NAME.scoring_form] file, size, sha256)",
        "not_hosted = "
        + json.dumps(f"its scoring form: vdosbench compact {path} reference-data/{name}.nc --scoring-form"),
        "",
    ]
    body = "\n".join(head) + "\n"
    if recipe is not None:
        body += recipe + "\n"
    return body + fingerprint_toml(name, fp)
