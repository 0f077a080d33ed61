"""The jobs that turn a case's GPAW single points into its :class:`ValidationDocument`.

Each takes the case name and, per calculation, the numbers of its
:class:`~naspe.workflows.dft.documents.DftTaskDocument` (:func:`calc_numbers`:
energy in eV, elapsed time in s, engine version, ranks, charges in e), computes
the case's quantity, and compares it with the case's reference. The wall time
of a case is the sum of its calculations' elapsed times (s); a reused
calculation keeps the time it took when it ran.

Energies: eV from the engine; the quantities are converted with ASE's units
(1 J/m^2 = 1 / 16.0218 eV/Å^2; 1 kcal/mol = 43.364 meV).
"""

from __future__ import annotations

import numpy as np
from jobflow import job

from naspe.analysis.uber import EV_PER_A2_TO_J_PER_M2
from naspe.workflows.base.kinds import runs_on
from naspe.workflows.validation.documents import ValidationDocument
from naspe.workflows.validation.fits import bcc_lattice_constant, curve_minimum

__all__ = [
    "calc_numbers",
    "lattice_constant_document",
    "interlayer_binding_document",
    "surface_energy_document",
    "adatom_document",
    "dimer_document",
    "core_level_document",
    "not_run_document",
    "EV_PER_A2_TO_J_PER_M2",
]


def calc_numbers(static_job) -> dict:
    """References to what a validation job reads from one engine run's document."""
    out = static_job.output
    return {
        "energy_eV": out.output.energy,
        "elapsed_s": out.output.elapsed_time,
        "engine_version": out.engine_version,
        "ranks": out.ranks,
        "charges": out.charges,
    }


def _case(name: str):
    from naspe.workflows.validation.registry import get_case

    return get_case("dft", name)


def _common(calcs: list[dict]) -> dict:
    times = [c.get("elapsed_s") for c in calcs]
    return {
        "wall_time_s": float(sum(times)) if all(t is not None for t in times) else None,
        "engine": "gpaw",
        "engine_version": calcs[0].get("engine_version"),
        "ranks": calcs[0].get("ranks"),
    }


@job(output_schema=ValidationDocument)
@runs_on("analysis")
def lattice_constant_document(case: str, a_angstrom: list[float], calcs: list[dict]) -> ValidationDocument:
    """Bcc lattice constant (Å) from single points of the one-atom primitive cell at ``a_angstrom``."""
    energies = [c["energy_eV"] for c in calcs]
    a0, err, bulk_gpa = bcc_lattice_constant(a_angstrom, energies)
    return ValidationDocument.from_computed(
        _case(case),
        a0,
        uncertainty=err,
        convergence=f"Birch-Murnaghan fit of {len(energies)} points, a = {min(a_angstrom):.3f}-{max(a_angstrom):.3f} "
        "Å; uncertainty: Birch-Murnaghan vs cubic-in-a minimum",
        details={"a_angstrom": list(a_angstrom), "energies_eV": energies, "bulk_modulus_GPa": bulk_gpa},
        **_common(calcs),
    )


@job(output_schema=ValidationDocument)
@runs_on("analysis")
def interlayer_binding_document(
    case: str, spacings_angstrom: list[float], graphite: list[dict], layer: dict, area_angstrom2: float
) -> ValidationDocument:
    """Graphite interlayer binding energy (meV/atom) at the minimum of E(d) of AB graphite (4 atoms, 2 layers).

    E_b(d) = 2 E(layer) / 2 - E(graphite, d) / 4 per atom, positive = bound; ``layer`` is
    one isolated graphene layer (2 atoms) of the same in-plane cell (area per layer in Å^2).
    """
    e_layer = layer["energy_eV"]
    binding_meV = [1000.0 * (e_layer / 2 - c["energy_eV"] / 4) for c in graphite]
    d0, d_err, e_min = curve_minimum(spacings_angstrom, [-b for b in binding_meV])
    eb = -e_min
    # the three lowest points' parabola gives the value's fit uncertainty
    k = int(np.argmax(binding_meV))
    lo, hi = max(k - 1, 0), min(k + 2, len(binding_meV))
    coeffs = np.polyfit(spacings_angstrom[lo:hi], binding_meV[lo:hi], 2) if hi - lo == 3 else None
    eb_parabola = float(np.polyval(coeffs, -coeffs[1] / (2 * coeffs[0]))) if coeffs is not None else eb
    # two interfaces per 4-atom cell of two layers: per interface area (J/m^2) = E_b(per atom) * 4 / (2 A)
    eb_j_m2 = eb / 1000.0 * 4 / (2 * area_angstrom2) * EV_PER_A2_TO_J_PER_M2
    return ValidationDocument.from_computed(
        _case(case),
        eb,
        uncertainty=abs(eb - eb_parabola),
        convergence=f"cubic fit of E_b(d) at {len(graphite)} interlayer spacings, minimum at d = {d0:.3f} ± "
        f"{d_err:.3f} Å; uncertainty: cubic vs parabola through the three most bound points",
        details={
            "spacings_angstrom": list(spacings_angstrom),
            "binding_meV_per_atom": binding_meV,
            "d0_angstrom": d0,
            "binding_J_m2": eb_j_m2,
        },
        **_common([*graphite, layer]),
    )


@job(output_schema=ValidationDocument)
@runs_on("analysis")
def surface_energy_document(
    case: str, slab: dict, bulk: dict, n_slab: int, n_bulk: int, area_angstrom2: float
) -> ValidationDocument:
    """Unrelaxed surface energy (J/m^2): (E_slab - n_slab E_bulk / n_bulk) / (2 A)."""
    gamma_ev_a2 = (slab["energy_eV"] - n_slab * bulk["energy_eV"] / n_bulk) / (2 * area_angstrom2)
    gamma = gamma_ev_a2 * EV_PER_A2_TO_J_PER_M2
    return ValidationDocument.from_computed(
        _case(case),
        gamma,
        convergence=f"{n_slab}-layer unrelaxed slab against a bulk cell of the same in-plane lattice and k-points "
        f"({n_bulk} atoms); thickness convergence not tested here",
        details={"gamma_eV_A2": gamma_ev_a2, "area_angstrom2": area_angstrom2, "layers": n_slab},
        **_common([slab, bulk]),
    )


@job(output_schema=ValidationDocument)
@runs_on("analysis")
def adatom_document(
    case: str, quantity: str, heights_angstrom: list[float], adsorbed: list[dict], substrate: dict, atom: dict
) -> ValidationDocument:
    """Na adatom height (Å), binding energy (eV, positive = bound) or charge (e) at the minimum of E(h).

    E_ads(h) = E(Na/graphene, h) - E(graphene) - E(Na atom); the height is the minimum of a
    cubic fit, the binding energy -E_ads there, the charge the Hirshfeld charge of Na
    (last atom) interpolated linearly to that height.
    """
    e_ads = [c["energy_eV"] - substrate["energy_eV"] - atom["energy_eV"] for c in adsorbed]
    h0, h_err, e_min = curve_minimum(heights_angstrom, e_ads)
    charges = [c["charges"][-1] if c.get("charges") else float("nan") for c in adsorbed]
    q0 = float(np.interp(h0, heights_angstrom, charges))
    value, err = {"height": (h0, h_err), "binding": (-e_min, None), "charge": (q0, None)}[quantity]
    return ValidationDocument.from_computed(
        _case(case),
        value,
        uncertainty=err,
        convergence=f"cubic fit of E_ads(h) at {len(heights_angstrom)} heights over the hollow site, fixed flat "
        f"graphene; minimum at h = {h0:.3f} ± {h_err:.3f} Å",
        details={
            "heights_angstrom": list(heights_angstrom),
            "adsorption_energies_eV": e_ads,
            "na_hirshfeld_charges_e": charges,
            "height_angstrom": h0,
            "binding_energy_eV": -e_min,
            "na_charge_e": q0,
        },
        **_common([*adsorbed, substrate, atom]),
    )


@job(output_schema=ValidationDocument)
@runs_on("analysis")
def dimer_document(
    case: str, dimer: dict, monomer_a: dict, monomer_b: dict, counterpoise: bool = False
) -> ValidationDocument:
    """Interaction energy (meV) of a dimer at its reference geometry: E(AB) - E(A) - E(B).

    With ``counterpoise`` the monomer energies are those in the dimer's full basis (ghost atoms).
    """
    e_int = 1000.0 * (dimer["energy_eV"] - monomer_a["energy_eV"] - monomer_b["energy_eV"])
    how = (
        "monomers in the dimer's full basis (ghost atoms): counterpoise-corrected"
        if counterpoise
        else "monomers in the dimer's box, no counterpoise correction (as the study's uncorrected energies)"
    )
    return ValidationDocument.from_computed(
        _case(case),
        e_int,
        convergence=f"single points at the reference (S22) geometry; {how}",
        details={"interaction_energy_kcal_mol": e_int / 43.364},
        **_common([dimer, monomer_a, monomer_b]),
    )


@job(output_schema=ValidationDocument)
@runs_on("analysis")
def core_level_document(case: str, shift: dict) -> ValidationDocument:
    """Gas-phase 1s shift (eV) of a ``MolecularShiftDocument`` (core_levels.molecules) against the measured one."""
    shift = shift if isinstance(shift, dict) else shift.model_dump()
    return ValidationDocument.from_computed(
        _case(case),
        shift["shift_eV"],
        convergence=f"Delta-SCF of each molecule alone in its box ({shift['vacuum_angstrom']} Å vacuum), "
        "ground state and 1s hole",
        engine="gpaw",
        details={k: shift.get(k) for k in ("molecule", "index", "reference_molecule", "reference_index", "settings")},
    )


@job(output_schema=ValidationDocument)
@runs_on("analysis")
def not_run_document(suite: str, case: str, reason: str) -> ValidationDocument:
    """The stored record of a case that has no computed value (a module it needs is missing, a run failed)."""
    from naspe.workflows.validation.registry import get_case

    return ValidationDocument.not_run(get_case(suite, case), reason)
