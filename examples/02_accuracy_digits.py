"""Accuracy of a small CNN on simulated RRAM crossbars (scikit-learn digits, offline).

1. trains a small CNN on the 8x8 digits (a few seconds on one CPU thread),
2. saves its state_dict, as a user would ship a trained model,
3. simulates it on the default architecture (the same YAML the estimator reads) at
   several ADC resolutions and device-variation levels, 3 chip instances each,
4. writes the measured activity for ``ppa-sim estimate --activity``.

Run: .venv/bin/python examples/02_accuracy_digits.py

The same file is a network for the estimator (``model()`` + ``INPUT_SHAPE``):
  ppa-sim estimate default --network examples/02_accuracy_digits.py
"""

from __future__ import annotations

import os
from pathlib import Path

import torch
from tabulate import tabulate
from torch import nn

from ppa_sim.accuracy import SimOptions
from ppa_sim.accuracy.data import dataset_split
from ppa_sim.accuracy.evaluate import simulate_accuracy
from ppa_sim.api import load_design

torch.set_num_threads(1)
OUT = Path(os.environ.get("PPA_SIM_EXAMPLE_OUT", "out"))
#: Per-sample input shape (one 8x8 grey-level digit), read by ``ppa-sim estimate --network``.
INPUT_SHAPE = (1, 8, 8)


def model() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.AvgPool2d(2),
        nn.Flatten(), nn.Linear(32 * 4 * 4, 10))


def train(net: nn.Module) -> nn.Module:
    x, y = dataset_split("digits", "train").tensors
    opt = torch.optim.Adam(net.parameters(), lr=3e-3)
    g = torch.Generator().manual_seed(0)
    for _ in range(25):
        perm = torch.randperm(len(x), generator=g)
        for i in range(0, len(x), 64):
            idx = perm[i:i + 64]
            opt.zero_grad()
            nn.functional.cross_entropy(net(x[idx]), y[idx]).backward()
            opt.step()
    return net.eval()


def main() -> None:
    torch.manual_seed(0)
    OUT.mkdir(parents=True, exist_ok=True)
    weights = OUT / "digits_cnn.pt"
    torch.save(train(model()).state_dict(), weights)

    net = model()
    net.load_state_dict(torch.load(weights, weights_only=True))
    base = {"subarray.rows": 32, "subarray.cols": 32, "subarray.adc.columns_per_adc": 4,
            "subarray.dac.encoding": "dac", "subarray.dac.dac_bits": 8}
    rows = []
    for adc_bits in (8, 5, 3):
        for sigma in (0.0, 0.2):
            design = load_design("default", {**base, "subarray.adc.bits": adc_bits})
            dev = design.tech.device
            design = load_design("default", {
                **base, "subarray.adc.bits": adc_bits,
                "technology.device.sigma_r_on_ohm": sigma * dev.r_on_ohm,
                "technology.device.sigma_r_off_ohm": sigma * dev.r_off_ohm})
            res = simulate_accuracy(net, "digits", design, runs=3, progress=False,
                                    options=SimOptions(read_noise=False),
                                    activity_out=OUT / f"activity_adc{adc_bits}.json")
            rows.append((adc_bits, f"{100 * sigma:.0f} %", f"{100 * res.ideal_accuracy:.1f}",
                         f"{100 * res.mean:.1f} ± {100 * res.std:.1f}"))
    print("digits CNN on the default RRAM architecture (32x32 subarrays, 8-bit DAC)")
    print(tabulate(rows, headers=["ADC bits", "σ(R)/R", "software acc. %",
                                  "hardware acc. % (3 chips)"]))
    print(f"activity files in {OUT}/ (feed them to: ppa-sim estimate ... --activity FILE)")


if __name__ == "__main__":
    main()
