"""Crossbar layers: nn.Conv2d / nn.Linear computed as the hardware computes them.

How one layer runs (all numbers from the Design; see :mod:`ppa_sim.accuracy`):

1. **Cut** (:func:`ppa_sim.mapping.partition.partition`, the cost path's own
   function): the unrolled weight matrix of each group is cut into row tiles of
   ``subarray.rows`` rows (kernel-wise: one block of rows per kernel position)
   and every row tile into *read groups* of ``rows_per_read`` rows (partial-
   parallel read); each read group of each column is one ADC conversion.
   Small groups (depthwise) are packed block-diagonally, ``groups_per_subarray``
   per subarray, their off-diagonal cells holding weight zero.
2. **Weights -> levels -> conductances**: per-layer scale ``w_max = max|W|``;
   signed integer weights, bit-sliced over cells of ``cell.bits`` bits
   (differential G+/G- columns, or offset with one reference column per column
   tile); analog weights (``weights.bits: null``) go straight to the cell's
   levels. Levels become conductances of one simulated chip
   (:mod:`ppa_sim.accuracy.devices`), optionally through the IR-drop matrix
   (:mod:`ppa_sim.accuracy.ir_drop`).
3. **Inputs**: quantised to ``dac.bits`` (sign + magnitude when the input can
   be negative: x+ and x- run as two passes), cut into ``dac.cycles`` planes
   of ``dac_bits`` bits (1 = bit-serial); a plane drives the word lines with
   voltages in [0, V_read]. ``dac.signed_input`` (ternary drivers): always
   sign + ``bits - 1`` magnitude bits in ONE pass of ``dac.cycles_for(bits)``
   planes with values in [-1, 1] (the sign is the pulse polarity, -V_read..+V_read),
   so the array sums positive and negative rows in the analog domain.
4. **Read**: every (plane, read group, physical column) partial current goes
   through the ADC: full scale = ``rows_per_read x V_read x G_on`` (the
   physical span, times ``adc_range_fraction``), ``2**bits`` codes, rounding
   and clipping; with ``dac.signed_input`` the column current is signed and the
   ADC bipolar: its ``2**bits`` codes span -full scale..+full scale (one code =
   two unipolar LSBs, as the analog differential read-out). Codes are summed
   over read groups and row tiles (digital accumulation), then combined over
   slices, polarities/reference and planes by shift-add, and scaled back to
   weight x input units.
5. **Integrating neuron** (``adc.kind: neuron``, NeuRRAM): the planes of a phase are
   not converted one by one: within each integration phase (the cost path's split,
   :func:`ppa_sim.components.neuron.phase_plan`) plane k is weighted 2^(d k) and the
   planes are summed in the analog domain, then converted ONCE per (phase, read
   group, column), to the phase's bits. The full scale is the phase's integration
   range N = sum_j 2^(d j) times the current span of the wire that the sampled
   output-wire voltage stands for (the layer's mean wire conductance, see
   ``_neuron_span``), times ``adc_range_fraction``. Codes of the phases are shift-added.

Speed: planes are stacked into the batch; every read group of a position is
one batched matmul (``torch.bmm`` over read groups) with the ADC's 1/LSB folded
into the conductances, so the ADC is an in-place round (+ clamp only when a
current can leave the range); chunks bound the memory of the partial sums.
Read groups of at most ``PATTERN_TABLE_MAX_ROWS`` rows under 0/1 bit-serial planes
(a 3-channel first convolution) are computed once per input pattern and gathered
(``SimOptions.pattern_tables``; the same values, bit for bit).
"""

from __future__ import annotations

from abc import ABCMeta, abstractmethod
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from ppa_sim.accuracy import devices
from ppa_sim.accuracy.ir_drop import (
    exact_g_eff_batched,
    first_order_g_eff,
    segment_resistance_norm,
)
from ppa_sim.accuracy.options import SimOptions
from ppa_sim.components import get as get_component
from ppa_sim.components.neuron import phase_plan
from ppa_sim.errors import ConfigError, MappingError
from ppa_sim.mapping.partition import Partition, partition
from ppa_sim.network.layer import Layer
from ppa_sim.spec import Design
from ppa_sim.spec.load import exact_readout_problem


def layer_of(name: str, module: nn.Module) -> Layer:
    """The :class:`~ppa_sim.network.Layer` describing a torch conv/linear module."""
    if isinstance(module, nn.Conv2d):
        return Layer(name=name, kind="conv2d", in_shape=(module.in_channels, 1, 1),
                     out_shape=(module.out_channels, 1, 1), in_channels=module.in_channels,
                     out_channels=module.out_channels, kernel=tuple(module.kernel_size),
                     stride=tuple(module.stride), padding=tuple(module.padding),
                     dilation=tuple(module.dilation), groups=module.groups,
                     bias=module.bias is not None)
    if isinstance(module, nn.Linear):
        return Layer(name=name, kind="linear", in_shape=(module.in_features,),
                     out_shape=(module.out_features,), in_channels=module.in_features,
                     out_channels=module.out_features, bias=module.bias is not None)
    raise TypeError(f"{name}: only nn.Conv2d and nn.Linear map to crossbars, got "
                    f"{type(module).__name__}")


@dataclass(frozen=True)
class WeightCode:
    """How signed weights become cell levels (derived from the design)."""

    mapping: str
    """``differential`` or ``offset``."""
    slices: int
    cell_bits: int
    levels: int
    """Levels per cell (2**cell_bits when sliced; the cell's/device's levels when analog)."""
    q_max: float
    """Largest stored magnitude (differential) or unsigned code (offset)."""
    zero: float
    """Offset mapping: the code of weight zero; 0 for differential."""
    step_per_wmax: float
    """Weight step as a fraction of w_max (w_step = w_max * step_per_wmax)."""
    quantized: bool

    @property
    def columns(self) -> int:
        return self.slices * (2 if self.mapping == "differential" else 1)

    @property
    def radix(self) -> int:
        return 2 ** self.cell_bits


def weight_code(design: Design, part: Partition, options: SimOptions) -> WeightCode:
    arch = design.arch
    mapping = arch.weights.mapping
    bits = part.weight_bits
    cell_levels = getattr(arch.subarray.cell, "levels", None)
    if bits is None or not options.weight_quant:
        if bits is None:
            levels = int(cell_levels or design.tech.device.levels)
        else:  # continuous (ideal) weights: one cell (pair) per weight
            levels = 2
        if mapping == "differential":
            return WeightCode(mapping, 1, 0, levels, levels - 1, 0.0, 1.0 / (levels - 1),
                              options.weight_quant)
        half = (levels - 1) / 2
        return WeightCode(mapping, 1, 0, levels, levels - 1, half, 1.0 / half,
                          options.weight_quant)
    cb = part.cell_bits
    if mapping == "differential":
        q = 2 ** (bits - 1) - 1
        return WeightCode(mapping, part.slices, cb, 2 ** cb, q, 0.0, 1.0 / q, True)
    half = max(2 ** (bits - 1) - 1, 1)
    return WeightCode(mapping, part.slices, cb, 2 ** cb, 2 ** bits - 1, 2 ** (bits - 1),
                      1.0 / half, True)


def weight_levels(w: torch.Tensor, code: WeightCode, w_max: float,
                  column: int | None = None) -> torch.Tensor:
    """Cell levels of weights ``w``: shape (..., columns), or (...) for one ``column``.

    Column k = q * slices + s: polarity q (0 = G+, 1 = G-; offset mapping has one
    polarity) and slice s (least significant first).
    """
    cols = range(code.columns) if column is None else (column,)
    step = (w_max if w_max > 0 else 1.0) * code.step_per_wmax
    out = []
    for k in cols:
        q, s = divmod(k, code.slices)
        x = w / step
        if code.mapping == "differential":
            mag = x.abs()
            mag = mag.round_() if code.quantized else mag
            mag = mag.clamp_(0, code.q_max)
            v = torch.where((w > 0) if q == 0 else (w < 0), mag, torch.zeros_like(mag))
        else:
            v = x + code.zero
            v = v.round_() if code.quantized else v
            v = v.clamp_(0, code.q_max)
        if code.slices > 1:
            v = torch.div(v, code.radix ** s, rounding_mode="floor").remainder_(code.radix)
        out.append(v)
    return out[0] if column is not None else torch.stack(out, dim=-1)


class _Plan:
    """Static index maps of one layer's tiles (no weights): which input feature and
    which weight feed each row of each read group."""

    def __init__(self, module: nn.Module, part: Partition, rows_per_read: int) -> None:
        conv = isinstance(module, nn.Conv2d)
        self.conv = conv
        G = module.groups if conv else 1
        cin = module.in_channels if conv else module.in_features
        cout = module.out_channels if conv else module.out_features
        kh, kw = module.kernel_size if conv else (1, 1)
        kk = kh * kw
        cin_g, cout_g = cin // G, cout // G
        self.kernel_wise = part.policy == "kernel_wise"
        self.positions = kk if self.kernel_wise else 1
        gps = max(1, min(part.groups_per_subarray, G))
        n_sg = -(-G // gps)
        self.gps, self.n_sg, self.cout, self.cout_g, self.cout_sg = gps, n_sg, cout, cout_g, \
            gps * cout_g
        rows_group = cin_g if self.kernel_wise else cin_g * kk  # rows of a block per group

        # row tiles -> read groups, per (position, super-group)
        reads: list[list[list[tuple[int, int, int]]]] = []  # [p][sg] -> list of reads
        for p in range(self.positions):
            per_sg = []
            for sg in range(n_sg):
                groups = [g for g in range(sg * gps, min(G, (sg + 1) * gps))]
                if gps == 1:
                    g = groups[0]
                    tiles = [part.row_tile_index(t) for t in range(part.n_row_tiles)
                             if part.row_tile_position[t] == p]
                    tiles = [[(g, r) for r in t] for t in tiles]
                else:  # packed: the whole block of every packed group in one tile
                    tile = []
                    for g in groups:
                        tile += [(g, (c * kk + p) if self.kernel_wise else c)
                                 for c in range(rows_group)]
                    tiles = [tile]
                rl = []
                for t in tiles:
                    for s in range(0, len(t), rows_per_read):
                        rl.append(t[s:s + rows_per_read])
                per_sg.append(rl)
            reads.append(per_sg)
        self.ngb = max(len(r) for per_sg in reads for r in per_sg)
        # rows actually used by the fullest read group: the matmul needs no more (a
        # read group of 3 rows on a 16-row read computes 3 rows; the ADC range
        # still follows the physical rows_per_read)
        rows_per_read = max(max((len(rd) for per_sg in reads for rl in per_sg for rd in rl),
                                default=1), 1)
        self.rr = rows_per_read
        shape = (self.positions, n_sg, self.ngb, rows_per_read)
        lr = torch.full(shape, -1, dtype=torch.long)  # local row in W.reshape(cout, -1)
        gr = torch.full(shape, -1, dtype=torch.long)  # group of the row
        feat = torch.full(shape, -1, dtype=torch.long)  # input feature index
        for p in range(self.positions):
            for sg in range(n_sg):
                for b, rd in enumerate(reads[p][sg]):
                    for r, (g, row) in enumerate(rd):
                        lr[p, sg, b, r] = row
                        gr[p, sg, b, r] = g
                        feat[p, sg, b, r] = g * cin_g + row // kk if self.kernel_wise \
                            else g * rows_group + row
        self.local_row, self.row_group, self.feature = lr, gr, feat
        self.row_mask = feat >= 0
        n_feat = cin if self.kernel_wise else cin * kk
        self.n_feat = n_feat
        # gather index into features padded with one zero feature at index n_feat
        # the same channels feed every kernel position (kernel-wise) -> one gather
        self.gather = torch.where(self.row_mask, feat, torch.full_like(feat, n_feat))[0] \
            .reshape(-1)
        self.identity_gather = bool(torch.equal(self.gather, torch.arange(n_feat)))
        # output channels of each super-group (-1 = padding group)
        out = torch.full((n_sg, self.cout_sg), -1, dtype=torch.long)
        for sg in range(n_sg):
            for gl in range(gps):
                g = sg * gps + gl
                if g < G:
                    out[sg, gl * cout_g:(gl + 1) * cout_g] = torch.arange(g * cout_g,
                                                                          (g + 1) * cout_g)
        self.out_channel = out
        # column tiles (reference columns) within each group
        wpt = part.weights_per_col_tile if part.weights_per_col_tile > 0 else cout_g
        self.n_ct = -(-cout_g // wpt)
        o_local = torch.arange(self.cout_sg) % cout_g
        g_local = torch.arange(self.cout_sg) // cout_g
        self.ref_of_weight = g_local * self.n_ct + o_local // wpt
        self.n_ref = gps * self.n_ct if part.reference_columns else 0


#: the ADC-code histogram of the activity file samples every 7th conversion (a prime,
#: so the sample does not alias with column or row periods); exact counts would cost
#: more than the simulation itself
HIST_STRIDE = 7

#: SimOptions.pattern_tables: largest read group (rows) whose 2^rows input patterns are
#: tabulated (64 patterns: the table costs 64 partial sums per column, against one per
#: input, at least 256 inputs per chunk, for every read group)
PATTERN_TABLE_MAX_ROWS = 6

#: fewest inputs (GEMM N) per partial-sum matmul: (4128 x 128) @ (128 x N) on one Xeon
#: core measured 100 GFLOP/s at N = 64 and 137-160 GFLOP/s at N = 256-512
#: (benchmarks/accuracy_speed.py set-up (b)); the buffer then holds N x columns floats
_MIN_GEMM_N = 256


class CrossbarLayer(nn.Module, metaclass=ABCMeta):
    """Base of :class:`CrossbarConv2d` and :class:`CrossbarLinear` (see module doc)."""

    def __init__(self, module: nn.Module, name: str, design: Design,
                 options: SimOptions, seed: int = 0) -> None:
        super().__init__()
        self.name = name
        self.design = design
        self.options = options
        self.layer = layer_of(name, module)
        self.part = partition(self.layer, design)
        sa = design.arch.subarray
        self.rows_per_read = min(sa.rows_per_read, sa.rows)
        self.code = weight_code(design, self.part, options)
        if self.code.columns != self.part.columns_per_weight and options.weight_quant:
            raise MappingError(f"{name}: column count mismatch with the partition")
        self.plan = _Plan(module, self.part, self.rows_per_read)
        self.register_buffer("weight", module.weight.detach().clone())
        self.register_buffer("bias", None if module.bias is None
                             else module.bias.detach().clone())
        self.register_buffer("input_max", torch.zeros(()))  # 0 = not calibrated
        self.adc_bits = sa.adc.bits
        self.dac = sa.dac
        # ternary drivers (dac.signed_input): one signed pass, a bipolar ADC (module doc)
        self.signed_drive = bool(sa.dac.signed_input)
        self.input_planes = 0
        """Input planes (read cycles) per input of the last forward pass: the cost path's
        ``mapping.planner.input_cycles`` for a non-negative or ``signed_input`` input."""
        self.adc_planes = 0
        """Conversions per (read group, physical column) per input of the last forward
        pass: ``input_planes``, or with ``adc.kind: neuron`` one per integration phase."""
        # adc kind neuron: the input cycles of a phase are weighted 2^(d k) and summed on
        # the integration capacitor, then converted ONCE (module doc, step 4)
        self.neuron = sa.adc.kind == "neuron"
        self._plane_max: list[int] | None = None
        dev = design.tech.device
        self.g_off = devices.nominal_g_off(dev)
        self.read_sigma = dev.c2c_read_noise if options.read_noise else 0.0
        self.max_code = 2 ** self.adc_bits - 1
        full_scale = self.rows_per_read * options.adc_range_fraction
        # an exact digital readout (adc kind adder_tree: per-row AND + adder tree) counts
        # the column's one-bit products: one code per product, no rounding or range loss
        adc_cost = get_component("adc", sa.adc.kind)(sa.adc, design.tech.node, dac=sa.dac) \
            if self.neuron else get_component("adc", sa.adc.kind)(sa.adc, design.tech.node)
        exact = bool(adc_cost.info.get("exact"))
        # the cost path's rule, checked again here for designs built without the loader
        narrow = exact_readout_problem(sa.adc.kind, self.adc_bits, self.rows_per_read,
                                       self.signed_drive) if exact else None
        if narrow is not None:
            raise ConfigError([narrow])
        self.exact_readout = exact
        self.lsb = full_scale / self.max_code if (options.adc and not exact) else 1.0
        self._noise_gen = torch.Generator()
        self.recording = False
        self.activity: dict[str, object] = {}
        self.reset_activity()
        self.program(seed=seed)

    # ------------------------------------------------------------------ programming
    def program(self, seed: int) -> None:
        """Program one simulated chip instance (variation, faults, drift frozen)."""
        opts, code, plan, dev = self.options, self.code, self.plan, self.design.tech.device
        gen = torch.Generator().manual_seed(int(seed))
        self._noise_gen.manual_seed(int(seed) + 0x5EED)
        w = self.weight.float()
        wflat = w.reshape(plan.cout, -1)
        self.w_max = float(w.abs().max()) if w.numel() else 0.0
        lr = plan.local_row.clamp_min(0)  # (P, S, B, R)
        oc = plan.out_channel  # (S, OC)
        ocl = oc.clamp_min(0)
        vals = wflat[ocl[None, :, None, None, :], lr[..., None]]  # (P, S, B, R, OC)
        same_group = plan.row_group[..., None] == (oc // plan.cout_g)[None, :, None, None, :]
        valid = same_group & plan.row_mask[..., None] & (oc >= 0)[None, :, None, None, :]
        vals = torch.where(valid, vals, torch.zeros_like(vals))
        cell_mask = plan.row_mask[..., None].expand_as(vals)
        K = code.columns
        P_, S, B, R, OC = vals.shape
        ncol = OC * K + plan.n_ref
        self._dtype = torch.float64 if opts.dtype == "float64" else torch.float32
        g = torch.empty((P_, S, B, R, ncol), dtype=self._dtype)
        g0_sum = 0.0
        gt_sum = 0.0
        cond_sum = 0.0
        cond_n = 0
        # one column type and a slab of read groups at a time: the float64 temporaries of
        # the device model stay near 2**21 cells whatever the layer size
        slab = max(1, (1 << 21) // max(1, P_ * S * R * OC))
        n_cells = int(plan.row_mask.sum()) * OC  # per column type; padding cells hold g = 0
        for k in range(K):
            for b0 in range(0, B, slab):
                b1 = min(B, b0 + slab)
                levels = weight_levels(vals[:, :, b0:b1], code, self.w_max, column=k)
                cells = devices.program(levels, code.levels, dev,
                                        mask=cell_mask[:, :, b0:b1],
                                        variation=opts.variation, faults=opts.faults,
                                        drift_time_s=opts.drift_time_s, generator=gen)
                g[:, :, b0:b1, :, k * OC:(k + 1) * OC] = cells.g  # column type k: k*OC..
                s0 = float(cells.g_programmed.sum())
                st = s0 if cells.g is cells.g_programmed else float(cells.g.sum())
                g0_sum += s0
                gt_sum += st
                cond_sum += st
            cond_n += n_cells
        cond_sum = (cond_sum - self.g_off * cond_n) / (1 - self.g_off)
        if plan.n_ref:
            ref_levels = torch.full((P_, S, B, R, plan.n_ref), float(code.levels - 1))
            rmask = plan.row_mask[..., None].expand_as(ref_levels)
            cells = devices.program(ref_levels, code.levels, dev, mask=rmask,
                                    variation=opts.variation, faults=opts.faults,
                                    drift_time_s=opts.drift_time_s, generator=gen)
            g[..., OC * K:] = cells.g
            s0 = float(cells.g_programmed.sum())
            g0_sum += s0
            gt_sum += s0 if cells.g is cells.g_programmed else float(cells.g.sum())
        # drift compensation: one digital gain per layer (as-programmed / now, all cells)
        self.drift_gain = (g0_sum / gt_sum) if (opts.drift_compensation and gt_sum > 0) else 1.0
        self.mean_conductance_fraction = cond_sum / cond_n if cond_n else 0.0
        if opts.ir_drop:
            r = segment_resistance_norm(self.design)
            fn = first_order_g_eff if opts.ir_drop_model == "first_order" else exact_g_eff_batched
            g = fn(g, r, r)
        if self.neuron and opts.adc:
            self.lsb = self._neuron_span(g) * opts.adc_range_fraction / self.max_code
        w_tiles = g.div_(self.lsb).view(P_, S * B, R, ncol)  # in place: bounds peak memory
        colsum = w_tiles.sum(dim=2).max() if w_tiles.numel() else torch.zeros(())
        # stored transposed, (position, read group, column, row): out^T = W^T @ x^T
        self.register_buffer("tiles", w_tiles.transpose(2, 3).contiguous(), persistent=False)
        self.needs_clamp = bool(opts.adc and (self.read_sigma > 0 or
                                              float(colsum) > self.max_code + 1e-3
                                              or float(w_tiles.min()) < 0))
        # digital combination coefficients (code units -> integer weight x input units)
        delta = (1.0 - self.g_off) / (code.levels - 1)
        coef = torch.zeros(K, dtype=self._dtype)
        for k in range(K):
            s = k % code.slices
            sign = -1.0 if (code.mapping == "differential" and k >= code.slices) else 1.0
            coef[k] = sign * (code.radix ** s if code.slices > 1 else 1) * self.lsb / delta
        self.coef = coef
        shifts = sum((code.radix ** s if code.slices > 1 else 1) for s in range(code.slices))
        self.coef_ref = self.lsb * (-(self.g_off / delta) * shifts - code.zero)
        self.w_step = self.w_max * code.step_per_wmax if self.w_max > 0 else 0.0

    @staticmethod
    def _neuron_span(g: torch.Tensor) -> float:
        """``adc.kind: neuron``: the current span (units of V_read x G_on) that the neuron's
        +-V_read input swing stands for, per phase plane.

        The neuron samples the settled voltage of the output wire (components/neuron.py),
        V = sum_i G_i V_i / sum_i G_i (Kirchhoff, high-impedance sampling node): the wire
        swings +-V_read whatever the row count, and a column current I reads as
        I / sum_i G_i. The ADC's full scale, N x C_sample x V_read after the N = sum_j
        2^(d j) integrations of a phase, thus maps to N x the wire's conductance x V_read;
        with the phase plane normalised by N (``_integrate``), to the wire's conductance.
        One neuron range per layer: the mean conductance of the layer's wires (read group
        x column, rows actually connected; empty padding columns excluded), so the digital
        scale-back is one gain per layer. Taken from the cells as read (variation, drift,
        IR drop included): the wire normalisation's own tolerance of a global drift is
        left to the drift-compensation gain, as for every ADC. ``g``: (P, S, B, R, columns)."""
        sums = g.sum(dim=3)
        used = sums[sums > 0]
        return float(used.mean()) if used.numel() else 1.0

    # ------------------------------------------------------------------ activity
    def reset_activity(self) -> None:
        self._bits_one = 0.0
        self._bits_total = 0.0
        self._hist = torch.zeros(2 ** self.adc_bits, dtype=torch.long)
        self._input_signed = False

    def activity_record(self) -> dict[str, object]:
        """This layer's entry of the activity file (schema ppa_sim.activity/1)."""
        dens = self._bits_one / self._bits_total if self._bits_total else 0.0
        return {"input_bit_density": dens,
                "mean_conductance_fraction": self.mean_conductance_fraction,
                "adc_code_histogram": [int(v) for v in self._hist.tolist()],
                "adc_bits": self.adc_bits,
                "adc_histogram_sampling": HIST_STRIDE,
                "input_signed": self._input_signed}

    # ------------------------------------------------------------------ inputs
    def _planes(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Input planes stacked on a new leading dim, values in [0, 1], and the weight of
        each plane (in input units)."""
        opts, dac = self.options, self.dac
        x_max = float(self.input_max)
        if x_max <= 0 or opts.input_range == "dynamic":
            x_max = float(x.detach().abs().max())
        if x_max <= 0:
            x_max = 1.0
        if self.recording:  # inputs negative (x+ / x- passes on unsigned drivers)
            self._input_signed = self._input_signed or bool((x < 0).any())
        if self.signed_drive:
            return self._signed_planes(x, x_max)
        signed = bool((x < 0).any())
        parts = [(x.clamp_min(0), 1.0)]
        if signed:
            parts.append(((-x).clamp_min(0), -1.0))
        planes: list[torch.Tensor] = []
        coefs: list[float] = []
        if not opts.dac:
            for xp, sgn in parts:
                planes.append(xp / x_max)
                coefs.append(sgn * x_max)
            self.input_planes, self._plane_max = len(parts), None
            return torch.stack(planes), torch.tensor(coefs, dtype=torch.float64)
        mb = max(dac.bits - 1, 1) if signed else dac.bits
        d = min(dac.dac_bits, mb)
        step = x_max / (2 ** mb - 1)
        cycles = -(-mb // d)
        dmask = 2 ** d - 1
        plane_max: list[int] = []
        for xp, sgn in parts:
            a = torch.round(xp / step).clamp_(0, 2 ** mb - 1).to(torch.int32)
            if self.recording:
                ones = sum(float(((a >> b) & 1).sum()) for b in range(mb))
                self._bits_one += ones
                self._bits_total += float(a.numel() * mb)
            pass_planes: list[torch.Tensor] = []
            pass_coefs: list[float] = []
            for c in range(cycles):
                pl = ((a >> (c * d)) & dmask).to(x.dtype)
                if dmask != 1:
                    pl = pl / dmask
                pass_planes.append(pl)
                pass_coefs.append(sgn * (2 ** (c * d)) * dmask * step)
            if self.neuron:
                pass_planes, pass_coefs, pmax = self._integrate(pass_planes, pass_coefs, d)
                plane_max += pmax
            planes += pass_planes
            coefs += pass_coefs
        self.input_planes = cycles * len(parts)
        self._binary_planes = dmask == 1 and not self.neuron  # planes of 0/1 bits
        self._plane_max = plane_max if any(m != self.max_code for m in plane_max) else None
        return torch.stack(planes), torch.tensor(coefs, dtype=torch.float64)

    def _integrate(self, planes: list[torch.Tensor], coefs: list[float], d: int
                   ) -> tuple[list[torch.Tensor], list[float], list[int]]:
        """``adc.kind: neuron``: the cycle planes of one pass (least significant first,
        coefficient ``2^(d c) x dmask x step`` each) -> one plane per integration phase.

        The phase split and each phase's conversion bits are the cost path's
        (:func:`ppa_sim.components.neuron.phase_plan`; the first phase holds the most
        significant cycles). Within a phase of cycles lo..hi-1 the charge of cycle c is
        integrated ``2^(d (c - lo))`` times: the phase plane is that weighted sum divided by
        the phase's integration range ``N = sum_j 2^(d j)`` (all-ones inputs), so the ADC
        full scale, ``rows_per_read x adc_range_fraction`` in plane units as for every other
        ADC, is N x the physical per-cycle span x ``adc_range_fraction``. A phase converted
        to b_p < ``adc.bits`` bits spans the same range with ``2^b_p`` codes: its plane is
        scaled by (2^b_p - 1) / (2^b - 1) (its coefficient by the inverse) and its codes
        clipped at 2^b_p - 1; a phase with no bits left is not converted (contributes 0).
        Returns the phase planes, their coefficients and their largest unipolar codes."""
        opts, sa = self.options, self.design.arch.subarray
        if not opts.dac:  # continuous input voltages: one cycle, integrated once
            return planes, coefs, [self.max_code] * len(planes)
        w = 2 ** d
        out: list[torch.Tensor] = []
        out_coefs: list[float] = []
        pmax: list[int] = []
        hi = len(planes)
        for cp, bp in phase_plan(sa.adc, len(planes), d):
            lo = hi - cp
            n_int = sum(w ** j for j in range(cp))
            ph = planes[lo].clone() if cp > 1 else planes[lo]
            for c in range(lo + 1, hi):
                ph.add_(planes[c], alpha=float(w ** (c - lo)))
            coef = coefs[lo] * n_int
            hi = lo
            short = opts.adc and not self.exact_readout and bp < self.adc_bits
            if short:
                if bp == 0:
                    continue
                s = (2 ** bp - 1) / self.max_code
                ph = ph * (s / n_int)
                coef /= s
            else:
                ph = ph / n_int
            out.append(ph)
            out_coefs.append(coef)
            pmax.append(2 ** bp - 1 if short else self.max_code)
        return out, out_coefs, pmax

    def _signed_planes(self, x: torch.Tensor, x_max: float) -> tuple[torch.Tensor, torch.Tensor]:
        """``dac.signed_input``: ONE set of planes, values in [-1, 1] (sign = pulse polarity
        of the ternary driver, magnitude = the plane's bits), every coefficient positive.

        The input is always sign + ``max(1, bits - 1)`` magnitude bits, negative or not:
        the driver's format is fixed by the hardware, and the plane count is then
        ``dac.cycles_for(bits)``, the cost path's input cycles. The magnitude is rounded
        exactly as the x+ / x- passes of an unsigned driver round it."""
        opts, dac = self.options, self.dac
        if not opts.dac:  # continuous signed input voltages, one cycle
            self.input_planes, self._plane_max = 1, None
            return (x / x_max).unsqueeze(0), torch.tensor([x_max], dtype=torch.float64)
        mb = max(dac.bits - 1, 1)
        d = min(dac.dac_bits, mb)
        step = x_max / (2 ** mb - 1)
        cycles = -(-mb // d)
        dmask = 2 ** d - 1
        a = torch.round(x.abs() / step).clamp_(0, 2 ** mb - 1).to(torch.int32)
        polarity = torch.sign(x).to(x.dtype)  # +1 / 0 / -1: +V_read, 0, -V_read
        if self.recording:  # a row is driven (either polarity) when its magnitude bit is 1
            ones = sum(float(((a >> b) & 1).sum()) for b in range(mb))
            self._bits_one += ones
            self._bits_total += float(a.numel() * mb)
        planes: list[torch.Tensor] = []
        coefs: list[float] = []
        for c in range(cycles):
            pl = ((a >> (c * d)) & dmask).to(x.dtype)
            if dmask != 1:
                pl = pl / dmask
            planes.append(pl.mul_(polarity))
            coefs.append((2 ** (c * d)) * dmask * step)
        self.input_planes = cycles
        self._plane_max = None
        if self.neuron:  # signed charge integrated per phase (ternary drive)
            planes, coefs, pmax = self._integrate(planes, coefs, d)
            self._plane_max = pmax if any(m != self.max_code for m in pmax) else None
        return torch.stack(planes), torch.tensor(coefs, dtype=torch.float64)

    # ------------------------------------------------------------------ core
    @abstractmethod
    def _source(self, items: torch.Tensor) -> tuple[torch.Tensor, list[int], int, int, int]:
        """Input features of ``items`` laid out for strided views.

        Returns (xf, offsets, step, grid, width): ``xf`` (n, G*R, N) contiguous, rows
        ordered as the read groups; the features of kernel position p at output grid
        point m are ``xf[:, :, offsets[p] + step * m]`` for m < grid; the grid has
        rows of ``width`` points of which the first (output width) are real.
        Each subclass (conv, linear) lays out its own input.
        """

    def _gathered(self, feats: torch.Tensor) -> torch.Tensor:
        """(n, F, N) features -> (n, G*R, N) in read-group row order (zero padding)."""
        plan = self.plan
        if plan.identity_gather:
            return feats
        n, _, N = feats.shape
        feats = torch.cat([feats, feats.new_zeros(n, 1, N)], dim=1)
        return feats.index_select(1, plan.gather)

    def _compute(self, x: torch.Tensor) -> torch.Tensor:
        """(batch, n_sg * cout_sg, L) outputs in weight x input units (pre bias).

        Partial sums are computed transposed, ``out^T[g] = W^T[g] @ X^T[g]`` with
        X^T[g] a strided view of the input features (no copy), ``chunk_elements``
        of them at a time in a reused buffer, rounded/clipped in place (the ADC) and
        summed over read groups into per-column code sums.
        """
        plan, opts = self.plan, self.options
        self._binary_planes = False  # set by _planes for bit-serial unsigned planes
        planes, pcoef = self._planes(x.to(self._dtype))
        dt = self._dtype
        pcoef = pcoef.to(dt)
        n_planes, batch = planes.shape[0], planes.shape[1]
        self.adc_planes = n_planes
        items = planes.to(dt).reshape(n_planes * batch, *planes.shape[2:])
        n_items = items.shape[0]
        S, Bg, R = plan.n_sg, plan.ngb, plan.rr
        G = S * Bg
        ncol = self.tiles.shape[-2]
        OC, K = plan.cout_sg, self.code.columns
        L = self._grid(x)
        # large grids: one strided view per item (no copy); small grids (late conv
        # layers, linear): copy the chunk's items side by side into (G, R, n*L)
        per_item = L >= 256
        # a small flat conv grid is copied anyway: copy only the real output positions
        # (the grid's padding columns would cost partial sums that are cropped later)
        # (per item too: one copy per item and kernel position feeds all the columns'
        # partial sums, a few % of their cost, and saves the grid's padding columns,
        # 2/34 of the partial sums of a 32x32 map, 2/18 of a 16x16 one)
        compact = L != self._positions_out(x)
        if compact:
            L = self._positions_out(x)
        chunk = opts.chunk_elements
        # at least _MIN_GEMM_N inputs per chunk: narrower partial-sum GEMMs run at 2/3 speed
        items_per_chunk = max(1, -(-_MIN_GEMM_N // L), (4 * chunk) // max(1, S * L * ncol))
        y = torch.zeros(batch, S, OC, self._positions_out(x), dtype=dt)
        sample_of_item = torch.arange(n_items) % batch
        coef_of_item = pcoef.repeat_interleave(batch)
        hist = self._hist if self.recording else None
        # weights.differential_readout: analog -- the G+ and G- columns of a pair are
        # subtracted before ONE ADC whose 2^b codes span -FS..+FS of a column (one code =
        # two column LSBs); the difference lands in the G+ column, the G- column reads 0
        # (the estimator counts one conversion per pair: Architecture.columns_per_conversion)
        pair = (self.code.mapping == "differential"
                and self.design.arch.weights.differential_readout == "analog")
        n_pos = self.code.slices
        half = 2 ** (self.adc_bits - 1)
        # dac.signed_input: signed column currents, -FS..+FS, on a bipolar ADC whose 2^b
        # codes span that physical range (one code = two unipolar LSBs; an exact readout
        # counts the signed products one by one)
        bipolar = self.signed_drive and not pair
        lsb_per_code = 1.0 if self.exact_readout else 2.0
        # adc kind neuron: a phase converted to fewer bits clips at its own largest code
        item_max = None
        if opts.adc and self._plane_max is not None:
            item_max = torch.tensor(self._plane_max, dtype=dt).repeat_interleave(batch)
        buf = torch.empty(0, dtype=dt)
        coef_rep = self.coef.repeat(min(G, max(1, chunk // 64)))
        # pattern tables (SimOptions.pattern_tables): 0/1 planes, one read group per
        # super-group and position, at most PATTERN_TABLE_MAX_ROWS rows; the ADC histogram
        # and the per-input neuron clip need the inputs one by one
        n_pat = 2 ** R
        tables = (opts.pattern_tables and self._binary_planes and Bg == 1
                  and R <= PATTERN_TABLE_MAX_ROWS and hist is None and item_max is None
                  and not pair and not bipolar and 4 * n_pat <= items_per_chunk * L)
        if tables:
            # pattern j drives row r when bit r of j is 1; the patterns' partial sums are
            # the inputs' (0/1 operands: every product exact, summed in the same order)
            x_pat = ((torch.arange(n_pat).view(1, n_pat) >> torch.arange(R).view(R, 1)) & 1) \
                .to(dt)
            pow2 = (2 ** torch.arange(R, dtype=torch.long)).view(1, 1, R, 1)
            if self.read_sigma == 0:  # no per-chunk noise draw: larger chunks of items
                items_per_chunk = max(items_per_chunk, (4 * chunk) // max(1, S * OC * L))
        for i0 in range(0, n_items, items_per_chunk):
            it = items[i0:i0 + items_per_chunk]
            n = it.shape[0]
            M = n * L
            acc = torch.zeros(S, OC, M, dtype=dt)  # shift-added (slices, polarities) codes
            acc_ref = torch.zeros(S, plan.n_ref, M, dtype=dt) if plan.n_ref else None
            # m_sub inputs x nbc read groups per bmm: about `chunk` partial sums
            m_sub = min(L if L >= 256 else n * L, max(_MIN_GEMM_N, chunk // max(1, Bg * ncol)))
            nbc = max(1, min(G, chunk // max(1, m_sub * ncol)))
            if buf.numel() < nbc * m_sub * ncol:
                buf = torch.empty(nbc * m_sub * ncol, dtype=dt)
            xf, offsets, step, grid, row_w = self._source(it)
            Fg, N = xf.shape[1], xf.shape[2]
            base_off = xf.storage_offset()
            n_views = n if per_item else 1
            xcat_m = n * L
            if tables:  # input pattern of each read group at each grid point
                code = (xf.view(n, G, R, N).long() * pow2).sum(2)  # (n, G, N)
            for p in range(plan.positions):
                wp = self.tiles[p]
                if tables:
                    self._table_pass(code, p, offsets[p], step, grid, row_w, n, L, nbc,
                                     x_pat, acc, acc_ref, coef_rep)
                    continue
                if not per_item:
                    if L == 1:
                        xcat = xf.as_strided((G, R, n), (R, 1, Fg), base_off)
                    elif compact:  # rows of `row_w` grid points, the first L // ho real
                        ho = grid // row_w
                        xcat = xf.as_strided((n, G, R, ho, L // ho),
                                             (Fg * N, R * N, N, step * row_w, step),
                                             base_off + offsets[p]) \
                            .permute(1, 2, 0, 3, 4).reshape(G, R, n * L)
                    else:
                        xcat = xf.as_strided((n, G, R, L), (Fg * N, R * N, N, step),
                                             base_off + offsets[p]) \
                            .permute(1, 2, 0, 3).reshape(G, R, n * L)
                for g0 in range(0, G, nbc):
                    g1 = min(G, g0 + nbc)
                    wt = wp[g0:g1]
                    if self.read_sigma > 0:  # a fresh draw for every read
                        wt = devices.read_noise_(wt, self.read_sigma, self._noise_gen)
                    for i in range(n_views):
                        width = L if per_item else xcat_m
                        xc = None
                        if per_item and compact:  # item i's real output positions, copied
                            ho = grid // row_w
                            xc = xf.as_strided(
                                (g1 - g0, R, ho, L // ho), (R * N, N, step * row_w, step),
                                base_off + i * Fg * N + g0 * R * N + offsets[p]) \
                                .reshape(g1 - g0, R, L)
                        for m0 in range(0, width, m_sub):
                            m1 = min(width, m0 + m_sub)
                            if xc is not None:
                                xt = xc[:, :, m0:m1]
                                col0 = i * L + m0
                            elif per_item:  # item i: (groups, R, m) row-major views
                                xt = xf.as_strided(
                                    (g1 - g0, R, m1 - m0), (R * N, N, step),
                                    base_off + i * Fg * N + g0 * R * N + offsets[p] + m0 * step)
                                col0 = i * L + m0
                            else:  # all items of the chunk side by side
                                xt = xcat[g0:g1, :, m0:m1]
                                col0 = m0
                            out = buf[:(g1 - g0) * ncol * (m1 - m0)].view(g1 - g0, ncol,
                                                                          m1 - m0)
                            torch.bmm(wt, xt, out=out)
                            hi = None  # per-input largest unipolar code (neuron phases)
                            if item_max is not None:
                                hi = item_max[i0 + i] if per_item else \
                                    item_max[i0:i0 + n].repeat_interleave(L)[m0:m1]
                            if pair:  # subtract G- from G+ before the (signed) ADC
                                v = out.view(g1 - g0, K, OC, m1 - m0)
                                d = v[:, :n_pos]
                                d -= v[:, n_pos:]
                                v[:, n_pos:] = 0.0
                                if opts.adc:  # codes of two column LSBs, -half..half-1
                                    d.div_(2.0).round_().clamp_(-half, half - 1)
                                    if hi is not None:
                                        d.clamp_(min=-(hi + 1) / 2, max=(hi - 1) / 2)
                                    if hist is not None:
                                        sample = d.reshape(-1)[::HIST_STRIDE] + half
                                        hist += torch.bincount(sample.long(),
                                                               minlength=hist.numel())
                                    d.mul_(2.0)
                            elif opts.adc and bipolar:
                                if lsb_per_code != 1.0:
                                    out.div_(lsb_per_code)
                                out.round_().clamp_(-half, half - 1)
                                if hi is not None:
                                    out.clamp_(min=-(hi + 1) / 2, max=(hi - 1) / 2)
                                if hist is not None:  # codes -half..half-1 -> bins 0..2^b-1
                                    sample = out.view(-1)[::HIST_STRIDE] + half
                                    hist += torch.bincount(sample.long(),
                                                           minlength=hist.numel())
                                if lsb_per_code != 1.0:
                                    out.mul_(lsb_per_code)
                            elif opts.adc:
                                out.round_()
                                if self.needs_clamp:
                                    out.clamp_(0, self.max_code)
                                    if hi is not None:
                                        torch.minimum(out, hi, out=out)
                                if hist is not None:  # every HIST_STRIDE-th conversion
                                    sample = out.view(-1)[::HIST_STRIDE]
                                    hist += torch.bincount(sample.long(),
                                                           minlength=hist.numel())
                            self._reduce(out, g0, g1, acc, acc_ref, col0, m1 - m0, coef_rep)
            # shift-add over slices / polarity / reference, then over planes
            comb = acc
            if acc_ref is not None:
                comb = comb + self.coef_ref * acc_ref.index_select(1, plan.ref_of_weight)
            comb = comb.reshape(S, OC, n, L) * coef_of_item[i0:i0 + n].view(1, 1, n, 1)
            if self._crop is not None and not compact:
                comb = self._crop(comb)
            y.index_add_(0, sample_of_item[i0:i0 + n], comb.permute(2, 0, 1, 3))
        y = y * (self.w_step * self.drift_gain)
        y = y.reshape(batch, S * OC, -1)
        valid = plan.out_channel.reshape(-1) >= 0
        if not bool(valid.all()):
            y = y[:, valid]
        return y

    def _table_pass(self, code: torch.Tensor, p: int, offset: int, step: int, grid: int,
                    row_w: int, n: int, L: int, nbc: int, x_pat: torch.Tensor,
                    acc: torch.Tensor, acc_ref: torch.Tensor | None,
                    coef_rep: torch.Tensor) -> None:
        """Kernel position ``p`` of one chunk of ``n`` items through pattern tables
        (``SimOptions.pattern_tables``): the read groups' partial sums for every input
        pattern ``x_pat`` (rows, 2^rows) go through the ADC and the shift-add of
        :meth:`_reduce` exactly as the inputs' own would, then every input adds the table
        entry of its pattern ``code`` (n, G, N) -- the same values in the same order as
        the direct path. Read noise is drawn per read-group chunk as there."""
        S, OC = self.plan.n_sg, self.plan.cout_sg
        G, N, n_pat = code.shape[1], code.shape[2], x_pat.shape[1]
        if L == 1:  # linear: one input per item
            pat = code[:, :, 0].t()
        elif L != grid:  # conv, compact: the real output positions of each grid row
            ho = grid // row_w
            pat = code.as_strided((n, G, ho, L // ho), (G * N, N, step * row_w, step),
                                  offset).permute(1, 0, 2, 3).reshape(G, n * L)
        else:
            pat = code.as_strided((n, G, L), (G * N, N, step), offset) \
                .permute(1, 0, 2).reshape(G, n * L)
        wp = self.tiles[p]
        opts = self.options
        for g0 in range(0, G, nbc):
            g1 = min(G, g0 + nbc)
            wt = wp[g0:g1]
            if self.read_sigma > 0:  # the draw of the direct path
                wt = devices.read_noise_(wt, self.read_sigma, self._noise_gen)
            out = torch.bmm(wt, x_pat.expand(g1 - g0, *x_pat.shape))
            if opts.adc:
                out.round_()
                if self.needs_clamp:
                    out.clamp_(0, self.max_code)
            tab = torch.zeros(S, OC, n_pat, dtype=acc.dtype)
            tab_ref = torch.zeros(S, acc_ref.shape[1], n_pat, dtype=acc.dtype) \
                if acc_ref is not None else None
            self._reduce(out, g0, g1, tab, tab_ref, 0, n_pat, coef_rep)
            for g in range(g0, g1):  # one read group per super-group: sg = g
                # gather as a product with the one-hot pattern matrix: every term but
                # one is an exact zero, so each input gets acc + entry, rounded once,
                # as the direct path's add (and half the time of index_select)
                one_hot = torch.zeros(n_pat, pat.shape[1], dtype=acc.dtype)
                one_hot.scatter_(0, pat[g].view(1, -1), 1.0)
                acc[g].addmm_(tab[g], one_hot)
                if acc_ref is not None:
                    acc_ref[g].addmm_(tab_ref[g], one_hot)

    def _reduce(self, out: torch.Tensor, g0: int, g1: int, acc: torch.Tensor,
                acc_ref: torch.Tensor | None, col0: int, m: int,
                coef_rep: torch.Tensor) -> None:
        """Add ADC codes ``out`` (read groups g0..g1, columns, m inputs) into the running
        sums: shift-add over column types (slices, polarities) and sum over read groups
        in one matrix-vector product per super-group (columns are column-type-major)."""
        Bg, OC, K = self.plan.ngb, self.plan.cout_sg, self.code.columns
        ncol = out.shape[1]
        g = g0
        while g < g1:
            sg = g // Bg
            ge = min(g1, (sg + 1) * Bg)
            seg = out[g - g0:ge - g0]  # (gs, ncol, m)
            gs = ge - g
            dst = acc[sg, :, col0:col0 + m]
            if ncol == K * OC:
                dst.add_(torch.mv(seg.reshape(gs * K, OC * m).t(), coef_rep[:gs * K])
                         .view(OC, m))
            else:  # reference columns follow the K*OC weight columns of each read group
                # one matrix-vector product per read group (gemv on the transposed view:
                # half the time of a 1-row bmm; the same sums, bit for bit), then the
                # sum over read groups
                if gs == 1:
                    o2 = out[g - g0]  # (ncol, m)
                    dst.add_(torch.mv(o2[:K * OC].view(K, OC * m).t(), self.coef)
                             .view(OC, m))
                    acc_ref[sg, :, col0:col0 + m].add_(o2[K * OC:])
                else:
                    w = seg[:, :K * OC].reshape(gs, K, OC * m)
                    part = torch.empty(gs, OC * m, dtype=out.dtype)
                    for j in range(gs):
                        torch.mv(w[j].t(), self.coef, out=part[j])
                    dst.add_(part.sum(0).view(OC, m))
                    acc_ref[sg, :, col0:col0 + m].add_(seg[:, K * OC:].sum(0))
            g = ge

    @abstractmethod
    def _positions_out(self, x: torch.Tensor) -> int:
        """Output positions per input sample (H_out*W_out for conv, tokens for linear)."""

    def _grid(self, x: torch.Tensor) -> int:
        """Grid points per item the partial sums are computed on (>= output positions)."""
        return self._positions_out(x)

    _crop = None

    def extra_repr(self) -> str:
        p = self.part
        return (f"name={self.name!r}, policy={p.policy}, row_tiles={p.n_row_tiles}, "
                f"col_tiles={p.n_col_tiles}, groups={p.groups}, "
                f"rows_per_read={self.rows_per_read}, columns_per_weight={self.code.columns}, "
                f"adc_bits={self.adc_bits if self.options.adc else 'ideal'}")


class CrossbarConv2d(CrossbarLayer):
    """An ``nn.Conv2d`` computed on crossbars (grouped and depthwise included)."""

    def __init__(self, module: nn.Conv2d, name: str, design: Design,
                 options: SimOptions, seed: int = 0) -> None:
        if module.padding_mode != "zeros":
            raise MappingError(f"{name}: padding_mode {module.padding_mode!r} not supported "
                               f"(only 'zeros')")
        if isinstance(module.padding, str):
            raise MappingError(f"{name}: string padding {module.padding!r} not supported; "
                               f"give explicit numbers")
        self.kernel_size = tuple(module.kernel_size)
        self.stride = tuple(module.stride)
        self.padding = tuple(module.padding)
        self.dilation = tuple(module.dilation)
        super().__init__(module, name, design, options, seed)

    def _out_hw(self, x: torch.Tensor) -> tuple[int, int]:
        H, W = x.shape[-2:]
        (kh, kw), (sh, sw), (ph, pw), (dh, dw) = (self.kernel_size, self.stride,
                                                  self.padding, self.dilation)
        return ((H + 2 * ph - dh * (kh - 1) - 1) // sh + 1,
                (W + 2 * pw - dw * (kw - 1) - 1) // sw + 1)

    def _positions_out(self, x: torch.Tensor) -> int:
        ho, wo = self._out_hw(x)
        return ho * wo

    def _flat_ok(self) -> bool:
        return self.plan.kernel_wise and self.stride[0] == self.stride[1]

    def _grid(self, x: torch.Tensor) -> int:
        ho, wo = self._out_hw(x)
        if not self._flat_ok():
            return ho * wo
        return ho * (x.shape[-1] + 2 * self.padding[1])

    def _source(self, items: torch.Tensor) -> tuple[torch.Tensor, list[int], int, int, int]:
        n = items.shape[0]
        ho, wo = self._out_hw(items)
        if not self._flat_ok():
            if self.plan.kernel_wise:  # unequal strides: unfold, positions are row blocks
                raise MappingError(f"{self.name}: kernel-wise mapping with unequal "
                                   f"strides {self.stride} is not supported")
            feats = F.unfold(items, self.kernel_size, dilation=self.dilation,
                             padding=self.padding, stride=self.stride)
            return self._gathered(feats).contiguous(), [0], 1, ho * wo, wo
        (kh, kw), s, (ph, pw), (dh, dw) = (self.kernel_size, self.stride[0], self.padding,
                                           self.dilation)
        xp = F.pad(items, (pw, pw, ph, ph)) if (ph or pw) else items
        hp, wp = xp.shape[-2:]
        grid = ho * wp
        offsets = [i * dh * wp + j * dw for i in range(kh) for j in range(kw)]
        need = max(offsets) + s * (grid - 1) + 1
        flat = xp.reshape(n, xp.shape[1], hp * wp)
        if need > hp * wp:
            flat = F.pad(flat, (0, need - hp * wp))
        return self._gathered(flat).contiguous(), offsets, s, grid, wp

    def _crop(self, comb: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        if not self._flat_ok():
            return comb
        S, OC, n, grid = comb.shape
        ho = self._ho
        wp = grid // ho
        return comb.reshape(S, OC, n, ho, wp)[..., :self._wo].reshape(S, OC, n, -1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            ho, wo = self._out_hw(x)
            self._ho, self._wo = ho, wo
            y = self._compute(x).reshape(x.shape[0], -1, ho, wo)
            if self.bias is not None:
                y = y + self.bias.view(1, -1, 1, 1)
        return y.to(x.dtype)


class CrossbarLinear(CrossbarLayer):
    """An ``nn.Linear`` computed on crossbars (any leading dimensions)."""

    def _positions_out(self, x: torch.Tensor) -> int:
        return 1

    def _source(self, items: torch.Tensor) -> tuple[torch.Tensor, list[int], int, int, int]:
        feats = items.reshape(items.shape[0], -1, 1)
        return self._gathered(feats).contiguous(), [0], 1, 1, 1

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            lead = x.shape[:-1]
            flat = x.reshape(-1, x.shape[-1])
            y = self._compute(flat).reshape(*lead, -1)
            if self.bias is not None:
                y = y + self.bias
        return y.to(x.dtype)


def crossbar_layer(module: nn.Module, name: str, design: Design,
                   options: SimOptions, seed: int = 0) -> CrossbarLayer:
    """The crossbar form of ``module``, programmed with per-layer seed ``seed``."""
    if isinstance(module, nn.Conv2d):
        return CrossbarConv2d(module, name, design, options, seed)
    if isinstance(module, nn.Linear):
        return CrossbarLinear(module, name, design, options, seed)
    raise TypeError(f"{name}: {type(module).__name__} has no crossbar form")
