"""The level of theory of an engine Maker, in words, as its documents record it.

:func:`level_of_theory_of` reads the Maker's own settings (GPAW: functional and
dispersion, LCAO basis and grid or plane-wave cutoff, k-points, smearing, spin,
dipole layer; GFN2-xTB: method, electronic temperature, cell treatment), so a
document says what was run, not what the engine's defaults are. The engine
registry (:mod:`naspe.workflows.dft.registry`) and the engine Makers
(:mod:`naspe.workflows.dft.base`) both use it; it imports neither.
"""

from __future__ import annotations

__all__ = ["level_of_theory_of", "VASP_LEVEL_OF_THEORY"]

#: the level of theory of naspe's atomate2 VASP Makers (:mod:`naspe.workflows.dft.vasp`)
VASP_LEVEL_OF_THEORY = "PBE-D3(BJ), VASP PAW"


def level_of_theory_of(maker) -> str | None:
    """The level of theory of ``maker``'s calculations, as its documents record it; None for an unknown Maker.

    GPAW: functional, dispersion, mode and basis (or cutoff), grid, k-point density,
    smearing, spin and dipole layer, read from the Maker; GFN2-xTB: method, dispersion,
    electronic temperature and cell treatment; VASP (atomate2 Makers): :data:`VASP_LEVEL_OF_THEORY`.
    """
    name = getattr(maker, "engine", None)
    if name in ("gpaw", "cp2k"):
        dispersion = {"d3bj": "-D3(BJ)", "d3zero": "-D3(zero)", None: ""}.get(maker.dispersion, f"+{maker.dispersion}")
        if maker.kpts is not None:
            kpoints = f"k-point mesh {tuple(maker.kpts)}"
        elif maker.k_length_angstrom is not None:
            kpoints = f"k-point length {maker.k_length_angstrom:g} Å"
        else:
            kpoints = "k-points by naspe's k-point rule"
        shared = (
            f"{kpoints}, Fermi-Dirac {maker.smearing_eV:g} eV, "
            f"{'spin-polarised' if maker.spinpol else 'spin-restricted'}, "
        )
        if name == "cp2k":
            return (
                f"PBE{dispersion}, CP2K GPW {maker.basis} / {maker.potential} (Na q{maker.na_valence}), "
                f"{maker.cutoff_ry:g} Ry (relative {maker.rel_cutoff_ry:g} Ry), {shared}"
                "slabs 2D periodic (analytic Poisson)"
            )
        mode = (
            f"PW {maker.ecut_eV:g} eV"
            if maker.mode == "pw"
            else f"LCAO {maker.basis}, grid {maker.grid_spacing_angstrom:g} Å"
        )
        return (
            f"PBE{dispersion}, GPAW {mode}, {shared}"
            f"{'dipole layer along z' if maker.dipole_correction else 'no dipole correction'}"
        )
    if name == "tblite":
        kw = maker.calculator_kwargs
        return (
            f"{kw.get('method', 'GFN2-xTB')} (tblite, built-in D4), Fermi {kw.get('electronic_temperature', 300):g} K, "
            "Gamma point, 3D periodic, no dipole correction, spin-restricted"
        )
    if name == "vasp" or "vasp" in type(maker).__module__.lower():
        return VASP_LEVEL_OF_THEORY
    return None
