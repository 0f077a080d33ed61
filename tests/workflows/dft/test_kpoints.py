"""naspe's one k-point rule (k*a by system class) on known cells, and GPAW and VASP running the same mesh."""

from __future__ import annotations

import numpy as np
import pytest
from ase import Atoms
from ase.build import bcc100, graphene, molecule
from pymatgen.io.ase import AseAtomsAdaptor

from naspe.workflows.dft.kpoints import (
    classify,
    explicit_mesh,
    k_length_for,
    kpoint_mesh,
    mesh_for_atoms,
    periodic_directions,
)
from naspe.workflows.dft.periodic import for_system


def _na_slab(size=(3, 3, 3)):
    slab = bcc100("Na", size=size, a=4.23, vacuum=7.0)
    slab.pbc = True  # a pymatgen structure is periodic in all three directions; the rule finds the vacuum
    return slab


def test_a_10_angstrom_metal_cell_gets_at_least_three_kpoints_in_plane_and_one_along_the_normal():
    cell = np.diag([10.0, 10.0, 30.0])
    mesh = kpoint_mesh(cell, (True, True, False), "metal")
    assert mesh.mesh == (3, 3, 1)
    assert mesh.k_length_angstrom[:2] == (30.0, 30.0) and mesh.k_length_angstrom[2] is None
    assert kpoint_mesh(cell, (True, True, False), "insulator").mesh == (2, 2, 1)
    assert kpoint_mesh(cell, (True, True, False), "metal", "core_level").mesh == (4, 4, 1)
    # a 10.5 Å cell needs ceil(30 / 10.5) = 3 k-points, and achieves k*a = 31.5 Å >= 30 Å
    mesh = kpoint_mesh(np.diag([10.5, 10.5, 30.0]), (True, True, False), "metal")
    assert mesh.mesh == (3, 3, 1) and mesh.k_length_angstrom[0] == pytest.approx(31.5)


def test_na_slab_is_a_metal_with_its_normal_non_periodic():
    slab = _na_slab()
    assert periodic_directions(slab) == (True, True, False)
    assert classify(slab) == "metal"
    mesh = mesh_for_atoms(slab)
    a = slab.cell.lengths()[0]  # 12.69 Å
    assert mesh.mesh == (3, 3, 1) and min(mesh.k_length_angstrom[:2]) >= 30.0
    assert mesh.as_dict()["k_length_angstrom"][0] == pytest.approx(3 * a, abs=1e-3)


def test_hexagonal_graphene_uses_the_interplanar_spacing():
    sheet = graphene(size=(3, 3, 1), vacuum=7.0)
    sheet.pbc = True
    assert classify(sheet) == "semimetal"
    mesh = mesh_for_atoms(sheet)
    # |b_1| = 1 / (a sin 60°) for a = 3 x 2.46 Å: n = ceil(30 / 6.39) = 5
    assert mesh.mesh == (5, 5, 1)
    assert mesh.k_length_angstrom[0] == pytest.approx(5 * 7.38 * np.sin(np.pi / 3), rel=1e-3)


def test_molecule_in_a_box_is_gamma_only_and_an_insulator():
    water = molecule("H2O")
    water.center(vacuum=5.0)
    water.pbc = True
    assert periodic_directions(water) == (False, False, False)
    assert classify(water) == "insulator"
    assert mesh_for_atoms(water).mesh == (1, 1, 1)


def test_classes_of_the_study_cells():
    from naspe.structures.study import build_adhesion_system

    expected = {("na110", "peo"): "metal", ("graphene", "peo"): "semimetal", ("graphene-oxidised", "peo"): "semimetal"}
    for (substrate, film), cls in expected.items():
        built = build_adhesion_system(substrate, film, 3)
        assert classify(built.atoms) == cls, (substrate, film)
        assert mesh_for_atoms(built.atoms).mesh[2] == 1
    lone_na = Atoms("Na2", positions=[[0, 0, 0], [6, 0, 0]], cell=[12, 12, 12], pbc=True)  # ions far apart
    assert classify(lone_na) == "insulator"


def test_bad_inputs_name_what_is_allowed():
    with pytest.raises(ValueError, match="system_class='liquid': allowed are metal, semimetal, insulator"):
        k_length_for("liquid")
    with pytest.raises(ValueError, match="purpose='band': allowed are energy, core_level"):
        k_length_for("metal", "band")
    with pytest.raises(ValueError, match="k_length_angstrom=-5: must be a finite length > 0 Å"):
        kpoint_mesh(np.eye(3) * 5, (True, True, True), "metal", k_length_angstrom=-5)
    with pytest.raises(ValueError, match="three linearly independent vectors"):
        kpoint_mesh(np.zeros((3, 3)), (True, True, True), "metal")
    with pytest.raises(ValueError, match="three integers >= 1"):
        explicit_mesh(np.eye(3), (0, 1, 1), (True, True, True))


def test_gpaw_and_vasp_run_the_same_mesh_on_the_same_cell_and_record_it():
    from naspe.workflows.dft.gpaw import GpawStaticMaker
    from naspe.workflows.dft.vasp import vasp_slab_static_maker

    structure = AseAtomsAdaptor.get_structure(_na_slab())
    gpaw = GpawStaticMaker()
    atoms = gpaw.prepare(structure)
    params = gpaw.parameters(atoms)
    assert params["kpts"] == {"size": [3, 3, 1], "gamma": True}
    assert params["kpoints"]["system_class"] == "metal" and params["kpoints"]["target_k_length_angstrom"] == 30.0
    assert min(params["kpoints"]["k_length_angstrom"][:2]) >= 30.0
    vis = vasp_slab_static_maker().input_set_generator.get_input_set(structure, potcar_spec=True)
    assert tuple(vis.kpoints.kpts[0]) == (3, 3, 1)
    assert vis.kpoints.style.name == "Gamma" and "metal, k*a >= 30 A" in vis.kpoints.comment


def test_a_flow_pins_the_whole_systems_class_and_directions_for_every_part():
    """Alone, the molecule would be Gamma-only and an insulator: pinned, it runs the complex's mesh."""
    from naspe.workflows.dft.gpaw import GpawStaticMaker
    from naspe.workflows.dft.vasp import vasp_slab_static_maker

    slab = _na_slab()
    water = molecule("H2O")
    water.translate(slab.positions[-1] + [2.1, 2.1, 2.5] - water.positions[0])
    whole = slab + water
    fragment = whole[len(slab) :]
    gpaw = GpawStaticMaker()
    assert gpaw.kpoint_mesh(fragment).mesh == (1, 1, 1)
    pinned = for_system(gpaw, AseAtomsAdaptor.get_structure(whole))
    assert (pinned.system_class, pinned.periodic) == ("metal", (True, True, False))
    assert pinned.kpoint_mesh(fragment).mesh == pinned.kpoint_mesh(whole).mesh == (3, 3, 1)
    assert gpaw.system_class is None  # the Maker given is not changed
    vasp = for_system(vasp_slab_static_maker(), AseAtomsAdaptor.get_structure(whole))
    vis = vasp.input_set_generator.get_input_set(AseAtomsAdaptor.get_structure(fragment), potcar_spec=True)
    assert tuple(vis.kpoints.kpts[0]) == (3, 3, 1)
    assert GpawStaticMaker(kpts=(2, 2, 1)).for_system(whole).kpoint_mesh(whole).mesh == (2, 2, 1)
