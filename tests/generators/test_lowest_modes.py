"""Lowest non-zero modes without factorisation (Chebyshev-filtered subspace iteration, LOBPCG, ARPACK) vs dense eigh."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator

import numpy as np
import pytest
import scipy.linalg
import scipy.sparse
from threadpoolctl import threadpool_limits
from vdosbench.generators import polydisperse_configuration
from vdosbench.generators import hessian_matrix
from vdosbench.generators.glasses.lowest_modes import LowestModes, lowest_modes
from vdosbench.generators import quench
from vdosbench.generators import soft_sphere_potential
from vdosbench.generators.spectra import translation_modes

N_GLASS = 300
K = 12


@pytest.fixture(autouse=True, scope="module")
def _one_blas_thread() -> Iterator[None]:
    with threadpool_limits(1):
        yield


@pytest.fixture(scope="module")
def glass() -> tuple[scipy.sparse.csr_matrix, np.ndarray]:
    """A quenched soft-sphere glass (m = 2, d = 3) of 300 particles: Hessian and all eigenvalues."""
    pot = soft_sphere_potential(2)
    q = quench(polydisperse_configuration(N_GLASS, 3, np.random.default_rng(7)), pot)
    h = hessian_matrix(q.config, pot)
    return h, scipy.linalg.eigh(h.toarray(), eigvals_only=True)


def test_chebyshev_matches_dense_eigh(glass: tuple[scipy.sparse.csr_matrix, np.ndarray]) -> None:
    h, lam = glass
    assert lam[3] > 1e-6 and np.all(np.abs(lam[:3]) < 1e-9)  # a stable glass: 3 translations, then λ > 0
    out = lowest_modes(h, K, translation_modes(N_GLASS, 3), tol=1e-10)
    assert isinstance(out, LowestModes) and out.converged and out.method == "chebyshev"
    np.testing.assert_allclose(out.eigenvalues, lam[3 : 3 + K], rtol=1e-9)
    assert out.spectral_bound >= lam[-1]
    # residuals as reported, orthonormal vectors orthogonal to the translations
    vec = out.eigenvectors
    res = np.linalg.norm(h @ vec - vec * out.eigenvalues, axis=0)
    np.testing.assert_allclose(res, out.residuals, rtol=1e-6, atol=1e-12)
    assert res.max() <= 1e-10 * out.spectral_bound
    np.testing.assert_allclose(vec.T @ vec, np.eye(K), atol=1e-10)
    assert np.abs(translation_modes(N_GLASS, 3).T @ vec).max() < 1e-10
    # sign convention of spectra.full_spectrum: the largest-magnitude entry is positive
    assert np.all(vec[np.argmax(np.abs(vec), axis=0), np.arange(K)] > 0)
    assert out.block_products > 0 and out.iterations > 0


def test_lobpcg_matches_dense_eigh(glass: tuple[scipy.sparse.csr_matrix, np.ndarray]) -> None:
    h, lam = glass
    out = lowest_modes(h, 4, translation_modes(N_GLASS, 3), method="lobpcg", tol=1e-7, max_iterations=400)
    np.testing.assert_allclose(out.eigenvalues, lam[3:7], rtol=1e-7)
    assert out.converged


def test_arpack_matches_dense_eigh_and_chebyshev(glass: tuple[scipy.sparse.csr_matrix, np.ndarray]) -> None:
    """The lifted-subspace Lanczos: the same modes as dense eigh and as Chebyshev (eigenvalues to 1e-9, vectors
    up to sign), orthogonal to the translations, residuals as reported and within tol."""
    h, lam = glass
    out = lowest_modes(h, K, translation_modes(N_GLASS, 3), method="arpack", tol=1e-10)
    assert out.converged and out.method == "arpack"
    np.testing.assert_allclose(out.eigenvalues, lam[3 : 3 + K], rtol=1e-9)
    vec = out.eigenvectors
    res = np.linalg.norm(h @ vec - vec * out.eigenvalues, axis=0)
    np.testing.assert_allclose(res, out.residuals, rtol=1e-6, atol=1e-12)
    assert res.max() <= 1e-10 * out.spectral_bound
    assert np.abs(translation_modes(N_GLASS, 3).T @ vec).max() < 1e-10
    cheb = lowest_modes(h, K, translation_modes(N_GLASS, 3), tol=1e-10)
    gap = np.diff(lam[3 : 4 + K]).min()
    if gap > 1e-6:  # non-degenerate: each vector is the same up to sign
        np.testing.assert_allclose(np.abs(np.sum(vec * cheb.eigenvectors, axis=0)), 1.0, atol=1e-6)


def test_reproducible_and_without_exclusion() -> None:
    ring = scipy.sparse.diags([-np.ones(59), 2 * np.ones(60), -np.ones(59)], [-1, 0, 1]).tolil()
    ring[0, 59] = ring[59, 0] = -1.0
    exact = np.sort(2 - 2 * np.cos(2 * np.pi * np.arange(60) / 60))
    a = lowest_modes(ring.tocsr(), 5, buffer=8, tol=1e-11)
    b = lowest_modes(ring.tocsr(), 5, buffer=8, tol=1e-11)
    np.testing.assert_allclose(a.eigenvalues, exact[:5], atol=1e-10)  # the zero mode is found when not excluded
    np.testing.assert_array_equal(a.eigenvalues, b.eigenvalues)


def test_invalid_arguments() -> None:
    h = scipy.sparse.identity(20, format="csr")
    with pytest.raises(ValueError, match="method"):
        lowest_modes(h, 2, method="arnoldi")
    with pytest.raises(ValueError, match="backend"):
        lowest_modes(h, 2, backend="torch")
    with pytest.raises(ValueError, match="k \\+ buffer"):
        lowest_modes(h, 15)
    with pytest.raises(ValueError, match="tol"):
        lowest_modes(h, 2, buffer=2, tol=0.0)


@pytest.mark.skipif(importlib.util.find_spec("cupy") is not None, reason="CuPy is installed here")
def test_cupy_backend_missing_names_the_install() -> None:
    with pytest.raises(ImportError, match="pip install cupy"):
        lowest_modes(scipy.sparse.identity(20, format="csr"), 2, buffer=2, backend="cupy")
