"""The Makers of the DFT validation cases: single points and the job that turns them into a document.

Every Maker's Flow runs single points of its ``engine`` (GPAW through
:class:`~naspe.workflows.dft.gpaw.GpawStaticMaker`, CP2K through
:class:`~naspe.workflows.dft.cp2k.Cp2kStaticMaker`) with an explicit Gamma-centred
k-mesh (:func:`engine_static`), each a content-addressed job (cases that share
calculations, as the three Na-adatom cases, run them once), and ends in a job of
:mod:`~naspe.workflows.validation.dft_jobs` that makes the case's
:class:`~naspe.workflows.validation.documents.ValidationDocument`. The cases
themselves (references, tolerances, levels of theory and why) are in
:mod:`~naspe.workflows.validation.dft_cases`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ase import Atoms
from jobflow import Flow, Maker

from naspe.workflows.base.identity import with_content_uuid
from naspe.workflows.flows.core_levels.methods import CoreLevelMethod
from naspe.workflows.validation.dft_jobs import (
    adatom_document,
    calc_numbers,
    dimer_document,
    interlayer_binding_document,
    lattice_constant_document,
    surface_energy_document,
)

__all__ = [
    "BccLatticeMaker",
    "GraphiteBindingMaker",
    "SurfaceEnergyMaker",
    "AdatomMaker",
    "DimerMaker",
    "PW_LEVEL",
    "LCAO_LEVEL",
    "gpaw_static",
    "engine_static",
    "CP2K_LEVEL",
    "VALIDATION_ENGINES",
    "xps_flow",
]

PW_LEVEL = "PBE-D3(BJ), GPAW PW 400 eV, Fermi-Dirac 0.1 eV"
LCAO_LEVEL = "PBE-D3(BJ), GPAW LCAO dzp, h 0.2 Å, Fermi-Dirac 0.1 eV"
CP2K_LEVEL = "PBE-D3(BJ), CP2K GPW DZVP-MOLOPT-PBE-GTH / GTH-PBE (Na q1), 400 Ry, Fermi-Dirac 0.1 eV"
#: the engines the DFT cases run on
VALIDATION_ENGINES = ("gpaw", "cp2k")
#: GPAW settings that have no CP2K counterpart (CP2K runs its one basis; slabs are 2D periodic, no dipole layer)
_GPAW_ONLY = ("mode", "ecut_eV", "hirshfeld_charges", "dipole_correction", "basis", "grid_spacing_angstrom")


def gpaw_static(kpts: tuple[int, int, int], **settings) -> Maker:
    """The engine's GPAW single-point Maker with an explicit Gamma-centred k-mesh and ``settings``."""
    from dataclasses import fields

    from naspe.workflows.dft.gpaw import GpawStaticMaker

    if "kpts" in {f.name for f in fields(GpawStaticMaker)}:
        return GpawStaticMaker(kpts=tuple(kpts), **settings)
    return GpawStaticMaker(calculator_kwargs={"kpts": {"size": tuple(kpts), "gamma": True}}, **settings)


def engine_static(engine: str, kpts: tuple[int, int, int], **settings) -> Maker:
    """The single-point Maker of ``engine`` (gpaw or cp2k) with a Gamma-centred k-mesh and ``settings``.

    GPAW-only settings (plane-wave mode and cutoff, charges, dipole layer) are dropped for CP2K,
    which runs its registry defaults (:mod:`naspe.workflows.dft.cp2k`).
    """
    if engine == "gpaw":
        return gpaw_static(kpts, **settings)
    if engine == "cp2k":
        from naspe.workflows.dft.cp2k import Cp2kStaticMaker

        return Cp2kStaticMaker(kpts=tuple(kpts), **{k: v for k, v in settings.items() if k not in _GPAW_ONLY})
    raise ValueError(f"engine {engine!r}: the DFT validation cases run on {', '.join(VALIDATION_ENGINES)}")


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
    engine: str = "gpaw"

    def make(self) -> Flow:
        """The single points and the fit."""
        from ase.build import bulk

        maker = engine_static(self.engine, self.kpts, **_PW, dispersion=self.dispersion)
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
    engine: str = "gpaw"

    def make(self) -> Flow:
        """The graphite single points, the layer, and the binding energy."""
        bulk_maker = engine_static(self.engine, self.kpts, **_PW)
        layer_maker = engine_static(self.engine, (*self.kpts[:2], 1), **_PW, dipole_correction=False)
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
    engine: str = "gpaw"

    def make(self) -> Flow:
        """Slab and bulk single points and the surface energy."""
        from ase.build import bcc110

        slab = bcc110("Na", size=(1, 1, self.layers), a=self.a_angstrom, vacuum=self.vacuum_angstrom)
        slab.pbc = True
        bulk = bcc110("Na", size=(1, 1, 2), a=self.a_angstrom, periodic=True)
        area = float(np.linalg.norm(np.cross(slab.cell[0], slab.cell[1])))
        s = _static(engine_static(self.engine, (*self.kpts[:2], 1), **_PW), slab)
        b = _static(engine_static(self.engine, self.kpts, **_PW), bulk)
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
    engine: str = "gpaw"

    def make(self) -> Flow:
        """Single points at each height, graphene, the Na atom, and the document."""
        from naspe.structures.carbon import graphene, na_on_carbon

        if self.quantity not in ("height", "binding", "charge"):
            raise ValueError(f"quantity={self.quantity!r}: allowed are height, binding, charge")
        maker = engine_static(self.engine, self.kpts, spinpol=True)
        sheet = graphene()
        adsorbed = [_static(maker, na_on_carbon(sheet, h)) for h in self.heights_angstrom]
        substrate = _static(maker, sheet)
        box = self.atom_box_angstrom
        atom = Atoms("Na", positions=[(box / 2, box / 2, box / 2)], cell=[box] * 3, pbc=True)
        na = _static(engine_static(self.engine, (1, 1, 1), spinpol=True, hirshfeld_charges=False), atom, magmoms=[1.0])
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

    ``counterpoise``: the monomers in the dimer's full localised basis (the other monomer's atoms as
    ghosts: GPAW ghost setups, CP2K ghost kinds, as :mod:`naspe.workflows.flows.common.counterpoise` does;
    Boys & Bernardi, Mol. Phys. 19 (1970) 553).
    """

    name: str = "validation s22"
    case: str = "s22-methane-dimer"
    system: str = "Methane_dimer"
    vacuum_angstrom: float = 4.5
    counterpoise: bool = False
    engine: str = "gpaw"

    def make(self) -> Flow:
        """Dimer and the two monomers in the dimer's box."""
        from ase.data.s22 import create_s22_system
        from ase.data.s22 import data as s22_data

        dimer = create_s22_system(self.system)
        dimer.center(vacuum=self.vacuum_angstrom)
        dimer.pbc = True
        n_a = s22_data[self.system]["dimer atoms"][0]
        maker = engine_static(self.engine, (1, 1, 1), hirshfeld_charges=False)
        if self.counterpoise:  # each monomer in the dimer's full basis: the other's atoms as ghosts
            a, b = tuple(range(n_a)), tuple(range(n_a, len(dimer)))
            parts = [
                _static(maker, dimer),
                _static(engine_static(self.engine, (1, 1, 1), hirshfeld_charges=False, ghosts=b), dimer),
                _static(engine_static(self.engine, (1, 1, 1), hirshfeld_charges=False, ghosts=a), dimer),
            ]
        else:
            parts = [_static(maker, p) for p in (dimer, dimer[:n_a], dimer[n_a:])]
        doc = dimer_document(self.case, *[calc_numbers(j) for j in parts], counterpoise=self.counterpoise)
        jobs = parts
        return _flow(f"{self.name} {self.system}", jobs, doc)


def xps_flow(
    case: str, molecule: str, index: int, reference: str, reference_index: int, method: CoreLevelMethod
) -> Flow:
    """Gas-phase 1s shift of ``molecule``'s atom ``index`` against ``reference``'s at ``method``'s settings."""
    from naspe.workflows.flows.core_levels.molecules import MolecularShiftMaker, gas_phase_core_level_maker
    from naspe.workflows.validation.dft_jobs import core_level_document

    maker = MolecularShiftMaker(core_level_maker=gas_phase_core_level_maker(method))
    shift = maker.make(molecule, index, reference, reference_index)
    doc = with_content_uuid(core_level_document(case, shift.output))
    return Flow([shift, doc], output=doc.output, name=f"validation {case}")
