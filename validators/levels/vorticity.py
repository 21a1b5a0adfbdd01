"""Curl (rotational) content of eigenvectors from a local affine fit, and a vortex-core locator.

Seeds 001 and 003 (``001_d453c975fd50a4a2.txt`` eqs 52–54 and Methods M2;
``003_e4d31faec595bf16.txt`` point (v), Fig. 2) describe the type-II modes as
vortex-like: the displacement gradient u_{α|γ} splits into the local strain
ε = (G + Gᵀ)/2 and the local rotation η = (G − Gᵀ)/2 (eqs 52–53; the seed's
η^{αγ} is our −η, the sign does not enter |η|²), and η carries the vorticity
½ ∇ × u (eq. 54).

Local gradient
    For each site i with neighbours j (the stored pairs, or all sites within a
    stated radius, minimum image in the periodic box), fit
    u_j − u_i ≈ G_i b_ij (+ ½ H_i : b_ij b_ij with ``order=2``), b_ij = x_j − x_i,
    by least squares; G_i[a, b] = ∂u_a/∂x_b.  A site whose normal matrix is
    singular (fewer than d non-collinear neighbours; 2D: 5, 3D: 9 neighbours
    for ``order=2``) gets NaN and is left out.  A first-order fit is exact for
    an affine field; for a plane wave of wavenumber k it errs at O(k b) at
    nodes of the gradient, ``order=2`` at O((k b)²).

Curl content (the measure)
    C = Σ_i |η_i|² / Σ_i |G_i|² (Frobenius norms, sum over the valid sites).
    |G|² = |ε|² + |η|² pointwise, so C ∈ [0, 1].  Reference values:

    * longitudinal plane wave u = k̂ f(k·x): G = f′ k̂ ⊗ k, symmetric → C = 0;
    * transverse plane wave u = ê f(k·x), ê ⊥ k: G = f′ ê ⊗ k,
      |η|² = f′² (|ê|²k² − (ê·k)²)/2 = |G|²/2 at every site → C = 1/2;
    * rigid rotation u = Ω ẑ × r: G antisymmetric → C = 1 (locally);
    * **any divergence-free periodic field** gives C = 1/2: integrating by
      parts in the periodic box, ∫ ∂_b u_a ∂_a u_b = ∫ (∇·u)², so
      ∫|η|² = ½ (∫|G|² − ∫(∇·u)²) and C = ½ (1 − D) with the divergence share
      D = ∫(∇·u)² / ∫|G|².  Over a whole periodic box C ≤ 1/2, whatever the
      field.

    So the whole-box curl content does *not* separate a vortex from a
    transverse wave: a vortex u = ẑ × (r − r₀) f(|r − r₀|) is divergence-free
    and gives exactly 1/2 in the continuum.  Rotation dominates only locally:
    for f = exp(−ρ²/2ℓ²) (q = ρ²/ℓ²) the local share |η|²/|G|² is
    (1 − q/2)² / ((1 − q/2)² + q²/4): 1 at the core, 0 on the ring q = 2,
    → 1/2 far away.  This module therefore also reports the core curl content
    (within ``core_radius`` of the located core: → 1 for a rigid core) and the
    vorticity participation e_η = (Σ w_i)² / (N Σ w_i²), w_i = |η_i|² (2/3 for
    a plane wave, ≈ core area / box area for a vortex), with the divergence
    share D so that C = ½ (1 − D) can be checked on data.

Vortex core
    The valid site with the largest |η_i|², refined by mean shift: the
    |η|²-weighted centroid of the sites within ``core_radius`` of the current
    centre (minimum image), iterated to convergence (at most 20 steps);
    then the centre of circulation, the zero of the affine fit
    u ≈ A(x − c) + b over the sites within ``core_radius`` of c, iterated.  In 3D
    a vortex is a line; the centroid is then a point on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import scipy.sparse as sp
import xarray as xr
from scipy.spatial import cKDTree

from ..results.points import point_view
from ..results.result import Measurement, ValidatorResult, bootstrap, current_axes, jsonable

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from vdosbench.datasets.accessor import VdosAccessor

__all__ = [
    "CURL_CONTENT_REFERENCE",
    "FieldVorticity",
    "VorticityResult",
    "neighbor_pairs",
    "local_displacement_gradient",
    "field_vorticity",
    "vorticity",
]

#: Reference values of the curl content C = Σ|η|²/Σ|G|² (module docstring).
CURL_CONTENT_REFERENCE: Mapping[str, float] = {
    "longitudinal_plane_wave": 0.0,
    "transverse_plane_wave": 0.5,
    "divergence_free_periodic_field": 0.5,
    "rigid_rotation": 1.0,
}


def _box(box_length: float | np.ndarray, d: int) -> np.ndarray:
    box = np.broadcast_to(np.asarray(box_length, dtype=float), (d,)).copy()
    if np.any(~np.isfinite(box)) or np.any(box <= 0):
        raise ValueError(f"box_length is {box_length!r}; expected positive finite edge(s)")
    return box


def _minimum_image(delta: np.ndarray, box: np.ndarray) -> np.ndarray:
    return delta - box * np.round(delta / box)


def neighbor_pairs(
    position: np.ndarray, box_length: float | np.ndarray, radius: float
) -> tuple[np.ndarray, np.ndarray]:
    """All site pairs closer than ``radius`` in a periodic box (minimum image).

    Parameters
    ----------
    position
        Shape ``(n_site, d)``, units of length.
    box_length
        Box edge (scalar) or edges (shape ``(d,)``).
    radius
        Neighbour radius, below half the smallest edge.

    Returns
    -------
    (pair_i, pair_j)
        Integer arrays with i < j, each pair once.

    Examples
    --------
    >>> x = np.array([[0.1, 0.0], [3.9, 0.0], [2.0, 2.0]])
    >>> [a.tolist() for a in neighbor_pairs(x, 4.0, 0.5)]
    [[0], [1]]
    """
    x = np.asarray(position, dtype=float)
    if x.ndim != 2:
        raise ValueError(f"position has shape {x.shape}; expected (n_site, d)")
    box = _box(box_length, x.shape[1])
    if not 0 < radius < 0.5 * box.min():
        raise ValueError(f"radius is {radius}; expected 0 < radius < half the smallest box edge ({0.5 * box.min():g})")
    tree = cKDTree(np.mod(x, box), boxsize=box)
    pairs = tree.query_pairs(float(radius), output_type="ndarray")
    if pairs.size == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    pairs = np.sort(pairs, axis=1)
    order = np.lexsort((pairs[:, 1], pairs[:, 0]))
    return pairs[order, 0].astype(np.int64), pairs[order, 1].astype(np.int64)


def _features(b: np.ndarray, order: int, scale: float) -> np.ndarray:
    bs = b / scale
    if order == 1:
        return bs
    a, c = np.triu_indices(b.shape[1])
    return np.concatenate([bs, 0.5 * bs[:, a] * bs[:, c]], axis=1)


def _inverse_normal_matrices(
    incidence: sp.csr_matrix, phi: np.ndarray, min_condition: float
) -> tuple[np.ndarray, np.ndarray]:
    """Per site, the inverse of the least-squares normal matrix Σ φφᵀ over its pairs, and whether it is well posed."""
    n, n_pairs = incidence.shape
    p = phi.shape[1]
    normal = (incidence @ (phi[:, :, None] * phi[:, None, :]).reshape(n_pairs, p * p)).reshape(n, p, p)
    ev = np.linalg.eigvalsh(normal)
    valid = (ev[:, 0] > min_condition * np.maximum(ev[:, -1], np.finfo(float).tiny)) & (ev[:, -1] > 0)
    safe = np.where(valid[:, None, None], normal, np.eye(p))
    return np.linalg.inv(safe), valid


#: Bond differences (bonds × d × fields) of the gradient fit formed at once (bounds the temporaries at ~32 MB).
_GRADIENT_BLOCK = 1 << 22


def _fitted_gradients(
    fields: np.ndarray, incidence: sp.csr_matrix, phi: np.ndarray, inv: np.ndarray, src: np.ndarray, dst: np.ndarray
) -> np.ndarray:
    """Σ_bonds φ ⊗ (u_dst − u_src) per site, times the inverse normal matrix: the fitted gradients (n_field, n, d, d).

    One sparse product per feature for all fields of a block, its matrix the bond incidence weighted by that
    feature: the same products summed in the same order as the incidence times φ ⊗ Δu, without forming φ ⊗ Δu.
    """
    n_field, n, d = fields.shape
    weighted = [incidence.copy() for _ in range(phi.shape[1])]
    for q, matrix in enumerate(weighted):
        matrix.data = phi[incidence.indices, q] * incidence.data
    out = np.empty((n_field, n, d, d))
    step = max(1, _GRADIENT_BLOCK // max(src.size * d, 1))
    for lo in range(0, n_field, step):  # fields together, in blocks
        block = np.swapaxes(fields[lo : lo + step], 0, 1)  # (site, field, d)
        du = (block[dst] - block[src]).reshape(src.size, block.shape[1] * d)
        rhs = np.stack([matrix @ du for matrix in weighted], axis=1).reshape(n, len(weighted), -1, d)
        coef = np.einsum("npq,nqfd->fnpd", inv, rhs)
        out[lo : lo + coef.shape[0]] = np.swapaxes(coef[:, :, :d, :], 2, 3)
    return out


def local_displacement_gradient(
    displacement: np.ndarray,
    position: np.ndarray,
    box_length: float | np.ndarray,
    pair_i: np.ndarray,
    pair_j: np.ndarray,
    *,
    order: Literal[1, 2] = 1,
    min_condition: float = 1e-8,
) -> tuple[np.ndarray, np.ndarray]:
    """Least-squares local displacement gradient G_i = ∇u at every site.

    Parameters
    ----------
    displacement
        Shape ``(..., n_site, d)``: one or several fields on the same sites.
    position
        Shape ``(n_site, d)``.
    box_length
        Periodic box edge(s); bonds use the minimum image.
    pair_i, pair_j
        Neighbour pairs (each once, either orientation), shape ``(n_pair,)``.
    order
        1: fit u_j − u_i = G b_ij; 2: also a quadratic term (module docstring).
    min_condition
        A site is valid if its normal matrix has smallest/largest eigenvalue
        above this ratio.

    Returns
    -------
    G : numpy.ndarray
        Shape ``(..., n_site, d, d)``, G[..., i, a, b] = ∂u_a/∂x_b; NaN at invalid sites.
    valid : numpy.ndarray
        Shape ``(n_site,)``, bool.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.random((200, 2)) * 10
    >>> i, j = neighbor_pairs(x, 10.0, 1.5)
    >>> E = np.array([[0.01, 0.02], [-0.03, 0.005]])
    >>> u = x @ E.T  # affine: exact wherever no bond crosses the boundary (u jumps there)
    >>> G, ok = local_displacement_gradient(u, x, 10.0, i, j)
    >>> inner = ok & np.all((x > 1.5) & (x < 8.5), axis=1)
    >>> bool(np.allclose(G[inner], E, atol=1e-12))
    True
    """
    x = np.asarray(position, dtype=float)
    n, d = x.shape
    u = np.asarray(displacement, dtype=float)
    if u.shape[-2:] != (n, d):
        raise ValueError(f"displacement has shape {u.shape}; expected (..., {n}, {d}) to match position {x.shape}")
    if order not in (1, 2):
        raise ValueError(f"order is {order!r}; expected 1 or 2")
    box = _box(box_length, d)
    pi = np.asarray(pair_i, dtype=np.int64)
    pj = np.asarray(pair_j, dtype=np.int64)
    keep = pi != pj
    pi, pj = pi[keep], pj[keep]
    src = np.concatenate([pi, pj])
    dst = np.concatenate([pj, pi])
    b = _minimum_image(x[dst] - x[src], box)
    scale = float(np.median(np.linalg.norm(b, axis=1))) if b.size else 1.0
    phi = _features(b, order, scale)
    incidence = sp.csr_matrix((np.ones(src.size), (src, np.arange(src.size))), shape=(n, src.size))
    inv, valid = _inverse_normal_matrices(incidence, phi, min_condition)
    lead = u.shape[:-2]
    out = _fitted_gradients(u.reshape(-1, n, d), incidence, phi, inv, src, dst) / scale
    out[:, ~valid] = np.nan
    return out.reshape(*lead, n, d, d), valid


@dataclass(frozen=True, eq=False)
class FieldVorticity:
    """Output of :func:`field_vorticity` for one displacement field (module docstring).

    Attributes
    ----------
    gradient
        G, shape ``(n_site, d, d)``; NaN at invalid sites.
    valid
        Shape ``(n_site,)``.
    curl_content
        Σ|η|²/Σ|G|² over the valid sites.
    divergence_share
        Σ(tr G)²/Σ|G|²; C = ½(1 − D) for a smooth periodic field.
    local_curl_share
        |η_i|²/|G_i|², shape ``(n_site,)``.
    vorticity_participation
        (Σ w)²/(N_valid Σ w²), w = |η_i|².
    core_site
        Valid site of largest |η_i|².
    core_position
        |η|²-weighted centroid (mean shift from the core site, radius
        ``core_radius``), shape ``(d,)``; insensitive to a uniform translation.
    circulation_centre
        The zero of the local affine fit u ≈ A(x − c) + b within ``core_radius``
        (iterated from ``core_position``): the stagnation point of the
        circulation, shape ``(d,)``; NaN if the fit does not converge.
    core_curl_content
        Σ|η|²/Σ|G|² over the valid sites within ``core_radius`` of
        ``circulation_centre`` (of ``core_position`` when that is NaN).
    core_radius
        The radius used.
    """

    gradient: np.ndarray
    valid: np.ndarray
    curl_content: float
    divergence_share: float
    local_curl_share: np.ndarray
    vorticity_participation: float
    core_site: int
    core_position: np.ndarray
    circulation_centre: np.ndarray
    core_curl_content: float
    core_radius: float


def _site_weights(G: np.ndarray, valid: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """|η_i|², |G_i|² and (tr G_i)² at the valid sites, each (n_field, n_valid), for G of shape (n_field, n_site, d, d)."""
    g = G[:, valid]
    eta = 0.5 * (g - np.swapaxes(g, -1, -2))
    return np.sum(eta**2, axis=(-1, -2)), np.sum(g**2, axis=(-1, -2)), np.trace(g, axis1=-2, axis2=-1) ** 2


def _mean_shift(xs: np.ndarray, w: np.ndarray, start: np.ndarray, box: np.ndarray, radius: float) -> np.ndarray:
    """Every field's |η|²-weighted centroid of the sites ``xs`` within ``radius``, from ``start`` (≤ 20 steps).

    ``w`` is (n_field, n_site) and ``start`` (n_field, d); a field stops when no site of positive weight is near or
    its step falls below 1e-9 ``radius``; the fields still moving are stepped together.
    """
    centre = start.copy()
    active = np.arange(len(centre))
    for _ in range(20):
        rel = _minimum_image(xs - centre[active, None], box)
        weights = np.where(np.sum(rel**2, axis=-1) <= radius**2, w[active], 0.0)
        moving = np.any(weights > 0, axis=1)
        active, rel, weights = active[moving], rel[moving], weights[moving]
        if active.size == 0:
            break
        step = np.einsum("an,and->ad", weights, rel) / np.sum(weights, axis=1)[:, None]
        centre[active] = np.mod(centre[active] + step, box)
        active = active[~(np.sqrt(np.sum(step**2, axis=1)) < 1e-9 * radius)]
    return centre


def _circulation_centres(u: np.ndarray, x: np.ndarray, box: np.ndarray, start: np.ndarray, radius: float) -> np.ndarray:
    """Zero of the affine fit u ≈ A (x − c) + b over the sites within ``radius`` of c, iterated from ``start``.

    ``u`` is (n_field, n_site, d) and ``start`` (n_field, d); NaN for a field with fewer than d + 1 sites near c or a
    non-finite step or one longer than ``radius``.  Both fits are least-norm least squares with the cut-off of
    :func:`numpy.linalg.lstsq` (singular values at most eps · max(rows, columns) times the largest count as zero),
    for all fields at once through the pseudo-inverse of the design with the rows beyond ``radius`` set to zero
    (zero rows change neither the least-norm solution nor the singular values).  In 3D the step is the least-norm
    one: a point on the axis.
    """
    d = x.shape[1]
    eps = np.finfo(float).eps
    centre = start.copy()
    active = np.arange(len(centre))
    for _ in range(20):
        rel = _minimum_image(x - centre[active, None], box)
        near = np.sum(rel**2, axis=-1) <= radius**2
        count = np.sum(near, axis=1)
        centre[active[count < d + 1]] = np.nan
        fits = count >= d + 1
        active, rel, near, count = active[fits], rel[fits], near[fits], count[fits]
        if active.size == 0:
            break
        design = np.where(near[..., None], np.concatenate([rel, np.ones_like(rel[..., :1])], axis=-1), 0.0)
        coef = np.linalg.pinv(design, rcond=eps * count) @ np.where(near[..., None], u[active], 0.0)
        step = -(
            np.linalg.pinv(np.swapaxes(coef[:, :d], 1, 2), rcond=np.full(len(active), eps * d)) @ coef[:, d, :, None]
        )
        step = step[..., 0]
        size = np.sqrt(np.sum(step**2, axis=1))
        bad = ~np.all(np.isfinite(step), axis=1) | (size > radius)
        centre[active[bad]] = np.nan
        active, step, size = active[~bad], step[~bad], size[~bad]
        centre[active] = np.mod(centre[active] + step, box)
        active = active[~(size < 1e-10 * radius)]
    return centre


#: Fields × sites handled together by the core location (bounds its temporaries at a few tens of MB).
_CORE_BLOCK = 1 << 18


def _locate_cores(
    w: np.ndarray, x: np.ndarray, valid: np.ndarray, box: np.ndarray, core_radius: float, u: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Core site, mean-shift centre and circulation centre of every field with a site of positive |η|² (else -1, NaN).

    ``w`` is |η|² at the valid sites (n_field, n_valid); ``u`` the fields (n_field, n_site, d) or None (no
    circulation centre).
    """
    n_field, d = w.shape[0], x.shape[1]
    sites = np.flatnonzero(valid)
    core_site = np.full(n_field, -1, dtype=np.int64)
    centre = np.full((n_field, d), np.nan)
    circ = np.full((n_field, d), np.nan)
    located = np.flatnonzero(np.any(w > 0, axis=1))
    n_blocks = -(-located.size * x.shape[0] // _CORE_BLOCK)  # 0 when no field has a core
    for block in np.array_split(located, n_blocks) if n_blocks else ():
        core_site[block] = sites[np.argmax(w[block], axis=1)]
        centre[block] = _mean_shift(x[sites], w[block], x[core_site[block]], box, core_radius)
        if u is not None:
            circ[block] = _circulation_centres(u[block], x, box, centre[block], core_radius)
    return core_site, centre, circ


def _core_summaries(
    w: np.ndarray,
    total: np.ndarray,
    x: np.ndarray,
    valid: np.ndarray,
    box: np.ndarray,
    core_radius: float,
    u: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every field's core site, centre, circulation centre and core curl content from |η|² and |G|² (:func:`_site_weights`).

    The core curl content is Σ|η|²/Σ|G|² over the valid sites within ``core_radius`` of the circulation centre (of
    the mean-shift centre where that is NaN); NaN without a site of positive |η|² or with Σ|G|² = 0 there.
    """
    core_site, centre, circ = _locate_cores(w, x, valid, box, core_radius, u)
    ref = np.where(np.all(np.isfinite(circ), axis=1, keepdims=True), circ, centre)
    in_core = np.sum(_minimum_image(x[valid] - ref[:, None], box) ** 2, axis=-1) <= core_radius**2
    core_total = np.sum(np.where(in_core, total, 0.0), axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        core_curl = np.sum(np.where(in_core, w, 0.0), axis=1) / core_total
    core_curl[~(core_total > 0) | (core_site < 0)] = np.nan
    return core_site, centre, circ, core_curl


def _core_curl_contents(
    G: np.ndarray, valid: np.ndarray, x: np.ndarray, box: np.ndarray, core_radius: float, u: np.ndarray
) -> np.ndarray:
    """The core curl content of every field (G: (n_field, n_site, d, d), u: (n_field, n_site, d)); NaN without a core."""
    w, total, _ = _site_weights(G, valid)
    return _core_summaries(w, total, x, valid, box, core_radius, u)[3]


def _summarise(
    G: np.ndarray, valid: np.ndarray, x: np.ndarray, box: np.ndarray, core_radius: float, u: np.ndarray | None
) -> list[FieldVorticity]:
    """:class:`FieldVorticity` of every field: G (n_field, n_site, d, d), u (n_field, n_site, d) or None."""
    w, total, div = _site_weights(G, valid)
    n_valid = int(valid.sum())
    sum_total, sum_w, wsum2 = np.sum(total, axis=1), np.sum(w, axis=1), np.sum(w**2, axis=1)
    local = np.full(G.shape[:2], np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        curl = np.where(sum_total > 0, sum_w / sum_total, np.nan)
        dshare = np.where(sum_total > 0, np.sum(div, axis=1) / sum_total, np.nan)
        local[:, valid] = w / total
        part = np.where(wsum2 > 0, sum_w**2 / (n_valid * wsum2), np.nan)
    core_site, centre, circ, core_curl = _core_summaries(w, total, x, valid, box, core_radius, u)
    rows = zip(G, curl, dshare, local, part, core_site, centre, circ, core_curl)
    return [
        FieldVorticity(g, valid, float(c), float(ds), lc, float(pt), int(cs), ce, ci, float(cc), float(core_radius))
        for g, c, ds, lc, pt, cs, ce, ci, cc in rows
    ]


def _pairs_for(
    x: np.ndarray, box: np.ndarray, pairs: tuple[np.ndarray, np.ndarray] | None, radius: float | None
) -> tuple[np.ndarray, np.ndarray, str]:
    if pairs is not None:
        return np.asarray(pairs[0]), np.asarray(pairs[1]), "given pairs"
    if radius is None:
        raise ValueError("no neighbours: pass pairs=(pair_i, pair_j) or a neighbour radius=...")
    i, j = neighbor_pairs(x, box, radius)
    return i, j, f"all sites within radius {radius:g} (minimum image)"


def _default_core_radius(
    x: np.ndarray, box: np.ndarray, i: np.ndarray, j: np.ndarray, neighbours: float = 2.0
) -> float:
    """``neighbours`` median neighbour distances of the pairs (i, j) (NaN without pairs)."""
    if i.size == 0:
        return float(np.nan)
    b = _minimum_image(x[j] - x[i], box)
    return float(neighbours) * float(np.median(np.linalg.norm(b, axis=1)))


def field_vorticity(
    displacement: np.ndarray,
    position: np.ndarray,
    box_length: float | np.ndarray,
    *,
    pairs: tuple[np.ndarray, np.ndarray] | None = None,
    radius: float | None = None,
    order: Literal[1, 2] = 1,
    core_radius: float | None = None,
) -> FieldVorticity:
    """Curl content, divergence share, vorticity participation and core of one field.

    Parameters
    ----------
    displacement
        Shape ``(n_site, d)``, d = 2 or 3.
    position
        Shape ``(n_site, d)``.
    box_length
        Periodic box edge(s).
    pairs
        Neighbour pairs ``(pair_i, pair_j)``; default: all sites within ``radius``.
    radius
        Neighbour radius when ``pairs`` is not given.
    order
        Order of the local fit (:func:`local_displacement_gradient`).
    core_radius
        Radius of the core refinement and of the core curl content; default
        twice the median neighbour distance.

    Returns
    -------
    FieldVorticity

    References
    ----------
    Seed 001 (``001_d453c975fd50a4a2.txt``), eqs (52)–(54); seed 003
    (``003_e4d31faec595bf16.txt``), point (v) and Fig. 2.

    Examples
    --------
    Longitudinal and transverse plane waves along x on a square lattice
    (symmetric neighbour shells make the first-order fit exact in direction):

    >>> L = 16; xs, ys = np.meshgrid(np.arange(L), np.arange(L), indexing="ij")
    >>> x = np.column_stack([xs.ravel(), ys.ravel()]).astype(float)
    >>> k = 2 * np.pi / L
    >>> long = np.column_stack([np.sin(k * x[:, 0]), 0 * x[:, 0]])
    >>> trans = np.column_stack([0 * x[:, 0], np.sin(k * x[:, 0])])
    >>> round(field_vorticity(long, x, L, radius=1.1).curl_content, 12)
    0.0
    >>> round(field_vorticity(trans, x, L, radius=1.1).curl_content, 12)
    0.5
    """
    x = np.asarray(position, dtype=float)
    if x.ndim != 2 or x.shape[1] not in (2, 3):
        raise ValueError(f"position has shape {x.shape}; expected (n_site, d) with d = 2 or 3 (no rotation in 1D)")
    box = _box(box_length, x.shape[1])
    i, j, _ = _pairs_for(x, box, pairs, radius)
    G, valid = local_displacement_gradient(displacement, x, box, i, j, order=order)
    cr = _default_core_radius(x, box, i, j) if core_radius is None else float(core_radius)
    return _summarise(G[None], valid, x, box, cr, np.asarray(displacement, dtype=float)[None])[0]


@dataclass(frozen=True, eq=False)
class VorticityResult(ValidatorResult):
    """Output of :func:`vorticity`.

    Attributes
    ----------
    curl_content
        Mean curl content over the stored modes (:class:`Measurement`,
        bootstrap over samples of the per-sample mean).
    per_mode
        Dataset over (sample, vector_mode): ``curl_content``,
        ``divergence_share``, ``vorticity_participation``, ``core_curl_content``,
        ``core_site``, ``core_position`` and ``circulation_centre`` (sample, vector_mode, spatial),
        ``n_valid_sites``, and ``omega`` when the eigenvalues are stored.
    reference
        :data:`CURL_CONTENT_REFERENCE`.
    settings
        Neighbour rule, fit order, core radius, bootstrap settings.
    """

    headline = "curl_content"
    diagnostics_field = "per_mode"

    curl_content: Measurement
    per_mode: xr.Dataset
    reference: Mapping[str, float]
    settings: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """JSON-able dict: the measurement, the reference values and the settings."""
        return {
            "measurements": {"curl_content": self.curl_content.to_dict()},
            "reference": dict(self.reference),
            "settings": jsonable(dict(self.settings)),
        }

    def plot(self, ax: Axes | None = None) -> Axes:
        """Curl content of every stored mode against ω (or mode index), with the plane-wave references."""
        ax = current_axes(ax)
        pm = self.per_mode
        y = pm["curl_content"].values.ravel()
        if "omega" in pm:
            x = pm["omega"].values.ravel()
            ax.set_xlabel("ω")
        else:
            x = np.broadcast_to(pm["vector_mode"].values, pm["curl_content"].shape).ravel()
            ax.set_xlabel("mode index")
        ax.plot(x, y, "o", ms=3, color="k", label="modes")
        ax.axhline(0.0, color="tab:blue", ls="--", label="longitudinal wave (0)")
        ax.axhline(0.5, color="tab:red", ls="--", label="transverse wave / divergence-free (1/2)")
        ax.set_ylabel("curl content Σ|η|²/Σ|∇u|²")
        ax.set_ylim(-0.02, 1.02)
        ax.set_title(f"curl content {self.curl_content.value:.3g} ± {self.curl_content.uncertainty:.2g}")
        ax.legend()
        return ax


#: The per-mode summaries of :func:`_summarise` that :func:`vorticity` tabulates.
_FIELD_NAMES = ("curl_content", "divergence_share", "vorticity_participation", "core_curl_content")


def _checked_eigenvectors(ds: xr.Dataset, d: int) -> xr.DataArray:
    """The eigenvectors as (sample, vector_mode, site, spatial); raise for d = 1, missing variables or a scalar model."""
    if d < 2:
        raise ValueError("vorticity needs spatial_dimension 2 or 3; a 1D field has no rotation")
    for name in ("eigenvector", "position", "box_length"):
        if name not in ds.variables:
            raise ValueError(
                f"vorticity needs '{name}'; found variables {sorted(map(str, ds.data_vars))}. "
                "Store eigenvector (sample, vector_mode, site, spatial), position and box_length"
            )
    ev = ds["eigenvector"]
    if "spatial" not in ev.dims:
        raise ValueError(
            f"eigenvector has dims {ev.dims}; a scalar model (no 'spatial') has no curl. "
            "Expected (sample, vector_mode, site, spatial)"
        )
    return ev.transpose("sample", "vector_mode", "site", "spatial")


def _per_mode_fields(
    ev: xr.DataArray,
    position: xr.DataArray,
    boxes: np.ndarray,
    pair_list: Any,
    radius: float | None,
    order: Literal[1, 2],
    core_radius: float | None,
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Curl summaries, core site and positions, valid-site counts per (sample, mode), and the core radius per sample."""
    n_s, n_v = ev.sizes["sample"], ev.sizes["vector_mode"]
    d = boxes.shape[1]
    table = {k: np.full((n_s, n_v), np.nan) for k in _FIELD_NAMES}
    core_site = np.full((n_s, n_v), -1, dtype=np.int64)
    core_pos = np.full((n_s, n_v, d), np.nan)
    circ_pos = np.full((n_s, n_v, d), np.nan)
    n_valid = np.zeros((n_s, n_v), dtype=np.int64)
    radii = np.empty(n_s)
    for s in range(n_s):  # one sample in memory at a time (Dask-backed ensembles)
        x_s = np.asarray(position.isel(sample=s).values, dtype=float)
        u_s = np.asarray(ev.isel(sample=s).values, dtype=float)
        bx = _box(boxes[s], d)
        if pair_list is not None:
            i, j = (np.asarray(a, dtype=np.int64) for a in pair_list[s])
        else:
            i, j = neighbor_pairs(x_s, bx, float(radius))  # type: ignore[arg-type]
        G, valid = local_displacement_gradient(u_s, x_s, bx, i, j, order=order)
        radii[s] = _default_core_radius(x_s, bx, i, j) if core_radius is None else float(core_radius)
        for v, fv in enumerate(_summarise(G, valid, x_s, bx, radii[s], u_s)):
            for k in _FIELD_NAMES:
                table[k][s, v] = getattr(fv, k)
            core_site[s, v] = fv.core_site
            core_pos[s, v] = fv.core_position
            circ_pos[s, v] = fv.circulation_centre
            n_valid[s, v] = int(valid.sum())
    return table, core_site, core_pos, circ_pos, n_valid, radii


def _per_mode_dataset(
    ds: xr.Dataset,
    table: dict[str, np.ndarray],
    core_site: np.ndarray,
    core_pos: np.ndarray,
    circ_pos: np.ndarray,
    n_valid: np.ndarray,
    radii: np.ndarray,
) -> xr.Dataset:
    """The result's ``per_mode`` dataset over (sample, vector_mode[, spatial]) without ω."""
    u1 = {"units": "1"}
    length = {"units": str(ds["position"].attrs.get("units", "1"))}
    sv = ("sample", "vector_mode")
    long_names = {
        "curl_content": "sum |eta|^2 / sum |grad u|^2",
        "divergence_share": "sum (div u)^2 / sum |grad u|^2",
        "vorticity_participation": "participation ratio of |eta_i|^2",
        "core_curl_content": "curl content within core_radius of the circulation centre",
    }
    return xr.Dataset(
        {
            **{k: (sv, table[k], {"long_name": long_names[k], **u1}) for k in _FIELD_NAMES},
            "core_site": (sv, core_site, {"long_name": "site of largest |eta|^2", **u1}),
            "core_position": ((*sv, "spatial"), core_pos, {"long_name": "|eta|^2-weighted vortex centre", **length}),
            "circulation_centre": (
                (*sv, "spatial"),
                circ_pos,
                {"long_name": "zero of the local affine fit of u near the core", **length},
            ),
            "n_valid_sites": (sv, n_valid, {"long_name": "sites with a well-posed local fit", **u1}),
            "core_radius": ("sample", radii, {"long_name": "core radius used", **length}),
        },
        coords={k: ds[k] for k in ("sample", "vector_mode", "spatial") if k in ds.coords},
    )


def _attach_omega(per_mode: xr.Dataset, ds: xr.Dataset, view: VdosAccessor) -> None:
    """Add ``omega`` of each stored vector mode to ``per_mode`` when the eigenvalues are stored."""
    if "eigenvalue" in ds.variables and "mode" in ds["eigenvalue"].dims:
        lam = ds["eigenvalue"].isel(mode=xr.DataArray(ds["vector_mode"].values.astype(int), dims="vector_mode"))
        per_mode["omega"] = (
            np.sqrt(lam.clip(min=0.0))
            .transpose("sample", "vector_mode")
            .assign_attrs(long_name="angular frequency of the mode", units=view.omega_units)
        )


def _settings(has_pairs: bool, radius: float | None, order: int, core_radius: float | None) -> dict[str, Any]:
    """The result's ``settings``: neighbour rule, fit order, core radius rule, definition, reference."""
    return {
        "neighbours": (
            "stored pairs (pair_i, pair_j)" if has_pairs else f"all sites within radius {radius} (minimum image)"
        ),
        "fit_order": int(order),
        "core_radius": "given" if core_radius is not None else "twice the median neighbour distance",
        "definition": "C = sum_i |eta_i|^2 / sum_i |G_i|^2, G = grad u from a local least-squares fit, eta = (G - G^T)/2",
        "reference": dict(CURL_CONTENT_REFERENCE),
        "statistic": "mean over the stored modes of the per-sample curl contents",
    }


def vorticity(
    ds: xr.Dataset,
    *,
    radius: float | None = None,
    use_pairs: bool = True,
    order: Literal[1, 2] = 1,
    core_radius: float | None = None,
    n_bootstrap: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> VorticityResult:
    """Curl content of the stored eigenvectors of one parameter point.

    Parameters
    ----------
    ds
        One parameter point with ``eigenvector`` (sample, vector_mode, site,
        spatial), ``position`` (sample, site, spatial) and ``box_length``
        (sample[, spatial]); optionally ragged pairs (``pair_i``, ``pair_j``).
    radius
        Neighbour radius (minimum image); required when no pairs are stored or
        ``use_pairs`` is False.
    use_pairs
        Use the stored pairs as neighbours when present.
    order, core_radius
        As in :func:`field_vorticity`.
    n_bootstrap, seed, confidence
        Bootstrap over samples of the per-sample mean curl content.

    Returns
    -------
    VorticityResult

    References
    ----------
    Seed 001 (``001_d453c975fd50a4a2.txt``), eqs (52)–(54), Methods M2; seed 003
    (``003_e4d31faec595bf16.txt``), point (v), Fig. 2.

    Examples
    --------
    >>> from vdosbench.datasets import mock_spectrum
    >>> ds = mock_spectrum(n_sample=2, n_mode=4, n_site=64, spatial_dimension=2)
    >>> rng = np.random.default_rng(0)
    >>> ev = rng.normal(size=(2, 1, 64, 2)); ev /= np.linalg.norm(ev, axis=(2, 3), keepdims=True)
    >>> ds = ds.assign_coords(vector_mode=("vector_mode", [3], {"long_name": "mode", "units": "1"}))
    >>> ds["eigenvector"] = (("sample", "vector_mode", "site", "spatial"), ev, {"long_name": "e", "units": "1"})
    >>> res = vorticity(ds, radius=2.0, n_bootstrap=20)
    >>> res.per_mode["curl_content"].dims, 0.0 <= res.curl_content.value <= 1.0
    (('sample', 'vector_mode'), True)
    """
    view = point_view(ds, "vorticity")
    d = view.dimension
    ev = _checked_eigenvectors(ds, d)
    position = ds["position"].transpose("sample", "site", "spatial")
    box = ds["box_length"]
    boxes = box.transpose("sample", "spatial").values if "spatial" in box.dims else np.repeat(box.values[:, None], d, 1)
    has_pairs = use_pairs and all(v in ds.variables for v in ("pair_count", "pair_i", "pair_j"))
    if not has_pairs and radius is None:
        raise ValueError(
            "vorticity needs neighbours: store ragged pairs (pair_count, pair_i, pair_j) or pass radius=..."
        )
    pair_list = view.sample_pairs("pair_i", "pair_j") if has_pairs else None
    table, core_site, core_pos, circ_pos, n_valid, radii = _per_mode_fields(
        ev, position, boxes, pair_list, radius, order, core_radius
    )
    per_mode = _per_mode_dataset(ds, table, core_site, core_pos, circ_pos, n_valid, radii)
    _attach_omega(per_mode, ds, view)
    est = bootstrap(
        lambda c: np.nanmean(c), table["curl_content"], n_bootstrap=n_bootstrap, seed=seed, confidence=confidence
    )
    settings = _settings(has_pairs, radius, order, core_radius)
    m = est.measurement(
        "curl_content",
        units="1",
        settings=settings,
        curve=per_mode[["curl_content"]],
        method="rotational share of sum |grad u|^2 from local affine fits; bootstrap over samples",
    )
    return VorticityResult(m, per_mode, dict(CURL_CONTENT_REFERENCE), settings)
