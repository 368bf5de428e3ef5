"""Mapping planner: network -> subarrays, PEs and tiles per layer, with duplication.

Every weight layer (``conv2d``, ``linear``) is cut by
:func:`ppa_sim.mapping.partition.partition`; the planner then

1. chooses a weight-duplication factor per layer (``mapping.duplication``):
   ``none``; ``fixed`` (``duplication_factor``, overridden per layer by
   ``duplication_per_layer``); or ``auto``, which duplicates the layers whose
   pipeline stage is longer than a target stage, as DNN+NeuroSim (its
   "speed-up" of early layers, Peng et al. IEDM 2019) and ISAAC (Shafiee et
   al., ISCA 2016, section on balancing the pipeline by replicating early
   layers) do. With ``chip.tiles: auto`` the target stage is the one of the
   weight layer whose single copy holds the most subarrays among the layers
   with more than one output position (duplicating that layer would cost the
   most area); with a fixed tile count the planner instead greedily duplicates
   the current slowest stage while the copies still fit the chip. Either way a
   layer gets at most ``mapping.max_duplication`` (default 64) copies and never
   more than its output positions (token-parallel linear layers of a
   transformer count their tokens as positions). The roll-up then keeps a smaller
   bound when the copies do not raise throughput (their tiles enlarge the chip and
   slow its bus; :func:`ppa_sim.rollup.estimate_design`). ``neurosim``
   copies each layer as DNN+NeuroSim V1.4's ChipFloorPlan does (pipeline speed-up
   from the IFM sizes, plus copies into PEs/subarrays a copy leaves empty; see
   :mod:`ppa_sim.mapping.neurosim`).
2. allocates whole PEs (``pe.subarrays`` subarrays each) and whole tiles
   (``tile.pes`` PEs each) to every layer; with ``mapping.tile_sharing`` a
   layer occupies a fraction of a tile and layers pack (ISAAC-style).
3. sizes the chip (``chip.tiles: auto``) or checks that the network fits the
   given tile count, raising :class:`~ppa_sim.errors.MappingError` naming the
   layer, what it needs and what the chip has.

A layer's *stage steps* (sequential array-read steps for one inference) is
``ceil(out_positions / duplication) x input cycles x ceil(rows used / rows read
in parallel)`` (input cycles: :func:`input_passes`); all subarrays of a layer read in
parallel, so stage times are proportional to these steps (same subarray design
everywhere). ``matmul``
layers run on the chip's digital unit and occupy no tiles.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ppa_sim.errors import MappingError
from ppa_sim.mapping._fast import fast_init, renamed
from ppa_sim.mapping.neurosim import NeuroSimFloorplan, neurosim_floorplan
from ppa_sim.mapping.partition import Partition, partition, policy_rule
from ppa_sim.network.layer import WEIGHT_KINDS, Layer, Network

if TYPE_CHECKING:  # pragma: no cover
    from ppa_sim.spec import Design

#: Default upper bound on automatic duplication (``mapping.max_duplication``; keeps tiny
#: layers from exploding; ISAAC replicates its first layers by at most a few tens,
#: Shafiee et al. 2016 Table 3).
MAX_AUTO_DUPLICATION = 64


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def input_passes(layer: Layer, design: Design, signed: bool = False) -> tuple[int, int]:
    """(passes, read cycles per pass) of one input vector.

    One pass of ceil(activation bits / DAC bits per cycle) cycles (``dac.signed_input``:
    the magnitude bits, see ``DacSpec.cycles_for``). ``signed``: the layer's inputs are
    known to be negative somewhere (the activity file's ``input_signed``, measured by the
    accuracy path); drivers without ``dac.signed_input`` then apply the positive and the
    negative parts as two passes of the ``bits - 1`` magnitude bits each (the accuracy
    path's x+ / x- passes). Unknown signs are taken as unsigned (NeuroSim's assumption).
    """
    dac = design.arch.subarray.dac
    bits = layer.act_bits if layer.act_bits is not None else dac.bits
    if signed and not dac.signed_input:
        return 2, _ceil_div(max(1, bits - 1), dac.dac_bits)
    return 1, dac.cycles_for(bits)


def input_cycles(layer: Layer, design: Design, signed: bool = False) -> int:
    """Read cycles per input vector: passes x cycles per pass (:func:`input_passes`)."""
    passes, cycles = input_passes(layer, design, signed)
    return passes * cycles


def conversions_per_input(layer: Layer, design: Design, signed: bool = False) -> int:
    """Conversions per column per read group for one input vector: one per input cycle,
    but with a read-out that integrates the input cycles (adc kind ``neuron``) one per
    converted integration phase of each pass
    (:func:`ppa_sim.components.neuron.conversions`)."""
    passes, cycles = input_passes(layer, design, signed)
    sub = design.arch.subarray
    if sub.adc.kind != "neuron":
        return passes * cycles
    from ppa_sim.components.neuron import conversions

    return passes * conversions(sub.adc, cycles, sub.dac.dac_bits)


def row_groups(part: Partition, design: Design) -> int:
    """Partial-parallel read: sequential row groups per input cycle of one subarray."""
    if part.is_digital:
        return 0
    return _ceil_div(part.max_rows_used, design.arch.subarray.rows_per_read)


@dataclass(frozen=True)
class LayerMap:
    """Placement of one layer on the chip."""

    layer: Layer
    partition: Partition | None
    """None for layers without a crossbar mapping (pool, add, activation ...)."""
    duplication: int
    subarrays: int
    """Subarrays allocated (one copy x duplication)."""
    pes: int
    tiles: float
    """Tiles allocated (integer unless tile sharing packs layers)."""
    steps_per_copy: int
    """Read steps for one output position: input cycles x row groups."""
    input_signed: bool = False
    """The layer's inputs are signed (measured activity, ``input_signed``): with unsigned
    drivers they take two passes (:func:`input_passes`)."""

    @property
    def name(self) -> str:
        return self.layer.name

    @property
    def is_crossbar(self) -> bool:
        return self.partition is not None and not self.partition.is_digital

    @property
    def positions(self) -> int:
        return self.layer.out_positions

    @property
    def stage_steps(self) -> int:
        """Sequential read steps of this layer for one inference."""
        if not self.is_crossbar:
            return 0
        return _ceil_div(self.positions, self.duplication) * self.steps_per_copy

    @property
    def utilization(self) -> float:
        """Weight cells / cells of the allocated subarrays."""
        if not self.is_crossbar or not self.subarrays:
            return 0.0
        p = self.partition
        assert p is not None
        return p.weight_cells * self.duplication / (
            self.subarrays * p.subarray_rows * p.subarray_cols)


_layer_map = fast_init(LayerMap)


@dataclass(frozen=True)
class Plan:
    """The floorplan of one network on one design."""

    layers: tuple[LayerMap, ...]
    chip_tiles: int
    """Tiles on the chip (given, or sized to fit)."""
    tiles_used: float
    subarrays_per_pe: int
    pes_per_tile: int
    neurosim: NeuroSimFloorplan | None = None
    """DNN+NeuroSim's own floorplan (its tile sizes and tile count) when
    ``mapping.duplication`` is ``neurosim``."""

    def layer(self, name: str) -> LayerMap:
        for m in self.layers:
            if m.name == name:
                return m
        raise KeyError(name)

    @property
    def crossbar_layers(self) -> tuple[LayerMap, ...]:
        return tuple(m for m in self.layers if m.is_crossbar)

    @property
    def subarrays(self) -> int:
        return sum(m.subarrays for m in self.layers)

    @property
    def utilization(self) -> float:
        """Weight cells over the cells of all subarrays on the chip."""
        cx = self.crossbar_layers
        if not cx:
            return 0.0
        p0 = cx[0].partition
        assert p0 is not None
        cap = self.chip_tiles * self.pes_per_tile * self.subarrays_per_pe * (
            p0.subarray_rows * p0.subarray_cols)
        used = sum(m.partition.weight_cells * m.duplication for m in cx if m.partition)
        return used / cap if cap else 0.0

    def summary_rows(self) -> list[dict]:
        return [{"layer": m.name, "kind": m.layer.kind,
                 "policy": m.partition.policy if m.partition else "digital",
                 "subarrays": m.subarrays, "pes": m.pes, "tiles": m.tiles,
                 "duplication": m.duplication, "utilization": m.utilization,
                 "stage_steps": m.stage_steps} for m in self.layers]


def _alloc(part: Partition, dup: int, spe: int, ppt: int, sharing: bool
           ) -> tuple[int, int, float]:
    subs = part.subarrays * dup
    pes = _ceil_div(subs, spe)
    tiles: float = pes / ppt if sharing else float(_ceil_div(pes, ppt))
    return subs, pes, tiles


def _fixed_dup(layer: Layer, design: Design) -> int:
    m = design.arch.mapping
    if m.duplication == "none":
        return 1
    if layer.name in m.duplication_per_layer:
        return m.duplication_per_layer[layer.name]
    if m.duplication == "fixed":
        return m.duplication_factor if layer.kind == "conv2d" else 1
    return 1


def _n(count: int, word: str) -> str:
    """``1 tile`` / ``2 tiles``: a count with its noun in the right number."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _max_dup(layer: Layer, cap: int = MAX_AUTO_DUPLICATION) -> int:
    return max(1, min(cap, layer.out_positions))


def plan(network: Network, design: Design, *, max_duplication: int | None = None,
         signed_inputs: frozenset[str] = frozenset()) -> Plan:
    """Place every layer of ``network`` on ``design`` (see module docstring).

    ``max_duplication``: a tighter bound than ``mapping.max_duplication`` on the copies
    ``duplication: auto`` gives one layer (the roll-up tries smaller bounds when the
    copies do not pay off in throughput; see :func:`ppa_sim.rollup.estimate_design`).
    ``signed_inputs``: names of the layers whose inputs are signed (see
    :func:`input_passes`). Equal to ``Planner(network, design, signed_inputs).plan(
    max_duplication)``.
    """
    return Planner(network, design, signed_inputs).plan(max_duplication)


class Planner:
    """Plans of one network on one design, for any bound on the automatic copies.

    Everything that does not depend on the bound (the partition of every weight layer,
    its read steps per copy, the fixed and DNN+NeuroSim duplications, the fit check of
    single copies, the auto target stage) is worked out once here; :meth:`plan` then only
    chooses the copies and allocates PEs and tiles. The roll-up plans a network once per
    candidate bound (:func:`ppa_sim.rollup.estimate_design`), so this is its hot path.
    Layer maps of equal layer and duplication are shared by the plans (they are frozen).
    Raises :class:`~ppa_sim.errors.MappingError` when a single copy of a layer does not
    fit a given chip.
    """

    def __init__(self, network: Network, design: Design,
                 signed_inputs: frozenset[str] = frozenset()) -> None:
        self.network, self.design = network, design
        # layers whose inputs are measured signed (activity ``input_signed``)
        self._signed = signed_inputs
        arch = design.arch
        spe, ppt = arch.pe.subarrays, arch.tile.pes
        given = arch.chip.tiles if arch.chip.tiles != "auto" else None

        parts: dict[str, Partition] = {}
        steps: dict[str, int] = {}
        same: dict[tuple, Partition] = {}   # layers of equal shape share one cut (ResNets)
        for lay in network.layers:
            if lay.kind in WEIGHT_KINDS or lay.kind == "matmul":
                key = (lay.kind, lay.groups, lay.matrix_rows, lay.matrix_cols, lay.kernel,
                       lay.weight_bits, policy_rule(arch.mapping, lay.name))
                p = same.get(key)
                if p is None:
                    p = same[key] = partition(lay, design)
                elif p.layer != lay.name:
                    p = renamed(p, "layer", lay.name)
                parts[lay.name] = p
                steps[lay.name] = (input_cycles(lay, design, lay.name in signed_inputs)
                                   * max(1, row_groups(p, design)))

        xbar = [lay for lay in network.layers
                if lay.name in parts and not parts[lay.name].is_digital]

        # single copies must fit a given chip: name the layer that does not
        if given is not None:
            for lay in xbar:
                _, pes, tiles = _alloc(parts[lay.name], 1, spe, ppt, arch.mapping.tile_sharing)
                if tiles > given:
                    p = parts[lay.name]
                    blocks = (f" x {_n(p.group_blocks, 'group block')}"
                              if p.group_blocks > 1 else "")
                    raise MappingError(
                        f"layer {lay.name!r} ({lay.kind}, {p.n_row_tiles} row x "
                        f"{p.n_col_tiles} column subarray tiles{blocks} = "
                        f"{_n(p.subarrays, 'subarray')} of {p.subarray_rows}x"
                        f"{p.subarray_cols}) needs {_n(math.ceil(tiles), 'tile')} "
                        f"({_n(pes, 'PE')} of {_n(spe, 'subarray')}) but the chip has "
                        f"{_n(given, 'tile')} ({_n(given * ppt, 'PE')}); raise chip.tiles, "
                        f"use chip.tiles: auto, or larger tiles/PEs/subarrays")

        dup: dict[str, int] = {lay.name: _fixed_dup(lay, design) for lay in xbar}
        fp = None
        if arch.mapping.duplication == "neurosim" and xbar:
            fp = neurosim_floorplan(xbar, design)
            for lay, d in zip(xbar, fp.duplication, strict=True):
                if lay.name not in arch.mapping.duplication_per_layer:
                    dup[lay.name] = d

        fixed = set(arch.mapping.duplication_per_layer)
        self._free = [lay for lay in xbar if lay.name not in fixed]
        # chip.tiles: auto: the copies each free layer needs to reach the target stage
        # (that of the anchor layer), before any bound
        self._need: dict[str, int] = {}
        if arch.mapping.duplication == "auto" and given is None and self._free:
            multi = [lay for lay in self._free if lay.out_positions > 1] or self._free
            anchor = max(multi, key=lambda lay: (parts[lay.name].subarrays, lay.name))
            target = self._stage(anchor, 1, steps)
            for lay in self._free:
                self._need[lay.name] = _ceil_div(self._stage(lay, 1, steps), max(1, target))
        self._parts, self._steps, self._xbar = parts, steps, xbar
        self._dup, self._fp, self._given = dup, fp, given
        self._spe, self._ppt, self._sharing = spe, ppt, arch.mapping.tile_sharing
        # per layer: its map when it has no crossbars (one for every plan), else None;
        # crossbar layers' maps are kept per duplication
        self._fixed_maps: list[LayerMap | None] = []
        for lay in network.layers:
            p = parts.get(lay.name)
            self._fixed_maps.append(
                _layer_map(layer=lay, partition=p, duplication=1, subarrays=0, pes=0,
                           tiles=0.0, steps_per_copy=steps.get(lay.name, 0),
                           input_signed=lay.name in signed_inputs)
                if p is None or p.is_digital else None)
        self._maps: dict[tuple[int, int], LayerMap] = {}

    @staticmethod
    def _stage(lay: Layer, d: int, steps: Mapping[str, int]) -> int:
        return _ceil_div(lay.out_positions, d) * steps[lay.name]

    def _total_tiles(self, dd: Mapping[str, int]) -> float:
        t = sum(_alloc(self._parts[lay.name], dd[lay.name], self._spe, self._ppt,
                       self._sharing)[2] for lay in self._xbar)
        return math.ceil(t - 1e-9) if self._sharing else t

    def plan(self, max_duplication: int | None = None) -> Plan:
        """The plan with at most ``max_duplication`` automatic copies per layer (see
        :func:`plan`)."""
        arch = self.design.arch
        steps, given, free = self._steps, self._given, self._free
        spe, ppt, sharing = self._spe, self._ppt, self._sharing
        dup = dict(self._dup)
        stage = self._stage
        if arch.mapping.duplication == "auto" and self._xbar and free:
            cap = arch.mapping.max_duplication
            if max_duplication is not None:
                cap = max(1, min(cap, max_duplication))
            if given is None:
                for lay in free:
                    dup[lay.name] = max(1, min(self._need[lay.name], _max_dup(lay, cap)))
            else:
                # greedy: speed up the slowest stage while the copies still fit
                budget = float(given)
                if self._total_tiles(dup) <= budget:
                    for _ in range(4096):
                        slow = max(free, key=lambda lay: (stage(lay, dup[lay.name], steps),
                                                          lay.name))
                        cur = stage(slow, dup[slow.name], steps)
                        d = dup[slow.name]
                        if d >= _max_dup(slow, cap):
                            break
                        nd = d + 1
                        while nd < _max_dup(slow, cap) and stage(slow, nd, steps) >= cur:
                            nd += 1
                        trial = {**dup, slow.name: nd}
                        if stage(slow, nd, steps) >= cur or self._total_tiles(trial) > budget:
                            break
                        dup = trial

        maps: list[LayerMap] = []
        memo = self._maps
        for i, (lay, m) in enumerate(zip(self.network.layers, self._fixed_maps, strict=True)):
            if m is None:
                d = dup[lay.name]
                m = memo.get((i, d))
                if m is None:
                    p = self._parts[lay.name]
                    subs, pes, tiles = _alloc(p, d, spe, ppt, sharing)
                    m = memo[(i, d)] = _layer_map(layer=lay, partition=p, duplication=d,
                                                  subarrays=subs, pes=pes, tiles=tiles,
                                                  steps_per_copy=steps[lay.name],
                                                  input_signed=lay.name in self._signed)
            maps.append(m)

        used = sum(m.tiles for m in maps)
        need = math.ceil(used - 1e-9)
        if given is not None and need > given:
            worst = sorted(maps, key=lambda m: -m.tiles)[:3]
            raise MappingError(
                f"network {self.network.name!r} needs {_n(need, 'tile')} "
                f"({_n(sum(m.subarrays for m in maps), 'subarray')}, duplication included) "
                f"but the chip has {_n(given, 'tile')}; largest layers: "
                + ", ".join(f"{m.name} {m.tiles:g} {'tile' if m.tiles == 1 else 'tiles'} "
                            f"(x{m.duplication})" for m in worst)
                + "; lower mapping.duplication or raise chip.tiles")
        chip_tiles = given if given is not None else max(1, need)
        return Plan(layers=tuple(maps), chip_tiles=int(chip_tiles), tiles_used=used,
                    subarrays_per_pe=spe, pes_per_tile=ppt, neurosim=self._fp)
