from __future__ import annotations

import numpy as np
import pytest
from ase.neighborlist import neighbor_list

from naspe.structures.carbon import graphene, graphene_edge, graphite, na_on_carbon, oxidised_carbon, with_vacancy
from naspe.structures.catalog import SUBSTRATES, build_substrate
from naspe.structures.interfaces import InterfaceError, chain_on_slab, crystal_interface, film_on_slab
from naspe.structures.metal import na_bulk, na_slab
from naspe.structures.packing import min_contact_distance
from naspe.structures.topology import molecule_names, to_pymatgen


@pytest.mark.parametrize("miller,spacing", [("100", 4.29 / 2), ("110", 4.29 / np.sqrt(2)), ("111", 4.29 / np.sqrt(12))])
def test_na_slab_layers_and_vacuum(miller, spacing):
    s = na_slab(miller, layers=5, repeat=(2, 2), vacuum=8.0)
    z = np.unique(s.positions[:, 2].round(4))
    assert len(z) == 5
    assert np.allclose(np.diff(z), spacing, atol=1e-3)
    assert abs(s.positions[:, 2].min() - 8.0) < 1e-6 and abs(s.cell[2, 2] - s.positions[:, 2].max() - 8.0) < 1e-6
    assert np.allclose(s.cell.angles(), 90.0)


def test_na_bad_inputs():
    with pytest.raises(ValueError, match="miller='210'"):
        na_slab("210")
    with pytest.raises(ValueError, match="layers=1"):
        na_slab("110", layers=1)
    with pytest.raises(ValueError, match=r"repeat=\(3, 3\)"):
        na_slab("110", repeat=(3, 3))
    with pytest.raises(ValueError, match="a=6.0"):
        na_bulk(a=6.0)


def _cc_neighbours(atoms):
    i, j = neighbor_list("ij", atoms, 1.6)
    return np.bincount(i, minlength=len(atoms))


def test_graphene_and_graphite():
    g = graphene((3, 2))
    assert len(g) == 24 and np.all(_cc_neighbours(g) == 3)
    d = neighbor_list("d", g, 1.6)
    assert np.allclose(d, 1.42, atol=0.01)
    gt = graphite(layers=2, repeat=(3, 2), vacuum=0)
    z = np.unique(gt.positions[:, 2].round(3))
    assert np.allclose(np.diff(z), 3.355, atol=1e-3)
    # AB stacking: half of the atoms of layer 2 sit over atoms of layer 1
    l1 = gt.positions[gt.positions[:, 2] < z[0] + 0.1, :2]
    l2 = gt.positions[gt.positions[:, 2] > z[1] - 0.1, :2]
    over = sum(np.min(np.linalg.norm(l1 - p, axis=1)) < 0.01 for p in l2)
    assert over == len(l2) // 2
    with pytest.raises(ValueError, match="even number"):
        graphite(layers=3, vacuum=0)


def test_vacancies_and_edges():
    assert len(with_vacancy(graphene((3, 2)), "mono")) == 23
    assert len(with_vacancy(graphene((3, 2)), "di")) == 22
    for edge in ("zigzag", "armchair"):
        r = graphene_edge(edge, saturated=True)
        n = _cc_neighbours(r)
        # every carbon is three-fold coordinated once the edge H are counted
        carbons = r.numbers == 6
        assert np.all(n[carbons] == 3)
        bare = graphene_edge(edge, saturated=False)
        assert "H" not in bare.get_chemical_symbols()
        assert np.any(_cc_neighbours(bare)[bare.numbers == 6] == 2)


@pytest.mark.parametrize("group,co", [("epoxide", 1.46), ("hydroxyl", 1.49), ("carbonyl", 1.22), ("ether", 1.42)])
def test_oxidised_groups(group, co):
    a = oxidised_carbon(group)
    o = int(np.flatnonzero(a.numbers == 8)[0])
    d = a.get_distances(o, np.flatnonzero(a.numbers == 6), mic=True)
    n_c = {"epoxide": 2, "hydroxyl": 1, "carbonyl": 1, "ether": 2}[group]
    assert np.allclose(np.sort(d)[:n_c], co, atol=0.02)
    assert np.sort(d)[n_c] > 2.0


def test_na_on_graphene_hollow():
    a = na_on_carbon()
    na = len(a) - 1
    d = np.sort(a.get_distances(na, range(na), mic=True))
    # hollow: six equidistant carbons at sqrt(2.45^2 + 1.42^2)
    assert np.allclose(d[:6], np.hypot(2.45, 1.42), atol=0.01)


def test_catalog_covers_study():
    for name in (
        "na100",
        "na110",
        "na111",
        "graphene",
        "graphite",
        "graphene-vacancy",
        "graphene-edge",
        "graphene-oxidised",
        "na-on-graphene",
    ):
        assert name in SUBSTRATES
    elements = {
        "na": {"Na"},
        "graphene": {"C"},
        "graphite": {"C"},
        "graphene-vacancy": {"C"},
        "graphene-oxidised": {"C", "H", "O"},
        "graphene-edge": {"C", "H"},
        "na-on-graphene": {"C", "Na"},
    }
    for name in SUBSTRATES:
        small, large = build_substrate(name, repeat=(2, 2)), build_substrate(name, repeat=(4, 4))
        want = elements.get(name, elements["na"] if name.startswith("na1") else None)
        if want is not None:
            assert set(small.get_chemical_symbols()) == want, name
        assert tuple(small.pbc) == (True, True, False), name
        vacuum = small.cell.lengths()[2] - np.ptp(small.positions[:, 2])
        assert vacuum >= 10.0, (name, vacuum)  # Å of empty space between periodic images along z
        assert neighbor_list("d", small, 0.9).size == 0, name  # no two atoms closer than 0.9 Å
        # the repeat grows the periodic in-plane directions (both for slabs, one for ribbons) and the atoms with them
        ratio = abs(np.linalg.det(large.cell[:2, :2])) / abs(np.linalg.det(small.cell[:2, :2]))
        assert round(ratio, 6) in (2.0, 4.0), (name, ratio)
        assert abs(len(large) - ratio * len(small)) <= 3 * (ratio - 1), (name, len(small), len(large))
    with pytest.raises(ValueError, match="substrate 'copper'"):
        build_substrate("copper")


def test_zsl_interface_strain_bound_and_error():
    r = crystal_interface(graphite(2, vacuum=0), na_bulk(), (0, 0, 1), (1, 1, 0), max_strain=0.05)
    assert r.strain <= 0.05 and r.area_angstrom2 <= 200
    assert set(molecule_names(r.atoms)) == {"substrate", "film"}
    assert r.n_film > 0 and r.n_substrate > 0
    with pytest.raises(InterfaceError, match="smallest strain available"):
        crystal_interface(graphite(2, vacuum=0), na_bulk(), (0, 0, 1), (1, 1, 0), 0.001, 20.0)


def test_chain_on_slab_strain_and_gap():
    slab = graphene((3, 2))
    r = chain_on_slab(slab, gap=3.0)
    assert r.strain < 0.05
    film = r.atoms.positions[len(slab) :]
    assert film[:, 2].min() - slab.positions[:, 2].max() == pytest.approx(3.0, abs=1e-6)
    with pytest.raises(InterfaceError, match="smallest strain available"):
        chain_on_slab(graphene((2, 2)), max_strain=0.01)


def test_film_on_slab_packed_above_gap():
    slab = na_slab("110", repeat=(4, 4), vacuum=5.0)
    r = film_on_slab(slab, salt="NaFSI", gap=2.5, seed=1)
    film = r.atoms[len(slab) :]
    assert film.positions[:, 2].min() >= slab.positions[:, 2].max() + 2.5 - 1e-6
    names = molecule_names(r.atoms)
    assert "FSI" in names and "Na" in names
    film_only = r.atoms[len(slab) :]
    film_only.pbc = (True, True, False)
    from naspe.structures.topology import select

    sub = select(r.atoms, np.arange(len(r.atoms)) >= len(slab))
    sub.pbc = (True, True, False)
    assert min_contact_distance(sub, 2.0) >= 1.95
    with pytest.raises(ValueError, match="salt='KPF6'"):
        film_on_slab(slab, salt="KPF6")


def test_pymatgen_conversion_keeps_topology():
    s = to_pymatgen(na_slab("100", repeat=(2, 2)))
    assert s.site_properties["ff_type"][0] == "NaM"
    m = to_pymatgen(__import__("naspe.structures.ions", fromlist=["fsi"]).fsi())
    assert abs(sum(m.site_properties["charge"]) + 1) < 1e-9
