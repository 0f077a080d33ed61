"""The study as one campaign: conductivity MD, adhesion, bonding and core-level shifts.

:class:`CampaignMaker` turns :class:`CampaignSettings` into one jobflow Flow:

- **conductivity**: a PolymerElectrolyte cell (PEO20NaFSI by default) built,
  minimised, annealed and run at every temperature (30-80 °C), then analysed
  (D, Nernst-Einstein and Einstein-Helfand conductivity, Arrhenius/VTF fits);
- **adhesion**: W_adh of the study's interfaces (PEO on Na, on graphene and
  graphite, on defective and oxidised carbon, on the Na/C composite; Na on
  graphite; NaFSI on Na) with one engine, ranked;
- **bonding**: binding energies of fragments at sites and reaction energies to
  the product states (C-O-C bridge at a vacancy, Na-N from FSI on Na, ...);
- **core levels**: Delta-SCF C 1s shifts of one carbon per environment class
  (C-C, C-O, C=O, O-C=O) in the relaxed PEO | oxidised-carbon interface, for the
  XPS comparison;
- a campaign summary.

Presets (:data:`CAMPAIGN_PRESETS`): ``quick`` (a 2-core laptop in about ten
minutes: small cells, short MD, GFN2-xTB screening, GPAW LCAO core levels; it
proves the pipeline, not the physics), ``standard`` (a workstation: GPAW for
adhesion/bonding, ns MD) and ``production`` (HPC: longer MD with replicas, PW
GPAW). Every value can be overridden from a YAML file with the same nesting;
unknown keys are errors.

Every job carries metadata ``campaign``, ``preset``, ``component`` and, where
they apply, ``salt``, ``system``, ``site``, ``fragment``, which the queries and
the report use.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from jobflow import Flow, Maker, Response, job
from jobflow.core.job import JobConfig, OnMissing
from pydantic import BaseModel, ConfigDict, Field, model_validator
from pymatgen.core import Structure

__all__ = [
    "CampaignSettings",
    "CampaignMaker",
    "CAMPAIGN_PRESETS",
    "campaign_settings",
    "load_overrides",
    "core_levels_of_interface",
    "campaign_summary",
]

Engine = Literal["gpaw", "tblite", "vasp"]


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
    steps: int = Field(40, ge=1, description="Relaxation steps (1 = single points)")
    fmax_eV_A: float = Field(0.1, gt=0, description="Force criterion (eV/Å)")
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
    steps: int = Field(40, ge=1, description="Relaxation steps")
    fmax_eV_A: float = Field(0.1, gt=0, description="Force criterion (eV/Å)")


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
        from naspe.structures.study import STUDY_SYSTEMS, parse_system
        from naspe.workflows.flows.conductivity import T_MAX_K, T_MIN_K

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
        "core_levels": {"basis": "szp(dzp)", "grid_spacing_angstrom": 0.25},
    },
    "standard": {
        "preset": "standard",
        "electrolyte": {"n_chains": 8, "chain_length": 40},
        "conductivity": {"preset": "standard"},
        "adhesion": {"engine": "gpaw", "systems": [], "steps": 150, "fmax_eV_A": 0.05, "scan": True},
        "bonding": {
            "engine": "gpaw",
            "cases": _FULL_BONDING,
            "steps": 150,
            "fmax_eV_A": 0.05,
        },
        "core_levels": {"basis": "dzp", "grid_spacing_angstrom": 0.18},
    },
    "production": {
        "preset": "production",
        "electrolyte": {"n_chains": 24, "chain_length": 60},
        "conductivity": {"preset": "production"},
        "adhesion": {"engine": "gpaw", "systems": [], "steps": 300, "fmax_eV_A": 0.02, "scan": True},
        "bonding": {
            "engine": "gpaw",
            "cases": _FULL_BONDING,
            "steps": 300,
            "fmax_eV_A": 0.02,
        },
        "core_levels": {"mode": "pw", "grid_spacing_angstrom": 0.16, "basis": "dzp"},
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


def campaign_settings(preset: str = "quick", overrides: dict | None = None) -> CampaignSettings:
    """Settings of ``preset`` with ``overrides`` (nested dict) on top.

    Raises
    ------
    ValueError
        Unknown preset, unknown keys or bad values (pydantic lists every one with its location).
    """
    if preset not in CAMPAIGN_PRESETS:
        raise ValueError(f"preset {preset!r}: allowed are {', '.join(CAMPAIGN_PRESETS)}")
    from pydantic import ValidationError

    try:
        return CampaignSettings.model_validate(_merge(CAMPAIGN_PRESETS[preset], overrides or {}))
    except ValidationError as err:
        problems = []
        for e in err.errors():
            where = ".".join(str(x) for x in e["loc"])
            message = e["msg"].removeprefix("Value error, ")
            problems.append(f"{where}: {message}" if where else message)
        raise ValueError("campaign settings: " + "; ".join(problems)) from None


def load_overrides(path: str | Path) -> dict:
    """Overrides from a YAML file (a mapping with the nesting of :class:`CampaignSettings`)."""
    import yaml

    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text())
    except OSError as err:
        raise ValueError(f"override file {str(path)!r}: cannot be read ({err.strerror or err})") from None
    except yaml.YAMLError as err:
        raise ValueError(f"override file {str(path)!r}: not valid YAML ({err})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValueError(f"override file {str(path)!r}: must hold a mapping, not {type(data).__name__}")
    return data


def _engine_relax(engine: str, steps: int, fmax: float):
    from naspe.workflows.dft.engines import GpawRelaxMaker, TbliteRelaxMaker, vasp_slab_relax_maker

    if engine == "gpaw":
        return GpawRelaxMaker(steps=steps, relax_kwargs={"fmax": fmax})
    if engine == "tblite":
        # 1000 K Fermi smearing: GFN2-xTB SCF of Na slabs under PEO failed to converge at 300 K in a relaxation
        kwargs = TbliteRelaxMaker().calculator_kwargs | {"electronic_temperature": 1000.0}
        return TbliteRelaxMaker(steps=steps, relax_kwargs={"fmax": fmax}, calculator_kwargs=kwargs)
    return vasp_slab_relax_maker()


@job
def core_levels_of_interface(interface: Structure, element: str, maker) -> Response:
    """Replace itself by core-level shifts of one atom per environment class of the relaxed ``interface``.

    The reference is the C-C carbon farthest from oxygen (``pick_reference``).
    """
    from pymatgen.io.ase import AseAtomsAdaptor

    from naspe.workflows.flows.core_levels import core_environments, pick_reference

    atoms = AseAtomsAdaptor.get_atoms(interface)
    env = core_environments(atoms, element)
    reference = pick_reference(atoms, element, env)
    chosen: dict[str, int] = {}
    for index, cls in sorted(env.items()):
        if index != reference and cls not in ("other",) and cls not in chosen:
            chosen[cls] = index
    clean = Structure(interface.lattice, interface.species, interface.cart_coords, coords_are_cartesian=True)
    flow = maker.make(clean, atoms=sorted(chosen.values()), reference=reference, element=element)
    return Response(replace=flow)


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


@dataclass
class CampaignMaker(Maker):
    """The whole study as one Flow (see the module docstring).

    Parameters
    ----------
    name
        Flow name.
    settings
        What to compute; :func:`campaign_settings` builds it from a preset and overrides.
    """

    name: str = "naspe campaign"
    settings: CampaignSettings = field(default_factory=CampaignSettings)

    def make(self) -> Flow:
        """Build every structure (bad input fails here, before any job) and the campaign Flow."""
        s = self.settings
        base = {"campaign": s.name, "preset": s.preset}
        parts: list[Flow] = []
        outputs: dict[str, Any] = {"conductivity": None, "adhesion": None, "bonding": {}, "core_levels": None}
        if s.conductivity.enabled:
            parts.append(self._conductivity(base, outputs))
        interfaces = {}
        if s.adhesion.enabled:
            parts.append(self._adhesion(base, outputs, interfaces))
        if s.bonding.enabled:
            parts.extend(self._bonding(base, outputs))
        if s.core_levels.enabled:
            parts.append(self._core_levels(base, outputs, interfaces))
        summary = campaign_summary(
            s.model_dump(mode="json"),
            outputs["conductivity"],
            outputs["adhesion"],
            outputs["bonding"],
            outputs["core_levels"],
        )
        summary.name = "campaign summary"
        summary.update_metadata({**base, "component": "summary"})
        return Flow([*parts, summary], output=summary.output, name=self.name)

    def _conductivity(self, base: dict, outputs: dict) -> Flow:
        from naspe.workflows.flows.conductivity import ConductivityMaker

        s = self.settings
        maker = ConductivityMaker.from_preset(
            s.conductivity.preset, temperatures_C=tuple(s.conductivity.temperatures_C), **s.conductivity.overrides
        )
        e = s.electrolyte
        params = {
            "salt": e.salt,
            "eo_per_cation": e.eo_per_cation,
            "n_chains": e.n_chains,
            "chain_length": e.chain_length,
            "seed": e.seed,
        }
        from naspe.structures.electrolyte import PolymerElectrolyte

        PolymerElectrolyte(**params)  # validates the composition now, before any job
        flow = maker.make(params)
        flow.update_metadata({**base, "component": "conductivity", "salt": e.salt})
        outputs["conductivity"] = flow.output
        return flow

    def _adhesion(self, base: dict, outputs: dict, interfaces: dict) -> Flow:
        from naspe.structures.study import STUDY_SYSTEMS
        from naspe.workflows.flows.adhesion import GpawAdhesionMaker, TbliteAdhesionMaker, VaspAdhesionMaker
        from naspe.workflows.flows.adhesion_study import AdhesionStudyMaker

        a = self.settings.adhesion
        cls = {"gpaw": GpawAdhesionMaker, "tblite": TbliteAdhesionMaker, "vasp": VaspAdhesionMaker}[a.engine]
        shifts = (-0.5, -0.25, 0.0, 0.5, 1.0, 2.0, 3.5, 6.0) if a.scan else None
        maker = cls(relax_maker=_engine_relax(a.engine, a.steps, a.fmax_eV_A), scan_shifts_angstrom=shifts)
        study = AdhesionStudyMaker(adhesion_maker=maker, systems=tuple(a.systems or STUDY_SYSTEMS), layers=a.layers)
        flow = study.make()
        for system, sub in zip(study.systems, flow.jobs[:-1], strict=True):  # one flow per system, then the summary
            sub.update_metadata({**base, "component": "adhesion", "system": system, "engine": a.engine})
            relax = next(j for j in sub.jobs if j.name.endswith("interface relax"))
            interfaces[system] = relax.output.structure
        flow.jobs[-1].update_metadata({**base, "component": "adhesion"})
        outputs["adhesion"] = flow.output
        return flow

    def _bonding(self, base: dict, outputs: dict) -> list[Flow]:
        from naspe.workflows.flows.bonding import bonding_flows

        b = self.settings.bonding
        flows = []
        for case in b.cases:
            for flow in bonding_flows(
                case.site, case.fragment, b.engine, _engine_relax(b.engine, b.steps, b.fmax_eV_A), case.reactions
            ):
                label = flow.name  # "binding <site>/<fragment>" or "reaction <name>"
                flow.update_metadata(
                    {**base, "component": "bonding", "site": case.site, "fragment": case.fragment, "engine": b.engine}
                )
                outputs["bonding"][label] = flow.output
                flows.append(flow)
        return flows

    def _core_levels(self, base: dict, outputs: dict, interfaces: dict) -> Flow:
        from naspe.workflows.dft.engines import GpawStaticMaker
        from naspe.workflows.flows.core_levels import CoreLevelShiftMaker

        c = self.settings.core_levels
        static = GpawStaticMaker(
            mode=c.mode, basis=c.basis, grid_spacing_angstrom=c.grid_spacing_angstrom, kpoint_density=1.5
        )
        maker = CoreLevelShiftMaker(static_maker=static, final_state=c.final_state, ground_state=False)
        j = core_levels_of_interface(interfaces[c.system], c.element, maker)
        j.name = f"core levels {c.system}"
        j.update_metadata({**base, "component": "core_levels", "system": c.system, "engine": "gpaw"})
        outputs["core_levels"] = j.output
        return Flow([j], output=j.output, name="core levels")
