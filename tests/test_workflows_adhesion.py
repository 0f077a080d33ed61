from __future__ import annotations

import warnings

import numpy as np
import pytest
from jobflow import JobStore, run_locally
from maggma.stores import MemoryStore

from naspe.structures.carbon import graphene
from naspe.structures.peo import peo_oligomer
from naspe.structures.topology import combine, to_pymatgen
from naspe.workflows.adhesion import EV_PER_A2_TO_J_PER_M2, TbliteAdhesionMaker, split_interface
from naspe.workflows.dft_engines import GpawRelaxMaker, TbliteRelaxMaker, is_slab, vasp_slab_relax_maker

warnings.filterwarnings("ignore")


def _dme_on_graphene(repeat=(3, 2), gap=3.2, top_vacuum=7.0):
    g = graphene(repeat, vacuum=4.0)
    m = peo_oligomer(1, "methyl", "trans")  # CH3-O-CH2-CH2-O-CH3
    m.positions += np.array([3.5, 4.0, 0.0]) - m.get_center_of_mass() * [1, 1, 0]
    m.positions[:, 2] += g.positions[:, 2].max() + gap - m.positions[:, 2].min()
    cell = g.cell.copy()
    cell[2, 2] = m.positions[:, 2].max() + top_vacuum
    return to_pymatgen(combine([g, m], cell=cell)), len(g)


def test_split_interface_same_cell_and_fixed_bottom():
    s, n_sub = _dme_on_graphene()
    whole, sub, film = split_interface(s, n_sub, 1.0)
    assert len(sub) == n_sub and len(film) == len(s) - n_sub
    assert sub.lattice == film.lattice == whole.lattice
    fixed = [not any(sd) for sd in whole.site_properties["selective_dynamics"]]
    assert sum(fixed) == n_sub  # the single graphene layer is the substrate bottom
    with pytest.raises(ValueError, match="n_substrate=0"):
        split_interface(s, 0, 1.0)


def test_tblite_work_of_adhesion_positive_for_physisorbed_ether(tmp_path):
    s, n_sub = _dme_on_graphene()
    maker = TbliteAdhesionMaker(relax_maker=TbliteRelaxMaker(steps=60, relax_kwargs={"fmax": 0.1}))
    flow = maker.make(s, n_sub)
    store = JobStore(MemoryStore())
    run_locally(flow, store=store, create_folders=True, root_dir=tmp_path, log=False)
    store.connect()
    doc = store.query_one({"uuid": flow.jobs[-1].uuid})["output"]
    assert doc["engine"] == "tblite"
    assert 0.01 < doc["w_adh_J_m2"] < 0.5  # physisorption: tens to hundreds of mJ/m^2
    assert doc["w_adh_J_m2"] == pytest.approx(doc["w_adh_eV_A2"] * EV_PER_A2_TO_J_PER_M2)
    assert doc["area_angstrom2"] == pytest.approx(7.38 * 8.5217, rel=1e-3)
    assert doc["film_intact"] and doc["film_bonds_broken"] == []
    assert doc["n_film"] == 16


def test_gpaw_maker_settings_and_bad_values():
    m = GpawRelaxMaker()
    slab = m.gpaw_parameters(slab=True)
    assert slab["poissonsolver"] == {"dipolelayer": "xy"} and slab["xc"] == "PBE" and slab["mode"] == "lcao"
    assert "poissonsolver" not in m.gpaw_parameters(slab=False)
    with pytest.raises(ValueError, match="mode='fd'"):
        GpawRelaxMaker(mode="fd")
    with pytest.raises(ValueError, match="dispersion='d4'"):
        GpawRelaxMaker(dispersion="d4")
    s, _ = _dme_on_graphene(top_vacuum=2.5)
    with pytest.raises(ValueError, match="needs >= 3.0 Å of vacuum"):
        GpawRelaxMaker(steps=1).run_ase(s)


def test_vasp_slab_inputs_key_by_key():
    s, n_sub = _dme_on_graphene()
    whole, _, _ = split_interface(s, n_sub, 1.0)
    assert is_slab(to_pymatgen(graphene()).to_ase_atoms())
    vis = vasp_slab_relax_maker().input_set_generator.get_input_set(whole, potcar_spec=True)
    incar = vis.incar
    # VASP wiki: IVDW = 12 is D3(BJ); LDIPOL + IDIPOL = 3 dipole correction along z; ISIF = 2 keeps the cell
    assert incar["IVDW"] == 12 and incar["LDIPOL"] is True and incar["IDIPOL"] == 3
    assert incar["ISIF"] == 2 and incar["IBRION"] == 2 and incar["NSW"] == 200
    assert incar["GGA"].upper() == "PE" and incar["EDIFFG"] == -0.02
    assert list(vis.kpoints.kpts[0]) == [7, 6, 1]  # 50 Å / a in plane, one k-point along the normal
    assert vis.poscar.selective_dynamics[0] == [False, False, False]
    assert vis.poscar.selective_dynamics[-1] == [True, True, True]


def test_gpaw_work_of_adhesion_positive_for_physisorbed_ether(tmp_path):
    """Real GPAW (LCAO szp, Gamma point, PBE-D3(BJ)) single points on a tiny cell."""
    from naspe.workflows.adhesion import GpawAdhesionMaker

    g = graphene((2, 2), vacuum=4.0)
    m = peo_oligomer(1, "methyl", "trans")
    m.rotate(m.positions[-1] - m.positions[0], "y", center="COM")
    m.positions += np.array([2.46, 4.26, 0.0]) - m.get_center_of_mass() * [1, 1, 0]
    m.positions[:, 2] += g.positions[:, 2].max() + 3.0 - m.positions[:, 2].min()
    cell = g.cell.copy()
    cell[2, 2] = m.positions[:, 2].max() + 4.0
    s = to_pymatgen(combine([g, m], cell=cell))
    relax = GpawRelaxMaker(steps=1, basis="szp(dzp)", grid_spacing_angstrom=0.25, kpoint_density=0.5)
    flow = GpawAdhesionMaker(relax_maker=relax).make(s, len(g))
    store = JobStore(MemoryStore())
    run_locally(flow, store=store, create_folders=True, root_dir=tmp_path, log=False)
    store.connect()
    doc = store.query_one({"uuid": flow.jobs[-1].uuid})["output"]
    assert doc["engine"] == "gpaw" and doc["film_intact"]
    assert 0.02 < doc["w_adh_J_m2"] < 0.5
    assert "PBE" in (tmp_path.glob("*/gpaw.txt").__next__()).read_text()
