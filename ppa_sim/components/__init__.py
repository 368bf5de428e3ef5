"""Component cost models: pure functions (spec, technology) -> ComponentCost."""

from ppa_sim.components.registry import get, kinds, register
from ppa_sim.cost import ActionCost, ComponentCost

__all__ = ["ActionCost", "ComponentCost", "get", "kinds", "register"]
