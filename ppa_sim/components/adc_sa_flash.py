"""Sense-amplifier flash ADC whose comparators' input gates are the charge-sharing caps.

Kind ``"sa_flash"`` (group ``adc``; signature as every ADC, contract in
``ppa_sim.components``)::

    fn(spec: AdcSpec, node: CmosNode, *, calibration=None) -> ComponentCost

The read-out of TSMC's 7 nm SRAM CIM macro (M. E. Sinangil et al., "A 7-nm
compute-in-memory SRAM macro supporting multi-bit input, weight and output and
achieving 351 TOPS/W and 372.4 GOPS", IEEE JSSC 56(1), 2021, abstract): a b-bit
flash of 2^b - 1 clocked sense amplifiers (SAs); the 4 bit-line columns of one
4-bit weight are charge-shared over binary-weighted computation caps, and "each
unit of computation cap is formed by the inherent cap of the SA inside the
4-bit flash ADC". So 2^b - 1 unit caps (1 + 2 + 4 + 8 for 4 bits) are the
signal-side input gates of the 2^b - 1 SAs: there is no separate sampling
capacitor, CDAC or pre-amplifier, and no static bias.

Energy per conversion, built bottom-up from the node card (no anchor to a
published ADC figure, unlike the ``flash`` kind, which is Van der Plas' 90 nm
1.25 GS/s pre-amplified flash scaled by switched capacitance):

* each SA is a StrongARM latch (B. Razavi, "The StrongARM latch", IEEE
  Solid-State Circuits Magazine 7(2), 2015, Fig. 1: input pair M1/M2 on a
  clocked tail M7, cross-coupled pairs M3/M4 (n) and M5/M6 (p), four reset
  switches S1-S4). Per decision the reset precharges the input-pair drains P, Q
  and the outputs X, Y to Vdd; evaluation discharges P and Q and, after
  regeneration, one of X / Y fully (the other partly, counted fully: an upper
  bound), and the clock swings the gates of M7 and S1-S4:
  ``E_SA = (2 C_P + 2 C_X + C_clk) Vdd^2`` with
  ``C_P = C_j (W_in + W_n + W_r)``, ``C_X = C_j (W_n + W_p + W_r) + C_g (W_n + W_p)
  + C_in,inv`` (the output inverter / SR-latch input), ``C_clk = C_g (W_tail + 4 W_r)``;
  W_in = C_u / C_g per µm (the input gate IS the unit computation cap C_u),
  W_tail = W_in (the tail carries the pair's current), the latch and reset
  devices minimum width (one fin at FinFET nodes).
* the computation caps: the 2^b - 1 unit caps C_u are reset to Vdd before each
  MAC and discharged with the bit lines they share; restoring them takes
  ``(2^b - 1) C_u Vdd dV`` with mean ``dV = m Vdd`` (m = mean output-code
  fraction, 0.5: half scale, the convention of the ``cco`` kind).
* thermometer-to-binary encoder: 2^b (b/2) two-input gates, half switching
  (the same count as the ``mlsa`` kind, after NeuroSim's MultilevelSenseAmp),
  and a b-bit output register.

Timing: SA regeneration + encoder, the ``flash`` kind's 0.6 ns + 0.05 ns/bit at
90 nm scaled by FO4 (a latch resolves in a few regeneration constants C/g_m,
Razavi 2015, which track the node's FO4 delay).

params: ``unit_cap_ff`` (1.0), ``mean_code_fraction`` (0.5), ``enob_loss_bits`` (0.5).
"""

from __future__ import annotations

from ppa_sim.components._common import (
    area_f2_um2,
    bad,
    c_inv_in_ff,
    calib,
    cdrain_ff,
    cgate_ff,
    wmin_um,
)
from ppa_sim.components.adc import (
    FLASH_T_CMP_NS,
    FLASH_T_ENC_PER_BIT_NS,
    REF90_FO4_PS,
    _param,
    _rate,
    _result,
    thermal_floor_pj,
    thermometer_encoder,
)
from ppa_sim.components.registry import register
from ppa_sim.cost import ComponentCost
from ppa_sim.spec.architecture import AdcSpec, CalibrationSpec
from ppa_sim.spec.technology import CmosNode
from ppa_sim.units import MEGA, NS_PER_S, PJ_PER_FJ, pj_from_ff_v2

#: Unit computation capacitance (fF) = one SA's input-gate capacitance: 1 fF, CiMLoop's
#: model of the Sinangil et al. macro (mit-emze/cimloop,
#: workspace/models/arch/1_macro/sinangil_jssc_2021/arch.yaml: binary-weighting
#: capacitors of 1e-15 F x 2^4 per 4-bit column, i.e. a 1 fF unit).
SA_UNIT_CAP_FF = 1.0
#: Transistors of one StrongARM SA besides the input pair and the tail: M3-M6 and
#: S1-S4 (Razavi 2015, Fig. 1), each of minimum width.
SA_MIN_DEVICES = 8
#: The SA's output SR latch: two cross-coupled NAND2 gates (Razavi 2015, Fig. 9).
SA_LATCH_NAND2 = 2


def sa_flash_sizes(node: CmosNode, unit_cap_ff: float) -> dict[str, float]:
    """Device widths (µm) of one SA: input pair, tail, latch/reset devices."""
    w_in = unit_cap_ff / node.cgate_ff_per_um
    w_min = wmin_um(node)
    return {"w_in_um": w_in, "w_tail_um": w_in, "w_min_um": w_min}


def strongarm_energy_pj(node: CmosNode, unit_cap_ff: float) -> float:
    """Switched energy (pJ) of one StrongARM decision at the node's Vdd."""
    s = sa_flash_sizes(node, unit_cap_ff)
    w_in, w_tail, w = s["w_in_um"], s["w_tail_um"], s["w_min_um"]
    c_p = cdrain_ff(node, w_in + 2 * w)                      # M1 drain, M3 source, S1
    c_x = cdrain_ff(node, 3 * w) + cgate_ff(node, 2 * w) + c_inv_in_ff(node)
    c_clk = cgate_ff(node, w_tail + 4 * w)                   # M7 and S1-S4 gates
    return pj_from_ff_v2(2 * c_p + 2 * c_x + c_clk, node.vdd_v)


@register("adc", "sa_flash")
def sa_flash_adc(spec: AdcSpec, node: CmosNode, *, calibration: CalibrationSpec | None = None
                 ) -> ComponentCost:
    """Flash ADC of 2^b - 1 StrongARM SAs whose input gates are the unit charge-sharing caps.

    E = N [E_SA + C_u Vdd² m] + 2^b (b/2) E_NAND2/2 + b E_DFF + E_thermal,  N = 2^b - 1;
    A = N [(3 W_in/W_min + 8) A_T + 2 A_NAND2] + 2^b (b/2) A_NAND2;
    t = (0.6 + 0.05 b) ns x FO4/FO4_90nm.
    """
    cal = calib(calibration)
    allowed = {"unit_cap_ff", "mean_code_fraction", "enob_loss_bits"}
    c_u = _param(spec, "unit_cap_ff", SA_UNIT_CAP_FF, allowed)
    frac = _param(spec, "mean_code_fraction", 0.5, allowed)
    loss = _param(spec, "enob_loss_bits", 0.5, allowed)
    if c_u <= 0:
        raise bad("subarray.adc.params.unit_cap_ff", "must be positive", value=c_u)
    if not 0 < frac <= 1:
        raise bad("subarray.adc.params.mean_code_fraction", "must be in (0, 1]", value=frac)
    b = spec.bits
    n_sa = 2 ** b - 1
    v = node.vdd_v
    e_sa = strongarm_energy_pj(node, c_u)
    e_caps = n_sa * c_u * v * (frac * v) * PJ_PER_FJ
    e_enc, a_enc = thermometer_encoder(node, b)
    e_reg = b * node.dff_energy_fj * PJ_PER_FJ
    e = n_sa * e_sa + e_caps + e_enc + e_reg + thermal_floor_pj(b)

    s = sa_flash_sizes(node, c_u)
    a_t = area_f2_um2(node, node.inv_area_f2) / 2.0
    a_nand = area_f2_um2(node, node.nand2_area_f2)
    devices = (2 * s["w_in_um"] + s["w_tail_um"]) / s["w_min_um"] + SA_MIN_DEVICES
    a = n_sa * (devices * a_t + SA_LATCH_NAND2 * a_nand) + a_enc

    t = (FLASH_T_CMP_NS + FLASH_T_ENC_PER_BIT_NS * b) * node.fo4_delay_ps / REF90_FO4_PS
    f_max = NS_PER_S / t / MEGA
    fs = _rate(spec, f_max, f_max, "sa_flash")
    return _result(e, a, fs, f_max, max(1.0, b - loss), cal, comparators=n_sa,
                   sa_energy_fj=e_sa / PJ_PER_FJ, cap_energy_fj=e_caps / PJ_PER_FJ,
                   input_width_um=s["w_in_um"])
