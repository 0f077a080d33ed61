"""The campaign's summary document and the job that makes it: what each component produced."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from jobflow import job
from jobflow.core.job import JobConfig, OnMissing
from pydantic import BaseModel, Field

from naspe.workflows.flows.adhesion.study import AdhesionStudySummary
from naspe.workflows.flows.conductivity.schemas import ConductivitySummary
from naspe.workflows.flows.core_levels.schemas import CoreLevelShiftDocument

__all__ = ["CampaignSummary", "campaign_summary", "QUICK_CAVEAT"]

QUICK_CAVEAT = "quick preset: small cells, tens of ps of MD and GFN2-xTB screening prove the pipeline, not the physics"


class CampaignSummary(BaseModel):
    """What one campaign produced, by component (None for a component that was off or did not finish)."""

    campaign: str = Field(description="Campaign name (job metadata 'campaign')")
    preset: Literal["quick", "standard", "production"] = Field(description="Preset the campaign ran with")
    conductivity: ConductivitySummary | None = Field(
        None, description="Conductivity per temperature (S/cm) with its Arrhenius / VTF fits"
    )
    adhesion: AdhesionStudySummary | None = Field(None, description="W_adh of the interfaces (J/m^2), ranked")
    bonding_finished: list[str] = Field(
        default_factory=list, description="Binding / reaction calculations that finished, by flow name"
    )
    bonding_missing: list[str] = Field(
        default_factory=list, description="Binding / reaction calculations without a result, by flow name"
    )
    core_levels: CoreLevelShiftDocument | None = Field(
        None, description="Delta-SCF core-level shifts (eV) of the relaxed interface"
    )
    caveat: str | None = Field(None, description="What the preset's numbers can be used for (None: no caveat)")

    @classmethod
    def from_outputs(
        cls,
        settings: Mapping[str, Any],
        conductivity: ConductivitySummary | dict | None = None,
        adhesion: AdhesionStudySummary | dict | None = None,
        bonding: Mapping[str, Any] | None = None,
        core_levels: CoreLevelShiftDocument | dict | None = None,
    ) -> CampaignSummary:
        """Summary from the campaign settings (``CampaignSettings.model_dump()``) and the components' outputs.

        ``bonding`` maps each binding / reaction flow name to its document (None when it did not finish).
        """
        bonding = bonding or {}
        return cls(
            campaign=settings["name"],
            preset=settings["preset"],
            conductivity=conductivity,
            adhesion=adhesion,
            bonding_finished=sorted(k for k, v in bonding.items() if v is not None),
            bonding_missing=sorted(k for k, v in bonding.items() if v is None),
            core_levels=core_levels,
            caveat=QUICK_CAVEAT if settings["preset"] == "quick" else None,
        )


@job(output_schema=CampaignSummary, config=JobConfig(on_missing_references=OnMissing.NONE))
def campaign_summary(settings: dict, conductivity, adhesion, bonding, core_levels) -> CampaignSummary:
    """What the campaign produced (None for a component that did not finish)."""
    return CampaignSummary.from_outputs(settings, conductivity, adhesion, bonding, core_levels)
