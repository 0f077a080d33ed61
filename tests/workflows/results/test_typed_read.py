"""The typed store reader: documents come back as their class with their jobs; filters; invalid ones left out."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest
from jobflow import JobStore
from maggma.stores import MemoryStore
from test_queries_report import QUICK, _adhesion, _interface, _put, _transport

import naspe.workflows.results.read_store as read_store
from naspe.analysis.transport_result import TransportResult
from naspe.workflows.execution.store import open_store
from naspe.workflows.flows.adhesion.makers import AdhesionDocument
from naspe.workflows.results.queries import conductivity_table
from naspe.workflows.results.read_store import open_for_reading
from naspe.workflows.results.store_reader import META_KEYS, ROW_KEYS
from naspe.workflows.results.typed_read import Stored, StructureSites, read, reading_model
from naspe.workflows.validation.documents import ValidationDocument

K = 273.15


@pytest.fixture
def memory_store() -> JobStore:
    store = JobStore(MemoryStore())
    store.connect()
    return store


def test_a_stored_document_comes_back_as_its_class_with_its_job(memory_store):
    meta = QUICK | {"component": "conductivity", "system": "peo20-nafsi"}
    uuid = _put(memory_store, _transport(60.0 + K, 2e-5), "transport 60C r0", meta)
    _put(memory_store, _transport(60.0 + K, 3e-5), "transport 60C r0", meta, index=2, uuid=uuid)  # replaced
    _put(memory_store, _adhesion(0.1), "adhesion", QUICK)  # another class: not read

    (stored,) = read(memory_store, TransportResult)
    assert isinstance(stored, Stored) and type(stored.doc) is TransportResult
    assert stored.doc.sigma_eh_S_cm.value == 3e-5 and stored.doc.temperature_K == pytest.approx(333.15)
    assert (stored.uuid, stored.index, stored.name) == (uuid, 2, "transport 60C r0")
    assert stored.completed_at.startswith("2025-01-01T") and stored.metadata == meta
    assert stored.meta("salt") == "NaFSI" and stored.meta("no such key") is None
    row = stored.row()
    assert list(row) == [*ROW_KEYS, *META_KEYS, "metadata"]
    assert row["job_uuid"] == uuid and row["job_index"] == 2 and row["system"] == "peo20-nafsi"
    assert read(memory_store, ValidationDocument) == []


def test_structures_read_as_their_sites_elements_from_the_index_and_from_a_full_scan(tmp_path, monkeypatch):
    uuid = _put(open_store(tmp_path), _adhesion(0.2), "adhesion", QUICK | {"system": "peo/graphene"})
    indexed = open_for_reading(tmp_path)
    assert indexed.index is not None
    (from_index,) = read(indexed, AdhesionDocument)  # the index holds the relaxed interface reduced to elements
    monkeypatch.setattr(read_store, "index_of", lambda store: None)
    (scanned,) = read(open_store(tmp_path, read_only=True), AdhesionDocument)  # the whole stored structure
    assert from_index == scanned and from_index.uuid == uuid
    doc = from_index.doc
    assert isinstance(doc, AdhesionDocument) and doc.w_adh_J_m2 == 0.2 and doc.convergence.converged is True
    assert isinstance(doc.relaxed_interface, StructureSites)
    assert doc.relaxed_interface.elements() == ["C", "C", "C", "O", "C"] and len(doc.relaxed_interface) == 5
    assert doc.relaxed_interface.elements(doc.n_substrate) == ["C", "O", "C"]
    # the reading model: the class itself without structure fields, else a subclass with them retyped
    assert reading_model(TransportResult) is TransportResult and reading_model(ValidationDocument) is ValidationDocument
    assert issubclass(reading_model(AdhesionDocument), AdhesionDocument)
    assert StructureSites.model_validate(_interface().as_dict()) == doc.relaxed_interface


def test_metadata_filters(memory_store):
    first = _put(memory_store, _transport(30.0 + K, 3e-6), "t", QUICK)
    second = _put(memory_store, _transport(80.0 + K, 5e-5), "t", {"campaign": "c2", "preset": "standard"})

    def uuids(**filters) -> list[str]:
        return [s.uuid for s in read(memory_store, TransportResult, **filters)]

    assert uuids() == [first, second]  # oldest completion first
    assert uuids(campaign="C1") == [first]  # case-insensitive
    assert uuids(campaign="c2", preset="standard") == [second]
    assert uuids(campaign="c1", preset="standard") == []
    assert uuids(salt="nafsi") == [first]  # the second job has no salt: it matches no filter on it
    assert uuids(campaign=None, salt=None) == [first, second]  # None: no filter


def test_a_document_that_does_not_validate_is_left_out_with_a_warning(memory_store, caplog):
    good = _put(memory_store, _transport(60.0 + K, 2e-5), "transport 60C r0", QUICK)
    old = "00000000-0000-0000-0000-0000000000aa"
    memory_store.update(  # an older format: no conductivities (required now)
        {
            "uuid": old,
            "index": 1,
            "name": "transport 70C r0",
            "completed_at": "2024-01-01T00:00:00",
            "metadata": QUICK,
            "output": {"@module": "naspe.analysis.results", "@class": "TransportResult", "temperature_K": 343.15},
        },
        key=["uuid", "index"],
    )
    with caplog.at_level(logging.WARNING, logger="naspe.workflows.results.typed_read"):
        found = read(memory_store, TransportResult)
    assert [s.uuid for s in found] == [good]
    (record,) = caplog.records
    assert old in record.getMessage() and "not a valid TransportResult" in record.getMessage()
    assert "diffusion_cm2_s" in record.getMessage()  # the first field at fault
    # the table shows the documents it can read
    assert list(conductivity_table(memory_store)["job_uuid"]) == [good]


def test_the_query_command_prints_the_valid_rows_and_names_the_left_out_job(tmp_path):
    """``naspe query conductivity``: the rows it can read on stdout, the job it cannot read named on stderr."""
    store = open_store(tmp_path)
    good = _put(store, _transport(60.0 + K, 2e-5), "transport 60C r0", QUICK)
    old = "00000000-0000-0000-0000-0000000000bb"
    out = {"@module": "naspe.analysis.results", "@class": "TransportResult", "temperature_K": "hot"}
    store.update(
        {"uuid": old, "index": 1, "name": "t", "completed_at": "2024-01-01T00:00:00", "metadata": QUICK, "output": out},
        key=["uuid", "index"],
    )
    store.close()
    naspe = str(Path(sys.executable).parent / "naspe")
    p = subprocess.run(
        [naspe, "query", "conductivity", "--json", "--data-dir", str(tmp_path)], capture_output=True, text=True
    )
    assert p.returncode == 0, p.stderr
    assert [r["job_uuid"] for r in json.loads(p.stdout)] == [good]
    assert old in p.stderr and "not a valid TransportResult (temperature_K: " in p.stderr


def test_the_validation_columns_are_fields_of_the_document():
    from naspe.workflows.results.validation_tables import _DOCUMENT_COLUMNS

    assert _DOCUMENT_COLUMNS <= set(ValidationDocument.model_fields)


def test_the_result_tables_import_no_document_module_that_imports_jobflow():
    """``naspe query jobs`` (and every table module) starts without jobflow or atomate2: documents import late."""
    code = (
        "import sys; import naspe.workflows.results.queries, naspe.workflows.results.typed_read;"
        "print(sorted(m for m in ('jobflow', 'atomate2', 'pymatgen.core') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
