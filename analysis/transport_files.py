"""The transport analysis of a run's files in one call: trajectory, data file, centre of mass, pressure tensor.

:func:`analyze_conductivity` reads the ions' trajectory (unwrapped, drift removed;
:func:`~naspe.analysis.trajectory.load_ion_trajectory`) and runs
:class:`~naspe.analysis.transport.TransportAnalysis` on it (D in cm^2/s, sigma in
S/cm, with block-averaged errors; read that class's warnings on the physics). With
a pressure-tensor file it adds the Green-Kubo viscosity (mPa s) and the Yeh-Hummer
finite-size correction of D; with the whole-system trajectory, the Na+ solvation
structure.

Examples
--------
>>> from naspe.analysis.transport_files import analyze_conductivity
>>> result = analyze_conductivity("ions.lammpstrj", "system.data", 353.15, timestep_fs=2.0,
...                               com_file="com.dat")  # doctest: +SKIP
>>> result.sigma_eh_S_cm.value, result.sigma_eh_S_cm.error  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from naspe.analysis.solvation import analyze_solvation
from naspe.analysis.trajectory import load_ion_trajectory
from naspe.analysis.transport import TransportAnalysis
from naspe.analysis.transport_result import TransportResult
from naspe.analysis.viscosity import viscosity_from_file

__all__ = ["analyze_conductivity"]


def analyze_conductivity(
    trajectory_path: str | Path,
    topology_path: str | Path,
    temperature_K: float,
    timestep_fs: float | None = None,
    com_file: str | Path | None = None,
    *,
    charge_scaling: float = 0.8,
    stride: int = 1,
    remove_drift: bool = True,
    format: str | None = None,
    pressure_file: str | Path | None = None,
    full_trajectory: str | Path | None = None,
    neutral: bool = False,
    viscosity_required: bool = True,
    **analysis_options: Any,
) -> TransportResult:
    """Read a trajectory with its data file and run :class:`TransportAnalysis` on it.

    Parameters
    ----------
    trajectory_path
        LAMMPS text dump (or DCD/XTC) with unwrapped coordinates or image flags.
    topology_path
        LAMMPS data file of the run.
    temperature_K
        Temperature of the run (K).
    timestep_fs
        MD time step (fs), to turn dump steps into times; required when the frames carry steps, not times.
    com_file
        System centre-of-mass log (``fix ave/time`` of ``compute com``), when the
        trajectory holds only the ions.
    charge_scaling
        Ionic charge scaling of the force field (naspe: 0.8).
    stride
        Use every ``stride``-th frame.
    remove_drift
        Subtract the centre-of-mass motion.
    format
        Trajectory format, from the suffix when None.
    pressure_file
        Off-diagonal pressure tensor of the run (``step pxy pxz pyz``, atm): its Green-Kubo
        viscosity corrects D for the finite cell (Yeh-Hummer); exclusive with ``viscosity_mPa_s``.
    full_trajectory
        Whole-system trajectory of the run (naspe: ``full.lammpstrj``): its Na+ solvation
        structure goes into ``solvation`` (:func:`naspe.analysis.solvation.analyze_solvation`).
    neutral
        Analyse the neutral molecules (solvent self-diffusion; their conductivities are zero)
        instead of the ions; ``trajectory_path`` must then hold them (naspe: ``full.lammpstrj``).
    viscosity_required
        With ``pressure_file``: a viscosity that cannot be computed from it (too few samples, an
        integral that is not positive) raises (True), or leaves the D's uncorrected with a warning
        starting ``no Yeh-Hummer correction`` (False: a workflow's production, whose file may be short).
    **analysis_options
        Keyword arguments of :class:`TransportAnalysis` (``slope_tolerance``,
        ``n_blocks``, ``use_scaled_charges``, ``require_diffusive``, ``apparent_values``,
        ``viscosity_mPa_s``, ...).

    Returns
    -------
    TransportResult
        The transport numbers with uncertainties.
    """
    trajectory = load_ion_trajectory(
        trajectory_path,
        topology_path,
        timestep_fs=timestep_fs,
        com_file=com_file,
        charge_scaling=charge_scaling,
        stride=stride,
        remove_drift=remove_drift,
        format=format,
        neutral=neutral,
    )
    no_viscosity = None  # why the viscosity of pressure_file could not be computed (viscosity_required False)
    if pressure_file is not None:
        if analysis_options.get("viscosity_mPa_s") is not None:
            raise ValueError("give the viscosity or a pressure-tensor file to compute it from, not both")
        try:
            eta, how = viscosity_from_file(
                pressure_file, timestep_fs, float(np.mean(trajectory.volume_angstrom3)), temperature_K
            )
            if not (eta.value is not None and eta.value > 0):
                raise ValueError(f"viscosity_mPa_s={eta.value}: must be a positive viscosity in mPa s")
        except ValueError as err:
            if viscosity_required:
                raise
            no_viscosity = (
                f"no Yeh-Hummer correction: the viscosity of {Path(pressure_file).name} could not be computed ({err})"
            )
        else:
            analysis_options = {**analysis_options, "viscosity_mPa_s": eta, "viscosity_source": how}
    result = TransportAnalysis(trajectory, temperature_K, **analysis_options).run()
    if no_viscosity is not None:
        result = result.model_copy(update={"warnings": [*result.warnings, no_viscosity]})
    if pressure_file is not None and result.finite_size is not None:
        caveat = (
            "the Green-Kubo integral stops where its noise takes over; a polymer's slow stress relaxation "
            "beyond that is missing, so eta is a lower bound and the correction an upper bound: prefer a "
            "measured or long-run viscosity (--viscosity-mpas) for PEO"
        )
        fs = result.finite_size.model_copy(update={"warnings": [*result.finite_size.warnings, caveat]})
        result = result.model_copy(update={"finite_size": fs})
    if full_trajectory is not None:
        solvation = analyze_solvation(
            full_trajectory, topology_path, timestep_fs=timestep_fs, charge_scaling=charge_scaling
        )
        result = result.model_copy(update={"solvation": solvation})
    return result
