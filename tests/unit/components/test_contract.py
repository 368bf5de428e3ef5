"""Contract test: every registered component of every group, for every node and
device in technology/, returns finite, positive costs for every action it
documents (ppa_sim.components module docstring)."""

from __future__ import annotations

import math

import pytest
from _component_cases import DEVICE_NAMES, NODE_NAMES, tech

from ppa_sim.components import registry
from ppa_sim.cost import ComponentCost
from ppa_sim.errors import ConfigError
from ppa_sim.spec.architecture import (
    ActivitySpec,
    AdcSpec,
    BufferSpec,
    CellSpec,
    DacSpec,
    InterconnectSpec,
    SubarraySpec,
)

EXPECTED = {
    "array": {"1t1r", "0t1r", "sram6t", "sram8t", "1fefet"},
    "adc": {"sar", "flash", "mlsa", "ramp", "cco", "adder_tree"},
    "dac": {"wl_driver", "dac", "level_shifter"},
    "decoder": {"row_decoder", "switch_matrix"},
    "mux": {"column_mux"},
    "digital": {"shift_add", "adder", "adder_tree", "accumulator", "activation", "pool",
                "mac_unit", "register"},
    "buffer": {"sram", "edram", "register_file"},
    "interconnect": {"htree", "bus", "mesh"},
}
#: Kinds added for the calibration against published silicon (issue #9); kept apart from
#: EXPECTED because the array test builds a cell of EXPECTED["array"]'s types.
CALIBRATION_KINDS = {
    "array": {"c2c"},
    "adc": {"sa_flash", "neuron", "cdac_sar"},
    "dac": {"r2r", "pulse_count", "line_switch"},
}
DOCUMENTED = {g: k | CALIBRATION_KINDS.get(g, set()) for g, k in EXPECTED.items()}
ACTIONS = {
    "array": {"read", "write_cell", "write_row"},
    "adc": {"convert"},
    "buffer": {"read", "write"},
    "interconnect": {"transfer"},
    "mux": {"switch"},
}


def check(cost: ComponentCost, actions: set[str], *, what: object, idle_ok: bool = False) -> None:
    """Finite, positive costs; ``idle_ok``: energies may be 0 (no input activity)."""
    assert isinstance(cost, ComponentCost), what
    assert math.isfinite(cost.area_um2) and cost.area_um2 > 0, (what, cost.area_um2)
    assert math.isfinite(cost.leakage_uw) and cost.leakage_uw >= 0, (what, cost.leakage_uw)
    assert actions <= set(cost.actions), (what, sorted(cost.actions))
    for name, a in cost.actions.items():
        assert math.isfinite(a.energy_pj), (what, name, a)
        assert a.energy_pj >= 0 if idle_ok else a.energy_pj > 0, (what, name, a)
        assert math.isfinite(a.latency_ns) and a.latency_ns > 0, (what, name, a)
    for k, v in cost.info.items():
        assert math.isfinite(v), (what, k, v)


def test_every_documented_kind_is_registered() -> None:
    for group, kinds in DOCUMENTED.items():
        assert kinds <= set(registry.kinds(group)), group


def test_contract_docstring_names_every_kind() -> None:
    import ppa_sim.components as comp

    doc = comp.__doc__ or ""
    for group, kinds in DOCUMENTED.items():
        assert f'"{group}"' in doc
        for kind in kinds:
            assert f'"{kind}"' in doc, kind


def _sub(cell: str, **kw) -> SubarraySpec:
    return SubarraySpec(rows=128, cols=128, cell=CellSpec(type=cell, bits=1), **kw)


@pytest.mark.parametrize("device", DEVICE_NAMES)
@pytest.mark.parametrize("node", NODE_NAMES)
def test_array_and_input_side(node: str, device: str, nodes, devices) -> None:
    t = tech(nodes[node], devices[device])
    for kind in registry.kinds("array"):
        sub = _sub(kind if kind in EXPECTED["array"] else "1t1r")
        fn = registry.get("array", kind)
        if kind == "0t1r" and devices[device].cell_area_0t1r_f2 is None:
            with pytest.raises(ConfigError):
                fn(sub, t)
            continue
        check(fn(sub, t), ACTIONS["array"], what=(node, device, kind))
        idle = ActivitySpec(input_bit_density=0.0, mean_conductance_fraction=0.0)
        check(fn(sub, t, activity=idle), ACTIONS["array"], what=(node, device, kind),
              idle_ok=True)
    sub = _sub("1t1r")
    for kind in registry.kinds("dac"):
        dac = DacSpec(encoding="dac", bits=8, dac_bits=4) if kind == "dac" else DacSpec()
        cost = registry.get("dac", kind)(dac, sub, t)
        check(cost, {"shift"} if kind == "level_shifter" else {"drive_row"},
              what=(node, device, kind))
    pwm = DacSpec(encoding="dac", bits=8, dac_bits=4, kind="wl_driver")
    check(registry.get("dac", "wl_driver")(pwm, sub, t), {"drive_row"}, what="pwm")


@pytest.mark.parametrize("node", NODE_NAMES)
def test_adc(node: str, nodes) -> None:
    n = nodes[node]
    for kind in registry.kinds("adc"):
        for bits in (1, 3, 5, 8, 10):
            check(registry.get("adc", kind)(AdcSpec(kind=kind, bits=bits), n), ACTIONS["adc"],
                  what=(node, kind, bits))


@pytest.mark.parametrize("node", NODE_NAMES)
def test_periphery_digital_memory_wires(node: str, nodes) -> None:
    n = nodes[node]
    for kind in registry.kinds("mux"):
        check(registry.get("mux", kind)(_sub("1t1r"), n), ACTIONS["mux"], what=kind)
    check(registry.get("decoder", "row_decoder")(128, n), {"decode"}, what="decoder")
    check(registry.get("decoder", "switch_matrix")(128, n, voltage_v=0.5), {"switch"},
          what="switch_matrix")
    d = lambda k: registry.get("digital", k)  # noqa: E731
    check(d("shift_add")(16, n), {"op"}, what="shift_add")
    check(d("adder")(8, n), {"add"}, what="adder")
    check(d("adder_tree")(16, 12, n), {"reduce"}, what="adder_tree")
    check(d("accumulator")(24, n), {"accumulate"}, what="accumulator")
    for f in ("relu", "identity", "sigmoid", "tanh"):
        check(d("activation")(8, n, function=f), {"op"}, what=f)
    for k in ("max", "avg"):
        check(d("pool")(8, n, window=4, kind=k), {"op"}, what=k)
    check(d("mac_unit")(8, n), {"mac"}, what="mac")
    check(d("register")(32, n), {"write"}, what="register")
    for kind in registry.kinds("buffer"):
        for spec in (BufferSpec(kind=kind, capacity_kb=2, width_bits=64),
                     BufferSpec(kind=kind, capacity_kb=256, width_bits=512, banks=8)):
            check(registry.get("buffer", kind)(spec, n), ACTIONS["buffer"], what=kind)
    for kind in registry.kinds("interconnect"):
        for endpoints, span in ((1, 50.0), (4, 300.0), (64, 8000.0)):
            check(registry.get("interconnect", kind)(InterconnectSpec(kind=kind), n,
                                                     endpoints=endpoints, span_um=span),
                  ACTIONS["interconnect"] | ({"hop"} if kind == "mesh" else set()),
                  what=(kind, endpoints))


def test_mux_absent_without_multiplexing(nodes) -> None:
    n = nodes[NODE_NAMES[0]]
    sub = SubarraySpec(rows=64, cols=64, adc=AdcSpec(columns_per_adc=1))
    c = registry.get("mux", "column_mux")(sub, n)
    assert c.area_um2 == 0 and c.energy_pj("switch") == 0 and c.info["muxes"] == 0


def test_models_do_not_mutate_or_depend_on_call_order(nodes, devices) -> None:
    t = tech(nodes["22nm"], devices["rram"]) if "22nm" in nodes else tech(
        nodes[NODE_NAMES[0]], devices[DEVICE_NAMES[0]])
    sub = _sub("1t1r")
    before = sub.model_dump()
    a = registry.get("array", "1t1r")(sub, t)
    registry.get("adc", "sar")(sub.adc, t.node)
    b = registry.get("array", "1t1r")(sub, t)
    assert a == b
    assert sub.model_dump() == before
