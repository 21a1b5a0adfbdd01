"""A claim reads only certified samples: the certified part of an input, and what was left out and why
(issue 67 item 3).

:func:`certified_input` runs :func:`~.certify.sample_certificates` on every parameter point of a dataset that stores
its configurations and whose potential vdosbench knows, and keeps the samples :func:`~.certify.certified` passes.
A VDOS-1.0 file has one ``sample`` axis for all its points (samples are never padded), so a sample index that fails
at any point is left out at every point: conservative (a glass that passed at another point is left out with it),
and stated.  An input that stores no configurations, or whose model has no vdosbench potential, cannot be
certified: it is read as it is and the record says so (``certifiable = False`` with the reason).  A third-party
file (read by an adapter or declared) must give its largest residual force, declared
(``--declare max_residual_force=...``) or measured (positions stored): one of eigenvalues alone that declares none
is refused (:class:`CertificationError`).

:class:`CertificationRecord` is what a report states: samples, kept, left out per failed check (a sample may fail
several), and, for a file that declares its largest residual force (attribute ``max_residual_force``), that value
beside the one measured.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import xarray as xr

from vdosbench.datasets import iter_points
from vdosbench.datasets.errors import VdosbenchError

from .certify import MAX_RESIDUAL_FORCE, certified, failures, sample_certificates
from .data_model import dataset_potential

__all__ = ["CertificationError", "CertificationRecord", "certified_input", "keep_samples"]


class CertificationError(VdosbenchError, ValueError):
    """A third-party file read for certified samples that gives no way to know its residual forces."""


@dataclass(frozen=True)
class CertificationRecord:
    """What :func:`certified_input` did to one input.

    Attributes
    ----------
    name
        The input's name.
    certifiable
        Whether its samples could be certified; ``why`` says why not.
    samples, kept
        Samples in the file, and those kept (certified at every point).
    left_out
        Samples left out per failed check, summed over points (a sample may fail several checks).
    residual_force_declared, residual_force_measured
        The largest residual force the file declares (``None``: not declared) and the largest measured.
    points
        Per point: its parameters, samples certified and failures.
    """

    name: str
    certifiable: bool
    why: str = ""
    samples: int = 0
    kept: int = 0
    left_out: dict[str, int] = field(default_factory=dict)
    residual_force_declared: float | None = None
    residual_force_measured: float | None = None
    points: list[dict[str, Any]] = field(default_factory=list)

    def note(self) -> str:
        """One line for the report's notes on the input."""
        force = (
            f"largest residual force declared {self.residual_force_declared:.3g}"
            if self.residual_force_declared is not None
            else "largest residual force not declared"
        )
        if not self.certifiable:
            return (
                f"not certified ({self.why}); every stored sample is read, {force}, none measured: "
                "its verdicts rest on the solver's word that no mode below the cut was missed"
            )
        reasons = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in self.left_out.items() if v) or "none"
        return (
            f"certified samples only: {self.kept} of {self.samples} read, {self.samples - self.kept} left out "
            f"(failed checks, summed over points: {reasons}); {force}, measured "
            f"{self.residual_force_measured:.3g} (limit {MAX_RESIDUAL_FORCE:g})"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-able."""
        return {
            "name": self.name,
            "certifiable": self.certifiable,
            "why": self.why,
            "samples": self.samples,
            "kept": self.kept,
            "left_out": dict(self.left_out),
            "residual_force_declared": self.residual_force_declared,
            "residual_force_measured": self.residual_force_measured,
            "points": self.points,
        }


def _declared_force(ds: xr.Dataset) -> float | None:
    value = ds.attrs.get("max_residual_force")
    return None if value is None else float(np.asarray(value).reshape(()))


def certified_input(ds: xr.Dataset, name: str = "data") -> tuple[xr.Dataset, CertificationRecord]:
    """The certified samples of ``ds`` and the record of what was left out (module docstring).

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> kept, record = certified_input(mock_spectrum(), "mock")
    >>> record.certifiable, kept.sizes["sample"] == mock_spectrum().sizes["sample"]
    (False, True)
    """
    declared = _declared_force(ds)
    n = int(ds.sizes.get("sample", 0))
    third_party = bool(ds.attrs.get("adapter_format")) or "declared_by" in ds.attrs
    if "position" not in ds.variables and third_party and declared is None:
        raise CertificationError(
            f"{name}: a certified reading needs the largest residual force of a third-party file, declared or "
            "measured; this file stores no positions (nothing to measure) and declares none. Fix: declare it "
            "(--declare max_residual_force=1e-10, or a DATA.vdos.toml sidecar), or store the configurations "
            "(positions, box, diameters or species) so that it is measured and the modes are certified"
        )
    if "position" not in ds.variables:
        return ds, CertificationRecord(
            name,
            False,
            "no configurations stored: the Hessian cannot be rebuilt",
            n,
            n,
            residual_force_declared=declared,
        )
    try:  # a model without a vdosbench potential: not certifiable, said so (other errors are the data's: raised)
        dataset_potential(next(iter_points(ds))[1])
    except ValueError as e:
        return ds, CertificationRecord(name, False, str(e).split(". Fix")[0], n, n, residual_force_declared=declared)
    keep = np.ones(n, bool)
    left: dict[str, int] = {}
    points, forces = [], []
    for values, point in iter_points(ds):
        cert = sample_certificates(point)
        ok = np.asarray(certified(cert).values, bool)
        failed = failures(cert)
        keep &= ok
        for k, v in failed.items():
            left[k] = left.get(k, 0) + int(v.sum())
        forces.append(float(np.nanmax(cert["residual_force_max"].values)))
        points.append(
            {
                "point": {k: (v.item() if isinstance(v, np.generic) else v) for k, v in values.items()},
                "samples": n,
                "certified": int(ok.sum()),
                "failed": {k: int(v.sum()) for k, v in failed.items()},
            }
        )
    record = CertificationRecord(
        name, True, "", n, int(keep.sum()), left, declared, max(forces) if forces else None, points
    )
    return (ds if bool(keep.all()) else keep_samples(ds, keep)), record


def keep_samples(ds: xr.Dataset, keep: np.ndarray) -> xr.Dataset:
    """``ds`` with only the samples ``keep`` (boolean (sample,)), its ragged pairs cut to match.

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> ds = mock_spectrum(n_sample=3, n_site=4, pairs_per_sample=2)
    >>> cut = keep_samples(ds, np.array([True, False, True]))
    >>> cut.sizes["sample"], cut.sizes["pair"], [len(p) for (p,) in cut.vdos.sample_pairs("pair_i")]
    (2, 4, [2, 2])
    """
    keep = np.asarray(keep, bool)
    index = {"sample": np.flatnonzero(keep)}
    if "pair_count" in ds.variables and "pair" in ds.dims:
        counts = ds["pair_count"]
        axis = counts.dims.index("sample")
        entry = np.broadcast_to(keep.reshape([-1 if i == axis else 1 for i in range(counts.ndim)]), counts.shape)
        index["pair"] = np.flatnonzero(np.repeat(entry.ravel(), np.asarray(counts.values, np.int64).ravel()))
    return ds.isel(index)
