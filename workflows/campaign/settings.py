"""What a campaign computes: :class:`CampaignSettings` and its per-component specs.

Every model forbids unknown keys, so a misspelt override is an error naming its
location, not a silently ignored value; so does ``conductivity.overrides``, whose keys
are :class:`~naspe.workflows.flows.conductivity.makers.ConductivityMaker` fields (checked with
their values when the settings are made, not when the campaign's first MD job starts).
Relaxation steps and force criteria lie within :data:`~naspe.structures.bounds.RELAX_STEPS`
and :data:`~naspe.structures.bounds.FMAX_EV_A`, the bounds of ``naspe adhesion`` / ``bonding``.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from naspe.analysis.xps import XPS_RANGES_EV
from naspe.structures.bounds import FMAX_EV_A, RELAX_STEPS, Bound
from naspe.structures.study import STUDY_SYSTEMS
from naspe.structures.systems import Interface
from naspe.workflows.dft.registry import ENGINES
from naspe.workflows.flows.conductivity.makers import T_MAX_K, T_MIN_K, ConductivityMaker
from naspe.workflows.md.inputs import LammpsInputGenerator

__all__ = [
    "Engine",
    "ElectrolyteSpec",
    "ConductivitySpec",
    "AdhesionSpec",
    "BondingCase",
    "BondingSpec",
    "CoreLevelSpec",
    "ConvergenceCase",
    "ConvergenceSpec",
    "CampaignSettings",
    "conductivity_override_keys",
]

Engine = Literal[tuple(ENGINES)]  # the engine registry's names (naspe.workflows.dft.registry)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _within(bound: Bound, value: float | None) -> float | None:
    """``value`` (None: the engine's own) if ``bound`` allows it; else ValueError naming the range and why."""
    if value is not None:
        try:
            bound.check(value)
        except ValueError:
            raise ValueError(f"{value}: allowed is {bound.describe()} ({bound.reason})") from None
    return value


class _Relaxation(_Strict):
    """Relaxation steps and force criterion, within :data:`RELAX_STEPS` and :data:`FMAX_EV_A`."""

    @field_validator("steps", "fmax_eV_A", check_fields=False)
    @classmethod
    def _bounded(cls, value: float | None, info: ValidationInfo) -> float | None:
        return _within(RELAX_STEPS if info.field_name == "steps" else FMAX_EV_A, value)


#: ConductivityMaker fields a campaign sets itself (``conductivity.temperatures_C``), not through overrides
_SET_BY_CAMPAIGN = ("temperatures_C",)


def conductivity_override_keys() -> tuple[str, ...]:
    """The keys ``conductivity.overrides`` accepts: :class:`ConductivityMaker` fields the campaign leaves free."""
    return tuple(f.name for f in dataclasses.fields(ConductivityMaker) if f.name not in _SET_BY_CAMPAIGN)


def _check_override(key: str, value: Any) -> None:
    """Refuse an override value of the wrong kind (a number field given text, NaN, a YAML input generator)."""
    default = {f.name: f.default for f in dataclasses.fields(ConductivityMaker)}.get(key)
    if key == "input_generator" and not isinstance(value, LammpsInputGenerator):
        raise ValueError(f"{key}: a LammpsInputGenerator (from Python), not a {type(value).__name__}")
    if key == "ranks" and value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
        raise ValueError(f"ranks={value!r}: must be an integer >= 1 (MPI ranks per MD job), or null for the default")
    if isinstance(default, (int, float)) and not isinstance(default, bool):
        kind = "an integer" if isinstance(default, int) else "a finite number"
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if not number or not math.isfinite(value) or (isinstance(default, int) and not isinstance(value, int)):
            raise ValueError(f"{key}={value!r}: must be {kind}")


class ElectrolyteSpec(_Strict):
    """The electrolyte cell (see :class:`naspe.structures.electrolyte.PolymerElectrolyte`)."""

    salt: str = Field("NaFSI", description="Salt: NaFSI, NaTFSI, LiTFSI, ...")
    eo_per_cation: int = Field(20, gt=0, description="EO units per cation (EO:Na)")
    n_chains: int = Field(2, gt=0, description="PEO chains in the cell")
    chain_length: int = Field(20, gt=1, description="EO units per chain")
    seed: int = Field(7, description="Random seed of the packing")


class ConductivitySpec(_Strict):
    """Conductivity MD (see :class:`naspe.workflows.flows.conductivity.makers.ConductivityMaker`)."""

    enabled: bool = True
    preset: Literal["quick", "standard", "production"] = "quick"
    temperatures_C: list[float] = Field(default_factory=lambda: [30.0, 40.0, 50.0, 60.0, 70.0, 80.0])
    overrides: dict[str, Any] = Field(
        default_factory=dict, description="ConductivityMaker fields on top of the preset (ps, fs, replicas, ...)"
    )

    @field_validator("temperatures_C")
    @classmethod
    def _distinct(cls, temperatures: list[float]) -> list[float]:
        """Refuse a temperature given twice: it would run the same MD twice and weigh it twice in the fits."""
        seen = sorted(temperatures)
        for low, high in zip(seen, seen[1:], strict=False):
            if abs(high - low) < 0.01:
                raise ValueError(f"{high} °C is given twice; give each temperature once")
        return temperatures

    @field_validator("overrides")
    @classmethod
    def _known_fields(cls, overrides: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        """Refuse a key that is no ConductivityMaker field and a value it refuses, before any job."""
        allowed = conductivity_override_keys()
        for key, value in overrides.items():
            if key in _SET_BY_CAMPAIGN:
                raise ValueError(f"{key}: set conductivity.{key} instead")
            if key not in allowed:
                raise ValueError(f"{key!r} is not a conductivity setting; allowed are {', '.join(allowed)}")
            _check_override(key, value)
        if "preset" in info.data:  # an unknown preset is reported on its own
            try:
                ConductivityMaker.from_preset(info.data["preset"], **overrides)
            except ValueError as err:
                raise ValueError(str(err)) from None
        return overrides


class AdhesionSpec(_Relaxation):
    """Adhesion of the study's interfaces (see :class:`naspe.workflows.flows.adhesion.study.AdhesionStudyMaker`)."""

    enabled: bool = True
    engine: Engine = "tblite"
    systems: list[str] = Field(default_factory=list, description="film/substrate names; empty: the study's set")
    steps: int | None = Field(
        None, description="Relaxation steps (1 = single points); None: the engine's own (VASP: its input set)"
    )
    fmax_eV_A: float | None = Field(None, description="Force criterion (eV/Å); None: the engine's own")
    layers: int = Field(3, ge=1, description="Substrate layers")
    scan: bool = Field(False, description="Rigid separation scan with a UBER fit")


class BondingCase(_Strict):
    """One binding calculation, with reactions to product states (names from ``structures.reactions``)."""

    site: str
    fragment: str
    reactions: list[str] = Field(default_factory=list)


class BondingSpec(_Relaxation):
    """Binding and reaction energies (see :mod:`naspe.workflows.flows.bonding.makers`)."""

    enabled: bool = True
    engine: Engine = "tblite"
    cases: list[BondingCase] = Field(default_factory=list)
    steps: int | None = Field(None, description="Relaxation steps; None: the engine's own (VASP: its input set)")
    fmax_eV_A: float | None = Field(None, description="Force criterion (eV/Å); None: the engine's own")


class ConvergenceCase(_Strict):
    """One system class of the k-point / basis convergence scan: an adhesion system (W_adh) or a binding (E_bind)."""

    system_class: str = Field(description="What the scan stands for: metal slab, carbon slab, interface")
    system: str | None = Field(None, description="film/substrate of an adhesion system: scans W_adh (J/m^2)")
    site: str | None = Field(None, description="Binding site: scans E_bind (eV) of ``fragment`` there")
    fragment: str | None = Field(None, description="Fragment at ``site``")

    @model_validator(mode="after")
    def _one_system(self) -> ConvergenceCase:
        from naspe.structures.fragments import FRAGMENTS
        from naspe.structures.sites import SITES

        binding = self.site is not None or self.fragment is not None
        if (self.system is None) == (not binding) or (binding and (self.site is None or self.fragment is None)):
            raise ValueError(
                f"convergence case {self.system_class!r}: give system (W_adh) or site and fragment (E_bind), not both"
            )
        if self.system is not None:
            Interface.parse(self.system)
        elif self.site not in SITES:
            raise ValueError(f"site {self.site!r}: allowed are {', '.join(SITES)}")
        elif self.fragment not in FRAGMENTS:
            raise ValueError(f"fragment {self.fragment!r}: allowed are {', '.join(FRAGMENTS)}")
        return self


#: the scans of the standard and production presets: one per system class
DEFAULT_CONVERGENCE_CASES = (
    {"system_class": "metal slab", "site": "na110", "fragment": "dme"},
    {"system_class": "carbon slab", "site": "vacancy", "fragment": "dme"},
    {"system_class": "interface", "system": "peo/na110"},
)


class ConvergenceSpec(_Strict):
    """k-point and basis convergence of W_adh and E_bind (see :mod:`naspe.workflows.flows.convergence_scan.makers`)."""

    enabled: bool = False
    engine: Engine | None = Field(
        None, description="Engine of the scans; None: the adhesion engine (none when that is tblite: Gamma only)"
    )
    cases: list[ConvergenceCase] = Field(
        default_factory=lambda: [ConvergenceCase(**c) for c in DEFAULT_CONVERGENCE_CASES],
        description="One scan per system class",
    )
    k_lengths_angstrom: list[float] = Field(
        default_factory=lambda: [20.0, 30.0, 40.0, 50.0, 60.0], description="k-point lengths L (Å), increasing"
    )
    ecuts_eV: list[float] = Field(
        default_factory=lambda: [400.0, 500.0, 600.0, 700.0],
        description="Plane-wave cutoffs (eV) of the GPAW basis stage, increasing; empty: none",
    )


class CoreLevelSpec(_Strict):
    """Delta-SCF core-level shifts of the relaxed interface (see :mod:`naspe.workflows.flows.core_levels.makers`)."""

    enabled: bool = True
    system: str = Field("peo/graphene-oxidised", description="Adhesion system whose relaxed interface is used")
    element: Literal["C", "O"] = "C"
    basis: str = Field("szp(dzp)", description="GPAW LCAO basis")
    grid_spacing_angstrom: float = Field(0.25, gt=0, description="GPAW grid spacing (Å)")
    mode: Literal["lcao", "pw"] = "lcao"
    ecut_eV: float = Field(500.0, gt=0, description="GPAW plane-wave cutoff (eV), in PW mode")
    xc: Literal["PBE", "SCAN"] = Field(
        "PBE",
        description="Functional of the Delta-SCF runs; SCAN (meta-GGA) needs mode 'pw' (flows.core_levels.methods)",
    )
    final_state: Literal["auto", "neutral", "ionized"] = Field(
        "auto", description="auto: neutral for metallic cells, ionised for insulators (ground-state gap)"
    )
    final_state_guess: Literal["neutral", "ionized"] | None = Field(
        "neutral",
        description="With final_state auto: the final state the core-hole runs start with beside the ground state "
        "(neutral suits the study's carbon and sodium substrates); a wrong guess is redone with the ground state's "
        "choice, so it changes the wall time only. None runs the ground state first",
    )
    spinpol: bool = Field(
        True,
        description="Spin-polarised Delta-SCF: the 1s hole in one spin channel (absolute energies need it). False "
        "halves the cost but is an approximation the document records: on the quick preset's PEO | oxidised "
        "graphene interface it moved the C=O shift by 0.17 eV (1.54 against 1.37 eV), the C-O shift by 0.04 eV",
    )
    k_length_angstrom: float | None = Field(
        None,
        gt=0,
        lt=1000,
        description="k-point length L (Å) of the mesh n_i = ceil(L |b_i|); None: naspe's rule for core levels "
        "(naspe.workflows.dft.kpoints). A smaller L is cheaper and less converged",
    )
    classes: tuple[str, ...] | None = Field(
        None,
        min_length=1,
        description="environment classes to excite, one atom each (naspe.analysis.xps.XPS_RANGES_EV, e.g. "
        "['C-O', 'C=O']); None: every class the relaxed interface has. Each Delta-SCF run costs about one "
        "ground-state SCF of the interface",
    )

    @model_validator(mode="after")
    def _known_classes(self) -> CoreLevelSpec:
        allowed = tuple(XPS_RANGES_EV[self.element])
        for c in self.classes or ():
            if c not in allowed:
                raise ValueError(
                    f"core_levels.classes: {c!r} is not a {self.element} 1s class; allowed: {list(allowed)}"
                )
        if self.xc != "PBE" and self.mode != "pw":
            raise ValueError(f"core_levels.xc={self.xc!r} needs core_levels.mode='pw': GPAW's LCAO has no meta-GGA")
        return self


class CampaignSettings(_Strict):
    """Everything a campaign computes, by component."""

    name: str = Field("naspe-campaign", description="Campaign name (job metadata 'campaign')")
    preset: Literal["quick", "standard", "production"] = "quick"
    electrolyte: ElectrolyteSpec = Field(default_factory=ElectrolyteSpec)
    conductivity: ConductivitySpec = Field(default_factory=ConductivitySpec)
    adhesion: AdhesionSpec = Field(default_factory=AdhesionSpec)
    bonding: BondingSpec = Field(default_factory=BondingSpec)
    core_levels: CoreLevelSpec = Field(default_factory=CoreLevelSpec)
    convergence: ConvergenceSpec = Field(default_factory=ConvergenceSpec)

    @model_validator(mode="after")
    def _check(self) -> CampaignSettings:
        for t in self.conductivity.temperatures_C:
            if not T_MIN_K <= t + 273.15 <= T_MAX_K:
                raise ValueError(
                    f"conductivity.temperatures_C: {t} °C is outside {T_MIN_K - 273.15:.0f}-{T_MAX_K - 273.15:.0f} °C, "
                    "the range this polymer-electrolyte force field is meant for"
                )
        for system in self.adhesion.systems:
            Interface.parse(system)
        if self.convergence.enabled and self.convergence.engine == "tblite":
            raise ValueError(
                "convergence.engine: 'tblite' runs the Gamma point only, there are no k-points to converge; "
                "allowed are gpaw and vasp"
            )
        if self.core_levels.enabled:
            systems = self.adhesion.systems or list(STUDY_SYSTEMS)
            if not self.adhesion.enabled or self.core_levels.system not in systems:
                raise ValueError(
                    f"core_levels.system {self.core_levels.system!r} must be one of the adhesion systems "
                    f"({', '.join(systems)}) with adhesion enabled: its relaxed interface is what gets excited"
                )
        return self
