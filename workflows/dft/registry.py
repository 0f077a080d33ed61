"""One entry per engine: what it computes, its defaults, what it supports and what it cannot do.

Every entry point takes its engine from here: ``naspe adhesion`` and ``naspe bonding``
(their ``--engine`` choices are :data:`ENGINES`), the campaign, and the adhesion and
bonding flows' per-engine Makers. So one engine name with one set of settings is one
calculation, whichever entry point asked for it.

``engine("tblite").relax_maker(steps=5, fmax=0.2)`` is the GFN2-xTB relax Maker
every entry point builds for those settings; ``engine("tblite").defaults`` says
what it runs with (1000 K electronic temperature, Gamma point, D4).

What an engine cannot do is stated twice: ``limits`` in words and
:class:`EngineLimits` field by field (its purpose, metals, dipole correction, spin,
periodicity), which documents and the report repeat next to the numbers.
:func:`level_of_theory_of` is the level of theory of one Maker as its documents record
it (method, dispersion, basis, k-points, smearing, spin, dipole), and
:func:`purpose_of` whether its results are screening or production:
GFN2-xTB always screening; GPAW LCAO screening, GPAW plane waves production; VASP
production; any force criterion looser than
:data:`~naspe.workflows.dft.defaults.RELAX_FMAX_EV_A`, or single points where relaxations
were asked for (``steps <= 1``), make a run screening.

An option an engine does not honour is refused, not dropped:
:meth:`EngineSpec.refuse` raises a ValueError naming the option (as the caller
spells it: ``--steps``, ``adhesion.steps``), the engine and what it supports.
The numbers themselves are in :mod:`naspe.workflows.dft.defaults`, which the
engine Makers read too. This module imports no engine: the Makers (and atomate2)
load on the first :meth:`EngineSpec.relax_maker` / :meth:`EngineSpec.static_maker`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from naspe.workflows.dft.convergence import Purpose
from naspe.workflows.dft.defaults import (
    CP2K_BASIS,
    CP2K_CUTOFF_RY,
    GPAW_BASIS,
    GPAW_SMEARING_EV,
    KB_EV_PER_K,
    RELAX_FMAX_EV_A,
    TBLITE_ELECTRONIC_TEMPERATURE_K,
    VASP_EDIFFG_EV_A,
    VASP_NSW,
    VASP_SIGMA_EV,
)
from naspe.workflows.dft.engine_names import ENGINE_NAMES
from naspe.workflows.dft.engine_spec import CAPABILITIES, EngineDefaults, EngineLimits, EngineSpec
from naspe.workflows.dft.kpoints import CORE_LEVEL_K_LENGTH_ANGSTROM, K_LENGTH_ANGSTROM
from naspe.workflows.dft.theory import VASP_LEVEL_OF_THEORY, level_of_theory_of

__all__ = [
    "CAPABILITIES",
    "EngineDefaults",
    "EngineLimits",
    "EngineSpec",
    "ENGINES",
    "engine",
    "relax_maker_of",
    "level_of_theory_of",
    "purpose_of",
]


def _lengths(table: Mapping[str, float]) -> str:
    return ", ".join(f"k*a >= {v:g} Å ({k})" for k, v in table.items())


#: naspe's one k-point rule in words (GPAW and VASP run the same mesh on the same cell)
KPOINT_RULE = (
    f"Gamma-centred, n_i = ceil(L |b_i|) along periodic directions with {_lengths(K_LENGTH_ANGSTROM)}, one "
    "k-point along a slab's normal (naspe.workflows.dft.kpoints)"
)


def _ase_relax_kwargs(steps: int | None, fmax: float | None) -> dict:
    """Keyword arguments of a naspe ASE Maker for the given steps / fmax (none: its defaults)."""
    kwargs: dict = {} if steps is None else {"steps": steps}
    if fmax is not None:
        kwargs["relax_kwargs"] = {"fmax": fmax}
    return kwargs


def _gpaw_relax(steps, fmax):
    from naspe.workflows.dft.gpaw import GpawRelaxMaker

    return GpawRelaxMaker(**_ase_relax_kwargs(steps, fmax))


def _gpaw_static():
    from naspe.workflows.dft.gpaw import GpawStaticMaker

    return GpawStaticMaker()


def _cp2k_relax(steps, fmax):
    from naspe.workflows.dft.cp2k import Cp2kRelaxMaker

    return Cp2kRelaxMaker(**_ase_relax_kwargs(steps, fmax))


def _cp2k_static():
    from naspe.workflows.dft.cp2k import Cp2kStaticMaker

    return Cp2kStaticMaker()


def _tblite_relax(steps, fmax):
    from naspe.workflows.dft.tblite import TbliteRelaxMaker

    return TbliteRelaxMaker(**_ase_relax_kwargs(steps, fmax))


def _tblite_static():
    from naspe.workflows.dft.tblite import TbliteStaticMaker

    return TbliteStaticMaker()


def _vasp_relax(steps, fmax):  # steps and fmax are refused before this is called
    from naspe.workflows.dft.vasp import vasp_slab_relax_maker

    return vasp_slab_relax_maker()


def _vasp_static():
    from naspe.workflows.dft.vasp import vasp_slab_static_maker

    return vasp_slab_static_maker()


_VASP_RELAXATION = f"NSW = {VASP_NSW} and EDIFFG = {VASP_EDIFFG_EV_A} eV/Å come from the VASP input set"

#: engine name -> its entry
ENGINES: Mapping[str, EngineSpec] = MappingProxyType(
    {
        "gpaw": EngineSpec(
            name="gpaw",
            label="GPAW",
            level_of_theory=f"PBE-D3(BJ), GPAW LCAO {GPAW_BASIS}",
            defaults=EngineDefaults(
                electronic_temperature_K=GPAW_SMEARING_EV / KB_EV_PER_K,
                smearing=f"Fermi-Dirac, {GPAW_SMEARING_EV} eV",
                kpoints=KPOINT_RULE + f" (core-level single points: {_lengths(CORE_LEVEL_K_LENGTH_ANGSTROM)})",
                dispersion="D3(BJ) (dftd3)",
                k_length_angstrom=MappingProxyType(K_LENGTH_ANGSTROM),
                core_level_k_length_angstrom=MappingProxyType(CORE_LEVEL_K_LENGTH_ANGSTROM),
            ),
            cannot=MappingProxyType({"bond_orders": "GPAW gives no bond orders; bonds are found from distances"}),
            limits=(
                "LCAO dzp is for screening and tests; converged work uses mode='pw' with a checked cutoff",
                "GPAW's non-periodic z needs >= 3 Å of vacuum from each slab face",
            ),
            known_limits=EngineLimits(
                purpose=Purpose.screening,
                metals=f"PBE with Fermi-Dirac smearing ({GPAW_SMEARING_EV} eV) describes Na metal; the LCAO "
                f"{GPAW_BASIS} basis adds basis-set superposition error to W_adh and E_bind unless a counterpoise "
                "correction is applied",
                dipole_correction=True,
                dipole="dipole layer along z for slabs (z non-periodic)",
                spin="spin-restricted unless spinpol is set (bonding sets it for open-shell fragments such as a "
                "Na atom)",
                periodicity="periodic in plane with a Gamma-centred k-point mesh, non-periodic along a slab's normal "
                "(one k-point along it)",
            ),
            make_relax=_gpaw_relax,
            make_static=_gpaw_static,
        ),
        "cp2k": EngineSpec(
            name="cp2k",
            label="CP2K",
            level_of_theory=f"PBE-D3(BJ), CP2K GPW {CP2K_BASIS} / GTH-PBE, {CP2K_CUTOFF_RY:g} Ry",
            defaults=EngineDefaults(
                electronic_temperature_K=GPAW_SMEARING_EV / KB_EV_PER_K,
                smearing=f"Fermi-Dirac, {GPAW_SMEARING_EV} eV",
                kpoints=KPOINT_RULE + " (written point by point, k and -k folded)",
                dispersion="D3(BJ) (dftd3, outside CP2K, as with GPAW)",
                k_length_angstrom=MappingProxyType(K_LENGTH_ANGSTROM),
            ),
            cannot=MappingProxyType(
                {
                    "charges": "naspe does not read CP2K's population analyses yet",
                    "bond_orders": "CP2K gives no bond orders here; bonds are found from distances",
                }
            ),
            limits=(
                "needs Debian's cp2k and cp2k-data (make setup installs them)",
                "slabs are 2D periodic (analytic Poisson solver) with >= 4 Å of vacuum to each face; the surface "
                "dipole correction of this CP2K build crashes, so naspe never writes it",
                "the MOLOPT basis adds basis-set superposition error: W_adh and E_bind are counterpoise-corrected",
            ),
            known_limits=EngineLimits(
                purpose=Purpose.production,
                metals=f"PBE with Fermi-Dirac smearing ({GPAW_SMEARING_EV} eV) and the Na GTH q1 potential "
                f"(3s valence) describes Na metal; the {CP2K_BASIS} basis adds basis-set superposition error, "
                "which the counterpoise correction removes from W_adh and E_bind",
                dipole_correction=True,
                dipole="none needed: slabs are 2D periodic (analytic Poisson solver), so images do not interact",
                spin="spin-restricted unless spinpol is set (UKS; bonding sets it for open-shell fragments)",
                periodicity="periodic in plane with naspe's Gamma-centred k-point mesh, isolated along a slab's "
                "normal (2D Poisson solver); 3D periodic otherwise",
            ),
            make_relax=_cp2k_relax,
            make_static=_cp2k_static,
        ),
        "tblite": EngineSpec(
            name="tblite",
            label="GFN2-xTB",
            level_of_theory="GFN2-xTB (tblite, built-in D4)",
            defaults=EngineDefaults(
                electronic_temperature_K=TBLITE_ELECTRONIC_TEMPERATURE_K,
                smearing=f"Fermi, {TBLITE_ELECTRONIC_TEMPERATURE_K:.0f} K for every cell: the GFN2-xTB SCF of Na "
                "slabs (peo/na-on-graphene) does not converge at 300 K; cells with a gap are unaffected",
                kpoints="Gamma point only (tblite takes no k-points)",
                dispersion="D4 (part of GFN2-xTB)",
            ),
            cannot=MappingProxyType({}),
            limits=(
                "screening only: GFN2-xTB is a tight-binding method made for molecules; on Na slabs W_adh is "
                "qualitative",
                "no dipole correction: the slab cell is treated as 3D periodic",
                "Gamma point only: small cells of metals are poorly sampled",
                "the SCF of some Na interfaces does not converge even at 1000 K (peo/na100, nafsi/na110 here): "
                "those give a failed document, not a W_adh",
            ),
            known_limits=EngineLimits(
                purpose=Purpose.screening,
                metals="GFN2-xTB is parametrised for molecules (Bannwarth, Ehlert & Grimme, J. Chem. Theory Comput. "
                "15 (2019) 1652), not metals: on Na slabs, at the Gamma point and a 1000 K Fermi smearing, its "
                "W_adh and E_bind are qualitative",
                dipole_correction=False,
                dipole="none: the slab cell is 3D periodic, so an asymmetric slab feels its images' dipoles",
                spin="no spin polarisation (restricted, Fermi-smeared occupations): open-shell fragments such as a "
                "Na atom are not spin-polarised",
                periodicity="3D periodic (the vacuum separates slab images), Gamma point only",
            ),
            make_relax=_tblite_relax,
            make_static=_tblite_static,
        ),
        "vasp": EngineSpec(
            name="vasp",
            label="VASP",
            level_of_theory=VASP_LEVEL_OF_THEORY,
            defaults=EngineDefaults(
                electronic_temperature_K=VASP_SIGMA_EV / KB_EV_PER_K,
                smearing=f"Gaussian (ISMEAR = 0), SIGMA = {VASP_SIGMA_EV} eV",
                kpoints=KPOINT_RULE,
                dispersion="D3(BJ) (IVDW = 12)",
                k_length_angstrom=MappingProxyType(K_LENGTH_ANGSTROM),
            ),
            cannot=MappingProxyType(
                {
                    "steps": _VASP_RELAXATION,
                    "fmax": _VASP_RELAXATION,
                    "scan": "its single points are the relax Maker run for one step, and VASP's steps are NSW",
                    "charges": "atomate2's VASP documents carry no naspe charges",
                    "bond_orders": "atomate2's VASP documents carry no bond orders",
                }
            ),
            limits=(
                "cannot run on this machine without a VASP licence: needs vasp_command and POTCARs",
                _VASP_RELAXATION,
                "naspe does not read the convergence of atomate2's VASP relaxations: their W_adh and E_bind read as "
                "convergence unknown (left out of the report's conclusion)",
            ),
            known_limits=EngineLimits(
                purpose=Purpose.production,
                metals=f"PAW PBE with Gaussian smearing ({VASP_SIGMA_EV} eV) describes Na metal",
                dipole_correction=True,
                dipole="LDIPOL with IDIPOL = 3 (along z)",
                spin="as the atomate2 input set sets ISPIN",
                periodicity="3D periodic, the Gamma-centred mesh of naspe's k-point rule (the one GPAW runs on the "
                "same cell), one k-point along z",
            ),
            make_relax=_vasp_relax,
            make_static=_vasp_static,
            needs=(
                "VASP: set vasp_command (e.g. 'srun vasp_std') in naspe.yaml or NASPE_VASP_COMMAND, and "
                "PMG_VASP_PSP_DIR for the POTCARs",
                "vasp_command",
            ),
        ),
    }
)
if tuple(ENGINES) != ENGINE_NAMES:  # the command line's choices come from engine_names, without this module
    raise RuntimeError(f"dft.engine_names.ENGINE_NAMES {ENGINE_NAMES} != the registry's {tuple(ENGINES)}")


def engine(name: str) -> EngineSpec:
    """The registry entry of engine ``name``.

    Raises
    ------
    ValueError
        Naming the unknown engine and the allowed ones.
    """
    try:
        return ENGINES[name]
    except (KeyError, TypeError):
        raise ValueError(f"engine {name!r}: allowed are {', '.join(ENGINES)}") from None


def relax_maker_of(name: str, maker=None):
    """``maker``, or the registry's relax Maker of engine ``name`` when it is None (the flows' default).

    Raises
    ------
    ValueError
        ``maker`` is a naspe engine Maker of another engine (its documents would be
        labelled with the wrong engine), or ``name`` is unknown and no Maker is given.
    """
    if maker is None:
        return engine(name).relax_maker()
    from naspe.workflows.dft.base import EngineMaker

    runs = maker.engine if isinstance(maker, EngineMaker) else name
    if runs != name:
        raise ValueError(f"engine={name!r}, but relax_maker {maker.name!r} runs {runs!r}")
    return maker


def purpose_of(maker, engine_name: str | None = None, relaxes: bool = True) -> Purpose:
    """Screening or production for ``maker`` (see the module docstring); unknown for a Maker not recognised.

    Parameters
    ----------
    maker
        A relax Maker (naspe engine Maker, or atomate2's VASP Maker with ``engine_name="vasp"``).
    engine_name
        The engine when the Maker does not name it (atomate2's VASP Makers).
    relaxes
        The Maker stands for a relaxation: with ``steps <= 1`` (single points, geometries not
        relaxed) its results are screening. False for single points on relaxed geometries.
    """
    from naspe.workflows.dft.base import EngineMaker  # atomate2: only when a Maker exists already

    if not isinstance(maker, EngineMaker):
        return ENGINES["vasp"].known_limits.purpose if engine_name == "vasp" else Purpose.unknown
    purpose = maker.settings_purpose()
    if purpose is Purpose.production and maker.fmax_ev_per_a > RELAX_FMAX_EV_A:
        return Purpose.screening
    if relaxes and maker.steps <= 1:
        return Purpose.screening
    return purpose
