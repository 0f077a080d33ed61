"""Counterpoise correction of the basis-set superposition error of LCAO binding and adhesion energies.

In a localised (LCAO) basis each part of a complex borrows the basis functions of
the other, so the complex is lowered more than the parts computed alone and the
binding is overestimated. The counterpoise correction of Boys & Bernardi (Mol.
Phys. 19 (1970) 553) computes each part A in the full basis of the complex at its
geometry in the complex, with the other part's atoms as ghosts (basis functions,
no nuclei, no electrons; GPAW ``setups={index: "ghost"}``, CP2K ghost kinds, D3
between real atoms only):

    BSSE_A = E_A(own basis, complex geometry) - E_A(full basis, complex geometry)   (eV, >= 0)

and corrects the interaction with the sum over both parts. The parts are relaxed
separately in the uncorrected energy, so the correction carries the deformation
term (the counterpoise with fragment relaxation, Xantheas, J. Chem. Phys. 104
(1996) 8821):

    E_bind^cp = E_bind + BSSE_substrate + BSSE_fragment                 (less negative)
    W_adh^cp  = W_adh - (BSSE_substrate + BSSE_film) / A                 (smaller)

Four single points per complex, on the relaxed complex (the first ``n_a`` sites are
part A, the rest part B), with the complex's k-point mesh and its slab or 3D cell (a part
alone may show a vacuum gap along z that the complex lacks; it is still computed 3D,
:meth:`~naspe.workflows.dft.periodic.PeriodicEngineMaker.prepare`). Plane waves and
GFN2-xTB need no such correction (:func:`counterpoise_maker` returns None for them).
Measured here (PBE-D3(BJ), GPAW LCAO dzp, h = 0.3 Å, water dimer of the S22 set,
Jurečka et al., Phys. Chem. Chem. Phys. 8 (2006) 1985, reference -0.218 eV):
-0.374 eV uncorrected, -0.225 eV corrected, BSSE 0.149 eV (0.026 eV on the first water of the set,
0.123 eV on the second).

The correction's document, :class:`CounterpoiseCorrection`, is in the light
:mod:`naspe.workflows.flows.common.schemas` and re-exported here.
"""

from __future__ import annotations

import dataclasses

from jobflow import Flow, Maker, Response, job
from pymatgen.core import Structure

from naspe.workflows.base.identity import with_content_uuid
from naspe.workflows.base.kinds import runs_on
from naspe.workflows.flows.common.schemas import COUNTERPOISE_METHOD as METHOD
from naspe.workflows.flows.common.schemas import CounterpoiseCorrection

__all__ = [
    "CounterpoiseCorrection",
    "METHOD",
    "counterpoise_maker",
    "counterpoise_flow",
    "counterpoise_correction",
]


def counterpoise_maker(maker: Maker | None) -> Maker | None:
    """The single-point Maker of the counterpoise jobs for ``maker``'s energies, or None when none is needed.

    A naspe engine Maker with a localised basis (GPAW LCAO, CP2K) gives its one-step copy
    (:meth:`~naspe.workflows.dft.base.EngineMaker.counterpoise_single_point`); plane-wave
    GPAW, tblite and atomate2's VASP Makers give None (no localised basis to correct).
    """
    from naspe.workflows.dft.base import EngineMaker

    if not isinstance(maker, EngineMaker):
        return None
    return maker.counterpoise_single_point()


def _part(system: Structure, keep: list[int], ghosts: list[int]) -> Structure:
    """The sites ``keep`` (own basis) or all sites with ``ghosts`` (full basis), moments of ghost sites zeroed."""
    sites = [system.sites[i] for i in (keep if not ghosts else range(len(system)))]
    out = Structure.from_sites(sites)
    if ghosts and "magmom" in out.site_properties:
        moments = list(out.site_properties["magmom"])
        for i in ghosts:
            moments[i] = 0.0
        out.add_site_property("magmom", moments)
    return out


@job
def counterpoise_correction(
    part_a: str, part_b: str, n_a: int, a_own: float, a_full: float, b_own: float, b_full: float, basis=None
) -> CounterpoiseCorrection:
    """The correction from the four single-point energies (eV)."""
    return CounterpoiseCorrection.from_energies(part_a, part_b, n_a, a_own, a_full, b_own, b_full, basis)


@job
@runs_on("dft")
def counterpoise_flow(system: Structure, n_a: int, static_maker: Maker, part_a: str, part_b: str, name: str):
    """Replace itself by the four counterpoise single points of the relaxed ``system`` and their correction."""
    n = len(system)
    a, b = list(range(n_a)), list(range(n_a, n))
    runs = {
        "a_own": (_part(system, a, []), ()),
        "a_full": (_part(system, a, b), tuple(b)),
        "b_own": (_part(system, b, []), ()),
        "b_full": (_part(system, b, a), tuple(a)),
    }
    jobs = {}
    for key, (structure, ghosts) in runs.items():
        j = with_content_uuid(dataclasses.replace(static_maker, ghosts=ghosts).make(structure))
        label = part_a if key.startswith("a") else part_b
        j.name = f"{name} counterpoise {label} {'full basis' if ghosts else 'own basis'}"
        jobs[key] = j
    energies = {k: j.output.output.energy for k, j in jobs.items()}
    result = counterpoise_correction(part_a, part_b, n_a, **energies, basis=static_maker.localised_basis)
    result.name = f"{name} counterpoise correction"
    return Response(replace=Flow([*jobs.values(), result], output=result.output))
