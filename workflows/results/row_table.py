"""A result table as rows, printed as pandas prints it, without importing pandas.

The query commands print a table as JSON (``DataFrame.to_dict(orient="records")``), as CSV
(``to_csv(index=False)``) or as text (``to_string(index=False, float_format=..., na_rep=...)``).
Importing pandas (and numpy) costs more than a whole query on a large store (about 0.6 s of
the 1 s a query may take), so a table whose rows hold only text, numbers, booleans and None is
printed here, the same characters pandas prints:

* each column is typed as ``pandas.DataFrame(rows, columns=...)`` types it (pandas 3): integers
  alone ``int64``; integers or floats with a missing value ``float64`` (None becomes NaN);
  booleans alone ``bool``; text with missing values ``str`` (None becomes NaN); any other mix
  ``object`` (None kept); a key a row lacks is NaN;
* the values are written as pandas writes each type (see :meth:`RowTable.to_csv`,
  :meth:`RowTable.records`, :meth:`RowTable.to_text`).

A table holding anything else (numpy scalars, lists, an integer beyond 64 bits) is not
:attr:`RowTable.plain`; :meth:`RowTable.to_frame` gives its DataFrame, which the commands then
print with pandas. ``tests/workflows/results/test_row_table.py`` compares both on random tables.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["RowTable"]

_NAN = float("nan")


class _Missing:
    """The value of a key a row lacks: NaN, as pandas reads it."""


_MISSING = _Missing()
_INT64 = (-(2**63), 2**63 - 1)
_PLAIN_TYPES = {type(None), float, bool, int, str, _Missing}
_ESCAPES = str.maketrans({"\t": "\\t", "\n": "\\n", "\r": "\\r"})  # pandas' pprint_thing in to_string


def _kind(values: list[Any]) -> str | None:
    """The pandas dtype of a column of ``values``: 'int', 'float', 'bool', 'str' or 'object'; None: not plain."""
    types = {type(v) for v in values}
    if not types <= _PLAIN_TYPES:
        return None
    floats = [v for v in values if type(v) is float] if float in types else []
    has_nan = _Missing in types or any(v != v for v in floats)
    if int in types:
        ints = [v for v in values if type(v) is int]
        if min(ints) < _INT64[0] or max(ints) > _INT64[1]:
            return None
    seen = {t for t in types if t in (bool, int, str)}
    if any(v == v for v in floats):
        seen.add(float)
    missing = has_nan or type(None) in types
    if str in seen:
        return "str" if seen == {str} else "object"
    if bool in seen:
        return "bool" if seen == {bool} and not missing else "object"
    if seen:
        return "int" if seen == {int} and not missing else "float"
    return "float" if has_nan else "object"


def _csv_column(values: list[Any], kind: str) -> list[Any]:
    """A column's values as the csv module writes them to match pandas (None writes as nothing)."""
    if kind == "float":
        return [None if v is None or v is _MISSING or v != v else repr(float(v)) for v in values]
    return [None if v is _MISSING or (type(v) is float and v != v) else v for v in values]


def _shown(value: Any, kind: str, float_format: Callable[[float], str], na_rep: str) -> str:
    """One value as ``DataFrame.to_string(index=False)`` shows it in a column of ``kind``."""
    if value is _MISSING or (type(value) is float and value != value):
        return na_rep
    if value is None:
        return na_rep if kind in ("float", "str") else "None"
    if kind == "float" or type(value) is float:
        return float_format(float(value))
    if type(value) is str:
        return value.translate(_ESCAPES)
    return str(value)


class RowTable:
    """Rows of a result table with its columns: ``columns`` first, in order, then any other key of a row.

    Parameters
    ----------
    rows
        One dict per row (column -> value).
    columns
        The columns that come first (kept when no row has them).
    """

    def __init__(self, rows: list[dict[str, Any]], columns: Iterable[str]) -> None:
        first = list(columns)
        extra = [k for r in rows for k in r if k not in first]
        self.rows = rows
        self.columns = first + list(dict.fromkeys(extra))
        self._kinds: dict[str, str | None] = {}
        self._columns: dict[str, list[Any]] = {}  # the values of each column (a missing key: _MISSING), once read

    def __len__(self) -> int:
        return len(self.rows)

    def _values(self, column: str) -> list[Any]:
        if column not in self._columns:
            self._columns[column] = [r.get(column, _MISSING) for r in self.rows]
        return self._columns[column]

    def kind(self, column: str) -> str | None:
        """The pandas dtype of ``column`` ('int', 'float', 'bool', 'str', 'object'); None when not plain."""
        if column not in self._kinds:
            self._kinds[column] = _kind(self._values(column))
        return self._kinds[column]

    @property
    def plain(self) -> bool:
        """Every value is text, a number, a boolean or None: printed here as pandas prints it."""
        return all(self.kind(c) is not None for c in self.columns)

    def to_frame(self) -> pd.DataFrame:
        """The table as a DataFrame (the columns in order; an empty table keeps them)."""
        import pandas as pd

        return pd.DataFrame(self.rows, columns=self.columns).reset_index(drop=True)

    def records(self) -> list[dict[str, Any]]:
        """The rows as ``to_dict(orient="records")`` gives them (a missing value is NaN; typed per column)."""
        convert: dict[str, Callable[[Any], Any]] = {}
        for c in self.columns:
            kind = self.kind(c)
            if kind == "float":
                convert[c] = lambda v: _NAN if v is None or v is _MISSING else float(v)
            elif kind == "str":
                convert[c] = lambda v: _NAN if v is None or v is _MISSING else v
            else:
                convert[c] = lambda v: _NAN if v is _MISSING else v
        return [{c: convert[c](r.get(c, _MISSING)) for c in self.columns} for r in self.rows]

    def to_csv(self) -> str:
        """The table as ``to_csv(index=False)`` writes it (a header line, then one line per row)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(self.columns)
        columns = [_csv_column(self._values(c), self.kind(c) or "object") for c in self.columns]
        writer.writerows(zip(*columns, strict=True) if columns else ([] for _ in self.rows))
        return buffer.getvalue()

    def to_text(self, columns: Iterable[str], float_format: Callable[[float], str], na_rep: str) -> str:
        """``columns`` (those the table has) as ``to_string(index=False, float_format=..., na_rep=...)`` shows them.

        Numeric and boolean columns get a space before their name; every cell is right-aligned in
        its column and the columns are one space apart.
        """
        lines: list[list[str]] = [[] for _ in range(len(self.rows) + 1)]
        for c in [c for c in columns if c in self.columns]:
            kind = self.kind(c) or "object"
            header = f" {c}" if kind in ("int", "float", "bool") else c
            cells = [header, *(_shown(r.get(c, _MISSING), kind, float_format, na_rep) for r in self.rows)]
            width = max(len(s) for s in cells)
            for line, cell in zip(lines, cells, strict=True):
                line.append(cell.rjust(width))
        return "\n".join(" ".join(line) for line in lines)
