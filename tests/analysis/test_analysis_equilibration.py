"""Equilibration detection on synthetic series with known answers: exponential relaxation + AR(1) noise."""

from __future__ import annotations

import numpy as np
import pytest

from naspe.analysis.equilibration import equilibration, timeseries


def ar1(n: int, tau_samples: float, sigma: float, rng: np.random.Generator) -> np.ndarray:
    """AR(1) noise of stationary standard deviation ``sigma`` and correlation time ``tau_samples``.

    Its statistical inefficiency is g = (1 + phi) / (1 - phi), phi = exp(-1 / tau).
    """
    phi = np.exp(-1.0 / tau_samples)
    x = np.empty(n)
    x[0] = rng.normal(0.0, sigma)
    kicks = rng.normal(0.0, sigma * np.sqrt(1.0 - phi**2), n)
    for i in range(1, n):
        x[i] = phi * x[i - 1] + kicks[i]
    return x


def relaxing(n: int, amplitude: float, tau_relax: float, tau_noise: float, sigma: float, seed: int) -> np.ndarray:
    t = np.arange(n)
    return 1.0 + amplitude * np.exp(-t / tau_relax) + ar1(n, tau_noise, sigma, np.random.default_rng(seed))


def test_quiet_import(capfd):
    timeseries.cache_clear()
    timeseries()
    out, err = capfd.readouterr()
    assert "JAX" not in out + err and "Warning on use" not in out + err


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_known_statistical_inefficiency_and_t0(seed):
    # relaxation of 50 sigma with a 100-sample time constant: below the noise after ~ 100 ln(50) = 390 samples
    tau_noise = 5.0
    g_true = (1 + np.exp(-1 / tau_noise)) / (1 - np.exp(-1 / tau_noise))  # 9.0
    x = relaxing(20000, amplitude=0.05, tau_relax=100.0, tau_noise=tau_noise, sigma=0.001, seed=seed)
    est = equilibration(x, 0.5, "density_g_cm3")
    assert 150 <= est.t0_index <= 900, est.t0_index
    assert est.t0_ps == pytest.approx(0.5 * est.t0_index)
    assert est.statistical_inefficiency == pytest.approx(g_true, rel=0.25)
    assert est.correlation_time_ps == pytest.approx((est.statistical_inefficiency - 1) / 2 * 0.5)
    assert est.n_effective == pytest.approx((x.size - est.t0_index) / est.statistical_inefficiency)
    assert abs(est.mean - 1.0) < 4 * est.stderr  # the plateau value within its error
    assert est.stderr == pytest.approx(0.001 * np.sqrt(g_true / (x.size - est.t0_index)), rel=0.3)
    assert est.plateau, est.criterion


def test_still_relaxing_is_no_plateau():
    # the relaxation takes the whole series (tau = series length): no stretch without drift
    x = relaxing(2000, amplitude=0.05, tau_relax=2000.0, tau_noise=5.0, sigma=0.001, seed=4)
    est = equilibration(x, 1.0, "density_g_cm3")
    assert not est.plateau
    assert "uncorrelated samples" in est.criterion and "drift" in est.criterion


def test_linear_drift_is_no_plateau():
    rng = np.random.default_rng(5)
    x = 1.0 + 1e-6 * np.arange(4000) + ar1(4000, 3.0, 0.0005, rng)  # drift 4e-3 over the run, noise 5e-4
    assert not equilibration(x, 1.0, "density_g_cm3").plateau


def test_too_few_uncorrelated_samples_is_no_plateau():
    x = ar1(200, 40.0, 1.0, np.random.default_rng(6))  # g ~ 80: ~2 uncorrelated samples
    est = equilibration(x, 1.0, "pe_kcal_mol", min_effective=20)
    assert est.n_effective < 20 and not est.plateau


def test_white_noise_from_the_start():
    x = 5.0 + np.random.default_rng(7).normal(0, 1, 5000)
    est = equilibration(x, 2.0, "pe_kcal_mol")
    assert est.t0_index < 250 and est.statistical_inefficiency == pytest.approx(1.0, abs=0.3) and est.plateau


def test_constant_series():
    est = equilibration(np.full(100, 1.25), 1.0, "density_g_cm3")
    assert est.t0_index == 0 and est.statistical_inefficiency == 1.0 and est.mean == 1.25


@pytest.mark.parametrize(
    ("values", "interval", "match"),
    [
        (np.ones(5), 1.0, "5 samples"),
        (np.array([1.0] * 9 + [np.nan]), 1.0, "non-finite"),
        (np.arange(20.0), 0.0, "sample_interval_ps=0.0"),
    ],
)
def test_bad_inputs(values, interval, match):
    with pytest.raises(ValueError, match=match):
        equilibration(values, interval, "density_g_cm3")
