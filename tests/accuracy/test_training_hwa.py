"""Hardware-aware training: it recovers accuracy lost by plain conversion; STE; checkpoints."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from ppa_sim.accuracy.evaluate import simulate_accuracy
from ppa_sim.accuracy.training import (
    HwAwareLayer,
    hw_aware_model,
    load_checkpoint,
    train,
)
from ppa_sim.api import load_design
from ppa_sim.errors import PpaSimError

# The survey set-up (16x16 1T1R tiles, 6-level analog weights, 6-bit ADC) with a device of
# strong variation: sigma(R_on)/R_on = sigma(R_off)/R_off = 20 % (the survey's device has 10 %)
STRONG = ["technology.device.sigma_r_on_ohm=2e3", "technology.device.sigma_r_off_ohm=20e3"]


def mlp(seed: int, hidden: int = 64) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Flatten(), nn.Linear(64, hidden), nn.ReLU(), nn.Linear(hidden, 10))


@pytest.fixture(scope="module")
def strong() -> object:
    return load_design("survey_16x16_rram", STRONG)


def test_hardware_aware_training_recovers_accuracy(strong) -> None:
    """Over 3 seeds: FP-trained MLP -> plain conversion loses accuracy; 10 epochs of
    hardware-aware fine-tuning win back a clear part of it, more than the same fine-tuning
    in floating point (the control) does."""
    rows = []
    for seed in range(3):
        fp = train(mlp(seed), "digits", strong, epochs=30, hardware_aware=False, lr=0.05,
                   seed=seed, clip_sigma=None, progress=False).model
        before = simulate_accuracy(fp, "digits", strong, runs=4, seed=100, progress=False)
        hwa = train(fp, "digits", strong, epochs=10, lr=0.02, seed=seed, progress=False).model
        after = simulate_accuracy(hwa, "digits", strong, runs=4, seed=100, progress=False)
        ctl = train(fp, "digits", strong, epochs=10, lr=0.02, seed=seed, progress=False,
                    hardware_aware=False).model
        control = simulate_accuracy(ctl, "digits", strong, runs=4, seed=100, progress=False)
        rows.append((before.ideal_accuracy, before.mean, after.mean, control.mean))
    print("\nseed  ideal  converted  hw-aware  fp-finetune")
    for s, r in enumerate(rows):
        print(s, *(f"{v:.3f}" for v in r))
    ideal = sum(r[0] for r in rows) / 3
    before = sum(r[1] for r in rows) / 3
    after = sum(r[2] for r in rows) / 3
    control = sum(r[3] for r in rows) / 3
    assert ideal - before > 0.03, "the strong-variation device should cost accuracy"
    recovered = (after - before) / (ideal - before)
    assert recovered > 0.3, f"recovered only {100 * recovered:.0f} % of the loss"
    assert all(r[2] > r[1] for r in rows), "every seed should improve"
    # the same fine-tuning (same clipping) without the hardware in the loop gains less
    assert after > control + 0.005, "the gain must come from the hardware in the loop"


def test_ste_value_is_hardware_gradient_is_ideal(strong) -> None:
    lin = nn.Linear(64, 16)
    net = hw_aware_model(nn.Sequential(lin), strong)
    layer = net[0]
    assert isinstance(layer, HwAwareLayer)
    x = torch.rand(8, 64, requires_grad=True)
    layer.step_seed = 3
    y = layer(x)
    with torch.no_grad():
        y_ideal = lin(x)
        layer.xbar.program(3)
        y_hw = layer.xbar(x)
    assert torch.allclose(y, y_hw, atol=1e-5)  # forward value: the crossbar's output
    assert not torch.allclose(y, y_ideal, atol=1e-3)
    g = torch.randn_like(y)
    (y * g).sum().backward()
    # gradients: those of the floating-point layer (straight-through)
    assert torch.allclose(layer.weight.grad, g.t() @ x.detach(), atol=1e-4)
    assert torch.allclose(x.grad, g @ lin.weight.detach(), atol=1e-4)


def test_new_chip_every_step(strong) -> None:
    net = hw_aware_model(nn.Sequential(nn.Linear(64, 16)), strong)
    x = torch.rand(4, 64)
    outs = []
    for s in (1, 2, 1):
        net[0].step_seed = s
        outs.append(net(x).detach())
    assert not torch.allclose(outs[0], outs[1])  # another chip: other variation
    assert torch.allclose(outs[0], outs[2])  # same seed: same chip (reproducible)


def test_state_dict_keys_match_the_input_model(strong) -> None:
    m = mlp(0, 16)
    res = train(m, "digits", strong, epochs=1, progress=False)
    assert set(res.model.state_dict()) == set(m.state_dict())
    assert isinstance(res.model[1], nn.Linear)  # plain torch layers come back
    assert not torch.equal(res.model[1].weight, m[1].weight)  # trained
    assert res.hardware_aware and len(res.history) == 1


def test_checkpoint_resume_continues_exactly(strong, tmp_path) -> None:
    x = torch.rand(96, 1, 8, 8)
    y = torch.randint(0, 10, (96,))
    ck = tmp_path / "ck.pt"
    full = train(mlp(1, 16), (x, y), strong, epochs=3, batch_size=32, progress=False)
    part = train(mlp(1, 16), (x, y), strong, epochs=2, batch_size=32, checkpoint=ck,
                 progress=False)
    data = load_checkpoint(ck)
    assert data["epoch"] == 2 and len(data["history"]) == 2
    assert set(data) >= {"state_dict", "optimizer", "epoch", "rng"}
    # the clip bounds of the START weights travel with the checkpoint (a resumed run must
    # not recompute them from the trained weights)
    start = [2.5 * float(m.weight.detach().std()) for m in mlp(1, 16)
             if isinstance(m, nn.Linear)]
    assert data["meta"]["clip_bounds"] == pytest.approx(start)
    resumed = train(mlp(1, 16), (x, y), strong, epochs=3, batch_size=32, checkpoint=ck,
                    resume=True, progress=False)
    assert resumed.epochs == 3 and len(resumed.history) == 3
    assert resumed.history[:2] == part.history[:2] or [h.loss for h in resumed.history[:2]] \
        == pytest.approx([h.loss for h in part.history[:2]])
    for a, b in zip(resumed.model.parameters(), full.model.parameters(), strict=True):
        assert torch.allclose(a, b, atol=1e-6)
    # a checkpoint is a state_dict file the accuracy command can read
    from ppa_sim.accuracy.data import load_state_dict

    assert set(load_state_dict(ck)) == set(mlp(1, 16).state_dict())


def test_errors(strong, tmp_path) -> None:
    m = mlp(0, 8)
    with pytest.raises(PpaSimError, match="optimizer"):
        train(m, "digits", strong, epochs=1, optimizer="lbfgs", progress=False)
    with pytest.raises(PpaSimError, match="no conv/linear"):
        train(m, "digits", strong, epochs=1, digital=["1", "3"], progress=False)
    bad = tmp_path / "bad.pt"
    torch.save({"x": torch.zeros(1)}, bad)
    with pytest.raises(PpaSimError, match="not a ppa_sim training checkpoint"):
        load_checkpoint(bad)
    with pytest.raises(PpaSimError, match="diverged"):
        train(m, "digits", strong, epochs=1, lr=1e6, optimizer="sgd", clip_sigma=None,
              progress=False)
