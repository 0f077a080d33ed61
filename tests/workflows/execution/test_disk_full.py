"""A full disk under the data directory: one line naming the file and the cause, nothing left running, resumable.

The data directory lies on a 5 MiB tmpfs filled to its last KiB (mounted by the test; skipped where the
machine allows no mount). The real driver runs naspe's probe flow through Parsl.
"""

from __future__ import annotations

import os
import subprocess
import time

import pytest
from conftest import run_naspe

pytestmark = pytest.mark.xdist_group("disk-full")


@pytest.fixture
def tiny_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=5m", "tmpfs", str(mount)], capture_output=True, text=True)
    if p.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {p.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _interchanges(data_dir) -> set[int]:
    """Live Parsl interchanges holding a file open under ``data_dir`` (their logs lie in the run directory).

    Other xdist workers start interchanges of their own meanwhile; the environment cannot tell them apart
    (the interchange's process title overwrites it), the files they hold open can.
    """
    p = subprocess.run(["pgrep", "-f", "parsl: HTEX interchange"], capture_output=True, text=True)
    mine = set()
    for pid in (int(x) for x in p.stdout.split()):
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
            targets = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in fds]
        except OSError:  # ended meanwhile
            continue
        if any(t.startswith(str(data_dir)) for t in targets):
            mine.add(pid)
    return mine


def test_a_full_disk_stops_the_run_in_one_line_and_the_next_run_resumes(tiny_disk):
    env = {**os.environ, "NASPE_DATA_DIR": str(tiny_disk / "data")}
    assert run_naspe("submit", "--probe", "--name", "first", env=env).returncode == 0
    before = _interchanges(tiny_disk / "data")
    free_kib = os.statvfs(tiny_disk).f_bavail * os.statvfs(tiny_disk).f_frsize // 1024
    filler = tiny_disk / "filler"
    with open(filler, "wb") as f:
        f.write(bytes(1024 * (free_kib - 60)))

    p = run_naspe("submit", "--probe", "--name", "second", env=env)
    assert p.returncode == 2 and p.stderr.count("\n") == 1 and "Traceback" not in p.stderr, p.stderr
    assert "full" in p.stderr and str(tiny_disk) in p.stderr, p.stderr
    time.sleep(1.0)
    assert _interchanges(tiny_disk / "data") <= before, "a Parsl interchange outlived the driver"
    q = run_naspe("query", "jobs", env=env)  # the store is not blamed for the disk
    assert "store is damaged" not in q.stderr and ("full" in q.stderr or q.returncode == 0), q.stderr

    filler.unlink()
    runs = [d.name for d in (tiny_disk / "data" / "runs").iterdir() if d.name != "first"]
    again = run_naspe("submit", "--resume", runs[0], env=env) if runs else run_naspe("submit", "--probe", env=env)
    assert again.returncode == 0, again.stderr
    assert " done" in again.stdout
