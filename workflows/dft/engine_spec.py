"""What an engine entry of the registry is: its defaults, its limits and how it makes its Makers.

:class:`EngineSpec` is one entry of :data:`naspe.workflows.dft.registry.ENGINES`: the
engine's :class:`EngineDefaults` (method, basis, k-point rule, smearing in eV or an
electronic temperature in K, dispersion), its :class:`EngineLimits` (purpose, metals,
dipole correction, spin, periodicity), the :data:`CAPABILITIES` it does not honour
with the reason, and the functions that make its relax and static Makers. An option
the engine does not honour is refused by :meth:`EngineSpec.refuse`, never dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from naspe.workflows.dft.convergence import Purpose

__all__ = ["CAPABILITIES", "EngineDefaults", "EngineLimits", "EngineSpec"]

#: what an engine may honour or provide, and how a message names it
CAPABILITIES: Mapping[str, str] = MappingProxyType(
    {
        "steps": "a number of relaxation steps",
        "fmax": "a force criterion",
        "scan": "the rigid separation scan",
        "charges": "atomic charges",
        "bond_orders": "bond orders",
    }
)


@dataclass(frozen=True)
class EngineDefaults:
    """An engine's physical defaults, as a run gets them unless its Maker is given others."""

    electronic_temperature_K: float  # occupation smearing as a temperature: width / kB
    smearing: str  # the smearing, in words (kind and width)
    kpoints: str  # the k-point rule, in words
    dispersion: str
    #: k-point length L (Å) per system class of naspe's one rule (naspe.workflows.dft.kpoints); None: Gamma only
    k_length_angstrom: Mapping[str, float] | None = None
    #: the same for Delta-SCF core-level single points (GPAW)
    core_level_k_length_angstrom: Mapping[str, float] | None = None


@dataclass(frozen=True)
class EngineLimits:
    """What an engine cannot do, one physical question each (documents and the report repeat them).

    Attributes
    ----------
    purpose
        What its default settings are good for: :attr:`Purpose.screening` (rankings) or
        :attr:`Purpose.production` (numbers to compare with experiment).
    metals
        How far its energies of metallic (Na) slabs can be trusted.
    dipole_correction
        Whether a slab's dipole is corrected (False: images of an asymmetric slab interact).
    dipole
        The dipole treatment in words.
    spin
        Spin polarisation: when it is used and what that misses.
    periodicity
        How the cell is treated (3D periodic, or non-periodic along the slab normal) and its k-points.
    """

    purpose: Purpose
    metals: str
    dipole_correction: bool
    dipole: str
    spin: str
    periodicity: str

    def lines(self) -> tuple[str, ...]:
        """The limits as labelled sentences, for a report or ``--json`` output."""
        return (
            f"purpose: {self.purpose.value}",
            f"metals: {self.metals}",
            f"dipole: {self.dipole}",
            f"spin: {self.spin}",
            f"periodicity: {self.periodicity}",
        )


@dataclass(frozen=True)
class EngineSpec:
    """One engine: its level of theory, defaults, Maker factories, what it supports and its limits.

    Parameters
    ----------
    name
        Registry key and the ``engine`` recorded in documents (gpaw, tblite, vasp).
    label
        Short name for flow names (``"GPAW adhesion"``).
    level_of_theory
        Method, dispersion and basis, as a report states them.
    defaults
        :class:`EngineDefaults`.
    cannot
        Capability (:data:`CAPABILITIES`) -> why the engine does not honour it. What
        is not here, it supports.
    limits
        Plain-language things it cannot do, for users and reports.
    known_limits
        :class:`EngineLimits`: purpose, metals, dipole correction, spin, periodicity.
    make_relax, make_static
        Factories of its relax Maker (``(steps, fmax)``, None: the Maker's defaults)
        and its single-point Maker; use :meth:`relax_maker` / :meth:`static_maker`.
    needs
        What a run on this machine needs, in words, and the ``naspe.yaml`` setting
        that provides it; None: nothing beyond the package.
    """

    name: str
    label: str
    level_of_theory: str
    defaults: EngineDefaults
    cannot: Mapping[str, str]
    limits: tuple[str, ...]
    known_limits: EngineLimits
    make_relax: Callable[[int | None, float | None], object]
    make_static: Callable[[], object]
    needs: tuple[str, str] | None = None

    @property
    def supports(self) -> frozenset[str]:
        """The capabilities it honours (:data:`CAPABILITIES` minus ``cannot``)."""
        return frozenset(CAPABILITIES) - set(self.cannot)

    def refuse(self, given: Mapping[str, str]) -> None:
        """Raise ValueError for the first given option the engine does not honour.

        Parameters
        ----------
        given
            Capability -> the option as the caller spells it (``{"steps": "--steps"}``),
            for the options a user actually gave.
        """
        for capability, option in given.items():
            if capability not in CAPABILITIES:
                raise ValueError(f"capability {capability!r}: allowed are {', '.join(CAPABILITIES)}")
            if capability in self.cannot:
                supported = ", ".join(sorted(self.supports)) or "none of " + ", ".join(CAPABILITIES)
                raise ValueError(
                    f"{option}: engine {self.name!r} does not take {CAPABILITIES[capability]} "
                    f"({self.cannot[capability]}); {self.name} supports: {supported}"
                )

    def honoured(self, values: Mapping[str, object], given: Mapping[str, str]) -> dict:
        """The entries of ``values`` (capability -> value) this engine honours, after refusing ``given``.

        An entry point calls it with every option it has (``values``) and the ones the
        user set (``given``, capability -> option as spelled): a set option the engine
        ignores is refused (ValueError, see :meth:`refuse`); an unset one it ignores is
        left out, so the engine's own setting applies.
        """
        self.refuse(given)
        return {k: v for k, v in values.items() if k in self.supports}

    def relax_maker(self, steps: int | None = None, fmax: float | None = None):
        """The engine's fixed-cell relax Maker; ``steps``/``fmax`` (eV/Å) None: the engine's defaults.

        Raises
        ------
        ValueError
            A given ``steps`` or ``fmax`` that the engine does not honour, or a bad value.
        """
        self.refuse({k: f"{k}={v}" for k, v in (("steps", steps), ("fmax", fmax)) if v is not None})
        if steps is not None and steps < 1:
            raise ValueError(f"steps={steps}: must be >= 1 (1 = single point)")
        if fmax is not None and not fmax > 0:
            raise ValueError(f"fmax={fmax}: must be > 0 eV/Å")
        return self.make_relax(steps, fmax)

    def static_maker(self):
        """The engine's single-point Maker."""
        return self.make_static()

    def check_runnable(self) -> None:
        """Raise ValueError when this machine's settings lack what the engine needs (VASP: ``vasp_command``)."""
        if self.needs is None:
            return
        from naspe.workflows.base.settings import load_settings

        what, setting = self.needs
        if not getattr(load_settings(), setting):
            raise ValueError(f"engine {self.name!r} needs {what}")
