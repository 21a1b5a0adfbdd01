"""studies/measure_td.py: the replica bootstrap, now vdosbench.validators.stratified_bootstrap over temperatures,
gives the numbers of the study's own loop (issue 54 item 2), bit for bit, failed fits dropped alike."""

from __future__ import annotations

import numpy as np
import pytest

from script_loader import load_script


@pytest.fixture(scope="module")
def td():  # noqa: ANN201
    return load_script("studies/measure_td.py", "measure_td_bootstrap_study")


def _reference_bootstrap_fits(
    td,
    temperature: np.ndarray,
    log_tau: np.ndarray,
    rng: np.random.Generator,  # noqa: ANN001
    n_boot: int,
) -> tuple[np.ndarray, np.ndarray]:
    """REFERENCE ONLY: ``bootstrap_fits`` as it was before issue 54 item 2 (commit 57b888b): one joint draw of
    shape (n_T, n_replicas) per replicate."""
    n_t, n_r = log_tau.shape
    t_d, t_0 = [], []
    for _ in range(n_boot):
        pick = rng.integers(0, n_r, size=(n_t, n_r))
        mean = np.take_along_axis(log_tau, pick, axis=1).mean(axis=1)
        try:
            t_d.append(td.fit_mct(temperature, np.exp(mean)).t_d)
        except RuntimeError:
            pass
        try:
            t_0.append(td.fit_vft(temperature, np.exp(mean)).t_0)
        except RuntimeError:
            pass
    return np.array(t_d), np.array(t_0)


def _log_tau(n_r: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """MCT-like ln τ(T) of T_d = 0.15, γ = 2.3, with replica scatter 0.15, shape (n_T, n_r)."""
    temperature = np.array([0.4, 0.35, 0.3, 0.27, 0.25, 0.23, 0.21])
    rng = np.random.default_rng(seed)
    clean = 2.0 - 2.3 * np.log(temperature - 0.15)
    return temperature, clean[:, None] + 0.15 * rng.standard_normal((temperature.size, n_r))


@pytest.mark.parametrize("n_r", [4, 3])
def test_bootstrap_fits_equal_the_old_loop_bit_for_bit(td, n_r: int) -> None:  # noqa: ANN001
    temperature, log_tau = _log_tau(n_r, 5)
    new_rng, old_rng = np.random.default_rng(20240612), np.random.default_rng(20240612)
    new = td.bootstrap_fits(temperature, log_tau, new_rng, 30)
    old = _reference_bootstrap_fits(td, temperature, log_tau, old_rng, 30)
    for a, b in zip(new, old, strict=True):
        assert a.shape == b.shape == (30,) and np.array_equal(a, b)
    assert new_rng.random() == old_rng.random()


def test_failed_fits_are_dropped_as_before(td, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    temperature, log_tau = _log_tau(4, 9)
    fit_mct, fit_vft = td.fit_mct, td.fit_vft
    cut = float(np.median(log_tau[-1]))

    def flaky_mct(t: np.ndarray, tau: np.ndarray):  # noqa: ANN202
        if np.log(tau[-1]) > cut:
            raise RuntimeError("no convergence (test)")
        return fit_mct(t, tau)

    def flaky_vft(t: np.ndarray, tau: np.ndarray):  # noqa: ANN202
        if np.log(tau[0]) < float(np.median(log_tau[0])):
            raise RuntimeError("no convergence (test)")
        return fit_vft(t, tau)

    monkeypatch.setattr(td, "fit_mct", flaky_mct)
    monkeypatch.setattr(td, "fit_vft", flaky_vft)
    new = td.bootstrap_fits(temperature, log_tau, np.random.default_rng(3), 40)
    old = _reference_bootstrap_fits(td, temperature, log_tau, np.random.default_rng(3), 40)
    assert 0 < new[0].size < 40 and 0 < new[1].size < 40 and new[0].size != new[1].size
    for a, b in zip(new, old, strict=True):
        assert np.array_equal(a, b)
