"""The cost estimate of a conductivity run: error ~ sqrt(window / time), window ~ 1/D, sigma_NE gaining from N ions."""

from __future__ import annotations

import numpy as np
import pytest

from naspe.analysis.transport_cost import arrhenius_factor, core_hours, diffusive_time_ps, production_time_ps


def test_time_to_target_scales_with_error_squared_and_inverse_d_and_ion_count_for_ne_only():
    base = production_time_ps(1000.0, 0.2, 1e-6, 1e-6, 0.2, "sigma_eh_S_cm")
    assert base == pytest.approx(1000.0)  # same system, same error: the same time
    assert production_time_ps(1000.0, 0.4, 1e-6, 1e-6, 0.2, "sigma_eh_S_cm") == pytest.approx(4000.0)
    assert production_time_ps(1000.0, 0.2, 1e-6, 1e-7, 0.2, "sigma_eh_S_cm") == pytest.approx(10000.0)
    # 4x the ions: sigma_NE (an average over ions) needs a quarter of the time, sigma_EH (collective) the same
    assert production_time_ps(1000.0, 0.2, 1e-6, 1e-6, 0.2, "sigma_ne_S_cm", 10, 40) == pytest.approx(250.0)
    assert production_time_ps(1000.0, 0.2, 1e-6, 1e-6, 0.2, "sigma_eh_S_cm", 10, 40) == pytest.approx(1000.0)


def test_the_ion_count_law_holds_for_the_mean_d_of_synthetic_brownian_ions():
    """Relative error of the ions' mean D (what sigma_NE carries) falls as 1/sqrt(N): 16 vs 4 walkers."""
    rng = np.random.default_rng(7)
    steps, lag = 400, 20

    def rel_error(n: int) -> float:
        estimates = []
        for _ in range(300):
            x = np.cumsum(rng.normal(size=(steps, n, 3)), axis=0)
            msd = np.mean(np.sum((x[lag:] - x[:-lag]) ** 2, axis=2))
            estimates.append(msd / (6 * lag))
        return float(np.std(estimates) / np.mean(estimates))

    ratio = rel_error(4) / rel_error(16)
    assert ratio == pytest.approx(2.0, rel=0.2)  # sqrt(16 / 4)
    predicted = production_time_ps(1000.0, rel_error(4), 1.0, 1.0, rel_error(16), "sigma_ne_S_cm", 4, 16)
    assert predicted == pytest.approx(1000.0, rel=0.45)  # 4 x the ions reach the smaller error in about the same time


def test_core_hours_scale_with_atoms_replicas_and_cores():
    assert core_hours(1000.0, 24.0, 1000, 1000) == pytest.approx(1.0)  # 1 ns at 24 ns/day on 1 core: 1 h
    assert core_hours(1000.0, 24.0, 1000, 10000, ref_cores=2, replicas=3) == pytest.approx(60.0)
    assert arrhenius_factor(30.0, 300.0, 300.0) == pytest.approx(1.0)
    assert arrhenius_factor(31.0, 363.0, 303.0) == pytest.approx(np.exp(-31000 / 8.314462618 * (1 / 303 - 1 / 363)))


def test_bad_numbers_are_refused_by_name():
    with pytest.raises(ValueError, match="error_target=0.0: must be a finite number > 0"):
        production_time_ps(1000.0, 0.2, 1e-6, 1e-6, 0.0, "sigma_eh_S_cm")
    with pytest.raises(ValueError, match="quantity='D'"):
        production_time_ps(1000.0, 0.2, 1e-6, 1e-6, 0.2, "D")
    with pytest.raises(ValueError, match="diffusion_cm2_s=nan"):
        production_time_ps(1000.0, 0.2, 1e-6, float("nan"), 0.2, "sigma_eh_S_cm")
    with pytest.raises(ValueError, match="replicas=0"):
        core_hours(1000.0, 24.0, 1000, 1000, replicas=0)


def test_diffusive_time_lets_the_ions_cross_one_spacing_within_a_tenth_of_the_run():
    # D = 1e-5 cm^2/s = 0.1 Å^2/ps: 6 D t = 100 Å^2 after 166.7 ps; the window is a tenth of the run
    assert diffusive_time_ps(1e-5, 10.0) == pytest.approx(10 * 100.0 / 0.6)
    assert diffusive_time_ps(1e-6, 10.0) == pytest.approx(10 * diffusive_time_ps(1e-5, 10.0))
    with pytest.raises(ValueError, match="spacing_angstrom=0"):
        diffusive_time_ps(1e-5, 0)
