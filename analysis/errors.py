"""Exceptions of the transport analysis.

Each one says what was wrong with the input and what would fix it; they derive
from :class:`ValueError` (bad input) or :class:`RuntimeError` (a result that
cannot be trusted), so callers can catch the broad class.
"""

from __future__ import annotations

__all__ = ["TrajectoryFormatError", "WrappedCoordinatesError", "NonDiffusiveError"]


class TrajectoryFormatError(ValueError):
    """A trajectory, data or COM file is truncated, corrupt or not in the expected format."""


class WrappedCoordinatesError(ValueError):
    """The coordinates are wrapped into the cell and cannot be unwrapped (no image flags).

    A mean-squared displacement of wrapped coordinates is bounded by the cell and
    gives a wrong diffusion coefficient, so the analysis refuses them.
    """


class NonDiffusiveError(RuntimeError):
    """No diffusive regime (log-log MSD slope near 1) was found and one was required."""
