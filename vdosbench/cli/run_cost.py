"""CPU time of a command's run, its processes together, and the samples per core-hour it achieved.

``vdosbench generate`` ends with one line of what its run cost: the samples it made, the CPU seconds of the
command and of every process it started (the local Dask cluster's workers, the fork server that reads the parts,
the resource tracker), and their ratio as samples per core-hour.  CPU time (user + system), not wall time: on a
machine shared with other jobs it is still the run's own cost.

The processes are read with :mod:`psutil` (a dependency of ``distributed``): this process's own and its reaped
children's CPU times, and those of every descendant still alive (with the children it reaped), each taken as
the difference from the start of the run, so that a caller's earlier work (a test session calling the command
in its own process) is not counted.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["CpuTimes", "RunCost", "cpu_times", "count_parts", "samples_per_core_hour"]


@dataclass(frozen=True)
class CpuTimes:
    """User and system CPU seconds of a set of processes.

    Attributes
    ----------
    user_s, system_s
        User-mode and kernel-mode CPU seconds.
    """

    user_s: float
    system_s: float

    @property
    def total_s(self) -> float:
        """User + system CPU seconds."""
        return self.user_s + self.system_s

    def __sub__(self, other: CpuTimes) -> CpuTimes:
        return CpuTimes(self.user_s - other.user_s, self.system_s - other.system_s)


def _process_times(proc: object) -> dict[str, float]:
    t = proc.cpu_times()  # type: ignore[attr-defined]
    return {"user": t.user + getattr(t, "children_user", 0.0), "system": t.system + getattr(t, "children_system", 0.0)}


def cpu_times() -> dict[int, dict[str, float]]:
    """CPU times of this process and of each live descendant, by pid, each with the children it reaped.

    Returns
    -------
    dict
        pid → ``{"user": s, "system": s}``; processes that ended while being read are left out.
    """
    import psutil

    me = psutil.Process()
    out = {os.getpid(): _process_times(me)}
    for child in me.children(recursive=True):
        with contextlib.suppress(psutil.Error):
            out[child.pid] = _process_times(child)
    return out


def samples_per_core_hour(samples: int, cpu_seconds: float) -> float:
    """``samples`` / (``cpu_seconds`` / 3600).

    Raises
    ------
    ValueError
        If ``cpu_seconds`` is not positive.

    Examples
    --------
    >>> samples_per_core_hour(10, 36.0)
    1000.0
    """
    if not cpu_seconds > 0:
        raise ValueError(f"cpu_seconds is {cpu_seconds!r}; expected a positive number of CPU seconds")
    return samples / (cpu_seconds / 3600.0)


def count_parts(output: Path) -> int:
    """Part files (``parts/*/sample-*.nc``) in the ensemble folder ``output`` (0 when it has none)."""
    return sum(1 for _ in (Path(output) / "parts").glob("*/sample-*.nc"))


class RunCost:
    """The CPU time of a run from its start: this process and every process it starts.

    Start it before the run (:meth:`__init__` takes the first reading); :meth:`cpu` is the CPU since then of
    this process, of the children it reaped, and of the descendants alive at the reading.  A descendant that
    ended unreaped by this process (its parent, a descendant, ended first) is not seen.

    Parameters
    ----------
    whole_process
        Count this process (and the children it reaped) from its own start, not from the first reading: the
        command owns the process (the console script), so its interpreter start and imports are the run's.

    Examples
    --------
    >>> cost = RunCost()
    >>> cost.cpu().total_s >= 0.0
    True
    """

    def __init__(self, whole_process: bool = False) -> None:
        self._start = cpu_times()
        if whole_process:  # this process counts from its own start (its interpreter start and imports too)
            self._start.pop(os.getpid())

    def cpu(self) -> CpuTimes:
        """CPU times since the start (processes alive at the start count from their reading then)."""
        now = cpu_times()
        user = system = 0.0
        for pid, t in now.items():
            before = self._start.get(pid, {"user": 0.0, "system": 0.0})
            user += t["user"] - before["user"]
            system += t["system"] - before["system"]
        return CpuTimes(max(0.0, user), max(0.0, system))

    def line(self, samples: int) -> str:
        """The line ``generate`` prints: samples made, CPU seconds (user + system, stated as such), samples per
        core-hour; or that no sample was made."""
        cpu = self.cpu()
        if samples <= 0:
            return "no new samples made (every part was already there): no samples per core-hour to report"
        rate = samples_per_core_hour(samples, cpu.total_s)
        return (
            f"{samples} samples in {cpu.total_s:.1f} CPU-s (user {cpu.user_s:.1f} + system {cpu.system_s:.1f}; "
            f"CPU time of this command and the processes it started, not wall time): "
            f"{rate:.0f} samples per core-hour"
        )
