"""Publish catalogued datasets as a folder that any static host or archive deposit can serve as is.

:func:`publish` writes, for each entry, the catalogued file under its
:attr:`~vdosbench.datasets.catalog.CatalogEntry.file_name`
(``NAME-<first 12 hex of sha256>.nc``) and a pooch registry
``registry.txt`` (one line ``FILE_NAME SHA256`` per file, the format of
:func:`pooch.make_registry`, read by :meth:`pooch.Pooch.load_registry`)::

    DIR/
      registry.txt
      spring-network-16-52e5e29fcd22.nc
      ...

Serve ``DIR`` at any base URL (a web server's folder, an object store, a
Zenodo deposit's file listing) and point :func:`vdosbench.datasets.fetch.fetch`
at it (``VDOSBENCH_MIRROR=BASE_URL``, or the catalogue's ``[hosting]
base_urls``).  ``fetch`` never trusts the mirror's registry: it checks every
download against the sha256 of the installed catalogue.  The registry is for
hosts and tools that use pooch directly.

With ``forms=("scoring",)`` (or both) the entry's scoring form is published
too, as ``NAME-scoring-<first 12 hex of its sha256>.nc``, taken from the
clone's ``reference-data/`` folder or the cache: a mirror then serves what
``vdosbench fetch NAME`` and ``--reference NAME`` download before the
repository's raw-file URL.

Only the catalogued bytes are published: a file whose sha256 differs (a
rebuild's ``history`` attribute records its run time, so a rebuild never has
the catalogued file hash) is refused.  Every file is written under a
temporary name and moved into place after its hash is checked, so an
interrupted publish leaves no half-written file under a final name.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from .catalog import file_sha256, get_entry
from .catalog_entries import CatalogEntry
from .errors import VdosbenchError
from .fetch import cached_path, scoring_cached_path

__all__ = [
    "PUBLISH_FORMS",
    "REGISTRY_NAME",
    "PublishError",
    "PublishResult",
    "find_catalogued_copy",
    "find_scoring_copy",
    "publish",
    "read_registry",
]

#: What :func:`publish` can write of an entry: the full set, its scoring form.
PUBLISH_FORMS = ("full", "scoring")

#: Name of the pooch registry in a published folder.
REGISTRY_NAME = "registry.txt"


class PublishError(VdosbenchError, OSError):
    """A dataset cannot be published (names the copies checked and the fix)."""


@dataclass(frozen=True)
class PublishResult:
    """What :func:`publish` wrote.

    Attributes
    ----------
    folder
        The published folder.
    files
        Entry name → the published full set.
    registry
        The pooch registry (every file of the folder's registry, old and new).
    scoring_files
        Entry name → the published scoring form.
    """

    folder: Path
    files: dict[str, Path]
    registry: Path
    scoring_files: dict[str, Path] = field(default_factory=dict)


def _entry(name: str | CatalogEntry) -> CatalogEntry:
    return name if isinstance(name, CatalogEntry) else get_entry(name)


def _first_with_hash(candidates: Iterable[Path], sha256: str) -> tuple[Path | None, str]:
    """The first existing candidate whose SHA-256 is ``sha256`` (else ``None``), and the others checked, as text."""
    checked = []
    for path in candidates:
        if not path.is_file():
            continue
        actual = file_sha256(path)
        if actual == sha256:
            return path, ""
        checked.append(f"{path} (sha256 {actual})")
    return None, "; ".join(checked) if checked else "no file at all"


def find_catalogued_copy(
    entry: CatalogEntry,
    sources: Iterable[str | os.PathLike[str]] = (),
    cache_dir: str | os.PathLike[str] | None = None,
) -> Path:
    """A local file whose sha256 is the entry's: from ``sources``, else the repository's copy (``reference-data/``,
    when the catalogue names the entry's ``file``), else the cache.

    Parameters
    ----------
    entry
        The catalogue entry.
    sources
        Files, or folders holding the entry's ``file_name``, ``NAME.nc`` or ``ensemble.nc``.
    cache_dir
        The fetch cache (default :func:`vdosbench.datasets.fetch.default_cache_dir`).

    Raises
    ------
    PublishError
        No candidate has the catalogued sha256 (each candidate named with its hash).
    """
    candidates: list[Path] = []
    for src in sources:
        p = Path(src)
        candidates += [p / entry.file_name, p / f"{entry.name}.nc", p / "ensemble.nc"] if p.is_dir() else [p]
    full = entry.full_form
    if full is not None and full.local_path is not None:
        candidates.append(full.local_path)
    candidates.append(cached_path(entry, cache_dir))
    path, found = _first_with_hash(candidates, entry.sha256)
    if path is not None:
        return path
    raise PublishError(
        f"no copy of dataset {entry.name!r} with the catalogued sha256 {entry.sha256}: checked {found}. "
        f"Fix: fetch it first (vdosbench fetch {entry.name}) or pass --from the catalogued file. A rebuild "
        "never has the catalogued file hash (its history attribute records the run time): to publish a "
        "rebuild, catalogue it first (size, sha256, content_sha256 and vdosbench fingerprint FILE --name NAME)"
    )


def find_scoring_copy(
    entry: CatalogEntry,
    sources: Iterable[str | os.PathLike[str]] = (),
    cache_dir: str | os.PathLike[str] | None = None,
) -> Path:
    """A local copy of the entry's scoring form with its catalogued sha256: from ``sources`` (files, or folders
    holding ``NAME-scoring-<...>.nc`` or the repository's file name), else the clone's ``reference-data/``,
    else the cache.

    Raises
    ------
    PublishError
        The entry has no scoring form, or no candidate has its sha256 (each candidate named with its hash).
    """
    form = entry.scoring_form
    if form is None or entry.scoring_file_name is None:
        raise PublishError(
            f"dataset {entry.name!r} has no scoring form in the catalogue ({entry.not_hosted or 'none made'}); "
            f"publish the full set (--form full), or make the form: vdosbench compact FILE "
            f"reference-data/{entry.name}.nc --scoring-form"
        )
    candidates: list[Path] = []
    for src in sources:
        p = Path(src)
        candidates += [p / entry.scoring_file_name, p / form.file] if p.is_dir() else [p]
    if form.local_path is not None:
        candidates.append(form.local_path)
    cached = scoring_cached_path(entry, cache_dir)
    if cached is not None:
        candidates.append(cached)
    path, found = _first_with_hash(candidates, form.sha256)
    if path is not None:
        return path
    raise PublishError(
        f"no copy of the scoring form of {entry.name!r} with the catalogued sha256 {form.sha256}: checked "
        f"{found}. Fix: vdosbench fetch {entry.name} --form scoring, "
        f"or pass --from the file ({form.repository_path} of a clone)"
    )


def read_registry(path: str | os.PathLike[str]) -> dict[str, str]:
    """A pooch registry file as ``{file name: hash}`` (blank lines and ``#`` comments skipped).

    Raises
    ------
    PublishError
        A line is not ``FILE_NAME HASH [URL]``.
    """
    out: dict[str, str] = {}
    for number, line in enumerate(Path(path).read_text().splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) not in (2, 3):
            raise PublishError(
                f"{path}, line {number}: {line!r} is not 'FILE_NAME HASH [URL]' (pooch's registry format); "
                "fix or delete the line"
            )
        out[parts[0]] = parts[1]
    return out


def _write_atomically(
    folder: Path, name: str, write: Callable[[BinaryIO], None], check: Callable[[Path], None] | None = None
) -> Path:
    """Write ``folder/name`` through a temporary file in ``folder``, ``check`` it, then :func:`os.replace`."""
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a served file must be readable by the web server
        if check is not None:
            check(Path(tmp))
        os.replace(tmp, folder / name)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return folder / name


def _copy_verified(source: Path, folder: Path, file_name: str, sha256: str) -> Path:
    target = folder / file_name
    if target.is_file() and file_sha256(target) == sha256:
        return target

    def write(fh: BinaryIO) -> None:
        with open(source, "rb") as src:
            shutil.copyfileobj(src, fh)

    def check(tmp: Path) -> None:
        actual = file_sha256(tmp)
        if actual != sha256:
            raise PublishError(
                f"the copy of {source} in {folder} has sha256 {actual}, expected {sha256}: the source "
                "changed while it was copied or the disk is faulty; nothing was kept. Fix: publish again"
            )

    return _write_atomically(folder, file_name, write, check)


def publish(
    names: Sequence[str | CatalogEntry],
    to: str | os.PathLike[str],
    *,
    sources: Iterable[str | os.PathLike[str]] = (),
    cache_dir: str | os.PathLike[str] | None = None,
    forms: Sequence[str] = ("full",),
) -> PublishResult:
    """Write catalogued datasets and their pooch registry into a folder a static host can serve.

    Parameters
    ----------
    names
        Catalogue names or entries.
    to
        The folder (created if needed); an existing ``registry.txt`` there is
        kept and extended, so entries can be published in several runs.
    sources
        Files or folders to take the catalogued files from (before the
        repository's ``reference-data/`` and the fetch cache).
    cache_dir
        The fetch cache to look in.
    forms
        Of :data:`PUBLISH_FORMS`: the full set, the scoring form (module docstring), or both.

    Returns
    -------
    PublishResult
        The files and the registry.

    Raises
    ------
    PublishError
        No copy with the catalogued sha256, or a malformed existing registry.
    KeyError
        Unknown name (lists the catalogued ones).

    Examples
    --------
    >>> import tempfile
    >>> out = publish(["spring-network-16"], tempfile.mkdtemp())
    >>> sorted(p.name for p in out.folder.iterdir())
    ['registry.txt', 'spring-network-16-52e5e29fcd22.nc']
    """
    unknown = [f for f in forms if f not in PUBLISH_FORMS]
    if unknown or not forms:
        raise PublishError(f"forms {list(forms)}: expected one or both of {list(PUBLISH_FORMS)}")
    entries = [_entry(n) for n in names]
    sources = list(sources)
    # every check before writing
    copies = {e.name: find_catalogued_copy(e, sources, cache_dir) for e in entries} if "full" in forms else {}
    scoring = {e.name: find_scoring_copy(e, sources, cache_dir) for e in entries} if "scoring" in forms else {}
    folder = Path(to)
    folder.mkdir(parents=True, exist_ok=True)
    registry_path = folder / REGISTRY_NAME
    registry = read_registry(registry_path) if registry_path.exists() else {}
    files, scoring_files = {}, {}
    for entry in entries:
        if entry.name in copies:
            files[entry.name] = _copy_verified(copies[entry.name], folder, entry.file_name, entry.sha256)
            registry[entry.file_name] = entry.sha256
        if entry.name in scoring and entry.scoring_form is not None and entry.scoring_file_name is not None:
            sha = entry.scoring_form.sha256
            scoring_files[entry.name] = _copy_verified(scoring[entry.name], folder, entry.scoring_file_name, sha)
            registry[entry.scoring_file_name] = sha
    text = "".join(f"{name} {digest}\n" for name, digest in sorted(registry.items()))
    _write_atomically(folder, REGISTRY_NAME, lambda fh: fh.write(text.encode()))
    return PublishResult(folder=folder, files=files, registry=registry_path, scoring_files=scoring_files)
