"""Known answers of the transport analysis on synthetic LAMMPS trajectories written here."""

from __future__ import annotations

import json

import numpy as np
import pytest

from naspe.analysis.errors import NonDiffusiveError
from naspe.analysis.synthetic import gaussian_walk, rigid_motion, write_com_file, write_dump
from naspe.analysis.trajectory import load_ion_trajectory
from naspe.analysis.transport import TransportAnalysis
from naspe.analysis.transport_files import analyze_conductivity
from naspe.analysis.transport_result import TransportResult
from naspe.analysis.units import conductivity_S_cm
from naspe.structures.synthetic_cell import build_cell

D_NA = 1e-5  # cm^2/s
D_FSI = 5e-6
INTERVAL_FS = 4000.0  # 2000 steps of 2 fs between frames
DUMP_EVERY = 2000
T = 353.15


def _walks(cell, rng, n_frames, d_by_name):
    disp = np.zeros((n_frames, cell.n_molecules, 3))
    for name, d in d_by_name.items():
        mols = cell.molecules(name)
        disp[:, mols] = gaussian_walk(rng, n_frames, mols.size, d, INTERVAL_FS)
    return disp


def _steps(n_frames):
    return np.arange(n_frames) * DUMP_EVERY


@pytest.fixture(scope="module")
def random_walk(tmp_path_factory):
    """200 Na + 200 FSI doing independent Gaussian random walks, 500 frames 4 ps apart."""
    d = tmp_path_factory.mktemp("walk")
    cell = build_cell(d, 200, cell=(40.0, 45.0, 50.0), seed=1)
    rng = np.random.default_rng(11)
    n_frames = 500
    positions = rigid_motion(cell, _walks(cell, rng, n_frames, {"Na": D_NA, "FSI": D_FSI}))
    dump = write_dump(d / "dump.lammpstrj", cell, positions, _steps(n_frames), shuffle=rng)
    trajectory = load_ion_trajectory(dump, cell.data_path, timestep_fs=2.0)
    return cell, trajectory, TransportAnalysis(trajectory, T).run()


def test_random_walk_recovers_diffusion_coefficients(random_walk):
    _, _, result = random_walk
    # over 100 seeds this estimator scatters by 1.8 % (200 ions, 500 frames); 5 % is ~2.8 sigma
    for name, d in (("Na", D_NA), ("FSI", D_FSI)):
        est = result.diffusion_cm2_s[name]
        assert est.value == pytest.approx(d, rel=0.05), name
        assert 0.004 * d < est.stderr < 0.04 * d, name
        assert result.loglog_slope[name] == pytest.approx(1.0, abs=0.05)
    assert result.diffusive is True
    assert result.warnings == []
    a, b = result.fit_window_ps
    block_ps = result.n_frames // result.n_blocks * result.frame_interval_ps
    assert 0.05 * block_ps - result.frame_interval_ps <= a < b <= 0.5 * block_ps  # the window fits in a block
    assert b / a >= 2.0


def test_random_walk_nernst_einstein_and_bookkeeping(random_walk):
    _, trajectory, result = random_walk
    volume = 40.0 * 45.0 * 50.0
    expected = conductivity_S_cm(200 * (D_NA + D_FSI) * 10.0, volume, T)  # 1 cm^2/s = 10 Å^2/fs
    assert result.sigma_ne_S_cm.value == pytest.approx(expected, rel=0.05)
    assert result.volume_angstrom3 == pytest.approx(volume)
    assert result.n_ions == {"Na": 200, "FSI": 200}
    assert result.charge_e == {"Na": 1.0, "FSI": -1.0}
    assert result.charges == "formal"
    assert result.n_frames == 500
    assert result.frame_interval_ps == pytest.approx(4.0)
    assert result.duration_ps == pytest.approx(4 * 499.0)
    assert "whole system" in result.com_reference
    assert "block averaging" in result.uncertainty_method
    assert len(result.block_sigma_eh_S_cm) == result.n_blocks == 5
    t_plus = D_NA / (D_NA + D_FSI)
    assert result.transference_cation.value == pytest.approx(t_plus, abs=0.02)
    assert np.allclose(trajectory.time_fs[:3], [0.0, 4000.0, 8000.0])


def test_independent_walkers_einstein_helfand_matches_nernst_einstein(random_walk):
    _, _, result = random_walk
    ne, eh = result.sigma_ne_S_cm, result.sigma_eh_S_cm
    assert eh.stderr > ne.stderr  # the collective quantity is the noisy one
    assert abs(eh.value - ne.value) < 3.0 * np.hypot(eh.stderr, ne.stderr)
    h = result.haven_ratio
    assert abs(h.value - 1.0) < 3.0 * h.stderr


def test_json_shape(random_walk):
    _, _, result = random_walk
    data = json.loads(json.dumps(result.to_json_dict()))
    assert set(data["diffusion_cm2_s"]) == {"Na", "FSI"}
    assert set(data["diffusion_cm2_s"]["Na"]) == {"value", "stderr"}
    for key in ("sigma_ne_S_cm", "sigma_eh_S_cm", "haven_ratio"):
        assert set(data[key]) == {"value", "stderr"}
    assert isinstance(data["fit_window_ps"], list) and len(data["fit_window_ps"]) == 2
    assert data["temperature_K"] == T
    for key in ("loglog_slope", "diffusive", "warnings", "n_ions", "volume_angstrom3", "uncertainty_method"):
        assert key in data
    assert TransportResult.model_validate(data) == result  # JSON round trip


def test_scaled_charges_scale_conductivity(random_walk):
    _, trajectory, formal = random_walk
    scaled = TransportAnalysis(trajectory, T, use_scaled_charges=True).run()
    assert scaled.charges == "scaled"
    assert scaled.charge_e["Na"] == pytest.approx(0.8)
    assert scaled.charge_e["FSI"] == pytest.approx(-0.8)
    assert scaled.sigma_ne_S_cm.value == pytest.approx(0.64 * formal.sigma_ne_S_cm.value, rel=1e-6)
    assert scaled.sigma_eh_S_cm.value == pytest.approx(0.64 * formal.sigma_eh_S_cm.value, rel=1e-6)
    assert scaled.diffusion_cm2_s["Na"].value == formal.diffusion_cm2_s["Na"].value


def test_ballistic_motion_is_not_diffusive(tmp_path):
    cell = build_cell(tmp_path, 20, cell=(30.0, 30.0, 30.0), seed=2)
    rng = np.random.default_rng(2)
    n_frames = 200
    velocity = rng.normal(0.0, 3e-4, size=(cell.n_molecules, 3))  # Å/fs: ~1-2 Å per frame
    disp = np.arange(n_frames)[:, None, None] * INTERVAL_FS * velocity[None]
    dump = write_dump(tmp_path / "ballistic.lammpstrj", cell, rigid_motion(cell, disp), _steps(n_frames))
    trajectory = load_ion_trajectory(dump, cell.data_path, timestep_fs=2.0)
    result = TransportAnalysis(trajectory, T).run()
    assert result.diffusive is False
    for name in ("Na", "FSI"):
        assert result.loglog_slope[name] == pytest.approx(2.0, abs=0.05)
    assert any("super-diffusive" in w for w in result.warnings)
    block_ps = result.n_frames // result.n_blocks * result.frame_interval_ps
    assert result.fit_window_ps[0] == pytest.approx(0.1 * block_ps, abs=result.frame_interval_ps)
    with pytest.raises(NonDiffusiveError, match=r"Na 2\.0"):
        TransportAnalysis(trajectory, T, require_diffusive=True).run()


def test_pairs_moving_together_have_small_einstein_helfand(tmp_path):
    cell = build_cell(tmp_path, 50, cell=(35.0, 35.0, 35.0), seed=3)
    rng = np.random.default_rng(3)
    n_frames = 400
    na, fsi = cell.molecules("Na"), cell.molecules("FSI")
    common = gaussian_walk(rng, n_frames, na.size, D_NA, INTERVAL_FS)
    disp = np.zeros((n_frames, cell.n_molecules, 3))
    disp[:, na] = common
    disp[:, fsi] = common + rng.normal(0.0, 0.2, size=common.shape)  # bound pair: bounded relative motion
    dump = write_dump(tmp_path / "pairs.lammpstrj", cell, rigid_motion(cell, disp), _steps(n_frames))
    result = analyze_conductivity(dump, cell.data_path, T, timestep_fs=2.0)
    ne, eh = result.sigma_ne_S_cm.value, result.sigma_eh_S_cm.value
    assert result.diffusion_cm2_s["Na"].value == pytest.approx(D_NA, rel=0.15)
    assert abs(eh) < 0.03 * ne
    assert result.haven_ratio.value is None or result.haven_ratio.value > 30
    if abs(eh) <= 2.0 * result.sigma_eh_S_cm.stderr:  # sigma_EH within its noise of zero: no Haven ratio
        assert result.haven_ratio.value is None and result.haven_ratio.stderr is None
        assert "not significantly positive" in result.haven_ratio_undefined
    else:
        assert result.haven_ratio_undefined is None


def test_triclinic_cell_volume_and_conductivity(tmp_path):
    matrix = np.array([[40.0, 0.0, 0.0], [8.0, 42.0, 0.0], [5.0, -6.0, 45.0]])
    cell = build_cell(tmp_path, 100, cell=matrix, seed=4)
    volume = 40.0 * 42.0 * 45.0
    assert cell.topology.box.volume_angstrom3 == pytest.approx(volume)
    rng = np.random.default_rng(4)
    n_frames = 300
    positions = rigid_motion(cell, _walks(cell, rng, n_frames, {"Na": D_NA, "FSI": D_FSI}))
    dump = write_dump(tmp_path / "tri.lammpstrj", cell, positions, _steps(n_frames), style="image")
    result = analyze_conductivity(dump, cell.data_path, T, timestep_fs=2.0)
    assert result.volume_angstrom3 == pytest.approx(volume, rel=1e-9)
    expected = conductivity_S_cm(100 * (D_NA + D_FSI) * 10.0, volume, T)
    assert result.sigma_ne_S_cm.value == pytest.approx(expected, rel=0.08)
    assert result.diffusion_cm2_s["Na"].value == pytest.approx(D_NA, rel=0.08)


@pytest.fixture(scope="module")
def drifting(tmp_path_factory):
    """Ions and two neutral PEO chains, every atom drifting by ~2 Å per frame on top of random walks."""
    d = tmp_path_factory.mktemp("drift")
    cell = build_cell(d, 100, cell=(36.0, 36.0, 36.0), n_peo=2, peo_length=4, seed=5)
    rng = np.random.default_rng(5)
    n_frames = 300
    disp = _walks(cell, rng, n_frames, {"Na": D_NA, "FSI": D_FSI})
    masses = np.bincount(cell.molecule_of_atom, weights=cell.topology.masses)
    disp -= (masses[None, :, None] * disp).sum(axis=1, keepdims=True) / masses.sum()  # momentum conserved
    drift = np.array([0.5e-3, -0.2e-3, 0.25e-3])  # Å/fs
    disp += np.arange(n_frames)[:, None, None] * INTERVAL_FS * drift
    positions = rigid_motion(cell, disp)
    steps = _steps(n_frames)
    whole = write_dump(d / "whole.lammpstrj", cell, positions, steps)
    ion_atoms = np.flatnonzero(np.isin(cell.molecule_of_atom, np.r_[cell.molecules("Na"), cell.molecules("FSI")]))
    ions_only = write_dump(d / "ions.lammpstrj", cell, positions, steps, atoms=ion_atoms)
    com = np.einsum("fij,i->fj", positions, cell.topology.masses) / cell.topology.masses.sum()
    com_file = write_com_file(d / "com.dat", steps, com)
    return cell, whole, ions_only, com_file


def test_drift_is_removed_with_whole_system_dump(drifting):
    cell, whole, _, _ = drifting
    result = analyze_conductivity(whole, cell.data_path, T, timestep_fs=2.0)
    assert result.n_ions == {"Na": 100, "FSI": 100}  # PEO is neutral, not an ion
    assert result.diffusion_cm2_s["Na"].value == pytest.approx(D_NA, rel=0.08)
    assert result.diffusion_cm2_s["FSI"].value == pytest.approx(D_FSI, rel=0.08)
    assert result.diffusive
    raw = analyze_conductivity(whole, cell.data_path, T, remove_drift=False, timestep_fs=2.0)
    assert raw.diffusion_cm2_s["FSI"].value > 10 * D_FSI  # the drift would have dominated
    assert not raw.diffusive


def test_neutral_molecules_give_the_solvent_self_diffusion(tmp_path):
    """``neutral=True`` tracks the neutral molecules (PEO oligomers here) instead of the ions, same analysis."""
    d_peo = 2e-5  # cm^2/s
    cell = build_cell(tmp_path, 5, cell=(36.0, 36.0, 36.0), n_peo=60, peo_length=1, seed=7)
    rng = np.random.default_rng(7)
    n_frames = 400
    disp = _walks(cell, rng, n_frames, {"PEO": d_peo, "Na": D_NA, "FSI": D_FSI})
    dump = write_dump(tmp_path / "whole.lammpstrj", cell, rigid_motion(cell, disp), _steps(n_frames))
    result = analyze_conductivity(dump, cell.data_path, T, timestep_fs=2.0, neutral=True, viscosity_mPa_s=0.5)
    (name, est), *_ = result.diffusion_cm2_s.items()
    assert result.n_ions == {name: 60} and name.startswith("C") and result.charge_e == {name: 0.0}
    assert est.value == pytest.approx(d_peo, rel=0.08) and result.diffusive
    assert result.sigma_ne_S_cm.value == 0.0  # neutral molecules carry no current
    assert result.finite_size.diffusion_cm2_s[name].value > est.value  # the Yeh-Hummer increment is added
    ions = analyze_conductivity(dump, cell.data_path, T, timestep_fs=2.0)
    assert ions.n_ions == {"Na": 5, "FSI": 5}  # the default stays the ions
    with pytest.raises(ValueError, match="no neutral molecule"):
        load_ion_trajectory(dump, build_cell(tmp_path / "ions", 5, seed=8).data_path, timestep_fs=2.0, neutral=True)


def test_drift_is_removed_with_com_file(drifting):
    cell, _, ions_only, com_file = drifting
    result = analyze_conductivity(ions_only, cell.data_path, T, com_file=com_file, timestep_fs=2.0)
    assert "com.dat" in result.com_reference
    assert result.diffusion_cm2_s["Na"].value == pytest.approx(D_NA, rel=0.08)
    assert result.diffusion_cm2_s["FSI"].value == pytest.approx(D_FSI, rel=0.08)
    assert not any("com_file" in w for w in result.warnings)
    partial = analyze_conductivity(ions_only, cell.data_path, T, timestep_fs=2.0)
    assert "not the system" in partial.com_reference
    assert any("com_file" in w for w in partial.warnings)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"temperature_K": -5.0}, "temperature_K=-5.0"),
        ({"slope_tolerance": 1.5}, "slope_tolerance=1.5"),
        ({"n_blocks": 1}, "n_blocks=1"),
        ({"n_blocks": 100}, "frames per block"),
        ({"fit_range_fraction": (0.6, 0.5)}, "fit_range_fraction"),
        ({"min_window_ratio": 0.5}, "min_window_ratio=0.5"),
    ],
)
def test_bad_parameters_are_named(random_walk, kwargs, message):
    _, trajectory, _ = random_walk
    args = {"temperature_K": T, **kwargs}
    with pytest.raises(ValueError, match=message):
        TransportAnalysis(trajectory, **args)


def test_trajectory_type_is_checked():
    with pytest.raises(TypeError, match="IonTrajectory"):
        TransportAnalysis("dump.lammpstrj", T)


def test_pressure_file_gives_yeh_hummer_corrected_diffusion_from_its_green_kubo_viscosity(tmp_path):
    """Random walks with known D and an Ornstein-Uhlenbeck stress with known eta, through the files a run writes."""
    from naspe.analysis.finite_size import yeh_hummer_delta_cm2_s
    from naspe.analysis.synthetic import (
        ornstein_uhlenbeck_stress,
        ornstein_uhlenbeck_viscosity_mPa_s,
        write_pressure_file,
    )

    side = 40.0
    cell = build_cell(tmp_path, 100, cell=(side, side, side), seed=3)
    rng = np.random.default_rng(13)
    n_frames = 300
    positions = rigid_motion(cell, _walks(cell, rng, n_frames, {"Na": D_NA, "FSI": D_FSI}))
    dump = write_dump(tmp_path / "ions.lammpstrj", cell, positions, _steps(n_frames))
    # the stress sampled every 5 steps of 2 fs, as the production's pressure.dat
    every, tau_fs, s_atm = 5, 200.0, 150.0
    p = ornstein_uhlenbeck_stress(rng, 60_000, every * 2.0, tau_fs, s_atm)
    pressure = write_pressure_file(tmp_path / "pressure.dat", np.arange(len(p)) * every, p)
    exact_mpas = ornstein_uhlenbeck_viscosity_mPa_s(side**3, T, tau_fs, s_atm)

    result = analyze_conductivity(dump, cell.data_path, T, timestep_fs=2.0, pressure_file=pressure)
    fs = result.finite_size
    eta = fs.viscosity_mPa_s
    assert abs(eta.value - exact_mpas) < 3.0 * eta.stderr and eta.stderr < 0.2 * exact_mpas
    assert fs.viscosity_source.startswith(f"Green-Kubo of {pressure}") and fs.box_length_angstrom == pytest.approx(side)
    delta = yeh_hummer_delta_cm2_s(T, eta.value, side)
    assert fs.delta_diffusion_cm2_s.value == pytest.approx(delta, rel=1e-9)
    assert 0.1 * D_FSI < delta < 10 * D_NA  # a correction of the size that matters, so the sums below test something
    for name, d in (("Na", D_NA), ("FSI", D_FSI)):
        raw = result.diffusion_cm2_s[name].value
        assert raw == pytest.approx(d, rel=0.1), name  # the raw D stays the finite cell's
        assert fs.diffusion_cm2_s[name].value == pytest.approx(raw + delta, rel=1e-9), name
    assert not any(w.startswith("no Yeh-Hummer correction") for w in result.warnings)

    # too few samples for Green-Kubo: raw D's and the reason, or an error
    short = write_pressure_file(tmp_path / "short.dat", np.arange(50) * every, p[:50])
    kept = analyze_conductivity(dump, cell.data_path, T, timestep_fs=2.0, pressure_file=short, viscosity_required=False)
    assert kept.finite_size is None
    assert kept.diffusion_cm2_s["Na"].value == pytest.approx(result.diffusion_cm2_s["Na"].value, rel=1e-12)
    assert any(w.startswith("no Yeh-Hummer correction: the viscosity of short.dat") for w in kept.warnings)
    with pytest.raises(ValueError, match="blocks need"):
        analyze_conductivity(dump, cell.data_path, T, timestep_fs=2.0, pressure_file=short)
