"""What the protocols share, importing engines and base only.

The counterpoise correction (its document and jobs), the split of a complex into its parts, and the
input checks made before any engine runs.
"""
