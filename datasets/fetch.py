"""Fetch catalogued reference datasets with a known SHA-256, or rebuild them from their recipe.

An entry has two forms: the *full* set (the catalogued ``ensemble.nc``, its
``sha256``) and, when catalogued, its *scoring form* (the variables scoring
reads, :mod:`vdosbench.benchmark.scoring_form`; ``[datasets.NAME.scoring_form]``),
kept in the repository's ``reference-data/`` folder and served by the
repository's raw-file URL (:func:`~vdosbench.datasets.catalog.raw_file_url`).
``fetch(NAME)`` (``form="auto"``) returns the full set when a verified copy is
already on this machine (in ``reference-data/`` or cached), else the scoring form when the
entry has one, else downloads the full set.  ``form="full"`` or
``form="scoring"`` asks for one of them.

The scoring form is looked for in turn

1. in ``$VDOSBENCH_REFERENCE_DATA``, then in the ``reference-data/`` folder of
   the clone the command runs in (from the current folder upwards), then of
   the clone the package runs from (an editable install)
   (:mod:`~vdosbench.datasets.reference_places`), used in place after its
   hash is checked: a clone scores ``--reference NAME`` offline, whether
   vdosbench was installed from it with ``pip install .`` or ``-e .``;
2. in the cache, as ``NAME-scoring-<first 12 hex of its sha256>.nc``;
3. at the user's mirrors (``BASE/NAME-scoring-<...>.nc``, the layout
   ``vdosbench publish`` writes), then at the repository's raw-file URL,
   downloaded as below.

A fetch that finds no copy and no download names every place it looked and the fixes.

The full set is looked for in turn

1. when the catalogue names its ``file`` (a small set kept in the repository,
   ``reference-data/NAME-full.nc``), in the same places as the scoring form
   (``$VDOSBENCH_REFERENCE_DATA``, the clone the command runs in, the clone
   the package runs from), used in place after its hash is checked;
2. the cache folder (``$VDOSBENCH_CACHE``, else ``pooch.os_cache("vdosbench")``),
   where a file whose hash matches is used without any request;
3. the download URLs (or the ``urls`` given), in order: first the user's
   mirrors (:func:`mirror_base_urls`: ``$VDOSBENCH_MIRROR``, else ``mirror``
   under ``[fetch]`` in the config file :func:`config_path`), then the entry's
   ``urls``, then the catalogue's ``[hosting] base_urls``, then the
   repository's raw-file URL of its ``file``; a base URL serves the
   entry as ``BASE/<file_name>`` (the layout ``vdosbench publish`` writes,
   :mod:`vdosbench.datasets.publish`).  Every URL is downloaded through
   :mod:`pooch` with ``known_hash="sha256:<catalogued hash>"`` — never without a
   hash.  pooch writes the download to a temporary file in the cache folder,
   checks the hash, and only then moves it to the final name, so a corrupted
   or truncated download is deleted and never appears under the final name;
   a failed attempt is retried (``retries``, pooch's ``retry_if_failed``).
   A download stops at the catalogued size: a server that announces or sends
   more bytes is refused at once (:class:`DownloadTooLarge`, no retry, nothing
   kept) and the next URL is tried, so a broken or hostile mirror cannot fill the disk.
   Each URL's download has a whole deadline, 60 s plus the catalogued size at 100 kB/s
   (:func:`download_deadline`): a server that sends a byte now and then, each read within the socket timeout,
   is cut off there (:class:`DownloadTooSlow`, nothing kept) and the next URL is tried.
   A local copy (in reference data or the cache) must be a regular file of the catalogued size before a byte of
   it is hashed: a FIFO, a device or a file of another size is refused (or, in the cache, downloaded again).
   A cached file with a wrong hash is replaced by a fresh download.

A mismatch raises :class:`ChecksumError` naming the expected and the actual
hash and the fix.  An entry with neither a copy in reach nor a URL raises
:class:`FetchError` pointing to :func:`build`.

Rebuilding an entry from its recipe needs the generators, so it lives in
:mod:`vdosbench.benchmark.rebuild` (the layer that uses all three).
"""

from __future__ import annotations

import os
import stat
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any


from .catalog import file_sha256, get_entry, hosting_base_urls
from .catalog_entries import CatalogEntry, RepositoryFile
from .errors import VdosbenchError
from .reference_places import FIXES as REFERENCE_FIXES
from .reference_places import REFERENCE_DATA_DIRNAME, reference_places

__all__ = [
    "FORMS",
    "CONFIG_ENV",
    "MIRROR_ENV",
    "ChecksumError",
    "DownloadTooLarge",
    "DownloadTooSlow",
    "FetchError",
    "cached_path",
    "config_path",
    "default_cache_dir",
    "download_urls",
    "fetch",
    "mirror_base_urls",
    "origin",
    "scoring_cached_path",
    "scoring_download_urls",
]

#: What :func:`fetch` can return: ``auto`` (a local full set, else the scoring form, else a download of the
#: full set), ``full`` or ``scoring``.
FORMS = ("auto", "full", "scoring")

#: Environment variable that overrides the default cache folder.
CACHE_ENV = "VDOSBENCH_CACHE"
#: Environment variable with the base URL(s) of a mirror (several separated by spaces), tried first.
MIRROR_ENV = "VDOSBENCH_MIRROR"
#: Environment variable naming the config file (default ``$XDG_CONFIG_HOME/vdosbench/config.toml``).
CONFIG_ENV = "VDOSBENCH_CONFIG"


class FetchError(VdosbenchError, OSError):
    """A catalogued dataset could not be obtained (names each source tried and the fix)."""


class ChecksumError(FetchError):
    """A file's SHA-256 differs from the catalogued one.

    Attributes
    ----------
    expected, actual
        The catalogued and the found SHA-256 (hex).
    source
        The URL or path that gave the file.
    """

    def __init__(self, message: str, expected: str, actual: str, source: str) -> None:
        super().__init__(message)
        self.expected = expected
        self.actual = actual
        self.source = source


class DownloadTooLarge(FetchError):
    """A server announced or sent more bytes than the catalogued size (reading stopped there)."""


class DownloadTooSlow(FetchError):
    """A download did not finish within its deadline (:func:`download_deadline`: a server that trickles bytes
    each within the socket timeout would otherwise never end)."""


#: A download's whole deadline: this many seconds plus the catalogued size at :data:`DEADLINE_MIN_RATE` bytes/s.
DEADLINE_BASE_S = 60.0
#: The slowest transfer a download's deadline allows for (bytes per second): 100 kB/s.
DEADLINE_MIN_RATE = 100_000.0


def download_deadline(size: int) -> float:
    """Seconds one URL's download may take in all: 60 s plus ``size`` bytes at 100 kB/s (fault G12: a mirror that
    sends a byte every few seconds kept each read within the socket timeout, and the download went on for hours).

    >>> download_deadline(29_741), download_deadline(100_000_000)
    (60.29741, 1060.0)
    """
    return DEADLINE_BASE_S + size / DEADLINE_MIN_RATE


def default_cache_dir() -> Path:
    """``$VDOSBENCH_CACHE`` if set, else pooch's per-user cache folder for ``vdosbench``."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser()
    import pooch

    return Path(pooch.os_cache("vdosbench"))


def config_path() -> Path:
    """The user's config file: ``$VDOSBENCH_CONFIG``, else ``$XDG_CONFIG_HOME`` (default ``~/.config``) ``/vdosbench/config.toml``."""
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base).expanduser() / "vdosbench" / "config.toml"


def mirror_base_urls() -> tuple[str, ...]:
    """The user's mirrors: ``$VDOSBENCH_MIRROR`` (URLs separated by spaces) if set, else the config file's
    ``mirror`` (a URL or a list of URLs) under ``[fetch]``; empty when neither is set.

    Raises
    ------
    FetchError
        The config file is not valid TOML or ``mirror`` is not a URL or list of URLs.
    """
    env = os.environ.get(MIRROR_ENV)
    if env is not None and env.strip():
        return tuple(env.split())
    path = config_path()
    if not path.exists():
        return ()
    from .toml_files import read_toml

    config = read_toml(path, FetchError, fix="correct the config file near that line, or remove it")
    value = config.get("fetch", {}).get("mirror", []) if isinstance(config.get("fetch", {}), dict) else None
    urls = [value] if isinstance(value, str) else value
    if not isinstance(urls, list) or not all(isinstance(u, str) and u for u in urls):
        raise FetchError(
            f"config file {path}: [fetch] mirror is {value!r}; expected a base URL or a list of them, "
            'e.g. mirror = "https://data.example.org/vdosbench"'
        )
    return tuple(urls)


def download_urls(name: str | CatalogEntry) -> list[str]:
    """Where :func:`fetch` downloads ``name`` from, in order: the user's mirrors, the entry's ``urls``, the
    catalogue's ``[hosting] base_urls`` (a base URL serves the entry as ``BASE/<file_name>``), the repository's
    raw-file URL when the repository holds the full set (its ``file``)."""
    entry = _entry(name)

    def under(base: str) -> str:
        return f"{base.rstrip('/')}/{entry.file_name}"

    urls = [under(b) for b in mirror_base_urls()] + list(entry.urls)
    urls += [under(b) for b in hosting_base_urls(entry.catalog)]
    if entry.full_form is not None:
        urls.append(entry.full_form.url)
    return list(dict.fromkeys(urls))  # each once, first place kept


def _entry(name: str | CatalogEntry) -> CatalogEntry:
    return name if isinstance(name, CatalogEntry) else get_entry(name)


def cached_path(name: str | CatalogEntry, cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """Where :func:`fetch` keeps the download of ``name`` (it may not exist yet)."""
    entry = _entry(name)
    return (Path(cache_dir) if cache_dir is not None else default_cache_dir()) / entry.file_name


def _shut_down(response: Any) -> None:
    """End a blocked read of ``response`` from another thread: shut its socket down (a plain close does not wake a
    thread blocked in ``recv``), then close the response.  The socket is reached through http.client's file object
    (``response.raw._fp.fp.raw._sock``); where a library version hides it, the close alone still ends the read at
    the next byte or the socket timeout."""
    import socket

    sock = response.raw
    for name in ("_fp", "fp", "raw", "_sock"):
        sock = getattr(sock, name, None)
    if isinstance(sock, socket.socket):
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:  # already closed
            pass
    response.close()


class _RecordingDownloader:
    """An HTTP downloader for pooch that reads at most ``max_bytes`` and remembers the SHA-256 of what it wrote.

    A ``Content-Length`` above ``max_bytes``, or a body that goes past it, raises :class:`DownloadTooLarge`
    before another byte is read: pooch neither retries it (not a ``ValueError`` or a requests error) nor keeps
    its temporary file.
    """

    #: Bytes read per chunk.
    CHUNK = 1 << 16

    def __init__(self, progress: bool, timeout: float, max_bytes: int) -> None:
        self.progress = progress
        self.timeout = timeout
        self.max_bytes = int(max_bytes)
        self.last_hash: str | None = None

    def _too_large(self, url: str, found: str) -> DownloadTooLarge:
        return DownloadTooLarge(
            f"{url} {found}; expected the catalogued file of {self.max_bytes} bytes. Nothing was kept. Fix: check "
            "that the URL serves the catalogued file (a broken or wrong mirror)"
        )

    def _too_slow(self, url: str, deadline: float) -> DownloadTooSlow:
        return DownloadTooSlow(
            f"{url} did not finish within {deadline:.0f} s ({DEADLINE_BASE_S:.0f} s plus the catalogued "
            f"{self.max_bytes} bytes at {DEADLINE_MIN_RATE / 1000:.0f} kB/s); nothing was kept. Fix: try again "
            "later, or another mirror ($VDOSBENCH_MIRROR)"
        )

    def __call__(self, url: str, output_file: Any, pooch_obj: Any, check_only: bool = False) -> Any:
        import requests

        if check_only:  # pooch's is_available: no body is read
            import pooch

            return pooch.HTTPDownloader(timeout=self.timeout)(url, output_file, pooch_obj, check_only=True)
        self.last_hash = None
        deadline = download_deadline(self.max_bytes)
        expired = threading.Event()
        with requests.get(url, stream=True, timeout=self.timeout) as response:

            def expire() -> None:  # the reading thread is blocked in a read: shutting the socket down ends it
                expired.set()
                _shut_down(response)

            timer = threading.Timer(deadline, expire)
            timer.daemon = True
            timer.start()
            try:
                self._read(url, response, output_file)
            except Exception as e:
                if expired.is_set():
                    raise self._too_slow(url, deadline) from e
                raise
            finally:
                timer.cancel()
            if expired.is_set():  # the close ended the body early without an error: a short file, not the set
                raise self._too_slow(url, deadline)
        self.last_hash = file_sha256(output_file)
        return None

    def _read(self, url: str, response: Any, output_file: Any) -> None:
        """Write ``response``'s body to ``output_file``, at most :attr:`max_bytes`, with a progress bar when asked."""
        response.raise_for_status()
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise self._too_large(url, f"announces {int(declared)} bytes (Content-Length)")
        bar = None
        if self.progress:
            from tqdm import tqdm

            bar = tqdm(
                total=int(declared) if declared.isdigit() else None,
                unit="B",
                unit_scale=True,
                leave=False,
                file=sys.stderr,
            )
        written = 0
        try:
            with open(output_file, "w+b") as fh:
                for chunk in response.iter_content(chunk_size=self.CHUNK):
                    written += len(chunk)
                    if written > self.max_bytes:
                        raise self._too_large(
                            url, f"sent more than {self.max_bytes} bytes (reading stopped at {written})"
                        )
                    fh.write(chunk)
                    if bar is not None:
                        bar.update(len(chunk))
        finally:
            if bar is not None:
                bar.close()


def _mismatch_message(entry: CatalogEntry, actual: str, source: str, fix: str, expected: str | None = None) -> str:
    return (
        f"SHA-256 mismatch for dataset {entry.name!r} from {source}: expected {expected or entry.sha256}, "
        f"got {actual}. {fix}"
    )


def _download(
    expected: str,
    target: Path,
    sources: Sequence[str],
    retries: int,
    timeout: float,
    progress: bool,
    failures: list[str],
    max_bytes: int,
) -> Path | tuple[str, str] | None:
    """Try each URL through pooch; the file, else the first (actual hash, url) mismatch, else ``None``.

    Every failure is appended to ``failures`` as one line; no download reads more than ``max_bytes``.
    """
    import pooch
    import requests

    mismatch: tuple[str, str] | None = None
    for url in sources:
        downloader = _RecordingDownloader(progress, timeout, max_bytes)
        store = pooch.create(
            path=target.parent,
            base_url="",
            registry={target.name: f"sha256:{expected}"},
            urls={target.name: url},
            retry_if_failed=int(retries),
        )
        try:
            return Path(store.fetch(target.name, downloader=downloader))
        except ValueError as e:  # pooch: the hash of the download does not match
            if downloader.last_hash is None:
                failures.append(f"{url}: {e}")
                continue
            mismatch = mismatch or (downloader.last_hash, url)
            failures.append(f"{url}: SHA-256 {downloader.last_hash} (expected {expected})")
        except (requests.exceptions.RequestException, OSError) as e:
            failures.append(f"{url}: {type(e).__name__}: {e}")
    return mismatch


def _kind_and_size(path: Path) -> tuple[str, int]:
    """What ``path`` is (``"regular file"``, or its special kind: a FIFO, a device …; links followed), its size."""
    st = path.stat()
    if stat.S_ISREG(st.st_mode):
        return "regular file", st.st_size
    kinds = (
        (stat.S_ISFIFO, "FIFO (named pipe)"),
        (stat.S_ISCHR, "character device"),
        (stat.S_ISBLK, "block device"),
        (stat.S_ISSOCK, "socket"),
        (stat.S_ISDIR, "folder"),
    )
    return next((name for test, name in kinds if test(st.st_mode)), "special file"), st.st_size


def _is_catalogued_copy(path: Path, size: int, sha256: str) -> bool:
    """Whether ``path`` is a regular file of the catalogued ``size`` and ``sha256``: the kind and the size are
    compared before a byte is hashed (a FIFO would block the hash, ``/dev/zero`` never end it, a wrong-sized
    file of gigabytes would be read whole for nothing)."""
    kind, found = _kind_and_size(path)
    return kind == "regular file" and found == size and file_sha256(path) == sha256


def _verified_in_place(entry: CatalogEntry, path: Path, expected: str, fix: str, size: int) -> Path:
    """``path`` when it is a regular file of ``size`` bytes whose SHA-256 is ``expected``; else
    :class:`ChecksumError` (the file is left alone: it is not a download but a copy the user or the package owns).
    The kind and the size are checked before the file is read (:func:`_is_catalogued_copy`)."""
    kind, found = _kind_and_size(path)
    if kind != "regular file":
        raise ChecksumError(
            f"the copy of dataset {entry.name!r} at {path} is a {kind} (links followed), not a regular file; expected "
            f"the catalogued file of {size} bytes. Fix: replace it with the file itself. {fix}",
            expected,
            kind,
            str(path),
        )
    if found != size:
        raise ChecksumError(
            f"the copy of dataset {entry.name!r} at {path} has {found} bytes; the catalogue records {size} (its "
            f"SHA-256 was not computed). {fix}",
            expected,
            f"size {found}",
            str(path),
        )
    actual = file_sha256(path)
    if actual != expected:
        raise ChecksumError(_mismatch_message(entry, actual, str(path), fix, expected), expected, actual, str(path))
    return path


def _in_repository(entry: CatalogEntry, kept: RepositoryFile, table: str) -> Path | None:
    """The copy of ``kept`` in the first reference-data folder that holds it, verified (a damaged one raises),
    else ``None``; ``table`` is the catalogue table that records its size and sha256."""
    local = kept.local_path
    if local is None or not local.exists():
        return None
    return _verified_in_place(
        entry,
        local,
        kept.sha256,
        f"The repository's copy differs from the catalogue: restore it (git checkout -- {kept.repository_path}), "
        f"or update the catalogue's {table} when the file was rebuilt on purpose.",
        kept.size,
    )


def _local_full(entry: CatalogEntry, cache_dir: str | os.PathLike[str] | None) -> Path | None:
    """The repository's copy (verified: a damaged one raises) or a verified cached copy of the full set, else
    ``None``."""
    if entry.full_form is not None:
        local = _in_repository(entry, entry.full_form, f"[datasets.{entry.name}] size, sha256 and content_sha256")
        if local is not None:
            return local
    target = cached_path(entry, cache_dir)
    if target.exists() and _is_catalogued_copy(target, entry.size, entry.sha256):
        return target
    return None


def scoring_cached_path(name: str | CatalogEntry, cache_dir: str | os.PathLike[str] | None = None) -> Path | None:
    """Where :func:`fetch` keeps a downloaded scoring form of ``name`` (``None`` when the entry has none)."""
    entry = _entry(name)
    if entry.scoring_file_name is None:
        return None
    return (Path(cache_dir) if cache_dir is not None else default_cache_dir()) / entry.scoring_file_name


def scoring_download_urls(name: str | CatalogEntry) -> list[str]:
    """Where :func:`fetch` downloads the scoring form of ``name`` from: the user's mirrors
    (``BASE/NAME-scoring-<...>.nc``), then the repository's raw-file URL; empty without a scoring form."""
    entry = _entry(name)
    form = entry.scoring_form
    if form is None or entry.scoring_file_name is None:
        return []
    urls = [f"{b.rstrip('/')}/{entry.scoring_file_name}" for b in mirror_base_urls()] + [form.url]
    return list(dict.fromkeys(urls))


def origin(name: str | CatalogEntry, path: str | os.PathLike[str]) -> str:
    """Which copy :func:`fetch` returned: ``"full set, repository"``, ``"cache"``, ``"scoring form, repository"``
    or ``"scoring form, cache"``."""
    entry = _entry(name)
    p = Path(path)
    form = entry.scoring_form
    if form is not None and form.local_path is not None and p == form.local_path:
        return "scoring form, repository"
    if entry.scoring_file_name is not None and p.name == entry.scoring_file_name:
        return "scoring form, cache"
    full = entry.full_form
    in_repository = full is not None and full.local_path is not None and p == full.local_path
    return "full set, repository" if in_repository else "cache"


def _fetch_scoring(
    entry: CatalogEntry,
    cache_dir: str | os.PathLike[str] | None,
    urls: Sequence[str] | None,
    retries: int,
    timeout: float,
    progress: bool,
) -> Path:
    """The verified scoring form: the clone's copy, else the cache, else a download (module docstring)."""
    form = entry.scoring_form
    assert form is not None
    local = _in_repository(entry, form, f"[datasets.{entry.name}.scoring_form]")
    if local is not None:
        return local
    target = scoring_cached_path(entry, cache_dir)
    assert target is not None
    if target.exists() and _is_catalogued_copy(target, form.size, form.sha256):
        return target
    looked = [place.describe(form.file) for place in reference_places()]
    looked.append(f"the cache: {target} {'not its sha256' if target.exists() else 'not there'}")
    sources = list(urls) if urls is not None else scoring_download_urls(entry)
    return _download_verified(
        entry,
        form.sha256,
        target,
        sources,
        retries,
        timeout,
        progress,
        max_bytes=form.size,
        looked=looked,
        fix=REFERENCE_FIXES,
    )


def _download_verified(
    entry: CatalogEntry,
    expected: str,
    target: Path,
    sources: Sequence[str],
    retries: int,
    timeout: float,
    progress: bool,
    *,
    max_bytes: int,
    looked: Sequence[str] = (),
    fix: str = "",
) -> Path:
    """Download ``target`` from the first of ``sources`` that serves a file with SHA-256 ``expected``.

    No download reads more than ``max_bytes`` (the catalogued size).  A failure names the places ``looked`` in
    before the network, each URL tried, and the fixes (``fix`` first).
    """
    import pooch

    target.parent.mkdir(parents=True, exist_ok=True)
    failures: list[str] = []
    logger = pooch.get_logger()
    level = logger.level
    if not progress:
        logger.setLevel("WARNING")  # pooch's "Downloading ..." lines only with progress=True
    try:
        found = _download(expected, target, sources, retries, timeout, progress, failures, max_bytes)
    finally:
        logger.setLevel(level)
    if isinstance(found, Path):
        return found
    tried = "\n".join(f"  - {f}" for f in failures)
    if found is not None:
        actual, url = found
        raise ChecksumError(
            _mismatch_message(
                entry,
                actual,
                url,
                f"The download was deleted (nothing kept under {target}). Check the URL serves the "
                f"catalogued file, or delete any stale copy in {target.parent} and try again.\n"
                f"Sources tried:\n{tried}",
                expected,
            ),
            expected,
            actual,
            url,
        )
    places = "".join(f"  - {place}\n" for place in looked)
    raise FetchError(
        f"could not download dataset {entry.name!r} (nothing kept under {target}) nor find a copy "
        f"with sha256 {expected[:12]}...; looked in:\n{places}"
        f"{tried or '  - (no download URL)'}\n"
        f"Fix: {fix + '; or ' if fix else ''}check the network and the URLs (or a mirror: {MIRROR_ENV}=BASE_URL); "
        f"or rebuild it: vdosbench build {entry.name}"
    )


def _download_full(
    entry: CatalogEntry,
    cache_dir: str | os.PathLike[str] | None,
    urls: Sequence[str] | None,
    retries: int,
    timeout: float,
    progress: bool,
) -> Path:
    """The verified full set from the cache or a download; raise when there is nowhere to download it from."""
    target = cached_path(entry, cache_dir)
    sources = list(urls) if urls is not None else download_urls(entry)
    if not sources:
        missing = f" ({entry.not_hosted})" if entry.not_hosted else ""
        raise FetchError(
            f"dataset {entry.name!r} has no download URL (no hosting yet{missing}) and the repository holds no copy; "
            f"rebuild it from its recipe: vdosbench build {entry.name} (vdosbench.benchmark.rebuild.build), "
            f'or point vdosbench at a mirror: {MIRROR_ENV}=BASE_URL (or mirror = "BASE_URL" under [fetch] '
            f"in {config_path()}), or pass urls=[...]"
        )
    full = entry.full_form
    looked = (
        [place.describe(full.file) for place in reference_places()]
        if full is not None
        else [f"{REFERENCE_DATA_DIRNAME}/: the repository holds no full set of {entry.name!r}"]
    )
    looked.append(f"the cache: {target} {'not its sha256' if target.exists() else 'not there'}")
    return _download_verified(
        entry,
        entry.sha256,
        target,
        sources,
        retries,
        timeout,
        progress,
        max_bytes=entry.size,
        looked=looked,
        fix=REFERENCE_FIXES if full is not None else "",
    )


def fetch(
    name: str | CatalogEntry,
    cache_dir: str | os.PathLike[str] | None = None,
    urls: Sequence[str] | None = None,
    *,
    form: str = "auto",
    retries: int = 2,
    timeout: float = 60.0,
    progress: bool = False,
) -> Path:
    """A verified local copy of a catalogued dataset: the full set or its scoring form (module docstring).

    Parameters
    ----------
    name
        A catalogue name (:func:`~vdosbench.datasets.catalog.list_entries`) or an entry.
    cache_dir
        Download folder (default :func:`default_cache_dir`).
    urls
        Download locations of the form fetched, instead of :func:`download_urls`
        (full set: the mirrors, the entry's URLs and the catalogue's hosting) or
        :func:`scoring_download_urls` (scoring form: the mirrors, the repository).
    form
        One of :data:`FORMS`: ``"auto"`` (a full set already here, else the
        scoring form when catalogued, else the full set), ``"full"`` or ``"scoring"``.
    retries
        Further attempts per URL after a failed one (pooch's ``retry_if_failed``).
    timeout
        Seconds to wait for the server.
    progress
        Show pooch's progress bar.

    Returns
    -------
    pathlib.Path
        A file whose SHA-256 equals the catalogue's (:func:`origin` says which copy).

    Raises
    ------
    KeyError
        Unknown name (lists the catalogued ones).
    ValueError
        ``form`` is not one of :data:`FORMS`.
    ChecksumError
        The repository's copy or every download had the wrong hash
        (expected and actual named); nothing is left under the final name.
    FetchError
        No source (no copy in reach, no URL), or every download failed.

    Examples
    --------
    >>> path = fetch("spring-network-16")      # in a clone: its full set in reference-data/, verified
    >>> path.name
    'spring-network-16-full.nc'
    """
    if form not in FORMS:
        raise ValueError(f"form is {form!r}; expected one of {FORMS}")
    entry = _entry(name)
    if form == "scoring" and entry.scoring_form is None:
        raise FetchError(
            f"dataset {entry.name!r} has no scoring form in the catalogue ({entry.not_hosted or 'none made'}); "
            f"fetch the full set (form='full', vdosbench fetch {entry.name} --form full) or build it: "
            f"vdosbench build {entry.name}"
        )
    if form != "scoring":
        local = _local_full(entry, cache_dir)
        if local is not None:
            return local
    if form == "scoring" or (form == "auto" and entry.scoring_form is not None):
        return _fetch_scoring(entry, cache_dir, urls, retries, timeout, progress)
    return _download_full(entry, cache_dir, urls, retries, timeout, progress)
