"""Argument types and ``NAME=VALUE`` options of the ``vdosbench`` commands.

The argparse types (:func:`positive_int`, :func:`data_path`) make argparse exit
2 with what was expected, what was found and the fix; the ``NAME=VALUE``
parsers raise :class:`~vdosbench.cli.errors.UsageError`.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from .errors import UsageError

__all__ = [
    "data_path",
    "declarable",
    "key_values",
    "output_folder",
    "parse_assignments",
    "parse_declarations",
    "positive_int",
]


def positive_int(text: str) -> int:
    """An argparse type: an integer ≥ 1 (``--samples 0`` is refused, not read as the default)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer ≥ 1, found {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected an integer ≥ 1, found {value}; pass at least 1")
    return value


def _parse_value(text: str, key: str = "", option: str = "--set") -> Any:
    """``text`` as an int, a float, a boolean or itself; an integer beyond floating-point range is refused
    (fault G8 of 2026-11-28: ``--set zero_tolerance=1000…0`` ended in "this is a bug"), its digits cut."""
    for cast in (int, float):
        try:
            value = cast(text)
        except ValueError:
            continue
        try:
            float(value)
        except OverflowError:
            shown = text if len(text) <= 40 else f"{text[:24]}… ({len(text)} characters)"
            raise UsageError(
                f"{option} {key}={shown} is too large; expected a number within floating-point range "
                f"(|x| < 1.8e308). Fix: give {key} a value of the size the option takes"
            ) from None
        return value
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    return text


def _pairs(items: Sequence[str], option: str, form: str, example: str) -> Iterator[tuple[str, str]]:
    """``(key, value)`` of each ``KEY=VALUE`` item of ``option``, the key stripped; ``form`` names the shape."""
    for item in items:
        if "=" not in item:
            raise UsageError(f"{option} {item!r} is not {form}; e.g. {example}")
        key, value = item.split("=", 1)
        yield key.strip(), value


def parse_assignments(items: Sequence[str], what: str, multi: bool) -> dict[str, Any]:
    """``NAME=VALUE`` items of the option ``what`` (``multi``: comma-separated values) as numbers, booleans or text."""
    return {
        key: [_parse_value(v, key, what) for v in value.split(",")] if multi else _parse_value(value, key, what)
        for key, value in _pairs(items, what, "NAME=VALUE", "--grid delta=0.1,0.2 or --set n_side=30")
    }


def declarable() -> tuple[str, ...]:
    """The keys ``--declare`` accepts."""
    from vdosbench.benchmark.declaration import DECLARABLE

    return DECLARABLE


def key_values(items: Sequence[str], option: str, example: str) -> dict[str, str]:
    """``KEY=VALUE`` items of ``option`` as text (the last one of a key wins)."""
    return {key: value.strip() for key, value in _pairs(items, option, "KEY=VALUE", f"{option} {example}")}


def parse_declarations(items: Sequence[str]) -> dict[str, str]:
    """``--declare KEY=VALUE`` items as text (checked by :func:`~vdosbench.benchmark.declaration.parse_declaration`)."""
    return key_values(items, "--declare", "model=kob_andersen")


def output_folder(text: str) -> Path:
    """The argparse type of an output folder (``--output``): an empty or blank argument is refused.

    As a path ``""`` reads as the current folder: ``--output "$DIR"`` with ``DIR`` unset would write (and
    replace earlier report files) wherever the command was started (fault G6 of 2026-11-28).  Name ``.``
    to mean the current folder.

    Raises
    ------
    argparse.ArgumentTypeError
        ``text`` is empty or blank (argparse exits 2 with the message).

    Examples
    --------
    >>> output_folder("vdosbench-output/report")
    PosixPath('vdosbench-output/report')
    >>> output_folder("  ")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: expected an output folder (...), found an empty argument '  '...
    """
    if not text.strip():
        raise argparse.ArgumentTypeError(
            f"expected an output folder (e.g. vdosbench-output/report), found an empty argument {text!r}, which "
            'would write into the current folder (what --output "$DIR" gives when DIR is unset). Fix: name the '
            "folder, or pass --output . to mean the current folder"
        )
    return Path(text)


def data_path(text: str) -> Path:
    """The argparse type of a data file: an empty argument or a folder is refused with what/found/fix.

    An empty argument is what ``vdosbench score "$(vdosbench fetch NAME)"`` passes when the fetch failed; as a
    path it would read as the current folder ``.``.

    Raises
    ------
    argparse.ArgumentTypeError
        ``text`` is empty (or blank), or names a folder (argparse exits 2 with the message).

    Examples
    --------
    >>> data_path("ensemble.nc")
    PosixPath('ensemble.nc')
    >>> data_path("")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: expected a data file (e.g. ensemble.nc), found an empty argument ''...
    """
    if not text.strip():
        raise argparse.ArgumentTypeError(
            f"expected a data file (e.g. ensemble.nc), found an empty argument {text!r}: what "
            '"$(vdosbench fetch NAME)" gives when the fetch failed (its error is printed above). '
            "Fix: pass the file's path, or make the fetch succeed first (vdosbench fetch NAME names the fixes)"
        )
    path = Path(text)
    if path.is_dir():
        inside = sorted(p.name for p in path.glob("*.nc"))
        example = path / (inside[0] if inside else "ensemble.nc")
        holds = f"holding {len(inside)} .nc file(s)" if inside else "holding no .nc file"
        raise argparse.ArgumentTypeError(
            f"expected a data file, found the folder {text!r} ({holds}). Fix: pass the file(s) inside it, "
            f"e.g. {example}"
        )
    return path
