"""Switches of the accuracy simulator and per-layer rules.

:class:`SimOptions` turns each non-ideality on or off; every *number* behind a
switch (σ of R_on/R_off, read-noise σ, fault rates, drift ν, ADC bits, input
bits, wire resistance) comes from the design's YAML files, so that the accuracy
path and the cost path read the same settings. Defaults are "everything the
YAML describes is on" except IR drop (first-order model, opt-in) and drift
(needs a time).

:class:`LayerConfigMap` chooses options per layer with the precedence of
torch.ao's ``QConfigMapping``: global -> module type -> name regex (first
match, in insertion order) -> exact qualified name. A rule value of ``None``
keeps that layer digital (floating point), e.g. the first and last layer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field
from torch import nn

from ppa_sim.errors import ConfigError, Problem


class SimOptions(BaseModel):
    """Which effects the crossbar layers simulate (numbers come from the Design)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    weight_quant: bool = True
    """Quantise weights to ``weights.bits`` (or to the cell levels for analog weights)
    and slice them over cells; False = continuous conductances (one cell (pair) per weight)."""
    dac: bool = True
    """Quantise inputs to ``subarray.dac.bits`` and apply them ``dac_bits`` per cycle
    (bit-serial or multi-bit DAC); False = continuous input voltages, one cycle."""
    adc: bool = True
    """Read every partial sum through a ``subarray.adc.bits`` ADC (rounding + clipping);
    False = ideal read-out of the analog column current."""
    variation: bool = True
    """Device-to-device R_on/R_off variation (``sigma_r_on_ohm``/``sigma_r_off_ohm``),
    drawn once per simulated chip."""
    read_noise: bool = True
    """Cycle-to-cycle read noise (``c2c_read_noise``), drawn anew on every forward pass."""
    faults: bool = True
    """Stuck-at-ON/OFF cells (``stuck_at_on_rate``/``stuck_at_off_rate``), frozen per chip."""
    drift_time_s: Annotated[float, Field(gt=0)] | None = None
    """Time since programming (s) for conductance drift G(t) = G0 (t/t0)^-ν; None = t0."""
    drift_compensation: bool = True
    """Global drift compensation: one digital gain per layer, measured at time t against
    the as-programmed read-out of the same cells (aihwkit's 'global drift compensation',
    Joshi et al., Nat. Commun. 11, 2473 (2020))."""
    ir_drop: bool = False
    """IR drop along word and bit lines from ``node.wires.local``."""
    ir_drop_model: Literal["first_order", "exact"] = "first_order"
    """``first_order``: analytic linearisation (fast); ``exact``: nodal solve per
    read group with scipy.sparse (slow; small models only)."""
    adc_range_fraction: Annotated[float, Field(gt=0, le=1)] = 1.0
    """ADC full scale as a fraction of the physical column current span
    (rows_per_read x V_read x G_on); 1 = the full span, smaller values clip."""
    input_range: Literal["calibrated", "dynamic"] = "calibrated"
    """Input (DAC) full scale per layer: ``calibrated`` = the maximum |input| seen in a
    calibration pass (see :func:`ppa_sim.accuracy.convert.calibrate`), falling back to
    ``dynamic`` (the maximum of each batch) for layers not calibrated."""
    dtype: Literal["float32", "float64"] = "float32"
    """Arithmetic of the simulated read-out (float64 for precision studies and tests)."""
    chunk_elements: Annotated[int, Field(ge=1 << 12)] = 1 << 18
    """Partial sums materialised at once (2**18 floats = 1 MiB: stays in a core's L2
    cache, measured fastest on Xeon; the running sums take at most 4x this)."""

    pattern_tables: bool = True
    """Speed only, results unchanged: when every read group has at most
    :data:`~ppa_sim.accuracy.layers.PATTERN_TABLE_MAX_ROWS` rows and the input planes are
    bit-serial 0/1 planes (a 3-channel first convolution under kernel-wise mapping), a
    read group sees one of 2^rows input patterns: its partial sums, ADC codes and
    shift-added codes are computed once per pattern and gathered per input (the same
    conversions, value for value). False = always one partial sum per input."""

    def ideal(self) -> SimOptions:
        """The same options with every non-ideality off (exact floating point)."""
        return self.model_copy(update=dict(weight_quant=False, dac=False, adc=False,
                                           variation=False, read_noise=False, faults=False,
                                           drift_time_s=None, ir_drop=False))


#: rule value meaning "leave this layer digital"
DIGITAL = None

RuleValue = SimOptions | None


@dataclass
class LayerConfigMap:
    """Per-layer options with torch.ao-like precedence (global < type < regex < name)."""

    global_options: SimOptions = field(default_factory=SimOptions)
    by_type: dict[type, RuleValue] = field(default_factory=dict)
    by_regex: list[tuple[str, RuleValue]] = field(default_factory=list)
    by_name: dict[str, RuleValue] = field(default_factory=dict)

    # fluent setters (like QConfigMapping)
    def set_global(self, options: SimOptions) -> LayerConfigMap:
        self.global_options = options
        return self

    def set_type(self, module_type: type, options: RuleValue) -> LayerConfigMap:
        self.by_type[module_type] = options
        return self

    def set_name_regex(self, pattern: str, options: RuleValue) -> LayerConfigMap:
        try:
            re.compile(pattern)
        except re.error as e:
            raise ConfigError([Problem(None, "overrides", f"bad regular expression: {e}",
                                       value=pattern)]) from None
        self.by_regex.append((pattern, options))
        return self

    def set_name(self, name: str, options: RuleValue) -> LayerConfigMap:
        self.by_name[name] = options
        return self

    def resolve(self, name: str, module: nn.Module) -> RuleValue:
        """Options for the module called ``name`` (None = keep digital)."""
        if name in self.by_name:
            return self.by_name[name]
        for pattern, opts in self.by_regex:
            if re.fullmatch(pattern, name):
                return opts
        for t in type(module).__mro__:
            if t in self.by_type:
                return self.by_type[t]
        return self.global_options

    @classmethod
    def build(cls, options: SimOptions | None = None,
              overrides: LayerConfigMap | Mapping[str, RuleValue | str] | None = None,
              digital: Iterable[str] = ()) -> LayerConfigMap:
        """From a global ``options``, a mapping ``{name or /regex/: options | 'digital'}``
        (a key in slashes is a regex) and names to keep digital."""
        if isinstance(overrides, LayerConfigMap):
            out = LayerConfigMap(options or overrides.global_options, dict(overrides.by_type),
                                 list(overrides.by_regex), dict(overrides.by_name))
        else:
            out = cls(options or SimOptions())
            for key, val in (overrides or {}).items():
                if isinstance(val, str):
                    if val != "digital":
                        raise ConfigError([Problem(None, f"overrides.{key}",
                                                   "unknown rule value", value=val,
                                                   allowed="'digital', None or SimOptions")])
                    val = None
                if len(key) > 1 and key.startswith("/") and key.endswith("/"):
                    out.set_name_regex(key[1:-1], val)
                else:
                    out.set_name(key, val)
        for name in digital:
            out.set_name(name, None)
        return out
