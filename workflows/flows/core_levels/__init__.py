"""Delta-SCF 1s core-level shifts (eV) with GPAW.

Documents (``schemas``), Makers (``makers``), the GPAW runs (``runs``), the final-state choice
(``final_state``), the presets' settings (``methods``) and the gas-phase validation molecules
(``molecules``).
"""
