"""Mock glass spectra that carry the glasses' couplings (issue 63 item 2).

:func:`~.mock_spectrum.mock_glass_spectra` draws each sample's shear modulus independently of its soft modes, at
one mean G for every N, with one soft-mode density per particle at every N.  The glasses do none of this: a sample
whose G is low has its soft modes low too (Spearman of G with the lowest mode +0.5 to +0.66 at T_d and at T* = 1,
where a pure rescaling of frequencies by √G gives ≈ 0.13), the ensemble G grows with N, and small boxes hold more
soft modes per particle than large ones.  :func:`coupled_glass_mock` adds the three to the GOE-correlated,
shell-broadened mocks of issue 51:

G(N)
    The ensemble shear modulus at N is G_∞ (1 − c √(1000/N)) (``modulus_n_slope`` c); each sample's G scatters
    about it by 9.5 % √(1000/N) (the glasses' scatter).
Soft-mode density in absolute frequency
    The nonphononic density per particle is a :class:`~.mock_spectrum.CurvedSpectrum` in x = ω/ω_g,∞ with
    ω_g,∞ = √(G_∞/ρ) ρ^(1/d) (the large-N unit: the spectrum does not move with G(N)), times
    1 + e (1000/N) (``density_excess`` e: the small-box excess of soft modes per particle).
Coupling of G and the soft modes
    Each sample's nonphononic frequencies are multiplied by c (Gᵢ/G(N))^β (``modulus_coupling`` β), after which
    the rows are sorted again; β = 0.5 is a pure rescaling by the sample's own sound speed, larger β the glasses'
    stronger coupling (a soft region lowers G and its own modes together).  The constant c keeps the mean count
    below ω at the deep exponent (without it, Jensen's inequality would raise the mean density by up to 1.4× at
    β = 2, N = 1000).

What the mocks hold is recorded in ``truth`` (``couplings``); the estimators' coverage and bias on them are measured
in ``studies/coupled_mock_power.py``.  Statistics of the mocks against the glasses' are compared by
:func:`coupling_statistics` (the same function on both).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from typing import Any, Literal

import numpy as np

from .mock_spectrum import (
    GLASS_MODULUS_SCATTER,
    GLASS_SHELL_LOG_SD,
    GLASS_SHELL_POWER,
    CurvedSpectrum,
    MockSpectra,
    mock_glass_spectra,
)

__all__ = ["GlassCouplings", "coupled_glass_mock", "coupling_statistics"]


@dataclass(frozen=True)
class GlassCouplings:
    """The couplings a mock carries (module docstring).

    Attributes
    ----------
    shear_modulus_inf
        G_∞, the ensemble shear modulus of a large box (ρ = 1 units).
    modulus_n_slope
        c in G(N) = G_∞ (1 − c √(1000/N)).
    density_excess
        e: the soft-mode density per particle is multiplied by 1 + e (1000/N).
    modulus_coupling
        β: each sample's soft-mode frequencies scale as (Gᵢ/G(N))^β.
    modulus_scatter
        Relative scatter of Gᵢ at N = 1000 (∝ 1/√N).
    """

    shear_modulus_inf: float
    modulus_n_slope: float = 0.0
    density_excess: float = 0.0
    modulus_coupling: float = 0.0
    modulus_scatter: float = GLASS_MODULUS_SCATTER

    def __post_init__(self) -> None:
        if not (
            self.shear_modulus_inf > 0
            and 0 <= self.modulus_n_slope < 1
            and self.density_excess > -1
            and self.modulus_scatter >= 0
            and math.isfinite(self.modulus_coupling)
        ):
            raise ValueError(
                f"{self}: expected G_inf > 0, 0 <= modulus_n_slope < 1, density_excess > -1, "
                "modulus_scatter >= 0 and a finite modulus_coupling"
            )

    def shear_modulus(self, n_particles: int) -> float:
        """G(N), the ensemble shear modulus at N."""
        return self.shear_modulus_inf * (1.0 - self.modulus_n_slope * math.sqrt(1000.0 / n_particles))

    def density_factor(self, n_particles: int) -> float:
        """1 + e (1000/N): the soft-mode density per particle at N relative to N → ∞."""
        return 1.0 + self.density_excess * 1000.0 / n_particles


def _spectrum_at(spectrum: CurvedSpectrum, couplings: GlassCouplings, n_particles: int) -> CurvedSpectrum:
    """The spectrum in units of ω_g(N) (what :func:`mock_glass_spectra` takes) that is ``spectrum`` in units of
    ω_g,∞, times the density factor of N."""
    r = math.sqrt(couplings.shear_modulus_inf / couplings.shear_modulus(n_particles))  # ω_g,∞ / ω_g(N)
    return replace(
        spectrum,
        amplitude=spectrum.amplitude * couplings.density_factor(n_particles) / r ** (spectrum.s_deep + 1.0),
        x_star=spectrum.x_star * r,
    )


#: Levels drawn beyond the k kept, so that a level scaled down from above the k-th is not missed.
_EXTRA_LEVELS = 10


def _count_preserving(beta: float, scatter: float, exponent: float, nodes: int = 15) -> float:
    """c such that (c (Gᵢ/G)^β)^(−(s+1)), the factor of a sample's count below ω, averages 1 over
    Gᵢ = G(1 + σξ), ξ ~ N(0, 1) (Gauss–Hermite with ``nodes`` nodes, |ξ| ≤ 4.5: the far nodes of a larger rule
    put Gᵢ near 0, where the power diverges, a weight no sample has): the coupling spreads the counts without
    changing their mean.

    Examples
    --------
    >>> round(_count_preserving(0.0, 0.1, 4.0), 12), _count_preserving(2.0, 0.1, 4.0) > 1
    (1.0, True)
    """
    z, w = np.polynomial.hermite_e.hermegauss(nodes)
    ratio = np.clip(1.0 + scatter * z, 0.05, None)
    mean = float(np.sum(w * ratio ** (-beta * (exponent + 1.0))) / np.sum(w))
    return mean ** (1.0 / (exponent + 1.0))


def _couple(mock: MockSpectra, beta: float, g_mean: float, k: int, scatter: float, exponent: float) -> MockSpectra:
    """Scale each sample's nonphononic frequencies by c (Gᵢ/G(N))^β (c: :func:`_count_preserving` at the deep
    exponent), sort each row again (with its flags) and keep the lowest ``k``."""
    factor = _count_preserving(beta, scatter, exponent) * (mock.shear_modulus / g_mean) ** beta
    omega = np.where(mock.is_phonon, mock.omega, mock.omega * factor[:, None])
    order = np.argsort(np.where(np.isfinite(omega), omega, np.inf), axis=1, kind="stable")[:, :k]
    take = np.take_along_axis
    return replace(
        mock,
        omega=take(omega, order, axis=1),
        participation=take(mock.participation, order, axis=1),
        is_phonon=take(mock.is_phonon, order, axis=1),
    )


def coupled_glass_mock(
    n_particles: int,
    n_samples: int,
    *,
    spectrum: CurvedSpectrum,
    couplings: GlassCouplings,
    levels: Literal["poisson", "goe"] = "goe",
    k: int = 20,
    structures_per_chain: int = 1,
    seed: int = 0,
) -> MockSpectra:
    """Mock lowest-k spectra of ``n_samples`` glasses of N particles with the glasses' couplings (module
    docstring).

    Parameters
    ----------
    n_particles, n_samples
        N and the number of samples (a multiple of ``structures_per_chain``).
    spectrum
        The nonphononic density per particle in x = ω/ω_g,∞ (the large-N unit).
    couplings
        G_∞, G(N), the density's N-dependence, the G–soft-mode coupling and the modulus scatter.
    levels, k, structures_per_chain, seed
        As :func:`~.mock_spectrum.mock_glass_spectra` (shell broadening 0.23 (1000/N)^0.24, the glasses').

    Returns
    -------
    MockSpectra
        ``truth["couplings"]`` holds ``couplings``; ``truth["spectrum_inf"]`` the spectrum in units of ω_g,∞.

    Examples
    --------
    >>> from vdosbench.generators.theory.mock_spectrum import GLASS_SPECTRUM
    >>> c = GlassCouplings(4.6, modulus_n_slope=0.05, density_excess=0.2, modulus_coupling=2.0)
    >>> m = coupled_glass_mock(2000, 4, spectrum=GLASS_SPECTRUM, couplings=c, k=12, seed=1)
    >>> m.omega.shape, round(c.shear_modulus(2000), 4), bool(np.all(np.diff(m.omega, axis=1) >= 0))
    ((4, 12), 4.4374, True)
    """
    g_n = couplings.shear_modulus(n_particles)
    mock = mock_glass_spectra(
        n_particles,
        n_samples,
        k=k + _EXTRA_LEVELS,
        levels=levels,
        spectrum=_spectrum_at(spectrum, couplings, n_particles),
        hybridisation=round(GLASS_SHELL_LOG_SD * (1000.0 / n_particles) ** GLASS_SHELL_POWER, 12),
        structures_per_chain=structures_per_chain,
        shear_modulus=g_n,
        modulus_scatter=couplings.modulus_scatter,
        seed=seed,
    )
    mock = _couple(
        mock,
        couplings.modulus_coupling,
        g_n,
        k,
        couplings.modulus_scatter * math.sqrt(1000.0 / n_particles),
        spectrum.s_deep,
    )
    truth = {**mock.truth, "couplings": asdict(couplings), "spectrum_inf": asdict(spectrum), "shear_modulus_at_n": g_n}
    return replace(mock, truth=truth)


def coupling_statistics(omega: np.ndarray, shear_modulus: np.ndarray) -> dict[str, Any]:
    """The statistics a mock is checked by against the glasses, from one point's arrays.

    Parameters
    ----------
    omega
        (n_samples, k) ascending non-zero frequencies (NaN padding at the end).
    shear_modulus
        (n_samples,) each sample's G (positive).

    Returns
    -------
    dict
        ``spearman_g_lowest`` (Spearman of Gᵢ with the lowest mode), ``mean_g``, ``r_tilde`` (the mean ratio of
        consecutive spacings of the lowest 5 levels, min/max, Atas et al.: 0.386 Poisson, 0.531 GOE) and
        ``samples``.

    Examples
    --------
    >>> w = np.sort(np.random.default_rng(0).random((50, 6)), axis=1)
    >>> s = coupling_statistics(w, np.linspace(1, 2, 50))
    >>> sorted(s), s["samples"]
    (['mean_g', 'r_tilde', 'samples', 'spearman_g_lowest'], 50)
    """
    omega = np.asarray(omega, dtype=float)
    g = np.asarray(shear_modulus, dtype=float)
    levels = omega[:, :5]
    gaps = np.diff(levels, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.minimum(gaps[:, 1:], gaps[:, :-1]) / np.maximum(gaps[:, 1:], gaps[:, :-1])
    from scipy import stats  # here, not at the top: importing vdosbench.generators (each worker does) skips it

    return {
        "spearman_g_lowest": float(stats.spearmanr(g, omega[:, 0])[0]),
        "mean_g": float(np.mean(g)),
        "r_tilde": float(np.nanmean(r)),
        "samples": int(omega.shape[0]),
    }
