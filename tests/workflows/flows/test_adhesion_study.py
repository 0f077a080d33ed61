from __future__ import annotations

import pytest
from jobflow import JobStore
from maggma.stores import MemoryStore

from naspe.structures.study import STUDY_SYSTEMS, build_adhesion_system
from naspe.structures.systems import Interface
from naspe.structures.topology import to_pymatgen
from naspe.workflows.dft.base import check_inputs
from naspe.workflows.dft.gpaw import GpawRelaxMaker
from naspe.workflows.dft.tblite import TbliteRelaxMaker
from naspe.workflows.execution.runner import run_flow
from naspe.workflows.flows.adhesion.makers import TbliteAdhesionMaker
from naspe.workflows.flows.adhesion.study import AdhesionStudyMaker, adhesion_study_summary
from naspe.workflows.flows.common.parts import split_interface


def test_every_study_system_builds_within_strain():
    for system in STUDY_SYSTEMS:
        film, substrate = Interface.parse(system).film, Interface.parse(system).substrate
        r = build_adhesion_system(substrate, film)
        assert r.strain <= 0.05 and r.n_film > 0 and r.n_substrate > 0, system
        assert len(r.atoms) < 100, system  # small enough for a GPAW LCAO screening run
        # GPAW (the default engine) accepts every part: vacuum to both faces, no atoms too close
        whole, sub, film = split_interface(to_pymatgen(r.atoms), r.n_substrate, 1.0)
        check_inputs(GpawRelaxMaker(), {"interface": whole, "substrate": sub, "film": film})
    with pytest.raises(ValueError, match="system 'pvdf/na110'"):
        Interface.parse("pvdf/na110")
    with pytest.raises(ValueError, match="film 'na110' on substrate 'na100'"):
        build_adhesion_system("na100", "na110")


def _doc(w, converged=True):
    return {
        "w_adh_J_m2": w,
        "area_angstrom2": 60.0,
        "strain": 0.01,
        "interface_bonds": {},
        "film_intact": True,
        "convergence": {"converged": converged, "not_converged": [] if converged else ["interface"]},
    }


def test_summary_ranks_and_compares_carbon_with_sodium():
    docs = {
        "peo/na110": _doc(0.10),
        "peo/graphene-oxidised": _doc(0.25),
        "peo/graphene": _doc(0.08),
        "nafsi/na110": None,
    }
    out = adhesion_study_summary.original(docs, "tblite")
    assert [r.system for r in out.rows][:3] == ["peo/graphene-oxidised", "peo/na110", "peo/graphene"]
    assert out.peo_carbon_max_J_m2 == 0.25 and out.peo_sodium_max_J_m2 == 0.10
    assert out.carbon_binds_peo_more is True
    assert out.failed == ["nafsi/na110"] and out.unconverged == []


def test_summary_counts_the_na_c_composite_on_neither_side():
    """PEO on Na-on-graphene is the Na/C class (as in the tables and the conclusion): neither carbon nor Na."""
    docs = {"peo/na110": _doc(0.10), "peo/graphene": _doc(0.08), "peo/na-on-graphene": _doc(0.40)}
    out = adhesion_study_summary.original(docs, "tblite")
    assert out.peo_carbon_max_J_m2 == 0.08 and out.peo_sodium_max_J_m2 == 0.10
    assert out.carbon_binds_peo_more is False


def test_summary_compares_converged_work_of_adhesion_only():
    """An unconverged W_adh (a relaxation at its step limit) or one of unknown convergence is not compared."""
    docs = {"peo/na110": _doc(0.10), "peo/graphene-oxidised": _doc(0.25, converged=False), "peo/graphene": _doc(0.08)}
    out = adhesion_study_summary.original(docs, "tblite")
    assert out.peo_carbon_max_J_m2 == 0.08 and out.carbon_binds_peo_more is False
    assert out.unconverged == ["peo/graphene-oxidised"]
    assert [r.not_converged for r in out.rows if r.system == "peo/graphene-oxidised"] == [["interface"]]
    old = {k: {key: v for key, v in d.items() if key != "convergence"} for k, d in docs.items()}  # stored before
    out = adhesion_study_summary.original(old, "tblite")
    assert out.carbon_binds_peo_more is None and out.peo_carbon_max_J_m2 is None
    assert sorted(out.unconverged) == sorted(docs) and all(r.converged is None for r in out.rows)


def test_study_flow_runs_a_subset_with_tblite(tmp_path):
    relax = TbliteRelaxMaker(steps=5, relax_kwargs={"fmax": 0.2})
    maker = AdhesionStudyMaker(
        adhesion_maker=TbliteAdhesionMaker(relax_maker=relax), systems=("peo/graphene", "peo/graphene-vacancy")
    )
    flow = maker.make()
    store = JobStore(MemoryStore())
    report = run_flow(flow, tmp_path, store=store)
    assert report.finished, report
    out = store.query_one({"uuid": flow.jobs[-1].uuid})["output"]
    assert out["engine"] == "tblite" and out["failed"] == []
    assert {r["system"] for r in out["rows"]} == {"peo/graphene", "peo/graphene-vacancy"}
    assert all(r["w_adh_J_m2"] > 0 for r in out["rows"])
    with pytest.raises(ValueError, match="system 'peo/copper'"):
        AdhesionStudyMaker(systems=("peo/copper",))


def test_shared_calculations_run_once():
    maker = AdhesionStudyMaker(
        adhesion_maker=TbliteAdhesionMaker(), systems=("peo/graphene", "peo/graphene-vacancy", "peo/na-on-graphene")
    )
    flow = maker.make()
    uuids = [j.uuid for f in flow.jobs[:-1] for j in f.jobs]
    # graphene and its vacancy share the PEO film in the same cell: relaxed once; the Na adatom's cell is taller
    assert len(uuids) == len(set(uuids)) == 3 * 4 - 1
