"""weights.differential_readout: analog in the accuracy path: one signed conversion per
G+/G- pair (the same cut the estimator counts), against the digital subtraction."""

from __future__ import annotations

import torch
from torch import nn

from ppa_sim.accuracy import convert
from ppa_sim.accuracy.options import SimOptions
from ppa_sim.spec.load import design_from_dict

BASE = {"name": "t", "technology": {"node": "14nm", "device": "pcm"},
        "subarray": {"rows": 64, "cols": 64, "cell": {"type": "1t1r", "levels": 16},
                     "adc": {"kind": "sar", "bits": 6, "columns_per_adc": 1},
                     "dac": {"encoding": "dac", "bits": 8, "dac_bits": 8}},
        "weights": {"bits": None, "mapping": "differential"},
        "mapping": {"duplication": "none"}}
OPTS = SimOptions(variation=False, read_noise=False, faults=False, drift_compensation=False)


def _run(readout: str, adc_bits: int, x: torch.Tensor, lin: nn.Module) -> torch.Tensor:
    d = design_from_dict(dict(BASE), overrides={"weights.differential_readout": readout,
                                                "subarray.adc.bits": adc_bits})
    m = convert(lin, d, options=OPTS)
    with torch.no_grad():
        return m(x)


def test_analog_pair_readout_matches_ideal_at_high_resolution():
    torch.manual_seed(0)
    lin = nn.Sequential(nn.Linear(64, 16, bias=False))
    x = torch.rand(8, 64)
    ideal = _run("analog", 6, x, lin)
    d = design_from_dict(dict(BASE), overrides={"weights.differential_readout": "analog"})
    no_adc = convert(lin, d, options=SimOptions(variation=False, read_noise=False,
                                                faults=False, drift_compensation=False,
                                                adc=False))
    with torch.no_grad():
        exact = no_adc(x)
    hi = _run("analog", 12, x, lin)
    err_hi = (hi - exact).abs().mean()
    err_lo = (ideal - exact).abs().mean()
    assert err_hi < err_lo  # more ADC bits, closer to the analog result
    assert err_hi < 0.02 * exact.abs().mean()


def test_analog_and_digital_readout_quantise_differently():
    torch.manual_seed(1)
    lin = nn.Sequential(nn.Linear(64, 16, bias=False))
    x = torch.rand(8, 64)
    a = _run("analog", 4, x, lin)
    dg = _run("digital", 4, x, lin)
    assert not torch.allclose(a, dg)  # one signed conversion vs two unsigned ones
    # both approximate the same product; the signed ADC spans -FS..+FS, so at equal bits
    # its step is twice a column ADC's and the analog read-out is the coarser one
    ref = x @ lin[0].weight.detach().t()
    for ro in ("analog", "digital"):
        y = _run(ro, 6, x, lin)
        assert torch.corrcoef(torch.stack([y.flatten(), ref.flatten()]))[0, 1] > 0.95
    err = {ro: float((_run(ro, 6, x, lin) - ref).abs().mean()) for ro in ("analog", "digital")}
    assert err["analog"] > err["digital"]
