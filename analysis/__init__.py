"""Transport analysis of MD trajectories of polymer electrolytes.

Modules (import them directly; this package imports nothing on its own):

- :mod:`naspe.analysis.transport`: :class:`TransportAnalysis` and :func:`analyze_conductivity`
  (self-diffusion, Nernst-Einstein and Einstein-Helfand conductivity, Haven ratio, t+).
- :mod:`naspe.analysis.trajectory`: :func:`load_ion_trajectory`, the ion centre-of-mass trajectory.
- :mod:`naspe.analysis.lammps_io`: LAMMPS data files, text dumps and centre-of-mass logs;
  :mod:`naspe.analysis.mda_io`: DCD/XTC through MDAnalysis.
- :mod:`naspe.analysis.species`: ions identified and named from the topology.
- :mod:`naspe.analysis.msd`: FFT mean-squared displacements; :mod:`naspe.analysis.regime`:
  the diffusive window.
- :mod:`naspe.analysis.arrhenius`: Arrhenius and VTF fits, the log sigma vs 1000/T plot and
  measured reference values.
- :mod:`naspe.analysis.transport_result`: the result document; :mod:`naspe.analysis.units`: constants.
- :mod:`naspe.analysis.synthetic`: random-walk trajectories with known transport, as LAMMPS files.
"""
