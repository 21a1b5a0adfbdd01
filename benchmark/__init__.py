"""Claims, scoring, reports and the command line (``vdosbench.benchmark``)."""

from __future__ import annotations

from .claims import Claim, ClaimsFileError, Expectation, default_claims_path, load_claims
from .report import InputInfo, ScoreCard, score_datasets, write_report
from .scoring import ClaimResult, PointResult, Verdict, evaluate_claim, verdict_for

__all__ = [
    "Claim",
    "ClaimResult",
    "ClaimsFileError",
    "Expectation",
    "InputInfo",
    "PointResult",
    "ScoreCard",
    "Verdict",
    "default_claims_path",
    "evaluate_claim",
    "load_claims",
    "score_datasets",
    "verdict_for",
    "write_report",
]
