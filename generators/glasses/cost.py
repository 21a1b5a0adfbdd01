"""Estimated run time of glass tasks, from measured stage timings and the task's sizes.

A glass task (one sample, or one chain of k samples) spends its time in the
swap Monte Carlo (∝ attempted moves = N × sweeps), then per inherent structure
in the quench (≈ ∝ N) and the dense eigensolve (∝ (dN)³).  Each term is a
measured time scaled by size:

- Monte Carlo: median attempted moves per second at N = 1000, d = 3, |Δr| = 0.2,
  p_swap = 0.2 on one core (``speed/results/mc_throughput.json``, cases
  "issue 14: T_d, |Δr| = 0.2" and "T = 1, |Δr| = 0.2"), interpolated linearly in
  T* between the two and held constant outside them (the rate falls as T* rises,
  as more moves are accepted).
- Quench and eigensolve: the ``quench`` and ``spectrum`` stages of one N = 1000,
  d = 3 sample (``speed/results/soft_sphere_stages.json``).

These are soft-sphere timings; Lennard-Jones glasses use them too (not measured
separately).  An estimate, to compare recipes and plan a run, not a promise: the
machine, the BLAS and the load change it.  It leaves out what a real ensemble
adds, and is optimistic by that much: the one timed end-to-end run
(``studies/results/paper_glasses_timing.json``: 480 samples, N = 1000, 2000
sweeps at T* = 1, 16 workers of the lent 16-core machine, 467 s) spent 15.6
core-seconds per sample against 5.8 s estimated here, a factor 2.7 from
processes sharing memory bandwidth, Dask and writing the parts.  ``tests/cli/test_cli_docs.py`` checks the
constants against the result files.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "MC_MOVES_PER_SECOND",
    "QUENCH_SECONDS_N1000",
    "SPECTRUM_SECONDS_3000",
    "glass_task_seconds",
]

#: (T*, median attempted moves per second): ``speed/results/mc_throughput.json`` (N = 1000, |Δr| = 0.2).
MC_MOVES_PER_SECOND: tuple[tuple[float, float], ...] = ((0.144, 4.051e6), (1.0, 1.452e6))
#: Seconds of the quench of one N = 1000 glass from T* (``soft_sphere_stages.json``, stage ``quench``).
QUENCH_SECONDS_N1000 = 0.430
#: Seconds of the dense spectrum (eigenvalues and 50 vectors) of a 3000 × 3000 Hessian (stage ``spectrum``).
SPECTRUM_SECONDS_3000 = 3.967


def glass_task_seconds(
    n_particles: int, dimension: int, sweeps: int, parent_temperature: float, structures: int = 1
) -> float:
    """Estimated seconds of one glass task on one core.

    Parameters
    ----------
    n_particles, dimension
        N and d.
    sweeps
        Monte Carlo sweeps of the task (N attempted moves each); 0 for a quench from random positions.
    parent_temperature
        T* (selects the measured Monte Carlo rate; ``inf`` uses the T = 1 rate, with ``sweeps`` = 0 it is unused).
    structures
        Inherent structures the task quenches and diagonalises (k for a chain).

    Returns
    -------
    float
        N·sweeps / rate(T*) + structures × [t_quench · N/1000 + t_spectrum · (dN/3000)³].

    Examples
    --------
    >>> round(glass_task_seconds(1000, 3, 1100, 0.144))   # one seed-literal N = 1000 sample at T_d
    5
    """
    temps, rates = np.array(MC_MOVES_PER_SECOND).T
    t = min(float(parent_temperature), float(temps[-1]))
    rate = float(np.interp(t, temps, rates))
    per_structure = (
        QUENCH_SECONDS_N1000 * n_particles / 1000 + SPECTRUM_SECONDS_3000 * (dimension * n_particles / 3000) ** 3
    )
    return n_particles * sweeps / rate + structures * per_structure
