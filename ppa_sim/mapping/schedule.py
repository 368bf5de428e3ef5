"""Dataflow schedule: per-layer event counts for one inference.

Counts only (no energies): the roll-up multiplies them by the component
action costs. One *read step* applies one input bit-plane (bit-serial) or one
DAC level set to one group of ``rows_per_read`` word lines of every subarray
of one layer copy; every used column is then converted, ``columns_per_adc``
columns after one another through the column mux (the DNN+NeuroSim read
scheme: partial-parallel read, column mux in front of shared ADCs, shift-add
of the bit-serial partial sums, adder tree across subarrays; Peng et al.,
IEDM 2019, and the DNN+NeuroSim V1.3/V1.4 manual).

Events per weight layer (per inference; P = output positions, c = input
cycles, g = row groups, S = subarrays of one copy):

``array_read``        P x c x g x S subarray read cycles (array "read"); c counts both
                      passes of a layer with signed inputs on unsigned drivers
                      (``LayerMap.input_signed``, :func:`~ppa_sim.mapping.planner.input_passes`)
``wl_drive``          P x c x sum of rows used of every subarray (dac "drive_row")
``switch_matrix``     = array_read (one WL switch-matrix setting per read)
``mux_switch``        array_read x ceil(used columns / ADCs) (mux "switch")
``adc_convert``       P x n x g x used columns of every subarray, n = conversions per
                      column per read group of one input vector: n = c, but one per
                      converted integration phase of each pass for a read-out that
                      integrates the input cycles (adc kind ``neuron``; ``convert`` is
                      then one conversion's share of the MVM's energy)
``shift_add``         = adc_convert when c x g > 1 (each conversion is shifted and
                      added into the partial sum of its column, across input bits and
                      row groups); 0 when one read gives the whole dot product
``slice_add``         P x weights x (conversions per weight - 1): bit-slice (and
                      digital differential) recombination of each weight's columns

With ``mapping.accumulation_order: weight_first`` (DNN+NeuroSim's order) the two
swap roles: ``shift_add`` = adc_convert when a weight spans several conversions (the
weight's columns added after every conversion), ``slice_add`` = P x weights x c x g
x row tiles when c x g > 1 (each weight's sum shift-added over the input bits).

With ``weights.differential_readout: analog`` the G+ and G- columns of a pair are
subtracted before the ADC: ``adc_convert`` and the mux steps count column pairs
(``Architecture.columns_per_conversion`` = 2) and the pair needs no digital
subtraction.
``accumulate``        P x outputs x (row tiles - 1): partial sums across
                      subarrays/PEs/tiles (adder tree)
``activation``        P x outputs: ReLU/quantise of each output (NeuroSim puts it
                      at the tile/chip output)
buffer bits           ``{pe,tile,global}_buffer_{read,write}_bits``
interconnect bits     ``{pe,tile,chip}_bus_bits`` (bits x one average transfer)

Input reuse: with ``kernel_wise`` mapping each input element is fetched from
the tile buffer once and broadcast to the subarrays of all kernel positions
(the point of NeuroSim's novel mapping); with ``im2col`` the unrolled input
vector (rows = k*k*C) is fetched for every output position.

Digital layers: ``pool`` (``pool_op`` per output), ``add`` (``add_op`` per
element), ``activation``/``batchnorm`` (``activation`` per element) and
``matmul`` (``mac_op`` per MAC on the digital unit). Element-wise layers work
on the output stream of their producer on its way to the global buffer (no
extra buffer traffic); ``matmul`` reads both operands from the global buffer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ppa_sim.mapping._fast import renamed
from ppa_sim.mapping.planner import (
    LayerMap,
    Plan,
    conversions_per_input,
    input_cycles,
    row_groups,
)

if TYPE_CHECKING:  # pragma: no cover
    from ppa_sim.spec import Design


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


@dataclass(frozen=True)
class LayerEvents:
    """Event counts of one layer for one inference."""

    name: str
    kind: str
    counts: Mapping[str, float]
    read_steps: int = 0
    """Sequential read steps (stage length in read cycles); 0 for digital layers."""
    digital_ops: float = 0.0
    """Operations on the chip's digital unit (pool/add/activation/matmul MACs)."""
    act_bits: int = 8
    psum_bits: int = 0
    """Width of the shift-add / accumulation registers."""
    widths: Mapping[str, int] = field(default_factory=dict)


def psum_bits(adc_bits: int, act_bits: int, weight_bits: int, row_tiles: int) -> int:
    """Partial-sum width after shift-add over inputs and slices, plus adder-tree growth."""
    return adc_bits + act_bits + weight_bits + max(0, (row_tiles - 1).bit_length())


def layer_events(m: LayerMap, design: Design, *, own_activation: bool = True) -> LayerEvents:
    """Event counts of one mapped layer (see module docstring).

    ``own_activation``: count the output activation here (False when the network
    has an explicit activation layer after this one, which counts it).
    """
    arch = design.arch
    lay = m.layer
    dac = arch.subarray.dac
    act_bits = lay.act_bits if lay.act_bits is not None else dac.bits
    c: dict[str, float] = {}
    in_bits = lay.in_elements * act_bits
    out_bits = lay.out_elements * act_bits

    if m.is_crossbar:
        p = m.partition
        assert p is not None
        P = lay.out_positions
        cyc = input_cycles(lay, design, m.input_signed)
        n_conv = conversions_per_input(lay, design, m.input_signed)
        g = row_groups(p, design)
        S = p.subarrays
        n_adc = arch.adcs_per_subarray
        pair = arch.columns_per_conversion  # columns behind one conversion
        # used columns / rows per subarray, summed over the subarrays of one copy
        # (group blocks hold groups_per_subarray groups, the last one the remainder: the
        # packs sum to p.groups)
        gb_full, gb_rem = divmod(p.groups, p.groups_per_subarray)
        packs = [(p.groups_per_subarray, gb_full)] + ([(gb_rem, 1)] if gb_rem else [])
        rows_sum = sum(p.row_tiles) * p.n_col_tiles * p.groups
        cols_sum = sum(p.col_tiles) * p.n_row_tiles * p.groups
        # column tiles come in at most two widths (full ones and the last)
        mux_steps = sum(
            n_ct * n_k * _ceil_div(ct * k // pair, n_adc)
            for ct, n_ct in Counter(p.col_tiles).items() for k, n_k in packs
        ) * p.n_row_tiles
        c["array_read"] = P * cyc * g * S
        c["switch_matrix"] = c["array_read"]
        c["wl_drive"] = P * cyc * rows_sum
        c["adc_convert"] = P * n_conv * g * cols_sum / pair
        c["mux_switch"] = P * cyc * g * mux_steps
        outputs = p.groups * p.group_weights
        if arch.mapping.accumulation_order == "weight_first":
            # DNN+NeuroSim order (SubArray.cpp / ShiftAdd.cpp): after every conversion the
            # weight's columns are added (shiftAddWeight, one add per conversion when a
            # weight spans several columns), then each weight's sum is shift-added over
            # the input bits and row groups once per read (shiftAddInput)
            n_w = p.columns_per_weight // pair
            c["shift_add"] = c["adc_convert"] if n_w > 1 else 0.0
            c["slice_add"] = (P * outputs * cyc * g * p.n_row_tiles) if cyc * g > 1 else 0.0
        else:
            # one input cycle and one row group: the conversion is the column's whole dot
            # product, there is nothing to shift and add
            c["shift_add"] = c["adc_convert"] if cyc * g > 1 else 0.0
            c["slice_add"] = (P * outputs * max(0, p.columns_per_weight // pair - 1)
                              * p.n_row_tiles)
        c["accumulate"] = P * outputs * max(0, p.n_row_tiles - 1)
        if own_activation:
            c["activation"] = P * outputs
        wb = p.weight_bits or arch.subarray.cell.bits
        ps = psum_bits(arch.subarray.adc.bits, act_bits, wb, p.n_row_tiles)
        # inputs: global buffer -> chip bus -> tile buffer -> tile bus -> PE buffer
        if p.policy == "kernel_wise" or lay.kind == "linear":
            tile_in_bits = in_bits
        else:
            tile_in_bits = P * p.groups * p.group_rows * act_bits
        pe_in_bits = P * p.groups * p.group_rows * act_bits
        psum_out = P * outputs * p.n_row_tiles * ps
        c["global_buffer_read_bits"] = in_bits
        c["global_buffer_write_bits"] = out_bits
        c["chip_bus_bits"] = in_bits + out_bits
        # tile output: activations, or partial sums activated at chip level (NeuroSim)
        tile_out_bits = (lay.out_elements * ps if arch.tile.output == "partial_sums"
                         else out_bits)
        c["tile_buffer_write_bits"] = in_bits + tile_out_bits
        c["tile_buffer_read_bits"] = tile_in_bits + tile_out_bits
        c["tile_bus_bits"] = tile_in_bits + psum_out
        c["pe_buffer_write_bits"] = tile_in_bits
        c["pe_buffer_read_bits"] = pe_in_bits
        c["pe_bus_bits"] = pe_in_bits + psum_out
        return LayerEvents(name=lay.name, kind=lay.kind, counts=c, read_steps=m.stage_steps,
                           act_bits=act_bits, psum_bits=ps)

    ops = 0.0
    if lay.kind == "matmul":
        c["mac_op"] = float(lay.macs)
        ops = float(lay.macs)
        b, mm, k, n = lay.matmul_dims
        in_bits = b * (mm * k + k * n) * act_bits
        out_bits = b * mm * n * act_bits
    elif lay.kind == "pool":
        c["pool_op"] = float(lay.out_elements)
        ops = float(lay.out_elements)
    elif lay.kind == "add":
        c["add_op"] = float(lay.out_elements)
        ops = float(lay.out_elements)
    elif lay.kind == "batchnorm" and lay.folded_into:
        # folded into the producer's weights and bias: no run-time cost
        return LayerEvents(name=lay.name, kind=lay.kind, counts={}, act_bits=act_bits)
    elif lay.kind in ("activation", "batchnorm", "layernorm", "softmax"):
        c["activation"] = float(lay.out_elements)
        ops = float(lay.out_elements)
    elif lay.kind in ("flatten", "concat"):
        # pure re-indexing of buffered data: no data movement beyond addressing
        return LayerEvents(name=lay.name, kind=lay.kind, counts={}, act_bits=act_bits)
    if lay.kind == "matmul":
        # both operands come from the global buffer; the product goes back
        c["global_buffer_read_bits"] = in_bits
        c["global_buffer_write_bits"] = out_bits
        c["chip_bus_bits"] = in_bits + out_bits
    # element-wise layers (pool, add, activation) work on the stream between the
    # producer's output and the global buffer: no extra buffer round trip
    return LayerEvents(name=lay.name, kind=lay.kind, counts=c, digital_ops=ops,
                       act_bits=act_bits)


def schedule(plan: Plan, design: Design) -> tuple[LayerEvents, ...]:
    """Event counts of every layer of ``plan``."""
    return Scheduler(plan, design).events(plan)


class Scheduler:
    """Event counts of the plans of one network on one design (one
    :class:`~ppa_sim.mapping.planner.Planner`), memoised across the plans.

    A layer's counts depend on its geometry, its partition policy, its duplication and
    whether it counts its own activation; crossbar layers of equal geometry and
    placement (ResNet blocks) have equal counts, so they are counted once (per
    duplication) and only the name differs (the counts mapping is shared). Plans that
    differ in a few layers' copies (the roll-up's search over duplication bounds) only
    count those layers again.
    """

    def __init__(self, plan: Plan, design: Design) -> None:
        self.design = design
        folded = {m.name: m.layer.folded_into for m in plan.layers
                  if m.layer.kind == "batchnorm" and m.layer.folded_into}
        activated = {folded.get(src, src) for m in plan.layers
                     if m.layer.kind == "activation" for src in m.layer.inputs}
        # everything of a layer but its duplication that its counts depend on
        self._keys: list[tuple] = []
        self._own: list[bool] = []
        for m in plan.layers:
            own = m.name not in activated
            lay, p = m.layer, m.partition
            self._keys.append((lay.kind, lay.in_shape, lay.out_shape, lay.in_channels,
                               lay.out_channels, lay.kernel, lay.groups, lay.weight_bits,
                               lay.act_bits, lay.matmul_dims, bool(lay.folded_into),
                               p.policy if p is not None else "", own, m.input_signed))
            self._own.append(own)
        self._memo: dict[tuple, LayerEvents] = {}

    def events(self, plan: Plan) -> tuple[LayerEvents, ...]:
        """Event counts of every layer of ``plan`` (a plan of the same network and
        partitions as the one this scheduler was made with)."""
        if len(plan.layers) != len(self._keys):
            raise ValueError("plan of another network than this scheduler's")
        memo, design = self._memo, self.design
        out: list[LayerEvents] = []
        for m, static, own in zip(plan.layers, self._keys, self._own, strict=True):
            key = (static, m.duplication)
            ev = memo.get(key)
            if ev is None:
                ev = memo[key] = layer_events(m, design, own_activation=own)
            elif ev.name != m.layer.name:
                ev = renamed(ev, "name", m.layer.name)
            out.append(ev)
        return tuple(out)

    def layer_events(self, index: int, m: LayerMap) -> LayerEvents:
        """Event counts of layer ``index`` of the network placed as ``m`` (memoised, for
        callers that only read the counts: the events may carry the name of an equal
        layer)."""
        key = (self._keys[index], m.duplication)
        ev = self._memo.get(key)
        if ev is None:
            ev = self._memo[key] = layer_events(m, self.design,
                                                own_activation=self._own[index])
        return ev
