"""The lowest mode's law with its shape fixed by the level statistics (issue 63, confirm-n8000 amendment 1).

Each sample's lowest nonphononic mode x = ω/ω_g obeys P(x_min > x) = E(0; Λ(x)), the probability that no level
lies below x when Λ(x) = N a x^(s+1) are expected there.  Independent (Poisson) levels give E = e^(−Λ); levels
that repel (GOE) make E fall faster, which over the range of Λ that lowest modes probe looks like a stretched
exponential exp(−(c Λ)^κ) with κ > 1.  At one N a Weibull fit of the lowest modes measures only the product
κ (s + 1), so s needs κ from elsewhere.  Here κ comes from how strongly the levels repel:

⟨r̃⟩ below the phonon-free edge
    :func:`edge_spacing_ratio`: r̃ = min(δₖ, δₖ₊₁)/max(δₖ, δₖ₊₁) of consecutive spacings of the nonphononic levels
    of each sample below ``phonon_factor``·ω₀ᵢ (and below the top of its stored modes), pooled over samples that
    hold three or more such levels; a percentile bootstrap over samples.  Near the bottom of a spectrum that grows
    as a power law the statistic is not the bulk's (0.386 Poisson, 0.531 GOE): it is compared only with the same
    statistic of mocks read the same way (:class:`KappaCalibration`).
κ from ⟨r̃⟩
    :meth:`KappaCalibration.kappa`: linear between the mocks' Poisson (κ = 1) and GOE (κ_GOE) values of ⟨r̃⟩,
    clipped to [1, κ_GOE] (a real symmetric Hessian repels no more than the GOE; a reading beyond either end is
    read as that end).  κ_GOE is the ratio of the one-N Weibull shapes of GOE and Poisson mocks with the same
    spectrum; the calibration is made by the study that registers it (``studies/kappa_from_levels.py``).
The fit
    :func:`extreme_value_kappa_from_levels`: the censored one-N maximum likelihood of
    :func:`~.lowest_mode_law.extreme_value_fit` with κ fixed, s = shape/κ − 1, jointly over the points given;
    its interval is a percentile bootstrap that resamples the points of the fit and the points the levels are read
    on (each on its own) and draws κ_GOE from the calibration's normal uncertainty, so the spread of κ is in it.

What it reads: the local law near the lowest mode (about 0.1 ω_g at N = 8000), not the deep tail below it; its
bias against a curved spectrum's deep exponent is measured, not assumed (``studies/results/kappa_from_levels.json``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from ..results.result import Measurement
from .absolute_frequency import MIN_MODES, PHONON_FACTOR, _points, _unit, reduced_modes
from .exponent_result import ExponentEstimate
from .lowest_mode_law import _ev_data, _ev_joint
from .mode_spectra import ModeSpectra, percentile_interval, percentile_measurement

__all__ = ["KappaCalibration", "edge_spacing_ratio", "edge_spacing_ratios", "extreme_value_kappa_from_levels"]

#: Fewest pooled ratios for κ from ⟨r̃⟩ (below it the reading is inconclusive).
MIN_RATIOS = 20


@dataclass(frozen=True)
class KappaCalibration:
    """κ of the lowest mode's law against ⟨r̃⟩ below the edge, from mocks with Poisson and GOE levels.

    Attributes
    ----------
    r_tilde_poisson, r_tilde_goe
        ⟨r̃⟩ of the mocks' levels below the edge (:func:`edge_spacing_ratio`, the design the data are read with).
    kappa_goe, kappa_goe_se
        κ of GOE levels: the ratio of the one-N Weibull shapes of GOE and Poisson mocks, and its standard error.
    source
        Where the numbers come from (a results file, its mocks).

    Examples
    --------
    >>> cal = KappaCalibration(0.37, 0.49, 1.2, 0.02, "doc")
    >>> cal.kappa(0.37), round(cal.kappa(0.43), 6), cal.kappa(0.52), cal.kappa(0.1)
    (1.0, 1.1, 1.2, 1.0)
    """

    r_tilde_poisson: float
    r_tilde_goe: float
    kappa_goe: float
    kappa_goe_se: float
    source: str

    def __post_init__(self) -> None:
        if not (0 <= self.r_tilde_poisson < self.r_tilde_goe <= 1 and self.kappa_goe >= 1 and self.kappa_goe_se >= 0):
            raise ValueError(
                f"{self}: expected 0 <= r_tilde_poisson < r_tilde_goe <= 1, kappa_goe >= 1 and "
                "kappa_goe_se >= 0 (a calibration whose GOE mocks repel more than its Poisson ones)"
            )

    def kappa(self, r_tilde: float, kappa_goe: float | None = None) -> float:
        """κ at ``r_tilde``: linear between (r̃_Poisson, 1) and (r̃_GOE, κ_GOE), clipped to those ends."""
        k_goe = self.kappa_goe if kappa_goe is None else kappa_goe
        f = (r_tilde - self.r_tilde_poisson) / (self.r_tilde_goe - self.r_tilde_poisson)
        return 1.0 + min(max(f, 0.0), 1.0) * (k_goe - 1.0)

    def to_dict(self) -> dict[str, float | str]:
        return asdict(self)


def edge_spacing_ratios(point: ModeSpectra, phonon_factor: float = PHONON_FACTOR) -> list[np.ndarray]:
    """r̃ of consecutive spacings of each sample's levels below its phonon-free edge (empty for fewer than three).

    Examples
    --------
    >>> sp = ModeSpectra(np.array([[0.1, 0.2, 0.4, 0.9], [0.1, 0.3, 0.35, 0.5]]), np.full(2, 1.0), 1000, 1.0)
    >>> [r.round(3).tolist() for r in edge_spacing_ratios(sp, 0.6)]  # edge 0.6 omega0: 0.9 is left out
    [[0.5], [0.25, 0.333]]
    """
    x, x0, reach = reduced_modes(point)
    edge = np.minimum(phonon_factor * x0, reach)
    out = []
    for row, e in zip(x, edge):
        levels = row[np.isfinite(row) & (row <= e)]
        gaps = np.diff(levels)
        if gaps.size < 2:
            out.append(np.empty(0))
            continue
        small, large = np.minimum(gaps[:-1], gaps[1:]), np.maximum(gaps[:-1], gaps[1:])
        with np.errstate(invalid="ignore"):
            r = small / large
        out.append(r[np.isfinite(r)])
    return out


def _per_sample(point: ModeSpectra, phonon_factor: float) -> tuple[np.ndarray, np.ndarray]:
    """Each sample's sum of r̃ below its edge and how many ratios it holds (what every bootstrap draw pools)."""
    ratios = edge_spacing_ratios(point, phonon_factor)
    return np.array([r.sum() for r in ratios]), np.array([r.size for r in ratios])


def _pooled(stats: Sequence[tuple[np.ndarray, np.ndarray]], draws: Sequence[np.ndarray]) -> tuple[float, int]:
    """Pooled ⟨r̃⟩ (a ratio of sums) and the number of ratios over the drawn samples of every point."""
    total = sum(float(sums[d].sum()) for (sums, _), d in zip(stats, draws))
    count = sum(int(sizes[d].sum()) for (_, sizes), d in zip(stats, draws))
    return (total / count if count else math.nan), count


def edge_spacing_ratio(
    points: ModeSpectra | Sequence[ModeSpectra],
    *,
    phonon_factor: float = PHONON_FACTOR,
    n_bootstrap: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> Measurement:
    """⟨r̃⟩ of the levels below the phonon-free edge, pooled over samples and points (module docstring).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = np.sort(rng.random((400, 12)), axis=1)          # independent levels: <r~> of the bulk 0.386
    >>> sp = ModeSpectra(x, np.full(400, 10.0), 1000, 1.0, coverage=np.full(400, 10.0))
    >>> m = edge_spacing_ratio(sp, phonon_factor=1.0, n_bootstrap=200)
    >>> bool(abs(m.value - 0.386) < 3 * m.uncertainty), m.settings["ratios"]
    (True, 4000)
    """
    pts = _points(points, "edge_spacing_ratio")
    ratios = [_per_sample(p, phonon_factor) for p in pts]
    value, count = _pooled(ratios, [np.arange(p.n_samples) for p in pts])
    rng = np.random.default_rng(seed)
    reps = np.array([_pooled(ratios, [p.resample_units(rng) for p in pts])[0] for _ in range(n_bootstrap)])
    settings = {
        "estimator": "edge_spacing_ratio",
        "phonon_factor": phonon_factor,
        "ratios": count,
        "samples_with_ratios": int(sum((sizes > 0).sum() for _, sizes in ratios)),
        "n_bootstrap": n_bootstrap,
        "seed": seed,
    }
    m = percentile_measurement(
        "mean_r_tilde_below_edge",
        value,
        reps,
        confidence,
        settings,
        sum(p.n_samples for p in pts),
        "pooled <r~> of consecutive spacings below each sample's phonon-free edge; percentile bootstrap "
        "over samples, each point on its own",
    )
    return m


def _kappa_replicates(
    ratios: Sequence[tuple[np.ndarray, np.ndarray]],
    lev: Sequence[ModeSpectra],
    data: Sequence[tuple[np.ndarray, ...]],
    ns: Sequence[np.ndarray],
    pts: Sequence[ModeSpectra],
    calibration: KappaCalibration,
    n_bootstrap: int,
    seed: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Bootstrap replicates of s and of κ: each draws the level points' samples (κ from their ⟨r̃⟩, κ_GOE from the
    calibration's normal uncertainty), then the fitted points' samples, each point on its own."""
    rng = np.random.default_rng(seed)
    reps, kappas = np.empty(n_bootstrap), np.empty(n_bootstrap)
    for i in range(n_bootstrap):
        r_star = _pooled(ratios, [p.resample_units(rng) for p in lev])[0]
        k_goe = max(1.0, rng.normal(calibration.kappa_goe, calibration.kappa_goe_se))
        kappas[i] = calibration.kappa(r_star, k_goe)
        reps[i] = _ev_joint(data, ns, [p.resample_units(rng) for p in pts], kappa=kappas[i])[0]
    return reps, kappas


def _kappa_status(observed: int, count: int) -> tuple[str, str]:
    """``"ok"`` with enough lowest modes below the edge and enough level ratios, else ``"inconclusive"`` and why."""
    if observed >= MIN_MODES and count >= MIN_RATIOS:
        return "ok", ""
    return "inconclusive", (
        f"{observed} lowest modes below the edge and {count} level ratios; expected at least "
        f"{MIN_MODES} and {MIN_RATIOS}"
    )


def extreme_value_kappa_from_levels(
    points: ModeSpectra | Sequence[ModeSpectra],
    level_points: ModeSpectra | Sequence[ModeSpectra],
    calibration: KappaCalibration,
    *,
    phonon_factor: float = PHONON_FACTOR,
    n_bootstrap: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> ExponentEstimate:
    """s of P(x_min > x) = exp(−(N a x^(s+1))^κ) at fixed κ from the levels of ``level_points`` (module docstring).

    Parameters
    ----------
    points
        The points whose lowest modes are fitted (one law jointly; each already in its unit).
    level_points
        The points whose ⟨r̃⟩ below the edge sets κ (they may be ``points`` themselves).
    calibration
        ⟨r̃⟩ → κ (:class:`KappaCalibration`).

    Examples
    --------
    >>> rng = np.random.default_rng(3)
    >>> x = (rng.exponential(size=800) / (8000 * 0.05)) ** (1 / 5)   # independent levels, s = 4
    >>> fit = ModeSpectra(x[:, None], np.full(800, 10.0), 8000, 1.0, coverage=np.full(800, 10.0))
    >>> lev = ModeSpectra(np.sort(rng.random((300, 12)), axis=1), np.full(300, 10.0), 1000, 1.0,
    ...                   coverage=np.full(300, 10.0))
    >>> cal = KappaCalibration(0.386, 0.53, 1.25, 0.0, "doc")
    >>> m = extreme_value_kappa_from_levels(fit, lev, cal, phonon_factor=1.0, n_bootstrap=200).measurement
    >>> bool(abs(m.value - 4.0) < 3 * m.uncertainty), m.settings["kappa"] < 1.05
    (True, True)
    """
    pts = _points(points, "extreme_value_kappa_from_levels")
    lev = _points(level_points, "extreme_value_kappa_from_levels")
    ratios = [_per_sample(p, phonon_factor) for p in lev]
    data, ns = _ev_data(pts, phonon_factor)
    r_hat, count = _pooled(ratios, [np.arange(p.n_samples) for p in lev])
    kappa = calibration.kappa(r_hat)
    s_hat = _ev_joint(data, ns, [np.arange(p.n_samples) for p in pts], kappa=kappa)[0]
    reps, kappas = _kappa_replicates(ratios, lev, data, ns, pts, calibration, n_bootstrap, seed)
    observed = int(sum(q[2].sum() for q in data))
    settings = {
        "estimator": "extreme_value",
        "law": "kappa from the levels",
        "unit": _unit(pts),
        "phonon_factor": phonon_factor,
        "points": [p.label or f"N={p.n_particles}" for p in pts],
        "level_points": [p.label or f"N={p.n_particles}" for p in lev],
        "observed": observed,
        "mean_r_tilde_below_edge": r_hat,
        "ratios": count,
        "kappa": kappa,
        "kappa_interval": list(percentile_interval(kappas, confidence)),
        "calibration": calibration.to_dict(),
        "n_bootstrap": n_bootstrap,
        "seed": seed,
        "survival": "P(x_min > x) = exp(-(N a x^(s+1))^kappa), kappa fixed, right-censored at the phonon-free edge",
    }
    m = percentile_measurement(
        "s_extreme_value_kappa_from_levels",
        s_hat,
        reps,
        confidence,
        settings,
        sum(p.n_samples for p in pts),
        "censored one-N MLE of each sample's lowest mode with kappa from <r~> of the levels below the "
        "edge; percentile bootstrap over the samples of both the fit and the levels, kappa_GOE drawn from its "
        "calibration",
    )
    status, reason = _kappa_status(observed, count)
    return ExponentEstimate(m, {"bootstrap": (m.low, m.high)}, status, reason, {"observed": observed, "ratios": count})
