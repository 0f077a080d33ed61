"""A relaxation cut off at its step limit is not converged everywhere: the CLI's JSON, the store, the query, the report.

One real GFN2-xTB adhesion run (PEO on graphene, ``naspe adhesion --steps 2``: the
interface cannot reach fmax 0.05 eV/Å in two steps) through the command line; its
stored documents then go into a naspe data directory's store as the driver writes
them (with the ``system`` metadata the campaign gives its jobs), and ``naspe query
adhesion`` and ``naspe report`` read them from there.
"""

from __future__ import annotations

import json
import re

import pytest
from jobflow.core.schemas import JobStoreDocument
from typer.testing import CliRunner

from naspe.workflows.cli.main import app
from naspe.workflows.execution.store import open_store


def _naspe(*args) -> object:
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.mark.slow
def test_step_limit_shows_as_not_converged_from_cli_to_report(tmp_path):
    run = tmp_path / "run"
    args = ["adhesion", "--substrate", "graphene", "--film", "peo", "--engine", "tblite"]
    r = _naspe(*args, "--steps", 2, "--fmax", 0.05, "--out", run, "--json")
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout)
    # the CLI's JSON: not converged, the interface named, its steps against the limit and final fmax (eV/Å)
    assert summary["converged"] is False and summary["convergence"]["status"] == "not converged"
    assert "interface" in summary["convergence"]["not_converged"]
    interface = summary["convergence"]["parts"]["interface"]
    assert interface["converged"] is False and interface["steps"] == interface["max_steps"] == 2
    assert interface["final_fmax_ev_per_a"] > interface["fmax_criterion_ev_per_a"] == 0.05
    assert summary["convergence"]["summary"].startswith("not converged: ")
    assert "stopped at its step limit (2 of 2 steps" in summary["convergence"]["summary"]
    assert summary["purpose"] == "screening" and summary["level_of_theory"].startswith("GFN2-xTB")
    assert any(line.startswith("dipole: none") for line in summary["engine_limits"])
    assert json.loads((run / "adhesion.json").read_text())["converged"] is False
    # the plain output says so under the number
    plain = _naspe(*args, "--steps", 2, "--fmax", 0.05, "--out", run)  # reuses every calculation
    assert plain.exit_code == 0 and "\nNOT CONVERGED: " in plain.stdout
    assert "interface stopped at its step limit (2 of 2 steps" in plain.stdout
    assert "screening result (GFN2-xTB" in plain.stdout

    # the store: the run's job documents as the driver stores them, with the campaign's metadata
    data = tmp_path / "data"
    store = open_store(data)
    docs = json.loads((run / "results.json").read_text())
    (adhesion,) = [d for d in docs if (d["output"] or {}).get("@class") == "AdhesionDocument"]
    for d in docs:
        fields = {k: v for k, v in d.items() if not k.startswith("@")}
        fields["metadata"] = {**fields["metadata"], "campaign": "cut", "system": "peo/graphene"}
        store.update(JobStoreDocument(**fields), key=["uuid", "index"])
    stored = store.query_one({"uuid": adhesion["uuid"]})["output"]
    assert (
        stored["convergence"]["converged"] is False
        and stored["convergence"]["not_converged"] == (summary["convergence"]["not_converged"])
    )
    relax = store.query_one({"name": {"$regex": "interface relax$"}})["output"]
    assert relax["relaxation"]["converged"] is False and relax["is_force_converged"] is False
    store.close()

    # naspe query: the column and the JSON
    q = _naspe("query", "adhesion", "--data-dir", data, "--json")
    assert q.exit_code == 0, q.output
    (row,) = json.loads(q.stdout)
    assert row["job_uuid"] == adhesion["uuid"] and row["w_adh_J_m2"] == summary["w_adh_J_m2"]
    assert row["converged"] is False and "interface" in row["not_converged"] and row["purpose"] == "screening"
    assert "step limit" in row["convergence_detail"]
    table = _naspe("query", "adhesion", "--data-dir", data)
    header, line = table.stdout.splitlines()[:2]
    assert header.split()[:5] == ["system", "substrate_class", "engine", "w_adh_J_m2", "converged"]
    assert line.split()[4] == "False"

    # the report: the value is marked, the reason given, and the conclusion does not use it
    rep = _naspe("report", "--data-dir", data, "--out", tmp_path / "rep")
    assert rep.exit_code == 0, rep.output
    page = (tmp_path / "rep" / "report.html").read_text()
    adhesion_section = page.split("<h2 id='adhesion'>")[1].split("<h2")[0]
    w = f"{summary['w_adh_J_m2']:.3f}"
    assert re.search(rf">{re.escape(w)}</a> \(not converged\)", adhesion_section)
    assert "<td>no: " in adhesion_section and "interface stopped at its step limit (2 of 2 steps" in adhesion_section
    concl = re.sub(r"<[^>]+>", "", page.split("<h2 id='conclusion'>")[1].split("<h2")[0])
    assert "substrate classes with converged PEO results: none, so it is not drawn" in concl
    assert f"Left out of this conclusion because not shown to be converged (W_adh of PEO): peo/graphene ({w}" in concl
    assert "agrees" not in concl and "binds more strongly" not in concl
