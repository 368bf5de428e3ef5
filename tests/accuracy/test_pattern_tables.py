"""``SimOptions.pattern_tables``: read groups of a few rows driven by 0/1 bit-serial planes
are computed once per input pattern and gathered; the outputs must equal the direct path's
bit for bit (same partial sums, same ADC, same summation order, same read-noise draws)."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from ppa_sim.accuracy import SimOptions, convert
from ppa_sim.accuracy.layers import CrossbarLayer
from ppa_sim.api import load_design

#: NeuroSim-like offset mapping on 1-bit cells (reference columns), as the benchmark's (b)
OFFSET = {"subarray.cell.bits": 1, "weights.mapping": "offset"}
NOISY = {"technology.device.c2c_read_noise": 0.05}


def _run(module: nn.Module, x: torch.Tensor, over: dict, opts: SimOptions,
         monkeypatch: pytest.MonkeyPatch) -> tuple[torch.Tensor, int]:
    calls = []
    original = CrossbarLayer._table_pass

    def spy(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        calls.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(CrossbarLayer, "_table_pass", spy)
    hw = convert(nn.Sequential(module), load_design("default", over), options=opts, seed=3)
    with torch.no_grad():
        y = hw(x)
    monkeypatch.setattr(CrossbarLayer, "_table_pass", original)
    return y, len(calls)


@pytest.mark.parametrize("over", [{}, OFFSET, NOISY, {**OFFSET, **NOISY}],
                         ids=["differential", "offset", "read_noise", "offset_read_noise"])
@pytest.mark.parametrize("case", ["conv_large_map", "conv_small_map", "conv_signed",
                                  "conv_stride", "linear"])
def test_tables_equal_direct_path(case: str, over: dict,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    torch.manual_seed(11)
    module, x = {
        "conv_large_map": (nn.Conv2d(3, 16, 3, padding=1), torch.rand(2, 3, 20, 20)),
        "conv_small_map": (nn.Conv2d(3, 16, 3, padding=1), torch.rand(4, 3, 8, 8)),
        "conv_signed": (nn.Conv2d(2, 8, 3, padding=1), torch.randn(3, 2, 9, 9)),
        "conv_stride": (nn.Conv2d(3, 8, 3, stride=2, padding=1), torch.rand(2, 3, 33, 33)),
        "linear": (nn.Linear(5, 7), torch.rand(64, 5)),
    }[case]
    opts = SimOptions()  # float32, variation on: the default configuration
    y_tab, n_tab = _run(module, x, over, opts, monkeypatch)
    y_dir, n_dir = _run(module, x, over, opts.model_copy(update={"pattern_tables": False}),
                        monkeypatch)
    assert n_tab > 0 and n_dir == 0  # the table path ran, and only when enabled
    assert torch.equal(y_tab, y_dir)
    assert y_tab.abs().max() > 0


def test_tables_float64_and_ideal_input_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    """float64 quantised read-out: equal; multi-bit DAC planes (not 0/1) never use tables."""
    torch.manual_seed(12)
    conv, x = nn.Conv2d(3, 8, 3, padding=1), torch.rand(2, 3, 16, 16).double()
    opts = SimOptions(variation=False, read_noise=False, faults=False, dtype="float64")
    y_tab, n_tab = _run(conv, x, OFFSET, opts, monkeypatch)
    y_dir, _ = _run(conv, x, OFFSET, opts.model_copy(update={"pattern_tables": False}),
                    monkeypatch)
    assert n_tab > 0 and torch.equal(y_tab, y_dir)
    dac2 = {"subarray.dac.encoding": "dac", "subarray.dac.dac_bits": 2}
    _, n_multi = _run(conv, x, dac2, opts, monkeypatch)
    assert n_multi == 0


@pytest.mark.parametrize("stride", [1, 2])
def test_large_map_compact_per_image_equals_torch(stride: int) -> None:
    """Maps of >= 256 grid points run per image on a copy of the real output positions
    (no padding columns): with every non-ideality off they equal torch's convolution."""
    torch.manual_seed(13)
    conv = nn.Conv2d(8, 6, 3, stride=stride, padding=1).double()
    x = torch.randn(2, 8, 34, 34, dtype=torch.float64)  # grid 34 x 36 >= 256 points
    opts = SimOptions(dtype="float64").ideal()
    for over in ({}, {"weights.mapping": "offset", "subarray.cell.bits": 1},
                 {"subarray.rows": 16, "subarray.parallel_rows": 4}):
        hw = convert(nn.Sequential(conv), load_design("default", over), options=opts)
        with torch.no_grad():  # weight levels are computed in float32 (program())
            torch.testing.assert_close(hw(x), conv(x), rtol=1e-6, atol=1e-6)
