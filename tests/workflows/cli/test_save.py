"""``naspe adhesion --save``: a one-interface run filed in the results database, queried beside the campaigns."""

from __future__ import annotations

import json
import os

from conftest import run_naspe

from naspe.workflows.execution.store import open_store

ADHESION = ["adhesion", "--substrate", "graphene", "--film", "peo", "--engine", "tblite", "--steps", "1", "--json"]


def test_saved_adhesion_is_queried_once_however_often_it_is_filed(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    env = {**os.environ, "NASPE_DATA_DIR": str(data)}
    first = run_naspe(*ADHESION, "--out", tmp_path / "run", "--save", env=env)
    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout)
    assert summary["filed_in"] == str(data.resolve())

    rows = json.loads(run_naspe("query", "adhesion", "--json", env=env).stdout)
    assert len(rows) == 1 and rows[0]["w_adh_J_m2"] == summary["w_adh_J_m2"]
    assert rows[0]["system"] == "peo/graphene" and rows[0]["engine"] == "tblite"

    again = run_naspe(*ADHESION, "--out", tmp_path / "run", "--save", env=env)  # reuses and files again
    assert again.returncode == 0 and json.loads(again.stdout)["reused_calculations"] > 0, again.stderr
    assert len(json.loads(run_naspe("query", "adhesion", "--json", env=env).stdout)) == 1
    store = open_store(data, read_only=True)
    keys = [(d["uuid"], d["index"]) for d in store.docs_store.query({}, properties=["uuid", "index", "metadata"])]
    run_docs = json.loads((tmp_path / "run" / "results.json").read_text())
    assert len(keys) == len(set(keys)) == len(run_docs) > 1  # every job of the run, each once
    assert {d["metadata"]["system"] for d in store.docs_store.query({})} == {"peo/graphene"}

    unsaved = run_naspe(*ADHESION, "--out", tmp_path / "other", env=env)
    assert unsaved.returncode == 0 and json.loads(unsaved.stdout)["filed_in"] is None


def test_save_into_a_data_directory_that_is_a_file_fails_before_any_work(tmp_path):
    data = tmp_path / "data"
    data.write_text("not a directory")
    p = run_naspe(*ADHESION, "--out", tmp_path / "run", "--save", env={**os.environ, "NASPE_DATA_DIR": str(data)})
    assert p.returncode == 2 and p.stderr.count("\n") == 1 and "--save" in p.stderr and str(data) in p.stderr, p.stderr
    assert not (tmp_path / "run").exists()
