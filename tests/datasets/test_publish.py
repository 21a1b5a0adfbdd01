"""Mirror-ready publishing: publish -> serve (a local HTTP server) -> fetch, and mirrors from env, config, catalogue."""

from __future__ import annotations

import functools
import http.server
import stat
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pooch
import pytest
from vdosbench.cli import main
from vdosbench.datasets.catalog import (
    CatalogEntry,
    file_sha256,
    get_entry,
    load_catalog,
)
from vdosbench.datasets.fetch import (
    ChecksumError,
    FetchError,
    download_urls,
    fetch,
    mirror_base_urls,
)
from vdosbench.datasets.publish import (
    REGISTRY_NAME,
    PublishError,
    publish,
    read_registry,
)

NAME = "spring-network-16"


@pytest.fixture(autouse=True)
def _no_user_mirror(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No mirror or config of the user running the tests leaks in."""
    monkeypatch.delenv("VDOSBENCH_MIRROR", raising=False)
    monkeypatch.setenv("VDOSBENCH_CONFIG", str(tmp_path / "absent-config.toml"))


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A published folder of spring-network-16 served by ``http.server`` on a free port: (folder, base URL)."""
    folder = tmp_path / "mirror"
    publish([NAME], folder)
    handler = functools.partial(_QuietHandler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield folder, f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def _not_in_repository() -> CatalogEntry:
    """The spring-network-16 entry as if the repository held neither of its forms: fetch must download it."""
    return replace(get_entry(NAME), file=None, scoring_form=None)


def _full_bytes() -> bytes:
    """The catalogued full set (the repository's reference-data/spring-network-16-full.nc)."""
    return get_entry(NAME).full_form.local_path.read_bytes()


# ------------------------------------------------------------------ publish


def test_publish_writes_the_file_and_a_pooch_registry(tmp_path: Path) -> None:
    entry = get_entry(NAME)
    result = publish([NAME], tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted([REGISTRY_NAME, entry.file_name])
    assert file_sha256(result.files[NAME]) == entry.sha256
    assert result.registry.read_text() == f"{entry.file_name} {entry.sha256}\n"
    store = pooch.create(path=tmp_path / "pooch", base_url="https://example.org/")
    store.load_registry(result.registry)  # pooch itself reads it
    assert store.registry == {entry.file_name: entry.sha256}
    assert result.files[NAME].stat().st_mode & stat.S_IROTH  # a web server running as another user can read it


def test_publishing_again_keeps_the_other_registry_lines(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / REGISTRY_NAME).write_text("# published earlier\nother-abc.nc " + "0" * 64 + "\n")
    publish([NAME], folder)
    publish([NAME], folder)  # idempotent
    assert read_registry(folder / REGISTRY_NAME) == {
        "other-abc.nc": "0" * 64,
        get_entry(NAME).file_name: get_entry(NAME).sha256,
    }


def test_publish_refuses_a_file_that_is_not_the_catalogued_one(tmp_path: Path) -> None:
    rebuilt = tmp_path / "ensemble.nc"
    rebuilt.write_bytes(_full_bytes() + b"\0")  # e.g. a rebuild: another history
    entry = _not_in_repository()
    with pytest.raises(
        PublishError,
        match=rf"no copy of dataset '{NAME}' with the catalogued sha256.*"
        rf"{rebuilt} \(sha256 [0-9a-f]{{64}}\).*vdosbench fingerprint",
    ):
        publish([entry], tmp_path / "out", sources=[tmp_path], cache_dir=tmp_path / "cache")
    assert not (tmp_path / "out").exists()  # checked before anything is written


def test_publish_takes_the_catalogued_file_from_a_given_folder(tmp_path: Path) -> None:
    src = tmp_path / "build"
    src.mkdir()
    (src / "ensemble.nc").write_bytes(_full_bytes())
    result = publish([_not_in_repository()], tmp_path / "out", sources=[src], cache_dir=tmp_path / "cache")
    assert result.files[NAME].read_bytes() == (src / "ensemble.nc").read_bytes()
    # a folder of compact files named after their entries (studies/catalogue_sets.py writes NAME.nc)
    (src / "ensemble.nc").rename(src / f"{NAME}.nc")
    again = publish([_not_in_repository()], tmp_path / "out2", sources=[src], cache_dir=tmp_path / "cache")
    assert again.files[NAME].read_bytes() == (src / f"{NAME}.nc").read_bytes()


def test_cli_publish_and_its_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["publish", NAME, "--to", str(tmp_path / "m")]) == 0
    out = capsys.readouterr().out
    assert "registry:" in out and "VDOSBENCH_MIRROR=BASE_URL" in out
    assert main(["publish", "nope", "--to", str(tmp_path / "m")]) == 2
    assert "unknown dataset 'nope'" in capsys.readouterr().err
    assert main(["publish", "nine-node-toy", "--to", str(tmp_path / "m"), "--cache-dir", str(tmp_path / "c")]) == 2
    assert "no copy of dataset 'nine-node-toy' with the catalogued sha256" in capsys.readouterr().err


# ------------------------------------------------------------------ publish -> serve -> fetch


def test_fetch_from_a_mirror_named_in_the_environment(
    served: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, base = served
    monkeypatch.setenv("VDOSBENCH_MIRROR", base)
    entry = _not_in_repository()
    assert download_urls(entry) == [base + entry.file_name]
    path = fetch(entry, cache_dir=tmp_path / "cache", retries=0)
    assert path == tmp_path / "cache" / entry.file_name
    assert path.read_bytes() == _full_bytes()


def test_fetch_from_the_catalogue_hosting_base_url(served: tuple[Path, str], tmp_path: Path) -> None:
    _, base = served
    text = get_entry(NAME).catalog.read_text()
    assert "[hosting]\nbase_urls = []\n" in text  # the shipped catalogue names no host yet
    text = text.replace('file = "spring-network-16-full.nc"\n', "")
    catalog = tmp_path / "catalog.toml"
    catalog.write_text(text.replace("[hosting]\nbase_urls = []\n", f'[hosting]\nbase_urls = ["{base}"]\n'))
    entry = load_catalog(catalog)[NAME]
    assert entry.file is None
    path = fetch(entry, cache_dir=tmp_path / "cache", retries=0, form="full")  # not the scoring form in the clone
    assert file_sha256(path) == entry.sha256


def test_corrupted_file_on_the_mirror_is_refused_and_not_kept(
    served: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, base = served
    entry = _not_in_repository()
    data = bytearray((folder / entry.file_name).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (folder / entry.file_name).write_bytes(bytes(data))
    monkeypatch.setenv("VDOSBENCH_MIRROR", base)
    cache = tmp_path / "cache"
    with pytest.raises(
        ChecksumError,
        match=rf"SHA-256 mismatch for dataset '{NAME}' from {base}{entry.file_name}: "
        rf"expected {entry.sha256}, got [0-9a-f]{{64}}.*deleted",
    ):
        fetch(entry, cache_dir=cache, retries=0)
    assert list(cache.iterdir()) == []  # nothing under the final name, no partial file either


def test_user_mirror_comes_first_and_the_environment_overrides_the_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[fetch]\nmirror = "https://lab.example/vdos/"\n')
    monkeypatch.setenv("VDOSBENCH_CONFIG", str(config))
    entry = replace(_not_in_repository(), urls=("https://catalogued.example/file.nc",))
    assert download_urls(entry) == [f"https://lab.example/vdos/{entry.file_name}", "https://catalogued.example/file.nc"]
    monkeypatch.setenv("VDOSBENCH_MIRROR", "https://a.example https://b.example/x/")
    assert mirror_base_urls() == ("https://a.example", "https://b.example/x/")
    config.write_text("[fetch]\nmirror = 3\n")
    monkeypatch.delenv("VDOSBENCH_MIRROR")
    with pytest.raises(FetchError, match=r"\[fetch\] mirror is 3; expected a base URL or a list of them"):
        mirror_base_urls()
