"""The ``line_switch`` input driver: a PWM input pulse on the row line that carries the
cells' current (IBM HERMES' VBLs, Khaddam-Aljameh et al., IEEE JSSC 57(4) 2022), its
switch sized by NeuroSim's IR-drop rule R_TG = 0.25 x R_on / cols (SwitchMatrix.cpp,
constant.h IR_DROP_TOLERANCE)."""

from __future__ import annotations

import pytest
from _component_cases import all_devices, all_nodes, tech
from hypothesis import given, settings
from hypothesis import strategies as st

from ppa_sim.components import get
from ppa_sim.components.array import read_window
from ppa_sim.components.dac_line_switch import IR_DROP_TOLERANCE, switch_resistance_ohm
from ppa_sim.errors import ConfigError
from ppa_sim.spec.architecture import CellSpec, DacSpec, SubarraySpec

NODE = all_nodes()["14nm"]
TECH = tech(NODE, all_devices()["pcm"])


def _sub(rows: int = 256, cols: int = 512) -> SubarraySpec:
    return SubarraySpec(rows=rows, cols=cols, cell=CellSpec(type="1t1r", bits=4))


def _pwm(kind: str = "line_switch", **params) -> DacSpec:
    return DacSpec(encoding="dac", bits=8, dac_bits=8, kind=kind, params=params)


def _drv(sub: SubarraySpec, dac: DacSpec | None = None, t=TECH):
    return get("dac", "line_switch")(dac or _pwm(), sub, t)


def test_switch_resistance_follows_neurosims_ir_drop_rule():
    c = _drv(_sub())
    r_on = TECH.device.r_on_ohm
    assert c.info["r_switch_ohm"] == pytest.approx(IR_DROP_TOLERANCE * r_on / 512)
    # the pair's conductance: each device (n, p) is sized for 2 R_TG at its own on-current
    w_n = NODE.vdd_v / (NODE.ion_n_ua_per_um * 1e-6 * 2 * c.info["r_switch_ohm"])
    w_p = NODE.vdd_v / (NODE.ion_p_ua_per_um * 1e-6 * 2 * c.info["r_switch_ohm"])
    assert c.info["switch_width_um"] == pytest.approx(w_n + w_p)


def test_it_is_the_pwm_driver_plus_the_switch():
    sub = _sub()
    base = get("dac", "wl_driver")(_pwm("wl_driver"), sub, TECH)
    c = _drv(sub)
    assert c.info["pulse_steps"] == base.info["pulse_steps"] == 255
    assert c.area_um2 == pytest.approx(base.area_um2 + c.info["switch_area_um2"])
    assert c.energy_pj("drive_row") > base.energy_pj("drive_row")
    assert c.latency_ns("drive_row") >= base.latency_ns("drive_row")
    # the same PWM read window as the word-line driver (2^8 - 1 unit pulses)
    win_pwm = read_window(sub.model_copy(update={"dac": _pwm("wl_driver")}), TECH)
    assert read_window(sub.model_copy(update={"dac": _pwm()}), TECH) == win_pwm


@settings(max_examples=25, deadline=None)
@given(cols=st.sampled_from([64, 128, 256, 512, 1024]), scale=st.floats(1.5, 10.0))
def test_switch_grows_with_the_row_current(cols, scale):
    # more cells on the line, or more conductive cells: more current, a wider switch
    narrow = _drv(_sub(cols=cols))
    wide = _drv(_sub(cols=cols * 2))
    assert wide.info["switch_width_um"] == pytest.approx(2 * narrow.info["switch_width_um"])
    assert wide.info["switch_area_um2"] > narrow.info["switch_area_um2"]
    dev = TECH.device.model_copy(update={"r_on_ohm": TECH.device.r_on_ohm / scale})
    hot = _drv(_sub(cols=cols), t=tech(NODE, dev))
    assert hot.info["switch_width_um"] == pytest.approx(scale * narrow.info["switch_width_um"])


def test_looser_tolerance_gives_a_smaller_switch():
    tight = _drv(_sub(), _pwm(ir_drop_tolerance=0.1))
    loose = _drv(_sub(), _pwm(ir_drop_tolerance=0.5))
    assert tight.info["r_switch_ohm"] == pytest.approx(
        switch_resistance_ohm(_sub(), TECH, 0.1))
    assert tight.area_um2 > loose.area_um2


@pytest.mark.parametrize("bad", [0.0, -0.1, 1.5])
def test_tolerance_outside_unit_interval_is_an_error(bad):
    with pytest.raises(ConfigError, match="ir_drop_tolerance"):
        _drv(_sub(), _pwm(ir_drop_tolerance=bad))


def test_unknown_param_is_an_error():
    with pytest.raises(ConfigError, match="unknown parameter"):
        _drv(_sub(), _pwm(tolerance=0.2))
