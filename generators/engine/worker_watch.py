"""A run on a Dask cluster that has lost its workers: wait for them a while, then give up.

:func:`~vdosbench.generators.engine.ensemble.run_ensemble` looks at the scheduler's workers every second while
parts are left (:class:`WorkerWatch`); when none has been connected for ``VDOSBENCH_NO_WORKER_WAIT`` seconds
(:func:`no_worker_wait`, default :data:`NO_WORKER_WAIT_S`: time for a cluster to restart or replace them) it says
so on stderr as soon as they are gone, then gives up with :class:`~.ensemble_spec.NoWorkerError`; finished parts
are kept and a re-run resumes.  Moved here from :mod:`.ensemble` with no change of behaviour.
"""

from __future__ import annotations

import math
import os
import sys
import time
from typing import Any

from .ensemble_spec import EnsembleSettingsError, NoWorkerError

__all__ = ["NO_WORKER_WAIT_ENV", "NO_WORKER_WAIT_S", "WorkerWatch", "no_worker_wait"]

#: Environment variable: seconds a run waits while no Dask worker is connected before it gives up
#: (:class:`~.ensemble_spec.NoWorkerError`); default :data:`NO_WORKER_WAIT_S`.
NO_WORKER_WAIT_ENV = "VDOSBENCH_NO_WORKER_WAIT"
#: Default of that wait: long enough for a cluster's workers to restart or be replaced.
NO_WORKER_WAIT_S = 120.0
#: Seconds between two looks at the connected workers.
_WORKER_CHECK_S = 1.0


def no_worker_wait() -> float:
    """Seconds a run waits with no Dask worker connected: ``VDOSBENCH_NO_WORKER_WAIT``, else :data:`NO_WORKER_WAIT_S`.

    Raises
    ------
    EnsembleSettingsError
        The variable is set but is not a positive number of seconds.
    """
    text = os.environ.get(NO_WORKER_WAIT_ENV, "").strip()
    if not text:
        return NO_WORKER_WAIT_S
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0):
        raise EnsembleSettingsError(
            f"{NO_WORKER_WAIT_ENV} is {text!r}; expected a positive number of seconds. Fix: set it to e.g. 300, "
            f"or unset it for the default {NO_WORKER_WAIT_S:g} s"
        )
    return seconds


class WorkerWatch:
    """Gives up (:class:`NoWorkerError`) when no worker has been connected to the scheduler for ``wait`` seconds.

    Says so on stderr when the workers are first found gone, and again if they come back.
    """

    def __init__(self, client: Any, wait: float) -> None:
        self.client = client
        self.wait = wait
        self.last_look = -math.inf
        self.gone_since: float | None = None

    def check(self) -> None:
        now = time.monotonic()
        if now - self.last_look < _WORKER_CHECK_S:
            return
        self.last_look = now
        n_workers = len(self.client.scheduler_info().get("workers", {}))
        address = getattr(self.client.scheduler, "address", "the scheduler")
        if n_workers:
            if self.gone_since is not None:
                print(f"vdosbench: {n_workers} Dask worker(s) connected again; going on", file=sys.stderr)
            self.gone_since = None
            return
        if self.gone_since is None:
            self.gone_since = now
            print(
                f"vdosbench: no Dask worker is connected to {address}; waiting up to {self.wait:g} s for one "
                f"({NO_WORKER_WAIT_ENV}) before giving up",
                file=sys.stderr,
            )
        elif now - self.gone_since >= self.wait:
            raise NoWorkerError(
                f"no Dask worker was connected to {address} for {self.wait:g} s while parts were left to compute; "
                "expected at least one worker. Fix: start workers (e.g. dask worker ADDRESS) and run the same "
                "call again: finished parts are kept and a re-run computes only the missing ones (wait longer "
                f"with {NO_WORKER_WAIT_ENV}=SECONDS)"
            )
