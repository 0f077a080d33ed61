from __future__ import annotations

import os

import numpy as np
import pytest
from ase import Atoms
from ase.build import molecule
from jobflow import JobStore, run_locally
from maggma.stores import MemoryStore
from pymatgen.io.ase import AseAtomsAdaptor

from naspe.analysis.xps import (
    REFERENCE_BINDING_ENERGY_EV,
    XPS_RANGES_EV,
    core_environments,
    pick_reference,
    reference_binding_energy,
)
from naspe.structures.carbon import graphene, oxidised_carbon
from naspe.workflows.dft.core_hole_setups import write_core_hole_setup
from naspe.workflows.dft.gpaw import GpawStaticMaker
from naspe.workflows.flows.core_levels import final_state as fs
from naspe.workflows.flows.core_levels.makers import CoreLevelShiftMaker, core_level_shifts
from naspe.workflows.flows.core_levels.molecules import MolecularShiftMaker, boxed_molecule, molecular_shift
from naspe.workflows.flows.core_levels.schemas import CoreLevelShiftDocument

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
    assert core_environments(molecule("CH4")) == {0: "C-C"} and core_environments(molecule("CO2")) == {0: "O-C=O"}
    assert core_environments(molecule("C6H6")) == dict.fromkeys(range(6), "C sp2")  # aromatic: three neighbours
    assert core_environments(molecule("CH3CH2OH")) == {0: "C-C", 1: "C-O"}
    assert core_environments(molecule("CH3CHO")) == {1: "C=O", 3: "C-C"}
    assert core_environments(molecule("CH3COOH")) == {0: "O-C=O", 4: "C-C"}
    assert core_environments(molecule("HCOOCH3")) == {0: "O-C=O", 4: "C-O"}
    assert core_environments(molecule("CH3CONH2"))[1] == "other"  # amide carbon: not one of the four XPS classes


def test_graphene_carbons_are_sp2_with_their_own_reference():
    """Graphitic carbons are not aliphatic C-C: own class, graphite's 284.42 eV (Susi et al. 2018)."""
    sheet = graphene((3, 2))
    assert set(core_environments(sheet).values()) == {"C sp2"}
    edge = oxidised_carbon("carbonyl")  # zigzag ribbon: H-terminated edge C, one edge C=O
    envs = core_environments(edge)
    assert sorted(envs.values()).count("C=O") == 1 and set(envs.values()) == {"C sp2", "C=O"}
    assert set(core_environments(edge, "O").values()) == {"C=O"}
    epoxide, hydroxyl = oxidised_carbon("epoxide"), oxidised_carbon("hydroxyl")
    assert sorted(core_environments(epoxide).values()).count("C-O") == 2
    assert sorted(core_environments(hydroxyl).values()).count("C-O") == 1
    assert core_environments(hydroxyl, "O") == {24: "C-O"}
    # PEO-like ether chain on graphene: the reference is a graphene carbon, aligned to 284.42 eV, not 284.8
    ether = molecule("CH3OCH3")
    ether.positions += sheet.positions[:, :].mean(axis=0) + [0.0, 0.0, 4.0] - ether.positions.mean(axis=0)
    film = sheet + ether
    ref = pick_reference(film)
    assert core_environments(film)[ref] == "C sp2" and ref < len(sheet)
    assert reference_binding_energy("C", "C sp2") == 284.42 and REFERENCE_BINDING_ENERGY_EV["C"]["C-C"] == 284.8
    doc = CoreLevelShiftDocument.from_energies(film, "C", ref, {ref: -10.0, len(sheet): -8.1})
    s = next(x for x in doc.shifts if x.index == len(sheet))
    assert s.environment == "C-O" and s.binding_energy_eV == pytest.approx(284.42 + 1.9)
    assert doc.reference_binding_energy_eV == 284.42 and "Susi" in doc.reference_binding_energy_source
    with pytest.raises(ValueError, match="environment='C-O': not a reference class of C 1s"):
        reference_binding_energy("C", "C-O")


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
    with pytest.raises(ValueError, match=r"no C sp2 or C-C reference C atom in C2H6O .*\['C-O'\]"):
        m.validate(_boxed("CH3OCH3"), None, None, "C")
    with pytest.raises(ValueError, match=r"reference=1: is a C-O C, the reference must be C sp2 or C-C .*: \[0\]"):
        m.validate(eth, None, 1, "C")
    with pytest.raises(ValueError, match="GPAW needs >= 3.0 Å of vacuum"):
        m.validate(_boxed("CH3CH2OH", vacuum=2.0), None, None, "C")
    with pytest.raises(ValueError, match="reference=0: no core-hole energy"):
        CoreLevelShiftDocument.from_energies(eth, "C", 0, {1: -1.0})
    with pytest.raises(ValueError, match="final_state='cation'"):
        CoreLevelShiftMaker(final_state="cation")
    with pytest.raises(ValueError, match="molecule='XYZ'"):
        MolecularShiftMaker().make("XYZ", 0)
    with pytest.raises(ValueError, match="reference atom 0 of H2O is O: it must be C too"):
        MolecularShiftMaker().make("CO2", 0, reference="H2O")
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
    assert s1.binding_energy_eV == pytest.approx(REFERENCE_BINDING_ENERGY_EV["C"]["C-C"] + 1.3)
    assert s1.xps_range_eV == XPS_RANGES_EV["C"]["C-O"] and s1.deviation_from_xps_eV == pytest.approx(-0.1)
    assert s1.delta_scf_energy_eV == pytest.approx(291.3)
    assert doc.mean_shift_by_environment_eV == {"C-C": 0.0, "C-O": pytest.approx(1.3)}
    assert doc.convergence.converged and set(doc.convergence.single_points) == {
        "C0 1s hole",
        "C1 1s hole",
        "ground state",
    }
    assert CoreLevelShiftDocument.model_json_schema()["properties"]["shifts"]
    # O 1s: López et al. (1991) 532.8 / 532.2 / 533.7 eV at C 1s 285.0 eV, moved by -0.2 eV to C-C at 284.8 eV
    for env, lopez in (("C-O", 532.8), ("C=O", 532.2), ("C(=O)-O", 533.7)):
        assert np.mean(XPS_RANGES_EV["O"][env]) == pytest.approx(lopez - 0.2), env
    assert REFERENCE_BINDING_ENERGY_EV["O"]["C-O"] == pytest.approx(532.8 - 0.2)


def test_core_hole_setup_written_to_given_directory_and_cached(tmp_path):
    import gpaw

    write_core_hole_setup("O", tmp_path)
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["O.fch1s.PBE", "O.fch1s.dzp.basis"]
    stamp = (tmp_path / "O.fch1s.PBE").stat().st_mtime_ns
    write_core_hole_setup("O", tmp_path)
    assert (tmp_path / "O.fch1s.PBE").stat().st_mtime_ns == stamp
    assert str(tmp_path) not in map(str, gpaw.setup_paths)


def test_final_state_from_the_system():
    mol = fs.choose(_boxed("CH4"))
    assert mol.final_state == "ionized" and "isolated molecule" in mol.reason and mol.requested == "auto"
    sheet = graphene((3, 2))
    assert fs.choose(sheet, gap_eV=0.02).final_state == "neutral"
    film = fs.choose(sheet, gap_eV=4.8)
    assert film.final_state == "ionized" and "insulating" in film.reason and film.band_gap_eV == 4.8
    assert fs.choose(sheet, "neutral").reason == "set explicitly (final_state)"
    with pytest.raises(ValueError, match="needs the ground-state gap"):
        fs.choose(sheet)
    with pytest.raises(ValueError, match="final_state='cation'"):
        fs.choose(sheet, "cation")
    # an ionised slab runs fully periodic (GPAW has no charged cell with mixed boundary conditions)
    m = CoreLevelShiftMaker(static_maker=COARSE)
    slab = graphene((3, 2))
    assert m.run_pbc(slab, 0, "ionized") == (True, True, True) and m.run_pbc(slab, 0, "neutral") == (True, True, False)
    assert "poissonsolver" not in m.gpaw_parameters(slab, 0, "ionized")
    assert "poissonsolver" in m.gpaw_parameters(slab, 0, "neutral") and m.gpaw_parameters(slab, 0, "neutral")["spinpol"]
    # flows: a periodic "auto" cell gets a ground-state job whose gap decides; a molecule is decided at once
    lean = CoreLevelShiftMaker(static_maker=COARSE, ground_state=False)
    epoxide = oxidised_carbon("epoxide")
    c_o = next(i for i, e in core_environments(epoxide).items() if e == "C-O")
    sheet_flow = lean.make(AseAtomsAdaptor.get_structure(epoxide), atoms=[c_o])
    assert [j.name.split()[-1] for j in sheet_flow.jobs][:1] == ["state"] and len(sheet_flow.jobs) == 4
    mol_flow = lean.make(AseAtomsAdaptor.get_structure(_boxed("CH3CH2OH")), atoms=[1])
    assert len(mol_flow.jobs) == 3 and mol_flow.jobs[0].function_args[3]["final_state"] == "ionized"


def test_final_state_of_a_metal_slab_from_its_gpaw_ground_state(tmp_path):
    """A real GPAW ground state of a two-layer Na(110) slab: no gap, so the neutral final state."""
    from ase.build import bcc110

    from naspe.workflows.flows.core_levels.runs import ground_state_result

    slab = bcc110("Na", size=(1, 1, 2), vacuum=3.5)
    slab.pbc = (True, True, False)
    static = GpawStaticMaker(basis="szp(dzp)", grid_spacing_angstrom=0.3, k_length_angstrom=12.0)
    maker = CoreLevelShiftMaker(static_maker=static, spinpol=False)
    result = ground_state_result(slab, maker, tmp_path)
    choice = fs.FinalStateChoice(**result["final_state"])
    assert result["band_gap_eV"] < fs.METALLIC_GAP_EV, result
    assert choice.final_state == "neutral" and "metallic" in choice.reason


def test_zero_moment_ground_state_runs_spin_paired_with_the_same_energy_and_gap(tmp_path):
    """A spin-polarised run started from zero moments keeps both channels equal: same energy and gap, twice the cost.

    So the ground state of a cell without initial moments runs spin-paired; one with moments (an open
    shell) and every core-hole run stay spin-polarised.
    """
    from naspe.workflows.flows.core_levels.runs import gpaw_energy

    water = _boxed("H2O", 3.0)
    maker = CoreLevelShiftMaker(static_maker=GpawStaticMaker(basis="sz(dzp)", grid_spacing_angstrom=0.3))
    assert maker.gpaw_parameters(water, None)["spinpol"] is False
    assert maker.gpaw_parameters(water, 0, "ionized")["spinpol"] is True
    radical = water.copy()
    radical.set_initial_magnetic_moments([1.0, 0.0, 0.0])
    assert maker.gpaw_parameters(radical, None)["spinpol"] is True
    (tmp_path / "paired").mkdir()
    paired, calc = gpaw_energy(water, None, maker, "neutral", tmp_path / "paired")
    assert calc.get_number_of_spins() == 1
    polarised, pcalc = _spin_polarised_ground_state(water, maker, tmp_path / "polarised")
    assert pcalc.get_number_of_spins() == 2 and abs(pcalc.get_magnetic_moment()) < 1e-6
    assert paired == pytest.approx(polarised, abs=2e-3)
    assert fs.band_gap_eV(calc) == pytest.approx(fs.band_gap_eV(pcalc), abs=2e-3)


def test_unconverged_core_hole_scf_stores_no_energy_and_no_shift(tmp_path):
    """A core-hole SCF that stops unconverged (here: 2 iterations allowed) fails its job: no energy, no document.

    GPAW raises ``KohnShamConvergenceError``; the job's output and the shift document never reach the store.
    """
    from gpaw import KohnShamConvergenceError

    from naspe.workflows.flows.core_levels.runs import hole_energy

    starved = GpawStaticMaker(grid_spacing_angstrom=0.3, basis="sz(dzp)", calculator_kwargs={"maxiter": 2})
    maker = CoreLevelShiftMaker(
        static_maker=starved, final_state="ionized", ground_state=False, setup_dir=str(tmp_path)
    )
    ethanol = _boxed("CH3CH2OH", 3.1)
    with pytest.raises(KohnShamConvergenceError):
        hole_energy(ethanol, 1, maker, "ionized", tmp_path)
    flow = maker.make(AseAtomsAdaptor.get_structure(ethanol), atoms=[1], reference=0)
    store = JobStore(MemoryStore())
    run_locally(flow, store=store, create_folders=True, root_dir=tmp_path / "run", log=False)
    store.connect()
    assert store.count({"uuid": {"$in": [j.uuid for j in flow.jobs]}}) == 0


def _spin_polarised_ground_state(atoms, maker, workdir):
    """The ground state as the spin-polarised run it replaces (GPAW directly, same parameters)."""
    from gpaw import GPAW

    workdir.mkdir(parents=True)
    params = maker.gpaw_parameters(atoms, None) | {"spinpol": True, "txt": str(workdir / "gpaw.txt")}
    atoms = atoms.copy()
    atoms.calc = GPAW(**params)
    energy = atoms.get_potential_energy() + atoms.calc.get_reference_energy()
    return float(energy), atoms.calc


# ----------------------------------------------------------------------------- real GPAW


@pytest.mark.slow
def test_gas_phase_shift_co_vs_ch4_spin_polarised_ionised(tmp_path):
    """Each molecule alone in its box, core-ionised and spin-polarised: CO's C 1s vs CH4's.

    Measured +5.37 eV (Jolly et al. 1984). Tolerance 0.35 eV at these coarse settings (LCAO dzp,
    h = 0.22 Å, 4 Å vacuum). Spin polarisation shows in the absolute energies: CH4's Delta-SCF
    C 1s is 289.9 eV spin-polarised (measured 290.84 eV) and 296.9 eV spin-paired, where GPAW
    spreads the hole over both spin channels.
    """
    import gpaw

    paths = list(gpaw.setup_paths)
    lcao = CoreLevelShiftMaker(
        static_maker=GpawStaticMaker(grid_spacing_angstrom=0.22, basis="dzp", smearing_eV=0.01), final_state="ionized"
    )
    doc = molecular_shift(
        "CO", 1, maker=MolecularShiftMaker(core_level_maker=lcao, vacuum_angstrom=4.0), directory=tmp_path
    )
    assert gpaw.setup_paths == paths  # the setup directory is taken off the path again
    assert doc.settings["spinpol"] is True and doc.settings["gpaw_charge_with_hole"] == 0
    assert doc.environment == "C=O" and doc.measured_shift_eV == pytest.approx(5.37)
    assert abs(doc.error_eV) < 0.35, doc
    assert 288.5 < doc.reference_delta_scf_eV < 291.5  # spin-paired: ~296.9 eV
    assert (tmp_path / "CO_1" / "C.fch1s.PBE").exists() and (tmp_path / "CH4_0" / "gpaw_C0_fch1s.txt").exists()
    assert boxed_molecule("CO", 4.0).cell.lengths().min() == pytest.approx(8.0)


@pytest.mark.slow
def test_c_o_shift_positive_ethanol_auto_final_state(tmp_path):
    """A molecule gets the core-ionised final state by itself; ethanol CH2OH vs CH3 (gas phase ~+1.4 eV)."""
    doc = core_level_shifts(_boxed("CH3CH2OH"), maker=CoreLevelShiftMaker(static_maker=COARSE), directory=tmp_path)
    assert doc.reference_index == 0 and doc.reference_environment == "C-C"
    assert doc.final_state == "ionized" and "isolated molecule" in doc.final_state_reason
    assert 1.0 < doc.shift_of(1) < 1.8
    assert doc.settings["gpaw_charge_with_hole"] == 0 and doc.settings["spinpol"] is True
    assert doc.ground_state_energy_eV is not None and doc.ground_state_band_gap_eV > 3.0
    assert all(287.0 < s.delta_scf_energy_eV < 294.0 for s in doc.shifts)  # C 1s scale, spin-polarised


@pytest.mark.slow
def test_flow_shift_order_c_o_below_c_double_o_ionized(tmp_path):
    """jobflow end to end on a cell holding C-C, C-O and C=O carbons (core-ionised final state).

    Coarser than COARSE (szp(dzp), h = 0.3 Å): the test checks the flow and the order of the shifts,
    which these settings keep (measured here: C-O +1.48 eV, C=O +2.23 eV).
    """
    both = _two_molecules()
    envs = core_environments(both)
    c_o = next(i for i, e in envs.items() if e == "C-O")
    c_eq_o = next(i for i, e in envs.items() if e == "C=O")
    ref = next(i for i, e in envs.items() if e == "C-C" and i < 9)  # ethanol's CH3
    coarser = GpawStaticMaker(grid_spacing_angstrom=0.3, basis="szp(dzp)")
    maker = CoreLevelShiftMaker(
        static_maker=coarser, final_state="ionized", spinpol=False, ground_state=False, setup_dir=str(tmp_path)
    )
    structure = AseAtomsAdaptor.get_structure(both)
    flow = maker.make(structure, atoms=[c_o, c_eq_o], reference=ref)
    assert len(flow.jobs) == 4  # reference, two excited atoms, document
    store = JobStore(MemoryStore())
    run_locally(flow, store=store, create_folders=True, root_dir=tmp_path, log=False)
    store.connect()
    doc = CoreLevelShiftDocument(**store.query_one({"uuid": flow.jobs[-1].uuid})["output"])
    shift = {s.environment: s.shift_eV for s in doc.shifts}
    assert 0.0 < shift["C-O"] < shift["C=O"]  # gas-phase XPS: ~1.4 and ~2.5 eV above CH3
    assert doc.settings["gpaw_charge_with_hole"] == 0 and doc.final_state == "ionized"
    assert doc.final_state_reason == "set explicitly (final_state)"
    assert (tmp_path / "C.fch1s.PBE").exists()  # one shared setup cache


def test_guessed_final_state_lets_holes_start_beside_the_ground_state():
    """With a guess, the core-hole jobs take a fixed final state, not the ground state's output."""
    guess = CoreLevelShiftMaker(static_maker=COARSE, ground_state=False, final_state_guess="neutral")
    epoxide = oxidised_carbon("epoxide")
    c_o = next(i for i, e in core_environments(epoxide).items() if e == "C-O")
    flow = guess.make(AseAtomsAdaptor.get_structure(epoxide), atoms=[c_o])
    ground, *holes, doc = flow.jobs
    assert ground.name.endswith("ground state") and len(holes) == 2
    for hole in holes:
        choice = fs.FinalStateChoice.model_validate(hole.function_args[3])
        assert choice.final_state == "neutral" and choice.guessed and ground.uuid not in hole.input_uuids
    assert ground.uuid in doc.input_uuids  # the document checks the guess against the gap
    with pytest.raises(ValueError, match="final_state_guess='cation': allowed are None, "):
        CoreLevelShiftMaker(final_state_guess="cation")


@pytest.mark.slow
def test_wrong_final_state_guess_is_redone_with_the_ground_states_choice(tmp_path):
    """Ethanol in a periodic box is insulating: the neutral guess is replaced by ionised holes (real GPAW).

    The document is the one "auto" gives: ionised final state chosen from the gap, and the C-O
    shift of the core-ionised molecule (gas phase ~+1.4 eV), not the core exciton's.
    """
    ethanol = _boxed("CH3CH2OH", 3.0)
    ethanol.pbc = True
    static = GpawStaticMaker(grid_spacing_angstrom=0.25, basis="dzp", k_length_angstrom=1.0)
    maker = CoreLevelShiftMaker(
        static_maker=static, spinpol=False, setup_dir=str(tmp_path), final_state_guess="neutral"
    )
    flow = maker.make(AseAtomsAdaptor.get_structure(ethanol), atoms=[1], reference=0)
    store = JobStore(MemoryStore())
    run_locally(flow, store=store, create_folders=True, root_dir=tmp_path / "run", log=False)
    store.connect()
    docs = list(store.query({"output.@class": "CoreLevelShiftDocument"}))
    assert len(docs) == 1, [(d["uuid"], d["index"], d["name"]) for d in store.query({})]
    doc = CoreLevelShiftDocument(**docs[0]["output"])
    assert doc.final_state == "ionized" and "insulating" in doc.final_state_reason
    assert doc.ground_state_band_gap_eV > 3.0
    assert 1.0 < doc.shift_of(1) < 1.8
    holes = list(store.query({"name": {"$regex": "1s core hole$"}}))
    assert len(holes) == 4  # two guessed (neutral), two redone (ionised)
