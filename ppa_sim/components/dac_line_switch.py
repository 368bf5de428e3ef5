"""Read-voltage line switch: the input pulse applied on the row line that carries the cells'
current, with a switch sized for that current.

Kind ``"line_switch"`` (group ``dac``; signature as every driver, contract in
``ppa_sim.components``)::

    fn(dac: DacSpec, sub: SubarraySpec, tech: Technology, *, calibration=None) -> ComponentCost

The IBM HERMES core applies its (pulse-width-modulated, 8-bit) inputs as read pulses on
the unit cells' source-side row lines (VBLs), at V_cm +/- V_read, and sums the cell
currents on the column line into its CCO ADC (Khaddam-Aljameh et al., IEEE JSSC 57(4),
2022). The input driver of such a row therefore does not only charge a gate line:
during its pulse it connects the row line to the read-voltage rail and carries the DC
current of every conducting cell of the row. Its switch must be wide enough that its
on-resistance drops only a small fraction of the read voltage: NeuroSim sizes every
transmission gate (TG) that carries cell current to R_TG = IR_DROP_TOLERANCE x R_on / n_load
(SwitchMatrix.cpp, "resTg = cell.resMemCellOn / numLoad * IR_DROP_TOLERANCE";
SubArray.cpp passes R_on / numCol for a row line of numCol cells; constant.h
IR_DROP_TOLERANCE = 0.25; DNN+NeuroSim V1.x).

Per row: the ``wl_driver``'s pulse logic (d-bit input latch, d-bit compare against the
shared step counter: the PWM generator) and its buffer chain, plus a TG from the rail to
the row line with nMOS and pMOS widths W_n,p = V_dd / (I_on,n,p x 2 R_TG) (each device
half of the pair's conductance, as NeuroSim's SwitchMatrix), and an FO4-tapered chain
driving the TG's two gates.

    R_TG  = tol x R_on / cols                           (Ω; tol = params.ir_drop_tolerance)
    drive_row: E = E_wl_driver + (C_int,TG + C_g,TG) Vdd² + C_d,TG V_read²
               t = max(t_wl_driver, t_chain,TG) + 0.69 R_TG C_line
    area  = A_wl_driver + rows [ (W_n + W_p) / W_min x A_inv / 2 + A_chain,TG ]

(one minimum transistor = half the node's inverter footprint, the convention of every
driver here). ``params``: ``ir_drop_tolerance`` (0.25, NeuroSim constant.h). The window is
the ``wl_driver``'s: with ``dac_bits`` > 1 the pulse is width-modulated over 2^d - 1 unit
pulses (``ppa_sim.components.array.read_window``).
"""

from __future__ import annotations

from ppa_sim.components._common import (
    area_f2_um2,
    bad,
    calib,
    cdrain_ff,
    cgate_ff,
    leak_uw,
    wmin_um,
)
from ppa_sim.components.array import parasitics
from ppa_sim.components.dac import _chain, _params, wl_driver
from ppa_sim.components.registry import register
from ppa_sim.cost import ActionCost, ComponentCost
from ppa_sim.spec.architecture import CalibrationSpec, DacSpec, SubarraySpec
from ppa_sim.spec.technology import Technology
from ppa_sim.units import A_PER_UA, ns_from_ohm_ff, pj_from_ff_v2

#: Fraction of the parallel on-resistance of a line's cells that a switch carrying their
#: current may add (DNN+NeuroSim constant.h IR_DROP_TOLERANCE = 0.25).
IR_DROP_TOLERANCE = 0.25


def switch_resistance_ohm(sub: SubarraySpec, tech: Technology, tolerance: float) -> float:
    """On-resistance (Ω) allowed for the switch of one row line of ``sub.cols`` cells:
    ``tolerance`` x R_on / cols (NeuroSim's rule for current-carrying TGs)."""
    return tolerance * tech.device.r_on_ohm / sub.cols


@register("dac", "line_switch")
def line_switch_driver(dac: DacSpec, sub: SubarraySpec, tech: Technology, *,
                       calibration: CalibrationSpec | None = None) -> ComponentCost:
    """Per-row input pulse on the current-carrying row line: PWM logic + a TG sized for
    the row's cell current (see the module docstring)."""
    prm = _params(dac, {"ir_drop_tolerance": IR_DROP_TOLERANCE})
    tol = prm["ir_drop_tolerance"]
    if not 0 < tol <= 1:
        raise bad("subarray.dac.params.ir_drop_tolerance", "must be in (0, 1]: the switch "
                  "may add at most this fraction of the line's parallel on-resistance",
                  value=tol, allowed="(0, 1]")
    base = wl_driver(dac.model_copy(update={"kind": "wl_driver", "params": {}}), sub, tech,
                     calibration=calibration)
    node = tech.node
    vdd, v_read = node.vdd_v, tech.device.read_voltage_v
    r_tg = switch_resistance_ohm(sub, tech, tol)
    # each device of the pair carries half the conductance: R = Vdd / (I_on W) = 2 R_TG
    w_n = vdd / (node.ion_n_ua_per_um * A_PER_UA * 2.0 * r_tg)
    w_p = vdd / (node.ion_p_ua_per_um * A_PER_UA * 2.0 * r_tg)
    c_gate = cgate_ff(node, w_n + w_p)
    c_drain = cdrain_ff(node, w_n + w_p)
    stages, c_int, a_chain, t_chain = _chain(c_gate, node)
    c_line = parasitics(sub, tech).c_wl_ff  # the row line runs along the word line
    e_tg = pj_from_ff_v2(c_int + c_gate, vdd) + pj_from_ff_v2(c_drain, v_read)
    t_tg = t_chain + 0.69 * ns_from_ohm_ff(r_tg, c_line + c_drain)
    a_tg = (w_n + w_p) / wmin_um(node) * area_f2_um2(node, node.inv_area_f2) / 2.0
    k = calib(calibration).periphery_area_factor  # the base applied it to its own area
    area = base.area_um2 + sub.rows * (a_tg + a_chain) * k
    leak = base.leakage_uw + sub.rows * leak_uw(node, w_n)
    act = base.actions["drive_row"]
    return ComponentCost(
        area_um2=area, leakage_uw=leak,
        actions={"drive_row": ActionCost(act.energy_pj + e_tg, max(act.latency_ns, t_tg))},
        info={**base.info, "r_switch_ohm": r_tg, "switch_width_um": w_n + w_p,
              "switch_chain_stages": stages, "switch_area_um2": sub.rows * (a_tg + a_chain) * k,
              "ir_drop_tolerance": tol})
