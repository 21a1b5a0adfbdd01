"""The batched vortex-core summaries give what the field-by-field implementation gave (issue 66, suite time).

``vorticity``, ``field_vorticity`` and ``phonon_shell`` used to summarise one field at a time: a mean shift and
an iterated ``numpy.linalg.lstsq`` affine fit per field, Python overhead on arrays of a few dozen sites.  They now
step all fields together (the fits through the pseudo-inverse with lstsq's own cut-off), and the local gradient
fit forms every field's right-hand side in one sparse product.  This file keeps the former implementation verbatim
(``_old_*``, from commit ffb7f77) as the reference and compares on random sites in 2D and 3D: vortices, a vortex
line (a singular gradient: the least-norm step), smooth and white-noise fields, and the edge cases (no valid site,
a zero field, fewer than d + 1 sites near the core, a step that diverges → NaN).  Results must agree to rtol 1e-10
with NaN in the same places.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pytest
import scipy.sparse as sp
import xarray as xr

from vdosbench.validators import (
    field_vorticity,
    local_displacement_gradient,
    neighbor_pairs,
    phonon_shell,
    plane_wave_shell,
    vorticity,
)

RTOL, ATOL = 1e-10, 1e-12


# ---- the former implementation (validators/levels/vorticity.py at ffb7f77), verbatim but for the names ----


def _old_box(box_length: float | np.ndarray, d: int) -> np.ndarray:
    box = np.broadcast_to(np.asarray(box_length, dtype=float), (d,)).copy()
    if np.any(~np.isfinite(box)) or np.any(box <= 0):
        raise ValueError(f"box_length is {box_length!r}; expected positive finite edge(s)")
    return box


def _old_minimum_image(delta: np.ndarray, box: np.ndarray) -> np.ndarray:
    return delta - box * np.round(delta / box)


def _old_features(b: np.ndarray, order: int, scale: float) -> np.ndarray:
    bs = b / scale
    if order == 1:
        return bs
    a, c = np.triu_indices(b.shape[1])
    return np.concatenate([bs, 0.5 * bs[:, a] * bs[:, c]], axis=1)


def _old_inverse_normal_matrices(
    incidence: sp.csr_matrix, phi: np.ndarray, min_condition: float
) -> tuple[np.ndarray, np.ndarray]:
    n, n_pairs = incidence.shape
    p = phi.shape[1]
    normal = (incidence @ (phi[:, :, None] * phi[:, None, :]).reshape(n_pairs, p * p)).reshape(n, p, p)
    ev = np.linalg.eigvalsh(normal)
    valid = (ev[:, 0] > min_condition * np.maximum(ev[:, -1], np.finfo(float).tiny)) & (ev[:, -1] > 0)
    safe = np.where(valid[:, None, None], normal, np.eye(p))
    return np.linalg.inv(safe), valid


def _old_local_displacement_gradient(
    displacement: np.ndarray,
    position: np.ndarray,
    box_length: float | np.ndarray,
    pair_i: np.ndarray,
    pair_j: np.ndarray,
    *,
    order: Literal[1, 2] = 1,
    min_condition: float = 1e-8,
) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(position, dtype=float)
    n, d = x.shape
    u = np.asarray(displacement, dtype=float)
    box = _old_box(box_length, d)
    pi = np.asarray(pair_i, dtype=np.int64)
    pj = np.asarray(pair_j, dtype=np.int64)
    keep = pi != pj
    pi, pj = pi[keep], pj[keep]
    src = np.concatenate([pi, pj])
    dst = np.concatenate([pj, pi])
    b = _old_minimum_image(x[dst] - x[src], box)
    scale = float(np.median(np.linalg.norm(b, axis=1))) if b.size else 1.0
    phi = _old_features(b, order, scale)
    p = phi.shape[1]
    incidence = sp.csr_matrix((np.ones(src.size), (src, np.arange(src.size))), shape=(n, src.size))
    inv, valid = _old_inverse_normal_matrices(incidence, phi, min_condition)
    lead = u.shape[:-2]
    flat = u.reshape(-1, n, d)
    out = np.empty((flat.shape[0], n, d, d))
    for f, field in enumerate(flat):
        du = field[dst] - field[src]
        rhs = (incidence @ (phi[:, :, None] * du[:, None, :]).reshape(src.size, p * d)).reshape(n, p, d)
        coef = np.einsum("npq,nqd->npd", inv, rhs)
        out[f] = np.swapaxes(coef[:, :d, :], 1, 2) / scale
    out[:, ~valid] = np.nan
    return out.reshape(*lead, n, d, d), valid


def _old_summarise(
    G: np.ndarray, valid: np.ndarray, x: np.ndarray, box: np.ndarray, core_radius: float, u: np.ndarray | None
) -> dict[str, Any]:
    g = G[valid]
    eta = 0.5 * (g - np.swapaxes(g, -1, -2))
    w = np.sum(eta**2, axis=(-1, -2))
    total = np.sum(g**2, axis=(-1, -2))
    div = np.trace(g, axis1=-2, axis2=-1) ** 2
    n_valid = int(valid.sum())
    sum_total = float(total.sum())
    curl = float(w.sum() / sum_total) if sum_total > 0 else np.nan
    dshare = float(div.sum() / sum_total) if sum_total > 0 else np.nan
    local = np.full(valid.shape, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        local[valid] = w / total
    wsum2 = float(np.sum(w**2))
    part = float(w.sum() ** 2 / (n_valid * wsum2)) if wsum2 > 0 else np.nan
    sites = np.flatnonzero(valid)
    names = ("gradient", "valid", "curl_content", "divergence_share", "local_curl_share", "vorticity_participation")
    names += ("core_site", "core_position", "circulation_centre", "core_curl_content", "core_radius")
    if n_valid == 0 or not np.any(w > 0):
        nan_pos = np.full(x.shape[1], np.nan)
        return dict(zip(names, (G, valid, curl, dshare, local, part, -1, nan_pos, nan_pos, np.nan, core_radius)))
    k = int(np.argmax(w))
    core_site = int(sites[k])
    centre = x[core_site].copy()
    for _ in range(20):  # mean shift of the |η|²-weighted centroid, started at the core site
        rel = _old_minimum_image(x[sites] - centre, box)
        near = np.sum(rel**2, axis=1) <= core_radius**2
        if not np.any(w[near] > 0):
            break
        step = np.sum(w[near, None] * rel[near], axis=0) / np.sum(w[near])
        centre = np.mod(centre + step, box)
        if np.linalg.norm(step) < 1e-9 * core_radius:
            break
    circ = _old_circulation_centre(u, x, box, centre, core_radius) if u is not None else np.full(x.shape[1], np.nan)
    rel_c = _old_minimum_image(x[sites] - (circ if np.all(np.isfinite(circ)) else centre), box)
    in_core = np.sum(rel_c**2, axis=1) <= core_radius**2
    core_total = float(total[in_core].sum())
    core_curl = float(w[in_core].sum() / core_total) if core_total > 0 else np.nan
    values = (G, valid, curl, dshare, local, part, core_site, centre, circ, core_curl, float(core_radius))
    return dict(zip(names, values))


def _old_circulation_centre(
    u: np.ndarray, x: np.ndarray, box: np.ndarray, start: np.ndarray, radius: float
) -> np.ndarray:
    d = x.shape[1]
    centre = start.copy()
    for _ in range(20):
        rel = _old_minimum_image(x - centre, box)
        near = np.sum(rel**2, axis=1) <= radius**2
        if int(near.sum()) < d + 1:
            return np.full(d, np.nan)
        design = np.column_stack([rel[near], np.ones(int(near.sum()))])
        coef = np.linalg.lstsq(design, u[near], rcond=None)[0]
        step = -np.linalg.lstsq(coef[:d].T, coef[d], rcond=None)[0]  # least-norm: a point on the axis in 3D
        if not np.all(np.isfinite(step)) or np.linalg.norm(step) > radius:
            return np.full(d, np.nan)
        centre = np.mod(centre + step, box)
        if np.linalg.norm(step) < 1e-10 * radius:
            break
    return centre


def _old_default_core_radius(
    x: np.ndarray, box: np.ndarray, i: np.ndarray, j: np.ndarray, neighbours: float = 2.0
) -> float:
    if i.size == 0:
        return float(np.nan)
    b = _old_minimum_image(x[j] - x[i], box)
    return float(neighbours) * float(np.median(np.linalg.norm(b, axis=1)))


# ---- test fields ----


def _rel(x: np.ndarray, box: float, centre: np.ndarray) -> np.ndarray:
    r = x - centre
    return r - box * np.round(r / box)


def _fields(x: np.ndarray, box: float, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Vortices, smooth and rough random fields, and the edge cases, on sites ``x`` (2D or 3D)."""
    n, d = x.shape
    r = _rel(x, box, rng.random(d) * box)
    envelope = np.exp(-np.sum(r[:, :2] ** 2, axis=1) / (2 * 2.0**2))[:, None]
    spin = np.zeros((n, d))
    spin[:, 0], spin[:, 1] = -r[:, 1], r[:, 0]  # ẑ × r: a vortex in 2D, a vortex line along z in 3D
    k = 2 * np.pi / box * rng.integers(-2, 3, size=(6, d))
    smooth = sum(np.cos(x @ kk + rng.random() * 6.3)[:, None] * rng.normal(size=d) for kk in k)
    return {
        "vortex": spin * envelope,
        "vortex_plus_noise": spin * envelope + 0.05 * rng.normal(size=(n, d)),
        "smooth": smooth,
        "smooth_2": sum(np.sin(x @ kk + rng.random() * 6.3)[:, None] * rng.normal(size=d) for kk in k),
        "noise": rng.normal(size=(n, d)),
        "zero": np.zeros((n, d)),  # w = 0 everywhere: no core
        "translation": np.ones((n, d)),  # G = 0 exactly as well
        "diverging": np.ones((n, d)) + 1e-7 * spin,  # tiny rotation under a translation: the step leaves the core
        "longitudinal": np.column_stack([np.sin(2 * np.pi * x[:, 0] / box)] + [0 * x[:, 0]] * (d - 1)),
    }


def _sites(d: int, seed: int) -> tuple[np.ndarray, float]:
    rng = np.random.default_rng(seed)
    box = 18.0 if d == 2 else 7.0
    return rng.random((int(box**d), d)) * box, box


def _assert_same(new: dict[str, Any], old: dict[str, Any], label: str) -> None:
    """Every summary agrees to rtol 1e-10, with NaN in the same places; integers and flags exactly."""
    for name, ref in old.items():
        got = new[name]
        if name in ("core_site", "valid"):
            np.testing.assert_array_equal(got, ref, err_msg=f"{label}: {name}")
        else:
            np.testing.assert_allclose(got, ref, rtol=RTOL, atol=ATOL, equal_nan=True, err_msg=f"{label}: {name}")


@pytest.mark.parametrize("d", [2, 3])
def test_field_vorticity_gives_the_former_summary_of_every_field(d: int) -> None:
    """One field at a time (``field_vorticity``), default core radius and a core radius below the spacing
    (fewer than d + 1 sites near the core: no circulation centre)."""
    x, box = _sites(d, seed=d)
    i, j = neighbor_pairs(x, box, 1.6)
    bx = _old_box(box, d)
    circ_found = []
    for label, u in _fields(x, box, np.random.default_rng(10 + d)).items():
        for core_radius in (None, 0.3):
            new = field_vorticity(u, x, box, pairs=(i, j), core_radius=core_radius)
            G, ok = _old_local_displacement_gradient(u, x, bx, i, j)
            cr = _old_default_core_radius(x, bx, i, j) if core_radius is None else core_radius
            old = _old_summarise(G, ok, x, bx, cr, u)
            _assert_same(vars(new), old, f"{d}D {label} core_radius={core_radius}")
            circ_found.append((label, core_radius, bool(np.all(np.isfinite(old["circulation_centre"])))))
    found = {(label, cr) for label, cr, ok in circ_found if ok}
    assert ("vortex", None) in found  # the iterated fit converged there
    assert ("diverging", None) not in found and ("vortex", 0.3) not in found  # and gave NaN here (built to fail)


def test_a_set_without_a_valid_site_has_no_core() -> None:
    """No pairs: no site has a well-posed fit; every summary is NaN and the core site −1, as before."""
    x, box = _sites(2, seed=5)
    u = np.random.default_rng(0).normal(size=x.shape)
    empty = (np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64))
    new = field_vorticity(u, x, box, pairs=empty, core_radius=2.0)
    G, ok = _old_local_displacement_gradient(u, x, _old_box(box, 2), *empty)
    old = _old_summarise(G, ok, x, _old_box(box, 2), 2.0, u)
    assert not ok.any() and old["core_site"] == -1
    _assert_same(vars(new), old, "no valid site")


def _point(fields: np.ndarray, x: np.ndarray, box: float) -> xr.Dataset:
    """One sample, the given fields as stored eigenvectors, on sites ``x``."""
    n, d = x.shape
    u1 = {"units": "1"}
    lam = np.concatenate([np.zeros(d), np.linspace(0.1, 2.0, n * d - d)])
    return xr.Dataset(
        {
            "eigenvalue": (("sample", "mode"), lam[None], {"long_name": "omega^2", **u1}),
            "zero_mode": (("sample", "mode"), (lam == 0)[None], {"long_name": "zero mode", **u1}),
            "eigenvector": (("sample", "vector_mode", "site", "spatial"), fields[None], {"long_name": "e", **u1}),
            "position": (("sample", "site", "spatial"), x[None], {"long_name": "x", **u1}),
            "box_length": (("sample",), [box], {"long_name": "L", **u1}),
        },
        coords={
            "sample": ("sample", [0], u1),
            "mode": ("mode", np.arange(lam.size), u1),
            "vector_mode": ("vector_mode", np.arange(d, d + len(fields)), u1),
            "spatial": ("spatial", list("xyz"[:d]), u1),
        },
        attrs={"Conventions": "CF-1.10 VDOS-1.0", "spatial_dimension": d, "site_degrees_of_freedom": d},
    )


@pytest.mark.parametrize(("d", "core_block"), [(2, 1 << 18), (3, 1 << 18), (2, 700)])
def test_vorticity_steps_all_fields_together_as_one_at_a_time(
    d: int, core_block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``vorticity`` summarises all stored fields of a sample in one batch (some converge at once, some run the
    20 steps, some fail): each field's row is the former field-by-field summary.  A core block of 700 site-fields
    splits the fields into batches of one or two."""
    monkeypatch.setattr("vdosbench.validators.levels.vorticity._CORE_BLOCK", core_block)
    x, box = _sites(d, seed=20 + d)
    named = _fields(x, box, np.random.default_rng(30 + d))
    fields = np.array(list(named.values()))
    res = vorticity(_point(fields, x, box), radius=1.6, n_bootstrap=10)
    bx = _old_box(box, d)
    i, j = neighbor_pairs(x, bx, 1.6)
    G, ok = _old_local_displacement_gradient(fields, x, bx, i, j)
    cr = _old_default_core_radius(x, bx, i, j)
    pm = res.per_mode.isel(sample=0)
    for v, label in enumerate(named):
        old = _old_summarise(G[v], ok, x, bx, cr, fields[v])
        new = {k: pm[k].values[v] for k in ("curl_content", "divergence_share", "vorticity_participation")}
        new |= {k: pm[k].values[v] for k in ("core_curl_content", "core_site", "core_position", "circulation_centre")}
        _assert_same(new, {k: old[k] for k in new}, f"{d}D {label}")
    assert int(pm["n_valid_sites"].values[0]) == int(ok.sum())
    assert np.isnan(pm["circulation_centre"].values).any() and np.isfinite(pm["circulation_centre"].values).any()


@pytest.mark.parametrize(("order", "block"), [(1, 1 << 22), (2, 1 << 22), (1, 1), (2, 10_000)])
def test_the_local_gradient_of_many_fields_is_the_field_by_field_fit(
    order: Literal[1, 2], block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fields of shape (2, 3, n, d) in one product, or in blocks of one field (block 1) or two (10 000 bond
    terms), give the former per-field fit, NaN at the same (invalid) sites."""
    monkeypatch.setattr("vdosbench.validators.levels.vorticity._GRADIENT_BLOCK", block)
    rng = np.random.default_rng(7)
    x, box = _sites(2, seed=7)
    i, j = neighbor_pairs(x, box, 1.3)  # sparse enough that some sites have no well-posed fit
    u = rng.normal(size=(2, 3, *x.shape))
    G, ok = local_displacement_gradient(u, x, box, i, j, order=order)
    G_old, ok_old = _old_local_displacement_gradient(u, x, box, i, j, order=order)
    np.testing.assert_array_equal(ok, ok_old)
    assert G.shape == (2, 3, *x.shape, 2) and 0 < (~ok).sum() < ok.sum()
    np.testing.assert_allclose(G, G_old, rtol=RTOL, atol=ATOL, equal_nan=True)


def test_phonon_shell_core_curls_are_the_former_ones() -> None:
    """The plane-wave-shell validator's core curl of every stored mode and of the superposition reference (one fit
    and one batch of summaries per sample) equals the former per-field summaries."""
    rng = np.random.default_rng(4)
    x, box = _sites(2, seed=4)
    named = _fields(x, box, rng)
    fields = np.array([named[k] for k in ("vortex", "vortex_plus_noise", "smooth", "noise", "translation")])
    ds = _point(fields, x, box)
    res = phonon_shell(
        ds, radius=1.6, core_neighbours=1.5, n_superpositions=5, seed=3, n_bootstrap=10, min_captured=1e-9
    )
    bx = _old_box(box, 2)
    shell = plane_wave_shell(x, bx)
    i, j = neighbor_pairs(x, bx, 1.6)
    coef = np.random.default_rng([3, 0]).normal(size=(5, shell.shape[0]))
    every = np.concatenate([fields, np.einsum("rw,wij->rij", coef, shell)])
    G, ok = _old_local_displacement_gradient(every, x, bx, i, j, order=1)
    core = _old_default_core_radius(x, bx, i, j, 1.5)
    old = np.array([_old_summarise(G[r], ok, x, bx, core, every[r])["core_curl_content"] for r in range(len(every))])
    assert np.isnan(old[4]) and np.isfinite(old[:4]).all()
    pm = res.per_mode.isel(sample=0)
    np.testing.assert_allclose(pm["core_curl_content"].values, old[:5], rtol=RTOL, atol=ATOL, equal_nan=True)
    np.testing.assert_allclose(pm["core_curl_superposition_sample"].values, np.nanmean(old[5:]), rtol=RTOL, atol=ATOL)
