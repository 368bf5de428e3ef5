"""IR drop on word and bit lines: effective conductance matrices of a crossbar.

A read of one crossbar (rows ``i = 1..R`` driven at the left end of their word
lines, columns ``j = 1..C`` sensed at the bottom end of their bit lines by a
virtual-ground read-out) is a *linear* resistive network. Its column currents
are therefore ``I_j = sum_k V_k G_eff[k, j]`` for a matrix ``G_eff`` that
depends on the cell conductances and the wire resistances only, not on the
input. That is why IR drop costs nothing at inference time here: the
programmed conductances of each read group are replaced by ``G_eff`` once.

Topology (the one of NeuroSim's and CrossSim's crossbar circuit models): each
word line has one wire segment ``r_wl`` per cell pitch, the first between the
driver and cell 1; each bit line has one segment ``r_bl`` per cell pitch, the
last between cell R and the sense amplifier; the far ends are open.

First-order model (:func:`first_order_g_eff`): cell currents at ideal voltages
``I0 = V_k g_kj`` cause the wire drops; the cell then sees ``V - dV_wl - dV_bl``.
Summing the segment currents gives, with 1-based indices,

    dV_wl(k, j) = r_wl V_k sum_m g_km min(j, m)
    V_bl(i, j)  = r_bl sum_n V_n g_nj (R + 1 - max(i, n))

    G_eff[k, j] = g_kj (1 - r_wl sum_m g_km min(j, m)
                            - r_bl sum_i g_ij (R + 1 - max(i, k)))

It is exact to first order in ``r g`` and good while ``r G_on C^2 / 2`` and
``r G_on R^2 / 2`` stay well below 1 (see tests/unit/accuracy/test_ir_drop.py,
which checks it against :func:`exact_g_eff`, a nodal solve with scipy.sparse).
"""

from __future__ import annotations

import math

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
import torch

from ppa_sim.spec import Design


def segment_resistance_norm(design: Design) -> float:
    """Wire resistance of one cell pitch times the nominal G_on (dimensionless).

    Pitch = sqrt(cell area) with the cell area in F² of the device (0T1R area for
    selector-less arrays), F = the node's feature size; resistance per µm of the
    node's local (M1/M2) wires.
    """
    dev = design.tech.device
    node = design.tech.node
    area_f2 = dev.cell_area_f2
    if design.arch.subarray.cell.type == "0t1r" and dev.cell_area_0t1r_f2 is not None:
        area_f2 = dev.cell_area_0t1r_f2
    pitch_um = math.sqrt(area_f2) * node.feature_size_nm * 1e-3
    r_seg_ohm = node.wires.local.r_ohm_per_um * pitch_um
    return r_seg_ohm / dev.r_on_ohm


def first_order_g_eff(g: torch.Tensor, r_wl: float, r_bl: float) -> torch.Tensor:
    """First-order effective conductances of crossbars ``g`` (..., R, C); see module doc."""
    R, C = g.shape[-2], g.shape[-1]
    dt = torch.float64
    gd = g.to(dt)
    jj = torch.arange(1, C + 1, dtype=dt)
    ii = torch.arange(1, R + 1, dtype=dt)
    min_c = torch.minimum(jj[:, None], jj[None, :])  # (m, j)
    max_r = (R + 1) - torch.maximum(ii[:, None], ii[None, :])  # (k, i)
    a = gd @ min_c  # sum_m g_km min(j, m)  -> (..., k, j)
    b = max_r @ gd  # sum_i (R+1-max(i,k)) g_ij -> (..., k, j)
    return (gd * (1.0 - r_wl * a - r_bl * b)).to(g.dtype)


def exact_g_eff(g: np.ndarray, r_wl: float, r_bl: float) -> np.ndarray:
    """Effective conductances (R, C) of one crossbar from a full nodal solve.

    Unknowns: the word-line node W(i, j) and bit-line node B(i, j) voltages under
    every cell. One sparse LU factorisation, one solve per row excitation.
    """
    g = np.asarray(g, dtype=np.float64)
    R, C = g.shape
    n = R * C

    def w(i: int, j: int) -> int:
        return i * C + j

    def b(i: int, j: int) -> int:
        return n + i * C + j

    gw, gb = 1.0 / r_wl, 1.0 / r_bl
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []

    def add(r: int, c: int, v: float) -> None:
        rows.append(r)
        cols.append(c)
        vals.append(v)

    for i in range(R):
        for j in range(C):
            # word-line node: segment to the left (driver when j == 0), to the right, cell
            add(w(i, j), w(i, j), gw + g[i, j] + (gw if j < C - 1 else 0.0))
            if j > 0:
                add(w(i, j), w(i, j - 1), -gw)
            if j < C - 1:
                add(w(i, j), w(i, j + 1), -gw)
            add(w(i, j), b(i, j), -g[i, j])
            # bit-line node: segment above (none at the top), below (ground at the end), cell
            add(b(i, j), b(i, j), gb + g[i, j] + (gb if i > 0 else 0.0))
            if i > 0:
                add(b(i, j), b(i - 1, j), -gb)
            if i < R - 1:
                add(b(i, j), b(i + 1, j), -gb)
            add(b(i, j), w(i, j), -g[i, j])
    a = sp.csc_matrix((vals, (rows, cols)), shape=(2 * n, 2 * n))
    lu = spla.splu(a)
    rhs = np.zeros((2 * n, R))
    for k in range(R):
        rhs[w(k, 0), k] = gw  # unit voltage source through the first segment
    v = lu.solve(rhs)
    out = v[[b(R - 1, j) for j in range(C)], :] * gb  # (C, R): current into each amplifier
    return out.T.copy()


def exact_g_eff_batched(g: torch.Tensor, r_wl: float, r_bl: float) -> torch.Tensor:
    """:func:`exact_g_eff` over the leading dimensions of ``g`` (..., R, C)."""
    flat = g.reshape(-1, g.shape[-2], g.shape[-1]).double().numpy()
    out = np.stack([exact_g_eff(m, r_wl, r_bl) for m in flat])
    return torch.from_numpy(out).to(g.dtype).reshape(g.shape)
