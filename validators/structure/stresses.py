"""Local pair stresses: P(σ) at small σ, its exponent α, and the GHET exponent it implies.

Seed 001 (``001_d453c975fd50a4a2.txt``) attaches a local stress to every
interacting pair, σ^{αβ}_ij = ê^α ê^β ψ(r_ij) with ψ(r) = r φ′(r) (eqs 6,
86–88), and takes the scalar stress σ ≐ |ψ(r)| (eq. 90); the traceless tensor
(eq. 89) has the same radial factor, so its distribution at small σ is that of
|ψ| up to a constant.  With a tapered cutoff φ ∼ (r_c − r)^{m+1},
P(σ) ∼ σ^{1/m − 1} (eqs 11, 103); with a potential minimum, m = 1 and
P(σ) ∼ σ⁰ (eq. 104).

From P(σ) to the DOS (eqs 8 and 105): ρ_εη(λ) ∼ σ² P(σ)|_{σ = λζ} and
g(ω) = 2ω ρ(ω²).  For P(σ) ∝ σ^α,

    ρ(λ) ∝ λ^{2+α},  g(ω) ∝ ω · ω^{2(2+α)} = ω^{5 + 2α},

so the implied DOS exponent is s = 5 + 2α, and with α = 1/m − 1 (eq. 11)
s = 3 + 2/m (eqs 12 and 106): m = 2 → α = −1/2, s = 4; m = ∞ → α = −1, s = 3;
m = 1 → α = 0, s = 5 (eq. 107).  The implied tapering order is m = 1/(α + 1).

The exponent is measured by maximum likelihood for a truncated power law on a
stated window σ_min < σ ≤ σ_max (module function :func:`fit_truncated_power_law`):
with x = σ/σ_max and t = −ln x ∈ [0, T), T = ln(σ_max/σ_min) (T = ∞ for
σ_min = 0, then α > −1 is required), the density of t is ∝ e^{−(α+1)t}, a
truncated exponential, so the likelihood is concave in α, the sufficient
statistics are the count n and Σ t, and the Fisher information is
n Var_α(t).  The uncertainty is the bootstrap over samples (pairs of one
sample share a configuration, so they are not independent); the Fisher
standard error (independent pairs) is reported beside it.

Which σ: ``stress="abs_psi"`` (default, eq. 90) uses |pair_psi|;
``"offdiagonal"`` pools |σ^{αβ}|, α < β, of ``pair_stress`` (the quantity of
seed 001 Fig. 3); ``"component"`` takes |σ^{ab}| for one stated (a, b).  An
off-diagonal component is ê^a ê^b ψ, a product of |ψ| and an angular factor
with a finite density at 0; for α < 0 the product has the same small-σ
exponent as |ψ|, for α ≥ 0 it tends to α = 0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import xarray as xr
from scipy.stats import norm

from ..results.points import point_view
from ..results.registry import measures
from ..spectral.truncated_power_law import solve_truncated_power_law
from ..results.result import BootstrapEstimate, Measurement, ValidatorResult, bootstrap, current_axes, jsonable

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = [
    "StressChoice",
    "PowerLawFit",
    "StressExponentResult",
    "pair_stress_values",
    "fit_truncated_power_law",
    "stress_exponent",
    "dos_exponent_from_stress_exponent",
    "tapering_order_from_stress_exponent",
    "stress_exponent_from_tapering_order",
    "dos_exponent_from_tapering_order",
]

StressChoice = Literal["abs_psi", "offdiagonal", "component"]


# --------------------------------------------------------------------------- GHET mapping
def dos_exponent_from_stress_exponent(alpha: float | np.ndarray) -> float | np.ndarray:
    """DOS exponent s implied by P(σ) ∝ σ^α: s = 5 + 2α.

    From seed 001 eq. (8)/(105), ρ(λ) ∼ σ² P(σ)|_{σ=λζ} ∝ λ^{2+α}, and
    g(ω) = 2ω ρ(ω²) ∝ ω^{5+2α}.

    References
    ----------
    Seed 001 (``001_d453c975fd50a4a2.txt``), eqs (8), (11), (12), (105)–(107).

    Examples
    --------
    >>> dos_exponent_from_stress_exponent(-0.5), dos_exponent_from_stress_exponent(-1.0)
    (4.0, 3.0)
    """
    return 5.0 + 2.0 * np.asarray(alpha, dtype=float) if np.ndim(alpha) else 5.0 + 2.0 * float(alpha)


def tapering_order_from_stress_exponent(alpha: float) -> float:
    """Tapering order m implied by P(σ) ∝ σ^α with α = 1/m − 1 (seed 001 eq. 11): m = 1/(α + 1).

    Returns ``inf`` for α = −1 (m = ∞).  Only α ∈ (−1, 0] gives a physical
    order m ≥ 1; other values are returned as computed (m < 0 for α < −1).

    Examples
    --------
    >>> tapering_order_from_stress_exponent(-0.5), tapering_order_from_stress_exponent(-1.0)
    (2.0, inf)
    """
    a = float(alpha) + 1.0
    return math.inf if a == 0.0 else 1.0 / a


def stress_exponent_from_tapering_order(m: float) -> float:
    """α = 1/m − 1 (seed 001 eqs 11, 103); ``m = inf`` gives −1.

    Examples
    --------
    >>> stress_exponent_from_tapering_order(2), stress_exponent_from_tapering_order(float("inf"))
    (-0.5, -1.0)
    """
    return 1.0 / float(m) - 1.0


def dos_exponent_from_tapering_order(m: float) -> float:
    """s = 3 + 2/m (seed 001 eqs 12, 106); ``m = inf`` gives 3, m = 1 gives 5 (eq. 107).

    Examples
    --------
    >>> [dos_exponent_from_tapering_order(m) for m in (1, 2, float("inf"))]
    [5.0, 4.0, 3.0]
    """
    return 3.0 + 2.0 / float(m)


# --------------------------------------------------------------------------- truncated power law
def _alpha_from_sufficient(n: float, sum_t: float, t_max: float) -> tuple[float, float]:
    """(α, Fisher SE) from the count, Σ t = Σ ln(σ_max/σ) and T = ln(σ_max/σ_min)."""
    return solve_truncated_power_law(n, sum_t, t_max)


def _window_density(sigma: np.ndarray, alpha: float, lo: float, hi: float) -> np.ndarray:
    """Normalised truncated power-law density on (lo, hi]; NaN where it cannot be normalised (lo = 0, α ≤ −1)."""
    a = alpha + 1.0
    if lo == 0.0 and a <= 0.0:
        return np.full(np.shape(sigma), np.nan)
    if lo > 0 and abs(a) < 1e-12:
        return 1.0 / (sigma * math.log(hi / lo))
    norm_ = (hi**a - lo**a) / a
    return sigma**alpha / norm_


@dataclass(frozen=True)
class PowerLawFit:
    """Output of :func:`fit_truncated_power_law`.

    Attributes
    ----------
    alpha
        MLE of the exponent of P(σ) ∝ σ^α on the window.
    fisher_se
        1/√(n Var_α(t)), the standard error for independent values.
    n
        Number of values inside the window.
    window
        (σ_min, σ_max); the rule is σ_min < σ ≤ σ_max.
    """

    alpha: float
    fisher_se: float
    n: int
    window: tuple[float, float]


def _check_window(window: tuple[float, float]) -> tuple[float, float]:
    lo, hi = (float(v) for v in window)
    if not (0.0 <= lo < hi < math.inf):
        raise ValueError(f"window is {window}; expected (sigma_min, sigma_max) with 0 <= sigma_min < sigma_max < inf")
    return lo, hi


def fit_truncated_power_law(values: np.ndarray, window: tuple[float, float]) -> PowerLawFit:
    """Maximum-likelihood exponent of P(σ) ∝ σ^α on σ_min < σ ≤ σ_max.

    Parameters
    ----------
    values
        σ ≥ 0, any shape (flattened; values outside the window and NaN are ignored).
    window
        (σ_min, σ_max), units of σ.  σ_min = 0 requires α > −1 (the law is not
        normalisable at 0 otherwise); use σ_min > 0 for α ≤ −1.

    Returns
    -------
    PowerLawFit
        α, its Fisher standard error, the count and the window.  α is ±inf
        when every value sits at one edge; NaN when the window is empty.

    References
    ----------
    Seed 001 (``001_d453c975fd50a4a2.txt``), eqs (11), (103), Fig. 3.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> fit = fit_truncated_power_law(rng.random(20000) ** 2.0, (0.0, 1.0))  # P ∝ σ^(-1/2)
    >>> bool(abs(fit.alpha + 0.5) < 4 * fit.fisher_se)
    True
    """
    lo, hi = _check_window(window)
    v = np.asarray(values, dtype=float).ravel()
    v = v[(v > lo) & (v <= hi)]
    t_max = math.inf if lo == 0.0 else math.log(hi / lo)
    n = int(v.size)
    alpha, fisher_se = _alpha_from_sufficient(n, float(np.sum(np.log(hi / v))), t_max)
    return PowerLawFit(alpha, fisher_se, n, (lo, hi))


# --------------------------------------------------------------------------- stresses of a dataset
def _axis_index(ds: xr.Dataset, name: int | str, d: int) -> int:
    if isinstance(name, (int, np.integer)):
        idx = int(name)
    else:
        labels = [str(v) for v in ds["spatial"].values] if "spatial" in ds.coords else list("xyz"[:d])
        if str(name) not in labels:
            raise ValueError(f"stress component axis {name!r} not found; expected one of {labels} or an integer")
        idx = labels.index(str(name))
    if not 0 <= idx < d:
        raise ValueError(f"stress component axis {name!r} is out of range for d = {d}")
    return idx


def pair_stress_values(
    ds: xr.Dataset,
    stress: StressChoice = "abs_psi",
    component: tuple[int | str, int | str] | None = None,
) -> list[np.ndarray]:
    """The scalar stresses σ ≥ 0 of each sample of one parameter point.

    Parameters
    ----------
    ds
        One parameter point with VDOS-1.0 ragged pair data: ``pair_count``
        (sample,) and ``pair_psi`` (pair,) for ``"abs_psi"``, or
        ``pair_stress`` (pair, spatial, spatial_b) for the tensor choices.
    stress
        ``"abs_psi"``: σ = |ψ| = |r φ′(r)| (seed 001 eq. 90);
        ``"offdiagonal"``: |σ^{ab}| for every a < b, pooled (d(d−1)/2 values
        per pair; seed 001 Fig. 3); ``"component"``: |σ^{ab}| for ``component``.
    component
        (a, b) as indices or spatial labels (``("x", "y")``); only for ``"component"``.

    Returns
    -------
    list of numpy.ndarray
        One 1-D array of σ per sample, units of ``pair_psi`` / ``pair_stress``.

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> ds = mock_spectrum(n_sample=2, n_site=4, pairs_per_sample=3)
    >>> ds["pair_psi"] = ("pair", -np.arange(6.0), {"long_name": "r phi'(r)", "units": "1"})
    >>> [v.tolist() for v in pair_stress_values(ds)]
    [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    """
    view = point_view(ds, "pair_stress_values")
    if stress == "abs_psi":
        if "pair_psi" not in ds.variables:
            raise ValueError(
                "stress='abs_psi' needs the pair variable 'pair_psi' (= r phi'(r), VDOS-1.0 ragged pairs); "
                f"found {sorted(str(v) for v in ds.variables if 'pair' in ds[v].dims)}. Fix: store pair_psi, "
                "or pass stress='offdiagonal' when pair_stress is stored"
            )
        return [np.abs(np.asarray(p, dtype=float)) for (p,) in view.sample_pairs("pair_psi")]
    if stress not in ("offdiagonal", "component"):
        raise ValueError(f"stress is {stress!r}; expected one of 'abs_psi', 'offdiagonal', 'component'")
    if "pair_stress" not in ds.variables:
        raise ValueError(
            f"stress={stress!r} needs the pair variable 'pair_stress' (pair, spatial, spatial_b); "
            "store it, or pass stress='abs_psi' with pair_psi"
        )
    d = view.dimension
    tensors = [np.asarray(s, dtype=float) for (s,) in view.sample_pairs("pair_stress")]
    if stress == "offdiagonal":
        if component is not None:
            raise ValueError("component is only used with stress='component'")
        if d < 2:
            raise ValueError("stress='offdiagonal' needs spatial_dimension >= 2")
        a, b = np.triu_indices(d, k=1)
        return [np.abs(t[:, a, b]).ravel() for t in tensors]
    if component is None:
        raise ValueError("stress='component' needs component=(a, b), e.g. ('x', 'y')")
    ia, ib = (_axis_index(ds, c, d) for c in component)
    return [np.abs(t[:, ia, ib]) for t in tensors]


@dataclass(frozen=True, eq=False)
class StressExponentResult(ValidatorResult):
    """Output of :func:`stress_exponent`.

    Attributes
    ----------
    alpha
        Exponent of P(σ) ∝ σ^α on the window (:class:`Measurement`; bootstrap
        over samples; with one sample, the Fisher standard error and a normal interval).
    dos_exponent
        s = 5 + 2α implied by GHET (seed 001 eqs 8, 105): uncertainty 2·SE(α).
    inverse_tapering_order
        1/m = α + 1 (seed 001 eq. 11); 0 means m = ∞.  Reported instead of m
        because m = 1/(α + 1) diverges at α = −1; see :attr:`tapering_order`.
    fisher_se
        Fisher standard error of α (independent pairs), beside the bootstrap.
    curve
        ``density`` (sigma): log-binned P(σ), counts/(n_values · bin width),
        with ``sigma_low``/``sigma_high`` edges; ``fit`` (sigma): the fitted
        law × fraction of values in the window, NaN outside it.
    settings
        Stress choice, window, window rule, bins, bootstrap settings.
    """

    headline = "alpha"

    alpha: Measurement
    dos_exponent: Measurement
    inverse_tapering_order: Measurement
    fisher_se: float
    curve: xr.Dataset
    settings: Mapping[str, Any]

    @property
    def tapering_order(self) -> float:
        """m = 1/(α + 1) at the estimate (``inf`` at α = −1)."""
        return tapering_order_from_stress_exponent(self.alpha.value)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able dict: the measurements, the Fisher SE and the settings."""
        return {
            "measurements": {k: m.to_dict() for k, m in self.measurements().items()},
            "fisher_se": jsonable(self.fisher_se),
            "settings": jsonable(dict(self.settings)),
        }

    def plot(self, ax: Axes | None = None) -> Axes:
        """Log-log P(σ) with the fitted power law on the window."""
        ax = current_axes(ax)
        c = self.curve
        x = c["sigma"].values
        y = c["density"].values
        keep = y > 0
        ax.loglog(x[keep], y[keep], "o", ms=3, color="k", label="P(σ)")
        f = c["fit"].values
        ok = np.isfinite(f)
        ax.loglog(x[ok], f[ok], "-", color="tab:red", label=f"σ^α, α = {self.alpha.value:.3g}")
        for edge in self.settings["window"]:
            if edge > 0:
                ax.axvline(edge, color="0.6", ls=":")
        ax.set_xlabel(f"σ [{c['sigma'].attrs.get('units', '1')}]")
        ax.set_ylabel("P(σ)")
        ax.set_title(
            f"α = {self.alpha.value:.3g} ± {self.alpha.uncertainty:.2g}, implied s = {self.dos_exponent.value:.3g}"
        )
        ax.legend()
        return ax


def _as_per_sample(values: Sequence[np.ndarray] | np.ndarray) -> list[np.ndarray]:
    if isinstance(values, np.ndarray) and values.dtype != object:
        arr = np.asarray(values, dtype=float)
        if arr.ndim == 1:
            return [arr]
        return [row.ravel() for row in arr]
    return [np.asarray(v, dtype=float).ravel() for v in values]


def _stresses(
    data: xr.Dataset | Sequence[np.ndarray] | np.ndarray,
    stress: StressChoice,
    component: tuple[int | str, int | str] | None,
    units: str | None,
) -> tuple[list[np.ndarray], str, str]:
    """The per-sample stresses σ ≥ 0, their units and the stress choice's name; raise on bad input."""
    if isinstance(data, xr.Dataset):
        per_sample = pair_stress_values(data, stress, component)
        src = "pair_psi" if stress == "abs_psi" else "pair_stress"
        units = str(data[src].attrs.get("units", "1"))
        choice: str = stress if stress != "component" else f"component {component}"
    else:
        if component is not None:
            raise ValueError("component selects a pair_stress component; it has no meaning for array input")
        per_sample = _as_per_sample(data)
        units = units or "1"
        choice = "given values"
    if not per_sample:
        raise ValueError("no samples: expected at least one array of stresses")
    for v in per_sample:
        if np.any(v[np.isfinite(v)] < 0):
            raise ValueError("stresses must be >= 0 (sigma = |psi| or |component|); found negative values")
    return per_sample, units, choice


def _fit_window(
    positive: np.ndarray, window: tuple[float, float] | None, quantile: float, lower_quantile: float
) -> tuple[float, float, str]:
    """(σ_min, σ_max) of the fit and the rule that chose it: given, or quantiles of the pooled σ > 0."""
    if window is None:
        if not 0.0 < quantile <= 1.0:
            raise ValueError(f"quantile is {quantile}; expected a number in (0, 1]")
        if not 0.0 <= lower_quantile < quantile:
            raise ValueError(f"lower_quantile is {lower_quantile}; expected a number in [0, quantile = {quantile})")
        lo = float(np.quantile(positive, lower_quantile)) if lower_quantile > 0 else 0.0
        hi = float(np.quantile(positive, quantile))
        return lo, hi, f"(quantile {lower_quantile}, quantile {quantile}] of the pooled sigma > 0"
    lo, hi = _check_window(window)
    return lo, hi, "given"


def _window_sums(per_sample: list[np.ndarray], lo: float, hi: float) -> tuple[np.ndarray, np.ndarray]:
    """Per sample, the count of σ in (lo, hi] and the sum of ln(hi/σ) over them (the sufficient statistics)."""
    counts = np.empty(len(per_sample))
    sums = np.empty(len(per_sample))
    for k, v in enumerate(per_sample):
        w = v[(v > lo) & (v <= hi)]
        counts[k] = w.size
        sums[k] = np.sum(np.log(hi / w))
    if counts.sum() < 2:
        raise ValueError(
            f"the window ({lo:g}, {hi:g}] holds {int(counts.sum())} stress values; expected at least 2: widen it"
        )
    return counts, sums


def _density_curve(
    positive: np.ndarray, n_values: int, bins: int, lo: float, hi: float, alpha: float, n_in: float, units: str
) -> xr.Dataset:
    """The diagnostic curve: log-binned density of all positive σ, and the fitted law on the window."""
    # (T_inf tapers leave sigma down to ~1e-300 at the cut: the bins start at 1e-16 of the largest sigma)
    edges = np.geomspace(max(positive.min(), 1e-16 * positive.max()), positive.max() * (1 + 1e-12), int(bins) + 1)
    hist, _ = np.histogram(positive, bins=edges)
    centres = np.sqrt(edges[1:] * edges[:-1])
    density = hist / (n_values * np.diff(edges))
    inside = (centres > lo) & (centres <= hi)
    fit_curve = np.full(centres.shape, np.nan)
    if math.isfinite(alpha):
        fit_curve[inside] = (n_in / n_values) * _window_density(centres[inside], alpha, lo, hi)
    attrs_s = {"long_name": "stress sigma (geometric bin centre)", "units": units}
    inv_units = {"units": "1" if units == "1" else f"1/({units})"}
    return xr.Dataset(
        {
            "density": ("sigma", density, {"long_name": "P(sigma): counts / (n_values * bin width)", **inv_units}),
            "fit": ("sigma", fit_curve, {"long_name": "fitted power law x fraction in window", **inv_units}),
            "count": ("sigma", hist, {"long_name": "values per bin", "units": "1"}),
        },
        coords={
            "sigma": ("sigma", centres, attrs_s),
            "sigma_low": ("sigma", edges[:-1], {**attrs_s, "long_name": "lower bin edge"}),
            "sigma_high": ("sigma", edges[1:], {**attrs_s, "long_name": "upper bin edge"}),
        },
        attrs={"window": np.array([lo, hi])},
    )


def _pooled(per_sample: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The finite stresses of all samples pooled, and those > 0; raise when none is > 0."""
    pooled = np.concatenate(per_sample)
    pooled = pooled[np.isfinite(pooled)]
    positive = pooled[pooled > 0]
    if positive.size == 0:
        raise ValueError("no stress value is > 0; expected positive sigma values to fit P(sigma)")
    return pooled, positive


def _bootstrap_exponents(
    counts: np.ndarray,
    sums: np.ndarray,
    t_max: float,
    groups: np.ndarray | None,
    n_bootstrap: int,
    seed: int,
    confidence: float,
) -> BootstrapEstimate:
    """α, s = 5 + 2α and 1/m = α + 1 from the per-sample sufficient statistics, bootstrapped over samples (chains)."""

    def statistic(suff: np.ndarray) -> np.ndarray:
        a = _alpha_from_sufficient(float(suff[:, 0].sum()), float(suff[:, 1].sum()), t_max)[0]
        return np.array([a, 5.0 + 2.0 * a, a + 1.0])

    suff = np.column_stack([counts, sums])
    return bootstrap(statistic, suff, n_bootstrap=n_bootstrap, seed=seed, confidence=confidence, groups=groups)


def _stress_settings(
    choice: str,
    lo: float,
    hi: float,
    window_rule: str,
    n_in: float,
    n_values: int,
    n_positive: int,
    bins: int,
    fisher: float,
) -> dict[str, Any]:
    """The measurements' settings: stress, window and its rule, counts, binning, estimator, Fisher SE."""
    return {
        "stress": choice,
        "window": (lo, hi),
        "window_rule": window_rule,
        "inclusion": "sigma_min < sigma <= sigma_max",
        "n_in_window": int(n_in),
        "n_values": int(n_values),
        "n_zero_values": int(n_values - n_positive),
        "bins": int(bins),
        "binning": "logarithmic, from max(smallest sigma > 0, 1e-16 x largest) to the largest sigma",
        "estimator": "maximum likelihood, truncated power law (t = ln(sigma_max/sigma) is truncated exponential)",
        "fisher_se": fisher,
    }


#: (name, mapping, method) of α, s = 5 + 2α and 1/m = α + 1, in the bootstrap statistic's order.
_SPECS = (
    (
        "stress_exponent",
        "",
        "MLE of the truncated power law P(sigma) ~ sigma^alpha on the window",
    ),
    (
        "implied_dos_exponent",
        "s = 5 + 2 alpha (seed 001 eqs 8, 105)",
        "GHET: g(omega) ~ omega^(5 + 2 alpha) from rho(lambda) ~ sigma^2 P(sigma) at sigma = lambda zeta",
    ),
    (
        "implied_inverse_tapering_order",
        "1/m = alpha + 1 (seed 001 eq. 11)",
        "GHET: P(sigma) ~ sigma^(1/m - 1) for a potential tapered as (r_c - r)^(m+1)",
    ),
)


def _measurements(
    est: BootstrapEstimate,
    alpha: float,
    fisher: float,
    n_samples: int,
    settings: dict[str, Any],
    curve: xr.Dataset,
    confidence: float,
) -> tuple[Measurement, Measurement, Measurement]:
    """α, s and 1/m with bootstrap intervals, or Fisher intervals for a single sample."""
    if n_samples >= 2:
        m_alpha, m_s, m_m = (
            est.measurement(
                name,
                index=k,
                units="1",
                settings={**settings, "mapping": mapping},
                curve=curve,
                method=f"{method}; bootstrap over samples",
            )
            for k, (name, mapping, method) in enumerate(_SPECS)
        )
        return m_alpha, m_s, m_m
    z = float(norm.ppf(0.5 + confidence / 2.0))
    one = {**settings, "uncertainty": "Fisher standard error (one sample: no bootstrap)", "confidence": confidence}
    values = (alpha, 5.0 + 2.0 * alpha, alpha + 1.0)
    ses = (fisher, 2.0 * fisher, fisher)
    m_alpha, m_s, m_m = (
        Measurement(
            name,
            v,
            se,
            v - z * se,
            v + z * se,
            confidence,
            "1",
            {**one, "mapping": mapping},
            curve,
            1,
            f"{method}; Fisher standard error",
        )
        for (name, mapping, method), v, se in zip(_SPECS, values, ses)
    )
    return m_alpha, m_s, m_m


@measures("alpha", "dos_exponent", "inverse_tapering_order")
def stress_exponent(
    data: xr.Dataset | Sequence[np.ndarray] | np.ndarray,
    *,
    stress: StressChoice = "abs_psi",
    component: tuple[int | str, int | str] | None = None,
    window: tuple[float, float] | None = None,
    quantile: float = 0.1,
    lower_quantile: float = 0.0,
    bins: int = 40,
    n_bootstrap: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
    units: str | None = None,
) -> StressExponentResult:
    """Exponent α of P(σ) ∝ σ^α at small σ, and the GHET exponents it implies.

    Parameters
    ----------
    data
        One parameter point with pair data (see :func:`pair_stress_values`),
        or the stresses σ ≥ 0 themselves: a sequence of 1-D arrays (one per
        sample) or an array of shape ``(sample, n)``.
    stress, component
        Which scalar stress (:func:`pair_stress_values`); ignored for arrays.
    window
        (σ_min, σ_max) of the fit, rule σ_min < σ ≤ σ_max.  Default
        (quantile ``lower_quantile``, quantile ``quantile``) of the pooled
        non-zero σ; σ_min = 0 for ``lower_quantile = 0``.
    quantile
        The default σ_max as a quantile of the pooled σ > 0, in (0, 1].
    lower_quantile
        The default σ_min as a quantile of the pooled σ > 0, in [0, quantile).
        With σ_min = 0 the likelihood exists only for α > −1, so an exponent
        at or below −1 (the m = ∞ taper) comes out pinned at −1; a lower
        cutoff σ_min > 0 makes every α measurable.
    bins
        Number of logarithmic bins of the diagnostic histogram.
    n_bootstrap, seed, confidence
        Bootstrap over samples (the window is held fixed).
    units
        Units of σ for array input (default ``"1"``).

    Returns
    -------
    StressExponentResult
        ``alpha``, ``dos_exponent`` (s = 5 + 2α), ``inverse_tapering_order``
        (1/m = α + 1), ``fisher_se``, ``curve``, ``settings``.

    References
    ----------
    Seed 001 (``001_d453c975fd50a4a2.txt``): eqs (6), (8), (11), (12), (86)–(107), Fig. 3.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> sig = rng.random((20, 500)) ** 4.0  # P(σ) ∝ σ^(-3/4) on (0, 1]
    >>> res = stress_exponent(sig, window=(0.0, 1.0), n_bootstrap=100)
    >>> bool(abs(res.alpha.value + 0.75) < 4 * res.alpha.uncertainty), res.settings["stress"]
    (True, 'given values')
    """
    per_sample, units, choice = _stresses(data, stress, component, units)
    pooled, positive = _pooled(per_sample)
    lo, hi, window_rule = _fit_window(positive, window, quantile, lower_quantile)
    t_max = math.inf if lo == 0.0 else math.log(hi / lo)
    counts, sums = _window_sums(per_sample, lo, hi)
    groups = data.vdos.chain_groups if isinstance(data, xr.Dataset) else None
    est = _bootstrap_exponents(counts, sums, t_max, groups, n_bootstrap, seed, confidence)
    alpha = float(est.value[0])
    n_in = float(counts.sum())
    fisher = _alpha_from_sufficient(n_in, float(sums.sum()), t_max)[1]
    curve = _density_curve(positive, pooled.size, bins, lo, hi, alpha, n_in, units)
    settings = _stress_settings(choice, lo, hi, window_rule, n_in, pooled.size, positive.size, bins, fisher)
    m_alpha, m_s, m_m = _measurements(est, alpha, fisher, len(per_sample), settings, curve, confidence)
    return StressExponentResult(m_alpha, m_s, m_m, fisher, curve, settings)
