"""plan(): duplication, PE/tile allocation, chip sizing, and mapping errors."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mapnets import conv, design, fc, vgg8

from ppa_sim.errors import MappingError
from ppa_sim.mapping.planner import plan
from ppa_sim.network import Network


def test_no_duplication_allocates_whole_pes_and_tiles():
    p = plan(vgg8(), design(**{"mapping.duplication": "none"}))
    for m in p.crossbar_layers:
        assert m.duplication == 1
        assert m.subarrays == m.partition.subarrays
        assert m.pes == -(-m.subarrays // 4) and m.tiles == -(-m.pes // 4)
    assert p.chip_tiles == sum(m.tiles for m in p.layers)
    assert 0 < p.utilization <= 1
    assert p.layer("pool1").subarrays == 0


def test_auto_duplication_balances_early_layers():
    p = plan(vgg8(), design())
    d = {m.name: m.duplication for m in p.crossbar_layers}
    # conv1/conv2 see 1024 positions, conv3/4 256, conv5/6 64, fc 1: the anchor is
    # the conv layer with the most subarrays (conv6), so stages are balanced to 64 positions
    assert d == {"conv1": 16, "conv2": 16, "conv3": 4, "conv4": 4, "conv5": 1, "conv6": 1,
                 "fc1": 1, "fc2": 1}
    steps = [m.stage_steps for m in p.crossbar_layers if m.layer.kind == "conv2d"]
    assert max(steps) == min(steps)
    base = plan(vgg8(), design(**{"mapping.duplication": "none"}))
    assert p.chip_tiles > base.chip_tiles
    assert max(m.stage_steps for m in p.layers) < max(m.stage_steps for m in base.layers)


def test_max_duplication_bounds_auto_and_greedy():
    # VGG-8 auto gives conv1/conv2 16 copies; a cap of 4 bounds them (and nothing else)
    p = plan(vgg8(), design(**{"mapping.max_duplication": 4}))
    d = {m.name: m.duplication for m in p.crossbar_layers}
    assert d["conv1"] == d["conv2"] == 4 and max(d.values()) == 4
    base = plan(vgg8(), design())
    assert p.chip_tiles < base.chip_tiles
    # with a fixed tile budget the greedy loop respects the cap too
    big = plan(vgg8(), design(**{"chip.tiles": 2000, "mapping.max_duplication": 3}))
    assert max(m.duplication for m in big.crossbar_layers) <= 3
    # never more copies than output positions: a 1-position FC layer stays single
    assert all(m.duplication == 1 for m in p.crossbar_layers if m.layer.out_positions == 1)


def test_fixed_and_per_layer_duplication():
    p = plan(vgg8(), design(**{"mapping.duplication": "fixed", "mapping.duplication_factor": 2,
                               "mapping.duplication_per_layer": {"conv1": 8}}))
    d = {m.name: m.duplication for m in p.crossbar_layers}
    assert d["conv1"] == 8 and d["conv2"] == 2 and d["fc1"] == 1


def test_given_tiles_greedy_duplication_fits():
    base = plan(vgg8(), design(**{"mapping.duplication": "none"}))
    budget = base.chip_tiles + 40
    p = plan(vgg8(), design(**{"chip.tiles": budget}))
    assert p.chip_tiles == budget and p.tiles_used <= budget
    assert max(m.stage_steps for m in p.layers) < max(m.stage_steps for m in base.layers)


def test_layer_that_cannot_fit_names_layer_need_and_chip():
    net = Network("big", (1,), (fc("huge", 8192, 8192),))
    with pytest.raises(MappingError) as e:
        plan(net, design(**{"chip.tiles": 4}))
    msg = str(e.value)
    assert "'huge'" in msg and "needs" in msg and "the chip has 4 tiles" in msg
    # counts agree with their nouns ("1 tile (1 PE)", not "1 tiles (1 PEs)")
    with pytest.raises(MappingError) as e:
        plan(net, design(**{"chip.tiles": 1, "tile.pes": 1, "pe.subarrays": 1}))
    msg = str(e.value)
    assert "the chip has 1 tile (1 PE)" in msg and "of 1 subarray)" in msg
    assert "1 tiles" not in msg and "1 PEs" not in msg


def test_network_that_cannot_fit_names_total():
    net = Network("two", (1,), (fc("a", 2048, 512), fc("b", 2048, 512)))
    one = plan(Network("one", (1,), (fc("a", 2048, 512),)), design()).chip_tiles
    with pytest.raises(MappingError, match="needs .* tiles .* but the chip has"):
        plan(net, design(**{"chip.tiles": one, "mapping.duplication": "none"}))


def test_tile_sharing_packs_layers():
    net = Network("s", (1,), (fc("a", 100, 10), fc("b", 100, 10), conv("c", 8, 8, 4)))
    solo = plan(net, design(**{"mapping.duplication": "none"}))
    shared = plan(net, design(**{"mapping.duplication": "none", "mapping.tile_sharing": True}))
    assert shared.chip_tiles < solo.chip_tiles == 3


@settings(max_examples=40, deadline=None)
@given(chans=st.lists(st.integers(1, 512), min_size=2, max_size=5), hw=st.integers(1, 32),
       tiles=st.one_of(st.just("auto"), st.integers(1, 400)),
       dup=st.sampled_from(["none", "auto", "fixed"]), sharing=st.booleans(),
       spe=st.sampled_from([1, 4, 16]), ppt=st.sampled_from([1, 4, 9]))
def test_plan_properties(chans, hw, tiles, dup, sharing, spe, ppt):
    layers = [conv(f"c{i}", chans[i], chans[i + 1], hw) for i in range(len(chans) - 1)]
    net = Network("r", (chans[0], hw, hw), tuple(layers))
    d = design(**{"chip.tiles": tiles, "mapping.duplication": dup,
                  "mapping.tile_sharing": sharing, "pe.subarrays": spe, "tile.pes": ppt,
                  "mapping.duplication_factor": 2})
    try:
        p = plan(net, d)
    except MappingError as e:
        assert tiles != "auto" and "needs" in str(e) and f"has {tiles}" in str(e)
        return
    assert p.tiles_used <= p.chip_tiles + 1e-9
    if tiles != "auto":
        assert p.chip_tiles == tiles
    for m in p.crossbar_layers:
        assert m.duplication >= 1
        assert m.subarrays == m.partition.subarrays * m.duplication
        assert m.pes * spe >= m.subarrays
        assert m.tiles * ppt >= m.pes - 1e-9
        assert 0 < m.utilization <= 1
