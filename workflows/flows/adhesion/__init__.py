"""Work of adhesion (J/m^2) of a film on a substrate.

Documents (``schemas``), Makers (``makers``), the fast protocol (``protocol``: pre-relaxation + DFT
single points) and the study of several interfaces (``study``).
"""
