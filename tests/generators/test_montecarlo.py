"""Swap Monte Carlo: detailed balance against exact Boltzmann weights, energy book-keeping, reproducibility.

Statistical tests use a fixed seed, a stated significance level and, for
each, a case built to fail (the same samples compared with the Boltzmann
weights of twice the temperature).
"""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest
import scipy.stats

from vdosbench.generators.glasses import mc_sums, montecarlo, neighbors, verlet_lists
from vdosbench.generators.glasses.montecarlo import MCSettings, _tables, run_swap_mc, total_energy
from vdosbench.generators import (
    INFINITE_ORDER,
    PairPotential,
    kob_andersen_potential,
    soft_sphere_potential,
)

#: Significance of the chi-square tests: the sampler passes when p > ALPHA.
ALPHA = 1e-3
#: The wrong-temperature comparison must fail with p below this.
ALPHA_FAIL = 1e-8
#: The case built to fail compares the samples with exp(−V / (WRONG_FACTOR T)).
WRONG_FACTOR = 2.0
#: Energies below this (in modulus) form the "zero" class; T_∞ makes φ tiny but
#: not zero just inside r_c, so the exact weights use the same rule.
ZERO_ENERGY = 1e-9
#: Sum of accepted ΔE against the energy recomputed from scratch.
ENERGY_RTOL = 1e-9


# --------------------------------------------------------------------------- builders
def jittered_lattice(n_side: int, dim: int, rng: np.random.Generator, jitter: float = 0.05) -> np.ndarray:
    """n_side^d sites of a unit-spacing square/cubic lattice (density 1), slightly displaced."""
    grid = np.stack(np.meshgrid(*[np.arange(n_side, dtype=float)] * dim, indexing="ij"), -1).reshape(-1, dim)
    return np.mod(grid + 0.5 + rng.normal(0.0, jitter, grid.shape), n_side)


def power_law_sizes(n: int, rng: np.random.Generator) -> np.ndarray:
    """Seed-001 diameters: P(a) ∝ a⁻³ on [0.73, 1.62] by inverse transform, rescaled to mean 1."""
    lo, hi = 0.73, 1.62
    a = 1.0 / np.sqrt(lo**-2 - rng.random(n) * (lo**-2 - hi**-2))
    return a / a.mean()


def chi_square_p(counts: np.ndarray, probabilities: np.ndarray) -> float:
    """p-value of Pearson's chi-square test of ``counts`` against ``probabilities``."""
    expected = probabilities / probabilities.sum() * counts.sum()
    return float(scipy.stats.chisquare(counts, expected).pvalue)


# --------------------------------------------------------------------------- the compiled φ
@pytest.mark.parametrize(
    "pot",
    [
        soft_sphere_potential(taper_order=0),
        soft_sphere_potential(taper_order=1),
        soft_sphere_potential(taper_order=2),
        soft_sphere_potential(taper_order=3),
        soft_sphere_potential(taper_order=INFINITE_ORDER),
        soft_sphere_potential(taper_order=2, exponent=9),
        kob_andersen_potential(taper_order=0),
        kob_andersen_potential(taper_order=2),
        kob_andersen_potential(taper_order=INFINITE_ORDER),
    ],
    ids=["ss-m0", "ss-m1", "ss-m2", "ss-m3", "ss-minf", "ss-n9-m2", "lj-m0", "lj-m2", "lj-minf"],
)
def test_mc_pair_energy_equals_potentials_module(pot: PairPotential) -> None:
    """The Monte Carlo kernel's energy-only φ(r²) against PairPotential.evaluate (brute-force reference)."""
    tables = _tables(pot)
    r = np.linspace(0.7, 1.05 * pot.max_cutoff, 301)
    for (si, sj), (ti, tj) in itertools.product([(1.0, 1.0), (0.8, 1.5)], [(0, 0), (0, 1), (1, 1)]):
        if pot.kind == 0 and (ti, tj) != (0, 0):
            continue
        expected, _, _ = pot.evaluate(r, si, sj, ti, tj)
        got = np.array(
            [mc_sums._pair_energy(x * x, si, sj, ti, tj, pot.kind, pot.exponent, pot.taper_order, tables) for x in r]
        )
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-14)


# --------------------------------------------------------------------------- displacement moves
def _two_particle_energy_classes(
    pot: PairPotential,
    sizes: tuple[float, float],
    species: tuple[int, int],
    box: float,
    temperature: float,
    n_bins: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Exact probabilities of energy classes of two particles in a periodic square box.

    The relative position is uniform on the torus with weight exp(−φ(r)/T);
    the area with minimum-image distance in [r, r + dr] is 2πr dr for
    r ≤ L/2, and r_c ≤ L/2, so P(E) follows from a 1-D integral over
    r < r_c plus the zero-energy area L² − π r_c².  Classes: E = 0 exactly,
    (|φ| < ``ZERO_ENERGY``), and ``n_bins`` bins of equal exact probability
    in V = φ(r).
    Returns (bin edges in φ, φ on the r grid, the Boltzmann weight of each
    grid interval, the zero-energy weight).
    """
    rc = float(pot.cutoff[species] if pot.kind == 1 else pot.max_cutoff)
    r = np.linspace(1e-3, rc, 400_001)[:-1]
    dr = r[1] - r[0]
    phi, _, _ = pot.evaluate(r, sizes[0], sizes[1], species[0], species[1])
    weight = 2 * np.pi * r * np.exp(-phi / temperature) * dr
    tiny = np.abs(phi) < ZERO_ENERGY
    zero_weight = box**2 - np.pi * rc**2 + weight[tiny].sum()
    phi, weight = phi[~tiny], weight[~tiny]
    order = np.argsort(phi)
    cumulative = np.cumsum(weight[order])
    cuts = np.searchsorted(cumulative, cumulative[-1] * np.arange(1, n_bins) / n_bins)
    edges = np.concatenate([[-np.inf], phi[order][cuts], [np.inf]])
    return edges, phi, weight, zero_weight


def _class_probabilities(edges, phi, weight, zero_weight) -> np.ndarray:
    per_bin = np.histogram(phi, bins=edges, weights=weight)[0]
    return np.concatenate([[zero_weight], per_bin])


def _class_counts(energy: np.ndarray, edges: np.ndarray) -> np.ndarray:
    zero = np.abs(energy) < ZERO_ENERGY
    return np.concatenate([[zero.sum()], np.histogram(energy[~zero], bins=edges)[0]])


@pytest.mark.parametrize(
    ("pot", "sizes", "species", "box", "temperature"),
    [
        (soft_sphere_potential(taper_order=2), (0.9, 1.3), (0, 0), 4.0, 0.5),
        (soft_sphere_potential(taper_order=INFINITE_ORDER), (1.0, 1.2), (0, 0), 4.0, 0.3),
        (kob_andersen_potential(taper_order=2), (1.0, 1.0), (0, 1), 5.0, 0.6),
    ],
    ids=["soft-m2", "soft-minf", "lj-AB-m2"],
)
def test_displacements_sample_exact_boltzmann_pair_distribution(
    pot: PairPotential, sizes: tuple[float, float], species: tuple[int, int], box: float, temperature: float
) -> None:
    """Two particles in a periodic square box: the sampled pair energy against the exact distribution.

    V = φ(r) depends only on the minimum-image distance r, so the exact
    probability of an energy class is a 1-D integral (see the builder).
    Records every 100 sweeps are close to independent (lag-1 autocorrelation
    checked below), so Pearson's chi-square applies.
    """
    n_bins = 12
    edges, phi, weight, zero_weight = _two_particle_energy_classes(pot, sizes, species, box, temperature, n_bins)
    rng = np.random.default_rng(2024)
    settings = MCSettings(temperature=temperature, n_sweeps=1_000_000, p_swap=0.0, record_every=100)
    start = np.array([[0.5, 0.5], [2.2, 1.9]])
    result = run_swap_mc(start, box, np.array(sizes), np.array(species), pot, settings, rng)
    energy = result.energy_trace[1:] * 2  # per particle → V
    counts = _class_counts(energy, edges)
    assert counts.sum() == energy.size
    centered = energy - energy.mean()
    lag1 = float(centered[1:] @ centered[:-1] / (centered @ centered))
    assert abs(lag1) < 0.05, f"records are correlated (lag-1 autocorrelation {lag1:.3f}); thin more"
    p_right = chi_square_p(counts, _class_probabilities(edges, phi, weight, zero_weight))
    assert p_right > ALPHA, f"sampled pair energies differ from exp(−φ/T): p = {p_right:.2e}"
    # built to fail: the same samples against the Boltzmann weights of 2 T
    wrong = _two_particle_energy_classes(pot, sizes, species, box, WRONG_FACTOR * temperature, n_bins)
    p_wrong = chi_square_p(counts, _class_probabilities(edges, wrong[1], wrong[2], wrong[3]))
    assert p_wrong < ALPHA_FAIL, f"the chi-square test cannot tell T from 2 T (p = {p_wrong:.2e})"


# --------------------------------------------------------------------------- swap moves
def _assignment_energies(pot, positions, box, labels, by_species: bool) -> tuple[list[tuple[int, ...]], np.ndarray]:
    """Energy of every distinct assignment of ``labels`` (sizes or species) to the fixed positions."""
    assignments = sorted(set(itertools.permutations(labels)))
    energies = []
    for assignment in assignments:
        values = np.array(assignment)
        sizes = np.ones(len(values)) if by_species else values.astype(float)
        species = values.astype(int) if by_species else np.zeros(len(values), int)
        energies.append(total_energy(positions, box, sizes, species, pot))
    return assignments, np.array(energies)


@pytest.mark.parametrize(
    ("pot", "labels", "by_species", "temperature", "positions"),
    [
        (soft_sphere_potential(taper_order=2), (0.8, 1.1, 1.5), False, 0.1, [[1.0, 1.0], [2.3, 1.1], [1.5, 2.2]]),
        (kob_andersen_potential(taper_order=2), (0, 0, 1), True, 0.3, [[1.0, 1.0], [2.05, 1.1], [1.35, 2.0]]),
    ],
    ids=["soft-diameters", "lj-species"],
)
def test_swaps_sample_exact_boltzmann_weights_of_assignments(
    pot: PairPotential, labels: tuple, by_species: bool, temperature: float, positions: list
) -> None:
    """Three particles at fixed positions, swap moves only (p_swap = 1).

    The assignments of the diameters (species) to the positions form a
    finite state space; its exact distribution is ∝ exp(−V_σ/T).  Each
    recorded energy identifies its assignment (energies are distinct).
    """
    positions = np.array(positions)
    box = 6.0
    assignments, energies = _assignment_energies(pot, positions, box, labels, by_species)
    assert np.min(np.diff(np.sort(energies))) > 1e-3, "pick positions that make the assignment energies distinct"
    exact = np.exp(-(energies - energies.min()) / temperature)
    assert exact.min() / exact.sum() > 0.01, "pick a temperature that visits every assignment"
    rng = np.random.default_rng(7)
    start = np.array(assignments[0])
    sizes = np.ones(3) if by_species else start.astype(float)
    species = start.astype(int) if by_species else np.zeros(3, int)
    settings = MCSettings(temperature=temperature, n_sweeps=60_000, p_swap=1.0, record_every=6)
    result = run_swap_mc(positions, box, sizes, species, pot, settings, rng)
    np.testing.assert_array_equal(result.positions, positions)  # swaps never move particles
    sampled = result.energy_trace[1:] * 3
    nearest = np.argmin(np.abs(sampled[:, None] - energies[None, :]), axis=1)
    assert np.max(np.abs(sampled - energies[nearest])) < 1e-9
    counts = np.bincount(nearest, minlength=len(energies))
    assert 0.0 < result.acceptance_swap < 1.0
    p_right = chi_square_p(counts, exact)
    assert p_right > ALPHA, f"swap moves do not sample exp(−V/T) of the assignments: p = {p_right:.2e}"
    wrong = np.exp(-(energies - energies.min()) / (WRONG_FACTOR * temperature))
    p_wrong = chi_square_p(counts, wrong)
    assert p_wrong < ALPHA_FAIL, f"the chi-square test cannot tell T from 2 T (p = {p_wrong:.2e})"


# --------------------------------------------------------------------------- book-keeping
@pytest.mark.parametrize(
    ("dim", "n_side", "pot", "p_swap"),
    [
        (3, 8, soft_sphere_potential(taper_order=2), 0.2),  # half-range cells (reach 2)
        (3, 5, soft_sphere_potential(taper_order=INFINITE_ORDER), 0.2),  # all-pairs fallback
        (2, 20, soft_sphere_potential(taper_order=2), 0.2),  # d = 2, cells
        (3, 8, kob_andersen_potential(taper_order=2), 0.2),  # species swaps, φ < 0 allowed
    ],
    ids=["3d-cells", "3d-fallback", "2d-cells", "3d-lj"],
)
def test_running_energy_equals_total_energy(dim: int, n_side: int, pot: PairPotential, p_swap: float) -> None:
    """Σ accepted ΔE (the trace) equals V recomputed from scratch, and the lists never miss a pair."""
    rng = np.random.default_rng(11)
    positions = jittered_lattice(n_side, dim, rng)
    n = positions.shape[0]
    if pot.kind == 0:
        sizes, species = power_law_sizes(n, rng), np.zeros(n, int)
        box = float(n_side)
    else:
        sizes, species = np.ones(n), (rng.random(n) < 0.2).astype(int)
        box = float(n_side) * 1.1  # KA density 1.2 would need L < 2 r_c here; density 0.75 is fine
        positions *= 1.1
    settings = MCSettings(temperature=0.8, n_sweeps=60, p_swap=p_swap, record_every=20)
    result = run_swap_mc(positions, box, sizes, species, pot, settings, rng)
    assert result.n_attempted == 60 * n
    assert result.neighbor_updates > 1  # local renewals happened
    v_final = total_energy(result.positions, box, result.sizes, result.species, pot)
    v_start = total_energy(positions, box, sizes, species, pot)
    assert result.energy_trace[0] * n == pytest.approx(v_start, rel=1e-12)
    assert result.energy_trace[-1] * n == pytest.approx(v_final, rel=ENERGY_RTOL)
    np.testing.assert_array_equal(np.sort(result.sizes), np.sort(sizes))  # swaps permute
    np.testing.assert_array_equal(np.sort(result.species), np.sort(species))


def test_same_seed_same_run_and_different_seed_different_run() -> None:
    rng = np.random.default_rng(0)
    positions = jittered_lattice(6, 3, rng)
    sizes = power_law_sizes(216, rng)
    species = np.zeros(216, int)
    pot = soft_sphere_potential()
    settings = MCSettings(temperature=0.5, n_sweeps=20, record_every=5)
    a = run_swap_mc(positions, 6.0, sizes, species, pot, settings, np.random.default_rng(42))
    b = run_swap_mc(positions, 6.0, sizes, species, pot, settings, np.random.default_rng(42))
    c = run_swap_mc(positions, 6.0, sizes, species, pot, settings, np.random.default_rng(43))
    np.testing.assert_array_equal(a.positions, b.positions)
    np.testing.assert_array_equal(a.sizes, b.sizes)
    np.testing.assert_array_equal(a.energy_trace, b.energy_trace)
    assert not np.array_equal(a.positions, c.positions)


def test_skin_does_not_change_the_chain() -> None:
    """Neighbour lists are exact: the same random numbers give the same chain for any skin > 2|Δr|."""
    rng = np.random.default_rng(3)
    positions = jittered_lattice(8, 3, rng)
    sizes = power_law_sizes(512, rng)
    runs = [
        run_swap_mc(
            positions,
            8.0,
            sizes,
            np.zeros(512, int),
            soft_sphere_potential(),
            MCSettings(temperature=0.4, n_sweeps=20, skin=skin),
            np.random.default_rng(5),
        )
        for skin in (0.45, 0.9)
    ]
    np.testing.assert_allclose(runs[0].positions, runs[1].positions, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(runs[0].sizes, runs[1].sizes)


# --------------------------------------------------------------------------- storage order and refresh interval
CHAIN_FIELDS = ("positions", "sizes", "species", "energy_trace", "trace_sweeps", "displacement")


def _assert_same_chain(a: montecarlo.MCResult, b: montecarlo.MCResult) -> None:
    """Bit-for-bit the same run: every output array and every counter."""
    for name in CHAIN_FIELDS:
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    assert (a.acceptance_displacement, a.n_attempted, a.neighbor_updates, a.scan_trials) == (
        b.acceptance_displacement,
        b.n_attempted,
        b.neighbor_updates,
        b.scan_trials,
    )
    np.testing.assert_equal(a.acceptance_swap, b.acceptance_swap)


@pytest.mark.parametrize(
    ("dim", "n_side", "pot", "settings"),
    [
        (3, 8, soft_sphere_potential(), MCSettings(temperature=0.5, n_sweeps=30, record_every=5)),
        (3, 8, soft_sphere_potential(), MCSettings(temperature=2.0, n_sweeps=30, record_every=7, p_swap=0.0)),
        (3, 8, soft_sphere_potential(), MCSettings(temperature=0.5, n_sweeps=20, skin=0.3)),  # trials beyond skin/2
        (3, 10, kob_andersen_potential(), MCSettings(temperature=1.0, n_sweeps=10, step=0.1)),
        (2, 24, soft_sphere_potential(taper_order=INFINITE_ORDER), MCSettings(temperature=0.5, n_sweeps=30)),
        (3, 5, soft_sphere_potential(), MCSettings(temperature=0.5, n_sweeps=10)),  # all-pairs box: label order
    ],
    ids=["ss-swap", "ss-metropolis", "ss-far-trials", "lj", "2d-minf", "small-box"],
)
def test_cell_order_storage_gives_the_same_chain_bit_for_bit(
    dim: int, n_side: int, pot: PairPotential, settings: MCSettings
) -> None:
    """locality="cells" stores the particles spatially sorted but builds the lists of the label-order run (cells
    filled in label order), draws the same particle for the same random numbers and un-permutes the outputs: the
    same chain, to the last bit (soft spheres, Lennard-Jones with species swaps, d = 2, far trials)."""
    rng = np.random.default_rng(11)
    positions = jittered_lattice(n_side, dim, rng, jitter=0.1)
    n = positions.shape[0]
    sizes = power_law_sizes(n, rng) if pot.kind == 0 else np.ones(n)
    species = np.zeros(n, int) if pot.kind == 0 else (rng.random(n) < 0.2).astype(int)
    runs = {
        locality: run_swap_mc(
            positions,
            float(n_side),
            sizes,
            species,
            pot,
            dataclasses.replace(settings, locality=locality),
            np.random.default_rng(5),
        )
        for locality in ("labels", "cells")
    }
    _assert_same_chain(runs["labels"], runs["cells"])


def test_cell_order_survives_list_overflows(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lists that start barely large enough overflow during the run; the rebuilds fill the cells in label order
    again, so the chain stays the label-order chain bit for bit."""
    rng = np.random.default_rng(2)
    positions = jittered_lattice(8, 3, rng)
    sizes = power_law_sizes(512, rng)
    tight = int(verlet_lists.VerletList.build(positions, 8.0, 1.955, 0.5).counts.max()) + 1
    monkeypatch.setattr(verlet_lists, "_list_capacity", lambda *args: tight)  # room for one more neighbour
    settings = MCSettings(temperature=3.0, n_sweeps=30)
    runs = [
        run_swap_mc(
            positions,
            8.0,
            sizes,
            np.zeros(512, int),
            soft_sphere_potential(),
            dataclasses.replace(settings, locality=locality),
            np.random.default_rng(9),
        )
        for locality in ("labels", "cells")
    ]
    _assert_same_chain(*runs)
    monkeypatch.undo()
    roomy = run_swap_mc(
        positions, 8.0, sizes, np.zeros(512, int), soft_sphere_potential(), settings, np.random.default_rng(9)
    )
    assert runs[0].neighbor_updates > roomy.neighbor_updates  # the small lists were rebuilt during the run


def test_cell_order_returns_outputs_in_the_callers_label_order() -> None:
    """The storage permutation is not the identity, yet every output comes back per caller label: a particle that
    never moved is where it started, and without swaps each keeps its own diameter."""
    rng = np.random.default_rng(4)
    positions = np.mod(rng.permutation(jittered_lattice(8, 3, rng)), 8.0)  # labels at random places
    sizes = power_law_sizes(512, rng)
    order = neighbors.spatial_order(positions, 8.0, 6)
    assert not np.array_equal(order, np.arange(512))
    res = run_swap_mc(
        positions,
        8.0,
        sizes,
        np.zeros(512, int),
        soft_sphere_potential(),
        MCSettings(temperature=0.3, n_sweeps=3, p_swap=0.0, locality="cells"),
        np.random.default_rng(1),
    )
    still = np.all(res.displacement == 0.0, axis=1)
    assert 0 < still.sum() < 512
    np.testing.assert_array_equal(res.positions[still], positions[still])
    np.testing.assert_array_equal(res.sizes, sizes)
    delta = res.positions - np.mod(positions + res.displacement, 8.0)
    np.testing.assert_allclose(delta - 8.0 * np.round(delta / 8.0), 0.0, atol=1e-9)
    swapped = run_swap_mc(
        positions,
        8.0,
        sizes,
        np.zeros(512, int),
        soft_sphere_potential(),
        MCSettings(temperature=0.3, n_sweeps=3, locality="cells"),
        np.random.default_rng(1),
    )
    np.testing.assert_array_equal(np.sort(swapped.sizes), np.sort(sizes))


@pytest.mark.parametrize("locality", ["labels", "cells"])
def test_refresh_interval_changes_the_chain_by_round_off_only(monkeypatch: pytest.MonkeyPatch, locality: str) -> None:
    """Fresh per-particle sums every 10 sweeps instead of every batch (batches of 2 sweeps here): the same
    decisions (same acceptance counts, the same positions to the last bit), an energy trace equal up to the
    round-off of the incremental sums, and the running energy still the energy recomputed from scratch."""
    monkeypatch.setattr(montecarlo, "BATCH_MOVES", 1000)
    rng = np.random.default_rng(6)
    positions = jittered_lattice(8, 3, rng)[:500]
    sizes = power_law_sizes(500, rng)
    species = np.zeros(500, int)
    settings = MCSettings(temperature=0.6, n_sweeps=40, record_every=4, locality=locality)
    base, sparse = (
        run_swap_mc(
            positions,
            8.0,
            sizes,
            species,
            soft_sphere_potential(),
            dataclasses.replace(settings, refresh_sweeps=r),
            np.random.default_rng(8),
        )
        for r in (0.0, 10.0)
    )
    for name in ("acceptance_displacement", "acceptance_swap", "n_attempted", "neighbor_updates", "scan_trials"):
        assert getattr(base, name) == getattr(sparse, name), name
    np.testing.assert_array_equal(base.positions, sparse.positions)
    np.testing.assert_array_equal(base.sizes, sparse.sizes)
    np.testing.assert_allclose(sparse.energy_trace, base.energy_trace, rtol=1e-10, atol=0.0)
    assert not np.array_equal(sparse.energy_trace, base.energy_trace)  # the sums did differ in round-off
    v_final = total_energy(sparse.positions, 8.0, sparse.sizes, species, soft_sphere_potential())
    assert sparse.energy_trace[-1] * 500 == pytest.approx(v_final, rel=ENERGY_RTOL)
    # an interval shorter than a batch refreshes every batch: the default chain, bit for bit
    short = run_swap_mc(
        positions,
        8.0,
        sizes,
        species,
        soft_sphere_potential(),
        dataclasses.replace(settings, refresh_sweeps=1.5),
        np.random.default_rng(8),
    )
    _assert_same_chain(base, short)


def test_acceptance_rates_positions_in_box_and_trace_layout() -> None:
    rng = np.random.default_rng(1)
    positions = jittered_lattice(7, 3, rng)
    n = positions.shape[0]
    settings = MCSettings(temperature=0.5, n_sweeps=25, record_every=10)
    result = run_swap_mc(
        positions, 7.0, power_law_sizes(n, rng), np.zeros(n, int), soft_sphere_potential(), settings, rng
    )
    assert 0.0 < result.acceptance_displacement < 1.0
    assert 0.0 < result.acceptance_swap < 1.0
    assert np.all(result.positions >= 0.0) and np.all(result.positions < 7.0)
    assert result.trace_sweeps.tolist() == [0, 10, 20, 25]
    assert result.energy_trace.shape == (4,)
    assert result.displacement.shape == (n, 3)
    # every accepted displacement has length |Δr|: the unwrapped displacement ends where the particle is
    wrapped_end = np.mod(positions + result.displacement, 7.0)
    delta = result.positions - wrapped_end
    np.testing.assert_allclose(delta - 7.0 * np.round(delta / 7.0), 0.0, atol=1e-9)
    plain = run_swap_mc(
        positions,
        7.0,
        np.ones(n),
        np.zeros(n, int),
        soft_sphere_potential(),
        MCSettings(temperature=0.5, n_sweeps=2, p_swap=0.0),
        rng,
    )
    assert np.isnan(plain.acceptance_swap)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"temperature": 0.0, "n_sweeps": 1}, "expected T > 0"),
        ({"temperature": 1.0, "n_sweeps": 1, "p_swap": 1.5}, "probability"),
        ({"temperature": 1.0, "n_sweeps": -1}, "non-negative"),
        ({"temperature": 1.0, "n_sweeps": 1, "record_every": 0}, "record_every"),
        ({"temperature": 1.0, "n_sweeps": 1, "locality": "morton"}, "'labels', 'cells'"),
        ({"temperature": 1.0, "n_sweeps": 1, "refresh_sweeps": -1.0}, "refresh_sweeps"),
    ],
    ids=["zero-T", "p-swap", "sweeps", "record", "locality", "refresh"],
)
def test_settings_are_validated(kwargs: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        MCSettings(**kwargs)


def test_box_smaller_than_twice_the_cutoff_is_refused() -> None:
    with pytest.raises(ValueError, match="smaller than 2 r_c"):
        run_swap_mc(
            np.zeros((2, 3)),
            3.0,
            np.ones(2),
            np.zeros(2, int),
            soft_sphere_potential(),
            MCSettings(temperature=1.0, n_sweeps=1),
            np.random.default_rng(0),
        )


def test_mismatched_sizes_are_refused() -> None:
    with pytest.raises(ValueError, match="one entry per particle"):
        run_swap_mc(
            np.zeros((3, 3)),
            5.0,
            np.ones(2),
            np.zeros(3, int),
            soft_sphere_potential(),
            MCSettings(temperature=1.0, n_sweeps=1),
            np.random.default_rng(0),
        )


def test_default_refresh_interval_leaves_a_thousand_particles_bit_for_bit() -> None:
    """The default interval (64 sweeps) is shorter than a batch of 65536 moves at N ≤ 1024, so such a chain is the
    one that refreshes the per-particle sums every batch (``refresh_sweeps=0``), bit for bit, over several
    batches."""
    assert MCSettings(temperature=1.0, n_sweeps=1).refresh_sweeps == 64.0
    rng = np.random.default_rng(3)
    positions = jittered_lattice(8, 3, rng)
    sizes = power_law_sizes(512, rng)
    species = np.zeros(512, int)
    settings = MCSettings(temperature=0.6, n_sweeps=300, record_every=20)  # 153 600 moves: three batches
    default, every_batch = (
        run_swap_mc(positions, 8.0, sizes, species, soft_sphere_potential(), s, np.random.default_rng(4))
        for s in (settings, dataclasses.replace(settings, refresh_sweeps=0.0))
    )
    _assert_same_chain(default, every_batch)
