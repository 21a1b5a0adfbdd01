"""The isolated reader's answer crosses the pipe with its arrays out of band (issue 64, G15): unchanged, in
blocks, one copy in the caller (speed/isolated_read_memory.py measures the whole process tree on a netCDF file)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from multiprocessing import Pipe

import numpy as np
import pytest
import xarray as xr

from vdosbench.datasets import isolated


def _cross(answer: tuple, monkeypatch: pytest.MonkeyPatch, block: int = 1000) -> tuple:
    """``answer`` sent by :func:`isolated._send_answer` from a thread and received as the caller receives it."""
    monkeypatch.setattr(isolated, "TRANSFER_BLOCK_BYTES", block)
    receive, send = Pipe(duplex=False)
    sender = threading.Thread(target=isolated._send_answer, args=(send, answer))
    sender.start()
    tag, header, sizes = receive.recv()
    got = isolated._receive_answer(receive, header, sizes, time.monotonic() + 60)
    sender.join()
    assert tag == "answer"
    return got


def test_arrays_of_every_layout_cross_unchanged_in_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    c = np.arange(10_001, dtype=np.float64)  # 80 kB: 81 blocks of 1000 bytes
    f = np.asfortranarray(np.arange(600.0).reshape(20, 30))
    strided = np.arange(50)[::3]
    objects = np.array(["a", None, 3], dtype=object)
    empty = np.empty((0, 3))
    value = {"c": c, "f": f, "strided": strided, "objects": objects, "empty": empty, "scalar": np.float32(2.5)}
    status, got, name = _cross(("ok", value, ""), monkeypatch)
    assert (status, name) == ("ok", "")
    for key, want in value.items():
        np.testing.assert_array_equal(got[key], want)
        assert np.asarray(got[key]).dtype == np.asarray(want).dtype, key
    assert got["f"].flags.f_contiguous and got["c"].flags.writeable


def test_a_dataset_crosses_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    ds = xr.Dataset(
        {"eigenvalue": (("sample", "mode"), np.random.default_rng(0).random((3, 500)))},
        coords={"sample": [0, 1, 2]},
        attrs={"title": "t"},
    )
    _, got, _ = _cross(("ok", ds, ""), monkeypatch, block=4096)
    xr.testing.assert_identical(got, ds)


def test_a_block_that_does_not_come_before_the_deadline_is_a_timeout() -> None:
    receive, send = Pipe(duplex=False)
    with pytest.raises(TimeoutError):
        isolated._receive_answer(receive, b"", [100], time.monotonic() + 0.1)  # the child never sends the 100 bytes
    send.close()


def test_a_child_gone_mid_answer_is_end_of_file() -> None:
    receive, send = Pipe(duplex=False)
    send.send_bytes(b"x" * 10)
    send.close()
    with pytest.raises(EOFError):
        isolated._receive_answer(receive, b"", [100], time.monotonic() + 60)


#: Measures the caller's peak RSS (ru_maxrss) across one isolated call returning a 100 MB array, after a warm-up
#: call (the fork server and the pipe machinery are then in place); prints the growth as a multiple of 100 MB.
_PEAK = """
import resource, numpy as np
from vdosbench.datasets.isolated import run_isolated
def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
if __name__ == "__main__":
    run_isolated(np.ones, (10,), paths=[], what="warm-up")
    before = peak()
    big = run_isolated(np.ones, (12_500_000,), paths=[], what="100 MB")
    assert big.shape == (12_500_000,) and float(big.min()) == 1.0 == float(big.max())
    print((peak() - before) / big.nbytes)
"""


def test_the_caller_holds_one_copy_of_an_answer_not_the_pickle_too() -> None:
    """Before G15 the caller held the whole pickle and the arrays unpickled from it: ≈ 2.25 × the array."""
    done = subprocess.run(
        [sys.executable, "-c", _PEAK],
        capture_output=True,
        text=True,
        timeout=300,
        env={"OPENBLAS_NUM_THREADS": "1", "PATH": ""},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    growth = float(done.stdout.split()[-1])
    assert growth < 1.5, f"the caller grew by {growth:.2f} × the answer's array"
