"""Settings and result of a quench (:class:`QuenchSettings`, :class:`QuenchResult`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..configurations import Configuration
from .energy import DEFAULT_OUTER_SKIN, DEFAULT_SKIN

__all__ = [
    "PRECONDITIONERS",
    "QuenchResult",
    "QuenchSettings",
]

#: L-BFGS preconditioners of :func:`lbfgs_minimize`: none, or block-Jacobi from the analytic Hessian (the default).
PRECONDITIONERS = ("none", "block_jacobi")


def _check_preconditioner(preconditioner: str, refresh: int) -> None:
    """Refuse an unknown preconditioner, or a block refresh interval that is not a positive integer."""
    if preconditioner not in PRECONDITIONERS:
        raise ValueError(f"preconditioner must be one of {PRECONDITIONERS}, found {preconditioner!r}")
    if isinstance(refresh, bool) or not isinstance(refresh, (int, np.integer)) or refresh < 1:
        raise ValueError(f"the preconditioner refresh interval must be an integer >= 1 (iterations), found {refresh!r}")


@dataclass(frozen=True)
class QuenchSettings:
    """How to quench to the inherent structure.

    Attributes
    ----------
    force_tolerance
        Stop when max_i |F_i| ≤ this (units ε per unit length).
    max_lbfgs_iterations
        Iteration limit of L-BFGS.
    lbfgs_memory
        Number of correction pairs kept by L-BFGS (``maxcor``).  The
        evaluation count hardly depends on it: 16 N = 1000 soft-sphere
        quenches per value (seeds 3000–3015) give means of 1170–1470
        (± 45–75 each) for 3 … 14 without a trend, and on 16 more samples
        (seeds 2024–2039) m = 5 needs 1349 ± 78 against 1204 ± 48 for
        m = 10; the recursion's ≈ 10 % saving per iteration with m = 5 is
        within that scatter, so the default stays at scipy's 10.
    max_fire_steps
        Step limit of each FIRE stage.
    prerelax_force
        Start with a capped FIRE pre-relaxation when max |F_i| exceeds this.
    fire_dt, fire_dt_max
        Initial and largest FIRE time step (unit masses).
    max_step
        Largest displacement of one particle in one FIRE step.
    skin, outer_skin
        Verlet skin of the energy model, and that of the outer list it is
        filtered from (see :class:`EnergyModel`).
    preconditioner
        L-BFGS preconditioner, ``"block_jacobi"`` (default) or ``"none"``
        (see :func:`lbfgs_minimize`, measurements in the module notes).
    preconditioner_refresh
        Renew the block-Jacobi blocks every this many iterations (default
        5; 1 = every iteration).
    """

    force_tolerance: float = 1e-10
    max_lbfgs_iterations: int = 100_000
    lbfgs_memory: int = 10
    max_fire_steps: int = 200_000
    prerelax_force: float = 10.0
    fire_dt: float = 0.01
    fire_dt_max: float = 0.1
    max_step: float = 0.1
    skin: float = DEFAULT_SKIN
    outer_skin: float = DEFAULT_OUTER_SKIN
    preconditioner: str = "block_jacobi"
    preconditioner_refresh: int = 5

    def __post_init__(self) -> None:
        _check_preconditioner(self.preconditioner, self.preconditioner_refresh)
        if not self.force_tolerance > 0:
            raise ValueError(f"force_tolerance must be > 0, found {self.force_tolerance}")
        if not (0 < self.fire_dt <= self.fire_dt_max) or not self.max_step > 0:
            raise ValueError(
                f"need 0 < fire_dt ≤ fire_dt_max and max_step > 0, found {self.fire_dt}, "
                f"{self.fire_dt_max}, {self.max_step}"
            )


@dataclass(frozen=True)
class QuenchResult:
    """Outcome of :func:`quench`.

    Attributes
    ----------
    config
        The inherent structure (positions wrapped into [0, L)).
    energy
        V at the inherent structure (units ε).
    max_force
        Final max_i |F_i|.
    converged
        ``max_force ≤ force_tolerance``.
    prerelax_steps, lbfgs_iterations, fire_steps
        Work done by each stage.
    n_evaluations
        Energy-and-gradient evaluations in all.
    lbfgs_message
        Why L-BFGS stopped.
    wall_seconds
        Wall-clock time of the quench.
    n_builds
        Verlet-list builds (the first one included).
    lbfgs_memory, skin
        The L-BFGS memory and the Verlet skin used (the skin after the
        reduction to r_c + skin < L/2).
    preconditioner, preconditioner_refresh
        The L-BFGS preconditioner, ``"none"`` or ``"block_jacobi"``, and
        how often (iterations) its blocks were renewed.
    """

    config: Configuration
    energy: float
    max_force: float
    converged: bool
    prerelax_steps: int
    lbfgs_iterations: int
    fire_steps: int
    n_evaluations: int
    lbfgs_message: str
    wall_seconds: float
    n_builds: int
    lbfgs_memory: int
    skin: float
    preconditioner: str
    preconditioner_refresh: int
