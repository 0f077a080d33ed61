"""The standard and production presets run one k-point / basis convergence scan per system class."""

from __future__ import annotations

import pytest

from naspe.workflows.base.identity import all_jobs
from naspe.workflows.campaign import CampaignMaker, campaign_settings

_ONLY_SCANS = {
    "conductivity": {"enabled": False},
    "bonding": {"enabled": False},
    "core_levels": {"enabled": False},
    "adhesion": {"systems": ["peo/graphene"]},
}


@pytest.mark.parametrize("preset", ["standard", "production"])
def test_one_scan_per_system_class(preset):
    settings = campaign_settings(preset, _ONLY_SCANS)
    assert settings.convergence.enabled and settings.adhesion.engine == "cp2k"
    flow = CampaignMaker(settings=settings).make()
    scans = [j for j in all_jobs(flow) if j.metadata.get("component") == "convergence"]
    assert sorted(j.metadata["system"] for j in scans) == ["na110/dme", "peo/na110", "vacancy/dme"]
    by_system = {j.metadata["system"]: j for j in scans}
    plan = by_system["peo/na110"].function_args[3]  # scan_step(scan, structure, n_substrate, plan, ...)
    assert plan["system_class"] == "interface" and [s["k_length_angstrom"] for s in plan["kpoints"]][:2] == [20, 30]
    # CP2K's basis stage: the density-grid cutoff (Ry) with its MOLOPT basis
    assert [b["cutoff_ry"] for b in plan["basis"]] == [300.0, 400.0, 500.0, 600.0]
    assert plan["kpoints"][0]["cutoff_ry"] == 400.0 and plan["kpoints"][0]["mode"] is None
    assert by_system["na110/dme"].function_args[0].quantity == "binding_energy_eV"
    assert by_system["peo/na110"].function_args[0].quantity == "w_adh_J_m2"


def test_quick_and_tblite_campaigns_have_no_scan_and_tblite_scans_are_refused():
    def scans(settings):
        jobs = all_jobs(CampaignMaker(settings=settings).make())
        return [j for j in jobs if j.metadata["component"] == "convergence"]

    assert not scans(campaign_settings("quick", _ONLY_SCANS))
    tblite = campaign_settings(
        "standard", {**_ONLY_SCANS, "adhesion": {"engine": "tblite", "systems": ["peo/graphene"]}}
    )
    assert not scans(tblite)  # GFN2-xTB: Gamma point only, nothing to converge
    with pytest.raises(ValueError, match="convergence.engine: 'tblite' runs the Gamma point only"):
        campaign_settings("standard", {"convergence": {"engine": "tblite"}})
    with pytest.raises(ValueError, match="give system \\(W_adh\\) or site and fragment"):
        campaign_settings("standard", {"convergence": {"cases": [{"system_class": "x", "site": "na110"}]}})
