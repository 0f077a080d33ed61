"""Placing atoms from internal coordinates (bond length Å, angle and dihedral in degrees)."""

from __future__ import annotations

import numpy as np

__all__ = ["place", "dihedral_deg", "angle_deg"]


def place(a: np.ndarray, b: np.ndarray, c: np.ndarray, bond: float, angle: float, dihedral: float) -> np.ndarray:
    """Position of a new atom X bonded to ``a``.

    X is ``bond`` Å from ``a``, the angle X-a-b is ``angle`` degrees and the
    dihedral X-a-b-c is ``dihedral`` degrees (natural extension reference frame).
    """
    theta = np.radians(angle)
    phi = np.radians(dihedral)
    bc = b - c
    ab = a - b
    n_ab = ab / np.linalg.norm(ab)
    normal = np.cross(bc, n_ab)
    norm = np.linalg.norm(normal)
    if norm < 1e-8:
        raise ValueError("reference atoms are collinear; dihedral undefined")
    normal /= norm
    m = np.cross(normal, n_ab)
    d = bond * np.array([-np.cos(theta), np.sin(theta) * np.cos(phi), np.sin(theta) * np.sin(phi)])
    return a + d[0] * n_ab + d[1] * m + d[2] * normal


def angle_deg(p0: np.ndarray, p1: np.ndarray, p2: np.ndarray) -> float:
    """Angle p0-p1-p2 in degrees."""
    u, v = p0 - p1, p2 - p1
    cos = np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v))
    return float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))


def dihedral_deg(p0: np.ndarray, p1: np.ndarray, p2: np.ndarray, p3: np.ndarray) -> float:
    """Dihedral p0-p1-p2-p3 in degrees, in (-180, 180]."""
    b0 = p0 - p1
    b1 = p2 - p1
    b2 = p3 - p2
    b1n = b1 / np.linalg.norm(b1)
    v = b0 - np.dot(b0, b1n) * b1n
    w = b2 - np.dot(b2, b1n) * b1n
    x = np.dot(v, w)
    y = np.dot(np.cross(b1n, v), w)
    return float(np.degrees(np.arctan2(y, x)))


def from_zmatrix(rows: list[tuple]) -> np.ndarray:
    """Cartesian positions (Å) from z-matrix rows.

    Row ``k`` is ``()`` for the first atom, ``(i, r)`` for the second,
    ``(i, r, j, angle)`` for the third and ``(i, r, j, angle, l, dihedral)``
    afterwards, with 0-based reference indices, lengths in Å and angles in degrees.
    """
    pos = np.zeros((len(rows), 3))
    for k, row in enumerate(rows):
        if k == 0:
            continue
        if k == 1:
            pos[1] = pos[row[0]] + [row[1], 0.0, 0.0]
        elif k == 2:
            i, r, j, ang = row
            # a dummy third reference off the x axis fixes the molecule in the xy plane
            dummy = pos[j] + np.array([0.0, 1.0, 0.0])
            pos[2] = place(pos[i], pos[j], dummy, r, ang, 0.0)
        else:
            i, r, j, ang, m, dih = row
            pos[k] = place(pos[i], pos[j], pos[m], r, ang, dih)
    return pos
