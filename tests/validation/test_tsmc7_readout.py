"""TSMC 7 nm SRAM CIM macro (Sinangil et al., IEEE JSSC 56(1), 2021): the read-out ppa_sim
models for it (pulse-count RWL inputs, 4 bit cells per weight charge-shared onto the input
gates of a 15-SA flash) and how its energy splits."""

from __future__ import annotations

import pytest

from ppa_sim import validation
from ppa_sim.spec.load import load_design

PATH = validation.PUBLISHED_DIR / "tsmc_sram_7nm.yaml"


def _macro(**ov: object) -> validation.MacroFigures:
    return validation.macro_figures(load_design(PATH, {**validation.MACRO_OVERRIDES, **ov}))


def test_energy_efficiency_within_tolerance(results):
    # abstract: 351 TOPS/W at 0.8 V (4b inputs, weights and outputs)
    assert results["tsmc7.tops_w"].value == pytest.approx(351.0, rel=validation.MACRO_TOL)


def test_design_uses_the_modelled_readout():
    d = load_design(PATH)
    sub = d.arch.subarray
    assert (sub.adc.kind, sub.dac.kind, sub.cell.bits) == ("sa_flash", "pulse_count", 4)
    assert d.arch.calibration.array_area_factor == 1.0  # geometry, not a factor


def test_energy_grows_with_input_level():
    """Table I of the paper (as restated in CiMLoop's sinangil_jssc_2021 tests): 610.5, 351 and
    262.3 TOPS/W at mean output code 0, 6 and 15 -- the energy per MVM rises with the data.
    Here the input level sets the RWL pulse count: more pulses, more energy."""
    e = [_macro(**{"activity.input_bit_density": x}).energy_pj for x in (0.1, 0.5, 1.0)]
    assert e[0] < e[1] < e[2]


def test_readout_is_not_the_dominant_cost():
    """The SAs' input gates are the charge-sharing caps (no CDAC, no pre-amplifier), so the 16
    conversions cost less than the 64 x 15 RWL pulse slots that produce the dot products."""
    b = _macro().breakdown_pj
    assert b["adc"] < b["array"] + b["wl_driver"]
    assert b["adc"] / 17 < 0.1  # pJ per conversion (17 columns incl. the offset reference)
