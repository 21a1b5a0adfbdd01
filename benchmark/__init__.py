"""Claims, scoring, reports and the command line (``vdosbench.benchmark``)."""

from __future__ import annotations

__all__: list[str] = []
