"""Finite differences of affinely strained and re-minimised energies (the known answer of the moduli tests).

The pair list of the unstrained configuration is frozen: no pair crosses r_c for strains ≤ 10⁻⁴ and the
taper makes φ, φ′, φ″ vanish there.  A strain r → (1 + εS) r is applied to every pair separation (the box
goes with it), then the particles relax by Newton steps on the frozen pairs; the converged energy depends
only on φ and on the gradient reaching zero (checked), not on the Newton matrix.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import scipy.sparse.linalg

from vdosbench.generators import Configuration
from vdosbench.generators.glasses.hessian import InteractingPairs, hessian_matrix
from vdosbench.generators import PairPotential


def strain_matrix(d: int, alpha: int, beta: int) -> np.ndarray:
    """S = e_α e_βᵀ."""
    s = np.zeros((d, d))
    s[alpha, beta] = 1.0
    return s


def strained_pairs(
    config: Configuration, pot: PairPotential, pairs: InteractingPairs, eps: float, strain: np.ndarray, u: np.ndarray
) -> InteractingPairs:
    """The same pair list after r → (1 + εS) r (box included) and displacements u (N, d)."""
    sep = pairs.separation + eps * pairs.separation @ np.asarray(strain).T
    sep = sep + u[pairs.j] - u[pairs.i]
    r = np.sqrt(np.sum(sep * sep, axis=1))
    phi, dphi, d2phi = pot.evaluate(r, config.sizes[pairs.i], config.sizes[pairs.j])
    return dataclasses.replace(pairs, separation=sep, distance=r, phi=phi, dphi=dphi, d2phi=d2phi)


def relaxed_pairs(
    config: Configuration, pot: PairPotential, pairs: InteractingPairs, eps: float, strain: np.ndarray, relax: bool
) -> InteractingPairs:
    """The strained pairs, minimised over the particle displacements by Newton steps when ``relax``."""
    n, d = config.n_particles, config.dimension
    u = np.zeros((n, d))
    p = strained_pairs(config, pot, pairs, eps, strain, u)
    if relax:
        for _ in range(8):
            f = p.dphi[:, None] * p.unit_vector
            grad = np.zeros((n, d))
            for c in range(d):
                grad[:, c] = np.bincount(p.i, -f[:, c], minlength=n) + np.bincount(p.j, f[:, c], minlength=n)
            if np.abs(grad).max() < 1e-13:
                break
            h = hessian_matrix(config, pot, pairs=p).tocsc()[d:, d:]
            step = np.zeros(n * d)
            step[d:] = scipy.sparse.linalg.spsolve(h, -grad.ravel()[d:])
            u = u + step.reshape(n, d)
            p = strained_pairs(config, pot, pairs, eps, strain, u)
        assert np.abs(grad).max() < 1e-10, "Newton relaxation did not converge"
    return p


def second_derivative(
    config: Configuration, pot: PairPotential, pairs: InteractingPairs, eps: float, strain: np.ndarray, relax: bool
) -> float:
    """(E(ε) − 2E(0) + E(−ε))/ε²/V: the second derivative of the (relaxed) energy per volume."""
    e = [float(np.sum(relaxed_pairs(config, pot, pairs, x, strain, relax).phi)) for x in (-eps, 0.0, eps)]
    return (e[0] - 2 * e[1] + e[2]) / eps**2 / config.box_length**config.dimension


def crystal_wave_omega(config: Configuration, pot: PairPotential, polarisation: int, direction: int) -> float:
    """Exact lowest phonon of a Bravais crystal: u_i = e_polarisation cos(k r_i^direction), k = 2π/L, is an
    eigenvector (transverse when polarisation ≠ direction, longitudinal when equal); returns its ω."""
    k = 2 * np.pi / config.box_length
    u = np.zeros((config.n_particles, config.dimension))
    u[:, polarisation] = np.cos(k * config.positions[:, direction])
    v = u.ravel()
    h = hessian_matrix(config, pot)
    return float(np.sqrt(v @ (h @ v) / (v @ v)))
