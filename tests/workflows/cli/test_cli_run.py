"""naspe submit / status / cancel through the CLI, with a detached driver on this machine."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

from jobflow import Flow

from naspe.workflows.execution.probe_jobs import add, sleep

NASPE = str(Path(__import__("sys").executable).parent / "naspe")


def naspe(*args, cwd):
    return subprocess.run([NASPE, *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def _status(cwd, run):
    p = naspe("status", run, "--json", cwd=cwd)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def _wait(cwd, run, predicate, timeout=90.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        info = _status(cwd, run)
        if predicate(info):
            return info
        time.sleep(0.5)
    raise AssertionError(f"timed out; last status {info}")


def test_probe_in_foreground_then_status(tmp_path):
    p = naspe("submit", "--probe", "--name", "probe", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert "probe: 7 done" in p.stdout
    info = _status(tmp_path, "probe")
    assert info["counts"] == {"done": 7} and info["driver_pid"] is None
    assert {j["name"] for j in info["jobs"]} >= {"where md", "where dft", "fan_out", "total"}
    again = naspe("submit", "--probe", "--name", "probe", cwd=tmp_path)
    assert again.returncode == 2 and "resume it with `naspe submit --resume probe`" in again.stderr


def test_detached_run_cancel_and_resume(tmp_path):
    marker, release = str(tmp_path / "ran"), tmp_path / "release"
    # held until released: a fixed 10 s sleep ended before `cancel` on a loaded machine (naspe start-ups take seconds)
    long = sleep(300.0, marker, release=str(release))
    after = add(long.output, 1)
    (tmp_path / "flow.json").write_text(json.dumps(Flow([long, after], name="long").as_dict()))
    p = naspe("submit", "--flow", "flow.json", "--name", "long", "--detach", cwd=tmp_path)
    assert p.returncode == 0 and "submitted long" in p.stdout, p.stderr
    _wait(tmp_path, "long", lambda i: i["counts"].get("running") == 1 and Path(marker).exists())
    assert _status(tmp_path, "long")["driver_pid"] is not None
    twice = naspe("submit", "--resume", "long", cwd=tmp_path)  # a second driver on the same run is refused
    assert twice.returncode == 2 and "is already being run by pid" in twice.stderr

    p = naspe("cancel", "long", cwd=tmp_path)
    assert p.returncode == 0 and "stopped; resume with" in p.stdout, p.stderr
    info = _status(tmp_path, "long")
    assert info["driver_pid"] is None and info["counts"] == {"waiting": 2}  # nothing lost, nothing half-done
    assert naspe("cancel", "long", cwd=tmp_path).stdout.strip().endswith("no driver running")

    (tmp_path / "ran").unlink()
    release.touch()  # the resumed job returns at once
    p = naspe("submit", "--resume", "long", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert _status(tmp_path, "long")["counts"] == {"done": 2}


def test_bad_inputs_fail_before_any_job(tmp_path):
    p = naspe("submit", cwd=tmp_path)
    assert p.returncode == 2 and "exactly one of --flow FILE, --probe, --preset NAME or --resume RUN" in p.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("scheduler: slurm\nresources:\n  md:\n    walltime: 1h\n")
    p = naspe("submit", "--probe", "--config", str(bad), cwd=tmp_path)
    assert p.returncode == 2 and "resources.md.walltime" in p.stderr
    p = naspe("submit", "--flow", "missing.json", cwd=tmp_path)
    assert p.returncode == 2 and "--flow 'missing.json'" in p.stderr
    p = naspe("status", "nothing", cwd=tmp_path)
    assert p.returncode == 2 and ("no runs" in p.stderr or "not found" in p.stderr), p.stderr
