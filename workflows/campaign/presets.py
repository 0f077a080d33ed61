"""Campaign presets (quick, standard, production) and their overrides from YAML."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from naspe.workflows.base.yaml_files import load_yaml
from naspe.workflows.campaign.settings import CampaignSettings
from naspe.workflows.flows.core_levels.methods import CORE_LEVEL_METHODS

__all__ = ["CAMPAIGN_PRESETS", "campaign_settings", "load_overrides"]

_QUICK_BONDING = [
    {"site": "vacancy", "fragment": "dme", "reactions": ["dme-vacancy-bridge"]},
    {"site": "na110", "fragment": "nafsi", "reactions": ["fsi-na-nitride"]},
]
_FULL_BONDING = [
    {"site": "vacancy", "fragment": "dme", "reactions": ["dme-vacancy-bridge", "dme-vacancy-carbonyl"]},
    {"site": "na110", "fragment": "nafsi", "reactions": ["fsi-na-nitride", "fsi-na-fluoride"]},
    {"site": "na110", "fragment": "dme", "reactions": ["dme-na-methoxide"]},
    {"site": "edge", "fragment": "dme"},
    {"site": "oxidised", "fragment": "dme"},
    {"site": "graphene", "fragment": "na"},
]


def _core_levels(preset: str) -> dict[str, Any]:
    """The core-level settings of ``preset``: its entry of :data:`CORE_LEVEL_METHODS` (what its validation runs)."""
    return CORE_LEVEL_METHODS[preset].model_dump()


#: preset name -> settings (nested like :class:`CampaignSettings`)
CAMPAIGN_PRESETS: dict[str, dict[str, Any]] = {
    "quick": {
        "preset": "quick",
        "electrolyte": {"n_chains": 2, "chain_length": 20},
        "conductivity": {"preset": "quick", "overrides": {"minimize_steps": 500}},
        "adhesion": {
            "engine": "tblite",
            "systems": [
                "peo/na110",
                "peo/graphene",
                "peo/graphene-vacancy",
                "peo/graphene-oxidised",
                "peo/na-on-graphene",
            ],
            "steps": 5,
            "fmax_eV_A": 0.2,
        },
        "bonding": {"engine": "tblite", "cases": _QUICK_BONDING, "steps": 5, "fmax_eV_A": 0.2},
        "core_levels": _core_levels("quick"),
    },
    "standard": {
        "preset": "standard",
        "electrolyte": {"n_chains": 8, "chain_length": 40},
        "conductivity": {"preset": "standard"},
        # interfaces and bonding with CP2K (PBE-D3(BJ), MOLOPT, counterpoise); GPAW for the Delta-SCF core levels
        "adhesion": {"engine": "cp2k", "systems": [], "steps": 150, "fmax_eV_A": 0.05, "scan": True},
        "bonding": {
            "engine": "cp2k",
            "cases": _FULL_BONDING,
            "steps": 150,
            "fmax_eV_A": 0.05,
        },
        "core_levels": _core_levels("standard"),
        "convergence": {"enabled": True},  # k-points and basis of W_adh / E_bind, once per system class
    },
    "production": {
        "preset": "production",
        "electrolyte": {"n_chains": 24, "chain_length": 60},
        "conductivity": {"preset": "production"},
        "adhesion": {"engine": "cp2k", "systems": [], "steps": 300, "fmax_eV_A": 0.02, "scan": True},
        "bonding": {
            "engine": "cp2k",
            "cases": _FULL_BONDING,
            "steps": 300,
            "fmax_eV_A": 0.02,
        },
        "core_levels": _core_levels("production"),
        "convergence": {"enabled": True},
    },
}


def _merge(base: dict, over: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict) and key != "overrides":
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


#: relaxation options a preset tunes for its own engine; an override that changes the engine of a part drops
#: the preset's values of these (the new engine's own apply) unless the override gives them too
ENGINE_TUNED = ("steps", "fmax_eV_A", "scan")


def _retarget(base: dict, overrides: dict) -> dict:
    """The preset ``base`` without its engine-tuned options in parts whose engine ``overrides`` change."""
    out = copy.deepcopy(base)
    for part, over in overrides.items():
        if isinstance(over, dict) and isinstance(out.get(part), dict) and "engine" in over:
            if over["engine"] != out[part].get("engine"):
                for key in ENGINE_TUNED:
                    out[part].pop(key, None)
    return out


def campaign_settings(preset: str = "quick", overrides: dict | None = None) -> CampaignSettings:
    """Settings of ``preset`` with ``overrides`` (nested dict) on top.

    An override that changes a part's engine (``adhesion: {engine: vasp}``) leaves that part's
    relaxation options (:data:`ENGINE_TUNED`) to the new engine unless it sets them itself.

    Raises
    ------
    ValueError
        Unknown preset, unknown keys or bad values (pydantic lists every one with its location).
    """
    if preset not in CAMPAIGN_PRESETS:
        raise ValueError(f"preset {preset!r}: allowed are {', '.join(CAMPAIGN_PRESETS)}")
    try:
        base = _retarget(CAMPAIGN_PRESETS[preset], overrides or {})
        return CampaignSettings.model_validate(_merge(base, overrides or {}))
    except ValidationError as err:
        problems = []
        for e in err.errors():
            where = ".".join(str(x) for x in e["loc"])
            message = e["msg"].removeprefix("Value error, ")
            problems.append(f"{where}: {message}" if where else message)
        raise ValueError("campaign settings: " + "; ".join(problems)) from None


def load_overrides(path: str | Path) -> dict:
    """Overrides from a YAML file (a mapping with the nesting of :class:`CampaignSettings`)."""
    path = Path(path)
    try:
        data = load_yaml(path.read_text())
    except OSError as err:
        raise ValueError(f"override file {str(path)!r}: cannot be read ({err.strerror or err})") from None
    except UnicodeDecodeError as err:
        raise ValueError(f"override file {str(path)!r}: not a text file (byte {err.start} is not UTF-8)") from None
    except yaml.YAMLError as err:
        raise ValueError(f"override file {str(path)!r}: not valid YAML ({err})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValueError(f"override file {str(path)!r}: must hold a mapping, not {type(data).__name__}")
    return data
