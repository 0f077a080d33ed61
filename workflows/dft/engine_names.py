"""The names of the DFT / tight-binding engines, importable without the engines' modules.

What the command line offers as ``--engine`` choices; the registry
(:data:`naspe.workflows.dft.registry.ENGINES`) holds an entry of each, in this order, and
checks at import that the two agree.
"""

from __future__ import annotations

__all__ = ["ENGINE_NAMES"]

#: engine names, the default first
ENGINE_NAMES: tuple[str, ...] = ("gpaw", "cp2k", "tblite", "vasp")
