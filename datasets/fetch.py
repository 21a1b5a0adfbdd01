"""Fetch catalogued reference datasets with a known SHA-256, or rebuild them from their recipe.

:func:`fetch` returns a verified local file, looking in turn at

1. the copy shipped with the package (``vdosbench/datasets/reference/``),
   used in place after its hash is checked;
2. the cache folder (``$VDOSBENCH_CACHE``, else ``pooch.os_cache("vdosbench")``),
   where a file whose hash matches is used without any request;
3. the download URLs (or the ``urls`` given), in order: first the user's
   mirrors (:func:`mirror_base_urls`: ``$VDOSBENCH_MIRROR``, else ``mirror``
   under ``[fetch]`` in the config file :func:`config_path`), then the entry's
   ``urls``, then the catalogue's ``[hosting] base_urls``; a base URL serves the
   entry as ``BASE/<file_name>`` (the layout ``vdosbench publish`` writes,
   :mod:`vdosbench.datasets.publish`).  Every URL is downloaded through
   :mod:`pooch` with ``known_hash="sha256:<catalogued hash>"`` — never without a
   hash.  pooch writes the download to a temporary file in the cache folder,
   checks the hash, and only then moves it to the final name, so a corrupted
   or truncated download is deleted and never appears under the final name;
   a failed attempt is retried (``retries``, pooch's ``retry_if_failed``).
   A cached file with a wrong hash is replaced by a fresh download.

A mismatch raises :class:`ChecksumError` naming the expected and the actual
hash and the fix.  An entry with neither a shipped copy nor a URL raises
:class:`FetchError` pointing to :func:`build`.

Rebuilding an entry from its recipe needs the generators, so it lives in
:mod:`vdosbench.benchmark.rebuild` (the layer that uses all three).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any


from .catalog import CatalogEntry, file_sha256, get_entry, hosting_base_urls

__all__ = [
    "CONFIG_ENV",
    "MIRROR_ENV",
    "ChecksumError",
    "FetchError",
    "cached_path",
    "config_path",
    "default_cache_dir",
    "download_urls",
    "fetch",
    "mirror_base_urls",
]

#: Environment variable that overrides the default cache folder.
CACHE_ENV = "VDOSBENCH_CACHE"
#: Environment variable with the base URL(s) of a mirror (several separated by spaces), tried first.
MIRROR_ENV = "VDOSBENCH_MIRROR"
#: Environment variable naming the config file (default ``$XDG_CONFIG_HOME/vdosbench/config.toml``).
CONFIG_ENV = "VDOSBENCH_CONFIG"


class FetchError(OSError):
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
    import tomllib

    try:
        with open(path, "rb") as fh:
            config = tomllib.load(fh)
    except tomllib.TOMLDecodeError as e:
        raise FetchError(f"config file {path}: not valid TOML ({e}); fix or remove it") from e
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
    catalogue's ``[hosting] base_urls`` (a base URL serves the entry as ``BASE/<file_name>``)."""
    entry = _entry(name)

    def under(base: str) -> str:
        return f"{base.rstrip('/')}/{entry.file_name}"

    urls = [under(b) for b in mirror_base_urls()] + list(entry.urls)
    urls += [under(b) for b in hosting_base_urls(entry.catalog)]
    return list(dict.fromkeys(urls))  # each once, first place kept


def _entry(name: str | CatalogEntry) -> CatalogEntry:
    return name if isinstance(name, CatalogEntry) else get_entry(name)


def cached_path(name: str | CatalogEntry, cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """Where :func:`fetch` keeps the download of ``name`` (it may not exist yet)."""
    entry = _entry(name)
    return (Path(cache_dir) if cache_dir is not None else default_cache_dir()) / entry.file_name


class _RecordingDownloader:
    """pooch's HTTP downloader that remembers the SHA-256 of what it downloaded."""

    def __init__(self, progress: bool, timeout: float) -> None:
        import pooch

        self._inner = pooch.HTTPDownloader(progressbar=progress, timeout=timeout)
        self.last_hash: str | None = None

    def __call__(self, url: str, output_file: Any, pooch_obj: Any, check_only: bool = False) -> Any:
        self.last_hash = None
        result = self._inner(url, output_file, pooch_obj, check_only=check_only)
        if not check_only and isinstance(output_file, (str, os.PathLike)) and Path(output_file).exists():
            self.last_hash = file_sha256(output_file)
        return result


def _mismatch_message(entry: CatalogEntry, actual: str, source: str, fix: str) -> str:
    return (
        f"SHA-256 mismatch for dataset {entry.name!r} from {source}: expected {entry.sha256}, "
        f"got {actual}. {fix}"
    )


def _download(
    entry: CatalogEntry,
    target: Path,
    sources: Sequence[str],
    retries: int,
    timeout: float,
    progress: bool,
    failures: list[str],
) -> Path | tuple[str, str] | None:
    """Try each URL through pooch; the file, else the first (actual hash, url) mismatch, else ``None``.

    Every failure is appended to ``failures`` as one line.
    """
    import pooch
    import requests

    mismatch: tuple[str, str] | None = None
    for url in sources:
        downloader = _RecordingDownloader(progress, timeout)
        store = pooch.create(
            path=target.parent,
            base_url="",
            registry={target.name: f"sha256:{entry.sha256}"},
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
            failures.append(f"{url}: SHA-256 {downloader.last_hash} (expected {entry.sha256})")
        except (requests.exceptions.RequestException, OSError) as e:
            failures.append(f"{url}: {type(e).__name__}: {e}")
    return mismatch


def fetch(
    name: str | CatalogEntry,
    cache_dir: str | os.PathLike[str] | None = None,
    urls: Sequence[str] | None = None,
    *,
    retries: int = 2,
    timeout: float = 60.0,
    progress: bool = False,
) -> Path:
    """A verified local copy of a catalogued dataset.

    Parameters
    ----------
    name
        A catalogue name (:func:`~vdosbench.datasets.catalog.list_entries`) or an entry.
    cache_dir
        Download folder (default :func:`default_cache_dir`).
    urls
        Download locations to use instead of :func:`download_urls` (the
        mirrors, the entry's URLs and the catalogue's hosting).
    retries
        Further attempts per URL after a failed one (pooch's ``retry_if_failed``).
    timeout
        Seconds to wait for the server.
    progress
        Show pooch's progress bar.

    Returns
    -------
    pathlib.Path
        The shipped copy, or the file in the cache, whose SHA-256 equals the catalogue's.

    Raises
    ------
    KeyError
        Unknown name (lists the catalogued ones).
    ChecksumError
        A shipped copy or every download had the wrong hash (expected and
        actual named); nothing is left under the final name.
    FetchError
        No source (no shipped copy, no URL), or every download failed.

    Examples
    --------
    >>> path = fetch("spring-network-16")      # the shipped copy, verified
    >>> path.name
    'spring_network_16.nc'
    """
    entry = _entry(name)
    shipped = entry.shipped_path
    if shipped is not None and shipped.exists():
        actual = file_sha256(shipped)
        if actual != entry.sha256:
            raise ChecksumError(
                _mismatch_message(
                    entry, actual, str(shipped),
                    "The shipped copy is damaged: reinstall vdosbench (pip install --force-reinstall vdosbench).",
                ),
                entry.sha256, actual, str(shipped),
            )
        return shipped
    target = cached_path(entry, cache_dir)
    if target.exists() and file_sha256(target) == entry.sha256:
        return target
    sources = list(urls) if urls is not None else download_urls(entry)
    if not sources:
        raise FetchError(
            f"dataset {entry.name!r} has no download URL (no hosting yet) and the package ships no copy; "
            f"rebuild it from its recipe: vdosbench build {entry.name} (vdosbench.benchmark.rebuild.build), "
            f"or point vdosbench at a mirror: {MIRROR_ENV}=BASE_URL (or mirror = \"BASE_URL\" under [fetch] "
            f"in {config_path()}), or pass urls=[...]"
        )
    import pooch

    target.parent.mkdir(parents=True, exist_ok=True)
    failures: list[str] = []
    logger = pooch.get_logger()
    level = logger.level
    if not progress:
        logger.setLevel("WARNING")  # pooch's "Downloading ..." lines only with progress=True
    try:
        found = _download(entry, target, sources, retries, timeout, progress, failures)
    finally:
        logger.setLevel(level)
    if isinstance(found, Path):
        return found
    tried = "\n".join(f"  - {f}" for f in failures)
    if found is not None:
        actual, url = found
        raise ChecksumError(
            _mismatch_message(
                entry, actual, url,
                f"The download was deleted (nothing kept under {target}). Check the URL serves the "
                f"catalogued file, or delete any stale copy in {target.parent} and try again.\n"
                f"Sources tried:\n{tried}",
            ),
            entry.sha256, actual, url,
        )
    raise FetchError(
        f"could not download dataset {entry.name!r} (nothing kept under {target}); sources tried:\n{tried}\n"
        f"Check the network and the URLs, or rebuild it: vdosbench build {entry.name}"
    )
