"""jax-md end to end (issue 18, item 4): a soft-sphere glass made with jax-md, exported, declared and scored.

The glass: N = 128 polydisperse soft spheres of seed 001 in d = 3 at number density 1 (diameters from our
P(a) ~ a^-3 on [0.73, 1.62], mean 1), the seed's pair potential with taper m = 2 written in jax,

    phi(r) = [(a_ij / r)^12 - (a_ij / r_c)^12] (1 - (r / r_c)^2)^2   for r < r_c = 1.955,   a_ij = (a_i + a_j) / 2,

(``vdosbench.generators.glasses.potentials``, seed 001 eqs. 14 and 16), the periodic displacement of
``jax_md.space.periodic``, minimised with ``jax_md.minimize.fire_descent`` (dt_start = 0.005, dt_max = 0.05)
from random positions (an infinite parent temperature) placed one by one, each redrawn while it comes closer
than 0.75 a_ij to one already placed: FIRE's first steps move a particle by about F dt^2, and a pair drawn at
r << a_ij (phi ~ (a_ij/r)^12) would throw it across the box; the Hessian is ``jax.hessian`` of the total energy (float64, unit masses).
The spectrum is exported as a third party would (npz + sidecar) and scored with ``vdosbench score``.

Skipped, with the reason, where jax-md or jax cannot be imported (``pip install 'vdosbench[jax-md]'``).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from vdosbench.cli import main
from vdosbench.generators.glasses.configurations import (
    Configuration,
    box_length_for,
    sample_diameters,
)
from vdosbench.generators import hessian_matrix
from vdosbench.generators import soft_sphere_potential

pytestmark = pytest.mark.jax_md

#: The jax-md glasses: samples, particles, number density, taper order, cutoff, exponent.
JAX_GLASS = {"samples": 3, "n_particles": 128, "density": 1.0, "taper_order": 2, "r_cut": 1.955, "exponent": 12}
#: FIRE stops when the largest force component is below this (float64; reached in a few thousand steps).
FORCE_TOLERANCE = 1e-10
#: FIRE gives up after this many steps (the test then fails on the force).
MAX_FIRE_STEPS = 100_000
#: Largest |H_jax - H_ours| / max|H_ours| accepted: automatic differentiation and our analytic second
#: derivatives are both exact up to float64 rounding (~1e-16 per term, a few hundred terms per entry).
HESSIAN_TOLERANCE = 1e-11


def _jax() -> tuple[ModuleType, ModuleType, ModuleType]:
    """jax (in float64), jax.numpy and jax_md, or a skip saying why they cannot be used."""
    try:
        import jax
        import jax.numpy as jnp
        import jax_md
    except ImportError as e:
        pytest.skip(f"jax-md / jax are not installed (pip install 'vdosbench[jax-md]'): {e}")
    except (OSError, RuntimeError) as e:  # a jaxlib that does not load on this CPU, a broken install
        pytest.skip(f"jax-md / jax cannot be imported here ({type(e).__name__}: {e})")
    # float64 for the whole process: the Hessian comparison is at rounding level (no other test uses jax)
    jax.config.update("jax_enable_x64", True)
    return jax, jnp, jax_md


def _random_start(diameters: np.ndarray, box: float, rng: np.random.Generator, closest: float = 0.75) -> np.ndarray:
    """Uniform random positions, each redrawn while it lies closer than ``closest`` a_ij to an earlier one."""
    placed = np.empty((0, 3))
    for k, a in enumerate(diameters):
        while True:
            x = rng.uniform(0.0, box, 3)
            d = placed - x
            d -= box * np.round(d / box)
            if np.all(np.sqrt(np.sum(d * d, axis=1)) >= closest * 0.5 * (a + diameters[:k])):
                placed = np.vstack([placed, x])
                break
    return placed


def _energy_function(jnp: ModuleType, displacement: object, n: int) -> object:
    """Total energy ``energy(positions, a_ij=...)`` of the seed-001 soft spheres with taper m (the module
    docstring's phi), over the pairs i < j (``a_ij`` of shape (n (n - 1) / 2,), ``numpy.triu_indices`` order)."""
    import jax

    i, j = np.triu_indices(n, 1)
    r_c, m, n_exp = JAX_GLASS["r_cut"], JAX_GLASS["taper_order"], JAX_GLASS["exponent"]

    def energy(positions: object, a_ij: object) -> object:
        dr = jax.vmap(displacement)(positions[i], positions[j])
        r = jnp.sqrt(jnp.sum(dr * dr, axis=-1))
        phi = ((a_ij / r) ** n_exp - (a_ij / r_c) ** n_exp) * (1.0 - (r / r_c) ** 2) ** m
        return jnp.sum(jnp.where(r < r_c, phi, 0.0))  # both branches finite: no NaN gradient

    return energy


@pytest.fixture(scope="module")
def jax_md_glasses() -> dict[str, np.ndarray | float | list[int]]:
    """The jax-md glasses: positions, diameters, box, Hessians from ``jax.hessian``, FIRE steps and max |F|."""
    jax, jnp, jax_md = _jax()
    n = JAX_GLASS["n_particles"]
    box = box_length_for(n, JAX_GLASS["density"], 3)
    displacement, shift = jax_md.space.periodic(box)
    energy = _energy_function(jnp, displacement, n)
    init, apply = jax_md.minimize.fire_descent(energy, shift, dt_start=0.005, dt_max=0.05)

    def unconverged(carry: tuple) -> object:
        return (jnp.max(jnp.abs(carry[0].force)) >= FORCE_TOLERANCE) & (carry[2] < MAX_FIRE_STEPS)

    @jax.jit
    def fire(start: object, a_ij: object) -> tuple[object, object]:
        state, _, steps = jax.lax.while_loop(
            unconverged, lambda c: (apply(c[0], a_ij=c[1]), c[1], c[2] + 1), (init(start, a_ij=a_ij), a_ij, 0)
        )
        return state, steps

    hessian = jax.jit(jax.hessian(energy))
    max_force = jax.jit(lambda r, a_ij: jnp.max(jnp.abs(jax.grad(energy)(r, a_ij))))
    i, j = np.triu_indices(n, 1)
    rng = np.random.default_rng(1818)
    positions, diameters, hessians, steps, forces = [], [], [], [], []
    seconds = []
    for _ in range(JAX_GLASS["samples"]):
        a = sample_diameters(n, rng)
        a_ij = jnp.asarray(0.5 * (a[i] + a[j]))
        start = time.perf_counter()  # the first sample's time includes jit compilation
        state, done = fire(jnp.asarray(_random_start(a, box, rng)), a_ij)
        positions.append(np.asarray(state.position))
        diameters.append(a)
        hessians.append(np.asarray(hessian(state.position, a_ij)).reshape(3 * n, 3 * n))
        seconds.append(time.perf_counter() - start)
        steps.append(int(done))
        forces.append(float(max_force(state.position, a_ij)))
    return {
        "positions": np.array(positions),
        "diameters": np.array(diameters),
        "box": box,
        "hessians": np.array(hessians),
        "steps": steps,
        "max_force": np.array(forces),
        "seconds": seconds,
    }


def test_jax_md_fire_reaches_a_minimum(jax_md_glasses: dict) -> None:
    """FIRE converged: the forces vanish and the Hessian is positive semi-definite with exactly 3 zero modes."""
    assert np.all(jax_md_glasses["max_force"] < FORCE_TOLERANCE), jax_md_glasses["max_force"]
    for h in jax_md_glasses["hessians"]:
        lam = np.linalg.eigvalsh(h)
        assert np.all(np.abs(lam[:3]) < 1e-8) and lam[3] > 1e-4, lam[:5]  # translations, then a stable glass


def test_our_analytic_hessian_equals_jax_autodiff(jax_md_glasses: dict) -> None:
    """On jax-md's positions our analytic Hessian (numba, pair by pair) equals jax.hessian of the energy."""
    potential = soft_sphere_potential(JAX_GLASS["taper_order"], JAX_GLASS["exponent"], JAX_GLASS["r_cut"])
    for r, a, h_jax in zip(jax_md_glasses["positions"], jax_md_glasses["diameters"], jax_md_glasses["hessians"]):
        h_ours = hessian_matrix(Configuration(r, jax_md_glasses["box"], sizes=a), potential).toarray()
        deviation = np.max(np.abs(h_jax - h_ours)) / np.max(np.abs(h_ours))
        assert deviation < HESSIAN_TOLERANCE, deviation
        # built to fail: another taper order on the same positions is far off
        other = hessian_matrix(Configuration(r, jax_md_glasses["box"], sizes=a), soft_sphere_potential(3)).toarray()
        assert np.max(np.abs(h_jax - other)) / np.max(np.abs(h_ours)) > 1e-3


def test_jax_md_glass_is_scored_with_verdicts(
    jax_md_glasses: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exported as an npz with a sidecar, the jax-md glasses get verdicts (not '0 of 0'), and the cross-code
    check (our Hessian on the same positions) agrees with jax-md's spectrum."""
    eigenvalues = np.array([np.linalg.eigvalsh(h) for h in jax_md_glasses["hessians"]])
    n_samples = eigenvalues.shape[0]
    npz = tmp_path / "jaxmd.npz"
    np.savez(
        npz,
        eigenvalues=eigenvalues,
        positions=jax_md_glasses["positions"],
        box_length=np.full(n_samples, jax_md_glasses["box"]),
        diameters=jax_md_glasses["diameters"],
        spatial_dimension=3,
    )
    (tmp_path / "jaxmd.vdos.toml").write_text(
        'model = "soft_spheres"\ntaper_order = 2\nspatial_dimension = 3\ndensity = 1.0\n'
        'quench = "jax-md FIRE from uniformly random positions to max |F| < 1e-10"\n'
    )
    code = main(["score", str(npz), "--output", str(tmp_path / "report")])
    printed = capsys.readouterr().out
    result = json.loads((tmp_path / "report" / "result.json").read_text())
    assert code in (0, 1), printed
    assert "declared: jaxmd: model=soft_spheres" in printed
    assert result["totals"]["applicable"] >= 1
    goe = next(r for r in result["results"] if r["id"] == "schirmacher.goe-lowest-50")
    assert goe["verdict"] in ("supported", "refuted", "inconclusive")
    (check,) = result["cross_code"]
    assert check["status"] == "agree" and check["n_samples"] == n_samples and check["n_modes"] == 50, check
    # eigenvalues of matrices equal to ~1e-13 of max|H|: the lowest modes agree far below the 1e-3 tolerance
    assert check["max_relative_deviation"] < 1e-8, check


def _export(folder: Path, name: str, eigenvalues: np.ndarray, glasses: dict, quench: str) -> Path:
    """An npz + sidecar as a third party writes it (positions, box, diameters; the model declared)."""
    folder.mkdir(parents=True, exist_ok=True)
    npz = folder / f"{name}.npz"
    n_samples = eigenvalues.shape[0]
    np.savez(
        npz,
        eigenvalues=eigenvalues,
        positions=glasses["positions"],
        box_length=np.full(n_samples, glasses["box"]),
        diameters=glasses["diameters"],
        spatial_dimension=3,
    )
    (folder / f"{name}.vdos.toml").write_text(
        f'model = "soft_spheres"\ntaper_order = 2\nspatial_dimension = 3\ndensity = 1.0\nquench = "{quench}"\n'
    )
    return npz


#: Claims of the comparison: the shipped GOE claim, and the shipped omega0 claim opened to any N (it applies to
#: N = 1000 only; here it puts the shear modulus of each code's configurations into the table).
COMPARE_CLAIMS = """
[[claim]]
id = "goe-lowest-50"
source = { file = "001_d453c975fd50a4a2.txt", where = "Fig. 2" }
statement = "The lowest 50 modes show GOE level statistics."
applies_to = { model = ["soft_spheres"] }
requires = ["eigenvalue"]
measure = { validator = "level_statistics", quantity = "mean_r_tilde", window = "lowest", n_modes = 50, n_bootstrap = 200, seed = 0 }
expect = { kind = "equal", value = 0.5307, tolerance = 0.036, basis = "the shipped claim's" }

[[claim]]
id = "omega0-from-shear-modulus"
source = { file = "001_d453c975fd50a4a2.txt", where = "Results" }
statement = "The lowest phonon resonance from the shear modulus."
applies_to = { model = "soft_spheres" }
requires = ["position", "box_length"]
measure = { validator = "shear_modulus_omega0", quantity = "omega0", n_bootstrap = 200, seed = 0 }
expect = { kind = "equal", value = 1.5, tolerance = 0.15, basis = "the shipped claim's" }
"""


def test_compare_codes_table_of_vdosbench_jax_md_and_ase(
    jax_md_glasses: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same three glasses, their spectra by vdosbench (analytic Hessian), jax-md (jax.hessian) and ASE
    (central differences of an ASE calculator's forces), each scored, then one table: the codes agree."""
    pytest.importorskip("ase", reason="the ASE column needs the optional extra vdosbench[ase]")
    pytest.importorskip("matscipy", reason="the ASE calculator's neighbour list needs vdosbench[matscipy]")
    import ase
    from third_party_calculators import PairCalculator, finite_difference_hessian

    potential = soft_sphere_potential(JAX_GLASS["taper_order"], JAX_GLASS["exponent"], JAX_GLASS["r_cut"])
    box = jax_md_glasses["box"]
    spectra: dict[str, list[np.ndarray]] = {"vdosbench": [], "jax-md": [], "ase": []}
    seconds: dict[str, float] = {"vdosbench": 0.0, "ase": 0.0}
    for r, a, h_jax in zip(jax_md_glasses["positions"], jax_md_glasses["diameters"], jax_md_glasses["hessians"]):
        start = time.perf_counter()
        spectra["vdosbench"].append(
            np.linalg.eigvalsh(hessian_matrix(Configuration(r, box, sizes=a), potential).toarray())
        )
        seconds["vdosbench"] += time.perf_counter() - start
        spectra["jax-md"].append(np.linalg.eigvalsh(h_jax))
        atoms = ase.Atoms("H" * len(r), positions=r, cell=np.eye(3) * box, pbc=True)
        atoms.arrays["diameter"] = a
        atoms.calc = PairCalculator(potential)
        start = time.perf_counter()
        spectra["ase"].append(np.linalg.eigvalsh(finite_difference_hessian(atoms)))
        seconds["ase"] += time.perf_counter() - start
    n = len(spectra["ase"])
    costs = {
        "vdosbench": seconds["vdosbench"] / n,
        "jax-md": float(np.median(jax_md_glasses["seconds"])),
        "ase": seconds["ase"] / n,
    }
    claims = tmp_path / "claims.toml"
    claims.write_text(COMPARE_CLAIMS)
    results = []
    for code, lam in spectra.items():
        npz = _export(tmp_path / code, code, np.array(lam), jax_md_glasses, f"{code} spectrum of jax-md FIRE minima")
        code_out = tmp_path / f"{code}-report"
        assert main(["score", str(npz), "--claims", str(claims), "--output", str(code_out)]) in (0, 1)
        results.append(f"{code}={code_out / 'result.json'}")
    out = tmp_path / "comparison"
    cost_args = [arg for code, c in costs.items() for arg in ("--cost", f"{code}={c}")]
    assert main(["compare-codes", *results, *cost_args, "--output", str(out)]) == 0, capsys.readouterr().err
    table = json.loads((out / "comparison.json").read_text())
    rows = {(r["section"], r["name"]): r for r in table["rows"]}
    hessian = rows[("hessian", "eigenvalues")]
    assert hessian["summary"] == "all agree", hessian  # each code's spectrum against our Hessian on its positions
    goe = rows[("verdicts", "goe-lowest-50")]
    assert goe["summary"] == "same verdict" and goe["verdicts"][0] in ("supported", "refuted", "inconclusive"), goe
    (modulus,) = [r for (section, _), r in rows.items() if section == "moduli"]
    assert modulus["max_relative_deviation"] < 1e-9, modulus  # the same positions: the same shear modulus
    assert all(cell.endswith(" s") for cell in rows[("cost", "seconds per sample")]["cells"])
    assert "| goe-lowest-50 |" in (out / "comparison.md").read_text()
