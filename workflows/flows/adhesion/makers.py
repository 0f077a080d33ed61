"""Work of adhesion of a film on a substrate, shared across engines.

:class:`BaseAdhesionMaker` (in the way of atomate2's ``BaseElasticMaker``) takes a
``relax_maker`` and splits an interface cell into its substrate and film, both
kept in the interface cell so that they carry the same strain and area. It
relaxes the three systems and computes

    W_adh = (E_substrate + E_film - E_interface) / A

in J/m^2 and eV/Å^2 (positive: the film sticks). It then compares the film's
bonds before and after relaxation of the interface and lists the bonds formed
across the interface, because a large W_adh with broken film bonds is a reaction,
not adhesion. The relax maker of an engine comes from the engine registry
(:mod:`naspe.workflows.dft.registry`): GPAW + D3(BJ) (default), GFN2-xTB (tblite)
for screening, VASP through atomate2; :func:`adhesion_maker` is the one
construction the CLI and the campaign share, so they compute the same W_adh.

The substrate's bottom atoms (within ``fix_bottom_angstrom`` of its lowest atom)
are held fixed, as the bulk side of a slab.

The document (:class:`~naspe.workflows.flows.adhesion.schemas.AdhesionDocument`, defined in
that light module and re-exported here) says how far W_adh can be trusted: ``convergence``
(:class:`~naspe.workflows.dft.convergence.DerivedConvergence` of the three
relaxations and any single points: a relaxation stopped at its step limit with
forces above ``fmax`` makes W_adh *not converged*, and the part is named),
``level_of_theory`` and ``purpose`` (screening or production, from the engine
registry). A negative W_adh means the interface is less stable than the separated
slabs (repulsive or unbound at that geometry), not weak binding.
"""

from __future__ import annotations

import dataclasses
import warnings
from dataclasses import dataclass

import numpy as np
from jobflow import Flow, Maker, Response, job
from pymatgen.core import Structure

from naspe.analysis.bonds import bond_changes, find_bonds, order_matrix
from naspe.analysis.uber import EV_PER_A2_TO_J_PER_M2, UberFit, fit_uber
from naspe.workflows.base.identity import with_content_uuid
from naspe.workflows.base.kinds import runs_on
from naspe.workflows.dft import registry
from naspe.workflows.dft.base import EngineMaker, check_inputs, engine_properties, relaxation_of
from naspe.workflows.dft.convergence import DerivedConvergence, Purpose
from naspe.workflows.dft.periodic import for_system
from naspe.workflows.flows.adhesion.schemas import AdhesionDocument
from naspe.workflows.flows.common.checks import check_gap, check_relaxation
from naspe.workflows.flows.common.counterpoise import counterpoise_flow, counterpoise_maker
from naspe.workflows.flows.common.parts import split_interface
from naspe.workflows.flows.common.schemas import CounterpoiseCorrection

__all__ = [
    "AdhesionDocument",
    "BaseAdhesionMaker",
    "GpawAdhesionMaker",
    "Cp2kAdhesionMaker",
    "TbliteAdhesionMaker",
    "VaspAdhesionMaker",
    "adhesion_maker",
    "scan_structures",
    "EV_PER_A2_TO_J_PER_M2",
    "SCAN_SHIFTS_ANGSTROM",
]


#: rigid film shifts (Å) of the separation scan that the CLI's ``--scan`` and the campaign's ``adhesion.scan`` run
SCAN_SHIFTS_ANGSTROM = (-0.5, -0.25, 0.0, 0.5, 1.0, 2.0, 3.5, 6.0)


def scan_structures(interface: Structure, n_substrate: int, shifts_angstrom: list[float]) -> tuple[list, list]:
    """Rigid copies of ``interface`` with the film moved along z by each shift (Å).

    All copies share one cell, lengthened by the largest shift so that the
    vacuum above the film never shrinks. Returns the structures and their gaps
    d (Å) between the top substrate atom and the lowest film atom.
    """
    z = interface.cart_coords[:, 2]
    gap0 = float(z[n_substrate:].min() - z[:n_substrate].max())
    too_close = [s for s in shifts_angstrom if gap0 + s < 0.8]
    if too_close:
        raise ValueError(
            f"scan shifts {too_close} Å bring the film within 0.8 Å of the substrate (relaxed gap {gap0:.2f} Å); "
            f"allowed shifts are > {0.8 - gap0:.2f} Å"
        )
    matrix = interface.lattice.matrix.copy()
    matrix[2] = matrix[2] * (1.0 + max(0.0, max(shifts_angstrom)) / np.linalg.norm(matrix[2]))
    structures, gaps = [], []
    for shift in shifts_angstrom:
        coords = interface.cart_coords.copy()
        coords[n_substrate:, 2] += shift
        structures.append(
            Structure(
                matrix, interface.species, coords, coords_are_cartesian=True, site_properties=interface.site_properties
            )
        )
        gaps.append(gap0 + shift)
    return structures, gaps


@job
def fit_scan(gaps_angstrom: list[float], energies_eV: list[float], area_angstrom2: float) -> UberFit | None:
    """UBER fit of the scan's single points (eV); None, with a warning naming the reason, if it cannot be fitted."""
    try:
        return fit_uber(gaps_angstrom, energies_eV, area_angstrom2)
    except ValueError as err:
        warnings.warn(f"separation scan not fitted: {err}", stacklevel=2)
        return None


@job
@runs_on("dft")
def separation_scan(relaxed_interface: Structure, n_substrate: int, shifts_angstrom: list[float], static_maker: Maker):
    """Replace itself by single points of the rigidly separated interface and their UBER fit."""
    structures, gaps = scan_structures(relaxed_interface, n_substrate, list(shifts_angstrom))
    statics = []
    for shift, structure in zip(shifts_angstrom, structures, strict=True):
        j = with_content_uuid(static_maker.make(structure))
        j.name = f"scan single point {shift:+.2f} Å"
        statics.append(j)
    area = float(np.linalg.norm(np.cross(relaxed_interface.lattice.matrix[0], relaxed_interface.lattice.matrix[1])))
    fit = fit_scan(gaps, [j.output.output.energy for j in statics], area)
    fit.name = "UBER fit"
    return Response(replace=Flow([*statics, fit], output=fit.output))


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
    uber: UberFit | None = None,
    charges: list[float] | None = None,
    bond_orders: list | None = None,
    counterpoise: CounterpoiseCorrection | dict | None = None,
    check_energies_eV: dict[str, float] | None = None,
    check_level_of_theory: str | None = None,
    convergence_parts: dict | None = None,
    level_of_theory: str | None = None,
    purpose: Purpose | str = Purpose.unknown,
) -> Response:
    """Work of adhesion and bond analysis from the three relaxations (charges and orders of the interface).

    ``convergence_parts``: label -> the ``relaxation`` of each calculation W_adh comes from
    (None: unknown, e.g. a VASP document); combined into the document's ``convergence``.
    """
    from pymatgen.io.ase import AseAtomsAdaptor

    area = float(np.linalg.norm(np.cross(initial_interface.lattice.matrix[0], initial_interface.lattice.matrix[1])))
    w_raw = (energy_substrate_eV + energy_film_eV - energy_interface_eV) / area
    cp = None if counterpoise is None else CounterpoiseCorrection.model_validate(counterpoise)
    w_ev = w_raw if cp is None else w_raw - cp.bsse_eV / area  # counterpoise: the BSSE overbinds by bsse_eV
    w_check = None
    if check_energies_eV:
        e = check_energies_eV
        w_check = (e["substrate"] + e["film"] - e["interface"]) / area * EV_PER_A2_TO_J_PER_M2
    before = AseAtomsAdaptor.get_atoms(initial_interface)
    after = AseAtomsAdaptor.get_atoms(relaxed_interface)
    orders = order_matrix(len(after), bond_orders) if bond_orders else None
    changes = bond_changes(before, after, after_orders=orders)
    in_film = [b for b in changes["broken"] if b.i >= n_substrate and b.j >= n_substrate]
    across = [b for b in find_bonds(after, bond_orders=orders).bonds if (b.i < n_substrate) != (b.j < n_substrate)]
    counts: dict[str, int] = {}
    for b in across:
        counts[b.kind] = counts.get(b.kind, 0) + 1
    doc = AdhesionDocument(
        engine=engine,
        w_adh_J_m2=w_ev * EV_PER_A2_TO_J_PER_M2,
        w_adh_eV_A2=w_ev,
        w_adh_raw_J_m2=w_raw * EV_PER_A2_TO_J_PER_M2,
        w_adh_cp_J_m2=None if cp is None else w_ev * EV_PER_A2_TO_J_PER_M2,
        counterpoise=cp,
        w_adh_check_J_m2=w_check,
        check_level_of_theory=check_level_of_theory if w_check is not None else None,
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
        uber=uber,
        film_charge_e=float(np.sum(charges[n_substrate:])) if charges else None,
        convergence=DerivedConvergence.from_parts(convergence_parts or {}),
        level_of_theory=level_of_theory,
        purpose=Purpose(purpose),
    )
    return Response(output=doc)


@dataclass
class BaseAdhesionMaker(Maker):
    """Work of adhesion of an interface cell with any relax (and static) Maker.

    Parameters
    ----------
    name
        Flow name.
    relax_maker
        Maker whose ``make(structure)`` relaxes at fixed cell and whose output has
        ``output.energy`` (eV) and ``structure`` (atomate2 ASE and VASP documents do);
        None: the registry's relax Maker of ``engine``.
    static_maker
        Optional Maker for single points of the three relaxed structures (e.g.
        a larger basis or plane waves on LCAO geometries); None: the relaxation
        energies are used. Also used for the separation scan.
    fix_bottom_angstrom
        Substrate atoms within this distance (Å) of its lowest atom stay fixed.
    scan_shifts_angstrom
        Rigid shifts (Å) of the relaxed film along z for the UBER scan; None: no scan.
    engine
        Engine recorded in the document; a naspe engine Maker must run this engine.
    counterpoise
        Correct the basis-set superposition error when the energies come from an LCAO
        Maker (GPAW LCAO): four single points on the relaxed interface
        (:mod:`naspe.workflows.flows.common.counterpoise`); ``w_adh_J_m2`` is then the corrected
        value. Other engines: no effect.

    check_maker
        Optional single-point Maker (GPAW plane waves, say) run on the three relaxed
        structures as a check of the reported W_adh: ``w_adh_check_J_m2`` in the document,
        never used in its place.
    purpose
        Screening or production, recorded in the document; None: from the relax Maker
        (:func:`~naspe.workflows.dft.registry.purpose_of`).

    Notes
    -----
    Every part, single point, check and scan point runs the k-point mesh of the interface
    (:func:`~naspe.workflows.dft.periodic.for_system`).

    Every relaxation and single point gets a UUID from its Maker and input
    (:func:`~naspe.workflows.base.identity.with_content_uuid`), so a rerun of a
    half-finished flow with :func:`~naspe.workflows.execution.runner.run_flow`
    reuses the finished ones.
    """

    name: str = "adhesion"
    relax_maker: Maker | None = None
    static_maker: Maker | None = None
    fix_bottom_angstrom: float = 1.0
    scan_shifts_angstrom: tuple[float, ...] | None = None
    engine: str = "gpaw"
    counterpoise: bool = True
    check_maker: Maker | None = None
    purpose: Purpose | None = None

    def __post_init__(self) -> None:
        self.relax_maker = registry.relax_maker_of(self.engine, self.relax_maker)
        if self.purpose is not None:
            self.purpose = Purpose(self.purpose)
        if self.fix_bottom_angstrom < 0:
            raise ValueError(f"fix_bottom_angstrom={self.fix_bottom_angstrom}: must be >= 0 Å")
        if self.scan_shifts_angstrom is not None:
            if len(set(self.scan_shifts_angstrom)) < 4:
                raise ValueError(
                    f"scan_shifts_angstrom={self.scan_shifts_angstrom}: the UBER fit needs >= 4 distinct shifts (Å)"
                )
            if len(set(self.scan_shifts_angstrom)) != len(self.scan_shifts_angstrom):
                raise ValueError(
                    f"scan_shifts_angstrom={self.scan_shifts_angstrom}: each shift (Å) once (a repeated shift is "
                    "the same single point)"
                )
            if self.static_maker is None and not isinstance(self.relax_maker, EngineMaker):
                raise ValueError("a separation scan needs static_maker for this relax_maker (not a naspe engine Maker)")

    def level_of_theory(self) -> str | None:
        """The relax Maker's level of theory; with a static Maker ``energies // geometries``."""
        relax = registry.level_of_theory_of(self.relax_maker)
        if self.static_maker is None:
            return relax
        return f"{registry.level_of_theory_of(self.static_maker)} // {relax}"

    def purpose_of_results(self) -> Purpose:
        """``purpose``, else the registry's verdict on the Makers (screening if either Maker screens)."""
        if self.purpose is not None:
            return self.purpose
        found = [registry.purpose_of(self.relax_maker, self.engine)]
        if self.static_maker is not None:
            found.append(registry.purpose_of(self.static_maker, self.engine, relaxes=False))
        if Purpose.screening in found:
            return Purpose.screening
        return Purpose.unknown if Purpose.unknown in found else Purpose.production

    def scan_maker(self) -> Maker:
        """Single-point Maker of the scan: static_maker, or relax_maker with one step."""
        if self.static_maker is not None:
            return self.static_maker
        return dataclasses.replace(self.relax_maker, steps=1, name=f"{self.relax_maker.name} single point")

    def make(self, interface: Structure, n_substrate: int, strain: float = 0.0) -> Flow:
        """Flow: relax substrate, film and interface (independent), optional statics and scan, then the document.

        Raises
        ------
        ValueError
            Before any job: ``n_substrate`` out of range, a gap (Å) outside
            :data:`~naspe.structures.bounds.GAP_ANGSTROM`, relaxation steps or fmax (eV/Å) outside
            their bounds, or what the engine Maker refuses (atoms too close, too little vacuum).
        """
        whole, substrate, film = split_interface(interface, n_substrate, self.fix_bottom_angstrom)
        check_gap(whole, n_substrate)
        check_relaxation(self.relax_maker)
        parts = {"substrate": substrate, "film": film, "interface": whole}
        relax_maker, static_maker, check_maker = (
            for_system(m, whole) for m in (self.relax_maker, self.static_maker, self.check_maker)
        )
        for maker in (relax_maker, static_maker, check_maker):
            check_inputs(maker, parts)  # bad inputs fail here, not after the first relaxation
        jobs, energy, structures, props, converged = [], {}, {}, {}, {}
        for label, structure in (("substrate", substrate), ("film", film), ("interface", whole)):
            relax = with_content_uuid(relax_maker.make(structure))
            relax.name = f"{self.name} {label} relax"
            jobs.append(relax)
            structures[label] = relax.output.structure
            energy[label] = relax.output.output.energy
            props[label] = engine_properties(self.relax_maker, relax)
            converged[label] = relaxation_of(self.relax_maker, relax)
            if self.static_maker is not None:
                static = with_content_uuid(static_maker.make(relax.output.structure))
                static.name = f"{self.name} {label} static"
                jobs.append(static)
                energy[label] = static.output.output.energy
                converged[f"{label} single point"] = relaxation_of(self.static_maker, static)
        uber = None
        if self.scan_shifts_angstrom is not None:
            scan_maker = for_system(self.scan_maker(), whole)
            scan = with_content_uuid(
                separation_scan(structures["interface"], n_substrate, list(self.scan_shifts_angstrom), scan_maker)
            )
            scan.name = f"{self.name} separation scan"
            jobs.append(scan)
            uber = scan.output
        check = None
        if check_maker is not None:
            check = {}
            for label in ("substrate", "film", "interface"):
                j = with_content_uuid(check_maker.make(structures[label]))
                j.name = f"{self.name} {label} check single point"
                jobs.append(j)
                check[label] = j.output.output.energy
        counterpoise = None
        cp_maker = counterpoise_maker(static_maker or relax_maker) if self.counterpoise else None
        if cp_maker is not None:
            cp = with_content_uuid(
                counterpoise_flow(structures["interface"], n_substrate, cp_maker, "substrate", "film", self.name)
            )
            cp.name = f"{self.name} counterpoise"
            jobs.append(cp)
            counterpoise = cp.output
        doc = adhesion_document(
            energy["substrate"],
            energy["film"],
            energy["interface"],
            structures["interface"],
            whole,
            n_substrate,
            strain,
            self.engine,
            uber,
            charges=props["interface"]["charges"],
            bond_orders=props["interface"]["bond_orders"],
            counterpoise=counterpoise,
            check_energies_eV=check,
            check_level_of_theory=None if check is None else registry.level_of_theory_of(self.check_maker),
            convergence_parts=converged,
            level_of_theory=self.level_of_theory(),
            purpose=self.purpose_of_results().value,
        )
        doc = with_content_uuid(doc)
        doc.name = f"{self.name} work of adhesion"
        return Flow([*jobs, doc], output=doc.output, name=self.name)


def adhesion_maker(
    engine: str, steps: int | None = None, fmax: float | None = None, scan: bool = False
) -> BaseAdhesionMaker:
    """The adhesion Maker of a registry engine, as ``naspe adhesion`` and the campaign build it.

    Parameters
    ----------
    engine
        A name of :data:`naspe.workflows.dft.registry.ENGINES`.
    steps, fmax
        Relaxation steps and force criterion (eV/Å); None: the engine's defaults.
    scan
        Add the separation scan over :data:`SCAN_SHIFTS_ANGSTROM`.

    Raises
    ------
    ValueError
        Unknown engine, or an option the engine does not honour (named, with what it supports).
    """
    spec = registry.engine(engine)
    spec.refuse({"scan": "scan=True"} if scan else {})
    return BaseAdhesionMaker(
        name=f"{spec.label} adhesion",
        relax_maker=spec.relax_maker(steps, fmax),
        scan_shifts_angstrom=SCAN_SHIFTS_ANGSTROM if scan else None,
        engine=spec.name,
    )


@dataclass
class GpawAdhesionMaker(BaseAdhesionMaker):
    """Work of adhesion with GPAW (PBE + D3(BJ)); relax Maker from the registry unless given."""

    name: str = "GPAW adhesion"
    engine: str = "gpaw"


@dataclass
class Cp2kAdhesionMaker(BaseAdhesionMaker):
    """Work of adhesion with CP2K (PBE + D3(BJ), MOLOPT, counterpoise); relax Maker from the registry unless given."""

    name: str = "CP2K adhesion"
    engine: str = "cp2k"


@dataclass
class TbliteAdhesionMaker(BaseAdhesionMaker):
    """Work of adhesion with GFN2-xTB (screening); relax Maker from the registry unless given."""

    name: str = "GFN2-xTB adhesion"
    engine: str = "tblite"


@dataclass
class VaspAdhesionMaker(BaseAdhesionMaker):
    """Work of adhesion with VASP (PBE + D3(BJ), dipole correction) through atomate2."""

    name: str = "VASP adhesion"
    engine: str = "vasp"
