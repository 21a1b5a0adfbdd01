"""Reading TOML files that a user may have written, within a size and a nesting-depth limit.

Every TOML file vdosbench reads (a sidecar ``DATA.vdos.toml``, a ``--claims``
file, the catalogue, the fetch configuration) goes through :func:`read_toml`.
``tomllib`` recurses once per nesting level of arrays and inline tables, so a
file nested a few hundred levels deep ends in a ``RecursionError``; and a
huge file is read whole.  :func:`read_toml` refuses both as bad input, with the
error class of the caller (the command line's exit status 2) and a message
naming what was expected, what was found and the fix:

- more than ``max_bytes`` (default :data:`MAX_TOML_BYTES`; only
  ``max_bytes + 1`` bytes are ever read);
- not UTF-8 text, or not valid TOML;
- nested deeper than ``max_depth`` (default :data:`MAX_TOML_DEPTH`; a table
  counts one level, as does an array or an inline table), including a file so
  deep that the parser itself gives up.

The shipped files are at most 7 levels deep and 0.25 MB.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "ok.toml").write_text('model = "glass"\\n[fetch]\\nmirror = ["https://a"]\\n')
>>> read_toml(folder / "ok.toml", ValueError, fix="correct it")
{'model': 'glass', 'fetch': {'mirror': ['https://a']}}
>>> _ = (folder / "deep.toml").write_text("x = " + "[" * 600 + "]" * 600 + "\\n")
>>> read_toml(folder / "deep.toml", ValueError, fix="correct it")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
ValueError: ...deep.toml: nested too deeply (more than 32 levels of tables, arrays and inline tables); expected at most 32. Fix: flatten its arrays and tables (no vdosbench file nests more than 7 levels)
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

__all__ = ["MAX_TOML_BYTES", "MAX_TOML_DEPTH", "read_toml", "toml_depth"]

#: Largest TOML file read (bytes): the catalogue, the largest shipped file, is about 0.25 MB.
MAX_TOML_BYTES = 16 * 1024 * 1024
#: Deepest nesting accepted (levels of tables, arrays and inline tables); the shipped files reach 7.
MAX_TOML_DEPTH = 32


def toml_depth(value: Any) -> int:
    """Levels of nesting of a parsed TOML value (a table or an array is one level; a scalar none).

    Iterative, so a deep value cannot exhaust the stack.

    Examples
    --------
    >>> toml_depth({"a": 1}), toml_depth({"a": [[1]]}), toml_depth(3)
    (1, 3, 0)
    """
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children = list(item.values())
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level + 1)
        stack.extend((child, level + 1) for child in children)
    return deepest


def read_toml(
    path: str | os.PathLike[str],
    error: type[Exception],
    *,
    fix: str,
    max_bytes: int = MAX_TOML_BYTES,
    max_depth: int = MAX_TOML_DEPTH,
) -> dict[str, Any]:
    """Parse the TOML file ``path``, refusing one that is too large, not text, not TOML or nested too deeply.

    Parameters
    ----------
    path
        The file.
    error
        The exception class raised for bad content (the caller's bad-input error; it takes one message).
    fix
        What the user should do, ending the message of a syntax error.
    max_bytes, max_depth
        The limits (module docstring).

    Returns
    -------
    dict
        The parsed document.

    Raises
    ------
    error
        Too large, not UTF-8, not valid TOML, or nested more than ``max_depth`` levels.
    FileNotFoundError
        No file at ``path`` (left to the caller, which knows what was meant).
    """
    p = Path(path)
    with open(p, "rb") as fh:
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        try:
            size = f"{p.stat().st_size} bytes"
        except OSError:
            size = f"more than {max_bytes} bytes"
        raise error(
            f"{p}: {size}; expected a TOML file of at most {max_bytes} bytes (nothing past that is read). "
            "Fix: pass the intended file (a sidecar, claims or configuration file is a few kilobytes)"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise error(f"{p}: not UTF-8 text ({e}); expected a TOML file. Fix: save it as UTF-8 text") from e
    too_deep = (
        f"{p}: nested too deeply (more than {max_depth} levels of tables, arrays and inline tables); expected "
        f"at most {max_depth}. Fix: flatten its arrays and tables (no vdosbench file nests more than 7 levels)"
    )
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise error(f"{p}: not valid TOML ({e}). Fix: {fix}") from e
    except RecursionError:  # tomllib recurses once per level: hundreds of levels exhaust the stack
        raise error(too_deep) from None
    if toml_depth(document) > max_depth:
        raise error(too_deep)
    return document
