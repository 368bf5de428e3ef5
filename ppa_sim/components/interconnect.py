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
  With ``spec.router == "vc"`` the routers are ORION 2.0-style input-buffered
  virtual-channel routers (:func:`vc_router`), optionally shared by
  ``params.concentration`` endpoints each (a concentrated mesh); ``spec.params``
  holds their knobs (``VC_ROUTER_DEFAULTS``). Other kinds take no router knobs.
"""

from __future__ import annotations

import math

from ppa_sim.components._common import (
    area_f2_um2,
    bad,
    c_inv_in_ff,
    c_inv_out_ff,
    calib,
    cdrain_ff,
    cgate_ff,
    check_param_names,
    dff_energy_pj,
    f_um,
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
    _no_router_params(spec)
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
    _no_router_params(spec)
    cal = calib(calibration)
    wire = _Wire(node, lvl, toggle, cal.wire_energy_factor)
    c_tap = endpoints * (c_inv_in_ff(node, 2.0) + c_inv_out_ff(node, 4.0))
    e = spec.width_bits * (wire.e_pj_per_um * span_um
                           + toggle * pj_from_ff_v2(c_tap, node.vdd_v) * cal.wire_energy_factor)
    t = wire.delay_ns(span_um) + 2 * fo4_ns(node)
    a_tap = endpoints * spec.width_bits * 6.0 * area_f2_um2(node, node.inv_area_f2)
    leak = endpoints * spec.width_bits * leak_uw(node, 6 * wmin_um(node))
    return _result(spec, wire, e, t, span_um, 0.5 * span_um, a_tap, leak, cal)


#: ORION 2.0 router model (A. B. Kahng, B. Li, L.-S. Peh, K. Samadi, "ORION 2.0: A fast and
#: accurate NoC power and area model for early-stage design space exploration", DATE 2009;
#: release 2.0 SIM_technology_v2.h): its 32-nm NVT layout figures, expressed in multiples
#: of F = 32 nm so they scale with the node. 32-nm values = the release's 65-nm figures x
#: its 32-nm scale factors (SCALE_H 0.77, SCALE_W 0.26, SCALE_BW 0.53, SCALE_Crs 0.49,
#: SCALE_T 0.6352 for NVT gates).
ORION_F_UM = 0.032
#: FIFO (register-file) cell: height 2.1 µm x 0.77, width 1.4 µm x 0.26; word/bit-line
#: spacing 0.8 µm x 0.53 (one per port and side).
ORION_REG_CELL_H_F = 2.1 * 0.77 / ORION_F_UM
ORION_REG_CELL_W_F = 1.4 * 0.26 / ORION_F_UM
ORION_LINE_SPACING_F = 0.8 * 0.53 / ORION_F_UM
#: Matrix-crossbar track (crosspoint cell side): 2.06 µm x 0.49.
ORION_XBAR_TRACK_F = 2.06 * 0.49 / ORION_F_UM
#: Gate areas (µm² at 65 nm x SCALE_T 0.6352), in F²: NOR2 2.52, INV 1.44, DFF 8.28,
#: 2/3/4-input mux 6.12 / 9.36 / 12.6.
_ORION_T = 0.6352095
ORION_NOR_F2 = 2.52 * _ORION_T / ORION_F_UM ** 2
ORION_INV_F2 = 1.44 * _ORION_T / ORION_F_UM ** 2
ORION_DFF_F2 = 8.28 * _ORION_T / ORION_F_UM ** 2
ORION_MUX_F2 = {2: 6.12 * _ORION_T / ORION_F_UM ** 2, 3: 9.36 * _ORION_T / ORION_F_UM ** 2,
                4: 12.6 * _ORION_T / ORION_F_UM ** 2}
#: Arbiter placement spacing (ORION 2.0 router area model: +30 % per arbiter) and the mux
#: tree's wiring overhead (1.5 x the muxes' area).
ORION_ARBITER_SPACING = 1.3
ORION_MUX_TREE_OVERHEAD = 1.5
#: ``router: vc`` knobs and their defaults: ORION 2.0's shipped router configuration
#: (SIM_port.h: in_buf_set 4 flits per virtual channel, 1 virtual channel, SRAM FIFOs with
#: one read and one write port, MULTREE_CROSSBAR of degree-4 muxes, round-robin arbiters,
#: 3 pipeline stages). ``router_ports`` defaults to 4 neighbours + ``concentration`` local
#: ports; ``mux_degree`` 0 selects ORION's matrix crossbar.
VC_ROUTER_DEFAULTS: dict[str, float] = {"concentration": 1.0, "router_ports": 0.0,
                                        "virtual_channels": 1.0, "buffer_flits": 4.0,
                                        "mux_degree": 4.0, "pipeline_stages": 3.0}


def _no_router_params(spec: InterconnectSpec) -> None:
    if spec.kind == "mesh" and spec.params:  # a compact-router mesh
        raise bad("interconnect.params", "params size a 'router: vc' mesh router; the "
                  "compact router takes none", value=dict(spec.params),
                  allowed="router: vc with params, or no params")
    if spec.router != "compact":
        raise bad("interconnect.router", f"a {spec.kind} interconnect has no routers",
                  value=spec.router, allowed="compact (only a mesh takes router: vc)")
    if spec.params:
        raise bad("interconnect.params", f"a {spec.kind} interconnect has no router knobs",
                  value=dict(spec.params), allowed="no params (only a 'router: vc' mesh)")


def _vc_params(spec: InterconnectSpec) -> dict[str, int]:
    check_param_names("interconnect.params", "a vc mesh router", spec.params,
                      VC_ROUTER_DEFAULTS)
    p = {**VC_ROUTER_DEFAULTS, **spec.params}
    out: dict[str, int] = {}
    for k, v in p.items():
        if v != int(v) or v < (0 if k in ("router_ports", "mux_degree") else 1):
            raise bad(f"interconnect.params.{k}", "must be a positive whole number", value=v,
                      allowed=">= 1" if k not in ("router_ports", "mux_degree") else ">= 0")
        out[k] = int(v)
    if out["router_ports"] == 0:
        out["router_ports"] = 4 + out["concentration"]
    if out["router_ports"] < out["concentration"] + 1:
        raise bad("interconnect.params.router_ports", "fewer ports than local endpoints + 1",
                  value=out["router_ports"], allowed=f">= {out['concentration'] + 1}")
    if out["mux_degree"] not in (0, 2, 3, 4):
        raise bad("interconnect.params.mux_degree", "ORION crossbar mux degree",
                  value=out["mux_degree"], allowed="0 (matrix crossbar), 2, 3, 4")
    if out["pipeline_stages"] < 2:
        raise bad("interconnect.params.pipeline_stages", "a router needs >= 2 stages",
                  value=out["pipeline_stages"], allowed=">= 2")
    return out


def _rr_arbiter_f2(req: int) -> float:
    """Round-robin arbiter of ``req`` requesters (ORION 2.0: 6 NOR + 2 INV + 1 DFF per
    requester, +30 % spacing), F²."""
    return (6 * req * ORION_NOR_F2 + 2 * req * ORION_INV_F2 + req * ORION_DFF_F2) \
        * ORION_ARBITER_SPACING


def vc_router(w: int, node: CmosNode, p: dict[str, int], toggle: float) -> dict[str, float]:
    """Input-buffered virtual-channel router after ORION 2.0: area (µm²), energy of one
    flit's traversal (pJ), clock energy per cycle (pJ), leakage (µW)."""
    ports, vcs, depth = p["router_ports"], p["virtual_channels"], p["buffer_flits"]
    deg = p["mux_degree"]
    fu = f_um(node)
    v = node.vdd_v
    # --- area: SRAM FIFOs (1R + 1W port), crossbar, switch + VC allocators
    cell_h = (ORION_REG_CELL_H_F + 2 * ORION_LINE_SPACING_F) * fu
    cell_w = (ORION_REG_CELL_W_F + 2 * 2 * ORION_LINE_SPACING_F) * fu
    a_buf = ports * vcs * depth * w * cell_h * cell_w
    if deg == 0:
        xbar_side = ports * w * ORION_XBAR_TRACK_F * fu
        a_xbar = xbar_side ** 2
        levels = 1
    else:
        levels = max(1, math.ceil(math.log(ports) / math.log(deg) - 1e-9))
        n_mux = (deg ** levels - 1) // (deg - 1)
        a_xbar = ports * w * ports * ORION_MUX_TREE_OVERHEAD * n_mux * ORION_MUX_F2[deg] * fu ** 2
        xbar_side = math.sqrt(a_xbar)
    a_sw = ports * _rr_arbiter_f2(vcs) + ports * _rr_arbiter_f2(ports - 1)
    a_vc = 0.0
    if vcs > 1:  # two-stage VC allocator: V:1 per input VC, (P-1)V:1 per output VC
        a_vc = ports * vcs * (_rr_arbiter_f2(vcs) + _rr_arbiter_f2((ports - 1) * vcs))
    area = a_buf + a_xbar + (a_sw + a_vc) * fu ** 2
    # --- energy of one flit (node capacitances on ORION's geometry)
    loc = node.wires.local
    wl_c = loc.c_ff_per_um * w * cell_w + w * 2 * cgate_ff(node, wmin_um(node))
    bl_c = loc.c_ff_per_um * depth * cell_h + depth * cdrain_ff(node, wmin_um(node))
    drv = c_inv_in_ff(node, 4.0) + c_inv_out_ff(node, 4.0)
    # write: word line + the flit's bit lines (full swing) + write drivers
    e_write = pj_from_ff_v2(wl_c, v) + toggle * w * pj_from_ff_v2(bl_c + drv, v)
    # read: word line + precharged single-ended bit lines discharged (full swing) + sense inv.
    e_read = pj_from_ff_v2(wl_c, v) + toggle * w * pj_from_ff_v2(
        bl_c + c_inv_in_ff(node) + c_inv_out_ff(node), v)
    # crossbar, per bit (ORION 2.0's crossbar geometry, the node's wire and device caps):
    # matrix: the input line crosses the P x w output tracks and loads P tri-state
    # crosspoints, the output line crosses the P x w input tracks and P crosspoint drains;
    # mux tree: the input line runs to the P output trees (ORION: P w track x P/2 plus
    # 5 lambda risers per track), loads P leaf mux inputs, then ``levels`` - 1 internal
    # mux nodes and the root's output driver
    inter_c = node.wires.intermediate.c_ff_per_um
    track = ORION_XBAR_TRACK_F * fu
    c_mux_in = cdrain_ff(node, 2 * wmin_um(node)) + cgate_ff(node, 2 * wmin_um(node))
    if deg == 0:
        c_in = xbar_side * inter_c + ports * c_inv_in_ff(node, 2.0)
        c_out = xbar_side * inter_c + ports * c_inv_out_ff(node, 2.0) + drv
    else:
        in_len = ports * w * (track + 2.5 * fu) * (ports / 2.0)  # 5 lambda = 2.5 F
        c_in = in_len * inter_c + ports * c_mux_in
        c_out = (levels - 1) * deg * c_mux_in + deg * cdrain_ff(node, 2 * wmin_um(node)) + drv
    e_xbar = toggle * w * pj_from_ff_v2(c_in + c_out, v)
    # switch allocation: one (P-1):1 round-robin arbitration, half its gates toggling,
    # plus its priority flip-flops
    r = ports - 1
    e_arb = 0.5 * 8 * r * pj_from_ff_v2(c_inv_in_ff(node) + c_inv_out_ff(node), v) \
        + r * dff_energy_pj(node)
    e_flit = e_read + e_write + e_xbar + e_arb
    # clock: pipeline registers between the stages of every port (two clock edges/cycle)
    reg_bits = (p["pipeline_stages"] - 1) * ports * w
    e_clock = reg_bits * pj_from_ff_v2(2 * c_inv_in_ff(node), v)
    # leakage: FIFO cells (two inverters + two access devices) and the logic gates
    n_gates = (a_sw + a_vc) / node.inv_area_f2 + ports * w * (levels * deg + 2)
    leak = (ports * vcs * depth * w * leak_uw(node, 3 * wmin_um(node))
            + n_gates * leak_uw(node, 1.5 * wmin_um(node)))
    return {"area_um2": area, "buffer_area_um2": a_buf, "crossbar_area_um2": a_xbar,
            "allocator_area_um2": (a_sw + a_vc) * fu ** 2, "flit_energy_pj": e_flit,
            "buffer_energy_pj": e_read + e_write, "crossbar_energy_pj": e_xbar,
            "arbiter_energy_pj": e_arb, "clock_energy_pj": e_clock, "leakage_uw": leak,
            "ports": float(ports), "crossbar_side_um": xbar_side}


@register("interconnect", "mesh")
def mesh(spec: InterconnectSpec, node: CmosNode, *, endpoints: int, span_um: float,
         level: str | None = None, calibration: CalibrationSpec | None = None,
         toggle: float = 0.5) -> ComponentCost:
    """2-D mesh NoC: one 5-port router per endpoint, links of span/sqrt(N).

    ``router: vc``: ORION 2.0-style input-buffered virtual-channel routers (see
    :func:`vc_router`), each shared by ``params.concentration`` endpoints (a concentrated
    mesh): ceil(N / c) routers on a sqrt x sqrt grid."""
    lvl = _common(spec, endpoints, span_um, toggle, level)
    cal = calib(calibration)
    wire = _Wire(node, lvl, toggle, cal.wire_energy_factor)
    if spec.router == "vc":
        return _vc_mesh(spec, node, endpoints, span_um, wire, cal, toggle)
    if spec.params:
        _no_router_params(spec)
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




def _vc_mesh(spec: InterconnectSpec, node: CmosNode, endpoints: int, span_um: float,
             wire: _Wire, cal: CalibrationSpec, toggle: float) -> ComponentCost:
    """Concentrated 2-D mesh of ORION 2.0-style virtual-channel routers."""
    p = _vc_params(spec)
    w = spec.width_bits
    r = vc_router(w, node, p, toggle)
    ports = p["router_ports"]
    n_routers = math.ceil(endpoints / p["concentration"])
    k = max(1, math.ceil(math.sqrt(n_routers)))
    link_um = span_um / k
    # clock power is paid every cycle; charged per flit at its full-load share (every
    # port forwarding one flit per cycle), i.e. idle routers are clock-gated
    e_router = r["flit_energy_pj"] + r["clock_energy_pj"] / ports
    e_link = w * wire.e_pj_per_um * link_um
    t_router = p["pipeline_stages"] * ROUTER_STAGE_FO4 * fo4_ns(node)
    t_link = wire.delay_ns(link_um)
    hops = 2.0 * (k * k - 1) / (3.0 * k) + 1.0
    e_hop, t_hop = e_router + e_link, t_router + t_link
    total_links = 2 * k * (k - 1) * link_um
    return _result(spec, wire, hops * e_hop, hops * t_hop, total_links, hops * link_um,
                   n_routers * r["area_um2"], n_routers * r["leakage_uw"], cal,
                   actions={"hop": ActionCost(e_hop, t_hop)}, avg_hops=hops,
                   routers=float(n_routers), router_area_um2=r["area_um2"],
                   router_energy_pj=e_router,
                   router_flit_energy_pj=r["flit_energy_pj"],
                   router_clock_energy_pj=r["clock_energy_pj"],
                   router_leakage_uw=r["leakage_uw"], router_ports=float(ports),
                   router_buffer_area_um2=r["buffer_area_um2"],
                   router_crossbar_area_um2=r["crossbar_area_um2"],
                   router_allocator_area_um2=r["allocator_area_um2"],
                   router_buffer_energy_pj=r["buffer_energy_pj"],
                   router_crossbar_energy_pj=r["crossbar_energy_pj"])
