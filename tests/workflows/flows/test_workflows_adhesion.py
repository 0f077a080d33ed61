from __future__ import annotations

import json

import numpy as np
import pytest
from jobflow import JobStore, run_locally
from maggma.stores import MemoryStore

from naspe.structures.carbon import graphene
from naspe.structures.peo import peo_oligomer
from naspe.structures.topology import combine, to_pymatgen
from naspe.workflows.dft.checks import is_slab
from naspe.workflows.dft.gpaw import GpawRelaxMaker
from naspe.workflows.dft.tblite import TbliteRelaxMaker
from naspe.workflows.dft.vasp import vasp_slab_relax_maker
from naspe.workflows.flows.adhesion.makers import EV_PER_A2_TO_J_PER_M2, TbliteAdhesionMaker
from naspe.workflows.flows.common.parts import split_interface


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
    # initial moments (an open-shell film for a spin-polarised engine) survive the split
    s.add_site_property("magmom", [0.0] * (len(s) - 1) + [1.0])
    whole, sub, film = split_interface(s, n_sub, 1.0)
    assert whole.site_properties["magmom"][-1] == 1.0 and film.site_properties["magmom"][-1] == 1.0
    assert sub.site_properties["magmom"] == [0.0] * n_sub


def _adhesion_output(store, flow):
    store.connect()
    return store.query_one({"uuid": flow.jobs[-1].uuid}, sort={"index": -1})["output"]


#: the relaxation of the GFN2-xTB tests below: DME on graphene, the graphene held fixed; the interface takes
#: about 2.5 s per force call (40 atoms, 3D-periodic xTB), so the W_adh and scan tests share one relaxation
TBLITE_STEPS, TBLITE_FMAX = 40, 0.1


def _tblite_maker(**kwargs) -> TbliteAdhesionMaker:
    return TbliteAdhesionMaker(
        relax_maker=TbliteRelaxMaker(steps=TBLITE_STEPS, relax_kwargs={"fmax": TBLITE_FMAX}), **kwargs
    )


@pytest.fixture(scope="module")
def tblite_adhesion(tmp_path_factory):
    """The GFN2-xTB adhesion of DME on graphene, run once into a store the scan test runs on as well."""
    from naspe.workflows.execution.runner import run_flow

    s, n_sub = _dme_on_graphene()
    flow = _tblite_maker().make(s, n_sub)
    store = JobStore(MemoryStore())
    run_dir = tmp_path_factory.mktemp("tblite-adhesion")
    report = run_flow(flow, run_dir, store=store)
    assert report.finished, report
    return store, run_dir, flow


def test_tblite_work_of_adhesion_positive_for_physisorbed_ether(tblite_adhesion):
    store, _, flow = tblite_adhesion
    doc = _adhesion_output(store, flow)
    assert doc["engine"] == "tblite"
    assert 0.01 < doc["w_adh_J_m2"] < 0.5  # physisorption: tens to hundreds of mJ/m^2
    assert doc["w_adh_J_m2"] == pytest.approx(doc["w_adh_eV_A2"] * EV_PER_A2_TO_J_PER_M2)
    assert doc["area_angstrom2"] == pytest.approx(7.38 * 8.5217, rel=1e-3)
    assert doc["film_intact"] and doc["film_bonds_broken"] == []
    assert doc["n_film"] == 16
    # how far W_adh can be trusted: each relaxation's convergence, the level of theory, screening
    conv = doc["convergence"]
    assert set(conv["parts"]) == {"substrate", "film", "interface"}
    for part in conv["parts"].values():
        assert part["max_steps"] == TBLITE_STEPS and part["fmax_criterion_ev_per_a"] == TBLITE_FMAX
        assert part["converged"] is (part["final_fmax_ev_per_a"] < TBLITE_FMAX)
    assert conv["converged"] is all(p["converged"] for p in conv["parts"].values())
    assert conv["not_converged"] == [k for k, p in conv["parts"].items() if not p["converged"]]
    assert doc["purpose"] == "screening" and doc["level_of_theory"].startswith("GFN2-xTB")


def test_gpaw_maker_settings_and_bad_values():
    m = GpawRelaxMaker()
    s, n_sub = _dme_on_graphene()
    atoms = s.to_ase_atoms()
    atoms.pbc = (True, True, False)
    slab = m.gpaw_parameters(atoms)  # not periodic along z: a slab, with its dipole layer
    assert slab["poissonsolver"] == {"dipolelayer": "xy"} and slab["xc"] == "PBE" and slab["mode"] == "lcao"
    assert slab["kpts"]["size"][2] == 1 and slab["kpts"]["gamma"] is True
    assert "poissonsolver" not in m.gpaw_parameters(atoms, slab=False)
    with pytest.raises(ValueError, match="mode='fd'"):
        GpawRelaxMaker(mode="fd")
    with pytest.raises(ValueError, match="dispersion='d4'"):
        GpawRelaxMaker(dispersion="d4")
    s, n_sub = _dme_on_graphene(top_vacuum=2.5)
    with pytest.raises(ValueError, match="needs >= 3.0 Å of vacuum"):
        GpawRelaxMaker(steps=1).run_ase(s)
    # the adhesion flow refuses it when it is made, before the substrate relaxation runs
    from naspe.workflows.flows.adhesion.makers import GpawAdhesionMaker

    with pytest.raises(ValueError, match=r"film \(GPAW relaxation\): slab atoms span .* needs >= 3.0 Å of vacuum"):
        GpawAdhesionMaker().make(s, n_sub)


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
    assert list(vis.kpoints.kpts[0]) == [5, 4, 1]  # graphene (semimetal): ceil(30 Å / a) in plane, one along z
    assert vis.poscar.selective_dynamics[0] == [False, False, False]
    assert vis.poscar.selective_dynamics[-1] == [True, True, True]


def test_gpaw_work_of_adhesion_positive_for_physisorbed_ether(tmp_path):
    """Real GPAW (LCAO sz(dzp), h = 0.3 Å, Gamma point, PBE-D3(BJ)) single points on a tiny cell.

    Measured here: W_adh 0.111 J/m^2 counterpoise-corrected (0.116 raw, BSSE 6.5 meV per part).
    """
    from naspe.workflows.flows.adhesion.makers import GpawAdhesionMaker

    g = graphene((2, 2), vacuum=4.0)
    m = peo_oligomer(1, "methyl", "trans")
    m.rotate(m.positions[-1] - m.positions[0], "y", center="COM")
    m.positions += np.array([2.46, 4.26, 0.0]) - m.get_center_of_mass() * [1, 1, 0]
    m.positions[:, 2] += g.positions[:, 2].max() + 3.0 - m.positions[:, 2].min()
    cell = g.cell.copy()
    cell[2, 2] = m.positions[:, 2].max() + 4.0
    s = to_pymatgen(combine([g, m], cell=cell))
    relax = GpawRelaxMaker(steps=1, basis="sz(dzp)", grid_spacing_angstrom=0.3, kpts=(1, 1, 1))
    flow = GpawAdhesionMaker(relax_maker=relax).make(s, len(g))
    store = JobStore(MemoryStore())
    run_locally(flow, store=store, create_folders=True, root_dir=tmp_path, log=False)
    store.connect()
    doc = store.query_one({"uuid": flow.jobs[-1].uuid})["output"]
    assert doc["engine"] == "gpaw" and doc["film_intact"]
    assert 0.02 < doc["w_adh_J_m2"] < 0.5
    assert "PBE" in (tmp_path.glob("*/gpaw.txt").__next__()).read_text()


def test_separation_scan_fits_uber(tblite_adhesion):
    """The scan flow of the same relaxations: they are reused from the store, only the scan's single points run."""
    from naspe.workflows.execution.runner import run_flow

    store, run_dir, plain = tblite_adhesion
    s, n_sub = _dme_on_graphene()
    flow = _tblite_maker(scan_shifts_angstrom=(-0.4, 0.0, 0.4, 1.0, 2.0, 3.5, 6.0)).make(s, n_sub)
    report = run_flow(flow, run_dir, store=store)
    assert report.finished, report
    assert report.reused == [j.name for j in plain.jobs[:3]]  # the relaxations: same calculation, same uuid
    doc = _adhesion_output(store, flow)
    uber = doc["uber"]
    assert uber is not None and len(uber["energies_eV"]) == 7
    assert 2.2 < uber["d0_angstrom"] < 4.0  # a physisorbed ether sits ~3 Å above graphene
    # the rigid work of separation of the relaxed geometry is close to the relaxed W_adh
    assert uber["w_adh_J_m2"] == pytest.approx(doc["w_adh_J_m2"], rel=0.5)
    assert uber["rms_eV"] < 0.02


def test_scan_bad_values():
    with pytest.raises(ValueError, match="needs >= 4 distinct shifts"):
        TbliteAdhesionMaker(scan_shifts_angstrom=(0.0, 1.0, 1.0))
    with pytest.raises(ValueError, match=r"scan_shifts_angstrom=\(0.0, 1.0, 1.0, 2.0, 3.0\): each shift"):
        TbliteAdhesionMaker(scan_shifts_angstrom=(0.0, 1.0, 1.0, 2.0, 3.0))
    from naspe.workflows.flows.adhesion.makers import scan_structures

    s, n_sub = _dme_on_graphene(gap=3.0)
    with pytest.raises(ValueError, match=r"scan shifts \[-2.5\]"):
        scan_structures(s, n_sub, [-2.5, 0.0, 1.0, 2.0])
    structures, gaps = scan_structures(s, n_sub, [0.0, 4.0])
    assert gaps[1] - gaps[0] == pytest.approx(4.0)
    assert structures[0].lattice == structures[1].lattice
    assert structures[1].lattice.c == pytest.approx(s.lattice.c + 4.0)


def test_restart_of_half_finished_flow_reuses_finished_relaxations(tmp_path):

    from naspe.workflows.execution.runner import run_flow

    s, n_sub = _dme_on_graphene()

    def maker():  # a few steps: what is checked is which jobs run, not the relaxed geometry
        return TbliteAdhesionMaker(relax_maker=TbliteRelaxMaker(steps=3, relax_kwargs={"fmax": 0.1}))

    store = JobStore(MemoryStore())
    first = maker().make(s, n_sub)
    substrate, film = first.jobs[0], first.jobs[1]
    assert "substrate" in substrate.name and "film" in film.name
    # the run stopped after the substrate and film relaxations (e.g. the allocation ended)
    half = run_flow([substrate, film], tmp_path, store=store)
    assert half.ran == [substrate.name, film.name]
    store.connect()
    stamp = store.query_one({"uuid": substrate.uuid})["completed_at"]

    again = maker().make(s, n_sub)  # rebuilt from scratch, as a new session would
    assert [j.uuid for j in again.jobs] == [j.uuid for j in first.jobs]
    report = run_flow(again, tmp_path, store=store)
    assert report.reused == [substrate.name, film.name]
    assert report.ran == [again.jobs[2].name, again.jobs[3].name]
    assert store.query_one({"uuid": substrate.uuid})["completed_at"] == stamp
    assert store.count({"uuid": substrate.uuid}) == 1
    assert _adhesion_output(store, again)["w_adh_J_m2"] > 0

    # a different setting is a different calculation: nothing is reused
    other = TbliteAdhesionMaker(relax_maker=TbliteRelaxMaker(steps=4, relax_kwargs={"fmax": 0.1})).make(s, n_sub)
    assert not {j.uuid for j in other.jobs} & {j.uuid for j in first.jobs}


# --- one engine registry: the CLI and the campaign build the same calculation -----------------------------------


def test_cli_and_campaign_give_the_same_work_of_adhesion(tmp_path):
    """naspe adhesion and the campaign's adhesion part, one system (PEO on graphene), the same steps and fmax."""
    from typer.testing import CliRunner

    from naspe.workflows.base.identity import all_jobs
    from naspe.workflows.campaign import CampaignMaker, campaign_settings
    from naspe.workflows.cli.main import app
    from naspe.workflows.dft.registry import engine
    from naspe.workflows.execution.runner import run_flow

    steps, fmax = 3, 0.2
    args = ["adhesion", "--substrate", "graphene", "--film", "peo", "--engine", "tblite", "--json"]
    r = CliRunner().invoke(app, [*args, "--steps", str(steps), "--fmax", str(fmax), "--out", str(tmp_path / "cli")])
    assert r.exit_code == 0, r.output
    cli = json.loads(r.stdout)

    settings = campaign_settings(
        "quick",
        {
            "name": "same",
            "conductivity": {"enabled": False},
            "bonding": {"enabled": False},
            "core_levels": {"enabled": False},
            "adhesion": {"engine": "tblite", "systems": ["peo/graphene"], "steps": steps, "fmax_eV_A": fmax},
        },
    )
    flow = CampaignMaker(settings=settings).make()
    relax = [j for j in all_jobs(flow) if j.name.endswith(" relax")]
    assert len(relax) == 3
    cli_maker = engine("tblite").relax_maker(steps, fmax).as_dict()  # what naspe adhesion builds for these options
    for j in relax:  # same class, settings and calculator keywords (the job renames its Maker copy)
        assert {**j.maker.as_dict(), "name": None} == {**cli_maker, "name": None}
        assert j.maker.calculator_kwargs["electronic_temperature"] == 1000.0
    run = run_flow(flow, tmp_path / "campaign")
    assert run.finished, run.failure_message()
    summary = run.output(flow.jobs[0].jobs[-1])  # the adhesion study's summary
    (row,) = summary["rows"]
    assert row["system"] == "peo/graphene" and summary["engine"] == cli["engine"] == "tblite"
    # the same calculation: equal to round-off (the old drift, 300 K in the CLI, moved it by 7e-6 J/m^2 here)
    assert row["w_adh_J_m2"] == pytest.approx(cli["w_adh_J_m2"], rel=1e-9, abs=1e-12)
    assert row["area_angstrom2"] == cli["area_angstrom2"] and row["strain"] == cli["strain"]
