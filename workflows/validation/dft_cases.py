"""The DFT validation cases (GPAW, PBE-D3(BJ)): what the study relies on, against experiment and CCSD(T).

Every case is a Maker whose Flow runs GPAW single points through the engine's
:class:`~naspe.workflows.dft.gpaw.GpawStaticMaker` (content UUIDs: cases that
share calculations, as the three Na-adatom cases, run them once) and ends in a
job of :mod:`~naspe.workflows.validation.dft_jobs` that makes the
:class:`~naspe.workflows.validation.documents.ValidationDocument`.

Levels of theory, and why
-------------------------
- Bulk and slabs of Na and graphite: plane waves (400 eV), the ``standard``
  preset's mode. LCAO is impractical for one-atom Na cells here: its density
  construction sums the long-ranged Na dzp orbitals over hundreds of periodic
  images (measured: 57-66 s per single point of 1-atom bcc Na, 85 % in
  "Construct density", against 12 s in PW, under load).
- Na adatom on graphene and the S22 dimers: LCAO dzp, the ``quick`` preset's
  mode for exactly these systems (adsorption on carbon, CH-CH / CH-pi dispersion
  of PEO on carbon), with its basis-set superposition error left in, as in the
  study's adhesion energies.
- k-points: explicit Gamma-centred meshes, given with each Maker (k*a = 15-30 Å
  in plane; molecules in a box: the Gamma point), so a case is the same
  calculation whatever the engine's default rule becomes.

Reference values (each checked with the search tool where it says so)
---------------------------------------------------------------------
- Graphite interlayer cohesive energy 52 ± 5 meV/atom: Zacharia, Ulbricht & Hertel,
  Phys. Rev. B 69, 155406 (2004) (thermal desorption of PAHs; checked). Other
  measurements: 44.0 ± 3.8 meV/atom (Wang et al., J. Chem. Phys. 149, 194701 (2018),
  TPD; checked); 0.37 J/m^2 (Liu et al., Phys. Rev. B 85, 205418 (2012)).
- bcc Na lattice constant 4.225 Å at 5 K (4.29 Å at room temperature); the
  low-temperature value as compiled, with zero-point correction to 4.214 Å, by
  Csonka et al., Phys. Rev. B 79, 155107 (2009) (the paper was found; the table
  entry was not read here).
- Na surface energy 0.26 J/m^2: Tyson & Miller, Surf. Sci. 62, 267 (1977)
  (isotropic, from the liquid's surface tension extrapolated to 0 K; not
  confirmed by the search here). PBE database: Tran et al., Sci. Data 3, 160080
  (2016) (found; its Na(110) entry was not read here).
- Na on graphite: hollow site, 2.45 Å, 0.51 eV, about 0.5 e transferred:
  Rytkönen, Akola & Manninen, Phys. Rev. B 69, 205404 (2004) (checked). A
  published PBE-D3 value for Na on graphene was not found by the search.
- S22 CCSD(T)/CBS interaction energies: Jurečka, Šponer, Černý & Hobza, Phys.
  Chem. Chem. Phys. 8, 1985 (2006), as tabulated with the geometries in ASE's
  ``ase.data.s22`` (checked there): methane dimer -0.023 eV, benzene-methane -0.0629 eV.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ase import Atoms
from jobflow import Flow, Maker

from naspe.workflows.base.identity import with_content_uuid
from naspe.workflows.validation.cases import ValidationCase
from naspe.workflows.validation.dft_jobs import (
    adatom_document,
    calc_numbers,
    dimer_document,
    interlayer_binding_document,
    lattice_constant_document,
    surface_energy_document,
)

__all__ = [
    "CASES",
    "BccLatticeMaker",
    "GraphiteBindingMaker",
    "SurfaceEnergyMaker",
    "AdatomMaker",
    "DimerMaker",
    "PW_LEVEL",
    "gpaw_static",
    "LCAO_LEVEL",
]

PW_LEVEL = "PBE-D3(BJ), GPAW PW 400 eV, Fermi-Dirac 0.1 eV"
LCAO_LEVEL = "PBE-D3(BJ), GPAW LCAO dzp, h 0.2 Å, Fermi-Dirac 0.1 eV"


def gpaw_static(kpts: tuple[int, int, int], **settings) -> Maker:
    """The engine's GPAW single-point Maker with an explicit Gamma-centred k-mesh and ``settings``."""
    from dataclasses import fields

    from naspe.workflows.dft.gpaw import GpawStaticMaker

    if "kpts" in {f.name for f in fields(GpawStaticMaker)}:
        return GpawStaticMaker(kpts=tuple(kpts), **settings)
    return GpawStaticMaker(calculator_kwargs={"kpts": {"size": tuple(kpts), "gamma": True}}, **settings)


def _static(maker: Maker, atoms: Atoms, magmoms: list[float] | None = None):
    """The content-addressed single-point job of ``atoms``."""
    from naspe.structures.topology import to_pymatgen

    structure = to_pymatgen(atoms)
    if magmoms is not None:
        structure.add_site_property("magmom", list(magmoms))
    return with_content_uuid(maker.make(structure))


def _flow(name: str, statics: list, last) -> Flow:
    last = with_content_uuid(last)
    return Flow([*statics, last], output=last.output, name=name)


_PW = {"mode": "pw", "ecut_eV": 400.0, "hirshfeld_charges": False}


@dataclass
class BccLatticeMaker(Maker):
    """Bcc Na lattice constant (Å): single points of the one-atom primitive cell and a Birch-Murnaghan fit.

    ``kpts``: 8 x 8 x 8 (k * |a_i| = 29 Å at a = 4.2 Å). ``dispersion``: ``"d3bj"`` (the study's)
    or None (plain PBE, to separate what D3 does to the metal). The scan spans 3.89-4.37 Å:
    PBE-D3(BJ) puts the minimum near 4.09 Å, below the first scan's 4.05-4.37 Å.
    """

    name: str = "validation na-bcc-lattice"
    case: str = "na-bcc-lattice"
    a_angstrom: tuple[float, ...] = (3.89, 3.97, 4.05, 4.13, 4.21, 4.29, 4.37)
    kpts: tuple[int, int, int] = (8, 8, 8)
    dispersion: str | None = "d3bj"

    def make(self) -> Flow:
        """The single points and the fit."""
        from ase.build import bulk

        maker = gpaw_static(self.kpts, **_PW, dispersion=self.dispersion)
        statics = [_static(maker, bulk("Na", "bcc", a=a)) for a in self.a_angstrom]
        doc = lattice_constant_document(self.case, list(self.a_angstrom), [calc_numbers(j) for j in statics])
        return _flow(self.name, statics, doc)


def _graphite_cell(a: float, spacing: float, layers: int, vacuum: float = 0.0) -> Atoms:
    """AB graphite (``layers`` = 2, 4 atoms, periodic) or one graphene layer with ``vacuum`` (Å) above it."""
    height = layers * spacing if layers == 2 else vacuum
    cell = [(a, 0, 0), (-a / 2, a * np.sqrt(3) / 2, 0), (0, 0, height)]
    frac = [(0, 0, 0.25), (1 / 3, 2 / 3, 0.25), (0, 0, 0.75), (2 / 3, 1 / 3, 0.75)] if layers == 2 else None
    if frac is None:
        frac = [(0, 0, 0.5), (1 / 3, 2 / 3, 0.5)]
    return Atoms("C" * len(frac), scaled_positions=frac, cell=cell, pbc=True)


@dataclass
class GraphiteBindingMaker(Maker):
    """Graphite interlayer binding energy (meV/atom) from E(d) of AB graphite against an isolated layer.

    The isolated layer is one graphene layer with ``layer_vacuum_angstrom`` of vacuum
    (a slab: not periodic along z). ``kpts``: 6 x 6 in plane (k * a = 15 Å, the mesh of the
    registry's former 2.0 per Å^-1; 9 x 9 x 3 took about 6 min per point here under load), 2 along c.
    """

    name: str = "validation graphite-interlayer"
    case: str = "graphite-interlayer"
    a_angstrom: float = 2.46  # graphene a (Trucano & Chen, Nature 258 (1975) 136; naspe.structures.carbon)
    spacings_angstrom: tuple[float, ...] = (3.15, 3.3, 3.45, 3.65)
    layer_vacuum_angstrom: float = 14.0
    kpts: tuple[int, int, int] = (6, 6, 2)

    def make(self) -> Flow:
        """The graphite single points, the layer, and the binding energy."""
        bulk_maker = gpaw_static(self.kpts, **_PW)
        layer_maker = gpaw_static((*self.kpts[:2], 1), **_PW, dipole_correction=False)
        graphite = [_static(bulk_maker, _graphite_cell(self.a_angstrom, d, 2)) for d in self.spacings_angstrom]
        layer = _static(layer_maker, _graphite_cell(self.a_angstrom, 0.0, 1, self.layer_vacuum_angstrom))
        area = self.a_angstrom**2 * np.sqrt(3) / 2
        doc = interlayer_binding_document(
            self.case, list(self.spacings_angstrom), [calc_numbers(j) for j in graphite], calc_numbers(layer), area
        )
        return _flow(self.name, [*graphite, layer], doc)


@dataclass
class SurfaceEnergyMaker(Maker):
    """Na(110) surface energy (J/m^2) of an unrelaxed 1x1 slab at the study's lattice constant.

    The bulk reference is the same 1x1 (110) cell, periodic with two layers, and the
    same in-plane mesh (errors of the k-sampling cancel). ``kpts``: 8 x 8 in plane.
    """

    name: str = "validation na110-surface-energy"
    case: str = "na110-surface-energy"
    a_angstrom: float = 4.29  # the study's slabs (naspe.structures.metal.NA_A_RT)
    layers: int = 6
    vacuum_angstrom: float = 8.0  # on each side
    kpts: tuple[int, int, int] = (8, 8, 6)

    def make(self) -> Flow:
        """Slab and bulk single points and the surface energy."""
        from ase.build import bcc110

        slab = bcc110("Na", size=(1, 1, self.layers), a=self.a_angstrom, vacuum=self.vacuum_angstrom)
        slab.pbc = True
        bulk = bcc110("Na", size=(1, 1, 2), a=self.a_angstrom, periodic=True)
        area = float(np.linalg.norm(np.cross(slab.cell[0], slab.cell[1])))
        s = _static(gpaw_static((*self.kpts[:2], 1), **_PW), slab)
        b = _static(gpaw_static(self.kpts, **_PW), bulk)
        doc = surface_energy_document(self.case, calc_numbers(s), calc_numbers(b), len(slab), len(bulk), area)
        return _flow(self.name, [s, b], doc)


@dataclass
class AdatomMaker(Maker):
    """Na on graphene (the study's 24-atom cell): E_ads(h) over the hollow site; height, binding or charge.

    ``quantity`` is ``"height"`` (Å), ``"binding"`` (eV) or ``"charge"`` (Hirshfeld, e);
    the single points are the same for the three, so they run once. Spin-polarised
    (the free Na atom has one unpaired electron, started with 1 µB). ``kpts``: 4 x 4
    in plane on the 7.4 x 8.5 Å cell (k * a = 30-34 Å); the atom: Gamma in a 12 Å box.
    """

    name: str = "validation na-graphene"
    case: str = "na-graphene-height"
    quantity: str = "height"
    heights_angstrom: tuple[float, ...] = (2.0, 2.2, 2.4, 2.6, 2.9)
    atom_box_angstrom: float = 12.0
    kpts: tuple[int, int, int] = (4, 4, 1)

    def make(self) -> Flow:
        """Single points at each height, graphene, the Na atom, and the document."""
        from naspe.structures.carbon import graphene, na_on_carbon

        if self.quantity not in ("height", "binding", "charge"):
            raise ValueError(f"quantity={self.quantity!r}: allowed are height, binding, charge")
        maker = gpaw_static(self.kpts, spinpol=True)
        sheet = graphene()
        adsorbed = [_static(maker, na_on_carbon(sheet, h)) for h in self.heights_angstrom]
        substrate = _static(maker, sheet)
        box = self.atom_box_angstrom
        atom = Atoms("Na", positions=[(box / 2, box / 2, box / 2)], cell=[box] * 3, pbc=True)
        na = _static(gpaw_static((1, 1, 1), spinpol=True, hirshfeld_charges=False), atom, magmoms=[1.0])
        doc = adatom_document(
            self.case,
            self.quantity,
            list(self.heights_angstrom),
            [calc_numbers(j) for j in adsorbed],
            calc_numbers(substrate),
            calc_numbers(na),
        )
        return _flow(f"{self.name} {self.quantity}", [*adsorbed, substrate, na], doc)


@dataclass
class DimerMaker(Maker):
    """Interaction energy (meV) of an S22 dimer at its reference geometry (``ase.data.s22``); Gamma point.

    ``counterpoise``: the monomers in the dimer's full LCAO basis (the other monomer's atoms as GPAW
    ghosts, as :mod:`naspe.workflows.flows.counterpoise` does; Boys & Bernardi, Mol. Phys. 19 (1970) 553).
    """

    name: str = "validation s22"
    case: str = "s22-methane-dimer"
    system: str = "Methane_dimer"
    vacuum_angstrom: float = 4.5
    counterpoise: bool = False

    def make(self) -> Flow:
        """Dimer and the two monomers in the dimer's box."""
        from ase.data.s22 import create_s22_system
        from ase.data.s22 import data as s22_data

        dimer = create_s22_system(self.system)
        dimer.center(vacuum=self.vacuum_angstrom)
        dimer.pbc = True
        n_a = s22_data[self.system]["dimer atoms"][0]
        maker = gpaw_static((1, 1, 1), hirshfeld_charges=False)
        if self.counterpoise:  # each monomer in the dimer's full basis: the other's atoms as ghosts
            a, b = tuple(range(n_a)), tuple(range(n_a, len(dimer)))
            parts = [
                _static(maker, dimer),
                _static(gpaw_static((1, 1, 1), hirshfeld_charges=False, ghosts=b), dimer),
                _static(gpaw_static((1, 1, 1), hirshfeld_charges=False, ghosts=a), dimer),
            ]
        else:
            parts = [_static(maker, p) for p in (dimer, dimer[:n_a], dimer[n_a:])]
        doc = dimer_document(self.case, *[calc_numbers(j) for j in parts], counterpoise=self.counterpoise)
        jobs = parts
        return _flow(f"{self.name} {self.system}", jobs, doc)


def _gas_phase_module():
    """H3's gas-phase core-level module (:mod:`naspe.workflows.flows.core_level_molecules`), or None if absent."""
    try:
        from naspe.workflows.flows import core_level_molecules
    except ImportError:
        return None
    return core_level_molecules


#: (case, molecule, atom index, reference molecule, reference atom index, quantity)
_XPS_SHIFTS = (
    ("xps-c1s-methanol", "CH3OH", 0, "CH4", 0, "C 1s shift, methanol C-O vs methane (gas phase)"),
    ("xps-o1s-co2", "CO2", 1, "H2O", 0, "O 1s shift, CO2 vs water (gas phase)"),
)


def xps_cases() -> tuple[ValidationCase, ...]:
    """The gas-phase C 1s / O 1s shift cases against Jolly et al. (1984).

    They run :class:`naspe.workflows.flows.core_level_molecules.MolecularShiftMaker` (helper H3's
    module, issue 12); while that module is not in the project they are registered as not run
    (``needs``), never as passed.
    """
    from naspe.analysis import xps

    table = getattr(xps, "GAS_PHASE_1S_EV", {})
    source = getattr(xps, "GAS_PHASE_SOURCE", "Jolly, Bomben & Eyermann, At. Data Nucl. Data Tables 31, 433 (1984)")
    module = _gas_phase_module()
    cases = []
    for name, mol, index, ref, ref_index, quantity in _XPS_SHIFTS:
        measured = table.get((mol, index), float("nan")) - table.get((ref, ref_index), float("nan"))
        runnable = module is not None and np.isfinite(measured)
        cases.append(
            ValidationCase(
                name=name,
                suite="dft",
                quantity=quantity,
                unit="eV",
                reference_value=round(float(measured), 3) if np.isfinite(measured) else 0.0,
                reference_source=f"gas-phase XPS, {source}",
                reference_kind="experiment",
                tolerance=0.3,
                tolerance_kind="abs",
                tolerance_reason="Delta-SCF PBE 1s shifts of small molecules are typically within 0.2-0.3 eV of "
                "gas-phase XPS; the study classifies C 1s environments about 1.4 eV apart",
                level_of_theory="PBE Delta-SCF, GPAW PW 500 eV, core-ionised final state, spin-polarised",
                cost="full",
                make=(lambda m=mol, i=index, r=ref, j=ref_index, c=name: _xps_flow(c, m, i, r, j))
                if runnable
                else None,
                needs=None
                if runnable
                else "the gas-phase core-level module (naspe.workflows.flows.core_level_molecules, issue 12) "
                "and its measured table are not in the project yet",
            )
        )
    return tuple(cases)


def _xps_flow(case: str, molecule: str, index: int, reference: str, reference_index: int) -> Flow:
    from naspe.workflows.validation.dft_jobs import core_level_document

    shift = _gas_phase_module().MolecularShiftMaker().make(molecule, index, reference, reference_index)
    doc = with_content_uuid(core_level_document(case, shift.output))
    return Flow([shift, doc], output=doc.output, name=f"validation {case}")


_GRAPHITE_SPREAD = (
    "measured values span 44 (Wang et al. 2018) to 61 meV/atom (cleavage, Zacharia et al. 2004); PBE-D3(BJ) is "
    "expected within that spread"
)
_ADATOM_NOTE = (
    "reference: DFT on graphite (Rytkönen et al. 2004), not PBE-D3 on graphene (none found); the study's cell "
    "(24 C, one Na: 1/24 coverage), flat graphene, Hirshfeld charges (smaller than Bader's by construction)"
)

#: the DFT suite, in the order ``naspe validate dft`` runs it (cheap first)
CASES: tuple[ValidationCase, ...] = (
    ValidationCase(
        name="na-bcc-lattice",
        suite="dft",
        quantity="bcc Na lattice constant",
        unit="Å",
        reference_value=4.225,
        reference_source="experiment, 5 K; as compiled by Csonka et al., Phys. Rev. B 79, 155107 (2009) "
        "(4.214 Å with the zero-point expansion removed); 4.29 Å at room temperature",
        reference_kind="experiment",
        tolerance=0.015,
        tolerance_kind="rel",
        tolerance_reason="PBE is within about 1 % of low-temperature alkali lattice constants; D3(BJ) contracts "
        "them; 1.5 % keeps the study's Na slabs (a = 4.29 Å) strained by under 3 %",
        level_of_theory=PW_LEVEL,
        cost="cheap",
        make=lambda: BccLatticeMaker().make(),
    ),
    ValidationCase(
        name="na-bcc-lattice-pbe",
        suite="dft",
        quantity="bcc Na lattice constant, PBE without dispersion",
        unit="Å",
        reference_value=4.225,
        reference_source="experiment, 5 K; as compiled by Csonka et al., Phys. Rev. B 79, 155107 (2009) "
        "(4.214 Å with the zero-point expansion removed); 4.29 Å at room temperature",
        reference_kind="experiment",
        tolerance=0.015,
        tolerance_kind="rel",
        tolerance_reason="PBE is within about 1 % of low-temperature alkali lattice constants",
        level_of_theory=PW_LEVEL.replace("PBE-D3(BJ)", "PBE"),
        cost="full",
        make=lambda: BccLatticeMaker(
            name="validation na-bcc-lattice-pbe", case="na-bcc-lattice-pbe", dispersion=None
        ).make(),
        notes="the same scan as na-bcc-lattice without D3(BJ): what the dispersion correction does to the metal",
    ),
    ValidationCase(
        name="s22-methane-dimer",
        suite="dft",
        quantity="methane dimer interaction energy (S22 #8)",
        unit="meV",
        reference_value=-23.0,
        reference_source="CCSD(T)/CBS, Jurečka, Šponer, Černý & Hobza, Phys. Chem. Chem. Phys. 8, 1985 (2006) "
        "(S22; value and geometry from ase.data.s22)",
        reference_kind="CCSD(T)",
        tolerance=13.0,
        tolerance_kind="abs",
        tolerance_reason="0.3 kcal/mol (13 meV), about the mean absolute S22 error of PBE-D3(BJ) with a complete "
        "basis; the LCAO basis-set superposition error has to fit in it too",
        level_of_theory=LCAO_LEVEL + ", Gamma point",
        cost="cheap",
        make=lambda: DimerMaker().make(),
        notes="dispersion between CH groups, as between PEO chains and on carbon; no counterpoise correction",
    ),
    ValidationCase(
        name="s22-methane-dimer-cp",
        suite="dft",
        quantity="methane dimer interaction energy (S22 #8), counterpoise-corrected",
        unit="meV",
        reference_value=-23.0,
        reference_source="CCSD(T)/CBS, Jurečka, Šponer, Černý & Hobza, Phys. Chem. Chem. Phys. 8, 1985 (2006) "
        "(S22; value and geometry from ase.data.s22)",
        reference_kind="CCSD(T)",
        tolerance=13.0,
        tolerance_kind="abs",
        tolerance_reason="0.3 kcal/mol (13 meV), about the mean absolute S22 error of PBE-D3(BJ) with a complete basis",
        level_of_theory=LCAO_LEVEL + ", Gamma point, counterpoise (ghost atoms)",
        cost="cheap",
        make=lambda: DimerMaker(case="s22-methane-dimer-cp", counterpoise=True).make(),
        notes="the same dimer single point as s22-methane-dimer (run once); what the study's counterpoise flow "
        "(naspe.workflows.flows.counterpoise) does to LCAO binding energies",
    ),
    ValidationCase(
        name="graphite-interlayer",
        suite="dft",
        quantity="graphite interlayer binding energy",
        unit="meV/atom",
        reference_value=52.0,
        reference_uncertainty=5.0,
        reference_source="experiment (thermal desorption of PAHs), Zacharia, Ulbricht & Hertel, Phys. Rev. B 69, "
        "155406 (2004)",
        reference_kind="experiment",
        tolerance=10.0,
        tolerance_kind="abs",
        tolerance_reason=_GRAPHITE_SPREAD,
        level_of_theory=PW_LEVEL,
        cost="full",
        make=lambda: GraphiteBindingMaker().make(),
        notes="also in J/m^2 in details (0.32-0.37 J/m^2 measured; Liu et al., Phys. Rev. B 85, 205418 (2012): 0.37)",
    ),
    ValidationCase(
        name="na110-surface-energy",
        suite="dft",
        quantity="Na(110) surface energy (unrelaxed)",
        unit="J/m^2",
        reference_value=0.26,
        reference_source="experiment (isotropic, liquid surface tension extrapolated to 0 K), Tyson & Miller, "
        "Surf. Sci. 62, 267 (1977); PBE database: Tran et al., Sci. Data 3, 160080 (2016)",
        reference_kind="experiment",
        tolerance=0.25,
        tolerance_kind="rel",
        tolerance_reason="PBE surface energies of metals fall 10-30 % below the experimental (isotropic) values "
        "(Tran et al. 2016); D3(BJ) raises them",
        level_of_theory=PW_LEVEL,
        cost="full",
        make=lambda: SurfaceEnergyMaker().make(),
        notes="the experimental value is an orientation average; (110) is bcc's lowest-energy face",
    ),
    ValidationCase(
        name="na-graphene-height",
        suite="dft",
        quantity="Na adatom height over graphene (hollow)",
        unit="Å",
        reference_value=2.45,
        reference_source="DFT, Rytkönen, Akola & Manninen, Phys. Rev. B 69, 205404 (2004) (Na on graphite, hollow)",
        reference_kind="DFT",
        tolerance=0.25,
        tolerance_kind="abs",
        tolerance_reason="GGA heights of alkali adatoms on graphene/graphite scatter by about ±0.2 Å with "
        "functional, dispersion and coverage",
        level_of_theory=LCAO_LEVEL + ", spin-polarised",
        cost="full",
        make=lambda: AdatomMaker(case="na-graphene-height", quantity="height").make(),
        notes=_ADATOM_NOTE,
    ),
    ValidationCase(
        name="na-graphene-binding",
        suite="dft",
        quantity="Na adatom binding energy on graphene (vs the free atom)",
        unit="eV",
        reference_value=0.51,
        reference_source="DFT, Rytkönen, Akola & Manninen, Phys. Rev. B 69, 205404 (2004) (Na on graphite, hollow)",
        reference_kind="DFT",
        tolerance=0.3,
        tolerance_kind="abs",
        tolerance_reason="published GGA(+D) binding energies of one Na on graphene span about 0.4-1.0 eV with "
        "coverage and dispersion; D3 adds ~0.1-0.2 eV",
        level_of_theory=LCAO_LEVEL + ", spin-polarised",
        cost="full",
        make=lambda: AdatomMaker(case="na-graphene-binding", quantity="binding").make(),
        notes=_ADATOM_NOTE,
    ),
    ValidationCase(
        name="na-graphene-charge",
        suite="dft",
        quantity="charge transferred from the Na adatom to graphene",
        unit="e",
        reference_value=0.5,
        reference_source="DFT, Rytkönen, Akola & Manninen, Phys. Rev. B 69, 205404 (2004) (lateral charge density "
        "of Na on graphite: about 0.5 e)",
        reference_kind="DFT",
        tolerance=0.3,
        tolerance_kind="abs",
        tolerance_reason="charge partitions differ by several tenths of an electron for an ionic adatom "
        "(Hirshfeld < Bader)",
        level_of_theory=LCAO_LEVEL + ", spin-polarised, Hirshfeld charges",
        cost="full",
        make=lambda: AdatomMaker(case="na-graphene-charge", quantity="charge").make(),
        notes=_ADATOM_NOTE,
    ),
    ValidationCase(
        name="s22-benzene-methane",
        suite="dft",
        quantity="benzene-methane interaction energy (S22 #10, CH-pi)",
        unit="meV",
        reference_value=-62.9,
        reference_source="CCSD(T)/CBS, Jurečka, Šponer, Černý & Hobza, Phys. Chem. Chem. Phys. 8, 1985 (2006) "
        "(S22; value and geometry from ase.data.s22)",
        reference_kind="CCSD(T)",
        tolerance=13.0,
        tolerance_kind="abs",
        tolerance_reason="0.3 kcal/mol (13 meV), about the mean absolute S22 error of PBE-D3(BJ) with a complete basis",
        level_of_theory=LCAO_LEVEL + ", Gamma point",
        cost="full",
        make=lambda: DimerMaker(case="s22-benzene-methane", system="Benzene-methane_complex").make(),
        notes="CH-pi dispersion, the physisorption of a PEO CH2 group on graphene in miniature; no counterpoise",
    ),
    ValidationCase(
        name="s22-benzene-methane-cp",
        suite="dft",
        quantity="benzene-methane interaction energy (S22 #10, CH-pi), counterpoise-corrected",
        unit="meV",
        reference_value=-62.9,
        reference_source="CCSD(T)/CBS, Jurečka, Šponer, Černý & Hobza, Phys. Chem. Chem. Phys. 8, 1985 (2006) "
        "(S22; value and geometry from ase.data.s22)",
        reference_kind="CCSD(T)",
        tolerance=13.0,
        tolerance_kind="abs",
        tolerance_reason="0.3 kcal/mol (13 meV), about the mean absolute S22 error of PBE-D3(BJ) with a complete basis",
        level_of_theory=LCAO_LEVEL + ", Gamma point, counterpoise (ghost atoms)",
        cost="full",
        make=lambda: DimerMaker(
            case="s22-benzene-methane-cp", system="Benzene-methane_complex", counterpoise=True
        ).make(),
        notes="the same complex single point as s22-benzene-methane (run once), monomers in the full basis",
    ),
    *xps_cases(),
)
