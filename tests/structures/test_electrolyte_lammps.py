from __future__ import annotations

import subprocess

import numpy as np
import pytest

from naspe.structures.electrolyte import PolymerElectrolyte, cell_summary
from naspe.structures.ions import cation, fsi, tfsi
from naspe.structures.lammps_data import LammpsSystemWriter
from naspe.structures.lammps_env import mpi_environment
from naspe.structures.metal import na_slab
from naspe.structures.packing import min_contact_distance
from naspe.structures.peo import peo_oligomer, periodic_peo_chain
from naspe.structures.relax import lammps_energies
from naspe.structures.topology import combine, molecule_names, net_charge


def test_cell_composition_ratio_and_neutrality(small_cell):
    s = cell_summary(small_cell)
    assert s["n_eo"] == 20 and s["n_cation"] == 1 and s["n_anion"] == 1 and s["n_chains"] == 2
    assert s["n_eo"] / s["n_cation"] == 20
    assert s["total_charge"] == 0.0
    assert abs(s["density_g_cm3"] / 1.15 - 1.0) < 0.05
    assert min_contact_distance(small_cell, 2.0) >= 2.0 - 0.05


def test_cell_reproducible_with_seed(small_cell):
    again = PolymerElectrolyte("NaFSI", eo_per_cation=20, n_chains=2, chain_length=10, seed=3).build()
    assert np.allclose(again.positions, small_cell.positions, atol=1e-6)
    other = PolymerElectrolyte("NaFSI", eo_per_cation=20, n_chains=2, chain_length=10, seed=4).build()
    assert not np.allclose(other.positions, small_cell.positions)


def test_litfsi_reference_cell():
    cell = PolymerElectrolyte("LiTFSI", eo_per_cation=10, n_chains=2, chain_length=5, seed=1).build()
    names = molecule_names(cell)
    assert names.count("Li") == 1 and names.count("TFSI") == 1
    assert abs(net_charge(cell)) < 1e-9


def test_bad_ratio_names_working_chain_counts():
    with pytest.raises(ValueError, match=r"EO:cation = 20 .* 3 chains .* \[2, 4, 6, 8\]"):
        PolymerElectrolyte("NaFSI", 20, n_chains=3, chain_length=10)


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"salt": "KFSI"}, "salt='KFSI'"),
        ({"density_g_cm3": 5.0}, "density_g_cm3=5.0"),
        ({"n_chains": 0}, "n_chains=0"),
        ({"end_group": "amine"}, "end_group='amine'"),
    ],
)
def test_bad_inputs(kwargs, match):
    with pytest.raises(ValueError, match=match):
        PolymerElectrolyte(**kwargs)


def _pair():
    pair = combine([cation("Li"), cation("Na")])
    pair.positions[1] = [5.0, 0.0, 0.0]
    return pair


def _in_box(atoms, length=30.0):
    atoms = atoms.copy()
    atoms.cell = [length] * 3
    atoms.pbc = True
    atoms.positions += length / 2 - atoms.positions.mean(axis=0)
    return atoms


@pytest.mark.parametrize(
    "make",
    [
        lambda: _in_box(peo_oligomer(6, "methyl")),
        lambda: _in_box(peo_oligomer(6, "hydroxyl")),
        lambda: _in_box(fsi()),
        lambda: _in_box(tfsi()),
        lambda: _in_box(_pair()),
        lambda: periodic_peo_chain(4).atoms,
    ],
    ids=["peo-methyl", "peo-hydroxyl", "fsi", "tfsi", "li-na", "periodic-chain"],
)
def test_lammps_run0_finite(make):
    e = lammps_energies(make())
    assert all(np.isfinite(v) for v in e.values())
    # built at the force field's geometry: bond stretching stays small
    assert e["ebond"] < 5.0


def test_lammps_run0_cell_and_charge_scaling(small_cell):
    writer = LammpsSystemWriter(ion_charge_scaling=0.75)
    system = writer.get_system(small_cell)
    assert abs(system.total_charge) < 1e-6
    q = writer.charges(small_cell)
    na = [i for i, s in enumerate(small_cell.get_chemical_symbols()) if s == "Na"]
    assert np.allclose(q[na], 0.75)
    assert "CT-HC" in system.constrained_bond_types
    e = lammps_energies(small_cell, writer)
    assert all(np.isfinite(v) for v in e.values())
    # a packed, minimised cell: no overlaps, so LJ is not hugely repulsive
    assert e["evdwl"] < 50.0 * len(small_cell) / 100


def test_data_file_read_by_lmp_executable(tmp_path, small_cell):
    """The launched `lmp` (and `mpiexec`) find MPICH without the user setting LD_LIBRARY_PATH."""
    LammpsSystemWriter().get_system(small_cell).write(tmp_path)
    (tmp_path / "in.run0").write_text("include system.in.settings\nthermo_style custom step pe\nrun 0\n")
    proc = subprocess.run(
        ["mpiexec", "-n", "1", "lmp", "-in", "in.run0", "-log", "none"],
        cwd=tmp_path,
        env=mpi_environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Total wall time" in proc.stdout


def test_writer_refuses_what_it_cannot_parametrise():
    with pytest.raises(Exception, match="atom type 'NaM'"):
        LammpsSystemWriter().get_system(na_slab("110", repeat=(2, 2)))
    with pytest.raises(ValueError, match="has no cell"):
        LammpsSystemWriter().get_system(peo_oligomer(3))
    with pytest.raises(ValueError, match="ion_charge_scaling=1.5"):
        LammpsSystemWriter(ion_charge_scaling=1.5)
