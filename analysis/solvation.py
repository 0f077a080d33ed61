"""Cation solvation structure: g(r) and coordination by ether O and anion O/N, ion pairing, residence times.

:class:`SolvationAnalysis` works on whole-system frames (every atom; naspe's production run
writes them to ``full.lammpstrj``) and a :class:`SolvationSites` selection made from the data
file by :func:`solvation_sites`: the monatomic cations (Na+), the O atoms of neutral molecules
(PEO ether O) and the O and N atoms of each anion species (FSI, TFSI). Per frame, cation-partner
distances within ``r_max`` come from MDAnalysis's cell-list search
(:func:`MDAnalysis.lib.distances.capped_distance`, minimum image in any triclinic cell), then:

* **g(r) and coordination numbers.** The histogram over frames, normalised by the ideal-gas
  count ``N_cation * N_partner / V * 4 pi r^2 dr``; the first shell ends at the first minimum
  of g(r) after its highest peak (or a given cutoff); the coordination number is the mean
  count of partner atoms within it, with a standard error from consecutive blocks of frames.
* **Ion pairing (cluster picture).** Cations and anions linked by a contact (the cation
  within the cutoff of any of the anion's O/N atoms) form clusters per frame (connected
  components, :func:`scipy.sparse.csgraph.connected_components`): free ions, contact pairs
  (one cation + one anion) and aggregates.
* **Residence times.** For each cation-partner contact the continuous survival function
  S(t) = P(contact present at t0 stays present at every frame to t0 + t), averaged over all
  origins; tau from a fit of exp(-t/tau). Because a PEO chain offers many identical ether O,
  a cation that slides along a chain breaks O contacts without leaving the chain; so the
  residence is reported per O atom (``O_ether``) and per chain (``ether_chain``: any O of the
  same molecule), and per anion molecule.

This is what the ``solvation_analysis`` package (Cohen et al., J. Open Source Softw. 2023)
computes; it is not used because its solvent unit is the residue/molecule, and a PEO
chain coordinating a cation with several O at once is one solvent molecule there; here the
O atoms and the chains are counted separately, with plain MDAnalysis and NumPy.

.. warning::
   * **Time resolution.** Residence times are only resolved above the frame interval; a
     contact that breaks and re-forms between two frames counts as unbroken. naspe's
     whole-system frames are far apart (100 ps by default): short residence times are
     then overestimated, and times beyond half the run cannot be measured (tau is null).
   * **Cutoffs.** The first minimum of g(r) is well defined for Na-O (about 3.1-3.3 Å)
     but noisy with few frames; give cutoffs to compare runs.
   * **Statistics.** With few whole-system frames the fractions and coordination numbers
     average few configurations; their errors come from blocks of frames and say nothing
     about correlation between frames (whole-system frames are usually decorrelated).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from naspe.analysis.errors import TrajectoryFormatError
from naspe.analysis.frame import Box
from naspe.analysis.lammps_io import LammpsDumpReader
from naspe.analysis.lammps_topology import read_data_topology
from naspe.analysis.mda_io import MDANALYSIS_FORMATS, iter_mdanalysis_frames
from naspe.analysis.residence import residence_time, survival_function
from naspe.analysis.solvation_result import CoordinationShell, IonPairing, ResidenceTime, SolvationStructure
from naspe.analysis.solvation_sites import SolvationSites, solvation_sites
from naspe.analysis.species import identify_ions
from naspe.analysis.values import ValueWithError

__all__ = ["SolvationSites", "SolvationAnalysis", "solvation_sites", "analyze_solvation"]

#: bin width of g(r) (Å)
BIN_WIDTH_ANGSTROM = 0.05
#: largest r of g(r) (Å), if the cell allows
R_MAX_ANGSTROM = 8.0
#: first-shell cutoff when g(r) has no peak (Å)
DEFAULT_CUTOFF_ANGSTROM = 3.5
#: the first minimum is searched up to this far beyond the peak (Å)
MINIMUM_SEARCH_ANGSTROM = 2.5


def _wrap(positions: np.ndarray, box: Box) -> np.ndarray:
    frac = box.to_fractional(positions - box.origin)
    frac -= np.floor(frac)
    return (box.to_cartesian(frac) + box.origin).astype(np.float32)


def _widths(box: Box) -> np.ndarray:
    a, b, c = box.matrix
    volume = box.volume_angstrom3
    return volume / np.linalg.norm([np.cross(b, c), np.cross(c, a), np.cross(a, b)], axis=1)


def _first_minimum(r: np.ndarray, g: np.ndarray) -> tuple[float | None, float | None]:
    """(first peak, first minimum after it) of g(r) (Å), or (None, None) when g has no peak.

    g is smoothed over 0.25 Å; the peak is the first maximum reaching half the highest value;
    the minimum is where g, walking outwards from the peak, first rises again (the middle of a
    flat stretch, such as the empty gap between lattice shells), at most 2.5 Å beyond the peak.
    """
    smooth = np.convolve(g, np.ones(5) / 5.0, mode="same")
    if not np.any(smooth > 0):
        return None, None
    peak = int(np.flatnonzero(smooth >= 0.5 * smooth.max())[0])
    while peak + 1 < smooth.size and smooth[peak + 1] >= smooth[peak]:
        peak += 1
    stop = min(smooth.size - 1, peak + int(round(MINIMUM_SEARCH_ANGSTROM / BIN_WIDTH_ANGSTROM)))
    low = peak
    while low < stop and smooth[low + 1] <= smooth[low]:
        low += 1
    tol = 1e-9 * smooth.max()
    first = low
    while first > peak and smooth[first - 1] <= smooth[low] + tol:
        first -= 1
    near = slice(max(0, peak - 2), peak + 3)  # the peak position from the unsmoothed g
    top = near.start + int(np.argmax(g[near]))
    return float(r[top]), float(0.5 * (r[first] + r[low]))


def _block_error(values: np.ndarray, n_blocks: int = 5) -> float | None:
    n = min(n_blocks, values.size)
    if n < 2:
        return None
    means = [np.mean(b) for b in np.array_split(values, n)]
    return float(np.std(means, ddof=1) / np.sqrt(n))


class SolvationAnalysis:
    """Solvation shells, ion pairing and residence times of the cations over whole-system frames.

    Parameters
    ----------
    sites
        The atoms to use, from :func:`solvation_sites`.
    cutoffs_angstrom
        First-shell radius (Å) per partner kind; the first minimum of g(r) for kinds not given.
    r_max_angstrom
        Largest distance of g(r) (Å); reduced to half the shortest cell width.
    """

    def __init__(
        self,
        sites: SolvationSites,
        cutoffs_angstrom: dict[str, float] | None = None,
        r_max_angstrom: float = R_MAX_ANGSTROM,
    ) -> None:
        cutoffs = dict(cutoffs_angstrom or {})
        unknown = sorted(set(cutoffs) - set(sites.partners))
        if unknown:
            raise ValueError(f"cutoffs for {unknown}: the partner kinds of this cell are {sorted(sites.partners)}")
        for name, value in cutoffs.items():
            if not (np.isfinite(value) and 1.0 <= value <= r_max_angstrom):
                raise ValueError(f"cutoff {name}={value} Å: must be within 1-{r_max_angstrom:g} Å")
        if not sites.partners:
            raise ValueError("no partner atoms (ether O, anion O or N) in the cell: nothing solvates the cations")
        self.sites = sites
        self.cutoffs = cutoffs
        self.r_max = float(r_max_angstrom)

    def run(self, frames: Iterable[tuple[np.ndarray, Box]], frame_interval_ps: float | None, source: str = ""):
        """Analyse ``frames`` (topology-ordered positions in Å, and the cell) spaced ``frame_interval_ps`` apart.

        Returns
        -------
        SolvationStructure
            Shells, pairing and residence times.
        """
        # MDAnalysis (~2 s to import) only when solvation is analysed
        from MDAnalysis.lib.distances import capped_distance
        from MDAnalysis.lib.mdamath import triclinic_box

        sites = self.sites
        n_cat = sites.cation_index.size
        contacts: dict[str, list[tuple[np.ndarray, np.ndarray, np.ndarray]]] = {k: [] for k in sites.partners}
        volumes, r_max = [], self.r_max
        for positions, box in frames:
            r_max = min(r_max, 0.5 * float(_widths(box).min()))
            dims = triclinic_box(*box.matrix).astype(np.float32)
            cations = _wrap(positions[sites.cation_index], box)
            for name, index in sites.partners.items():
                pairs, dist = capped_distance(cations, _wrap(positions[index], box), self.r_max, box=dims)
                contacts[name].append((pairs[:, 0].astype(np.int32), pairs[:, 1].astype(np.int32), dist))
            volumes.append(box.volume_angstrom3)
        n_frames = len(volumes)
        if n_frames == 0:
            raise ValueError(f"{source}: no frames to analyse")
        volume = float(np.mean(volumes))
        edges = np.arange(0.0, r_max + 0.5 * BIN_WIDTH_ANGSTROM, BIN_WIDTH_ANGSTROM)
        r = 0.5 * (edges[1:] + edges[:-1])
        shells, within = {}, {}
        notes: list[str] = []
        for name, index in sites.partners.items():
            dist_all = np.concatenate([c[2] for c in contacts[name]])
            hist = np.histogram(dist_all, bins=edges)[0].astype(float)
            ideal = n_frames * n_cat * index.size / volume * 4.0 / 3.0 * np.pi * np.diff(edges**3)
            g = hist / ideal
            peak, minimum = _first_minimum(r, g)
            if name in self.cutoffs:
                cutoff, how = float(self.cutoffs[name]), "given"
            elif minimum is not None:
                cutoff, how = minimum, "first minimum of g(r)"
            else:
                cutoff, how = DEFAULT_CUTOFF_ANGSTROM, f"default {DEFAULT_CUTOFF_ANGSTROM} Å (g(r) has no peak)"
            within[name] = [(i[d <= cutoff], j[d <= cutoff]) for i, j, d in contacts[name]]
            per_frame = np.array([i.size / n_cat for i, _ in within[name]])
            touched = np.mean([np.unique(i).size / n_cat for i, _ in within[name]])
            shells[name] = CoordinationShell(
                partner=name,
                n_partner_atoms=int(index.size),
                r_angstrom=np.round(r, 4).tolist(),
                g_r=np.round(g, 5).tolist(),
                first_peak_angstrom=peak,
                cutoff_angstrom=cutoff,
                cutoff_source=how,
                coordination_number=ValueWithError(value=float(per_frame.mean()), stderr=_block_error(per_frame)),
                cation_fraction_coordinated=float(touched),
            )
        if r_max < self.r_max:
            notes.append(f"g(r) stops at {r_max:.3g} Å, half the shortest cell width")
        residence = self._residence(within, n_frames, frame_interval_ps) if n_frames > 1 else {}
        if n_frames < 10:
            notes.append(f"only {n_frames} frame(s): coordination numbers and fractions average few configurations")
        return SolvationStructure(
            cation=sites.cation,
            n_cations=n_cat,
            source=source,
            n_frames=n_frames,
            frame_interval_ps=frame_interval_ps if n_frames > 1 else None,
            r_max_angstrom=r_max,
            shells=shells,
            pairing=self._pairing(within, n_frames) if sites.anion_of_partner else None,
            residence=residence,
            method=(
                "distances by MDAnalysis capped_distance (cell lists, minimum image); g(r) in bins of "
                f"{BIN_WIDTH_ANGSTROM} Å over {n_frames} frames; coordination within each shell's cutoff, stderr "
                "from up to 5 consecutive blocks of frames; clusters by scipy connected_components; residence "
                "from the continuous survival of contacts frame to frame"
                + (f" (resolution {frame_interval_ps:.4g} ps)" if frame_interval_ps else "")
            ),
            warnings=notes,
        )

    def _anion_contacts(self, within: dict, frame: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Cation index and anion number (0-based over all anion molecules) of each cation-anion contact."""
        sites = self.sites
        molecules = np.unique(np.concatenate([sites.partner_molecule[k] for k in sites.anion_of_partner]))
        cats, anions = [], []
        for name in sites.anion_of_partner:
            i, j = within[name][frame]
            cats.append(i)
            anions.append(np.searchsorted(molecules, sites.partner_molecule[name][j]))
        return np.concatenate(cats), np.concatenate(anions), molecules

    def _pairing(self, within: dict, n_frames: int) -> IonPairing:
        n_cat = self.sites.cation_index.size
        counts = np.zeros((2, 3))  # (cation, anion) x (free, pair, aggregate)
        per_cation, largest = [], 0
        for frame in range(n_frames):
            i, a, molecules = self._anion_contacts(within, frame)
            n_an = molecules.size
            links = np.unique(np.stack([i, a], axis=1), axis=0) if i.size else np.zeros((0, 2), dtype=int)
            per_cation.append(links.shape[0] / n_cat)
            n = n_cat + n_an
            graph = coo_matrix((np.ones(links.shape[0]), (links[:, 0], n_cat + links[:, 1])), shape=(n, n))
            _, label = connected_components(graph, directed=False)
            size_cat = np.bincount(label[:n_cat], minlength=n)
            size_an = np.bincount(label[n_cat:], minlength=n)
            size = size_cat + size_an
            largest = max(largest, int(size.max()))
            kind = np.where(size == 1, 0, np.where((size_cat == 1) & (size_an == 1), 1, 2))
            counts[0] += np.bincount(kind[label[:n_cat]], minlength=3)
            counts[1] += np.bincount(kind[label[n_cat:]], minlength=3)
        cat = counts[0] / counts[0].sum()
        an = counts[1] / max(counts[1].sum(), 1.0)
        return IonPairing(
            cation_free=cat[0],
            cation_contact_pair=cat[1],
            cation_aggregate=cat[2],
            anion_free=an[0],
            anion_contact_pair=an[1],
            anion_aggregate=an[2],
            mean_anions_per_cation=float(np.mean(per_cation)),
            largest_cluster_ions=largest,
        )

    def _residence(self, within: dict, n_frames: int, interval_ps: float | None) -> dict[str, ResidenceTime]:
        sites = self.sites
        keyed: dict[str, list[np.ndarray]] = {}
        if "O_ether" in within:
            n_o = sites.partners["O_ether"].size
            keyed["O_ether"] = [np.unique(i.astype(np.int64) * n_o + j) for i, j in within["O_ether"]]
            chains = np.unique(sites.partner_molecule["O_ether"])
            chain_of = np.searchsorted(chains, sites.partner_molecule["O_ether"])
            keyed["ether_chain"] = [
                np.unique(i.astype(np.int64) * chains.size + chain_of[j]) for i, j in within["O_ether"]
            ]
        for anion in dict.fromkeys(sites.anion_of_partner.values()):
            frames = []
            for frame in range(n_frames):
                i, a, molecules = self._anion_contacts(within, frame)
                frames.append(np.unique(i.astype(np.int64) * molecules.size + a))
            keyed[anion] = frames
        out = {}
        for name, frames in keyed.items():
            lags, survival, n_contacts = survival_function(frames)
            lag_ps = lags * (interval_ps or 0.0)
            tau, why = residence_time(lag_ps, survival) if interval_ps else (None, "no frame interval")
            out[name] = ResidenceTime(
                partner=name,
                tau_ps=tau,
                tau_undefined=why,
                lag_ps=np.round(lag_ps, 6).tolist(),
                survival=np.round(survival, 6).tolist(),
                n_contacts=n_contacts,
            )
        return out


def analyze_solvation(
    trajectory: str | Path,
    topology: str | Path,
    timestep_fs: float | None = None,
    charge_scaling: float = 0.8,
    stride: int = 1,
    cutoffs_angstrom: dict[str, float] | None = None,
    format: str | None = None,
) -> SolvationStructure:
    """Read a whole-system trajectory with its data file and run :class:`SolvationAnalysis` on it.

    Parameters
    ----------
    trajectory
        LAMMPS text dump (or DCD/XTC) holding every atom (naspe: ``full.lammpstrj``); wrapped or
        unwrapped coordinates (distances use the minimum image).
    topology
        The LAMMPS data file of the run.
    timestep_fs
        MD time step (fs) for frames numbered by step; None: the frames' own times, and residence
        times need them.
    charge_scaling
        Ionic charge scaling of the force field (naspe: 0.8).
    stride
        Use every ``stride``-th frame.
    cutoffs_angstrom
        First-shell radii (Å) by partner kind; first minima of g(r) otherwise.
    format
        Trajectory format, from the suffix when None.
    """
    path = Path(trajectory)
    if not path.is_file():
        raise FileNotFoundError(f"whole-system trajectory {path} does not exist")
    topo = read_data_topology(topology)
    full_sites = solvation_sites(topo, identify_ions(topo, charge_scaling=charge_scaling))
    # keep only the atoms the analysis uses (frames are held in memory for the residence times)
    used = np.unique(np.concatenate([full_sites.cation_index, *full_sites.partners.values()]))
    sites = SolvationSites(
        cation=full_sites.cation,
        cation_index=np.searchsorted(used, full_sites.cation_index),
        partners={k: np.searchsorted(used, v) for k, v in full_sites.partners.items()},
        partner_molecule=full_sites.partner_molecule,
        anion_of_partner=full_sites.anion_of_partner,
    )
    analysis = SolvationAnalysis(sites, cutoffs_angstrom)
    kind = (format or path.suffix.lstrip(".")).lower()
    if kind in MDANALYSIS_FORMATS:
        frames = iter_mdanalysis_frames(path, topo, topo.atom_ids, stride)
    else:
        frames = iter(LammpsDumpReader(path, stride=stride))
    steps, times = [], []

    def positions():
        for frame in frames:
            if frame.ids.size != topo.n_atoms:
                raise TrajectoryFormatError(
                    f"{path}: {frame.ids.size} atoms per frame, the data file has {topo.n_atoms}: the solvation "
                    "structure needs every atom (naspe's full.lammpstrj, not the ion dump)"
                )
            steps.append(frame.step)
            times.append(frame.time_fs)
            out = np.empty((topo.n_atoms, 3))
            out[topo.index_of(frame.ids)] = frame.positions
            yield out[used], frame.box

    frames_and_boxes = list(positions())
    interval_ps = None
    if len(frames_and_boxes) > 1:
        if all(s is not None for s in steps) and timestep_fs is None:
            raise ValueError(
                f"{path}: its frames are numbered by MD step: give the run's time step (timestep_fs, "
                "`--timestep-fs`) for residence times in ps"
            )
        t = np.asarray(steps, dtype=float) * timestep_fs if steps[0] is not None else np.asarray(times, dtype=float)
        dt = np.diff(t)
        if np.any(dt <= 0) or np.any(np.abs(dt - dt[0]) > 1e-6 * dt[0]):
            raise TrajectoryFormatError(f"{path}: frames are not equally spaced in time; residence times need that")
        interval_ps = float(dt[0]) / 1000.0
    return analysis.run(frames_and_boxes, interval_ps, source=str(path))
