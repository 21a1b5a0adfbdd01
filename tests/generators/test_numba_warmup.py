"""The plumbing of tests/support/numba_warmup.py (the suite's numba warm-up, split between two xdist workers),
checked without compiling the glass kernels: the balance of the families is measured in
speed/results/ci_runs.json (key ``warm_up_families_stop75``)."""

from __future__ import annotations

import numpy as np
import pytest
from numba import njit
from numba.core.registry import CPUDispatcher

from numba_warmup import FAMILIES, KERNEL_RETURNS, ORDERS, _kernel_homes, _stand_ins, _StandIn


def _fill(out: np.ndarray, value: float, n: int, scale: bool) -> None:
    out[:] = value * n if scale else value


def test_every_stood_in_kernel_is_a_compiled_kernel_where_the_front_end_looks_it_up() -> None:
    homes = _kernel_homes()
    assert set(homes) == set(KERNEL_RETURNS)
    for name, module in homes.items():
        assert isinstance(getattr(module, name), CPUDispatcher), f"{module.__name__}.{name}"


def test_stand_ins_take_the_kernels_places_then_give_them_back() -> None:
    homes = _kernel_homes()
    kernels = {name: getattr(module, name) for name, module in homes.items()}
    with _stand_ins(("_mc_moves", "verlet_build_ordered")):
        for name, module in homes.items():
            current = getattr(module, name)
            if name in ("_mc_moves", "verlet_build_ordered"):
                assert isinstance(current, _StandIn) and current.kernel is kernels[name]
                assert current() == KERNEL_RETURNS[name] == 0  # as the kernel returns when all went well
            else:
                assert current is kernels[name]
    assert all(getattr(module, name) is kernels[name] for name, module in homes.items())


def test_a_stand_in_compiles_the_signature_a_call_would_without_running_the_kernel(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a compilation re-reads numba's settings from the environment, and refuses a NUMBA_NUM_THREADS other than its
    # running pool's: this process may have run a local Dask cluster whose workers' thread variables reached its
    # environment (seen once in a full run), so the compilations here see the pool's own size
    import numba

    monkeypatch.setenv("NUMBA_NUM_THREADS", str(numba.config.NUMBA_NUM_THREADS))
    called, stood_in = njit(_fill), njit(_fill)
    args = (np.zeros((2, 3)), 2.5, 3, True)
    called(*args)
    out = np.zeros((2, 3))
    assert _StandIn(stood_in, None, compile_it=True)(out, *args[1:]) is None
    assert stood_in.signatures == called.signatures and len(called.signatures) == 1
    assert not out.any()  # compiled, not run
    assert _StandIn(njit(_fill), 0, compile_it=False)(out, *args[1:]) == 0


def test_each_worker_compiles_its_own_family_first_then_takes_every_other() -> None:
    assert [order[0] for order in ORDERS] == ["mc_moves", "minimisers"]
    assert all(sorted(order) == sorted(FAMILIES) for order in ORDERS)
