"""mapping.duplication: neurosim reproduces DNN+NeuroSim V1.4's ChipFloorPlan.

Reference: DNN+NeuroSim V1.4 with its default Param.cpp (128x128 subarrays, SRAM
1 bit/cell, 8-bit weights -> 8 columns per weight, novelMapping, pipeline,
speedUpDegree 8) on VGG-8 reports speed-up 16, 16, 4, 4, 2, 1, 1, 8 per layer and a
chip of 103 tiles (novel-mapped tiles of 9 PEs of 512x512 cells, conventional tiles of
1024x1024 cells made of 512x512 PEs).
"""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st
from mapnets import conv, fc, vgg8

from ppa_sim.mapping import plan
from ppa_sim.mapping.neurosim import neurosim_floorplan
from ppa_sim.network import Network
from ppa_sim.spec.load import load_design

NS = "neurosim_v14_sram_22nm"


def _weights(net: Network):
    return [lay for lay in net.layers if lay.kind in ("conv2d", "linear")]


def test_vgg8_matches_neurosim_v14():
    fp = neurosim_floorplan(_weights(vgg8()), load_design(NS))
    assert fp.duplication == (16, 16, 4, 4, 2, 1, 1, 8)
    assert fp.total_tiles == 103
    assert fp.novel == (False, True, True, True, True, True, False, False)
    assert (fp.pe_per_tile_nm, fp.pe_size_nm, fp.tile_size_cm, fp.pe_size_cm) == (
        9, 512, 1024, 512)
    assert fp.pipeline_speedup == (16, 16, 4, 4, 1, 1, 1, 1)


def test_layer_by_layer_keeps_only_the_free_copies():
    d = load_design(NS, {"mapping.execution": "layer_by_layer"})
    fp = neurosim_floorplan(_weights(vgg8()), d)
    assert fp.pipeline_speedup == (1,) * 8
    # copies into the PEs / subarrays one copy leaves empty (conv1: 2 PEs x 4 subarray
    # rows; fc2: 2 PE columns x 4 subarray columns)
    assert fp.duplication == (8, 4, 4, 2, 2, 1, 1, 8)
    # speedup_degree 1 = no pipeline speed-up: the same copies
    d1 = load_design(NS, {"mapping.speedup_degree": 1})
    assert neurosim_floorplan(_weights(vgg8()), d1).duplication == fp.duplication


def test_planner_uses_it_and_per_layer_overrides_win():
    net = vgg8()
    pl = plan(net, load_design(NS, {"mapping.duplication_per_layer": {"conv1": 2}}))
    dup = [m.duplication for m in pl.layers if m.is_crossbar]
    assert dup == [2, 16, 4, 4, 2, 1, 1, 8]
    assert pl.neurosim is not None and pl.neurosim.total_tiles == 103
    # copies cost subarrays: the layer holds duplication x one copy
    for m in pl.layers:
        if m.is_crossbar:
            assert m.subarrays == m.partition.subarrays * m.duplication


def test_other_duplication_modes_have_no_neurosim_floorplan():
    assert plan(vgg8(), load_design(NS, {"mapping.duplication": "auto"})).neurosim is None


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([8, 16, 32]), st.sampled_from([3, 16, 64, 256]),
                          st.sampled_from([16, 64, 300]), st.sampled_from([1, 3])),
                min_size=1, max_size=5),
       st.integers(10, 2000))
def test_every_layer_gets_at_least_its_pipeline_speedup(convs, n_out):
    layers = [conv(f"c{i}", cin, cout, hw, k=k) for i, (hw, cin, cout, k) in enumerate(convs)]
    layers.append(fc("fc", 128, n_out))
    fp = neurosim_floorplan(layers, load_design(NS))
    for d, s, t in zip(fp.duplication, fp.pipeline_speedup, fp.tiles, strict=True):
        assert d >= s >= 1 and t >= 1
    for size in (fp.pe_size_nm, fp.tile_size_cm, fp.pe_size_cm):
        assert size >= 256 and math.log2(size).is_integer()
