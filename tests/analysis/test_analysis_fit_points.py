"""Only diffusive, significantly positive conductivities with errors enter a fit; the rest are listed."""

from __future__ import annotations

import pytest
from conftest import transport_result as _result

from naspe.analysis.fit_points import SIGNIFICANCE, fit_points


def test_each_reason_for_leaving_a_point_out():
    good = _result(353.15, 1e-4)
    slow = _result(303.15, 1e-7, diffusive=False, loglog_slope={"Na": 0.42})
    noisy = _result(313.15, 1e-6, rel=1.0 / SIGNIFICANCE)  # exactly two standard errors: not above
    negative = _result(323.15, 1e-6, sigma_eh_S_cm={"value": -1e-6, "stderr": 1e-6})
    no_error = _result(333.15, 1e-5, sigma_eh_S_cm={"value": 1e-5, "stderr": None})
    used, left_out = fit_points([good, slow, noisy, negative, no_error], "sigma_eh_S_cm")
    assert used == [good]
    reasons = {p.temperature_K: p.reason for p in left_out}
    assert reasons[303.15].startswith("not diffusive") and "0.42" in reasons[303.15]
    assert reasons[313.15].startswith("not significantly positive")
    assert reasons[323.15].startswith("not significantly positive")
    assert reasons[333.15].startswith("no standard error")
    assert {p.quantity for p in left_out} == {"sigma_eh_S_cm"}
    with pytest.raises(ValueError, match="quantity='sigma'"):
        fit_points([good], "sigma")
