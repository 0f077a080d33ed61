"""The pieces the report's template renders: numbers linked to their job, code spans, and table rows of them.

The Python side of the report produces *data*, never HTML: a paragraph or a table cell
is a tuple of :data:`Segment` (plain text, a :class:`Num` or a :class:`Code`), and the
Jinja2 template (``templates/macros.html``) turns each segment into escaped HTML. A
:class:`Num` carries its value, its format and the uuid of the job it came from, so the
template can link it to the appendix entry of that job.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["Num", "Code", "Segment", "Cells", "fmt", "clean", "rows", "plain", "join", "num"]

#: what the template shows for a missing value
MISSING = "–"


def fmt(value: Any, spec: str = ".3g") -> str:
    """``value`` formatted with ``spec``; ``–`` for None / NaN, ``yes`` / ``no`` for booleans."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return MISSING
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    try:
        return format(value, spec)
    except (TypeError, ValueError):
        return str(value)


def clean(value: Any) -> Any:
    """None for NaN / missing (pandas puts NaN in empty float cells); NumPy scalars as Python ones."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def rows(df: pd.DataFrame | list[dict]) -> list[dict]:
    """The rows of a query table as dicts with :func:`clean` values (a list of dicts is cleaned as well)."""
    records = df.to_dict(orient="records") if isinstance(df, pd.DataFrame) else df
    return [{k: clean(v) for k, v in r.items()} for r in records]


@dataclass(frozen=True)
class Num:
    """A computed number and the job(s) it comes from.

    Attributes
    ----------
    value
        The number (units are given by the surrounding text).
    uuid
        The job whose appendix entry the number links to; None: not linked.
    spec
        Format specification (``format(value, spec)``).
    uuids
        All jobs the number derives from (e.g. a mean over several runs); the tooltip names them.
    """

    value: Any
    uuid: str | None
    spec: str = ".3g"
    uuids: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The formatted value."""
        return fmt(self.value, self.spec)

    @property
    def linked(self) -> bool:
        """Whether the number links to a job (it has a uuid and a finite value)."""
        return not (
            self.uuid is None or self.value is None or (isinstance(self.value, float) and not math.isfinite(self.value))
        )

    @property
    def title(self) -> str:
        """Tooltip: ``job <uuid>`` or ``jobs <uuid>, <uuid>, ...``."""
        if len(self.uuids) < 2:
            return f"job {self.uuid}"
        return "jobs " + ", ".join(self.uuids)

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Code:
    """Monospaced text (a uuid, JSON parameters); ``anchor``: the id other links point to."""

    text: str
    anchor: str | None = None

    def __str__(self) -> str:
        return self.text


#: a piece of a paragraph or of a table cell
Segment = str | Num | Code
#: a paragraph or a table cell: segments shown one after the other
Cells = tuple[Segment, ...]


def num(value: Any, uuid: str | None, spec: str = ".3g", uuids: Iterable[str] = ()) -> Num:
    """Shorthand for :class:`Num`."""
    return Num(value, uuid, spec, tuple(uuids))


def join(parts: Iterable[Iterable[Segment] | Segment], sep: str = ", ", last: str | None = None) -> tuple[Segment, ...]:
    """The segments of ``parts`` separated by ``sep`` (``last`` before the final part, e.g. ``" and "``)."""
    groups = [(p,) if isinstance(p, (str, Num, Code)) else tuple(p) for p in parts]
    out: list[Segment] = []
    for k, group in enumerate(groups):
        if k:
            out.append(last if last is not None and k == len(groups) - 1 else sep)
        out.extend(group)
    return tuple(out)


def plain(segments: Iterable[Segment]) -> str:
    """The text of ``segments`` without links (for tests, logs and the command line)."""
    return "".join(str(s) for s in segments)
