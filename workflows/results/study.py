"""What the report compares against: the substrate classes of the study and the paper's measured values.

Reference values (for comparison only; approximate, read from the text of the paper):
Zhao et al., Angew. Chem. Int. Ed. 58 (2019) 17026: the Na/carbon-cloth anode
bonds chemically to PEO20NaFSI: C 1s of C=O near 289 eV, O 1s near 534 eV, Na 1s
of Na-N (salt reduction) at 1069.5 eV; the Na foil delaminates and grows a
Na2O-rich layer. Conductivity of PEO20NaFSI ~1e-7 S/cm at 30 °C and ~1e-4 S/cm
at 60-80 °C (see :data:`naspe.analysis.arrhenius.ZHAO_2019_PEO20_NAFSI`).
"""

from __future__ import annotations

__all__ = ["ZHAO_2019", "PAPER_XPS_EV", "CLASS_ORDER", "CLASS_COLOURS", "PAPER_30C", "PAPER_HOT"]

#: the study the report reproduces
ZHAO_2019 = "Zhao et al., Angew. Chem. Int. Ed. 58 (2019) 17026"

#: XPS peaks of the bonded Na/C | PEO20NaFSI interface (eV), Zhao et al., Angew. Chem. Int. Ed. 58 (2019) 17026;
#: approximate (read from the text), for comparison only
PAPER_XPS_EV: dict[str, tuple[str, float]] = {
    "C 1s C=O (bonded interface)": ("C", 289.0),
    "O 1s (bonded interface)": ("O", 534.0),
    "Na 1s Na-N (salt reduction)": ("Na", 1069.5),
}

#: substrate classes of the W_adh chart and of the conclusion, in order (Na first: the others are carbon)
CLASS_ORDER = ("Na", "carbon", "defective/oxidised carbon", "Na/C")

#: bar colour of each substrate class in the W_adh chart (None: unknown substrate)
CLASS_COLOURS: dict[str | None, str] = {
    "Na": "#7f7f7f",
    "carbon": "#1f77b4",
    "defective/oxidised carbon": "#d62728",
    "Na/C": "#2ca02c",
    None: "#bcbd22",
}

#: (K, S/cm): PEO20NaFSI at 30 °C, Zhao et al. 2019 (approximate)
PAPER_30C = (303.15, 1e-7)
#: (K, K, S/cm): temperature range and conductivity of PEO20NaFSI at 60-80 °C, Zhao et al. 2019 (approximate)
PAPER_HOT = (333.15, 353.15, 1e-4)
