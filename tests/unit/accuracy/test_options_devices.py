"""Per-layer rule precedence and the device models' statistics."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from ppa_sim.accuracy import LayerConfigMap, SimOptions, convert
from ppa_sim.accuracy.devices import program
from ppa_sim.api import load_design
from ppa_sim.errors import ConfigError


def test_rule_precedence_global_type_regex_name() -> None:
    g = SimOptions()
    t = SimOptions(adc=False)
    rx = SimOptions(dac=False)
    nm = SimOptions(variation=False)
    cfg = (LayerConfigMap().set_global(g).set_type(nn.Linear, t)
           .set_name_regex(r"features\..*", rx).set_name("features.3", nm))
    conv, lin = nn.Conv2d(1, 1, 1), nn.Linear(1, 1)
    assert cfg.resolve("body.0", conv) is g
    assert cfg.resolve("head", lin) is t
    assert cfg.resolve("features.1", lin) is rx  # regex beats type
    assert cfg.resolve("features.3", lin) is nm  # name beats regex
    cfg.set_name("head", None)
    assert cfg.resolve("head", lin) is None  # digital


def test_mapping_overrides_and_bad_regex() -> None:
    cfg = LayerConfigMap.build(SimOptions(), {"/cls.*/": "digital", "a.b": SimOptions(adc=False)})
    assert cfg.resolve("cls1", nn.Linear(1, 1)) is None
    assert cfg.resolve("a.b", nn.Linear(1, 1)).adc is False
    with pytest.raises(ConfigError):
        LayerConfigMap.build(None, {"x": "analog"})
    with pytest.raises(ConfigError):
        LayerConfigMap().set_name_regex("(", None)


def test_options_forbid_unknown_and_validate() -> None:
    with pytest.raises(ValueError):
        SimOptions(adc_bits=3)  # type: ignore[call-arg]
    with pytest.raises(ValueError):
        SimOptions(adc_range_fraction=1.5)


def test_d2d_variation_statistics() -> None:
    """Cells at G_on draw R_on ~ N(mu, sigma): the sample mean and std of 1/g follow."""
    dev = load_design("default", {"technology.device.sigma_r_on_ohm": 10e3}).tech.device
    n = 200_000
    gen = torch.Generator().manual_seed(0)
    cells = program(torch.full((n,), 3.0), 4, dev, mask=torch.ones(n), variation=True,
                    faults=False, drift_time_s=None, generator=gen)
    r = dev.r_on_ohm / cells.g  # ohm
    assert float(r.mean()) == pytest.approx(dev.r_on_ohm, rel=2e-3)
    assert float(r.std()) == pytest.approx(10e3, rel=2e-2)


def test_stuck_at_rates() -> None:
    dev = load_design("default", {"technology.device.stuck_at_on_rate": 0.1,
                                  "technology.device.stuck_at_off_rate": 0.05}).tech.device
    n = 100_000
    gen = torch.Generator().manual_seed(1)
    cells = program(torch.full((n,), 1.0), 4, dev, mask=torch.ones(n), variation=False,
                    faults=True, drift_time_s=None, generator=gen)
    g_off = dev.r_on_ohm / dev.r_off_ohm
    assert float(torch.isclose(cells.g, torch.tensor(1.0, dtype=cells.g.dtype)).double().mean()) == pytest.approx(0.1, abs=5e-3)
    assert float(torch.isclose(cells.g, torch.tensor(g_off, dtype=cells.g.dtype)).double().mean()) == pytest.approx(0.05, abs=5e-3)


@settings(max_examples=25, deadline=None)
@given(t=st.floats(min_value=1.0, max_value=1e8), nu=st.floats(min_value=0.001, max_value=0.2))
def test_drift_power_law(t: float, nu: float) -> None:
    dev = load_design("default", {"technology.device.drift_nu": nu}).tech.device
    gen = torch.Generator().manual_seed(0)
    cells = program(torch.tensor([3.0, 1.0]), 4, dev, mask=torch.ones(2), variation=False,
                    faults=False, drift_time_s=t, generator=gen)
    expected = cells.g_programmed * (t / dev.drift_t0_s) ** (-nu)
    torch.testing.assert_close(cells.g, expected)


def test_chip_instances_are_frozen_and_distinct() -> None:
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(40, 6))
    design = load_design("default", {"technology.device.sigma_r_on_ohm": 20e3,
                                     "technology.device.c2c_read_noise": 0.0})
    x = torch.rand(5, 40)
    a = convert(net, design, seed=1)
    b = convert(net, design, seed=1)
    c = convert(net, design, seed=2)
    with torch.no_grad():
        assert torch.equal(a(x), a(x))  # no read noise: same chip, same answer
        assert torch.equal(a(x), b(x))  # same seed, same chip
        assert not torch.equal(a(x), c(x))


def test_read_noise_is_fresh_per_inference() -> None:
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(40, 6))
    design = load_design("default", {"technology.device.c2c_read_noise": 0.05})
    hw = convert(net, design, options=SimOptions(adc=False))
    x = torch.rand(5, 40)
    with torch.no_grad():
        assert not torch.equal(hw(x), hw(x))
