from __future__ import annotations

import numpy as np
import pytest

from naspe.analysis.uber import EV_PER_A2_TO_J_PER_M2, fit_uber, uber_energy


def test_fit_recovers_known_parameters_from_noisy_scan():
    rng = np.random.default_rng(4)
    area = 62.9  # Å^2
    w_area, d0, length, e_inf = 0.9, 3.1, 0.8, -1234.5  # eV, Å, Å, eV
    d = np.array([2.4, 2.7, 3.0, 3.3, 3.8, 4.5, 5.5, 7.0, 9.0])
    e = uber_energy(d, e_inf, w_area, d0, length) + rng.normal(0.0, 0.002, d.size)
    fit = fit_uber(d, e, area)
    assert fit.w_adh_eV_A2 == pytest.approx(w_area / area, rel=0.03)
    assert fit.w_adh_J_m2 == pytest.approx(w_area / area * EV_PER_A2_TO_J_PER_M2, rel=0.03)
    assert abs(fit.w_adh_J_m2 - w_area / area * EV_PER_A2_TO_J_PER_M2) < 3 * fit.w_adh_J_m2_error + 1e-3
    assert fit.d0_angstrom == pytest.approx(d0, abs=0.03)
    assert fit.length_angstrom == pytest.approx(length, rel=0.05)
    assert fit.e_inf_eV == pytest.approx(e_inf, abs=0.01)
    assert fit.rms_eV < 0.004


def test_fit_refuses_scans_that_cannot_define_w():
    d = np.array([2.5, 3.0, 4.0, 6.0])
    repulsive = 1.0 / d  # energy falls all the way out: no minimum inside the scan
    with pytest.raises(ValueError, match="lowest energy is at the largest separation"):
        fit_uber(d, repulsive, 50.0)
    with pytest.raises(ValueError, match="at least 4"):
        fit_uber(d[:3], repulsive[:3], 50.0)
    with pytest.raises(ValueError, match="area_angstrom2=0"):
        fit_uber(d, -repulsive, 0.0)
