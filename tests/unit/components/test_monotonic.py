"""Physical monotonicity of the component models, on every node in technology/."""

from __future__ import annotations

import pytest
from _component_cases import DEVICE_NAMES, NODE_NAMES, tech
from hypothesis import given, settings
from hypothesis import strategies as st

from ppa_sim.components import registry
from ppa_sim.spec.architecture import (
    ActivitySpec,
    AdcSpec,
    BufferSpec,
    CellSpec,
    InterconnectSpec,
    SubarraySpec,
)


def increasing(xs: list[float]) -> bool:
    return all(b > a for a, b in zip(xs, xs[1:], strict=False))


def nondecreasing(xs: list[float]) -> bool:
    return all(b >= a for a, b in zip(xs, xs[1:], strict=False))


@pytest.mark.parametrize("node", NODE_NAMES)
def test_more_adc_bits_cost_more_energy_and_area(node: str, nodes) -> None:
    n = nodes[node]
    for kind in registry.kinds("adc"):
        costs = [registry.get("adc", kind)(AdcSpec(kind=kind, bits=b), n) for b in range(1, 13)]
        assert increasing([c.energy_pj("convert") for c in costs]), kind
        assert increasing([c.area_um2 for c in costs]), kind


def test_faster_sar_costs_more_energy_per_conversion(nodes) -> None:
    n = nodes["32nm"]
    f_max = registry.get("adc", "sar")(AdcSpec(bits=8), n).info["max_sample_rate_msps"]
    rates = [f_max * k / 10 for k in range(1, 11)]
    e = [registry.get("adc", "sar")(AdcSpec(bits=8, sample_rate_msps=r), n).energy_pj("convert")
         for r in rates]
    assert increasing(e)


@pytest.mark.parametrize("node", NODE_NAMES)
def test_bigger_buffer_more_area_and_access_energy(node: str, nodes) -> None:
    n = nodes[node]
    for kind in registry.kinds("buffer"):
        caps = [1, 4, 16, 64, 256, 1024]
        costs = [registry.get("buffer", kind)(BufferSpec(kind=kind, capacity_kb=c,
                                                         width_bits=128), n) for c in caps]
        assert increasing([c.area_um2 for c in costs]), kind
        assert increasing([c.energy_pj("read") for c in costs]), kind
        assert increasing([c.energy_pj("write") for c in costs]), kind
        assert increasing([c.leakage_uw for c in costs]), kind


def test_smaller_node_smaller_cell_and_array(nodes, devices) -> None:
    sub = SubarraySpec(rows=128, cols=128, cell=CellSpec(type="1t1r"))
    dev = devices["rram"]
    areas = [registry.get("array", "1t1r")(sub, tech(nodes[n], dev)).info["cell_area_um2"]
             for n in NODE_NAMES]  # NODE_NAMES: smallest feature first
    assert increasing(areas)


@pytest.mark.parametrize("node", NODE_NAMES)
def test_longer_wire_more_energy(node: str, nodes) -> None:
    n = nodes[node]
    for kind in registry.kinds("interconnect"):
        spans = [100.0, 300.0, 900.0, 2700.0, 8100.0]
        e = [registry.get("interconnect", kind)(InterconnectSpec(kind=kind), n, endpoints=16,
                                                span_um=s).energy_pj("transfer") for s in spans]
        assert increasing(e), kind


@pytest.mark.parametrize("device", DEVICE_NAMES)
@pytest.mark.parametrize("node", ["22nm", "65nm"])
def test_array_read_energy_rises_with_parallel_rows_density_and_conductance(
        node: str, device: str, nodes, devices) -> None:
    t = tech(nodes[node], devices[device])
    kind = {"sram": "sram6t", "fefet": "1fefet"}.get(devices[device].kind, "1t1r")
    fn = registry.get("array", kind)

    def e(parallel: int, dens: float = 0.5, g: float = 0.5) -> float:
        sub = SubarraySpec(rows=256, cols=64, parallel_rows=parallel, cell=CellSpec(type=kind))
        act = ActivitySpec(input_bit_density=dens, mean_conductance_fraction=g)
        return fn(sub, t, activity=act).energy_pj("read")

    if kind.startswith("sram"):
        # SRAM: the bit line discharge saturates at the full swing once enough
        # cells conduct, so the energy only rises until then
        assert nondecreasing([e(p) for p in (1, 8, 32, 128, 256)])
        assert increasing([e(1, 1.0, g) for g in (0.0, 0.5, 1.0)])
        return
    assert increasing([e(p) for p in (1, 8, 32, 128, 256)])
    assert increasing([e(64, d) for d in (0.0, 0.25, 0.5, 1.0)])
    assert increasing([e(64, 0.5, g) for g in (0.0, 0.5, 1.0)])


def test_write_energy_scales_with_program_and_verify_pulses(nodes, devices) -> None:
    dev = devices["rram"]
    sub = SubarraySpec()
    e = [registry.get("array", "1t1r")(sub, tech(nodes["22nm"], dev.model_copy(
        update={"write_pulses_per_level": p}))).energy_pj("write_cell") for p in (1, 2, 4)]
    assert e[1] == pytest.approx(2 * e[0]) and e[2] == pytest.approx(4 * e[0])


def test_0t1r_half_select_costs_more_than_the_cell(nodes, devices) -> None:
    t = tech(nodes["22nm"], devices["rram"])
    c = registry.get("array", "0t1r")(SubarraySpec(cell=CellSpec(type="0t1r")), t)
    assert c.energy_pj("write_cell") > t.device.write_energy_pj


@settings(max_examples=40, deadline=None)
@given(bits=st.integers(1, 30), extra=st.integers(1, 16))
def test_digital_width_monotonic(bits: int, extra: int) -> None:
    from _component_cases import all_nodes

    n = all_nodes()["22nm"]
    for kind, action in (("adder", "add"), ("accumulator", "accumulate"), ("register", "write"),
                         ("shift_add", "op"), ("mac_unit", "mac")):
        small = registry.get("digital", kind)(bits, n)
        big = registry.get("digital", kind)(bits + extra, n)
        assert big.energy_pj(action) > small.energy_pj(action), kind
        assert big.area_um2 > small.area_um2, kind


@settings(max_examples=40, deadline=None)
@given(inputs=st.integers(2, 512), bits=st.integers(1, 24))
def test_adder_tree_counts(inputs: int, bits: int) -> None:
    from _component_cases import all_nodes

    n = all_nodes()["22nm"]
    c = registry.get("digital", "adder_tree")(inputs, bits, n)
    more = registry.get("digital", "adder_tree")(inputs + 1, bits, n)
    assert c.info["adders"] == inputs - 1
    assert c.info["levels"] == (inputs - 1).bit_length()
    assert more.energy_pj("reduce") > c.energy_pj("reduce")


@settings(max_examples=30, deadline=None)
@given(rows=st.integers(2, 4096))
def test_decoder_grows_with_rows(rows: int) -> None:
    from _component_cases import all_nodes

    n = all_nodes()["22nm"]
    a = registry.get("decoder", "row_decoder")(rows, n)
    b = registry.get("decoder", "row_decoder")(rows * 2, n)
    assert b.area_um2 > a.area_um2
    assert b.energy_pj("decode") > a.energy_pj("decode")


def test_toggle_scales_digital_and_wire_energy(nodes) -> None:
    n = nodes["22nm"]
    lo = registry.get("digital", "adder")(16, n, toggle=0.1).energy_pj("add")
    hi = registry.get("digital", "adder")(16, n, toggle=0.9).energy_pj("add")
    assert hi == pytest.approx(9 * lo)
    w = [registry.get("interconnect", "htree")(InterconnectSpec(), n, endpoints=8, span_um=2000,
                                               toggle=t).energy_pj("transfer") for t in (0.2, 0.4)]
    assert w[1] == pytest.approx(2 * w[0])


def test_calibration_factors_scale_what_they_name(nodes, devices) -> None:
    from ppa_sim.spec.architecture import CalibrationSpec

    n = nodes["22nm"]
    cal = CalibrationSpec(adc_energy_factor=2.0, adc_area_factor=3.0, array_area_factor=1.5)
    a0 = registry.get("adc", "sar")(AdcSpec(), n)
    a1 = registry.get("adc", "sar")(AdcSpec(), n, calibration=cal)
    assert a1.energy_pj("convert") == pytest.approx(2 * a0.energy_pj("convert"))
    assert a1.area_um2 == pytest.approx(3 * a0.area_um2)
    t = tech(n, devices["rram"])
    r0 = registry.get("array", "1t1r")(SubarraySpec(), t)
    r1 = registry.get("array", "1t1r")(SubarraySpec(), t, calibration=cal)
    assert r1.area_um2 == pytest.approx(1.5 * r0.area_um2)
