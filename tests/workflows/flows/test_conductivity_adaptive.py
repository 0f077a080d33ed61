"""Adaptive conductivity MD on a tiny glyme electrolyte with real LAMMPS: NPT in segments, production to a target.

The cell is monoglyme (DME) with NaFSI, 10 molecules and 2 ion pairs (180 atoms). The diffusive criterion is
loosened (slope tolerance 0.9) so that picoseconds of it count as diffusive: these tests check the segment
machinery and the stop decisions, not the electrolyte's physics.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import run_naspe

from naspe.analysis.segments import pool_replicas, time_to_target
from naspe.structures.glyme import GlymeElectrolyte
from naspe.structures.lammps_data import LammpsSystemWriter
from naspe.workflows.execution.runner import run_flow
from naspe.workflows.flows.conductivity.makers import ConductivityMaker
from naspe.workflows.flows.conductivity.progress import progress_line, read_progress
from naspe.workflows.md.inputs import LammpsInputGenerator
from naspe.workflows.md.outputs import read_thermo

TINY = dict(
    temperatures_C=(80.0,),
    minimize_steps=100,
    anneal_ps=0.4,
    npt_segment_ps=0.4,
    npt_budget_ps=0.8,
    production_segment_ps=2.0,
    slope_tolerance=0.9,
    ion_dump_fs=20.0,
    input_generator=LammpsInputGenerator(thermo_every=50, restart_every=500),
)


@pytest.fixture(scope="module")
def tiny_glyme():
    """DME + NaFSI, 10 molecules and 2 ion pairs at 1.0 g/cm^3, built once."""
    return GlymeElectrolyte("G1", n_molecules=10, salt="NaFSI", n_salt=2, density_g_cm3=1.0, seed=1).build()


def _docs(store, cls: str) -> list[dict]:
    return sorted(store.query({"output.@class": cls}), key=lambda d: (d["name"], d["index"]))


@pytest.mark.slow
def test_adaptive_run_stops_on_its_own_at_the_error_target(tmp_path, tiny_glyme):
    """Two replicas in parallel through `naspe submit` (Parsl), combined; `naspe status` shows where it stopped."""
    from naspe.workflows.execution.store import open_store

    LammpsSystemWriter().get_system(tiny_glyme).write(tmp_path / "system")
    maker = ConductivityMaker(replicas=2, production_budget_ps=8.0, error_target=0.25, **TINY)
    (tmp_path / "flow.json").write_text(json.dumps(maker.make(str(tmp_path / "system")).as_dict()))
    p = run_naspe("submit", "--flow", "flow.json", "--name", "tiny", cwd=tmp_path, timeout=600)
    assert p.returncode == 0, p.stderr

    status = run_naspe("status", "tiny", cwd=tmp_path)
    line = next(x.strip() for x in status.stdout.splitlines() if x.strip().startswith("80 °C:"))
    assert "sigma_EH = " in line and "target 25%" in line and line.endswith("stopped: target_reached"), line
    npt_lines = [x.strip() for x in status.stdout.splitlines() if x.strip().startswith("npt 80C r")]
    assert len(npt_lines) == 2 and all(
        " g/cm^3; stopped: " in x or "not judged yet; stopped: " in x for x in npt_lines
    ), npt_lines
    info = json.loads(run_naspe("status", "tiny", "--json", cwd=tmp_path).stdout)
    assert [e["task_label"] for e in info["equilibration"]] == ["npt 80C r0", "npt 80C r1"]
    (progress,) = info["conductivity"]
    assert progress["stop_reason"] == "target_reached" and progress["relative_error"] <= 0.25

    store = open_store(tmp_path / "naspe-data", read_only=True)
    rounds = [d["output"] for d in _docs(store, "AdaptiveProductionDocument") if d["name"] != "store_inputs"]
    rounds.sort(key=lambda o: o["n_segments"])
    final = rounds[-1]
    assert final["stop_reason"] == "target_reached" and final["diffusive"]
    assert final["relative_error"] <= 0.25 and final["duration_ps"] < 8.0
    for earlier in rounds[:-1]:  # every earlier round went on for a reason
        assert earlier["stop_reason"] is None
        assert not earlier["diffusive"] or earlier["relative_error"] is None or earlier["relative_error"] > 0.25
    # replicas combined by pooled blocks
    results = final["results"]
    assert [r["replica"] for r in results] == [0, 1]
    value, stderr = pool_replicas(
        [r["sigma_eh_S_cm"]["value"] for r in results], [r["block_sigma_eh_S_cm"] for r in results]
    )
    assert final["sigma_eh_S_cm"]["value"] == pytest.approx(value) and final["sigma_eh_S_cm"][
        "stderr"
    ] == pytest.approx(stderr)
    # segments continue each other's step count; the first starts at the NPT's mean equilibrated volume
    npt = {d["name"]: d["output"] for d in _docs(store, "EquilibrationDocument")}  # highest index last
    for k, segments in enumerate(final["segments"]):
        assert segments[0]["first_step"] == 0
        for a, b in zip(segments, segments[1:], strict=False):
            assert b["first_step"] == a["first_step"] + a["n_steps"]
        eq = npt[f"npt 80C r{k}"]
        assert eq["stop_reason"] in ("plateau", "budget_exhausted") and eq["duration_ps"] <= 0.8 + 1e-9
        assert len(eq["segments"]) == (1 if eq["stop_reason"] == "plateau" else 2)
        assert eq["density_g_cm3"]["statistical_inefficiency"] >= 1.0 and eq["t0_ps"] is not None
        volume = read_thermo(f"{segments[0]['dir_name']}/thermo.dat")["volume_angstrom3"]
        assert np.allclose(volume, eq["mean_volume_angstrom3"], rtol=1e-5)
    # the per-replica transport results are what the queries and the summary read
    from naspe.workflows.results import conductivity_table

    table = conductivity_table(tmp_path / "naspe-data")
    assert sorted(table.replica) == [0, 1] and (table.duration_ps == final["duration_ps"]).all()


@pytest.mark.slow
def test_adaptive_run_stops_at_the_budget(tmp_path, tiny_glyme):
    """A target it cannot reach: the production stops at its budget and says so."""
    LammpsSystemWriter().get_system(tiny_glyme).write(tmp_path / "system")
    maker = ConductivityMaker(replicas=1, production_budget_ps=4.0, error_target=0.01, **TINY)
    run = run_flow(maker.make(str(tmp_path / "system")), tmp_path / "run")
    (doc,) = [
        d["output"]
        for d in _docs(run.store, "AdaptiveProductionDocument")
        if d["output"]["stop_reason"] is not None and d["name"] != "store_inputs"
    ]
    assert doc["stop_reason"] == "budget_exhausted" and doc["duration_ps"] == pytest.approx(4.0)
    assert doc["n_segments"] == 2 and doc["relative_error"] > 0.01
    assert any("budget of 4 ps" in w for w in doc["warnings"])
    assert doc["time_to_target_ps"] == pytest.approx(time_to_target(4.0, doc["relative_error"], 0.01))
    (progress,) = read_progress(tmp_path / "run")
    assert progress_line(progress).endswith("stopped: budget_exhausted")


def test_status_line_of_a_running_production():
    progress = {
        "temperature_K": 353.15,
        "target_quantity": "sigma_eh_S_cm",
        "value_S_cm": 1.2e-4,
        "stderr_S_cm": 3.6e-5,
        "relative_error": 0.3,
        "error_target": 0.2,
        "diffusive": True,
        "n_segments": 3,
        "duration_ps": 4000.0,
        "budget_ps": 50000.0,
        "replicas": 2,
        "stop_reason": None,
        "remaining_ps": 5000.0,
        "remaining_wall_s": 5000.0 / 10000.0 * 86400.0,
        "ns_per_day": 10.0,
    }
    assert progress_line(progress) == (
        "80 °C: sigma_EH = 0.00012 ± 3.6e-05 S/cm (30%, target 20%), diffusive, 3 segment(s), "
        "4000 of 50000 ps x 2 replicas; time to target: ~5e+03 ps more, ~12:00:00 at 10 ns/day"
    )
    assert progress_line(progress | {"diffusive": False, "remaining_ps": None}).endswith(
        "not diffusive, 3 segment(s), 4000 of 50000 ps x 2 replicas; time to target: unknown until diffusive"
    )
    # error ~ 1/sqrt(t): 30 % at 4 ns reaches 20 % at 9 ns
    assert time_to_target(4000.0, 0.3, 0.2) == pytest.approx(9000.0)


def test_no_time_to_target_before_the_run_is_diffusive():
    from naspe.analysis.transport_result import ValueWithError
    from naspe.workflows.flows.conductivity.schemas import AdaptiveProductionDocument

    common = dict(
        task_label="adaptive production 60C",
        temperature_K=333.15,
        replicas=1,
        segments=[[]],
        n_segments=1,
        duration_ps=20.0,
        budget_ps=1000.0,
        error_target=0.2,
        target_quantity="sigma_ne_S_cm",
        results=[None],
        sigma_eh_S_cm=ValueWithError(),
        sigma_ne_S_cm=ValueWithError(value=1.0, stderr=0.3),
        relative_error=0.3,
        time_to_target_ps=45.0,
    )
    assert AdaptiveProductionDocument(**common, diffusive=True).remaining_ps == pytest.approx(25.0)
    assert AdaptiveProductionDocument(**common, diffusive=False).remaining_ps is None


def test_npt_status_line():
    from naspe.workflows.flows.conductivity.progress import npt_line

    p = {"task_label": "npt 60C r0", "n_segments": 2, "duration_ps": 40.0, "budget_ps": 200.0}
    assert npt_line(p | {"mean_density_g_cm3": 1.0213, "mean_density_stderr_g_cm3": 0.0031, "stop_reason": None}) == (
        "npt 60C r0: 2 segment(s), 40 of 200 ps, density 1.021 ± 0.0031 g/cm^3; not levelled off yet"
    )
    assert npt_line(p | {"stop_reason": "plateau"}).endswith("density not judged yet; stopped: plateau")


def test_pool_replicas():
    value, stderr = pool_replicas([1.0, 3.0], [[0.5, 1.5], [2.5, 3.5]])
    assert value == 2.0 and stderr == pytest.approx(np.std([0.5, 1.5, 2.5, 3.5], ddof=1) / 2.0)
    assert pool_replicas([1.0], [[None, 1.0]]) == (1.0, None)
