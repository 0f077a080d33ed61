"""The study as one campaign: tiny settings end to end, kill and resume, bad input."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from naspe.workflows.base.identity import all_jobs
from naspe.workflows.campaign import CampaignMaker, campaign_settings, load_overrides

TINY = Path(__file__).resolve().parents[2] / "data" / "campaign_tiny.yaml"
NASPE = str(Path(sys.executable).parent / "naspe")


def naspe(*args, cwd, timeout=900):
    return subprocess.run([NASPE, *args], capture_output=True, text=True, cwd=cwd, timeout=timeout)


def test_presets_build_and_tag_every_job():
    for preset in ("quick", "standard", "production"):
        flow = CampaignMaker(settings=campaign_settings(preset)).make()
        jobs = all_jobs(flow)
        scans = set() if preset == "quick" else {"convergence"}  # k-point / basis scans: standard, production
        assert {j.metadata.get("component") for j in jobs} == {
            "conductivity",
            "adhesion",
            "bonding",
            "core_levels",
            "summary",
        } | scans
        assert all(j.metadata["preset"] == preset for j in jobs)
    quick = campaign_settings("quick")
    assert quick.conductivity.temperatures_C == [30.0, 40.0, 50.0, 60.0, 70.0, 80.0]
    assert campaign_settings("production").conductivity.preset == "production"


def test_summary_is_a_typed_document_and_core_levels_read_the_adhesion_document():
    from naspe.workflows.campaign.summary import CampaignSummary
    from naspe.workflows.flows.conductivity.schemas import ConductivitySummary

    settings = campaign_settings("quick")
    jobs = all_jobs(CampaignMaker(settings=settings).make())
    summary = next(j for j in jobs if j.metadata.get("component") == "summary")
    assert summary.output_schema is CampaignSummary
    # the relaxed interface of the core-level system is the field of that system's AdhesionDocument
    core = next(j for j in jobs if j.metadata.get("component") == "core_levels")
    ref = core.function_args[0]
    doc = next(j for j in jobs if j.uuid == ref.uuid)
    assert doc.output_schema.__name__ == "AdhesionDocument" and ref.attributes == (("a", "relaxed_interface"),)
    assert doc.metadata["system"] == settings.core_levels.system
    out = CampaignSummary.from_outputs(
        settings.model_dump(mode="json"),
        ConductivitySummary(n_requested=2, n_finished=0),
        None,
        {"binding vacancy/dme": {"binding_energy_eV": -1.0}, "reaction fsi-na-nitride": None},
        None,
    )
    assert out.campaign == settings.name and out.preset == "quick" and "not the physics" in out.caveat
    assert out.conductivity.n_requested == 2 and out.adhesion is None and out.core_levels is None
    assert out.bonding_finished == ["binding vacancy/dme"] and out.bonding_missing == ["reaction fsi-na-nitride"]
    standard = campaign_settings("standard").model_dump(mode="json")
    assert CampaignSummary.from_outputs(standard).caveat is None


def test_bad_campaign_input_is_one_line_before_any_job(tmp_path):
    with pytest.raises(ValueError, match="preset 'huge': allowed are quick, standard, production"):
        campaign_settings("huge")
    with pytest.raises(ValueError, match=r"conductivity.temperatures_C: 500.0 °C is outside"):
        campaign_settings("quick", {"conductivity": {"temperatures_C": [500]}})
    with pytest.raises(ValueError, match="adhesion.bogus: Extra inputs are not permitted"):
        campaign_settings("quick", {"adhesion": {"bogus": 1}})
    with pytest.raises(ValueError, match="cannot be read"):
        load_overrides(tmp_path / "missing.yaml")
    (tmp_path / "afile").write_text("")
    p = subprocess.run(
        [NASPE, "run", "--preset", "quick"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**__import__("os").environ, "NASPE_DATA_DIR": str(tmp_path / "afile" / "data")},
    )
    assert p.returncode == 2 and "is not writable" in p.stderr and len(p.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "naspe-data").exists()


def _documents(data_dir: Path) -> dict:
    """Final numbers of a campaign, keyed by what they are (uuids of non-content-addressed jobs differ per run)."""
    from naspe.workflows.results import adhesion_table, bonding_table, conductivity_table, core_level_table

    out = {}
    for _, row in adhesion_table(data_dir).iterrows():
        out[f"adhesion {row['system']}"] = round(float(row["w_adh_J_m2"]), 8)
    for _, row in conductivity_table(data_dir).iterrows():
        out[f"sigma {row['temperature_K']}"] = float(f"{row['sigma_eh_S_cm']:.8e}")
    for _, row in bonding_table(data_dir).iterrows():
        out[f"bonding {row['source']} {row['system']} {row['bond_kind']}"] = int(row["count"])
    for _, row in core_level_table(data_dir).iterrows():
        key = f"cls {row['index']}"
        assert key not in out, "each excited atom once"
        out[key] = round(float(row["shift_eV"]), 6)
    return out


@pytest.fixture(scope="module")
def tiny_campaign(tmp_path_factory):
    """The tiny campaign run once, uninterrupted."""
    cwd = tmp_path_factory.mktemp("campaign")
    p = naspe("run", "--preset", "quick", "--overrides", str(TINY), cwd=cwd)
    return cwd, p


def test_tiny_campaign_end_to_end_query_and_report(tiny_campaign):
    cwd, p = tiny_campaign
    assert p.returncode == 0, p.stderr[-3000:]
    assert "tiny-quick:" in p.stdout and "failed" not in p.stdout
    assert "done" in p.stderr  # the progress line
    data = cwd / "naspe-data"
    docs = _documents(data)
    assert sum(k.startswith("adhesion") for k in docs) == 2
    assert sum(k.startswith("sigma") for k in docs) == 2
    assert any(k.startswith("cls") for k in docs)
    q = naspe("query", "adhesion", "--campaign", "tiny", "--json", cwd=cwd)
    assert q.returncode == 0, q.stderr
    rows = json.loads(q.stdout)
    assert {r["system"] for r in rows} == {"peo/graphene", "peo/graphene-oxidised"}
    r = naspe("report", "--out", "report", "--campaign", "tiny", cwd=cwd)
    assert r.returncode == 0, r.stderr
    html = (cwd / "report" / "report.html").read_text()
    for row in rows:
        assert row["job_uuid"] in html
    again = naspe("run", "--preset", "quick", "--overrides", str(TINY), cwd=cwd)  # the same command: all reused
    assert again.returncode == 0 and "tiny-quick:" in again.stdout


def test_killed_campaign_resumes_with_finished_jobs_never_rerun_and_the_same_documents(tiny_campaign, tmp_path):
    """Killed with SIGKILL mid-run, then resumed (core levels off: their GPAW runs would only add minutes)."""
    ref_cwd, ref = tiny_campaign
    assert ref.returncode == 0
    overrides = yaml.safe_load(TINY.read_text())
    overrides["core_levels"] = {"enabled": False}
    resume_yaml = tmp_path / "tiny-no-core-levels.yaml"
    resume_yaml.write_text(yaml.safe_dump(overrides))
    proc = subprocess.Popen(
        [NASPE, "run", "--preset", "quick", "--overrides", str(resume_yaml)],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    state = tmp_path / "naspe-data" / "runs" / "tiny-quick" / "flow-state.json"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if state.exists():
            records = json.loads(state.read_text())["records"].values()
            if sum(r["state"] == "done" for r in records) >= 6:
                break
        time.sleep(0.5)
    proc.send_signal(signal.SIGKILL)  # no clean-up: its watchdog stops the jobs that were running
    proc.wait()
    time.sleep(2.0)  # the watchdog polls the driver once a second
    # states are saved once a second, so a job handed out in the last second may not read "running" yet;
    # what the contract guards is that a job recorded as done never starts again
    done = {u for u, r in json.loads(state.read_text())["records"].items() if r["state"] == "done"}
    assert done
    p = naspe("run", "--preset", "quick", "--overrides", str(resume_yaml), cwd=tmp_path)
    assert p.returncode == 0, p.stderr[-3000:]
    jobs = tmp_path / "naspe-data" / "runs" / "tiny-quick" / "jobs"
    starts = {d.name: len((d / "naspe-attempts.log").read_text().splitlines()) for d in jobs.iterdir()}
    again = {k for k, v in starts.items() if v != 1}
    # finished jobs never run again; a job stopped with the killed driver's workers starts a second time, once
    assert starts and all(starts[k] == 2 and k.split("_")[0] not in done for k in again), (again, done)
    resumed = _documents(tmp_path / "naspe-data")
    reference = {k: v for k, v in _documents(ref_cwd / "naspe-data").items() if not k.startswith("cls")}
    assert resumed == reference and len(resumed) >= 5


def test_an_engine_override_leaves_the_relaxation_options_to_the_new_engine():
    settings = campaign_settings("quick", {"adhesion": {"engine": "vasp"}, "bonding": {"engine": "vasp"}})
    assert settings.adhesion.steps is None and settings.adhesion.fmax_eV_A is None
    assert settings.adhesion.systems == campaign_settings("quick").adhesion.systems  # the rest of the preset stays
    flow = CampaignMaker(settings=settings).make()
    adhesion = [j for j in all_jobs(flow) if j.metadata.get("component") == "adhesion"]
    assert {j.metadata.get("engine") for j in adhesion if j.name != "adhesion study summary"} == {"vasp"}
    with pytest.raises(ValueError, match="adhesion.steps: engine 'vasp'"):
        CampaignMaker(settings=campaign_settings("quick", {"adhesion": {"engine": "vasp", "steps": 10}})).make()
    with pytest.raises(ValueError, match="adhesion.engine"):
        campaign_settings("quick", {"adhesion": {"engine": "abinit"}})
