"""Where an adaptive production stands, for ``naspe status``: one file per controller job, one line per temperature.

Each :class:`~naspe.workflows.flows.conductivity.adaptive.AdaptiveProductionMaker` job
writes :data:`PROGRESS_FILE` (atomically) in its own directory; :func:`read_progress`
collects them under a run directory and keeps, per temperature chain, the latest
round; :func:`progress_line` is the line ``naspe status`` prints.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from naspe.analysis.output_files import write_text_replacing

__all__ = ["PROGRESS_FILE", "write_progress", "read_progress", "progress_line", "read_npt_progress", "npt_line"]

PROGRESS_FILE = "conductivity-progress.json"
_SYMBOL = {"sigma_eh_S_cm": "sigma_EH", "sigma_ne_S_cm": "sigma_NE"}


def write_progress(directory: Path, doc, chain: str) -> dict:
    """Write the progress of one controller round (``doc``: an AdaptiveProductionDocument) in ``directory``."""
    target = getattr(doc, doc.target_quantity)
    remaining = doc.remaining_ps
    speed = doc.ns_per_day
    progress = {
        "chain": chain,
        "temperature_K": doc.temperature_K,
        "n_segments": doc.n_segments,
        "replicas": doc.replicas,
        "duration_ps": doc.duration_ps,
        "budget_ps": doc.budget_ps,
        "target_quantity": doc.target_quantity,
        "value_S_cm": target.value,
        "stderr_S_cm": target.stderr,
        "relative_error": doc.relative_error,
        "error_target": doc.error_target,
        "diffusive": doc.diffusive,
        "time_to_target_ps": doc.time_to_target_ps,
        "remaining_ps": remaining,
        "ns_per_day": speed,
        "remaining_wall_s": remaining / (speed * 1000.0) * 86400.0 if remaining is not None and speed else None,
        "stop_reason": doc.stop_reason,
        "updated": datetime.now().isoformat(),
    }
    write_text_replacing(Path(directory) / PROGRESS_FILE, json.dumps(progress, indent=2))
    return progress


def read_progress(root: str | Path) -> list[dict]:
    """The latest progress of every adaptive production under ``root`` (a run directory), by temperature."""
    latest: dict[str, dict] = {}
    for path in Path(root).rglob(PROGRESS_FILE):
        try:
            p = json.loads(path.read_text())
        except (OSError, ValueError):
            continue  # being replaced right now, or not naspe's
        key = p.get("chain") or str(path.parent)
        if key not in latest or (p["n_segments"], p["updated"]) > (latest[key]["n_segments"], latest[key]["updated"]):
            latest[key] = p
    return sorted(latest.values(), key=lambda p: p["temperature_K"])


def _clock(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


def progress_line(p: dict) -> str:
    """One line: temperature, sigma ± error (relative, target), regime, segments, time to target or stop reason."""
    name = _SYMBOL.get(p["target_quantity"], p["target_quantity"])
    if p["value_S_cm"] is None:
        sigma = f"{name} not analysable yet"
    else:
        err = f" ± {p['stderr_S_cm']:.2g}" if p["stderr_S_cm"] is not None else ""
        rel = f"{p['relative_error']:.0%}" if p["relative_error"] is not None else "?"
        sigma = f"{name} = {p['value_S_cm']:.3g}{err} S/cm ({rel}, target {p['error_target']:.0%})"
    regime = "diffusive" if p["diffusive"] else "not diffusive"
    done = f"{p['n_segments']} segment(s), {p['duration_ps']:g} of {p['budget_ps']:g} ps" + (
        f" x {p['replicas']} replicas" if p["replicas"] > 1 else ""
    )
    if p["stop_reason"] is not None:
        end = f"stopped: {p['stop_reason']}"
    elif p["remaining_ps"] is None:
        end = "time to target: unknown until diffusive"
    else:
        wall = f", ~{_clock(p['remaining_wall_s'])} at {p['ns_per_day']:.3g} ns/day" if p["remaining_wall_s"] else ""
        end = f"time to target: ~{p['remaining_ps']:.3g} ps more{wall}"
    return f"{p['temperature_K'] - 273.15:g} °C: {sigma}, {regime}, {done}; {end}"


def read_npt_progress(root: str | Path) -> list[dict]:
    """The latest state of every NPT equilibration in segments under ``root``, by job name.

    Read from the ``npt-progress.json`` each segment job of
    :class:`~naspe.workflows.md.equilibration.NptEquilibrationMaker` writes.
    """
    from naspe.workflows.md.equilibration import NPT_PROGRESS_FILE

    latest: dict[str, dict] = {}
    for path in Path(root).rglob(NPT_PROGRESS_FILE):
        try:
            p = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        key = p["task_label"]
        if key not in latest or (p["n_segments"], p["updated"]) > (latest[key]["n_segments"], latest[key]["updated"]):
            latest[key] = p
    return sorted(latest.values(), key=lambda p: (p["temperature_K"], p["task_label"]))


def npt_line(p: dict) -> str:
    """One line: NPT job, segments and time, density ± error, plateau or stop reason."""
    rho = p.get("mean_density_g_cm3")
    err = p.get("mean_density_stderr_g_cm3")
    density = "density not judged yet" if rho is None else f"density {rho:.4g}" + (f" ± {err:.2g}" if err else "")
    density += "" if rho is None else " g/cm^3"
    state = f"stopped: {p['stop_reason']}" if p.get("stop_reason") else "not levelled off yet"
    return (
        f"{p['task_label']}: {p['n_segments']} segment(s), {p['duration_ps']:g} of {p['budget_ps']:g} ps, "
        f"{density}; {state}"
    )
