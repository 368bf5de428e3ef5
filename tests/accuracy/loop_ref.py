"""Pieces shared by the accuracy tests' loop references and end-to-end models."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ppa_sim.accuracy.convert import crossbar_layers
from ppa_sim.accuracy.data import dataset_split
from ppa_sim.mapping.planner import input_cycles


def finish_reference(y: torch.Tensor, mod: nn.Module, x: torch.Tensor, conv: bool,
                     w_step: float) -> torch.Tensor:
    """A loop reference's (batch, cout, positions) sums -> the layer's output: weight step,
    bias, and the conv output map (torch's size formula) or the linear output."""
    y = y * w_step
    if mod.bias is not None:
        y = y + mod.bias.detach().double().view(1, -1, 1)
    batch, cout = y.shape[:2]
    if not conv:
        return y.reshape(batch, cout)
    return y.reshape(batch, cout, *[
        (x.shape[2 + i] + 2 * mod.padding[i] - mod.dilation[i] * (mod.kernel_size[i] - 1) - 1)
        // mod.stride[i] + 1 for i in range(2)])


def train_tanh_mlp(epochs: int) -> tuple[nn.Module, tuple[torch.Tensor, torch.Tensor]]:
    """A 64-32-10 tanh MLP on the digits (its second layer sees negative inputs), trained
    full-batch with Adam from seed 0: (model, (test images flattened, test labels))."""
    torch.manual_seed(0)
    x, y = dataset_split("digits", "train").tensors
    x = x.flatten(1)
    model = nn.Sequential(nn.Linear(64, 32), nn.Tanh(), nn.Linear(32, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(epochs):
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()
    model.eval()
    xt, yt = dataset_split("digits", "test").tensors
    return model, (xt.flatten(1), yt)


def cell_levels(w: float, w_max: float, bits: int | None, mapping: str, cb: int, slices: int,
                analog_levels: int) -> list[float]:
    """Cell levels of one weight; column k = polarity * slices + slice."""
    if bits is None:
        n = analog_levels - 1
        if mapping == "differential":
            q = min(round(abs(w) / w_max * n), n)
            return [q if w > 0 else 0, q if w < 0 else 0]
        return [min(max(round(w / w_max * n / 2 + n / 2), 0), n)]
    mask = 2 ** cb - 1
    if mapping == "differential":
        qmax = 2 ** (bits - 1) - 1
        q = min(int(round(abs(w) / w_max * qmax)), qmax)
        pos, neg = (q, 0) if w > 0 else ((0, q) if w < 0 else (0, 0))
        return ([(pos >> (s * cb)) & mask for s in range(slices)]
                + [(neg >> (s * cb)) & mask for s in range(slices)])
    u = min(max(int(round(w / w_max * (2 ** (bits - 1) - 1))) + 2 ** (bits - 1), 0),
            2 ** bits - 1)
    return [(u >> (s * cb)) & mask for s in range(slices)]


def events_per_input(est, name: str) -> dict[str, float]:
    return dict(next(lr for lr in est.layers if lr.name == name).events)


def check_cycles_against_estimate(hw: nn.Module, est, design, net) -> None:
    """Per crossbar layer: read cycles per input = the estimator's array reads / (output
    positions x read groups); ADC conversions per input = its adc_convert events."""
    dac = design.arch.subarray.dac
    for name, m in crossbar_layers(hw):
        ev = events_per_input(est, name)
        part = m.part
        rpr = design.arch.subarray.rows_per_read
        groups = sum(-(-len(part.row_tile_index(t)) // rpr) for t in range(part.n_row_tiles))
        positions = next(lay for lay in net.layers if lay.name == name).out_positions
        assert m.input_planes == dac.cycles_for(dac.bits) == input_cycles(m.layer, design)
        assert ev["array_read"] == m.input_planes * positions * groups, name
        cols = m.layer.out_channels * part.columns_per_weight \
            // design.arch.columns_per_conversion
        assert ev["adc_convert"] == m.adc_planes * positions * groups * cols, name
