from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from jobflow import JobStore, run_locally
from maggma.stores import MemoryStore

from naspe.structures.lammps_data import LammpsSystemWriter
from naspe.workflows.flows.conductivity.makers import CONDUCTIVITY_PRESETS, ConductivityMaker
from naspe.workflows.md.inputs import LammpsInputGenerator


def test_bad_temperatures_and_presets():
    with pytest.raises(ValueError, match="temperature 300.0 °C is outside"):
        ConductivityMaker(temperatures_C=(60.0, 300.0))
    with pytest.raises(ValueError, match="temperatures_C is empty"):
        ConductivityMaker(temperatures_C=())
    with pytest.raises(ValueError, match="preset 'huge'"):
        ConductivityMaker.from_preset("huge")
    assert ConductivityMaker.from_preset("production").replicas == CONDUCTIVITY_PRESETS["production"]["replicas"]


def test_fan_out_structure(tmp_path, small_cell):
    LammpsSystemWriter().get_system(small_cell).write(tmp_path)
    flow = ConductivityMaker(temperatures_C=(30.0, 60.0, 80.0), replicas=2).make(str(tmp_path))
    names = [j.name for j in flow.jobs]
    assert names[:2] == ["minimize", "anneal"]
    assert sum(n.startswith("npt") for n in names) == 6  # one NPT chain per replica
    assert sum(n.startswith("production") and n.endswith(" s0") for n in names) == 6  # first segments
    assert [n for n in names if n.startswith("adaptive")] == [f"adaptive production {t}C" for t in (30, 60, 80)]
    assert sum(n.startswith("transport") for n in names) == 6 and names[-1] == "conductivity summary"
    with pytest.raises(FileNotFoundError, match="system.data not found"):
        ConductivityMaker().make(str(tmp_path / "nowhere"))


def test_conductivity_flow_end_to_end_into_store(tmp_path, small_cell):
    """A real tiny run: 168-atom PEO/NaFSI cell, two temperatures, whole Maker, documents in a store."""
    data = tmp_path / "system"
    LammpsSystemWriter().get_system(small_cell).write(data)
    maker = ConductivityMaker(
        temperatures_C=(60.0, 80.0),
        minimize_steps=200,
        anneal_ps=0.8,
        npt_segment_ps=0.6,
        npt_budget_ps=0.6,
        production_segment_ps=3.0,
        production_budget_ps=3.0,
        ion_dump_fs=20.0,
        input_generator=LammpsInputGenerator(thermo_every=50, restart_every=500),
    )
    flow = maker.make(str(data))
    store = JobStore(MemoryStore())
    run_locally(flow, store=store, create_folders=True, root_dir=tmp_path / "runs", log=False)
    store.connect()
    by_name = {d["name"]: d for d in store.query({})}
    prod = by_name["production 80C r0 s0"]["output"]
    assert prod["state"] == "successful" and prod["temperature_K"] == pytest.approx(353.15)
    assert prod["trajectories"]["ions"]["size_bytes"] > 0
    transport = by_name["transport 80C r0"]["output"]
    assert transport["temperature_K"] == pytest.approx(353.15)
    assert set(transport["diffusion_cm2_s"]) == {"Na", "FSI"}
    assert transport["@class"] == "TransportResult" and transport["replica"] == 0
    assert not any("replica" in w for w in transport["warnings"])  # the replica is a field, not a warning
    # the production's pressure.dat: a Green-Kubo viscosity and Yeh-Hummer D's where there are D's to correct
    # (this 3 ps run is not diffusive), or a warning that says why not
    assert (Path(prod["dir_name"]) / "pressure.dat").exists()
    fs = transport["finite_size"]
    assert (
        (fs is not None and set(fs["diffusion_cm2_s"]) == {"Na", "FSI"})
        or not transport["diffusive"]
        or any(w.startswith("no Yeh-Hummer correction") for w in transport["warnings"])
    ), transport["warnings"]
    for key in ("sigma_ne_S_cm", "sigma_eh_S_cm"):
        assert math.isfinite(transport[key]["value"]) and transport[key]["value"] > 0
    summary = by_name["conductivity summary"]["output"]
    assert summary["@class"] == "ConductivitySummary"
    assert summary["n_finished"] == 2 and len(summary["points"]) == 2
    assert [p["replica"] for p in summary["points"]] == [0, 0]
    # a fit only through diffusive, significantly positive points; every other point listed with its reason
    for quantity in ("sigma_ne_S_cm", "sigma_eh_S_cm"):
        left_out = {(p["temperature_K"], p["replica"]) for p in summary["excluded"] if p["quantity"] == quantity}
        for point in summary["points"]:
            if not point["diffusive"]:
                assert (point["temperature_K"], point["replica"]) in left_out
        fitted = {p["temperature_K"] for p in summary["points"]} - {t for t, _ in left_out}
        fit = summary[f"arrhenius_{quantity}"]
        assert (fit is not None) == (len(fitted) >= 2), (quantity, summary["warnings"])
        if fit is None:
            assert any(w.startswith(f"arrhenius fit of {quantity} not made") for w in summary["warnings"])
        else:
            assert set(fit["temperatures_K"]) == fitted and fit["activation_energy_eV"]["value"] is not None
    assert "60 °C" in summary["caveat"]
    json.dumps(summary)  # plain JSON


def test_budgets_and_targets_are_checked():
    with pytest.raises(ValueError, match="production_segment_ps=10.0 exceeds production_budget_ps=5.0"):
        ConductivityMaker(production_budget_ps=5.0)
    with pytest.raises(ValueError, match="the analysis of a segment needs >= 100"):
        ConductivityMaker(production_segment_ps=1.0)
    with pytest.raises(ValueError, match="error_target=0.0: must be a fraction"):
        ConductivityMaker(error_target=0.0)
    for preset in CONDUCTIVITY_PRESETS.values():  # budgets, not run lengths
        assert preset["production_segment_ps"] < preset["production_budget_ps"] and 0 < preset["error_target"] < 1
    assert CONDUCTIVITY_PRESETS["quick"]["production_budget_ps"] <= 20.0


def test_maker_round_trips_through_json():
    """Makers travel as JSON (stores, remote executors): nested generators must come back as objects."""
    from monty.json import MontyDecoder, MontyEncoder

    maker = ConductivityMaker(temperatures_C=(60.0,), input_generator=LammpsInputGenerator(timestep_fs=1.0))
    again = MontyDecoder().process_decoded(json.loads(json.dumps(maker, cls=MontyEncoder)))
    assert isinstance(again.input_generator, LammpsInputGenerator)
    assert again.input_generator.timestep_fs == 1.0 and list(again.temperatures_C) == [60.0]
