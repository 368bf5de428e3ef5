"""A small CNN trained on scikit-learn's digits once per test session (seconds on CPU)."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from torch import nn

MODEL_SOURCE = '''
import torch
from torch import nn


def model():
    """Small CNN for 8x8 digits: 2 conv layers, average pooling, one linear layer."""
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.AvgPool2d(2),
        nn.Flatten(), nn.Linear(32 * 4 * 4, 10))
'''


def build_model() -> nn.Module:
    ns: dict = {}
    exec(MODEL_SOURCE, ns)  # the same source the CLI test writes to a file
    return ns["model"]()


@pytest.fixture(scope="session")
def digits_model(tmp_path_factory: pytest.TempPathFactory) -> tuple[nn.Module, Path, Path]:
    """(trained model, its .py factory file, its state_dict file)."""
    from ppa_sim.accuracy.data import dataset_split

    torch.manual_seed(0)
    ds = dataset_split("digits", "train")
    x, y = ds.tensors
    model = build_model()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    g = torch.Generator().manual_seed(0)
    for _ in range(25):
        perm = torch.randperm(len(x), generator=g)
        for i in range(0, len(x), 64):
            idx = perm[i:i + 64]
            opt.zero_grad()
            loss = nn.functional.cross_entropy(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
    model.eval()
    d = tmp_path_factory.mktemp("digits_model")
    py = d / "digits_cnn.py"
    py.write_text(MODEL_SOURCE)
    pt = d / "digits_cnn.pt"
    torch.save(model.state_dict(), pt)
    return model, py, pt
