"""The query index beside the embedded store: the same answers as a full scan, rebuilt when missing or stale."""

from __future__ import annotations

import sqlite3

import pandas as pd
import pytest
from jobflow import job
from test_queries_report import QUICK, _adhesion, _put
from test_queries_report import filled as filled  # the fixture, used by name

import naspe.workflows.results.read_store as read_store
from naspe.workflows.execution.query_index import INDEX_FILE, QueryIndex
from naspe.workflows.execution.state import store_output, write_state
from naspe.workflows.execution.store import open_store
from naspe.workflows.execution.store_changes import CHANGES_TABLE, STORE_ID_TABLE
from naspe.workflows.results import queries as q
from naspe.workflows.results.read_store import ReadStore, index_of, open_for_reading
from naspe.workflows.results.report_tables import job_rows
from naspe.workflows.results.validation_tables import validation_table

TABLES = {
    "conductivity": q.conductivity_table,
    "fits": q.conductivity_fit_table,
    "adhesion": q.adhesion_table,
    "bonding": q.bonding_table,
    "core levels": q.core_level_table,
    "validation": validation_table,
}


def _full_scan(monkeypatch):
    """Answer every query from the documents (no index), as before the index."""
    monkeypatch.setattr(read_store, "index_of", lambda store: None)


def _tables(store) -> dict[str, pd.DataFrame]:
    return {name: table(store) for name, table in TABLES.items()}


def _run_listing(data_dir, uuids: list[str]) -> None:
    """A run under ``data_dir/runs`` whose state lists ``uuids`` (as the benchmark makes one)."""
    run = data_dir / "runs" / "listing"
    run.mkdir(parents=True, exist_ok=True)
    (run / "submission.json").write_text("{}")
    records = {u: {"uuid": u, "index": 1, "name": "job", "kind": "dft", "state": "done"} for u in uuids}
    write_state(run, {"root": None, "added": [], "records": records})


def test_index_answers_as_the_full_scan(filled, monkeypatch):
    data_dir, store, ids = filled
    _run_listing(data_dir, [*ids.values(), "not-stored"])
    indexed = open_for_reading(data_dir)
    assert isinstance(indexed, ReadStore) and indexed.index is not None
    assert (data_dir / "store" / INDEX_FILE).is_file()
    from_index = _tables(indexed)
    jobs_index = q.jobs_table(data_dir, indexed)
    appendix_index = job_rows(indexed, list(ids.values())).rows
    campaigns_index = q.campaigns(indexed)
    assert indexed._job_store is None  # every answer came from the index: the JobStore was never opened
    assert sum(len(df) for df in from_index.values()) > 20 and len(jobs_index) == len(ids) + 1

    _full_scan(monkeypatch)
    scanned = open_store(data_dir, read_only=True)
    for name, df in _tables(scanned).items():
        pd.testing.assert_frame_equal(from_index[name], df, obj=name)
    pd.testing.assert_frame_equal(jobs_index, q.jobs_table(data_dir, scanned))
    assert appendix_index == job_rows(scanned, list(ids.values())).rows
    assert campaigns_index == q.campaigns(scanned) == ["c1", "c2"]


def test_index_follows_writes_and_is_rebuilt_when_missing_or_stale(tmp_path, monkeypatch):
    store = open_store(tmp_path)
    first = _put(store, _adhesion(0.2), "adhesion", QUICK | {"system": "peo/graphene"})
    path = tmp_path / "store" / INDEX_FILE

    def both() -> tuple[pd.DataFrame, pd.DataFrame]:
        with monkeypatch.context() as m:
            _full_scan(m)
            scanned = q.adhesion_table(open_store(tmp_path, read_only=True))
        return q.adhesion_table(open_for_reading(tmp_path)), scanned

    indexed, scanned = both()
    pd.testing.assert_frame_equal(indexed, scanned)
    assert list(indexed["w_adh_J_m2"]) == [0.2] and path.is_file()

    # a new document, and one replaced in place (same uuid and index): only those are read again
    _put(store, _adhesion(0.3), "adhesion", QUICK | {"system": "peo/na110"})
    _put(store, _adhesion(0.25), "adhesion", QUICK | {"system": "peo/graphene"}, uuid=first)
    read_store._INDEXES.clear()
    index = QueryIndex(tmp_path / "store").refresh()
    assert index.rebuilt_s is None  # caught up from the change log, not rebuilt
    indexed, scanned = both()
    pd.testing.assert_frame_equal(indexed, scanned)
    assert sorted(indexed["w_adh_J_m2"]) == [0.25, 0.3]

    # missing, unreadable, of another store: a reader rebuilds it from every document (writing nothing), the
    # next writer writes it back
    for spoil in (path.unlink, lambda: path.write_bytes(b"not bson"), lambda: _other_store_index(tmp_path, path)):
        spoil()
        spoiled = path.read_bytes() if path.exists() else None
        read_store._INDEXES.clear()
        index = QueryIndex(tmp_path / "store").refresh()
        assert index.rebuilt_s is not None
        indexed, scanned = both()
        pd.testing.assert_frame_equal(indexed, scanned)
        assert sorted(indexed["w_adh_J_m2"]) == [0.25, 0.3]
        assert (path.read_bytes() if path.exists() else None) == spoiled
        writer = open_store(tmp_path)  # the next writer (a driver started again)
        writer.docs_store.update_query_index()
        assert QueryIndex(tmp_path / "store").refresh().rebuilt_s is None  # the writer's file is fresh

    # a deleted document leaves the index
    store.docs_store.remove_docs({"uuid": first})
    read_store._INDEXES.clear()
    indexed, scanned = both()
    pd.testing.assert_frame_equal(indexed, scanned)
    assert list(indexed["w_adh_J_m2"]) == [0.3]


def _other_store_index(tmp_path, path) -> None:
    """Put the index of another store (another id) in place of this one's."""
    other = tmp_path / "other"
    _put(open_store(other), _adhesion(0.9), "adhesion", QUICK)
    QueryIndex(other / "store").refresh()
    path.write_bytes((other / "store" / INDEX_FILE).read_bytes())


def test_a_failed_index_write_keeps_the_store_and_the_answers(tmp_path, monkeypatch):
    def full_disk(path, write):
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr("naspe.workflows.execution.query_index.write_replacing", full_disk)
    store = open_store(tmp_path)
    _put(store, _adhesion(0.2), "adhesion", QUICK | {"system": "peo/graphene"})  # stored, its index not written
    assert not (tmp_path / "store" / INDEX_FILE).exists()
    assert len(list(open_store(tmp_path, read_only=True).query({}))) == 1
    read_store._INDEXES.clear()
    assert list(q.adhesion_table(open_for_reading(tmp_path))["w_adh_J_m2"]) == [0.2]


def test_a_store_without_change_log_is_queried_from_its_documents(tmp_path):
    store = open_store(tmp_path)
    _put(store, _adhesion(0.2), "adhesion", QUICK | {"system": "peo/graphene"})
    store.close()
    db = tmp_path / "store" / "naspe" / "outputs.collection"
    with sqlite3.connect(db) as conn:  # as a store made before the change log
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
            conn.execute(f"DROP TRIGGER {name}")
        conn.execute(f"DROP TABLE {CHANGES_TABLE}")
        conn.execute(f"DROP TABLE {STORE_ID_TABLE}")
    (tmp_path / "store" / INDEX_FILE).unlink()
    read_store._INDEXES.clear()
    opened = open_for_reading(tmp_path)
    assert opened.index is None and index_of(opened.job_store) is None
    assert list(q.adhesion_table(opened)["w_adh_J_m2"]) == [0.2]
    assert not (tmp_path / "store" / INDEX_FILE).exists()
    open_store(tmp_path).close()  # a writer adds the log: from then on the store has an index
    read_store._INDEXES.clear()
    assert open_for_reading(tmp_path).index is not None


def test_open_for_reading_fails_as_open_store_does(tmp_path):
    from naspe.workflows.execution.store import StoreError

    with pytest.raises(StoreError) as light:
        open_for_reading(tmp_path / "nope")
    with pytest.raises(StoreError) as full:
        open_store(tmp_path / "nope", read_only=True)
    assert str(light.value) == str(full.value)
    assert q.adhesion_table(open_for_reading(tmp_path)).empty  # no store yet: no rows


@job(data="frames")
def _frames_job(i):
    return None


def test_the_writer_answers_one_job_queries_from_the_index_as_a_scan_would(tmp_path, monkeypatch):
    """Resolving a job's inputs (newest document of a uuid, its output with large objects) never scans the store."""
    from maggma.stores import MongoStore

    store = open_store(tmp_path)
    jobs = [_frames_job(i) for i in range(3)]
    for i, j in enumerate(jobs):
        store_output(store, j, {"i": i, "frames": list(range(50))})
    redone = jobs[1]
    redone.index = 2  # the same job run again: the newest document answers
    store_output(store, redone, {"i": 10, "frames": [7]})
    queries = [
        ({"uuid": redone.uuid}, ["index"], {"index": -1}),
        ({"uuid": redone.uuid}, ["output"], {"index": 1}),
        ({"uuid": redone.uuid, "index": 1}, ["uuid"], None),
        ({"uuid": jobs[0].uuid}, None, None),
        ({"uuid": "not-stored"}, ["index"], {"index": -1}),
    ]
    scanned = [list(store.docs_store.query(c, p, s)) for c, p, s in queries]
    assert [d["index"] for d in scanned[0]] == [2, 1]
    with monkeypatch.context() as m:
        scan = MongoStore.query

        def no_scan_of_the_documents(self, *args, **kwargs):
            assert self is not store.docs_store, "scanned the job documents"
            return scan(self, *args, **kwargs)  # the large objects' collection is montydb's

        m.setattr(MongoStore, "query", no_scan_of_the_documents)
        indexed = [list(store.docs_store.query(c, p, s)) for c, p, s in queries]
        assert store.get_output(redone.uuid, load=True) == {"i": 10, "frames": [7]}
        assert store.query_one({"uuid": jobs[2].uuid}, ["index"], sort={"index": -1})["index"] == 1
    assert indexed == scanned
    assert [sorted(d) for d in indexed[2]] == [["_id", "uuid"]]
    assert list(store.docs_store.query({"index": 1}))  # any other query is montydb's own


def test_the_writer_inserts_what_is_not_stored_and_replaces_what_is(tmp_path, monkeypatch):
    """A new job document and its large objects are inserted (no scan for their key); a stored one is replaced."""
    store = open_store(tmp_path)
    first, second = _frames_job(0), _frames_job(1)
    store_output(store, first, {"i": 0, "frames": [0, 1]})
    with monkeypatch.context() as m:
        collection = type(store.docs_store._collection)
        m.setattr(collection, "replace_one", lambda *a, **k: pytest.fail("upserted a new document"))
        store_output(store, second, {"i": 1, "frames": [2, 3]})
    store_output(store, first, {"i": 5, "frames": [4]})  # the same job and index again: replaced
    assert store.docs_store.count({"uuid": first.uuid}) == 1
    assert store.get_output(first.uuid, load=True) == {"i": 5, "frames": [4]}
    assert store.get_output(second.uuid, load=True) == {"i": 1, "frames": [2, 3]}
    assert store.docs_store.count() == 2


def test_an_index_file_written_before_reads_its_structures_the_same():
    """Index files hold a relaxed structure's sites as lists of elements now, as species dicts before: the same read."""
    from test_queries_report import _interface

    from naspe.workflows.execution.query_index import _reduced_structure
    from naspe.workflows.results.typed_read import StructureSites

    structure = _interface().as_dict()
    before = {"sites": [{"species": [{"element": sp["element"]} for sp in s["species"]]} for s in structure["sites"]]}
    now = _reduced_structure(structure)
    assert now == {"sites": [["C"], ["C"], ["C"], ["O"], ["C"]]}
    assert StructureSites.model_validate(now) == StructureSites.model_validate(before)
    assert StructureSites.model_validate(now) == StructureSites.model_validate(structure)
