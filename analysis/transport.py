r"""Ionic transport from MD: self-diffusion, Nernst-Einstein and Einstein-Helfand conductivity.

:class:`TransportAnalysis` takes an :class:`~naspe.analysis.trajectory.IonTrajectory`
(ion centres of mass, unwrapped, drift removed) and computes

* the self-diffusion coefficient of each ion species,
  :math:`D_s = \lim MSD_s(t) / 6t`, MSD by FFT over all time origins;
* the Nernst-Einstein conductivity
  :math:`\sigma_{NE} = e^2/(V k_B T) \sum_s N_s z_s^2 D_s` (ions uncorrelated);
* the Einstein-Helfand (collective) conductivity
  :math:`\sigma_{EH} = \lim 1/(6 V k_B T t) \langle|\sum_i z_i e \Delta r_i(t)|^2\rangle`,
  which includes all ion-ion correlations;
* the Haven ratio :math:`H = \sigma_{NE}/\sigma_{EH}` and the Nernst-Einstein
  estimate of the cation transference number,

* the Onsager coefficients L++, L--, L+- (self and distinct parts), the conductivity
  and the cation transference number from them (:mod:`naspe.analysis.onsager`; Fong,
  Self, McCloskey & Persson, Macromolecules 54 (2021) 2575),

each with a standard error from block averaging.
:func:`~naspe.analysis.transport_files.analyze_conductivity` does the reading and
the analysis in one call.

.. warning::
   The numbers are only as good as the trajectory. In particular:

   * **Unwrapped coordinates.** MSDs need positions that are not wrapped into the
     cell. The readers use ``xu yu zu`` (or unwrap ``x y z`` with image flags
     ``ix iy iz``) and refuse wrapped coordinates; they also refuse jumps of more
     than half a cell between frames.
   * **Diffusive regime.** D is the long-time slope. Ions in PEO are
     sub-diffusive (log-log MSD slope < 1) for nanoseconds; near the glass
     transition, far longer. The fit window is chosen where the log-log slope of
     every species is within ``slope_tolerance`` of 1; if there is none,
     ``diffusive`` is False, a warning says so, and D, sigma are *apparent*
     values (a sub-diffusive MSD fitted over a finite window overestimates the
     long-time D). Use ``require_diffusive=True`` to make that an error.
   * **Finite size.** D of a periodic cell is lower than the macroscopic one by
     about :math:`\xi k_B T / (6 \pi \eta L)` (Yeh & Hummer, J. Phys. Chem. B 108
     (2004) 15873); with a viscosity (given, or Green-Kubo from the pressure
     tensor) the corrected D are reported beside the raw ones
     (:mod:`naspe.analysis.finite_size`). In viscous polymer electrolytes the
     correction is usually small against the statistical error.
   * **Short or non-diffusive runs.** A run of fewer than two blocks of
     ``MIN_FRAMES_PER_BLOCK`` frames gives no D or sigma at all, only what it shows
     (log-log slopes, rms displacement against the ion spacing, the run length the
     rms would need; :mod:`naspe.analysis.reach`); with ``apparent_values=False`` a
     non-diffusive run is answered the same way instead of with apparent values.
   * **Statistics.** sigma_EH is the MSD of a *single* collective coordinate
     and is far noisier than sigma_NE (an average over all ions): expect
     relative errors of tens of per cent unless the run is long and the cell
     large. The standard errors come from block averaging: the run is cut into
     ``n_blocks`` consecutive blocks and each block is fitted over the *same lag
     window* as the whole run, so the whole-run value is (up to origins that
     straddle block boundaries) the mean of the block values and
     std(ddof=1)/sqrt(n_blocks) is its standard error. For that, the window must
     fit in a block: its longest lag is at most ``fit_range_fraction[1]`` of a
     block (default 50 % of run/5 = 10 % of the run). Fitting a whole run out to
     half its length would not help: the MSD at lag f*T is no better determined
     than the same fraction of a block, and block errors of windows scaled with
     the block would understate its error by about sqrt(n_blocks). Fewer blocks
     reach longer lags (useful when the diffusive regime comes late) but give a
     rougher error estimate. With few ions per species (small cells), D is
     poorly averaged too. A result whose ions have not moved further than the
     mean ion spacing describes local rattling, not long-range transport; a
     warning says so.
   * **Charges.** Formal charges (z = +-1) are used by default; force fields with
     scaled ionic charges (naspe: 0.8) then give the conductivity of the
     formally charged ions moving as simulated, which is the usual convention.
     ``use_scaled_charges=True`` uses the simulated partial-charge sums instead.
   * **Centre of mass.** Positions are relative to the system centre of mass,
     which must be known (``com_file``) when the trajectory holds only the ions;
     see ``com_reference`` in the result.
   * **Molecule centres.** Ions are tracked by their centres of mass. For the
     Einstein-Helfand sum this differs from the atomic charge current only by a
     bounded intramolecular term, and neutral molecules (PEO) contribute only
     such bounded terms, so neither changes the long-time slope.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from naspe.analysis.errors import NonDiffusiveError
from naspe.analysis.finite_size import finite_size_correction
from naspe.analysis.msd import charge_displacement_sum, collective_msd_fft, msd_fft
from naspe.analysis.onsager import (
    GroupCorrelations,
    OnsagerEstimate,
    group_correlations,
    ion_groups,
    onsager_estimate,
    onsager_transport,
)
from naspe.analysis.reach import ion_spacing_angstrom, needed_duration_ps, reach_summary, too_short_message
from naspe.analysis.regime import find_diffusive_window, fit_line, lag_index_range, loglog_slope, window_loglog_slope
from naspe.analysis.trajectory import IonTrajectory
from naspe.analysis.transport_checks import (
    finite,
    fraction_pair,
    haven_ratio,
    non_diffusive_message,
    transport_warnings,
    withheld,
)
from naspe.analysis.transport_result import TransportResult
from naspe.analysis.units import ANGSTROM2_PER_FS_TO_CM2_PER_S, conductivity_S_cm
from naspe.analysis.values import ValueWithError

__all__ = ["TransportAnalysis", "NonDiffusiveError"]

#: fewest frames a block may have
MIN_FRAMES_PER_BLOCK = 20


@dataclass
class _Estimate:
    """Transport numbers of one stretch of trajectory (whole run or one block)."""

    diffusion_angstrom2_fs: dict[str, float]
    sigma_ne_S_cm: float
    sigma_eh_S_cm: float
    transference_cation: float
    onsager: OnsagerEstimate | None = None


class TransportAnalysis:
    """Diffusion coefficients and conductivities of the ions of one trajectory at one temperature.

    Parameters
    ----------
    trajectory
        Ion centre-of-mass trajectory from :func:`~naspe.analysis.trajectory.load_ion_trajectory`.
    temperature_K
        Temperature of the run (K).
    slope_tolerance
        Largest accepted ``|d ln MSD / d ln t - 1|`` in the fit window.
    fit_range_fraction
        Range of lag times that the fit window may use, as fractions of the block
        length (run / ``n_blocks``); default 5-50 %: skips the ballistic start and
        the lags that a block averages poorly.
    default_window_fraction
        Window used when no diffusive one is found, as fractions of the block
        length (default 10-50 %).
    min_window_ratio
        The diffusive window must span at least this factor in time (end/start).
    n_blocks
        Number of consecutive blocks for the standard errors (>= 2).
    use_scaled_charges
        Use the partial-charge sums of the data file instead of formal charges.
    require_diffusive
        Raise :class:`~naspe.analysis.errors.NonDiffusiveError` when no diffusive
        window exists, instead of returning apparent values with a warning.
    smoothing_decades
        Width (decades of time) of the smoothing of the local log-log slope.
    apparent_values
        When no diffusive window exists, report the apparent D and sigma of the default
        window (True, with a warning) or withhold them (False: null, with the reason and
        what the run shows in ``conductivity_withheld``).
    viscosity_mPa_s
        Shear viscosity (mPa s, a number or a value with its error) for the Yeh-Hummer
        correction of D; None: no correction.
    viscosity_source
        Where the viscosity came from (recorded in the result).

    Attributes
    ----------
    results : TransportResult or None
        The result of the last :meth:`run`.
    lag_ps : numpy.ndarray
        Lag times (ps) of the MSDs, after :meth:`run`.
    msd_angstrom2 : dict
        Species name -> MSD (Å^2) at ``lag_ps``, after :meth:`run`.
    charge_msd_e2_angstrom2 : numpy.ndarray
        ``<|sum_i q_i dr_i(t)|^2>`` (e^2 Å^2) at ``lag_ps``, after :meth:`run`.
    local_slopes : dict
        Species name (and ``"charge"``) -> smoothed local log-log slope at ``lag_ps``.
    """

    def __init__(
        self,
        trajectory: IonTrajectory,
        temperature_K: float,
        *,
        slope_tolerance: float = 0.15,
        fit_range_fraction: tuple[float, float] = (0.05, 0.5),
        default_window_fraction: tuple[float, float] = (0.1, 0.5),
        min_window_ratio: float = 2.0,
        n_blocks: int = 5,
        use_scaled_charges: bool = False,
        require_diffusive: bool = False,
        smoothing_decades: float = 0.2,
        apparent_values: bool = True,
        viscosity_mPa_s: float | ValueWithError | None = None,
        viscosity_source: str = "given",
    ) -> None:
        if not isinstance(trajectory, IonTrajectory):
            raise TypeError(
                f"trajectory is a {type(trajectory).__name__}; pass an IonTrajectory from load_ion_trajectory "
                "(or use naspe.analysis.transport_files.analyze_conductivity with file paths)"
            )
        if not (np.isfinite(temperature_K) and temperature_K > 0):
            raise ValueError(f"temperature_K={temperature_K}: must be a positive temperature in K")
        if not 0.0 < slope_tolerance < 1.0:
            raise ValueError(f"slope_tolerance={slope_tolerance}: must be in (0, 1), e.g. 0.15")
        self.fit_range_fraction = fraction_pair("fit_range_fraction", fit_range_fraction)
        self.default_window_fraction = fraction_pair("default_window_fraction", default_window_fraction)
        if not min_window_ratio >= 1.0:
            raise ValueError(f"min_window_ratio={min_window_ratio}: must be >= 1 (window end / window start)")
        if int(n_blocks) != n_blocks or n_blocks < 2:
            raise ValueError(f"n_blocks={n_blocks}: must be an integer >= 2 (standard errors need two blocks)")
        n_frames = trajectory.n_frames
        #: fewer frames than two blocks need: no D or sigma, only what the run shows
        self.too_short = n_frames < 2 * MIN_FRAMES_PER_BLOCK
        if not self.too_short and n_frames // int(n_blocks) < MIN_FRAMES_PER_BLOCK:
            most = n_frames // MIN_FRAMES_PER_BLOCK
            raise ValueError(
                f"n_blocks={n_blocks} needs >= {int(n_blocks) * MIN_FRAMES_PER_BLOCK} frames "
                f"({MIN_FRAMES_PER_BLOCK} frames per block); the trajectory has {n_frames}: use n_blocks <= {most} "
                f"(--blocks {most}) or a longer trajectory"
            )
        if isinstance(viscosity_mPa_s, (int, float)):
            viscosity_mPa_s = ValueWithError(value=float(viscosity_mPa_s))
        if viscosity_mPa_s is not None and not (viscosity_mPa_s.value is not None and viscosity_mPa_s.value > 0):
            raise ValueError(f"viscosity_mPa_s={viscosity_mPa_s.value}: must be a positive viscosity in mPa s")
        if not smoothing_decades > 0:
            raise ValueError(f"smoothing_decades={smoothing_decades}: must be > 0")
        self.trajectory = trajectory
        self.temperature_K = float(temperature_K)
        self.slope_tolerance = float(slope_tolerance)
        self.min_window_ratio = float(min_window_ratio)
        self.n_blocks = int(n_blocks)
        self.use_scaled_charges = bool(use_scaled_charges)
        self.require_diffusive = bool(require_diffusive)
        self.smoothing_decades = float(smoothing_decades)
        self.apparent_values = bool(apparent_values)
        self.viscosity = viscosity_mPa_s
        self.viscosity_source = str(viscosity_source)
        groups = ion_groups(self.charges)
        self.onsager_groups = None if isinstance(groups, str) else groups
        self.onsager_undefined = groups if isinstance(groups, str) else None
        self.results: TransportResult | None = None
        self.lag_ps = np.zeros(0)
        self.msd_angstrom2: dict[str, np.ndarray] = {}
        self.charge_msd_e2_angstrom2 = np.zeros(0)
        self.local_slopes: dict[str, np.ndarray] = {}

    # --- pieces -------------------------------------------------------------------------------------

    @property
    def charges(self) -> np.ndarray:
        """Charge of each ion used for conductivities (e): formal z, or the scaled partial-charge sum."""
        traj = self.trajectory
        return traj.charge_sums.astype(float) if self.use_scaled_charges else traj.formal_charges.astype(float)

    def _msds(self, traj: IonTrajectory) -> tuple[dict[str, np.ndarray], np.ndarray, GroupCorrelations | None]:
        """Per-species MSD (Å^2), charge-displacement MSD (e^2 Å^2) and group correlations (Å^2) of ``traj``."""
        msds = {name: msd_fft(traj.positions[:, traj.species_slice(name)]) for name in traj.species_names}
        charge_msd = collective_msd_fft(charge_displacement_sum(traj.positions, self.charges))
        corr = None
        if self.onsager_groups is not None:
            plus, minus = self.onsager_groups[:2]
            q = self.charges
            sums: dict[str, np.ndarray | float] = {"plus": 0.0, "minus": 0.0}
            for name, msd in msds.items():
                count = int(np.sum(traj.species == name))
                sums["plus" if q[traj.species_slice(name)][0] > 0 else "minus"] += count * msd
            corr = group_correlations(traj.positions, plus, minus, sums)
        return msds, charge_msd, corr

    @property
    def block_frames(self) -> int:
        """Frames per block; the fit window lies within the lags a block can average well."""
        return self.trajectory.n_frames // self.n_blocks

    def _choose_window(self, lag_fs: np.ndarray) -> tuple[tuple[int, int], bool]:
        """Lag indices of the fit window and whether it is diffusive (raises if required and not)."""
        n = self.block_frames
        slopes = [self.local_slopes[name] for name in self.msd_angstrom2]
        window = find_diffusive_window(
            lag_fs, slopes, lag_index_range(n, self.fit_range_fraction), self.slope_tolerance, self.min_window_ratio
        )
        if window is not None:
            return window, True
        window = lag_index_range(n, self.default_window_fraction)
        if window[1] - window[0] < 2:
            raise ValueError(
                f"default_window_fraction={self.default_window_fraction} holds < 3 lags of blocks of {n} frames"
            )
        if self.require_diffusive:
            raise NonDiffusiveError(non_diffusive_message(self, lag_fs, window))
        return window, False

    def _estimate(
        self,
        lag_fs: np.ndarray,
        msds: dict[str, np.ndarray],
        charge_msd: np.ndarray,
        corr: GroupCorrelations | None,
        window: tuple[int, int],
        traj: IonTrajectory,
    ) -> _Estimate:
        """D (Å^2/fs), sigma_NE, sigma_EH (S/cm) and t+ from MSDs fitted over lags ``window``."""
        q = self.charges
        volume = float(np.mean(traj.volume_angstrom3))
        diffusion = {name: fit_line(lag_fs, msd, *window) / 6.0 for name, msd in msds.items()}
        q2d = {name: float(np.sum(q[traj.species_slice(name)] ** 2)) * d for name, d in diffusion.items()}
        total = sum(q2d.values())
        cations = sum(v for name, v in q2d.items() if q[traj.species_slice(name)][0] > 0)
        groups = self.onsager_groups  # set whenever corr is
        return _Estimate(
            diffusion_angstrom2_fs=diffusion,
            sigma_ne_S_cm=conductivity_S_cm(total, volume, self.temperature_K),
            sigma_eh_S_cm=conductivity_S_cm(fit_line(lag_fs, charge_msd, *window) / 6.0, volume, self.temperature_K),
            transference_cation=cations / total if total != 0 else float("nan"),
            onsager=None
            if corr is None or groups is None
            else onsager_estimate(lag_fs, corr, window, volume, self.temperature_K, *groups[2:]),
        )

    def _block_estimates(self, window: tuple[int, int]) -> list[_Estimate]:
        """The same estimate on each of ``n_blocks`` consecutive blocks, fitted over the same lag window."""
        traj = self.trajectory
        length = self.block_frames
        estimates = []
        for k in range(self.n_blocks):
            block = traj.frames(k * length, (k + 1) * length)
            msds, charge_msd, corr = self._msds(block)
            estimates.append(self._estimate(block.time_fs - block.time_fs[0], msds, charge_msd, corr, window, block))
        return estimates

    # --- the analysis -------------------------------------------------------------------------------

    def _bookkeeping(self, lag_fs: np.ndarray) -> dict:
        """The fields of the result that do not depend on a fit."""
        traj = self.trajectory
        q = self.charges
        return {
            "temperature_K": self.temperature_K,
            "slope_tolerance": self.slope_tolerance,
            "n_ions": {name: int(np.sum(traj.species == name)) for name in traj.species_names},
            "charge_e": {name: float(q[traj.species_slice(name)][0]) for name in traj.species_names},
            "charges": "scaled" if self.use_scaled_charges else "formal",
            "volume_angstrom3": float(np.mean(traj.volume_angstrom3)),
            "n_frames": traj.n_frames,
            "frame_interval_ps": traj.frame_interval_fs / 1000.0,
            "duration_ps": float(lag_fs[-1]) / 1000.0,
            "com_reference": traj.com_reference,
            "source": traj.source,
            "ion_spacing_angstrom": self.spacing_angstrom,
        }

    @property
    def spacing_angstrom(self) -> float:
        """Mean ion spacing (V/N_ions)^(1/3) (Å)."""
        return ion_spacing_angstrom(float(np.mean(self.trajectory.volume_angstrom3)), self.trajectory.n_ions)

    def _reach(self, lag_fs: np.ndarray, stop: int, slopes: dict[str, float | None]) -> tuple[dict, float | None]:
        """The rms displacement (Å) of each species at lag index ``stop``, and the run length (ps) the slowest needs."""
        rms = {name: finite(np.sqrt(max(msd[stop], 0.0))) for name, msd in self.msd_angstrom2.items()}
        estimates = [
            needed_duration_ps(lag_fs[stop] / 1000.0, float(msd[stop]), slopes.get(name), self.spacing_angstrom)
            for name, msd in self.msd_angstrom2.items()
        ]
        needs = [n for n in estimates if n is not None]
        return rms, (max(needs) if needs else None)

    def _short_result(self, lag_fs: np.ndarray) -> TransportResult:
        """What a trajectory too short for block errors shows: slopes and rms displacement, no D or sigma."""
        traj = self.trajectory
        last = traj.n_frames - 1
        slopes = {
            name: finite(window_loglog_slope(lag_fs, msd, 1, last)) if last >= 2 else None
            for name, msd in self.msd_angstrom2.items()
        }
        rms, needed = self._reach(lag_fs, last, slopes)
        why = too_short_message(
            traj.n_frames,
            float(lag_fs[-1]) / 1000.0,
            MIN_FRAMES_PER_BLOCK,
            reach_summary(rms, slopes, self.spacing_angstrom),
            needed,
        )
        return TransportResult(
            **self._bookkeeping(lag_fs),
            diffusion_cm2_s={name: ValueWithError() for name in self.msd_angstrom2},
            sigma_ne_S_cm=ValueWithError(),
            sigma_eh_S_cm=ValueWithError(),
            haven_ratio=ValueWithError(),
            haven_ratio_undefined="no conductivity: the trajectory is too short",
            transference_cation=ValueWithError(),
            fit_window_ps=(float(lag_fs[min(1, last)]) / 1000.0, float(lag_fs[last]) / 1000.0),
            loglog_slope=slopes,
            loglog_slope_charge=finite(window_loglog_slope(lag_fs, self.charge_msd_e2_angstrom2, 1, last))
            if last >= 2
            else None,
            diffusive=False,
            warnings=[*traj.warnings, why],
            uncertainty_method="none: too few frames for block averaging",
            n_blocks=0,
            rms_displacement_angstrom=rms,
            conductivity_withheld=why,
            needed_duration_ps=needed,
            onsager_undefined="no conductivity: the trajectory is too short",
        )

    def run(self) -> TransportResult:
        """Compute MSDs, choose the window, fit, block-average; return (and keep in ``results``) the result."""
        traj = self.trajectory
        lag_fs = traj.time_fs - traj.time_fs[0]
        self.lag_ps = lag_fs / 1000.0
        self.msd_angstrom2, self.charge_msd_e2_angstrom2, corr = self._msds(traj)
        self.local_slopes = {
            name: loglog_slope(lag_fs, msd, self.smoothing_decades) for name, msd in self.msd_angstrom2.items()
        }
        self.local_slopes["charge"] = loglog_slope(lag_fs, self.charge_msd_e2_angstrom2, self.smoothing_decades)
        if self.too_short:
            self.results = self._short_result(lag_fs)
            return self.results
        window, diffusive = self._choose_window(lag_fs)

        whole = self._estimate(lag_fs, self.msd_angstrom2, self.charge_msd_e2_angstrom2, corr, window, traj)
        blocks = self._block_estimates(window)
        to_cm2 = ANGSTROM2_PER_FS_TO_CM2_PER_S
        diffusion = {
            name: ValueWithError.from_blocks(d * to_cm2, [b.diffusion_angstrom2_fs[name] * to_cm2 for b in blocks])
            for name, d in whole.diffusion_angstrom2_fs.items()
        }
        ne = ValueWithError.from_blocks(whole.sigma_ne_S_cm, [b.sigma_ne_S_cm for b in blocks])
        eh = ValueWithError.from_blocks(whole.sigma_eh_S_cm, [b.sigma_eh_S_cm for b in blocks])
        haven, haven_note = haven_ratio(ne, eh)
        block_ps = self.block_frames * traj.frame_interval_fs / 1000.0
        window_ps = (float(self.lag_ps[window[0]]), float(self.lag_ps[window[1]]))
        slopes = {name: finite(window_loglog_slope(lag_fs, msd, *window)) for name, msd in self.msd_angstrom2.items()}
        rms, needed = self._reach(lag_fs, window[1], slopes)
        onsager = None
        if whole.onsager is not None and self.onsager_groups is not None:  # the blocks have theirs too
            plus, minus, z_plus, z_minus = self.onsager_groups
            onsager = onsager_transport(
                whole.onsager,
                [b.onsager for b in blocks if b.onsager is not None],
                list(dict.fromkeys(traj.species[plus].tolist())),
                list(dict.fromkeys(traj.species[minus].tolist())),
                z_plus,
                z_minus,
            )
        finite_size = None
        if self.viscosity is not None:
            cube = np.eye(3) * float(np.mean(traj.volume_angstrom3)) ** (1.0 / 3.0)
            cell = traj.cell_matrix if traj.cell_matrix is not None else cube
            finite_size = finite_size_correction(
                diffusion, self.viscosity, self.viscosity_source, cell, self.temperature_K
            )
        result = TransportResult(
            **self._bookkeeping(lag_fs),
            diffusion_cm2_s=diffusion,
            sigma_ne_S_cm=ne,
            sigma_eh_S_cm=eh,
            haven_ratio=haven,
            haven_ratio_undefined=haven_note,
            transference_cation=ValueWithError.from_blocks(
                whole.transference_cation, [b.transference_cation for b in blocks]
            ),
            fit_window_ps=window_ps,
            loglog_slope=slopes,
            loglog_slope_charge=finite(window_loglog_slope(lag_fs, self.charge_msd_e2_angstrom2, *window)),
            diffusive=diffusive,
            warnings=transport_warnings(self, lag_fs, window, diffusive, eh),
            uncertainty_method=(
                f"block averaging: {self.n_blocks} consecutive blocks of {block_ps:.4g} ps, each fitted over the "
                f"same lag window ({window_ps[0]:.4g}-{window_ps[1]:.4g} ps) as the whole run; value from the "
                f"whole run, stderr = std(ddof=1)/sqrt({self.n_blocks}) of the block values; Haven ratio stderr by "
                "first-order propagation (correlation of sigma_NE and sigma_EH neglected)"
            ),
            n_blocks=self.n_blocks,
            block_diffusion_cm2_s={
                name: [finite(b.diffusion_angstrom2_fs[name] * to_cm2) for b in blocks] for name in diffusion
            },
            block_sigma_ne_S_cm=[finite(b.sigma_ne_S_cm) for b in blocks],
            block_sigma_eh_S_cm=[finite(b.sigma_eh_S_cm) for b in blocks],
            rms_displacement_angstrom=rms,
            needed_duration_ps=needed,
            onsager=onsager,
            onsager_undefined=self.onsager_undefined,
            finite_size=finite_size,
        )
        if not diffusive and not self.apparent_values:
            result = withheld(
                result,
                non_diffusive_message(self, lag_fs, window),
                reach_summary(rms, slopes, self.spacing_angstrom),
                needed,
            )
        self.results = result
        return self.results
