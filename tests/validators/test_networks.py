"""Sound speed, Debye level, boson peak and Green's-function poles on small spring networks.

The networks are built here with numpy (seed 002's scalar model: H_ij = −t_ij,
H_ii = Σ_j t_ij, unit masses, periodic box), independent of the generators.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import xarray as xr

from vdosbench.datasets import check, convention_attrs
from vdosbench.validators import (
    boson_peak_excess,
    conductance_tensor,
    debye_reduced_level,
    homogenized_conductance,
    local_response,
    lowest_phonon_frequency,
    measure_sound_speed,
    new_poles,
    poles,
    sound_speed,
    unit_ball_volume,
)

EXACT = 1e-10  # exact relations (homogenisation of the crystal, analytic dispersion), floating point only
SOLVE_RTOL = 1e-9  # sparse pinned solve vs dense least squares


# ------------------------------------------------------------------ builders


def square_lattice(L: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Positions (L², 2) on the unit grid and the 2L² nearest-neighbour bonds of the periodic lattice."""
    x, y = np.divmod(np.arange(L * L), L)
    idx = x * L + y
    i = np.r_[idx, idx]
    j = np.r_[((x + 1) % L) * L + y, x * L + (y + 1) % L]
    return np.c_[x, y].astype(float), i, j


def displaced_network(L: int, delta: float, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Seed 002's second situation: sites displaced by δ in a random direction, springs t = 1/r for r < 1 + δ."""
    rng = np.random.default_rng(seed)
    base, _, _ = square_lattice(L)
    theta = rng.uniform(0, 2 * np.pi, L * L)
    pos = (base + delta * np.c_[np.cos(theta), np.sin(theta)]) % L
    diff = pos[None, :, :] - pos[:, None, :]
    diff -= L * np.round(diff / L)
    r = np.sqrt((diff**2).sum(-1))
    i, j = np.nonzero(np.triu(r < 1.0 + delta, k=1))
    return pos, i, j, 1.0 / r[i, j]


def laplacian(n: int, i: np.ndarray, j: np.ndarray, t: np.ndarray) -> np.ndarray:
    H = np.zeros((n, n))
    np.add.at(H, (i, j), -t)
    np.add.at(H, (j, i), -t)
    np.add.at(H, (i, i), t)
    np.add.at(H, (j, j), t)
    return H


def network_dataset(
    samples: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]],
    L: float,
    *,
    eigenvectors: bool = False,
) -> xr.Dataset:
    """A VDOS-1.0 one-point dataset from (positions, i, j, t) samples in a periodic box of edge L."""
    n_site = samples[0][0].shape[0]
    lams, vecs = [], []
    for pos, i, j, t in samples:
        lam, vec = np.linalg.eigh(laplacian(n_site, i, j, t))
        lams.append(lam)
        vecs.append(vec.T)
    lam = np.array(lams)
    zero = lam <= 1e-9 * lam.max(axis=1, keepdims=True)
    counts = np.array([len(s[1]) for s in samples], dtype=np.int64)
    coord = np.array([np.bincount(s[1], minlength=n_site) + np.bincount(s[2], minlength=n_site) for s in samples])
    u = {"units": "1"}
    ds = xr.Dataset(
        {
            "eigenvalue": (("sample", "mode"), lam, {"long_name": "eigenvalue", **u}),
            "zero_mode": (("sample", "mode"), zero, {"long_name": "zero mode", **u}),
            "position": (
                ("sample", "site", "spatial"),
                np.stack([s[0] for s in samples]),
                {"long_name": "position", **u},
            ),
            "box_length": ("sample", np.full(len(samples), float(L)), {"long_name": "box edge", **u}),
            "coordination": (("sample", "site"), coord.astype(np.int64), {"long_name": "coordination", **u}),
            "pair_count": ("sample", counts, {"long_name": "pairs", "sample_dimension": "pair", **u}),
            "pair_i": ("pair", np.concatenate([s[1] for s in samples]).astype(np.int64), {"long_name": "i", **u}),
            "pair_j": ("pair", np.concatenate([s[2] for s in samples]).astype(np.int64), {"long_name": "j", **u}),
            "pair_stiffness": ("pair", np.concatenate([s[3] for s in samples]), {"long_name": "t", **u}),
        },
        coords={
            "sample": ("sample", np.arange(len(samples)), {"long_name": "sample", **u}),
            "mode": ("mode", np.arange(n_site), {"long_name": "mode", **u}),
            "spatial": ("spatial", np.array(["x", "y"]), {"long_name": "component"}),
        },
        attrs=convention_attrs("test network", "tests", "none", 2, site_degrees_of_freedom=1),
    )
    if eigenvectors:
        ds = ds.assign_coords(vector_mode=("vector_mode", np.arange(n_site), {"long_name": "mode", **u}))
        ds["eigenvector"] = (("sample", "vector_mode", "site"), np.stack(vecs), {"long_name": "eigenvector", **u})
    check(ds)
    return ds


def lattice_dataset(L: int, n_sample: int = 1, t: float = 1.0, **kw: bool) -> xr.Dataset:
    pos, i, j = square_lattice(L)
    return network_dataset([(pos, i, j, np.full(i.size, t))] * n_sample, L, **kw)


def analytic_lattice_eigenvalues(L: int) -> np.ndarray:
    k = 2 * np.pi * np.arange(L) / L
    return np.sort((2 * (2 - np.cos(k)[:, None] - np.cos(k)[None, :])).ravel())


# ------------------------------------------------------------------ builder sanity


def test_lattice_builder_reproduces_the_analytic_spectrum() -> None:
    ds = lattice_dataset(6)
    np.testing.assert_allclose(ds.eigenvalue.values[0], analytic_lattice_eigenvalues(6), atol=1e-12)


# ------------------------------------------------------------------ sound speed


@pytest.mark.parametrize("L", [4, 8, 12], ids=["L4", "L8", "L12"])
def test_modulus_sound_speed_of_the_square_lattice_is_one(L: int) -> None:
    ds = lattice_dataset(L, n_sample=2)
    # u = E·x relaxes nowhere (every site is a centre of symmetry): σ = t·(bonds per site per axis) = 1
    np.testing.assert_allclose(conductance_tensor(ds).values, np.broadcast_to(np.eye(2), (2, 2, 2)), atol=EXACT)
    np.testing.assert_allclose(sound_speed(ds, "modulus").values, 1.0, rtol=EXACT)


@pytest.mark.parametrize("L", [4, 8, 12], ids=["L4", "L8", "L12"])
def test_dispersion_sound_speed_of_the_square_lattice_is_analytic(L: int) -> None:
    # lowest shell: k = (±2π/L, 0), (0, ±2π/L); λ = 2(2 − cos k − 1) = 2(1 − cos k)
    k = 2 * np.pi / L
    c = sound_speed(lattice_dataset(L), "dispersion")
    assert c.attrs["method"] == "dispersion"
    assert float(c[0]) == pytest.approx(np.sqrt(2 * (1 - np.cos(k))) / k, rel=EXACT)
    assert float(c[0]) < 1.0  # the O(k²) dispersion correction lowers it: 1 − k²/24 + ...


def test_dispersion_sound_speed_reads_a_dask_backed_point_block_by_block_to_the_same_values() -> None:
    """Issue 66 item 3: ``sound_speed`` and ``lowest_phonon_frequency`` take the dispersion route from the point's
    arrays one block of sample chunks at a time; a Dask-backed point gives the in-memory values exactly."""
    ds = lattice_dataset(6, n_sample=3)
    ds["eigenvalue"] = ds["eigenvalue"] * xr.DataArray([1.0, 1.21, 0.81], dims="sample")
    lazy = ds.chunk({"sample": 1})
    np.testing.assert_array_equal(sound_speed(lazy, "dispersion").values, sound_speed(ds, "dispersion").values)
    np.testing.assert_allclose(
        sound_speed(ds, "dispersion").values / sound_speed(ds, "dispersion").values[0], [1.0, 1.1, 0.9], rtol=1e-12
    )
    w0 = lowest_phonon_frequency(lazy, method="dispersion", n_bootstrap=10).curve["omega0_sample"].values
    np.testing.assert_allclose(w0, sound_speed(ds, "dispersion").values * 2 * np.pi / 6, rtol=1e-14)


def test_scaling_springs_by_four_doubles_the_sound_speed() -> None:
    base, scaled = lattice_dataset(6), lattice_dataset(6, t=4.0)
    np.testing.assert_allclose(scaled.eigenvalue.values, 4 * base.eigenvalue.values, atol=1e-11)
    for method in ("modulus", "dispersion"):
        ratio = sound_speed(scaled, method).values / sound_speed(base, method).values
        np.testing.assert_allclose(ratio, 2.0, rtol=EXACT)
    pos, i, j, t = displaced_network(5, 0.2, seed=1)
    a = homogenized_conductance(i, j, t, pos, 5.0)
    b = homogenized_conductance(i, j, 4 * t, pos, 5.0)
    np.testing.assert_allclose(b, 4 * a, rtol=EXACT)


def brute_force_conductance(pos: np.ndarray, i: np.ndarray, j: np.ndarray, t: np.ndarray, L: float) -> np.ndarray:
    """σ from the relaxed energy of E = e_x, e_y, e_x + e_y by dense least squares (no pinning, minimum norm).

    Energy(E) = ½ min_φ Σ t (E·b + φ_j − φ_i)² = ½ ||√t (b E + D φ)||², and Energy(E) = ½ V Eᵀ σ E.
    """
    n = pos.shape[0]
    b = pos[j] - pos[i]
    b -= L * np.round(b / L)
    D = np.zeros((i.size, n))
    D[np.arange(i.size), j] += 1.0
    D[np.arange(i.size), i] -= 1.0
    w = np.sqrt(t)

    def energy(E: np.ndarray) -> float:
        target = -(w * (b @ E))
        phi, *_ = np.linalg.lstsq(w[:, None] * D, target, rcond=None)
        r = w * (b @ E) + (w[:, None] * D) @ phi
        return 0.5 * float(r @ r)

    V = L * L
    sxx = 2 * energy(np.array([1.0, 0.0])) / V
    syy = 2 * energy(np.array([0.0, 1.0])) / V
    sxy = (2 * energy(np.array([1.0, 1.0])) / V - sxx - syy) / 2
    return np.array([[sxx, sxy], [sxy, syy]])


@pytest.mark.parametrize(
    ("delta", "keep", "seed"),
    [(0.2, 1.0, 3), (0.3, 1.0, 4), (0.2, 0.7, 5)],
    ids=["delta0.2", "delta0.3", "diluted-30pc"],
)
def test_modulus_matches_brute_force_relaxation(delta: float, keep: float, seed: int) -> None:
    L = 7
    pos, i, j, t = displaced_network(L, delta, seed)
    mask = np.random.default_rng(seed).random(i.size) < keep  # random dilution: dangling sites, clusters
    i, j, t = i[mask], j[mask], t[mask]
    sigma = homogenized_conductance(i, j, t, pos, L)
    np.testing.assert_allclose(sigma, brute_force_conductance(pos, i, j, t, L), rtol=SOLVE_RTOL, atol=1e-12)
    ds = network_dataset([(pos, i, j, t)], L)
    c = float(sound_speed(ds, "modulus")[0])
    assert c == pytest.approx(np.sqrt(np.trace(sigma) / 2 / 1.0), rel=EXACT)  # ρ = L²/L² = 1


def test_modulus_and_dispersion_agree_for_a_large_weakly_disordered_network() -> None:
    # consistency (not a tight identity): the lowest shell carries O(k²) and scattering shifts
    ds = network_dataset([displaced_network(16, 0.1, seed=s) for s in (0, 1)], 16)
    mod = sound_speed(ds, "modulus").values
    disp = sound_speed(ds, "dispersion").values
    np.testing.assert_allclose(disp, mod, rtol=0.05)


def test_measure_sound_speed_bootstraps_over_samples() -> None:
    ds = network_dataset([displaced_network(6, 0.2, seed=s) for s in range(4)], 6)
    m = measure_sound_speed(ds, "modulus", n_bootstrap=200, seed=1)
    per = sound_speed(ds, "modulus").values
    assert m.value == pytest.approx(per.mean(), rel=1e-14)
    assert m.low <= m.value <= m.high and m.uncertainty > 0
    assert m.settings["method"] == "modulus" and m.n_samples == 4


@pytest.mark.parametrize(
    ("mutate", "method", "match"),
    [
        (lambda ds: ds.drop_vars("pair_stiffness"), "modulus", "missing.*pair_stiffness"),
        (lambda ds: ds.assign_attrs(site_degrees_of_freedom=2), "modulus", "scalar models"),
        (lambda ds: ds.drop_vars("box_length"), "dispersion", "box_length"),
        (lambda ds: ds, "fit", "expected one of"),
    ],
    ids=["no-stiffness", "vector-model", "no-box", "unknown-method"],
)
def test_sound_speed_explains_missing_inputs(mutate, method: str, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        sound_speed(mutate(lattice_dataset(4)), method)  # type: ignore[arg-type]


# ------------------------------------------------------------------ Debye level


@pytest.mark.parametrize(
    ("d", "n", "c", "expected"),
    [
        (2, 1.0, 1.0, 1 / (2 * np.pi)),  # 2·π/((2π)² n c²)
        (2, 2.0, 0.5, 1 / (2 * np.pi * 2.0 * 0.25)),
        (3, 1.0, 1.0, 1 / (2 * np.pi**2)),  # 3·(4π/3)/((2π)³)
        (1, 1.0, 2.0, 1 / (np.pi * 2.0)),  # 1·2/(2π n c)
    ],
    ids=["2D-unit", "2D-scaled", "3D", "1D"],
)
def test_debye_level_scalar(d: int, n: float, c: float, expected: float) -> None:
    assert debye_reduced_level(c, d, n) == pytest.approx(expected, rel=1e-14)


def test_debye_level_vector_averages_polarisations() -> None:
    # equal speeds: same level as the scalar model; c_T → the transverse branches dominate
    assert debye_reduced_level(1.3, 3, 0.9, 3, 1.3) == pytest.approx(debye_reduced_level(1.3, 3, 0.9), rel=1e-14)
    expected = 2 * math.pi / ((2 * math.pi) ** 2) * (1 / 2.0**2 + 1 / 1.0**2) / 2
    assert debye_reduced_level(2.0, 2, 1.0, 2, 1.0) == pytest.approx(expected, rel=1e-14)
    assert unit_ball_volume(3) == pytest.approx(4 * math.pi / 3, rel=1e-14)


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((1.0, 2, 1.0, 2, None), "needs transverse_speed"),
        ((1.0, 2, 1.0, 1, 0.5), "drop transverse_speed"),
        ((1.0, 4, 1.0), "1, 2 or 3"),
        ((-1.0, 2, 1.0), "both > 0"),
    ],
    ids=["vector-no-cT", "scalar-with-cT", "d4", "negative-c"],
)
def test_debye_level_rejects_bad_input(args: tuple, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        debye_reduced_level(*args)


# ------------------------------------------------------------------ boson peak on the crystal


def test_boson_peak_on_the_crystal_uses_its_own_modulus_and_exact_counts() -> None:
    L = 12
    ds = lattice_dataset(L, n_sample=2)
    w1 = 0.95  # not 1: λ = 1 is an exact lattice eigenvalue for L = 12 (cos 0 + cos π/3 = 3/2)
    res = boson_peak_excess(ds, window=(0.0, w1), bins=10, n_bootstrap=50)
    assert res.settings["sound_speed_method"] == "modulus"
    np.testing.assert_allclose(res.curve.debye_level_sample.values, 1 / (2 * np.pi), rtol=EXACT)
    w = np.sqrt(analytic_lattice_eigenvalues(L)[1:])
    debye = w1**2 / (4 * np.pi)  # ∫_0^w1 ω/(2π) dω
    exact = np.sum(w <= w1) / (L * L - 1) - debye
    assert res.excess_area.value == pytest.approx(exact, abs=1e-12)
    assert res.relative_excess.value == pytest.approx(exact / debye, abs=1e-11)
    assert res.excess_area.uncertainty == pytest.approx(0.0, abs=1e-15)  # identical samples


def test_boson_peak_own_reference_falls_back_to_dispersion_without_springs() -> None:
    ds = lattice_dataset(8).drop_vars(["pair_count", "pair_i", "pair_j", "pair_stiffness"])
    res = boson_peak_excess(ds, n_bootstrap=10)
    assert res.settings["sound_speed_method"] == "dispersion"
    k = 2 * np.pi / 8
    c = np.sqrt(2 * (1 - np.cos(k))) / k
    assert float(res.curve.debye_level) == pytest.approx(1 / (2 * np.pi * c**2), rel=EXACT)


def test_fluctuating_coordination_network_shows_positive_excess() -> None:
    """Seed 002 Fig. 2 right, small: δ = 0.3, r < 1 + δ, t = 1/r; excess in [0, 1] over its own Debye level."""
    L = 12
    ds = network_dataset([displaced_network(L, 0.3, seed=s) for s in range(3)], L)
    res = boson_peak_excess(ds, window=(0.0, 1.0), bins=10, n_bootstrap=200)
    assert res.excess_area.value > 0 and res.excess_area.low > 0


# ------------------------------------------------------------------ Green's function (seed 002 Fig. 4 right)


GREEN_RTOL = 1e-10


def test_spectral_local_response_equals_direct_inversion() -> None:
    rng = np.random.default_rng(7)
    n = 7
    i, j = np.nonzero(np.triu(rng.random((n, n)) < 0.6, k=1))
    t = rng.uniform(0.5, 2.0, i.size)
    pos = rng.random((n, 2)) * 3.0
    ds = network_dataset([(pos, i, j, t)], 3.0, eigenvectors=True)
    H = laplacian(n, i, j, t)
    omega = np.linspace(0.05, 3.0, 23)
    eps = 0.05
    resp = local_response(ds, omega, eps)
    assert resp.dims == ("site", "omega")
    direct = np.array([-np.diag(np.linalg.inv((w**2 + 1j * eps) * np.eye(n) - H)).imag for w in omega]).T
    np.testing.assert_allclose(resp.values, direct, rtol=GREEN_RTOL)


def _toy(extra: tuple[int, int] | None = None, missing: tuple[int, int] | None = None) -> xr.Dataset:
    """The 9-node toy: 3×3 periodic lattice, optionally a spring added or removed."""
    pos, i, j = square_lattice(3)
    t = np.ones(i.size)
    if missing is not None:
        a, b = missing
        keep = ~(((i == a) & (j == b)) | ((i == b) & (j == a)))
        assert keep.sum() == i.size - 1
        i, j, t = i[keep], j[keep], t[keep]
    if extra is not None:
        i, j, t = np.r_[i, extra[0]], np.r_[j, extra[1]], np.r_[t, 1.0]
    return network_dataset([(pos, i, j, t)], 3.0, eigenvectors=True)


CENTRE, TOP_LEFT, LEFT = 4, 0, 1  # site = 3x + y: centre (1,1), corner (0,0), left neighbour (0,1)


def test_poles_of_the_periodic_3x3_lattice() -> None:
    # λ = 2(2 − cos kx − cos ky), cos ∈ {1, −1/2}: 0 (×1), 3 (×4), 6 (×4)
    p = poles(_toy())
    np.testing.assert_allclose(p.values, [0.0, 3.0, 6.0], atol=1e-10)
    np.testing.assert_array_equal(p.multiplicity.values, [1, 4, 4])


@pytest.mark.parametrize(
    "toy",
    [lambda: _toy(extra=(CENTRE, TOP_LEFT)), lambda: _toy(missing=(CENTRE, LEFT))],
    ids=["spring-added", "spring-removed"],
)
def test_one_spring_changed_gives_exactly_two_new_poles(toy) -> None:
    ref, per = _toy(), toy()
    m = new_poles(ref, per)
    assert m.value == 2.0 and m.uncertainty == 0.0 and m.low == m.high == 2.0
    # the crystal poles survive (a rank-one change moves one eigenvalue per degenerate level)
    old = poles(per).values
    for lam in (0.0, 3.0, 6.0):
        assert np.min(np.abs(old - lam)) < 1e-9
    assert int(m.curve.is_new.sum()) == 2


def test_unchanged_network_has_no_new_poles() -> None:
    """Built to fail the 'two new poles' claim."""
    assert new_poles(_toy(), _toy()).value == 0.0


def test_local_poles_of_one_site_and_the_response_peaks() -> None:
    per = _toy(extra=(CENTRE, TOP_LEFT))
    p = poles(per, sites=[CENTRE])
    assert p.size >= 3 and np.all(p.weight.values > 1e-10)
    omega = np.sqrt(p.values[1:])  # the response of the centre peaks at each non-zero pole
    resp = local_response(per, omega, epsilon=1e-4).isel(site=CENTRE)
    off = local_response(per, omega * 1.05, epsilon=1e-4).isel(site=CENTRE)
    assert np.all(resp.values > 100 * off.values)


def test_local_response_needs_every_eigenvector() -> None:
    ds = _toy().isel(vector_mode=slice(0, 4))
    with pytest.raises(ValueError, match="full eigen-decomposition"):
        local_response(ds, [1.0], 0.1)
    with pytest.raises(ValueError, match="full eigen-decomposition"):
        local_response(_toy().drop_vars("eigenvector"), [1.0], 0.1)


def test_green_needs_one_sample_or_an_index() -> None:
    pos, i, j = square_lattice(3)
    ds = network_dataset([(pos, i, j, np.ones(i.size))] * 2, 3.0, eigenvectors=True)
    with pytest.raises(ValueError, match="pass sample=k"):
        poles(ds)
    np.testing.assert_allclose(poles(ds, sample=1).values, [0.0, 3.0, 6.0], atol=1e-10)
