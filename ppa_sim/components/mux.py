"""Column multiplexer in front of the ADCs (kinds ``column_mux``, ``sample_hold``).

``column_mux``: fn(sub: SubarraySpec, node: CmosNode, *, signal_v=None,
calibration=None) -> action ``switch``: ONE mux selection, i.e. every ADC of
the subarray moves to its next column (cols / columns_per_adc muxes of
columns_per_adc inputs each, sharing one select decoder).

Per mux: one transmission gate per input (NeuroSim's Mux.cpp structure); the
select lines run across all muxes of the subarray.

``sample_hold`` (ISAAC, Shafiee et al., ISCA 2016: each crossbar column's output is
captured in a sample-and-hold circuit and the shared ADC then walks the 128 held
values): per column a sampling switch and a hold capacitor, then a minimum-size
transmission-gate analog mux into the ADC (the held voltage, not the column current,
flows through it, so it needs no low on-resistance). Same signature and action.
"""

from __future__ import annotations

import math

from ppa_sim.components._common import (
    area_f2_um2,
    bad,
    calib,
    cdrain_ff,
    cgate_ff,
    check_param_names,
    f_um,
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
from ppa_sim.units import F_PER_FF, UM_PER_NM, ns_from_ohm_ff, pj_from_ff_v2

#: Mux transmission-gate width: 4 x minimum (low on-resistance against the
#: column; NeuroSim Mux.cpp sizes its pass gates several times minimum).
MUX_TG_SIZE = 4.0


def _select_network(sub: SubarraySpec, node: CmosNode, muxes: int, w_tg_um: float,
                    cal: CalibrationSpec) -> tuple[float, float, ComponentCost]:
    """The k-input muxes' select side: (C of one select line in fF, its length in µm, the
    select decoder). Each of the two complementary select lines crosses the subarray
    (cols x one cell pitch ~ 2 local wire pitches) and loads ``muxes`` transmission-gate
    gates of width ``w_tg_um``."""
    wire = node.wires.local
    length_um = sub.cols * 2 * wire.pitch_nm * UM_PER_NM
    c_sel = muxes * 2 * cgate_ff(node, w_tg_um) + wire.c_ff_per_um * length_um
    dec = row_decoder(max(2, sub.adc.columns_per_adc), node, calibration=cal)
    return c_sel, length_um, dec


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
    check_param_names("subarray.mux_params", "a column_mux", sub.mux_params, ())
    k = sub.adc.columns_per_adc
    muxes = sub.cols // k
    if k == 1 or not sub.column_mux:
        return ComponentCost(area_um2=0.0, leakage_uw=0.0, actions={"switch": ActionCost(0.0, 0.0)},
                             info={"inputs_per_mux": k, "muxes": 0})
    v_sig = 0.5 * node.vdd_v if signal_v is None else signal_v
    w = MUX_TG_SIZE * wmin_um(node)
    c_tg_drain = 2 * cdrain_ff(node, w)
    wire = node.wires.local
    c_sel, length_um, dec = _select_network(sub, node, muxes, w, cal)
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


#: Boltzmann constant x 300 K (J): the thermal (kT/C) noise of a sampled capacitor.
KT_300K_J = 1.380649e-23 * 300.0


def hold_cap_ff(bits: int, signal_v: float) -> float:
    """Smallest hold capacitor (fF) whose kT/C noise stays below half an LSB of a
    ``bits``-bit read-out of a ``signal_v`` swing: C = kT / (V / 2^(bits+1))²
    (the usual sampling-capacitor bound, e.g. Razavi, *Design of Analog CMOS Integrated
    Circuits*, 2nd ed., Sec. 13.1 on sampling noise)."""
    half_lsb = signal_v / 2 ** (bits + 1)
    return KT_300K_J / half_lsb ** 2 / F_PER_FF


@register("mux", "sample_hold")
def sample_hold_mux(sub: SubarraySpec, node: CmosNode, *, signal_v: float | None = None,
                    calibration: CalibrationSpec | None = None) -> ComponentCost:
    """Sample-and-hold per column + analog mux (ISAAC's read-out) of one subarray.

    Per column: a minimum nMOS sampling switch, a MOS hold capacitor C_h (default
    :func:`hold_cap_ff` at the ADC's bits; area C_h / (C_gate per µm / F), the gate-oxide
    density) and a minimum transmission gate into the ADC; one select decoder for the
    k-input muxes, shared by ``select_shared_by`` subarrays that convert in lockstep.
    switch (one mux step, cols/k columns): E = muxes [C_h V_sig² + C_sw,gate Vdd²] (each
    column samples once per read: k steps) + 2 select lines (muxes C_TG,gate + wire)
    Vdd²/2 + muxes C_TG,drain k V_sig² + E_decode / shared;
    t = decode + select RC + 0.69 R_TG (C_h + k C_TG,drain) + FO4.
    params: ``hold_cap_ff`` (kT/C bound), ``select_shared_by`` (1).
    """
    cal = calib(calibration)
    allowed = {"hold_cap_ff": 0.0, "select_shared_by": 1.0}
    check_param_names("subarray.mux_params", "a sample_hold read-out", sub.mux_params,
                      allowed)
    prm = {**allowed, **sub.mux_params}
    shared = prm["select_shared_by"]
    if shared < 1 or shared != int(shared):
        raise bad("subarray.mux_params.select_shared_by", "subarrays sharing one select "
                  "decoder: a whole number", value=shared, allowed=">= 1")
    if prm["hold_cap_ff"] < 0:
        raise bad("subarray.mux_params.hold_cap_ff", "hold capacitor in fF (0: the kT/C "
                  "bound at the ADC's bits)", value=prm["hold_cap_ff"], allowed=">= 0")
    k = sub.adc.columns_per_adc
    muxes = sub.cols // k
    if k == 1 or not sub.column_mux:
        return ComponentCost(area_um2=0.0, leakage_uw=0.0, actions={"switch": ActionCost(0.0, 0.0)},
                             info={"inputs_per_mux": k, "muxes": 0})
    v = node.vdd_v
    v_sig = 0.5 * v if signal_v is None else signal_v
    c_h = prm["hold_cap_ff"] or hold_cap_ff(sub.adc.bits, v_sig)
    w = wmin_um(node)
    c_sw_gate = cgate_ff(node, w)
    c_tg_drain = 2 * cdrain_ff(node, w)
    wire = node.wires.local
    c_sel, length_um, dec = _select_network(sub, node, muxes, w, cal)
    e = (muxes * (pj_from_ff_v2(c_h, v_sig) + pj_from_ff_v2(c_sw_gate, v))
         + 2 * pj_from_ff_v2(c_sel, v) * 0.5
         + muxes * pj_from_ff_v2(k * c_tg_drain, v_sig) + dec.energy_pj("decode") / shared)
    r_tg = r_on_ohm(node, w)
    t = (dec.latency_ns("decode") + 0.69 * ns_from_ohm_ff(0.5 * wire.r_ohm_per_um * length_um,
                                                          c_sel)
         + 0.69 * ns_from_ohm_ff(r_tg, c_h + k * c_tg_drain) + fo4_ns(node))
    a_t = area_f2_um2(node, node.inv_area_f2) / 2  # one minimum transistor
    a_cap = c_h / (node.cgate_ff_per_um / f_um(node))  # µm² of gate oxide
    a_col = a_t + a_cap + 2 * a_t
    area = (sub.cols * a_col + dec.area_um2 / shared) * cal.periphery_area_factor
    leak = sub.cols * leak_uw(node, 3 * w) + dec.leakage_uw / shared
    return ComponentCost(area_um2=area, leakage_uw=leak, actions={"switch": ActionCost(e, t)},
                         info={"inputs_per_mux": k, "muxes": muxes, "select_bits": log2c(k),
                               "hold_cap_ff": c_h, "select_shared_by": shared,
                               "hold_cap_area_um2": a_cap, "sqrt_ktc_mv":
                               math.sqrt(KT_300K_J / (c_h * F_PER_FF)) * 1e3})
