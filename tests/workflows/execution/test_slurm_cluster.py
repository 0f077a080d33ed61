"""The one-node Slurm cluster of the ``slurm_cluster`` fixture runs batch jobs, enforces time limits, runs Parsl."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent  # on the workers' PYTHONPATH: they unpickle this module's apps


def _sbatch(cluster, *args: str, cwd=None) -> str:
    p = subprocess.run(
        ["sbatch", "--parsable", *args],
        env={**os.environ, **cluster.env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert p.returncode == 0, p.stderr
    return p.stdout.strip().split(";")[0]


def _wait_running(cluster, job_id: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while (state := cluster.job_state(job_id)) != "RUNNING":
        assert state in ("PENDING", "CONFIGURING"), f"job {job_id} is {state}, not starting"
        assert time.monotonic() < deadline, f"job {job_id} still {state} after {timeout} s"
        time.sleep(0.25)


def test_sbatch_wait_runs_a_job(slurm_cluster, tmp_path):
    t0 = time.monotonic()
    wrap = "echo hello from $SLURM_JOB_ID on $(hostname)"
    p = subprocess.run(
        ["sbatch", "--wait", "--parsable", "-o", "out-%j.txt", "--wrap", wrap],
        env={**os.environ, **slurm_cluster.env},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert p.returncode == 0, p.stderr
    job_id = p.stdout.strip().split(";")[0]
    out = tmp_path / f"out-{job_id}.txt"
    assert out.read_text().strip() == f"hello from {job_id} on {slurm_cluster.host}"
    assert slurm_cluster.job_state(job_id) == "COMPLETED"
    assert time.monotonic() - t0 < 30


def test_failing_job_is_failed(slurm_cluster, tmp_path):
    job_id = _sbatch(slurm_cluster, "-o", str(tmp_path / "out.txt"), "--wrap", "exit 3", cwd=tmp_path)
    assert slurm_cluster.wait_job(job_id, timeout=30) == "FAILED"
    assert "ExitCode=3:0" in slurm_cluster.run("scontrol", "-o", "show", "job", job_id).stdout


def test_expired_job_times_out_fast(slurm_cluster, tmp_path):
    """``expire`` (TimeLimit=0 on a running job): TIMEOUT at slurmctld's next 30-s time-limit check."""
    out = tmp_path / "out.txt"
    job_id = _sbatch(slurm_cluster, "--time=10", "-o", str(out), "--wrap", "echo started; sleep 600")
    _wait_running(slurm_cluster, job_id)
    t0 = time.monotonic()
    slurm_cluster.expire(job_id)
    assert slurm_cluster.wait_job(job_id, timeout=45) == "TIMEOUT"
    assert time.monotonic() - t0 < 40
    show = slurm_cluster.run("scontrol", "-o", "show", "job", job_id).stdout
    assert "Reason=TimeLimit" in show
    # killed by a signal: SIGTERM, or SIGKILL when the batch shell outlives KillWait (5 s) on a loaded machine (the
    # 0:15 assert failed once in make test with the other worker busy; alone it gives 0:15)
    exit_code = next((f for f in show.split() if f.startswith("ExitCode=")), show)
    assert exit_code in ("ExitCode=0:15", "ExitCode=0:9"), exit_code
    text = out.read_text()
    assert "started" in text and "DUE TO TIME LIMIT" in text


def test_parsl_htex_on_slurm(slurm_cluster, tmp_path, monkeypatch):
    parsl = pytest.importorskip("parsl")
    from parsl.config import Config
    from parsl.executors import HighThroughputExecutor
    from parsl.launchers import SimpleLauncher
    from parsl.providers import SlurmProvider

    # the provider calls sbatch/squeue with os.environ and probes sacct when it is built
    for k, v in slurm_cluster.env.items():
        monkeypatch.setenv(k, v)
    # HTEX starts interchange.py from PATH, which lacks the venv's bin/ unless the venv is activated
    monkeypatch.setenv("PATH", f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ['PATH']}")
    provider = SlurmProvider(
        partition=slurm_cluster.partition,
        launcher=SimpleLauncher(),
        exclusive=False,
        # tests/ on the path: dill pickles the app's globals by reference to this test module
        worker_init=f"source {sys.prefix}/bin/activate; export PYTHONPATH={TESTS}",
        nodes_per_block=1,
        init_blocks=1,
        min_blocks=0,
        max_blocks=1,
        walltime="00:05:00",
        cmd_timeout=30,
    )
    executor = HighThroughputExecutor(
        label="slurm", address="127.0.0.1", provider=provider, max_workers_per_node=1, cores_per_worker=1
    )
    config = Config(executors=[executor], run_dir=str(tmp_path / "runinfo"))

    @parsl.python_app(executors=["slurm"])
    def where(x):
        import os
        import sys

        return x * 7, os.environ.get("SLURM_JOB_ID"), sys.prefix

    t0 = time.monotonic()
    parsl.load(config)
    try:
        value, job_id, prefix = where(6).result(timeout=120)
    finally:
        parsl.dfk().cleanup()
        parsl.clear()
    assert value == 42
    assert job_id  # ran inside a Slurm job
    assert prefix == sys.prefix
    assert time.monotonic() - t0 < 90
    # cleanup cancelled the block
    assert slurm_cluster.wait_job(job_id, timeout=30) in ("CANCELLED", "COMPLETED", None)
