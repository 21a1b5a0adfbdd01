"""Certified mode counts by Sylvester's law of inertia (issue 67 item 3): against brute-force eigenvalues, on a
glass Hessian, and on a solver made to miss a mode."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse
import scipy.sparse.linalg

from vdosbench.validators import certify_lowest_modes, count_below


def _random_symmetric(n: int, seed: int) -> scipy.sparse.csc_matrix:
    """A sparse symmetric indefinite matrix (about 1 % filled, diagonal shifted by half its row sums)."""
    a = scipy.sparse.random(n, n, density=0.01, random_state=seed)
    a = a + a.T
    return (a + scipy.sparse.diags(0.5 * np.asarray(abs(a).sum(axis=1)).ravel())).tocsc()


@pytest.mark.parametrize("method", ["dense", "sparse"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_count_is_the_brute_force_count(method: str, seed: int) -> None:
    a = _random_symmetric(300, seed)
    w = np.linalg.eigvalsh(a.toarray())  # brute force: every eigenvalue
    for k in (0, 7, 150, 299):
        sigma = 0.5 * (w[k] + w[k + 1]) if k + 1 < w.size else w[-1] + 1.0
        assert count_below(a, sigma, method) == int(np.sum(w < sigma)), (method, seed, k)
    assert count_below(a, w[0] - 1.0, method) == 0


def test_a_glass_hessian_counts_its_translations_and_its_soft_modes() -> None:
    from vdosbench.generators import fcc_crystal
    from vdosbench.generators import hessian_matrix
    from vdosbench.generators import soft_sphere_potential

    # a crystal's Hessian: 3 translations at exactly 0, then the phonon shells; brute force against both counts
    h = hessian_matrix(fcc_crystal(3), soft_sphere_potential(2))
    w = np.linalg.eigvalsh(h.toarray())
    gaps = np.flatnonzero(np.diff(w) > 1e-6 * w[-1])[:4]  # shifts between distinct (degenerate) levels
    for g in gaps:
        sigma = 0.5 * (w[g] + w[g + 1])
        assert count_below(h, sigma, "sparse") == count_below(h, sigma, "dense") == g + 1
    assert count_below(h, 0.5 * w[3], "dense") == 3  # the d translations only


def test_a_solver_made_to_miss_a_mode_is_caught() -> None:
    a = _random_symmetric(400, 5)
    shift = float(abs(a).sum(axis=1).max())  # make it positive definite: a Hessian-like spectrum
    a = (a + shift * scipy.sparse.identity(400, format="csc")).tocsc()
    lam = np.sort(scipy.sparse.linalg.eigsh(a, k=12, sigma=0.0, which="LM", return_eigenvectors=False))
    ok = certify_lowest_modes(a, lam)
    assert ok.certified and ok.count == 11 and ok.method == "sparse"
    skipped = np.delete(lam, 4)  # the solver "missed" the fifth mode
    bad = certify_lowest_modes(a, skipped)
    assert not bad.certified and bad.missed == 1
    assert certify_lowest_modes(a.toarray(), skipped).missed == 1  # the dense factorisation agrees


def test_errors_say_what_to_do() -> None:
    with pytest.raises(ValueError, match="not symmetric"):
        count_below(np.array([[1.0, 2.0], [0.0, 1.0]]), 0.5)
    with pytest.raises(ValueError, match="expected a square"):
        count_below(np.ones((2, 3)), 0.5)
    with pytest.raises(ValueError, match="degenerate; pass a sigma"):
        certify_lowest_modes(np.diag([0.0, 1.0, 1.0, 2.0]), np.array([0.0, 1.0, 1.0]))
    with pytest.raises(ValueError, match="unknown method 'lu'"):
        count_below(np.eye(2), 0.5, "lu")  # type: ignore[arg-type]
