"""Issue 52: the registered chains of the non-additive control at T_d, by stage and N — the one place the studies
read them from.

``benchmark/registrations/td-control.toml`` states them in words: its ``data`` line reads chains 20 – 59 a taper at
N = 1000 and 20 – 39 at N = 2000 (stage 1, the registered counts), and amendment 1 adds stage 2, 200 new chains a
taper at N = 1000 and 100 at N = 2000 (chains 20 – 219 and 20 – 119, stage 1's among them).
``tests/studies/test_td_control_stages.py`` checks these ranges against that text.  Used by the reader
(``studies/td_control.py``), the power and coverage studies and the cost study.
"""

from __future__ import annotations

#: The registered chains a taper, by stage and N.
STAGES: dict[str, dict[int, range]] = {
    "stage 1": {1000: range(20, 60), 2000: range(20, 40)},
    "stage 2": {1000: range(20, 220), 2000: range(20, 120)},
}
#: Where each stage was fixed: the registration itself, or its amendment.
STAGE_SOURCE = {"stage 1": "registered", "stage 2": "amendment 1"}
#: The coverage study's replicates and summary of each stage, under studies/results/ (``python -m
#: studies.td_control_coverage --stage STAGE`` writes them; the reader quotes the summary drawn at a stage's counts).
COVERAGE_FILES = {
    "stage 1": ("td_control_coverage.jsonl", "td_control_coverage.json"),
    "stage 2": ("td_control_coverage_stage2.jsonl", "td_control_coverage_stage2.json"),
}
#: The label of amendment 1's difference pooled over N, an alternative of both taper claims in the registration.
POOLED = "pooled over N = 1000 and 2000"


def new_chains(stage: str) -> dict[int, int]:
    """New chains a taper of ``stage`` by N, e.g. ``{1000: 40, 2000: 20}`` for stage 1."""
    return {n: len(chains) for n, chains in STAGES[stage].items()}
