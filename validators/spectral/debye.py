"""The Debye level of the reduced density of states.

Derivation (scalar model, one degree of freedom per site, N sites in volume
V, number density n = N/V, sound speed c).  The plane waves of a periodic box
have wavevectors on a lattice of cell volume (2π)^d/V, so the number of modes
with |k| ≤ k is V V_d k^d/(2π)^d, V_d = π^(d/2)/Γ(d/2 + 1) the volume of the
unit ball.  With ω = c k and normalising per mode (N modes),

    F_D(ω) = V_d ω^d / ((2π)^d n c^d),
    g_D(ω) = dF_D/dω = d V_d ω^(d−1) / ((2π)^d n c^d),

so the reduced DOS has the constant level

    g_D(ω)/ω^(d−1) = d V_d / ((2π)^d n c^d)            (2D: 1/(2π n c²)).

Vector model (d degrees of freedom per site, N d modes): one longitudinal
branch (c_L) and d − 1 transverse branches (c_T), each counting
V V_d k^d/(2π)^d modes; per mode (divide by N d) the level is the average
over the d polarisations,

    g_D(ω)/ω^(d−1) = d V_d / ((2π)^d n) · (1/d) [c_L^(−d) + (d − 1) c_T^(−d)].
"""

from __future__ import annotations

import math
import warnings

import xarray as xr

__all__ = ["unit_ball_volume", "debye_reduced_level", "number_density"]


def unit_ball_volume(d: int) -> float:
    """Volume of the unit ball in d dimensions, π^(d/2)/Γ(d/2 + 1).

    Examples
    --------
    >>> round(unit_ball_volume(2), 12) == round(math.pi, 12), round(unit_ball_volume(1), 12)
    (True, 2.0)
    """
    return math.pi ** (d / 2.0) / math.gamma(d / 2.0 + 1.0)


def debye_reduced_level(
    sound_speed: float,
    spatial_dimension: int,
    number_density: float,
    site_degrees_of_freedom: int = 1,
    transverse_speed: float | None = None,
) -> float:
    """Debye value of g(ω)/ω^(d−1) for a DOS normalised per mode.

    Parameters
    ----------
    sound_speed
        c for a scalar model; the longitudinal speed c_L for a vector model
        (units of length/time, those of ω divided by those of k).
    spatial_dimension
        d, 1 to 3.
    number_density
        n = N/V, sites per unit volume (area in 2D).
    site_degrees_of_freedom
        1 (scalar model, seed 002) or d (vector model).
    transverse_speed
        c_T, required for a vector model with d > 1; must be ``None`` for a
        scalar model.

    Returns
    -------
    float
        d V_d/((2π)^d n c^d) (scalar); the polarisation average (vector); see
        the module docstring for the derivation.

    References
    ----------
    Seed 002 (``002_3eb2c22b0ce6c76a.txt``), Fig. 2: g(ω)/ω is flat (Debye) at low ω.

    Examples
    --------
    >>> round(debye_reduced_level(1.0, 2, 1.0) * 2 * math.pi, 12)  # 1/(2π n c²)
    1.0
    """
    d = int(spatial_dimension)
    if d not in (1, 2, 3):
        raise ValueError(f"spatial_dimension is {spatial_dimension}; expected 1, 2 or 3")
    if not (sound_speed > 0 and number_density > 0):
        raise ValueError(f"sound_speed={sound_speed}, number_density={number_density}; expected both > 0")
    prefactor = d * unit_ball_volume(d) / ((2.0 * math.pi) ** d * number_density)
    dof = int(site_degrees_of_freedom)
    if dof == 1:
        if transverse_speed is not None and d > 1:
            raise ValueError(
                "transverse_speed given for a scalar model (site_degrees_of_freedom=1); "
                "a scalar model has one branch: drop transverse_speed"
            )
        return prefactor / sound_speed**d
    if dof != d:
        raise ValueError(f"site_degrees_of_freedom is {dof}; expected 1 (scalar) or d = {d} (vector)")
    if d == 1:
        return prefactor / sound_speed
    if transverse_speed is None or not transverse_speed > 0:
        raise ValueError(
            f"a vector model (site_degrees_of_freedom={dof}) needs transverse_speed > 0, found "
            f"{transverse_speed!r}: pass the transverse sound speed c_T"
        )
    return prefactor * (sound_speed ** (-d) + (d - 1) * transverse_speed ** (-d)) / d


def number_density(ds: xr.Dataset) -> xr.DataArray:
    """Sites per unit volume of each sample, n = n_site / V, dims ``(sample,)``.

    Needs a ``site`` dimension (or the ``n_particles`` attribute) and ``box_length``.

    .. deprecated:: 0.1.0
        Use ``ds.vdos.number_density`` (the same values); ``number_density`` will be removed in the next release.

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> float(mock_spectrum(n_site=16).vdos.number_density[0])  # instead
    1.0
    """
    warnings.warn(
        "vdosbench.validators.number_density is deprecated; use ds.vdos.number_density",
        DeprecationWarning,
        stacklevel=2,
    )
    return ds.vdos.number_density.copy(deep=False)
