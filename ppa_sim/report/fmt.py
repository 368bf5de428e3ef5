"""Number formatting for people: thousands separators, a few significant digits.

Shared by the terminal tables and the HTML report so both show the same
digits. Machine outputs (JSON, CSV) never go through here: they keep full
precision.
"""

from __future__ import annotations

import math
from numbers import Integral, Real

#: Significant digits shown by default (enough to compare designs, few enough to read).
SIG_DIGITS = 4

DASH = "–"


def num(x: object, sig: int = SIG_DIGITS) -> str:
    """``x`` with thousands separators and about ``sig`` significant digits.

    Integers print in full (``1,234,567``); floats keep ``sig`` significant
    digits in fixed notation between 1e-3 and 1e15 (``12,345``, ``123.4``,
    ``0.01234``) and switch to scientific notation outside that range. ``None``
    and non-finite values print as a dash / ``nan`` / ``inf``.
    """
    if x is None:
        return DASH
    if isinstance(x, bool):
        return str(x)
    if isinstance(x, Integral):
        return f"{int(x):,}"
    if not isinstance(x, Real):
        return str(x)
    v = float(x)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if v == 0:
        return "0"
    av = abs(v)
    if av >= 1e15 or av < 1e-3:
        return f"{v:.{sig - 1}e}"
    exponent = math.floor(math.log10(av))
    decimals = max(0, sig - 1 - exponent)
    text = f"{v:,.{decimals}f}"
    # rounding may carry into a new digit (999.96 -> 1,000.0): drop the spare decimal
    if decimals and abs(float(text.replace(",", ""))) >= 10 ** (exponent + 1):
        text = f"{v:,.{decimals - 1}f}"
    return text


def pct(fraction: float | None, digits: int = 1) -> str:
    """A fraction (0.1234) as a percentage (``12.3 %``)."""
    if fraction is None or not math.isfinite(float(fraction)):
        return DASH
    return f"{100.0 * float(fraction):.{digits}f} %"


def share(part: float, total: float, digits: int = 1) -> str:
    """``part`` as a percentage of ``total`` (dash when the total is zero)."""
    if not total:
        return DASH
    return pct(part / total, digits)
