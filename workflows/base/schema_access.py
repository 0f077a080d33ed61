"""A cache for jobflow's check of attribute access on output references.

``job.output.relaxed_interface`` on a job with an output schema makes jobflow check that
the schema has that field (``jobflow.core.reference.validate_schema_access``), and the
check builds the schema's whole JSON schema with pydantic each time: about half of the
time it takes to build a campaign flow (the standard preset's: 35 of 77 s on a loaded
machine). The answer depends only on the schema class and the name asked for, so naspe
keeps it: :func:`install` replaces jobflow's function by the same function behind an
unbounded cache (failed checks raise again, they are not cached). Installed by
:mod:`naspe.workflows.base.identity`, which every flow builder imports.
"""

from __future__ import annotations

import functools
from typing import Any

import jobflow.core.reference as reference

__all__ = ["install"]

_ORIGINAL = reference.validate_schema_access


@functools.cache
def _cached(schema: Any, item: Any) -> tuple[bool, Any]:
    return _ORIGINAL(schema, item)


def validate_schema_access(schema: Any, item: Any) -> tuple[bool, Any]:
    """The answer of jobflow's ``validate_schema_access(schema, item)``, found once per (schema class, item)."""
    try:
        return _cached(schema, item)
    except TypeError as err:  # an unhashable item: ask jobflow itself
        if "unhashable" not in str(err):
            raise
        return _ORIGINAL(schema, item)


def install() -> None:
    """Make jobflow's output references use the cached check (idempotent)."""
    reference.validate_schema_access = validate_schema_access
