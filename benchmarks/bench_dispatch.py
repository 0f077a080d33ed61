"""Benchmark: per-job dispatch overhead of naspe's Parsl flow manager vs jobflow's ``run_locally``.

Both run the same flow of ``N`` independent no-op jobs into a fresh embedded
store (maggma MontyStore, SQLite), each in a fresh process:

(a) naspe: :class:`naspe.workflows.execution.manager.FlowManager` with the local
    execution configuration (Parsl HighThroughputExecutor, local provider,
    ``--workers`` workers for the analysis kind); the driver resolves inputs,
    ships each job to a worker process, gets its response and writes the
    output, persisting its state as it goes;
(b) jobflow: ``run_locally`` (in-process, sequential, one job folder each).

Printed: wall time, per-job time (total / N) and the ratio naspe / jobflow. The
start-up of Parsl's blocks is included; run with a larger ``--jobs`` to see the
steady-state cost.

``--references``: half the jobs write an 8 KiB document, the other half each read one
of them (their inputs resolved from the store, as a campaign's jobs read structures and
documents), and the same flow runs through naspe's manager twice: on naspe's store
(one job's documents answered from its query index, new documents inserted) and on
maggma's plain ``MontyStore`` (every lookup and upsert a scan of the collection). Printed:
the ratio naspe store / maggma store per job.

Usage::

    .venv/bin/python benchmarks/bench_dispatch.py [--jobs 200] [--workers 2] [--references]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _flow(n: int, references: bool = False):
    from jobflow import Flow

    from naspe.workflows.execution.probe_jobs import length, noop, payload

    if not references:
        return Flow([noop() for _ in range(n)], name="noops")
    written = [payload(i) for i in range(n // 2)]
    return Flow([*written, *(length(w.output) for w in written)], name="documents")


def _plain_store(path: Path):
    """jobflow's JobStore on maggma's own MontyStore (no query index: the reference for --references)."""
    from jobflow import JobStore
    from maggma.stores import MontyStore

    from naspe.workflows.execution.store_paths import DATABASE, STORAGE

    common = {"database_path": str(path), "database_name": DATABASE, "storage": STORAGE}
    store = JobStore(MontyStore("outputs", **common), additional_stores={"data": MontyStore("outputs_data", **common)})
    store.connect()
    return store


def run_naspe(n: int, workers: int, workdir: Path, references: bool = False, plain: bool = False) -> float:
    """Seconds (s) for naspe's manager to run ``n`` jobs (no-ops, or documents and readers; ``plain``: maggma store)."""
    from naspe.workflows.execution.hpc_config import validate_execution_config
    from naspe.workflows.execution.manager import FlowManager
    from naspe.workflows.execution.store import open_store

    config = validate_execution_config(
        {"scheduler": "local", "resources": {"analysis": {"workers_per_block": workers}}}
    )
    if plain:
        (workdir / "data").mkdir(parents=True, exist_ok=True)
        store = _plain_store(workdir / "data")
    else:
        store = open_store(workdir / "data")
    flow = _flow(n, references)
    t0 = time.perf_counter()
    report = FlowManager(store, workdir / "run", config, job_walltime=False).run(flow, poll_seconds=0.05)
    elapsed = time.perf_counter() - t0
    if not report.finished:
        raise RuntimeError(f"naspe run did not finish: {report}")
    return elapsed


def run_jobflow(n: int, workdir: Path) -> float:
    """Seconds (s) for jobflow's ``run_locally`` to run ``n`` no-op jobs."""
    import warnings

    from jobflow import run_locally

    from naspe.workflows.execution.store import open_store

    store = open_store(workdir / "data")
    flow = _flow(n)
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run_locally(flow, store=store, create_folders=True, root_dir=workdir / "run", log=False)
    return time.perf_counter() - t0


def main() -> None:
    """Run both in fresh processes and print the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--references", action="store_true", help="jobs that read stored outputs; two stores")
    parser.add_argument("--which", choices=["naspe", "naspe-plain", "jobflow"], help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.which:
        args.workdir.mkdir(parents=True, exist_ok=True)
        if args.which == "jobflow":
            t = run_jobflow(args.jobs, args.workdir)
        else:
            t = run_naspe(args.jobs, args.workers, args.workdir, args.references, args.which == "naspe-plain")
        print(json.dumps({"seconds": t}))
        return
    results = {}
    kinds = ("naspe-plain", "naspe") if args.references else ("jobflow", "naspe")
    with tempfile.TemporaryDirectory() as tmp:
        for which in kinds:
            cmd = [sys.executable, __file__, "--which", which, "--jobs", str(args.jobs), "--workers", str(args.workers)]
            cmd += ["--references"] if args.references else []
            out = subprocess.run(
                [*cmd, "--workdir", str(Path(tmp) / which)], capture_output=True, text=True, check=True
            )
            results[which] = json.loads(out.stdout.strip().splitlines()[-1])["seconds"]
    n = args.jobs
    if args.references:
        print(f"{n} jobs ({n // 2} write an 8 KiB document, {n // 2} read one), {args.workers} local workers")
        for label, key in (("maggma's MontyStore", "naspe-plain"), ("naspe's store", "naspe")):
            print(f"naspe, {label:19s} : {results[key]:7.2f} s  ({1e3 * results[key] / n:6.1f} ms/job)")
        print(f"ratio naspe store / maggma store per job: {results['naspe'] / results['naspe-plain']:.2f}")
        return
    print(f"{n} no-op jobs, {args.workers} local workers")
    print(f"jobflow run_locally : {results['jobflow']:7.2f} s  ({1e3 * results['jobflow'] / n:6.1f} ms/job)")
    print(f"naspe FlowManager   : {results['naspe']:7.2f} s  ({1e3 * results['naspe'] / n:6.1f} ms/job)")
    print(f"ratio naspe/jobflow per job: {results['naspe'] / results['jobflow']:.2f}")


if __name__ == "__main__":
    main()
