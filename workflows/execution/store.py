"""The results database: an embedded MontyStore by default, MongoDB where a site has one.

:func:`open_store` returns a jobflow ``JobStore`` whose documents live in a
maggma ``MontyStore`` (montydb, SQLite backend) under ``<data_dir>/store``,
created on first use; large objects (trajectories, ``data=`` outputs) go to a
second collection of the same database. With a ``mongo`` store configuration it
returns ``MongoStore`` + ``GridFSStore`` instead; the password is read from the
environment variable the configuration names, never from a file.

Only the process that runs a flow (the driver) writes to the store.
"""

from __future__ import annotations

import os
from pathlib import Path

from jobflow import JobStore

from naspe.workflows.base.settings import load_settings

__all__ = ["open_store", "StoreError"]


class StoreError(RuntimeError):
    """The results store cannot be opened or reached."""


def _monty(path: Path) -> JobStore:
    from maggma.stores import MontyStore  # montydb: imported only for the store kind in use

    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".naspe-write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as err:
        raise StoreError(f"results store directory {str(path)!r} is not writable: {err}") from err
    # absolute: jobflow's run_locally changes into job folders, and montydb opens its files relative to the cwd
    common = {"database_path": str(path.resolve()), "database_name": "naspe", "storage": "sqlite"}
    docs = MontyStore("outputs", **common)
    data = MontyStore("outputs_data", **common)
    return JobStore(docs, additional_stores={"data": data})


def _mongo(cfg) -> JobStore:
    from maggma.stores import GridFSStore, MongoStore  # pymongo: imported only for the store kind in use

    password = os.environ.get(cfg.password_env, "") if getattr(cfg, "password_env", None) else ""
    auth = {"username": cfg.username, "password": password} if getattr(cfg, "username", None) else {}
    quick = {"serverSelectionTimeoutMS": 5000}  # an unreachable server fails in seconds, not at the first job
    docs = MongoStore(cfg.database, cfg.collection, host=cfg.host, port=cfg.port, mongoclient_kwargs=quick, **auth)
    data = GridFSStore(
        cfg.database, f"{cfg.collection}_data", host=cfg.host, port=cfg.port, mongoclient_kwargs=quick, **auth
    )
    return JobStore(docs, additional_stores={"data": data})


def open_store(data_dir: str | Path | None = None, store_config=None, connect: bool = True) -> JobStore:
    """The results store named by ``store_config`` (None: a MontyStore under ``data_dir``).

    Parameters
    ----------
    data_dir
        naspe's data directory (None: ``settings.data_dir``).
    store_config
        An object with ``kind`` ("monty" or "mongo") and the fields of
        :class:`naspe.workflows.execution.hpc_config.StoreConfig`; None: monty.
    connect
        Connect now, so that an unreachable database fails here, before any job runs.

    Raises
    ------
    StoreError
        When the directory is not writable or the database cannot be reached.
    """
    if data_dir is None:
        data_dir = load_settings().data_dir
    kind = getattr(store_config, "kind", "monty")
    if kind == "monty":
        path = getattr(store_config, "path", None) or Path(data_dir) / "store"
        store = _monty(Path(path))
    elif kind == "mongo":
        store = _mongo(store_config)
    else:
        raise StoreError(f"store kind {kind!r}: allowed are 'monty' and 'mongo'")
    if connect:
        try:
            store.connect()
            store.docs_store.count()  # pymongo connects lazily: touch the server now
        except Exception as err:  # any driver error: unreachable server, bad credentials, corrupt file
            raise StoreError(f"cannot open the {kind} results store: {type(err).__name__}: {err}") from err
    return store
