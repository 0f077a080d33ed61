"""Named substrates of the study, so the CLI and workflows build them the same way."""

from __future__ import annotations

from collections.abc import Callable

from ase import Atoms

from naspe.structures.bounds import LAYERS, REPEAT
from naspe.structures.carbon import graphene, graphene_edge, graphite, na_on_carbon, oxidised_carbon, with_vacancy
from naspe.structures.metal import Miller, na_slab

__all__ = ["SUBSTRATES", "build_substrate"]


def _na(miller: Miller) -> Callable[..., Atoms]:
    def build(layers: int, repeat: tuple[int, int], vacuum: float) -> Atoms:
        return na_slab(miller, layers=layers, repeat=repeat, vacuum=vacuum)

    return build


SUBSTRATES: dict[str, Callable[..., Atoms]] = {
    "na100": _na("100"),
    "na110": _na("110"),
    "na111": _na("111"),
    "graphene": lambda layers, repeat, vacuum: graphene(repeat, vacuum),
    "graphite": lambda layers, repeat, vacuum: graphite(layers, repeat, vacuum),
    "graphene-vacancy": lambda layers, repeat, vacuum: with_vacancy(graphene(repeat, vacuum), "mono"),
    "graphene-divacancy": lambda layers, repeat, vacuum: with_vacancy(graphene(repeat, vacuum), "di"),
    "graphene-edge": lambda layers, repeat, vacuum: graphene_edge("zigzag", length=repeat[0], vacuum=vacuum),
    "graphene-edge-armchair": lambda layers, repeat, vacuum: graphene_edge("armchair", length=repeat[0], vacuum=vacuum),
    "graphene-oxidised": lambda layers, repeat, vacuum: oxidised_carbon("carbonyl", repeat),
    "graphene-epoxide": lambda layers, repeat, vacuum: oxidised_carbon("epoxide", repeat),
    "graphene-hydroxyl": lambda layers, repeat, vacuum: oxidised_carbon("hydroxyl", repeat),
    "graphene-ether": lambda layers, repeat, vacuum: oxidised_carbon("ether", repeat),
    "na-on-graphene": lambda layers, repeat, vacuum: na_on_carbon(graphene(repeat, vacuum)),
}


def build_substrate(name: str, layers: int = 4, repeat: tuple[int, int] = (3, 2), vacuum: float = 10.0) -> Atoms:
    """Build the substrate called ``name`` (one of :data:`SUBSTRATES`)."""
    if name not in SUBSTRATES:
        raise ValueError(f"substrate {name!r}: allowed are {', '.join(SUBSTRATES)}")
    LAYERS.check(layers, "layers")
    for r in repeat:
        REPEAT.check(r, "repeat")
    return SUBSTRATES[name](layers, tuple(repeat), vacuum)
