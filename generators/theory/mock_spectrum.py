"""Mock low-frequency spectra of finite glasses with a known nonphononic exponent.

A model that produces data with a known answer, for testing the estimators of
:mod:`vdosbench.validators.spectral.window_mle`, ``size_scaling`` and
``debye_excess`` (issue 25, item 1).  Each sample is a periodic cube of N
particles at number density ρ (edge L = (N/ρ)^(1/d)) and holds:

Phonons
    Plane waves of the periodic box: wave vectors q = 2π n/L, n ∈ ℤ^d \\ {0},
    grouped in shells |n|² = m with their degeneracy r_d(m) (the number of
    integer vectors of that length); each q carries d − 1 transverse levels at
    ω = c_T |q| and one longitudinal level at c_L |q|, c_T = √(G/ρ),
    c_L = √((K + 4G/3)/ρ) (3D; 2D: √((K + G)/ρ)) from the sample's own shear and
    bulk moduli G, K.  The lowest shell sits at ω₀ = 2π c_T/L.
Hybridisation
    Each phonon level is shifted by a factor exp(h ξ), ξ ~ N(0, 1): the
    degenerate shells are broadened, as disorder splits them in a glass.
Nonphononic modes
    A mean cumulative count Λ(ω) = N A ω^(s+1)/(s+1), i.e. a density of
    states N A ω^s (A the stated prefactor per particle).  ``levels="poisson"``:
    independent levels (a Poisson process of that intensity);
    ``levels="goe"``: levels with GOE level repulsion, made by unfolding the
    eigenvalues of a GOE matrix (the β = 1 tridiagonal Hermite ensemble of
    Dumitriu & Edelman) to unit mean spacing with Wigner's semicircle,
    keeping a stretch of the bulk of length Λ(ω_cut) and mapping its unfolded
    positions x to ω = Λ⁻¹(x): the mean count is exactly Λ, the spacings repel.
Correlated samples (chains)
    Samples come in ``n_chains`` chains of ``structures_per_chain`` (structures
    of one Monte Carlo chain are correlated): every chain draws a parent
    level set; each structure keeps each parent level with probability
    ``chain_memory`` (its frequency jittered by exp(0.02 ξ)) and adds an
    independent level set thinned by 1 − ``chain_memory``, so the mean count
    stays Λ.  ``chain_memory = 0``: all samples independent.
Participation ratio
    Phonons e ~ U(0.3, 0.6) (extended); nonphononic modes e = n_core/N with
    n_core log-uniform on [20, 200] (the "Ne from 20 to 200" of seed 003,
    ``003_e4d31faec595bf16.txt``, item (ii)), independent of ω.
Moduli
    G and K of each sample scatter by a relative ``modulus_scatter``·√(1000/N)
    (Gaussian); ω₀ of each sample follows from its own G.

Curved spectra that look like the glasses (issue 51)
    ``spectrum=CurvedSpectrum(...)`` replaces the pure power law by a density
    per particle g(x) = A x^s₀ / (1 + (x/x*)^(s₀ − s₁)) in x = ω/ω̄_g (ω̄_g =
    √(Ḡ/ρ) ρ^(1/d) of the mean shear modulus): local exponent s₀ deep in the
    tail, s₁ above x*, the same at every N; an optional excess factor below a
    frequency (the "small-box excess" to be detected).  :data:`GLASS_SPECTRUM`
    is calibrated on the issue-25 ladder; :func:`glass_like_mock` adds the
    glasses' shell broadening 0.23 (1000/N)^0.24 and modulus scatter
    9.5 % √(1000/N).

A pure-Debye spectrum (``prefactor=0``) has no nonphononic mode.  Translations
are not included (the arrays hold non-zero modes only).
"""

from __future__ import annotations

import functools
import math
from dataclasses import asdict, dataclass, field
from collections.abc import Callable
from typing import Any, Literal

import numpy as np
from scipy.linalg import eigvalsh_tridiagonal

__all__ = [
    "CurvedSpectrum",
    "GLASS_SPECTRUM",
    "MockSpectra",
    "mock_glass_spectra",
    "glass_like_mock",
    "box_phonon_levels",
    "goe_unfolded_levels",
]

#: Default shear modulus: ω₀ ≈ 1.14 at N = 1600, ρ = 1 (the measured soft-sphere value, issue 25).
DEFAULT_SHEAR_MODULUS = 4.5
#: Default bulk modulus (c_L ≈ 5.6 at ρ = 1).
DEFAULT_BULK_MODULUS = 25.0
#: Default nonphononic prefactor A: about 10 modes below 0.8 ω₀ at N = 1000 for s = 4.
DEFAULT_PREFACTOR = 0.036


@dataclass(frozen=True)
class CurvedSpectrum:
    """A nonphononic density of states per particle in x = ω/ω̄_g with a curved log-log slope.

    g(x) = ``amplitude`` x^s₀ / (1 + (x/``x_star``)^(s₀ − s₁)) · (``excess_factor`` where ω < ``excess_below``).

    Attributes
    ----------
    amplitude
        A: modes per particle per unit x^(s₀+1)·(s₀+1) deep in the tail.
    s_deep, s_high
        Local exponent far below and far above ``x_star``.
    x_star
        Crossover, in units of ω̄_g.
    excess_factor, excess_below
        g multiplied by this factor below the absolute frequency ``excess_below`` (1 and 0: none).

    Examples
    --------
    >>> c = CurvedSpectrum(10.0, 4.0, 4.0, 1.0)  # s_deep = s_high: the power law A x^4 / 2, count A x^5 / 10
    >>> round(float(c.cumulative(np.array([0.2]), 1.0)[0] / (10.0 * 0.2**5 / 10)), 4)
    1.0
    """

    amplitude: float
    s_deep: float
    s_high: float
    x_star: float
    excess_factor: float = 1.0
    excess_below: float = 0.0

    def __post_init__(self) -> None:
        if not (
            self.amplitude > 0
            and self.x_star > 0
            and self.s_deep > -1
            and self.s_high > -1
            and self.excess_factor > 0
            and self.excess_below >= 0
        ):
            raise ValueError(
                f"{self}: expected amplitude > 0, x_star > 0, exponents > -1, excess_factor > 0 and excess_below >= 0"
            )

    def density(self, x: np.ndarray, omega_g: float) -> np.ndarray:
        """g(x) per particle per unit x."""
        x = np.asarray(x, dtype=float)
        g = self.amplitude * x**self.s_deep / (1.0 + (x / self.x_star) ** (self.s_deep - self.s_high))
        return np.where(x * omega_g < self.excess_below, self.excess_factor * g, g)

    def _table(self, omega_g: float) -> tuple[np.ndarray, np.ndarray]:
        """x on a log grid and the cumulative count per particle there (trapezoid in log x, exact below)."""
        return _cumulative_table(self, float(omega_g))

    def cumulative(self, x: np.ndarray, omega_g: float) -> np.ndarray:
        """Modes per particle with ω/ω̄_g ≤ x (beyond the table: the s₁ power law)."""
        grid, cum = self._table(omega_g)
        x = np.asarray(x, dtype=float)
        inside = np.exp(np.interp(np.log(np.clip(x, grid[0], grid[-1])), np.log(grid), np.log(cum)))
        below = cum[0] * (np.maximum(x, 1e-300) / grid[0]) ** (self.s_deep + 1.0)
        above = cum[-1] * (np.maximum(x, grid[-1]) / grid[-1]) ** (self.s_high + 1.0)
        return np.where(x < grid[0], below, np.where(x > grid[-1], above, inside))

    def inverse(self, count: np.ndarray, omega_g: float) -> np.ndarray:
        """x where the count per particle reaches ``count`` (the inverse of :meth:`cumulative`)."""
        grid, cum = self._table(omega_g)
        c = np.asarray(count, dtype=float)
        inside = np.exp(np.interp(np.log(np.clip(c, cum[0], cum[-1])), np.log(cum), np.log(grid)))
        below = grid[0] * (np.maximum(c, 1e-300) / cum[0]) ** (1.0 / (self.s_deep + 1.0))
        above = grid[-1] * (np.maximum(c, cum[-1]) / cum[-1]) ** (1.0 / (self.s_high + 1.0))
        return np.where(c < cum[0], below, np.where(c > cum[-1], above, inside))

    def local_exponent(self, x: np.ndarray) -> np.ndarray:
        """d log g / d log x (no excess step)."""
        r = (np.asarray(x, dtype=float) / self.x_star) ** (self.s_deep - self.s_high)
        return self.s_deep - (self.s_deep - self.s_high) * r / (1.0 + r)


@functools.lru_cache(maxsize=64)
def _cumulative_table(spectrum: CurvedSpectrum, omega_g: float) -> tuple[np.ndarray, np.ndarray]:
    x = np.geomspace(1e-4, 50.0, 20001)
    g = spectrum.density(x, omega_g)
    start = spectrum.density(x[:1], omega_g)[0] * x[0] / (spectrum.s_deep + 1.0)
    steps = 0.5 * (g[1:] * x[1:] + g[:-1] * x[:-1]) * np.diff(np.log(x))
    return x, np.concatenate([[start], start + np.cumsum(steps)])


#: The glasses' nonphononic spectrum (issue 51): fitted by least squares in log count to the pooled cumulative
#: count per particle of the issue-25 ladder at T* = inf (both tapers, N = 1000 - 16000, x = 0.08 - 0.36, each
#: N only below 0.6 omega0), with s_deep = 4 and s_high = 2.5 fixed (the local exponents the data show deep in
#: the tail and at omega ~ 0.6 - 0.9): A = 10.27, x* = 0.154.  Local exponent 3.4 at x = 0.2, 2.9 at x = 0.3.
GLASS_SPECTRUM = CurvedSpectrum(amplitude=10.27, s_deep=4.0, s_high=2.5, x_star=0.154)
#: The glasses' shell broadening (log-sd) at N = 1000 and its power of 1000/N; their modulus scatter at N = 1000.
GLASS_SHELL_LOG_SD, GLASS_SHELL_POWER, GLASS_MODULUS_SCATTER = 0.23, 0.24, 0.095


@dataclass(frozen=True, eq=False)
class MockSpectra:
    """One mock parameter point: the arrays the estimators take, and the truth.

    Attributes
    ----------
    omega
        (n_samples, k) ascending non-zero frequencies of the lowest k modes.
    omega0
        (n_samples,) lowest transverse phonon 2π √(G/ρ)/L of each sample.
    shear_modulus, bulk_modulus
        (n_samples,) G and K of each sample.
    participation
        (n_samples, k) participation ratio of each mode.
    is_phonon
        (n_samples, k) True for plane-wave levels (the truth, not an input).
    groups
        (n_samples,) chain label of each sample.
    n_particles, density, dimension
        N, ρ, d.
    truth
        Every parameter of the model (exponent, prefactor, levels, ...).
    """

    omega: np.ndarray
    omega0: np.ndarray
    shear_modulus: np.ndarray
    bulk_modulus: np.ndarray
    participation: np.ndarray
    is_phonon: np.ndarray
    groups: np.ndarray
    n_particles: int
    density: float
    dimension: int
    truth: dict[str, Any] = field(default_factory=dict)

    def arrays(self) -> dict[str, Any]:
        """The keyword arguments of :class:`vdosbench.validators.ModeSpectra` (no truth)."""
        return {
            "omega": self.omega,
            "omega0": self.omega0,
            "shear_modulus": self.shear_modulus,
            "bulk_modulus": self.bulk_modulus,
            "participation": self.participation,
            "groups": self.groups,
            "n_particles": self.n_particles,
            "density": self.density,
            "dimension": self.dimension,
        }


def _shell_degeneracies(m_max: int, d: int) -> tuple[np.ndarray, np.ndarray]:
    """Shells |n|² = m ≤ m_max of ℤ^d \\ {0} and their degeneracies r_d(m)."""
    r = int(math.isqrt(m_max))
    axes = np.arange(-r, r + 1)
    grid = np.stack(np.meshgrid(*([axes] * d), indexing="ij"), axis=-1).reshape(-1, d)
    m = np.sum(grid**2, axis=1)
    m = m[(m > 0) & (m <= m_max)]
    shells, counts = np.unique(m, return_counts=True)
    return shells, counts


def longitudinal_speed(
    shear_modulus: np.ndarray | float, bulk_modulus: np.ndarray | float, density: float, dimension: int
) -> np.ndarray:
    """c_L = √((K + 2(d−1)G/d)/ρ): √((K + 4G/3)/ρ) in 3D, √((K + G)/ρ) in 2D."""
    g = np.asarray(shear_modulus, dtype=float)
    k = np.asarray(bulk_modulus, dtype=float)
    return np.sqrt((k + 2.0 * (dimension - 1) / dimension * g) / density)


def box_phonon_levels(
    box_length: float, transverse_speed: float, longitudinal_speed: float, omega_max: float, dimension: int = 3
) -> np.ndarray:
    """Plane-wave levels ω ≤ omega_max of a periodic box, with their degeneracies, ascending.

    Parameters
    ----------
    box_length
        L (units of length).
    transverse_speed, longitudinal_speed
        c_T, c_L (length × ω).
    omega_max
        Highest level kept.
    dimension
        d = 2 or 3.

    Returns
    -------
    numpy.ndarray
        Every level repeated by its degeneracy: (d − 1)·r_d(m) transverse at
        c_T 2π√m/L and r_d(m) longitudinal at c_L 2π√m/L.

    Examples
    --------
    >>> w = box_phonon_levels(2 * np.pi, 1.0, 2.0, 1.0)  # first shell: 6 vectors, 2 transverse each
    >>> w.size, float(w[0])
    (12, 1.0)
    """
    if dimension not in (2, 3):
        raise ValueError(f"dimension is {dimension}; expected 2 or 3")
    q0 = 2.0 * math.pi / box_length
    m_max = int(math.floor((omega_max / (transverse_speed * q0)) ** 2))
    if m_max < 1:
        return np.empty(0)
    shells, deg = _shell_degeneracies(m_max, dimension)
    q = q0 * np.sqrt(shells)
    wt = np.repeat(transverse_speed * q, (dimension - 1) * deg)
    wl = np.repeat(longitudinal_speed * q, deg)
    w = np.concatenate([wt, wl])
    return np.sort(w[w <= omega_max])


def goe_unfolded_levels(length: float, rng: np.random.Generator) -> np.ndarray:
    """Unfolded GOE levels (unit mean spacing) in [0, length), from the bulk of a larger matrix.

    The β = 1 Hermite ensemble as a tridiagonal matrix (Dumitriu & Edelman,
    J. Math. Phys. 43, 5830 (2002)): diagonal N(0, 2), off-diagonal
    χ_{n−1}, …, χ_1, all divided by √2, whose eigenvalues follow the
    semicircle of radius √(2n); unfolding x = n F_sc(λ) gives unit mean
    spacing.  The stretch starts at a uniform random point of the central
    half of the spectrum.

    Examples
    --------
    >>> x = goe_unfolded_levels(200.0, np.random.default_rng(0))
    >>> bool(150 < x.size < 250), bool(np.all(np.diff(x) > 0))
    (True, True)
    """
    if not length > 0:
        return np.empty(0)
    n = int(4 * math.ceil(length) + 64)
    diag = rng.normal(0.0, math.sqrt(2.0), n) / math.sqrt(2.0)
    off = np.sqrt(rng.chisquare(np.arange(n - 1, 0, -1.0))) / math.sqrt(2.0)
    start = n / 4.0 + rng.random() * (n / 2.0 - length)
    # the eigenvalues around the stretch, with a margin of 16 levels each side: all n of them by the
    # root-free QR iteration (dsterf), then sliced; bisection of only the stretch (dstebz, select="i") costs
    # 5 times more, since the stretch is a quarter of the matrix (0.041 against 0.008 s at n = 700)
    first, last = max(0, int(start) - 16), min(n - 1, int(start + length) + 16)
    lam = eigvalsh_tridiagonal(diag, off, lapack_driver="sterf")[first : last + 1]
    radius = math.sqrt(2.0 * n)
    z = np.clip(lam / radius, -1.0, 1.0)
    x = n * (0.5 + (z * np.sqrt(1.0 - z * z) + np.arcsin(z)) / math.pi)
    return x[(x >= start) & (x < start + length)] - start


def _unit_levels(length: float, levels: str, rng: np.random.Generator) -> np.ndarray:
    """Levels of unit mean density on [0, length): Poisson or GOE-unfolded."""
    if levels == "poisson":
        return np.sort(rng.random(rng.poisson(length)) * length)
    return goe_unfolded_levels(length, rng)


def _check_mock_arguments(
    dimension: int,
    n_particles: int,
    n_samples: int,
    k: int,
    structures_per_chain: int,
    chain_memory: float,
    levels: str,
    prefactor: float,
    exponent: float,
) -> None:
    """Raise on a dimension, size, chain layout, level law or nonphononic law out of range."""
    if dimension not in (2, 3):
        raise ValueError(f"dimension is {dimension}; expected 2 or 3")
    if n_particles < 2 or n_samples < 1 or k < 1:
        raise ValueError(
            f"n_particles={n_particles}, n_samples={n_samples}, k={k}: expected N >= 2, >= 1 sample, k >= 1"
        )
    if structures_per_chain < 1 or n_samples % structures_per_chain:
        raise ValueError(
            f"n_samples = {n_samples} is not a multiple of structures_per_chain = {structures_per_chain}: "
            "pass whole chains"
        )
    if not 0.0 <= chain_memory < 1.0:
        raise ValueError(f"chain_memory is {chain_memory}; expected a probability in [0, 1)")
    if levels not in ("poisson", "goe"):
        raise ValueError(f"levels is {levels!r}; expected 'poisson' or 'goe'")
    if prefactor < 0 or exponent <= -1:
        raise ValueError(f"prefactor={prefactor}, exponent={exponent}: expected prefactor >= 0 and exponent > -1")


def _nonphononic_law(
    spectrum: CurvedSpectrum | None, n_particles: int, prefactor: float, exponent: float, omega_g_mean: float
) -> tuple[Callable[[np.ndarray | float], np.ndarray], Callable[[np.ndarray], np.ndarray]]:
    """Λ(ω), the mean nonphononic count below ω, and its inverse (a power law, or N times a curved spectrum)."""
    u = exponent + 1.0
    scale = n_particles * prefactor / u  # Λ(ω) = scale ω^u

    def count_of(w: np.ndarray | float) -> np.ndarray:
        """Λ(ω): the mean nonphononic count below ω."""
        if spectrum is not None:
            return n_particles * spectrum.cumulative(np.asarray(w, dtype=float) / omega_g_mean, omega_g_mean)
        return scale * np.asarray(w, dtype=float) ** u if prefactor > 0 else np.zeros_like(np.asarray(w, float))

    def omega_of(x: np.ndarray) -> np.ndarray:
        """ω of the counts x: the inverse of Λ."""
        if spectrum is not None:
            return omega_g_mean * spectrum.inverse(np.asarray(x) / n_particles, omega_g_mean)
        return (x / scale) ** (1.0 / u)

    return count_of, omega_of


def _sample_moduli(
    shear_modulus: float,
    bulk_modulus: float,
    modulus_scatter: float,
    n_particles: int,
    n_samples: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Per-sample G and K scattered by ``modulus_scatter`` at N = 1000 (∝ 1/√N); raise if one is not positive."""
    rel = modulus_scatter * math.sqrt(1000.0 / n_particles)
    G = shear_modulus * (1.0 + rel * rng.standard_normal(n_samples))
    K = bulk_modulus * (1.0 + rel * rng.standard_normal(n_samples))
    if np.any(G <= 0) or np.any(K <= 0):
        raise ValueError("modulus_scatter drew a non-positive modulus; lower modulus_scatter")
    return G, K


def _debye_prefactor(volume: float, cT: np.ndarray, cL: np.ndarray, d: int) -> np.ndarray:
    """D per sample in the Debye count D ω^d of the box (both polarisations)."""
    return (
        volume / (6.0 * math.pi**2) * (2.0 / cT**3 + 1.0 / cL**3)
        if d == 3
        else volume / (4.0 * math.pi) * (1.0 / cT**2 + 1.0 / cL**2)
    )


def _first_cut_factor(
    top: float,
    dmax: float,
    target: float,
    grid: np.ndarray,
    count_of: Callable[[np.ndarray | float], np.ndarray],
    d: int,
) -> float:
    """The first cut over ``top``: where the Debye plus nonphononic count reaches ``target`` (at least 1.05)."""
    span = top * (target / max(dmax * top**d, 1e-300)) ** (1.0 / d) + top
    expected = dmax * (grid * span) ** d + count_of(grid * span)
    return (
        max(float(grid[np.searchsorted(expected, target)] * span) if expected[-1] >= target else span, 1.05 * top) / top
    )


def _sample_row(
    w_cut: float,
    lam_cut: float,
    parent: np.ndarray,
    omega_of: Callable[[np.ndarray], np.ndarray],
    levels: str,
    chain_memory: float,
    L: float,
    cT: float,
    cL: float,
    d: int,
    hybridisation: float,
    n_particles: int,
    k: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The k lowest levels of one sample below ``w_cut`` (ω, participation, phonon flag); None if fewer exist."""
    ph = box_phonon_levels(L, cT, cL, w_cut, d)
    ph = ph * np.exp(hybridisation * rng.standard_normal(ph.size))
    ph = ph[ph <= w_cut]
    if lam_cut > 0:
        keep = parent[rng.random(parent.size) < chain_memory]
        w_keep = omega_of(keep) * np.exp(0.02 * rng.standard_normal(keep.size))
        fresh = _unit_levels(lam_cut, levels, rng)
        fresh = fresh[rng.random(fresh.size) >= chain_memory]
        nph = np.concatenate([w_keep, omega_of(fresh)])
        nph = nph[nph <= w_cut]
    else:
        nph = np.empty(0)
    w = np.concatenate([ph, nph])
    is_ph = np.r_[np.ones(ph.size, bool), np.zeros(nph.size, bool)]
    if w.size < k:
        return None
    e = np.where(
        is_ph,
        rng.uniform(0.3, 0.6, w.size),
        np.minimum(1.0, np.exp(rng.uniform(math.log(20.0), math.log(200.0), w.size)) / n_particles),
    )
    order = np.argsort(w, kind="stable")[:k]
    return w[order], e[order], is_ph[order]


def _chain_rows(
    members: range,
    top: float,
    cut_factor: float,
    count_of: Callable[[np.ndarray | float], np.ndarray],
    omega_of: Callable[[np.ndarray], np.ndarray],
    has_modes: bool,
    levels: str,
    chain_memory: float,
    L: float,
    cT: np.ndarray,
    cL: np.ndarray,
    d: int,
    hybridisation: float,
    n_particles: int,
    k: int,
    rng: np.random.Generator,
) -> list[tuple[int, np.ndarray, np.ndarray, np.ndarray]]:
    """The rows of one chain's samples, the cut raised by 1.25 until every sample holds k levels below it."""
    while True:
        w_cut = cut_factor * top
        lam_cut = float(count_of(w_cut)) if has_modes else 0.0
        parent = _unit_levels(lam_cut, levels, rng) if chain_memory > 0 else np.empty(0)
        rows = []
        for i in members:
            row = _sample_row(
                w_cut,
                lam_cut,
                parent,
                omega_of,
                levels,
                chain_memory,
                L,
                cT[i],
                cL[i],
                d,
                hybridisation,
                n_particles,
                k,
                rng,
            )
            if row is None:
                break
            rows.append((i, *row))
        else:
            return rows
        cut_factor *= 1.25


def _mock_truth(
    spectrum: CurvedSpectrum | None,
    exponent: float,
    prefactor: float,
    omega_g_mean: float,
    levels: str,
    hybridisation: float,
    structures_per_chain: int,
    chain_memory: float,
    shear_modulus: float,
    bulk_modulus: float,
    modulus_scatter: float,
    L: float,
    seed: int,
) -> dict[str, Any]:
    """The parameters the mock was drawn with, recorded as its ``truth``."""
    return {
        "exponent": float(exponent) if spectrum is None else None,
        "prefactor": float(prefactor) if spectrum is None else None,
        "nonphononic_count": (
            "N * prefactor * omega^(s+1) / (s+1)"
            if spectrum is None
            else f"N * integral of {spectrum} in x = omega/omega_g, omega_g = {omega_g_mean:.6g}"
        ),
        "spectrum": None if spectrum is None else asdict(spectrum),
        "omega_g_of_mean_moduli": omega_g_mean,
        "levels": levels,
        "hybridisation": float(hybridisation),
        "structures_per_chain": int(structures_per_chain),
        "chain_memory": float(chain_memory),
        "shear_modulus": float(shear_modulus),
        "bulk_modulus": float(bulk_modulus),
        "modulus_scatter_at_N1000": float(modulus_scatter),
        "box_length": float(L),
        "seed": int(seed),
    }


def mock_glass_spectra(
    n_particles: int,
    n_samples: int,
    *,
    exponent: float = 4.0,
    prefactor: float = DEFAULT_PREFACTOR,
    k: int = 50,
    levels: Literal["poisson", "goe"] = "goe",
    hybridisation: float = 0.03,
    structures_per_chain: int = 1,
    chain_memory: float = 0.0,
    shear_modulus: float = DEFAULT_SHEAR_MODULUS,
    bulk_modulus: float = DEFAULT_BULK_MODULUS,
    modulus_scatter: float = 0.02,
    density: float = 1.0,
    dimension: int = 3,
    seed: int = 0,
    spectrum: CurvedSpectrum | None = None,
) -> MockSpectra:
    """Mock lowest-k spectra of ``n_samples`` glasses of N particles (module docstring).

    Parameters
    ----------
    n_particles
        N per sample.
    n_samples
        Number of samples; a multiple of ``structures_per_chain``.
    exponent, prefactor
        s and A of the nonphononic density of states N A ω^s (``prefactor=0``:
        pure Debye).
    k
        Modes kept per sample (the lowest k non-zero levels).
    levels
        ``"poisson"`` (independent) or ``"goe"`` (level repulsion) nonphononic levels.
    hybridisation
        h: phonon levels shifted by exp(h ξ).
    structures_per_chain, chain_memory
        Chain structure of the samples and the probability that a structure
        keeps a level of its chain's parent set.
    shear_modulus, bulk_modulus, modulus_scatter
        Mean G, K and their relative scatter at N = 1000 (∝ N^(−1/2)).
    density, dimension
        ρ and d (2 or 3).
    seed
        Seed of :func:`numpy.random.default_rng`; the only randomness.
    spectrum
        A curved nonphononic spectrum (:class:`CurvedSpectrum`, in units of the mean moduli's ω̄_g) in place of
        the power law of ``exponent`` and ``prefactor``.

    Returns
    -------
    MockSpectra

    Examples
    --------
    >>> m = mock_glass_spectra(1000, 4, k=30, seed=1)
    >>> m.omega.shape, bool(np.all(np.diff(m.omega, axis=1) >= 0))
    ((4, 30), True)
    >>> m0 = mock_glass_spectra(1000, 2, prefactor=0.0, hybridisation=0.0, k=12)
    >>> bool(np.allclose(m0.omega, m0.omega0[:, None]))  # the first shell: 12 transverse waves
    True
    """
    _check_mock_arguments(
        dimension, n_particles, n_samples, k, structures_per_chain, chain_memory, levels, prefactor, exponent
    )
    rng = np.random.default_rng(seed)
    d = dimension
    L = (n_particles / density) ** (1.0 / d)
    G, K = _sample_moduli(shear_modulus, bulk_modulus, modulus_scatter, n_particles, n_samples, rng)
    cT = np.sqrt(G / density)
    cL = longitudinal_speed(G, K, density, d)
    omega0 = 2.0 * math.pi * cT / L
    # every sample needs k levels; phonons alone give (d-1) r_d(1) = 2d(d-1) levels per shell: go high enough
    omega_g_mean = math.sqrt(shear_modulus / density) * density ** (1.0 / d)
    has_modes = prefactor > 0 or spectrum is not None
    count_of, omega_of = _nonphononic_law(spectrum, n_particles, prefactor, exponent, omega_g_mean)
    out_w = np.full((n_samples, k), np.nan)
    out_e = np.full((n_samples, k), np.nan)
    out_p = np.zeros((n_samples, k), dtype=bool)
    n_chains = n_samples // structures_per_chain
    # first cut: the frequency where the expected count (Debye continuum + nonphononic) reaches 1.3 k + 12
    debye = _debye_prefactor(n_particles / density, cT, cL, d)
    target = 1.3 * k + 12.0
    grid = np.linspace(0.0, 1.0, 4001)[1:]
    for chain in range(n_chains):
        members = range(chain * structures_per_chain, (chain + 1) * structures_per_chain)
        top = float(np.max(omega0[list(members)]))
        dmax = float(np.max(debye[list(members)]))
        cut_factor = _first_cut_factor(top, dmax, target, grid, count_of, d)
        rows = _chain_rows(
            members,
            top,
            cut_factor,
            count_of,
            omega_of,
            has_modes,
            levels,
            chain_memory,
            L,
            cT,
            cL,
            d,
            hybridisation,
            n_particles,
            k,
            rng,
        )
        for i, w, e, p in rows:
            out_w[i], out_e[i], out_p[i] = w, e, p
    truth = _mock_truth(
        spectrum,
        exponent,
        prefactor,
        omega_g_mean,
        levels,
        hybridisation,
        structures_per_chain,
        chain_memory,
        shear_modulus,
        bulk_modulus,
        modulus_scatter,
        L,
        seed,
    )
    return MockSpectra(
        omega=out_w,
        omega0=omega0,
        shear_modulus=G,
        bulk_modulus=K,
        participation=out_e,
        is_phonon=out_p,
        groups=np.repeat(np.arange(n_chains), structures_per_chain),
        n_particles=int(n_particles),
        density=float(density),
        dimension=int(d),
        truth=truth,
    )


def glass_like_mock(
    n_particles: int,
    n_samples: int,
    *,
    excess: bool = False,
    levels: Literal["poisson", "goe"] = "goe",
    k: int = 20,
    spectrum: CurvedSpectrum = GLASS_SPECTRUM,
    seed: int = 0,
) -> MockSpectra:
    """Mock spectra that look like the glasses (issue 51, item 3): :data:`GLASS_SPECTRUM` (the same at every N),
    shell broadening log-sd 0.23 (1000/N)^0.24, modulus scatter 9.5 % √(1000/N), GOE-correlated levels.

    ``excess=True``: the same with the density ×1.3 below ω = 0.4 when N ≤ 2000 (a small-box excess to be found).

    Examples
    --------
    >>> m = glass_like_mock(2000, 3, k=20, seed=1)
    >>> m.omega.shape, m.truth["hybridisation"] == round(0.23 * 0.5**0.24, 12)
    ((3, 20), True)
    """
    if excess and n_particles <= 2000:
        spectrum = CurvedSpectrum(
            spectrum.amplitude, spectrum.s_deep, spectrum.s_high, spectrum.x_star, excess_factor=1.3, excess_below=0.4
        )
    return mock_glass_spectra(
        n_particles,
        n_samples,
        k=k,
        levels=levels,
        spectrum=spectrum,
        hybridisation=round(GLASS_SHELL_LOG_SD * (1000.0 / n_particles) ** GLASS_SHELL_POWER, 12),
        modulus_scatter=GLASS_MODULUS_SCATTER,
        seed=seed,
    )
