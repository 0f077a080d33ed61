"""The protocols, one sub-package each: conductivity, adhesion, bonding, core levels, and the convergence scan.

Each holds a light ``schemas`` module (its documents) and its Makers; ``common`` holds what they share.
"""
