"""Option checks shared by the commands: a value outside its physical bound is refused by name.

``typer.Option(callback=within(GAP_ANGSTROM))`` gives ``naspe: error: Invalid value for '--gap':
-3.0: allowed is 1 to 10 Å (...)`` before any work, with the bound the library itself enforces
(:mod:`naspe.structures.bounds`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer

from naspe.structures.bounds import Bound

__all__ = ["within", "at_least"]


def within(bound: Bound) -> Callable[[Any], Any]:
    """A typer callback refusing values (or tuple items) outside ``bound``, naming the value and the range."""

    def check(value: Any) -> Any:
        if value is None:
            return value
        for item in value if isinstance(value, (tuple, list)) else (value,):
            try:
                bound.check(item)
            except ValueError:
                raise typer.BadParameter(f"{item}: allowed is {bound.describe()} ({bound.reason})") from None
        return value

    return check


def at_least(minimum: float) -> Callable[[Any], Any]:
    """A typer callback refusing values below ``minimum`` (and NaN), naming the value."""

    def check(value: Any) -> Any:
        if value is not None and not value >= minimum:
            raise typer.BadParameter(f"{value}: must be >= {minimum:g}")
        return value

    return check
