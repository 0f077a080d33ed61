"""The study as one campaign: settings, presets, the Maker and its summary.

``from naspe.workflows.campaign import CampaignMaker, campaign_settings`` gives the
Maker of the whole study and the settings of a preset with overrides. The summary
document, :class:`~naspe.workflows.campaign.summary.CampaignSummary`, lives in
``naspe.workflows.campaign.summary`` (importing it loads every flow's documents).
"""

from naspe.workflows.campaign.maker import CampaignMaker, core_levels_of_interface
from naspe.workflows.campaign.presets import CAMPAIGN_PRESETS, campaign_settings, load_overrides
from naspe.workflows.campaign.settings import CampaignSettings

__all__ = [
    "CampaignSettings",
    "CampaignMaker",
    "CAMPAIGN_PRESETS",
    "campaign_settings",
    "load_overrides",
    "core_levels_of_interface",
]
