"""Integrating neuron read-out (adc kind ``neuron``): NeuRRAM's voltage-mode neuron.

W. Wan et al., "A compute-in-memory chip based on resistive random-access memory",
Nature 608, 504-512 (2022) reads each output wire with a CMOS "neuron" that does four
operations (Extended Data Fig. 4): (a) initialisation -- precharge the sampling
capacitor C_sample and the output wire, discharge the integration capacitor C_integ;
(b) sampling and integration -- sample the settled output-wire voltage onto C_sample,
then move that charge onto C_integ with the amplifier; (c) comparison -- the amplifier,
switched to comparator mode, reads the polarity of the integrated voltage; (d) charge
decrement -- a unit charge is added to or taken from C_integ through the outer feedback
loop. Bit-serial (signed, ternary) inputs are weighted in the analog domain: the charge
of input bit k is integrated 2^k times, so one phase of c input cycles takes
2^c - 1 integration steps and ONE conversion of ``bits`` comparison/decrement steps
(the variable-precision ADC), instead of a conversion and a digital shift-add per input
bit. Above ``max_phase_bits`` magnitude bits the input is split into two phases
(ceil(c/2) and floor(c/2) cycles), each converted, the second only to the bits the
first has not resolved (two-phase operation, Extended Data Fig. 12a).

Energy of one input vector (one MVM) per neuron, c input cycles, d bits per cycle::

    E_mvm = s_E [ c E_sample + E_int sum_phases (2^(d c_p) - 1)/(2^d - 1)
                  + E_step sum_p max(b - d sum_{q<p} c_q, 0) ]
    s_E   = (C_node / C_130nm) (V_supply / 1.8 V)^2

and time T_mvm = t_int x integration steps + t_step x ADC steps + t_phase x phases.
The estimator counts one ``convert`` event per real conversion: one per converted phase
(a phase left with no bits to resolve is not converted) per column per read group
(:func:`conversions`, which ``ppa_sim.mapping.planner.conversions_per_input`` uses), so
``convert`` is one conversion's share of the MVM: E_mvm / n_conv and T_mvm / n_conv; the
chip's read step (one input cycle) takes info ``input_cycle_latency_ns`` = T_mvm / c.
The model takes the subarray's ``DacSpec`` (keyword ``dac``) for c and d; without it (a
stand-alone query) c = d = 1. The input bits being weighted in analog, the only digital
shift-add left combines the two phases' codes: info ``shift_adds_per_convert`` =
(phases - 1) / n_conv, which the roll-up applies to the shift-add it counts per
conversion.

Default per-operation energies, areas and times: CiMLoop's model of this chip
(hwcomponents-library, Wan et al. 2022 components at 130 nm, 1.8 V; mit-emze/cimloop
arch/1_macro/wan_nature_2022, variables_free.yaml step times). Those were set by
CiMLoop's authors to reproduce the paper's Extended Data Fig. 12, so agreement with
NeuRRAM's published neuron energy is a consistency check of the operation counts
above, not independent evidence of the per-operation energies (docs/models.md).
"""

from __future__ import annotations

from ppa_sim.components._common import area_f2_um2, bad, calib
from ppa_sim.components.adc import _param, _rate, _result
from ppa_sim.components.registry import register
from ppa_sim.cost import ComponentCost
from ppa_sim.spec.architecture import AdcSpec, CalibrationSpec, DacSpec
from ppa_sim.spec.technology import CmosNode
from ppa_sim.units import MEGA, NS_PER_S

#: Neuron supply: "Neuron ops. and control (1.8 V)" (Wan et al., Nature 2022, Extended
#: Data Fig. 12b legend); the per-operation energies below are at this supply.
NEURON_SUPPLY_V = 1.8
#: One sampling operation (precharge C_sample and the output wire, sample the wire
#: voltage): 1.2 pJ (hwcomponents-library ``wan_analog_sample``, 130 nm, 1.8 V, the
#: component CiMLoop charges once per input bit for this chip).
NEURON_SAMPLE_PJ = 1.2
#: One integration step (C_sample charge moved onto C_integ by the amplifier): 0.25 pJ
#: (hwcomponents-library ``wan_analog_integrator``, 130 nm, 1.8 V).
NEURON_INTEGRATE_PJ = 0.25
#: One conversion step (comparison + charge decrement): 0.3 pJ
#: (hwcomponents-library ``wan_variable_precision_adc``, 130 nm, 1.8 V).
NEURON_STEP_PJ = 0.3
#: Areas at 130 nm: sampling 350 µm², integrator 350 µm², variable-precision ADC 400 µm²
#: (same hwcomponents-library entries; the neurons are 28 % of a NeuRRAM core, Wan et al.
#: 2022, Extended Data Fig. 11f). The b-bit output code register (b DFFs of the node)
#: is added on top.
NEURON_AREA_UM2_130NM = 350.0 + 350.0 + 400.0
#: Step times: integration 270 ns, conversion step 300 ns, phase overhead (initialisation
#: and sampling) 300 ns (CiMLoop wan_nature_2022 variables_free.yaml LATENCY_INTEGRATE,
#: LATENCY_ADC_STEP, LATENCY_INTER_PHASE; they reproduce the paper's MVM latency, Extended
#: Data Fig. 12c: 1.47 µs at 1-bit input / 3-bit output). Set by the amplifier's bias and
#: the capacitors, not by gate delays: not scaled with the node.
NEURON_INTEGRATE_NS = 270.0
NEURON_STEP_NS = 300.0
NEURON_PHASE_NS = 300.0
#: Magnitude input bits integrated in one phase before the input is split into two
#: (CiMLoop wan_nature_2022 MAX_INPUT_BITS_BEFORE_TWO_PHASE = 3; two-phase operation,
#: Wan et al. 2022, Extended Data Fig. 12a).
NEURON_MAX_PHASE_BITS = 3
#: The library's 130 nm node (technology/cmos/130nm.yaml): full-adder switched
#: capacitance 16.3 fJ / 1.3² V², minimum inverter 212.8 F² x (130 nm)².
REF130_CAP_FF = 16.3 / 1.3 ** 2
REF130_INV_UM2 = 212.8 * 0.13 ** 2

_ALLOWED = {"sample_pj", "integrate_pj", "step_pj", "supply_v", "max_phase_bits",
            "integrate_ns", "step_ns", "phase_ns", "enob_loss_bits"}


def phases(cycles: int, bits_per_cycle: int, max_phase_bits: int) -> tuple[int, ...]:
    """Input cycles of each integration phase: one phase up to ``max_phase_bits`` magnitude
    bits, else two (ceil and floor of half the cycles)."""
    if cycles * bits_per_cycle <= max_phase_bits or cycles < 2:
        return (cycles,)
    return (-(-cycles // 2), cycles // 2)


def operation_counts(bits: int, cycles: int, bits_per_cycle: int, max_phase_bits: int
                     ) -> dict[str, int]:
    """Samples, integration steps, conversion steps and phases of one input vector."""
    ph = phases(cycles, bits_per_cycle, max_phase_bits)
    w = 2 ** bits_per_cycle
    integ = sum((w ** c - 1) // (w - 1) for c in ph)
    steps, done = 0, 0
    for c in ph:
        steps += max(bits - done, 0)
        done += c * bits_per_cycle
    return {"samples": cycles, "integration_steps": integ, "adc_steps": steps,
            "phases": len(ph)}


def phase_plan(spec: AdcSpec, cycles: int, bits_per_cycle: int) -> tuple[tuple[int, int], ...]:
    """(input cycles, conversion bits) of each phase, in :func:`operation_counts`' order: the
    first phase (the most significant cycles) converts all ``bits``, the next only the bits
    it leaves (``adc_steps``); ``params.max_phase_bits`` as :func:`neuron_readout` reads it."""
    mp = int(_param(spec, "max_phase_bits", NEURON_MAX_PHASE_BITS, _ALLOWED))
    ph = phases(cycles, bits_per_cycle, mp)
    return tuple((c, max(spec.bits - sum(ph[:i]) * bits_per_cycle, 0)) for i, c in enumerate(ph))


def conversions(spec: AdcSpec, cycles: int, bits_per_cycle: int) -> int:
    """Conversions per column per MVM of ``cycles`` input cycles: one per phase of
    :func:`phase_plan` that has bits left to convert (the first always has)."""
    return sum(1 for _, b in phase_plan(spec, cycles, bits_per_cycle) if b > 0)


@register("adc", "neuron")
def neuron_readout(spec: AdcSpec, node: CmosNode, *, calibration: CalibrationSpec | None = None,
                   dac: DacSpec | None = None) -> ComponentCost:
    """NeuRRAM-style integrating neuron (sample, binary-weighted integration, charge-
    decrement conversion); ``convert`` = one conversion's share of one MVM (module doc).

    params: ``sample_pj`` (1.2), ``integrate_pj`` (0.25), ``step_pj`` (0.3) at
    ``supply_v`` (1.8) and 130 nm; ``max_phase_bits`` (3); ``integrate_ns`` (270),
    ``step_ns`` (300), ``phase_ns`` (300); ``enob_loss_bits`` (0.5).
    """
    cal = calib(calibration)
    e_sample = _param(spec, "sample_pj", NEURON_SAMPLE_PJ, _ALLOWED)
    e_int = _param(spec, "integrate_pj", NEURON_INTEGRATE_PJ, _ALLOWED)
    e_step = _param(spec, "step_pj", NEURON_STEP_PJ, _ALLOWED)
    supply = _param(spec, "supply_v", NEURON_SUPPLY_V, _ALLOWED)
    max_phase = _param(spec, "max_phase_bits", NEURON_MAX_PHASE_BITS, _ALLOWED)
    t_int = _param(spec, "integrate_ns", NEURON_INTEGRATE_NS, _ALLOWED)
    t_step = _param(spec, "step_ns", NEURON_STEP_NS, _ALLOWED)
    t_phase = _param(spec, "phase_ns", NEURON_PHASE_NS, _ALLOWED)
    loss = _param(spec, "enob_loss_bits", 0.5, _ALLOWED)
    positive = {"sample_pj": e_sample, "integrate_pj": e_int, "step_pj": e_step,
                "supply_v": supply, "integrate_ns": t_int, "step_ns": t_step}
    for name, val in positive.items():
        if val <= 0:
            raise bad(f"subarray.adc.params.{name}", "must be positive", value=val,
                      allowed="> 0")
    if t_phase < 0:
        raise bad("subarray.adc.params.phase_ns", "must not be negative", value=t_phase,
                  allowed=">= 0")
    if max_phase < 1 or max_phase != int(max_phase):
        raise bad("subarray.adc.params.max_phase_bits", "must be a positive integer",
                  value=max_phase, allowed=">= 1")
    cycles = dac.cycles if dac is not None else 1
    d = dac.dac_bits if dac is not None else 1
    b = spec.bits
    n = operation_counts(b, cycles, d, int(max_phase))
    s_e = (node.full_adder_energy_fj / node.vdd_v ** 2 / REF130_CAP_FF
           * (supply / NEURON_SUPPLY_V) ** 2)
    e_mvm = s_e * (n["samples"] * e_sample + n["integration_steps"] * e_int
                   + n["adc_steps"] * e_step)
    t_mvm = (n["integration_steps"] * t_int + n["adc_steps"] * t_step
             + n["phases"] * t_phase)
    s_a = area_f2_um2(node, node.inv_area_f2) / REF130_INV_UM2
    area = s_a * NEURON_AREA_UM2_130NM + b * area_f2_um2(node, node.dff_area_f2)
    # phases converted (a phase with no bits left is not read out), as phase_plan gives them
    ph = phases(cycles, d, int(max_phase))
    n_conv = sum(1 for i in range(len(ph)) if b - sum(ph[:i]) * d > 0)
    t_event = t_mvm / n_conv
    f_max = NS_PER_S / t_event / MEGA
    fs = _rate(spec, f_max, f_max, "neuron")
    return _result(e_mvm / n_conv, area, fs, f_max, max(1.0, b - loss), cal,
                   input_cycles=float(cycles), phases=float(n["phases"]),
                   conversions=float(n_conv), input_cycle_latency_ns=t_mvm / cycles,
                   integration_steps=float(n["integration_steps"]),
                   adc_steps=float(n["adc_steps"]), mvm_energy_pj=e_mvm * cal.adc_energy_factor,
                   mvm_latency_ns=t_mvm,
                   # the input bits are weighted in analog: the only digital shift-add left
                   # combines the phases (one per column per MVM with two phases)
                   shift_adds_per_convert=(n["phases"] - 1) / n_conv)
