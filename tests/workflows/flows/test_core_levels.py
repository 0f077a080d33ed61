from __future__ import annotations

import os

import numpy as np
import pytest
from ase import Atoms
from ase.build import molecule
from jobflow import JobStore, run_locally
from maggma.stores import MemoryStore
from pymatgen.io.ase import AseAtomsAdaptor

from naspe.analysis.xps import REFERENCE_BINDING_ENERGY_EV, XPS_RANGES_EV, core_environments, pick_reference
from naspe.workflows.dft.core_hole_setups import write_core_hole_setup
from naspe.workflows.dft.gpaw import GpawStaticMaker
from naspe.workflows.flows.core_level_documents import CoreLevelShiftDocument
from naspe.workflows.flows.core_levels import CoreLevelShiftMaker, core_level_shifts

# coarse but converged enough for the sign and order of shifts: ~2 s per core-hole SCF on 2 cores
COARSE = GpawStaticMaker(grid_spacing_angstrom=0.25, basis="dzp")


def _boxed(name: str, vacuum: float = 3.1) -> Atoms:
    a = molecule(name)
    a.center(vacuum=vacuum)
    a.pbc = False
    return a


def _two_molecules() -> Atoms:
    """Ethanol and acetaldehyde ~4 Å apart in one box: C-C, C-O and C=O carbons in the same cell."""
    eth, ald = molecule("CH3CH2OH"), molecule("CH3CHO")
    ald.positions += [eth.positions[:, 0].max() - ald.positions[:, 0].min() + 4.0, 0.0, 0.0]
    both = eth + ald
    both.center(vacuum=3.1)
    return both


# ----------------------------------------------------------------------------- classification (geometry only)


def test_carbon_environments_of_small_molecules():
    assert core_environments(molecule("CH3CH2OH")) == {0: "C-C", 1: "C-O"}
    assert core_environments(molecule("CH3CHO")) == {1: "C=O", 3: "C-C"}
    assert core_environments(molecule("CH3COOH")) == {0: "O-C=O", 4: "C-C"}
    assert core_environments(molecule("HCOOCH3")) == {0: "O-C=O", 4: "C-O"}
    assert core_environments(molecule("CH3CONH2"))[1] == "other"  # amide carbon: not one of the four XPS classes


def test_oxygen_environments_and_metal_contacts_ignored():
    assert core_environments(molecule("CH3COOH"), "O") == {1: "C=O", 2: "C(=O)-O"}
    eth = molecule("CH3CH2OH")
    assert core_environments(eth, "O") == {2: "C-O"}
    # a Na+ coordinated to the ether/alcohol oxygen (2.3 Å) does not change the class
    na = eth + Atoms("Na", positions=[eth.positions[2] + [0.0, 0.0, 2.3]])
    assert core_environments(na, "O") == {2: "C-O"} and core_environments(na) == {0: "C-C", 1: "C-O"}


def test_reference_is_the_c_c_carbon_farthest_from_oxygen():
    assert pick_reference(molecule("CH3CH2OH")) == 0
    ether = molecule("CH3CH2OCH3")  # O0, C1 (CH2-O), C2 (CH3-O), C3 (CH3 of ethyl)
    assert pick_reference(ether) == 3
    both = _two_molecules()
    ref = pick_reference(both)
    assert core_environments(both)[ref] == "C-C"
    with pytest.raises(ValueError, match="no C-O reference O atom"):
        pick_reference(molecule("CH3COOH"), "O")  # carbonyl and ester-type oxygens only
    assert pick_reference(molecule("CH3CH2OH"), "O") == 2


# ----------------------------------------------------------------------------- bad input, before any GPAW run


def test_bad_inputs_name_the_value_and_what_is_allowed():
    m = CoreLevelShiftMaker(static_maker=COARSE)
    eth = _boxed("CH3CH2OH")
    with pytest.raises(ValueError, match=r"element='N'.*\('C', 'O'\)"):
        m.validate(eth, None, None, "N")
    with pytest.raises(ValueError, match=r"index 99: out of range; allowed are 0\.\.8"):
        m.validate(eth, [99], None, "C")
    with pytest.raises(ValueError, match=r"index -1: out of range"):
        m.validate(eth, [-1], None, "C")
    with pytest.raises(ValueError, match=r"index 3: is H, not C; C atoms are \[0, 1\]"):
        m.validate(eth, [3], None, "C")
    with pytest.raises(ValueError, match=r"no C-C reference C atom in C2H6O .*\['C-O'\]"):
        m.validate(_boxed("CH3OCH3"), None, None, "C")
    with pytest.raises(ValueError, match=r"reference=1: is a C-O C, the reference must be C-C; C-C atoms: \[0\]"):
        m.validate(eth, None, 1, "C")
    with pytest.raises(ValueError, match="GPAW needs >= 3.0 Å of vacuum"):
        m.validate(_boxed("CH3CH2OH", vacuum=2.0), None, None, "C")
    with pytest.raises(ValueError, match="reference=0: no core-hole energy"):
        CoreLevelShiftDocument.from_energies(eth, "C", 0, {1: -1.0})
    with pytest.raises(ValueError, match="final_state='cation'"):
        CoreLevelShiftMaker(final_state="cation")
    with pytest.raises(ValueError, match="basis='xyz'"):
        CoreLevelShiftMaker(static_maker=GpawStaticMaker(basis="xyz"))
    with pytest.raises(ValueError, match="site-packages"):
        CoreLevelShiftMaker(setup_dir=os.path.dirname(np.__file__))
    with pytest.raises(ValueError, match="element='N'"):
        m.make(AseAtomsAdaptor.get_structure(eth), element="N")


def test_document_from_energies_aligns_to_xps():
    eth = molecule("CH3CH2OH")
    doc = CoreLevelShiftDocument.from_energies(eth, "C", 0, {0: -100.0, 1: -98.7}, ground_state_energy_eV=-390.0)
    s1 = next(s for s in doc.shifts if s.index == 1)
    assert s1.shift_eV == pytest.approx(1.3) and doc.shift_of(0) == 0.0
    assert s1.binding_energy_eV == pytest.approx(REFERENCE_BINDING_ENERGY_EV["C"] + 1.3)
    assert s1.xps_range_eV == XPS_RANGES_EV["C"]["C-O"] and s1.deviation_from_xps_eV == pytest.approx(-0.1)
    assert s1.delta_scf_energy_eV == pytest.approx(291.3)
    assert doc.mean_shift_by_environment_eV == {"C-C": 0.0, "C-O": pytest.approx(1.3)}
    assert CoreLevelShiftDocument.model_json_schema()["properties"]["shifts"]
    # O 1s: López et al. (1991) 532.8 / 532.2 / 533.7 eV at C 1s 285.0 eV, moved by -0.2 eV to C-C at 284.8 eV
    for env, lopez in (("C-O", 532.8), ("C=O", 532.2), ("C(=O)-O", 533.7)):
        assert np.mean(XPS_RANGES_EV["O"][env]) == pytest.approx(lopez - 0.2), env
    assert REFERENCE_BINDING_ENERGY_EV["O"] == pytest.approx(532.8 - 0.2)


def test_core_hole_setup_written_to_given_directory_and_cached(tmp_path):
    import gpaw

    write_core_hole_setup("O", tmp_path)
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["O.fch1s.PBE", "O.fch1s.dzp.basis"]
    stamp = (tmp_path / "O.fch1s.PBE").stat().st_mtime_ns
    write_core_hole_setup("O", tmp_path)
    assert (tmp_path / "O.fch1s.PBE").stat().st_mtime_ns == stamp
    assert str(tmp_path) not in map(str, gpaw.setup_paths)


# ----------------------------------------------------------------------------- real GPAW


@pytest.mark.slow
def test_c_o_shift_positive_ethanol_neutral_delta_scf(tmp_path):
    """Default neutral final state (Susi 2014): ethanol CH2OH vs CH3 is positive (+0.97 eV here)."""
    import gpaw

    paths = list(gpaw.setup_paths)
    doc = core_level_shifts(_boxed("CH3CH2OH"), maker=CoreLevelShiftMaker(static_maker=COARSE), directory=tmp_path)
    assert gpaw.setup_paths == paths  # the setup directory is taken off the path again
    assert doc.reference_index == 0 and doc.reference_environment == "C-C"
    shift = doc.shift_of(1)
    assert 0.5 < shift < 2.0
    assert doc.settings["gpaw_charge_with_hole"] == -1 and doc.settings["final_state"] == "neutral"
    assert doc.ground_state_energy_eV is not None
    assert all(280.0 < s.delta_scf_energy_eV < 300.0 for s in doc.shifts)  # C 1s scale
    assert (tmp_path / "C.fch1s.PBE").exists() and (tmp_path / "gpaw_C1_fch1s.txt").exists()


@pytest.mark.slow
def test_flow_shift_order_c_o_below_c_double_o_ionized(tmp_path):
    """jobflow end to end on a cell holding C-C, C-O and C=O carbons (core-ionised final state)."""
    both = _two_molecules()
    envs = core_environments(both)
    c_o = next(i for i, e in envs.items() if e == "C-O")
    c_eq_o = next(i for i, e in envs.items() if e == "C=O")
    ref = next(i for i, e in envs.items() if e == "C-C" and i < 9)  # ethanol's CH3
    maker = CoreLevelShiftMaker(static_maker=COARSE, final_state="ionized", ground_state=False, setup_dir=str(tmp_path))
    structure = AseAtomsAdaptor.get_structure(both)
    flow = maker.make(structure, atoms=[c_o, c_eq_o], reference=ref)
    assert len(flow.jobs) == 4  # reference, two excited atoms, document
    store = JobStore(MemoryStore())
    run_locally(flow, store=store, create_folders=True, root_dir=tmp_path, log=False)
    store.connect()
    doc = CoreLevelShiftDocument(**store.query_one({"uuid": flow.jobs[-1].uuid})["output"])
    shift = {s.environment: s.shift_eV for s in doc.shifts}
    assert 0.0 < shift["C-O"] < shift["C=O"]  # gas-phase XPS: ~1.4 and ~2.5 eV above CH3
    assert doc.settings["gpaw_charge_with_hole"] == 0
    assert (tmp_path / "C.fch1s.PBE").exists()  # one shared setup cache
