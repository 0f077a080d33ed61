"""The polarisable CL&Pol model in LAMMPS: inputs, a short real tgnvt/drude run, and the ion analysis."""

from __future__ import annotations

import numpy as np
import pytest

from naspe.analysis.lammps_io import LammpsDumpReader
from naspe.analysis.trajectory import load_ion_trajectory
from naspe.structures.glyme import GlymeElectrolyte
from naspe.structures.lammps_data import LammpsSystemWriter
from naspe.workflows.md.inputs import LammpsInputGenerator, StageSpec
from naspe.workflows.md.jobs import run_stage

GEN = LammpsInputGenerator(model="clpol", thermo_every=20, restart_every=100, ion_dump_every=10, full_dump_every=50)


@pytest.fixture(scope="module")
def clpol_system(tmp_path_factory):
    """6 DME + 1 NaFSI with Drude particles (106 atoms + 46 Drudes), written once."""
    cell = GlymeElectrolyte("G1", n_molecules=6, salt="NaFSI", n_salt=1, density_g_cm3=0.95, seed=1).build()
    d = tmp_path_factory.mktemp("clpol")
    system = LammpsSystemWriter(model="clpol").get_system(cell)
    system.write(d)
    return d, system


def test_clpol_inputs(clpol_system):
    _, system = clpol_system
    assert GEN.timestep_fs == 1.0 and LammpsInputGenerator().timestep_fs == 2.0
    with pytest.raises(ValueError, match="<= 1 fs"):
        LammpsInputGenerator(model="clpol", timestep_fs=2.0)
    with pytest.raises(ValueError, match="model='amoeba'"):
        LammpsInputGenerator(model="amoeba")
    args = (system.constrained_bond_types, system.ion_atom_types)
    with pytest.raises(ValueError, match="Drude record"):
        LammpsInputGenerator().get_input_set(StageSpec("nvt", 10), "restart", "x", *args, drude=system.drude)
    with pytest.raises(ValueError, match="Drude record"):
        GEN.get_input_set(StageSpec("nvt", 10), "restart", "x", *args)
    npt = GEN.get_input_set(StageSpec("npt", 10, 298.15, create_velocities=True), "restart", "x", *args, **_d(system))
    script = npt.script()
    assert "fix DRUDE all drude C C C N C C C C C D D D D D D D D" in script
    assert "comm_modify vel yes" in script and "timestep 1\n" in script
    assert "fix md all tgnpt/drude temp 298.15 298.15 100 1 20 iso 1 1 1000" in script
    assert "fix shake ATOMS shake 1.0e-4 20 0 b CT-HC" in script and "velocity ATOMS create 298.15" in script
    assert script.index("read_restart x") < script.index("pair_coeff 1 1 lj/cut/thole/long")  # hybrid: coeffs again
    prod = GEN.get_input_set(StageSpec("production", 10, 298.15), "restart", "x", *args, **_d(system)).script()
    assert "group ions type FS SBT NBT OBT Na\n" in prod  # cores only: the ion dump holds no Drude particle
    assert "c_TDRUDE[1] c_thermo_press" in script and "compute TDRUDE all temp/drude" in script
    assert "dump full ATOMS custom" in prod and "fix md all tgnvt/drude temp 298.15 298.15 100 1 20" in prod


def _d(system) -> dict:
    return {"drude": system.drude}


def test_tgnvt_drude_run_is_stable_with_cold_drudes_and_the_ion_analysis_reads_it(clpol_system, tmp_path):
    data_dir, system = clpol_system
    doc = run_stage(tmp_path / "min", data_dir, StageSpec("minimize", 200), GEN, "min", ranks=1)
    assert doc.state == "successful", doc.error
    spec = StageSpec("nvt", 200, 298.15, create_velocities=True)
    doc = run_stage(tmp_path / "nvt", tmp_path / "min", spec, GEN, "nvt", ranks=1)
    assert doc.state == "successful", doc.error
    assert not doc.recoveries  # no blow-up, no smaller time step
    temps = np.loadtxt(tmp_path / "nvt" / "drude_temp.dat")  # step, T(mol COM), T(atoms), T(Drude-core)
    late = temps[temps[:, 0] > 100]
    assert 0.3 < late[:, 3].mean() < 3.0, temps  # the Drude oscillators stay near 1 K
    assert np.all(late[:, 3] < 5.0) and 100.0 < late[:, 1].mean() < 700.0, temps  # 7 molecules: noisy
    thermo = np.loadtxt(tmp_path / "nvt" / "thermo.dat")  # the atoms' temperature (Drudes folded in)
    assert 150.0 < thermo[thermo[:, 0] > 100, 1].mean() < 450.0, thermo

    doc = run_stage(tmp_path / "prod", tmp_path / "nvt", StageSpec("production", 100, 298.15), GEN, "p", ranks=1)
    assert doc.state == "successful", doc.error
    frame = next(iter(LammpsDumpReader(tmp_path / "prod" / "ions.lammpstrj")))
    assert frame.ids.size == 10 and frame.ids.max() <= 106  # Na + FSI atoms, no Drude particle
    traj = load_ion_trajectory(
        tmp_path / "prod" / "ions.lammpstrj",
        data_dir / "system.data",
        timestep_fs=1.0,
        com_file=tmp_path / "prod" / "com.dat",
        charge_scaling=1.0,
    )
    assert traj.species.tolist() == ["Na", "FSI"] and traj.formal_charges.tolist() == [1, -1]
