"""Charge-redistribution SAR ADC built from its parts (ADC kind ``cdac_sar``).

Signature (contract in ``ppa_sim.components``)::

    fn(spec: AdcSpec, node: CmosNode, *, calibration=None) -> ComponentCost

Unlike the ``sar`` kind (an energy/area fit to one published converter, scaled to the
node), this model sums the physical parts of one conversion, so a macro whose ADC
capacitors, reference and switching scheme are known can be modelled from them:

* **CDAC switching**: the binary-weighted capacitor array (unit ``C_u``) is switched
  once per bit; the energy drawn from the reference, averaged over uniformly
  distributed inputs, is ``k_sw(b, scheme) C_u V_ref²``. ``k_sw`` is computed here by
  charge accounting over every output code (:func:`switching_factor`); it reproduces
  the published averages (10 bits: conventional 1363.3, monotonic 255.5, Vcm-based
  170.2 C V_ref²; see the constants below).
* **comparator**: a StrongARM latch making ``b`` decisions; each decision charges its
  four internal nodes (two integrating nodes, two outputs) to Vdd. The node capacitance
  is the larger of a minimum latch and the kT/C bound that keeps the comparator's
  input-referred thermal noise below half an LSB (B. Razavi, "The StrongARM latch",
  IEEE Solid-State Circuits Magazine 7(2), 2015: the noise is set by kT/C of the
  integrating nodes).
* **SAR logic**: ``b`` result flip-flops and a ``b + 1``-stage sequencer, all clocked
  every bit cycle, plus one minimum inverter per switched capacitor driver.
* **reference buffer** (optional, ``ref_buffer_ua``): a static bias for the whole
  conversion time.

Area: the CDAC's unit capacitors at the node's MOM density with a keep-out border each
(the same capacitor model as the C-2C array cells, hwcomponents-library ``Capacitor``
defaults), the comparator sized to its node capacitance, the flip-flops and drivers.
Timing: ``b + 1`` bit cycles, each the ``sar`` kind's (Kull et al.) bit-cycle time scaled
by FO4 plus the CDAC settling to half an LSB through binary-scaled switches (every bit's
RC = the unit capacitor's through a minimum switch). ``params.pipelined = 1`` marks a converter that holds its sample on the CDAC,
so the array may evaluate the next read while it converts (info ``pipelined``; the
estimator then overlaps conversion and read).
"""

from __future__ import annotations

import numpy as np

from ppa_sim.components._common import (
    area_f2_um2,
    bad,
    calib,
    cdrain_ff,
    cgate_ff,
    r_on_ohm,
    settle_factor,
    wmin_um,
)
from ppa_sim.components.adc import REF32_FO4_PS, SAR_T_CYCLE_NS, _param, _rate, _result
from ppa_sim.components.array import (
    C2C_CAP_BORDER_UM2_22NM,
    C2C_CAP_DENSITY_FF_PER_UM2_22NM,
    C2C_REF_NODE_NM,
)
from ppa_sim.components.registry import register
from ppa_sim.cost import ComponentCost
from ppa_sim.spec.architecture import AdcSpec, CalibrationSpec
from ppa_sim.spec.technology import CmosNode
from ppa_sim.units import MEGA, NS_PER_S, PJ_PER_FJ, ns_from_ohm_ff

#: Switching schemes (``params.switching``):
#: 0 conventional binary search (J. L. McCreary, P. R. Gray, "All-MOS charge
#:   redistribution analog-to-digital conversion techniques", IEEE JSSC 10(6), 1975;
#:   average energy as analysed by B. P. Ginsburg, A. P. Chandrakasan, "500-MS/s 5-bit
#:   ADC in 65-nm CMOS with split capacitor array DAC", IEEE JSSC 42(4), 2007:
#:   1363.3 C V² at 10 bits, differential);
#: 1 monotonic (C.-C. Liu et al., "A 10-bit 50-MS/s SAR ADC with a monotonic capacitor
#:   switching procedure", IEEE JSSC 45(4), 2010: 255.5 C V² at 10 bits; differential
#:   only, b - 1 bit arrays per side);
#: 2 Vcm-based (Y. Zhu et al., "A 10-bit 100-MS/s reference-free SAR ADC in 90 nm
#:   CMOS", IEEE JSSC 45(6), 2010: 170.2 C V² at 10 bits; differential only).
SWITCHING_NAMES = {0: "conventional", 1: "monotonic", 2: "vcm"}

#: Default unit capacitor: 1 fF, the order of the smallest matched metal-fringe units of
#: 8-10 bit SAR CDACs in 28-65 nm (assumption; set ``unit_cap_ff`` from the design).
CDAC_UNIT_CAP_FF = 1.0
#: Boltzmann constant x 300 K (J).
KT_J = 1.380649e-23 * 300.0
#: Comparator thermal noise target: sigma <= LSB / 2 (keeps the ENOB loss near the
#: default 0.5 bit of ``enob_loss_bits``).
CMP_NOISE_LSB = 0.5
#: StrongARM latch: 4 switched internal nodes per decision (Razavi 2015, Fig. 1), 11
#: transistors (input pair M1/M2, cross-coupled pairs M3-M6, tail M7, reset switches
#: S1-S4; the same count as the ``sa_flash`` kind's SA). No output SR latch: the SAR's
#: result flip-flops capture each decision.
CMP_NODES = 4
CMP_TRANSISTORS = 11
#: Flip-flops clocked every bit cycle draw their clock-pin share, about half of a full
#: output toggle (assumption); the two that change state per cycle draw a full toggle.
DFF_CLOCK_SHARE = 0.5


def _codes(bits: int) -> np.ndarray:
    return (np.arange(2 ** bits) + 0.5) / 2 ** bits


def _transition(w: np.ndarray, q: np.ndarray, v: np.ndarray, v_new: np.ndarray,
                refs: tuple[float, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Energy (C_u V_ref² units) drawn from the positive references when the bottom plates
    go from ``v`` to ``v_new`` with the floating top plate's charge ``q`` conserved."""
    c_tot = w.sum()
    vx = (q + (w * v).sum(-1)) / c_tot
    vx_new = (q + (w * v_new).sum(-1)) / c_tot
    e = np.zeros(v.shape[0])
    for r in refs:
        on = np.isclose(v_new, r)
        e += r * (on * w * ((v_new - vx_new[:, None]) - (v - vx[:, None]))).sum(-1)
    return e, vx_new


def _conventional_single(bits: int) -> float:
    """Single-ended conventional CDAC (bottom-plate sampling, dummy unit): mean energy."""
    w = np.array([2.0 ** k for k in range(bits)] + [1.0])
    q = -w.sum() * _codes(bits)  # after sampling: top plate at -V_in, bottom plates at 0
    v = np.zeros((2 ** bits, bits + 1))
    e = np.zeros(2 ** bits)
    prev_zero = None
    for i in range(bits):
        k = bits - 1 - i
        v_new = v.copy()
        v_new[:, k] = 1.0  # trial: next bit to V_ref ...
        if prev_zero is not None:
            v_new[prev_zero, k + 1] = 0.0  # ... and a rejected previous bit back to ground
        de, vx = _transition(w, q, v, v_new, (1.0,))
        e += de
        v = v_new
        prev_zero = vx > 0
    return float(e.mean())


def _differential(bits: int, scheme: int) -> float:
    """Differential monotonic (1) or Vcm-based (2) CDAC, top-plate sampling: mean energy."""
    vd = 2.0 * _codes(bits) - 1.0
    vcm = 0.5
    w = np.array([2.0 ** k for k in range(bits - 1)] + [1.0])
    c_tot = w.sum()
    init = 1.0 if scheme == 1 else vcm
    refs = (1.0,) if scheme == 1 else (1.0, vcm)
    vp = np.full((2 ** bits, bits), init)
    vm = vp.copy()
    qp = c_tot * (vcm + vd / 2 - init)
    qm = c_tot * (vcm - vd / 2 - init)
    xp = (qp + (w * vp).sum(-1)) / c_tot
    xm = (qm + (w * vm).sum(-1)) / c_tot
    e = np.zeros(2 ** bits)
    for i in range(bits - 1):  # the MSB is decided without switching
        k = bits - 2 - i
        hi = xp > xm
        vp_new, vm_new = vp.copy(), vm.copy()
        if scheme == 1:  # only the higher side moves down
            vp_new[hi, k] = 0.0
            vm_new[~hi, k] = 0.0
        else:  # Vcm -> ground on the higher side, Vcm -> V_ref on the other
            vp_new[hi, k], vm_new[hi, k] = 0.0, 1.0
            vp_new[~hi, k], vm_new[~hi, k] = 1.0, 0.0
        dp, xp = _transition(w, qp, vp, vp_new, refs)
        dm, xm = _transition(w, qm, vm, vm_new, refs)
        e += dp + dm
        vp, vm = vp_new, vm_new
    return float(e.mean())


def switching_factor(bits: int, scheme: int, differential: bool) -> float:
    """Mean CDAC switching energy per conversion in units of C_u V_ref² (uniform inputs)."""
    if scheme == 0:
        return (2.0 if differential else 1.0) * _conventional_single(bits)
    if bits < 2:
        return 0.0
    return _differential(bits, scheme)


def cdac_units(bits: int, scheme: int, differential: bool) -> int:
    """Unit capacitors of the CDAC (both sides when differential, dummy unit included)."""
    per_side = 2 ** bits if scheme == 0 else 2 ** (bits - 1)
    return per_side * (2 if differential else 1)


@register("adc", "cdac_sar")
def cdac_sar_adc(spec: AdcSpec, node: CmosNode, *, calibration: CalibrationSpec | None = None
                 ) -> ComponentCost:
    """Charge-redistribution SAR ADC from its parts (CDAC, comparator, logic, reference).

    E = k_sw(b) C_u V_ref² + b·4·C_cmp·Vdd² + (b+1)[(2b+1)/2 + 2] E_dff
        + N_u 2 (C_g + C_d)_min Vdd² + I_ref Vdd t_conv;
    C_cmp = max(4 (C_g + C_d)_min, kT / (LSB/2)²);
    A = n_u (C_u / ρ_C + border) + 11 A_T max(1, C_cmp / 4 C_min) + (2b + 1) A_dff
        + 2 b n_side A_inv;
    t_conv = (b + 1) t_bit, t_bit = 75 ps x FO4 / FO4_32nm + ln(2^(b+1)) R_on,min C_u.
    params: ``unit_cap_ff`` (1), ``switching`` (0 conventional, 1 monotonic, 2 Vcm-based),
    ``differential`` (0; 1 for schemes 1 and 2), ``ref_fraction`` (V_ref / Vdd, 1),
    ``ref_buffer_ua`` (0), ``pipelined`` (0), ``enob_loss_bits`` (0.5).
    """
    cal = calib(calibration)
    allowed = {"unit_cap_ff", "switching", "differential", "ref_fraction", "ref_buffer_ua",
               "pipelined", "enob_loss_bits"}
    c_u = _param(spec, "unit_cap_ff", CDAC_UNIT_CAP_FF, allowed)
    scheme_f = _param(spec, "switching", 0.0, allowed)
    diff_f = _param(spec, "differential", 0.0 if scheme_f == 0 else 1.0, allowed)
    ref_frac = _param(spec, "ref_fraction", 1.0, allowed)
    i_ref_ua = _param(spec, "ref_buffer_ua", 0.0, allowed)
    pipe_f = _param(spec, "pipelined", 0.0, allowed)
    loss = _param(spec, "enob_loss_bits", 0.5, allowed)
    key = "subarray.adc.params"
    if scheme_f not in SWITCHING_NAMES:
        raise bad(f"{key}.switching", "unknown switching scheme", value=scheme_f,
                  allowed="0 (conventional), 1 (monotonic), 2 (Vcm-based)")
    scheme = int(scheme_f)
    for flag, val in (("differential", diff_f), ("pipelined", pipe_f)):
        if val not in (0.0, 1.0):
            raise bad(f"{key}.{flag}", "is a flag", value=val, allowed="0 or 1")
    differential = diff_f == 1.0
    if scheme != 0 and not differential:
        raise bad(f"{key}.differential", f"{SWITCHING_NAMES[scheme]} switching needs a "
                  "differential CDAC", value=diff_f, allowed="1")
    if pipe_f == 1.0 and spec.columns_per_adc > 1:
        raise bad(f"{key}.pipelined", "a pipelined converter holds ONE column's sample while "
                  "the array evaluates the next read; with a column mux the other columns "
                  "would be overwritten", value=f"columns_per_adc: {spec.columns_per_adc}",
                  allowed="columns_per_adc: 1")
    if c_u <= 0:
        raise bad(f"{key}.unit_cap_ff", "must be positive", value=c_u, allowed="> 0")
    if not 0 < ref_frac <= 1:
        raise bad(f"{key}.ref_fraction", "is V_ref / Vdd", value=ref_frac,
                  allowed="0 < ref_fraction <= 1")
    if i_ref_ua < 0:
        raise bad(f"{key}.ref_buffer_ua", "must not be negative", value=i_ref_ua,
                  allowed=">= 0")
    b = spec.bits
    vdd = node.vdd_v
    v_ref = ref_frac * vdd

    # ---- timing: b + 1 bit cycles (sampling + b decisions); each cycle = comparator and
    # logic delay + CDAC settling to half an LSB through binary-scaled bottom-plate
    # switches (switch k is 2^k minimum widths, so every bit's RC is the unit's)
    t_settle = settle_factor(b) * ns_from_ohm_ff(r_on_ohm(node, wmin_um(node)), c_u)
    t_bit = SAR_T_CYCLE_NS * node.fo4_delay_ps / REF32_FO4_PS + t_settle
    f_max = NS_PER_S / ((b + 1) * t_bit) / MEGA
    fs = _rate(spec, f_max, f_max, "cdac_sar")
    t_conv = NS_PER_S / (fs * MEGA)

    # ---- energy (fF x V² = fJ)
    k_sw = switching_factor(b, scheme, differential)
    e_dac = k_sw * c_u * v_ref ** 2 * PJ_PER_FJ
    c_min = cgate_ff(node, wmin_um(node)) + cdrain_ff(node, wmin_um(node))
    lsb_v = (2.0 if differential else 1.0) * v_ref / 2 ** b
    c_noise_ff = KT_J / (CMP_NOISE_LSB * lsb_v) ** 2 * 1e15
    c_cmp = max(4.0 * c_min, c_noise_ff)
    e_cmp = b * CMP_NODES * c_cmp * vdd ** 2 * PJ_PER_FJ
    e_dff = node.dff_energy_fj * PJ_PER_FJ
    n_dff = 2 * b + 1
    # binary-scaled switches (2^k minimum nMOS + pMOS per unit weight, one side's total
    # 2^b units): each conversion turns every bit's switch pair over once on average
    c_sw_unit = 2.0 * (cgate_ff(node, wmin_um(node)) + cdrain_ff(node, wmin_um(node)))
    units_per_side = cdac_units(b, scheme, differential) / (2 if differential else 1)
    e_drv = (2 if differential else 1) * units_per_side * c_sw_unit * vdd ** 2 * PJ_PER_FJ
    e_logic = (b + 1) * (DFF_CLOCK_SHARE * n_dff + 2.0) * e_dff + e_drv
    e_ref = i_ref_ua * 1e-6 * vdd * t_conv * 1e-9 * 1e12
    e = e_dac + e_cmp + e_logic + e_ref

    # ---- area
    k = (node.node_nm / C2C_REF_NODE_NM) ** 2
    density = C2C_CAP_DENSITY_FF_PER_UM2_22NM / k
    units = cdac_units(b, scheme, differential)
    a_cdac = units * (c_u / density + C2C_CAP_BORDER_UM2_22NM * k)
    a_t = area_f2_um2(node, node.inv_area_f2) / 2.0
    a_cmp = CMP_TRANSISTORS * a_t * max(1.0, c_cmp / (4.0 * c_min))
    sides = 2 if differential else 1
    a_logic = (n_dff * area_f2_um2(node, node.dff_area_f2)
               + 2 * b * sides * area_f2_um2(node, node.inv_area_f2))
    a = a_cdac + a_cmp + a_logic
    enob = max(1.0, b - loss)
    extra = {"cdac_units": float(units), "switching_factor": k_sw,
             "cdac_energy_pj": e_dac * cal.adc_energy_factor,
             "comparator_energy_pj": e_cmp * cal.adc_energy_factor,
             "logic_energy_pj": e_logic * cal.adc_energy_factor,
             "reference_energy_pj": e_ref * cal.adc_energy_factor,
             "cdac_area_um2": a_cdac * cal.adc_area_factor,
             "comparator_cap_ff": c_cmp}
    if pipe_f == 1.0:
        extra["pipelined"] = 1.0
    return _result(e, a, fs, f_max, enob, cal, **extra)
