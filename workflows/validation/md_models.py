"""The MD validation cases with the polarisable CL&Pol model: ``naspe validate md --model clpol``.

Every case of :mod:`~naspe.workflows.validation.md_cases` runs with naspe's fixed-charge force
field; :func:`with_models` gives it the factory that
:meth:`~naspe.workflows.validation.cases.ValidationCase.with_model` calls for ``clpol``. The
CL&Pol variant of a case:

- is named ``<case>@clpol``, so it has its own run directory and its own stored document;
- says CL&Pol, with the commit of the CL&Pol repository its parameters were read from, in its
  level of theory (:data:`CLPOL_LEVEL`);
- builds its cell with ``LammpsSystemWriter(model="clpol")`` (Drude particles, k_ij-scaled LJ)
  and runs it with ``LammpsInputGenerator(model="clpol")``: 1 fs, the temperature-grouped Drude
  thermostats; the run lengths (ps), temperatures and cell are the case's;
- has unscaled ion charges (x 1): polarisation is explicit, so no charge scaling stands in for it;
- keeps the case's reference and tolerance (the tolerance was chosen for the fixed-charge model:
  the variant is judged by the same yardstick).

A variant whose cell cannot be polarised (:func:`~naspe.workflows.validation.md_jobs.clpol_refusal`:
every TFSI- cell, as CL&Pol's ``fragment.ff`` gives no Li-, Na- or ether-ntf2 dimer distance) has no
Flow and says why in ``needs``: it is listed and reported as not run, never run with another model.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from typing import Any

from naspe.structures.forcefield.drude import default_clpol
from naspe.workflows.md.inputs import LammpsInputGenerator
from naspe.workflows.validation.cases import ValidationCase
from naspe.workflows.validation.md_conductivity import ConductivityCaseMaker
from naspe.workflows.validation.md_jobs import clpol_refusal

__all__ = ["CLPOL_LEVEL", "clpol_generator", "clpol_maker", "with_models"]

#: the level of theory of a CL&Pol variant (its ``; ion charges x 1`` is added for cases with ions)
CLPOL_LEVEL = (
    f"CL&Pol polarisable model (github.com/paduagroup/clandpol commit {default_clpol().commit}) on OPLS-AA "
    "ethers + CL&P ions: Drude oscillators (k_D 4184 kJ/mol/Å², Thole 2.6), k_ij-scaled LJ, Tang-Toennies "
    "damping of Li+/Na+; LAMMPS lj/cut/thole/long 11 Å, PPPM 1e-5, SHAKE X-H, 1 fs, temperature-grouped "
    "Nose-Hoover NPT 1 atm (Drudes at 1 K)"
)


def clpol_generator(gen: LammpsInputGenerator) -> LammpsInputGenerator:
    """``gen`` for CL&Pol cells: its choices, ``model="clpol"`` and the model's time step (1 fs)."""
    return gen.updated(model="clpol", timestep_fs=None)


def clpol_maker(maker: Any, case: str) -> Any:
    """The case Maker (a DensityMaker or a :class:`ConductivityCaseMaker`) of the CL&Pol variant named ``case``.

    The copy answers ``case`` with the same cell, temperature and run lengths (ps); its input
    generator is CL&Pol's (which makes the build write a CL&Pol cell) and its ion charges unscaled.
    """
    if isinstance(maker, ConductivityCaseMaker):
        md = dataclasses.replace(
            maker.conductivity, input_generator=clpol_generator(maker.conductivity.input_generator)
        )
        return dataclasses.replace(
            maker, name=f"validation {case}", case=case, conductivity=md, ion_charge_scaling=None
        )
    return dataclasses.replace(
        maker, name=f"validation {case}", case=case, input_generator=clpol_generator(maker.input_generator)
    )


def _variant(maker: Any, case: ValidationCase, model: str) -> ValidationCase:
    """The ``model`` variant of ``case``, run by a copy of ``maker`` (see the module docstring)."""
    if model != "clpol":
        raise ValueError(f"model {model!r}: the md cases run with fixed (their own) or clpol")
    name = f"{case.name}@{model}"
    reason = clpol_refusal(maker.kind, maker.params)
    return dataclasses.replace(
        case,
        name=name,
        model=model,
        level_of_theory=CLPOL_LEVEL,
        ion_charge_scaling=None if case.ion_charge_scaling is None else 1.0,
        make=None if reason else clpol_maker(maker, name).make,
        needs=reason,
        make_scaled=None,
        make_model=None,
        notes=f"{case.name} run with CL&Pol (same cell, run lengths, reference and tolerance; the tolerance "
        "was chosen for the fixed-charge model). " + case.notes,
    )


def with_models(maker: Any) -> Callable[[ValidationCase, str], ValidationCase]:
    """The ``make_model`` of a case run by ``maker``: (case, model) -> the case with that model."""
    return functools.partial(_variant, maker)
