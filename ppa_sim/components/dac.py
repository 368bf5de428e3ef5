"""Input-side drivers: bit-serial word-line drivers, multi-bit DACs, level shifters.

Kinds: ``wl_driver`` (bit-serial / PWM), ``dac`` (resistor string + buffer per row),
``r2r`` (R-2R ladder per row, e.g. the input DACs of Intel's C-2C macro) and
``level_shifter``. ``dac.params`` is read by ``r2r`` and ``wl_driver`` (``input_latch``,
``min_area``; unknown names, or any params for the other kinds, are a ConfigError).

Signature (contract in ``ppa_sim.components``)::

    fn(dac: DacSpec, sub: SubarraySpec, tech: Technology, *, calibration=None)

Area and leakage cover ALL instances of one subarray. The word-line wire and
cell loads are charged in the array model's ``read``; ``drive_row`` here is the
driver's own energy (input latch, buffer chain internal nodes, DAC bias).
"""

from __future__ import annotations

from ppa_sim.components._common import (
    area_f2_um2,
    bad,
    buffer_chain_stages,
    c_inv_in_ff,
    c_inv_out_ff,
    calib,
    cdrain_ff,
    cgate_ff,
    check_param_names,
    f_um,
    fo4_ns,
    leak_uw,
    r_on_ohm,
    wmin_um,
)
from ppa_sim.components.array import parasitics, read_window
from ppa_sim.components.registry import register
from ppa_sim.cost import ActionCost, ComponentCost
from ppa_sim.spec.architecture import CalibrationSpec, DacSpec, SubarraySpec
from ppa_sim.spec.technology import Technology
from ppa_sim.units import (
    A_PER_UA,
    F_PER_FF,
    NS_PER_S,
    PJ_PER_FJ,
    PJ_PER_J,
    ns_from_ohm_ff,
    pj_from_ff_v2,
)


def _params(dac: DacSpec, allowed: dict[str, float]) -> dict[str, float]:
    """``dac.params`` over ``allowed`` defaults; unknown names are a ConfigError."""
    check_param_names("subarray.dac.params", f"a {dac.kind} driver", dac.params, allowed)
    return {**allowed, **dac.params}


def _chain(c_load_ff: float, node) -> tuple[int, float, float, float]:
    """(stages, internal switched cap fF, area µm², delay ns) of an FO4-tapered
    driver chain from a minimum inverter to ``c_load_ff`` (load itself excluded)."""
    c_in = c_inv_in_ff(node)
    stages, total = buffer_chain_stages(c_load_ff, c_in)
    # internal: every stage's own output junction + every stage's input except the first
    c_int = c_inv_out_ff(node) * total + c_in * (total - 1.0)
    area = total * area_f2_um2(node, node.inv_area_f2)
    delay = stages * fo4_ns(node)
    return stages, c_int, area, delay


@register("dac", "wl_driver")
def wl_driver(dac: DacSpec, sub: SubarraySpec, tech: Technology, *,
              calibration: CalibrationSpec | None = None) -> ComponentCost:
    """Word-line driver per row: input latch (DFF) + FO4-tapered buffer chain.

    With ``dac.dac_bits`` = d > 1 the driver is pulse-width modulated (HERMES-style
    PWM): a d-bit comparator against a shared step counter ends the pulse; the
    window is 2^d - 1 unit pulses (counted in the array's read latency).
    drive_row: E = d E_dff + C_int Vdd² (+ d-bit compare) ; t = stages x FO4.

    params (opt-in, defaults = the above): ``input_latch`` 0 drops the per-row DFF
    when the PE's input register holds the bit for the read (ISAAC's IR feeding its
    1-bit DACs; 1-bit drivers only): the driver's input gate is then charged from the
    register instead; ``min_area`` 1 sizes a single inverter, grown from minimum only
    until it charges the word line within a tenth of the read pulse, instead of the
    delay-optimal FO4 chain (see :func:`_min_area_stage`).
    """
    cal = calib(calibration)
    prm = _params(dac, {"input_latch": 1.0, "min_area": 0.0})
    if prm["input_latch"] not in (0.0, 1.0) or prm["min_area"] not in (0.0, 1.0):
        raise bad("subarray.dac.params", "input_latch and min_area are 0 or 1",
                  value=dict(dac.params), allowed="0, 1")
    latch = prm["input_latch"] == 1.0
    d = dac.dac_bits
    if not latch and d > 1:
        raise bad("subarray.dac.params.input_latch", "a PWM driver (dac_bits > 1) compares "
                  "a latched code every step: input_latch must be 1", value=0,
                  allowed="1")
    node = tech.node
    p = parasitics(sub, tech)
    if prm["min_area"] == 1.0:
        stages, c_int, a_chain, t_chain = _min_area_stage(p.c_wl_ff, node,
                                                          tech.device.read_pulse_ns)
    else:
        stages, c_int, a_chain, t_chain = _chain(p.c_wl_ff, node)
    e_dff = node.dff_energy_fj * PJ_PER_FJ
    if latch:
        e = d * e_dff + pj_from_ff_v2(c_int, node.vdd_v)
        a_row = a_chain + d * area_f2_um2(node, node.dff_area_f2)
    else:  # the input register drives the first stage's gate directly
        first = a_chain / area_f2_um2(node, node.inv_area_f2) if stages == 1 else 1.0
        e = pj_from_ff_v2(c_int + c_inv_in_ff(node, first), node.vdd_v)
        a_row = a_chain
    steps = 1
    if d > 1:
        steps = 2 ** d - 1
        # d-bit equality compare (d XNOR ~ 2 NAND2 each + AND tree) evaluated per step
        e += steps * d * 2 * pj_from_ff_v2(c_inv_in_ff(node) + c_inv_out_ff(node),
                                           node.vdd_v) * 0.5
        a_row += 3 * d * area_f2_um2(node, node.nand2_area_f2)
    a = sub.rows * a_row * cal.periphery_area_factor
    leak = sub.rows * leak_uw(node, wmin_um(node) * (1 + 2 * stages))
    return ComponentCost(area_um2=a, leakage_uw=leak,
                         actions={"drive_row": ActionCost(e, t_chain)},
                         info={"instances": sub.rows, "pulse_steps": steps, "stages": stages,
                               "c_load_ff": p.c_wl_ff, "input_latch": float(latch)})


#: Minimum-area word-line driver: the word line must reach its level within this fraction
#: of the device read pulse (the same slew budget as the voltage DAC's buffer below).
WL_MIN_AREA_SLEW_FRACTION = 0.1


def _min_area_stage(c_load_ff: float, node, read_pulse_ns: float
                    ) -> tuple[int, float, float, float]:
    """(1 stage, internal switched cap fF, area µm², delay ns) of the smallest single
    inverter that charges ``c_load_ff`` within WL_MIN_AREA_SLEW_FRACTION of the read pulse.

    Size s >= 1 (x minimum) from 0.69 (R_min / s)(C_load + s C_out,min) <= f t_pulse:
    s = 0.69 R_min C_load / (f t_pulse - 0.69 R_min C_out,min); an unmeetable budget (the
    self-load alone too slow) falls back to the FO4 chain.
    """
    r_min = r_on_ohm(node, wmin_um(node))
    c_out = c_inv_out_ff(node)
    budget = WL_MIN_AREA_SLEW_FRACTION * read_pulse_ns
    slack = budget - 0.69 * ns_from_ohm_ff(r_min, c_out)
    if slack <= 0:
        return _chain(c_load_ff, node)
    s = max(1.0, 0.69 * ns_from_ohm_ff(r_min, c_load_ff) / slack)
    delay = 0.69 * ns_from_ohm_ff(r_min / s, c_load_ff + s * c_out)
    return 1, c_inv_out_ff(node, s), s * area_f2_um2(node, node.inv_area_f2), delay


#: Multi-bit voltage DAC per row: a 2^d-tap resistor string shared by the
#: subarray, a 2^d:1 transmission-gate selector and a unity-gain buffer per row.
#: Buffer bias: enough to slew the word line through the read voltage within a
#: tenth of the read pulse (I = C V / (0.1 t_pulse)), at least 1 µA (typical
#: minimum for a stable op-amp in a mixed-signal macro; assumption).
DAC_MIN_BIAS_UA = 1.0
DAC_SLEW_FRACTION = 0.1
#: Resistor-string reference current (shared by all rows of a subarray): 20 µA,
#: so the string's thermal noise and settling stay far below one LSB
#: (assumption, cf. NeuroSim's shared reference branches).
DAC_STRING_UA = 20.0
#: Op-amp transistors per row buffer (two-stage Miller op-amp ~ 10 devices,
#: sized 4x minimum: 40 minimum-transistor equivalents).
DAC_OPAMP_TRANSISTORS = 40.0


@register("dac", "dac")
def voltage_dac(dac: DacSpec, sub: SubarraySpec, tech: Technology, *,
                calibration: CalibrationSpec | None = None) -> ComponentCost:
    """Multi-bit voltage DAC per row (resistor string + selector + buffer).

    drive_row: E = d E_dff + E_select + I_b Vdd t_pulse + I_str Vdd t_pulse / rows;
    I_b = max(1 µA, C_WL V_read / (0.1 t_pulse)); t = settle (0.1 t_pulse) + FO4 x log2 d.
    """
    cal = calib(calibration)
    _params(dac, {})
    node, dev = tech.node, tech.device
    p = parasitics(sub, tech)
    d = dac.dac_bits
    levels = 2 ** d
    t_pulse = dev.read_pulse_ns
    t_slew = DAC_SLEW_FRACTION * t_pulse
    i_b = max(DAC_MIN_BIAS_UA * A_PER_UA,
              p.c_wl_ff * F_PER_FF * dev.read_voltage_v / (t_slew / NS_PER_S))
    e_bias = i_b * node.vdd_v * t_pulse / NS_PER_S * PJ_PER_J
    e_string = DAC_STRING_UA * A_PER_UA * node.vdd_v * t_pulse / NS_PER_S * PJ_PER_J / sub.rows
    e_dff = node.dff_energy_fj * PJ_PER_FJ
    # selector: one TG gate pair switches on, one off; the d-to-2^d decode toggles ~d gates
    c_tg = cgate_ff(node, 2 * wmin_um(node)) + cdrain_ff(node, 2 * wmin_um(node)) * levels
    e_sel = pj_from_ff_v2(2 * c_tg, node.vdd_v) + d * pj_from_ff_v2(
        c_inv_in_ff(node) + c_inv_out_ff(node), node.vdd_v)
    e = d * e_dff + e_sel + e_bias + e_string
    a_t = area_f2_um2(node, node.inv_area_f2) / 2.0
    a_row = (d * area_f2_um2(node, node.dff_area_f2) + levels * 2 * a_t
             + levels * area_f2_um2(node, node.nand2_area_f2) + DAC_OPAMP_TRANSISTORS * a_t)
    # resistor string: 2^d poly resistors of ~ 10 F x 2 F (assumption)
    a_string = levels * 20.0 * f_um(node) ** 2
    a = (sub.rows * a_row + a_string) * cal.periphery_area_factor
    leak = sub.rows * leak_uw(node, wmin_um(node) * DAC_OPAMP_TRANSISTORS / 4)
    t = t_slew + max(1, d.bit_length()) * fo4_ns(node)
    return ComponentCost(area_um2=a, leakage_uw=leak, actions={"drive_row": ActionCost(e, t)},
                         info={"instances": sub.rows, "pulse_steps": 1, "levels": levels,
                               "bias_ua": i_b / A_PER_UA})


#: R-2R ladder DAC: unit resistance 5 kΩ (CiMLoop's model of Wang et al.'s C-2C
#: macro, mit-emze/cimloop arch/1_macro/wang_vlsi_2022/variables_free.yaml,
#: DAC_UNIT_RESISTANCE 5000); one ladder per row referenced to Vdd unless the
#: params say otherwise (that macro: two ladders, for positive and negative
#: inputs, each referenced to Vdd/2 -- same source, arch.yaml).
R2R_UNIT_OHM = 5000.0
#: Resistor area per ohm at 22 nm, scaled with F²: 0.7e-14 m²/Ω = 0.007 µm²/Ω, and a
#: ladder's resistor area = that x d x R (CiMLoop's R-2R DAC model, the
#: ``dac_r2r_ladder`` Accelergy plug-in used for Wang et al.'s C-2C macro,
#: ``m2_chip_area_per_ohm``). The constant sets a matched precision-poly footprint;
#: CiMLoop uses it for this very macro, so agreement on that macro's DAC area is not
#: independent evidence.
R2R_AREA_UM2_PER_OHM_22NM = 0.007
R2R_REF_NODE_NM = 22.0


@register("dac", "r2r")
def r2r_dac(dac: DacSpec, sub: SubarraySpec, tech: Technology, *,
            calibration: CalibrationSpec | None = None) -> ComponentCost:
    """R-2R ladder DAC per row (current-mode ladder, bit switches, code latch).

    A current-mode R-2R ladder presents its input resistance R to the reference
    whatever the code, so each ladder draws V_ref² / R for the read window:
    drive_row: E = n_l V_ref² / R t_window + d E_dff + d/2 switch toggles;
    t = (d + 1) ln 2 x R x C_WL (the ladder's output resistance is R); resistor area
    0.007 µm²/Ω x (F/22 nm)² x d x R per ladder (CiMLoop's R-2R model).
    params: ``unit_resistance_ohm`` (5000), ``ladders`` (1 per row),
    ``reference_fraction`` (V_ref / Vdd, 1.0).
    """
    cal = calib(calibration)
    prm = _params(dac, {"unit_resistance_ohm": R2R_UNIT_OHM, "ladders": 1.0,
                        "reference_fraction": 1.0})
    r_u = prm["unit_resistance_ohm"]
    n_l = prm["ladders"]
    frac = prm["reference_fraction"]
    if r_u <= 0 or n_l < 1 or n_l != int(n_l) or not 0 < frac <= 1:
        raise bad("subarray.dac.params", "r2r needs unit_resistance_ohm > 0, ladders a "
                  "positive integer and 0 < reference_fraction <= 1", value=dict(dac.params))
    node = tech.node
    p = parasitics(sub, tech)
    window_ns, _ = read_window(sub, tech)
    d = dac.dac_bits
    v_ref = frac * node.vdd_v
    e_static = n_l * v_ref ** 2 / r_u * window_ns / NS_PER_S * PJ_PER_J
    c_sw = cgate_ff(node, 2 * wmin_um(node)) + cdrain_ff(node, 2 * wmin_um(node))
    e_sw = 0.5 * d * n_l * pj_from_ff_v2(2 * c_sw, node.vdd_v)
    e = e_static + d * node.dff_energy_fj * PJ_PER_FJ + e_sw
    t = (d + 1) * 0.6931 * ns_from_ohm_ff(r_u, p.c_wl_ff)
    a_t = area_f2_um2(node, node.inv_area_f2) / 2.0
    a_res = (R2R_AREA_UM2_PER_OHM_22NM * (node.node_nm / R2R_REF_NODE_NM) ** 2
             * d * r_u)
    a_ladder = a_res + d * 2 * a_t
    a_row = n_l * a_ladder + d * area_f2_um2(node, node.dff_area_f2)
    a = sub.rows * a_row * cal.periphery_area_factor
    leak = sub.rows * leak_uw(node, wmin_um(node) * 2 * d * n_l)
    return ComponentCost(area_um2=a, leakage_uw=leak, actions={"drive_row": ActionCost(e, t)},
                         info={"instances": sub.rows, "pulse_steps": 1, "ladders": n_l,
                               "reference_v": v_ref, "static_energy_pj": e_static})


#: Level shifter: cross-coupled pMOS pair + two nMOS pull-downs + output driver
#: in thick-oxide devices (width 4 F, area 3x a core transistor for the
#: thick-oxide rules; NeuroSim's LevelShifter.cpp uses a similar 6-transistor
#: cell sized several times minimum).
LS_TRANSISTORS = 6
LS_WIDTH_F = 4.0
LS_THICK_OXIDE_AREA = 3.0


@register("dac", "level_shifter")
def level_shifter(dac: DacSpec, sub: SubarraySpec, tech: Technology, *,
                  calibration: CalibrationSpec | None = None) -> ComponentCost:
    """Level shifters to the device write voltage, one per row and per column.

    shift: one line charged to V_write for one pulse: (C_line + C_int) V_w²,
    C_line = mean of WL and BL capacitance; t = 3 FO4 + line RC.
    """
    cal = calib(calibration)
    _params(dac, {})
    node, dev = tech.node, tech.device
    p = parasitics(sub, tech)
    v_w = dev.write_voltage_v
    w = LS_WIDTH_F * f_um(node)
    c_int = LS_TRANSISTORS * (cgate_ff(node, w) + cdrain_ff(node, w))
    c_line = 0.5 * (p.c_wl_ff + p.c_bl_ff)
    e = pj_from_ff_v2(c_line + c_int, v_w)
    r_drv = v_w / (node.ion_n_ua_per_um * w * A_PER_UA)
    r_line = 0.5 * (p.r_row_ohm + p.r_col_ohm)
    t = 3 * fo4_ns(node) + 0.69 * ns_from_ohm_ff(r_drv + 0.5 * r_line, c_line)
    n = sub.rows + sub.cols
    a_t = area_f2_um2(node, node.inv_area_f2) / 2.0 * LS_WIDTH_F
    a = n * LS_TRANSISTORS * a_t * LS_THICK_OXIDE_AREA * cal.periphery_area_factor
    leak = n * leak_uw(node, w * 2)
    return ComponentCost(area_um2=a, leakage_uw=leak, actions={"shift": ActionCost(e, t)},
                         info={"instances": n, "write_voltage_v": v_w, "c_line_ff": c_line})
