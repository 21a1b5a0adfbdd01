"""Generalised heterogeneous-elasticity theory (GHET): the type-II spectrum from a stress distribution.

Physics (seed file ``001_d453c975fd50a4a2.txt``, eqs. 7–8, 84–85, 105–107).
Frozen-in local stresses σ couple to local vortex-like oscillators of
moment-of-inertia density ζ; their contribution to the shear self energy is
(eqs. 7, 84)

    Σ_εη(z) = ∫ dσ P(σ) σ²/(−zζ + σ),

so with z = λ + i0, Σ″_εη(λ) = (π/ζ)(λζ)² P(λζ): a stress σ > 0 resonates at
λ = σ/ζ with weight σ².  The type-II level density and DOS are (eqs. 8, 85, 105)

    ρ_εη(λ) ∝ σ² P(σ)|_{σ = λζ},   g_εη(ω) = 2ω ρ_εη(ω²).

For P(σ) ∝ σ^α at small σ, ρ ∝ λ^{2+α} and g ∝ ω^{5+2α}; a potential
tapered to order m at its cutoff has α = 1/m − 1 (eqs. 11, 103), so
s = 3 + 2/m (eqs. 12, 106): m = 1 (or a potential minimum, eq. 107) → s = 5,
m = 2 → s = 4, m = 3 → s = 11/3, m = ∞ → s = 3.

What is computed here (the generator ``ghet_type2`` and the datasets are
:mod:`vdosbench.generators.theory.ghet_datasets`).
* :func:`type2_power_law`: P(σ) = C σ^{1/m − 1} on [σ_min, σ_max], normalised;
  for m = ∞, P ∝ σ⁻¹ is not normalisable at 0, so σ_min > 0 is required
  (default σ_min = :data:`INFINITE_ORDER_SIGMA_MIN`·σ_max = 10⁻⁶σ_max); for
  finite m the default σ_min is 0.  The type-II DOS is normalised to 1 on
  ω ∈ [√(σ_min/ζ), √(σ_max/ζ)] (the power law is a low-frequency law; the
  upper end σ_max is a modelling cutoff that sets only the frequency scale
  and the normalisation), in closed form, with its exact quantiles.
* :func:`type2_from_stresses`: an empirical P(σ) given as a sample of stresses
  (e.g. σ = |ψ| = |r φ′(r)| of every interacting pair, eq. 90).  Each stress
  is a resonance at λ_i = σ_i/ζ with weight σ_i², so the type-II spectrum is
  the σ²-weighted empirical distribution of λ_i: its quantiles are exact
  (no histogram or kernel), and g(ω) is shown as a σ²-weighted histogram on
  log-spaced ω bins.  The predicted exponent is s = 5 + 2α with α the
  maximum-likelihood (Hill) exponent of P(σ) ∝ σ^α on (0, σ_w], σ_w a stated
  quantile of the stresses (default the lowest 5 %): α + 1 = n/Σ log(σ_w/σ_i),
  standard error (α + 1)/√n (independent stresses assumed).
* :func:`~.ghet_datasets.ghet_from_dataset`: the same from a VDOS-1.0 dataset's own
  ``pair_psi``, pooled over the samples of each parameter point, so that a
  dataset's stresses predict its own s.

Which σ.  Eq. 90 takes σ = |ψ(r)|; the positive elements of the traceless
stress tensor (eq. 89) are ((d − 1)/d)|ψ|, the same distribution up to a
scale, which only rescales ζ.  ζ (default 1, units [σ]/[λ]) is not given by
the seed; it sets the frequency scale, never the exponent.

Discrepancy found in the seed.  Eq. 81 writes G_ℓ(z) = 1/(ζz − σ_ℓ) and
eq. 77 [G⁻¹] = σ + ζz (from eq. 76), while eqs. 83–84 use σ²/(−zζ + σ); with
the convention of eq. 24 (G = 1/(−z + …), Im G > 0) only eq. 84's sign makes
positive stresses resonate at positive λ = σ/ζ, as the text states ("only
positive values of σ contribute").  Eq. 84 is implemented.  (Also: eq. 8's
sentence is garbled in the text file; its content is eq. 105.)

References
----------
W. Schirmacher, M. Paoluzzi, F. C. Mocanu, D. Khomenko, G. Szamel, F. Zamponi,
G. Ruocco, "The nature of non-phononic excitations in disordered systems",
Nat. Commun. 15, 3107 (2024), doi:10.1038/s41467-024-46981-7 (seed file
``001_d453c975fd50a4a2.txt``): eqs. 6–12, 81–107.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .het import DEFAULT_N_MODES
from ..glasses.potentials import INFINITE_ORDER

__all__ = [
    "DEFAULT_STRESS_QUANTILE",
    "DEFAULT_TAPER_ORDERS",
    "GENERATOR_VERSION",
    "GHET_REFERENCE",
    "INFINITE_ORDER_SIGMA_MIN",
    "StressExponent",
    "Type2Spectrum",
    "stress_exponent_mle",
    "type2_exponent",
    "type2_exponent_from_stress_exponent",
    "type2_from_stresses",
    "type2_power_law",
]

#: Version of the GHET generator, recorded as ``generator_version``.
GENERATOR_VERSION = "1.0.0"
#: Taper orders of the default grid: m = 1 (a potential minimum, s = 5), 2 (s = 4), 3, and ∞ (−1, s = 3).
DEFAULT_TAPER_ORDERS = (1, 2, 3, INFINITE_ORDER)
#: Lower stress cutoff of P ∝ σ⁻¹ (m = ∞), relative to σ_max.
INFINITE_ORDER_SIGMA_MIN = 1e-6
#: Default fraction of the smallest stresses in the exponent window of an empirical P(σ).
DEFAULT_STRESS_QUANTILE = 0.05

GHET_REFERENCE = (
    "W. Schirmacher et al., The nature of non-phononic excitations in disordered systems, "
    "Nat. Commun. 15, 3107 (2024), doi:10.1038/s41467-024-46981-7 (vdosbench seed 001, file "
    "001_d453c975fd50a4a2.txt; eqs. 7-12, 84-85, 90, 103-107)"
)

_ONE = {"units": "1"}


# ----------------------------------------------------------------------------- exponents


def _taper_order(value: object) -> int:
    """m ≥ 1, or INFINITE_ORDER (−1) for m = ∞ (also from ``"inf"`` or ``math.inf``)."""
    if isinstance(value, str) and value.strip().lower() in ("inf", "infinity", "∞"):
        return INFINITE_ORDER
    if isinstance(value, (float, np.floating)) and math.isinf(value) and value > 0:
        return INFINITE_ORDER
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        value = int(value)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"taper_order must be an integer m ≥ 1, or -1 / 'inf' for m = ∞; found {value!r}")
    m = int(value)
    if m == 0 or m < INFINITE_ORDER:
        raise ValueError(
            f"taper_order must be an integer m ≥ 1, or -1 / 'inf' for m = ∞; found {m} "
            "(m = 0, an untapered cut, has no small stresses and no type-II power law)"
        )
    return m


def _inverse_order(m: int) -> float:
    return 0.0 if m == INFINITE_ORDER else 1.0 / m


def type2_exponent(taper_order: float | str) -> float:
    """s = 3 + 2/m of g_εη ∝ ω^s (eqs. 12, 106); m = −1, ``"inf"`` or ``math.inf`` means m = ∞.

    Examples
    --------
    >>> [type2_exponent(m) for m in (1, 2, "inf")]
    [5.0, 4.0, 3.0]
    """
    return 3.0 + 2.0 * _inverse_order(_taper_order(taper_order))


def type2_exponent_from_stress_exponent(alpha: float) -> float:
    """s = 5 + 2α for P(σ) ∝ σ^α (eq. 105: ρ ∝ σ²P(σ), g = 2ωρ(ω²)).

    Examples
    --------
    >>> type2_exponent_from_stress_exponent(-0.5)
    4.0
    """
    return 5.0 + 2.0 * float(alpha)


# ----------------------------------------------------------------------------- results


@dataclass(frozen=True, eq=False)
class Type2Spectrum:
    """A GHET type-II spectrum.

    Attributes
    ----------
    omega
        ω grid of the curve, ascending, shape (n,) (units √([σ]/ζ)).
    dos
        g_εη(ω), normalised to 1 over its support, shape (n,).
    eigenvalues
        The quantile spectrum λ_k = ω_k², ω_k = F⁻¹((k − ½)/M), shape (M,).
    exponent, exponent_uncertainty
        Predicted s of g ∝ ω^s (uncertainty 0 for an analytic P(σ)).
    stress_exponent, stress_exponent_uncertainty
        α of P(σ) ∝ σ^α.
    stress_window
        (σ_lo, σ_hi) of the exponent: the analytic support, or (0, σ_w].
    n_stresses, n_window
        Number of stresses used, and in the window (0 for an analytic P).
    zeta
        ζ.
    """

    omega: np.ndarray
    dos: np.ndarray
    eigenvalues: np.ndarray
    exponent: float
    exponent_uncertainty: float
    stress_exponent: float
    stress_exponent_uncertainty: float
    stress_window: tuple[float, float]
    n_stresses: int
    n_window: int
    zeta: float


@dataclass(frozen=True)
class StressExponent:
    """Hill maximum-likelihood exponent of P(σ) ∝ σ^α on (0, σ_w]."""

    alpha: float
    standard_error: float
    window_max: float
    n_window: int


def _positive(name: str, value: object) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a positive number, found {value!r}; pass a float")
    out = float(value)
    if not (math.isfinite(out) and out > 0):
        raise ValueError(f"{name} must be positive and finite, found {out}; pass a positive number")
    return out


def _n_modes(value: object) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or int(value) < 1:
        raise ValueError(f"n_modes must be an integer ≥ 1, found {value!r}")
    return int(value)


# ----------------------------------------------------------------------------- analytic P(σ)


def _lower_stress(sigma_min: float | None, s_max: float, m: int) -> float:
    """σ_min: given (in [0, σ_max)), else 0 for finite m and a fraction of σ_max for m = ∞ (which needs it > 0)."""
    if sigma_min is None:
        s_min = INFINITE_ORDER_SIGMA_MIN * s_max if m == INFINITE_ORDER else 0.0
    else:
        s_min = float(sigma_min)
        if not (math.isfinite(s_min) and 0.0 <= s_min < s_max):
            raise ValueError(f"sigma_min must lie in [0, sigma_max = {s_max:g}), found {s_min:g}")
    if m == INFINITE_ORDER and s_min <= 0.0:
        raise ValueError(
            "m = inf gives P(sigma) ~ 1/sigma, which is not normalisable at sigma = 0: pass sigma_min > 0 "
            f"(default {INFINITE_ORDER_SIGMA_MIN:g} sigma_max)"
        )
    return s_min


def _omega_grid(omega: Sequence[float] | np.ndarray | None, w_hi: float) -> np.ndarray:
    """The frequency grid: given (ascending, positive), else 400 log-spaced points up to ``w_hi``."""
    if omega is None:
        w = np.geomspace(1e-3 * w_hi, w_hi, 400)
    else:
        w = np.asarray(omega, dtype=float).ravel()
        if w.size == 0 or np.any(~np.isfinite(w)) or np.any(w <= 0) or np.any(np.diff(w) <= 0):
            raise ValueError("omega must be an ascending grid of positive frequencies")
    return w


def type2_power_law(
    taper_order: float | str,
    *,
    sigma_max: float = 1.0,
    sigma_min: float | None = None,
    zeta: float = 1.0,
    omega: Sequence[float] | np.ndarray | None = None,
    n_modes: int = DEFAULT_N_MODES,
) -> Type2Spectrum:
    """The type-II spectrum of P(σ) ∝ σ^{1/m − 1} on [σ_min, σ_max] (eqs. 11, 105–106).

    Parameters
    ----------
    taper_order
        m ≥ 1, or −1 / ``"inf"`` / ``math.inf`` for m = ∞.
    sigma_max
        Upper end of the power law (units of σ).
    sigma_min
        Lower end; default 0 for finite m and
        :data:`INFINITE_ORDER_SIGMA_MIN`·σ_max for m = ∞ (where it is required).
    zeta
        ζ > 0: a stress σ resonates at λ = σ/ζ.
    omega
        The ω grid of the curve; default 400 log-spaced points on
        [10⁻³ω_max, ω_max], ω_max = √(σ_max/ζ).
    n_modes
        M of the quantile spectrum.

    Returns
    -------
    Type2Spectrum
        g(ω) = 2e ω^{2e−1}/(ω_max^{2e} − ω_min^{2e}) on [ω_min, ω_max] with
        e = 2 + 1/m (so s = 2e − 1 = 3 + 2/m), its exact quantiles, s and α.

    Examples
    --------
    >>> spec = type2_power_law(2, n_modes=4)
    >>> spec.exponent, spec.stress_exponent
    (4.0, -0.5)
    >>> np.sqrt(spec.eigenvalues).round(4).tolist()  # F(ω) = ω^5
    [0.6598, 0.8219, 0.9103, 0.9736]
    >>> type2_power_law("inf").stress_window
    (1e-06, 1.0)
    """
    m = _taper_order(taper_order)
    s_max = _positive("sigma_max", sigma_max)
    z = _positive("zeta", zeta)
    s_min = _lower_stress(sigma_min, s_max, m)
    alpha = _inverse_order(m) - 1.0
    e = 3.0 + alpha  # ρ(λ) ∝ λ^(e − 1), F(ω) ∝ ω^(2e)
    w_lo, w_hi = math.sqrt(s_min / z), math.sqrt(s_max / z)
    w = _omega_grid(omega, w_hi)
    span = w_hi ** (2 * e) - w_lo ** (2 * e)
    inside = (w >= w_lo) & (w <= w_hi)
    g = np.where(inside, 2.0 * e * w ** (2 * e - 1) / span, 0.0)
    m_modes = _n_modes(n_modes)
    u = (np.arange(1, m_modes + 1) - 0.5) / m_modes
    omega_k = (w_lo ** (2 * e) + u * span) ** (1.0 / (2 * e))
    return Type2Spectrum(
        omega=w,
        dos=g,
        eigenvalues=omega_k**2,
        exponent=type2_exponent_from_stress_exponent(alpha),
        exponent_uncertainty=0.0,
        stress_exponent=alpha,
        stress_exponent_uncertainty=0.0,
        stress_window=(s_min, s_max),
        n_stresses=0,
        n_window=0,
        zeta=z,
    )


def _stress_pdf(sigma: np.ndarray, m: int, s_min: float, s_max: float) -> np.ndarray:
    """P(σ) = C σ^{1/m − 1} on [σ_min, σ_max], normalised (C·∫ = 1)."""
    alpha = _inverse_order(m) - 1.0
    inside = (sigma >= s_min) & (sigma <= s_max) & (sigma > 0)
    if alpha == -1.0:
        norm = math.log(s_max / s_min)
    else:
        norm = (s_max ** (alpha + 1) - s_min ** (alpha + 1)) / (alpha + 1)
    safe = np.where(inside, sigma, 1.0)
    return np.where(inside, safe**alpha / norm, 0.0)


# ----------------------------------------------------------------------------- empirical P(σ)


def stress_exponent_mle(
    sigma: Sequence[float] | np.ndarray,
    *,
    window_max: float | None = None,
    quantile: float = DEFAULT_STRESS_QUANTILE,
) -> StressExponent:
    """Hill maximum-likelihood α of P(σ) ∝ σ^α on (0, σ_w].

    Parameters
    ----------
    sigma
        Positive stresses, shape (n,).
    window_max
        σ_w; default the ``quantile``-quantile of ``sigma``.
    quantile
        Fraction of the smallest stresses in the window when ``window_max`` is not given.

    Returns
    -------
    StressExponent
        α = n/Σ log(σ_w/σ_i) − 1 over the n stresses below σ_w, with the
        standard error (α + 1)/√n.

    Examples
    --------
    >>> x = np.random.default_rng(1).random(200000) ** 2  # P(σ) ∝ σ^(-1/2) on (0, 1]
    >>> fit = stress_exponent_mle(x, window_max=1.0)
    >>> bool(abs(fit.alpha + 0.5) < 4 * fit.standard_error)
    True
    """
    s = np.asarray(sigma, dtype=float).ravel()
    if s.size == 0 or np.any(~np.isfinite(s)) or np.any(s <= 0):
        raise ValueError("sigma must be a non-empty array of positive, finite stresses")
    if window_max is None:
        if not 0.0 < quantile <= 1.0:
            raise ValueError(f"quantile must lie in (0, 1], found {quantile}")
        window_max = float(np.quantile(s, quantile))
    w = _positive("window_max", window_max)
    inside = s[s < w]
    if inside.size < 2:
        raise ValueError(f"only {inside.size} stress(es) below sigma_w = {w:g}; widen the window (a larger quantile)")
    total = float(np.sum(np.log(w / inside)))
    u = inside.size / total
    return StressExponent(
        alpha=u - 1.0, standard_error=u / math.sqrt(inside.size), window_max=w, n_window=int(inside.size)
    )


def type2_from_stresses(
    sigma: Sequence[float] | np.ndarray,
    *,
    zeta: float = 1.0,
    n_modes: int = DEFAULT_N_MODES,
    omega: Sequence[float] | np.ndarray | None = None,
    n_bins: int = 60,
    stress_window: float | None = None,
    stress_quantile: float = DEFAULT_STRESS_QUANTILE,
) -> Type2Spectrum:
    """The type-II spectrum of an empirical stress distribution (eq. 105).

    Parameters
    ----------
    sigma
        Stresses, shape (n,); their absolute values are used (σ = |ψ|, eq. 90)
        and zeros dropped.
    zeta
        ζ > 0: λ_i = σ_i/ζ.
    n_modes
        M of the quantile spectrum (σ²-weighted quantiles of λ_i).
    omega
        Bin edges of the g(ω) histogram (ascending, n_bins + 1 values); default
        ``n_bins`` log-spaced bins between the smallest and largest ω_i.
    n_bins
        Number of default bins.
    stress_window, stress_quantile
        The exponent window (0, σ_w] (:func:`stress_exponent_mle`).

    Returns
    -------
    Type2Spectrum
        ``omega`` are the geometric bin centres, ``dos`` the σ²-weighted
        histogram density (normalised), s = 5 + 2α with its standard error 2·se(α).

    Examples
    --------
    >>> sig = np.random.default_rng(2).random(100000) ** 2  # P ∝ σ^(-1/2): s = 4
    >>> spec = type2_from_stresses(sig, stress_quantile=1.0, n_modes=500)
    >>> bool(abs(spec.exponent - 4) < 4 * spec.exponent_uncertainty), spec.eigenvalues.size
    (True, 500)
    """
    s = np.abs(np.asarray(sigma, dtype=float).ravel())
    if np.any(~np.isfinite(s)):
        raise ValueError("sigma contains NaN or infinite values; pass finite stresses")
    s = s[s > 0]
    if s.size < 2:
        raise ValueError(f"need at least 2 non-zero stresses, found {s.size}")
    z = _positive("zeta", zeta)
    fit = stress_exponent_mle(s, window_max=stress_window, quantile=stress_quantile)
    lam = np.sort(s) / z
    weight = (lam * z) ** 2
    cum = np.cumsum(weight)
    m = _n_modes(n_modes)
    u = (np.arange(1, m + 1) - 0.5) / m * cum[-1]
    eigenvalues = lam[np.minimum(np.searchsorted(cum, u, side="left"), lam.size - 1)]
    w_i = np.sqrt(lam)
    if omega is None:
        if not isinstance(n_bins, (int, np.integer)) or n_bins < 1:
            raise ValueError(f"n_bins must be an integer ≥ 1, found {n_bins!r}")
        edges = np.geomspace(w_i[0], w_i[-1] * (1 + 1e-12), int(n_bins) + 1)
    else:
        edges = np.asarray(omega, dtype=float).ravel()
        if edges.size < 2 or np.any(edges <= 0) or np.any(np.diff(edges) <= 0):
            raise ValueError("omega (bin edges) must be an ascending grid of ≥ 2 positive frequencies")
    hist, _ = np.histogram(w_i, bins=edges, weights=weight)
    dos = hist / (cum[-1] * np.diff(edges))
    return Type2Spectrum(
        omega=np.sqrt(edges[1:] * edges[:-1]),
        dos=dos,
        eigenvalues=eigenvalues,
        exponent=type2_exponent_from_stress_exponent(fit.alpha),
        exponent_uncertainty=2.0 * fit.standard_error,
        stress_exponent=fit.alpha,
        stress_exponent_uncertainty=fit.standard_error,
        stress_window=(0.0, fit.window_max),
        n_stresses=int(s.size),
        n_window=fit.n_window,
        zeta=z,
    )
