"""What machine a measurement ran on: CPU model, cores, load, memory, library versions, BLAS pools.

The results writer (:func:`vdosbench.datasets.results_files.write_results`) records it in the provenance of every
results file of ``studies/`` and ``speed/``, so every result JSON describes its machine the same way.

Examples
--------
>>> info = machine_info()
>>> sorted(k for k in info if k in ("cpu_model", "cpu_count", "numpy", "blas"))
['blas', 'cpu_count', 'cpu_model', 'numpy']
>>> machine_info("no_such_module_here")["no_such_module_here"]
'unavailable (ModuleNotFoundError)'
"""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path
from typing import Any

__all__ = ["cpu_model", "machine_info"]


def cpu_model() -> str:
    """The CPU's model name from ``/proc/cpuinfo`` (else what :mod:`platform` knows, else ``"unknown"``)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_info(*modules: str) -> dict[str, Any]:
    """Platform, CPU, cores, load averages, memory, Python/numpy/scipy and ``modules`` versions, BLAS pools.

    Parameters
    ----------
    *modules
        Names of further modules whose ``__version__`` to record; one that cannot be imported is recorded as
        ``"unavailable (ErrorType)"``.

    Returns
    -------
    dict
        JSON-ready: ``platform``, ``processor``, ``cpu_model``, ``cpu_count``, ``load_average_1_5_15min``,
        ``python``, ``numpy``, ``scipy``, ``memory_gb`` (None where ``/proc/meminfo`` is absent), one entry per
        name of ``modules``, and ``blas``: the BLAS thread pools threadpoolctl finds.
    """
    import numpy as np  # noqa: PLC0415 - the module itself imports nothing heavy
    import scipy  # noqa: PLC0415
    from threadpoolctl import threadpool_info  # noqa: PLC0415

    info: dict[str, Any] = {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpu_model": cpu_model(),
        "cpu_count": os.cpu_count(),
        "load_average_1_5_15min": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "scipy": scipy.__version__,
    }
    try:
        with open("/proc/meminfo") as fh:
            info["memory_gb"] = round(int(fh.readline().split()[1]) / 1024**2, 1)
    except OSError:
        info["memory_gb"] = None
    for name in modules:
        try:
            info[name] = __import__(name).__version__
        except Exception as exc:  # noqa: BLE001 - record whatever stops the import
            info[name] = f"unavailable ({type(exc).__name__})"
    info["blas"] = [
        {k: pool.get(k) for k in ("internal_api", "version", "num_threads", "threading_layer", "filepath")}
        for pool in threadpool_info()
        if pool.get("user_api") == "blas"
    ]
    return info
