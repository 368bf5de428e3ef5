"""Pieces shared by the accuracy tests' loop references and end-to-end models."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ppa_sim.accuracy.data import dataset_split


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
