"""Column multiplexer in front of the ADCs.

``column_mux``: fn(sub: SubarraySpec, node: CmosNode, *, signal_v=None,
calibration=None) -> action ``switch``: ONE mux selection, i.e. every ADC of
the subarray moves to its next column (cols / columns_per_adc muxes of
columns_per_adc inputs each, sharing one select decoder).

Per mux: one transmission gate per input (NeuroSim's Mux.cpp structure); the
select lines run across all muxes of the subarray.
"""

from __future__ import annotations

from ppa_sim.components._common import (
    area_f2_um2,
    calib,
    cdrain_ff,
    cgate_ff,
    fo4_ns,
    leak_uw,
    log2c,
    r_on_ohm,
    wmin_um,
)
from ppa_sim.components.decoder import row_decoder
from ppa_sim.components.registry import register
from ppa_sim.cost import ActionCost, ComponentCost
from ppa_sim.spec.architecture import CalibrationSpec, SubarraySpec
from ppa_sim.spec.technology import CmosNode
from ppa_sim.units import UM_PER_NM, ns_from_ohm_ff, pj_from_ff_v2

#: Mux transmission-gate width: 4 x minimum (low on-resistance against the
#: column; NeuroSim Mux.cpp sizes its pass gates several times minimum).
MUX_TG_SIZE = 4.0


@register("mux", "column_mux")
def column_mux(sub: SubarraySpec, node: CmosNode, *, signal_v: float | None = None,
               calibration: CalibrationSpec | None = None) -> ComponentCost:
    """All column muxes of one subarray plus their select decoder.

    switch: E = 2 select lines x (muxes C_TG,gate + wire) Vdd² / 2
            + muxes (k C_TG,drain) V_sig² + E_decode;
    t = decode + select-line RC + TG RC into the ADC input.
    ``signal_v`` = column signal swing (default Vdd/2).
    With columns_per_adc = 1 there is no mux: zero area and energy.
    """
    cal = calib(calibration)
    k = sub.adc.columns_per_adc
    muxes = sub.cols // k
    if k == 1 or not sub.column_mux:
        return ComponentCost(area_um2=0.0, leakage_uw=0.0, actions={"switch": ActionCost(0.0, 0.0)},
                             info={"inputs_per_mux": k, "muxes": 0})
    v_sig = 0.5 * node.vdd_v if signal_v is None else signal_v
    w = MUX_TG_SIZE * wmin_um(node)
    c_tg_gate = 2 * cgate_ff(node, w)
    c_tg_drain = 2 * cdrain_ff(node, w)
    wire = node.wires.local
    # select line spans the subarray width: cols x (one cell pitch ~ 2 wire pitches)
    length_um = sub.cols * 2 * wire.pitch_nm * UM_PER_NM
    c_sel = muxes * c_tg_gate + wire.c_ff_per_um * length_um
    dec = row_decoder(max(2, k), node, calibration=cal)
    e = (2 * pj_from_ff_v2(c_sel, node.vdd_v) * 0.5
         + muxes * pj_from_ff_v2(k * c_tg_drain, v_sig) + dec.energy_pj("decode"))
    r_tg = r_on_ohm(node, w)
    t = (dec.latency_ns("decode") + 0.69 * ns_from_ohm_ff(0.5 * wire.r_ohm_per_um * length_um,
                                                          c_sel)
         + 0.69 * ns_from_ohm_ff(r_tg, k * c_tg_drain) + fo4_ns(node))
    a_tg = 2 * MUX_TG_SIZE * area_f2_um2(node, node.inv_area_f2) / 2
    area = (sub.cols * a_tg + dec.area_um2) * cal.periphery_area_factor
    leak = sub.cols * leak_uw(node, w) + dec.leakage_uw
    return ComponentCost(area_um2=area, leakage_uw=leak, actions={"switch": ActionCost(e, t)},
                         info={"inputs_per_mux": k, "muxes": muxes, "select_bits": log2c(k)})
