"""Measurements on VDOS-1.0 datasets (``vdosbench.validators``); they never judge."""

from __future__ import annotations

__all__: list[str] = []
