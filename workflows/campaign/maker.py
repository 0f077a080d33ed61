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

Presets (:data:`~naspe.workflows.campaign.presets.CAMPAIGN_PRESETS`): ``quick`` (a 2-core laptop in about ten
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

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from jobflow import Flow, Maker, Response, job
from pymatgen.core import Structure
from pymatgen.io.ase import AseAtomsAdaptor

from naspe.analysis.xps import core_environments, pick_reference
from naspe.structures.electrolyte import PolymerElectrolyte
from naspe.workflows.campaign.settings import CampaignSettings
from naspe.workflows.dft import registry
from naspe.workflows.flows.conductivity.makers import ConductivityMaker

__all__ = ["CampaignMaker", "core_levels_of_interface"]


def _honoured(part: str, engine: str, **values) -> dict:
    """The ``values`` (steps, fmax, scan) of settings ``part`` that its engine honours (the engine registry).

    A value set that the engine ignores is refused: ValueError naming ``<part>.<field>``,
    the engine and what it supports (``adhesion.steps`` with VASP, whose NSW is its input set's).
    """
    fields = {"steps": "steps", "fmax": "fmax_eV_A", "scan": "scan"}
    given = {k: f"{part}.{fields[k]}" for k, v in values.items() if v is not None and v is not False}
    return registry.engine(engine).honoured(values, given)


@job
def core_levels_of_interface(
    interface: Structure, element: str, maker, classes: tuple[str, ...] | None = None
) -> Response:
    """Replace itself by core-level shifts of one atom per environment class of the relaxed ``interface``.

    The reference is chosen by ``pick_reference`` (a graphitic carbon before an aliphatic one).
    ``classes`` limits the excited classes (None: every class present but ``"other"`` and the
    reference's own, whose shift is zero by definition: a second atom of it would only sample the
    spread inside the class, at the cost of a whole Delta-SCF run); a class asked for that the
    relaxed interface does not have is an error naming the ones it has.
    """
    atoms = AseAtomsAdaptor.get_atoms(interface)
    env = core_environments(atoms, element)
    reference = pick_reference(atoms, element, env)
    chosen: dict[str, int] = {}
    for index, cls in sorted(env.items()):
        wanted = cls not in ("other", env[reference]) if classes is None else cls in classes
        if index != reference and wanted and cls not in chosen:
            chosen[cls] = index
    missing = sorted(set(classes or ()) - set(chosen))
    if missing:
        present = sorted({c for i, c in env.items() if i != reference})
        raise ValueError(
            f"core_levels.classes: the relaxed interface has no {element} atom of class {missing} "
            f"(besides the reference); it has {present}"
        )
    clean = Structure(interface.lattice, interface.species, interface.cart_coords, coords_are_cartesian=True)
    flow = maker.make(clean, atoms=sorted(chosen.values()), reference=reference, element=element)
    return Response(replace=flow)


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
        from naspe.workflows.campaign.summary import campaign_summary  # the flows' documents (atomate2, ~2.5 s)

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
        if s.convergence.enabled:
            parts.extend(self._convergence(base))
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
        PolymerElectrolyte(**params)  # validates the composition now, before any job
        flow = maker.make(params)
        flow.update_metadata({**base, "component": "conductivity", "salt": e.salt})
        outputs["conductivity"] = flow.output
        return flow

    def _adhesion(self, base: dict, outputs: dict, interfaces: dict) -> Flow:
        from naspe.structures.study import STUDY_SYSTEMS
        from naspe.workflows.flows.adhesion.makers import adhesion_maker
        from naspe.workflows.flows.adhesion.study import AdhesionStudyMaker

        a = self.settings.adhesion
        options = _honoured("adhesion", a.engine, steps=a.steps, fmax=a.fmax_eV_A, scan=a.scan)
        maker = adhesion_maker(a.engine, **options)  # the construction naspe adhesion uses: the same W_adh
        study = AdhesionStudyMaker(adhesion_maker=maker, systems=tuple(a.systems or STUDY_SYSTEMS), layers=a.layers)
        flow = study.make()
        for system, sub in zip(study.systems, flow.jobs[:-1], strict=True):  # one flow per system, then the summary
            sub.update_metadata({**base, "component": "adhesion", "system": system, "engine": a.engine})
            interfaces[system] = sub.output.relaxed_interface  # the AdhesionDocument's field, not a job found by name
        flow.jobs[-1].update_metadata({**base, "component": "adhesion"})
        outputs["adhesion"] = flow.output
        return flow

    def _bonding(self, base: dict, outputs: dict) -> list[Flow]:
        from naspe.workflows.flows.bonding.makers import bonding_flows

        b = self.settings.bonding
        relax = registry.engine(b.engine).relax_maker(**_honoured("bonding", b.engine, steps=b.steps, fmax=b.fmax_eV_A))
        flows = []
        for case in b.cases:
            for flow in bonding_flows(case.site, case.fragment, b.engine, relax, case.reactions):
                label = flow.name  # "binding <site>/<fragment>" or "reaction <name>"
                flow.update_metadata(
                    {**base, "component": "bonding", "site": case.site, "fragment": case.fragment, "engine": b.engine}
                )
                outputs["bonding"][label] = flow.output
                flows.append(flow)
        return flows

    def _convergence(self, base: dict) -> list[Flow]:
        """One k-point / basis convergence scan per system class (single points on the built geometry)."""
        from naspe.structures.placement import binding_complex, placement_structure
        from naspe.structures.study import build_adhesion_system
        from naspe.structures.systems import Interface
        from naspe.structures.topology import to_pymatgen
        from naspe.workflows.dft.periodic import PeriodicEngineMaker
        from naspe.workflows.flows.convergence_scan.makers import ConvergenceScanMaker

        c = self.settings.convergence
        engine = c.engine or self.settings.adhesion.engine
        if engine == "tblite":  # GFN2-xTB: Gamma point, minimal basis; nothing to converge
            return []
        flows = []
        for case in c.cases:
            if case.system is not None:
                interface = Interface.parse(case.system)
                film, substrate = interface.film, interface.substrate
                built = build_adhesion_system(substrate, film, self.settings.adhesion.layers)
                structure, n_sub = to_pymatgen(built.atoms), built.n_substrate
                quantity, label = "w_adh_J_m2", case.system
            else:
                placed = binding_complex(case.site, case.fragment)
                structure, n_sub = placement_structure(placed.atoms, placed.magmoms), placed.n_substrate
                quantity, label = "binding_energy_eV", f"{case.site}/{case.fragment}"
            static = registry.engine(engine).static_maker()
            if isinstance(static, PeriodicEngineMaker) and not static.spinpol and "magmom" in structure.site_properties:
                static = dataclasses.replace(static, spinpol=True)  # an open-shell fragment (a Na atom)
            scan = ConvergenceScanMaker(
                name=f"convergence {case.system_class}",
                static_maker=static,
                quantity=quantity,
                k_lengths_angstrom=tuple(c.k_lengths_angstrom),
                ecuts_eV=tuple(c.ecuts_eV),
            )
            flow = scan.make(structure, n_sub, case.system_class, label)
            flow.update_metadata({**base, "component": "convergence", "system": label, "engine": engine})
            flows.append(flow)
        return flows

    def _core_levels(self, base: dict, outputs: dict, interfaces: dict) -> Flow:
        # atomate2 (~2.5 s) behind the Makers: imported when the Flow is made
        from naspe.workflows.flows.core_levels.makers import CoreLevelShiftMaker
        from naspe.workflows.flows.core_levels.methods import CoreLevelMethod

        c = self.settings.core_levels
        method = CoreLevelMethod(
            mode=c.mode, basis=c.basis, grid_spacing_angstrom=c.grid_spacing_angstrom, ecut_eV=c.ecut_eV, xc=c.xc
        )
        # k-points: naspe's rule for core levels (stricter on metals and semimetals)
        static = method.static_maker(kpoint_purpose="core_level", k_length_angstrom=c.k_length_angstrom)
        maker = CoreLevelShiftMaker(
            static_maker=static,
            final_state=c.final_state,
            spinpol=c.spinpol,
            ground_state=False,
            final_state_guess=c.final_state_guess,
        )
        j = core_levels_of_interface(interfaces[c.system], c.element, maker, c.classes)
        j.name = f"core levels {c.system}"
        j.update_metadata({**base, "component": "core_levels", "system": c.system, "engine": "gpaw"})
        outputs["core_levels"] = j.output
        return Flow([j], output=j.output, name="core levels")
