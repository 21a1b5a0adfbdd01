"""Physical models that produce VDOS-1.0 datasets (``vdosbench.generators``)."""

from __future__ import annotations

from .registry import Generator, SampleFunction, generator_names, get_generator, register

__all__ = ["Generator", "SampleFunction", "generator_names", "get_generator", "register"]
