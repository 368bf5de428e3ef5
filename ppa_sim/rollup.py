"""Roll-up: event counts x component costs -> the cost tree and an Estimate.

``estimate_design(design, network)`` runs the whole cost path:

1. :func:`ppa_sim.mapping.planner.plan` places the layers (duplication, tiles);
2. :func:`ppa_sim.mapping.schedule.schedule` counts the events of each layer;
3. every component model is evaluated once per design (a dict local to the call:
   pure, no global cache) and multiplied by the event counts;
4. the cost tree ``chip > layer:<name> > tile > PE > subarray > component``
   carries areas and energies whose sums are the totals, so every breakdown
   adds up; leakage is one leaf per tree branch (category ``leakage``),
   leakage power x the time one inference occupies the chip.

With ``mapping.duplication: auto`` the plans of smaller duplication bounds are ranked
by a timing-only pass (:class:`_Timer`: the stage and chip-bus times that set the
cycle, computed by the same helpers as the full roll-up, so bit for bit the same
cycle) and only the plan kept is rolled up in full.

Timing (per layer *stage*): one read step takes
``t_step = t_array_read + columns_per_adc x max(t_adc, t_shift_add)``
(the column mux serialises the columns sharing an ADC); the compute time is
``read_steps x t_step``; the data time is the tile-buffer and chip-bus transfer
time of the layer's bits; a stage takes the larger of the two (double-buffered
input and output, as in NeuroSim's pipelined mode). Digital layers run on
``chip.digital_macs_per_cycle`` lanes at ``chip.clock_mhz``.

* pipelined: cycle = max(slowest stage, total chip-bus time per inference);
  latency = sum of stages (pipeline fill);
* layer-by-layer: latency = cycle = sum of stages.

With ``chip.synchronous`` (DNN+NeuroSim's default) the chip clock is the slower
of ``1/clock_mhz`` and the sensing cycle ``read_latency_factor x (t_array_read +
t_conversion)``; a read step is ``columns_per_adc`` clock cycles, every buffer and
bus transfer takes whole cycles, and a stage is the *sum* of its read, buffer and
chip-bus times (NeuroSim's per-layer latency), so the chip bus is charged per stage.
Opt-in NeuroSim stage accounting (all off by default): ``chip.sync_shift_add_cycles``
makes a read step ``columns_per_adc + columns_per_adc + ceil(columns_per_adc /
columns_per_weight)`` cycles (shift-add of the weight's columns, then over the input
bits: SubArray.cpp); ``chip.copies_share_tile_buffers`` charges the tile-buffer write +
read cycles of the whole layer to the tiles of one copy (Tile.cpp adds them after the
speed-up division); ``tile.output: partial_sums`` sends psum-wide outputs through
the tile buffer (chip-level activation).

Calibration (``CalibrationSpec``): ``post_layout_energy_factor`` multiplies every
dynamic action energy, ``digital_energy_factor`` those of the digital periphery,
``read_latency_factor`` the sensing time; the component models apply the others.
Leakage is never scaled.
"""

from __future__ import annotations

import inspect
import json
import math
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from ppa_sim.components import get as get_model
from ppa_sim.cost import ActionCost, ComponentCost, Cost
from ppa_sim.errors import ConfigError, Problem
from ppa_sim.mapping._fast import fast_init
from ppa_sim.mapping.planner import Plan, Planner, row_groups
from ppa_sim.mapping.schedule import Scheduler
from ppa_sim.network.layer import Network
from ppa_sim.results import CATEGORIES, Estimate, LayerResult
from ppa_sim.spec import Design
from ppa_sim.spec.architecture import ActivitySpec
from ppa_sim.units import MM2_PER_UM2, pj_from_uw_ns

ACTIVITY_SCHEMA = "ppa_sim.activity/1"

#: category of each component leaf
CATEGORY = {
    "array": "array", "adc": "adc", "column_mux": "mux", "wl_driver": "dac",
    "switch_matrix": "decoder", "program_driver": "write", "shift_add": "shift_add",
    "input_shift_add": "shift_add",
    "adder_tree": "accumulation",
    "accumulator": "accumulation", "pe_buffer": "buffer", "tile_buffer": "buffer",
    "global_buffer": "buffer", "pe_bus": "interconnect", "tile_bus": "interconnect",
    "chip_bus": "interconnect", "activation": "digital", "pool": "digital",
    "adder": "digital", "mac_unit": "digital", "leakage": "leakage",
}


# ----------------------------------------------------------------------------- activity


def load_activity(activity: Any, network: Network | None = None) -> dict[str, dict[str, float]]:
    """Per-layer measured activity from a file path, a dict or an AccuracyResult.

    Format (written by the accuracy path)::

        {"schema": "ppa_sim.activity/1",
         "layers": {"<layer>": {"input_bit_density": f, "mean_conductance_fraction": f,
                                "adc_code_histogram": [...], "adc_bits": n,
                                "input_signed": true|false}}}

    Every key is optional. ``input_signed`` (a JSON boolean; older files lack it = false):
    the layer's inputs were negative somewhere; drivers without ``dac.signed_input`` then
    take two passes (:func:`ppa_sim.mapping.planner.input_passes`). It is returned as
    1.0 / 0.0 under the same key.
    """
    if activity is None:
        return {}
    fname = None
    if isinstance(activity, (str, Path)):
        fname = str(activity)
        try:
            data = json.loads(Path(activity).read_text())
        except FileNotFoundError:
            raise ConfigError([Problem(fname, "", "activity file not found")]) from None
        except json.JSONDecodeError as e:
            raise ConfigError([Problem(fname, "", f"not valid JSON: {e.msg}",
                                       line=e.lineno)]) from None
    elif hasattr(activity, "activity") and not isinstance(activity, Mapping):
        doc = dict(activity.activity)   # an AccuracyResult: the whole file or its layers
        data = doc if "layers" in doc else {"schema": ACTIVITY_SCHEMA, "layers": doc}
    else:
        data = dict(activity)
    problems: list[Problem] = []
    if data.get("schema", ACTIVITY_SCHEMA) != ACTIVITY_SCHEMA:
        problems.append(Problem(fname, "schema", "unknown activity schema",
                                value=data.get("schema"), allowed=ACTIVITY_SCHEMA))
    layers = data.get("layers")
    if not isinstance(layers, Mapping):
        problems.append(Problem(fname, "layers", "must be a mapping of layer name -> activity"))
        raise ConfigError(problems)
    known = {lay.name for lay in network.layers} if network is not None else None
    out: dict[str, dict[str, float]] = {}
    for name, rec in layers.items():
        if known is not None and name not in known:
            problems.append(Problem(fname, f"layers.{name}", "no such layer in the network",
                                    allowed=", ".join(sorted(known)[:12])))
            continue
        if not isinstance(rec, Mapping):
            problems.append(Problem(fname, f"layers.{name}", "must be a mapping"))
            continue
        vals: dict[str, float] = {}
        for key in ("input_bit_density", "mean_conductance_fraction"):
            if key in rec:
                v = rec[key]
                if not isinstance(v, (int, float)) or not 0 <= float(v) <= 1:
                    problems.append(Problem(fname, f"layers.{name}.{key}",
                                            "must be a number in [0, 1]", value=v))
                else:
                    vals[key] = float(v)
        if "input_signed" in rec:
            v = rec["input_signed"]
            if not isinstance(v, bool):
                problems.append(Problem(fname, f"layers.{name}.input_signed",
                                        "must be true or false", value=v,
                                        allowed="true, false"))
            else:
                vals["input_signed"] = 1.0 if v else 0.0
        hist = rec.get("adc_code_histogram")
        if hist is not None:
            if not isinstance(hist, list) or not hist or any(
                    not isinstance(h, (int, float)) or h < 0 for h in hist):
                problems.append(Problem(fname, f"layers.{name}.adc_code_histogram",
                                        "must be a non-empty list of non-negative counts"))
            elif sum(hist) > 0:
                # mean normalised ADC code: how far up the range the partial sums sit
                top = max(1, len(hist) - 1)
                vals["mean_adc_code_fraction"] = sum(i * h for i, h in enumerate(hist)) / (
                    top * sum(hist))
        out[name] = vals
    if problems:
        raise ConfigError(problems)
    return out


# ----------------------------------------------------------------------------- components


class _Costs:
    """Component costs of one design, each model evaluated once (local memo)."""

    def __init__(self, design: Design) -> None:
        self.design = design
        self.memo: dict[tuple, ComponentCost] = {}
        a = design.arch
        self.cal = a.calibration
        self.toggle = a.activity.output_toggle

    def get(self, key: tuple, fn: Callable[[], ComponentCost]) -> ComponentCost:
        """The memoised cost; dynamic energies x ``post_layout_energy_factor``."""
        c = self.memo.get(key)
        if c is None:
            c = fn()
            k = self.cal.post_layout_energy_factor
            if c is not None and k != 1.0:
                c = ComponentCost(area_um2=c.area_um2, leakage_uw=c.leakage_uw, info=c.info,
                                  actions={n: ActionCost(a.energy_pj * k, a.latency_ns)
                                           for n, a in c.actions.items()})
            self.memo[key] = c
        return c

    # subarray level -----------------------------------------------------
    def array(self, act: ActivitySpec) -> ComponentCost:
        a, t = self.design.arch, self.design.tech
        return self.get(("array", act), lambda: get_model(
            "array", a.subarray.cell.type, key_path="subarray.cell.type")(
            a.subarray, t, activity=act, calibration=self.cal))

    def adc(self, signed_pass: bool = False) -> ComponentCost:
        """The read-out. ``signed_pass``: as it reads one of the two passes of a signed
        input on unsigned drivers (``bits - 1`` magnitude bits, ``planner.input_passes``);
        the same cost unless the model takes the input spec (kind "neuron")."""
        a = self.design.arch
        fn = get_model("adc", a.subarray.adc.kind, key_path="subarray.adc.kind")
        # a read-out that integrates over the input cycles (kind "neuron") also takes
        # the input (DAC) spec: its cost per cycle depends on the input bits
        params = inspect.signature(fn).parameters
        signed_pass = signed_pass and "dac" in params

        def make() -> ComponentCost:
            dac = a.subarray.dac
            if signed_pass:  # one pass of the magnitude bits (the accuracy path's _planes)
                mb = max(1, dac.bits - 1)
                dac = dac.model_copy(update={"bits": mb, "dac_bits": min(dac.dac_bits, mb)})
            kw: dict[str, Any] = {"dac": dac} if "dac" in params else {}
            if "array" in params:
                # a read-out that charges array lines itself (the current-mode MLSA: its
                # column and reference columns) takes the subarray's cell-matrix cost
                kw["array"] = self.array(a.activity)
            return fn(a.subarray.adc, self.design.node, calibration=self.cal, **kw)

        return self.get(("adc", signed_pass), make)

    def dac(self) -> ComponentCost:
        a = self.design.arch
        return self.get(("dac",), lambda: get_model(
            "dac", a.subarray.dac.kind, key_path="subarray.dac.kind")(
            a.subarray.dac, a.subarray, self.design.tech, calibration=self.cal))

    def mux(self) -> ComponentCost | None:
        s = self.design.arch.subarray
        if not s.column_mux or s.adc.columns_per_adc <= 1:
            return None
        return self.get(("mux",), lambda: get_model("mux", s.mux_kind,
                                                    key_path="subarray.mux_kind")(
            s, self.design.node, calibration=self.cal))

    def switch_matrix(self) -> ComponentCost | None:
        s = self.design.arch.subarray
        if not s.switch_matrix:  # the word-line drivers drive the rows directly
            return None
        return self.get(("sm",), lambda: get_model("decoder", "switch_matrix")(
            s.rows, self.design.node, voltage_v=self.design.device.read_voltage_v,
            calibration=self.cal))

    def program_driver(self) -> ComponentCost | None:
        s = self.design.arch.subarray
        if s.program_drivers_per_column <= 0:  # opt-in: inference-only subarray otherwise
            return None
        return self.get(("pd",), lambda: get_model("write", "column_driver")(
            s, self.design.tech, calibration=self.cal))

    def digital(self, model: str, *args: Any, **kw: Any) -> ComponentCost:
        k = self.cal.digital_energy_factor

        def make() -> ComponentCost:
            c = get_model("digital", model)(*args, self.design.node, calibration=self.cal,
                                            toggle=self.toggle, **kw)
            if k == 1.0:
                return c
            return ComponentCost(area_um2=c.area_um2, leakage_uw=c.leakage_uw, info=c.info,
                                 actions={n: ActionCost(a.energy_pj * k, a.latency_ns)
                                          for n, a in c.actions.items()})

        return self.get(("digital", model, args, tuple(sorted(kw.items()))), make)

    def buffer(self, level: str) -> ComponentCost:
        a = self.design.arch
        spec = {"pe": a.pe.buffer, "tile": a.tile.buffer, "global": a.chip.global_buffer}[level]
        return self.get(("buffer", level), lambda: get_model(
            "buffer", spec.kind, key_path=f"{level}.buffer.kind")(
            spec, self.design.node, calibration=self.cal, toggle=self.toggle))

    def bus(self, level: str, endpoints: int, span_um: float) -> ComponentCost:
        a = self.design.arch
        spec = {"pe": a.pe.interconnect, "tile": a.tile.interconnect,
                "chip": a.chip.interconnect}[level]
        return self.get(("bus", level, endpoints, round(span_um, 3)), lambda: get_model(
            "interconnect", spec.kind, key_path=f"{level}.interconnect.kind")(
            spec, self.design.node, endpoints=max(1, endpoints), span_um=max(span_um, 1e-3),
            calibration=self.cal, toggle=self.toggle))


_new_cost = fast_init(Cost)
_layer_result = fast_init(LayerResult)


def _leaf(name: str, area_um2: float = 0.0, energy_pj: float = 0.0,
          category: str = "") -> Cost:
    """A leaf of the cost tree (= ``Cost(name=..., ...)``)."""
    return _new_cost(name=name, area_um2=area_um2, energy_pj=energy_pj, latency_ns=0.0,
                     category=category, children=())


def _node(name: str, children: list[Cost], *, latency_ns: float = 0.0,
          category: str = "") -> Cost:
    """An inner node (= ``Cost.node``: area and energy are the children's sums, added in
    the same order)."""
    ch = tuple(children)
    return _new_cost(name=name, area_um2=sum([c.area_um2 for c in ch]),
                     energy_pj=sum([c.energy_pj for c in ch]), latency_ns=latency_ns,
                     category=category, children=ch)


def _e(c: ComponentCost | None, action: str) -> float:
    if c is None:
        return 0.0
    return c.actions[action].energy_pj if action in c.actions else 0.0


def _t(c: ComponentCost | None, action: str) -> float:
    if c is None:
        return 0.0
    return c.actions[action].latency_ns if action in c.actions else 0.0


# ----------------------------------------------------------------------------- main


def _by_category(tree: Cost) -> dict[str, tuple[float, float]]:
    """(area, energy) summed over the leaves per category (iterative walk, fast)."""
    out: dict[str, list[float]] = {}
    stack = [tree]
    while stack:
        node = stack.pop()
        if node.children:
            stack.extend(node.children)
            continue
        acc = out.setdefault(node.category or node.name, [0.0, 0.0])
        acc[0] += node.area_um2
        acc[1] += node.energy_pj
    return {k: (v[0], v[1]) for k, v in out.items()}


def _geometry(lay: Any) -> tuple:
    """Everything of a layer but its name and wiring: equal tuples cost the same."""
    return (lay.kind, lay.in_shape, lay.out_shape, lay.in_channels, lay.out_channels,
            lay.kernel, lay.stride, lay.padding, lay.dilation, lay.groups, lay.bias,
            lay.weight_bits, lay.act_bits)


def _array_read_scale(arr: ComponentCost, part: Any, design: Design,
                      act: ActivitySpec) -> float:
    """Fraction of a full-subarray read's energy that one read of this layer draws.

    The array model prices a read of the whole subarray (``rows_per_read`` rows x all
    columns holding weights). A layer that fills its subarrays only partly does less:
    rows it does not use get no input, so their word lines are not charged and their
    cells draw no current; cells of a driven row outside the layer's weights (unused
    columns, the off-diagonal blocks of packed groups) hold the lowest state and draw
    the G_off current only (none for SRAM / charge-domain cells); SRAM bit lines of
    unused columns are not discharged. Resistive bit lines stay clamped at the read
    voltage on every column, so their charge is not scaled. The ADC, mux and driver
    events are already counted per used column / row (``ppa_sim.mapping.schedule``).
    """
    info = arr.info
    e_wl = float(info.get("read_energy_wl_pj", 0.0))
    e_bl = float(info.get("read_energy_bl_pj", 0.0))
    e_cell = float(info.get("read_energy_cell_pj", 0.0))
    total = e_wl + e_bl + e_cell
    if total <= 0.0 or part is None or part.is_digital:
        return 1.0
    sub = design.arch.subarray
    slots = part.subarrays * row_groups(part, design) * sub.rows_per_read
    if slots <= 0:
        return 1.0
    rows_sum = sum(part.row_tiles) * part.n_col_tiles * part.groups
    cols_sum = sum(part.col_tiles) * part.n_row_tiles * part.groups
    f_row = min(1.0, rows_sum / slots)
    f_col = min(1.0, cols_sum / (part.subarrays * sub.cols))
    used = min(part.used_cells, rows_sum * sub.cols)
    ctype = sub.cell.type
    if ctype.startswith("sram") or ctype == "c2c":
        off_ratio = 0.0
    else:
        dev = design.device
        g_mean = dev.g_off_s + act.mean_conductance_fraction * (dev.g_on_s - dev.g_off_s)
        off_ratio = dev.g_off_s / g_mean if g_mean > 0 else 0.0
    f_cell = min(1.0, (used + (rows_sum * sub.cols - used) * off_ratio) / (slots * sub.cols))
    f_bl = f_col if ctype.startswith("sram") else 1.0
    return (e_wl * f_row + e_bl * f_bl + e_cell * f_cell) / total


def _layer_activity(design: Design, measured: Mapping[str, float] | None) -> ActivitySpec:
    base = design.arch.activity
    if not measured:
        return base
    upd = {k: v for k, v in measured.items() if k in ("input_bit_density",
                                                       "mean_conductance_fraction")}
    return base.model_copy(update=upd) if upd else base


def estimate_design(design: Design, network: Network, activity: Any = None,
                    training: bool = False) -> Estimate:
    """Area, energy, latency and throughput of ``network`` on ``design``.

    ``activity``: None (the architecture's ActivitySpec), a path to an activity
    JSON file, its dict, or an AccuracyResult.

    ``training``: cost one on-chip training image instead of an inference: the
    forward pass, the backward error pass (a transposed read of every weight
    layer but the first, same periphery events), the weight-gradient MACs on the
    chip's digital MAC unit, and one row-parallel reprogramming of every used
    row per ``mapping.training_batch_size`` images (amortised per image).
    """
    measured = load_activity(activity, network)
    costs = _Costs(design)
    # layers measured with signed inputs: two passes on unsigned drivers (planner)
    signed = frozenset(n for n, v in measured.items() if v.get("input_signed"))
    planner = Planner(network, design, signed)
    pl = planner.plan()
    chip = _Chip(design, costs)
    sched = Scheduler(pl, design)

    def full(p: Plan) -> Estimate:
        return _estimate_plan(design, network, p, costs, measured, activity, training,
                              chip=chip, scheduler=sched)[0]

    top = max((m.duplication for m in pl.crossbar_layers), default=1)
    if design.arch.mapping.duplication != "auto" or top <= 1:
        return full(pl)
    # The candidate plans are ranked by a timing-only pass (the stage and chip-bus times
    # that set the cycle, the same numbers the full roll-up computes); only the plan
    # kept gets the full roll-up with its cost tree.
    timer = _Timer(chip, pl, sched, measured, training)
    cycle, compute_set = timer.cycle(pl)
    if compute_set:
        return full(pl)
    # The copies did not set the cycle by the duplicated layer's compute: they may cost
    # more than they give (their tiles enlarge the chip, which lengthens every chip-bus
    # transfer and adds bus and buffer time to every stage). Try halved bounds on the
    # copies down to 1 and keep the fastest plan; on a tie the fewer copies (less area).
    # The search stops at a compute-set plan, as fewer copies cannot beat it either.
    best: tuple[float, Plan | None, int] = (cycle, None, top)
    cap, seen = top, {tuple(m.duplication for m in pl.layers)}
    while cap > 1:
        cap //= 2
        cand = planner.plan(max_duplication=cap)
        key = tuple(m.duplication for m in cand.layers)
        if key in seen:
            continue
        seen.add(key)
        cycle, done = timer.cycle(cand)
        if cycle <= best[0]:
            best = (cycle, cand, cap)
        if done:
            break
    if best[1] is None:
        return full(pl)
    e = full(best[1])
    return replace(e, meta={**e.meta, "auto_duplication_bound": best[2]})


class _Chip:
    """The plan-independent terms of one design: component costs, subarray/PE/tile areas
    and the timing constants (clock, read step, buffer and bus widths).

    Built once per :func:`estimate_design` and shared by the timing passes over the
    candidate plans (:class:`_Timer`) and the full roll-up (:func:`_estimate_plan`), so
    both work with the very same numbers."""

    def __init__(self, design: Design, costs: _Costs) -> None:
        self.design, self.costs = design, costs
        arch = design.arch
        sub = arch.subarray
        # column pairs per ADC with analog differential read-out
        self.n_adc = n_adc = arch.adcs_per_subarray
        clock_ns = 1e3 / arch.chip.clock_mhz
        self.act_bits = act_bits = sub.dac.bits
        wbits = arch.weights.bits or sub.cell.bits
        ps_bits = sub.adc.bits + act_bits + wbits + max(0, (arch.pe.subarrays * arch.tile.pes
                                                            ).bit_length())

        self.base_arr = base_arr = costs.array(arch.activity)
        adc, dac, mux, sm = costs.adc(), costs.dac(), costs.mux(), costs.switch_matrix()
        self.adc, self.dac, self.mux, self.sm = adc, dac, mux, sm
        # per-column shift-add over the input bits: ADC code + input bits wide (NeuroSim
        # ShiftAdd: numBit = ADC bits + input bits); slices and subarrays are then added in
        # ps_bits-wide adders
        self.weight_first = weight_first = arch.mapping.accumulation_order == "weight_first"
        n_w = arch.columns_per_weight // arch.columns_per_conversion
        if weight_first:
            # DNN+NeuroSim order (SubArray.cpp, ShiftAdd.cpp), LSB-first shift-adds: per ADC
            # the weight's columns (an ADC-code-wide adder into a register extended by the
            # slice shifts: shiftAddWeight), per weight the input bits (an ADC + weight-wide
            # adder into a register extended by the input shifts: shiftAddInput)
            cb = sub.cell.bits
            self.shadd = shadd = costs.digital(
                "shift_add", sub.adc.bits,
                register_bits=sub.adc.bits + 1 + (n_w - 1) * cb) if n_w > 1 else None
            self.wide_add = costs.digital("shift_add", sub.adc.bits + wbits,
                                          register_bits=sub.adc.bits + wbits + act_bits)
        else:
            self.shadd = shadd = costs.digital("shift_add", sub.adc.bits + act_bits)
            self.wide_add = costs.digital("adder", ps_bits)
        self.pe_tree = pe_tree = costs.digital("adder_tree", max(2, arch.pe.subarrays),
                                               ps_bits)
        self.tile_tree = tile_tree = costs.digital("adder_tree", max(2, arch.tile.pes),
                                                   ps_bits)
        self.actv = actv = costs.digital("activation", act_bits, function="relu")
        pe_buf, tile_buf = costs.buffer("pe"), costs.buffer("tile")
        self.pe_buf, self.tile_buf, self.glb = pe_buf, tile_buf, costs.buffer("global")

        # ---- areas bottom-up (units)
        self.sub_parts = sub_parts = {
            "array": (base_arr, 1), "adc": (adc, n_adc), "column_mux": (mux, 1),
            "wl_driver": (dac, 1), "switch_matrix": (sm, 1),
            "program_driver": (costs.program_driver(), 1),
            # a subarray whose one read gives the whole dot product (one input cycle, all
            # rows at once) has no per-column shift-add register
            "shift_add": (shadd, n_adc if (sub.dac.cycles > 1 or sub.rows_per_read < sub.rows)
                          else 0)}
        if weight_first:
            # one input shift-add unit per weight of the subarray (NeuroSim shiftAddInput:
            # numUnit = columns / columns per weight); none when one read is final
            multi = sub.dac.cycles > 1 or sub.rows_per_read < sub.rows
            sub_parts["shift_add"] = (shadd, n_adc if n_w > 1 else 0)
            sub_parts["input_shift_add"] = (self.wide_add,
                                            sub.cols // max(1, arch.columns_per_weight)
                                            if multi else 0)
        self.sub_area = sum(c.area_um2 * n for c, n in sub_parts.values() if c is not None)
        self.sub_leak_uw = sum(c.leakage_uw * n for c, n in sub_parts.values()
                               if c is not None)
        pe_core = arch.pe.subarrays * self.sub_area + n_adc * pe_tree.area_um2 + pe_buf.area_um2
        self.pe_bus = pe_bus = costs.bus("pe", arch.pe.subarrays, math.sqrt(pe_core))
        pe_area = pe_core + pe_bus.area_um2
        tile_core = (arch.tile.pes * pe_area + n_adc * tile_tree.area_um2
                     + n_adc * actv.area_um2 + tile_buf.area_um2)
        self.tile_bus = tile_bus = costs.bus("tile", arch.tile.pes, math.sqrt(tile_core))
        self.tile_area = tile_core + tile_bus.area_um2

        # ---- timing
        rlf = arch.calibration.read_latency_factor
        self.sync = sync = arch.chip.synchronous
        # the read-out's time per read step (input cycle): one conversion, or for a
        # read-out that integrates the input cycles (kind "neuron") one cycle's share of
        # the MVM (its conversions are fewer than the input cycles)
        t_conv = max(adc.info.get("input_cycle_latency_ns", _t(adc, "convert")),
                     _t(shadd, "op"))
        self.shift_share = 0.0
        if sync:
            # one chip clock = the analog sensing cycle (array read + one conversion), or the
            # nominal clock if slower; each column-mux step is one cycle (NeuroSim: the ADC
            # read takes numColMuxed cycles of the sensing-limited clock)
            clock_ns = max(clock_ns, rlf * (_t(base_arr, "read") + t_conv))
            cpa = sub.adc.columns_per_adc
            t_step = cpa * clock_ns
            read_share = _t(base_arr, "read") / (_t(base_arr, "read") + t_conv)
            if arch.chip.sync_shift_add_cycles:
                # NeuroSim SubArray.cpp (synchronous): readLatencyAccum = shiftAddWeight
                # (numColMuxed cycles, weights over several columns) + shiftAddInput
                # (ceil(numColMuxed / numColPerSynapse) cycles, bit-serial inputs)
                extra = ((cpa if n_w > 1 else 0)
                         + (-(-cpa // max(1, n_w)) if sub.dac.cycles > 1 else 0))
                self.shift_share = extra / (cpa + extra)
                t_step = (cpa + extra) * clock_ns
        elif adc.info.get("integrating") or adc.info.get("pipelined"):
            # an integrating converter (CCO: the column current sets the oscillator
            # frequency and the counter counts while the read pulse flows) converts DURING
            # the read window: one column's read + conversion take the longer of the two.
            # A pipelined one (cdac_sar, params.pipelined: its CDAC holds the sampled
            # column, columns_per_adc 1) converts while the array evaluates the next read.
            t_step = rlf * sub.adc.columns_per_adc * max(_t(base_arr, "read"), t_conv)
            read_share = min(1.0, _t(base_arr, "read") / max(_t(base_arr, "read"), t_conv))
        else:
            t_step = rlf * (_t(base_arr, "read") + sub.adc.columns_per_adc * t_conv)
            read_share = rlf * _t(base_arr, "read") / t_step if t_step else 0.0
        self.clock_ns, self.t_step, self.read_share = clock_ns, t_step, read_share
        self.lanes = arch.chip.digital_macs_per_cycle
        self.xfer_bits = {"tile": arch.tile.buffer.width_bits * arch.tile.buffer.banks,
                          "chip": arch.chip.interconnect.width_bits}
        self.t_tile_rd = max(_t(tile_buf, "read"), clock_ns)
        # NeuroSim Tile.cpp: a layer's copies shorten its reads, not its buffer time
        self.share_buffers = sync and arch.chip.copies_share_tile_buffers

    def chip_bus(self, chip_tiles: int) -> tuple[ComponentCost, float, float | None]:
        """(chip bus cost, time of one transfer, mesh injection rate or None) of a chip of
        ``chip_tiles`` tiles (the bus spans the chip, so it depends on the plan)."""
        chip_core = chip_tiles * self.tile_area + self.glb.area_um2
        bus = self.costs.bus("chip", chip_tiles, math.sqrt(chip_core))
        t_chip = max(_t(bus, "transfer"), self.clock_ns)
        # a 2-D mesh has one router per tile, so the tiles of a layer inject and eject their
        # data over their own links in parallel; under uniform random traffic a k x k mesh
        # sustains 4/k flits per node per cycle (bisection bound, Dally & Towles, "Principles
        # and Practices of Interconnection Networks", 2004, section 3.3.1), 1 for k <= 4
        # A concentrated mesh (router: vc, params.concentration c) has one router per c
        # tiles: the bisection bound applies to the ceil(tiles / c) routers and the c tiles
        # of a router share its injection link, so each tile sustains 1/c of the router's rate
        routers = float(bus.info.get("routers", chip_tiles) or chip_tiles)
        per_router = max(1.0, chip_tiles / max(1.0, routers))
        mesh_k = math.sqrt(max(1.0, routers))
        kind = self.design.arch.chip.interconnect.kind
        mesh_rate = min(1.0, 4.0 / mesh_k) / per_router if kind == "mesh" else None
        return bus, t_chip, mesh_rate


def _chip_bus_ns(bits: float, tiles: float, chip: _Chip, t_chip: float,
                 mesh_rate: float | None) -> float:
    """Chip-bus time of a layer's ``bits`` (spread over its tiles' links on a mesh)."""
    t = bits / chip.xfer_bits["chip"] * t_chip
    if mesh_rate is not None:
        t /= max(1.0, float(tiles)) * mesh_rate
    return t


def _xbar_stage(chip: _Chip, read_steps: int, tile_read_bits: float, n_tiles: float,
                t_cbus: float, train_k: float, t_train: float,
                copies: int = 1) -> tuple[float, float, float]:
    """(stage time, compute time, tile-buffer time) of a crossbar layer (see the module
    docstring). ``copies``: the layer's duplication (with ``chip.copies_share_tile_buffers``
    the buffer traffic of the whole layer goes through the tiles of one copy)."""
    t_compute = read_steps * chip.t_step * train_k + t_train
    if chip.share_buffers:
        # NeuroSim Tile.cpp: the input and output buffer lines are written and read
        # (read + write cycles) by the tiles of one copy, not spread over the copies
        t_data = (2.0 * tile_read_bits / chip.xfer_bits["tile"]) * chip.t_tile_rd / max(
            1.0, n_tiles / max(1, copies))
    else:
        t_data = (tile_read_bits / chip.xfer_bits["tile"]) * chip.t_tile_rd / max(1.0, n_tiles)
    if chip.sync:
        # NeuroSim's synchronous accounting: read, buffer and bus cycles add up
        return t_compute + t_data + t_cbus, t_compute, t_data
    return max(t_compute, t_data), t_compute, t_data


def _xbar_breakdown(chip: _Chip, st: float, t_compute: float, t_data: float,
                    t_cbus: float) -> dict[str, float]:
    """Latency breakdown of a crossbar layer's stage (:func:`_xbar_stage`)."""
    read_share = chip.read_share
    if chip.sync:
        if chip.shift_share:
            t_an = t_compute * (1 - chip.shift_share)
            return {"array": t_an * read_share, "adc": t_an * (1 - read_share),
                    "shift_add": t_compute * chip.shift_share, "buffer": t_data,
                    "interconnect": t_cbus}
        return {"array": t_compute * read_share, "adc": t_compute * (1 - read_share),
                "buffer": t_data, "interconnect": t_cbus}
    if t_compute >= t_data:
        return {"array": st * read_share, "adc": st * (1 - read_share)}
    return {"buffer": st}


def _train_ns(chip: _Chip, lay: Any, part: Any, arr: ComponentCost) -> float:
    """Training time of a crossbar layer on top of its reads: the weight-gradient MACs on
    the digital unit + one batch's row writes, amortised per image."""
    mac = chip.costs.digital("mac_unit", chip.act_bits)
    batch = chip.design.arch.mapping.training_batch_size
    return (math.ceil(lay.macs / chip.lanes) * max(chip.clock_ns, _t(mac, "mac"))
            + max(part.row_tiles) * _t(arr, "write_row") / batch)


def _digital_op(chip: _Chip, lay: Any, c: Mapping[str, float]) -> tuple[str, float, float]:
    """(digital unit, energy per inference, time per operation) of a layer without
    crossbars."""
    costs, act_bits = chip.costs, chip.act_bits
    e_dig = 0.0
    t_op = chip.clock_ns
    dig_kind = ""
    if lay.kind == "matmul":
        mac = costs.digital("mac_unit", act_bits)
        e_dig = c.get("mac_op", 0) * _e(mac, "mac")
        t_op = max(t_op, _t(mac, "mac"))
        dig_kind = "mac_unit"
    elif lay.kind == "pool":
        win = max(1, round(lay.in_elements / max(1, lay.out_elements)))
        pool = costs.digital("pool", act_bits, window=win, kind=lay.pool or "max")
        e_dig = c.get("pool_op", 0) * _e(pool, "op")
        t_op = max(t_op, _t(pool, "op"))
        dig_kind = "pool"
    elif lay.kind == "add":
        a8 = costs.digital("adder", act_bits)
        e_dig = c.get("add_op", 0) * _e(a8, "add")
        dig_kind = "adder"
    elif c.get("activation"):
        e_dig = c["activation"] * _e(chip.actv, "op")
        dig_kind = "activation"
    return dig_kind, e_dig, t_op


def _digital_stage(ops: float, t_op: float, lanes: int, t_cbus: float) -> float:
    """Stage time of a layer on the digital unit (at least its chip-bus time)."""
    st = math.ceil(ops / lanes) * t_op if ops else 0.0
    return max(st, t_cbus)


def _digital_breakdown(ops: float, st: float) -> dict[str, float]:
    """Latency breakdown of a digital layer's stage (:func:`_digital_stage`)."""
    return {"digital": st} if ops else ({"interconnect": st} if st else {})


def _cycle(stage_ns: list[float], chip_bus_ns: float, sync: bool, pipelined: bool) -> float:
    """Pipeline cycle (1/throughput) from the stage times (see the module docstring)."""
    if pipelined:
        return max(max(stage_ns, default=0.0), 0.0 if sync else chip_bus_ns)
    return sum(stage_ns)


class _Timer:
    """Timing-only roll-up of the candidate plans of ``duplication: auto``: the cycle of
    a plan and whether it is compute-set, as :func:`_estimate_plan` finds them (the same
    helpers on the same numbers), without the energies and the cost tree. The terms of a
    layer that do not depend on the rest of the plan (per layer and duplication: read
    steps, bits, training time, digital operations) are kept between the candidates."""

    def __init__(self, chip: _Chip, pl: Plan, sched: Scheduler,
                 measured: dict[str, dict[str, float]], training: bool) -> None:
        self.chip, self.sched, self.measured, self.training = chip, sched, measured, training
        self.first = next((i for i, m in enumerate(pl.layers) if m.is_crossbar), -1)
        self.pipelined = chip.design.arch.mapping.execution == "pipelined"
        self._terms: dict[tuple[int, int], tuple] = {}

    def _layer_terms(self, i: int, m: Any) -> tuple:
        """(crossbar?, chip-bus bits, then read steps, tile-buffer read bits, training
        factor, training time for a crossbar layer / operations, time per operation for a
        digital one) of layer ``i`` placed as ``m``."""
        chip = self.chip
        ev = self.sched.layer_events(i, m)
        c = ev.counts
        chip_bits = c.get("chip_bus_bits", 0)
        if not m.is_crossbar:
            _kind, _e_dig, t_op = _digital_op(chip, m.layer, c)
            return (False, chip_bits, ev.digital_ops, t_op)
        bits = c["tile_buffer_read_bits"]
        train_k, t_train = 1.0, 0.0
        if self.training:
            # as _estimate_plan: the first weight layer has no transposed read
            train_k = 1.0 if i == self.first else 2.0
            bits = bits * train_k
            design = chip.design
            lact = _layer_activity(design, self.measured.get(m.name))
            arr = (chip.base_arr if lact is design.arch.activity
                   else chip.costs.array(lact))
            t_train = _train_ns(chip, m.layer, m.partition, arr)
        return (True, chip_bits, ev.read_steps, bits, train_k, t_train, m.duplication)

    def _stage(self, t: tuple, tiles: float, t_cbus: float) -> tuple[float, float, float]:
        if t[0]:
            return _xbar_stage(self.chip, t[2], t[3], tiles, t_cbus, t[4], t[5], t[6])
        return _digital_stage(t[2], t[3], self.chip.lanes, t_cbus), 0.0, 0.0

    def cycle(self, pl: Plan) -> tuple[float, bool]:
        """(cycle in ns, compute-set) of ``pl`` (see :func:`_is_compute_set`)."""
        chip = self.chip
        _bus, t_chip, mesh_rate = chip.chip_bus(pl.chip_tiles)
        terms = self._terms
        stage_ns: list[float] = []
        chip_bus_ns = 0.0
        top, top_st, top_cbus = -1, 0.0, 0.0
        for i, m in enumerate(pl.layers):
            t = terms.get((i, m.duplication))
            if t is None:
                t = terms[(i, m.duplication)] = self._layer_terms(i, m)
            t_cbus = _chip_bus_ns(t[1], m.tiles, chip, t_chip, mesh_rate)
            chip_bus_ns += t_cbus
            st = self._stage(t, m.tiles, t_cbus)[0]
            stage_ns.append(st)
            if top < 0 or st > top_st:   # the first slowest stage, as max() picks it
                top, top_st, top_cbus = i, st, t_cbus
        cycle = _cycle(stage_ns, chip_bus_ns, chip.sync, self.pipelined)
        raw: list[tuple] = []
        if top >= 0:
            # only the slowest stage's breakdown matters to _is_compute_set
            m = pl.layers[top]
            t = terms[(top, m.duplication)]
            st, t_compute, t_data = self._stage(t, m.tiles, top_cbus)
            lbd = (_xbar_breakdown(chip, st, t_compute, t_data, top_cbus) if t[0]
                   else _digital_breakdown(t[2], st))
            raw.append((m, None, None, st, lbd))
        return cycle, _is_compute_set(raw, cycle, chip.sync, self.pipelined, chip_bus_ns)


def _estimate_plan(design: Design, network: Network, pl: Plan, costs: _Costs,
                   measured: dict[str, dict[str, float]], activity: Any, training: bool, *,
                   chip: _Chip | None = None, scheduler: Scheduler | None = None
                   ) -> tuple[Estimate, bool]:
    """:func:`estimate_design` of one plan; also whether the cycle is *compute-set*:
    set by the compute of the slowest stage, a weight layer, in a way that fewer copies
    could not beat (so ``duplication: auto`` needs no search over smaller bounds).
    ``chip`` / ``scheduler``: the design's terms and the network's scheduler when the
    caller already has them (``chip`` must be of ``costs``)."""
    arch = design.arch
    ch = chip if chip is not None else _Chip(design, costs)
    events = (scheduler or Scheduler(pl, design)).events(pl)
    sub = arch.subarray
    n_adc = ch.n_adc  # column pairs per ADC with analog differential read-out
    act_bits = ch.act_bits
    base_arr, adc, dac, mux, sm = ch.base_arr, ch.adc, ch.dac, ch.mux, ch.sm
    shadd, wide_add, pe_tree, tile_tree = ch.shadd, ch.wide_add, ch.pe_tree, ch.tile_tree
    actv, pe_buf, tile_buf, glb = ch.actv, ch.pe_buf, ch.tile_buf, ch.glb
    sub_parts, sub_leak_uw = ch.sub_parts, ch.sub_leak_uw
    pe_bus, tile_bus, tile_area = ch.pe_bus, ch.tile_bus, ch.tile_area
    chip_bus, t_chip, mesh_rate = ch.chip_bus(pl.chip_tiles)
    sync, t_step, clock_ns = ch.sync, ch.t_step, ch.clock_ns
    lanes = ch.lanes
    xfer_bits = ch.xfer_bits

    layer_nodes: list[Cost] = []
    raw: list[tuple[Any, Mapping[str, float], dict[str, float], float, dict[str, float]]] = []
    stage_ns: list[float] = []
    stage_bd: list[dict[str, float]] = []
    chip_bus_ns_total = 0.0
    glb_e = {"read": 0.0, "write": 0.0, "bus": 0.0, "digital": 0.0}
    digital_e: dict[str, float] = {}
    per_layer_leak_uw: list[float] = []

    first_xbar = next((m for m in pl.layers if m.is_crossbar), None)
    # loop invariants: action energies and access widths (same products as written out)
    e_convert, e_mux, e_drive = _e(adc, "convert"), _e(mux, "switch"), _e(dac, "drive_row")
    e_sm, e_shadd, e_wide_add = _e(sm, "switch"), _e(shadd, "op"), _e(wide_add, "add")
    if ch.weight_first:
        e_wide_add = _e(wide_add, "op")
    # a read-out that weights the input bits in analog (kind "neuron") needs fewer digital
    # shift-adds than one per conversion (its info says how many)
    e_shadd_op = e_shadd
    e_shadd *= adc.info.get("shift_adds_per_convert", 1.0)
    e_act = _e(actv, "op")
    add_e = _e(pe_tree, "reduce") / max(1, arch.pe.subarrays - 1)
    tadd_e = _e(tile_tree, "reduce") / max(1, arch.tile.pes - 1)
    pe_buf_w, tile_buf_w = arch.pe.buffer.width_bits, arch.tile.buffer.width_bits
    pe_bus_w, tile_bus_w = arch.pe.interconnect.width_bits, arch.tile.interconnect.width_bits
    e_pe_rd, e_pe_wr, e_pe_bus = _e(pe_buf, "read"), _e(pe_buf, "write"), _e(pe_bus, "transfer")
    e_tile_rd, e_tile_wr = _e(tile_buf, "read"), _e(tile_buf, "write")
    e_tile_bus = _e(tile_bus, "transfer")
    glb_w = arch.chip.global_buffer.width_bits
    e_glb_rd, e_glb_wr, e_chip_bus = _e(glb, "read"), _e(glb, "write"), _e(chip_bus, "transfer")
    sub_units = [(key, comp.area_um2 * per, CATEGORY[key])
                 for key, (comp, per) in sub_parts.items() if comp is not None]
    # layers of equal geometry, placement and activity (ResNet blocks) cost the same: their
    # figures are computed once per call and replayed in layer order (so every running sum
    # adds the same numbers in the same order). The keys hold every per-layer input of the
    # two branches below: a new per-layer input there must be added to its key.
    xbar_memo: dict[tuple, tuple] = {}
    digital_memo: dict[tuple, tuple] = {}
    for m, ev in zip(pl.layers, events, strict=True):
        c = ev.counts
        lay = m.layer
        if m.is_crossbar:
            meas = measured.get(lay.name)
            policy = m.partition.policy if m.partition is not None else ""
            xkey = (_geometry(lay), policy, m.duplication, m.tiles, ev.read_steps,
                    "activation" in c, training and m is first_xbar,
                    tuple(sorted(meas.items())) if meas else None)
            hit = xbar_memo.get(xkey)
            if hit is not None:
                c, bd, st, lbd, leak_uw, tile_node, e_glb, e_cbus, t_cbus, e_grad = hit
                chip_bus_ns_total += t_cbus
                glb_e["read"] += e_glb
                glb_e["bus"] += e_cbus
                if training:
                    glb_e["digital"] += e_grad
                per_layer_leak_uw.append(leak_uw)
                layer_nodes.append(tile_node)
                stage_ns.append(st)
                stage_bd.append(lbd)
                raw.append((m, c, bd, st, lbd))
                continue
        else:
            xkey = (lay.kind, lay.pool, lay.in_elements, lay.out_elements, m.tiles,
                    ev.digital_ops, tuple(c.items()))
            hit = digital_memo.get(xkey)
            if hit is not None:
                bd, st, lbd, e_glb, e_cbus, t_cbus, dig_kind, e_dig = hit
                chip_bus_ns_total += t_cbus
                glb_e["read"] += e_glb
                glb_e["bus"] += e_cbus
                per_layer_leak_uw.append(0.0)
                if dig_kind:
                    digital_e[dig_kind] = digital_e.get(dig_kind, 0.0) + e_dig
                glb_e["digital"] += e_dig
                stage_ns.append(st)
                stage_bd.append(lbd)
                raw.append((m, c, bd, st, lbd))
                continue
        e_glb = (c.get("global_buffer_read_bits", 0) / glb_w * e_glb_rd
                 + c.get("global_buffer_write_bits", 0) / glb_w * e_glb_wr)
        e_cbus = c.get("chip_bus_bits", 0) / xfer_bits["chip"] * e_chip_bus
        t_cbus = _chip_bus_ns(c.get("chip_bus_bits", 0), m.tiles, ch, t_chip, mesh_rate)
        chip_bus_ns_total += t_cbus
        glb_e["read"] += e_glb
        glb_e["bus"] += e_cbus
        bd: dict[str, float] = {"buffer": e_glb, "interconnect": e_cbus}
        if m.is_crossbar:
            assert m.partition is not None
            train_k = 1.0
            if training:
                # forward read + transposed read for the error of the layer below (none for
                # the first weight layer), as in DNN+NeuroSim V2 (Peng et al., TCAD 2020)
                train_k = 1.0 if m is first_xbar else 2.0
                c = {k: v * train_k for k, v in c.items()}
            lact = _layer_activity(design, measured.get(lay.name))
            arr = base_arr if lact is arch.activity else costs.array(lact)
            l_convert, l_shadd = e_convert, e_shadd
            if m.input_signed and not sub.dac.signed_input:
                # two passes of bits - 1 magnitude bits: a read-out that integrates the
                # cycles (kind "neuron") costs each pass's MVM (its conversions: schedule)
                adc_p = costs.adc(signed_pass=True)
                if adc_p is not adc:
                    l_convert = _e(adc_p, "convert")
                    l_shadd = e_shadd_op * adc_p.info.get("shift_adds_per_convert", 1.0)
            mult = (measured.get(lay.name) or {}).get("mean_adc_code_fraction")
            # ADC energy scales with the code only for ramp-type converters (time to code)
            adc_scale = 2 * mult if (mult is not None and sub.adc.kind == "ramp") else 1.0
            n_tiles = m.tiles
            n_pes = n_tiles * arch.tile.pes
            n_subs = n_pes * arch.pe.subarrays
            leaf_e = {
                "array": c["array_read"] * _e(arr, "read")
                * _array_read_scale(arr, m.partition, design, lact),
                "adc": c["adc_convert"] * l_convert * adc_scale,
                "column_mux": c["mux_switch"] * e_mux,
                # only rows whose input bit (DAC level) is non-zero are driven
                "wl_driver": c["wl_drive"] * lact.input_bit_density * e_drive,
                "switch_matrix": c["switch_matrix"] * e_sm,
                "program_driver": 0.0,  # programming drivers idle during inference
                "shift_add": (c["shift_add"] * l_shadd + c["slice_add"] * e_wide_add),
            }
            if ch.weight_first:
                leaf_e["shift_add"] = c["shift_add"] * l_shadd
                leaf_e["input_shift_add"] = c["slice_add"] * e_wide_add
            sub_leaves = [_leaf(key, unit_area * n_subs, leaf_e[key], cat)
                          for key, unit_area, cat in sub_units]
            t_train = 0.0
            e_grad = 0.0
            if training:
                p = m.partition
                rows_written = sum(p.row_tiles) * p.n_col_tiles * p.groups * m.duplication
                batch = arch.mapping.training_batch_size
                c = {**c, "write_row": rows_written / batch, "mac_op": float(lay.macs)}
                sub_leaves.append(_leaf(name="array_write",
                                        energy_pj=c["write_row"] * _e(arr, "write_row"),
                                        category="array"))
                mac = costs.digital("mac_unit", act_bits)
                e_grad = c["mac_op"] * _e(mac, "mac")
                glb_e["digital"] += e_grad
                bd["digital"] = bd.get("digital", 0.0) + e_grad
                # weight-gradient MACs on the digital unit + one batch's row writes, amortised
                t_train = _train_ns(ch, lay, p, arr)
            # partial sums of the row tiles: added inside a PE first, then across PEs
            assert m.partition is not None
            n_rt = m.partition.n_row_tiles
            pe_groups = -(-n_rt // arch.pe.subarrays)
            acc_total = c["accumulate"]
            acc_pe = acc_total * (n_rt - pe_groups) / (n_rt - 1) if n_rt > 1 else 0.0
            acc_tile = acc_total - acc_pe
            pe_leaves = [
                _leaf("adder_tree", n_adc * pe_tree.area_um2 * n_pes, acc_pe * add_e,
                      "accumulation"),
                _leaf("pe_buffer", pe_buf.area_um2 * n_pes,
                      c["pe_buffer_read_bits"] / pe_buf_w * e_pe_rd
                      + c["pe_buffer_write_bits"] / pe_buf_w * e_pe_wr, "buffer"),
                _leaf("pe_bus", pe_bus.area_um2 * n_pes,
                      c["pe_bus_bits"] / pe_bus_w * e_pe_bus, "interconnect"),
            ]
            tile_leaves = [
                _leaf("accumulator", n_adc * tile_tree.area_um2 * n_tiles, acc_tile * tadd_e,
                      "accumulation"),
                _leaf("activation", n_adc * actv.area_um2 * n_tiles,
                      c.get("activation", 0) * e_act, "digital"),
                _leaf("tile_buffer", tile_buf.area_um2 * n_tiles,
                      c["tile_buffer_read_bits"] / tile_buf_w * e_tile_rd
                      + c["tile_buffer_write_bits"] / tile_buf_w * e_tile_wr, "buffer"),
                _leaf("tile_bus", tile_bus.area_um2 * n_tiles,
                      c["tile_bus_bits"] / tile_bus_w * e_tile_bus, "interconnect"),
            ]
            leak_uw = n_subs * sub_leak_uw
            leak_uw += n_pes * (n_adc * pe_tree.leakage_uw + pe_buf.leakage_uw
                                + pe_bus.leakage_uw)
            leak_uw += n_tiles * (n_adc * (tile_tree.leakage_uw + actv.leakage_uw)
                                  + tile_buf.leakage_uw + tile_bus.leakage_uw)
            per_layer_leak_uw.append(leak_uw)
            st, t_compute, t_data = _xbar_stage(ch, ev.read_steps, c["tile_buffer_read_bits"],
                                                n_tiles, t_cbus, train_k, t_train,
                                                m.duplication)
            lbd = _xbar_breakdown(ch, st, t_compute, t_data, t_cbus)
            tile_node = _node("tile", [_node("pe", [_node("subarray", sub_leaves)]
                                                     + pe_leaves)] + tile_leaves)
            for leaf in (*sub_leaves, *pe_leaves, *tile_leaves):
                bd[leaf.category] = bd.get(leaf.category, 0.0) + leaf.energy_pj
            layer_nodes.append(tile_node)
            xbar_memo[xkey] = (c, bd, st, lbd, leak_uw, tile_node, e_glb, e_cbus, t_cbus,
                               e_grad)
        else:
            per_layer_leak_uw.append(0.0)
            ops = ev.digital_ops
            dig_kind, e_dig, t_op = _digital_op(ch, lay, c)
            if dig_kind:
                digital_e[dig_kind] = digital_e.get(dig_kind, 0.0) + e_dig
            glb_e["digital"] += e_dig
            bd["digital"] = e_dig
            st = _digital_stage(ops, t_op, lanes, t_cbus)
            lbd = _digital_breakdown(ops, st)
            digital_memo[xkey] = (bd, st, lbd, e_glb, e_cbus, t_cbus, dig_kind, e_dig)
        stage_ns.append(st)
        stage_bd.append(lbd)
        raw.append((m, c, bd, st, lbd))

    # ---- timing rule
    pipelined = arch.mapping.execution == "pipelined"
    latency = sum(stage_ns)
    cycle = _cycle(stage_ns, chip_bus_ns_total, sync, pipelined)
    if pipelined:
        rule = ("pipelined: latency = sum of layer stage times (pipeline fill); "
                "cycle (1/throughput) = slowest stage")
    else:
        rule = "layer-by-layer: latency = cycle = sum of layer stage times"
    compute_set = _is_compute_set(raw, cycle, sync, pipelined, chip_bus_ns_total)
    lat_bd: dict[str, float] = {}
    for lbd in stage_bd:
        for k, v in lbd.items():
            lat_bd[k] = lat_bd.get(k, 0.0) + v

    # ---- leakage over the time one inference occupies the chip
    run_ns = cycle if pipelined else latency
    spare_tiles = max(0.0, pl.chip_tiles - pl.tiles_used)
    tile_leak = (arch.tile.pes * (arch.pe.subarrays * sum(
        comp.leakage_uw * per for comp, per in sub_parts.values() if comp is not None)
        + n_adc * pe_tree.leakage_uw + pe_buf.leakage_uw + pe_bus.leakage_uw)
        + n_adc * (tile_tree.leakage_uw + actv.leakage_uw) + tile_buf.leakage_uw
        + tile_bus.leakage_uw)
    global_leak_uw = glb.leakage_uw + chip_bus.leakage_uw + spare_tiles * tile_leak
    nodes = iter(layer_nodes)
    nodes_with_leak: list[Cost] = []
    layer_results: list[LayerResult] = []
    # replayed layers share their memo entry's breakdown dict: their per-layer figures
    # (MACs, utilization, energy with leakage) are equal too, computed once per entry
    per_entry: dict[int, tuple[int, float, float, dict[str, float]]] = {}
    macs_total = 0
    for (m, c, bd, st, lbd), leak in zip(raw, per_layer_leak_uw, strict=True):
        fig = per_entry.get(id(bd))
        if fig is None:
            full = {**bd, "leakage": pj_from_uw_ns(leak, run_ns)} if m.is_crossbar else bd
            fig = per_entry[id(bd)] = (m.layer.macs, m.utilization, sum(full.values()), full)
        macs, util, energy, full = fig
        macs_total += macs
        if m.is_crossbar:
            nodes_with_leak.append(_node(f"layer:{m.name}", [
                next(nodes), _leaf(name="leakage", energy_pj=full["leakage"],
                                   category="leakage")]))
        layer_results.append(_layer_result(
            name=m.name, kind=m.layer.kind, macs=macs, crossbars=m.subarrays,
            pes=m.pes, tiles=m.tiles, utilization=util, duplication=m.duplication,
            energy_pj=energy, latency_ns=st, energy_breakdown_pj=dict(full),
            latency_breakdown_ns=dict(lbd), events=dict(c)))

    dig_area = n_adc * actv.area_um2  # chip-level activation/pool lane
    has_mm = training or any(lay.kind == "matmul" for lay in network.layers)
    mac_area = lanes * costs.digital("mac_unit", act_bits).area_um2 if has_mm else 0.0
    chip_children = [
        _leaf(name="global_buffer", area_um2=glb.area_um2, energy_pj=glb_e["read"],
              category="buffer"),
        _leaf(name="chip_bus", area_um2=chip_bus.area_um2, energy_pj=glb_e["bus"],
              category="interconnect"),
        _leaf(name="digital_unit", area_um2=dig_area + mac_area, energy_pj=glb_e["digital"],
              category="digital"),
        _leaf(name="spare_tiles", area_um2=spare_tiles * tile_area, category="other"),
        _leaf(name="leakage", energy_pj=pj_from_uw_ns(global_leak_uw, run_ns),
              category="leakage"),
    ]
    tree = _node("chip", nodes_with_leak + [_node("global", chip_children)],
                     latency_ns=latency)
    cats = _by_category(tree)
    area_bd = {k: cats[k][0] for k in CATEGORIES if k in cats and cats[k][0] > 0}
    energy_bd = {k: cats[k][1] for k in CATEGORIES if k in cats and cats[k][1] > 0}
    leak_e = cats.get("leakage", (0.0, 0.0))[1]

    return Estimate(
        network=network.name, architecture=arch.name, node_nm=design.node.node_nm,
        device=design.device.name, area_um2=tree.area_um2, energy_pj=tree.energy_pj,
        latency_ns=latency, cycle_ns=cycle, macs=macs_total, utilization=pl.utilization,
        area_breakdown_um2=area_bd, energy_breakdown_pj=energy_bd,
        latency_breakdown_ns=lat_bd, latency_rule=rule, tree=tree,
        layers=tuple(layer_results), tiles=pl.chip_tiles, leakage_energy_pj=leak_e,
        design=design,
        meta={"execution": arch.mapping.execution, "mapping": arch.mapping.policy,
              "duplication": arch.mapping.duplication, "read_step_ns": t_step,
              "clock_ns": clock_ns, "synchronous": sync,
              "tile_area_mm2": tile_area * MM2_PER_UM2, "subarrays": pl.subarrays,
              "activity": "measured" if measured else "assumed (architecture activity)",
              "training": training, "chip_bus_ns": chip_bus_ns_total,
              **({"neurosim_tiles": pl.neurosim.total_tiles} if pl.neurosim else {}),
              **(_training_cost_meta(design, network, activity) if training else {})}
    ), compute_set


def _is_compute_set(raw: list, cycle: float, sync: bool, pipelined: bool,
                    chip_bus_ns: float) -> bool:
    """Whether no smaller duplication can give a shorter cycle (see ``_estimate_plan``).

    Fewer copies never shorten a layer's compute or tile-buffer time (the same reads on
    fewer copies, the same bits through fewer tiles); only the chip bus gets faster (a
    smaller chip). So the cycle cannot improve when it is the stage of a weight layer
    whose time is all compute (asynchronous stage = max(compute, data)), or, with
    synchronous accounting (stage = compute + buffer + bus), when that layer has
    copies and its compute is at least 3x the rest: halving-or-more of its copies makes
    its compute >= 4/3 as long (ceil(P/1)/ceil(P/d) >= d^2/(2d-1) >= 4/3 for 2 <= d <=
    P), more than the whole bus time it could save. Layer-by-layer asynchronous: every
    stage only grows with fewer copies.
    """
    if not pipelined:
        return not sync
    if not raw or (not sync and chip_bus_ns >= cycle):
        return False
    m, _c, _bd, st, lbd = max(raw, key=lambda r: r[3])
    if not m.is_crossbar or st < cycle:
        return False
    # the read cycles, shift-add cycles included (chip.sync_shift_add_cycles)
    comp = lbd.get("array", 0.0) + lbd.get("adc", 0.0) + lbd.get("shift_add", 0.0)
    rest = st - comp
    if not sync:
        return rest <= 1e-12 * st
    return m.duplication >= 2 and comp >= 3.0 * rest


def _training_cost_meta(design: Design, network: Network, activity: Any) -> dict[str, Any]:
    """``meta['training_cost']``: per-phase energy/latency per training image and per
    epoch (forward, backward, weight gradient, weight update, buffers), computed by
    :func:`ppa_sim.training_cost.training_cost` from the inference estimate."""
    from ppa_sim.training_cost import training_cost

    inference = estimate_design(design, network, activity=activity, training=False)
    return {"training_cost": training_cost(design, network, inference).to_json()}


__all__ = ["ACTIVITY_SCHEMA", "ActionCost", "estimate_design", "load_activity"]
