"""Whether a calculation, and a number derived from several, can be trusted: convergence and purpose.

:class:`RelaxationConvergence` is what one relaxation (or single point) says about
itself: did its forces reach the criterion (atomate2's ``is_force_converged``: every
atom's force below ``fmax``), the largest final force (eV/Å), the optimizer steps it
took against its limit, and whether the SCF converged. A relaxation stopped at its
step limit with forces above the criterion is *not converged*, and its energy is not
a minimum: a work of adhesion or binding energy built from it is a number from an
unfinished calculation.

:class:`DerivedConvergence` combines the parts of a derived quantity (W_adh from the
substrate, film and interface; E_bind from complex, substrate and fragment; a reaction
energy; a core-level shift from its single points): converged only when every part is,
not converged when any part is not (:attr:`DerivedConvergence.not_converged` names
them), unknown otherwise.

:class:`Purpose` labels a result as ``screening`` (a tight-binding engine, LCAO
basis, loose criteria: a ranking, not a number to compare with experiment) or
``production``.

Unknown is never converged: documents written before these fields existed load with
``converged=None`` (unknown), and every reader treats None as "not shown to be
converged". This module imports no engine or atomate2; its names are stable (other
flows import them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import Enum
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "Purpose",
    "RelaxationConvergence",
    "DerivedConvergence",
    "CONVERGED",
    "NOT_CONVERGED",
    "UNKNOWN",
    "status_of",
]

#: the three states a convergence reads as (queries, report, CLI)
CONVERGED, NOT_CONVERGED, UNKNOWN = "converged", "not converged", "unknown"


class Purpose(str, Enum):
    """What a result is good for: a screening ranking, or a production number (unknown: not recorded)."""

    screening = "screening"
    production = "production"
    unknown = "unknown"


def _status(converged: bool | None) -> str:
    return UNKNOWN if converged is None else CONVERGED if converged else NOT_CONVERGED


def status_of(convergence: Mapping[str, Any] | BaseModel | None) -> str:
    """``"converged"``, ``"not converged"`` or ``"unknown"`` of a stored convergence (dict, model or None)."""
    if convergence is None:
        return UNKNOWN
    value = convergence.get("converged") if isinstance(convergence, Mapping) else convergence.converged
    return _status(value)


class RelaxationConvergence(BaseModel):
    """Convergence of one relaxation or single point.

    ``converged``: for a relaxation, the SCF converged and every atom's final force
    (fixed atoms count as zero) is below ``fmax_criterion_ev_per_a``; for a single
    point, the SCF converged. None: unknown (not recorded).
    """

    converged: bool | None = Field(
        None, description="Forces below the criterion (single point: SCF) and SCF converged; None: unknown"
    )
    final_fmax_ev_per_a: float | None = Field(
        None, description="Largest atomic force of the final structure (eV/Å; fixed atoms excluded); None: unknown"
    )
    fmax_criterion_ev_per_a: float | None = Field(None, description="Force criterion of the relaxation (eV/Å)")
    steps: int | None = Field(None, description="Optimizer steps taken (0 for a single point); None: unknown")
    max_steps: int | None = Field(None, description="Step limit of the relaxation (1: a single point)")
    scf_converged: bool | None = Field(None, description="The SCF converged in every step; None: unknown")
    single_point: bool = Field(False, description="A single point (no relaxation): only the SCF has to converge")

    @property
    def status(self) -> str:
        """``"converged"``, ``"not converged"`` or ``"unknown"``."""
        return _status(self.converged)

    @property
    def hit_step_limit(self) -> bool:
        """A relaxation that used all its steps without reaching the force criterion."""
        return (
            not self.single_point
            and self.converged is False
            and self.steps is not None
            and self.max_steps is not None
            and self.steps >= self.max_steps
        )

    def reason(self) -> str | None:
        """Why it is not converged (or unknown), in words; None when converged."""
        if self.converged:
            return None
        if self.converged is None:
            return "convergence not recorded"
        if self.scf_converged is False:
            return "SCF not converged"
        force = ""
        if self.final_fmax_ev_per_a is not None:
            force = f"fmax {self.final_fmax_ev_per_a:.3g} eV/Å"
            if self.fmax_criterion_ev_per_a is not None:
                force += f" > {self.fmax_criterion_ev_per_a:g} eV/Å"
        steps = "" if self.steps is None else f"{self.steps} of {self.max_steps} steps"
        what = "stopped at its step limit" if self.hit_step_limit else "forces above the criterion"
        detail = ", ".join(p for p in (steps, force) if p)
        return f"{what} ({detail})" if detail else what

    @classmethod
    def unknown(cls) -> RelaxationConvergence:
        """Nothing recorded (an engine whose documents carry no convergence, an old document)."""
        return cls()

    @classmethod
    def from_forces(
        cls,
        forces: Sequence[Sequence[float]] | np.ndarray | None,
        *,
        steps: int | None,
        max_steps: int | None,
        fmax_ev_per_a: float | None,
        scf_converged: bool | None = True,
        force_converged: bool | None = None,
    ) -> RelaxationConvergence:
        """From the final forces (eV/Å, constraints applied), the steps taken and the limits.

        Parameters
        ----------
        forces
            Final forces (n_atoms, 3) in eV/Å; fixed atoms carry zero force.
        steps, max_steps
            Optimizer steps taken and allowed; ``max_steps <= 1``: a single point.
        fmax_ev_per_a
            Force criterion (eV/Å).
        scf_converged
            Whether the SCF converged.
        force_converged
            The engine's own verdict (atomate2's ``is_force_converged``); None: from ``forces``.
        """
        import numpy as np  # here: the registry (read by the command line at start-up) imports this module

        fmax = None if forces is None or len(forces) == 0 else float(np.linalg.norm(np.asarray(forces), axis=1).max())
        single = max_steps is not None and max_steps <= 1
        if single:
            converged = scf_converged
            steps = 0
        else:
            if force_converged is None and fmax is not None and fmax_ev_per_a is not None:
                force_converged = fmax < abs(fmax_ev_per_a)
            converged = None if force_converged is None or scf_converged is None else bool(force_converged)
            if scf_converged is False:
                converged = False
        return cls(
            converged=converged,
            final_fmax_ev_per_a=fmax,
            fmax_criterion_ev_per_a=None if fmax_ev_per_a is None else abs(float(fmax_ev_per_a)),
            steps=steps,
            max_steps=max_steps,
            scf_converged=scf_converged,
            single_point=single,
        )

    @classmethod
    def from_ase_result(cls, result: Any, *, max_steps: int, fmax_ev_per_a: float) -> RelaxationConvergence:
        """From atomate2's ``AseResult`` of ``AseRelaxer.relax`` (SCF converged: the run finished).

        The trajectory holds the initial frame, one frame per optimizer step and the
        final frame again, so a relaxation of ``max_steps > 1`` took ``len - 2`` steps.
        """
        traj = result.trajectory
        forces, frames = None, None
        if traj is not None:
            frames = len(traj)
            forces = traj.forces[-1] if hasattr(traj, "forces") else traj.frame_properties[-1]["forces"]
        steps = None if frames is None else max(frames - 2, 0)
        return cls.from_forces(
            forces,
            steps=steps,
            max_steps=max_steps,
            fmax_ev_per_a=fmax_ev_per_a,
            scf_converged=True,
            force_converged=None if result.is_force_converged is None else bool(result.is_force_converged),
        )

    @classmethod
    def scf_failed(cls, *, max_steps: int | None, fmax_ev_per_a: float | None) -> RelaxationConvergence:
        """A calculation whose SCF did not converge (no energy)."""
        return cls(
            converged=False,
            fmax_criterion_ev_per_a=fmax_ev_per_a,
            max_steps=max_steps,
            scf_converged=False,
            single_point=max_steps is not None and max_steps <= 1,
        )

    @classmethod
    def read(cls, value: Mapping[str, Any] | BaseModel | None) -> RelaxationConvergence:
        """A stored convergence (dict or model); unknown for None or a document without one."""
        if value is None:
            return cls.unknown()
        if isinstance(value, cls):
            return value
        if isinstance(value, BaseModel):
            value = value.model_dump()
        return cls.model_validate({k: v for k, v in value.items() if k in cls.model_fields})


class DerivedConvergence(BaseModel):
    """Convergence of a number derived from several calculations (W_adh, E_bind, a reaction energy, a shift).

    ``converged``: True when every part converged, False when any did not (listed in
    ``not_converged``), None (unknown) when some part's convergence is not recorded or
    there are no parts.
    """

    converged: bool | None = Field(None, description="Every part converged; False: some did not; None: unknown")
    parts: dict[str, RelaxationConvergence] = Field(
        default_factory=dict, description="Each calculation the number comes from (e.g. substrate, film, interface)"
    )
    not_converged: list[str] = Field(default_factory=list, description="Parts that did not converge")
    unknown: list[str] = Field(default_factory=list, description="Parts whose convergence is not recorded")
    single_points: list[str] = Field(
        default_factory=list, description="Parts that are single points (their geometry was not relaxed in that run)"
    )

    @property
    def status(self) -> str:
        """``"converged"``, ``"not converged"`` or ``"unknown"``."""
        return _status(self.converged)

    @classmethod
    def from_parts(
        cls, parts: Mapping[str, RelaxationConvergence | Mapping[str, Any] | BaseModel | None]
    ) -> DerivedConvergence:
        """Combine the parts (label -> convergence; None or a missing record: unknown)."""
        read = {label: RelaxationConvergence.read(p) for label, p in parts.items()}
        bad = [label for label, p in read.items() if p.converged is False]
        unknown = [label for label, p in read.items() if p.converged is None]
        converged = False if bad else None if unknown or not read else True
        single = [label for label, p in read.items() if p.single_point]
        return cls(converged=converged, parts=read, not_converged=bad, unknown=unknown, single_points=single)

    @classmethod
    def read(cls, value: Mapping[str, Any] | BaseModel | None) -> DerivedConvergence:
        """A stored derived convergence (dict or model, ``@class`` keys ignored); unknown for None."""
        if value is None:
            return cls()
        if isinstance(value, cls):
            return value
        if isinstance(value, BaseModel):
            value = value.model_dump()
        if value.get("parts"):
            return cls.from_parts(value["parts"])
        return cls(
            converged=value.get("converged"),
            not_converged=list(value.get("not_converged") or []),
            unknown=list(value.get("unknown") or []),
            single_points=list(value.get("single_points") or []),
        )

    def as_json(self) -> dict[str, Any]:
        """JSON-ready: ``converged``, ``status``, ``summary``, ``not_converged``, ``unknown`` and each part."""
        return {
            "converged": self.converged,
            "status": self.status,
            "summary": self.summary(),
            "not_converged": list(self.not_converged),
            "unknown": list(self.unknown),
            "single_points": list(self.single_points),
            "parts": {k: p.model_dump(mode="json") for k, p in self.parts.items()},
        }

    def summary(self) -> str:
        """One line: 'converged', or which parts did not converge and why, or what is unknown."""
        if self.converged:
            if self.single_points:
                return f"{CONVERGED} (single points, not relaxed there: {', '.join(self.single_points)})"
            return CONVERGED
        if self.converged is False:
            return "not converged: " + "; ".join(f"{p} {self.parts[p].reason()}" for p in self.not_converged)
        if not self.parts:
            return "unknown (not recorded)"
        return "unknown: no convergence recorded for " + ", ".join(self.unknown)
