from __future__ import annotations

import numpy as np
import pytest
from ase.build import molecule
from pymatgen.io.ase import AseAtomsAdaptor

from naspe.structures.carbon import graphene
from naspe.workflows.dft.gpaw import GpawRelaxMaker
from naspe.workflows.dft.tblite import TbliteRelaxMaker
from naspe.workflows.execution.runner import run_flow
from naspe.workflows.flows.adhesion.makers import EV_PER_A2_TO_J_PER_M2
from naspe.workflows.flows.adhesion.protocol import FROZEN, AdhesionProtocolMaker

# single zeta: these tests check the protocol's stages and bookkeeping, not the accuracy of its W_adh
TINY_GPAW = {"basis": "sz(dzp)", "grid_spacing_angstrom": 0.3, "kpts": (1, 1, 1), "hirshfeld_charges": False}


def _water_on_graphene():
    sheet = graphene(repeat=(2, 1), vacuum=4.0)  # 8 C, 4.92 x 4.26 Å
    sheet.cell[2, 2] = 12.0
    water = molecule("H2O")
    water.positions += [2.46, 2.13, 4.0 + 3.0 - water.positions[:, 2].min()]
    water.positions[1, 0] += 0.1  # a stretched O-H: the GFN2-xTB pre-relaxation has work to do
    both = sheet + water
    both.pbc = True
    return AseAtomsAdaptor.get_structure(both), len(sheet)


def _by_name(flow, suffix):
    (j,) = [j for j in flow.jobs if j.name.endswith(suffix)]
    return j


@pytest.mark.slow
def test_protocol_gives_w_adh_from_gpaw_single_points_on_fast_geometries_with_counterpoise(tmp_path):
    interface, n_sub = _water_on_graphene()
    maker = AdhesionProtocolMaker(
        dft_maker=GpawRelaxMaker(**TINY_GPAW),
        film_pre_relax_maker=TbliteRelaxMaker(steps=20),
        substrate_pre_relax_maker=None,
    )
    flow = maker.make(interface, n_sub)
    run = run_flow(flow, tmp_path)
    doc = run.output(flow.jobs[-1])
    assert doc is not None, run.failure_message(flow)
    stages = {s["part"]: s for s in doc["stages"]}
    assert stages["substrate"]["pre_relax_level"] == FROZEN and stages["substrate"]["pre_relax_steps"] == 0
    assert stages["film"]["pre_relax_level"] == "GFN2-xTB relaxation" and stages["film"]["pre_relax_steps"] == 20
    assert all(s["dft_steps"] == 1 and "single point" in s["dft_level"] for s in stages.values())

    gpaw = {p: run.output(_by_name(flow, f"{p} GPAW")) for p in ("substrate", "film", "interface")}
    assert all(d["engine"] == "gpaw" for d in gpaw.values())
    # the substrate stays as built, also inside the interface; the film's GPAW geometry is the GFN2-xTB one
    built = interface.cart_coords
    sub_coords = np.array([s["xyz"] for s in gpaw["substrate"]["structure"]["sites"]])
    int_coords = np.array([s["xyz"] for s in gpaw["interface"]["structure"]["sites"]])
    assert np.allclose(sub_coords, built[:n_sub]) and np.allclose(int_coords[:n_sub], built[:n_sub])
    xtb_film = run.output(_by_name(flow, "film pre-relax"))
    film_coords = np.array([s["xyz"] for s in gpaw["film"]["structure"]["sites"]])
    assert np.allclose(film_coords, [s["xyz"] for s in xtb_film["structure"]["sites"]])
    assert not np.allclose(film_coords, built[n_sub:], atol=1e-3)  # the pre-relaxation moved the film
    assert not np.allclose(int_coords[n_sub:], built[n_sub:], atol=1e-3)  # and the film on the substrate

    energy = {p: d["output"]["energy"] for p, d in gpaw.items()}
    adhesion = doc["adhesion"]
    area = adhesion["area_angstrom2"]
    assert area == pytest.approx(4.92 * 2.46 * np.sqrt(3), rel=1e-6)
    w = (energy["substrate"] + energy["film"] - energy["interface"]) / area * EV_PER_A2_TO_J_PER_M2
    assert adhesion["w_adh_raw_J_m2"] == pytest.approx(w, abs=1e-9) and adhesion["engine"] == "gpaw"
    cp = adhesion["counterpoise"]
    assert cp["bsse_eV"] > -1e-3  # the full basis never raises a part's energy (up to SCF noise)
    corrected = w - cp["bsse_eV"] / area * EV_PER_A2_TO_J_PER_M2
    assert adhesion["w_adh_cp_J_m2"] == pytest.approx(corrected, abs=1e-9) == adhesion["w_adh_J_m2"]


def test_protocol_refuses_bad_settings_before_any_job():
    interface, n_sub = _water_on_graphene()
    with pytest.raises(ValueError, match="refine_steps=20000: 0 \\(single points\\) or 1 to 10000"):
        AdhesionProtocolMaker(refine_steps=20000)
    with pytest.raises(ValueError, match="counterpoise=True: TbliteRelaxMaker has no localised basis"):
        AdhesionProtocolMaker(dft_maker=TbliteRelaxMaker())
    with pytest.raises(ValueError, match="n_substrate=0"):
        AdhesionProtocolMaker(dft_maker=GpawRelaxMaker(**TINY_GPAW)).make(interface, 0)
    maker = AdhesionProtocolMaker(dft_maker=GpawRelaxMaker(**TINY_GPAW), refine_steps=5)
    assert maker.gpaw_stage_maker().steps == 5 and "refinement (5 steps)" in maker.gpaw_stage_maker().name
    assert maker.dft_maker.steps == 200  # the Maker's own field is not changed
