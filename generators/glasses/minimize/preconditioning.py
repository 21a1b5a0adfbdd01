"""Block-Jacobi preconditioning of L-BFGS: H₀ = γ diag(H_ii)⁻¹ from the d × d diagonal Hessian blocks.

Packing and unpacking of the blocks, their inversion (a block that is not positive
definite is replaced by the mean diagonal) and their application; why block-Jacobi
and how often the blocks are renewed is measured in :mod:`vdosbench.generators.glasses.minimize`.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = [
    "unpack_blocks",
]


def unpack_blocks(packed: np.ndarray) -> np.ndarray:
    """Symmetric d × d blocks from their packed rows.

    Parameters
    ----------
    packed
        Shape (N, 3) for d = 2, (xx, yy, xy), or (N, 6) for d = 3,
        (xx, yy, zz, xy, xz, yz): the layout of the compiled kernels.

    Returns
    -------
    numpy.ndarray
        Shape (N, d, d).

    Examples
    --------
    >>> unpack_blocks(np.array([[1.0, 2.0, 3.0]]))[0].tolist()
    [[1.0, 3.0], [3.0, 2.0]]
    """
    packed = np.asarray(packed, dtype=np.float64)
    d = {3: 2, 6: 3}.get(packed.shape[1])
    if d is None:
        raise ValueError(f"packed blocks need 3 (d = 2) or 6 (d = 3) columns, found {packed.shape[1]}")
    out = np.empty((packed.shape[0], d, d))
    p = d
    for a in range(d):
        out[:, a, a] = packed[:, a]
        for b in range(a + 1, d):
            out[:, a, b] = out[:, b, a] = packed[:, p]
            p += 1
    return out


@njit(cache=True)
def _invert_blocks(blocks: np.ndarray, inverse: np.ndarray) -> int:  # pragma: no cover - compiled
    """The block-Jacobi preconditioner P⁻¹ = diag(H_ii)⁻¹ from packed diagonal blocks.

    Each block is inverted in closed form (cofactors) when it is positive
    definite (Sylvester's criterion, with det > 10⁻¹² (tr/d)^d against
    overflow); a block that is not (a particle pushed by one neighbour
    only, whose transverse stiffness φ′/r < 0, or one without neighbours)
    gets (t̄)⁻¹ 1, t̄ the mean diagonal entry of the positive-definite
    blocks (1 if there is none).  Returns the number of such blocks.
    """
    n, width = blocks.shape
    d = 3 if width == 6 else 2
    total = 0.0
    good = 0
    bad = 0
    for i in range(n):
        b = blocks[i]
        tr = (b[0] + b[1] + b[2]) / 3.0 if d == 3 else 0.5 * (b[0] + b[1])
        if d == 3:
            cxx = b[1] * b[2] - b[5] * b[5]
            cyy = b[0] * b[2] - b[4] * b[4]
            czz = b[0] * b[1] - b[3] * b[3]
            cxy = b[4] * b[5] - b[3] * b[2]
            cxz = b[3] * b[5] - b[1] * b[4]
            cyz = b[3] * b[4] - b[0] * b[5]
            det = b[0] * cxx + b[3] * cxy + b[4] * cxz
            if b[0] > 0.0 and czz > 0.0 and det > 1e-12 * tr * tr * tr:
                inverse[i, 0] = cxx / det
                inverse[i, 1] = cyy / det
                inverse[i, 2] = czz / det
                inverse[i, 3] = cxy / det
                inverse[i, 4] = cxz / det
                inverse[i, 5] = cyz / det
                total += tr
                good += 1
                continue
        else:
            det = b[0] * b[1] - b[2] * b[2]
            if b[0] > 0.0 and det > 1e-12 * tr * tr:
                inverse[i, 0] = b[1] / det
                inverse[i, 1] = b[0] / det
                inverse[i, 2] = -b[2] / det
                total += tr
                good += 1
                continue
        inverse[i, 0] = np.nan  # marks a block to replace below
        bad += 1
    if bad:
        scale = good / total if good and total > 0 else 1.0
        for i in range(n):
            if np.isnan(inverse[i, 0]):
                for a in range(width):
                    inverse[i, a] = scale if a < d else 0.0
    return bad


@njit(cache=True)
def _apply_blocks(inverse: np.ndarray, q: np.ndarray, scale: float) -> None:  # pragma: no cover - compiled
    """q ← scale · P⁻¹ q for packed symmetric blocks (flat q, particle-major).

    The blocks are read through a flat view (about 3× faster than 2-d indexing).
    """
    n, width = inverse.shape
    p = inverse.reshape(n * width)
    if width == 6:
        for i in range(n):
            x, y, z = q[3 * i], q[3 * i + 1], q[3 * i + 2]
            b0, b1, b2, b3, b4, b5 = p[6 * i], p[6 * i + 1], p[6 * i + 2], p[6 * i + 3], p[6 * i + 4], p[6 * i + 5]
            q[3 * i] = scale * (b0 * x + b3 * y + b4 * z)
            q[3 * i + 1] = scale * (b3 * x + b1 * y + b5 * z)
            q[3 * i + 2] = scale * (b4 * x + b5 * y + b2 * z)
    else:
        for i in range(n):
            x, y = q[2 * i], q[2 * i + 1]
            b0, b1, b2 = p[3 * i], p[3 * i + 1], p[3 * i + 2]
            q[2 * i] = scale * (b0 * x + b2 * y)
            q[2 * i + 1] = scale * (b2 * x + b1 * y)


@njit(cache=True)
def _block_form(inverse: np.ndarray, y: np.ndarray) -> float:  # pragma: no cover - compiled
    """yᵀ P⁻¹ y for packed symmetric blocks (read through a flat view, as in :func:`_apply_blocks`)."""
    n, width = inverse.shape
    p = inverse.reshape(n * width)
    total = 0.0
    if width == 6:
        for i in range(n):
            u, v, w = y[3 * i], y[3 * i + 1], y[3 * i + 2]
            total += (
                p[6 * i] * u * u
                + p[6 * i + 1] * v * v
                + p[6 * i + 2] * w * w
                + 2.0 * (p[6 * i + 3] * u * v + p[6 * i + 4] * u * w + p[6 * i + 5] * v * w)
            )
    else:
        for i in range(n):
            u, v = y[2 * i], y[2 * i + 1]
            total += p[3 * i] * u * u + p[3 * i + 1] * v * v + 2.0 * p[3 * i + 2] * u * v
    return total
