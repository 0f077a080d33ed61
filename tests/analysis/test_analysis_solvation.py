"""Known answers of the solvation analysis: a rock-salt lattice, built ion clusters, a set exchange rate."""

from __future__ import annotations

import numpy as np
import pytest

from naspe.analysis.frame import Box
from naspe.analysis.residence import residence_time, survival_function
from naspe.analysis.solvation import SolvationAnalysis, SolvationSites, analyze_solvation
from naspe.analysis.synthetic import gaussian_walk, rigid_motion, write_dump
from naspe.structures.synthetic_cell import build_cell


def _sites(n_cat, partners, molecules=None, anion_of=None):
    """Cations are atoms 0..n_cat-1; ``partners`` maps a kind to its atom indices."""
    molecules = molecules or {k: np.asarray(v) + 1000 for k, v in partners.items()}
    return SolvationSites(
        cation="Na",
        cation_index=np.arange(n_cat),
        partners={k: np.asarray(v) for k, v in partners.items()},
        partner_molecule={k: np.asarray(v) for k, v in molecules.items()},
        anion_of_partner=anion_of or {},
    )


def test_rock_salt_lattice_has_six_oxygen_neighbours():
    # 8x8x8 sites 2.5 Å apart (20 Å cell): Na where i+j+k is even, O where odd; each Na has 6 O at 2.5 Å,
    # the next O shell (8 O) at 2.5*sqrt(3) = 4.33 Å
    grid = np.stack(np.meshgrid(*[np.arange(8)] * 3, indexing="ij"), axis=-1).reshape(-1, 3)
    even = grid.sum(axis=1) % 2 == 0
    positions = np.concatenate([grid[even], grid[~even]]) * 2.5 + 0.3  # off the cell faces
    box = Box.from_bounds(np.zeros(3), np.full(3, 20.0))
    n_na = int(even.sum())
    sites = _sites(n_na, {"O_ether": np.arange(n_na, positions.shape[0])})
    result = SolvationAnalysis(sites).run([(positions, box)] * 3, frame_interval_ps=1.0)
    shell = result.shells["O_ether"]
    assert shell.first_peak_angstrom == pytest.approx(2.5, abs=0.05)
    assert 2.55 < shell.cutoff_angstrom < 4.3 and shell.cutoff_source == "first minimum of g(r)"
    assert shell.coordination_number.value == pytest.approx(6.0)
    assert shell.cation_fraction_coordinated == 1.0
    # g(r) of the first shell (6 O at 2.5 Å, split over the two bins that meet there) against 4 pi r^2 dr rho
    rho = shell.n_partner_atoms / 20.0**3
    r = np.asarray(shell.r_angstrom)
    near = np.flatnonzero(np.abs(r - 2.5) < 0.05)
    ideal = rho * 4.0 / 3.0 * np.pi * ((r[near] + 0.025) ** 3 - (r[near] - 0.025) ** 3)
    assert np.sum(np.asarray(shell.g_r)[near] * ideal) == pytest.approx(6.0, rel=1e-4)
    # a frozen lattice never exchanges: the residence is longer than the run can measure
    assert result.residence["O_ether"].tau_ps is None and "run longer" in result.residence["O_ether"].tau_undefined


def test_free_ions_contact_pairs_and_aggregates_are_counted():
    # 4 Na: one free, one in a pair with anion A, two sharing anion B (an aggregate); anion C is free
    na = np.array([[2.0, 2.0, 2.0], [10.0, 2.0, 2.0], [2.0, 10.0, 2.0], [2.0, 14.0, 2.0]])
    anion_n = np.array([[12.5, 2.0, 2.0], [2.0, 12.0, 2.0], [14.0, 14.0, 14.0]])
    positions = np.concatenate([na, anion_n])
    box = Box.from_bounds(np.zeros(3), np.full(3, 20.0))
    sites = _sites(4, {"N_FSI": [4, 5, 6]}, {"N_FSI": np.array([7, 8, 9])}, {"N_FSI": "FSI"})
    result = SolvationAnalysis(sites, cutoffs_angstrom={"N_FSI": 3.0}).run([(positions, box)], None)
    pairing = result.pairing
    assert (pairing.cation_free, pairing.cation_contact_pair, pairing.cation_aggregate) == (0.25, 0.25, 0.5)
    assert pairing.anion_free == pytest.approx(1 / 3) and pairing.anion_contact_pair == pytest.approx(1 / 3)
    assert pairing.anion_aggregate == pytest.approx(1 / 3)
    assert pairing.mean_anions_per_cation == 0.75 and pairing.largest_cluster_ions == 3
    assert result.shells["N_FSI"].coordination_number.value == 0.75
    assert result.residence == {} and result.frame_interval_ps is None


def test_residence_time_of_a_set_exchange_rate():
    # 64 Na on a 10 Å lattice each hold one O at 2.3 Å; every 10 ps frame an O leaves with probability 0.1 and
    # another takes its place (the rest wait 8.7 Å away): survival (1 - p)^m, tau = -dt / ln(1 - p)
    rng = np.random.default_rng(7)
    lattice = np.stack(np.meshgrid(*[np.arange(4)] * 3, indexing="ij"), axis=-1).reshape(-1, 3) * 10.0
    na = lattice + 5.0
    n_o, n_frames, p, dt_ps = 200, 300, 0.1, 10.0
    bound = np.arange(64)
    frames = []
    for _ in range(n_frames):
        o = np.tile(lattice[:1], (n_o, 1)) + rng.uniform(-0.5, 0.5, (n_o, 3))  # the waiting room
        o[bound] = na + np.array([2.3, 0.0, 0.0])
        frames.append((np.concatenate([na, o]), Box.from_bounds(np.zeros(3), np.full(3, 40.0))))
        for k in np.flatnonzero(rng.random(64) < p):
            free = np.setdiff1d(np.arange(n_o), bound)
            bound[k] = rng.choice(free)
    chain = {"O_ether": np.arange(64, 64 + n_o) // 2}  # two O per "chain": an exchange may stay on the chain
    sites = _sites(64, {"O_ether": np.arange(64, 64 + n_o)}, chain)
    result = SolvationAnalysis(sites, cutoffs_angstrom={"O_ether": 3.0}).run(frames, frame_interval_ps=dt_ps)
    expected = -dt_ps / np.log(1 - p)
    res = result.residence["O_ether"]
    assert res.tau_ps == pytest.approx(expected, rel=0.1)
    assert res.survival[1] == pytest.approx(1 - p, abs=0.02)
    assert result.residence["ether_chain"].tau_ps >= res.tau_ps  # O-to-O moves on one chain keep the chain
    assert result.shells["O_ether"].coordination_number.value == 1.0


def test_survival_function_counts_origins():
    # one contact present in frames 0-3, absent 4, present 5: runs of 4 and 1 among 6 frames
    frames = [np.array([7])] * 4 + [np.array([], dtype=np.int64), np.array([7])]
    lags, s, n = survival_function(frames)
    assert n == 5 and list(lags) == [0, 1, 2]
    # lag 1: 3 surviving origins (0-1, 1-2, 2-3) of the 4 origins t0 <= 4 with a contact
    assert s[1] == pytest.approx(3 / 4) and s[2] == pytest.approx(2 / 4)
    assert residence_time(np.array([0.0, 1.0]), np.array([1.0, 0.9]))[0] is None


def test_whole_system_dump_selects_ether_and_anion_atoms(tmp_path):
    cell = build_cell(tmp_path, 20, cell=(25.0, 25.0, 25.0), n_peo=3, peo_length=4, seed=8)
    rng = np.random.default_rng(8)
    disp = gaussian_walk(rng, 4, cell.n_molecules, 1e-6, 1000.0)
    dump = write_dump(tmp_path / "full.lammpstrj", cell, rigid_motion(cell, disp), np.arange(4) * 500)
    result = analyze_solvation(dump, cell.data_path, timestep_fs=2.0)
    assert set(result.shells) == {"O_ether", "O_FSI", "N_FSI"}
    assert result.shells["O_FSI"].n_partner_atoms == 4 * 20 and result.shells["N_FSI"].n_partner_atoms == 20
    assert result.shells["O_ether"].n_partner_atoms == 3 * 5  # 4 EO units + the methyl-capped end: 5 O
    assert result.n_cations == 20 and result.frame_interval_ps == pytest.approx(1.0)
    assert set(result.residence) == {"O_ether", "ether_chain", "FSI"}
    ions_only = np.flatnonzero(np.isin(cell.molecule_of_atom, np.r_[cell.molecules("Na"), cell.molecules("FSI")]))
    part = write_dump(tmp_path / "ions.lammpstrj", cell, rigid_motion(cell, disp), np.arange(4) * 500, atoms=ions_only)
    with pytest.raises(ValueError, match="needs every atom"):
        analyze_solvation(part, cell.data_path, timestep_fs=2.0)
