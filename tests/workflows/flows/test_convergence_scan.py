"""The k-point / basis convergence scan: stopping logic on injected values with known answers, through real jobs."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pytest
from jobflow import JobStore, job, run_locally
from maggma.stores import MemoryStore

from naspe.workflows.dft.gpaw import GpawStaticMaker
from naspe.workflows.flows.convergence_scan.makers import ConvergenceScanMaker, converged_index


def test_converged_index_is_the_setting_the_next_one_reproduces():
    assert converged_index([0.30, 0.264, 0.255, 0.2526], 0.01) == 1
    assert converged_index([1.0, 0.5, 0.3], 0.01) is None
    assert converged_index([0.2, 0.2], 0.01) == 0
    assert converged_index([0.2], 0.01) is None


@job
def injected(k_length: float, mode: str, ecut: float) -> float:
    """W_adh (J/m^2): decays with L to 0.25 (k-stage), with the cutoff to 0.20 (pw stage)."""
    if mode == "pw":
        return 0.20 + 0.10 * math.exp(-(ecut - 400.0) / 40.0)
    return 0.25 + 0.05 * math.exp(-(k_length - 20.0) / 7.0)


@dataclass
class InjectedScan(ConvergenceScanMaker):
    """The scan with each step's W_adh injected from the step's settings (no DFT)."""

    def evaluate(self, maker, structure, n_substrate, label):
        j = injected(maker.k_length_angstrom, maker.mode, maker.ecut_eV)
        return [j], j.output


def _graphene_with_molecule():
    from ase.build import graphene, molecule
    from pymatgen.io.ase import AseAtomsAdaptor

    sheet = graphene(size=(3, 3, 1), vacuum=7.0)
    water = molecule("H2O")
    water.translate(sheet.positions[0] + [0, 0, 3.0] - water.positions[0])
    atoms = sheet + water
    atoms.pbc = True
    return AseAtomsAdaptor.get_structure(atoms), len(sheet)


def _run(flow, tmp_path):
    store = JobStore(MemoryStore())
    responses = run_locally(flow, store=store, root_dir=tmp_path, log=False, ensure_success=True)
    assert responses
    store.connect()
    docs = [d["output"] for d in store.query({}) if isinstance(d["output"], dict) and "steps" in d["output"]]
    assert len(docs) == 1
    return docs[0]


def test_scan_stops_when_the_change_is_below_the_tolerance_and_records_the_sequence(tmp_path):
    structure, n_sub = _graphene_with_molecule()
    scan = InjectedScan(static_maker=GpawStaticMaker(), quantity="w_adh_J_m2")
    doc = _run(scan.make(structure, n_sub, "carbon slab", "water/graphene"), tmp_path)
    ks = [s for s in doc["steps"] if s["stage"] == "kpoints"]
    # 0.30 -> 0.2620 (change -0.038) -> 0.2529 (-0.0091 < 0.01): L = 30 Å is converged, nothing denser is run
    assert [s["k_length_angstrom"] for s in ks] == [20.0, 30.0, 40.0]
    assert [s["mesh"] for s in ks] == [[4, 4, 1], [5, 5, 1], [7, 7, 1]]
    assert ks[2]["change"] == pytest.approx(-0.05 * (math.exp(-10 / 7) - math.exp(-20 / 7)))
    assert doc["kpoints_converged"] and doc["converged_k_length_angstrom"] == 30.0
    assert doc["converged_mesh"] == [5, 5, 1] and doc["tolerance"] == 0.01
    basis = [s for s in doc["steps"] if s["stage"] == "basis"]
    # 0.30 -> 0.2082 -> 0.2007 (change -0.0075): 500 eV converged; run at the converged L
    assert [s["ecut_eV"] for s in basis] == [400.0, 500.0, 600.0]
    assert {s["k_length_angstrom"] for s in basis} == {30.0}
    assert doc["basis_converged"] and doc["converged_ecut_eV"] == 500.0
    assert doc["lcao_minus_pw"] == pytest.approx(ks[1]["value"] - basis[1]["value"])
    assert doc["lcao_within_tolerance"] is False  # 0.054 J/m^2 between LCAO and plane waves


def test_a_sequence_that_never_settles_is_not_converged(tmp_path):
    structure, n_sub = _graphene_with_molecule()
    scan = InjectedScan(static_maker=GpawStaticMaker(), k_lengths_angstrom=(20.0, 30.0), ecuts_eV=(), tolerance=0.001)
    doc = _run(scan.make(structure, n_sub, "carbon slab"), tmp_path)
    assert len(doc["steps"]) == 2 and not doc["kpoints_converged"]
    assert doc["converged_k_length_angstrom"] is None and doc["basis_converged"] is None


def test_bad_settings_are_refused_before_any_job():
    with pytest.raises(ValueError, match="quantity='surface_energy': allowed are w_adh_J_m2, binding_energy_eV"):
        ConvergenceScanMaker(quantity="surface_energy")
    with pytest.raises(ValueError, match=r"k_lengths_angstrom=\(30.0, 20.0\): distinct positive values"):
        ConvergenceScanMaker(k_lengths_angstrom=(30.0, 20.0))
    with pytest.raises(ValueError, match="at least two cutoffs"):
        ConvergenceScanMaker(ecuts_eV=(400.0,))
    structure, n_sub = _graphene_with_molecule()
    with pytest.raises(ValueError, match="n_substrate=0"):
        ConvergenceScanMaker().make(structure, 0, "carbon slab")
