"""Measured activity for the estimator (``ppa-sim estimate --activity FILE``).

Schema ``ppa_sim.activity/1``::

    {"schema": "ppa_sim.activity/1",
     "layers": {"<module qualified name>": {
         "input_bit_density": f,          # fraction of input bits that are 1
         "mean_conductance_fraction": f,  # mean stored G between G_off (0) and G_on (1)
         "adc_code_histogram": [counts],  # one count per ADC code, all conversions
         "adc_bits": n,
         "input_signed": b}}}             # optional (older files: false), see below

Layer names are the module qualified names, the names the torch importer gives
the Network layers, so the estimator matches them one to one.

A bipolar ADC (``weights.differential_readout: analog``, or ``dac.signed_input``:
signed column currents) has codes -2^(b-1)..2^(b-1)-1; its histogram bin i counts
code i - 2^(b-1) (zero current at mid-scale). Under ``dac.signed_input`` the bit
density counts the magnitude bits of the one signed pass (a row is driven, +V or -V,
when its bit is 1).

``input_signed`` (JSON boolean): some recorded input of the layer was negative. Drivers
without ``dac.signed_input`` then apply it as two passes, x+ then x-, of ``bits - 1``
magnitude bits each (the layer's ``_planes``); the estimator reads the flag and charges
both passes' read cycles and conversions (``ppa_sim.mapping.planner.input_passes``).
Without the flag (no data) the estimator takes inputs as unsigned, as NeuroSim does.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from torch import nn

from ppa_sim.accuracy.convert import crossbar_layers

SCHEMA = "ppa_sim.activity/1"


def start_recording(model: nn.Module) -> None:
    """Reset and enable activity recording on every crossbar layer."""
    for _, m in crossbar_layers(model):
        m.reset_activity()
        m.recording = True


def stop_recording(model: nn.Module) -> dict[str, Any]:
    """Disable recording; the activity document of what was recorded."""
    layers = {}
    for name, m in crossbar_layers(model):
        m.recording = False
        layers[name] = m.activity_record()
    return {"schema": SCHEMA, "layers": layers}


def write_activity(activity: Mapping[str, Any], path: str | Path) -> Path:
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(json.dumps(activity, indent=1) + "\n", encoding="utf-8")
    return p
