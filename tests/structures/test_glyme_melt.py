"""Glyme cells, neat PEO melts and the grow-then-squeeze builder (issue 13.5)."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest
from conftest import bond_lengths

from naspe.structures.electrolyte import PolymerElectrolyte, cell_summary
from naspe.structures.glyme import GLYMES, GlymeElectrolyte, glyme, salt_mass_g_mol
from naspe.structures.lammps_data import LammpsSystemWriter
from naspe.structures.lammps_env import mpi_environment
from naspe.structures.melt_build import CONTACT_FLOOR_ANGSTROM, ChainSpec, compress
from naspe.structures.packing import min_contact_distance
from naspe.structures.topology import FF_TYPE, molecule_names, net_charge


def _bonds_intact(atoms):
    """No bond stretched or squeezed far from its length (longest equilibrium bond: C-S 1.818 Å)."""
    _, d = bond_lengths(atoms)
    assert d.max() < 2.1 and d.min() > 0.85, (d.min(), d.max())


@pytest.mark.parametrize("name", list(GLYMES))
def test_glyme_molecules_are_neutral_methyl_capped_ethers(name):
    mol = glyme(name)
    g = GLYMES[name]
    types = list(mol.arrays[FF_TYPE])
    assert types.count("CTm") == 2 and types.count("OS") == g.n_eo + 1 and types.count("CTe") == 2 * g.n_eo
    assert abs(net_charge(mol)) < 1e-9
    assert molecule_names(mol) == [name]
    assert abs(mol.get_masses().sum() - g.molar_mass_g_mol) < 0.05
    assert abs(ChainSpec(name, g.n_eo, 1).mass_g_mol - g.molar_mass_g_mol) < 0.05


def test_composition_by_ratio_molality_and_molarity():
    solvate = GlymeElectrolyte("G4", 20, "LiTFSI", eo_per_cation=4)
    assert solvate.n_pairs == 20  # equimolar [Li(G4)]TFSI: 4 EO units per Li
    m = GlymeElectrolyte("G2", 60, "NaFSI", molality_mol_kg=1.0, density_g_cm3=1.1)
    assert m.n_pairs == 8  # 1 mol/kg x 60 x 134.18 g/mol = 8.05
    assert abs(m.molality - 8 / (60 * 134.175e-3)) < 1e-3
    c = GlymeElectrolyte("G4", 62, "LiTFSI", molarity_mol_l=1.0)
    volume_l = c.total_mass_g_mol / c.target_density_g_cm3 / 1000.0
    assert c.n_pairs == 16 and abs(c.n_pairs / volume_l - c.molarity) < 1e-12
    assert abs(c.molarity - 1.0) < 0.02
    # ideal mixing: the pure-glyme volume plus 143.1 cm^3/mol of LiTFSI
    v = 62 * 222.28 / 1.0072 + 16 * 143.1
    assert abs(c.target_density_g_cm3 - (62 * 222.28 + 16 * salt_mass_g_mol("LiTFSI")) / v) < 2e-3
    given = GlymeElectrolyte("G4", 62, "LiTFSI", molarity_mol_l=1.0, density_g_cm3=1.2)
    assert abs(given.molarity - 1.0) < 0.02 and given.target_density_g_cm3 == 1.2


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"glyme": "G7"}, "glyme='G7'"),
        ({"salt": "LiTFSI"}, "exactly one of"),
        ({"salt": "LiTFSI", "n_salt": 2, "molality_mol_kg": 1.0}, "exactly one of"),
        ({"n_salt": 2}, "without a salt"),
        ({"salt": "LiTFSI", "eo_per_cation": 7}, "EO:cation = 7"),
        ({"salt": "LiTFSI", "molality_mol_kg": -1.0}, "molality_mol_kg=-1.0"),
        ({"n_molecules": 60, "salt": "LiTFSI", "molarity_mol_l": 1.0}, r"2.9 % off .* \[58, 62, 66, 70\]"),
        ({"salt": "NaFSI", "molarity_mol_l": 1.0}, "no measured molar volume of NaFSI"),
        ({"density_g_cm3": 9.0}, "density_g_cm3=9.0"),
        ({"build_density_g_cm3": 2.0}, "above the target density"),
        ({"n_molecules": 0}, "n_molecules=0"),
    ],
)
def test_glyme_bad_inputs_name_the_value(kwargs, match):
    with pytest.raises(ValueError, match=match):
        GlymeElectrolyte(**kwargs)


def test_neat_peo_and_its_refusals():
    with pytest.raises(ValueError, match="neat PEO melt has no EO:cation"):
        PolymerElectrolyte(None, 20)
    with pytest.raises(ValueError, match="needs eo_per_cation"):
        PolymerElectrolyte("NaFSI", None)
    with pytest.raises(ValueError, match="build_density_g_cm3=1.2 is above"):
        PolymerElectrolyte(density_g_cm3=1.1, build_density_g_cm3=1.2)
    assert PolymerElectrolyte(None, None, n_chains=3, chain_length=7).n_salt == 0


@pytest.mark.slow
def test_small_glyme_and_neat_peo_cells_build_exactly():
    for spec, solvent in (
        (GlymeElectrolyte("G4", 12, "LiTFSI", eo_per_cation=4, seed=2), "G4"),
        (GlymeElectrolyte("G1", 30, seed=1), "G1"),
        (PolymerElectrolyte(None, None, n_chains=2, chain_length=12, density_g_cm3=1.105, seed=5), "PEO"),
    ):
        atoms = spec.build()
        s = cell_summary(atoms)
        names = molecule_names(atoms)
        n_solvent = names.count(solvent)
        assert n_solvent == (spec.n_molecules if solvent != "PEO" else 2)
        n_pairs = getattr(spec, "n_pairs", 0)
        assert s["n_cation"] == s["n_anion"] == n_pairs
        assert s["total_charge"] == 0.0
        assert abs(s["density_g_cm3"] - s["target_density_g_cm3"]) < 1e-6
        assert s["build_density_g_cm3"] == 0.5
        assert min_contact_distance(atoms, 2.5) >= CONTACT_FLOOR_ANGSTROM - 0.05
        _bonds_intact(atoms)


@pytest.mark.slow
def test_compress_reaches_the_box_and_keeps_molecules_whole():
    cell = GlymeElectrolyte("G2", 20, seed=3, density_g_cm3=0.5, build_density_g_cm3=None).build()
    target = cell.cell.lengths() * 0.8
    squeezed = compress(cell, target, seed=5, steps=500)
    assert np.allclose(squeezed.cell.lengths(), target)
    _bonds_intact(squeezed)
    assert min_contact_distance(squeezed, 2.0) > CONTACT_FLOOR_ANGSTROM
    with pytest.raises(ValueError, match="seed=0"):
        compress(cell, target, seed=0)


def _one_md_step(tmp_path, atoms):
    LammpsSystemWriter().get_system(atoms).write(tmp_path)
    (tmp_path / "in.step").write_text(
        "include system.in.settings\nvelocity all create 353 1\nfix md all nve\ntimestep 1.0\n"
        "thermo_style custom step pe temp\nrun 1\n"
    )
    proc = subprocess.run(
        ["mpiexec", "-n", "2", "lmp", "-in", "in.step", "-log", "none"],
        cwd=tmp_path,
        env=mpi_environment(),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "Total wall time" in proc.stdout


@pytest.mark.scale
@pytest.mark.parametrize("preset", ["standard", "production"])
def test_every_preset_cell_builds_at_full_size_and_runs_an_md_step(preset, tmp_path):
    """The campaign's own electrolyte settings (8 x 40 EO, 24 x 60 EO): grown dilute, squeezed, one MD step."""
    from naspe.workflows.campaign.presets import campaign_settings

    e = campaign_settings(preset).electrolyte
    spec = PolymerElectrolyte(e.salt, e.eo_per_cation, e.n_chains, e.chain_length, seed=e.seed)
    atoms = spec.build()
    s = cell_summary(atoms)
    assert s["n_chains"] == e.n_chains and s["n_eo"] == e.n_chains * e.chain_length
    assert s["n_eo"] / s["n_cation"] == e.eo_per_cation and s["total_charge"] == 0.0
    assert abs(s["density_g_cm3"] - 1.15) < 1e-6 and s["n_atoms"] > 2000
    assert min_contact_distance(atoms, 2.5) >= CONTACT_FLOOR_ANGSTROM - 0.05
    _bonds_intact(atoms)
    _one_md_step(tmp_path, atoms)
