"""The protocols, one sub-package each: conductivity, adhesion, bonding, core levels, and the convergence scan.

Each protocol holds a light ``schemas`` module (the documents the results read) and its Makers; ``common``
holds what they share (the counterpoise jobs and document, the split of a complex, input checks).
"""
