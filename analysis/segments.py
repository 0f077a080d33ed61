"""One trajectory from the segments of a run made in pieces, and one number from independent replicas.

:func:`concatenate_segments` joins the ion trajectories of consecutive segments of one
run (each segment continued from the previous one's restart file and numbering its steps
on from it). Segment k+1 begins with the frame segment k ended on (LAMMPS writes a dump
frame at the first step of a run): that frame is dropped, and since each segment's
positions are drift-corrected relative to its own first frame, segment k+1 is shifted
by the one vector that puts its first frame on segment k's last one.

:func:`pool_replicas` combines the block estimates of independent replicas of equal length:
every block of every replica is one independent estimate of the same quantity with the
same weight, so the combined value is the mean of the replicas' whole-run values and its
standard error std(ddof=1)/sqrt(M) over all M = replicas x blocks block values.
Inverse-variance weights are not used: a variance from 5 blocks is itself uncertain by
about sqrt(2/4) = 70 % (std by ~35 %), and weighting by it favours the replicas whose error
happens to come out small.

:func:`time_to_target` extrapolates a relative error with 1/sqrt(simulated time).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from naspe.analysis.trajectory import IonTrajectory

__all__ = ["concatenate_segments", "pool_replicas", "time_to_target"]


def concatenate_segments(segments: Sequence[IonTrajectory], tolerance_angstrom: float = 1e-3) -> IonTrajectory:
    """The trajectory of a run from the trajectories of its consecutive segments.

    Raises
    ------
    ValueError
        No segments, other ions, another frame interval, or a segment that does not begin
        with the frame the previous one ended on (time and configuration).
    """
    if not segments:
        raise ValueError("no segments to join")
    first = segments[0]
    times, positions, volumes = [first.time_fs], [first.positions], [first.volume_angstrom3]
    last_time, last = float(first.time_fs[-1]), first.positions[-1].astype(float)
    warnings = list(first.warnings)
    for k, seg in enumerate(segments[1:], start=1):
        if seg.n_ions != first.n_ions or not np.array_equal(seg.mol_ids, first.mol_ids):
            raise ValueError(f"segment {k} holds other ions than segment 0")
        if seg.n_frames > 1 and abs(seg.frame_interval_fs - first.frame_interval_fs) > 1e-6 * first.frame_interval_fs:
            raise ValueError(
                f"segment {k} has frames every {seg.frame_interval_fs:g} fs, segment 0 every "
                f"{first.frame_interval_fs:g} fs (a changed time step): the joined run would not be equally spaced"
            )
        if abs(float(seg.time_fs[0]) - last_time) > 1e-6 * max(1.0, last_time):
            raise ValueError(
                f"segment {k} begins at {seg.time_fs[0]:g} fs, the previous one ended at {last_time:g} fs: "
                "a continuation segment must begin with the frame the previous one ended on"
            )
        shift = last - seg.positions[0].astype(float)
        spread = float(np.max(np.abs(shift - shift.mean(axis=0))))
        if spread > tolerance_angstrom:
            raise ValueError(
                f"segment {k} does not begin with the configuration segment {k - 1} ended on "
                f"(ion positions differ by up to {spread:.3g} Å beyond a common shift)"
            )
        moved = seg.positions[1:] + shift.mean(axis=0).astype(np.float32)
        times.append(seg.time_fs[1:])
        positions.append(moved)
        volumes.append(seg.volume_angstrom3[1:])
        last_time, last = float(seg.time_fs[-1]), moved[-1].astype(float)
        warnings += [w for w in seg.warnings if w not in warnings]
    return replace(
        first,
        time_fs=np.concatenate(times),
        positions=np.concatenate(positions),
        volume_angstrom3=np.concatenate(volumes),
        source=" + ".join(s.source for s in segments),
        warnings=warnings,
    )


def pool_replicas(values: Sequence[float], blocks: Sequence[Sequence[float | None]]) -> tuple[float, float | None]:
    """Combined value and standard error of replicas of equal length from their pooled block values.

    Parameters
    ----------
    values
        Each replica's whole-run value.
    blocks
        Each replica's block values (None: a block without a value, left out).

    Returns
    -------
    tuple
        Mean of ``values``; std(ddof=1)/sqrt(M) of the M pooled finite block values (None when M < 2).
    """
    if not values:
        raise ValueError("no replicas to combine")
    pooled = np.asarray([b for bs in blocks for b in bs if b is not None and np.isfinite(b)], dtype=float)
    value = float(np.mean(values))
    stderr = float(np.std(pooled, ddof=1) / np.sqrt(pooled.size)) if pooled.size >= 2 else None
    return value, stderr


def time_to_target(duration_ps: float, relative_error: float, target: float) -> float:
    """Simulated time (ps, per replica) at which ``relative_error`` reaches ``target``, the error falling as 1/sqrt(t).

    Raises
    ------
    ValueError
        A non-positive duration, error or target.
    """
    if not (duration_ps > 0 and relative_error > 0 and target > 0):
        raise ValueError(f"duration_ps={duration_ps}, relative_error={relative_error}, target={target}: must be > 0")
    return float(duration_ps * (relative_error / target) ** 2)
