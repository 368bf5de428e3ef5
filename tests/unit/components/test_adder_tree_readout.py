"""Digital CIM readout (adc kind ``adder_tree``): exact, and read losslessly by the accuracy path."""

from __future__ import annotations

import pytest
import torch
from _component_cases import all_nodes

from ppa_sim import accuracy
from ppa_sim.accuracy.options import SimOptions
from ppa_sim.components import get
from ppa_sim.errors import ConfigError
from ppa_sim.spec.architecture import AdcSpec
from ppa_sim.spec.load import load_design


def _tree(bits: int, node: str = "22nm"):
    return get("adc", "adder_tree")(AdcSpec(kind="adder_tree", bits=bits, columns_per_adc=1),
                                    all_nodes()[node])


def test_operands_exactness_and_growth() -> None:
    c7, c8 = _tree(7), _tree(8)
    assert c8.info["operands"] == 128 and c8.info["exact"] == 1.0 and c8.info["enob"] == 8
    assert c8.info["full_adders"] == pytest.approx(247)  # sum over levels of pairs x width
    # twice the operands: about twice the energy and area, one more tree level of latency
    assert 1.8 < c8.energy_pj("convert") / c7.energy_pj("convert") < 2.2
    assert 1.8 < c8.area_um2 / c7.area_um2 < 2.2
    assert c8.latency_ns("convert") > c7.latency_ns("convert")


def test_toggle_param_scales_energy_and_is_checked() -> None:
    node = all_nodes()["22nm"]
    lo = get("adc", "adder_tree")(AdcSpec(kind="adder_tree", bits=8, params={"toggle": 0.1}),
                                  node)
    assert lo.energy_pj("convert") < 0.5 * _tree(8).energy_pj("convert")
    with pytest.raises(ConfigError):
        get("adc", "adder_tree")(AdcSpec(kind="adder_tree", bits=8, params={"toggle": 0.0}), node)


def test_accuracy_path_reads_the_tree_losslessly() -> None:
    torch.manual_seed(0)
    m = torch.nn.Sequential(torch.nn.Linear(300, 20))
    x = torch.rand(16, 300)
    d = load_design("sram_digital_22nm")
    assert d.arch.subarray.adc.kind == "adder_tree"
    with torch.no_grad():
        y = accuracy.convert(m, d)(x)
        ideal = accuracy.convert(m, d, options=SimOptions(adc=False))(x)
        # an 8-bit analog converter over the same 128 rows loses information
        lossy = accuracy.convert(m, load_design("sram_digital_22nm",
                                                ["subarray.adc.kind=mlsa"]))(x)
    assert float((y - ideal).abs().max()) < 1e-4
    assert float((lossy - ideal).abs().max()) > 100 * float((y - ideal).abs().max())


def test_too_few_tree_bits_is_a_config_error() -> None:
    m = torch.nn.Sequential(torch.nn.Linear(300, 20))
    with pytest.raises(ConfigError, match="log2"):
        accuracy.convert(m, load_design("sram_digital_22nm", ["subarray.adc.bits=7"]))
