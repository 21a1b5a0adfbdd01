"""The literature register: published results of the debate as claims, each with the paper's estimator beside ours.

``benchmark/literature/*.toml`` holds one claims file per paper in the one claims schema (``claims.toml``'s
header; :func:`vdosbench.benchmark.load_claims` reads each), with two record tables per claim that no computation
reads (``benchmark/literature/README.md``):

``published``
    the paper, where in it, the value and uncertainty as published, whether the value was checked against the
    paper's text (``checked``, with ``checked_against``; or ``checked = false`` with ``unchecked_reason``), and the
    paper's own estimator in words with whether that attribution was checked (``estimator_checked``; else
    ``estimator_reason``).
``system``
    what the paper's data are (dimension, model, N, protocol, T*, taper, ensemble) and ``ours``: ``"applicable"``
    (with what differs) or ``"not applicable: ..."`` with the ``recipe`` that would make matching data.

The claim's primary measure is the paper's estimator, re-implemented; the alternative labelled
:data:`REGISTERED_LABEL` is our registered estimator of the same quantity.  A claim whose value was not checked
carries no verdict weight (:attr:`LiteratureClaim.weight`).  :func:`load_literature` reads and checks the whole
register; an error names the file, the claim and the missing field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from .claims import Claim, ClaimsFileError, load_claims

__all__ = [
    "LiteratureClaim",
    "REGISTERED_LABEL",
    "literature_dir",
    "load_literature",
    "papers",
]

#: The label of the alternative that is our registered estimator of a literature claim's quantity.
REGISTERED_LABEL = "vdosbench registered"
#: Fields ``published`` must hold; ``checked`` and ``estimator_checked`` each need their reason or source.
_PUBLISHED_KEYS = ("paper", "where", "value", "uncertainty", "checked", "estimator", "estimator_checked")
#: Fields ``system`` must hold.
_SYSTEM_KEYS = ("dimension", "model", "n_particles", "protocol", "parent_temperature", "taper", "ensemble", "ours")


def literature_dir() -> Path:
    """The folder of the register shipped with vdosbench (``benchmark/literature``)."""
    return Path(str(resources.files("vdosbench.benchmark") / "literature"))


@dataclass(frozen=True)
class LiteratureClaim:
    """One published claim of the register.

    Attributes
    ----------
    claim
        The claim as :func:`~vdosbench.benchmark.load_claims` reads it (primary: the paper's estimator).
    file
        The register file's name (one per paper).
    """

    claim: Claim
    file: str

    @property
    def published(self) -> Mapping[str, Any]:
        """The ``published`` record."""
        return self.claim.extra["published"]

    @property
    def system(self) -> Mapping[str, Any]:
        """The ``system`` record."""
        return self.claim.extra["system"]

    @property
    def paper(self) -> str:
        """The paper, as cited."""
        return str(self.published["paper"])

    @property
    def checked(self) -> bool:
        """Whether the published value was read in the paper's text."""
        return bool(self.published["checked"])

    @property
    def weight(self) -> str:
        """``"verdict"`` for a checked value; ``"no weight: <reason>"`` for one that was not checked."""
        return "verdict" if self.checked else f"no weight: {self.published['unchecked_reason']}"

    @property
    def to_check(self) -> str:
        """What would check an unchecked value (the text to read, what to compare); ``""`` for a checked one."""
        return "" if self.checked else str(self.published["to_check"])

    @property
    def applicable(self) -> bool:
        """Whether our data can match the paper's system (``system.ours`` starts with ``applicable``)."""
        return str(self.system["ours"]).startswith("applicable")

    @property
    def recipe(self) -> str:
        """The recipe that would make matching data (a claim not applicable), else ``""``."""
        return str(self.system.get("recipe", ""))

    @property
    def registered(self) -> str | None:
        """The label of our registered estimator among the claim's alternatives, or ``None``."""
        labels = [a.label for a in self.claim.alternatives if a.label.startswith(REGISTERED_LABEL)]
        return labels[0] if labels else None


def _fail(where: str, found: str, fix: str) -> ClaimsFileError:
    return ClaimsFileError(f"{where}: {found}. Fix: {fix}")


def _check(entry: LiteratureClaim) -> None:
    """Raise :class:`ClaimsFileError` where ``entry``'s records miss a field (module docstring)."""
    where = f"{entry.file}, claim {entry.claim.id}"
    for table, keys in (("published", _PUBLISHED_KEYS), ("system", _SYSTEM_KEYS)):
        record = entry.claim.extra.get(table)
        if not isinstance(record, Mapping):
            raise _fail(where, f"no {table} table", f"add {table} = {{ {', '.join(f'{k} = ...' for k in keys)} }}")
        missing = [k for k in keys if k not in record]
        if missing:
            raise _fail(where, f"{table} lacks {missing}", "add them (benchmark/literature/README.md)")
    published, system = entry.published, entry.system
    if not isinstance(published["checked"], bool) or not isinstance(published["estimator_checked"], bool):
        raise _fail(
            where, "published.checked or published.estimator_checked is not true/false", "write checked = true or false"
        )
    if published["checked"] and not published.get("checked_against"):
        raise _fail(where, "a checked value without checked_against", "say where in the paper it was read")
    if not published["checked"] and not published.get("unchecked_reason"):
        raise _fail(where, "an unchecked value without unchecked_reason", "say why it could not be checked")
    if not published["checked"] and not published.get("to_check"):
        raise _fail(
            where,
            "an unchecked value without to_check",
            "say exactly what would check it: the text, figure or table to read and what to compare",
        )
    if not published["estimator_checked"] and not published.get("estimator_reason"):
        raise _fail(
            where,
            "an unchecked estimator without estimator_reason",
            "say why the paper's estimator is our reading of it",
        )
    ours = str(system["ours"])
    if not (ours.startswith("applicable") or ours.startswith("not applicable: ")):
        raise _fail(
            where,
            f"system.ours is {ours!r}",
            "start with 'applicable' or 'not applicable: ' (and then say what differs or what it needs)",
        )
    if not entry.applicable and not entry.recipe:
        raise _fail(
            where,
            "a claim not applicable to our data names no recipe",
            "add system.recipe: the recipe that would make matching data, or 'none yet: ...'",
        )
    if entry.applicable and entry.registered is None:
        raise _fail(
            where,
            f"no alternative labelled {REGISTERED_LABEL!r}",
            "add our registered estimator of the same quantity as that alternative",
        )


def load_literature(folder: str | Path | None = None) -> list[LiteratureClaim]:
    """Every claim of the register, files in name order, each checked (module docstring).

    Parameters
    ----------
    folder
        The register's folder (default: the shipped ``benchmark/literature``).

    Raises
    ------
    ClaimsFileError
        When a claim lacks a record field, or two files use one id.

    Examples
    --------
    >>> register = load_literature()
    >>> entry = next(e for e in register if e.claim.id == "lit.lb2017.instantaneous-quench-beta3")
    >>> entry.checked, entry.applicable, entry.claim.expect.describe()
    (True, True, '= 3 ± 0.5')
    >>> sorted({e.system["ours"] for e in register if not e.applicable})[0]
    'not applicable: needs 2D glasses'
    """
    root = Path(folder) if folder is not None else literature_dir()
    files = sorted(root.glob("*.toml"))
    if not files:
        raise FileNotFoundError(f"no register files (*.toml) in {root}")
    out: list[LiteratureClaim] = []
    seen: dict[str, str] = {}
    for path in files:
        for claim in load_claims(path):
            if claim.id in seen:
                raise _fail(path.name, f"claim id {claim.id!r} is also in {seen[claim.id]}", "give it its own id")
            seen[claim.id] = path.name
            entry = LiteratureClaim(claim, path.name)
            _check(entry)
            out.append(entry)
    return out


def papers(register: Sequence[LiteratureClaim]) -> list[str]:
    """The papers of ``register``, in order of first appearance."""
    return list(dict.fromkeys(e.paper for e in register))
