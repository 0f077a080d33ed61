"""Validation suites: reference cases (value, source, tolerance) run through the project's runner.

``naspe validate dft`` / ``naspe validate md`` (and ``make validate``) run the cases of
:mod:`~naspe.workflows.validation.registry`; each case's Flow ends in a
:class:`~naspe.workflows.validation.documents.ValidationDocument` that the results
store keeps (``naspe query validation``, the report's validation section).

This room sits at the campaign's level: it builds Flows from the engines and
protocols below it and imports nothing above (the command line runs the Flows with
:func:`naspe.workflows.execution.runner.run_flow`).
"""

from naspe.workflows.validation.cases import COSTS, SUITES, ValidationCase
from naspe.workflows.validation.documents import STATUSES, ValidationDocument
from naspe.workflows.validation.registry import get_case, select_cases, suite_cases

__all__ = [
    "ValidationCase",
    "ValidationDocument",
    "SUITES",
    "COSTS",
    "STATUSES",
    "suite_cases",
    "select_cases",
    "get_case",
]
