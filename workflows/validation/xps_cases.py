"""Gas-phase 1s shift cases: every carbon class the study assigns, and an O 1s, at each preset's core-level settings.

Each case is the Delta-SCF shift of one atom of a small molecule against CH4's carbon (or
water's oxygen), each molecule alone in its box
(:class:`~naspe.workflows.flows.core_levels.molecules.MolecularShiftMaker`), compared with the
gas-phase XPS table of Jolly, Bomben & Eyermann (1984) (:data:`naspe.analysis.xps.GAS_PHASE_1S_EV`,
vertical ionisation energies). The classes are those the study's C 1s peaks are assigned to:
C-O (methanol, the PEO backbone), C=O (formaldehyde), O-C=O (formic acid) and CO2-like (CO2,
carbonate), and the O 1s of CO2 against water.

A case named ``xps-...`` runs the production preset's settings (plane waves); its ``-quick``
and ``-standard`` twins run those presets' LCAO settings
(:data:`~naspe.workflows.flows.core_levels.methods.CORE_LEVEL_METHODS`), the settings their
interface core levels use, so each preset's core levels have their own validation.
"""

from __future__ import annotations

from naspe.analysis.xps import GAS_PHASE_1S_EV, GAS_PHASE_SOURCE
from naspe.workflows.flows.core_levels.methods import CORE_LEVEL_METHODS, CoreLevelMethod
from naspe.workflows.validation.cases import ValidationCase

__all__ = ["XPS_SHIFTS", "PRESET_TWINS", "xps_cases", "xps_case_name"]

#: (case, molecule, atom index, reference molecule, reference atom index, quantity): ase.build.molecule names
XPS_SHIFTS: tuple[tuple[str, str, int, str, int, str], ...] = (
    ("xps-c1s-methanol", "CH3OH", 0, "CH4", 0, "C 1s shift, methanol C-O vs methane (gas phase)"),
    ("xps-c1s-formaldehyde", "H2CO", 1, "CH4", 0, "C 1s shift, formaldehyde C=O vs methane (gas phase)"),
    ("xps-c1s-formic-acid", "HCOOH", 1, "CH4", 0, "C 1s shift, formic acid O-C=O vs methane (gas phase)"),
    ("xps-c1s-co2", "CO2", 0, "CH4", 0, "C 1s shift, CO2 vs methane (gas phase)"),
    ("xps-o1s-co2", "CO2", 1, "H2O", 0, "O 1s shift, CO2 vs water (gas phase)"),
)
#: the presets whose core-level settings get twins of every case (``<case>-<preset>``); the production
#: preset's settings are the plain cases'
PRESET_TWINS = ("quick", "standard")
_PLAIN = "production"
_TOLERANCE_REASON = (
    "the study tells C 1s classes about 1.1-1.4 eV apart (C-O 286.2-286.5, C=O 287.6-288.0, O-C=O 288.8-289.1 eV; "
    "Beamson & Briggs 1992); a method within 0.3 eV of gas-phase shifts assigns a computed peak to one class"
)


def xps_case_name(case: str, preset: str) -> str:
    """``case`` at ``preset``'s core-level settings: the plain name for production, else ``<case>-<preset>``."""
    return case if preset == _PLAIN else f"{case}-{preset}"


def _make(case: str, molecule: str, index: int, reference: str, reference_index: int, method: CoreLevelMethod):
    from naspe.workflows.validation.dft_makers import xps_flow  # atomate2 (~2.5 s): only when a case is run

    return xps_flow(case, molecule, index, reference, reference_index, method)


def _case(row: tuple[str, str, int, str, int, str], preset: str) -> ValidationCase:
    base, mol, index, ref, ref_index, quantity = row
    method = CORE_LEVEL_METHODS[preset]
    name = xps_case_name(base, preset)
    measured = GAS_PHASE_1S_EV[(mol, index)] - GAS_PHASE_1S_EV[(ref, ref_index)]
    return ValidationCase(
        name=name,
        suite="dft",
        quantity=quantity if preset == _PLAIN else f"{quantity}, {preset} preset's settings",
        unit="eV",
        reference_value=round(measured, 3),
        reference_source=f"gas-phase XPS, {GAS_PHASE_SOURCE}: {mol} {GAS_PHASE_1S_EV[(mol, index)]} eV, "
        f"{ref} {GAS_PHASE_1S_EV[(ref, ref_index)]} eV",
        reference_kind="experiment",
        tolerance=0.3,
        tolerance_kind="abs",
        tolerance_reason=_TOLERANCE_REASON,
        level_of_theory=method.level_of_theory,
        cost="full",
        make=lambda: _make(name, mol, index, ref, ref_index, method),
        notes=f"the {preset} preset's core-level settings (naspe.workflows.flows.core_levels.methods); each molecule "
        "alone in its box with 6 Å vacuum",
    )


def xps_cases() -> tuple[ValidationCase, ...]:
    """Every gas-phase shift case at the production settings, then its twins at each of :data:`PRESET_TWINS`."""
    return tuple(_case(row, preset) for preset in (_PLAIN, *PRESET_TWINS) for row in XPS_SHIFTS)
