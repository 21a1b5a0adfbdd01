"""Strict JSON (issue 64 item 4, fault G14 of 2026-11-28): every JSON file vdosbench writes parses strictly."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from vdosbench.datasets.json_files import dumps_strict, loads_strict, strict_jsonable


def _no_constants(name: str) -> None:
    raise AssertionError(f"non-standard JSON constant {name}")


def test_non_finite_values_are_written_as_documented() -> None:
    value = {
        "t": np.float64(np.inf),
        "lo": -math.inf,
        "u": float("nan"),
        "v": [np.float32(1.5), (2, math.inf)],
        "a": np.array([np.nan, 1.0]),
    }
    text = dumps_strict(value, indent=1)
    assert json.loads(text, parse_constant=_no_constants) == {
        "t": "inf",
        "lo": "-inf",
        "u": None,
        "v": [1.5, [2, "inf"]],
        "a": [None, 1.0],
    }
    assert float(loads_strict(text)["t"]) == math.inf  # a reader that wants the number converts the string


def test_the_strict_reader_refuses_python_constants() -> None:
    """The case built to fail: what ``json.dumps`` writes by default is not JSON."""
    with pytest.raises(ValueError, match="not strict JSON: found Infinity"):
        loads_strict(json.dumps({"x": math.inf}))
    with pytest.raises(ValueError, match="found NaN"):
        loads_strict(json.dumps([math.nan]))
    assert strict_jsonable({1: "a"}) == {1: "a"} and json.loads(dumps_strict({1: "a"})) == {"1": "a"}


def test_score_result_json_is_strict_for_an_infinite_parent_temperature(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """G14's second reproduction: ``--declare parent_temperature=inf`` wrote ``Infinity`` into result.json."""
    from vdosbench.cli import main

    data = tmp_path / "d.npz"
    rng = np.random.default_rng(0)
    np.savez(data, eigenvalues=np.sort(rng.uniform(0.1, 4, (3, 60)), axis=1), spatial_dimension=3)
    out = tmp_path / "out"
    code = main(
        ["score", str(data), "--declare", "model=glass", "--declare", "parent_temperature=inf", "--output", str(out)]
    )
    assert code in (0, 1, 3), capsys.readouterr().err
    text = (out / "result.json").read_text()
    body = json.loads(text, parse_constant=_no_constants)
    assert "Infinity" not in text and "NaN" not in text
    assert body["systems"]["d"]["parent_temperature"] == "inf", body["systems"]


def test_ensemble_manifest_is_strict_and_resumes(tmp_path: Path) -> None:
    """ensemble.json of a T∞ grid held ``Infinity`` (not JSON); now ``"inf"``, read back as the float, so a
    resume over it agrees with its own settings; a manifest written before (with ``Infinity``) is accepted and
    rewritten strict."""
    from vdosbench.generators import EnsembleSpec
    from vdosbench.generators.engine.ensemble import _prepare_folder, ensemble_status, load_manifest

    spec = EnsembleSpec.create(
        "soft_spheres", grid={"parent_temperature": [math.inf, 0.5]}, fixed={"taper_order": 2}, n_samples=1, root_seed=0
    )
    _prepare_folder(spec, tmp_path)
    path = tmp_path / "ensemble.json"
    stored = loads_strict(path.read_text())  # raises on Infinity / NaN
    assert stored["grid"]["parent_temperature"] == ["inf", 0.5]
    assert load_manifest(path) == spec.manifest()
    # a finished part makes the folder a resume: its settings must agree with the manifest on disk
    part = tmp_path / "parts" / "parent_temperature-inf" / "sample-0000.nc"
    part.parent.mkdir(parents=True)
    part.write_bytes(b"")
    _prepare_folder(spec, tmp_path)
    assert ensemble_status(tmp_path).done == 1
    # a manifest written before this change: Infinity, accepted, rewritten as strict JSON
    path.write_text(json.dumps(spec.manifest(), indent=2) + "\n")
    assert "Infinity" in path.read_text()
    _prepare_folder(spec, tmp_path)
    assert "Infinity" not in path.read_text() and loads_strict(path.read_text()) == stored


#: The repository's root (committed results files live under it).
_ROOT = Path(__file__).resolve().parents[2]


def _committed_json_files() -> list[Path]:
    skip = {".git", "build", ".venv", "venv", "node_modules", "vdosbench-output"}
    return sorted(p for p in _ROOT.rglob("*.json") if not skip.intersection(p.relative_to(_ROOT).parts))


def test_every_committed_json_file_is_strict_json() -> None:
    """Issue 64 item 4: every JSON file in the repository parses with a strict parser (8 results files under
    studies/results held NaN or Infinity; they were re-serialised, values unchanged: NaN as null, meaning no
    value, as the module docstring says)."""
    files = _committed_json_files()
    assert any(p.parent.name == "results" for p in files), "no results files found"
    bad = []
    for path in files:
        try:
            loads_strict(path.read_text(encoding="utf-8"))
        except ValueError as e:
            bad.append(f"{path.relative_to(_ROOT)}: {e}"[:200])
    assert not bad, bad


#: Writers under studies/ and speed/ that may still use json.dumps for a file: none (issue 64 item 4 moved the
#: last five, row logs and run states, onto dumps_strict; their readers read them back with loads_numbers).
_NOT_RESULTS: set[tuple[str, str]] = set()


def test_numbers_come_back_from_a_strict_row_log() -> None:
    """A row log or run state written strictly reads back as the numbers written (nan from null, ±inf from text),
    and a line written before the writers were strict (NaN, Infinity) still reads: a resumed run reads its old
    lines; text, keys and other values stay as they are."""
    from vdosbench.datasets.json_files import loads_numbers

    row = {"s": [4.1, math.nan, math.inf], "lower": -math.inf, "scenario": "+1", "covers": {"m=inf": True}, "n": 3}
    back = loads_numbers(dumps_strict(row))
    assert back["s"][0] == 4.1 and math.isnan(back["s"][1]) and back["s"][2] == math.inf
    assert back["lower"] == -math.inf and back["scenario"] == "+1" and back["covers"] == {"m=inf": True}
    assert back["n"] == 3 and isinstance(back["n"], int)
    old = loads_numbers(json.dumps(row))  # the non-strict form of before
    assert math.isnan(old["s"][1]) and old["s"][2] == math.inf and old["lower"] == -math.inf


def test_results_writers_under_studies_and_speed_write_strict_json() -> None:
    """Every results writer of studies/ and speed/ uses dumps_strict (a regenerated results file stays strict)."""
    import re

    found = []
    for folder in ("studies", "speed"):
        for path in sorted((_ROOT / folder).rglob("*.py")):
            rel = str(path.relative_to(_ROOT))
            for line in path.read_text(encoding="utf-8").splitlines():
                if not re.search(r"\bjson\.dumps?\(", line) or not re.search(
                    r"write_text\(|\.write\(|json\.dump\(", line
                ):
                    continue
                if any(rel == f and key in line for f, key in _NOT_RESULTS):
                    continue
                found.append(f"{rel}: {line.strip()}")
    assert not found, found
