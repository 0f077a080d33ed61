"""Ionic conductivity (S/cm) of the electrolyte across temperatures by LAMMPS MD.

Documents (``schemas``), the flow (``makers``), the adaptive production (``adaptive``) and its
progress file (``progress``).
"""
