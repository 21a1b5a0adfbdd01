"""Per-mode measures of :mod:`.lowest_mode_glasses`: participation ratio and plane-wave shell weights.

Step 3 of that generator: per mode, the participation ratio e = (Σ_i |u_i|²)²/(N Σ_i |u_i|⁴) and the weights
on the lowest transverse and longitudinal plane-wave shells (q = 2π/L e_β; normalised cos/sin waves), which tell a
phonon from a nonphononic mode without storing eigenvectors.  Moved here from :mod:`.lowest_mode_glasses`
(issue 66 item 5), which imports them from here; the validators' own measures on stored modes are
:mod:`vdosbench.validators.levels.localization` and :mod:`vdosbench.validators.levels.phonon_shell`.
"""

from __future__ import annotations

import numpy as np

__all__ = ["participation_ratio", "plane_wave_shell", "shell_weights"]


def participation_ratio(vectors: np.ndarray) -> np.ndarray:
    """e = (Σ_i |u_i|²)² / (N Σ_i |u_i|⁴) of each mode.

    Parameters
    ----------
    vectors
        Shape (k, N, d).

    Returns
    -------
    numpy.ndarray
        Shape (k,): 1 for a uniform amplitude, 2/3 for a cosine plane wave (any d), 1/N for one particle.

    Examples
    --------
    >>> u = np.zeros((1, 4, 3)); u[0, 0, 0] = 1.0
    >>> participation_ratio(u).tolist()
    [0.25]
    """
    a = np.sum(np.asarray(vectors, dtype=np.float64) ** 2, axis=2)
    return np.sum(a, axis=1) ** 2 / (a.shape[1] * np.sum(a**2, axis=1))


def plane_wave_shell(positions: np.ndarray, box_length: float) -> tuple[np.ndarray, np.ndarray]:
    """The normalised plane waves of the lowest shell q = 2π/L e_β of a cubic periodic box.

    Parameters
    ----------
    positions
        Shape (N, d).
    box_length
        L.

    Returns
    -------
    transverse : numpy.ndarray
        Shape (2 d (d − 1), N, d): polarisation e_α ⊥ q, cos and sin.
    longitudinal : numpy.ndarray
        Shape (2 d, N, d): polarisation along q, cos and sin.
    """
    pos = np.asarray(positions, dtype=np.float64)
    n, d = pos.shape
    q = 2.0 * np.pi / box_length
    trans, longi = [], []
    for beta in range(d):
        phase = q * pos[:, beta]
        for wave in (np.cos(phase), np.sin(phase)):
            for alpha in range(d):
                u = np.zeros((n, d))
                u[:, alpha] = wave
                u /= np.linalg.norm(u)
                (longi if alpha == beta else trans).append(u)
    return np.array(trans), np.array(longi)


def shell_weights(vectors: np.ndarray, waves: np.ndarray) -> np.ndarray:
    """Σ_w (w·v)² of each mode v over the waves w (the weight of the mode on that shell).

    Parameters
    ----------
    vectors
        Shape (k, N, d), normalised modes.
    waves
        Shape (m, N, d), normalised waves.

    Returns
    -------
    numpy.ndarray
        Shape (k,), in [0, 1] when the waves are orthonormal (nearly so for a disordered sample).
    """
    k = vectors.shape[0]
    overlaps = np.asarray(vectors).reshape(k, -1) @ np.asarray(waves).reshape(waves.shape[0], -1).T
    return np.sum(overlaps**2, axis=1)
