"""First-order IR-drop model against an exact nodal solve (scipy.sparse)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from ppa_sim.accuracy import SimOptions, convert
from ppa_sim.accuracy.ir_drop import (
    exact_g_eff,
    first_order_g_eff,
    segment_resistance_norm,
)
from ppa_sim.api import load_design


@pytest.mark.parametrize("n,r", [(16, 2e-4), (32, 1e-4), (16, 1e-3)])
def test_first_order_matches_exact_solve(n: int, r: float) -> None:
    """Stated tolerance: the first-order model misses terms of second order in
    ``k = r G_on n^2 / 2``, so its error on every effective conductance (and on the
    column currents) is at most 1.5 k times the IR drop itself (measured: 1.1-1.2 k)."""
    rng = np.random.default_rng(0)
    g = rng.uniform(1 / 17, 1.0, size=(n, n))  # between G_off and G_on (normalised)
    exact = exact_g_eff(g, r, r)
    fo = first_order_g_eff(torch.from_numpy(g), r, r).numpy()
    drop = g - exact
    assert (drop > 0).all()  # wires only ever lower the currents
    k = r * n * n / 2
    assert np.abs(fo - exact).max() <= 1.5 * k * np.abs(drop).max()
    # the column currents of a full-scale read (all rows driven)
    i_exact, i_fo, i_ideal = exact.sum(0), fo.sum(0), g.sum(0)
    assert np.abs(i_fo - i_exact).max() <= 1.5 * k * np.abs(i_ideal - i_exact).max()


def test_exact_solve_without_wires_is_ideal() -> None:
    g = np.random.default_rng(1).uniform(0.1, 1.0, size=(6, 5))
    np.testing.assert_allclose(exact_g_eff(g, 1e-9, 1e-9), g, rtol=1e-6)


def test_drop_grows_towards_the_far_corner() -> None:
    g = np.full((16, 16), 1.0)
    eff = exact_g_eff(g, 1e-3, 1e-3)
    rel = eff / g
    # the cell nearest the driver and the sense amplifier (row n-1, column 0) loses least;
    # the far corner (row 0, column n-1) most
    assert rel[-1, 0] == rel.max()
    assert rel[0, -1] == rel.min()


def test_ir_drop_in_a_converted_layer() -> None:
    design = load_design("default", {"subarray.rows": 64, "subarray.cols": 64})
    r = segment_resistance_norm(design)
    assert 0 < r < 1e-2
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(64, 8, bias=False))
    x = torch.rand(4, 64)
    ideal = SimOptions().ideal()
    base = convert(net, design, options=ideal)
    fo = convert(net, design, options=ideal.model_copy(update={"ir_drop": True}))
    ex = convert(net, design, options=ideal.model_copy(
        update={"ir_drop": True, "ir_drop_model": "exact"}))
    with torch.no_grad():
        y0, y1, y2 = base(x), fo(x), ex(x)
    assert not torch.allclose(y0, y1)  # IR drop changes the outputs
    k = r * 64 * 64 / 2
    assert (y1 - y2).abs().max() <= 1.5 * k * (y0 - y2).abs().max() + 1e-6
