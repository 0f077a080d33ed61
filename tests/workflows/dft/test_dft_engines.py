from __future__ import annotations

import numpy as np
import pytest
from ase.build import molecule
from jobflow import Flow, JobStore, job, run_locally
from maggma.stores import MemoryStore
from pymatgen.io.ase import AseAtomsAdaptor

from naspe.analysis.bonds import find_bonds
from naspe.workflows.dft.gpaw import GpawStaticMaker
from naspe.workflows.dft.tblite import TbliteRelaxMaker, TbliteStaticMaker


def _boxed(name: str, box: float = 8.0):
    a = molecule(name)
    a.cell = [box, box, box]
    a.center()
    a.pbc = True
    return AseAtomsAdaptor.get_structure(a)


def _run(flow, tmp_path):
    store = JobStore(MemoryStore())
    run_locally(flow, store=store, create_folders=True, root_dir=tmp_path, log=False)
    store.connect()
    return store


def test_tblite_document_has_engine_facts_charges_and_wiberg_orders(tmp_path):
    j = TbliteRelaxMaker(steps=30).make(_boxed("CH3COCH3"))
    doc = _run(j, tmp_path).query_one({"uuid": j.uuid})["output"]
    assert doc["engine"] == "tblite" and doc["engine_version"].startswith("0.")
    assert doc["scf_converged"] is True and doc["error"] is None and doc["ranks"] == 1
    assert doc["parameters"]["method"] == "GFN2-xTB"
    assert np.isfinite(doc["output"]["energy"]) and len(doc["output"]["forces"]) == 10
    assert "GFN2-xTB" in doc["level_of_theory"] and "no dipole correction" in doc["level_of_theory"]
    relax = doc["relaxation"]
    assert relax["converged"] is True and relax["final_fmax_ev_per_a"] < 0.05 and relax["max_steps"] == 30
    assert 0 < relax["steps"] < 30 and doc["is_force_converged"] is True
    assert doc["charge_method"] == "mulliken" and abs(sum(doc["charges"])) < 1e-6
    orders = {(i, j): o for i, j, o in doc["bond_orders"]}
    assert orders[(0, 1)] > 1.7  # acetone's C=O (O is atom 0, carbonyl C atom 1)
    assert 0.9 < orders[(1, 2)] < 1.1  # C-C single
    # the orders refine the geometric classification
    atoms = AseAtomsAdaptor.get_atoms(_boxed("CH3COCH3"))
    matrix = np.zeros((10, 10))
    for i, k, o in doc["bond_orders"]:
        matrix[i, k] = matrix[k, i] = o
    kinds = find_bonds(atoms, bond_orders=matrix).counts()
    assert kinds.get("C=O") == 1


def test_scf_failure_gives_failed_document_and_stops_dependents(tmp_path):
    maker = TbliteStaticMaker(calculator_kwargs={"method": "GFN2-xTB", "max_iterations": 2, "verbosity": 0})

    @job
    def downstream(energy):
        return energy

    calc = maker.make(_boxed("CH3COCH3"))
    after = downstream(calc.output.output.energy)
    store = _run(Flow([calc, after]), tmp_path)
    doc = store.query_one({"uuid": calc.uuid})["output"]
    assert doc["state"] == "failed" and doc["scf_converged"] is False
    assert "SCF not converged" in doc["error"] and doc["output"] is None
    assert doc["relaxation"]["converged"] is False and doc["relaxation"]["scf_converged"] is False
    assert store.query_one({"uuid": after.uuid}) is None  # nothing downstream ran on a missing energy


def test_relaxation_cut_at_its_step_limit_is_recorded_as_not_converged(tmp_path):
    """A real GFN2-xTB relaxation of a distorted water molecule given 2 steps: not converged, in the document."""
    from naspe.workflows.dft.documents import DftTaskDocument

    a = molecule("H2O")
    a.positions[0] += [0.25, 0.0, 0.0]
    a.cell = [8.0, 8.0, 8.0]
    a.center()
    a.pbc = True
    j = TbliteRelaxMaker(steps=2).make(AseAtomsAdaptor.get_structure(a))
    doc = _run(j, tmp_path).query_one({"uuid": j.uuid})["output"]
    relax = doc["relaxation"]
    assert relax["converged"] is False and relax["steps"] == 2 and relax["max_steps"] == 2
    assert relax["final_fmax_ev_per_a"] > relax["fmax_criterion_ev_per_a"] == 0.05
    assert doc["is_force_converged"] is False
    # a document stored before the field existed loads as unknown, never as converged
    old = {k: v for k, v in doc.items() if k not in ("relaxation", "level_of_theory") and not k.startswith("@")}
    assert DftTaskDocument.model_validate(old).relaxation is None


def test_atoms_too_close_refused_before_any_calculation():
    s = _boxed("H2O")
    s.replace(2, "H", s[0].coords + [0.3, 0.0, 0.0], coords_are_cartesian=True)
    with pytest.raises(ValueError, match=r"atoms 0 \(O\) and 2 \(H\) are 0.30 Å apart"):
        TbliteStaticMaker().run_ase(s)
    with pytest.raises(ValueError, match="ranks=0"):
        GpawStaticMaker(ranks=0)


def test_gpaw_under_mpi_launcher_matches_serial_with_hirshfeld_charges(tmp_path):
    s = _boxed("H2O", 7.0)
    common = {"basis": "szp(dzp)", "grid_spacing_angstrom": 0.25, "kpts": (1, 1, 1)}
    serial, parallel = GpawStaticMaker(**common, ranks=1).make(s), GpawStaticMaker(**common, ranks=2).make(s)
    store = _run(Flow([serial, parallel]), tmp_path)
    one = store.query_one({"uuid": serial.uuid})["output"]
    two = store.query_one({"uuid": parallel.uuid})["output"]
    assert one["engine"] == "gpaw" and one["ranks"] == 1 and two["ranks"] == 2
    assert one["scf_converged"] and two["scf_converged"]
    # 2 ranks (mpi4py, no domain decomposition) give the serial energy; domain decomposition did not
    assert two["output"]["energy"] == pytest.approx(one["output"]["energy"], abs=1e-6)
    assert one["charge_method"] == "hirshfeld"
    q = one["charges"]
    assert q[0] < -0.1 and q[1] > 0.05 and q[2] > 0.05  # O pulls electrons from the H atoms
    assert two["charges"] == pytest.approx(q, abs=1e-4)
    assert one["parameters"]["basis"] == "szp(dzp)" and one["parameters"]["dispersion"] == "d3bj"


def test_gpaw_refuses_moments_without_spin_polarisation():
    s = _boxed("H2O")
    s.add_site_property("magmom", [1.0, 0.0, 0.0])
    with pytest.raises(ValueError, match="initial magnetic moments .* but spinpol=False"):
        GpawStaticMaker().prepare(s)
    assert GpawStaticMaker(spinpol=True).prepare(s).get_initial_magnetic_moments()[0] == 1.0
