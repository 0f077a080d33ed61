"""A full disk under the data directory: one line naming the file and the cause, nothing left running, resumable.

Two disks, the same checks. ``tmpfs``: the data directory lies on a 5 MiB tmpfs filled to its last KiB
(mounted by the test; skipped where the machine allows no mount). ``simulated``: on any machine, every
naspe process of the run (driver, interchanges, workers) loads a ``sitecustomize`` that makes ``os.fsync``
of a file under the data directory fail with ENOSPC (or EDQUOT, or EROFS) while a flag file exists:
naspe's writes all end in an fsync (write to a temporary file, fsync, rename), so the driver meets the
fault where it would. The real driver runs naspe's probe flow through Parsl.
"""

from __future__ import annotations

import os
import re
import subprocess
import textwrap
import time

import pytest
from conftest import run_naspe

pytestmark = pytest.mark.xdist_group("disk-full")


_FULL_ON_FSYNC = """
import errno, os
_fsync, _data, _flag = os.fsync, os.environ["NASPE_DATA_DIR"], os.environ["NASPE_TEST_DISK_FULL_FLAG"]
_errno = getattr(errno, os.environ["NASPE_TEST_DISK_ERRNO"])
def fsync(fd):
    if os.path.exists(_flag):
        try:
            path = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            path = ""
        if path.startswith(_data):
            raise OSError(_errno, os.strerror(_errno), path)
    return _fsync(fd)
os.fsync = fsync
"""


class Disk:
    """A data directory that can be made full (or over quota, or read-only) and freed again; ``word``: the cause."""

    def __init__(self, root, env: dict, fill, free, word: str = "full"):
        self.root, self.env, self.fill, self.free, self.word = root, env, fill, free, word


#: simulated faults: errno -> the word naspe's one line uses for it
_SIMULATED = {"ENOSPC": "full", "EDQUOT": "quota", "EROFS": "read-only"}


@pytest.fixture(params=["tmpfs", *(f"simulated-{e}" for e in _SIMULATED)])
def disk(request, tmp_path):
    if request.param == "tmpfs":
        mount = tmp_path / "disk"
        mount.mkdir()
        p = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=5m", "tmpfs", str(mount)], capture_output=True, text=True
        )
        if p.returncode:
            pytest.skip(f"cannot mount a tmpfs here: {p.stderr.strip()}")
        filler = mount / "filler"

        def fill() -> None:
            free_kib = os.statvfs(mount).f_bavail * os.statvfs(mount).f_frsize // 1024
            with open(filler, "wb") as f:
                f.write(bytes(1024 * (free_kib - 60)))

        try:
            yield Disk(mount, {**os.environ, "NASPE_DATA_DIR": str(mount / "data")}, fill, filler.unlink)
        finally:
            subprocess.run(["umount", "-l", str(mount)], check=False)
        return
    root, hooks, flag = tmp_path / "disk", tmp_path / "hooks", tmp_path / "full"
    root.mkdir()
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(textwrap.dedent(_FULL_ON_FSYNC))
    fault = request.param.removeprefix("simulated-")
    env = {
        **os.environ,
        "NASPE_DATA_DIR": str(root / "data"),
        "NASPE_TEST_DISK_FULL_FLAG": str(flag),
        "NASPE_TEST_DISK_ERRNO": fault,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(hooks), os.environ.get("PYTHONPATH")])),
    }
    yield Disk(root, env, flag.touch, flag.unlink, _SIMULATED[fault])


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


def test_a_full_disk_stops_the_run_in_one_line_and_the_next_run_resumes(disk):
    env, data = disk.env, disk.root / "data"
    assert run_naspe("submit", "--probe", "--name", "first", env=env).returncode == 0
    before = _interchanges(data)
    disk.fill()

    p = run_naspe("submit", "--probe", "--name", "second", env=env)
    assert p.returncode == 2 and p.stderr.count("\n") == 1 and "Traceback" not in p.stderr, p.stderr
    assert disk.word in p.stderr and str(disk.root) in p.stderr, p.stderr
    time.sleep(1.0)
    assert _interchanges(data) <= before, "a Parsl interchange outlived the driver"
    q = run_naspe("query", "jobs", env=env)  # the store is not blamed for the disk
    assert "store is damaged" not in q.stderr and (disk.word in q.stderr or q.returncode == 0), q.stderr

    disk.free()  # then what the error line says: the command it names, else the same command again
    said = re.search(r"then `naspe ([^`]+)` resumes the run", p.stderr)
    assert said or "then rerun the same command" in p.stderr, p.stderr
    again = (
        run_naspe(*said.group(1).split(), env=env)
        if said
        else run_naspe("submit", "--probe", "--name", "second", env=env)
    )
    assert again.returncode == 0, again.stderr
    assert " done" in again.stdout
