"""The CL&Pol polarisable layer: parameters, Drude charges and masses, and the polarised data file."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest

from naspe.analysis.lammps_topology import read_data_topology
from naspe.analysis.species import identify_ions
from naspe.structures.forcefield import MissingParameterError
from naspe.structures.forcefield.drude import DRUDE_SUFFIX, default_clpol
from naspe.structures.glyme import GlymeElectrolyte, glyme
from naspe.structures.ions import anion, cation
from naspe.structures.lammps_data import LammpsSystemWriter
from naspe.structures.peo import peo_oligomer
from naspe.structures.topology import FF_TYPE

CLPOL = default_clpol()


@pytest.fixture(scope="module")
def nafsi_dme():
    """6 DME + 1 NaFSI (106 atoms), built once."""
    return GlymeElectrolyte("G1", n_molecules=6, salt="NaFSI", n_salt=1, density_g_cm3=0.95, seed=1).build()


def _sections(text: str) -> dict[str, list[list[str]]]:
    out: dict[str, list[list[str]]] = {}
    current = None
    for raw in text.splitlines()[1:]:
        line = raw.split("#", 1)[0].strip()
        if raw.strip() in ("Masses", "Atoms # full", "Bonds", "Bond Coeffs # harmonic", "Atom Type Labels"):
            current = raw.split("#", 1)[0].strip()
            out[current] = []
        elif line and current and line[0].isdigit() and " " in line and not line.endswith(("xhi", "yhi", "zhi")):
            out[current].append(line.split())
        elif line and not line[0].isdigit():
            current = None
    return out


def test_every_naspe_type_of_peo_dme_litfsi_nafsi_has_a_polarisability_or_a_reason():
    molecules = [peo_oligomer(3, "methyl"), peo_oligomer(3, "hydroxyl"), glyme("G1")]
    molecules += [cation("Li"), cation("Na"), anion("TFSI"), anion("FSI")]
    types = sorted({str(t) for m in molecules for t in m.arrays[FF_TYPE]})
    assert {"CTm", "CTe", "OS", "HCe", "Li", "Na", "SBT", "NBT", "OBT", "CBT", "F1", "FS"} <= set(types)
    CLPOL.check_types(types)  # raises if one is missing
    for t in types:
        assert (t in CLPOL.polarisable) != (t in CLPOL.non_polarisable), t
        if t in CLPOL.non_polarisable:
            assert t.startswith("H") and "merged" in CLPOL.non_polarisable[t]
    text = CLPOL.path.read_text()
    assert CLPOL.commit == "97a0e60a05ea629e2da25740aa729834312c4aa2"
    for t in CLPOL.polarisable:  # every value with the alpha.ff line it was read from
        row = next(line for line in text.splitlines() if line.startswith(f"  {t}: ["))
        assert "alpha.ff line" in row, row
    with pytest.raises(MissingParameterError, match="XX"):
        CLPOL.check_types(["OS", "XX"])


def test_drude_charges_reproduce_the_clandpol_example_and_the_formula():
    # example_il/data-p.lmp of the CL&Pol repository (2021, polarizer then with fpe0 = 0.000719756):
    # NA (alpha 1.208, no H) Drude -1.907313; CR (alpha 1.122 + one H 0.323) Drude -2.086039
    older = default_clpol.__wrapped__()
    older.fpe0 = 0.000719756
    assert older.drude_charge(1.208) == pytest.approx(-1.907313, abs=1e-6)
    assert older.drude_charge(1.122 + older.alpha_h) == pytest.approx(-2.086039, abs=1e-6)
    assert CLPOL.drude_charge(1.208) == pytest.approx(-1.907313, rel=3e-6)  # today's fpe0 0.0007197587
    # q_D^2 = 4 pi eps0 alpha k_D, k_D = 4184 kJ/mol/Å^2 (k/2 form) = LAMMPS K 500 kcal/mol/Å^2
    four_pi_eps0 = 1.0 / 1389.35458  # e^2/(kJ/mol Å)
    assert CLPOL.drude_charge(1.0) ** 2 == pytest.approx(four_pi_eps0 * 4184.0, rel=1e-6)
    assert CLPOL.drude_charge(1.0) < 0
    assert CLPOL.bond_k_kcal == pytest.approx(500.0)


def test_k_ij_follows_scaleLJ():
    # dme-dme: 1/(1 + 2 C1 mu^2/alpha), alpha(dme) = 2*1.016 + 2*1.016 + 2*1.144 + 10*0.323 = 9.582 Å^3
    assert CLPOL.fragments["dme"][2] == pytest.approx(9.582)
    assert CLPOL.k_ij("dme", "dme") == pytest.approx(1 / (1 + 2 * 0.106906 * 1.2442**2 / 9.582))
    na_dme = 1 / (1 + 0.254952 * 2.245**2 / 0.157 + 0.106906 * 1.2442**2 / 9.582)
    assert CLPOL.k_ij("na", "dme") == pytest.approx(na_dme) == pytest.approx(0.1087, abs=1e-4)
    assert CLPOL.k_ij("na", "li") == 1.0 and CLPOL.k_ij("fsi", "fsi") == 1.0  # ++ and -- pairs not scaled
    with pytest.raises(MissingParameterError, match="ntf2"):
        CLPOL.k_ij("li", "ntf2")


def test_fixed_charge_default_is_unchanged(nafsi_dme, tmp_path):
    system = LammpsSystemWriter().get_system(nafsi_dme)
    # checksum of the data file written by the code before the polarisable option was added
    assert system.checksum == "ccf558530029f78d6446a0fb66c7a726776c24352a6c52af7693be50557b399d"
    settings = hashlib.sha256((system.settings + system.post_read).encode()).hexdigest()
    assert settings == "e8ccda02b1d2da8f669db3478d68b3ade2b4d18545a718a91141a9907c26bc2d"
    system.write(tmp_path)
    assert "drude" not in json.loads((tmp_path / "system.lammps.json").read_text())
    assert DRUDE_SUFFIX not in system.data
    with pytest.raises(ValueError, match="model='drude'"):
        LammpsSystemWriter(model="drude")


def test_polarised_cell_conserves_charge_and_mass(nafsi_dme, tmp_path):
    fixed = LammpsSystemWriter(ion_charge_scaling=1.0).get_system(nafsi_dme)
    pol = LammpsSystemWriter(model="clpol").get_system(nafsi_dme)
    assert pol.ion_charge_scaling == 1.0  # CL&Pol: unscaled ionic charges
    n, n_dp = len(nafsi_dme), pol.drude["n_drudes"]
    assert n_dp == sum(CLPOL.polarisable.__contains__(str(t)) for t in nafsi_dme.arrays[FF_TYPE]) == 46
    assert pol.counts["atoms"] == n + n_dp and pol.total_charge == pytest.approx(fixed.total_charge, abs=1e-5)
    sec = _sections(pol.data)
    labels = {int(i): t for i, t in sec["Atom Type Labels"]}
    mass = {int(row[0]): float(row[1]) for row in sec["Masses"]}
    atoms = {int(row[0]): (int(row[1]), int(row[2]), float(row[3])) for row in sec["Atoms"]}
    fixed_sec = _sections(fixed.data)
    q0 = {int(row[0]): float(row[3]) for row in fixed_sec["Atoms"]}
    fixed_labels = {int(i): t for i, t in fixed_sec["Atom Type Labels"]}
    fixed_mass = {fixed_labels[int(row[0])]: float(row[1]) for row in fixed_sec["Masses"]}
    bond_k = {int(row[0]): float(row[1]) for row in sec["Bond Coeffs"]}
    dc_dp = [(int(b[2]), int(b[3]), int(b[1])) for b in sec["Bonds"] if int(b[3]) > n]
    assert len(dc_dp) == n_dp
    for core, drude, btype in dc_dp:
        (mol_c, type_c, q_c), (mol_d, type_d, q_d) = atoms[core], atoms[drude]
        tc = labels[type_c]
        assert labels[type_d] == tc + DRUDE_SUFFIX and mol_c == mol_d
        n_h = sum(
            labels[atoms[j][1]].startswith("H")
            for b in sec["Bonds"]
            for i, j in ((int(b[2]), int(b[3])), (int(b[3]), int(b[2])))
            if i == core
        )
        alpha = CLPOL.polarisable[tc] + n_h * CLPOL.alpha_h
        assert q_d**2 == pytest.approx(CLPOL.fpe0 * CLPOL.k_kj * alpha, rel=1e-5)  # q_D^2 = 4 pi eps0 alpha k_D
        assert q_c + q_d == pytest.approx(q0[core], abs=2e-6)  # the charge is split, not changed
        assert mass[type_c] + mass[type_d] == pytest.approx(fixed_mass[tc], abs=1e-4)  # mass moved, not changed
        assert mass[type_d] == pytest.approx(0.4) and bond_k[btype] == pytest.approx(500.0)
    pol.write(tmp_path / "pol")
    fixed.write(tmp_path / "fixed")
    # the analysis reads the polarised data file as the fixed-charge one: Drudes folded into their cores
    tp, tf = (
        read_data_topology(tmp_path / "pol" / "system.data"),
        read_data_topology(tmp_path / "fixed" / "system.data"),
    )
    assert np.array_equal(tp.atom_ids, tf.atom_ids) and np.array_equal(tp.elements, tf.elements)
    np.testing.assert_allclose(tp.charges, tf.charges, atol=2e-6)
    np.testing.assert_allclose(tp.masses, tf.masses, atol=1e-4)
    ions = identify_ions(tp, charge_scaling=1.0)
    assert ions.species.tolist() == ["Na", "FSI"] and ions.charge_sums == pytest.approx([1.0, -1.0], abs=1e-5)
    # pair coefficients: every i <= j pair, LJ of Na-OS scaled by k_ij(na, dme), none on Drudes
    n_types = len(pol.atom_types)
    lj = [line for line in pol.drude["pair_coeffs"] if "lj/cut/thole/long" in line]
    assert len(lj) == n_types * (n_types + 1) // 2
    assert "pair_style hybrid/overlay lj/cut/thole/long 2.6 11 coul/tt 4 11" in pol.settings
    na_os = next(line for line in lj if line.endswith(("# OS Na k_ij=0.1087", "# Na OS k_ij=0.1087")))
    assert float(na_os.split()[4]) == pytest.approx(np.sqrt(0.011598 * 0.58576) / 4.184 * 0.1087, rel=1e-3)
    assert all(line.split()[4] == "0.000000" for line in lj if DRUDE_SUFFIX in line.split("#")[1])
    assert any("coul/tt 4.5 1" in line and "Na OS_DP" in line for line in pol.drude["pair_coeffs"])
    # CH3 carbon: 1.016 + 3 x 0.323 Å^3 (H merged); dme-dme k_ij = 0.9666 (predicted, k_sapt would be 0.89)
    ctm = next(line for line in lj if line.endswith("# CTm CTm k_ij=0.9666"))
    assert ctm.split()[4:7] == ["0.063795", "3.50000", "1.9850"]


def test_tfsi_cells_are_refused_until_the_missing_dimers_are_given():
    cell = GlymeElectrolyte("G1", n_molecules=4, salt="LiTFSI", n_salt=1, density_g_cm3=1.0, seed=2).build()
    with pytest.raises(MissingParameterError, match="ntf2 dimer"):
        LammpsSystemWriter(model="clpol").get_system(cell)


def test_missing_dimers_names_the_pairs_a_cell_lacks():
    clpol = default_clpol()
    assert clpol.missing_dimers(["G1", "Na", "FSI"]) == [] and clpol.missing_dimers(["PEO"]) == []
    assert clpol.missing_dimers(["G1", "Li", "TFSI"]) == [("dme", "ntf2"), ("li", "ntf2")]
    assert clpol.missing_dimers(["PEO", "Na", "TFSI"]) == [("dme", "ntf2"), ("na", "ntf2")]
