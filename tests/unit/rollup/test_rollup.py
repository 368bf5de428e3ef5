"""estimate_design(): the cost tree adds up and follows physics (invariants)."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ppa_sim.errors import ConfigError, MappingError
from ppa_sim.network import Layer, Network, zoo
from ppa_sim.rollup import estimate_design
from ppa_sim.spec.load import design_from_dict, load_design

BASE = {"name": "t", "technology": {"node": "22nm", "device": "rram"},
        "subarray": {"rows": 128, "cols": 128, "cell": {"type": "1t1r", "bits": 2}}}


def design(**over: object):
    return design_from_dict(dict(BASE), overrides=over)


def conv(name: str, cin: int, cout: int, hw: int, k: int = 3, inputs=()) -> Layer:
    return Layer(name, "conv2d", (cin, hw, hw), (cout, hw, hw), inputs=inputs,
                 in_channels=cin, out_channels=cout, kernel=(k, k), padding=(k // 2, k // 2))


def check_adds_up(est) -> None:
    for path, node in est.tree.walk():
        for v in (node.area_um2, node.energy_pj, node.latency_ns):
            assert math.isfinite(v) and v >= 0, (path, node)
        if node.children:
            assert node.area_um2 == pytest.approx(sum(c.area_um2 for c in node.children))
            assert node.energy_pj == pytest.approx(sum(c.energy_pj for c in node.children))
    assert sum(est.area_breakdown_um2.values()) == pytest.approx(est.area_um2, rel=1e-9)
    assert sum(est.energy_breakdown_pj.values()) == pytest.approx(est.energy_pj, rel=1e-9)
    assert sum(est.latency_breakdown_ns.values()) == pytest.approx(est.latency_ns, rel=1e-9)
    assert est.cycle_ns <= est.latency_ns * (1 + 1e-9) or est.meta["execution"] == "pipelined"
    for L in est.layers:
        assert sum(L.energy_breakdown_pj.values()) == pytest.approx(L.energy_pj)
        assert L.energy_pj >= 0 and L.latency_ns >= 0
    # layers + chip-level leakage (global buffer, bus, spare tiles) = total
    glob_leak = est.tree.find("global/leakage").energy_pj
    assert sum(L.energy_pj for L in est.layers) + glob_leak == pytest.approx(est.energy_pj)
    j = est.to_json()
    assert json.loads(json.dumps(j))["schema"] == "ppa_sim.estimate/1"


@pytest.fixture(scope="module")
def vgg8() -> Network:
    return zoo.get("vgg8")


def test_vgg8_default_adds_up(vgg8):
    est = estimate_design(load_design("default"), vgg8)
    check_adds_up(est)
    assert est.macs == vgg8.macs and est.tops_per_w > 0 and est.fps > 0
    assert {"array", "adc", "buffer", "interconnect"} <= set(est.energy_breakdown_pj)
    assert est.leakage_energy_pj == pytest.approx(
        est.energy_breakdown_pj.get("leakage", 0.0))
    assert set(est.energy_breakdown_pj) <= set(
        ("array", "adc", "mux", "dac", "decoder", "shift_add", "accumulation", "buffer",
         "interconnect", "digital", "write", "leakage", "other"))


def test_more_adc_bits_cost_more(vgg8):
    lo = estimate_design(design(**{"subarray.adc.bits": 4}), vgg8)
    hi = estimate_design(design(**{"subarray.adc.bits": 7}), vgg8)
    assert hi.energy_breakdown_pj["adc"] > lo.energy_breakdown_pj["adc"]
    assert hi.area_breakdown_um2["adc"] > lo.area_breakdown_um2["adc"]


def test_bigger_network_costs_more_energy():
    small = Network("s", (64, 16, 16), (conv("a", 64, 64, 16),))
    big = Network("b", (64, 16, 16), (conv("a", 64, 64, 16),
                                      conv("b", 64, 64, 16, inputs=("a",))))
    d = design()
    assert estimate_design(d, big).energy_pj > estimate_design(d, small).energy_pj
    assert estimate_design(d, zoo.get("vgg16")).energy_pj > estimate_design(
        d, zoo.get("vgg8")).energy_pj


def test_duplication_raises_throughput_and_area(vgg8):
    none = estimate_design(design(**{"mapping.duplication": "none"}), vgg8)
    auto = estimate_design(design(**{"mapping.duplication": "auto"}), vgg8)
    assert auto.fps > none.fps
    assert auto.area_um2 > none.area_um2
    assert auto.tiles > none.tiles


def test_layer_by_layer_latency_not_below_pipelined_cycle(vgg8):
    pipe = estimate_design(design(**{"mapping.execution": "pipelined"}), vgg8)
    lbl = estimate_design(design(**{"mapping.execution": "layer_by_layer"}), vgg8)
    assert lbl.latency_ns >= pipe.cycle_ns
    assert lbl.cycle_ns == pytest.approx(lbl.latency_ns)
    assert pipe.latency_ns == pytest.approx(lbl.latency_ns)   # same stages, fill = sum
    check_adds_up(lbl)


def test_given_chip_too_small_names_the_layer(vgg8):
    # classifier.0: 8192 x 1024 weights, 8 columns each -> 64 x 64 subarrays = 256 tiles of 16
    with pytest.raises(MappingError,
                       match=r"layer 'classifier.0'.*needs 256 tiles.*has 100 tiles"):
        estimate_design(design(**{"chip.tiles": 100}), vgg8)


def test_measured_activity_replaces_assumption(vgg8, tmp_path):
    d = design()
    base = estimate_design(d, vgg8)
    f = tmp_path / "act.json"
    f.write_text(json.dumps({"schema": "ppa_sim.activity/1", "layers": {
        L.name: {"input_bit_density": 0.1, "mean_conductance_fraction": 0.2}
        for L in vgg8.weight_layers}}))
    low = estimate_design(d, vgg8, activity=str(f))
    assert low.energy_breakdown_pj["array"] < base.energy_breakdown_pj["array"]
    assert low.meta["activity"].startswith("measured")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"layers": {"nope": {"input_bit_density": 2}}}))
    with pytest.raises(ConfigError, match="no such layer"):
        estimate_design(d, vgg8, activity=str(bad))
    with pytest.raises(ConfigError, match=r"\[0, 1\]"):
        estimate_design(d, vgg8, activity={"layers": {"features.0": {
            "input_bit_density": 1.5}}})


def test_matmul_and_depthwise_network():
    mm = Layer("att", "matmul", (4, 16, 32), (4, 16, 16), matmul_dims=(4, 16, 32, 16))
    dw = Layer("dw", "conv2d", (32, 8, 8), (32, 8, 8), in_channels=32, out_channels=32,
               kernel=(3, 3), padding=(1, 1), groups=32)
    est = estimate_design(design(), Network("m", (32, 8, 8), (dw, mm)))
    check_adds_up(est)
    assert est.energy_breakdown_pj["digital"] > 0
    assert next(L for L in est.layers if L.name == "att").crossbars == 0


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cin=st.integers(1, 300), cout=st.integers(1, 300), hw=st.integers(1, 12),
       k=st.sampled_from([1, 3]), fc_out=st.integers(1, 200),
       rows=st.sampled_from([64, 128, 256]), adc_bits=st.integers(3, 8),
       cell_bits=st.integers(1, 2), cpa=st.sampled_from([1, 4, 8]),
       policy=st.sampled_from(["im2col", "kernel_wise"]),
       wmap=st.sampled_from(["differential", "offset"]),
       dup=st.sampled_from(["none", "auto", "fixed"]),
       execution=st.sampled_from(["pipelined", "layer_by_layer"]),
       par=st.sampled_from([None, 16, 32]))
def test_random_layers_and_architectures(cin, cout, hw, k, fc_out, rows, adc_bits, cell_bits,
                                         cpa, policy, wmap, dup, execution, par):
    net = Network("r", (cin, hw, hw), (
        conv("c", cin, cout, hw, k=k),
        Layer("f", "linear", (cout * hw * hw,), (fc_out,), inputs=("c",),
              in_channels=cout * hw * hw, out_channels=fc_out)))
    d = design(**{"subarray.rows": rows, "subarray.cols": rows, "subarray.adc.bits": adc_bits,
                  "subarray.cell.bits": cell_bits, "subarray.adc.columns_per_adc": cpa,
                  "subarray.parallel_rows": par, "mapping.policy": policy,
                  "weights.mapping": wmap, "mapping.duplication": dup,
                  "mapping.execution": execution})
    est = estimate_design(d, net)
    check_adds_up(est)
    assert est.energy_pj > 0 and est.area_um2 > 0 and est.cycle_ns > 0


def test_synchronous_clock_and_stage_accounting(vgg8):
    asyn = estimate_design(design(), vgg8)
    sync = estimate_design(design(**{"chip.synchronous": True}), vgg8)
    check_adds_up(sync)
    # the sensing cycle sets the clock when it is slower than the nominal 1 GHz
    assert sync.meta["clock_ns"] >= 1.0
    assert sync.meta["read_step_ns"] == pytest.approx(8 * sync.meta["clock_ns"])
    # buffer and bus cycles add to every crossbar stage instead of overlapping it
    conv = next(L for L in sync.layers if L.kind == "conv2d")
    assert {"array", "adc", "buffer", "interconnect"} <= set(conv.latency_breakdown_ns)
    assert sync.cycle_ns > asyn.cycle_ns


def test_calibration_factors_scale_what_they_name(vgg8):
    base = estimate_design(design(), vgg8)
    post = estimate_design(design(**{"calibration.post_layout_energy_factor": 2.0}), vgg8)
    dyn = base.energy_pj - base.leakage_energy_pj
    assert post.energy_pj - post.leakage_energy_pj == pytest.approx(2 * dyn, rel=0.05)
    dig = estimate_design(design(**{"calibration.digital_energy_factor": 0.5}), vgg8)
    assert dig.energy_breakdown_pj["shift_add"] == pytest.approx(
        0.5 * base.energy_breakdown_pj["shift_add"])
    assert dig.energy_breakdown_pj["adc"] == pytest.approx(base.energy_breakdown_pj["adc"])
    slow = estimate_design(design(**{"calibration.read_latency_factor": 2.0}), vgg8)
    assert slow.meta["read_step_ns"] == pytest.approx(2 * base.meta["read_step_ns"])


@pytest.mark.parametrize("device,cell", [("rram", "1t1r"), ("sram", "sram6t")])
def test_partly_filled_subarray_pays_only_for_what_it_uses(device, cell):
    """A thin layer (16 of 128 rows, 16 of 128 columns used) reads its array for a small
    fraction of a full read: unused rows get no input, unused cells hold G_off (SRAM: no
    current). A layer filling its subarrays pays the full read."""
    d = design(**{"technology.device": device, "subarray.cell.type": cell,
                  "subarray.cell.bits": 1, "weights.mapping": "offset",
                  "weights.bits": 1, "mapping.duplication": "none"})
    thin = estimate_design(d, Network("thin", (16,), (Layer(
        "f", "linear", (16,), (15,), in_channels=16, out_channels=15),)))
    full = estimate_design(d, Network("full", (128,), (Layer(
        "f", "linear", (128,), (127,), in_channels=128, out_channels=127),)))
    check_adds_up(thin)
    assert thin.layers[0].crossbars == full.layers[0].crossbars == 1
    e_thin = thin.layers[0].energy_breakdown_pj["array"]
    e_full = full.layers[0].energy_breakdown_pj["array"]
    # one read each; 1/8 of the rows: the thin read costs well under half a full one
    assert 0 < e_thin < 0.5 * e_full
