"""Interconnect: H-tree, shared bus, and mesh network-on-chip.

Signature: fn(spec: InterconnectSpec, node: CmosNode, *, endpoints: int,
span_um: float, level=None, calibration=None, toggle=0.5).

Wires are repeated (buffered) lines on the node's intermediate or global
metal (``level``: None picks global for spans >= 1 mm, intermediate below).
Per µm of one bit's wire (Bakoglu's optimal repeater insertion, H. B.
Bakoglu, *Circuits, Interconnections, and Packaging for VLSI*, 1990, ch. 5;
Ho, Mai, Horowitz, "The future of wires", Proc. IEEE 89(4), 2001):

* repeater spacing  l = sqrt(2 R0 C0 / (r c)),  size  k = sqrt(R0 c / (r C0)),
  with R0, C0 the on-resistance and input capacitance of a minimum inverter;
* delay per µm      t/L = 2 sqrt(R0 C0 r c) (1 + sqrt(0.5)) (~ 0.69 Elmore);
* energy per µm     e/L = toggle (c + 2 k C0 / l) Vdd²  (wire plus repeater
  gates and drains; repeaters sized at 0.5 k for energy, the usual power-
  aware compromise costing ~10 % delay, Banerjee & Mehrotra, IEEE TED 2002).

Topologies:

* ``htree``: ``transfer`` = root to one leaf: length sum over the log2(N)
  levels of halving segments (S/4, S/4, S/8, S/8, ...), ~S/2 for many leaves;
  total wire = sum of 2^i segments (area of repeaters);
* ``bus``: a shared line spanning S, every transfer charges the whole line
  plus one tap driver per endpoint;
* ``mesh``: sqrt(N) x sqrt(N) routers, link length S / sqrt(N); ``hop`` = one
  router traversal (input buffer write + read, crossbar, arbitration) plus one
  link; ``transfer`` = average hops of uniform traffic, 2 (k² - 1) / (3k) + 1.
"""

from __future__ import annotations

import math

from ppa_sim.components._common import (
    area_f2_um2,
    bad,
    c_inv_in_ff,
    c_inv_out_ff,
    calib,
    dff_energy_pj,
    fo4_ns,
    leak_uw,
    need_fraction,
    r_on_ohm,
    wire_level,
    wmin_um,
)
from ppa_sim.components.registry import register
from ppa_sim.cost import ActionCost, ComponentCost
from ppa_sim.spec.architecture import CalibrationSpec, InterconnectSpec
from ppa_sim.spec.technology import CmosNode
from ppa_sim.units import UM_PER_MM, UM_PER_NM, ns_from_ohm_ff, pj_from_ff_v2

#: Spans from 1 mm up run on the global level (chip-scale), shorter ones on
#: the intermediate level (inside tiles/PEs) -- CACTI/NeuroSim practice.
GLOBAL_SPAN_UM = 1000.0
#: Energy-aware repeater size as a fraction of the delay-optimal size
#: (Banerjee & Mehrotra, "A power-optimal repeater insertion methodology for
#: global interconnects in nanometer designs", IEEE TED 49(11), 2002).
REPEATER_SIZE_FRACTION = 0.5
#: Router (mesh): input-buffer depth in flits per port and ports (4 neighbours
#: + local), the common 5-port wormhole router of Orion 2.0 (Kahng et al.,
#: DATE 2009) and of ISAAC's concentrated mesh.
ROUTER_PORTS = 5
ROUTER_BUFFER_FLITS = 4
#: Router pipeline: 3 stages (buffer write/route, VC+switch allocation,
#: crossbar) of 20 FO4 each, ~ a 1 GHz router at 45 nm (Orion 2.0 practice).
ROUTER_STAGES = 3
ROUTER_STAGE_FO4 = 20.0


class _Wire:
    """Per-µm figures of a repeated wire for one bit."""

    def __init__(self, node: CmosNode, level: str, toggle: float, wire_factor: float) -> None:
        w = wire_level(node, level)
        self.pitch_um = w.pitch_nm * UM_PER_NM
        r0 = r_on_ohm(node, wmin_um(node))
        c0 = c_inv_in_ff(node)
        rc_per_um2 = w.r_ohm_per_um * w.c_ff_per_um
        self.spacing_um = math.sqrt(2.0 * r0 * c0 / rc_per_um2)
        k_opt = math.sqrt(r0 * w.c_ff_per_um / (w.r_ohm_per_um * c0))
        self.size = max(1.0, REPEATER_SIZE_FRACTION * k_opt)
        c_rep_per_um = self.size * (c0 + c_inv_out_ff(node)) / self.spacing_um
        self.e_pj_per_um = toggle * pj_from_ff_v2(w.c_ff_per_um + c_rep_per_um,
                                                   node.vdd_v) * wire_factor
        # delay of the energy-sized repeated line (2 sqrt(R0C0 rc) x (1 + sqrt .5)) / size penalty
        t_opt = 2.0 * math.sqrt(ns_from_ohm_ff(r0, c0) * ns_from_ohm_ff(w.r_ohm_per_um,
                                                                          w.c_ff_per_um))
        self.t_ns_per_um = t_opt * (1.0 + math.sqrt(0.5)) * 0.69 * 1.1
        self.r_ohm_per_um = w.r_ohm_per_um
        self.c_ff_per_um = w.c_ff_per_um
        self.rep_area_um2 = self.size * area_f2_um2(node, node.inv_area_f2)
        self.rep_leak_uw = leak_uw(node, self.size * wmin_um(node) * 1.5)

    def delay_ns(self, length_um: float) -> float:
        """Repeated-line delay, or the unrepeated distributed RC if shorter."""
        unrep = 0.38 * ns_from_ohm_ff(self.r_ohm_per_um * length_um, self.c_ff_per_um * length_um)
        return min(unrep, self.t_ns_per_um * length_um) if length_um > 0 else 0.0

    def repeaters(self, length_um: float) -> float:
        return length_um / self.spacing_um


def _common(spec: InterconnectSpec, endpoints: int, span_um: float, toggle: float,
            level: str | None) -> str:
    if not isinstance(endpoints, int) or endpoints < 1:
        raise bad("endpoints", "must be a positive integer", value=endpoints, allowed=">= 1")
    if not span_um > 0:
        raise bad("span_um", "must be positive", value=span_um, allowed="> 0")
    need_fraction("toggle", toggle)
    if level is None:
        return "global" if span_um >= GLOBAL_SPAN_UM else "intermediate"
    if level not in ("local", "intermediate", "global"):
        raise bad("level", "unknown wire level", value=level,
                  allowed="local, intermediate, global")
    return level


def _result(spec: InterconnectSpec, wire: _Wire, e_pj: float, t_ns: float, total_wire_um: float,
            path_um: float, extra_area: float, extra_leak: float, cal: CalibrationSpec,
            actions: dict[str, ActionCost] | None = None, **info: float) -> ComponentCost:
    n_rep = spec.width_bits * wire.repeaters(total_wire_um)
    area = (n_rep * wire.rep_area_um2 + extra_area) * cal.periphery_area_factor
    leak = n_rep * wire.rep_leak_uw + extra_leak
    acts = {"transfer": ActionCost(e_pj, t_ns)}
    if actions:
        acts.update(actions)
    per_bit_mm = wire.e_pj_per_um * UM_PER_MM
    return ComponentCost(area_um2=area, leakage_uw=leak, actions=acts,
                         info={"avg_distance_um": path_um, "wire_length_um": total_wire_um,
                               "energy_per_bit_mm_pj": per_bit_mm,
                               "repeater_spacing_um": wire.spacing_um, **info})


@register("interconnect", "htree")
def htree(spec: InterconnectSpec, node: CmosNode, *, endpoints: int, span_um: float,
          level: str | None = None, calibration: CalibrationSpec | None = None,
          toggle: float = 0.5) -> ComponentCost:
    """H-tree from a root at the centre to ``endpoints`` leaves over a square of side ``span_um``."""
    lvl = _common(spec, endpoints, span_um, toggle, level)
    cal = calib(calibration)
    wire = _Wire(node, lvl, toggle, cal.wire_energy_factor)
    levels = max(1, (endpoints - 1).bit_length())
    path = 0.0
    total = 0.0
    for i in range(levels):
        seg = span_um / 2 ** (i // 2 + 2)
        path += seg
        total += 2 ** (i + 1) * seg  # 2^(i+1) branches of length seg at level i
    e = spec.width_bits * wire.e_pj_per_um * path
    t = wire.delay_ns(path) + levels * fo4_ns(node)
    return _result(spec, wire, e, t, total, path, 0.0, 0.0, cal, levels=levels)


@register("interconnect", "bus")
def bus(spec: InterconnectSpec, node: CmosNode, *, endpoints: int, span_um: float,
        level: str | None = None, calibration: CalibrationSpec | None = None,
        toggle: float = 0.5) -> ComponentCost:
    """Shared bus of length ``span_um`` with a tri-state tap per endpoint; a
    transfer charges the whole line (every tap's load) once per bit."""
    lvl = _common(spec, endpoints, span_um, toggle, level)
    cal = calib(calibration)
    wire = _Wire(node, lvl, toggle, cal.wire_energy_factor)
    c_tap = endpoints * (c_inv_in_ff(node, 2.0) + c_inv_out_ff(node, 4.0))
    e = spec.width_bits * (wire.e_pj_per_um * span_um
                           + toggle * pj_from_ff_v2(c_tap, node.vdd_v) * cal.wire_energy_factor)
    t = wire.delay_ns(span_um) + 2 * fo4_ns(node)
    a_tap = endpoints * spec.width_bits * 6.0 * area_f2_um2(node, node.inv_area_f2)
    leak = endpoints * spec.width_bits * leak_uw(node, 6 * wmin_um(node))
    return _result(spec, wire, e, t, span_um, 0.5 * span_um, a_tap, leak, cal)


@register("interconnect", "mesh")
def mesh(spec: InterconnectSpec, node: CmosNode, *, endpoints: int, span_um: float,
         level: str | None = None, calibration: CalibrationSpec | None = None,
         toggle: float = 0.5) -> ComponentCost:
    """2-D mesh NoC: one 5-port router per endpoint, links of span/sqrt(N)."""
    lvl = _common(spec, endpoints, span_um, toggle, level)
    cal = calib(calibration)
    wire = _Wire(node, lvl, toggle, cal.wire_energy_factor)
    k = max(1, math.ceil(math.sqrt(endpoints)))
    link_um = span_um / k
    w = spec.width_bits
    # router: buffer write + read (DFF array), crossbar (width x ports wires of
    # ports x width pitches), allocators (~ports² gates)
    e_buf = w * 2 * dff_energy_pj(node) * (0.5 + toggle)
    # the crossbar is routed on the intermediate level whatever the links use
    xbar_pitch_um = node.wires.intermediate.pitch_nm * UM_PER_NM
    xbar_c = node.wires.intermediate.c_ff_per_um
    xbar_side_um = ROUTER_PORTS * w * xbar_pitch_um
    e_xbar = w * toggle * pj_from_ff_v2(2 * xbar_side_um * xbar_c
                                        + ROUTER_PORTS * c_inv_out_ff(node, 2.0), node.vdd_v)
    e_alloc = ROUTER_PORTS ** 2 * 4 * pj_from_ff_v2(c_inv_in_ff(node) + c_inv_out_ff(node),
                                                    node.vdd_v) * 0.5
    e_router = e_buf + e_xbar + e_alloc
    e_link = w * wire.e_pj_per_um * link_um
    t_router = ROUTER_STAGES * ROUTER_STAGE_FO4 * fo4_ns(node)
    t_link = wire.delay_ns(link_um)
    hops = 2.0 * (k * k - 1) / (3.0 * k) + 1.0
    e_hop = e_router + e_link
    t_hop = t_router + t_link
    a_router = (ROUTER_PORTS * ROUTER_BUFFER_FLITS * w * area_f2_um2(node, node.dff_area_f2)
                + xbar_side_um ** 2
                + ROUTER_PORTS ** 2 * 20 * area_f2_um2(node, node.nand2_area_f2))
    n_routers = endpoints
    leak_router = ROUTER_PORTS * ROUTER_BUFFER_FLITS * w * leak_uw(node, 12 * wmin_um(node))
    total_links = 2 * k * (k - 1) * link_um
    return _result(spec, wire, hops * e_hop, hops * t_hop, total_links, hops * link_um,
                   n_routers * a_router, n_routers * leak_router, cal,
                   actions={"hop": ActionCost(e_hop, t_hop)}, avg_hops=hops,
                   router_area_um2=a_router, router_energy_pj=e_router)


