"""The pair-energy sums of the swap Monte Carlo kernel (:mod:`.montecarlo`), inlined into its compiled loop.

φ of one pair (:func:`_pair_energy`), the energy of one particle over a neighbour list with an early exit
(:func:`_particle_energy`), a d = 3 displacement trial that also keeps each neighbour's squared distance to the
particle's current position (:func:`_trial_energy_3d`), the old terms of an accepted move from kept distances
(:func:`_terms_from_r2`, :func:`_exchange_from_r2`) or from positions (:func:`_exchange_terms`), and every
particle's sum from scratch (:func:`_all_particle_energies`).  They are numba functions written for
:func:`.mc_kernel._mc_moves` (``inline="always"``: whole 2-d arrays and a row index), moved here from
:mod:`.montecarlo` when issue 65 (item 3) took that module past 1000 lines; their only other users are tests.

References
----------
Seed ``001_d453c975fd50a4a2.txt``: eqs. (13)–(17) (the potential).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from .neighbors import _image
from .potentials import KIND_SOFT_SPHERE, pair_size

__all__: list[str] = []


# --------------------------------------------------------------------------- pair energy
# The energy helpers below are inlined into the loops at the numba level (``inline="always"``): a call that
# is not inlined passes each array as a struct and takes and drops a reference to it (atomic NRT
# operations), and slicing a row (``nbr[i]``, ``pos[i]``) builds a new array view.  Both cost more than the
# few pair terms a rejected trial evaluates at low T, so the helpers take whole 2-d arrays and a row index.
# Inlining does not change the floating-point operations or their order (numba does not enable fast-math
# or contraction by default), so every φ and every sum is bit-for-bit what the out-of-line code computed.
@njit(cache=True, error_model="numpy", inline="always")
def _pair_energy(
    r2: float,
    size_i: float,
    size_j: float,
    spec_i: int,
    spec_j: int,
    kind: int,
    exponent: int,
    order: int,
    tables: np.ndarray,
) -> float:  # pragma: no cover - compiled
    """φ(r) of one pair from r² > 0 (energy only; the same φ as :func:`potentials.pair_terms`).

    ``tables`` is (5, n_species, n_species): σ², ε, r_c², 1/r_c² and the
    non-additivity (soft spheres use entry [., 0, 0] and σ = a_ij from
    :func:`potentials.pair_size`).  Pairs at or beyond the cut
    (x² = r²/r_c² ≥ 1) return 0 before any power is computed: every taper
    order gives φ = 0 there (m ≥ 1: the factor max(1 − x², 0)^m is zero;
    m = 0 and m = ∞: φ = 0 by definition), so the early return changes at
    most the sign of a zero, which no sum or difference that uses it can
    see.  For integer taper orders the formula inside the cut has no
    branch on r.
    """
    if kind == KIND_SOFT_SPHERE:
        inv_rc2 = tables[3, 0, 0]
    else:
        inv_rc2 = tables[3, spec_i, spec_j]
    x2 = r2 * inv_rc2
    if x2 >= 1.0:
        return 0.0
    if kind == KIND_SOFT_SPHERE:
        a = pair_size(size_i, size_j, tables[4, 0, 0])
        a2 = a * a
        s = a2 / r2
        sc = a2 * inv_rc2
        if exponent == 12:
            s3 = s * s * s
            c3 = sc * sc * sc
            u = tables[1, 0, 0] * (s3 * s3 - c3 * c3)
        else:
            u = tables[1, 0, 0] * (s ** (0.5 * exponent) - sc ** (0.5 * exponent))
    else:
        sig2 = tables[0, spec_i, spec_j]
        s3 = sig2 / r2
        s3 = s3 * s3 * s3
        c3 = sig2 * inv_rc2
        c3 = c3 * c3 * c3
        u = 4.0 * tables[1, spec_i, spec_j] * ((s3 * s3 - s3) - (c3 * c3 - c3))
    w = 1.0 - x2
    w = w if w > 0.0 else 0.0
    if order == 2:
        return u * w * w
    if order > 0:
        return u * w**order
    if order == 0:
        return u if x2 < 1.0 else 0.0
    if x2 >= 1.0:
        return 0.0
    x = math.sqrt(x2)
    return u * math.exp(x / (2.0 * (x - 1.0)))


@njit(cache=True, error_model="numpy", inline="always")
def _particle_energy(
    xs: np.ndarray,
    x_row: int,
    size_i: float,
    spec_i: int,
    skip: int,
    members: np.ndarray,
    row: int,
    count: int,
    pos: np.ndarray,
    sizes: np.ndarray,
    species: np.ndarray,
    box_length: float,
    kind: int,
    exponent: int,
    order: int,
    tables: np.ndarray,
    stop_above: float,
    out: np.ndarray,
    keep_r2: bool,
    r2_out: np.ndarray,
) -> float:  # pragma: no cover - compiled
    """Σ_j φ(|x − x_j|) over j in ``members[row, :count]`` (j ≠ ``skip``) for a particle (size, species) at x.

    x is ``xs[x_row]``.  Each term is also written to ``out[m]`` (0 for the
    skipped member), and with ``keep_r2`` (a constant at every call site,
    folded away once inlined) the squared distance to ``r2_out[m]``.  The
    terms are added in list order, and the function returns as soon as the
    partial sum exceeds ``stop_above`` (pass +inf to disable; a valid
    rejection only when every φ ≥ 0).
    """
    half = 0.5 * box_length
    dim = xs.shape[1]
    e = 0.0
    if dim == 3 and kind == KIND_SOFT_SPHERE and exponent == 12 and order == 2:
        # the seed-001 model: _pair_energy written out with its table entries read once, the same operations
        # in the same order (so the same φ to the last bit), without the per-pair branches on the model
        inv_rc2 = tables[3, 0, 0]
        eps = tables[1, 0, 0]
        non_additivity = tables[4, 0, 0]
        x0 = xs[x_row, 0]
        x1 = xs[x_row, 1]
        x2 = xs[x_row, 2]
        for m in range(count):
            j = members[row, m]
            d0 = _image(pos[j, 0] - x0, box_length, half)
            d1 = _image(pos[j, 1] - x1, box_length, half)
            d2 = _image(pos[j, 2] - x2, box_length, half)
            r2 = d0 * d0 + d1 * d1 + d2 * d2
            if keep_r2:
                r2_out[m] = r2
            q2 = r2 * inv_rc2
            phi = 0.0
            if q2 < 1.0 and j != skip:
                a = pair_size(size_i, sizes[j], non_additivity)
                a2 = a * a
                s = a2 / r2
                sc = a2 * inv_rc2
                s3 = s * s * s
                c3 = sc * sc * sc
                w = 1.0 - q2
                phi = eps * (s3 * s3 - c3 * c3) * w * w
            out[m] = phi
            e += phi
            if e > stop_above:
                return e
        return e
    if dim == 3:
        x0 = xs[x_row, 0]
        x1 = xs[x_row, 1]
        x2 = xs[x_row, 2]
        for m in range(count):
            j = members[row, m]
            d0 = _image(pos[j, 0] - x0, box_length, half)
            d1 = _image(pos[j, 1] - x1, box_length, half)
            d2 = _image(pos[j, 2] - x2, box_length, half)
            r2 = d0 * d0 + d1 * d1 + d2 * d2
            if keep_r2:
                r2_out[m] = r2
            phi = _pair_energy(r2, size_i, sizes[j], spec_i, species[j], kind, exponent, order, tables)
            phi = 0.0 if j == skip else phi
            out[m] = phi
            e += phi
            if e > stop_above:
                return e
        return e
    for m in range(count):
        j = members[row, m]
        r2 = 0.0
        for k in range(dim):
            dk = _image(pos[j, k] - xs[x_row, k], box_length, half)
            r2 += dk * dk
        if keep_r2:
            r2_out[m] = r2
        phi = _pair_energy(r2, size_i, sizes[j], spec_i, species[j], kind, exponent, order, tables)
        phi = 0.0 if j == skip else phi
        out[m] = phi
        e += phi
        if e > stop_above:
            return e
    return e


@njit(cache=True, error_model="numpy", inline="always")
def _terms_from_r2(
    r2s: np.ndarray,
    size_i: float,
    spec_i: int,
    skip: int,
    members: np.ndarray,
    row: int,
    count: int,
    sizes: np.ndarray,
    species: np.ndarray,
    kind: int,
    exponent: int,
    order: int,
    tables: np.ndarray,
    new_terms: np.ndarray,
    pe: np.ndarray,
) -> float:  # pragma: no cover - compiled
    """pe_k ← pe_k + (``new_terms[m]`` − φ_old) for k = ``members[row, m]``; return Σ φ_old.

    φ_old is the term of :func:`_particle_energy` for (``size_i``,
    ``spec_i``) at the squared distance ``r2s[m]`` (0 for ``skip``).  An
    accepted swap needs i's and j's old terms (old diameters) at the
    distances its trial sums have just computed; the same r² and the same
    :func:`_pair_energy` give the same terms as a second pass over the
    positions would, and each pe_k is updated with the same operations.
    """
    e = 0.0
    for m in range(count):
        j = members[row, m]
        phi = _pair_energy(r2s[m], size_i, sizes[j], spec_i, species[j], kind, exponent, order, tables)
        phi = 0.0 if j == skip else phi
        e += phi
        pe[j] += new_terms[m] - phi
    return e


@njit(cache=True, error_model="numpy", inline="always")
def _trial_energy_3d(
    trial: np.ndarray,
    i: int,
    size_i: float,
    spec_i: int,
    nbr: np.ndarray,
    count: int,
    pos: np.ndarray,
    sizes: np.ndarray,
    species: np.ndarray,
    box_length: float,
    kind: int,
    exponent: int,
    order: int,
    tables: np.ndarray,
    stop_above: float,
    out: np.ndarray,
    r2_old: np.ndarray,
) -> float:  # pragma: no cover - compiled
    """:func:`_particle_energy` of a displacement trial of i (d = 3, i's own list), also r² from i's current position.

    The trial sum is :func:`_particle_energy`'s (``trial[0]``, ``nbr[i, :count]``, no skipped member), the same
    terms in the same order with the same early exit.  Each member's position, loaded for the trial distance, also
    gives its squared distance to ``pos[i]`` (the same operations as :func:`_exchange_terms`), written to
    ``r2_old[m]``: an accepted trial (which has summed its whole list) then needs no second pass over the
    neighbours' positions for its old terms (:func:`_exchange_from_r2`).
    """
    half = 0.5 * box_length
    x0 = trial[0, 0]
    x1 = trial[0, 1]
    x2 = trial[0, 2]
    y0 = pos[i, 0]
    y1 = pos[i, 1]
    y2 = pos[i, 2]
    e = 0.0
    if kind == KIND_SOFT_SPHERE and exponent == 12 and order == 2:
        inv_rc2 = tables[3, 0, 0]
        eps = tables[1, 0, 0]
        non_additivity = tables[4, 0, 0]
        for m in range(count):
            j = nbr[i, m]
            p0 = pos[j, 0]
            p1 = pos[j, 1]
            p2 = pos[j, 2]
            d0 = _image(p0 - y0, box_length, half)
            d1 = _image(p1 - y1, box_length, half)
            d2 = _image(p2 - y2, box_length, half)
            r2_old[m] = d0 * d0 + d1 * d1 + d2 * d2
            d0 = _image(p0 - x0, box_length, half)
            d1 = _image(p1 - x1, box_length, half)
            d2 = _image(p2 - x2, box_length, half)
            r2 = d0 * d0 + d1 * d1 + d2 * d2
            q2 = r2 * inv_rc2
            phi = 0.0
            if q2 < 1.0:
                a = pair_size(size_i, sizes[j], non_additivity)
                a2 = a * a
                s = a2 / r2
                sc = a2 * inv_rc2
                s3 = s * s * s
                c3 = sc * sc * sc
                w = 1.0 - q2
                phi = eps * (s3 * s3 - c3 * c3) * w * w
            out[m] = phi
            e += phi
            if e > stop_above:
                return e
        return e
    for m in range(count):
        j = nbr[i, m]
        p0 = pos[j, 0]
        p1 = pos[j, 1]
        p2 = pos[j, 2]
        d0 = _image(p0 - y0, box_length, half)
        d1 = _image(p1 - y1, box_length, half)
        d2 = _image(p2 - y2, box_length, half)
        r2_old[m] = d0 * d0 + d1 * d1 + d2 * d2
        d0 = _image(p0 - x0, box_length, half)
        d1 = _image(p1 - x1, box_length, half)
        d2 = _image(p2 - x2, box_length, half)
        r2 = d0 * d0 + d1 * d1 + d2 * d2
        phi = _pair_energy(r2, size_i, sizes[j], spec_i, species[j], kind, exponent, order, tables)
        out[m] = phi
        e += phi
        if e > stop_above:
            return e
    return e


@njit(cache=True, error_model="numpy", inline="always")
def _exchange_from_r2(
    r2s: np.ndarray,
    size_i: float,
    spec_i: int,
    nbr: np.ndarray,
    i: int,
    count: int,
    sizes: np.ndarray,
    species: np.ndarray,
    kind: int,
    exponent: int,
    order: int,
    tables: np.ndarray,
    new_terms: np.ndarray,
    pe: np.ndarray,
) -> float:  # pragma: no cover - compiled
    """:func:`_exchange_terms` with the old squared distances given (``r2s``, from :func:`_trial_energy_3d`).

    The same r², the same :func:`_pair_energy`, the same two roundings of each pe_k in the same order: the same
    numbers, bit for bit, without the pass over the neighbours' positions.
    """
    e = 0.0
    for m in range(count):
        j = nbr[i, m]
        phi = _pair_energy(r2s[m], size_i, sizes[j], spec_i, species[j], kind, exponent, order, tables)
        e += phi
        pe[j] -= phi
        pe[j] += new_terms[m]
    return e


@njit(cache=True, error_model="numpy", inline="always")
def _exchange_terms(
    pos: np.ndarray,
    i: int,
    nbr: np.ndarray,
    count: int,
    sizes: np.ndarray,
    species: np.ndarray,
    box_length: float,
    kind: int,
    exponent: int,
    order: int,
    tables: np.ndarray,
    new_terms: np.ndarray,
    pe: np.ndarray,
) -> float:  # pragma: no cover - compiled
    """pe_k ← (pe_k − φ_ik(old)) + ``new_terms[m]`` for k = ``nbr[i, m]`` (i still at ``pos[i]``); return Σ φ_ik(old).

    The old terms are those of :func:`_particle_energy` at ``pos[i]`` (the
    same r², the same φ); the update of each pe_k is the same two roundings,
    in the same order, as a pass subtracting all old terms followed by a
    pass adding all new ones (k occurs once in i's list).
    """
    half = 0.5 * box_length
    dim = pos.shape[1]
    e = 0.0
    for m in range(count):
        j = nbr[i, m]
        if dim == 3:
            d0 = _image(pos[j, 0] - pos[i, 0], box_length, half)
            d1 = _image(pos[j, 1] - pos[i, 1], box_length, half)
            d2 = _image(pos[j, 2] - pos[i, 2], box_length, half)
            r2 = d0 * d0 + d1 * d1 + d2 * d2
        else:
            r2 = 0.0
            for a in range(dim):
                da = _image(pos[j, a] - pos[i, a], box_length, half)
                r2 += da * da
        phi = _pair_energy(r2, sizes[i], sizes[j], species[i], species[j], kind, exponent, order, tables)
        e += phi
        pe[j] -= phi
        pe[j] += new_terms[m]
    return e


@njit(cache=True, error_model="numpy")
def _all_particle_energies(
    pos: np.ndarray,
    sizes: np.ndarray,
    species: np.ndarray,
    box_length: float,
    kind: int,
    exponent: int,
    order: int,
    tables: np.ndarray,
    nbr: np.ndarray,
    nn: np.ndarray,
    pe: np.ndarray,
    scratch: np.ndarray,
) -> float:  # pragma: no cover - compiled
    """Per-particle sums pe_i = Σ_j φ_ij into ``pe``; return V = ½ Σ_i pe_i."""
    total = 0.0
    for i in range(pos.shape[0]):
        pe[i] = _particle_energy(
            pos,
            i,
            sizes[i],
            species[i],
            -1,
            nbr,
            i,
            nn[i],
            pos,
            sizes,
            species,
            box_length,
            kind,
            exponent,
            order,
            tables,
            np.inf,
            scratch,
            False,
            scratch,
        )
        total += pe[i]
    return 0.5 * total
