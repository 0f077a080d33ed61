"""Known answers of the Green-Kubo viscosity (an Ornstein-Uhlenbeck stress) and of the Yeh-Hummer correction."""

from __future__ import annotations

import numpy as np
import pytest

from naspe.analysis.errors import TrajectoryFormatError
from naspe.analysis.finite_size import XI_CUBIC, finite_size_correction, yeh_hummer_delta_cm2_s
from naspe.analysis.synthetic import ornstein_uhlenbeck_stress, ornstein_uhlenbeck_viscosity_mPa_s, write_pressure_file
from naspe.analysis.values import ValueWithError
from naspe.analysis.viscosity import green_kubo_viscosity, read_pressure_tensor


def test_green_kubo_of_an_ornstein_uhlenbeck_stress(tmp_path):
    # <P(0) P(t)> = s^2 exp(-t/tau): eta = V s^2 tau / (kB T)
    rng = np.random.default_rng(4)
    dt, tau, s, volume, temp = 10.0, 200.0, 300.0, 27000.0, 350.0
    p = ornstein_uhlenbeck_stress(rng, 100_000, dt, tau, s)
    exact = ornstein_uhlenbeck_viscosity_mPa_s(volume, temp, tau, s)
    eta, cutoff_ps = green_kubo_viscosity(p, dt, volume, temp)
    assert abs(eta.value - exact) < 3.0 * eta.stderr
    assert 0.01 * exact < eta.stderr < 0.15 * exact  # the cutoff rule trades the tail for noise
    assert 4 * tau / 1000 < cutoff_ps < 0.25 * 100_000 * dt / 5 / 1000  # past the decay, within a quarter block
    # the file naspe's production writes: step pxy pxz pyz
    path = write_pressure_file(tmp_path / "pressure.dat", np.arange(1000) * 5, p[:1000])
    steps, tensor = read_pressure_tensor(path)
    assert steps[1] == 5 and tensor.shape == (1000, 3)
    with pytest.raises(ValueError, match="100 blocks need >= 2000"):
        green_kubo_viscosity(tensor, dt, volume, temp, n_blocks=100)
    (tmp_path / "bad.dat").write_text("1 2\n3 4\n")
    with pytest.raises(TrajectoryFormatError, match="step pxy pxz pyz"):
        read_pressure_tensor(tmp_path / "bad.dat")


def test_yeh_hummer_correction_has_the_known_size():
    # kB T xi / (6 pi eta L) at 300 K, 1 mPa s, 30 Å: 1.380649e-23*300*2.837297 / (6 pi 1e-3 3e-9) m^2/s
    expected = 1.380649e-23 * 300 * XI_CUBIC / (6 * np.pi * 1e-3 * 30e-10) * 1e4
    assert expected == pytest.approx(2.0782e-6, rel=1e-4)
    assert yeh_hummer_delta_cm2_s(300.0, 1.0, 30.0) == pytest.approx(expected, rel=1e-12)
    assert yeh_hummer_delta_cm2_s(300.0, 2.0, 60.0) == pytest.approx(expected / 4, rel=1e-12)  # 1/(eta L)
    raw = {"Na": ValueWithError(value=1e-6, stderr=1e-7), "FSI": ValueWithError(value=2e-6, stderr=None)}
    fs = finite_size_correction(raw, ValueWithError(value=1.0, stderr=0.1), "given", np.eye(3) * 30.0, 300.0)
    assert fs.box_length_angstrom == pytest.approx(30.0)
    assert fs.delta_diffusion_cm2_s.value == pytest.approx(
        expected
    ) and fs.delta_diffusion_cm2_s.stderr == pytest.approx(0.1 * expected)
    assert fs.diffusion_cm2_s["Na"].value == pytest.approx(1e-6 + expected)
    assert fs.diffusion_cm2_s["Na"].stderr == pytest.approx(np.hypot(1e-7, 0.1 * expected))
    assert fs.diffusion_cm2_s["FSI"].stderr == pytest.approx(0.1 * expected)
    assert any("exceeds D(Na)" in w for w in fs.warnings) and not any("not cubic" in w for w in fs.warnings)
    long = finite_size_correction(raw, ValueWithError(value=1.0), "given", np.diag([30.0, 30.0, 60.0]), 300.0)
    assert any("not cubic" in w for w in long.warnings)
    with pytest.raises(ValueError, match="viscosity -1"):
        yeh_hummer_delta_cm2_s(300.0, -1.0, 30.0)
