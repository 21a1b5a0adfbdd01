"""Cross-code agreement: recompute a declared dataset's spectrum with our analytic Hessian and compare.

A third-party dataset that declares its model and taper order
(:mod:`vdosbench.benchmark.declaration`) and stores the configurations
(``position``, ``box_length`` and the ``diameter`` of soft spheres or the
``species`` of a Kob–Andersen mixture) can be checked mode by mode: on the
same positions, the analytic Hessian of
:func:`vdosbench.generators.glasses.hessian.hessian_matrix` with the model's potential
(:mod:`vdosbench.generators.glasses.potentials`, unit masses) gives eigenvalues λ_ours,
and :func:`vdosbench.validators.eigenvalue_agreement` reports
|λ_theirs − λ_ours| / λ_ours per sample and mode over the lowest
:data:`CROSS_CHECK_MODES` non-zero modes (the d translations excluded) of
the first :data:`CROSS_CHECK_SAMPLES` samples.  The codes *agree* when the
largest deviation is at most :data:`CROSS_CHECK_TOLERANCE`.

The tolerance 10⁻³ was chosen before any third-party spectrum was compared:
a code that writes its dynamical matrix rounded to 10⁻⁸ (LAMMPS
``dynamical_matrix``, 8 decimals) by central finite differences moves the
lowest eigenvalues of a glass (λ ~ 10⁻²…1) by far less, while an error in the
Hessian (a missing term, another taper, masses, units, another cutoff)
moves them by much more.  Sorted eigenvalues are compared index by index,
which is stable under small perturbations (Weyl: |λ_i(A) − λ_i(B)| ≤ ‖A − B‖₂)
even where modes are nearly degenerate.

Nothing here judges a claim: the check is reported next to the verdicts
(``report.md``, ``result.json``: ``cross_code``) and printed by
``vdosbench score``; it does not change the exit status.  The dense
diagonalisations run on one BLAS thread per core in use and show their
progress (:func:`vdosbench.benchmark.progress.dense_steps`).  When the dense
Hessian (:data:`HESSIAN_COPIES` × (dN)² × 8 bytes) exceeds the memory bound
(:func:`vdosbench.datasets.check_memory`), or runs out of memory, the check
is "not run" with the reason, and the score goes on.  Species outside the
declared model's (Kob–Andersen: 0, 1) are bad input: an
:class:`~vdosbench.benchmark.adapters.AdapterError` (exit status 2) naming
the values found.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.linalg
import xarray as xr

from vdosbench.datasets.memory import MemoryBoundError, check_memory

from .data_model import dataset_potential, sample_configuration
from .declaration import MODELS, system_value
from .progress import dense_steps
from .species import check_species

__all__ = [
    "HESSIAN_COPIES",
    "check_species",
    "CROSS_CHECK_MODES",
    "CROSS_CHECK_SAMPLES",
    "CROSS_CHECK_TOLERANCE",
    "CrossCodeCheck",
    "cross_code_check",
]

#: Lowest non-zero modes compared per sample.
CROSS_CHECK_MODES = 50
#: Samples compared (the first ones): a wrong Hessian is wrong in every sample, and each costs a diagonalisation.
CROSS_CHECK_SAMPLES = 5
#: Largest relative eigenvalue deviation at which the codes agree.
CROSS_CHECK_TOLERANCE = 1e-3
#: Dense (3N)² float64 copies held while our Hessian is diagonalised (the matrix and LAPACK's work arrays).
HESSIAN_COPIES = 3
#: ``status`` values of :class:`CrossCodeCheck`.
STATUSES = ("agree", "disagree", "not run")


@dataclass(frozen=True)
class CrossCodeCheck:
    """The cross-code check of one input.

    Attributes
    ----------
    dataset
        The input's name.
    status
        ``"agree"``, ``"disagree"`` or ``"not run"`` (then ``reason`` says why).
    reason
        Why it was not run, or what was compared.
    potential
        Our potential used (e.g. ``"kob_andersen, taper m = 0"``).
    n_samples, n_modes
        Samples compared and non-zero modes compared per sample.
    max_relative_deviation, rms_relative_deviation
        Over every compared sample and mode.
    worst
        ``{"sample": s, "mode": k, "theirs": λ, "ours": λ}`` where the deviation is largest.
    per_mode
        Largest relative deviation over the samples, per compared mode (mode index: value).
    tolerance
        :data:`CROSS_CHECK_TOLERANCE`.
    """

    dataset: str
    status: str
    reason: str = ""
    potential: str = ""
    n_samples: int = 0
    n_modes: int = 0
    max_relative_deviation: float | None = None
    rms_relative_deviation: float | None = None
    worst: dict[str, Any] = field(default_factory=dict)
    per_mode: dict[int, float] = field(default_factory=dict)
    tolerance: float = CROSS_CHECK_TOLERANCE

    def summary(self) -> str:
        """One line, e.g. ``"ka: agree: max |Δλ|/λ = 2.1e-07 over the lowest 50 non-zero modes of 5 samples ..."``."""
        if self.status == "not run":
            return f"{self.dataset}: not run: {self.reason}"
        w = self.worst
        return (
            f"{self.dataset}: {self.status}: max |lambda_theirs - lambda_ours| / lambda_ours = "
            f"{self.max_relative_deviation:.3g} (rms {self.rms_relative_deviation:.3g}) over the lowest "
            f"{self.n_modes} non-zero modes of {self.n_samples} sample{'s' if self.n_samples != 1 else ''}, "
            f"tolerance {self.tolerance:g}; worst: sample {w['sample']}, mode {w['mode']} "
            f"(theirs {w['theirs']:.6g}, ours {w['ours']:.6g}); our Hessian: {self.potential}"
            + ("; " + self.reason.split("; ", 1)[1] if "; " in self.reason else "")
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form (``result.json``: ``cross_code``)."""
        return {
            "dataset": self.dataset,
            "status": self.status,
            "reason": self.reason,
            "potential": self.potential,
            "n_samples": self.n_samples,
            "n_modes": self.n_modes,
            "max_relative_deviation": self.max_relative_deviation,
            "rms_relative_deviation": self.rms_relative_deviation,
            "worst": self.worst,
            "per_mode_max_relative_deviation": {str(k): v for k, v in self.per_mode.items()},
            "tolerance": self.tolerance,
        }


def _not_run(name: str, reason: str) -> CrossCodeCheck:
    return CrossCodeCheck(name, "not run", reason)


def _declaration_gap(ds: xr.Dataset) -> tuple[str | None, Any, Any, str]:
    """Why the declaration or the data cannot be checked (None if they can), the model, taper and per-site variable."""
    if str(ds.attrs.get("hessian", "")).startswith("analytic, vdosbench"):
        own = "the spectrum was computed by vdosbench's own Hessian (format 'ase'): nothing to cross-check"
        return own, None, None, ""
    _, model_name = system_value(ds, "model")
    model = MODELS[str(model_name)]
    if model.potential is None:
        return (
            f"model {model.name!r} has no vdosbench potential; the check needs model soft_spheres or kob_andersen",
            model,
            None,
            "",
        )
    known, taper = system_value(ds, "taper_order")
    if not known:
        return (
            "declare taper_order (the potential's taper at its cutoff; 0 = plain truncated-and-shifted cut, "
            "as LAMMPS lj/cut with pair_modify shift yes; inf for T_inf) to compare with our Hessian",
            model,
            None,
            "",
        )
    per_site = "diameter" if model.potential == "soft_sphere" else "species"
    missing = [v for v in ("position", "box_length", per_site) if v not in ds.variables]
    if missing:
        return (
            f"the data lack {missing}: store the configurations (npz keys positions, box_length and "
            f"{'diameters' if per_site == 'diameter' else 'species (0 = A, 1 = B)'})",
            model,
            taper,
            per_site,
        )
    if len(ds["eigenvalue"].dims) != 2:
        return (
            f"eigenvalue has dims {ds['eigenvalue'].dims}; the check compares (sample, mode) data",
            model,
            taper,
            per_site,
        )
    return None, model, taper, per_site


def _our_lowest_eigenvalues(
    ds: xr.Dataset, potential: Any, per_site: str, n_sample: int, n_dof: int, k: int, name: str
) -> np.ndarray | str:
    """The k lowest eigenvalues of our dense Hessian of each sample, or why they cannot be computed."""
    from vdosbench.generators.glasses.hessian import hessian_matrix

    try:
        check_memory(
            HESSIAN_COPIES * 8 * n_dof**2,
            f"the cross-code check's dense Hessian of {name} ({n_dof} x {n_dof}, {HESSIAN_COPIES} copies: the matrix "
            "and LAPACK's work arrays)",
            "skip the check with --no-cross-check, or store fewer particles per sample",
        )
    except MemoryBoundError as e:
        return f"{e} (the verdicts do not depend on it)"
    ours = np.empty((n_sample, k))
    with dense_steps(f"cross-code check of {name}: our Hessian", n_sample, n_dof) as done:
        for s in range(n_sample):
            try:
                config = sample_configuration(ds, s, per_site)
            except ValueError as e:
                return str(e)
            try:
                dense = hessian_matrix(config, potential).toarray()
                ours[s] = scipy.linalg.eigh(dense, eigvals_only=True, subset_by_index=[0, k - 1])
            except ValueError as e:  # e.g. a box smaller than twice the cutoff
                return f"our Hessian cannot be built for sample {s}: {e}"
            except MemoryError as e:
                return (
                    f"our Hessian of sample {s} ran out of memory ({e}); skip the check with "
                    "--no-cross-check (the verdicts do not depend on it)"
                )
            del dense
            done(s + 1)
    return ours


def cross_code_check(
    ds: xr.Dataset,
    name: str = "data",
    *,
    n_modes: int = CROSS_CHECK_MODES,
    max_samples: int = CROSS_CHECK_SAMPLES,
    tolerance: float = CROSS_CHECK_TOLERANCE,
) -> CrossCodeCheck | None:
    """Compare the spectrum of ``ds`` with our Hessian's on the same configurations.

    Parameters
    ----------
    ds
        A dataset with a declared system (attribute ``declared_by``, :func:`~vdosbench.benchmark.declaration.declare`).
    name
        The input's name.
    n_modes, max_samples, tolerance
        Non-zero modes per sample, samples, and the agreement tolerance (module docstring).

    Returns
    -------
    CrossCodeCheck or None
        ``None`` for data that declare nothing (our own datasets: their spectrum *is* our Hessian's);
        status ``"not run"`` with the reason when the data or the declaration lack what the check needs.
    """
    if "declared_by" not in ds.attrs:
        return None
    gap, model, taper, per_site = _declaration_gap(ds)
    if gap is not None:
        return _not_run(name, gap)
    from vdosbench.validators import eigenvalue_agreement

    m = int(taper)
    potential = dataset_potential(ds)
    if per_site == "species":
        check_species(ds, int(np.shape(potential.cutoff)[0]), model.name, name)
    label = f"{model.potential}, taper m = {'inf' if m < 0 else m}, unit masses (vdosbench.generators.glasses.hessian)"
    d = int(ds.sizes.get("spatial", ds.attrs.get("spatial_dimension", 3)))
    n_sample = min(int(ds.sizes["sample"]), int(max_samples))
    theirs = np.asarray(ds["eigenvalue"].transpose("sample", "mode").values[:n_sample], dtype=float)
    n_dof = int(ds.sizes["site"]) * d
    k = min(theirs.shape[1], n_dof, d + int(n_modes))
    if k <= d:
        return _not_run(name, f"the data store {theirs.shape[1]} modes per sample, none above the {d} translations")
    ours = _our_lowest_eigenvalues(ds, potential, per_site, n_sample, n_dof, k, name)
    if isinstance(ours, str):
        return _not_run(name, ours)
    scale = np.abs(ours).max(axis=1, keepdims=True)
    n_negative = int(np.sum(ours[:, d:] < -1e-6 * scale))  # beyond rounding: not a minimum of our potential
    zero = np.zeros_like(ours, dtype=bool)
    zero[:, :d] = True  # the d uniform translations of the periodic box
    reference = xr.Dataset(
        {"eigenvalue": (("sample", "mode"), ours), "zero_mode": (("sample", "mode"), zero)},
        coords={"sample": np.arange(n_sample), "mode": np.arange(k)},
    )
    result = eigenvalue_agreement(reference, theirs[:, :k])
    rel = result.curve["relative_deviation"].values
    s_w, k_w = np.unravel_index(int(np.nanargmax(rel)), rel.shape)
    max_rel = float(result.max_relative_deviation.value)
    per_mode = result.curve["max_over_samples"].values
    return CrossCodeCheck(
        dataset=name,
        status="agree" if max_rel <= tolerance else "disagree",
        reason=f"modes {d}..{k - 1} (the d = {d} translations excluded) of samples 0..{n_sample - 1}"
        + (
            f"; our Hessian has {n_negative} negative eigenvalue(s) among them: the configurations are not minima "
            "of the declared potential (check model and taper_order)"
            if n_negative
            else ""
        ),
        potential=label,
        n_samples=n_sample,
        n_modes=k - d,
        max_relative_deviation=max_rel,
        rms_relative_deviation=float(result.rms_relative_deviation.value),
        worst={"sample": int(s_w), "mode": int(k_w), "theirs": float(theirs[s_w, k_w]), "ours": float(ours[s_w, k_w])},
        per_mode={int(i): float(v) for i, v in enumerate(per_mode) if np.isfinite(v)},
        tolerance=tolerance,
    )
