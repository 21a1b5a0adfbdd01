"""Fixtures for the whole suite.

``_numba_kernels_compiled_once``: under ``pytest -n 2`` (the README's command on 2 cores) the two xdist workers
compile the glass generators' numba kernels once between them, a family each, before their first test
(:mod:`numba_warmup` in tests/support, with the measurement behind it).

``pooch_waits``: a test that makes pooch retry a failed download (``retries``) has the retries made at once; the
seconds pooch would have slept before each (1 s, 2 s, ...) are recorded in the list it returns.
"""

from __future__ import annotations

import types
from collections.abc import Iterator

import pytest

#: Fewest collected tests for which the workers warm the kernels up: a run of a few files may need none of them.
WARM_UP_FROM_TESTS = 200


@pytest.fixture(scope="session", autouse=True)
def _numba_kernels_compiled_once(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """Each xdist worker compiles one family of numba kernels, then loads the other's from numba's cache."""
    worker = getattr(request.config, "workerinput", {}).get("workerid", "")
    if worker.startswith("gw") and len(request.session.items) >= WARM_UP_FROM_TESTS:
        from numba_warmup import warm_up

        warm_up(int(worker[2:]), tmp_path_factory.getbasetemp().parent)
    yield


@pytest.fixture
def pooch_waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """pooch's waits before each retry of a failed download, recorded instead of slept (only pooch's own: it calls
    ``time.sleep`` in ``pooch.core`` between attempts and nowhere else); every attempt is still made."""
    import pooch.core

    waits: list[float] = []
    monkeypatch.setattr(pooch.core, "time", types.SimpleNamespace(sleep=waits.append))
    return waits
