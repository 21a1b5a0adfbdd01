"""Reference data a user can download: the scoring forms in the repository, fetched and used offline."""

from __future__ import annotations

import functools
import importlib
import http.server
import re
import threading
import tomllib
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from vdosbench.benchmark.cli import main
from vdosbench.benchmark.scoring_form import FORM_ATTRIBUTE
from vdosbench.datasets import check, open_dataset, write
from vdosbench.datasets.catalog import (
    REFERENCE_DATA_DIRNAME,
    REPOSITORY_URL,
    CatalogError,
    file_sha256,
    get_entry,
    list_entries,
    load_catalog,
    raw_file_url,
    reference_data_dir,
)
from vdosbench.datasets.fetch import ChecksumError, fetch, origin, scoring_cached_path, scoring_download_urls
from vdosbench.datasets.publish import publish
from vdosbench.generators import build_in_memory

fetch_module = importlib.import_module("vdosbench.datasets.fetch")  # the module (the package exports the function)
ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / REFERENCE_DATA_DIRNAME
#: The size budget of the repository's reference data (issue 27 item 5): 100 MB.
BUDGET_BYTES = 100_000_000
#: The cheap catalogued sets, built by recipe, whose scoring forms are in the repository.
HOSTED = ("spring-network-16", "nine-node-toy", "het-scba-fig1b", "het-finite-size", "ghet-type2",
          "inhomogeneous-medium-k-g")
TOY = "nine-node-toy"


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No user mirror or config, an empty cache, and no download unless a test serves one itself."""
    monkeypatch.delenv("VDOSBENCH_MIRROR", raising=False)
    monkeypatch.delenv("VDOSBENCH_REFERENCE_DATA", raising=False)
    monkeypatch.setenv("VDOSBENCH_CONFIG", str(tmp_path / "absent-config.toml"))
    monkeypatch.setenv("VDOSBENCH_CACHE", str(tmp_path / "cache"))


def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("fetch tried to download; the clone's copy should have been used")

    monkeypatch.setattr(fetch_module, "_download", refuse)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[object]:
    """``serve(folder)`` serves a folder over HTTP on 127.0.0.1 and returns its base URL."""
    servers = []

    def start(folder: Path) -> str:
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
        return f"http://127.0.0.1:{httpd.server_address[1]}"

    yield start
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()


# ------------------------------------------------------------------ the files and the catalogue


def test_the_repository_address_is_written_once() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert pyproject["project"]["urls"]["Repository"] == REPOSITORY_URL
    sources = [p for folder in ("datasets", "benchmark", "validators", "generators", "vdosbench")
               for p in (ROOT / folder).rglob("*.py")]
    holders = [p.relative_to(ROOT).as_posix() for p in sources if REPOSITORY_URL in p.read_text()]
    assert holders == ["datasets/catalog.py"]
    assert "github.com" not in (ROOT / "datasets" / "catalog.toml").read_text()  # URLs are derived, not pasted


def test_every_hosted_form_is_in_the_repository_with_its_catalogued_size_and_hash() -> None:
    hosted = {e.name: e for e in list_entries() if e.scoring_form is not None}
    assert set(HOSTED) <= set(hosted)
    for name, entry in hosted.items():
        form = entry.scoring_form
        assert form is not None and form.local_path == FOLDER / form.file
        assert form.url == raw_file_url(f"{REFERENCE_DATA_DIRNAME}/{form.file}")
        assert form.url.startswith(f"{REPOSITORY_URL}/raw/main/reference-data/")
        path = FOLDER / form.file
        assert path.stat().st_size == form.size, name
        assert file_sha256(path) == form.sha256, name
        with open_dataset(path) as ds:
            check(ds)
            assert FORM_ATTRIBUTE in ds.attrs and ds.attrs["generator"] == entry.recipe.generator, name


def test_reference_data_fit_the_budget_and_every_file_is_catalogued() -> None:
    files = sorted(p for p in FOLDER.iterdir() if p.is_file())
    total = sum(p.stat().st_size for p in files)
    assert 0 < total <= BUDGET_BYTES, f"{total} bytes in {FOLDER}; the budget is {BUDGET_BYTES}"
    catalogued = {e.scoring_form.file for e in list_entries() if e.scoring_form is not None}
    assert {p.name for p in files} == catalogued  # no stray file, none missing


def test_every_catalogued_set_can_be_downloaded_or_is_shipped() -> None:
    """Issue 27 item 5: every entry has a shipped copy or a scoring form in the repository, none only ``not_hosted``."""
    entries = list_entries()
    assert len(entries) >= 23
    missing = [e.name for e in entries if e.shipped is None and e.scoring_form is None]
    assert missing == []
    assert [e.name for e in entries if e.not_hosted] == []  # a hosted entry keeps no "not hosted" text


def _entry_x(extra: str = "") -> str:
    """A minimal catalogue entry ``x`` (nine-node toy recipe), ``extra`` lines added to its main table."""
    return (
        '[datasets.x]\ndescription = "d"\nsource = "s"\nsize = 1\nsha256 = "' + "1" * 64 + '"\n'
        'content_sha256 = "' + "2" * 64 + '"\ncitation = "c"\nlicence = "l"\n' + extra + '\n'
        '[datasets.x.recipe]\ngenerator = "nine_node_toy"\nn_samples = 1\nroot_seed = 0\n\n'
        '[datasets.x.recipe.grid]\nvariant = ["lattice"]\n\n'
    )


def test_an_entry_without_a_form_says_what_is_missing(tmp_path: Path) -> None:
    path = tmp_path / "catalog.toml"
    path.write_text(_entry_x('not_hosted = "its scoring form is not made yet: vdosbench compact runs/x/ensemble.nc ..."\n'))
    (entry,) = load_catalog(path).values()
    assert entry.scoring_form is None and "not hosted: its scoring form is not made yet" in entry.summary()


@pytest.mark.parametrize(
    ("table", "match"),
    [
        ('[datasets.x.scoring_form]\nfile = "x.nc"\nsize = 3\n', r"exactly file, size and sha256"),
        ('[datasets.x.scoring_form]\nfile = "a/x.nc"\nsize = 3\nsha256 = "' + "0" * 64 + '"\n', r"plain file name"),
        ('[datasets.x.scoring_form]\nfile = "x.nc"\nsize = 3\nsha256 = "abc"\n', r"not 64 hexadecimal"),
        ("", r"no shipped copy, no urls and no scoring_form; expected one of them, or not_hosted"),
    ],
    ids=["missing-field", "path", "bad-hash", "no-hosting"],
)
def test_malformed_scoring_form_entries_are_explained(tmp_path: Path, table: str, match: str) -> None:
    entry = _entry_x()
    path = tmp_path / "catalog.toml"
    path.write_text(entry + table)
    with pytest.raises(CatalogError, match=match):
        load_catalog(path)


# ------------------------------------------------------------------ fetch


def test_fetch_uses_the_clones_copy_after_its_hash_is_checked_and_never_the_network(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _no_network(monkeypatch)
    assert reference_data_dir() == FOLDER
    for name in HOSTED:
        if get_entry(name).shipped:
            continue
        path = fetch(name)
        assert path == FOLDER / get_entry(name).scoring_form.file and origin(name, path) == "scoring form, repository"
    assert not (tmp_path / "cache").exists()  # nothing copied or downloaded
    # a shipped full set comes first; the scoring form when asked for
    assert origin("spring-network-16", fetch("spring-network-16")) == "shipped"
    assert fetch("spring-network-16", form="scoring") == FOLDER / "spring-network-16.nc"


def test_a_damaged_copy_in_the_clone_is_refused_and_left_alone(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _no_network(monkeypatch)
    folder = tmp_path / "clone-reference-data"
    folder.mkdir()
    data = bytearray((FOLDER / f"{TOY}.nc").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (folder / f"{TOY}.nc").write_bytes(bytes(data))
    monkeypatch.setenv("VDOSBENCH_REFERENCE_DATA", str(folder))
    form = get_entry(TOY).scoring_form
    with pytest.raises(ChecksumError, match=rf"SHA-256 mismatch for dataset '{TOY}' from {folder / (TOY + '.nc')}: "
                                            rf"expected {form.sha256}, got [0-9a-f]{{64}}.*git checkout -- "
                                            rf"reference-data/{TOY}\.nc"):
        fetch(TOY)
    assert (folder / f"{TOY}.nc").read_bytes() == bytes(data)  # the user's file is not deleted


def test_a_download_with_the_wrong_sha256_fails_clearly_and_keeps_nothing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, serve: object, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("VDOSBENCH_REFERENCE_DATA", str(tmp_path))  # a pip install: no copy in reach
    served = tmp_path / "served"
    served.mkdir()
    data = bytearray((FOLDER / f"{TOY}.nc").read_bytes())
    data[100] ^= 0xFF
    (served / "bad.nc").write_bytes(bytes(data))
    url = f"{serve(served)}/bad.nc"  # type: ignore[operator]
    cache = tmp_path / "cache"
    form = get_entry(TOY).scoring_form
    with pytest.raises(ChecksumError, match=rf"SHA-256 mismatch for dataset '{TOY}' from {url}: expected "
                                            rf"{form.sha256}, got [0-9a-f]{{64}}\. The download was deleted"):
        fetch(TOY, urls=[url], retries=0)
    final = scoring_cached_path(TOY)
    assert final == cache / get_entry(TOY).scoring_file_name and not final.exists()
    assert list(cache.iterdir()) == []  # no partial file either
    assert main(["fetch", TOY, "--url", url]) == 2
    err = capsys.readouterr().err
    assert "SHA-256 mismatch" in err and form.sha256 in err and "nothing kept" in err
    assert list(cache.iterdir()) == []


def test_a_mirror_comes_before_the_repository(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, serve: object) -> None:
    result = publish([TOY], tmp_path / "mirror", forms=("scoring",))  # from the clone's copy
    entry = get_entry(TOY)
    assert result.scoring_files[TOY].name == entry.scoring_file_name and not result.files
    base = serve(tmp_path / "mirror")  # type: ignore[operator]
    monkeypatch.setenv("VDOSBENCH_MIRROR", base)
    monkeypatch.setenv("VDOSBENCH_REFERENCE_DATA", str(tmp_path))  # a pip install: no copy in reach
    assert scoring_download_urls(TOY) == [f"{base}/{entry.scoring_file_name}", entry.scoring_form.url]
    path = fetch(TOY, retries=0)
    assert path == scoring_cached_path(TOY) and origin(TOY, path) == "scoring form, cache"
    assert file_sha256(path) == entry.scoring_form.sha256


# ------------------------------------------------------------------ score --reference NAME offline


def test_score_reference_name_works_offline_from_the_clone(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _no_network(monkeypatch)
    data = write(build_in_memory("nine_node_toy"), tmp_path / "toy.nc")
    code = main(["score", str(data), "--reference", TOY, "--output", str(tmp_path / "report"), "--no-cross-check"])
    assert code == 0
    out = capsys.readouterr().out
    assert re.search(rf"reference {TOY} \(catalogue \(scoring form, repository\): .*reference-data/{TOY}\.nc\)", out)
    assert (tmp_path / "report" / "reference.json").is_file()
    assert not (tmp_path / "cache").exists()


def test_a_full_set_without_a_copy_is_not_confused_with_its_form(tmp_path: Path) -> None:
    entry = replace(get_entry(TOY), urls=())
    with pytest.raises(fetch_module.FetchError, match=r"no download URL"):
        fetch(entry, form="full")


def test_build_compares_eigenvalues_with_the_scoring_form_in_the_clone(tmp_path: Path) -> None:
    from vdosbench.benchmark.rebuild import _local_reference

    assert _local_reference(get_entry(TOY), tmp_path / "cache") == FOLDER / f"{TOY}.nc"
    with open_dataset(FOLDER / f"{TOY}.nc") as form:
        assert form["eigenvalue"].shape == build_in_memory("nine_node_toy")["eigenvalue"].shape  # every eigenvalue
