"""Row decoders and switch matrices (input-side selection circuits).

* ``row_decoder``: fn(rows, node, *, calibration=None) -> action ``decode``
  (one address decode selecting one of ``rows`` lines).
* ``switch_matrix``: fn(rows, node, *, voltage_v, calibration=None) -> action
  ``switch`` (one cycle: all ``rows`` transmission gates set, each passing
  ``voltage_v``).

The decoder follows the NeuroSim/CACTI structure: 2-4 or 3-8 predecoders
(NAND2/NAND3) whose outputs run along the decoder and feed one NAND2 + driver
per row (CACTI 6.5 tech report, Muralimanohar et al., HPL-2009-85, Sec. 5.1).
"""

from __future__ import annotations

from ppa_sim.components._common import (
    area_f2_um2,
    bad,
    c_inv_in_ff,
    c_inv_out_ff,
    calib,
    cdrain_ff,
    cgate_ff,
    dff_energy_pj,
    fo4_ns,
    leak_uw,
    log2c,
    wmin_um,
)
from ppa_sim.components.registry import register
from ppa_sim.cost import ActionCost, ComponentCost
from ppa_sim.spec.architecture import CalibrationSpec
from ppa_sim.spec.technology import CmosNode
from ppa_sim.units import UM_PER_NM, ns_from_ohm_ff, pj_from_ff_v2

#: Row pitch assumed for the predecoded lines' wire length: one local-wire pitch
#: per row x 2 (a decoder row matches a cell row of at least two wire pitches).
ROW_PITCHES = 2.0


@register("decoder", "row_decoder")
def row_decoder(rows: int, node: CmosNode, *, calibration: CalibrationSpec | None = None
                ) -> ComponentCost:
    """Predecoded row decoder for ``rows`` outputs.

    decode: E = E(address latches) + E(predecoder gates) + one predecoded line
    pair (wire + rows/2^k NAND inputs) + the selected row's NAND2 + driver;
    t = (stages + 2) FO4 + line RC.
    """
    if rows < 2:
        raise bad("rows", "a decoder needs at least 2 outputs", value=rows, allowed=">= 2")
    cal = calib(calibration)
    n = log2c(rows)
    groups = max(1, -(-n // 3))  # 3-to-8 predecoders (last may be 2-to-4)
    group_out = 2 ** min(3, n)
    v = node.vdd_v
    cg_nand = c_inv_in_ff(node) * 4.0 / 3.0  # NAND2 input: logical effort 4/3
    # each predecoded line: wire along the decoder + NAND inputs of the rows it feeds
    wire = node.wires.local
    length_um = rows * ROW_PITCHES * wire.pitch_nm * UM_PER_NM
    fan = rows / group_out
    c_line = wire.c_ff_per_um * length_um + fan * cg_nand
    e_lines = groups * 2 * pj_from_ff_v2(c_line, v) * 0.5  # one line rises, one falls
    e_pre = groups * group_out * 0.5 * pj_from_ff_v2(cg_nand + c_inv_out_ff(node), v) * 0.5
    e_row = pj_from_ff_v2(2 * (cg_nand + c_inv_out_ff(node, 4.0)) + c_inv_in_ff(node, 4.0), v)
    e_addr = n * dff_energy_pj(node)
    e = e_addr + e_pre + e_lines + e_row
    t_line = 0.69 * ns_from_ohm_ff(0.5 * wire.r_ohm_per_um * length_um, c_line)
    t = (log2c(group_out) + 3) * fo4_ns(node) + t_line
    a_nand = area_f2_um2(node, node.nand2_area_f2)
    a_inv = area_f2_um2(node, node.inv_area_f2)
    area = (rows * (a_nand + 4 * a_inv) + groups * group_out * 2 * a_nand
            + n * area_f2_um2(node, node.dff_area_f2)) * cal.periphery_area_factor
    leak = (rows * 3 + groups * group_out * 2) * leak_uw(node, wmin_um(node))
    return ComponentCost(area_um2=area, leakage_uw=leak, actions={"decode": ActionCost(e, t)},
                         info={"address_bits": n, "predecoders": groups, "instances": rows})


#: Transmission gate width for switch matrices: 4 x minimum per device so the
#: on-resistance stays far below a cell's (NeuroSim's SwitchMatrix.cpp sizes
#: its TGs from the cell resistance; 4x is its typical result for 1T1R).
SWITCH_TG_SIZE = 4.0


@register("decoder", "switch_matrix")
def switch_matrix(rows: int, node: CmosNode, *, voltage_v: float,
                  calibration: CalibrationSpec | None = None) -> ComponentCost:
    """Switch matrix: one DFF + one transmission gate per line.

    switch: E = rows [toggle 0.5 (E_dff + C_TG,gate Vdd²) + C_TG,drain V²];
    t = FO4 (DFF) + TG RC.
    """
    if rows < 1:
        raise bad("rows", "must be positive", value=rows, allowed=">= 1")
    if voltage_v <= 0:
        raise bad("voltage_v", "must be positive", value=voltage_v, allowed="> 0")
    cal = calib(calibration)
    w = SWITCH_TG_SIZE * wmin_um(node)
    c_gate = cgate_ff(node, w) * 2  # n and p
    c_drain = cdrain_ff(node, w) * 2
    v = node.vdd_v
    e = rows * (0.5 * (dff_energy_pj(node) + pj_from_ff_v2(c_gate, v))
                + pj_from_ff_v2(c_drain, voltage_v))
    t = 2 * fo4_ns(node)
    a = rows * (area_f2_um2(node, node.dff_area_f2)
                + 2 * SWITCH_TG_SIZE * area_f2_um2(node, node.inv_area_f2) / 2
                ) * cal.periphery_area_factor
    leak = rows * leak_uw(node, 2 * w)
    return ComponentCost(area_um2=a, leakage_uw=leak, actions={"switch": ActionCost(e, t)},
                         info={"instances": rows, "voltage_v": voltage_v,
                               "c_in_ff": c_inv_in_ff(node)})
