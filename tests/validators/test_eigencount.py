"""The stochastic Chebyshev eigencount (issue 67 item 3): against exact counts, and on a solver made to miss a mode.

- known spectra in random 2 x 2 rotations (a sparse matrix whose probes do scatter): the estimate lies within
  its error bar of the exact count, and the error bar is of the size of the estimate's scatter over seeds;
- the certificate from the returned eigenvalues: no detection when nothing was missed, a detection when one was;
- scipy's LOBPCG made to miss a mode (its start block orthogonal to a decoupled soft mode, which the iteration
  then never sees): both Sylvester's exact inertia count and the stochastic count catch it;
- bad input is refused with what was expected.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse
import scipy.sparse.linalg

from vdosbench.validators.spectral.eigencount import (
    certify_by_eigencount,
    gershgorin_bounds,
    stochastic_count_below,
)
from vdosbench.validators import certify_lowest_modes, count_below

#: Standard errors within which an estimate must meet the exact count (two-sided, about 1 in 10^4 by chance).
Z_TEST = 4.0


def _rotated(eigenvalues: np.ndarray, seed: int) -> scipy.sparse.csr_matrix:
    """Block diagonal of random 2 x 2 rotations of eigenvalue pairs: spectrum exactly ``eigenvalues``."""
    rng = np.random.default_rng(seed)
    lam = rng.permutation(eigenvalues)
    blocks = []
    for k in range(lam.size // 2):
        c, s = np.cos(t := rng.uniform(0, np.pi)), np.sin(t)
        r = np.array([[c, -s], [s, c]])
        blocks.append(r @ np.diag(lam[2 * k : 2 * k + 2]) @ r.T)
    return scipy.sparse.block_diag(blocks).tocsr()


SPECTRUM = np.sort(np.concatenate([[0.5], np.linspace(1.0, 9.0, 199)]))


def test_the_construction_has_the_spectrum() -> None:
    np.testing.assert_allclose(np.linalg.eigvalsh(_rotated(SPECTRUM, 0).toarray()), SPECTRUM, atol=1e-12)


@pytest.mark.parametrize("sigma", [0.75, 2.02, 5.51], ids=["one-below", "gap-at-2", "middle"])
def test_the_estimate_meets_the_exact_count_within_its_error_bar(sigma: float) -> None:
    a = _rotated(SPECTRUM, 1)
    exact = count_below(a, sigma, method="dense")
    c = stochastic_count_below(a, sigma, degree=3000, n_vectors=200, seed=2)
    assert abs(c.estimate - exact) < Z_TEST * c.standard_error + 0.05
    assert c.standard_error > 0  # the rotations make the probes scatter


def test_the_error_bar_is_the_scatter_over_seeds() -> None:
    a = _rotated(SPECTRUM, 3)
    runs = [stochastic_count_below(a, 2.02, degree=1500, n_vectors=40, seed=s) for s in range(12)]
    spread = np.std([r.estimate for r in runs], ddof=1)
    typical = np.mean([r.standard_error for r in runs])
    assert 0.4 < spread / typical < 2.5  # 12 draws of a standard deviation: a loose band, not a tuned one


def test_the_certificate_detects_a_missed_mode_and_only_then() -> None:
    a = _rotated(SPECTRUM, 4)
    full = certify_by_eigencount(a, SPECTRUM[:6], n_vectors=256, seed=5)
    missed = certify_by_eigencount(a, SPECTRUM[1:7], n_vectors=256, seed=5)  # the solver skipped 0.5
    assert not full.missed_detected and missed.missed_detected
    assert abs(full.unaccounted) < Z_TEST * full.standard_error + full.tail_allowance
    assert abs(missed.unaccounted - 1.0) < Z_TEST * missed.standard_error + missed.tail_allowance
    assert full.note == ""


def _lobpcg_made_to_miss() -> tuple[scipy.sparse.csr_matrix, np.ndarray, np.ndarray]:
    """A 1D elastic chain (n = 60, free ends: λ_k = 2 − 2 cos(πk/60), λ₁ = 0.0027, λ₂ = 0.011) plus one decoupled
    site of stiffness 0.005 between them; LOBPCG started with a block that is zero on that site never leaves the
    chain's subspace."""
    n = 60
    main = np.full(n, 2.0)
    main[[0, -1]] = 1.0
    chain = scipy.sparse.diags([main, -np.ones(n - 1), -np.ones(n - 1)], [0, 1, -1])
    a = scipy.sparse.block_diag([chain, scipy.sparse.csr_matrix([[5e-3]])]).tocsr()
    x0 = np.random.default_rng(6).standard_normal((n + 1, 6))
    x0[-1] = 0.0
    found, vectors = scipy.sparse.linalg.lobpcg(a, x0, largest=False, tol=1e-10, maxiter=2000)
    order = np.argsort(found)
    return a, found[order], vectors[:, order], np.linalg.eigvalsh(a.toarray())


def test_a_solver_made_to_miss_a_mode_is_caught_by_both_counts() -> None:
    a, found, vectors, exact = _lobpcg_made_to_miss()
    np.testing.assert_allclose(found, np.delete(exact, 2)[:6], atol=1e-7)  # it returned the chain's modes only
    assert np.isclose(exact[2], 5e-3) and not np.any(np.isclose(found, 5e-3, atol=1e-9))
    exact_certificate = certify_lowest_modes(a, found, method="sparse")
    assert exact_certificate.missed == 1 and not exact_certificate.certified
    for stochastic in (
        certify_by_eigencount(a, found, n_vectors=600, seed=7),  # eigenvalues alone: many probes
        certify_by_eigencount(a, found, eigenvectors=vectors, n_vectors=40, seed=7),
    ):  # deflated
        assert stochastic.missed_detected
        assert abs(stochastic.unaccounted - 1.0) < Z_TEST * stochastic.standard_error + stochastic.tail_allowance
    # given every mode, neither count objects
    w, v = np.linalg.eigh(a.toarray())
    assert certify_lowest_modes(a, w[:7], method="sparse").certified
    assert not certify_by_eigencount(a, w[:7], n_vectors=600, seed=7).missed_detected
    assert not certify_by_eigencount(a, w[:7], eigenvectors=v[:, :7], n_vectors=40, seed=7).missed_detected


def test_gershgorin_bounds_enclose_the_spectrum() -> None:
    a = _rotated(SPECTRUM, 8)
    lo, hi = gershgorin_bounds(a)
    assert lo <= SPECTRUM[0] and SPECTRUM[-1] <= hi


def test_bad_input_is_refused() -> None:
    a = _rotated(SPECTRUM, 9)
    with pytest.raises(ValueError, match="outside the spectral bounds"):
        stochastic_count_below(a, 1e3)
    with pytest.raises(ValueError, match="n_vectors >= 2"):
        stochastic_count_below(a, 2.0, n_vectors=1)
    with pytest.raises(ValueError, match="square"):
        stochastic_count_below(np.ones((3, 4)), 0.5)
    with pytest.raises(ValueError, match="coincide"):
        certify_by_eigencount(a, np.array([1.0, 1.0]))
    with pytest.raises(ValueError, match="at least 2"):
        certify_by_eigencount(a, np.array([1.0]))
