"""On-chip buffers: SRAM, eDRAM and register files (CACTI-like analytical model).

Signature: fn(spec: BufferSpec, node: CmosNode, *, calibration=None, toggle=0.5)
-> ComponentCost with actions ``read`` and ``write`` (ONE access of
``spec.width_bits`` bits) for the WHOLE buffer (all banks).

Structure after CACTI 6.5 (Muralimanohar, Balasubramonian, Jouppi, HPL-2009-85)
and NeuroSim's SRAM buffer: each bank is a near-square mat of
rows x cols cells, cols = width_bits x column-mux degree; a row decoder, a
word line across the mat, bit lines down it, one sense amp and write driver
per output bit; banks are reached through an H-tree on the intermediate metal.

* read:  decoder + WL (wire + 2 access gates per cell) charged to Vdd
         + every BL of the row swings dV (SRAM: small-swing sensing; eDRAM:
         destructive read, Vdd/2 swing with restore; RF: full swing)
         + sense amps + data out over the H-tree (width_bits wires, toggle);
* write: decoder + WL + width_bits BLs full swing (the others as a read)
         + write drivers + data in over the H-tree;
* latency: decode + WL RC + BL development (C_BL dV / I_cell) + sense + H-tree;
* leakage: cells (SRAM, RF) or refresh power (eDRAM) + periphery.
"""

from __future__ import annotations

import math

from ppa_sim.components._common import (
    area_f2_um2,
    bad,
    buffer_chain_stages,
    c_inv_in_ff,
    c_inv_out_ff,
    calib,
    cdrain_ff,
    cgate_ff,
    dff_energy_pj,
    f_um,
    fo4_ns,
    leak_uw,
    need_fraction,
    r_on_ohm,
    wmin_um,
)
from ppa_sim.components.decoder import row_decoder
from ppa_sim.components.registry import register
from ppa_sim.cost import ActionCost, ComponentCost
from ppa_sim.spec.architecture import BufferSpec, CalibrationSpec
from ppa_sim.spec.technology import CmosNode
from ppa_sim.units import (
    A_PER_UA,
    BITS_PER_BYTE,
    BYTES_PER_KB,
    F_PER_FF,
    NS_PER_S,
    PJ_PER_FJ,
    PJ_PER_J,
    UW_PER_W,
    ns_from_ohm_ff,
    pj_from_ff_v2,
)

#: Read bit-line swing as a fraction of Vdd for small-swing SRAM sensing
#: (CACTI 6.5: ~ 10 % of Vdd, dV ~ 80-100 mV).
SRAM_BL_SWING = 0.1
#: Sense amp: latch of ~ 10 minimum devices (CACTI/NeuroSim SenseAmp.cpp), its
#: switched capacitance ~ 10 minimum gate + junction caps.
SA_CAPS = 10.0
#: Array area efficiency: cells / (cells + decoders, sense amps, drivers, routing).
#: CACTI reports 50-75 % for 32-256 KB SRAMs; periphery is modelled explicitly
#: here, so only routing/spacing overhead of 15 % remains (assumption).
ROUTING_OVERHEAD = 1.15
#: eDRAM (logic-compatible 1T1C/gain cell): cell area 33 F² at 32-45 nm (Barth
#: et al., "A 45 nm SOI embedded DRAM macro for the POWER7 processor 32 MByte
#: on-chip L3 cache", IEEE JSSC 46(1), 2011: 0.067 µm² at 45 nm = 33 F²);
#: retention 40 µs at hot temperature (same family; refresh every 40 µs).
EDRAM_CELL_F2 = 33.0
EDRAM_RETENTION_NS = 40000.0
#: eDRAM word lines are boosted above Vdd so the access transistor passes a full '1':
#: V_PP = 1.5 V for CACTI 6.5's 32-nm LP-DRAM (technology.cc, curr_vpp; the POWER7 eDRAM
#: uses 1.7 V, Barth et al. JSSC 2011). V_PP comes from an on-chip charge pump: an
#: n-stage pump (n = ceil(V_PP / Vdd) - 1 stages above Vdd) draws (n + 1) x the charge it
#: delivers from Vdd at best (ideal Dickson multiplier: J. F. Dickson, "On-chip high-voltage
#: generation in MNOS integrated circuits using an improved voltage multiplier technique",
#: IEEE JSSC 11(3), 1976), so one word-line swing costs C_WL x V_PP x (n + 1) x Vdd.
#: V_PP is held at the 32-nm figure at every node (eDRAM's boosted level is set by the
#: access transistor's threshold, which scales little; POWER7's 45 nm uses 1.7 V).
EDRAM_VPP_V = 1.5
#: Level shifter in front of a boosted (V_PP) word-line driver: a cross-coupled pMOS pair,
#: two nMOS pull-downs and an input inverter (6 transistors = 3 minimum-inverter areas; the
#: same 6-transistor cell as NeuroSim's LevelShifter.cpp, here at minimum width).
LEVEL_SHIFTER_INVERTERS = 3.0
#: Register file: 2-read/1-write ported latch cell ~ 2.5 x a 6T cell
#: (extra ports add two tracks each way; CACTI's multiport area model).
RF_CELL_RATIO = 2.5


def _org(bits_bank: float, width: int) -> tuple[int, int, int]:
    """(rows, cols, column-mux degree) of a near-square mat holding ``bits_bank``."""
    target = math.sqrt(bits_bank)
    mux = 1
    while width * mux * 2 <= target and bits_bank / (width * mux * 2) >= 8:
        mux *= 2
    cols = width * mux
    rows = max(1, math.ceil(bits_bank / cols))
    return rows, cols, mux


def buffer_cost(spec: BufferSpec, node: CmosNode, *, cell_kind: str,
                calibration: CalibrationSpec | None = None, toggle: float = 0.5) -> ComponentCost:
    need_fraction("toggle", toggle)
    cal = calib(calibration)
    capacity_bits = spec.capacity_kb * BYTES_PER_KB * BITS_PER_BYTE
    if capacity_bits < spec.width_bits * spec.banks:
        raise bad("buffer.capacity_kb", "capacity is smaller than one access per bank",
                  value=spec.capacity_kb,
                  allowed=f">= {spec.width_bits * spec.banks / BITS_PER_BYTE / BYTES_PER_KB:g}")
    bits_bank = capacity_bits / spec.banks
    rows, cols, mux = _org(bits_bank, spec.width_bits)
    v = node.vdd_v
    wmin = wmin_um(node)
    if cell_kind == "sram":
        cell_f2, swing, access_w = node.sram_cell_area_f2, SRAM_BL_SWING * v, wmin
    elif cell_kind == "edram":
        cell_f2, swing, access_w = EDRAM_CELL_F2, 0.5 * v, wmin
    else:  # register file: full-swing single-ended read bit lines
        cell_f2, swing, access_w = node.sram_cell_area_f2 * RF_CELL_RATIO, v, 2 * wmin
    if spec.cell_area_f2 is not None:
        cell_f2 = spec.cell_area_f2
    cell_side = math.sqrt(area_f2_um2(node, cell_f2))
    mat_w = cols * cell_side
    mat_h = rows * cell_side
    wire = node.wires.local
    c_wl = wire.c_ff_per_um * mat_w + cols * 2 * cgate_ff(node, access_w)
    c_bl = wire.c_ff_per_um * mat_h + rows * cdrain_ff(node, access_w)
    dec = row_decoder(max(2, rows), node, calibration=cal)

    # periphery per bank: sense amp + write driver + precharge per output bit / column
    a_inv = area_f2_um2(node, node.inv_area_f2)
    a_sa = SA_CAPS / 2 * a_inv / 2
    if spec.wl_drivers == "sized":
        # one FO4-tapered chain per row sized to the WL load (CACTI's logical-effort driver
        # sizing), a cross-coupled level shifter in front of it when the WL is boosted
        _, wl_chain = buffer_chain_stages(c_wl, c_inv_in_ff(node))
        boosted = cell_kind == "edram" and EDRAM_VPP_V > v
        a_wl_row = wl_chain * a_inv + (LEVEL_SHIFTER_INVERTERS * a_inv if boosted else 0.0)
    else:
        a_wl_row = 2 * a_inv
    # a DRAM read is destructive: every bit line of the open row has its own sense amp to
    # restore it (CACTI 6.5 parameter.cc: no sense-amp muxing for DRAM); SRAM/RF: one per bit out
    n_sa = cols if cell_kind == "edram" else spec.width_bits
    a_bank_peri = (n_sa * a_sa + spec.width_bits * 4 * a_inv  # sense amps + write drivers
                   + cols * 1.5 * a_inv                  # precharge/equalise + mux TG
                   + dec.area_um2 + rows * a_wl_row)     # decoder + WL drivers
    a_bank = (rows * cols * cell_side ** 2 + a_bank_peri) * ROUTING_OVERHEAD
    area = spec.banks * a_bank * cal.periphery_area_factor

    # H-tree between banks on the intermediate level: root to the average bank
    inter = node.wires.intermediate
    side = math.sqrt(area)
    htree_um = 0.5 * side if spec.banks > 1 else 0.25 * side
    c_h = inter.c_ff_per_um * htree_um
    e_bus = spec.width_bits * toggle * pj_from_ff_v2(c_h + c_inv_in_ff(node, 4.0), v)
    t_bus = 0.38 * ns_from_ohm_ff(inter.r_ohm_per_um * htree_um, c_h) + 2 * fo4_ns(node)

    # --- energies
    e_dec = dec.energy_pj("decode")
    e_wl = pj_from_ff_v2(c_wl, v)
    c_sa = SA_CAPS * (cgate_ff(node, wmin) + cdrain_ff(node, wmin))
    e_sa = n_sa * pj_from_ff_v2(c_sa, v)
    # every column of the open row swings: C dV charge taken from Vdd
    e_bl_read = cols * c_bl * swing * v * PJ_PER_FJ
    # WL driver chain (FO4-tapered, internal nodes) and precharge devices
    # (3 per column: two pull-ups + equaliser, gates switched every access)
    _, chain = buffer_chain_stages(c_wl, c_inv_in_ff(node))
    if cell_kind == "edram" and EDRAM_VPP_V > v:
        # boosted word line through the charge pump (see EDRAM_VPP_V)
        pump_ratio = math.ceil(EDRAM_VPP_V / v)
        e_wl = c_wl * EDRAM_VPP_V * pump_ratio * v * PJ_PER_FJ
    e_wl += pj_from_ff_v2(chain * (c_inv_in_ff(node) + c_inv_out_ff(node)), v)
    e_pre = pj_from_ff_v2(cols * 3 * cgate_ff(node, 2 * wmin), v)
    e_read = e_dec + e_wl + e_pre + e_bl_read + e_sa + e_bus
    e_bl_write = (spec.width_bits * pj_from_ff_v2(c_bl, v)
                  + (cols - spec.width_bits) * c_bl * swing * v * PJ_PER_FJ)
    e_wd = spec.width_bits * pj_from_ff_v2(c_inv_in_ff(node, 4.0) + c_inv_out_ff(node, 4.0), v)
    e_write = e_dec + e_wl + e_pre + e_bl_write + e_wd + e_bus
    if cell_kind == "register_file":
        e_read += spec.width_bits * dff_energy_pj(node) * 0.5  # output latch
        e_write += spec.width_bits * dff_energy_pj(node) * 0.5

    # --- latency
    i_cell_a = node.ion_n_ua_per_um * access_w * A_PER_UA * 0.5  # two devices in series
    t_bl = swing * c_bl * F_PER_FF / i_cell_a * NS_PER_S
    t_wl = 0.38 * ns_from_ohm_ff(wire.r_ohm_per_um * mat_w, c_wl)
    t_core = dec.latency_ns("decode") + t_wl + t_bl + 2 * fo4_ns(node)
    t_read = t_core + t_bus
    t_bl_w = ns_from_ohm_ff(wire.r_ohm_per_um * mat_h + r_on_ohm(node, 4 * wmin), c_bl)
    t_write = dec.latency_ns("decode") + t_wl + t_bl_w + t_bus

    # --- leakage / refresh
    peri_leak = spec.banks * (dec.leakage_uw + spec.width_bits * leak_uw(node, 8 * wmin))
    refresh_uw = 0.0
    if cell_kind == "edram":
        # every row of every bank is read and restored once per retention time
        e_row = e_wl + cols * c_bl * swing * v * PJ_PER_FJ + e_sa
        refresh_uw = spec.banks * rows * e_row / PJ_PER_J / (EDRAM_RETENTION_NS / NS_PER_S) \
            * UW_PER_W
        cell_leak = 0.0
    else:
        cell_leak = capacity_bits * leak_uw(node, 2 * wmin)
    leak = cell_leak + peri_leak + refresh_uw
    return ComponentCost(
        area_um2=area, leakage_uw=leak,
        actions={"read": ActionCost(e_read, t_read), "write": ActionCost(e_write, t_write)},
        info={"bank_rows": rows, "bank_cols": cols, "column_mux": mux, "banks": spec.banks,
              "energy_per_bit_read_pj": e_read / spec.width_bits,
              "energy_per_bit_write_pj": e_write / spec.width_bits,
              "refresh_uw": refresh_uw, "cell_area_f2": cell_f2,
              "feature_um": f_um(node)},
    )


@register("buffer", "sram")
def sram_buffer(spec: BufferSpec, node: CmosNode, *, calibration: CalibrationSpec | None = None,
                toggle: float = 0.5) -> ComponentCost:
    """6T SRAM buffer (small-swing read, full-swing write)."""
    return buffer_cost(spec, node, cell_kind="sram", calibration=calibration, toggle=toggle)


@register("buffer", "edram")
def edram_buffer(spec: BufferSpec, node: CmosNode, *, calibration: CalibrationSpec | None = None,
                 toggle: float = 0.5) -> ComponentCost:
    """Embedded DRAM buffer (destructive read with restore, refresh power as leakage)."""
    return buffer_cost(spec, node, cell_kind="edram", calibration=calibration, toggle=toggle)


@register("buffer", "register_file")
def register_file(spec: BufferSpec, node: CmosNode, *,
                  calibration: CalibrationSpec | None = None, toggle: float = 0.5
                  ) -> ComponentCost:
    """Multi-ported register file (full-swing single-ended bit lines, latched outputs)."""
    return buffer_cost(spec, node, cell_kind="register_file", calibration=calibration,
                       toggle=toggle)
