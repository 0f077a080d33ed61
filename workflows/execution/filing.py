"""Filing a run directory's finished documents in the results database.

``naspe adhesion`` and ``naspe bonding`` keep their documents in their own run
directory (``results.json``, see :mod:`naspe.workflows.execution.runner`), so a
rerun reuses every finished calculation. With ``--save`` the documents are also
filed in the results database of the data directory (:func:`open_store`), where
``naspe query`` and ``naspe report`` read them beside the campaigns' results.

Filing copies each stored job document (same ``uuid`` and ``index``, same
output), keyed on ``(uuid, index)``: filing the same run twice changes nothing,
and a document already in the database is replaced only by the same job's
document. Nothing is removed. The metadata the queries group by (``system``,
``component``, ``engine``, as a campaign sets them) is added where a document
lacks it: a run directory made before its command tagged its jobs is filed as
one made after.

Examples
--------
>>> from naspe.workflows.execution.filing import file_documents  # doctest: +SKIP
>>> file_documents(run.store, "naspe-data")  # doctest: +SKIP
11
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from jobflow import JobStore

__all__ = ["file_documents"]


def file_documents(
    source: JobStore,
    data_dir: str | Path | None = None,
    metadata: Mapping[str, str] | None = None,
    store_config=None,
) -> int:
    """Copy every job document of ``source`` into the results database of ``data_dir``; return how many.

    Parameters
    ----------
    source
        The run directory's store (:attr:`FlowRun.store <naspe.workflows.execution.runner.FlowRun>`);
        its documents hold their outputs in full (a run directory's store has no object store).
    data_dir
        The data directory whose results database receives them (None: ``settings.data_dir``).
    metadata
        Job metadata each document gets where it has no such key (a document's own value wins).
    store_config
        The store of an execution configuration (None: the embedded MontyStore under ``data_dir``).

    Raises
    ------
    ValueError
        A document of ``source`` has no job uuid or index (nothing is copied).
    StoreError
        When the results database cannot be opened for writing (named, before anything is copied).
    """
    from naspe.workflows.execution.store import open_store

    docs = [{k: v for k, v in d.items() if k != "_id"} for d in source.docs_store.query({})]
    for d in docs:
        d["metadata"] = {**(metadata or {}), **(d.get("metadata") or {})}
    if any(not isinstance(d.get("uuid"), str) or not isinstance(d.get("index"), int) for d in docs):
        raise ValueError(f"{source.docs_store.name}: a stored document lacks its job uuid or index")
    target = open_store(data_dir, store_config)
    try:
        if docs:
            target.docs_store.update(docs, key=["uuid", "index"])
    finally:
        target.close()
    return len(docs)
