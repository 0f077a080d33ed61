"""The adhesion and bonding Makers refuse impossible relaxations and gaps in make(), with the CLI's bounds.

Python users get the refusal the command line gives (``naspe adhesion --steps 0``): before the
change atomate2 ran a relaxation of 0 or -5 steps as a single point and one with fmax -1 eV/Å
until its step limit, and a film 0.5 Å above the substrate was relaxed as given.
"""

from __future__ import annotations

import numpy as np
import pytest

from naspe.structures.bounds import ANCHOR_HEIGHT_ANGSTROM, FMAX_EV_A, GAP_ANGSTROM, RELAX_STEPS
from naspe.structures.carbon import graphene
from naspe.structures.peo import peo_oligomer
from naspe.structures.placement import placement_structure
from naspe.structures.reactions import build_reaction
from naspe.structures.topology import combine, to_pymatgen
from naspe.workflows.dft.tblite import TbliteRelaxMaker
from naspe.workflows.flows.adhesion.makers import TbliteAdhesionMaker
from naspe.workflows.flows.bonding.makers import BaseReactionMaker, bonding_flows
from naspe.workflows.flows.common.checks import interface_gap

BAD_RELAXATIONS = [
    (TbliteRelaxMaker(steps=0), r"relax_maker.steps=0: allowed is 1 to 10000"),
    (TbliteRelaxMaker(steps=-5), r"relax_maker.steps=-5: allowed is 1 to 10000"),
    (TbliteRelaxMaker(steps=20000), r"relax_maker.steps=20000"),
    (TbliteRelaxMaker(relax_kwargs={"fmax": -1.0}), r"relax_maker.relax_kwargs\['fmax'\]=-1.0: allowed is 0.001 to 5"),
    (TbliteRelaxMaker(relax_kwargs={"fmax": float("nan")}), r"relax_maker.relax_kwargs\['fmax'\]=nan"),
]


def _dme_on_graphene(gap: float):
    """Dimethyl ether ``gap`` Å above a 3x2 graphene sheet (Å), and the number of substrate atoms."""
    g = graphene((3, 2), vacuum=4.0)
    m = peo_oligomer(1, "methyl", "trans")
    m.positions += np.array([3.5, 4.0, 0.0]) - m.get_center_of_mass() * [1, 1, 0]
    m.positions[:, 2] += g.positions[:, 2].max() + gap - m.positions[:, 2].min()
    cell = g.cell.copy()
    cell[2, 2] = m.positions[:, 2].max() + 7.0
    return to_pymatgen(combine([g, m], cell=cell)), len(g)


def test_bounds_are_the_command_lines():
    assert (RELAX_STEPS.low, RELAX_STEPS.high) == (1, 10000)
    assert (FMAX_EV_A.low, FMAX_EV_A.high, FMAX_EV_A.unit) == (0.001, 5.0, "eV/Å")
    assert (ANCHOR_HEIGHT_ANGSTROM.low, ANCHOR_HEIGHT_ANGSTROM.high) == (1.0, 10.0)


@pytest.mark.parametrize("relax, message", BAD_RELAXATIONS)
def test_adhesion_refuses_an_impossible_relaxation(relax, message):
    structure, n_substrate = _dme_on_graphene(3.2)
    with pytest.raises(ValueError, match=message):
        TbliteAdhesionMaker(relax_maker=relax).make(structure, n_substrate)


@pytest.mark.parametrize("relax, message", BAD_RELAXATIONS)
def test_binding_and_reaction_refuse_an_impossible_relaxation(relax, message):
    with pytest.raises(ValueError, match=message):
        bonding_flows("vacancy", "dme", "tblite", relax_maker=relax)
    states = build_reaction("dme-vacancy-bridge")
    reactant = placement_structure(states.reactant, states.magmoms)
    product = placement_structure(states.product, states.magmoms)
    with pytest.raises(ValueError, match=message):
        BaseReactionMaker(relax_maker=relax, engine="tblite").make(reactant, product, states.n_substrate)


@pytest.mark.parametrize("gap", [0.5, 10.5])
def test_adhesion_refuses_a_film_inside_or_out_of_reach_of_the_substrate(gap):
    structure, n_substrate = _dme_on_graphene(gap)
    assert interface_gap(structure, n_substrate) == pytest.approx(gap)
    with pytest.raises(ValueError, match=rf"gap={gap}: allowed is {GAP_ANGSTROM.describe()}"):
        TbliteAdhesionMaker().make(structure, n_substrate)


def test_the_edges_of_the_bounds_are_allowed():
    structure, n_substrate = _dme_on_graphene(3.2)
    for relax in (TbliteRelaxMaker(steps=1), TbliteRelaxMaker(steps=10000, relax_kwargs={"fmax": 0.001})):
        flow = TbliteAdhesionMaker(relax_maker=relax).make(structure, n_substrate)
        assert len(flow.jobs) == 4  # substrate, film, interface relaxations and the document
    assert len(bonding_flows("vacancy", "dme", "tblite", relax_maker=TbliteRelaxMaker(steps=1))) == 1


@pytest.mark.parametrize("height", [0.2, -1.0, 12.0, float("nan")])
def test_binding_refuses_an_anchor_height_outside_its_bound(height):
    with pytest.raises(ValueError, match="height="):
        bonding_flows("vacancy", "dme", "tblite", height=height)
