"""The array input of the nonphononic-exponent estimators: one parameter point's lowest modes.

:class:`ModeSpectra` holds, for one (N, protocol, taper) point, the lowest k
non-zero mode frequencies of each sample and what the estimators tie their
windows to: each sample's lowest transverse phonon ω₀ = 2π √(G/ρ)/L from its
own shear modulus G (:func:`vdosbench.validators.phonon_frequency`), its bulk
modulus K (Debye's level needs both), the participation ratio of each mode,
and the labels of statistically independent units (Monte Carlo chains) for
the bootstrap.  It checks every array once, here, so that the estimators
(:mod:`.window_mle`, :mod:`.size_scaling`, :mod:`.debye_excess`) take clean
arrays; it knows nothing of the dataset layout.

How far a sample's mode list reaches (``coverage``): the count of modes below
ω is exact only for ω below the highest stored mode (a higher mode may be
missing).  ``coverage`` defaults to each sample's highest finite ω and is kept
when modes are removed by :meth:`ModeSpectra.filtered`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

import numpy as np

from ..results.result import Measurement

__all__ = ["ModeSpectra", "OMEGA0_RTOL", "common_shear_modulus", "percentile_interval", "stratified_replicates"]

#: Largest relative disagreement allowed between a given ω₀ and 2π √(G/ρ)/L from the given G.
OMEGA0_RTOL = 0.01


def _vector(name: str, value: object, n: int) -> np.ndarray:
    a = np.asarray(value, dtype=float)
    if a.shape != (n,):
        raise ValueError(f"{name} has shape {a.shape}; expected one value per sample, ({n},)")
    if not np.all(np.isfinite(a) & (a > 0)):
        raise ValueError(f"{name} holds non-positive or non-finite values; expected positive numbers per sample")
    return a


@dataclass(frozen=True, eq=False)
class ModeSpectra:
    """Lowest non-zero modes of the samples of one parameter point, with their moduli.

    Attributes
    ----------
    omega
        (n_samples, k) ascending positive angular frequencies of the lowest
        non-zero modes (translations excluded); a row may end in NaN padding.
    omega0
        (n_samples,) each sample's lowest transverse phonon 2π √(G/ρ)/L.
    n_particles
        N per sample.
    density
        Number density ρ = N/V (unit masses).
    dimension
        d, 2 or 3.
    shear_modulus, bulk_modulus
        (n_samples,) G and K, or None (the Debye excess needs both).
    participation
        (n_samples, k) participation ratio e of each mode, or None.
    groups
        (n_samples,) labels of independent units (chains), or None (samples independent).
    coverage
        (n_samples,) highest frequency up to which each sample's mode list is
        complete; default: its highest finite ω.
    label
        A name for the point (e.g. ``"N=1000 T_d m=2"``), carried into results.
    excluded_unstable
        Samples of the point left out because their shear modulus is not positive (a packing stable at
        fixed box but unstable to shear has no ω₀; small quenches from T* = ∞ make some), stated in
        :meth:`describe`.
    unit_shear_modulus
        The shear modulus G_u of one unit of frequency for every sample (issue 63: the ensemble G of the
        protocol's largest N, :meth:`in_common_unit`), or None: each sample's own G (ω_g,i from its ω₀ᵢ).
        ω₀ᵢ stays each sample's own either way.

    Examples
    --------
    >>> sp = ModeSpectra(np.array([[0.5, 0.8, np.nan], [0.4, 0.9, 1.2]]), np.array([1.3, 1.3]), 1000, 1.0)
    >>> sp.n_samples, round(sp.box_length, 12), sp.count_below(np.array([0.85, 0.85])).tolist()
    (2, 10.0, [2, 1])
    """

    omega: np.ndarray
    omega0: np.ndarray
    n_particles: int
    density: float
    dimension: int = 3
    shear_modulus: np.ndarray | None = None
    bulk_modulus: np.ndarray | None = None
    participation: np.ndarray | None = None
    groups: np.ndarray | None = None
    coverage: np.ndarray | None = None
    label: str = ""
    excluded_unstable: int = 0
    unit_shear_modulus: float | None = None

    def __post_init__(self) -> None:
        w = np.asarray(self.omega, dtype=float)
        if w.ndim != 2 or w.shape[0] < 1 or w.shape[1] < 1:
            raise ValueError(
                f"omega has shape {w.shape}; expected (n_samples, k) with at least one sample and one mode "
                "(one row per sample: its lowest non-zero frequencies)"
            )
        n = w.shape[0]
        finite = np.isfinite(w)
        if np.any(finite[:, 1:] & ~finite[:, :-1]):
            raise ValueError("omega has NaN before a finite frequency in a row; expected NaN padding only at the end")
        if np.any(w[finite] <= 0):
            raise ValueError(
                "omega holds a frequency <= 0; expected positive non-zero modes (drop the translations and "
                "any unstable mode first)"
            )
        with np.errstate(invalid="ignore"):
            if np.any(np.diff(w, axis=1) < 0):
                raise ValueError("omega rows are not ascending; expected each sample's frequencies sorted (np.sort)")
        if self.coverage is None and not np.all(finite[:, 0]):
            raise ValueError(
                "a sample has no finite mode and no coverage is given; expected at least one mode per sample "
                "(drop empty samples)"
            )
        object.__setattr__(self, "omega", w)
        object.__setattr__(self, "omega0", _vector("omega0", self.omega0, n))
        if int(self.n_particles) != self.n_particles or self.n_particles < 2:
            raise ValueError(f"n_particles is {self.n_particles}; expected an integer >= 2")
        object.__setattr__(self, "n_particles", int(self.n_particles))
        if not (math.isfinite(self.density) and self.density > 0):
            raise ValueError(f"density is {self.density}; expected a positive number density N/V")
        object.__setattr__(self, "density", float(self.density))
        if self.dimension not in (2, 3):
            raise ValueError(f"dimension is {self.dimension}; expected 2 or 3")
        for name in ("shear_modulus", "bulk_modulus"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, _vector(name, getattr(self, name), n))
        if self.shear_modulus is not None:
            expected = 2.0 * math.pi * np.sqrt(self.shear_modulus / self.density) / self.box_length
            rel = np.abs(self.omega0 / expected - 1.0)
            if np.any(rel > OMEGA0_RTOL):
                i = int(np.argmax(rel))
                raise ValueError(
                    f"omega0 of sample {i} is {self.omega0[i]:.6g} but 2 pi sqrt(G/rho)/L from its shear modulus "
                    f"is {expected[i]:.6g} ({rel[i]:.1%} apart; allowed {OMEGA0_RTOL:.0%}): pass each sample's own "
                    "omega0 = 2 pi sqrt(G/rho)/L (L = (N/rho)^(1/d)), not a fixed value"
                )
        if self.participation is not None:
            e = np.asarray(self.participation, dtype=float)
            if e.shape != w.shape:
                raise ValueError(f"participation has shape {e.shape}; expected that of omega, {w.shape}")
            if np.any(finite & ~((e > 0) & (e <= 1 + 1e-12))):
                raise ValueError("participation of a stored mode is outside (0, 1]; expected e = (Σu²)²/(N Σu⁴)")
            object.__setattr__(self, "participation", e)
        if self.groups is not None:
            g = np.asarray(self.groups)
            if g.shape != (n,):
                raise ValueError(f"groups has shape {g.shape}; expected one label per sample, ({n},)")
            object.__setattr__(self, "groups", g)
        if self.unit_shear_modulus is not None:
            g_u = float(self.unit_shear_modulus)
            if not (math.isfinite(g_u) and g_u > 0):
                raise ValueError(
                    f"unit_shear_modulus is {self.unit_shear_modulus}; expected a positive shear modulus "
                    "(the protocol's ensemble G), or None for each sample's own"
                )
            object.__setattr__(self, "unit_shear_modulus", g_u)
        if self.coverage is None:
            object.__setattr__(self, "coverage", np.nanmax(w, axis=1))
        else:
            object.__setattr__(self, "coverage", _vector("coverage", self.coverage, n))

    # ------------------------------------------------------------------ derived
    @property
    def n_samples(self) -> int:
        """Number of samples."""
        return int(self.omega.shape[0])

    @property
    def volume(self) -> float:
        """V = N/ρ."""
        return self.n_particles / self.density

    @property
    def box_length(self) -> float:
        """L = V^(1/d)."""
        return self.volume ** (1.0 / self.dimension)

    @property
    def omega_g(self) -> np.ndarray:
        """(n_samples,) ω_g,i = c_T,i n^(1/d) of each sample: the unit of absolute frequency (issue 51).

        From each sample's ω₀ᵢ = 2π c_T,i/L (which the class checks against its
        shear modulus where one is given): ω_g,i = ω₀ᵢ L n^(1/d)/(2π) = ω₀ᵢ N^(1/d)/(2π).
        """
        if self.unit_shear_modulus is not None:
            common = math.sqrt(self.unit_shear_modulus / self.density) * self.density ** (1.0 / self.dimension)
            return np.full(self.n_samples, common)
        return self.omega0 * self.n_particles ** (1.0 / self.dimension) / (2.0 * math.pi)

    def in_common_unit(self, shear_modulus: float) -> ModeSpectra:
        """The same point read in one unit of frequency, ω_g = √(G_u/ρ) ρ^(1/d) with G_u = ``shear_modulus`` for
        every sample (issue 63 item 1; each sample's ω₀ᵢ is kept, so the phonon-free test stays its own).

        Examples
        --------
        >>> sp = ModeSpectra(np.array([[0.5], [0.6]]), np.array([0.60, 0.66]), 1000, 1.0)
        >>> sp.omega_g.round(4).tolist(), sp.in_common_unit(1.0).omega_g.tolist()
        ([0.9549, 1.0504], [1.0, 1.0])
        """
        return replace(self, unit_shear_modulus=float(shear_modulus))

    @property
    def n_groups(self) -> int:
        """Number of independent units (chains; samples when ``groups`` is None)."""
        return self.n_samples if self.groups is None else int(np.unique(self.groups).size)

    def describe(self) -> dict[str, object]:
        """What the point holds, for a result's settings."""
        return {
            "label": self.label,
            "n_particles": self.n_particles,
            "density": self.density,
            "dimension": self.dimension,
            "n_samples": self.n_samples,
            "n_groups": self.n_groups,
            "modes_stored_per_sample": int(self.omega.shape[1]),
            "omega0_median": float(np.median(self.omega0)),
            "groups": "given (chains)" if self.groups is not None else "none (samples independent)",
            "excluded_unstable_to_shear": self.excluded_unstable,
            "unit": (
                "each sample's own G"
                if self.unit_shear_modulus is None
                else f"one G for every sample: {self.unit_shear_modulus:.6g}"
            ),
        }

    def require_moduli(self, who: str) -> tuple[np.ndarray, np.ndarray]:
        """(G, K), or an error naming ``who`` needs them."""
        if self.shear_modulus is None or self.bulk_modulus is None:
            missing = [n for n in ("shear_modulus", "bulk_modulus") if getattr(self, n) is None]
            raise ValueError(f"{who} needs each sample's shear and bulk modulus; missing: {', '.join(missing)}")
        return self.shear_modulus, self.bulk_modulus

    def check_covered(self, edge: np.ndarray, who: str) -> None:
        """Raise unless every sample's mode list is complete up to its ``edge`` (n_samples,)."""
        edge = np.broadcast_to(np.asarray(edge, dtype=float), (self.n_samples,))
        short = edge > self.coverage
        if np.any(short):
            i = int(np.argmax(edge - self.coverage))
            raise ValueError(
                f"{who}: the window reaches {edge[i]:.4g} in sample {i} but its stored modes stop at "
                f"{self.coverage[i]:.4g} ({int(short.sum())} of {self.n_samples} samples short): compute more "
                "modes per sample (larger k) or narrow the window"
            )

    def check_paired(self, other: ModeSpectra) -> None:
        """Raise unless ``other`` holds the same realisations: as many samples, and the same chain labels when given
        (sample i of one is sample i of the other; a paired difference resamples both with the same units)."""
        if self.n_samples != other.n_samples:
            raise ValueError(
                f"the points have {self.n_samples} and {other.n_samples} samples; a paired difference "
                "needs the same realisations at both (sample i of one is sample i of the other)"
            )
        if (self.groups is None) != (other.groups is None) or (
            self.groups is not None and not np.array_equal(np.asarray(self.groups), np.asarray(other.groups))
        ):
            raise ValueError(
                "the points' chains differ; a paired difference needs the same chain labels at both points"
            )

    def resample_units(self, rng: np.random.Generator) -> np.ndarray:
        """Sample indices of one bootstrap resample: as many units as the point has, drawn with replacement,
        each unit a whole chain when the point has groups (in the order of ``np.unique(groups)``), else one sample.

        Examples
        --------
        >>> sp = ModeSpectra(np.ones((4, 2)), np.ones(4), 1000, 1.0, groups=np.array([0, 0, 1, 1]))
        >>> idx = sp.resample_units(np.random.default_rng(0))
        >>> idx.size, bool(np.all(idx[1::2] == idx[0::2] + 1))  # whole chains: (0, 1) or (2, 3) each
        (4, True)
        """
        if self.groups is None:
            return rng.integers(0, self.n_samples, self.n_samples)
        order, counts, starts = self._units
        pick = rng.integers(0, counts.size, counts.size)
        lengths = counts[pick]
        offsets = np.repeat(starts[pick] - (np.cumsum(lengths) - lengths), lengths)
        return order[offsets + np.arange(int(lengths.sum()))]

    @cached_property
    def _units(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The chains of :meth:`resample_units`, found once per point (a bootstrap draws thousands of resamples):
        the samples ordered unit after unit (each unit's ascending), the samples per unit and each unit's first
        position in that order, units in the order of ``np.unique(groups)``."""
        labels, inverse = np.unique(self.groups, return_inverse=True)
        order = np.argsort(inverse, kind="stable")  # each unit's samples, ascending, unit after unit
        counts = np.bincount(inverse, minlength=labels.size)
        return order, counts, np.cumsum(counts) - counts

    def count_below(self, edge: np.ndarray) -> np.ndarray:
        """Modes with ω ≤ edge_i in each sample (n_samples,) ints."""
        edge = np.broadcast_to(np.asarray(edge, dtype=float), (self.n_samples,))
        with np.errstate(invalid="ignore"):
            return np.sum(self.omega <= edge[:, None], axis=1)

    def filtered_by_participation_number(self, max_participation_number: float) -> ModeSpectra:
        """The modes with participation number N·e ≤ ``max_participation_number`` (:meth:`filtered` at that N·e/N).

        A fixed ratio e is a different cut at each N (a mode of ~100 particles has e ≈ 0.1 at N = 1000 and
        0.012 at N = 8000); a fixed N·e is the same cut at every N.
        """
        if not max_participation_number > 0:
            raise ValueError(f"max_participation_number is {max_participation_number}; expected N*e > 0")
        cut = min(1.0, max_participation_number / self.n_particles)
        out = self.filtered(cut)
        return replace(out, label=f"{self.label} Ne<={max_participation_number:g}".strip())

    def filtered(self, max_participation: float) -> ModeSpectra:
        """The same point keeping only modes with participation ratio e ≤ ``max_participation``.

        Removed modes become NaN padding (rows re-sorted); ``coverage`` is kept,
        so counts below ω stay exact for the kept class of modes.
        """
        if self.participation is None:
            raise ValueError("filtered() needs participation ratios; pass participation=(n_samples, k) array")
        if not 0 < max_participation <= 1:
            raise ValueError(f"max_participation is {max_participation}; expected a threshold in (0, 1]")
        keep = np.isfinite(self.omega) & (self.participation <= max_participation)
        w = np.where(keep, self.omega, np.nan)
        e = np.where(keep, self.participation, np.nan)
        order = np.argsort(w, axis=1, kind="stable")  # NaN last
        w = np.take_along_axis(w, order, axis=1)
        e = np.take_along_axis(e, order, axis=1)
        label = f"{self.label} e<={max_participation:g}".strip()
        return replace(self, omega=w, participation=e, label=label)


def common_shear_modulus(points: ModeSpectra | Sequence[ModeSpectra]) -> float:
    """A protocol's common unit G_u (issue 63 item 1): the mean shear modulus over every sample of ``points``.

    Pass the points of the protocol's largest N held (one point, or several pooled); the result is the one G
    that :meth:`ModeSpectra.in_common_unit` then applies at every N of that protocol.  A :class:`ModeSpectra`
    holds only samples stable to shear (G > 0; :func:`~.nonphononic.mode_spectra_from_dataset` leaves the others
    out and counts them), so the mean is over those.

    Raises
    ------
    ValueError
        If no point is given, or a point holds no shear modulus.

    Examples
    --------
    >>> def point(g):  # N = 1000 at rho = 1 (L = 10): omega0 = 2 pi sqrt(G) / 10
    ...     return ModeSpectra(np.full((len(g), 1), 0.1), 2 * np.pi * np.sqrt(g) / 10, 1000, 1.0, shear_modulus=g)
    >>> a, b = point(np.array([4.0, 5.0])), point(np.array([6.0]))
    >>> common_shear_modulus(a), common_shear_modulus([a, b])
    (4.5, 5.0)
    """
    pts = [points] if isinstance(points, ModeSpectra) else list(points)
    if not pts:
        raise ValueError("common_shear_modulus: no point given; expected the points of the protocol's largest N")
    missing = [p.label or f"N={p.n_particles}" for p in pts if p.shear_modulus is None]
    if missing:
        raise ValueError(
            f"common_shear_modulus: {', '.join(missing)} hold no shear modulus per sample; expected "
            "one to set the unit (vdosbench.benchmark.elastic.with_shear_modulus computes it)"
        )
    return float(np.mean(np.concatenate([np.asarray(p.shear_modulus, dtype=float) for p in pts])))


def stratified_replicates(
    statistic: Callable[[list[np.ndarray]], float], points: Sequence[ModeSpectra], n_bootstrap: int, seed: int
) -> np.ndarray:
    """Bootstrap replicates of ``statistic(indices of each point)``, each point's units resampled on its own.

    The bootstrap of independent sets (two sizes, or the points pooled by an estimator): replicate b draws
    :meth:`ModeSpectra.resample_units` of every point in turn from one generator seeded with ``seed``.

    Examples
    --------
    >>> a = ModeSpectra(np.arange(1.0, 21.0).reshape(10, 2), np.ones(10), 1000, 1.0)
    >>> reps = stratified_replicates(lambda idx: float(a.omega[idx[0], 0].mean()), [a], 200, 0)
    >>> reps.shape, bool(5.0 < reps.mean() < 15.0)
    ((200,), True)
    """
    rng = np.random.default_rng(seed)
    out = np.empty(n_bootstrap)
    for b in range(n_bootstrap):
        out[b] = statistic([p.resample_units(rng) for p in points])
    return out


def percentile_measurement(
    name: str,
    value: float,
    replicates: np.ndarray,
    confidence: float,
    settings: dict[str, Any],
    n_samples: int,
    method: str,
) -> Measurement:
    """A dimensionless :class:`~vdosbench.validators.Measurement` of ``value`` from bootstrap ``replicates``: their
    standard deviation (finite values) as the uncertainty and their :func:`percentile_interval` at ``confidence``.

    Examples
    --------
    >>> m = percentile_measurement("x", 50.0, np.arange(101.0), 0.9, {}, 10, "mean")
    >>> round(m.low, 9), round(m.high, 9), round(m.uncertainty, 3), m.n_samples
    (5.0, 95.0, 29.3, 10)
    """
    low, high = percentile_interval(replicates, confidence)
    spread = float(np.nanstd(replicates, ddof=1))
    return Measurement(name, value, spread, low, high, confidence, "1", settings, None, n_samples, method)


def percentile_interval(replicates: np.ndarray, confidence: float) -> tuple[float, float]:
    """The percentile interval of bootstrap ``replicates`` at ``confidence``, over their finite values (NaN, NaN
    with fewer than two).

    Examples
    --------
    >>> [round(v, 6) for v in percentile_interval(np.arange(101.0), 0.9)], percentile_interval(np.array([1.0, np.nan]), 0.95)
    ([5.0, 95.0], (nan, nan))
    """
    r = replicates[np.isfinite(replicates)]
    if r.size < 2:
        return (math.nan, math.nan)
    lo, hi = np.percentile(r, [50 * (1 - confidence), 50 * (1 + confidence)])
    return float(lo), float(hi)
