"""Claims, scoring and reports (``vdosbench.benchmark``); the command line is :mod:`vdosbench.cli`.

The names below are imported on first use (PEP 562 ``__getattr__``): the
pytest plugin :mod:`vdosbench.benchmark.pytest_plugin` is loaded by every
pytest session where vdosbench is installed, and must not pull in xarray,
matplotlib and the validators until a test asks for a score.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .claim_selection import Inapplicable, inapplicability, why_not_applicable
    from .claims import Alternative, Claim, ClaimsFileError, Expectation, Registered, default_claims_path, load_claims
    from .cross_code import CrossCodeCheck, cross_code_check
    from .literature import LiteratureClaim, load_literature
    from .declaration import Declaration, DeclarationError, declaration_for, declare, parse_declaration
    from .protocols import ProtocolNote, load_protocol_notes
    from .registration import Registration, load_registration
    from .report import write_report
    from .scorecard import InputInfo, ScoreCard, score_datasets
    from .scoring import (
        ClaimResult,
        PointResult,
        Robustness,
        Verdict,
        assessed_verdict,
        evaluate_claim,
        judge,
        judged_reading,
        verdict_for,
    )

_WHERE = {
    "Alternative": "claims",
    "Claim": "claims",
    "ClaimsFileError": "claims",
    "Expectation": "claims",
    "default_claims_path": "claims",
    "load_claims": "claims",
    "Inapplicable": "claim_selection",
    "inapplicability": "claim_selection",
    "why_not_applicable": "claim_selection",
    "LiteratureClaim": "literature",
    "load_literature": "literature",
    "CrossCodeCheck": "cross_code",
    "cross_code_check": "cross_code",
    "Declaration": "declaration",
    "DeclarationError": "declaration",
    "declaration_for": "declaration",
    "declare": "declaration",
    "parse_declaration": "declaration",
    "InputInfo": "scorecard",
    "ScoreCard": "scorecard",
    "score_datasets": "scorecard",
    "ProtocolNote": "protocols",
    "load_protocol_notes": "protocols",
    "Registered": "claims",
    "Registration": "registration",
    "load_registration": "registration",
    "write_report": "report",
    "ClaimResult": "scoring",
    "PointResult": "scoring",
    "Robustness": "scoring",
    "Verdict": "scoring",
    "assessed_verdict": "scoring",
    "evaluate_claim": "scoring",
    "judge": "scoring",
    "judged_reading": "scoring",
    "verdict_for": "scoring",
}

#: The public names by topic (the order of the API page, docs/api/benchmark.md); ``__all__`` is their union.
TOPICS: dict[str, tuple[str, ...]] = {
    "Claims": (
        "Claim",
        "Alternative",
        "Expectation",
        "Registered",
        "ClaimsFileError",
        "load_claims",
        "default_claims_path",
    ),
    "Which data a claim applies to": ("inapplicability", "why_not_applicable", "Inapplicable"),
    "Registered analyses": ("Registration", "load_registration"),
    "Published claims (the literature register)": ("LiteratureClaim", "load_literature"),
    "Scoring": (
        "evaluate_claim",
        "ClaimResult",
        "PointResult",
        "Verdict",
        "Robustness",
        "judge",
        "verdict_for",
        "assessed_verdict",
        "judged_reading",
    ),
    "Scorecards and reports": ("score_datasets", "ScoreCard", "InputInfo", "write_report"),
    "Declaring what third-party data hold": (
        "Declaration",
        "DeclarationError",
        "declare",
        "declaration_for",
        "parse_declaration",
    ),
    "Protocol notes": ("ProtocolNote", "load_protocol_notes"),
    "Cross-code checks": ("CrossCodeCheck", "cross_code_check"),
}

__all__ = [name for names in TOPICS.values() for name in names]


def __getattr__(name: str) -> Any:
    """Import ``name`` from its module on first access."""
    if name not in _WHERE:
        raise AttributeError(f"module 'vdosbench.benchmark' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])
