"""LAMMPS inputs for the MD stages of naspe (an input generator in the pymatgen style).

:class:`LammpsInputGenerator` holds every choice (time step, SHAKE, thermostat and
barostat damping, output intervals, PPPM accuracy) in ``__init__``;
:meth:`LammpsInputGenerator.get_input_set` is pure and returns a
:class:`LammpsInputSet`: a setup script, a list of run segments and the closing
commands. The runner (``naspe.workflows.md.runner``) executes the segments in
chunks so that it can report progress, check the run and stop cleanly.

Stages
------
``minimize``    conjugate-gradient minimisation.
``nvt``         Nose-Hoover NVT at one temperature.
``npt``         Nose-Hoover NPT (isotropic) at one temperature and pressure.
``anneal``      NVT heat from T to T_high, hold, cool back to T (polymer cells).
``production``  NVT at T with unwrapped ion coordinates dumped at the analysis
                interval, the whole system rarely, and the system centre of mass.

Polarisable model
-----------------
``model="clpol"`` runs cells written by ``LammpsSystemWriter(model="clpol")`` (CL&Pol Drude
oscillators; the ``drude`` record of the system is passed to :meth:`LammpsInputGenerator.get_input_set`):
``fix drude`` with the C/D/N flag of each type, ``comm_modify vel yes``, the temperature-grouped
Nose-Hoover thermostats ``fix tgnvt/drude`` / ``tgnpt/drude`` (atoms and molecules at T, the Drude
oscillators' relative motion at :data:`DRUDE_TEMPERATURE_K` with damping :data:`DRUDE_T_DAMP_FS`, as in
the CL&Pol examples), SHAKE and the initial velocities on the non-Drude atoms only, a 1 fs time step,
and the ion and full dumps without the Drude particles (the analysis folds them into their cores when
it reads the data file). The temperature of ``thermo.dat`` is that of the atoms (Drude-core centres of
mass and non-polarisable atoms, ``compute temp/drude``), not LAMMPS's ``temp`` over all particles; the
thermostat's temperatures go to ``drude_temp.dat`` (molecular centres of mass, atoms relative to them,
Drude-core relative motion, K). Minimisation moves the Drude particles with the
atoms (the LAMMPS Drude how-to says nothing against it; the CL&Pol examples leave it commented out).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

from monty.json import MSONable

__all__ = ["LammpsInputGenerator", "LammpsInputSet", "StageSpec", "Segment", "STAGES", "MODELS"]

STAGES = ("minimize", "nvt", "npt", "anneal", "production")
Stage = Literal["minimize", "nvt", "npt", "anneal", "production"]
MODELS = ("fixed", "clpol")

#: Drude oscillators' temperature (K) and thermostat damping (fs): TDRUDE 1.0 and 20 of the CL&Pol
#: inputs (github.com/paduagroup/clandpol 97a0e60, polarizer lines 704, 709; example_il/in-p.eq.lmp)
DRUDE_TEMPERATURE_K = 1.0
DRUDE_T_DAMP_FS = 20.0


@dataclass(frozen=True)
class StageSpec(MSONable):
    """What one MD stage does.

    Parameters
    ----------
    stage
        One of :data:`STAGES`.
    n_steps
        MD steps (for ``anneal``: the total of heat, hold and cool, split 1:1:2).
    temperature_K
        Target temperature (K).
    pressure_atm
        Target pressure (atm), ``npt`` only.
    anneal_high_K
        Peak temperature (K) of ``anneal``.
    create_velocities
        Draw Maxwell-Boltzmann velocities at the start (first dynamics stage).
    seed
        Seed of the velocity draw.
    first_step
        Step number the stage starts at: 0 for a stage of its own; a continuation segment of a
        stage run in segments starts where the previous segment ended, so that its dumps and logs
        number the steps of the whole run.
    volume_angstrom3
        Rescale the cell (isotropically, atoms remapped) to this volume (Å^3) before the
        dynamics: the mean equilibrated NPT volume for an NVT production. None: keep the cell.
    """

    stage: Stage
    n_steps: int
    temperature_K: float = 353.15
    pressure_atm: float = 1.0
    anneal_high_K: float = 600.0
    create_velocities: bool = False
    seed: int = 12345
    first_step: int = 0
    volume_angstrom3: float | None = None

    def __post_init__(self) -> None:
        if self.stage not in STAGES:
            raise ValueError(f"stage={self.stage!r}: allowed stages are {list(STAGES)}")
        if not isinstance(self.n_steps, int) or self.n_steps < 1:
            raise ValueError(f"n_steps={self.n_steps!r}: must be an integer >= 1")
        if not 1.0 <= self.temperature_K <= 2000.0:
            raise ValueError(f"temperature_K={self.temperature_K}: must be within 1-2000 K")
        if not isinstance(self.first_step, int) or self.first_step < 0:
            raise ValueError(f"first_step={self.first_step!r}: must be an integer >= 0")
        if self.volume_angstrom3 is not None and not self.volume_angstrom3 > 0:
            raise ValueError(f"volume_angstrom3={self.volume_angstrom3}: must be a positive volume (Å^3) or None")
        if self.stage == "anneal" and self.anneal_high_K <= self.temperature_K:
            raise ValueError(
                f"anneal_high_K={self.anneal_high_K} must exceed temperature_K={self.temperature_K} for an anneal"
            )


@dataclass(frozen=True)
class Segment:
    """Commands that set up one stretch of dynamics, and its length in steps."""

    commands: str
    n_steps: int


@dataclass
class LammpsInputSet:
    """Everything the runner needs for one stage."""

    setup: str
    segments: list[Segment]
    finish: str
    minimize: str | None = None
    outputs: dict[str, str] = field(default_factory=dict)
    first_step: int = 0

    @property
    def total_steps(self) -> int:
        """Steps of dynamics over all segments."""
        return sum(s.n_steps for s in self.segments)

    def script(self) -> str:
        """The whole stage as one LAMMPS script (for the record and for plain `lmp -in`)."""
        parts = [self.setup]
        if self.minimize:
            parts.append(self.minimize)
        for seg in self.segments:
            parts.append(seg.commands)
            parts.append(f"run {seg.n_steps}")
        parts.append(self.finish)
        return "\n".join(parts) + "\n"

    def as_dict(self) -> dict:
        """JSON-ready form (the runner's input)."""
        return {
            "setup": self.setup,
            "segments": [asdict(s) for s in self.segments],
            "finish": self.finish,
            "minimize": self.minimize,
            "outputs": self.outputs,
            "first_step": self.first_step,
        }


class LammpsInputGenerator(MSONable):
    """Input generator for naspe's LAMMPS stages.

    Parameters
    ----------
    timestep_fs
        MD time step (fs); 2 fs with SHAKE on X-H bonds, 1 fs without. None: 2 fs, or 1 fs for ``clpol``
        (the CL&Pol examples' step; larger steps are refused with Drude oscillators).
    shake
        Constrain the bonds the force field marks (X-H) with SHAKE.
    pppm_accuracy
        PPPM relative force accuracy (the data set's settings give the style).
    thermo_every
        Interval (steps) of thermodynamic output (``thermo.dat``).
    restart_every
        Interval (steps) of restart files (``restart.a`` / ``restart.b``).
    ion_dump_every
        Interval (steps) of unwrapped ion coordinates in production (``ions.lammpstrj``).
    full_dump_every
        Interval (steps) of whole-system frames in production (``full.lammpstrj``).
    pressure_every
        Interval (steps) of the off-diagonal pressure tensor samples in production, for the
        Green-Kubo viscosity of :mod:`naspe.analysis.viscosity` (``pressure.dat``: step pxy pxz
        pyz in atm, each line the mean of two samples, written every second interval; two
        samples per line keep a restarted run from writing its first step twice, since LAMMPS
        writes a one-sample average on the step a run starts). LAMMPS computes the virial only on the
        steps a fix asks for it, so sampling every step would cost ~20 % of the run's speed;
        10 fs between samples resolves the stress signal, whose fastest components (S=O
        stretches near 1350 cm^-1, once SHAKE freezes the X-H stretches) lie below the
        1670 cm^-1 that 10 fs sampling resolves.
    t_damp_steps, p_damp_steps
        Nose-Hoover thermostat and barostat damping, in time steps.
    model
        ``"fixed"`` (fixed-charge cells) or ``"clpol"`` (polarisable CL&Pol cells with Drude particles).
    """

    def __init__(
        self,
        timestep_fs: float | None = None,
        shake: bool = True,
        pppm_accuracy: float = 1e-5,
        thermo_every: int = 500,
        restart_every: int = 5000,
        ion_dump_every: int = 500,
        full_dump_every: int = 50000,
        pressure_every: int = 5,
        t_damp_steps: int = 100,
        p_damp_steps: int = 1000,
        model: str = "fixed",
    ) -> None:
        if model not in MODELS:
            raise ValueError(f"model={model!r}: allowed are {list(MODELS)}")
        if timestep_fs is None:
            timestep_fs = 1.0 if model == "clpol" else 2.0
        if model == "clpol" and timestep_fs > 1.0:
            raise ValueError(f"timestep_fs={timestep_fs} with Drude oscillators (clpol): must be <= 1 fs")
        if not 0.05 <= timestep_fs <= 5.0:
            raise ValueError(f"timestep_fs={timestep_fs}: must be within 0.05-5 fs")
        if timestep_fs > 1.0 and not shake:
            raise ValueError(f"timestep_fs={timestep_fs} without SHAKE: X-H vibrations need <= 1 fs")
        for name, value in (
            ("thermo_every", thermo_every),
            ("restart_every", restart_every),
            ("ion_dump_every", ion_dump_every),
            ("full_dump_every", full_dump_every),
            ("pressure_every", pressure_every),
            ("t_damp_steps", t_damp_steps),
            ("p_damp_steps", p_damp_steps),
        ):
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"{name}={value!r}: must be an integer >= 1")
        if not 0 < pppm_accuracy < 1e-2:
            raise ValueError(f"pppm_accuracy={pppm_accuracy}: must be in (0, 0.01)")
        self.timestep_fs = float(timestep_fs)
        self.shake = bool(shake)
        self.pppm_accuracy = float(pppm_accuracy)
        self.thermo_every = thermo_every
        self.restart_every = restart_every
        self.ion_dump_every = ion_dump_every
        self.full_dump_every = full_dump_every
        self.pressure_every = pressure_every
        self.t_damp_steps = t_damp_steps
        self.p_damp_steps = p_damp_steps
        self.model = model

    def as_dict(self) -> dict:
        """MSONable dict; ``model`` only when it is not ``"fixed"``, so fixed-charge generators serialise as before."""
        d = super().as_dict()
        if d.get("model") == "fixed":
            del d["model"]
        return d

    def parameters(self) -> dict:
        """The generator's choices (its ``__init__`` arguments)."""
        return {k: v for k, v in self.as_dict().items() if not k.startswith("@")}

    def updated(self, **changes) -> LammpsInputGenerator:
        """A copy with some choices changed (e.g. a smaller time step after a failed run); self is not changed."""
        return LammpsInputGenerator(**(self.parameters() | changes))

    def with_timestep(self, timestep_fs: float) -> LammpsInputGenerator:
        """A copy with another time step; self is not changed."""
        return self.updated(timestep_fs=timestep_fs)

    def get_input_set(
        self,
        spec: StageSpec,
        start: Literal["data", "restart"],
        start_file: str,
        constrained_bond_types: list[str],
        ion_atom_types: list[str],
        resume: bool = False,
        slab: bool = False,
        drude: dict | None = None,
    ) -> LammpsInputSet:
        """The input set of one stage.

        Parameters
        ----------
        spec
            The stage.
        start
            ``"data"``: ``start_file`` is a settings file that reads the data file
            (``system.in.settings``); ``"restart"``: a LAMMPS restart file.
        start_file
            Path of that file, as LAMMPS will see it from the run directory.
        constrained_bond_types
            Bond type labels to SHAKE.
        ion_atom_types
            Atom type labels of ions (the production dump group).
        resume
            Continue this stage from its own restart file: keep the step count and
            append to its outputs.
        slab
            The cell is a slab (non-periodic z): the PPPM slab correction is used.
        drude
            The ``drude`` record of a polarisable system (:class:`naspe.structures.lammps_data.LammpsSystem`);
            required with ``model="clpol"``, refused otherwise.
        """
        if start not in ("data", "restart"):
            raise ValueError(f"start={start!r}: must be 'data' or 'restart'")
        if (drude is not None) != (self.model == "clpol"):
            raise ValueError(
                f"model={self.model!r} with {'a' if drude else 'no'} Drude record: a clpol generator runs the "
                "cells LammpsSystemWriter(model='clpol') writes, a fixed one the others"
            )
        dt = self.timestep_fs
        lines = []
        if start == "data":
            lines.append(f"include {start_file}")
        else:
            lines += [f"read_restart {start_file}", f"kspace_style pppm {self.pppm_accuracy:g}"]
            if drude is not None:  # pair_style hybrid/overlay does not restore its coefficients
                lines += list(drude["pair_coeffs"])
            if slab:
                lines.append("kspace_modify slab 3.0")
        if not resume:
            lines.append(f"reset_timestep {spec.first_step}")
            if spec.volume_angstrom3 is not None:
                lines += [
                    f"variable naspe_scale equal ({spec.volume_angstrom3:.8g}/vol)^(1.0/3.0)",
                    "change_box all x scale ${naspe_scale} y scale ${naspe_scale} z scale ${naspe_scale} remap",
                ]
        if drude is not None:
            lines += [
                f"group ATOMS type {' '.join(drude['atom_types'])}",
                f"group DRUDES type {' '.join(drude['drude_types'])}",
                f"fix DRUDE all drude {' '.join(drude['flags'])}",
                "comm_modify vel yes",
                "compute TDRUDE all temp/drude",
            ]
        atoms = "ATOMS" if drude is not None else "all"  # SHAKE, velocities and dumps leave the Drudes out
        temperature = "c_TDRUDE[1]" if drude is not None else "c_thermo_temp"  # of the atoms, Drudes folded in
        lines += [
            "neighbor 2.0 bin",
            "neigh_modify every 1 delay 0 check yes",
            f"timestep {dt:g}",
            "thermo_style custom step time temp press pe ke etotal density vol",
            f"thermo {self.thermo_every}",
            "thermo_modify norm no flush yes lost error",
            "variable rho equal density",
            "variable vol equal vol",
            "variable ke equal ke",
            "variable etot equal etotal",
            f"fix thermo_out all ave/time {self.thermo_every} 1 {self.thermo_every} "
            f"{temperature} c_thermo_press c_thermo_pe v_ke v_etot v_rho v_vol "
            f"{'append' if resume else 'file'} thermo.dat",
        ]
        outputs = {"thermo": "thermo.dat", "final_data": "final.data", "final_restart": "final.restart"}
        minimize = None
        segments: list[Segment] = []
        if spec.stage == "minimize":
            minimize = f"min_style cg\nminimize 1.0e-6 1.0e-6 {spec.n_steps} {10 * spec.n_steps}"
        else:
            pre = []
            if self.shake and constrained_bond_types:
                pre.append(f"fix shake {atoms} shake 1.0e-4 20 0 b {' '.join(constrained_bond_types)}")
            if spec.create_velocities and not resume:
                pre.append(f"velocity {atoms} create {spec.temperature_K:g} {spec.seed} dist gaussian mom yes rot yes")
            pre.append(f"restart {self.restart_every} restart.a restart.b")
            t_damp = self.t_damp_steps * dt
            p_damp = self.p_damp_steps * dt
            T = spec.temperature_K
            if spec.stage == "production":
                if not ion_atom_types:
                    raise ValueError("a production stage needs ion atom types for its dump group; the cell has none")
                append = " append yes" if resume else ""
                pre += [
                    f"group ions type {' '.join(ion_atom_types)}",
                    f"dump ions ions custom {self.ion_dump_every} ions.lammpstrj id mol type xu yu zu",
                    f"dump_modify ions sort id format float %.6f{append}",
                    f"dump full {atoms} custom {self.full_dump_every} full.lammpstrj id mol type xu yu zu",
                    f"dump_modify full sort id format float %.6f{append}",
                    "compute sys_com all com",
                    f"fix com_out all ave/time {self.ion_dump_every} 1 {self.ion_dump_every} "
                    f"c_sys_com[1] c_sys_com[2] c_sys_com[3] {'append' if resume else 'file'} com.dat",
                ]
                n = self.pressure_every
                pre.append(
                    f"fix pressure_out all ave/time {n} 2 {2 * n} c_thermo_press[4] c_thermo_press[5] "
                    f"c_thermo_press[6] {'append' if resume else 'file'} pressure.dat"
                )
                outputs.update(
                    {"ions": "ions.lammpstrj", "full": "full.lammpstrj", "com": "com.dat", "pressure": "pressure.dat"}
                )
            pre_text = "\n".join(pre)
            nvt, npt, after, damp = "nvt", "npt", "", f"{t_damp:g}"
            if drude is not None:  # temperature-grouped Nose-Hoover: atoms at T, Drude oscillators cold
                nvt, npt = "tgnvt/drude", "tgnpt/drude"
                damp = f"{t_damp:g} {DRUDE_TEMPERATURE_K:g} {DRUDE_T_DAMP_FS:g}"
                after = (
                    f"\nfix drude_out all ave/time {self.thermo_every} 1 {self.thermo_every} f_md[1] f_md[2] f_md[3] "
                    f"{'append' if resume else 'file'} drude_temp.dat"
                )
                outputs["drude_temp"] = "drude_temp.dat"
            if spec.stage in ("nvt", "production"):
                segments = [Segment(f"{pre_text}\nfix md all {nvt} temp {T:g} {T:g} {damp}{after}", spec.n_steps)]
            elif spec.stage == "npt":
                P = spec.pressure_atm
                segments = [
                    Segment(
                        f"{pre_text}\nfix md all {npt} temp {T:g} {T:g} {damp} iso {P:g} {P:g} {p_damp:g}{after}",
                        spec.n_steps,
                    )
                ]
            else:  # anneal: heat 1/4, hold 1/4, cool 1/2
                Th = spec.anneal_high_K
                n1 = max(1, spec.n_steps // 4)
                n2 = max(1, spec.n_steps // 4)
                n3 = max(1, spec.n_steps - n1 - n2)
                segments = [
                    Segment(f"{pre_text}\nfix md all {nvt} temp {T:g} {Th:g} {damp}{after}", n1),
                    Segment(f"unfix md\nfix md all {nvt} temp {Th:g} {Th:g} {damp}", n2),
                    Segment(f"unfix md\nfix md all {nvt} temp {Th:g} {T:g} {damp}", n3),
                ]
        finish = "write_data final.data\nwrite_restart final.restart"
        return LammpsInputSet(
            setup="\n".join(lines),
            segments=segments,
            finish=finish,
            minimize=minimize,
            outputs=outputs,
            first_step=spec.first_step,
        )
