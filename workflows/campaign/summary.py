"""The campaign's summary job: what each component produced."""

from __future__ import annotations

from jobflow import job
from jobflow.core.job import JobConfig, OnMissing

__all__ = ["campaign_summary"]


@job(config=JobConfig(on_missing_references=OnMissing.NONE))
def campaign_summary(settings: dict, conductivity, adhesion, bonding, core_levels) -> dict:
    """What the campaign produced (None for a component that did not finish)."""
    return {
        "campaign": settings["name"],
        "preset": settings["preset"],
        "conductivity": conductivity,
        "adhesion": adhesion,
        "bonding_finished": sorted(k for k, v in (bonding or {}).items() if v is not None),
        "bonding_missing": sorted(k for k, v in (bonding or {}).items() if v is None),
        "core_levels": core_levels,
        "caveat": (
            "quick preset: small cells, tens of ps of MD and GFN2-xTB screening prove the pipeline, not the physics"
            if settings["preset"] == "quick"
            else None
        ),
    }
