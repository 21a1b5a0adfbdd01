"""Verdicts: measured values and their intervals against the claims.

A verdict compares the measured interval ``[low, high]`` (from the validator,
e.g. a bootstrap over samples) with the region a claim expects:

- **supported**: the whole interval lies inside the expected region;
- **refuted**: the interval and the region do not overlap;
- **inconclusive**: they overlap partly (or the measurement failed);
- **not applicable**: the claim is about other data.

A claim measured at several parameter points is refuted if any point is,
supported if every point is, and inconclusive otherwise.

Robustness across estimators: a claim's registered alternatives
(:func:`~vdosbench.benchmark.claims.alternative_claims`) are scored by the
same code (:func:`evaluate_claim` on the claim with the alternative's
measure) and compared with the primary point by point.  At a point where
both the primary and an alternative could be measured (a measurement with a
finite interval from enough samples, :func:`unmeasurable`), their verdicts
either agree or differ.  The label (:class:`Robustness`) is

- **estimator-dependent** when an alternative's verdict differs from the
  primary's at any point where both were measured;
- **robust** when none differs and at least one alternative was measured at
  a point where the primary was;
- **not assessed** otherwise: no alternative registered, or none could be
  measured where the primary was.  An alternative that cannot be measured on
  the data is reported as such and never makes a claim estimator-dependent
  by itself.

The claim's verdict, and so the exit status, stays the primary's.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any, ClassVar

import numpy as np
import xarray as xr
from scipy import stats

from vdosbench.datasets.labels import point_label
from vdosbench.validators import (
    S_OF_OMEGA_EDGES,
    Measurement,
    absolute_exponent,
    local_exponent,
    paired_band_difference,
    mode_spectra_from_dataset,
    nonphononic_exponent,
    paired_window_difference,
)
from vdosbench.validators.results.registry import (
    PAIR_VALIDATORS,
    PAIRED_DIFFERENCES,
    POINT_VALIDATORS,
    measures,
    paired_difference,
)
from vdosbench.validators.results.result import ValidatorResult

from .claim_selection import Inapplicable, base_point, inapplicability, select_points
from .claims import Alternative, Claim, Expectation, alternative_claims
from . import elastic  # noqa: F401 - registers shear_modulus_omega0
from .protocols import ProtocolNote, protocol_note

__all__ = [
    "Verdict",
    "Robustness",
    "PointResult",
    "ClaimResult",
    "AlternativeResult",
    "verdict_for",
    "evaluate_claim",
    "VALIDATORS",
]


class Verdict(str, Enum):
    """The four verdicts a claim can get."""

    SUPPORTED = "supported"
    REFUTED = "refuted"
    INCONCLUSIVE = "inconclusive"
    NOT_APPLICABLE = "not applicable"


class Robustness(str, Enum):
    """Whether a claim's verdict holds under its registered alternative estimators (module docstring)."""

    ROBUST = "robust"
    ESTIMATOR_DEPENDENT = "estimator-dependent"
    NOT_ASSESSED = "not assessed"


def verdict_for(measurement: Measurement, expect: Expectation) -> Verdict:
    """Compare a measured interval with an expectation.

    Examples
    --------
    >>> from vdosbench.validators import Measurement
    >>> m = Measurement(name="x", value=0.5, uncertainty=0.05, low=0.4, high=0.6, confidence=0.95,
    ...                 units="1", settings={}, curve=None, n_samples=10, method="test")
    >>> verdict_for(m, Expectation(kind="equal", value=0.5, tolerance=0.2)).value
    'supported'
    >>> verdict_for(m, Expectation(kind="greater", value=0.7)).value
    'refuted'
    >>> verdict_for(m, Expectation(kind="less", value=0.55)).value
    'inconclusive'
    """
    return judge(measurement, expect)[0]


#: The verdict of a study's point that cannot be judged (no measurement, or its estimator not assessed).
NOT_ASSESSED = "not assessed"


def assessed_verdict(measurement: Measurement | None, expect: Expectation, *, assessed: bool = True) -> str:
    """:func:`verdict_for` as a study states it for one point: :data:`NOT_ASSESSED` where there is nothing to judge.

    Parameters
    ----------
    measurement
        The point's measured interval, or None when it was not measured.
    expect
        What the claim expects.
    assessed
        False when the estimator's own checks failed (too few modes in its
        windows, a failed goodness of fit): the point is not judged.

    Returns
    -------
    str
        ``"supported"``, ``"refuted"`` or ``"inconclusive"`` (:class:`Verdict`
        values), or ``"not assessed"`` when ``measurement`` is None, not
        ``assessed``, or its interval is not finite.

    Examples
    --------
    >>> from vdosbench.validators import Measurement
    >>> m = Measurement("s", 4.1, 0.1, 3.9, 4.3, 0.95, "1", {}, None, 40, "bootstrap")
    >>> assessed_verdict(m, Expectation(kind="equal", value=4.0, tolerance=0.5))
    'supported'
    >>> assessed_verdict(m, Expectation(kind="equal", value=4.0, tolerance=0.5), assessed=False)
    'not assessed'
    """
    if measurement is None or not assessed or not (math.isfinite(measurement.low) and math.isfinite(measurement.high)):
        return NOT_ASSESSED
    return verdict_for(measurement, expect).value


def unmeasurable(measurement: Measurement) -> str | None:
    """Why ``measurement`` cannot support a verdict, or ``None`` when it can.

    An interval that is not finite (the validator could not estimate it), or
    a statistical interval (confidence < 1) from fewer than two samples (a
    bootstrap over one sample has no spread: its interval has zero width or
    is NaN), is no measurement to judge a claim by.  Exact quantities
    (confidence 1, e.g. of a theory curve) are judged from one sample.

    Examples
    --------
    >>> from vdosbench.validators import Measurement
    >>> m = Measurement("x", 0.5, 0.0, 0.5, 0.5, 0.95, "1", {}, None, 1, "bootstrap")
    >>> unmeasurable(m)
    'only 1 sample: a 95 % bootstrap interval needs at least 2 samples (zero-width or NaN otherwise); add samples'
    """
    low, high = float(measurement.low), float(measurement.high)
    n = int(measurement.n_samples)
    if measurement.confidence < 1.0 and n < 2:
        return (
            f"only {n} sample{'s' if n != 1 else ''}: a {measurement.confidence:.0%} bootstrap interval needs at "
            "least 2 samples (zero-width or NaN otherwise); add samples"
        ).replace("%", " %")
    if not (math.isfinite(low) and math.isfinite(high)):
        return (
            f"the interval [{low:g}, {high:g}] is not finite: the validator could not measure "
            f"{measurement.name} on these data ({n} samples)"
        )
    return None


def judge(measurement: Measurement, expect: Expectation) -> tuple[Verdict, str]:
    """The verdict of a measured interval against an expectation, and the reason when it is inconclusive
    because nothing could be measured (:func:`unmeasurable`)."""
    why = unmeasurable(measurement)
    if why is not None:
        return Verdict.INCONCLUSIVE, why
    low, high = float(measurement.low), float(measurement.high)
    lo, hi = expect.region()
    if expect.kind == "holds":  # a test of consistency: the interval holds the value, or excludes it
        return (Verdict.SUPPORTED if low <= lo <= high else Verdict.REFUTED), ""
    if lo <= low and high <= hi:
        return Verdict.SUPPORTED, ""
    if high < lo or low > hi:
        return Verdict.REFUTED, ""
    return Verdict.INCONCLUSIVE, ""


def judged_reading(label: str, estimate: Any, expect: Expectation) -> dict[str, Any]:
    """One reading of a registered claim as the studies report it: the estimate's value and interval, its verdict
    by ``expect`` (:func:`judge`) and why, and the estimator's settings.

    ``estimate`` is a :class:`~vdosbench.validators.Measurement` or an estimate that holds one (``.measurement``)
    with a ``status``; an estimate whose status is not ``"ok"`` is inconclusive, with its reason.

    Examples
    --------
    >>> from vdosbench.validators import Measurement
    >>> m = Measurement("s", 0.2, 0.1, -0.3, 0.4, 0.95, "1", {}, None, 100, "bootstrap")
    >>> r = judged_reading("primary", m, Expectation("equal", 1.0, 0.5))
    >>> r["verdict"], r["expect"], r["interval"]
    ('refuted', '= 1 ± 0.5', [-0.3, 0.4])
    """
    m = getattr(estimate, "measurement", estimate)
    status, reason = getattr(estimate, "status", "ok"), getattr(estimate, "reason", "")
    if status == "ok":
        judged, why = judge(m, expect)
        verdict = judged.value
    else:
        verdict, why = Verdict.INCONCLUSIVE.value, f"{status}: {reason}"
    return {
        "reading": label,
        "value": m.value,
        "interval": [m.low, m.high],
        "expect": expect.describe(),
        "verdict": verdict,
        "why": why,
        "settings": m.settings,
    }


# ------------------------------------------------------------------------------
# validators a claim may name: registered where each is defined
# (vdosbench.validators.results.registry.measures), with the quantities its
# result holds; the benchmark registers here what it builds on them
# ------------------------------------------------------------------------------

PointValidator = Callable[[xr.Dataset, Mapping[str, Any]], Any]
PairValidator = Callable[[xr.Dataset, xr.Dataset, Mapping[str, Any]], Measurement]


@dataclass(frozen=True, eq=False)
class NonphononicResult(ValidatorResult):
    """An issue-25 estimate for a claim: ``s`` is its measurement, with a NaN interval when the estimator's
    status is not ``"ok"`` (too few modes in the windows, a failed goodness-of-fit), so that no verdict is
    drawn from it; ``estimate`` keeps the full :class:`~vdosbench.validators.ExponentEstimate` (the result's
    ``diagnostics``)."""

    s: Measurement
    estimate: Any
    spectra: Any = None
    settings: Mapping[str, Any] = field(default_factory=dict)
    headline: ClassVar[str] = "s"
    diagnostics_field: ClassVar[str] = "estimate"

    def plot(self, ax: Any = None) -> Any:
        """The estimate's diagnostic plot."""
        return self.estimate.plot(ax)


def _not_assessed(m: Measurement, why: str) -> Measurement:
    """``m`` with a NaN interval (no verdict is drawn from it) and the reason in its settings."""
    return replace(
        m, low=float("nan"), high=float("nan"), expanded=None, settings={**dict(m.settings), "not_assessed": why}
    )


@measures("s", name="nonphononic_exponent", as_mapping=True)
def _nonphononic(point: xr.Dataset, settings: Mapping[str, Any]) -> NonphononicResult:
    est = nonphononic_exponent(point, **settings)
    m = est.measurement if est.ok else _not_assessed(est.measurement, f"{est.status}: {est.reason}")
    return NonphononicResult(m, est, mode_spectra_from_dataset(point), dict(settings))


@paired_difference("nonphononic_exponent")
def _paired_nonphononic(
    a: NonphononicResult, b: NonphononicResult, quantity: str, *, n_bootstrap: int, seed: int
) -> Measurement:
    """The window MLE's s(a) − s(b) over paired units (:func:`~vdosbench.validators.paired_window_difference`);
    ValueError (independent fallback) for another estimator or quantity, or unpaired points."""
    if quantity != "s" or a.settings.get("estimator", "window_mle") != "window_mle":
        raise ValueError("a paired difference is defined for the window MLE's s only")
    d = paired_window_difference(
        a.spectra,
        b.spectra,
        float(a.settings.get("factor", 0.5)),
        max_participation=a.settings.get("max_participation"),
        n_bootstrap=n_bootstrap,
        seed=seed,
    )
    return _paired_assessed(a, b, d)


def _paired_assessed(a: NonphononicResult, b: NonphononicResult, d: Measurement) -> Measurement:
    """A paired difference ``d`` with no verdict drawn from it when either point's estimate is not usable."""
    if not (a.estimate.ok and b.estimate.ok):  # a point without enough modes: no verdict from the difference
        return _not_assessed(d, "; ".join(f"{e.status}: {e.reason}" for e in (a.estimate, b.estimate) if not e.ok))
    return d


@measures("s", name="absolute_exponent", as_mapping=True)
def _absolute(point: xr.Dataset, settings: Mapping[str, Any]) -> NonphononicResult:
    """An issue-51 estimate in absolute frequency ω/ω_g (:func:`~vdosbench.validators.absolute_exponent`), read as
    :func:`_nonphononic` reads the issue-25 ones (no verdict from an estimate whose status is not ``"ok"``)."""
    options = dict(settings)
    if isinstance(options.get("band"), list):
        options["band"] = tuple(options["band"])
    est = absolute_exponent(point, **options)
    m = est.measurement if est.ok else _not_assessed(est.measurement, f"{est.status}: {est.reason}")
    spectra = mode_spectra_from_dataset(point)
    m = replace(m, settings={**dict(m.settings), **_s_of_omega(point, spectra)})
    return NonphononicResult(m, est, spectra, dict(settings))


#: Bootstrap replicates of the s(ω) bands a score reports (as in their coverage study).
S_OF_OMEGA_BOOTSTRAP = 400
#: Where the s(ω) bands' coverage is measured.
S_OF_OMEGA_COVERAGE = (
    "glass-like mocks (curved spectrum, broadened shells, scattered moduli), N = 2000, 1000 samples, "
    "GOE and Poisson levels: studies/results/absolute_frequency_coverage_s_of_omega.json"
)


def _s_of_omega(point: xr.Dataset, spectra: Any) -> dict[str, Any]:
    """s(ω) of a point in the bands :data:`~vdosbench.validators.S_OF_OMEGA_EDGES` of ω/ω_g
    (:func:`~vdosbench.validators.local_exponent`, descriptive: no verdict reads it), computed once per point and
    kept on its view, as the rows a report shows: band, s, its 95 % bootstrap interval, modes, status."""

    def compute() -> dict[str, Any]:
        ests, _ = local_exponent(spectra, S_OF_OMEGA_EDGES, n_bootstrap=S_OF_OMEGA_BOOTSTRAP, seed=0)
        rows = [
            {
                "band_omega_over_omega_g": [a, b],
                "s": e.value,
                "interval": [e.measurement.low, e.measurement.high],
                "modes": int(e.diagnostics["modes"]),
                "status": e.status,
            }
            for (a, b), e in zip(zip(S_OF_OMEGA_EDGES, S_OF_OMEGA_EDGES[1:]), ests)
        ]
        return {
            "s_of_omega": rows,
            "s_of_omega_bootstrap": S_OF_OMEGA_BOOTSTRAP,
            "s_of_omega_coverage": S_OF_OMEGA_COVERAGE,
        }

    return point.vdos.derived("benchmark:s_of_omega", compute, ("eigenvalue", "shear_modulus", "box_length"))


@paired_difference("absolute_exponent")
def _paired_absolute(
    a: NonphononicResult, b: NonphononicResult, quantity: str, *, n_bootstrap: int, seed: int
) -> Measurement:
    """The band MLE's s(a) − s(b) over paired samples (:func:`~vdosbench.validators.paired_band_difference`);
    ValueError (independent fallback) for the extreme value, another quantity or unpaired points."""
    if quantity != "s" or a.settings.get("estimator", "band_mle") != "band_mle":
        raise ValueError("a paired difference is defined for the band MLE's s only")
    low, high = (float(v) for v in a.settings.get("band", (0.0, 0.29)))
    return _paired_assessed(
        a, b, paired_band_difference(a.spectra, b.spectra, low, high, n_bootstrap=n_bootstrap, seed=seed)
    )


#: The validators a claim may name, by name: the registry (``entry(point, settings)`` -> a result whose
#: ``entry.quantities`` are Measurements); a test may add an entry (any ``f(point, settings)``).  Beside it,
#: PAIR_VALIDATORS (``entry(point, versus, settings)``: validators that compare a point with its ``versus``
#: point themselves) and PAIRED_DIFFERENCES (by validator: the difference over paired samples; other
#: validators' differences fall back to independent bootstraps).
VALIDATORS: dict[str, PointValidator] = POINT_VALIDATORS


def _difference(a: Measurement, b: Measurement) -> Measurement:
    """a − b with the normal-approximation interval of independent bootstraps.

    With common random numbers the two points are positively correlated, so
    treating them as independent overstates the uncertainty (conservative).
    """
    z = float(stats.norm.ppf(0.5 + a.confidence / 2))
    value = a.value - b.value
    unc = math.hypot(a.uncertainty, b.uncertainty)
    return replace(
        a,
        name=f"{a.name} difference",
        value=value,
        uncertainty=unc,
        low=value - z * unc,
        high=value + z * unc,
        curve=None,
        method=f"difference of two points ({a.method}); interval: normal approximation of "
        "independent bootstraps (conservative for paired samples)",
    )


def _paired_or_independent(claim: Claim, result: Any, base_result: Any, settings: Mapping[str, Any]) -> Measurement:
    """The paired difference when the validator has one and the samples pair up, else independent."""
    paired = PAIRED_DIFFERENCES.get(claim.validator)
    if paired is not None:
        try:
            return paired(
                result,
                base_result,
                claim.quantity,
                n_bootstrap=int(settings.get("n_bootstrap", 1000)),
                seed=int(settings.get("seed", 0)),
            )
        except ValueError:
            pass  # different samples or quantity: fall back to independent bootstraps
    return _difference(getattr(result, claim.quantity), getattr(base_result, claim.quantity))


@dataclass
class PointResult:
    """A claim measured at one parameter point."""

    parameters: dict[str, Any]
    verdict: Verdict
    measurement: Measurement | None
    result: Any = None
    versus: dict[str, Any] | None = None
    reason: str = ""

    @property
    def measured(self) -> bool:
        """Whether the point has a measurement to judge by (no failure, :func:`unmeasurable` is ``None``)."""
        return self.measurement is not None and not self.reason

    def key(self) -> str:
        """The point's parameters as canonical JSON (to match the same point under another estimator)."""
        return json.dumps(_jsonable(self.parameters), sort_keys=True, default=str)

    def to_dict(self) -> dict[str, Any]:
        return {
            "parameters": _jsonable(self.parameters),
            "versus": _jsonable(self.versus),
            "verdict": self.verdict.value,
            "reason": self.reason,
            "measurement": self.measurement.to_dict() if self.measurement is not None else None,
        }


@dataclass
class ClaimResult:
    """A claim evaluated on one dataset."""

    claim: Claim
    dataset: str
    verdict: Verdict
    points: list[PointResult] = field(default_factory=list)
    reason: str = ""
    #: Why the claim does not apply (verdict 'not applicable'), in parts; ``reason`` is its text.
    inapplicable: Inapplicable | None = None
    #: The claim scored by each of its registered alternative estimators (empty when not applicable).
    alternatives: list[AlternativeResult] = field(default_factory=list)
    #: The protocol note when the data are not what the claim is about (e.g. T_d glasses that did not reach
    #: equilibrium, :mod:`vdosbench.benchmark.protocols`): scored and reported with its label, not gating.
    protocol: ProtocolNote | None = None

    def robustness(self) -> tuple[Robustness | None, str]:
        """The robustness label (module docstring) and a sentence saying why; ``(None, "")`` when not applicable.

        Examples
        --------
        >>> from vdosbench.benchmark.claims import load_claims
        >>> claim = load_claims()[0]
        >>> ClaimResult(claim, "data", Verdict.NOT_APPLICABLE).robustness()
        (None, '')
        """
        if self.verdict is Verdict.NOT_APPLICABLE:
            return None, ""
        if not self.alternatives:
            return Robustness.NOT_ASSESSED, "no alternative estimator is registered for this claim"
        differing = [a for a in self.alternatives if a.differs]
        if differing:
            return Robustness.ESTIMATOR_DEPENDENT, "; ".join(a.describe_difference() for a in differing)
        compared = [a for a in self.alternatives if a.compared]
        unmeasured = [a for a in self.alternatives if not a.compared]
        tail = (
            "; not measured where the primary was: " + ", ".join(a.alternative.label for a in unmeasured)
            if unmeasured
            else ""
        )
        if compared:
            return Robustness.ROBUST, (
                f"the primary verdict ({self.verdict.value}) holds under "
                + ", ".join(a.alternative.label for a in compared)
                + tail
            )
        if not any(p.measured for p in self.points):
            return Robustness.NOT_ASSESSED, "the primary estimator could not be measured at any point"
        return (
            Robustness.NOT_ASSESSED,
            "no alternative estimator could be measured where the primary was: "
            + "; ".join(f"{a.alternative.label} ({a.unmeasured_reason()})" for a in unmeasured),
        )

    def to_dict(self) -> dict[str, Any]:
        c = self.claim
        label, why = self.robustness()
        return {
            "id": c.id,
            "dataset": self.dataset,
            "source": c.source,
            "statement": c.statement,
            "validator": c.validator,
            "quantity": c.quantity,
            "settings": _jsonable(dict(c.settings)),
            "expected": c.expect.describe(),
            "tolerance_basis": c.expect.basis,
            "verdict": self.verdict.value,
            "reason": self.reason,
            "points": [p.to_dict() for p in self.points],
            "robustness": label.value if label is not None else None,
            "robustness_reason": why,
            "alternatives": [a.to_dict() for a in self.alternatives],
            "protocol": self.protocol.to_dict() if self.protocol is not None else None,
        }


@dataclass
class AlternativeResult:
    """A claim scored by one of its alternative estimators, compared with the primary point by point.

    Attributes
    ----------
    alternative
        The registered alternative (label, basis, measure).
    result
        The claim measured by it (:func:`evaluate_claim`: the same verdict rule as the primary).
    compared
        Parameter points (:meth:`PointResult.key`) where both the primary and this estimator were measured.
    differs
        Of those, the points where the verdicts differ, as (parameters, primary verdict, this verdict).
    """

    alternative: Alternative
    result: ClaimResult
    compared: list[str] = field(default_factory=list)
    differs: list[tuple[dict[str, Any], Verdict, Verdict]] = field(default_factory=list)

    @classmethod
    def compare(
        cls, alternative: Alternative, result: ClaimResult, primary: Sequence[PointResult]
    ) -> AlternativeResult:
        """Compare ``result`` (the claim under ``alternative``) with the primary's points."""
        mine = {p.key(): p for p in result.points}
        out = cls(alternative, result)
        for p in primary:
            q = mine.get(p.key())
            if q is None or not (p.measured and q.measured):
                continue
            out.compared.append(p.key())
            if q.verdict is not p.verdict:
                out.differs.append((p.parameters, p.verdict, q.verdict))
        return out

    def describe_difference(self) -> str:
        """``"label: supported where the primary is refuted (points)"``, the differing points grouped by verdicts."""
        groups: dict[tuple[Verdict, Verdict], list[str]] = {}
        for params, primary, mine in self.differs:
            groups.setdefault((primary, mine), []).append(point_label(params))
        return f"{self.alternative.label}: " + "; ".join(
            f"{mine.value} where the primary is {primary.value}" + (f" ({'; '.join(labels)})" if any(labels) else "")
            for (primary, mine), labels in groups.items()
        )

    def unmeasured_reason(self) -> str:
        """Why this estimator was compared with the primary nowhere (its first failure), or ``""``."""
        if self.compared:
            return ""
        reasons = [p.reason for p in self.result.points if not p.measured and p.reason]
        if reasons:
            return reasons[0]
        if any(p.measured for p in self.result.points):
            return "measured only where the primary could not be"
        return self.result.reason or "no point measured"

    def to_dict(self) -> dict[str, Any]:
        a = self.alternative
        return {
            "label": a.label,
            "basis": a.basis,
            "validator": a.validator,
            "quantity": a.quantity,
            "settings": _jsonable(dict(a.settings)),
            "versus": _jsonable(a.versus),
            "verdict": self.result.verdict.value,
            "compared_points": len(self.compared),
            "agrees": not self.differs if self.compared else None,
            "not_measured": self.unmeasured_reason() or None,
            "differs": [
                {"parameters": _jsonable(params), "primary": pv.value, "alternative": av.value}
                for params, pv, av in self.differs
            ],
            "points": [p.to_dict() for p in self.result.points],
        }


def _jsonable(x: Any) -> Any:
    if isinstance(x, Mapping):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, np.generic):
        return x.item()
    return x


def combine_verdicts(verdicts: Sequence[Verdict]) -> Verdict:
    """Every point supported → supported; any refuted → refuted; else inconclusive."""
    if not verdicts:
        return Verdict.NOT_APPLICABLE
    if any(v is Verdict.REFUTED for v in verdicts):
        return Verdict.REFUTED
    if all(v is Verdict.SUPPORTED for v in verdicts):
        return Verdict.SUPPORTED
    return Verdict.INCONCLUSIVE


#: Validator results of one dataset, keyed by (validator, settings, point): claims that measure the
#: same thing (a claim and its rival, several quantities of one validator) share one computation.
ResultCache = dict[tuple[str, str, str], Any]


def _cached(
    cache: ResultCache | None,
    validator: str,
    settings: Mapping[str, Any],
    values: Mapping[str, Any],
    compute: Callable[[], Any],
) -> Any:
    if cache is None:
        return compute()
    key = (
        validator,
        json.dumps(_jsonable(dict(settings)), sort_keys=True, default=str),
        json.dumps(_jsonable(dict(values)), sort_keys=True, default=str),
    )
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def _require_spectrum(claim: Claim, point: xr.Dataset) -> None:
    """Raise ``ValueError`` when a spectral validator gets a point whose every mode is zero (nothing to measure);
    a validator registered as ``structural`` (it measures the structure) is not stopped."""
    structural = getattr(VALIDATORS.get(claim.validator), "structural", False)
    if structural or "eigenvalue" not in point.variables:
        return
    if bool(point.vdos.zero_mode.all()):
        raise ValueError(
            f"every mode of this point is zero ({point.sizes.get('sample', 0)} samples x "
            f"{point.sizes.get('mode', 0)} modes): {claim.validator} has no frequency to measure; "
            "store the eigenvalues of the dynamical matrix"
        )


def _measure_point(
    claim: Claim, ds: xr.Dataset, values: dict[str, Any], point: xr.Dataset, cache: ResultCache | None = None
) -> PointResult:
    settings = dict(claim.settings)
    _require_spectrum(claim, point)
    base = base_point(claim, ds, values) if claim.versus is not None else None
    if claim.validator in PAIR_VALIDATORS:
        if base is None:
            raise KeyError(f"validator {claim.validator!r} needs measure.versus in the claim")
        m = PAIR_VALIDATORS[claim.validator](point, base[1], settings)
        verdict, reason = judge(m, claim.expect)
        return PointResult(values, verdict, m, result=m, versus=base[0], reason=reason)
    if claim.validator not in VALIDATORS:
        raise KeyError(f"unknown validator {claim.validator!r}; known: {sorted([*VALIDATORS, *PAIR_VALIDATORS])}")
    validate = VALIDATORS[claim.validator]
    quantities = getattr(validate, "quantities", None)
    if quantities is not None and claim.quantity not in quantities:
        raise KeyError(
            f"validator {claim.validator!r} measures {', '.join(quantities)}; the claim asks for {claim.quantity!r}"
        )
    result = _cached(cache, claim.validator, settings, values, lambda: validate(point, settings))
    m = getattr(result, claim.quantity)
    if base is not None:
        base_result = _cached(cache, claim.validator, settings, base[0], lambda: validate(base[1], settings))
        m = _paired_or_independent(claim, result, base_result, settings)
    verdict, reason = judge(m, claim.expect)
    return PointResult(values, verdict, m, result=result, versus=base[0] if base else None, reason=reason)


def evaluate_claim(claim: Claim, ds: xr.Dataset, name: str = "data", cache: ResultCache | None = None) -> ClaimResult:
    """Measure ``claim`` on every parameter point of ``ds`` it applies to, and under each of its alternatives.

    Each registered alternative estimator is scored by this same function
    (on the claim with the alternative's measure, which has no alternatives
    of its own) and compared with the primary (:class:`AlternativeResult`,
    :meth:`ClaimResult.robustness`).  ``cache`` (one dict per dataset, e.g.
    from :func:`vdosbench.benchmark.score_datasets`) lets claims and
    alternatives that run the same validator with the same settings on the
    same point share the result; without one, the claim and its
    alternatives still share theirs (an alternative that changes only the
    quantity, e.g. flatness next to MLE, costs nothing).
    """
    why = inapplicability(claim, ds)
    if why is not None:
        return ClaimResult(claim, name, Verdict.NOT_APPLICABLE, reason=str(why), inapplicable=why)
    if cache is None:
        cache = {}  # the claim's own: its alternatives share the primary's computations
    points: list[PointResult] = []
    for values, point in select_points(claim, ds):
        try:
            points.append(_measure_point(claim, ds, values, point, cache))
        except (KeyError, ValueError, ArithmeticError, np.linalg.LinAlgError) as e:
            points.append(PointResult(values, Verdict.INCONCLUSIVE, None, reason=f"{type(e).__name__}: {e}"))
    if not points:
        why = Inapplicable("no-point")
        return ClaimResult(claim, name, Verdict.NOT_APPLICABLE, reason=str(why), inapplicable=why)
    alternatives = [
        AlternativeResult.compare(alt, evaluate_claim(alt_claim, ds, name, cache), points)
        for alt, alt_claim in alternative_claims(claim)
    ]
    return ClaimResult(
        claim,
        name,
        combine_verdicts([p.verdict for p in points]),
        points,
        alternatives=alternatives,
        protocol=protocol_note(claim.id, ds, [p.parameters for p in points]),
    )
