"""Results files are never half-written, a broken one is reported, and two runs never share a directory."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from jobflow import Flow

from naspe.workflows.execution.hpc_config import load_execution_config
from naspe.workflows.execution.probe_jobs import add
from naspe.workflows.execution.run_lock import RunLocked, lock_holder
from naspe.workflows.execution.runner import run_flow
from naspe.workflows.execution.runs import create_run
from naspe.workflows.execution.state import StateError, write_state

NASPE = str(Path(sys.executable).parent / "naspe")

WRITER = """
import sys
from naspe.workflows.execution.runner import ResultsFile
store = ResultsFile(sys.argv[1])
store.connect()
print("ready", flush=True)
for k in range(100000):  # bounded; killed long before
    store.update({"task_id": k % 3, "payload": "x" * 2_000_000, "k": k}, key="task_id")
"""

FIRST = """
import sys
from jobflow import Flow
from naspe.workflows.execution.probe_jobs import add, sleep
from naspe.workflows.execution.runner import run_flow
slow = sleep(120.0, sys.argv[2], release=sys.argv[3])  # held until the test has tried the second run
run = run_flow(Flow([slow, add(slow.output, 1)]), sys.argv[1])
sys.exit(0 if run.finished else 1)
"""


def naspe(*args, cwd):
    return subprocess.run([NASPE, *args], capture_output=True, text=True, cwd=cwd, timeout=180)


def test_results_file_killed_while_it_is_written_is_the_old_or_the_new_version(tmp_path):
    path = tmp_path / "results.json"
    for kill_after in (0.3, 0.45, 0.6, 0.75, 0.9):  # s after the writer is ready: somewhere inside a write
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True)
        try:
            assert proc.stdout.readline().strip() == "ready"
            time.sleep(kill_after)
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        docs = json.loads(path.read_text())  # never truncated
        assert isinstance(docs, list) and len(docs) <= 3


def test_a_truncated_results_file_is_reported_not_dropped(tmp_path):
    flow = Flow([add(1, 2)])
    assert run_flow(flow, tmp_path / "run").finished
    path = tmp_path / "run" / "results.json"
    text = path.read_text()
    path.write_text(text[: len(text) // 2])  # what an interrupted in-place rewrite left
    with pytest.raises(StateError, match=r"results.json is not valid JSON \(truncated\?.*move it away"):
        run_flow(flow, tmp_path / "run")
    assert path.read_text() == text[: len(text) // 2]  # left as it was, for the user to look at

    p = naspe("adhesion", "--substrate", "graphene", "--engine", "tblite", "--steps", "1", "--out", "run", cwd=tmp_path)
    assert p.returncode == 2, p.stderr
    assert p.stderr.count("\n") == 1 and "Traceback" not in p.stderr
    assert p.stderr.startswith(f"naspe: error: {path} is not valid JSON (truncated?")
    assert path.read_text() == text[: len(text) // 2] and not (tmp_path / "run" / "adhesion.json").exists()


def test_a_truncated_flow_state_is_reported_by_status_and_submit(tmp_path):
    run = create_run(add(1, 2), load_execution_config(None), tmp_path / "naspe-data", "broken")
    write_state(run, {"root": None, "added": [], "records": {}})
    (run / "flow-state.json").write_text('{"root": {"@module": "jobflow.core.fl')
    for args in (("status", "broken"), ("submit", "--resume", "broken"), ("query", "jobs")):
        p = naspe(*args, cwd=tmp_path)
        assert p.returncode == 2 and "Traceback" not in p.stderr, p.stderr
        assert p.stderr.startswith(f"naspe: error: {run / 'flow-state.json'} is not valid JSON (truncated?"), p.stderr
        assert p.stderr.count("\n") == 1
    assert (run / "flow-state.json").read_text() == '{"root": {"@module": "jobflow.core.fl'


def test_a_second_run_into_the_same_directory_is_refused_while_the_first_runs(tmp_path):
    out, marker, release = tmp_path / "out", tmp_path / "started", tmp_path / "release"
    first = subprocess.Popen([sys.executable, "-c", FIRST, str(out), str(marker), str(release)])
    try:
        end = time.monotonic() + 60
        while not marker.exists() and time.monotonic() < end:
            time.sleep(0.1)
        assert marker.exists(), "the first run never started its job"
        assert lock_holder(out)["pid"] == first.pid
        other = add(10, 20)
        with pytest.raises(RunLocked, match=f"pid {first.pid}"):
            run_flow(Flow([other]), out)
        p = naspe("bonding", "--site", "graphene", "--engine", "tblite", "--steps", "1", "--out", "out", cwd=tmp_path)
        assert p.returncode == 2, p.stderr
        assert p.stderr.count("\n") == 1 and "Traceback" not in p.stderr
        assert p.stderr.startswith(f"naspe: error: --out {out}: in use by another naspe run (pid {first.pid}")
        release.touch()
        assert first.wait(timeout=60) == 0
    finally:
        if first.poll() is None:
            first.kill()
        first.wait()
    docs = json.loads((out / "results.json").read_text())
    assert len(docs) == 2 and other.uuid not in {d["uuid"] for d in docs}  # the first run's, whole, nothing else
    assert not (out / "bonding.json").exists()
