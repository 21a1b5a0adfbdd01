"""Seed 000's closed form D(ω) ∝ ω⁴/(ω² ± ¾c²k_G²) as curves, a quantile spectrum and a generator.

Eq. 16 / E9 (the claim, plus sign): D/ω² rises monotonically to the Debye
plateau, crossing over at ω_BP = (√3/2) c k_G where D/ω³ peaks; ω⁴ below,
ω² (Debye) above.  Eqs. 14, 15 / E8 carry the minus sign: D is negative below
ω_BP with a pole there, so it is not a density of states (kept as a curve only).
The numerical medium that tests the law is :mod:`vdosbench.generators.theory.inhomogeneous_medium`.

References
----------
Seed file ``000_026fc50a0d017058.txt``: eqs 14–18 and E8–E11.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import xarray as xr
from vdosbench.datasets import convention_attrs, coordinate, provenance

from ..engine.parameters import Parameter, check_integer, check_real, from_mapping, seed_attrs
from ..engine.registry import Generator, register
from ..spectra import quantile_spectrum_bytes

__all__ = [
    "CROSSOVER_COEFFICIENT",
    "INHOMOGENEOUS_MEDIUM_CLOSED_FORM",
    "ClosedFormParams",
    "closed_form_cdf",
    "closed_form_dataset",
    "closed_form_dos",
    "closed_form_integral",
    "closed_form_quantiles",
    "closed_form_sample",
    "crossover_frequency",
    "debye_frequency",
]

#: Version of this generator, recorded as ``generator_version``.
GENERATOR_VERSION = "1.0.0"
#: ω_BP / (c k_G) = √3/2 (seed 000, eq. 16 and the text after eq. 18).
CROSSOVER_COEFFICIENT = math.sqrt(3.0) / 2.0
REFERENCE = (
    'C. Jiang, "The anomalous density of states and quasi-localized vibration through homogeneous '
    'thermalization of an inhomogeneous elastic system" (vdosbench seed 000, file '
    "000_026fc50a0d017058.txt; eqs 7, 9-18, E8-E11)"
)
_ONE = {"units": "1"}
#: Meaning (coordinate long_name) of k_G, the grid parameter of both seed-000 generators.
K_G_MEANING = "wavenumber of the modulus fluctuation k_G (units 1/a)"

# ---------------------------------------------------------------------------
# the closed form (eq. 16)
# ---------------------------------------------------------------------------


def crossover_frequency(k_G: float, sound_speed: float = 1.0) -> float:
    """ω_BP = (√3/2) c k_G, where eq. 16 turns from ω⁴ to ω² (seed 000, text after eq. 18).

    Examples
    --------
    >>> round(crossover_frequency(2.0, 1.0), 12)
    1.732050807569
    """
    return CROSSOVER_COEFFICIENT * float(sound_speed) * float(k_G)


def debye_frequency(sound_speed: float = 1.0, number_density: float = 1.0) -> float:
    """ω_D = c k_D, k_D = (6π² n)^(1/3): the 3D Debye sphere holds one mode per site.

    Examples
    --------
    >>> round(debye_frequency(1.0, 1.0), 6)
    3.897777
    """
    return float(sound_speed) * (6.0 * math.pi**2 * float(number_density)) ** (1.0 / 3.0)


def _check_sign(sign: object) -> int:
    if isinstance(sign, (bool, np.bool_)) or sign not in (1, -1):
        raise ValueError(f"sign must be +1 (eqs 16, E9: the claim) or -1 (eqs 14, 15, E8), found {sign!r}")
    return int(sign)  # type: ignore[call-overload]


def _check_closed_form(k_G: float, sound_speed: float) -> tuple[float, float]:
    k = check_real("k_G", k_G)
    c = check_real("sound_speed", sound_speed)
    if k < 0 or c <= 0:
        raise ValueError(f"expected k_G >= 0 and sound_speed > 0, found k_G={k}, sound_speed={c}")
    return k, c


def closed_form_integral(omega: np.ndarray, a: float) -> np.ndarray:
    """∫₀^ω x⁴/(x² + a²) dx = ω³/3 − a²ω + a³ arctan(ω/a), cancellation-free for ω ≪ a.

    The unnormalised integral of the eq.-16 VDOS with a = ω_BP = (√3/2) c k_G (:func:`closed_form_cdf` is its
    ratio to the integral up to ω_max); a = 0 is Debye's ω³/3.

    Examples
    --------
    >>> round(float(3 * closed_form_integral(np.array(1.0), 1.0)), 12)   # 3 (π/4 − 2/3)
    0.356194490192
    >>> float(closed_form_integral(np.array(2.0), 0.0)) == 8 / 3
    True
    """
    w = np.asarray(omega, dtype=float)
    if a == 0.0:
        return w**3 / 3.0
    x = np.atleast_1d(w / a)
    out = x**3 / 3.0 - x + np.arctan(x)
    small = x < 0.3
    if np.any(small):  # arctan x − x + x³/3 = Σ_k (−1)^k x^(2k+5)/(2k+5)
        xs = x[small]
        out[small] = sum((-1) ** k * xs ** (2 * k + 5) / (2 * k + 5) for k in range(24))
    return a**3 * out.reshape(w.shape)


def closed_form_dos(
    omega: np.ndarray | float,
    k_G: float,
    sound_speed: float = 1.0,
    *,
    sign: int = 1,
    omega_max: float | None = None,
) -> np.ndarray:
    """Seed-000 VDOS ω⁴/(ω² ± ¾c²k_G²) (eq. 16 with ``sign=+1``; eqs 14/E8 with ``sign=-1``).

    Parameters
    ----------
    omega
        Angular frequencies ≥ 0, any shape (units of c·k_G).
    k_G
        Wavenumber of the modulus fluctuation (units 1/length), ≥ 0.
    sound_speed
        c > 0.
    sign
        +1: ω⁴/(ω² + ω_BP²), eqs 16 and E9 — the claim.  −1: ω⁴/(ω² − ω_BP²),
        the factor of eqs 14, 15 and E8 carried into the integral.
    omega_max
        ``None``: the unnormalised shape.  A number: D normalised on the
        window, ∫₀^ω_max D dω = 1 and D = 0 above ω_max (e.g.
        :func:`debye_frequency`: the seed's Debye sphere, one mode per site).

    Returns
    -------
    numpy.ndarray
        D(ω), shape of ``omega``; NaN exactly at the pole of the minus form.

    Raises
    ------
    ValueError
        For ``sign=-1`` with ``omega_max`` and k_G > 0: that form cannot be
        normalised.

    Notes
    -----
    With ω_BP = (√3/2) c k_G:

    * plus sign (eq. 16): D > 0; D ∝ ω⁴/ω_BP² for ω ≪ ω_BP (eq. 17) and ∝ ω²
      (Debye) for ω ≫ ω_BP (eq. 18).  The reduced DOS D/ω² = ω²/(ω² + ω_BP²)
      rises *monotonically* to the Debye plateau — no peak; half the plateau
      at ω_BP; D/ω³ = ω/(ω² + ω_BP²) has its maximum at ω = ω_BP (the
      crossover of the asymptotes ω⁴/ω_BP² and ω²).
    * minus sign (eqs 14, E8): D/ω² = ω²/(ω² − ω_BP²) is negative for
      ω < ω_BP, has a non-integrable pole at ω_BP and tends to the plateau
      from above — not a density of states.  It agrees with the plus form
      only for ω ≫ ω_BP and for k_G = 0.

    Examples
    --------
    >>> float(closed_form_dos(1.0, 2 / math.sqrt(3)))       # ω_BP = 1: 1/(1 + 1)
    0.5
    >>> float(closed_form_dos(0.5, 2 / math.sqrt(3), sign=-1))  # negative below the pole
    -0.08333333333333333
    """
    k, c = _check_closed_form(k_G, sound_speed)
    s = _check_sign(sign)
    a = crossover_frequency(k, c)
    w = np.asarray(omega, dtype=float)
    den = w**2 + s * a**2
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(den != 0.0, w**4 / np.where(den != 0.0, den, 1.0), np.nan)
    if k == 0.0:
        out = w**2
    if omega_max is None:
        return out
    wmax = check_real("omega_max", omega_max)
    if wmax <= 0:
        raise ValueError(f"omega_max must be > 0, found {wmax}")
    if s == -1 and k > 0:
        raise ValueError(
            "the minus-sign form omega^4/(omega^2 - 3/4 c^2 k_G^2) (eqs 14, E8) is not a density of states: "
            f"it is negative below omega_BP = {a:.6g} and has a non-integrable pole there, so it cannot be "
            "normalised; use sign=+1 (eq. 16) or omega_max=None for the bare shape"
        )
    inside = (w >= 0) & (w <= wmax)
    return np.where(inside, out, 0.0) / float(closed_form_integral(np.array(wmax), a))


def closed_form_cdf(
    omega: np.ndarray | float, k_G: float, sound_speed: float = 1.0, *, omega_max: float | None = None
) -> np.ndarray:
    """Integrated eq.-16 VDOS F(ω) = ∫₀^ω D, normalised on (0, ω_max] (default: Debye frequency).

    Examples
    --------
    >>> round(float(closed_form_cdf(debye_frequency() / 2, 0.0)), 12)   # Debye: (1/2)³
    0.125
    """
    k, c = _check_closed_form(k_G, sound_speed)
    wmax = debye_frequency(c) if omega_max is None else check_real("omega_max", omega_max)
    a = crossover_frequency(k, c)
    w = np.clip(np.asarray(omega, dtype=float), 0.0, wmax)
    return closed_form_integral(np.atleast_1d(w), a).reshape(w.shape) / float(closed_form_integral(np.array(wmax), a))


def closed_form_quantiles(
    n_mode: int,
    k_G: float,
    sound_speed: float = 1.0,
    *,
    omega_max: float | None = None,
    uniforms: np.ndarray | None = None,
) -> np.ndarray:
    """Frequencies ω_k = F⁻¹(u_k) of the eq.-16 VDOS (a spectrum to feed the validators).

    Parameters
    ----------
    n_mode
        M, the number of frequencies.
    k_G, sound_speed, omega_max
        As in :func:`closed_form_cdf`.
    uniforms
        ``None``: the deterministic quantiles u_k = (k − ½)/M, k = 1…M.
        Otherwise M numbers in (0, 1) (random draws), sorted here.

    Returns
    -------
    numpy.ndarray
        Shape (M,), ascending, in (0, ω_max]; bisection to 2⁻⁶⁰ ω_max.

    Examples
    --------
    >>> w = closed_form_quantiles(4, 0.0, omega_max=1.0)     # Debye: ω_k = u_k^(1/3)
    >>> np.allclose(w, ((np.arange(1, 5) - 0.5) / 4) ** (1 / 3))
    True
    """
    m = check_integer("n_mode", n_mode, 1)
    k, c = _check_closed_form(k_G, sound_speed)
    wmax = debye_frequency(c) if omega_max is None else check_real("omega_max", omega_max)
    if uniforms is None:
        u = (np.arange(1, m + 1) - 0.5) / m
    else:
        u = np.sort(np.asarray(uniforms, dtype=float).ravel())
        if u.size != m or not np.all((u > 0) & (u < 1)):
            raise ValueError(f"uniforms must be {m} numbers in (0, 1), found {u.size} in [{u.min()}, {u.max()}]")
    a = crossover_frequency(k, c)
    total = float(closed_form_integral(np.array(wmax), a))
    lo, hi = np.zeros(m), np.full(m, wmax)
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        below = closed_form_integral(mid, a) / total < u
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    return 0.5 * (lo + hi)


@dataclass(frozen=True)
class ClosedFormParams:
    """Settings of the closed-form spectrum (seed 000, eq. 16).

    Parameters
    ----------
    k_G
        Wavenumber of the modulus fluctuation, ≥ 0.
    sound_speed
        c > 0.
    number_density
        n > 0, fixes the Debye frequency ω_D = c (6π² n)^(1/3).
    omega_max
        Upper edge of the normalisation window; ``None``: ω_D.
    n_mode
        Number of frequencies M of the spectrum.
    n_omega
        Points of the curve grid ω_j = j ω_max / n_omega, j = 1…n_omega.
    draw
        ``"quantile"``: ω_k = F⁻¹((k − ½)/M), identical for every sample;
        ``"random"``: ω_k = F⁻¹(U_k), U_k uniform from the sample's seed.

    Examples
    --------
    >>> round(ClosedFormParams(k_G=0.5).window_max, 6)
    3.897777
    """

    k_G: float = 0.0
    sound_speed: float = 1.0
    number_density: float = 1.0
    omega_max: float | None = None
    n_mode: int = 4096
    n_omega: int = 400
    draw: str = "quantile"

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        k, c = _check_closed_form(self.k_G, self.sound_speed)
        set_(self, "k_G", k)
        set_(self, "sound_speed", c)
        n = check_real("number_density", self.number_density)
        if n <= 0:
            raise ValueError(f"number_density must be > 0, found {n}")
        set_(self, "number_density", n)
        if self.omega_max is not None:
            w = check_real("omega_max", self.omega_max)
            if w <= 0:
                raise ValueError(f"omega_max must be > 0 (or None for the Debye frequency), found {w}")
            set_(self, "omega_max", w)
        set_(self, "n_mode", check_integer("n_mode", self.n_mode, 1))
        set_(self, "n_omega", check_integer("n_omega", self.n_omega, 2))
        if self.draw not in ("quantile", "random"):
            raise ValueError(f"unknown draw {self.draw!r}; expected 'quantile' or 'random'")

    @property
    def window_max(self) -> float:
        """ω_max of the normalisation window (the Debye frequency when ``omega_max`` is None)."""
        return debye_frequency(self.sound_speed, self.number_density) if self.omega_max is None else self.omega_max


def check_closed_form_params(params: Mapping[str, Any]) -> ClosedFormParams:
    """:class:`ClosedFormParams` of one sample (the generator's ``check_params``)."""
    return from_mapping(ClosedFormParams, params, "closed-form")  # type: ignore[no-any-return]


def _closed_form_variables(
    p: ClosedFormParams, omega_k: np.ndarray, sample: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Coordinates and variables: the sample's eigenvalues and, on the ω grid, D, D/ω², the minus-sign form, ω_BP."""
    wmax = p.window_max
    grid = wmax * np.arange(1, p.n_omega + 1) / p.n_omega
    a = crossover_frequency(p.k_G, p.sound_speed)
    dos = closed_form_dos(grid, p.k_G, p.sound_speed, omega_max=wmax)
    norm = float(closed_form_integral(np.array(wmax), a))
    minus = closed_form_dos(grid, p.k_G, p.sound_speed, sign=-1) / norm
    coords = {
        "sample": coordinate("sample", np.array([sample], dtype=np.int64)),
        "mode": ("mode", np.arange(p.n_mode, dtype=np.int64), {"long_name": "mode index (ascending)", **_ONE}),
        "omega": ("omega", grid, {"long_name": "angular frequency of the curve grid", **_ONE}),
    }
    data_vars = {
        "eigenvalue": (
            ("sample", "mode"),
            (omega_k**2)[None, :],
            {"long_name": "omega_k^2 with omega_k = F^-1(u_k) of the eq.-16 VDOS", **_ONE},
        ),
        "dos": ("omega", dos, {"long_name": "D(omega) = omega^4/(omega^2 + 3/4 c^2 k_G^2)/Z (eq. 16)", **_ONE}),
        "reduced_dos": (
            "omega",
            dos / grid**2,
            {"long_name": "reduced DOS D(omega)/omega^2 (eq. 16; rises monotonically to the Debye plateau)", **_ONE},
        ),
        "dos_minus_sign": (
            "omega",
            minus,
            {
                "long_name": "omega^4/(omega^2 - 3/4 c^2 k_G^2)/Z (sign of eqs 14, E8): negative below "
                "omega_BP, pole at omega_BP, not a density of states",
                **_ONE,
            },
        ),
        "crossover_frequency": (
            (),
            crossover_frequency(p.k_G, p.sound_speed),
            {"long_name": "omega_BP = sqrt(3)/2 c k_G", **_ONE},
        ),
    }
    return coords, data_vars


def _closed_form_attrs(p: ClosedFormParams, seed: np.random.SeedSequence | int) -> dict[str, Any]:
    """The global attributes: the convention's, the parameters, normalisation, spectrum rule, sign note, versions."""
    wmax = p.window_max
    settings = asdict(p)
    settings["omega_max"] = wmax
    return convention_attrs(
        title=f"seed-000 closed-form VDOS omega^4/(omega^2 + 3/4 c^2 k_G^2), k_G={p.k_G:g}, c={p.sound_speed:g}",
        source=f"vdosbench.generators.inhomogeneous_medium {GENERATOR_VERSION} (closed form, eq. 16)",
        references=REFERENCE,
        spatial_dimension=3,
        site_degrees_of_freedom=1,
        **settings,
        normalisation="integral of D over 0 < omega <= omega_max equals 1; D = 0 above omega_max",
        spectrum_rule=(
            "omega_k = F^-1((k - 1/2)/n_mode), k = 1..n_mode (deterministic quantiles)"
            if p.draw == "quantile"
            else "omega_k = F^-1(U_k), U_k uniform on (0, 1) from the sample seed, sorted"
        ),
        sign_note=(
            "eq. 16/E9 (plus sign) is the claim; eqs 14/15/E8 carry omega^2 - 3/4 c^2 k_G^2, stored as "
            "dos_minus_sign with the same prefactor; only the plus form is a density of states"
        ),
        **provenance("inhomogeneous_medium_closed_form", GENERATOR_VERSION, **seed_attrs(seed)),
    )


def closed_form_sample(
    params: Mapping[str, Any] | ClosedFormParams,
    seed: np.random.SeedSequence | int,
    sample: int,
) -> xr.Dataset:
    """One sample of the eq.-16 closed form as a VDOS-1.0 dataset (3D scalar field).

    Parameters
    ----------
    params
        :class:`ClosedFormParams` or a mapping of its fields.
    seed
        Used only with ``draw="random"``.
    sample
        Stored as the ``sample`` coordinate.

    Returns
    -------
    xarray.Dataset
        ``eigenvalue`` (sample, mode) = ω_k² (quantile spectrum, no zero mode);
        curves on the ``omega`` grid: ``dos`` (eq. 16, normalised on
        (0, ω_max]), ``reduced_dos`` = dos/ω², ``dos_minus_sign`` (eqs 14/E8
        form with the same prefactor: negative below ω_BP, NaN at the pole);
        ``crossover_frequency`` = (√3/2) c k_G.

    Examples
    --------
    >>> from vdosbench.datasets import check
    >>> ds = closed_form_sample({"k_G": 0.5, "n_mode": 50, "n_omega": 20}, 0, 0)
    >>> check(ds); ds.sizes["mode"]
    50
    """
    p = params if isinstance(params, ClosedFormParams) else from_mapping(ClosedFormParams, params, "closed-form")
    sample = check_integer("sample", sample, 0)
    wmax = p.window_max
    uniforms = None
    if p.draw == "random":
        uniforms = np.random.default_rng(seed).random(p.n_mode)
        uniforms = np.where(uniforms > 0, uniforms, 0.5 / p.n_mode)
    omega_k = closed_form_quantiles(p.n_mode, p.k_G, p.sound_speed, omega_max=wmax, uniforms=uniforms)
    coords, data_vars = _closed_form_variables(p, omega_k, sample)
    attrs = _closed_form_attrs(p, seed)
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)


def closed_form_dataset(k_G: Sequence[float] = (0.0, 0.5, 1.0, 1.5, 2.0), **fixed: Any) -> xr.Dataset:
    """The eq.-16 closed form over a k_G grid: ``eigenvalue`` (k_G, sample, mode), one sample.

    Parameters
    ----------
    k_G
        The parameter values (the ``k_G`` coordinate).
    **fixed
        Other :class:`ClosedFormParams` fields (``draw`` must be ``"quantile"``).

    Examples
    --------
    >>> from vdosbench.datasets import check
    >>> ds = closed_form_dataset([0.0, 1.0], n_mode=20, n_omega=10)
    >>> check(ds); ds.eigenvalue.dims
    ('k_G', 'sample', 'mode')
    """
    if fixed.get("draw", "quantile") != "quantile":
        raise ValueError(
            "closed_form_dataset builds the deterministic quantile spectrum; for random draws "
            "run the registered generator 'inhomogeneous_medium_closed_form' with samples"
        )
    values = [float(v) for v in k_G]
    if not values or len(set(values)) != len(values):
        raise ValueError(f"k_G must be non-empty and without repeats, found {list(k_G)}")
    parts = [closed_form_sample({**fixed, "k_G": v}, 0, 0) for v in values]
    ds = xr.concat(
        [p.expand_dims(k_G=[v]) for p, v in zip(parts, values)],
        dim="k_G",
        data_vars="all",
        coords="minimal",
        combine_attrs="drop_conflicts",
    )
    ds = ds.transpose("k_G", "sample", ...)
    ds["k_G"].attrs = {"long_name": "wavenumber of the modulus fluctuation k_G", **_ONE}
    ds.attrs.update(parts[0].attrs)
    for name in ("k_G", "title"):
        ds.attrs.pop(name, None)
    ds.attrs["title"] = "seed-000 closed-form VDOS omega^4/(omega^2 + 3/4 c^2 k_G^2) over k_G"
    ds.attrs["parameter_names"] = "k_G"
    return ds


def closed_form_memory(params: Mapping[str, Any]) -> int:
    """Peak bytes of one closed-form spectrum (the generator's ``memory_estimate``): linear in modes and points."""
    p = check_closed_form_params(params)
    return quantile_spectrum_bytes(p.n_mode, p.n_omega)


#: The eq.-16 closed form (``get_generator("inhomogeneous_medium_closed_form")``).
INHOMOGENEOUS_MEDIUM_CLOSED_FORM = register(
    Generator(
        name="inhomogeneous_medium_closed_form",
        version=GENERATOR_VERSION,
        make_sample=closed_form_sample,
        check_params=check_closed_form_params,
        parameters=(
            Parameter("k_G", K_G_MEANING, (0.0, 0.5, 1.0, 1.5, 2.0), units="1", grid=True, minimum=0.0),
            Parameter("sound_speed", "sound speed c", 1.0, units="1", minimum=0.0, open_minimum=True),
            Parameter(
                "number_density",
                "number density n (Debye frequency c (6 pi^2 n)^(1/3))",
                1.0,
                units="1",
                minimum=0.0,
                open_minimum=True,
            ),
            Parameter("n_mode", "number of frequencies M of the spectrum", 4096, units="1", kind="int", minimum=1),
            Parameter("n_omega", "points of the curve grid", 400, units="1", kind="int", minimum=2),
            Parameter(
                "draw",
                "quantile: the same M frequencies for every sample; random: drawn from the seed",
                "quantile",
                kind="choice",
                choices=("quantile", "random"),
            ),
        ),
        memory_estimate=closed_form_memory,
        description="seed 000 closed form D ~ omega^4/(omega^2 + 3/4 c^2 k_G^2) as a quantile spectrum",
        source="seed 000",
    ),
    replace=True,
)
