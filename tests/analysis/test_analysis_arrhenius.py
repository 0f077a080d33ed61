"""Arrhenius and VTF fits recover set parameters; the Arrhenius plot is written."""

from __future__ import annotations

import numpy as np
import pytest

from naspe.analysis.arrhenius import (
    REFERENCE_DATA,
    ZHAO_2019_PEO20_NAFSI,
    conductivity_table,
    fit_arrhenius,
    fit_vtf,
    plot_arrhenius,
)
from naspe.analysis.transport_result import TransportResult
from naspe.analysis.units import BOLTZMANN_EV_PER_K

TEMPS = np.array([303.15, 313.15, 323.15, 333.15, 343.15, 353.15])


def test_arrhenius_recovers_activation_energy():
    rng = np.random.default_rng(0)
    ea, prefactor = 0.35, 50.0
    sigma = prefactor * np.exp(-ea / (BOLTZMANN_EV_PER_K * TEMPS))
    stderr = 0.05 * sigma
    noisy = sigma * np.exp(rng.normal(0.0, 0.05, TEMPS.size))
    fit = fit_arrhenius(TEMPS, noisy, stderr)
    assert fit.weighted
    assert fit.activation_energy_eV.value == pytest.approx(ea, abs=3 * fit.activation_energy_eV.stderr)
    assert 0.005 < fit.activation_energy_eV.stderr < 0.05
    assert abs(np.log(fit.prefactor_S_cm.value / prefactor)) < 3 * fit.prefactor_S_cm.stderr / fit.prefactor_S_cm.value
    exact = fit_arrhenius(TEMPS, sigma)  # unweighted, noise-free
    assert not exact.weighted
    assert exact.activation_energy_eV.value == pytest.approx(ea, rel=1e-6)
    assert exact.predict_S_cm(320.0) == pytest.approx(prefactor * np.exp(-ea / (BOLTZMANN_EV_PER_K * 320.0)))


def test_vtf_recovers_b_and_t0():
    temps = np.arange(283.15, 400.0, 10.0)
    b, t0, prefactor = 1200.0, 190.0, 5.0
    sigma = prefactor / np.sqrt(temps) * np.exp(-b / (temps - t0))
    rng = np.random.default_rng(1)
    noisy = sigma * np.exp(rng.normal(0.0, 0.01, temps.size))
    fit = fit_vtf(temps, noisy, 0.01 * noisy)
    assert fit.b_K.value == pytest.approx(b, abs=3 * fit.b_K.stderr)
    assert fit.t0_K.value == pytest.approx(t0, abs=3 * fit.t0_K.stderr)
    assert fit.b_K.stderr < 0.3 * b and fit.t0_K.stderr < 25.0
    assert fit.pseudo_activation_energy_eV.value == pytest.approx(fit.b_K.value * BOLTZMANN_EV_PER_K)
    exact = fit_vtf(temps, sigma)
    assert exact.b_K.value == pytest.approx(b, rel=1e-3)
    assert exact.t0_K.value == pytest.approx(t0, abs=0.5)


def test_vtf_needs_four_temperatures():
    with pytest.raises(ValueError, match="needs >= 4 temperatures"):
        fit_vtf(TEMPS[:3], [1e-5, 2e-5, 4e-5])


def test_fit_inputs_are_checked():
    with pytest.raises(ValueError, match="must be positive"):
        fit_arrhenius([300.0, 310.0], [1e-5, -1e-5])
    with pytest.raises(ValueError, match="needs >= 2"):
        fit_arrhenius([300.0], [1e-5])


def _result(temperature: float, sigma: float, rel: float = 0.1) -> TransportResult:
    value = {"value": sigma, "stderr": rel * sigma}
    return TransportResult(
        temperature_K=temperature,
        diffusion_cm2_s={"Na": {"value": 1e-7, "stderr": 1e-8}},
        sigma_ne_S_cm={"value": 2 * sigma, "stderr": 0.05 * sigma},
        sigma_eh_S_cm=value,
        haven_ratio={"value": 2.0, "stderr": 0.2},
        transference_cation={"value": 0.3, "stderr": 0.02},
        fit_window_ps=(10.0, 100.0),
        loglog_slope={"Na": 1.0},
        diffusive=True,
        slope_tolerance=0.15,
        n_ions={"Na": 4},
        charge_e={"Na": 1.0},
        charges="formal",
        volume_angstrom3=8000.0,
        n_frames=1000,
        frame_interval_ps=1.0,
        duration_ps=999.0,
        com_reference="test",
        uncertainty_method="test",
        n_blocks=5,
    )


def test_plot_is_written(tmp_path):
    results = [_result(t, 30.0 * np.exp(-0.4 / (BOLTZMANN_EV_PER_K * t))) for t in TEMPS]
    t, s, e = conductivity_table(results)
    assert np.allclose(t, TEMPS) and e is not None and np.allclose(e / s, 0.1)
    path = plot_arrhenius(results, tmp_path / "arrhenius.png", title="PEO20NaFSI")
    assert path.stat().st_size > 20_000
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert plot_arrhenius(results[:2], tmp_path / "two.pdf").stat().st_size > 5_000  # Arrhenius only


def test_reference_data_are_labelled_approximate():
    assert all(ref.approximate and "approx" in ref.label for ref in REFERENCE_DATA)
    assert ZHAO_2019_PEO20_NAFSI.citation.startswith("Zhao et al., Angew. Chem. Int. Ed. 58 (2019) 17026")
    assert ZHAO_2019_PEO20_NAFSI.sigma_S_cm[0] == 1e-7 and ZHAO_2019_PEO20_NAFSI.temperature_K[0] == 303.15


def test_plot_survives_conductivities_that_fall_with_temperature(tmp_path):
    """Short noisy runs (the quick preset) can give sigma falling with T: no VTF curve, still a figure."""
    results = [_result(t, 1e-4 * (1.0 + 0.5 * (k % 2)) / (1 + k)) for k, t in enumerate(TEMPS)]
    path = plot_arrhenius(results, tmp_path / "noisy.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
