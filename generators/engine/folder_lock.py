"""One run per output folder: moved to :mod:`vdosbench.datasets.folder_lock` (issue 66 item 4); the names stay
importable from here."""

from __future__ import annotations

from vdosbench.datasets.folder_lock import (
    HEARTBEAT_S,
    LOCK_NAME,
    STALE_AFTER_S,
    UNREADABLE_GRACE_S,
    FolderBusyError,
    LockHolder,
    folder_lock,
    read_lock,
    release_held_locks,
)

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
