"""schedule(): event counts per layer follow the mapping."""

from __future__ import annotations

import pytest
from mapnets import conv, design, fc, vgg8

from ppa_sim.mapping.planner import plan
from ppa_sim.mapping.schedule import schedule
from ppa_sim.network import Layer, Network


def _events(net, d):
    return {e.name: e for e in schedule(plan(net, d), d)}


def test_conv_counts():
    net = Network("n", (128, 8, 8), (conv("c", 128, 128, 8),))
    d = design(**{"mapping.duplication": "none"})
    e = _events(net, d)["c"].counts
    P, cyc, S = 64, 8, 72           # positions, 8-bit bit-serial inputs, 9x8 subarrays
    assert e["array_read"] == P * cyc * S
    assert e["adc_convert"] == P * cyc * S * 128
    assert e["wl_drive"] == P * cyc * S * 128
    assert e["mux_switch"] == P * cyc * S * 8        # 8 columns per ADC
    assert e["shift_add"] == e["adc_convert"]
    assert e["accumulate"] == P * 128 * (9 - 1)
    # duplication spreads positions over copies: event counts do not change
    d2 = design(**{"mapping.duplication": "fixed", "mapping.duplication_factor": 4})
    e2 = _events(net, d2)["c"]
    assert e2.counts["array_read"] == e["array_read"]
    assert e2.read_steps == _events(net, d)["c"].read_steps // 4


def test_partial_parallel_read_and_dac():
    net = Network("n", (128,), (fc("f", 128, 16),))
    full = _events(net, design())["f"].counts
    part = _events(net, design(**{"subarray.parallel_rows": 32}))["f"]
    assert part.counts["array_read"] == 4 * full["array_read"]
    assert part.counts["adc_convert"] == 4 * full["adc_convert"]
    assert part.counts["wl_drive"] == full["wl_drive"]
    dac = _events(net, design(**{"subarray.dac.encoding": "dac", "subarray.dac.dac_bits": 4}))
    assert dac["f"].counts["array_read"] == full["array_read"] / 4


def test_kernel_wise_reuses_inputs():
    net = Network("n", (64, 16, 16), (conv("c", 64, 64, 16),))
    kw = _events(net, design())["c"].counts
    im = _events(net, design(**{"mapping.policy": "im2col"}))["c"].counts
    assert kw["tile_buffer_read_bits"] < im["tile_buffer_read_bits"]
    assert kw["pe_buffer_read_bits"] == im["pe_buffer_read_bits"]


def test_digital_layers_and_explicit_activation():
    mm = Layer("att", "matmul", (4, 16, 32), (4, 16, 16), matmul_dims=(4, 16, 32, 16))
    relu = Layer("r", "activation", (16,), (16,), inputs=("f",), activation="relu")
    net = Network("n", (1,), (fc("f", 32, 16), relu, mm))
    e = _events(net, design())
    assert e["att"].counts["mac_op"] == 4 * 16 * 32 * 16
    assert e["r"].counts["activation"] == 16
    assert "activation" not in e["f"].counts       # counted once, by the relu layer


def test_every_count_non_negative_on_vgg8():
    for ev in _events(vgg8(), design()).values():
        assert all(v >= 0 for v in ev.counts.values()), ev.name
    assert sum(ev.counts.get("pool_op", 0) for ev in _events(vgg8(), design()).values()) == \
        pytest.approx(128 * 256 + 256 * 64 + 512 * 16)
