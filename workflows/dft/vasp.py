"""VASP for slabs and interfaces through atomate2: PBE + D3(BJ), dipole correction, naspe's k-point rule.

:func:`vasp_slab_relax_maker` / :func:`vasp_slab_static_maker` are atomate2's VASP
Makers with IVDW = 12 (D3 with Becke-Johnson damping), a dipole correction along
z (LDIPOL, IDIPOL = 3), a fixed cell and the Gamma-centred mesh of
:mod:`naspe.workflows.dft.kpoints` (k*a >= 30 Å on metals and semimetals, >= 20 Å on
insulators, one k-point along a non-periodic direction): the mesh GPAW runs on the
same cell, so the two engines are comparable. The KPOINTS comment records the class,
the target length and the k*a each direction achieves. Their inputs generate offline
(``potcar_spec=True``); running them needs ``vasp_command`` and POTCARs (see :mod:`naspe.workflows.dft.registry`).
Defaults: :mod:`naspe.workflows.dft.defaults`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from atomate2.vasp.sets.core import RelaxSetGenerator, StaticSetGenerator

from naspe.workflows.dft.defaults import VASP_EDIFFG_EV_A, VASP_NSW, VASP_SIGMA_EV
from naspe.workflows.dft.kpoints import KpointMesh, mesh_for_atoms

__all__ = [
    "VASP_SLAB_INCAR",
    "SlabKpoints",
    "SlabRelaxSetGenerator",
    "SlabStaticSetGenerator",
    "vasp_kpoint_mesh",
    "vasp_slab_relax_maker",
    "vasp_slab_static_maker",
]


#: INCAR settings naspe adds for slab/interface work with VASP
VASP_SLAB_INCAR = {
    "GGA": "PE",
    "IVDW": 12,  # D3 with Becke-Johnson damping
    "LDIPOL": True,
    "IDIPOL": 3,  # dipole correction along the surface normal (z)
    "ISIF": 2,  # fixed cell
    "ISMEAR": 0,
    "SIGMA": VASP_SIGMA_EV,
    "EDIFF": 1e-6,
    "EDIFFG": VASP_EDIFFG_EV_A,
    "LREAL": "Auto",
    "LASPH": True,
}


def vasp_kpoint_mesh(structure, system_class=None, periodic=None, k_length_angstrom=None) -> KpointMesh:
    """The mesh of naspe's rule (:mod:`naspe.workflows.dft.kpoints`) for a pymatgen ``structure``."""
    from naspe.workflows.dft.checks import to_atoms

    return mesh_for_atoms(to_atoms(structure), system_class, "energy", k_length_angstrom, periodic)


def _kpoints_file(mesh: KpointMesh):
    """A Gamma-centred KPOINTS whose comment records the rule's class, target and achieved k*a (Å)."""
    from pymatgen.io.vasp.inputs import Kpoints

    achieved = ", ".join("-" if k is None else f"{k:.1f}" for k in mesh.k_length_angstrom)
    comment = f"naspe k-point rule: {mesh.system_class}, k*a >= {mesh.target_angstrom:g} A; achieved {achieved} A"
    return Kpoints(comment=comment, style=Kpoints.supported_modes.Gamma, kpts=[mesh.mesh])


@dataclass
class SlabKpoints:
    """The k-point rule of naspe: class and periodic directions from the structure unless a flow fixed them.

    The part of naspe's VASP input set generators that flows rely on: ``k_length_angstrom``
    (the convergence scan sets it) and :meth:`for_system` (a flow fixes the whole system's mesh).
    """

    system_class: str | None = None
    periodic: tuple[bool, bool, bool] | None = None
    k_length_angstrom: float | None = None

    @property
    def kpoints_updates(self):
        """Gamma-centred mesh of naspe's rule."""
        return _kpoints_file(vasp_kpoint_mesh(self.structure, self.system_class, self.periodic, self.k_length_angstrom))

    def for_system(self, atoms):
        """A copy with the class and periodic directions of ``atoms`` (a flow's whole system) fixed."""
        mesh = mesh_for_atoms(atoms, self.system_class, "energy", self.k_length_angstrom, self.periodic)
        return dataclasses.replace(self, system_class=mesh.system_class, periodic=mesh.periodic)


@dataclass
class SlabRelaxSetGenerator(SlabKpoints, RelaxSetGenerator):
    """atomate2's relax set with naspe's k-point mesh."""


@dataclass
class SlabStaticSetGenerator(SlabKpoints, StaticSetGenerator):
    """atomate2's static set with naspe's k-point mesh."""


def vasp_slab_relax_maker(k_length_angstrom: float | None = None, **incar_overrides):
    """atomate2 VASP RelaxMaker for slabs/interfaces: PBE-D3(BJ), dipole correction, fixed cell.

    ``k_length_angstrom``: a k-point length (Å) instead of the rule's for the system class.
    """
    from atomate2.vasp.jobs.core import RelaxMaker

    gen = SlabRelaxSetGenerator(
        user_incar_settings=VASP_SLAB_INCAR | {"NSW": VASP_NSW, "IBRION": 2} | incar_overrides,
        k_length_angstrom=k_length_angstrom,
    )
    return RelaxMaker(name="VASP slab relax", input_set_generator=gen)


def vasp_slab_static_maker(k_length_angstrom: float | None = None, **incar_overrides):
    """atomate2 VASP StaticMaker for slabs/interfaces: PBE-D3(BJ), dipole correction."""
    from atomate2.vasp.jobs.core import StaticMaker

    gen = SlabStaticSetGenerator(
        user_incar_settings=VASP_SLAB_INCAR | {"NSW": 0, "IBRION": -1} | incar_overrides,
        k_length_angstrom=k_length_angstrom,
    )
    return StaticMaker(name="VASP slab static", input_set_generator=gen)
