"""The Parsl flow manager on this machine (local provider): outputs, dynamic flows, failures, resume."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from jobflow import Flow

from naspe.workflows.execution.hpc_config import ExecutionConfig, validate_execution_config
from naspe.workflows.execution.manager import STATE_FILE, FlowManager, read_state
from naspe.workflows.execution.probe_jobs import add, fail, probe_flow, sleep, total
from naspe.workflows.execution.store import open_store


def _config(**analysis) -> ExecutionConfig:
    resources = {
        "md": {"ranks": 2, "walltime": "00:10:00"},
        "dft": {"ranks": 1, "threads": 1, "walltime": "00:10:00"},
        "analysis": {"walltime": "00:10:00", "workers_per_block": 2, **analysis},
    }
    return validate_execution_config({"scheduler": "local", "resources": resources, "max_retries": 1})


def test_probe_flow_outputs_environment_and_dynamic_fan_out(tmp_path):
    store = open_store(tmp_path / "data")
    flow = probe_flow()
    report = FlowManager(store, tmp_path / "run", _config()).run(flow)
    assert report.finished, report
    where = {j.name: store.get_output(j.uuid) for j in flow.jobs[:3]}
    assert where["where md"]["env"]["NASPE_DEFAULT_RANKS"] == "2"
    assert where["where dft"]["env"]["NASPE_DEFAULT_RANKS"] == "1"
    assert where["where analysis"]["cwd"].startswith(str(tmp_path / "run" / "jobs"))
    assert store.get_output(flow.jobs[-1].uuid) == 201.0  # (0 + 100) + (1 + 100) from the replaced fan-out
    state = read_state(tmp_path / "run")
    assert {r["state"] for r in state["records"].values()} == {"done"}
    assert len(state["added"]) == 3  # two additions and the replacing job


def test_failure_is_recorded_retried_and_does_not_stop_independent_branches(tmp_path):
    store = open_store(tmp_path / "data")
    bad = fail("no convergence")
    after_bad = add(bad.output, 1)
    good = add(1, 2)
    after_good = total([good.output, 5])
    flow = Flow([bad, after_bad, good, after_good])
    report = FlowManager(store, tmp_path / "run", _config()).run(flow)
    assert not report.finished
    assert "RuntimeError: no convergence" in report.failed["fail"]
    assert report.skipped == ["add"] and store.get_output(after_good.uuid) == 8.0
    rec = read_state(tmp_path / "run")["records"][bad.uuid]
    assert rec["state"] == "failed" and rec["attempts"] == 2  # first try + max_retries=1
    assert store.query_one({"uuid": bad.uuid}) is None  # nothing half-written

    again = FlowManager(store, tmp_path / "run", _config()).run(flow)
    assert sorted(again.reused) == ["add", "total"] and "fail" in again.failed  # tried again, finished kept


def test_job_over_its_walltime_fails_and_a_rerun_with_more_time_completes(tmp_path):
    store = open_store(tmp_path / "data")
    slow = sleep(4.0)
    flow = Flow([slow])
    report = FlowManager(store, tmp_path / "run", _config(walltime="00:00:01"), max_retries=0).run(flow)
    assert "AppTimeout" in report.failed["sleep"]
    report = FlowManager(store, tmp_path / "run", _config(walltime="00:01:00")).run(flow)
    assert report.finished and store.get_output(slow.uuid) == 4.0


DRIVER = """
import json, sys
from monty.json import MontyDecoder
from naspe.workflows.execution.hpc_config import validate_execution_config
from naspe.workflows.execution.manager import FlowManager
from naspe.workflows.execution.store import open_store
flow = MontyDecoder().process_decoded(json.load(open(sys.argv[1])))
config = validate_execution_config(json.load(open(sys.argv[2])))
FlowManager(open_store(sys.argv[3]), sys.argv[4], config).run(flow)
"""


def test_killed_driver_leaves_nothing_running_and_resumes_with_each_result_once(tmp_path):
    """kill -9 of the driver: its watchdog stops the worker and interchanges; the resume reruns the stopped job."""
    marks = [str(tmp_path / f"ran-{k}") for k in range(3)]
    first = sleep(0.1, marks[0])
    second = sleep(3.0, marks[1], after=first.output)
    third = sleep(0.1, marks[2], after=second.output)
    flow = Flow([first, second, third])
    (tmp_path / "flow.json").write_text(json.dumps(flow.as_dict()))
    cfg = {"scheduler": "local", "max_retries": 0, "resources": {"analysis": {"walltime": "00:10:00"}}}
    (tmp_path / "config.json").write_text(json.dumps(cfg))
    data, run = tmp_path / "data", tmp_path / "run"
    proc = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(tmp_path / "flow.json"), str(tmp_path / "config.json"), str(data), str(run)]
    )
    deadline = time.monotonic() + 60
    while not Path(marks[1]).exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert Path(marks[1]).exists(), "the second job never started"
    proc.send_signal(signal.SIGKILL)  # the driver dies while the second job runs on its worker
    proc.wait()
    assert (run / STATE_FILE).exists()
    orphans = read_state(run)["interchanges"]
    assert len(orphans) == 2  # one Parsl interchange per pool (MD and DFT share one), recorded by the killed driver

    def alive() -> list[int]:
        return [
            pid
            for pid in orphans
            if Path(f"/proc/{pid}").exists() and "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]
        ]

    deadline = time.monotonic() + 20
    while (alive() or _pools(run)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert alive() == [] and _pools(run) == "", "the killed driver's interchanges or worker pools still run"

    store = open_store(data)
    report = FlowManager(store, run, validate_execution_config(cfg)).resume()
    assert report.finished, report
    assert store.get_output(second.uuid) == 3.0 and store.get_output(third.uuid) == 0.1
    runs = [len(Path(m).read_text().splitlines()) for m in marks]
    assert runs == [1, 2, 1]  # the second job was stopped with its worker and ran again; the others once
    assert len(list(store.query({"uuid": second.uuid}, properties=["uuid"]))) == 1  # one result, not two


def _pools(run: Path) -> str:
    """PIDs of Parsl worker pools logging into ``run`` (empty when none runs)."""
    return subprocess.run(["pgrep", "-f", f"process_worker_pool.*{run}"], capture_output=True, text=True).stdout.strip()


def test_store_with_a_relative_data_dir_survives_job_folders(tmp_path, monkeypatch):
    import warnings

    from jobflow import run_locally

    monkeypatch.chdir(tmp_path)
    store = open_store("data")  # relative, as NASPE_DATA_DIR defaults to ./naspe-data
    j = add(1, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run_locally(j, store=store, create_folders=True, root_dir="run", log=False)
    assert open_store(tmp_path / "data").get_output(j.uuid) == 3


def test_state_file_with_parts_encoded_once_reads_as_one_document(tmp_path):
    from enum import Enum

    from naspe.workflows.execution.state import encode_state, read_state, write_state

    class Mode(Enum):
        FAST = "fast"

    root = {"jobs": [{"name": "a", "mode": Mode.FAST}]}
    state = {"records": {"u": {"state": "done"}}, "updated": "now"}
    write_state(tmp_path, state, encoded={"root": encode_state(root), "added": "[]"})
    assert read_state(tmp_path) == {**state, "root": json.loads(encode_state(root)), "added": []}
    write_state(tmp_path, {}, encoded={"root": "null"})
    assert read_state(tmp_path) == {"root": None}
