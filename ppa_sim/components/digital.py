"""Digital periphery: shift-and-add, adders, adder trees, accumulators,
activation, pooling, MAC units, registers.

All models are built from the node's standard-cell figures (full adder, DFF,
NAND2, inverter: area in F², energy per event at activity 0.5), the way
NeuroSim composes its digital blocks (Adder.cpp, AdderTree.cpp, ShiftAdd.cpp,
DFF.cpp). ``toggle`` (fraction of bits switching, default 0.5) scales the
data-dependent energy linearly. Latency = critical path in FO4 units.

Signatures: see ``ppa_sim.components`` (contract).
"""

from __future__ import annotations

from ppa_sim.components._common import (
    area_f2_um2,
    bad,
    calib,
    dff_energy_pj,
    e_inv_pj,
    fa_energy_pj,
    fo4_ns,
    leak_uw,
    log2c,
    need_fraction,
    need_pos_int,
    wmin_um,
)
from ppa_sim.components.registry import register
from ppa_sim.cost import ActionCost, ComponentCost
from ppa_sim.spec.architecture import CalibrationSpec
from ppa_sim.spec.technology import CmosNode

#: Carry propagation per full-adder bit: 2 FO4 (two inverting stages in a
#: mirror adder's carry path; Weste & Harris, CMOS VLSI Design, 4th ed., 11.2).
T_CARRY_FO4 = 2.0
#: Clock-to-Q + setup of a DFF: 3 FO4 (Weste & Harris, 10.3: ~ 2-4 FO4).
T_DFF_FO4 = 3.0
#: Leaking transistor width per cell in units of minimum width: full adder 28 T,
#: DFF ~ 24 T; about half of them are off at any time.
FA_LEAK_W = 14.0
DFF_LEAK_W = 12.0
NAND2_LEAK_W = 2.0


class _Blk:
    """Accumulates gate counts of a digital block (plain floats)."""

    __slots__ = ("fa", "dff", "nand", "inv")

    def __init__(self, fa: float = 0.0, dff: float = 0.0, nand: float = 0.0, inv: float = 0.0):
        self.fa, self.dff, self.nand, self.inv = fa, dff, nand, inv

    def cost(self, node: CmosNode, action: str, latency_ns: float, toggle: float,
             cal: CalibrationSpec, **info: float) -> ComponentCost:
        need_fraction("toggle", toggle)
        s = toggle / 0.5
        # NAND2 and inverter energy: one output transition pair at fanout 2, x toggle
        e_nand = e_inv_pj(node, 1.0, 2.0) * 4.0 / 3.0 * 0.5
        e_inv = e_inv_pj(node, 1.0, 2.0) * 0.5
        e = s * (self.fa * fa_energy_pj(node) + self.nand * e_nand + self.inv * e_inv)
        # a DFF burns clock energy even without a data toggle: half of its
        # node figure is taken as clock, half as data (both at 0.5 toggle)
        e += self.dff * dff_energy_pj(node) * (0.5 + 0.5 * s)
        a = (self.fa * area_f2_um2(node, node.full_adder_area_f2)
             + self.dff * area_f2_um2(node, node.dff_area_f2)
             + self.nand * area_f2_um2(node, node.nand2_area_f2)
             + self.inv * area_f2_um2(node, node.inv_area_f2)) * cal.periphery_area_factor
        leak = leak_uw(node, wmin_um(node) * (self.fa * FA_LEAK_W + self.dff * DFF_LEAK_W
                                             + (self.nand + self.inv) * NAND2_LEAK_W))
        info = {"full_adders": self.fa, "dffs": self.dff, "gates": self.nand + self.inv, **info}
        return ComponentCost(area_um2=a, leakage_uw=leak,
                             actions={action: ActionCost(e, latency_ns)}, info=info)


def _t(node: CmosNode, fo4: float) -> float:
    return fo4 * fo4_ns(node)


@register("digital", "adder")
def adder(bits: int, node: CmosNode, *, calibration: CalibrationSpec | None = None,
          toggle: float = 0.5) -> ComponentCost:
    """Ripple-carry adder: ``bits`` full adders; add: t = bits x 2 FO4."""
    need_pos_int("bits", bits)
    return _Blk(fa=bits).cost(node, "add", _t(node, T_CARRY_FO4 * bits), toggle, calib(calibration))


@register("digital", "register")
def register_bits(bits: int, node: CmosNode, *, calibration: CalibrationSpec | None = None,
                  toggle: float = 0.5) -> ComponentCost:
    """A ``bits``-wide DFF register; write: t = 3 FO4."""
    need_pos_int("bits", bits)
    return _Blk(dff=bits).cost(node, "write", _t(node, T_DFF_FO4), toggle, calib(calibration))


@register("digital", "accumulator")
def accumulator(bits: int, node: CmosNode, *, calibration: CalibrationSpec | None = None,
                toggle: float = 0.5) -> ComponentCost:
    """Adder + register (``bits`` wide); accumulate = one add and one register write."""
    need_pos_int("bits", bits)
    return _Blk(fa=bits, dff=bits).cost(node, "accumulate",
                                        _t(node, T_CARRY_FO4 * bits + T_DFF_FO4), toggle,
                                        calib(calibration))


@register("digital", "shift_add")
def shift_add(bits: int, node: CmosNode, *, calibration: CalibrationSpec | None = None,
              toggle: float = 0.5, register_bits: int | None = None) -> ComponentCost:
    """Shift-and-add of a ``bits``-wide partial sum into a ``bits``-wide register.

    The shift is wiring; a 2:1 mux per bit (3 NAND2) selects add/subtract of the
    sign slice (two's complement MSB), an inverter per bit conditionally
    inverts; op: one add + register write (NeuroSim ShiftAdd.cpp structure).
    ``register_bits`` (default ``bits``): an LSB-first shift-add, whose ``bits``-wide
    adder adds each new operand to the top of a longer register while the lower bits
    shift out into its extension (NeuroSim ShiftAdd.cpp: numDff = numAdderBit + 1 +
    numReadPulse - 1 per unit).
    """
    need_pos_int("bits", bits)
    reg = bits if register_bits is None else register_bits
    need_pos_int("register_bits", reg)
    blk = _Blk(fa=bits, dff=reg, nand=3 * bits, inv=bits)
    return blk.cost(node, "op", _t(node, T_CARRY_FO4 * bits + T_DFF_FO4 + 2), toggle,
                    calib(calibration))


def _tree_counts(inputs: int, bits: int) -> tuple[float, int]:
    """(full adders, levels) of a binary tree of ripple adders reducing
    ``inputs`` operands of ``bits`` bits; level l adds (bits + l - 1)-bit numbers."""
    fa = 0.0
    n = inputs
    level = 0
    while n > 1:
        level += 1
        pairs = n // 2
        fa += pairs * (bits + level - 1)
        n = pairs + n % 2
    return fa, level


@register("digital", "adder_tree")
def adder_tree(inputs: int, bits: int, node: CmosNode, *,
               calibration: CalibrationSpec | None = None, toggle: float = 0.5) -> ComponentCost:
    """Binary adder tree reducing ``inputs`` operands of ``bits`` bits + output register.

    FA count = sum over levels of pairs x (bits + level - 1) (= inputs - 1 adders);
    reduce: t = (bits + 2 levels) x 2 FO4 + 3 FO4 (carries overlap across levels).
    """
    need_pos_int("inputs", inputs)
    need_pos_int("bits", bits)
    fa, levels = _tree_counts(inputs, bits)
    out_bits = bits + levels
    blk = _Blk(fa=fa, dff=out_bits)
    t = _t(node, T_CARRY_FO4 * (bits + 2 * levels) + T_DFF_FO4)
    return blk.cost(node, "reduce", t, toggle, calib(calibration), levels=levels,
                    output_bits=out_bits, adders=max(0, inputs - 1))


ACTIVATIONS = ("relu", "identity", "sigmoid", "tanh")


@register("digital", "activation")
def activation(bits: int, node: CmosNode, *, function: str = "relu",
               calibration: CalibrationSpec | None = None, toggle: float = 0.5) -> ComponentCost:
    """Activation unit for one element.

    relu: sign-controlled AND per bit (NAND2 + INV) + output register;
    identity: output register; sigmoid/tanh: 4-segment piecewise-linear unit
    (segment select by 2 comparators = 2 bits FA, a bits x bits/2 shift-add
    slope multiply, an offset add; NeuroSim Sigmoid.cpp uses a LUT instead).
    """
    need_pos_int("bits", bits)
    cal = calib(calibration)
    if function == "relu":
        blk = _Blk(nand=bits, inv=bits, dff=bits)
        t = _t(node, 2 + T_DFF_FO4)
    elif function == "identity":
        blk = _Blk(dff=bits)
        t = _t(node, T_DFF_FO4)
    elif function in ("sigmoid", "tanh"):
        blk = _Blk(fa=2 * bits + bits * bits / 2 + bits, dff=bits, nand=bits)
        t = _t(node, T_CARRY_FO4 * (3 * bits) + T_DFF_FO4)
    else:
        raise bad("function", "unknown activation function", value=function,
                  allowed=", ".join(ACTIVATIONS))
    return blk.cost(node, "op", t, toggle, cal, function_code=float(ACTIVATIONS.index(function)))


@register("digital", "pool")
def pool(bits: int, node: CmosNode, *, window: int = 4, kind: str = "max",
         calibration: CalibrationSpec | None = None, toggle: float = 0.5) -> ComponentCost:
    """Pooling unit producing one output from ``window`` inputs.

    max: window - 1 comparisons (bits-wide subtractors) + bits-wide 2:1 muxes
    (3 NAND2 per bit) + register; avg: an adder tree of ``window`` inputs and
    a shift (power-of-two window) + register.
    """
    need_pos_int("bits", bits)
    need_pos_int("window", window)
    cal = calib(calibration)
    if kind == "max":
        k = window - 1
        blk = _Blk(fa=k * bits, nand=3 * k * bits, dff=bits)
        t = _t(node, log2c(window) * (T_CARRY_FO4 * bits + 2) + T_DFF_FO4)
    elif kind == "avg":
        fa, levels = _tree_counts(window, bits)
        blk = _Blk(fa=fa, dff=bits + levels)
        t = _t(node, T_CARRY_FO4 * (bits + 2 * levels) + T_DFF_FO4)
    else:
        raise bad("kind", "unknown pooling kind", value=kind, allowed="max, avg")
    return blk.cost(node, "op", t, toggle, cal, window=window)


@register("digital", "mac_unit")
def mac_unit(bits: int, node: CmosNode, *, calibration: CalibrationSpec | None = None,
             toggle: float = 0.5) -> ComponentCost:
    """Digital multiply-accumulate: array multiplier + 2b+8-bit accumulator.

    Array multiplier: b² AND gates (NAND2 + INV) and b(b-1) full adders; the
    accumulator adds the 2b-bit product into a (2b + 8)-bit register (8 guard
    bits); mac: t = (2b + b) x 2 FO4 + 3 FO4.
    """
    need_pos_int("bits", bits)
    acc = 2 * bits + 8
    blk = _Blk(fa=bits * (bits - 1) + acc, nand=bits * bits, inv=bits * bits, dff=acc)
    t = _t(node, T_CARRY_FO4 * (3 * bits) + T_DFF_FO4)
    return blk.cost(node, "mac", t, toggle, calib(calibration), accumulator_bits=acc)
