"""Layers and designs WITHOUT ``dac.signed_input`` whose outputs and activity records were
frozen (``data/unsigned_golden.pt``) before signed drive was added to the accuracy path:
``test_signed_input.py`` asserts they stay bit-identical.

Regenerate (only when an intended change of the unsigned path is made)::

    .venv/bin/python tests/accuracy/unsigned_cases.py
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

from ppa_sim.accuracy import SimOptions, convert
from ppa_sim.accuracy.activity import start_recording, stop_recording
from ppa_sim.api import load_design

GOLDEN = Path(__file__).parent / "data" / "unsigned_golden.pt"

#: resistances with no small rational ratio: no partial sum sits on an ADC rounding tie
NO_TIES = {"technology.device.r_on_ohm": 6151.37, "technology.device.r_off_ohm": 93127.91}
QUANT64 = SimOptions(variation=False, read_noise=False, faults=False, dtype="float64",
                     input_range="dynamic", adc_range_fraction=0.9176543)

#: (name, design, overrides, options, module factory, input shape, signed input)
CASES = [
    ("linear_diff_bitserial", "default", {"subarray.rows": 16, "subarray.cols": 32, **NO_TIES},
     QUANT64, lambda: nn.Linear(37, 5), (3, 37), True),
    ("conv_offset_dac2", "default",
     {"subarray.rows": 16, "subarray.cols": 32, "weights.mapping": "offset",
      "subarray.parallel_rows": 4, "subarray.dac.encoding": "dac", "subarray.dac.dac_bits": 2,
      "subarray.dac.bits": 6, "subarray.adc.bits": 6, **NO_TIES},
     QUANT64, lambda: nn.Conv2d(5, 4, 3, padding=1), (2, 5, 5, 5), True),
    ("conv_analog_pair", "default",
     {"subarray.rows": 16, "subarray.cols": 16, "weights.bits": None,
      "technology.device.levels": 6, "weights.differential_readout": "analog",
      "subarray.adc.bits": 7, **NO_TIES},
     QUANT64, lambda: nn.Conv2d(6, 4, 3, stride=2, groups=2, padding=1), (2, 6, 6, 6), True),
    ("conv_nonneg_default", "default", {}, SimOptions(),
     lambda: nn.Conv2d(3, 8, 3, padding=1), (2, 3, 8, 8), False),
    ("linear_noisy_default", "default", {}, SimOptions(),
     lambda: nn.Linear(150, 12), (4, 150), True),
    # frozen when the neuron was read like any ADC (one conversion per input cycle): that
    # read-out is now the SAR's; the neuron's own is tested against a loop reference
    # (test_neuron_readout.py)
    ("neurram_unsigned_linear", "published/neurram_130nm",
     {"subarray.dac.signed_input": False, "subarray.adc.kind": "sar"}, SimOptions(),
     lambda: nn.Linear(300, 10), (4, 300), True),
    # dac.signed_input on non-neuron ADCs (frozen before the neuron's analog integration
    # was modelled): a bipolar SAR with bit-serial ternary drive, and NeuRRAM's array
    # read through a SAR instead of its neuron
    ("signed_linear_sar", "default",
     {"subarray.rows": 16, "subarray.cols": 32, "subarray.dac.signed_input": True, **NO_TIES},
     QUANT64, lambda: nn.Linear(37, 5), (3, 37), True),
    ("neurram_sar_signed_conv", "published/neurram_130nm",
     {"subarray.adc.kind": "sar", "subarray.adc.params": {}}, SimOptions(),
     lambda: nn.Conv2d(3, 8, 3, padding=1), (2, 3, 8, 8), True),
]


def run_case(i: int) -> dict[str, object]:
    """Outputs and activity record of case ``i`` (deterministic: fixed seeds)."""
    name, arch, over, opts, factory, shape, signed = CASES[i]
    torch.manual_seed(100 + i)
    mod = factory()
    x = torch.randn(shape) if signed else torch.rand(shape)
    design = load_design(arch, over)
    hw = convert(nn.Sequential(mod), design, options=opts, seed=7)
    if opts.dtype == "float64":
        x = x.double()
    start_recording(hw)
    with torch.no_grad():
        y = hw(x)
    act = stop_recording(hw)
    return {"y": y, "activity": act}


if __name__ == "__main__":  # pragma: no cover - regeneration helper
    torch.set_num_threads(1)
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    torch.save({c[0]: run_case(i) for i, c in enumerate(CASES)}, GOLDEN)
    print(f"wrote {GOLDEN}")
