"""Curl content of plane waves, vortices and rigid rotations; the core locator; the participation ratio.

Reference values (derived in ``vdosbench.validators.levels.vorticity``): a longitudinal
plane wave has a symmetric gradient (C = 0), a transverse one |η|² = |G|²/2 at
every site (C = 1/2), and over a periodic box every field has
C = ½(1 − D), D = Σ(∇·u)²/Σ|∇u|², so a divergence-free vortex gives 1/2 too;
only its core is rotation-dominated.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
import xarray as xr
from scipy.integrate import quad

from vdosbench.datasets import check, mock_spectrum
from vdosbench.validators import (
    CURL_CONTENT_REFERENCE,
    field_vorticity,
    measure_participation_ratio,
    neighbor_pairs,
    participation_ratio,
    participation_ratio_values,
    vorticity,
)

EXACT = 1e-12  # lattice cases: symmetric neighbour shells make the fit exact in direction
L_RANDOM = 40.0  # random points at density 1 in a periodic square
RADIUS = 1.6  # neighbour radius for random points (~8 neighbours)
FIT_RADIUS = {1: RADIUS, 2: 2.0}  # a second-order fit has 5 unknowns in 2D: ~12 neighbours keep it well posed
WAVE_TOL = {1: 0.005, 2: 0.001}  # random points, k ≤ √5·2π/40: the first-order fit errs at O((k b)^2)
MC_TOL = 0.05  # whole-box sums over ~1600 random points are Monte Carlo integrals
CORE_TOL = 0.3  # core position on random points at unit density (mean spacing 1)


def square_lattice(n: int, d: int = 2) -> np.ndarray:
    grids = np.meshgrid(*[np.arange(n, dtype=float)] * d, indexing="ij")
    return np.column_stack([g.ravel() for g in grids])


def random_points(n: int, box: float, seed: int, d: int = 2) -> np.ndarray:
    return np.random.default_rng(seed).random((n, d)) * box


def plane_wave(x: np.ndarray, kvec: np.ndarray, pol: np.ndarray) -> np.ndarray:
    return np.sin(x @ kvec)[:, None] * pol[None, :]


def gaussian_vortex(x: np.ndarray, r0: np.ndarray, ell: float, box: float) -> np.ndarray:
    """u = ẑ × (r − r₀) exp(−ρ²/2ℓ²), minimum image (ℓ ≪ box, so it is smooth across the boundary)."""
    rel = x - r0
    rel -= box * np.round(rel / box)
    f = np.exp(-np.sum(rel**2, axis=1) / (2 * ell**2))
    return np.column_stack([-rel[:, 1], rel[:, 0]]) * f[:, None]


@pytest.mark.parametrize("d", [2, 3], ids=["square", "cubic"])
def test_lattice_plane_waves_are_exact(d: int) -> None:
    n = 16 if d == 2 else 8
    x = square_lattice(n, d)
    k = np.zeros(d)
    k[0] = 2 * np.pi / n
    e_long = np.eye(d)[0]
    e_trans = np.eye(d)[1]
    long = field_vorticity(plane_wave(x, k, e_long), x, float(n), radius=1.1)
    trans = field_vorticity(plane_wave(x, k, e_trans), x, float(n), radius=1.1)
    assert long.curl_content == pytest.approx(CURL_CONTENT_REFERENCE["longitudinal_plane_wave"], abs=EXACT)
    assert trans.curl_content == pytest.approx(CURL_CONTENT_REFERENCE["transverse_plane_wave"], abs=EXACT)
    assert long.valid.all() and trans.valid.all()


@pytest.mark.parametrize("order", [1, 2], ids=["first_order", "second_order"])
@pytest.mark.parametrize("direction", [(1.0, 0.0), (1.0, 1.0), (1.0, 2.0)], ids=["x", "diagonal", "skew"])
def test_random_point_plane_waves(order: int, direction: tuple[float, float]) -> None:
    x = random_points(1600, L_RANDOM, seed=1)
    n = np.array(direction)
    kvec = 2 * np.pi / L_RANDOM * n  # a reciprocal-lattice vector of the periodic box
    khat = n / np.linalg.norm(n)
    that = np.array([-khat[1], khat[0]])
    long = field_vorticity(plane_wave(x, kvec, khat), x, L_RANDOM, radius=FIT_RADIUS[order], order=order)
    trans = field_vorticity(plane_wave(x, kvec, that), x, L_RANDOM, radius=FIT_RADIUS[order], order=order)
    assert long.curl_content == pytest.approx(0.0, abs=WAVE_TOL[order])
    assert trans.curl_content == pytest.approx(0.5, abs=WAVE_TOL[order])
    # a plane-wave gradient is rank one (polarisation ⊗ w), so |η|² = ½(|G|² − (tr G)²) holds site by site
    assert trans.curl_content == pytest.approx(0.5 * (1 - trans.divergence_share), abs=EXACT)
    # plane waves are extended: the rotation is spread like sin² (participation 2/3)
    assert trans.vorticity_participation == pytest.approx(2 / 3, abs=0.05)


def test_periodic_identity_for_a_generic_field() -> None:
    """∫|η|² = ½(∫|G|² − ∫(∇·u)²) for any smooth periodic field (integration by parts)."""
    n = 48
    x = square_lattice(n) * 0.5  # spacing 0.5, box 24
    box = 24.0
    rng = np.random.default_rng(3)
    u = np.zeros_like(x)
    for _ in range(6):
        kvec = 2 * np.pi / box * rng.integers(-2, 3, size=2)
        if not kvec.any():
            continue
        u += np.cos(x @ kvec + rng.uniform(0, 2 * np.pi))[:, None] * rng.normal(size=2)[None, :]
    res = field_vorticity(u, x, box, radius=0.75, order=2)  # 8 neighbours: nearest and diagonal
    assert res.curl_content == pytest.approx(0.5 * (1 - res.divergence_share), abs=1e-3)
    assert 0.0 < res.curl_content < 0.5  # a generic field has both divergence and curl


def core_content(q_c: float) -> float:
    """Analytic curl content of the Gaussian vortex inside ρ² < q_c ℓ² (area element ∝ dq, q = ρ²/ℓ²)."""
    rot = quad(lambda q: 2 * np.exp(-q) * (1 - q / 2) ** 2, 0, q_c)[0]
    strain = quad(lambda q: np.exp(-q) * q**2 / 2, 0, q_c)[0]
    return rot / (rot + strain)


def test_gaussian_vortex_whole_box_is_half_core_is_rotation() -> None:
    r0 = np.array([13.3, 22.7])
    ell = 5.0
    x = random_points(6400, L_RANDOM, seed=2)
    res = field_vorticity(gaussian_vortex(x, r0, ell, L_RANDOM), x, L_RANDOM, radius=0.9, core_radius=ell / 2)
    # whole box: divergence-free, so C = 1/2 exactly in the continuum (and D ≈ 0)
    assert core_content(np.inf) == pytest.approx(0.5, abs=1e-10)
    assert res.curl_content == pytest.approx(0.5, abs=MC_TOL)
    assert res.divergence_share == pytest.approx(0.0, abs=0.01)
    # the core (ρ < ℓ/2, q_c = 1/4) is rotation-dominated: analytic 0.9957
    assert res.core_curl_content == pytest.approx(core_content(0.25), abs=0.01)
    assert res.core_curl_content > 0.98
    # the locator finds r0 (both the |η|² centroid and the centre of circulation)
    assert np.linalg.norm(res.core_position - r0) < CORE_TOL
    assert np.linalg.norm(res.circulation_centre - r0) < CORE_TOL / 3
    # rotation concentrated in the core: far smaller participation than a plane wave's 2/3
    assert res.vorticity_participation < 0.1


def test_rigid_rotation_core_is_pure_rotation() -> None:
    """A rigid core u = Ω ẑ × (r − r₀) for ρ < R₁, decaying as exp(−(ρ − R₁)²/2w²) outside (periodic).

    Inside the core the field is affine, so the local fit is exact for every
    site whose neighbours lie within R₁: local share 1, and the centre of
    circulation is r₀ to rounding.  The decay is gentle enough that
    |f + ρf′/2| < 1 outside, so the largest |η|² sits in the core.
    """
    x = square_lattice(30) * 0.8
    box, r0, r1, w = 24.0, np.array([12.1, 11.7]), 3.0, 1.5
    rel = x - r0
    rel -= box * np.round(rel / box)
    rho = np.linalg.norm(rel, axis=1)
    f = np.where(rho < r1, 1.0, np.exp(-((rho - r1) ** 2) / (2 * w**2)))
    u = 0.01 * np.column_stack([-rel[:, 1], rel[:, 0]]) * f[:, None]
    res = field_vorticity(u, x, box, radius=1.0, core_radius=r1 - 1.0)
    assert res.core_curl_content == pytest.approx(CURL_CONTENT_REFERENCE["rigid_rotation"], abs=EXACT)
    assert np.linalg.norm(res.circulation_centre - r0) < 1e-8
    # |η|² is flat over the rigid core, so the |η|² centroid is only located within the plateau
    assert np.linalg.norm(res.core_position - r0) < r1
    assert res.curl_content < 0.5 + MC_TOL  # whole box: still about 1/2 (divergence-free)


def vector_dataset(
    fields: np.ndarray, x: np.ndarray, box: float, pairs: tuple[np.ndarray, np.ndarray] | None
) -> xr.Dataset:
    """2D vector-model dataset: fields (sample, vector_mode, site, 2), normalised per mode."""
    n_sample, n_vec, n_site, d = fields.shape
    ev = fields / np.linalg.norm(fields, axis=(2, 3), keepdims=True)
    n_pair = 0 if pairs is None else pairs[0].size
    ds = mock_spectrum(n_sample=n_sample, n_mode=n_vec + 1, n_site=n_site, spatial_dimension=d, pairs_per_sample=n_pair)
    ds = ds.assign_attrs(site_degrees_of_freedom=d)
    positions = np.broadcast_to(x, (n_sample, n_site, d)).copy()
    ds["position"] = (("sample", "site", "spatial"), positions, {"long_name": "position", "units": "1"})
    ds["box_length"] = ("sample", np.full(n_sample, box), {"long_name": "box edge", "units": "1"})
    stored = np.arange(1, n_vec + 1)
    ds = ds.assign_coords(vector_mode=("vector_mode", stored, {"long_name": "mode index", "units": "1"}))
    ds["eigenvector"] = (("sample", "vector_mode", "site", "spatial"), ev, {"long_name": "eigenvector", "units": "1"})
    if pairs is not None:
        ds["pair_i"] = ("pair", np.tile(pairs[0], n_sample), {"long_name": "first site", "units": "1"})
        ds["pair_j"] = ("pair", np.tile(pairs[1], n_sample), {"long_name": "second site", "units": "1"})
        ds = ds.drop_vars("pair_distance")
    check(ds)
    return ds


def test_dataset_vorticity_pairs_and_radius_agree() -> None:
    x = random_points(900, 30.0, seed=4)
    k = 2 * np.pi / 30.0
    fields = np.stack(
        [
            plane_wave(x, np.array([k, 0.0]), np.array([1.0, 0.0])),
            plane_wave(x, np.array([k, 0.0]), np.array([0.0, 1.0])),
            gaussian_vortex(x, np.array([10.0, 12.0]), 4.0, 30.0),
        ]
    )
    fields = np.stack([fields, fields[:, :, ::-1] * [1, -1]])  # a second sample: x and y swapped (still waves)
    pairs = neighbor_pairs(x, 30.0, RADIUS)
    by_pairs = vorticity(vector_dataset(fields, x, 30.0, pairs), n_bootstrap=20)
    by_radius = vorticity(vector_dataset(fields, x, 30.0, None), radius=RADIUS, n_bootstrap=20)
    xr.testing.assert_allclose(by_pairs.per_mode["curl_content"], by_radius.per_mode["curl_content"])
    c = by_pairs.per_mode["curl_content"].values
    assert c[0, 0] == pytest.approx(0.0, abs=0.01)
    assert c[0, 1] == pytest.approx(0.5, abs=0.01)
    assert c[0, 2] == pytest.approx(0.5, abs=MC_TOL)
    assert by_pairs.per_mode["core_curl_content"].values[0, 2] > 0.95
    assert by_pairs.curl_content.value == pytest.approx(np.mean(c), rel=1e-12)
    assert by_pairs.settings["neighbours"].startswith("stored pairs")
    assert by_radius.settings["neighbours"].startswith("all sites within radius")
    assert by_pairs.per_mode["curl_content"].dims == ("sample", "vector_mode")
    fig, ax = plt.subplots()
    by_pairs.plot(ax)
    assert ax.get_lines()
    plt.close(fig)


@pytest.mark.parametrize(
    ("edit", "match"),
    [
        (lambda ds: ds.drop_vars("position"), "vorticity needs 'position'"),
        (lambda ds: ds.assign(eigenvector=ds["eigenvector"].isel(spatial=0, drop=True)), "has no curl"),
        (lambda ds: ds, "needs neighbours"),
    ],
    ids=["no_position", "scalar_eigenvector", "no_neighbours"],
)
def test_dataset_errors_are_explained(edit, match: str) -> None:
    x = random_points(100, 10.0, seed=0)
    fields = np.random.default_rng(0).normal(size=(1, 1, 100, 2))
    ds = edit(vector_dataset(fields, x, 10.0, None))
    with pytest.raises(ValueError, match=match):
        vorticity(ds, n_bootstrap=5)


# ----------------------------------------------------------------------------- participation ratio
def test_participation_limits() -> None:
    n = 400
    one = np.zeros((n, 3))
    one[17] = [0.0, 1.0, 0.0]
    assert float(participation_ratio_values(one, vector=True)) == pytest.approx(1 / n, rel=1e-12)
    assert float(participation_ratio_values(np.full(n, 0.05), vector=False)) == pytest.approx(1.0, rel=1e-12)
    # seed 003 eq. 1 with a normalised ψ: e = 1/(N Σ (ψ·ψ)²)
    psi = np.random.default_rng(0).normal(size=(n, 2))
    psi /= np.linalg.norm(psi)
    direct = 1.0 / (n * np.sum(np.sum(psi**2, axis=1) ** 2))
    assert float(participation_ratio_values(psi, vector=True)) == pytest.approx(direct, rel=1e-12)


@pytest.mark.parametrize("points", ["lattice", "random"], ids=["lattice", "random_points"])
def test_participation_of_a_plane_wave_is_two_thirds(points: str) -> None:
    """⟨cos²⟩²/⟨cos⁴⟩ = (1/2)²/(3/8) = 2/3: exact on a lattice, to O(N^-1/2) on random points."""
    n = 64
    x = square_lattice(n) if points == "lattice" else random_points(n * n, float(n), seed=5)
    u = np.cos(2 * np.pi / n * 3 * x[:, 0])
    tol = 1e-12 if points == "lattice" else 0.03
    assert float(participation_ratio_values(u, vector=False)) == pytest.approx(2 / 3, abs=tol)


def test_participation_ratio_of_a_dataset_and_dask() -> None:
    x = random_points(400, 20.0, seed=6)
    loc = np.zeros((400, 2))
    loc[:5] = 1.0
    ext = plane_wave(x, np.array([2 * np.pi / 20.0, 0.0]), np.array([0.0, 1.0]))
    fields = np.stack([np.stack([loc, ext])] * 3)
    ds = vector_dataset(fields, x, 20.0, None)
    e = participation_ratio(ds)
    assert e.dims == ("sample", "vector_mode")
    np.testing.assert_allclose(e.values[:, 0], 5 / 400, rtol=1e-12)
    assert np.all(e.values[:, 1] > 0.5)
    lazy = participation_ratio(ds.chunk({"sample": 1}))
    assert lazy.chunks is not None
    xr.testing.assert_allclose(lazy.compute(), e)
    m = measure_participation_ratio(ds, n_bootstrap=20)
    assert m.value == pytest.approx(float(e.mean()), rel=1e-12)
    assert "omega" in m.curve


def test_participation_ratio_errors() -> None:
    with pytest.raises(ValueError, match="needs 'eigenvector'"):
        participation_ratio(mock_spectrum())
    with pytest.raises(TypeError, match="expected an xarray.Dataset or DataArray"):
        participation_ratio(np.ones((3, 3)))  # type: ignore[arg-type]
