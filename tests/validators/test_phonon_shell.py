"""The lowest transverse plane-wave shell: crystal (exact), random vectors (orthogonal), vortices vs waves."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from vdosbench.generators import fcc_crystal
from vdosbench.generators import hessian_matrix
from vdosbench.generators import soft_sphere_potential
from vdosbench.validators import phonon_shell, plane_wave_shell, plane_wave_weights


def _dataset(lam: np.ndarray, modes: np.ndarray, vectors: np.ndarray, x: np.ndarray, box: float) -> xr.Dataset:
    """A one-sample VDOS-1.0 dataset of a vector model with the given eigenpairs."""
    n, d = x.shape
    u1 = {"units": "1"}
    return xr.Dataset(
        {
            "eigenvalue": (("sample", "mode"), lam[None], {"long_name": "omega^2", **u1}),
            "zero_mode": (("sample", "mode"), (lam < 1e-9 * lam.max())[None], {"long_name": "zero mode", **u1}),
            "eigenvector": (("sample", "vector_mode", "site", "spatial"), vectors[None], {"long_name": "e", **u1}),
            "position": (("sample", "site", "spatial"), x[None], {"long_name": "x", **u1}),
            "box_length": (("sample",), [box], {"long_name": "L", **u1}),
        },
        coords={
            "sample": ("sample", [0], u1),
            "mode": ("mode", np.arange(lam.size), u1),
            "vector_mode": ("vector_mode", modes, u1),
            "spatial": ("spatial", list("xyz"[:d]), u1),
        },
        attrs={"Conventions": "CF-1.10 VDOS-1.0", "spatial_dimension": d, "site_degrees_of_freedom": d},
    )


def test_shell_basis_size_and_orthonormality_in_2d_and_3d() -> None:
    rng = np.random.default_rng(0)
    for d, n_waves in ((2, 4), (3, 12)):
        q = plane_wave_shell(rng.random((300, d)) * 7.0, 7.0)
        assert q.shape == (n_waves, 300, d)
        assert np.allclose(np.einsum("aij,bij->ab", q, q), np.eye(n_waves), atol=1e-12)
        # transverse: the polarisation is perpendicular to the wave vector of each (unmixed) field
        assert np.allclose(plane_wave_weights(q, q), 1.0)


def test_fcc_crystal_shell_is_an_exact_degenerate_eigenspace() -> None:
    """FCC (256 sites): the 12 transverse [100] waves at k = 2π/L are exact, degenerate eigenvectors,
    so every stored mode of that shell has weight 1, the captured share is 1 and ω₀ is their frequency."""
    c = fcc_crystal(4)
    h = hessian_matrix(c, soft_sphere_potential(2)).toarray()
    lam, vec = np.linalg.eigh(h)
    x = c.positions
    q = plane_wave_shell(x, c.box_length)
    omega2 = float(np.einsum("ij,jk,ik->", q[0].reshape(1, -1), h, q[0].reshape(1, -1)))
    shell = np.flatnonzero(np.abs(lam - omega2) < 1e-9 * omega2)
    assert shell.size == 12
    modes = np.arange(3, shell.max() + 1)
    vectors = vec[:, modes].T.reshape(len(modes), *x.shape)
    ds = _dataset(lam, modes, vectors, x, c.box_length)
    res = phonon_shell(ds, radius=1.2, n_bootstrap=10, n_superpositions=4)
    w = res.per_mode["plane_wave_weight"].values[0]
    assert np.allclose(w[np.isin(modes, shell)], 1.0, atol=1e-9)
    assert np.allclose(w[~np.isin(modes, shell)], 0.0, atol=1e-9)
    assert res.captured.value == pytest.approx(1.0, abs=1e-9)
    assert res.omega0.value == pytest.approx(np.sqrt(omega2), rel=1e-12)
    # the <110> shell below ω₀ (12 modes) is orthogonal to the [100] shell
    assert res.n_below.value == 12 and res.plane_wave_weight_below.value == pytest.approx(0.0, abs=1e-9)


def test_random_modes_are_almost_orthogonal_to_the_shell() -> None:
    """Random unit vectors in 3N dimensions: E[W] = 12/(3N)."""
    rng = np.random.default_rng(1)
    n = 400
    x = rng.random((n, 3)) * 7.37
    e = rng.normal(size=(2000, n, 3))
    w = plane_wave_weights(e, plane_wave_shell(x, 7.37))
    assert w.mean() == pytest.approx(12 / (3 * n), rel=0.1)


def _vortex(x: np.ndarray, box: float, centre: np.ndarray, width: float) -> np.ndarray:
    """A 2D Gaussian vortex u = ẑ × (r − r₀) exp(−|r − r₀|²/2w²) (minimum image)."""
    r = x - centre
    r -= box * np.round(r / box)
    f = np.exp(-np.sum(r**2, axis=1) / (2 * width**2))
    return np.column_stack([-r[:, 1] * f, r[:, 0] * f])


@pytest.mark.parametrize("kind", ["vortex", "noise"])
def test_core_curl_excess_separates_vortices_from_noise(kind: str) -> None:
    """Modes below ω₀ that are vortices (Gaussian width 3, core radius 1.5 inside their rigid core) have
    more core rotation than superpositions of the shell's waves (excess > 0); white-noise modes have
    less (built to fail)."""
    rng = np.random.default_rng(2)
    box, n, samples = 16.0, 256, 4
    parts = []
    for s in range(samples):
        x = rng.random((n, 2)) * box
        q = plane_wave_shell(x, box)
        below = [
            _vortex(x, box, rng.random(2) * box, 3.0) if kind == "vortex" else rng.normal(size=(n, 2)) for _ in range(3)
        ]
        vectors = np.concatenate([np.array(below), q])  # 3 modes below, then the shell itself
        vectors /= np.linalg.norm(vectors, axis=(1, 2), keepdims=True)
        lam = np.concatenate([[0.0, 0.0], [0.1, 0.2, 0.3], np.full(4, 1.0), np.linspace(2, 3, 2 * n - 9)])
        parts.append(_dataset(lam, np.arange(2, 9), vectors, x, box).assign_coords(sample=[s]))
    ds = xr.concat(parts, dim="sample")
    res = phonon_shell(ds, radius=2.5, core_radius=1.5, n_bootstrap=200, n_superpositions=6)
    assert res.n_below.value == 3
    if kind == "vortex":  # a broad vortex is mostly long-wavelength: shell weight ≈ 0.6 pulls ω₀ down
        assert res.core_curl_excess.low > 0
        assert 0.4 < res.plane_wave_weight_below.value < 0.8 and 0.7 < res.omega0.value < 0.95
    else:
        assert res.core_curl_excess.high < 0
        assert res.omega0.value == pytest.approx(1.0, rel=0.01)


def test_missing_vectors_and_uncaptured_shell_are_explained() -> None:
    rng = np.random.default_rng(3)
    x = rng.random((64, 2)) * 8.0
    lam = np.linspace(0, 2, 128)
    vectors = rng.normal(size=(2, 64, 2))
    ds = _dataset(lam, np.array([5, 6]), vectors / np.linalg.norm(vectors, axis=(1, 2), keepdims=True), x, 8.0)
    with pytest.raises(ValueError, match="n_vectors"):
        phonon_shell(ds, radius=2.5)
    with pytest.raises(ValueError, match="'eigenvector'"):
        phonon_shell(ds.drop_vars("eigenvector"), radius=2.5)
    with pytest.raises(ValueError, match="neighbours"):
        phonon_shell(ds)


def _narrow_vortices() -> xr.Dataset:
    """Three narrow vortices (width 2) below a plane-wave shell, N = 256 in a 16 × 16 box."""
    rng = np.random.default_rng(4)
    box, n = 16.0, 256
    x = rng.random((n, 2)) * box
    below = np.array([_vortex(x, box, rng.random(2) * box, 2.0) for _ in range(3)])
    vectors = np.concatenate([below, plane_wave_shell(x, box)])
    vectors /= np.linalg.norm(vectors, axis=(1, 2), keepdims=True)
    lam = np.concatenate([[0.0, 0.0], [0.1, 0.2, 0.3], np.full(4, 1.0), np.linspace(2, 3, 2 * n - 9)])
    return _dataset(lam, np.arange(2, 9), vectors, x, box)


def test_core_curl_depends_on_the_core_radius_against_the_vortex_width() -> None:
    """The stated scale dependence: a narrow vortex (width 2) measured with a core radius of 4 mixes
    in its strain ring and loses to wave superpositions, although it is a vortex."""
    ds = _narrow_vortices()
    narrow = phonon_shell(ds, radius=2.5, core_radius=1.0, n_bootstrap=10, n_superpositions=6)
    wide = phonon_shell(ds, radius=2.5, core_radius=4.0, n_bootstrap=10, n_superpositions=6)
    assert narrow.core_curl_below.value > 0.9 > 0.6 > wide.core_curl_below.value


def test_core_radius_in_neighbour_distances() -> None:
    """``core_neighbours`` scales the default core radius (k median neighbour distances): the same narrow vortex
    (width 2) is rotation-dominated at a small core and not at a large one, as with explicit radii."""
    ds = _narrow_vortices()
    small = phonon_shell(ds, radius=1.0, core_neighbours=1.5, n_bootstrap=10, n_superpositions=6)
    large = phonon_shell(ds, radius=1.0, core_neighbours=6.0, n_bootstrap=10, n_superpositions=6)
    assert small.settings["core_radius"] == "1.5 median neighbour distances"
    assert small.core_curl_below.value > large.core_curl_below.value
    default = phonon_shell(ds, radius=1.0, n_bootstrap=10, n_superpositions=6)
    same = phonon_shell(ds, radius=1.0, core_neighbours=2.0, n_bootstrap=10, n_superpositions=6)
    assert default.core_curl_below.value == same.core_curl_below.value
    with pytest.raises(ValueError, match="core_neighbours is 0"):
        phonon_shell(ds, radius=1.0, core_neighbours=0)
