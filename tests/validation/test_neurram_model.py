"""NeuRRAM (Wan et al., Nature 608, 2022) through the neuron read-out, signed inputs and
boosted word lines: every anchor within the issue's 25 % macro tolerance."""

from __future__ import annotations

import pytest

from ppa_sim import validation
from ppa_sim.spec.load import load_design


def test_all_neurram_anchors_within_tolerance(results):
    ids = [k for k in results if k.startswith("neurram.")]
    assert len(ids) == len(validation.NEURRAM_TOPS_W) + 2 * len(validation.NEURRAM_FJ_PER_OP)
    for k in ids:
        assert abs(results[k].rel_error) <= validation.MACRO_TOL, (k, results[k].value)
        assert k not in validation.KNOWN_GAPS


def test_one_and_two_bit_inputs_take_one_cycle(results):
    # signed ternary drivers: 1b and 2b inputs cost nearly the same per op
    # (Extended Data Fig. 12b: 23.1 vs 24.6 fJ/op), the 2-bit output just one step more
    e1 = 1e3 / results["neurram.tops_w.in1_out3"].value
    e2 = 1e3 / results["neurram.tops_w.in2_out4"].value
    assert e1 < e2 < 1.2 * e1


def test_neuron_leaf_is_the_neuron_model_times_conversions():
    # the macro's adc leaf = 256 neurons x one MVM of the neuron model
    from ppa_sim.components import get

    d = load_design(validation.PUBLISHED_DIR / "neurram_130nm.yaml",
                    {**validation.MACRO_OVERRIDES, "subarray.dac.bits": 4,
                     "subarray.adc.bits": 6})
    m = validation.macro_figures(d)
    sub = d.arch.subarray
    c = get("adc", "neuron")(sub.adc, d.node, dac=sub.dac)
    assert m.breakdown_pj["adc"] == pytest.approx(256 * c.info["mvm_energy_pj"], rel=1e-9)
    # and the MVM takes the neuron's 3.99 us (+ the 3 array reads)
    assert c.info["mvm_latency_ns"] == pytest.approx(3990.0)
    assert 3990.0 < m.time_ns < 3990.0 + 3 * 20.0
