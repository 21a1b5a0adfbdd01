"""The results writer (issue 66 item 5): one provenance envelope (script, command, commit, machine, created,
inputs) for every results file written from now on, strict JSON, written atomically; bad input refused."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from vdosbench.datasets.json_files import loads_strict
from vdosbench.datasets.results_files import (
    ENVELOPE,
    ResultsFileError,
    has_envelope,
    provenance_envelope,
    write_results,
)

ROOT = Path(__file__).resolve().parents[2]


def test_the_envelope_records_script_command_commit_machine_time_and_inputs(tmp_path: Path) -> None:
    data = tmp_path / "points.nc"
    data.write_bytes(b"\x00\x01vdos")
    folder = tmp_path / "parts"
    (folder / "a").mkdir(parents=True)
    (folder / "a" / "p0.nc").write_bytes(b"0")
    (folder / "p1.nc").write_bytes(b"1")
    envelope = provenance_envelope(
        [data, folder, {"catalogue": "nine-node-toy"}],
        argv=[str(ROOT / "studies" / "two_start.py"), "--out", "a b.json"],
        root=ROOT,
    )
    assert tuple(envelope) == ENVELOPE
    assert envelope["script"] == "studies/two_start.py"
    assert envelope["command"] == "python studies/two_start.py --out 'a b.json'"  # typed again as it was run
    assert envelope["inputs"][0] == {
        "path": str(data),
        "bytes": 6,
        "sha256": hashlib.sha256(b"\x00\x01vdos").hexdigest(),
    }
    assert envelope["inputs"][1] == {"path": str(folder), "files": 2}
    assert envelope["inputs"][2] == {"catalogue": "nine-node-toy"}
    assert datetime.strptime(envelope["created"], "%Y-%m-%dT%H:%M:%SZ")
    machine = envelope["machine"]
    assert machine["cpu_count"] >= 1 and len(machine["load_average_1_5_15min"]) == 3
    if shutil.which("git") and (ROOT / ".git").exists():
        head = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        assert re.fullmatch(re.escape(head) + r"(\+dirty)?", envelope["commit"])


def test_results_are_strict_json_with_the_envelope_first(tmp_path: Path) -> None:
    path = write_results(tmp_path / "r.json", {"s": 2.0, "t": float("inf"), "u": float("nan")})
    doc = loads_strict(path.read_text())
    assert list(doc) == ["provenance", "s", "t", "u"] and (doc["t"], doc["u"]) == ("inf", None)
    assert has_envelope(path.read_text()) and not has_envelope('{"s": 2.0}')
    again = write_results(path, doc)  # a results file read back and written again gets this write's envelope
    assert list(loads_strict(again.read_text())) == ["provenance", "s", "t", "u"]


@pytest.mark.parametrize(
    ("result", "inputs", "message"),
    [
        ([1, 2], (), "a results file holds a table \\(a mapping\\); found list"),
        ({"provenance": "by hand"}, (), "has a 'provenance' key of its own"),
        ({"s": 1.0}, ("no/such/file.nc",), "input 'no/such/file.nc' does not exist"),
    ],
    ids=["not-a-mapping", "own-provenance", "missing-input"],
)
def test_bad_results_are_refused_and_nothing_is_written(
    tmp_path: Path, result: object, inputs: tuple, message: str
) -> None:
    with pytest.raises(ResultsFileError, match=message):
        write_results(tmp_path / "r.json", result, inputs=inputs)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []  # no file, not even a temporary one


def test_the_module_is_run_as_python_m(tmp_path: Path) -> None:
    """A study run as ``python -m studies.NAME`` records that command (the way studies/README.md runs them)."""
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "study.py").write_text(
        "import sys\nfrom vdosbench.datasets.results_files import write_results\nwrite_results(sys.argv[1], {'x': 1})\n"
    )
    out = tmp_path / "out.json"
    done = subprocess.run(
        [sys.executable, "-m", "pkg.study", str(out)], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    envelope = loads_strict(out.read_text())["provenance"]
    assert envelope["script"] == "pkg.study" and envelope["command"] == f"python -m pkg.study {out}"


#: Results files written before the envelope (2026-11-28): each keeps its own provenance keys until it is written
#: again by the writer.  This list only shrinks: a file written from now on carries the envelope.
WRITTEN_BEFORE_THE_ENVELOPE = frozenset(
    """
speed/results/confirm_cost.json speed/results/confirm_cost_arpack.json
speed/results/confirm_cost_fast_kernel.json speed/results/dask_overhead.json
speed/results/finite_size_cost.json speed/results/fuzz_readers.json speed/results/generate_cost.json speed/results/generate_cost_16parts.json
speed/results/generate_cost_before.json speed/results/inherent_structure_cost.json
speed/results/mc_production.json speed/results/mc_profile.json speed/results/mc_profile_after.json
speed/results/mc_throughput.json speed/results/numba_inline_experiment.json
speed/results/score_memory.json speed/results/soft_sphere_stages.json speed/results/soft_sphere_stages_lent_cpu.json
speed/results/sparse_eigensolvers.json speed/results/sparse_eigensolvers_local.json
speed/results/test_suite_speedup.json speed/results/test_suite_time.json speed/results/validators_spectral.json
studies/results/absolute_frequency_confirm.json studies/results/absolute_frequency_coverage.json
studies/results/absolute_frequency_coverage_s_of_omega.json studies/results/absolute_frequency_ladder.json
studies/results/absolute_frequency_phonon_leak.json studies/results/certified_sets.json
studies/results/continuum_debye.json studies/results/coupled_mock_power.json studies/results/estimator_coverage.json
studies/results/finite_size.json studies/results/float32_form_precision.json
studies/results/kg_sweep.json studies/results/lammps_ka.json
studies/results/lammps_ka_045_m2.json studies/results/lammps_ka_045_m2_rule.json
studies/results/lammps_ka_045_rule.json studies/results/levels_n1600.json studies/results/literature_matrix.json
studies/results/low_tstar.json studies/results/low_tstar_ka.json studies/results/n1600_levels_rebuild_score.json
studies/results/nonadditive_swaps.json studies/results/paper_glasses_high_tstar.json
studies/results/paper_glasses_timing.json studies/results/paper_glasses_vectors.json
studies/results/realization_test.json studies/results/robustness_rescore.json
studies/results/seed000_inhomogeneous_medium_score.json studies/results/seed002_spring_networks_score.json
studies/results/shear_omega0.json studies/results/small_box_density.json studies/results/soft_mode_density.json
studies/results/soft_mode_density_ka_moduli.json studies/results/sorting_trend.json
studies/results/sorting_trend_coverage.json studies/results/swap_tau.json studies/results/swap_tau_ka.json
studies/results/swap_tau_nonadditive_0.2.json studies/results/td_chain_cost.json
studies/results/td_control_chain_times.json studies/results/td_control_coverage.json
studies/results/td_control_coverage_stage2.json studies/results/td_control_n1000_score.json
studies/results/td_control_n2000_score.json studies/results/td_control_power.json
studies/results/td_control_power_200_100.json studies/results/td_control_verdicts.json
studies/results/td_measurement.json studies/results/td_measurement_nonadditive_0.2.json
studies/results/two_start.json studies/results/vector_medium.json
""".split()
)


def _results_files() -> list[str]:
    return sorted(
        str(p.relative_to(ROOT))
        for folder in ("studies/results", "speed/results")
        for p in (ROOT / folder).rglob("*.json")
    )


def test_every_results_file_written_from_now_on_has_the_envelope() -> None:
    files = _results_files()
    assert len(files) >= 70
    missing = [f for f in files if f not in WRITTEN_BEFORE_THE_ENVELOPE and not has_envelope((ROOT / f).read_text())]
    assert not missing, f"results files without the provenance envelope (write them with write_results): {missing}"
    gone = sorted(WRITTEN_BEFORE_THE_ENVELOPE - set(files))
    rewritten = sorted(f for f in WRITTEN_BEFORE_THE_ENVELOPE & set(files) if has_envelope((ROOT / f).read_text()))
    assert not gone and not rewritten, f"drop from WRITTEN_BEFORE_THE_ENVELOPE: {gone + rewritten}"


#: Writers under studies/ and speed/ that still write a results file without the envelope, with why.  Only shrinks.
NOT_YET_IN_THE_ENVELOPE = {
    "studies/registered_reading.py": "the lead's file this session (issue 63's registered readers)",
    "studies/td_chain_cost.py": "its chain-times log (an input table, not a results file) is written beside",
    "studies/absolute_frequency_coverage.py": "its diagnosis file, written beside the results file",
    "studies/lammps_ka.py": "writes a temporary file renamed in place",
    "studies/seed_scores.py": "keeps vdosbench score's result.json as the command wrote it",
    "studies/levels_n1600.py": "the result built in the call (to convert)",
    "studies/measure_shear_omega0.py": "writes through an open file (to convert)",
    "studies/literature_matrix.py": "to convert",
    "studies/estimator_coverage.py": "writes a temporary file renamed in place (to convert)",
    "studies/measure_kg_sweep.py": "to convert",
    "studies/measure_td.py": "to convert",
    "studies/robustness_summary.py": "writes a temporary file renamed in place (to convert)",
    "studies/certified_sets.py": "the result built in the call (to convert)",
    "studies/two_start.py": "writes through an open file (to convert)",
    "studies/paper_glasses.py": "to convert",
    "studies/sorting_trend_coverage.py": "the result built in the call (to convert)",
    "speed/bench_validators_spectral.py": "to convert",
    "speed/bench_inherent_structure.py": "to convert",
    "speed/bench_soft_spheres.py": "to convert",
    "speed/bench_montecarlo.py": "to convert",
    "speed/bench_mc_production.py": "to convert",
    "speed/bench_generate_cost.py": "records its own commit and machine; the import sits in main (to convert)",
    "speed/profile_mc_kernel.py": "to convert",
    "speed/bench_sparse_eigensolvers.py": "to convert",
    "speed/bench_confirm_cost.py": "to convert",
    # from busy-3, merged after the envelope: a per-row log and run states (no results files), and a writer to convert
    "studies/td_control_coverage.py": "its per-replicate row log (.jsonl) beside the results file",
    "studies/lammps_ka_045.py": "its run states (work folder and landed sample states)",
    "speed/fuzz_readers.py": "also prints its summary with dumps_strict (to convert)",
}


def test_results_writers_use_the_envelope_writer() -> None:
    """A script of studies/ or speed/ that serialises a result with dumps_strict for a file is on the allow-list
    above (which only shrinks); every other writes with write_results."""
    found = set()
    for folder in ("studies", "speed"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            if re.search(r"dumps_strict\(", text.replace("import dumps_strict", "")):
                found.add(str(path.relative_to(ROOT)))
    assert found <= set(NOT_YET_IN_THE_ENVELOPE), sorted(found - set(NOT_YET_IN_THE_ENVELOPE))
    stale = sorted(set(NOT_YET_IN_THE_ENVELOPE) - found)
    assert not stale, f"these write with write_results now: drop them from NOT_YET_IN_THE_ENVELOPE: {stale}"
