"""Joining the segments of a run made in pieces: one trajectory, the same as if it had been one run."""

from __future__ import annotations

import numpy as np
import pytest

from naspe.analysis.segments import concatenate_segments
from naspe.analysis.trajectory import IonTrajectory


def _trajectory(positions: np.ndarray, t0_fs: float, dt_fs: float = 100.0) -> IonTrajectory:
    n_frames, n_ions, _ = positions.shape
    return IonTrajectory(
        species=np.array(["Na"] * (n_ions // 2) + ["FSI"] * (n_ions - n_ions // 2)),
        formal_charges=np.array([1] * (n_ions // 2) + [-1] * (n_ions - n_ions // 2)),
        charge_sums=np.zeros(n_ions),
        masses=np.ones(n_ions),
        mol_ids=np.arange(n_ions),
        time_fs=t0_fs + dt_fs * np.arange(n_frames),
        positions=positions.astype(np.float32),
        volume_angstrom3=np.full(n_frames, 1000.0),
        com_reference="test",
        source=f"seg@{t0_fs:g}",
    )


def test_segments_join_into_the_whole_run():
    rng = np.random.default_rng(1)
    whole = np.cumsum(rng.normal(0, 0.3, (301, 6, 3)), axis=0)
    # segment 1 repeats frame 150 and, drift-corrected from its own first frame, is shifted by one vector
    first = _trajectory(whole[:151], 0.0)
    second = _trajectory(whole[150:] + np.array([2.0, -1.0, 0.5]), 15000.0)
    joined = concatenate_segments([first, second])
    assert joined.n_frames == 301 and np.allclose(joined.time_fs, 100.0 * np.arange(301))
    assert np.allclose(joined.positions, whole, atol=1e-4)
    assert joined.source == "seg@0 + seg@15000"
    assert concatenate_segments([first]).n_frames == 151


@pytest.mark.parametrize(
    ("second", "match"),
    [
        (lambda w: _trajectory(w[151:], 15100.0), "begins at 15100 fs, the previous one ended at 15000 fs"),
        (lambda w: _trajectory(w[150:] + np.arange(6)[:, None], 15000.0), "does not begin with the configuration"),
        (lambda w: _trajectory(w[150:], 15000.0, dt_fs=50.0), "frames every 50 fs"),
        (lambda w: _trajectory(w[150:, :4], 15000.0), "other ions"),
    ],
)
def test_segments_that_do_not_continue_each_other_are_refused(second, match):
    whole = np.cumsum(np.random.default_rng(2).normal(0, 0.3, (301, 6, 3)), axis=0)
    with pytest.raises(ValueError, match=match):
        concatenate_segments([_trajectory(whole[:151], 0.0), second(whole)])
    with pytest.raises(ValueError, match="no segments"):
        concatenate_segments([])
