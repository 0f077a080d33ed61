"""The output document of the cation solvation analysis (pydantic models, JSON-ready).

``SolvationStructure.to_json_dict()`` gives, e.g.::

    {"cation": "Na",
     "shells": {"O_ether": {"cutoff_angstrom": 3.2, "first_peak_angstrom": 2.35,
                            "coordination_number": {"value": 4.9, "stderr": 0.1}, "r_angstrom": [...], "g_r": [...]},
                "O_FSI": {...}, "N_FSI": {...}},
     "pairing": {"cation_free": 0.6, "cation_contact_pair": 0.3, "cation_aggregate": 0.1, ...},
     "residence": {"O_ether": {"tau_ps": 850.0, ...}, "ether_chain": {...}, "FSI": {...}}, ...}
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from naspe.analysis.values import ValueWithError

__all__ = ["CoordinationShell", "IonPairing", "ResidenceTime", "SolvationStructure"]


class CoordinationShell(BaseModel):
    """Radial distribution of one kind of partner atom around the cations and its first shell."""

    partner: str = Field(description="Partner atoms: O_ether (O of neutral molecules), O_<anion>, N_<anion>.")
    n_partner_atoms: int = Field(description="Number of partner atoms in the cell.")
    r_angstrom: list[float] = Field(description="Bin centres of g(r) (Å).")
    g_r: list[float] = Field(description="Cation-partner radial distribution function (dimensionless).")
    first_peak_angstrom: float | None = Field(
        None, description="Position of the first peak of g(r) (Å): the first maximum reaching half its highest value."
    )
    cutoff_angstrom: float = Field(
        description="First-shell radius (Å): the given cutoff, else the first minimum of g(r) after its peak."
    )
    cutoff_source: str = Field(description="'given' or 'first minimum of g(r)'.")
    coordination_number: ValueWithError = Field(
        description="Mean number of partner atoms within the cutoff of a cation; stderr from frame blocks."
    )
    cation_fraction_coordinated: float = Field(
        description="Fraction of cations (over cations and frames) with at least one partner within the cutoff."
    )


class IonPairing(BaseModel):
    """Cations and anions by the cluster they belong to (contacts: a cation within the cutoff of an anion atom).

    Clusters are the connected groups of cations and anions linked by contacts, per frame:
    a free ion has no contact, a contact pair is one cation and one anion, an aggregate is anything
    larger. Fractions are over ions and frames.
    """

    cation_free: float = Field(description="Fraction of cations touching no anion.")
    cation_contact_pair: float = Field(description="Fraction of cations in a one-cation-one-anion pair.")
    cation_aggregate: float = Field(description="Fraction of cations in clusters of more than two ions.")
    anion_free: float = Field(description="Fraction of anions touching no cation.")
    anion_contact_pair: float = Field(description="Fraction of anions in a one-cation-one-anion pair.")
    anion_aggregate: float = Field(description="Fraction of anions in clusters of more than two ions.")
    mean_anions_per_cation: float = Field(description="Mean number of distinct anions in contact with a cation.")
    largest_cluster_ions: int = Field(description="Largest cluster seen (ions).")


class ResidenceTime(BaseModel):
    """How long a cation keeps a partner: continuous survival of a contact and its exponential decay time."""

    partner: str = Field(
        description="O_ether (one ether O atom), ether_chain (any O of one neutral molecule: a PEO chain), "
        "or an anion species (any of its O/N atoms)."
    )
    tau_ps: float | None = Field(
        None, description="Residence time (ps): the decay time of a fit exp(-t/tau) to the survival function."
    )
    tau_undefined: str | None = Field(None, description="Why tau_ps is null (no contacts, no decay within the run).")
    lag_ps: list[float] = Field(default_factory=list, description="Lags of the survival function (ps).")
    survival: list[float] = Field(
        default_factory=list,
        description="Probability that a contact present at t0 lasts without a break (frame by frame) to t0 + lag.",
    )
    n_contacts: int = Field(0, description="Contacts (cation-partner pairs per frame) the survival averages.")


class SolvationStructure(BaseModel):
    """Solvation structure of the cations of one trajectory: shells, ion pairing and residence times."""

    cation: str = Field(description="Cation species analysed.")
    n_cations: int = Field(description="Cations in the cell.")
    source: str = Field("", description="Whole-system trajectory analysed.")
    n_frames: int = Field(description="Frames analysed.")
    frame_interval_ps: float | None = Field(None, description="Time between frames (ps); None for one frame.")
    r_max_angstrom: float = Field(description="Largest distance of g(r) (Å): at most half the shortest cell width.")
    shells: dict[str, CoordinationShell] = Field(description="Coordination shell of each partner kind.")
    pairing: IonPairing | None = Field(None, description="Free ions, contact pairs and aggregates; None if no anion.")
    residence: dict[str, ResidenceTime] = Field(
        default_factory=dict, description="Residence times of the partners; empty for a single frame."
    )
    method: str = Field(description="How the numbers were obtained (libraries, cutoffs, time resolution).")
    warnings: list[str] = Field(default_factory=list, description="Why a number may not be trustworthy.")

    def to_json_dict(self) -> dict:
        """The result as plain JSON types (undefined numbers null)."""
        return self.model_dump(mode="json")
