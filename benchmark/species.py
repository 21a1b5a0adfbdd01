"""The species of a declared system: values the model's potential has parameters for (issue 64, G9).

Read by the declaration (species refused whenever data are declared) and by the cross-code check (before it
rebuilds a Hessian); a module of its own so that neither imports the other.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from .adapters import AdapterError

__all__ = ["check_species"]


def check_species(ds: xr.Dataset, n_species: int, model: str, name: str = "data") -> None:
    """Refuse species outside 0 … n_species − 1 of the declared model, naming the values found and the fix.

    Raises
    ------
    AdapterError
        (exit status 2) when ``ds["species"]`` holds a value the model's potential has no parameters for.

    Examples
    --------
    >>> ds = xr.Dataset({"species": (("sample", "site"), [[0, 1, 2]])})
    >>> try:
    ...     check_species(ds, 2, "kob_andersen")
    ... except AdapterError as e:
    ...     print(str(e)[:55])
    data: the data's species are [0, 1, 2]; model 'kob_ande
    """
    found = np.unique(np.asarray(ds["species"].values))
    bad = found[(found < 0) | (found >= n_species)]
    if bad.size:
        shown = found[:10].tolist()
        raise AdapterError(
            f"{name}: the data's species are {shown}{' ...' if found.size > 10 else ''}; model {model!r} has species "
            f"0 ... {n_species - 1} (Kob-Andersen: 0 = A, 1 = B), so {bad[:10].tolist()} cannot be compared with "
            "our potential. Fix: store species 0 ... n-1 (LAMMPS atom types 1 ... n are read as type - 1: use the "
            "npz key 'types' or --set species_base=1), or declare the model these particles belong to"
        )
