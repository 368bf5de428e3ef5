"""Units: the one place where SI scale factors live.

Physical quantities carry their unit in their name (``energy_pj``,
``area_um2``, ``r_on_ohm``). Conversions between those units happen only
through the constants and helpers here, so a ``1e-12`` never appears in a
cost model.
"""

from __future__ import annotations

import re

# Scale factors relative to the SI base unit.
TERA = 1e12
GIGA = 1e9
MEGA = 1e6
KILO = 1e3
MILLI = 1e-3
MICRO = 1e-6
NANO = 1e-9
PICO = 1e-12
FEMTO = 1e-15
ATTO = 1e-18

# Named conversions used across the package (value_in_a * A_TO_B = value_in_b).
PJ_PER_J = 1e12
J_PER_PJ = 1e-12
UJ_PER_PJ = 1e-6
PJ_PER_FJ = 1e-3
NS_PER_S = 1e9
S_PER_NS = 1e-9
US_PER_NS = 1e-3
NS_PER_PS = 1e-3
MM2_PER_UM2 = 1e-6
UM2_PER_MM2 = 1e6
UM_PER_NM = 1e-3
UM_PER_MM = 1e3
MM_PER_UM = 1e-3
F_PER_FF = 1e-15
FF_PER_F = 1e15
A_PER_UA = 1e-6
UA_PER_A = 1e6
A_PER_NA = 1e-9
W_PER_UW = 1e-6
UW_PER_W = 1e6
MW_PER_W = 1e3
BITS_PER_BYTE = 8
BYTES_PER_KB = 1024  # capacities in KB are binary kilobytes (1 KB = 1024 B)
HZ_PER_MHZ = 1e6


def pj_from_uw_ns(power_uw: float, time_ns: float) -> float:
    """Energy in pJ of ``power_uw`` µW sustained for ``time_ns`` ns."""
    # µW * ns = 1e-6 W * 1e-9 s = 1e-15 J = 1e-3 pJ
    return power_uw * time_ns * 1e-3


def pj_from_ff_v2(cap_ff: float, volt_v: float) -> float:
    """Switching energy C·V² in pJ of a capacitance in fF charged to ``volt_v``."""
    # fF * V^2 = 1e-15 J = 1e-3 pJ
    return cap_ff * volt_v * volt_v * 1e-3


def ns_from_ohm_ff(r_ohm: float, c_ff: float) -> float:
    """RC time constant in ns."""
    # ohm * fF = 1e-15 s = 1e-6 ns
    return r_ohm * c_ff * 1e-6


def um2_from_f2(area_f2: float, feature_nm: float) -> float:
    """Area in µm² of ``area_f2`` squares of the feature size F (nm)."""
    f_um = feature_nm * UM_PER_NM
    return area_f2 * f_um * f_um


_SUFFIX = {
    "T": TERA, "G": GIGA, "M": MEGA, "k": KILO, "K": KILO,
    "": 1.0, "m": MILLI, "u": MICRO, "µ": MICRO, "n": NANO, "p": PICO, "f": FEMTO, "a": ATTO,
}
_QTY = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([TGMkKmuµnpfa]?)([A-Za-zΩ]*)\s*$")


def parse_quantity(text: str, unit: str) -> float:
    """Parse ``"0.2 fF"`` with ``unit="F"`` into SI (2e-16).

    Raises ``ValueError`` naming the expected unit when the text does not parse
    or carries another unit.
    """
    m = _QTY.match(text)
    if not m:
        raise ValueError(f"cannot read {text!r} as a quantity in {unit}")
    number, prefix, got = m.groups()
    if got == "" and prefix and prefix + got != unit and unit.endswith(prefix):
        # e.g. "5 m" for unit "m": the prefix is really the unit
        prefix, got = "", prefix
    if got not in (unit, "") and not (unit == "ohm" and got in ("Ω", "Ohm")):
        raise ValueError(f"{text!r} has unit {got!r}, expected {unit!r}")
    return float(number) * _SUFFIX[prefix]
