"""Shared helpers of the component models: node-derived primitives.

Everything here is a plain-float function of a :class:`CmosNode` (no numpy:
the estimator calls the models many times per design). Physical constants of
the models live next to the model that uses them, with their source.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable

from ppa_sim.errors import ConfigError, Problem
from ppa_sim.spec.architecture import CalibrationSpec
from ppa_sim.spec.technology import CmosNode, WireLevel
from ppa_sim.units import (
    A_PER_NA,
    A_PER_UA,
    NS_PER_PS,
    PJ_PER_FJ,
    UM_PER_NM,
    UW_PER_W,
    pj_from_ff_v2,
)

DEFAULT_CALIBRATION = CalibrationSpec()

#: p/n width ratio of a balanced inverter (mobility ratio ~2 in planar bulk;
#: NeuroSim's Technology.cpp uses pnSizeRatio ~ 2 for 130-22 nm).
PN_RATIO = 2.0


def pn_ratio(node: CmosNode) -> float:
    """p/n width ratio of a balanced gate at ``node``.

    Planar nodes: :data:`PN_RATIO`. FinFET / GAA cards give the pMOS the same
    drive per fin as the nMOS (NeuroSim V1.4 Technology.cpp sets
    currentOnPmos = currentOnNmos at 14 nm and below, and its widths are whole
    fins), so a balanced gate there uses one p-fin per n-fin: ratio
    Ion,n / Ion,p = 1. A node is taken as FinFET/GAA when its card says so
    through equal n/p on-currents.
    """
    if node.ion_p_ua_per_um >= node.ion_n_ua_per_um:
        return node.ion_n_ua_per_um / node.ion_p_ua_per_um
    return PN_RATIO


def calib(calibration: CalibrationSpec | None) -> CalibrationSpec:
    """The calibration to use (None: all factors 1.0)."""
    return DEFAULT_CALIBRATION if calibration is None else calibration


def bad(key_path: str, message: str, value: object = None, allowed: str | None = None) -> ConfigError:
    """A ConfigError for one model argument."""
    return ConfigError([Problem(None, key_path, message, value=value, allowed=allowed)])


def check_param_names(key_path: str, what: str, given: Iterable[str],
                      allowed: Iterable[str]) -> None:
    """ConfigError when ``given`` has names outside ``allowed`` (a model's ``params``),
    with a "did you mean" for the first close match, as the spec loader does for keys."""
    known = sorted(allowed)
    unknown = sorted(set(given) - set(known))
    if not unknown:
        return
    close = difflib.get_close_matches(unknown[0], known, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise bad(key_path, f"unknown parameter(s) for {what}{hint}", value=unknown,
              allowed=", ".join(known) or "(none)")


def need_pos_int(name: str, value: int) -> None:
    if not isinstance(value, int) or value < 1:
        raise bad(name, "must be a positive integer", value=value, allowed=">= 1")


def need_fraction(name: str, value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise bad(name, "must be a fraction", value=value, allowed="0 <= value <= 1")


def f_um(node: CmosNode) -> float:
    """Feature size F in µm."""
    return node.feature_size_nm * UM_PER_NM


def wmin_um(node: CmosNode) -> float:
    """Minimum transistor width in µm."""
    return node.min_width_nm * UM_PER_NM


def cgate_ff(node: CmosNode, width_um: float) -> float:
    """Gate capacitance (fF) of a transistor of ``width_um``."""
    return node.cgate_ff_per_um * width_um


def cdrain_ff(node: CmosNode, width_um: float) -> float:
    """Drain junction + overlap capacitance (fF) of a transistor of ``width_um``."""
    return node.cdrain_ff_per_um * width_um


def c_inv_in_ff(node: CmosNode, size: float = 1.0) -> float:
    """Input capacitance (fF) of an inverter ``size`` x minimum (n: Wmin, p: 2 Wmin)."""
    return cgate_ff(node, wmin_um(node) * size * (1.0 + pn_ratio(node)))


def c_inv_out_ff(node: CmosNode, size: float = 1.0) -> float:
    """Output (self-load) capacitance (fF) of an inverter ``size`` x minimum."""
    return cdrain_ff(node, wmin_um(node) * size * (1.0 + pn_ratio(node)))


def e_inv_pj(node: CmosNode, size: float = 1.0, fanout: float = 1.0, v: float | None = None) -> float:
    """Energy (pJ) of one full output transition pair (charge + discharge) of an
    inverter of ``size`` driving ``fanout`` copies of itself: C V²."""
    vv = node.vdd_v if v is None else v
    c = c_inv_out_ff(node, size) + fanout * c_inv_in_ff(node, size)
    return pj_from_ff_v2(c, vv)


def r_on_ohm(node: CmosNode, width_um: float) -> float:
    """Effective nMOS on-resistance (Ω) of ``width_um``: Vdd / Ion."""
    return node.vdd_v / (node.ion_n_ua_per_um * width_um * A_PER_UA)


def leak_uw(node: CmosNode, width_um: float) -> float:
    """Off-state leakage power (µW) of ``width_um`` of nMOS width at Vdd."""
    return node.ioff_n_na_per_um * width_um * A_PER_NA * node.vdd_v * UW_PER_W


def fo4_ns(node: CmosNode) -> float:
    return node.fo4_delay_ps * NS_PER_PS


def area_f2_um2(node: CmosNode, area_f2: float) -> float:
    fu = f_um(node)
    return area_f2 * fu * fu


def log2c(n: int) -> int:
    """ceil(log2(n)) for n >= 1 (0 for n = 1)."""
    return max(0, (n - 1).bit_length())


def buffer_chain_stages(c_load_ff: float, c_in_ff: float) -> tuple[int, float]:
    """Stages and total relative size of an optimal FO4-tapered buffer chain.

    Returns (stages, sum of stage sizes in units of the first stage), the
    classic logical-effort result (Sutherland, Sproull, Harris, *Logical
    Effort*, 1999: stage effort ~4 minimises delay).
    """
    ratio = max(1.0, c_load_ff / c_in_ff)
    stages = max(1, round(math.log(ratio, 4.0)))
    step = ratio ** (1.0 / stages)
    total = sum(step ** i for i in range(stages))
    return stages, total


def wire_level(node: CmosNode, name: str) -> WireLevel:
    w = node.wires
    return {"local": w.local, "intermediate": w.intermediate, "global": w.global_}[name]


def settle_factor(bits: int) -> float:
    """RC time constants to settle within half an LSB of a ``bits``-bit read-out: ln(2^(bits+1))."""
    return (bits + 1) * math.log(2.0)


def dff_energy_pj(node: CmosNode) -> float:
    """Energy (pJ) of one D flip-flop clock event at toggle probability 0.5 (node figure)."""
    return node.dff_energy_fj * PJ_PER_FJ


def fa_energy_pj(node: CmosNode) -> float:
    """Energy (pJ) of one 1-bit full-adder operation at activity 0.5 (node figure)."""
    return node.full_adder_energy_fj * PJ_PER_FJ
