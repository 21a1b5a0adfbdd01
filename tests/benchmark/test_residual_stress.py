"""The residual stress of a glass (issue 67 item 4) against known answers.

- a brute-force pair sum over every pair of the box (minimum image, no neighbour list);
- the finite difference of the energy under an affine strain of the box (Lees-Edwards for the shears), whose
  derivative is V σ^{αβ} by definition: σ^{αβ} = (1/V) ∂U/∂ε_{αβ};
- the validator reading stored ragged pair stresses gives the same tensor as the rebuild from positions;
- a structure whose stress is known in closed form (a cubic crystal: isotropic, no shear stress);
- data built to fail: no positions and no pair stresses.
"""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from tests.support.strain_fd import strained_pairs
from vdosbench.benchmark.residual_stress import sample_residual_stress, with_residual_stress
from vdosbench.generators import Configuration, fcc_crystal
from vdosbench.generators import interacting_pairs
from vdosbench.generators import kob_andersen_potential, soft_sphere_potential
from vdosbench.generators import pair_stresses
from vdosbench.validators import deviatoric_shear_stress, residual_stress

#: Relative agreement of two exact computations of one sum (round-off of a few thousand terms).
EXACT_RTOL = 1e-10
#: Central difference with step 1e-6: truncation O(eps^2 U''') and round-off O(1e-16 U / eps): ~1e-8 relative.
FD_STEP, FD_RTOL = 1e-6, 1e-6


def _disordered(kind: str, seed: int = 0) -> tuple[Configuration, object]:
    """A 256-particle fcc box displaced at random (and polydisperse for soft spheres): a stressed structure
    whose shear stress is not zero (the identities tested hold for any structure, minimum or not)."""
    rng = np.random.default_rng(seed)
    c = fcc_crystal(4)
    pos = (c.positions + 0.08 * rng.standard_normal(c.positions.shape)) % c.box_length
    if kind == "soft_spheres":
        sizes = rng.uniform(0.85, 1.15, c.n_particles)
        return Configuration(pos, c.box_length, sizes=sizes), soft_sphere_potential(2)
    species = (rng.random(c.n_particles) < 0.2).astype(np.int64)
    return Configuration(pos * 1.1, c.box_length * 1.1, species=species), kob_andersen_potential(2)


def _point(configs: list[Configuration], kind: str) -> xr.Dataset:
    per_site = (
        ("diameter", [c.sizes for c in configs])
        if kind == "soft_spheres"
        else ("species", [c.species for c in configs])
    )
    attrs = {
        "potential": "soft_sphere" if kind == "soft_spheres" else "kob_andersen",
        "taper_order": 2,
        "spatial_dimension": 3,
    }
    return xr.Dataset(
        {
            "position": (("sample", "site", "spatial"), np.stack([c.positions for c in configs])),
            "box_length": ("sample", [c.box_length for c in configs]),
            per_site[0]: (("sample", "site"), np.stack(per_site[1])),
            "eigenvalue": (("sample", "mode"), np.zeros((len(configs), 3))),
        },
        coords={"sample": np.arange(len(configs))},
        attrs=attrs,
    )


def _brute_force(config: Configuration, potential) -> np.ndarray:  # type: ignore[no-untyped-def]
    """σ = (1/V) Σ_{i<j} r^a r^b φ′(r)/r over every pair of the box, minimum image, no cell list."""
    x, box = config.positions, config.box_length
    sep = x[None, :, :] - x[:, None, :]
    sep -= box * np.round(sep / box)
    i, j = np.triu_indices(config.n_particles, 1)
    v = sep[i, j]
    r = np.linalg.norm(v, axis=1)
    if potential.name == "soft_sphere":
        _, dphi, _ = potential.evaluate(r, config.sizes[i], config.sizes[j])
    else:  # the species pair's own cutoff r_c = 2.5 sigma_ab
        _, dphi, _ = potential.evaluate(r, 1.0, 1.0, config.species[i], config.species[j])
        dphi = np.where(r < potential.cutoff[config.species[i], config.species[j]], dphi, 0.0)
    return np.einsum("p,pa,pb->ab", dphi / r, v, v) / box**3


@pytest.mark.parametrize("kind", ["soft_spheres", "kob_andersen"])
def test_the_rebuilt_stress_is_the_brute_force_pair_sum(kind: str) -> None:
    configs, pots = zip(*(_disordered(kind, seed) for seed in (0, 1)))
    got = sample_residual_stress(_point(list(configs), kind)).values
    for k, (c, pot) in enumerate(zip(configs, pots)):
        want = _brute_force(c, pot)
        assert np.allclose(got[k], want, rtol=EXACT_RTOL, atol=EXACT_RTOL * np.abs(want).max())
        assert abs(want[0, 1]) > 1e-3 * abs(want[0, 0])  # the structure does carry a shear stress


@pytest.mark.parametrize(("a", "b"), [(0, 1), (0, 2), (1, 2), (0, 0), (2, 2)], ids=["xy", "xz", "yz", "xx", "zz"])
def test_the_stress_is_the_derivative_of_the_energy_under_strain(a: int, b: int) -> None:
    config, pot = _disordered("soft_spheres", seed=3)
    pairs = interacting_pairs(config, pot)
    strain = np.zeros((3, 3))
    strain[a, b] = strain[b, a] = 1.0 if a == b else 0.5  # symmetric strain: dU/d eps = V sigma_ab
    zero = np.zeros((config.n_particles, 3))
    u = [float(np.sum(strained_pairs(config, pot, pairs, e, strain, zero).phi)) for e in (-FD_STEP, FD_STEP)]
    derivative = (u[1] - u[0]) / (2 * FD_STEP) / config.box_length**3
    sigma = sample_residual_stress(_point([config], "soft_spheres")).values[0]
    assert derivative == pytest.approx(sigma[a, b], rel=FD_RTOL)


def test_the_validator_reads_stored_pair_stresses_as_the_rebuild_from_positions() -> None:
    configs = [_disordered("soft_spheres", seed)[0] for seed in (4, 5, 6)]
    pot = soft_sphere_potential(2)
    stresses = [pair_stresses(interacting_pairs(c, pot)) for c in configs]
    point = _point(configs, "soft_spheres")
    stored = point.assign(
        pair_count=("sample", [s.psi.size for s in stresses]),
        pair_stress=(("pair", "spatial", "spatial_b"), np.concatenate([s.stress for s in stresses])),
    )
    from_pairs = residual_stress(stored, n_bootstrap=20)
    rebuilt = residual_stress(with_residual_stress(point), n_bootstrap=20)
    assert from_pairs.settings["source"] == "sum of pair_stress over V"
    assert rebuilt.settings["source"] == "stored residual_stress"
    np.testing.assert_allclose(
        from_pairs.per_sample["stress"].values, rebuilt.per_sample["stress"].values, rtol=EXACT_RTOL, atol=1e-14
    )
    assert from_pairs.shear_stress.value == pytest.approx(rebuilt.shear_stress.value, rel=EXACT_RTOL)


def test_a_cubic_crystal_has_pressure_and_no_shear_stress() -> None:
    c = fcc_crystal(3)
    result = residual_stress(
        with_residual_stress(
            _point([c, c], "soft_spheres").assign(diameter=(("sample", "site"), np.ones((2, c.n_particles))))
        ),
        n_bootstrap=20,
    )
    assert result.pressure.value > 0  # repulsive particles pressed together
    assert result.shear_stress.value < 1e-12 * result.pressure.value


def test_the_shear_stress_does_not_depend_on_the_axes() -> None:
    rng = np.random.default_rng(7)
    a = rng.standard_normal((3, 3))
    sigma = a + a.T
    q, _ = np.linalg.qr(rng.standard_normal((3, 3)))
    assert deviatoric_shear_stress(q @ sigma @ q.T) == pytest.approx(deviatoric_shear_stress(sigma), rel=1e-12)
    simple = np.zeros((3, 3))
    simple[0, 2] = simple[2, 0] = -0.3
    assert float(deviatoric_shear_stress(simple - 2.0 * np.eye(3))) == pytest.approx(0.3, rel=1e-12)


def test_the_mean_shear_stress_interval_covers_a_known_mean() -> None:
    # sigma_xy ~ N(0, 0.01^2) only: tau = |sigma_xy|, its mean 0.01 sqrt(2/pi) (half-normal)
    rng = np.random.default_rng(11)
    t = np.zeros((400, 3, 3))
    t[:, 0, 1] = t[:, 1, 0] = 0.01 * rng.standard_normal(400)
    ds = xr.Dataset(
        {
            "residual_stress": (("sample", "spatial", "spatial_b"), t),
            "eigenvalue": (("sample", "mode"), np.zeros((400, 3))),
        },
        coords={"sample": np.arange(400)},
        attrs={"spatial_dimension": 3},
    )
    r = residual_stress(ds, n_bootstrap=400)
    truth = 0.01 * np.sqrt(2 / np.pi)
    assert r.shear_stress.low < truth < r.shear_stress.high
    assert r.shear_stress_rms.low < 0.01 < r.shear_stress_rms.high
    # built to fail: a mean twice as large lies outside the interval
    assert not r.shear_stress.low < 2 * truth < r.shear_stress.high


def test_no_configuration_and_no_pair_stresses_is_a_clear_error() -> None:
    ds = xr.Dataset(
        {"eigenvalue": (("sample", "mode"), np.zeros((2, 3))), "box_length": ("sample", [5.0, 5.0])},
        attrs={"spatial_dimension": 3},
    )
    with pytest.raises(ValueError, match="residual_stress.*pair_stress.*with_residual_stress"):
        residual_stress(ds)
    with pytest.raises(ValueError, match=r"lacks \['position', 'diameter or species'\]"):
        with_residual_stress(ds)
