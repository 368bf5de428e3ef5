"""On-chip training simulation: device update curves and SGD through them."""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from ppa_sim.accuracy.data import dataset_split
from ppa_sim.accuracy.onchip import (
    DeviceArray,
    a_from_nonlinearity,
    ltd,
    ltd_inverse,
    ltp,
    ltp_inverse,
    train_on_chip,
)
from ppa_sim.accuracy.training import _train_batches
from ppa_sim.api import load_design
from ppa_sim.errors import PpaSimError
from ppa_sim.spec.technology import UpdateSpec

IDEAL = dict(pulses=100000, nonlinearity_ltp=0.0, nonlinearity_ltd=0.0, c2c_update_sigma=0.0,
             d2d_update_sigma=0.0)


@pytest.fixture(scope="module")
def design():
    return load_design("default")


@pytest.fixture(scope="module")
def digits():
    return dataset_split("digits", "train").tensors, dataset_split("digits", "test").tensors


def mlp(seed: int) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Flatten(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))


# ----------------------------------------------------------------------------- curves


@pytest.mark.parametrize(("nl", "a_table"), [(0.01, 126.268958), (0.5, 2.519877),
                                             (1.0, 1.251653), (9.0, 0.022810)])
def test_nonlinearity_label_matches_neurosim_table(nl: float, a_table: float) -> None:
    # DNN+NeuroSim V2.1 utee/wage_quantizer.GetParamA table (normalised A per NL label):
    # entries at index NL*100-1
    assert a_from_nonlinearity(nl) == pytest.approx(a_table, rel=0.01)


def test_linear_label_and_range() -> None:
    assert math.isinf(a_from_nonlinearity(0.0))
    with pytest.raises(ValueError):
        a_from_nonlinearity(-1.0)
    a = torch.tensor([math.inf])
    p = torch.tensor([0.3])
    assert float(ltp(p, a)) == pytest.approx(0.3)
    assert float(ltd(p, a)) == pytest.approx(0.7)


@settings(max_examples=60, deadline=None)
@given(g=st.floats(0.0, 1.0), nl=st.floats(0.0, 8.0))
def test_curves_invert(g: float, nl: float) -> None:
    a = torch.tensor([a_from_nonlinearity(nl) if nl > 0 else math.inf], dtype=torch.float64)
    gt = torch.tensor([g], dtype=torch.float64)
    assert float(ltp(ltp_inverse(gt, a), a)) == pytest.approx(g, abs=1e-9)
    assert float(ltd(ltd_inverse(gt, a), a)) == pytest.approx(g, abs=1e-9)


def test_ltp_saturates_and_ltd_is_steep_at_the_top() -> None:
    a = torch.tensor([a_from_nonlinearity(3.0)], dtype=torch.float64)
    p = torch.linspace(0, 1, 11, dtype=torch.float64)
    g = ltp(p, a.expand_as(p))
    steps = g.diff()
    assert float(g[0]) == 0.0 and float(g[-1]) == pytest.approx(1.0)
    assert bool((steps > 0).all()) and bool((steps.diff() < 0).all())  # concave: saturating
    gd = ltd(p, a.expand_as(p))
    assert bool((gd.diff() < 0).all()) and float(gd[1] - gd[0]) < float(gd[-1] - gd[-2])


def test_asymmetric_updates_drift_to_the_symmetry_point() -> None:
    """Equal numbers of up and down pulses do not cancel on a nonlinear device: the
    conductance drifts to where the LTP and LTD steps are equal (g = 0.5 for equal
    nonlinearities), the 'asymmetry' that turns SGD into a pull towards that point."""
    upd = UpdateSpec(pulses=64, nonlinearity_ltp=3.0, nonlinearity_ltd=3.0,
                     c2c_update_sigma=0.0)
    gen = torch.Generator().manual_seed(0)
    w = torch.tensor([0.9, -0.9, 0.0], dtype=torch.float64)  # g = 0.95, 0.05, 0.5
    arr = DeviceArray(w, upd, w_range=1.0, gen=gen)
    g0 = arr.g.clone()
    step = 2.0 / 64  # one pulse in weight units
    for _ in range(200):
        arr.apply(torch.full((3,), step), gen)
        arr.apply(torch.full((3,), -step), gen)
    assert float(arr.g[0]) < float(g0[0]) - 0.2  # high state pulled down
    assert float(arr.g[1]) > float(g0[1]) + 0.2  # low state pulled up
    assert float(arr.g[2]) == pytest.approx(0.5, abs=0.05)  # symmetry point stays
    lin = DeviceArray(w, upd.model_copy(update=dict(nonlinearity_ltp=0.0,
                                                    nonlinearity_ltd=0.0)),
                      w_range=1.0, gen=gen)
    gl = lin.g.clone()
    for _ in range(200):
        lin.apply(torch.full((3,), step), gen)
        lin.apply(torch.full((3,), -step), gen)
    assert torch.allclose(lin.g, gl, atol=1e-9)  # a linear device returns exactly


def test_cycle_to_cycle_variation_and_endurance() -> None:
    gen = torch.Generator().manual_seed(0)
    w = torch.zeros(20000, dtype=torch.float64)
    upd = UpdateSpec(pulses=100, nonlinearity_ltp=0.0, nonlinearity_ltd=0.0,
                     c2c_update_sigma=0.5, endurance_cycles=4)
    arr = DeviceArray(w, upd, w_range=1.0, gen=gen)
    n = arr.apply(torch.full_like(w, 4 * 2.0 / 100), gen)  # 4 pulses each
    assert bool((n == 4).all())
    dg = arr.g - 0.5
    assert float(dg.mean()) == pytest.approx(0.04, abs=0.002)
    # 4 independent pulses of σ 0.5 steps: σ = 0.5 x 2 x 0.01
    assert float(dg.std()) == pytest.approx(0.01, rel=0.05)
    assert int(arr.dead.sum()) == 20000  # endurance of 4 pulses used up
    before = arr.g.clone()
    n2 = arr.apply(torch.full_like(w, 2.0 / 100), gen)
    assert float(n2.sum()) == 0 and torch.equal(arr.g, before)  # worn out: stuck


def test_limited_levels_lose_small_updates() -> None:
    gen = torch.Generator().manual_seed(0)
    arr = DeviceArray(torch.zeros(4, dtype=torch.float64),
                      UpdateSpec(pulses=32, nonlinearity_ltp=0, nonlinearity_ltd=0,
                                 c2c_update_sigma=0), w_range=1.0, gen=gen)
    n = arr.apply(torch.tensor([0.01, 0.03, 0.07, -0.07], dtype=torch.float64), gen)
    # one pulse = 2/32 = 0.0625 in weight: 0.01 and 0.03 round to 0 pulses
    assert n.tolist() == [0.0, 0.0, 1.0, 1.0]


# ----------------------------------------------------------------------------- SGD


def test_ideal_device_tracks_floating_point_sgd(design, digits) -> None:
    (xtr, ytr), (xte, yte) = digits
    res = train_on_chip(mlp(0), (xtr, ytr), design, epochs=3, lr=0.05, update=IDEAL,
                        range_factor=6.0, test_data=(xte, yte), progress=False)
    ref = mlp(0)  # the same SGD with momentum in floating point, same data order
    batches = _train_batches((xtr, ytr), 64, torch.Generator().manual_seed(0))
    opt = torch.optim.SGD(ref.parameters(), lr=0.05, momentum=0.9)
    for _ in range(3):
        for x, y in batches():
            opt.zero_grad()
            nn.functional.cross_entropy(ref(x), y).backward()
            opt.step()
    with torch.no_grad():
        acc_ref = float((ref(xte).argmax(-1) == yte).float().mean())
    for i in (1, 3):
        w, wr = res.model[i].weight.detach(), ref[i].weight.detach()
        assert float((w - wr).abs().max() / wr.abs().max()) < 0.05
    assert res.history[-1].test_accuracy == pytest.approx(acc_ref, abs=0.02)
    assert res.stats.updates == 3 * len(batches()) and res.stats.dead_devices == 0


def test_nonlinearity_degrades_training(design, digits) -> None:
    """NeuroSim-style update (max-normalised, 64 pulses): final training loss rises and
    test accuracy falls as the LTP/LTD nonlinearity grows; asymmetry hurts too."""
    (xtr, ytr), (xte, yte) = digits
    out = {}
    for name, (a, b) in {"linear": (0, 0), "nl2": (2, 2), "nl6": (6, 6),
                         "asym": (0, 6)}.items():
        losses, accs = [], []
        for seed in range(3):
            r = train_on_chip(mlp(seed), (xtr, ytr), design, epochs=4, lr=0.1,
                              update=dict(pulses=64, nonlinearity_ltp=a, nonlinearity_ltd=b,
                                          c2c_update_sigma=0.0),
                              range_factor=4.0, gradient_scaling="max", test_data=(xte, yte),
                              seed=seed, progress=False)
            with torch.no_grad():
                losses.append(float(nn.functional.cross_entropy(r.model(xtr), ytr)))
            accs.append(r.history[-1].test_accuracy)
        out[name] = (sum(losses) / 3, sum(accs) / 3)
    print("\n", {k: (round(v[0], 3), round(v[1], 3)) for k, v in out.items()})
    assert out["linear"][0] < out["nl2"][0] < out["nl6"][0]
    assert out["nl6"][1] < out["linear"][1] - 0.03
    assert out["asym"][0] > out["linear"][0]


def test_default_rram_trains_with_neurosim_scaling(design, digits) -> None:
    (xtr, ytr), (xte, yte) = digits
    r = train_on_chip(mlp(0), (xtr, ytr), design, epochs=2, lr=0.1, range_factor=4.0,
                      gradient_scaling="max", test_data=(xte, yte), progress=False)
    assert r.update == design.tech.device.update  # the device's own update: parameters
    assert r.history[-1].test_accuracy > 0.7
    s = r.stats
    assert 0 < s.updated_fraction < 1 and s.pulses_per_device_update > 0
    assert s.total_pulses == pytest.approx(s.pulses_per_device_update * s.devices * s.updates)


def test_errors(design, digits) -> None:
    (xtr, ytr), _ = digits
    with pytest.raises(PpaSimError, match="no 'update:'"):
        train_on_chip(mlp(0), (xtr, ytr), load_design("neurosim_v14_sram_22nm"), epochs=1,
                      progress=False)
    with pytest.raises(PpaSimError, match="invalid update"):
        train_on_chip(mlp(0), (xtr, ytr), design, update={"pulses": 1}, progress=False)
    with pytest.raises(PpaSimError, match="gradient_scaling"):
        train_on_chip(mlp(0), (xtr, ytr), design, gradient_scaling="sign", progress=False)
