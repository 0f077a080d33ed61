"""The documents of a work-of-adhesion calculation and of the adhesion study.

:class:`AdhesionDocument`: the work of adhesion of one interface,

    W_adh = (E_substrate + E_film - E_interface) / A

(J/m^2 and eV/Å^2; positive: the film sticks), counterpoise-corrected where the
energies come from a localised basis, with the bonds formed and broken on
relaxation (lengths in Å), the film's charge (e), the UBER fit of a separation scan,
its ``convergence``, ``level_of_theory`` and ``purpose``.

:class:`AdhesionStudyRow` and :class:`AdhesionStudySummary`: the study's interfaces
ranked by W_adh (J/m^2) and the comparison of PEO on carbon with PEO on Na.

This module imports pydantic, pymatgen's core and naspe's light modules only
(no jobflow, atomate2, maggma or engine), so the result tables and any other module
can import it at the top. The jobs and Makers that write these documents are in
:mod:`naspe.workflows.flows.adhesion.makers` and :mod:`naspe.workflows.flows.adhesion.study`. The counterpoise
correction they carry is :class:`~naspe.workflows.flows.common.schemas.CounterpoiseCorrection`.
"""

from __future__ import annotations

from pydantic import BaseModel, Field
from pymatgen.core import Structure

from naspe.analysis.bonds import Bond
from naspe.analysis.uber import UberFit
from naspe.workflows.dft.convergence import DerivedConvergence, Purpose
from naspe.workflows.flows.common.schemas import CounterpoiseCorrection

__all__ = ["AdhesionDocument", "AdhesionStudyRow", "AdhesionStudySummary"]


class AdhesionDocument(BaseModel):
    """Work of adhesion of one interface, with the bonding that goes with it."""

    engine: str = Field(description="Engine of the relaxations (gpaw, tblite, vasp)")
    w_adh_J_m2: float = Field(
        description="The work of adhesion to use (J/m^2; positive when the film binds): the counterpoise-corrected "
        "w_adh_cp_J_m2 where it was computed, else the uncorrected (E_substrate + E_film - E_interface) / A"
    )
    w_adh_eV_A2: float = Field(description="w_adh_J_m2 in eV/Å^2")
    w_adh_raw_J_m2: float | None = Field(
        None,
        description="Uncorrected (E_substrate + E_film - E_interface) / A (J/m^2); None in documents stored before "
        "it was recorded (their w_adh_J_m2 is uncorrected)",
    )
    w_adh_cp_J_m2: float | None = Field(
        None,
        description="Counterpoise-corrected W_adh (J/m^2): w_adh_raw_J_m2 - counterpoise.bsse_eV / A; None: not "
        "computed (no localised basis: plane waves, GFN2-xTB, VASP)",
    )
    counterpoise: CounterpoiseCorrection | None = Field(
        None, description="Basis-set superposition error of the LCAO energies (Boys-Bernardi), when computed"
    )
    w_adh_check_J_m2: float | None = Field(
        None,
        description="Uncorrected W_adh (J/m^2) from the check Maker's single points on the three relaxed structures "
        "(e.g. plane waves against LCAO); a check only, never the reported value; None: no check run",
    )
    check_level_of_theory: str | None = Field(None, description="Level of theory of the check single points")
    area_angstrom2: float = Field(description="Interface area of the cell (Å^2)")
    strain: float = Field(description="In-plane strain applied to the film to match the substrate (fraction)")
    energy_substrate_eV: float = Field(description="Relaxed substrate energy in the interface cell (eV)")
    energy_film_eV: float = Field(description="Relaxed film energy in the interface cell (eV)")
    energy_interface_eV: float = Field(description="Relaxed interface energy (eV)")
    n_substrate: int = Field(description="Substrate atoms (the first n_substrate sites)")
    n_film: int = Field(description="Film atoms")
    bonds_formed: list[Bond] = Field(description="Bonds present after relaxing the interface and not before")
    bonds_broken: list[Bond] = Field(description="Bonds present before relaxing the interface and not after")
    film_bonds_broken: list[Bond] = Field(description="Bonds inside the film that broke (a reaction, not adhesion)")
    interface_bonds: dict[str, int] = Field(
        description="Counts of substrate-film bonds by class in the relaxed interface"
    )
    film_intact: bool = Field(description="No bond inside the film broke")
    relaxed_interface: Structure = Field(description="Relaxed interface structure")
    film_charge_e: float | None = Field(
        None,
        description="Sum of the film's atomic charges in the relaxed interface (e; positive: the film gave "
        "electrons to the substrate); None when the engine gives no charges",
    )
    uber: UberFit | None = Field(
        None, description="UBER fit of the rigid separation scan (work of separation J/m^2, d0 and l in Å), if run"
    )
    convergence: DerivedConvergence = Field(
        default_factory=DerivedConvergence,
        description="Convergence of W_adh: each relaxation / single point (substrate, film, interface) and which "
        "did not converge; unknown (converged None) for documents stored before it was recorded",
    )
    level_of_theory: str | None = Field(None, description="Level of theory of the relaxations; None: not recorded")
    purpose: Purpose = Field(
        Purpose.unknown, description="screening (a ranking) or production (comparable with experiment); unknown"
    )


class AdhesionStudyRow(BaseModel):
    """One interface of the study."""

    system: str = Field(description="film/substrate")
    finished: bool = Field(description="The adhesion flow produced a document")
    w_adh_J_m2: float | None = Field(None, description="Work of adhesion (J/m^2)")
    area_angstrom2: float | None = Field(None, description="Interface area (Å^2)")
    strain: float | None = Field(None, description="Film strain (fraction)")
    interface_bonds: dict[str, int] = Field(default_factory=dict, description="Substrate-film bonds by class")
    film_intact: bool | None = Field(None, description="No film bond broke")
    w_uber_J_m2: float | None = Field(None, description="UBER work of separation (J/m^2), if scanned")
    document_uuid: str | None = Field(None, description="uuid of the job that made the system's AdhesionDocument")
    converged: bool | None = Field(None, description="W_adh converged (every relaxation); None: unknown")
    not_converged: list[str] = Field(default_factory=list, description="Calculations of W_adh that did not converge")
    purpose: Purpose = Field(Purpose.unknown, description="screening or production (the document's)")


class AdhesionStudySummary(BaseModel):
    """W_adh of the study's interfaces and the carbon-versus-sodium comparison."""

    engine: str = Field(description="Engine of the adhesion flows")
    rows: list[AdhesionStudyRow] = Field(description="One row per system, strongest adhesion first")
    peo_carbon_max_J_m2: float | None = Field(
        None, description="Largest converged W_adh of PEO on a carbon substrate (J/m^2)"
    )
    peo_sodium_max_J_m2: float | None = Field(
        None, description="Largest converged W_adh of PEO on a Na substrate (J/m^2)"
    )
    carbon_binds_peo_more: bool | None = Field(
        None,
        description="PEO adheres more strongly to some carbon substrate than to any Na surface (converged W_adh "
        "only; None: not both available)",
    )
    failed: list[str] = Field(description="Systems without a result")
    unconverged: list[str] = Field(
        default_factory=list, description="Systems whose W_adh is not converged or of unknown convergence"
    )
