"""Binding and reaction energies (eV) of fragments at carbon and Na sites.

The bonds the study's XPS sees (C-O, C=O, Na-O, Na-N): documents (``schemas``), the document jobs
(``jobs``) and Makers (``makers``).
"""
