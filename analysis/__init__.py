"""Transport analysis of MD trajectories of polymer electrolytes.

Modules (import them directly; this package imports nothing on its own):

- :mod:`naspe.analysis.transport`: :class:`TransportAnalysis`, and
  :mod:`naspe.analysis.transport_files`: :func:`analyze_conductivity` on a run's files
  (self-diffusion, Nernst-Einstein and Einstein-Helfand conductivity, Haven ratio, t+);
  :mod:`naspe.analysis.transport_checks` its caveats; :mod:`naspe.analysis.reach` what a short
  or non-diffusive run shows.
- :mod:`naspe.analysis.onsager`: Onsager coefficients L++, L--, L+- (self, distinct), sigma and t+
  from ion correlations.
- :mod:`naspe.analysis.solvation`: Na+ g(r), coordination by ether O and anion O/N, ion pairing;
  :mod:`naspe.analysis.residence`: residence times; :mod:`naspe.analysis.solvation_result`: its document.
- :mod:`naspe.analysis.viscosity`: Green-Kubo shear viscosity; :mod:`naspe.analysis.finite_size`:
  Yeh-Hummer correction of D.
- :mod:`naspe.analysis.trajectory`: :func:`load_ion_trajectory`, the ion centre-of-mass trajectory.
- :mod:`naspe.analysis.lammps_topology`: LAMMPS data files' topology; :mod:`naspe.analysis.lammps_io`: text
  dumps and centre-of-mass logs;
  :mod:`naspe.analysis.mda_io`: DCD/XTC through MDAnalysis.
- :mod:`naspe.analysis.species`: ions identified and named from the topology.
- :mod:`naspe.analysis.msd`: FFT mean-squared displacements; :mod:`naspe.analysis.regime`:
  the diffusive window.
- :mod:`naspe.analysis.arrhenius`: Arrhenius and VTF fits, the log sigma vs 1000/T plot and
  measured reference values.
- :mod:`naspe.analysis.transport_result`: the result document; :mod:`naspe.analysis.values`: a value
  with its standard error; :mod:`naspe.analysis.units`: constants.
- :mod:`naspe.analysis.synthetic`: random-walk trajectories with known transport, as LAMMPS files.
"""
