"""A model file for ``ppa-sim estimate ARCH --network examples/networks/my_cnn.py``.

Copy it and replace the network. ppa_sim looks for a factory called ``model()`` (or
``build_model()``, or a ``MODEL`` object) returning a ``torch.nn.Module``, and for the
input size in ``INPUT_SHAPE`` (one sample, batch excluded) or ``example_input()`` (a
batched tensor), and optionally for ``PRECISION``. Layer names in reports are the module names below (``features.0`` ...).
Write forward() so torch.fx can trace it: no Python branches on tensor values.
"""

import torch
from torch import nn

NAME = "my_cnn"
INPUT_SHAPE = (3, 32, 32)  # CIFAR-10 sized RGB images
# Optional per-layer precision (name or pattern -> bits); other layers use the
# architecture's weight/activation bits. Here the first and last layers stay at 8 bits.
PRECISION = {"features.0": {"weight_bits": 8, "act_bits": 8},
             "fc": {"weight_bits": 8, "act_bits": 8}}


class SmallCnn(nn.Module):
    """Two conv blocks (one with a residual add), a depthwise conv and a classifier."""

    def __init__(self, num_classes: int = 10) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU(),
            nn.MaxPool2d(2),
        )
        self.res = nn.Conv2d(32, 32, 3, padding=1, bias=False)
        self.depthwise = nn.Conv2d(32, 32, 3, padding=1, groups=32, bias=False)
        self.pointwise = nn.Conv2d(32, 64, 1, bias=False)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(64, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.features(x)
        x = torch.relu(x + self.res(x))
        x = torch.relu(self.pointwise(self.depthwise(x)))
        return self.fc(torch.flatten(self.pool(x), 1))


def model() -> nn.Module:
    return SmallCnn()
