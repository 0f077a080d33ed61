"""The flow manager on a real one-node Slurm cluster (tests/slurm_cluster.py)."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import pytest
from jobflow import Flow

from naspe.workflows.execution.hpc_config import validate_execution_config
from naspe.workflows.execution.manager import FlowManager, read_state
from naspe.workflows.execution.probe_jobs import probe_flow, sleep
from naspe.workflows.execution.store import open_store


@pytest.fixture()
def slurm_env(slurm_cluster, monkeypatch):
    for key, value in slurm_cluster.env.items():
        monkeypatch.setenv(key, value)
    return slurm_cluster


def _slurm_config(cluster, walltime="00:05:00", idle=5.0):
    kinds = {
        k: {"partition": cluster.partition, "walltime": walltime, "max_blocks": 1} for k in ("md", "dft", "analysis")
    }
    return validate_execution_config(
        {
            "scheduler": "slurm",
            "worker_init": f"source {sys.prefix}/bin/activate",
            "resources": kinds,
            "max_retries": 0,
            "block_idle_seconds": idle,
            "lost_worker_seconds": 8,
        }
    )


def test_flow_with_lammps_and_fan_out_runs_in_slurm_jobs(slurm_env, tmp_path, small_cell):
    from naspe.structures.lammps_data import LammpsSystemWriter
    from naspe.workflows.md.inputs import LammpsInputGenerator, StageSpec
    from naspe.workflows.md.jobs import LammpsStageMaker

    system = tmp_path / "system"
    LammpsSystemWriter().get_system(small_cell).write(system)
    gen = LammpsInputGenerator(thermo_every=50, restart_every=100)
    md = LammpsStageMaker("minimize", StageSpec("minimize", 50), gen).make(str(system))
    flow = Flow([probe_flow(("md", "analysis")), md])
    store = open_store(tmp_path / "data")
    report = FlowManager(store, tmp_path / "run", _slurm_config(slurm_env)).run(flow)
    assert report.finished, report
    probe = flow.jobs[0].jobs
    where = [store.get_output(j.uuid) for j in probe[:2]]
    assert all(w["slurm_job_id"] for w in where)  # ran inside Slurm jobs
    assert store.get_output(probe[3].uuid) == 201.0  # the dynamic fan-out's sum
    doc = store.get_output(md.uuid)
    assert doc["state"] == "successful" and doc["lammps_version"] and Path(doc["final_data"]).exists()
    assert read_state(tmp_path / "run")["scheduler"] == "slurm"


def test_job_killed_at_its_slurm_time_limit_is_failed_and_a_rerun_completes(slurm_env, tmp_path):
    store = open_store(tmp_path / "data")
    # Slurm enforces limits every 30 s: held by nothing but its 120 s, the expired block dies before the job ends;
    # the rerun is released at once (the release file exists by then), so it takes no 120 s
    release = tmp_path / "release"
    job = sleep(120.0, release=str(release))
    flow = Flow([job])
    run = tmp_path / "run"
    manager = FlowManager(store, run, _slurm_config(slurm_env), job_walltime=False)

    def expire_block():  # the allocation ends: Slurm's time limit, reached now rather than in minutes
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            state = read_state(run) or {}
            ids = state.get("scheduler_jobs", {}).get("analysis")
            rec = state.get("records", {}).get(job.uuid, {})
            if ids and rec.get("state") == "running" and slurm_env.job_state(ids[0]) == "RUNNING":
                slurm_env.expire(ids[0])
                return
            time.sleep(0.5)

    threading.Thread(target=expire_block, daemon=True).start()
    report = manager.run(flow)
    assert list(report.failed) == ["sleep"], report
    assert report.failed["sleep"].startswith("worker lost (its block ended"), report.failed["sleep"]
    rec = read_state(run)["records"][job.uuid]
    assert rec["state"] == "failed" and store.query_one({"uuid": job.uuid}) is None

    release.touch()
    report = FlowManager(store, run, _slurm_config(slurm_env)).resume()  # the same flow, a new allocation
    assert report.finished and store.get_output(job.uuid) == 120.0
