"""Solvent self-diffusion validation cases: does the ether model itself move as fast as measured.

:class:`SolventDiffusionMaker` builds the case's cell
(:func:`~naspe.workflows.validation.md_jobs.checked_build`), minimises it, equilibrates its
density by NPT at the reference temperature and runs an NVT production at the mean NPT volume
(the ``production`` stage: the whole cell dumped with unwrapped coordinates, the off-diagonal
pressure tensor logged). :func:`solvent_diffusion_document` reads that run with naspe's transport
analysis (:func:`~naspe.analysis.transport_files.analyze_conductivity` with ``neutral=True``: the
neutral molecules' centres of mass, MSD by FFT, the diffusive-window search, block errors) and
compares the solvent's self-diffusion coefficient (cm²/s) with the measured (PFG-NMR) one.

Physics to keep in mind
-----------------------
- **Finite size.** D of a periodic cell is lower than the macroscopic one by
  ``k_B T xi / (6 pi eta L)`` (Yeh & Hummer, J. Phys. Chem. B 108 (2004) 15873); for the DME
  solution (Green-Kubo eta 0.74 mPa s) in its 22.9 Å cell that is 3.7e-6 cm²/s, a third of the
  raw D of DME and about as large as the ions' D, so it is not left to the tolerance: the
  compared value is the corrected D, with eta the model's own Green-Kubo viscosity of the
  production run (the viscosity Yeh & Hummer's correction calls for). The raw D, eta and the
  increment are in the details; a run without that viscosity is *not run*, its raw D never compared.
- **Diffusive regime.** The fit window must show a log-log MSD slope within the analysis'
  tolerance of 1 (the check of the conductivity cases); a run that is not diffusive is *not run*,
  never a pass or a fail.
- **Ions in the cell.** The solvent D of a salt solution also depends on how many solvent molecules
  the cations hold; a case measures the solvent at the reference's composition (for the glyme
  case, the most dilute LiTFSI/DME solution whose solvent D could be read), not a neat liquid.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path

from jobflow import Flow, job

from naspe.analysis.transport_files import analyze_conductivity
from naspe.workflows.md.inputs import StageSpec
from naspe.workflows.md.jobs import LammpsStageMaker
from naspe.workflows.md.run_files import SYSTEM_META
from naspe.workflows.validation.documents import ValidationDocument
from naspe.workflows.validation.md_jobs import CellCaseMaker

__all__ = [
    "SolventDiffusionMaker",
    "solvent_diffusion_document",
    "DME_SOLVENT_CASE",
    "DME_SOLVENT_CELL",
    "DME_SOLVENT_MAKER",
    "DME_SOLVENT_PFG_CM2_S",
    "DME_SOLVENT_SOURCE",
]


@dataclass
class SolventDiffusionMaker(CellCaseMaker):
    """Self-diffusion (cm²/s) of a cell's neutral molecules at one temperature, against PFG-NMR.

    Parameters
    ----------
    name, case, kind, params, temperature_K, minimize_steps, input_generator, ranks
        As :class:`~naspe.workflows.validation.md_jobs.CellCaseMaker`.
    npt_ps
        NPT length (ps); the production runs at the mean volume of its second half.
    production_ps
        NVT production length (ps); the fit window's longest lag is a tenth of it.
    dump_fs
        Interval (fs) of the whole-cell dump the MSDs are computed from.
    ion_charge_scaling
        Factor on the ions' partial charges of a cell with salt (the force field's default when None).
    """

    name: str = "validation solvent diffusion"
    case: str = "dme-solvent-diffusion"
    temperature_K: float = 303.15
    npt_ps: float = 50.0
    production_ps: float = 300.0
    dump_fs: float = 500.0
    ion_charge_scaling: float | None = None

    def make(self) -> Flow:
        """The Flow: build -> minimize -> npt -> production (NVT) -> solvent-diffusion document."""
        gen = self.input_generator
        dt = gen.timestep_fs
        dump_every = max(1, round(self.dump_fs / dt))
        # the whole cell is dumped at the analysis interval; the ion dump and the COM log at the same one
        gen = gen.updated(full_dump_every=dump_every, ion_dump_every=dump_every)
        build, minimize, npt = self.equilibrated(gen, self.ion_charge_scaling)
        production = LammpsStageMaker(
            f"{self.case} production",
            StageSpec("production", max(1, round(self.production_ps * 1000.0 / dt)), self.temperature_K),
            gen,
            self.ranks,
        ).make(npt.output.dir_name, volume_angstrom3=npt.output.mean_volume_angstrom3)
        doc = solvent_diffusion_document(
            self.case,
            production.output.dir_name,
            self.temperature_K,
            [minimize.output.wall_time_s, npt.output.wall_time_s, production.output.wall_time_s],
            self.ion_charge_scaling,
            ranks=production.output.ranks,
            lammps_version=production.output.lammps_version,
        )
        doc.name = f"{self.case} document"
        return Flow([build, minimize, npt, production, doc], output=doc.output, name=self.name)

    def with_scaling(self, ion_charge_scaling: float) -> SolventDiffusionMaker:
        """A copy at another ion charge scaling (the case's ``make_scaled``)."""
        return dataclasses.replace(self, ion_charge_scaling=ion_charge_scaling)


@job(output_schema=ValidationDocument)
def solvent_diffusion_document(
    case: str,
    production_dir: str,
    temperature_K: float,
    wall_times_s: list[float],
    ion_charge_scaling: float | None = None,
    ranks: int | None = None,
    lammps_version: int | None = None,
) -> ValidationDocument:
    """The finite-size-corrected self-diffusion (cm²/s) of the cell's neutral molecules against the reference.

    The production's whole-cell dump (``full.lammpstrj``) and pressure tensor (``pressure.dat``)
    go through :func:`~naspe.analysis.transport_files.analyze_conductivity` with ``neutral=True``.
    A cell with more than one kind of neutral molecule is refused (the case compares one).
    """
    from naspe.workflows.validation.registry import get_case

    spec = get_case("md", case)
    if ion_charge_scaling is not None and spec.ion_charge_scaling is not None:
        spec = spec.with_ion_charge_scaling(ion_charge_scaling)
    run = Path(production_dir)
    wall = float(sum(t for t in wall_times_s if t is not None))
    meta = json.loads((run / SYSTEM_META).read_text())
    timestep_fs = json.loads((run / "run.json").read_text())["timestep_fs"]
    pressure = run / "pressure.dat"
    result = analyze_conductivity(
        run / "full.lammpstrj",
        run / "final.data",
        temperature_K,
        timestep_fs=timestep_fs,
        charge_scaling=meta.get("ion_charge_scaling") or 1.0,
        neutral=True,
        pressure_file=pressure if pressure.exists() else None,
        viscosity_required=False,  # a run whose viscosity cannot be computed is not run, not an error
    )
    prefix = "no Yeh-Hummer correction: "
    viscosity_error = next(
        (w.removeprefix(prefix) for w in result.warnings if w.startswith(prefix)),
        None if pressure.exists() else f"no {pressure.name} in {production_dir}",
    )
    if len(result.diffusion_cm2_s) != 1:
        raise ValueError(f"{production_dir}: {sorted(result.diffusion_cm2_s)} neutral species; the case compares one")
    (species, raw), *_ = result.diffusion_cm2_s.items()
    fs = result.finite_size
    corrected = None if fs is None else fs.diffusion_cm2_s[species]
    delta = None if fs is None else fs.delta_diffusion_cm2_s  # the Yeh-Hummer increment
    details = {
        "species": species,
        "n_molecules": result.n_ions[species],
        "temperature_K": temperature_K,
        "raw_diffusion_cm2_s": (raw.value, raw.stderr),
        "diffusive": result.diffusive,
        "fit_window_ps": result.fit_window_ps,
        "loglog_slope": result.loglog_slope[species],
        "rms_displacement_angstrom": result.rms_displacement_angstrom.get(species),
        "duration_ps": result.duration_ps,
        "frame_interval_ps": result.frame_interval_ps,
        "volume_angstrom3": result.volume_angstrom3,
        "block_diffusion_cm2_s": result.block_diffusion_cm2_s.get(species),
        "viscosity_mPa_s": None if fs is None else (fs.viscosity_mPa_s.value, fs.viscosity_mPa_s.stderr),
        "viscosity_source": viscosity_error if fs is None else fs.viscosity_source,
        "box_length_angstrom": None if fs is None else fs.box_length_angstrom,
        "yeh_hummer_delta_cm2_s": None if delta is None else (delta.value, delta.stderr),
        "ion_charge_scaling": spec.ion_charge_scaling,
        "analysis_warnings": [w for w in result.warnings if "sigma" not in w and "Haven" not in w],
    }
    if not result.diffusive or raw.value is None:
        return ValidationDocument.not_run(
            spec,
            f"no D: the {species} MSD was not diffusive in the fit window of a {result.duration_ps:g} ps run "
            f"(log-log slope {result.loglog_slope[species]}); a longer production is needed",
            details=details,
            wall_time_s=wall,
        )
    if corrected is None or corrected.value is None:  # the raw D is not what the reference and tolerance are for
        return ValidationDocument.not_run(
            spec,
            f"no Yeh-Hummer correction ({viscosity_error or 'no viscosity'}): the raw D "
            f"{raw.value:.3g} cm^2/s of the periodic cell is not compared with the macroscopic PFG-NMR value",
            details=details,
            wall_time_s=wall,
        )
    return ValidationDocument.from_computed(
        spec,
        corrected.value,
        uncertainty=corrected.stderr,
        convergence=f"Yeh-Hummer corrected D of {result.n_ions[species]} {species} from a {result.duration_ps:g} ps "
        "NVT production, "
        f"diffusive fit window {result.fit_window_ps[0]:.3g}-{result.fit_window_ps[1]:.3g} ps (log-log slope "
        f"{result.loglog_slope[species]:.3f}); uncertainty: {result.uncertainty_method.split(';')[0]} (the "
        "viscosity's error not propagated)",
        wall_time_s=wall,
        engine="lammps",
        engine_version=None if lammps_version is None else str(lammps_version),
        ranks=ranks,
        details=details,
    )


#: PFG-NMR self-diffusion (cm^2/s) of DME in LiTFSI/DME at [O]/[Li] = 32 (0.557 mol/L), 303.15 K: the Zhang et al.
#: (2014) SI Table S1 row of the D(Li), D(TFSI) references of ``li-dme-tfsi-conductivity`` (192.2 x 1e-7 cm^2/s),
#: as transcribed in the same repository (scripts/bulk_and_walls/mdt/msd/plot_diff_coeff_conc_dependence_exp.py,
#: commit 4caca61d289cf5f334fc198c8bfe02f7ab1b1f9d: D(G1) 1.922 nm^2/ns at Li/O = 1/32, 303 K); the most dilute
#: solution of the table; no neat-DME (or neat-G4) self-diffusion coefficient was readable here
DME_SOLVENT_PFG_CM2_S = 1.922e-5
#: the solvent-diffusion case: name and cell (64 DME + 4 LiTFSI: [O]/[Li] = 128/4 = 32, as measured; built at the
#: measured 0.9630 g/cm^3 of that solution, Zhang et al. SI Table S1, same transcription)
DME_SOLVENT_CASE = "dme-solvent-diffusion"
DME_SOLVENT_CELL = {"glyme": "G1", "n_molecules": 64, "salt": "LiTFSI", "n_salt": 4, "density_g_cm3": 0.963, "seed": 6}
DME_SOLVENT_SOURCE = (
    "PFG-NMR (1H), DME in LiTFSI/DME at [O]/[Li] = 32 (0.557 mol/L), 303.15 K: Zhang et al., J. Phys. Chem. B 118 "
    "(2014) 5144, SI Table S1 (1.922e-5 cm^2/s, as transcribed in github.com/andthum/lintf2_ether_ana_postproc, "
    "commit 4caca61d; not read in the SI here); no neat-DME (or neat-G4) PFG-NMR value was readable here"
)

#: the Maker of the solvent-diffusion case (its ion charge scaling is set per case variant)
DME_SOLVENT_MAKER = SolventDiffusionMaker(
    f"validation {DME_SOLVENT_CASE}",
    DME_SOLVENT_CASE,
    "glyme",
    DME_SOLVENT_CELL,
    303.15,
    npt_ps=50.0,
    production_ps=300.0,
    ranks=1,
)
