"""Pulse-count word-line driver: a multi-bit input as a NUMBER of unit read pulses.

Kind ``"pulse_count"`` (group ``dac``; signature as every driver, contract in
``ppa_sim.components``)::

    fn(dac: DacSpec, sub: SubarraySpec, tech: Technology, *, calibration=None) -> ComponentCost

TSMC's 7 nm SRAM CIM macro applies its 4-bit input as "the number of read
word-line (RWL) pulses" (Sinangil et al., IEEE JSSC 56(1), 2021, abstract): an
input x fires x separate unit pulses within a window of 2^d - 1 pulse slots.
Unlike the pulse-WIDTH-modulated ``wl_driver`` (HERMES: one pulse of x units,
the word line charged once), every pulse charges and discharges the word line
and the driver's buffer chain again. The array model charges the word-line
load once per pulse (``read``: ``2^d - 1`` pulse slots per full-scale input,
see ``ppa_sim.components.array.read_window``); this driver adds its own
per-pulse energy.

drive_row (one full-scale row; the estimator weights it by the mean input
level): the ``wl_driver`` per-row logic (d-bit input latch and the per-slot
compare against the shared step counter that gates each pulse) plus the buffer
chain's internal capacitance switched once per pulse:
``E = E_wl_driver + (2^d - 2) C_int Vdd²`` (the first pulse is in E_wl_driver).
Area and leakage: those of the ``wl_driver`` (the same gates).
"""

from __future__ import annotations

from ppa_sim.components.array import parasitics
from ppa_sim.components.dac import _chain, _params, wl_driver
from ppa_sim.components.registry import register
from ppa_sim.cost import ActionCost, ComponentCost
from ppa_sim.spec.architecture import CalibrationSpec, DacSpec, SubarraySpec
from ppa_sim.spec.technology import Technology
from ppa_sim.units import pj_from_ff_v2


def pulse_slots(dac: DacSpec) -> int:
    """Unit pulse slots per read window: 2^dac_bits - 1 (1 for a 1-bit input)."""
    return 2 ** dac.dac_bits - 1


@register("dac", "pulse_count")
def pulse_count_driver(dac: DacSpec, sub: SubarraySpec, tech: Technology, *,
                       calibration: CalibrationSpec | None = None) -> ComponentCost:
    """Word-line driver firing ``x`` unit pulses for an input ``x`` (pulse-count coding).

    drive_row: E = d E_dff + (2^d - 1) d-bit compares + (2^d - 1) C_int Vdd² (full scale).
    """
    _params(dac, {})  # no knobs; checked here so the error names this kind, not wl_driver
    base = wl_driver(dac.model_copy(update={"kind": "wl_driver"}), sub, tech,
                     calibration=calibration)
    node = tech.node
    _, c_int, _, _ = _chain(parasitics(sub, tech).c_wl_ff, node)
    slots = pulse_slots(dac)
    e_extra = (slots - 1) * pj_from_ff_v2(c_int, node.vdd_v)
    act = base.actions["drive_row"]
    return ComponentCost(area_um2=base.area_um2, leakage_uw=base.leakage_uw,
                         actions={"drive_row": ActionCost(act.energy_pj + e_extra,
                                                          act.latency_ns)},
                         info={**base.info, "pulse_steps": slots})
