"""Results: what the store and the run folders hold, as DataFrames, and the report built from them.

``from naspe.workflows.results import adhesion_table, conductivity_table`` gives pandas
DataFrames whose rows carry their job uuid and parameters.
"""

from naspe.workflows.results.queries import (
    adhesion_table,
    bonding_table,
    campaigns,
    conductivity_fit_table,
    conductivity_table,
    core_level_table,
    jobs_table,
)

__all__ = [
    "conductivity_table",
    "conductivity_fit_table",
    "adhesion_table",
    "bonding_table",
    "core_level_table",
    "jobs_table",
    "campaigns",
]
