"""Local pair stresses, coordination numbers and the first coordination shell.

Seed 001 Methods, "Evaluation of P(σ)", eqs. (86)–(89): every interacting
pair carries the local stress

    σ^{αβ} = r^α r^β φ′(r)/r = ê^α ê^β ψ(r),     ψ(r) = r φ′(r),

and its traceless part σ̃^{αβ} = (ê^α ê^β − δ_{αβ}/d) ψ(r).  σ is symmetric
with trace ψ; σ̃ has eigenvalues ψ (d−1)/d (once) and −ψ/d (d−1 times).  The
seed's P(σ) at small σ follows from the tapered tail of φ: ψ ∝ (r_c − r)^m
near the cut, hence P(σ) ∝ σ^(1/m − 1) (eq. 11).

Coordination
    ``coordination`` counts the interacting neighbours of each particle
    (r_ij < r_c,ij: the pairs that enter the Hessian).  With r_c = 1.955
    that reaches well beyond the first shell, so ``first_shell_coordination``
    counts only neighbours closer than the first minimum of the pair
    distribution, measured from the sample itself (:func:`first_shell_cutoff`):
    distances are scaled by the pair's contact size, x = r_ij/σ_ij (σ_ij =
    (a_i + a_j)/2 for soft spheres, the species σ_ij for Lennard-Jones), as
    usual for polydisperse systems where g(r) in raw r is smeared out.

References
----------
Seed 001, file ``001_d453c975fd50a4a2.txt``: Methods eqs. (86)–(89), and
eq. (11) (P(σ) ∝ σ^(1/m − 1)).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .configurations import Configuration, find_pairs
from .hessian import InteractingPairs
from .potentials import KIND_SOFT_SPHERE, PairPotential

__all__ = [
    "FIRST_SHELL_BIN",
    "FIRST_SHELL_RANGE",
    "FirstShell",
    "PairStresses",
    "contact_size",
    "coordination_numbers",
    "first_shell_coordination",
    "first_shell_cutoff",
    "pair_stresses",
]

#: Histogram bin of the scaled pair distance x = r/σ_ij for g(x).
FIRST_SHELL_BIN = 0.01
#: Scaled distances searched for g(x) (the first minimum is expected near 1.4–1.6).
FIRST_SHELL_RANGE = (0.5, 2.0)
#: Width (in bins) of the Gaussian that smooths the histogram before the minimum is located.
_SMOOTHING_BINS = 3.0


@dataclass(frozen=True)
class PairStresses:
    """Local stresses of the interacting pairs (seed 001 eqs. 86–89).

    Attributes
    ----------
    i, j, distance
        Shape (n_pair,): the pair (i < j) and r_ij.
    psi
        Shape (n_pair,): ψ = r φ′(r) (units ε; negative for repulsion).
    unit_vector
        Shape (n_pair, d): ê = (r_j − r_i)/r_ij.
    stress
        Shape (n_pair, d, d): σ^{αβ} = ê^α ê^β ψ.
    traceless
        Shape (n_pair, d, d): σ̃^{αβ} = (ê^α ê^β − δ_{αβ}/d) ψ.
    """

    i: np.ndarray
    j: np.ndarray
    distance: np.ndarray
    psi: np.ndarray
    unit_vector: np.ndarray
    stress: np.ndarray
    traceless: np.ndarray


def pair_stresses(pairs: InteractingPairs) -> PairStresses:
    """σ and σ̃ for every interacting pair.

    Examples
    --------
    >>> from vdosbench.generators.glasses.configurations import fcc_crystal
    >>> from vdosbench.generators.glasses.hessian import interacting_pairs
    >>> from vdosbench.generators.glasses.potentials import soft_sphere_potential
    >>> st = pair_stresses(interacting_pairs(fcc_crystal(3), soft_sphere_potential(2)))
    >>> bool(np.allclose(np.trace(st.stress, axis1=1, axis2=2), st.psi))
    True
    """
    e = pairs.unit_vector
    d = e.shape[1]
    psi = pairs.distance * pairs.dphi
    ee = e[:, :, None] * e[:, None, :]
    stress = ee * psi[:, None, None]
    traceless = (ee - np.eye(d)[None, :, :] / d) * psi[:, None, None]
    return PairStresses(pairs.i, pairs.j, pairs.distance, psi, e, stress, traceless)


def coordination_numbers(pairs: InteractingPairs) -> np.ndarray:
    """Shape (N,), int64: number of interacting neighbours (r_ij < r_c,ij) of each particle."""
    return np.bincount(np.concatenate([pairs.i, pairs.j]), minlength=pairs.n_particles).astype(np.int64)


def contact_size(config: Configuration, potential: PairPotential, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """σ_ij of the pairs: a_ij (:func:`~.potentials.pair_size`) for soft spheres, the species σ_ij for Lennard-Jones."""
    if potential.kind == KIND_SOFT_SPHERE:
        return potential.pair_sizes(config.sizes[i], config.sizes[j])
    return potential.sigma[config.species[i], config.species[j]]


@dataclass(frozen=True)
class FirstShell:
    """The first minimum of the scaled pair distribution g(x), x = r/σ_ij.

    Attributes
    ----------
    cutoff
        x at the first minimum after the main peak (units of σ_ij).
    peak
        x at the main (first) peak.
    x, g
        The bin centres and the smoothed g(x) (normalised to 1 at the largest x
        bins' mean, i.e. to the ideal gas at long range, approximately).
    """

    cutoff: float
    peak: float
    x: np.ndarray
    g: np.ndarray


def first_shell_cutoff(config: Configuration, potential: PairPotential) -> FirstShell:
    """Locate the first minimum of g(x), x = r_ij/σ_ij, in the sample.

    Method: histogram x over every pair with x in ``FIRST_SHELL_RANGE``
    (bins of ``FIRST_SHELL_BIN``), divide by x^(d−1) (the ideal-gas shell
    volume), smooth with a Gaussian of 3 bins, take the main peak (the
    global maximum) and then the first local minimum beyond it, at least
    the kernel's half-width (9 bins) before the end of the range, where the
    smoothing would see the edge padding instead of pairs.  Pairs are
    searched up to x_max σ_max (capped just below L/2, which then caps the
    x range: all pairs are counted at every x in range, so g(x) is unbiased).

    Raises
    ------
    ValueError
        If g(x) has no minimum beyond its peak within the searched range
        (a box too small to see the second shell).

    Examples
    --------
    >>> from vdosbench.generators.glasses.configurations import fcc_crystal
    >>> from vdosbench.generators.glasses.potentials import soft_sphere_potential
    >>> shell = first_shell_cutoff(fcc_crystal(4), soft_sphere_potential(2))
    >>> 1.1225 < shell.cutoff < 1.5874     # between the first (b/√2) and second (b) FCC shells
    True
    """
    sigma_max = float(np.max(config.sizes)) if potential.kind == KIND_SOFT_SPHERE else float(potential.sigma.max())
    x_lo, x_hi = FIRST_SHELL_RANGE
    r_search = min(x_hi * sigma_max, 0.499 * config.box_length)
    x_hi = r_search / sigma_max
    i, j, sep = find_pairs(config.positions, config.box_length, r_search, sort=False)
    x = np.sqrt(np.sum(sep * sep, axis=1)) / contact_size(config, potential, i, j)
    edges = np.arange(x_lo, x_hi + FIRST_SHELL_BIN, FIRST_SHELL_BIN)
    counts, edges = np.histogram(x, bins=edges)
    centres = 0.5 * (edges[1:] + edges[:-1])
    g = counts / centres ** (config.dimension - 1)
    half = int(np.ceil(3 * _SMOOTHING_BINS))
    kernel = np.exp(-0.5 * (np.arange(-half, half + 1) / _SMOOTHING_BINS) ** 2)
    kernel /= kernel.sum()
    smooth = np.convolve(np.pad(g, half, mode="edge"), kernel, mode="valid")
    peak = int(np.argmax(smooth))
    interior = np.flatnonzero((smooth[peak + 1 : -1] <= smooth[peak:-2]) & (smooth[peak + 1 : -1] < smooth[peak + 2 :]))
    # a minimum within the kernel's half-width of the range end is shaped by the edge padding, not by pairs
    interior = interior[peak + 1 + interior < len(smooth) - half]
    if interior.size == 0:
        raise ValueError(
            f"g(x) has no minimum beyond its peak at x = {centres[peak]:.3f} for x < {x_hi:.3f}: the box "
            f"(L = {config.box_length:.3g}) is too small to see the second shell; use more particles"
        )
    minimum = peak + 1 + int(interior[0])
    tail = smooth[-max(5, len(smooth) // 10) :].mean()
    return FirstShell(float(centres[minimum]), float(centres[peak]), centres, smooth / (tail if tail > 0 else 1.0))


def first_shell_coordination(config: Configuration, potential: PairPotential, cutoff: float) -> np.ndarray:
    """Shape (N,), int64: neighbours with r_ij < ``cutoff`` · σ_ij (see :func:`first_shell_cutoff`)."""
    sigma_max = float(np.max(config.sizes)) if potential.kind == KIND_SOFT_SPHERE else float(potential.sigma.max())
    r_search = min(cutoff * sigma_max, 0.499 * config.box_length)
    i, j, sep = find_pairs(config.positions, config.box_length, r_search, sort=False)
    keep = np.sqrt(np.sum(sep * sep, axis=1)) < cutoff * contact_size(config, potential, i, j)
    return np.bincount(np.concatenate([i[keep], j[keep]]), minlength=config.n_particles).astype(np.int64)
