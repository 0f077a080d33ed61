"""Runs made before the package was restructured: their flows name modules that moved.

A run folder keeps its flow as JSON (``flow.json``, ``flow-state.json``), and
jobflow serialises every Maker, document and job function with the module it
came from (``"@module": "naspe.workflows.adhesion"``). The restructuring into
rooms (``base``, ``md``, ``dft``, ``flows``, ``campaign``, ``execution``,
``results``, ``cli``) moved those modules; :data:`OLD_MODULES` is the one table
of where their contents live now. :func:`load_flow` rewrites every naspe
``@module`` that no longer holds its class or function to the module that does,
then decodes the flow; a name found nowhere raises :class:`OldRunError` (one
line, naming it), never a traceback. :func:`install_redirects` does the same for
documents already in the store (monty's ``MSONable.REDIRECT``), so a resumed
job reads the outputs of the jobs that finished before the move as the classes
they were.
"""

from __future__ import annotations

import importlib
from typing import Any

from jobflow import Flow, Job
from monty.json import MontyDecoder, MSONable

__all__ = ["OLD_MODULES", "OldRunError", "translate", "load_flow", "install_redirects"]

_W = "naspe.workflows."

# old module -> where its classes and functions went (searched in order, after the old module itself if it still
# exists). Entries chain: a name not found in a new module is looked for where that module's contents went later.
OLD_MODULES: dict[str, tuple[str, ...]] = {
    # the flat package before the restructuring into rooms
    _W + "adhesion": (_W + "flows.adhesion",),
    _W + "adhesion_study": (_W + "flows.adhesion_study",),
    _W + "bonding": (_W + "flows.bonding",),
    _W + "conductivity": (_W + "flows.conductivity",),
    _W + "core_levels": (_W + "flows.core_levels",),
    _W + "campaign": (_W + "campaign.maker",),
    _W + "dft_engines": (_W + "dft.engines", _W + "dft.checks"),
    _W + "dft_documents": (_W + "dft.documents",),
    _W + "ase_runner": (_W + "dft.runner",),
    _W + "lammps_jobs": (_W + "md.jobs",),
    _W + "lammps_input": (_W + "md.inputs",),
    _W + "lammps_outputs": (_W + "md.outputs",),
    _W + "lammps_runner": (_W + "md.runner",),
    _W + "lammps_schemas": (_W + "md.documents",),
    _W + "lammps_env": ("naspe.structures.lammps_env",),
    _W + "settings": (_W + "base.settings",),
    _W + "probe_jobs": (_W + "execution.probe_jobs",),
    _W + "manager": (_W + "execution.manager",),
    _W + "hpc_config": (_W + "execution.hpc_config",),
    _W + "store": (_W + "execution.store",),
    _W + "driver": (_W + "execution.runs",),
    _W + "execution": (_W + "execution.runner", _W + "execution.state"),
    _W + "cli": (_W + "cli.main", _W + "cli.common", _W + "cli.build"),
    _W + "cli_campaign": (_W + "cli.campaign",),
    _W + "cli_config": (_W + "cli.config",),
    _W + "cli_results": (_W + "cli.results",),
    _W + "cli_run": (_W + "cli.run",),
    _W + "demo": (_W + "cli.demo",),
    "naspe.analysis.results": ("naspe.analysis.transport_result",),
    "naspe.analysis.queries": (_W + "results.queries",),
    "naspe.analysis.report": (_W + "results.report",),
    "naspe.analysis.synthetic": ("naspe.structures.synthetic_cell",),
    "naspe.structures.fragments": ("naspe.structures.placement",),
    # modules split after the restructuring
    _W + "dft.engines": (_W + "dft.gpaw", _W + "dft.tblite", _W + "dft.vasp", _W + "dft.base", _W + "dft.registry"),
    # the protocols' sub-packages (flows.adhesion, flows.bonding, ...: schemas, makers and the rest)
    _W + "flows.adhesion": (
        _W + "flows.adhesion.schemas",
        _W + "flows.adhesion.makers",
        _W + "flows.common.schemas",
        _W + "flows.common.parts",
    ),
    _W + "flows.adhesion_documents": (_W + "flows.adhesion.schemas", _W + "flows.common.schemas"),
    _W + "flows.adhesion_study": (_W + "flows.adhesion.study", _W + "flows.adhesion.schemas"),
    _W + "flows.adhesion_protocol": (_W + "flows.adhesion.protocol",),
    _W + "flows.bonding": (_W + "flows.bonding.jobs", _W + "flows.bonding.makers", _W + "flows.bonding.schemas"),
    _W + "flows.bonding_documents": (_W + "flows.bonding.schemas", _W + "flows.bonding.jobs"),
    _W + "flows.counterpoise": (_W + "flows.common.schemas", _W + "flows.common.counterpoise"),
    _W + "flows.input_checks": (_W + "flows.common.checks",),
    _W + "flows.conductivity": (_W + "flows.conductivity.makers", _W + "flows.conductivity.schemas"),
    _W + "flows.conductivity_documents": (_W + "flows.conductivity.schemas",),
    _W + "flows.conductivity_adaptive": (_W + "flows.conductivity.adaptive", _W + "flows.conductivity.schemas"),
    _W + "flows.conductivity_adaptive_documents": (_W + "flows.conductivity.schemas",),
    _W + "flows.conductivity_progress": (_W + "flows.conductivity.progress",),
    _W + "flows.core_levels": (
        _W + "flows.core_levels.schemas",
        _W + "flows.core_levels.makers",
        _W + "dft.core_hole_setups",
    ),
    _W + "flows.core_level_documents": (_W + "flows.core_levels.schemas",),
    _W + "flows.core_level_final_state": (_W + "flows.core_levels.final_state",),
    _W + "flows.core_level_methods": (_W + "flows.core_levels.methods",),
    _W + "flows.core_level_molecules": (_W + "flows.core_levels.molecules",),
    _W + "flows.core_level_runs": (_W + "flows.core_levels.runs",),
    _W + "flows.convergence_scan": (_W + "flows.convergence_scan.makers",),
    _W + "campaign.maker": (_W + "campaign.settings", _W + "campaign.summary", _W + "campaign.presets"),
    _W + "execution.manager": (_W + "execution.state", _W + "execution.worker", _W + "execution.processes"),
    _W + "execution.hpc_config": (_W + "execution.resources", _W + "base.secrets", _W + "execution.parsl_config"),
}

_homes: dict[tuple[str, str], str | None] = {}


class OldRunError(ValueError):
    """A serialised flow names a naspe class or function that this version does not have.

    Attributes
    ----------
    missing
        ``module.name`` as the flow names it.
    """

    def __init__(self, missing: str) -> None:
        self.missing = missing
        super().__init__(f"it names {missing}, which this version of naspe does not have")


def _defines(module: str, name: str) -> bool:
    try:
        return hasattr(importlib.import_module(module), name)
    except ImportError:
        return False


def _home(module: str, name: str) -> str | None:
    """The module that holds ``name`` (a class or a function's first qualname part) named as in ``module``."""
    key = (module, name)
    if key not in _homes:
        _homes[key] = next((m for m in _successors(module) if _defines(m, name)), None)
    return _homes[key]


def _successors(module: str) -> list[str]:
    """``module`` and, breadth first, every module its contents went to (following :data:`OLD_MODULES`)."""
    order, queue = [], [module]
    while queue:
        m = queue.pop(0)
        if m not in order:
            order.append(m)
            queue.extend(OLD_MODULES.get(m, ()))
    return order


def translate(data: Any) -> Any:
    """``data`` (serialised JSON) with every moved naspe ``@module`` rewritten to where its name lives now.

    Raises
    ------
    OldRunError
        For the first naspe class or function found in no module.
    """
    if isinstance(data, list):
        return [translate(v) for v in data]
    if not isinstance(data, dict):
        return data
    out = {k: translate(v) for k, v in data.items()}
    module = out.get("@module")
    name = out.get("@class") or out.get("@callable")
    if isinstance(module, str) and module.startswith("naspe.") and isinstance(name, str):
        top = name.split(".")[0]
        home = _home(module, top)
        if home is None:
            raise OldRunError(f"{module}.{name}")
        out["@module"] = home
    return out


def load_flow(data: dict | list) -> Flow | Job | list:
    """Decode a serialised flow (or job, or a list of jobs) of any naspe version since the restructuring's parent.

    Raises
    ------
    OldRunError
        When it names a class or function that exists nowhere now.
    """
    install_redirects()
    return MontyDecoder().process_decoded(translate(data))


class _ModuleRedirects(dict):
    """monty's ``MSONable.REDIRECT`` entry of one old module: a class's new module, looked up on first use."""

    def __init__(self, old: str, known: dict | None = None) -> None:
        super().__init__(known or {})
        self.old = old

    def get(self, name, default=None):  # noqa: D102 - dict.get
        if not dict.__contains__(self, name):
            home = _home(self.old, name)
            if home is None or home == self.old:
                return default
            self[name] = {"@module": home, "@class": name}
        return dict.get(self, name, default)


def install_redirects() -> None:
    """Let monty decode documents whose classes moved (outputs stored before the restructuring)."""
    redirects = MSONable.REDIRECT
    for old in OLD_MODULES:
        if not isinstance(redirects.get(old), _ModuleRedirects):
            redirects[old] = _ModuleRedirects(old, redirects.get(old))
