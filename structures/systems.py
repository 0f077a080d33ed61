"""The names of the study's adhesion systems: films, substrates, their classes, ``Interface``.

Light (no structure builders behind it): results, the report and the CLI name and
classify systems with it without importing ASE or pymatgen. The builders of the
substrates are :data:`naspe.structures.catalog.SUBSTRATES`, one per name of
:data:`SUBSTRATE_CLASSES`; :mod:`naspe.structures.study` builds an :class:`Interface`.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FILMS", "SUBSTRATE_CLASSES", "SITE_SUBSTRATES", "Interface", "substrate_class"]

#: films of the adhesion systems: PEO chains, a NaFSI contact pair, both, and a Na(110) slab (on graphite only)
FILMS = ("peo", "nafsi", "peo-nafsi", "na110")

#: class of each substrate in the study's question (Na foil against the carbon of the Na/C anode): the class
#: the W_adh tables, the study summary and the report's conclusion compare
SUBSTRATE_CLASSES: dict[str, str] = {
    "na100": "Na",
    "na110": "Na",
    "na111": "Na",
    "graphene": "carbon",
    "graphite": "carbon",
    "graphene-vacancy": "defective/oxidised carbon",
    "graphene-divacancy": "defective/oxidised carbon",
    "graphene-edge": "defective/oxidised carbon",
    "graphene-edge-armchair": "defective/oxidised carbon",
    "graphene-oxidised": "defective/oxidised carbon",
    "graphene-epoxide": "defective/oxidised carbon",
    "graphene-hydroxyl": "defective/oxidised carbon",
    "graphene-ether": "defective/oxidised carbon",
    "na-on-graphene": "Na/C",
}
#: the bonding cases' site names and the substrates they are sites of
SITE_SUBSTRATES = {"vacancy": "graphene-vacancy", "edge": "graphene-edge", "oxidised": "graphene-oxidised"}


def substrate_class(substrate: str | None, film: str | None = None) -> str | None:
    """Class of a substrate (or bonding site): 'Na', 'carbon', 'defective/oxidised carbon' or 'Na/C'.

    None for an unknown name. A Na film on a carbon substrate (``na110/graphite``) is the Na/C composite too.
    """
    if substrate is None:
        return None
    substrate = SITE_SUBSTRATES.get(substrate, substrate)
    cls = SUBSTRATE_CLASSES.get(substrate)
    if cls is None and substrate.startswith("graphene-"):
        cls = "defective/oxidised carbon"
    metal_film = film is not None and film.startswith("na") and film != "nafsi"
    if metal_film and cls in ("carbon", "defective/oxidised carbon"):
        return "Na/C"
    return cls


@dataclass(frozen=True)
class Interface:
    """One adhesion system of the study: ``film`` on ``substrate``, named ``"film/substrate"``.

    Parameters
    ----------
    film
        One of :data:`FILMS`.
    substrate
        A name of :data:`SUBSTRATE_CLASSES` (built by :data:`naspe.structures.catalog.SUBSTRATES`).
    """

    film: str
    substrate: str

    def __post_init__(self) -> None:
        if self.film not in FILMS or self.substrate not in SUBSTRATE_CLASSES:
            raise ValueError(
                f"system {self.name!r}: expected 'film/substrate' with film in {', '.join(FILMS)} "
                f"and substrate in {', '.join(SUBSTRATE_CLASSES)}"
            )

    @classmethod
    def parse(cls, name: str) -> Interface:
        """The interface called ``name`` (``"film/substrate"``), checked against the known names."""
        film, sep, substrate = name.partition("/")
        if not sep:
            raise ValueError(
                f"system {name!r}: expected 'film/substrate' with film in {', '.join(FILMS)} "
                f"and substrate in {', '.join(SUBSTRATE_CLASSES)}"
            )
        return cls(film, substrate)

    @property
    def name(self) -> str:
        """``"film/substrate"``: how campaigns, stored documents and the CLI name it."""
        return f"{self.film}/{self.substrate}"

    @property
    def substrate_class(self) -> str | None:
        """The class of its substrate for the study's comparison (see :func:`substrate_class`)."""
        return substrate_class(self.substrate, self.film)

    def __str__(self) -> str:
        return self.name
