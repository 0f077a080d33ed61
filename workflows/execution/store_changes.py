"""The change log of the embedded store: every write to its documents, recorded in the write's own transaction.

The embedded store (montydb on SQLite, see :mod:`naspe.workflows.execution.store`)
has no index: every query decodes every document. The result queries keep a light
index of their own beside it (:mod:`naspe.workflows.execution.query_index`), which has
to know which documents changed since it was made. This module gives each collection
file (``<store>/naspe/<collection>.collection``) two tables of naspe's own and three
SQLite triggers on montydb's ``documents`` table:

* ``naspe_store_id``: one row, a random id made when the log was added (a store moved
  aside and made anew gets another id, so an index of the old one is never taken for it);
* ``naspe_changes``: ``(seq, k)``, one row per inserted, updated or deleted document
  (``k``: montydb's key), ``seq`` increasing (``AUTOINCREMENT``: never reused).

The triggers run inside the transaction of the write itself, so a document is never
stored without its change being logged, whoever writes it (maggma's ``update``, a bulk
``insert_many``, an older naspe on a store that has the log). Only the writer
(:func:`track_changes`, called when the driver connects) adds them; readers only read
(:func:`change_stamp`). A store made before the log has none until a writer opens it:
its readers query the documents as before.
"""

from __future__ import annotations

import contextlib
import sqlite3
import uuid
from pathlib import Path

__all__ = ["track_changes", "change_stamp", "changed_keys", "CHANGES_TABLE", "STORE_ID_TABLE", "DOCUMENTS_TABLE"]

#: montydb's table of a collection file (``montydb.storage.sqlite.SQLITE_RECORD_TABLE``): key ``k``, BSON ``v``
DOCUMENTS_TABLE = "documents"
#: naspe's change log: one row per written document
CHANGES_TABLE = "naspe_changes"
#: naspe's id of this collection file's store
STORE_ID_TABLE = "naspe_store_id"

_LOG = f"INSERT INTO {CHANGES_TABLE} (k) VALUES"
_TRIGGERS = {
    "naspe_log_insert": f"AFTER INSERT ON [{DOCUMENTS_TABLE}] BEGIN {_LOG} (NEW.k); END",
    "naspe_log_update": (
        f"AFTER UPDATE ON [{DOCUMENTS_TABLE}] BEGIN {_LOG} (OLD.k); "
        f"INSERT INTO {CHANGES_TABLE} (k) SELECT NEW.k WHERE NEW.k IS NOT OLD.k; END"
    ),
    "naspe_log_delete": f"AFTER DELETE ON [{DOCUMENTS_TABLE}] BEGIN {_LOG} (OLD.k); END",
}


def _installed(conn: sqlite3.Connection) -> bool:
    names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")}
    return {CHANGES_TABLE, STORE_ID_TABLE, *_TRIGGERS} <= names


def track_changes(collection_file: str | Path) -> None:
    """Add the change log and its triggers to a collection file that has montydb's table (the writer only).

    Nothing is done when they are there already; otherwise they are added in one
    transaction, so a failure (a full disk) leaves the file as it was.

    Parameters
    ----------
    collection_file
        A montydb SQLite collection file holding the ``documents`` table.
    """
    with contextlib.closing(sqlite3.connect(str(collection_file), timeout=30, isolation_level=None)) as conn:
        if _installed(conn):
            return
        statements = [
            f"CREATE TABLE IF NOT EXISTS {STORE_ID_TABLE} (id TEXT NOT NULL)",
            f"INSERT INTO {STORE_ID_TABLE} (id) SELECT ? WHERE NOT EXISTS (SELECT 1 FROM {STORE_ID_TABLE})",
            f"CREATE TABLE IF NOT EXISTS {CHANGES_TABLE} (seq INTEGER PRIMARY KEY AUTOINCREMENT, k TEXT NOT NULL)",
            *(f"CREATE TRIGGER IF NOT EXISTS {name} {body}" for name, body in _TRIGGERS.items()),
        ]
        conn.execute("BEGIN IMMEDIATE")
        try:
            for sql in statements:
                conn.execute(sql, (uuid.uuid4().hex,) if "?" in sql else ())
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


def change_stamp(conn: sqlite3.Connection) -> tuple[str, int, int] | None:
    """(store id, last change seq, number of documents) of an open collection file; None without a change log.

    Read inside the caller's transaction, these name the state of the documents read in
    the same transaction.
    """
    names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")}
    if not {CHANGES_TABLE, STORE_ID_TABLE, DOCUMENTS_TABLE, *_TRIGGERS} <= names:
        return None
    store_id = conn.execute(f"SELECT id FROM {STORE_ID_TABLE} LIMIT 1").fetchone()
    if store_id is None:
        return None
    seq = conn.execute(f"SELECT max(seq) FROM {CHANGES_TABLE}").fetchone()[0] or 0
    count = conn.execute(f"SELECT count(*) FROM [{DOCUMENTS_TABLE}]").fetchone()[0]
    return str(store_id[0]), int(seq), int(count)


def changed_keys(conn: sqlite3.Connection, after_seq: int) -> list[str]:
    """The keys of the documents written (inserted, updated, deleted) after change ``after_seq``."""
    rows = conn.execute(f"SELECT DISTINCT k FROM {CHANGES_TABLE} WHERE seq > ?", (after_seq,))
    return [row[0] for row in rows]
