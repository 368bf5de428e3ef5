"""Analog differential read-out, shift-add only where needed, integrating ADCs, mesh links."""

from __future__ import annotations

import pytest

from ppa_sim.errors import ConfigError
from ppa_sim.mapping.planner import plan
from ppa_sim.mapping.schedule import schedule
from ppa_sim.network import Layer, Network
from ppa_sim.rollup import estimate_design
from ppa_sim.spec.load import design_from_dict

BASE = {"name": "t", "technology": {"node": "22nm", "device": "rram"},
        "subarray": {"rows": 128, "cols": 128, "cell": {"type": "1t1r", "levels": 4},
                     "adc": {"kind": "sar", "bits": 6, "columns_per_adc": 1}},
        "weights": {"bits": None, "mapping": "differential"},
        "mapping": {"duplication": "none"}}


def design(**over: object):
    return design_from_dict(dict(BASE), overrides=over)


def linear(rows: int, outs: int) -> Network:
    lay = Layer("fc", "linear", (rows,), (outs,), in_channels=rows, out_channels=outs)
    return Network(name="fc", input_shape=(rows,), layers=(lay,))


def events(d, net):
    return schedule(plan(net, d), d)[0].counts


def test_analog_readout_converts_each_pair_once():
    net = linear(128, 64)  # 64 weights = 128 columns = one subarray
    dig, ana = design(), design(**{"weights.differential_readout": "analog"})
    cd, ca = events(dig, net), events(ana, net)
    assert ca["adc_convert"] == pytest.approx(cd["adc_convert"] / 2)
    assert cd["slice_add"] > 0 and ca["slice_add"] == 0  # no digital G+ - G- subtraction
    assert ana.arch.adcs_per_subarray == dig.arch.adcs_per_subarray // 2
    ed, ea = estimate_design(dig, net), estimate_design(ana, net)
    assert ea.area_breakdown_um2["adc"] == pytest.approx(ed.area_breakdown_um2["adc"] / 2)
    assert ea.energy_breakdown_pj["adc"] == pytest.approx(ed.energy_breakdown_pj["adc"] / 2)


def test_analog_readout_with_shared_adcs_muxes_pairs():
    d = design(**{"weights.differential_readout": "analog", "subarray.adc.columns_per_adc": 4})
    assert d.arch.adcs_per_subarray == 128 // 8
    c = events(d, linear(128, 64))
    assert c["mux_switch"] == c["array_read"] * 4  # 64 pairs over 16 ADCs


@pytest.mark.parametrize("over", [{"weights.mapping": "offset"},
                                  {"subarray.cols": 132, "subarray.adc.columns_per_adc": 4}])
def test_analog_readout_invalid_combinations(over):
    with pytest.raises(ConfigError, match="differential"):
        design(**{"weights.differential_readout": "analog", **over})


def test_no_shift_add_when_one_read_gives_the_dot_product():
    one = design(**{"subarray.dac.encoding": "dac", "subarray.dac.bits": 4,
                    "subarray.dac.dac_bits": 4, "weights.differential_readout": "analog"})
    serial = design(**{"subarray.dac.bits": 4})
    partial = design(**{"subarray.dac.encoding": "dac", "subarray.dac.bits": 4,
                        "subarray.dac.dac_bits": 4, "subarray.parallel_rows": 32})
    net = linear(128, 64)
    assert events(one, net)["shift_add"] == 0
    assert events(serial, net)["shift_add"] == events(serial, net)["adc_convert"] > 0
    assert events(partial, net)["shift_add"] == events(partial, net)["adc_convert"] > 0
    e1 = estimate_design(one, net)
    sub = next(n for n in e1.tree.children[0].children[0].children[0].children
               if n.name == "subarray")
    shadd = next(leaf for leaf in sub.children if leaf.name == "shift_add")
    # analog pair subtraction and one read per dot product: nothing is shifted or added
    assert shadd.area_um2 == 0 and shadd.energy_pj == 0


def test_integrating_adc_converts_during_the_read():
    cco = design(**{"subarray.adc.kind": "cco", "subarray.adc.bits": 6})
    sar = design()
    net = linear(128, 64)
    t_cco = estimate_design(cco, net).meta["read_step_ns"]
    t_sar = estimate_design(sar, net).meta["read_step_ns"]
    read = cco.device.read_pulse_ns
    assert t_cco < read + 2 ** 6 * 0.3  # not read + conversion in series
    assert t_cco >= read
    assert t_sar > read


def test_mesh_moves_tile_data_in_parallel():
    net = linear(128, 64 * 16)  # 16 tiles' worth of outputs
    over = {"chip.tiles": 16, "tile.pes": 1, "pe.subarrays": 1,
            "mapping.execution": "pipelined"}
    mesh = estimate_design(design(**over, **{"chip.interconnect.kind": "mesh"}), net)
    htree = estimate_design(design(**over, **{"chip.interconnect.kind": "htree"}), net)
    assert mesh.meta["chip_bus_ns"] < htree.meta["chip_bus_ns"] / 4
