"""Cell-array models: the rows x cols cell matrix of one subarray.

One function per cell type (kinds "1t1r", "0t1r", "sram6t", "sram8t",
"1fefet", "c2c"), all sharing :func:`array_cost`. See the contract in
``ppa_sim.components`` and the equations in ``docs/models.md``.

Physics (per subarray):

* cell area from the device's F² figure (1T1R: at least the access transistor's
  footprint), square cells; array W x H = cols x rows cells;
* word line (WL, one per row) and bit line (BL, one per column) on the local
  metal level: R = r/µm x length, C = c/µm x length + transistor gate
  (WL) / junction (BL) loads of every cell on the line;
* read: active rows' WLs charged (C V²), all BLs charged to the read voltage,
  cell current I = V_read G_mean for the read window;
* latency: read window + distributed-RC (Elmore) settling of WL and BL
  (BL through the parallel conductance of the active cells) to half an ADC
  LSB.

Charge-domain ``c2c`` cells (Intel's C-2C SRAM CiM, Wang et al., IEEE JSSC
2023): one cell is one MAC unit, ``cell.bits`` SRAM bits (x ``weight_sets``
multiplexed words) each switching the shunt capacitor C of a C-2C ladder
between the row's analog input line (the DAC output) and ground; the ladder
outputs of a column share charge on the column line, which the ADC reads.
No DC path: a read charges, per active unit, the capacitors of its 1-bits from
0 to the input voltage, E = bits x p_1 x (C + 2C) x V_in x V_dd (charge
Q = 3C V_in drawn from the input line at V_dd), and the column line to about
half swing. Area per unit: the SRAM bits plus, per ladder bit, C and 2C as
MOM capacitors at the node's capacitor density plus a border each
(hwcomponents-library misc.Capacitor defaults, used by CiMLoop for this
macro).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ppa_sim.components._common import (
    area_f2_um2,
    bad,
    c_inv_in_ff,
    c_inv_out_ff,
    calib,
    cdrain_ff,
    cgate_ff,
    f_um,
    leak_uw,
    pn_ratio,
    settle_factor,
    wmin_um,
)
from ppa_sim.components.registry import register
from ppa_sim.cost import ActionCost, ComponentCost
from ppa_sim.spec.architecture import ActivitySpec, CalibrationSpec, SubarraySpec
from ppa_sim.spec.technology import CmosNode, Technology
from ppa_sim.units import (
    F_PER_FF,
    NS_PER_S,
    PJ_PER_FJ,
    PJ_PER_J,
    UA_PER_A,
    UM_PER_NM,
    ns_from_ohm_ff,
    pj_from_ff_v2,
)

DEFAULT_ACTIVITY = ActivitySpec()

#: 1T1R footprint along the word line: access-transistor width plus 1 F of
#: isolation on each side (minimum active-to-active spacing ~ F, the usual
#: lambda rule); across it, 6 F hold the gate, the shared source contact and
#: the drain contact with the via to the device (the NeuroSim 1T1R cell is
#: 4-6 F tall, NeuroSim V1.4 Param.cpp heightInFeatureSize1T1R).
T1R_ISOLATION_F = 2.0
T1R_HEIGHT_F = 6.0

#: 8T/6T SRAM cell area ratio: the decoupled read port adds ~30 % (Chang et al.,
#: "An 8T-SRAM for variability tolerance and low-voltage operation in
#: high-performance caches", IEEE JSSC 43(4), 2008).
SRAM8T_AREA_RATIO = 1.3

#: Metal-oxide-metal capacitor density and keep-out border per capacitor at
#: 22 nm, scaled with the node's F² (density up, border down): 2.3 fF/µm² and
#: 1 µm² (hwcomponents-library misc.py ``Capacitor`` defaults, the model CiMLoop
#: uses for the C-2C ladder of Wang et al.'s macro).
C2C_CAP_DENSITY_FF_PER_UM2_22NM = 2.3
C2C_CAP_BORDER_UM2_22NM = 1.0
C2C_REF_NODE_NM = 22.0
#: Capacitors per ladder bit: the shunt C and the series 2C (the C-2C ladder).
C2C_CAP_UNITS_PER_BIT = 3.0

#: Width of each SRAM access transistor in units of the minimum width (6T
#: cells use near-minimum pass gates; CACTI 6.5 technology.cc w_sram_cell_access
#: ~ 1.31 F for 32-90 nm, i.e. ~minimum).
SRAM_ACCESS_W = 1.0

#: A 6T/8T bit cell is a CMOS circuit of the chip's node: when the device gives
#: the node its read figures were characterised at (``read_ref_fo4_ps`` /
#: ``read_ref_vdd_v``; technology/devices/sram.yaml: 22 nm, read pulse = one 1 GHz
#: cycle, NeuroSim V1.4 Param.cpp clkFreq), the read pulse scales with the chip
#: node's FO4 delay (a clock cycle is a fixed logic depth in FO4; the cell's read
#: current and bit-line load scale like a gate's drive and load) and the bit-line
#: read voltage with the node's Vdd.


def _is_sram_cell(sub: SubarraySpec) -> bool:
    return sub.cell.type in ("sram6t", "sram8t")


def _current_mode_readout(sub: SubarraySpec) -> bool:
    """Whether the subarray is read by a current-mode MLSA (``adc.params.current_mode``)."""
    return sub.adc.kind == "mlsa" and float(sub.adc.params.get("current_mode", 0.0)) == 1.0


def sram_node_scales(sub: SubarraySpec, tech: Technology) -> tuple[float, float]:
    """(read-pulse factor, read-voltage factor) of an SRAM cell at the chip's node
    relative to the device file's 22 nm figures; (1, 1) for other cells."""
    dev = tech.device
    if not _is_sram_cell(sub) or dev.read_ref_fo4_ps is None:
        return 1.0, 1.0
    if dev.read_ref_vdd_v is None:
        raise bad("technology.device.read_ref_vdd_v", "needed with read_ref_fo4_ps (the "
                  "supply of the node the read figures were characterised at)")
    node = tech.node
    return node.fo4_delay_ps / dev.read_ref_fo4_ps, node.vdd_v / dev.read_ref_vdd_v


@dataclass(frozen=True)
class LineParasitics:
    """Geometry and parasitics of one subarray (shared with DAC/mux models)."""

    cell_area_f2: float
    cell_w_um: float
    cell_h_um: float
    width_um: float
    height_um: float
    r_row_ohm: float
    r_col_ohm: float
    c_wl_ff: float
    c_bl_ff: float
    wl_voltage_v: float
    """Voltage a read swings a word line to (Vdd for gated cells, V_read for 0T1R)."""


def c2c_cap_area_um2(sub: SubarraySpec, tech: Technology) -> float:
    """Area (µm²) of the C-2C ladder capacitors of one c2c cell (``cell.bits`` stages of
    C + 2C, each capacitor with its border), at the node's capacitor density."""
    k = (tech.node.node_nm / C2C_REF_NODE_NM) ** 2
    density = C2C_CAP_DENSITY_FF_PER_UM2_22NM / k
    per_bit = C2C_CAP_UNITS_PER_BIT * sub.cell.unit_cap_ff / density + 2 * C2C_CAP_BORDER_UM2_22NM * k
    return sub.cell.bits * per_bit


def c2c_line_cap_ff(sub: SubarraySpec) -> float:
    """Ladder capacitance (fF) one c2c row line carries when every weight bit is 1."""
    return sub.cols * sub.cell.bits * sub.cell.unit_cap_ff


#: Local weight multiplexing of the C-2C cells (Wang et al., JSSC 2023: 9T SRAM cells, one
#: of ``weight_sets`` words per ladder bit selected by a select word line): one minimum
#: select transistor per SRAM bit on its set's select line; the mux output node of each
#: ladder bit carries the ``weight_sets`` select drains plus the ladder bit switch's control
#: (two pass gates and two inverters per bit: CiMLoop's c2c_multiplier component list).
C2C_SWITCH_PASS_GATES = 2
C2C_SWITCH_INVERTERS = 2
#: Probability that a ladder bit's selected weight changes state and rises (0 -> 1) when
#: the select moves to another set: uncorrelated, equiprobable bits -> 1/4.
C2C_BIT_RISE_PROBABILITY = 0.25


def c2c_control_energy_pj(sub: SubarraySpec, tech: Technology, width_um: float
                          ) -> tuple[float, float]:
    """(select, reset) energy (pJ) of ONE read of a c2c subarray.

    select (only with ``weight_sets`` > 1; the sets are cycled from one read to the next,
    CiMLoop's model of the macro fires its select word-line drivers once per input): per
    row one select line rises, E = rows (cols bits C_g + c_wire W) Vdd², and the ladder
    bits whose selected weight rises charge their mux output node, E = rows cols bits
    p_rise (sets C_d + 2 C_pg + 2 (C_in + C_out)) Vdd².
    reset: charge-domain arrays reset their capacitors before every evaluation (e.g.
    H. Valavi et al., IEEE JSSC 54(6), 2019): one minimum reset transistor per ladder node
    on a per-row reset line that rises once per read, E = rows (cols bits C_g + c_wire W) Vdd².
    """
    node = tech.node
    vdd = node.vdd_v
    w = wmin_um(node)
    cg, cd = cgate_ff(node, w), cdrain_ff(node, w)
    bits_row = sub.cols * sub.cell.bits
    c_line = bits_row * cg + node.wires.local.c_ff_per_um * width_um
    e_reset = sub.rows * pj_from_ff_v2(c_line, vdd)
    e_select = 0.0
    if sub.cell.weight_sets > 1:
        c_pg = cg + cdrain_ff(node, w) + cgate_ff(node, pn_ratio(node) * w)
        c_inv = c_inv_in_ff(node) + c_inv_out_ff(node)
        c_mux = (sub.cell.weight_sets * cd + C2C_SWITCH_PASS_GATES * c_pg
                 + C2C_SWITCH_INVERTERS * c_inv)
        e_select = sub.rows * (pj_from_ff_v2(c_line, vdd) + bits_row * C2C_BIT_RISE_PROBABILITY
                               * pj_from_ff_v2(c_mux, vdd))
    return e_select, e_reset


def cell_area_f2(sub: SubarraySpec, tech: Technology) -> float:
    """Cell area in F² for the subarray's cell type."""
    ctype = sub.cell.type
    dev = tech.device
    if ctype == "c2c":
        # bits x weight sets 8T-class SRAM cells + the ladder capacitors (side by side:
        # the MOM capacitors need their own metal stack area, hwcomponents' Capacitor)
        sram_f2 = tech.node.sram_cell_area_f2 * SRAM8T_AREA_RATIO
        caps_f2 = c2c_cap_area_um2(sub, tech) / f_um(tech.node) ** 2
        return sub.cell.bits * sub.cell.weight_sets * sram_f2 + caps_f2
    if ctype == "1t1r":
        footprint = (sub.cell.access_width_f + T1R_ISOLATION_F) * T1R_HEIGHT_F
        return max(dev.cell_area_f2, footprint)
    if ctype == "0t1r":
        if dev.cell_area_0t1r_f2 is None:
            raise bad("subarray.cell.type", f"device {dev.name!r} gives no selector-less (0T1R) "
                      "cell area (cell_area_0t1r_f2)", value="0t1r", allowed="1t1r")
        return dev.cell_area_0t1r_f2
    # a multi-bit SRAM cell is ``bits`` bit cells (one bit each)
    if ctype == "sram6t":
        return tech.node.sram_cell_area_f2 * sub.cell.bits
    if ctype == "sram8t":
        return tech.node.sram_cell_area_f2 * SRAM8T_AREA_RATIO * sub.cell.bits
    if ctype == "1fefet":
        return dev.cell_area_f2
    raise bad("subarray.cell.type", "unknown cell type", value=ctype)  # pragma: no cover


def _gate_width_um(sub: SubarraySpec, tech: Technology, cell_w_um: float) -> float:
    """Width (µm) of the transistor gate each cell hangs on its word line."""
    node = tech.node
    ctype = sub.cell.type
    if ctype == "1t1r":
        return sub.cell.access_width_f * f_um(node)
    if ctype == "sram6t":
        return 2 * SRAM_ACCESS_W * wmin_um(node)  # two pass gates on the WL
    if ctype == "sram8t":
        return SRAM_ACCESS_W * wmin_um(node)  # one read-port transistor on the RWL
    if ctype == "c2c":
        return sub.cell.bits * SRAM_ACCESS_W * wmin_um(node)  # one switch per ladder bit
    if ctype == "1fefet":
        return max(wmin_um(node), 0.5 * cell_w_um)  # FeFET gate spans ~half the cell
    return 0.0  # 0T1R: no transistor


def cell_pitches_um(sub: SubarraySpec, node: CmosNode, cell_area_um2: float
                    ) -> tuple[float, float]:
    """(width, height) in µm of one cell of ``cell_area_um2``.

    Default: a square cell, never narrower than one local-wire pitch per line. A
    ``sub.column_pitch_um`` / ``sub.row_pitch_um`` (a pitch-matched periphery or a
    published layout) fixes that side; the other side keeps the square cell's side when
    the fixed pitch is wider (the cell is padded to the periphery pitch: its area grows)
    and grows to keep the cell area when it is narrower (the cell is re-laid out tall).
    """
    wire_um = node.wires.local.pitch_nm * UM_PER_NM
    side = max(math.sqrt(cell_area_um2), wire_um)
    cw, ch = sub.column_pitch_um, sub.row_pitch_um
    if cw is None and ch is None:
        return side, side
    if cw is not None and ch is not None:
        return cw, ch
    if cw is not None:
        return cw, max(side, cell_area_um2 / cw, wire_um)
    assert ch is not None
    return max(side, cell_area_um2 / ch, wire_um), ch


def parasitics(sub: SubarraySpec, tech: Technology) -> LineParasitics:
    """Geometry, WL/BL resistance and capacitance of one subarray."""
    node = tech.node
    a_f2 = cell_area_f2(sub, tech)
    cw, ch = cell_pitches_um(sub, node, area_f2_um2(node, a_f2))
    width = sub.cols * cw
    height = sub.rows * ch
    wire = node.wires.local
    wg = _gate_width_um(sub, tech, cw)
    # a multi-bit SRAM "cell" is ``bits`` bit cells side by side (Sinangil et al., JSSC 2021:
    # 4 bit cells per charge-shared 4-bit weight), each hanging its gate on the word line
    gates = sub.cell.bits if _is_sram_cell(sub) else 1
    c_wl = wire.c_ff_per_um * width + sub.cols * gates * cgate_ff(node, wg)
    if sub.cell.type == "c2c":
        # the input line also carries the ladders' shunt capacitors (worst case: every
        # weight bit 1 connects its C to the line); their charge is the cell energy
        c_wl += c2c_line_cap_ff(sub)
    c_bl = wire.c_ff_per_um * height + sub.rows * cdrain_ff(node, wg)
    wl_v = tech.device.read_voltage_v if sub.cell.type == "0t1r" else node.vdd_v
    # c2c: the row line is the analog input (DAC output, up to Vdd)
    if sub.cell.type == "1fefet":
        wl_v = max(tech.device.read_voltage_v, node.vth_v)  # gate read bias
    return LineParasitics(cell_area_f2=a_f2, cell_w_um=cw, cell_h_um=ch, width_um=width,
                          height_um=height, r_row_ohm=wire.r_ohm_per_um * width,
                          r_col_ohm=wire.r_ohm_per_um * height, c_wl_ff=c_wl, c_bl_ff=c_bl,
                          wl_voltage_v=wl_v)


def wl_levels(sub: SubarraySpec, tech: Technology) -> tuple[float, float]:
    """(high, low) word-line levels (V) of a 1T1R read: ``sub.wl_high_voltage_v`` (None =
    the node's Vdd) and ``sub.wl_low_voltage_v``. A read draws C_WL (high - low) high per
    switched word line from the high supply (the charge C_WL (high - low) at that level)."""
    v_hi = tech.node.vdd_v if sub.wl_high_voltage_v is None else sub.wl_high_voltage_v
    v_lo = sub.wl_low_voltage_v
    if v_lo >= v_hi:
        raise bad("subarray.wl_low_voltage_v", f"must be below the word-line high level "
                  f"({v_hi:g} V, the node's Vdd unless subarray.wl_high_voltage_v is set)",
                  value=v_lo, allowed=f"< {v_hi:g}")
    return v_hi, v_lo


def read_window(sub: SubarraySpec, tech: Technology) -> tuple[float, float]:
    """(window_ns, energy weight): the read window of one cycle and the factor
    that multiplies (input density x pulse) for the cell energy.

    Bit-serial and voltage-DAC inputs use one read pulse; a multi-bit
    ``wl_driver`` is pulse-width modulated: 2^b - 1 unit pulses per window,
    a row with normalised level x conducts for x of the window. A ``pulse_count``
    driver fills the same window with x separate unit pulses (same conduction time);
    a ``line_switch`` is a ``wl_driver`` that also carries the row current (same window).
    """
    pulse = tech.device.read_pulse_ns * sram_node_scales(sub, tech)[0]
    d = sub.dac
    if d.dac_bits > 1 and d.kind in ("wl_driver", "pulse_count", "line_switch"):
        steps = 2 ** d.dac_bits - 1
        return pulse * steps, float(steps)
    return pulse, 1.0


def array_cost(sub: SubarraySpec, tech: Technology, *, activity: ActivitySpec | None = None,
               calibration: CalibrationSpec | None = None) -> ComponentCost:
    """Area, leakage, read and write costs of one subarray's cell matrix."""
    act = DEFAULT_ACTIVITY if activity is None else activity
    cal = calib(calibration)
    node, dev = tech.node, tech.device
    p = parasitics(sub, tech)

    # ---- area / leakage
    area = sub.rows * sub.cols * p.cell_w_um * p.cell_h_um * cal.array_area_factor
    leak = 0.0
    if not dev.nonvolatile or sub.cell.type.startswith("sram") or sub.cell.type == "c2c":
        # two off transistors leak per cell (one inverter of the latch + one pass gate)
        bits_per_cell = (sub.cell.bits * sub.cell.weight_sets if sub.cell.type == "c2c"
                         else sub.cell.bits if _is_sram_cell(sub) else 1)
        leak = sub.rows * sub.cols * bits_per_cell * leak_uw(node, 2 * wmin_um(node))

    # ---- read: one cycle
    n_rows = sub.rows_per_read
    dens = act.input_bit_density
    g_mean = dev.g_off_s + act.mean_conductance_fraction * (dev.g_on_s - dev.g_off_s)
    t_scale, v_scale = sram_node_scales(sub, tech)
    v_rd = dev.read_voltage_v * v_scale
    window_ns, weight = read_window(sub, tech)
    active = n_rows * dens
    c_wl_wire = p.c_wl_ff - (c2c_line_cap_ff(sub) if sub.cell.type == "c2c" else 0.0)
    e_wl = active * pj_from_ff_v2(c_wl_wire, p.wl_voltage_v)
    if sub.cell.type == "1t1r" and (sub.wl_high_voltage_v is not None
                                    or sub.wl_low_voltage_v > 0 or sub.wl_all_rows):
        # opt-in word-line levels (NeuRRAM: 0.9 <-> 2.2 V, every WL switching each cycle):
        # each switched WL swings V_low -> V_high from the V_high supply
        v_hi, v_lo = wl_levels(sub, tech)
        e_wl = ((n_rows if sub.wl_all_rows else active) * c_wl_wire * (v_hi - v_lo) * v_hi
                * PJ_PER_FJ)
    if sub.dac.kind == "pulse_count":
        e_wl *= weight  # every unit pulse charges the word line again (2^d - 1 at full scale)
    e_bl = sub.cols * pj_from_ff_v2(p.c_bl_ff, v_rd)
    # I V t: S * V² * ns -> J * 1e-9 -> pJ
    e_cell = (active * sub.cols * g_mean * v_rd * v_rd * dev.read_pulse_ns * t_scale * weight
              / NS_PER_S * PJ_PER_J)
    if sub.cell.type.startswith("sram"):
        # SRAM cells have no supply path of their own during a read: the conducting
        # cells discharge the precharged bit line (voltage-mode sensing) by
        # dV = min(V, I t / C_BL), and the precharge puts back C_BL V dV. The read
        # energy is thus bounded by the bit-line charge (DNN+NeuroSim V1.4 SubArray.cpp
        # charges SRAM reads as C x V^2 only) yet still depends on the data.
        dv = min(v_rd, active * g_mean * v_rd * (window_ns / NS_PER_S)
                 / (p.c_bl_ff * F_PER_FF))
        e_bl = sub.cols * p.c_bl_ff * v_rd * dv * PJ_PER_FJ
        e_cell = 0.0
        if _current_mode_readout(sub):
            # a current-mode MLSA holds the bit line at its read voltage (no precharge and
            # discharge: NeuroSim V1.4 SubArray.cpp, SRAM conventionalParallel, "precharger is
            # not needed for SRAM parallel mode"); the column's charge is the MLSA's column
            # term (adc.mlsa_adc), so the array books only its word lines
            e_bl = 0.0
    e_ctrl = 0.0  # c2c: weight-set select and ladder reset lines
    if sub.cell.type == "c2c":
        # charge domain: per active unit the 1-bits' ladder capacitors (C + 2C) charge to the
        # input level (mean normalised level = input density) from the Vdd-supplied DAC line;
        # the column line shares charge to about half swing. No DC current.
        vdd = node.vdd_v
        c_ladder = (sub.cell.bits * act.mean_conductance_fraction * C2C_CAP_UNITS_PER_BIT
                    * sub.cell.unit_cap_ff)
        e_cell = n_rows * sub.cols * c_ladder * dens * vdd * vdd * PJ_PER_FJ
        e_bl = sub.cols * 0.5 * pj_from_ff_v2(p.c_bl_ff, vdd)
        e_select, e_reset = c2c_control_energy_pj(sub, tech, p.width_um)
        e_ctrl = e_select + e_reset
    e_wl *= cal.wire_energy_factor
    e_bl *= cal.wire_energy_factor
    e_read = e_wl + e_bl + e_cell + e_ctrl
    # settling: WL distributed RC, BL through the active cells in parallel
    bits = sub.adc.bits
    tau_wl = ns_from_ohm_ff(0.5 * p.r_row_ohm, p.c_wl_ff)
    g_col = max(active, 1.0) * g_mean
    r_src = 0.0 if sub.cell.type == "c2c" else 1.0 / g_col  # c2c: charge sharing, no cell R
    tau_bl = ns_from_ohm_ff(0.5 * p.r_col_ohm + r_src, p.c_bl_ff)
    settle = settle_factor(bits) * (tau_wl + tau_bl)
    t_read = window_ns + settle
    if sub.cell.type == "c2c":
        # charge domain: no sensing interval follows the settling -- the evaluation window
        # (inputs held on the rows) IS the time the rows, ladders and column settle in; the
        # ADC samples the column at its end. The window must at least cover the settling.
        t_read = max(window_ns, settle)
    i_col_ua = 0.0 if sub.cell.type == "c2c" else active * g_mean * v_rd * UA_PER_A

    # ---- write: per pulse, device energy + WL/BL charged to the write voltage
    v_w = dev.write_voltage_v
    pulses = dev.write_pulses_per_level
    e_lines_cell = pj_from_ff_v2(p.c_wl_ff + p.c_bl_ff, v_w)
    # 0T1R V/2 scheme: the other cells of the row and column see V_w/2 (half-select)
    e_half = 0.0
    if sub.cell.type == "0t1r":
        e_half = ((sub.rows + sub.cols - 2) * g_mean * (0.5 * v_w) ** 2 * dev.write_pulse_ns
                  / NS_PER_S * PJ_PER_J)
    # a c2c cell stores ``bits`` SRAM bits: writing it writes each of them
    w_bits = sub.cell.bits if sub.cell.type == "c2c" else 1
    e_cell_w = pulses * (w_bits * dev.write_energy_pj + e_lines_cell + e_half)
    t_cell_w = pulses * dev.write_pulse_ns
    e_row_half = 0.0
    if sub.cell.type == "0t1r":
        e_row_half = ((sub.rows - 1) * sub.cols * g_mean * (0.5 * v_w) ** 2 * dev.write_pulse_ns
                      / NS_PER_S * PJ_PER_J)
    e_row_w = pulses * (sub.cols * w_bits * dev.write_energy_pj
                        + pj_from_ff_v2(p.c_wl_ff + sub.cols * p.c_bl_ff, v_w) + e_row_half)

    return ComponentCost(
        area_um2=area,
        leakage_uw=leak,
        actions={
            "read": ActionCost(e_read, t_read),
            "write_cell": ActionCost(e_cell_w, t_cell_w),
            "write_row": ActionCost(e_row_w, t_cell_w),
        },
        info={
            "width_um": p.width_um, "height_um": p.height_um,
            "rows": sub.rows, "cols": sub.cols,
            "cell_area_um2": p.cell_w_um * p.cell_h_um, "cell_area_f2": p.cell_area_f2,
            "r_wire_row_ohm": p.r_row_ohm, "r_wire_col_ohm": p.r_col_ohm,
            "c_wl_ff": p.c_wl_ff, "c_bl_ff": p.c_bl_ff,
            "g_mean_us": g_mean * UA_PER_A, "i_col_mean_ua": i_col_ua,
            "read_pulse_ns": window_ns, "settle_ns": settle,
            "read_energy_wl_pj": e_wl, "read_energy_bl_pj": e_bl, "read_energy_cell_pj": e_cell,
            "read_energy_control_pj": e_ctrl,
        },
    )


def _kind(ctype: str):
    def fn(sub: SubarraySpec, tech: Technology, *, activity: ActivitySpec | None = None,
           calibration: CalibrationSpec | None = None) -> ComponentCost:
        if sub.cell.type != ctype:
            sub = sub.model_copy(update={"cell": sub.cell.model_copy(update={"type": ctype})})
        return array_cost(sub, tech, activity=activity, calibration=calibration)

    fn.__name__ = f"array_{ctype}"
    fn.__doc__ = f"Cell matrix of a subarray of {ctype} cells (see :func:`array_cost`)."
    return register("array", ctype)(fn)


array_1t1r = _kind("1t1r")
array_0t1r = _kind("0t1r")
array_sram6t = _kind("sram6t")
array_sram8t = _kind("sram8t")
array_1fefet = _kind("1fefet")
array_c2c = _kind("c2c")
