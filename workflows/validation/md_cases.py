"""The MD validation cases (LAMMPS, OPLS-AA ethers + CL&P ions): densities and transport against experiment.

Density cases are :class:`DensityMaker` Flows: ``build`` (a naspe cell at 90 % of
the measured density, so that the force field has to find its own density: a
cell that stayed where it was built would pass by construction) -> ``minimize``
-> ``npt`` at the reference temperature and 1 atm -> :func:`density_document`
(mean of the second half of the NPT run). Costs on this machine are in the
README's table; each case is sized to finish within about an hour on 2 cores, and
the ``-cheap`` variants (a small cell, a short run) are what the tests run.

Reference values
----------------
- G1 (1,2-dimethoxyethane) 0.8617 g/cm³ at 298.15 K: Pal & Sharma, J. Chem. Eng. Data
  44 (1999) 212 (the search found the paper and its pure-liquid table; the value was
  not read there: check it against the table).
- G4 (tetraglyme) 1.0072 g/cm³ at 298.15 K: Carvalho et al., J. Chem. Eng. Data 60
  (2015) 3721 (paper found; value not read there).
- PEO melt of CH3O(CH2CH2O)20CH3 at 353.15 K, 1.056 ± 0.013 g/cm³: an end-group-aware
  estimate (group additivity of molar volume from the measured G1 and G4 densities, scaled
  to 353.15 K by the thermal expansion of PEO and tetraglyme; see :data:`PEO_SOURCE`). The
  handbook's 1.08-1.13 g/cm³ describes high-Mw amorphous PEO, with fewer chain ends.
- 0.5 mol/L LiTFSI in DME, 9.83 mS/cm at 303.15 K (linear between 9.75 at 297.4 K and
  10.26 at 333.1 K): Xu & Angell, Electrochem. Solid-State Lett. 4 (2001) E1, as read off
  its figure in the CALiSol-23 dataset (Mortensen et al., Sci. Data 2024; the search found
  the dataset's rows, not the paper's figure). Self-diffusion of Li+ and TFSI- at 303.15 K
  and [O]/[Li] = 32 (0.557 mol/L): Zhang et al., J. Phys. Chem. B 118 (2014) 5144, SI Table
  S1, as transcribed in A. Thum's lintf2_ether_ana_postproc repository (the SI itself was
  not readable here).
- Self-diffusion of the solvent DME in the same solution row of Zhang et al. (2014), SI Table S1
  ([O]/[Li] = 32, 303.15 K: 1.922e-5 cm²/s), same transcription: the ``dme-solvent-diffusion``
  case (:mod:`~naspe.workflows.validation.md_solvent`), which asks whether the ether itself is as
  slow as the ions. No neat-DME or neat-tetraglyme PFG-NMR value could be read here (Hayamizu et
  al., J. Phys. Chem. B 103 (1999) 519 measured the pure solvents; only its abstract was readable),
  so the case runs the measured solution's composition, not a neat liquid.
- PEGDME 500 + LiTFSI at [Li]/[O] = 0.05, D(Li) and D(TFSI) at 363 K: Hayamizu et al.,
  J. Chem. Phys. 117 (2002) 5929, Fig. 8, as digitised in the same repository
  (:mod:`~naspe.workflows.validation.pfg_nmr`).
- A conductivity case is a
  :class:`~naspe.workflows.validation.md_conductivity.ConductivityCaseMaker`: the adaptive
  conductivity MD run to its error target at the reference temperature; it compares the
  Einstein-Helfand conductivity (the collective quantity a measurement sees) or one ion's
  self-diffusion (what PFG-NMR sees), never sigma_NE with a measured sigma.
- ``[Li(G4)][TFSI]`` (equimolar LiTFSI/G4, ~1.6 mS/cm at 303 K as recalled from Yoshida et al.,
  J. Am. Chem. Soc. 133 (2011) 13121 and Ueno et al., J. Phys. Chem. B 116 (2012) 11323) is
  not a case: its numbers could not be read from the papers' tables here, and a solvate
  ionic liquid (~80 mPa s) needs tens of ns, beyond the hour a case may take.
- No sodium counterpart: no measured D or conductivity of Na salts in glymes or PEG
  dimethyl ethers (Terada et al., J. Phys. Chem. C 2016, Na(G4/G5) TFSA; Geysens et al.,
  J. Phys. Chem. B, NaFSI in G1-G3) could be read here.

Models: every case also runs with the polarisable CL&Pol model (``naspe validate md --model clpol``,
:mod:`~naspe.workflows.validation.md_models`) as ``<case>@clpol``, unless its cell cannot be polarised.

Ion charges: cases with ions run at the force field's scaling (``naspe-ff.yaml``) and, through
:meth:`~naspe.workflows.validation.cases.ValidationCase.with_ion_charge_scaling`, at any other
(``naspe validate md --charge-scalings 0.7,0.8,0.9,1``).

Tolerances: OPLS-AA reproduces the densities of organic liquids to about 2-3 %
(Jorgensen, Maxwell & Tirado-Rives, J. Am. Chem. Soc. 118 (1996) 11225: ~2 % on
average over its liquids); a PEO melt within the spread of its measurements.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
from jobflow import Flow

from naspe.structures.forcefield import default_forcefield
from naspe.structures.melt_build import ChainSpec
from naspe.workflows.flows.conductivity.makers import ConductivityMaker
from naspe.workflows.validation.cases import ValidationCase
from naspe.workflows.validation.md_conductivity import ConductivityCaseMaker
from naspe.workflows.validation.md_jobs import CellCaseMaker, density_document
from naspe.workflows.validation.md_models import with_models
from naspe.workflows.validation.md_solvent import (
    DME_SOLVENT_CASE,
    DME_SOLVENT_MAKER,
    DME_SOLVENT_PFG_CM2_S,
    DME_SOLVENT_SOURCE,
)

__all__ = [
    "CASES",
    "DensityMaker",
    "DEFAULT_ION_SCALING",
    "FF_LEVEL",
    "START_FRACTION",
    "conductivity_case",
    "PEGDME_CASE",
    "PEGDME_CELL",
    "PEGDME_TEMPERATURE_C",
]

FF_LEVEL = (
    "OPLS-AA ethers (Jorgensen et al. 1996) + CL&P ions; LAMMPS lj/cut/coul/long 11 Å, "
    "PPPM 1e-5, SHAKE X-H, 2 fs, Nose-Hoover NPT 1 atm"
)
#: the force field's ion charge scaling (``structures/forcefield/naspe-ff.yaml``), what cases with ions run at
DEFAULT_ION_SCALING = default_forcefield().default_ion_scaling
#: the cells are built at this fraction of the reference density
START_FRACTION = 0.9


@dataclass
class DensityMaker(CellCaseMaker):
    """Density of a liquid cell from NPT MD at ``temperature_K`` and 1 atm (parameters: :class:`CellCaseMaker`).

    The density is the mean over the NPT's second half.
    """

    name: str = "validation density"

    def make(self) -> Flow:
        """The Flow: build -> minimize -> npt -> density document."""
        build, minimize, npt = self.equilibrated(seed=2026)
        doc = density_document(
            self.case,
            npt.output.dir_name,
            [minimize.output.wall_time_s, npt.output.wall_time_s],
            ranks=npt.output.ranks,
            lammps_version=npt.output.lammps_version,
            start_density_g_cm3=self.params.get("density_g_cm3"),
        )
        doc.name = f"{self.case} document"
        return Flow([build, minimize, npt, doc], output=doc.output, name=self.name)


def _density_case(
    name: str,
    quantity: str,
    reference: float,
    source: str,
    tolerance: float,
    reason: str,
    cost: str,
    maker: DensityMaker,
    uncertainty: float | None = None,
    notes: str = "",
) -> ValidationCase:
    return ValidationCase(
        name=name,
        suite="md",
        quantity=quantity,
        unit="g/cm^3",
        reference_value=reference,
        reference_uncertainty=uncertainty,
        reference_source=source,
        reference_kind="experiment",
        tolerance=tolerance,
        tolerance_kind="rel",
        tolerance_reason=reason,
        level_of_theory=FF_LEVEL,
        cost=cost,
        make=maker.make,
        notes=notes,
        make_model=with_models(maker),
    )


G1_RHO, G4_RHO = 0.8617, 1.0072
#: rho(353.15 K) / rho(298.15 K) of the melt: the mean of PEO's and tetraglyme's (g/cm^3 ratios) and half their
#: difference as its uncertainty. PEO: Hartmann-Haque V(0,T) = 0.8005 exp((T/1254 K)^1.5) cm^3/g (fitted to
#: 361-497 K, Caruthers et al., Handbook of Diffusion and Thermal Properties of Polymers and Polymer Solutions,
#: AIChE 1998, as tabulated in github.com/HugoMVale/polykin, src/polykin/properties/pvt_polymer, commit 1bb6b279):
#: 0.967. Tetraglyme: DIPPR-105 correlation of the ChemSep 8.31 database (A 0.38334, B 0.25837, C 705 K, D 0.3527;
#: read in github.com/DanWBR/dwsim, chemsep2.xml, commit ffd395a2): 0.946. Neither source's table was read in print.
MELT_EXPANSION_353_298, MELT_EXPANSION_ERR = (0.967 + 0.946) / 2, (0.967 - 0.946) / 2


def _methyl_capped_density(n_eo: int) -> tuple[float, float]:
    """Density (g/cm^3) of liquid CH3O(CH2CH2O)nCH3 at 353.15 K by group additivity, and its uncertainty.

    Molar volumes at 298.15 K are additive in EO units: V(n) = V_ends + n V_EO, fixed by the measured G1 (n = 1)
    and G4 (n = 4) densities above; then scaled to 353.15 K by :data:`MELT_EXPANSION_353_298`. The uncertainty
    combines the expansion's with 0.5 % for the additivity (the G1/G4 straight line carries no check of its own).
    """

    def mass(n: int) -> float:  # g/mol of CH3O(CH2CH2O)nCH3
        return ChainSpec("PEO", n, 1).mass_g_mol

    v1, v4 = mass(1) / G1_RHO, mass(4) / G4_RHO
    v_eo = (v4 - v1) / 3.0
    rho_298 = mass(n_eo) / (v1 - v_eo + n_eo * v_eo)
    rho = rho_298 * MELT_EXPANSION_353_298
    return rho, rho * float(np.hypot(MELT_EXPANSION_ERR / MELT_EXPANSION_353_298, 0.005))


#: the 20-EO methyl-capped melt at 353.15 K: group additivity from the glymes (g/cm^3)
PEO_RHO, PEO_RHO_ERR = (round(v, 3) for v in _methyl_capped_density(20))
G1_SOURCE = (
    "experiment, 298.15 K: Pal & Sharma, J. Chem. Eng. Data 44 (1999) 212 (1,2-dimethoxyethane; the value was not "
    "read in the paper's table here, NTP's 0.8683 g/mL at 20 °C is consistent)"
)
G4_SOURCE = (
    "experiment, 298.15 K: Carvalho et al., J. Chem. Eng. Data 60 (2015) 3721 (tetraethylene glycol dimethyl ether; "
    "the value was not read in the paper's table here)"
)
PEO_SOURCE = (
    "end-group-aware estimate for CH3O(CH2CH2O)20CH3 at 353.15 K: molar volume additive in EO units from the "
    "measured G1 and G4 densities (Pal & Sharma 1999; Carvalho et al. 2015), scaled to 353.15 K by the mean of PEO's "
    "(Caruthers et al., AIChE 1998 handbook, Hartmann-Haque fit) and tetraglyme's (ChemSep/DIPPR-105) expansion; "
    "for comparison, high-Mw amorphous PEO is 1.08-1.13 g/cm^3 at 60-80 °C (Mark (ed.), Physical Properties of "
    "Polymers Handbook, 2nd ed., Springer (2007), ch. 7; not read here)"
)
#: 0.5 mol/L LiTFSI in DME at 303.15 K (mS/cm): linear between the measured 9.75 (297.4 K) and 10.26 (333.1 K)
LI_DME_SIGMA = round(9.75 + (303.15 - 297.4) / (333.1 - 297.4) * (10.26 - 9.75), 2)
LI_DME_SOURCE = (
    "experiment, 0.5 mol/L LiTFSI in 1,2-dimethoxyethane: Xu & Angell, Electrochem. Solid-State Lett. 4 (2001) E1, "
    "doi:10.1149/1.1344281 (conductivity vs T read off the paper's figure, as digitised in the CALiSol-23 dataset, "
    "Mortensen et al., Sci. Data (2024), doi:10.1038/s41597-024-03575-8: 9.75 mS/cm at 297.4 K, 10.26 at 333.1 K; "
    "linear between them at 303.15 K)"
)
#: PFG-NMR self-diffusion (cm^2/s) of LiTFSI in DME at [O]/[Li] = 32 (0.557 mol/L), 303.15 K: Zhang et al.,
#: J. Phys. Chem. B 118 (2014) 5144, Supporting Information Table S1 (89.73 and 81.07 x 1e-7 cm^2/s; DME 192.2),
#: as transcribed in A. Thum's lintf2_ether_ana_postproc repository (scripts/bulk_and_walls/mdt/msd/
#: plot_diff_coeff_conc_dependence.py, commit e86697558b717e3c32db184a5c1f205c7e44a9bc); the SI table itself
#: was not readable here
LI_DME_PFG_CM2_S: dict[str, float] = {"Li": 8.973e-6, "TFSI": 8.107e-6}
LI_DME_PFG_SOURCE = (
    "PFG-NMR, LiTFSI in DME at [O]/[Li] = 32 (0.557 mol/L), 303.15 K: Zhang et al., J. Phys. Chem. B 118 (2014) 5144, "
    "SI Table S1 (as transcribed in github.com/andthum/lintf2_ether_ana_postproc, not read in the SI here)"
)
#: PFG-NMR self-diffusion (cm^2/s) of CH3O(CH2CH2O)nCH3 (PEGDME 500, 11.6 ether O per chain) + LiTFSI at
#: [Li]/[O] = 0.05, 363 K: Hayamizu, Akiba, Bando & Aihara, J. Chem. Phys. 117 (2002) 5929, Fig. 8 (n_EO from its
#: Table 1), as digitised in A. Thum's lintf2_ether_ana_postproc repository (scripts/bulk_and_walls/mdt/msd/
#: plot_diff_coeff_chain-length_dependence_exp.py, commit 53671b4003ddac601295da825f0c5bb1ecdeaecd): Li 0.108657,
#: TFSI 0.150907, polymer 0.105838 nm^2/ns; the figure itself was not readable here, nor the salt ratio (the
#: repository's label r = 0.05 is taken)
PEGDME_PFG_CM2_S: dict[str, float] = {"Li": 1.0866e-6, "TFSI": 1.5091e-6}
#: the PEG dimethyl ether case: its name, cell (14 chains CH3O(CH2CH2O)10CH3, 7 LiTFSI) and temperature (°C)
PEGDME_CASE = "pegdme-litfsi-diffusion"
PEGDME_CELL = {"n_chains": 14, "chain_length": 10, "eo_per_cation": 20}
PEGDME_TEMPERATURE_C = 90.0
PEGDME_PFG_SOURCE = (
    "PFG-NMR (7Li), PEGDME 500 (CH3O(CH2CH2O)nCH3, 11.6 ether O per chain) + LiTFSI at [Li]/[O] = 0.05, 363 K: "
    "Hayamizu, Akiba, Bando & Aihara, J. Chem. Phys. 117 (2002) 5929, Fig. 8 (digitised in "
    "github.com/andthum/lintf2_ether_ana_postproc, commit 53671b40; not read in the paper here); D(TFSI) 1.51e-6, "
    "D(polymer) 1.06e-6 cm^2/s"
)
OPLS_REASON = "OPLS-AA liquid densities are within ~2-3 % of experiment (Jorgensen, Maxwell & Tirado-Rives 1996)"
START_NOTE = f"the cell starts at {START_FRACTION:g} x the reference density; NPT has to find the model's own"


def conductivity_case(maker: ConductivityCaseMaker, **case_fields) -> ValidationCase:
    """A conductivity :class:`ValidationCase` run by ``maker`` at the default ion charge scaling, rescalable.

    ``case_fields`` are the case's other fields (name, quantity, reference, tolerance, ...).
    """
    return ValidationCase(
        suite="md",
        level_of_theory=FF_LEVEL,
        make=dataclasses.replace(maker, ion_charge_scaling=DEFAULT_ION_SCALING).make,
        ion_charge_scaling=DEFAULT_ION_SCALING,
        make_scaled=lambda q: dataclasses.replace(maker, ion_charge_scaling=q).make(),
        make_model=with_models(maker),
        **case_fields,
    )


def _glyme(glyme: str, n: int, rho: float, seed: int) -> dict:
    return {"glyme": glyme, "n_molecules": n, "density_g_cm3": round(START_FRACTION * rho, 4), "seed": seed}


CASES: tuple[ValidationCase, ...] = (
    _density_case(
        "g1-density-cheap",
        "density of liquid 1,2-dimethoxyethane (G1), 298.15 K, 40 molecules, 20 ps NPT",
        G1_RHO,
        G1_SOURCE,
        0.03,
        OPLS_REASON,
        "cheap",
        DensityMaker(
            "validation g1-density-cheap", "g1-density-cheap", "glyme", _glyme("G1", 40, G1_RHO, 1), 298.15, 20.0
        ),
        notes=START_NOTE + "; the cheap variant of g1-density: small cell, 20 ps",
    ),
    _density_case(
        "g1-density",
        "density of liquid 1,2-dimethoxyethane (G1), 298.15 K, 100 molecules, 100 ps NPT",
        G1_RHO,
        G1_SOURCE,
        0.03,
        OPLS_REASON,
        "full",
        DensityMaker("validation g1-density", "g1-density", "glyme", _glyme("G1", 100, G1_RHO, 1), 298.15, 100.0),
        notes=START_NOTE,
    ),
    _density_case(
        "g4-density",
        "density of liquid tetraglyme (G4), 298.15 K, 60 molecules, 200 ps NPT",
        G4_RHO,
        G4_SOURCE,
        0.03,
        OPLS_REASON,
        "full",
        DensityMaker("validation g4-density", "g4-density", "glyme", _glyme("G4", 60, G4_RHO, 2), 298.15, 200.0),
        notes=START_NOTE,
    ),
    _density_case(
        "peo-melt-density",
        "density of a neat PEO melt (10 chains of 20 EO, methyl ends), 353.15 K, 500 ps NPT",
        PEO_RHO,
        PEO_SOURCE,
        0.04,
        "the estimate's ± 1.4 % plus the OPLS-AA density accuracy (~2-3 %)",
        "full",
        DensityMaker(
            "validation peo-melt-density",
            "peo-melt-density",
            "peo",
            {
                "salt": None,
                "eo_per_cation": None,
                "n_chains": 10,
                "chain_length": 20,
                "density_g_cm3": round(START_FRACTION * PEO_RHO, 4),
                "seed": 3,
            },
            353.15,
            500.0,
        ),
        uncertainty=PEO_RHO_ERR,
        notes=START_NOTE + "; methyl-ended 20-EO chains (Mn 0.93 kg/mol) carry more end-group free volume than "
        "high-Mw PEO, so the reference is the oligomer's, not the polymer's",
    ),
    conductivity_case(
        ConductivityCaseMaker(
            "validation li-dme-tfsi-conductivity",
            "li-dme-tfsi-conductivity",
            "glyme",
            {"glyme": "G1", "n_molecules": 71, "salt": "LiTFSI", "molarity_mol_l": 0.5, "seed": 4},
            30.0,
            "sigma_eh_S_cm",
            ConductivityMaker(
                replicas=1,
                minimize_steps=1000,
                anneal_ps=10.0,
                anneal_high_K=450.0,
                npt_segment_ps=20.0,
                npt_budget_ps=200.0,
                production_segment_ps=50.0,
                production_budget_ps=1000.0,
                error_target=0.2,
                ion_dump_fs=100.0,
                ranks=1,
            ),
            diffusion_references_cm2_s=LI_DME_PFG_CM2_S,
        ),
        name="li-dme-tfsi-conductivity",
        quantity="Einstein-Helfand (collective) conductivity of 0.5 mol/L LiTFSI in DME (G1), 303.15 K, 71 DME + "
        "4 LiTFSI, adaptive production to a 20 % error or 1 ns; D(Li), D(TFSI) against PFG-NMR",
        unit="mS/cm",
        reference_value=LI_DME_SIGMA,
        reference_source=LI_DME_SOURCE,
        reference_kind="experiment",
        tolerance=0.5,
        tolerance_kind="rel",
        tolerance_reason="the measured conductivity is collective, so sigma_EH is compared; ± 50 % is the band "
        "chosen here for a non-polarisable model of a salt in a low-permittivity ether (not a published "
        "benchmark): fixed-charge models miss the electronic screening that sets ion pairing there",
        cost="full",
        notes="0.5001 mol/L (71 DME + 4 LiTFSI, 1200 atoms, ideal-mixing start density 0.944 g/cm^3); the "
        "measured conductivity hardly changes between 297 and 333 K (9.75 -> 10.26 mS/cm), ion pairing growing "
        "as the permittivity falls. Measured ionicity: sigma / sigma_NE(PFG-NMR) = 9.8 / ~35 mS/cm ~ 0.3 (strong "
        "ion correlation). sigma_NE, the ionicity sigma_EH/sigma_NE and the ions' D against "
        + LI_DME_PFG_SOURCE
        + " (within ± 50 %) are in the details. One rank: on this 2-core machine a 2-rank run of a cell this size "
        "is slower than a 1-rank one",
    ),
    ValidationCase(
        name=DME_SOLVENT_CASE,
        suite="md",
        quantity="self-diffusion of the solvent DME in LiTFSI/DME at [O]/[Li] = 32 (64 DME + 4 LiTFSI, 1088 atoms), "
        "303.15 K, 50 ps NPT + 300 ps NVT, Yeh-Hummer corrected with the run's Green-Kubo viscosity",
        unit="cm^2/s",
        reference_value=DME_SOLVENT_PFG_CM2_S,
        reference_source=DME_SOLVENT_SOURCE,
        reference_kind="experiment",
        tolerance=0.3,
        tolerance_kind="rel",
        tolerance_reason="± 30 % is the band chosen here (not a published benchmark) for a fixed-charge model's "
        "solvent D: wide enough for the ~5 % of PFG-NMR, the ~10 % block error of a 300 ps run and the noise of "
        "the Green-Kubo viscosity in the finite-size correction (3.7e-6 cm^2/s, a third of the raw D, in the run "
        "reported in docs/validation.md), narrow enough to tell the x0.5 of the ions' raw D in the same solution "
        "from a model whose ether moves as measured",
        level_of_theory=FF_LEVEL,
        cost="full",
        make=DME_SOLVENT_MAKER.with_scaling(DEFAULT_ION_SCALING).make,
        ion_charge_scaling=DEFAULT_ION_SCALING,
        make_scaled=lambda q: DME_SOLVENT_MAKER.with_scaling(q).make(),
        make_model=with_models(DME_SOLVENT_MAKER),
        notes="the composition and temperature of the reference (the D(Li), D(TFSI) of li-dme-tfsi-conductivity are "
        "from the same table row): is the ether itself as slow as the ions? Not a neat liquid: no neat-DME D was "
        "readable here, and the salt's share of the solvent's slowing (4 Li+ among 64 DME) is the model's too. The "
        "raw D, the Green-Kubo viscosity and the Yeh-Hummer increment are in the details. One rank",
    ),
    conductivity_case(
        ConductivityCaseMaker(
            f"validation {PEGDME_CASE}",
            PEGDME_CASE,
            "peo",
            {"salt": "LiTFSI", **PEGDME_CELL, "seed": 5},
            PEGDME_TEMPERATURE_C,
            "diffusion_cm2_s",
            ConductivityMaker(
                replicas=1,
                minimize_steps=1000,
                anneal_ps=20.0,
                anneal_high_K=450.0,
                npt_segment_ps=50.0,
                npt_budget_ps=300.0,
                production_segment_ps=100.0,
                production_budget_ps=1000.0,
                error_target=0.2,
                target_quantity="sigma_ne_S_cm",
                ion_dump_fs=200.0,
                ranks=1,
            ),
            diffusion_references_cm2_s=PEGDME_PFG_CM2_S,
            species="Li",
        ),
        name=PEGDME_CASE,
        quantity="Li+ self-diffusion in a PEG dimethyl ether oligomer + LiTFSI (14 chains CH3O(CH2CH2O)10CH3, "
        "EO:Li = 20, 7 LiTFSI, 1218 atoms), 363.15 K, adaptive production to a 20 % error of sigma_NE or 1 ns; "
        "D(TFSI) beside",
        unit="cm^2/s",
        reference_value=PEGDME_PFG_CM2_S["Li"],
        reference_source=PEGDME_PFG_SOURCE,
        reference_kind="experiment",
        tolerance=0.5,
        tolerance_kind="rel",
        tolerance_reason="OPLS-type fixed-charge models of PEO/Li salts give ion D's within a factor of ~2 of "
        "PFG-NMR at best; ± 50 % is the band chosen here (not a published benchmark), beside the ~5 % of PFG-NMR "
        "and a few % of digitising a log-scale figure",
        cost="full",
        notes="the oligomer of the measurement (11.6 ether O per chain, polydisperse PEGDME 500) is modelled by "
        "monodisperse 10-EO chains (11 ether O); EO:Li = 20 EO units gives [Li]/[O] = 0.045 against the measured "
        "0.05. 363 K is the warmest measured point, where the cell becomes diffusive within the 1 ns budget. "
        "No conductivity of this solution was readable here, so sigma is not compared; sigma_NE, sigma_EH and "
        "their ratio are in the details",
    ),
)
