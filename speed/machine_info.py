"""What machine a benchmark ran on: CPU model, cores, load, memory, library versions, BLAS pools.

Imported by the scripts in this folder (``python speed/<script>.py`` puts the folder
on ``sys.path``) and by those in ``studies/`` (which add ``speed/`` to it), so every
result JSON describes its machine the same way.
"""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path
from typing import Any

import numpy as np
import scipy
from threadpoolctl import threadpool_info


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo (else what ``platform`` knows)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine(*modules: str) -> dict[str, Any]:
    """Platform, CPU, cores, load averages, memory, Python/numpy/scipy and ``modules`` versions, BLAS pools."""
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
