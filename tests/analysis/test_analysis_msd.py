"""FFT mean-squared displacements and the diffusive-window search against direct computation."""

from __future__ import annotations

import numpy as np
import pytest

from naspe.analysis.msd import charge_displacement_sum, collective_msd_fft, msd_fft
from naspe.analysis.regime import find_diffusive_window, fit_line, lag_index_range, loglog_slope, window_loglog_slope


def _direct_msd(x: np.ndarray) -> np.ndarray:
    n = x.shape[0]
    out = np.zeros(n)
    for m in range(1, n):
        d = x[m:] - x[:-m]
        out[m] = np.mean(np.sum(d * d, axis=-1))
    return out


def test_fft_msd_equals_the_direct_average_over_origins():
    rng = np.random.default_rng(0)
    x = np.cumsum(rng.normal(size=(257, 6, 3)), axis=0) + 500.0  # far from the origin: tests cancellation
    direct = _direct_msd(x)
    assert np.allclose(msd_fft(x), direct, rtol=1e-9, atol=1e-8)
    assert np.allclose(msd_fft(x, chunk_bytes=1), direct, rtol=1e-9, atol=1e-8)  # one particle per chunk
    assert np.allclose(msd_fft(x.astype(np.float32)), direct, rtol=1e-4, atol=1e-3)


def test_collective_msd_of_the_charge_displacement():
    rng = np.random.default_rng(1)
    x = np.cumsum(rng.normal(size=(200, 8, 3)), axis=0)
    q = np.array([1, 1, 1, 1, -1, -1, -1, -1], dtype=float)
    m = charge_displacement_sum(x.astype(np.float32), q, chunk_frames=7)
    assert np.allclose(m, np.einsum("fij,i->fj", x, q), atol=1e-4)
    assert np.allclose(collective_msd_fft(m), _direct_msd(m[:, None, :]), rtol=1e-8, atol=1e-6)


def test_msd_input_is_checked():
    with pytest.raises(ValueError, match="n_frames >= 2"):
        msd_fft(np.zeros((1, 3, 3)))


def test_loglog_slope_of_power_laws():
    lag = np.arange(1000) * 2.0
    for exponent in (0.5, 1.0, 2.0):
        slope = loglog_slope(lag, 3.0 * lag**exponent)
        assert np.isnan(slope[0])
        assert np.allclose(slope[1:], exponent, atol=1e-9)
        assert window_loglog_slope(lag, 3.0 * lag**exponent, 10, 500) == pytest.approx(exponent)


def test_window_found_where_the_msd_turns_diffusive():
    lag = np.arange(2000, dtype=float)
    crossover = 30.0
    msd = lag**2 / (1.0 + lag / crossover)  # slope 1 + 1/(1 + t/crossover): within 0.15 of 1 from t = 170
    slope = loglog_slope(lag, msd)
    window = find_diffusive_window(lag, [slope], lag_index_range(2000, (0.05, 0.5)), 0.15, 2.0)
    assert window is not None
    start, stop = window
    assert stop == 999
    assert start == pytest.approx(170, abs=2)
    assert fit_line(lag, msd, start, stop) == pytest.approx(crossover, rel=0.05)
    # diffusive only from t = 567 on: a factor 1.76 < 2 to the end of the range, so no window
    late = lag**2 / (1.0 + lag / 100.0)
    assert find_diffusive_window(lag, [loglog_slope(lag, late)], (100, 999), 0.15, 2.0) is None
    # purely ballistic: no window
    assert find_diffusive_window(lag, [loglog_slope(lag, lag**2)], (100, 999), 0.15, 2.0) is None


def test_lag_index_range():
    assert lag_index_range(101, (0.05, 0.5)) == (5, 50)
    assert lag_index_range(11, (0.0, 1.0)) == (1, 10)
