"""The level of theory of any Maker naspe runs, in words, as its documents record it.

naspe's engine Makers say their own (:meth:`naspe.workflows.dft.base.EngineMaker.level_of_theory`,
read from their settings: GPAW's functional and dispersion, LCAO basis and grid or
plane-wave cutoff, k-points, smearing, spin, dipole layer; CP2K's basis, potentials and
cutoffs; GFN2-xTB's method, electronic temperature and cell treatment), so a document
says what was run, not what the engine's defaults are. atomate2's VASP Makers run
naspe's slab sets (:mod:`naspe.workflows.dft.vasp`): :data:`VASP_LEVEL_OF_THEORY`.
"""

from __future__ import annotations

__all__ = ["level_of_theory_of", "VASP_LEVEL_OF_THEORY"]

#: the level of theory of naspe's atomate2 VASP Makers (:mod:`naspe.workflows.dft.vasp`)
VASP_LEVEL_OF_THEORY = "PBE-D3(BJ), VASP PAW"


def level_of_theory_of(maker) -> str | None:
    """The level of theory of ``maker``'s calculations, as its documents record it; None for an unknown Maker."""
    from naspe.workflows.dft.base import EngineMaker  # atomate2's ASE Makers: loaded already when a Maker exists

    if isinstance(maker, EngineMaker):
        return maker.level_of_theory()
    from atomate2.vasp.jobs.base import BaseVaspMaker  # the VASP path only

    if isinstance(maker, BaseVaspMaker):
        return VASP_LEVEL_OF_THEORY
    return None
