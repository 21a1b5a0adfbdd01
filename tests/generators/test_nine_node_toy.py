"""Tests of the nine-node Green's-function toy (seed 002, Fig. 4 right)."""

from __future__ import annotations

import numpy as np
import pytest

from vdosbench.datasets import check
from vdosbench.generators import local_response, nine_node_hessians, nine_node_toy
from vdosbench.generators.networks.nine_node_toy import CENTRE, DEFAULT_EPSILON, LEFT, TOP_LEFT, VARIANTS

#: Absolute tolerance on eigenvalues of the 9 × 9 matrices.
EIGENVALUE_ATOL = 1e-10
#: Relative tolerance of direct inversion against the spectral sum.
RESPONSE_RTOL = 1e-8
#: A local maximum of −Im G_ii counts as a peak above this height (m/t0).
#: A pole of weight w peaks at w/ε = 100 w, the tails of the others are ≲ ε/Δλ² ≈ 0.01.
PEAK_THRESHOLD = 1.0

LATTICE = np.array([0.0, 3, 3, 3, 3, 6, 6, 6, 6])
#: New eigenvalues from the rank-one secular equation.  With w = e_i − e_j and
#: c_k = |P_k w|² (P_k the projector on the lattice eigenspace λ_k):
#: added (centre–top-left, a diagonal): c_3 = 4/3, c_6 = 2/3 and
#: 1 = c_3/(μ−3) + c_6/(μ−6)  →  μ² − 11μ + 28 = 0  →  μ = 4, 7;
#: missing (centre–left, a lattice bond): c_3 = 2/3, c_6 = 4/3 and
#: 1 = c_3/(3−μ) + c_6/(6−μ)  →  μ² − 7μ + 10 = 0  →  μ = 2, 5.
NEW_POLES = {"added": (4.0, 7.0), "missing": (2.0, 5.0)}


def _peaks(curve: np.ndarray, omega: np.ndarray) -> np.ndarray:
    inner = (curve[1:-1] > curve[:-2]) & (curve[1:-1] > curve[2:]) & (curve[1:-1] > PEAK_THRESHOLD)
    return omega[1:-1][inner]


def test_hessians_and_coordination() -> None:
    h = nine_node_hessians()
    assert set(h) == set(VARIANTS)
    for m in h.values():
        np.testing.assert_array_equal(m, m.T)
        np.testing.assert_allclose(m.sum(axis=1), 0.0, rtol=0, atol=0)
    z = {v: np.diag(m).astype(int) for v, m in h.items()}
    assert np.all(z["lattice"] == 4)
    assert z["added"][CENTRE] == z["added"][TOP_LEFT] == 5
    assert z["missing"][CENTRE] == z["missing"][LEFT] == 3
    for v in ("added", "missing"):
        others = np.delete(z[v], [CENTRE, TOP_LEFT if v == "added" else LEFT])
        assert np.all(others == 4)


def test_lattice_spectrum_is_0_3_6() -> None:
    # the 3 × 3 torus is the product of two triangles (K3 Laplacian: 0, 3, 3);
    # product eigenvalues are sums: 0, 3 (×4), 6 (×4)
    lam = np.linalg.eigvalsh(nine_node_hessians()["lattice"])
    np.testing.assert_allclose(lam, LATTICE, rtol=0, atol=EIGENVALUE_ATOL)


@pytest.mark.parametrize("variant", ["added", "missing"])
def test_perturbation_moves_exactly_two_eigenvalues(variant: str) -> None:
    lam = np.linalg.eigvalsh(nine_node_hessians()[variant])
    old = np.isclose(lam[:, None], np.unique(LATTICE)[None, :], rtol=0, atol=EIGENVALUE_ATOL).any(axis=1)
    assert int((~old).sum()) == 2
    np.testing.assert_allclose(lam[~old], NEW_POLES[variant], rtol=0, atol=EIGENVALUE_ATOL)
    # one eigenvalue leaves each four-fold level; three stay
    for level in (3.0, 6.0):
        assert int(np.isclose(lam, level, atol=EIGENVALUE_ATOL).sum()) == 3


def test_dataset_follows_the_convention() -> None:
    ds = nine_node_toy()
    check(ds)
    assert ds.variant.values.tolist() == list(VARIANTS)
    assert dict(ds.sizes) == {
        "variant": 3,
        "sample": 1,
        "mode": 9,
        "vector_mode": 9,
        "site": 9,
        "spatial": 2,
        "pair": 54,
        "omega": 3000,
    }
    assert ds.local_response.dims == ("variant", "sample", "site", "omega")
    assert ds.pair_count.values[:, 0].tolist() == [18, 19, 17]
    assert ds.attrs["epsilon"] == DEFAULT_EPSILON
    assert ds.attrs["omega_count"] == 3000 and ds.attrs["omega_max"] == pytest.approx(3.0, abs=1e-12)
    np.testing.assert_allclose(ds.eigenvalue.sel(variant="lattice").values[0], LATTICE, rtol=0, atol=EIGENVALUE_ATOL)
    assert ds.zero_mode.values.sum(axis=-1).ravel().tolist() == [1, 1, 1]
    # stored eigenvectors: all nine modes, normalised, H v = λ v
    for variant, h in nine_node_hessians().items():
        vec = ds.eigenvector.sel(variant=variant).values[0]
        lam = ds.eigenvalue.sel(variant=variant).values[0]
        np.testing.assert_allclose(vec @ vec.T, np.eye(9), rtol=0, atol=EIGENVALUE_ATOL)
        np.testing.assert_allclose(h @ vec.T, vec.T * lam, rtol=0, atol=EIGENVALUE_ATOL)


@pytest.mark.parametrize("variant", VARIANTS)
def test_direct_inversion_equals_spectral_sum(variant: str) -> None:
    # brute force (the library inverts (ω² + iε)I − H) against the spectral sum
    # −Im G_ii = Σ_n |v_n(i)|² ε / ((ω² − λ_n)² + ε²)
    omega = np.linspace(0.01, 3.0, 701)
    eps = 0.03
    h = nine_node_hessians()[variant]
    lam, vec = np.linalg.eigh(h)
    spectral = (vec**2) @ (eps / ((omega[None, :] ** 2 - lam[:, None]) ** 2 + eps**2))
    np.testing.assert_allclose(local_response(h, omega, eps), spectral, rtol=RESPONSE_RTOL, atol=0)
    ds = nine_node_toy(omega, eps, variants=[variant])
    np.testing.assert_allclose(ds.local_response.values[0, 0], spectral, rtol=RESPONSE_RTOL, atol=0)
    assert ds.attrs["epsilon"] == eps


def test_lattice_has_two_peaks_at_every_site() -> None:
    # seed 002: "the square lattice has only two dynamical response peaks ... apart from zero"
    ds = nine_node_toy()
    omega = ds.omega.values
    step = omega[1] - omega[0]
    for curve in ds.local_response.sel(variant="lattice").values[0]:
        peaks = _peaks(curve, omega)
        np.testing.assert_allclose(peaks, np.sqrt([3.0, 6.0]), rtol=0, atol=step)


@pytest.mark.parametrize("variant", ["added", "missing"])
def test_perturbed_variants_have_two_additional_peaks(variant: str) -> None:
    ds = nine_node_toy()
    omega = ds.omega.values
    step = omega[1] - omega[0]
    found = np.unique(np.concatenate([_peaks(c, omega) for c in ds.local_response.sel(variant=variant).values[0]]))
    expected = np.sort(np.sqrt([3.0, 6.0, *NEW_POLES[variant]]))
    assert found.size == 4
    np.testing.assert_allclose(found, expected, rtol=0, atol=step)


@pytest.mark.parametrize("variant", ["added", "missing"])
def test_new_modes_involve_coordination_four_nodes(variant: str) -> None:
    # seed 002: nodes with coordination 4 "also contribute to the additional peaks"
    ds = nine_node_toy(variants=[variant])
    lam = ds.eigenvalue.values[0, 0]
    z = ds.coordination.values[0, 0]
    for pole in NEW_POLES[variant]:
        mode = int(np.argmin(np.abs(lam - pole)))
        weight = ds.eigenvector.values[0, 0, mode] ** 2
        assert np.sum(weight[z == 4] > 0.05) >= 4


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"epsilon": 0.0}, r"epsilon must be a finite number > 0"),
        ({"omega": [1.0, 0.5]}, r"omega must be a non-empty, strictly increasing"),
        ({"omega": []}, r"omega must be a non-empty"),
        (
            {"variants": ["lattice", "broken"]},
            r"variants must be distinct names from \('lattice', 'added', 'missing'\)",
        ),
        ({"variants": ["added", "added"]}, r"variants must be distinct names"),
    ],
    ids=["epsilon-zero", "omega-decreasing", "omega-empty", "unknown-variant", "repeated-variant"],
)
def test_bad_arguments_raise_clear_errors(kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        nine_node_toy(**kwargs)
