"""Results: what the store and the run folders hold, as DataFrames, and the report built from them.

``from naspe.workflows.results import adhesion_table, conductivity_table`` gives pandas
DataFrames whose rows carry their job uuid and parameters. The functions are imported from
:mod:`~naspe.workflows.results.queries` when first asked for, so importing one module of
this package (``naspe query jobs`` imports ``job_tables``) does not import every table and
pandas with it.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "conductivity_table",
    "conductivity_fit_table",
    "adhesion_table",
    "bonding_table",
    "core_level_table",
    "jobs_table",
    "campaigns",
]


def __getattr__(name: str) -> Any:
    """The table functions of :data:`__all__`, from :mod:`~naspe.workflows.results.queries` (imported now)."""
    if name in __all__:
        from naspe.workflows.results import queries

        return getattr(queries, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
