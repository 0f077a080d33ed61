"""The default numbers of naspe's engines, each written once, with its reason.

The engine Makers (:mod:`~naspe.workflows.dft.gpaw`, :mod:`~naspe.workflows.dft.tblite`,
:mod:`~naspe.workflows.dft.vasp`) take their field defaults from here, and the
engine registry (:mod:`naspe.workflows.dft.registry`) describes each engine with
them, so a Maker built directly and one built through the registry (by the CLI,
the campaign or a flow) run the same calculation. This module imports nothing:
the command line reads the registry without loading atomate2.
"""

from __future__ import annotations

__all__ = [
    "KB_EV_PER_K",
    "GPAW_BASIS",
    "GPAW_SMEARING_EV",
    "GPAW_DISPERSION",
    "TBLITE_METHOD",
    "TBLITE_ELECTRONIC_TEMPERATURE_K",
    "TBLITE_MAX_ITERATIONS",
    "VASP_SIGMA_EV",
    "VASP_NSW",
    "VASP_EDIFFG_EV_A",
    "RELAX_FMAX_EV_A",
    "CP2K_BASIS",
    "CP2K_POTENTIAL",
    "CP2K_NA_VALENCE",
    "CP2K_CUTOFF_RY",
    "CP2K_REL_CUTOFF_RY",
    "CP2K_EPS_SCF",
]

KB_EV_PER_K = 8.617333262e-5  # Boltzmann constant (eV/K), CODATA 2018

#: force criterion (eV/Å) of the ASE relaxations (GPAW, tblite) unless a caller sets one
RELAX_FMAX_EV_A = 0.05

# --- GPAW: PBE + D3(BJ), LCAO -----------------------------------------------------------------------------------
GPAW_BASIS = "dzp"
# k-points of GPAW and VASP: one rule by physical k-point length per system class, naspe.workflows.dft.kpoints
#: Fermi-Dirac width (eV), i.e. an electronic temperature of 0.1 / kB = 1160 K
GPAW_SMEARING_EV = 0.1
#: Grimme D3 with Becke-Johnson damping through ``dftd3`` (Grimme et al., J. Comput. Chem. 32 (2011) 1456)
GPAW_DISPERSION = "d3bj"

# --- tblite: GFN2-xTB -------------------------------------------------------------------------------------------
TBLITE_METHOD = "GFN2-xTB"
#: Fermi smearing as a temperature (K), one value for every cell, so the campaign and ``naspe adhesion`` give one
#: W_adh for one interface. 1000 K because the GFN2-xTB SCF of Na slabs fails at tblite's own 300 K: measured here
#: (20-step relaxations, fmax 0.1 eV/Å, study cells), peo/na-on-graphene (substrate and interface) did not converge
#: at 300 K and did at 1000 K; peo/na110 converged at both; the peo/na100 and nafsi/na110 interfaces converged at
#: neither (a limit of the engine, see the registry). For cells with a gap well above kB*T = 0.086 eV (PEO, NaFSI,
#: the ether fragments) the occupations are those of 300 K; for the metals it smooths the Fermi edge.
TBLITE_ELECTRONIC_TEMPERATURE_K = 1000.0
TBLITE_MAX_ITERATIONS = 300

# --- VASP through atomate2: PBE + D3(BJ), PAW -------------------------------------------------------------------
VASP_SIGMA_EV = 0.05  # Gaussian smearing (ISMEAR = 0) width (eV)
VASP_NSW = 200  # ionic steps of a relaxation (the input set's; naspe's --steps does not reach VASP)
VASP_EDIFFG_EV_A = -0.02  # force criterion (eV/Å, negative: on forces); naspe's --fmax does not reach VASP

# --- CP2K: PBE + D3(BJ), GTH pseudopotentials, MOLOPT basis (naspe.workflows.dft.cp2k_input says what else) --------
#: double-zeta valence polarised MOLOPT basis of the UZH set (BASIS_MOLOPT_UZH, made for the GTH-PBE potentials of
#: POTENTIAL_UZH; MOLOPT: VandeVondele & Hutter, J. Chem. Phys. 127 (2007) 114105), completed by -qN per element;
#: counterpoise corrects its basis-set superposition error
CP2K_BASIS = "DZVP-MOLOPT-PBE-GTH"
#: GTH pseudopotentials for PBE (Goedecker, Teter & Hutter, Phys. Rev. B 54 (1996) 1703; Krack, Theor. Chem. Acc. 114
#: (2005) 145), completed by -qN per element
CP2K_POTENTIAL = "GTH-PBE"
#: Na valence: 1 (3s only). Measured here on a 12-atom Na(110) slab (2x2x1 k-points, 2 ranks): with q1 the energy
#: and the force on a surface atom agree to 1e-5 eV and 1e-5 eV/Å at 300, 400 and 600 Ry (0.022 eV/Å, as expected of
#: a nearly ideal Na surface); with the semicore q9 potential and DZVP-MOLOPT-SR-GTH the same force read -1.06,
#: -0.71, +0.83 and -0.52 eV/Å at 300, 400, 600 and 800 Ry and the energy moved by 0.5 eV (with the UZH
#: DZVP-MOLOPT-PBE-GTH-q9 basis: -0.73 and +0.88 eV/Å at 400 and 600 Ry): not converged at any affordable cutoff
CP2K_NA_VALENCE = 1
#: plane-wave cutoff of the finest density grid (Ry) and the relative cutoff (Ry) that maps Gaussians to grids;
#: 400/50 Ry is the common converged choice for GTH C/H/O/Na with MOLOPT sets (CP2K's converging-the-cutoff guide)
CP2K_CUTOFF_RY = 400.0
CP2K_REL_CUTOFF_RY = 50.0
#: SCF convergence (Hartree), CP2K's default. Measured here on a 12-atom Na(110) slab (2x2x1 k-points, Broyden
#: mixing): 1e-5 took 16 iterations and gave the energy within 2.5e-5 eV and the forces within 2e-6 eV/Å of 1e-6,
#: which took 25 iterations from scratch and 23-46 per geometry step, its density wandering at 1e-6-1e-5
CP2K_EPS_SCF = 1.0e-5
