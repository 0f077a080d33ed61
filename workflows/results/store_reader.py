"""Store access shared by the result tables: the latest documents of a class, filters, quality columns.

:func:`latest` gives the stored job documents matching a query, the highest index of each
job (from the query index when the store has one); the tables read them through
:func:`~naspe.workflows.results.typed_read.read`, which selects them by their document
class and validates each as that class. Every row starts with the job's ``job_uuid``,
``job_index``, ``job_name``, ``completed_at`` and the metadata keys :data:`META_KEYS`,
set when the job was made (:meth:`~naspe.workflows.results.typed_read.Stored.row`).

:func:`quality_columns` are the columns every DFT table adds from a document's
``convergence``, ``purpose`` and ``level_of_theory``
(:mod:`naspe.workflows.dft.convergence`): a document stored before they existed
reads as convergence unknown (``converged`` None), never as converged.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from naspe.workflows.execution.query_index import IndexUnavailable
from naspe.workflows.results.row_table import RowTable

if TYPE_CHECKING:
    import pandas as pd

    from naspe.workflows.dft.convergence import DerivedConvergence, Purpose

__all__ = [
    "META_KEYS",
    "ROW_KEYS",
    "as_store",
    "latest",
    "campaigns",
    "equal",
    "filter_rows",
    "frame",
    "QUALITY_KEYS",
    "quality_columns",
    "purpose_of",
    "newest_by_uuid",
    "UUID_IN_LIMIT",
]

#: campaign metadata keys copied into every row (None when the job has no such key)
META_KEYS = ("campaign", "preset", "component", "salt", "system")
#: the job columns every row starts with
ROW_KEYS = ("job_uuid", "job_index", "job_name", "completed_at")
#: the convergence and purpose columns of the DFT tables (:func:`quality_columns`)
QUALITY_KEYS = ("converged", "convergence", "not_converged", "convergence_detail", "purpose", "level_of_theory")


def quality_columns(
    convergence: DerivedConvergence,
    purpose: Purpose | str | None,
    level_of_theory: str | None,
    preset: str | None = None,
) -> dict[str, Any]:
    """Convergence and purpose columns of a stored DFT document, from its fields.

    Parameters
    ----------
    convergence
        The document's ``convergence`` (derived again from its parts when it has them: the rule of this version).
    purpose
        The document's ``purpose`` (None: the document has no such field; unknown).
    level_of_theory
        The document's ``level_of_theory`` (None: not recorded).
    preset
        The preset of the job that made it (its metadata), which :func:`purpose_of` reads.

    Returns
    -------
    dict
        ``converged`` (True, False or None: unknown), ``convergence`` ('converged', 'not converged',
        'unknown'), ``not_converged`` (the parts that did not converge, comma-separated; None if none),
        ``convergence_detail`` (one line: why not), ``purpose`` ('screening', 'production', 'unknown';
        a document of unknown purpose from the quick preset is screening), ``level_of_theory``.
    """
    from naspe.workflows.dft.convergence import DerivedConvergence

    if convergence.parts:
        convergence = DerivedConvergence.from_parts(convergence.parts)
    return {
        "converged": convergence.converged,
        "convergence": convergence.status,
        "not_converged": ", ".join(convergence.not_converged) or None,
        "convergence_detail": convergence.summary(),
        "purpose": purpose_of(purpose, preset),
        "level_of_theory": level_of_theory,
    }


def purpose_of(purpose: Purpose | str | None, preset: str | None = None) -> str:
    """'screening', 'production' or 'unknown' of a stored DFT document whose ``purpose`` field is ``purpose``.

    None (not recorded) is unknown. A document of unknown purpose made by the quick preset
    (``preset``: its job's metadata) is screening: that preset proves the pipeline, not the physics.
    """
    from naspe.workflows.dft.convergence import Purpose

    purpose = purpose or Purpose.unknown.value
    purpose = purpose.value if isinstance(purpose, Purpose) else str(purpose)
    if purpose == Purpose.unknown.value and preset == "quick":
        return Purpose.screening.value
    return purpose


def as_store(store):
    """A connected store from a JobStore or a naspe data directory (opened read-only: nothing is written).

    A data directory is opened by :func:`~naspe.workflows.results.read_store.open_for_reading`:
    its query index answers the tables, its JobStore is opened when some code asks for it.

    A data directory that does not exist raises ``StoreError``; one without a store yet gives an
    empty store (see :mod:`naspe.workflows.execution.store`).
    """
    if isinstance(store, (str, Path)):
        from naspe.workflows.results.read_store import open_for_reading

        return open_for_reading(store)
    store.connect()
    return store


def _index_of(store):
    """The query index of ``store`` (:func:`~naspe.workflows.results.read_store.index_of`), or None."""
    from naspe.workflows.results.read_store import index_of

    return index_of(store)


#: above this many uuids a query reads every document and keeps the wanted ones in Python: montydb's ``$in``
#: compares each document with every listed uuid (10,000 jobs: 121 s against 21 s for a plain full read)
UUID_IN_LIMIT = 64


def newest_by_uuid(store, uuids: list[str], properties: list[str]) -> dict[str, dict]:
    """``properties`` of the newest stored document (highest index) of each of ``uuids``, by uuid, in one query.

    A query per job would scan the embedded store once per job; for many uuids the one query reads every
    document and keeps the wanted ones by a set (:data:`UUID_IN_LIMIT`).
    """
    index = _index_of(store)
    if index is not None:
        with contextlib.suppress(IndexUnavailable):
            return index.newest(list(uuids), properties)
    wanted = set(uuids)
    criteria = {"uuid": {"$in": list(uuids)}} if len(uuids) <= UUID_IN_LIMIT else {}
    found: dict[str, dict] = {}
    for doc in store.query(criteria, properties=list({"uuid", "index", *properties})):
        if doc["uuid"] not in wanted:
            continue
        held = found.get(doc["uuid"])
        if held is None or (doc.get("index") or 0) > (held.get("index") or 0):
            found[doc["uuid"]] = doc
    return found


def latest(store, criteria: dict) -> list[dict]:
    """Documents matching ``criteria``, the highest index of each uuid, oldest completion first."""
    cls = criteria.get("output.@class") if len(criteria) == 1 else None
    index = _index_of(store) if isinstance(cls, str) else None
    docs = None
    if index is not None:
        with contextlib.suppress(IndexUnavailable):
            docs = index.latest(cls)
    if docs is None:
        seen: dict[str, dict] = {}
        for doc in store.query(criteria, sort={"index": -1}):
            if doc.get("name") == "store_inputs":
                continue  # jobflow's stand-in for a replaced job: a copy of the replacing flow's output, listed already
            if doc["uuid"] not in seen:
                seen[doc["uuid"]] = doc
        docs = list(seen.values())
    return sorted(docs, key=lambda d: (str(d.get("completed_at") or ""), d["uuid"]))


def campaigns(store) -> list[str]:
    """Names of the campaigns (``metadata.campaign``) present in the store, sorted."""
    store = as_store(store)
    index = _index_of(store)
    heads = None
    if index is not None:
        with contextlib.suppress(IndexUnavailable):
            heads = index.heads()
    if heads is None:
        heads = store.query({}, properties=["metadata"])
    names = {(d.get("metadata") or {}).get("campaign") for d in heads}
    return sorted(n for n in names if n)


def equal(value, wanted) -> bool:
    """Case-insensitive equality; an unknown ``value`` (None) equals nothing."""
    return value is not None and str(value).lower() == str(wanted).lower()


def filter_rows(
    rows: list[dict],
    *,
    salt: str | None = None,
    interface: str | None = None,
    engine: str | None = None,
    preset: str | None = None,
    campaign: str | None = None,
) -> list[dict]:
    """Rows matching every given filter (``interface``: the row's system, exact if any row has it, else substring)."""
    for key, wanted in (("salt", salt), ("engine", engine), ("preset", preset), ("campaign", campaign)):
        if wanted is not None:
            rows = [r for r in rows if equal(r.get(key), wanted)]
    if interface is not None:
        exact = [r for r in rows if equal(r.get("system"), interface)]
        if exact:
            rows = exact
        else:
            needle = interface.lower()
            rows = [r for r in rows if r.get("system") is not None and needle in str(r["system"]).lower()]
    return rows


def frame(rows: list[dict], columns: Iterable[str]) -> pd.DataFrame:
    """DataFrame with ``columns`` first (in order), then any others; empty frames keep the columns."""
    return RowTable(rows, columns).to_frame()
