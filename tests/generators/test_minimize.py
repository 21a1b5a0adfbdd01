"""Energy and analytic gradient (against finite differences) and the quench to the inherent structure."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from vdosbench.generators.glasses.configurations import (
    Configuration,
    find_pairs,
    kob_andersen_configuration,
    polydisperse_configuration,
)
from vdosbench.generators import hessian_matrix
from vdosbench.generators.glasses.minimize import (
    DEFAULT_SKIN,
    EnergyModel,
    QuenchSettings,
    fire_minimize,
    lbfgs_minimize,
    quench,
    unpack_blocks,
)
from vdosbench.generators.glasses.minimize.energy import (
    DEFAULT_OUTER_SKIN,
    _energy_gradient,
    _evaluate,
    _needs_rebuild,
    _outer_list_holds,
    _verlet_pairs,
)
from vdosbench.generators.glasses.minimize.preconditioning import _invert_blocks
from vdosbench.generators.glasses.potentials import (
    INFINITE_ORDER,
    KIND_SOFT_SPHERE,
    PairPotential,
    kob_andersen_potential,
    soft_sphere_potential,
)

#: Central-difference step and the tolerance relative to max |∂V/∂r| (truncation ~ h² φ‴, rounding ~ ε|V|/h).
FD_STEP = 1e-6
FD_RTOL = 1e-6

CASES = [
    ("soft-m2-3d", soft_sphere_potential(2), 3, 100),
    ("soft-minf-3d", soft_sphere_potential(INFINITE_ORDER), 3, 100),
    ("soft-m3-2d", soft_sphere_potential(3), 2, 64),
    ("lj-m2-2d", kob_andersen_potential(2), 2, 64),
]


@pytest.fixture(autouse=True, scope="module")
def _one_blas_thread() -> Iterator[None]:
    """Small dense matrices: one BLAS thread (threads only add contention on a shared machine)."""
    with threadpool_limits(1):
        yield


def _start(pot: PairPotential, d: int, n: int, seed: int = 0) -> Configuration:
    """Random positions freed of overlaps (max |F| ≤ 10), a generic non-equilibrium configuration."""
    rng = np.random.default_rng(seed)
    c = polydisperse_configuration(n, d, rng) if pot.kind == KIND_SOFT_SPHERE else kob_andersen_configuration(n, d, rng)
    x, *_ = fire_minimize(EnergyModel(c, pot), c.positions, 10.0, 10_000)
    return c.with_positions(x)


def _brute_energy(c: Configuration, pot: PairPotential) -> float:
    i, j, sep = find_pairs(c.positions, c.box_length, pot.max_cutoff)
    phi, _, _ = pot.evaluate(np.linalg.norm(sep, axis=1), c.sizes[i], c.sizes[j], c.species[i], c.species[j])
    return float(phi.sum())


@pytest.mark.parametrize(("pot", "d", "n"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_gradient_matches_central_differences_of_the_energy(pot: PairPotential, d: int, n: int) -> None:
    c = _start(pot, d, n)
    model = EnergyModel(c, pot)
    _, grad = model.energy_gradient(c.positions)
    fd = np.empty(c.positions.size)
    for k in range(c.positions.size):
        plus, minus = c.positions.copy().ravel(), c.positions.copy().ravel()
        plus[k] += FD_STEP
        minus[k] -= FD_STEP
        fd[k] = (model.energy(plus) - model.energy(minus)) / (2 * FD_STEP)
    np.testing.assert_allclose(grad.ravel(), fd, rtol=0, atol=FD_RTOL * np.abs(grad).max())


@pytest.mark.parametrize(("pot", "d", "n"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_energy_matches_a_direct_pair_sum_after_large_moves(pot: PairPotential, d: int, n: int) -> None:
    """The Verlet list is rebuilt when particles move more than skin/2 (here by up to 1)."""
    c = _start(pot, d, n)
    model = EnergyModel(c, pot)
    moved = c.with_positions(c.positions + np.random.default_rng(1).uniform(-1, 1, c.positions.shape))
    assert model.energy(moved.positions) == pytest.approx(_brute_energy(moved, pot), rel=1e-12)
    assert model.n_builds == 2


@pytest.mark.parametrize("non_additivity", [0.0, 0.2])
def test_square_root_free_t2_kernel_matches_the_generic_loop(non_additivity: float) -> None:
    """Soft spheres, n = 12, m = 2, d = 3 take a dedicated kernel; it must equal pair_terms' values.

    With a non-additivity ε > 0 the kernel's a_ij² come from the same :func:`pair_size` as the generic loop's.
    """
    pot = soft_sphere_potential(2, non_additivity=non_additivity)
    c = _start(pot, 3, 150)
    model = EnergyModel(c, pot)
    assert model._t2_fast
    energy, grad = model.energy_gradient(c.positions)
    blocks = model.hessian_diagonal(c.positions)
    generic, generic_blocks = np.empty_like(grad), np.empty((c.n_particles, 6))
    pi, pj, shift = model._lists[3:6]
    reference = _energy_gradient(
        c.positions,
        pi,
        pj,
        shift,
        c.sizes,
        c.species,
        pot.sigma,
        pot.epsilon,
        pot.cutoff,
        pot.kind,
        pot.exponent,
        pot.taper_order,
        pot.non_additivity,
        generic,
        generic_blocks,
    )
    assert energy == pytest.approx(reference, rel=1e-13)
    np.testing.assert_allclose(grad, generic, rtol=0, atol=1e-12 * np.abs(generic).max())
    np.testing.assert_allclose(blocks, unpack_blocks(generic_blocks), rtol=0, atol=1e-12 * np.abs(blocks).max())


@pytest.mark.parametrize(("pot", "d", "n"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_hessian_diagonal_blocks_equal_those_of_the_analytic_hessian(pot: PairPotential, d: int, n: int) -> None:
    """The blocks the kernels return for the preconditioner are the diagonal d × d blocks of hessian_matrix."""
    c = _start(pot, d, n)
    blocks = EnergyModel(c, pot).hessian_diagonal(c.positions)
    h = hessian_matrix(c, pot).toarray()
    expected = np.array([h[d * i : d * i + d, d * i : d * i + d] for i in range(n)])
    np.testing.assert_allclose(blocks, expected, rtol=0, atol=1e-12 * np.abs(expected).max())


def test_block_inverse_inverts_positive_definite_blocks_and_replaces_the_others() -> None:
    """P⁻¹ = H_ii⁻¹ where H_ii is positive definite; an indefinite or empty block gets (mean diagonal)⁻¹ 1."""
    rng = np.random.default_rng(2)
    for d, width in ((2, 3), (3, 6)):
        a = rng.normal(size=(5, d, d))
        spd = a @ a.transpose(0, 2, 1) + d * np.eye(d)
        bad = np.diag([1.0, -2.0, 3.0][:d])  # indefinite
        dense = np.concatenate([spd, bad[None], np.zeros((1, d, d))])
        packed = np.column_stack(
            [dense[:, k, k] for k in range(d)] + [dense[:, a_, b_] for a_ in range(d) for b_ in range(a_ + 1, d)]
        )
        assert packed.shape[1] == width
        np.testing.assert_array_equal(unpack_blocks(packed), dense)
        inverse = np.empty_like(packed)
        assert _invert_blocks(packed, inverse) == 2
        got = unpack_blocks(inverse)
        np.testing.assert_allclose(got[:5], np.linalg.inv(spd), rtol=1e-12, atol=1e-14)
        mean_diagonal = np.mean(np.trace(spd, axis1=1, axis2=2) / d)
        np.testing.assert_allclose(got[5:], np.broadcast_to(np.eye(d) / mean_diagonal, (2, d, d)), rtol=1e-12)
    with pytest.raises(ValueError, match="3 .d = 2. or 6 .d = 3. columns, found 4"):
        unpack_blocks(np.zeros((2, 4)))


def test_preconditioner_choice_is_validated_and_recorded() -> None:
    with pytest.raises(ValueError, match="preconditioner must be one of"):
        QuenchSettings(preconditioner="jacobi")
    pot = soft_sphere_potential(2)
    c = polydisperse_configuration(128, 3, np.random.default_rng(1))
    with pytest.raises(ValueError, match="preconditioner must be one of"):
        lbfgs_minimize(EnergyModel(c, pot), c.positions, 1e-10, 10, preconditioner="jacobi")
    with pytest.raises(ValueError, match="refresh interval must be an integer >= 1"):
        QuenchSettings(preconditioner_refresh=0)
    with pytest.raises(ValueError, match="refresh interval must be an integer >= 1"):
        lbfgs_minimize(EnergyModel(c, pot), c.positions, 1e-10, 10, refresh=2.5)  # type: ignore[arg-type]
    default = quench(c, pot)
    assert (default.preconditioner, default.preconditioner_refresh) == ("block_jacobi", 5)
    plain = quench(c, pot, QuenchSettings(preconditioner="none"))
    assert plain.preconditioner == "none" and plain.converged


def test_a_perfect_translation_leaves_energy_and_forces_unchanged() -> None:
    pot = soft_sphere_potential(2)
    c = _start(pot, 3, 100)
    model = EnergyModel(c, pot)
    e0, g0 = model.energy_gradient(c.positions)
    e1, g1 = model.energy_gradient(c.positions + np.array([0.37, -1.2, 5.0]))
    assert e1 == pytest.approx(e0, rel=1e-12)
    np.testing.assert_allclose(g1, g0, atol=1e-10 * np.abs(g0).max())
    assert np.abs(g0.sum(axis=0)).max() < 1e-9 * np.abs(g0).max()  # Newton's third law


@pytest.mark.parametrize(
    ("pot", "d", "n", "preconditioner"),
    [
        (soft_sphere_potential(2), 3, 128, "none"),
        (soft_sphere_potential(2), 3, 128, "block_jacobi"),
        (soft_sphere_potential(INFINITE_ORDER), 2, 64, "none"),
        (soft_sphere_potential(INFINITE_ORDER), 2, 64, "block_jacobi"),
        (kob_andersen_potential(2), 3, 200, "none"),
        (kob_andersen_potential(2), 3, 200, "block_jacobi"),
    ],
    ids=[
        "soft-m2-3d",
        "soft-m2-3d-block-jacobi",
        "soft-minf-2d",
        "soft-minf-2d-block-jacobi",
        "lj-m2-3d",
        "lj-m2-3d-block-jacobi",
    ],
)
def test_quench_from_random_positions_reaches_a_stable_minimum(
    pot: PairPotential, d: int, n: int, preconditioner: str
) -> None:
    rng = np.random.default_rng(5)
    c = polydisperse_configuration(n, d, rng) if pot.kind == KIND_SOFT_SPHERE else kob_andersen_configuration(n, d, rng)
    result = quench(c, pot, QuenchSettings(preconditioner=preconditioner))
    assert result.converged and result.max_force <= 1e-10
    assert EnergyModel(result.config, pot).max_force(result.config.positions) == pytest.approx(
        result.max_force, rel=1e-6
    )
    lam = np.linalg.eigvalsh(hessian_matrix(result.config, pot).toarray())
    scale = lam[-1]
    # exactly d zero modes (translations) and no negative eigenvalue beyond rounding
    assert np.all(np.abs(lam[:d]) < 1e-10 * scale)
    assert lam[d] > 1e-5 * scale


def test_fire_alone_reaches_the_tolerance() -> None:
    pot = soft_sphere_potential(2)
    c = _start(pot, 2, 64)
    x, _, grad, steps = fire_minimize(EnergyModel(c, pot), c.positions, 1e-8, 100_000)
    assert np.sqrt(np.max(np.sum(grad**2, axis=1))) <= 1e-8
    assert 0 < steps < 100_000


def test_fire_polishes_when_lbfgs_stops_short() -> None:
    pot = soft_sphere_potential(2)
    c = polydisperse_configuration(64, 2, np.random.default_rng(9))
    result = quench(c, pot, QuenchSettings(max_lbfgs_iterations=30, force_tolerance=1e-9))
    assert result.lbfgs_message == "iteration limit 30 reached"
    assert result.fire_steps > 0 and result.converged and result.max_force <= 1e-9


def test_quench_settings_are_validated() -> None:
    with pytest.raises(ValueError, match="force_tolerance must be > 0"):
        QuenchSettings(force_tolerance=0.0)


def test_a_box_smaller_than_twice_the_cutoff_is_refused() -> None:
    with pytest.raises(ValueError, match="too small for the cutoff"):
        EnergyModel(polydisperse_configuration(27, 3, np.random.default_rng(0)), soft_sphere_potential(2))


def _brute_gradient(x: np.ndarray, c: Configuration, pot: PairPotential) -> tuple[float, np.ndarray]:
    """V and ∂V/∂r over every pair (i < j, minimum image), no list at all."""
    i, j = np.triu_indices(c.n_particles, k=1)
    sep = x[j] - x[i]
    sep -= c.box_length * np.round(sep / c.box_length)
    r = np.linalg.norm(sep, axis=1)
    phi, dphi, _ = pot.evaluate(r, c.sizes[i], c.sizes[j], c.species[i], c.species[j])
    pair = (dphi / r)[:, None] * sep
    grad = np.zeros_like(x)
    np.add.at(grad, j, pair)
    np.add.at(grad, i, -pair)
    return float(phi.sum()), grad


def _reference_preconditioner(c: Configuration, pot: PairPotential, x: np.ndarray) -> np.ndarray:
    """diag(H_ii)⁻¹ from the analytic sparse Hessian, (N, d, d); blocks that are not positive definite
    (or have det ≤ 10⁻¹² (tr/d)^d) get the mean diagonal entry of the others, inverted, times 1."""
    d = c.dimension
    h = hessian_matrix(c.with_positions(x), pot).toarray()
    blocks = np.array([h[d * i : d * i + d, d * i : d * i + d] for i in range(c.n_particles)])
    level = np.trace(blocks, axis1=1, axis2=2) / d
    good = np.all(np.linalg.eigvalsh(blocks) > 0, axis=1) & (np.linalg.det(blocks) > 1e-12 * level**d)
    inverse = np.broadcast_to(np.eye(d) / (level[good].mean() if good.any() else 1.0), blocks.shape).copy()
    inverse[good] = np.linalg.inv(blocks[good])
    return inverse


def _reference_lbfgs(
    model: EnergyModel,
    c: Configuration,
    pot: PairPotential,
    tol: float,
    memory: int,
    preconditioned: bool,
    refresh: int = 1,
    max_step: float = 0.1,
) -> tuple[np.ndarray, float, int]:
    """The algorithm of the compiled loop in NumPy: two-loop recursion (Nocedal & Wright Alg. 7.4) with
    H₀ = γ diag(H_ii)⁻¹ from hessian_matrix at the point of every ``refresh``-th iteration, or
    H₀ = (sᵀy/yᵀy) 1, and the same Armijo backtracking."""
    x = c.positions.copy()
    energy, grad = model.energy_gradient(x)
    pairs: list[tuple[np.ndarray, np.ndarray]] = []  # (s, y), oldest first
    iterations = 0

    def max_norm(g: np.ndarray) -> float:
        return float(np.sqrt(np.max(np.sum(g.reshape(x.shape) ** 2, axis=1))))

    while max_norm(grad) > tol:
        if preconditioned and iterations % refresh == 0:
            inverse = _reference_preconditioner(c, pot, x)
        slope = 0.0
        if pairs:
            q = grad.ravel().copy()
            alphas = []
            for s_vec, y_vec in reversed(pairs):
                alpha = (s_vec @ q) / (s_vec @ y_vec)
                alphas.append(alpha)
                q -= alpha * y_vec
            s_new, y_new = pairs[-1]
            if preconditioned:
                py, pq = (np.einsum("iab,ib->ia", inverse, v.reshape(x.shape)).ravel() for v in (y_new, q))
                q = (s_new @ y_new) / (y_new @ py) * pq
            else:
                q *= (s_new @ y_new) / (y_new @ y_new)
            for (s_vec, y_vec), alpha in zip(pairs, reversed(alphas)):
                q += (alpha - (y_vec @ q) / (s_vec @ y_vec)) * s_vec
            direction = -q.reshape(x.shape)
            slope = float(np.vdot(grad, direction))
        if not slope < 0:
            pairs = []
            direction = -grad * (0.1 * max_step / max_norm(grad))
            slope = float(np.vdot(grad, direction))
        largest = max_norm(direction)
        if largest > max_step:
            direction, slope = direction * (max_step / largest), slope * (max_step / largest)
        step = 1.0
        while True:
            x_new = x + step * direction
            e_new, g_new = model.energy_gradient(x_new)
            if e_new <= energy + 1e-4 * step * slope + 1e-12 * max(1.0, abs(energy)):
                break
            step *= 0.5
        s_vec, y_vec = (x_new - x).ravel(), (g_new - grad).ravel()
        if s_vec @ y_vec > 1e-12 * (y_vec @ y_vec):
            pairs = (pairs + [(s_vec, y_vec)])[-memory:]
        x, energy, grad = x_new, e_new, g_new
        iterations += 1
    return x, energy, iterations


@pytest.mark.parametrize(
    ("pot", "d", "n", "preconditioner", "refresh"),
    [
        (soft_sphere_potential(2), 3, 128, "none", 1),
        (soft_sphere_potential(2), 3, 128, "block_jacobi", 1),
        (soft_sphere_potential(2), 3, 128, "block_jacobi", 10),
        (kob_andersen_potential(2), 2, 64, "none", 1),
        (kob_andersen_potential(2), 2, 64, "block_jacobi", 1),
        (kob_andersen_potential(2), 2, 64, "block_jacobi", 7),
    ],
    ids=[
        "soft-m2-3d",
        "soft-m2-3d-block-jacobi",
        "soft-m2-3d-block-jacobi-every-10",
        "lj-m2-2d",
        "lj-m2-2d-block-jacobi",
        "lj-m2-2d-block-jacobi-every-7",
    ],
)
def test_compiled_lbfgs_reaches_the_minimum_of_the_python_reference_loop(
    pot: PairPotential, d: int, n: int, preconditioner: str, refresh: int
) -> None:
    """Same algorithm, same start: the same inherent structure (energy to 1e-12, positions to 1e-8); the
    reference takes its preconditioner from the sparse analytic Hessian, not from the force kernel, and
    renews it every ``refresh`` iterations as the compiled loop does."""
    c = _start(pot, d, n, seed=3)
    memory = QuenchSettings().lbfgs_memory
    x, energy, _, iterations, message = lbfgs_minimize(
        EnergyModel(c, pot), c.positions, 1e-10, 100_000, memory, preconditioner=preconditioner, refresh=refresh
    )
    x_ref, energy_ref, iterations_ref = _reference_lbfgs(
        EnergyModel(c, pot), c, pot, 1e-10, memory, preconditioner == "block_jacobi", refresh
    )
    assert message == "converged"
    assert energy == pytest.approx(energy_ref, rel=1e-12)
    # the minimum is degenerate under a uniform translation, which a preconditioned step does not conserve
    # (Σ_i P_i⁻¹ g_i ≠ 0): rounding differences may leave the two at translated copies of one structure
    translation = (x - x_ref).mean(axis=0)
    assert np.abs(translation).max() < 1e-2
    np.testing.assert_allclose(x - translation, x_ref, rtol=0, atol=1e-8)
    assert abs(iterations - iterations_ref) <= 0.2 * iterations_ref


@pytest.mark.parametrize(
    ("pot", "d", "n"),
    [
        (soft_sphere_potential(2), 3, 128),
        (soft_sphere_potential(INFINITE_ORDER), 2, 64),
        (kob_andersen_potential(2), 3, 200),
    ],
    ids=["soft-m2-3d", "soft-minf-2d", "lj-m2-3d"],
)
def test_verlet_list_left_by_the_compiled_loop_gives_the_all_pairs_force(pot: PairPotential, d: int, n: int) -> None:
    """After a quench from random positions (many rebuilds inside the compiled loop), the list it left
    behind, used as is, gives the brute-force all-pairs energy and gradient at the end point."""
    rng = np.random.default_rng(11)
    soft = pot.kind == KIND_SOFT_SPHERE
    c = polydisperse_configuration(n, d, rng) if soft else kob_andersen_configuration(n, d, rng)
    model = EnergyModel(c, pot)
    x, *_ = fire_minimize(model, c.positions, 10.0, 10_000)
    x, energy, grad, _, _ = lbfgs_minimize(model, x, 1e-10, 100_000)
    assert model.n_builds > 2  # the list was rebuilt inside the compiled loop
    list_grad = np.empty_like(x)
    list_energy = _evaluate(np.ascontiguousarray(x), model._lists, model._params, list_grad, np.empty((0, 6)))
    brute_energy, brute_grad = _brute_gradient(x, c, pot)
    assert list_energy == energy
    assert list_energy == pytest.approx(brute_energy, rel=1e-12)
    np.testing.assert_allclose(list_grad, brute_grad, rtol=0, atol=1e-12)  # |∂V/∂r| ~ 1e-11 here: rounding only
    np.testing.assert_array_equal(list_grad, grad)


def test_the_two_level_verlet_list_stays_complete_along_a_random_walk() -> None:
    """Small random moves (rebuilds from the outer list and from cells): every evaluation equals the
    all-pairs sum, so every pair within r_c was listed each time."""
    pot = soft_sphere_potential(2)
    c = _start(pot, 3, 128)
    model = EnergyModel(c, pot)
    rng = np.random.default_rng(2)
    x = c.positions.copy()
    for _ in range(60):
        x = x + rng.normal(scale=0.02, size=x.shape)
        x[rng.integers(c.n_particles)] += rng.normal(scale=0.1, size=3)  # one particle runs ahead
        energy, grad = model.energy_gradient(x)
        brute_energy, brute_grad = _brute_gradient(x, c, pot)
        assert energy == pytest.approx(brute_energy, rel=1e-12)
        np.testing.assert_allclose(grad, brute_grad, rtol=0, atol=1e-11 * np.abs(brute_grad).max())
    assert 1 < model.n_cell_builds < model.n_builds


@pytest.mark.parametrize(("d", "n", "r_max"), [(3, 300, 2.0), (2, 200, 3.0), (3, 64, 1.8), (2, 40, 2.5)])
def test_cell_list_pairs_match_find_pairs(d: int, n: int, r_max: float) -> None:
    """Same pairs as find_pairs, including boxes with fewer than 3 cells per side (all pairs tested);
    unwrapped positions: x_j − x_i + shift is the minimum image and the shift a multiple of L."""
    rng = np.random.default_rng(d * n)
    box = n ** (1 / d)
    x = rng.uniform(-2 * box, 3 * box, (n, d))
    offsets = np.stack(np.meshgrid(*([np.arange(-1, 2)] * d), indexing="ij"), axis=-1).reshape(-1, d)
    pi, pj, shift = _verlet_pairs(x, box, r_max, np.ascontiguousarray(offsets[(3**d) // 2 :]))
    ri, rj, rsep = find_pairs(x, box, r_max)
    lo, hi = np.minimum(pi, pj), np.maximum(pi, pj)
    order = np.lexsort((hi, lo))
    np.testing.assert_array_equal(lo[order], ri)
    np.testing.assert_array_equal(hi[order], rj)
    sep = (x[pj] - x[pi] + shift) * np.where(pi < pj, 1.0, -1.0)[:, None]
    np.testing.assert_allclose(sep[order], rsep, rtol=0, atol=1e-12)
    np.testing.assert_allclose(shift / box, np.round(shift / box), rtol=0, atol=1e-12)


def _missing_pair_within(x: np.ndarray, reference: np.ndarray, box: float, r_list: float, r_inner: float) -> bool:
    """Brute force: is some pair now closer than r_inner that was ≥ r_list apart at ``reference``?"""

    def distances(y: np.ndarray) -> np.ndarray:
        sep = y[None, :, :] - y[:, None, :]
        sep -= box * np.rint(sep / box)
        return np.sqrt((sep**2).sum(axis=-1))

    now, then = distances(x), distances(reference)
    np.fill_diagonal(now, np.inf)
    return bool(np.any((now < r_inner) & (then >= r_list)))


def test_outer_list_check_agrees_with_brute_force_and_gives_up_when_many_particles_moved() -> None:
    """The exact test that spares a cell search: a few particles thrown far (often into a neighbour's
    range, sometimes not) give the brute-force answer; with more than 64 particles beyond budget/2 the
    test does not look and asks for a rebuild."""
    pot = soft_sphere_potential(2)
    c = _start(pot, 3, 128)
    box, r_c, budget = c.box_length, pot.max_cutoff, DEFAULT_OUTER_SKIN - DEFAULT_SKIN
    r_list, r_inner = r_c + DEFAULT_OUTER_SKIN, r_c + DEFAULT_SKIN
    rng = np.random.default_rng(11)
    answers = []
    for _ in range(150):
        x = c.positions + rng.normal(scale=0.01, size=c.positions.shape)
        movers = rng.choice(c.n_particles, size=rng.integers(1, 4), replace=False)
        x[movers] += rng.normal(scale=0.3, size=(movers.size, 3))
        missing = _missing_pair_within(x, c.positions, box, r_list, r_inner)
        assert _outer_list_holds(x, c.positions, box, r_list, r_inner, budget) == (not missing)
        answers.append(missing)
    assert 0.1 < np.mean(answers) < 0.9  # both outcomes were met
    everyone = c.positions + 0.2 * np.array([1.0, 0.0, 0.0])  # a translation: nothing came closer, but 128 moved
    assert not _missing_pair_within(everyone, c.positions, box, r_list, r_inner)
    assert not _outer_list_holds(everyone, c.positions, box, r_list, r_inner, budget)


def test_rebuild_criterion_uses_the_two_largest_displacements() -> None:
    ref = np.zeros((5, 3))
    moved = ref.copy()
    moved[2, 0] = 0.12  # one particle beyond skin/2 = 0.075 alone: no pair can have closed in by more than 0.12
    assert not _needs_rebuild(moved, ref, DEFAULT_SKIN)
    moved[4, 1] = -0.04  # 0.12 + 0.04 > 0.15: two particles could have approached each other by more than the skin
    assert _needs_rebuild(moved, ref, DEFAULT_SKIN)


def test_quench_result_records_the_settings_and_the_work() -> None:
    pot = soft_sphere_potential(2)
    result = quench(
        polydisperse_configuration(128, 3, np.random.default_rng(3)),
        pot,
        QuenchSettings(lbfgs_memory=7, skin=0.2, outer_skin=0.4),
    )
    assert result.converged and result.lbfgs_memory == 7 and result.skin == 0.2
    assert result.n_evaluations >= result.lbfgs_iterations + result.prerelax_steps and result.n_builds > 1


@pytest.mark.parametrize("order", [2, INFINITE_ORDER], ids=["T2-kernel", "generic-kernel"])
def test_coincident_particles_are_refused_with_a_clear_error(order: int) -> None:
    """Two particles on one point give r_ij = 0 (an infinite pair energy); the quench says so instead of
    running a descent on NaN forces (T_2 kernel) or failing with a bare ZeroDivisionError (generic one)."""
    pot = soft_sphere_potential(order)
    c = _start(pot, 3, 150)
    positions = c.positions.copy()
    positions[1] = positions[0]
    with pytest.raises(ValueError, match="same point"):
        quench(c.with_positions(positions), pot)
