"""The k-point and basis/cutoff convergence scan of W_adh (J/m^2) or E_bind (eV).

It runs the adhesion and bonding protocols at increasing settings (``makers``), so it sits above them.
"""
