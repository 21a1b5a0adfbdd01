"""Tests of the seed-002 spring networks and the shared eigen-solver helpers."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.linalg
import xarray as xr

from vdosbench.datasets import check, open_dataset, write
from vdosbench.generators import (
    SpringNetworkParams,
    build_spring_network,
    connected_component_count,
    default_vector_modes,
    full_spectrum,
    get_generator,
    laplacian_zero_modes,
    spring_hessian,
    spring_network_sample,
)
from vdosbench.generators.networks.spring_network import TIE_TOLERANCE

#: Absolute tolerance on eigenvalues of O(1)–O(10) matrices from dense LAPACK.
EIGENVALUE_ATOL = 1e-10
#: Residual tolerance |H v − λ v| for stored eigenvectors.
RESIDUAL_ATOL = 1e-9
#: Tolerance on row sums, symmetry and displacement lengths (rounding only).
ROUNDING_ATOL = 1e-12
#: Eigenvalues below this fraction of the largest count as numerically zero.
ZERO_FRACTION = 1e-9

CONNECTIVITIES = ("nearest", "cutoff")
SPRINGS = ("inverse_distance", "constant")
ALL_KINDS = list(itertools.product(CONNECTIVITIES, SPRINGS))
KIND_IDS = [f"{c}-{s}" for c, s in ALL_KINDS]


def _seed(n: int = 0) -> np.random.SeedSequence:
    return np.random.SeedSequence(20240917, spawn_key=(n,))


def _minimum_image(d: np.ndarray, box: float) -> np.ndarray:
    return d - box * np.round(d / box)


# ---------------------------------------------------------------------------
# the crystal, δ = 0
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("n_side", [8, 12], ids=["8x8", "12x12"])
@pytest.mark.parametrize(("connectivity", "spring"), ALL_KINDS, ids=KIND_IDS)
def test_crystal_matches_analytic_dispersion(n_side: int, connectivity: str, spring: str) -> None:
    # Analytic limit: at δ = 0 every spring joins lattice neighbours at r = a = 1,
    # so t = t0/r = 1 for both spring rules, and the cutoff rule (r < a + tol)
    # bonds exactly the lattice bonds.  The scalar dynamical matrix of the
    # periodic square lattice is diagonal in plane waves e^{ik·R}, with
    # λ(k) = Σ_bonds (1 − cos k·e) = 2(2 − cos k_x − cos k_y),  k = 2πn/L.
    ds = spring_network_sample(
        {"n_side": n_side, "delta": 0.0, "connectivity": connectivity, "spring": spring}, _seed(), 0
    )
    k = 2.0 * np.pi * np.arange(n_side) / n_side
    kx, ky = np.meshgrid(k, k)
    expected = np.sort((2.0 * (2.0 - np.cos(kx) - np.cos(ky))).ravel())
    np.testing.assert_allclose(ds.eigenvalue.values[0], expected, rtol=0, atol=EIGENVALUE_ATOL)
    assert int(ds.zero_mode.sum()) == 1
    assert np.all(ds.coordination.values == 4)
    assert int(ds.pair_count.values[0]) == 2 * n_side**2
    np.testing.assert_allclose(ds.pair_stiffness.values, 1.0, rtol=0, atol=ROUNDING_ATOL)


def test_tie_rule_needs_the_tolerance() -> None:
    # Without the tolerance the δ = 0 lattice bonds (r = a exactly) would fail
    # r < a + δ; the rule is r < a + δ + 1e-9 a.
    params = SpringNetworkParams(n_side=5, delta=0.0, connectivity="cutoff")
    assert params.cutoff == pytest.approx(1.0 + TIE_TOLERANCE, abs=0)
    net = build_spring_network(params, _seed())
    assert np.all(net.pair_distance < params.cutoff)
    assert np.all(net.pair_distance >= params.lattice_constant + params.delta - ROUNDING_ATOL)


# ---------------------------------------------------------------------------
# the dynamical matrix and the geometry
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("connectivity", "spring"), ALL_KINDS, ids=KIND_IDS)
def test_hessian_symmetric_with_zero_row_sums(connectivity: str, spring: str) -> None:
    net = build_spring_network(
        SpringNetworkParams(n_side=7, delta=0.3, connectivity=connectivity, spring=spring), _seed()
    )
    h = net.hessian().toarray()
    np.testing.assert_allclose(h, h.T, rtol=0, atol=0)
    np.testing.assert_allclose(h.sum(axis=1), 0.0, rtol=0, atol=ROUNDING_ATOL)
    np.testing.assert_array_equal(np.count_nonzero(h - np.diag(np.diag(h)), axis=1), net.coordination)
    assert np.all(h[np.triu_indices_from(h, 1)] <= 0)


@pytest.mark.parametrize("delta", [0.0, 0.1, 0.3, 0.45], ids=lambda d: f"delta={d}")
def test_every_node_displaced_by_exactly_delta(delta: float) -> None:
    params = SpringNetworkParams(n_side=6, delta=delta)
    net = build_spring_network(params, _seed())
    ix, iy = np.meshgrid(np.arange(6), np.arange(6), indexing="xy")
    sites = np.column_stack([ix.ravel(), iy.ravel()]).astype(float)
    moved = _minimum_image(net.positions - sites, params.box_length)
    np.testing.assert_allclose(np.hypot(moved[:, 0], moved[:, 1]), delta, rtol=0, atol=ROUNDING_ATOL)
    assert np.all((net.positions >= 0) & (net.positions < params.box_length))


@pytest.mark.parametrize("delta", [0.1, 0.3, 0.45], ids=lambda d: f"delta={d}")
def test_nearest_bonds_are_the_lattice_bonds(delta: float) -> None:
    n = 6
    params = SpringNetworkParams(n_side=n, delta=delta, connectivity="nearest")
    net = build_spring_network(params, _seed())
    assert np.all(net.coordination == 4)
    expected = set()
    for iy, ix in itertools.product(range(n), range(n)):
        s = iy * n + ix
        for t in (iy * n + (ix + 1) % n, ((iy + 1) % n) * n + ix):
            expected.add((min(s, t), max(s, t)))
    assert set(zip(net.pair_i.tolist(), net.pair_j.tolist())) == expected
    # for n_side ≥ 4 the bond length is the minimum-image distance
    d = _minimum_image(net.positions[net.pair_j] - net.positions[net.pair_i], params.box_length)
    np.testing.assert_allclose(net.pair_distance, np.hypot(d[:, 0], d[:, 1]), rtol=0, atol=ROUNDING_ATOL)


@pytest.mark.parametrize("delta", [0.05, 0.2, 0.3, 0.45], ids=lambda d: f"delta={d}")
def test_cutoff_bonds_against_brute_force(delta: float) -> None:
    params = SpringNetworkParams(n_side=7, delta=delta, connectivity="cutoff")
    net = build_spring_network(params, _seed(3))
    n = params.n_site
    i, j = np.triu_indices(n, 1)
    d = _minimum_image(net.positions[j] - net.positions[i], params.box_length)
    r = np.hypot(d[:, 0], d[:, 1])
    bonded = set(zip(net.pair_i.tolist(), net.pair_j.tolist()))
    mask = np.array([(a, b) in bonded for a, b in zip(i.tolist(), j.tolist())])
    assert mask.sum() == len(bonded)
    bound = params.lattice_constant + params.delta
    assert np.all(r[mask] < bound + params.tie_tolerance)
    assert np.all(r[~mask] >= bound)
    np.testing.assert_allclose(np.sort(net.pair_distance), np.sort(r[mask]), rtol=0, atol=ROUNDING_ATOL)


@pytest.mark.parametrize(("connectivity", "spring"), ALL_KINDS, ids=KIND_IDS)
def test_spring_constants_follow_the_rule(connectivity: str, spring: str) -> None:
    params = SpringNetworkParams(n_side=5, delta=0.3, connectivity=connectivity, spring=spring, t0=2.0)
    net = build_spring_network(params, _seed())
    expected = 2.0 / net.pair_distance if spring == "inverse_distance" else np.full(net.pair_distance.shape, 2.0)
    np.testing.assert_allclose(net.pair_stiffness, expected, rtol=1e-14, atol=0)


# ---------------------------------------------------------------------------
# zero modes
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("delta", [0.0, 0.15, 0.3, 0.45], ids=lambda d: f"delta={d}")
@pytest.mark.parametrize("connectivity", CONNECTIVITIES)
def test_zero_modes_match_connected_components(connectivity: str, delta: float) -> None:
    ds = spring_network_sample({"n_side": 6, "delta": delta, "connectivity": connectivity}, _seed(5), 0)
    lam = ds.eigenvalue.values[0]
    n_numerical_zero = int(np.sum(lam < ZERO_FRACTION * lam.max()))
    h = spring_hessian(36, ds.pair_i.values, ds.pair_j.values, ds.pair_stiffness.values)
    assert int(ds.zero_mode.sum()) == n_numerical_zero == connected_component_count(h)
    if connectivity == "nearest" or delta == 0.0:
        assert n_numerical_zero == 1


def test_zero_modes_of_a_disconnected_network() -> None:
    # two triangles, a dimer and an isolated node: 4 components → 4 zero modes
    i = np.array([0, 1, 0, 3, 4, 3, 6])
    j = np.array([1, 2, 2, 4, 5, 5, 7])
    h = spring_hessian(9, i, j, np.linspace(0.5, 2.0, i.size))
    lam, _ = full_spectrum(h)
    flags = laplacian_zero_modes(h)
    assert connected_component_count(h) == 4
    np.testing.assert_array_equal(flags, np.arange(9) < 4)
    np.testing.assert_allclose(lam[flags], 0.0, rtol=0, atol=EIGENVALUE_ATOL)
    assert np.all(lam[~flags] > 0.1)


# ---------------------------------------------------------------------------
# eigenvectors and the spectrum helper
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("vector_modes", [(), (40, 63)], ids=["low-window-subset", "wide-window-full"])
def test_stored_eigenvectors_are_normalised_eigenvectors(vector_modes: tuple[int, ...]) -> None:
    ds = spring_network_sample(
        {"n_side": 8, "delta": 0.3, "connectivity": "cutoff", "n_vectors": 6, "vector_modes": vector_modes}, _seed(), 0
    )
    expected_modes = [1, 2, 3, 4, 5, 6, *vector_modes]
    assert ds.vector_mode.values.tolist() == expected_modes
    h = spring_hessian(64, ds.pair_i.values, ds.pair_j.values, ds.pair_stiffness.values).toarray()
    vec = ds.eigenvector.values[0]
    lam = ds.eigenvalue.values[0][ds.vector_mode.values]
    np.testing.assert_allclose(np.sum(vec**2, axis=1), 1.0, rtol=0, atol=ROUNDING_ATOL)
    residual = h @ vec.T - vec.T * lam
    assert np.max(np.abs(residual)) < RESIDUAL_ATOL


def test_full_spectrum_against_numpy() -> None:
    rng = np.random.default_rng(11)
    a = rng.normal(size=(30, 30))
    sym = a + a.T
    lam, vec = full_spectrum(sym, [0, 29, 3])
    np.testing.assert_allclose(lam, np.linalg.eigvalsh(sym), rtol=0, atol=EIGENVALUE_ATOL)
    _, ref = scipy.linalg.eigh(sym)
    overlap = np.abs(np.sum(vec * ref[:, [0, 29, 3]], axis=0))
    np.testing.assert_allclose(overlap, 1.0, rtol=0, atol=RESIDUAL_ATOL)
    # fixed sign: the largest-magnitude entry of every vector is positive
    assert np.all(vec[np.argmax(np.abs(vec), axis=0), np.arange(3)] > 0)
    # the subset path (narrow window) agrees with the full path
    _, narrow = full_spectrum(sym, [2, 3])
    np.testing.assert_allclose(narrow[:, 1], vec[:, 2], rtol=0, atol=RESIDUAL_ATOL)


def test_default_vector_modes() -> None:
    assert default_vector_modes(10, 3).tolist() == [1, 2, 3]
    assert default_vector_modes(10, 20, extra=[0]).tolist() == list(range(10))
    with pytest.raises(ValueError, match=r"extra vector modes must lie in \[0, 10\)"):
        default_vector_modes(10, 3, extra=[10])


def test_full_spectrum_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="expected a square matrix"):
        full_spectrum(np.ones((2, 3)))
    with pytest.raises(ValueError, match="NaN or infinite"):
        full_spectrum(np.array([[np.inf, 0.0], [0.0, 1.0]]))
    with pytest.raises(ValueError, match=r"vector_modes must lie in \[0, 2\)"):
        full_spectrum(np.eye(2), [2])


# ---------------------------------------------------------------------------
# the dataset
# ---------------------------------------------------------------------------


def test_sample_follows_the_convention_and_round_trips(tmp_path) -> None:
    params = {"n_side": 6, "delta": 0.2, "connectivity": "cutoff", "spring": "constant", "n_vectors": 4}
    seed = np.random.SeedSequence(123, spawn_key=(2, 7))
    ds = spring_network_sample(params, seed, 7)
    check(ds)
    assert dict(ds.sizes) == {
        "sample": 1,
        "mode": 36,
        "vector_mode": 4,
        "spatial": 2,
        "site": 36,
        "pair": int(ds.pair_count.values[0]),
    }
    assert ds["sample"].values.tolist() == [7]
    assert ds.zero_mode.dtype == bool and ds.coordination.dtype.kind == "i"
    for name, value in params.items():
        assert ds.attrs[name] == value
    assert ds.attrs["generator"] == "spring_network"
    assert ds.attrs["root_seed"] == 123
    assert ds.attrs["seed_spawn_key"] == "(2, 7)"
    assert ds.attrs["tie_tolerance"] == pytest.approx(TIE_TOLERANCE, abs=0)
    assert "002_3eb2c22b0ce6c76a" in ds.attrs["references"]
    np.testing.assert_array_equal(
        ds.coordination.values[0],
        np.bincount(np.concatenate([ds.pair_i.values, ds.pair_j.values]), minlength=36),
    )
    back = open_dataset(write(ds, tmp_path / "part.nc"))
    xr.testing.assert_allclose(back, ds)
    assert back.zero_mode.dtype == bool
    for name in (*params, "root_seed", "seed_spawn_key", "generator_version", "vector_modes"):
        assert back.attrs[name] == ds.attrs[name]


def test_same_seed_same_output_different_samples_differ() -> None:
    params = {"n_side": 6, "delta": 0.3, "connectivity": "cutoff"}
    first = spring_network_sample(params, _seed(1), 0)
    again = spring_network_sample(params, _seed(1), 0)
    other = spring_network_sample(params, _seed(2), 1)
    xr.testing.assert_identical(first, again)
    assert not np.allclose(first.position.values, other.position.values)
    assert not np.allclose(first.eigenvalue.values, other.eigenvalue.values)


@pytest.mark.parametrize(
    ("params", "error", "match"),
    [
        ({"delta": 0.5}, ValueError, r"delta must satisfy 0 <= delta < lattice_constant/2"),
        ({"delta": -0.1}, ValueError, r"delta must satisfy"),
        ({"delta": "0.1"}, TypeError, r"delta must be a real number"),
        ({"connectivity": "knn"}, ValueError, r"unknown connectivity 'knn'; expected one of \('nearest', 'cutoff'\)"),
        ({"spring": "harmonic"}, ValueError, r"unknown spring 'harmonic'; expected one of"),
        ({"n_side": 2}, ValueError, r"n_side must be an integer ≥ 3, found 2"),
        ({"n_side": 4.0}, TypeError, r"n_side must be an integer"),
        ({"lattice_constant": 0.0}, ValueError, r"lattice_constant must be > 0"),
        ({"t0": -1.0}, ValueError, r"t0 must be > 0"),
        ({"n_vectors": -1}, ValueError, r"n_vectors must be an integer ≥ 0"),
        ({"n_side": 4, "vector_modes": (16,)}, ValueError, r"vector_modes must lie in \[0, 16\)"),
        ({"vector_modes": 3}, TypeError, r"vector_modes must be a sequence"),
        ({"n_sides": 4}, ValueError, r"unknown spring-network parameter\(s\) \['n_sides'\]; valid parameters are"),
    ],
    ids=[
        "delta-half-a",
        "delta-negative",
        "delta-string",
        "connectivity",
        "spring",
        "n_side-small",
        "n_side-float",
        "lattice-constant",
        "t0",
        "n_vectors",
        "vector-mode-range",
        "vector-modes-scalar",
        "unknown-key",
    ],
)
def test_bad_parameters_raise_clear_errors(params: dict, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        spring_network_sample(params, _seed(), 0)


def test_registered_generator_makes_samples() -> None:
    gen = get_generator("spring_network")
    assert gen.make_sample is spring_network_sample
    assert gen.grid_defaults["delta"] == (0.0, 0.1, 0.2, 0.3)
    assert set(gen.grid_defaults) <= set(gen.parameter_attrs)  # every parameter is declared, grid ones included
    merged = {
        **gen.fixed_defaults,
        "n_side": 5,
        "delta": np.float64(0.1),
        "connectivity": np.str_("cutoff"),
        "spring": "constant",
    }
    ds = gen.make_sample(merged, _seed(), 0)
    check(ds)
    assert ds.attrs["delta"] == 0.1 and ds.attrs["connectivity"] == "cutoff"


@pytest.mark.slow
def test_paper_size_sample_smoke() -> None:
    # seed 002, Fig. 2 right: 60 × 60, δ = 0.3, r < a + δ, t = 1/r
    ds = spring_network_sample({"delta": 0.3, "connectivity": "cutoff"}, _seed(), 0)
    check(ds)
    assert ds.sizes["mode"] == 3600 and ds.sizes["vector_mode"] == 20
    assert int(ds.zero_mode.sum()) == 1
    z = ds.coordination.values[0]
    # the coordination fluctuates around 4 (seed Fig. 3 left)
    assert z.min() < 4 < z.max()
    assert 3.5 < z.mean() < 5.0
