"""Reading LAMMPS data files, dumps (text, gzip, DCD) and COM logs for the transport analysis."""

from __future__ import annotations

import dataclasses
import gzip
import shutil

import numpy as np
import pytest

from naspe.analysis.errors import TrajectoryFormatError, WrappedCoordinatesError
from naspe.analysis.frame import Box
from naspe.analysis.lammps_io import LammpsDumpReader, read_com_file
from naspe.analysis.lammps_topology import read_data_topology
from naspe.analysis.species import element_from_mass, hill_formula, identify_ions
from naspe.analysis.synthetic import gaussian_walk, rigid_motion, write_com_file, write_dump
from naspe.analysis.trajectory import load_ion_trajectory
from naspe.analysis.transport import TransportAnalysis
from naspe.structures.synthetic_cell import build_cell

INTERVAL_FS = 4000.0


@pytest.fixture(scope="module")
def walk(tmp_path_factory):
    """30 NaFSI + one PEO chain, random walks in a 25 Å cell (ions cross the boundaries), 120 frames."""
    d = tmp_path_factory.mktemp("io")
    cell = build_cell(d, 30, cell=(25.0, 26.0, 27.0), n_peo=1, peo_length=3, seed=7)
    rng = np.random.default_rng(7)
    disp = np.zeros((120, cell.n_molecules, 3))
    for name, dcoef in (("Na", 2e-5), ("FSI", 1e-5)):
        mols = cell.molecules(name)
        disp[:, mols] = gaussian_walk(rng, 120, mols.size, dcoef, INTERVAL_FS)
    positions = rigid_motion(cell, disp)
    steps = np.arange(120) * 2000
    unwrapped = write_dump(d / "unwrapped.lammpstrj", cell, positions, steps)
    return cell, positions, steps, unwrapped


def test_data_topology_of_a_naspe_file(walk):
    cell, *_ = walk
    topo = read_data_topology(cell.data_path)
    n_peo_atoms = int(np.sum(cell.molecule_of_atom == cell.molecules("PEO")[0]))
    assert topo.n_atoms == 30 + 30 * 9 + n_peo_atoms
    assert np.array_equal(topo.atom_ids, np.arange(1, topo.n_atoms + 1))
    assert set(topo.type_labels) >= {"Na", "FS", "SBT", "NBT", "OBT", "OS", "HCe"}
    na = topo.type_labels == "Na"
    assert np.allclose(topo.charges[na], 0.8) and np.allclose(topo.masses[na], 22.99)
    assert set(topo.elements[topo.type_labels == "SBT"]) == {"S"}
    assert topo.box.volume_angstrom3 == pytest.approx(25.0 * 26.0 * 27.0)
    assert np.unique(topo.mol_ids).size == 61


def test_triclinic_data_file_box(tmp_path):
    matrix = np.array([[30.0, 0.0, 0.0], [6.0, 28.0, 0.0], [-4.0, 3.0, 29.0]])
    cell = build_cell(tmp_path, 2, cell=matrix, seed=1)
    box = read_data_topology(cell.data_path).box
    assert np.allclose(box.matrix, matrix)
    assert box.volume_angstrom3 == pytest.approx(30.0 * 28.0 * 29.0)
    assert not box.is_orthogonal


def test_ions_identified_and_named(tmp_path):
    cell = build_cell(tmp_path, 3, cation="Li", anion="TFSI", n_peo=2, seed=2)
    ions = identify_ions(cell.topology)
    assert ions.species_names == ["Li", "TFSI"]
    assert ions.n_ions == 6
    assert ions.formal_charges.tolist() == [1, 1, 1, -1, -1, -1]
    assert np.allclose(ions.charge_sums, [0.8] * 3 + [-0.8] * 3)
    assert np.allclose(ions.masses[3:], 2 * 12.011 + 6 * 18.998 + 14.007 + 4 * 15.999 + 2 * 32.066)
    assert hill_formula(["S", "O", "F", "N", "O", "S", "O", "F", "O"]) == "F2NO4S2"
    assert element_from_mass(6.941) == "Li" and element_from_mass(35.45) == "Cl" and element_from_mass(3.3) == "X"


def test_unknown_charged_molecule_gets_formula_and_rounded_charge(tmp_path):
    cell = build_cell(tmp_path, 1, n_peo=1, seed=3)
    topo = cell.topology
    peo = topo.mol_ids == topo.mol_ids.max()
    charges = topo.charges.copy()
    charges[peo] -= 0.8 / peo.sum()  # a PEO chain carrying a scaled -1 charge
    ions = identify_ions(dataclasses.replace(topo, charges=charges))
    assert ions.species_names == ["Na", "C8H18O4", "FSI"]  # cations, then anions by name
    assert ions.formal_charges[ions.species == "C8H18O4"].tolist() == [-1]
    charges[peo] += 0.5 / peo.sum()  # -0.3 e: neither neutral nor a multiple of 0.8
    with pytest.raises(ValueError, match="charge_scaling=0.8"):
        identify_ions(dataclasses.replace(topo, charges=charges))


def test_unsorted_dump_with_columns_in_any_order(walk, tmp_path):
    cell, positions, steps, _ = walk
    rng = np.random.default_rng(0)
    path = tmp_path / "odd.dump"
    with path.open("w") as f:
        for k in range(3):
            order = rng.permutation(cell.topology.n_atoms)
            f.write(f"ITEM: TIMESTEP\n{steps[k]}\nITEM: NUMBER OF ATOMS\n{order.size}\n")
            f.write("ITEM: BOX BOUNDS pp pp pp\n0 25\n0 26\n0 27\nITEM: ATOMS zu type id yu xu\n")
            for i in order:
                x, y, z = positions[k, i]
                f.write(f"{z:.6f} {cell.topology.type_ids[i]} {i + 1} {y:.6f} {x:.6f}\n")
    frames = list(LammpsDumpReader(path))
    assert [fr.step for fr in frames] == steps[:3].tolist()
    assert np.array_equal(frames[2].ids, cell.topology.atom_ids)
    assert np.allclose(frames[2].positions, positions[2], atol=1e-5)


def test_triclinic_dump_box_and_image_flags(tmp_path):
    matrix = np.array([[30.0, 0.0, 0.0], [6.0, 28.0, 0.0], [-4.0, 3.0, 29.0]])
    cell = build_cell(tmp_path, 4, cell=matrix, seed=4)
    positions = cell.reference_positions[None] + np.array([[0.0, 0.0, 0.0], [31.0, -29.0, 65.0]])[:, None, :]
    for style in ("image", "scaled_image"):
        path = write_dump(tmp_path / f"{style}.dump", cell, positions, np.array([0, 10]), style=style)
        frames = list(LammpsDumpReader(path))
        assert frames[1].box.volume_angstrom3 == pytest.approx(30.0 * 28.0 * 29.0)
        assert np.allclose(frames[1].box.matrix, matrix)
        assert np.allclose(frames[1].positions, positions[1], atol=1e-4), style


def test_wrapped_coordinates_without_image_flags_are_refused(walk, tmp_path):
    cell, positions, steps, _ = walk
    path = write_dump(tmp_path / "wrapped.lammpstrj", cell, positions, steps, style="wrapped")
    with pytest.raises(WrappedCoordinatesError, match="image flags"):
        load_ion_trajectory(path, cell.data_path, timestep_fs=2.0)


def test_wrapped_coordinates_labelled_unwrapped_are_caught_by_jumps(walk, tmp_path):
    cell, positions, steps, _ = walk
    path = write_dump(tmp_path / "liar.lammpstrj", cell, positions, steps, style="wrapped")
    path.write_text(path.read_text().replace("ITEM: ATOMS id type x y z", "ITEM: ATOMS id type xu yu zu"))
    with pytest.raises(WrappedCoordinatesError, match="moves by .* cell lengths"):
        load_ion_trajectory(path, cell.data_path, timestep_fs=2.0)


def test_image_flags_give_the_same_result_as_unwrapped(walk, tmp_path):
    cell, positions, steps, unwrapped = walk
    reference = TransportAnalysis(
        load_ion_trajectory(unwrapped, cell.data_path, timestep_fs=2.0), 300.0, n_blocks=3
    ).run()
    assert reference.diffusion_cm2_s["Na"].value > 0
    for style in ("image", "scaled_image"):
        path = write_dump(tmp_path / f"{style}.lammpstrj", cell, positions, steps, style=style)
        trajectory = load_ion_trajectory(path, cell.data_path, timestep_fs=2.0)
        result = TransportAnalysis(trajectory, 300.0, n_blocks=3).run()
        for name in ("Na", "FSI"):
            assert result.diffusion_cm2_s[name].value == pytest.approx(
                reference.diffusion_cm2_s[name].value, rel=1e-4
            ), style
        assert result.sigma_eh_S_cm.value == pytest.approx(reference.sigma_eh_S_cm.value, rel=1e-3)


def test_truncated_dump_names_frame_and_file(walk, tmp_path):
    cell, _, _, unwrapped = walk
    text = unwrapped.read_bytes()
    cut = tmp_path / "cut.lammpstrj"
    start = text.index(b"ITEM: TIMESTEP\n%d\n" % (117 * 2000))
    cut.write_bytes(text[: start + 5000])  # ends inside an atom line of frame 117
    with pytest.raises(TrajectoryFormatError, match=r"cut\.lammpstrj: frame 117 .*truncated"):
        load_ion_trajectory(cut, cell.data_path, timestep_fs=2.0)
    header_cut = tmp_path / "header.lammpstrj"
    start = text.index(b"ITEM: TIMESTEP\n%d\n" % (118 * 2000))
    header_cut.write_bytes(text[: start + 40])
    with pytest.raises(TrajectoryFormatError, match=r"header\.lammpstrj: frame 118 .*truncated"):
        list(LammpsDumpReader(header_cut))


def test_corrupt_dump_is_reported(walk, tmp_path):
    cell, _, _, unwrapped = walk
    lines = unwrapped.read_text().splitlines(keepends=True)
    lines[9 + 5] = "6 1 abc 1.0 2.0\n"  # an atom line of frame 0
    bad = tmp_path / "bad.lammpstrj"
    bad.write_text("".join(lines))
    with pytest.raises(TrajectoryFormatError, match=r"frame 0 .*corrupt"):
        list(LammpsDumpReader(bad))


def test_gzip_dump_and_stride(walk, tmp_path):
    cell, _, _, unwrapped = walk
    gz = tmp_path / "unwrapped.lammpstrj.gz"
    with unwrapped.open("rb") as src, gzip.open(gz, "wb") as dst:
        shutil.copyfileobj(src, dst)
    a = load_ion_trajectory(unwrapped, cell.data_path, stride=2, timestep_fs=2.0)
    b = load_ion_trajectory(gz, cell.data_path, stride=2, timestep_fs=2.0)
    assert a.n_frames == b.n_frames == 60
    assert np.array_equal(a.positions, b.positions)
    assert np.allclose(np.diff(a.time_fs), 2 * INTERVAL_FS)


def test_dcd_through_mdanalysis_matches_the_text_dump(walk, tmp_path):
    mda = pytest.importorskip("MDAnalysis")
    cell, positions, steps, unwrapped = walk
    dcd = tmp_path / "traj.dcd"
    universe = mda.Universe.empty(cell.topology.n_atoms, trajectory=True)
    with mda.Writer(str(dcd), cell.topology.n_atoms, istart=0, nsavc=2000) as writer:
        for k in range(len(steps)):
            universe.atoms.positions = positions[k]
            universe.dimensions = [25.0, 26.0, 27.0, 90.0, 90.0, 90.0]
            writer.write(universe.atoms)
    a = load_ion_trajectory(unwrapped, cell.data_path, timestep_fs=2.0)
    b = load_ion_trajectory(dcd, cell.data_path, timestep_fs=2.0)
    assert np.allclose(a.time_fs, b.time_fs)
    assert np.allclose(a.positions, b.positions, atol=1e-3)
    assert np.allclose(b.volume_angstrom3, 25.0 * 26.0 * 27.0, rtol=1e-5)


def test_xtc_steps_give_the_times(walk, tmp_path):
    mda = pytest.importorskip("MDAnalysis")
    cell, positions, steps, unwrapped = walk
    xtc = tmp_path / "traj.xtc"
    universe = mda.Universe.empty(cell.topology.n_atoms, trajectory=True)
    with mda.Writer(str(xtc), cell.topology.n_atoms) as writer:
        for k in range(len(steps)):
            universe.atoms.positions = positions[k]
            universe.dimensions = [25.0, 26.0, 27.0, 90.0, 90.0, 90.0]
            universe.trajectory.ts.data["step"] = int(steps[k])
            writer.write(universe.atoms)
    a = load_ion_trajectory(unwrapped, cell.data_path, timestep_fs=2.0)
    b = load_ion_trajectory(xtc, cell.data_path, timestep_fs=2.0)
    assert np.allclose(a.time_fs, b.time_fs)
    assert np.allclose(a.positions, b.positions, atol=0.01)  # xtc keeps 0.001 nm


def test_com_file_must_cover_every_frame(walk, tmp_path):
    cell, positions, steps, unwrapped = walk
    com = np.zeros((len(steps), 3))
    sparse = write_com_file(tmp_path / "com.dat", steps[::2], com[::2])
    read_steps, read_com = read_com_file(sparse)
    assert np.array_equal(read_steps, steps[::2]) and read_com.shape == (60, 3)
    with pytest.raises(TrajectoryFormatError, match="no line for step 2000"):
        load_ion_trajectory(unwrapped, cell.data_path, com_file=sparse, timestep_fs=2.0)


def test_box_from_dump_bounds_of_a_tilted_cell():
    box = Box.from_dump_bounds(np.array([[-4.0, 36.0, 6.0], [0.0, 31.0, -4.0], [0.0, 29.0, 3.0]]), triclinic=True)
    assert np.allclose(box.matrix, [[30.0, 0.0, 0.0], [6.0, 28.0, 0.0], [-4.0, 3.0, 29.0]])
    assert box.volume_angstrom3 == pytest.approx(30.0 * 28.0 * 29.0)
