"""An engine killed under the real driver: a failed attempt, retried, and failed as such when it keeps dying.

GPAW runs in the Parsl worker that took the job (``ranks = 1``), so ``kill -9`` of the
process working in the job's directory is the engine's death. ``naspe submit`` runs the
job with the local defaults (``max_retries = 1``); ``naspe status`` and ``naspe query jobs``
must then show the job as it ended: done after one death, failed (naming the lost worker)
after two, never done with a made-up result.

The defaults go in as a ``--config`` file with ``lost_worker_seconds`` lowered from 120 to 12:
Parsl's pool checks its workers every ``lost_worker_seconds // 4`` seconds, so a death is
noticed within 3 s instead of 30 s. What the run does with the death is the same.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest
import yaml
from ase.build import molecule
from conftest import run_naspe
from monty.json import jsanitize
from pymatgen.io.ase import AseAtomsAdaptor

pytestmark = pytest.mark.xdist_group("engine-deaths")


def _workers_in(jobs_dir: Path) -> list[int]:
    """Processes whose working directory lies under ``jobs_dir``: the ones running a job of this run."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if os.readlink(f"/proc/{pid}/cwd").startswith(str(jobs_dir)):
                found.append(int(pid))
        except OSError:  # gone, or not ours to read
            continue
    return found


def _killer(runs_dir: Path, kills: int) -> threading.Thread:
    """SIGKILL the process running a job under ``runs_dir`` 2 s after it starts, for ``kills`` attempts."""

    def kill() -> None:
        done: set[int] = set()
        deadline = time.time() + 300
        while len(done) < kills and time.time() < deadline:
            for jobs_dir in runs_dir.glob("*/jobs"):
                for pid in _workers_in(jobs_dir.resolve()):
                    if pid not in done:
                        done.add(pid)
                        time.sleep(2.0)
                        os.kill(pid, signal.SIGKILL)
            time.sleep(0.2)

    return threading.Thread(target=kill, daemon=True)


@pytest.mark.parametrize("kills", [1, 2])
def test_a_killed_gpaw_worker_is_retried_and_a_job_that_keeps_dying_is_failed(tmp_path, kills):
    from naspe.workflows.dft.gpaw import GpawStaticMaker
    from naspe.workflows.execution.hpc_config import local_defaults

    water = molecule("H2O")
    water.center(vacuum=5.0)
    water.pbc = True
    job = GpawStaticMaker().make(AseAtomsAdaptor.get_structure(water))
    (tmp_path / "flow.json").write_text(json.dumps(jsanitize(job.as_dict(), strict=True, enum_values=True)))
    config = local_defaults().model_dump(mode="json") | {"lost_worker_seconds": 12}  # see the module docstring
    (tmp_path / "local.yaml").write_text(yaml.safe_dump(config))
    env = {**os.environ, "NASPE_DATA_DIR": str(tmp_path / "data")}

    killer = _killer(tmp_path / "data" / "runs", kills)
    killer.start()
    p = run_naspe(
        "submit", "--flow", "flow.json", "--name", "dies", "--config", "local.yaml", cwd=tmp_path, env=env, timeout=600
    )
    killer.join()

    status = json.loads(run_naspe("status", "dies", "--json", cwd=tmp_path, env=env).stdout)
    (record,) = status["jobs"]
    failed = json.loads(run_naspe("query", "jobs", "--state", "failed", "--json", cwd=tmp_path, env=env).stdout)
    assert record["attempts"] == 2, record
    if kills == 1:
        assert p.returncode == 0 and record["state"] == "done" and failed == [], (p.stderr, record)
    else:
        assert p.returncode == 1 and record["state"] == "failed", (p.stderr, record)
        assert [j["job_name"] for j in failed] == ["GPAW static"] and failed[0]["error"], failed
        assert "GPAW static" in p.stderr and "failed" in p.stderr
        done = run_naspe("query", "jobs", "--state", "done", "--json", cwd=tmp_path, env=env)
        assert json.loads(done.stdout) == []  # never done with a result made up for it


def test_a_lost_worker_reads_the_same_whichever_way_parsl_noticed_it():
    from parsl.executors.errors import BadStateException
    from parsl.executors.high_throughput.errors import ManagerLost, WorkerLost

    from naspe.workflows.execution.dispatch import describe_failure

    class Executor:
        label = "md"

    lost = [
        ManagerLost(b"m1", "node1"),
        WorkerLost(3, "node1"),
        BadStateException(Executor(), RuntimeError("Job is marked as MISSING since the scheduler no longer lists it")),
    ]
    for err in lost:
        text = describe_failure(err)
        assert text.startswith("worker lost (its block ended: node failure, scheduler time limit or cancellation): ")
        assert type(err).__name__ in text  # Parsl's own words follow
    assert describe_failure(ValueError("bad cutoff")) == "ValueError: bad cutoff"
