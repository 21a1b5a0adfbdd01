"""A parameter point of mock spectra stored as our lowest-mode generators store it (shared by the claim tests).

``tests/benchmark/test_absolute_frequency_claims.py`` and ``tests/benchmark/test_protocols.py`` score mock
spectra of a known exponent through the claims; both need the same layout: eigenvalues with the 3 translations
first (flagged in ``zero_mode``), each sample's moduli and its cubic box.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from vdosbench.generators import MockSpectra


def lowest_mode_point(m: MockSpectra, n_particles: int) -> xr.Dataset:
    """One point (sample, mode) of ``m``: ``eigenvalue`` = ω² after 3 zero modes, ``zero_mode``, ``shear_modulus``,
    ``bulk_modulus`` and ``box_length`` = (N/ρ)^(1/3)."""
    n_samples = m.omega.shape[0]
    lam = np.concatenate([np.zeros((n_samples, 3)), m.omega**2], axis=1)
    zero = np.zeros(lam.shape, bool)
    zero[:, :3] = True
    return xr.Dataset(
        {
            "eigenvalue": (("sample", "mode"), lam),
            "zero_mode": (("sample", "mode"), zero),
            "shear_modulus": ("sample", m.shear_modulus),
            "bulk_modulus": ("sample", m.bulk_modulus),
            "box_length": ("sample", np.full(n_samples, (n_particles / m.density) ** (1 / 3))),
        },
        coords={"sample": np.arange(n_samples)},
    )
