"""Certified samples (issue 67 item 3, first part): the inertia count against stored modes, and the other checks,
on structures whose answer is known (a crystal, the same crystal with a mode removed, displaced, or in a box
smaller than twice the cutoff)."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from vdosbench.benchmark.certify import MAX_RESIDUAL_FORCE, certified, sample_certificates
from vdosbench.generators import fcc_crystal
from vdosbench.generators import hessian_matrix
from vdosbench.generators import soft_sphere_potential


def _dataset(cells: int = 3, drop: int | None = None, displace: float = 0.0, seed: int = 0) -> xr.Dataset:
    """One sample: an fcc crystal (optionally displaced) with its lowest eigenvalues up to the second distinct
    phonon level (brute force, dense), ``drop`` removing one stored mode as a solver that missed it would."""
    c = fcc_crystal(cells)
    pos = c.positions + displace * np.random.default_rng(seed).standard_normal(c.positions.shape)
    c = type(c)(pos, c.box_length, sizes=c.sizes, species=c.species)
    w = np.linalg.eigvalsh(hessian_matrix(c, soft_sphere_potential(2)).toarray())
    distinct = np.flatnonzero(np.diff(w) > 1e-6 * w[-1])  # ends of degenerate levels
    lam = w[: distinct[1] + 2]  # the zeros, the first level, and the first mode of the next
    if drop is not None:
        lam = np.delete(lam, drop)
    return xr.Dataset(
        {
            "eigenvalue": (("sample", "mode"), lam[None]),
            "position": (("sample", "site", "spatial"), c.positions[None]),
            "box_length": ("sample", [c.box_length]),
            "diameter": (("sample", "site"), np.ones((1, c.n_particles))),
        },
        attrs={"potential": "soft_sphere", "taper_order": 2},
    )


def test_a_crystal_with_all_its_lowest_modes_is_certified() -> None:
    cert = sample_certificates(_dataset())
    assert int(cert["missed"][0]) == 0 and int(cert["zero_modes"][0]) == 3
    assert int(cert["inertia_count"][0]) == int(cert["returned_below"][0])
    assert float(cert["residual_force_max"][0]) < 1e-10 and float(cert["hessian_asymmetry"][0]) == 0.0
    assert bool(certified(cert)[0])


def test_a_missed_mode_fails_the_certificate() -> None:
    cert = sample_certificates(_dataset(drop=4))  # a mode of the first phonon level, below the shift
    assert int(cert["missed"][0]) == 1
    assert not bool(certified(cert)[0])


def test_a_structure_off_its_minimum_fails_on_its_residual_force() -> None:
    cert = sample_certificates(_dataset(displace=0.01))
    assert float(cert["residual_force_max"][0]) > MAX_RESIDUAL_FORCE
    assert int(cert["missed"][0]) == 0  # its own Hessian's modes are all there; the force decides
    assert not bool(certified(cert)[0])


def test_a_box_smaller_than_twice_the_cutoff_fails() -> None:
    # 32 particles, L = 3.17 < 2 r_c = 3.91: no minimum-image Hessian exists, the stored values are not read
    c = fcc_crystal(2)
    ds = xr.Dataset(
        {
            "eigenvalue": (("sample", "mode"), [[0.0, 0.0, 0.0, 1.0, 2.0]]),
            "position": (("sample", "site", "spatial"), c.positions[None]),
            "box_length": ("sample", [c.box_length]),
            "diameter": (("sample", "site"), np.ones((1, c.n_particles))),
        },
        attrs={"potential": "soft_sphere", "taper_order": 2},
    )
    cert = sample_certificates(ds)
    assert float(cert["box_over_cutoff"][0]) < 1.0 and np.isnan(float(cert["missed"][0]))
    assert not bool(certified(cert)[0])


def test_it_says_what_it_needs() -> None:
    with pytest.raises(ValueError, match=r"lacks \['position'"):
        sample_certificates(_dataset().drop_vars("position"))
