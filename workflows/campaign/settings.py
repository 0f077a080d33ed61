"""What a campaign computes: :class:`CampaignSettings` and its per-component specs.

Every model forbids unknown keys, so a misspelt override is an error naming its
location, not a silently ignored value.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from naspe.structures.study import STUDY_SYSTEMS, parse_system
from naspe.workflows.dft.registry import ENGINES
from naspe.workflows.flows.conductivity import T_MAX_K, T_MIN_K

__all__ = [
    "Engine",
    "ElectrolyteSpec",
    "ConductivitySpec",
    "AdhesionSpec",
    "BondingCase",
    "BondingSpec",
    "CoreLevelSpec",
    "CampaignSettings",
]

Engine = Literal[tuple(ENGINES)]  # the engine registry's names (naspe.workflows.dft.registry)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ElectrolyteSpec(_Strict):
    """The electrolyte cell (see :class:`naspe.structures.electrolyte.PolymerElectrolyte`)."""

    salt: str = Field("NaFSI", description="Salt: NaFSI, NaTFSI, LiTFSI, ...")
    eo_per_cation: int = Field(20, gt=0, description="EO units per cation (EO:Na)")
    n_chains: int = Field(2, gt=0, description="PEO chains in the cell")
    chain_length: int = Field(20, gt=1, description="EO units per chain")
    seed: int = Field(7, description="Random seed of the packing")


class ConductivitySpec(_Strict):
    """Conductivity MD (see :class:`naspe.workflows.flows.conductivity.ConductivityMaker`)."""

    enabled: bool = True
    preset: Literal["quick", "standard", "production"] = "quick"
    temperatures_C: list[float] = Field(default_factory=lambda: [30.0, 40.0, 50.0, 60.0, 70.0, 80.0])
    overrides: dict[str, Any] = Field(
        default_factory=dict, description="ConductivityMaker fields on top of the preset (ps, fs, replicas, ...)"
    )


class AdhesionSpec(_Strict):
    """Adhesion of the study's interfaces (see :class:`naspe.workflows.flows.adhesion_study.AdhesionStudyMaker`)."""

    enabled: bool = True
    engine: Engine = "tblite"
    systems: list[str] = Field(default_factory=list, description="film/substrate names; empty: the study's set")
    steps: int | None = Field(
        None, ge=1, description="Relaxation steps (1 = single points); None: the engine's own (VASP: its input set)"
    )
    fmax_eV_A: float | None = Field(None, gt=0, description="Force criterion (eV/Å); None: the engine's own")
    layers: int = Field(3, ge=1, description="Substrate layers")
    scan: bool = Field(False, description="Rigid separation scan with a UBER fit")


class BondingCase(_Strict):
    """One binding calculation, with reactions to product states (names from ``structures.reactions``)."""

    site: str
    fragment: str
    reactions: list[str] = Field(default_factory=list)


class BondingSpec(_Strict):
    """Binding and reaction energies (see :mod:`naspe.workflows.flows.bonding`)."""

    enabled: bool = True
    engine: Engine = "tblite"
    cases: list[BondingCase] = Field(default_factory=list)
    steps: int | None = Field(None, ge=1, description="Relaxation steps; None: the engine's own (VASP: its input set)")
    fmax_eV_A: float | None = Field(None, gt=0, description="Force criterion (eV/Å); None: the engine's own")


class CoreLevelSpec(_Strict):
    """Delta-SCF core-level shifts of the relaxed interface (see :mod:`naspe.workflows.flows.core_levels`)."""

    enabled: bool = True
    system: str = Field("peo/graphene-oxidised", description="Adhesion system whose relaxed interface is used")
    element: Literal["C", "O"] = "C"
    basis: str = Field("szp(dzp)", description="GPAW LCAO basis")
    grid_spacing_angstrom: float = Field(0.25, gt=0, description="GPAW grid spacing (Å)")
    mode: Literal["lcao", "pw"] = "lcao"
    final_state: Literal["neutral", "ionized"] = "neutral"


class CampaignSettings(_Strict):
    """Everything a campaign computes, by component."""

    name: str = Field("naspe-campaign", description="Campaign name (job metadata 'campaign')")
    preset: Literal["quick", "standard", "production"] = "quick"
    electrolyte: ElectrolyteSpec = Field(default_factory=ElectrolyteSpec)
    conductivity: ConductivitySpec = Field(default_factory=ConductivitySpec)
    adhesion: AdhesionSpec = Field(default_factory=AdhesionSpec)
    bonding: BondingSpec = Field(default_factory=BondingSpec)
    core_levels: CoreLevelSpec = Field(default_factory=CoreLevelSpec)

    @model_validator(mode="after")
    def _check(self) -> CampaignSettings:
        for t in self.conductivity.temperatures_C:
            if not T_MIN_K <= t + 273.15 <= T_MAX_K:
                raise ValueError(
                    f"conductivity.temperatures_C: {t} °C is outside {T_MIN_K - 273.15:.0f}-{T_MAX_K - 273.15:.0f} °C, "
                    "the range this polymer-electrolyte force field is meant for"
                )
        for system in self.adhesion.systems:
            parse_system(system)
        if self.core_levels.enabled:
            systems = self.adhesion.systems or list(STUDY_SYSTEMS)
            if not self.adhesion.enabled or self.core_levels.system not in systems:
                raise ValueError(
                    f"core_levels.system {self.core_levels.system!r} must be one of the adhesion systems "
                    f"({', '.join(systems)}) with adhesion enabled: its relaxed interface is what gets excited"
                )
        return self
