"""Seed 000: a modulus that varies in space on the length scale 1/k_G, shared by the numerical media.

The scalar lattice (:mod:`vdosbench.generators.theory.inhomogeneous_medium`) and the
elastic (vector) lattice (:mod:`vdosbench.generators.theory.elastic_medium`) both
multiply a homogeneous stiffness by a dimensionless factor f(x) evaluated at
each bond midpoint, drawn by one of three variants:

``"modulation"``
    f = 1 + ε cos(k_G x) along the first axis x (the seed's single Fourier
    component, eq. 7); k_G must be a multiple of 2π/L_x.
``"random"``
    ln f = σ ψ(x), ψ a standardised periodic Gaussian random field with
    covariance exp(−k_G² r²/2): correlation length 1/k_G
    (:func:`gaussian_random_field`).
``"inclusions"``
    soft balls (discs in 2D) of radius R = ``inclusion_radius``/k_G at uniformly
    random centres (overlaps allowed), nominal volume fraction φ, f = s inside
    (softness s) and 1 outside.

k_G = 0 is the homogeneous medium (f = 1) for every variant.

References
----------
C. Jiang, seed file ``000_026fc50a0d017058.txt``, eqs 2, 5, 7 (the model).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Protocol

import numpy as np

__all__ = [
    "COMMENSURATE_TOLERANCE",
    "VARIANTS",
    "ModulusSettings",
    "check_modulus_settings",
    "gaussian_random_field",
    "modulus_factor",
    "modulus_rule",
]

#: Valid values of ``variant``.
VARIANTS = ("modulation", "random", "inclusions")
#: Allowed distance of k_G L_x/2π from an integer for the modulation (k_G typed to 4 digits).
COMMENSURATE_TOLERANCE = 1e-3


class ModulusSettings(Protocol):
    """What :func:`modulus_factor` reads from a medium's settings (both media's dataclasses have it)."""

    variant: str
    k_G: float
    modulation_amplitude: float
    log_modulus_std: float
    inclusion_fraction: float
    inclusion_softness: float
    inclusion_radius: float

    @property
    def k_G_lattice(self) -> float: ...


def check_modulus_settings(settings: ModulusSettings, period: int, box: Sequence[float], box_text: str) -> None:
    """Refuse field parameters no medium can realise (each message names the value and the fix).

    Parameters
    ----------
    settings
        The medium's settings (already converted to numbers).
    period
        Sites along the modulation axis x: the modulation needs k_G = 2π m / period ≤ π.
    box
        Edge lengths of the periodic box: an inclusion must fit in the shortest.
    box_text
        How the box is named in messages, e.g. ``"L=14"``.

    Raises
    ------
    ValueError
        A negative k_G, |ε| ≥ 1, σ < 0, φ outside [0, 1), softness or radius ≤ 0,
        an incommensurate modulation, or inclusions larger than the box.
    """
    checks = (
        (settings.k_G >= 0, "k_G must be >= 0"),
        (
            abs(settings.modulation_amplitude) < 1,
            "modulation_amplitude must satisfy |epsilon| < 1 (a positive modulus)",
        ),
        (settings.log_modulus_std >= 0, "log_modulus_std must be >= 0"),
        (0 <= settings.inclusion_fraction < 1, "inclusion_fraction must lie in [0, 1)"),
        (settings.inclusion_softness > 0, "inclusion_softness must be > 0 (a stable medium)"),
        (settings.inclusion_radius > 0, "inclusion_radius must be > 0"),
    )
    for ok, message in checks:
        if not ok:
            raise ValueError(f"{message}; found {settings}")
    k_G = settings.k_G
    if settings.variant == "modulation" and k_G > 0:
        m = k_G * period / (2.0 * math.pi)
        if abs(m - round(m)) > COMMENSURATE_TOLERANCE or k_G > math.pi + 1e-12:
            allowed = ", ".join(f"{2 * math.pi * j / period:.6g}" for j in range(1, period // 2 + 1))
            raise ValueError(
                f"k_G={k_G:g} is not commensurate with the periodic box {box_text} (or exceeds pi): the "
                f"modulation needs k_G = 2 pi m / {period} <= pi, i.e. one of {allowed}; pass one of these or "
                "change n_side"
            )
    shortest = min(box)
    if settings.variant == "inclusions" and k_G > 0 and 2 * settings.inclusion_radius / k_G >= shortest:
        raise ValueError(
            f"inclusion diameter 2 R = {2 * settings.inclusion_radius / k_G:.4g} does not fit in the box "
            f"{box_text}; pass k_G > {2 * settings.inclusion_radius / shortest:.4g} or a larger n_side"
        )


def gaussian_random_field(
    n_grid: int | Sequence[int],
    dimension: int,
    spacing: float | Sequence[float],
    k_G: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """Standardised periodic Gaussian random field with correlation length 1/k_G.

    White noise on a periodic grid, filtered in Fourier space by
    exp(−q²/(4k_G²)) (a Gaussian of width √2 k_G in amplitude, k_G in power
    per component), so that in the continuum the covariance is
    ⟨ψ(x)ψ(x + r)⟩ ∝ exp(−k_G² r²/2); then shifted and scaled to sample mean
    0 and sample variance 1.

    Parameters
    ----------
    n_grid
        Grid points per side: one number (a cubic grid) or one per axis.
    dimension
        d.
    spacing
        Grid spacing h (units of length): one number or one per axis; the box
        is n_grid·h along each axis.
    k_G
        > 0, inverse correlation length (units 1/length).
    rng
        The only randomness (Π n_grid standard normals).

    Returns
    -------
    numpy.ndarray
        Shape (n_grid,)*d, or the given per-axis shape.

    Examples
    --------
    >>> f = gaussian_random_field(32, 2, 0.5, 1.0, np.random.default_rng(0))
    >>> f.shape, round(float(f.mean()), 12), round(float(f.std()), 12)
    ((32, 32), 0.0, 1.0)
    >>> gaussian_random_field((16, 8), 2, (0.25, 0.5), 1.0, np.random.default_rng(0)).shape
    (16, 8)
    """
    if not k_G > 0:
        raise ValueError(f"k_G must be > 0 for a random field (k_G = 0 is the homogeneous medium), found {k_G}")
    d = int(dimension)
    sizes = tuple(int(n) for n in np.broadcast_to(np.asarray(n_grid), (d,)))
    steps = tuple(float(h) for h in np.broadcast_to(np.asarray(spacing, dtype=float), (d,)))
    noise = rng.standard_normal(sizes)
    q2 = np.zeros(sizes[:-1] + (sizes[-1] // 2 + 1,))
    for axis in range(d):
        if axis == d - 1:
            q = 2.0 * np.pi * np.fft.rfftfreq(sizes[axis], d=steps[axis])
        else:
            q = 2.0 * np.pi * np.fft.fftfreq(sizes[axis], d=steps[axis])
        view = [1] * d
        view[axis] = q.size
        q2 = q2 + q.reshape(view) ** 2
    field = np.fft.irfftn(np.fft.rfftn(noise) * np.exp(-q2 / (4.0 * k_G**2)), s=sizes, axes=tuple(range(d)))
    field -= field.mean()
    std = field.std()
    if not std > 0:
        raise ValueError(f"the filtered field is constant (k_G={k_G} far below 2 pi/box); use a larger k_G")
    return field / std


def modulus_factor(
    settings: ModulusSettings,
    midpoints: np.ndarray,
    box: Sequence[float] | np.ndarray,
    grid_spacing: Sequence[float] | np.ndarray,
    rng: np.random.Generator,
) -> tuple[np.ndarray, int, float]:
    """The factor f at each bond midpoint, its number of inclusions and its soft-bond fraction.

    Parameters
    ----------
    settings
        The variant and its parameters (:class:`ModulusSettings`).
    midpoints
        Shape (n_bond, d), bond midpoints inside the box (units of length).
    box
        Shape (d,), edges of the periodic box.
    grid_spacing
        Shape (d,): ``"random"`` draws the field on the periodic grid of this
        spacing, which must hold every midpoint (box/spacing integers).
    rng
        The only randomness: ``"random"`` uses Π(box/spacing) normals,
        ``"inclusions"`` d uniforms per centre; the modulation is deterministic
        (phase 0: f is largest at x = 0).

    Returns
    -------
    factor : numpy.ndarray
        Shape (n_bond,), f > 0.
    n_inclusions : int
        0 unless ``"inclusions"``.
    soft_fraction : float
        Fraction of bonds inside an inclusion (0 unless ``"inclusions"``).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> s = SimpleNamespace(variant="modulation", k_G=math.pi / 2, k_G_lattice=math.pi / 2, modulation_amplitude=0.5)
    >>> mid = np.array([[0.5, 0.0], [1.5, 0.0]])
    >>> modulus_factor(s, mid, [4.0, 4.0], [0.5, 0.5], np.random.default_rng(0))[0].round(6).tolist()
    [1.353553, 0.646447]
    """
    mid = np.asarray(midpoints, dtype=float)
    d = mid.shape[1]
    box_arr = np.asarray(box, dtype=float)
    p = settings
    n_inclusions, soft_fraction = 0, 0.0
    if p.k_G == 0:
        factor = np.ones(mid.shape[0])
    elif p.variant == "modulation":
        factor = 1.0 + p.modulation_amplitude * np.cos(p.k_G_lattice * mid[:, 0])
    elif p.variant == "random":
        h = np.asarray(grid_spacing, dtype=float)
        n_grid = np.rint(box_arr / h).astype(np.int64)
        fine_float = mid / h
        fine = np.rint(fine_float).astype(np.int64)
        if not np.allclose(n_grid * h, box_arr, rtol=1e-12, atol=0) or not np.allclose(fine, fine_float, atol=1e-9):
            raise ValueError(
                f"the random field's grid (spacing {h.tolist()}) does not hold the box {box_arr.tolist()} and every "
                "bond midpoint; pass a spacing that divides the box and the lattice's midpoint offsets"
            )
        psi = gaussian_random_field(n_grid.tolist(), d, h.tolist(), p.k_G, rng)
        factor = np.exp(p.log_modulus_std * psi[tuple(np.mod(fine, n_grid).T)])
    elif p.variant == "inclusions":
        radius = p.inclusion_radius / p.k_G
        ball = math.pi ** (d / 2.0) / math.gamma(d / 2.0 + 1.0) * radius**d
        volume = float(np.prod(box_arr))
        n_inclusions = max(1, round(p.inclusion_fraction * volume / ball)) if p.inclusion_fraction > 0 else 0
        centres = rng.uniform(0.0, box_arr, size=(n_inclusions, d))
        soft = np.zeros(mid.shape[0], dtype=bool)
        for centre in centres:
            delta = mid - centre
            delta -= box_arr * np.round(delta / box_arr)
            soft |= np.einsum("ij,ij->i", delta, delta) < radius**2
        factor = np.where(soft, p.inclusion_softness, 1.0)
        soft_fraction = float(soft.mean())
    else:
        raise ValueError(f"unknown variant {p.variant!r}; expected one of {VARIANTS}")
    return np.asarray(factor, dtype=np.float64), n_inclusions, soft_fraction


def modulus_rule(settings: ModulusSettings, quantity: str, unit: str, grid: str) -> str:
    """The rule of :func:`modulus_factor` in words, for a dataset attribute.

    Parameters
    ----------
    settings
        The variant and its parameters.
    quantity, unit
        What f multiplies and its homogeneous value, e.g. ``"t"`` and ``"t0"``.
    grid
        The random field's grid, e.g. ``"spacing a/2"``.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> modulus_rule(SimpleNamespace(k_G=0.0, variant="random"), "t", "t0", "spacing a/2")
    't = t0 (homogeneous lattice, k_G = 0)'
    """
    p = settings
    if p.k_G == 0:
        return f"{quantity} = {unit} (homogeneous lattice, k_G = 0)"
    if p.variant == "modulation":
        return f"{quantity} = {unit} (1 + modulation_amplitude cos(k_G_lattice x_mid)), x_mid the bond midpoint's x"
    if p.variant == "random":
        return (
            f"{quantity} = {unit} exp(log_modulus_std psi(x_mid)), psi standardised periodic Gaussian field with "
            f"covariance exp(-k_G^2 r^2/2) on a grid of {grid}"
        )
    return (
        f"{quantity} = inclusion_softness {unit} within distance R = inclusion_radius/k_G of an inclusion centre "
        f"(uniform, overlaps allowed), else {unit}"
    )
