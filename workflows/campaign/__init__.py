"""The study as one campaign: settings, presets, the Maker and its summary.

``from naspe.workflows.campaign import CampaignMaker, campaign_settings`` gives the
Maker of the whole study and the settings of a preset with overrides.
"""

from naspe.workflows.campaign.maker import CampaignMaker, core_levels_of_interface
from naspe.workflows.campaign.presets import CAMPAIGN_PRESETS, campaign_settings, load_overrides
from naspe.workflows.campaign.settings import CampaignSettings
from naspe.workflows.campaign.summary import CampaignSummary, campaign_summary

__all__ = [
    "CampaignSettings",
    "CampaignMaker",
    "CAMPAIGN_PRESETS",
    "campaign_settings",
    "load_overrides",
    "core_levels_of_interface",
    "CampaignSummary",
    "campaign_summary",
]
