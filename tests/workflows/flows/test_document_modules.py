"""The light document modules: what importing them loads, and documents stored under the classes' old modules."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from monty.json import MontyDecoder, jsanitize
from pymatgen.core import Lattice, Structure

from naspe.analysis.bonds import Bond
from naspe.workflows.dft.convergence import DerivedConvergence, RelaxationConvergence
from naspe.workflows.execution.old_runs import install_redirects, translate
from naspe.workflows.flows.adhesion.schemas import AdhesionDocument, AdhesionStudyRow, AdhesionStudySummary
from naspe.workflows.flows.bonding.schemas import BindingDocument
from naspe.workflows.flows.common.schemas import CounterpoiseCorrection

LIGHT = "naspe.workflows.flows.adhesion.schemas"
#: class -> the light module that defined it before the protocols' sub-packages (what stored documents name)
FLAT_LIGHT_HOMES = {
    "AdhesionDocument": "naspe.workflows.flows.adhesion_documents",
    "AdhesionStudyRow": "naspe.workflows.flows.adhesion_documents",
    "AdhesionStudySummary": "naspe.workflows.flows.adhesion_documents",
    "CounterpoiseCorrection": "naspe.workflows.flows.adhesion_documents",
    "BindingDocument": "naspe.workflows.flows.bonding_documents",
}
#: class -> the module that defined it before the light modules
OLD_HOMES = {
    "AdhesionDocument": "naspe.workflows.flows.adhesion",
    "AdhesionStudyRow": "naspe.workflows.flows.adhesion_study",
    "AdhesionStudySummary": "naspe.workflows.flows.adhesion_study",
    "CounterpoiseCorrection": "naspe.workflows.flows.counterpoise",
}
#: the same before the package was restructured into rooms
FLAT_HOMES = {
    "AdhesionDocument": "naspe.workflows.adhesion",
    "AdhesionStudyRow": "naspe.workflows.adhesion_study",
    "AdhesionStudySummary": "naspe.workflows.adhesion_study",
}


def test_importing_the_document_modules_loads_no_workflow_engine_store_or_dft_code():
    code = (
        "import json, sys\n"
        "import naspe.workflows.flows.adhesion.schemas, naspe.workflows.flows.bonding.schemas\n"
        "import naspe.workflows.flows.conductivity.schemas, naspe.workflows.flows.core_levels.schemas\n"
        "print(json.dumps([m for m in ('jobflow', 'atomate2', 'maggma', 'gpaw') if m in sys.modules]))"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout) == []


def test_the_maker_modules_re_export_their_documents():
    from naspe.workflows.flows.adhesion import makers, study

    assert makers.AdhesionDocument is AdhesionDocument and "AdhesionDocument" in makers.__all__
    assert study.AdhesionStudyRow is AdhesionStudyRow and study.AdhesionStudySummary is AdhesionStudySummary


def _counterpoise() -> CounterpoiseCorrection:
    return CounterpoiseCorrection.from_energies("substrate", "film", 2, -10.0, -10.2, -5.0, -5.3, basis="dzp")


def _adhesion() -> AdhesionDocument:
    interface = Structure(
        Lattice.hexagonal(2.46, 15.0), ["C", "C", "O"], [[0, 0, 0.3], [1 / 3, 2 / 3, 0.3], [0, 0, 0.5]]
    )
    part = RelaxationConvergence(
        converged=True, final_fmax_ev_per_a=0.01, fmax_criterion_ev_per_a=0.05, steps=12, max_steps=100
    )
    return AdhesionDocument(
        engine="gpaw",
        w_adh_J_m2=0.21,
        w_adh_eV_A2=0.0131,
        w_adh_raw_J_m2=0.35,
        w_adh_cp_J_m2=0.21,
        counterpoise=_counterpoise(),
        area_angstrom2=5.24,
        strain=0.01,
        energy_substrate_eV=-20.0,
        energy_film_eV=-5.0,
        energy_interface_eV=-25.1,
        n_substrate=2,
        n_film=1,
        bonds_formed=[Bond(i=0, j=2, elements=("C", "O"), length_angstrom=1.45, kind="C-O")],
        bonds_broken=[],
        film_bonds_broken=[],
        interface_bonds={"C-O": 1},
        film_intact=True,
        relaxed_interface=interface,
        convergence=DerivedConvergence.from_parts({"substrate": part, "film": part, "interface": part}),
        purpose="production",
    )


def _summary() -> AdhesionStudySummary:
    row = AdhesionStudyRow(system="peo/graphene", finished=True, w_adh_J_m2=0.21, document_uuid="u1", converged=True)
    return AdhesionStudySummary(
        engine="gpaw", rows=[row, AdhesionStudyRow(system="peo/na110", finished=False)], failed=[]
    )


def _binding() -> BindingDocument:
    complex_ = Structure(Lattice.cubic(10.0), ["Na", "O"], [[0, 0, 0], [0, 0, 0.23]])
    return BindingDocument(
        engine="cp2k",
        binding_energy_eV=-0.5,
        binding_energy_raw_eV=-0.6,
        binding_energy_cp_eV=-0.5,
        counterpoise=_counterpoise(),
        energy_complex_eV=-30.6,
        energy_substrate_eV=-20.0,
        energy_fragment_eV=-10.0,
        n_substrate=1,
        n_fragment=1,
        bonds_formed=[],
        bonds_broken=[],
        interface_bonds={},
        fragment_intact=True,
        bond_orders_available=False,
        relaxed_complex=complex_,
    )


def _stored(doc) -> dict:
    """``doc`` as the driver stores a job's output (jsanitize of the response output, through JSON)."""
    return json.loads(json.dumps(jsanitize(doc, strict=True, enum_values=True, allow_bson=True)))


def _renamed(data, homes: dict[str, str]):
    """``data`` with the ``@module`` of every class named in ``homes`` set to that module."""
    if isinstance(data, list):
        return [_renamed(v, homes) for v in data]
    if not isinstance(data, dict):
        return data
    out = {k: _renamed(v, homes) for k, v in data.items()}
    if out.get("@class") in homes:
        out["@module"] = homes[out["@class"]]
    return out


DOCUMENTS = {"adhesion": _adhesion, "study summary": _summary, "binding": _binding}
#: the module a stored document names now (jobflow records the output's class; nested models are plain fields)
MODULES = {"adhesion": LIGHT, "study summary": LIGHT, "binding": "naspe.workflows.flows.bonding.schemas"}


@pytest.mark.parametrize("kind", DOCUMENTS)
def test_new_documents_record_the_light_modules(kind):
    stored = _stored(DOCUMENTS[kind]())
    assert stored["@module"] == MODULES[kind]


@pytest.mark.parametrize("homes", [FLAT_LIGHT_HOMES, OLD_HOMES], ids=["light modules", "before them"])
@pytest.mark.parametrize("kind", DOCUMENTS)
def test_documents_stored_under_the_old_modules_decode_as_their_class(kind, homes):
    doc = DOCUMENTS[kind]()
    old = _renamed(_stored(doc), homes)
    assert f'"{LIGHT}"' not in json.dumps(old) and '"naspe.workflows.flows.common.schemas"' not in json.dumps(old)
    install_redirects()
    decoded = MontyDecoder().process_decoded(old)  # as a stored output is read (monty's redirects)
    assert type(decoded) is type(doc) and decoded == doc
    assert MontyDecoder().process_decoded(translate(old)) == doc  # as a run folder's flow is read


@pytest.mark.parametrize("kind", ["adhesion", "study summary"])
def test_documents_stored_before_the_rooms_decode_as_their_class(kind):
    doc = DOCUMENTS[kind]()
    flat = _renamed(_renamed(_stored(doc), OLD_HOMES), FLAT_HOMES)
    assert '"naspe.workflows.flows.' not in json.dumps(flat)
    install_redirects()
    decoded = MontyDecoder().process_decoded(flat)
    assert type(decoded) is type(doc) and decoded == doc
    assert MontyDecoder().process_decoded(translate(flat)) == doc


def test_flows_naming_the_bonding_jobs_old_module_find_them():
    from naspe.workflows.flows.bonding.jobs import binding_document, reaction_document

    for job, name in ((binding_document, "binding_document"), (reaction_document, "reaction_document")):
        for old_module in ("naspe.workflows.flows.bonding_documents", "naspe.workflows.flows.bonding"):
            new = translate({"@module": old_module, "@callable": name})
            assert new == {"@module": "naspe.workflows.flows.bonding.jobs", "@callable": name}
            assert MontyDecoder().process_decoded(new) is job
