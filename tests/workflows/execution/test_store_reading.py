"""Opening the results store for reading writes nothing, works on a read-only directory, and names a missing one.

Every reader (``naspe query``, ``naspe report``, the result tables given a directory) opens the
store with ``open_store(..., read_only=True)``. The tests run as root, where a ``chmod a-w``
directory is still writable: instead of relying on permissions, they compare every file of
the data directory (name, size, modification time, content) before and after reading, and
read as the unprivileged ``nobody`` (``setpriv``) or from a read-only bind mount where the
machine allows it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from jobflow import job

from naspe.workflows.execution.state import store_output
from naspe.workflows.execution.store import StoreError, open_store
from naspe.workflows.results.store_reader import as_store, campaigns

NASPE = str(Path(sys.executable).parent / "naspe")


@job(data="frames")
def _result(i):
    return None


def _fill(data_dir: Path, n: int = 3) -> list[str]:
    """A store written as the driver writes it: ``n`` job documents, each with a large object; their uuids."""
    store = open_store(data_dir)
    uuids = []
    for i in range(n):
        j = _result(i)
        j.metadata = {"campaign": "c1", "i": i}
        store_output(store, j, {"i": i, "frames": list(range(100))})
        uuids.append(j.uuid)
    store.close()
    return uuids


def _snapshot(root: Path) -> dict[str, tuple]:
    """Every file under ``root`` (hidden ones too): size, modification time (ns) and a digest of the content."""
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            st, digest = path.stat(), hashlib.sha256(path.read_bytes()).hexdigest()
            out[str(path.relative_to(root))] = (st.st_size, st.st_mtime_ns, digest)
        else:
            out[str(path.relative_to(root)) + "/"] = ()
    return out


def _naspe(*args, env=None, user: list[str] | None = None) -> subprocess.CompletedProcess:
    cmd = [*(user or []), NASPE, *map(str, args)]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120, cwd="/")


def test_reading_writes_nothing(tmp_path):
    data_dir = tmp_path / "naspe-data"
    uuids = _fill(data_dir)
    before = _snapshot(data_dir)
    assert {"store/.monty.storage", "store/monty.storage.cfg", "store/naspe/outputs.collection"} <= set(before)
    for what in ("jobs", "adhesion", "conductivity", "bonding", "corelevels"):
        p = _naspe("query", what, "--json", "--data-dir", data_dir)
        assert p.returncode == 0 and isinstance(json.loads(p.stdout), list), p.stderr
    p = _naspe("report", "--out", tmp_path / "report", "--data-dir", data_dir)
    assert p.returncode == 2 and "no results in" in p.stderr  # generic outputs only: nothing to report
    store = as_store(data_dir)
    assert campaigns(data_dir) == ["c1"]
    assert store.get_output(uuids[1], load=True) == {"i": 1, "frames": list(range(100))}
    store.close()
    assert _snapshot(data_dir) == before, "reading the store created or changed a file"


def test_a_reader_cannot_write(tmp_path):
    _fill(tmp_path)
    store = open_store(tmp_path, read_only=True)
    with pytest.raises(StoreError, match="opened for reading"):
        store.docs_store.update({"uuid": "x", "index": 1}, key=["uuid", "index"])
    with pytest.raises(StoreError, match="opened for reading"):
        store.update({"uuid": "x", "index": 1, "output": 1}, key=["uuid", "index"])
    with pytest.raises(StoreError, match="opened for reading"):
        store.docs_store.remove_docs({})
    assert store.count() == 3


def test_missing_data_dir_is_an_error_and_an_empty_one_an_empty_store(tmp_path):
    typo = tmp_path / "naspe-dta"
    with pytest.raises(StoreError, match=f"no results store at {typo / 'store'}: the data directory {typo} does not"):
        open_store(typo, read_only=True)
    with pytest.raises(StoreError, match="does not exist"):
        as_store(typo)
    assert not typo.exists()  # a mistyped --data-dir never becomes a new empty store
    (tmp_path / "afile").write_text("x")
    with pytest.raises(StoreError, match="is not a directory"):
        open_store(tmp_path / "afile", read_only=True)
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    store = open_store(fresh, read_only=True)
    assert store.count() == 0 and list(store.query({})) == [] and campaigns(fresh) == []
    with pytest.raises(StoreError, match="opened for reading"):
        store.update({"uuid": "x", "index": 1, "output": 1}, key=["uuid", "index"])
    assert list(fresh.iterdir()) == []
    p = _naspe("query", "adhesion", "--json", "--data-dir", fresh)
    assert p.returncode == 0 and json.loads(p.stdout) == [] and list(fresh.iterdir()) == []


def test_explicit_store_path_follows_the_same_rule(tmp_path):
    from naspe.workflows.execution.resources import StoreConfig

    with pytest.raises(StoreError, match="check store.path"):
        open_store(tmp_path, StoreConfig(path=tmp_path / "no" / "store"), read_only=True)
    assert open_store(tmp_path, StoreConfig(path=tmp_path / "store"), read_only=True).count() == 0
    _fill(tmp_path / "elsewhere")
    cfg = StoreConfig(path=tmp_path / "elsewhere" / "store")
    assert open_store(tmp_path / "unused", cfg, read_only=True).count() == 3


def test_a_store_of_another_kind_is_refused(tmp_path):
    store = tmp_path / "store"
    store.mkdir()
    (store / ".monty.storage").write_text("flatfile")
    (store / "monty.storage.cfg").write_text("[flatfile]\n")
    with pytest.raises(StoreError, match="not a naspe results store"):
        open_store(tmp_path, read_only=True)


def test_the_writer_writes_montydb_configuration_once(tmp_path):
    _fill(tmp_path)
    cfg = tmp_path / "store" / "monty.storage.cfg"
    assert cfg.read_text() == "[sqlite]\nuse_bson = yes\nmongo_version = 4.0\n\n"  # as maggma's MontyStore wrote it
    assert (tmp_path / "store" / ".monty.storage").read_text() == "sqlite"
    before = _snapshot(tmp_path / "store")
    open_store(tmp_path).docs_store.count()  # the writer opening again: the configuration files left alone
    after = _snapshot(tmp_path / "store")
    assert {k: v for k, v in after.items() if "monty" in k} == {k: v for k, v in before.items() if "monty" in k}
    assert not [p for p in (tmp_path / "store").iterdir() if p.name.endswith(".tmp")]


def _read_only_copy(tmp_path: Path) -> Path:
    """A filled data directory nobody (but root) can write: the writer's files, their write permissions removed."""
    root = Path(tempfile.mkdtemp(prefix="naspe-ro-"))  # not tmp_path: pytest's directories are 0700
    root.chmod(0o755)
    data_dir = root / "naspe-data"
    _fill(data_dir)
    for path in [data_dir, *data_dir.rglob("*")]:
        path.chmod(stat.S_IMODE(path.stat().st_mode) & ~0o222)  # read permissions as the writer made them
    return data_dir


def _remove(data_dir: Path) -> None:
    for path in [data_dir.parent, data_dir, *data_dir.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    shutil.rmtree(data_dir.parent)


def test_read_only_directory_read_by_an_unprivileged_user(tmp_path):
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: cannot read as an unprivileged user")
        user = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]  # nobody: the directory is 0555
    else:
        user = []  # chmod a-w is enough for a normal user
    data_dir = _read_only_copy(tmp_path)
    try:
        before = _snapshot(data_dir)
        env = {**os.environ, "HOME": str(data_dir.parent), "NASPE_DATA_DIR": str(data_dir)}
        for what in ("jobs", "adhesion"):
            p = _naspe("query", what, "--json", env=env, user=user)
            assert p.returncode == 0, p.stderr
            assert isinstance(json.loads(p.stdout), list)
        code = f"from naspe.workflows.results.store_reader import as_store; print(as_store({str(data_dir)!r}).count())"
        p = subprocess.run([*user, sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd="/")
        assert p.returncode == 0 and p.stdout.strip() == "3", p.stderr
        assert _snapshot(data_dir) == before
    finally:
        _remove(data_dir)


def test_read_only_mount_as_root(tmp_path):
    """A read-only file system (an archived campaign): SQLite cannot make its -shm file, the store is read as is."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a bind mount needs root")
    data_dir = tmp_path / "naspe-data"
    _fill(data_dir)
    mnt = tmp_path / "ro"
    mnt.mkdir()
    p = subprocess.run(["mount", "--bind", "-o", "ro", str(data_dir), str(mnt)], capture_output=True, text=True)
    if p.returncode != 0:
        pytest.skip(f"cannot bind-mount read-only here: {p.stderr.strip()}")
    try:
        if os.access(mnt, os.W_OK):
            pytest.skip("the bind mount is writable (the kernel ignored ro)")
        p = _naspe("query", "jobs", "--json", "--data-dir", mnt)
        assert p.returncode == 0 and json.loads(p.stdout) == [], p.stderr
        store = open_store(mnt, read_only=True)
        assert store.count() == 3 and campaigns(store) == ["c1"]
    finally:
        subprocess.run(["umount", str(mnt)], check=False)


def test_a_damaged_store_file_is_named_with_the_recovery(tmp_path):
    """Overwritten pages of a collection file: one line naming the file, SQLite's words and how to recover."""
    store = open_store(tmp_path / "data")
    store.update({"uuid": "u1", "index": 1, "output": {"x": 1}, "metadata": {}}, key=["uuid", "index"])
    db_file = tmp_path / "data" / "store" / "naspe" / "outputs.collection"
    data = bytearray(db_file.read_bytes())
    data[100:4000] = bytes(3900)
    db_file.write_bytes(data)
    with pytest.raises(StoreError) as err:
        open_store(tmp_path / "data", read_only=True)
    text = str(err.value)
    assert "\n" not in text and str(db_file) in text and "malformed" in text
    assert f"mv {tmp_path / 'data' / 'store'} " in text and "--resume" in text
