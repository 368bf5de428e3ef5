"""Make a model survive a noisy chip, train on the chip itself, and price the training.

Runs in about half a minute on one core:

    .venv/bin/python examples/04_hw_aware_training.py

1. Hardware-aware training (``ppa_sim.api.train``): an MLP trained in floating point
   loses accuracy on RRAM crossbars whose devices vary by 20 %; a few epochs of
   fine-tuning with the crossbar model in the forward pass win much of it back.
2. On-chip training (``ppa_sim.accuracy.onchip.train_on_chip``): SGD whose updates are
   programming pulses on a device with a linear and with a strongly nonlinear
   LTP/LTD curve.
3. The cost of on-chip training of VGG-8 (``ppa_sim.training_cost``), per image and
   per epoch, with the pulse count measured in step 2.
"""

from __future__ import annotations

import torch
from torch import nn

from ppa_sim import api
from ppa_sim.accuracy.onchip import train_on_chip
from ppa_sim.rollup import estimate_design
from ppa_sim.training_cost import render_training_cost, training_cost

# survey set-up (16x16 tiles, 6-level analog weights) with 20 % device-to-device variation
NOISY = ("survey_16x16_rram", {"technology.device.sigma_r_on_ohm": 2e3,
                               "technology.device.sigma_r_off_ohm": 20e3})


def mlp() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Flatten(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))


def main() -> None:
    torch.set_num_threads(1)  # small model: one thread is fastest
    design = api.load_design(*NOISY)

    # 1. hardware-aware fine-tuning
    fp = api.train(mlp(), "digits", design, epochs=30, hardware_aware=False, lr=0.05,
                   clip_sigma=None, progress=False).model
    before = api.simulate_accuracy(fp, "digits", design, runs=4, seed=100, progress=False)
    hwa = api.train(fp, "digits", design, epochs=10, lr=0.02, progress=False).model
    after = api.simulate_accuracy(hwa, "digits", design, runs=4, seed=100, progress=False)
    print(f"software accuracy            {before.ideal_accuracy:.3f}")
    print(f"converted, on 4 noisy chips  {before.mean:.3f} ± {before.std:.3f}")
    print(f"hardware-aware fine-tuned    {after.mean:.3f} ± {after.std:.3f}")

    # 2. on-chip training with NeuroSim V2.1-style updates (64-pulse device)
    rram = api.load_design("default")
    stats = None
    for name, nl in (("linear device", 0.0), ("nonlinearity 6", 6.0)):
        res = train_on_chip(mlp(), "digits", rram, epochs=3, lr=0.1, range_factor=4.0,
                            gradient_scaling="max", test_data="digits", progress=False,
                            update={"pulses": 64, "nonlinearity_ltp": nl,
                                    "nonlinearity_ltd": nl, "c2c_update_sigma": 0.0})
        print(f"on-chip training, {name:15s} test accuracy "
              f"{res.history[-1].test_accuracy:.3f}, "
              f"{res.stats.pulses_per_device_update:.3f} pulses/device/update")
        stats = stats or res.stats

    # 3. what training VGG-8 on the RRAM chip costs (pulse activity measured above)
    net = api.load_network("vgg8")
    inference = estimate_design(rram, net)
    print()
    print(render_training_cost(training_cost(rram, net, inference, update=stats)))


if __name__ == "__main__":
    main()
