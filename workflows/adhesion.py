"""Work of adhesion of a film on a substrate, shared across engines.

:class:`BaseAdhesionMaker` (in the way of atomate2's ``BaseElasticMaker``) takes a
``relax_maker`` and splits an interface cell into its substrate and film, both
kept in the interface cell so that they carry the same strain and area. It
relaxes the three systems and computes

    W_adh = (E_substrate + E_film - E_interface) / A

in J/m^2 and eV/Å^2 (positive: the film sticks). It then compares the film's
bonds before and after relaxation of the interface and lists the bonds formed
across the interface, because a large W_adh with broken film bonds is a reaction,
not adhesion. Thin per-engine subclasses set the relax maker: GPAW + D3(BJ)
(default), GFN2-xTB (tblite) for screening, VASP through atomate2.

The substrate's bottom atoms (within ``fix_bottom_angstrom`` of its lowest atom)
are held fixed, as the bulk side of a slab.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from jobflow import Flow, Maker, Response, job
from pydantic import BaseModel, Field
from pymatgen.core import Structure

from naspe.analysis.bonds import Bond, bond_changes, find_bonds
from naspe.workflows.dft_engines import GpawRelaxMaker, TbliteRelaxMaker, vasp_slab_relax_maker

__all__ = [
    "AdhesionDocument",
    "BaseAdhesionMaker",
    "GpawAdhesionMaker",
    "TbliteAdhesionMaker",
    "VaspAdhesionMaker",
    "split_interface",
    "EV_PER_A2_TO_J_PER_M2",
]

EV_PER_A2_TO_J_PER_M2 = 16.021766  # 1 eV/Å^2 = 1.602176634e-19 J / 1e-20 m^2


class AdhesionDocument(BaseModel):
    """Work of adhesion of one interface, with the bonding that goes with it."""

    engine: str = Field(description="Engine of the relaxations (gpaw, tblite, vasp)")
    w_adh_J_m2: float = Field(description="Work of adhesion (J/m^2); positive when the film binds")
    w_adh_eV_A2: float = Field(description="Work of adhesion (eV/Å^2)")
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


def split_interface(interface: Structure, n_substrate: int, fix_bottom_angstrom: float) -> tuple[Structure, ...]:
    """Interface, substrate and film as Structures in the interface cell, with the substrate bottom fixed."""
    if not 0 < n_substrate < len(interface):
        raise ValueError(f"n_substrate={n_substrate}: must be between 1 and {len(interface) - 1} (the interface size)")
    clean = Structure(interface.lattice, interface.species, interface.cart_coords, coords_are_cartesian=True)
    z = clean.cart_coords[:, 2]
    z_min = z[:n_substrate].min()
    fixed = [(k < n_substrate and z[k] < z_min + fix_bottom_angstrom) for k in range(len(clean))]
    clean.add_site_property("selective_dynamics", [[not f] * 3 for f in fixed])
    substrate = Structure.from_sites(clean.sites[:n_substrate])
    film = Structure.from_sites(clean.sites[n_substrate:])
    return clean, substrate, film


@job(output_schema=AdhesionDocument)
def adhesion_document(
    energy_substrate_eV: float,
    energy_film_eV: float,
    energy_interface_eV: float,
    relaxed_interface: Structure,
    initial_interface: Structure,
    n_substrate: int,
    strain: float,
    engine: str,
) -> Response:
    """Work of adhesion and bond analysis from the three relaxations."""
    from pymatgen.io.ase import AseAtomsAdaptor

    area = float(np.linalg.norm(np.cross(initial_interface.lattice.matrix[0], initial_interface.lattice.matrix[1])))
    w_ev = (energy_substrate_eV + energy_film_eV - energy_interface_eV) / area
    before = AseAtomsAdaptor.get_atoms(initial_interface)
    after = AseAtomsAdaptor.get_atoms(relaxed_interface)
    changes = bond_changes(before, after)
    in_film = [b for b in changes["broken"] if b.i >= n_substrate and b.j >= n_substrate]
    across = [b for b in find_bonds(after).bonds if (b.i < n_substrate) != (b.j < n_substrate)]
    counts: dict[str, int] = {}
    for b in across:
        counts[b.kind] = counts.get(b.kind, 0) + 1
    doc = AdhesionDocument(
        engine=engine,
        w_adh_J_m2=w_ev * EV_PER_A2_TO_J_PER_M2,
        w_adh_eV_A2=w_ev,
        area_angstrom2=area,
        strain=strain,
        energy_substrate_eV=energy_substrate_eV,
        energy_film_eV=energy_film_eV,
        energy_interface_eV=energy_interface_eV,
        n_substrate=n_substrate,
        n_film=len(initial_interface) - n_substrate,
        bonds_formed=changes["formed"],
        bonds_broken=changes["broken"],
        film_bonds_broken=in_film,
        interface_bonds=dict(sorted(counts.items())),
        film_intact=not in_film,
        relaxed_interface=relaxed_interface,
    )
    return Response(output=doc)


@dataclass
class BaseAdhesionMaker(Maker):
    """Work of adhesion of an interface cell with any relax Maker.

    Parameters
    ----------
    name
        Flow name.
    relax_maker
        Maker whose ``make(structure)`` relaxes at fixed cell and whose output has
        ``output.energy`` (eV) and ``structure`` (atomate2 ASE and VASP documents do).
    fix_bottom_angstrom
        Substrate atoms within this distance (Å) of its lowest atom stay fixed.
    engine
        Engine label recorded in the document.
    """

    name: str = "adhesion"
    relax_maker: Maker = field(default_factory=GpawRelaxMaker)
    fix_bottom_angstrom: float = 1.0
    engine: str = "gpaw"

    def make(self, interface: Structure, n_substrate: int, strain: float = 0.0) -> Flow:
        """Flow: relax substrate, film and interface (independent), then the adhesion document."""
        whole, substrate, film = split_interface(interface, n_substrate, self.fix_bottom_angstrom)
        jobs = {}
        for label, structure in (("substrate", substrate), ("film", film), ("interface", whole)):
            j = self.relax_maker.make(structure)
            j.name = f"{self.name} {label} relax"
            jobs[label] = j
        doc = adhesion_document(
            jobs["substrate"].output.output.energy,
            jobs["film"].output.output.energy,
            jobs["interface"].output.output.energy,
            jobs["interface"].output.structure,
            whole,
            n_substrate,
            strain,
            self.engine,
        )
        doc.name = f"{self.name} work of adhesion"
        return Flow([*jobs.values(), doc], output=doc.output, name=self.name)


@dataclass
class GpawAdhesionMaker(BaseAdhesionMaker):
    """Work of adhesion with GPAW (PBE + D3(BJ))."""

    name: str = "GPAW adhesion"
    relax_maker: Maker = field(default_factory=GpawRelaxMaker)
    engine: str = "gpaw"


@dataclass
class TbliteAdhesionMaker(BaseAdhesionMaker):
    """Work of adhesion with GFN2-xTB (screening)."""

    name: str = "GFN2-xTB adhesion"
    relax_maker: Maker = field(default_factory=TbliteRelaxMaker)
    engine: str = "tblite"


@dataclass
class VaspAdhesionMaker(BaseAdhesionMaker):
    """Work of adhesion with VASP (PBE + D3(BJ), dipole correction) through atomate2."""

    name: str = "VASP adhesion"
    relax_maker: Maker = field(default_factory=vasp_slab_relax_maker)
    engine: str = "vasp"
