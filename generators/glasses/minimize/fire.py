"""FIRE minimisation (Bitzek et al. 2006, with the FIRE 2.0 half-step correction of Guénolé et al. 2020).

Forces only: the pre-relaxation of strongly overlapping starts and the polish
after an L-BFGS run that stopped short (:func:`~vdosbench.generators.glasses.minimize.quench`).
"""

from __future__ import annotations

import numpy as np

from .energy import EnergyModel, _max_norm

__all__ = [
    "fire_minimize",
]


def fire_minimize(
    model: EnergyModel,
    positions: np.ndarray,
    force_tolerance: float,
    max_steps: int,
    dt: float = 0.01,
    dt_max: float = 0.1,
    max_step: float = 0.1,
) -> tuple[np.ndarray, float, np.ndarray, int]:
    """FIRE 2.0 descent until max_i |F_i| ≤ ``force_tolerance``.

    Parameters
    ----------
    model
        Energy and gradient.
    positions
        Shape (N, d), the start.
    force_tolerance
        Target of max_i |F_i|.
    max_steps
        Step limit.
    dt, dt_max
        Initial and largest time step (unit masses).
    max_step
        Cap on one particle's displacement per step.

    Returns
    -------
    positions : numpy.ndarray
        Shape (N, d), the end point.
    energy : float
        V there.
    gradient : numpy.ndarray
        Shape (N, d), ∂V/∂r there.
    steps : int
        Steps taken.

    Notes
    -----
    Parameters of Bitzek et al. (2006): N_delay = 5, f_inc = 1.1,
    f_dec = 0.5, α_start = 0.1, f_α = 0.99; semi-implicit Euler with the
    FIRE 2.0 correction (on P = F·v ≤ 0 the positions step back by dt v/2
    and v is zeroed).
    """
    n_delay, f_inc, f_dec, alpha_start, f_alpha, dt_min = 5, 1.1, 0.5, 0.1, 0.99, 0.02 * dt
    x = np.array(positions, dtype=np.float64, copy=True)
    v = np.zeros_like(x)
    energy, grad = model.energy_gradient(x)
    alpha, n_positive, step = alpha_start, 0, 0
    while _max_norm(grad) > force_tolerance and step < max_steps:
        force = -grad
        power = float(np.vdot(force, v))
        if power > 0:
            n_positive += 1
            if n_positive > n_delay:
                dt = min(dt * f_inc, dt_max)
                alpha *= f_alpha
        else:
            n_positive = 0
            dt = max(dt * f_dec, dt_min)
            alpha = alpha_start
            x -= 0.5 * dt * v
            v[:] = 0.0
        v += dt * force
        f_norm = float(np.linalg.norm(force))
        if f_norm > 0:
            v = (1.0 - alpha) * v + alpha * float(np.linalg.norm(v)) / f_norm * force
        largest = dt * _max_norm(v)
        if largest > max_step:  # cap the step (and the velocity with it, so that it stays bounded)
            v *= max_step / largest
        x += dt * v
        energy, grad = model.energy_gradient(x)
        step += 1
    return x, energy, grad, step
