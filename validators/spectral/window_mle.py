"""Maximum likelihood of s on a window tied to each sample's own lowest phonon, (0, c·ω₀ᵢ].

Below the lowest transverse phonon ω₀ᵢ = 2π √(Gᵢ/ρ)/L of sample i (from its
own shear modulus) a finite box holds no plane wave, so its modes there are
the nonphononic ones whose density N A ω^s is measured.  With bᵢ = c·ω₀ᵢ and
the nᵢ modes of sample i in (0, bᵢ], the pooled likelihood of the power law
truncated to each window, p(ω) = (s+1) ω^s / bᵢ^(s+1), in yᵢⱼ = log(bᵢ/ωᵢⱼ)
(exponential with rate u = s+1), is maximised in closed form:

    u = Σᵢ nᵢ / Σᵢⱼ yᵢⱼ,   s = u − 1

(:func:`vdosbench.validators.solve_truncated_power_law` with a = 0).  This
replaces the fixed k and the fixed ω₀ of :mod:`.power_law`'s ``lowest_k`` and
``below_phonon`` windows (issue 25): the window follows each sample's ω₀, for
c = 0.3, 0.5, 0.7 (:func:`window_mle_scan`).

Intervals (all at the stated confidence)
    ``bootstrap`` percentile interval over independent units (chains when
    ``groups`` are given, else samples; :func:`vdosbench.validators.bootstrap`),
    the reported one; ``bootstrap_expanded``: the same replicates read at
    Hesterberg's expanded levels (:func:`.expanded_levels`), which undo the
    percentile interval's narrowness over few units; ``fisher``: s ± z/√(Fisher information) = s ± z u/√n;
    ``profile``: {u : 2[ℓ(û) − ℓ(u)] ≤ χ²₁}, solved in t = u/û from
    n (t − 1 − log t) = χ²₁/2.  The last two assume independent modes: level
    repulsion and correlated structures of one chain both break that
    (studies/estimator_coverage.py measures their coverage).

Checks (status ``"inconclusive"``)
    fewer than ``min_modes`` modes in all windows; fewer than
    :data:`vdosbench.validators.results.result.MIN_GROUPS` independent units
    (no bootstrap interval); the probability-integral transform
    (ω/bᵢ)^û of the pooled modes, uniform on (0, 1] under the model, failing a
    Kolmogorov–Smirnov test at ``gof_alpha`` (e.g. a phonon shell inside the
    window, from a wrong ω₀).  A wrong ω₀ that disagrees with the sample's
    shear modulus is refused by :class:`.ModeSpectra` itself.  The KS test
    treats the pooled modes as independent: on structures that share 95 % of
    their soft modes within a chain it flags 13 of 80 mock ensembles
    (studies/results/estimator_coverage.json, ``n_inconclusive``).

Measured coverage (studies/estimator_coverage.py, M = 80 ensembles, true
s = 4, c = 0.7): with independent samples every interval covers (GOE levels:
bootstrap 0.975, Fisher 1.0 and 37 % wider — level repulsion makes the
independent-mode intervals conservative); with correlated structures of a
chain the bootstrap over chains keeps 0.875–0.925 while Fisher, profile and
the bootstrap over samples fall to 0.475–0.49 (20 chains × 10, 95 % shared).
Over 6 chains the percentile interval covers 0.90 and ``bootstrap_expanded``
0.96; over 20 both 0.925.

Participation filter
    ``max_participation`` keeps the modes with e ≤ threshold
    (:meth:`.ModeSpectra.filtered`); :func:`participation_scan` reports s for
    several thresholds and their spread.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import xarray as xr
from scipy import optimize, stats

from ..results.result import MIN_GROUPS, Measurement, bootstrap
from .exponent_result import EstimatorSpread, ExponentEstimate, estimator_spread
from .mode_spectra import ModeSpectra, percentile_interval, stratified_replicates

__all__ = ["window_mle", "window_mle_scan", "paired_window_difference", "participation_scan", "profile_interval"]

#: Factors c of the window (0, c·ω₀] registered in issue 25.
WINDOW_FACTORS = (0.3, 0.5, 0.7)
#: Fewest modes (over all windows) for a window MLE.
DEFAULT_MIN_MODES = 20
#: KS p-value below which the pooled modes are said not to follow one power law.
DEFAULT_GOF_ALPHA = 1e-3

MLE_DEFINITION = (
    "pooled maximum likelihood of p(omega) = (s+1) omega^s / b_i^(s+1) on each sample's window (0, b_i], "
    "b_i = c * omega0_i: s + 1 = sum n_i / sum log(b_i / omega)"
)


def profile_interval(n: float, u_hat: float, confidence: float = 0.95) -> tuple[float, float]:
    """Profile-likelihood interval of the rate u = s + 1 of n exponential draws with MLE û.

    The log-likelihood n log u − u Σy drops by n(t − 1 − log t) at u = t û; the
    interval is where that stays ≤ χ²₁(confidence)/2.

    Examples
    --------
    >>> lo, hi = profile_interval(10000, 5.0)
    >>> round(lo, 2), round(hi, 2)  # ≈ 5 ± 1.96·5/100
    (4.9, 5.1)
    """
    if not (n > 0 and u_hat > 0 and math.isfinite(u_hat)):
        return (math.nan, math.nan)
    q = stats.chi2.ppf(confidence, 1) / 2.0 / n

    def f(t: float) -> float:
        return t - 1.0 - math.log(t) - q

    lo = optimize.brentq(f, 1e-300, 1.0)
    hi_b = 2.0
    while f(hi_b) < 0:
        hi_b *= 2.0
    hi = optimize.brentq(f, 1.0, hi_b)
    return (lo * u_hat, hi * u_hat)


def _sufficient(spectra: ModeSpectra, edge: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-sample n_i, Σ log(b_i/ω) and the in-window mask."""
    w = spectra.omega
    with np.errstate(invalid="ignore"):
        sel = np.isfinite(w) & (w <= edge[:, None])
        y = np.where(sel, np.log(edge[:, None] / np.where(sel, w, 1.0)), 0.0)
    return sel.sum(axis=1).astype(float), y.sum(axis=1), sel


def _window_sums(data: ModeSpectra, factor: float, who: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each sample's window edge c·ω₀ᵢ (checked against its stored modes), n_i, Σ log(b_i/ω) and the in-window mask."""
    edge = factor * data.omega0
    data.check_covered(edge, who)
    n_i, y_i, sel = _sufficient(data, edge)
    return edge, n_i, y_i, sel


def _sides(
    points: Sequence[ModeSpectra], factor: float, who: str, max_participation: float | None = None
) -> list[tuple[np.ndarray, np.ndarray]]:
    """(n_i, Σ log(b_i/ω)) of each point on its samples' windows, its modes filtered by participation when asked."""
    sides = []
    for data in points:
        data = data if max_participation is None else data.filtered(max_participation)
        _, n_i, y_i, _ = _window_sums(data, factor, who)
        sides.append((n_i, y_i))
    return sides


def _ratio_statistic(n_b: np.ndarray, y_b: np.ndarray) -> float:
    """s = Σn/Σy − 1 of resampled sufficient statistics (NaN when Σy = 0)."""
    t = float(np.sum(y_b))
    return float(np.sum(n_b)) / t - 1.0 if t > 0 else math.nan


def _scaled_modes_and_gof(
    omega: np.ndarray, sel: np.ndarray, edge: np.ndarray, u_hat: float, n: float
) -> tuple[np.ndarray, float]:
    """The pooled in-window ω/b_i and the KS p-value of (ω/b_i)^u against U(0, 1)."""
    # goodness of fit: (omega/b)^u is uniform on (0, 1] under the model
    rows, cols = np.nonzero(sel)
    x = omega[rows, cols] / edge[rows]
    pit = np.sort(x**u_hat) if n > 0 and math.isfinite(u_hat) else np.empty(0)
    gof_p = float(stats.kstest(pit, "uniform").pvalue) if pit.size >= 2 else math.nan
    return x, gof_p


def _status(n: float, min_modes: int, n_groups: int, gof_p: float, gof_alpha: float, factor: float) -> tuple[str, str]:
    """("ok", "") or ("inconclusive", why): too few modes, too few units, or a failed goodness of fit."""
    if n < min_modes:
        return "inconclusive", f"{int(n)} modes in the windows; expected at least {min_modes}: widen c or add samples"
    if n_groups < MIN_GROUPS:
        return "inconclusive", f"{n_groups} independent units; the bootstrap needs at least {MIN_GROUPS} (add chains)"
    if math.isfinite(gof_p) and gof_p < gof_alpha:
        return "inconclusive", (
            f"the pooled modes do not follow one power law in (0, {factor:g} omega0] (KS p = {gof_p:.2g} < "
            f"{gof_alpha:g}): a phonon shell in the window? check omega0 and c, or filter by participation"
        )
    return "ok", ""


def _fit_curve(
    x: np.ndarray, u_hat: float, s_hat: float, n_i: np.ndarray, edge: np.ndarray, n_samples: int
) -> xr.Dataset:
    """The diagnostic curve: pooled empirical and model CDFs of ω/b_i, modes and edge per sample."""
    xs = np.sort(x)
    ecdf = (np.arange(1, xs.size + 1) - 0.5) / max(xs.size, 1)
    return xr.Dataset(
        {
            "empirical_cdf": (
                "scaled_omega",
                ecdf,
                {"long_name": "pooled CDF of omega/(c omega0_i) (mid-step)", "units": "1"},
            ),
            "model_cdf": (
                "scaled_omega",
                xs**u_hat if xs.size else xs,
                {"long_name": f"(omega/b)^(s+1) at s = {s_hat:.4g}", "units": "1"},
            ),
            "n_window_sample": ("sample", n_i, {"long_name": "modes in each sample's window", "units": "1"}),
            "window_edge_sample": ("sample", edge, {"long_name": "window edge c * omega0_i", "units": "omega"}),
        },
        coords={
            "scaled_omega": ("scaled_omega", xs, {"long_name": "omega / (c omega0_i)", "units": "1"}),
            "sample": np.arange(n_samples),
        },
        attrs={"definition": MLE_DEFINITION},
    )


def _settings(
    factor: float,
    max_participation: float | None,
    min_modes: int,
    gof_alpha: float,
    fisher_se: float,
    data: ModeSpectra,
) -> dict[str, Any]:
    """The measurement's settings: estimator, window, filters, goodness of fit, Fisher error, the point."""
    return {
        "estimator": MLE_DEFINITION,
        "window": f"(0, {factor:g} * omega0_i], omega0_i = 2 pi sqrt(G_i/rho)/L of each sample",
        "factor": float(factor),
        "max_participation": max_participation,
        "min_modes": int(min_modes),
        "gof": f"KS of the pooled (omega/b_i)^(s+1) against U(0,1); inconclusive below p = {gof_alpha:g}",
        "fisher_standard_error": fisher_se,
        "intervals": "bootstrap (reported), fisher and profile (both assume independent modes)",
        "point": data.describe(),
    }


def _intervals(
    meas: Measurement, s_hat: float, fisher_se: float, profile: tuple[float, float], confidence: float
) -> dict[str, tuple[float, float]]:
    """The bootstrap (reported), Fisher and profile-likelihood intervals of s."""
    z = stats.norm.ppf(0.5 + confidence / 2.0)
    return {
        "bootstrap": (meas.low, meas.high),
        "fisher": (s_hat - z * fisher_se, s_hat + z * fisher_se),
        "profile": (profile[0] - 1.0, profile[1] - 1.0),
    }


def _diagnostics(n: float, data: ModeSpectra, gof_p: float, n_i: np.ndarray) -> dict[str, Any]:
    """The estimate's diagnostics: modes in all windows, independent units, the KS p-value, modes per sample."""
    return {
        "n_modes": int(n),
        "n_groups": data.n_groups,
        "gof_ks_pvalue": gof_p,
        "n_modes_per_sample_min": int(n_i.min()),
        "n_modes_per_sample_max": int(n_i.max()),
    }


def window_mle(
    spectra: ModeSpectra,
    factor: float = 0.5,
    *,
    max_participation: float | None = None,
    min_modes: int = DEFAULT_MIN_MODES,
    gof_alpha: float = DEFAULT_GOF_ALPHA,
    n_bootstrap: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> ExponentEstimate:
    """s by maximum likelihood on each sample's window (0, factor·ω₀ᵢ] (module docstring).

    Parameters
    ----------
    spectra
        One parameter point.
    factor
        c: the window edge in units of each sample's own ω₀ (> 0; above 1 the
        window holds phonon shells, use it with ``max_participation``).
    max_participation
        Keep only modes with participation ratio e ≤ this (None: all modes).
    min_modes
        Fewest pooled modes for status ``"ok"``.
    gof_alpha
        KS p-value of the probability-integral transform below which the
        status is ``"inconclusive"``.
    n_bootstrap, seed, confidence
        Bootstrap over independent units (``spectra.groups``, else samples).

    Returns
    -------
    ExponentEstimate
        ``s_window_mle`` with ``bootstrap``, ``fisher`` and ``profile`` intervals.

    Raises
    ------
    ValueError
        When a sample's stored modes stop below its window edge.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> w = np.sort(rng.random((200, 30)) ** (1 / 5), axis=1)  # s = 4 below 1
    >>> sp = ModeSpectra(w * 0.5, np.full(200, 1.0), 1000, 1.0, coverage=np.full(200, 0.5))
    >>> est = window_mle(sp, 0.5, n_bootstrap=200)
    >>> est.status, est.covers(4.0), est.covers(4.0, "profile")
    ('ok', True, True)
    """
    if not (math.isfinite(factor) and factor > 0):
        raise ValueError(f"factor is {factor}; expected c > 0 (window (0, c * omega0])")
    data = spectra if max_participation is None else spectra.filtered(max_participation)
    edge, n_i, y_i, sel = _window_sums(data, factor, f"window_mle(factor={factor:g})")
    n = float(n_i.sum())
    total_y = float(y_i.sum())
    u_hat = n / total_y if total_y > 0 else math.nan
    boot = bootstrap(
        _ratio_statistic, (n_i, y_i), n_bootstrap=n_bootstrap, seed=seed, confidence=confidence, groups=data.groups
    )
    s_hat = u_hat - 1.0
    fisher_se = u_hat / math.sqrt(n) if n > 0 else math.nan
    profile = profile_interval(n, u_hat, confidence)
    x, gof_p = _scaled_modes_and_gof(data.omega, sel, edge, u_hat, n)
    status, reason = _status(n, min_modes, data.n_groups, gof_p, gof_alpha, factor)
    curve = _fit_curve(x, u_hat, s_hat, n_i, edge, data.n_samples)
    settings = _settings(factor, max_participation, min_modes, gof_alpha, fisher_se, data)
    method = f"pooled MLE of the truncated power law on (0, {factor:g} omega0_i]"
    meas = boot.measurement("s_window_mle", units="1", settings=settings, curve=curve, method=method, expanded=True)
    return ExponentEstimate(
        measurement=meas,
        intervals=_intervals(meas, s_hat, fisher_se, profile, confidence),
        status=status,
        reason=reason,
        diagnostics=_diagnostics(n, data, gof_p, n_i),
    )


def _paired_settings(
    a: ModeSpectra, factor: float, max_participation: float | None, sides: list[tuple[np.ndarray, np.ndarray]]
) -> dict[str, Any]:
    """The settings of :func:`paired_window_difference`: estimator, window, filter, pairs, resampling, modes."""
    return {
        "estimator": MLE_DEFINITION,
        "factor": float(factor),
        "max_participation": max_participation,
        "pairs": a.n_samples,
        "resampled": "chains" if a.groups is not None else "samples",
        "modes_in_windows": [int(sides[0][0].sum()), int(sides[1][0].sum())],
    }


def paired_window_difference(
    a: ModeSpectra,
    b: ModeSpectra,
    factor: float = 0.5,
    *,
    max_participation: float | None = None,
    n_bootstrap: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> Measurement:
    """s(a) − s(b) of :func:`window_mle`, bootstrapped over *paired* units.

    Two points built from the same realisations (sample i of ``a`` and of
    ``b`` share their seed: the same random start and Monte Carlo stream at
    two taper orders) are resampled jointly — chains when ``a`` has groups,
    else samples — so the disorder they share cancels in the difference
    (the taper difference of issue 25, whose window and ω₀ systematics
    largely cancel too).

    Parameters
    ----------
    a, b
        Two points with the same number of samples (and the same groups, when given).
    factor, max_participation
        As :func:`window_mle`, the same for both.
    n_bootstrap, seed, confidence
        Bootstrap settings (percentile interval).

    Returns
    -------
    Measurement
        ``s_window_mle difference``, with its expanded percentile interval (``expanded``).

    Raises
    ------
    ValueError
        If the samples or groups do not pair up, or a window reaches past a sample's stored modes.

    Examples
    --------
    >>> rng = np.random.default_rng(2)
    >>> u = rng.random((300, 30))
    >>> four = ModeSpectra(np.sort(u ** (1 / 5), axis=1), np.full(300, 1.0), 1000, 1.0, coverage=np.full(300, 1.0))
    >>> three = ModeSpectra(np.sort(u ** (1 / 4), axis=1), np.full(300, 1.0), 1000, 1.0, coverage=np.full(300, 1.0))
    >>> d = paired_window_difference(four, three, 0.8, n_bootstrap=200)
    >>> round(d.value, 1), d.low < 1.0 < d.high
    (1.0, True)
    """
    a.check_paired(b)
    sides = _sides((a, b), factor, f"paired_window_difference(factor={factor:g})", max_participation)

    def statistic(n_a: np.ndarray, y_a: np.ndarray, n_b: np.ndarray, y_b: np.ndarray) -> float:
        t_a, t_b = float(np.sum(y_a)), float(np.sum(y_b))
        if t_a <= 0 or t_b <= 0:
            return math.nan
        return float(np.sum(n_a)) / t_a - float(np.sum(n_b)) / t_b

    boot = bootstrap(
        statistic, (*sides[0], *sides[1]), n_bootstrap=n_bootstrap, seed=seed, confidence=confidence, groups=a.groups
    )
    settings = _paired_settings(a, factor, max_participation, sides)
    return boot.measurement(
        "s_window_mle difference",
        units="1",
        settings=settings,
        curve=None,
        method=f"difference of pooled window MLEs on (0, {factor:g} omega0_i], bootstrap over paired units",
        expanded=True,
    )


def _size_measurement(
    value: float, reps: np.ndarray, confidence: float, settings: dict[str, Any], n_samples: int, factor: float
) -> Measurement:
    """The size difference with the replicates' standard deviation (ddof = 1) and percentile interval."""
    finite = reps[np.isfinite(reps)]
    low, high = percentile_interval(reps, confidence)
    return Measurement(
        "s_window_mle size difference",
        value,
        float(np.std(finite, ddof=1)) if finite.size > 1 else math.nan,
        float(low),
        float(high),
        confidence,
        "1",
        settings,
        None,
        n_samples,
        f"difference of two independent sets' pooled window MLEs on (0, {factor:g} omega0_i], "
        "percentile bootstrap, each set's units resampled on its own",
    )


def size_window_difference(
    a: ModeSpectra,
    b: ModeSpectra,
    factor: float = 0.5,
    *,
    n_bootstrap: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> Measurement:
    """s(a) − s(b) of :func:`window_mle` for two *independent* sets (e.g. two system sizes).

    Nothing pairs the two sets, so each is resampled on its own (chains when it
    has groups, else samples; :func:`.stratified_replicates`): replicate b draws
    ``a``'s units, then ``b``'s, from one generator.  The difference of two
    independent sets keeps the percentile interval only (the expanded one is
    calibrated for one set of units).

    Parameters
    ----------
    a, b
        The two points (any sizes, any numbers of samples).
    factor
        Window (0, factor·ω₀ᵢ] of each sample, as :func:`window_mle`.
    n_bootstrap, seed, confidence
        Bootstrap settings (percentile interval; ``uncertainty`` is the
        replicates' standard deviation, ddof = 1).

    Returns
    -------
    Measurement
        ``s_window_mle size difference``; its settings name the estimator, the
        samples and units of each side and the modes in their windows.

    Raises
    ------
    ValueError
        If a window reaches past a sample's stored modes.

    Examples
    --------
    >>> rng = np.random.default_rng(3)
    >>> four = ModeSpectra(np.sort(rng.random((200, 30)) ** (1 / 5), axis=1), np.full(200, 1.0), 1000, 1.0,
    ...                    coverage=np.full(200, 1.0))
    >>> three = ModeSpectra(np.sort(rng.random((300, 30)) ** (1 / 4), axis=1), np.full(300, 1.0), 2000, 1.0,
    ...                     coverage=np.full(300, 1.0))
    >>> d = size_window_difference(four, three, 0.8, n_bootstrap=200)  # true difference: +1
    >>> d.settings["n_samples"], bool(abs(d.value - 1.0) < 3 * d.uncertainty), bool(d.low < d.value < d.high)
    ([200, 300], True, True)
    """
    sufficient = _sides((a, b), factor, f"size_window_difference(factor={factor:g})")

    def s_of(side: int, idx: np.ndarray | slice) -> float:
        n_i, y_i = sufficient[side]
        total = float(np.sum(y_i[idx]))
        return float(np.sum(n_i[idx])) / total - 1.0 if total > 0 else math.nan

    value = s_of(0, slice(None)) - s_of(1, slice(None))
    reps = stratified_replicates(lambda idx: s_of(0, idx[0]) - s_of(1, idx[1]), [a, b], n_bootstrap, seed)
    settings = {
        "estimator": MLE_DEFINITION,
        "factor": float(factor),
        "n_samples": [a.n_samples, b.n_samples],
        "units": [a.n_groups, b.n_groups],
        "resampled": "chains" if a.groups is not None else "samples",
        "modes_in_windows": [int(sufficient[0][0].sum()), int(sufficient[1][0].sum())],
        "n_bootstrap": n_bootstrap,
        "seed": seed,
    }
    return _size_measurement(value, reps, confidence, settings, a.n_samples + b.n_samples, factor)


def window_mle_scan(
    spectra: ModeSpectra, factors: Sequence[float] = WINDOW_FACTORS, **kwargs: Any
) -> dict[str, ExponentEstimate]:
    """:func:`window_mle` for each window factor c, keyed ``"mle c=0.3"`` ...

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> w = np.sort(rng.random((100, 40)) ** (1 / 5), axis=1)
    >>> sp = ModeSpectra(w, np.full(100, 1.0), 1000, 1.0, coverage=np.full(100, 1.0))
    >>> sorted(window_mle_scan(sp, n_bootstrap=50))
    ['mle c=0.3', 'mle c=0.5', 'mle c=0.7']
    """
    return {f"mle c={c:g}": window_mle(spectra, c, **kwargs) for c in factors}


def participation_scan(
    spectra: ModeSpectra,
    thresholds: Sequence[float],
    factor: float = 0.5,
    **kwargs: Any,
) -> tuple[dict[str, ExponentEstimate], EstimatorSpread]:
    """s from :func:`window_mle` for several participation thresholds, and their spread.

    Parameters
    ----------
    spectra
        One parameter point with ``participation``.
    thresholds
        Upper bounds on e (each in (0, 1]).
    factor
        Window factor c (may exceed 1: the filter removes the phonons).
    **kwargs
        Passed to :func:`window_mle`.

    Returns
    -------
    estimates, spread
        Estimates keyed ``"e<=0.1"`` ..., and :func:`estimator_spread` of
        them: the spread over thresholds is the threshold systematic.
    """
    if not thresholds:
        raise ValueError("thresholds is empty; expected participation bounds such as (0.05, 0.1, 0.2)")
    out = {f"e<={t:g}": window_mle(spectra, factor, max_participation=t, **kwargs) for t in thresholds}
    return out, estimator_spread(out)
