"""What the campaign's conductivity MD will cost, said before it is submitted (``naspe run --plan``).

The estimate starts from the nearest validated conditions: the MD case
``pegdme-litfsi-diffusion`` (10-EO PEG dimethyl ether + LiTFSI at EO:Li = 20, 363 K), whose
run measured the model's D(Li), its speed (ns/day on one core) and the error its
conductivities reached in its production time. For the campaign's cell at each temperature:

1. the model's D of the cation is the measured one at the campaign's chain length and
   temperature (Hayamizu et al. 2002, :mod:`naspe.workflows.validation.pfg_nmr`) times the
   model/measurement ratio of the validated case;
2. the production time to the error target follows
   :func:`naspe.analysis.transport_cost.production_time_ps` from the validated run;
3. core-hours follow the validated run's speed, scaled to the campaign cell's atom count,
   for every replica, plus the preset's equilibration budget.

Assumptions it states with its numbers: the Na+ of NaFSI moves as Li+ of LiTFSI does at the
same EO ratio (no measured D of Na in PEG dimethyl ethers could be read here), and the
model/measurement ratio found at 363 K holds at every temperature and chain length.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from naspe.analysis.reach import ion_spacing_angstrom
from naspe.analysis.transport_cost import core_hours, diffusive_time_ps, production_time_ps
from naspe.structures.bounds import solvent_atoms
from naspe.structures.electrolyte import DEFAULT_DENSITY_G_CM3
from naspe.structures.glyme import salt_mass_g_mol
from naspe.structures.ions import SALTS, anion, cation
from naspe.structures.melt_build import ChainSpec, box_length_angstrom
from naspe.workflows.campaign.settings import CampaignSettings
from naspe.workflows.flows.conductivity.makers import CONDUCTIVITY_PRESETS
from naspe.workflows.validation.documents import ValidationDocument
from naspe.workflows.validation.md_cases import PEGDME_CASE, PEGDME_CELL, PEGDME_TEMPERATURE_C
from naspe.workflows.validation.pfg_nmr import HAYAMIZU_2002_SOURCE, measured_li_diffusion

__all__ = ["ConductivityPlan", "PlanRow", "conductivity_plan", "reference_document", "REFERENCE_CASE"]

#: the validated case the estimate starts from
REFERENCE_CASE = PEGDME_CASE
_ASSUMPTIONS = (
    "Na+ (NaFSI) moves as Li+ (LiTFSI) at the same EO ratio: no measured D of Na in PEG dimethyl ethers was readable",
    "the model/measurement ratio of D(Li) found at the validated conditions holds at every chain length and T",
    "the error falls as sqrt(D x time) (analysis.transport_cost); the validated run's 5-block error is itself "
    "uncertain by ~35 %, so the times by ~70 %",
    "below ~65 °C high-Mw PEO crystallises; the MD cell stays amorphous, so a measured 30 °C conductivity of a "
    "semicrystalline film is not what it estimates",
)


class PlanRow(BaseModel):
    """The estimate at one temperature."""

    temperature_C: float = Field(description="Temperature (°C)")
    measured_d_cm2_s: float = Field(description="PFG-NMR D(Li) at the campaign's chain length and T (cm^2/s)")
    measured_d_basis: str = Field(description="How the measured D was interpolated")
    model_d_cm2_s: float = Field(description="The model's expected D of the cation (cm^2/s)")
    error_ps: float = Field(description="Production time per replica that reaches the error target (ps)")
    diffusive_ps: float = Field(
        description="Production time per replica whose fit window lets the cation move one ion spacing (ps)"
    )
    production_ps: float = Field(description="Production time per replica: the longer of the two (ps)")
    budget_ps: float = Field(description="The preset's production budget per replica (ps)")
    core_hours: float = Field(description="Core-hours: every replica's production plus equilibration budgets")

    @property
    def within_budget(self) -> bool:
        """The preset's budget reaches the error target."""
        return self.production_ps <= self.budget_ps


class ConductivityPlan(BaseModel):
    """The conductivity MD's expected cost, per temperature, with what it rests on."""

    reference_case: str = Field(description="The validated MD case the estimate starts from")
    reference_model_d_cm2_s: float = Field(description="The model's D(Li) in the validated run (cm^2/s)")
    reference_measured_d_cm2_s: float = Field(
        description="PFG-NMR D(Li) at the validated conditions (cm^2/s), interpolated to the model's chain of 11 "
        "ether O as the campaign's chains are (the case compares with the measured 11.6-O sample itself)"
    )
    reference_ns_per_day: float = Field(description="Speed of the validated run (ns/day, its ranks)")
    reference_ranks: int = Field(description="MPI ranks of the validated run")
    quantity: str = Field(description="The conductivity whose error is the target (sigma_eh_S_cm, sigma_ne_S_cm)")
    error_target: float = Field(description="Relative standard error aimed at")
    replicas: int = Field(description="Replicas per temperature")
    atoms: int = Field(description="Atoms of the campaign's electrolyte cell")
    ion_spacing_angstrom: float = Field(description="Mean ion spacing (V/N)^(1/3) of the campaign's cell (Å)")
    rows: list[PlanRow] = Field(description="One row per temperature")
    assumptions: list[str] = Field(default_factory=lambda: list(_ASSUMPTIONS), description="What the numbers assume")
    measured_source: str = Field(HAYAMIZU_2002_SOURCE, description="Source of the measured D's")
    lower_bound: bool = Field(
        False,
        description="The validated run never became diffusive: its D is the apparent one of a sub-diffusive "
        "window, an upper bound of the long-time D, so every time and cost here is a lower bound",
    )

    @property
    def total_core_hours(self) -> float:
        """Core-hours of every temperature."""
        return sum(r.core_hours for r in self.rows)

    def text(self) -> str:
        """The plan as printed by ``naspe run --plan``."""
        head = (
            f"Conductivity MD of the campaign cell ({self.atoms} atoms, ion spacing {self.ion_spacing_angstrom:.1f} Å, "
            f"{self.replicas} replica(s) per T), {self.quantity} to a {100 * self.error_target:.0f} % error"
        )
        if self.lower_bound:
            head += "; LOWER BOUNDS: the reference run never became diffusive, its D is an upper bound"
        lines = [
            head + ":",
            f"  {'T (°C)':>7}  {'D meas. cm2/s':>13}  {'D model cm2/s':>13}  {'to error ns':>11}  "
            f"{'diffusive ns':>12}  {'budget ns':>9}  {'core-hours':>10}",
        ]
        for r in self.rows:
            flag = "" if r.within_budget else "  budget too short"
            lines.append(
                f"  {r.temperature_C:7g}  {r.measured_d_cm2_s:13.3g}  {r.model_d_cm2_s:13.3g}  "
                f"{r.error_ps / 1000:11.3g}  {r.diffusive_ps / 1000:12.3g}  {r.budget_ps / 1000:9.3g}  "
                f"{r.core_hours:10.3g}{flag}"
            )
        ratio = self.reference_model_d_cm2_s / self.reference_measured_d_cm2_s  # both at the model's chain
        kind = "apparent (sub-diffusive) " if self.lower_bound else ""
        lines += [
            f"  total: {self.total_core_hours:.3g} core-hours (ns are per replica)",
            f"From the validation case {self.reference_case}: model {kind}D(Li) {self.reference_model_d_cm2_s:.3g} "
            f"cm2/s = {ratio:.2f} x PFG-NMR interpolated to its 11-O chains, {self.reference_ns_per_day:.3g} ns/day on "
            f"{self.reference_ranks} rank(s).",
            f"Measured D: {self.measured_source}; {self.rows[0].measured_d_basis if self.rows else ''}.",
            "Assumes: " + "; ".join(self.assumptions) + ".",
        ]
        return "\n".join(lines)


def _cell(salt: str, n_chains: int, chain_length: int, eo_per_cation: int) -> tuple[int, int, float]:
    """(atoms, ions, mean ion spacing (V/N)^(1/3) in Å at the builder's default density) of a PEG + salt cell."""
    n_salt = n_chains * chain_length // eo_per_cation
    cat, an = SALTS[salt]
    atoms = solvent_atoms(n_chains, chain_length, "plan") + n_salt * (len(cation(cat)) + len(anion(an)))
    mass_g_mol = n_chains * ChainSpec("PEO", chain_length, 1).mass_g_mol + n_salt * salt_mass_g_mol(salt)
    volume_angstrom3 = box_length_angstrom(mass_g_mol, DEFAULT_DENSITY_G_CM3) ** 3
    return atoms, 2 * n_salt, ion_spacing_angstrom(volume_angstrom3, 2 * n_salt)


def _model_d(doc: ValidationDocument) -> float | None:
    """The model's D(Li) (cm^2/s) of a validation document: its value, or the apparent D of a run never diffusive."""
    if doc.computed is not None:
        return doc.computed
    apparent = (doc.details.get("diffusion_cm2_s") or {}).get("Li")
    return float(apparent[0]) if apparent and apparent[0] else None


def _relative_error(doc: ValidationDocument, quantity: str) -> float:
    value, err = doc.details.get(quantity.removesuffix("_S_cm") + "_mS_cm") or (None, None)
    if not value or err is None:
        raise ValueError(f"the validated run of {doc.case} has no {quantity} with an error; rerun the case")
    return abs(err / value)


def conductivity_plan(settings: CampaignSettings, reference: ValidationDocument) -> ConductivityPlan:
    """The cost of ``settings``' conductivity MD, estimated from the validated run ``reference``.

    Raises
    ------
    ValueError
        A reference of another case, or one without a computed D, speed or conductivity error.
    """
    model_ref = _model_d(reference)
    if reference.case != REFERENCE_CASE or model_ref is None:
        raise ValueError(
            f"the estimate starts from a {REFERENCE_CASE} document with the model's D(Li); got {reference.case} "
            f"({reference.status}): run `naspe validate md --cases {REFERENCE_CASE}` (about an hour on 2 cores)"
        )
    details = reference.details
    speed = details.get("ns_per_day")
    if not speed:
        raise ValueError(f"the {REFERENCE_CASE} document has no MD speed (ns_per_day); rerun the case")
    cond = settings.conductivity
    preset = CONDUCTIVITY_PRESETS[cond.preset] | cond.overrides
    quantity = preset.get("target_quantity", "sigma_eh_S_cm")
    replicas = int(preset.get("replicas", 1))
    error_target = float(preset.get("error_target", 0.2))
    ref_ps = float(details["production_ps_per_replica"]) * int(details.get("replicas") or 1)
    ref_atoms, ref_ions, _ = _cell("LiTFSI", **PEGDME_CELL)
    e = settings.electrolyte
    atoms, ions, spacing = _cell(e.salt, e.n_chains, e.chain_length, e.eo_per_cation)
    ref_measured, _ = measured_li_diffusion(PEGDME_CELL["chain_length"] + 1, PEGDME_TEMPERATURE_C + 273.15)
    ratio = model_ref / ref_measured
    ranks = reference.ranks or 1
    equilibration_ps = float(preset.get("anneal_ps", 0.0)) + float(preset.get("npt_budget_ps", 0.0))
    rows = []
    for t_c in cond.temperatures_C:
        measured, basis = measured_li_diffusion(e.chain_length + 1, t_c + 273.15)
        model = ratio * measured
        error_ps = production_time_ps(
            ref_ps, _relative_error(reference, quantity), model_ref, model, error_target, quantity,
            ref_ions, ions,
        )  # fmt: skip
        diffusive_ps = diffusive_time_ps(model, spacing)  # every replica has to become diffusive on its own
        ps = max(error_ps, diffusive_ps * replicas)
        cost = core_hours(ps, speed, ref_atoms, atoms, ranks)  # the replicas share the production time
        if equilibration_ps > 0:
            cost += core_hours(equilibration_ps, speed, ref_atoms, atoms, ranks, replicas)  # each equilibrates
        rows.append(
            PlanRow(
                temperature_C=t_c,
                measured_d_cm2_s=measured,
                measured_d_basis=basis,
                model_d_cm2_s=model,
                error_ps=error_ps / replicas,  # pooled by blocks, each replica runs 1/replicas of the time
                diffusive_ps=diffusive_ps,
                production_ps=ps / replicas,
                budget_ps=float(preset.get("production_budget_ps", 0.0)),
                core_hours=cost,
            )
        )
    return ConductivityPlan(
        reference_case=REFERENCE_CASE,
        reference_model_d_cm2_s=model_ref,
        lower_bound=reference.computed is None,
        reference_measured_d_cm2_s=ref_measured,
        reference_ns_per_day=float(speed),
        reference_ranks=ranks,
        quantity=quantity,
        error_target=error_target,
        replicas=replicas,
        atoms=atoms,
        ion_spacing_angstrom=spacing,
        rows=rows,
    )


def reference_document(store) -> ValidationDocument | None:
    """The latest ``pegdme-litfsi-diffusion`` document of ``store`` (default charge scaling) with the model's D(Li).

    A computed one first; else one whose run never became diffusive but recorded an apparent D.
    """
    found = [
        ValidationDocument.model_validate(d["output"])
        for d in store.query({"output.case": REFERENCE_CASE}, sort={"completed_at": -1})
    ]
    for doc in [d for d in found if d.computed is not None] + found:
        if _model_d(doc) is not None:
            return doc
    return None
