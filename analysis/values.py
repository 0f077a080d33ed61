"""A number with its standard error, null (never NaN) when undefined: the unit of every result document."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel, Field, field_validator

__all__ = ["ValueWithError"]


class ValueWithError(BaseModel):
    """A value and its standard error, in the unit named by the field that holds it."""

    value: float | None = Field(None, description="Best estimate (from the whole trajectory); null if undefined.")
    stderr: float | None = Field(
        None, description="Standard error (see the result's uncertainty_method); null if undefined."
    )

    @field_validator("value", "stderr", mode="before")
    @classmethod
    def _finite_or_none(cls, v: float | None) -> float | None:
        if v is None:
            return None
        v = float(v)
        return v if math.isfinite(v) else None

    @classmethod
    def from_blocks(cls, value: float, blocks: Sequence[float]) -> ValueWithError:
        """The whole-run ``value`` with the standard error std(ddof=1)/sqrt(n) of the finite block values."""
        finite = np.asarray([b for b in blocks if b is not None and np.isfinite(b)], dtype=float)
        stderr = float(np.std(finite, ddof=1) / np.sqrt(finite.size)) if finite.size >= 2 else None
        return cls(value=value, stderr=stderr)
