"""Reading and tidying what a LAMMPS stage wrote.

After a restart, LAMMPS appends to dumps and ``fix ave/time`` files from the
restart step on, so the steps between the restart file and the crash appear
twice. :func:`clean_series` keeps the history that the finished run followed:
whenever the step goes back, the abandoned branch is dropped.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np

__all__ = ["sha256", "clean_series", "read_thermo", "THERMO_COLUMNS"]

THERMO_COLUMNS = (
    "step",
    "temperature_K",
    "pressure_atm",
    "pe_kcal_mol",
    "ke_kcal_mol",
    "etotal_kcal_mol",
    "density_g_cm3",
    "volume_angstrom3",
)


def sha256(path: str | Path) -> str:
    """SHA-256 hex digest of a file, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _dump_frames(text: str) -> list[tuple[int, str]]:
    parts = text.split("ITEM: TIMESTEP\n")
    frames = []
    for part in parts[1:]:
        step = int(part.split("\n", 1)[0])
        frames.append((step, "ITEM: TIMESTEP\n" + part))
    return frames


def _dat_rows(text: str) -> tuple[list[str], list[tuple[int, str]]]:
    header, rows = [], []
    for line in text.splitlines(keepends=True):
        if line.startswith("#") or not line.strip():
            if not rows:
                header.append(line)
            continue
        rows.append((int(float(line.split()[0])), line))
    return header, rows


def _keep_final_history(items: list[tuple[int, str]]) -> list[tuple[int, str]]:
    kept: list[tuple[int, str]] = []
    for step, chunk in items:
        while kept and kept[-1][0] >= step:
            kept.pop()
        kept.append((step, chunk))
    return kept


def clean_series(path: str | Path) -> int:
    """Rewrite a dump (``*.lammpstrj``) or ``fix ave/time`` file without repeated steps; return frames dropped."""
    path = Path(path)
    if not path.exists():
        return 0
    text = path.read_text()
    if path.suffix == ".lammpstrj":
        items = _dump_frames(text)
        header: list[str] = []
    else:
        header, items = _dat_rows(text)
    kept = _keep_final_history(items)
    dropped = len(items) - len(kept)
    if dropped:
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text("".join(header) + "".join(chunk for _, chunk in kept))
        os.replace(tmp, path)
    return dropped


def read_thermo(path: str | Path) -> dict[str, np.ndarray]:
    """Columns of naspe's ``thermo.dat`` (see :data:`THERMO_COLUMNS`), or empty arrays if there is none."""
    path = Path(path)
    if not path.exists():
        return {c: np.zeros(0) for c in THERMO_COLUMNS}
    _, rows = _dat_rows(path.read_text())
    if not rows:
        return {c: np.zeros(0) for c in THERMO_COLUMNS}
    data = np.array([[float(x) for x in line.split()] for _, line in rows])
    return {c: data[:, k] for k, c in enumerate(THERMO_COLUMNS)}
