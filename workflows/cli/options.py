"""Option checks shared by the commands: a value outside what is allowed is refused by name, before any work.

``typer.Option(callback=within(GAP_ANGSTROM))`` gives ``naspe: error: Invalid value for '--gap':
-3.0: allowed is 1 to 10 Å (...)`` before any work, with the bound the library itself enforces
(:mod:`naspe.structures.bounds`); :func:`one_of` does the same for names (engines, job states,
elements), and :func:`output_dir` for an ``--out`` that cannot be a directory.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Annotated, Any

import typer

from naspe.structures.bounds import Bound
from naspe.workflows.base.files import NAME_MAX, check_output_dir
from naspe.workflows.cli.common import fail

__all__ = ["within", "at_least", "one_of", "output_dir", "run_name", "SaveOpt", "results_database", "file_run"]


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
    """A typer callback refusing values below ``minimum``, NaN and infinities, naming the value."""

    def check(value: Any) -> Any:
        if value is not None and not (math.isfinite(value) and value >= minimum):
            raise typer.BadParameter(f"{value}: must be a finite number >= {minimum:g}")
        return value

    return check


def one_of(allowed: Iterable[str] | Callable[[], Iterable[str]]) -> Callable[[Any], Any]:
    """A typer callback refusing a name not in ``allowed`` (names, or a function giving them), listing them.

    A function is called only when the option is given, so a list that needs a heavy import
    (the campaign presets, the job states) costs nothing at start-up.
    """

    def check(param: typer.CallbackParam, value: Any) -> Any:
        if value is None:
            return value
        names = list(allowed() if callable(allowed) else allowed)
        if value not in names:
            raise typer.BadParameter(f"{param.name} {value!r}: allowed are {', '.join(names)}")
        return value

    return check


def run_name(value: str | None) -> str | None:
    """A typer callback refusing a run name that is not one folder name under ``<data_dir>/runs``.

    A ``/``, ``..`` or a name longer than the file system allows would put a run (or look one
    up) outside the data directory, or fail with a traceback; such a name is refused by option.
    """
    if value is None:
        return value
    if value in ("", ".", "..") or any(c in value for c in "/\\\0"):
        raise typer.BadParameter(f"{value!r}: a run name is one folder name (no '/', not '.' or '..')")
    if len(os.fsencode(value)) > NAME_MAX:
        raise typer.BadParameter(f"a name of {len(value)} characters: at most {NAME_MAX} allowed")
    return value


def output_dir(path: Path, option: str = "--out") -> Path:
    """``path`` checked as an output directory before any work (absolute); else one line and exit 2.

    Refused: an existing file of that name, a name longer than the file system allows, a parent
    that is not a writable directory (:func:`naspe.workflows.base.files.check_output_dir`).
    Nothing is created.
    """
    try:
        return check_output_dir(path, option)
    except ValueError as err:
        fail(err)


#: ``--save`` of the commands that run one calculation in a run directory of their own (adhesion, bonding)
SaveOpt = Annotated[
    bool,
    typer.Option(
        "--save", help="Also file the documents in the data directory's results database (naspe query, report)"
    ),
]


def results_database(save: bool) -> Path | None:
    """The data directory ``--save`` files into (absolute), its database opened for writing once as a check.

    None without ``--save``. A data directory whose database cannot be written (not a
    directory, read-only, another store's files) is one line and exit 2, before any work.
    """
    if not save:
        return None
    from naspe.workflows.cli.common import config_and_data_dir
    from naspe.workflows.execution.store import StoreError, open_store

    _, data_dir = config_and_data_dir(None)
    try:
        open_store(data_dir).close()
    except (StoreError, OSError) as err:
        fail(f"--save: {err}")
    return data_dir


def file_run(run, data_dir: Path | None, metadata: dict[str, str]) -> str | None:
    """File the documents of ``run`` (a :class:`~naspe.workflows.execution.runner.FlowRun`) in ``data_dir``'s database.

    ``metadata`` is the jobs' metadata (``system``, ``component``, ...), added to documents stored without it.
    Returns the data directory (str) it filed into, or None when ``data_dir`` is None (no ``--save``).
    """
    if data_dir is None:
        return None
    from naspe.workflows.execution.filing import file_documents
    from naspe.workflows.execution.store import StoreError

    try:
        file_documents(run.store, data_dir, metadata)
    except (StoreError, OSError, ValueError) as err:
        fail(f"--save: the results stay in {run.run_dir}; filing them failed: {err}")
    return str(data_dir)
