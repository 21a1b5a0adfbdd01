"""Every interval the README quotes is in a results file on main (or named with the command that makes it).

The README's verdict table and findings bullets quote measurements as ``value [low, high]``.  Each must be
found, to the digits printed, as three numbers of one results file committed under ``studies/results/`` or
``speed/results/`` — so a number typed by hand, or left behind when a result changed, fails here.  A value that
comes from scoring a reference form in the repository (no results file holds it; a clone remakes it in
seconds) is listed in :data:`FROM_SCORING` with the command.  The check is coarse — the three numbers must
occur in one file, not as one measurement's fields — but a mistyped or stale end of an interval fails it.
The findings page of the s(N) study goes further: its tables are generated (``test_finite_size_tables.py``).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ("studies/results", "speed/results")

#: ``value [low, high]`` as the README writes it (typographic or ASCII minus, optional plus).
INTERVAL = re.compile(r"([−+-]?\d+\.\d+) \[([−+-]?\d+\.\d+), ([−+-]?\d+\.\d+)\]")

#: README intervals that come from ``vdosbench score`` on a reference form of the repository, with the command.
FROM_SCORING = {
    "1.9992 [1.9951, 1.9999]": "vdosbench score reference-data/het-scba-fig1b.nc (schirmacher.het-marginal-s2, "
                               "gamma_ratio=1: 1.99915…)",
}


def _numbers(obj: object, out: set[float]) -> set[float]:
    if isinstance(obj, dict):
        for value in obj.values():
            _numbers(value, out)
    elif isinstance(obj, list):
        for value in obj:
            _numbers(value, out)
    elif isinstance(obj, (int, float)) and not isinstance(obj, bool) and math.isfinite(obj):
        out.add(float(obj))
    return out


def results_numbers(root: Path = ROOT) -> dict[str, set[float]]:
    """Every finite number of every results file, by the file's path."""
    return {str(path.relative_to(root)): _numbers(json.loads(path.read_text()), set())
            for folder in RESULTS for path in sorted((root / folder).glob("*.json"))}


def _holds(numbers: set[float], printed: str) -> bool:
    """Whether a number of ``numbers`` rounds to ``printed`` (to its printed decimals)."""
    value = float(printed.replace("−", "-"))
    half = 0.5 * 10.0 ** -len(printed.split(".")[1]) + 1e-12
    return any(abs(x - value) <= half for x in numbers)


def unsourced(text: str, files: dict[str, set[float]], known: Iterable[str] = ()) -> list[str]:
    """The intervals of ``text`` no single results file holds all three numbers of, ``known`` ones aside."""
    missing = []
    for match in INTERVAL.finditer(text):
        if match.group(0) in known:
            continue
        if not any(all(_holds(numbers, match.group(i)) for i in (1, 2, 3)) for numbers in files.values()):
            missing.append(match.group(0))
    return missing


def test_every_interval_of_the_readme_is_in_a_results_file() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(INTERVAL.findall(text)) >= 20, "the README's verdict table quotes intervals"
    missing = unsourced(text, results_numbers(), FROM_SCORING)
    assert missing == [], (f"README intervals found in no results file under {RESULTS}: {missing}. Fix: quote "
                           "the committed result, or commit the result the number comes from")


def test_the_listed_exceptions_are_still_quoted() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    stale = [interval for interval in FROM_SCORING if interval not in text]
    assert stale == [], f"FROM_SCORING lists intervals the README no longer quotes: {stale}; remove them"


def test_a_number_typed_by_hand_is_caught(tmp_path: Path) -> None:
    (tmp_path / "studies" / "results").mkdir(parents=True)
    (tmp_path / "speed" / "results").mkdir(parents=True)
    (tmp_path / "studies" / "results" / "a.json").write_text(json.dumps(
        {"s": {"value": 2.9712, "low": 2.7468, "high": 3.1849}, "other": [-0.2249, -0.41]}))
    files = results_numbers(tmp_path)
    assert unsourced("s = 2.97 [2.75, 3.18]", files) == []
    assert unsourced("s = 2.97 [2.75, 3.19]", files) == ["2.97 [2.75, 3.19]"]  # the high end mistyped
    assert unsourced("Δ = −0.22 [−0.41, 3.18]", files) == []  # typographic minus, three numbers of one file
    assert unsourced("s = 2.971 [2.747, 3.185]", files) == []  # more digits, still rounding to the file's
    assert unsourced("s = 2.970 [2.747, 3.185]", files) == ["2.970 [2.747, 3.185]"]
    assert unsourced("s = 2.97 [2.75, 3.19]", files, known={"2.97 [2.75, 3.19]"}) == []
