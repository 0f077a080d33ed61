"""The results database: an embedded MontyStore by default, MongoDB where a site has one.

:func:`open_store` returns a jobflow ``JobStore`` whose documents live in a
maggma ``MontyStore`` (montydb, SQLite backend) under ``<data_dir>/store``,
created on first use; large objects (trajectories, ``data=`` outputs) go to a
second collection of the same database. With a ``mongo`` store configuration it
returns ``MongoStore`` + ``GridFSStore`` instead; the password is read from the
environment variable the configuration names, never from a file.

One writer, many readers
------------------------
Only the process that runs a flow (the driver) writes to the store; it opens it
with ``open_store(...)``. Everything else (``naspe query``, ``naspe report``, the
result tables) opens it with ``open_store(..., read_only=True)``, which writes
nothing at all and so works on a read-only directory (an archived campaign, a
project directory of another user):

* montydb's two configuration files (``.monty.storage``, ``monty.storage.cfg``)
  are written by the writer only, when they are missing or differ, each to a
  temporary file renamed into place (configuration first, ``.monty.storage``
  last, so a store with that file is complete). maggma's ``MontyStore.connect``
  rewrote them on *every* open, reads included; a process reading them while
  another truncated them failed with ``Empty module name`` or montydb's BSON
  ``ConfigurationError``. A reader only reads them.
* A reader opens each collection file (SQLite, WAL journal) without creating it
  and without montydb's per-connection ``PRAGMA journal_mode``; WAL gives it the
  last committed state while the driver writes. SQLite's coordination files
  (``-wal``, ``-shm``) are created and removed by SQLite itself, as for the
  writer (the last connection to close folds the writer's committed pages into
  the file); in a directory this process cannot write, the collection is opened
  ``mode=ro`` (using the writer's coordination files when it is connected) and
  else ``immutable``. A write through a read-only store raises :class:`StoreError`.
* The writer stores a job's large objects before its document (jobflow does the
  reverse), so a reader never finds a document whose objects are not there yet.
* The writer adds a change log to each collection file (two tables and three SQLite
  triggers of naspe's own, :mod:`~naspe.workflows.execution.store_changes`: every write
  is logged in its own transaction) and, after each write to the job documents, brings
  their query index up to date (``<store>/query-index-outputs.bson``, one file renamed into
  place: :mod:`~naspe.workflows.execution.query_index`). The queries read that index
  instead of decoding every document; a reader catches up in memory with what changed
  since, and writes nothing either.

Which data directory a reader accepts (``--data-dir``, ``NASPE_DATA_DIR``):

* one that does not exist, or is not a directory: :class:`StoreError` naming it
  (a mistyped path is an error, never a new empty store);
* one that exists without a store in it yet (no run has written): an empty store,
  every query answers no rows;
* with an explicit ``store.path`` the same rule applies to the directory that holds it.
"""

from __future__ import annotations

import configparser
import contextlib
import io
import logging
import os
import sqlite3
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

import bson
from jobflow import JobStore
from maggma.stores import MemoryStore, MontyStore
from monty.json import jsanitize
from montydb import MontyClient
from montydb.storage.sqlite import SQLITE_DB_EXT, SQLITE_RECORD_TABLE, SQLiteKVEngine

from naspe.analysis.output_files import write_text_replacing
from naspe.workflows.base.settings import load_settings
from naspe.workflows.execution.query_index import QUERY_COLLECTION, IndexUnavailable, QueryIndex
from naspe.workflows.execution.store_changes import track_changes
from naspe.workflows.execution.store_paths import (
    CONFIG_FILE,
    DATABASE,
    ENGINE_FILE,
    STORAGE,
    StoreError,
    monty_path,
    reading_path,
)

__all__ = ["open_store", "StoreError", "WriterMontyStore", "ReadOnlyMontyStore"]

#: maggma's MontyStore defaults (pymongo's BSON, MongoDB 4.0 query semantics), as every naspe store was made
_STORAGE_KWARGS = {"use_bson": True, "mongo_version": "4.0"}


def _config_text(storage_kwargs: dict) -> str:
    """``monty.storage.cfg`` as montydb's ``AbstractStorage.save_config`` writes it."""
    parser = configparser.ConfigParser()
    parser.add_section(STORAGE)
    for option, value in storage_kwargs.items():
        text = ("yes" if value else "") if isinstance(value, bool) else ("" if value is None else str(value))
        parser.set(STORAGE, str(option), text)
    out = io.StringIO()
    parser.write(out)
    return out.getvalue()


def _replace_if_different(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file renamed into place, unless it holds it already."""
    try:
        if path.read_text() == text:
            return
    except (OSError, UnicodeDecodeError):
        pass
    write_text_replacing(path, text)


class WriterMontyStore(MontyStore):
    """maggma's MontyStore for the driver: montydb's configuration written once, atomically, not at every open."""

    def connect(self, force_reset: bool = False):
        """Connect, writing montydb's configuration files only when missing or different (see the module)."""
        if self._coll is None or force_reset:
            repo = Path(self.database_path)
            _replace_if_different(repo / CONFIG_FILE, _config_text(self.storage_kwargs))
            _replace_if_different(repo / ENGINE_FILE, self.storage)
            client = MontyClient(self.database_path, **self.client_kwargs)
            database = client[self.database_name]
            if not client._storage.collection_exists(database, self.collection_name):
                database.create_collection(self.collection_name)  # montydb's table, so the change log has a target
            self._coll = database[self.collection_name]
            track_changes(repo / self.database_name / f"{self.collection_name}{SQLITE_DB_EXT}")

    def update(self, docs, key=None):
        """Store ``docs`` (maggma's ``update``), then bring the query index up to date.

        maggma upserts each document, which montydb answers by scanning the collection for
        its key: a campaign's writes would grow with the square of its size. A document that
        cannot be stored yet is inserted instead: a job document whose ``(uuid, index)`` the
        query index does not hold, and a large object, whose ``blob_uuid`` jobflow draws afresh
        (a random UUID) each time it stores one. Any other document is upserted as maggma does.
        """
        docs = docs if isinstance(docs, list) else [docs]
        key = key or self.key
        fields = tuple(key) if isinstance(key, list) else (key,)
        new, known = self._new_and_known(docs, fields)
        for d in new:
            self._collection.insert_one(jsanitize(d, allow_bson=True))
        if known:
            super().update(known, key=key)
        self.update_query_index()

    def _new_and_known(self, docs: list[dict], fields: tuple[str, ...]) -> tuple[list[dict], list[dict]]:
        """``docs`` split into those that cannot be stored yet (inserted) and the others (upserted)."""
        if self.validator is not None or not all(all(f in d for f in fields) for d in docs):
            return [], docs
        if fields == ("blob_uuid",) and self.collection_name == f"{QUERY_COLLECTION}_data":
            taken: set[tuple] = set()
        elif set(fields) == {"uuid", "index"} and self.collection_name == QUERY_COLLECTION:
            try:
                taken = {tuple(h.get(f) for f in fields) for h in self._index().heads()}
            except (OSError, sqlite3.Error, IndexUnavailable, bson.errors.BSONError):
                return [], docs
        else:
            return [], docs
        new, known = [], []
        for d in docs:
            value = tuple(d[f] for f in fields)
            (known if value in taken else new).append(d)
            taken.add(value)  # a second document of the same key in one call replaces the first
        return new, known

    def remove_docs(self, criteria: dict):
        """Remove the documents matching ``criteria`` (maggma's ``remove_docs``), then update the query index."""
        super().remove_docs(criteria)
        self.update_query_index()

    def query(self, criteria=None, properties=None, sort=None, hint=None, skip=0, limit=0, **kwargs):
        """Documents matching ``criteria`` (maggma's ``query``); those of one job through the query index.

        A one-job query is ``{"uuid": u}`` or ``{"uuid": u, "index": i}``, sorted by index or not,
        with top-level properties.

        Resolving a job's inputs asks for the newest document of each job it reads; answered
        from the query index (the documents fetched by their key), such a question costs
        milliseconds where a scan decodes every stored document. Any other query is montydb's.
        """
        docs = self._job_documents(criteria, properties, sort, skip, kwargs)
        if docs is None:
            yield from super().query(criteria, properties, sort, hint, skip, limit, **kwargs)
            return
        yield from docs[:limit] if limit else docs

    def _job_documents(self, criteria, properties, sort, skip, kwargs) -> list[dict] | None:
        """The answer to a one-job query from the query index, or None for a query it cannot answer."""
        if self.collection_name != QUERY_COLLECTION or self.database_name != DATABASE or skip or kwargs:
            return None
        if not isinstance(criteria, dict) or set(criteria) - {"uuid", "index"}:
            return None
        if not isinstance(criteria.get("uuid"), str):
            return None
        index = criteria.get("index")
        if "index" in criteria and (not isinstance(index, int) or isinstance(index, bool)):
            return None
        if sort and set(sort) != {"index"}:
            return None
        if isinstance(properties, dict) and not all(v in (1, True) for v in properties.values()):
            return None
        names = None if properties is None else list(properties)
        if names is not None and any(not isinstance(p, str) or "." in p or p.startswith("$") for p in names):
            return None
        try:
            docs = self._index().documents_of(criteria["uuid"], index)
        except (OSError, sqlite3.Error, IndexUnavailable, bson.errors.BSONError):
            return None
        if sort:
            direction = getattr(sort["index"], "value", sort["index"])
            docs.sort(key=lambda d: (isinstance(d.get("index"), int), d.get("index") or 0), reverse=direction == -1)
        if names is not None:
            docs = [{k: d[k] for k in ("_id", *names) if k in d} for d in docs]
        return docs

    def _index(self) -> QueryIndex:
        index = getattr(self, "_query_index", None)
        if index is None:
            index = self._query_index = QueryIndex(self.database_path, write=True)
        return index

    def update_query_index(self) -> None:
        """Bring the query index of the documents collection up to the store's state and write it back.

        The documents are stored already: a failure here (a full disk) is logged and leaves the
        previous index file, which readers catch up from the change log.
        """
        if self.collection_name != QUERY_COLLECTION or self.database_name != DATABASE:
            return
        try:
            self._index().refresh()
        except (OSError, sqlite3.Error, IndexUnavailable, bson.errors.BSONError) as err:
            logging.getLogger(__name__).warning("query index of %s not updated: %s", self.database_path, err)


class _NoWrites:
    """A maggma store opened for reading: every write raises :class:`StoreError`."""

    def _refuse(self, *args, **kwargs):
        raise StoreError(f"the results store {self.name} is opened for reading: only the driver writes to it")

    update = remove_docs = ensure_index = _refuse


class _ReadOnlySQLite(SQLiteKVEngine):
    """montydb's SQLite engine for reading: never creates a file, sets no pragma, refuses every write."""

    @staticmethod
    def _uris(db_file: str) -> list[str]:
        path = "file:" + quote(os.path.abspath(db_file))
        if os.access(os.path.dirname(db_file) or ".", os.W_OK) and os.access(db_file, os.W_OK):
            return [f"{path}?mode=rw"]  # never creates the file; SQLite removes its -wal/-shm at close
        # a directory this process cannot write: the writer's -shm when it is connected, else the file as it is
        return [f"{path}?mode=ro", f"{path}?mode=ro&immutable=1"]

    def _read(self, db_file: str, sql: str) -> list:
        if not os.path.isfile(db_file):
            return []  # a collection nothing was written to yet
        uris = self._uris(db_file)
        error: sqlite3.Error | None = None
        for attempt in range(1 if len(uris) == 1 else 5):
            if attempt:
                time.sleep(0.1 * attempt)  # an immutable read that met a page being written: read again
            for uri in uris:
                try:
                    with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=30)) as conn:
                        conn.text_factory = str
                        return conn.execute(sql).fetchall()
                except sqlite3.DatabaseError as err:
                    if "no such table" in str(err):
                        return []  # the writer is creating this collection (the file made, its table not yet)
                    error = err
        raise error

    def read_all(self, db_file, limit):
        """Every stored document (montydb's ``limit``: at most that many)."""
        sql = f"SELECT v FROM [{SQLITE_RECORD_TABLE}]" + (f" LIMIT {int(limit)}" if limit else "")
        return self._read(db_file, sql)

    def read_all_keys(self, db_file):
        """Every stored key."""
        return self._read(db_file, f"SELECT k FROM [{SQLITE_RECORD_TABLE}]")

    def _refuse(self, *args, **kwargs):
        raise StoreError("the results store is opened for reading: only the driver writes to it")

    _connect = create_table = write_one = write_many = update_one = update_many = delete_one = delete_many = _refuse


class ReadOnlyMontyStore(_NoWrites, MontyStore):
    """maggma's MontyStore reading an existing montydb SQLite store; writes nothing (see the module)."""

    def connect(self, force_reset: bool = False):
        """Connect without montydb's ``set_storage`` (which rewrites the configuration files)."""
        if self._coll is None or force_reset:
            client = MontyClient(self.database_path, **self.client_kwargs)  # reads the files the writer made
            storage = client._storage  # montydb has no read-only mode: its SQLite engine is swapped for one
            storage._conn = _ReadOnlySQLite(storage._config)
            self._coll = client[self.database_name][self.collection_name]


class _ObjectsFirstJobStore(JobStore):
    """jobflow's JobStore, writing a document's large objects before the document itself.

    jobflow writes the document first: a reader between the two writes finds a reference to
    an object not there yet (``get_output(..., load=True)`` fails). Here the document is
    held back until its objects are stored; a failure in between leaves only unreferenced
    objects behind.
    """

    _lock = threading.Lock()

    def update(self, docs, key=None, save=None):
        """Store ``docs`` (see ``JobStore.update``), objects first."""
        held: list[tuple] = []
        docs_store = self.docs_store
        with self._lock:  # the held-back write is this instance's own attribute for the duration
            docs_store.update = lambda d, key=None: held.append((d, key))
            try:
                super().update(docs, key=key, save=save)
            finally:
                del docs_store.update
            for d, k in held:
                docs_store.update(d, key=k)


class _EmptyStore(_NoWrites, MemoryStore):
    """The store of a data directory no run has written to yet: no documents."""


def _monty(path: Path) -> JobStore:
    try:
        path.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".naspe-write-test-", dir=path)  # unique: readers and writers at once
        os.close(fd)
        os.unlink(probe)
    except OSError as err:
        raise StoreError(f"results store directory {str(path)!r} is not writable: {err}") from err
    # absolute: jobflow's run_locally changes into job folders, and montydb opens its files relative to the cwd
    common = {"database_path": str(path.resolve()), "database_name": DATABASE, "storage": STORAGE}
    docs = WriterMontyStore("outputs", storage_kwargs=dict(_STORAGE_KWARGS), **common)
    data = WriterMontyStore("outputs_data", storage_kwargs=dict(_STORAGE_KWARGS), **common)
    return _ObjectsFirstJobStore(docs, additional_stores={"data": data})


def _monty_for_reading(path: Path, holder: str, hint: str) -> JobStore:
    if reading_path(path, holder, hint) is None:
        return JobStore(_EmptyStore("outputs"), additional_stores={"data": _EmptyStore("outputs_data")})
    common = {"database_path": str(path.resolve()), "database_name": DATABASE, "storage": STORAGE}
    docs = ReadOnlyMontyStore("outputs", **common)
    data = ReadOnlyMontyStore("outputs_data", **common)
    return JobStore(docs, additional_stores={"data": data})


def _mongo(cfg) -> tuple[JobStore, str]:
    from maggma.stores import GridFSStore, MongoStore  # pymongo: imported only for the store kind in use

    password = os.environ.get(cfg.password_env, "") if getattr(cfg, "password_env", None) else ""
    auth = {"username": cfg.username, "password": password} if getattr(cfg, "username", None) else {}
    quick = {"serverSelectionTimeoutMS": 5000}  # an unreachable server fails in seconds, not at the first job
    docs = MongoStore(cfg.database, cfg.collection, host=cfg.host, port=cfg.port, mongoclient_kwargs=quick, **auth)
    data = GridFSStore(
        cfg.database, f"{cfg.collection}_data", host=cfg.host, port=cfg.port, mongoclient_kwargs=quick, **auth
    )
    return _ObjectsFirstJobStore(docs, additional_stores={"data": data}), password


def _damaged_collections(path: Path) -> list[Path]:
    """The collection files under ``path`` that SQLite cannot read or whose integrity check fails."""
    bad = []
    for db_file in sorted(path.absolute().rglob("*.collection")):
        try:
            with contextlib.closing(sqlite3.connect(f"{db_file.as_uri()}?mode=ro", uri=True)) as conn:
                if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                    bad.append(db_file)
        except sqlite3.DatabaseError as err:
            if "malformed" in str(err) or "not a database" in str(err):  # not "disk I/O error": a full disk
                bad.append(db_file)
    return bad


def _free_kib(path: Path) -> int | None:
    """KiB free to this user on the file system holding ``path`` (or its nearest existing parent)."""
    while not path.exists() and path != path.parent:
        path = path.parent
    try:
        st = os.statvfs(path)
    except OSError:
        return None
    return st.f_bavail * st.f_frsize // 1024


def _store_fault_message(path: Path, err: sqlite3.DatabaseError) -> str:
    """One line for SQLite's error on the store at ``path``: the damaged files and the recovery, or the full disk."""
    path = path.absolute()
    bad = _damaged_collections(path)
    if not bad:  # no file reads as damaged: the disk (full, quota, read-only), not the store
        free_kib = _free_kib(path)
        full = (
            f"the disk holding it is full ({free_kib} KiB free); " if free_kib is not None and free_kib < 1024 else ""
        )
        return (
            f"cannot use the results store {path} ({err}); {full}no file of it reads as damaged: free "
            "space or fix the file system, then rerun the command (the store is kept as it is)"
        )
    where = ", ".join(str(f) for f in bad)
    aside = f"{path}.broken-{time.strftime('%Y%m%d-%H%M%S')}"
    return (
        f"the results store is damaged: {where} ({err}); move the store aside (mv {path} {aside}) and resume the "
        "runs (naspe run --resume, naspe submit --resume RUN): jobs whose results are not in the store run again"
    )


def open_store(
    data_dir: str | Path | None = None, store_config=None, connect: bool = True, read_only: bool = False
) -> JobStore:
    """The results store named by ``store_config`` (None: a MontyStore under ``data_dir``).

    Parameters
    ----------
    data_dir
        naspe's data directory (None: ``settings.data_dir``).
    store_config
        An object with ``kind`` ("monty" or "mongo") and the fields of
        :class:`naspe.workflows.execution.hpc_config.StoreConfig`; None: monty.
    connect
        Connect now, so that an unreachable database fails here, before any job runs.
    read_only
        Open for reading (every process but the driver): nothing is written, a
        data directory that does not exist is an error, one without a store yet
        an empty store (see the module).

    Raises
    ------
    StoreError
        When the directory is not writable (for writing), there is no store there
        (for reading), or the database cannot be reached.
    """
    if data_dir is None:
        data_dir = load_settings().data_dir
    kind = getattr(store_config, "kind", "monty")
    secret = ""
    if kind == "monty":
        path, holder, hint = monty_path(data_dir, store_config)
        if read_only:
            store = _monty_for_reading(path, holder, hint)
        else:
            store = _monty(path)
    elif kind == "mongo":
        store, secret = _mongo(store_config)
    else:
        raise StoreError(f"store kind {kind!r}: allowed are 'monty' and 'mongo'")
    if connect:
        try:
            store.connect()
            store.docs_store.count()  # pymongo connects lazily: touch the server now
        except StoreError:
            raise
        except sqlite3.DatabaseError as err:
            if kind == "monty":
                raise StoreError(_store_fault_message(path, err)) from None
            raise
        except Exception as err:  # any driver error: unreachable server, bad credentials, corrupt file
            text = f"{type(err).__name__}: {err}"
            if secret:
                text = text.replace(secret, "<password>")  # a driver that quotes its URI never shows the password
            raise StoreError(f"cannot open the {kind} results store: {text}") from (None if secret else err)
    return store
