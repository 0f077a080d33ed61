"""Many readers and one writer on one results store, as real processes: no reader ever fails.

The writer is the real driver (``naspe submit --probe``: Parsl workers, the flow manager,
``state.store_output``) or a process writing job documents with their large ``data=`` objects
through the real JobStore in a loop; meanwhile rounds of parallel ``naspe query ... --json``
commands read the same data directory, from its creation on; when the tests run as root, one
reader per round is the unprivileged ``nobody`` (a shared project directory: the store readable,
not writable). Every reader must exit 0 with a JSON list, and what it saw must be a consistent
snapshot (each document whole, its large object there). Before the store was opened read-only,
4 of 40 readers failed here with ``Empty module name`` or montydb's BSON ``ConfigurationError``
(every open rewrote ``store/monty.storage.cfg``) or ``not writable`` (a shared write-test file).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

NASPE = str(Path(sys.executable).parent / "naspe")
READERS = 6  # parallel readers per round (on 2 cores: about 3 s a round)
MIN_ROUNDS = 3  # rounds of readers, at least (the first starts with the writer)
BUDGET_S = 45.0  # how long the readers go on while the writer runs (s)
WRITER_TIMEOUT_S = 300.0  # the writer then gets this long to finish (s): a hang, not a slow machine, fails

QUERIES = (["query", "jobs", "--json"], ["query", "adhesion", "--json"], ["query", "conductivity", "--json"])

# a second writer: job documents with a large object each (the data store), written as the driver does
WRITER = r"""
import sys, time
from jobflow import job
from naspe.workflows.execution.state import store_output
from naspe.workflows.execution.store import open_store

@job(data="frames")
def fake(i):
    return None

store = open_store(sys.argv[1])
end = time.monotonic() + float(sys.argv[2])
i = 0
while time.monotonic() < end:
    j = fake(i)
    j.metadata = {"campaign": "hammer", "i": i}
    store_output(store, j, {"i": i, "frames": list(range(i, i + 2000)), "check": sum(range(i, i + 2000))})
    if i % 10 == 0:
        store = open_store(sys.argv[1])  # a writer opening again (a resumed driver) while readers read
    i += 1
print(i)
"""

# a reader through the Python API: every document whole, its large object there and consistent with it
# (jobflow writes the large object first, and this reads the documents first)
CHECKER = r"""
import json, sys
from naspe.workflows.results.store_reader import as_store
store = as_store(sys.argv[1])
docs = list(store.query({"metadata.campaign": "hammer"}))
blobs = {b["blob_uuid"]: b["data"] for b in store.additional_stores["data"].query({})}
for d in docs:
    out = d["output"]
    frames = blobs[out["frames"]["blob_uuid"]]
    assert sum(frames) == out["check"] and frames[0] == out["i"], d["uuid"]
print(json.dumps(len(docs)))
"""


def _read(args: list[str], cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, cwd=cwd, env=env, timeout=60)


#: another user (a shared project directory: the store readable, not writable): as root, ``nobody``
OTHER_USER = (
    ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    if os.geteuid() == 0 and shutil.which("setpriv")
    else []
)


def _round(k: int, data_dir: Path, cwd: Path, env: dict) -> list[tuple[list[str], subprocess.CompletedProcess]]:
    commands = []
    for n in range(READERS):
        if n == READERS - 1:
            commands.append([sys.executable, "-c", CHECKER, str(data_dir)])
        elif n == READERS - 2 and OTHER_USER:
            commands.append([*OTHER_USER, NASPE, "query", "adhesion", "--json", "--data-dir", str(data_dir)])
        else:
            commands.append([NASPE, *QUERIES[(k + n) % len(QUERIES)], "--data-dir", str(data_dir)])
    with ThreadPoolExecutor(READERS) as pool:
        return list(zip(commands, pool.map(lambda c: _read(c, cwd, env), commands), strict=True))


def _check(results) -> list[str]:
    """The failures of one round, one line each."""
    failed = []
    for args, p in results:
        what = "checker" if args[0] == sys.executable else " ".join(args[args.index(NASPE) + 1 : -2])
        what += " (another user)" if args[0] == "setpriv" else ""
        if p.returncode != 0:
            failed.append(f"{what}: exit {p.returncode}: {p.stderr.strip()[-300:]}")
            continue
        try:
            value = json.loads(p.stdout)
        except ValueError:
            failed.append(f"{what}: not JSON: {p.stdout[:200]!r}")
            continue
        if not isinstance(value, (list, int)):
            failed.append(f"{what}: {type(value).__name__}, not a list")
    return failed


@pytest.fixture
def base():
    """A directory another user may enter (not tmp_path: pytest's directories are 0700), removed afterwards."""
    path = Path(tempfile.mkdtemp(prefix="naspe-readers-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.mark.slow
@pytest.mark.parametrize("writer", ["driver", "store_output loop"])
def test_parallel_queries_against_a_running_writer_never_fail(writer, base):
    data_dir = base / "naspe-data"
    data_dir.mkdir()  # the data directory exists, its store not yet: the readers see it being created
    env = {**os.environ, "NASPE_DATA_DIR": str(data_dir), "HOME": str(base)}
    if writer == "driver":
        args = [NASPE, "submit", "--probe"]
    else:
        args = [sys.executable, "-c", WRITER, str(data_dir), "6"]
    start = time.monotonic()
    proc = subprocess.Popen(args, cwd=base, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    failures: list[str] = []
    rounds = during = 0  # rounds in all, and rounds that started while the writer ran
    try:
        # at least MIN_ROUNDS, however slow a loaded machine makes a round; more while the writer runs
        while rounds < MIN_ROUNDS or (proc.poll() is None and time.monotonic() - start < BUDGET_S):
            during += proc.poll() is None
            failures += [f"round {rounds}: {line}" for line in _check(_round(rounds, data_dir, base, env))]
            rounds += 1
        out, err = proc.communicate(timeout=WRITER_TIMEOUT_S)  # a loaded machine slows the writer: wait for it
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err[-2000:]
    assert not failures, f"{len(failures)} of {rounds * READERS} readers failed:\n" + "\n".join(failures)
    assert during >= 1, "no round of readers overlapped the writer"
    # the writer's results are all there afterwards
    after = _round(0, data_dir, base, env)
    assert not _check(after)
    if writer == "driver":
        jobs = json.loads(next(p.stdout for a, p in after if a[1:3] == ["query", "jobs"]))
        assert len(jobs) == 7 and {j["state"] for j in jobs} == {"done"}
    else:
        assert json.loads(after[-1][1].stdout) == int(out)
