"""Cell and Verlet lists against brute-force all-pairs searches (d = 2 and 3, big and small boxes)."""

from __future__ import annotations

import numpy as np
import pytest

from vdosbench.generators.glasses import neighbors, verlet_lists

CASES = [
    # (N, d, cutoff): boxes at number density 1
    (1000, 3, 1.955),  # half-range cells (reach 2)
    (400, 3, 1.955),  # 6 cells per side, the smallest grid
    (125, 3, 1.955),  # small box: all-pairs fallback
    (900, 2, 1.955),  # d = 2, reach 2
    (64, 2, 1.5),  # d = 2, small
]
IDS = ["3d-reach2", "3d-6cells", "3d-fallback", "2d-reach2", "2d-small"]


def _pair_set(i: np.ndarray, j: np.ndarray) -> set[tuple[int, int]]:
    return set(zip(np.minimum(i, j).tolist(), np.maximum(i, j).tolist()))


def _random_positions(n: int, dim: int, seed: int) -> tuple[np.ndarray, float]:
    box = n ** (1.0 / dim)
    return np.random.default_rng(seed).uniform(0.0, box, (n, dim)), box


def test_cell_grid_chooses_reach_and_falls_back() -> None:
    assert neighbors.cell_grid(10.0, 2.455) == (8, 2)
    assert neighbors.cell_grid(400 ** (1 / 3), 2.455) == (6, 2)
    assert neighbors.cell_grid(7.3, 2.455) == (0, 0)


@pytest.mark.parametrize(("n", "dim", "cutoff"), CASES, ids=IDS)
def test_cell_list_pairs_equal_brute_force(n: int, dim: int, cutoff: float) -> None:
    positions, box = _random_positions(n, dim, seed=n + dim)
    found = _pair_set(*neighbors.neighbor_pairs(positions, box, cutoff))
    expected = _pair_set(*neighbors.all_pairs_within(positions, box, cutoff))
    assert len(expected) > 0
    assert found == expected


@pytest.mark.parametrize(("n", "dim", "cutoff"), CASES, ids=IDS)
def test_verlet_list_equals_brute_force_at_cutoff_plus_skin(n: int, dim: int, cutoff: float) -> None:
    positions, box = _random_positions(n, dim, seed=2 * n + dim)
    skin = 0.5
    vl = verlet_lists.VerletList.build(positions, box, cutoff, skin)
    assert _pair_set(*vl.pairs()) == _pair_set(*neighbors.all_pairs_within(positions, box, cutoff + skin))
    # full lists: every pair appears in both particles' rows
    for i in range(0, n, max(1, n // 20)):
        for j in vl.neighbors[i, : vl.counts[i]]:
            assert i in vl.neighbors[j, : vl.counts[j]]


def test_lists_grow_when_the_capacity_is_too_small() -> None:
    positions, box = _random_positions(500, 3, seed=1)
    vl = verlet_lists.VerletList.build(positions, box, 1.955, 0.3, capacity=4)
    assert vl.neighbors.shape[1] > 4
    assert _pair_set(*vl.pairs()) == _pair_set(*neighbors.all_pairs_within(positions, box, 2.255))


def test_rebuild_rule_is_half_the_skin() -> None:
    positions, box = _random_positions(300, 3, seed=2)
    vl = verlet_lists.VerletList.build(positions, box, 1.955, skin=0.4)
    moved = positions.copy()
    moved[7, 0] += 0.19
    assert not vl.needs_rebuild(moved)
    assert not vl.update(moved)
    moved[7, 0] += 0.02  # 0.21 > skin/2
    assert vl.update(moved)
    assert vl.n_builds == 2
    # after any displacements below skin/2 the list still holds every pair within the cutoff
    rng = np.random.default_rng(3)
    jiggle = rng.normal(size=positions.shape)
    jiggle *= 0.199 / np.linalg.norm(jiggle, axis=1, keepdims=True)
    current = neighbors.wrap_positions(moved + jiggle, box)
    assert not vl.needs_rebuild(current)
    assert _pair_set(*neighbors.all_pairs_within(current, box, 1.955)) <= _pair_set(*vl.pairs())


@pytest.mark.parametrize(("n", "dim"), [(1000, 3), (125, 3), (400, 2)], ids=["3d-cells", "3d-fallback", "2d"])
def test_local_updates_keep_the_reference_list_exact(n: int, dim: int) -> None:
    """Particle-by-particle renewals (as Monte Carlo does) against a brute-force list of the references."""
    positions, box = _random_positions(n, dim, seed=5)
    cutoff, skin = 1.955, 0.5
    vl = verlet_lists.VerletList.build(positions, box, cutoff, skin)
    rng = np.random.default_rng(6)
    candidates = np.empty(n, dtype=np.int64)
    dist2 = np.empty(n)
    stencil = np.empty(5**dim, dtype=np.int64)
    mark = np.zeros(n, dtype=np.int8)
    for _ in range(300):
        i = int(rng.integers(n))
        new_ref = neighbors.wrap_positions(vl.ref[i] + rng.normal(0.0, 0.4, dim), box)
        count = neighbors._gather(
            new_ref,
            i,
            vl.ref,
            box,
            vl.list_range**2,
            vl.n_side,
            vl.reach,
            vl.cell_members,
            vl.cell_count,
            stencil,
            candidates,
            dist2,
        )
        status = verlet_lists.verlet_update_particle(
            i,
            new_ref,
            candidates,
            dist2,
            count,
            vl.list_range,
            box,
            vl.n_side,
            vl.ref,
            vl.neighbors,
            vl.counts,
            vl.cell_members,
            vl.cell_count,
            vl.cell_of,
            vl.slot,
            mark,
        )
        assert status == 0
    assert not mark.any()
    assert _pair_set(*vl.pairs()) == _pair_set(*neighbors.all_pairs_within(vl.ref, box, cutoff + skin))
    # the cell list of the references is consistent
    if vl.n_side:
        members = {int(j) for c in range(vl.cell_count.size) for j in vl.cell_members[c, : vl.cell_count[c]]}
        assert members == set(range(n))
        for j in range(n):
            assert vl.cell_members[vl.cell_of[j], vl.slot[j]] == j


def test_minimum_image_and_wrapping() -> None:
    dr = neighbors.minimum_image(np.array([[0.6, -0.6, 1.4]]), 1.0)
    np.testing.assert_allclose(dr, [[-0.4, 0.4, 0.4]])
    wrapped = neighbors.wrap_positions(np.array([[-1e-18, 3.0, -2.5]]), 3.0)
    assert np.all(wrapped >= 0.0) and np.all(wrapped < 3.0)


def test_needs_rebuild_uses_the_minimum_image() -> None:
    ref = np.array([[0.05, 0.0, 0.0]])
    assert not neighbors.needs_rebuild(np.array([[9.95, 0.0, 0.0]]), ref, 10.0, skin=0.3)  # 0.1 across the boundary


@pytest.mark.parametrize(
    ("positions", "box", "match"),
    [
        (np.zeros((4, 3)), 3.0, "smaller than 2 r_c"),
        (np.zeros((4, 4)), 10.0, "expected d = 2 or 3"),
        (np.zeros(4), 10.0, r"expected \(N, d\)"),
    ],
    ids=["small-box", "4d", "1d-array"],
)
def test_bad_inputs_are_explained(positions: np.ndarray, box: float, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        neighbors.neighbor_pairs(positions, box, 1.955)


@pytest.mark.parametrize(("n", "dim"), [(1000, 3), (900, 2)], ids=["3d", "2d"])
def test_spatial_order_is_a_permutation_that_keeps_neighbours_close(n: int, dim: int) -> None:
    """A permutation, cells visited along the curve (each cell's particles in index order); listed neighbours
    are on average far closer in storage than in a random labelling."""
    positions, box = _random_positions(n, dim, seed=8)
    for curve in ("morton", "rows"):
        order = neighbors.spatial_order(positions, box, 6, curve)
        np.testing.assert_array_equal(np.sort(order), np.arange(n))
        cells = np.minimum((positions[order] * (6 / box)).astype(int), 5)
        if curve == "rows":
            key = sum(cells[:, k] * 6**k for k in range(dim))
            assert np.all(np.diff(key) >= 0)
        for c in np.unique(cells, axis=0):  # within a cell: increasing labels (a stable sort)
            assert np.all(np.diff(order[np.all(cells == c, axis=1)]) > 0)
    order = neighbors.spatial_order(positions, box, 6)
    slot = np.empty(n, dtype=np.int64)
    slot[order] = np.arange(n)
    i, j = neighbors.all_pairs_within(positions, box, 1.5)
    assert np.mean(np.abs(slot[i] - slot[j])) < 0.35 * np.mean(np.abs(i - j))
    with pytest.raises(ValueError, match="'morton' or 'rows'"):
        neighbors.spatial_order(positions, box, 6, "hilbert")


@pytest.mark.parametrize(("n", "dim"), [(1000, 3), (900, 2)], ids=["3d", "2d"])
def test_lists_of_permuted_storage_filled_in_label_order_are_the_same_lists(n: int, dim: int) -> None:
    """Particles stored in the order ``order`` (slot s holds label order[s]), with the cells filled in label order
    (``fill_order`` = the slot of each label): every list holds the same labels in the same order, also after
    local renewals; filled in slot order instead, the orders differ (the property is not trivial)."""
    positions, box = _random_positions(n, dim, seed=9)
    cutoff, skin = 1.955, 0.5
    order = neighbors.spatial_order(positions, box, 7)
    slot = np.empty(n, dtype=np.int64)
    slot[order] = np.arange(n)
    plain = verlet_lists.VerletList.build(positions, box, cutoff, skin)
    stored = verlet_lists.VerletList.build(positions[order], box, cutoff, skin, fill_order=slot)
    unordered = verlet_lists.VerletList.build(positions[order], box, cutoff, skin)

    def same_lists(a: verlet_lists.VerletList, b: verlet_lists.VerletList) -> bool:
        return all(
            np.array_equal(a.neighbors[i, : a.counts[i]], order[b.neighbors[slot[i], : b.counts[slot[i]]]])
            for i in range(n)
        )

    assert same_lists(plain, stored)
    assert not same_lists(plain, unordered)
    # local renewals (as Monte Carlo makes them) keep the lists equal
    rng = np.random.default_rng(10)
    scratch = {id(vl): (np.empty(n, dtype=np.int64), np.empty(n), np.zeros(n, dtype=np.int8)) for vl in (plain, stored)}
    stencil = np.empty(5**dim, dtype=np.int64)
    for _ in range(300):
        i = int(rng.integers(n))
        new_ref = neighbors.wrap_positions(plain.ref[i] + rng.normal(0.0, 0.4, dim), box)
        for vl, k in ((plain, i), (stored, int(slot[i]))):
            candidates, dist2, mark = scratch[id(vl)]
            count = neighbors._gather(
                new_ref,
                k,
                vl.ref,
                box,
                vl.list_range**2,
                vl.n_side,
                vl.reach,
                vl.cell_members,
                vl.cell_count,
                stencil,
                candidates,
                dist2,
            )
            assert (
                verlet_lists.verlet_update_particle(
                    k,
                    new_ref,
                    candidates,
                    dist2,
                    count,
                    vl.list_range,
                    box,
                    vl.n_side,
                    vl.ref,
                    vl.neighbors,
                    vl.counts,
                    vl.cell_members,
                    vl.cell_count,
                    vl.cell_of,
                    vl.slot,
                    mark,
                )
                == 0
            )
    assert same_lists(plain, stored)
    # and so does a rebuild from scratch at the renewed references
    plain.rebuild(plain.ref.copy())
    stored.rebuild(stored.ref.copy())
    assert same_lists(plain, stored)
