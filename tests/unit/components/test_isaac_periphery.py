"""ISAAC-style periphery (Shafiee et al., ISCA 2016): the sample-and-hold read-out
(mux kind ``sample_hold``), the unlatched / minimum-area 1-bit word-line driver
(``wl_driver`` params), designs without a switch matrix, and the buffer options
``cell_area_f2`` / ``wl_drivers: sized``. Every option is opt-in: defaults unchanged."""

from __future__ import annotations

import math

import pytest
from _component_cases import all_devices, all_nodes, tech
from hypothesis import given, settings
from hypothesis import strategies as st

from ppa_sim.components import get
from ppa_sim.components._common import area_f2_um2
from ppa_sim.components.dac import WL_MIN_AREA_SLEW_FRACTION
from ppa_sim.components.mux import KT_300K_J, hold_cap_ff
from ppa_sim.errors import ConfigError
from ppa_sim.spec.architecture import AdcSpec, BufferSpec, DacSpec, SubarraySpec

NODE = "32nm"


def _node():
    return all_nodes()[NODE]


def _sub(k: int = 128, **kw) -> SubarraySpec:
    return SubarraySpec(rows=128, cols=128, adc=AdcSpec(bits=8, columns_per_adc=k), **kw)


def _sh(sub: SubarraySpec):
    return get("mux", "sample_hold")(sub, _node())


# ------------------------------------------------------------------ sample-and-hold read-out


def test_hold_cap_meets_ktc_half_lsb() -> None:
    # 8 bits over a 0.5 V swing: half an LSB is 0.98 mV, so C >= kT / (0.98 mV)² = 4.3 fF
    c = hold_cap_ff(8, 0.5)
    assert c == pytest.approx(4.34, rel=0.01)
    noise_v = math.sqrt(KT_300K_J / (c * 1e-15))
    assert noise_v == pytest.approx(0.5 / 2 ** 9, rel=1e-9)
    assert hold_cap_ff(9, 0.5) == pytest.approx(4 * c)  # one more bit: 4x the capacitor


def test_sample_hold_is_smaller_than_the_bit_line_mux() -> None:
    sub = _sub(mux_kind="sample_hold")
    sh = _sh(sub)
    tg = get("mux", "column_mux")(_sub(), _node())
    assert 0 < sh.area_um2 < tg.area_um2
    assert sh.info["muxes"] == tg.info["muxes"] == 1
    # per column: one switch, the hold capacitor and one minimum TG (3 minimum devices)
    a_t = area_f2_um2(_node(), _node().inv_area_f2) / 2
    per_col = 3 * a_t + sh.info["hold_cap_area_um2"]
    assert sh.area_um2 > 128 * per_col


def test_shared_select_decoder_divides_only_the_decoder() -> None:
    one = _sh(_sub(mux_kind="sample_hold"))
    eight = _sh(_sub(mux_kind="sample_hold", mux_params={"select_shared_by": 8}))
    dec = get("decoder", "row_decoder")(128, _node())
    assert one.area_um2 - eight.area_um2 == pytest.approx(dec.area_um2 * 7 / 8)
    assert eight.energy_pj("switch") < one.energy_pj("switch")


def test_sampling_energy_scales_with_the_hold_cap() -> None:
    small = _sh(_sub(mux_kind="sample_hold", mux_params={"hold_cap_ff": 2.0}))
    big = _sh(_sub(mux_kind="sample_hold", mux_params={"hold_cap_ff": 20.0}))
    v_sig = 0.5 * _node().vdd_v
    # one mux (128:1) per subarray: each switch step samples one column's worth
    de = big.energy_pj("switch") - small.energy_pj("switch")
    assert de == pytest.approx(18.0 * 1e-3 * v_sig ** 2, rel=1e-6)
    assert big.area_um2 > small.area_um2


def test_no_mux_when_every_column_has_its_adc() -> None:
    c = _sh(_sub(k=1, mux_kind="sample_hold"))
    assert c.area_um2 == 0 and c.energy_pj("switch") == 0


@pytest.mark.parametrize("params", [{"bogus": 1.0}, {"select_shared_by": 0.0},
                                    {"select_shared_by": 1.5}, {"hold_cap_ff": -1.0}])
def test_sample_hold_rejects_bad_params(params) -> None:
    with pytest.raises(ConfigError):
        _sh(_sub(mux_kind="sample_hold", mux_params=params))


def test_column_mux_takes_no_params() -> None:
    with pytest.raises(ConfigError):
        get("mux", "column_mux")(_sub(mux_params={"select_shared_by": 8}), _node())


# ------------------------------------------------------------------ 1-bit word-line driver


def _wl(params: dict | None = None, dac_bits: int = 1, device: str = "rram"):
    enc = "bit_serial" if dac_bits == 1 else "dac"
    dac = DacSpec(encoding=enc, bits=8, dac_bits=dac_bits, params=params or {})
    return get("dac", "wl_driver")(dac, _sub(), tech(_node(), all_devices()[device]))


def test_wl_driver_defaults_are_explicit_params() -> None:
    a, b = _wl(), _wl({"input_latch": 1, "min_area": 0})
    assert a.area_um2 == b.area_um2 and a.energy_pj("drive_row") == b.energy_pj("drive_row")


def test_unlatched_driver_drops_exactly_the_row_dffs() -> None:
    n = _node()
    latched, bare = _wl(), _wl({"input_latch": 0})
    assert latched.area_um2 - bare.area_um2 == pytest.approx(
        128 * area_f2_um2(n, n.dff_area_f2))
    assert bare.energy_pj("drive_row") < latched.energy_pj("drive_row")
    assert bare.info["input_latch"] == 0.0


def test_min_area_driver_is_one_stage_meeting_the_slew_budget() -> None:
    t = tech(_node(), all_devices()["rram"])
    c = _wl({"input_latch": 0, "min_area": 1})
    assert c.info["stages"] == 1
    assert c.area_um2 <= _wl({"input_latch": 0}).area_um2
    assert c.latency_ns("drive_row") <= WL_MIN_AREA_SLEW_FRACTION * t.device.read_pulse_ns


@settings(max_examples=25, deadline=None)
@given(cols=st.integers(16, 4096))
def test_min_area_driver_grows_with_the_line(cols: int) -> None:
    t = tech(_node(), all_devices()["rram"])
    dac = DacSpec(params={"input_latch": 0, "min_area": 1})

    def area(c: int) -> float:
        sub = SubarraySpec(rows=128, cols=c, adc=AdcSpec(columns_per_adc=1))
        return get("dac", "wl_driver")(dac, sub, t).area_um2

    assert area(cols) <= area(min(4096, 2 * cols)) + 1e-9
    assert area(cols) >= 128 * area_f2_um2(t.node, t.node.inv_area_f2) - 1e-9


@pytest.mark.parametrize("params,dac_bits", [({"input_latch": 0}, 4), ({"min_area": 2}, 1),
                                             ({"input_latch": 0.5}, 1), ({"x": 1}, 1)])
def test_wl_driver_rejects_bad_params(params, dac_bits) -> None:
    with pytest.raises(ConfigError):
        _wl(params, dac_bits=dac_bits)


# ------------------------------------------------------------------ buffers


def _buf(kind: str, **kw):
    spec = BufferSpec(kind=kind, capacity_kb=64, width_bits=256, banks=4, **kw)
    return get("buffer", kind)(spec, _node())


def test_cell_area_override_scales_the_cell_matrix() -> None:
    n = _node()
    a = _buf("sram", cell_area_f2=146.0)
    b = _buf("sram", cell_area_f2=292.0)
    bits = 64 * 1024 * 8
    assert b.info["cell_area_f2"] == 292.0
    # cells x 1.15 routing; the periphery (sense amps, drivers) also stretches with the mat
    assert b.area_um2 - a.area_um2 >= bits * area_f2_um2(n, 146.0) * 1.15 * 0.99
    assert _buf("sram").info["cell_area_f2"] == n.sram_cell_area_f2


@pytest.mark.parametrize("kind", ["sram", "edram", "register_file"])
def test_sized_wl_drivers_add_area_not_energy(kind: str) -> None:
    lumped, sized = _buf(kind), _buf(kind, wl_drivers="sized")
    assert sized.area_um2 > lumped.area_um2
    assert sized.info["bank_rows"] == lumped.info["bank_rows"]


def test_boosted_edram_word_lines_get_level_shifters() -> None:
    # same cell and mat: the eDRAM's sized drivers carry 3 more inverter areas per row
    n = _node()
    s = _buf("sram", cell_area_f2=33.0, wl_drivers="sized").area_um2 \
        - _buf("sram", cell_area_f2=33.0).area_um2
    e = _buf("edram", wl_drivers="sized").area_um2 - _buf("edram").area_um2
    rows = _buf("edram").info["bank_rows"] * 4
    assert e > s
    assert e - s < rows * 3 * area_f2_um2(n, n.inv_area_f2) * 1.15 * 1.5


def test_edram_has_a_sense_amp_per_bit_line() -> None:
    # a 64-bit port on 16 KB banks: the mat is column-muxed, so the eDRAM (destructive read)
    # needs cols sense amps where an SRAM of the same cell and mat needs width_bits
    n = _node()
    spec = {"capacity_kb": 64, "width_bits": 64, "banks": 4}
    ed = get("buffer", "edram")(BufferSpec(kind="edram", **spec), n)
    sr = get("buffer", "sram")(BufferSpec(kind="sram", cell_area_f2=33.0, **spec), n)
    cols, mux = ed.info["bank_cols"], ed.info["column_mux"]
    assert mux > 1 and cols == 64 * mux
    a_sa = 10.0 / 2 * area_f2_um2(n, n.inv_area_f2) / 2
    assert ed.area_um2 - sr.area_um2 == pytest.approx(4 * (cols - 64) * a_sa * 1.15, rel=1e-9)
