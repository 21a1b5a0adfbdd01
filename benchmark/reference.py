"""Distance of submitted ensembles to a reference ensemble (``vdosbench score DATA --reference NAME``).

Finding the reference — :func:`resolve_reference` (``NAME``, a catalogue
entry or a VDOS-1.0 netCDF file, to a verified local file) and
:func:`open_reference` — is :mod:`vdosbench.benchmark.reference_source`; its
names are re-exported here.

:func:`compare_to_reference` compares every parameter point of each submitted
dataset with the reference point whose parameters have the same values
(floats equal to 1e-9 relative; a parameter missing from a grid is looked up
among the dataset's scalar coordinates and global attributes).  Points present
on one side only are listed as *not compared*, with the reason.  At each
matched point (reference = ensemble ``a``, submission = ``b``):

Spectra (:func:`vdosbench.validators.compare_spectra`)
    Two-sample KS and Anderson–Darling statistics of the pooled non-zero
    frequencies and the sample-level permutation p-value, in the windows

    * ``whole band``: every non-zero mode;
    * ``below the lowest phonon``: (0, f·ω₀], f = 0.8 and ω₀ = 2π v/L of the
      reference (:func:`vdosbench.validators.lowest_phonon_frequency`, smallest
      over its samples; measured for scalar networks, not available for
      vector models, whose transverse sound speed is not in the data);
    * ``low band``: (0, ω₁₀], ω₁₀ the 10th percentile of the reference's
      pooled non-zero frequencies (always populated).

    Windows are fixed by the reference alone, so every submission is measured
    in the same windows.  The permutation p-value cannot go below
    ``k / C(n_a + n_b, n_a)`` (k = 2 for equal sample counts, where a split
    and its complement give the same D), nor below 1/(1 + n_permutations):
    with 3 + 3 samples the floor is 0.1, so a small reference is told apart
    only through the pooled p-values, which assume independent modes (see
    :mod:`vdosbench.validators.spectral.comparison`).
Exponent s (:func:`vdosbench.validators.power_law_exponent`)
    Maximum-likelihood s of g ∝ ω^s on both sides in the same window (default
    ``below_phonon`` with the reference's ω₀), and Δs = s_b − s_a with
    σ = √(σ_a² + σ_b²) (bootstrap over samples, independent ensembles).  Not
    measured when the window holds fewer than 3 modes on a side (small
    networks have no mode below their lowest phonon); not estimable, with why,
    when a side's modes there sit at fewer than 3 distinct frequencies (a
    degenerate spectrum, :class:`~vdosbench.validators.spectral.power_law.NotEstimable`).  For the spring networks
    of seed 002 no power law is claimed: s there is a fit in the stated
    window, reported for completeness.
Eigenvalues on shared configurations (:func:`vdosbench.validators.eigenvalue_agreement`)
    Samples with the same ``sample`` label whose stored ``position`` arrays
    agree to 1e-9 of the largest coordinate are the same configurations; on
    them the relative eigenvalue deviation over the lowest
    min(n_mode_a, n_mode_b) modes is reported.  Without positions on both
    sides no configuration can be shown to be shared, and nothing is compared.

Nothing here judges: the comparison does not change the exit status of
``vdosbench score``.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from vdosbench.datasets import iter_points
from vdosbench.datasets.io import write_text
from vdosbench.datasets.json_files import dumps_strict
from vdosbench.datasets.labels import point_label
from vdosbench.validators import (
    EigenvalueAgreement,
    PowerLawResult,
    PowerLawWindow,
    SpectrumComparison,
    compare_spectra,
    eigenvalue_agreement,
    jsonable,
    lowest_phonon_frequency,
    power_law_exponent,
)
from vdosbench.validators.spectral.power_law import DEFAULT_PHONON_FACTOR, NotEstimable

from .reference_source import (
    ReferenceInputError,
    ReferenceSource,
    ReferenceUnavailableError,
    open_reference,
    resolve_reference,
)

__all__ = [
    "LOW_QUANTILE",
    "PointComparison",
    "ReferenceComparison",
    "ReferenceInputError",
    "ReferenceSource",
    "ReferenceUnavailableError",
    "compare_to_reference",
    "open_reference",
    "resolve_reference",
    "write_reference_report",
]

#: Quantile of the reference's pooled non-zero frequencies that closes the ``low band`` window.
LOW_QUANTILE = 0.1
#: Relative tolerance for equal float parameter values.
PARAMETER_RTOL = 1e-9
#: Positions agreeing to this fraction of the largest |coordinate| make a shared configuration.
POSITION_RTOL = 1e-9


# ----------------------------------------------------------------------------- matching points


def _lookup(ds: xr.Dataset, params: Mapping[str, Any], name: str) -> tuple[bool, Any]:
    """The value of parameter ``name`` at a point: grid value, scalar coordinate or global attribute."""
    if name in params:
        return True, params[name]
    if name in ds.coords and ds[name].ndim == 0:
        return True, ds[name].item()
    if name in ds.attrs:
        value = ds.attrs[name]
        return True, value.item() if isinstance(value, np.generic) else value
    return False, None


def _same(x: Any, y: Any) -> bool:
    if isinstance(x, str) or isinstance(y, str):
        return isinstance(x, str) and isinstance(y, str) and x == y
    try:
        return bool(np.isclose(float(x), float(y), rtol=PARAMETER_RTOL, atol=1e-12))
    except (TypeError, ValueError):
        return x == y


def _label(params: Mapping[str, Any]) -> str:
    return point_label(params) or "(single point)"


def _mismatch(
    ref: xr.Dataset, ref_params: Mapping[str, Any], sub: xr.Dataset, sub_params: Mapping[str, Any]
) -> str | None:
    """``None`` when the points have equal parameters, else why not."""
    names = list(dict.fromkeys([*ref_params, *sub_params]))
    values = {name: (_lookup(ref, ref_params, name), _lookup(sub, sub_params, name)) for name in names}
    for name, ((found_a, _), (found_b, _)) in values.items():
        if not (found_a and found_b):
            side = "submitted data" if not found_b else "reference"
            return f"parameter {name} is not recorded in the {side} (grid, scalar coordinate or attribute)"
    for name, ((_, a), (_, b)) in values.items():
        if not _same(a, b):
            return f"{name} = {b!r} here, {a!r} in the reference"
    return None


# ----------------------------------------------------------------------------- one point


@dataclass(frozen=True, eq=False)
class PointComparison:
    """One submitted point against the matching reference point, or why it was not compared.

    Attributes
    ----------
    dataset
        Name of the submitted dataset (``"(reference only)"`` rows carry the submitted name too).
    parameters
        Parameter values of the point.
    compared
        Whether a reference point matched.
    reason
        Why not compared (empty when compared).
    n_samples
        Samples (reference, submitted).
    omega0, omega0_note
        The reference's lowest phonon frequency used for the windows (None when not available) and how.
    spectrum, spectrum_note
        :class:`~vdosbench.validators.SpectrumComparison` (a = reference) or None with the reason.
    window_names
        Names of the spectral windows, row by row (row 0 the whole band).
    permutation_pvalue_floor
        Smallest permutation p-value the sample counts allow.
    power_law, power_law_note
        (reference, submitted) :class:`~vdosbench.validators.PowerLawResult` or None with the reason.
    agreement, agreement_note
        :class:`~vdosbench.validators.EigenvalueAgreement` on the shared configurations or None with the reason.
    """

    dataset: str
    parameters: Mapping[str, Any]
    compared: bool
    reason: str = ""
    n_samples: tuple[int, int] = (0, 0)
    omega0: float | None = None
    omega0_note: str = ""
    spectrum: SpectrumComparison | None = None
    spectrum_note: str = ""
    window_names: tuple[str, ...] = ()
    permutation_pvalue_floor: float = math.nan
    power_law: tuple[PowerLawResult, PowerLawResult] | None = None
    power_law_note: str = ""
    agreement: EigenvalueAgreement | None = None
    agreement_note: str = ""

    def window(self, name: str) -> dict[str, float]:
        """The per-window row ``name`` as a dict (``ks_statistic``, ``ks_pvalue_permutation``, ...)."""
        if self.spectrum is None or name not in self.window_names:
            raise KeyError(f"no window {name!r} at {_label(self.parameters)}; windows are {list(self.window_names)}")
        row = self.spectrum.per_window.isel(window=self.window_names.index(name))
        return {str(k): float(v.values) for k, v in row.data_vars.items()}

    def s_difference(self) -> tuple[float, float]:
        """Δs = s_submitted − s_reference (maximum likelihood), σ = √(σ_a² + σ_b²); NaN when not measured."""
        if self.power_law is None:
            return math.nan, math.nan
        a, b = (r.mle for r in self.power_law)
        return b.value - a.value, float(math.hypot(a.uncertainty, b.uncertainty))

    def to_json_dict(self) -> dict[str, Any]:
        """JSON-able dict of everything measured and every reason."""
        out: dict[str, Any] = {
            "dataset": self.dataset,
            "parameters": jsonable(dict(self.parameters)),
            "compared": self.compared,
            "reason": self.reason,
        }
        if not self.compared:
            return out
        out["n_samples"] = {"reference": self.n_samples[0], "submitted": self.n_samples[1]}
        out["omega0"] = {"value": jsonable(self.omega0), "note": self.omega0_note}
        if self.spectrum is not None:
            spec = self.spectrum.to_dict()
            spec["per_window"]["name"] = list(self.window_names)
            spec["permutation_pvalue_floor"] = jsonable(self.permutation_pvalue_floor)
            out["spectrum"] = spec
        else:
            out["spectrum"] = {"note": self.spectrum_note}
        if self.power_law is not None:
            a, b = self.power_law
            ds_, se = self.s_difference()
            out["power_law"] = {
                "window": jsonable(dict(a.window)),
                "reference": {k: m.to_dict() for k, m in a.measurements().items()},
                "submitted": {k: m.to_dict() for k, m in b.measurements().items()},
                "s_mle_difference": {
                    "value": jsonable(ds_),
                    "uncertainty": jsonable(se),
                    "definition": "s_submitted - s_reference; sqrt(se_a^2 + se_b^2)",
                },
                "note": self.power_law_note,
            }
        else:
            out["power_law"] = {"note": self.power_law_note}
        if self.agreement is not None:
            out["eigenvalue_agreement"] = {**self.agreement.to_dict(), "note": self.agreement_note}
        else:
            out["eigenvalue_agreement"] = {"note": self.agreement_note}
        return out


def _omega0(ref: xr.Dataset, seed: int) -> tuple[float | None, str]:
    try:
        m0 = lowest_phonon_frequency(ref, n_bootstrap=2, seed=seed)
    except ValueError as e:
        return None, f"not available: {e}"
    value = float(np.min(m0.curve["omega0_sample"].values))
    return value, f"2 pi v / L of the reference, smallest over its samples; v {m0.settings['sound_speed_source']}"


def _windows(ref: xr.Dataset, omega0: float | None, factor: float) -> tuple[list[tuple[float, float]], list[str]]:
    w = np.asarray(ref.vdos.omega.values, dtype=float)
    w = w[np.isfinite(w)]
    windows, names = [], ["whole band"]
    if omega0 is not None:
        windows.append((0.0, factor * omega0))
        names.append(f"below the lowest phonon (0, {factor:g} omega0]")
    if w.size:
        windows.append((0.0, float(np.quantile(w, LOW_QUANTILE))))
        names.append(f"low band (0, omega_{round(100 * LOW_QUANTILE)}] of the reference")
    return windows, names


def _permutation_floor(na: int, nb: int, n_permutations: int) -> float:
    """Smallest p the test can give: k / C(n_a + n_b, n_a) (k = 2 when n_a = n_b), or 1 / (1 + n_permutations)."""
    # int / int: correctly rounded, and 0.0 where C is beyond a float (2.0 / C raised OverflowError from
    # 515 samples a side on: the N = 1600 level set has 900)
    exact = (2 if na == nb else 1) / math.comb(na + nb, na)
    return max(exact, 1.0 / (1.0 + n_permutations)) if n_permutations > 0 else math.nan


def _power_law(
    ref: xr.Dataset,
    sub: xr.Dataset,
    window: PowerLawWindow | tuple[float, float] | str | None,
    omega0: float | None,
    factor: float,
    n_bootstrap: int,
    seed: int,
) -> tuple[tuple[PowerLawResult, PowerLawResult] | None, str]:
    if window is None:
        if omega0 is None:
            return None, "not measured: the default window lies below the lowest phonon, and omega0 is not available"
        window = PowerLawWindow.below_phonon(factor)
    kwargs: dict[str, Any] = {"n_bootstrap": n_bootstrap, "seed": seed}
    rule = window.rule if isinstance(window, PowerLawWindow) else window
    if rule == "below_phonon":
        if omega0 is None:
            return None, "not measured: a below_phonon window needs omega0, which is not available"
        kwargs["omega0"] = omega0
    results = []
    for side, ds in (("reference", ref), ("submitted data", sub)):
        try:
            results.append(power_law_exponent(ds, window, **kwargs))
        except NotEstimable as e:  # a number here would be set by rounding or by the window's edge
            return None, f"not estimable ({side}): {e}"
        except ValueError as e:
            return None, f"not measured ({side}): {e}"
    edge = results[0].window.get("omega_max")
    return (results[0], results[1]), (
        f"maximum likelihood in {results[0].window['description']}"
        + (f" (omega_max = {edge:.4g})" if edge is not None else "")
        + ", the same window on both sides; s is a fit in this window, which describes the window only where "
        "the model predicts no power law"
    )


def _shared_samples(ref: xr.Dataset, sub: xr.Dataset) -> tuple[list[Any], str]:
    if "position" not in ref.variables or "position" not in sub.variables:
        missing = [s for s, d in (("reference", ref), ("submitted data", sub)) if "position" not in d.variables]
        return [], f"not compared: no positions in the {' and the '.join(missing)}, so no configuration is shown shared"
    labels_a = list(ref["sample"].values.tolist()) if "sample" in ref.coords else list(range(ref.sizes["sample"]))
    labels_b = list(sub["sample"].values.tolist()) if "sample" in sub.coords else list(range(sub.sizes["sample"]))
    pa, pb = ref["position"], sub["position"]
    other_a = {d: n for d, n in pa.sizes.items() if d != "sample"}
    other_b = {d: n for d, n in pb.sizes.items() if d != "sample"}
    if other_a != other_b:
        return [], f"not compared: positions have sizes {other_a} (reference) and {other_b} (submitted) per sample"
    shared = []
    for label in labels_a:
        if label not in labels_b:
            continue
        xa = np.asarray(pa.isel(sample=labels_a.index(label)).values, dtype=float)
        xb = np.asarray(pb.isel(sample=labels_b.index(label)).transpose(*pa.isel(sample=0).dims).values, dtype=float)
        scale = max(float(np.max(np.abs(xa))) if xa.size else 0.0, 1.0)
        if np.allclose(xa, xb, rtol=0.0, atol=POSITION_RTOL * scale):
            shared.append(label)
    if not shared:
        return [], "not compared: no sample has the same label and the same positions on both sides"
    return shared, (
        f"{len(shared)} shared configuration(s) (same sample label, positions equal to {POSITION_RTOL:g} of the "
        "largest coordinate)"
    )


def _agreement(ref: xr.Dataset, sub: xr.Dataset) -> tuple[EigenvalueAgreement | None, str]:
    shared, note = _shared_samples(ref, sub)
    if not shared:
        return None, note
    n_mode = min(ref.sizes["mode"], sub.sizes["mode"])
    keep = [v for v in ("eigenvalue", "zero_mode") if v in ref.variables]
    a = ref[keep].sel(sample=shared).isel(mode=slice(0, n_mode))
    keep = [v for v in ("eigenvalue", "zero_mode") if v in sub.variables]
    b = sub[keep].sel(sample=shared).isel(mode=slice(0, n_mode))
    try:
        result = eigenvalue_agreement(a, b)
    except ValueError as e:
        return None, f"not compared: {e}"
    return result, f"{note}; the lowest {n_mode} modes"


def _compare_point(
    name: str,
    params: Mapping[str, Any],
    ref: xr.Dataset,
    sub: xr.Dataset,
    *,
    power_law_window: PowerLawWindow | tuple[float, float] | str | None,
    phonon_factor: float,
    n_permutations: int,
    n_bootstrap: int,
    seed: int,
) -> PointComparison:
    omega0, omega0_note = _omega0(ref, seed)
    windows, names = _windows(ref, omega0, phonon_factor)
    na, nb = int(ref.sizes["sample"]), int(sub.sizes["sample"])
    spectrum, spectrum_note = None, ""
    try:
        spectrum = compare_spectra(
            ref, sub, windows=windows, n_permutations=n_permutations, n_bootstrap=n_bootstrap, seed=seed
        )
    except ValueError as e:
        spectrum_note = f"not compared: {e}"
    power_law, power_law_note = _power_law(ref, sub, power_law_window, omega0, phonon_factor, n_bootstrap, seed)
    agreement, agreement_note = _agreement(ref, sub)
    return PointComparison(
        dataset=name,
        parameters=dict(params),
        compared=True,
        n_samples=(na, nb),
        omega0=omega0,
        omega0_note=omega0_note,
        spectrum=spectrum,
        spectrum_note=spectrum_note,
        window_names=tuple(names),
        permutation_pvalue_floor=_permutation_floor(na, nb, n_permutations),
        power_law=power_law,
        power_law_note=power_law_note,
        agreement=agreement,
        agreement_note=agreement_note,
    )


# ----------------------------------------------------------------------------- the whole comparison


def _fmt(value: float | None, spec: str = ".3g") -> str:
    if value is None or not math.isfinite(value):
        return "—"
    return format(value, spec)


@dataclass(frozen=True, eq=False)
class ReferenceComparison:
    """Every submitted point against the reference.

    Attributes
    ----------
    reference
        Where the reference came from.
    points
        One :class:`PointComparison` per submitted point, then one per reference point no submission matched.
    settings
        Windows, permutations, bootstrap, seed and the rules of the comparison.
    """

    reference: ReferenceSource
    points: list[PointComparison]
    settings: Mapping[str, Any] = field(default_factory=dict)

    def compared(self) -> list[PointComparison]:
        """The points that were compared."""
        return [p for p in self.points if p.compared]

    def table(self) -> str:
        """The summary table as Markdown (also what the command line prints)."""
        lines = [
            "| data | point | samples ref/sub | KS D (whole band) | p permutation (floor) | p pooled KS | "
            "KS D, p perm. (low band) | KS D, p perm. (below phonon) | Δs ± σ (MLE) | "
            "max rel. eigenvalue deviation |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for p in self.points:
            if not p.compared:
                lines.append(f"| {p.dataset} | {_label(p.parameters)} | not compared: {p.reason} |" + " |" * 7)
                continue
            cells = [p.dataset, _label(p.parameters), f"{p.n_samples[0]}/{p.n_samples[1]}"]
            if p.spectrum is None:
                cells += ["—", "—", "—", "—", "—"]
            else:
                whole = p.window("whole band")
                cells += [
                    _fmt(whole["ks_statistic"]),
                    f"{_fmt(whole['ks_pvalue_permutation'])} ({_fmt(p.permutation_pvalue_floor, '.2g')})",
                    _fmt(whole["ks_pvalue_pooled"]),
                ]
                for prefix in ("low band", "below the lowest phonon"):
                    names = [n for n in p.window_names if n.startswith(prefix)]
                    if not names:
                        cells.append("— (no ω₀)")
                        continue
                    row = p.window(names[0])
                    if row["n_a"] == 0 or row["n_b"] == 0:
                        cells.append(f"no modes ({int(row['n_a'])}/{int(row['n_b'])})")
                    else:
                        cells.append(f"{_fmt(row['ks_statistic'])}, {_fmt(row['ks_pvalue_permutation'])}")
            ds_, se = p.s_difference()
            cells.append(
                f"{_fmt(ds_)} ± {_fmt(se, '.2g')}"
                if p.power_law is not None
                else "not estimable"
                if p.power_law_note.startswith("not estimable")
                else "not measured"
            )
            cells.append(
                _fmt(p.agreement.max_relative_deviation.value) if p.agreement is not None else "no shared configuration"
            )
            lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines)

    def to_markdown(self) -> str:
        """The comparison as a Markdown section: source, rules, summary table, per-point details."""
        r = self.reference
        s = self.settings
        lines = [
            "# Comparison with a reference ensemble",
            "",
            f"Reference `{r.name}` ({r.origin}): `{r.path}`, sha256 `{r.sha256[:16]}…`.",
            "",
            "Ensemble a is the reference, b the submitted data; points are matched by parameter values. "
            f"KS and Anderson–Darling per window, p-value from {s.get('n_permutations')} sample-label permutations "
            "(its floor, set by the sample counts, in brackets); pooled p-values assume independent modes. "
            "Windows (fixed by the reference): " + "; ".join(s.get("windows", [])) + ". "
            f"Δs: maximum-likelihood exponent, {s.get('power_law_window')}, σ from {s.get('n_bootstrap')} "
            "bootstrap resamples over samples of each side. Eigenvalues are compared only on shared "
            "configurations (same sample label and positions). Nothing here changes the exit status.",
            "",
            self.table(),
            "",
            "## Per point",
            "",
        ]
        for p in self.points:
            lines.append(f"### {p.dataset}: {_label(p.parameters)}")
            lines.append("")
            if not p.compared:
                lines += [f"Not compared: {p.reason}.", ""]
                continue
            lines.append(f"- ω₀: {_fmt(p.omega0, '.4g')} ({p.omega0_note})")
            if p.spectrum is None:
                lines.append(f"- spectra: {p.spectrum_note}")
            else:
                lines += [
                    "",
                    "| window | ω range | modes a/b | KS D | p permutation | p pooled KS | AD | p pooled AD |",
                    "| --- | --- | --- | --- | --- | --- | --- | --- |",
                ]
                for name in p.window_names:
                    w = p.window(name)
                    lines.append(
                        f"| {name} | ({w['window_low']:.4g}, {w['window_high']:.4g}] | {int(w['n_a'])}/{int(w['n_b'])} "
                        f"| {_fmt(w['ks_statistic'])} | {_fmt(w['ks_pvalue_permutation'])} | "
                        f"{_fmt(w['ks_pvalue_pooled'])} | {_fmt(w['ad_statistic'])} | {_fmt(w['ad_pvalue_pooled'])} |"
                    )
                lines.append("")
                lines.append(f"- smallest attainable permutation p: {_fmt(p.permutation_pvalue_floor, '.3g')}")
            if p.power_law is None:
                lines.append(f"- exponent s: {p.power_law_note}")
            else:
                a, b = (x.mle for x in p.power_law)
                ds_, se = p.s_difference()
                lines.append(
                    f"- exponent s: reference {a.value:.4g} ± {a.uncertainty:.2g} ({p.power_law[0].window['n_modes']} "
                    f"modes), submitted {b.value:.4g} ± {b.uncertainty:.2g} "
                    f"({p.power_law[1].window['n_modes']} modes), "
                    f"Δs = {_fmt(ds_, '.4g')} ± {_fmt(se, '.2g')}; {p.power_law_note}"
                )
            if p.agreement is None:
                lines.append(f"- eigenvalues: {p.agreement_note}")
            else:
                ag = p.agreement
                lines.append(
                    f"- eigenvalues: max relative deviation {ag.max_relative_deviation.value:.3g}, RMS "
                    f"{ag.rms_relative_deviation.value:.3g}, largest |λ_b| at the zero modes of a "
                    f"{ag.zero_mode_deviation:.3g} (relative); {p.agreement_note}"
                )
            lines.append("")
        return "\n".join(lines)

    def to_json_dict(self) -> dict[str, Any]:
        """JSON-able dict: the reference, the settings and every point."""
        return {
            "reference": self.reference.to_json_dict(),
            "settings": jsonable(dict(self.settings)),
            "points": [p.to_json_dict() for p in self.points],
        }


def _matching_point(
    ref_points: Sequence[tuple[Mapping[str, Any], xr.Dataset]], params: Mapping[str, Any], sub: xr.Dataset
) -> tuple[int | None, list[str]]:
    """The first reference point with the parameters of a submitted point, and why the points before it differ.

    Parameters
    ----------
    ref_points
        ``(parameters, dataset)`` of every reference point (:func:`~vdosbench.datasets.iter_points`).
    params, sub
        The submitted point's parameters and data.

    Returns
    -------
    hit : int or None
        Index of the matching reference point; None when none matches.
    reasons : list of str
        Why each reference point before ``hit`` (every one, when none matches) differs (:func:`_mismatch`).
    """
    reasons: list[str] = []
    for k, (ref_params, ref) in enumerate(ref_points):
        why = _mismatch(ref, ref_params, sub, params)
        if why is None:
            return k, reasons
        reasons.append(why)
    return None, reasons


def _reference_only_points(
    ref_points: Sequence[tuple[Mapping[str, Any], xr.Dataset]],
    matched: set[int],
    source: ReferenceSource,
    submitted: Sequence[tuple[str, xr.Dataset]],
) -> list[PointComparison]:
    """One *not compared* row per reference point that no submitted point matched.

    Parameters
    ----------
    ref_points
        ``(parameters, dataset)`` of every reference point.
    matched
        Indices of the reference points some submitted point matched.
    source
        Where the reference came from (its name labels the rows).
    submitted
        The ``(name, dataset)`` pairs compared (their names go into the reason).

    Returns
    -------
    list of PointComparison
    """
    names = ", ".join(n for n, _ in submitted)
    return [
        PointComparison(
            f"{source.name} (reference)",
            dict(ref_params),
            False,
            f"in the reference only: no point of {names} has these parameters",
        )
        for k, (ref_params, _) in enumerate(ref_points)
        if k not in matched
    ]


def _power_law_rule(window: PowerLawWindow | tuple[float, float] | str | None, phonon_factor: float) -> str:
    """The window of the exponent s in words (the default: below the reference's lowest phonon)."""
    if window is None:
        return f"below_phonon: (0, {phonon_factor:g} omega0], omega0 of the reference"
    if isinstance(window, PowerLawWindow):
        return window.describe()
    return str(window)


def _comparison_settings(
    power_law_window: PowerLawWindow | tuple[float, float] | str | None,
    phonon_factor: float,
    n_permutations: int,
    n_bootstrap: int,
    seed: int,
) -> dict[str, Any]:
    """The settings and rules of a comparison, as :attr:`ReferenceComparison.settings` records them.

    Parameters
    ----------
    power_law_window, phonon_factor, n_permutations, n_bootstrap, seed
        As given to :func:`compare_to_reference`.

    Returns
    -------
    dict
        Ensembles, matching rule, windows, resampling, the exponent's window, shared configurations, caveat.
    """
    return {
        "ensembles": "a = reference, b = submitted data",
        "matching": f"parameter values equal (floats to {PARAMETER_RTOL:g} relative); grid, scalar coordinate or "
        "global attribute",
        "windows": [
            "whole band",
            f"below the lowest phonon: (0, {phonon_factor:g} omega0], omega0 = 2 pi v / L of the reference "
            "(smallest over samples; only where it can be measured)",
            f"low band: (0, omega_{round(100 * LOW_QUANTILE)}], the {LOW_QUANTILE:g} quantile of the "
            "reference's pooled non-zero frequencies",
        ],
        "window_rule": "lo < omega <= hi",
        "n_permutations": int(n_permutations),
        "n_bootstrap": int(n_bootstrap),
        "seed": int(seed),
        "power_law_window": _power_law_rule(power_law_window, phonon_factor),
        "shared_configurations": f"same sample label and positions equal to {POSITION_RTOL:g} of the largest "
        "coordinate; lowest min(n_mode) modes",
        "caveat": "pooled p-values assume independent modes; the permutation p-value cannot go below "
        "max(k / C(n_a + n_b, n_a), 1 / (1 + n_permutations)), k = 2 when n_a = n_b else 1",
    }


def compare_to_reference(
    submitted: Sequence[tuple[str, xr.Dataset]],
    reference: xr.Dataset,
    source: ReferenceSource,
    *,
    power_law_window: PowerLawWindow | tuple[float, float] | str | None = None,
    phonon_factor: float = DEFAULT_PHONON_FACTOR,
    n_permutations: int = 999,
    n_bootstrap: int = 200,
    seed: int = 0,
) -> ReferenceComparison:
    """Compare each submitted dataset with the reference, point by matching point (module docstring).

    Parameters
    ----------
    submitted
        ``(name, dataset)`` pairs (VDOS-1.0, any parameter grid).
    reference
        The reference dataset (:func:`open_reference`).
    source
        Where it came from (:func:`resolve_reference`).
    power_law_window
        Window of the exponent s on both sides (a :class:`~vdosbench.validators.PowerLawWindow`, a tuple
        ``(omega_min, omega_max)``, ``"below_phonon"`` or ``"lowest_k"``); default ``below_phonon`` with the
        reference's ω₀ and ``phonon_factor``.
    phonon_factor
        f of the windows (0, f·ω₀].
    n_permutations, n_bootstrap, seed
        Sample-label permutations of the KS p-value; bootstrap resamples (KS distance and s); the seed.

    Returns
    -------
    ReferenceComparison

    Examples
    --------
    >>> src = resolve_reference("spring-network-16")
    >>> ref = open_reference(src)
    >>> res = compare_to_reference([("self", ref)], ref, src, n_permutations=19, n_bootstrap=10)
    >>> len(res.compared()), res.points[0].window("whole band")["ks_statistic"]
    (4, 0.0)
    >>> res.points[0].agreement.max_relative_deviation.value
    0.0
    """
    ref_points = list(iter_points(reference))
    matched_ref: set[int] = set()
    points: list[PointComparison] = []
    for name, ds in submitted:
        for params, sub in iter_points(ds):
            hit, reasons = _matching_point(ref_points, params, sub)
            if hit is None:
                reason = "no reference point with these parameters" + (f" ({reasons[0]})" if reasons else "")
                points.append(PointComparison(name, dict(params), False, reason))
                continue
            matched_ref.add(hit)
            points.append(
                _compare_point(
                    name,
                    params,
                    ref_points[hit][1],
                    sub,
                    power_law_window=power_law_window,
                    phonon_factor=phonon_factor,
                    n_permutations=n_permutations,
                    n_bootstrap=n_bootstrap,
                    seed=seed,
                )
            )
    points += _reference_only_points(ref_points, matched_ref, source, submitted)
    settings = _comparison_settings(power_law_window, phonon_factor, n_permutations, n_bootstrap, seed)
    return ReferenceComparison(source, points, settings)


def write_reference_report(result: ReferenceComparison, output: str | os.PathLike[str]) -> tuple[Path, Path]:
    """Write ``reference.md`` and ``reference.json`` under ``output``, each atomically.

    Returns
    -------
    tuple of pathlib.Path
        The Markdown and the JSON file.
    """
    out = Path(output)
    out.mkdir(parents=True, exist_ok=True)
    md, js = out / "reference.md", out / "reference.json"
    write_text(md, result.to_markdown() + "\n")
    write_text(js, dumps_strict(result.to_json_dict(), indent=2, default=str) + "\n")
    return md, js
