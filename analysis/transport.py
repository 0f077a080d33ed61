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

each with a standard error from block averaging. :func:`analyze_conductivity`
does the reading and the analysis in one call.

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
     (2004) 15873); no correction is applied (it needs the viscosity). In
     viscous polymer electrolytes the correction is usually small against the
     statistical error.
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
from pathlib import Path

import numpy as np

from naspe.analysis.errors import NonDiffusiveError
from naspe.analysis.fit_points import SIGNIFICANCE
from naspe.analysis.msd import charge_displacement_sum, collective_msd_fft, msd_fft
from naspe.analysis.regime import find_diffusive_window, fit_line, lag_index_range, loglog_slope, window_loglog_slope
from naspe.analysis.trajectory import IonTrajectory, load_ion_trajectory
from naspe.analysis.transport_result import TransportResult, ValueWithError
from naspe.analysis.units import ANGSTROM2_PER_FS_TO_CM2_PER_S, conductivity_S_cm

__all__ = ["TransportAnalysis", "analyze_conductivity", "NonDiffusiveError"]

#: fewest frames a block may have
MIN_FRAMES_PER_BLOCK = 20
#: fewer ions of a species than this draws a warning
FEW_IONS = 10


@dataclass
class _Estimate:
    """Transport numbers of one stretch of trajectory (whole run or one block)."""

    diffusion_angstrom2_fs: dict[str, float]
    sigma_ne_S_cm: float
    sigma_eh_S_cm: float
    transference_cation: float


def _fraction_pair(name: str, value: tuple[float, float]) -> tuple[float, float]:
    try:
        a, b = (float(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(f"{name}={value!r}: must be a pair (start, end) of fractions of a block") from None
    if not 0.0 <= a < b <= 1.0:
        raise ValueError(f"{name}={value!r}: need 0 <= start < end <= 1 (fractions of the block length)")
    return a, b


def _haven_ratio(ne: ValueWithError, eh: ValueWithError) -> tuple[ValueWithError, str | None]:
    """H = sigma_NE / sigma_EH with its propagated error, or undefined (null) with the reason.

    H is defined only when sigma_EH is significantly positive (more than
    :data:`~naspe.analysis.fit_points.SIGNIFICANCE` standard errors): for paired ions sigma_EH -> 0
    and the ratio of a number to its own noise is no Haven ratio (it came out as 7e12 ± 1e14).
    """
    if ne.value is None:
        return ValueWithError(), "sigma_NE undefined"
    if eh.value is None or eh.stderr is None:
        return ValueWithError(), "sigma_EH or its standard error undefined"
    if eh.value <= SIGNIFICANCE * eh.stderr:
        return ValueWithError(), (
            f"sigma_EH = {eh.value:.3g} ± {eh.stderr:.2g} S/cm is not significantly positive "
            f"(> {SIGNIFICANCE:g} standard errors): the ions' motion is correlated (pairs) or the run is too short"
        )
    h = ne.value / eh.value
    rel = [e.stderr / e.value for e in (ne, eh) if e.stderr is not None and e.value]
    return ValueWithError(value=h, stderr=h * float(np.sqrt(np.sum(np.square(rel)))) if rel else None), None


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
    ) -> None:
        if not isinstance(trajectory, IonTrajectory):
            raise TypeError(
                f"trajectory is a {type(trajectory).__name__}; pass an IonTrajectory from load_ion_trajectory "
                "(or use analyze_conductivity with file paths)"
            )
        if not (np.isfinite(temperature_K) and temperature_K > 0):
            raise ValueError(f"temperature_K={temperature_K}: must be a positive temperature in K")
        if not 0.0 < slope_tolerance < 1.0:
            raise ValueError(f"slope_tolerance={slope_tolerance}: must be in (0, 1), e.g. 0.15")
        self.fit_range_fraction = _fraction_pair("fit_range_fraction", fit_range_fraction)
        self.default_window_fraction = _fraction_pair("default_window_fraction", default_window_fraction)
        if not min_window_ratio >= 1.0:
            raise ValueError(f"min_window_ratio={min_window_ratio}: must be >= 1 (window end / window start)")
        if int(n_blocks) != n_blocks or n_blocks < 2:
            raise ValueError(f"n_blocks={n_blocks}: must be an integer >= 2 (standard errors need two blocks)")
        per_block = trajectory.n_frames // int(n_blocks)
        if per_block < MIN_FRAMES_PER_BLOCK:
            raise ValueError(
                f"n_blocks={n_blocks} leaves {per_block} frames per block of the {trajectory.n_frames} frames; "
                f"each block needs >= {MIN_FRAMES_PER_BLOCK}: use fewer blocks or a longer trajectory"
            )
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

    def _msds(self, traj: IonTrajectory) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """Per-species MSD (Å^2) and charge-displacement MSD (e^2 Å^2) of ``traj``."""
        msds = {name: msd_fft(traj.positions[:, traj.species_slice(name)]) for name in traj.species_names}
        charge_msd = collective_msd_fft(charge_displacement_sum(traj.positions, self.charges))
        return msds, charge_msd

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
            raise NonDiffusiveError(self._non_diffusive_message(lag_fs, window))
        return window, False

    def _non_diffusive_message(self, lag_fs: np.ndarray, window: tuple[int, int]) -> str:
        a, b = lag_index_range(self.block_frames, self.fit_range_fraction)
        found = ", ".join(
            f"{name} {window_loglog_slope(lag_fs, msd, *window):.2f}" for name, msd in self.msd_angstrom2.items()
        )
        mean = np.nanmean([window_loglog_slope(lag_fs, m, *window) for m in self.msd_angstrom2.values()])
        if mean > 1 + self.slope_tolerance:
            why = "super-diffusive (ballistic motion or uncorrected drift)"
        elif mean < 1 - self.slope_tolerance:
            why = "sub-diffusive (ions still caged: run longer or hotter)"
        else:
            why = "not linear over a long enough stretch (noisy: more ions or a longer run)"
        return (
            f"no diffusive regime: between {lag_fs[a] / 1000:.4g} and {lag_fs[b] / 1000:.4g} ps no stretch of a "
            f"factor {self.min_window_ratio:g} in time has every species' log-log MSD slope within "
            f"1 +- {self.slope_tolerance:g}; over {lag_fs[window[0]] / 1000:.4g}-{lag_fs[window[1]] / 1000:.4g} ps "
            f"the slopes are {found}: the MSD is {why}; D and sigma there are apparent values"
            + (", which most likely overestimate the long-time ones" if mean < 1 - self.slope_tolerance else "")
        )

    def _estimate(
        self,
        lag_fs: np.ndarray,
        msds: dict[str, np.ndarray],
        charge_msd: np.ndarray,
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
        return _Estimate(
            diffusion_angstrom2_fs=diffusion,
            sigma_ne_S_cm=conductivity_S_cm(total, volume, self.temperature_K),
            sigma_eh_S_cm=conductivity_S_cm(fit_line(lag_fs, charge_msd, *window) / 6.0, volume, self.temperature_K),
            transference_cation=cations / total if total != 0 else float("nan"),
        )

    def _block_estimates(self, window: tuple[int, int]) -> list[_Estimate]:
        """The same estimate on each of ``n_blocks`` consecutive blocks, fitted over the same lag window."""
        traj = self.trajectory
        length = self.block_frames
        estimates = []
        for k in range(self.n_blocks):
            block = traj.frames(k * length, (k + 1) * length)
            msds, charge_msd = self._msds(block)
            estimates.append(self._estimate(block.time_fs - block.time_fs[0], msds, charge_msd, window, block))
        return estimates

    @staticmethod
    def _with_error(value: float, blocks: list[float]) -> ValueWithError:
        values = np.asarray([b for b in blocks if np.isfinite(b)])
        stderr = float(np.std(values, ddof=1) / np.sqrt(values.size)) if values.size >= 2 else None
        return ValueWithError(value=value, stderr=stderr)

    def _warnings(self, lag_fs: np.ndarray, window: tuple[int, int], diffusive: bool, eh: ValueWithError) -> list[str]:
        """Caveats on the numbers of this run."""
        traj = self.trajectory
        notes = list(traj.warnings)
        if not diffusive:
            notes.append(self._non_diffusive_message(lag_fs, window))
        volume = float(np.mean(traj.volume_angstrom3))
        spacing = (volume / traj.n_ions) ** (1.0 / 3.0)
        for name, msd in self.msd_angstrom2.items():
            count = int(np.sum(traj.species == name))
            if count < FEW_IONS:
                notes.append(f"only {count} {name} ions: their D is poorly averaged")
            rms = float(np.sqrt(max(msd[window[1]], 0.0)))
            if rms < spacing:
                notes.append(
                    f"{name}: rms displacement at the end of the fit window is {rms:.2g} Å, less than the mean "
                    f"ion spacing (V/N)^(1/3) = {spacing:.3g} Å: D reflects local motion more than long-range "
                    "transport; run longer"
                )
        beta_q = window_loglog_slope(lag_fs, self.charge_msd_e2_angstrom2, *window)
        if not abs(beta_q - 1.0) <= self.slope_tolerance:
            notes.append(
                f"the charge-displacement MSD has log-log slope {beta_q:.2f} in the fit window (not linear): "
                "sigma_EH is uncertain beyond its block error"
            )
        if eh.value is None or eh.value <= 0:
            notes.append("sigma_EH <= 0 within noise: the Haven ratio is undefined (ions move as neutral clusters?)")
        elif eh.stderr is not None and eh.stderr > 0.5 * eh.value:
            notes.append(
                f"sigma_EH has a relative standard error of {eh.stderr / eh.value:.0%}: collective statistics "
                "are poor; run longer or average replicas"
            )
        net = float(np.sum(self.charges))
        if abs(net) > 1e-6:
            notes.append(f"the ions carry a net charge of {net:+.3g} e: sigma_EH depends on the reference frame")
        return notes

    # --- the analysis -------------------------------------------------------------------------------

    def run(self) -> TransportResult:
        """Compute MSDs, choose the window, fit, block-average; return (and keep in ``results``) the result."""
        traj = self.trajectory
        lag_fs = traj.time_fs - traj.time_fs[0]
        self.lag_ps = lag_fs / 1000.0
        self.msd_angstrom2, self.charge_msd_e2_angstrom2 = self._msds(traj)
        self.local_slopes = {
            name: loglog_slope(lag_fs, msd, self.smoothing_decades) for name, msd in self.msd_angstrom2.items()
        }
        self.local_slopes["charge"] = loglog_slope(lag_fs, self.charge_msd_e2_angstrom2, self.smoothing_decades)
        window, diffusive = self._choose_window(lag_fs)
        duration = float(lag_fs[-1])

        whole = self._estimate(lag_fs, self.msd_angstrom2, self.charge_msd_e2_angstrom2, window, traj)
        blocks = self._block_estimates(window)
        to_cm2 = ANGSTROM2_PER_FS_TO_CM2_PER_S
        diffusion = {
            name: self._with_error(d * to_cm2, [b.diffusion_angstrom2_fs[name] * to_cm2 for b in blocks])
            for name, d in whole.diffusion_angstrom2_fs.items()
        }
        ne = self._with_error(whole.sigma_ne_S_cm, [b.sigma_ne_S_cm for b in blocks])
        eh = self._with_error(whole.sigma_eh_S_cm, [b.sigma_eh_S_cm for b in blocks])
        haven, haven_note = _haven_ratio(ne, eh)
        block_ps = self.block_frames * traj.frame_interval_fs / 1000.0
        window_ps = (float(self.lag_ps[window[0]]), float(self.lag_ps[window[1]]))
        q = self.charges

        def finite(x: float) -> float | None:
            return float(x) if np.isfinite(x) else None

        self.results = TransportResult(
            temperature_K=self.temperature_K,
            diffusion_cm2_s=diffusion,
            sigma_ne_S_cm=ne,
            sigma_eh_S_cm=eh,
            haven_ratio=haven,
            haven_ratio_undefined=haven_note,
            transference_cation=self._with_error(whole.transference_cation, [b.transference_cation for b in blocks]),
            fit_window_ps=window_ps,
            loglog_slope={
                name: finite(window_loglog_slope(lag_fs, msd, *window)) for name, msd in self.msd_angstrom2.items()
            },
            loglog_slope_charge=finite(window_loglog_slope(lag_fs, self.charge_msd_e2_angstrom2, *window)),
            diffusive=diffusive,
            slope_tolerance=self.slope_tolerance,
            warnings=self._warnings(lag_fs, window, diffusive, eh),
            n_ions={name: int(np.sum(traj.species == name)) for name in traj.species_names},
            charge_e={name: float(q[traj.species_slice(name)][0]) for name in traj.species_names},
            charges="scaled" if self.use_scaled_charges else "formal",
            volume_angstrom3=float(np.mean(traj.volume_angstrom3)),
            n_frames=traj.n_frames,
            frame_interval_ps=traj.frame_interval_fs / 1000.0,
            duration_ps=duration / 1000.0,
            com_reference=traj.com_reference,
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
            source=traj.source,
        )
        return self.results


def analyze_conductivity(
    trajectory_path: str | Path,
    topology_path: str | Path,
    temperature_K: float,
    timestep_fs: float | None = None,
    com_file: str | Path | None = None,
    *,
    charge_scaling: float = 0.8,
    stride: int = 1,
    remove_drift: bool = True,
    format: str | None = None,
    **analysis_options: object,
) -> TransportResult:
    """Read a trajectory with its data file and run :class:`TransportAnalysis` on it.

    Parameters
    ----------
    trajectory_path
        LAMMPS text dump (or DCD/XTC) with unwrapped coordinates or image flags.
    topology_path
        LAMMPS data file of the run.
    temperature_K
        Temperature of the run (K).
    timestep_fs
        MD time step (fs), to turn dump steps into times; required when the frames carry steps, not times.
    com_file
        System centre-of-mass log (``fix ave/time`` of ``compute com``), when the
        trajectory holds only the ions.
    charge_scaling
        Ionic charge scaling of the force field (naspe: 0.8).
    stride
        Use every ``stride``-th frame.
    remove_drift
        Subtract the centre-of-mass motion.
    format
        Trajectory format, from the suffix when None.
    **analysis_options
        Keyword arguments of :class:`TransportAnalysis` (``slope_tolerance``,
        ``n_blocks``, ``use_scaled_charges``, ``require_diffusive``, ...).

    Returns
    -------
    TransportResult
        The transport numbers with uncertainties.
    """
    trajectory = load_ion_trajectory(
        trajectory_path,
        topology_path,
        timestep_fs=timestep_fs,
        com_file=com_file,
        charge_scaling=charge_scaling,
        stride=stride,
        remove_drift=remove_drift,
        format=format,
    )
    return TransportAnalysis(trajectory, temperature_K, **analysis_options).run()
