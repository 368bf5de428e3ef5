"""Charge-domain C-2C ladder cells (array kind "c2c") and the R-2R ladder DAC ("r2r")."""

from __future__ import annotations

import pytest

from ppa_sim.components import get
from ppa_sim.components.array import c2c_cap_area_um2
from ppa_sim.errors import ConfigError
from ppa_sim.spec.architecture import ActivitySpec
from ppa_sim.spec.load import design_from_dict

BASE = {"name": "c2c", "technology": {"node": "22nm", "device": "sram",
                                      "device_overrides": {"levels": 256}},
        "subarray": {"rows": 64, "cols": 17, "cell": {"type": "c2c", "levels": 256},
                     "adc": {"kind": "sar", "bits": 8, "columns_per_adc": 1},
                     "dac": {"encoding": "dac", "bits": 8, "dac_bits": 8, "kind": "r2r"}},
        "weights": {"bits": None, "mapping": "offset"}}


def design(**over: object):
    return design_from_dict(dict(BASE), overrides=over)


def array(d, act: ActivitySpec | None = None):
    return get("array", "c2c")(d.arch.subarray, d.tech, activity=act)


def test_c2c_read_energy_is_the_ladder_charge():
    d = design()
    sub, node = d.arch.subarray, d.node
    act = ActivitySpec(input_bit_density=0.5, mean_conductance_fraction=0.5)
    e = array(d, act).info["read_energy_cell_pj"]
    # 64 rows x 17 units x 8 bits x p1 0.5 x (C + 2C) x mean input 0.5 Vdd x Vdd
    want = 64 * 17 * 8 * 0.5 * 3 * 2.0 * 0.5 * node.vdd_v ** 2 * 1e-3
    assert e == pytest.approx(want, rel=1e-9)
    assert sub.cell.unit_cap_ff == 2.0


def test_c2c_energy_scales_with_capacitance_inputs_and_weights():
    lo, hi = design(), design(**{"subarray.cell.unit_cap_ff": 4.0})
    assert array(hi).info["read_energy_cell_pj"] == pytest.approx(
        2 * array(lo).info["read_energy_cell_pj"])
    a = ActivitySpec(input_bit_density=0.25)
    b = ActivitySpec(input_bit_density=0.5)
    assert array(lo, b).info["read_energy_cell_pj"] > array(lo, a).info["read_energy_cell_pj"]
    zero_w = ActivitySpec(mean_conductance_fraction=0.0)
    assert array(lo, zero_w).info["read_energy_cell_pj"] == 0.0
    # no DC path: a longer compute window costs no cell energy
    slow = design(**{"technology.device.read_pulse_ns": 10.0})
    assert array(slow).info["read_energy_cell_pj"] == pytest.approx(
        array(lo).info["read_energy_cell_pj"])


def test_c2c_area_holds_capacitors_and_multiplexed_words():
    d1, d8 = design(), design(**{"subarray.cell.weight_sets": 8})
    a1, a8 = array(d1), array(d8)
    assert a8.area_um2 > a1.area_um2
    caps = c2c_cap_area_um2(d1.arch.subarray, d1.tech)
    # 8 bits x (6 fF / 2.3 fF/µm² + 2 x 1 µm² border) at 22 nm
    assert caps == pytest.approx(8 * (6.0 / 2.3 + 2.0), rel=1e-9)
    assert a1.info["cell_area_um2"] > caps
    # SRAM bits leak: 8 words per ladder leak 8x as much
    assert a8.leakage_uw == pytest.approx(8 * a1.leakage_uw)


def test_c2c_needs_an_sram_device():
    with pytest.raises(ConfigError, match="does not fit"):
        design(**{"technology.device": "rram"})


def test_r2r_static_energy_and_params():
    d = design()
    dac = get("dac", "r2r")(d.arch.subarray.dac, d.arch.subarray, d.tech)
    v = d.node.vdd_v
    t = d.device.read_pulse_ns
    assert dac.info["static_energy_pj"] == pytest.approx(v ** 2 / 5000 * t * 1e3, rel=1e-9)
    d2 = design(**{"subarray.dac.params": {"ladders": 2, "reference_fraction": 0.5}})
    dac2 = get("dac", "r2r")(d2.arch.subarray.dac, d2.arch.subarray, d2.tech)
    assert dac2.info["static_energy_pj"] == pytest.approx(dac.info["static_energy_pj"] / 2)
    assert dac2.area_um2 > dac.area_um2


@pytest.mark.parametrize("kind,params", [("r2r", {"bogus": 1.0}),
                                         ("wl_driver", {"unit_resistance_ohm": 1e3}),
                                         ("r2r", {"ladders": 0.0})])
def test_dac_params_are_checked(kind, params):
    # the design load runs the model on its knobs: a located error before any estimate
    with pytest.raises(ConfigError) as e:
        design(**{"subarray.dac.kind": kind, "subarray.dac.params": params})
    assert e.value.problems[0].key_path.startswith("subarray.dac.params")
    # and the model itself rejects them (a spec built in Python)
    d = design(**{"subarray.dac.kind": kind})
    dac = d.arch.subarray.dac.model_copy(update={"params": params})
    sub = d.arch.subarray.model_copy(update={"dac": dac})
    with pytest.raises(ConfigError):
        get("dac", kind)(dac, sub, d.tech)
