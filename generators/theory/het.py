"""Heterogeneous-elasticity theory (HET) in the self-consistent Born approximation (seed 001, Methods M1).

Physics (seed file ``001_d453c975fd50a4a2.txt``, eqs. 24–40).  An isotropic
elastic medium with a uniform bulk modulus K and a shear modulus
G(r) = G₀ + ΔG(r) fluctuating with variance ⟨ΔG²⟩ and step-function
correlations f(k) = f₀ θ(k_ξ − k), f₀ = 6π²/k_ξ³ (eqs. 28–31).  In the
dimensionless variables of the seed (q = k/k_ξ, z̃ = z ρ_m/(G₀ k_ξ²) with
z = λ + i0, λ = ω², Σ̃ = Σ/G₀, K̃ = K/G₀, M̃ = K̃ + (4/3)(1 − Σ̃), disorder
γ = ⟨ΔG²⟩/G₀², eq. 32) the self energy solves (eq. 33)

    Σ̃ = 3γ ∫₀¹ dq q⁴ [⅔ G̃_L(q, z̃) + G̃_T(q, z̃)]
      = γ { ⅔ [1 + z̃ G̃_L(z̃)]/M̃ + [1 + z̃ G̃_T(z̃)]/(1 − Σ̃) },

with G̃_L(q, z̃) = 1/(−z̃ + q² M̃), G̃_T(q, z̃) = 1/(−z̃ + q²(1 − Σ̃)) (eqs.
24–26) and G̃_{L,T}(z̃) = 3 ∫₀¹ dq q² G̃_{L,T}(q, z̃) (eq. 34), which is closed
form here: with b = z̃/c and p = √b (principal branch),
3∫₀¹ q² dq/(−z̃ + q² c) = (3/c)[1 − p artanh(1/p)].  The level density and the
density of states are (eq. 35)

    ρ(λ̃) = (1/3π) Im{G̃_L(z̃) + 2 G̃_T(z̃)},   g(ω̃) = 2ω̃ ρ(ω̃²),

normalised: ∫ρ dλ̃ = ∫g dω̃ = 1 (one third of the modes longitudinal, two
thirds transverse; every q-mode has spectral weight one, so the sum rule
holds for every γ below the marginal point).  Units: ω̃ in units of
k_ξ v_T⁰ = k_ξ √(G₀/ρ_m); at γ = 0 the DOS is Debye's with the input sound
speeds v_T = 1, v_L = √(K̃ + 4/3) and the cutoff q = 1 of each branch:
g(ω̃) = ω̃²[2 θ(1 − ω̃) + θ(v_L − ω̃)/v_L³].

The i0.  z̃ = λ̃ + iη with a fixed small η (default :data:`DEFAULT_ETA` =
10⁻¹⁰ for the infinite medium): in the continuum the self energy has
Σ̃″ > 0 at every λ̃ > 0 of the band, so η only selects the retarded branch
(Im Σ̃ ≥ 0, Im G̃ ≥ 0) and the results do not depend on it (a test compares
η = 10⁻¹⁰ and 10⁻⁸).  In a finite box (below) η is a resolution: isolated
lines are Lorentzians of half-width η in λ̃ (default
:data:`FINITE_SIZE_ETA` = 10⁻⁶).

Solver.  Newton's method on the holomorphic residual R(Σ̃) = Σ̃ − F(Σ̃; z̃)
(eq. 33, analytic derivative), continued along the λ grid from above the band
(λ̃_top = 4(K̃ + 4/3) + 1, where Σ̃ ≈ 0 is a safe start) downwards, with a
secant predictor, step halving when Newton fails, and iterates reflected
into Im Σ̃ ≥ 0.  Converged means |R| ≤ ``tolerance`` (default 10⁻¹²); the
iterations and the final |R| are returned for every grid point.

Marginal point.  At z̃ = 0 eq. 33 reads Σ̃(1 − Σ̃) = γ[1 + B̃] with
B̃ = ⅔(1 − Σ̃)/M̃ (eqs. 36–38), i.e. with x = 1 − Σ̃(0)

    γ(x) = x(1 − x)(3K̃ + 4x)/(3K̃ + 6x).

The physical branch starts at x = 1 (γ = 0); a real Σ̃(0) exists up to the
fold γ_c = max_x γ(x) (a cubic, solved exactly), beyond which Σ̃(0) is
complex: Σ̃″(0) > 0, spectral weight at λ̃ ≤ 0, an instability.  That is our
definition of γ_c; the solver confirms it (Σ̃″(λ̃ → 0) → 0 below γ_c, finite
above).  The simplified quadratic model of eqs. 38–39 freezes B̃ at B̃(0): then
Σ̃(1 − Σ̃) = γ̃ + z̃G̃₀ with γ̃ = γ[1 + B̃(0)], whose discriminant vanishes at
γ̃_c = 1/4, Σ̃_c(0) = 1/2, i.e. at γ_c^quad = γ(x = ½) = (3K̃ + 2)/(4(3K̃ + 3)).
Because B̃ depends on Σ̃(0) itself, the true fold lies slightly further, at
Σ̃_c(0) > ½ and γ̃_c = x_c(1 − x_c) < ¼; γ_c ≥ γ_c^quad always, the
difference is second order in (x_c − ½), at most 0.26 % (near K̃ = 1), and
vanishes where B̃ does not depend on Σ̃: K̃ → ∞ (B̃ → 0) and K̃ → 0 (B̃ → ½).
For K̃ = 3: γ_c = 0.229437, Σ̃_c(0) = 0.5173, γ̃_c = 0.24970, against
γ_c^quad = 0.229167 (0.12 % lower).

Boson peak.  Below γ_c the reduced DOS g/ω̃² has a maximum (the boson peak,
seed eq. 2 and Fig. 1b) that moves to ω̃ → 0 as γ → γ_c; at γ_c the maximum
of g/ω̃² is at ω̃ → 0 and g ∝ ω̃² with an enhanced prefactor (ρ ∝ λ^{1/2} from
Σ̃ − Σ̃_c ∝ √(−z̃), eq. 40 at λ̃_c = 0); above γ_c, ρ(0) > 0 and g ∝ ω̃.

Finite size (the paragraph after eq. 39 and eq. 40).  In a periodic box of
edge L the integrals become sums over k = 2πn/L, n ∈ ℤ³ ∖ {0}, |k| < k_ξ;
with ℓ = L k_ξ/2π (parameter ``box_edge``: the box edge in units of the
shortest fluctuation wavelength 2π/k_ξ), q = |n|/ℓ and
3∫₀¹ dq q²(·) → (1/N_k) Σ_n (·), N_k the number of such n.  The k = 0 term is
left out because G₀ is the sample mean of G(r), so ΔG has no k = 0 component;
with this normalisation (eq. 30 applied to the sum) the z̃ = 0 equation and
γ_c are those of the infinite medium.  The spectrum has a gap: below the
lowest edge λ̃_c the real solution exists (Σ̃″ = 0), and λ̃_c is the fold
(saddle node) of the real equation, computed exactly; it always lies below
the lowest resonance λ̃₁ = q_min²(1 − Σ̃(0)) (ω₀ = 2πv_T/L of seed Fig. 1c).
For small γ or large boxes it is the lower edge of the lowest phonon shell,
which the disorder broadens into a band (just below λ̃₁); close to γ_c it is
the type-I edge of eq. 40.  Near the edge ρ ∝ √(λ̃ − λ̃_c), and λ̃_c → 0
linearly as γ → γ_c.  Eq. 40,
λ̃_c = (γ̃_c − γ̃)/G̃₀(0), is the linearisation of that fold about the marginal
point; its slope agrees with the exact fold when γ̃, γ̃_c and G̃₀(0) are
evaluated with B̃ frozen at the full marginal point (``gap_edge_eq40``); taken
literally, with γ̃_c = 1/4 and B̃(0) at the actual Σ̃(0)
(``gap_edge_eq40_literal``), it vanishes at γ_c^quad instead (and reopens
above it, since γ[1 + B̃(0)] = Σ̃(0)(1 − Σ̃(0)) ≤ ¼ identically).

Discrepancies found in the seed.  (i) eq. 33's definitions write
z̃ = z²ρ_m/(G₀k_ξ²); the form of eq. 24 needs z̃ = zρ_m/(G₀k_ξ²) (z = ω²).
(ii) eq. 36 lacks the factor γ in front of [1 + B̃] that eq. 38 shows
("ν" under the brace is γ); and the text before eq. 36 is garbled
("define a function −2π, Σ̃Ã").  (iii) eq. 39 takes the + root; the branch
that starts at Σ̃ = 0 for γ = 0 is Σ̃ = ½ − √(¼ − γ̃ − z̃G̃₀) (the + root
describes x < ½, reached only between γ_c^quad and γ_c).  (iv) eq. 27 lacks
the factor 1/ρ_m (dimensions); eq. 33 is right.

Why one module of about 930 lines: the self energy, the marginal point,
the finite-size gap and the DOS helpers all solve or evaluate the same SCBA
equation with the same wavevector sums (:class:`Wavevectors`) and Newton
solver; the datasets and registered generators are already
:mod:`.het_datasets`.

References
----------
W. Schirmacher, M. Paoluzzi, F. C. Mocanu, D. Khomenko, G. Szamel, F. Zamponi,
G. Ruocco, "The nature of non-phononic excitations in disordered systems", Nat. Commun. 15, 3107 (2024),
doi:10.1038/s41467-024-46981-7 (seed file ``001_d453c975fd50a4a2.txt``),
Methods M1, eqs. 24–40; main text eqs. 1–5 and Fig. 1b, c.
"""

from __future__ import annotations

import cmath
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import brentq, minimize_scalar

from vdosbench.datasets.errors import VdosbenchError

from ..engine.parameters import check_integer, check_real

__all__ = [
    "DEFAULT_BOX_EDGES",
    "DEFAULT_BULK_RATIO",
    "DEFAULT_ETA",
    "DEFAULT_FINITE_GAMMA_RATIOS",
    "DEFAULT_GAMMA_RATIOS",
    "DEFAULT_N_MODES",
    "DEFAULT_TOLERANCE",
    "FINITE_SIZE_ETA",
    "GENERATOR_VERSION",
    "HET_REFERENCE",
    "FiniteSizeGap",
    "MarginalPoint",
    "SCBAConvergenceError",
    "SelfEnergy",
    "Wavevectors",
    "boson_peak_frequency",
    "debye_dos",
    "default_omega_grid",
    "finite_size_gap",
    "marginal_point",
    "quantile_eigenvalues",
    "scba_residual",
    "self_energy_at_zero",
    "solve_self_energy",
]

#: Version of the HET generators, recorded as ``generator_version``.
GENERATOR_VERSION = "1.0.0"
#: Default K̃ = K/G₀ (Poisson ratio (3K̃ − 2)/(6K̃ + 2) = 0.35, a typical glass; the seed gives no value).
DEFAULT_BULK_RATIO = 3.0
#: Default η of z̃ = λ̃ + iη for the infinite medium (selects the retarded branch only).
DEFAULT_ETA = 1e-10
#: Default η in a finite box (the resolution of isolated lines, half-width in λ̃).
FINITE_SIZE_ETA = 1e-6
#: Newton stops when |R(Σ̃)| ≤ this (R is dimensionless, eq. 33).
DEFAULT_TOLERANCE = 1e-12
#: Number of quantile eigenvalues ("modes") of a theory dataset (3N for the seed's N = 1000).
DEFAULT_N_MODES = 3000
#: γ/γ_c of the Fig. 1b sweep: γ ≪ γ_c (0.25) and three curves approaching γ_c, plus γ_c.
DEFAULT_GAMMA_RATIOS = (0.25, 0.5, 0.75, 0.9, 0.97, 1.0)
#: γ/γ_c of the finite-size datasets.
DEFAULT_FINITE_GAMMA_RATIOS = (0.5, 0.75, 0.9, 0.95, 0.99)
#: ℓ = L k_ξ/2π of the finite-size datasets (N = 1000 soft spheres, L = 10, with a
#: fluctuation correlation length of 2–3 particle spacings gives ℓ ≈ 3–5).
DEFAULT_BOX_EDGES = (2.0, 3.0, 4.0, 6.0)
#: Frequencies above ω̃_max = OMEGA_MAX_FACTOR·√(K̃ + 4/3) carry no weight (checked).
OMEGA_MAX_FACTOR = 1.3
#: The DOS at ω̃_max must be below this fraction of its maximum (else ω̃_max is too low).
TRUNCATION_TOLERANCE = 1e-6

HET_REFERENCE = (
    "W. Schirmacher et al., The nature of non-phononic excitations in disordered systems, "
    "Nat. Commun. 15, 3107 (2024), doi:10.1038/s41467-024-46981-7 (vdosbench seed 001, file "
    "001_d453c975fd50a4a2.txt; Methods M1, eqs. 24-40; Fig. 1b, c)"
)

_ONE = {"units": "1"}


class SCBAConvergenceError(VdosbenchError, RuntimeError):
    """Newton's method did not reach the tolerance even after step halving."""


# ----------------------------------------------------------------------------- checks


# ----------------------------------------------------------------------------- wavevectors


@dataclass(frozen=True, eq=False)
class Wavevectors:
    """The wavevector measure of eqs. 33–34: the continuum or a periodic box.

    ``G(z, c)`` below is 3∫₀¹ dq q²/(−z + q²c) in the continuum (eq. 34 with
    eq. 24) and (1/N_k) Σ_n 1/(−z + q_n² c) in a box of edge ℓ = L k_ξ/2π,
    over the N_k wavevectors n ∈ ℤ³ with 0 < |n|/ℓ < 1.

    Attributes
    ----------
    box_edge
        ℓ, or ``None`` for the infinite medium.
    q2
        Shell values q² = |n|²/ℓ², shape (n_shell,) (empty in the continuum).
    weight
        Fraction of the N_k wavevectors in each shell, shape (n_shell,).
    n_wavevectors
        N_k (0 in the continuum).

    Examples
    --------
    >>> box = Wavevectors.periodic_box(1.5)
    >>> box.n_wavevectors, box.q2.round(4).tolist()
    (18, [0.4444, 0.8889])
    >>> round(Wavevectors.continuum().mean_inverse_q2, 12)
    3.0
    """

    box_edge: float | None
    q2: np.ndarray = field(default_factory=lambda: np.zeros(0))
    weight: np.ndarray = field(default_factory=lambda: np.zeros(0))
    n_wavevectors: int = 0

    @classmethod
    def continuum(cls) -> Wavevectors:
        """The infinite medium (q-integrals in closed form)."""
        return cls(None)

    @classmethod
    def periodic_box(cls, box_edge: float) -> Wavevectors:
        """The wavevectors k = 2πn/L, 0 < |k| < k_ξ, of a periodic cube; ``box_edge`` = L k_ξ/2π > 1."""
        ell = check_real("box_edge", box_edge, minimum=1.0, strict=True)
        n_max = math.floor(ell)
        r = np.arange(-n_max, n_max + 1)
        s = (r[:, None, None] ** 2 + r[None, :, None] ** 2 + r[None, None, :] ** 2).ravel()
        keep = (s > 0) & (s < ell * ell)
        shells, counts = np.unique(s[keep], return_counts=True)
        total = int(counts.sum())
        return cls(ell, shells / (ell * ell), counts / total, total)

    @property
    def is_continuum(self) -> bool:
        """True for the infinite medium."""
        return self.box_edge is None

    @property
    def mean_inverse_q2(self) -> float:
        """⟨q⁻²⟩ of the measure (3 in the continuum), so that G(0, c) = ⟨q⁻²⟩/c."""
        if self.is_continuum:
            return 3.0
        return float(np.sum(self.weight / self.q2))

    @property
    def lowest_q2(self) -> float:
        """The smallest q² (1/ℓ² in a box, 0 in the continuum)."""
        return 0.0 if self.is_continuum else float(self.q2[0])

    def green(self, z: complex, c: complex) -> tuple[complex, complex]:
        """G(z, c) and ∂G/∂c (see the class docstring); c = 1 − Σ̃ (T) or M̃ (L)."""
        if self.is_continuum:
            return _continuum_green(complex(z), complex(c))
        d = self.q2 * c - z
        inv = self.weight / d
        return complex(inv.sum()), complex(-(inv * self.q2 / d).sum())


def _continuum_green(z: complex, c: complex) -> tuple[complex, complex]:
    """3∫₀¹ q²dq/(−z + q²c) and its c-derivative in closed form.

    With b = z/c, p = √b: 3∫₀¹ q²/(q² − b) dq = 3[1 − p artanh(1/p)] and
    3∫₀¹ q²/(q² − b)² dq = 3[−1/(2(1 − b)) − artanh(1/p)/(2p)] (integration by
    parts).  For Im z > 0 and Re c > 0 ≥ Im c, b is in the upper half plane,
    1/p off the cuts of artanh, and the principal branches give the retarded
    function.
    """
    b = z / c
    if b == 0:
        return 3.0 / c, -3.0 / (c * c)
    p = cmath.sqrt(b)
    at = cmath.atanh(1.0 / p)
    g1 = 3.0 * (1.0 - p * at)
    b_dg1 = 3.0 * (-b / (2.0 * (1.0 - b)) - 0.5 * p * at)
    return g1 / c, -(g1 + b_dg1) / (c * c)


# ----------------------------------------------------------------------------- the SCBA equation


def _residual(
    sigma: complex, z: complex, gamma: float, bulk_ratio: float, wv: Wavevectors
) -> tuple[complex, complex, complex, complex]:
    """R(Σ̃) = Σ̃ − F(Σ̃) of eq. 33, R′(Σ̃), and G̃_T(z̃), G̃_L(z̃) at Σ̃."""
    a = 1.0 - sigma
    m = bulk_ratio + (4.0 / 3.0) * a
    g_t, dg_t = wv.green(z, a)
    g_l, dg_l = wv.green(z, m)
    t_t = (1.0 + z * g_t) / a
    t_l = (1.0 + z * g_l) / m
    dt_t = (-t_t + z * dg_t) / a
    dt_l = (-t_l + z * dg_l) / m
    f = gamma * ((2.0 / 3.0) * t_l + t_t)
    df = gamma * ((2.0 / 3.0) * dt_l * (-4.0 / 3.0) - dt_t)
    return sigma - f, 1.0 - df, g_t, g_l


def scba_residual(
    sigma: np.ndarray,
    lam: np.ndarray,
    gamma: float,
    bulk_ratio: float = DEFAULT_BULK_RATIO,
    *,
    box_edge: float | None = None,
    eta: float = DEFAULT_ETA,
) -> np.ndarray:
    """|Σ̃ − F(Σ̃)| of eq. 33 at each (Σ̃, λ̃): zero for a solution.

    Parameters
    ----------
    sigma
        Self energy Σ̃, complex, shape (n,).
    lam
        λ̃ = ω̃², shape (n,); z̃ = λ̃ + iη.
    gamma, bulk_ratio
        γ (eq. 32) and K̃ = K/G₀.
    box_edge
        ℓ = L k_ξ/2π of a periodic box, or ``None`` for the infinite medium.
    eta
        The imaginary part η of z̃.

    Returns
    -------
    numpy.ndarray
        Shape (n,), the absolute residual.

    Examples
    --------
    >>> scba_residual(np.array([0.0j]), np.array([0.5]), gamma=0.0).tolist()
    [0.0]
    """
    wv = Wavevectors.continuum() if box_edge is None else Wavevectors.periodic_box(box_edge)
    s = np.asarray(sigma, dtype=complex).ravel()
    lm = np.asarray(lam, dtype=float).ravel()
    if s.shape != lm.shape:
        raise ValueError(f"sigma has shape {s.shape} but lam has shape {lm.shape}; pass one Σ̃ per λ̃")
    return np.array([abs(_residual(si, complex(li, eta), gamma, bulk_ratio, wv)[0]) for si, li in zip(s, lm)])


@dataclass(frozen=True, eq=False)
class SelfEnergy:
    """The SCBA solution on a λ grid.

    Attributes
    ----------
    lam
        λ̃ = ω̃², ascending, shape (n,).
    sigma
        Σ̃(λ̃ + iη), complex, shape (n,); Σ̃′ = ``sigma.real``, Σ̃″ = ``sigma.imag`` ≥ 0.
    level_density
        ρ(λ̃) = (1/3π) Im{G̃_L + 2G̃_T} (eq. 35), shape (n,).
    iterations
        Newton iterations spent to reach each grid point (including halved steps), shape (n,).
    residual
        |R(Σ̃)| at each point (≤ ``tolerance``), shape (n,).
    gamma, bulk_ratio, eta, tolerance, box_edge
        The inputs.
    """

    lam: np.ndarray
    sigma: np.ndarray
    level_density: np.ndarray
    iterations: np.ndarray
    residual: np.ndarray
    gamma: float
    bulk_ratio: float
    eta: float
    tolerance: float
    box_edge: float | None

    @property
    def omega(self) -> np.ndarray:
        """ω̃ = √λ̃."""
        return np.sqrt(self.lam)

    @property
    def density_of_states(self) -> np.ndarray:
        """g(ω̃) = 2ω̃ ρ(ω̃²) (eq. 35)."""
        return 2.0 * self.omega * self.level_density


def _newton(
    guess: complex, z: complex, gamma: float, bulk_ratio: float, wv: Wavevectors, tol: float, max_iter: int
) -> tuple[complex, int, float, bool]:
    s = complex(guess.real, abs(guess.imag))
    for it in range(max_iter + 1):
        r, dr, _, _ = _residual(s, z, gamma, bulk_ratio, wv)
        if not (cmath.isfinite(r) and cmath.isfinite(dr)):
            return s, it, math.inf, False
        if abs(r) <= tol:
            return s, it, abs(r), True
        if it == max_iter or dr == 0:
            break
        new = s - r / dr
        new = complex(new.real, abs(new.imag))  # stay on the retarded branch
        if (1.0 - new).real <= 0.0:  # keep Re(1 − Σ̃) > 0, where the branch choice holds
            new = 0.5 * (s + complex(min(new.real, 1.0 - 1e-3), new.imag))
        s = new
    return s, max_iter, abs(r), False


def _top_of_band(bulk_ratio: float) -> float:
    return 4.0 * (bulk_ratio + 4.0 / 3.0) + 1.0


def _lambda_grid(lam: Sequence[float] | np.ndarray) -> np.ndarray:
    """``lam`` as a flat float grid; raise unless it is non-empty, finite, ≥ 0 and strictly ascending."""
    lm = np.asarray(lam, dtype=float).ravel()
    if lm.size == 0 or not np.all(np.isfinite(lm)) or lm[0] < 0 or np.any(np.diff(lm) <= 0):
        raise ValueError(
            f"lam must be a non-empty, strictly ascending grid of finite λ ≥ 0, found {lm[:5]}...; "
            "pass e.g. np.linspace(1e-4, 5, 500)"
        )
    return lm


class _Continuation:
    """Newton continuation of Σ̃ along λ̃: each step starts from the line through the last two solutions and halves
    the step on failure (``spent`` counts Newton iterations, ``history`` holds (λ̃, Σ̃))."""

    def __init__(
        self,
        start: float,
        sigma: complex,
        eta: float,
        gamma: float,
        bulk_ratio: float,
        wv: Wavevectors,
        tolerance: float,
        max_iter: int,
        max_halvings: int,
    ) -> None:
        """Start at λ̃ = ``start`` with the solution ``sigma`` there."""
        self.history = [(start, sigma), (start, sigma)]
        self.spent = 0
        self.eta, self.gamma, self.bulk_ratio, self.wv = eta, gamma, bulk_ratio, wv
        self.tolerance, self.max_iter, self.max_halvings = tolerance, max_iter, max_halvings

    def advance(self, target: float, depth: int) -> tuple[complex, float]:
        """Σ̃ at λ̃ = ``target`` and its residual; raise after ``max_halvings`` halvings."""
        eta, gamma, bulk_ratio, wv = self.eta, self.gamma, self.bulk_ratio, self.wv
        tolerance, max_iter, max_halvings = self.tolerance, self.max_iter, self.max_halvings
        (l1, s1), (l0, s0) = self.history[-2], self.history[-1]
        slope = (s0 - s1) / (l0 - l1) if l0 != l1 else 0j
        guess = s0 + slope * (target - l0)
        sol, its, res, good = _newton(guess, complex(target, eta), gamma, bulk_ratio, wv, tolerance, max_iter)
        self.spent += its
        if not good:
            sol, its, res, good = _newton(s0, complex(target, eta), gamma, bulk_ratio, wv, tolerance, max_iter)
            self.spent += its
        if good:
            self.history.append((target, sol))
            return sol, res
        if depth >= max_halvings:
            raise SCBAConvergenceError(
                f"SCBA Newton iteration failed at λ̃ = {target:.6g} (γ = {gamma:g}, K̃ = {bulk_ratio:g}, "
                f"η = {eta:g}) after {max_halvings} step halvings, residual {res:.3g} > {tolerance:g}; "
                "raise eta or refine the λ grid"
            )
        self.advance(0.5 * (l0 + target), depth + 1)
        return self.advance(target, depth + 1)


def _down_the_grid(path: _Continuation, lm: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Σ̃, the level density, Newton iterations and residual at each grid λ̃, continued from the top down."""
    eta, gamma, bulk_ratio, wv = path.eta, path.gamma, path.bulk_ratio, path.wv
    n = lm.size
    sigma = np.empty(n, dtype=complex)
    iterations = np.empty(n, dtype=np.int64)
    residual = np.empty(n)
    rho = np.empty(n)
    for i in range(n - 1, -1, -1):
        path.spent = 0
        target = float(lm[i])
        # the approach ends on the top grid point, already solved
        sol = path.history[-1][1] if target == path.history[-1][0] else path.advance(target, 0)[0]
        r, _, g_t, g_l = _residual(sol, complex(target, eta), gamma, bulk_ratio, wv)
        sigma[i] = sol
        iterations[i] = path.spent
        residual[i] = abs(r)
        rho[i] = (g_l + 2.0 * g_t).imag / (3.0 * math.pi)
    return sigma, rho, iterations, residual


def solve_self_energy(
    lam: Sequence[float] | np.ndarray,
    gamma: float,
    bulk_ratio: float = DEFAULT_BULK_RATIO,
    *,
    box_edge: float | None = None,
    eta: float | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    max_iter: int = 60,
    max_halvings: int = 40,
) -> SelfEnergy:
    """Solve the SCBA equation (eq. 33) for Σ̃(λ̃ + iη) on a λ grid.

    Parameters
    ----------
    lam
        λ̃ = ω̃² ≥ 0, strictly ascending, shape (n,) (units G₀k_ξ²/ρ_m).
    gamma
        Disorder γ = ⟨ΔG²⟩/G₀² ≥ 0 (eq. 32); above :func:`marginal_point`'s
        γ_c the solution exists for λ̃ > 0 but has weight at λ̃ ≤ 0.
    bulk_ratio
        K̃ = K/G₀ > 0.
    box_edge
        ℓ = L k_ξ/2π > 1 of a periodic box (discrete wavevectors), or
        ``None`` (default) for the infinite medium.
    eta
        Imaginary part η of z̃; default :data:`DEFAULT_ETA` (infinite medium)
        or :data:`FINITE_SIZE_ETA` (box).
    tolerance
        Newton stops when |R(Σ̃)| ≤ tolerance.
    max_iter, max_halvings
        Newton iterations per step; how often a failed continuation step is halved.

    Returns
    -------
    SelfEnergy
        Σ̃, ρ(λ̃), iterations and residuals at every grid point.

    Raises
    ------
    SCBAConvergenceError
        If a step fails after ``max_halvings`` halvings.

    Examples
    --------
    >>> sol = solve_self_energy([0.01, 0.25], gamma=0.1)
    >>> bool(np.all(sol.residual <= 1e-12)), bool(np.all(sol.sigma.imag >= 0))
    (True, True)
    >>> debye = solve_self_energy([0.25], gamma=0.0)
    >>> round(float(debye.density_of_states[0] / 0.25), 6)  # 2 + (3 + 4/3)**-1.5
    2.110858
    """
    lm = _lambda_grid(lam)
    gamma = check_real("gamma", gamma, minimum=0.0)
    bulk_ratio = check_real("bulk_ratio", bulk_ratio, minimum=0.0, strict=True)
    wv = Wavevectors.continuum() if box_edge is None else Wavevectors.periodic_box(box_edge)
    if eta is None:
        eta = DEFAULT_ETA if wv.is_continuum else FINITE_SIZE_ETA
    eta = check_real("eta", eta, minimum=0.0, strict=True)
    tolerance = check_real("tolerance", tolerance, minimum=0.0, strict=True)

    top = _top_of_band(bulk_ratio)
    start = max(top, float(lm[-1]))
    s, _, _, ok = _newton(0j, complex(start, eta), gamma, bulk_ratio, wv, tolerance, max_iter)
    if not ok:
        raise SCBAConvergenceError(
            f"no SCBA solution above the band at λ̃ = {start:g} for γ = {gamma:g}, K̃ = {bulk_ratio:g}; "
            "the disorder is far beyond the marginal point: lower gamma"
        )
    path = _Continuation(start, s, eta, gamma, bulk_ratio, wv, tolerance, max_iter, max_halvings)
    approach = np.linspace(start, float(lm[-1]), 41)[1:] if start > lm[-1] else np.zeros(0)
    for target in approach:
        path.advance(float(target), 0)
    sigma, rho, iterations, residual = _down_the_grid(path, lm)
    return SelfEnergy(lm, sigma, rho, iterations, residual, gamma, bulk_ratio, eta, tolerance, box_edge)


# ----------------------------------------------------------------------------- marginal point


@dataclass(frozen=True)
class MarginalPoint:
    """The marginal point of the SCBA at z̃ = 0, exact and in the quadratic model.

    Attributes
    ----------
    bulk_ratio
        K̃.
    gamma_c
        γ_c: the fold of γ(x) = x(1 − x)(3K̃ + 4x)/(3K̃ + 6x), x = 1 − Σ̃(0).
    sigma_c
        Σ̃_c(0) = 1 − x_c at γ_c (> ½).
    gamma_tilde_c
        γ̃ = γ_c[1 + B̃] at the fold = x_c(1 − x_c) (< ¼).
    b_c
        B̃ = ⅔ x_c / M̃ at the fold (eq. 36).
    gamma_c_quadratic, sigma_c_quadratic, gamma_tilde_c_quadratic
        The simplified model of eqs. 38–39: γ̃_c = ¼, Σ̃_c(0) = ½, and the γ at
        which γ[1 + B̃(0)] reaches ¼, γ(x = ½) = (3K̃ + 2)/(4(3K̃ + 3)).
    """

    bulk_ratio: float
    gamma_c: float
    sigma_c: float
    gamma_tilde_c: float
    b_c: float
    gamma_c_quadratic: float
    sigma_c_quadratic: float = 0.5
    gamma_tilde_c_quadratic: float = 0.25


def _gamma_of_x(x: float, bulk_ratio: float) -> float:
    return x * (1.0 - x) * (3.0 * bulk_ratio + 4.0 * x) / (3.0 * bulk_ratio + 6.0 * x)


def _zero_roots(gamma: float, bulk_ratio: float) -> list[complex]:
    """Roots x = 1 − Σ̃(0) of x(1 − x)(3K̃ + 4x) − γ(3K̃ + 6x) (the z̃ = 0 equation)."""
    x = np.polynomial.Polynomial([0.0, 1.0])
    k = bulk_ratio
    cubic = x * (1.0 - x) * (3.0 * k + 4.0 * x) - gamma * (3.0 * k + 6.0 * x)
    return [complex(r) for r in cubic.roots()]


def marginal_point(bulk_ratio: float = DEFAULT_BULK_RATIO) -> MarginalPoint:
    """γ_c and Σ̃_c(0) of the full SCBA and of the quadratic model (eqs. 36–39).

    The z̃ = 0 equation is exact (z̃G̃ terms vanish): Σ̃(1 − Σ̃) = γ[1 + B̃(Σ̃)],
    so γ(x) = x(1 − x)(3K̃ + 4x)/(3K̃ + 6x) with x = 1 − Σ̃(0); γ_c is its
    maximum on (0, 1), a root of the cubic (N′D − ND′) = 0.

    Parameters
    ----------
    bulk_ratio
        K̃ = K/G₀ > 0.

    Returns
    -------
    MarginalPoint

    Examples
    --------
    >>> mp = marginal_point(3.0)
    >>> round(mp.gamma_c, 6), round(mp.sigma_c, 4), round(mp.gamma_c_quadratic, 6)
    (0.229437, 0.5173, 0.229167)
    >>> round(marginal_point(1e8).gamma_c, 6)  # K̃ → ∞: B̃ → 0, γ_c → 1/4
    0.25
    """
    k = check_real("bulk_ratio", bulk_ratio, minimum=0.0, strict=True)
    x = np.polynomial.Polynomial([0.0, 1.0])
    num = x * (1.0 - x) * (3.0 * k + 4.0 * x)
    den = 3.0 * k + 6.0 * x
    crit = num.deriv() * den - num * den.deriv()
    roots = [r.real for r in map(complex, crit.roots()) if abs(r.imag) < 1e-12 and 0.0 < r.real < 1.0]
    xc = max(roots, key=lambda r: _gamma_of_x(r, k))
    gc = _gamma_of_x(xc, k)
    return MarginalPoint(
        bulk_ratio=k,
        gamma_c=float(gc),
        sigma_c=float(1.0 - xc),
        gamma_tilde_c=float(xc * (1.0 - xc)),
        b_c=float(2.0 * xc / (3.0 * k + 4.0 * xc)),
        gamma_c_quadratic=float(_gamma_of_x(0.5, k)),
    )


def self_energy_at_zero(gamma: float, bulk_ratio: float = DEFAULT_BULK_RATIO) -> complex:
    """Σ̃(z̃ = 0) on the physical branch: real for γ ≤ γ_c, Im > 0 above.

    Roots of x(1 − x)(3K̃ + 4x) = γ(3K̃ + 6x), x = 1 − Σ̃(0): the largest real
    root (the branch through x = 1 at γ = 0) below γ_c, the complex root with
    Im Σ̃ > 0 above.

    Examples
    --------
    >>> self_energy_at_zero(0.0)
    0j
    >>> mp = marginal_point(3.0)
    >>> abs(self_energy_at_zero(mp.gamma_c) - mp.sigma_c) < 1e-6
    True
    >>> self_energy_at_zero(1.1 * mp.gamma_c).imag > 0
    True
    """
    g = check_real("gamma", gamma, minimum=0.0)
    k = check_real("bulk_ratio", bulk_ratio, minimum=0.0, strict=True)
    if g == 0.0:
        return 0j
    roots = _zero_roots(g, k)
    mp = marginal_point(k)
    xc = 1.0 - mp.sigma_c
    if g <= mp.gamma_c:
        real = [r.real for r in roots if abs(r.imag) <= 1e-7 * max(1.0, abs(r))]
        upper = [r for r in real if r >= xc - 1e-6]
        return complex(1.0 - max(upper), 0.0)
    candidates = [1.0 - r for r in roots if (1.0 - r).imag > 0]
    return complex(min(candidates, key=lambda s: abs(s - mp.sigma_c)))


# ----------------------------------------------------------------------------- finite size


@dataclass(frozen=True)
class FiniteSizeGap:
    """The lowest spectral edge of the SCBA in a periodic box.

    Attributes
    ----------
    gap_edge
        λ̃_c: the fold of the real SCBA equation below the lowest wavevector
        pole; ρ = 0 below it and ρ ∝ √(λ̃ − λ̃_c) above (eq. 40).
    sigma_at_edge
        Σ̃ (real) at the fold.
    self_energy_zero
        Σ̃(0), real.
    gap_edge_eq40
        Eq. 40 linearised at the full marginal point:
        (1 + B̃_c)(γ_c − γ)/G̃₀(0) with G̃₀(0) = γ_c⟨q⁻²⟩[1/x_c + B̃_c/M̃_c].
    gap_edge_eq40_literal
        Eq. 40 as written: (¼ − γ[1 + B̃(0)])/G̃₀(0) with B̃(0), G̃₀(0) at the
        actual Σ̃(0).  Since γ[1 + B̃(0)] = Σ̃(0)(1 − Σ̃(0)) ≤ ¼ identically, it
        vanishes at γ_c^quad (Σ̃(0) = ½), where the true gap is still open, and
        grows again between γ_c^quad and γ_c.
    lowest_resonance
        λ̃₁ = q_min²[1 − Σ̃(0)], the lowest transverse phonon (ω₀ = 2πv_T/L of seed Fig. 1c).
    n_wavevectors
        N_k.
    """

    gamma: float
    bulk_ratio: float
    box_edge: float
    gap_edge: float
    sigma_at_edge: float
    self_energy_zero: float
    gap_edge_eq40: float
    gap_edge_eq40_literal: float
    lowest_resonance: float
    n_wavevectors: int


def _real_residual(sigma: float, lam: float, gamma: float, bulk_ratio: float, wv: Wavevectors) -> float:
    return float(_residual(complex(sigma), complex(lam), gamma, bulk_ratio, wv)[0].real)


def _gap_fold(s0: float, s1: float, q2min: float, g: float, k: float, wv: Wavevectors) -> tuple[float, float]:
    """The fold max λ̃(Σ̃) of the real solution for Σ̃ in (s0, s1) and the Σ̃ there (41-point scan, bounded Brent)."""

    def lam_of(sigma: float) -> float:
        if sigma <= s0 or sigma >= s1:
            return 0.0
        pole = q2min * (1.0 - sigma)
        hi = pole * (1.0 - 1e-13)
        r_lo = _real_residual(sigma, 0.0, g, k, wv)
        if r_lo <= 0.0:
            return 0.0
        return float(brentq(lambda lam: _real_residual(sigma, lam, g, k, wv), 0.0, hi, xtol=1e-16, rtol=1e-14))

    if s1 - s0 <= 1e-12:
        edge, s_edge = 0.0, 0.5 * (s0 + s1)
    else:
        scan = np.linspace(s0, s1, 43)[1:-1]
        values = [lam_of(float(s)) for s in scan]
        i = int(np.argmax(values))
        lo = float(scan[i - 1]) if i > 0 else s0
        hi = float(scan[i + 1]) if i < len(scan) - 1 else s1
        res = minimize_scalar(lambda s: -lam_of(float(s)), bounds=(lo, hi), method="bounded", options={"xatol": 1e-13})
        edge, s_edge = max(-float(res.fun), values[i]), float(res.x)
    return edge, s_edge


def _eq40_estimates(mp: MarginalPoint, g: float, k: float, x_phys: float, inv_q2: float) -> tuple[float, float]:
    """The gap edge of eq. 40 linearised about the marginal point, and eq. 40 as printed (γ̃_c = ¼)."""
    xc_ = 1.0 - mp.sigma_c
    m_c = k + (4.0 / 3.0) * xc_
    g0_c = mp.gamma_c * inv_q2 * (1.0 / xc_ + mp.b_c / m_c)
    eq40 = (1.0 + mp.b_c) * (mp.gamma_c - g) / g0_c
    m0 = k + (4.0 / 3.0) * x_phys
    b0 = (2.0 / 3.0) * x_phys / m0
    g0 = g * inv_q2 * (1.0 / x_phys + b0 / m0)
    eq40_literal = (0.25 - g * (1.0 + b0)) / g0
    return eq40, eq40_literal


def finite_size_gap(gamma: float, bulk_ratio: float = DEFAULT_BULK_RATIO, box_edge: float = 3.0) -> FiniteSizeGap:
    """The gap edge λ̃_c of the SCBA spectrum in a periodic box (paragraph after eq. 39, eq. 40).

    For real λ̃ below the lowest pole q_min²(1 − Σ̃) the sums are real; for
    fixed real Σ̃ between the physical and the unphysical z̃ = 0 roots the
    residual decreases monotonically in λ̃ from R > 0 to −∞, so it has one root
    λ̃(Σ̃) (Brent); the edge is λ̃_c = max λ̃(Σ̃), the fold of the real
    solution (bounded Brent after a 41-point scan).  λ̃_c = 0 at γ = γ_c.

    Parameters
    ----------
    gamma
        0 < γ ≤ γ_c.
    bulk_ratio
        K̃.
    box_edge
        ℓ = L k_ξ/2π > 1.

    Returns
    -------
    FiniteSizeGap

    Examples
    --------
    >>> gc = marginal_point(3.0).gamma_c
    >>> gaps = [finite_size_gap(r * gc, 3.0, 3.0).gap_edge for r in (0.5, 0.9, 0.99)]
    >>> bool(gaps[0] > gaps[1] > gaps[2] > 0), round(finite_size_gap(gc, 3.0, 3.0).gap_edge, 12)
    (True, 0.0)
    """
    k = check_real("bulk_ratio", bulk_ratio, minimum=0.0, strict=True)
    g = check_real("gamma", gamma, minimum=0.0, strict=True)
    wv = Wavevectors.periodic_box(box_edge)
    assert wv.box_edge is not None
    mp = marginal_point(k)
    if g > mp.gamma_c * (1.0 + 1e-12):
        raise ValueError(
            f"gamma = {g:g} exceeds the marginal point gamma_c = {mp.gamma_c:g} (K̃ = {k:g}): the spectrum "
            "has weight at λ ≤ 0 and no gap; pass gamma ≤ gamma_c"
        )
    g = min(g, mp.gamma_c)
    xc = 1.0 - mp.sigma_c
    real = sorted(r.real for r in _zero_roots(g, k) if abs(r.imag) <= 1e-7)
    x_phys = max((r for r in real if r >= xc - 1e-9), default=xc)
    x_unphys = max((r for r in real if 0.0 < r <= xc + 1e-9), default=xc)
    s0, s1 = 1.0 - x_phys, 1.0 - x_unphys
    q2min = wv.lowest_q2
    edge, s_edge = _gap_fold(s0, s1, q2min, g, k, wv)
    eq40, eq40_literal = _eq40_estimates(mp, g, k, x_phys, wv.mean_inverse_q2)
    return FiniteSizeGap(
        gamma=g,
        bulk_ratio=k,
        box_edge=float(wv.box_edge),
        gap_edge=float(edge),
        sigma_at_edge=float(s_edge),
        self_energy_zero=float(s0),
        gap_edge_eq40=float(eq40),
        gap_edge_eq40_literal=float(eq40_literal),
        lowest_resonance=float(q2min * x_phys),
        n_wavevectors=wv.n_wavevectors,
    )


# ----------------------------------------------------------------------------- DOS helpers


def debye_dos(omega: Sequence[float] | np.ndarray, bulk_ratio: float = DEFAULT_BULK_RATIO) -> np.ndarray:
    """The γ = 0 limit of eq. 35: Debye's DOS with v_T = 1, v_L = √(K̃ + 4/3), cutoff q = 1.

    g(ω̃) = ⅓·3ω̃²/v_L³ θ(v_L − ω̃) + ⅔·3ω̃² θ(1 − ω̃), normalised to 1.

    Examples
    --------
    >>> debye_dos([0.5, 1.5, 3.0], bulk_ratio=3.0).round(5).tolist()
    [0.52771, 0.24943, 0.0]
    """
    w = np.asarray(omega, dtype=float)
    v_l = math.sqrt(check_real("bulk_ratio", bulk_ratio, minimum=0.0, strict=True) + 4.0 / 3.0)
    return w**2 * (2.0 * (w < 1.0) + (w < v_l) / v_l**3)


def default_omega_grid(
    bulk_ratio: float = DEFAULT_BULK_RATIO,
    n_omega: int = 1500,
    omega_min: float = 1e-3,
    omega_max_factor: float = OMEGA_MAX_FACTOR,
) -> np.ndarray:
    """The ω̃ grid of the HET datasets: ``n_omega // 10`` points log-spaced on
    [omega_min, 0.05), the rest linear on [0.05, omega_max_factor·√(K̃ + 4/3)].

    Examples
    --------
    >>> w = default_omega_grid(3.0, n_omega=100)
    >>> w.size, float(w[0]), round(float(w[-1]), 4)
    (100, 0.001, 2.7062)
    """
    n = check_integer("n_omega", n_omega, 20)
    lo = check_real("omega_min", omega_min, minimum=0.0, strict=True)
    if lo >= 0.05:
        raise ValueError(f"omega_min must be < 0.05, found {lo:g}; the log-spaced part of the grid ends at 0.05")
    top = check_real("omega_max_factor", omega_max_factor, minimum=1.0, strict=True) * math.sqrt(bulk_ratio + 4.0 / 3.0)
    n_log = n // 10
    return np.concatenate([np.geomspace(lo, 0.05, n_log, endpoint=False), np.linspace(0.05, top, n - n_log)])


def quantile_eigenvalues(
    omega: Sequence[float] | np.ndarray,
    dos: Sequence[float] | np.ndarray,
    n_modes: int = DEFAULT_N_MODES,
    *,
    low_exponent: float = 2.0,
) -> tuple[np.ndarray, float]:
    """The deterministic "quantile spectrum" of a DOS curve.

    λ_k = ω_k² with ω_k = F⁻¹((k − ½)/M), k = 1 … M, where F is the integrated
    DOS normalised to 1: below the first grid point g ∝ ω^low_exponent
    (F = g₀ω₀/(low_exponent + 1) there), between grid points g is linear
    (trapezoid F, inverted exactly by solving the quadratic in each cell).

    Parameters
    ----------
    omega
        Ascending grid ω > 0, shape (n,).
    dos
        g(ω) ≥ 0, shape (n,), any normalisation.
    n_modes
        M.
    low_exponent
        Exponent of g below the first grid point (2: Debye or marginal).

    Returns
    -------
    eigenvalues, integral
        λ_k ascending, shape (M,); and ∫g dω of the curve before normalising
        (the sum rule: 1 for a normalised DOS).

    Examples
    --------
    >>> w = np.linspace(0.01, 1.0, 2000)
    >>> lam, total = quantile_eigenvalues(w, 3 * w**2, 4)
    >>> np.sqrt(lam).round(3).tolist(), round(total, 4)
    ([0.5, 0.721, 0.855, 0.956], 1.0)
    """
    w = np.asarray(omega, dtype=float).ravel()
    g = np.asarray(dos, dtype=float).ravel()
    m = check_integer("n_modes", n_modes, 1)
    if w.shape != g.shape or w.size < 2 or w[0] <= 0 or np.any(np.diff(w) <= 0):
        raise ValueError(
            f"omega must be an ascending grid of positive frequencies with one dos value each, found "
            f"{w.size} frequencies and {g.size} dos values"
        )
    if np.any(~np.isfinite(g)) or np.any(g < -1e-12 * max(float(np.max(np.abs(g))), 1e-300)):
        raise ValueError("dos must be finite and non-negative; check the curve (a solver failure?)")
    g = np.clip(g, 0.0, None)
    head = g[0] * w[0] / (low_exponent + 1.0)
    cells = 0.5 * (g[1:] + g[:-1]) * np.diff(w)
    cum = np.concatenate([[head], head + np.cumsum(cells)])
    total = float(cum[-1])
    if total <= 0:
        raise ValueError("the DOS integrates to zero; nothing to sample")
    u = (np.arange(1, m + 1) - 0.5) / m * total
    idx = np.searchsorted(cum, u, side="left")
    out = np.empty(m)
    first = idx == 0
    out[first] = w[0] * (u[first] / head) ** (1.0 / (low_exponent + 1.0)) if head > 0 else w[0]
    j = idx[~first]
    j = np.minimum(j, w.size - 1)
    ga, gb = g[j - 1], g[j]
    h = w[j] - w[j - 1]
    df = u[~first] - cum[j - 1]
    c = (gb - ga) / (2.0 * h)
    disc = np.sqrt(np.maximum(ga * ga + 4.0 * c * df, 0.0))
    denom = ga + disc
    t = np.where(denom > 0, 2.0 * df / np.where(denom > 0, denom, 1.0), 0.0)
    out[~first] = w[j - 1] + np.clip(t, 0.0, h)
    return np.sort(out) ** 2, total


def boson_peak_frequency(omega: np.ndarray, dos: np.ndarray, gamma: float) -> float:
    """ω̃ of the maximum of g/ω̃² (refined by a parabola in log ω̃).

    Returns NaN at γ = 0 (Debye: g/ω̃² is flat, no peak) and 0.0 when the
    maximum is at the lowest grid point (the peak has reached ω̃ = 0, as at γ_c).

    Examples
    --------
    >>> w = np.linspace(0.01, 2, 400)
    >>> round(boson_peak_frequency(w, w**2 * np.exp(-(np.log(w / 0.5)) ** 2), 0.1), 3)
    0.5
    """
    if gamma == 0.0:
        return float("nan")
    w = np.asarray(omega, dtype=float)
    red = np.asarray(dos, dtype=float) / w**2
    i = int(np.argmax(red))
    if i == 0:
        return 0.0
    if i == w.size - 1:
        return float(w[i])
    x = np.log(w[i - 1 : i + 2])
    y = red[i - 1 : i + 2]
    coef = np.polyfit(x, y, 2)
    if coef[0] >= 0:
        return float(w[i])
    return float(np.exp(np.clip(-coef[1] / (2.0 * coef[0]), x[0], x[2])))
