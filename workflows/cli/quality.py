"""What ``naspe adhesion`` and ``naspe bonding`` say about how far a number can be trusted.

:func:`quality` is the block their ``--json`` output (and ``adhesion.json`` /
``bonding.json``) carries next to the number: convergence (every relaxation's
final fmax in eV/Å, steps against the step limit, SCF, and which did not
converge), level of theory, purpose (screening or production) and the engine's
limits from the registry. :func:`verdict` is the line the plain output prints after
the number when it is not converged or is a screening result.
"""

from __future__ import annotations

from typing import Any

__all__ = ["quality", "verdict"]


def quality(doc: dict[str, Any]) -> dict[str, Any]:
    """``converged``, ``convergence``, ``level_of_theory``, ``purpose`` and ``engine_limits`` of a stored document."""
    from naspe.workflows.dft.convergence import DerivedConvergence
    from naspe.workflows.dft.registry import ENGINES
    from naspe.workflows.results.store_reader import purpose_of  # the tables' rule: one rule

    convergence = DerivedConvergence.read(doc.get("convergence"))
    spec = ENGINES.get(doc.get("engine"))
    return {
        "converged": convergence.converged,
        "convergence": convergence.as_json(),
        "level_of_theory": doc.get("level_of_theory"),
        "purpose": purpose_of(doc.get("purpose")),
        "engine_limits": list(spec.known_limits.lines()) if spec is not None else [],
    }


def verdict(block: dict[str, Any]) -> str | None:
    """'NOT CONVERGED: ...' / 'convergence unknown: ...' and 'screening result' as one line; None if neither."""
    parts = []
    summary = block["convergence"]["summary"]
    if block["converged"] is False:
        parts.append("NOT CONVERGED: " + summary.removeprefix("not converged: "))
    elif block["converged"] is None:
        parts.append(f"convergence {summary}")
    if block["purpose"] != "production":
        parts.append(f"{block['purpose']} result ({block['level_of_theory'] or 'level of theory not recorded'})")
    return "; ".join(parts) or None
