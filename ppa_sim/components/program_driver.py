"""Column programming drivers of a non-volatile array (opt-in).

Kind ``"column_driver"`` in group ``"write"``::

    fn(sub: SubarraySpec, tech: Technology, *, calibration=None) -> ComponentCost

Area and leakage: ALL programming drivers of one subarray,
``round(sub.program_drivers_per_column x sub.cols)`` of them (0 = not modelled: the
roll-up then leaves them out). Action ``"program_row"``: ONE row programmed in parallel,
every driver firing one write pulse (the drivers' own energy; the cells' write energy and
the bit-line charging at the write voltage are in the array's ``write_row``).

Programming a resistive memory needs ~2 V (PCM) and 100-500 µA, which asks for
thick-oxide drivers (Singh et al., "The design of analogue in-memory computing tiles",
Nat. Electron. 2025, after the IBM HERMES core, Khaddam-Aljameh et al., JSSC 2022, whose
8T4R unit cell is programmed row-wise, all columns in parallel). Each driver here is

* a level shifter from Vdd to the device write voltage (the ``level_shifter`` dac kind's
  6-transistor thick-oxide cell, one instance's area, leakage and internal energy);
* an output stage sourcing the device's programming current
  ``I_prog = E_write / (V_write t_write)`` (µA from pJ, V, ns: the device file's write
  energy, voltage and pulse), a pMOS of width ``W = I_prog / I_on,p`` (µm) at the node's
  on-current (the node file has no IO-device data, so this is a lower bound on the width),
  laid out at the thick-oxide area factor of the level shifter;
* one enable latch (DFF) for program-and-verify, which pulses only the columns whose
  device has not yet reached its target (Le Gallo et al., Nat. Electron. 2023: closed-loop
  iterative program-and-verify).

    area     = n [A_LS + W / W_min x A_inv / 2 x k_thick + A_DFF]
    program_row: E = n [E_LS,int + C_g,out V_write² + E_DFF];  t = 3 FO4 + 0.69 R_out C_BL
"""

from __future__ import annotations

from ppa_sim.components._common import (
    area_f2_um2,
    bad,
    calib,
    cdrain_ff,
    cgate_ff,
    f_um,
    fo4_ns,
    leak_uw,
    wmin_um,
)
from ppa_sim.components.array import parasitics
from ppa_sim.components.dac import LS_THICK_OXIDE_AREA, LS_TRANSISTORS, LS_WIDTH_F
from ppa_sim.components.registry import register
from ppa_sim.cost import ActionCost, ComponentCost
from ppa_sim.spec.architecture import CalibrationSpec, SubarraySpec
from ppa_sim.spec.technology import Technology
from ppa_sim.units import A_PER_UA, PJ_PER_FJ, ns_from_ohm_ff, pj_from_ff_v2


def program_current_ua(tech: Technology) -> float:
    """Programming current (µA) the device file implies: E_write / (V_write t_write)."""
    dev = tech.device
    return dev.write_energy_pj / (dev.write_voltage_v * dev.write_pulse_ns) * 1e3


def driver_count(sub: SubarraySpec) -> int:
    """Programming drivers of one subarray: program_drivers_per_column x cols."""
    return round(sub.program_drivers_per_column * sub.cols)


@register("write", "column_driver")
def column_driver(sub: SubarraySpec, tech: Technology, *,
                  calibration: CalibrationSpec | None = None) -> ComponentCost:
    """Thick-oxide programming drivers of one subarray's columns (module docstring)."""
    n = driver_count(sub)
    if n < 1:
        raise bad("subarray.program_drivers_per_column", "no programming driver to model "
                  "(0 = leave them out of the subarray)",
                  value=sub.program_drivers_per_column, allowed="> 0")
    cal = calib(calibration)
    node, dev = tech.node, tech.device
    v_w = dev.write_voltage_v
    i_prog = program_current_ua(tech)
    w_out = i_prog / node.ion_p_ua_per_um
    w_ls = LS_WIDTH_F * f_um(node)
    # the level_shifter kind's cell (dac.level_shifter): 6 thick-oxide transistors of 4 F
    a_ls = LS_TRANSISTORS * area_f2_um2(node, node.inv_area_f2) / 2.0 * LS_WIDTH_F \
        * LS_THICK_OXIDE_AREA
    e_ls = pj_from_ff_v2(LS_TRANSISTORS * (cgate_ff(node, w_ls) + cdrain_ff(node, w_ls)), v_w)
    a_out = w_out / wmin_um(node) * area_f2_um2(node, node.inv_area_f2) / 2.0 \
        * LS_THICK_OXIDE_AREA
    a_dff = area_f2_um2(node, node.dff_area_f2)
    area = n * (a_ls + a_out + a_dff) * cal.periphery_area_factor
    leak = n * leak_uw(node, 2 * w_ls + w_out)
    c_bl = parasitics(sub, tech).c_bl_ff
    r_out = v_w / (i_prog * A_PER_UA)  # the stage sources I_prog at V_write
    e = n * (e_ls + pj_from_ff_v2(cgate_ff(node, w_out), v_w)
             + node.dff_energy_fj * PJ_PER_FJ)
    t = 3 * fo4_ns(node) + 0.69 * ns_from_ohm_ff(r_out, c_bl)
    return ComponentCost(area_um2=area, leakage_uw=leak,
                         actions={"program_row": ActionCost(e, t)},
                         info={"instances": float(n), "program_current_ua": i_prog,
                               "output_width_um": w_out, "write_voltage_v": v_w})
