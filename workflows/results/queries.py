"""Queries of the results database as pandas DataFrames, one row per stored result.

Every function takes a jobflow ``JobStore`` (or a naspe data directory, opened
with :func:`naspe.workflows.execution.store.open_store`) and keyword filters, and returns
a DataFrame whose rows carry the ``job_uuid`` (and ``job_index``, ``job_name``,
``completed_at``) of the job that produced the number and the parameters of that
job: the campaign metadata (``campaign``, ``preset``, ``component``, ``salt``,
``system``) plus the document's own settings (engine, temperature, area, ...).

Documents are selected by the class of their output (``output.@class``, e.g.
``TransportResult``, ``ConductivitySummary``, ``AdhesionDocument``) and validated as
that class (:func:`~naspe.workflows.results.typed_read.read`; one that does not
validate is left out with a logged warning); of a job that was replaced (several
indices), only the highest index counts. Rows are read from document fields and job
metadata, never from job names or warning texts.

Filters (all optional, combined with AND; a row whose value is unknown does not
match a filter on it):

- ``salt``, ``preset``, ``campaign``, ``engine``: exact, case-insensitive;
- ``interface``: the row's system (``film/substrate`` for adhesion, the interface
  name for core levels, ``fragment/site`` or the reaction for bonding); exact
  when some row's system equals it, otherwise a case-insensitive substring;
- temperatures (conductivity): ``tmin_c``/``tmax_c`` in °C or ``tmin_k``/``tmax_k`` in K, inclusive.

This module gathers the tables; each lives in its own module (``transport_tables``,
``adhesion_tables``, ``bonding_tables``, ``core_level_tables``, ``job_tables``) on top of
:mod:`~naspe.workflows.results.typed_read` and :mod:`~naspe.workflows.results.store_reader`,
the store access they share.

Functions
---------
- :func:`conductivity_table`: one row per transport analysis (temperature, replica): sigma (S/cm) and D (cm^2/s).
- :func:`conductivity_fit_table`: the Arrhenius / VTF fits of the conductivity summaries.
- :func:`adhesion_table`: one row per work-of-adhesion document (J/m^2).
- :func:`bonding_table`: one row per (document, bond class): interface bonds of adhesion documents and
    substrate-fragment bonds of binding / reaction documents, with lengths (Å) and orders.
- :func:`core_level_table`: one row per excited atom: core-level shift and XPS-aligned binding energy (eV).
- :func:`jobs_table`: every job of the runs under ``<data_dir>/runs`` with its state and completion time.
- :func:`validation_table`: one row per validation case: computed vs reference vs tolerance, passed, wall time (s).
"""

from __future__ import annotations

from naspe.workflows.results.adhesion_tables import SUBSTRATE_CLASSES, adhesion_table, substrate_class
from naspe.workflows.results.bonding_tables import bonding_table
from naspe.workflows.results.core_level_tables import core_level_table
from naspe.workflows.results.job_tables import jobs_table
from naspe.workflows.results.store_reader import META_KEYS, as_store, campaigns
from naspe.workflows.results.transport_tables import conductivity_fit_table, conductivity_table
from naspe.workflows.results.validation_tables import validation_table

__all__ = [
    "conductivity_table",
    "conductivity_fit_table",
    "adhesion_table",
    "bonding_table",
    "core_level_table",
    "jobs_table",
    "validation_table",
    "campaigns",
    "as_store",
    "substrate_class",
    "SUBSTRATE_CLASSES",
    "META_KEYS",
]

_as_store = as_store  # the former private name, still used by the report
