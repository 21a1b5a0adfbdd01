"""Comparison with a reference: distance between two ensembles' spectra, and eigenvalue agreement.

Distance between spectra
    The non-zero frequencies ω of each ensemble are pooled over its samples
    and compared, in the whole range and in frequency windows (given, or
    quantile windows of the two ensembles pooled together, equal counts), by
    the two-sample Kolmogorov–Smirnov statistic D (``scipy.stats.ks_2samp``)
    and the k-sample Anderson–Darling statistic (``scipy.stats.anderson_ksamp``;
    its p-value is capped by scipy to [0.001, 0.25]).  A window compares the
    *shapes* inside it (conditional distributions); the fraction of modes in
    it is reported separately.

    Dependence caveat: both pooled p-values assume independent modes.  Modes
    of one sample are not independent — level repulsion makes them more
    regular than independent draws, and sample-to-sample fluctuations (sound
    speed, density) make them move together — so the pooled p-values can be
    wrong in either direction, increasingly so for many modes per sample.
    The honest p-value is the **sample-level permutation test**: the samples
    of both ensembles are pooled, split at random into groups of the original
    sizes (``n_permutations`` times, seeded), and D is recomputed on the modes
    of each split; p = (1 + #{D_perm ≥ D_obs}) / (1 + n_valid), n_valid the
    splits whose window holds modes on both sides (a split that leaves one
    side of a sparse window empty has no D; it is left out rather than counted
    as "not exceeding", which made identical data look different).  It is
    exact under exchangeability of samples, with resolution 1/(1 + n_valid).
    Windows are not corrected for multiple comparisons.

    ``ks_distance`` (the whole-range D) is bootstrapped by resampling samples
    within each ensemble; D is biased upwards for finite ensembles, so its
    interval says how stable the distance is, not whether it is zero (use the
    permutation p-value for that).

Eigenvalue agreement on shared configurations
    Same samples and modes (a reference solver against another, or a
    re-computation): per entry the relative deviation |λ_b − λ_a|/|λ_a| over
    the non-zero modes of ``a``; the maximum and the root mean square, the
    per-mode curve (RMS and max over samples), and the largest |λ_b| at the
    zero modes of ``a`` relative to the largest λ_a of the sample.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import xarray as xr
from scipy.stats import anderson_ksamp, ks_2samp

from ..results.points import point_view
from ..results.result import Measurement, ValidatorResult, current_axes, jsonable
from .spectrum import ZERO_MODE_RTOL

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = [
    "SpectrumComparison",
    "EigenvalueAgreement",
    "ks_statistic",
    "compare_spectra",
    "eigenvalue_agreement",
]

#: Pooled values × permutations per block of the permutation test: 128 KiB of int64 weights a side, so that a
#: block's sums stay in cache (a pool of this many values or more is permuted one permutation at a time).
PERMUTATION_BLOCK_VALUES = 16384


def ks_statistic(x: np.ndarray, y: np.ndarray) -> float:
    """Two-sample Kolmogorov–Smirnov statistic sup |F_x − F_y| (NaN ignored).

    Examples
    --------
    >>> ks_statistic(np.array([1.0, 2.0]), np.array([3.0, 4.0]))
    1.0
    """
    a = np.sort(np.asarray(x, dtype=float)[np.isfinite(x)])
    b = np.sort(np.asarray(y, dtype=float)[np.isfinite(y)])
    if a.size == 0 or b.size == 0:
        return math.nan
    grid = np.concatenate([a, b])
    fa = np.searchsorted(a, grid, side="right") / a.size
    fb = np.searchsorted(b, grid, side="right") / b.size
    return float(np.max(np.abs(fa - fb)))


class _PooledLevels:
    """Every finite value of the rows of two ensembles, sorted once, with the row it came from.

    A resample or a relabelling of whole rows is then a vector of integer row weights per side, and its
    two-sample KS statistic (restricted to a window lo < x ≤ hi, or x ≤ hi for lo ≤ 0) is read from two
    cumulative sums of the weights at the end of each run of equal values, with no sort: the same counts
    over the same sizes as :func:`ks_statistic`, so the same number, at O(n) instead of O(n log n).
    """

    def __init__(self, rows: np.ndarray) -> None:
        finite = np.isfinite(rows)
        owner = np.broadcast_to(np.arange(rows.shape[0])[:, None], rows.shape)[finite]
        values = rows[finite]
        order = np.argsort(values)  # the order within a run of equal values does not matter: read at its end
        self.values, self.owner = values[order], owner[order]
        # the last index of each run of equal values: where an empirical CDF of these values takes its steps
        self.run_end = np.concatenate([self.values[1:] != self.values[:-1], [True]]) if values.size else values

    def ks(self, weight_a: np.ndarray, weight_b: np.ndarray, lo: float = 0.0, hi: float = math.inf) -> float:
        """sup |F_a − F_b| of the values in the window, each row counted by its weight on each side (NaN if a
        side has none)."""
        return float(self.ks_windows(weight_a, weight_b, [(lo, hi)])[0])

    def ks_windows(
        self, weight_a: np.ndarray, weight_b: np.ndarray, windows: Sequence[tuple[float, float]]
    ) -> np.ndarray:
        """:meth:`ks` for each window (lo, hi) of ``windows``, the row weights gathered onto the pool once."""
        pooled_a, pooled_b = weight_a[self.owner], weight_b[self.owner]
        out = np.full(len(windows), math.nan)
        for r, (lo, hi) in enumerate(windows):
            start = int(np.searchsorted(self.values, lo, side="right")) if lo > 0 else 0
            end = int(np.searchsorted(self.values, hi, side="right"))
            ca, cb = np.cumsum(pooled_a[start:end]), np.cumsum(pooled_b[start:end])
            if ca.size == 0 or ca[-1] == 0 or cb[-1] == 0:
                continue
            ends = self.run_end[start:end]
            out[r] = np.max(np.abs(ca[ends] / ca[-1] - cb[ends] / cb[-1]))
        return out

    def ks_windows_many(
        self, weight_a: np.ndarray, weight_b: np.ndarray, windows: Sequence[tuple[float, float]]
    ) -> np.ndarray:
        """:meth:`ks_windows` for each row of the integer weights ``weight_a``, ``weight_b`` (shape (P, rows)):
        shape (P, windows).  The same operations on the same integers, so the same floats as P calls."""
        pooled_a, pooled_b = np.take(weight_a, self.owner, axis=1), np.take(weight_b, self.owner, axis=1)
        out = np.full((weight_a.shape[0], len(windows)), math.nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            for r, (lo, hi) in enumerate(windows):
                start = int(np.searchsorted(self.values, lo, side="right")) if lo > 0 else 0
                end = int(np.searchsorted(self.values, hi, side="right"))
                if end <= start:
                    continue
                ca, cb = np.cumsum(pooled_a[:, start:end], axis=1), np.cumsum(pooled_b[:, start:end], axis=1)
                ta, tb = ca[:, -1:], cb[:, -1:]
                ends = np.flatnonzero(self.run_end[start:end])
                d = np.max(np.abs(np.take(ca, ends, axis=1) / ta - np.take(cb, ends, axis=1) / tb), axis=1)
                both = (ta[:, 0] != 0) & (tb[:, 0] != 0)
                out[both, r] = d[both]
        return out


def _padded_rows(wa: np.ndarray, wb: np.ndarray) -> np.ndarray:
    """The rows of both ensembles in one array, the shorter rows padded with NaN (left out of every pool)."""
    width = max(wa.shape[1], wb.shape[1])
    out = np.full((wa.shape[0] + wb.shape[0], width), np.nan)
    out[: wa.shape[0], : wa.shape[1]] = wa
    out[wa.shape[0] :, : wb.shape[1]] = wb
    return out


def _omega_rows(data: xr.Dataset | np.ndarray, name: str) -> np.ndarray:
    if isinstance(data, xr.Dataset):
        view = point_view(data, f"compare_spectra ({name})")
        return np.asarray(view.omega.transpose("sample", "mode").values, dtype=float)
    arr = np.asarray(data, dtype=float)
    if arr.ndim != 2:
        raise ValueError(
            f"{name} has shape {arr.shape}; expected a one-point dataset or frequencies of shape (sample, mode) "
            "(NaN for zero modes)"
        )
    return arr


@dataclass(frozen=True, eq=False)
class SpectrumComparison(ValidatorResult):
    """Output of :func:`compare_spectra`.

    Attributes
    ----------
    ks_distance
        Whole-range KS statistic D (:class:`Measurement`; bootstrap within each ensemble).
    per_window
        Dataset over ``window`` (row 0 is the whole range): ``window_low``,
        ``window_high``, ``n_a``, ``n_b`` (pooled modes), ``fraction_a``,
        ``fraction_b`` (mean fraction of a sample's modes in the window),
        ``ks_statistic``, ``ks_pvalue_pooled``, ``ad_statistic``,
        ``ad_pvalue_pooled``, ``ks_pvalue_permutation``.
    settings
        Windows and their rule, permutation and bootstrap settings, the caveat.
    """

    headline = "ks_distance"
    diagnostics_field = "per_window"

    ks_distance: Measurement
    per_window: xr.Dataset
    settings: Mapping[str, Any]
    _pooled: tuple[np.ndarray, np.ndarray]

    def to_dict(self) -> dict[str, Any]:
        """JSON-able dict: the measurement, the per-window table and the settings."""
        table = {str(k): jsonable(v.values) for k, v in self.per_window.data_vars.items()}
        return {
            "measurements": {"ks_distance": self.ks_distance.to_dict()},
            "per_window": table,
            "settings": jsonable(dict(self.settings)),
        }

    def plot(self, ax: Axes | None = None) -> Axes:
        """Empirical CDFs of both ensembles with the window edges."""
        ax = current_axes(ax)
        for label, w in zip(("a", "b"), self._pooled):
            s = np.sort(w)
            ax.step(s, np.arange(1, s.size + 1) / s.size, where="post", label=f"ensemble {label}")
        for edge in self.per_window["window_high"].values[1:-1]:
            ax.axvline(edge, color="0.7", lw=0.6)
        ax.set_xlabel("ω")
        ax.set_ylabel("cumulative fraction of modes")
        p = float(self.per_window["ks_pvalue_permutation"].values[0])
        ax.set_title(f"KS D = {self.ks_distance.value:.3g}, permutation p = {p:.3g}")
        ax.legend()
        return ax


def _windows(
    windows: int | Sequence[tuple[float, float]] | None, pooled: np.ndarray
) -> tuple[list[tuple[float, float]], str]:
    top = float(pooled.max())
    rows = [(0.0, top)]
    if windows is None:
        return rows, "whole range only"
    if isinstance(windows, (int, np.integer)):
        n = int(windows)
        if n < 1:
            raise ValueError(f"windows is {windows}; expected a positive number of quantile windows or (lo, hi) pairs")
        edges = np.quantile(pooled, np.linspace(0.0, 1.0, n + 1))
        edges[0], edges[-1] = 0.0, top
        rows += [(float(edges[k]), float(edges[k + 1])) for k in range(n)]
        return rows, f"{n} quantile windows of the pooled frequencies of both ensembles (equal counts)"
    for lo, hi in windows:
        if not (0.0 <= float(lo) < float(hi)):
            raise ValueError(f"window ({lo}, {hi}) is invalid; expected 0 <= lo < hi")
        rows.append((float(lo), float(hi)))
    return rows, "given"


def _in_window(w: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """The finite values of ``w`` in lo < ω ≤ hi (lo = 0: every finite ω ≤ hi)."""
    return w[(w > lo) & (w <= hi)] if lo > 0 else w[np.isfinite(w) & (w <= hi)]


def _window_tests(
    wa: np.ndarray, wb: np.ndarray, pa: np.ndarray, pb: np.ndarray, rows: list[tuple[float, float]]
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Per window: pooled KS and AD statistics and p-values, mean per-sample fractions and pooled counts."""
    n_w = len(rows)
    out = {k: np.full(n_w, np.nan) for k in ("ks", "ks_p", "ad", "ad_p", "perm_p", "fa", "fb")}
    n_a = np.zeros(n_w, dtype=np.int64)
    n_b = np.zeros(n_w, dtype=np.int64)
    for r, (lo, hi) in enumerate(rows):
        xa, xb = _in_window(pa, lo, hi), _in_window(pb, lo, hi)
        n_a[r], n_b[r] = xa.size, xb.size
        valid_a = np.maximum(np.isfinite(wa).sum(axis=1), 1)
        valid_b = np.maximum(np.isfinite(wb).sum(axis=1), 1)
        out["fa"][r] = float(np.mean(np.array([_in_window(row, lo, hi).size for row in wa]) / valid_a))
        out["fb"][r] = float(np.mean(np.array([_in_window(row, lo, hi).size for row in wb]) / valid_b))
        if xa.size and xb.size:
            ks = ks_2samp(xa, xb)
            out["ks"][r], out["ks_p"][r] = float(ks.statistic), float(ks.pvalue)
        if xa.size > 1 and xb.size > 1 and np.unique(np.concatenate([xa, xb])).size > 1:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ad = anderson_ksamp([xa, xb])
            out["ad"][r], out["ad_p"][r] = float(ad.statistic), float(ad.pvalue)
    return out, n_a, n_b


def _permutation_pvalues(
    pool: _PooledLevels,
    rows: list[tuple[float, float]],
    ks: np.ndarray,
    na: int,
    nb: int,
    n_permutations: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Per window, the KS p-value over random sample-label permutations and the permutations that counted."""
    n_w = len(rows)
    exceed = np.zeros(n_w)
    valid = np.zeros(n_w)
    # the permutations drawn one after another (the same draws in any case); a small pool's statistics computed a
    # block of permutations at a time (:meth:`_PooledLevels.ks_windows_many`: the same numbers, without the
    # per-call overhead that dominates there), a large pool's one at a time (the work is then in the sums)
    block = max(1, PERMUTATION_BLOCK_VALUES // max(1, pool.values.size))
    left = int(n_permutations)
    while left > 0:
        in_a = np.zeros((min(block, left), na + nb), dtype=np.int64)
        for row in in_a:
            row[rng.permutation(na + nb)[:na]] = 1
        if block == 1:
            d = pool.ks_windows(in_a[0], 1 - in_a[0], rows)[None, :]
        else:
            d = pool.ks_windows_many(in_a, 1 - in_a, rows)
        valid += np.isfinite(d).sum(axis=0)
        exceed += (d >= ks - 1e-12).sum(axis=0)  # NaN on either side compares False
        left -= in_a.shape[0]
    return np.where(np.isfinite(ks), (1.0 + exceed) / (1.0 + valid), np.nan), valid


def _bootstrap_interval(
    pool: _PooledLevels, na: int, nb: int, n_bootstrap: int, confidence: float, rng: np.random.Generator
) -> tuple[float, float, float]:
    """Standard error and interval of the whole-range D, samples resampled within each ensemble."""
    reps = np.empty(int(n_bootstrap))
    for k in range(int(n_bootstrap)):
        ia = rng.integers(0, na, na)
        ib = rng.integers(0, nb, nb)
        count_a = np.concatenate([np.bincount(ia, minlength=na), np.zeros(nb, dtype=np.int64)])
        count_b = np.concatenate([np.zeros(na, dtype=np.int64), np.bincount(ib, minlength=nb)])
        reps[k] = pool.ks(count_a, count_b)
    tail = (1.0 - confidence) / 2.0
    if n_bootstrap > 1 and (na > 1 or nb > 1):
        low, high = (float(v) for v in np.quantile(reps, [tail, 1.0 - tail]))
        se = float(np.std(reps, ddof=1))
    else:
        low = high = se = math.nan
    return se, low, high


def _per_window_dataset(
    rows: list[tuple[float, float]], n_a: np.ndarray, n_b: np.ndarray, out: dict[str, np.ndarray], w_units: str
) -> xr.Dataset:
    """The result's ``per_window`` table (row 0: the whole range)."""
    lows = np.array([r[0] for r in rows])
    highs = np.array([r[1] for r in rows])
    u1 = {"units": "1"}
    return xr.Dataset(
        {
            "window_low": ("window", lows, {"long_name": "lower window edge (exclusive)", "units": w_units}),
            "window_high": ("window", highs, {"long_name": "upper window edge (inclusive)", "units": w_units}),
            "n_a": ("window", n_a, {"long_name": "pooled modes of ensemble a in the window", **u1}),
            "n_b": ("window", n_b, {"long_name": "pooled modes of ensemble b in the window", **u1}),
            "fraction_a": (
                "window",
                out["fa"],
                {"long_name": "mean fraction of a sample's modes in the window (a)", **u1},
            ),
            "fraction_b": (
                "window",
                out["fb"],
                {"long_name": "mean fraction of a sample's modes in the window (b)", **u1},
            ),
            "ks_statistic": ("window", out["ks"], {"long_name": "two-sample KS statistic D", **u1}),
            "ks_pvalue_pooled": ("window", out["ks_p"], {"long_name": "KS p-value assuming independent modes", **u1}),
            "ad_statistic": ("window", out["ad"], {"long_name": "k-sample Anderson-Darling statistic", **u1}),
            "ad_pvalue_pooled": (
                "window",
                out["ad_p"],
                {"long_name": "AD p-value (independent modes; capped 0.001-0.25)", **u1},
            ),
            "ks_pvalue_permutation": (
                "window",
                out["perm_p"],
                {"long_name": "KS p-value, sample-label permutation", **u1},
            ),
            "permutations_used": (
                "window",
                out["perm_used"],
                {"long_name": "permuted splits with modes on both sides of the window", **u1},
            ),
        },
        coords={"window": ("window", np.arange(len(rows)), {"long_name": "window index (0 = whole range)", **u1})},
    )


def _settings(
    rows: list[tuple[float, float]],
    rule: str,
    n_permutations: int,
    n_bootstrap: int,
    seed: int,
    confidence: float,
    na: int,
    nb: int,
) -> dict[str, Any]:
    """The result's ``settings``: windows, permutation and bootstrap rules, sample counts."""
    return {
        "windows": rows,
        "window_rule": "lo < omega <= hi; row 0 is the whole range",
        "window_choice": rule,
        "n_permutations": int(n_permutations),
        "permutation": "sample labels permuted between the ensembles (group sizes kept)",
        "n_bootstrap": int(n_bootstrap),
        "bootstrap": "samples resampled with replacement within each ensemble",
        "seed": int(seed),
        "confidence": confidence,
        "n_samples": (int(na), int(nb)),
        "caveat": "pooled p-values assume independent modes; use ks_pvalue_permutation",
    }


def compare_spectra(
    a: xr.Dataset | np.ndarray,
    b: xr.Dataset | np.ndarray,
    *,
    windows: int | Sequence[tuple[float, float]] | None = None,
    n_permutations: int = 999,
    n_bootstrap: int = 200,
    seed: int = 0,
    confidence: float = 0.95,
) -> SpectrumComparison:
    """KS and Anderson–Darling distances between two ensembles' spectra, with a sample-level permutation test.

    Parameters
    ----------
    a, b
        One-point datasets (``eigenvalue`` (sample, mode); zero modes left
        out), or frequencies ω of shape ``(sample, mode)`` with NaN for modes
        to leave out.
    windows
        None: the whole range only; an int n: n quantile windows of the two
        ensembles pooled; or (lo, hi) pairs, rule lo < ω ≤ hi.  Row 0 of the
        result is always the whole range.
    n_permutations
        Random sample-label permutations for the honest p-value (0 to skip).
    n_bootstrap
        Resamples of the whole-range D (samples resampled within each ensemble).
    seed
        Seed of the one :class:`numpy.random.Generator` used.
    confidence
        Coverage of the bootstrap interval of D.

    Returns
    -------
    SpectrumComparison

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> a = rng.random((10, 40)) ** (1 / 3)
    >>> b = rng.random((10, 40)) ** (1 / 3)
    >>> res = compare_spectra(a, b, windows=2, n_permutations=99, n_bootstrap=20)
    >>> res.per_window.sizes["window"], bool(res.per_window["ks_pvalue_permutation"][0] > 0.01)
    (3, True)
    """
    wa = _omega_rows(a, "a")
    wb = _omega_rows(b, "b")
    na, nb = wa.shape[0], wb.shape[0]
    if na < 1 or nb < 1:
        raise ValueError(f"ensembles have {na} and {nb} samples; expected at least one each")
    pa = wa[np.isfinite(wa)]
    pb = wb[np.isfinite(wb)]
    if pa.size == 0 or pb.size == 0:
        raise ValueError("an ensemble has no finite non-zero frequency; nothing to compare")
    rows, rule = _windows(windows, np.concatenate([pa, pb]))
    out, n_a, n_b = _window_tests(wa, wb, pa, pb, rows)
    rng = np.random.default_rng(seed)
    # the permutations and the bootstrap move whole rows: their KS statistics are read from one sorted pool
    pool = _PooledLevels(_padded_rows(wa, wb))
    out["perm_used"] = np.zeros(len(rows))
    if n_permutations > 0:
        out["perm_p"], out["perm_used"] = _permutation_pvalues(pool, rows, out["ks"], na, nb, n_permutations, rng)
    se, low, high = _bootstrap_interval(pool, na, nb, n_bootstrap, confidence, rng)
    w_units = a.vdos.omega_units if isinstance(a, xr.Dataset) else "1"
    per_window = _per_window_dataset(rows, n_a, n_b, out, w_units)
    settings = _settings(rows, rule, n_permutations, n_bootstrap, seed, confidence, na, nb)
    m = Measurement(
        "ks_distance",
        out["ks"][0],
        se,
        low,
        high,
        confidence,
        "1",
        settings,
        per_window,
        int(na + nb),
        "two-sample KS statistic of the pooled non-zero frequencies, whole range",
    )
    return SpectrumComparison(m, per_window, settings, (pa, pb))


# --------------------------------------------------------------------------- shared configurations
@dataclass(frozen=True, eq=False)
class EigenvalueAgreement(ValidatorResult):
    """Output of :func:`eigenvalue_agreement`.

    Attributes
    ----------
    max_relative_deviation, rms_relative_deviation
        Exact :class:`Measurement` s (uncertainty 0) over the non-zero modes of ``a``.
    zero_mode_deviation
        Largest |λ_b| at the zero modes of ``a``, relative to the largest λ_a of the sample (0 if none).
    curve
        ``relative_deviation`` (sample, mode), ``rms_over_samples`` and
        ``max_over_samples`` (mode), ``max_per_sample`` (sample).
    settings
        Definitions.
    """

    headline = "max_relative_deviation"

    max_relative_deviation: Measurement
    rms_relative_deviation: Measurement
    zero_mode_deviation: float
    curve: xr.Dataset
    settings: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """JSON-able dict of the measurements and the settings."""
        return {
            "measurements": {m.name: m.to_dict() for m in (self.max_relative_deviation, self.rms_relative_deviation)},
            "zero_mode_deviation": jsonable(self.zero_mode_deviation),
            "settings": jsonable(dict(self.settings)),
        }

    def plot(self, ax: Axes | None = None) -> Axes:
        """Relative deviation per mode (RMS and max over samples), log scale."""
        ax = current_axes(ax)
        c = self.curve
        x = c["mode"].values
        for name in ("rms_over_samples", "max_over_samples"):
            y = c[name].values
            ok = y > 0
            ax.semilogy(x[ok], y[ok], label=name)
        ax.set_xlabel("mode index")
        ax.set_ylabel("|λ_b − λ_a| / |λ_a|")
        ax.legend()
        return ax


def _eigen_rows(data: xr.Dataset | np.ndarray, name: str) -> tuple[np.ndarray, np.ndarray, xr.Dataset | None]:
    if isinstance(data, xr.Dataset):
        view = point_view(data, f"eigenvalue_agreement ({name})")
        lam = np.asarray(view.eigenvalue.transpose("sample", "mode").values, dtype=float)
        zero = np.asarray(view.zero_mode.transpose("sample", "mode").values, dtype=bool)
        return lam, zero, data
    lam = np.asarray(data, dtype=float)
    if lam.ndim != 2:
        raise ValueError(f"{name} has shape {lam.shape}; expected eigenvalues of shape (sample, mode)")
    zero = lam <= ZERO_MODE_RTOL * np.max(lam, axis=1, keepdims=True)
    return lam, zero, None


def eigenvalue_agreement(a: xr.Dataset | np.ndarray, b: xr.Dataset | np.ndarray) -> EigenvalueAgreement:
    """Agreement of the eigenvalues of the same configurations computed twice.

    Parameters
    ----------
    a
        The reference: a one-point dataset or eigenvalues λ of shape (sample, mode).
    b
        The same configurations (same samples in the same order, same modes).

    Returns
    -------
    EigenvalueAgreement

    Examples
    --------
    >>> lam = np.array([[0.0, 1.0, 2.0], [0.0, 1.5, 3.0]])
    >>> res = eigenvalue_agreement(lam, lam * (1 + 1e-9))
    >>> bool(res.max_relative_deviation.value < 2e-9), eigenvalue_agreement(lam, lam).rms_relative_deviation.value
    (True, 0.0)
    """
    la, za, da = _eigen_rows(a, "a")
    lb, _, db = _eigen_rows(b, "b")
    if la.shape != lb.shape:
        raise ValueError(
            f"eigenvalues have shapes {la.shape} (a) and {lb.shape} (b); shared configurations need the same "
            "(sample, mode) shape. Fix: select the common samples and the same number of lowest modes"
        )
    if da is not None and db is not None and "sample" in da.coords and "sample" in db.coords:
        if not np.array_equal(da["sample"].values, db["sample"].values):
            raise ValueError(
                "the sample coordinates of a and b differ; shared configurations must be the same samples in "
                "the same order (align them with b.sel(sample=a.sample))"
            )
    with np.errstate(invalid="ignore", divide="ignore"):
        rel = np.where(za, np.nan, np.abs(lb - la) / np.abs(la))
    finite = rel[np.isfinite(rel)]
    if finite.size == 0:
        raise ValueError("a has no non-zero eigenvalue; nothing to compare relatively")
    max_rel = float(finite.max())
    rms_rel = float(np.sqrt(np.mean(finite**2)))
    scale = np.max(np.abs(la), axis=1, keepdims=True)
    zdev = float(np.max(np.where(za, np.abs(lb) / scale, 0.0))) if za.any() else 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        rms_mode = np.sqrt(np.nanmean(rel**2, axis=0))
        max_mode = np.nanmax(rel, axis=0)
        max_sample = np.nanmax(rel, axis=1)
    u1 = {"units": "1"}
    curve = xr.Dataset(
        {
            "relative_deviation": (("sample", "mode"), rel, {"long_name": "|lambda_b - lambda_a| / |lambda_a|", **u1}),
            "rms_over_samples": ("mode", rms_mode, {"long_name": "RMS relative deviation per mode", **u1}),
            "max_over_samples": ("mode", max_mode, {"long_name": "max relative deviation per mode", **u1}),
            "max_per_sample": ("sample", max_sample, {"long_name": "max relative deviation per sample", **u1}),
        },
        coords={
            "sample": ("sample", np.arange(la.shape[0]), {"long_name": "sample", **u1}),
            "mode": ("mode", np.arange(la.shape[1]), {"long_name": "mode index", **u1}),
        },
    )
    settings = {
        "definition": "|lambda_b - lambda_a| / |lambda_a| over the non-zero modes of a (the reference)",
        "zero_modes": "of a: zero_mode flags, else lambda <= 1e-10 max lambda of the sample",
        "n_compared": int(finite.size),
        "zero_mode_deviation": zdev,
    }

    def exact(name: str, value: float, method: str) -> Measurement:
        return Measurement(name, value, 0.0, value, value, 1.0, "1", settings, curve, la.shape[0], method)

    return EigenvalueAgreement(
        exact(
            "max_relative_eigenvalue_deviation", max_rel, "largest relative deviation over samples and non-zero modes"
        ),
        exact("rms_relative_eigenvalue_deviation", rms_rel, "root mean square relative deviation over non-zero modes"),
        zdev,
        curve,
        settings,
    )
