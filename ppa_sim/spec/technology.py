"""Technology: a CMOS node and a memory device.

Both are pure input models. Values come from YAML files under ``technology/``
where each number cites its source; this module only states what each field
means, its unit, and which values are physically allowed.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from ppa_sim.spec.base import Spec

PositiveFloat = Annotated[float, Field(gt=0)]
NonNegFloat = Annotated[float, Field(ge=0)]
Probability = Annotated[float, Field(ge=0, le=1)]


class WireLevel(Spec):
    """Resistance and capacitance of one metal level per unit length."""

    r_ohm_per_um: PositiveFloat
    """Wire resistance per µm of length (Ω/µm) at minimum width."""
    c_ff_per_um: PositiveFloat
    """Wire capacitance per µm of length (fF/µm), total to neighbours and ground."""
    pitch_nm: PositiveFloat
    """Minimum wire pitch (nm)."""


class Wires(Spec):
    """The three metal levels the models use."""

    local: WireLevel
    """M1/M2: wires inside arrays (word lines, bit lines) and standard cells."""
    intermediate: WireLevel
    """Intermediate levels: buses inside tiles and PEs."""
    global_: WireLevel = Field(alias="global")
    """Top (global) levels: chip interconnect, H-tree, NoC links."""


class CmosNode(Spec):
    """A CMOS technology node (logic transistors, wires, standard cells)."""

    name: str
    """Name used to reference the node, e.g. ``22nm``."""
    description: str = ""
    node_nm: PositiveFloat
    """Marketing node name in nm (22 for '22 nm')."""
    feature_size_nm: PositiveFloat
    """Feature size F in nm used for F²-based areas (NeuroSim convention: F = node)."""
    vdd_v: Annotated[float, Field(gt=0, le=5)]
    """Nominal supply voltage (V)."""
    vth_v: Annotated[float, Field(gt=0, le=2)]
    """Threshold voltage of the nominal nMOS device (V)."""
    ion_n_ua_per_um: PositiveFloat
    """nMOS on-current per µm of (effective) gate width at Vdd (µA/µm). FinFET/GAA nodes:
    per µm of W_eff (fin perimeter, all sheets), so ``ion * min_width_nm`` is one fin's current."""
    ion_p_ua_per_um: PositiveFloat
    """pMOS on-current per µm of gate width at Vdd (µA/µm)."""
    ioff_n_na_per_um: NonNegFloat
    """nMOS off (sub-threshold + gate) leakage per µm of width at Vdd (nA/µm)."""
    cgate_ff_per_um: PositiveFloat
    """Gate capacitance per µm of (effective) gate width (fF/µm), same width basis as Ion."""
    cdrain_ff_per_um: PositiveFloat
    """Drain junction + overlap capacitance per µm of width (fF/µm)."""
    min_width_nm: PositiveFloat
    """Effective width of the smallest transistor (nm): 2F on planar nodes (NeuroSim's
    MIN_NMOS_SIZE), one fin / one nanosheet stack (W_eff) on FinFET/GAA nodes, where widths
    are quantised to whole fins (NeuroSim: fins = ceil(W / 2F))."""
    fo4_delay_ps: PositiveFloat
    """Fan-out-of-4 inverter delay (ps): 0.69 R_mult (Vdd/Ion) (C_drain + 4 C_gate) in the
    shipped nodes; the unit for digital critical paths."""
    wires: Wires
    sram_cell_area_f2: PositiveFloat
    """6T SRAM bit-cell area in F² (F = ``feature_size_nm``). F² areas GROW at FinFET/GAA
    nodes because cells stop scaling with the node name; absolute areas still shrink."""
    inv_area_f2: PositiveFloat
    """Minimum inverter area in F² (standard-cell basis for digital periphery)."""
    nand2_area_f2: PositiveFloat
    """2-input NAND area in F²."""
    dff_area_f2: PositiveFloat
    """D flip-flop area in F²."""
    full_adder_area_f2: PositiveFloat
    """1-bit mirror full-adder area in F²."""
    full_adder_energy_fj: PositiveFloat
    """Energy of one 1-bit full-adder operation at Vdd with activity 0.5 (fJ)."""
    dff_energy_fj: PositiveFloat
    """Energy of one D flip-flop clock event with data toggle probability 0.5 (fJ)."""
    source: str = ""
    """Where this node's figures come from (summary)."""

    @model_validator(mode="after")
    def _checks(self) -> CmosNode:
        if self.vth_v >= self.vdd_v:
            raise ValueError(f"vth_v ({self.vth_v}) must be below vdd_v ({self.vdd_v})")
        return self


class UpdateSpec(Spec):
    """Weight-update (programming) behaviour for on-chip training.

    Follows the NeuroSim V2 convention: LTP/LTD conductance-vs-pulse curves with
    a nonlinearity parameter (0 = linear, larger = more saturating).
    """

    pulses: Annotated[int, Field(ge=2, le=100000)]
    """Number of identical pulses from G_min to G_max (effective update levels)."""
    nonlinearity_ltp: Annotated[float, Field(ge=0, le=10)]
    """Potentiation nonlinearity (NeuroSim 'A'-curve label, 0 = linear)."""
    nonlinearity_ltd: Annotated[float, Field(ge=0, le=10)]
    """Depression nonlinearity (same convention, magnitude)."""
    c2c_update_sigma: Annotated[float, Field(ge=0, le=1)]
    """Cycle-to-cycle variation of one update step, relative to the nominal step."""
    d2d_update_sigma: Annotated[float, Field(ge=0, le=1)] = 0.0
    """Device-to-device variation of the nonlinearity (relative)."""
    endurance_cycles: Annotated[float, Field(gt=0)] = 1e9
    """Programming cycles before the device fails stuck."""


DeviceKind = Literal["rram", "pcm", "fefet", "mram", "sram"]


class DeviceSpec(Spec):
    """A memory device used as the synaptic cell."""

    name: str
    """Name used to reference the device, e.g. ``rram``."""
    description: str = ""
    kind: DeviceKind
    """Device family."""
    r_on_ohm: PositiveFloat
    """Low-resistance (ON, G_max) state resistance at the read voltage (Ω)."""
    r_off_ohm: PositiveFloat
    """High-resistance (OFF, G_min) state resistance at the read voltage (Ω)."""
    sigma_r_on_ohm: NonNegFloat = 0.0
    """Device-to-device standard deviation of R_on (Ω), frozen per chip."""
    sigma_r_off_ohm: NonNegFloat = 0.0
    """Device-to-device standard deviation of R_off (Ω), frozen per chip."""
    levels: Annotated[int, Field(ge=2, le=1024)]
    """Distinct conductance levels one cell can hold."""
    read_voltage_v: Annotated[float, Field(gt=0, le=5)]
    """Read voltage across the cell (V)."""
    read_pulse_ns: PositiveFloat
    """Read pulse width (ns)."""
    read_ref_fo4_ps: PositiveFloat | None = None
    """CMOS bit cells (sram6t/sram8t arrays): FO4 delay (ps) of the node at which
    ``read_pulse_ns`` and ``read_voltage_v`` were characterised; at a chip node with
    another FO4 / Vdd the array model scales the pulse by FO4 and the read voltage by
    Vdd (with ``read_ref_vdd_v``). None: both are taken as given at the chip's node."""
    read_ref_vdd_v: PositiveFloat | None = None
    """Supply (V) of that characterisation node (needed with ``read_ref_fo4_ps``)."""
    write_voltage_v: Annotated[float, Field(gt=0, le=10)]
    """Programming voltage (V)."""
    write_pulse_ns: PositiveFloat
    """Programming pulse width (ns)."""
    write_energy_pj: PositiveFloat
    """Energy of one programming pulse on one cell (pJ)."""
    write_pulses_per_level: Annotated[float, Field(ge=1)] = 1.0
    """Average pulses to program one cell to a target level (program-and-verify)."""
    cell_area_f2: PositiveFloat
    """Cell area in F² of the device in its usual cell (1T1R, 1T1FeFET, 6T...)."""
    cell_area_0t1r_f2: PositiveFloat | None = None
    """Cell area in F² in a selector-less crossbar, where the device allows it."""
    c2c_read_noise: Annotated[float, Field(ge=0, le=1)] = 0.0
    """Cycle-to-cycle read noise: relative σ of the conductance per read."""
    stuck_at_on_rate: Probability = 0.0
    """Fraction of cells stuck at G_on."""
    stuck_at_off_rate: Probability = 0.0
    """Fraction of cells stuck at G_off."""
    drift_nu: NonNegFloat = 0.0
    """Conductance drift exponent ν: G(t) = G0 (t/t0)^-ν (0 = no drift)."""
    drift_nu_sigma: NonNegFloat = 0.0
    """Device-to-device spread of ν."""
    drift_t0_s: PositiveFloat = 1.0
    """Drift reference time t0 (s)."""
    nonvolatile: bool = True
    """False for SRAM: the array leaks and loses its data without power."""
    update: UpdateSpec | None = None
    """Weight-update behaviour for on-chip training (None = not characterised)."""
    source: str = ""

    @model_validator(mode="after")
    def _checks(self) -> DeviceSpec:
        if self.r_off_ohm <= self.r_on_ohm:
            raise ValueError(
                f"r_off_ohm ({self.r_off_ohm:g}) must be greater than r_on_ohm ({self.r_on_ohm:g})"
            )
        if self.stuck_at_on_rate + self.stuck_at_off_rate > 1:
            raise ValueError("stuck_at_on_rate + stuck_at_off_rate must not exceed 1")
        return self

    @property
    def g_on_s(self) -> float:
        """ON conductance (S)."""
        return 1.0 / self.r_on_ohm

    @property
    def g_off_s(self) -> float:
        """OFF conductance (S)."""
        return 1.0 / self.r_off_ohm

    @property
    def on_off_ratio(self) -> float:
        return self.r_off_ohm / self.r_on_ohm


class Technology(Spec):
    """A CMOS node plus a memory device: everything physical a design uses."""

    node: CmosNode
    device: DeviceSpec
