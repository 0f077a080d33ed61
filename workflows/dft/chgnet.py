"""CHGNet, a universal machine-learned potential, as atomate2 ASE Makers: fast pre-relaxations (optional extra).

:class:`ChgnetRelaxMaker` / :class:`ChgnetStaticMaker`: CHGNet 0.3.0 (Deng et al.,
Nature Machine Intelligence 5 (2023) 1031), a graph network trained on the
Materials Project relaxation trajectories (PBE / PBE+U, no dispersion). Its
weights ship inside the ``chgnet`` wheel, so it loads with no network. It runs on
the CPU through PyTorch.

Physics warning: CHGNet was trained on bulk crystals at the PBE level without a
dispersion correction. Use it for geometries (a metal slab's surface relaxation,
the first steps of an interface) and take the energies from GPAW
(:class:`~naspe.workflows.flows.adhesion.protocol.AdhesionProtocolMaker`); its
own adhesion energies of physisorbed polymers miss the van der Waals attraction.

The extra is not part of ``make setup``: ``make mlip`` installs it (``pip install
-e '.[mlip]'``, with the CPU wheel of torch 2.13.0; measured here: 1.5 GB in a
fresh venv, about 2.5 minutes). Without it a Maker refuses its structure in one
line (:data:`MISSING`) before any calculation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ase import Atoms

from naspe.workflows.dft.base import EngineMaker
from naspe.workflows.dft.defaults import RELAX_FMAX_EV_A

__all__ = ["ChgnetRelaxMaker", "ChgnetStaticMaker", "CHGNET_MODEL", "MISSING", "chgnet_available"]

#: the pretrained CHGNet shipped in the wheel (chgnet/pretrained/0.3.0)
CHGNET_MODEL = "0.3.0"

MISSING = "CHGNet is not installed: `make mlip` adds the optional 'mlip' extra (torch 2.13.0 CPU and chgnet)"


def chgnet_available() -> bool:
    """True when ``chgnet`` (and so torch) can be imported."""
    from importlib.util import find_spec

    return find_spec("chgnet") is not None and find_spec("torch") is not None


@dataclass
class ChgnetRelaxMaker(EngineMaker):
    """Relax with CHGNet at fixed cell (CPU); the cell is treated as 3D periodic.

    Parameters
    ----------
    model_name
        Pretrained model shipped with the ``chgnet`` wheel.
    """

    name: str = "CHGNet relaxation"
    relax_cell: bool = False
    steps: int = 300
    relax_kwargs: dict = field(default_factory=lambda: {"fmax": RELAX_FMAX_EV_A})
    model_name: str = CHGNET_MODEL

    engine = "chgnet"
    package = "chgnet"

    def prepare(self, mol_or_struct) -> Atoms:
        """Atoms, 3D periodic; refused in one line when the extra is not installed."""
        if not chgnet_available():
            raise ValueError(MISSING)
        atoms = super().prepare(mol_or_struct)
        atoms.pbc = True
        return atoms

    def _get_calculator(self):
        return self.calculator_for(None)

    def calculator_for(self, atoms):
        """CHGNet's ASE calculator on the CPU (no stress: the cell is fixed)."""
        try:
            from chgnet.model import CHGNet
            from chgnet.model.dynamics import CHGNetCalculator
        except ImportError as err:  # pragma: no cover - refused in prepare()
            raise ValueError(MISSING) from err
        model = CHGNet.load(model_name=self.model_name, use_device="cpu", verbose=False)
        calc = CHGNetCalculator(model=model, use_device="cpu", on_isolated_atoms="ignore")
        calc.implemented_properties = [p for p in calc.implemented_properties if p != "stress"]
        return calc

    def level_of_theory(self) -> str:
        """The machine-learned potential and its training level (CHGNet: PBE/PBE+U of the Materials Project)."""
        return f"CHGNet {self.model_name} (machine-learned, trained on Materials Project PBE/PBE+U), 3D periodic"

    def parameters(self, atoms) -> dict:
        """The model and device."""
        return {"model": f"CHGNet {self.model_name}", "device": "cpu"}


@dataclass
class ChgnetStaticMaker(ChgnetRelaxMaker):
    """Single-point CHGNet energy."""

    name: str = "CHGNet static"
    steps: int = 1
