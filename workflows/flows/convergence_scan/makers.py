"""k-point and basis convergence of W_adh and E_bind, one scan per system class, recorded in one document.

:class:`ConvergenceScanMaker` computes a work of adhesion (J/m^2) or a binding energy
(eV) by single points on one fixed geometry with a sequence of settings, denser each
step, and stops at the first step whose change from the step before is below the
tolerance (0.01 J/m^2 for W_adh, 0.02 eV for E_bind): the setting *before* that step
is the converged one. Two stages:

1. **k-points**: the k-point length L of :mod:`naspe.workflows.dft.kpoints`
   (20, 30, 40, 50, 60 Å by default; a length that gives the same mesh on this cell
   as the one before is skipped);
2. **basis** at the converged L. GPAW: plane waves with increasing cutoff
   (400, 500, 600, 700 eV); for an LCAO Maker the document also records the
   difference between the LCAO value (counterpoise-corrected where the flow
   corrects it) and the converged plane-wave one: the plane-wave check of the LCAO
   basis. CP2K: the density grid's cutoff (300, 400, 500, 600 Ry) with its MOLOPT
   basis. VASP (its cutoff is the input set's) runs the k-point stage only.

Each step is a job that runs the adhesion (:class:`~naspe.workflows.flows.adhesion.makers.BaseAdhesionMaker`)
or binding (:class:`~naspe.workflows.flows.bonding.makers.BaseBindingMaker`) flow with the
step's single-point Maker, then decides: the next step, the next stage, or the
:class:`ConvergenceScanDocument` (every step's setting, mesh, value and change; the
converged setting; whether each stage converged within its sequence). A stage that
runs out of settings is recorded as not converged, never as converged.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Literal

from jobflow import Flow, Maker, Response, job
from pydantic import BaseModel, Field
from pymatgen.core import Structure

from naspe.workflows.base.identity import with_content_uuid
from naspe.workflows.base.kinds import runs_on

__all__ = [
    "TOLERANCES",
    "ScanStep",
    "ConvergenceScanDocument",
    "ConvergenceScanMaker",
    "converged_index",
]

#: quantity -> tolerance of the change between successive settings (J/m^2 for W_adh, eV for E_bind)
TOLERANCES = {"w_adh_J_m2": 0.01, "binding_energy_eV": 0.02}
Quantity = Literal["w_adh_J_m2", "binding_energy_eV"]


def converged_index(values: list[float], tolerance: float) -> int | None:
    """Index of the converged setting: the first i with ``|values[i + 1] - values[i]| < tolerance``; None if none."""
    for i in range(len(values) - 1):
        if abs(values[i + 1] - values[i]) < tolerance:
            return i
    return None


class ScanStep(BaseModel):
    """One setting of a scan and what it gave."""

    stage: Literal["kpoints", "basis"] = Field(description="Which stage the step belongs to")
    k_length_angstrom: float = Field(description="k-point length L of the rule (Å)")
    mesh: list[int] = Field(description="Gamma-centred mesh L gives on this cell")
    mode: str | None = Field(None, description="GPAW mode (lcao, pw); None for other engines")
    basis: str | None = Field(None, description="LCAO basis, when mode is lcao")
    ecut_eV: float | None = Field(None, description="Plane-wave cutoff (eV), when mode is pw")
    cutoff_ry: float | None = Field(None, description="CP2K density-grid cutoff (Ry); None for other engines")
    value: float = Field(description="W_adh (J/m^2) or E_bind (eV) at this setting")
    change: float | None = Field(None, description="value minus the previous step's of the same stage; None first")


class ConvergenceScanDocument(BaseModel):
    """The k-point and basis sequence of one system class and the setting each stage converged at."""

    system_class: str = Field(description="What the scan stands for (metal slab, carbon slab, interface)")
    system: str | None = Field(None, description="The system scanned (film/substrate or site/fragment)")
    engine: str = Field(description="Engine of the single points")
    quantity: Quantity = Field(description="w_adh_J_m2 (J/m^2) or binding_energy_eV (eV)")
    tolerance: float = Field(description="Largest change between successive settings counted as converged (same unit)")
    geometry: str = Field(
        "single points on one fixed (unrelaxed) geometry", description="Which geometry the scan's single points use"
    )
    steps: list[ScanStep] = Field(description="Every setting in the order run")
    kpoints_converged: bool = Field(description="Two successive k-point lengths agreed within the tolerance")
    converged_k_length_angstrom: float | None = Field(
        None, description="The smallest L (Å) whose value the next denser L reproduces; None: not converged"
    )
    converged_mesh: list[int] | None = Field(None, description="Mesh of the converged L on this cell")
    basis_converged: bool | None = Field(None, description="Two successive cutoffs agreed; None: no basis stage run")
    converged_ecut_eV: float | None = Field(None, description="The converged plane-wave cutoff (eV); None: none")
    converged_cutoff_ry: float | None = Field(None, description="The converged CP2K grid cutoff (Ry); None: none")
    lcao_minus_pw: float | None = Field(
        None, description="LCAO value at the converged L minus the converged plane-wave value (same unit); None: n/a"
    )
    lcao_within_tolerance: bool | None = Field(None, description="|lcao_minus_pw| < tolerance; None: n/a")


def _k_steps(steps: list[ScanStep]) -> list[ScanStep]:
    return [s for s in steps if s.stage == "kpoints"]


def scan_document(scan: ConvergenceScanMaker, steps: list[ScanStep], system_class: str, system) -> dict:
    """The :class:`ConvergenceScanDocument` (as a dict) of finished ``steps``."""
    tol = scan.tolerance_of()
    ks = _k_steps(steps)
    ki = converged_index([s.value for s in ks], tol)
    basis = [s for s in steps if s.stage == "basis"]
    bi = converged_index([s.value for s in basis], tol) if basis else None
    doc = ConvergenceScanDocument(
        system_class=system_class,
        system=system,
        engine=scan.engine_name(),
        quantity=scan.quantity,
        tolerance=tol,
        steps=steps,
        kpoints_converged=ki is not None,
        converged_k_length_angstrom=None if ki is None else ks[ki].k_length_angstrom,
        converged_mesh=None if ki is None else ks[ki].mesh,
        basis_converged=None if not basis else bi is not None,
        converged_ecut_eV=None if bi is None else basis[bi].ecut_eV,
        converged_cutoff_ry=None if bi is None else basis[bi].cutoff_ry,
    )
    if bi is not None and ks and ks[0].mode == "lcao":
        at_k = ks[ki if ki is not None else -1]
        doc.lcao_minus_pw = at_k.value - basis[bi].value
        doc.lcao_within_tolerance = abs(doc.lcao_minus_pw) < tol
    return doc.model_dump(mode="json")


@job
def record_step(setting: dict, value: float | None, previous: float | None) -> dict:
    """The :class:`ScanStep` (as a dict) of a finished step."""
    if value is None or not math.isfinite(value):
        raise ValueError(f"convergence step {setting} gave no finite value ({value!r}); see its documents")
    change = None if previous is None else float(value) - previous
    return ScanStep(**setting, value=float(value), change=change).model_dump(mode="json")


@job
@runs_on("dft")
def scan_step(scan, structure: Structure, n_substrate: int, plan: dict, stage: str, index: int, done: list) -> Response:
    """Replace itself by the step's flow, its record and the decision on what comes next."""
    setting = plan[stage][index]
    jobs, value = scan.evaluate(scan.maker_for(setting), structure, n_substrate, f"{stage} {index}")
    same_stage = [ScanStep(**s) for s in done if s["stage"] == stage]
    record = record_step(setting, value, same_stage[-1].value if same_stage else None)
    record.name = f"{scan.name} {stage} step {index}"
    decide = decide_next(scan, structure, n_substrate, plan, stage, index, done, record.output)
    decide.name = f"{scan.name} after {stage} step {index}"
    return Response(replace=Flow([*jobs, record, decide], output=decide.output))


@job
def decide_next(scan, structure, n_substrate: int, plan: dict, stage: str, index: int, done: list, step: dict):
    """The next step of the stage, the first step of the basis stage, or the scan's document."""
    done = [*done, step]
    values = [s["value"] for s in done if s["stage"] == stage]
    stage_over = converged_index(values, scan.tolerance_of()) is not None or index + 1 >= len(plan[stage])
    if not stage_over:
        stage, index = stage, index + 1
    elif stage == "kpoints" and plan.get("basis"):
        ks = [ScanStep(**s) for s in done]
        ki = converged_index([s.value for s in ks], scan.tolerance_of())
        chosen = ks[ki if ki is not None else -1]  # the converged L, or the densest tried
        basis = [{**b, "k_length_angstrom": chosen.k_length_angstrom, "mesh": chosen.mesh} for b in plan["basis"]]
        plan, stage, index = {**plan, "basis": basis}, "basis", 0
    else:
        return scan_document(scan, [ScanStep(**s) for s in done], plan["system_class"], plan["system"])
    nxt = with_content_uuid(scan_step(scan, structure, n_substrate, plan, stage, index, done))
    nxt.name = f"{scan.name} {stage} step {index}"
    return Response(replace=Flow([nxt], output=nxt.output))


@dataclass
class ConvergenceScanMaker(Maker):
    """k-point (then, for GPAW, plane-wave cutoff) convergence of W_adh or E_bind on one geometry.

    Parameters
    ----------
    name
        Flow name.
    static_maker
        Single-point Maker of the engine (GPAW, CP2K, or atomate2's VASP static Maker);
        each step is a copy with the step's k-point length (and mode/cutoff).
    quantity
        ``"w_adh_J_m2"`` (an interface: substrate + film) or ``"binding_energy_eV"``
        (a complex: substrate + fragment).
    k_lengths_angstrom
        k-point lengths L (Å) to try, increasing.
    ecuts_eV
        Plane-wave cutoffs (eV) of the GPAW basis stage, increasing; empty: no basis stage.
    cutoffs_ry
        Density-grid cutoffs (Ry) of the CP2K basis stage, increasing; empty: no basis stage.
    tolerance
        Convergence tolerance (J/m^2 or eV); None: :data:`TOLERANCES`.
    """

    name: str = "convergence scan"
    static_maker: Maker | None = None
    quantity: Quantity = "w_adh_J_m2"
    k_lengths_angstrom: tuple[float, ...] = (20.0, 30.0, 40.0, 50.0, 60.0)
    ecuts_eV: tuple[float, ...] = (400.0, 500.0, 600.0, 700.0)
    cutoffs_ry: tuple[float, ...] = (300.0, 400.0, 500.0, 600.0)
    tolerance: float | None = None

    def __post_init__(self) -> None:
        if self.quantity not in TOLERANCES:
            raise ValueError(f"quantity={self.quantity!r}: allowed are {', '.join(TOLERANCES)}")
        if self.static_maker is None:
            from naspe.workflows.dft.gpaw import GpawStaticMaker

            self.static_maker = GpawStaticMaker()
        sequences = (
            ("k_lengths_angstrom", self.k_lengths_angstrom),
            ("ecuts_eV", self.ecuts_eV),
            ("cutoffs_ry", self.cutoffs_ry),
        )
        for label, seq in sequences:
            if any(not (math.isfinite(v) and v > 0) for v in seq) or list(seq) != sorted(set(seq)):
                raise ValueError(f"{label}={seq}: distinct positive values in increasing order")
        if len(self.k_lengths_angstrom) < 2:
            raise ValueError(f"k_lengths_angstrom={self.k_lengths_angstrom}: at least two lengths (Å) to compare")
        if len(self.ecuts_eV) == 1:
            raise ValueError(f"ecuts_eV={self.ecuts_eV}: at least two cutoffs (eV) to compare, or none")
        if len(self.cutoffs_ry) == 1:
            raise ValueError(f"cutoffs_ry={self.cutoffs_ry}: at least two cutoffs (Ry) to compare, or none")
        if self.tolerance is not None and not (math.isfinite(self.tolerance) and self.tolerance > 0):
            raise ValueError(f"tolerance={self.tolerance}: must be > 0")

    def tolerance_of(self) -> float:
        """The tolerance (J/m^2 or eV)."""
        return TOLERANCES[self.quantity] if self.tolerance is None else self.tolerance

    def engine_name(self) -> str:
        """The engine of the single points (atomate2's VASP Makers: vasp)."""
        from naspe.workflows.dft.base import EngineMaker

        return self.static_maker.engine if isinstance(self.static_maker, EngineMaker) else "vasp"

    def _is_gpaw(self) -> bool:
        return self.engine_name() == "gpaw"

    def maker_for(self, setting: dict) -> Maker:
        """The single-point Maker of one setting (k-point length, and mode/cutoff for GPAW, cutoff for CP2K)."""
        from naspe.workflows.dft.periodic import PeriodicEngineMaker

        m = self.static_maker
        if isinstance(m, PeriodicEngineMaker):
            update = {"k_length_angstrom": setting["k_length_angstrom"], "kpts": None}
            if setting.get("mode") == "pw":
                update.update(mode="pw", ecut_eV=setting["ecut_eV"])
            if setting.get("cutoff_ry") is not None:
                update["cutoff_ry"] = setting["cutoff_ry"]
            return dataclasses.replace(m, **update)
        from atomate2.vasp.jobs.base import BaseVaspMaker

        from naspe.workflows.dft.vasp import SlabKpoints

        if not (isinstance(m, BaseVaspMaker) and isinstance(m.input_set_generator, SlabKpoints)):
            raise ValueError(
                f"static_maker {m.name!r}: its k-point length cannot be set (GPAW, CP2K or naspe's VASP sets)"
            )
        gen = dataclasses.replace(m.input_set_generator, k_length_angstrom=setting["k_length_angstrom"])
        return dataclasses.replace(m, input_set_generator=gen)

    def evaluate(self, maker: Maker, structure: Structure, n_substrate: int, label: str) -> tuple[list, object]:
        """The jobs of one step and a reference to its value (W_adh J/m^2 or E_bind eV)."""
        engine = self.engine_name()
        if self.quantity == "w_adh_J_m2":
            from naspe.workflows.flows.adhesion.makers import BaseAdhesionMaker

            flow = BaseAdhesionMaker(name=f"{self.name} {label}", relax_maker=maker, engine=engine).make(
                structure, n_substrate
            )
            return [flow], flow.output.w_adh_J_m2
        from naspe.workflows.flows.bonding.makers import BaseBindingMaker

        flow = BaseBindingMaker(name=f"{self.name} {label}", relax_maker=maker, engine=engine).make(
            structure, n_substrate
        )
        return [flow], flow.output.binding_energy_eV

    def plan(self, structure: Structure, system_class: str, system: str | None) -> dict:
        """The settings of both stages; k-point lengths giving this cell the same mesh as the one before dropped."""
        from naspe.workflows.dft.checks import to_atoms
        from naspe.workflows.dft.kpoints import classify, mesh_for_atoms, periodic_directions

        atoms = to_atoms(structure)
        from naspe.workflows.dft.periodic import PeriodicEngineMaker

        m = self.static_maker
        periodic_maker = isinstance(m, PeriodicEngineMaker)
        cls = (m.system_class if periodic_maker else None) or classify(atoms)
        periodic = (m.periodic if periodic_maker else None) or periodic_directions(atoms)
        mode = m.mode if self._is_gpaw() else None
        basis = m.basis if mode == "lcao" else None
        ecut = m.ecut_eV if mode == "pw" else None
        cutoff = m.cutoff_ry if self.engine_name() == "cp2k" else None
        kpoints, seen = [], set()
        for length in self.k_lengths_angstrom:
            mesh = mesh_for_atoms(atoms, cls, "energy", length, periodic).mesh
            if mesh not in seen:
                seen.add(mesh)
                kpoints.append(
                    {"stage": "kpoints", "k_length_angstrom": length, "mesh": list(mesh), "mode": mode}
                    | {"basis": basis, "ecut_eV": ecut, "cutoff_ry": cutoff}
                )
        basis_stage = []
        if self._is_gpaw():
            basis_stage = [{"stage": "basis", "mode": "pw", "basis": None, "ecut_eV": e} for e in self.ecuts_eV]
        elif self.engine_name() == "cp2k":
            basis_stage = [{"stage": "basis", "mode": None, "basis": m.basis, "cutoff_ry": c} for c in self.cutoffs_ry]
        return {"kpoints": kpoints, "basis": basis_stage, "system_class": system_class, "system": system}

    def make(self, structure: Structure, n_substrate: int, system_class: str, system: str | None = None) -> Flow:
        """Flow of the scan on ``structure`` (substrate first, ``n_substrate`` sites); its output is the document.

        Raises
        ------
        ValueError
            ``n_substrate`` out of range, before any job.
        """
        if not 0 < n_substrate < len(structure):
            raise ValueError(f"n_substrate={n_substrate}: must be between 1 and {len(structure) - 1} (sites - 1)")
        plan = self.plan(structure, system_class, system)
        if len(plan["kpoints"]) < 2:
            raise ValueError(
                f"k_lengths_angstrom={self.k_lengths_angstrom}: give this cell fewer than two distinct meshes"
            )
        first = with_content_uuid(scan_step(self, structure, n_substrate, plan, "kpoints", 0, []))
        first.name = f"{self.name} kpoints step 0"
        return Flow([first], output=first.output, name=f"{self.name} {system_class}")
