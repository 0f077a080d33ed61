"""Run folders made before modules moved: their flows are translated by one table, or refused in one line."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from jobflow import Flow
from monty.json import MontyDecoder, MontyEncoder

from naspe.workflows.execution.old_runs import OLD_MODULES, OldRunError, install_redirects, load_flow, translate


def _importable(module: str) -> bool:
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True


def old_name(module: str) -> str:
    """The first module of the table whose contents (following its chain) went to ``module``: its old name."""
    from naspe.workflows.execution.old_runs import _successors

    for old in OLD_MODULES:
        if old != module and module in _successors(old):
            return old
    return module


def to_old_names(data):
    """``data`` (serialised JSON) as a run folder made before the moves would hold it."""
    if isinstance(data, list):
        return [to_old_names(v) for v in data]
    if not isinstance(data, dict):
        return data
    out = {k: to_old_names(v) for k, v in data.items()}
    if isinstance(out.get("@module"), str) and out["@module"].startswith("naspe."):
        out["@module"] = old_name(out["@module"])
    return out


def _plain(obj) -> dict:
    return json.loads(json.dumps(obj.as_dict(), cls=MontyEncoder))


def test_every_module_the_table_names_exists_or_moved_on():
    targets = {m for homes in OLD_MODULES.values() for m in homes}
    assert [m for m in sorted(targets) if not _importable(m) and m not in OLD_MODULES] == []


def _flows():
    from naspe.structures.study import build_adhesion_system
    from naspe.structures.topology import to_pymatgen
    from naspe.workflows.campaign import CampaignMaker, campaign_settings
    from naspe.workflows.execution.probe_jobs import probe_flow
    from naspe.workflows.flows.adhesion.makers import TbliteAdhesionMaker
    from naspe.workflows.flows.bonding.makers import bonding_flows

    r = build_adhesion_system("graphene", "peo")
    settings = campaign_settings("quick")
    return {
        "probe": probe_flow(),
        "adhesion": TbliteAdhesionMaker().make(to_pymatgen(r.atoms), r.n_substrate, r.strain),
        "bonding": Flow(bonding_flows("vacancy", "dme", "tblite", reaction="dme-vacancy-bridge")),
        "campaign": CampaignMaker(name=settings.name, settings=settings).make(),
    }


def test_flows_written_with_the_old_module_names_decode_as_the_current_flows():
    for name, flow in _flows().items():
        current = _plain(flow)
        old = to_old_names(current)
        assert old != current, f"{name}: nothing was renamed"
        assert _plain(load_flow(old)) == current, name


def test_a_name_found_nowhere_is_one_line_naming_it():
    data = {"@module": "naspe.workflows.adhesion", "@class": "NoSuchMaker", "x": 1}
    with pytest.raises(OldRunError, match=r"^it names naspe\.workflows\.adhesion\.NoSuchMaker, which this version"):
        translate({"jobs": [data]})
    gone = {"@module": "naspe.workflows.gone", "@callable": "f"}
    with pytest.raises(OldRunError, match="naspe.workflows.gone.f"):
        load_flow(gone)
    assert translate({"@module": "numpy", "@class": "ndarray"}) == {"@module": "numpy", "@class": "ndarray"}


def test_stored_documents_of_moved_classes_decode_as_their_class():
    from naspe.workflows.execution.resources import JobResources

    install_redirects()
    doc = {"@module": "naspe.workflows.hpc_config", "@class": "JobResources", **JobResources(ranks=3).model_dump()}
    decoded = MontyDecoder().process_decoded(doc)
    assert isinstance(decoded, JobResources) and decoded.ranks == 3


NASPE = str(Path(sys.executable).parent / "naspe")


def naspe(*args, cwd):
    return subprocess.run([NASPE, *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def test_an_old_run_folder_resumes_through_the_cli(tmp_path):
    from naspe.workflows.execution.store import open_store

    p = naspe("submit", "--probe", "--name", "old", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    run = tmp_path / "naspe-data" / "runs" / "old"
    for name in ("flow.json", "flow-state.json"):  # as the run folder was written before the modules moved
        path = run / name
        path.write_text(json.dumps(to_old_names(json.loads(path.read_text()))))
    assert '"naspe.workflows.probe_jobs"' in (run / "flow.json").read_text()
    total = next(j for j in json.loads((run / "flow.json").read_text())["jobs"] if j["name"] == "total")
    open_store(tmp_path / "naspe-data").docs_store.remove_docs({"uuid": total["uuid"]})  # left to do
    job_dir = run / "jobs" / f"{total['uuid']}_1"
    (job_dir / "naspe-response.json").unlink()

    p = naspe("submit", "--resume", "old", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert "old: 7 done" in p.stdout and "Traceback" not in p.stderr
    assert len((job_dir / "naspe-attempts.log").read_text().splitlines()) == 2  # ran again, the rest reused
    assert open_store(tmp_path / "naspe-data").get_output(total["uuid"]) == 201.0


def test_an_old_run_naming_what_no_longer_exists_is_refused_in_one_line(tmp_path):
    from naspe.workflows.campaign import campaign_settings
    from naspe.workflows.execution.hpc_config import local_defaults
    from naspe.workflows.execution.probe_jobs import add

    run = tmp_path / "naspe-data" / "runs" / "broken"
    run.mkdir(parents=True)
    flow = json.loads(json.dumps(Flow([add(1, 2)]).as_dict(), cls=MontyEncoder))
    flow["jobs"][0]["function"]["@module"] = "naspe.workflows.gone"
    (run / "flow.json").write_text(json.dumps(flow))
    submission = {
        "config": local_defaults().model_dump(mode="json"),
        "data_dir": str(tmp_path / "naspe-data"),
        "flow_name": "Flow",
        "campaign": campaign_settings("quick").model_dump(mode="json"),
    }
    (run / "submission.json").write_text(json.dumps(submission))
    for args in (["run", "--preset", "quick", "--name", "broken"], ["submit", "--resume", "broken"]):
        p = naspe(*args, cwd=tmp_path)
        assert p.returncode == 2, p.stderr
        lines = p.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in p.stderr, p.stderr
        head = "naspe: error: run 'broken' was made by an older naspe: it names naspe.workflows.gone"
        assert lines[0].startswith(head)
        assert "`naspe run --preset quick --name broken-2`" in lines[0]
