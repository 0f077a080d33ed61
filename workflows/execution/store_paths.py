"""Where the embedded results store of a data directory is, checked for reading without opening it.

:func:`reading_path` applies the rules of :func:`naspe.workflows.execution.store.open_store`
for a reader (see that module) with nothing but the file system, so a query can find the
store, and its query index, without importing jobflow, maggma or montydb (most of a
query's start-up time).
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["StoreError", "reading_path", "monty_path", "STORAGE", "ENGINE_FILE", "CONFIG_FILE", "DATABASE", "FIRST"]

STORAGE = "sqlite"
ENGINE_FILE = ".monty.storage"  # montydb: the storage engine's name
CONFIG_FILE = "monty.storage.cfg"  # montydb: the engine's options
DATABASE = "naspe"
FIRST = "run `naspe run --preset quick` first"


class StoreError(RuntimeError):
    """The results store cannot be opened or reached, or was opened for reading and is written to."""


def monty_path(data_dir: str | Path | None, store_config=None) -> tuple[Path, str, str]:
    """(store directory, what holds it, the hint of an error) of the embedded store of ``data_dir``.

    ``data_dir`` None is ``settings.data_dir``; an explicit ``store.path`` of ``store_config`` wins.
    """
    explicit = getattr(store_config, "path", None)
    if explicit:
        return Path(explicit), "the directory", "check store.path of the execution configuration"
    if data_dir is None:
        from naspe.workflows.base.settings import load_settings

        data_dir = load_settings().data_dir
    return Path(data_dir) / "store", "the data directory", f"check --data-dir (or NASPE_DATA_DIR), or {FIRST}"


def reading_path(path: Path, holder: str, hint: str) -> Path | None:
    """``path`` when it holds an embedded store to read, None when none was written there yet.

    Raises
    ------
    StoreError
        The directory holding ``path`` does not exist or is not a directory, ``path`` is not a
        directory, or it holds another montydb storage than naspe's.
    """
    parent = path.parent
    if not parent.exists():
        raise StoreError(f"no results store at {path}: {holder} {parent} does not exist; {hint}")
    if not parent.is_dir():
        raise StoreError(f"no results store at {path}: {holder} {parent} is not a directory; {hint}")
    if path.exists() and not path.is_dir():
        raise StoreError(f"no results store at {path}: it is not a directory; {hint}")
    engine, config = path / ENGINE_FILE, path / CONFIG_FILE
    if not engine.is_file():  # no run has written here yet (or the driver is creating the store now)
        return None
    try:
        storage = engine.read_text().strip()
    except (OSError, UnicodeDecodeError) as err:
        raise StoreError(f"results store {path}: cannot read {engine.name} ({err})") from err
    if storage != STORAGE or not config.is_file():
        raise StoreError(f"{path} is not a naspe results store (montydb {storage or 'storage'!r}, not {STORAGE!r})")
    return path
