"""One run at a time per output folder: an exclusive lock file.

:func:`run_ensemble <vdosbench.generators.run_ensemble>` reads and
writes ``ensemble.json``, deletes stale temporary part files and combines the
parts; two runs doing that in one folder at once corrupt each other.  The
run therefore holds ``OUTPUT/.vdosbench.lock`` from the manifest check to
the combined file, and a second run into the folder is refused at once;
``vdosbench score`` holds its report folder the same way.  The lock is a
dataset-folder concern and imports nothing above :mod:`vdosbench.datasets`
(moved here from ``vdosbench.generators.engine``, issue 66 item 4), so that a
command that only reads and scores data does not import the generators.

The primitive
    The lock file is created with ``os.open(O_CREAT | O_EXCL)``: the
    operating system creates it only if no file of that name exists, in one
    step, so of two runs exactly one succeeds.  ``O_EXCL`` is atomic on local
    file systems and on NFS v3 and later (the usual shared file system of a
    cluster whose Dask workers write the part files), and, unlike
    ``fcntl``/``flock`` locks, it needs no lock daemon (``lockd``) and is
    visible to every host that sees the folder.  Only the process that
    submits the tasks takes the lock; the workers only write part files,
    each atomically.
What the file says
    JSON: the holder's host name, pid, the start time of its process
    (:func:`psutil.Process.create_time`), the time the lock was taken, a
    random token and the command line.
Stale locks
    A lock is *stale* when its holder ran on this host (same host name and
    pid namespace, so containers sharing a host name are told apart) and that process is
    gone (no process with that pid, or one started at another time: the pid
    was reused).  A stale lock is taken over: under a short-lived guard file
    (``.vdosbench.lock.takeover``, also ``O_EXCL``) the lock is checked to be
    still the stale one and removed, then taken with ``O_EXCL`` as usual; of
    several runs taking over at once exactly one gets the folder (tested with
    eight threads, 400 times).  A holder on *another* host cannot be asked
    whether it lives; instead every holder touches its lock file every
    :data:`HEARTBEAT_S` seconds (a daemon thread), and a lock from another
    host is stale once its modification time is :data:`STALE_AFTER_S` old
    (generous, so that clock skew between the hosts and the file server does
    not matter); until then it is refused with the holder named.  A lock file
    that cannot be read (its holder died between creating and writing it,
    which takes microseconds) is stale once it is :data:`UNREADABLE_GRACE_S` old.
Release
    On every exit of the ``with`` block (return, exception, KeyboardInterrupt)
    the lock is removed, if it still holds this run's token (never another
    run's lock); the command line turns SIGTERM (a batch system's stop) into
    such an exit.  A run killed with SIGKILL leaves its lock behind; the next
    run on the same host finds the holder dead and takes over, one on another
    host once the heartbeat is :data:`STALE_AFTER_S` old.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import socket
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from vdosbench.datasets.errors import VdosbenchError

__all__ = [
    "HEARTBEAT_S",
    "LOCK_NAME",
    "STALE_AFTER_S",
    "UNREADABLE_GRACE_S",
    "FolderBusyError",
    "LockHolder",
    "folder_lock",
    "read_lock",
    "release_held_locks",
]

#: Name of the lock file inside the output folder.
LOCK_NAME = ".vdosbench.lock"
#: Seconds after which a lock file that cannot be read is treated as stale.
UNREADABLE_GRACE_S = 60.0
#: Seconds between two touches of the lock file by its holder.
HEARTBEAT_S = 30.0
#: Age of the last touch after which a lock held on another host is stale (20 missed heartbeats).
STALE_AFTER_S = 600.0


class FolderBusyError(VdosbenchError, RuntimeError):
    """The output folder is held by another live run (or by a run on another host that cannot be checked)."""


@dataclass(frozen=True)
class LockHolder:
    """What a lock file records about the run that holds it."""

    host: str
    pid: int
    process_start: float | None
    locked_at: str
    token: str
    command: str
    pid_namespace: str = ""

    def describe(self) -> str:
        """One phrase for messages: pid, host, since when, command."""
        return f"pid {self.pid} on host {self.host}, running since {self.locked_at} ({self.command})"


def _process_start(pid: int) -> float | None:
    """Start time of process ``pid`` (seconds since the epoch), or None when it does not exist."""
    import psutil

    try:
        return float(psutil.Process(pid).create_time())
    except psutil.NoSuchProcess:
        return None
    except psutil.Error:  # e.g. AccessDenied: it exists
        return float("nan")


def _this_holder() -> LockHolder:
    pid = os.getpid()
    return LockHolder(
        host=socket.gethostname(),
        pid=pid,
        process_start=_process_start(pid),
        locked_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        token=uuid.uuid4().hex,
        command=" ".join([Path(sys.argv[0]).name, *sys.argv[1:]])[:200] if sys.argv and sys.argv[0] else "python",
        pid_namespace=_pid_namespace(),
    )


def _pid_namespace() -> str:
    """The pid namespace of this process (Linux: ``pid:[inode]``; "" elsewhere).

    Containers that share a host name (host networking) have pid numbers of
    their own: a pid is checked only within the namespace that recorded it.
    """
    try:
        return os.readlink("/proc/self/ns/pid")
    except OSError:
        return ""


def read_lock(path: Path) -> LockHolder | None:
    """The holder recorded in lock file ``path``, or None if it is missing or unreadable."""
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
        return LockHolder(
            host=str(data["host"]),
            pid=int(data["pid"]),
            process_start=None if data.get("process_start") is None else float(data["process_start"]),
            locked_at=str(data["locked_at"]),
            token=str(data["token"]),
            command=str(data.get("command", "")),
            pid_namespace=str(data.get("pid_namespace", "")),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _holder_alive(holder: LockHolder, path: Path) -> bool | None:
    """Whether the holder of lock ``path`` lives: by its pid on this host, by the heartbeat on another (None: fresh)."""
    if holder.host != socket.gethostname() or holder.pid_namespace != _pid_namespace():
        try:
            age = time.time() - path.stat().st_mtime
        except FileNotFoundError:
            return False
        return False if age > STALE_AFTER_S else None
    start = _process_start(holder.pid)
    if start is None:
        return False
    if holder.process_start is None or math.isnan(start):  # unknown start time: trust the pid
        return True
    return abs(start - holder.process_start) < 1.0  # another start time: the pid was reused


def _try_create(path: Path, holder: LockHolder) -> bool:
    """Create the lock file with ``O_CREAT | O_EXCL`` and enter it in :data:`_HELD`; False if it exists.

    From the moment the file exists it is either in :data:`_HELD` (released by :func:`folder_lock`'s ``finally``
    or :func:`release_held_locks`) or removed here: an exception on the way (e.g. SIGTERM's) leaves no lock behind.
    """
    created = False
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        created = True
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(holder.__dict__, fh)
            fh.flush()
            os.fsync(fh.fileno())
        _HELD[path] = holder.token
    except FileExistsError:
        if created:
            raise
        return False
    except BaseException:
        if created:
            _HELD.pop(path, None)
            path.unlink(missing_ok=True)
        raise
    return True


def _take_over(path: Path, judged: LockHolder | None) -> None:
    """Remove the stale lock ``path`` (``judged``: its record, None if unreadable) under the takeover guard.

    Only the run that creates the guard file ``path.takeover`` (``O_EXCL``)
    removes a lock, and only after checking, under the guard, that the file is
    still the one judged stale.  A lock is otherwise only ever created with
    ``O_EXCL``, so no live run's lock can be removed: of several runs taking
    over at once, one removes the stale lock and the ``O_EXCL`` create decides
    who holds the folder.  A guard left by a run that died within these few
    system calls is removed once it is :data:`UNREADABLE_GRACE_S` old.
    """
    guard = path.with_name(path.name + ".takeover")
    deadline = time.monotonic() + 2.0
    while True:
        try:
            os.close(os.open(guard, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
            break
        except FileExistsError:
            with contextlib.suppress(FileNotFoundError):
                if time.time() - guard.stat().st_mtime > UNREADABLE_GRACE_S:
                    guard.unlink(missing_ok=True)
                    continue
            if time.monotonic() > deadline:
                return  # another run is taking over; the caller looks at the lock again
            time.sleep(0.005)
    try:
        current = read_lock(path)
        same = current.token == judged.token if current is not None and judged is not None else current is judged
        if same and path.exists():
            path.unlink(missing_ok=True)
    finally:
        guard.unlink(missing_ok=True)


#: What two runs in one folder would do to each other, in the message of :class:`FolderBusyError` (ensembles).
ENSEMBLE_CLASH = "two runs would corrupt ensemble.json and each other's parts"


def _busy_message(
    folder: Path, path: Path, holder: LockHolder | None, alive: bool | None, clash: str = ENSEMBLE_CLASH
) -> str:
    if holder is None:
        return (
            f"{folder} is being locked by another run right now ({path} exists but is not yet readable); expected a "
            "folder no other run is writing. Fix: wait for that run to finish, or write to another --output folder"
        )
    if alive is None:
        return (
            f"{folder} is held by another run: {holder.describe()}; its lock was touched less than "
            f"{STALE_AFTER_S:.0f} s ago, so it counts as alive (it runs on another host or container, which "
            "cannot be checked from here). Expected a folder no other run is writing. Fix: wait for that run to finish or use another "
            f"--output folder; if that run is known to be dead, delete {path} and run again"
        )
    return (
        f"{folder} is held by another run: {holder.describe()}, still alive. Expected a folder no other run is "
        f"writing ({clash}). Fix: wait for it to finish, or "
        f"write to another --output folder"
    )


@contextlib.contextmanager
def folder_lock(folder: str | os.PathLike[str], clash: str = ENSEMBLE_CLASH) -> Iterator[LockHolder]:
    """Hold the ensemble folder ``folder`` for this run (it must exist).

    Parameters
    ----------
    folder
        The output folder; the lock is ``folder/.vdosbench.lock``.
    clash
        What two runs in the folder would do to each other, for the message of :class:`FolderBusyError`
        (default: an ensemble's; ``vdosbench score`` holds its report folder too).

    Yields
    ------
    LockHolder
        This run's record in the lock file.

    Raises
    ------
    FolderBusyError
        At once, if a live run holds the folder, or a run on another host
        does (it cannot be checked); the message names its pid, host, start
        time and the fix.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> with folder_lock(folder) as me:
    ...     (folder / LOCK_NAME).exists(), read_lock(folder / LOCK_NAME).pid == os.getpid()
    (True, True)
    >>> (folder / LOCK_NAME).exists()
    False
    """
    folder = Path(folder)
    path = folder / LOCK_NAME
    me = _this_holder()
    stop = threading.Event()
    try:
        yield from _held(folder, path, me, clash, stop)
    finally:  # also when an exception (SIGTERM's) arrives between taking the lock and using it
        stop.set()
        if _HELD.get(path) == me.token:
            _release(path, me.token)


def _held(folder: Path, path: Path, me: LockHolder, clash: str, stop: threading.Event) -> Iterator[LockHolder]:
    """Take the lock (:func:`folder_lock`), beat its heartbeat and yield this run's record while it is held."""
    for _ in range(5):  # a stale lock taken over, or one released meanwhile: try again
        if _try_create(path, me):
            break
        holder = read_lock(path)
        if holder is None:
            try:
                age = time.time() - path.stat().st_mtime
            except FileNotFoundError:
                continue  # released meanwhile
            if age < UNREADABLE_GRACE_S:
                raise FolderBusyError(_busy_message(folder, path, None, None, clash))
            _take_over(path, None)
            continue
        alive = _holder_alive(holder, path)
        if alive is False:
            _take_over(path, holder)
            continue
        raise FolderBusyError(_busy_message(folder, path, holder, alive, clash))
    else:
        holder = read_lock(path)
        raise FolderBusyError(
            _busy_message(folder, path, holder, None if holder is None else _holder_alive(holder, path), clash)
        )
    beat = threading.Thread(target=_heartbeat, args=(path, stop), name="vdosbench-lock-heartbeat", daemon=True)
    beat.start()
    try:
        yield me
    finally:
        stop.set()
        beat.join()


#: The locks this process holds (path -> token), for :func:`release_held_locks`.
_HELD: dict[Path, str] = {}


def _release(path: Path, token: str) -> None:
    """Remove the lock file ``path`` if it still holds ``token`` (never another run's lock)."""
    _HELD.pop(path, None)
    current = read_lock(path)
    if current is not None and current.token == token:
        path.unlink(missing_ok=True)


def release_held_locks() -> None:
    """Release every lock this process holds, for an exit that cannot unwind the ``with`` blocks.

    The command line calls it when a run stopped by SIGTERM has not unwound
    within its grace period (:func:`vdosbench.cli.main`), just before
    it ends the process.
    """
    for path, token in list(_HELD.items()):
        with contextlib.suppress(OSError):
            _release(path, token)


def _heartbeat(path: Path, stop: threading.Event) -> None:
    """Touch ``path`` every :data:`HEARTBEAT_S` seconds until ``stop`` is set."""
    while not stop.wait(HEARTBEAT_S):
        with contextlib.suppress(OSError):
            os.utime(path)
