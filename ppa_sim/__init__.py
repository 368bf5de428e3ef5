"""ppa_sim: power, area, latency and accuracy of memristive compute-in-memory accelerators.

One hardware description (technology YAML + architecture YAML) drives both a
fast architectural estimator and a PyTorch accuracy simulator.
"""

from __future__ import annotations

__version__ = "0.1.0"

from typing import Any

_API = {"estimate", "evaluate", "simulate_accuracy", "sweep", "search", "train", "load_design",
        "load_network"}


def __getattr__(name: str) -> Any:  # lazy: importing ppa_sim must not import torch
    if name in _API:
        from ppa_sim import api

        return getattr(api, name)
    raise AttributeError(f"module 'ppa_sim' has no attribute {name!r}")


__all__ = ["__version__", *sorted(_API)]
