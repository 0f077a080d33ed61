"""The results store as the queries open it: its query index first, the JobStore only when needed.

:func:`open_for_reading` checks the data directory as ``open_store(..., read_only=True)``
does (the same :class:`~naspe.workflows.execution.store_paths.StoreError`), and for an
embedded store with a change log brings its query index
(:mod:`~naspe.workflows.execution.query_index`) up to date. The :class:`ReadStore` it
returns answers the result tables from the index and opens the jobflow ``JobStore``
(importing jobflow, maggma and montydb: most of a query's start-up) only when some code
asks it for more; any other store (MongoDB, a data directory without a store yet, an
embedded store made before the change log) is opened at once, as before.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from naspe.workflows.execution.query_index import IndexUnavailable, QueryIndex
from naspe.workflows.execution.store_paths import DATABASE, monty_path, reading_path

__all__ = ["ReadStore", "open_for_reading", "index_of"]

_INDEXES: dict[Path, QueryIndex] = {}


class ReadStore:
    """A results store opened for reading (see the module); any JobStore attribute opens the JobStore.

    Parameters
    ----------
    index
        The store's query index, or None.
    opener
        Opens the jobflow ``JobStore`` read-only (called at most once).
    job_store
        The JobStore, when it is open already.
    """

    def __init__(self, index: QueryIndex | None, opener: Callable[[], Any], job_store: Any = None) -> None:
        self.index = index
        self._opener = opener
        self._job_store = job_store

    @property
    def job_store(self) -> Any:
        """The jobflow JobStore (opened now if it was not)."""
        if self._job_store is None:
            self._job_store = self._opener()
        return self._job_store

    def connect(self, force_reset: bool = False) -> None:
        """Connect the JobStore if it is open (a query index needs no connection)."""
        if self._job_store is not None:
            self._job_store.connect(force_reset=force_reset)

    def close(self) -> None:
        """Close the JobStore if it was opened."""
        if self._job_store is not None:
            self._job_store.close()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in ("index", "_opener", "_job_store"):
            raise AttributeError(name)
        return getattr(self.job_store, name)


def _open_job_store(data_dir, store_config) -> Any:
    from naspe.workflows.execution.store import open_store  # jobflow, maggma, montydb: only when needed

    return open_store(data_dir, store_config, read_only=True)


def _index(store_dir: Path) -> QueryIndex | None:
    """The query index of the embedded store in ``store_dir``, up to date; None when it has none."""
    key = store_dir.resolve()
    index = _INDEXES.get(key) or QueryIndex(key)
    try:
        index.refresh()
    except (IndexUnavailable, sqlite3.Error):
        return None
    _INDEXES[key] = index
    return index


def open_for_reading(data_dir: str | Path | None = None, store_config=None) -> ReadStore:
    """The results store of ``data_dir`` opened for reading (see the module).

    Parameters
    ----------
    data_dir
        naspe data directory (None: ``settings.data_dir``).
    store_config
        The store of an execution configuration (None: the embedded store under ``data_dir``).

    Raises
    ------
    StoreError
        As ``open_store(data_dir, store_config, read_only=True)``.
    """
    if getattr(store_config, "kind", "monty") == "monty":
        found = reading_path(*monty_path(data_dir, store_config))
        index = _index(found) if found is not None else None
        if index is not None:
            return ReadStore(index, lambda: _open_job_store(data_dir, store_config))
    return ReadStore(None, lambda: None, _open_job_store(data_dir, store_config))


def index_of(store: Any) -> QueryIndex | None:
    """The query index answering for ``store`` (a :class:`ReadStore` or a JobStore), or None."""
    if isinstance(store, ReadStore):
        return store.index
    docs = getattr(store, "docs_store", None)
    if (
        getattr(docs, "storage", None) != "sqlite"
        or not getattr(docs, "database_path", None)
        or getattr(docs, "database_name", None) != DATABASE
        or getattr(docs, "collection_name", None) != "outputs"
    ):
        return None
    return _index(Path(docs.database_path))
