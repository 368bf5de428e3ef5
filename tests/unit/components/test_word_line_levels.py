"""Opt-in 1T1R word-line levels (subarray.wl_high_voltage_v / wl_low_voltage_v /
wl_all_rows) and signed-input cycle counting (subarray.dac.signed_input)."""

from __future__ import annotations

import pytest
from _component_cases import tech
from pydantic import ValidationError

from ppa_sim.components import get
from ppa_sim.errors import ConfigError
from ppa_sim.spec.architecture import CellSpec, DacSpec, SubarraySpec
from ppa_sim.spec.load import load_design


def read(sub: SubarraySpec, nodes, devices, node: str = "130nm"):
    return get("array", "1t1r")(sub, tech(nodes[node], devices["rram"]))


def test_defaults_keep_vdd_swing_of_active_rows(nodes, devices) -> None:
    sub = SubarraySpec(rows=256, cols=256, cell=CellSpec(type="1t1r"))
    c = read(sub, nodes, devices)
    vdd = nodes["130nm"].vdd_v
    # 128 of 256 rows active (input density 0.5), each charged C V^2 to Vdd
    expected = 128 * c.info["c_wl_ff"] * vdd * vdd * 1e-3
    assert c.info["read_energy_wl_pj"] == pytest.approx(expected, rel=1e-9)
    # the explicit default levels give the same figure
    same = SubarraySpec(rows=256, cols=256, cell=CellSpec(type="1t1r"), wl_high_voltage_v=vdd)
    assert read(same, nodes, devices).info["read_energy_wl_pj"] == pytest.approx(expected)


def test_neurram_word_line_swing(nodes, devices) -> None:
    # every WL swings 0.9 -> 2.2 V each cycle, drawn from the 2.2 V supply:
    # E = rows x C_WL x (2.2 - 0.9) x 2.2 (Wan et al., Nature 2022, Extended Data Fig. 12b)
    sub = SubarraySpec(rows=256, cols=256, cell=CellSpec(type="1t1r"), wl_high_voltage_v=2.2,
                       wl_low_voltage_v=0.9, wl_all_rows=True)
    c = read(sub, nodes, devices)
    assert c.info["read_energy_wl_pj"] == pytest.approx(
        256 * c.info["c_wl_ff"] * 1.3 * 2.2 * 1e-3, rel=1e-9)
    # only the active rows without wl_all_rows; a higher rest level costs less
    half = sub.model_copy(update={"wl_all_rows": False})
    assert read(half, nodes, devices).info["read_energy_wl_pj"] == pytest.approx(
        c.info["read_energy_wl_pj"] / 2)
    lower = sub.model_copy(update={"wl_low_voltage_v": 0.0})
    assert read(lower, nodes, devices).info["read_energy_wl_pj"] > c.info["read_energy_wl_pj"]


def test_word_line_levels_are_checked(nodes, devices) -> None:
    with pytest.raises(ValidationError):
        SubarraySpec(wl_high_voltage_v=1.0, wl_low_voltage_v=1.0)
    with pytest.raises(ValidationError):
        SubarraySpec(cell=CellSpec(type="0t1r"), wl_all_rows=True)
    # rest level above the node's Vdd (no explicit high level): a model error
    with pytest.raises(ConfigError):
        read(SubarraySpec(cell=CellSpec(type="1t1r"), wl_low_voltage_v=1.5), nodes, devices)


@pytest.mark.parametrize("bits,signed,cycles", [
    (1, False, 1), (2, False, 2), (8, False, 8),
    (1, True, 1), (2, True, 1), (3, True, 2), (8, True, 7),
])
def test_signed_input_cycles(bits: int, signed: bool, cycles: int) -> None:
    assert DacSpec(bits=bits, signed_input=signed).cycles == cycles


def test_signed_input_reaches_the_schedule() -> None:
    from ppa_sim.mapping.planner import plan
    from ppa_sim.mapping.schedule import schedule
    from ppa_sim.validation import PUBLISHED_DIR, linear_layer_network

    net = linear_layer_network("mvm", 256, 128)
    ev = {}
    for signed in (False, True):
        d = load_design(PUBLISHED_DIR / "neurram_130nm.yaml",
                        {"subarray.dac.bits": 4, "subarray.dac.signed_input": signed})
        ev[signed] = schedule(plan(net, d), d)[0].counts["array_read"]
    assert ev[True] * 4 == ev[False] * 3
