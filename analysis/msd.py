"""Mean-squared displacements over all time origins by FFT.

For equally spaced frames r(0..N-1) the time-origin averaged MSD at lag m is

    MSD(m) = 1/(N-m) sum_{k=0}^{N-m-1} |r(k+m) - r(k)|^2
           = S1(m) - 2 S2(m),

with S2 the autocorrelation of r (one FFT of length >= 2N, zero padded) and S1
a running sum of |r(k)|^2 (Calandrini et al., Collection SFN 12 (2011) 201;
Kneller et al., Comput. Phys. Commun. 91 (1995) 191; the algorithm of
MDAnalysis ``EinsteinMSD(fft=True)`` and tidynamics). Cost O(N log N) per
particle instead of O(N^2).

The per-particle average needs only the *sums* over particles of S1 and of the
power spectra, so one inverse FFT serves all particles, and particles are
processed in chunks (float64 inside a chunk) to bound memory.
"""

from __future__ import annotations

import numpy as np
import scipy.fft

__all__ = ["msd_fft", "collective_msd_fft", "charge_displacement_sum"]

#: working memory (bytes) of one chunk of particles
CHUNK_BYTES = 2_000_000


def _msd_sum(positions: np.ndarray, chunk_bytes: int) -> np.ndarray:
    """Sum over particles of each particle's time-origin averaged MSD (Å^2), shape (n_frames,)."""
    n_frames, n_particles, n_dim = positions.shape
    n_fft = scipy.fft.next_fast_len(2 * n_frames, real=True)
    per_particle = (n_fft // 2 + 1) * n_dim * 16 + n_frames * n_dim * 8 * 2
    chunk = int(max(1, min(n_particles, chunk_bytes // per_particle)))
    power = np.zeros(n_fft // 2 + 1)
    squares = np.zeros(n_frames)
    for start in range(0, n_particles, chunk):
        x = positions[:, start : start + chunk].astype(np.float64)
        x -= x.mean(axis=0)  # the MSD is blind to a constant offset; this keeps S1 - 2 S2 accurate
        squares += np.einsum("fij,fij->f", x, x)
        spectrum = scipy.fft.rfft(x, n=n_fft, axis=0)
        power += np.einsum("fij,fij->f", spectrum.real, spectrum.real)
        power += np.einsum("fij,fij->f", spectrum.imag, spectrum.imag)
        del spectrum, x
    remaining = n_frames - np.arange(n_frames)
    s2 = scipy.fft.irfft(power, n=n_fft)[:n_frames] / remaining
    total = 2.0 * squares.sum()
    q = np.empty(n_frames)
    q[0] = total
    q[1:] = total - np.cumsum(squares)[:-1] - np.cumsum(squares[::-1])[:-1]
    s1 = q / remaining
    msd = s1 - 2.0 * s2
    msd[0] = 0.0
    return msd


def msd_fft(positions: np.ndarray, chunk_bytes: int = CHUNK_BYTES) -> np.ndarray:
    """Time-origin averaged MSD, averaged over particles.

    Parameters
    ----------
    positions
        Unwrapped positions (Å), shape (n_frames, n_particles, 3), equally
        spaced in time; any float dtype (computed in float64).
    chunk_bytes
        Working memory per chunk of particles (bytes).

    Returns
    -------
    numpy.ndarray
        MSD (Å^2) at lags 0..n_frames-1 frames, shape (n_frames,).
    """
    positions = np.asarray(positions)
    if positions.ndim != 3 or positions.shape[0] < 2 or positions.shape[1] < 1:
        raise ValueError(f"positions of shape {positions.shape}: need (n_frames >= 2, n_particles >= 1, n_dim)")
    return _msd_sum(positions, chunk_bytes) / positions.shape[1]


def collective_msd_fft(displacement_sum: np.ndarray) -> np.ndarray:
    """Time-origin averaged MSD of one collective vector, e.g. the charge displacement sum_i q_i r_i(t).

    Parameters
    ----------
    displacement_sum
        The vector per frame (e.g. e Å), shape (n_frames, 3).

    Returns
    -------
    numpy.ndarray
        <|M(t0 + t) - M(t0)|^2> over all origins t0 (e.g. e^2 Å^2), shape (n_frames,).
    """
    m = np.asarray(displacement_sum, dtype=np.float64)
    if m.ndim != 2:
        raise ValueError(f"displacement_sum of shape {m.shape}: need (n_frames, n_dim)")
    return _msd_sum(m[:, None, :], CHUNK_BYTES)


def charge_displacement_sum(positions: np.ndarray, charges: np.ndarray, chunk_frames: int = 256) -> np.ndarray:
    """M(t) = sum_i q_i r_i(t), in float64 without copying all positions to float64.

    Parameters
    ----------
    positions
        Ion positions (Å), shape (n_frames, n_ions, 3).
    charges
        Ion charges q_i (e), shape (n_ions,).
    chunk_frames
        Frames converted to float64 at a time.

    Returns
    -------
    numpy.ndarray
        M (e Å), shape (n_frames, 3).
    """
    charges = np.asarray(charges, dtype=np.float64)
    out = np.empty((positions.shape[0], positions.shape[2]))
    for start in range(0, positions.shape[0], chunk_frames):
        block = positions[start : start + chunk_frames].astype(np.float64)
        out[start : start + chunk_frames] = np.einsum("fij,i->fj", block, charges)
    return out
