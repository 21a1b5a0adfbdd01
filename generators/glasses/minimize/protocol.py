"""The quench to the inherent structure: FIRE pre-relaxation, block-Jacobi L-BFGS, FIRE polish.

The protocol and its measurements are described in :mod:`vdosbench.generators.glasses.minimize`.
"""

from __future__ import annotations

import time

import numpy as np

from ..configurations import Configuration, wrap
from ..potentials import PairPotential
from .energy import EnergyModel, _max_norm
from .fire import fire_minimize
from .lbfgs import lbfgs_minimize
from .settings import QuenchResult, QuenchSettings

__all__ = [
    "quench",
]


def quench(config: Configuration, potential: PairPotential, settings: QuenchSettings | None = None) -> QuenchResult:
    """Minimise V from ``config`` to its inherent structure.

    Parameters
    ----------
    config
        The start (e.g. an equilibrated Monte Carlo configuration, or random
        positions for an infinite parent temperature).
    potential
        The pair potential.
    settings
        :class:`QuenchSettings` (defaults: force tolerance 10⁻¹⁰).

    Returns
    -------
    QuenchResult

    Examples
    --------
    >>> from vdosbench.generators.glasses.configurations import polydisperse_configuration
    >>> from vdosbench.generators.glasses.potentials import soft_sphere_potential
    >>> start = polydisperse_configuration(128, 3, np.random.default_rng(0))
    >>> result = quench(start, soft_sphere_potential(2))
    >>> result.converged, result.max_force <= 1e-10
    (True, True)
    """
    s = settings or QuenchSettings()
    start = time.perf_counter()
    model = EnergyModel(config, potential, skin=s.skin, outer_skin=s.outer_skin)
    x = config.positions.copy()
    try:
        energy, grad = model.energy_gradient(x)
    except ZeroDivisionError:  # the generic kernel divides by r; the T_2 kernel returns NaN instead
        energy = float("nan")
    if not np.isfinite(energy):
        raise ValueError(
            f"the start has a non-finite energy ({energy}): two particles sit on the same point "
            "(r_ij = 0); remove the duplicate positions or start from random positions"
        )
    prerelax = 0
    if _max_norm(grad) > s.prerelax_force:
        x, energy, grad, prerelax = fire_minimize(
            model, x, s.prerelax_force, s.max_fire_steps, s.fire_dt, s.fire_dt_max, s.max_step
        )
    x, energy, grad, iterations, message = lbfgs_minimize(
        model,
        x,
        s.force_tolerance,
        s.max_lbfgs_iterations,
        s.lbfgs_memory,
        s.max_step,
        s.preconditioner,
        s.preconditioner_refresh,
    )
    fire_steps = 0
    if _max_norm(grad) > s.force_tolerance:
        x, energy, grad, fire_steps = fire_minimize(
            model, x, s.force_tolerance, s.max_fire_steps, s.fire_dt, s.fire_dt_max, s.max_step
        )
    max_force = _max_norm(grad)
    return QuenchResult(
        config=config.with_positions(wrap(x, config.box_length)),
        energy=float(energy),
        max_force=max_force,
        converged=bool(max_force <= s.force_tolerance),
        prerelax_steps=int(prerelax),
        lbfgs_iterations=iterations,
        fire_steps=int(fire_steps),
        n_evaluations=model.n_evaluations,
        lbfgs_message=message,
        wall_seconds=time.perf_counter() - start,
        n_builds=model.n_builds,
        lbfgs_memory=s.lbfgs_memory,
        skin=model.skin,
        preconditioner=s.preconditioner,
        preconditioner_refresh=s.preconditioner_refresh,
    )
