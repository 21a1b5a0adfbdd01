"""The swap Monte Carlo kernel against the chains made before issue 65 (item 3): the same chain, bit for bit.

Issue 65 changed how the kernel sums a d = 3 displacement: the trial also computes each neighbour's squared distance
to the particle's current position, and an accepted move takes its old terms from those distances instead of a
second pass over the neighbours' positions (an earlier attempt, blocked soft-sphere sums, was reverted). Every φ is
computed from the same r² by the same operations, and every sum adds the same terms in the same order, so a chain is
meant to be the same to the last bit.  The numbers below were made by the kernel before the change (this file's
``_chain`` run at commit 4a333c5), on small systems (N = 512, 125; 40 sweeps) at the chains' own settings
(non-additive ε = 0.2 at T_d = 0.0716, |Δr| near the 30 % step, skin 0.6; the additive model whose swaps go through
the size-ratio pre-test; trials beyond skin/2; an all-pairs box).

Tolerances: counts (acceptances, list renewals, far trials) exactly; energies and position checksums to a
relative :data:`RTOL` = 10⁻¹², far above the round-off of a checksum (~10⁻¹⁵) and far below what one different
accept/reject decision does (~10⁻⁵).  On this platform the chains are identical (relative difference 0); the
tolerance allows a libm whose ``exp`` (m = ∞) rounds differently only as long as no decision changes.
"""

from __future__ import annotations

import numpy as np
import pytest

from vdosbench.generators import MCResult, MCSettings, run_swap_mc
from vdosbench.generators import INFINITE_ORDER, PairPotential, soft_sphere_potential

#: Relative tolerance of the energies and checksums (see the module docstring).
RTOL = 1e-12


def _lattice_start(n_side: int, seed: int = 2026) -> tuple[np.ndarray, np.ndarray]:
    """A jittered simple-cubic lattice at density 1 and seed-001 diameters (P(a) ∝ a⁻³ on [0.73, 1.62])."""
    rng = np.random.default_rng(seed)
    grid = np.stack(np.meshgrid(*[np.arange(n_side, dtype=float)] * 3, indexing="ij"), -1).reshape(-1, 3)
    positions = np.mod(grid + 0.5 + rng.normal(0.0, 0.1, grid.shape), n_side)
    lo, hi = 0.73, 1.62
    a = 1.0 / np.sqrt(lo**-2 - rng.random(grid.shape[0]) * (lo**-2 - hi**-2))
    return positions, a / a.mean()


def _chain(n_side: int, pot: PairPotential, temperature: float, step: float, skin: float) -> MCResult:
    positions, sizes = _lattice_start(n_side)
    n = positions.shape[0]
    settings = MCSettings(temperature=temperature, n_sweeps=40, step=step, p_swap=0.2, skin=skin, record_every=10)
    return run_swap_mc(positions, float(n_side), sizes, np.zeros(n, int), pot, settings, np.random.default_rng(7))


def _summary(res: MCResult) -> dict:
    w = np.arange(1, res.positions.shape[0] + 1, dtype=float)
    return {
        "acceptance_displacement": res.acceptance_displacement,
        "acceptance_swap": res.acceptance_swap,
        "neighbor_updates": res.neighbor_updates,
        "scan_trials": res.scan_trials,
        "energy_trace": res.energy_trace.tolist(),
        "position_checksum": float(w @ res.positions.sum(axis=1)),
        "displacement_checksum": float(w @ res.displacement.sum(axis=1)),
        "size_checksum": float(w @ res.sizes),
    }


#: (lattice side, potential, T, |Δr|, skin) of each pinned chain.
CASES = {
    "nonadditive-m2-td": (8, soft_sphere_potential(2, non_additivity=0.2), 0.0716, 0.07, 0.6),
    "nonadditive-minf-td": (8, soft_sphere_potential(INFINITE_ORDER, non_additivity=0.2), 0.0716, 0.07, 0.6),
    "additive-m2-td-step02": (8, soft_sphere_potential(2), 0.144, 0.2, 0.5),
    "additive-minf-td": (8, soft_sphere_potential(INFINITE_ORDER), 0.144, 0.07, 0.6),
    "nonadditive-m2-far-trials": (8, soft_sphere_potential(2, non_additivity=0.2), 0.3, 0.2, 0.3),
    "nonadditive-minf-small-box": (5, soft_sphere_potential(INFINITE_ORDER, non_additivity=0.2), 0.2, 0.1, 0.6),
}

#: What the kernel before issue 65 gave for each case (``_summary(_chain(*CASES[name]))`` at commit 4a333c5).
PINNED = {
    "nonadditive-m2-td": {
        "acceptance_displacement": 0.32928458642050284,
        "acceptance_swap": 0.1983059292476333,
        "neighbor_updates": 314,
        "scan_trials": 0,
        "energy_trace": [
            36.175188410172964,
            1.6839892015822078,
            1.0617761030478874,
            0.8945192109869,
            0.804371183713557,
        ],
        "position_checksum": 1770220.641509025,
        "displacement_checksum": 516.483674215875,
        "size_checksum": 131169.86023489528,
    },
    "nonadditive-minf-td": {
        "acceptance_displacement": 0.32831288716142354,
        "acceptance_swap": 0.19282511210762332,
        "neighbor_updates": 320,
        "scan_trials": 0,
        "energy_trace": [
            36.375492476819105,
            1.8250124405306636,
            1.172831466895427,
            0.9823327136708035,
            0.906954436333422,
        ],
        "position_checksum": 1770401.4938386697,
        "displacement_checksum": 697.3360038607177,
        "size_checksum": 131372.49358184723,
    },
    "additive-m2-td-step02": {
        "acceptance_displacement": 0.09929551803716749,
        "acceptance_swap": 0.2207274539113104,
        "neighbor_updates": 1636,
        "scan_trials": 0,
        "energy_trace": [
            78.87889033907263,
            3.9015812989334546,
            2.6386179576054367,
            2.2626632852109303,
            2.052304210538924,
        ],
        "position_checksum": 1771673.4011168294,
        "displacement_checksum": 1969.243282020316,
        "size_checksum": 130901.14676114552,
    },
    "additive-minf-td": {
        "acceptance_displacement": 0.32060002429248147,
        "acceptance_swap": 0.2149975087194818,
        "neighbor_updates": 350,
        "scan_trials": 0,
        "energy_trace": [
            79.07158882713162,
            4.458991514545861,
            2.699514689591561,
            2.2252995844456103,
            2.0069122481001345,
        ],
        "position_checksum": 1770442.2005650462,
        "displacement_checksum": 738.0427302371197,
        "size_checksum": 131726.95873089004,
    },
    "nonadditive-m2-far-trials": {
        "acceptance_displacement": 0.1530426333049921,
        "acceptance_swap": 0.2610861983059293,
        "neighbor_updates": 2521,
        "scan_trials": 16466,
        "energy_trace": [
            36.175188410172964,
            1.6838086057775106,
            1.258229080707264,
            1.1405883417581115,
            1.0781686278187907,
        ],
        "position_checksum": 1768870.117845022,
        "displacement_checksum": 4541.960010213018,
        "size_checksum": 130899.06855728252,
    },
    "nonadditive-minf-small-box": {
        "acceptance_displacement": 0.3241224794622853,
        "acceptance_swap": 0.2380467955239064,
        "neighbor_updates": 168,
        "scan_trials": 0,
        "energy_trace": [
            14.675958327813598,
            1.745735155374526,
            1.264438678031633,
            1.0498856605475453,
            1.002487804895367,
        ],
        "position_checksum": 66916.53672259206,
        "displacement_checksum": 24.9827168723169,
        "size_checksum": 7899.891360101253,
    },
}
COUNTS = ("acceptance_displacement", "acceptance_swap", "neighbor_updates", "scan_trials")
VALUES = ("energy_trace", "position_checksum", "displacement_checksum", "size_checksum")


@pytest.mark.parametrize("name", list(CASES), ids=list(CASES))
def test_chain_equals_the_kernel_before_issue_65(name: str) -> None:
    """Acceptances and list renewals exactly, energies and positions within RTOL, of the pre-change chain."""
    got = _summary(_chain(*CASES[name]))
    want = PINNED[name]
    assert {k: got[k] for k in COUNTS} == {k: want[k] for k in COUNTS}
    for key in VALUES:
        np.testing.assert_allclose(got[key], want[key], rtol=RTOL, atol=0, err_msg=key)


def test_a_changed_chain_fails_the_pin() -> None:
    """The case built to fail: one step length off by 10⁻⁶ changes the pinned numbers beyond RTOL."""
    side, pot, temperature, step, skin = CASES["nonadditive-m2-td"]
    got = _summary(_chain(side, pot, temperature, step * (1.0 + 1e-6), skin))
    want = PINNED["nonadditive-m2-td"]
    with pytest.raises(AssertionError):
        np.testing.assert_allclose(got["position_checksum"], want["position_checksum"], rtol=RTOL, atol=0)
