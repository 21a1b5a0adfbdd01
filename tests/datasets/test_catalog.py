"""The reference-dataset catalogue, fetch through pooch (local HTTP server) and build from a recipe."""

from __future__ import annotations

import hashlib
import http.server
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from vdosbench.datasets import check, open_dataset
from vdosbench.datasets.catalog import (
    CatalogEntry,
    CatalogError,
    Recipe,
    content_sha256,
    file_sha256,
    get_entry,
    list_entries,
    load_catalog,
)
from vdosbench.benchmark.rebuild import build
from vdosbench.datasets.fetch import ChecksumError, FetchError, cached_path, default_cache_dir, fetch

GOOD = bytes(range(256)) * 64  # 16 KiB of known bytes
GOOD_SHA = hashlib.sha256(GOOD).hexdigest()
#: A recipe that builds in seconds: 4x4 cutoff network, two samples.
TINY = Recipe(
    "spring_network",
    {"delta": (0.1,)},
    {"n_side": 4, "n_vectors": 2, "connectivity": "cutoff", "spring": "constant"},
    2,
    7,
)


class _Server:
    """A tiny HTTP server on 127.0.0.1 (random port) that counts requests per path.

    Paths: ``/good`` (the file), ``/corrupt`` (one byte changed), ``/short``
    (the first half, honest Content-Length), ``/cut`` (announces the full length,
    sends half and closes: a connection broken mid-download).
    """

    def __init__(self) -> None:
        self.requests: dict[str, int] = {}
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                owner.requests[self.path] = owner.requests.get(self.path, 0) + 1
                corrupt = bytearray(GOOD)
                corrupt[1000] ^= 0xFF
                bodies = {"/good": GOOD, "/corrupt": bytes(corrupt), "/short": GOOD[: len(GOOD) // 2]}
                if self.path == "/cut":
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(GOOD)))
                    self.end_headers()
                    self.wfile.write(GOOD[: len(GOOD) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                if self.path not in bodies:
                    self.send_error(404)
                    return
                body = bodies[self.path]
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"


@pytest.fixture
def server() -> Iterator[_Server]:
    srv = _Server()
    srv.thread.start()
    try:
        yield srv
    finally:
        srv.httpd.shutdown()
        srv.httpd.server_close()
        srv.thread.join(timeout=5)


def _entry(urls: tuple[str, ...] = ()) -> CatalogEntry:
    return CatalogEntry(
        name="test-file",
        description="16 KiB of known bytes",
        source="tests/datasets/test_catalog.py",
        recipe=TINY,
        size=len(GOOD),
        sha256=GOOD_SHA,
        content_sha256="0" * 64,
        citation="none",
        licence="CC0-1.0",
        urls=urls,
    )


# -------------------------------------------------------------- catalogue


def test_catalogue_entries_are_complete() -> None:
    entries = list_entries()
    from vdosbench.generators import generator_names

    names = [e.name for e in entries]
    assert names == sorted(names) and {"nine-node-toy", "spring-network-16", "het-scba-fig1b"} <= set(names)
    for e in entries:
        assert len(e.sha256) == 64 and len(e.content_sha256) == 64
        assert e.size > 0 and e.citation and e.licence and e.source and e.description
        assert e.recipe.generator in generator_names()
        assert e.name in e.summary()
        # downloadable (the full set or a scoring form in the repository, URLs), or saying what is missing
        assert e.file or e.urls or e.scoring_form is not None or (e.not_hosted and "scoring form" in e.not_hosted)


def test_cost_is_read_checked_and_shown(tmp_path: Path) -> None:
    src = get_entry("nine-node-toy").catalog.read_text()
    head = src[src.index("[datasets.nine-node-toy]") : src.index("[datasets.nine-node-toy.fingerprint]")]
    path = tmp_path / "catalog.toml"
    path.write_text(head + "\n[datasets.nine-node-toy.cost]\ncore_hours = 2.44\nbasis = 'timed on a laptop'\n")
    entry = load_catalog(path)["nine-node-toy"]
    assert entry.cost is not None and entry.cost.core_hours == 2.44 and entry.cost.basis == "timed on a laptop"
    assert entry.summary().endswith(
        "244 KiB; build only; scoring form 29 KiB (reference-data/nine-node-toy.nc), ~2.4 core-h to build]"
    )
    assert get_entry("nine-node-toy").cost is None or get_entry("nine-node-toy").cost.core_hours > 0
    for bad, match in [
        ("core_hours = 0\nbasis = 'x'", "expected a finite number > 0"),
        ("core_hours = 1.0\nbasis = ' '", "basis is empty"),
        ("core_hours = 1.0", "exactly core_hours and basis"),
    ]:
        path.write_text(head + f"\n[datasets.nine-node-toy.cost]\n{bad}\n")
        with pytest.raises(CatalogError, match=match):
            load_catalog(path)


def test_large_sizes_are_shown_in_mib() -> None:
    big = replace(_entry(), size=140 * 2**20)
    assert "; 140 MiB; " in big.summary() and "; 16 KiB; " in _entry().summary()


def test_unknown_name_lists_the_valid_ones() -> None:
    with pytest.raises(KeyError, match=r"unknown dataset 'nope'; catalogued datasets are \['ghet-type2'"):
        get_entry("nope")


def test_the_full_set_in_the_repository_matches_its_catalogued_hash_and_the_convention() -> None:
    entry = get_entry("spring-network-16")
    path = entry.full_form.local_path
    assert path is not None and path.exists() and path.name == "spring-network-16-full.nc"
    assert path.stat().st_size == entry.size
    assert file_sha256(path) == entry.sha256
    assert content_sha256(path) == entry.content_sha256
    ds = open_dataset(path)
    check(ds)
    assert ds.attrs["generator"] == entry.recipe.generator
    assert int(ds.attrs["root_seed"]) == entry.recipe.root_seed
    assert ds["delta"].values.tolist() == list(entry.recipe.grid["delta"])
    assert ds.sizes["sample"] == entry.recipe.samples
    assert ds.sizes["mode"] == entry.recipe.fixed["n_side"] ** 2


def test_fetch_of_a_full_set_in_the_repository_returns_the_verified_copy(tmp_path: Path) -> None:
    path = fetch("spring-network-16", cache_dir=tmp_path)
    assert path == get_entry("spring-network-16").full_form.local_path
    assert list(tmp_path.iterdir()) == []  # nothing downloaded or copied


def test_fetch_without_url_or_copy_says_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VDOSBENCH_MIRROR", raising=False)
    monkeypatch.setenv("VDOSBENCH_CONFIG", str(tmp_path / "no-config.toml"))
    # a paper-size set as it was before its scoring form was made: no full set, no URL and no scoring form in
    # the repository (its full set must be rebuilt first)
    name = "soft-spheres-n1600-levels-m2"
    entry = replace(
        get_entry(name),
        scoring_form=None,
        not_hosted=f"its scoring form, not built yet: vdosbench build {name} --output runs/{name}",
    )
    with pytest.raises(
        FetchError,
        match=rf"no download URL \(no hosting yet \(its scoring form.*vdosbench build {name}"
        r".*VDOSBENCH_MIRROR=BASE_URL",
    ):
        fetch(entry, cache_dir=tmp_path)
    with pytest.raises(FetchError, match=rf"{name}' has no scoring form in the catalogue.*--form full"):
        fetch(entry, cache_dir=tmp_path, form="scoring")


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("[datasets.x]\ndescription = 'd'\n", r"missing field 'recipe'"),
        ("[datasets.Bad_Name]\n", r"name must match"),
        ("no datasets here = 1\n", r"not valid TOML"),
        ("[other]\n", r"no \[datasets.NAME\] tables"),
    ],
    ids=["missing-field", "bad-name", "bad-toml", "no-table"],
)
def test_malformed_catalogue_is_explained(tmp_path: Path, text: str, match: str) -> None:
    path = tmp_path / "catalog.toml"
    path.write_text(text)
    with pytest.raises(CatalogError, match=match):
        load_catalog(path)


def test_content_hash_ignores_history_only() -> None:
    ds = open_dataset(get_entry("spring-network-16").full_form.local_path)
    other = ds.copy()
    other.attrs["history"] = "rebuilt elsewhere"
    assert content_sha256(other) == content_sha256(ds)
    changed = ds.copy(deep=True)
    changed["eigenvalue"].values[0, 0, 0, 5] *= 1 + 1e-15
    assert content_sha256(changed) != content_sha256(ds)


def test_default_cache_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VDOSBENCH_CACHE", str(tmp_path / "cache"))
    assert default_cache_dir() == tmp_path / "cache"
    assert cached_path(_entry()).parent == tmp_path / "cache"


# -------------------------------------------------------------- fetch over HTTP


def test_good_download_is_verified_and_then_served_from_the_cache(server: _Server, tmp_path: Path) -> None:
    entry = _entry((f"{server.base}/good",))
    path = fetch(entry, cache_dir=tmp_path, retries=0)
    assert path == tmp_path / entry.file_name
    assert path.read_bytes() == GOOD
    assert server.requests == {"/good": 1}
    again = fetch(entry, cache_dir=tmp_path, retries=0)
    assert again == path
    assert server.requests == {"/good": 1}  # no second request: the cached file's hash matched


def _assert_nothing_kept(folder: Path) -> None:
    assert sorted(p.name for p in folder.iterdir()) == [], "a failed download left a file behind"


@pytest.mark.parametrize("route", ["/corrupt", "/short"], ids=["one-byte-changed", "truncated"])
def test_bad_download_names_both_hashes_and_keeps_nothing(
    server: _Server, tmp_path: Path, route: str, pooch_waits: list[float]
) -> None:
    entry = _entry((f"{server.base}{route}",))
    with pytest.raises(ChecksumError, match=rf"expected {GOOD_SHA}, got [0-9a-f]{{64}}") as info:
        fetch(entry, cache_dir=tmp_path, retries=1)
    err = info.value
    body = GOOD[: len(GOOD) // 2] if route == "/short" else None
    if body is not None:
        assert err.actual == hashlib.sha256(body).hexdigest()
    assert err.expected == GOOD_SHA and err.actual != GOOD_SHA
    assert "Check the URL" in str(err) and "delete" in str(err)
    assert server.requests[route] == 2  # pooch retried once
    _assert_nothing_kept(tmp_path)


def test_connection_cut_mid_download_keeps_nothing(server: _Server, tmp_path: Path) -> None:
    entry = _entry((f"{server.base}/cut",))
    with pytest.raises(FetchError, match=r"could not download dataset 'test-file'") as info:
        fetch(entry, cache_dir=tmp_path, retries=0)
    assert not isinstance(info.value, ChecksumError)
    assert f"{server.base}/cut" in str(info.value)
    _assert_nothing_kept(tmp_path)


def test_corrupted_cache_is_replaced_and_mirrors_are_tried_in_order(server: _Server, tmp_path: Path) -> None:
    entry = _entry()
    (tmp_path / entry.file_name).write_bytes(b"stale partial file")
    path = fetch(entry, cache_dir=tmp_path, urls=[f"{server.base}/missing", f"{server.base}/good"], retries=0)
    assert path.read_bytes() == GOOD
    assert server.requests == {"/missing": 1, "/good": 1}


# -------------------------------------------------------------- build


@pytest.mark.slow
def test_build_of_a_tiny_recipe_reproduces_its_content(tmp_path: Path) -> None:
    first = build(
        CatalogEntry(
            name="tiny",
            description="4x4 network",
            source="tests",
            recipe=TINY,
            size=1,
            sha256="0" * 64,
            content_sha256="0" * 64,
            citation="none",
            licence="CC0-1.0",
        ),
        tmp_path / "one",
        n_workers=1,
        progress=False,
        cache_dir=tmp_path / "cache",
    )
    assert first.path.exists() and first.reference is None and not first.reproduced
    assert first.verdict == "not verified" and first.exit_code == 3  # no fingerprint, content differs
    ds = open_dataset(first.path)
    assert dict(ds.sizes)["mode"] == 16 and ds.sizes["sample"] == 2
    # catalogue the first build, rebuild elsewhere: same content, different file (history)
    (tmp_path / "cache").mkdir()
    entry = CatalogEntry(
        name="tiny",
        description="4x4 network",
        source="tests",
        recipe=TINY,
        size=first.path.stat().st_size,
        sha256=first.sha256,
        content_sha256=first.content_sha256,
        citation="none",
        licence="CC0-1.0",
    )
    cached = cached_path(entry, tmp_path / "cache")
    cached.write_bytes(first.path.read_bytes())
    second = build(entry, tmp_path / "two", n_workers=1, progress=False, cache_dir=tmp_path / "cache")
    assert second.content_identical and second.reproduced
    assert second.reference == cached
    assert second.eigenvalue_max_abs_diff == 0.0
    assert "verdict: reproduced bit for bit" in second.summary() and second.exit_code == 0
    np.testing.assert_array_equal(open_dataset(second.path)["eigenvalue"].values, ds["eigenvalue"].values)


def test_every_entry_recipe_is_a_valid_ensemble_spec() -> None:
    from vdosbench.generators import EnsembleSpec

    for entry in list_entries():
        spec = EnsembleSpec.create(entry.recipe.generator, **entry.recipe.run_ensemble_arguments())
        assert spec.n_samples == entry.recipe.n_samples
        assert spec.root_seed == entry.recipe.root_seed


def test_a_damaged_full_set_in_reference_data_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "reference-data"
    folder.mkdir()
    damaged = bytearray(GOOD)
    damaged[len(damaged) // 2] ^= 0xFF  # the catalogued size, another SHA-256
    (folder / "test-file-full.nc").write_bytes(bytes(damaged))
    monkeypatch.setenv("VDOSBENCH_REFERENCE_DATA", str(folder))
    entry = replace(_entry(), file="test-file-full.nc")
    with pytest.raises(
        ChecksumError,
        match=rf"expected {GOOD_SHA}, got [0-9a-f]{{64}}.*git checkout -- "
        rf"reference-data/test-file-full\.nc",
    ):
        fetch(entry, cache_dir=tmp_path / "cache")
    assert (folder / "test-file-full.nc").read_bytes() == bytes(damaged)  # the user's file is left alone
    (folder / "test-file-full.nc").write_bytes(GOOD[:-1])  # one byte short: refused by its size, before hashing
    with pytest.raises(
        ChecksumError,
        match=rf"has {len(GOOD) - 1} bytes; the catalogue records {len(GOOD)} \(its "
        r"SHA-256 was not computed\).*git checkout -- reference-data/test-file",
    ):
        fetch(entry, cache_dir=tmp_path / "cache")
    assert (folder / "test-file-full.nc").read_bytes() == GOOD[:-1]


def test_a_recipe_of_later_samples_is_read_written_and_rebuilt_as_those_samples(tmp_path: Path) -> None:
    """A set of samples first_sample ... n_samples - 1 of its recipe (registered chains made after the first ones
    were seen): the catalogue reads and writes first_sample, says which samples the set holds, and a build computes
    exactly those samples."""
    from vdosbench.datasets.catalog import recipe_toml
    from vdosbench.generators import EnsembleSpec

    later = replace(TINY, n_samples=3, first_sample=1)
    assert later.samples == 2 and later.run_ensemble_arguments()["first_sample"] == 1
    assert "first_sample" not in TINY.run_ensemble_arguments() and TINY.samples == 2
    manifest = {
        "generator": later.generator,
        "grid": {k: list(v) for k, v in later.grid.items()},
        "fixed": dict(later.fixed),
        "n_samples": 3,
        "root_seed": 7,
        "first_sample": 1,
    }
    text = recipe_toml("later", manifest)
    assert "first_sample = 1" in text and "first_sample" not in recipe_toml("whole", {**manifest, "first_sample": 0})
    table = (
        f'[datasets.later]\ndescription = "d"\nsource = "s"\ncitation = "c"\nlicence = "CC0-1.0"\n'
        f'size = 1\nsha256 = "{"0" * 64}"\ncontent_sha256 = "{"0" * 64}"\nurls = []\n'
        f'not_hosted = "a test entry"\n\n{text}'
    )
    path = tmp_path / "catalog.toml"
    path.write_text(table)
    entry = load_catalog(path)["later"]
    assert entry.recipe == later and "2 samples (1 - 2)" in entry.summary()
    path.write_text(table.replace("first_sample = 1", "first_sample = 3"))
    with pytest.raises(CatalogError, match=r"first_sample is 3; expected an integer in \[0, n_samples - 1\]"):
        load_catalog(path)
    # what a build runs (benchmark.rebuild passes these arguments to run_ensemble): samples 1 and 2 only; that a
    # piece's samples equal the whole run's is the engine's test (tests/generators, "one ensemble in pieces")
    spec = EnsembleSpec.create(entry.recipe.generator, **entry.recipe.run_ensemble_arguments())
    assert sorted({k for _, k, _ in spec.parts()}) == [1, 2]
