"""The lowest transverse phonon shell of a periodic glass, and the modes below it.

Seed 001 (``001_d453c975fd50a4a2.txt``, Results) measures "the lowest phonon
resonance at ω₀ ≈ 1.5, and modes are found down to a frequency ten times
smaller"; seed 003 (``003_e4d31faec595bf16.txt``, point (v), Fig. 2) argues
that a vortex-like mode below the lowest transverse phonons "does not
originate from the superposition of waves", against Lerner and Bouchbinder's
reading that vortex-like modes are superpositions of transverse standing
waves.  Both statements are measured here from the stored eigenvectors.

Plane-wave shell
    In a periodic box of edges L_a the smallest wave vectors are
    k = (2π/L_a) ê_a.  The transverse standing waves of that shell are
    p cos(k·x_i) and p sin(k·x_i) with the polarisation p = ê_b, b ≠ a:
    d (d − 1) · 2 fields (12 in 3D, 4 in 2D), orthonormalised together (QR)
    over the actual particle positions.  The *plane-wave weight* of a mode e_n
    is W_n = |Qᵀ e_n|² ∈ [0, 1]: 1 for a mode inside the span of the shell
    (any superposition of those standing waves), ≈ n_waves/(dN) for a random
    vector.

ω₀ (``omega0``)
    Per sample, the weight-averaged frequency of the shell,
    ω₀ = Σ_n W_n ω_n / Σ_n W_n over the stored non-zero modes; the shell is
    spread over the few modes it hybridises with, and this is its centroid.
    ``captured`` = Σ_n W_n / n_waves says how much of the shell the stored
    modes hold; a sample with ``captured < min_captured`` (the stored modes do
    not reach the shell) gets NaN and is left out, and the count is reported.

Modes below the shell
    The non-zero stored modes with ω_n < ``below_factor`` · ω₀ of their
    sample (default 0.9: below the shell's spread, so that hybridised shell
    modes are not counted).  For them the validator reports the number per
    sample, their mean plane-wave weight (1 if they were superpositions of the
    lowest transverse waves, ≈ 0 if not) and their core curl content
    (:func:`vdosbench.validators.levels.vorticity.field_vorticity`: the rotational
    share of |∇u|² near the located vortex core).  The reference for the core
    curl content is the same estimator on ``n_superpositions`` random
    superpositions of the shell's standing waves on the same positions
    (Gaussian coefficients, seeded): Lerner and Bouchbinder's reading of
    vortex-like modes.  The estimator's own bias (the core is placed where
    |η|² is largest) then cancels in ``core_curl_excess``.  The core curl
    content of the phonon-like stored modes (W_n ≥ ``phonon_weight``) is
    reported too; in strongly hybridised glasses no stored mode may reach it.

Every pooled quantity is a ratio of per-sample sums; its interval is the
bootstrap over samples of that ratio.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import xarray as xr

from ..results.points import point_view
from ..results.registry import measures
from ..results.result import Measurement, ValidatorResult, bootstrap, current_axes
from .vorticity import _box, _core_curl_contents, _default_core_radius, local_displacement_gradient, neighbor_pairs

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["PhononShellResult", "phonon_shell", "plane_wave_shell", "plane_wave_weights"]


def plane_wave_shell(position: np.ndarray, box_length: float | np.ndarray) -> np.ndarray:
    """Orthonormal basis of the lowest transverse standing waves of a periodic box.

    Parameters
    ----------
    position
        Shape ``(n_site, d)``, d = 2 or 3.
    box_length
        Box edge(s) L (scalar or ``(d,)``).

    Returns
    -------
    numpy.ndarray
        Shape ``(n_waves, n_site, d)``, orthonormal under the sum over sites
        and components; n_waves = 2 d (d − 1).

    Examples
    --------
    >>> x = np.random.default_rng(0).random((500, 3)) * 8.0
    >>> q = plane_wave_shell(x, 8.0)
    >>> q.shape, bool(np.allclose(np.einsum("aij,bij->ab", q, q), np.eye(12)))
    ((12, 500, 3), True)
    """
    x = np.asarray(position, dtype=float)
    n, d = x.shape
    box = _box(box_length, d)
    fields = []
    for a in range(d):
        phase = 2.0 * np.pi * x[:, a] / box[a]
        for wave in (np.cos(phase), np.sin(phase)):
            for b in range(d):
                if b != a:
                    f = np.zeros((n, d))
                    f[:, b] = wave
                    fields.append(f.ravel())
    q, _ = np.linalg.qr(np.column_stack(fields))
    return q.T.reshape(len(fields), n, d)


def plane_wave_weights(modes: np.ndarray, shell: np.ndarray) -> np.ndarray:
    """W_n = |Qᵀ e_n|² / |e_n|²: the share of each mode inside the shell's span.

    Parameters
    ----------
    modes
        Shape ``(n_mode, n_site, d)``.
    shell
        :func:`plane_wave_shell` output, ``(n_waves, n_site, d)``.

    Returns
    -------
    numpy.ndarray
        Shape ``(n_mode,)``, in [0, 1].

    Examples
    --------
    >>> x = np.random.default_rng(0).random((200, 2)) * 5.0
    >>> q = plane_wave_shell(x, 5.0)
    >>> mix = (q[0] + 2 * q[3])[None] / np.sqrt(5)
    >>> np.round(plane_wave_weights(mix, q), 12)
    array([1.])
    """
    e = np.asarray(modes, dtype=float)
    proj = np.einsum("nij,wij->nw", e, shell)
    return np.sum(proj**2, axis=1) / np.einsum("nij,nij->n", e, e)


@dataclass(frozen=True, eq=False)
class PhononShellResult(ValidatorResult):
    """Output of :func:`phonon_shell`.

    Attributes
    ----------
    omega0
        Mean over samples of the shell centroid ω₀.
    captured
        Mean share of the shell held by the stored modes.
    n_below
        Mean number of stored non-zero modes below ``below_factor`` · ω₀ per sample.
    plane_wave_weight_below
        Mean plane-wave weight of the modes below (pooled over samples).
    core_curl_below, core_curl_phonon, core_curl_superposition
        Mean core curl content of the modes below, of the phonon-like
        modes, and of random superpositions of the shell's standing waves.
    core_curl_excess
        ``core_curl_below − core_curl_superposition`` (paired: the same resampled samples).
    per_mode
        Dataset over (sample, vector_mode): ``omega``, ``plane_wave_weight``,
        ``core_curl_content``, ``below`` and ``phonon_like`` flags; and per
        sample ``omega0_sample``, ``captured_sample``.
    settings
        Factors, thresholds, neighbour rule.
    """

    headline = "plane_wave_weight_below"
    diagnostics_field = "per_mode"

    omega0: Measurement
    captured: Measurement
    n_below: Measurement
    plane_wave_weight_below: Measurement
    core_curl_below: Measurement
    core_curl_phonon: Measurement
    core_curl_superposition: Measurement
    core_curl_excess: Measurement
    per_mode: xr.Dataset
    settings: dict[str, Any]

    def measurements(self) -> dict[str, Measurement]:
        """The measurements by name."""
        names = (
            "omega0",
            "captured",
            "n_below",
            "plane_wave_weight_below",
            "core_curl_below",
            "core_curl_phonon",
            "core_curl_superposition",
            "core_curl_excess",
        )
        return {k: getattr(self, k) for k in names}

    def plot(self, ax: Axes | None = None) -> Axes:
        """Plane-wave weight of every stored mode against ω/ω₀ of its sample."""
        ax = current_axes(ax)
        pm = self.per_mode
        x = (pm["omega"] / pm["omega0_sample"]).values.ravel()
        y = pm["plane_wave_weight"].values.ravel()
        below = pm["below"].values.ravel()
        ax.plot(x[~below], y[~below], "o", ms=3, color="0.4", label="stored modes")
        ax.plot(x[below], y[below], "o", ms=4, color="tab:red", label=f"below {self.settings['below_factor']} ω₀")
        ax.axvline(1.0, color="tab:blue", ls="--", label="ω₀ (shell centroid)")
        ax.set_xlabel("ω / ω₀ of the sample")
        ax.set_ylabel("weight in the lowest transverse plane-wave shell")
        ax.set_ylim(-0.02, 1.02)
        ax.set_title(f"ω₀ = {self.omega0.value:.3g} ± {self.omega0.uncertainty:.2g}")
        ax.legend()
        return ax


def _ratio(num: np.ndarray, den: np.ndarray) -> float:
    total = float(np.nansum(den))
    return float(np.nansum(num) / total) if total > 0 else float("nan")


def _check_inputs(
    ds: xr.Dataset, d: int, core_neighbours: float, below_factor: float, phonon_weight: float, min_captured: float
) -> None:
    """Raise on missing variables, a scalar model or thresholds out of range."""
    for name in ("eigenvalue", "eigenvector", "position", "box_length"):
        if name not in ds.variables:
            raise ValueError(
                f"phonon_shell needs '{name}'; found variables {sorted(map(str, ds.data_vars))}. "
                "Store eigenvector (sample, vector_mode, site, spatial), position and box_length"
            )
    ev = ds["eigenvector"]
    if "spatial" not in ev.dims or d < 2:
        raise ValueError(
            f"phonon_shell needs a vector model in d = 2 or 3 (eigenvector with 'spatial'); found dims {ev.dims}"
        )
    if not core_neighbours > 0:
        raise ValueError(f"core_neighbours is {core_neighbours}; expected a positive number of neighbour distances")
    if not 0.0 < below_factor <= 1.0 or not 0.0 < phonon_weight <= 1.0 or not 0.0 < min_captured <= 1.0:
        raise ValueError(
            f"below_factor, phonon_weight, min_captured are {below_factor}, {phonon_weight}, {min_captured}; "
            "expected numbers in (0, 1]"
        )


def _stored_modes(
    ds: xr.Dataset, view: Any, d: int
) -> tuple[xr.DataArray, np.ndarray, np.ndarray, xr.DataArray, np.ndarray]:
    """Eigenvectors, ω and non-zero flags of the stored vector modes, positions and (sample, d) box edges."""
    ev = ds["eigenvector"].transpose("sample", "vector_mode", "site", "spatial")
    vm = np.asarray(ds["vector_mode"].values, dtype=np.int64)
    lam = ds["eigenvalue"].isel(mode=xr.DataArray(vm, dims="vector_mode")).transpose("sample", "vector_mode").values
    zero = view.zero_mode.isel(mode=xr.DataArray(vm, dims="vector_mode")).transpose("sample", "vector_mode").values
    position = ds["position"].transpose("sample", "site", "spatial")
    box = ds["box_length"]
    boxes = box.transpose("sample", "spatial").values if "spatial" in box.dims else np.repeat(box.values[:, None], d, 1)
    omega = np.sqrt(np.clip(np.asarray(lam, dtype=float), 0.0, None))
    return ev, omega, ~np.asarray(zero, dtype=bool), position, boxes


def _per_sample(
    ev: xr.DataArray,
    position: xr.DataArray,
    boxes: np.ndarray,
    omega: np.ndarray,
    nonzero: np.ndarray,
    pair_list: Any,
    radius: float | None,
    core_radius: float | None,
    core_neighbours: float,
    n_superpositions: int,
    min_captured: float,
    seed: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Plane-wave weights, core curl of every mode, ω₀, captured share and superposition reference per sample."""
    n_s, n_v = omega.shape
    d = boxes.shape[1]
    weight = np.full((n_s, n_v), np.nan)
    curl = np.full((n_s, n_v), np.nan)
    omega0 = np.full(n_s, np.nan)
    captured = np.full(n_s, np.nan)
    reference = np.full(n_s, np.nan)
    n_waves = 2 * d * (d - 1)
    for s in range(n_s):  # one sample in memory at a time
        x_s = np.asarray(position.isel(sample=s).values, dtype=float)
        u_s = np.asarray(ev.isel(sample=s).values, dtype=float)
        bx = _box(boxes[s], d)
        shell = plane_wave_shell(x_s, bx)
        weight[s] = plane_wave_weights(u_s, shell)
        i, j = (
            (np.asarray(pair_list[s][0], dtype=np.int64), np.asarray(pair_list[s][1], dtype=np.int64))
            if pair_list is not None
            else neighbor_pairs(x_s, bx, float(radius))  # type: ignore[arg-type]
        )
        coef = np.random.default_rng([seed, s]).normal(size=(n_superpositions, n_waves))
        # one local fit for the stored modes and the shell superpositions together (as vorticity() does)
        fields = np.concatenate([u_s, np.einsum("rw,wij->rij", coef, shell)])
        G, ok = local_displacement_gradient(fields, x_s, bx, i, j, order=1)
        core = _default_core_radius(x_s, bx, i, j, core_neighbours) if core_radius is None else float(core_radius)
        cores = _core_curl_contents(G, ok, x_s, bx, core, fields)
        curl[s], reference[s] = cores[:n_v], np.nanmean(cores[n_v:])
        keep = nonzero[s]
        captured[s] = float(np.sum(weight[s, keep])) / n_waves
        if captured[s] >= min_captured:
            omega0[s] = float(np.sum(weight[s, keep] * omega[s, keep]) / np.sum(weight[s, keep]))
    return weight, curl, omega0, captured, reference


def _sample_sums(
    omega0: np.ndarray,
    valid: np.ndarray,
    captured: np.ndarray,
    below: np.ndarray,
    phonon_like: np.ndarray,
    weight: np.ndarray,
    curl: np.ndarray,
    reference: np.ndarray,
) -> np.ndarray:
    """Per-sample sums and counts whose pooled ratios :func:`_statistic` takes, one row per sample."""
    measured = np.isfinite(curl)  # a mode whose local fits all failed has no core curl content
    return np.column_stack(
        [
            np.where(valid, omega0, 0.0),
            valid,
            captured,
            below.sum(1),
            np.where(below, weight, 0.0).sum(1),
            np.where(below & measured, curl, 0.0).sum(1),
            (below & measured).sum(1),
            np.where(phonon_like & measured, curl, 0.0).sum(1),
            (phonon_like & measured).sum(1),
            reference,
        ]
    ).astype(float)


def _statistic(t: np.ndarray) -> np.ndarray:
    """The eight pooled measurements from rows of :func:`_sample_sums` (the bootstrap's statistic)."""
    below_curl = _ratio(t[:, 5], t[:, 6])
    superposition_curl = float(np.nanmean(t[:, 9]))
    return np.array(
        [
            _ratio(t[:, 0], t[:, 1]),
            float(np.mean(t[:, 2])),
            _ratio(t[:, 3], t[:, 1]),
            _ratio(t[:, 4], t[:, 3]),
            below_curl,
            _ratio(t[:, 7], t[:, 8]),
            superposition_curl,
            below_curl - superposition_curl,
        ]
    )


def _per_mode_dataset(
    ds: xr.Dataset,
    omega: np.ndarray,
    weight: np.ndarray,
    curl: np.ndarray,
    below: np.ndarray,
    phonon_like: np.ndarray,
    reference: np.ndarray,
    omega0: np.ndarray,
    captured: np.ndarray,
    units: str,
    below_factor: float,
    phonon_weight: float,
) -> xr.Dataset:
    """The result's ``per_mode`` diagnostics over (sample, vector_mode) and sample."""
    sv = ("sample", "vector_mode")
    return xr.Dataset(
        {
            "omega": (sv, omega, {"long_name": "angular frequency of the stored mode", "units": units}),
            "plane_wave_weight": (
                sv,
                weight,
                {"long_name": "share in the lowest transverse plane-wave shell", "units": "1"},
            ),
            "core_curl_content": (sv, curl, {"long_name": "curl content near the vortex core", "units": "1"}),
            "below": (sv, below, {"long_name": f"omega < {below_factor} omega0 of the sample", "units": "1"}),
            "phonon_like": (sv, phonon_like, {"long_name": f"plane-wave weight >= {phonon_weight}", "units": "1"}),
            "core_curl_superposition_sample": (
                "sample",
                reference,
                {"long_name": "mean core curl content of random shell superpositions", "units": "1"},
            ),
            "omega0_sample": ("sample", omega0, {"long_name": "shell centroid omega0", "units": units}),
            "captured_sample": (
                "sample",
                captured,
                {"long_name": "share of the shell in the stored modes", "units": "1"},
            ),
        },
        coords={"sample": ds["sample"], "vector_mode": ds["vector_mode"]},
    )


def _settings(
    d: int,
    below_factor: float,
    phonon_weight: float,
    min_captured: float,
    valid: np.ndarray,
    has_pairs: bool,
    radius: float | None,
    core_neighbours: float,
    core_radius: float | None,
    n_superpositions: int,
) -> dict[str, Any]:
    """The result's ``settings``: shell, thresholds, samples used, neighbour and curl rules."""
    n_waves = 2 * d * (d - 1)
    return {
        "shell": f"{n_waves} transverse standing waves at |k| = 2 pi / L_a, orthonormalised (QR) on the positions",
        "omega0": "weight-averaged frequency of the shell over the stored non-zero modes",
        "below_factor": below_factor,
        "phonon_weight": phonon_weight,
        "min_captured": min_captured,
        "samples_used": int(valid.sum()),
        "samples_left_out": int((~valid).sum()),
        "neighbours": "stored pairs (pair_i, pair_j)" if has_pairs else f"all sites within radius {radius}",
        "curl": "core curl content of vdosbench.validators.field_vorticity (first-order fit)",
        "core_radius": f"{core_neighbours:g} median neighbour distances" if core_radius is None else core_radius,
        "curl_reference": f"{n_superpositions} random superpositions (Gaussian coefficients) of the shell per sample",
    }


#: (name, units (None: the frequency units of the dataset), method) of each measurement, in :func:`_statistic`'s order.
_SPECS: tuple[tuple[str, str | None, str], ...] = (
    ("omega0", None, "centroid of the lowest transverse plane-wave shell"),
    ("captured", "1", "share of the shell held by the stored modes (mean over samples)"),
    ("n_below", "1", "stored non-zero modes below below_factor * omega0, per sample"),
    ("plane_wave_weight_below", "1", "mean plane-wave weight of the modes below the shell"),
    ("core_curl_below", "1", "mean core curl content of the modes below the shell"),
    ("core_curl_phonon", "1", "mean core curl content of the phonon-like modes"),
    ("core_curl_superposition", "1", "mean core curl content of random superpositions of the shell"),
    ("core_curl_excess", "1", "core curl content below the shell minus that of shell superpositions (paired)"),
)


@measures(
    "omega0",
    "captured",
    "n_below",
    "plane_wave_weight_below",
    "core_curl_below",
    "core_curl_phonon",
    "core_curl_superposition",
    "core_curl_excess",
)
def phonon_shell(
    ds: xr.Dataset,
    *,
    below_factor: float = 0.9,
    phonon_weight: float = 0.5,
    min_captured: float = 0.5,
    n_superpositions: int = 20,
    radius: float | None = None,
    core_radius: float | None = None,
    core_neighbours: float = 2.0,
    n_bootstrap: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> PhononShellResult:
    """ω₀ from the lowest transverse plane-wave shell, and the modes below it (module docstring).

    Parameters
    ----------
    ds
        One parameter point of a vector model with ``eigenvalue``,
        ``eigenvector`` (sample, vector_mode, site, spatial), ``position`` and
        ``box_length``; neighbours for the curl from the stored pairs
        (``pair_count``, ``pair_i``, ``pair_j``) or ``radius``.
    below_factor
        Modes with ω < ``below_factor`` · ω₀ of their sample are "below the shell".
    phonon_weight
        Modes with plane-wave weight ≥ this are the phonon-like reference of
        the core curl content.
    min_captured
        A sample whose stored modes hold less of the shell is left out (ω₀ NaN).
    n_superpositions
        Random superpositions of the shell's standing waves per sample, the
        reference of the core curl content (seeded by ``seed`` and the sample).
    radius
        Neighbour radius for the local gradients when no pairs are stored.
    core_radius
        Radius of the vortex core over which the core curl content is taken
        (default: ``core_neighbours`` median neighbour distances of the sample).  The
        estimator is scale-dependent: a vortex u = ẑ × r f(r) is rotation-
        dominated only inside its own core (for a Gaussian envelope of width
        w, r < w), so a core radius larger than that mixes in the strain ring.
    core_neighbours
        The core radius in median neighbour distances when ``core_radius`` is
        not given (default 2; the claims register 1.5 and 3 as alternatives).
    n_bootstrap, seed, confidence
        Bootstrap over samples.

    Returns
    -------
    PhononShellResult

    References
    ----------
    Seed 001 (``001_d453c975fd50a4a2.txt``), Results "Numerical simulations";
    seed 003 (``003_e4d31faec595bf16.txt``), point (v), Fig. 2.

    Examples
    --------
    Random positions with the shell's own standing waves stored as the modes:
    every weight is 1 and ω₀ is their mean frequency.

    >>> from vdosbench.datasets import mock_spectrum
    >>> rng = np.random.default_rng(0)
    >>> x = rng.random((1, 64, 2)) * 8.0
    >>> q = plane_wave_shell(x[0], 8.0)
    >>> ds = mock_spectrum(n_sample=1, n_mode=128, n_site=64, spatial_dimension=2)
    >>> ds["position"] = (("sample", "site", "spatial"), x, {"long_name": "x", "units": "1"})
    >>> ds["box_length"] = ("sample", [8.0], {"long_name": "L", "units": "1"})
    >>> ds = ds.assign_coords(vector_mode=("vector_mode", [10, 11, 12, 13], {"units": "1"}))
    >>> ds["eigenvector"] = (("sample", "vector_mode", "site", "spatial"), q[None], {"units": "1"})
    >>> res = phonon_shell(ds, radius=2.5, n_bootstrap=10)
    >>> w = np.sqrt(ds["eigenvalue"].values[0, 10:14])
    >>> bool(np.isclose(res.omega0.value, w.mean())), round(res.captured.value, 12)
    (True, 1.0)
    """
    view = point_view(ds, "phonon_shell")
    d = view.dimension
    _check_inputs(ds, d, core_neighbours, below_factor, phonon_weight, min_captured)
    ev, omega, nonzero, position, boxes = _stored_modes(ds, view, d)
    has_pairs = all(v in ds.variables for v in ("pair_count", "pair_i", "pair_j"))
    if not has_pairs and radius is None:
        raise ValueError("phonon_shell needs neighbours for the curl: store ragged pairs or pass radius=...")
    pair_list = view.sample_pairs("pair_i", "pair_j") if has_pairs else None
    weight, curl, omega0, captured, reference = _per_sample(
        ev,
        position,
        boxes,
        omega,
        nonzero,
        pair_list,
        radius,
        core_radius,
        core_neighbours,
        n_superpositions,
        min_captured,
        seed,
    )
    curl = np.where(nonzero, curl, np.nan)
    with np.errstate(invalid="ignore"):
        below = nonzero & (omega < below_factor * omega0[:, None])
    phonon_like = nonzero & (weight >= phonon_weight)
    valid = np.isfinite(omega0)
    stats = _sample_sums(omega0, valid, captured, below, phonon_like, weight, curl, reference)
    if not np.any(valid):
        raise ValueError(
            f"the stored modes hold at most {np.nanmax(captured):.2f} of the lowest plane-wave shell in every sample "
            f"(min_captured = {min_captured}); store more eigenvectors (generator parameter n_vectors) "
            "or lower min_captured"
        )
    est = bootstrap(_statistic, stats[valid], n_bootstrap=n_bootstrap, seed=seed, confidence=confidence)
    units = view.omega_units
    per_mode = _per_mode_dataset(
        ds, omega, weight, curl, below, phonon_like, reference, omega0, captured, units, below_factor, phonon_weight
    )
    settings = _settings(
        d,
        below_factor,
        phonon_weight,
        min_captured,
        valid,
        has_pairs,
        radius,
        core_neighbours,
        core_radius,
        n_superpositions,
    )
    found = {
        name: est.measurement(
            name, index=k, units=units if u is None else u, settings=settings, curve=per_mode, method=method
        )
        for k, (name, u, method) in enumerate(_SPECS)
    }
    return PhononShellResult(**found, per_mode=per_mode, settings=settings)
