"""Run a reader of untrusted files in a child process, under a time and a memory limit.

A damaged netCDF/HDF5 file can make the netCDF-C/HDF5 library loop forever
inside one C call (issue 53, fault F1: 49 bytes overwritten in a header), or
crash the process.  Neither a Python signal handler nor an exception can stop
a C loop, so :func:`run_isolated` runs the reader in a child process (the
``forkserver`` start method: the child forks from a clean server process that
holds no thread or open file of the caller) and

* kills the child when it has not answered within the time limit
  (:func:`read_time_limit`: ``VDOSBENCH_READ_TIMEOUT`` seconds when set, else
  10 s plus 0.5 s per file plus 1 s per 10 MB of the files: a small damaged
  file is refused in about 10 s, not after a fixed minute; issue 64), and
  reports that as a bad file;
* limits the child's address space (``RLIMIT_AS``) to what it held at start
  plus twice the memory bound (:func:`vdosbench.datasets.memory.memory_limit`),
  so a file that makes the library allocate without end fails in the child;
* ends the child with its caller, whatever kills the caller (SIGKILL, SIGHUP,
  the OOM killer; issue 64, G1): the child closes its copy of the fork
  server's "client alive" pipe, so the fork server sees the caller's end close
  and exits, and on Linux the child asks the kernel for SIGKILL when its
  parent, the fork server, ends (``prctl(PR_SET_PDEATHSIG)``); the resource
  tracker then loses its last client and exits too;
* limits the child's CPU time (``RLIMIT_CPU``) to the time limit plus
  :data:`CPU_MARGIN_S`, so a reader ends by itself where the kernel has no
  parent-death signal, and ignores SIGINT in the child (Ctrl-C reaches the
  whole process group; the caller stops it);
* names, when the time limit passes, what the child said it was reading
  (:func:`report_progress`: e.g. which of many part files);
* returns the reader's result to the caller through a pipe, its arrays out of band
  (:func:`_send_answer`: pickle protocol 5, each array's bytes streamed in
  blocks of :data:`TRANSFER_BLOCK_BYTES` into a buffer the caller allocates
  once), so that the child's arrays and the caller's copy are the only two
  copies held while it crosses (issue 64, G15: a whole pickle on each side
  held about four), and re-raises a refusal of the child
  (:class:`~vdosbench.datasets.memory.MemoryBoundError`,
  :class:`IsolatedReadError`) as the same class with the same message.

Any other exception of the child is the library's answer to a file it cannot
read; it comes back as an :class:`IsolatedReadError` naming its type and message.
"""

from __future__ import annotations

import contextlib
import ctypes
import math
import multiprocessing
import os
import pickle
import resource
import select
import signal
import sys
import time
import types
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from .errors import VdosbenchError
from .memory import MEMORY_LIMIT_ENV, MemoryBoundError, memory_limit

__all__ = [
    "READ_TIMEOUT_ENV",
    "IsolatedReadError",
    "read_time_limit",
    "report_progress",
    "run_isolated",
    "time_limit_basis",
]

#: Environment variable that sets the time limit of one isolated read, in seconds.
READ_TIMEOUT_ENV = "VDOSBENCH_READ_TIMEOUT"
#: Seconds every isolated read is granted, the seconds added per file (opening one: its header, its HDF5
#: metadata; a resume reads the headers of every part) and the bytes per second of the files added to it.  The
#: fork server has imported the readers before the clock starts (:mod:`._isolated_preload`), so an intact small
#: file is read in well under a second even with the cores shared; the base was 60 s until issue 64 (a 220 KB
#: damaged file was refused only after a minute).
BASE_SECONDS = 10.0
SECONDS_PER_FILE = 0.5
BYTES_PER_SECOND = 10e6
#: Seconds of CPU time the child is granted beyond the wall-clock limit before the kernel ends it by itself.
CPU_MARGIN_S = 10.0
#: Bytes of an array sent through the pipe at a time (:func:`_send_answer`): what the caller holds beyond the
#: array itself while receiving it (the pipe's reader copies one message before it lands in the array).
TRANSFER_BLOCK_BYTES = 1 << 24
#: Linux ``prctl`` option: the signal the kernel sends a process when its parent ends.
_PR_SET_PDEATHSIG = 1
#: In a child of :func:`run_isolated`: the connection to its caller (for :func:`report_progress`).
_TO_CALLER: Connection | None = None


class IsolatedReadError(VdosbenchError, OSError):
    """The child reading an untrusted file failed, crashed or ran past its time limit.

    Attributes
    ----------
    kind
        ``"error"`` (the library raised), ``"refused"`` (the reader refused the file, with a full message),
        ``"timeout"`` or ``"crash"`` (the child died without an answer).
    at
        With ``"timeout"`` and ``"crash"``: what the child last said it was reading (:func:`report_progress`),
        e.g. the path of one part file among many, or None.
    limit_s
        With ``"timeout"``: the time limit the read ran under (:func:`read_time_limit`), in seconds.
    """

    def __init__(self, message: str, kind: str = "error", at: str | None = None, limit_s: float | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.at = at
        self.limit_s = limit_s

    def __str__(self) -> str:
        return str(self.args[0])


def read_time_limit(paths: list[Path]) -> float:
    """Seconds an isolated read of ``paths`` may take.

    ``VDOSBENCH_READ_TIMEOUT`` when set (a positive number), else :data:`BASE_SECONDS` +
    :data:`SECONDS_PER_FILE` × files + total size / :data:`BYTES_PER_SECOND`.

    Examples
    --------
    >>> read_time_limit([]) == BASE_SECONDS
    True
    """
    text = os.environ.get(READ_TIMEOUT_ENV, "").strip()
    if text:
        try:
            value = float(text)
            if not value > 0:
                raise ValueError
        except ValueError:
            raise IsolatedReadError(
                f"{READ_TIMEOUT_ENV} is {text!r}; expected a positive number of seconds. Fix: set it to e.g. "
                f"{READ_TIMEOUT_ENV}=600, or unset it"
            ) from None
        return value
    return BASE_SECONDS + SECONDS_PER_FILE * len(paths) + _total_size(paths) / BYTES_PER_SECOND


def _total_size(paths: list[Path]) -> int:
    """Bytes of the files in ``paths`` (one that cannot be read counts 0: the reader names it)."""
    size = 0
    for p in paths:
        with contextlib.suppress(OSError):
            size += p.stat().st_size
    return size


def time_limit_basis(paths: list[Path]) -> str:
    """How :func:`read_time_limit` chose the limit for ``paths``, in words (for messages).

    Examples
    --------
    >>> time_limit_basis([])
    'the limit for 0 file(s) of 0.0 MB: 10 s + 0.5 s per file + 1 s per 10 MB'
    """
    if os.environ.get(READ_TIMEOUT_ENV, "").strip():
        return f"the limit {READ_TIMEOUT_ENV} sets"
    return (
        f"the limit for {len(paths)} file(s) of {_total_size(paths) / 1e6:.1f} MB: {BASE_SECONDS:g} s + {SECONDS_PER_FILE:g} s "
        f"per file + 1 s per {BYTES_PER_SECOND / 1e6:g} MB"
    )


def _vm_size() -> int | None:
    """Bytes of address space this process holds now (``VmSize``), or None off Linux."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def report_progress(what: str) -> None:
    """Tell the caller of :func:`run_isolated` what this child reads now (e.g. a path); a no-op elsewhere.

    When the read passes its time limit or crashes, the caller's error names the last ``what`` reported
    (:attr:`IsolatedReadError.at`): the file among many that the library looped or crashed on.

    Examples
    --------
    >>> report_progress("part-0.nc")  # in the calling process: nothing to tell
    """
    if _TO_CALLER is None:
        return
    with contextlib.suppress(OSError, EOFError, ValueError):
        _TO_CALLER.send(("progress", what, ""))


def _caller_gone(conn: Connection) -> bool:
    """Whether the caller's end of the pipe is closed (the caller has died): the write end then reports an
    error or hang-up on ``poll``.  False where that cannot be asked."""
    try:
        poller = select.poll()
        poller.register(conn.fileno(), 0)  # no events asked: only POLLERR / POLLHUP / POLLNVAL are reported
        return any(event & (select.POLLERR | select.POLLHUP) for _, event in poller.poll(0))
    except (OSError, ValueError, AttributeError):
        return False


def _die_with_caller(conn: Connection) -> None:
    """In the child: end with the caller, whatever kills the caller.

    The fork server's children inherit the write end of its "client alive" pipe (the standard library passes
    it on so that a child could start processes of its own); while one holds it the fork server never sees
    its caller go and outlives it, and with it the child.  The child starts no process, so it closes its copy.
    The fork server then exits when the caller ends, and on Linux the kernel sends this child SIGKILL when its
    parent (the fork server) ends (``prctl(PR_SET_PDEATHSIG)``).  A caller already gone before the request
    took effect is seen on the pipe to it: the child ends at once.  Only in a child process of
    :mod:`multiprocessing` (``_child`` called in the caller's own process, as a test does, changes nothing).
    """
    if multiprocessing.parent_process() is None:
        return
    with contextlib.suppress(ImportError, AttributeError, OSError):
        from multiprocessing import forkserver

        server = forkserver._forkserver  # type: ignore[attr-defined]
        alive = getattr(server, "_forkserver_alive_fd", None)
        if isinstance(alive, int):
            os.close(alive)
            server._forkserver_alive_fd = None
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    if _caller_gone(conn):
        os._exit(1)


def _child(
    conn: Connection,
    function: Callable[..., Any],
    args: tuple[Any, ...],
    env: dict[str, str | None],
    cpu_seconds: float | None = None,
) -> None:
    """The child's side: apply the caller's settings, limit the address space and the CPU time, run ``function``,
    send the answer.

    Ctrl-C reaches the whole process group: the child ignores SIGINT (its caller stops and kills it, without a
    second ``KeyboardInterrupt`` traceback).  ``cpu_seconds`` (the caller's time limit plus a margin) bounds the
    child by itself: a caller killed without unwinding (SIGKILL, SIGHUP, the OOM killer) leaves no reader looping
    in the netCDF/HDF5 library for ever; the kernel ends it (SIGXCPU, then SIGKILL) once it has used that much
    CPU time, which a read that finishes within the caller's wall-clock limit never does.  On Linux the child
    ends at once with its caller (:func:`_die_with_caller`).
    """
    global _TO_CALLER
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_caller(conn)
    _TO_CALLER = conn
    if cpu_seconds is not None:
        soft_cpu = int(math.ceil(cpu_seconds))
        _, hard_cpu = resource.getrlimit(resource.RLIMIT_CPU)
        if hard_cpu == resource.RLIM_INFINITY or soft_cpu + 5 <= hard_cpu:
            resource.setrlimit(resource.RLIMIT_CPU, (soft_cpu, soft_cpu + 5))
    for key, value in env.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    try:
        limit, _ = memory_limit()
        held = _vm_size()
        if limit is not None and held is not None:
            cap = held + 2 * limit
            soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            if hard == resource.RLIM_INFINITY or cap < hard:
                resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
        answer: tuple[str, Any, str] = ("ok", function(*args), "")
    except MemoryBoundError as e:
        answer = ("MemoryBoundError", str(e), "")
    except IsolatedReadError as e:
        answer = ("IsolatedReadError", str(e), "")
    except MemoryError as e:
        answer = ("MemoryError", str(e), "")
    except Exception as e:  # the library's answer to a file it cannot read
        answer = ("error", f"{type(e).__name__}: {e}", type(e).__name__)
    _TO_CALLER = None
    try:
        _send_answer(conn, answer)
    except (BrokenPipeError, ConnectionResetError, EOFError):  # the caller is gone (e.g. stopped by SIGTERM)
        pass
    except Exception as e:  # e.g. a result that cannot be pickled
        try:
            _send_answer(conn, ("error", f"{type(e).__name__} while returning the result: {e}", type(e).__name__))
        except (BrokenPipeError, ConnectionResetError, EOFError):
            pass
    conn.close()


def _send_answer(conn: Connection, answer: tuple[str, Any, str]) -> None:
    """Send ``answer`` to the caller with its arrays out of band (pickle protocol 5).

    The message ``("answer", pickle, sizes)`` carries the pickle without the arrays' bytes (an xarray Dataset's
    numpy arrays hand theirs to ``buffer_callback``) and the byte count of each buffer; then each buffer follows
    in blocks of :data:`TRANSFER_BLOCK_BYTES`, sent from the array's own memory (no copy in the child).  The
    caller receives them with :func:`_receive_answer`.
    """
    buffers: list[pickle.PickleBuffer] = []
    header = pickle.dumps(answer, protocol=5, buffer_callback=buffers.append)
    raws = [buffer.raw() for buffer in buffers]
    conn.send(("answer", header, [raw.nbytes for raw in raws]))
    for raw in raws:
        for start in range(0, raw.nbytes, TRANSFER_BLOCK_BYTES):
            conn.send_bytes(raw[start : start + TRANSFER_BLOCK_BYTES])


def _receive_answer(receive: Connection, header: bytes, sizes: list[int], deadline: float) -> tuple[str, Any, str]:
    """The caller's side of :func:`_send_answer`: each buffer received in place into one ``bytearray`` (the
    arrays of the result are views of them, writable), then the answer unpickled around them.

    Raises ``TimeoutError`` when a block does not arrive before ``deadline`` (``time.monotonic``), ``EOFError``
    or ``OSError`` when the child dies while sending.
    """
    buffers = [bytearray(size) for size in sizes]
    for buffer in buffers:
        view = memoryview(buffer)
        start = 0
        while start < len(buffer):
            if not receive.poll(max(0.0, deadline - time.monotonic())):
                raise TimeoutError
            start += receive.recv_bytes_into(view[start:])
    return pickle.loads(header, buffers=buffers)


def _context() -> multiprocessing.context.BaseContext:
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["vdosbench.datasets._isolated_preload"])
    return ctx


@contextlib.contextmanager
def _without_main_module() -> Iterator[None]:
    """Hide the caller's ``__main__`` while a child starts, so that neither the fork server nor the child
    imports it: a user's script that calls :func:`~vdosbench.datasets.open_dataset` at module level (with no
    ``if __name__ == "__main__"`` guard) would otherwise run again in them.  The child needs only this module."""
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


@contextlib.contextmanager
def _sigint_held() -> Iterator[None]:
    """Hold SIGINT back from this thread while the child (and, the first time, the fork server) starts: they
    inherit the blocked signal, so a Ctrl-C to the process group cannot kill a new interpreter half-way through
    its start ("Fatal Python error: init_import_site ... KeyboardInterrupt"); the caller gets the Ctrl-C as soon
    as the start is done.

    The resource tracker is started first, outside the hold: the standard library's
    ``resource_tracker.ensure_running`` blocks SIGINT and SIGTERM around its own start and then *unblocks* them
    unconditionally, which would end the hold before the fork server (started right after it, and slow to start:
    it imports xarray) is spawned.  Once the tracker runs, ``ensure_running`` returns without touching the mask.
    """
    from multiprocessing import resource_tracker

    resource_tracker.ensure_running()
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


def run_isolated(function: Callable[..., Any], args: tuple[Any, ...], *, paths: list[Path], what: str) -> Any:
    """``function(*args)`` run in a child process under the time and memory limits (module docstring).

    Parameters
    ----------
    function
        A module-level function (the child imports it by name).
    args
        Its arguments (pickled to the child).
    paths
        The files it reads: they set the time limit.
    what
        What is read, for messages (e.g. ``"reading data.nc"``).

    Returns
    -------
    object
        What ``function`` returned.

    Raises
    ------
    MemoryBoundError
        When the child refused the read for its memory bound, or ran out of its address space.
    IsolatedReadError
        When the child raised anything else, crashed, or passed the time limit.
    """
    timeout = read_time_limit(paths)
    env = {key: os.environ.get(key) for key in (MEMORY_LIMIT_ENV,)}
    ctx = _context()
    receive, send = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(send, function, args, env, timeout + CPU_MARGIN_S), daemon=True)
    with _without_main_module(), _sigint_held():
        process.start()
    send.close()
    at: str | None = None  # what the child last said it reads
    try:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not receive.poll(left):
                where = f" (it was reading {at})" if at else ""
                raise IsolatedReadError(
                    f"{what} did not finish within {timeout:.0f} s ({time_limit_basis(paths)}){where}; expected a "
                    "readable file. The "
                    "netCDF/HDF5 library loops on this file (its header or data are damaged), or the file is larger "
                    "than the time limit allows. Fix: write the file again from its source; if it is intact and "
                    f"large, raise the limit with {READ_TIMEOUT_ENV}=SECONDS",
                    "timeout",
                    at,
                    timeout,
                )
            try:
                message = receive.recv()
                if message[0] == "answer":
                    status, value, _ = _receive_answer(receive, message[1], message[2], deadline)
                    break
            except TimeoutError:
                continue  # the deadline has passed: reported above
            except (EOFError, OSError):
                process.join(5)
                where = f" (it was reading {at})" if at else ""
                raise IsolatedReadError(
                    f"{what} crashed the netCDF/HDF5 library (child process exit status {process.exitcode})"
                    f"{where}; expected a readable file. The file is damaged. Fix: write it again "
                    "from its source",
                    "crash",
                    at,
                ) from None
            at = message[1]  # ("progress", what, "")
    finally:
        receive.close()
        if process.is_alive():
            process.kill()
        process.join()
    return _answer(status, value, what)


def _answer(status: str, value: Any, what: str) -> Any:
    """The child's answer as the caller's result, or its refusal raised as the same class."""
    if status == "ok":
        return value
    if status == "IsolatedReadError":
        raise IsolatedReadError(value, "refused")
    if status == "MemoryBoundError":
        raise MemoryBoundError(value)
    if status == "MemoryError":
        raise MemoryBoundError(
            f"{what} ran out of the memory granted to the reader (twice the bound, {MEMORY_LIMIT_ENV} or the "
            f"memory available){': ' + value if value else ''}; expected a file within the bound. The file "
            "declares or makes the library allocate more than it holds. Fix: check the file (ncdump -h); if it is "
            f"intact, raise the bound with {MEMORY_LIMIT_ENV}=SIZE"
        )
    raise IsolatedReadError(value, "error")
