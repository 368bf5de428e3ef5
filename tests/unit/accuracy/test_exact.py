"""Exactness of the crossbar layers.

* Ideal device, no noise, no quantisation: outputs equal native PyTorch (conv with
  groups/stride/padding/dilation, depthwise, linear, a residual network).
* Quantisation only (weights, DAC, ADC; ideal devices): outputs equal a slow
  reference written from the definitions, looping over tiles, read groups,
  columns and input planes.
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from ppa_sim.accuracy import SimOptions, convert
from ppa_sim.accuracy.layers import layer_of
from ppa_sim.api import load_design
from ppa_sim.mapping.partition import partition

IDEAL = SimOptions().ideal()

CONVS = [
    (nn.Conv2d(5, 12, 3, padding=1, stride=2), (2, 5, 9, 9)),
    (nn.Conv2d(6, 12, 3, padding=2, dilation=2, groups=3), (2, 6, 9, 9)),
    (nn.Conv2d(40, 40, 3, padding=1, groups=40, bias=False), (2, 40, 7, 7)),  # depthwise
    (nn.Conv2d(20, 7, (3, 2), padding=(1, 0), stride=(1, 1)), (2, 20, 6, 7)),
    (nn.Conv2d(3, 8, 5, stride=2, padding=0), (2, 3, 11, 11)),
    (nn.Conv2d(4, 6, 3, stride=(2, 1), padding=1), (2, 4, 8, 8)),  # unequal strides (im2col)
]


@pytest.mark.parametrize("policy", ["kernel_wise", "im2col"])
@pytest.mark.parametrize("extra", [{}, {"subarray.parallel_rows": 8},
                                   {"weights.mapping": "offset"}, {"subarray.rows": 16}])
@pytest.mark.parametrize("case", range(len(CONVS)))
def test_ideal_conv_equals_torch(policy: str, extra: dict, case: int) -> None:
    torch.manual_seed(case)
    mod, shape = CONVS[case]
    if policy == "kernel_wise" and mod.stride[0] != mod.stride[1]:
        policy = "im2col"  # kernel-wise with unequal strides is refused (tested below)
    design = load_design("default", {"mapping.policy": policy, **extra})
    net = nn.Sequential(mod)
    x = torch.randn(shape)
    hw = convert(net, design, options=IDEAL)
    with torch.no_grad():
        torch.testing.assert_close(hw(x), net(x), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("extra", [{}, {"subarray.rows": 16, "subarray.parallel_rows": 4},
                                   {"weights.mapping": "offset"}])
def test_ideal_linear_equals_torch(extra: dict) -> None:
    torch.manual_seed(1)
    net = nn.Sequential(nn.Linear(300, 17), nn.ReLU(), nn.Linear(17, 5, bias=False))
    x = torch.randn(6, 300)
    hw = convert(net, load_design("default", extra), options=IDEAL)
    with torch.no_grad():
        torch.testing.assert_close(hw(x), net(x), rtol=1e-4, atol=1e-4)
        # leading token dimension
        xt = torch.randn(2, 3, 300)
        torch.testing.assert_close(hw(xt), net(xt), rtol=1e-4, atol=1e-4)


def test_ideal_residual_network_equals_torch() -> None:
    from ppa_sim.network.models import resnet20

    torch.manual_seed(0)
    net = resnet20().eval()
    x = torch.randn(2, 3, 32, 32)
    hw = convert(net, load_design("default"), options=IDEAL)
    with torch.no_grad():
        torch.testing.assert_close(hw(x), net(x), rtol=1e-3, atol=1e-4)


def test_original_model_untouched_and_overrides() -> None:
    net = nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 4 * 4, 3))
    before = {k: v.clone() for k, v in net.state_dict().items()}
    hw = convert(net, "default", digital=["0"])
    assert isinstance(net[0], nn.Conv2d) and isinstance(net[3], nn.Linear)
    assert type(hw[0]) is nn.Conv2d  # kept digital
    assert type(hw[3]).__name__ == "CrossbarLinear"
    for k, v in net.state_dict().items():
        assert torch.equal(v, before[k])


def test_kernel_wise_unequal_strides_refused() -> None:
    from ppa_sim.errors import MappingError

    net = nn.Sequential(nn.Conv2d(4, 6, 3, stride=(2, 1), padding=1))
    hw = convert(net, "default", options=IDEAL)
    with pytest.raises(MappingError):
        hw(torch.randn(1, 4, 8, 8))


# --------------------------------------------------------------------------- reference


def _levels_from_definition(w: float, w_max: float, bits: int | None, mapping: str,
                            cell_bits: int, slices: int, analog_levels: int) -> list[float]:
    """Cell levels of one weight, column k = polarity * slices + slice (integers)."""
    if bits is None:
        n = analog_levels - 1
        if mapping == "differential":
            q = min(round(abs(w) / w_max * n), n)
            return [q if w > 0 else 0, q if w < 0 else 0]
        u = min(max(round(w / w_max * n / 2 + n / 2), 0), n)
        return [u]
    if mapping == "differential":
        qmax = 2 ** (bits - 1) - 1
        q = min(int(round(abs(w) / w_max * qmax)), qmax)
        pos, neg = (q, 0) if w > 0 else ((0, q) if w < 0 else (0, 0))
        return ([(pos >> (s * cell_bits)) & (2 ** cell_bits - 1) for s in range(slices)]
                + [(neg >> (s * cell_bits)) & (2 ** cell_bits - 1) for s in range(slices)])
    half = 2 ** (bits - 1) - 1
    u = min(max(int(round(w / w_max * half)) + 2 ** (bits - 1), 0), 2 ** bits - 1)
    return [(u >> (s * cell_bits)) & (2 ** cell_bits - 1) for s in range(slices)]


def reference_layer(mod: nn.Module, x: torch.Tensor, design,
                    adc_range_fraction: float = 1.0) -> torch.Tensor:
    """Slow reference of one conv/linear layer from the definitions (ideal devices)."""
    arch, dev = design.arch, design.tech.device
    layer = layer_of("ref", mod)
    part = partition(layer, design)
    conv = isinstance(mod, nn.Conv2d)
    W = mod.weight.detach().double()
    G = mod.groups if conv else 1
    cout = W.shape[0]
    cout_g = cout // G
    wflat = W.reshape(cout, -1)
    w_max = float(W.abs().max())
    bits, mapping, cb = part.weight_bits, arch.weights.mapping, arch.subarray.cell.bits
    slices = part.slices
    analog_levels = dev.levels
    L = (2 ** cb) if bits is not None else analog_levels
    g_off = dev.r_on_ohm / dev.r_off_ohm
    delta = (1 - g_off) / (L - 1)
    if bits is None:
        w_step = w_max / ((L - 1) if mapping == "differential" else (L - 1) / 2)
    else:
        w_step = w_max / (2 ** (bits - 1) - 1)
    # input planes
    xd = x.double()
    x_max = float(xd.abs().max())
    ibits, dbits = arch.subarray.dac.bits, arch.subarray.dac.dac_bits
    assert float(xd.min()) >= 0
    x_step = x_max / (2 ** ibits - 1)
    a = torch.round(xd / x_step).clamp(0, 2 ** ibits - 1).long()
    cycles = -(-ibits // dbits)
    if conv:
        cols = F.unfold(a.double(), mod.kernel_size, dilation=mod.dilation,
                        padding=mod.padding, stride=mod.stride).long()  # (B, Cin*kk, P)
    else:
        cols = a.reshape(a.shape[0], -1, 1)
    B, _, P = cols.shape
    rows_g = wflat.shape[1]
    rpr = arch.subarray.rows_per_read
    adc_max = 2 ** arch.subarray.adc.bits - 1
    lsb = rpr * adc_range_fraction / adc_max
    ncolt = part.columns_per_weight
    lev = torch.tensor([[_levels_from_definition(float(wflat[o, r]), w_max, bits, mapping, cb,
                                                 slices, analog_levels)
                         for r in range(rows_g)] for o in range(cout)], dtype=torch.float64)
    zero_lev = torch.tensor(_levels_from_definition(0.0, w_max, bits, mapping, cb, slices,
                                                    analog_levels), dtype=torch.float64)
    ref_g = 1.0  # offset reference column: cells at G_on
    kk = (mod.kernel_size[0] * mod.kernel_size[1]) if conv else 1
    gps = min(part.groups_per_subarray, G)
    y = torch.zeros(B, cout, P, dtype=torch.float64)
    for sg in range(-(-G // gps)):
        groups = list(range(sg * gps, min(G, (sg + 1) * gps)))
        if gps == 1:
            tiles = [[(groups[0], r) for r in part.row_tile_index(t)]
                     for t in range(part.n_row_tiles)]
        else:  # packed block-diagonally: one tile per kernel position (or one)
            cin_g = rows_g // kk
            positions = range(kk) if part.policy == "kernel_wise" else [None]
            tiles = [[(g, c * kk + p if p is not None else c)
                      for g in groups for c in range(cin_g if p is not None else rows_g)]
                     for p in positions]
        for rows in tiles:
            for r0 in range(0, len(rows), rpr):
                rd = rows[r0:r0 + rpr]
                feat = cols[:, [g * rows_g + r for g, r in rd], :]  # (B, n, P)
                for c in range(cycles):
                    plane = ((feat >> (c * dbits)) & (2 ** dbits - 1)).double()
                    v = plane / (2 ** dbits - 1)
                    pw = (2 ** (c * dbits)) * (2 ** dbits - 1) * x_step
                    if mapping == "offset":
                        i_ref = v.sum(1) * ref_g
                        code_ref = torch.round(i_ref / lsb).clamp(0, adc_max) * lsb
                    for o in range(groups[0] * cout_g, (groups[-1] + 1) * cout_g):
                        go = o // cout_g
                        levs = torch.stack([lev[o, r] if g == go else zero_lev for g, r in rd])
                        g_cells = g_off + levs / (L - 1) * (1 - g_off)  # (n, columns)
                        total = torch.zeros(B, P, dtype=torch.float64)
                        for k in range(ncolt):
                            cur = torch.einsum("bnp,n->bp", v, g_cells[:, k])
                            code = torch.round(cur / lsb).clamp(0, adc_max) * lsb
                            s = k % slices
                            sign = -1.0 if (mapping == "differential" and k >= slices) else 1.0
                            total += sign * (2 ** (s * cb)) * code / delta
                        if mapping == "offset":
                            shifts = sum(2 ** (s * cb) for s in range(slices))
                            zero = 2 ** (bits - 1) if bits is not None else (L - 1) / 2
                            total += code_ref * (-(g_off / delta) * shifts - zero)
                        y[:, o] += pw * total
    y = y * w_step
    if mod.bias is not None:
        y += mod.bias.detach().double().view(1, -1, 1)
    if conv:
        ho = (x.shape[2] + 2 * mod.padding[0] - mod.dilation[0] * (mod.kernel_size[0] - 1)
              - 1) // mod.stride[0] + 1
        return y.reshape(B, cout, ho, -1)
    return y.reshape(B, cout)


#: an ADC full scale with no small rational relation to the currents (no exact ties:
#: a tie has no physical meaning and either answer would be right); it also clips
RANGE = 0.9176543
QUANT_ONLY = SimOptions(variation=False, read_noise=False, faults=False, dtype="float64",
                        input_range="dynamic", adc_range_fraction=RANGE)
#: resistances with no small rational ratio, so no partial sum sits exactly on an ADC
#: rounding tie (a tie has no physical meaning and either answer would be right)
NO_TIES = {"technology.device.r_on_ohm": 6151.37, "technology.device.r_off_ohm": 93127.91}

DESIGNS = [
    # 8-bit weights on 2-bit cells, differential, bit-serial 8-bit inputs, 5-bit ADC
    {"subarray.rows": 16, "subarray.cols": 32},
    # offset mapping, partial-parallel read of 4 rows, 2-bit-per-cycle DAC inputs, 6-bit ADC
    {"subarray.rows": 16, "subarray.cols": 32, "weights.mapping": "offset",
     "subarray.parallel_rows": 4, "subarray.dac.encoding": "dac", "subarray.dac.dac_bits": 2,
     "subarray.dac.bits": 6, "subarray.adc.bits": 6},
    # analog weights on 6 device levels, multi-bit DAC, im2col, 7-bit ADC
    {"subarray.rows": 16, "subarray.cols": 16, "weights.bits": None,
     "technology.device.levels": 6, "subarray.dac.encoding": "dac", "subarray.dac.bits": 4,
     "subarray.dac.dac_bits": 4, "subarray.adc.bits": 7, "mapping.policy": "im2col"},
]


@pytest.mark.parametrize("extra", DESIGNS)
@pytest.mark.parametrize("kind", ["conv", "conv_grouped", "linear"])
def test_quantized_equals_reference(extra: dict, kind: str) -> None:
    torch.manual_seed(3)
    if kind == "conv":
        mod, x = nn.Conv2d(5, 4, 3, padding=1), torch.rand(2, 5, 5, 5)
    elif kind == "conv_grouped":
        mod, x = nn.Conv2d(6, 4, 3, stride=2, groups=2, padding=1), torch.rand(2, 6, 6, 6)
    else:
        mod, x = nn.Linear(37, 5), torch.rand(3, 37)
    design = load_design("default", {**extra, **NO_TIES})
    hw = convert(nn.Sequential(mod), design, options=QUANT_ONLY)
    with torch.no_grad():
        got = hw(x.double())
    want = reference_layer(mod, x, design, RANGE)
    torch.testing.assert_close(got, want, rtol=1e-9, atol=1e-9)
    # and quantisation is not a no-op here
    assert not torch.allclose(got.float(), mod(x).detach(), atol=1e-3)
