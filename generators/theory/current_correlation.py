"""The current-correlation function C(q, ω) of seed 000 (eqs 9–12, B1–B14) from a system's modes.

For a harmonic system in equilibrium, C(q, ω) = π k_B T Σ_n w_n(q) δ(ω − ω_n)
with w_n(q) = |Σ_i e_n(i) e^(−iq·x_i)|² / N (equipartition), the δ broadened
by a Gaussian of stated width; the weights sum to 1 over modes.  A vector
model splits the weight into the longitudinal and transverse currents,
C_L(q, ω) and C_T(q, ω) (:func:`polarised_current_correlation`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any

import numpy as np
import scipy.linalg
import xarray as xr

from .elastic_medium import ElasticMediumParams, elastic_medium_modes
from .inhomogeneous_medium import (
    _ONE,
    MAX_DENSE_SITES,
    REFERENCE,
    MediumParams,
    _modulus_rule,
    build_medium,
)
from ..engine.parameters import check_integer, check_real
from .modulus_field import modulus_rule

__all__ = [
    "current_correlation",
    "elastic_medium_current_correlation",
    "medium_current_correlation",
    "polarised_current_correlation",
]


# ---------------------------------------------------------------------------
# current-correlation function C(q, ω) (eqs 9–12)
# ---------------------------------------------------------------------------


def _check_width(width: float) -> float:
    eta = check_real("width", width)
    if eta <= 0:
        raise ValueError(f"width must be > 0 (the Gaussian broadening, units of omega), found {eta}; pass e.g. 0.03")
    return eta


def _broadened(weights: np.ndarray, freq: np.ndarray, grid: np.ndarray, eta: float, temperature: float) -> np.ndarray:
    """π k_BT Σ_n w_n δ_η(ω − ω_n) on ``grid``: weights (..., n), freq (n,), a normalised Gaussian of σ = η."""
    gauss = np.exp(-0.5 * ((grid[:, None] - freq[None, :]) / eta) ** 2) / (eta * math.sqrt(2.0 * math.pi))
    return math.pi * float(temperature) * weights @ gauss.T


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
    eta = _check_width(width)
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
    c = _broadened(weights, freq, grid, eta, temperature)
    one = _ONE
    return xr.Dataset(
        {
            "current_correlation": (
                ("wavevector", "omega"),
                c,
                {"long_name": "C(q, omega) = pi k_B T sum_n w_n(q) delta_eta(omega - omega_n)", **one},
            ),
            "mode_weight": (
                ("wavevector", "mode"),
                weights,
                {"long_name": "w_n(q) = |sum_i e_n(i) exp(-i q.x_i)|^2 / N", **one},
            ),
            "mode_frequency": ("mode", freq, {"long_name": "omega_n = sqrt(lambda_n)", **one}),
            "peak_frequency": (
                "wavevector",
                grid[np.argmax(c, axis=1)],
                {"long_name": "omega of the maximum of C(q, omega) on the grid", **one},
            ),
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


# ---------------------------------------------------------------------------
# longitudinal and transverse current correlations C_L(q, ω), C_T(q, ω) of a vector model
# ---------------------------------------------------------------------------


def polarised_current_correlation(
    eigenvalues: np.ndarray,
    eigenvectors: np.ndarray,
    positions: np.ndarray,
    wavevectors: np.ndarray,
    *,
    omega: np.ndarray | None = None,
    width: float = 0.03,
    temperature: float = 1.0,
) -> xr.Dataset:
    """Longitudinal and transverse current correlations C_L(q, ω), C_T(q, ω) of a harmonic vector system.

    The vector form of :func:`current_correlation`: with the mode's Fourier
    transform ê_n(q) = Σ_i e_n(i) e^{−iq·x_i} (a d-vector, e_n(i) the
    displacement of site i, unit masses), the current along q̂ and across it
    carry the weights

        w_L,n(q) = |q̂·ê_n(q)|²/N,     w_T,n(q) = (|ê_n(q)|² − |q̂·ê_n(q)|²)/N,

    (w_T sums the d − 1 directions perpendicular to q̂), and, by equipartition,
    C_P(q, ω) = π k_BT Σ_n w_P,n(q) δ(ω − ω_n), the δ a normalised Gaussian of
    standard deviation ``width``.  Completeness of the modes gives the sum
    rules Σ_n w_L,n(q) = 1 and Σ_n w_T,n(q) = d − 1 for every q.  In a
    homogeneous isotropic medium the weight of q sits on the plane waves of
    that q: C_L peaks at ω_L(q), C_T at ω_T(q).

    Parameters
    ----------
    eigenvalues
        λ_n = ω_n², shape (n,) (all modes for the sum rules).
    eigenvectors
        Shape (d N, n), orthonormal columns, rows ordered d·i + a (site-major).
    positions
        Shape (N, d), site positions (units of a).
    wavevectors
        Shape (n_q, d), q ≠ 0 (units 1/a); allowed wavevectors of the periodic
        box for a plane-wave reading.
    omega
        Frequency grid, shape (n_omega,); default 400 points on (0, 1.1 ω_max].
    width
        Gaussian broadening η > 0 (units of ω).
    temperature
        k_BT.

    Returns
    -------
    xarray.Dataset
        ``current_correlation`` (polarisation, wavevector, omega) with
        polarisation ``["L", "T"]``; ``mode_weight`` (polarisation,
        wavevector, mode); ``mode_frequency`` (mode); ``peak_frequency``
        (polarisation, wavevector): ω of the maximum of C on the grid;
        ``mean_frequency`` (polarisation, wavevector): Σ_n w_n ω_n / Σ_n w_n;
        coordinates ``q_x``, ``q_y`` [, ``q_z``] and ``q_norm`` on wavevector.
        Not a VDOS-1.0 dataset.

    Examples
    --------
    >>> from vdosbench.generators.theory.elastic_medium import ElasticMediumParams, elastic_medium_modes
    >>> med, lam, vec = elastic_medium_modes(ElasticMediumParams(n_side=8), 0)
    >>> cq = polarised_current_correlation(lam, vec, med.positions, np.array([[2 * np.pi / 8, 0.0]]), width=0.01)
    >>> np.allclose(cq.mode_weight.sum("mode"), 1.0)                  # both sum rules (d − 1 = 1)
    True
    >>> cq.peak_frequency.sel(polarisation="T").item() < cq.peak_frequency.sel(polarisation="L").item()
    True
    """
    lam = np.asarray(eigenvalues, dtype=float)
    vec = np.asarray(eigenvectors, dtype=float)
    pos = np.asarray(positions, dtype=float)
    q = np.asarray(wavevectors, dtype=float)
    if pos.ndim != 2 or vec.ndim != 2 or vec.shape != (pos.size, lam.size):
        raise ValueError(
            f"expected eigenvalues (n,), eigenvectors (d N, n) and positions (N, d); found {lam.shape}, {vec.shape}, "
            f"{pos.shape}. Fix: pass every mode, with rows ordered d*i + a"
        )
    n_site, d = pos.shape
    if q.ndim != 2 or q.shape[1] != d or q.shape[0] < 1:
        raise ValueError(f"wavevectors must have shape (n_q, {d}); found {q.shape}. Fix: pass one row per q")
    norm = np.linalg.norm(q, axis=1)
    if np.any(norm == 0) or not np.all(np.isfinite(norm)):
        raise ValueError(f"every wavevector must be finite and non-zero (q = 0 has no direction); found {q.tolist()}")
    eta = _check_width(width)
    freq = np.sqrt(np.clip(lam, 0.0, None))
    grid = np.linspace(0.0, 1.1 * freq.max(), 401)[1:] if omega is None else np.asarray(omega, dtype=float)
    modes = vec.reshape(n_site, d, lam.size)
    phases = np.exp(-1j * (q @ pos.T))  # (n_q, N)
    fourier = np.einsum("qi,ian->qan", phases, modes)  # ê_n(q), (n_q, d, n)
    unit = q / norm[:, None]
    along = np.einsum("qa,qan->qn", unit, fourier)
    total = np.sum(np.abs(fourier) ** 2, axis=1)
    weights = np.stack([np.abs(along) ** 2, total - np.abs(along) ** 2]) / n_site  # (2, n_q, n)
    c = _broadened(weights, freq, grid, eta, temperature)
    mean = (weights @ freq) / weights.sum(axis=-1)
    names = "xyz"[:d]
    return xr.Dataset(
        {
            "current_correlation": (
                ("polarisation", "wavevector", "omega"),
                c,
                {"long_name": "C_P(q, omega) = pi k_B T sum_n w_P,n(q) delta_eta(omega - omega_n)", **_ONE},
            ),
            "mode_weight": (
                ("polarisation", "wavevector", "mode"),
                weights,
                {"long_name": "w_L = |q.e_n(q)|^2/N, w_T = (|e_n(q)|^2 - |q.e_n(q)|^2)/N", **_ONE},
            ),
            "mode_frequency": ("mode", freq, {"long_name": "omega_n = sqrt(lambda_n)", **_ONE}),
            "peak_frequency": (
                ("polarisation", "wavevector"),
                grid[np.argmax(c, axis=-1)],
                {"long_name": "omega of the maximum of C_P(q, omega) on the grid", **_ONE},
            ),
            "mean_frequency": (
                ("polarisation", "wavevector"),
                mean,
                {"long_name": "weighted mean frequency sum_n w_n omega_n / sum_n w_n", **_ONE},
            ),
        },
        coords={
            "polarisation": ("polarisation", np.array(["L", "T"]), {"long_name": "longitudinal (L) or transverse (T)"}),
            "wavevector": ("wavevector", np.arange(q.shape[0]), {"long_name": "wavevector index", **_ONE}),
            **{
                f"q_{names[a]}": ("wavevector", q[:, a], {"long_name": f"q component {names[a]} (1/a)", **_ONE})
                for a in range(d)
            },
            "q_norm": ("wavevector", norm, {"long_name": "|q| (1/a)", **_ONE}),
            "omega": ("omega", grid, {"long_name": "angular frequency", **_ONE}),
            "mode": ("mode", np.arange(lam.size), {"long_name": "mode index", **_ONE}),
        },
        attrs={
            "title": "longitudinal and transverse current correlations C_L, C_T (seed 000 eqs 9-12, vector form)",
            "temperature": float(temperature),
            "broadening": f"Gaussian, standard deviation width = {eta:g}",
            "width": eta,
            "sum_rules": f"sum_n w_L = 1, sum_n w_T = d - 1 = {d - 1}",
            "references": REFERENCE,
        },
    )


def elastic_medium_current_correlation(
    params: Mapping[str, Any] | ElasticMediumParams,
    seed: np.random.SeedSequence | int,
    *,
    n_q: int = 6,
    **options: Any,
) -> xr.Dataset:
    """C_L(q, ω), C_T(q, ω) of one realised elastic medium, q = 2πm/L along x and along y, m = 1…n_q.

    Parameters
    ----------
    params, seed
        As in :func:`~vdosbench.generators.theory.elastic_medium.elastic_medium_sample`.
    n_q
        Wavenumbers per axis (``wavevector`` holds the n_q along x, then the n_q along y).
    **options
        Passed to :func:`polarised_current_correlation` (``omega``, ``width``, ``temperature``).

    Examples
    --------
    >>> cq = elastic_medium_current_correlation({"n_side": 6}, 0, n_q=2)
    >>> cq.current_correlation.dims, cq.sizes["wavevector"]
    (('polarisation', 'wavevector', 'omega'), 4)
    """
    p = params if isinstance(params, ElasticMediumParams) else ElasticMediumParams.from_mapping(params)
    if 2 * p.n_site > MAX_DENSE_SITES:
        raise ValueError(
            f"C_L, C_T need every eigenvector (dense, (2N)^2 memory); 2N = {2 * p.n_site} exceeds "
            f"{MAX_DENSE_SITES}: use a smaller n_side"
        )
    n_q = check_integer("n_q", n_q, 1)
    medium, lam, vec = elastic_medium_modes(p, seed)
    m = np.arange(1, n_q + 1)
    lx, ly = p.box
    q = np.concatenate([np.stack([2 * np.pi * m / lx, 0 * m], axis=1), np.stack([0 * m, 2 * np.pi * m / ly], axis=1)])
    out = polarised_current_correlation(lam, vec, medium.positions, q, **options)
    out.attrs.update(
        asdict(p),
        k_G_lattice=p.k_G_lattice,
        generator="elastic_medium",
        modulus_rule=modulus_rule(p, "(alpha, beta)", "(alpha0, beta0)", "spacing (a/4, sqrt(3) a/4)"),
    )
    return out
