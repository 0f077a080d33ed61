"""Gas-phase 1s shifts of small molecules: each molecule alone in its own box, shift = difference of Delta-SCF energies.

The 1s shift of atom ``i`` of molecule X against atom ``r`` of reference molecule R is

    shift = [E_hole(X, i) - E_gs(X)] - [E_hole(R, r) - E_gs(R)]

with four runs, each molecule centred alone in a box with ``vacuum_angstrom`` to every face.
The final state is the core-ionised cation, as in gas-phase XPS, and the runs are spin-polarised.
This is what :data:`naspe.analysis.xps.GAS_PHASE_1S_EV` (Jolly et al. 1984) measures, and what
``naspe validate dft`` checks the engine against.

Why the defaults
----------------
The old setup (LCAO dzp, h = 0.2 Å, spin-paired, a molecule and its reference in one box) gave
oxidised-carbon shifts that were too small, the more so the more oxygens on the carbon. Each
candidate cause was measured on its own (PBE, GPAW 26.7, core-ionised final state, CH4 as the
reference; measured under load, the two cores shared with other jobs). C 1s shifts in eV:

=============  ========  ========  =========  =========  ========  ========  =======
molecule (C)   measured  LCAO dzp  + spinpol  one box    PW 400    PW 600    default
=============  ========  ========  =========  =========  ========  ========  =======
C2H6 (C-C)     -0.13     -0.09
CH3OH (C-O)    +1.58     +1.47                                                +1.55
H2CO (C=O)     +3.63     +3.46                                                +3.62
HCOOH (O-C=O)  +4.96     +4.32                                                +4.59
CO (C=O)       +5.37     +5.37                                                +5.49
CO2 (O-C=O)    +6.85     +6.05     +6.04      +5.93      +6.35     +6.43     +6.41
=============  ========  ========  =========  =========  ========  ========  =======

Columns: each molecule alone in a box with 5 Å vacuum, LCAO dzp, h = 0.2 Å, spin-paired; the
same spin-polarised; CO2 and CH4 9 Å apart in one box (LCAO, spin-paired); plane waves at 400 and
600 eV (spin-paired, alone); the defaults here: plane waves 500 eV, spin-polarised, alone with
6 Å vacuum (absolute C 1s: CH4 290.02 eV, measured 290.84; CO2 296.43 eV, measured 297.69).
What each cause does:

- **basis**: the largest single effect. LCAO dzp underbinds the relaxed, core-ionised O-C=O
  carbon: plane waves raise CO2's shift by +0.30 eV (400 eV) and +0.38 eV (600 eV); the cutoff is
  converged to ~0.1 eV at 500 eV. The default here is plane waves at 500 eV.
- **several molecules in one box**: -0.12 eV more on CO2 (the cation polarises its neighbour and
  sits off the centre of GPAW's monopole correction). One molecule per box, absolute energies.
- **spin polarisation**: changes shifts by <= 0.05 eV, but the absolute Delta-SCF energies by
  -7 eV (CH4: 296.89 eV paired, 289.93 eV polarised, measured 290.84 eV): only spin-polarised
  runs put the hole in one spin channel. The default is spin-polarised.
- **box size**: 7 instead of 5 Å of vacuum moved CO2's absolute Delta-SCF energy by +0.01 eV
  (PW 400); 6 Å is used. Grid spacing (LCAO h) was not measured.
- **reference**: the gas-phase values are ionisation energies vs vacuum; the shift needs the
  reference molecule's own measured value (CH4 290.84 eV), not an XPS calibration value.

With the defaults, C-O and C=O shifts are within 0.12 eV of experiment; O-C=O-type carbons stay
0.4 eV low (HCOOH -0.37, CO2 -0.44 eV). That remainder is PBE's: all-electron PBE Delta-SCF gives
the same, SCAN and PBE0 do not (:mod:`naspe.workflows.flows.core_levels.methods`).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ase import Atoms
from ase.build import molecule as ase_molecule
from jobflow import Flow, Maker, job
from pydantic import BaseModel, Field

from naspe.analysis.xps import GAS_PHASE_1S_EV, GAS_PHASE_SOURCE, check_element, core_environments
from naspe.workflows.base.identity import with_content_uuid
from naspe.workflows.base.kinds import runs_on
from naspe.workflows.flows.core_levels.makers import CoreLevelShiftMaker
from naspe.workflows.flows.core_levels.methods import CORE_LEVEL_METHODS, CoreLevelMethod
from naspe.workflows.flows.core_levels.runs import gpaw_energy

__all__ = [
    "MolecularShiftDocument",
    "MolecularShiftMaker",
    "molecular_shift",
    "boxed_molecule",
    "gas_phase_core_level_maker",
]

#: vacuum (Å) between a molecule and each face of its box
VACUUM_ANGSTROM = 6.0


def gas_phase_core_level_maker(method: CoreLevelMethod | None = None) -> CoreLevelShiftMaker:
    """The Delta-SCF of a gas-phase shift at ``method``'s settings (None: the production preset's, PW 500 eV).

    Core-ionised, as gas-phase XPS leaves the molecule; the ground state computed, for absolute energies;
    0.01 eV smearing, so that a closed-shell molecule's levels are occupied as at 0 K.
    """
    method = CORE_LEVEL_METHODS["production"] if method is None else method
    return CoreLevelShiftMaker(
        static_maker=method.static_maker(smearing_eV=0.01),
        final_state="ionized",
        spinpol=method.spinpol,
        ground_state=True,
    )


def boxed_molecule(name: str, vacuum_angstrom: float = VACUUM_ANGSTROM) -> Atoms:
    """``ase.build.molecule(name)`` centred alone in a non-periodic box with ``vacuum_angstrom`` to each face."""
    try:
        atoms = ase_molecule(name)
    except KeyError as err:
        raise ValueError(f"molecule={name!r}: not an ase.build.molecule name (e.g. 'CH4', 'CO2', 'CH3OH')") from err
    atoms.center(vacuum=vacuum_angstrom)
    atoms.pbc = False
    return atoms


class MolecularShiftDocument(BaseModel):
    """1s shift (eV) of one atom of a gas-phase molecule against one atom of a reference molecule."""

    molecule: str = Field(description="Molecule (ase.build.molecule name)")
    index: int = Field(description="Index of the excited atom in that geometry")
    element: str = Field(description="C or O")
    environment: str = Field(description="Environment class of the excited atom (naspe.analysis.xps)")
    reference_molecule: str = Field(description="Reference molecule (ase.build.molecule name)")
    reference_index: int = Field(description="Index of the reference atom")
    delta_scf_eV: float = Field(description="E(1s hole) - E(ground state) of the molecule (eV), absolute")
    reference_delta_scf_eV: float = Field(description="Same for the reference molecule (eV)")
    shift_eV: float = Field(description="delta_scf_eV - reference_delta_scf_eV (eV); positive = more tightly bound")
    measured_eV: float | None = Field(None, description="Measured gas-phase 1s ionisation energy (eV), if tabulated")
    measured_shift_eV: float | None = Field(None, description="Measured shift (eV) from the same table, if both known")
    error_eV: float | None = Field(None, description="shift_eV - measured_shift_eV (eV)")
    measured_source: str | None = Field(None, description="Source of the measured values")
    vacuum_angstrom: float = Field(description="Vacuum (Å) between each molecule and its box faces")
    settings: dict[str, Any] = Field(default_factory=dict, description="GPAW settings of the four runs")

    @classmethod
    def from_energies(
        cls,
        molecule: str,
        index: int,
        reference_molecule: str,
        reference_index: int,
        delta_scf_eV: float,
        reference_delta_scf_eV: float,
        vacuum_angstrom: float,
        settings: dict[str, Any] | None = None,
    ) -> MolecularShiftDocument:
        """Document from the two absolute Delta-SCF energies (eV); looks up the measured values."""
        atoms = ase_molecule(molecule)
        element = atoms[index].symbol
        measured = GAS_PHASE_1S_EV.get((molecule, index))
        measured_ref = GAS_PHASE_1S_EV.get((reference_molecule, reference_index))
        shift = float(delta_scf_eV - reference_delta_scf_eV)
        measured_shift = None if measured is None or measured_ref is None else measured - measured_ref
        return cls(
            molecule=molecule,
            index=index,
            element=element,
            environment=core_environments(atoms, element)[index],
            reference_molecule=reference_molecule,
            reference_index=reference_index,
            delta_scf_eV=float(delta_scf_eV),
            reference_delta_scf_eV=float(reference_delta_scf_eV),
            shift_eV=shift,
            measured_eV=measured,
            measured_shift_eV=measured_shift,
            error_eV=None if measured_shift is None else shift - measured_shift,
            measured_source=GAS_PHASE_SOURCE if measured is not None else None,
            vacuum_angstrom=vacuum_angstrom,
            settings=settings or {},
        )


def _check(name: str, index: int, vacuum_angstrom: float, reference_element: str | None = None) -> str:
    atoms = boxed_molecule(name, vacuum_angstrom)
    if not 0 <= index < len(atoms):
        raise ValueError(f"index {index}: out of range for {name}; allowed are 0..{len(atoms) - 1}")
    element = atoms[index].symbol
    check_element(element)
    if reference_element is not None and element != reference_element:
        raise ValueError(f"reference atom {index} of {name} is {element}: it must be {reference_element} too")
    return element


def _delta_scf(name: str, index: int, maker: CoreLevelShiftMaker, vacuum: float, workdir: Path) -> float:
    atoms = boxed_molecule(name, vacuum)
    workdir.mkdir(parents=True, exist_ok=True)
    ground = gpaw_energy(atoms, None, maker, "ionized", workdir)[0]
    return gpaw_energy(atoms, index, maker, "ionized", workdir)[0] - ground


@job
@runs_on("dft")
def delta_scf_energy(name: str, index: int, maker: CoreLevelShiftMaker, vacuum_angstrom: float) -> float:
    """Absolute Delta-SCF 1s energy (eV) of atom ``index`` of molecule ``name`` alone in its box."""
    return _delta_scf(name, index, maker, vacuum_angstrom, Path.cwd())


@job(output_schema=MolecularShiftDocument)
def molecular_shift_document(
    name: str, index: int, reference: str, reference_index: int, e: float, e_ref: float, vacuum: float, settings: dict
) -> MolecularShiftDocument:
    """Shift document from the two Delta-SCF energies (eV)."""
    return MolecularShiftDocument.from_energies(name, index, reference, reference_index, e, e_ref, vacuum, settings)


@dataclass
class MolecularShiftMaker(Maker):
    """Gas-phase 1s shift of molecule X's atom against a reference molecule's atom, each alone in its box.

    Parameters
    ----------
    name
        Flow name.
    core_level_maker
        GPAW settings; default: plane waves 500 eV, core-ionised, spin-polarised.
    vacuum_angstrom
        Vacuum (Å) between each molecule and its box faces.
    """

    name: str = "gas-phase core-level shift"
    core_level_maker: CoreLevelShiftMaker = field(default_factory=gas_phase_core_level_maker)
    vacuum_angstrom: float = VACUUM_ANGSTROM

    def make(self, molecule: str, index: int, reference: str = "CH4", reference_index: int = 0) -> Flow:
        """Flow: the Delta-SCF energy of each molecule (two runs each), then the shift document."""
        element = _check(molecule, index, self.vacuum_angstrom)
        _check(reference, reference_index, self.vacuum_angstrom, element)
        vac = self.vacuum_angstrom
        # content UUIDs: flows that share a molecule's Delta-SCF (every C 1s case's CH4) run it once
        a = with_content_uuid(delta_scf_energy(molecule, index, self.core_level_maker, vac))
        b = with_content_uuid(delta_scf_energy(reference, reference_index, self.core_level_maker, vac))
        a.name, b.name = (
            f"{self.name} {molecule} {element}{index}",
            f"{self.name} {reference} {element}{reference_index}",
        )
        settings = self.core_level_maker.settings(boxed_molecule(molecule, vac), element, "ionized")
        doc = molecular_shift_document(molecule, index, reference, reference_index, a.output, b.output, vac, settings)
        doc.name = f"{self.name} document"
        return Flow([a, b, doc], output=doc.output, name=self.name)


def molecular_shift(
    molecule: str,
    index: int,
    reference: str = "CH4",
    reference_index: int = 0,
    maker: MolecularShiftMaker | None = None,
    directory: str | Path | None = None,
) -> MolecularShiftDocument:
    """Run :class:`MolecularShiftMaker`'s four GPAW runs in this process and return the document.

    Example: ``molecular_shift("CO2", 0)`` is CO2's C 1s against CH4's (measured +6.85 eV).

    Parameters
    ----------
    molecule, index
        ``ase.build.molecule`` name and the index of the atom to excite.
    reference, reference_index
        Reference molecule and atom (same element).
    maker
        Settings; default :class:`MolecularShiftMaker`.
    directory
        Where setups and GPAW logs go; a temporary directory when None.
    """
    maker = MolecularShiftMaker() if maker is None else maker
    element = _check(molecule, index, maker.vacuum_angstrom)
    _check(reference, reference_index, maker.vacuum_angstrom, element)
    cl, vac = maker.core_level_maker, maker.vacuum_angstrom
    with tempfile.TemporaryDirectory(prefix="naspe_gas_cls_") as tmp:
        root = Path(directory) if directory is not None else Path(tmp)
        e = _delta_scf(molecule, index, cl, vac, root / f"{molecule}_{index}")
        e_ref = _delta_scf(reference, reference_index, cl, vac, root / f"{reference}_{reference_index}")
    settings = cl.settings(boxed_molecule(molecule, vac), element, "ionized")
    return MolecularShiftDocument.from_energies(molecule, index, reference, reference_index, e, e_ref, vac, settings)
