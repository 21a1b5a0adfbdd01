"""What machine a measurement ran on: moved to :mod:`vdosbench.datasets.machine` (issue 66 item 5), where the
results writer (:mod:`vdosbench.datasets.results_files`) reads it; the names stay importable from here."""

from __future__ import annotations

from vdosbench.datasets.machine import cpu_model, machine_info

__all__ = ["cpu_model", "machine_info"]
