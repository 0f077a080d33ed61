"""VASP for slabs and interfaces through atomate2: PBE + D3(BJ), dipole correction, slab k-points.

:func:`vasp_slab_relax_maker` / :func:`vasp_slab_static_maker` are atomate2's VASP
Makers with IVDW = 12 (D3 with Becke-Johnson damping), a dipole correction along
z (LDIPOL, IDIPOL = 3), a fixed cell and a Gamma-centred slab mesh (one k-point
along z). Their inputs generate offline (``potcar_spec=True``); running them
needs ``vasp_command`` and POTCARs (see :mod:`naspe.workflows.dft.registry`).
Defaults: :mod:`naspe.workflows.dft.defaults`.
"""

from __future__ import annotations

from dataclasses import dataclass

from atomate2.vasp.sets.core import RelaxSetGenerator, StaticSetGenerator

from naspe.workflows.dft.defaults import VASP_EDIFFG_EV_A, VASP_K_PRODUCT_ANGSTROM, VASP_NSW, VASP_SIGMA_EV

__all__ = [
    "VASP_SLAB_INCAR",
    "SlabRelaxSetGenerator",
    "SlabStaticSetGenerator",
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


def _slab_kpoints(structure, k_product: float):
    """Gamma-centred mesh with n_i = round(k_product / a_i) in plane and one k-point along z."""
    from pymatgen.io.vasp.inputs import Kpoints

    a, b, _ = structure.lattice.abc
    mesh = (max(1, int(k_product / a + 0.5)), max(1, int(k_product / b + 0.5)), 1)
    return Kpoints(comment="naspe slab mesh", style=Kpoints.supported_modes.Gamma, kpts=[mesh])


@dataclass
class _SlabKpoints:
    """Slab k-point mesh: k_product / a in plane, one k-point along z."""

    k_product: float = VASP_K_PRODUCT_ANGSTROM

    @property
    def kpoints_updates(self):
        """Gamma-centred slab mesh."""
        return _slab_kpoints(self.structure, self.k_product)


@dataclass
class SlabRelaxSetGenerator(_SlabKpoints, RelaxSetGenerator):
    """atomate2's relax set with the slab k-point mesh."""


@dataclass
class SlabStaticSetGenerator(_SlabKpoints, StaticSetGenerator):
    """atomate2's static set with the slab k-point mesh."""


def vasp_slab_relax_maker(k_product: float = VASP_K_PRODUCT_ANGSTROM, **incar_overrides):
    """atomate2 VASP RelaxMaker for slabs/interfaces: PBE-D3(BJ), dipole correction, fixed cell."""
    from atomate2.vasp.jobs.core import RelaxMaker

    gen = SlabRelaxSetGenerator(
        user_incar_settings=VASP_SLAB_INCAR | {"NSW": VASP_NSW, "IBRION": 2} | incar_overrides, k_product=k_product
    )
    return RelaxMaker(name="VASP slab relax", input_set_generator=gen)


def vasp_slab_static_maker(k_product: float = VASP_K_PRODUCT_ANGSTROM, **incar_overrides):
    """atomate2 VASP StaticMaker for slabs/interfaces: PBE-D3(BJ), dipole correction."""
    from atomate2.vasp.jobs.core import StaticMaker

    gen = SlabStaticSetGenerator(
        user_incar_settings=VASP_SLAB_INCAR | {"NSW": 0, "IBRION": -1} | incar_overrides, k_product=k_product
    )
    return StaticMaker(name="VASP slab static", input_set_generator=gen)
