"""Non-additive soft spheres (issue 25 item 5): a_ij = (a_i + a_j)/2 · (1 − ε|a_i − a_j|), ε = 0.2.

Known answers: an independent NumPy φ (and an O(N²) all-pairs energy) written
from the formula of Ninarello, Berthier & Coslovich (PRX 7, 021039, 2017)
with seed 001's taper and cutoff; central differences of the energy
(gradient), of the gradient (Hessian) and of sheared-and-relaxed energies
(shear modulus); exact Boltzmann weights of a three-particle swap chain;
and, for ε = 0, values computed by the code before the option existed.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from pathlib import Path

import numpy as np
import pytest
import scipy.stats
from threadpoolctl import threadpool_limits

from vdosbench.benchmark.fingerprint import RESOLUTION
from vdosbench.generators import Configuration, polydisperse_configuration
from vdosbench.generators.glasses.elastic import shear_modulus
from vdosbench.generators import hessian_matrix, interacting_pairs
from vdosbench.generators.glasses.minimize import EnergyModel, fire_minimize, quench
from vdosbench.generators import MCSettings, run_swap_mc, total_energy
from vdosbench.generators.glasses import mc_sums, montecarlo
from vdosbench.generators.glasses.potentials import (
    INFINITE_ORDER,
    PairPotential,
    kob_andersen_potential,
    pair_size,
    soft_sphere_potential,
)
from vdosbench.generators.glasses.soft_spheres import A_MAX, A_MIN, GlassParams
from vdosbench.generators.glasses.stresses import contact_size
from strain_fd import second_derivative, strain_matrix

#: Ninarello, Berthier & Coslovich (2017): ε = 0.2.
EPS = 0.2
R_CUT = 1.955


# --------------------------------------------------------------------------- independent reference
def reference_pair_size(ai: np.ndarray, aj: np.ndarray, eps: float) -> np.ndarray:
    return 0.5 * (ai + aj) * (1.0 - eps * np.abs(ai - aj))


def reference_phi(r: np.ndarray, ai: np.ndarray, aj: np.ndarray, eps: float, order: int) -> np.ndarray:
    """φ = (a_ij/r_c)^12 [x^−12 − 1] T_m(x), x = r/r_c (seed 001 eqs. 14–17), zero for x ≥ 1."""
    a = reference_pair_size(np.asarray(ai, float), np.asarray(aj, float), eps)
    x = np.asarray(r, float) / R_CUT
    inside = x < 1.0
    xs = np.where(inside, x, 0.5)
    u = (a / R_CUT) ** 12 * (xs**-12 - 1.0)
    taper = np.exp(xs / (2.0 * (xs - 1.0))) if order == INFINITE_ORDER else (1.0 - xs * xs) ** order
    return np.where(inside, u * taper, 0.0)


def brute_energy(positions: np.ndarray, box: float, sizes: np.ndarray, eps: float, order: int) -> float:
    """V over all N(N−1)/2 pairs, minimum image, no neighbour list."""
    d = positions[:, None, :] - positions[None, :, :]
    d -= box * np.round(d / box)
    r = np.sqrt(np.einsum("ijk,ijk->ij", d, d))
    i, j = np.triu_indices(len(sizes), 1)
    return float(math.fsum(reference_phi(r[i, j], sizes[i], sizes[j], eps, order)))


def jittered_lattice(n_side: int, dim: int, rng: np.random.Generator) -> np.ndarray:
    grid = np.stack(np.meshgrid(*[np.arange(n_side, dtype=float)] * dim, indexing="ij"), -1).reshape(-1, dim)
    return np.mod(grid + 0.5 + rng.normal(0.0, 0.05, grid.shape), n_side)


def power_law_sizes(n: int, rng: np.random.Generator) -> np.ndarray:
    """Seed-001 diameters, P(a) ∝ a⁻³ on [0.73, 1.62], mean 1."""
    a = 1.0 / np.sqrt(A_MIN**-2 - rng.random(n) * (A_MIN**-2 - A_MAX**-2))
    return a / a.mean()


@pytest.fixture(autouse=True, scope="module")
def _one_blas_thread():
    with threadpool_limits(1):
        yield


# --------------------------------------------------------------------------- the pair size and φ
def test_pair_size_known_values_symmetry_and_additive_limit() -> None:
    assert pair_size(0.8, 1.2, 0.2) == pytest.approx(1.0 * (1 - 0.2 * 0.4), rel=1e-15)  # 0.92
    assert pair_size(1.1, 1.1, 0.2) == 1.1  # equal diameters: no correction
    rng = np.random.default_rng(0)
    a, b = rng.uniform(0.73, 1.62, 1000), rng.uniform(0.73, 1.62, 1000)
    pot0, pot = soft_sphere_potential(2), soft_sphere_potential(2, non_additivity=EPS)
    np.testing.assert_array_equal(pot0.pair_sizes(a, b), 0.5 * (a + b))  # ε = 0: the seed's a_ij, bit for bit
    np.testing.assert_allclose(pot.pair_sizes(a, b), reference_pair_size(a, b, EPS), rtol=1e-15)
    np.testing.assert_array_equal(pot.pair_sizes(a, b), pot.pair_sizes(b, a))
    assert np.all(pot.pair_sizes(a, b) <= 0.5 * (a + b))


@pytest.mark.parametrize("order", [2, 3, INFINITE_ORDER], ids=["m2", "m3", "minf"])
def test_phi_and_its_derivatives_match_the_independent_formula(order: int) -> None:
    pot = soft_sphere_potential(order, non_additivity=EPS)
    r = np.linspace(0.6, 2.1, 1501)
    for ai, aj in [(0.73, 1.62), (1.0, 1.3), (1.2, 1.2)]:
        phi, dphi, d2phi = pot.evaluate(r, ai, aj)
        np.testing.assert_allclose(phi, reference_phi(r, ai, aj, EPS, order), rtol=1e-12, atol=1e-300)
        h = 1e-5
        inner = r < R_CUT - 2 * h
        fd1 = (reference_phi(r + h, ai, aj, EPS, order) - reference_phi(r - h, ai, aj, EPS, order)) / (2 * h)
        fd2 = (
            reference_phi(r + h, ai, aj, EPS, order)
            - 2 * reference_phi(r, ai, aj, EPS, order)
            + reference_phi(r - h, ai, aj, EPS, order)
        ) / h**2
        np.testing.assert_allclose(dphi[inner], fd1[inner], rtol=1e-6, atol=1e-9 * np.abs(dphi).max())
        np.testing.assert_allclose(d2phi[inner], fd2[inner], rtol=1e-4, atol=1e-5 * np.abs(d2phi).max())
        # the non-additive pair is softer-sized than the additive one wherever the diameters differ
        if ai != aj:
            phi0, _, _ = soft_sphere_potential(order).evaluate(r, ai, aj)
            assert np.all(phi[r < 1.9] < phi0[r < 1.9])


@pytest.mark.parametrize("order", [2, INFINITE_ORDER], ids=["m2", "minf"])
def test_monte_carlo_pair_energy_is_the_non_additive_phi(order: int) -> None:
    pot = soft_sphere_potential(order, non_additivity=EPS)
    tables = montecarlo._tables(pot)
    r = np.linspace(0.7, 2.0, 201)
    for ai, aj in [(0.73, 1.62), (0.9, 1.4)]:
        got = [mc_sums._pair_energy(x * x, ai, aj, 0, 0, pot.kind, pot.exponent, pot.taper_order, tables) for x in r]
        np.testing.assert_allclose(got, reference_phi(r, ai, aj, EPS, order), rtol=1e-12, atol=1e-300)


# --------------------------------------------------------------------------- Monte Carlo
@pytest.mark.parametrize(
    ("dim", "n_side", "order"),
    [(3, 8, 2), (3, 6, INFINITE_ORDER), (2, 16, 2)],
    ids=["3d-m2", "3d-minf", "2d-m2"],
)
def test_monte_carlo_running_energy_equals_the_brute_force_non_additive_energy(
    dim: int, n_side: int, order: int
) -> None:
    """After many displacements and swaps (p_swap = 0.3), Σ accepted ΔE equals the O(N²) energy of the end state."""
    rng = np.random.default_rng(25)
    positions = jittered_lattice(n_side, dim, rng)
    n = positions.shape[0]
    sizes = power_law_sizes(n, rng)
    box = float(n_side)
    pot = soft_sphere_potential(order, non_additivity=EPS)
    settings = MCSettings(temperature=0.4, n_sweeps=60, p_swap=0.3, record_every=20)
    result = run_swap_mc(positions, box, sizes, np.zeros(n, int), pot, settings, rng)
    assert result.acceptance_swap > 0.01 and result.acceptance_displacement > 0.05
    assert result.energy_trace[0] * n == pytest.approx(brute_energy(positions, box, sizes, EPS, order), rel=1e-12)
    end = brute_energy(result.positions, box, result.sizes, EPS, order)
    assert result.energy_trace[-1] * n == pytest.approx(end, rel=1e-9)
    # the additive energy of the same end state differs: the test can tell the two models apart
    assert abs(brute_energy(result.positions, box, result.sizes, 0.0, order) - end) > 1e-3 * abs(end)
    np.testing.assert_array_equal(np.sort(result.sizes), np.sort(sizes))


def _three_particle_classes(pot: PairPotential) -> tuple[np.ndarray, np.ndarray, list[tuple[float, ...]]]:
    """Energies of the 6 assignments of (0.73, 1.0, 1.62) to two close sites and one isolated site."""
    positions = np.array([[1.0, 1.0], [2.1, 1.0], [4.0, 4.0]])
    assignments = sorted(set(itertools.permutations((0.73, 1.0, 1.62))))
    energies = np.array([total_energy(positions, 6.0, np.array(a), np.zeros(3, int), pot) for a in assignments])
    return positions, energies, assignments


def test_swap_prefilter_is_off_for_non_additive_sizes_so_swaps_sample_exact_boltzmann_weights() -> None:
    """Three particles, swaps only: the energy classes against exp(−V/T).

    The size-ratio pre-rejection bound of additive swaps assumes a_ij ∝ a_i + a_j.  Here the swap of the
    1.0 particle beside a 0.73 one with the isolated 1.62 raises the energy by ΔE = 0.085, while the additive
    bound would claim ΔE ≥ 0.158 (the 0.73 neighbour's non-additive factor shrinks the new a_ij): with the
    bound wrongly applied, that swap is refused for −T ln u in (0.085, 0.158) and the chain under-samples
    the middle class (measured: counts 6826, 3059, 115 and p = 3e-68 with the bound forced on).
    """
    pot = soft_sphere_potential(2, non_additivity=EPS)
    temperature = 0.2
    positions, energies, assignments = _three_particle_classes(pot)
    levels = np.unique(np.round(energies, 9))
    assert levels.size == 3  # energy depends on the pair of diameters on the close sites only
    # the case the additive bound gets wrong: 1.0 → 1.62 next to 0.73 (a_ij ratio vs the bound's)
    true_ratio = pair_size(1.62, 0.73, EPS) / pair_size(1.0, 0.73, EPS)
    bound_ratio = (1.62 + 1.62) / (1.0 + 1.62)
    assert true_ratio < bound_ratio
    classes = np.searchsorted(levels, np.round(energies, 9))
    exact = np.bincount(classes, weights=np.exp(-energies / temperature), minlength=3)
    rng = np.random.default_rng(3)
    settings = MCSettings(temperature=temperature, n_sweeps=60_000, p_swap=1.0, record_every=6)
    start = np.array(assignments[0])
    result = run_swap_mc(positions, 6.0, start, np.zeros(3, int), pot, settings, rng)
    sampled = result.energy_trace[1:] * 3
    nearest = np.argmin(np.abs(sampled[:, None] - levels[None, :]), axis=1)
    assert np.max(np.abs(sampled - levels[nearest])) < 1e-9
    counts = np.bincount(nearest, minlength=3)
    expected = exact / exact.sum() * counts.sum()
    assert expected.min() > 50
    p_right = float(scipy.stats.chisquare(counts, expected).pvalue)
    assert p_right > 1e-3, f"swaps of non-additive spheres do not sample exp(−V/T): p = {p_right:.2e}, {counts}"
    wrong = np.bincount(classes, weights=np.exp(-energies / (2 * temperature)), minlength=3)
    p_wrong = float(scipy.stats.chisquare(counts, wrong / wrong.sum() * counts.sum()).pvalue)
    assert p_wrong < 1e-8, f"the chi-square test cannot tell T from 2 T (p = {p_wrong:.2e})"


# --------------------------------------------------------------------------- minimiser, Hessian, moduli
def _start(pot: PairPotential, d: int, n: int, seed: int = 0) -> Configuration:
    c = polydisperse_configuration(n, d, np.random.default_rng(seed))
    x, *_ = fire_minimize(EnergyModel(c, pot), c.positions, 10.0, 10_000)
    return c.with_positions(x)


@pytest.mark.parametrize(
    ("order", "d", "n"), [(2, 3, 100), (INFINITE_ORDER, 3, 100), (3, 2, 64)], ids=["m2-3d-fast", "minf-3d", "m3-2d"]
)
def test_minimiser_energy_and_gradient_are_those_of_the_non_additive_model(order: int, d: int, n: int) -> None:
    """V equals the brute-force energy; ∂V/∂r equals central differences (m = 2, d = 3: the T2 fast kernel)."""
    pot = soft_sphere_potential(order, non_additivity=EPS)
    c = _start(pot, d, n)
    model = EnergyModel(c, pot)
    assert model._t2_fast == (order == 2 and d == 3)
    energy, grad = model.energy_gradient(c.positions)
    assert energy == pytest.approx(brute_energy(c.positions, c.box_length, c.sizes, EPS, order), rel=1e-12)
    h = 1e-6
    fd = np.empty(c.positions.size)
    for k in range(c.positions.size):
        plus, minus = c.positions.copy().ravel(), c.positions.copy().ravel()
        plus[k] += h
        minus[k] -= h
        fd[k] = (model.energy(plus) - model.energy(minus)) / (2 * h)
    np.testing.assert_allclose(grad.ravel(), fd, rtol=0, atol=1e-6 * np.abs(grad).max())


@pytest.mark.parametrize(("order", "d", "n"), [(2, 3, 100), (INFINITE_ORDER, 2, 64)], ids=["m2-3d", "minf-2d"])
def test_analytic_hessian_matches_central_differences_of_the_gradient(order: int, d: int, n: int) -> None:
    pot = soft_sphere_potential(order, non_additivity=EPS)
    c = _start(pot, d, n, seed=3)
    model = EnergyModel(c, pot)
    h_analytic = hessian_matrix(c, pot).toarray()
    step = 1e-6
    x0 = c.positions.ravel()
    fd = np.empty_like(h_analytic)
    for k in range(x0.size):
        plus, minus = x0.copy(), x0.copy()
        plus[k] += step
        minus[k] -= step
        fd[:, k] = (model.energy_gradient(plus)[1].ravel() - model.energy_gradient(minus)[1].ravel()) / (2 * step)
    np.testing.assert_allclose(h_analytic, fd, rtol=0, atol=1e-6 * np.abs(h_analytic).max())
    # the additive model's Hessian at the same positions is a different matrix
    assert (
        np.abs(hessian_matrix(c, soft_sphere_potential(order)).toarray() - h_analytic).max()
        > 1e-2 * np.abs(h_analytic).max()
    )
    # the preconditioner's diagonal blocks come from the same pair terms
    blocks = model.hessian_diagonal(c.positions)
    expected = np.array([h_analytic[d * i : d * i + d, d * i : d * i + d] for i in range(n)])
    np.testing.assert_allclose(blocks, expected, rtol=0, atol=1e-10 * np.abs(expected).max())


@pytest.fixture(scope="module")
def nonadditive_glass() -> tuple[Configuration, PairPotential]:
    pot = soft_sphere_potential(2, non_additivity=EPS)
    return quench(polydisperse_configuration(128, 3, np.random.default_rng(4)), pot).config, pot


def test_shear_modulus_matches_finite_differences_of_sheared_and_relaxed_energy(nonadditive_glass) -> None:
    config, pot = nonadditive_glass
    g = shear_modulus(config, pot)
    pairs = interacting_pairs(config, pot)
    for k, (a, b) in enumerate(g.directions[:2]):
        strain = strain_matrix(3, a, b)
        np.testing.assert_allclose(g.born[k], second_derivative(config, pot, pairs, 1e-4, strain, False), rtol=1e-4)
        np.testing.assert_allclose(
            g.per_direction[k], second_derivative(config, pot, pairs, 1e-4, strain, True), rtol=1e-4
        )


def test_contact_size_of_stresses_and_coordination_is_the_non_additive_pair_size(nonadditive_glass) -> None:
    config, pot = nonadditive_glass
    i, j = np.array([0, 1, 2, 5]), np.array([3, 4, 7, 9])
    np.testing.assert_allclose(
        contact_size(config, pot, i, j), reference_pair_size(config.sizes[i], config.sizes[j], EPS), rtol=1e-15
    )


# --------------------------------------------------------------------------- validation
@pytest.mark.parametrize(
    ("value", "error", "match"),
    [
        (-0.1, ValueError, r"0 <= ε < 1/\(a_max - a_min\)"),
        (1.2, ValueError, r"found 1.2"),
        (float("nan"), ValueError, "found nan"),
        ("0.2", TypeError, "must be a number"),
        (True, TypeError, "must be a number"),
    ],
)
def test_bad_non_additivity_is_refused_with_the_allowed_range(value: object, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        GlassParams(n_particles=128, non_additivity=value)


def test_non_additivity_is_for_soft_spheres_and_positive_pair_sizes_only() -> None:
    with pytest.raises(ValueError, match="soft spheres only"):
        GlassParams(
            n_particles=200, potential="lennard_jones", parent_temperature=0.45, density=1.2, non_additivity=0.2
        )
    with pytest.raises(ValueError, match="soft spheres only"):
        dataclasses.replace(kob_andersen_potential(), non_additivity=0.1)
    with pytest.raises(ValueError, match="finite ε ≥ 0"):
        soft_sphere_potential(2, non_additivity=-1.0)
    pot = soft_sphere_potential(2, non_additivity=0.9)  # allowed for narrow diameters, refused for these:
    wide = Configuration(
        jittered_lattice(5, 3, np.random.default_rng(0)), 5.0, np.linspace(0.5, 1.8, 125), np.zeros(125, int)
    )
    for build in (
        lambda: EnergyModel(wide, pot),
        lambda: run_swap_mc(wide.positions, 5.0, wide.sizes, wide.species, pot, MCSettings(0.5, 1), None),
    ):
        with pytest.raises(ValueError, match=r"expected ε < 1/\(a_max − a_min\) = 0.769231"):
            build()


# --------------------------------------------------------------------------- ε = 0 is the seed's model
#: fsum-exact values of a 200-sweep swap MC at T = 0.3 (N = 125, seed 31) and of the minimiser and the
#: Hessian's pair terms at its end, computed by the code *before* the non-additivity option existed
#: (main at 1983200).  The three spellings of ε = 0 agree with each other bit for bit (one machine); with these
#: stored values by value, to the fingerprint's resolution √ε (another numpy/numba/libm may differ in the last
#: bits, issue 53; a 1-ulp change flips an accept/reject only with probability ~1e-16, so the chain is the same).
BEFORE = {
    2: [
        "0x1.23a363a5aaef9p+4",
        "0x1.d3cd4a16f6cd6p+9",
        "0x1.e40a3290520fbp+12",
        "0x1.94a59836fd026p-3",
        "0x1.b07e1c019676ap+7",
        "0x1.1403ff415353ep+11",
        "0x1.b07e1c019676cp+7",
        "-0x1.65fac8745de35p+11",
        "0x1.38e4fae5b04bdp+15",
    ],
    INFINITE_ORDER: [
        "0x1.3e494aa3614d1p+4",
        "0x1.d517b86fc2381p+9",
        "0x1.dfa05d5b332d2p+12",
        "0x1.87a264d8ce19fp-3",
        "0x1.df018dcccbc33p+7",
        "0x1.2dee24811a4ebp+11",
        "0x1.df018dcccbc2dp+7",
        "-0x1.7f577f511897fp+11",
        "0x1.42c42aa9bb63dp+15",
    ],
}


@pytest.mark.parametrize("order", [2, INFINITE_ORDER], ids=["m2", "minf"])
def test_zero_non_additivity_reproduces_the_additive_code_bit_for_bit(order: int) -> None:
    def fsum_hex(x: np.ndarray) -> str:
        return math.fsum(np.asarray(x, float).ravel()).hex()

    results = []
    for pot in (
        soft_sphere_potential(order),
        soft_sphere_potential(order, non_additivity=0.0),
        GlassParams(n_particles=125, taper_order=order).pair_potential,
    ):
        rng = np.random.default_rng(31)
        pos = jittered_lattice(5, 3, rng)
        a = power_law_sizes(125, rng)
        res = run_swap_mc(
            pos,
            5.0,
            a,
            np.zeros(125, int),
            pot,
            MCSettings(temperature=0.3, n_sweeps=200, p_swap=0.2, record_every=50),
            rng,
        )
        c = Configuration(res.positions, 5.0, res.sizes, np.zeros(125, int))
        e, g = EnergyModel(c, pot).energy_gradient(res.positions)
        p = interacting_pairs(c, pot)
        got = [
            fsum_hex(res.energy_trace),
            fsum_hex(res.positions),
            fsum_hex(res.sizes * np.arange(125)),
            res.acceptance_swap.hex(),
            float(e).hex(),
            fsum_hex(np.abs(g)),
            fsum_hex(p.phi),
            fsum_hex(p.dphi),
            fsum_hex(p.d2phi),
        ]
        results.append(got)
    assert results[1] == results[0] and results[2] == results[0]  # the same code path, bit for bit
    assert [float.fromhex(h) for h in results[0]] == pytest.approx(
        [float.fromhex(h) for h in BEFORE[order]], rel=RESOLUTION, abs=0
    )


# --------------------------------------------------------------------------- datasets and the command line
def test_generators_declare_the_parameter_and_datasets_record_it(tmp_path: Path) -> None:
    from vdosbench.cli import main
    from vdosbench.benchmark.data_model import dataset_potential
    from vdosbench.datasets import open_dataset
    from vdosbench.generators import get_generator

    for name in ("soft_spheres", "soft_spheres_equilibrated", "soft_spheres_lowest"):
        declared = {p.name: p for p in get_generator(name).parameters}
        assert declared["non_additivity"].default == 0.0, name
    out = tmp_path / "na"
    assert (
        main(
            [
                "generate",
                "--recipe",
                "soft_spheres_nonadditive_n1000_small",
                "--grid",
                "taper_order=2",
                "--samples",
                "1",
                "--workers",
                "1",
                "--no-progress",
                "--output",
                str(out),
            ]
        )
        == 0
    )
    ds = open_dataset(out / "ensemble.nc")
    assert ds.attrs["non_additivity"] == pytest.approx(EPS)
    point = ds.isel({name: 0 for name in ds.attrs["parameter_names"].split()}).isel(sample=0)
    # the stored glass is a minimum of the non-additive energy, not of the additive one
    c = Configuration(
        point["position"].values, float(point["box_length"]), point["diameter"].values, np.zeros(128, int)
    )
    _, grad = EnergyModel(c, soft_sphere_potential(2, non_additivity=EPS)).energy_gradient(c.positions)
    _, grad_additive = EnergyModel(c, soft_sphere_potential(2)).energy_gradient(c.positions)
    assert np.abs(grad).max() <= float(ds.attrs["force_tolerance"]) < 1e-3 < np.abs(grad_additive).max()
    # the benchmark rebuilds the same model from the dataset: its Hessian has the stored spectrum
    pot = dataset_potential(point)
    assert pot.non_additivity == pytest.approx(EPS)
    rebuilt = np.linalg.eigvalsh(hessian_matrix(c, pot).toarray())
    np.testing.assert_allclose(rebuilt[3:], point["eigenvalue"].values[3:], rtol=1e-8)
