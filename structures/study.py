"""The adhesion systems of the PEO/NaFSI | Na and Na/C study, built by name.

One place decides how a (substrate, film) pair becomes an interface cell, so the
CLI, the study flow and scripts build identical models:

- films ``peo`` (infinite all-trans PEO chains along x), ``nafsi`` (a contact
  Na+ FSI- pair), ``peo-nafsi`` (both), on any substrate of
  :data:`naspe.structures.catalog.SUBSTRATES`;
- film ``na110``: a bcc Na(110) slab lattice-matched (ZSL) onto graphite(0001),
  the Na/C composite of the anode.

:data:`STUDY_SYSTEMS` is the study's set: PEO on Na(110) and Na(100), on
graphene and graphite, on defective and oxidised carbon (vacancy, zigzag edge,
carbonyl) and on the Na/C composite (Na adatom on graphene); Na(110) on
graphite; NaFSI on Na(110).
"""

from __future__ import annotations

from typing import cast

from naspe.structures.carbon import graphite
from naspe.structures.catalog import SUBSTRATES, build_substrate
from naspe.structures.interfaces import InterfaceResult, chain_on_slab, crystal_interface, ion_pair_on_slab
from naspe.structures.metal import na_bulk
from naspe.structures.systems import FILMS, Interface

__all__ = ["FILMS", "STUDY_SYSTEMS", "DEFAULT_REPEAT", "Interface", "build_adhesion_system"]


#: lateral repeats that fit whole PEO repeat units (7.15 Å per 2 EO) within 5 % strain
DEFAULT_REPEAT: dict[str, tuple[int, int]] = {"na100": (5, 2), "na110": (5, 2), "na111": (3, 2)}

#: "film/substrate" names of the study's interfaces
STUDY_SYSTEMS = (
    "peo/na110",
    "peo/na100",
    "peo/graphene",
    "peo/graphite",
    "peo/graphene-vacancy",
    "peo/graphene-edge",
    "peo/graphene-oxidised",
    "peo/na-on-graphene",
    "na110/graphite",
    "nafsi/na110",
)


def build_adhesion_system(
    substrate: str,
    film: str,
    layers: int = 3,
    repeat: tuple[int, int] | None = None,
    gap_angstrom: float = 2.8,
    vacuum_angstrom: float = 8.0,
    max_strain: float = 0.05,
) -> InterfaceResult:
    """Interface cell of ``film`` on ``substrate``.

    Parameters
    ----------
    substrate
        A name of :data:`naspe.structures.catalog.SUBSTRATES`.
    film
        One of :data:`FILMS`; ``na110`` goes on ``graphite`` only.
    layers
        Substrate layers (Na atomic layers or graphite sheets).
    repeat
        Lateral substrate repeats; None: :data:`DEFAULT_REPEAT` or (3, 2).
    gap_angstrom
        Substrate-film gap (Å).
    vacuum_angstrom
        Vacuum above the film (Å).
    max_strain
        Largest in-plane strain of the film (fraction).

    Raises
    ------
    ValueError
        Unknown names, or no cell within ``max_strain``.
    """
    if film not in FILMS:
        raise ValueError(f"film {film!r}: allowed are {', '.join(FILMS)}")
    if substrate not in SUBSTRATES:
        raise ValueError(f"substrate {substrate!r}: allowed are {', '.join(SUBSTRATES)}")
    if film == "na110":
        if substrate != "graphite":
            raise ValueError(f"film 'na110' on substrate {substrate!r}: the allowed substrate is graphite")
        result = crystal_interface(
            graphite(2, vacuum=0),
            na_bulk(),
            (0, 0, 1),
            (1, 1, 0),
            max_strain=max_strain,
            max_area_angstrom2=60.0,
            gap=gap_angstrom,
            vacuum=vacuum_angstrom,
            substrate_layers=max(1, layers // 2),  # graphite's AB cell holds two sheets
            film_layers=2,
        )
        # pymatgen's builder leaves most of the vacuum below the substrate (2.1 Å above the film for 8 Å):
        # centre along z so that both faces have vacuum (GPAW's non-periodic z needs >= 3 Å at each)
        result.atoms.center(axis=2)
        return result
    # a list (CLI, JSON) as the tuple of the hint; the builder checks that it holds two repeats
    rep = cast("tuple[int, int]", tuple(repeat)) if repeat is not None else DEFAULT_REPEAT.get(substrate, (3, 2))
    slab = build_substrate(substrate, layers, rep, vacuum=5.0)
    if film == "nafsi":
        return ion_pair_on_slab(slab, gap=gap_angstrom, vacuum=vacuum_angstrom, y_fraction=0.5)
    result = chain_on_slab(slab, gap=gap_angstrom, vacuum=vacuum_angstrom, max_strain=max_strain)
    if film == "peo-nafsi":
        result = ion_pair_on_slab(result, gap=gap_angstrom, vacuum=vacuum_angstrom)
    return result
