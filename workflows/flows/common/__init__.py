"""What the protocols share; it imports engines, base and structures only.

The counterpoise correction (its document and jobs), the split of a complex into its parts, and the
input checks made before any engine runs.
"""
