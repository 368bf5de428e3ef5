"""One rule on the width of an exact digital read-out (adc kind ``adder_tree``), checked at
load time so that the estimator refuses what the accuracy path refuses.

The column sum of ``rows`` one-bit products is 0..rows: log2(rows) + 1 bits; ternary
products (``dac.signed_input``) sum to -rows..rows: log2(rows) + 2 bits.
"""

from __future__ import annotations

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from ppa_sim import accuracy
from ppa_sim.api import estimate
from ppa_sim.errors import ConfigError
from ppa_sim.spec.load import exact_readout_problem, load_design

SIGNED = {"subarray.dac.signed_input": True}


@given(rows=st.integers(1, 4096), bits=st.integers(1, 16), signed=st.booleans())
def test_rule_is_the_range_of_the_column_sum(rows: int, bits: int, signed: bool) -> None:
    top = 2 ** (bits - 1) - 1 if signed else 2 ** bits - 1   # largest code magnitude
    p = exact_readout_problem("adder_tree", bits, rows, signed)
    assert (p is None) == (top >= rows)
    if p is not None:
        assert p.key_path == "subarray.adc.bits" and p.value == bits
        assert p.allowed == f">= {rows.bit_length() + (1 if signed else 0)}"


def test_signed_inputs_on_the_shipped_adder_tree_are_a_located_config_error() -> None:
    # sram_digital_22nm: 128 rows at once, 8-bit tree: enough unsigned, one bit short signed
    load_design("sram_digital_22nm")
    with pytest.raises(ConfigError, match=r"log2\(rows\) \+ 2") as e:
        load_design("sram_digital_22nm", SIGNED)
    (p,) = e.value.problems
    assert p.file.endswith("sram_digital_22nm.yaml") and p.line is not None
    assert (p.key_path, p.value, p.allowed) == ("subarray.adc.bits", 8, ">= 9")
    # the estimator (through the API) refuses it too, and takes it with the sign bit
    with pytest.raises(ConfigError, match="signed"):
        estimate("sram_digital_22nm", "lenet5", overrides=SIGNED)
    ok = estimate("sram_digital_22nm", "lenet5",
                  overrides={**SIGNED, "subarray.adc.bits": 9})
    assert ok.energy_pj > 0
    # fewer rows at once need fewer bits
    load_design("sram_digital_22nm", {**SIGNED, "subarray.parallel_rows": 64})


def test_both_paths_agree_on_the_boundary() -> None:
    m = torch.nn.Sequential(torch.nn.Linear(64, 4))
    for bits, signed in ((7, False), (8, True)):
        over = {"subarray.adc.bits": bits, **(SIGNED if signed else {})}
        with pytest.raises(ConfigError, match="log2"):
            load_design("sram_digital_22nm", over)
        over["subarray.adc.bits"] = bits + 1
        accuracy.convert(m, load_design("sram_digital_22nm", over))  # accepted by both
