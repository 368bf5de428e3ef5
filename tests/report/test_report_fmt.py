"""Human number formatting shared by the tables and the HTML report."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ppa_sim.report.fmt import DASH, num, pct, share


@pytest.mark.parametrize(("value", "text"), [
    (0, "0"), (7, "7"), (1234567, "1,234,567"), (-1234, "-1,234"),
    (0.0, "0"), (1.0, "1.000"), (12.3456, "12.35"), (1234.5, "1,234"), (98765.4, "98,765"),
    (0.012345, "0.01235"), (999.96, "1,000"), (9.9996, "10.00"), (0.0099996, "0.01000"),
    (1.5e-5, "1.500e-05"), (2.5e16, "2.500e+16"), (None, DASH),
    (float("nan"), "nan"), (float("inf"), "inf"),
])
def test_num_examples(value: object, text: str) -> None:
    assert num(value) == text


@given(st.floats(min_value=-1e20, max_value=1e20, allow_nan=False).filter(lambda x: x != 0))
def test_num_keeps_four_significant_digits(x: float) -> None:
    text = num(x)
    back = float(text.replace(",", ""))
    # rounding to 4 significant digits: relative error at most half a unit of the 4th digit
    assert back == pytest.approx(x, rel=5.01e-4)
    if 1e-3 <= abs(x) < 1e15:
        assert "e" not in text
        digits = text.replace(",", "").replace("-", "").replace(".", "").lstrip("0")
        assert len(digits) >= 4  # never fewer than 4 significant digits shown


@given(st.integers(min_value=-10**15, max_value=10**15))
def test_num_integers_exact_with_separators(n: int) -> None:
    text = num(n)
    assert int(text.replace(",", "")) == n
    groups = text.lstrip("-").split(",")
    assert all(len(g) == 3 for g in groups[1:]) and 1 <= len(groups[0]) <= 3


def test_pct_and_share() -> None:
    assert pct(0.1234) == "12.3 %"
    assert pct(1.0, 0) == "100 %"
    assert pct(None) == DASH and pct(math.nan) == DASH
    assert share(1.0, 4.0) == "25.0 %"
    assert share(1.0, 0.0) == DASH
