"""Issue 64 item 6: what ``speed/fuzz_readers.py`` found, each as a small fixed case, and the script itself on a few
derandomised cases of every family.

Each case below ended in "this is a bug in vdosbench" (an exception no reader explained) before its fix:

- ``--set zero_tolerance=`` / ``site_degrees_of_freedom=`` / ``spatial_dimension=`` with an integer of thousands of
  digits or ``±1e999`` (``OverflowError``), and a 4000-digit ``n_particles`` in a sidecar (fault G8 of
  2026-11-28): now exit 2, the key named, "too large", the value cut;
- an ``.npz`` member whose ``.npy`` magic is damaged: numpy hands back its raw bytes, which the reader took for an
  array (``AttributeError``);
- per-site arrays of different site counts (``diameters`` of 10 sites beside ``positions`` of 64; fault G3):
  xarray's "conflicting sizes".
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from vdosbench.benchmark.adapters import AdapterError, read
from vdosbench.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def small_npz(tmp_path: Path) -> Path:
    path = tmp_path / "small.npz"
    np.savez(
        path, eigenvalues=np.sort(np.random.default_rng(0).uniform(0.1, 4.0, (3, 40)), axis=1), spatial_dimension=3
    )
    return path


@pytest.mark.parametrize(
    ("option", "match"),
    [
        (
            "zero_tolerance=1" + "0" * 4000,
            r"--set zero_tolerance=100000000000000000000000… \(4001 characters\) is too "
            r"large; expected a number within floating-point range",
        ),
        (
            "zero_tolerance=-" + "9" * 400,
            r"--set zero_tolerance=-99999999999999999999999… \(401 characters\) is too "
            r"large",
        ),
        ("site_degrees_of_freedom=-1e999", r"site_degrees_of_freedom is '-inf'; expected the integer 1 .* or d = 3"),
        ("site_degrees_of_freedom=2", r"site_degrees_of_freedom is '2'; expected the integer 1"),
        ("spatial_dimension=-1e999", r"spatial_dimension is -inf; expected the integer 1, 2 or 3"),
    ],
    ids=["huge-int", "huge-negative", "minus-inf-dof", "dof-not-1-or-d", "minus-inf-dimension"],
)
def test_huge_or_infinite_set_values_exit_2_naming_the_key(
    small_npz: Path, tmp_path: Path, option: str, match: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report"
    assert main(["score", str(small_npz), "--declare", "model=glass", "--set", option, "--output", str(out)]) == 2
    err = capsys.readouterr().err
    assert "bug" not in err and len(err) < 1000, err  # the 4000 digits are not repeated
    import re

    assert re.search(match, err), err
    assert not out.exists()


def test_a_huge_integer_in_a_sidecar_exits_2_too_large(
    small_npz: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """G8: a 4000-digit n_particles in a sidecar ended in OverflowError; now exit 2, "too large", the value cut."""
    (tmp_path / "small.vdos.toml").write_text('model = "glass"\nn_particles = 1' + "0" * 4000 + "\n")
    assert main(["score", str(small_npz), "--output", str(tmp_path / "report")]) == 2
    err = capsys.readouterr().err
    assert "n_particles is 1000000000000000000000000000000000000000… (4001 characters) (int, too large)" in err
    assert "bug" not in err and len(err) < 1000


def test_an_npz_member_without_the_npy_magic_is_refused(tmp_path: Path) -> None:
    good = io.BytesIO()
    np.save(good, np.int64(3))
    path = tmp_path / "magic.npz"
    with zipfile.ZipFile(path, "w") as archive:  # CRCs correct: the damage is inside the member
        archive.writestr("eigenvalues.npy", b"\x93NUMPX" + bytes(200))
        archive.writestr("spatial_dimension.npy", good.getvalue())
    with pytest.raises(AdapterError, match=r"member 'eigenvalues' is not a \.npy array .*Fix: write it again"):
        read(path, format="npz")


@pytest.mark.parametrize("key", ["diameters", "species"])
def test_per_site_arrays_of_different_site_counts_are_refused(tmp_path: Path, key: str) -> None:
    """G3's reproduction: 10 sites of ``key`` beside 64 positions."""
    rng = np.random.default_rng(0)
    n = 64
    box = (n / 1.2) ** (1 / 3)
    ev = np.r_[np.zeros(3), np.sort(rng.uniform(0.1, 40, 3 * n - 3))]
    path = tmp_path / "g3.npz"
    np.savez(
        path,
        eigenvalues=np.tile(ev, (2, 1)),
        positions=rng.random((2, n, 3)) * box,
        box_length=box,
        spatial_dimension=3,
        zero_modes=3,
        **{key: np.ones((2, 10), dtype=int if key == "species" else float)},
    )
    with pytest.raises(
        AdapterError,
        match=rf"positions have 64 sites; {key} have 10 sites; expected one site count, "
        r"\(n_sample, n_site\) = \(2, 64\)",
    ):
        read(path, format="npz")


def test_the_fuzz_script_finds_no_bug_in_a_few_cases_of_every_family(tmp_path: Path) -> None:
    """``speed/fuzz_readers.py`` on 48 fixed cases (6 per family, seed 64): counts per outcome, 0 bugs and 0
    hangs; the 2,000-case run and its counts are in ``speed/results/fuzz_readers.json``."""
    sys.path.insert(0, str(ROOT / "speed"))
    try:
        import fuzz_readers
    finally:
        sys.path.remove(str(ROOT / "speed"))
    counts = fuzz_readers.run(48, 64, tmp_path)
    assert sum(counts["total"].values()) == 48
    assert set(counts["by_family"]) == set(fuzz_readers.FAMILIES)
    assert all(sum(c.values()) == 6 for c in counts["by_family"].values())
    assert counts["total"].get("bug", 0) == 0 and counts["total"].get("hang", 0) == 0, counts["examples"]
    assert counts["total"].get("refused", 0) > 0 and counts["total"].get("read", 0) > 0  # both sides reached

    # the classification itself, on cases built to be each outcome
    case = fuzz_readers.Case(tmp_path / "missing.npz", "npz")
    assert fuzz_readers.outcome_of(case)[0] == "refused"  # FileNotFoundError names the path: exit 2
    (tmp_path / "bad.npz").write_bytes(b"PK")
    assert fuzz_readers.outcome_of(fuzz_readers.Case(tmp_path / "bad.npz", "npz"))[0] == "refused"


def test_the_fuzz_script_counts_a_crash_as_a_bug(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Built to fail: a reader that raises an unexplained exception is counted as 'bug', with where it was raised."""
    sys.path.insert(0, str(ROOT / "speed"))
    try:
        import fuzz_readers
    finally:
        sys.path.remove(str(ROOT / "speed"))

    def crash(case: object) -> None:
        raise KeyError("boom")

    monkeypatch.setattr(fuzz_readers, "read_case", crash)
    outcome, detail = fuzz_readers.outcome_of(fuzz_readers.Case(tmp_path / "x.npz", "npz"))
    assert outcome == "bug" and detail.startswith("KeyError: 'boom' (at test_fuzz_regressions.py:")
