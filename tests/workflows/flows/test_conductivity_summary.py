"""The conductivity summary fits only diffusive, significant points and lists the others with the reason."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import transport_result

from naspe.analysis.units import BOLTZMANN_EV_PER_K
from naspe.workflows.flows.conductivity.schemas import ConductivitySummary

TEMPS = np.array([303.15, 313.15, 323.15, 333.15, 343.15, 353.15])
EA = 0.35  # eV


def _series(**change):
    sigma = 50.0 * np.exp(-EA / (BOLTZMANN_EV_PER_K * TEMPS))
    return [transport_result(t, s, **change) for t, s in zip(TEMPS, sigma, strict=True)]


def test_summary_fits_only_what_may_be_fitted():
    summary = ConductivitySummary.from_results(_series())
    assert summary.excluded == []
    fit = summary.arrhenius_sigma_eh_S_cm
    assert fit is not None and fit.weighted and len(fit.temperatures_K) == TEMPS.size
    assert fit.activation_energy_eV.value == pytest.approx(EA, abs=3 * fit.activation_energy_eV.stderr)


def test_summary_over_non_diffusive_runs_makes_no_fit_and_says_why():
    summary = ConductivitySummary.from_results(_series(diffusive=False))
    assert summary.n_finished == TEMPS.size and len(summary.points) == TEMPS.size  # the points are kept
    for field in ("arrhenius_sigma_eh_S_cm", "arrhenius_sigma_ne_S_cm", "vtf_sigma_eh_S_cm", "vtf_sigma_ne_S_cm"):
        assert getattr(summary, field) is None, field
    assert len(summary.excluded) == 2 * TEMPS.size and all(
        p.reason.startswith("not diffusive") for p in summary.excluded
    )
    assert any(w.startswith("arrhenius fit of sigma_eh_S_cm not made: 0 temperature(s)") for w in summary.warnings)


def test_one_bad_point_is_left_out_not_fitted():
    series = _series()
    series[0] = transport_result(TEMPS[0], series[0].sigma_eh_S_cm.value, diffusive=False)
    summary = ConductivitySummary.from_results(series)
    fit = summary.arrhenius_sigma_eh_S_cm
    assert fit.temperatures_K == pytest.approx(TEMPS[1:].tolist())
    assert [(p.temperature_K, p.quantity) for p in summary.excluded] == [
        (TEMPS[0], "sigma_ne_S_cm"),
        (TEMPS[0], "sigma_eh_S_cm"),
    ]
