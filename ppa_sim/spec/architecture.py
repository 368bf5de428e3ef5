"""Architecture: chip > tile > PE > subarray, plus mapping and execution policy.

Pure input models. Component ``kind`` strings (ADC topology, buffer type,
interconnect) are free strings here and are checked against the component
registry when a design is evaluated (``ppa_sim.components.registry``), so that
a plug-in can add a kind without touching this file.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field, Strict, model_validator

from ppa_sim.spec.base import Spec

PosInt = Annotated[int, Field(ge=1)]
PositiveFloat = Annotated[float, Field(gt=0)]
Fraction = Annotated[float, Field(ge=0, le=1)]


def _is_pow2(n: int) -> bool:
    return n > 0 and (n & (n - 1)) == 0


class TechnologyRef(Spec):
    """Which CMOS node and memory device a design is built in."""

    node: str | Annotated[int, Strict()]
    """Node name (``22nm``), a bare number of nm (``22``), or a path to a node YAML."""
    device: str
    """Device name (``rram``) or a path to a device YAML."""
    node_overrides: dict[str, object] = Field(default_factory=dict)
    """Single node fields replaced for this design (validated like the file)."""
    device_overrides: dict[str, object] = Field(default_factory=dict)
    """Single device fields replaced for this design (validated like the file)."""


class AdcSpec(Spec):
    """Column read-out converter shared by ``columns_per_adc`` columns."""

    kind: str = "sar"
    """ADC topology: a registered component kind (sar, flash, mlsa, ramp, cco...)."""
    bits: Annotated[int, Field(ge=1, le=16)] = 5
    """Output resolution in bits."""
    columns_per_adc: PosInt = 8
    """Columns time-multiplexed onto one ADC through the column mux (1 = no mux)."""
    sample_rate_msps: PositiveFloat | None = None
    """Conversion rate (MS/s); None = the model's nominal rate (SAR: its energy-efficient
    speed corner; other kinds: as fast as the model allows). Above the maximum: error."""
    params: dict[str, float] = Field(default_factory=dict)
    """Topology-specific knobs documented by each ADC model."""


class DacSpec(Spec):
    """How activations reach the word lines."""

    encoding: Literal["bit_serial", "dac"] = "bit_serial"
    """``bit_serial``: one input bit per read cycle; ``dac``: multi-bit DAC levels."""
    bits: Annotated[int, Field(ge=1, le=16)] = 8
    """Activation (input) precision in bits."""
    dac_bits: Annotated[int, Field(ge=1, le=16)] = 1
    """Bits applied per read cycle (1 for bit-serial, up to ``bits`` for a DAC)."""
    kind: str = "wl_driver"
    """Driver/DAC component kind."""
    params: dict[str, float] = Field(default_factory=dict)
    """Model-specific parameters (see docs/models.md; unknown names are a ConfigError)."""
    signed_input: bool = False
    """True: the driver applies a signed input's sign as the pulse polarity (ternary
    drivers: +V, 0, -V), so an N-bit signed input needs only its N - 1 magnitude bits
    (at least one cycle): 1- and 2-bit inputs take one cycle alike (NeuRRAM's signed input
    drivers, Wan et al., Nature 608, 2022: nearly equal energy per op at 1- and 2-bit
    inputs, Extended Data Fig. 12b; CiMLoop's wan_nature_2022 model, variables_free.yaml:
    ENCODED_INPUT_BITS = max(1, INPUT_BITS - 1)). False: all ``bits`` are applied."""

    @model_validator(mode="after")
    def _checks(self) -> DacSpec:
        if self.dac_bits > self.bits:
            raise ValueError(f"dac_bits ({self.dac_bits}) must not exceed bits ({self.bits})")
        if self.encoding == "bit_serial" and self.dac_bits != 1:
            raise ValueError("bit_serial encoding applies 1 bit per cycle: set dac_bits: 1 "
                             "or encoding: dac")
        return self

    @property
    def cycles(self) -> int:
        """Read cycles per input vector."""
        return self.cycles_for(self.bits)

    def cycles_for(self, bits: int) -> int:
        """Read cycles for a ``bits``-bit input (``signed_input``: its magnitude bits)."""
        if self.signed_input:
            bits = max(1, bits - 1)
        return -(-bits // self.dac_bits)


class CellSpec(Spec):
    """The synaptic cell of the subarray."""

    type: Literal["1t1r", "0t1r", "sram6t", "sram8t", "1fefet", "c2c"] = "1t1r"
    """Cell structure: 1T1R (access transistor), 0T1R (selector-less crossbar), SRAM, FeFET,
    or ``c2c``: a charge-domain MAC unit, ``bits`` SRAM bits each switching one capacitor
    of a C-2C ladder that multiplies the row's analog input (Wang et al., IEEE JSSC 2023)."""
    bits: Annotated[int, Field(ge=1, le=8)] = 1
    """Bits stored per cell (bit slice width); needs 2**bits <= device levels."""
    access_width_f: Annotated[float, Field(gt=0, le=100)] = 4.0
    """Access transistor width in F for 1T1R cells (sets the 1T1R cell area)."""
    unit_cap_ff: Annotated[float, Field(gt=0, le=1000)] = 2.0
    """``c2c`` cells: unit capacitance C of the C-2C ladder (fF); default 2 fF, CiMLoop's
    model of the Intel C-2C macro (mit-emze/cimloop, arch/1_macro/wang_vlsi_2022/arch.yaml,
    c2c multiplier unit_capacitance 2e-15 F)."""
    weight_sets: Annotated[int, Field(ge=1, le=64)] = 1
    """``c2c`` cells: weight sets stored per ladder (local weight multiplexing: several
    SRAM words share one C-2C ladder, one set computes per read; Wang et al., JSSC 2023)."""
    levels: Annotated[int, Field(ge=2, le=256)] | None = None
    """Conductance levels used per cell; None = ``2**bits``. A level count that is not a
    power of two (e.g. 6) is allowed for analog weights (``weights.bits: null``); when
    ``bits`` is not given it becomes ``ceil(log2(levels))``. Must not exceed the device's
    levels (checked when the design is loaded)."""

    @model_validator(mode="before")
    @classmethod
    def _bits_from_levels(cls, data: object) -> object:
        if isinstance(data, dict) and "bits" not in data:
            lv = data.get("levels")
            if isinstance(lv, int) and not isinstance(lv, bool) and 2 <= lv <= 256:
                data = {**data, "bits": max(1, (lv - 1).bit_length())}
        return data

    @model_validator(mode="after")
    def _checks(self) -> CellSpec:
        if self.levels is not None and self.levels > 2 ** self.bits:
            raise ValueError(f"levels ({self.levels}) needs bits >= "
                             f"{(self.levels - 1).bit_length()} (2**bits >= levels)")
        return self

    @property
    def n_levels(self) -> int:
        """Conductance levels used per cell (``levels`` or ``2**bits``)."""
        return self.levels if self.levels is not None else 2 ** self.bits


class SubarraySpec(Spec):
    """One crossbar with its own peripheral circuits."""

    rows: Annotated[int, Field(ge=2, le=4096)] = 128
    """Word lines (inputs)."""
    cols: Annotated[int, Field(ge=2, le=4096)] = 128
    """Bit lines (cells per row)."""
    cell: CellSpec = Field(default_factory=CellSpec)
    parallel_rows: PosInt | None = None
    """Rows activated in one read (partial-parallel read); None = all rows."""
    adc: AdcSpec = Field(default_factory=AdcSpec)
    dac: DacSpec = Field(default_factory=DacSpec)
    column_mux: bool = True
    """Model a column multiplexer in front of the ADCs when columns_per_adc > 1."""
    mux_kind: str = "column_mux"
    """Column read-out kind (component group ``mux``): ``column_mux`` (transmission gates
    straight off the bit lines, NeuroSim's Mux) or ``sample_hold`` (a sample-and-hold per
    column, then an analog mux into the ADC: ISAAC, Shafiee et al., ISCA 2016)."""
    mux_params: dict[str, float] = Field(default_factory=dict)
    """Parameters of ``mux_kind`` (see docs/models.md; unknown names are a ConfigError)."""
    switch_matrix: bool = True
    """Model a word-line switch matrix (NeuroSim: a DFF + transmission gate per row).
    False: the word-line drivers (``dac``) drive the rows directly, as ISAAC's 1-bit DACs."""
    column_pitch_um: PositiveFloat | None = None
    """Width of one cell column (µm) when a pitch-matched column periphery (e.g. one ADC
    per column at a fixed pitch) or a published layout sets it; None = square cells of
    the cell's F² area (see docs/models.md, "Cell geometry")."""
    row_pitch_um: PositiveFloat | None = None
    """Height of one cell row (µm) when pitch-matched row drivers or a published layout
    set it; None = from the cell's F² area."""
    wl_high_voltage_v: Annotated[float, Field(gt=0, le=10)] | None = None
    """1T1R cells: level a read drives the word lines (access-transistor gates) to (V);
    None = the node's Vdd. NeuRRAM boosts them to 2.2 V (Wan et al., Nature 608, 2022,
    Extended Data Fig. 12b, "WL switching (0.9 V <-> 2.2 V)")."""
    wl_low_voltage_v: Annotated[float, Field(ge=0, le=10)] = 0.0
    """1T1R cells: level the word lines rest at between reads (V); a read swings them from
    here to the high level, drawing C_WL (V_high - V_low) V_high from the high supply.
    0 = ground (the default); NeuRRAM: 0.9 V (same source)."""
    wl_all_rows: bool = False
    """1T1R cells: True when every word line of a read switches each input cycle whatever
    the input bit (the inputs are driven on the bit lines and the word lines only enable
    the cells: NeuRRAM's word-line energy does not depend on the input data, Wan et al.,
    Nature 2022, Extended Data Fig. 12b); False: only rows with a non-zero input bit
    switch (the input is the word-line pulse)."""
    program_drivers_per_column: Annotated[float, Field(ge=0, le=4)] = 0.0
    """Thick-oxide column programming drivers per column (``write``/``column_driver``,
    sized to the device's programming current; docs/models.md "Programming drivers"); 0 =
    not modelled (the default); 0.5 = one per column pair (a differential pair on one
    line)."""

    @model_validator(mode="after")
    def _checks(self) -> SubarraySpec:
        if self.parallel_rows is not None and self.parallel_rows > self.rows:
            raise ValueError(
                f"parallel_rows ({self.parallel_rows}) must not exceed rows ({self.rows})"
            )
        if self.cols % self.adc.columns_per_adc:
            raise ValueError(
                f"cols ({self.cols}) must be a multiple of adc.columns_per_adc "
                f"({self.adc.columns_per_adc})"
            )
        wl_set = (self.wl_high_voltage_v is not None or self.wl_low_voltage_v > 0
                  or self.wl_all_rows)
        if wl_set and self.cell.type != "1t1r":
            raise ValueError("wl_high_voltage_v, wl_low_voltage_v and wl_all_rows describe "
                             f"1T1R access-transistor word lines; cell.type is {self.cell.type!r}")
        if (self.wl_high_voltage_v is not None
                and self.wl_low_voltage_v >= self.wl_high_voltage_v):
            raise ValueError(f"wl_low_voltage_v ({self.wl_low_voltage_v}) must be below "
                             f"wl_high_voltage_v ({self.wl_high_voltage_v})")
        return self

    @property
    def rows_per_read(self) -> int:
        return self.parallel_rows or self.rows


class BufferSpec(Spec):
    """An on-chip buffer (SRAM by default)."""

    kind: str = "sram"
    """Buffer component kind (sram, edram, register_file)."""
    capacity_kb: PositiveFloat = 64.0
    """Capacity in KB (1 KB = 1024 bytes)."""
    width_bits: PosInt = 256
    """Bits read or written per access (port width)."""
    banks: PosInt = 1
    """Independent banks (more banks: shorter lines, more periphery)."""
    cell_area_f2: PositiveFloat | None = None
    """Storage cell area in F² when a published design's memory compiler sets it (e.g.
    CACTI's 146 F² SRAM cell); None = the kind's default (the node's SRAM cell, 33 F²
    eDRAM, 2.5 x SRAM register-file cell; see docs/models.md)."""
    wl_drivers: Literal["lumped", "sized"] = "lumped"
    """Word-line driver area: ``lumped`` = two minimum inverters per row; ``sized`` = an
    FO4-tapered chain per row sized to the word-line load by logical effort, as CACTI 6.5
    sizes its drivers (HPL-2009-85, Sec. 5.1), plus a level shifter per row when the word
    line is boosted (eDRAM V_PP)."""


class InterconnectSpec(Spec):
    """Links between children at one level of the hierarchy."""

    kind: str = "htree"
    """Interconnect kind: htree, bus, or mesh (NoC)."""
    width_bits: PosInt = 256
    """Bits transferred per cycle per link."""
    router: Literal["compact", "vc"] = "compact"
    """Mesh router model: ``compact`` (5-port wormhole router of DFF buffers) or ``vc``
    (input-buffered virtual-channel router after ORION 2.0, sized by ``params``)."""
    params: dict[str, float] = Field(default_factory=dict)
    """Router knobs of ``router: vc`` meshes (see docs/models.md; unknown names are a
    ConfigError; other kinds take none)."""


class PeSpec(Spec):
    """Processing element: a group of subarrays with an adder tree and a buffer."""

    subarrays: PosInt = 4
    """Subarrays per PE (square grids read best, e.g. 4 = 2x2)."""
    buffer: BufferSpec = Field(default_factory=lambda: BufferSpec(capacity_kb=4, width_bits=128))
    interconnect: InterconnectSpec = Field(default_factory=lambda: InterconnectSpec(kind="bus"))


class TileSpec(Spec):
    """Tile: a group of PEs with a tile buffer, accumulation and activation units."""

    pes: PosInt = 4
    """PEs per tile."""
    output: Literal["activations", "partial_sums"] = "activations"
    """What a tile sends out through its buffer: ``activations`` (quantised, act bits per
    output) or ``partial_sums`` (the accumulated partial sums, psum bits wide, activated
    at chip level: DNN+NeuroSim V1.4 chipActivation = true, Tile.cpp numBitToLoadIn =
    outputs x (adder-tree stages + adder bits))."""
    buffer: BufferSpec = Field(default_factory=lambda: BufferSpec(capacity_kb=32, width_bits=256))
    interconnect: InterconnectSpec = Field(default_factory=lambda: InterconnectSpec(kind="htree"))


class ChipSpec(Spec):
    """The whole accelerator."""

    tiles: PosInt | Literal["auto"] = "auto"
    """Tiles on the chip; ``auto`` sizes the chip to fit the network."""
    clock_mhz: Annotated[float, Field(gt=0, le=10000)] = 1000.0
    """Digital clock frequency (MHz)."""
    global_buffer: BufferSpec = Field(
        default_factory=lambda: BufferSpec(capacity_kb=256, width_bits=512, banks=8)
    )
    interconnect: InterconnectSpec = Field(
        default_factory=lambda: InterconnectSpec(kind="htree", width_bits=512)
    )
    digital_macs_per_cycle: PosInt = 256
    """Throughput of the digital unit running ``matmul`` layers (MACs per cycle)."""
    synchronous: bool = False
    """True: one clock for the whole chip whose period is the slowest analog sensing
    cycle (array read + one conversion), if longer than 1/clock_mhz; each column-mux step
    takes one cycle, buffer and interconnect transfers take whole cycles, and a layer's
    stage time is the sum of its read, buffer and interconnect cycles (DNN+NeuroSim
    V1.4 ``synchronous = true``, main.cpp). False: the analog read step and the digital
    transfers are timed separately and a stage's transfers overlap its reads."""
    sync_shift_add_cycles: bool = False
    """Synchronous chips only. True: the digital shift-add of a read step takes clock
    cycles of its own after the ``columns_per_adc`` conversion cycles: ``columns_per_adc``
    cycles to add the columns of a weight (when a weight spans several columns) and
    ``ceil(columns_per_adc / columns_per_weight)`` to shift-add over the input bits (when
    inputs take several cycles) -- DNN+NeuroSim V1.4 SubArray.cpp CalculateLatency
    (synchronous: readLatencyAccum = shiftAddWeight + shiftAddInput, ShiftAdd.cpp: one cycle
    per shift-add). False: the shift-add hides under the next conversion."""
    copies_share_tile_buffers: bool = False
    """Synchronous chips only. True: the tile-buffer time of a duplicated layer is that of
    one copy streaming the whole layer (its input is written to and read from the tile
    buffer, its outputs likewise), so the copies shorten the reads but not the buffer
    time -- DNN+NeuroSim V1.4 Tile.cpp TileCalculatePerformance adds the input/output
    buffer read + write cycles after dividing the PE latency by the speed-up. False: the
    buffer traffic spreads over all tiles of all copies."""


class WeightSpec(Spec):
    """How a signed weight becomes conductances."""

    bits: Annotated[int, Field(ge=1, le=16)] | None = 8
    """Weight precision in bits (signed). None = analog: the weight magnitude is
    quantised straight to the cell's conductance levels, one cell (pair) per weight."""
    mapping: Literal["differential", "offset"] = "differential"
    """``differential``: G+ and G- columns per weight; ``offset``: one column per
    weight plus one reference column per subarray subtracting the zero point."""
    differential_readout: Literal["digital", "analog"] = "digital"
    """Where a differential pair's G+ and G- column signals are subtracted.
    ``digital``: each column is converted by the ADC and the two codes are subtracted
    in the shift-add (DNN+NeuroSim's scheme). ``analog``: the two column currents are
    subtracted before the ADC (current-domain subtraction, as in IBM HERMES,
    Khaddam-Aljameh et al., JSSC 2022): ONE conversion per column pair, and
    ``subarray.adc.columns_per_adc`` counts column pairs. Needs ``mapping: differential``."""


_DUP_KEY = re.compile(r"^[A-Za-z0-9_.\-/]+$")


class MappingSpec(Spec):
    """How layers are placed on the hardware."""

    policy: Literal["im2col", "kernel_wise"] = "kernel_wise"
    """``im2col``: unrolled k*k*C rows cut across subarrays; ``kernel_wise``:
    NeuroSim's 'novel' mapping, one kernel position per group of subarrays."""
    grouped_policy: Literal["auto", "inherit", "im2col", "kernel_wise"] = "auto"
    """Policy of grouped and depthwise convolutions (groups > 1). ``auto``: whichever
    of im2col / kernel_wise needs fewer subarrays (ties keep ``policy``); kernel-wise
    mapping of a depthwise conv puts each kernel position of a group (1 row per
    position) in its own subarray row block, so it can take several times more
    subarrays. ``inherit``: use ``policy``."""
    policy_per_layer: dict[str, Literal["im2col", "kernel_wise"]] = Field(
        default_factory=dict)
    """Per-layer policy overrides: layer name or Python regular expression (matched
    against the whole name) -> policy. An exact name wins over patterns; patterns are
    tried in the order written. Overrides ``grouped_policy`` and ``policy``."""
    duplication: Literal["none", "auto", "fixed", "neurosim"] = "auto"
    """Weight duplication: none, a fixed factor, automatic pipeline balancing, or
    ``neurosim``: DNN+NeuroSim V1.4's ChipFloorPlan rule (pipeline speed-up from the IFM
    sizes plus copies into empty PEs/subarrays; ppa_sim.mapping.neurosim)."""
    speedup_degree: PosInt = 8
    """NeuroSim's ``speedUpDegree`` for ``duplication: neurosim`` (DNN+NeuroSim V1.4
    Param.cpp default 8; capped by NeuroSim at IFM_max / IFM_min)."""
    duplication_factor: PosInt = 1
    """Factor for every conv layer when duplication is ``fixed``."""
    duplication_per_layer: dict[str, PosInt] = Field(default_factory=dict)
    """Per-layer factors by layer name (override the global factor)."""
    max_duplication: PosInt = 64
    """Upper bound on the copies ``duplication: auto`` gives one layer (also never more
    than the layer's output positions). 64: ISAAC replicates its first layers by at most
    a few tens (Shafiee et al., ISCA 2016, section on pipeline balancing)."""
    execution: Literal["pipelined", "layer_by_layer"] = "pipelined"
    """Pipelined: layers on their own tiles, throughput set by the slowest stage.
    Layer-by-layer: latency is the sum of the layers."""
    tile_sharing: bool = False
    """Allow several layers to share one tile (ISAAC-style packing)."""
    accumulation_order: Literal["column_first", "weight_first"] = "column_first"
    """Order of the digital recombination of bit-serial, bit-sliced partial sums.
    ``column_first``: every converted column is shift-added over the input bits in an
    (ADC + input bits)-wide register, then the weight's slices are added once per output
    position in partial-sum-wide adders. ``weight_first``: the columns of a weight are
    added first after every conversion (an ADC + slice-bits-wide adder per conversion),
    then each weight's sum is shift-added over the input bits once per input cycle (an
    ADC + weight + input-bits-wide adder) -- DNN+NeuroSim V1.4 SubArray.cpp / ShiftAdd.cpp
    (shiftAddWeight, then shiftAddInput)."""
    training_batch_size: PosInt = 200
    """Images per weight update when estimating on-chip training (``--training``):
    weights are reprogrammed once per batch (DNN+NeuroSim V2.1 train.py default 200)."""

    @model_validator(mode="after")
    def _patterns(self) -> MappingSpec:
        for pat in self.policy_per_layer:
            try:
                re.compile(pat)
            except re.error as e:
                raise ValueError(f"mapping.policy_per_layer: {pat!r} is not a valid "
                                 f"regular expression ({e})") from None
        return self


class ActivitySpec(Spec):
    """Data-dependent activity assumed when no measured activity is given."""

    input_bit_density: Fraction = 0.5
    """Fraction of input bits that are 1 (drives word-line and cell read energy)."""
    mean_conductance_fraction: Fraction = 0.5
    """Mean stored conductance between G_off (0) and G_on (1)."""
    output_toggle: Fraction = 0.5
    """Toggle rate of digital outputs (adders, buffers, buses)."""


class CalibrationSpec(Spec):
    """Explicit, named, documented calibration factors (1.0 = none).

    Like NeuroSim's layout factors: an honest knob rather than a hidden constant.
    """

    array_area_factor: PositiveFloat = 1.0
    """Multiplies the array area (layout overhead around the cell matrix)."""
    periphery_area_factor: PositiveFloat = 1.0
    """Multiplies digital periphery area (routing, fill, placement density)."""
    adc_energy_factor: PositiveFloat = 1.0
    adc_area_factor: PositiveFloat = 1.0
    wire_energy_factor: PositiveFloat = 1.0
    digital_energy_factor: PositiveFloat = 1.0
    """Multiplies the dynamic energy of the digital periphery the estimator builds from
    standard cells (shift-adders, adder trees, accumulators, activation, pooling and MAC
    units); applied in the roll-up."""
    post_layout_energy_factor: PositiveFloat = 1.0
    """Multiplies all dynamic energy (post-layout parasitics); NeuroSim's validated
    ``zeta`` = 1.22 (DNN+NeuroSim V1.4 Param.cpp, calibration against silicon)."""
    read_latency_factor: PositiveFloat = 1.0
    """Multiplies the read-step time (sensing cycle); NeuroSim's validated ``beta`` = 1.4
    (DNN+NeuroSim V1.4 Param.cpp, 'latency factor of sensing cycle')."""


class Architecture(Spec):
    """A whole CIM accelerator design."""

    name: str
    description: str = ""
    technology: TechnologyRef
    chip: ChipSpec = Field(default_factory=ChipSpec)
    tile: TileSpec = Field(default_factory=TileSpec)
    pe: PeSpec = Field(default_factory=PeSpec)
    subarray: SubarraySpec = Field(default_factory=SubarraySpec)
    weights: WeightSpec = Field(default_factory=WeightSpec)
    mapping: MappingSpec = Field(default_factory=MappingSpec)
    activity: ActivitySpec = Field(default_factory=ActivitySpec)
    calibration: CalibrationSpec = Field(default_factory=CalibrationSpec)
    source: str = ""
    """Where the design comes from (paper, tool defaults)."""

    @model_validator(mode="after")
    def _checks(self) -> Architecture:
        w = self.weights
        if w.bits is not None and w.mapping == "differential" and w.bits < 2:
            raise ValueError("differential mapping needs weights.bits >= 2 (sign + magnitude)")
        if w.differential_readout == "analog":
            if w.mapping != "differential":
                raise ValueError("weights.differential_readout 'analog' needs weights.mapping "
                                 "'differential' (it subtracts the G+ and G- columns)")
            pair = 2 * self.subarray.adc.columns_per_adc
            if self.subarray.cols % pair:
                raise ValueError(f"subarray.cols ({self.subarray.cols}) must be a multiple of "
                                 f"2 x adc.columns_per_adc ({pair}) with analog differential "
                                 "read-out (one ADC per columns_per_adc column pairs)")
        cell = self.subarray.cell
        if w.bits is not None and cell.n_levels != 2 ** cell.bits:
            raise ValueError(
                f"subarray.cell.levels ({cell.n_levels}) is not 2**cell.bits "
                f"({2 ** cell.bits}): bit-sliced weights need 2**bits levels per cell; "
                "set weights.bits: null to quantise analog weights to the cell levels")
        for name in self.mapping.duplication_per_layer:
            if not _DUP_KEY.match(name):
                raise ValueError(f"mapping.duplication_per_layer: bad layer name {name!r}")
        return self

    @property
    def cell_levels(self) -> int:
        """Conductance levels used per cell (``subarray.cell.levels`` or ``2**cell.bits``)."""
        return self.subarray.cell.n_levels

    @property
    def magnitude_bits(self) -> int | None:
        """Bits of weight magnitude stored in cells (sign handled by the mapping)."""
        b = self.weights.bits
        if b is None:
            return None
        return b - 1 if self.weights.mapping == "differential" else b

    @property
    def slices(self) -> int:
        """Cells (bit slices) per weight per polarity."""
        mb = self.magnitude_bits
        if mb is None:
            return 1
        return -(-mb // self.subarray.cell.bits)

    @property
    def columns_per_conversion(self) -> int:
        """Physical columns behind one ADC conversion: 2 when a differential pair is
        subtracted in analog before the ADC (``weights.differential_readout: analog``),
        else 1."""
        return 2 if self.weights.differential_readout == "analog" else 1

    @property
    def adcs_per_subarray(self) -> int:
        """ADCs of one subarray: ``cols / (columns_per_adc x columns_per_conversion)``."""
        return self.subarray.cols // (self.subarray.adc.columns_per_adc
                                      * self.columns_per_conversion)

    @property
    def columns_per_weight(self) -> int:
        """Physical columns per weight (slices x 2 for differential)."""
        return self.slices * (2 if self.weights.mapping == "differential" else 1)


class Design(Spec):
    """An architecture resolved against its technology: what models consume."""

    arch: Architecture
    tech: TechnologyT

    @property
    def node(self):  # noqa: ANN201 - convenience
        return self.tech.node

    @property
    def device(self):  # noqa: ANN201
        return self.tech.device


from ppa_sim.spec.technology import Technology as TechnologyT  # noqa: E402

Design.model_rebuild()
