"""Every interval the README and the docs quote is in a results file on main, or named with where it comes from.

The README and the documentation pages quote measurements as ``value [low, high]``.  Each must be found, to
the digits printed, as three numbers of one results file committed under ``studies/results/`` or
``speed/results/`` — so a number typed by hand, or left behind when a result changed, fails here.  The others
are listed in :data:`ELSEWHERE`, page by page, with their source: a value that comes from scoring a reference
form in the repository (a clone remakes it in seconds with the command given), or an earlier reading the page
quotes as history (the results file then held it; git keeps it).  The check is coarse — the three numbers must
occur in one file, not as one measurement's fields — but a mistyped or stale end of an interval fails it.
The findings page of the s(N) study goes further: its tables are generated (``test_finite_size_tables.py``).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ("studies/results", "speed/results")

#: ``value [low, high]`` as the README writes it (typographic or ASCII minus, optional plus).
INTERVAL = re.compile(r"([−+-]?\d+\.\d+) \[([−+-]?\d+\.\d+), ([−+-]?\d+\.\d+)\]")

HET = "vdosbench score reference-data/het-scba-fig1b.nc (schirmacher.het-marginal-s2 at gamma_ratio=1: 1.99915…)"
TD_MINF = (
    "vdosbench score reference-data/soft-spheres-n1000-equilibrated-td-minf.nc "
    "(schirmacher.lowest-phonon-omega0: 1.598 [1.59, 1.606])"
)
SPRING = "vdosbench score of reference-data/spring-network-16-full.nc (the command on the page)"
HISTORY = "an earlier reading with fewer chains, quoted as such (finite_size.json of that commit)"
HISTORY_SIZES = "an earlier reading over fewer sizes, quoted as such (finite_size.json of that commit)"

N1600_FIRST = "the stop-23 scoring of the first N = 1600 level set (lost with its machine), quoted as such"

#: The intervals of each page that no results file holds, with where they come from.
ELSEWHERE: dict[str, dict[str, str]] = {
    "docs/findings/index.md": {"1.9992 [1.9951, 1.9999]": HET, "2.57 [2.52, 2.61]": N1600_FIRST},
    "docs/findings/seed-001.md": {"1.9992 [1.9951, 1.9999]": HET},
    "docs/findings/low-tstar.md": {"1.598 [1.590, 1.606]": TD_MINF},
    "docs/findings/seed-002.md": {"−0.0200 [−0.0203, −0.0198]": SPRING, "0.055 [0.026, 0.088]": SPRING},
    "docs/findings/finite-size.md": {
        **{k: N1600_FIRST for k in ("2.57 [2.52, 2.61]", "2.57 [2.38, 2.78]", "2.59 [2.54, 2.63]")},
        "−0.13 [−1.54, 1.10]": HISTORY,  # the taper difference at N = 1000 with the first 12 chains
        "−0.18 [−1.98, 1.20]": HISTORY,  # the additive taper difference at N = 2000 with 6 chains
        "+0.77 [−0.75, +4.38]": HISTORY_SIZES,  # s(8000) - s(1000) at T* = inf, m = 2, before N = 16000 (d1298c5)
        "4.01 [3.70, 4.33]": HISTORY,  # the control at N = 2000, m = ∞, with 11 chains
        "−1.58 [−4.45, 0.33]": HISTORY,  # the control's taper difference at 12 chains
        "−1.07 [−3.01, 0.64]": HISTORY,  # ... at 16 chains
        "4.59 [3.66, 6.24]": HISTORY,  # the control's m = ∞ primary at 16 chains
        "−0.82 [−1.54, −0.10]": HISTORY,  # additive − control, c = 0.7, N = 2000, m = 2, with 11 chains
        "−0.15 [−0.84, +0.70]": HISTORY,  # the additive taper difference at N = 2000 with 14 chains of m = ∞
        "3.55 [2.50, 4.77]": HISTORY,  # the control's count scaling, m = 2, over N = 1000 - 2000 only
        "3.92 [2.94, 5.00]": HISTORY,  # ... m = ∞
        "+0.05 [−0.03, +0.13]": HISTORY,  # the control's pooled segregation slope before N = 4000's chains
        "4.05 [3.78, 4.36]": HISTORY,  # the control at N = 4000, m = ∞, D − D_Debye, with 6 chains
        "3.55 [2.78, 4.64]": HISTORY,  # ... m = 2, with 6 chains
        "3.03 [2.52, 3.75]": HISTORY,  # the control's extreme value, m = ∞, with 6 chains at N = 4000
        "3.91 [3.19, 4.75]": HISTORY,  # the control at N = 4000, m = 2, D − D_Debye, with 9 chains
        "−0.68 [−1.64, +0.58]": HISTORY,  # the control's taper difference at N = 4000, c = 0.7, 8 chains paired
        "−0.57 [−1.27, +0.20]": HISTORY,  # ... D − D_Debye
        "3.51 [2.78, 4.43]": HISTORY,  # the control's count scaling, m = 2, with 9 chains at N = 4000
        "4.41 [2.96, 8.02]": HISTORY,  # the control's extreme value, m = 2, with 9 chains at N = 4000
        "3.77 [2.89, 5.42]": HISTORY,  # ... m = ∞, with 8 chains
        "4.46 [4.03, 5.05]": HISTORY,  # the control at N = 4000, m = ∞, D − D_Debye, with 8 chains
        "4.02 [3.23, 4.96]": HISTORY,  # the control's count scaling, m = ∞, with 8 chains at N = 4000
        "−0.0009 [−0.0016, −0.0002]": HISTORY,  # the control's segment V/N slope at N = 4000, m = ∞, 8 chains
        "+0.08 [+0.01, +0.15]": HISTORY,  # the control's pooled segregation slope with 33 chains
        "−0.26 [−1.01, +0.48]": HISTORY,  # the additive taper difference at N = 2000 with 15 chains per taper
    },
}


def pages() -> list[str]:
    """The README and every Markdown page of the documentation, relative to the repository."""
    return ["README.md"] + sorted(
        str(p.relative_to(ROOT)) for p in (ROOT / "docs").rglob("*.md") if "_build" not in p.parts
    )


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
    return {
        str(path.relative_to(root)): _numbers(json.loads(path.read_text()), set())
        for folder in RESULTS
        for path in sorted((root / folder).glob("*.json"))
    }


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


def test_every_interval_quoted_is_in_a_results_file_or_its_source_is_named() -> None:
    files = results_numbers()
    quoted = {page: (ROOT / page).read_text(encoding="utf-8") for page in pages()}
    assert len(INTERVAL.findall(quoted["README.md"])) >= 12, "the README's verdict table quotes intervals"
    assert len(INTERVAL.findall(quoted["docs/findings/index.md"])) >= 20, "the table of every claim quotes intervals"
    missing = {
        page: found for page, text in quoted.items() if (found := unsourced(text, files, ELSEWHERE.get(page, {})))
    }
    assert missing == {}, (
        f"intervals found in no results file under {RESULTS}: {missing}. Fix: quote the "
        "committed result, commit the result the number comes from, or name its source in "
        "ELSEWHERE"
    )


def test_the_listed_exceptions_are_still_quoted() -> None:
    stale = {
        page: [i for i in listed if i not in (ROOT / page).read_text(encoding="utf-8")]
        for page, listed in ELSEWHERE.items()
    }
    assert {page: s for page, s in stale.items() if s} == {}, "ELSEWHERE lists intervals no page quotes: remove them"


def test_a_number_typed_by_hand_is_caught(tmp_path: Path) -> None:
    (tmp_path / "studies" / "results").mkdir(parents=True)
    (tmp_path / "speed" / "results").mkdir(parents=True)
    (tmp_path / "studies" / "results" / "a.json").write_text(
        json.dumps({"s": {"value": 2.9712, "low": 2.7468, "high": 3.1849}, "other": [-0.2249, -0.41]})
    )
    files = results_numbers(tmp_path)
    assert unsourced("s = 2.97 [2.75, 3.18]", files) == []
    assert unsourced("s = 2.97 [2.75, 3.19]", files) == ["2.97 [2.75, 3.19]"]  # the high end mistyped
    assert unsourced("Δ = −0.22 [−0.41, 3.18]", files) == []  # typographic minus, three numbers of one file
    assert unsourced("s = 2.971 [2.747, 3.185]", files) == []  # more digits, still rounding to the file's
    assert unsourced("s = 2.970 [2.747, 3.185]", files) == ["2.970 [2.747, 3.185]"]
    assert unsourced("s = 2.97 [2.75, 3.19]", files, known={"2.97 [2.75, 3.19]"}) == []
