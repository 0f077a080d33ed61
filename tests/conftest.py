"""Shared test helpers: the ``naspe`` command of this venv, a flow runner on an in-memory store, small cells.

Test modules use the fixtures, or import the plain functions (``from conftest import run_naspe``)
where a module-level helper needs them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# one BLAS/OpenMP thread per test process (and the engines it starts): `make test` runs one pytest worker per
# core, and GPAW in-process with OpenBLAS's default of a thread per core took half as much CPU time again (40 vs 26
# CPU-s for the ethanol core-level test, the other core busy). Set before numpy loads OpenBLAS.
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import pytest

from naspe.structures.electrolyte import PolymerElectrolyte

#: the console script installed beside this interpreter (the tests run the real command line)
NASPE = str(Path(sys.executable).parent / "naspe")


def run_naspe(*args: str, cwd=None, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run ``naspe *args`` (text output captured); ``timeout`` in s."""
    return subprocess.run([NASPE, *map(str, args)], capture_output=True, text=True, cwd=cwd, env=env, timeout=timeout)


def run_in_memory(flow, root_dir):
    """Run a jobflow Flow or Job with ``run_locally`` on an in-memory store (job folders in ``root_dir``)."""
    from jobflow import JobStore, run_locally
    from maggma.stores import MemoryStore

    store = JobStore(MemoryStore())
    run_locally(flow, store=store, create_folders=True, root_dir=root_dir, log=False)
    store.connect()
    return store


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Group the tests for pytest-xdist's ``--dist loadgroup`` (``make test``): one module runs on one worker.

    A module's own fixtures (a campaign run once, a cell built once) are then made once, and every test
    that uses the one-node Slurm cluster (a session fixture: one slurmctld, one slurmd) runs on the same
    worker, so only one cluster is started. Without xdist the marks do nothing. The marks must be set
    before xdist's own hook reads them into the test ids (``tryfirst``); set after it, they group nothing.
    """
    for item in items:
        group = "slurm" if "slurm_cluster" in item.fixturenames else item.nodeid.split("::")[0]
        item.add_marker(pytest.mark.xdist_group(group))


@pytest.fixture(scope="session")
def naspe():
    """:func:`run_naspe`: ``naspe("build", "slab", ..., cwd=tmp_path)`` -> CompletedProcess."""
    return run_naspe


@pytest.fixture(scope="session")
def small_cell():
    """PEO20NaFSI with 2 chains of 10 EO (1 NaFSI), built once."""
    return PolymerElectrolyte("NaFSI", eo_per_cation=20, n_chains=2, chain_length=10, seed=3).build()


def bond_lengths(atoms):
    from naspe.structures.topology import bonds_of

    b = bonds_of(atoms)
    d = atoms.positions[b[:, 1]] - atoms.positions[b[:, 0]]
    if atoms.pbc.any():
        from ase.geometry import find_mic

        d, _ = find_mic(d, atoms.cell, atoms.pbc)
    return b, np.linalg.norm(d, axis=1)


@pytest.fixture(scope="session")
def slurm_cluster():
    """A one-node Slurm cluster for the session (tests/slurm_cluster.py), started once and stopped at the end.

    Reuses a live cluster when ``SLURM_CONF`` points at one (and leaves it running). Otherwise starts a
    private one (own munged, config, state and logs in a temporary directory) and stops everything it
    started at session end. Yields a ``SlurmCluster`` with ``.conf``, ``.partition``, ``.host`` and
    ``.env`` (``{"SLURM_CONF": ...}``: add it to the environment of sbatch/squeue, and set it with
    ``monkeypatch.setenv`` before building a Parsl ``SlurmProvider``); also ``.run(...)``,
    ``.job_state(id)``, ``.wait_job(id)`` and ``.expire(id)``. Skips when Slurm is not installed,
    fails instead when ``NASPE_REQUIRE_SLURM=1`` (as in CI).
    """
    import os
    import sys
    import tempfile
    from pathlib import Path

    if str(Path(__file__).parent) not in sys.path:  # e.g. under --import-mode=importlib
        sys.path.insert(0, str(Path(__file__).parent))
    import slurm_cluster as sc

    conf = os.environ.get("SLURM_CONF")
    if conf and sc.is_alive(conf):
        yield sc.attach(conf)
        return
    if not sc.slurm_installed():
        msg = "Slurm/MUNGE not installed (apt-get install slurm-wlm munge, or `make setup`)"
        if os.environ.get("NASPE_REQUIRE_SLURM") == "1":
            pytest.fail(f"NASPE_REQUIRE_SLURM=1 but {msg}", pytrace=False)
        pytest.skip(msg)
    # not tmp_path_factory: munged wants every directory above its socket searchable by all (pytest's are 0700)
    cluster = sc.start_cluster(tempfile.mkdtemp(prefix="naspe-slurm-"))
    try:
        yield cluster
    finally:
        cluster.stop(remove=True)


def transport_result(temperature_K: float, sigma_S_cm: float, rel: float = 0.1, **fields):
    """A diffusive :class:`TransportResult` with sigma_EH = ``sigma_S_cm`` ± ``rel`` of it; ``fields`` override."""
    from naspe.analysis.transport_result import TransportResult

    data = {
        "temperature_K": temperature_K,
        "diffusion_cm2_s": {"Na": {"value": 1e-7, "stderr": 1e-8}},
        "sigma_ne_S_cm": {"value": 2 * sigma_S_cm, "stderr": 0.05 * sigma_S_cm},
        "sigma_eh_S_cm": {"value": sigma_S_cm, "stderr": rel * sigma_S_cm},
        "haven_ratio": {"value": 2.0, "stderr": 0.2},
        "transference_cation": {"value": 0.3, "stderr": 0.02},
        "fit_window_ps": (10.0, 100.0),
        "loglog_slope": {"Na": 1.0},
        "diffusive": True,
        "slope_tolerance": 0.15,
        "n_ions": {"Na": 4},
        "charge_e": {"Na": 1.0},
        "charges": "formal",
        "volume_angstrom3": 8000.0,
        "n_frames": 1000,
        "frame_interval_ps": 1.0,
        "duration_ps": 999.0,
        "com_reference": "test",
        "uncertainty_method": "test",
        "n_blocks": 5,
    }
    return TransportResult.model_validate(data | fields)
