"""Column ADC models: SAR, flash, NeuroSim multilevel sense amp, ramp, CCO.

Signature (contract in ``ppa_sim.components``)::

    fn(spec: AdcSpec, node: CmosNode, *, calibration=None) -> ComponentCost

one ADC; action ``convert`` = one conversion of ``spec.bits`` bits.

Every model has the same structure: energy per conversion E(bits, f_s, node),
area A(bits, node), a maximum rate f_max(bits, node) (asking for more is a
ConfigError), and a nominal rate used when ``spec.sample_rate_msps`` is None.
Node scaling of the models anchored to a published design (SAR, flash),
relative to the library's node of the reference design: switched energy ∝
C_eff·Vdd² with C_eff = full-adder energy / Vdd² of the node (the
capacitance the node's cited logic energy implies), area ∝ the node's
minimum-inverter area (inv_area_f2 x F², so nodes below 14 nm, whose layout no
longer shrinks with F², are not over-scaled), speed ∝ 1/FO4. The other models
are built from the node's transistor and standard-cell figures directly.
"""

from __future__ import annotations

import math

from ppa_sim.components._common import (
    DEFAULT_CALIBRATION,
    area_f2_um2,
    bad,
    calib,
    cdrain_ff,
    cgate_ff,
    check_param_names,
    e_inv_pj,
    fo4_ns,
    log2c,
    pn_ratio,
    wmin_um,
)
from ppa_sim.components.registry import register
from ppa_sim.cost import ActionCost, ComponentCost
from ppa_sim.spec.architecture import AdcSpec, CalibrationSpec
from ppa_sim.spec.technology import CmosNode
from ppa_sim.units import (
    A_PER_UA,
    MEGA,
    MW_PER_W,
    NS_PER_S,
    PJ_PER_FJ,
    PJ_PER_J,
    pj_from_ff_v2,
)

# ----------------------------------------------------------------------------- shared

#: Thermal-noise floor: best Schreier FoM  FoM_S = SNDR + 10 log10(f_s / 2 / P)
#: of the Murmann ADC survey envelope (B. Murmann, "ADC Performance Survey
#: 1997-2023", ~185 dB for low-speed converters). Energy per conversion
#: >= 0.5 * 10^((SNDR - FoM_S)/10) J with SNDR = 6.02 ENOB + 1.76 dB. Matters
#: above ~10 bits only; node-independent (kT/C).
SCHREIER_FOM_DB = 185.0


def thermal_floor_pj(enob: float) -> float:
    """Minimum energy per conversion (pJ) at the survey's Schreier-FoM envelope."""
    sndr_db = 6.02 * enob + 1.76
    return 0.5 * 10.0 ** ((sndr_db - SCHREIER_FOM_DB) / 10.0) * PJ_PER_J


def _rate(spec: AdcSpec, f_max_msps: float, f_nominal_msps: float, kind: str) -> float:
    if spec.sample_rate_msps is None:
        return min(f_max_msps, f_nominal_msps)
    if spec.sample_rate_msps > f_max_msps * (1 + 1e-9):
        raise bad("subarray.adc.sample_rate_msps",
                  f"a {spec.bits}-bit {kind} ADC at this node converts at most "
                  f"{f_max_msps:.4g} MS/s", value=spec.sample_rate_msps,
                  allowed=f"<= {f_max_msps:.4g}")
    return spec.sample_rate_msps


def _param(spec: AdcSpec, name: str, default: float, allowed: set[str]) -> float:
    check_param_names("subarray.adc.params", f"a {spec.kind} ADC", spec.params, allowed)
    value = float(spec.params.get(name, default))
    if name == "enob_loss_bits" and name in spec.params and not 0.0 <= value < spec.bits:
        # every kind's ENOB is bits - loss: a negative loss or one of all the bits is no ADC
        raise bad("subarray.adc.params.enob_loss_bits", "must leave a positive ENOB",
                  value=value, allowed=f"0 <= enob_loss_bits < bits ({spec.bits})")
    return value


def _result(energy_pj: float, area_um2: float, rate_msps: float, f_max_msps: float,
            enob: float, cal: CalibrationSpec, leakage_uw: float = 0.0,
            latency_ns: float | None = None, **extra: float) -> ComponentCost:
    e = energy_pj * cal.adc_energy_factor
    a = area_um2 * cal.adc_area_factor
    t = (1.0 / (rate_msps * MEGA)) * NS_PER_S if latency_ns is None else latency_ns
    info = {
        "sample_rate_msps": rate_msps,
        "max_sample_rate_msps": f_max_msps,
        "enob": enob,
        "fom_fj_per_step": e / PJ_PER_FJ / 2.0 ** enob,
        "power_mw": e / PJ_PER_J * rate_msps * MEGA * MW_PER_W,
        **extra,
    }
    return ComponentCost(area_um2=a, leakage_uw=leakage_uw,
                         actions={"convert": ActionCost(e, t)}, info=info)


# ----------------------------------------------------------------------------- SAR

#: Reference design of the SAR model: L. Kull et al., "A 3.1 mW 8b 1.2 GS/s
#: single-channel asynchronous SAR ADC with alternate comparators for enhanced
#: speed in 32 nm digital SOI CMOS", ISSCC 2013 (1.0 V supply) -- the ADC of
#: ISAAC (Shafiee et al., ISCA 2016, Table 6: 8 ADCs per IMA, 16 mW, 0.0096 mm²,
#: 1.28 GS/s -> 1.67 pJ and 1200 µm² each).
SAR_REF_VDD_V = 1.0
SAR_REF_RATE_MSPS = 1200.0

#: E = ALPHA*bits + BETA*2^bits (pJ at the reference node, supply and rate):
#: per-bit-cycle comparator + SAR logic energy and the binary-weighted CDAC
#: (capacitance ∝ 2^bits; Saberi et al., "Analysis of power consumption and
#: linearity in capacitive DACs used in SAR ADCs", IEEE TCAS-I 58(8), 2011).
#: Least-squares fit (after the thermal floor) to ISAAC's 4-10 bit scaling of
#: the Kull ADC (the table in CiMLoop/hwcomponents' ISAAC library: 0.79, 0.99,
#: 1.20, 1.42, 1.67, 1.97, 2.38 pJ); residuals < 2 %.
SAR_ALPHA_PJ = 0.200274
SAR_BETA_PJ = 1.42392e-4
#: A = A_BIT*bits + A_UNIT*2^bits (µm² at 32 nm): fit to the same table
#: (361, 477, 627, 845, 1200, 1828, 3002 µm²); residuals < 0.01 %.
SAR_AREA_BIT_UM2 = 81.7269
SAR_AREA_UNIT_UM2 = 2.13353
#: Speed corner: above f_c the energy per conversion grows as 1 + (f_s/f_c)²
#: (the Murmann survey's Walden-FoM envelope bends up near the node's speed
#: limit). f_c = 360 MS/s at 32 nm reconciles ISAAC's 5-bit 0.99 pJ at 1.2 GS/s
#: with NeuroSim's 5-bit SAR fit (V1.4 SarADC.cpp, 32 nm: (1.0157*5+7.6286) µW
#: for (5+1) ns = 0.076 pJ at 167 MS/s) within 10 %.
SAR_F_CORNER_MSPS = 360.0
#: Bit-cycle time at 32 nm: (bits+1) cycles per conversion. Kull's 8-bit ADC
#: runs 9 cycles in 833 ps (93 ps); 75 ps lets every entry of ISAAC's 4-10 bit
#: table run at its stated 1.2 GS/s (10 bits: 11 cycles in 825 ps).
SAR_T_CYCLE_NS = 0.075


#: The library's 32 nm node (technology/cmos/32nm.yaml: PTM 32 nm via NeuroSim
#: V1.4): full-adder switched capacitance 2.92 fJ / 0.9² V² = 3.605 fF, minimum
#: inverter 212.8 F² x (32 nm)² = 0.2179 µm², FO4 13.0 ps (the node card's value: the
#: model is anchored to that card, so these must follow it).
REF32_CAP_FF = 2.92 / 0.9 ** 2
REF32_INV_UM2 = 212.8 * 0.032 ** 2
REF32_FO4_PS = 13.0
#: The library's 90 nm node (technology/cmos/90nm.yaml): 10.2 fJ / 1.2² V², FO4 49.6 ps.
REF90_CAP_FF = 10.2 / 1.2 ** 2
REF90_FO4_PS = 49.6


def _cap_ff(node: CmosNode) -> float:
    return node.full_adder_energy_fj / node.vdd_v ** 2


def _scales(node: CmosNode, cap_ref_ff: float, vdd_ref_v: float, fo4_ref_ps: float
            ) -> tuple[float, float, float]:
    """(energy, area, speed) factors of ``node`` relative to a reference node and supply."""
    e = _cap_ff(node) / cap_ref_ff * (node.vdd_v / vdd_ref_v) ** 2
    a = area_f2_um2(node, node.inv_area_f2) / REF32_INV_UM2
    return e, a, fo4_ref_ps / node.fo4_delay_ps


def _sar_scales(node: CmosNode) -> tuple[float, float, float]:
    return _scales(node, REF32_CAP_FF, SAR_REF_VDD_V, REF32_FO4_PS)


@register("adc", "sar")
def sar_adc(spec: AdcSpec, node: CmosNode, *, calibration: CalibrationSpec | None = None
            ) -> ComponentCost:
    """Successive-approximation ADC (charge-redistribution CDAC, one comparator).

    E = s_E (α b + β 2^b) (1 + (f_s/f_c)²) / (1 + (f_ref/f_c,ref)²) + E_thermal(b);
    A = s_A (a b + u 2^b); f_max = 1 / ((b+1) t_cycle).
    """
    cal = calib(calibration)
    loss = _param(spec, "enob_loss_bits", 0.5, {"enob_loss_bits"})
    b = spec.bits
    s_e, s_a, s_f = _sar_scales(node)
    f_c = SAR_F_CORNER_MSPS * s_f
    f_max = 1.0 / ((b + 1) * SAR_T_CYCLE_NS / s_f) * NS_PER_S / MEGA
    fs = _rate(spec, f_max, f_c, "SAR")
    ref_penalty = 1.0 + (SAR_REF_RATE_MSPS / SAR_F_CORNER_MSPS) ** 2
    penalty = (1.0 + (fs / f_c) ** 2) / ref_penalty
    enob = max(1.0, b - loss)
    e = s_e * (SAR_ALPHA_PJ * b + SAR_BETA_PJ * 2.0 ** b) * penalty + thermal_floor_pj(b)
    a = s_a * (SAR_AREA_BIT_UM2 * b + SAR_AREA_UNIT_UM2 * 2.0 ** b)
    return _result(e, a, fs, f_max, enob, cal, speed_corner_msps=f_c)


# ----------------------------------------------------------------------------- flash

#: Reference: J. Van der Plas, S. Decoutere, S. Donnay, "A 0.16 pJ/conversion-step
#: 2.5 mW 1.25 GS/s 4b ADC in a 90 nm digital CMOS process", ISSCC 2006
#: (1.0 V): 2.5 mW / 1.25 GS/s = 2.0 pJ per conversion over 15 comparators
#: -> 0.133 pJ per comparator slot (comparator + its share of clocking and
#: the thermometer-to-binary encoder).
FLASH_REF_VDD_V = 1.0
FLASH_E_SLOT_PJ = 2.0 / 15.0
#: Conversion time at 90 nm: comparator regeneration + encoder depth,
#: 600 ps + 50 ps per bit = 800 ps (1.25 GS/s) at 4 bits (same reference).
FLASH_T_CMP_NS = 0.6
FLASH_T_ENC_PER_BIT_NS = 0.05
#: Comparator slot area at 32 nm: half of the SAR fit's per-bit area (the SAR
#: bit slice holds one comparator-equivalent plus logic and switch drivers;
#: assumption, same Kull/ISAAC source).
FLASH_A_SLOT_UM2_32 = 0.5 * SAR_AREA_BIT_UM2


@register("adc", "flash")
def flash_adc(spec: AdcSpec, node: CmosNode, *, calibration: CalibrationSpec | None = None
              ) -> ComponentCost:
    """Flash ADC: 2^b - 1 clocked comparators and a thermometer encoder.

    E = (2^b - 1) e_slot s_E + E_thermal(b); A = (2^b - 1) a_slot s_A;
    t_conv = (0.6 + 0.05 b) ns / s_f (scales relative to the library's 90 nm node at 1.0 V).
    """
    cal = calib(calibration)
    loss = _param(spec, "enob_loss_bits", 0.3, {"enob_loss_bits"})
    b = spec.bits
    slots = 2 ** b - 1
    s_e, s_a, s_f = _scales(node, REF90_CAP_FF, FLASH_REF_VDD_V, REF90_FO4_PS)
    e = slots * FLASH_E_SLOT_PJ * s_e + thermal_floor_pj(b)
    a = slots * FLASH_A_SLOT_UM2_32 * s_a
    t = (FLASH_T_CMP_NS + FLASH_T_ENC_PER_BIT_NS * b) / s_f
    f_max = NS_PER_S / t / MEGA
    fs = _rate(spec, f_max, f_max, "flash")
    return _result(e, a, fs, f_max, max(1.0, b - loss), cal, comparators=slots)


# ----------------------------------------------------------------------------- MLSA

#: NeuroSim's multilevel sense amplifier (DNN+NeuroSim V1.3/V1.4,
#: MultilevelSenseAmp.cpp): 2^b - 1 current-mode latch sense amps in parallel
#: against reference columns, plus a thermometer encoder. Per sense amp, the
#: switched capacitance in NeuroSim's energy expression is, in minimum-nMOS
#: units with p/n width ratio r, (6r + 5) gate caps and (4r + 3) junction caps
#: at Vdd (17 and 11 for planar r = 2) plus 2 gate caps at the read voltage;
#: area 9 minimum nMOS per sense amp.
MLSA_GATE_CAPS_P = 6.0
MLSA_GATE_CAPS_N = 5.0
MLSA_JUNCTION_CAPS_P = 4.0
MLSA_JUNCTION_CAPS_N = 3.0
MLSA_INPUT_CAPS = 2.0
MLSA_TRANSISTORS = 9.0
#: One conversion takes 1 ns at 22 nm (NeuroSim V1.4 voltage-mode MLSA latency,
#: MultilevelSenseAmp.cpp, the node of its reference runs). The latch resolves
#: in a few regeneration time constants C/g_m (Razavi, "The StrongARM latch",
#: IEEE Solid-State Circuits Magazine 7(2), 2015), which track the node's FO4
#: delay, so the default sense time is 1 ns x FO4(node) / FO4(22 nm).
MLSA_T_SENSE_NS = 1.0
MLSA_REF_FO4_PS = 8.02  # technology/cmos/22nm.yaml fo4_delay_ps
#: Current-mode MLSA (``params.current_mode: 1``, NeuroSim V1.4 Param.cpp currentMode = true):
#: the column is held at a read voltage V_rd and its current is mirrored into the 2^b - 1
#: current sense amps, each comparing it with a reference column (a dummy column of the
#: subarray's cells programmed to the level's conductance), one set of references shared by
#: ``reference_share`` sense amps (NeuroSim Param.cpp dumcolshared = levelOutput, i.e. 2^b).
#: Per conversion this charges the column line and the shared reference columns to V_rd and
#: activates the word lines of a reference column (NeuroSim V1.4 MultilevelSenseAmp.cpp
#: CalculatePower, current-mode branch; SubArray.cpp CalculatePower: reference_energy_peri
#: = word-line cap per cell x rows x Vdd^2); the reference columns occupy (2^b - 1)/share
#: columns of cells per ADC (MultilevelSenseAmp.cpp CalculateArea). V_rd per node, in V,
#: as NeuroSim V1.4 MultilevelSenseAmp.cpp CalculatePower sets it (keyed by node in nm):
MLSA_CURRENT_MODE_VREAD_V = {130: 0.58, 90: 0.58, 65: 0.55, 45: 0.51, 32: 0.51, 22: 0.55,
                             14: 0.277, 10: 0.28, 7: 0.264, 5: 0.253, 3: 0.248, 2: 0.28,
                             1: 0.272}
#: Thermometer-to-binary encoder of a flash read-out (mlsa, sa_flash): ~b/2 two-input
#: gates per thermometer input, half of them switching per conversion. A NAND2 switches
#: ~1.5 x a minimum inverter (input: logical effort 4/3, Sutherland, Sproull & Harris,
#: "Logical Effort", 1999; the rest: its larger output diffusion -- an estimate).
ENC_NAND2_PER_INV = 1.5


def thermometer_encoder(node: CmosNode, bits: int) -> tuple[float, float]:
    """(energy pJ per conversion, area µm²) of a ``bits``-bit thermometer encoder."""
    gates = 2 ** bits * 0.5 * bits
    e = gates * e_inv_pj(node, 1.0, 1.0) * ENC_NAND2_PER_INV * 0.5
    return e, gates * area_f2_um2(node, node.nand2_area_f2)


@register("adc", "mlsa")
def mlsa_adc(spec: AdcSpec, node: CmosNode, *, calibration: CalibrationSpec | None = None,
             array: ComponentCost | None = None) -> ComponentCost:
    """NeuroSim-style multilevel sense amplifier (a current-mode flash).

    E = (2^b - 1)[((6r+5) C_g + (4r+3) C_j) Vdd² + 2 C_g V_in²] + E_enc
    (r: p/n width ratio, 2 planar, 1 FinFET/GAA; V_in = Vdd/2); E_enc = 2^b (b/2) E_nand2;
    A = (2^b - 1) 9 A_T + encoder; t = 1 ns x FO4 / FO4(22 nm).
    params: ``sense_ns`` (default: that FO4-scaled 1 ns), ``enob_loss_bits`` (0.5),
    ``current_mode`` (0; 1 = NeuroSim's current-mode sensing), ``read_voltage_v`` (current
    mode: the column read voltage, default NeuroSim's per-node value) and
    ``reference_share`` (current mode: sense amps per reference-column set, default 2^b).
    Current mode with the subarray's ``array`` cost (as the roll-up passes it): V_in = V_rd
    and, with n_ref = (2^b - 1) / share reference columns per ADC,
    E += C_BL (1 + n_ref) V_rd² + n_ref rows C_WL,cell Vdd²;  A += n_ref rows A_cell.
    """
    cal = calib(calibration)
    allowed = {"sense_ns", "enob_loss_bits", "current_mode", "read_voltage_v",
               "reference_share"}
    t_default = MLSA_T_SENSE_NS * node.fo4_delay_ps / MLSA_REF_FO4_PS
    t_sense = _param(spec, "sense_ns", t_default, allowed)
    loss = _param(spec, "enob_loss_bits", 0.5, allowed)
    if t_sense <= 0:
        raise bad("subarray.adc.params.sense_ns", "must be positive", value=t_sense)
    b = spec.bits
    sas = 2 ** b - 1
    current = _param(spec, "current_mode", 0.0, allowed)
    if current not in (0.0, 1.0):
        raise bad("subarray.adc.params.current_mode", "must be 0 (voltage mode) or 1 "
                  "(current mode)", value=current, allowed="0, 1")
    v = node.vdd_v
    v_in = 0.5 * v
    share = float(2 ** b)
    if current:
        v_rd_default = MLSA_CURRENT_MODE_VREAD_V.get(round(node.node_nm))
        if v_rd_default is None and "read_voltage_v" not in spec.params:
            raise bad("subarray.adc.params.read_voltage_v", "a current-mode MLSA needs the "
                      f"column read voltage at this node ({node.name}: not in NeuroSim's "
                      "per-node table)", allowed=", ".join(
                          f"{k} nm" for k in MLSA_CURRENT_MODE_VREAD_V))
        v_in = _param(spec, "read_voltage_v", v_rd_default or 0.0, allowed)
        share = _param(spec, "reference_share", share, allowed)
        if not 0.0 < v_in <= v:
            raise bad("subarray.adc.params.read_voltage_v", "must be in (0, Vdd]",
                      value=v_in, allowed=f"0 < V <= {v:g}")
        if share < 1.0:
            raise bad("subarray.adc.params.reference_share", "must be >= 1", value=share)
    elif {"read_voltage_v", "reference_share"} & set(spec.params):
        raise bad("subarray.adc.params", "read_voltage_v / reference_share need "
                  "current_mode: 1", value=sorted({"read_voltage_v", "reference_share"}
                                                  & set(spec.params)))
    cg = cgate_ff(node, wmin_um(node))
    cj = cdrain_ff(node, wmin_um(node))
    r = pn_ratio(node)
    gates = MLSA_GATE_CAPS_P * r + MLSA_GATE_CAPS_N
    junctions = MLSA_JUNCTION_CAPS_P * r + MLSA_JUNCTION_CAPS_N
    e_sa = pj_from_ff_v2(gates * cg + junctions * cj, v) + pj_from_ff_v2(
        MLSA_INPUT_CAPS * cg, v_in)
    e_enc, a_enc = thermometer_encoder(node, b)
    e = sas * e_sa + e_enc + thermal_floor_pj(b)
    a_t = area_f2_um2(node, node.inv_area_f2) / 2.0
    a = sas * MLSA_TRANSISTORS * a_t + a_enc
    extra: dict[str, float] = {}
    if current and array is not None:
        n_ref = sas / share
        rows = float(array.info["rows"])
        c_wl_cell = float(array.info["c_wl_ff"]) / float(array.info["cols"])
        e_col = pj_from_ff_v2(float(array.info["c_bl_ff"]) * (1.0 + n_ref), v_in)
        e_ref = n_ref * rows * pj_from_ff_v2(c_wl_cell, v)
        a_ref = n_ref * rows * float(array.info["cell_area_um2"])
        e += e_col + e_ref
        a += a_ref
        extra = {"column_energy_pj": e_col * cal.adc_energy_factor,
                 "reference_energy_pj": e_ref * cal.adc_energy_factor,
                 "reference_area_um2": a_ref * cal.adc_area_factor}
    f_max = NS_PER_S / t_sense / MEGA
    fs = _rate(spec, f_max, f_max, "mlsa")
    return _result(e, a, fs, f_max, max(1.0, b - loss), cal, sense_amps=sas, **extra)


# ----------------------------------------------------------------------------- ramp

#: Single-slope (ramp) ADC: a continuous-time comparator per column watching a
#: shared ramp while a shared counter runs 2^b steps; the column latches b bits.
#: Comparator bias: 2 µA for a 1 ns counter step, the order of column
#: comparators in column-parallel single-slope ADCs of CMOS image sensors
#: (Snoeij et al., "Multiple-ramp column-parallel ADC architectures for CMOS
#: image sensors", IEEE JSSC 42(12), 2007: few-µA column comparators). A
#: faster step needs proportionally more bias (gm ∝ I at fixed overdrive), so
#: the bias energy per step, I·Vdd·t_step, stays constant.
RAMP_BIAS_UA = 2.0
RAMP_BIAS_STEP_NS = 1.0
#: Counter clock period in FO4 (a DFF plus an increment per step; ~10 FO4 is a
#: conservative single-cycle budget, Harris & Harris, Digital Design, 2012).
RAMP_STEP_FO4 = 10.0
#: Columns sharing one ramp generator and counter (default; ``params.shared_by``).
RAMP_SHARED_BY = 64.0
#: Comparator: ~20 minimum transistors (two-stage open-loop comparator).
RAMP_CMP_TRANSISTORS = 20.0


@register("adc", "ramp")
def ramp_adc(spec: AdcSpec, node: CmosNode, *, calibration: CalibrationSpec | None = None
             ) -> ComponentCost:
    """Single-slope ADC: 2^b counter steps per conversion.

    E = I_bias Vdd T + b E_dff + 2^b (2 E_dff + E_ramp) / shared; T = 2^b k t_step,
    I_bias = 2 µA x (1 ns / t_step).
    params: ``cycles_per_step`` (default 1), ``shared_by`` (64), ``bias_ua`` (2),
    ``enob_loss_bits`` (0.3).
    """
    cal = calib(calibration)
    allowed = {"cycles_per_step", "shared_by", "bias_ua", "enob_loss_bits"}
    k = _param(spec, "cycles_per_step", 1.0, allowed)
    shared = _param(spec, "shared_by", RAMP_SHARED_BY, allowed)
    bias = _param(spec, "bias_ua", RAMP_BIAS_UA, allowed)
    loss = _param(spec, "enob_loss_bits", 0.3, allowed)
    if k <= 0 or shared < 1 or bias <= 0:
        raise bad("subarray.adc.params", "cycles_per_step and bias_ua must be > 0, shared_by >= 1",
                  value=dict(spec.params))
    b = spec.bits
    steps = 2 ** b
    t_step = RAMP_STEP_FO4 * fo4_ns(node) * k
    t_conv = steps * t_step
    e_dff = node.dff_energy_fj * PJ_PER_FJ
    i_bias_a = bias * A_PER_UA * RAMP_BIAS_STEP_NS / t_step
    e_bias = i_bias_a * node.vdd_v * t_conv / NS_PER_S * PJ_PER_J
    e_counter = steps * 2.0 * e_dff / shared  # ripple counter: 2 toggles per increment
    e_ramp = steps * e_inv_pj(node, 4.0, 4.0) / shared  # ramp DAC step driver
    e = e_bias + b * e_dff + e_counter + e_ramp + thermal_floor_pj(b)
    a_t = area_f2_um2(node, node.inv_area_f2) / 2.0
    a = (RAMP_CMP_TRANSISTORS * a_t + b * area_f2_um2(node, node.dff_area_f2)
         + (b * area_f2_um2(node, node.dff_area_f2) + 2 ** b * a_t) / shared)
    f_max = NS_PER_S / t_conv / MEGA
    fs = _rate(spec, f_max, f_max, "ramp")
    return _result(e, a, fs, f_max, max(1.0, b - loss), cal, steps=steps)


# ----------------------------------------------------------------------------- CCO

#: Current-controlled-oscillator ADC after IBM HERMES (Khaddam-Aljameh et al.,
#: "HERMES-Core: a 1.59-TOPS/mm² PCM on 14-nm CMOS in-memory compute core
#: using 300-ps/LSB linearized CCO-based ADCs", IEEE JSSC 57(4), 2022):
#: the column current sets the frequency of a ring oscillator (max > 3 GHz);
#: a counter counts periods for 2^b LSB times of 300 ps at 14 nm.
CCO_T_LSB_NS = 0.3
#: FO4 of the library's 14 nm node (technology/cmos/14nm.yaml); t_LSB scales with FO4.
CCO_REF_FO4_PS = 9.28
#: Ring stages (odd; 5 is the smallest practical ring), sized 2x minimum.
CCO_STAGES = 5
CCO_STAGE_SIZE = 2.0
#: Linearising current mirror / bias: ~24 minimum transistors (assumption).
CCO_BIAS_TRANSISTORS = 24.0
#: Variable-increment ripple counter (HERMES: the counter's increment size performs the
#: shift-and-add of bit-serial inputs inside the ADC, JSSC 2022): one 2:1 clock-select
#: mux per extra entry stage, an AND-OR of 3 NAND2 (the textbook gate-level 2:1 mux);
#: at most 16 shifts (inputs of up to 16 bits, the DacSpec limit).
CCO_MUX_NAND2 = 3.0
CCO_MAX_INCREMENT_BITS = 16


@register("adc", "cco")
def cco_adc(spec: AdcSpec, node: CmosNode, *, calibration: CalibrationSpec | None = None
            ) -> ComponentCost:
    """CCO-based ADC: ring oscillator + ripple counter counting over a window.

    The counter counts ring periods (one per t_LSB at full scale) for the counting window
    T_w (``params.count_window_ns``; default 2^b t_LSB, the shortest window that resolves
    b bits), so the code range is N = T_w / t_LSB >= 2^b and the mean count N x
    ``mean_code_fraction``:
    E = N frac (N_st E_inv + 2 E_dff) + n_c E_dff [+ E_affine], n_c = max(b, ceil(log2 N))
    counter bits; t_conv = T_w; t_LSB = 300 ps x FO4/FO4_14nm. ``params.affine_bits`` = a
    > 0 adds a per-conversion digital gain/offset correction (code x per-column scale +
    per-column offset on a-bit operands: one a x a multiply-accumulate of
    ``digital.mac_unit``; HERMES' ADC calibration and LDPU affine scaling), one unit per
    ADC. ``params.gain_mhz_per_ua`` = K (measured converter gain, ring frequency per µA
    of input current) prices the ring by its current instead: a current-controlled ring's
    supply current is its control current (the input, mirrored 1:1), I = f / K, so each
    period draws V_dd / K from the supply whatever the frequency (the stage charging is
    part of it); default: minimum-size stages, N_st E_inv per period.
    ``params.increment_bits`` = k > 0: a ripple counter with variable increment size
    (the ring clock enters at stage j = 0..k, adding 2^j per period), so the counter
    does the shift-and-add of bit-serial inputs inside the ADC (HERMES, JSSC 2022):
    n_c + k counter bits and k 2:1 clock-select muxes (3 NAND2 each, AND-OR); the
    per-period energy is unchanged (a ripple counter toggles ~2 stages per increment
    whatever its entry stage). params: ``mean_code_fraction`` (0.5), ``enob_loss_bits``
    (0.5), ``count_window_ns``, ``affine_bits`` (0), ``gain_mhz_per_ua``,
    ``increment_bits`` (0).
    """
    cal = calib(calibration)
    allowed = {"mean_code_fraction", "enob_loss_bits", "count_window_ns", "affine_bits",
               "gain_mhz_per_ua", "increment_bits"}
    frac = _param(spec, "mean_code_fraction", 0.5, allowed)
    loss = _param(spec, "enob_loss_bits", 0.5, allowed)
    if not 0 < frac <= 1:
        raise bad("subarray.adc.params.mean_code_fraction", "must be in (0, 1]", value=frac)
    b = spec.bits
    t_lsb = CCO_T_LSB_NS * node.fo4_delay_ps / CCO_REF_FO4_PS
    t_min = 2 ** b * t_lsb
    t_conv = _param(spec, "count_window_ns", t_min, allowed)
    if t_conv < t_min * (1 - 1e-9):
        raise bad("subarray.adc.params.count_window_ns",
                  f"a {b}-bit CCO ADC at this node needs a counting window of at least "
                  f"2^{b} x {t_lsb:.4g} ns (one ring period per LSB)", value=t_conv,
                  allowed=f">= {t_min:.4g}")
    affine = _param(spec, "affine_bits", 0.0, allowed)
    if affine < 0 or affine != int(affine):
        raise bad("subarray.adc.params.affine_bits", "must be a whole number >= 0 "
                  "(0 = no digital gain/offset correction)", value=affine)
    inc = _param(spec, "increment_bits", 0.0, allowed)
    if not 0 <= inc <= CCO_MAX_INCREMENT_BITS or inc != int(inc):
        raise bad("subarray.adc.params.increment_bits", "must be a whole number of counter "
                  "entry-stage shifts (0 = a plain +1 ripple counter)", value=inc,
                  allowed=f"0 .. {CCO_MAX_INCREMENT_BITS}")
    codes = t_conv / t_lsb
    n_cnt = max(b, log2c(math.ceil(codes - 1e-9))) + int(inc)
    e_dff = node.dff_energy_fj * PJ_PER_FJ
    periods = codes * frac
    e_ring = CCO_STAGES * e_inv_pj(node, CCO_STAGE_SIZE, 1.0)
    if "gain_mhz_per_ua" in spec.params:
        gain = spec.params["gain_mhz_per_ua"]
        if gain <= 0:
            raise bad("subarray.adc.params.gain_mhz_per_ua", "must be > 0", value=gain)
        # V_dd x (f / K) x (1 / f): J per period; K in MHz/µA = Hz/A
        e_ring = node.vdd_v / (gain * MEGA / A_PER_UA) * PJ_PER_J
    e_period = e_ring + 2.0 * e_dff
    e = periods * e_period + n_cnt * e_dff + thermal_floor_pj(b)
    a_t = area_f2_um2(node, node.inv_area_f2) / 2.0
    a = (CCO_STAGES * CCO_STAGE_SIZE * area_f2_um2(node, node.inv_area_f2)
         + 2 * n_cnt * area_f2_um2(node, node.dff_area_f2) + CCO_BIAS_TRANSISTORS * a_t
         + inc * CCO_MUX_NAND2 * area_f2_um2(node, node.nand2_area_f2))
    leak = 0.0
    e_aff = 0.0
    if affine:
        from ppa_sim.components.digital import mac_unit

        mac = mac_unit(int(affine), node)
        e_aff = mac.energy_pj("mac")
        e += e_aff
        a += mac.area_um2
        leak += mac.leakage_uw
    f_max = NS_PER_S / t_conv / MEGA
    fs = _rate(spec, f_max, f_max, "cco")
    # integrating: the counter counts while the column current flows (HERMES applies the
    # PWM inputs and counts CCO periods in the same window), so the estimator overlaps the
    # conversion with the array read
    return _result(e, a, fs, f_max, max(1.0, b - loss), cal, leakage_uw=leak,
                   ring_freq_ghz=1.0 / t_lsb, integrating=1.0, code_range=codes,
                   counter_bits=float(n_cnt), affine_energy_pj=e_aff,
                   ring_energy_per_period_pj=e_ring)


# ----------------------------------------------------------------------------- adder tree

#: Digital SRAM CIM readout (all rows at once, no analog step): each row's input
#: bit gates the stored bit of every column through a 2-input gate next to the
#: cell (bitwise AND; a NOR of the inverted operands in TSMC's macro), and a
#: per-column binary adder tree sums the rows' one-bit products exactly in one
#: cycle; bit-serial inputs and weight bits are then combined by shift-add as for
#: any readout. Y.-D. Chih et al., "An 89TOPS/W and 16.3TOPS/mm² all-digital
#: SRAM-based full-precision compute-in-memory macro in 22nm for machine-learning
#: edge applications", ISSCC 2021 (22 nm, 64 kb, 4-bit inputs bit-serial, 4/8/12/16-bit
#: weights, 89 TOPS/W at 4b x 4b); H. Fujiwara et al., ISSCC 2022 (TSMC 5 nm
#: fully-digital CIM macro, 254 TOPS/W at 4b x 4b). Built here from the node's
#: standard cells (ripple full adders, NAND2-class gate per product), which is
#: conservative next to those custom adder trees (see docs/models.md).
ADDER_TREE_GATES_PER_PRODUCT = 1.0


@register("adc", "adder_tree")
def adder_tree_readout(spec: AdcSpec, node: CmosNode, *,
                       calibration: CalibrationSpec | None = None) -> ComponentCost:
    """Digital CIM readout: 2^(b-1) one-bit products (AND gates) summed by an adder tree.

    ``bits`` = log2(rows read at once) + 1 (the exact column sum 0..rows needs it), so
    the tree has n = 2^(b-1) one-bit operands. Exact: enob = bits, info ``exact`` = 1.
    E = n E_gate s + E_tree(n, 1 bit, s); A = n A_nand2 + A_tree; t = tree critical path
    (ripple carries over log2 n levels + output register), s = ``params.toggle`` / 0.5
    (default toggle 0.5).
    """
    from ppa_sim.components.digital import _Blk, adder_tree

    cal = calib(calibration)
    toggle = _param(spec, "toggle", 0.5, {"toggle"})
    if not 0.0 < toggle <= 1.0:
        raise bad("subarray.adc.params.toggle", "must be in (0, 1]", value=toggle)
    b = spec.bits
    n = 2 ** (b - 1)
    tree = adder_tree(n, 1, node, toggle=toggle)
    gates = _Blk(nand=ADDER_TREE_GATES_PER_PRODUCT * n).cost(node, "and", 0.0, toggle,
                                                            DEFAULT_CALIBRATION)
    e = tree.energy_pj("reduce") + gates.energy_pj("and")
    a = tree.area_um2 + gates.area_um2
    t = tree.latency_ns("reduce")
    f_max = NS_PER_S / t / MEGA
    fs = _rate(spec, f_max, f_max, "adder_tree")
    return _result(e, a, fs, f_max, float(b), cal, leakage_uw=tree.leakage_uw + gates.leakage_uw,
                   latency_ns=t, exact=1.0, operands=float(n),
                   full_adders=float(tree.info["full_adders"]))
