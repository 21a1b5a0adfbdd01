"""A damaged .npz archive exits 2 with what/found/fix, never "this is a bug" (fault G2 of 2026-11-28)."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import numpy as np
import pytest

from vdosbench.benchmark.adapters import AdapterError
from vdosbench.benchmark.adapters.npz import read_npz

_EV = np.sort(np.random.default_rng(0).uniform(0.1, 4, (3, 60)), axis=1)


def _token(path: Path) -> Path:
    """An .npy header with an unbalanced parenthesis: numpy's header parser raised tokenize.TokenError."""
    b = io.BytesIO()
    np.save(b, _EV)
    raw = bytearray(b.getvalue())
    n = struct.unpack("<H", raw[8:10])[0]
    raw[10 : 10 + n] = raw[10 : 10 + n].decode("latin1").replace("(3, 60)", "(3, 60 ").encode("latin1")
    s = io.BytesIO()
    np.save(s, np.int64(3))
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("eigenvalues.npy", bytes(raw))
        z.writestr("spatial_dimension.npy", s.getvalue())
    return path


def _method(path: Path) -> Path:
    """Compression method 99 in both zip headers: zipfile raised NotImplementedError."""
    np.savez(path, eigenvalues=_EV, spatial_dimension=3)
    d = bytearray(path.read_bytes())
    for sig, off in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        p = d.find(sig)
        d[p + off : p + off + 2] = (99).to_bytes(2, "little")
    path.write_bytes(bytes(d))
    return path


def _zlib(path: Path) -> Path:
    """A damaged deflate stream: zlib.error."""
    np.savez_compressed(path, eigenvalues=_EV, spatial_dimension=3)
    d = bytearray(path.read_bytes())
    p = d.find(b"eigenvalues.npy") + 55
    d[p : p + 16] = bytes(16)
    path.write_bytes(bytes(d))
    return path


@pytest.mark.parametrize("damage", [_token, _method, _zlib], ids=["TokenError", "NotImplementedError", "zlib"])
def test_a_damaged_archive_is_refused_with_the_fix(tmp_path: Path, damage) -> None:
    path = damage(tmp_path / "bad.npz")
    with pytest.raises(AdapterError, match=r"not a readable NumPy archive .*The file is damaged.*Fix: write it again"):
        read_npz([path])
