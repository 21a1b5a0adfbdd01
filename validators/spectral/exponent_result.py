"""The result of a nonphononic-exponent estimator, and the spread between estimators as a systematic.

Every estimator of issue 25 (:mod:`.window_mle`, :mod:`.size_scaling`,
:mod:`.debye_excess`) returns an :class:`ExponentEstimate`: the
:class:`~vdosbench.validators.Measurement` of s (value, bootstrap standard
error over independent units, percentile interval, every choice in its
settings, the diagnostic curve), every other interval the estimator can give
(``fisher``, ``profile``) side by side, and a ``status``: ``"ok"``,
``"inconclusive"`` (the data cannot give s: too few modes, a failed shape or
goodness-of-fit check, ...) or ``"no_excess"`` (no nonphononic modes above
Debye's level), with the reason in words.

:func:`estimator_spread` takes several estimates of one s and returns the
statistical interval of the one chosen as primary beside the spread of the
estimators' values, reported as a systematic.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from ..results.result import Measurement, ValidatorResult, current_axes, jsonable

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["ExponentEstimate", "EstimatorSpread", "estimator_spread"]

Status = Literal["ok", "inconclusive", "no_excess"]
_STATUSES = ("ok", "inconclusive", "no_excess")


@dataclass(frozen=True, eq=False)
class ExponentEstimate(ValidatorResult):
    """One estimator's s with its intervals and status.

    Attributes
    ----------
    measurement
        Value of s, bootstrap standard error and percentile interval over
        independent units, settings (every choice), diagnostic curve.
    intervals
        Every interval at the measurement's confidence, by method
        (``"bootstrap"`` always, the measurement's percentile interval;
        ``"bootstrap_expanded"`` where the measurement carries its expanded
        one, :attr:`.Measurement.expanded`; ``"fisher"``, ``"profile"`` where
        the estimator has a likelihood).
    status
        ``"ok"``, ``"inconclusive"`` or ``"no_excess"``.
    reason
        Why the status is not ``"ok"`` (empty when it is).
    diagnostics
        Numbers behind the status (goodness-of-fit p-values, counts, ...).
    """

    headline = "measurement"

    measurement: Measurement
    intervals: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    status: Status = "ok"
    reason: str = ""
    diagnostics: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.status not in _STATUSES:
            raise ValueError(f"status is {self.status!r}; expected one of {_STATUSES}")
        ivals = {k: (float(v[0]), float(v[1])) for k, v in dict(self.intervals).items()}
        ivals.setdefault("bootstrap", (self.measurement.low, self.measurement.high))
        if self.measurement.expanded is not None:
            ivals.setdefault("bootstrap_expanded", self.measurement.expanded)
        object.__setattr__(self, "intervals", MappingProxyType(ivals))
        object.__setattr__(self, "diagnostics", MappingProxyType(dict(self.diagnostics)))

    @property
    def name(self) -> str:
        """The estimator's name (the measurement's)."""
        return self.measurement.name

    @property
    def value(self) -> float:
        """s."""
        return self.measurement.value

    @property
    def ok(self) -> bool:
        """Whether the estimator gave a usable s."""
        return self.status == "ok" and math.isfinite(self.value)

    def interval(self, method: str = "bootstrap") -> tuple[float, float]:
        """The interval of ``method``; an error lists the methods there are."""
        if method not in self.intervals:
            raise KeyError(f"no {method!r} interval; this estimate has {sorted(self.intervals)}")
        return self.intervals[method]

    def covers(self, value: float, method: str = "bootstrap") -> bool:
        """Whether ``value`` lies in the interval of ``method`` (False for a NaN interval)."""
        lo, hi = self.interval(method)
        return bool(lo <= value <= hi)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able: the measurement, every interval, status, reason and diagnostics."""
        return {
            "measurement": self.measurement.to_dict(),
            "intervals": jsonable({k: list(v) for k, v in self.intervals.items()}),
            "status": self.status,
            "reason": self.reason,
            "diagnostics": jsonable(dict(self.diagnostics)),
        }

    def plot(self, ax: Axes | None = None) -> Axes:
        """The diagnostic curve of the measurement, titled with s, its intervals and the status."""
        ax = self.measurement.plot(ax)
        spans = ", ".join(f"{k} [{lo:.3g}, {hi:.3g}]" for k, (lo, hi) in self.intervals.items())
        title = f"{self.name} = {self.value:.3g}; {spans}"
        if self.status != "ok":
            title += f"\n{self.status}: {self.reason}"
        ax.set_title(title, fontsize="small")
        return ax


@dataclass(frozen=True, eq=False)
class EstimatorSpread:
    """Output of :func:`estimator_spread`.

    Attributes
    ----------
    value
        s of the primary estimator.
    statistical
        Its statistical interval (``interval_method`` of the primary).
    spread
        max − min of the usable estimators' values (the systematic), 0 for one estimator.
    systematic_half_width
        spread / 2.
    total
        The statistical interval widened by ``systematic_half_width`` on each side.
    values
        s of every estimator by name (NaN where not usable), with its status.
    primary, interval_method
        What was chosen.
    """

    value: float
    statistical: tuple[float, float]
    spread: float
    systematic_half_width: float
    total: tuple[float, float]
    values: Mapping[str, float]
    statuses: Mapping[str, str]
    primary: str
    interval_method: str
    n_used: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-able summary."""
        return jsonable(
            {
                "value": self.value,
                "statistical": list(self.statistical),
                "spread": self.spread,
                "systematic_half_width": self.systematic_half_width,
                "total": list(self.total),
                "values": dict(self.values),
                "statuses": dict(self.statuses),
                "primary": self.primary,
                "interval_method": self.interval_method,
                "n_used": self.n_used,
                "rule": "total = statistical interval of the primary widened by half the between-estimator spread "
                "(max - min over estimators with status ok) on each side",
            }
        )

    def plot(self, ax: Axes | None = None) -> Axes:
        """Each estimator's value, the primary's statistical interval and the total band."""
        ax = current_axes(ax)
        names = list(self.values)
        ax.axhspan(*self.total, color="0.9", label="statistical + systematic")
        ax.axhspan(*self.statistical, color="0.75", label=f"statistical ({self.primary})")
        ax.plot(range(len(names)), [self.values[n] for n in names], "o")
        ax.set_xticks(range(len(names)), names, rotation=30, fontsize="small")
        ax.set_ylabel("s")
        ax.legend(fontsize="small")
        return ax


def estimator_spread(
    estimates: Mapping[str, ExponentEstimate],
    primary: str | None = None,
    interval_method: str = "bootstrap",
) -> EstimatorSpread:
    """The statistical interval of one estimator beside the spread between estimators (a systematic).

    Parameters
    ----------
    estimates
        Estimates of the same s, by a name for each (e.g. ``"mle c=0.5"``).
    primary
        The name whose value and interval are reported; default: the usable
        estimate with the narrowest ``interval_method`` interval.
    interval_method
        Which interval of the primary is the statistical one.

    Returns
    -------
    EstimatorSpread
        ``spread`` = max − min of the values of the estimates with status
        ``"ok"``; ``total`` = statistical interval ± spread/2.

    Raises
    ------
    ValueError
        Without a usable estimate, or a ``primary`` that is not usable.

    Examples
    --------
    >>> from vdosbench.validators import Measurement
    >>> m = lambda v, lo, hi: ExponentEstimate(Measurement("s", v, 0.1, lo, hi, 0.95, "1"))
    >>> out = estimator_spread({"a": m(4.0, 3.8, 4.2), "b": m(3.6, 3.1, 4.1)})
    >>> out.primary, round(out.spread, 6), tuple(round(x, 6) for x in out.total)
    ('a', 0.4, (3.6, 4.4))
    """
    if not estimates:
        raise ValueError("estimates is empty; expected at least one ExponentEstimate by name")
    usable = {k: e for k, e in estimates.items() if e.ok}
    if not usable:
        raise ValueError(
            "no estimate is usable (status ok with a finite value): statuses "
            + ", ".join(f"{k}={e.status}" for k, e in estimates.items())
        )

    def width(e: ExponentEstimate) -> float:
        lo, hi = e.interval(interval_method)
        w = hi - lo
        return w if math.isfinite(w) else math.inf

    if primary is None:
        primary = min(usable, key=lambda k: width(usable[k]))
    elif primary not in usable:
        raise ValueError(f"primary {primary!r} is not a usable estimate; usable: {sorted(usable)}")
    vals = np.array([e.value for e in usable.values()])
    spread = float(vals.max() - vals.min())
    lo, hi = usable[primary].interval(interval_method)
    half = spread / 2.0
    return EstimatorSpread(
        value=usable[primary].value,
        statistical=(lo, hi),
        spread=spread,
        systematic_half_width=half,
        total=(lo - half, hi + half),
        values=MappingProxyType({k: (e.value if e.ok else math.nan) for k, e in estimates.items()}),
        statuses=MappingProxyType({k: e.status for k, e in estimates.items()}),
        primary=primary,
        interval_method=interval_method,
        n_used=len(usable),
    )
