"""The query index: a light copy of what the result queries read, kept beside the embedded store.

The embedded store (montydb on SQLite) has no index: each query decodes every stored
document (about 1.6 ms each; 10,000 jobs: 20 s a query). The index holds, per stored
document, in the order of the store:

* its key in the collection (montydb's ``k``) and SQLite ``rowid``;
* its head: ``uuid``, ``index``, ``name``, ``completed_at`` and ``metadata`` (each only if the
  document has it), what ``naspe query jobs``, the report's appendix and the campaign
  filters read;
* the classes of its output (``output.@class``; of each element for a list output);
* for the classes of :data:`REDUCED` (many documents each, read by the tables in full),
  the document as the tables read it: its head and its output without the parts no table
  reads (a relaxed structure becomes its sites' elements).

A query then reads this file (one BSON document per stored document, about 1 kB) and,
for the other classes, fetches only the documents it lists by their key (SQLite's
primary key), decoded as montydb decodes them: the answers are those of a full scan.

Written by the writer, read by everyone
---------------------------------------
The file ``<store>/query-index-outputs.bson`` records the state it describes: the store's
id, the last change of its change log and the number of documents
(:mod:`naspe.workflows.execution.store_changes`: SQLite triggers log every write in the
write's own transaction). The writer (the driver, ``naspe adhesion --save``: whoever opens
the store with ``open_store(...)``) brings it up to date after each of its writes and
writes it back, as one temporary file renamed into place
(:func:`~naspe.analysis.output_files.write_replacing`); a failed write of it (a full disk)
leaves the previous file, and the documents are stored already.

A reader compares the file's state with the store's in one SQLite read transaction with
what it reads: if documents changed since (a writer that stopped between its write and the
index's), only those are decoded again; if the file is missing, unreadable, of another
store or of another record format (``_FORMAT``), the index is rebuilt from every document. A
reader keeps what it caught up in memory and writes nothing (see
:mod:`naspe.workflows.execution.store`). A store without a change log (made before it,
never opened by a writer since) has no index: its queries read the documents as before.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import bson

from naspe.analysis.output_files import write_replacing
from naspe.workflows.execution.store_changes import DOCUMENTS_TABLE, change_stamp, changed_keys
from naspe.workflows.execution.store_paths import DATABASE

__all__ = [
    "QueryIndex",
    "IndexUnavailable",
    "INDEX_FILE",
    "QUERY_COLLECTION",
    "HEAD_KEYS",
    "REDUCED",
    "output_classes",
    "gc_paused",
]

#: the index file, in the store directory (beside montydb's ``.monty.storage``)
INDEX_FILE = "query-index-outputs.bson"
#: the document fields every record keeps
HEAD_KEYS = ("uuid", "index", "name", "completed_at", "metadata")
#: classes whose documents the index holds as the tables read them: output fields reduced to what they use
REDUCED: dict[str, tuple[str, ...]] = {"AdhesionDocument": ("relaxed_interface",)}
#: the format of the records; raise it when what a record holds changes (``HEAD_KEYS``, ``REDUCED``, the
#: reductions), so that old index files are rebuilt; not for a new form of a reduction that the readers take as
#: the old one (a structure's sites as lists of elements, read as the species dicts of format 2 were)
_FORMAT = 2
#: the collection the index describes: the job documents (their large objects are elsewhere)
QUERY_COLLECTION = "outputs"
_CHUNK = 500  # keys per ``IN (...)`` of a fetch


class IndexUnavailable(RuntimeError):
    """The store has no change log (or cannot be read here): it is queried without an index."""


def output_classes(doc: dict) -> list[str]:
    """``output.@class`` of a stored document as a query on it matches: of the output, or of each list element."""
    out = doc.get("output")
    items = out if isinstance(out, list) else [out]
    return [d["@class"] for d in items if isinstance(d, dict) and isinstance(d.get("@class"), str)]


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside (restored after, as it was): for decoding many documents at once.

    Decoding thousands of documents makes hundreds of thousands of dicts and lists, none of them
    garbage; each collection the allocations set off walks all of them again (two thirds of the
    time of reading 2500 adhesion documents from the index). Reference counting still frees what
    is dropped; a cycle made inside waits for the next collection after.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _reduced_structure(structure):
    """A structure's sites as far as a table reads them (the elements of each site, one list a site), else the value.

    Index files written before hold each site as ``{"species": [{"element": ...}]}``; both forms
    read as the same :class:`~naspe.workflows.results.typed_read.StructureSites` (this one decodes
    in about half the time), so those files are kept, not rebuilt.
    """
    if not isinstance(structure, dict) or not isinstance(structure.get("sites"), list):
        return structure
    sites = []
    for site in structure["sites"]:
        species = site.get("species", []) if isinstance(site, dict) else []
        sites.append([sp["element"] for sp in species if isinstance(sp, dict) and "element" in sp])
    return {"sites": sites}


def _reduced_document(doc: dict, cls: str) -> dict:
    """``doc`` as the tables read a document of ``cls``: its head and its output, large fields reduced."""
    out = dict(doc["output"])
    for key in REDUCED[cls]:
        if key in out:
            out[key] = _reduced_structure(out[key])
    return {**{k: doc[k] for k in HEAD_KEYS if k in doc}, "output": out}


def _record(rowid: int, key: str, raw: bytes) -> dict:
    """The index record of one stored document (``raw``: its BSON)."""
    doc = bson.decode(raw)
    classes = output_classes(doc)
    record = {"r": rowid, "k": key, "h": {k: doc[k] for k in HEAD_KEYS if k in doc}, "c": classes}
    reduced = [c for c in classes if c in REDUCED]
    if reduced and isinstance(doc.get("output"), dict):
        record["d"] = bson.encode(_reduced_document(doc, reduced[0]))
    return record


def _uris(db_file: Path) -> list[str]:
    """SQLite URIs to read ``db_file`` (never creating it), as the store's own reader does."""
    path = "file:" + quote(os.path.abspath(db_file))
    if os.access(db_file.parent, os.W_OK) and os.access(db_file, os.W_OK):
        return [f"{path}?mode=rw"]
    return [f"{path}?mode=ro", f"{path}?mode=ro&immutable=1"]


class QueryIndex:
    """The query index of the embedded store in ``store_dir`` (see the module).

    Parameters
    ----------
    store_dir
        The store directory (``<data_dir>/store``: holds ``.monty.storage`` and ``naspe/``).
    write
        Write the index file back when it changed (the store's writer only; readers write nothing).
    """

    def __init__(self, store_dir: str | Path, write: bool = False) -> None:
        self.store_dir = Path(store_dir)
        self.write = write
        self.db_file = self.store_dir / DATABASE / f"{QUERY_COLLECTION}.collection"
        self.path = self.store_dir / INDEX_FILE
        self.records: list[dict] = []
        self._stamp: tuple[str, int, int] | None = None
        self.rebuilt_s: float | None = None  # seconds the last full rebuild took (None: none in this process)

    # -- reading the store ------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """A read transaction on the collection file, the index brought up to its state first."""
        if not self.db_file.is_file():
            raise IndexUnavailable(f"{self.db_file} does not exist")
        error: sqlite3.Error | None = None
        for uri in _uris(self.db_file):
            try:
                conn = sqlite3.connect(uri, uri=True, timeout=30, isolation_level=None)
            except sqlite3.Error as err:
                error = err
                continue
            with contextlib.closing(conn):
                try:
                    conn.execute("BEGIN")
                    stamp = change_stamp(conn)
                except sqlite3.Error as err:
                    error = err
                    continue
                if stamp is None:
                    raise IndexUnavailable(f"{self.db_file} has no change log")
                self._bring_up_to(conn, stamp)
                yield conn
                conn.execute("COMMIT")
                return
        raise IndexUnavailable(f"cannot read {self.db_file}: {error}")

    def _bring_up_to(self, conn: sqlite3.Connection, stamp: tuple[str, int, int]) -> None:
        if self._stamp == stamp:
            return
        if self._stamp is None:
            self._load()
            if self._stamp == stamp:
                return
        held = self._stamp
        if held is not None and held[0] == stamp[0] and held[1] <= stamp[1]:
            self._catch_up(conn, changed_keys(conn, held[1]))
        if held is None or held[0] != stamp[0] or held[1] > stamp[1] or len(self.records) != stamp[2]:
            # no index, another store's, or one that does not add up (a restored file): from every document
            started = time.perf_counter()
            rows = conn.execute(f"SELECT rowid, k, v FROM [{DOCUMENTS_TABLE}]")
            self.records = [_record(rowid, k, v) for rowid, k, v in rows]
            self.rebuilt_s = time.perf_counter() - started
        self._stamp = stamp
        if self.write:
            self._save()

    def _catch_up(self, conn: sqlite3.Connection, keys: list[str]) -> None:
        """Re-read the documents of ``keys`` (deleted ones leave the index)."""
        if not keys:
            return
        changed = set(keys)
        kept = [r for r in self.records if r["k"] not in changed]
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            for rowid, k, v in conn.execute(f"SELECT rowid, k, v FROM [{DOCUMENTS_TABLE}] WHERE k IN ({marks})", chunk):
                kept.append(_record(rowid, k, v))
        kept.sort(key=lambda r: r["r"])  # the order of a full scan of the table
        self.records = kept

    # -- the index file ---------------------------------------------------------------------------------------

    def _load(self) -> None:
        """The records of the index file when it is of this record format (else none: rebuilt)."""
        try:
            with gc_paused():
                docs = bson.decode_all(self.path.read_bytes())
        except (OSError, bson.errors.BSONError, ValueError):
            return
        if not docs or docs[0].get("format") != _FORMAT:
            return
        head = docs[0]
        self._stamp = (head["store_id"], head["seq"], head["count"])
        self.records = docs[1:]

    def _save(self) -> None:
        """Write the index file (atomically); a failed write (a full disk) keeps the old one."""
        assert self._stamp is not None
        head = {
            "format": _FORMAT,
            "store_id": self._stamp[0],
            "seq": self._stamp[1],
            "count": self._stamp[2],
        }
        data = b"".join([bson.encode(head), *(bson.encode(r) for r in self.records)])
        with contextlib.suppress(OSError):  # a full disk, a quota: the store is untouched, readers catch up
            write_replacing(self.path, lambda tmp: tmp.write_bytes(data))

    # -- answers ----------------------------------------------------------------------------------------------

    def refresh(self) -> QueryIndex:
        """Bring the index up to the store's state now (raises :class:`IndexUnavailable` without a change log)."""
        with self._transaction():
            pass
        return self

    def heads(self) -> list[dict]:
        """The head of every stored document (``uuid``, ``index``, ... as present), in the store's order."""
        with self._transaction():
            return [r["h"] for r in self.records]

    def newest(self, uuids: list[str], properties: list[str]) -> dict[str, dict]:
        """The newest document (highest index) of each of ``uuids``, by uuid: its head, or the whole document.

        The head when ``properties`` are head fields, else the stored document (fetched by its key).
        """
        wanted = set(uuids)
        with self._transaction() as conn:
            found: dict[str, dict] = {}
            for r in self.records:
                h = r["h"]
                if h.get("uuid") not in wanted:
                    continue
                held = found.get(h["uuid"])
                if held is None or (h.get("index") or 0) > (held["h"].get("index") or 0):
                    found[h["uuid"]] = r
            if set(properties) <= set(HEAD_KEYS):
                return {u: r["h"] for u, r in found.items()}
            docs = self._fetch(conn, [r["k"] for r in found.values()])
            return {u: docs[r["k"]] for u, r in found.items() if r["k"] in docs}

    def documents_of(self, uuid: str, index: int | None = None) -> list[dict]:
        """The stored documents of job ``uuid`` (of its ``index`` only, when given), whole, in the store's order."""
        with self._transaction() as conn:
            keys = [
                r["k"]
                for r in self.records
                if r["h"].get("uuid") == uuid and (index is None or r["h"].get("index") == index)
            ]
            docs = self._fetch(conn, keys)
        return [docs[k] for k in keys if k in docs]

    def latest(self, cls: str) -> list[dict]:
        """The documents whose output is of class ``cls``, the highest index of each uuid, in no set order.

        As :func:`naspe.workflows.results.store_reader.latest` on the store (which orders them): jobflow's
        ``store_inputs`` stand-ins are left out. Documents of :data:`REDUCED` classes come as the tables read them.
        """
        with self._transaction() as conn:
            chosen: dict[str, dict] = {}
            for r in self.records:
                if cls not in r["c"] or r["h"].get("name") == "store_inputs":
                    continue
                held = chosen.get(r["h"]["uuid"])
                if held is None or _index_key(r) > _index_key(held):
                    chosen[r["h"]["uuid"]] = r
            if cls in REDUCED and all("d" in r for r in chosen.values()):
                with gc_paused():
                    docs = [bson.decode(r["d"]) for r in chosen.values()]
            else:
                fetched = self._fetch(conn, [r["k"] for r in chosen.values()])
                docs = [fetched[r["k"]] for r in chosen.values() if r["k"] in fetched]
        return docs

    @staticmethod
    def _fetch(conn: sqlite3.Connection, keys: list[str]) -> dict[str, dict]:
        """The stored documents of ``keys``, by key, decoded as montydb decodes them."""
        docs: dict[str, dict] = {}
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            with gc_paused():
                for k, v in conn.execute(f"SELECT k, v FROM [{DOCUMENTS_TABLE}] WHERE k IN ({marks})", chunk):
                    docs[k] = bson.decode(v)
        return docs


def _index_key(record: dict) -> tuple[bool, int]:
    """Sort key of a job index as the store sorts it (a missing index below every number)."""
    index = record["h"].get("index")
    return (index is not None, index if isinstance(index, int) else 0)
