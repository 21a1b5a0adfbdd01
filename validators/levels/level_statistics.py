"""Level-spacing ratios r of the eigenvalues against the GOE surmise and Poisson.

Seed 001 (``001_d453c975fd50a4a2.txt``, Results, eq. (18) and Fig. 2) tests
whether low-frequency modes are extended by their level statistics: within
one sample, with the non-zero eigenvalues λ_p in ascending order,

    r_p = (λ_{p+1} − λ_p) / (λ_{p+2} − λ_{p+1}),

whose distribution needs no unfolding (Atas, Bogomolny, Giraud and Roux,
PRL 110, 084101 (2013)).  Extended (GOE) states follow the surmise
P(r) = (27/8)(r + r²)/(1 + r + r²)^(5/2); localized states give independent
(Poisson) levels, P(r) = 1/(1 + r)².  Both laws are invariant under
r → 1/r, so r̃ = min(r, 1/r) ∈ [0, 1] has density 2P(r̃) and CDFs (derived
here in closed form; tested against numerical integration)

    Poisson:      P(r̃ ≤ x) = 2x/(1 + x),
    GOE surmise:  P(r̃ ≤ x) = 1 + (x − 1)(2x + 1)(x + 2) / (2 (1 + x + x²)^(3/2)),

the second from the antiderivative (2r³ + 3r² − 3r − 2)/(4(1 + r + r²)^(3/2))
of the surmise.  Means: ⟨r̃⟩ = 4 − 2√3 ≈ 0.5359 for the surmise (the
large-N GOE value is 0.5307(1), Atas et al. Table I), 2 ln 2 − 1 ≈ 0.3863
for Poisson.

Measured here, per frequency window: ⟨r̃⟩ over the pooled ratios with its
bootstrap uncertainty over samples; the histograms of r and r̃ against both
laws; and for each law the Kolmogorov–Smirnov statistic of the pooled r̃
against its exact CDF with the p-value.  Caveats: ratios of one sample share
levels (r_p and r_{p+1} share a spacing), so they are weakly correlated and
the KS p-value, which assumes independent draws, is approximate: for
independent (Poisson) levels, 200 ensembles of 40 × 298 ratios gave 1.5 %
of p-values below 0.01 and 6 % below 0.05, mildly anti-conservative (the
bootstrap of ⟨r̃⟩ resamples whole samples and is not affected); and with
many ratios the KS test resolves the surmise's own error: bulk ratios of
GOE matrices (300 × N = 400, 59 400 ratios) sit at KS distance 0.010 from
the surmise, p ≈ 0.02 at 2 × 10⁴ ratios and 2 × 10⁻⁵ at 6 × 10⁴ (seed 001
pools 900 × 48), so a small GOE p-value on a large pool is not by itself
evidence of localisation: compare ⟨r̃⟩ with 0.5307 and 0.3863 as well.

Windows (each sample separately; zero modes skipped; a ratio is kept when
its three levels lie in the window): ``"lowest"``, ``"middle"`` and
``"highest"`` blocks of ``n_modes`` (default 50, as in seed 001 Fig. 2)
consecutive non-zero modes of the stored spectrum (``middle`` starts at
(n − n_modes)//2 of the n stored non-zero modes), ``"all"``, or a frequency
window (ω_min, ω_max) (levels with ω_min ≤ √λ ≤ ω_max).  The ratios use the
eigenvalues λ, as in seed 001.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import xarray as xr
from scipy import stats

from vdosbench.datasets.accessor import VdosAccessor

from ..results.points import point_view
from ..results.registry import measures
from ..results.result import Measurement, ValidatorResult, bootstrap, current_axes, jsonable

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = [
    "GOE_SURMISE_MEAN_R_TILDE",
    "GOE_LARGE_N_MEAN_R_TILDE",
    "POISSON_MEAN_R_TILDE",
    "goe_surmise_pdf",
    "poisson_ratio_pdf",
    "goe_surmise_r_tilde_cdf",
    "poisson_r_tilde_cdf",
    "spacing_ratios",
    "GoodnessOfFit",
    "LevelStatisticsResult",
    "level_statistics",
    "level_statistics_by_window",
]

#: ⟨r̃⟩ of the Atas GOE surmise, 4 − 2√3.
GOE_SURMISE_MEAN_R_TILDE = 4.0 - 2.0 * math.sqrt(3.0)
#: ⟨r̃⟩ of large GOE matrices, 0.5307(1) (Atas et al. 2013, Table I).
GOE_LARGE_N_MEAN_R_TILDE = 0.5307
#: ⟨r̃⟩ of independent (Poisson) levels, 2 ln 2 − 1.
POISSON_MEAN_R_TILDE = 2.0 * math.log(2.0) - 1.0
#: Modes per named window (seed 001 Fig. 2: "lowest 50 modes").
DEFAULT_N_MODES = 50

_NAMED = ("lowest", "middle", "highest", "all")
Window = str | tuple[float, float]


def goe_surmise_pdf(r: np.ndarray | float) -> np.ndarray:
    """Atas GOE surmise P(r) = (27/8)(r + r²)/(1 + r + r²)^(5/2), r ≥ 0.

    References
    ----------
    Seed 001 (``001_d453c975fd50a4a2.txt``), eq. (18); Atas et al., PRL 110,
    084101 (2013).

    Examples
    --------
    >>> round(float(goe_surmise_pdf(1.0)), 6)  # (27/8)·2/3^(5/2)
    0.433013
    """
    r = np.asarray(r, dtype=float)
    return 27.0 / 8.0 * (r + r * r) / (1.0 + r + r * r) ** 2.5


def poisson_ratio_pdf(r: np.ndarray | float) -> np.ndarray:
    """Ratio density of independent levels, P(r) = 1/(1 + r)².

    Examples
    --------
    >>> float(poisson_ratio_pdf(1.0))
    0.25
    """
    r = np.asarray(r, dtype=float)
    return 1.0 / (1.0 + r) ** 2


def _goe_r_cdf(r: np.ndarray) -> np.ndarray:
    """CDF of r under the surmise: 1/2 + (r − 1)(2r + 1)(r + 2)/(4(1 + r + r²)^(3/2)) (1 at r = inf)."""
    r = np.asarray(r, dtype=float)
    with np.errstate(invalid="ignore", over="ignore"):
        out = 0.5 + (r - 1.0) * (2.0 * r + 1.0) * (r + 2.0) / (4.0 * (1.0 + r + r * r) ** 1.5)
    return np.where(np.isinf(r), 1.0, out)


def _poisson_r_cdf(r: np.ndarray) -> np.ndarray:
    r = np.asarray(r, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.where(np.isinf(r), 1.0, r / (1.0 + r))


def goe_surmise_r_tilde_cdf(x: np.ndarray | float) -> np.ndarray:
    """P(r̃ ≤ x) under the GOE surmise: 1 + (x − 1)(2x + 1)(x + 2)/(2(1 + x + x²)^(3/2)), clipped to [0, 1].

    Examples
    --------
    >>> [round(float(goe_surmise_r_tilde_cdf(x)), 12) for x in (0.0, 1.0)]
    [0.0, 1.0]
    """
    x = np.clip(np.asarray(x, dtype=float), 0.0, 1.0)
    return np.clip(2.0 * _goe_r_cdf(x), 0.0, 1.0)


def poisson_r_tilde_cdf(x: np.ndarray | float) -> np.ndarray:
    """P(r̃ ≤ x) = 2x/(1 + x) for independent levels, clipped to [0, 1].

    Examples
    --------
    >>> float(poisson_r_tilde_cdf(0.5))
    0.6666666666666666
    """
    x = np.clip(np.asarray(x, dtype=float), 0.0, 1.0)
    return 2.0 * x / (1.0 + x)


def spacing_ratios(levels: Sequence[float] | np.ndarray) -> np.ndarray:
    """r_p = (λ_{p+1} − λ_p)/(λ_{p+2} − λ_{p+1}) of one sample's levels (sorted first).

    Parameters
    ----------
    levels
        Eigenvalues of one sample, shape ``(n,)`` (zero modes already removed).

    Returns
    -------
    numpy.ndarray
        Shape ``(n − 2,)``; ``inf`` where the second spacing vanishes.

    Examples
    --------
    >>> spacing_ratios([0.0, 1.0, 3.0, 4.0])
    array([0.5, 2. ])
    """
    lam = np.sort(np.asarray(levels, dtype=float))
    d = np.diff(lam)
    with np.errstate(divide="ignore", invalid="ignore"):
        return d[:-1] / d[1:]


# ----------------------------------------------------------------------------- results


@dataclass(frozen=True)
class GoodnessOfFit:
    """A one-sample Kolmogorov–Smirnov test of the pooled r̃ against one law.

    Attributes
    ----------
    law
        ``"goe_surmise"`` or ``"poisson"``.
    statistic, p_value
        KS distance sup|F_n − F| and its p-value (independent-draw assumption,
        approximate for the weakly correlated ratios of one sample).
    n
        Number of ratios tested.
    reference_mean_r_tilde
        ⟨r̃⟩ of the law (4 − 2√3 or 2 ln 2 − 1).
    test
        One line naming the test and the CDF used.
    """

    law: str
    statistic: float
    p_value: float
    n: int
    reference_mean_r_tilde: float
    test: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-able dict of the fields."""
        return jsonable(
            {
                "law": self.law,
                "statistic": self.statistic,
                "p_value": self.p_value,
                "n": self.n,
                "reference_mean_r_tilde": self.reference_mean_r_tilde,
                "test": self.test,
            }
        )


@dataclass(frozen=True, eq=False)
class LevelStatisticsResult(ValidatorResult):
    """Output of :func:`level_statistics` for one window.

    Attributes
    ----------
    mean_r_tilde
        ``mean_r_tilde``: ⟨r̃⟩ over the pooled ratios (a ratio of sums over
        samples), bootstrap standard error and percentile interval over samples.
    goe, poisson
        :class:`GoodnessOfFit` of r̃ against the GOE surmise and Poisson.
    window
        Rule, ``n_modes`` or the frequency edges, ``n_ratios``,
        ``n_degenerate`` (0/0 ratios dropped), ratios per sample (min, max),
        ``spectrum_complete`` (whether every mode of the system is stored).
    curve
        Along ``r`` (bin centres on [0, r_max]): ``density`` (histogram of r,
        normalised by all ratios, so a tail beyond r_max is left out of the
        area), ``goe_surmise`` and ``poisson`` (bin averages of the laws),
        ``count``; along ``r_tilde`` the same for r̃ on [0, 1]; along
        ``sample``: ``n_ratio_sample`` and ``mean_r_tilde_sample``.
    settings
        Window, bins, test definitions, bootstrap settings.
    """

    headline = "mean_r_tilde"

    mean_r_tilde: Measurement
    goe: GoodnessOfFit
    poisson: GoodnessOfFit
    window: Mapping[str, Any]
    curve: xr.Dataset
    settings: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """JSON-able dict: the measurement, both tests, window and settings."""
        return {
            "measurements": {k: m.to_dict() for k, m in self.measurements().items()},
            "goodness_of_fit": {"goe_surmise": self.goe.to_dict(), "poisson": self.poisson.to_dict()},
            "window": jsonable(dict(self.window)),
            "settings": jsonable(dict(self.settings)),
        }

    def plot(self, ax: Axes | None = None) -> Axes:
        """Histogram P(r) (points) against the GOE surmise and Poisson (lines)."""
        ax = current_axes(ax)
        c = self.curve
        r = c["r"].values
        ax.plot(r, c["density"].values, "o", ms=3, color="k", label="data")
        fine = np.linspace(0.0, float(c["r_high"].values[-1]), 400)
        ax.plot(fine, goe_surmise_pdf(fine), color="tab:blue", label=f"GOE surmise (KS p = {self.goe.p_value:.2g})")
        ax.plot(
            fine,
            poisson_ratio_pdf(fine),
            color="tab:red",
            ls="--",
            label=f"Poisson (KS p = {self.poisson.p_value:.2g})",
        )
        ax.set_xlabel("r")
        ax.set_ylabel("P(r)")
        m = self.mean_r_tilde
        ax.set_title(f"{self.window['rule']}: ⟨r̃⟩ = {m.value:.4f} ± {m.uncertainty:.2g}")
        ax.legend(fontsize="small")
        return ax


# ----------------------------------------------------------------------------- computation


def _window_key(window: Window) -> str:
    if isinstance(window, str):
        if window not in _NAMED:
            raise ValueError(
                f"window is {window!r}; expected one of {', '.join(map(repr, _NAMED))} or a tuple (omega_min, omega_max)"
            )
        return window
    try:
        lo, hi = (float(x) for x in window)
    except (TypeError, ValueError) as e:
        raise ValueError(
            f"window is {window!r}; expected one of {', '.join(map(repr, _NAMED))} or a tuple (omega_min, omega_max)"
        ) from e
    if not (0 <= lo < hi):
        raise ValueError(f"frequency window ({lo}, {hi}): expected 0 <= omega_min < omega_max")
    return f"frequency [{lo:g}, {hi:g}]"


def _window_mask(lam: np.ndarray, n_finite: np.ndarray, window: Window, n_modes: int) -> np.ndarray:
    """Which sorted levels (NaN = zero modes, last) are in the window; shape of ``lam``."""
    cols = np.arange(lam.shape[1])[None, :]
    finite = cols < n_finite[:, None]
    if isinstance(window, str):
        if window == "all":
            return finite
        if np.any(n_finite < n_modes):
            raise ValueError(
                f"window {window!r} takes n_modes = {n_modes} non-zero modes per sample; a sample has "
                f"{int(n_finite.min())}. Fix: lower n_modes or use window='all'"
            )
        start = {"lowest": np.zeros_like(n_finite), "highest": n_finite - n_modes, "middle": (n_finite - n_modes) // 2}[
            window
        ]
        return (cols >= start[:, None]) & (cols < start[:, None] + n_modes)
    lo, hi = (float(x) for x in window)
    with np.errstate(invalid="ignore"):
        return finite & (lam >= lo * lo) & (lam <= hi * hi)


@dataclass
class _Pool:
    r: list[np.ndarray]
    r_tilde: list[np.ndarray]
    sum_sample: np.ndarray
    n_sample: np.ndarray
    n_degenerate: int = 0


def _ratios_by_window(view: VdosAccessor, windows: Sequence[Window], n_modes: int) -> tuple[dict[str, _Pool], bool]:
    n_s = view.n_sample
    keys = [_window_key(w) for w in windows]
    pools = {k: _Pool([], [], np.zeros(n_s), np.zeros(n_s, dtype=np.int64)) for k in keys}
    complete = True
    for sl, block in view.sample_blocks():
        lam = np.asarray(block["eigenvalue"].transpose("sample", "mode").values, dtype=float)
        zero = np.asarray(block.vdos.zero_mode.transpose("sample", "mode").values, dtype=bool)
        lam = np.sort(np.where(zero, np.nan, lam), axis=1)
        n_finite = np.isfinite(lam).sum(axis=1)
        complete = complete and lam.shape[1] == view.mode_total
        d1 = lam[:, 1:-1] - lam[:, :-2]
        d2 = lam[:, 2:] - lam[:, 1:-1]
        with np.errstate(divide="ignore", invalid="ignore"):
            r = d1 / d2
            r_tilde = np.minimum(d1, d2) / np.maximum(d1, d2)
        for window, key in zip(windows, keys):
            inw = _window_mask(lam, n_finite, window, n_modes)
            valid = inw[:, :-2] & inw[:, 1:-1] & inw[:, 2:]
            degenerate = valid & np.isnan(r_tilde)
            keep = valid & ~degenerate
            pool = pools[key]
            pool.r.append(r[keep])
            pool.r_tilde.append(r_tilde[keep])
            pool.sum_sample[sl] = np.where(keep, r_tilde, 0.0).sum(axis=1)
            pool.n_sample[sl] = keep.sum(axis=1)
            pool.n_degenerate += int(degenerate.sum())
    return pools, complete


def _bin_average(cdf: Any, edges: np.ndarray) -> np.ndarray:
    return np.diff(cdf(edges)) / np.diff(edges)


def _histogram(values: np.ndarray, edges: np.ndarray, n_total: int) -> tuple[np.ndarray, np.ndarray]:
    counts = np.histogram(values[np.isfinite(values)], bins=edges)[0]
    return counts, counts / (max(n_total, 1) * np.diff(edges))


def _goodness_of_fit(rt: np.ndarray, n: int) -> tuple[GoodnessOfFit, GoodnessOfFit, str]:
    """KS tests of the pooled r_tilde against the GOE surmise and Poisson, and the test's description."""
    goe_ks = stats.kstest(rt, goe_surmise_r_tilde_cdf)
    poi_ks = stats.kstest(rt, poisson_r_tilde_cdf)
    test = "one-sample Kolmogorov-Smirnov of the pooled r_tilde against the exact CDF of r_tilde under the law"
    goe = GoodnessOfFit(
        "goe_surmise",
        float(goe_ks.statistic),
        float(goe_ks.pvalue),
        n,
        GOE_SURMISE_MEAN_R_TILDE,
        test + ": 1 + (x-1)(2x+1)(x+2)/(2(1+x+x^2)^(3/2)) (closed form)",
    )
    poisson = GoodnessOfFit(
        "poisson", float(poi_ks.statistic), float(poi_ks.pvalue), n, POISSON_MEAN_R_TILDE, test + ": 2x/(1+x)"
    )
    return goe, poisson, test


def _curve(
    r: np.ndarray,
    rt: np.ndarray,
    n: int,
    pool: _Pool,
    S: np.ndarray,
    N: np.ndarray,
    r_max: float,
    bins: int,
    tilde_bins: int,
    sample: np.ndarray,
) -> tuple[xr.Dataset, np.ndarray, np.ndarray]:
    """Histograms of r and r_tilde beside both laws' bin averages, per-sample means; with the bin edges."""
    edges = np.linspace(0.0, float(r_max), int(bins) + 1)
    t_edges = np.linspace(0.0, 1.0, int(tilde_bins) + 1)
    count, density = _histogram(r, edges, n)
    t_count, t_density = _histogram(rt, t_edges, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_sample = np.where(N > 0, S / np.where(N > 0, N, 1.0), np.nan)
    curve = xr.Dataset(
        {
            "density": ("r", density, {"long_name": "histogram of r (normalised by all ratios)", "units": "1"}),
            "goe_surmise": (
                "r",
                _bin_average(_goe_r_cdf, edges),
                {"long_name": "GOE surmise, bin average", "units": "1"},
            ),
            "poisson": (
                "r",
                _bin_average(_poisson_r_cdf, edges),
                {"long_name": "Poisson 1/(1+r)^2, bin average", "units": "1"},
            ),
            "count": ("r", count, {"long_name": "ratios per bin", "units": "1"}),
            "density_r_tilde": ("r_tilde", t_density, {"long_name": "histogram of r_tilde", "units": "1"}),
            "goe_surmise_r_tilde": (
                "r_tilde",
                _bin_average(goe_surmise_r_tilde_cdf, t_edges),
                {"long_name": "GOE surmise 2P(x), bin average", "units": "1"},
            ),
            "poisson_r_tilde": (
                "r_tilde",
                _bin_average(poisson_r_tilde_cdf, t_edges),
                {"long_name": "Poisson 2/(1+x)^2, bin average", "units": "1"},
            ),
            "count_r_tilde": ("r_tilde", t_count, {"long_name": "ratios per bin", "units": "1"}),
            "n_ratio_sample": ("sample", pool.n_sample, {"long_name": "ratios in the window", "units": "1"}),
            "mean_r_tilde_sample": ("sample", per_sample, {"long_name": "mean r_tilde of the sample", "units": "1"}),
        },
        coords={
            "r": ("r", 0.5 * (edges[1:] + edges[:-1]), {"long_name": "spacing ratio r (bin centre)", "units": "1"}),
            "r_low": ("r", edges[:-1], {"long_name": "lower bin edge", "units": "1"}),
            "r_high": ("r", edges[1:], {"long_name": "upper bin edge", "units": "1"}),
            "r_tilde": (
                "r_tilde",
                0.5 * (t_edges[1:] + t_edges[:-1]),
                {"long_name": "min(r, 1/r) (bin centre)", "units": "1"},
            ),
            "sample": sample,
        },
        attrs={"r_beyond_r_max": int(n - count.sum())},
    )
    return curve, edges, t_edges


def _window_record(key: str, window: Window, n_modes: int, n: int, pool: _Pool, complete: bool) -> dict[str, Any]:
    """The window's description: its rule, bounds or mode count, and the ratio counts it holds."""
    record: dict[str, Any] = {"rule": key}
    if isinstance(window, str):
        if window != "all":
            record["n_modes"] = int(n_modes)
    else:
        record["omega_min"], record["omega_max"] = (float(x) for x in window)
    record.update(
        levels="eigenvalues lambda (zero modes skipped), ascending within each sample",
        n_ratios=n,
        n_degenerate=pool.n_degenerate,
        n_ratios_per_sample_min=int(pool.n_sample.min()),
        n_ratios_per_sample_max=int(pool.n_sample.max()),
        n_samples_with_ratios=int(np.count_nonzero(pool.n_sample)),
        spectrum_complete=bool(complete),
    )
    return record


def _result(
    key: str,
    window: Window,
    pool: _Pool,
    view: VdosAccessor,
    complete: bool,
    n_modes: int,
    r_max: float,
    bins: int,
    tilde_bins: int,
    n_bootstrap: int,
    seed: int,
    confidence: float,
) -> LevelStatisticsResult:
    """One window's result: bootstrap of the mean r_tilde, KS tests against both laws, histograms, settings."""
    r = np.concatenate(pool.r) if pool.r else np.empty(0)
    rt = np.concatenate(pool.r_tilde) if pool.r_tilde else np.empty(0)
    n = int(rt.size)
    if n < 1:
        raise ValueError(
            f"window {key} holds no spacing ratio (each needs three consecutive non-zero levels in the window); "
            "widen the window"
        )
    S, N = pool.sum_sample, pool.n_sample.astype(float)
    has = N > 0
    groups = view.chain_groups
    est = bootstrap(
        lambda s, m: s.sum() / m.sum(),
        (S[has], N[has]),
        n_bootstrap=n_bootstrap,
        seed=seed,
        confidence=confidence,
        groups=None if groups is None else groups[has],
    )
    goe, poisson, test = _goodness_of_fit(rt, n)
    curve, edges, t_edges = _curve(r, rt, n, pool, S, N, r_max, bins, tilde_bins, view.dataset["sample"].values)
    record = _window_record(key, window, n_modes, n, pool, complete)
    settings = {
        "window": record,
        "r_bins": edges,
        "r_tilde_bins": t_edges,
        "statistic": "mean of r_tilde = min(r, 1/r) over the pooled ratios (sum over samples / count)",
        "goodness_of_fit": test,
        "ratio_correlation": "ratios of one sample share spacings (weakly correlated); KS p-values assume independence",
        "reference_mean_r_tilde": {
            "goe_surmise": GOE_SURMISE_MEAN_R_TILDE,
            "goe_large_n": GOE_LARGE_N_MEAN_R_TILDE,
            "poisson": POISSON_MEAN_R_TILDE,
        },
    }
    m = est.measurement(
        "mean_r_tilde",
        units="1",
        settings=settings,
        curve=curve,
        method="mean of min(r, 1/r) of consecutive level-spacing ratios in the window (Atas et al. 2013)",
    )
    if not np.all(has):  # samples without ratios are not resampled; say so
        m = Measurement(
            m.name,
            m.value,
            m.uncertainty,
            m.low,
            m.high,
            m.confidence,
            m.units,
            {**m.settings, "n_samples_without_ratios": int((~has).sum())},
            m.curve,
            m.n_samples,
            m.method,
        )
    return LevelStatisticsResult(m, goe, poisson, record, curve, {**settings, **est.settings()})


def level_statistics_by_window(
    ds: xr.Dataset,
    windows: Sequence[Window] = ("lowest", "middle", "highest"),
    *,
    n_modes: int = DEFAULT_N_MODES,
    r_max: float = 5.0,
    bins: int = 50,
    tilde_bins: int = 20,
    n_bootstrap: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> dict[str, LevelStatisticsResult]:
    """Level statistics of several windows from one pass over the samples.

    Parameters
    ----------
    ds, n_modes, r_max, bins, tilde_bins, n_bootstrap, seed, confidence
        As in :func:`level_statistics`.
    windows
        Window names and/or frequency windows (module docstring).

    Returns
    -------
    dict
        Window key (the name, or ``"frequency [lo, hi]"``) -> result.

    References
    ----------
    Seed 001 (``001_d453c975fd50a4a2.txt``), Fig. 2: panels A, B, C are the
    lowest 50, middle and highest 50 modes.

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> ds = mock_spectrum(n_sample=20, n_mode=200, n_zero=0)  # independent levels: Poisson
    >>> res = level_statistics_by_window(ds, n_bootstrap=100)
    >>> sorted(res), abs(res["middle"].mean_r_tilde.value - POISSON_MEAN_R_TILDE) < 0.03
    (['highest', 'lowest', 'middle'], True)
    """
    view = point_view(ds, "level_statistics")
    if int(n_modes) != n_modes or n_modes < 3:
        raise ValueError(f"n_modes is {n_modes}; expected an integer >= 3 (a ratio needs three levels)")
    if not (r_max > 0 and int(bins) >= 1 and int(tilde_bins) >= 1):
        raise ValueError(f"r_max = {r_max}, bins = {bins}, tilde_bins = {tilde_bins}: expected r_max > 0 and bins >= 1")
    windows = list(windows)
    named = sorted({w for w in windows if isinstance(w, str) and w in ("middle", "highest")})
    if named and int(ds.sizes["mode"]) != view.mode_total:
        raise ValueError(
            f"the {' and '.join(repr(w) for w in named)} window needs every mode of the system, but the dataset stores "
            f"{int(ds.sizes['mode'])} of its {view.mode_total} modes (a partial spectrum, e.g. only the lowest modes): "
            "its highest stored modes are not the system's; score a dataset with the whole spectrum, or use the "
            "'lowest' window or a frequency window"
        )
    pools, complete = _ratios_by_window(view, windows, int(n_modes))
    return {
        key: _result(
            key, w, pools[key], view, complete, int(n_modes), r_max, bins, tilde_bins, n_bootstrap, seed, confidence
        )
        for w, key in ((w, _window_key(w)) for w in windows)
    }


def _claim_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """A claim's settings as keyword arguments: a window ``[omega_min, omega_max]`` as a tuple."""
    options = dict(settings)
    if isinstance(options.get("window"), list):
        options["window"] = tuple(options["window"])
    return options


@measures("mean_r_tilde", settings=_claim_settings)
def level_statistics(
    ds: xr.Dataset,
    window: Window = "lowest",
    *,
    n_modes: int = DEFAULT_N_MODES,
    r_max: float = 5.0,
    bins: int = 50,
    tilde_bins: int = 20,
    n_bootstrap: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> LevelStatisticsResult:
    """Spacing ratios of one window: ⟨r̃⟩, histograms and KS tests against GOE and Poisson.

    Parameters
    ----------
    ds
        One parameter point: ``eigenvalue`` (sample, mode), in memory or
        Dask-backed (read one block of sample chunks at a time).  Eigenvalues
        alone suffice.
    window
        ``"lowest"``, ``"middle"``, ``"highest"`` (``n_modes`` consecutive
        non-zero modes of each sample), ``"all"``, or ``(omega_min, omega_max)``
        in units of ω.
    n_modes
        Modes per named window (default 50: n_modes − 2 ratios per sample).
    r_max, bins
        Histogram of r: ``bins`` equal bins on [0, r_max].
    tilde_bins
        Histogram of r̃: equal bins on [0, 1].
    n_bootstrap, seed, confidence
        Bootstrap over samples of ⟨r̃⟩.

    Returns
    -------
    LevelStatisticsResult

    Raises
    ------
    ValueError
        For an unknown window, a sample with fewer than ``n_modes`` non-zero
        modes (named windows), a ``"middle"`` or ``"highest"`` window on a
        partial spectrum (fewer stored modes than d·N), or a window without
        ratios.

    References
    ----------
    Seed 001 (``001_d453c975fd50a4a2.txt``), eq. (18) and Fig. 2; Atas et
    al., PRL 110, 084101 (2013).

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> lam = np.stack([np.linalg.eigvalsh((a + a.T) / 2) for a in rng.normal(size=(10, 60, 60))]) + 20
    >>> ds = xr.Dataset({"eigenvalue": (("sample", "mode"), lam)})
    >>> res = level_statistics(ds, "all", n_bootstrap=100)
    >>> bool(abs(res.mean_r_tilde.value - GOE_LARGE_N_MEAN_R_TILDE) < 0.03), res.goe.p_value > 0.01
    (True, True)
    """
    return next(
        iter(
            level_statistics_by_window(
                ds,
                [window],
                n_modes=n_modes,
                r_max=r_max,
                bins=bins,
                tilde_bins=tilde_bins,
                n_bootstrap=n_bootstrap,
                seed=seed,
                confidence=confidence,
            ).values()
        )
    )
