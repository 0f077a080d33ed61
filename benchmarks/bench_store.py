"""Query latency on a large results store: ``naspe query jobs``, ``query adhesion`` and ``report`` vs one full read.

Builds a data directory whose embedded store (maggma MontyStore, montydb on SQLite) holds
``--jobs`` job documents and whose ``runs/`` holds one run listing all of them, then times
each command as a user runs it (a fresh ``naspe`` process) against one full read of the
store's documents in this process (``store.query({})``: what any query that has to look at
every document costs). The commands read the store's query index
(:mod:`naspe.workflows.execution.query_index`), which the writer keeps after each write;
the documents are inserted in bulk here, so the index is then built once from all of
them (its time is printed). The documents are copies, with fresh uuids, of the four documents of
a real GFN2-xTB adhesion run made first (``naspe adhesion --engine tblite``: three
relaxations and the ``AdhesionDocument``), so a quarter of them are adhesion results.

Prints the seconds of each and, last, ``query jobs on <N> jobs: X s`` (target: under 1 s).

    .venv/bin/python benchmarks/bench_store.py [--jobs 10000]
"""

from __future__ import annotations

import argparse
import copy
import json
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

NASPE = str(Path(sys.executable).parent / "naspe")


def _seed_documents(workdir: Path) -> list[dict]:
    """The stored job documents of a real, tiny GFN2-xTB adhesion run (seconds)."""
    out = workdir / "seed"
    args = ["adhesion", "--substrate", "graphene", "--film", "peo", "--engine", "tblite", "--steps", "2"]
    subprocess.run([NASPE, *args, "--out", str(out)], check=True, capture_output=True, cwd=workdir)
    return json.loads((out / "results.json").read_text())


def _fill(data_dir: Path, seeds: list[dict], n_jobs: int) -> None:
    """``n_jobs`` job documents (copies of ``seeds`` with new uuids) in the store and one run listing them."""
    from jobflow import Flow

    from naspe.workflows.execution.hpc_config import load_execution_config
    from naspe.workflows.execution.probe_jobs import noop
    from naspe.workflows.execution.runs import create_run
    from naspe.workflows.execution.state import write_state
    from naspe.workflows.execution.store import open_store

    store = open_store(data_dir)
    docs, records = [], {}
    for k in range(n_jobs):
        doc = copy.deepcopy(seeds[k % len(seeds)])
        doc.pop("_id", None)
        doc["uuid"] = str(uuid.UUID(int=k + 1))
        doc["metadata"] = {**(doc.get("metadata") or {}), "campaign": "bench", "system": "peo/graphene"}
        docs.append(doc)
        records[doc["uuid"]] = {
            "uuid": doc["uuid"],
            "index": doc.get("index", 1),
            "name": doc.get("name"),
            "kind": "dft",
            "state": "done",
            "attempts": 1,
            "error": None,
            "started": doc.get("completed_at"),
            "finished": doc.get("completed_at"),
        }
    # inserted directly: maggma's update() upserts one document at a time, and montydb finds each by a full
    # scan, so filling 10,000 documents that way takes tens of minutes (what the driver's writes cost grows
    # the same way over a campaign)
    store.docs_store._collection.insert_many(docs)
    t = time.perf_counter()
    store.docs_store.update_query_index()  # what maggma's update() does after each write the driver makes
    print(f"query index of {n_jobs} documents built in {time.perf_counter() - t:.1f} s", flush=True)
    store.close()
    run = create_run(Flow([noop()], name="bench"), load_execution_config(None), data_dir, "bench")
    write_state(run, {"root": None, "added": [], "records": records})


def _timed(*args: str, cwd: Path, timeout_s: float) -> float:
    """Wall time (s) of ``naspe *args``; ``inf`` when it takes longer than ``timeout_s``."""
    t = time.perf_counter()
    try:
        p = subprocess.run([NASPE, *args], capture_output=True, text=True, cwd=cwd, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        return float("inf")
    wall = time.perf_counter() - t
    if p.returncode != 0:
        raise SystemExit(f"naspe {' '.join(args)} failed: {p.stderr[-2000:]}")
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=10000, help="job documents in the store")
    parser.add_argument("--timeout", type=float, default=600.0, help="longest wait for one command (s)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        seeds = _seed_documents(work)
        data = work / "naspe-data"
        t = time.perf_counter()
        _fill(data, seeds, args.jobs)
        print(f"store of {args.jobs} job documents written in {time.perf_counter() - t:.1f} s", flush=True)
        from naspe.workflows.execution.store import open_store

        store = open_store(data, read_only=True)
        t = time.perf_counter()
        n = sum(1 for _ in store.query({}))
        full = time.perf_counter() - t
        store.close()
        print(f"one full read of the store ({n} documents): {full:.2f} s", flush=True)
        commands = {
            "query jobs": ("query", "jobs", "--csv"),
            "query adhesion": ("query", "adhesion", "--csv"),
            "report": ("report", "--out", "report"),
        }
        times = {}
        for name, argv in commands.items():
            times[name] = wall = _timed(*argv, cwd=work, timeout_s=args.timeout)
            shown = f"{wall:.2f} s" if wall != float("inf") else f"more than {args.timeout:g} s (stopped)"
            print(f"naspe {name}: {shown} ({wall / full:.2f} x the full read)", flush=True)
        print(f"query jobs on {args.jobs} jobs: {times['query jobs']:.2f} s")


if __name__ == "__main__":
    main()
