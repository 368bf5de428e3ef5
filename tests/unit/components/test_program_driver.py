"""Opt-in column programming drivers (``write``/``column_driver``): thick-oxide drivers
sized to the device's programming current, E_write / (V_write t_write) (IBM: ~2 V,
100-500 µA for PCM, Singh et al., Nat. Electron. 2025)."""

from __future__ import annotations

import pytest
from _component_cases import all_devices, all_nodes, tech
from hypothesis import given, settings
from hypothesis import strategies as st

from ppa_sim import validation
from ppa_sim.api import load_design
from ppa_sim.components import get
from ppa_sim.components.program_driver import driver_count, program_current_ua
from ppa_sim.errors import ConfigError
from ppa_sim.spec.architecture import CellSpec, SubarraySpec

NODE = all_nodes()["14nm"]
TECH = tech(NODE, all_devices()["pcm"])


def _sub(per_col: float = 1.0, cols: int = 256) -> SubarraySpec:
    return SubarraySpec(rows=256, cols=cols, cell=CellSpec(type="1t1r", bits=4),
                        program_drivers_per_column=per_col)


def _drv(sub: SubarraySpec, t=TECH):
    return get("write", "column_driver")(sub, t)


def test_programming_current_comes_from_the_device_file():
    dev = TECH.device
    i = program_current_ua(TECH)
    assert i == pytest.approx(dev.write_energy_pj / (dev.write_voltage_v * dev.write_pulse_ns)
                              * 1e3)
    # pcm.yaml: 10 pJ / (1.5 V x 50 ns) = 133 µA, inside IBM's 100-500 µA
    assert 100 <= i <= 500
    c = _drv(_sub())
    assert c.info["program_current_ua"] == pytest.approx(i)
    assert c.info["output_width_um"] == pytest.approx(i / NODE.ion_p_ua_per_um)


@settings(max_examples=20, deadline=None)
@given(per_col=st.sampled_from([0.25, 0.5, 1.0, 2.0]), scale=st.floats(1.5, 8.0))
def test_area_scales_with_driver_count_and_current(per_col, scale):
    one = _drv(_sub(1.0))
    c = _drv(_sub(per_col))
    assert c.info["instances"] == driver_count(_sub(per_col)) == round(per_col * 256)
    assert c.area_um2 == pytest.approx(one.area_um2 * per_col)
    assert c.energy_pj("program_row") == pytest.approx(one.energy_pj("program_row") * per_col)
    # a hungrier device (more write energy at the same pulse) needs a wider output stage
    dev = TECH.device.model_copy(update={"write_energy_pj": TECH.device.write_energy_pj * scale})
    hot = _drv(_sub(1.0), tech(NODE, dev))
    assert hot.info["output_width_um"] == pytest.approx(scale * one.info["output_width_um"])
    assert hot.area_um2 > one.area_um2


def test_no_driver_is_an_error():
    with pytest.raises(ConfigError, match="program_drivers_per_column"):
        _drv(_sub(0.0))


def test_opt_in_subarray_part_with_idle_inference_energy():
    path = validation.PUBLISHED_DIR / "hermes_core_14nm.yaml"
    d = load_design(path, validation.MACRO_OVERRIDES)
    m = validation.macro_figures(d)
    sub = d.arch.subarray
    drv = _drv(sub, d.tech)
    assert drv.info["instances"] == 256  # one per HERMES unit-cell column line
    assert m.area_breakdown_um2["program_driver"] == pytest.approx(drv.area_um2)
    assert m.breakdown_pj["program_driver"] == 0.0
    off = validation.macro_figures(load_design(
        path, {**validation.MACRO_OVERRIDES, "subarray.program_drivers_per_column": 0.0}))
    assert "program_driver" not in off.area_breakdown_um2
    assert m.area_um2 - off.area_um2 == pytest.approx(drv.area_um2)
