"""The current-correlation function C(q, ω) of seed 000 (eqs 9–12, B1–B14) from a system's modes.

For a harmonic system in equilibrium, C(q, ω) = π k_B T Σ_n w_n(q) δ(ω − ω_n)
with w_n(q) = |Σ_i e_n(i) e^(−iq·x_i)|² / N (equipartition), the δ broadened
by a Gaussian of stated width; the weights sum to 1 over modes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any

import numpy as np
import scipy.linalg
import xarray as xr

from .inhomogeneous_medium import (
    _ONE,
    MAX_DENSE_SITES,
    REFERENCE,
    MediumParams,
    _modulus_rule,
    build_medium,
)
from ..engine.parameters import check_integer, check_real

__all__ = ["current_correlation", "medium_current_correlation"]


# ---------------------------------------------------------------------------
# current-correlation function C(q, ω) (eqs 9–12)
# ---------------------------------------------------------------------------


def current_correlation(
    eigenvalues: np.ndarray,
    eigenvectors: np.ndarray,
    positions: np.ndarray,
    box_length: float,
    *,
    n_q: int = 6,
    omega: np.ndarray | None = None,
    width: float = 0.03,
    axes: Sequence[int] | None = None,
    temperature: float = 1.0,
) -> xr.Dataset:
    """Current-correlation function C(q, ω) of a harmonic scalar system from its modes.

    Seed 000 defines C(q, t) = ∂_tφ(q, t) ∂_tφ(−q, 0) (eq. 9, B1) and
    C(q, ω) its time Fourier transform (eqs 10–11).  For unit masses,
    φ(q, t) = Σ_i u_i(t) e^{−iq·x_i}, u_i = Σ_n e_n(i) Q_n and the classical
    thermal average ⟨Q̇_n(t) Q̇_m(0)⟩ = δ_nm k_BT cos ω_n t (equipartition), per
    site:

        C(q, t) = (k_BT/N) Σ_n |ê_n(q)|² cos ω_n t,   ê_n(q) = Σ_i e_n(i) e^{−iq·x_i},
        C(q, ω) = ∫dt e^{−iωt} C(q, t) = π k_BT Σ_n w_n(q) δ(ω − ω_n)   (ω > 0),

    with weights w_n(q) = |ê_n(q)|²/N that sum to 1 over all modes
    (completeness), so ∫₀^∞ C dω = π k_BT.  In a homogeneous lattice the weight
    of q = 2πm/L sits on the plane wave with that q: C = π k_BT δ(ω − ω(q)),
    seed eq. 12 (2πc²/N) δ(ω − c|q|) up to its constant prefactor (the seed's
    amplitudes α̃_n ∝ 1/|k_n| also give every mode the same energy).  The δ
    is broadened by a normalised Gaussian of standard deviation ``width``.

    Parameters
    ----------
    eigenvalues
        λ_n = ω_n², shape (n,) (all modes for the sum rule).
    eigenvectors
        Shape (N, n), orthonormal columns.
    positions
        Shape (N, d), site positions (units of a).
    box_length
        L; q runs over 2πm/L, m = 1…n_q, along each lattice axis in ``axes``.
    n_q
        Number of wavenumbers.
    omega
        Frequency grid, shape (n_omega,); default 400 points on (0, 1.1 ω_max].
    width
        Gaussian broadening η > 0 (units of ω).
    axes
        Lattice axes along which q points (weights averaged over them);
        default all d (the "scalar wave-vector plot" of the seed).
    temperature
        k_BT (units of t₀ a²).

    Returns
    -------
    xarray.Dataset
        ``current_correlation`` (wavevector, omega); ``mode_weight``
        (wavevector, mode) = w_n(q); ``mode_frequency`` (mode);
        ``peak_frequency`` (wavevector): ω of the maximum of C on the grid.
        Not a VDOS-1.0 dataset (its ``wavevector`` dimension is not reserved).

    Examples
    --------
    >>> med = build_medium(MediumParams(variant="random", k_G=0.0, n_side=8, dimension=2), 0)
    >>> lam, vec = np.linalg.eigh(med.hessian().toarray())
    >>> cq = current_correlation(lam, vec, med.positions, 8.0, n_q=2, width=0.02)
    >>> np.allclose(cq.mode_weight.sum("mode"), 1.0)                   # completeness
    True
    >>> bool(abs(cq.peak_frequency[0] - 2 * np.sin(np.pi / 8)) < 0.01)  # ω(q) = 2 sin(q/2)
    True
    """
    lam = np.asarray(eigenvalues, dtype=float)
    vec = np.asarray(eigenvectors, dtype=float)
    pos = np.asarray(positions, dtype=float)
    if vec.ndim != 2 or vec.shape[1] != lam.size or pos.ndim != 2 or pos.shape[0] != vec.shape[0]:
        raise ValueError(
            f"expected eigenvalues (n,), eigenvectors (N, n), positions (N, d); found {lam.shape}, "
            f"{vec.shape}, {pos.shape}"
        )
    n_site, d = pos.shape
    n_q = check_integer("n_q", n_q, 1)
    eta = check_real("width", width)
    if eta <= 0:
        raise ValueError(f"width must be > 0, found {eta}")
    use_axes = tuple(range(d)) if axes is None else tuple(int(a) for a in axes)
    if not use_axes or any(a < 0 or a >= d for a in use_axes):
        raise ValueError(f"axes must be lattice axes in [0, {d}), found {axes}")
    freq = np.sqrt(np.clip(lam, 0.0, None))
    grid = np.linspace(0.0, 1.1 * freq.max(), 401)[1:] if omega is None else np.asarray(omega, dtype=float)
    q = 2.0 * np.pi * np.arange(1, n_q + 1) / float(box_length)
    weights = np.zeros((n_q, lam.size))
    for a in use_axes:
        phases = np.exp(-1j * np.outer(q, pos[:, a]))
        weights += np.abs(phases @ vec) ** 2
    weights /= n_site * len(use_axes)
    gauss = np.exp(-0.5 * ((grid[:, None] - freq[None, :]) / eta) ** 2) / (eta * math.sqrt(2.0 * math.pi))
    c = math.pi * float(temperature) * weights @ gauss.T
    one = _ONE
    return xr.Dataset(
        {
            "current_correlation": (("wavevector", "omega"), c,
                                    {"long_name": "C(q, omega) = pi k_B T sum_n w_n(q) delta_eta(omega - omega_n)", **one}),
            "mode_weight": (("wavevector", "mode"), weights,
                            {"long_name": "w_n(q) = |sum_i e_n(i) exp(-i q.x_i)|^2 / N", **one}),
            "mode_frequency": ("mode", freq, {"long_name": "omega_n = sqrt(lambda_n)", **one}),
            "peak_frequency": ("wavevector", grid[np.argmax(c, axis=1)],
                               {"long_name": "omega of the maximum of C(q, omega) on the grid", **one}),
        },
        coords={
            "wavevector": ("wavevector", q, {"long_name": "|q| = 2 pi m / L along the lattice axes", **one}),
            "omega": ("omega", grid, {"long_name": "angular frequency", **one}),
            "mode": ("mode", np.arange(lam.size), {"long_name": "mode index", **one}),
        },
        attrs={
            "title": "current-correlation function C(q, omega) of a harmonic scalar system (seed 000 eqs 9-12)",
            "temperature": float(temperature),
            "broadening": f"Gaussian, standard deviation width = {eta:g}",
            "width": eta,
            "axes": " ".join(str(a) for a in use_axes),
            "formula": "C(q, omega) = pi k_B T sum_n w_n(q) delta(omega - omega_n), classical equipartition",
            "references": REFERENCE,
        },
    )


def medium_current_correlation(
    params: Mapping[str, Any] | MediumParams,
    seed: np.random.SeedSequence | int,
    **options: Any,
) -> xr.Dataset:
    """C(q, ω) of one realised medium (dense eigenvectors: keep N below ~5000 for seconds).

    Parameters
    ----------
    params, seed
        As in :func:`inhomogeneous_medium_sample`.
    **options
        Passed to :func:`current_correlation` (``n_q``, ``omega``, ``width``,
        ``axes``, ``temperature``).

    Examples
    --------
    >>> cq = medium_current_correlation({"variant": "modulation", "k_G": math.pi / 2, "n_side": 8,
    ...                                  "dimension": 2}, 0, n_q=3, axes=[0])
    >>> cq.current_correlation.dims, cq.attrs["variant"]
    (('wavevector', 'omega'), 'modulation')
    """
    p = params if isinstance(params, MediumParams) else MediumParams.from_mapping(params)
    if p.n_site > MAX_DENSE_SITES:
        raise ValueError(
            f"C(q, omega) needs every eigenvector (dense, N^2 memory); N = {p.n_site} exceeds "
            f"{MAX_DENSE_SITES}: use a smaller n_side"
        )
    medium = build_medium(p, seed)
    lam, vec = scipy.linalg.eigh(medium.hessian().toarray())
    out = current_correlation(lam, vec, medium.positions, p.box_length, **options)
    settings = asdict(p)
    out.attrs.update({k: v for k, v in settings.items()}, k_G_lattice=p.k_G_lattice, modulus_rule=_modulus_rule(p))
    return out

