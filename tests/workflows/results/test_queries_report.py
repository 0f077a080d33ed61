"""Queries of the results store (DataFrames, CLI) and the HTML report, on a store of real document models."""

from __future__ import annotations

import base64
import io
import json
import re
import uuid as uuidlib

import numpy as np
import pandas as pd
import pytest
import typer
from ase.build import molecule
from jobflow.core.schemas import JobStoreDocument
from monty.json import jsanitize
from pymatgen.core import Lattice, Structure
from typer.testing import CliRunner

from naspe.analysis.arrhenius import ZHAO_2019_PEO20_NAFSI
from naspe.analysis.bonds import Bond
from naspe.analysis.transport_result import TransportResult
from naspe.workflows.cli.results import register
from naspe.workflows.dft.convergence import DerivedConvergence, RelaxationConvergence
from naspe.workflows.execution.store import open_store
from naspe.workflows.flows.adhesion.makers import EV_PER_A2_TO_J_PER_M2, AdhesionDocument
from naspe.workflows.flows.adhesion.study import AdhesionStudyRow, AdhesionStudySummary
from naspe.workflows.flows.bonding.schemas import BindingDocument, ReactionDocument
from naspe.workflows.flows.conductivity.makers import summarize_conductivity
from naspe.workflows.flows.core_levels.makers import CoreLevelShiftDocument
from naspe.workflows.results.queries import (
    adhesion_table,
    bonding_table,
    campaigns,
    conductivity_fit_table,
    conductivity_table,
    core_level_table,
    jobs_table,
    substrate_class,
)
from naspe.workflows.results.report import FIGURES, build_report

QUICK = {"campaign": "c1", "preset": "quick", "salt": "NaFSI"}
K = 273.15


def _uuid() -> str:
    return str(uuidlib.uuid4())


def _put(
    store, output, name: str, metadata: dict, index: int = 1, uuid: str | None = None, drop: tuple[str, ...] = ()
) -> str:
    """Store ``output`` as the manager does (jsanitize of the response output); ``drop``: fields left out (old)."""
    uuid = uuid or _uuid()
    out = jsanitize(output, strict=True, enum_values=True, allow_bson=True)
    store.update(
        JobStoreDocument(
            uuid=uuid,
            index=index,
            output={k: v for k, v in out.items() if k not in drop} if drop else out,
            completed_at=f"2025-01-01T00:00:{len(store.distinct('uuid')):02d}",
            metadata=metadata,
            hosts=[],
            name=name,
        ),
        key=["uuid", "index"],
    )
    return uuid


def _transport(t_k: float, sigma: float, diffusive: bool = False, replica: int | None = 0) -> TransportResult:
    return TransportResult(
        temperature_K=t_k,
        replica=replica,
        diffusion_cm2_s={"Na": {"value": 2e-8, "stderr": 4e-9}, "FSI": {"value": 5e-8, "stderr": 1e-8}},
        sigma_ne_S_cm={"value": 2 * sigma, "stderr": 0.2 * sigma},
        sigma_eh_S_cm={"value": sigma, "stderr": 0.3 * sigma},
        haven_ratio={"value": 2.0, "stderr": 0.7},
        transference_cation={"value": 0.29, "stderr": 0.05},
        fit_window_ps=(2.0, 10.0),
        loglog_slope={"Na": 0.62, "FSI": 0.71},
        diffusive=diffusive,
        slope_tolerance=0.15,
        warnings=["not diffusive"] if not diffusive else [],
        n_ions={"Na": 4, "FSI": 4},
        charge_e={"Na": 1.0, "FSI": -1.0},
        charges="formal",
        volume_angstrom3=24000.0,
        n_frames=200,
        frame_interval_ps=0.1,
        duration_ps=19.9,
        com_reference="whole system",
        uncertainty_method="block average",
        n_blocks=5,
    )


def _interface() -> Structure:
    """A tiny interface stand-in: 2 substrate C, then a C-O-C film fragment (Å)."""
    coords = [[0, 0, 5], [1.42, 0, 5], [0.7, 0, 6.4], [0.7, 1.2, 7.0], [0.7, 2.4, 7.5]]
    lattice = Lattice.orthorhombic(4.26, 4.92, 20.0)
    return Structure(lattice, ["C", "C", "C", "O", "C"], coords, coords_are_cartesian=True)


#: the fields a document stored before convergence was recorded lacks
NEW_FIELDS = ("convergence", "purpose", "level_of_theory")


def _convergence(converged: bool = True) -> DerivedConvergence:
    """Three relaxations; the interface's stopped at its 5-step limit when not ``converged`` (fmax eV/Å)."""
    done = RelaxationConvergence.from_forces([[0.0, 0.0, 0.01]], steps=3, max_steps=5, fmax_ev_per_a=0.2)
    cut = RelaxationConvergence.from_forces([[0.0, 0.3, 0.4]], steps=5, max_steps=5, fmax_ev_per_a=0.2)
    return DerivedConvergence.from_parts({"substrate": done, "film": done, "interface": done if converged else cut})


def _adhesion(w: float, engine: str = "tblite", counts=None, formed=(), converged: bool = True) -> AdhesionDocument:
    area = 4.26 * 4.92
    return AdhesionDocument(
        engine=engine,
        w_adh_J_m2=w,
        w_adh_eV_A2=w / EV_PER_A2_TO_J_PER_M2,
        area_angstrom2=area,
        strain=0.012,
        energy_substrate_eV=-100.0,
        energy_film_eV=-50.0,
        energy_interface_eV=-150.0 - w / EV_PER_A2_TO_J_PER_M2 * area,
        n_substrate=2,
        n_film=3,
        bonds_formed=list(formed),
        bonds_broken=[],
        film_bonds_broken=[],
        interface_bonds=counts or {},
        film_intact=True,
        relaxed_interface=_interface(),
        film_charge_e=0.12,
        convergence=_convergence(converged),
        purpose="screening" if engine == "tblite" else "production",
        level_of_theory="GFN2-xTB (tblite, built-in D4)" if engine == "tblite" else "PBE-D3(BJ), GPAW PW 500 eV",
    )


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    """A data directory whose store holds every kind of result; returns (data_dir, store, uuids)."""
    data_dir = tmp_path_factory.mktemp("data")
    store = open_store(data_dir)
    ids: dict[str, str] = {}
    results = []
    for t_c, sigma in ((30.0, 3e-6), (60.0, 2e-5), (80.0, 5e-5)):
        r = _transport(t_c + K, sigma)
        results.append(r)
        meta = QUICK | {"component": "conductivity", "system": "peo20-nafsi"}
        ids[f"T{t_c:g}"] = _put(store, r, f"transport {t_c:g}C r0", meta)
    summary = summarize_conductivity.original(results, figure=False)
    ids["summary"] = _put(store, summary, "conductivity summary", QUICK | {"component": "conductivity"})
    # a second campaign at a standard preset; a replaced job keeps only its highest index
    std = {"campaign": "c2", "preset": "standard", "salt": "NaFSI", "component": "conductivity"}
    ids["std"] = _put(store, _transport(70.0 + K, 1e-3, diffusive=True), "transport 70C r0", std)
    _put(store, _transport(70.0 + K, 4e-4, diffusive=True), "transport 70C r0", std, index=2, uuid=ids["std"])

    co = Bond(i=1, j=2, elements=("C", "C"), length_angstrom=1.52, kind="C-C", order=0.93)
    meta = QUICK | {"component": "adhesion"}
    ids["peo/na110"] = _put(store, _adhesion(0.061, counts={"Na-O": 2}), "adhesion", meta | {"system": "peo/na110"})
    ids["peo/graphene"] = _put(store, _adhesion(0.083), "adhesion", meta | {"system": "peo/graphene"})
    ids["peo/graphene-oxidised"] = _put(
        store,
        _adhesion(0.412, counts={"C-C": 1}, formed=[co]),
        "adhesion",
        meta | {"system": "peo/graphene-oxidised"},
    )
    ids["peo/na-on-graphene"] = _put(  # its interface relaxation stopped at the step limit: not converged
        store,
        _adhesion(0.534, counts={"Na-O": 3}, converged=False),
        "adhesion",
        meta | {"system": "peo/na-on-graphene"},
    )
    ids["na110/graphite"] = _put(store, _adhesion(0.318), "adhesion", meta | {"system": "na110/graphite"})
    # no system in the metadata: found through the adhesion-study summary row naming the document's job uuid
    graphite = _adhesion(0.097)
    # stored before convergence was recorded: unknown, never converged
    ids["peo/graphite"] = _put(store, graphite, "GFN2-xTB adhesion work of adhesion", QUICK, drop=NEW_FIELDS)
    study = AdhesionStudySummary(
        engine="tblite",
        rows=[
            AdhesionStudyRow(
                system="peo/graphite",
                finished=True,
                w_adh_J_m2=0.097,
                area_angstrom2=graphite.area_angstrom2,
                document_uuid=ids["peo/graphite"],
            )
        ],
        failed=[],
    )
    _put(store, study, "adhesion study summary", QUICK)

    bond = Bond(i=0, j=20, elements=("C", "O"), length_angstrom=1.46, kind="C-O", order=0.88)
    binding = BindingDocument(
        engine="tblite",
        site="vacancy",
        fragment="dme",
        binding_energy_eV=-1.37,
        energy_complex_eV=-300.0,
        energy_substrate_eV=-250.0,
        energy_fragment_eV=-48.63,
        n_substrate=20,
        n_fragment=16,
        bonds_formed=[bond],
        bonds_broken=[],
        interface_bonds={"C-O": 1},
        fragment_intact=True,
        charge_transfer_e=0.21,
        fragment_charge_e=0.21,
        charge_method="mulliken",
        bond_orders_available=True,
        relaxed_complex=_interface(),
    )
    ids["binding"] = _put(store, binding, "binding energy", QUICK | {"component": "bonding", "site": "vacancy"})
    reaction = ReactionDocument(
        engine="tblite",
        reaction="dme-vacancy-bridge",
        description="C-O of DME breaks, O bridges the vacancy",
        reaction_energy_eV=-0.84,
        energy_reactant_eV=-300.0,
        energy_product_eV=-300.84,
        n_substrate=20,
        bonds_formed=[bond.model_copy(update={"length_angstrom": 1.40})],
        bonds_broken=[],
        substrate_bonds_changed=0,
        intended_bonds=[(0, 20)],
        intended_bonds_kept=True,
        charge_transfer_e=None,
        relaxed_reactant=_interface(),
        relaxed_product=_interface(),
    )
    ids["reaction"] = _put(store, reaction, "reaction energy", QUICK | {"component": "bonding"})

    eth, ald = molecule("CH3CH2OH"), molecule("CH3CHO")  # C-C, C-O and C=O carbons in one cell
    ald.positions += [eth.positions[:, 0].max() - ald.positions[:, 0].min() + 4.0, 0.0, 0.0]
    both = eth + ald
    both.center(vacuum=3.1)
    # indices: ethanol C0 (C-C), C1 (C-O); acetaldehyde C10 (C=O), C12 (C-C)
    core = CoreLevelShiftDocument.from_energies(
        both, "C", 0, {0: -1000.0, 1: -998.4, 10: -995.9}, settings={"engine": "gpaw", "final_state": "neutral"}
    )
    ids["core"] = _put(
        store, core, "core levels document", QUICK | {"component": "core_levels", "system": "peo/graphene-oxidised"}
    )
    return data_dir, store, ids


# ----------------------------------------------------------------------------- DataFrame queries


def test_conductivity_rows_carry_values_uuids_and_parameters(filled):
    data_dir, store, ids = filled
    df = conductivity_table(store, campaign="c1")
    assert list(df["temperature_C"].round(6)) == [30.0, 60.0, 80.0]
    assert list(df["job_uuid"]) == [ids["T30"], ids["T60"], ids["T80"]]
    assert list(df["sigma_eh_S_cm"]) == [3e-6, 2e-5, 5e-5]
    assert df["sigma_eh_stderr_S_cm"].iloc[0] == pytest.approx(0.9e-6)
    assert list(df["sigma_ne_S_cm"]) == [6e-6, 4e-5, 1e-4]
    assert df["D_Na_cm2_s"].iloc[0] == 2e-8 and df["D_FSI_cm2_s"].iloc[0] == 5e-8
    assert set(df["preset"]) == {"quick"} and set(df["salt"]) == {"NaFSI"} and list(df["replica"]) == [0, 0, 0]
    assert not df["diffusive"].any() and df["min_loglog_slope"].iloc[0] == pytest.approx(0.62)
    # filters: temperature in °C and K, preset, salt, campaign; a path works as the store
    assert list(conductivity_table(store, tmin_c=50, tmax_c=75)["temperature_C"].round(3)) == [60.0, 70.0]
    assert len(conductivity_table(store, tmin_k=350.0)) == 1
    assert list(conductivity_table(data_dir, preset="standard")["job_uuid"]) == [ids["std"]]
    assert conductivity_table(store, salt="NaTFSI").empty and conductivity_table(store, engine="gpaw").empty
    assert len(conductivity_table(store, salt="nafsi", engine="lammps")) == 4
    # the replaced job: only its highest index
    std = conductivity_table(store, campaign="c2")
    assert len(std) == 1 and std["job_index"].iloc[0] == 2 and std["sigma_eh_S_cm"].iloc[0] == 4e-4
    assert campaigns(store) == ["c1", "c2"]


def test_conductivity_fits_from_the_summary(filled, tmp_path):
    _, store, ids = filled
    # the quick campaign's points are not diffusive: no fit is made through them, each is listed with the reason
    assert conductivity_fit_table(store, campaign="c1").empty
    stored = store.query_one({"uuid": ids["summary"]})["output"]
    assert stored["arrhenius_sigma_eh_S_cm"] is None and len(stored["excluded"]) == 6
    assert all(p["reason"].startswith("not diffusive") for p in stored["excluded"])
    # diffusive points: the fit is made and the table reads it from the summary
    diffusive = open_store(tmp_path / "data")
    results = [_transport(t_c + K, sigma, diffusive=True) for t_c, sigma in ((30.0, 3e-6), (60.0, 2e-5), (80.0, 5e-5))]
    summary_uuid = _put(
        diffusive, summarize_conductivity.original(results, figure=False), "conductivity summary", QUICK
    )
    fits = conductivity_fit_table(diffusive, campaign="c1")
    stored = diffusive.query_one({"uuid": summary_uuid})["output"]
    row = fits[(fits["model"] == "arrhenius") & (fits["quantity"] == "sigma_eh_S_cm")].iloc[0]
    assert row["job_uuid"] == summary_uuid
    assert row["activation_energy_eV"] == stored["arrhenius_sigma_eh_S_cm"]["activation_energy_eV"]["value"]
    assert 0.3 < row["activation_energy_eV"] < 0.8 and row["n_temperatures"] == 3
    assert "vtf" not in set(fits["model"])  # three temperatures: no VTF fit


def test_adhesion_rows_classes_and_filters(filled):
    _, store, ids = filled
    df = adhesion_table(store)
    assert list(df["w_adh_J_m2"]) == sorted(df["w_adh_J_m2"], reverse=True)
    by = df.set_index("system")
    for system in ("peo/na110", "peo/graphene", "peo/graphene-oxidised", "peo/na-on-graphene", "na110/graphite"):
        assert by.loc[system, "job_uuid"] == ids[system]
    assert by.loc["peo/graphite", "job_uuid"] == ids["peo/graphite"]  # system from the study summary
    assert by.loc["peo/graphene-oxidised", "w_adh_J_m2"] == 0.412
    stored = store.query_one({"uuid": ids["peo/na110"]})["output"]
    assert by.loc["peo/na110", "w_adh_eV_A2"] == stored["w_adh_eV_A2"]
    assert by.loc["peo/na110", "area_angstrom2"] == pytest.approx(4.26 * 4.92)
    assert by.loc["peo/na110", "interface_bonds"] == "Na-O:2" and by.loc["peo/na110", "n_interface_bonds"] == 2
    assert by.loc["peo/graphene-oxidised", "interface_bonds_formed"] == "C-C:1"
    # convergence and purpose: converged, cut at the step limit (named), and unknown for an old document
    assert by.loc["peo/na110", "converged"] == True and by.loc["peo/na110", "convergence"] == "converged"  # noqa: E712
    cut = by.loc["peo/na-on-graphene"]
    assert cut["converged"] == False and cut["convergence"] == "not converged"  # noqa: E712
    assert (
        cut["not_converged"] == "interface"
        and "interface stopped at its step limit (5 of 5 steps, fmax 0.5 eV/Å > 0.2 eV/Å)" in cut["convergence_detail"]
    )
    old = by.loc["peo/graphite"]
    assert old["converged"] is None and old["convergence"] == "unknown" and pd.isna(old["level_of_theory"])
    assert old["purpose"] == "screening"  # unknown purpose, quick preset: screening
    assert set(by["purpose"]) == {"screening"} and by.loc["peo/na110", "level_of_theory"].startswith("GFN2-xTB")
    assert dict(by["substrate_class"]) == {
        "peo/graphene-oxidised": "defective/oxidised carbon",
        "na110/graphite": "Na/C",
        "peo/na-on-graphene": "Na/C",
        "peo/graphite": "carbon",
        "peo/graphene": "carbon",
        "peo/na110": "Na",
    }
    assert list(adhesion_table(store, interface="peo/graphene")["system"]) == ["peo/graphene"]  # exact
    assert set(adhesion_table(store, interface="graphene")["system"]) == {
        "peo/graphene-oxidised",
        "peo/na-on-graphene",
        "peo/graphene",
    }
    assert len(adhesion_table(store, engine="tblite", preset="quick", salt="NaFSI")) == 6
    assert adhesion_table(store, engine="gpaw").empty and adhesion_table(store, campaign="c2").empty
    assert substrate_class("vacancy") == "defective/oxidised carbon" and substrate_class("nope") is None


def test_bonding_rows_from_adhesion_binding_and_reaction(filled):
    _, store, ids = filled
    df = bonding_table(store)
    assert set(df["source"]) == {"adhesion", "binding", "reaction"}
    b = df[df["job_uuid"] == ids["binding"]].iloc[0]
    assert b["system"] == "dme/vacancy" and b["bond_kind"] == "C-O" and b["count"] == 1
    assert b["length_mean_angstrom"] == 1.46 and b["order_mean"] == 0.88 and b["energy_eV"] == -1.37
    r = df[df["job_uuid"] == ids["reaction"]].iloc[0]
    assert r["system"] == "dme-vacancy-bridge" and r["energy_eV"] == -0.84 and r["length_mean_angstrom"] == 1.40
    ox = df[df["job_uuid"] == ids["peo/graphene-oxidised"]].iloc[0]
    assert ox["bond_kind"] == "C-C" and ox["n_formed"] == 1 and ox["length_min_angstrom"] == 1.52
    none = df[df["job_uuid"] == ids["peo/graphene"]]
    assert len(none) == 1 and pd.isna(none["bond_kind"].iloc[0]) and none["count"].iloc[0] == 0
    assert set(bonding_table(store, interface="vacancy")["job_uuid"]) == {ids["binding"], ids["reaction"]}


def test_core_level_rows(filled):
    _, store, ids = filled
    df = core_level_table(store)
    assert set(df["job_uuid"]) == {ids["core"]} and set(df["system"]) == {"peo/graphene-oxidised"}
    by = df.set_index("index")
    assert by.loc[10, "environment"] == "C=O" and by.loc[10, "shift_eV"] == pytest.approx(4.1)
    assert by.loc[10, "binding_energy_eV"] == pytest.approx(288.9)
    assert by.loc[1, "within_xps"] and not by.loc[10, "within_xps"]  # 288.9 eV lies above the C=O range
    assert by.loc[10, "xps_low_eV"] == 287.6 and set(df["final_state"]) == {"neutral"}
    assert core_level_table(store, element="O").empty and len(core_level_table(store, interface="oxidised")) == 3


def test_jobs_table_reads_runs_and_store(filled, tmp_path):
    from jobflow import Flow

    from naspe.workflows.execution.hpc_config import load_execution_config
    from naspe.workflows.execution.probe_jobs import add
    from naspe.workflows.execution.runs import create_run

    data_dir, store, ids = filled
    a, b = add(1, 2), add(3, 4)
    a.update_metadata({"campaign": "c1", "preset": "quick", "component": "conductivity"})
    run = create_run(Flow([a, b], name="probe"), load_execution_config(None), tmp_path, name="r1")
    records = {
        a.uuid: {"uuid": a.uuid, "index": 1, "name": "add", "kind": "md", "state": "done", "attempts": 1,
                 "error": None, "started": "2025-01-01T00:00:01", "finished": "2025-01-01T00:00:02"},
        b.uuid: {"uuid": b.uuid, "index": 1, "name": "add", "kind": "md", "state": "failed", "attempts": 2,
                 "error": "RuntimeError: boom\ntrace", "started": "2025-01-01T00:00:03", "finished": None},
    }  # fmt: skip
    (run / "flow-state.json").write_text(json.dumps({"records": records, "scheduler_jobs": {}}))
    _put(store, 3, "add", a.metadata, uuid=a.uuid)
    df = jobs_table(tmp_path, store)
    assert set(df["job_uuid"]) == {a.uuid, b.uuid} and set(df["run"]) == {"r1"}
    done = df[df["job_uuid"] == a.uuid].iloc[0]
    assert done["state"] == "done" and done["completed_at"].startswith("2025") and done["preset"] == "quick"
    failed = jobs_table(tmp_path, store, state="failed")
    assert list(failed["job_uuid"]) == [b.uuid] and failed["error"].iloc[0] == "RuntimeError: boom"
    assert list(jobs_table(tmp_path, None, component="conductivity")["job_uuid"]) == [a.uuid]  # from flow.json


def test_rows_come_from_document_fields_not_names_texts_or_numbers(tmp_path):
    """Replica, summaries and systems come from typed fields: a job name, a warning or equal numbers change nothing."""
    from naspe.workflows.flows.adhesion.study import AdhesionStudyMaker
    from naspe.workflows.flows.conductivity.schemas import ConductivitySummary

    store = open_store(tmp_path / "data")
    misleading = _transport(90.0 + K, 1e-4, replica=1)
    misleading = misleading.model_copy(update={"warnings": ["replica 3; run /elsewhere r2"]})
    uuid = _put(store, misleading, "transport 90C r3", {"component": "conductivity"})
    df = conductivity_table(store)
    assert list(df["job_uuid"]) == [uuid] and list(df["replica"]) == [1]
    # a summary is recognised by its document class, not by having a caveat key
    fits = {"activation_energy_eV": {"value": 9.9, "stderr": None}, "temperatures_K": [300.0, 350.0]}
    decoy = {"n_requested": 2, "n_finished": 2, "points": [], "caveat": "x", "arrhenius_sigma_eh_S_cm": fits}
    _put(store, decoy, "conductivity summary", {"component": "conductivity"})
    results = [_transport(t + K, s, diffusive=True, replica=k) for t, s, k in ((60.0, 2e-5, 0), (80.0, 5e-5, 1))]
    summary = summarize_conductivity.original(results, figure=False)
    assert isinstance(summary, ConductivitySummary) and [p.replica for p in summary.points] == [0, 1]
    assert summary.fit("vtf", "sigma_eh_S_cm") is None and summary.fit("arrhenius", "sigma_eh_S_cm") is not None
    real = _put(store, summary, "conductivity summary", {"component": "conductivity"})
    table = conductivity_fit_table(store)
    assert set(table["job_uuid"]) == {real} and 9.9 not in set(table["activation_energy_eV"])
    assert set(zip(table["model"], table["quantity"], strict=True)) == {
        ("arrhenius", "sigma_eh_S_cm"),
        ("arrhenius", "sigma_ne_S_cm"),
    }
    # an adhesion document without metadata is not named by a summary row with equal W_adh and area...
    lone = _put(store, _adhesion(0.2), "GFN2-xTB adhesion work of adhesion", {})
    row = AdhesionStudyRow(system="peo/na110", finished=True, w_adh_J_m2=0.2, area_angstrom2=4.26 * 4.92)
    _put(store, AdhesionStudySummary(engine="tblite", rows=[row], failed=[]), "adhesion study summary", {})
    assert adhesion_table(store).set_index("job_uuid")["system"].isna()[lone]
    # ...and the study names each system's document in the jobs' metadata and in its summary rows
    flow = AdhesionStudyMaker(systems=("peo/graphene", "peo/na110")).make()
    for system, sub in zip(("peo/graphene", "peo/na110"), flow.jobs[:-1], strict=True):
        assert sub.jobs[-1].metadata["system"] == system
    assert flow.jobs[-1].function_args[2] == {
        s: f.jobs[-1].uuid for s, f in zip(("peo/graphene", "peo/na110"), flow.jobs[:-1], strict=True)
    }


# ----------------------------------------------------------------------------- CLI


@pytest.fixture(scope="module")
def cli():
    app = typer.Typer()
    register(app)

    def invoke(*args):
        return CliRunner().invoke(app, [str(a) for a in args])

    return invoke


def test_cli_json_csv_and_table(filled, cli):
    data_dir, store, ids = filled
    p = cli("query", "adhesion", "--json", "--data-dir", data_dir)
    assert p.exit_code == 0, p.output
    rows = json.loads(p.stdout)
    assert {r["job_uuid"]: r["w_adh_J_m2"] for r in rows}[ids["peo/graphene-oxidised"]] == 0.412
    by = {r["job_uuid"]: r for r in rows}
    cut, old = by[ids["peo/na-on-graphene"]], by[ids["peo/graphite"]]
    assert cut["converged"] is False and cut["not_converged"] == "interface" and cut["purpose"] == "screening"
    assert old["converged"] is None and old["convergence"] == "unknown"
    p = cli("query", "adhesion", "--csv", "--data-dir", data_dir)
    df = pd.read_csv(io.StringIO(p.stdout)).set_index("job_uuid")
    assert df.loc[ids["peo/na-on-graphene"], "convergence"] == "not converged"
    p = cli("query", "adhesion", "--data-dir", data_dir)
    header, *lines = p.stdout.splitlines()
    assert "converged" in header.split() and "not_converged" in header.split() and "purpose" in header.split()
    (line,) = [x for x in lines if x.split()[0] == "peo/na-on-graphene"]
    assert "False" in line.split() and "interface" in line.split()
    p = cli("query", "conductivity", "--csv", "--tmin-c", "50", "--preset", "quick", "--data-dir", data_dir)
    assert p.exit_code == 0, p.output
    df = pd.read_csv(io.StringIO(p.stdout))
    assert list(df["job_uuid"]) == [ids["T60"], ids["T80"]] and list(df["sigma_eh_S_cm"]) == [2e-5, 5e-5]
    p = cli("query", "conductivity", "--fits", "--json", "--data-dir", data_dir)
    assert p.exit_code == 0 and json.loads(p.stdout) == []  # no fit through the quick campaign's non-diffusive points
    for what in ("bonding", "corelevels"):
        p = cli("query", what, "--campaign", "c1", "--data-dir", data_dir)
        assert p.exit_code == 0, p.output
        assert ids["binding" if what == "bonding" else "core"] in p.stdout
    p = cli("query", "corelevels", "--json", "--data-dir", data_dir)
    assert json.loads(p.stdout)[0]["xps_high_eV"] is not None


def test_cli_clear_errors(filled, cli, tmp_path):
    data_dir, _, _ = filled
    empty = tmp_path / "empty"
    empty.mkdir()  # a data directory no run has written to yet
    p = cli("query", "conductivity", "--data-dir", empty)
    assert p.exit_code == 2
    assert p.stderr.strip() == f"naspe: error: no conductivity results in {empty}; run `naspe run --preset quick` first"
    p = cli("query", "adhesion", "--campaign", "nope", "--data-dir", data_dir)
    assert p.exit_code == 2 and "campaign 'nope' not found" in p.stderr and "c1, c2" in p.stderr
    p = cli("query", "adhesion", "--engine", "vasp", "--data-dir", data_dir)
    assert p.exit_code == 2 and "match the filters" in p.stderr
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    for args in (("query", "jobs"), ("report", "--out", tmp_path / "r")):
        p = cli(*args, "--data-dir", blocked)
        assert p.exit_code == 2 and "is not a directory" in p.stderr and len(p.stderr.strip().splitlines()) == 1
    typo = tmp_path / "typo"  # a data directory that does not exist is an error, never a new empty store
    for args in (("query", "adhesion", "--json"), ("query", "jobs"), ("report", "--out", tmp_path / "r")):
        p = cli(*args, "--data-dir", typo)
        assert p.exit_code == 2 and not p.stdout and len(p.stderr.strip().splitlines()) == 1, args
        assert p.stderr.startswith(f"naspe: error: no results store at {typo / 'store'}: the data directory {typo}")
        assert "does not exist; check --data-dir" in p.stderr and not typo.exists()
    p = cli("report", "--out", tmp_path / "r", "--data-dir", empty)
    assert p.exit_code == 2 and "no results in" in p.stderr
    p = cli("query", "jobs", "--data-dir", empty)
    assert p.exit_code == 2 and "no runs in" in p.stderr


def test_cli_no_results_is_an_empty_answer_for_scripts(filled, cli, tmp_path):
    """--json gives [] and --csv the header, exit 0; the table form says why on stderr (exit 2)."""
    data_dir, _, _ = filled
    fresh = tmp_path / "fresh"
    fresh.mkdir()  # a data directory no run has written to yet
    p = cli("query", "jobs", "--json", "--data-dir", fresh)
    assert p.exit_code == 0 and json.loads(p.stdout) == [] and not p.stderr
    p = cli("query", "jobs", "--csv", "--data-dir", fresh)
    assert p.exit_code == 0 and p.stdout.splitlines() == [p.stdout.splitlines()[0]]
    assert p.stdout.split(",")[:2] == ["run", "job_uuid"]
    for what in (("conductivity",), ("conductivity", "--fits"), ("adhesion",), ("bonding",), ("corelevels",)):
        p = cli("query", *what, "--json", "--data-dir", fresh)
        assert p.exit_code == 0 and json.loads(p.stdout) == [] and not p.stderr, what
        p = cli("query", *what, "--csv", "--data-dir", fresh)
        assert p.exit_code == 0 and len(p.stdout.splitlines()) == 1 and p.stdout.startswith("job_uuid,"), what
        p = cli("query", *what, "--data-dir", fresh)
        assert p.exit_code == 2 and not p.stdout and p.stderr.startswith("naspe: error: no "), what
    p = cli("query", "adhesion", "--engine", "vasp", "--json", "--data-dir", data_dir)  # filtered to nothing
    assert p.exit_code == 0 and json.loads(p.stdout) == []
    p = cli("query", "jobs", "--data-dir", fresh)
    assert p.exit_code == 2 and p.stderr.startswith("naspe: error: no runs in") and not p.stdout
    p = cli("query", "jobs", "--json", "--csv", "--data-dir", fresh)
    assert p.exit_code == 2 and "at most one of --json and --csv" in p.stderr


# ----------------------------------------------------------------------------- report


def plain_text(html: str) -> str:
    """The text of an HTML fragment (tags dropped)."""
    return re.sub(r"<[^>]+>", "", html)


def _links(page: str, uuid: str) -> list[str]:
    """Numbers linked to job ``uuid`` in the page."""
    return re.findall(rf'<a class="num" href="#job-{uuid}" title="[^"]*">([^<]*)</a>', page)


def test_report_renders_every_figure_and_numbers_of_the_store(filled, tmp_path, cli):
    data_dir, store, ids = filled
    p = cli("report", "--out", tmp_path / "rep", "--campaign", "c1", "--data-dir", data_dir)
    assert p.exit_code == 0, p.output
    page = (tmp_path / "rep" / "report.html").read_text()
    for name in FIGURES:
        png = (tmp_path / "rep" / name).read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000, name
        assert f'alt="{name}"' in page and f"({name})" in page
        assert base64.b64encode(png).decode() in page  # embedded, identical to the file
    # self-contained: no external references, images inline
    targets = re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)["']""", page)
    assert targets and all(t.startswith(("#", "data:image/png;base64,")) for t in targets)
    assert "<link" not in page and "<script" not in page
    text = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", page)  # base64 can spell 'http' by chance
    assert "http" not in text.lower().replace("https://doi", "")
    assert page.count("data:image/png;base64,") == 3
    # W_adh values and uuids match the store; every linked uuid has an appendix entry
    for system in ("peo/na110", "peo/graphene-oxidised", "peo/na-on-graphene", "peo/graphite"):
        w = store.query_one({"uuid": ids[system]})["output"]["w_adh_J_m2"]
        assert f"{w:.3f}" in _links(page, ids[system]), system
    sigma = store.query_one({"uuid": ids["T60"]})["output"]["sigma_eh_S_cm"]["value"]
    assert f"{sigma:.3g}" in _links(page, ids["T60"])
    assert "-1.37" in _links(page, ids["binding"]) and "288.90" in _links(page, ids["core"])
    for uuid in set(re.findall(r'href="#job-([0-9a-f-]{36})"', page)):
        assert f"id='job-{uuid}'" in page
    assert ids["std"] not in page  # the other campaign is left out
    # the conclusion names the stronger interface and its bonds, the paper and the quick preset's limits
    concl = page.split("<h2 id='conclusion'>")[1].split("<h2")[0]
    assert "PEO adheres more strongly to defective/oxidised carbon (peo/graphene-oxidised" in concl
    assert "than to Na (peo/na110" in concl and "C-C" in concl
    # GFN2-xTB quick results: screening, so no claim of agreement with the paper; the unconverged W_adh is left out
    assert "agrees with Zhao" not in concl and "cannot confirm or contradict Zhao et al. (2019)" in concl
    assert "Left out of this conclusion because not shown to be converged (W_adh of PEO): peo/na-on-graphene" in concl
    assert "peo/graphite (0.097 J/m^2, unknown (not recorded))" in plain_text(concl)
    assert "0.534" not in concl.split("Left out")[0]
    adhesion_section = page.split("<h2 id='adhesion'>")[1].split("<h2")[0]
    assert "0.534</a> (not converged)" in adhesion_section and "0.097</a> (convergence unknown)" in adhesion_section
    assert "no: interface stopped at its step limit (5 of 5 steps" in adhesion_section
    engines = concl.split("What the")[1]
    assert "tblite" in engines and "GFN2-xTB (tblite, built-in D4)" in engines and "screening" in engines
    assert "no dipole correction" in engines.lower() or "dipole: none" in engines
    assert "did not reach the diffusive regime" in concl and "prove the pipeline, not the physics" in concl
    assert "the MD did not reach the diffusive regime), so it is not compared with the measured" in concl
    assert "orders of magnitude" not in concl and f"{ZHAO_2019_PEO20_NAFSI.sigma_S_cm[0]:.0e}" in concl


def test_report_with_missing_components_says_what_is_missing(tmp_path):
    store = open_store(tmp_path / "data")
    uuid = _put(store, _adhesion(0.15, engine="gpaw"), "adhesion", {"system": "peo/graphene"})
    path = build_report(store, tmp_path / "rep")
    page = path.read_text()
    assert all((tmp_path / "rep" / name).stat().st_size > 5_000 for name in FIGURES)
    assert "No conductivity results" in page and "No core-level shifts" in page
    assert "0.150" in _links(page, uuid)
    assert "needs converged W_adh of PEO on Na and on a carbon substrate" in page
    with pytest.raises(ValueError, match="campaign 'x' not found"):
        build_report(store, tmp_path / "rep2", campaign="x")


@pytest.mark.slow
def test_real_tblite_adhesion_run_is_queried_and_reported(tmp_path):
    """One small real flow (DME on graphene, GFN2-xTB, ~10 s) through run_locally into a MontyStore."""
    from jobflow import run_locally

    from naspe.structures.carbon import graphene
    from naspe.structures.peo import peo_oligomer
    from naspe.structures.topology import combine, to_pymatgen
    from naspe.workflows.dft.tblite import TbliteRelaxMaker
    from naspe.workflows.flows.adhesion.makers import TbliteAdhesionMaker

    g = graphene((3, 2), vacuum=4.0)
    m = peo_oligomer(1, "methyl", "trans")
    m.positions += np.array([3.5, 4.0, 0.0]) - m.get_center_of_mass() * [1, 1, 0]
    m.positions[:, 2] += g.positions[:, 2].max() + 3.2 - m.positions[:, 2].min()
    cell = g.cell.copy()
    cell[2, 2] = m.positions[:, 2].max() + 7.0
    flow = TbliteAdhesionMaker(relax_maker=TbliteRelaxMaker(steps=3, relax_kwargs={"fmax": 0.5})).make(
        to_pymatgen(combine([g, m], cell=cell)), len(g)
    )
    flow.update_metadata({"campaign": "real", "preset": "quick", "component": "adhesion", "system": "dme/graphene"})
    store = open_store(tmp_path / "data")
    run_locally(flow, store=store, create_folders=True, root_dir=tmp_path / "jobs", log=False)
    df = adhesion_table(tmp_path / "data", campaign="real")
    stored = store.query_one({"uuid": flow.jobs[-1].uuid}, sort={"index": -1})["output"]
    assert list(df["job_uuid"]) == [flow.jobs[-1].uuid] and df["w_adh_J_m2"].iloc[0] == stored["w_adh_J_m2"]
    assert df["engine"].iloc[0] == "tblite" and df["system"].iloc[0] == "dme/graphene"
    page = build_report(store, tmp_path / "rep", campaign="real").read_text()
    assert f"{stored['w_adh_J_m2']:.3f}" in _links(page, flow.jobs[-1].uuid)
