"""Component cost models: pure functions (spec, technology) -> ComponentCost.

THE CONTRACT between the component models and the estimator (mapping,
schedule, roll-up). Every model is a pure function registered with
``ppa_sim.components.registry.register(group, kind)`` and looked up with
``ppa_sim.components.get(group, kind)``. It returns a
:class:`ppa_sim.cost.ComponentCost`::

    ComponentCost(area_um2, leakage_uw, actions={name: ActionCost(energy_pj, latency_ns)},
                  info={...})

``area_um2`` and ``leakage_uw`` are for the WHOLE instance described by the
arguments (e.g. the whole subarray's cell matrix, all column muxes of one
subarray, one ADC, one buffer). Each action is ONE event as defined below;
the estimator multiplies action costs by event counts. Action latencies are
the time of one event when run alone (the schedule decides what overlaps).

Every model accepts ``calibration: CalibrationSpec | None = None`` as a
keyword (None = ``CalibrationSpec()``, all factors 1.0). Digital, buffer and
interconnect models also accept ``toggle: float = 0.5`` (fraction of bits
that switch per event; ``ActivitySpec.output_toggle``). Arguments after ``*``
are keyword-only. Types: ``SubarraySpec, AdcSpec, DacSpec, BufferSpec,
InterconnectSpec, ActivitySpec, CalibrationSpec`` from
``ppa_sim.spec.architecture``; ``Technology, CmosNode`` from
``ppa_sim.spec.technology``. Invalid combinations raise ``ConfigError``.

group "array" -- kinds "1t1r", "0t1r", "sram6t", "sram8t", "1fefet", "c2c"
    (the kind is ``sub.cell.type``; "c2c" is a charge-domain C-2C ladder MAC
    unit of ``cell.bits`` SRAM bits: no cell current, the read charges the
    1-bits' ladder capacitors to the input level, see docs/models.md)::

        fn(sub: SubarraySpec, tech: Technology, *, activity: ActivitySpec | None = None,
           calibration: CalibrationSpec | None = None) -> ComponentCost

    area: the cell matrix (rows x cols cells) of ONE subarray, no periphery.
    leakage: 0 for non-volatile cells; SRAM cells leak (node ioff).
    actions:
      "read"       ONE read cycle of the subarray: ``sub.rows_per_read`` word
                   lines driven for one input bit-plane (bit-serial) or one
                   DAC level set (``sub.dac.dac_bits`` > 1), of which a
                   fraction ``activity.input_bit_density`` are active (for a
                   DAC: mean normalised level), ALL ``sub.cols`` columns
                   conducting with mean stored conductance
                   G_off + f (G_on - G_off), f = activity.mean_conductance_fraction.
                   Energy = word-line + bit-line wire (and gate) charging +
                   cell I*V during the read pulse. Latency = device read pulse
                   (x (2^dac_bits - 1) for PWM word-line drivers, see dac) +
                   WL and BL RC settling to half an ADC LSB.
      "write_cell" programming ONE cell to a level:
                   write_pulses_per_level x (device write energy + WL/BL
                   charging at the write voltage); latency = pulses x pulse.
      "write_row"  programming ONE row: all ``sub.cols`` cells of a row in
                   parallel (one WL, all BLs); latency = pulses x pulse.
    "read" details: 1T1R word lines swing ``sub.wl_low_voltage_v`` ->
    ``sub.wl_high_voltage_v`` (defaults 0 -> Vdd), on every row when ``sub.wl_all_rows``;
    a ``pulse_count`` driver charges the WL once per unit pulse; c2c adds its weight-set
    select and ladder reset lines (info read_energy_control_pj) and its latency is
    max(window, settling) (the window IS the settling). Cell pitches:
    ``sub.column_pitch_um`` / ``sub.row_pitch_um`` (None = square cells of the cell's
    area); a multi-bit sram6t/sram8t cell is ``cell.bits`` bit cells.
    info: width_um, height_um, cell_area_um2, cell_area_f2,
          r_wire_row_ohm (one whole WL), r_wire_col_ohm (one whole BL),
          c_wl_ff (one whole WL incl. gate loads), c_bl_ff (one whole BL incl.
          junctions), g_mean_us (mean cell conductance, µS),
          i_col_mean_ua (mean column current during a read, µA),
          read_pulse_ns, settle_ns.

group "adc" -- kinds "sar", "flash", "mlsa", "ramp", "cco", "adder_tree", "sa_flash", "neuron",
    "cdac_sar"
    (adder_tree: exact digital readout, n = 2^(bits-1) one-bit products summed;
    info ``exact`` = 1.0 and ``operands`` = n; sa_flash: 2^b - 1 StrongARM SAs whose
    input gates are the charge-sharing caps, module ``adc_sa_flash``; "cdac_sar": a
    charge-redistribution SAR summed from its CDAC, comparator, logic and reference,
    module ``adc_cdac``)::

        fn(spec: AdcSpec, node: CmosNode, *, calibration: CalibrationSpec | None = None)
           -> ComponentCost

    area/leakage: ONE ADC (one per ``spec.columns_per_adc`` columns).
    actions:
      "convert"    ONE conversion of ``spec.bits`` bits; latency = one
                   conversion time (1 / sample rate).
    info: sample_rate_msps (the rate used: spec.sample_rate_msps, or when
          None the model's nominal rate -- SAR: its speed corner, others:
          their maximum), max_sample_rate_msps (a higher requested rate is a
          ConfigError), enob, fom_fj_per_step (Walden FoM = E / 2^ENOB),
          power_mw (at that rate); integrating (1.0 when the converter counts
          during the array read window -- cco -- so the estimator overlaps the
          two; absent otherwise).
    spec.params (optional; unknown names are a ConfigError): every kind
    "enob_loss_bits" (not adder_tree); mlsa "sense_ns" (1 ns x FO4/FO4_22nm),
    "current_mode" (0; 1 = NeuroSim's current-mode sensing: the mlsa then also takes the
    keyword ``array: ComponentCost | None = None``, the subarray's cell-matrix cost the
    roll-up passes to any ADC model with that keyword, and adds the column and shared
    reference-column charging and the reference columns' area), "read_voltage_v"
    (current mode: NeuroSim's per-node value), "reference_share" (current mode: 2^bits);
    adder_tree "toggle" (0.5); ramp "cycles_per_step" (1),
    "shared_by" (64 columns per ramp/counter), "bias_ua" (2); cco
    "mean_code_fraction" (0.5), "count_window_ns" (2^bits LSB times), "gain_mhz_per_ua"
    (none: minimum-size ring), "affine_bits" (0: no per-conversion gain/offset MAC);
    sa_flash "unit_cap_ff" (1.0), "mean_code_fraction" (0.5);
    cdac_sar "unit_cap_ff" (1.0), "switching" (0 conventional, 1 monotonic, 2 Vcm-based),
    "differential" (0; 1 for switching 1/2), "ref_fraction" (1.0), "ref_buffer_ua" (0),
    "pipelined" (0; 1 sets info ``pipelined`` = 1.0: the CDAC holds the sample, so the
    estimator overlaps the conversion with the next array read; needs columns_per_adc 1).
    "neuron" (module ``neuron``: NeuRRAM's integrating voltage-mode neuron) also takes
    the keyword ``dac: DacSpec | None = None`` (the roll-up passes the subarray's DAC spec
    to every ADC model whose signature has it): its ``convert`` is one conversion's (one
    converted phase's) share of one MVM (info ``conversions`` per MVM,
    ``input_cycle_latency_ns``: the read step's share); info ``shift_adds_per_convert``
    (< 1: the input bits are weighted in analog) scales the roll-up's per-conversion
    shift-add; params "sample_pj" (1.2),
    "integrate_pj" (0.25), "step_pj" (0.3), "supply_v" (1.8), "max_phase_bits" (3),
    "integrate_ns" (270), "step_ns" (300), "phase_ns" (300).

group "dac" -- kinds "wl_driver", "dac", "r2r", "pulse_count", "line_switch",
    "level_shifter"::

        fn(dac: DacSpec, sub: SubarraySpec, tech: Technology, *,
           calibration: CalibrationSpec | None = None) -> ComponentCost

    area/leakage: ALL drivers of one subarray (one per row).
    "wl_driver" (bit-serial 1-bit driver; with dac_bits > 1 it is a
    pulse-width-modulated driver, HERMES/PWM style):
      "drive_row"  ONE row driven for one read cycle (driver-internal energy
                   only: the WL wire and cell loads are in array "read").
    "dac" (multi-bit voltage-level DAC per row, resistor-string reference
    shared by the subarray, one buffer per row):
      "drive_row"  ONE row driven for one read cycle at ``dac.dac_bits``.
    "r2r" (R-2R ladder DAC per row; ``dac.params`` unit_resistance_ohm,
    ladders, reference_fraction; static V_ref²/R over the read window):
      "drive_row"  ONE row driven for one read cycle.
    "pulse_count" (module ``dac_pulse_count``: a dac_bits input as x separate unit
    pulses in the 2^d - 1 slot window; the array's "read" charges the WL per pulse):
      "drive_row"  ONE full-scale row: wl_driver logic + chain per pulse.
    "line_switch" (module ``dac_line_switch``: the input pulse on the row line that
    carries the cells' current, HERMES' VBLs; wl_driver logic + a TG sized to
    ``ir_drop_tolerance`` (0.25) x R_on / cols, NeuroSim's rule; PWM window as wl_driver):
      "drive_row"  ONE row: wl_driver energy + the TG's gate chain and junctions.
    "level_shifter" (for write voltage > Vdd; one per row and column line):
      "shift"      ONE line shifted to the device write voltage for one
                   write pulse (includes the line's C x V_write^2).
    info: instances (drivers in the subarray), pulse_steps (PWM steps).
    ``dac.signed_input`` (every kind): the sign is the pulse polarity, so the input takes
    ``dac.cycles_for(bits)`` = ceil(max(1, bits - 1) / dac_bits) read cycles.

group "write" -- kind "column_driver" (module ``program_driver``; opt-in with
    ``subarray.program_drivers_per_column`` > 0, a subarray part with no inference energy)::

        fn(sub: SubarraySpec, tech: Technology, *, calibration=None) -> ComponentCost

    area/leakage: ALL programming drivers of one subarray (per_column x cols).
      "program_row"  ONE row programmed, every driver firing one write pulse
                     (driver-internal energy; cells and bit lines in array "write_row").
    info: instances, program_current_ua, output_width_um, write_voltage_v.

group "decoder"::

    "row_decoder":   fn(rows: int, node: CmosNode, *, calibration=None)
        "decode"     ONE address decode selecting one of ``rows`` lines.
    "switch_matrix": fn(rows: int, node: CmosNode, *, voltage_v: float,
                        calibration=None)
        "switch"     ONE read/write cycle of the matrix: all ``rows`` switch
                     gates set (transmission gates passing ``voltage_v``).
    info: stages (decoder), instances.

group "mux" -- kinds "column_mux", "sample_hold" (``sub.mux_kind``; sample_hold: a
    sample-and-hold per column then an analog mux, ISAAC; ``sub.mux_params``
    hold_cap_ff, select_shared_by)::

        fn(sub: SubarraySpec, node: CmosNode, *, signal_v: float | None = None,
           calibration=None)

    area: all transmission gates + the mux select decoder of one subarray
    (zero cost when columns_per_adc == 1 or sub.column_mux is False).
    signal_v: column signal swing through the gates (default Vdd/2).
      "switch"     ONE mux selection: every ADC of the subarray switches to its
                   next column (cols / columns_per_adc gates toggled).
    info: inputs_per_mux, muxes.

group "digital"::

    "shift_add":    fn(bits: int, node, *, calibration=None, toggle=0.5)
        "op"         ONE shift-and-add of a ``bits``-wide partial sum (adder +
                     register + shifter).
    "adder":        fn(bits: int, node, *, ...)  "add"  ONE ``bits``-bit addition.
    "adder_tree":   fn(inputs: int, bits: int, node, *, ...)
        "reduce"     ONE reduction of ``inputs`` operands of ``bits`` bits
                     (inputs - 1 adders, widths growing by 1 per level).
    "accumulator":  fn(bits: int, node, *, ...)  "accumulate" (add + register).
    "activation":   fn(bits: int, node, *, function: str = "relu", ...)  "op"
                     (ONE element; function in relu, sigmoid, tanh, identity).
    "pool":         fn(bits: int, node, *, window: int = 4, kind: str = "max", ...)
        "op"         ONE output from ``window`` inputs (max: window - 1
                     comparisons; avg: window - 1 additions + shift).
    "mac_unit":     fn(bits: int, node, *, ...)  "mac" ONE bits x bits
                     multiply + accumulate (array multiplier + 2*bits adder).
    "register":     fn(bits: int, node, *, ...)  "write" ONE write of ``bits``.
    Latency of each action: critical path (FO4 multiples) of that event.
    info: gates / full_adders etc.

group "buffer" -- kinds "sram", "edram", "register_file"::

        fn(spec: BufferSpec, node: CmosNode, *, calibration=None, toggle=0.5)

    area/leakage: the whole buffer (all banks).
      "read"       ONE access reading ``spec.width_bits`` bits.
      "write"      ONE access writing ``spec.width_bits`` bits.
    info: bank_rows, bank_cols, energy_per_bit_read_pj,
          energy_per_bit_write_pj, refresh_uw (edram; edram word lines are boosted
          to V_PP through a charge pump, buffer.EDRAM_VPP_V).

group "interconnect" -- kinds "htree", "bus", "mesh"::

        fn(spec: InterconnectSpec, node: CmosNode, *, endpoints: int, span_um: float,
           level: str | None = None, calibration=None, toggle=0.5)

    ``endpoints``: children connected (PEs, tiles); ``span_um``: side of the
    square region they tile (e.g. sqrt of the tile area for a tile-level
    H-tree); level: metal level (None: global for span >= 1 mm, else
    intermediate). area/leakage: wires' repeaters, bus taps, (mesh) routers.
      "transfer"   ONE ``spec.width_bits``-wide transfer from the root (or
                   one edge for a mesh) to an average endpoint, all wire
                   segments, repeaters and routers on the way.
      "hop"        (mesh only) ONE router + one link traversal.
    ``spec.router`` / ``spec.params``: only a mesh takes them (else a ConfigError);
    router "compact" (default, 5-port wormhole router) or "vc" (ORION 2.0-style
    virtual-channel router; params "concentration" (1 endpoint per router),
    "router_ports" (0 = 4 + concentration), "virtual_channels" (1), "buffer_flits" (4),
    "mux_degree" (4; 0 = matrix crossbar), "pipeline_stages" (3)).
    info: avg_distance_um, avg_hops (mesh), energy_per_bit_mm_pj,
          wire_length_um (total), repeater_spacing_um; vc meshes add routers,
          router_ports, router_area_um2, router_flit_energy_pj, router_clock_energy_pj,
          router_leakage_uw and the buffer / crossbar / allocator splits.

Equations, parameters and sources of every model: docs/models.md.
"""

from ppa_sim.components.registry import get, groups, kinds, register
from ppa_sim.cost import ActionCost, ComponentCost

__all__ = ["ActionCost", "ComponentCost", "get", "groups", "kinds", "register"]
