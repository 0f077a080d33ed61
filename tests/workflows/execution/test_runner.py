"""The one runner (run_flow) in-process: relative directories, resuming rebuilt flows, failures, failed documents."""

from __future__ import annotations

import json
from pathlib import Path

from jobflow import Flow, Response, job

from naspe.workflows.execution.probe_jobs import add, fail, failed_document, fan_out, total
from naspe.workflows.execution.runner import run_flow
from naspe.workflows.execution.store import open_store


def _two_adds():
    first = add(1, 2)
    second = add(first.output, 3)
    return Flow([first, second], name="adds"), second


def _attempts(run_dir: Path) -> int:
    return sum(len(p.read_text().splitlines()) for p in run_dir.glob("jobs/*/naspe-attempts.log"))


def test_relative_run_dir_and_a_rebuilt_flow_resumes_without_starting_a_job(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    flow, last = _two_adds()  # probe jobs get random uuids: only the saved flow knows them
    run = run_flow(flow, "run")  # relative: resolved once, before the jobs change directory
    assert run.finished and run.ran == ["add", "add"] and run.reused == []
    assert run.run_dir == tmp_path / "run" and run.output(last) == 6
    assert len(json.loads((tmp_path / "run" / "results.json").read_text())) == 2
    assert _attempts(tmp_path / "run") == 2

    again, again_last = _two_adds()  # the same command in a new process builds it again
    assert again_last.uuid != last.uuid
    run = run_flow(again, tmp_path / "run")  # absolute this time: the same run directory
    assert run.finished and run.reused == ["add", "add"] and run.ran == []
    assert run.output(again_last) == 6 and run.uuids[again_last.uuid] == last.uuid
    assert _attempts(tmp_path / "run") == 2  # no job started a second time


def test_dynamic_flow_in_process_and_a_store_given(tmp_path):
    store = open_store(tmp_path / "data")
    spread = fan_out(3)
    flow = Flow([spread, total(spread.output)])
    run = run_flow(flow, tmp_path / "run", store=store)
    assert run.finished, run
    assert store.get_output(flow.jobs[-1].uuid) == 303.0 and run.output(flow.jobs[-1]) == 303.0
    assert not (tmp_path / "run" / "results.json").exists()


def test_errors_are_recorded_and_independent_branches_go_on(tmp_path):
    bad = fail("no convergence")
    after_bad = add(bad.output, 1)
    good = add(1, 2)
    flow = Flow([bad, after_bad, good], name="mixed")
    run = run_flow(flow, tmp_path)
    assert not run.finished and run.ran == ["add"] and run.output(good) == 3
    assert run.errors["fail"].startswith("RuntimeError: no convergence")
    assert run.not_run == {"add": "needs the output of fail"} and run.failed == ["fail", "add"]
    message = run.failure_message(flow)
    assert message.startswith("the mixed flow did not finish, no result written (fail: RuntimeError: no convergence)")
    assert "\n" not in message and message.endswith(f"see {tmp_path}")
    assert len((tmp_path / "jobs" / f"{bad.uuid}_1" / "naspe-attempts.log").read_text().splitlines()) == 1  # no retry


def test_a_failed_document_is_not_a_result_and_runs_again(tmp_path):
    scf = failed_document("tblite: SCF not converged")
    child = add(scf.output, 1)
    flow = Flow([scf, child], name="scf")
    run = run_flow(flow, tmp_path)
    assert not run.finished and run.ran == []
    assert run.errors == {"failed_document": "tblite: SCF not converged"}
    assert run.not_run == {"add": "parent failed_document stopped its children"}
    assert "failed_document: tblite: SCF not converged" in run.failure_message()
    again = run_flow(flow, tmp_path)  # the failed calculation runs again (not read back from its response file)
    assert again.errors == run.errors
    assert len((tmp_path / "jobs" / f"{scf.uuid}_1" / "naspe-attempts.log").read_text().splitlines()) == 2


@job
def flaky(marker: str) -> Response:
    """A calculation that fails the first time (a failed document stopping its children) and then succeeds."""
    if not Path(marker).exists():
        Path(marker).write_text("")
        return Response(output={"error": "first try failed"}, stop_children=True)
    return Response(output=1.0)


def test_a_rerun_that_succeeds_lets_the_stopped_children_run(tmp_path):
    first = flaky(str(tmp_path / "tried"))
    child = add(first.output, 1)
    flow = Flow([first, child])
    run = run_flow(flow, tmp_path / "run")
    assert run.errors == {"flaky": "first try failed"} and "add" in run.not_run
    run = run_flow(flow, tmp_path / "run")
    assert run.finished, run
    assert run.ran == ["flaky", "add"] and run.output(child) == 2.0
