"""Accuracy of a model on simulated hardware: ideal vs mean ± std over chip instances.

Each run programs a fresh chip instance (seed ``seed + run``: its own
device-to-device variation, faults and drift) and classifies the whole data
set once (read noise is drawn anew on every read). Before the runs, each crossbar
layer's input (DAC) full scale is calibrated on the first ``calibration_batches``
batches with the ideal model (as a deployed chip would be configured once).
The first run also records the per-layer activity for the estimator.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import torch
from torch import nn
from tqdm.auto import tqdm

from ppa_sim.accuracy.activity import start_recording, stop_recording, write_activity
from ppa_sim.accuracy.convert import calibrate, convert, program_chip
from ppa_sim.accuracy.options import LayerConfigMap, RuleValue, SimOptions
from ppa_sim.errors import PpaSimError
from ppa_sim.results import AccuracyResult
from ppa_sim.spec import Design


def _batches(data: Any, batch_size: int) -> tuple[list[tuple[torch.Tensor, torch.Tensor]], str]:
    """Materialise ``data`` as a list of (x, y) batches, and a name for it."""
    if isinstance(data, str):
        from ppa_sim.accuracy.data import loader

        return [(x, y) for x, y in loader(data, "test", batch_size)], data
    if isinstance(data, tuple) and len(data) == 2 and all(isinstance(t, torch.Tensor)
                                                          for t in data):
        x, y = data
        return [(x[i:i + batch_size], y[i:i + batch_size])
                for i in range(0, len(x), batch_size)], "tensors"
    out = []
    for item in data:
        if not (isinstance(item, (tuple, list)) and len(item) >= 2):
            raise PpaSimError("data must yield (inputs, labels) batches")
        out.append((item[0], item[1]))
    return out, type(data).__name__


@torch.no_grad()
def accuracy(model: nn.Module, batches: Iterable[tuple[torch.Tensor, torch.Tensor]],
             bar: Any = None) -> float:
    """Top-1 accuracy of ``model`` on ``batches``."""
    correct = 0
    total = 0
    for x, y in batches:
        pred = model(x).argmax(dim=-1)
        correct += int((pred == y).sum())
        total += int(y.numel())
        if bar is not None:
            bar.update(1)
    return correct / total if total else float("nan")


def simulate_accuracy(model: nn.Module, data: Any, design: Design, *, runs: int = 10,
                      seed: int = 0, options: SimOptions | None = None,
                      overrides: LayerConfigMap | Mapping[str, RuleValue | str] | None = None,
                      digital: Iterable[str] = (), batch_size: int = 256,
                      calibration_batches: int = 1, activity_out: str | Path | None = None,
                      progress: bool = True, dataset: str | None = None) -> AccuracyResult:
    """Ideal (software) accuracy and hardware accuracy over ``runs`` chip instances.

    ``data``: a built-in data set name (``digits``, ``mnist``: their test split), a
    DataLoader / iterable of (inputs, labels), or an (inputs, labels) tensor pair.
    """
    if runs < 1:
        raise PpaSimError(f"runs must be >= 1, got {runs}")
    batches, name = _batches(data, batch_size)
    if not batches:
        raise PpaSimError("the data set is empty")
    model = model.eval()
    ideal = accuracy(model, batches)
    hw = convert(model, design, options=options, overrides=overrides, digital=digital,
                 seed=seed)
    calibrate(hw, [x for x, _ in batches[:max(1, calibration_batches)]])
    accs: list[float] = []
    activity: dict[str, Any] = {}
    with tqdm(total=runs * len(batches), desc="chip instances", unit="batch",
              disable=not progress, leave=False) as bar:
        for r in range(runs):
            program_chip(hw, seed + r)
            if r == 0:
                start_recording(hw)
            accs.append(accuracy(hw, batches, bar))
            if r == 0:
                activity = stop_recording(hw)
            bar.set_postfix(acc=f"{sum(accs) / len(accs):.4f}")
    if activity_out is not None:
        write_activity(activity, activity_out)
    n = sum(int(y.numel()) for _, y in batches)
    return AccuracyResult(ideal_accuracy=ideal, accuracies=tuple(accs),
                          architecture=design.arch.name, dataset=dataset or name, samples=n,
                          activity=activity,
                          meta={"runs": runs, "seed": seed,
                                "options": (options or SimOptions()).model_dump(),
                                "device": design.tech.device.name})
