"""Registered analyses: claims whose measure and verdict rule were fixed before their data existed.

A registration (``benchmark/registrations/*.toml``) is a claims file (:mod:`vdosbench.benchmark.claims`: the same
``measure = {validator, quantity, settings}`` and ``expect`` kinds, read by :func:`~vdosbench.benchmark.load_claims`)
with a ``[registration]`` header (when it was fixed, which data, unit, interval, verdict rule, ...) and dated
``[[amendment]]`` tables that may replace a claim's measure or add alternatives, each with its own time.  This
module reads one whole into :class:`Registration` for the study that reads it; which data each claim is read on is
the job of that study (e.g. ``studies/absolute_frequency.py confirm``), which judges its readings by the claims'
expectations (:func:`vdosbench.benchmark.scoring.judge`).

Examples
--------
>>> reg = load_registration("absolute-frequency")
>>> reg.claim("schirmacher.high-tstar-s2-absolute").expect.describe()
'= 2 ± 0.5'
>>> reg.claim("lerner.deep-tail-s4-absolute").settings["band"]   # set by amendment 3 (amendment 1 had set another)
[0.0, 0.15]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .claims import Claim, read_registration, registrations_dir

__all__ = ["REGISTRATIONS", "Registration", "load_registration"]

REGISTRATIONS = registrations_dir()


@dataclass(frozen=True)
class Registration:
    """A registration file read whole: its ``[registration]`` header and its claims, amendments applied.

    Attributes
    ----------
    path
        The file.
    registered
        When it was fixed (UTC), the header's ``registered``.
    header
        The ``[registration]`` table: the record's text (which data, unit, interval, verdict rule, ...).
    claims
        The claims by id (:class:`~vdosbench.benchmark.claims.Claim`, with ``registration`` set).
    """

    path: Path
    registered: str
    header: Mapping[str, Any]
    claims: Mapping[str, Claim] = field(default_factory=dict)

    def claim(self, claim_id: str) -> Claim:
        """The claim ``claim_id`` (KeyError naming the registered ids)."""
        try:
            return self.claims[claim_id]
        except KeyError:
            raise KeyError(
                f"{self.path.name} registers no claim {claim_id!r}; it registers {sorted(self.claims)}"
            ) from None

    @property
    def amendments(self) -> list[str]:
        """The times of the file's amendments, sorted."""
        return sorted({t for c in self.claims.values() if c.registration for t in c.registration.amended})


def load_registration(name: str | Path) -> Registration:
    """Read a registration: a name under ``benchmark/registrations`` (without ``.toml``) or a path.

    Raises
    ------
    FileNotFoundError
        When no such file exists (naming the registrations there are).
    ClaimsFileError
        When the file is no registration (:func:`~vdosbench.benchmark.claims.read_registration`).
    """
    path = Path(name)
    if path.suffix != ".toml":
        path = REGISTRATIONS / f"{name}.toml"
    if not path.is_file():
        there = sorted(p.stem for p in REGISTRATIONS.glob("*.toml"))
        raise FileNotFoundError(f"registration {name!s} not found at {path}; registered analyses: {there}")
    header, claims = read_registration(path)
    return Registration(
        path=path, registered=str(header["registered"]), header=header, claims={c.id: c for c in claims}
    )
