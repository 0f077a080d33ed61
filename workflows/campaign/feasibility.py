"""What a campaign needs of the machine it is about to run on, checked before any job.

The settings validators check each value's type and range wherever the settings come from
(:mod:`naspe.workflows.campaign.settings`); this module checks what depends on the machine:
an engine the configuration cannot launch (VASP without ``vasp_command``) and MPI ranks a
local run cannot have. The command line checks the same through the same functions
(:meth:`naspe.workflows.dft.engine_spec.EngineSpec.check_runnable`), so ``adhesion: {engine: vasp}``
in an overrides file is refused exactly as ``naspe adhesion --engine vasp`` is.
"""

from __future__ import annotations

from naspe.workflows.campaign.settings import CampaignSettings
from naspe.workflows.dft.registry import engine

__all__ = ["check_feasible"]


def check_feasible(settings: CampaignSettings, local_cores: int | None) -> None:
    """Raise ValueError (one line, naming the setting) when this machine cannot run ``settings``.

    Parameters
    ----------
    settings
        The campaign's settings (already valid in themselves).
    local_cores
        Cores of the machine the jobs run on when the scheduler is local; None on a
        cluster scheduler, where the ranks are the allocation's business.
    """
    parts = [
        ("adhesion.engine", settings.adhesion.engine, settings.adhesion.enabled),
        ("bonding.engine", settings.bonding.engine, settings.bonding.enabled),
        ("convergence.engine", settings.convergence.engine, settings.convergence.enabled),
    ]
    for where, name, enabled in parts:
        if enabled and name is not None:
            try:
                engine(name).check_runnable()
            except ValueError as err:
                raise ValueError(f"{where}: {err}") from None
    ranks = settings.conductivity.overrides.get("ranks") if settings.conductivity.enabled else None
    if local_cores is not None and ranks is not None and ranks > local_cores:
        raise ValueError(
            f"conductivity.overrides.ranks={ranks}: this machine has {local_cores} cores and runs the jobs itself "
            f"(scheduler local); allowed is 1 to {local_cores}"
        )
