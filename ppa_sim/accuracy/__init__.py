"""Accuracy path: torch models computed on the design's crossbars.

``convert(model, design)`` returns a copy of the model whose ``nn.Conv2d`` and
``nn.Linear`` layers run tile by tile on the same subarrays, ADCs, DACs and
devices as the cost path (weights cut by :func:`ppa_sim.mapping.partition.partition`);
``evaluate.simulate_accuracy`` reports ideal and hardware accuracy over simulated
chip instances and the measured activity for the estimator.

``convert`` is imported eagerly (the function shadows its module's name);
evaluation helpers load lazily.
"""

from __future__ import annotations

from typing import Any

from ppa_sim.accuracy.convert import calibrate, convert, crossbar_layers, program_chip
from ppa_sim.accuracy.options import DIGITAL, LayerConfigMap, SimOptions

__all__ = ["convert", "calibrate", "program_chip", "crossbar_layers", "SimOptions",
           "LayerConfigMap", "DIGITAL", "simulate_accuracy"]

_WHERE = {
    "simulate_accuracy": "ppa_sim.accuracy.evaluate",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'ppa_sim.accuracy' has no attribute {name!r}")
