"""The validation case: one quantity, its reference value and source, the tolerance and the level of theory.

A :class:`ValidationCase` says what is compared with what: the quantity (``"a"``,
``"E_b"``, ...), its unit, the reference value with its uncertainty and its
literature source (authors, journal, year), what kind of reference it is
(experiment, CCSD(T), a published DFT number), the tolerance (absolute, in the
unit, or relative, a fraction of the reference), the level of theory the case
runs at, and its cost class (``cheap``: seconds to a minute on two cores, run by
the tests and CI; ``full``: up to about ten minutes).

A case either has a ``make`` factory, which returns the jobflow Flow (or Job)
whose last job outputs a
:class:`~naspe.workflows.validation.documents.ValidationDocument`, or it says in
``needs`` what it is waiting for; such a case is reported as *not run*, never as
passed.

The tolerance is a statement about the method, not about the numerics: it is
how close the study's level of theory has to come to the reference for the
study to rely on it (e.g. PBE is known to be within ~1 % of low-temperature
lattice constants of the alkali metals); the reason is in ``tolerance_reason``.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from naspe.workflows.md.inputs import MODELS

__all__ = ["ValidationCase", "COSTS", "TOLERANCE_KINDS", "REFERENCE_KINDS", "SUITES", "SUITE_ENGINES", "MD_MODELS"]

#: cost classes: ``cheap`` (tests and CI), ``full`` (``naspe validate`` without ``--cheap``)
COSTS = ("cheap", "full")
#: ``abs``: |computed - reference| <= tolerance (in the unit); ``rel``: <= tolerance * |reference|
TOLERANCE_KINDS = ("abs", "rel")
REFERENCE_KINDS = ("experiment", "CCSD(T)", "DFT")
#: the suites: ``dft`` (GPAW, CP2K) and ``md`` (the LAMMPS force field)
SUITES = ("dft", "md")
#: the engines each suite's cases run on, the default first
SUITE_ENGINES = {"dft": ("gpaw", "cp2k"), "md": ("lammps",)}
#: the force-field models an MD case can run with, the default first: ``fixed`` (naspe's fixed-charge force
#: field) and ``clpol`` (the polarisable CL&Pol model, :mod:`naspe.structures.forcefield.drude`)
MD_MODELS: tuple[str, ...] = MODELS


@dataclass(frozen=True)
class ValidationCase:
    """One reference comparison of a suite.

    Parameters
    ----------
    name
        Unique within its suite, lower case with dashes (``na-bcc-lattice``); what ``--cases`` takes.
    suite
        ``"dft"`` or ``"md"``.
    quantity
        What is computed, in words (``"bcc Na lattice constant"``).
    unit
        Unit of the computed value, the reference and an absolute tolerance (``"Å"``, ``"meV/atom"``).
    reference_value
        The reference, in ``unit``.
    reference_source
        Citation: authors, journal, volume, page (year); with the conditions (temperature, method).
    reference_kind
        ``"experiment"``, ``"CCSD(T)"`` or ``"DFT"``.
    tolerance
        Allowed deviation: in ``unit`` (``tolerance_kind="abs"``) or a fraction of the reference (``"rel"``).
    tolerance_kind
        ``"abs"`` or ``"rel"``.
    tolerance_reason
        Why this tolerance (the method's known accuracy, the reference's spread).
    level_of_theory
        Method, dispersion, basis / force field, as the report states it.
    cost
        ``"cheap"`` or ``"full"``.
    make
        Factory of the case's Flow (or Job); None with ``needs`` set.
    needs
        What the case waits for (a module not there yet); the case is then reported as not run.
    reference_uncertainty
        Uncertainty of the reference (same unit), None if the source gives none.
    notes
        Anything a reader needs to judge the comparison (reference at another level of theory, ...).
    engine
        The engine the case runs on (``gpaw``, ``cp2k``; ``lammps`` for the MD suite); empty: the
        suite's first (``gpaw`` for dft, ``lammps`` for md).
    ion_charge_scaling
        MD cases with ions: the factor on the ions' partial charges the case runs at (its
        ``level_of_theory`` then ends with ``; ion charges x <factor>``); None for cases without ions.
    make_scaled
        MD cases with ions: factory of the case's Flow at another ion charge scaling (what
        :meth:`with_ion_charge_scaling` uses).
    model
        MD cases: the force-field model the case runs with (:data:`MD_MODELS`); empty: ``fixed`` for
        the md suite, none for dft.
    make_model
        MD cases: ``(case, model) ->`` the case run with another model (what :meth:`with_model` uses;
        the variant says itself, in ``needs``, when its cell cannot be built with that model).
    """

    name: str
    suite: Literal["dft", "md"]
    quantity: str
    unit: str
    reference_value: float
    reference_source: str
    reference_kind: str
    tolerance: float
    tolerance_kind: Literal["abs", "rel"]
    tolerance_reason: str
    level_of_theory: str
    cost: Literal["cheap", "full"]
    make: Callable[[], object] | None = field(default=None, compare=False, repr=False)
    needs: str | None = None
    reference_uncertainty: float | None = None
    notes: str = ""
    engine: str = ""
    ion_charge_scaling: float | None = None
    make_scaled: Callable[[float], object] | None = field(default=None, compare=False, repr=False)
    model: str = ""
    make_model: Callable[[ValidationCase, str], ValidationCase] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.model and self.suite == "md":
            object.__setattr__(self, "model", MD_MODELS[0])
        if self.model and (self.suite != "md" or self.model not in MD_MODELS):
            raise ValueError(
                f"case {self.name}: model={self.model!r}; md cases run with {', '.join(MD_MODELS)}, dft cases none"
            )
        if self.ion_charge_scaling is not None:
            if not 0.0 < self.ion_charge_scaling <= 1.0:
                raise ValueError(
                    f"case {self.name}: ion_charge_scaling={self.ion_charge_scaling}: must be in (0, 1] (1 = formal)"
                )
            if not self.level_of_theory.endswith(_scaling_text(self.ion_charge_scaling)):
                object.__setattr__(
                    self, "level_of_theory", self.level_of_theory + _scaling_text(self.ion_charge_scaling)
                )
        if not self.engine:
            object.__setattr__(self, "engine", SUITE_ENGINES[self.suite][0] if self.suite in SUITE_ENGINES else "")
        if self.suite in SUITE_ENGINES and self.engine not in SUITE_ENGINES[self.suite]:
            raise ValueError(
                f"case {self.name}: engine={self.engine!r}; the {self.suite} suite runs on "
                f"{', '.join(SUITE_ENGINES[self.suite])}"
            )
        if not self.name or self.name != self.name.strip().lower() or "," in self.name or " " in self.name:
            raise ValueError(f"case name {self.name!r}: must be lower case, without spaces or commas")
        if self.suite not in SUITES:
            raise ValueError(f"case {self.name}: suite={self.suite!r}; allowed are {', '.join(SUITES)}")
        if self.cost not in COSTS:
            raise ValueError(f"case {self.name}: cost={self.cost!r}; allowed are {', '.join(COSTS)}")
        if self.tolerance_kind not in TOLERANCE_KINDS:
            raise ValueError(
                f"case {self.name}: tolerance_kind={self.tolerance_kind!r}; allowed are {', '.join(TOLERANCE_KINDS)}"
            )
        if self.reference_kind not in REFERENCE_KINDS:
            raise ValueError(
                f"case {self.name}: reference_kind={self.reference_kind!r}; allowed are {', '.join(REFERENCE_KINDS)}"
            )
        if not (math.isfinite(self.tolerance) and self.tolerance > 0):
            raise ValueError(f"case {self.name}: tolerance={self.tolerance}: must be finite and > 0")
        if not math.isfinite(self.reference_value):
            raise ValueError(f"case {self.name}: reference_value={self.reference_value}: must be finite")
        if not self.reference_source.strip():
            raise ValueError(f"case {self.name}: reference_source is empty; cite the source")
        if (self.make is None) == (self.needs is None):
            raise ValueError(f"case {self.name}: give exactly one of make (a Flow factory) and needs (what is missing)")

    @property
    def runnable(self) -> bool:
        """True when the case has a Flow to run (False: it waits for ``needs``)."""
        return self.make is not None

    @property
    def tolerance_abs(self) -> float:
        """The tolerance in ``unit`` (a relative one times |reference|)."""
        return self.tolerance if self.tolerance_kind == "abs" else self.tolerance * abs(self.reference_value)

    def deviation(self, computed: float) -> float:
        """``computed - reference`` (in ``unit``)."""
        return computed - self.reference_value

    def passes(self, computed: float) -> bool:
        """|computed - reference| <= the tolerance; a non-finite value never passes."""
        return math.isfinite(computed) and abs(self.deviation(computed)) <= self.tolerance_abs * (1 + 1e-12)

    def with_ion_charge_scaling(self, scaling: float) -> ValidationCase:
        """The case at ion charges x ``scaling``: named ``<name>@q<scaling>`` unless it is the case's own.

        Raises
        ------
        ValueError
            A case without ions (nothing to scale) or a scaling outside (0, 1].
        """
        if self.model not in ("", MD_MODELS[0]):
            raise ValueError(
                f"case {self.name}: the {self.model} model runs unscaled ion charges (its polarisation is explicit)"
            )
        if self.ion_charge_scaling is None or self.make_scaled is None:
            raise ValueError(f"case {self.name}: has no ions, so no ion charge scaling applies")
        if not 0.0 < scaling <= 1.0:
            raise ValueError(f"ion charge scaling {scaling}: must be in (0, 1] (1 = formal charges)")
        if scaling == self.ion_charge_scaling:
            return self
        level = self.level_of_theory.removesuffix(_scaling_text(self.ion_charge_scaling))
        return dataclasses.replace(
            self,
            name=f"{self.name}@q{scaling:g}",
            level_of_theory=level + _scaling_text(scaling),
            ion_charge_scaling=scaling,
            make=functools.partial(self.make_scaled, scaling),
        )

    def with_model(self, model: str) -> ValidationCase:
        """The case run with the MD force-field model ``model``: named ``<name>@<model>`` unless it is the case's own.

        The variant keeps the reference and the tolerance; its level of theory, Flow and ion charges are
        the model's. A variant whose cell cannot be built with the model has ``needs`` (the reason) and
        no Flow: it is listed and reported as not run, never run with another model.

        Raises
        ------
        ValueError
            A model not in :data:`MD_MODELS`, a dft case, or a case without a factory for other models.
        """
        if model not in MD_MODELS:
            raise ValueError(f"model {model!r}: allowed are {', '.join(MD_MODELS)}")
        if self.suite != "md":
            raise ValueError(f"case {self.name}: a {self.suite} case has no force-field model")
        if model == self.model:
            return self
        if self.make_model is None:
            raise ValueError(f"case {self.name}: runs with the {self.model} model only")
        return self.make_model(self, model)

    def tolerance_text(self) -> str:
        """The tolerance as a table shows it (``± 0.05 Å``, ``± 10 %``)."""
        if self.tolerance_kind == "rel":
            return f"± {100 * self.tolerance:g} %"
        return f"± {self.tolerance:g} {self.unit}"


def _scaling_text(scaling: float) -> str:
    return f"; ion charges x {scaling:g}"
