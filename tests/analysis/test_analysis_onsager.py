"""Known answers of the Onsager coefficients and of short or non-diffusive runs (synthetic LAMMPS dumps)."""

from __future__ import annotations

import numpy as np
import pytest

from naspe.analysis.synthetic import gaussian_walk, rigid_motion, write_dump
from naspe.analysis.trajectory import load_ion_trajectory
from naspe.analysis.transport import TransportAnalysis
from naspe.analysis.transport_result import TransportResult
from naspe.structures.synthetic_cell import build_cell

D_NA, D_FSI = 1e-5, 5e-6  # cm^2/s
INTERVAL_FS = 4000.0
T = 353.15


def _dump(tmp, cell, disp, name="dump.lammpstrj"):
    steps = np.arange(disp.shape[0]) * 2000
    return write_dump(tmp / name, cell, rigid_motion(cell, disp), steps)


@pytest.fixture(scope="module")
def cell(tmp_path_factory):
    return build_cell(tmp_path_factory.mktemp("onsager"), 100, cell=(35.0, 35.0, 35.0), seed=3)


def _analyse(cell, disp, tmp, **options):
    # lab frame: the synthetic walkers carry no solvent to take up momentum, so the barycentric frame of the
    # ions alone would force m+ dR+ + m- dR- = 0 and make the distinct parts mirror the self parts
    traj = load_ion_trajectory(_dump(tmp, cell, disp), cell.data_path, timestep_fs=2.0, remove_drift=False)
    return TransportAnalysis(traj, T, **options).run()


def test_independent_walkers_have_no_distinct_correlations(cell, tmp_path):
    rng = np.random.default_rng(21)
    disp = np.zeros((400, cell.n_molecules, 3))
    for name, d in (("Na", D_NA), ("FSI", D_FSI)):
        mols = cell.molecules(name)
        disp[:, mols] = gaussian_walk(rng, 400, mols.size, d, INTERVAL_FS)
    result = _analyse(cell, disp, tmp_path)
    o = result.onsager
    assert o.cations == ["Na"] and o.anions == ["FSI"]
    for coefficient in (o.cation_cation, o.anion_anion, o.cation_anion):
        assert abs(coefficient.distinct.value) < 3.0 * coefficient.distinct.stderr
    assert o.cation_anion.self_part.value == 0.0
    # the self parts are the Nernst-Einstein terms: sum over both equals sigma_NE for unit charges
    self_sum = o.cation_cation.self_part.value + o.anion_anion.self_part.value
    assert self_sum == pytest.approx(result.sigma_ne_S_cm.value, rel=1e-2)
    # sigma from the L is the Einstein-Helfand conductivity (the same sums, regrouped)
    assert o.sigma_S_cm.value == pytest.approx(result.sigma_eh_S_cm.value, rel=1e-8)
    t_ne, t_l = result.transference_cation, o.transference_cation
    assert t_ne.value == pytest.approx(D_NA / (D_NA + D_FSI), abs=0.03)
    assert abs(t_l.value - t_ne.value) < 3.0 * np.hypot(t_l.stderr, t_ne.stderr)
    assert o.transference_cation_undefined is None
    assert TransportResult.model_validate(result.to_json_dict()) == result


def test_paired_ions_have_positive_distinct_cation_anion_and_no_haven_ratio(cell, tmp_path):
    rng = np.random.default_rng(22)
    na, fsi = cell.molecules("Na"), cell.molecules("FSI")
    common = gaussian_walk(rng, 400, na.size, D_NA, INTERVAL_FS)
    disp = np.zeros((400, cell.n_molecules, 3))
    disp[:, na] = common
    disp[:, fsi] = common + rng.normal(0.0, 0.2, size=common.shape)  # every Na moves with an FSI
    result = _analyse(cell, disp, tmp_path)
    o = result.onsager
    pm = o.cation_anion.distinct
    assert pm.value > 3.0 * pm.stderr  # the pairs' correlated motion (a collective, noisy quantity)
    # L+- of rigid pairs equals the self part of either ion (each pair's displacement counted once)
    assert abs(pm.value - o.cation_cation.self_part.value) < 2.0 * pm.stderr
    for distinct in (o.cation_cation.distinct, o.anion_anion.distinct):
        assert abs(distinct.value) < 3.0 * distinct.stderr
    ne = result.sigma_ne_S_cm.value
    assert abs(o.sigma_S_cm.value) < 0.03 * ne and abs(result.sigma_eh_S_cm.value) < 0.03 * ne
    assert result.haven_ratio.value is None and "not significantly positive" in result.haven_ratio_undefined
    assert o.transference_cation.value is None and "not significantly positive" in o.transference_cation_undefined


def test_a_handful_of_frames_says_what_it_shows_and_gives_no_conductivity(cell, tmp_path):
    rng = np.random.default_rng(23)
    disp = np.zeros((6, cell.n_molecules, 3))
    disp[:] = gaussian_walk(rng, 6, cell.n_molecules, 1e-7, INTERVAL_FS)  # slow: ~0.1 Å per frame
    result = _analyse(cell, disp, tmp_path)
    assert result.diffusive is False and result.n_blocks == 0
    assert result.sigma_ne_S_cm.value is None and result.sigma_eh_S_cm.value is None
    assert all(d.value is None for d in result.diffusion_cm2_s.values())
    assert result.onsager is None and result.haven_ratio.value is None
    why = result.conductivity_withheld
    assert "6 frames" in why and "40 frames" in why and "ion spacing" in why and "use fewer blocks" not in why
    assert result.ion_spacing_angstrom == pytest.approx((35.0**3 / 200) ** (1 / 3))
    assert 0.0 < result.rms_displacement_angstrom["Na"] < result.ion_spacing_angstrom
    assert result.loglog_slope["Na"] == pytest.approx(1.0, abs=0.5)
    # MSD = 6 D t: the rms reaches the spacing after spacing^2 / (6 D) (within the noise of 6 frames)
    expected_ps = result.ion_spacing_angstrom**2 / (6 * 1e-7 * 10.0) / 1000.0
    assert result.needed_duration_ps == pytest.approx(expected_ps, rel=1.0)


def test_too_many_blocks_for_a_run_that_has_two_names_the_number_that_works(cell, tmp_path):
    rng = np.random.default_rng(24)
    disp = gaussian_walk(rng, 60, cell.n_molecules, D_NA, INTERVAL_FS)
    traj = load_ion_trajectory(_dump(tmp_path, cell, disp), cell.data_path, timestep_fs=2.0)
    with pytest.raises(ValueError, match=r"n_blocks=5 needs >= 100 frames .* has 60: use n_blocks <= 3"):
        TransportAnalysis(traj, T, n_blocks=5)
    assert TransportAnalysis(traj, T, n_blocks=3).run().n_blocks == 3


def test_non_diffusive_run_can_withhold_apparent_values(cell, tmp_path):
    rng = np.random.default_rng(25)
    velocity = rng.normal(0.0, 3e-5, size=(cell.n_molecules, 3))  # ballistic, ~0.1 Å per frame
    disp = np.arange(200)[:, None, None] * INTERVAL_FS * velocity[None]
    apparent = _analyse(cell, disp, tmp_path)
    assert apparent.diffusive is False and apparent.sigma_ne_S_cm.value > 0 and apparent.conductivity_withheld is None
    withheld = _analyse(cell, disp, tmp_path, apparent_values=False)
    assert withheld.diffusive is False
    assert withheld.sigma_ne_S_cm.value is None and withheld.sigma_eh_S_cm.value is None
    assert withheld.onsager is None and withheld.finite_size is None
    assert "super-diffusive" in withheld.conductivity_withheld and "ion spacing" in withheld.conductivity_withheld
    assert withheld.loglog_slope["Na"] == pytest.approx(2.0, abs=0.05)
