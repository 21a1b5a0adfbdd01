"""Low-frequency exponent s of g(ω) ∝ ω^s, by two independent estimators.

If g(ω) ∝ ω^s then F(ω) = ∫₀^ω g ∝ ω^(s+1), so F(ω)/ω^(s+1) is flat at the
true s and tilts as ω^(s_true − s) otherwise: the test of seed 003
(``003_e4d31faec595bf16.txt``, Fig. 1: F/ω⁵ and F/ω⁴; seed 001,
``001_d453c975fd50a4a2.txt``, Fig. 4 and eq. (19) use F rather than the
binned g for its better data quality).  Both estimators use the pooled
non-zero modes of one parameter point inside a stated window.

``flatness`` (seed 003)
    F is the pooled integrated DOS, the mean over samples of the fraction of
    each sample's non-zero modes with frequency ≤ ω
    (:func:`vdosbench.validators.integrated_dos`).  Flatness is the variance,
    over the window's pooled mode frequencies ω_i, of
    log[F̄(ω_i)/ω_i^(s+1)], F̄ the middle of F's step at ω_i (the mean of
    F(ω_i⁻) and F(ω_i)); the s minimising it is the least-squares slope of
    log F̄ against log ω, minus 1.  The mid-step value removes the O(1/i)
    bias of the lowest points (E log U₍ᵢ₎ = ψ(i) − ψ(n+1) ≈ log((i − ½)/n)
    for uniform order statistics).  The curve records F/ω^(s+1) (the
    right-continuous F, as plotted in the seed) for any trial s.
``mle``
    Maximum likelihood for a power law truncated to the window (a, b]:
    p(ω) = (s+1) ω^s / (b^(s+1) − a^(s+1)).  With y = log(b/ω) the density
    of y is ∝ e^(−u y) on [0, ℓ), u = s+1, ℓ = log(b/a), so the score
    equation is Σ_j n_j m(u, ℓ_j) = Σ y, m(u, ℓ) = 1/u − ℓ/(e^(uℓ) − 1) the
    mean of y (closed form u = n/Σy when a = 0), solved by Newton steps
    inside a bisection bracket (the log-likelihood is concave in u: its
    second derivative is minus the Fisher information Σ_j n_j Var_u(y),
    Var_u(y) = 1/u² − ℓ²/(4 sinh²(uℓ/2)), 1/u² for a = 0); the Fisher
    standard error is reported next to the bootstrap one.

Windows (:class:`PowerLawWindow`, recorded in the result)
    ``explicit`` (a, b]; ``below_phonon``: (a, f·ω₀] with ω₀ = 2π v_T/L the
    lowest phonon (:func:`vdosbench.validators.lowest_phonon_frequency`, or a
    given ω₀) and a stated factor f (default 0.8: the lowest phonon shell of
    a glass is broadened by disorder, so the edge stays below it);
    ``lowest_k``: the lowest k non-zero modes of each sample.  For
    ``lowest_k`` sample j's window is (0, b_j] with b_j its (k+1)-th lowest
    non-zero frequency: conditionally on b_j the k modes below it are
    independent draws from the power law truncated to (0, b_j], which is the
    likelihood used (a Hill-type estimator); the flatness fit uses the same
    modes, with F the exact pooled integrated DOS of all modes (needs every
    mode up to max_j b_j: a second pass over a Dask dataset).

Not estimable
    A window whose modes sit at fewer than three distinct frequencies (modes
    closer than :data:`LEVEL_RESOLUTION` relative are one level: an
    eigensolver splits an exact degeneracy, e.g. of a crystal's plane waves,
    by a few ulps), or whose every mode sits at its upper edge, fixes no
    exponent: both estimators would return a number set by the rounding or by
    the window's edge alone (a 1-ulp split makes the flatness slope ~1e15).
    :func:`power_law_exponent` raises :class:`NotEstimable` saying why.

Uncertainty
    Both estimators are bootstrapped together over samples (never modes),
    :func:`vdosbench.validators.bootstrap`; every resample recomputes the
    pooled F, the window statistics and both fits.  Only per-sample
    sufficient statistics (counts and Σ log ω in the window) and the in-window
    frequencies are kept, so a Dask-backed dataset is read one block of
    sample chunks at a time (:meth:`ds.vdos.sample_blocks <vdosbench.datasets.VdosAccessor.sample_blocks>`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import xarray as xr

from vdosbench.datasets.accessor import VdosAccessor
from vdosbench.datasets.errors import VdosbenchError

from ..results.points import point_view
from ..results.registry import measures
from ..results.result import Measurement, ValidatorResult, bootstrap, current_axes, jsonable
from .phonon import _omega0_per_sample, _SampleOmega0
from .truncated_power_law import _dot, _log_z, _solve_mle, _var_y

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = [
    "LEVEL_RESOLUTION",
    "NotEstimable",
    "PowerLawWindow",
    "PowerLawResult",
    "power_law_exponent",
]

WindowRule = Literal["explicit", "below_phonon", "lowest_k"]
_RULES = ("explicit", "below_phonon", "lowest_k")
#: Frequencies closer than this relative distance are one degenerate level (√ε of float64: an eigensolver
#: splits an exact degeneracy by a few ulps, far below it; distinct levels of a disordered spectrum lie far above).
LEVEL_RESOLUTION = math.sqrt(float(np.finfo(np.float64).eps))
#: Fewest distinct frequencies (levels) in a window that fix an exponent.
MIN_LEVELS = 3
#: Largest natural logarithm of a float64 (log of its largest finite value).
_LOG_MAX = math.log(float(np.finfo(np.float64).max))


class NotEstimable(VdosbenchError, ValueError):
    """The window's modes fix no exponent (module docstring, *Not estimable*); the message says why."""


#: Default factor f of the ``below_phonon`` rule: window (omega_min, f * omega0].
DEFAULT_PHONON_FACTOR = 0.8
#: Default k of the ``lowest_k`` rule.
DEFAULT_LOWEST_K = 50

FLATNESS_DEFINITION = (
    "s minimising the variance over the window's pooled mode frequencies of log[Fmid/omega^(s+1)], "
    "Fmid = middle of the step of the pooled integrated DOS at each mode; = least-squares slope of "
    "log Fmid vs log omega minus 1"
)
MLE_DEFINITION = (
    "maximum likelihood of p(omega) = (s+1) omega^s / (b^(s+1) - a^(s+1)) on each sample's window (a, b]; "
    "Fisher standard error 1/sqrt(sum_j n_j Var_u(log(b/omega)))"
)


# ----------------------------------------------------------------------------- windows


@dataclass(frozen=True)
class PowerLawWindow:
    """The frequency window of the power-law fit, or the rule that chooses it.

    Attributes
    ----------
    rule
        ``"explicit"`` (``omega_min``, ``omega_max``]; ``"below_phonon"``
        (``omega_min``, ``phonon_factor`` · ω₀]; ``"lowest_k"``: the lowest
        ``k`` non-zero modes of each sample (module docstring).
    omega_min
        Lower edge a ≥ 0 (units of ω); must be 0 for ``lowest_k``.
    omega_max
        Upper edge b (``explicit`` only).
    k
        Modes per sample (``lowest_k`` only).
    phonon_factor
        f in (0, 1] (``below_phonon`` only).

    Examples
    --------
    >>> PowerLawWindow.explicit(0.0, 0.5).describe()
    'explicit: (0, 0.5]'
    >>> PowerLawWindow.lowest_k(20).describe()
    'lowest_k: the lowest 20 non-zero modes of each sample'
    """

    rule: WindowRule = "explicit"
    omega_min: float = 0.0
    omega_max: float | None = None
    k: int | None = None
    phonon_factor: float | None = None

    def __post_init__(self) -> None:
        if self.rule not in _RULES:
            raise ValueError(f"window rule is {self.rule!r}; expected one of {', '.join(map(repr, _RULES))}")
        if not (math.isfinite(self.omega_min) and self.omega_min >= 0):
            raise ValueError(f"omega_min is {self.omega_min}; expected a finite frequency >= 0")
        if self.rule == "explicit":
            if self.omega_max is None or not math.isfinite(self.omega_max) or self.omega_max <= self.omega_min:
                raise ValueError(
                    f"explicit window ({self.omega_min}, {self.omega_max}]: expected omega_max > omega_min, "
                    "e.g. PowerLawWindow.explicit(0.0, 0.5)"
                )
        elif self.omega_max is not None:
            raise ValueError(f"omega_max is set by the {self.rule!r} rule; leave it None")
        if self.rule == "lowest_k":
            if self.k is None or int(self.k) != self.k or self.k < 2:
                raise ValueError(f"lowest_k window: k is {self.k!r}; expected an integer >= 2")
            if self.omega_min != 0:
                raise ValueError("lowest_k window starts at 0 (the lowest non-zero mode); omega_min must be 0")
        elif self.k is not None:
            raise ValueError(f"k belongs to the 'lowest_k' rule, not {self.rule!r}")
        if self.rule == "below_phonon":
            f = self.phonon_factor
            if f is None or not (0 < f <= 1):
                raise ValueError(f"below_phonon window: phonon_factor is {f!r}; expected a number in (0, 1]")
        elif self.phonon_factor is not None:
            raise ValueError(f"phonon_factor belongs to the 'below_phonon' rule, not {self.rule!r}")

    @classmethod
    def explicit(cls, omega_min: float, omega_max: float) -> PowerLawWindow:
        """The window (omega_min, omega_max]."""
        return cls("explicit", float(omega_min), float(omega_max))

    @classmethod
    def below_phonon(cls, factor: float = DEFAULT_PHONON_FACTOR, omega_min: float = 0.0) -> PowerLawWindow:
        """The window (omega_min, factor · ω₀], ω₀ the lowest phonon frequency."""
        return cls("below_phonon", float(omega_min), phonon_factor=float(factor))

    @classmethod
    def lowest_k(cls, k: int = DEFAULT_LOWEST_K) -> PowerLawWindow:
        """The lowest ``k`` non-zero modes of each sample."""
        return cls("lowest_k", 0.0, k=int(k))

    def describe(self) -> str:
        """One line naming the rule and its parameters."""
        if self.rule == "explicit":
            return f"explicit: ({self.omega_min:g}, {self.omega_max:g}]"
        if self.rule == "below_phonon":
            return f"below_phonon: ({self.omega_min:g}, {self.phonon_factor:g} * omega0]"
        return f"lowest_k: the lowest {self.k} non-zero modes of each sample"


def _as_window(window: PowerLawWindow | tuple[float, float] | Sequence[float] | str) -> PowerLawWindow:
    if isinstance(window, PowerLawWindow):
        return window
    if isinstance(window, str):
        if window == "below_phonon":
            return PowerLawWindow.below_phonon()
        if window == "lowest_k":
            return PowerLawWindow.lowest_k()
        raise ValueError(
            f"window is {window!r}; expected a PowerLawWindow, a tuple (omega_min, omega_max), "
            "'below_phonon' or 'lowest_k'"
        )
    try:
        lo, hi = (float(x) for x in window)
    except (TypeError, ValueError) as e:
        raise ValueError(
            f"window is {window!r}; expected a PowerLawWindow, a tuple (omega_min, omega_max), "
            "'below_phonon' or 'lowest_k'"
        ) from e
    return PowerLawWindow.explicit(lo, hi)


# ----------------------------------------------------------------------------- data access


def _sorted_frequencies(omega: xr.DataArray) -> np.ndarray:
    """ω of each sample (``ds.vdos.omega`` of a block) sorted ascending, zero modes (NaN) last; (n_block, n_mode)."""
    return np.sort(np.asarray(omega.transpose("sample", "mode").values, dtype=float), axis=1)


# ----------------------------------------------------------------------------- collection


@dataclass(frozen=True)
class _Window:
    """What the data pass kept: pooled in-window frequencies and per-sample statistics."""

    omega: np.ndarray  # (M,) collected frequencies, sorted
    sample: np.ndarray  # (M,) sample position of each
    selected: np.ndarray  # (M,) bool: inside its sample's window (a fit point)
    n_nonzero: np.ndarray  # (S,) normalisation of F
    below: np.ndarray  # (S,) non-zero modes <= omega_min
    n_window: np.ndarray  # (S,) selected modes
    sum_y: np.ndarray  # (S,) Σ log(b_j/ω) over selected
    sum_log_omega: np.ndarray  # (S,) Σ log ω over selected
    lower: float
    upper: np.ndarray  # (S,) b_j


def _collect(view: VdosAccessor, lower: float, upper: float | None, k: int | None) -> _Window:
    n_total = view.mode_total
    n_s = view.n_sample
    n_nonzero = np.empty(n_s)
    below = np.zeros(n_s)
    n_window = np.zeros(n_s)
    sum_y = np.zeros(n_s)
    sum_log = np.zeros(n_s)
    if k is not None:  # pass 1: per-sample edge b_j = (k+1)-th lowest non-zero frequency
        edges = np.empty(n_s)
        for sl, block in view.sample_blocks():
            w = _sorted_frequencies(block.vdos.omega)
            n_finite = np.isfinite(w).sum(axis=1)
            if w.shape[1] <= k or np.any(n_finite < k + 1):
                raise ValueError(
                    f"lowest_k window with k = {k} needs k + 1 = {k + 1} non-zero modes per sample; a sample "
                    f"has {int(n_finite.min()) if n_finite.size else 0}. Fix: lower k"
                )
            if np.any(w[:, :k] <= 0):
                raise ValueError(
                    "lowest_k window: a non-zero mode has frequency 0 (an unflagged eigenvalue <= 0); flag it "
                    "in zero_mode or drop it"
                )
            edges[sl] = w[:, k]
        collect_to = float(edges.max())
    else:
        assert upper is not None
        edges = np.full(n_s, float(upper))
        collect_to = float(upper)
    parts_w, parts_s, parts_sel = [], [], []
    for sl, block in view.sample_blocks():
        w = _sorted_frequencies(block.vdos.omega)
        finite = np.isfinite(w)
        n_nonzero[sl] = n_total - (~finite).sum(axis=1)
        with np.errstate(invalid="ignore"):
            below[sl] = (w <= lower).sum(axis=1) if lower > 0 else 0
            collect = (w > lower) & (w <= collect_to)
            if k is None:
                sel = collect
            else:
                sel = np.zeros(w.shape, dtype=bool)
                sel[:, :k] = True
            b = edges[sl][:, None]
            y = np.where(sel, np.log(b / np.where(sel, w, 1.0)), 0.0)
            logw = np.where(sel, np.log(np.where(sel, w, 1.0)), 0.0)
        n_window[sl] = sel.sum(axis=1)
        sum_y[sl] = y.sum(axis=1)
        sum_log[sl] = logw.sum(axis=1)
        rows, cols = np.nonzero(collect)
        parts_w.append(w[rows, cols])
        parts_s.append(rows + sl.start)
        parts_sel.append(sel[rows, cols])
    omega = np.concatenate(parts_w) if parts_w else np.empty(0)
    order = np.argsort(omega, kind="stable")
    return _Window(
        omega=omega[order],
        sample=np.concatenate(parts_s)[order].astype(np.int64) if parts_s else np.empty(0, np.int64),
        selected=np.concatenate(parts_sel)[order] if parts_sel else np.empty(0, bool),
        n_nonzero=n_nonzero,
        below=below,
        n_window=n_window,
        sum_y=sum_y,
        sum_log_omega=sum_log,
        lower=float(lower),
        upper=edges,
    )


def _levels(omega: np.ndarray) -> np.ndarray:
    """The lowest frequency of each distinct level of sorted ``omega``: neighbours closer than
    :data:`LEVEL_RESOLUTION` relative are one level."""
    return omega[np.r_[omega.size > 0, np.diff(omega) > LEVEL_RESOLUTION * omega[1:]]] if omega.size else omega


def _check_estimable(win: _Window, description: str) -> None:
    """Raise :class:`NotEstimable` when the window's modes fix no exponent (module docstring)."""
    inside = win.omega[win.selected]
    n_modes = int(win.n_window.sum())
    found = _levels(inside)
    levels = found.size
    if levels < MIN_LEVELS:
        shown = ", ".join(f"{w:.6g}" for w in found)
        raise NotEstimable(
            f"the window {description} holds {n_modes} non-zero modes at {levels} distinct "
            f"frequenc{'y' if levels == 1 else 'ies'} ({shown}; modes closer than {LEVEL_RESOLUTION:.1e} relative "
            f"are one degenerate level, as an eigensolver splits an exact degeneracy); a power law's exponent "
            f"needs at least {MIN_LEVELS}. Fix: widen the window, or measure data whose spectrum is not a few "
            "degenerate levels (a crystal or an undisordered network has no low-frequency power law)"
        )
    if not win.sum_y.sum() > LEVEL_RESOLUTION * n_modes:
        raise NotEstimable(
            f"every one of the {n_modes} modes of the window {description} sits at its upper edge (to "
            f"{LEVEL_RESOLUTION:.1e} relative: a degenerate level at the edge), so the likelihood has no maximum. "
            "Fix: widen the window (a larger k, or an edge between levels)"
        )


def _f_over_power(F: np.ndarray, omega: np.ndarray, exponent: np.ndarray | float) -> np.ndarray:
    """F/ω^(s+1), broadcast, computed as exp(log F − (s+1) log ω): where ω^(s+1) alone would overflow or
    underflow (a large s), the ratio is still right; a ratio beyond the float range is inf, stated, not raised."""
    log_ratio = np.log(F) - (np.asarray(exponent) + 1.0) * np.log(omega)
    return np.where(log_ratio > _LOG_MAX, np.inf, np.exp(np.minimum(log_ratio, _LOG_MAX)))


class _Estimators:
    """Both estimators as functions of per-sample bootstrap counts c (shape (S,))."""

    def __init__(self, win: _Window) -> None:
        self.win = win
        self.inv_n = 1.0 / win.n_nonzero
        self.below_frac = win.below / win.n_nonzero
        self.sel_idx = np.flatnonzero(win.selected)
        self.sel_sample = win.sample[self.sel_idx]
        self.log_omega = np.log(win.omega[self.sel_idx])
        w = win.omega
        self.ties = bool(w.size > 1 and np.any(w[1:] == w[:-1]))
        if self.ties:
            start = np.r_[True, w[1:] != w[:-1]]
            self.group_start = np.flatnonzero(start)
            self.group_of = np.cumsum(start) - 1
            self.group_end = np.r_[self.group_start[1:], w.size] - 1
        ell = np.log(win.upper / win.lower) if win.lower > 0 else np.full(win.upper.shape, np.inf)
        self.ell_groups, self.ell_of_sample = np.unique(ell, return_inverse=True)

    def pooled_F(self, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Right-continuous and mid-step pooled F at every collected frequency."""
        C = c.sum()
        step = (c * self.inv_n)[self.win.sample] / C
        base = _dot(c, self.below_frac) / C
        cs = np.cumsum(step)
        if self.ties:
            group_step = np.add.reduceat(step, self.group_start)
            end = cs[self.group_end][self.group_of]
            mid = end - 0.5 * group_step[self.group_of]
        else:
            end, mid = cs, cs - 0.5 * step
        return base + end, base + mid

    def flatness(self, c: np.ndarray) -> float:
        _, mid = self.pooled_F(c)
        p = c[self.sel_sample]
        use = p > 0
        x, y, p = self.log_omega[use], np.log(mid[self.sel_idx][use]), p[use]
        sp = p.sum()
        xm, ym = _dot(p, x) / sp, _dot(p, y) / sp
        dx = x - xm
        sxx = _dot(p, dx * dx)
        if not sxx > 0:
            return float("nan")
        return _dot(p, dx * (y - ym)) / sxx - 1.0

    def mle_u(self, c: np.ndarray) -> float:
        n_g = np.bincount(self.ell_of_sample, weights=c * self.win.n_window, minlength=self.ell_groups.size)
        return _solve_mle(n_g, self.ell_groups, _dot(c, self.win.sum_y))

    def fisher_se(self, u: float) -> float:
        n_g = np.bincount(self.ell_of_sample, weights=self.win.n_window, minlength=self.ell_groups.size)
        info = _dot(n_g, _var_y(u, self.ell_groups))
        return 1.0 / math.sqrt(info) if info > 0 else float("nan")

    def log_likelihood(self, u: float) -> float:
        """Mean log-likelihood per mode at u = s+1 (−inf where the law is not normalisable)."""
        n_g = np.bincount(self.ell_of_sample, weights=self.win.n_window, minlength=self.ell_groups.size)
        n = n_g.sum()
        with np.errstate(invalid="ignore"):
            total = -u * self.win.sum_y.sum() - self.win.sum_log_omega.sum() - _dot(n_g, _log_z(u, self.ell_groups))
        return float(total / n) if np.isfinite(total) else float("-inf")

    def both(self, idx: np.ndarray) -> np.ndarray:
        c = np.bincount(idx, minlength=self.win.n_nonzero.size).astype(float)
        return np.array([self.flatness(c), self.mle_u(c) - 1.0])


# ----------------------------------------------------------------------------- result


@dataclass(frozen=True, eq=False)
class PowerLawResult(ValidatorResult):
    """Output of :func:`power_law_exponent`.

    Attributes
    ----------
    flatness
        ``s_flatness``: the s making F(ω)/ω^(s+1) flattest over the window
        (seed 003); bootstrap standard error and percentile interval.
    mle
        ``s_mle``: maximum likelihood of the truncated power law; bootstrap
        standard error and interval; ``settings["fisher_standard_error"]``.
    fisher_standard_error
        1/√(Fisher information) of ``s_mle`` (assumes independent modes).
    window
        The rule, its parameters, the resolved edges (``omega_min``,
        ``omega_max`` or the per-sample ``upper_edge_min/median/max``),
        ``omega0`` for ``below_phonon``, and the number of modes used
        (``n_modes``, per sample ``n_modes_per_sample_min/max``).
    curve
        Along ``omega`` (the fit points: pooled window frequencies, sorted):
        ``F`` (pooled integrated DOS), ``F_mid`` (mid-step F used by the fit),
        ``F_over_omega_power`` (trial_exponent, omega) = F/ω^(s+1) for each
        trial s, ``F_over_omega_power_fit`` at s_flatness; along
        ``trial_exponent``: ``flatness_variance`` (the criterion) and
        ``mle_log_likelihood`` (mean per mode); along ``sample``:
        ``n_window_sample`` and ``upper_edge_sample``.
    settings
        Window, estimator definitions, trial exponents, bootstrap settings.
    """

    headline = "mle"

    flatness: Measurement
    mle: Measurement
    fisher_standard_error: float
    window: Mapping[str, Any]
    curve: xr.Dataset
    settings: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """JSON-able dict: both measurements, the Fisher standard error, window and settings."""
        return {
            "measurements": {k: m.to_dict() for k, m in self.measurements().items()},
            "fisher_standard_error": jsonable(self.fisher_standard_error),
            "window": jsonable(dict(self.window)),
            "settings": jsonable(dict(self.settings)),
        }

    def ratio(self, exponents: Sequence[float] | float) -> xr.DataArray:
        """F(ω)/ω^(s+1) at the fit points for any trial exponent(s); dims (trial_exponent, omega)."""
        s = np.atleast_1d(np.asarray(exponents, dtype=float))
        values = _f_over_power(self.curve["F"].values[None, :], self.curve["omega"].values[None, :], s[:, None])
        out = xr.DataArray(
            values, dims=("trial_exponent", "omega"), coords={"trial_exponent": s, "omega": self.curve["omega"]}
        )
        return out.rename("F_over_omega_power").assign_attrs(long_name="F(omega)/omega^(s+1)", units="1")

    def plot(self, ax: Axes | None = None) -> Axes:
        """F(ω)/ω^(s+1), each divided by its median, for the trial s and the fitted s (log-log)."""
        ax = current_axes(ax)
        c = self.curve
        x = c["omega"].values
        for s in c["trial_exponent"].values:
            y = c["F_over_omega_power"].sel(trial_exponent=s).values
            ax.plot(x, y / np.median(y), lw=1.0, label=f"s = {s:g}")
        y = c["F_over_omega_power_fit"].values
        ax.plot(x, y / np.median(y), color="k", lw=2.0, label=f"s = {self.flatness.value:.3g} (flattest)")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(f"ω [{c['omega'].attrs.get('units', '1')}]")
        ax.set_ylabel("F(ω)/ω^(s+1) / median")
        ax.set_title(
            f"s_flat = {self.flatness.value:.3g} ± {self.flatness.uncertainty:.2g}, "
            f"s_MLE = {self.mle.value:.3g} ± {self.mle.uncertainty:.2g}"
        )
        ax.legend(fontsize="small")
        return ax


def _claim_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """A claim's settings as keyword arguments: the window spelled in TOML, ``window = "lowest_k", k = 10``,
    ``window = "below_phonon", phonon_factor = 0.8, omega0 = 1.5`` or ``window = [w_min, w_max]``."""
    options = dict(settings)
    window = options.pop("window")
    if window == "lowest_k":
        window = PowerLawWindow.lowest_k(int(options.pop("k")))
    elif window == "below_phonon":
        factor = options.pop("phonon_factor", None)
        window = PowerLawWindow.below_phonon() if factor is None else PowerLawWindow.below_phonon(float(factor))
    elif isinstance(window, (list, tuple)):
        window = PowerLawWindow.explicit(float(window[0]), float(window[1]))
    return {"window": window, **options}


def _window_upper(
    win: PowerLawWindow,
    omega0: float | None,
    transverse_sound_speed: float | Measurement | None,
    measured: _SampleOmega0 | None,
) -> tuple[float | None, dict[str, Any]]:
    """The upper window edge (``None`` for ``lowest_k``: per sample) and the window record so far; for
    ``below_phonon`` the lowest phonon frequency is ``omega0`` or, when that is None, the smallest of the
    samples' 2π v_T/L in ``measured``."""
    record: dict[str, Any] = {"rule": win.rule, "description": win.describe(), "omega_min": win.omega_min}
    if win.rule == "explicit":
        record["omega_max"] = win.omega_max
        return win.omega_max, record
    if win.rule != "below_phonon":
        record["k"] = win.k
        return None, record
    assert win.phonon_factor is not None
    omega0_value, source = _omega0(omega0, transverse_sound_speed, measured)
    upper = win.phonon_factor * omega0_value
    if upper <= win.omega_min:
        raise ValueError(
            f"below_phonon window ({win.omega_min}, {win.phonon_factor} * {omega0_value}] is empty; lower omega_min"
        )
    record.update(phonon_factor=win.phonon_factor, omega0=omega0_value, omega0_source=source, omega_max=upper)
    return upper, record


def _omega0(
    omega0: float | None, transverse_sound_speed: float | Measurement | None, measured: _SampleOmega0 | None
) -> tuple[float, str]:
    """The lowest phonon frequency of a ``below_phonon`` window, given or the smallest measured one, and its
    source."""
    if omega0 is None:
        assert measured is not None
        omega0_value = float(np.min(measured.omega0))
        source = f"min over samples of 2 pi v_T / L; v_T {measured.source}"
    else:
        if transverse_sound_speed is not None:
            raise ValueError("give either omega0 or transverse_sound_speed, not both")
        omega0_value, source = float(omega0), "given omega0"
    if not (math.isfinite(omega0_value) and omega0_value > 0):
        raise ValueError(f"omega0 is {omega0_value}; expected a positive frequency")
    return omega0_value, source


def _check_fittable(collected: _Window, win: PowerLawWindow, record: dict[str, Any]) -> None:
    """Check that the window's modes hold at least 3 and are estimable; add their counts to ``record``."""
    n_modes = int(collected.n_window.sum())
    if n_modes < 3:
        raise ValueError(
            f"window {win.describe()} holds {n_modes} non-zero modes; expected at least 3 for a fit. "
            "Fix: widen the window"
        )
    _check_estimable(collected, win.describe())
    if win.rule == "lowest_k":
        record.update(
            upper_edge="per sample: the (k+1)-th lowest non-zero frequency",
            upper_edge_min=float(collected.upper.min()),
            upper_edge_median=float(np.median(collected.upper)),
            upper_edge_max=float(collected.upper.max()),
        )
    record.update(
        n_modes=n_modes,
        n_modes_per_sample_min=int(collected.n_window.min()),
        n_modes_per_sample_max=int(collected.n_window.max()),
        n_samples=int(collected.n_window.size),
        n_samples_with_modes=int(np.count_nonzero(collected.n_window)),
    )


def _power_law_curve(
    collected: _Window, est: _Estimators, trials: np.ndarray, s_flat: float, units: str, sample: np.ndarray
) -> xr.Dataset:
    """The diagnostic curve: pooled F, F/ω^(s+1) at the trial exponents and at s_flatness, both criteria;
    ``units`` those of ω, ``sample`` the point's sample labels."""
    F_right, F_mid = est.pooled_F(np.ones(collected.n_window.size))
    omega_pts = collected.omega[est.sel_idx]
    F_pts, F_mid_pts = F_right[est.sel_idx], F_mid[est.sel_idx]
    log_ratio = np.log(F_mid_pts)[None, :] - (trials[:, None] + 1.0) * np.log(omega_pts)[None, :]
    return xr.Dataset(
        {
            "F": ("omega", F_pts, {"long_name": "pooled integrated DOS F(omega)", "units": "1"}),
            "F_mid": ("omega", F_mid_pts, {"long_name": "middle of the step of F at each mode (fit)", "units": "1"}),
            "F_over_omega_power": (
                ("trial_exponent", "omega"),
                _f_over_power(F_pts[None, :], omega_pts[None, :], trials[:, None]),
                {"long_name": "F(omega)/omega^(s+1)", "units": "1"},
            ),
            "F_over_omega_power_fit": (
                "omega",
                _f_over_power(F_pts, omega_pts, s_flat),
                {"long_name": f"F(omega)/omega^(s+1) at s_flatness = {s_flat:.4g}", "units": "1"},
            ),
            "flatness_variance": (
                "trial_exponent",
                log_ratio.var(axis=1),
                {"long_name": "variance of log[Fmid/omega^(s+1)] over the fit points", "units": "1"},
            ),
            "mle_log_likelihood": (
                "trial_exponent",
                np.array([est.log_likelihood(s + 1.0) for s in trials]),
                {"long_name": "mean log-likelihood per mode of the truncated power law", "units": "1"},
            ),
            "n_window_sample": ("sample", collected.n_window, {"long_name": "modes in the window", "units": "1"}),
            "upper_edge_sample": ("sample", collected.upper, {"long_name": "upper window edge b_j", "units": units}),
        },
        coords={
            "omega": ("omega", omega_pts, {"long_name": "angular frequency of the fit points", "units": units}),
            "trial_exponent": ("trial_exponent", trials, {"long_name": "trial exponent s", "units": "1"}),
            "sample": sample,
        },
        attrs={"flatness_definition": FLATNESS_DEFINITION, "mle_definition": MLE_DEFINITION},
    )


def _power_law_result(
    boot: Any, record: dict[str, Any], trials: np.ndarray, curve: xr.Dataset, fisher: float
) -> PowerLawResult:
    """The two measurements from the bootstrap and the result around them."""
    settings: dict[str, Any] = {
        "window": dict(record),
        "trial_exponents": trials,
        "zero_modes": "excluded (zero_mode flags, else eigenvalue <= 1e-10 max)",
        "normalisation_of_F": "per non-zero mode of the full spectrum of each sample; pooled = mean over samples",
    }
    flat_m = boot.measurement(
        "s_flatness",
        index=0,
        units="1",
        settings={**settings, "estimator": FLATNESS_DEFINITION},
        curve=curve,
        method="seed 003: the s making F(omega)/omega^(s+1) flattest over the window",
    )
    mle_m = boot.measurement(
        "s_mle",
        index=1,
        units="1",
        settings={**settings, "estimator": MLE_DEFINITION, "fisher_standard_error": fisher},
        curve=curve,
        method="maximum likelihood of the power law truncated to the window",
    )
    return PowerLawResult(
        flatness=flat_m,
        mle=mle_m,
        fisher_standard_error=fisher,
        window=record,
        curve=curve,
        settings={**settings, **boot.settings()},
    )


@measures("flatness", "mle", settings=_claim_settings)
def power_law_exponent(
    ds: xr.Dataset,
    window: PowerLawWindow | tuple[float, float] | str,
    *,
    omega0: float | None = None,
    transverse_sound_speed: float | Measurement | None = None,
    trial_exponents: Sequence[float] = (2.0, 3.0, 4.0, 5.0),
    n_bootstrap: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> PowerLawResult:
    """Exponent s of g(ω) ∝ ω^s in a window, by F/ω^(s+1) flatness and by maximum likelihood.

    Parameters
    ----------
    ds
        One parameter point: ``eigenvalue`` (sample, mode), in memory or
        Dask-backed (read one block of sample chunks at a time).  Eigenvalues
        alone suffice for ``explicit`` and ``lowest_k`` windows.
    window
        A :class:`PowerLawWindow`; a tuple ``(omega_min, omega_max)`` for an
        explicit window; or ``"below_phonon"`` (factor 0.8) / ``"lowest_k"``
        (k = 50) with their default parameters.
    omega0
        The lowest phonon frequency for ``below_phonon`` (units of ω); when
        omitted it is measured by
        :func:`vdosbench.validators.lowest_phonon_frequency` (needs
        ``box_length``; a scalar network's sound speed is measured, a vector
        model needs ``transverse_sound_speed``).
    transverse_sound_speed
        v_T for ω₀ = 2π v_T/L when ``omega0`` is not given.
    trial_exponents
        The s at which the curve F/ω^(s+1), the flatness criterion and the
        log-likelihood are recorded.
    n_bootstrap, seed, confidence
        Bootstrap over samples (both estimators from the same resamples).

    Returns
    -------
    PowerLawResult
        ``flatness`` and ``mle`` measurements, the Fisher standard error,
        the resolved window and the diagnostic curve.

    Raises
    ------
    ValueError
        For a window holding fewer than 3 modes, or ``lowest_k`` with a sample
        holding fewer than k + 1 non-zero modes.

    References
    ----------
    Seed 003 (``003_e4d31faec595bf16.txt``), Fig. 1 and item (iii):
    F(ω)/ω^(s+1) as the test of s.  Seed 001 (``001_d453c975fd50a4a2.txt``),
    eq. (19) and Fig. 4: F(ω) ∝ ω^(s+1) for g ∝ ω^s.

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> ds = mock_spectrum(n_sample=40, n_mode=101, exponent=4.0)
    >>> res = power_law_exponent(ds, (0.0, 1.0), n_bootstrap=100)
    >>> bool(abs(res.mle.value - 4) < 4 * res.mle.uncertainty)
    True
    >>> res.window["n_modes"], res.flatness.name
    (4000, 's_flatness')
    """
    view = point_view(ds, "power_law_exponent")
    win = _as_window(window)
    measure = win.rule == "below_phonon" and omega0 is None  # ω₀ from each sample's box and sound speed
    measured = _omega0_per_sample(view, transverse_sound_speed, None) if measure else None
    upper, record = _window_upper(win, omega0, transverse_sound_speed, measured)
    collected = _collect(view, win.omega_min, upper, win.k)
    _check_fittable(collected, win, record)
    boot_options = dict(n_bootstrap=n_bootstrap, seed=seed, confidence=confidence, groups=view.chain_groups)
    trials = np.asarray(list(trial_exponents), dtype=float)
    return _fit(collected, record, trials, boot_options, view.omega_units, view.dataset["sample"].values)


def _fit(
    collected: _Window,
    record: dict[str, Any],
    trials: np.ndarray,
    boot_options: Mapping[str, Any],
    units: str,
    sample: np.ndarray,
) -> PowerLawResult:
    """Both estimators on the window's modes, bootstrapped together over samples (``boot_options``: those of
    :func:`~vdosbench.validators.bootstrap`), the Fisher standard error, the curve and the result around them."""
    est = _Estimators(collected)
    boot = bootstrap(est.both, np.arange(collected.n_window.size), **boot_options)
    fisher = est.fisher_se(float(boot.value[1]) + 1.0)
    curve = _power_law_curve(collected, est, trials, float(boot.value[0]), units, sample)
    return _power_law_result(boot, record, trials, curve, fisher)
